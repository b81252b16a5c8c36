//! The evidence report from the state directory: load the tracked domains and the imported
//! TLS-RPT reports, build the [`AuditReport`], add what a live check sees, and write it as HTML
//! atomically. The CLI's `report` and the wizard call these.

use std::path::{Path, PathBuf};

use super::checker::Checker;
use crate::audit::{AuditReport, add_live, build, live_facts, render_html};
use crate::store::Store;
use mtasts_core::rfc::DomainName;
use mtasts_core::rollout::DomainState;
use mtasts_reports::ReportStore;

/// Why the report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The state could not be read.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The report directory could not be opened.
    #[error(transparent)]
    Reports(#[from] mtasts_reports::ReportError),
    /// A named domain is not tracked.
    #[error("{0} is not tracked; start with `mtasts add {0}`")]
    NotTracked(DomainName),
    /// Writing the file failed.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The target file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

/// The report for `domains` (every tracked domain when empty, skipping unreadable state
/// files, which `mtasts status` names) from the state directory.
pub fn load_report(
    state_dir: &Path,
    domains: &[DomainName],
    now: jiff::Timestamp,
) -> Result<AuditReport, AuditError> {
    let store = Store::open(state_dir)?;
    let states: Vec<DomainState> = if domains.is_empty() {
        store.list()?.into_iter().filter_map(|(_, r)| r.ok()).collect()
    } else {
        let mut out = Vec::new();
        for d in domains {
            out.push(store.load(d)?.ok_or_else(|| AuditError::NotTracked(d.clone()))?);
        }
        out
    };
    let reports = ReportStore::open(state_dir)?;
    let mut entries = Vec::new();
    for s in &states {
        entries.extend(reports.entries_for(s.domain.as_str(), mtasts_reports::Range::default())?);
    }
    Ok(build(&states, &entries, now))
}

/// Checks `domains` live (certificates judged at `now`) and adds to their sections what only a
/// live check knows: the policy host's certificate and the DNSSEC status (`report --check`).
pub async fn add_live_checks(
    report: &mut AuditReport,
    domains: &[DomainName],
    checker: &Checker,
    now: jiff::Timestamp,
) {
    let plans = std::collections::BTreeMap::new();
    for c in checker.at(now).check(domains, &plans).await {
        add_live(report, c.domain.as_str(), live_facts(&c.evidence, now));
    }
}

/// Writes the HTML report for one tracked domain to `path` (what the wizard calls).
pub fn write_domain_report(
    state_dir: &Path,
    domain: &DomainName,
    path: &Path,
    now: jiff::Timestamp,
) -> Result<AuditReport, AuditError> {
    let report = load_report(state_dir, std::slice::from_ref(domain), now)?;
    write_html(&report, path)?;
    Ok(report)
}

/// Writes `report` as HTML to `path` with [`mtasts_fs::write_atomic`]: a temp file in the same
/// directory, fsync, rename; a symbolic link, FIFO or directory at `path` is refused, naming it.
/// A report is meant to be handed over: mode 0644, not 0600.
pub fn write_html(report: &AuditReport, path: &Path) -> Result<(), AuditError> {
    mtasts_fs::write_atomic_mode(path, render_html(report).as_bytes(), 0o644)
        .map_err(|source| AuditError::Write { path: path.to_owned(), source })
}
