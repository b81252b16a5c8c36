//! The wizard's state and its pure `update`: messages in, effects out. Nothing here awaits,
//! reads a clock or touches the terminal, the network or files.

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::DemoInfo;
pub use super::artefact::Artefact;
pub use super::model::{Entry, ImportCounts, Status};
pub use super::msg::{DnsDiff, DomainReports, Effect, Msg, Op, OpOutcome, Publish, Purpose};
pub use super::overlay::{Confirm, ConfirmKind, Overlay, Prompt, PromptKind};
pub use super::paths::PathUse;
use crate::ops::Checked;
use mtasts_core::rfc::DomainName;
use mtasts_core::rollout::{DomainState, Phase, ReportTally};

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
    /// Scroll offset of the main pane, in rendered (wrapped) lines.
    pub scroll: u16,
    /// The largest useful offset, as last drawn (`u16::MAX` until drawn): the renderer records
    /// it so that keys can clamp (End jumps to it, ↑ after End moves at once).
    pub scroll_max: std::cell::Cell<u16>,
    /// Where the pane's lines were last drawn (without its "more below" row): a page is its
    /// height, so PgDn shows the next line after the last one seen.
    pub viewport: std::cell::Cell<ratatui::layout::Rect>,
    /// Sideways offset of the lines that never wrap (the records, one per line), in cells.
    pub hscroll: u16,
    /// The largest useful sideways offset, as last drawn (0: every such line fits).
    pub hscroll_max: std::cell::Cell<u16>,
    /// What the main pane shows.
    pub pane: Pane,
}

/// What a domain screen's main pane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    /// The viewed phase's screen.
    Phase,
    /// The TLS-RPT reports.
    Reports,
    /// Path C as a fleet: every domain on the shared Worker.
    Worker,
}

impl DomainView {
    /// `domain` at `viewing`, scrolled to the top, the phase's pane shown.
    pub fn new(domain: DomainName, viewing: Phase) -> DomainView {
        DomainView {
            domain,
            viewing,
            scroll: 0,
            scroll_max: std::cell::Cell::new(u16::MAX),
            viewport: std::cell::Cell::new(ratatui::layout::Rect::default()),
            hscroll: 0,
            hscroll_max: std::cell::Cell::new(0),
            pane: Pane::Phase,
        }
    }
}

