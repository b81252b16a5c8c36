//! The one action table: each key, the action it triggers, its label and where it applies.
//! Dispatch ([`lookup`]), and through [`super::hints`] the footer, the `?` help and every
//! "press X" a screen writes all read [`TABLE`], so what is shown and what acts cannot
//! disagree.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{App, Screen};
use super::offers;
use mtasts_core::rollout::Phase;

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Leave the wizard.
    Quit,
    /// Back to the home screen.
    Home,
    /// Open the key help.
    Help,
    /// Stop the running import.
    CancelImport,
    /// Move the demo clock forward by this many days.
    Clock(u8),
    /// Ask for a domain to add.
    Add,
    /// Open the selected domain.
    Open,
    /// Re-check every tracked domain.
    CheckAll,
    /// Stop tracking the selected domain.
    Remove,
    /// Select the next domain.
    SelectDown,
    /// Select the previous domain.
    SelectUp,
    /// Ask where to import TLS-RPT reports from.
    Import,
    /// Ask which IMAP mailbox to fetch TLS-RPT reports from.
    Fetch,
    /// Check and try to move on to the next phase.
    Next,
    /// Re-check the open domain.
    Recheck,
    /// Show the previous phase's screen.
    PhasePrev,
    /// Show the next phase's screen (up to the current one).
    PhaseNext,
    /// Scroll down a line.
    ScrollDown,
    /// Scroll up a line.
    ScrollUp,
    /// Scroll down a page.
    PageDown,
    /// Scroll up a page.
    PageUp,
    /// Jump to the top.
    Top,
    /// Jump to the end.
    Bottom,
    /// Show the TLS-RPT reports pane.
    Reports,
    /// Back from the reports pane to the phase's screen.
    CloseReports,
    /// Edit the `rua` addresses.
    EditRua,
    /// Demo: publish what is due next into the lab.
    Publish,
    /// Publish what the step needs through the domain's DNS provider (a diff first).
    PublishDns,
    /// Paths B/C: write the wrangler project and run `wrangler deploy` on it.
    DeployWorker,
    /// Choose a hosting path by its number (1–6).
    ChooseHosting,
    /// Open the gate's blockers and next step in full.
    Details,
    /// Send the snippet to the clipboard.
    Copy,
    /// Write the snippet to a file.
    Write,
    /// Send the records (zone-file lines) to the clipboard.
    CopyRecords,
    /// Write the records (zone-file lines) to a file.
    WriteRecords,
    /// Show more of the lines that never wrap (the records), to the right.
    ScrollRight,
    /// Back towards the start of the lines that never wrap.
    ScrollLeft,
    /// Plan the rollback.
    RollBack,
    /// Tick an external tester off (1–5).
    Tick,
    /// Write the auditor's HTML report of the domain to a file.
    AuditReport,
    /// Send the policy file (`mta-sts.txt`) to the clipboard.
    CopyPolicy,
    /// Write the policy file to a file.
    WritePolicy,
    /// Edit the certificate, key and webroot paths of the web server snippets.
    EditPaths,
    /// Write the wrangler project (configuration and Worker module) into a new folder.
    WriteWrangler,
    /// From an enforce screen: open the hosting snippet (regenerated for the plan).
    OpenHosting,
    /// Send the monitoring units (crontab entry, systemd service and timer) to the clipboard.
    CopyMonitoring,
    /// Write the monitoring units into a new folder.
    WriteMonitoring,
    /// Edit the planned MX hosts (a new id is planned).
    EditMx,
    /// After a rollback: back to testing with a new id.
    Resume,
    /// After a rollback's countdown: remove MTA-STS entirely.
    Retire,
    /// Home: type a filter (name, phase or fact).
    Filter,
    /// Home: show every domain again.
    ClearFilter,
    /// Home: switch between the order by name and by urgency.
    Sort,
    /// Home: mark or unmark the selected domain.
    Mark,
    /// Home: mark every shown domain (or unmark them when all are marked).
    MarkAll,
    /// Home: write one artefact for the marked (or shown) domains.
    WriteFleet,
    /// Path C: show every domain on the shared Worker, and whether it is behind.
    SharedWorker,
    /// Back from the shared Worker's pane to the hosting screen.
    CloseWorker,
    /// Re-check every domain on the shared Worker.
    CheckShared,
}

