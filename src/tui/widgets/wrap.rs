//! Word wrapping with a hanging indent, and clipping for lines that must never wrap.
//!
//! Every scrolling pane and the gate box wrap here rather than in ratatui, so that a wrapped
//! line's continuation rows stay indented under its text (after a leading `✓`, `1.` or
//! `fix:`), a word is never split while it fits on a row, and the number of rows drawn is
//! known exactly (a page is exactly what is on screen).

use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// One character cell of a line: its text and style.
#[derive(Clone)]
struct Cell {
    text: String,
    width: usize,
    style: Style,
}

fn cells(line: &Line<'_>) -> Vec<Cell> {
    let mut out = Vec::new();
    for span in &line.spans {
        let style = line.style.patch(span.style);
        for c in span.content.chars() {
            let text = c.to_string();
            let width = Span::raw(text.as_str()).width();
            out.push(Cell { text, width, style });
        }
    }
    out
}

fn line_of(cells: &[Cell], line_style: Style) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    for c in cells {
        match spans.last_mut() {
            Some(last) if last.style == c.style => last.content.to_mut().push_str(&c.text),
            _ => spans.push(Span::styled(c.text.clone(), c.style)),
        }
    }
    let mut l = Line::from(spans);
    l.style = line_style;
    l
}

/// Whether `token` (a line's first word) marks the text after it: a symbol (`✓ ! ○ · ─`), a
/// number (`1.`), or a short label (`fix:`, `next:`).
fn is_marker(token: &str) -> bool {
    let n = token.chars().count();
    let symbol = n <= 2 && !token.chars().any(char::is_alphanumeric);
    let number =
        n >= 2 && token.ends_with(['.', ')']) && token[..token.len() - 1].chars().all(|c| c.is_ascii_digit());
    let label = (2..=7).contains(&n)
        && token.ends_with(':')
        && token[..token.len() - 1].chars().all(|c| c.is_ascii_alphabetic());
    symbol || number || label
}

/// The hanging indent of a line of `text`: its leading spaces and markers with the spaces
/// after them, or its leading spaces plus two when it starts with words.
pub fn hang(text: &str) -> usize {
    let lead = text.len() - text.trim_start_matches(' ').len();
    let mut at = lead;
    let mut marked = false;
    for _ in 0..3 {
        let rest = &text[at..];
        let token = rest.split(' ').next().unwrap_or("");
        if token.is_empty() || !is_marker(token) || token.len() == rest.len() {
            break;
        }
        let after = &rest[token.len()..];
        at += token.len() + (after.len() - after.trim_start_matches(' ').len());
        marked = true;
    }
    let cols = Span::raw(&text[..at]).width();
    if marked { cols } else { cols + 2 }
}

