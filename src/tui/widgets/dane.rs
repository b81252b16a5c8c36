//! DANE per MX host and the domain's DNS truth (the DNSSEC chain, every authoritative
//! nameserver) as preflight and validation lines, in words a mail admin acts on.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::tui::theme::{self, Theme};
use mtasts_core::evidence::{Evidence, MxEvidence};
use mtasts_core::judge::dane::{self, DaneStatus};
use mtasts_core::judge::{dnssec, ns};
use mtasts_core::sanitize::sanitize;

/// The DANE line under an MX host, or nothing when the host has no TLSA records.
pub fn mx_line(t: &Theme, mx: &MxEvidence) -> Option<Line<'static>> {
    let (mark, text, style): (&str, &str, Style) = match dane::status(mx) {
        DaneStatus::None => return None,
        DaneStatus::Valid => (theme::OK, "valid: the certificate matches its TLSA records", t.ok()),
        DaneStatus::Mismatch => {
            (theme::BAD, "TLSA does not match the certificate: DANE senders refuse this MX", t.bad())
        }
        DaneStatus::Bogus => {
            (theme::BAD, "the TLSA answer fails DNSSEC validation: DANE senders defer", t.bad())
        }
        DaneStatus::Unusable => (theme::WARN, "no TLSA record a DANE sender can use", t.warn()),
        DaneStatus::Insecure => (theme::WARN, "TLSA in an unsigned zone: DANE senders ignore it", t.dim()),
        DaneStatus::Untested => (theme::WARN, "TLSA is secure; no TLS session to compare it with", t.warn()),
    };
    Some(Line::from(vec![Span::raw("   "), Span::styled(format!("{mark} DANE {text}"), style)]))
}

/// The DNSSEC chain and the nameservers' agreement, when the check saw them.
pub fn dns_lines(t: &Theme, ev: &Evidence) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(chain) = ev.dnssec_chain.as_ref().filter(|c| dnssec::signed(c)) {
        let style = if dnssec::ds_missing(chain) { t.warn() } else { t.dim() };
        let mut text = format!(" DNSSEC: {}", dnssec::chain_line(chain));
        if dnssec::ds_missing(chain) {
            text.push_str(" — publish the DS at your registrar (Cloudflare: DNS → Settings → DNSSEC)");
        }
        lines.push(Line::from(Span::styled(text, style)));
    }
    if let Some(summary) = ns::summary(ev) {
        let style = if ns::disagreements(ev).is_empty() { t.dim() } else { t.warn() };
        lines.push(Line::from(Span::styled(format!(" Nameservers: {}", sanitize(&summary)), style)));
    }
    lines
}

