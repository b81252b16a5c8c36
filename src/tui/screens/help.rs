//! The help overlay: every key of the current screen.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::tui::app::App;
use crate::tui::keymap;
use crate::tui::theme::Theme;

/// Draws the help overlay.
pub fn render(app: &App, t: &Theme, f: &mut Frame) {
    let keys = keymap::keys(app);
    let mut lines: Vec<Line> = keys
        .iter()
        .map(|(k, what)| Line::from(vec![Span::styled(format!(" {k:>8}  "), t.accent()), Span::raw(*what)]))
        .collect();
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(" any key closes", t.dim())));
    let area = super::centered(f.area(), 46, lines.len() as u16 + 2);
    f.render_widget(Clear, area);
    let block = Block::default().borders(Borders::ALL).border_style(t.accent()).title(" keys ");
    f.render_widget(Paragraph::new(lines).block(block), area);
}
