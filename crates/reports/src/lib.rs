//! TLS-RPT (RFC 8460) ingestion: JSON, gzip, single e-mails, mbox files and maildir folders
//! become [`Report`]s stored in `<state-dir>/reports.sqlite3` ([`ReportStore`]), each with
//! per-domain tallies so one domain's [`ReportEntry`]s are an indexed query;
//! [`summarize_entries`] and [`tally_entries`] turn those into per-domain numbers. E-mailed reports are DKIM-checked ([`DkimVerifier`])
//! and every stored report carries its [`Authentication`].

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use mtasts_core::sanitize::sanitize;

mod auth;
mod batch;
mod counts;
mod db;
mod dkim;
mod entry;
mod fixes;
mod found;
pub mod imap;
mod legacy;
mod mime;
mod model;
mod parse;
pub mod receiver;
mod retention;
mod rows;
pub mod shape;
mod sources;
mod store;
mod summary;
pub mod words;

pub use auth::{Authentication, Delivery, DkimVerdict, aligns, contact_domain};
pub use counts::{DomainCounts, MxFailure};
pub use db::{DB_FILE, SCHEMA_VERSION};
pub use dkim::{DkimSettings, DkimVerifier, MailCheck};
pub use entry::{ReportEntry, entry_of, report_key};
pub use fixes::failure_fix;
pub use found::{MAX_MESSAGE_REPORT_BYTES, MAX_REPORT_PARTS};
pub use legacy::LEGACY_DIR;
pub use model::{FailureDetail, PolicyResult, PolicyType, Report, ResultType};
pub use parse::{MAX_REPORT_BYTES, gunzip, parse_report, report_json};
pub use retention::{ExportedDomain, ExportedReport};
pub use rows::Range;
pub use sources::{MAX_INPUT_BYTES, count_files};
pub use store::{ArrivalClock, ReportStore};
pub use summary::{
    AuthSummary, Conflict, DatedAhead, DaySummary, DomainSummary, Tally, dated_after, summarize,
    summarize_entries, summarize_window, tally_entries, window_tally,
};

/// Why a report, file or store operation failed. `Display` is the one-line reason.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The content is not JSON.
    #[error("not JSON: {0}")]
    NotJson(String),
    /// The JSON is not an object.
    #[error("not a TLS-RPT report: the JSON is not an object")]
    NotObject,
    /// The object has no `policies`.
    #[error("not a TLS-RPT report: no `policies`")]
    NoPolicies,
    /// `date-range` is missing or does not parse as RFC 3339.
    #[error("bad date-range: {0}")]
    DateRange(String),
    /// A required field is missing or has the wrong type.
    #[error("invalid report: {0}")]
    Invalid(String),
    /// The (decompressed) content is larger than the limit in bytes.
    #[error("too large: more than {} MiB", .0 / (1024 * 1024))]
    TooLarge(u64),
    /// The JSON holds more values or objects than a report may (see [`shape`]).
    #[error("too complex: {0}")]
    TooComplex(String),
    /// The gzip stream is corrupt or truncated.
    #[error("bad gzip: {0}")]
    Gzip(String),
    /// The report database cannot be opened, read or written (it is left as it is).
    #[error("report store {}: {reason}", path.display())]
    Database {
        /// The database file.
        path: PathBuf,
        /// Why, in one line.
        reason: String,
    },
}

/// How far the move of an old file store into the database is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migrating {
    /// Files moved so far.
    pub done: usize,
    /// Files to move in all.
    pub total: usize,
}

/// Where an import item came from: a file, and for mailboxes and e-mails the message and part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    /// The file (inside a directory walk, the file found there).
    pub path: PathBuf,
    /// 1-based message number within an mbox file; `None` for other files.
    pub message: Option<usize>,
    /// MIME part index within the e-mail (`"2"`, or `"3.1"` inside a forwarded message).
    pub part: Option<String>,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", sanitize(&self.path.display().to_string()))?;
        if let Some(m) = self.message {
            write!(f, " message {m}")?;
        }
        if let Some(p) = &self.part {
            write!(f, " part {p}")?;
        }
        Ok(())
    }
}

/// What happened to one import item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// Stored as a new report.
    Imported {
        /// The report's `report-id` (from outside: sanitize before printing).
        report_id: String,
        /// The policy domains it covers.
        domains: Vec<String>,
        /// Stored files holding other copies of this report (same identity: organisation,
        /// contact-info, report-id and policy domains) with different content: all are kept,
        /// and the worst copy is counted.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        conflicts: Vec<String>,
        /// How it is authenticated.
        authentication: Authentication,
    },
    /// This exact report (same identity and content) was already stored; nothing written
    /// but, when this copy is better authenticated, its authentication.
    Duplicate {
        /// The report's `report-id` (from outside: sanitize before printing).
        report_id: String,
        /// The stored report's authentication, when this copy improved it.
        #[serde(skip_serializing_if = "Option::is_none")]
        authenticated: Option<Authentication>,
    },
    /// The item is a broken or unacceptable report, or an input that could not be read.
    Rejected {
        /// One-line reason.
        reason: String,
    },
    /// A readable item that could not be stored (a full disk, a read-only state directory):
    /// nothing is lost by importing it again once the cause is fixed (an https sender is told
    /// 503, an IMAP fetch stops before the message).
    Failed {
        /// One-line reason.
        reason: String,
    },
    /// The item is not a report (a file found in a directory walk, an e-mail without a report).
    Ignored {
        /// One-line reason.
        reason: String,
    },
}

/// The result of importing one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportOutcome {
    /// Where the item came from.
    pub source: Source,
    /// What happened to it.
    #[serde(flatten)]
    pub outcome: Outcome,
}

impl fmt::Display for ImportOutcome {
    /// One terminal-safe line: `<source>: <what happened>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.outcome {
            Outcome::Imported { report_id, domains, conflicts, authentication } => {
                write!(
                    f,
                    "{}: imported report {} ({}); {}",
                    self.source,
                    sanitize(report_id),
                    sanitize(&domains.join(", ")),
                    sanitize(&authentication.to_string())
                )?;
                if !conflicts.is_empty() {
                    write!(
                        f,
                        "; CONFLICT: {} other cop{} of this report (same organization, contact-info, \
                         report-id and domains) differ{} ({}); all are kept and the worst is counted",
                        conflicts.len(),
                        if conflicts.len() == 1 { "y" } else { "ies" },
                        if conflicts.len() == 1 { "s" } else { "" },
                        conflicts.join(", ")
                    )?;
                }
                Ok(())
            }
            Outcome::Duplicate { report_id, authenticated } => {
                write!(f, "{}: skipped, report {} already imported", self.source, sanitize(report_id))?;
                match authenticated {
                    Some(a) => write!(f, "; now {}", sanitize(&a.to_string())),
                    None => Ok(()),
                }
            }
            Outcome::Rejected { reason } => write!(f, "{}: rejected: {}", self.source, sanitize(reason)),
            Outcome::Failed { reason } => {
                write!(f, "{}: not stored, import it again: {}", self.source, sanitize(reason))
            }
            Outcome::Ignored { reason } => write!(f, "{}: ignored: {}", self.source, sanitize(reason)),
        }
    }
}
