//! `<state-dir>/reports/`: one file per report, the JSON as received, named by the SHA-256 of
//! the report-id (the id comes from outside and never becomes a path), written atomically.

use std::fs::File;
use std::io::{Read, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

use super::parse::{MAX_REPORT_BYTES, parse_report};
use super::sources::{Found, walk};
use super::{ImportOutcome, Outcome, Report, ReportError};

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

    /// The file a report with this id is stored in.
    pub fn path_for(&self, report_id: &str) -> PathBuf {
        let hash = Sha256::digest(report_id.as_bytes());
        let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
        self.dir.join(format!("{hex}.json"))
    }

    /// Imports every report found in the paths (files, directories, mbox files, maildirs).
    /// One outcome per item; a bad item never stops the others.
    pub fn import_paths(&self, paths: &[PathBuf]) -> Vec<ImportOutcome> {
        let mut outcomes = Vec::new();
        self.import_paths_with(paths, &mut |o| {
            outcomes.push(o);
            ControlFlow::Continue(())
        });
        outcomes
    }

    /// [`import_paths`](Self::import_paths), handing each outcome to `each` as it happens (for
    /// progress). Once `each` breaks, nothing more is stored: what was stored stays whole.
    pub fn import_paths_with(
        &self,
        paths: &[PathBuf],
        each: &mut dyn FnMut(ImportOutcome) -> ControlFlow<()>,
    ) {
        let mut stopped = false;
        walk(paths, &mut |source, found| {
            if stopped {
                return;
            }
            let outcome = match found {
                Found::Json(json) => self.import_json(&json),
                Found::Rejected(reason) => Outcome::Rejected { reason },
                Found::Ignored(reason) => Outcome::Ignored { reason },
            };
            stopped = each(ImportOutcome { source, outcome }).is_break();
        });
    }

    /// Parses and stores one report JSON document (already decompressed).
    pub fn import_json(&self, json: &[u8]) -> Outcome {
        let report = match parse_report(json) {
            Ok(r) => r,
            Err(e) => {
                return Outcome::Rejected { reason: e.to_string() };
            }
        };
        let target = self.path_for(&report.report_id);
        let report_id = report.report_id.clone();
        if target.exists() {
            return Outcome::Duplicate { report_id };
        }
        match self.write_new(&target, json) {
            Ok(true) => Outcome::Imported { report_id, domains: report.domains() },
            Ok(false) => Outcome::Duplicate { report_id },
            Err(e) => Outcome::Rejected { reason: format!("cannot store: {e}") },
        }
    }

    /// Writes a temp file, fsyncs it and moves it into place without replacing an existing
    /// report (another instance may have stored the same one meanwhile). `false`: it existed.
    fn write_new(&self, target: &Path, bytes: &[u8]) -> std::io::Result<bool> {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = self.dir.join(format!(".tmp-{}-{n}", std::process::id()));
        let lock = lock_file(&self.lock)?;
        lock.lock_shared()?;
        let result = (|| {
            let mut file = File::create(&temp)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            drop(file);
            match std::fs::hard_link(&temp, target) {
                Ok(()) => Ok(true),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
                // File systems without hard links: a rename (which could replace) still keeps
                // the file whole; the existence check above already ran.
                Err(_) => std::fs::rename(&temp, target).map(|()| true),
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
        let Ok(lock) = lock_file(&self.lock) else { return };
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
            if is_temp {
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
            match read_capped(&path).and_then(|bytes| parse_report(&bytes)) {
                Ok(report) => reports.push(report),
                Err(e) => broken.push((path, e.to_string())),
            }
        }
        reports.sort_by(|a, b| (a.start, &a.report_id).cmp(&(b.start, &b.report_id)));
        (reports, broken)
    }
}

fn lock_file(path: &Path) -> std::io::Result<File> {
    std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path)
}

fn read_capped(path: &Path) -> Result<Vec<u8>, ReportError> {
    let io = |source| ReportError::Io { path: path.to_owned(), source };
    let mut bytes = Vec::new();
    File::open(path).map_err(io)?.take(MAX_REPORT_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > MAX_REPORT_BYTES {
        return Err(ReportError::TooLarge(MAX_REPORT_BYTES));
    }
    Ok(bytes)
}
