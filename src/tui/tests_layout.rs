//! Layout at 60, 80 and 120 columns (snapshots at 60×20, 80×24 and 120×40): records one per
//! row (never wrapped, copied whole), a rollback after retiring, and no raw ISO time or
//! hourglass on any screen.

use crossterm::event::KeyCode;

use super::app::{App, Effect, Msg};
use super::fixtures::draw;
use super::hints::hint;
use super::keymap::Action;
use super::tests_places::{SIZES, places, press};

fn place(name: &str) -> App {
    places().into_iter().find(|(n, _)| n == name).map(|(_, a)| a).unwrap()
}

/// Each size, drawn after `keys`, in one snapshot.
fn at_every_size(app: &App, keys: &[KeyCode]) -> String {
    let mut out = String::new();
    for (w, h) in SIZES {
        let mut a = app.clone();
        a.update(Msg::Resize(w, h));
        draw(&a, w, h);
        for k in keys {
            press(&mut a, *k);
            draw(&a, w, h);
        }
        out.push_str(&format!("── {w}×{h} ──\n{}", draw(&a, w, h)));
    }
    out
}

#[test]
fn every_record_is_one_row_copied_whole_and_scrolls_sideways() {
    let app = place("records, wider than the screen");
    let rpt = "_smtp._tls.example.com. 3600 IN TXT \"v=TLSRPTv1; \
               rua=mailto:tls-reports@reports.example.com,https://reports.example.net/tlsrpt/v1\"";
    for (w, _) in SIZES {
        let h = 80;
        let mut a = app.clone();
        let screen = draw(&a, w, h);
        // Cut at the edge, never wrapped: the next row is not the record's tail.
        let row = screen.lines().position(|l| l.starts_with("_smtp._tls.example.com. 3600")).unwrap();
        let next = screen.lines().nth(row + 1).unwrap_or_default();
        assert!(!next.contains("reports.example.net"), "{w}×{h}: the record wrapped:\n{screen}");
        let fx = a.update(Msg::Key(crossterm::event::KeyEvent::from(KeyCode::Char('c'))));
        let [Effect::Copy(text)] = fx.as_slice() else { panic!("{w}×{h}: c copies nothing: {fx:?}") };
        assert!(text.lines().any(|l| l == rpt), "{w}×{h}: not copied whole:\n{text}");
        // > shows the rest of every record row.
        for _ in 0..8 {
            press(&mut a, KeyCode::Char('>'));
            draw(&a, w, h);
        }
        let right = draw(&a, w, h);
        assert!(right.contains("tlsrpt/v1\""), "{w}×{h}: > never reaches the end:\n{right}");
    }
    insta::assert_snapshot!("records_wider_than_the_screen", at_every_size(&app, &[KeyCode::PageDown]));
}

#[test]
fn at_80_columns_the_tls_rpt_record_is_one_intact_row() {
    let app = place("Records of a Records domain, demo false");
    let screen = draw(&app, 80, 40);
    let want = "_smtp._tls.example.com. 3600 IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@example.com\"";
    assert!(screen.lines().any(|l| l == want), "{screen}");
}

#[test]
fn after_retiring_the_rollback_steps_stay_done() {
    let app = place("rollback, retired");
    for (w, _) in SIZES {
        let h = 100;
        let screen = draw(&app, w, h);
        assert!(screen.contains("rollback"), "{w}×{h}: the rail does not say where the domain is:\n{screen}");
        for step in ["1. ✓", "2. ✓", "3. ✓"] {
            assert!(screen.contains(step), "{w}×{h}: {step} missing:\n{screen}");
        }
        assert!(!screen.contains(". ✗"), "{w}×{h}: a done step is red:\n{screen}");
        // Nothing left to watch: no monitoring units to install, the way to stop them instead.
        assert!(!screen.contains("mtasts-check-example.com.cron"), "{w}×{h}:\n{screen}");
        assert!(screen.contains("systemctl disable --now mtasts-check-example.com.timer"), "{w}×{h}");
    }
    for action in [Action::CopyMonitoring, Action::WriteMonitoring] {
        assert!(hint(&app, action).is_none(), "{action:?} is offered while MTA-STS is removed");
    }
    insta::assert_snapshot!("retired", at_every_size(&app, &[]));
}

/// `2026-11-29T00:00:00Z` and the like: a time written for machines.
fn iso_time(line: &str) -> bool {
    let b = line.as_bytes();
    b.windows(13).any(|w| {
        w[..4].iter().all(u8::is_ascii_digit)
            && w[4] == b'-'
            && w[7] == b'-'
            && w[10] == b'T'
            && w[11..13].iter().all(u8::is_ascii_digit)
    })
}

#[test]
fn no_screen_shows_a_raw_iso_time_or_an_hourglass() {
    assert!(iso_time("until 2026-12-18T00:00:00Z (19 days)") && !iso_time("until 2026-12-18 00:00 UTC"));
    for (name, app) in places() {
        for (w, h) in SIZES {
            let mut a = app.clone();
            loop {
                let screen = draw(&a, w, h);
                for line in screen.lines() {
                    assert!(!iso_time(line), "{name} at {w}×{h}: {line}");
                    assert!(!line.contains('⏳'), "{name} at {w}×{h}: {line}");
                }
                let before = format!("{:?}", a.screen);
                press(&mut a, KeyCode::PageDown);
                if format!("{:?}", a.screen) == before {
                    break;
                }
            }
        }
    }
}
