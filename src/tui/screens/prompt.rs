//! Prompts (validated as typed) and confirmations.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::sanitize::sanitize;
use crate::tui::app::{Confirm, Prompt, PromptKind};
use crate::tui::theme::{self, Theme};

fn title(kind: PromptKind) -> &'static str {
    match kind {
        PromptKind::AddDomain => " add a domain ",
        PromptKind::Rua => " TLS-RPT report address(es) ",
        PromptKind::WritePath => " write snippet ",
        PromptKind::ImportPath => " import TLS-RPT reports ",
        PromptKind::Ack => " override the gate? ",
    }
}

/// Draws a text prompt.
pub fn render_prompt(p: &Prompt, t: &Theme, f: &mut Frame) {
    let mut lines: Vec<Line> = p.context.iter().map(|c| Line::from(sanitize(c).into_owned())).collect();
    if p.kind == PromptKind::Ack {
        lines.push(Line::from(Span::styled(
            "Type why it is safe to go on; it is recorded with the time.",
            t.dim(),
        )));
    }
    if p.kind == PromptKind::AddDomain {
        lines.push(Line::from(Span::styled(
            "The mail domain (the part after @). Its MX hosts are looked up next.",
            t.dim(),
        )));
    }
    lines.push(Line::from(vec![
        Span::styled("> ", t.accent()),
        Span::raw(sanitize(&p.input).into_owned()),
        Span::styled("█", t.accent()),
    ]));
    match &p.error {
        Some(e) => lines.push(Line::from(Span::styled(format!("{} {}", theme::BAD, sanitize(e)), t.bad()))),
        None if !p.input.trim().is_empty() => {
            lines.push(Line::from(Span::styled(format!("{} looks good — enter", theme::OK), t.ok())))
        }
        None => lines.push(Line::default()),
    }
    lines.push(Line::from(Span::styled("enter confirm · esc cancel", t.dim())));
    boxed(lines, title(p.kind), t, f);
}

/// Draws a yes/no question.
pub fn render_confirm(c: &Confirm, t: &Theme, f: &mut Frame) {
    let mut lines: Vec<Line> = c.lines.iter().map(|l| Line::from(sanitize(l).into_owned())).collect();
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled("y", t.accent()),
        Span::raw(" / enter yes    "),
        Span::styled("n", t.accent()),
        Span::raw(" / esc no"),
    ]));
    boxed(lines, " confirm ", t, f);
}

/// Draws lines to read, closed by any key.
pub fn render_note(title: &'static str, lines: &[String], t: &Theme, f: &mut Frame) {
    let mut out: Vec<Line> = lines.iter().map(|l| Line::from(sanitize(l).into_owned())).collect();
    out.push(Line::default());
    out.push(Line::from(Span::styled("any key closes", t.dim())));
    boxed(out, title, t, f);
}

fn boxed(lines: Vec<Line<'static>>, title: &'static str, t: &Theme, f: &mut Frame) {
    let w = f.area().width.saturating_sub(4).min(74);
    let h = (lines.len() as u16 + 2).min(f.area().height);
    let area = super::centered(f.area(), w, h);
    f.render_widget(Clear, area);
    let block =
        Block::default().borders(Borders::ALL).border_style(t.accent()).title(Span::styled(title, t.title()));
    f.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), area);
}