/// `line` wrapped to `width` cells: words move whole to the next row (a word wider than a row
/// is split), continuation rows start at the line's [`hang`] (at most half the width), and
/// spaces at a break are dropped.
pub fn wrap(line: &Line<'_>, width: u16) -> Vec<Line<'static>> {
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    wrap_with(line, width, hang(&text))
}

/// [`wrap`] with continuation rows `indent` cells deep (at most half the width).
pub fn wrap_with(line: &Line<'_>, width: u16, indent: usize) -> Vec<Line<'static>> {
    let width = usize::from(width.max(1));
    let all = cells(line);
    if all.iter().map(|c| c.width).sum::<usize>() <= width {
        return vec![line_of(&all, line.style)];
    }
    let indent = indent.min(width / 2);
    let pad = || Cell { text: " ".into(), width: 1, style: Style::default() };
    let mut rows: Vec<Vec<Cell>> = vec![Vec::new()];
    let mut used = 0;
    let mut i = 0;
    let mut lead = true;
    while i < all.len() {
        let space = all[i].text == " ";
        let end = all[i..].iter().position(|c| (c.text == " ") != space).map_or(all.len(), |n| i + n);
        let run = &all[i..end];
        let run_w: usize = run.iter().map(|c| c.width).sum();
        i = end;
        if space {
            if lead || used + run_w <= width {
                if let Some(r) = rows.last_mut() {
                    r.extend_from_slice(run);
                }
                used += run_w;
            } else {
                used = width;
            }
            continue;
        }
        lead = false;
        if used + run_w > width && used > indent {
            trim_end(rows.last_mut());
            rows.push(vec![pad(); indent]);
            used = indent;
        }
        for c in run {
            if used + c.width > width && used > indent {
                rows.push(vec![pad(); indent]);
                used = indent;
            }
            if let Some(r) = rows.last_mut() {
                r.push(c.clone());
            }
            used += c.width;
        }
    }
    trim_end(rows.last_mut());
    rows.iter().map(|r| line_of(r, line.style)).collect()
}

fn trim_end(row: Option<&mut Vec<Cell>>) {
    if let Some(r) = row {
        while r.last().is_some_and(|c| c.text == " ") {
            r.pop();
        }
    }
}

/// Every line wrapped to `width` (see [`wrap`]).
pub fn wrap_all(lines: &[Line<'_>], width: u16) -> Vec<Line<'static>> {
    lines.iter().flat_map(|l| wrap(l, width)).collect()
}

/// The width of `line` in cells.
pub fn width(line: &Line<'_>) -> usize {
    line.spans.iter().map(Span::width).sum()
}

/// `line` seen through a window `width` cells wide, `offset` cells from its start: a `…`
/// stands where it goes on beyond either edge.
pub fn clip(line: &Line<'_>, offset: usize, width: u16, more: Style) -> Line<'static> {
    let width = usize::from(width);
    let all = cells(line);
    let mut out: Vec<Cell> = Vec::new();
    let mut col = 0;
    let mut cut_right = false;
    for c in all {
        if col >= offset {
            if col + c.width > offset + width {
                cut_right = true;
                break;
            }
            out.push(c.clone());
        }
        col += c.width;
    }
    let ellipsis = || Cell { text: "…".into(), width: 1, style: more };
    if cut_right && let Some(last) = out.last_mut() {
        *last = ellipsis();
    }
    if offset > 0
        && let Some(first) = out.first_mut()
    {
        *first = ellipsis();
    }
    line_of(&out, line.style)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect()).collect()
    }

    #[test]
    fn continuation_rows_hang_under_the_text_after_a_marker() {
        let l = Line::from(vec![Span::raw(" ✗ "), Span::raw("the certificate of mx1.example.com expired")]);
        assert_eq!(text(&wrap(&l, 24)), [" ✗ the certificate of", "   mx1.example.com", "   expired"]);
        let l = Line::from("   fix: publish the DS record at your registrar");
        assert_eq!(text(&wrap(&l, 30)), ["   fix: publish the DS record", "        at your registrar"]);
        let l = Line::from("  2. then publish TXT _mta-sts.example.com");
        assert_eq!(text(&wrap(&l, 30)), ["  2. then publish TXT", "     _mta-sts.example.com"]);
    }

    #[test]
    fn prose_hangs_two_cells_deeper_and_no_word_is_split_while_it_fits() {
        let l = Line::from(" Either order is safe for delivery: a sender that finds it");
        let rows = text(&wrap(&l, 20));
        assert_eq!(rows[0], " Either order is");
        assert!(rows[1..].iter().all(|r| r.starts_with("   ") && r.len() <= 20), "{rows:?}");
        let words: Vec<&str> = rows.iter().flat_map(|r| r.split_whitespace()).collect();
        assert_eq!(words.join(" "), l.spans[0].content.split_whitespace().collect::<Vec<_>>().join(" "));
    }

    #[test]
    fn a_word_wider_than_a_row_is_split_and_styles_survive() {
        let l = Line::from(vec![Span::raw("  "), Span::styled("x".repeat(25), Style::new().bold())]);
        let rows = wrap(&l, 12);
        assert!(rows.iter().all(|r| width(r) <= 12), "{:?}", text(&rows));
        let xs: usize = text(&rows).iter().map(|r| r.matches('x').count()).sum();
        assert_eq!(xs, 25);
        assert!(rows.iter().all(|r| r.spans.iter().any(|s| s.style == Style::new().bold())));
    }

    #[test]
    fn clipping_marks_both_edges() {
        let l = Line::from("abcdefghij");
        let dim = Style::default();
        assert_eq!(text(&[clip(&l, 0, 20, dim)]), ["abcdefghij"]);
        assert_eq!(text(&[clip(&l, 0, 5, dim)]), ["abcd…"]);
        assert_eq!(text(&[clip(&l, 3, 5, dim)]), ["…efg…"]);
        assert_eq!(text(&[clip(&l, 5, 5, dim)]), ["…ghij"]);
    }
}
