//! Performing effects: checks, store operations, files and the demo lab. The event loop runs
//! every one of them in a background task (see `tasks`): checks and fetches as futures, the
//! rest, which block on files, through [`Runtime::perform_blocking`]; tests may await
//! [`Runtime::perform`] inline.

use std::sync::Arc;

use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use base64::Engine;
use jiff::Timestamp;

use super::Clock;
use super::checks::CheckJob;
use super::files::{write_file, write_files};
use super::model::{Entry, ImportCounts, Status};
use super::msg::{DomainReports, Effect, Msg, Op, OpOutcome, Publish, Purpose};
use crate::ops::{self, Checker};
use crate::store::{ListCache, Store};
use mtasts_core::rfc::DomainName;

use mtasts_core::sanitize::sanitize;
use mtasts_reports::{DkimVerifier, Outcome, ReportStore};

/// What effects are performed against.
#[derive(Clone)]
pub struct Runtime {
    /// Tracked domains.
    pub store: Store,
    /// How to check (each check judges certificates at the clock's time).
    pub probe: Checker,
    /// The clock.
    pub clock: Clock,
    /// Where `p` publishes (the demo's lab), if anywhere.
    pub publisher: Option<Arc<dyn Publisher>>,
    /// The last text put on the clipboard.
    pub last_copy: Option<String>,
    /// How to run `wrangler deploy`, if it may be run.
    pub wrangler: Option<super::Wrangler>,
    /// What the last reload read (a reload reads only the state files changed since).
    pub listed: Arc<std::sync::Mutex<ListCache>>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("store", &self.store)
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

/// Something the wizard can publish a plan's records and policy into (the demo's lab; a real
/// DNS or web host could follow). `p` is offered only when one is given.
pub trait Publisher: Send + Sync {
    /// Serves `p` from now on; says what was published ("the TXT records"), or why not.
    fn publish(&self, p: Publish) -> Result<String, String>;
}

/// The OSC 52 sequence that puts `text` on the terminal's clipboard (works over SSH).
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64::engine::general_purpose::STANDARD.encode(text))
}

impl Runtime {
    /// Effects against `store`, checking with `probe` at `clock`'s time; nothing to publish
    /// into and no wrangler.
    pub fn new(store: Store, probe: Checker, clock: Clock) -> Runtime {
        Runtime {
            store,
            probe,
            clock,
            publisher: None,
            last_copy: None,
            wrangler: None,
            listed: Arc::default(),
        }
    }

    /// Reads every state file changed since the last reload.
    pub fn reload(&self) -> Msg {
        let mut listed = self.listed.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let entries = match self.store.list_cached(&mut listed) {
            Ok(list) => list
                .into_iter()
                .map(|(path, r)| match r {
                    Ok(s) => Entry::Ok(Box::new(s)),
                    Err(e) => Entry::Bad { path, problem: e.to_string() },
                })
                .collect(),
            Err(e) => vec![Entry::Bad { path: self.store.domains_dir().to_owned(), problem: e.to_string() }],
        };
        Msg::Loaded(entries)
    }

    /// A check of `domains`, judged against their plans when tracked.
    pub fn check(&self, domains: Vec<DomainName>, generation: u64, purpose: Purpose) -> CheckJob {
        let checker = self.probe.at(self.clock.now());
        CheckJob::new(domains, checker, self.store.clone(), generation, purpose)
    }

