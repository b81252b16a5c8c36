//! `<state-dir>/reports/`: one file per report, the JSON as received, named by hashes of its
//! identity (organisation, contact-info, report-id, policy domains) and of its content
//! (nothing from outside becomes a path), written atomically, never through a symbolic link;
//! beside it `.<file>.auth`, how the report is authenticated (the best of its deliveries);
//! plus the tally index (`index.rs`).

use std::fs::File;
use std::io::Write;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::auth::{Authentication, Delivery, DkimVerdict};
use super::dkim::MailCheck;
use super::entry::{ReportEntry, entry_of};
use super::found::Found;
use super::index::{self, Index, Indexed, Stamp};
use super::mime::{email_items, submitter};
use super::parse::parse_report;
use super::sources::walk;
use super::{ImportOutcome, Outcome, Report, ReportError, Source};

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// The report directory of a state directory.
#[derive(Debug, Clone)]
pub struct ReportStore {
    dir: PathBuf,
    lock: PathBuf,
}

impl ReportStore {
    /// Opens (creating if needed) `<state_dir>/reports/`.
    pub fn open(state_dir: &Path) -> Result<ReportStore, ReportError> {
        let dir = state_dir.join("reports");
        std::fs::create_dir_all(&dir).map_err(|source| ReportError::Io { path: dir.clone(), source })?;
        let store = ReportStore { dir, lock: state_dir.join(".reports.lock") };
        store.remove_stale_temps();
        Ok(store)
    }

    /// The directory holding the stored reports.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file a report is stored in: its key (its identity) and its content hash, so a
    /// second copy with other content is kept next to the first, never dropped. (Files stored
    /// before the identity included contact-info and policy domains keep their names.)
    pub fn path_for(&self, entry: &ReportEntry) -> PathBuf {
        self.dir.join(format!("{}-{}.json", short(&entry.key), short(&entry.content)))
    }

    /// The tally index, brought up to date with the stored files (and saved when it changed).
    /// Only new or changed report files are parsed.
    pub fn index(&self) -> Result<Index, ReportError> {
        let mut idx = index::read(&self.dir);
        if index::refresh(&self.dir, &mut idx)? {
            // A read-only state directory still answers; the next writer saves the index.
            let _ = self.save_index(&idx);
        }
        Ok(idx)
    }

    /// Saves the tally index (after a batch of [`import_email_into`](Self::import_email_into)).
    pub fn save_index(&self, idx: &Index) -> Result<(), ReportError> {
        let io = |source| ReportError::Io { path: self.lock.clone(), source };
        let lock = mtasts_fs::open_lock(&self.lock).map_err(io)?;
        lock.lock_shared().map_err(io)?;
        index::write(&self.dir, idx)
    }

    /// Imports every report found in the paths (files, directories, mbox files, maildirs),
    /// each e-mail's DKIM signatures checked by `dkim`. One outcome per item; a bad item never
    /// stops the others. The index is saved once, at the end.
    pub fn import_paths(&self, paths: &[PathBuf], dkim: &dyn MailCheck) -> Vec<ImportOutcome> {
        let mut outcomes = Vec::new();
        self.import_paths_with(paths, dkim, &mut |o| {
            outcomes.push(o);
            ControlFlow::Continue(())
        });
        outcomes
    }

    /// [`import_paths`](Self::import_paths), handing each outcome to `each` as it happens (for
    /// progress). Once `each` breaks, nothing more is stored: what was stored stays whole, and
    /// the index is saved for it.
    pub fn import_paths_with(
        &self,
        paths: &[PathBuf],
        dkim: &dyn MailCheck,
        each: &mut dyn FnMut(ImportOutcome) -> ControlFlow<()>,
    ) {
        let mut idx = self.index().unwrap_or_default();
        let mut stopped = false;
        walk(paths, dkim, &mut |source, found, delivery| {
            if stopped {
                return;
            }
            let outcome = self.outcome_of(&mut idx, found, delivery);
            stopped = each(ImportOutcome { source, outcome }).is_break();
        });
        if let Err(e) = self.save_index(&idx) {
            let _ = each(ImportOutcome {
                source: Source { path: self.dir.join(index::INDEX_FILE), message: None, part: None },
                outcome: Outcome::Failed { reason: format!("cannot save the report index: {e}") },
            });
        }
    }

