//! Performing effects: probes, store operations, files and the demo lab. The event loop runs
//! checks in background tasks; tests may await [`Runtime::perform`] inline.

use std::collections::BTreeMap;
use std::sync::Arc;

use std::path::PathBuf;

use base64::Engine;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::Clock;
use super::app::{DomainReports, Effect, Entry, ImportCounts, Msg, Op, OpOutcome, Publish, Purpose};
use crate::lab::Lab;
use crate::ops::{self, Checked};
use crate::probe::ProbeConfig;
use crate::reports::{Outcome, Report, ReportStore, summarize, window_tally};
use crate::rfc::DomainName;
use crate::rollout::{DomainState, testing_started};
use crate::sanitize::sanitize;
use crate::store::Store;

/// What effects are performed against.
#[derive(Clone)]
pub struct Runtime {
    /// Tracked domains.
    pub store: Store,
    /// Probe settings (its `now` is refreshed for each check).
    pub probe: ProbeConfig,
    /// The clock.
    pub clock: Clock,
    /// The demo lab, if any.
    pub lab: Option<Arc<Lab>>,
    /// The last text put on the clipboard.
    pub last_copy: Option<String>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("store", &self.store)
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

/// The OSC 52 sequence that puts `text` on the terminal's clipboard (works over SSH).
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64::engine::general_purpose::STANDARD.encode(text))
}

impl Runtime {
    /// Reads every state file.
    pub fn reload(&self) -> Msg {
        let entries = match self.store.list() {
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
        let mut cfg = self.probe.clone();
        cfg.now = self.clock.now();
        let plans: BTreeMap<_, _> = domains
            .iter()
            .filter_map(|d| Some((d.clone(), ops::plan_context(&self.store.load(d).ok()??))))
            .collect();
        CheckJob { domains, cfg, plans, generation, purpose }
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
            Op::SetRua(d, rua) => ops::domain::edit(s, &d, |st| crate::rollout::set_rua(st, rua))
                .map(|st| OpOutcome::Saved(Box::new(st))),
            Op::SetHosting(d, h) => ops::domain::edit(s, &d, |st| crate::rollout::set_hosting(st, h))
                .map(|st| OpOutcome::Saved(Box::new(st))),
            Op::Remove(d) => s.remove(&d).map(|()| OpOutcome::Removed(d)).map_err(ops::OpsError::from),
        };
        Msg::OpDone(r.map_err(|e| e.to_string()))
    }

    fn report_store(&self) -> Result<ReportStore, String> {
        let dir = self.store.domains_dir().parent().unwrap_or(self.store.domains_dir());
        ReportStore::open(dir).map_err(|e| e.to_string())
    }

    /// Sums the imported reports per tracked domain: the testing window's tally for the gate,
    /// and a summary since the window's start (30 days back outside testing) for the view.
    pub fn load_reports(&self, now: Timestamp) -> Msg {
        let r = self.report_store().map(|rs| {
            let (reports, _) = rs.load_all();
            let states = self.store.list().unwrap_or_default().into_iter().filter_map(|(_, s)| s.ok());
            states.map(|s| domain_reports(&reports, &s, now)).collect()
        });
        Msg::ReportsLoaded(r)
    }

    /// Imports reports and counts the outcomes.
    pub fn import(&self, paths: &[PathBuf]) -> Msg {
        let r = self.report_store().map(|rs| {
            let mut c = ImportCounts::default();
            for o in rs.import_paths(paths) {
                match &o.outcome {
                    Outcome::Imported { .. } => c.imported += 1,
                    Outcome::Duplicate { .. } => c.duplicate += 1,
                    Outcome::Rejected { .. } => c.rejected += 1,
                    Outcome::Ignored { .. } => c.ignored += 1,
                }
                if c.lines.len() < IMPORT_LINES {
                    c.lines.push(sanitize(&o.to_string()).into_owned());
                }
            }
            c
        });
        Msg::Imported(r)
    }

