//! The key footer and status line.

use ratatui::text::{Line, Span};

use crate::tui::app::App;
use crate::tui::keymap;
use crate::tui::theme::Theme;

/// The footer: the most useful keys, and a DEMO badge in the demo.
pub fn footer(app: &App, t: &Theme, width: u16) -> Line<'static> {
    let mut spans = Vec::new();
    if app.demo.is_some() {
        spans.push(Span::styled(" DEMO ", t.demo()));
        if width >= 100 {
            spans.push(Span::styled(" T/W clock +1d/+7d ", t.dim()));
        }
    }
    let n = match width {
        0..70 => 2,
        70..100 => 3,
        100..130 => 5,
        _ => 7,
    };
    for (k, what) in keymap::footer(app, n) {
        spans.push(Span::styled(format!(" {k}"), t.accent()));
        spans.push(Span::raw(format!(" {what} ")));
    }
    Line::from(spans)
}

/// The status line: the last message, or nothing.
pub fn status(app: &App, t: &Theme) -> Line<'static> {
    match &app.status {
        Some((text, true)) => {
            Line::from(Span::styled(format!(" {} {text}", crate::tui::theme::BAD), t.bad()))
        }
        Some((text, false)) => Line::from(Span::styled(format!(" {text}"), t.dim())),
        None => Line::default(),
    }
}
