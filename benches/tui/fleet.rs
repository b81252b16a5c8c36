//! The home screen with a fleet of 5,000 tracked domains (included by `benches/tui.rs`): the
//! work of one frame and of a key in-process, and through the real event loop the time to
//! the first frame that shows the table and the key→redraw latency while every domain is
//! re-checked (against a resolver that refuses at once, so results stream in as fast as the
//! probes can fail).

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use criterion::Criterion;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use mtasts::store::{ListCache, Store, render_state};
use mtasts::tui::app::{App, Entry, Msg};
use mtasts::tui::render::render;
use mtasts_core::finding::Verdict;
use mtasts_core::rfc::{DomainName, MxPattern};
use mtasts_core::rollout::{DomainState, MxResult, Observation, Phase, new_domain};

/// The fleet's size.
pub const FLEET: usize = 5_000;

/// `client1.example` … `client5000.example` in a spread of phases, each with a check made at
/// `at` (pass, warn or fail), as a real fleet's state files hold them.
pub fn fleet(at: jiff::Timestamp) -> Vec<DomainState> {
    fleet_of(FLEET, at)
}

/// [`fleet`] of `n` domains.
pub fn fleet_of(n: usize, at: jiff::Timestamp) -> Vec<DomainState> {
    let phases = [Phase::Preflight, Phase::Records, Phase::Hosting, Phase::Testing, Phase::Enforced];
    (1..=n)
        .map(|i| {
            let d = DomainName::parse(&format!("client{i}.example")).unwrap();
            let mx = DomainName::parse(&format!("mx{}.provider.example", i % 50)).unwrap();
            let mut s = new_domain(d, vec![MxPattern::exact(mx.clone())], Vec::new(), None, at);
            s.phase = phases[i % phases.len()];
            s.last_observation = Some(Observation {
                at,
                verdict: [Verdict::Pass, Verdict::Warn, Verdict::Fail][i % 3],
                error_codes: Vec::new(),
                warning_codes: Vec::new(),
                live_mx: Some(vec![mx.clone()]),
                mx_results: vec![MxResult {
                    host: mx,
                    starttls_ok: true,
                    cert_trusted: true,
                    name_ok: true,
                    not_after: Some(
                        at.checked_add(jiff::SignedDuration::from_hours(24 * (i as i64 % 60))).unwrap(),
                    ),
                }],
                sts_id: None,
                tlsrpt_rua: None,
                live_policy: None,
                ns_sts: None,
            });
            s
        })
        .collect()
}

/// Writes the fleet's state files into `state/domains/` (without the store's fsync per file).
pub fn write_fleet(state: &Path, n: usize, at: jiff::Timestamp) {
    let dir = state.join("domains");
    std::fs::create_dir_all(&dir).unwrap();
    for s in fleet_of(n, at) {
        std::fs::write(dir.join(format!("{}.toml", s.domain)), render_state(&s).unwrap()).unwrap();
    }
}

/// In-process: the facts of 5,000 domains worked out (what a load or a result costs), one
/// frame of the home screen, and a key plus its redraw.
pub fn in_process(c: &mut Criterion) {
    let now: jiff::Timestamp = "2026-11-29T09:00:00Z".parse().unwrap();
    let entries: Vec<Entry> = fleet(now).into_iter().map(|s| Entry::Ok(Box::new(s))).collect();
    let (mut app, _) = App::new(now, true, None);
    c.bench_function("home 5,000 domains: load (sort, facts, summary)", |b| {
        b.iter(|| {
            app.loaded = false;
            app.update(Msg::Loaded(entries.clone()));
        })
    });
    for (w, h) in [(80, 24), (120, 40)] {
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        c.bench_function(&format!("home 5,000 domains: render {w}x{h}"), |b| {
            b.iter(|| {
                term.draw(|f| render(&app, f)).unwrap();
            })
        });
    }
    let dir = tempfile::tempdir().unwrap();
    write_fleet(dir.path(), FLEET, now);
    let store = Store::open(dir.path()).unwrap();
    c.bench_function("home 5,000 domains: reload, every state file read", |b| {
        b.iter(|| store.list().unwrap())
    });
    let mut cache = ListCache::default();
    c.bench_function("home 5,000 domains: reload, none changed (the wizard's every 15 s)", |b| {
        b.iter(|| store.list_cached(&mut cache).unwrap())
    });
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut down = true;
    c.bench_function("home 5,000 domains: key (j/k) + render 80x24", |b| {
        b.iter(|| {
            let k = if down { 'j' } else { 'k' };
            down = !down;
            app.update(Msg::Key(KeyEvent::new(KeyCode::Char(k), KeyModifiers::NONE)));
            term.draw(|f| render(&app, f)).unwrap();
        })
    });
}

