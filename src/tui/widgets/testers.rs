//! The external testers of a domain with their links and ticks (saved in the domain's state),
//! and how many the enforce gate still wants.

use ratatui::text::{Line, Span};

use crate::tui::app::App;
use crate::tui::hints::hint;
use crate::tui::keymap::Action;
use crate::tui::theme::{self, Theme};
use mtasts_core::rollout::{DomainState, TESTERS_NEEDED, Tester};

/// The heading, one numbered row per tester, and the gate's count.
pub fn lines(app: &App, t: &Theme, s: &DomainState) -> Vec<Line<'static>> {
    let tick = match hint(app, Action::Tick) {
        Some(k) => format!(", then press {k} to tick the ones you ran:"),
        None => ":".to_owned(),
    };
    let mut out =
        vec![Line::from(Span::styled(format!(" Second opinions — open in a browser{tick}"), t.title()))];
    for (i, tester) in Tester::ALL.into_iter().enumerate() {
        let ran = s.walkthrough.ran(tester);
        let sym = if ran { Span::styled(theme::OK, t.ok()) } else { Span::styled(theme::TODO, t.dim()) };
        out.push(Line::from(vec![
            Span::raw(format!("  {} ", i + 1)),
            sym,
            Span::raw(format!(" {:<12} ", tester.name())),
            Span::styled(tester.url(&s.domain), t.accent()),
        ]));
    }
    let n = s.walkthrough.testers.len();
    let (text, st) = if n >= TESTERS_NEEDED {
        (format!("  {} {n} ticked: the enforce gate's tester item is done", theme::OK), t.ok())
    } else {
        (
            format!(
                "  {} {n} of {TESTERS_NEEDED} ticked: the enforce gate asks for {TESTERS_NEEDED} (or an acknowledgement)",
                theme::TODO
            ),
            t.warn(),
        )
    };
    out.push(Line::from(Span::styled(text, st)));
    out
}