/// Where the user is, as the table's conditions see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The home screen.
    Home,
    /// A domain's phase screen.
    Phase {
        /// The phase being viewed.
        viewing: Phase,
        /// The domain's current phase.
        current: Phase,
    },
    /// A domain's reports pane.
    Reports,
    /// The home screen while its filter is typed (keys go to the filter).
    Filter,
    /// The shared Worker's pane (path C as a fleet).
    Worker,
}

/// Where the user is.
pub fn place(app: &App) -> Place {
    match &app.screen {
        Screen::Home if app.fleet.typing => Place::Filter,
        Screen::Home => Place::Home,
        Screen::Domain(v) if v.pane == super::app::Pane::Reports => Place::Reports,
        Screen::Domain(v) if v.pane == super::app::Pane::Worker => Place::Worker,
        Screen::Domain(v) => Place::Phase {
            viewing: v.viewing,
            current: app.state(&v.domain).map_or(Phase::Preflight, |s| s.phase),
        },
    }
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    /// The keys (without Ctrl unless `ctrl`).
    pub keys: &'static [KeyCode],
    /// The keys as the help writes them.
    pub shown: &'static str,
    /// What it does, as the help writes it.
    pub label: &'static str,
    /// The action.
    pub action: Action,
    /// Footer rank: lower is shown first; `None`: only in the help.
    pub footer: Option<u8>,
    /// Whether it applies here.
    pub when: fn(&App, Place) -> bool,
    /// Ctrl must be held.
    pub ctrl: bool,
}

const fn b(
    keys: &'static [KeyCode],
    shown: &'static str,
    label: &'static str,
    action: Action,
    footer: Option<u8>,
    when: fn(&App, Place) -> bool,
) -> Binding {
    Binding { keys, shown, label, action, footer, when, ctrl: false }
}

use KeyCode::{
    BackTab, Char as C, Down, End, Enter, Esc, Home as HomeKey, Left, PageDown as PgDn, PageUp as PgUp,
    Right, Tab, Up,
};

