//! The soak of issue 24: `mtasts reports serve` (the binary of this build) under a bounded
//! crowd of valid, slow, oversized, bomb, idle and flooding clients from many loopback
//! addresses (127.0.0.0/8) for `--minutes N` (default 10). Prints the receiver's peak RSS,
//! what each kind of client got, and whether every valid report was stored exactly once;
//! exits non-zero when the receiver died, passed 256 MiB, or lost or doubled a report.
//!
//! `cargo bench --bench intake_soak -- --minutes 10` (add `--profile dev` for the debug
//! build). The test suite runs the same soak for 20 s (`tests/reports/intake_soak.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../tests/common/mod.rs"]
mod common;

use common::rss::LIMIT_KIB;
use common::soak::{Soak, assert_held, run};

fn minutes() -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == "--minutes")
        .and_then(|i| args.get(i + 1))
        .and_then(|m| m.parse().ok())
        .unwrap_or(10)
}

fn main() {
    let soak = Soak::minutes(minutes());
    eprintln!(
        "soak of {} s: {} valid, {} slow, {} oversized, {} bomb, {} idle clients, {} flooding addresses",
        soak.duration.as_secs(),
        soak.valid,
        soak.slow,
        soak.oversized,
        soak.bombs,
        soak.idle,
        soak.flood
    );
    let dir = tempfile::tempdir().unwrap();
    let result = run(dir.path(), &soak, LIMIT_KIB);
    println!("{}", result.describe());
    assert_held(&result, LIMIT_KIB);
    println!("held: under {} MiB, every valid report stored exactly once", LIMIT_KIB >> 10);
}
