//! The report store: `<state-dir>/reports.sqlite3` (see `db.rs`). Every import is one
//! transaction (a report with its tallies, or nothing), so the receiver, `reports fetch`,
//! `reports import` and the wizard can write at once; readers never wait (WAL). A report is
//! stored once per identity (organisation, contact-info, report-id, policy domains) and
//! content; a copy with other content is kept beside it, and the worst copy counts.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, TransactionBehavior};

use super::auth::{Authentication, Delivery, DkimVerdict};
use super::batch::{BATCH_REPORTS, Batch, Stored, store_in, why};
use super::db::{self, db_err};
use super::dkim::MailCheck;
use super::entry::{ReportEntry, entry_of};
use super::found::Found;
use super::legacy;
use super::mime::{email_items, submitter};
use super::parse::{normalize_domain, parse_report};
use super::rows::{self, Range};
use super::sources::walk;
use super::{ImportOutcome, Migrating, Outcome, ReportError};

/// Where the store reads the time a report arrives (a running receiver needs a clock, not
/// one instant).
pub type ArrivalClock = Arc<dyn Fn() -> jiff::Timestamp + Send + Sync>;

/// The report database of a state directory (one connection, shared by clones).
#[derive(Clone)]
pub struct ReportStore {
    path: PathBuf,
    conn: Arc<Mutex<Connection>>,
    clock: ArrivalClock,
}

impl std::fmt::Debug for ReportStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportStore").field("path", &self.path).finish_non_exhaustive()
    }
}

impl ReportStore {
    /// Opens (creating if needed) `<state_dir>/reports.sqlite3`, moving an old file store into
    /// it first (silently: see [`open_with_progress`](Self::open_with_progress)).
    pub fn open(state_dir: &Path) -> Result<ReportStore, ReportError> {
        Self::open_with_progress(state_dir, &mut |_| {})
    }

    /// [`open`](Self::open), telling `progress` how far the move of an old file store is
    /// (only called when there is one).
    pub fn open_with_progress(
        state_dir: &Path,
        progress: &mut dyn FnMut(Migrating),
    ) -> Result<ReportStore, ReportError> {
        std::fs::create_dir_all(state_dir)
            .map_err(|source| ReportError::Io { path: state_dir.to_owned(), source })?;
        let path = db::db_path(state_dir);
        let mut conn = db::open(&path)?;
        legacy::migrate(state_dir, &mut conn, &path, progress)?;
        Ok(ReportStore { path, conn: Arc::new(Mutex::new(conn)), clock: Arc::new(jiff::Timestamp::now) })
    }

