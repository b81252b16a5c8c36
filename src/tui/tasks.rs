//! Where the event loop sends its effects: nothing here runs on the loop itself.
//!
//! Store reads and writes, report loading, file writes and publishing go, in order, to one
//! blocking worker thread (so an operation and the reload after it cannot swap places). An
//! import runs on a blocking thread of its own, sending progress, and stops when cancelled. A
//! check of one domain is a task (a future) of its own, a check of several one fleet task that
//! sends each result as it comes; a new check of a domain drops the one in flight (single
//! flight per domain). Everything runs on the one runtime `main.rs` built.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::oneshot::error::TryRecvError;
use tokio::sync::{mpsc, oneshot};

use super::app::{Effect, ImportCounts, Msg, Purpose};
use super::effects::Runtime;
use mtasts_core::rfc::DomainName;
use mtasts_reports::count_files;

/// How often an import reports progress at most.
const PROGRESS_EVERY: Duration = Duration::from_millis(50);
/// How often a fleet check looks whether all its domains were replaced or cancelled.
const STOP_POLL: Duration = Duration::from_millis(250);

/// The background work of one wizard session.
#[derive(Debug)]
pub struct Tasks {
    runtime: Runtime,
    tx: mpsc::UnboundedSender<Msg>,
    serial: mpsc::UnboundedSender<Effect>,
    checks: BTreeMap<DomainName, oneshot::Sender<()>>,
    import: Option<Arc<AtomicBool>>,
}

impl Tasks {
    /// Starts the serial worker; results come back on `tx`. Must be called inside a tokio
    /// runtime.
    pub fn start(runtime: Runtime, tx: mpsc::UnboundedSender<Msg>) -> Tasks {
        let (serial, mut rx) = mpsc::unbounded_channel::<Effect>();
        let mut worker = runtime.clone();
        let out = tx.clone();
        tokio::task::spawn_blocking(move || {
            while let Some(effect) = rx.blocking_recv() {
                if let Some(msg) = worker.perform_blocking(effect) {
                    let _ = out.send(msg);
                }
            }
        });
        Tasks { runtime, tx, serial, checks: BTreeMap::new(), import: None }
    }

    /// The clock and probe settings checks start from.
    pub fn runtime_mut(&mut self) -> &mut Runtime {
        &mut self.runtime
    }

