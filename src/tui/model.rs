//! Plain data the wizard's messages and its state share: a tracked domain as loaded, a status
//! line message, and the running counts of an import or fetch.

use std::path::PathBuf;

use mtasts_core::rollout::DomainState;

/// One tracked domain as loaded from the store.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// A state file that loaded.
    Ok(Box<DomainState>),
    /// A state file that could not be read (left untouched by the store).
    Bad {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        problem: String,
    },
}

impl Entry {
    /// The name it sorts and is found by: the domain, or the file name of a state file that
    /// could not be read.
    pub fn name(&self) -> String {
        match self {
            Entry::Ok(s) => s.domain.as_str().to_owned(),
            Entry::Bad { path, .. } => {
                path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
            }
        }
    }
}

/// A message on the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// What was done, or is being done.
    Info(String),
    /// What went wrong, or why something cannot be done.
    Error(String),
}

impl Status {
    /// The text.
    pub fn text(&self) -> &str {
        match self {
            Status::Info(s) | Status::Error(s) => s,
        }
    }

    /// Whether it reports a problem.
    pub fn is_error(&self) -> bool {
        matches!(self, Status::Error(_))
    }
}

/// The result of an import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportCounts {
    /// New reports stored.
    pub imported: usize,
    /// Reports already stored.
    pub duplicate: usize,
    /// Items that looked like reports but were invalid.
    pub rejected: usize,
    /// Items that were not reports.
    pub ignored: usize,
    /// The first outcome lines (sanitised).
    pub lines: Vec<String>,
    /// Files read so far.
    pub files: usize,
    /// Files found under the paths before the import started (`None` while counting).
    pub total_files: Option<usize>,
    /// The import was cancelled before the end.
    pub cancelled: bool,
    /// A fetch from an IMAP mailbox: `files` counts messages.
    pub fetch: bool,
    /// New reports per policy domain (at most [`ImportCounts::DOMAINS`] domains).
    pub domains: std::collections::BTreeMap<String, usize>,
}

impl ImportCounts {
    /// How many policy domains [`ImportCounts::domains`] keeps.
    pub const DOMAINS: usize = 200;

    /// Counts one new report for each of `domains`.
    pub fn count_domains(&mut self, domains: &[String]) {
        for d in domains {
            if self.domains.len() < Self::DOMAINS || self.domains.contains_key(d) {
                *self.domains.entry(d.clone()).or_default() += 1;
            }
        }
    }

    /// Every item seen so far.
    pub fn items(&self) -> usize {
        self.imported + self.duplicate + self.rejected + self.ignored
    }

    /// "import" or "fetch".
    pub fn label(&self) -> &'static str {
        if self.fetch { "fetch" } else { "import" }
    }

    /// "8,412 of 20,000 files, 8,390 reports": the progress line ("messages" for a fetch).
    pub fn progress(&self) -> String {
        let unit = if self.fetch { "messages" } else { "files" };
        let files = match self.total_files {
            Some(t) => format!("{} of {} {unit}", thousands(self.files), thousands(t)),
            None => format!("{} {unit}", thousands(self.files)),
        };
        format!("{files}, {} new reports", thousands(self.imported))
    }
}

/// `20000` → `20,000` ([`mtasts_core::words::thousands`]).
pub fn thousands(n: usize) -> String {
    mtasts_core::words::thousands(n as u64)
}
