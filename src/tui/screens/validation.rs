//! Validation: the full check as findings grouped by area with fixes, the sender's view, and
//! the external testers for this domain.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::pane::{Ctx, pane};
use crate::tui::hints::hint;
use crate::tui::keymap::Action;
use crate::tui::widgets::evidence::fact_lines;
use crate::tui::widgets::{findings, spinner, verdict};
use mtasts_core::rfc::DomainName;
use mtasts_core::rollout::{DomainState, Tester};
use mtasts_core::sanitize::sanitize;

/// The external testers to try, as (name, URL) for `d`.
pub fn testers(d: &DomainName) -> [(&'static str, String); 5] {
    Tester::ALL.map(|t| (t.name(), t.url(d)))
}

/// Whether tester number `i` (0-based) is ticked in `s`.
pub fn tester_ticked(s: &DomainState, i: usize) -> bool {
    Tester::ALL.get(i).is_some_and(|t| s.walkthrough.ran(*t))
}

/// Draws the validation screen.
pub fn render(cx: &Ctx, f: &mut Frame, area: Rect) {
    let t = cx.t;
    let mut lines = Vec::new();
    match cx.checked {
        Some(c) => {
            let (w, st) = verdict(t, c.judgement.verdict);
            lines.push(Line::from(vec![
                Span::styled(format!(" {w} "), st),
                Span::styled(
                    mtasts_core::words::count(c.judgement.findings.len() as u64, "finding"),
                    t.dim(),
                ),
                if cx.busy {
                    Span::styled(format!("  {} re-checking", spinner(cx.app.frame)), t.accent())
                } else {
                    Span::raw("")
                },
            ]));
            lines.push(Line::from(vec![
                Span::styled(" sender's view: ", t.accent()),
                Span::raw(sanitize(&c.judgement.senders_view).into_owned()),
            ]));
            for n in &c.judgement.notes {
                lines.push(Line::from(Span::styled(format!(" note: {}", sanitize(n)), t.dim())));
            }
            lines.push(Line::default());
            lines.extend(findings::lines(t, &c.judgement.findings));
            let servers = crate::tui::widgets::dane::nameserver_lines(t, &c.evidence);
            if !servers.is_empty() {
                lines.push(Line::default());
                lines.extend(servers);
            }
        }
        None if cx.busy => lines.push(Line::from(Span::styled(
            format!(" {} running the full check…", spinner(cx.app.frame)),
            t.accent(),
        ))),
        None => lines.push(Line::from(Span::styled(
            format!(" No full check this session yet{}.", press_recheck(cx)),
            t.dim(),
        ))),
    }
    lines.push(Line::default());
    curl_lines(cx, &mut lines);
    lines.push(Line::default());
    lines.extend(crate::tui::widgets::testers::lines(cx.app, t, cx.state));
    pane(cx, lines, f, area);
}

/// What `curl -I` and `curl` show for the policy URL, from this session's check.
fn curl_lines(cx: &Ctx, lines: &mut Vec<Line<'static>>) {
    let t = cx.t;
    let url = cx.state.domain.policy_url();
    lines.push(Line::from(vec![
        Span::styled(" curl -I ", t.title()),
        Span::styled(sanitize(&url).into_owned(), t.accent()),
    ]));
    let Some(c) = cx.checked else {
        lines.push(Line::from(Span::styled(
            format!("    not fetched this session{}", press_recheck(cx)),
            t.dim(),
        )));
        return;
    };
    let fetch = &c.evidence.policy;
    lines.extend(fact_lines(t, mtasts_core::judge::curl::head_facts(fetch), 4));
    lines.push(Line::from(Span::styled(" curl (the body)", t.title())));
    let planned = cx.state.plan.policy().render();
    lines.extend(fact_lines(t, vec![mtasts_core::judge::curl::body_fact(fetch, &planned)], 4));
}

/// " — press" and the re-check key where it acts, else nothing.
fn press_recheck(cx: &Ctx) -> String {
    hint(cx.app, Action::Recheck).map(|k| format!(" — press {k}")).unwrap_or_default()
}