/// What the wizard knows about one domain this session, beyond its state file.
#[derive(Debug, Clone, Default)]
pub struct DomainSession {
    /// The latest full check (evidence + judgement).
    pub check: Option<Checked>,
    /// The generation of the check in flight, whose result is awaited.
    pub pending: Option<u64>,
    /// What the imported TLS-RPT reports say (the reports pane; its tally is the gate's input).
    pub reports: Option<DomainReports>,
    /// What the check in flight waits for (`None`: DNS, where every check starts).
    pub stage: Option<mtasts_core::evidence::ProbeStage>,
    /// When this session last re-checked the domain unasked because its last check was old.
    pub auto_at: Option<Timestamp>,
    /// When a check this session last reached no DNS server (cleared by one that did).
    pub unreachable: Option<Timestamp>,
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
    /// `wrangler deploy` may be run (installed, token set).
    pub deploy: bool,
    /// Tracked domains, sorted by name naturally ([`super::fleet::natural_cmp`]: `client2`
    /// before `client10`).
    pub entries: Vec<Entry>,
    /// Whether the store has been read at least once.
    pub loaded: bool,
    /// Selected row on the home screen (an index into [`super::fleet::FleetView::rows`]).
    pub selected: usize,
    /// The home screen's table: sort, filter, marks, and its rows and summary.
    pub fleet: super::fleet::FleetView,
    /// The screen.
    pub screen: Screen,
    /// A modal, if one is open.
    pub overlay: Option<Overlay>,
    /// What this session knows per domain beyond its state file.
    pub sessions: BTreeMap<DomainName, DomainSession>,
    /// The last generation handed out.
    pub generation: u64,
    /// A one-line message for the status line.
    pub status: Option<Status>,
    /// The checked domain waiting for its MX hosts to be typed before it is added.
    pub pending_add: Option<Box<Checked>>,
    /// Names picked from a zone file, checked and then tracked with the zone's MX hosts.
    pub zone_adds: BTreeMap<DomainName, Vec<mtasts_core::rfc::MxPattern>>,
    /// The origin of the zone file being asked for (the domain typed in the add prompt;
    /// `None`: a list of domains).
    pub zone_origin: Option<DomainName>,
    /// How many names the running add from a file started with, and the ones that could not be
    /// added, with why (for its progress line).
    pub zone_batch: (usize, Vec<String>),
    /// The environment variable an IMAP fetch takes its secret from, when one is set (else
    /// the wizard asks for it, masked).
    pub imap_env: Option<&'static str>,
    /// The import in progress (its running counts), if one runs.
    pub import: Option<ImportCounts>,
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
            deploy: false,
            demo,
            entries: Vec::new(),
            loaded: false,
            selected: 0,
            fleet: super::fleet::FleetView::default(),
            screen: Screen::Home,
            overlay: None,
            sessions: BTreeMap::new(),
            generation: 0,
            status: None,
            pending_add: None,
            zone_adds: BTreeMap::new(),
            zone_origin: None,
            zone_batch: (0, Vec::new()),
            imap_env: None,
            import: None,
            frame: 0,
            size: (80, 24),
            dirty: true,
        };
        (app, vec![Effect::Reload])
    }

    /// Handles one message; returns the work to do. Never blocks.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        let (changed, streaming) = App::classify(&msg);
        let fx = self.handle(msg);
        self.after_update(changed, streaming);
        fx
    }

    fn handle(&mut self, msg: Msg) -> Vec<Effect> {
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
            Msg::ImportProgress(c) => {
                if self.import.is_some() {
                    self.import = Some(c);
                    self.dirty = true;
                }
                Vec::new()
            }
            Msg::Imported(r) => self.on_imported(r),
            Msg::PathInspected { typed, verdict, submit } => self.on_inspected(&typed, verdict, submit),
            Msg::Completed { typed, to, candidates } => self.on_completed(&typed, to, candidates),
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
            Msg::DnsPreviewed { domain, result } => self.on_dns_previewed(domain, result),
            Msg::DnsPublished(domain, result) => self.on_dns_published(domain, result),
            Msg::Deployed(domain, result) => self.on_deployed(domain, result),
            Msg::Note(note) => {
                self.dirty = true;
                self.status = Some(note);
                Vec::new()
            }
            Msg::CheckStage { generation, domain, stage } => {
                let s = self.session_mut(&domain);
                if s.pending == Some(generation) && s.stage != Some(stage) {
                    s.stage = Some(stage);
                    self.dirty = true;
                }
                Vec::new()
            }
            Msg::ZoneRead { file, names } => self.on_zone(file, names),
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

    /// Whether a probe or an import is running (the spinner turns and the loop ticks faster).
    pub fn busy(&self) -> bool {
        self.checking_any() || self.import.is_some()
    }

    /// Whether any check is in flight.
    pub fn checking_any(&self) -> bool {
        self.sessions.values().any(|s| s.pending.is_some())
    }

    /// Whether a check of `domain` is in flight.
    pub fn checking(&self, domain: &DomainName) -> bool {
        self.session(domain).is_some_and(|s| s.pending.is_some())
    }

    /// This session's knowledge of `domain`, if any.
    pub fn session(&self, domain: &DomainName) -> Option<&DomainSession> {
        self.sessions.get(domain)
    }

    /// This session's knowledge of `domain`, created empty when needed.
    pub fn session_mut(&mut self, domain: &DomainName) -> &mut DomainSession {
        self.sessions.entry(domain.clone()).or_default()
    }

    /// The latest full check of `domain`, this session.
    pub fn checked(&self, domain: &DomainName) -> Option<&Checked> {
        self.session(domain)?.check.as_ref()
    }

    /// The testing window's report tally of `domain` (the enforce gate's input).
    pub fn tally(&self, domain: &DomainName) -> Option<&ReportTally> {
        self.session(domain)?.reports.as_ref()?.tally.as_ref()
    }

    /// Every tracked domain's state that loaded.
    pub fn tracked_states(&self) -> impl Iterator<Item = &DomainState> + '_ {
        self.entries.iter().filter_map(|e| match e {
            Entry::Ok(s) => Some(s.as_ref()),
            Entry::Bad { .. } => None,
        })
    }

    /// The snippet for `state`'s chosen hosting path (`None` until one is chosen).
    pub fn snippet(
        &self,
        state: &DomainState,
    ) -> Option<Result<mtasts_core::snippet::Snippet, mtasts_core::snippet::SnippetError>> {
        crate::ops::snippet::snippet_for(state, self.tracked_states())
    }

    /// The loaded state of a domain (found by name in the sorted entries; thousands of them
    /// are searched in a few steps).
    pub fn state(&self, domain: &DomainName) -> Option<&DomainState> {
        fn ok<'a>(e: &'a Entry, domain: &DomainName) -> Option<&'a DomainState> {
            match e {
                Entry::Ok(s) if &s.domain == domain => Some(s.as_ref()),
                _ => None,
            }
        }
        let key = |e: &Entry| match e {
            Entry::Ok(s) => super::fleet::natural_cmp(s.domain.as_str(), domain.as_str()),
            Entry::Bad { .. } => super::fleet::natural_cmp(&e.name(), domain.as_str()),
        };
        match self.entries.binary_search_by(key) {
            Ok(i) => self.entries.get(i).and_then(|e| ok(e, domain)),
            Err(_) => self.entries.iter().find_map(|e| ok(e, domain)),
        }
    }

    /// The domain selected on the home screen.
    pub fn selected_entry(&self) -> Option<&Entry> {
        self.row_entry(self.selected)
    }

    /// Starts a check of `domains`; results of earlier generations for them are dropped.
    pub(super) fn start_check(&mut self, domains: Vec<DomainName>, purpose: Purpose) -> Vec<Effect> {
        if domains.is_empty() {
            return Vec::new();
        }
        self.generation += 1;
        let generation = self.generation;
        for d in &domains {
            let s = self.session_mut(d);
            s.pending = Some(generation);
            s.stage = None;
        }
        vec![Effect::RunCheck { domains, generation: self.generation, purpose }]
    }

    /// Opens a domain at its current phase and checks it.
    pub(super) fn open(&mut self, domain: DomainName) -> Vec<Effect> {
        let viewing = self.state(&domain).map_or(Phase::Preflight, |s| s.phase);
        self.screen = Screen::Domain(DomainView::new(domain.clone(), viewing));
        let mut fx = vec![Effect::Reload];
        fx.extend(self.start_check(vec![domain], Purpose::Refresh));
        fx
    }

    /// Back to the home screen; checks of the domain being left are dropped.
    pub(super) fn go_home(&mut self) -> Vec<Effect> {
        let mut fx = vec![Effect::Reload];
        if let Screen::Domain(v) = std::mem::replace(&mut self.screen, Screen::Home)
            && self.session_mut(&v.domain).pending.take().is_some()
        {
            fx.push(Effect::CancelCheck(v.domain));
        }
        fx
    }

    pub(super) fn set_status(&mut self, text: impl Into<String>, error: bool) {
        let text = text.into();
        self.status = Some(if error { Status::Error(text) } else { Status::Info(text) });
    }
}
