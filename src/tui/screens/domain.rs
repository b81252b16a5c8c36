//! The domain shell: the phase rail, a summary line, the viewed phase's screen, and the gate.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::pane::Ctx;
use crate::tui::app::{App, DomainView};
use crate::tui::theme::{self, Theme};
use crate::tui::widgets::{age, rail::rail, spinner};
use mtasts_core::rollout::{Gate, Phase, evaluate};
use mtasts_core::sanitize::sanitize;

/// Draws the domain screen.
pub fn render(app: &App, view: &DomainView, t: &Theme, f: &mut Frame, area: Rect) {
    let Some(state) = app.state(&view.domain) else {
        let msg = if app.loaded {
            "this domain is not tracked (removed from another window?); q goes back"
        } else {
            "loading…"
        };
        f.render_widget(Paragraph::new(format!(" {msg}")), area);
        return;
    };
    let checked = app.checked(&view.domain);
    let obs = checked.map(|c| &c.observation).or(state.last_observation.as_ref());
    let cx = Ctx { app, state, view, t, checked, obs, busy: app.checking(&view.domain) };
    let gate = evaluate(state, obs, app.tally(&state.domain), app.now);
    let blockers = gate.blockers.clone();
    let gate_lines = gate_lines(&cx, &gate, &blockers);
    let needed = Paragraph::new(gate_lines.clone()).wrap(Wrap { trim: false }).line_count(area.width);
    let room = (area.height / 3).max(3);
    let gate_h = u16::try_from(needed).unwrap_or(u16::MAX).saturating_add(1).min(room);
    let cut = usize::from(gate_h) < needed + 1;
    let [rail_a, summary, body, gate_a] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(gate_h),
    ])
    .areas(area);
    let mark = match () {
        _ if blockers.is_empty() || obs.is_none() => None,
        _ if blockers.iter().all(|b| b.overridable || b.is_wait()) => Some(false),
        _ => Some(true),
    };
    f.render_widget(rail(t, state.phase, view.viewing, mark, area.width), rail_a);
    f.render_widget(summary_line(&cx, &gate, area.width), summary);
    match view.viewing {
        _ if view.pane == crate::tui::app::Pane::Reports => super::reports::render(&cx, f, body),
        Phase::Preflight => super::preflight::render(&cx, f, body),
        Phase::Records => super::records::render(&cx, f, body),
        Phase::Hosting => super::hosting::render(&cx, f, body),
        Phase::Validation => super::validation::render(&cx, f, body),
        Phase::Testing => super::testing::render(&cx, &gate, f, body),
        Phase::Enforce | Phase::Enforced | Phase::Rollback => super::enforce::render(&cx, &gate, f, body),
    }
    gate_box(&cx, &blockers, gate_lines, cut, f, gate_a);
}

/// Mode, id (when there is room), when last checked and the gate in a word or two.
fn summary_line(cx: &Ctx, gate: &Gate, width: u16) -> Line<'static> {
    let t = cx.t;
    let s = cx.state;
    let mut spans = vec![Span::styled(" mode ", t.dim()), Span::raw(s.plan.mode.as_str())];
    if width >= 70 {
        spans.push(Span::styled("  id ", t.dim()));
        spans.push(Span::raw(s.plan.id.as_str().to_owned()));
    }
    spans.push(Span::styled("  checked ", t.dim()));
    if cx.busy {
        let what = cx.app.waiting_for(&s.domain);
        spans.push(Span::styled(format!("{} waiting for {what}…", spinner(cx.app.frame)), t.accent()));
    } else if let Some(o) = cx.obs {
        let old = mtasts_core::rollout::check_is_old(o.at, cx.app.now);
        let when = if old { format!("{} (old)", age(cx.app.now, o.at)) } else { age(cx.app.now, o.at) };
        spans.push(Span::styled(when, if old { t.warn() } else { t.dim() }));
        let (word, style) = gate_word(t, gate, true);
        spans.push(Span::styled("  gate ", t.dim()));
        spans.push(Span::styled(word, style));
    } else {
        spans.push(Span::styled("never", t.dim()));
    }
    Line::from(spans)
}

