//! Home: every tracked domain with its phase, testing progress, last check and next action.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::domain::gate_word;
use crate::tui::app::{App, Entry};
use crate::tui::theme::{self, Theme};
use crate::tui::widgets::{age, bar, fit, fit_words, spinner};
use mtasts_core::rollout::{DomainState, evaluate, status_line, testing_progress};
use mtasts_core::sanitize::sanitize;

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
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(t.border())
        .title(Span::styled(format!(" {} tracked ", app.entries.len()), t.dim()));
    let wide = area.width >= 76;
    let head = if wide {
        format!("  {:<19}{:<11}{:<8}{:<25}{}", "domain", "phase", "mode", "testing window", "last check")
    } else {
        format!("  {:<18}{:<11}{:<16}{}", "domain", "phase", "window", "check")
    };
    let mut lines = vec![Line::from(Span::styled(head, t.dim()))];
    for (i, e) in app.entries.iter().enumerate() {
        lines.extend(row(app, t, e, wide, i == app.selected, area.width));
    }
    let inner_h = usize::from(area.height.saturating_sub(2));
    let first = (app.selected * 2 + 3).saturating_sub(inner_h) as u16;
    f.render_widget(Paragraph::new(lines).block(block).scroll((first, 0)), area);
}

fn row(app: &App, t: &Theme, e: &Entry, wide: bool, selected: bool, width: u16) -> [Line<'static>; 2] {
    let sel = if selected { "▶ " } else { "  " };
    let next_w = usize::from(width).saturating_sub(5);
    let pick = |l: Line<'static>| if selected { l.style(t.selected()) } else { l };
    let s = match e {
        Entry::Bad { path, problem } => {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            return [
                pick(Line::from(vec![
                    Span::raw(sel),
                    Span::styled(format!("{} {} (unreadable)", theme::BAD, sanitize(&name)), t.bad()),
                ])),
                pick(Line::from(Span::styled(
                    format!("    {}", fit_words(&sanitize(problem), next_w)),
                    t.dim(),
                ))),
            ];
        }
        Entry::Ok(s) => s.as_ref(),
    };
    let obs = app.checked(&s.domain).map(|c| &c.observation).or(s.last_observation.as_ref());
    let st = status_line(s, obs, app.tally(&s.domain), app.now);
    let gate = evaluate(s, obs, app.tally(&s.domain), app.now);
    let mut spans = vec![
        Span::raw(sel),
        Span::styled(
            format!(
                "{:<w$}",
                fit(s.domain.as_str(), if wide { 18 } else { 17 }),
                w = if wide { 19 } else { 18 }
            ),
            t.title(),
        ),
        Span::styled(format!("{:<11}", s.phase.as_str()), phase_style(t, s)),
    ];
    if wide {
        spans.push(Span::raw(format!("{:<8}", s.plan.mode.as_str())));
    }
    spans.push(Span::raw(window_cell(s, app.now, wide)));
    let old = obs.is_some_and(|o| mtasts_core::rollout::check_is_old(o.at, app.now));
    if app.checking(&s.domain) {
        let what = app.waiting_for(&s.domain);
        spans.push(Span::styled(format!("{} {what}…", spinner(app.frame)), t.accent()));
    } else {
        match obs {
            // An old result is not a current fact: its age, without its verdict.
            Some(o) if old => spans.push(Span::styled(format!("? {}", age(app.now, o.at)), t.warn())),
            Some(o) => {
                let (w, style) = gate_word(t, &gate, true);
                let sym: String = w.chars().take(1).collect();
                spans.push(Span::styled(sym, style));
                spans.push(Span::styled(format!(" {}", age(app.now, o.at)), t.dim()));
            }
            None => spans.push(Span::styled("never", t.dim())),
        }
    }
    let words = match app.freshness_words(&s.domain) {
        Some(w) => w,
        None => st.next.render(|v| crate::tui::hints::verb_keys(app, v)),
    };
    let next = Line::from(Span::styled(format!("    {}", fit_words(&sanitize(&words), next_w)), t.dim()));
    [pick(Line::from(spans)), pick(next)]
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