    /// Hands one effect to the right place. `Quit` and `Copy` are the loop's own business and
    /// are ignored here.
    pub fn dispatch(&mut self, effect: Effect) {
        match effect {
            Effect::RunCheck { domains, generation, purpose } => self.check(domains, generation, purpose),
            Effect::CancelCheck(d) => {
                self.checks.remove(&d);
            }
            Effect::Import(paths) => self.start_import(paths),
            Effect::DnsPreview(domain) => {
                let (runtime, tx) = (self.runtime.clone(), self.tx.clone());
                tokio::spawn(async move {
                    let _ = tx.send(runtime.dns_preview(domain).await);
                });
            }
            Effect::DnsApply { domain, shown } => {
                let (runtime, tx) = (self.runtime.clone(), self.tx.clone());
                tokio::spawn(async move {
                    let notes = tx.clone();
                    let mut progress = move |line: String| {
                        let _ = notes.send(Msg::Note(super::model::Status::Info(line)));
                    };
                    let _ = tx.send(runtime.dns_apply(domain, shown, &mut progress).await);
                });
            }
            Effect::Fetch { url, secret } => self.start_fetch(url, secret),
            Effect::CancelImport => {
                if let Some(cancel) = &self.import {
                    cancel.store(true, Ordering::Relaxed);
                }
            }
            Effect::ShiftClock(by) => {
                self.runtime.clock.shift(by);
                let _ = self.tx.send(Msg::Tick(self.runtime.clock.now()));
            }
            Effect::Quit | Effect::Copy(_) => {}
            quick
            @ (Effect::InspectPath { .. } | Effect::Complete { .. } | Effect::WranglerDeploy { .. }) => {
                let mut runtime = self.runtime.clone();
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    if let Some(msg) = runtime.perform_blocking(quick) {
                        let _ = tx.send(msg);
                    }
                });
            }
            other => {
                let _ = self.serial.send(other);
            }
        }
    }

    fn check(&mut self, domains: Vec<DomainName>, generation: u64, purpose: Purpose) {
        self.checks.retain(|_, s| !s.is_closed());
        if domains.len() > 1 {
            return self.check_fleet(domains, generation, purpose);
        }
        for (domain, job) in self.job(domains, generation, purpose).per_domain() {
            let (stop, stopped) = oneshot::channel::<()>();
            // Replacing the sender drops the old one, which ends the check in flight.
            self.checks.insert(domain, stop);
            let tx = self.tx.clone();
            tokio::spawn(async move {
                tokio::select! {
                    msg = job.run() => { let _ = tx.send(msg); }
                    _ = stopped => {}
                }
            });
        }
    }

    /// A check whose stages come back as [`Msg::CheckStage`] (the spinner names them).
    fn job(&self, domains: Vec<DomainName>, generation: u64, purpose: Purpose) -> super::checks::CheckJob {
        let tx = self.tx.clone();
        self.runtime.check(domains, generation, purpose).staged(move |domain, stage| {
            let _ = tx.send(Msg::CheckStage { generation, domain: domain.clone(), stage });
        })
    }

    /// Several domains (the home screen's re-check of everything tracked) go through the
    /// CLI's fleet path as one run, sharing MX probes, each result sent as it comes. A domain
    /// checked again meanwhile drops its stop, and its result from this run is not sent; the
    /// run ends early once every one of its domains was replaced or cancelled.
    fn check_fleet(&mut self, domains: Vec<DomainName>, generation: u64, purpose: Purpose) {
        let mut stops = BTreeMap::new();
        for domain in &domains {
            let (stop, stopped) = oneshot::channel::<()>();
            self.checks.insert(domain.clone(), stop);
            stops.insert(domain.clone(), stopped);
        }
        let job = self.job(domains, generation, purpose);
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let stops = Mutex::new(stops);
            let lock = || stops.lock().unwrap_or_else(PoisonError::into_inner);
            let wanted = |d: &DomainName| {
                lock().get_mut(d).is_some_and(|rx| rx.try_recv() == Err(TryRecvError::Empty))
            };
            let all_stopped = async {
                loop {
                    tokio::time::sleep(STOP_POLL).await;
                    if lock().values_mut().all(|rx| rx.try_recv() != Err(TryRecvError::Empty)) {
                        break;
                    }
                }
            };
            let run = job.run_each(|msg| {
                if let Msg::Checked { results, .. } = &msg
                    && results.iter().all(|c| wanted(&c.domain))
                {
                    let _ = tx.send(msg);
                }
            });
            tokio::select! {
                () = run => {}
                () = all_stopped => {}
            }
        });
    }

    /// Cancels the import or fetch in flight (one at a time) and arms the new one's flag.
    fn arm_import(&mut self) -> Arc<AtomicBool> {
        if let Some(old) = self.import.take() {
            old.store(true, Ordering::Relaxed);
        }
        let cancel = Arc::new(AtomicBool::new(false));
        self.import = Some(cancel.clone());
        cancel
    }

    fn start_import(&mut self, paths: Vec<PathBuf>) {
        let cancel = self.arm_import();
        let runtime = self.runtime.clone();
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let Some(total) = count_files(&paths, &cancel) else {
                let _ =
                    tx.send(Msg::Imported(Ok(ImportCounts { cancelled: true, ..ImportCounts::default() })));
                return;
            };
            let mut last = Instant::now();
            let mut told = false;
            let msg = runtime.import_with(&paths, Some(total), &cancel, &mut |c| {
                if c.cancelled && !told {
                    // Said at once: the rest of the walk stores nothing and need not be awaited.
                    told = true;
                    let _ = tx.send(Msg::Imported(Ok(c.clone())));
                } else if last.elapsed() >= PROGRESS_EVERY {
                    last = Instant::now();
                    let _ = tx.send(Msg::ImportProgress(c.clone()));
                }
            });
            if !told {
                let _ = tx.send(msg);
            }
        });
    }

    /// Runs a fetch like an import (one at a time, Esc cancels). Esc answers at once with the
    /// counts so far; the fetch is dropped where it waits (each message's reports and the
    /// mailbox position are saved before the next message starts).
    ///
    /// The fetch writes the report store (blocking file I/O) between its awaits and hands
    /// progress to a callback that need not be `Send`, so it is driven on a blocking thread by
    /// the program's one runtime (its handle; no runtime of its own).
    fn start_fetch(&mut self, url: String, secret: Option<super::secret::Typed>) {
        let cancel = self.arm_import();
        let runtime = self.runtime.clone();
        let tx = self.tx.clone();
        let handle = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            let so_far = std::cell::RefCell::new(ImportCounts { fetch: true, ..ImportCounts::default() });
            let mut last = Instant::now();
            let mut on_progress = |c: &ImportCounts| {
                *so_far.borrow_mut() = c.clone();
                if last.elapsed() >= PROGRESS_EVERY || c.total_files == Some(c.files) {
                    last = Instant::now();
                    let _ = tx.send(Msg::ImportProgress(c.clone()));
                }
            };
            handle.block_on(async {
                let fetch = runtime.fetch_with(&url, secret, &cancel, &mut on_progress);
                let cancelled = async {
                    while !cancel.load(Ordering::Relaxed) {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                };
                tokio::select! {
                    msg = fetch => { let _ = tx.send(msg); }
                    () = cancelled => {
                        let c = ImportCounts { cancelled: true, ..so_far.borrow().clone() };
                        let _ = tx.send(Msg::Imported(Ok(c)));
                    }
                }
            });
        });
    }
}

