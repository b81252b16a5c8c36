//! Drawing: a pure function of the [`App`].

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};

use super::app::{App, Overlay, Screen};
use super::screens;
use super::theme::Theme;
use super::widgets::footer;
use super::widgets::wrap::wrap;

/// Draws the whole wizard.
pub fn render(app: &App, f: &mut Frame) {
    let t = Theme::new(app.color);
    let status_rows = wrap(&footer::status(app, &t), f.area().width);
    let status_h = u16::try_from(status_rows.len()).unwrap_or(1).clamp(1, 3);
    let [header, body, status, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(status_h),
        Constraint::Length(1),
    ])
    .areas(f.area());
    f.render_widget(header_line(app, &t, header.width), header);
    match &app.screen {
        Screen::Home => screens::home::render(app, &t, f, body),
        Screen::Domain(v) => screens::domain::render(app, v, &t, f, body),
    }
    f.render_widget(ratatui::widgets::Paragraph::new(status_rows), status);
    f.render_widget(footer::footer(app, &t, foot.width), foot);
    match &app.overlay {
        Some(Overlay::Help) => screens::help::render(app, &t, f),
        Some(Overlay::Prompt(p)) => {
            let rehearse = app.rehearsal_domains();
            screens::prompt::render_prompt(p, app.demo.as_ref().map(|_| rehearse.as_slice()), &t, f)
        }
        Some(Overlay::Confirm(c)) => screens::prompt::render_confirm(c, &t, f),
        Some(Overlay::Note { title, lines, scroll }) => {
            screens::prompt::render_note(title, lines, scroll, &t, f)
        }
        Some(Overlay::Secret(p)) => screens::modal::render_secret(p, &t, f),
        Some(Overlay::Pick(p)) => screens::modal::render_pick(p, &t, f),
        Some(Overlay::FleetWrite(m)) => screens::modal::render_fleet_write(m, &t, f),
        None => {}
    }
}

/// The title, where the user is, what runs, and the time — the time shortened or left out
/// before anything else is cut.
fn header_line(app: &App, t: &Theme, width: u16) -> Line<'static> {
    let mut spans = vec![Span::styled(" mtasts ", t.selected()), Span::raw(" ")];
    match &app.screen {
        Screen::Home => spans.push(Span::styled("MTA-STS rollouts", t.title())),
        Screen::Domain(v) => {
            spans.push(Span::styled("home › ", t.dim()));
            spans.push(Span::styled(v.domain.as_str().to_owned(), t.title()));
        }
    }
    if app.busy() {
        let what = if !app.checking_any() { "importing" } else { "checking" };
        spans.push(Span::styled(format!("  {} {what}", super::widgets::spinner(app.frame)), t.accent()));
    }
    let used: usize = spans.iter().map(Span::width).sum();
    let room = usize::from(width).saturating_sub(used);
    for form in ["%Y-%m-%d %H:%M UTC", "%Y-%m-%d %H:%M", "%m-%d %H:%M"] {
        let time = format!("  {}", app.now.strftime(form));
        if time.chars().count() <= room {
            spans.push(Span::styled(time, t.dim()));
            break;
        }
    }
    Line::from(spans)
}