    /// Imports the reports found in one e-mail (e.g. fetched over IMAP) whose DKIM signatures
    /// gave `dkim`: one outcome per report part, or one `Ignored` when it holds none. The
    /// index is saved once.
    pub fn import_email(&self, source: &Source, raw: &[u8], dkim: &DkimVerdict) -> Vec<ImportOutcome> {
        let mut idx = self.index().unwrap_or_default();
        let mut outcomes = self.import_email_into(&mut idx, source, raw, dkim);
        if let Err(e) = self.save_index(&idx) {
            outcomes.push(ImportOutcome {
                source: Source { path: self.dir.join(index::INDEX_FILE), message: None, part: None },
                outcome: Outcome::Failed { reason: format!("cannot save the report index: {e}") },
            });
        }
        outcomes
    }

    /// [`import_email`](Self::import_email) into an index held by the caller (from
    /// [`index`](Self::index)), saved with [`save_index`](Self::save_index) after the batch.
    /// Report parts are decompressed and stored one at a time, within the bounds of one e-mail
    /// (see [`MAX_REPORT_PARTS`](crate::MAX_REPORT_PARTS)).
    pub fn import_email_into(
        &self,
        idx: &mut Index,
        source: &Source,
        raw: &[u8],
        dkim: &DkimVerdict,
    ) -> Vec<ImportOutcome> {
        let delivery = Delivery::Email { dkim: dkim.clone(), submitter: submitter(raw) };
        let mut outcomes = Vec::new();
        email_items(raw, &mut |part, found| {
            let outcome = self.outcome_of(idx, found, &delivery);
            outcomes.push(ImportOutcome { source: Source { part, ..source.clone() }, outcome });
        });
        outcomes
    }

    fn outcome_of(&self, idx: &mut Index, found: Found, delivery: &Delivery) -> Outcome {
        match found {
            Found::Json(json) => self.import_into(idx, &json, delivery),
            Found::Rejected(reason) => Outcome::Rejected { reason },
            Found::Ignored(reason) => Outcome::Ignored { reason },
        }
    }

    /// Parses and stores one report JSON document (already decompressed) that came by
    /// `delivery`, and updates the index.
    pub fn import_json(&self, json: &[u8], delivery: &Delivery) -> Outcome {
        let mut idx = self.index().unwrap_or_default();
        let outcome = self.import_into(&mut idx, json, delivery);
        let _ = self.save_index(&idx);
        outcome
    }

    fn import_into(&self, idx: &mut Index, json: &[u8], delivery: &Delivery) -> Outcome {
        let report = match parse_report(json) {
            Ok(r) => r,
            Err(e) => return Outcome::Rejected { reason: e.to_string() },
        };
        let auth = Authentication::of(delivery, &report);
        let entry = ReportEntry { auth: auth.clone(), ..entry_of(&report).bounded() };
        let report_id = report.report_id.clone();
        let target = self.path_for(&entry);
        let stored = idx.find(&entry.key, &entry.content).map(|n| self.dir.join(n));
        if let Some(existing) = stored.or_else(|| target.exists().then(|| target.clone())) {
            let authenticated = self.improve_auth(idx, &existing, &auth);
            return Outcome::Duplicate { report_id, authenticated };
        }
        let conflicts: Vec<String> = idx
            .files
            .iter()
            .filter(|(_, i)| i.entry.as_ref().is_ok_and(|e| e.key == entry.key))
            .map(|(name, _)| name.clone())
            .collect();
        match self.write_new(&target, json, &auth) {
            Ok(true) => {
                if let (Some(name), Some(stamp)) = (target.file_name(), index::stamp(&target)) {
                    let (auth_stamp, _) = index::read_auth(&target);
                    let indexed = Indexed { stamp, auth_stamp, entry: Ok(entry) };
                    idx.files.insert(name.to_string_lossy().into_owned(), indexed);
                }
                Outcome::Imported { report_id, domains: report.domains(), conflicts, authentication: auth }
            }
            Ok(false) => {
                let authenticated = self.improve_auth(idx, &target, &auth);
                Outcome::Duplicate { report_id, authenticated }
            }
            Err(e) => Outcome::Failed { reason: format!("cannot store: {e}") },
        }
    }

