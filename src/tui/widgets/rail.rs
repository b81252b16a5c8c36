//! The phase rail: preflight → … → enforced, done phases ticked, the current one highlighted,
//! a blocked one marked; a rollback is the domain's place after them. Every phase keeps a
//! name: narrower terminals get shorter names and tighter cells, never bare symbols.

use ratatui::style::Style;
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

/// How a rail is written: names (full, short with the viewed one full, short) and cells
/// (padded, or tight for the narrowest terminals).
#[derive(Clone, Copy)]
struct Form {
    names: u8,
    tight: bool,
}

const FORMS: [Form; 5] = [
    Form { names: 0, tight: false },
    Form { names: 1, tight: false },
    Form { names: 2, tight: false },
    Form { names: 1, tight: true },
    Form { names: 2, tight: true },
];

/// The rail for a domain in `current`, showing `viewing`, fitted to `width` cells.
/// `blocked`: `Some(true)` hard blockers, `Some(false)` only overridable ones.
pub fn rail(t: &Theme, current: Phase, viewing: Phase, blocked: Option<bool>, width: u16) -> Line<'static> {
    let lines = FORMS.map(|form| drawn(t, current, viewing, blocked, form));
    let fits = |l: &Line| l.spans.iter().map(Span::width).sum::<usize>() <= usize::from(width);
    let last = lines.len() - 1;
    lines.iter().position(fits).map_or_else(|| lines[last].clone(), |i| lines[i].clone())
}

fn drawn(t: &Theme, current: Phase, viewing: Phase, blocked: Option<bool>, form: Form) -> Line<'static> {
    // A rollback always says so; the viewed phase keeps its full name longest.
    let name = |p: Phase| match form.names {
        _ if p == Phase::Rollback => p.as_str(),
        0 => p.as_str(),
        1 if p == viewing => p.as_str(),
        _ => short(p),
    };
    let here = |p: Phase| -> (&'static str, Style) {
        match blocked {
            _ if p != current => (theme::TODO, t.dim()),
            Some(true) => (theme::BAD, t.bad()),
            Some(false) => (theme::WARN, t.warn()),
            None => (theme::HERE, t.accent()),
        }
    };
    let cell = |p: Phase, (sym, style): (&str, Style)| {
        let text = if form.tight { format!("{sym} {}", name(p)) } else { format!(" {sym} {} ", name(p)) };
        Span::styled(text, if p == viewing { t.selected() } else { style })
    };
    let rolled_back = current == Phase::Rollback;
    let mut spans = Vec::new();
    for (i, p) in Phase::ORDER.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled("›", t.dim()));
        }
        let mark = match () {
            _ if rolled_back => (theme::TODO, t.dim()),
            _ if p < current => (theme::OK, t.ok()),
            _ => here(p),
        };
        spans.push(cell(p, mark));
    }
    if rolled_back {
        spans.push(Span::raw(if form.tight { "  " } else { " " }));
        spans.push(cell(Phase::Rollback, here(Phase::Rollback)));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(l: &Line) -> String {
        l.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn every_phase_keeps_a_name_down_to_60_columns_and_a_rollback_is_where_the_domain_is() {
        let t = Theme::new(false);
        for width in [60, 80, 120] {
            for (current, viewing) in [(Phase::Records, Phase::Records), (Phase::Rollback, Phase::Rollback)] {
                let l = text(&rail(&t, current, viewing, None, width));
                assert!(l.chars().count() <= usize::from(width), "{width}: {l}");
                for p in Phase::ORDER {
                    assert!(l.contains(short(p)) || l.contains(p.as_str()), "{width}: {p} unnamed in {l}");
                }
                if current == Phase::Rollback {
                    assert!(l.contains("● rollback"), "{width}: {l}");
                }
            }
        }
    }
}
