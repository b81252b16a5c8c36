//! One check the wizard runs: the domains, how to check them, and the generation and purpose
//! its result carries back (so that a newer check of a domain can replace it).

use std::collections::BTreeMap;

use super::msg::{Msg, Purpose};
use crate::ops::{self, Checked, Checker, FleetEvent, Order};
use crate::store::Store;
use mtasts_core::judge::PlanContext;
use mtasts_core::rfc::DomainName;

/// A prepared check: everything it needs, owned.
#[derive(Debug)]
pub struct CheckJob {
    domains: Vec<DomainName>,
    checker: Checker,
    store: Store,
    generation: u64,
    purpose: Purpose,
}

impl CheckJob {
    /// A check of `domains` with `checker`, whose result carries `generation` and `purpose`.
    pub fn new(
        domains: Vec<DomainName>,
        checker: Checker,
        store: Store,
        generation: u64,
        purpose: Purpose,
    ) -> CheckJob {
        CheckJob { domains, checker, store, generation, purpose }
    }

    /// The same check, telling `hook` when each domain moves on from DNS to its servers.
    pub fn staged(
        mut self,
        hook: impl Fn(&DomainName, mtasts_core::evidence::ProbeStage) + Send + Sync + 'static,
    ) -> CheckJob {
        self.checker = self.checker.with_stage(hook);
        self
    }

    /// Runs the check (reading the plans of tracked domains first).
    pub async fn run(self) -> Msg {
        let plans = self.plans().await;
        let results: Vec<Checked> = self.checker.check(&self.domains, &plans).await;
        Msg::Checked { generation: self.generation, purpose: self.purpose, results }
    }

    /// Runs the check as the CLI does ([`ops::check_each`]), handing each domain's result to
    /// `on` as a [`Msg::Checked`] of its own as soon as it is known.
    pub async fn run_each(self, mut on: impl FnMut(Msg)) {
        let plans = self.plans().await;
        let (generation, purpose) = (self.generation, self.purpose);
        self.checker
            .check_each(&self.domains, &plans, Order::Completion, |event| {
                if let FleetEvent::Checked(c, _) = event {
                    on(Msg::Checked { generation, purpose, results: vec![*c] });
                }
            })
            .await;
    }

    /// The plans of the tracked domains among those checked, read off the event loop.
    async fn plans(&self) -> BTreeMap<DomainName, PlanContext> {
        let store = self.store.clone();
        let domains = self.domains.clone();
        tokio::task::spawn_blocking(move || {
            domains
                .iter()
                .filter_map(|d| Some((d.clone(), ops::plan_context(&store.load(d).ok()??))))
                .collect::<BTreeMap<_, _>>()
        })
        .await
        .unwrap_or_default()
    }

    /// The same check split into one job per domain (so each can be replaced on its own).
    pub fn per_domain(self) -> Vec<(DomainName, CheckJob)> {
        let CheckJob { domains, checker, store, generation, purpose } = self;
        domains
            .into_iter()
            .map(|d| {
                let job = CheckJob {
                    domains: vec![d.clone()],
                    checker: checker.clone(),
                    store: store.clone(),
                    generation,
                    purpose,
                };
                (d, job)
            })
            .collect()
    }
}
