//! The action table holds: on every screen, every key the help shows does something there, and
//! every key that does something is shown.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{App, Screen};
use super::fixtures::draw;
use super::tests_places::{acts, domain_at};
use super::{hints, keymap};
use mtasts_core::rollout::Phase;

/// Every key a user could press (the ones the wizard could plausibly bind).
fn universe() -> Vec<KeyEvent> {
    let mut codes: Vec<KeyCode> = ('a'..='z').chain('A'..='Z').chain('0'..='9').map(KeyCode::Char).collect();
    codes.extend("?/ .-<>".chars().map(KeyCode::Char));
    codes.extend([
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Backspace,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Home,
        KeyCode::End,
    ]);
    let mut keys: Vec<KeyEvent> = codes.into_iter().map(|c| KeyEvent::new(c, KeyModifiers::NONE)).collect();
    keys.extend(['c', 'u', 'w'].map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)));
    keys
}

/// Every place, drawn once at 60×20 (so that the scroll limits are known) and scrolled to the
/// middle where it can scroll.
fn places() -> Vec<(String, App)> {
    let mut out = super::tests_places::places();
    for (_, app) in &mut out {
        draw(app, 60, 20);
        if let Screen::Domain(v) = &mut app.screen {
            let max = v.scroll_max.get();
            v.scroll = max / 2;
        }
    }
    out
}

#[test]
fn every_key_shown_acts_and_every_key_that_acts_is_shown() {
    for (name, app) in places() {
        let active: Vec<&keymap::Binding> = keymap::active(&app).collect();
        for key in universe() {
            let shown = active.iter().any(|b| b.matches(&key));
            assert_eq!(
                acts(&app, key),
                shown,
                "{name}: {key:?} (shown {shown}) — keys: {:?}",
                hints::keys(&app)
            );
        }
        let help = hints::keys(&app);
        for (k, label) in hints::footer(&app, 200) {
            if label == "phases" {
                // ← and → share one footer entry; each is a row of the help.
                for (arrow, row) in [('←', "← h"), ('→', "→ l")] {
                    assert_eq!(k.contains(arrow), help.iter().any(|(h, _)| h == row), "{name}: {k}");
                }
                continue;
            }
            assert!(
                help.contains(&(k.clone(), label)) || k == "?",
                "{name}: footer key {k} is not in the help"
            );
        }
    }
}

#[test]
fn the_footer_fits_puts_the_most_important_first_and_ends_with_more() {
    let app = domain_at(Phase::Hosting, Phase::Hosting, true);
    let narrow = hints::footer(&app, 40);
    let wide = hints::footer(&app, 200);
    assert_eq!(narrow.last(), Some(&("?".to_owned(), "more")));
    assert!(narrow.len() < wide.len());
    assert_eq!(narrow[0], wide[0], "the first key stays first when space is short");
    let width: usize = narrow.iter().map(|(k, l)| k.chars().count() + l.chars().count() + 3).sum();
    assert!(width <= 40, "{narrow:?}");
}
