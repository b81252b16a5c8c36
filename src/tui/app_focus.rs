//! The domain keys act on — the open one, or the one selected on the home screen — what the
//! wizard knows of it, and the way out while its mail is refused (`b`).

use super::app::{App, Confirm, ConfirmKind, Effect, Entry, Overlay, Screen};
use mtasts_core::rfc::DomainName;

impl App {
    /// The latest check of `domain`: this session's, else the one its state file recorded.
    pub fn observation(&self, domain: &DomainName) -> Option<&mtasts_core::rollout::Observation> {
        self.checked(domain).map(|c| &c.observation).or(self.state(domain)?.last_observation.as_ref())
    }

    /// Whether mail to `domain` is refused now: its live policy enforces and an MX host fails
    /// it (the certificate-emergency way out is then one key away).
    pub fn emergency(&self, domain: &DomainName) -> Option<mtasts_core::rollout::Emergency> {
        mtasts_core::rollout::emergency(self.state(domain)?, self.observation(domain)?, self.now)
    }

    /// In the demo, the lab's domains not tracked yet: the ones to rehearse adding with.
    pub fn rehearsal_domains(&self) -> Vec<String> {
        let Some(demo) = &self.demo else { return Vec::new() };
        demo.domains
            .iter()
            .filter(|d| DomainName::parse(d).is_ok_and(|d| self.state(&d).is_none()))
            .cloned()
            .collect()
    }

    /// The domain keys act on: the open one, or the one selected on the home screen.
    pub fn focused(&self) -> Option<DomainName> {
        match &self.screen {
            Screen::Domain(v) => Some(v.domain.clone()),
            Screen::Home => match self.selected_entry()? {
                Entry::Ok(s) => Some(s.domain.clone()),
                Entry::Bad { .. } => None,
            },
        }
    }

    /// `b`: the rollback of the focused domain, to confirm. While its mail is refused the
    /// confirmation is the certificate-emergency plan, said in full.
    pub(super) fn roll_back(&mut self) -> Vec<Effect> {
        let Some(domain) = self.focused() else { return Vec::new() };
        let Some(state) = self.state(&domain) else { return Vec::new() };
        let lines = match self.emergency(&domain) {
            Some(e) => {
                let plan = e.plan(state, self.now);
                let mut lines = Vec::new();
                for (i, n) in plan.iter().enumerate() {
                    if i > 0 {
                        lines.push(String::new());
                    }
                    lines.push(n.render(|v| super::hints::later_keys(self, v)));
                }
                lines
            }
            None => vec![
                format!("Roll back MTA-STS for {domain}?"),
                "This plans mode: none with a new id; keep the records until the countdown ends.".into(),
            ],
        };
        self.overlay = Some(Overlay::Confirm(Confirm::new(lines, ConfirmKind::Rollback(domain))));
        Vec::new()
    }
}
