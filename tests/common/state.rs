//! Shared by the state durability tests: a deterministic sequence of states (version `n` of a
//! domain holds the acks `save n-39` … `save n`, each carrying a SHA-256 of its number), and the
//! child-process mode of a test binary that saves them as fast as it can.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use mtasts::store::{Store, StoreError};
use mtasts_core::rfc::{DomainName, MxPattern};
use mtasts_core::rollout::{Ack, DomainState, Phase, new_domain};
use sha2::{Digest, Sha256};

/// Selects the child mode of a test binary (`hammer` or `concurrent`).
pub const DRIVER_ENV: &str = "MTASTS_TEST_DRIVER";
/// The state directory of a child.
pub const DIR_ENV: &str = "MTASTS_TEST_DRIVER_DIR";
/// Acks kept per version (≈ 9 KiB of TOML, three pages).
pub const KEEP: u64 = 40;

pub fn dn(s: &str) -> DomainName {
    DomainName::parse(s).unwrap()
}

fn t0() -> jiff::Timestamp {
    jiff::Timestamp::from_second(1_800_000_000).unwrap()
}

/// A freshly added domain.
pub fn base(domain: &str) -> DomainState {
    let mx = MxPattern::parse(&format!("mx1.{domain}")).unwrap();
    new_domain(dn(domain), vec![mx], Vec::new(), None, t0())
}

fn save_ack(i: u64) -> Ack {
    let digest: String = Sha256::digest(format!("save {i}")).iter().map(|b| format!("{b:02x}")).collect();
    Ack {
        at: t0().checked_add(jiff::SignedDuration::from_secs(i as i64)).unwrap(),
        phase: Phase::Testing,
        overridden: Vec::new(),
        text: format!("save {i} {digest} {digest}"),
    }
}

/// The version number a state holds (0 for [`base`]).
pub fn counter(s: &DomainState) -> u64 {
    s.acks.last().and_then(|a| a.text.split(' ').nth(1)?.parse().ok()).unwrap_or(0)
}

/// Version `n` of `domain`, built from scratch.
pub fn expected(domain: &str, n: u64) -> DomainState {
    let mut s = base(domain);
    s.acks = (n.saturating_sub(KEEP) + 1..=n).map(save_ack).collect();
    s
}

/// The version after `s`, built incrementally (as a real read-modify-write does).
pub fn next(mut s: DomainState) -> DomainState {
    s.acks.push(save_ack(counter(&s) + 1));
    if s.acks.len() as u64 > KEEP {
        s.acks.remove(0);
    }
    s
}

/// The temp files in the domains directory.
pub fn temp_files(store: &Store) -> Vec<PathBuf> {
    std::fs::read_dir(store.domains_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "tmp"))
        .collect()
}

/// The arguments that make this test binary run only the test `child_process_driver`.
pub const DRIVER_ARGS: [&str; 5] =
    ["--exact", "child_process_driver", "--nocapture", "--test-threads=1", "-q"];

/// Adds this test binary in child mode `mode` on the state directory `dir` to the arguments of
/// `cmd`, a program that runs another (`prlimit`, `setpriv`).
pub fn with_driver<'a>(cmd: &'a mut Command, mode: &str, dir: &Path) -> &'a mut Command {
    cmd.arg(std::env::current_exe().unwrap()).args(DRIVER_ARGS).env(DRIVER_ENV, mode).env(DIR_ENV, dir)
}

/// Starts this test binary in child mode.
pub fn spawn_driver(mode: &str, dir: &Path, envs: &[(&str, String)]) -> Child {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(DRIVER_ARGS)
        .env(DRIVER_ENV, mode)
        .env(DIR_ENV, dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.spawn().unwrap()
}

/// The body of `child_process_driver`: does nothing unless spawned by [`spawn_driver`].
pub fn run_driver() {
    let Ok(mode) = std::env::var(DRIVER_ENV) else { return };
    let dir = PathBuf::from(std::env::var(DIR_ENV).unwrap());
    let store = Store::open(&dir).unwrap();
    match mode.as_str() {
        "hammer" => hammer(&store),
        "concurrent" => concurrent(&store),
        "grow" => grow(&store),
        other => panic!("unknown driver mode {other}"),
    }
}

/// Saves version after version of `hammer.example` until killed, printing each completed one.
fn hammer(store: &Store) {
    let domain = dn("hammer.example");
    let start = counter(&store.load(&domain).unwrap().unwrap());
    println!("ready {start}");
    loop {
        let s = store.update(&domain, |s| Ok::<_, StoreError>(next(s))).unwrap();
        println!("done {}", counter(&s));
    }
}

/// One of many concurrent writers: races to create `race.example`, creates its own domain, then
/// interleaves updates of a shared domain, its own and the raced one, and lists everything.
fn concurrent(store: &Store) {
    let id: u64 = std::env::var("MTASTS_TEST_DRIVER_ID").unwrap().parse().unwrap();
    let rounds: u64 = std::env::var("MTASTS_TEST_DRIVER_ROUNDS").unwrap().parse().unwrap();
    match store.create(&base("race.example")) {
        Ok(()) => println!("created race.example"),
        Err(StoreError::AlreadyTracked(_)) => {}
        Err(e) => panic!("create race.example: {e}"),
    }
    let own = format!("p{id}.example");
    store.create(&base(&own)).unwrap();
    for i in 0..rounds {
        store
            .update(&dn("shared.example"), |mut s| {
                let mut ack = save_ack(i);
                ack.text = format!("writer {id} update {i}");
                s.acks.push(ack);
                Ok::<_, StoreError>(s)
            })
            .unwrap();
        store.update(&dn(&own), |s| Ok::<_, StoreError>(next(s))).unwrap();
        store
            .update(&dn("race.example"), |mut s| {
                s.plan.window_days += 1;
                Ok::<_, StoreError>(s)
            })
            .unwrap();
        if i % 4 == 0 {
            for (path, loaded) in store.list().unwrap() {
                if let Err(e) = loaded {
                    panic!("{}: {e}", path.display());
                }
            }
        }
    }
    println!("finished");
}

/// One save of `full.example` (or `$MTASTS_TEST_DRIVER_DOMAIN`) to version 40 (≈ 9 KiB);
/// prints `saved` or `error: <message>`.
fn grow(store: &Store) {
    let domain = std::env::var("MTASTS_TEST_DRIVER_DOMAIN").unwrap_or_else(|_| "full.example".into());
    match store.update(&dn(&domain), |_| Ok::<_, StoreError>(expected(&domain, 40))) {
        Ok(_) => println!("saved"),
        Err(e) => println!("error: {e}"),
    }
}
