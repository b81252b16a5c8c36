//! What `openssl s_client -starttls smtp -connect ADDR:25 -servername MX` would show for one
//! probed MX address, as plain lines: the chain (subject and issuer of each certificate), the
//! issuer, the expiry with the days left, whether a SAN names the MX host, and the protocol
//! and cipher. Pure: `now` comes in, the text is sanitised, nothing is decided here that a
//! finding does not already say.

use jiff::Timestamp;

use crate::evidence::{CertEvidence, CertVerdict, SmtpEvidence, SmtpOutcome};
use crate::rfc::MxPattern;
use crate::sanitize::sanitize;
use crate::words::{count, relative_day};

/// How a line should look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Plain facts.
    Plain,
    /// Good news.
    Ok,
    /// Worth a look.
    Warn,
    /// A problem senders will see.
    Bad,
}

/// One line of the view, without indentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// How it looks.
    pub tone: Tone,
    /// The text (already sanitised).
    pub text: String,
}

fn fact(tone: Tone, text: impl Into<String>) -> Fact {
    Fact { tone, text: sanitize(&text.into()).into_owned() }
}

/// Calendar days (UTC) from `now` to `at`, negative once past ([`crate::words::days_between`]:
/// the count every screen uses, so it does not change from one redraw to the next).
pub fn days_left(at: Timestamp, now: Timestamp) -> i64 {
    crate::words::days_between(now, at)
}

/// Whether one of `sans` names `host` (a `*.` SAN covers exactly one leftmost label, as in
/// RFC 6125 and RFC 8461 §4.2).
pub fn san_matches(host: &str, sans: &[String]) -> bool {
    sans.iter().any(|san| MxPattern::parse(san).is_ok_and(|p| p.matches(host)))
}

/// The `s_client` view of one probe: what the handshake showed, or where the dialogue ended.
pub fn s_client_facts(p: &SmtpEvidence, now: Timestamp) -> Vec<Fact> {
    let Some(tls) = &p.tls else {
        return vec![fact(Tone::Bad, ended(&p.outcome))];
    };
    let mut out = vec![fact(
        Tone::Plain,
        format!("{} · {}", tls.version.replace("TLSv", "TLS ").replace('_', "."), tls.cipher),
    )];
    out.extend(cert_facts(&p.host, &tls.cert, now));
    out
}

/// One line per probed address for the `check` text report: protocol, issuer, expiry and SAN
/// match, or where the dialogue ended.
pub fn summary(p: &SmtpEvidence, now: Timestamp) -> String {
    let Some(tls) = &p.tls else {
        return sanitize(&format!("{} {}: {}", p.host, p.addr.ip(), ended(&p.outcome))).into_owned();
    };
    let c = &tls.cert;
    let issuer = c.issuer.as_deref().map_or("unknown", short_name);
    let expiry = c.not_after.map_or_else(
        || "expiry unknown".to_owned(),
        |at| match days_left(at, now) {
            _ if at <= now => format!("expired {} ({})", at.strftime("%Y-%m-%d"), relative_day(now, at)),
            d => format!("expires {} ({d}d)", at.strftime("%Y-%m-%d")),
        },
    );
    let san = if san_matches(&p.host, &c.sans) { "SAN names it" } else { "no SAN names it" };
    let version = tls.version.replace("TLSv", "TLS ").replace('_', ".");
    let chain = c.chain_len;
    sanitize(&format!(
        "{} {}: {version}, chain of {chain}, issuer {issuer}, {expiry}, {san}",
        p.host,
        p.addr.ip()
    ))
    .into_owned()
}

/// The CN (else the O) of a distinguished name, else the whole name.
pub fn short_name(dn: &str) -> &str {
    let part = |key: &str| dn.split(',').find_map(|p| p.trim().strip_prefix(key));
    part("CN=").or_else(|| part("O=")).unwrap_or(dn)
}