impl Drop for Tasks {
    /// Leaving the wizard stops an import (the runtime would otherwise wait for it to end).
    fn drop(&mut self) {
        if let Some(cancel) = &self.import {
            cancel.store(true, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::ops::Checker;
    use crate::store::Store;
    use crate::tui::Clock;

    /// Tasks over a fresh store whose resolver never answers (checks fail fast, offline).
    fn offline_tasks(dir: &std::path::Path) -> (Tasks, mpsc::UnboundedReceiver<Msg>) {
        let probe = Checker::unreachable(Duration::from_millis(300));
        let store = Store::open(dir).unwrap();
        let runtime = Runtime::new(store, probe, Clock::system());
        let (tx, rx) = mpsc::unbounded_channel();
        (Tasks::start(runtime, tx), rx)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_new_check_of_a_domain_replaces_the_one_in_flight() {
        let dir = tempfile::tempdir().unwrap();
        let (mut tasks, mut rx) = offline_tasks(dir.path());
        let d = DomainName::parse("example.com").unwrap();
        for generation in [1, 2] {
            tasks.dispatch(Effect::RunCheck {
                domains: vec![d.clone()],
                generation,
                purpose: Purpose::Refresh,
            });
        }
        let first = tokio::time::timeout(Duration::from_secs(60), rx.recv()).await.unwrap().unwrap();
        assert!(matches!(first, Msg::Checked { generation: 2, .. }), "{first:?}");
        let more = tokio::time::timeout(Duration::from_secs(3), rx.recv()).await;
        assert!(more.is_err(), "the replaced check reported too: {more:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn several_domains_come_back_one_message_each_and_a_cancelled_one_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let (mut tasks, mut rx) = offline_tasks(dir.path());
        let names = ["a.example", "b.example", "c.example"];
        let domains: Vec<DomainName> = names.iter().map(|d| DomainName::parse(d).unwrap()).collect();
        tasks.dispatch(Effect::RunCheck {
            domains: domains.clone(),
            generation: 7,
            purpose: Purpose::Refresh,
        });
        tasks.dispatch(Effect::CancelCheck(domains[1].clone()));
        let mut seen = Vec::new();
        for _ in 0..2 {
            let msg = tokio::time::timeout(Duration::from_secs(60), rx.recv()).await.unwrap().unwrap();
            let Msg::Checked { generation: 7, results, .. } = msg else { panic!("{msg:?}") };
            assert_eq!(results.len(), 1, "one message per domain");
            seen.push(results[0].domain.as_str().to_owned());
        }
        seen.sort();
        assert_eq!(seen, ["a.example", "c.example"]);
        let more = tokio::time::timeout(Duration::from_secs(3), rx.recv()).await;
        assert!(more.is_err(), "the cancelled domain reported: {more:?}");
    }

    /// A maildir whose `tmp/` holds a message still being delivered: the import skips it, and
    /// so does the count its progress line is measured against.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_import_reads_as_many_files_as_it_counted() {
        let dir = tempfile::tempdir().unwrap();
        let (mut tasks, mut rx) = offline_tasks(&dir.path().join("state"));
        let maildir = dir.path().join("Maildir");
        for (sub, name) in [("cur", "1:2,S"), ("new", "2"), ("tmp", "3")] {
            std::fs::create_dir_all(maildir.join(sub)).unwrap();
            let mail = format!("From: a@example.net\r\nSubject: not a report {name}\r\n\r\nhello\r\n");
            std::fs::write(maildir.join(sub).join(name), mail).unwrap();
        }
        tasks.dispatch(Effect::Import(vec![maildir]));
        let counts = loop {
            let msg = tokio::time::timeout(Duration::from_secs(60), rx.recv()).await.unwrap().unwrap();
            if let Msg::Imported(r) = msg {
                break r.unwrap();
            }
        };
        assert_eq!(counts.total_files, Some(2), "tmp/ is not counted: {counts:?}");
        assert_eq!(counts.files, 2, "the import read cur/ and new/: {counts:?}");
    }
}
