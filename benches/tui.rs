//! Frame time of the wizard's busiest screens, rendered against a TestBackend with real data
//! from the demo lab (checked once up front).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use mtasts::rfc::DomainName;
use mtasts::rollout::Phase;
use mtasts::store::Store;
use mtasts::tui::app::{App, DomainView, Msg, Purpose, Screen};
use mtasts::tui::effects::Runtime;
use mtasts::tui::{Clock, demo, render::render};

fn setup() -> (App, tempfile::TempDir, tokio::runtime::Runtime) {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = rt.block_on(async {
        let start: jiff::Timestamp = "2026-11-29T09:00:00Z".parse().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let (lab, probe) = demo::start_lab(start).await.unwrap();
        demo::seed(&store, &probe, start).await.unwrap();
        let clock = Clock::starting_at(start);
        let runtime = Runtime { store, probe, clock, lab: Some(lab), last_copy: None };
        let (mut app, _) = App::new(clock.now(), true, None);
        let loaded = runtime.reload();
        app.update(loaded);
        let all: Vec<DomainName> = demo::SEEDED.iter().map(|d| DomainName::parse(d).unwrap()).collect();
        for d in &all {
            app.pending.insert(d.clone(), 1);
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
        app.screen = Screen::Domain(DomainView {
            domain: DomainName::parse(domain).unwrap(),
            viewing: phase,
            scroll: 0,
            hosting_cursor: 0,
            reports: false,
        });
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

criterion_group!(benches, frame);
criterion_main!(benches);
