//! Testing: the window tracker, check history, TLS-RPT summary and the enforce gate as a
//! checklist.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph};

use super::pane::{Ctx, pane};
use crate::tui::app::DomainReports;
use crate::tui::theme;
use crate::tui::widgets::verdict;
use crate::tui::widgets::wrap::wrap_all;
use mtasts_core::rollout::{BlockerKind, Gate, Phase, testing_progress};
use mtasts_core::sanitize::sanitize;
use mtasts_reports::failure_fix;

/// Draws the testing screen.
pub fn render(cx: &Ctx, gate: &Gate, f: &mut Frame, area: Rect) {
    let t = cx.t;
    let Some(p) = testing_progress(cx.state, cx.app.now) else {
        let msg = if cx.state.phase > Phase::Testing {
            " The testing window is over.".to_owned()
        } else {
            format!(
                " Testing starts once validation passes: a {}-day window with the policy in \
                 mode: testing (max_age 86400), senders report failures by TLS-RPT but deliver \
                 anyway. Enforcing waits for its end, a passing check, MX certificates good for \
                 14 more days and reports without failures.",
                cx.state.plan.window_days
            )
        };
        pane(cx, vec![Line::from(Span::styled(msg, t.dim()))], f, area);
        return;
    };
    let head = wrap_all(
        &[Line::from(vec![
            Span::styled(" started ", t.dim()),
            Span::raw(p.started.strftime("%Y-%m-%d").to_string()),
            Span::styled("  ends ", t.dim()),
            Span::raw(p.window_ends.to_string()),
            Span::styled("  mode: testing, max_age 86400", t.dim()),
        ])],
        area.width,
    );
    let head_h = u16::try_from(head.len()).unwrap_or(1);
    let [head_a, gauge, rest] =
        Layout::vertical([Constraint::Length(head_h), Constraint::Length(1), Constraint::Min(1)]).areas(area);
    f.render_widget(Paragraph::new(head), head_a);
    let label = if p.complete {
        format!("{} ({}-day window complete)", p.words(cx.app.now), p.total)
    } else {
        format!("day {}/{}, {} left", p.day, p.total, p.days_remaining)
    };
    let ratio = f64::from(p.day.min(p.total)) / f64::from(p.total.max(1));
    let style = if p.complete { t.ok() } else { t.accent() };
    f.render_widget(
        Gauge::default().ratio(ratio.clamp(0.0, 1.0)).label(label).gauge_style(style).use_unicode(true),
        gauge,
    );

    let mut lines = vec![Line::from(Span::styled(" enforce gate", t.title()))];
    let checked = cx.obs.is_some();
    let has = |k: BlockerKind| !checked || gate.blockers.iter().any(|b| b.kind == k);
    let items = [
        ("testing window complete", p.complete),
        (
            "latest check passes",
            cx.obs.is_some()
                && !has(BlockerKind::CheckFailing)
                && !has(BlockerKind::NoCheck)
                && !has(BlockerKind::CheckStale),
        ),
        (
            "every MX certificate valid 14+ more days",
            !has(BlockerKind::MxCertExpiring) && !has(BlockerKind::MxCertExpired),
        ),
        (
            "policy and records live as planned",
            !has(BlockerKind::PolicyNotLive) && !has(BlockerKind::StsRecordNotLive),
        ),
        (
            "no TLS-RPT failures in the window",
            !has(BlockerKind::TlsRptFailures) && !has(BlockerKind::NoTlsRptReports),
        ),
        ("two external testers ticked (on the validation screen)", !has(BlockerKind::TestersNotRun)),
    ];
    for (what, ok) in items {
        let (sym, st) = if ok { (theme::OK, t.ok()) } else { (theme::TODO, t.warn()) };
        lines.push(Line::from(vec![Span::styled(format!("  {sym} "), st), Span::raw(what)]));
    }
    lines.push(Line::default());
    match cx.app.tally(&cx.state.domain) {
        Some(r) if r.reports > 0 => lines.push(Line::from(format!(
            " TLS-RPT: {} report(s), {} ok / {} failed sessions",
            r.reports, r.successful_sessions, r.failed_sessions
        ))),
        _ => lines.push(Line::from(Span::styled(" TLS-RPT: no TLS-RPT reports imported yet", t.dim()))),
    }
    lines.extend(crate::tui::widgets::rua::review(cx.app, t, cx.state));
    if let Some(r @ DomainReports { summary: Some(s), .. }) =
        cx.app.session(&cx.state.domain).and_then(|x| x.reports.as_ref())
    {
        lines.extend(super::reports::sparklines(r, s, cx.app.now, t));
        let mx = (s.counts.by_mx.len() == 1).then(|| s.counts.by_mx.keys().next()).flatten();
        for (kind, n) in r.tally.iter().flat_map(|t| t.failures_by_type.iter()).take(3) {
            let fix = failure_fix(kind, Some(&s.domain), mx.map(String::as_str));
            lines.push(Line::from(vec![
                Span::styled(format!("  {} {} ({n}): ", theme::BAD, sanitize(kind)), t.bad()),
                Span::styled(sanitize(&fix).into_owned(), t.dim()),
            ]));
        }
    }
    lines.push(Line::from(Span::styled(format!(" check history ({})", cx.state.checks.len()), t.title())));
    let mut hist: Vec<Span> = vec![Span::raw("  ")];
    for c in cx.state.checks.iter().rev().take(40) {
        let (w, st) = verdict(t, c.verdict);
        hist.push(Span::styled(w.chars().next().map(String::from).unwrap_or_default(), st));
    }
    lines.push(Line::from(hist));
    if let Some(c) = cx.state.checks.last() {
        lines.push(Line::from(Span::styled(
            format!("  latest {} · newest first", c.at.strftime("%Y-%m-%d %H:%M")),
            t.dim(),
        )));
    }
    pane(cx, lines, f, rest);
}
