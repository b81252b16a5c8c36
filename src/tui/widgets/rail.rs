//! The phase rail: preflight → … → enforced, done phases ticked, the current one highlighted,
//! a blocked one marked.

use ratatui::text::{Line, Span};

use crate::tui::theme::{self, Theme};
use mtasts_core::rollout::Phase;

fn short(p: Phase) -> &'static str {
    match p {
        Phase::Preflight => "pre",
        Phase::Records => "rec",
        Phase::Hosting => "host",
        Phase::Validation => "valid",
        Phase::Testing => "test",
        Phase::Enforce => "enf",
        Phase::Enforced => "done",
        Phase::Rollback => "back",
    }
}

/// The rail for a domain in `current`, showing `viewing`, fitted to `width` cells.
/// `blocked`: `Some(true)` hard blockers, `Some(false)` only overridable ones.
pub fn rail(t: &Theme, current: Phase, viewing: Phase, blocked: Option<bool>, width: u16) -> Line<'static> {
    let name_of = |level: u8, p: Phase| -> &'static str {
        match level {
            _ if p == viewing => p.as_str(),
            0 => p.as_str(),
            1 => short(p),
            _ => "",
        }
    };
    let needed = |level: u8| -> usize {
        Phase::ORDER.iter().map(|p| name_of(level, *p).chars().count() + 4).sum::<usize>()
            + 6
            + if current == Phase::Rollback { 11 } else { 0 }
    };
    let level = (0..3u8).find(|l| needed(*l) <= usize::from(width)).unwrap_or(2);
    let mut spans = Vec::new();
    for (i, p) in Phase::ORDER.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled("›", t.dim()));
        }
        let (sym, style) = if current == Phase::Rollback {
            (theme::TODO, t.dim())
        } else if p < current {
            (theme::OK, t.ok())
        } else if p == current && blocked == Some(true) {
            (theme::BAD, t.bad())
        } else if p == current && blocked == Some(false) {
            (theme::WARN, t.warn())
        } else if p == current {
            (theme::HERE, t.accent())
        } else {
            (theme::TODO, t.dim())
        };
        let name = name_of(level, p);
        let mut style = style;
        if p == viewing {
            style = t.selected();
        }
        let cell = if name.is_empty() { format!(" {sym} ") } else { format!(" {sym} {name} ") };
        spans.push(Span::styled(cell, style));
    }
    if current == Phase::Rollback {
        spans.push(Span::styled(format!(" {} rollback", theme::WARN), t.warn()));
    }
    Line::from(spans)
}