/// With `MTASTS_BENCH_FLEET_DIR=DIR` (and `MTASTS_BENCH_FLEET_SIZE=N`, default 5,000): writes
/// the fleet into the state directory DIR, to try the wizard on (`mtasts --state-dir DIR`),
/// and says so; the bench then does nothing else.
pub fn write_only() -> bool {
    let Some(dir) = std::env::var_os("MTASTS_BENCH_FLEET_DIR") else { return false };
    let n = std::env::var("MTASTS_BENCH_FLEET_SIZE").ok().and_then(|v| v.parse().ok()).unwrap_or(FLEET);
    write_fleet(Path::new(&dir), n, jiff::Timestamp::now());
    println!("wrote {n} tracked domains into {}", Path::new(&dir).display());
    true
}

/// Through the real loop at 80×24: the first frame with the table, then `r` (re-check all)
/// and `j`/`k` every 20 ms while the results stream in; prints the figures.
pub fn through_the_loop() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    write_fleet(&state, FLEET, jiff::Timestamp::now());
    let sent: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let log = sent.clone();
    let started = Instant::now();
    let (stats, frames) = rt.block_on(super::tui_loop_support::run(&state, 80, 24, move |s| async move {
        s.wait_for(0, |t| t.contains("5,000 tracked")).await;
        s.key(KeyCode::Char('r'));
        let (from, _) = s.wait_for(0, |t| t.contains(" of 5,000")).await;
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut down = true;
        loop {
            s.key(if down { KeyCode::Char('j') } else { KeyCode::Char('k') });
            log.lock().unwrap().push(Instant::now());
            down = !down;
            tokio::time::sleep(Duration::from_millis(20)).await;
            let frames = s.frames.lock().unwrap();
            let done = frames.len() > from + 1 && !frames[frames.len() - 1].text.contains(" of 5,000");
            if done || Instant::now() > deadline {
                break;
            }
        }
    }));
    let first_table = frames.iter().find(|f| f.text.contains("5,000 tracked")).map(|f| f.at - started);
    let run: Vec<_> = frames.iter().skip_while(|f| !f.text.contains(" of 5,000")).collect();
    let run_start = run.first().map(|f| f.at);
    let run_end = run.iter().rev().find(|f| f.text.contains(" of 5,000")).map(|f| f.at);
    let keys = sent.lock().unwrap().clone();
    let mut lat: Vec<Duration> = keys
        .iter()
        .filter(|k| run_end.is_some_and(|e| **k < e))
        .filter_map(|k| frames.iter().find(|f| f.at >= *k).map(|f| f.at - *k))
        .collect();
    lat.sort();
    let ms = |d: Option<&Duration>| d.map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    println!(
        "fleet of {FLEET} through the event loop at 80x24: first frame with the table {:.1} ms after start \
         (target < 200 ms; loop's own first frame {:.1} ms); re-check of all took {:.1} s with {} frames; \
         key→next frame during it over {} keys: median {:.1} ms, 99th percentile {:.1} ms, max {:.1} ms",
        first_table.map_or(0.0, |d| d.as_secs_f64() * 1000.0),
        stats.first_frame.map_or(0.0, |d| d.as_secs_f64() * 1000.0),
        run_start.zip(run_end).map_or(0.0, |(a, b)| (b - a).as_secs_f64()),
        run.len(),
        lat.len(),
        ms(lat.get(lat.len() / 2)),
        ms(lat.get(lat.len() * 99 / 100)),
        ms(lat.last()),
    );
}
