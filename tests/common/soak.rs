//! A soak of `mtasts reports serve` (a child process on 127.0.0.1): for a set time, a bounded
//! number of clients, each from its own addresses in 127.0.0.0/8, keep at it:
//!
//! - valid senders POST distinct reports (gzip and JSON), retry after 503/429/errors, and
//!   pace themselves under the per-address rate;
//! - slow clients send their head one byte a second;
//! - oversized clients announce 4 MiB − 1 and stall before the last byte, or send 5 MiB;
//! - bomb clients send a 10 MiB gzip bomb, ten million bytes of `{}` objects, two million
//!   array values;
//! - idle clients connect and say nothing; flooders open 40 connections at once from one
//!   address.
//!
//! The receiver's peak RSS is sampled throughout; at the end every valid report must be stored
//! exactly once, and nothing else. Used by `tests/reports/intake_soak.rs` (20 s) and
//! `benches/intake_soak.rs` (`cargo bench --bench intake_soak -- --minutes 10`).

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::TlsConnector;

use super::reports::{gzip, gzip_bomb, json_shape_bomb};
use super::rua::{self, post, post_head, read_reply, report_with_id, sender, tcp_from, tls_from};

/// How many clients of each kind run at once, and for how long.
#[derive(Debug, Clone)]
pub struct Soak {
    /// How long the attack lasts (the valid senders then finish their last report).
    pub duration: Duration,
    /// Valid senders.
    pub valid: u32,
    /// Clients sending their head one byte a second.
    pub slow: u32,
    /// Clients announcing (nearly) 4 MiB or more.
    pub oversized: u32,
    /// Clients sending decompression and parse bombs.
    pub bombs: u32,
    /// Clients connecting and saying nothing.
    pub idle: u32,
    /// Addresses opening 40 connections at once each.
    pub flood: u32,
}

impl Soak {
    /// The short soak of the test suite.
    pub fn short() -> Soak {
        Soak {
            duration: Duration::from_secs(20),
            valid: 8,
            slow: 12,
            oversized: 8,
            bombs: 4,
            idle: 24,
            flood: 1,
        }
    }

    /// The long soak of the benchmark.
    pub fn minutes(minutes: u64) -> Soak {
        Soak {
            duration: Duration::from_secs(60 * minutes),
            valid: 24,
            slow: 48,
            oversized: 16,
            bombs: 8,
            idle: 96,
            flood: 2,
        }
    }
}

/// What a soak saw.
#[derive(Debug, Default)]
pub struct SoakResult {
    /// Wall time of the attack and the drain.
    pub elapsed: Duration,
    /// The receiver's highest `VmHWM`, in KiB.
    pub peak_kib: u64,
    /// Its `VmRSS` at the end, in KiB.
    pub end_rss_kib: u64,
    /// Whether it still ran at the end.
    pub alive: bool,
    /// Per client kind, how each attempt ended (status code, `closed`, `error`), counted.
    pub tally: BTreeMap<&'static str, BTreeMap<String, u64>>,
    /// The report-ids the valid senders sent.
    pub sent: BTreeSet<String>,
    /// The report-ids answered 201 or 200.
    pub acked: BTreeSet<String>,
    /// How often each report-id is stored.
    pub stored: BTreeMap<String, usize>,
}

impl SoakResult {
    /// The figures, one block of text.
    pub fn describe(&self) -> String {
        let mut out = format!(
            "soak: {:.0} s, receiver peak RSS {:.1} MiB (end {:.1} MiB), {}\n",
            self.elapsed.as_secs_f64(),
            self.peak_kib as f64 / 1024.0,
            self.end_rss_kib as f64 / 1024.0,
            if self.alive { "still running" } else { "DIED" }
        );
        for (kind, outcomes) in &self.tally {
            let parts: Vec<String> = outcomes.iter().map(|(k, n)| format!("{k} ×{n}")).collect();
            out.push_str(&format!("  {kind:<10} {}\n", parts.join(", ")));
        }
        let twice = self.stored.values().filter(|&&n| n > 1).count();
        out.push_str(&format!(
            "  valid reports: {} sent, {} acknowledged, {} stored ({} stored more than once)\n",
            self.sent.len(),
            self.acked.len(),
            self.stored.len(),
            twice
        ));
        out
    }
}

struct Ctx {
    to: SocketAddr,
    tls: TlsConnector,
    stop: AtomicBool,
    drain_until: Mutex<Option<Instant>>,
    tally: Mutex<BTreeMap<&'static str, BTreeMap<String, u64>>>,
    sent: Mutex<BTreeSet<String>>,
    acked: Mutex<BTreeSet<String>>,
    bomb: Vec<u8>,
    shape: Vec<u8>,
    values: Vec<u8>,
}

