//! Prompts (validated as typed) and confirmations.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::tui::app::{Confirm, Prompt, PromptKind};
use crate::tui::keymap_modal::note_hints;
use crate::tui::overlay::Scroll;
use crate::tui::theme::{self, Theme};
use mtasts_core::sanitize::sanitize;

fn title(kind: PromptKind) -> &'static str {
    match kind {
        PromptKind::AddDomain => " add a domain ",
        PromptKind::Rua => " TLS-RPT report address(es) ",
        PromptKind::WritePath => " write snippet ",
        PromptKind::AuditPath => " write the auditor's report ",
        PromptKind::ImportPath => " import TLS-RPT reports ",
        PromptKind::FetchUrl => " fetch TLS-RPT reports (IMAP) ",
        PromptKind::Ack => " override the gate? ",
        PromptKind::WriteArtefact(a) if a.is_folder() => " write into a new folder ",
        PromptKind::WriteArtefact(crate::tui::artefact::Artefact::Records) => " write the records ",
        PromptKind::WriteArtefact(_) => " write the policy file ",
        PromptKind::WriteFleet(a) if a.is_folder() => " write into a new folder ",
        PromptKind::WriteFleet(_) => " write the records ",
        PromptKind::ServerPaths => " certificate, key and webroot ",
        PromptKind::AddMx => " MX hosts of the new domain ",
        PromptKind::Mx => " edit MX hosts ",
        PromptKind::ZoneFile => " read names from a file ",
    }
}

/// Draws a text prompt (`demo`: the demo's domains, to name the ones to rehearse with).
pub fn render_prompt(p: &Prompt, demo: Option<&[String]>, t: &Theme, f: &mut Frame) {
    let mut lines: Vec<Line> = p.context.iter().map(|c| Line::from(sanitize(c).into_owned())).collect();
    if p.kind == PromptKind::Ack {
        lines.push(Line::from(Span::styled(
            "Type why it is safe to go on; it is recorded with the time.",
            t.dim(),
        )));
    }
    if p.kind == PromptKind::AddDomain {
        lines.push(Line::from(Span::styled(
            "The mail domain (the part after @). Its MX hosts are looked up next; if DNS does \
             not answer, you type them.",
            t.dim(),
        )));
        if let Some(names) = demo.filter(|n| !n.is_empty()) {
            lines.push(Line::from(vec![
                Span::styled("Demo: rehearse with ", t.accent()),
                Span::styled(names.join(", "), t.title()),
                Span::styled(" (the lab serves it; p publishes each step)", t.dim()),
            ]));
        }
    }
    lines.push(input_line(p, t, f.area().width.saturating_sub(4).min(74).saturating_sub(4)));
    let path = p.kind.path_use().is_some();
    match (&p.error, &p.ok) {
        (Some(e), _) => {
            lines.push(Line::from(Span::styled(format!("{} {}", theme::BAD, sanitize(e)), t.bad())))
        }
        (None, Some(what)) => {
            lines.push(Line::from(Span::styled(format!("{} {} — enter", theme::OK, sanitize(what)), t.ok())))
        }
        (None, None) if path => lines.push(Line::from(Span::styled("checking the path…", t.dim()))),
        (None, None) if !p.value().trim().is_empty() => {
            lines.push(Line::from(Span::styled(format!("{} enter to go on", theme::OK), t.ok())))
        }
        (None, None) => lines.push(Line::default()),
    }
    if !p.hints.is_empty() {
        let hints: Vec<String> = p.hints.iter().map(|h| sanitize(h).into_owned()).collect();
        lines.push(Line::from(Span::styled(hints.join("  "), t.dim())));
    }
    let keys = if path {
        "enter confirm · esc cancel · tab complete · ctrl-u clear · ctrl-w word"
    } else {
        "enter confirm · esc cancel · ctrl-u clear · ctrl-w word · ←→ home end"
    };
    if p.kind == PromptKind::AddDomain {
        let (_, key, what) = crate::tui::keymap_modal::ZONE_KEY;
        lines.push(Line::from(vec![
            Span::styled(format!("{key} "), t.accent()),
            Span::raw(format!("{what}: a list of domains, or the zone file of the domain typed")),
        ]));
    }
    lines.push(Line::from(Span::styled(keys, t.dim())));
    boxed(lines, title(p.kind), t, f);
}

