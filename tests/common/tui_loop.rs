//! Shared by `tests/wizard/tui_loop.rs` and `benches/tui.rs` (which includes this file alone):
//! the real event loop on a TestBackend, driven by scripted keys, with every frame recorded; and
//! a folder of small TLS-RPT reports.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use futures::channel::mpsc::{UnboundedSender, unbounded};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use mtasts::store::Store;
use mtasts::tui::{Clock, Stats, TuiConfig, drive};
use mtasts_probe::{ProbeConfig, ResolverChoice};

/// Writes `n` small, distinct TLS-RPT reports as JSON files into `dir/inbox`.
pub fn make_reports(dir: &Path, n: usize) -> PathBuf {
    let inbox = dir.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    for i in 0..n {
        let json = format!(
            r#"{{"organization-name": "Sender {s}", "report-id": "r-{i}", "date-range": {{"start-datetime": "2026-11-01T00:00:00Z",
            "end-datetime": "2026-11-02T00:00:00Z"}}, "policies": [{{"policy": {{"policy-type": "sts",
            "policy-domain": "example.net"}}, "summary": {{"total-successful-session-count": 10,
            "total-failure-session-count": 0}}}}]}}"#,
            s = i % 7
        );
        std::fs::write(inbox.join(format!("{i:06}.json")), json).unwrap();
    }
    inbox
}

/// One drawn frame: when, and its text (rows joined by newlines).
#[derive(Debug, Clone)]
pub struct Frame {
    /// When it was drawn.
    pub at: Instant,
    /// The screen text.
    pub text: String,
}

fn text(buf: &Buffer) -> String {
    let w = buf.area.width as usize;
    buf.content
        .chunks(w)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A wizard session on a TestBackend: keys go in through `keys`, frames are in `frames`.
pub struct Session {
    /// Scripted terminal events.
    pub keys: UnboundedSender<std::io::Result<Event>>,
    /// Every frame drawn so far.
    pub frames: Arc<Mutex<Vec<Frame>>>,
}

impl Session {
    /// Sends one key.
    pub fn key(&self, code: KeyCode) {
        self.key_with(code, KeyModifiers::NONE);
    }

    /// Sends one key with modifiers.
    pub fn key_with(&self, code: KeyCode, mods: KeyModifiers) {
        self.keys.unbounded_send(Ok(Event::Key(KeyEvent::new(code, mods)))).unwrap();
    }

    /// Types text.
    pub fn type_str(&self, s: &str) {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// How many frames have been drawn.
    pub fn count(&self) -> usize {
        self.frames.lock().unwrap().len()
    }

    /// Waits (up to 60 s, a liveness bound, not a speed check) for a frame after frame number
    /// `after` whose text satisfies `pred`; returns its index and text.
    pub async fn wait_for(&self, after: usize, pred: impl Fn(&str) -> bool) -> (usize, String) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            {
                let frames = self.frames.lock().unwrap();
                if let Some((i, f)) = frames.iter().enumerate().skip(after).find(|(_, f)| pred(&f.text)) {
                    return (i, f.text.clone());
                }
                assert!(
                    Instant::now() < deadline,
                    "no such frame; last:\n{}",
                    frames.last().map_or("", |f| &f.text)
                );
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// Runs the real event loop on a `w`×`h` TestBackend over the state in `state_dir`, while
/// `script` sends keys; returns the loop's counters and every frame. The script ends the
/// session by dropping its `Session` (the event stream closes).
pub async fn run<F, Fut>(state_dir: &Path, w: u16, h: u16, script: F) -> (Stats, Vec<Frame>)
where
    F: FnOnce(Session) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let mut probe = ProbeConfig::new(jiff::Timestamp::now());
    probe.resolver = ResolverChoice::At("127.0.0.1:1".parse().unwrap());
    run_probing(state_dir, probe, None, w, h, script).await
}

/// [`run`] with the wizard's checks probing with `probe`, and `wrangler` for paths B/C.
pub async fn run_probing<F, Fut>(
    state_dir: &Path,
    probe: ProbeConfig,
    wrangler: Option<mtasts::tui::Wrangler>,
    w: u16,
    h: u16,
    script: F,
) -> (Stats, Vec<Frame>)
where
    F: FnOnce(Session) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let config = TuiConfig {
        store: Store::open(state_dir).unwrap(),
        probe: probe.into(),
        clock: Clock::system(),
        color: false,
        demo: None,
        publisher: None,
        wrangler,
        started: Instant::now(),
    };
    let (tx, rx) = unbounded();
    let frames = Arc::new(Mutex::new(Vec::new()));
    let session = Session { keys: tx, frames: frames.clone() };
    let scripted = tokio::spawn(script(session));
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    let sink = frames.clone();
    let stats = drive(&mut terminal, rx, config, &mut |buf| {
        sink.lock().unwrap().push(Frame { at: Instant::now(), text: text(buf) });
    })
    .await
    .unwrap();
    scripted.await.unwrap();
    let frames = frames.lock().unwrap().clone();
    (stats, frames)
}

/// The time between consecutive frames, sorted (shortest first).
pub fn gaps(frames: &[Frame]) -> Vec<Duration> {
    let mut g: Vec<Duration> = frames.windows(2).map(|w| w[1].at.duration_since(w[0].at)).collect();
    g.sort();
    g
}