fn anywhere(_: &App, _: Place) -> bool {
    true
}
/// Everywhere but while a filter is typed (its keys are typed into it).
fn always(_: &App, p: Place) -> bool {
    p != Place::Filter
}
fn importing(app: &App, p: Place) -> bool {
    app.import.is_some() && p != Place::Filter
}
fn not_importing(app: &App, p: Place) -> bool {
    app.import.is_none() && p != Place::Filter
}
fn demo(app: &App, p: Place) -> bool {
    app.demo.is_some() && p != Place::Filter
}
fn home(_: &App, p: Place) -> bool {
    p == Place::Home
}
/// How many tracked domains make a fleet: from there on the fleet's keys come first.
const FLEET: usize = 10;
fn home_few(app: &App, p: Place) -> bool {
    p == Place::Home && app.entries.len() < FLEET
}
fn home_many(app: &App, p: Place) -> bool {
    p == Place::Home && app.entries.len() >= FLEET
}
fn home_with_domains(app: &App, p: Place) -> bool {
    p == Place::Home && !app.entries.is_empty()
}
fn can_select_down(app: &App, p: Place) -> bool {
    p == Place::Home && app.selected + 1 < app.fleet.rows.len()
}
/// Home with a domain in a row (the filter may show none).
fn home_rows(app: &App, p: Place) -> bool {
    p == Place::Home && !app.fleet.rows.is_empty()
}
fn home_filtered(app: &App, p: Place) -> bool {
    p == Place::Home && app.filtered()
}
fn by_name(app: &App, p: Place) -> bool {
    home_with_domains(app, p) && app.fleet.sort == super::fleet::SortBy::Name
}
fn by_urgency(app: &App, p: Place) -> bool {
    home_with_domains(app, p) && app.fleet.sort == super::fleet::SortBy::Urgency
}
fn home_marked(app: &App, p: Place) -> bool {
    p == Place::Home && !app.fleet.marks.is_empty()
}
fn home_shown(app: &App, p: Place) -> bool {
    home_rows(app, p) && app.fleet.marks.is_empty() && app.filtered()
}
fn home_all(app: &App, p: Place) -> bool {
    home_rows(app, p) && app.fleet.marks.is_empty() && !app.filtered()
}
fn can_select_up(app: &App, p: Place) -> bool {
    p == Place::Home && app.selected > 0
}
fn view(app: &App) -> Option<&super::app::DomainView> {
    match &app.screen {
        Screen::Domain(v) => Some(v),
        Screen::Home => None,
    }
}
fn can_scroll_down(app: &App, _: Place) -> bool {
    view(app).is_some_and(|v| v.scroll < v.scroll_max.get())
}
fn can_scroll_up(app: &App, _: Place) -> bool {
    view(app).is_some_and(|v| v.scroll.min(v.scroll_max.get()) > 0)
}
fn can_scroll_right(app: &App, _: Place) -> bool {
    view(app).is_some_and(|v| v.hscroll < v.hscroll_max.get())
}
fn can_scroll_left(app: &App, _: Place) -> bool {
    view(app).is_some_and(|v| v.hscroll.min(v.hscroll_max.get()) > 0)
}
fn can_go_back(app: &App, _: Place) -> bool {
    view(app).is_some_and(|v| v.viewing != Phase::ORDER[0] || v.pane == super::app::Pane::Reports)
}
/// Every phase's screen can be looked at, whatever the gate says (gates block advancing only).
fn can_go_on(app: &App, _: Place) -> bool {
    view(app)
        .is_some_and(|v| v.viewing < last_screen(app.state(&v.domain)) || v.pane == super::app::Pane::Reports)
}