/// `> text` with the cursor shown, scrolled so that the cursor stays in `width` columns.
fn input_line(p: &Prompt, t: &Theme, width: u16) -> Line<'static> {
    let value = sanitize(p.value()).into_owned();
    let width = usize::from(width.max(4));
    let skip = p.input.visual_scroll(width.saturating_sub(1));
    let chars: Vec<char> = value.chars().skip(skip).collect();
    let at = p.input.visual_cursor().saturating_sub(skip).min(chars.len());
    let before: String = chars[..at].iter().collect();
    let under: String = chars.get(at).map_or(" ".to_owned(), char::to_string);
    let after: String = chars.iter().skip(at + 1).collect();
    Line::from(vec![
        Span::styled("> ", t.accent()),
        Span::raw(before),
        Span::styled(under, t.selected()),
        Span::raw(after),
    ])
}

/// Draws a yes/no question; a long one scrolls, its keys always in view.
pub fn render_confirm(c: &Confirm, t: &Theme, f: &mut Frame) {
    let lines: Vec<Line> = c.lines.iter().map(|l| Line::from(sanitize(l).into_owned())).collect();
    let keys = vec![
        Span::styled("y", t.accent()),
        Span::raw(" / enter yes    "),
        Span::styled("n", t.accent()),
        Span::raw(" / esc no"),
    ];
    scrolled(lines, keys, " confirm ", &c.scroll, t, f);
}

/// Draws lines to read, scrolled when they do not fit.
pub fn render_note(title: &'static str, lines: &[String], scroll: &Scroll, t: &Theme, f: &mut Frame) {
    let text: Vec<Line> = lines.iter().map(|l| Line::from(sanitize(l).into_owned())).collect();
    scrolled(text, Vec::new(), title, scroll, t, f);
}

/// Draws `text` in a box with `keys` on its last line; when the text does not fit it scrolls
/// from `scroll.at`, the keys line says how much is below and names the scrolling keys, and
/// the largest offset and the page height are recorded in `scroll` for the keys.
fn scrolled(
    text: Vec<Line<'static>>,
    keys: Vec<Span<'static>>,
    title: &'static str,
    scroll: &Scroll,
    t: &Theme,
    f: &mut Frame,
) {
    let w = f.area().width.saturating_sub(4).min(74);
    let para = Paragraph::new(text).wrap(Wrap { trim: false });
    let total = u16::try_from(para.line_count(w.saturating_sub(2))).unwrap_or(u16::MAX);
    // Room inside the borders and a line of margin, less the blank line and the keys below.
    let room = f.area().height.saturating_sub(4).saturating_sub(2).max(1);
    let shown = total.min(room);
    let max = total - shown;
    scroll.end.set(max);
    scroll.page.set(shown);
    let at = scroll.at.min(max);
    let area = super::centered(f.area(), w, shown + 4);
    let block =
        Block::default().borders(Borders::ALL).border_style(t.accent()).title(Span::styled(title, t.title()));
    let inner = block.inner(area);
    f.render_widget(Clear, area);
    f.render_widget(block, area);
    f.render_widget(para.scroll((at, 0)), Rect { height: shown.min(inner.height), ..inner });
    let below = max - at;
    // A question names its own keys; a note the ones that close it. Both name the scrolling
    // ones when the text does not fit.
    let mut line = keys;
    if line.is_empty() {
        line.push(Span::styled(note_hints(false), t.dim()));
    }
    if max > 0 {
        line.push(Span::raw("  "));
        if below > 0 {
            line.push(Span::styled(format!("↓ {below} more · "), t.accent()));
        }
        line.push(Span::styled(note_hints(true), t.dim()));
    }
    let y = inner.bottom().saturating_sub(1);
    f.render_widget(Paragraph::new(Line::from(line)), Rect { y, height: 1, ..inner });
}

/// Draws `lines` in a bordered box with `title`, centred, as tall as they wrap to.
pub fn boxed(lines: Vec<Line<'static>>, title: &'static str, t: &Theme, f: &mut Frame) {
    let w = f.area().width.saturating_sub(4).min(74);
    let block =
        Block::default().borders(Borders::ALL).border_style(t.accent()).title(Span::styled(title, t.title()));
    let rows = crate::tui::widgets::wrap::wrap_all(&lines, w.saturating_sub(2));
    let h = u16::try_from(rows.len() + 2).unwrap_or(u16::MAX).min(f.area().height);
    let para = Paragraph::new(rows).block(block);
    let area = super::centered(f.area(), w, h);
    f.render_widget(Clear, area);
    f.render_widget(para, area);
}
