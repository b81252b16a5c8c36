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
use mtasts_core::words::{count, span, thousands};
use mtasts_reports::words;

/// Draws the testing screen.
pub fn render(cx: &Ctx, gate: &Gate, f: &mut Frame, area: Rect) {
    let t = cx.t;
    let Some(p) = testing_progress(cx.state, cx.app.now) else {
        let msg = if cx.state.phase > Phase::Testing {
            " The testing window is over.".to_owned()
        } else {
            format!(
                " Testing starts once validation passes: a {}-day window with the policy in \
                 mode: testing (max_age {}), senders report failures by TLS-RPT but deliver \
                 anyway. Enforcing waits for its end, a passing check, MX certificates good for \
                 14 more days and reports without failures.",
                cx.state.plan.window_days,
                max_age_words(cx.state.plan.max_age)
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
            Span::styled(format!("  mode: {}, max_age {}", cx.state.plan.mode, policy_age(cx)), t.dim()),
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
        format!("day {}/{}, {}", p.day, p.total, p.left_words())
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
        if checked && has(BlockerKind::TlsRptUnauthenticated) {
            ("an authenticated TLS-RPT report (DKIM-signed by its sender, or via https)", false)
        } else {
            (
                "no TLS-RPT failures in the window",
                !has(BlockerKind::TlsRptFailures) && !has(BlockerKind::NoTlsRptReports),
            )
        },
        ("two external testers ticked (on the validation screen)", !has(BlockerKind::TestersNotRun)),
    ];
    for (what, ok) in items {
        let (sym, st) = if ok { (theme::OK, t.ok()) } else { (theme::TODO, t.warn()) };
        lines.push(Line::from(vec![Span::styled(format!("  {sym} "), st), Span::raw(what)]));
    }
    lines.push(Line::default());
    match cx.app.tally(&cx.state.domain) {
        Some(r) if r.reports > 0 => {
            let not = r.reports.saturating_sub(r.authenticated_reports);
            let unauthenticated = if not > 0 {
                format!(", {} not authenticated", thousands(u64::from(not)))
            } else {
                String::new()
            };
            lines.push(Line::from(format!(
                " TLS-RPT in the window: {}, {} ok / {} failed sessions{unauthenticated}",
                count(u64::from(r.reports), "report"),
                thousands(r.successful_sessions),
                thousands(r.failed_sessions)
            )))
        }
        _ => lines.push(Line::from(Span::styled(" TLS-RPT: no TLS-RPT reports imported yet", t.dim()))),
    }
    lines.extend(super::reports::ahead_line(cx));
    lines.extend(crate::tui::widgets::rua::review(cx.app, t, cx.state));
    if let Some(r @ DomainReports { summary: Some(s), .. }) =
        cx.app.session(&cx.state.domain).and_then(|x| x.reports.as_ref())
    {
        lines.extend(super::reports::sparklines(r, s, cx.app.now, t));
        for f in words::worst_first(&s.counts.failures).into_iter().take(3) {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {} {} ({}): ", theme::BAD, words::pair_title(f), f.sessions),
                    t.bad(),
                ),
                Span::styled(words::pair_fix(f, &s.domain), t.dim()),
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

/// "604800 (7 days)": a max_age with its span.
fn max_age_words(secs: u32) -> String {
    format!("{secs} ({})", span(u64::from(secs)))
}

/// The planned max_age, and the live one when a check saw another served.
fn policy_age(cx: &Ctx) -> String {
    let planned = cx.state.plan.max_age;
    match cx.obs.and_then(|o| o.live_policy.as_ref()).map(|p| p.max_age) {
        Some(live) if live != planned => format!("{} (live: {live})", max_age_words(planned)),
        _ => max_age_words(planned),
    }
}