/// The last screen → reaches: enforced, or the rollback while rolling back.
pub fn last_screen(state: Option<&mtasts_core::rollout::DomainState>) -> Phase {
    match state {
        Some(s) if s.phase == Phase::Rollback => Phase::Rollback,
        _ => Phase::Enforced,
    }
}
fn domain(_: &App, p: Place) -> bool {
    p != Place::Home
}
fn phase_screen(_: &App, p: Place) -> bool {
    matches!(p, Place::Phase { .. })
}
fn reports_pane(_: &App, p: Place) -> bool {
    p == Place::Reports
}
fn reports_pane_idle(app: &App, p: Place) -> bool {
    p == Place::Reports && app.import.is_none()
}
fn viewing(p: Place, phases: &[Phase]) -> bool {
    matches!(p, Place::Phase { viewing, .. } if phases.contains(&viewing))
}
fn in_phase(p: Place, phases: &[Phase]) -> bool {
    matches!(p, Place::Phase { current, .. } if phases.contains(&current))
}
fn records(_: &App, p: Place) -> bool {
    viewing(p, &[Phase::Records])
}
fn hosting(_: &App, p: Place) -> bool {
    viewing(p, &[Phase::Hosting])
}
/// The hosting screen once a path is chosen and its snippet generates.
fn hosting_snippet(app: &App, p: Place) -> bool {
    hosting(app, p) && viewed_state(app).is_some_and(|s| offers::has_snippet(app, s))
}
fn can_advance(app: &App, p: Place) -> bool {
    !matches!(p, Place::Home | Place::Worker)
        && viewed_state(app).is_some_and(|s| offers::can_advance(app, s))
}
fn live(_: &App, p: Place) -> bool {
    in_phase(p, &[Phase::Testing, Phase::Enforce, Phase::Enforced])
}
/// Mail to the focused domain (open, or selected on the home screen) is refused now.
fn mail_refused(app: &App, _: Place) -> bool {
    app.focused().is_some_and(|d| app.emergency(&d).is_some())
}
fn rolling_back(_: &App, p: Place) -> bool {
    in_phase(p, &[Phase::Rollback])
}
fn can_retire(app: &App, p: Place) -> bool {
    rolling_back(app, p) && viewed_state(app).is_some_and(|s| offers::can_retire(app, s))
}
/// The screens that list the external testers.
fn testers_shown(app: &App, p: Place) -> bool {
    viewing(p, &[Phase::Validation]) || enforced(app, p)
}
fn enforced(_: &App, p: Place) -> bool {
    viewing(p, &[Phase::Enforced]) && !in_phase(p, &[Phase::Rollback])
}
fn viewed_state(app: &App) -> Option<&mtasts_core::rollout::DomainState> {
    view(app).and_then(|v| app.state(&v.domain))
}
fn hosting_paths(app: &App, p: Place) -> bool {
    hosting(app, p) && viewed_state(app).is_some_and(super::artefact::edits_paths)
}
fn hosting_worker(app: &App, p: Place) -> bool {
    hosting(app, p) && viewed_state(app).is_some_and(super::artefact::is_worker)
}
fn hosting_deploy(app: &App, p: Place) -> bool {
    app.deploy && hosting_worker(app, p)
}
/// The hosting screen of a domain on the shared Worker (path C).
fn hosting_shared(app: &App, p: Place) -> bool {
    hosting(app, p) && viewed_state(app).is_some_and(super::artefact::on_shared_worker)
}
fn worker_pane(_: &App, p: Place) -> bool {
    p == Place::Worker
}
fn worker_deploy(app: &App, p: Place) -> bool {
    app.deploy && p == Place::Worker
}
fn policy_file(_: &App, p: Place) -> bool {
    viewing(p, &[Phase::Hosting, Phase::Enforce])
}
fn enforce_screens(_: &App, p: Place) -> bool {
    viewing(p, &[Phase::Enforce, Phase::Enforced])
}
/// A domain's screen while a planned change runs.
fn changing(app: &App, p: Place) -> bool {
    p != Place::Home && viewed_state(app).is_some_and(|s| s.change.is_some())
}
/// The enforce screens of a domain that is not being removed: its monitoring units are shown.
fn monitored(app: &App, p: Place) -> bool {
    enforce_screens(app, p) && viewed_state(app).is_some_and(|s| s.removal.is_none())
}
fn publish(app: &App, p: Place) -> bool {
    let Place::Phase { viewing, current } = p else { return false };
    let Some(s) = viewed_state(app) else { return false };
    let here = current == Phase::Rollback
        || matches!(viewing, Phase::Records | Phase::Hosting | Phase::Enforce)
        || (viewing == Phase::Enforced && s.change.is_some());
    app.demo.is_some() && here && (offers::mx_due(app, s) || offers::publish_due(app, s, viewing).is_some())
}

/// The current phase's screen of a domain with a DNS provider, past preflight.
fn dns_publishable(app: &App, p: Place) -> bool {
    matches!(p, Place::Phase { viewing, current } if viewing == current && current != Phase::Preflight)
        && viewed_state(app).is_some_and(|s| s.dns.is_some())
}

const DIGITS_6: &[KeyCode] = &[C('1'), C('2'), C('3'), C('4'), C('5'), C('6')];
const DIGITS_5: &[KeyCode] = &[C('1'), C('2'), C('3'), C('4'), C('5')];

