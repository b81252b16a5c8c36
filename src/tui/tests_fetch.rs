//! The wizard's IMAP fetch: the key in the reports view, the URL prompt, progress and Esc.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{App, DomainView, Effect, ImportCounts, Msg, Overlay, PromptKind, Screen};
use super::fixtures::{app_with, dn, draw, healthy_ev, state};
use mtasts_core::rollout::Phase;

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn reports_view() -> App {
    let ev = healthy_ev("testing");
    let mut app = app_with(vec![state(Phase::Testing, 11, Some(&ev))]);
    app.screen = Screen::Domain(DomainView::new(dn("example.com"), Phase::Testing));
    key(&mut app, KeyCode::Char('R'));
    app
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

#[test]
fn f_in_the_reports_view_asks_for_a_mailbox_and_enter_fetches_it() {
    let mut app = reports_view();
    assert!(draw(&app, 80, 24).contains("f fetch (IMAP)"), "{}", draw(&app, 80, 24));
    assert!(key(&mut app, KeyCode::Char('f')).is_empty());
    let Some(Overlay::Prompt(p)) = &app.overlay else { panic!("no prompt") };
    assert_eq!((p.kind, p.value()), (PromptKind::FetchUrl, "imaps://"));
    type_text(&mut app, "rep:pw@host/INBOX");
    assert!(key(&mut app, KeyCode::Enter).is_empty(), "a password in the URL is refused");
    let Some(Overlay::Prompt(p)) = &app.overlay else { panic!("the prompt stays") };
    assert!(p.error.as_deref().is_some_and(|e| e.contains("password in the URL")), "{:?}", p.error);
    for _ in 0.."rep:pw@host/INBOX".len() {
        key(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "tlsrpt@imap.example.com/Reports");
    let fx = key(&mut app, KeyCode::Enter);
    let [Effect::Fetch(url)] = fx.as_slice() else { panic!("{fx:?}") };
    assert_eq!(url, "imaps://tlsrpt@imap.example.com/Reports");
    assert!(app.overlay.is_none());
    assert!(app.import.as_ref().is_some_and(|c| c.fetch));
    assert!(!draw(&app, 120, 30).contains("f fetch (IMAP)"), "no second fetch while one runs");
}

#[test]
fn progress_shows_messages_and_esc_cancels() {
    let mut app = reports_view();
    key(&mut app, KeyCode::Char('f'));
    type_text(&mut app, "rep@localhost/INBOX");
    key(&mut app, KeyCode::Enter);
    let c = ImportCounts {
        fetch: true,
        files: 12,
        total_files: Some(40),
        imported: 9,
        ..ImportCounts::default()
    };
    app.update(Msg::ImportProgress(c.clone()));
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("fetch: 12 of 40 messages, 9 new reports"), "{screen}");
    let fx = key(&mut app, KeyCode::Esc);
    assert!(matches!(fx.as_slice(), [Effect::CancelImport]), "{fx:?}");
    app.update(Msg::Imported(Ok(ImportCounts { cancelled: true, ..c })));
    assert!(app.import.is_none());
    let Some(Overlay::Note { title, lines }) = &app.overlay else { panic!("no note") };
    assert_eq!(*title, " TLS-RPT fetch (IMAP) ");
    assert!(lines[0].starts_with("cancelled: 9 imported"), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("the next fetch goes on from there")), "{lines:?}");
}

#[test]
fn a_failed_fetch_says_so() {
    let mut app = reports_view();
    key(&mut app, KeyCode::Char('f'));
    type_text(&mut app, "rep@localhost/INBOX");
    key(&mut app, KeyCode::Enter);
    app.update(Msg::Imported(Err("the server refused the login of rep: bad".into())));
    assert!(app.import.is_none());
    let screen = draw(&app, 120, 30);
    assert!(screen.contains("fetch failed: the server refused the login of rep"), "{screen}");
}