    /// A store operation.
    pub fn op(&self, op: Op) -> Msg {
        let s = &self.store;
        let r: Result<OpOutcome, ops::OpsError> = match op {
            Op::Add(c, opts) => ops::domain::add(s, &c, opts).map(|a| OpOutcome::Added(Box::new(a))),
            Op::Advance { domain, checked, ack, reports, now } => {
                ops::domain::advance(s, &domain, checked.as_deref(), reports.as_ref(), ack, now)
                    .map(|a| OpOutcome::Advanced(Box::new(a)))
            }
            Op::Record(c) => ops::domain::record(s, &c).map(|st| OpOutcome::Saved(Box::new(st))),
            Op::Rollback(d, now) => {
                ops::domain::rollback(s, &d, now).map(|st| OpOutcome::Saved(Box::new(st)))
            }
            Op::SetRua(d, rua) => ops::domain::edit(s, &d, |st| mtasts_core::rollout::set_rua(st, rua))
                .map(|st| OpOutcome::Saved(Box::new(st))),
            Op::SetServerPaths(d, paths) => ops::domain::edit(s, &d, |mut st| {
                st.plan.server_paths = paths;
                st
            })
            .map(|st| OpOutcome::Saved(Box::new(st))),
            Op::SetHosting(d, h) => ops::domain::edit(s, &d, |st| mtasts_core::rollout::set_hosting(st, h))
                .map(|st| OpOutcome::Saved(Box::new(st))),
            Op::Checklist(d, edit, now) => {
                ops::domain::edit(s, &d, |st| mtasts_core::rollout::apply_checklist(st, edit, now))
                    .map(|st| OpOutcome::Saved(Box::new(st)))
            }
            Op::Remove(d) => s.remove(&d).map(|()| OpOutcome::Removed(d)).map_err(ops::OpsError::from),
            Op::Resume(d, now) => ops::domain::resume(s, &d, now).map(|st| OpOutcome::Saved(Box::new(st))),
            Op::Retire(d, now) => ops::domain::retire(s, &d, now).map(|st| OpOutcome::Saved(Box::new(st))),
            Op::SetMx(d, mx, now) => {
                ops::domain::set_mx(s, &d, mx, now).map(|st| OpOutcome::Saved(Box::new(st)))
            }
            Op::ConfirmChange(c, now) => {
                ops::change::confirm(s, &c, now).map(|(st, _)| OpOutcome::Saved(Box::new(st)))
            }
        };
        Msg::OpDone(r.map_err(|e| e.to_string()))
    }

    /// Writes the auditor's HTML report for `domain` (`mtasts report --html`).
    fn write_audit(&self, domain: &DomainName, path: &std::path::Path) -> Msg {
        let dir = self.store.domains_dir().parent().unwrap_or(self.store.domains_dir());
        let shown = sanitize(&path.display().to_string()).into_owned();
        Msg::Note(match ops::audit::write_domain_report(dir, domain, path, self.clock.now()) {
            Ok(_) => Status::Info(format!("wrote the auditor's report for {domain} to {shown}")),
            Err(e) => Status::Error(sanitize(&e.to_string()).into_owned()),
        })
    }

    fn report_store(&self) -> Result<ReportStore, String> {
        let dir = self.store.domains_dir().parent().unwrap_or(self.store.domains_dir());
        let clock = self.clock;
        ReportStore::open(dir).map(|s| s.with_clock(Arc::new(move || clock.now()))).map_err(|e| e.to_string())
    }

