//! Frame time of the wizard's busiest screens, rendered against a TestBackend with real data
//! from the demo lab (checked once up front); the home screen with 5,000 tracked domains
//! (`tui/fleet.rs`: first frame, key→redraw while all are re-checked); and the longest gap
//! between frames of the real event loop while it imports 20,000 reports with a key pressed
//! every 20 ms (target < 50 ms; `MTASTS_BENCH_SKIP_IMPORT=1` skips it).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "tui/fleet.rs"]
mod tui_fleet;
#[path = "../tests/common/tui_loop.rs"]
mod tui_loop_support;

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use mtasts::cli::demo;
use mtasts::store::Store;
use mtasts::tui::app::{App, DomainView, Msg, Purpose, Screen};
use mtasts::tui::effects::Runtime;
use mtasts::tui::{Clock, render::render};
use mtasts_core::rfc::DomainName;
use mtasts_core::rollout::Phase;

fn setup() -> (App, tempfile::TempDir, tokio::runtime::Runtime) {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = rt.block_on(async {
        let start: jiff::Timestamp = "2026-11-29T09:00:00Z".parse().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let (lab, probe) = demo::start_lab(start).await.unwrap();
        demo::seed(&store, &probe, start).await.unwrap();
        let clock = Clock::starting_at(start);
        let runtime = Runtime {
            publisher: Some(std::sync::Arc::new(demo::LabPublisher(lab))),
            ..Runtime::new(store, probe, clock)
        };
        let (mut app, _) = App::new(clock.now(), true, None);
        let loaded = runtime.reload();
        app.update(loaded);
        let all: Vec<DomainName> = demo::SEEDED.iter().map(|d| DomainName::parse(d).unwrap()).collect();
        for d in &all {
            app.session_mut(d).pending = Some(1);
        }
        let checked = runtime.check(all, 1, Purpose::Refresh).run().await;
        app.update(checked);
        app
    });
    (app, dir, rt)
}

fn frame(c: &mut Criterion) {
    let (mut app, _dir, _rt) = setup();
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    c.bench_function("render home 120x40", |b| {
        b.iter(|| {
            term.draw(|f| render(&app, f)).unwrap();
        })
    });
    let screens = [
        ("validation", "html.example", Phase::Validation),
        ("testing", "testing.example", Phase::Testing),
        ("enforced", "good.example", Phase::Enforced),
        ("hosting", "testing.example", Phase::Hosting),
    ];
    for (name, domain, phase) in screens {
        app.screen = Screen::Domain(DomainView::new(DomainName::parse(domain).unwrap(), phase));
        c.bench_function(&format!("render {name} 120x40"), |b| {
            b.iter(|| {
                term.draw(|f| render(&app, f)).unwrap();
            })
        });
    }
    let key = Msg::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE));
    c.bench_function("update key + render 80x24", |b| {
        let mut small = Terminal::new(TestBackend::new(80, 24)).unwrap();
        b.iter(|| {
            app.update(key.clone());
            small.draw(|f| render(&app, f)).unwrap();
        })
    });
}

/// Imports 20,000 reports through the real loop while `j`/`k` are pressed every 20 ms, and
/// prints the longest gap between two frames (and the import's wall time).
fn loop_during_import() {
    const REPORTS: usize = 20_000;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let inbox = tui_loop_support::make_reports(dir.path(), REPORTS);
    let state = dir.path().join("state");
    let path = inbox.display().to_string();
    let started = Instant::now();
    let (stats, frames) = rt.block_on(tui_loop_support::run(&state, 80, 24, move |s| async move {
        s.wait_for(0, |t| t.contains("MTA-STS rollouts")).await;
        s.key(KeyCode::Char('i'));
        s.key_with(KeyCode::Char('u'), KeyModifiers::CONTROL);
        s.type_str(&path);
        s.key(KeyCode::Enter);
        s.wait_for(0, |t| t.contains("of 20,000 files")).await;
        let (mut down, mut seen) = (true, 0);
        loop {
            s.key(if down { KeyCode::Char('j') } else { KeyCode::Char('k') });
            down = !down;
            tokio::time::sleep(Duration::from_millis(20)).await;
            let frames = s.frames.lock().unwrap();
            if frames[seen..].iter().any(|f| f.text.contains("TLS-RPT import")) {
                break;
            }
            seen = frames.len();
        }
    }));
    let during: Vec<_> = frames
        .iter()
        .skip_while(|f| !f.text.contains("import:"))
        .take_while(|f| !f.text.contains("TLS-RPT import"))
        .cloned()
        .collect();
    let gaps = tui_loop_support::gaps(&during);
    let ms = |d: Option<&Duration>| d.map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    let over = gaps.iter().filter(|g| **g > Duration::from_millis(50)).count();
    println!(
        "event loop during a {REPORTS}-report import: {} frames, longest gap between frames {:.1} ms \
         (target < 50 ms), 99th percentile {:.1} ms, {over} gap(s) over 50 ms; import took {:.1} s; \
         {} frames in all",
        during.len(),
        ms(gaps.last()),
        ms(gaps.get(gaps.len() * 99 / 100)),
        started.elapsed().as_secs_f64(),
        stats.draws
    );
}

criterion_group!(benches, frame, tui_fleet::in_process);

fn main() {
    if tui_fleet::write_only() {
        return;
    }
    benches();
    tui_fleet::through_the_loop();
    if std::env::var_os("MTASTS_BENCH_SKIP_IMPORT").is_some() {
        return;
    }
    loop_during_import();
    Criterion::default().configure_from_args().final_summary();
}
