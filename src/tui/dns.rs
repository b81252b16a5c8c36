//! Publishing through a domain's DNS provider from the wizard ([`ops::publish`], as `mtasts
//! publish` does): the diff for `p`, then — once confirmed, and only if the provider still
//! serves what the diff was made from — the update and the wait for the nameservers.

use std::time::Duration;

use super::effects::Runtime;
use super::msg::{DnsDiff, Msg};
use crate::ops::publish::{apply, follow, preview};
use mtasts_core::rfc::DomainName;
use mtasts_core::sanitize::sanitize;

/// How long the wizard follows the nameservers after publishing.
const WAIT: Duration = Duration::from_secs(120);

fn words(e: &impl std::fmt::Display) -> String {
    sanitize(&e.to_string()).into_owned()
}

impl Runtime {
    /// Checks `domain`, reads its records at the provider and diffs them.
    pub async fn dns_preview(&self, domain: DomainName) -> Msg {
        let now = self.clock.now();
        let result =
            preview(&self.store, &self.probe.at(now), &domain, false, now).await.map(|(p, _)| DnsDiff {
                provider: words(&p.provider),
                step: words(&p.intent.step),
                lines: p.changes.lines(),
                held: p.intent.held.iter().map(words).collect(),
                changes: !p.changes.is_empty(),
            });
        Msg::DnsPreviewed { domain, result: result.map_err(|e| words(&e)) }
    }

    /// Publishes `domain`'s records if the diff is still `shown`, then follows the
    /// nameservers, handing each round's line to `progress`.
    pub async fn dns_apply(
        &self,
        domain: DomainName,
        shown: Vec<String>,
        progress: &mut (dyn FnMut(String) + Send),
    ) -> Msg {
        let now = self.clock.now();
        let checker = self.probe.at(now);
        let result = async {
            let (p, client) = preview(&self.store, &checker, &domain, false, now).await.map_err(|e| words(&e))?;
            if p.changes.lines() != shown {
                return Err("the records at the provider changed since the diff was shown: press p to see the new one"
                    .to_owned());
            }
            apply(&client, &p).await.map_err(|e| words(&e))?;
            let last = follow(&self.store, &checker, &p.intent, WAIT, |round| {
                progress(format!("published {domain}; waiting for the nameservers: {}", words(&round.line())));
            })
            .await
            .map_err(|e| words(&e))?;
            let tail = if last.done { "" } else { " (not every one yet: re-check later)" };
            Ok(format!("published {domain}: {}{tail}", words(&last.line())))
        }
        .await;
        Msg::DnsPublished(domain, result)
    }
}
