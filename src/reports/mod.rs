//! TLS-RPT (RFC 8460) ingestion: JSON, gzip, single e-mails, mbox files and maildir folders
//! become [`Report`]s stored under `<state-dir>/reports/`; [`summarize`] and [`window_tally`]
//! turn them into per-domain numbers.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use crate::sanitize::sanitize;

mod fixes;
mod mime;
mod model;
mod parse;
mod sources;
mod store;
mod summary;

pub use fixes::failure_fix;
pub use model::{FailureDetail, PolicyResult, PolicyType, Report, ResultType};
pub use parse::{MAX_REPORT_BYTES, gunzip, parse_report, report_json};
pub use sources::MAX_INPUT_BYTES;
pub use store::ReportStore;
pub use summary::{DaySummary, DomainSummary, Tally, summarize, window_tally};

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
    /// The gzip stream is corrupt or truncated.
    #[error("bad gzip: {0}")]
    Gzip(String),
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
    },
    /// A report with this `report-id` was already stored; nothing written.
    Duplicate {
        /// The report's `report-id` (from outside: sanitize before printing).
        report_id: String,
    },
    /// The item is a broken or unacceptable report, or an input that could not be read.
    Rejected {
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
            Outcome::Imported { report_id, domains } => write!(
                f,
                "{}: imported report {} ({})",
                self.source,
                sanitize(report_id),
                sanitize(&domains.join(", "))
            ),
            Outcome::Duplicate { report_id } => {
                write!(f, "{}: skipped, report {} already imported", self.source, sanitize(report_id))
            }
            Outcome::Rejected { reason } => write!(f, "{}: rejected: {}", self.source, sanitize(reason)),
            Outcome::Ignored { reason } => write!(f, "{}: ignored: {}", self.source, sanitize(reason)),
        }
    }
}
