//! State durability under crashes and concurrency, with real processes: thousands of SIGKILLs
//! in the middle of saves (the file is always a whole version, temp files stay bounded) and
//! many processes saving into the same state directory at once (no lost update).
//!
//! The writers are this test binary started again in a child mode (`common::state`, run by the
//! binary's `child_process_driver` test), so the tests need no extra binary and no hidden
//! subcommand in `mtasts`.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::state::*;
use mtasts::store::{Store, render_state};

/// xorshift64*: reproducible delays without a dependency; the seed is printed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
fn sigkill_during_saves_leaves_a_whole_version_and_bounded_temp_files() {
    let _processes = crate::starting_processes();
    let iterations = env_u64("MTASTS_KILL_ITERATIONS", 2000);
    let seed = env_u64("MTASTS_KILL_SEED", jiff::Timestamp::now().as_nanosecond() as u64 | 1);
    eprintln!("kill loop: {iterations} iterations, seed {seed} (MTASTS_KILL_SEED to replay)");
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let domain = dn("hammer.example");
    store.create(&base("hammer.example")).unwrap();
    let path = store.path_of(&domain);
    let started = Instant::now();
    let (mut version, mut unreported, mut mid_write, mut max_temps) = (0u64, 0u64, 0u64, 0usize);
    let mut save_us = 5_000u64;
    for iteration in 0..iterations {
        let mut child = spawn_driver("hammer", dir.path(), &[]);
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while !line.starts_with("ready ") {
            line.clear();
            assert_ne!(out.read_line(&mut line).unwrap(), 0, "the driver exited before it was ready");
        }
        assert_eq!(line.trim_end(), format!("ready {version}"), "iteration {iteration}");
        // The kill lands after 0–2 completed saves, at a random point of the next one: paced by
        // how long a save takes here, so a slow or loaded machine still kills mid-save.
        let ready_at = Instant::now();
        let mut seen = version;
        for _ in 0..rng.below(3) {
            line.clear();
            assert_ne!(out.read_line(&mut line).unwrap(), 0, "the driver exited while saving");
            seen = line.trim_end().strip_prefix("done ").and_then(|n| n.parse().ok()).unwrap_or(seen);
        }
        if seen > version {
            let per_save = ready_at.elapsed().as_micros() as u64 / (seen - version);
            save_us = (save_us * 3 + per_save) / 4;
        }
        std::thread::sleep(Duration::from_micros(rng.below(save_us.max(1) * 2)));
        child.kill().unwrap();
        let mut rest = String::new();
        out.read_to_string(&mut rest).unwrap();
        let status = child.wait().unwrap();
        if status.signal() != Some(9) {
            let mut err = String::new();
            child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
            panic!("iteration {iteration}: the driver stopped by itself ({status}): {err}");
        }
        let reported = rest
            .lines()
            .filter_map(|l| l.strip_prefix("done ")?.parse::<u64>().ok())
            .next_back()
            .unwrap_or(seen);

        let loaded = store.load(&domain).unwrap_or_else(|e| panic!("iteration {iteration}: {e}")).unwrap();
        let now = counter(&loaded);
        assert!(
            now == reported || now == reported + 1,
            "iteration {iteration}: the file holds version {now}, the driver completed {reported}"
        );
        let want = render_state(&expected("hammer.example", now)).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            want,
            "iteration {iteration}: not a whole version"
        );
        unreported += u64::from(now == reported + 1);
        let temps = temp_files(&store).len();
        mid_write += u64::from(temps > 0);
        max_temps = max_temps.max(temps);
        assert!(temps <= 1, "iteration {iteration}: {temps} temp files accumulate");
        version = now;
    }
    let elapsed = started.elapsed();
    eprintln!(
        "kill loop: {iterations} kills in {:.1}s, {version} versions saved, {mid_write} kills left a \
         temp file (mid-write), {unreported} saved but unreported, at most {max_temps} temp file, \
         {} bytes per version",
        elapsed.as_secs_f64(),
        std::fs::metadata(&path).unwrap().len()
    );
    assert!(version >= iterations / 4, "too few saves ({version}) for the kills to matter");
    assert!(unreported > 0, "no kill landed between a rename and the driver's report");
    assert!(mid_write >= iterations / 100, "only {mid_write} kills landed in the middle of a write");
    let next_save = store.update(&domain, |s| Ok::<_, mtasts::store::StoreError>(next(s))).unwrap();
    assert_eq!(counter(&next_save), version + 1);
    assert!(temp_files(&store).is_empty(), "the next save removes the stale temp file");
}

