//! The domain shell: the phase rail, a summary line, the viewed phase's screen, and the gate.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::ops::Checked;
use crate::rollout::{DomainState, Gate, Observation, Phase, evaluate};
use crate::sanitize::sanitize;
use crate::tui::app::{App, DomainView};
use crate::tui::theme::{self, Theme};
use crate::tui::widgets::{age, fit, rail::rail, spinner, verdict};

/// What every phase screen gets.
pub struct Ctx<'a> {
    /// The wizard.
    pub app: &'a App,
    /// The domain's saved state.
    pub state: &'a DomainState,
    /// The domain screen state.
    pub view: &'a DomainView,
    /// Styles.
    pub t: &'a Theme,
    /// This session's latest full check.
    pub checked: Option<&'a Checked>,
    /// The latest observation (this session's, else the saved one).
    pub obs: Option<&'a Observation>,
    /// Whether a check is running.
    pub busy: bool,
}

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
    let checked = app.checks.get(&view.domain);
    let obs = checked.map(|c| &c.observation).or(state.last_observation.as_ref());
    let cx = Ctx { app, state, view, t, checked, obs, busy: app.pending.contains_key(&view.domain) };
    let gate = evaluate(state, obs, app.reports.get(&state.domain), app.now);
    let blockers = match &app.blocked {
        Some((d, b)) if d == &state.domain => b.clone(),
        _ => gate.blockers.clone(),
    };
    let shown = blockers.len().min(if area.height < 16 { 1 } else { 3 }) as u16;
    let gate_h = 1 + shown + if area.height < 16 { 1 } else { 2 };
    let [rail_a, summary, body, gate_a] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(gate_h),
    ])
    .areas(area);
    let mark = match () {
        _ if blockers.is_empty() || obs.is_none() => None,
        _ if blockers.iter().all(|b| b.overridable) => Some(false),
        _ => Some(true),
    };
    f.render_widget(rail(t, state.phase, view.viewing, mark, area.width), rail_a);
    f.render_widget(summary_line(&cx), summary);
    match view.viewing {
        _ if view.reports => super::reports::render(&cx, f, body),
        Phase::Preflight => super::preflight::render(&cx, f, body),
        Phase::Records => super::records::render(&cx, f, body),
        Phase::Hosting => super::hosting::render(&cx, f, body),
        Phase::Validation => super::validation::render(&cx, f, body),
        Phase::Testing => super::testing::render(&cx, &gate, f, body),
        Phase::Enforce | Phase::Enforced | Phase::Rollback => super::enforce::render(&cx, &gate, f, body),
    }
    gate_box(&cx, &gate, &blockers, f, gate_a);
}

fn summary_line(cx: &Ctx) -> Line<'static> {
    let t = cx.t;
    let s = cx.state;
    let mut spans = vec![
        Span::styled(" mode ", t.dim()),
        Span::raw(s.plan.mode.as_str()),
        Span::styled("  id ", t.dim()),
        Span::raw(s.plan.id.as_str().to_owned()),
        Span::styled("  last check ", t.dim()),
    ];
    if cx.busy {
        spans.push(Span::styled(format!("{} checking…", spinner(cx.app.frame)), t.accent()));
    } else if let Some(c) = s.checks.last() {
        let (w, st) = verdict(t, c.verdict);
        spans.push(Span::styled(w, st));
        spans.push(Span::styled(format!(" {}", age(cx.app.now, c.at)), t.dim()));
    } else {
        spans.push(Span::styled("never", t.dim()));
    }
    Line::from(spans)
}

fn gate_box(cx: &Ctx, gate: &Gate, blockers: &[crate::rollout::Blocker], f: &mut Frame, area: Rect) {
    let t = cx.t;
    let title = if blockers.is_empty() && cx.obs.is_some() && cx.state.phase == Phase::Enforced {
        Span::styled(format!(" {} enforced and healthy ", theme::OK), t.ok())
    } else if blockers.is_empty() && cx.obs.is_some() && cx.state.phase == Phase::Rollback {
        Span::styled(format!(" {} rollback complete: the records may go ", theme::OK), t.ok())
    } else if blockers.is_empty() && cx.obs.is_some() {
        Span::styled(format!(" {} gate open: n moves on ", theme::OK), t.ok())
    } else if cx.obs.is_none() {
        Span::styled(" gate: not checked yet ", t.dim())
    } else if blockers.iter().all(|b| b.overridable) {
        Span::styled(
            format!(" {} gate: {} to wait for or acknowledge (n) ", theme::WARN, blockers.len()),
            t.warn(),
        )
    } else {
        Span::styled(format!(" {} gate: {} blocker(s) ", theme::BAD, blockers.len()), t.bad())
    };
    let block = Block::default().borders(Borders::TOP).border_style(t.border()).title(title);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let w = usize::from(area.width).saturating_sub(4);
    let room = usize::from(inner.height.saturating_sub(1));
    let mut lines: Vec<Line> = blockers
        .iter()
        .take(room)
        .enumerate()
        .map(|(i, b)| {
            let (sym, st) = if b.overridable { (theme::WARN, t.warn()) } else { (theme::BAD, t.bad()) };
            let more = if i + 1 == room && blockers.len() > room {
                format!(" (+{} more)", blockers.len() - room)
            } else {
                String::new()
            };
            let text = fit(&sanitize(&b.message), w.saturating_sub(more.chars().count()));
            Line::from(vec![
                Span::styled(format!(" {sym} "), st),
                Span::raw(text),
                Span::styled(more, t.dim()),
            ])
        })
        .collect();
    lines.push(Line::from(vec![
        Span::styled(" next: ", t.accent()),
        Span::raw(sanitize(&gate.next_action).into_owned()),
    ]));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

/// A scrollable paragraph of lines for a phase screen.
pub fn pane(lines: Vec<Line<'static>>, scroll: u16, f: &mut Frame, area: Rect) {
    let max = (lines.len() as u16).saturating_sub(area.height.max(1));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((scroll.min(max), 0)), area);
}
