//! The wizard's state and its pure `update`: messages in, effects out. Nothing here awaits,
//! reads a clock or touches the terminal, the network or files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use jiff::Timestamp;

use super::DemoInfo;
pub use super::msg::{DomainReports, Effect, ImportCounts, Msg, Op, OpOutcome, Publish, Purpose};
use crate::ops::Checked;
use crate::rfc::DomainName;
use crate::rollout::{Blocker, DomainState, Phase, ReportTally};

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

/// Which screen is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    /// The tracked domains.
    Home,
    /// One domain: the phase rail and a phase's screen.
    Domain(DomainView),
}

/// The domain screen's own state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainView {
    /// The domain.
    pub domain: DomainName,
    /// The phase whose screen is shown (the current one unless the user looked back).
    pub viewing: Phase,
    /// Scroll offset of the main pane.
    pub scroll: u16,
    /// Highlighted hosting path on the hosting screen.
    pub hosting_cursor: usize,
    /// The TLS-RPT reports view is shown instead of the phase's screen.
    pub reports: bool,
}

/// A modal on top of the screen.
#[derive(Debug, Clone)]
pub enum Overlay {
    /// The keys of the current screen.
    Help,
    /// A one-line text prompt.
    Prompt(Prompt),
    /// A yes/no question.
    Confirm(Confirm),
    /// Lines to read; any key closes it.
    Note {
        /// The box title.
        title: &'static str,
        /// The lines (already sanitised).
        lines: Vec<String>,
    },
}

/// What a text prompt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// The domain to add.
    AddDomain,
    /// The `rua` URIs (space separated).
    Rua,
    /// Where to write the snippet.
    WritePath,
    /// Where to import TLS-RPT reports from.
    ImportPath,
    /// The acknowledgement text for overriding blockers.
    Ack,
}

/// A text prompt with validation as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    /// What it is for.
    pub kind: PromptKind,
    /// The text typed so far.
    pub input: String,
    /// The problem with the input, if any (shown as typed).
    pub error: Option<String>,
    /// Extra lines shown above the input (e.g. the blockers being overridden).
    pub context: Vec<String>,
}

/// What a confirmation is for.
#[derive(Debug, Clone)]
pub enum ConfirmKind {
    /// Stop tracking a domain.
    Remove(DomainName),
    /// Start tracking a checked domain (MX shown for confirmation).
    Add(Box<Checked>),
    /// Plan the rollback of a domain.
    Rollback(DomainName),
}

/// A yes/no question.
#[derive(Debug, Clone)]
pub struct Confirm {
    /// What answering yes does.
    pub kind: ConfirmKind,
    /// The question, in lines.
    pub lines: Vec<String>,
}

/// The whole wizard.
#[derive(Debug, Clone)]
pub struct App {
    /// Current time (from the loop's clock).
    pub now: Timestamp,
    /// Colours on.
    pub color: bool,
    /// Set in the demo.
    pub demo: Option<DemoInfo>,
    /// Tracked domains, sorted by name.
    pub entries: Vec<Entry>,
    /// Whether the store has been read at least once.
    pub loaded: bool,
    /// Selected row on the home screen.
    pub selected: usize,
    /// The screen.
    pub screen: Screen,
    /// A modal, if one is open.
    pub overlay: Option<Overlay>,
    /// The latest full check per domain (evidence + judgement), this session.
    pub checks: BTreeMap<DomainName, Checked>,
    /// Checks in flight: domain → the generation whose result is awaited.
    pub pending: BTreeMap<DomainName, u64>,
    /// The last generation handed out.
    pub generation: u64,
    /// TLS-RPT tallies of the testing window per domain (the enforce gate's input).
    pub reports: BTreeMap<DomainName, ReportTally>,
    /// What the imported reports say per tracked domain (the reports view).
    pub summaries: BTreeMap<DomainName, DomainReports>,
    /// Blockers of the last advance attempt on the open domain.
    pub blocked: Option<(DomainName, Vec<Blocker>)>,
    /// External testers the user ticked off (domain, index).
    pub ticked: BTreeSet<(DomainName, usize)>,
    /// A one-line message for the status line, with whether it is an error.
    pub status: Option<(String, bool)>,
    /// Spinner frame.
    pub frame: usize,
    /// Terminal size.
    pub size: (u16, u16),
    /// Set when something visible changed since the last draw.
    pub dirty: bool,
}