impl Ctx {
    fn count(&self, kind: &'static str, what: impl Into<String>) {
        *self.tally.lock().unwrap().entry(kind).or_default().entry(what.into()).or_insert(0) += 1;
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    fn count_reply(&self, kind: &'static str, reply: std::io::Result<rua::Reply>) -> Option<rua::Reply> {
        match reply {
            Ok(r) => {
                self.count(kind, r.status.to_string());
                Some(r)
            }
            Err(_) => {
                self.count(kind, "closed");
                None
            }
        }
    }
}

async fn pause(ms: u64) {
    tokio::time::sleep(Duration::from_millis(ms)).await;
}

async fn valid(ctx: Arc<Ctx>, i: u32) {
    let from = sender(100 + i);
    let mut n = 0u32;
    while !ctx.stopped() {
        let id = format!("soak-{i}-{n}");
        n += 1;
        ctx.sent.lock().unwrap().insert(id.clone());
        let json = report_with_id(&id);
        let (ct, body) = if n.is_multiple_of(2) {
            ("application/tlsrpt+gzip", gzip(&json))
        } else {
            ("application/tlsrpt+json", json)
        };
        loop {
            let reply = tokio::time::timeout(
                Duration::from_secs(40),
                post(from, ctx.to, &ctx.tls, "/v1/tlsrpt", ct, &body),
            );
            let wait = match reply.await.map_err(std::io::Error::other).and_then(|r| r) {
                Ok(r) if r.status == 201 || r.status == 200 => {
                    ctx.count("valid", r.status.to_string());
                    ctx.acked.lock().unwrap().insert(id.clone());
                    break;
                }
                Ok(r) => {
                    ctx.count("valid", r.status.to_string());
                    if r.status == 429 { 10_000 } else { 1_000 }
                }
                Err(_) => {
                    ctx.count("valid", "error");
                    1_000
                }
            };
            if ctx.drain_until.lock().unwrap().is_some_and(|until| Instant::now() > until) {
                return;
            }
            pause(wait).await;
        }
        // 30 requests a minute per address are allowed: stay under.
        pause(2_100).await;
    }
}

async fn slow(ctx: Arc<Ctx>, i: u32) {
    let from = sender(200 + i);
    while !ctx.stopped() {
        let Ok(mut s) = tls_from(from, ctx.to, &ctx.tls).await else {
            ctx.count("slow", "refused");
            pause(500).await;
            continue;
        };
        let head = post_head("/", "application/tlsrpt+json", 100);
        let started = Instant::now();
        for b in head.bytes() {
            if ctx.stopped() || s.write_all(&[b]).await.is_err() {
                break;
            }
            pause(1_000).await;
        }
        ctx.count("slow", format!("closed after {} s", started.elapsed().as_secs().div_ceil(5) * 5));
    }
}

async fn oversized(ctx: Arc<Ctx>, i: u32) {
    let mut n = 0u32;
    while !ctx.stopped() {
        n += 1;
        // Four addresses each, so the rate limit does not end the attack.
        let from = sender(300 + i * 4 + n % 4);
        let (announced, sent) =
            if n.is_multiple_of(2) { (5 << 20, 5 << 20) } else { ((4 << 20) - 1, (4 << 20) - 2) };
        let Ok(stream) = tls_from(from, ctx.to, &ctx.tls).await else {
            ctx.count("oversized", "refused");
            pause(500).await;
            continue;
        };
        let (mut r, mut w) = tokio::io::split(stream);
        let write = async move {
            let body = vec![b' '; sent];
            let head = post_head("/", "application/tlsrpt+json", announced);
            if w.write_all(head.as_bytes()).await.is_ok() && w.write_all(&body).await.is_ok() {
                let _ = w.flush().await;
            }
            std::future::pending::<()>().await;
        };
        let reply = tokio::select! {
            r = tokio::time::timeout(Duration::from_secs(45), read_reply(&mut r)) => r.unwrap_or_else(|e| Err(std::io::Error::other(e))),
            () = write => Err(std::io::Error::other("unreachable")),
        };
        ctx.count_reply("oversized", reply);
        pause(200).await;
    }
}

async fn bombs(ctx: Arc<Ctx>, i: u32) {
    let mut n = 0u32;
    while !ctx.stopped() {
        n += 1;
        // Four addresses each, so the rate limit does not end the attack.
        let from = sender(1000 + i * 4 + n % 4);
        let body = match n % 3 {
            0 => &ctx.bomb,
            1 => &ctx.shape,
            _ => &ctx.values,
        };
        let reply = post(from, ctx.to, &ctx.tls, "/", "application/tlsrpt+gzip", body).await;
        ctx.count_reply("bomb", reply);
        pause(100).await;
    }
}

async fn idle(ctx: Arc<Ctx>, i: u32) {
    let from = sender(500 + i);
    while !ctx.stopped() {
        match tcp_from(from, ctx.to).await {
            Ok(mut c) => {
                let mut buf = [0u8; 64];
                let held = tokio::time::timeout(Duration::from_secs(60), c.read(&mut buf)).await;
                ctx.count("idle", if held.is_ok() { "closed by the receiver" } else { "held 60 s" });
            }
            Err(_) => {
                ctx.count("idle", "refused");
                pause(500).await;
            }
        }
    }
}

async fn flood(ctx: Arc<Ctx>, i: u32) {
    let from = sender(600 + i);
    while !ctx.stopped() {
        let mut conns = Vec::new();
        for _ in 0..40 {
            if let Ok(c) = tcp_from(from, ctx.to).await {
                conns.push(c);
            }
        }
        let mut closed = 0;
        for mut c in conns {
            let mut buf = [0u8; 1];
            if let Ok(Ok(0)) = tokio::time::timeout(Duration::from_millis(50), c.read(&mut buf)).await {
                closed += 1;
            }
        }
        ctx.count("flood", format!("{closed} of 40 closed at once"));
        pause(250).await;
    }
}

/// The hostile kinds of client.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Slow,
    Oversized,
    Bomb,
    Idle,
    Flood,
}

