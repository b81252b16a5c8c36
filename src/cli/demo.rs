//! `mtasts demo`: the wizard against the in-process lab, in a throw-away state directory.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use crate::ops::{self, AddOptions, Checker};
use crate::store::Store;
use crate::tui::app::Publish;
use crate::tui::effects::Publisher;
use crate::tui::{Clock, DemoInfo, TuiConfig, TuiError};
use mtasts_core::rfc::DomainName;
use mtasts_core::rollout::Phase;
use mtasts_lab::{Lab, Scenario, scenario};

/// The demo domains that are tracked from the start.
pub const SEEDED: [&str; 5] =
    ["good.example", "expired.example", "html.example", "testing.example", "dane-ee.example"];
/// The demo domain the user takes from add to enforced.
pub const FRESH: &str = "fresh.example";

/// The lab as the wizard's publisher.
#[derive(Debug, Clone)]
pub struct LabPublisher(pub Arc<Lab>);

impl Publisher for LabPublisher {
    fn publish(&self, p: Publish) -> Result<String, String> {
        let lab = &self.0;
        let r = match p {
            Publish::Records { domain, sts, tlsrpt } => lab
                .publish_txt(&domain.child("_mta-sts"), vec![vec![sts]])
                .and_then(|()| lab.publish_txt(&domain.child("_smtp._tls"), vec![vec![tlsrpt]]))
                .map(|()| "the TXT records".to_owned()),
            Publish::RemoveRecords { domain } => lab
                .publish_txt(&domain.child("_mta-sts"), Vec::new())
                .and_then(|()| lab.publish_txt(&domain.child("_smtp._tls"), Vec::new()))
                .map(|()| "the removal of the TXT records".to_owned()),
            Publish::Mx { domain, hosts } => {
                let hosts: Vec<&str> = hosts.iter().map(DomainName::as_str).collect();
                lab.set_mx_hosts(domain.as_str(), &hosts).map(|()| "the MX records".to_owned())
            }
            Publish::Policy { domain, body } => lab
                .publish_policy(domain.as_str(), Some(body.into_bytes()))
                .map(|()| "the policy file".to_owned()),
        };
        r.map_err(|e| e.to_string())
    }
}

/// The lab `demo` serves: the `demo` scenario and a DNSSEC-signed domain whose MX is pinned
/// by a valid TLSA record (kept apart from the `demo` scenario, which other tests probe
/// without asking nameservers: a signed zone gives every zone in its lab NS records).
pub fn demo_scenario() -> Result<Scenario, TuiError> {
    let missing = |n: &str| TuiError::Demo(format!("built-in scenario {n} is missing"));
    let demo = scenario("demo").ok_or_else(|| missing("demo"))?;
    let dane = scenario("dane-valid-ee").ok_or_else(|| missing("dane-valid-ee"))?;
    Ok(Scenario::merge("demo", [demo, dane]))
}

/// Starts the lab and a checker pointing at it.
pub async fn start_lab(now: Timestamp) -> Result<(Arc<Lab>, Checker), TuiError> {
    let lab = Lab::start(&demo_scenario()?, now).await.map_err(|e| TuiError::Demo(e.to_string()))?;
    let mut probe = super::lab::probe_config(&lab, now);
    probe.timeouts = mtasts_probe::Timeouts::uniform(std::time::Duration::from_secs(5));
    Ok((Arc::new(lab), probe.into()))
}

/// Tracks the seeded demo domains (adopting what the lab serves) and puts `testing.example`
/// 20 days into its testing window.
pub async fn seed(store: &Store, probe: &Checker, now: Timestamp) -> Result<(), TuiError> {
    let domains: Vec<DomainName> = SEEDED.iter().filter_map(|d| DomainName::parse(d).ok()).collect();
    for c in probe.at(now).check(&domains, &BTreeMap::new()).await {
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
pub fn run(color: bool, rt: &tokio::runtime::Runtime) -> Result<(), TuiError> {
    let started = std::time::Instant::now();
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
        let publisher: Arc<dyn Publisher> = Arc::new(LabPublisher(lab));
        let config = TuiConfig {
            store,
            probe,
            clock,
            color,
            demo: Some(demo),
            publisher: Some(publisher),
            wrangler: None,
            started,
        };
        let r = crate::tui::run_async(config).await;
        drop(dir);
        r
    })
}
