//! The help overlay: every key that applies on the current screen, from the action table. In a
//! short terminal the keys go into two columns so that all of them stay on screen; a label
//! too long for its column wraps under itself (no word is cut).

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::tui::app::App;
use crate::tui::hints::{self, Key};
use crate::tui::theme::Theme;
use crate::tui::widgets::wrap::wrap_with;

/// The widest a single column gets.
const ONE_COLUMN: usize = 46;

/// Draws the help overlay.
pub fn render(app: &App, t: &Theme, f: &mut Frame) {
    let keys = hints::keys(app);
    let screen = f.area();
    let room = usize::from(screen.height.saturating_sub(2)).max(1);
    let key_w = keys.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(1);
    let inner = usize::from(screen.width.saturating_sub(2));
    let single = ONE_COLUMN.min(inner);
    let one: Vec<Vec<Line>> = keys.iter().map(|k| entry(t, k, key_w, single)).collect();
    let (lines, width) = if one.iter().map(Vec::len).sum::<usize>() <= room || inner < 2 * (key_w + 8) {
        (one.into_iter().flatten().collect::<Vec<_>>(), single)
    } else {
        let col_w = inner / 2;
        let cells: Vec<Vec<Line>> = keys.iter().map(|k| entry(t, k, key_w, col_w)).collect();
        (two_columns(cells, col_w), col_w * 2)
    };
    let w = u16::try_from(width + 2).unwrap_or(u16::MAX);
    let h = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let area = super::centered(screen, w, h);
    f.render_widget(Clear, area);
    let block =
        Block::default().borders(Borders::ALL).border_style(t.accent()).title(" keys · any key closes ");
    f.render_widget(Paragraph::new(lines).block(block), area);
}

/// One key's rows in a column `col_w` wide: the key right-aligned in `key_w` cells, its label
/// beside it, wrapped under itself.
fn entry(t: &Theme, (k, what): &Key, key_w: usize, col_w: usize) -> Vec<Line<'static>> {
    let label_w = u16::try_from(col_w.saturating_sub(key_w + 3).max(8)).unwrap_or(u16::MAX);
    wrap_with(&Line::from(*what), label_w, 0)
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let key = if i == 0 { format!(" {k:>key_w$} ") } else { " ".repeat(key_w + 2) };
            let mut spans = vec![Span::styled(key, t.accent())];
            spans.extend(row.spans);
            Line::from(spans)
        })
        .collect()
}

/// Entries in two columns `col_w` wide, split where the taller column is shortest.
fn two_columns(cells: Vec<Vec<Line<'static>>>, col_w: usize) -> Vec<Line<'static>> {
    let heights: Vec<usize> = cells.iter().map(Vec::len).collect();
    let total: usize = heights.iter().sum();
    let split = (0..=cells.len())
        .min_by_key(|&i| {
            let left: usize = heights[..i].iter().sum();
            left.max(total - left)
        })
        .unwrap_or(0);
    let right: Vec<Line> = cells[split..].iter().flatten().cloned().collect();
    let left: Vec<Line> = cells[..split].iter().flatten().cloned().collect();
    (0..left.len().max(right.len()))
        .map(|r| {
            let mut spans = left.get(r).map(|l| l.spans.clone()).unwrap_or_default();
            if let Some(row) = right.get(r) {
                let used: usize = spans.iter().map(Span::width).sum();
                spans.push(Span::raw(" ".repeat(col_w.saturating_sub(used))));
                spans.extend(row.spans.clone());
            }
            Line::from(spans)
        })
        .collect()
}
