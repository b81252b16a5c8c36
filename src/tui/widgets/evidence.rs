//! Facts from the pure views (`openssl s_client`, `curl`) as styled, indented lines.

use ratatui::text::{Line, Span};

use crate::tui::theme::Theme;
use mtasts_core::judge::starttls::{Fact, Tone};

/// One styled line per fact, indented by `indent` spaces.
pub fn fact_lines(t: &Theme, facts: Vec<Fact>, indent: usize) -> Vec<Line<'static>> {
    facts
        .into_iter()
        .map(|f| {
            let style = match f.tone {
                Tone::Plain => t.dim(),
                Tone::Ok => t.ok(),
                Tone::Warn => t.warn(),
                Tone::Bad => t.bad(),
            };
            Line::from(vec![Span::raw(" ".repeat(indent)), Span::styled(f.text, style)])
        })
        .collect()
}