    /// The store recording each report's arrival by `clock` (by default the system clock;
    /// the program passes its own, which `MTASTS_NOW` sets).
    pub fn with_clock(mut self, clock: ArrivalClock) -> ReportStore {
        self.clock = clock;
        self
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether this user may only read the database (see [`db::open`]); every import then
    /// fails.
    pub fn read_only(&self) -> bool {
        db::refuses_writes(&self.conn())
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn err(&self) -> impl Fn(rusqlite::Error) -> ReportError + '_ {
        db_err(&self.path)
    }

    /// Imports every report found in the paths (files, directories, mbox files, maildirs),
    /// each e-mail's DKIM signatures checked by `dkim`. One outcome per item; a bad item never
    /// stops the others.
    pub fn import_paths(&self, paths: &[PathBuf], dkim: &dyn MailCheck) -> Vec<ImportOutcome> {
        let mut outcomes = Vec::new();
        self.import_paths_with(paths, dkim, &mut |o| {
            outcomes.push(o);
            ControlFlow::Continue(())
        });
        outcomes
    }

    /// [`import_paths`](Self::import_paths), each report in its own transaction, its outcome
    /// handed to `each` once it is stored (for progress). Once `each` breaks, nothing more is
    /// stored: what was stored stays whole.
    pub fn import_paths_with(
        &self,
        paths: &[PathBuf],
        dkim: &dyn MailCheck,
        each: &mut dyn FnMut(ImportOutcome) -> ControlFlow<()>,
    ) {
        self.import_in_batches(paths, dkim, 1, each);
    }

    /// [`import_paths_with`](Self::import_paths_with) for large imports: reports committed in
    /// batches (at most 200 ms or 500 reports), their outcomes handed on once committed, so a
    /// `Break` takes effect after the batch.
    pub fn import_paths_batched(
        &self,
        paths: &[PathBuf],
        dkim: &dyn MailCheck,
        each: &mut dyn FnMut(ImportOutcome) -> ControlFlow<()>,
    ) {
        self.import_in_batches(paths, dkim, BATCH_REPORTS, each);
    }

    fn import_in_batches(
        &self,
        paths: &[PathBuf],
        dkim: &dyn MailCheck,
        size: usize,
        each: &mut dyn FnMut(ImportOutcome) -> ControlFlow<()>,
    ) {
        let conn = self.conn();
        // The files stay where they are: a power cut may lose the last reports, imported again.
        let _ = conn.pragma_update(None, "synchronous", "NORMAL");
        let mut batch = Batch::new(&conn, size);
        let mut stopped = false;
        walk(paths, dkim, &mut |source, found, delivery| {
            if stopped {
                return;
            }
            let outcome = match found {
                Found::Json(json) => match prepare(&json, delivery) {
                    Ok(p) => {
                        let stored = batch.store(&p.entry, &json, (self.clock)());
                        p.outcome(stored)
                    }
                    Err(reason) => Outcome::Rejected { reason },
                },
                Found::Rejected(reason) => Outcome::Rejected { reason },
                Found::Ignored(reason) => Outcome::Ignored { reason },
            };
            stopped = batch.push(ImportOutcome { source, outcome }, each).is_break();
        });
        let _ = batch.flush(each);
    }

    /// Imports the reports found in one e-mail (e.g. fetched over IMAP) whose DKIM signatures
    /// gave `dkim`: one outcome per report part, or one `Ignored` when it holds none; each on
    /// disk before this returns (the IMAP position moves past it next). Report parts are
    /// decompressed and stored one at a time, within the bounds of one e-mail (see
    /// [`MAX_REPORT_PARTS`](crate::MAX_REPORT_PARTS)).
    pub fn import_email(&self, source: &super::Source, raw: &[u8], dkim: &DkimVerdict) -> Vec<ImportOutcome> {
        let delivery = Delivery::Email { dkim: dkim.clone(), submitter: submitter(raw) };
        let mut outcomes = Vec::new();
        email_items(raw, &mut |part, found| {
            let outcome = match found {
                Found::Json(json) => self.import_json(&json, &delivery),
                Found::Rejected(reason) => Outcome::Rejected { reason },
                Found::Ignored(reason) => Outcome::Ignored { reason },
            };
            outcomes.push(ImportOutcome { source: super::Source { part, ..source.clone() }, outcome });
        });
        outcomes
    }

    /// Parses and stores one report JSON document (already decompressed) that came by
    /// `delivery`, in one transaction, on disk before this returns (the https receiver
    /// acknowledges it next).
    pub fn import_json(&self, json: &[u8], delivery: &Delivery) -> Outcome {
        let p = match prepare(json, delivery) {
            Ok(p) => p,
            Err(reason) => return Outcome::Rejected { reason },
        };
        let mut conn = self.conn();
        let stored = (|| {
            conn.pragma_update(None, "synchronous", "FULL")?;
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let stored = store_in(&tx, &p.entry, json, (self.clock)())?;
            tx.commit()?;
            Ok(stored)
        })();
        p.outcome(stored)
    }

    /// The reports of `domain` in `range`, each entry holding only that domain's counts:
    /// what [`summarize_entries`](crate::summarize_entries) and the window tallies need for
    /// one domain, read through the domain's index.
    pub fn entries_for(&self, domain: &str, range: Range) -> Result<Vec<ReportEntry>, ReportError> {
        rows::entries_for(&self.conn(), &normalize_domain(domain), range).map_err(self.err())
    }

    /// Every policy domain with stored reports, sorted.
    pub fn domains(&self) -> Result<Vec<String>, ReportError> {
        rows::domains(&self.conn()).map_err(self.err())
    }

    /// How many reports are stored (each copy once).
    pub fn count(&self) -> Result<u64, ReportError> {
        let n: i64 =
            self.conn().query_row("SELECT count(*) FROM reports", [], |r| r.get(0)).map_err(self.err())?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Files of an earlier file store that could not be read as reports: their names and why
    /// (their bytes are kept in the database).
    pub fn unreadable(&self) -> Result<Vec<(String, String)>, ReportError> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare("SELECT name, reason FROM unreadable ORDER BY name").map_err(self.err())?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(self.err())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.err())
    }
}

/// A parsed report ready to store.
struct Prepared {
    entry: ReportEntry,
    report_id: String,
    domains: Vec<String>,
}

/// Parses a report and reduces it to its (bounded) entry; why not, when it is not a report.
fn prepare(json: &[u8], delivery: &Delivery) -> Result<Prepared, String> {
    let report = parse_report(json).map_err(|e| e.to_string())?;
    let auth = Authentication::of(delivery, &report);
    let entry = ReportEntry { auth, ..entry_of(&report).bounded() };
    Ok(Prepared { entry, report_id: report.report_id.clone(), domains: report.domains() })
}

impl Prepared {
    fn outcome(self, stored: rusqlite::Result<Stored>) -> Outcome {
        match stored {
            Ok(Stored::New { conflicts }) => Outcome::Imported {
                report_id: self.report_id,
                domains: self.domains,
                conflicts,
                authentication: self.entry.auth,
            },
            Ok(Stored::Existing { authenticated }) => {
                Outcome::Duplicate { report_id: self.report_id, authenticated }
            }
            Err(e) => Outcome::Failed { reason: format!("cannot store: {}", why(&e)) },
        }
    }
}