/// What every authoritative nameserver serves for `_mta-sts`, one line each (the validation
/// screen): a lagging or dead nameserver is visible before the gate waits for it.
pub fn nameserver_lines(t: &Theme, ev: &Evidence) -> Vec<Line<'static>> {
    let Some(found) = ev.nameservers.as_ref().filter(|n| !n.servers.is_empty()) else { return Vec::new() };
    let differ = ns::disagreements(ev);
    let odd = !differ.is_empty();
    let title = if odd {
        " nameservers: _mta-sts TXT as each serves it, and whatever else differs"
    } else {
        " nameservers: _mta-sts TXT as each serves it (the rest agrees)"
    };
    let mut lines = vec![Line::from(Span::styled(title, t.title()))];
    for s in &found.servers {
        let label = ns::server_label(s);
        let (text, style) = match &s.answers {
            Some(a) => (ns::shown(&a.sts), if odd { t.warn() } else { t.dim() }),
            None => (format!("no answer ({})", s.error.as_deref().unwrap_or("lame or dead")), t.bad()),
        };
        lines.push(Line::from(vec![
            Span::raw(format!("  {}  ", sanitize(&label))),
            Span::styled(sanitize(&text).into_owned(), style),
        ]));
        for (what, by_answer) in differ.iter().filter(|(what, _)| *what != "_mta-sts TXT") {
            let Some((answer, _)) = by_answer.iter().find(|(_, servers)| servers.contains(&label)) else {
                continue;
            };
            lines.push(Line::from(Span::styled(format!("      {what}: {}", sanitize(answer)), t.warn())));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use mtasts_core::evidence::{
        DnssecChain, DnssecProof, Lookup, NsAnswers, NsEvidence, NsServer, TlsaEvidence, TlsaRecord,
    };
    use mtasts_core::judge::fixtures::healthy;

    fn text(lines: &[Line<'static>]) -> String {
        lines.iter().map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect::<String>() + "\n").collect()
    }

    fn answers(sts: &str) -> NsAnswers {
        NsAnswers {
            sts: Lookup::Found(vec![sts.to_owned()]),
            sts_ttl: Some(300),
            tlsrpt: Lookup::NoData,
            mx: Lookup::Found(vec!["10 mx1.example.com".into()]),
            policy_host: Lookup::Found(vec!["192.0.2.80".into()]),
        }
    }

    fn server(name: &str, sts: &str) -> NsServer {
        NsServer {
            name: name.into(),
            addr: "192.0.2.53:53".parse().unwrap(),
            answers: Some(answers(sts)),
            error: None,
        }
    }

    #[test]
    fn a_secure_tlsa_for_another_key_reads_as_refused_and_unsigned_mx_hosts_say_nothing() {
        let t = Theme::new(false);
        let mut ev = healthy("enforce");
        let Lookup::Found(hosts) = &mut ev.mx else { panic!("fixture has MX hosts") };
        assert!(mx_line(&t, &hosts[0]).is_none(), "no TLSA, no line");
        hosts[0].tlsa = Some(TlsaEvidence {
            name: "_25._tcp.mx1.example.com".into(),
            records: Lookup::Found(vec![TlsaRecord {
                usage: 3,
                selector: 1,
                matching: 1,
                data: vec![7; 32],
            }]),
            proof: DnssecProof::Secure,
        });
        let line = text(&mx_line(&t, &hosts[0]).into_iter().collect::<Vec<_>>());
        assert!(
            line.contains("✗ DANE TLSA does not match the certificate: DANE senders refuse this MX"),
            "{line}"
        );
        if let Some(x) = hosts[0].tlsa.as_mut() {
            x.proof = DnssecProof::Insecure;
        }
        let line = text(&mx_line(&t, &hosts[0]).into_iter().collect::<Vec<_>>());
        assert!(line.contains("unsigned zone: DANE senders ignore it"), "{line}");
    }

    #[test]
    fn ds_missing_and_a_stale_nameserver_are_named() {
        let t = Theme::new(false);
        let mut ev = healthy("enforce");
        assert!(dns_lines(&t, &ev).is_empty(), "nothing seen, nothing shown");
        ev.dnssec_chain = Some(DnssecChain::counted(Lookup::Found(2), Lookup::NoData, DnssecProof::Insecure));
        ev.nameservers = Some(NsEvidence {
            ns: Lookup::Found(vec!["ns1.example.net".into(), "ns2.example.net".into()]),
            unresolved: Vec::new(),
            servers: vec![
                server("ns1.example.net", "v=STSv1; id=2"),
                server("ns2.example.net", "v=STSv1; id=1"),
            ],
        });
        let out = text(&dns_lines(&t, &ev));
        assert!(out.contains("DNSSEC: DNSKEY 2, DS at the parent none"), "{out}");
        assert!(out.contains("publish the DS at your registrar"), "{out}");
        assert!(out.contains("Nameservers: 2 of 2 answer, they disagree on _mta-sts TXT"), "{out}");
        let each = text(&nameserver_lines(&t, &ev));
        assert!(each.contains("ns1.example.net [192.0.2.53]:53  \"v=STSv1; id=2\""), "{each}");
        assert!(each.contains("ns2.example.net [192.0.2.53]:53  \"v=STSv1; id=1\""), "{each}");
        assert!(!each.contains("MX:"), "agreeing answers are not repeated: {each}");
        if let Some(a) = ev.nameservers.as_mut().and_then(|n| n.servers[1].answers.as_mut()) {
            a.mx = Lookup::Found(vec!["10 old-mx.example.com".into()]);
        }
        let each = text(&nameserver_lines(&t, &ev));
        assert!(each.contains("      MX: \"10 old-mx.example.com\"\n"), "{each}");
        assert!(each.contains("      MX: \"10 mx1.example.com\"\n"), "{each}");
        assert!(each.contains("and whatever else differs"), "{each}");
    }
}