/// The table. The first row that applies to a key wins; the order is also the help's order.
pub static TABLE: &[Binding] = &[
    Binding {
        keys: &[C('c')],
        shown: "ctrl-c",
        label: "quit",
        action: Action::Quit,
        footer: None,
        when: anywhere,
        ctrl: true,
    },
    b(&[Esc], "esc", "cancel the import", Action::CancelImport, Some(0), importing),
    // Wherever a domain whose mail is refused is open or selected: the way out.
    b(&[C('b')], "b", "stop enforcing (mail is refused)", Action::RollBack, Some(0), mail_refused),
    // Home.
    b(&[C('a')], "a", "add a domain", Action::Add, Some(1), home_few),
    b(&[C('a')], "a", "add a domain", Action::Add, Some(5), home_many),
    b(&[Enter], "enter", "open", Action::Open, Some(2), home_rows),
    b(&[C('r')], "r", "re-check marked", Action::CheckAll, Some(3), home_marked),
    b(&[C('r')], "r", "re-check shown", Action::CheckAll, Some(3), home_shown),
    b(&[C('r')], "r", "re-check all", Action::CheckAll, Some(3), home_all),
    b(&[C('/')], "/", "filter", Action::Filter, Some(4), home_with_domains),
    b(&[Esc], "esc", "show all", Action::ClearFilter, Some(4), home_filtered),
    b(&[C(' ')], "space", "mark", Action::Mark, Some(4), home_rows),
    b(&[C('*')], "*", "mark/unmark all shown", Action::MarkAll, None, home_rows),
    b(&[C('w')], "w", "write for marked", Action::WriteFleet, Some(3), home_marked),
    b(&[C('w')], "w", "write for shown", Action::WriteFleet, Some(3), home_shown),
    b(&[C('w')], "w", "write for all", Action::WriteFleet, Some(3), home_all),
    b(&[C('s')], "s", "sort by urgency", Action::Sort, Some(5), by_name),
    b(&[C('s')], "s", "sort by name", Action::Sort, Some(5), by_urgency),
    b(&[C('i')], "i", "import TLS-RPT reports", Action::Import, Some(5), not_importing),
    b(&[C('d')], "d", "remove", Action::Remove, Some(7), home_rows),
    b(&[Down, C('j')], "↓ j", "select next", Action::SelectDown, None, can_select_down),
    b(&[Up, C('k')], "↑ k", "select previous", Action::SelectUp, None, can_select_up),
    b(&[PgDn], "pgdn", "page down", Action::PageDown, None, can_select_down),
    b(&[PgUp], "pgup", "page up", Action::PageUp, None, can_select_up),
    b(&[HomeKey, C('g')], "home g", "first", Action::Top, None, can_select_up),
    b(&[End, C('G')], "end G", "last", Action::Bottom, Some(8), can_select_down),
    b(&[C('q'), Esc], "q esc", "quit", Action::Quit, Some(9), home),
    // Phase screens.
    b(&[C('p')], "p", "publish the DNS records", Action::PublishDns, Some(1), dns_publishable),
    b(&[C('p')], "p", "publish (demo lab)", Action::Publish, Some(1), publish),
    b(&[C('e')], "e", "edit rua", Action::EditRua, Some(1), records),
    b(&[C('c')], "c", "copy the records", Action::CopyRecords, Some(1), records),
    b(&[C('w')], "w", "write the records to a file", Action::WriteRecords, Some(2), records),
    b(&[C('>')], ">", "scroll right", Action::ScrollRight, Some(2), can_scroll_right),
    b(&[C('<')], "<", "scroll left", Action::ScrollLeft, Some(2), can_scroll_left),
    b(&[C('c')], "c", "copy snippet", Action::Copy, Some(1), hosting_snippet),
    b(&[C('w')], "w", "write snippet to a file", Action::Write, Some(1), hosting_snippet),
    b(DIGITS_6, "1-6", "choose hosting path", Action::ChooseHosting, Some(1), hosting),
    b(DIGITS_5, "1-5", "tick a tester off", Action::Tick, Some(2), testers_shown),
    b(&[C('f')], "f", "copy the policy file", Action::CopyPolicy, Some(2), policy_file),
    b(&[C('F')], "F", "write the policy file", Action::WritePolicy, Some(3), policy_file),
    b(&[C('e')], "e", "edit cert/key/webroot paths", Action::EditPaths, Some(2), hosting_paths),
    b(&[C('D')], "D", "write the wrangler project", Action::WriteWrangler, Some(2), hosting_worker),
    b(&[C('U')], "U", "deploy with wrangler", Action::DeployWorker, Some(2), hosting_deploy),
    b(&[C('s')], "s", "the shared Worker's domains", Action::SharedWorker, Some(2), hosting_shared),
    // The shared Worker's pane: one Worker for every path-C domain.
    b(&[C('D')], "D", "write the wrangler project", Action::WriteWrangler, Some(1), worker_pane),
    b(&[C('U')], "U", "deploy with wrangler", Action::DeployWorker, Some(1), worker_deploy),
    b(&[C('s'), C('q'), Esc], "s q esc", "back to hosting", Action::CloseWorker, Some(2), worker_pane),
    b(&[C('r')], "r", "re-check them all", Action::CheckShared, Some(3), worker_pane),
    b(&[C('c')], "c", "copy the Worker", Action::Copy, Some(4), worker_pane),
    b(&[C('w')], "w", "write the Worker to a file", Action::Write, Some(5), worker_pane),
    b(&[C('o')], "o", "open the hosting snippet", Action::OpenHosting, Some(4), enforce_screens),
    b(&[C('c')], "c", "copy the monitoring units", Action::CopyMonitoring, Some(5), monitored),
    b(&[C('w')], "w", "write the monitoring units", Action::WriteMonitoring, Some(5), monitored),
    // A planned change: n confirms its current step (the row below is then shadowed).
    b(&[C('n')], "n", "confirm the change's step", Action::Next, Some(1), changing),
    b(&[C('n')], "n", "next phase", Action::Next, Some(1), can_advance),
    b(&[Enter], "enter", "blockers and next step in full", Action::Details, None, domain),
    b(&[C('b')], "b", "roll back", Action::RollBack, Some(4), live),
    b(&[C('t')], "t", "fixed it: resume testing", Action::Resume, Some(2), rolling_back),
    b(&[C('x')], "x", "remove MTA-STS entirely", Action::Retire, Some(2), can_retire),
    b(&[C('m')], "m", "edit MX hosts", Action::EditMx, Some(5), phase_screen),
    b(&[C('R')], "R", "TLS-RPT reports", Action::Reports, Some(4), phase_screen),
    b(&[C('A')], "A", "auditor's report (HTML)", Action::AuditReport, Some(7), domain),
    b(&[C('R'), C('q'), Esc], "R q esc", "back to the phase", Action::CloseReports, Some(2), reports_pane),
    b(&[C('f')], "f", "fetch (IMAP)", Action::Fetch, Some(4), reports_pane_idle),
    b(&[C('r')], "r", "re-check", Action::Recheck, Some(3), domain),
    b(&[Left, C('h'), BackTab], "← h", "previous phase's screen", Action::PhasePrev, Some(6), can_go_back),
    b(&[Right, C('l'), Tab], "→ l", "next phase's screen", Action::PhaseNext, Some(6), can_go_on),
    b(&[Down, C('j')], "↓ j", "scroll down", Action::ScrollDown, None, can_scroll_down),
    b(&[Up, C('k')], "↑ k", "scroll up", Action::ScrollUp, None, can_scroll_up),
    b(&[PgDn, C(' ')], "pgdn space", "page down", Action::PageDown, None, can_scroll_down),
    b(&[PgUp], "pgup", "page up", Action::PageUp, None, can_scroll_up),
    b(&[HomeKey, C('g')], "home g", "top", Action::Top, None, can_scroll_up),
    b(&[End, C('G')], "end G", "end", Action::Bottom, Some(8), can_scroll_down),
    b(&[C('q'), Esc], "q esc", "back home", Action::Home, Some(9), phase_screen),
    // Everywhere.
    b(&[C('?')], "?", "all keys", Action::Help, None, always),
    b(&[C('T')], "T", "demo clock +1 day", Action::Clock(1), Some(7), demo),
    b(&[C('W')], "W", "demo clock +7 days", Action::Clock(7), None, demo),
];

impl Binding {
    /// Whether `key` is one of this row's keys.
    pub fn matches(&self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        ctrl == self.ctrl && self.keys.contains(&key.code)
    }
}

/// The rows that apply here, in table order.
pub fn active(app: &App) -> impl Iterator<Item = &'static Binding> + '_ {
    let p = place(app);
    TABLE.iter().filter(move |b| (b.when)(app, p))
}

/// The action `key` triggers here, if any.
pub fn lookup(app: &App, key: &KeyEvent) -> Option<Action> {
    active(app).find(|b| b.matches(key)).map(|b| b.action)
}
