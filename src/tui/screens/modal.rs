//! The masked secret prompt, the zone file's list of names that receive mail, and the home
//! screen's write menu.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::prompt::boxed;
use crate::tui::keymap_modal::{CHOICE_KEYS, PICK_KEYS, PICK_PAGE_KEYS, SECRET_KEYS, hints, shown_hints};
use crate::tui::overlay::{FleetWrite, Pick, PickState};
use crate::tui::secret::SecretPrompt;
use crate::tui::theme::{self, Theme};
use crate::tui::widgets::fit;
use mtasts_core::sanitize::sanitize;

/// Draws the secret prompt: a dot per character typed, never the characters.
pub fn render_secret(p: &SecretPrompt, t: &Theme, f: &mut Frame) {
    let width = usize::from(f.area().width.saturating_sub(4).min(74).saturating_sub(6));
    let dots = "•".repeat(p.len().min(width));
    let mut lines = vec![
        Line::from(format!("Mailbox {}", sanitize(&p.url))),
        Line::from(Span::styled(
            "Typed here it is used for this fetch only: never shown, saved or logged, and wiped \
             from memory afterwards.",
            t.dim(),
        )),
        Line::from(vec![
            Span::styled(format!("{}: ", p.kind.label()), t.title()),
            Span::styled("> ", t.accent()),
            Span::raw(dots),
            Span::styled(" ", t.selected()),
        ]),
    ];
    match &p.error {
        Some(e) => lines.push(Line::from(Span::styled(format!("{} {}", theme::BAD, sanitize(e)), t.bad()))),
        None => lines.push(Line::default()),
    }
    lines.push(Line::from(Span::styled(format!("{} · ctrl-u clear", hints(SECRET_KEYS)), t.dim())));
    boxed(lines, " IMAP login ", t, f);
}

/// Draws the zone file's names: tracked, refusing mail (null MX), or to tick; the cursor row
/// stays on screen, the text above and the keys below wrap.
pub fn render_pick(p: &Pick, t: &Theme, f: &mut Frame) {
    let w = f.area().width.saturating_sub(4).min(90);
    let inner_w = w.saturating_sub(2);
    let ticked = p.ticked().len();
    let head = Paragraph::new(if p.list {
        vec![
            Line::from(format!("{}: {} domains, one per line.", sanitize(&p.file), p.items.len())),
            Line::from(Span::styled(
                "[x]: not tracked yet; each ticked one is checked, then tracked (MX hosts from its line, \
                 else from DNS), rows appearing as they finish.",
                t.dim(),
            )),
        ]
    } else {
        vec![
            Line::from(format!("{}: the names with MX records.", sanitize(&p.file))),
            Line::from(Span::styled(
                "[x]: receives mail and is not tracked yet; each such name needs its own MTA-STS \
                 (RFC 8461 §3.4: no fallback to a parent domain).",
                t.dim(),
            )),
        ]
    })
    .wrap(Wrap { trim: false });
    let head_h = u16::try_from(head.line_count(inner_w)).unwrap_or(2);
    let room = f.area().height.saturating_sub(2).saturating_sub(2);
    let foot = |paging: bool| {
        let mut keys = format!("{ticked} ticked · {}", hints(PICK_KEYS));
        if paging {
            keys = format!("row {} of {} · {keys} · {}", p.at + 1, p.items.len(), hints(PICK_PAGE_KEYS));
        }
        Paragraph::new(vec![Line::default(), Line::from(Span::styled(keys, t.dim()))])
            .wrap(Wrap { trim: false })
    };
    let fits = |foot: &Paragraph| {
        let h = u16::try_from(foot.line_count(inner_w)).unwrap_or(2);
        p.items.len() <= usize::from(room.saturating_sub(head_h + h))
    };
    let foot = if fits(&foot(false)) { foot(false) } else { foot(true) };
    let rows: Vec<Line> = p
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let (mark, style, what) = match item.state {
                PickState::Tracked => (format!(" {} ", theme::OK), t.ok(), "tracked".to_owned()),
                PickState::NullMx => ("   ".to_owned(), t.dim(), "null MX: refuses mail".to_owned()),
                PickState::Untracked(on) => {
                    let mx: Vec<String> = item.mx.iter().map(ToString::to_string).collect();
                    let boxed = if on { "[x]" } else { "[ ]" };
                    let what = if mx.is_empty() {
                        "MX from DNS".to_owned()
                    } else {
                        format!("MX {}", mx.join(", "))
                    };
                    (boxed.to_owned(), t.warn(), what)
                }
            };
            let name = format!(" {} ", item.name);
            let rest = usize::from(inner_w).saturating_sub(3 + name.chars().count());
            let line = Line::from(vec![
                Span::styled(mark, style),
                Span::styled(name, t.title()),
                Span::styled(fit(&sanitize(&what), rest), t.dim()),
            ]);
            if i == p.at { line.style(t.selected()) } else { line }
        })
        .collect();
    let foot_h = u16::try_from(foot.line_count(inner_w)).unwrap_or(2);
    let list_h =
        u16::try_from(rows.len()).unwrap_or(u16::MAX).min(room.saturating_sub(head_h + foot_h)).max(1);
    p.page.set(usize::from(list_h));
    let first = u16::try_from(p.at + 1).unwrap_or(u16::MAX).saturating_sub(list_h);
    let area = super::centered(f.area(), w, list_h + head_h + foot_h + 2);
    let block = Block::default().borders(Borders::ALL).border_style(t.accent()).title(Span::styled(
        if p.list { " domains to track " } else { " names that receive mail " },
        t.title(),
    ));
    let inner = block.inner(area);
    f.render_widget(Clear, area);
    f.render_widget(block, area);
    let top = Rect { height: head_h.min(inner.height), ..inner };
    let list =
        Rect { y: top.bottom(), height: list_h.min(inner.bottom().saturating_sub(top.bottom())), ..inner };
    let bottom = Rect { y: list.bottom(), height: inner.bottom().saturating_sub(list.bottom()), ..inner };
    f.render_widget(head, top);
    f.render_widget(Paragraph::new(rows).scroll((first, 0)), list);
    f.render_widget(foot, bottom);
}

/// Draws the home screen's write menu: what each number writes for the domains, an option
/// that has nothing to write for them said so in its line.
pub fn render_fleet_write(m: &FleetWrite, t: &Theme, f: &mut Frame) {
    let worker = match m.workers {
        0 => Line::from(Span::styled(
            "1  the shared Worker: none of them is on path C (one Worker for all)",
            t.dim(),
        )),
        n => Line::from(format!(
            "1  the shared Worker for the {n} of them on path C: wrangler.jsonc and worker.js"
        )),
    };
    let mut lines = vec![
        Line::from(Span::styled(format!("Write for the {}:", m.which), t.title())),
        Line::default(),
        worker,
        Line::from("2  one DNS zone fragment with the _mta-sts and _smtp._tls records of each"),
        Line::from(
            "3  one daily check of them all: the list of domains, a crontab entry, a service and a timer",
        ),
        Line::default(),
    ];
    if let Some(e) = &m.error {
        lines.push(Line::from(Span::styled(format!("{} {}", theme::BAD, sanitize(e)), t.bad())));
    }
    lines.push(Line::from(Span::styled(shown_hints(CHOICE_KEYS), t.dim())));
    boxed(lines, " write for several domains ", t, f);
}
