//! The domain shell: the phase rail, a summary line, the viewed phase's screen, and the gate.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::pane::Ctx;
use crate::tui::app::{App, DomainView};
use crate::tui::hints::{hint, keyed, verb_keys};
use crate::tui::keymap::Action;
use crate::tui::theme::{self, Theme};
use crate::tui::widgets::wrap::{width as line_width, wrap_all};
use crate::tui::widgets::{age, rail::rail, spinner};
use mtasts_core::rollout::{Gate, Phase, evaluate};
use mtasts_core::sanitize::sanitize;

/// Draws the domain screen.
pub fn render(app: &App, view: &DomainView, t: &Theme, f: &mut Frame, area: Rect) {
    let Some(state) = app.state(&view.domain) else {
        let msg = if app.loaded {
            let back = keyed(app, Action::Home, "goes back").map(|k| format!("; {k}")).unwrap_or_default();
            format!("this domain is not tracked (removed from another window?){back}")
        } else {
            "loading…".to_owned()
        };
        f.render_widget(Paragraph::new(format!(" {msg}")), area);
        return;
    };
    let checked = app.checked(&view.domain);
    let obs = checked.map(|c| &c.observation).or(state.last_observation.as_ref());
    let cx = Ctx { app, state, view, t, checked, obs, busy: app.checking(&view.domain) };
    let gate = evaluate(state, obs, app.tally(&state.domain), app.now);
    let blockers = gate.blockers.clone();
    let gate_lines = wrap_all(&gate_lines(&cx, &gate, &blockers), area.width);
    let needed = gate_lines.len();
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
        _ if view.pane == crate::tui::app::Pane::Worker => super::worker::render(&cx, f, body),
        Phase::Preflight => super::preflight::render(&cx, f, body),
        Phase::Records => super::records::render(&cx, f, body),
        Phase::Hosting => super::hosting::render(&cx, f, body),
        Phase::Validation => super::validation::render(&cx, f, body),
        Phase::Testing => super::testing::render(&cx, &gate, f, body),
        Phase::Enforce | Phase::Enforced | Phase::Rollback => super::enforce::render(&cx, &gate, f, body),
    }
    gate_box(&cx, &blockers, gate_lines, cut, f, gate_a);
}

/// Mode, id (when there is room), when last checked and the gate in a word or two; the labels
/// go before anything is cut.
fn summary_line(cx: &Ctx, gate: &Gate, width: u16) -> Line<'static> {
    let full = summary_spans(cx, gate, width, true);
    if line_width(&full) <= usize::from(width) {
        return full;
    }
    summary_spans(cx, gate, width, false)
}

fn summary_spans(cx: &Ctx, gate: &Gate, width: u16, labels: bool) -> Line<'static> {
    let t = cx.t;
    let s = cx.state;
    let label =
        |words: &'static str, short: &'static str| Span::styled(if labels { words } else { short }, t.dim());
    let mut spans = vec![label(" mode ", " "), Span::raw(s.plan.mode.as_str())];
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
        spans.push(label("  gate ", "  "));
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
    let (long, short, style) = gate_title(cx, blockers);
    let whose = (cx.view.viewing != cx.state.phase && cx.state.phase != Phase::Rollback)
        .then(|| format!(" the {} gate (looking at {}) ", cx.state.phase, cx.view.viewing));
    let more = hint(cx.app, Action::Details).filter(|_| cut).map(|k| format!(" {k}: in full "));
    // The most telling titles that fit, whole: never a word cut at the edge.
    let choices = [
        (long.as_str(), whose.as_deref(), more.as_deref()),
        (long.as_str(), None, more.as_deref()),
        (short.as_str(), whose.as_deref(), more.as_deref()),
        (short.as_str(), None, more.as_deref()),
        (short.as_str(), None, None),
    ];
    let fits = |(main, whose, more): &(&str, Option<&str>, Option<&str>)| {
        let parts = [Some(*main), *whose, *more];
        let n = parts.iter().flatten().count();
        parts.iter().flatten().map(|p| Span::raw(*p).width()).sum::<usize>() + n.saturating_sub(1)
            <= usize::from(area.width)
    };
    let (main, whose, more) = choices.iter().find(|c| fits(c)).copied().unwrap_or(choices[4]);
    let mut block = Block::default()
        .borders(Borders::TOP)
        .border_style(t.border())
        .title(Span::styled(main.to_owned(), style));
    if let Some(w) = whose {
        block = block.title(Span::styled(w.to_owned(), t.dim()));
    }
    if let Some(m) = more {
        block = block.title(Span::styled(m.to_owned(), t.accent()));
    }
    let inner = block.inner(area);
    f.render_widget(block, area);
    f.render_widget(Paragraph::new(lines), inner);
}

/// The gate box's title, long (with the keys that act on it) and short, and its style.
fn gate_title(
    cx: &Ctx,
    blockers: &[mtasts_core::rollout::Blocker],
) -> (String, String, ratatui::style::Style) {
    let t = cx.t;
    let app = cx.app;
    let n = blockers.len();
    let same = |words: String, style| (format!(" {words} "), format!(" {words} "), style);
    let keyed_title = |head: String, keys: Vec<Option<String>>, style| {
        let keys: Vec<String> = keys.into_iter().flatten().collect();
        let long = if keys.is_empty() { head.clone() } else { format!("{head}: {}", keys.join(", ")) };
        (format!(" {long} "), format!(" {head} "), style)
    };
    let clear = blockers.is_empty() && cx.obs.is_some();
    match () {
        _ if clear && cx.state.phase == Phase::Enforced => {
            same(format!("{} enforced and healthy", theme::OK), t.ok())
        }
        _ if clear && cx.state.removal.is_some() => (
            format!(" {} MTA-STS removed: the policy host may go ", theme::OK),
            format!(" {} MTA-STS removed ", theme::OK),
            t.ok(),
        ),
        _ if clear && cx.state.phase == Phase::Rollback => keyed_title(
            format!("{} countdown over", theme::OK),
            vec![
                keyed(app, Action::Resume, "resumes testing"),
                keyed(app, Action::Retire, "removes MTA-STS"),
            ],
            t.ok(),
        ),
        _ if clear => keyed_title(
            format!("{} gate open", theme::OK),
            vec![keyed(app, Action::Next, "moves on")],
            t.ok(),
        ),
        _ if cx.obs.is_none() => same("gate: not checked yet".to_owned(), t.dim()),
        _ if blockers.iter().all(|b| b.is_wait()) => same(format!("{} gate: waiting", theme::WARN), t.warn()),
        _ if blockers.iter().all(|b| b.overridable || b.is_wait()) => {
            let head = format!("{} gate: {n} to wait for or acknowledge", theme::WARN);
            let long = match hint(app, Action::Next) {
                Some(k) => format!(" {head} ({k}) "),
                None => format!(" {head} "),
            };
            (long, format!(" {head} "), t.warn())
        }
        _ if n == 1 => same(format!("{} gate: 1 blocker", theme::BAD), t.bad()),
        _ => same(format!("{} gate: {n} blockers", theme::BAD), t.bad()),
    }
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
        Span::raw(sanitize(&gate.next.render(|v| verb_keys(cx.app, v))).into_owned()),
    ]));
    lines
}
