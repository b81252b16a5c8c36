//! Running live checks: every domain a task on the runtime (so judging and TLS use every core),
//! each result handed over as it comes, in input order through a bounded reorder buffer or
//! in completion order; or all of them at once, in input order.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tokio::time::{Instant, MissedTickBehavior, interval};

use super::check::{Checked, planned_hosts};
use mtasts_core::finding::Verdict;
use mtasts_core::judge::{JudgeContext, PlanContext, judge};
use mtasts_core::rfc::DomainName;
use mtasts_probe::{ProbeConfig, Prober, domain_window};

/// The order results are handed over in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// The order the domains were given in; a result waits in a buffer of at most
    /// [`domain_window`] domains until every earlier one has been handed over.
    Input,
    /// The order the checks finish in.
    Completion,
}

/// Where a fleet check stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// Domains to check.
    pub total: usize,
    /// Domains handed over so far.
    pub done: usize,
    /// Of those, how many failed.
    pub failing: usize,
    /// The domain waited on longest, and for how long (`None` when none is in flight).
    pub waiting_longest: Option<(DomainName, Duration)>,
}

/// What [`check_each`] reports.
#[derive(Debug)]
pub enum FleetEvent<'a> {
    /// One domain's result, with the progress counting it.
    Checked(Box<Checked>, &'a Progress),
    /// A periodic update (every quarter second) while domains are in flight.
    Tick(&'a Progress),
}

/// How often [`FleetEvent::Tick`] comes.
const TICK: Duration = Duration::from_millis(250);

/// Checks every domain as its own task, at most [`domain_window`] at once, sharing MX probes
/// across them, and calls `on` with each result as soon as `order` allows. Memory is bounded
/// by the window, not by the number of domains. A panic in a task is resumed here.
pub async fn check_each(
    domains: &[DomainName],
    cfg: &ProbeConfig,
    plans: &BTreeMap<DomainName, PlanContext>,
    order: Order,
    mut on: impl FnMut(FleetEvent<'_>),
) {
    let prober = Prober::new(cfg);
    let window = std::sync::Arc::new(Semaphore::new(domain_window(cfg)));
    let mut tasks = JoinSet::new();
    let mut started: HashMap<usize, Instant> = HashMap::new();
    let mut ids = HashMap::new();
    let mut buffer: BTreeMap<usize, (Checked, OwnedSemaphorePermit)> = BTreeMap::new();
    let mut progress = Progress { total: domains.len(), done: 0, failing: 0, waiting_longest: None };
    let (mut next, mut emit) = (0, 0);
    let mut ticks = interval(TICK);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    while progress.done < domains.len() {
        tokio::select! {
            permit = window.clone().acquire_owned(), if next < domains.len() => {
                let Ok(permit) = permit else { return };
                // Every free place at once, so the domains of a window start together.
                let mut permit = Some(permit);
                while let Some(p) = permit.take().or_else(|| window.clone().try_acquire_owned().ok()) {
                    if next >= domains.len() {
                        break;
                    }
                    let (domain, prober) = (domains[next].clone(), prober.clone());
                    let plan = plans.get(&domain).cloned();
                    let now = cfg.now;
                    let handle = tasks.spawn(async move {
                        let evidence = prober.probe(&domain).await;
                        let planned = planned_hosts(&evidence, plan.as_ref());
                        let planned_mx =
                            if planned.is_empty() { Vec::new() } else { prober.mx_hosts(&planned).await };
                        let judgement = judge(&evidence, &JudgeContext { plan, ..JudgeContext::new(now) });
                        let mut checked = Checked::new(evidence, judgement, now);
                        checked.observation.mx_results.extend(super::observe::mx_results(&planned_mx));
                        checked.planned_mx = planned_mx;
                        (checked, p)
                    });
                    ids.insert(handle.id(), next);
                    started.insert(next, Instant::now());
                    next += 1;
                }
            }
            joined = tasks.join_next_with_id(), if !tasks.is_empty() => {
                let (id, (checked, permit)) = match joined {
                    Some(Ok(done)) => done,
                    Some(Err(e)) => match e.try_into_panic() {
                        Ok(panic) => std::panic::resume_unwind(panic),
                        Err(_) => return,
                    },
                    None => continue,
                };
                let Some(index) = ids.remove(&id) else { continue };
                started.remove(&index);
                buffer.insert(index, (checked, permit));
                if order == Order::Completion {
                    emit = index;
                }
                while let Some((checked, permit)) = buffer.remove(&emit) {
                    drop(permit);
                    progress.done += 1;
                    progress.failing += usize::from(checked.judgement.verdict == Verdict::Fail);
                    on(FleetEvent::Checked(Box::new(checked), &progress));
                    emit += 1;
                }
            }
            _ = ticks.tick() => {
                progress.waiting_longest = started
                    .iter()
                    .min_by_key(|(_, at)| **at)
                    .map(|(i, at)| (domains[*i].clone(), at.elapsed()));
                on(FleetEvent::Tick(&progress));
            }
        }
    }
}

/// Probes every domain (sharing MX probes across them, within the config's limits), judges
/// each with its plan when one is given, and builds the observations. Output order is input
/// order; [`check_each`] hands each result over as it comes instead.
pub async fn check_domains(
    domains: &[DomainName],
    cfg: &ProbeConfig,
    plans: &BTreeMap<DomainName, PlanContext>,
) -> Vec<Checked> {
    let mut all = Vec::with_capacity(domains.len());
    check_each(domains, cfg, plans, Order::Input, |event| {
        if let FleetEvent::Checked(c, _) = event {
            all.push(*c);
        }
    })
    .await;
    all
}