    /// Publishes into the demo lab.
    pub fn publish(&self, p: Publish) -> Msg {
        let Some(lab) = &self.lab else {
            return Msg::Published(Err("publishing is only possible in the demo".into()));
        };
        let r = match p {
            Publish::Records { domain, sts, tlsrpt } => lab
                .publish_txt(&domain.child("_mta-sts"), vec![vec![sts]])
                .and_then(|()| lab.publish_txt(&domain.child("_smtp._tls"), vec![vec![tlsrpt]]))
                .map(|()| (domain, "the TXT records".to_owned())),
            Publish::Policy { domain, body } => lab
                .publish_policy(domain.as_str(), Some(body.into_bytes()))
                .map(|()| (domain, "the policy file".to_owned())),
        };
        Msg::Published(r.map_err(|e| e.to_string()))
    }

    /// Performs one effect inline and returns the message it produces (`Quit` gives none).
    pub async fn perform(&mut self, effect: Effect) -> Option<Msg> {
        Some(match effect {
            Effect::Reload => self.reload(),
            Effect::RunCheck { domains, generation, purpose } => {
                self.check(domains, generation, purpose).run().await
            }
            Effect::Op(op) => self.op(op),
            Effect::LoadReports { now } => self.load_reports(now),
            Effect::Import(paths) => self.import(&paths),
            Effect::Copy(text) => {
                self.last_copy = Some(text);
                Msg::Note(Ok("copied".into()))
            }
            Effect::WriteFile { path, text } => write_file(&path, &text),
            Effect::Publish(p) => self.publish(p),
            Effect::ShiftClock(by) => {
                self.clock.shift(by);
                Msg::Tick(self.clock.now())
            }
            Effect::Quit => return None,
        })
    }
}

/// How many outcome lines an import note shows.
const IMPORT_LINES: usize = 5;

/// Days shown outside the testing window.
const LOOKBACK_DAYS: i64 = 30;

/// The reports of one tracked domain as of `now`.
pub fn domain_reports(reports: &[Report], state: &DomainState, now: Timestamp) -> DomainReports {
    let started = testing_started(state);
    let from = started
        .unwrap_or_else(|| now.checked_sub(SignedDuration::from_hours(24 * LOOKBACK_DAYS)).unwrap_or(now));
    let since = from.to_zoned(TimeZone::UTC).date();
    let domain = state.domain.as_str();
    DomainReports {
        domain: state.domain.clone(),
        since,
        tally: started.and_then(|s| window_tally(reports, domain, s, now)),
        summary: summarize(reports, Some(domain), Some(since)).into_iter().next(),
    }
}

/// Writes a snippet; refuses to overwrite an existing file.
pub fn write_file(path: &std::path::Path, text: &str) -> Msg {
    use std::io::Write;
    let shown = crate::sanitize::sanitize(&path.display().to_string()).into_owned();
    let r = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|()| f.sync_all()));
    Msg::Note(match r {
        Ok(()) => Ok(format!("wrote {shown}")),
        Err(e) => Err(format!("cannot write {shown}: {e}")),
    })
}

/// A prepared check: everything it needs, owned.
#[derive(Debug)]
pub struct CheckJob {
    domains: Vec<DomainName>,
    cfg: ProbeConfig,
    plans: BTreeMap<DomainName, crate::judge::PlanContext>,
    generation: u64,
    purpose: Purpose,
}

impl CheckJob {
    /// Runs the check.
    pub async fn run(self) -> Msg {
        let results: Vec<Checked> = ops::check_domains(&self.domains, &self.cfg, &self.plans).await;
        Msg::Checked { generation: self.generation, purpose: self.purpose, results }
    }

    /// Runs the check in the background and sends its result to `tx`.
    pub fn spawn(self, tx: tokio::sync::mpsc::UnboundedSender<Msg>) {
        let handle = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            let _ = tx.send(handle.block_on(self.run()));
        });
    }
}
