//! The key footer and status line.

use ratatui::text::{Line, Span};

use crate::tui::app::{App, Status};
use crate::tui::hints;
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;

/// The footer: the DEMO badge in the demo, then the most important keys that fit, then
/// `? more` (the help lists them all).
pub fn footer(app: &App, t: &Theme, width: u16) -> Line<'static> {
    let mut spans = Vec::new();
    let mut left = usize::from(width);
    if app.demo.is_some() {
        spans.push(Span::styled(" DEMO ", t.demo()));
        left = left.saturating_sub(6);
    }
    for (k, what) in hints::footer(app, left) {
        spans.push(Span::styled(format!(" {k}"), t.accent()));
        spans.push(Span::raw(format!(" {what} ")));
    }
    Line::from(spans)
}

/// The status line: the last message, or nothing.
pub fn status(app: &App, t: &Theme) -> Line<'static> {
    if let Some(c) = &app.import {
        let spin = super::spinner(app.frame);
        let mut spans = vec![Span::styled(format!(" {spin} {}: {}", c.label(), c.progress()), t.accent())];
        if let Some(k) = hints::keyed(app, Action::CancelImport, "cancels") {
            spans.push(Span::styled(format!("  {k}"), t.dim()));
        }
        return Line::from(spans);
    }
    match &app.status {
        Some(Status::Error(text)) => {
            Line::from(Span::styled(format!(" {} {text}", crate::tui::theme::BAD), t.bad()))
        }
        Some(Status::Info(text)) => Line::from(Span::styled(format!(" {text}"), t.dim())),
        None => Line::default(),
    }
}