impl App {
    /// A fresh wizard on the home screen; returns the effects to start with (load the store).
    pub fn new(now: Timestamp, color: bool, demo: Option<DemoInfo>) -> (App, Vec<Effect>) {
        let app = App {
            now,
            color,
            demo,
            entries: Vec::new(),
            loaded: false,
            selected: 0,
            screen: Screen::Home,
            overlay: None,
            checks: BTreeMap::new(),
            pending: BTreeMap::new(),
            generation: 0,
            reports: BTreeMap::new(),
            summaries: BTreeMap::new(),
            blocked: None,
            ticked: BTreeSet::new(),
            status: None,
            frame: 0,
            size: (80, 24),
            dirty: true,
        };
        (app, vec![Effect::Reload])
    }

    /// Handles one message; returns the work to do. Never blocks.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(key) => {
                self.dirty = true;
                self.on_key(key)
            }
            Msg::Resize(w, h) => {
                self.size = (w, h);
                self.dirty = true;
                Vec::new()
            }
            Msg::Tick(now) => self.on_tick(now),
            Msg::Loaded(entries) => self.on_loaded(entries),
            Msg::Checked { generation, purpose, results } => self.on_checked(generation, purpose, results),
            Msg::OpDone(result) => self.on_op(result),
            Msg::ReportsLoaded(r) => self.on_reports(r),
            Msg::Imported(r) => self.on_imported(r),
            Msg::Published(Ok((domain, what))) => {
                self.dirty = true;
                self.set_status(format!("published {what} in the demo lab; checking…"), false);
                self.start_check(vec![domain], Purpose::Refresh)
            }
            Msg::Published(Err(e)) => {
                self.dirty = true;
                self.set_status(e, true);
                Vec::new()
            }
            Msg::Note(note) => {
                self.dirty = true;
                self.status = Some(match note {
                    Ok(s) => (s, false),
                    Err(e) => (e, true),
                });
                Vec::new()
            }
        }
    }

    fn on_tick(&mut self, now: Timestamp) -> Vec<Effect> {
        let minute = |t: Timestamp| t.as_second().div_euclid(60);
        if minute(now) != minute(self.now) {
            self.dirty = true;
        }
        self.now = now;
        if self.busy() {
            self.frame = self.frame.wrapping_add(1);
            self.dirty = true;
        }
        Vec::new()
    }

    /// Whether a probe is running (the spinner turns and the loop ticks faster).
    pub fn busy(&self) -> bool {
        !self.pending.is_empty()
    }

    /// The loaded state of a domain.
    pub fn state(&self, domain: &DomainName) -> Option<&DomainState> {
        self.entries.iter().find_map(|e| match e {
            Entry::Ok(s) if &s.domain == domain => Some(s.as_ref()),
            _ => None,
        })
    }

    /// The domain selected on the home screen.
    pub fn selected_entry(&self) -> Option<&Entry> {
        self.entries.get(self.selected)
    }

    /// Starts a check of `domains`; results of earlier generations for them are dropped.
    pub(super) fn start_check(&mut self, domains: Vec<DomainName>, purpose: Purpose) -> Vec<Effect> {
        if domains.is_empty() {
            return Vec::new();
        }
        self.generation += 1;
        for d in &domains {
            self.pending.insert(d.clone(), self.generation);
        }
        vec![Effect::RunCheck { domains, generation: self.generation, purpose }]
    }

    /// Opens a domain at its current phase and checks it.
    pub(super) fn open(&mut self, domain: DomainName) -> Vec<Effect> {
        let viewing = self.state(&domain).map_or(Phase::Preflight, |s| s.phase);
        self.screen = Screen::Domain(DomainView {
            domain: domain.clone(),
            viewing,
            scroll: 0,
            hosting_cursor: 0,
            reports: false,
        });
        self.blocked = None;
        let mut fx = vec![Effect::Reload];
        fx.extend(self.start_check(vec![domain], Purpose::Refresh));
        fx
    }

    /// Back to the home screen; checks of the domain being left are dropped.
    pub(super) fn go_home(&mut self) -> Vec<Effect> {
        if let Screen::Domain(v) = &self.screen {
            self.pending.remove(&v.domain);
        }
        self.screen = Screen::Home;
        self.blocked = None;
        vec![Effect::Reload]
    }

    pub(super) fn set_status(&mut self, text: impl Into<String>, error: bool) {
        self.status = Some((text.into(), error));
    }
}
