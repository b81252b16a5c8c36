//! The probe settings a front end holds, and the checks it runs with them: the wizard reaches
//! the probes only through a [`Checker`] (it never names the probe crate).

use std::collections::BTreeMap;
use std::time::Duration;

use rustls_pki_types::CertificateDer;

use super::check::Checked;
use super::fleet::{FleetEvent, Order, check_domains, check_each};
use mtasts_core::judge::PlanContext;
use mtasts_core::rfc::DomainName;
use mtasts_probe::ProbeConfig;

/// How to reach the world (resolver, ports, trust anchors, timeouts, limits) and the time
/// certificates are judged at; runs checks with them. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Checker {
    cfg: ProbeConfig,
}

impl From<ProbeConfig> for Checker {
    fn from(cfg: ProbeConfig) -> Checker {
        Checker { cfg }
    }
}

impl Checker {
    /// The same settings with certificates judged at `now` (a long-running front end reads
    /// its clock before each check).
    pub fn at(&self, now: jiff::Timestamp) -> Checker {
        Checker { cfg: ProbeConfig { now, ..self.cfg.clone() } }
    }

    /// The same settings, telling `hook` when each domain's check moves on from DNS to its
    /// servers (the wizard's spinner names what it waits for).
    pub fn with_stage(
        &self,
        hook: impl Fn(&DomainName, mtasts_core::evidence::ProbeStage) + Send + Sync + 'static,
    ) -> Checker {
        let stage = Some(mtasts_probe::StageHook(std::sync::Arc::new(hook)));
        Checker { cfg: ProbeConfig { stage, ..self.cfg.clone() } }
    }

    /// Checks every domain at once, judged with its plan when one is given; results in input
    /// order ([`check_domains`]).
    pub async fn check(
        &self,
        domains: &[DomainName],
        plans: &BTreeMap<DomainName, PlanContext>,
    ) -> Vec<Checked> {
        check_domains(domains, &self.cfg, plans).await
    }

    /// Checks every domain, handing each result to `on` as it comes ([`check_each`]).
    pub async fn check_each(
        &self,
        domains: &[DomainName],
        plans: &BTreeMap<DomainName, PlanContext>,
        order: Order,
        on: impl FnMut(FleetEvent<'_>),
    ) {
        check_each(domains, &self.cfg, plans, order, on).await;
    }

    /// The extra trust anchors (`--ca-file`), which an IMAP fetch trusts too.
    pub fn extra_anchors(&self) -> &[CertificateDer<'static>] {
        &self.cfg.extra_anchors
    }

    /// How long one connection attempt may take.
    pub fn connect_timeout(&self) -> Duration {
        self.cfg.timeouts.connect
    }

    /// Where the DKIM keys of e-mailed reports are looked up (the same resolver).
    pub fn dkim(&self) -> mtasts_reports::DkimSettings {
        super::reports::dkim_settings(&self.cfg)
    }

    /// How long everything for one domain may take.
    pub fn overall_timeout(&self) -> Duration {
        self.cfg.timeouts.overall
    }

    /// A checker whose resolver never answers, giving up after `timeout`: checks fail fast
    /// and offline (for the wizard's tests).
    #[cfg(test)]
    pub(crate) fn unreachable(timeout: Duration) -> Checker {
        let mut cfg = ProbeConfig::new(jiff::Timestamp::now());
        cfg.resolver = mtasts_probe::ResolverChoice::At(std::net::SocketAddr::from(([127, 0, 0, 1], 1)));
        cfg.timeouts = mtasts_probe::Timeouts::uniform(timeout);
        Checker { cfg }
    }
}
