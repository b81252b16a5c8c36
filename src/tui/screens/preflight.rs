//! Preflight: one row per MX host and address — STARTTLS, TLS version, certificate issuer,
//! days to expiry, name match — then the fixes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::pane::{Ctx, pane};
use crate::tui::hints::{hint, keyed};
use crate::tui::keymap::Action;
use crate::tui::theme::{self, Theme};
use crate::tui::widgets::{dane, fit_words, mark, s_client, spinner};
use mtasts_core::evidence::{CertVerdict, MxEvidence, SmtpEvidence, SmtpOutcome};
use mtasts_core::finding::Severity;
use mtasts_core::sanitize::sanitize;

/// Draws the preflight screen.
pub fn render(cx: &Ctx, f: &mut Frame, area: Rect) {
    let t = cx.t;
    let mut lines = vec![Line::from(Span::styled(
        " Each MX host needs STARTTLS and a trusted, unexpired certificate for its name.",
        t.dim(),
    ))];
    match cx.checked.and_then(|c| c.evidence.mx.found().map(|m| (c, m))) {
        Some((c, hosts)) => {
            for m in hosts {
                host_lines(cx, m, false, &mut lines);
                for fd in c
                    .judgement
                    .findings
                    .iter()
                    .filter(|x| x.subject.to_ascii_lowercase().contains(&m.host.to_ascii_lowercase()))
                {
                    if fd.severity == Severity::Info {
                        continue;
                    }
                    let st = if fd.severity == Severity::Error { t.bad() } else { t.warn() };
                    lines.push(Line::from(vec![
                        Span::styled(format!("    {} ", theme::BAD), st),
                        Span::raw(sanitize(&fd.message).into_owned()),
                    ]));
                    lines.push(Line::from(vec![
                        Span::styled("      fix: ", t.accent()),
                        Span::raw(sanitize(&fd.fix).into_owned()),
                    ]));
                }
            }
        }
        None => match cx.checked.filter(|c| !c.planned_mx.is_empty()) {
            Some(c) => {
                lines.push(Line::from(Span::styled(
                    " DNS named no MX host: the planned MX hosts were probed instead.",
                    t.warn(),
                )));
                for m in &c.planned_mx {
                    host_lines(cx, m, true, &mut lines);
                }
            }
            None => saved_or_waiting(cx, &mut lines),
        },
    }
    if let Some(c) = cx.checked
        && c.evidence.mx.found().is_none()
    {
        lines.push(Line::from(Span::styled(
            format!(" {} MX lookup: {}", theme::BAD, crate::tui::widgets::lookup_words(&c.evidence.mx)),
            t.bad(),
        )));
    }
    if let Some(c) = cx.checked {
        lines.extend(dane::dns_lines(t, &c.evidence));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        " Every domain and subdomain with MX records needs its own rollout.",
        t.dim(),
    )));
    pane(cx, lines, f, area);
}

/// One MX host and its probes; `planned` hosts come from the plan, not DNS, so have no preference.
fn host_lines(cx: &Ctx, m: &MxEvidence, planned: bool, lines: &mut Vec<Line<'static>>) {
    let t = cx.t;
    let pref = if planned { "(planned)".to_owned() } else { format!("pref {}", m.preference) };
    lines.push(Line::from(vec![
        Span::styled(format!(" {} ", sanitize(&m.host)), t.title()),
        Span::styled(pref, t.dim()),
    ]));
    lines.extend(dane::mx_line(t, m));
    if m.probes.is_empty() {
        let why = match &m.addresses {
            mtasts_core::evidence::Lookup::Found(_) => "not probed".to_owned(),
            other => format!("no address ({})", crate::tui::widgets::lookup_words(other)),
        };
        let sym = if cx.busy { spinner(cx.app.frame) } else { theme::BAD };
        lines.push(Line::from(Span::styled(format!("   {sym} {why}"), t.bad())));
    }
    for p in &m.probes {
        lines.push(probe_line(cx, t, p));
        lines.extend(s_client::lines(t, p, cx.app.now));
    }
}

