//! Home: the fleet at a glance — a summary, then one row per tracked domain (phase, mode,
//! testing window, last check), then the selected domain's next step in full. Only the rows on
//! screen are drawn, so thousands of domains draw as fast as a handful.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::home_parts::{detail, summary_lines, view_line};
use crate::tui::app::{App, Entry};
use crate::tui::theme::{self, Theme};
use crate::tui::widgets::{age, bar, fit, fit_words, spinner};
use mtasts_core::rollout::{DomainState, testing_progress};
use mtasts_core::sanitize::sanitize;

/// Columns besides the domain's: wide (phase, mode, window, check) and narrow (phase,
/// window, check), with the marker columns in front.
const WIDE_REST: usize = 3 + 11 + 8 + 25 + 11;
const NARROW_REST: usize = 3 + 11 + 16 + 10;

/// Draws the home screen.
pub fn render(app: &App, t: &Theme, f: &mut Frame, area: Rect) {
    if !app.loaded {
        f.render_widget(Paragraph::new(format!(" {} reading tracked domains…", spinner(app.frame))), area);
        return;
    }
    if app.entries.is_empty() {
        empty(app, t, f, area);
        return;
    }
    let summary = summary_lines(app, t, area.width, area.height);
    let detail_rows = if area.height >= 30 { 4 } else { 3 };
    let detail = detail(app, t, area.width, detail_rows);
    let [top, view, head, table, bottom] = Layout::vertical([
        Constraint::Length(summary.len() as u16),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(detail.len() as u16),
    ])
    .areas(area);
    f.render_widget(Paragraph::new(summary), top);
    f.render_widget(Paragraph::new(view_line(app, t, area.width)), view);
    let wide = area.width >= 76;
    let name_w = name_width(app, area.width, wide);
    let header = if wide {
        format!(
            "   {:<name_w$}{:<11}{:<8}{:<25}{}",
            "domain", "phase", "mode", "testing window", "last check"
        )
    } else {
        format!("   {:<name_w$}{:<11}{:<16}{}", "domain", "phase", "window", "check")
    };
    f.render_widget(Paragraph::new(Span::styled(fit(&header, usize::from(area.width)), t.dim())), head);
    rows(app, t, f, table, wide, name_w);
    f.render_widget(Paragraph::new(detail), bottom);
}

/// The domain column: as wide as the longest name needs, within what the other columns leave.
fn name_width(app: &App, width: u16, wide: bool) -> usize {
    let room = usize::from(width).saturating_sub(if wide { WIDE_REST } else { NARROW_REST });
    let longest = app.fleet.facts.iter().map(|f| f.name.chars().count()).max().unwrap_or(0) + 1;
    longest.clamp(12, room.max(12))
}

/// The rows on screen; records the page height and the first row shown for the keys.
fn rows(app: &App, t: &Theme, f: &mut Frame, area: Rect, wide: bool, name_w: usize) {
    let n = app.fleet.rows.len();
    let page = usize::from(area.height.max(1));
    app.fleet.page.set(area.height.max(1));
    let mut top = app.fleet.top.get().min(n.saturating_sub(page));
    if app.selected < top {
        top = app.selected;
    } else if app.selected >= top + page {
        top = app.selected + 1 - page;
    }
    app.fleet.top.set(top);
    if n == 0 {
        let why = match &app.fleet.error {
            Some(e) => format!(" {} {}", theme::BAD, sanitize(e)),
            None => format!(" No tracked domain matches /{}.", sanitize(app.fleet.filter.value())),
        };
        f.render_widget(Paragraph::new(Span::styled(why, t.warn())), area);
        return;
    }
    let lines: Vec<Line> = (top..(top + page).min(n))
        .filter_map(|r| Some(row(app, t, app.row_entry(r)?, wide, name_w, r == app.selected)))
        .collect();
    f.render_widget(Paragraph::new(lines), area);
}

