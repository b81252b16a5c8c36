//! Plain data the wizard's messages and its state share: a tracked domain as loaded, and a
//! status line message.

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
