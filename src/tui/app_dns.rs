//! `p` with a DNS provider: the diff arrives and is shown for confirmation (or a note when
//! nothing changes); the outcome of publishing arrives and the domain is checked again.

use super::app::{App, Confirm, ConfirmKind, DnsDiff, Effect, Overlay, Purpose};
use mtasts_core::rfc::DomainName;

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
            self.overlay = Some(Overlay::Confirm(Confirm {
                kind: ConfirmKind::PublishDns { domain, shown: diff.lines },
                lines,
            }));
        } else {
            lines.push(if diff.lines.is_empty() && !diff.held.is_empty() {
                "Nothing to publish at this step.".into()
            } else {
                "Already published: the provider serves what this step needs.".into()
            });
            self.overlay = Some(Overlay::Note { title: "publish", lines });
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
