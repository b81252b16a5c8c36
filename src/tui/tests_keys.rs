//! The action table holds: on every screen, every key the help shows does something there, and
//! every key that does something is shown.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{App, DomainView, ImportCounts, Msg, Pane, Screen};
use super::fixtures::{app_with, checked, dn, draw, healthy_ev, state};
use super::keymap;
use mtasts_core::rollout::{DomainState, Phase};

/// Every key a user could press (the ones the wizard could plausibly bind).
fn universe() -> Vec<KeyEvent> {
    let mut codes: Vec<KeyCode> = ('a'..='z').chain('A'..='Z').chain('0'..='9').map(KeyCode::Char).collect();
    codes.extend("?/ .-".chars().map(KeyCode::Char));
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

/// What a user can see change: the app apart from its redraw flag.
fn seen(app: &App) -> String {
    let mut a = app.clone();
    a.dirty = false;
    format!("{a:?}")
}

/// Whether pressing `key` changes the app or asks for work.
fn acts(app: &App, key: KeyEvent) -> bool {
    let mut a = app.clone();
    let fx = a.update(Msg::Key(key));
    !fx.is_empty() || seen(&a) != seen(app)
}

fn domain_at(phase: Phase, viewing: Phase, demo: bool) -> App {
    let ev = healthy_ev(if phase >= Phase::Enforce { "enforce" } else { "testing" });
    let s: DomainState = state(phase, 11, Some(&ev));
    let c = checked(ev, Some(&s));
    let mut app = app_with(vec![s]);
    app.session_mut(&dn("example.com")).check = Some(c);
    if demo {
        app.demo = Some(super::DemoInfo { state_dir: "/tmp/demo".into(), domains: vec![] });
    }
    app.screen = Screen::Domain(DomainView::new(dn("example.com"), viewing));
    app
}

/// Every place the wizard has, with what makes each key meaningful there (rendered once, so
/// that the scroll limits are known, and scrolled to the middle where it can scroll).
fn places() -> Vec<(String, App)> {
    let mut out = Vec::new();
    out.push(("home, empty".to_owned(), app_with(vec![])));
    let mut three = app_with(vec![
        state(Phase::Testing, 3, None),
        DomainState { domain: dn("example.org"), ..state(Phase::Records, 1, None) },
        DomainState { domain: dn("example.net"), ..state(Phase::Hosting, 1, None) },
    ]);
    three.selected = 1;
    out.push(("home, middle row".to_owned(), three));
    let mut importing = app_with(vec![state(Phase::Testing, 3, None)]);
    importing.import = Some(ImportCounts::default());
    out.push(("home, importing".to_owned(), importing));
    for demo in [false, true] {
        for (i, viewing) in Phase::ORDER.iter().enumerate() {
            let current = Phase::ORDER[(i + 1).min(Phase::ORDER.len() - 1)];
            out.push((
                format!("{viewing:?} of a {current:?} domain, demo {demo}"),
                domain_at(current, *viewing, demo),
            ));
        }
        out.push((format!("rollback, demo {demo}"), domain_at(Phase::Rollback, Phase::Enforced, demo)));
        let mut reports = domain_at(Phase::Testing, Phase::Testing, demo);
        if let Screen::Domain(v) = &mut reports.screen {
            v.pane = Pane::Reports;
        }
        out.push((format!("reports pane, demo {demo}"), reports));
    }
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
                keymap::keys(&app)
            );
        }
        let help = keymap::keys(&app);
        for (k, label) in keymap::footer(&app, 200) {
            if label == "phases" {
                // ← and → share one footer entry; each is a row of the help.
                for (arrow, row) in [('←', "← h"), ('→', "→ l")] {
                    assert_eq!(k.contains(arrow), help.iter().any(|(h, _)| *h == row), "{name}: {k}");
                }
                continue;
            }
            assert!(help.contains(&(k, label)) || k == "?", "{name}: footer key {k} is not in the help");
        }
    }
}

#[test]
fn the_footer_fits_puts_the_most_important_first_and_ends_with_more() {
    let app = domain_at(Phase::Hosting, Phase::Hosting, true);
    let narrow = keymap::footer(&app, 40);
    let wide = keymap::footer(&app, 200);
    assert_eq!(narrow.last(), Some(&("?", "more")));
    assert!(narrow.len() < wide.len());
    assert_eq!(narrow[0], wide[0], "the first key stays first when space is short");
    let width: usize = narrow.iter().map(|(k, l)| k.chars().count() + l.chars().count() + 3).sum();
    assert!(width <= 40, "{narrow:?}");
}