/// The gate in a word or two, from the same evaluation the gate box shows (so the header, the
/// home screen and the gate cannot disagree): `✓ open`, `! 2 to acknowledge`, `✗ 3 blockers`.
pub fn gate_word(t: &Theme, gate: &Gate, checked: bool) -> (String, ratatui::style::Style) {
    let n = gate.blockers.len();
    match () {
        _ if !checked => ("not checked".to_owned(), t.dim()),
        _ if gate.passed && gate.phase == Phase::Enforced => (format!("{} healthy", theme::OK), t.ok()),
        _ if gate.passed && gate.phase == Phase::Rollback => {
            (format!("{} countdown over", theme::OK), t.ok())
        }
        _ if gate.passed => (format!("{} open", theme::OK), t.ok()),
        _ if gate.blockers.iter().all(|b| b.is_wait()) => (format!("{} waiting", theme::WARN), t.warn()),
        _ if gate.blockers.iter().all(|b| b.overridable) => {
            (format!("{} {n} to acknowledge", theme::WARN), t.warn())
        }
        _ if gate.blockers.iter().all(|b| b.overridable || b.is_wait()) => {
            (format!("{} {n} to wait for or acknowledge", theme::WARN), t.warn())
        }
        _ if n == 1 => (format!("{} 1 blocker", theme::BAD), t.bad()),
        _ => (format!("{} {n} blockers", theme::BAD), t.bad()),
    }
}

fn gate_box(
    cx: &Ctx,
    blockers: &[mtasts_core::rollout::Blocker],
    lines: Vec<Line<'static>>,
    cut: bool,
    f: &mut Frame,
    area: Rect,
) {
    let t = cx.t;
    let title = if blockers.is_empty() && cx.obs.is_some() && cx.state.phase == Phase::Enforced {
        Span::styled(format!(" {} enforced and healthy ", theme::OK), t.ok())
    } else if blockers.is_empty() && cx.obs.is_some() && cx.state.removal.is_some() {
        Span::styled(format!(" {} MTA-STS removed: the policy host may go ", theme::OK), t.ok())
    } else if blockers.is_empty() && cx.obs.is_some() && cx.state.phase == Phase::Rollback {
        Span::styled(format!(" {} countdown over: t resumes testing, x removes MTA-STS ", theme::OK), t.ok())
    } else if blockers.is_empty() && cx.obs.is_some() {
        Span::styled(format!(" {} gate open: n moves on ", theme::OK), t.ok())
    } else if cx.obs.is_none() {
        Span::styled(" gate: not checked yet ", t.dim())
    } else if blockers.iter().all(|b| b.is_wait()) {
        Span::styled(format!(" {} gate: waiting ", theme::WARN), t.warn())
    } else if blockers.iter().all(|b| b.overridable || b.is_wait()) {
        Span::styled(
            format!(" {} gate: {} to wait for or acknowledge (n) ", theme::WARN, blockers.len()),
            t.warn(),
        )
    } else {
        let n = mtasts_core::words::count(blockers.len() as u64, "blocker");
        Span::styled(format!(" {} gate: {n} ", theme::BAD), t.bad())
    };
    let mut block = Block::default().borders(Borders::TOP).border_style(t.border()).title(title);
    if cx.view.viewing != cx.state.phase && cx.state.phase != Phase::Rollback {
        let whose = format!(" the {} gate (looking at {}) ", cx.state.phase, cx.view.viewing);
        block = block.title(Span::styled(whose, t.dim()));
    }
    if cut {
        block = block.title(Span::styled(" enter: in full ", t.accent()));
    }
    let inner = block.inner(area);
    f.render_widget(block, area);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// The gate's blockers and next step, in full (they wrap; Enter opens them in a note).
fn gate_lines(cx: &Ctx, gate: &Gate, blockers: &[mtasts_core::rollout::Blocker]) -> Vec<Line<'static>> {
    let t = cx.t;
    let mut lines: Vec<Line> = Vec::new();
    if let Some(words) = cx.app.freshness_words(&cx.state.domain) {
        lines.push(Line::from(vec![
            Span::styled(format!(" {} ", theme::WARN), t.warn()),
            Span::styled(
                format!("{}. What follows is from that check.", words.trim_end_matches('…')),
                t.warn(),
            ),
        ]));
    }
    lines.extend(blockers.iter().map(|b| {
        let (sym, st) =
            if b.overridable || b.is_wait() { (theme::WARN, t.warn()) } else { (theme::BAD, t.bad()) };
        Line::from(vec![Span::styled(format!(" {sym} "), st), Span::raw(sanitize(&b.message).into_owned())])
    }));
    lines.push(Line::from(vec![
        Span::styled(" next: ", t.accent()),
        Span::raw(sanitize(&gate.next.render(crate::tui::keymap::verb_keys)).into_owned()),
    ]));
    lines
}
