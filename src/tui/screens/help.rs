//! The help overlay: every key that applies on the current screen, from the action table. In a
//! short terminal the keys go into two columns so that all of them stay on screen.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::tui::app::App;
use crate::tui::keymap;
use crate::tui::theme::Theme;
use crate::tui::widgets::fit;

/// Draws the help overlay.
pub fn render(app: &App, t: &Theme, f: &mut Frame) {
    let keys = keymap::keys(app);
    let room = usize::from(f.area().height.saturating_sub(2)).max(1);
    let columns = if keys.len() > room { 2 } else { 1 };
    let col_w = if columns == 1 { 46 } else { usize::from(f.area().width.saturating_sub(2)) / 2 };
    let cell = |(k, what): &keymap::Key| {
        let k = fit(k, 10);
        vec![Span::styled(format!(" {k:>10} "), t.accent()), Span::raw(fit(what, col_w.saturating_sub(13)))]
    };
    let rows = keys.len().div_ceil(columns);
    let lines: Vec<Line> = (0..rows)
        .map(|r| {
            let mut spans = cell(&keys[r]);
            if let Some(right) = keys.get(r + rows).filter(|_| columns == 2) {
                let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
                spans.push(Span::raw(" ".repeat(col_w.saturating_sub(used))));
                spans.extend(cell(right));
            }
            Line::from(spans)
        })
        .collect();
    let w = u16::try_from(col_w * columns + 2).unwrap_or(u16::MAX);
    let area = super::centered(f.area(), w, lines.len() as u16 + 2);
    f.render_widget(Clear, area);
    let block =
        Block::default().borders(Borders::ALL).border_style(t.accent()).title(" keys · any key closes ");
    f.render_widget(Paragraph::new(lines).block(block), area);
}
