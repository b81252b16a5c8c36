//! Messages into the wizard and the effects it asks the event loop to perform.

use std::path::PathBuf;

use crossterm::event::KeyEvent;
use jiff::{SignedDuration, Timestamp};

use super::model::{Entry, ImportCounts, Status};
use crate::ops::{AddOptions, Added, Advanced, Checked};
use mtasts_core::rfc::{DomainName, RuaUri};
use mtasts_core::rollout::{DomainState, HostingPath, ReportTally};
use mtasts_reports::DomainSummary;

/// Why a check was started, which decides what its result leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Refresh what is shown (and record it for tracked domains).
    Refresh,
    /// Look at a domain before adding it.
    AddPreview,
    /// Check, then try to pass the gate.
    Advance,
    /// Re-check a domain whose last check is old, unasked (on opening the wizard): a check
    /// that reached no DNS server is kept apart and recorded nowhere.
    Background,
    /// Look at a name picked from a zone file, then track it with the zone's MX hosts.
    AddFromZone,
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
    /// `apply_checklist` through `ops::domain::edit` (testers ticked, reports reviewed).
    Checklist(DomainName, mtasts_core::rollout::ChecklistEdit, Timestamp),
    /// The web server paths saved in the plan (`None`: the defaults).
    SetServerPaths(DomainName, Option<mtasts_core::snippet::Options>),
    /// `ops::domain::resume`: back to testing after a rollback.
    Resume(DomainName, Timestamp),
    /// `ops::domain::retire`: remove MTA-STS after the rollback countdown.
    Retire(DomainName, Timestamp),
    /// `ops::domain::set_mx`: new planned MX hosts.
    SetMx(DomainName, Vec<mtasts_core::rfc::MxPattern>, Timestamp),
    /// `ops::change::confirm`: complete the steps of a planned change a check shows done.
    ConfirmChange(Box<Checked>, Timestamp),
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
    /// Removing MTA-STS: the `_mta-sts` and `_smtp._tls` records go.
    RemoveRecords {
        /// The domain.
        domain: DomainName,
    },
    /// The MX records, as the current step of a planned MX change wants them.
    Mx {
        /// The domain.
        domain: DomainName,
        /// The MX hosts, in preference order.
        hosts: Vec<DomainName>,
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
    /// Write the auditor's HTML report of one domain to a file.
    WriteAudit {
        /// The domain.
        domain: DomainName,
        /// Where.
        path: PathBuf,
    },
    /// Write text to a file.
    WriteFile {
        /// Where.
        path: PathBuf,
        /// What.
        text: String,
    },
    /// Write files into a new folder.
    WriteFiles {
        /// The folder (created; never an existing one).
        dir: PathBuf,
        /// File names and contents.
        files: Vec<(String, String)>,
    },
    /// Read the imported TLS-RPT reports and sum them per tracked domain, as of `now`.
    LoadReports {
        /// The end of the window.
        now: Timestamp,
    },
    /// Import TLS-RPT reports from these files and directories (in the background, with
    /// progress; one import at a time).
    Import(Vec<PathBuf>),
    /// Fetch TLS-RPT reports from an IMAP mailbox, in the background with progress; one import
    /// or fetch at a time.
    Fetch {
        /// The mailbox URL.
        url: String,
        /// The password or token typed in the wizard; `None`: from the environment, as
        /// `reports fetch` reads it.
        secret: Option<super::secret::Typed>,
    },
    /// Read a file of names: a list of domains (`add --domain-file`), or a zone file whose
    /// names that receive mail are listed (`add --zone-file`).
    ReadZone {
        /// The file.
        path: PathBuf,
        /// The zone's origin (`@`), when a domain was typed; `None`: a list of domains only.
        origin: Option<DomainName>,
    },
    /// Ask the file system what a typed path is (a path prompt's validation).
    InspectPath {
        /// The path as typed.
        typed: String,
        /// What it is for.
        usage: super::paths::PathUse,
        /// Submit the prompt when the path is fine.
        submit: bool,
    },
    /// List the folder of a typed path for Tab completion.
    Complete {
        /// The path as typed.
        typed: String,
    },
    /// Stop the running import after the report being stored (what is stored stays).
    CancelImport,
    /// Drop the check in flight for this domain (its result would be ignored anyway).
    CancelCheck(DomainName),
    /// Demo only: publish into the lab.
    Publish(Publish),
    /// Write the wrangler project into the state directory and run `wrangler deploy` there.
    WranglerDeploy {
        /// The domain.
        domain: DomainName,
        /// The project's files.
        files: Vec<mtasts_core::snippet::File>,
    },
    /// Check the domain and read what its DNS provider serves: the diff to confirm.
    DnsPreview(DomainName),
    /// Publish through the domain's DNS provider, if the diff is still the one shown, then
    /// follow the nameservers (progress as notes).
    DnsApply {
        /// The domain.
        domain: DomainName,
        /// The diff lines the user confirmed.
        shown: Vec<String>,
    },
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
    Note(Status),
    /// The imported reports were read: per tracked domain that has any.
    ReportsLoaded(Result<Vec<DomainReports>, String>),
    /// What a typed path is (`Ok`), or why it is refused (`Err`).
    PathInspected {
        /// The path as typed.
        typed: String,
        /// The verdict.
        verdict: Result<String, String>,
        /// Submit the prompt when fine.
        submit: bool,
    },
    /// Tab completion of a typed path.
    Completed {
        /// The path as typed.
        typed: String,
        /// The completed path.
        to: String,
        /// Candidates to list when several match.
        candidates: Vec<String>,
    },
    /// An import moved on.
    ImportProgress(ImportCounts),
    /// An import finished (or was cancelled: see [`ImportCounts::cancelled`]).
    Imported(Result<ImportCounts, String>),
    /// Demo: something was published into the lab (the domain is re-checked).
    Published(Result<(DomainName, String), String>),
    /// What publishing through the DNS provider would change.
    DnsPreviewed {
        /// The domain.
        domain: DomainName,
        /// The diff, or why it could not be made.
        result: Result<DnsDiff, String>,
    },
    /// `wrangler deploy` finished: its output (the last lines, sanitised), or why it could not run.
    Deployed(DomainName, Result<Vec<String>, String>),
    /// Publishing through the DNS provider finished: what happened, in words.
    DnsPublished(DomainName, Result<String, String>),
    /// A check moved on (from DNS to the servers).
    CheckStage {
        /// The generation of the check.
        generation: u64,
        /// The domain.
        domain: DomainName,
        /// What it waits for now.
        stage: mtasts_core::evidence::ProbeStage,
    },
    /// A file of names was read: a list of domains or a zone's names that receive mail, or
    /// why it could not be used.
    ZoneRead {
        /// The file as typed.
        file: String,
        /// The names (`ops::domain_list::read_names`).
        names: Result<crate::ops::domain_list::FileNames, String>,
    },
}

/// What `p` shows before publishing through a DNS provider (all text sanitised).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsDiff {
    /// The provider and zone.
    pub provider: String,
    /// The step in words.
    pub step: String,
    /// The diff (`-`, `+`, `=` lines).
    pub lines: Vec<String>,
    /// What is not publishable yet, and why.
    pub held: Vec<String>,
    /// Whether anything changes.
    pub changes: bool,
}

/// What the imported TLS-RPT reports say about one tracked domain.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainReports {
    /// The domain.
    pub domain: DomainName,
    /// The first day shown: the testing window's start, else 30 days back.
    pub since: jiff::civil::Date,
    /// The testing window's tally (the enforce gate's input), when in testing with reports.
    pub tally: Option<ReportTally>,
    /// The summary since `since`, when any report covers the domain (the same reports as
    /// `tally`).
    pub summary: Option<DomainSummary>,
    /// Reports dated after now: counted nowhere, flagged.
    pub ahead: Option<mtasts_reports::DatedAhead>,
}
