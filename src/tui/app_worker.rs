//! Path C as a fleet: the domains on the shared Worker, judged from this session's checks
//! (else the saved ones) by the pure [`mtasts_core::rollout::shared_worker`], and re-checking
//! them all at once.

use super::app::{App, Effect, Purpose};
use mtasts_core::rfc::DomainName;
use mtasts_core::rollout::{SharedWorker, shared_worker};

impl App {
    /// Every tracked domain on the shared Worker, with what it served at its latest check.
    pub fn shared_worker(&self) -> SharedWorker {
        shared_worker(self.tracked_states(), |s| self.checked(&s.domain).map(|c| &c.observation))
    }

    /// Re-checks every domain on the shared Worker (each recorded as it comes back).
    pub(super) fn check_shared(&mut self) -> Vec<Effect> {
        let domains: Vec<DomainName> = self.shared_worker().sites.into_iter().map(|s| s.domain).collect();
        self.set_status(format!("re-checking the {} domain(s) on the shared Worker…", domains.len()), false);
        let mut fx = vec![Effect::Reload];
        fx.extend(self.start_check(domains, Purpose::Refresh));
        fx
    }
}