/// Chain, issuer, expiry and name match of a presented certificate.
pub fn cert_facts(host: &str, cert: &CertEvidence, now: Timestamp) -> Vec<Fact> {
    let mut out = Vec::new();
    let shown = cert.chain.len();
    out.push(fact(Tone::Plain, format!("certificate chain ({} presented)", cert.chain_len)));
    for (i, c) in cert.chain.iter().enumerate() {
        out.push(fact(Tone::Plain, format!(" {i} s:{}", c.subject)));
        out.push(fact(Tone::Plain, format!("   i:{}", c.issuer)));
    }
    if cert.chain_len > shown && shown > 0 {
        out.push(fact(Tone::Plain, format!(" … {} more not shown", cert.chain_len - shown)));
    }
    out.push(fact(Tone::Plain, format!("issuer {}", cert.issuer.as_deref().unwrap_or("unknown"))));
    out.push(match cert.not_after {
        Some(at) => {
            let days = days_left(at, now);
            let date = at.strftime("%Y-%m-%d");
            let left = || match days {
                0 => "today".to_owned(),
                d => format!("{} left", count(d.unsigned_abs(), "day")),
            };
            match days {
                _ if at <= now => fact(Tone::Bad, format!("expired {date} ({})", relative_day(now, at))),
                d if d < super::DEFAULT_EXPIRY_WARNING_DAYS => {
                    fact(Tone::Warn, format!("expires {date} ({})", left()))
                }
                _ => fact(Tone::Ok, format!("expires {date} ({})", left())),
            }
        }
        None => fact(Tone::Warn, "expiry unknown (the certificate did not parse)"),
    });
    let sans = if cert.sans.is_empty() { "none".to_owned() } else { cert.sans.join(", ") };
    out.push(if san_matches(host, &cert.sans) {
        fact(Tone::Ok, format!("SAN {sans} — names {host}"))
    } else {
        fact(Tone::Bad, format!("SAN {sans} — does not name {host}"))
    });
    let (tone, verdict) = match cert.verdict {
        CertVerdict::Trusted => (Tone::Ok, "chains to a public root"),
        CertVerdict::TrustedViaExtraAnchor => (Tone::Warn, "trusted only through --ca-file"),
        CertVerdict::UnknownIssuer => (Tone::Bad, "does not chain to a public root (unknown issuer)"),
        CertVerdict::SelfSigned => (Tone::Bad, "self-signed"),
        CertVerdict::Expired => (Tone::Bad, "expired"),
        CertVerdict::NotYetValid => (Tone::Bad, "not valid yet"),
        CertVerdict::NameMismatch => (Tone::Bad, "not valid for the MX name"),
        CertVerdict::Other => (Tone::Bad, "rejected by the verifier"),
    };
    out.push(fact(tone, format!("verify: {verdict}")));
    out
}

