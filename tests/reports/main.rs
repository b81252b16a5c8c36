//! What is kept on disk: TLS-RPT reports (parsing, import, identity, DKIM, limits, the tally,
//! integrity, the HTTPS receiver), report intake under attack (bounded memory per e-mail, per
//! report and per process; hostile IMAP servers; a soak of the receiver) and the rollout state
//! under crashes, concurrent writers and a full or read-only disk.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod intake_imap;
mod intake_mail;
mod intake_serve;
mod intake_soak;
mod report_db;
mod reports_dkim;
mod reports_identity;
mod reports_import;
mod reports_integrity;
mod reports_limits;
mod reports_serve;
mod reports_summary;
mod reports_tally;
mod state_disk;
mod state_durability;

use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Held shared by every test here that starts a process, and alone by the tmpfs tests of
/// `state_disk`: a child holds a copy of every descriptor of this process until it execs, so one
/// started beside those tests keeps a removed file's blocks in use (a flaky ENOSPC after the
/// removal) or a file open for writing (the remount read-only fails).
static PROCESSES: RwLock<()> = RwLock::new(());

/// Taken by a test that starts processes.
fn starting_processes() -> RwLockReadGuard<'static, ()> {
    PROCESSES.read().unwrap_or_else(PoisonError::into_inner)
}

/// Taken by a test during which no other test may start a process.
fn alone() -> RwLockWriteGuard<'static, ()> {
    PROCESSES.write().unwrap_or_else(PoisonError::into_inner)
}

/// Runs a writer of `common::state` when this binary is started as its child process
/// (`common::state::spawn_driver`); does nothing in a normal test run.
#[test]
fn child_process_driver() {
    common::state::run_driver();
}