    /// Records `auth` for the stored report `path` when it authenticates the report and what
    /// is recorded does not (a report first imported as a file, then from its signed e-mail);
    /// `Some` when it did.
    fn improve_auth(&self, idx: &mut Index, path: &Path, auth: &Authentication) -> Option<Authentication> {
        let (_, recorded) = index::read_auth(path);
        if !auth.counts_successes() || recorded.counts_successes() {
            return None;
        }
        let stamp = self.write_auth(path, auth).ok()?;
        let name = path.file_name()?.to_string_lossy().into_owned();
        if let Some(Indexed { auth_stamp, entry: Ok(e), .. }) = idx.files.get_mut(&name) {
            *auth_stamp = stamp;
            e.auth = auth.clone();
        }
        Some(auth.clone())
    }

    /// Writes the authentication record of the stored report `path` (atomically, under the
    /// shared lock, so no cleanup takes its temp file for a stale one); its new stamp.
    fn write_auth(&self, path: &Path, auth: &Authentication) -> std::io::Result<Option<Stamp>> {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let record = self.dir.join(index::auth_file(&name));
        let bytes = serde_json::to_vec(auth).map_err(std::io::Error::other)?;
        let lock = mtasts_fs::open_lock(&self.lock)?;
        lock.lock_shared()?;
        mtasts_fs::write_atomic(&record, &bytes)?;
        Ok(index::stamp(&record))
    }

    /// Writes the authentication record (unless a better one exists), then a temp file,
    /// fsyncs it and moves it into place without replacing an existing report (another
    /// instance may have stored the same one meanwhile). `false`: it existed. A crash between
    /// the two leaves a record without its report, which nothing reads.
    fn write_new(&self, target: &Path, bytes: &[u8], auth: &Authentication) -> std::io::Result<bool> {
        if index::read_auth(target).1.rank() < auth.rank() {
            self.write_auth(target, auth)?;
        }
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = self.dir.join(format!(".tmp-{}-{n}", std::process::id()));
        let lock = mtasts_fs::open_lock(&self.lock)?;
        lock.lock_shared()?;
        let result = (|| {
            let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&temp)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            drop(file);
            match std::fs::hard_link(&temp, target) {
                Ok(()) => Ok(true),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
                // File systems without hard links: a rename (which could replace) still keeps
                // the file whole; the existence check above already ran.
                Err(_) => {
                    mtasts_fs::refuse_symlink(target)?;
                    std::fs::rename(&temp, target).map(|()| true)
                }
            }
        })();
        let _ = std::fs::remove_file(&temp);
        if let Ok(dir) = File::open(&self.dir) {
            let _ = dir.sync_all();
        }
        result
    }

    /// Every import holds a shared lock on `<state-dir>/.reports.lock` while it has a temp file,
    /// so whoever gets it exclusively knows that every `.tmp-<pid>-<n>` file was left by a
    /// killed import. Errors are ignored: a stale temp file is harmless and never read as a
    /// report.
    fn remove_stale_temps(&self) {
        let Ok(lock) = mtasts_fs::open_lock(&self.lock) else { return };
        if lock.try_lock().is_err() {
            return;
        }
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return };
        for entry in entries.flatten() {
            let is_temp =
                entry.file_name().to_str().and_then(|n| n.strip_prefix(".tmp-")).is_some_and(|rest| {
                    rest.split_once('-').is_some_and(|(pid, n)| {
                        [pid, n].iter().all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                    })
                });
            // Temp files of atomic writes (the index, authentication records).
            let index_temp =
                entry.file_name().to_str().is_some_and(|n| n.starts_with('.') && n.ends_with(".tmp"));
            if is_temp || index_temp {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    /// Every stored report, sorted by start time then id, plus the stored files that could not
    /// be read or parsed (left untouched) with the reason.
    pub fn load_all(&self) -> (Vec<Report>, Vec<(PathBuf, String)>) {
        let mut reports = Vec::new();
        let mut broken = Vec::new();
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(rd) => rd,
            Err(e) => return (reports, vec![(self.dir.clone(), e.to_string())]),
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if name.starts_with('.') || !name.ends_with(".json") {
                continue;
            }
            match index::read_capped(&path).and_then(|bytes| parse_report(&bytes)) {
                Ok(report) => reports.push(report),
                Err(e) => broken.push((path, e.to_string())),
            }
        }
        reports.sort_by(|a, b| (a.start, &a.report_id).cmp(&(b.start, &b.report_id)));
        (reports, broken)
    }
}

/// The first 32 hex digits (128 bits) of a hash.
fn short(hex: &str) -> &str {
    hex.get(..32).unwrap_or(hex)
}