fn row(app: &App, t: &Theme, e: &Entry, wide: bool, name_w: usize, selected: bool) -> Line<'static> {
    let sel = if selected { "▶" } else { " " };
    let pick = |l: Line<'static>| if selected { l.style(t.selected()) } else { l };
    let s = match e {
        Entry::Bad { .. } => {
            let name = e.name();
            return pick(Line::from(vec![
                Span::raw(format!("{sel}  ")),
                Span::styled(format!("{} {} (unreadable)", theme::BAD, sanitize(&name)), t.bad()),
            ]));
        }
        Entry::Ok(s) => s.as_ref(),
    };
    let marked = app.fleet.marks.contains(&s.domain);
    let mut spans = vec![
        Span::raw(sel),
        Span::styled(if marked { "● " } else { "  " }, t.accent()),
        Span::styled(format!("{:<name_w$}", fit(s.domain.as_str(), name_w - 1)), t.title()),
        Span::styled(format!("{:<11}", s.phase.as_str()), phase_style(t, s)),
    ];
    if wide {
        spans.push(Span::raw(format!("{:<8}", s.plan.mode.as_str())));
    }
    spans.push(Span::raw(window_cell(s, app.now, wide)));
    spans.extend(check_cell(app, t, s, wide));
    pick(Line::from(spans))
}

/// The last check in a cell: a spinner while one runs, `✗ refused` while mail is refused, the
/// verdict and its age, `? age` once it is old (not a current fact), or `never`.
fn check_cell(app: &App, t: &Theme, s: &DomainState, wide: bool) -> Vec<Span<'static>> {
    if app.checking(&s.domain) {
        return vec![Span::styled(
            format!("{} {}…", spinner(app.frame), app.waiting_for(&s.domain)),
            t.accent(),
        )];
    }
    let obs = app.checked(&s.domain).map(|c| &c.observation).or(s.last_observation.as_ref());
    let Some(o) = obs else { return vec![Span::styled("never", t.dim())] };
    if mtasts_core::rollout::check_is_old(o.at, app.now) {
        return vec![Span::styled(format!("? {}", age(app.now, o.at)), t.warn())];
    }
    let (w, style) = crate::tui::widgets::verdict(t, o.verdict);
    let sym: String = w.chars().take(1).collect();
    let mut cell = vec![Span::styled(sym, style), Span::styled(format!(" {}", age(app.now, o.at)), t.dim())];
    if mtasts_core::rollout::emergency(s, o, app.now).is_some() {
        if wide {
            cell.push(Span::styled(" refused", t.bad()));
        } else {
            cell = vec![Span::styled(format!("{} refused", theme::BAD), t.bad())];
        }
    }
    cell
}

fn phase_style(t: &Theme, s: &DomainState) -> ratatui::style::Style {
    use mtasts_core::rollout::Phase;
    match s.phase {
        Phase::Enforced => t.ok(),
        Phase::Rollback => t.warn(),
        _ => t.accent(),
    }
}

fn window_cell(s: &DomainState, now: jiff::Timestamp, wide: bool) -> String {
    let text = match testing_progress(s, now) {
        Some(p) => match p.ended_days_ago(now) {
            Some(0) => "ended today".to_owned(),
            Some(1) if wide => format!("{} ended 1 day ago", bar(p.total, p.total, 5)),
            Some(n) if wide => format!("{} ended {n} days ago", bar(p.total, p.total, 5)),
            Some(n) if n < 10 => format!("ended {n}d ago"),
            Some(n) => format!("ended {n}d"),
            None if wide => {
                format!("{} day {}/{}, {} left", bar(p.day, p.total, 5), p.day, p.total, p.days_remaining)
            }
            None => format!("{}/{}, {} left", p.day, p.total, p.days_remaining),
        },
        None => "—".to_owned(),
    };
    // The cell always ends in a space, so the check column never runs into it.
    if wide { format!("{text:<25}") } else { format!("{:<15} ", fit_words(&text, 15)) }
}

fn empty(app: &App, t: &Theme, f: &mut Frame, area: Rect) {
    let mut lines = vec![
        Line::default(),
        Line::from(Span::styled(" No domains tracked yet.", t.title())),
        Line::from(
            " mtasts takes a mail domain step by step from no MTA-STS to mode: enforce, checking every \
             step live so no mail bounces.",
        ),
        Line::default(),
        Line::from(Span::styled(
            match crate::tui::hints::hint(app, crate::tui::keymap::Action::Add) {
                Some(k) => format!(" Press {k}, then type the mail domain (e.g. example.com) and Enter."),
                None => " Add a domain: type the mail domain (e.g. example.com) and Enter.".to_owned(),
            },
            t.title(),
        )),
        Line::from(
            " mtasts looks up its MX hosts and asks you to confirm them; if DNS does not answer, \
             type them yourself (space or comma separated) — every step works offline too.",
        ),
    ];
    if let Some(d) = &app.demo {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(format!(" Demo domains: {}", d.domains.join(", ")), t.dim())));
    }
    let width = area.width;
    f.render_widget(Paragraph::new(crate::tui::widgets::wrap::wrap_all(&lines, width)), area);
}
