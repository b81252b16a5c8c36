//! `mtasts demo`: the wizard against the in-process lab, in a throw-away state directory.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use super::{Clock, DemoInfo, TuiConfig, TuiError};
use crate::lab::Lab;
use crate::ops::{self, AddOptions};
use crate::probe::{ProbeConfig, ResolverChoice};
use crate::rfc::DomainName;
use crate::rollout::Phase;
use crate::store::Store;

/// The demo domains that are tracked from the start.
pub const SEEDED: [&str; 4] = ["good.example", "expired.example", "html.example", "testing.example"];
/// The demo domain the user takes from add to enforced.
pub const FRESH: &str = "fresh.example";

/// Starts the lab and a probe config pointing at it.
pub async fn start_lab(now: Timestamp) -> Result<(Arc<Lab>, ProbeConfig), TuiError> {
    let lab = Lab::start_named("demo", now).await.map_err(|e| TuiError::Lab(e.to_string()))?;
    let mut probe = ProbeConfig::new(now);
    probe.resolver = ResolverChoice::At(lab.dns_addr);
    probe.smtp_port = lab.smtp_port;
    probe.https_port = lab.https_port;
    probe.extra_anchors = vec![lab.ca_der.clone()];
    probe.timeouts = crate::probe::Timeouts::uniform(std::time::Duration::from_secs(5));
    Ok((Arc::new(lab), probe))
}

/// Tracks the seeded demo domains (adopting what the lab serves) and puts `testing.example`
/// 20 days into its testing window.
pub async fn seed(store: &Store, probe: &ProbeConfig, now: Timestamp) -> Result<(), TuiError> {
    let domains: Vec<DomainName> = SEEDED.iter().filter_map(|d| DomainName::parse(d).ok()).collect();
    let mut cfg = probe.clone();
    cfg.now = now;
    for c in ops::check_domains(&domains, &cfg, &BTreeMap::new()).await {
        let added =
            ops::domain::add(store, &c, AddOptions::default()).map_err(|e| TuiError::State(e.to_string()))?;
        ops::domain::record(store, &c).map_err(|e| TuiError::State(e.to_string()))?;
        if added.state.phase == Phase::Testing {
            let back = now.checked_sub(SignedDuration::from_hours(24 * 20)).unwrap_or(now);
            ops::domain::edit(store, &c.domain, |mut s| {
                for t in s.transitions.iter_mut().filter(|t| t.phase == Phase::Testing) {
                    t.at = back;
                }
                s
            })
            .map_err(|e| TuiError::State(e.to_string()))?;
        }
    }
    Ok(())
}

/// Runs `mtasts demo`: lab, temporary state, seeded domains, the wizard; cleans up on exit.
pub fn run(color: bool) -> Result<(), TuiError> {
    let started = std::time::Instant::now();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        let clock = Clock::system();
        let now = clock.now();
        let dir = tempfile::Builder::new().prefix("mtasts-demo-").tempdir()?;
        let store = Store::open(dir.path()).map_err(|e| TuiError::State(e.to_string()))?;
        let (lab, probe) = start_lab(now).await?;
        seed(&store, &probe, now).await?;
        let mut domains: Vec<String> = SEEDED.iter().map(|s| (*s).to_owned()).collect();
        domains.push(FRESH.to_owned());
        let demo = DemoInfo { state_dir: dir.path().to_owned(), domains };
        let config = TuiConfig { store, probe, clock, color, demo: Some(demo), lab: Some(lab), started };
        let r = super::run::run_async(config).await;
        drop(dir);
        r
    })
}
