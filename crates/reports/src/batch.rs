//! Storing reports: one report in its own transaction, or many in batches (`reports import`).
//! A batch is committed every [`BATCH_TIME`] or its size in reports, and only then are its
//! outcomes handed on, so no report is said to be stored before it is; when a commit fails,
//! every report of the batch is said not to be stored.

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::auth::Authentication;
use super::entry::ReportEntry;
use super::rows;
use super::{ImportOutcome, Outcome};

/// Longest a batch holds the write lock (other writers wait that long at most).
const BATCH_TIME: Duration = Duration::from_millis(200);
/// Most reports in one batch of a bulk import.
pub const BATCH_REPORTS: usize = 500;

/// What storing one report did.
pub enum Stored {
    /// A new copy, with the other copies of its identity.
    New {
        /// The other copies' names.
        conflicts: Vec<String>,
    },
    /// This exact copy was stored; `Some` when this delivery improved its authentication.
    Existing {
        /// The better authentication recorded.
        authenticated: Option<Authentication>,
    },
}

/// Stores the report unless this exact copy is stored, as received at `received`; an existing
/// copy takes `entry`'s authentication when that vouches for the report and what is recorded
/// does not. The caller holds the transaction.
pub fn store_in(
    conn: &Connection,
    entry: &ReportEntry,
    json: &[u8],
    received: jiff::Timestamp,
) -> rusqlite::Result<Stored> {
    Ok(match rows::find_copy(conn, &entry.key, &entry.content)? {
        Some((id, recorded)) => {
            let better = entry.auth.counts_successes() && !recorded.counts_successes();
            if better {
                rows::set_auth(conn, id, &entry.auth)?;
            }
            Stored::Existing { authenticated: better.then(|| entry.auth.clone()) }
        }
        None => {
            let conflicts = rows::copies_of(conn, &entry.key)?;
            rows::insert(conn, entry, json, received.as_second())?;
            Stored::New { conflicts }
        }
    })
}

/// Reports stored in one transaction, their outcomes held until it commits.
pub struct Batch<'c> {
    conn: &'c Connection,
    open: Option<Instant>,
    pending: Vec<ImportOutcome>,
    size: usize,
}

impl<'c> Batch<'c> {
    /// Batches of at most `size` reports on `conn` (1: each report committed before the next
    /// is read, and `Break` stops right after it).
    pub fn new(conn: &'c Connection, size: usize) -> Batch<'c> {
        Batch { conn, open: None, pending: Vec::new(), size: size.max(1) }
    }

    /// Stores one report received at `received` in the batch, opening its transaction when
    /// needed. An error rolls the batch back: its reports are then said not to be stored.
    pub fn store(
        &mut self,
        entry: &ReportEntry,
        json: &[u8],
        received: jiff::Timestamp,
    ) -> rusqlite::Result<Stored> {
        if self.open.is_none() {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            self.open = Some(Instant::now());
        }
        let stored = store_in(self.conn, entry, json, received);
        if let Err(e) = &stored {
            let _ = self.conn.execute_batch("ROLLBACK");
            self.open = None;
            self.fail_pending(e);
        }
        stored
    }

    /// Holds an outcome until the batch commits; hands the batch on when it is due.
    pub fn push(
        &mut self,
        outcome: ImportOutcome,
        each: &mut dyn FnMut(ImportOutcome) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        self.pending.push(outcome);
        let due = self.open.is_none_or(|t| t.elapsed() >= BATCH_TIME) || self.pending.len() >= self.size;
        if due { self.flush(each) } else { ControlFlow::Continue(()) }
    }

    /// Commits the batch and hands every outcome in it to `each` (all of them: they are
    /// stored, whatever `each` answers); `Break` when `each` did.
    pub fn flush(&mut self, each: &mut dyn FnMut(ImportOutcome) -> ControlFlow<()>) -> ControlFlow<()> {
        if self.open.take().is_some()
            && let Err(e) = self.conn.execute_batch("COMMIT")
        {
            let _ = self.conn.execute_batch("ROLLBACK");
            self.fail_pending(&e);
        }
        let mut flow = ControlFlow::Continue(());
        for o in self.pending.drain(..) {
            if each(o).is_break() {
                flow = ControlFlow::Break(());
            }
        }
        flow
    }

    fn fail_pending(&mut self, e: &rusqlite::Error) {
        for o in &mut self.pending {
            if matches!(
                o.outcome,
                Outcome::Imported { .. } | Outcome::Duplicate { authenticated: Some(_), .. }
            ) {
                o.outcome = Outcome::Failed { reason: format!("cannot store: {}", why(e)) };
            }
        }
    }
}

/// A database error in words: a full disk says so as the file system would.
pub fn why(e: &rusqlite::Error) -> String {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DiskFull) => format!("No space left on device ({e})"),
        Some(rusqlite::ErrorCode::ReadOnly) => format!("Read-only file system or database ({e})"),
        _ => e.to_string(),
    }
}
