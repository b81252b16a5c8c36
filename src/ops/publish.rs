//! Publishing the records a step needs through the domain's DNS provider, for both front
//! ends: check the domain and read what the provider serves ([`preview`]: the diff to show),
//! apply it as one update once confirmed ([`apply`]), then follow the authoritative
//! nameservers until every one serves it ([`follow`]). The decisions are
//! `mtasts_core::publish`'s; the provider is `mtasts_dns_publish`'s.

use std::collections::BTreeMap;
use std::time::Duration;

use super::check::{Checked, plan_context};
use super::checker::Checker;
use super::domain::{OpsError, record};
use crate::store::Store;
use mtasts_core::publish::{
    ChangeSet, DiffError, Intent, Options, Spread, diff, intent, resolver_shows, spread,
};
use mtasts_core::rfc::DomainName;
use mtasts_core::rollout::DomainState;
use mtasts_dns_publish::{Client, PublishError, Snapshot};

/// How long one request to a provider may take at most.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(30);

/// Why publishing could not go on.
#[derive(Debug, thiserror::Error)]
pub enum PublishOpsError {
    /// The domain is not tracked.
    #[error("{0} is not tracked; start with `mtasts add {0}`")]
    NotTracked(DomainName),
    /// No provider is set.
    #[error(
        "{0} has no DNS provider: set one with `mtasts dns {0} URL` (rfc2136://KEY@SERVER, \
         pdns+https://HOST/SERVER_ID or cloudflare://), or publish the records by hand"
    )]
    NoProvider(DomainName),
    /// Reading or writing state failed.
    #[error(transparent)]
    Ops(#[from] OpsError),
    /// The provider failed.
    #[error(transparent)]
    Provider(#[from] PublishError),
    /// The records cannot be changed here (a delegated name).
    #[error(transparent)]
    Diff(#[from] DiffError),
    /// The check produced no result.
    #[error("the check of {0} produced no result")]
    NoCheck(DomainName),
}

/// What publishing would change, from a fresh check and a fresh read of the provider.
#[derive(Debug, Clone)]
pub struct Preview {
    /// The provider in words.
    pub provider: String,
    /// What the step wants.
    pub intent: Intent,
    /// The diff.
    pub changes: ChangeSet,
    /// What the provider served when read.
    pub snapshot: Snapshot,
    /// The state with the check recorded.
    pub state: DomainState,
    /// The check.
    pub checked: Checked,
}

/// Checks `domain` once, judged with its plan, and records the check.
pub async fn check_and_record(
    store: &Store,
    checker: &Checker,
    domain: &DomainName,
) -> Result<(DomainState, Checked), PublishOpsError> {
    let state = store
        .load(domain)
        .map_err(OpsError::from)?
        .ok_or_else(|| PublishOpsError::NotTracked(domain.clone()))?;
    let plans = BTreeMap::from([(domain.clone(), plan_context(&state))]);
    let checked = checker
        .check(std::slice::from_ref(domain), &plans)
        .await
        .pop()
        .ok_or_else(|| PublishOpsError::NoCheck(domain.clone()))?;
    Ok((record(store, &checked)?, checked))
}

/// Connects to the domain's provider, checks the domain, reads what the provider serves and
/// diffs it against what the current step wants.
pub async fn preview(
    store: &Store,
    checker: &Checker,
    domain: &DomainName,
    keep_tlsrpt: bool,
    now: jiff::Timestamp,
) -> Result<(Preview, Client), PublishOpsError> {
    let state = store
        .load(domain)
        .map_err(OpsError::from)?
        .ok_or_else(|| PublishOpsError::NotTracked(domain.clone()))?;
    let setup = state.dns.clone().ok_or_else(|| PublishOpsError::NoProvider(domain.clone()))?;
    let client = Client::connect(&setup, checker.extra_anchors(), PROVIDER_TIMEOUT).await?;
    let (state, checked) = check_and_record(store, checker, domain).await?;
    let opts = Options { policy_host: setup.policy_host.as_ref(), keep_tlsrpt };
    let intent = intent(&state, &checked.observation, &opts, now);
    let snapshot = client.read(domain).await?;
    let changes = diff(&intent, &snapshot.records, setup.ttl())?;
    let provider = format!("{} (zone {})", client.describe(), snapshot.zone);
    Ok((Preview { provider, intent, changes, snapshot, state, checked }, client))
}

/// Applies the previewed changes as one update (nothing when there are none).
pub async fn apply(client: &Client, preview: &Preview) -> Result<(), PublishOpsError> {
    Ok(client.apply(&preview.intent.domain, &preview.snapshot, &preview.changes).await?)
}

/// Where the records stand after one more check.
#[derive(Debug, Clone)]
pub struct Followed {
    /// The state with the latest check recorded.
    pub state: DomainState,
    /// The nameservers' view (`None` when none could be asked: the resolver's view decided).
    pub spread: Option<Spread>,
    /// Every nameserver that answered serves the records (or, without them, the resolver).
    pub done: bool,
    /// Nameservers that gave no answer, with why.
    pub silent: Vec<String>,
}

impl Followed {
    /// The progress in one line.
    pub fn line(&self) -> String {
        match &self.spread {
            Some(s) => s.summary(),
            None if self.done => {
                "the resolver shows the new records (no nameserver could be asked directly)".into()
            }
            None => "the resolver does not show the new records yet (no nameserver could be asked directly)"
                .into(),
        }
    }
}

/// Checks once and says whether every authoritative nameserver serves what `intent` wants.
pub async fn follow_once(
    store: &Store,
    checker: &Checker,
    intent: &Intent,
) -> Result<Followed, PublishOpsError> {
    let (state, checked) = check_and_record(store, checker, &intent.domain).await?;
    let ns = checked.evidence.nameservers.as_ref().filter(|n| !n.servers.is_empty());
    Ok(match ns {
        Some(ns) => {
            let s = spread(intent, ns);
            let silent = s.silent.clone();
            // Nameservers that never answer cannot confirm anything: then the resolver decides.
            if s.serving.is_empty() && s.lagging.is_empty() {
                Followed { state, done: resolver_shows(intent, &checked.observation), spread: None, silent }
            } else {
                Followed { state, done: s.done(), spread: Some(s), silent }
            }
        }
        None => Followed {
            state,
            done: resolver_shows(intent, &checked.observation),
            spread: None,
            silent: Vec::new(),
        },
    })
}

/// Follows the nameservers until every one serves what `intent` wants or `wait` has passed,
/// handing each round to `on`; returns the last round.
pub async fn follow(
    store: &Store,
    checker: &Checker,
    intent: &Intent,
    wait: Duration,
    mut on: impl FnMut(&Followed),
) -> Result<Followed, PublishOpsError> {
    let start = tokio::time::Instant::now();
    loop {
        let round = follow_once(store, checker, intent).await?;
        on(&round);
        if round.done || start.elapsed() >= wait {
            return Ok(round);
        }
        tokio::time::sleep(Duration::from_secs(2).min(wait.saturating_sub(start.elapsed()))).await;
    }
}
