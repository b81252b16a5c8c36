//! What the wizard publishes beyond the screen: `p` with a DNS provider (the diff arrives and
//! is shown for confirmation, or a note when nothing changes; the outcome arrives and the
//! domain is checked again) and `U`, `wrangler deploy` of the generated Worker.

use super::app::{App, Confirm, ConfirmKind, DnsDiff, Effect, Overlay, Purpose};
use super::artefact::Artefact;
use mtasts_core::rfc::DomainName;
use mtasts_core::rollout::{DomainState, Phase};

impl App {
    pub(super) fn on_dns_previewed(
        &mut self,
        domain: DomainName,
        result: Result<DnsDiff, String>,
    ) -> Vec<Effect> {
        self.dirty = true;
        let diff = match result {
            Ok(d) => d,
            Err(e) => {
                self.set_status(e, true);
                return Vec::new();
            }
        };
        self.status = None;
        let mut lines = vec![diff.provider.clone(), format!("step: {}", diff.step)];
        lines.extend(diff.lines.iter().cloned());
        lines.extend(diff.held.iter().map(|h| format!("not yet: {h}")));
        if diff.changes {
            lines.push("Apply these changes as one update, then wait for every nameserver? (y/n)".into());
            self.overlay = Some(Overlay::Confirm(Confirm::new(
                lines,
                ConfirmKind::PublishDns { domain, shown: diff.lines },
            )));
        } else {
            lines.push(if diff.lines.is_empty() && !diff.held.is_empty() {
                "Nothing to publish at this step.".into()
            } else {
                "Already published: the provider serves what this step needs.".into()
            });
            self.overlay = Some(Overlay::note("publish", lines));
        }
        Vec::new()
    }

    /// `U`: confirm writing the wrangler project and running `wrangler deploy`.
    pub(super) fn deploy_worker(&mut self, state: &DomainState) -> Vec<Effect> {
        match self.artefact(state, Artefact::Wrangler, Phase::Hosting) {
            Ok(files) => {
                let domain = state.domain.clone();
                let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
                let lines = vec![
                    format!("Deploy the Worker serving {}'s policy with wrangler?", domain),
                    format!(
                        "This writes {} into the state directory's wrangler/{domain}/ and runs wrangler deploy there (CLOUDFLARE_API_TOKEN).",
                        names.join(" + ")
                    ),
                ];
                self.overlay =
                    Some(Overlay::Confirm(Confirm::new(lines, ConfirmKind::Deploy { domain, files })));
            }
            Err(e) => self.set_status(e, true),
        }
        Vec::new()
    }

    pub(super) fn on_deployed(
        &mut self,
        domain: DomainName,
        result: Result<Vec<String>, String>,
    ) -> Vec<Effect> {
        self.dirty = true;
        match result {
            Ok(lines) => {
                self.set_status(
                    format!("wrangler deploy for {domain} finished; r re-checks the policy"),
                    false,
                );
                self.overlay = Some(Overlay::note("wrangler deploy", lines));
            }
            Err(e) => self.set_status(e, true),
        }
        Vec::new()
    }

    pub(super) fn on_dns_published(
        &mut self,
        domain: DomainName,
        result: Result<String, String>,
    ) -> Vec<Effect> {
        self.dirty = true;
        match result {
            Ok(what) => {
                self.set_status(what, false);
                let mut fx = vec![Effect::Reload];
                fx.extend(self.start_check(vec![domain], Purpose::Refresh));
                fx
            }
            Err(e) => {
                self.set_status(e, true);
                Vec::new()
            }
        }
    }
}
