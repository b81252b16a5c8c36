//! Secrets out of messages: a URL a user typed or a client sent may carry a password
//! (`imaps://user:PASSWORD@host`), a token as its user (`https://TOKEN@hooks.example`) or in its
//! query (`?token=abc`). Every message and log line that shows such a URL shows it through
//! [`redact_url`] (one URL) or [`redact_urls`] (free text such as a library's error).

use std::borrow::Cow;

/// What a hidden secret reads as.
pub const HIDDEN: &str = "***";

/// Schemes whose user name is an account name shown everywhere (the mailbox's owner), not a
/// secret: only a password after it is hidden.
const ACCOUNT_SCHEMES: [&str; 2] = ["imap", "imaps"];

/// `url` with its secrets hidden: the password of the userinfo (`user:***@`), a userinfo
/// without a password for schemes other than `imap`/`imaps` (`***@`), every query value
/// (`?token=***&x=***`) and the fragment (`#***`). The scheme, host, port and path stay. Also
/// takes a request target without scheme (`/path?token=abc`).
pub fn redact_url(url: &str) -> Cow<'_, str> {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r))
            if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            (Some(s), r)
        }
        _ => (None, url),
    };
    let authority_end = if scheme.is_some() { rest.find(['/', '?', '#']).unwrap_or(rest.len()) } else { 0 };
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match (scheme, authority.rsplit_once('@')) {
        (Some(s), Some((userinfo, host))) => {
            let userinfo = match userinfo.split_once(':') {
                Some((user, _)) => format!("{user}:{HIDDEN}"),
                None if ACCOUNT_SCHEMES.contains(&s.to_ascii_lowercase().as_str()) => userinfo.to_owned(),
                None => HIDDEN.to_owned(),
            };
            Cow::Owned(format!("{userinfo}@{host}"))
        }
        _ => Cow::Borrowed(authority),
    };
    let (before_fragment, fragment) = match tail.split_once('#') {
        Some((b, _)) => (b, Some(HIDDEN)),
        None => (tail, None),
    };
    let (path, query) = match before_fragment.split_once('?') {
        Some((p, q)) => (p, Some(redact_query(q))),
        None => (before_fragment, None),
    };
    if matches!(authority, Cow::Borrowed(_)) && query.is_none() && fragment.is_none() {
        return Cow::Borrowed(url);
    }
    let mut out = String::with_capacity(url.len());
    if let Some(s) = scheme {
        out.push_str(s);
        out.push_str("://");
    }
    out.push_str(&authority);
    out.push_str(path);
    if let Some(q) = query {
        out.push('?');
        out.push_str(&q);
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    Cow::Owned(out)
}

/// `a=1&b&c=3` → `a=***&b&c=***`: names stay, values go.
fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) => format!("{name}={HIDDEN}"),
            None => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// `text` with every `scheme://…` URL in it passed through [`redact_url`]; a URL ends at
/// whitespace, a quote, `<`, `>`, `(`, `)` or the end of the text.
pub fn redact_urls(text: &str) -> Cow<'_, str> {
    if !text.contains("://") {
        return Cow::Borrowed(text);
    }
    let ends = |c: char| c.is_whitespace() || "\"'<>()`".contains(c);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let start = rest[..at]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || "+-.".contains(c)))
            .map_or(0, |i| i + rest[i..].chars().next().map_or(1, char::len_utf8));
        let end = rest[at..].find(ends).map_or(rest.len(), |e| at + e);
        out.push_str(&rest[..start]);
        out.push_str(&redact_url(&rest[start..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_lone_tokens_query_values_and_fragments_are_hidden() {
        assert_eq!(
            redact_url("imaps://rep:PASSWORD@imap.example/INBOX"),
            "imaps://rep:***@imap.example/INBOX"
        );
        assert_eq!(redact_url("imaps://rep@imap.example/INBOX"), "imaps://rep@imap.example/INBOX");
        assert_eq!(
            redact_url("http://user:TOKEN@host:8080/hook?token=abc&x=1&flag#frag"),
            "http://user:***@host:8080/hook?token=***&x=***&flag#***"
        );
        assert_eq!(redact_url("https://TOKEN@hooks.example/x"), "https://***@hooks.example/x");
        assert_eq!(redact_url("/tlsrpt?key=s3cret"), "/tlsrpt?key=***");
        assert_eq!(redact_url("https://a.example/p@q"), "https://a.example/p@q");
        assert!(matches!(redact_url("https://a.example/v1/tlsrpt"), Cow::Borrowed(_)));
    }

    #[test]
    fn urls_inside_text_are_found_and_the_rest_stays() {
        let text = "error sending request for url (http://u:TOKEN@127.0.0.1:9/h?token=abc): refused";
        assert_eq!(
            redact_urls(text),
            "error sending request for url (http://u:***@127.0.0.1:9/h?token=***): refused"
        );
        assert_eq!(
            redact_urls("bad \"imaps://rep:pw@host/\": x; ünï https://t@h"),
            "bad \"imaps://rep:***@host/\": x; ünï https://***@h"
        );
        assert!(matches!(redact_urls("no url here"), Cow::Borrowed(_)));
        for s in ["://", "a://", "x ://y@z", "é://p:q@h"] {
            let _ = redact_urls(s);
        }
    }
}