/// Where a dialogue without TLS ended, in words.
pub fn ended(o: &SmtpOutcome) -> String {
    let stage = |s: &crate::evidence::SmtpStage| match s {
        crate::evidence::SmtpStage::Connect => "connecting",
        crate::evidence::SmtpStage::Banner => "the greeting",
        crate::evidence::SmtpStage::Ehlo => "EHLO",
        crate::evidence::SmtpStage::StartTls => "STARTTLS",
        crate::evidence::SmtpStage::TlsHandshake => "the TLS handshake",
    };
    match o {
        SmtpOutcome::TlsEstablished => "TLS established".to_owned(),
        SmtpOutcome::StartTlsNotOffered => "STARTTLS not offered".to_owned(),
        SmtpOutcome::Rejected { code, stage: s } => format!("rejected with {code} at {}", stage(s)),
        SmtpOutcome::Refused => "connection refused".to_owned(),
        SmtpOutcome::Timeout { stage: s } => format!("no answer in time at {}", stage(s)),
        SmtpOutcome::Trickle { stage: s, received } => {
            format!("too slow at {}: only {received} bytes before the timeout", stage(s))
        }
        SmtpOutcome::Closed { stage: s } => format!("the server closed the connection at {}", stage(s)),
        SmtpOutcome::Garbage { detail, .. } => format!("not SMTP: {detail}"),
        SmtpOutcome::TlsHandshake { error } => format!("TLS handshake failed: {error}"),
        SmtpOutcome::Io { error, .. } => format!("network error: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::fixtures::{cert, days, now, probe};

    fn texts(f: &[Fact]) -> Vec<&str> {
        f.iter().map(|f| f.text.as_str()).collect()
    }

    #[test]
    fn a_wildcard_san_names_one_leftmost_label_only() {
        let sans = vec!["*.example.com".to_owned()];
        assert!(san_matches("mx1.example.com", &sans));
        assert!(san_matches("MX1.Example.COM.", &sans));
        assert!(!san_matches("a.b.example.com", &sans));
        assert!(!san_matches("example.com", &sans));
        assert!(!san_matches("mx1.example.com", &[]));
    }

    #[test]
    fn lists_the_chain_issuer_expiry_and_name_like_s_client() {
        let mut p = probe("mx1.example.com", 1);
        p.tls.as_mut().unwrap().cert = cert("mx1.example.com", CertVerdict::Trusted);
        let facts = s_client_facts(&p, now());
        let t = texts(&facts);
        assert!(t.contains(&" 0 s:CN=mx1.example.com"), "{t:?}");
        assert!(t.contains(&"   i:CN=Test Root"), "{t:?}");
        assert!(t.contains(&"issuer CN=Test CA"), "{t:?}");
        assert!(t.iter().any(|l| l.starts_with("expires ") && l.ends_with("(60 days left)")), "{t:?}");
        assert!(t.contains(&"SAN mx1.example.com — names mx1.example.com"), "{t:?}");
        assert!(facts.iter().all(|f| f.tone != Tone::Bad), "{facts:?}");
    }

    #[test]
    fn flags_expiry_soon_and_a_name_the_certificate_does_not_carry() {
        let mut c = cert("other.example.net", CertVerdict::NameMismatch);
        c.not_after = Some(days(3));
        let facts = cert_facts("mx1.example.com", &c, now());
        assert!(facts.iter().any(|f| f.tone == Tone::Warn && f.text.contains("(3 days left)")), "{facts:?}");
        assert!(facts.iter().any(|f| f.tone == Tone::Bad && f.text.contains("does not name")), "{facts:?}");
        c.not_after = Some(days(-2));
        let facts = cert_facts("mx1.example.com", &c, now());
        assert!(facts.iter().any(|f| f.tone == Tone::Bad && f.text.contains("2 days ago")), "{facts:?}");
    }

    #[test]
    fn the_check_report_line_names_protocol_issuer_expiry_and_san() {
        let p = probe("mx1.example.com", 1);
        assert_eq!(
            summary(&p, now()),
            "mx1.example.com 127.0.0.1: TLS 1.3, chain of 2, issuer Test CA, expires 2027-01-28 (60d), \
             SAN names it"
        );
        assert_eq!(short_name("C=US, O=Let's Encrypt, CN=R11"), "R11");
        assert_eq!(short_name("O=Example"), "Example");
    }

    #[test]
    fn network_text_is_made_safe() {
        let mut c = cert("mx1.example.com", CertVerdict::Trusted);
        c.chain[0].subject = "CN=evil\u{1b}[2J\u{202e}".into();
        let facts = cert_facts("mx1.example.com", &c, now());
        assert!(facts.iter().all(|f| !f.text.chars().any(crate::sanitize::is_unsafe)), "{facts:?}");
    }

    #[test]
    fn without_tls_says_where_the_dialogue_ended() {
        let mut p = probe("mx1.example.com", 1);
        p.tls = None;
        p.outcome = SmtpOutcome::Timeout { stage: crate::evidence::SmtpStage::Banner };
        assert_eq!(texts(&s_client_facts(&p, now())), vec!["no answer in time at the greeting"]);
    }
}
