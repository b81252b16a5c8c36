//! `imaps://USER@HOST[:PORT]/MAILBOX` and `imap://…` (RFC 5092's server and mailbox parts).

use std::fmt;

use mtasts_core::redact::redact_url;

use super::ImapError;

/// An account and mailbox to fetch from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImapUrl {
    /// `imaps://` (TLS from the first byte) rather than `imap://` (STARTTLS).
    pub implicit_tls: bool,
    /// The user name (percent-decoded).
    pub user: String,
    /// The host name or IP address (without brackets).
    pub host: String,
    /// The port: as given, else 993 for `imaps://` and 143 for `imap://`.
    pub port: u16,
    /// The mailbox (percent-decoded); `INBOX` when the URL names none.
    pub mailbox: String,
}

/// The refusal of `s`, which is shown with any password in it hidden.
fn bad(s: &str, why: &str) -> ImapError {
    let shown = redact_url(s);
    ImapError::Url(format!("{shown:?}: {why}; expected imaps://USER@HOST[:PORT]/MAILBOX"))
}

fn decode(s: &str, text: &str) -> Result<String, ImapError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
            out.push(hex.ok_or_else(|| bad(s, "a % not followed by two hex digits"))?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let text = String::from_utf8(out).map_err(|_| bad(s, "not UTF-8 once decoded"))?;
    if text.chars().any(char::is_control) {
        return Err(bad(s, "control characters"));
    }
    Ok(text)
}

impl ImapUrl {
    /// Parses the URL. The password never goes here (it would end up in shell history and
    /// process listings): `USER:PASS@` is refused.
    pub fn parse(s: &str) -> Result<ImapUrl, ImapError> {
        let (implicit_tls, rest) = if let Some(r) = s.strip_prefix("imaps://") {
            (true, r)
        } else if let Some(r) = s.strip_prefix("imap://") {
            (false, r)
        } else {
            return Err(bad(s, "the scheme must be imaps:// or imap://"));
        };
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let Some((user, server)) = authority.rsplit_once('@') else {
            return Err(bad(s, "no user name"));
        };
        if user.contains(':') {
            return Err(bad(
                s,
                "a password in the URL is refused; use MTASTS_IMAP_PASSWORD or --password-file",
            ));
        }
        let user = decode(s, user)?;
        let (host, port) = match server.strip_prefix('[') {
            Some(v6) => {
                let (h, after) = v6.split_once(']').ok_or_else(|| bad(s, "unclosed ["))?;
                (h, after.strip_prefix(':'))
            }
            None => match server.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (server, None),
            },
        };
        let port = match port {
            Some(p) => p.parse::<u16>().ok().filter(|&p| p > 0).ok_or_else(|| bad(s, "bad port"))?,
            None if implicit_tls => 993,
            None => 143,
        };
        let host_ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '_');
        if user.is_empty() || host.is_empty() || !host.chars().all(host_ok) {
            return Err(bad(s, "no user name or a bad host"));
        }
        let path = path.split(['?', '#', ';']).next().unwrap_or("");
        let mailbox = decode(s, path)?;
        let mailbox = if mailbox.is_empty() { "INBOX".to_owned() } else { mailbox };
        Ok(ImapUrl { implicit_tls, user, host: host.to_owned(), port, mailbox })
    }

    /// The account without the mailbox: `imaps://user@host:993` (the key of the fetch
    /// position, with the mailbox).
    pub fn account(&self) -> String {
        let scheme = if self.implicit_tls { "imaps" } else { "imap" };
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        format!("{scheme}://{}@{host}:{}", self.user, self.port)
    }
}

impl fmt::Display for ImapUrl {
    /// `imaps://user@host:993/MAILBOX` (not escaped: sanitize before printing).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.account(), self.mailbox)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let u = ImapUrl::parse("imaps://tlsrpt%40example.com@mail.example.com/Reports%2FTLS").unwrap();
        assert_eq!(
            (u.implicit_tls, u.user.as_str(), u.host.as_str(), u.port, u.mailbox.as_str()),
            (true, "tlsrpt@example.com", "mail.example.com", 993, "Reports/TLS")
        );
        assert_eq!(u.to_string(), "imaps://tlsrpt@example.com@mail.example.com:993/Reports/TLS");
        let u = ImapUrl::parse("imap://rep@127.0.0.1:1143").unwrap();
        assert_eq!((u.implicit_tls, u.port, u.mailbox.as_str()), (false, 1143, "INBOX"));
        let u = ImapUrl::parse("imaps://rep@[::1]:9993/INBOX").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("::1", 9993));
        assert_eq!(u.account(), "imaps://rep@[::1]:9993");
    }

    #[test]
    fn refusals() {
        for bad in [
            "https://rep@host/INBOX",
            "imaps://host/INBOX",
            "imaps://rep:pw@host/INBOX",
            "imaps://rep@host:0/INBOX",
            "imaps://rep@host:99999/",
            "imaps://rep@ho st/",
            "imaps://rep@host/IN%0ABOX",
            "imaps://rep@host/%zz",
        ] {
            assert!(ImapUrl::parse(bad).is_err(), "{bad}");
        }
        let err = ImapUrl::parse("imaps://rep:Hunter2Secret@host/").unwrap_err().to_string();
        assert!(err.contains("password in the URL is refused"), "{err}");
        assert!(err.contains("imaps://rep:***@host/") && !err.contains("Hunter2"), "{err}");
    }
}
