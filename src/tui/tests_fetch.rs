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

/// Types `secret` into the masked prompt (checking it never shows) and presses Enter.
fn login(app: &mut App, secret: &str) -> Vec<Effect> {
    assert!(matches!(app.overlay, Some(Overlay::Secret(_))), "{:?}", app.overlay);
    assert!(key(app, KeyCode::Enter).is_empty(), "an empty secret is refused");
    assert!(draw(app, 80, 24).contains("type the password"), "{}", draw(app, 80, 24));
    type_text(app, secret);
    for (w, h) in [(60, 20), (80, 24), (120, 40)] {
        let screen = draw(app, w, h);
        let dots = "•".repeat(secret.chars().count());
        assert!(screen.contains(&dots), "a dot per character at {w}×{h}:\n{screen}");
        for word in secret.split(' ') {
            assert!(!screen.contains(word), "the secret shows at {w}×{h}:\n{screen}");
        }
    }
    key(app, KeyCode::Enter)
}

#[test]
fn the_secret_prompt_is_masked_switches_to_a_token_and_esc_forgets_it() {
    let mut app = reports_view();
    key(&mut app, KeyCode::Char('f'));
    type_text(&mut app, "rep@localhost/INBOX");
    key(&mut app, KeyCode::Enter);
    type_text(&mut app, "abc");
    key(&mut app, KeyCode::Tab);
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("OAuth2 token: > •••"), "{screen}");
    insta::assert_snapshot!("imap_secret_prompt", screen);
    key(&mut app, KeyCode::Backspace);
    let fx = key(&mut app, KeyCode::Enter);
    let [Effect::Fetch { secret: Some(s), .. }] = fx.as_slice() else { panic!("{fx:?}") };
    assert_eq!(s.to_secret(), mtasts_reports::imap::Secret::Token("ab".into()));
    app.update(Msg::Imported(Err("x".into())));
    key(&mut app, KeyCode::Char('f'));
    type_text(&mut app, "rep@localhost/INBOX");
    key(&mut app, KeyCode::Enter);
    type_text(&mut app, "zzz");
    assert!(key(&mut app, KeyCode::Esc).is_empty());
    assert!(app.overlay.is_none() && app.import.is_none(), "cancelled: nothing fetched");
    // With the secret in the environment, the URL is all that is asked.
    app.imap_env = Some(mtasts_reports::imap::PASSWORD_ENV);
    key(&mut app, KeyCode::Char('f'));
    assert!(draw(&app, 80, 24).contains("from $MTASTS_IMAP_PASSWORD"), "{}", draw(&app, 80, 24));
    type_text(&mut app, "rep@localhost/INBOX");
    let fx = key(&mut app, KeyCode::Enter);
    assert!(matches!(fx.as_slice(), [Effect::Fetch { secret: None, .. }]), "{fx:?}");
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
    assert!(key(&mut app, KeyCode::Enter).is_empty(), "the password is asked for next");
    let fx = login(&mut app, "hunter2 secret");
    let [Effect::Fetch { url, secret: Some(secret) }] = fx.as_slice() else { panic!("{fx:?}") };
    assert_eq!(url, "imaps://tlsrpt@imap.example.com/Reports");
    assert_eq!(secret.to_secret(), mtasts_reports::imap::Secret::Password("hunter2 secret".into()));
    assert!(!format!("{fx:?}").contains("hunter2"), "{fx:?}");
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
    login(&mut app, "pw");
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
    let Some(Overlay::Note { title, lines, .. }) = &app.overlay else { panic!("no note") };
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
    login(&mut app, "pw");
    app.update(Msg::Imported(Err("the server refused the login of rep: bad".into())));
    assert!(app.import.is_none());
    let screen = draw(&app, 120, 30);
    assert!(screen.contains("fetch failed: the server refused the login of rep"), "{screen}");
}
