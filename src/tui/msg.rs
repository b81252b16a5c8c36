//! Messages into the wizard and the effects it asks the event loop to perform.

use std::path::PathBuf;

use crossterm::event::KeyEvent;
use jiff::{SignedDuration, Timestamp};

use super::app::Entry;
use crate::ops::{AddOptions, Added, Advanced, Checked};
use crate::rfc::{DomainName, RuaUri};
use crate::rollout::{DomainState, HostingPath, ReportTally};

/// Why a check was started, which decides what its result leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Refresh what is shown (and record it for tracked domains).
    Refresh,
    /// Look at a domain before adding it.
    AddPreview,
    /// Check, then try to pass the gate.
    Advance,
}

/// A store operation, performed by the event loop through [`crate::ops`].
#[derive(Debug, Clone)]
pub enum Op {
    /// `ops::domain::add`.
    Add(Box<Checked>, AddOptions),
    /// `ops::domain::advance`.
    Advance {
        /// The domain.
        domain: DomainName,
        /// A fresh check to record first.
        checked: Option<Box<Checked>>,
        /// The acknowledgement overriding blockers.
        ack: Option<String>,
        /// The TLS-RPT summary, when reports were imported.
        reports: Option<ReportTally>,
        /// When.
        now: Timestamp,
    },
    /// `ops::domain::record`.
    Record(Box<Checked>),
    /// `ops::domain::rollback`.
    Rollback(DomainName, Timestamp),
    /// `set_rua` through `ops::domain::edit`.
    SetRua(DomainName, Vec<RuaUri>),
    /// `set_hosting` through `ops::domain::edit`.
    SetHosting(DomainName, HostingPath),
    /// `Store::remove`.
    Remove(DomainName),
}

/// What an [`Op`] gave.
#[derive(Debug, Clone)]
pub enum OpOutcome {
    /// A domain was added.
    Added(Box<Added>),
    /// An advance ran (moved on or blocked).
    Advanced(Box<Advanced>),
    /// The state was saved.
    Saved(Box<DomainState>),
    /// The domain is no longer tracked.
    Removed(DomainName),
}

/// Something the demo lab should serve from now on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Publish {
    /// The `_mta-sts` and `_smtp._tls` TXT records of the plan.
    Records {
        /// The domain.
        domain: DomainName,
        /// The `_mta-sts` record value.
        sts: String,
        /// The `_smtp._tls` record value.
        tlsrpt: String,
    },
    /// The planned policy file.
    Policy {
        /// The domain.
        domain: DomainName,
        /// The policy body.
        body: String,
    },
}

/// Work for the event loop.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Load every state file.
    Reload,
    /// Probe and judge these domains in the background.
    RunCheck {
        /// The domains.
        domains: Vec<DomainName>,
        /// The generation the results must carry.
        generation: u64,
        /// What the result is for.
        purpose: Purpose,
    },
    /// A store operation.
    Op(Op),
    /// Put text on the clipboard (OSC 52).
    Copy(String),
    /// Write text to a file.
    WriteFile {
        /// Where.
        path: PathBuf,
        /// What.
        text: String,
    },
    /// Demo only: publish into the lab.
    Publish(Publish),
    /// Demo only: move the clock.
    ShiftClock(SignedDuration),
    /// Leave the wizard.
    Quit,
}

/// Something that happened.
#[derive(Debug, Clone)]
pub enum Msg {
    /// A key press.
    Key(KeyEvent),
    /// The terminal changed size.
    Resize(u16, u16),
    /// Time passed.
    Tick(Timestamp),
    /// The store was read.
    Loaded(Vec<Entry>),
    /// A check finished.
    Checked {
        /// The generation it was started with.
        generation: u64,
        /// Why it was started.
        purpose: Purpose,
        /// One result per domain.
        results: Vec<Checked>,
    },
    /// An operation finished.
    OpDone(Result<OpOutcome, String>),
    /// A note for the status line (copy and write results).
    Note(Result<String, String>),
    /// Demo: something was published into the lab (the domain is re-checked).
    Published(Result<(DomainName, String), String>),
}
