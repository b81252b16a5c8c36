//! What `curl -I` and `curl` would show for the policy URL, as plain lines: status, content
//! type, length, redirect or not, and whether the body is the planned policy (else the first
//! line that differs). Pure and sanitised; senders' rules (RFC 8461 §3.3) set the tone.

use crate::evidence::{FetchOutcome, PolicyFetch};
use crate::sanitize::sanitize;

use super::starttls::{Fact, Tone};

fn fact(tone: Tone, text: impl Into<String>) -> Fact {
    Fact { tone, text: sanitize(&text.into()).into_owned() }
}

/// The `curl -I` lines (status, headers, redirect) for a fetch.
pub fn head_facts(f: &PolicyFetch) -> Vec<Fact> {
    let status = match (&f.outcome, f.status) {
        (FetchOutcome::Response, Some(s)) => s,
        (FetchOutcome::HostUnresolved, _) => {
            return vec![fact(Tone::Bad, "the policy host has no address: curl cannot connect")];
        }
        (FetchOutcome::Connect { error }, _) => {
            return vec![fact(Tone::Bad, format!("no connection: {error}"))];
        }
        (FetchOutcome::Timeout, _) => return vec![fact(Tone::Bad, "no complete response in time")],
        (FetchOutcome::Other { error }, _) => {
            return vec![fact(Tone::Bad, format!("failed: {error}"))];
        }
        (FetchOutcome::Response, None) => return vec![fact(Tone::Bad, "a response without a status")],
    };
    let mut out = vec![if status == 200 {
        fact(Tone::Ok, "HTTP 200")
    } else {
        fact(Tone::Bad, format!("HTTP {status} (senders accept only 200)"))
    }];
    let ct = f.content_type.as_deref().unwrap_or("");
    let plain = ct.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("text/plain"));
    out.push(match (f.content_type.as_deref(), plain) {
        (None, _) => fact(Tone::Bad, "content-type: missing (senders want text/plain)"),
        (Some(ct), true) => fact(Tone::Ok, format!("content-type: {ct}")),
        (Some(ct), false) => fact(Tone::Bad, format!("content-type: {ct} (senders want text/plain)")),
    });
    let length = match (f.content_length, &f.body) {
        (Some(n), _) => format!("content-length: {n}"),
        (None, Some(b)) => format!("content-length: not sent ({} bytes arrived)", b.len()),
        (None, None) => "content-length: not sent".to_owned(),
    };
    out.push(fact(if f.too_large { Tone::Bad } else { Tone::Plain }, length));
    out.push(match &f.location {
        Some(loc) => fact(Tone::Bad, format!("redirects to {loc} (senders never follow redirects)")),
        None if (300..400).contains(&status) => fact(Tone::Bad, "a redirect status without a location"),
        None => fact(Tone::Ok, "no redirect"),
    });
    out
}

/// The `curl` line: the body against the planned policy text.
pub fn body_fact(f: &PolicyFetch, planned: &str) -> Fact {
    let Some(body) = &f.body else {
        return fact(Tone::Bad, "no body arrived");
    };
    let body = String::from_utf8_lossy(body);
    match first_difference(&body, planned) {
        None => fact(Tone::Ok, "body equals the planned policy"),
        Some((line, served, plan)) => {
            fact(Tone::Bad, format!("body differs at line {line}: served {served:?}, planned {plan:?}"))
        }
    }
}

/// The first line (1-based) where `served` and `planned` differ, ignoring CRLF versus LF and
/// a missing final line end; each side's line, or `""` past its end.
pub fn first_difference(served: &str, planned: &str) -> Option<(usize, String, String)> {
    let lines = |s: &str| -> Vec<String> {
        s.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l).to_owned()).collect::<Vec<_>>()
    };
    let (mut a, mut b) = (lines(served), lines(planned));
    for v in [&mut a, &mut b] {
        while v.last().is_some_and(String::is_empty) {
            v.pop();
        }
    }
    let n = a.len().max(b.len());
    (0..n).find(|&i| a.get(i) != b.get(i)).map(|i| {
        let cut = |v: &[String]| v.get(i).map(|l| l.chars().take(80).collect()).unwrap_or_default();
        (i + 1, cut(&a), cut(&b))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::fixtures::fetch;

    const PLAN: &str = "version: STSv1\nmode: testing\nmx: mx1.example.com\nmax_age: 86400\n";

    #[test]
    fn a_good_answer_reads_like_curl_dash_i() {
        let mut f = fetch(PLAN);
        f.content_length = Some(PLAN.len() as u64);
        let t: Vec<String> = head_facts(&f).into_iter().map(|x| x.text).collect();
        assert_eq!(t[0], "HTTP 200");
        assert!(t[1].starts_with("content-type: text/plain"), "{t:?}");
        assert_eq!(t[2], format!("content-length: {}", PLAN.len()));
        assert_eq!(t[3], "no redirect");
        assert_eq!(body_fact(&f, &PLAN.replace('\n', "\r\n")).tone, Tone::Ok);
    }

    #[test]
    fn a_redirect_and_html_are_called_out() {
        let mut f = fetch("<html>");
        f.status = Some(301);
        f.location = Some("https://example.com/\u{1b}[2J".into());
        f.content_type = Some("text/html".into());
        let facts = head_facts(&f);
        assert!(facts.iter().filter(|x| x.tone == Tone::Bad).count() >= 3, "{facts:?}");
        assert!(facts.iter().all(|x| !x.text.contains('\u{1b}')), "{facts:?}");
    }

    #[test]
    fn the_first_differing_line_is_named() {
        let served = PLAN.replace("mode: testing", "mode: enforce");
        assert_eq!(
            first_difference(&served, PLAN),
            Some((2, "mode: enforce".to_owned(), "mode: testing".to_owned()))
        );
        assert_eq!(first_difference(PLAN.trim_end(), PLAN), None);
        let short = "version: STSv1\n";
        assert_eq!(first_difference(short, PLAN).map(|d| d.0), Some(2));
        let f = fetch(&served);
        assert!(body_fact(&f, PLAN).text.contains("line 2"), "{:?}", body_fact(&f, PLAN));
    }
}
