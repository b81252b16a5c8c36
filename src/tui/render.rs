//! Drawing: a pure function of the [`App`].

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};

use super::app::{App, Overlay, Screen};
use super::screens;
use super::theme::Theme;
use super::widgets::footer;

/// Draws the whole wizard.
pub fn render(app: &App, f: &mut Frame) {
    let t = Theme::new(app.color);
    let status_line = footer::status(app, &t);
    let status_h = if status_line.width() > usize::from(f.area().width) { 2 } else { 1 };
    let [header, body, status, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(status_h),
        Constraint::Length(1),
    ])
    .areas(f.area());
    f.render_widget(header_line(app, &t), header);
    match &app.screen {
        Screen::Home => screens::home::render(app, &t, f, body),
        Screen::Domain(v) => screens::domain::render(app, v, &t, f, body),
    }
    f.render_widget(
        ratatui::widgets::Paragraph::new(status_line).wrap(ratatui::widgets::Wrap { trim: true }),
        status,
    );
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
        None => {}
    }
}

fn header_line(app: &App, t: &Theme) -> Line<'static> {
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
    spans.push(Span::styled(format!("  {}", app.now.strftime("%Y-%m-%d %H:%M UTC")), t.dim()));
    Line::from(spans)
}