#[test]
fn many_processes_saving_at_once_lose_no_update() {
    let _processes = crate::starting_processes();
    let (writers, rounds) = (8u64, 25u64);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.create(&base("shared.example")).unwrap();
    let started = Instant::now();
    let children: Vec<_> = (0..writers)
        .map(|id| {
            spawn_driver(
                "concurrent",
                dir.path(),
                &[
                    ("MTASTS_TEST_DRIVER_ID", id.to_string()),
                    ("MTASTS_TEST_DRIVER_ROUNDS", rounds.to_string()),
                ],
            )
        })
        .collect();
    let mut status_runs = 0;
    while status_runs < 5 || started.elapsed() < Duration::from_millis(500) {
        let out = Command::new(env!("CARGO_BIN_EXE_mtasts"))
            .args(["status", "--json"])
            .env("MTASTS_STATE_DIR", dir.path())
            .env("MTASTS_NOW", "2027-01-15T00:00:00Z")
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        for line in stdout.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(v["error"].is_null(), "status saw a damaged file while writers were saving: {v}");
        }
        assert!(stdout.contains("\"shared.example\""), "{stdout}");
        status_runs += 1;
    }
    let mut creators = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(out.status.success(), "a writer failed: {}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("finished"), "{stdout}");
        creators += stdout.matches("created race.example").count();
    }
    eprintln!(
        "{writers} processes x {rounds} rounds x 3 updates in {:.1}s, {status_runs} concurrent `mtasts status` runs",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(creators, 1, "exactly one process creates race.example, the others get AlreadyTracked");
    let shared = store.load(&dn("shared.example")).unwrap().unwrap();
    assert_eq!(shared.acks.len() as u64, writers * rounds);
    for id in 0..writers {
        let mine: Vec<_> = shared
            .acks
            .iter()
            .filter(|a| a.text.starts_with(&format!("writer {id} ")))
            .map(|a| &a.text)
            .collect();
        let want: Vec<_> = (0..rounds).map(|i| format!("writer {id} update {i}")).collect();
        assert_eq!(mine, want.iter().collect::<Vec<_>>(), "writer {id}'s updates, in order");
        let own = store.load(&dn(&format!("p{id}.example"))).unwrap().unwrap();
        assert_eq!(own, expected(&format!("p{id}.example"), rounds));
    }
    let race = store.load(&dn("race.example")).unwrap().unwrap();
    assert_eq!(
        u64::from(race.plan.window_days),
        u64::from(base("race.example").plan.window_days) + writers * rounds
    );
    assert_eq!(store.list().unwrap().len() as u64, 2 + writers);
    assert!(temp_files(&store).is_empty());
}

#[test]
fn the_old_stores_temp_files_go_with_it_and_files_it_did_not_write_stay() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    let json = std::fs::read(crate::common::reports::fixtures().join("giant-a.json")).unwrap();
    crate::common::reports::write_legacy_store(dir.path(), &[(&json, Some(r#"{"status":"https"}"#))]);
    let reports = dir.path().join("reports");
    let names = [".tmp-4242-0", ".tmp-1-17", ".tmp-x-1", "notes.txt", ".index.json"];
    names.iter().for_each(|n| std::fs::write(reports.join(n), "partial").unwrap());
    let left = || {
        let mut v: Vec<_> = std::fs::read_dir(&reports)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    };
    let store = mtasts_reports::ReportStore::open(dir.path()).unwrap();
    assert_eq!(store.count().unwrap(), 1);
    let e = &store.entries_for("example.org", mtasts_reports::Range::default()).unwrap()[0];
    assert_eq!(e.auth, mtasts_reports::Authentication::Https, "its authentication came along");
    assert_eq!(left(), [".tmp-x-1", "notes.txt"]);
    // Opening again finds nothing more to move.
    assert_eq!(mtasts_reports::ReportStore::open(dir.path()).unwrap().count().unwrap(), 1);
    assert_eq!(left(), [".tmp-x-1", "notes.txt"]);
}
