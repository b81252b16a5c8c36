//! PgDn pages by exactly what is on screen: every screen, read from the top with PgDn alone at
//! 60×20, 80×24 and 120×40, shows each row of its content once and in order — none skipped —
//! and PgUp reads it back the same way.

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

use super::app::{App, Screen};
use super::tests_places::{SIZES, places, press};

/// Draws `app` at `w`×`h`; returns the rows of its pane and the pane's scroll state
/// (offset, largest offset).
fn pane_rows(app: &App, w: u16, h: u16) -> (Vec<String>, u16, u16) {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| super::render::render(app, f)).unwrap();
    let Screen::Domain(v) = &app.screen else { panic!("not a domain screen") };
    let Rect { x, y, width, height } = v.viewport.get();
    let buf = term.backend().buffer();
    let rows = (y..y + height)
        .map(|row| (x..x + width).map(|col| buf[(col, row)].symbol().to_owned()).collect::<String>())
        .map(|r| r.trim_end().to_owned())
        .collect();
    (rows, v.scroll.min(v.scroll_max.get()), v.scroll_max.get())
}

#[test]
fn pgdn_and_pgup_show_every_row_once_on_every_screen_at_every_size() {
    let mut paged_screens = 0;
    for (name, app) in places() {
        if !matches!(app.screen, Screen::Domain(_)) {
            continue;
        }
        for (w, h) in SIZES {
            // The whole content: the same screen, as wide and tall enough to need no scrolling.
            let (tall, _, _) = pane_rows(&app, w, 600);
            let mut a = app.clone();
            let (first, _, max) = pane_rows(&a, w, h);
            let page = first.len();
            let total = usize::from(max) + page;
            if max == 0 {
                assert_eq!(first[..], tall[..page], "{name} at {w}×{h}: fits, yet differs");
                continue;
            }
            paged_screens += 1;
            let content = &tall[..total];
            assert!(tall[total..].iter().all(String::is_empty), "{name} at {w}×{h}: content beyond the end");
            let mut seen: Vec<String> = Vec::new();
            let mut at = 0;
            loop {
                let (rows, offset, _) = pane_rows(&a, w, h);
                assert_eq!(usize::from(offset), at, "{name} at {w}×{h}: PgDn moved to {offset}, not {at}");
                assert_eq!(rows[..], content[at..at + page], "{name} at {w}×{h}: page at row {at}");
                seen.truncate(at);
                seen.extend(rows);
                if at + page == total {
                    break;
                }
                press(&mut a, KeyCode::PageDown);
                at = (at + page).min(total - page);
            }
            assert_eq!(seen[..], content[..], "{name} at {w}×{h}: PgDn skipped rows");
            loop {
                press(&mut a, KeyCode::PageUp);
                let (rows, offset, _) = pane_rows(&a, w, h);
                let want = at.saturating_sub(page);
                assert_eq!(usize::from(offset), want, "{name} at {w}×{h}: PgUp from {at}");
                assert_eq!(rows[..], content[want..want + page], "{name} at {w}×{h}: PgUp page at {want}");
                at = want;
                if at == 0 {
                    break;
                }
            }
        }
    }
    assert!(paged_screens > 40, "only {paged_screens} screens needed paging: the test lost its teeth");
}

/// The first two pages of the nginx hosting screen at each size: the second starts on the row
/// after the last one the first showed.
#[test]
fn the_second_page_starts_where_the_first_ended() {
    let (_, app) =
        places().into_iter().find(|(n, _)| n == "Hosting of a Hosting domain, demo false").unwrap();
    let mut out = String::new();
    for (w, h) in SIZES {
        let mut a = app.clone();
        let first = super::fixtures::draw(&a, w, h);
        press(&mut a, KeyCode::PageDown);
        let second = super::fixtures::draw(&a, w, h);
        out.push_str(&format!("── {w}×{h}, top ──\n{first}── {w}×{h}, after PgDn ──\n{second}"));
    }
    insta::assert_snapshot!("hosting_nginx_two_pages", out);
}
