//! The home screen around its table: the fleet's summary at the top, the line saying how the
//! table is sorted and filtered (or the filter being typed), and the selected domain's next
//! step in full at the bottom.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::domain::gate_word;
use crate::tui::app::{App, Entry};
use crate::tui::fleet::{SortBy, Summary};
use crate::tui::hints::keyed;
use crate::tui::keymap::Action;
use crate::tui::theme::{self, Theme};
use crate::tui::widgets::{fit_words, spinner, wrap::wrap_with};
use mtasts_core::rollout::{evaluate, status_line};
use mtasts_core::sanitize::sanitize;
use mtasts_core::words::{count, thousands};

/// The summary's items, most urgent first, each with its style (counts of zero left out).
fn items(app: &App, s: &Summary, t: &Theme) -> Vec<(String, Style)> {
    let n = |x: usize| thousands(x as u64);
    let mut out = vec![(format!("{} tracked", n(s.total)), t.title())];
    if let Some((done, of)) = app.fleet_progress() {
        out.push((format!("{} checked {} of {}", spinner(app.frame), n(done), n(of)), t.accent()));
    }
    let [pass, warn, fail, old, never, unreadable] = s.seen;
    let mut push = |x: usize, text: String, style: Style| {
        if x > 0 {
            out.push((text, style));
        }
    };
    push(s.refused, format!("{} {} mail refused", theme::BAD, n(s.refused)), t.bad());
    push(fail, format!("{} {} fail", theme::BAD, n(fail)), t.bad());
    push(unreadable, format!("{} {} unreadable", theme::BAD, n(unreadable)), t.bad());
    push(s.expired, format!("{} {} expired", theme::BAD, count(s.expired as u64, "MX cert")), t.bad());
    push(s.due, format!("{} due", n(s.due)), t.warn());
    let ends = if s.ending == 1 { "window ends" } else { "windows end" };
    push(s.ending, format!("{} {ends} this week", n(s.ending)), t.warn());
    push(s.expiring, format!("{} expiring", count(s.expiring as u64, "MX cert")), t.warn());
    push(warn, format!("{} {} warn", theme::WARN, n(warn)), t.warn());
    push(pass, format!("{} {} pass", theme::OK, n(pass)), t.ok());
    push(old, format!("? {} old", n(old)), t.dim());
    push(never, format!("{} unchecked", n(never)), t.dim());
    for (i, (phase, k)) in s.phases.iter().enumerate() {
        let label = if i == 0 { "phases: " } else { "" };
        out.push((format!("{label}{} {}", n(*k), phase.as_str()), t.accent()));
    }
    out
}

/// The summary in as many lines as the screen spares (2 on a very short one, else up to 4), items never split; what does not fit is cut with `…` (the least urgent go first).
pub fn summary_lines(app: &App, t: &Theme, width: u16, height: u16) -> Vec<Line<'static>> {
    let cap = match height {
        0..17 => 2,
        _ => 4,
    };
    let width = usize::from(width);
    let mut lines: Vec<Vec<Span<'static>>> = vec![Vec::new()];
    let mut used = 0;
    let all = items(app, &app.fleet.summary, t);
    for (i, (text, style)) in all.iter().enumerate() {
        let w = text.chars().count();
        let sep = if used == 0 { 1 } else { 3 };
        let last_line = lines.len() == cap;
        // On the last line, keep room for " …" unless this is the last item.
        let need = sep + w + if last_line && i + 1 < all.len() { 2 } else { 0 };
        // The phases start a line of their own when there is one to spare.
        let own_line = text.starts_with("phases: ") && used > 0 && !last_line;
        if own_line || used + need > width {
            if last_line {
                if let Some(l) = lines.last_mut() {
                    l.push(Span::styled(" …", t.dim()));
                }
                break;
            }
            lines.push(Vec::new());
            used = 0;
        }
        if let Some(line) = lines.last_mut() {
            line.push(Span::styled(if used == 0 { " " } else { " · " }, t.dim()));
            line.push(Span::styled(text.clone(), *style));
        }
        used += if used == 0 { 1 } else { 3 } + w;
    }
    lines.into_iter().map(Line::from).collect()
}