    /// Sums the imported reports per tracked domain: the testing window's tally for the gate,
    /// and a summary since the window's start (30 days back outside testing) for the view.
    pub fn load_reports(&self, now: Timestamp) -> Msg {
        let r = self.report_store().and_then(|rs| {
            let states = self.store.list().unwrap_or_default().into_iter().filter_map(|(_, s)| s.ok());
            states
                .map(|s| ops::reports::for_state(&rs, &s, now).map(domain_reports))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| e.to_string())
        });
        Msg::ReportsLoaded(r)
    }

    /// Imports reports and counts the outcomes.
    pub fn import(&self, paths: &[PathBuf]) -> Msg {
        self.import_with(paths, None, &AtomicBool::new(false), &mut |_| {})
    }

    /// Imports reports, handing the running counts to `progress` after every item and
    /// stopping (after the report being stored) once `cancel` is set; the last counts handed
    /// to `progress` then say `cancelled` (what is left of the walk only skips).
    pub fn import_with(
        &self,
        paths: &[PathBuf],
        total_files: Option<usize>,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(&ImportCounts),
    ) -> Msg {
        let r = self.report_store().map(|rs| {
            let mut c = ImportCounts { total_files, ..ImportCounts::default() };
            let mut last_file: Option<PathBuf> = None;
            // Imports run on one of the runtime's blocking threads, where its handle is current.
            let dkim = DkimVerifier::new(self.probe.dkim(), tokio::runtime::Handle::current());
            rs.import_paths_with(paths, &dkim, &mut |o| {
                match &o.outcome {
                    Outcome::Imported { domains, .. } => {
                        c.imported += 1;
                        c.count_domains(domains);
                    }
                    Outcome::Duplicate { .. } => c.duplicate += 1,
                    Outcome::Rejected { .. } | Outcome::Failed { .. } => c.rejected += 1,
                    Outcome::Ignored { .. } => c.ignored += 1,
                }
                if last_file.as_ref() != Some(&o.source.path) {
                    c.files += 1;
                    last_file = Some(o.source.path.clone());
                }
                if c.lines.len() < IMPORT_LINES {
                    c.lines.push(sanitize(&o.to_string()).into_owned());
                }
                if cancel.load(Ordering::Relaxed) {
                    c.cancelled = true;
                }
                progress(&c);
                if c.cancelled { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
            });
            c
        });
        Msg::Imported(r)
    }

    /// Publishes through the publisher (the demo's lab).
    pub fn publish(&self, p: Publish) -> Msg {
        let Some(publisher) = &self.publisher else {
            return Msg::Published(Err("publishing is only possible in the demo".into()));
        };
        let domain = match &p {
            Publish::Records { domain, .. }
            | Publish::RemoveRecords { domain }
            | Publish::Mx { domain, .. }
            | Publish::Policy { domain, .. } => domain.clone(),
        };
        Msg::Published(publisher.publish(p).map(|what| (domain, what)))
    }

    /// Performs one effect inline and returns the message it produces (`Quit` gives none).
    pub async fn perform(&mut self, effect: Effect) -> Option<Msg> {
        match effect {
            Effect::RunCheck { domains, generation, purpose } => {
                Some(self.check(domains, generation, purpose).run().await)
            }
            Effect::Fetch { url, secret } => {
                Some(self.fetch_with(&url, secret, &AtomicBool::new(false), &mut |_| {}).await)
            }
            Effect::DnsPreview(domain) => Some(self.dns_preview(domain).await),
            Effect::DnsApply { domain, shown } => Some(self.dns_apply(domain, shown, &mut |_| {}).await),
            other => self.perform_blocking(other),
        }
    }

    /// Performs one effect that waits on nothing but files, the store and the demo lab, and
    /// returns the message it produces; checks and fetches wait on the network and are
    /// [`perform`](Runtime::perform)ed instead (they, `Quit` and the cancels give none here).
    pub fn perform_blocking(&mut self, effect: Effect) -> Option<Msg> {
        Some(match effect {
            Effect::Reload => self.reload(),
            Effect::Op(op) => self.op(op),
            Effect::LoadReports { now } => self.load_reports(now),
            Effect::Import(paths) => self.import(&paths),
            Effect::InspectPath { typed, usage, submit } => {
                Msg::PathInspected { verdict: super::paths::inspect(&typed, usage), typed, submit }
            }
            Effect::Complete { typed } => {
                let (to, candidates) = super::paths::complete(&typed, &super::paths::listing(&typed));
                Msg::Completed { typed, to, candidates }
            }
            Effect::Copy(text) => {
                self.last_copy = Some(text);
                Msg::Note(Status::Info("copied".into()))
            }
            Effect::WriteFile { path, text } => write_file(&path, &text),
            Effect::WriteFiles { dir, files } => write_files(&dir, &files),
            Effect::WriteAudit { domain, path } => self.write_audit(&domain, &path),
            Effect::Publish(p) => self.publish(p),
            Effect::WranglerDeploy { domain, files } => self.wrangler_deploy(domain, &files),
            Effect::ReadZone { path, origin } => Msg::ZoneRead {
                file: sanitize(&path.display().to_string()).into_owned(),
                names: crate::ops::domain_list::read_names(&path, origin.as_ref()),
            },
            Effect::ShiftClock(by) => {
                self.clock.shift(by);
                Msg::Tick(self.clock.now())
            }
            Effect::RunCheck { .. }
            | Effect::Fetch { .. }
            | Effect::DnsPreview(_)
            | Effect::DnsApply { .. }
            | Effect::CancelImport
            | Effect::CancelCheck(_)
            | Effect::Quit => return None,
        })
    }
}

/// How many outcome lines an import note shows.
const IMPORT_LINES: usize = 5;

/// The wizard's view of one tracked domain's report numbers ([`ops::reports::numbers`], the
/// function the CLI uses too).
pub fn domain_reports(n: ops::reports::ReportNumbers) -> DomainReports {
    DomainReports { domain: n.domain, since: n.since, tally: n.tally, summary: n.summary, ahead: n.ahead }
}