async fn hostile_client(ctx: Arc<Ctx>, kind: Kind, i: u32) {
    match kind {
        Kind::Slow => slow(ctx, i).await,
        Kind::Oversized => oversized(ctx, i).await,
        Kind::Bomb => bombs(ctx, i).await,
        Kind::Idle => idle(ctx, i).await,
        Kind::Flood => flood(ctx, i).await,
    }
}

/// Runs `soak` against a fresh receiver in `dir`; ends it early, killing the receiver, once
/// its peak RSS passes `limit_kib` (a receiver without bounds would take the machine with it).
pub fn run(dir: &Path, soak: &Soak, limit_kib: u64) -> SoakResult {
    let mut rx = rua::start(dir, &[]);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let ten_mib_values = [b"[".as_slice(), &b"0,".repeat(5 << 20), b"0]"].concat();
    let ctx = Arc::new(Ctx {
        to: rx.addr(),
        tls: rx.connector(),
        stop: AtomicBool::new(false),
        drain_until: Mutex::new(None),
        tally: Mutex::default(),
        sent: Mutex::default(),
        acked: Mutex::default(),
        bomb: gzip_bomb(),
        shape: gzip(&json_shape_bomb(10 * 1024 * 1024 - 16)),
        values: gzip(&ten_mib_values[..10 * 1024 * 1024 - 1]),
    });
    let pid = rx.child.id();
    let started = Instant::now();
    let mut peak = 0;
    rt.block_on(async {
        let valid_tasks: Vec<_> = (0..soak.valid).map(|i| tokio::spawn(valid(ctx.clone(), i))).collect();
        let kinds = [
            (Kind::Slow, soak.slow),
            (Kind::Oversized, soak.oversized),
            (Kind::Bomb, soak.bombs),
            (Kind::Idle, soak.idle),
            (Kind::Flood, soak.flood),
        ];
        let hostile: Vec<_> = kinds
            .into_iter()
            .flat_map(|(kind, n)| (0..n).map(move |i| (kind, i)))
            .map(|(kind, i)| tokio::spawn(hostile_client(ctx.clone(), kind, i)))
            .collect();
        while started.elapsed() < soak.duration && peak <= limit_kib {
            peak = peak.max(super::rss::vm_hwm_kib(pid).unwrap_or(0));
            pause(200).await;
        }
        if peak > limit_kib {
            let _ = rx.child.kill();
        }
        ctx.stop.store(true, Ordering::Relaxed);
        *ctx.drain_until.lock().unwrap() = Some(Instant::now() + Duration::from_secs(90));
        for t in &hostile {
            t.abort();
        }
        for t in hostile {
            let _ = t.await;
        }
        for t in valid_tasks {
            let _ = t.await;
        }
    });
    peak = peak.max(super::rss::vm_hwm_kib(pid).unwrap_or(0));
    let end_rss_kib = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0);
    let mut stored = BTreeMap::new();
    for report in rx.stored() {
        let id = report["report-id"].as_str().unwrap_or("?").to_owned();
        *stored.entry(id).or_insert(0) += 1;
    }
    let ctx = Arc::try_unwrap(ctx).ok().expect("every client task has ended");
    SoakResult {
        elapsed: started.elapsed(),
        peak_kib: peak,
        end_rss_kib,
        alive: rx.alive(),
        tally: ctx.tally.into_inner().unwrap(),
        sent: ctx.sent.into_inner().unwrap(),
        acked: ctx.acked.into_inner().unwrap(),
        stored,
    }
}

/// The checks of a soak: alive, under `limit_kib`, every valid report stored exactly once
/// and nothing else, and every kind of client actually ran.
pub fn assert_held(result: &SoakResult, limit_kib: u64) {
    let text = result.describe();
    assert!(result.alive, "{text}");
    assert!(result.peak_kib <= limit_kib, "{text}");
    assert!(!result.sent.is_empty(), "{text}");
    let missing: Vec<&String> = result.sent.iter().filter(|id| !result.acked.contains(*id)).collect();
    assert!(missing.is_empty(), "never acknowledged: {missing:?}\n{text}");
    let sent: BTreeSet<&String> = result.sent.iter().collect();
    let stored: BTreeSet<&String> = result.stored.keys().collect();
    assert_eq!(sent, stored, "stored is exactly what was sent\n{text}");
    assert!(result.stored.values().all(|&n| n == 1), "stored once each\n{text}");
    for kind in ["valid", "slow", "oversized", "bomb", "idle", "flood"] {
        assert!(result.tally.contains_key(kind), "no {kind} client ran\n{text}");
    }
}