/// The line above the table: how it is sorted, the filter and how many it shows, the marks;
/// while the filter is typed, the filter with its cursor.
pub fn view_line(app: &App, t: &Theme, width: u16) -> Line<'static> {
    let f = &app.fleet;
    let total = thousands(app.entries.len() as u64);
    let shown = thousands(f.rows.len() as u64);
    if f.typing {
        let value = f.filter.value();
        let at = f.filter.cursor();
        let before: String = value.chars().take(at).collect();
        let under: String = value.chars().nth(at).map_or(" ".to_owned(), String::from);
        let after: String = value.chars().skip(at + 1).collect();
        let mut spans = vec![
            Span::styled(" /", t.accent()),
            Span::raw(sanitize(&before).into_owned()),
            Span::styled(sanitize(&under).into_owned(), t.selected()),
            Span::raw(sanitize(&after).into_owned()),
        ];
        match &f.error {
            Some(e) => spans.push(Span::styled(format!("  {} {}", theme::BAD, sanitize(e)), t.bad())),
            None => spans.push(Span::styled(format!("  {shown} of {total}"), t.dim())),
        }
        return Line::from(spans);
    }
    let other = match f.sort {
        SortBy::Name => "by urgency",
        SortBy::Urgency => "by name",
    };
    let sort = match keyed(app, Action::Sort, "") {
        Some(k) => format!("sorted {} ({}: {other})", f.sort.words(), k.trim_end()),
        None => format!("sorted {}", f.sort.words()),
    };
    let mut parts = vec![sort];
    if app.filtered() {
        parts.push(format!("/{}: {shown} of {total}", sanitize(f.filter.value().trim())));
    }
    if !f.marks.is_empty() {
        parts.push(format!("● {} marked", thousands(f.marks.len() as u64)));
    }
    let mut text = format!("─ {} ", parts.join(" ─ "));
    if text.chars().count() > usize::from(width) {
        // The sort's key is in the footer and the help too: it goes first when space is short.
        parts[0] = format!("sorted {}", f.sort.words());
        text = format!("─ {} ", parts.join(" ─ "));
    }
    let room = usize::from(width).saturating_sub(text.chars().count());
    Line::from(vec![Span::styled(text, t.dim()), Span::styled("─".repeat(room), t.border())])
}

/// The selected domain in full, `rows` lines at most: a rule with its name and gate, then its
/// next step (or why its state file could not be read), wrapped.
pub fn detail(app: &App, t: &Theme, width: u16, rows: usize) -> Vec<Line<'static>> {
    let Some(e) = app.selected_entry() else { return Vec::new() };
    let (title, words, style) = match e {
        Entry::Bad { problem, .. } => (format!("{} (unreadable)", e.name()), problem.clone(), t.bad()),
        Entry::Ok(s) => {
            let obs = app.checked(&s.domain).map(|c| &c.observation).or(s.last_observation.as_ref());
            let tally = app.tally(&s.domain);
            let gate = evaluate(s, obs, tally, app.now);
            let (word, style) = gate_word(t, &gate, obs.is_some());
            let words = match app.freshness_words(&s.domain) {
                Some(w) => w,
                None => {
                    status_line(s, obs, tally, app.now).next.render(|v| crate::tui::hints::verb_keys(app, v))
                }
            };
            (format!("{} · {word}", s.domain), words, style)
        }
    };
    let title = format!("─ {} ", sanitize(&title));
    let room = usize::from(width).saturating_sub(title.chars().count());
    let mut out =
        vec![Line::from(vec![Span::styled(title, style), Span::styled("─".repeat(room), t.border())])];
    let body = wrap_with(&Line::from(format!(" {}", sanitize(&words))), width, 1);
    let keep = rows.saturating_sub(1);
    let cut = body.len() > keep;
    for (i, line) in body.into_iter().take(keep).enumerate() {
        if cut && i + 1 == keep {
            let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
            let short = fit_words(&text, usize::from(width).saturating_sub(2));
            let short = if short.ends_with('…') { short } else { format!("{} …", short.trim_end()) };
            out.push(Line::from(short));
        } else {
            out.push(line);
        }
    }
    // Always as tall, so the table (a page) keeps its height as the selection moves.
    out.resize(rows, Line::default());
    out
}