fn probe_line(cx: &Ctx, t: &Theme, p: &SmtpEvidence) -> Line<'static> {
    let mut spans = vec![Span::raw(format!("   {:<16}", p.addr.ip().to_string()))];
    if cx.busy {
        spans.push(Span::styled(format!("{} ", spinner(cx.app.frame)), t.accent()));
    }
    let tls_ok = p.outcome == SmtpOutcome::TlsEstablished;
    spans.push(mark(t, tls_ok));
    spans.push(Span::raw(" STARTTLS "));
    match &p.tls {
        Some(tls) => {
            spans.push(Span::styled(
                format!("{:<8}", sanitize(&tls.version).replace("TLSv", "TLS ").replace('_', ".")),
                t.dim(),
            ));
            // The issuer's mark answers "is it trusted"; an expired or misnamed certificate is
            // marked in its own column, and the verifier then says nothing of the issuer.
            spans.push(match tls.cert.verdict {
                CertVerdict::Trusted | CertVerdict::TrustedViaExtraAnchor => mark(t, true),
                CertVerdict::Expired | CertVerdict::NotYetValid | CertVerdict::NameMismatch => {
                    Span::styled("·", t.dim())
                }
                CertVerdict::UnknownIssuer | CertVerdict::SelfSigned | CertVerdict::Other => mark(t, false),
            });
            let issuer = tls.cert.issuer.as_deref().map(short_dn).unwrap_or_else(|| "?".into());
            spans.push(Span::raw(format!(" {:<16} ", fit_words(&issuer, 16))));
            spans.push(expiry(cx, t, tls.cert.not_after));
            let name_ok = tls.cert.verdict != CertVerdict::NameMismatch;
            spans.push(mark(t, name_ok));
            spans.push(Span::raw(" name"));
        }
        None => spans.push(Span::styled(outcome_text(&p.outcome), t.bad())),
    }
    Line::from(spans)
}

/// "365d left", "expires today", "expired 10d ago" (red), or "no expiry" (dim).
fn expiry(cx: &Ctx, t: &Theme, not_after: Option<jiff::Timestamp>) -> Span<'static> {
    let Some(na) = not_after else {
        return Span::styled("no expiry ", t.dim());
    };
    let days = mtasts_core::words::days_between(cx.app.now, na);
    let expired = na <= cx.app.now;
    let st = if expired {
        t.bad()
    } else if days < 14 {
        t.warn()
    } else {
        t.ok()
    };
    let text = match days {
        _ if expired && days == 0 => "expired today ".to_owned(),
        _ if expired => format!("expired {}d ago ", -days),
        0 => "expires today ".to_owned(),
        d => format!("{d}d left "),
    };
    Span::styled(text, st)
}

fn outcome_text(o: &SmtpOutcome) -> String {
    sanitize(&mtasts_core::judge::starttls::ended(o)).into_owned()
}

fn short_dn(dn: &str) -> String {
    let dn = sanitize(dn);
    dn.split(',')
        .find_map(|p| p.trim().strip_prefix("CN=").map(str::to_owned))
        .or_else(|| dn.split(',').find_map(|p| p.trim().strip_prefix("O=").map(str::to_owned)))
        .unwrap_or_else(|| dn.into_owned())
}

/// Without a check this session: the saved per-host results, or spinners while probing.
fn saved_or_waiting(cx: &Ctx, lines: &mut Vec<Line<'static>>) {
    let t = cx.t;
    let saved = cx.obs.map(|o| &o.mx_results);
    for pat in &cx.state.plan.mx {
        let host = pat.to_string();
        let r = saved.and_then(|rs| rs.iter().find(|r| r.host.as_str() == host));
        let mut spans = vec![Span::styled(format!(" {host:<28}"), t.title())];
        if cx.busy {
            let what = match cx.app.waiting_for(&cx.state.domain) {
                "DNS" => "waiting for DNS (MX and addresses)…".to_owned(),
                other => format!("{other}…"),
            };
            spans.push(Span::styled(format!("{} {what}", spinner(cx.app.frame)), t.accent()));
        } else if let Some(r) = r {
            spans.extend([
                mark(t, r.starttls_ok),
                Span::raw(" STARTTLS  "),
                mark(t, r.cert_trusted),
                Span::raw(" trusted  "),
            ]);
            // Saved results keep expiry apart from trust: an expired certificate is "trusted".
            if r.starttls_ok && r.not_after.is_some() {
                spans.push(expiry(cx, t, r.not_after));
                spans.push(Span::raw(" "));
            }
            spans.extend([
                mark(t, r.name_ok),
                Span::raw(" name  "),
                Span::styled(format!("(saved{})", recheck(cx, "; ")), t.dim()),
            ]);
        } else if cx.app.session(&cx.state.domain).is_some_and(|s| s.unreachable.is_some()) {
            // No address because nothing answered, not because the name has none.
            let why = mtasts_core::judge::reach::DNS_UNANSWERED;
            spans.push(Span::styled(format!("not probed: {why}{}", recheck(cx, "; ")), t.warn()));
        } else if cx.obs.is_some() {
            spans.push(Span::styled(
                format!("not probed: no address for it came back from DNS{}", recheck(cx, "; ")),
                t.dim(),
            ));
        } else {
            let press = hint(cx.app, Action::Recheck).map(|k| format!(" — press {k}")).unwrap_or_default();
            spans.push(Span::styled(format!("not checked yet{press}"), t.dim()));
        }
        lines.push(Line::from(spans));
    }
}

/// `sep` and the re-check key with its words where it acts, else nothing.
fn recheck(cx: &Ctx, sep: &str) -> String {
    keyed(cx.app, Action::Recheck, "re-checks").map(|k| format!("{sep}{k}")).unwrap_or_default()
}
