//! What the wizard writes besides the hosting snippet, and which policy a phase screen shows:
//! pure rules on a domain's state, shared by the keys, the key table and the screens.

use crate::ops::snippet::site;
use mtasts_core::rfc::{Mode, Policy};
use mtasts_core::rollout::{DomainState, ENFORCE_MAX_AGE, HostingPath, Phase, fleet_monitoring_units};
use mtasts_core::snippet::{self, File, Options, Site, Target};

/// What a write prompt writes (besides the hosting snippet, which has its own prompt).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Artefact {
    /// The policy file `mta-sts.txt`.
    Policy,
    /// The `_mta-sts` and `_smtp._tls` records as zone-file lines, with what the policy host
    /// needs (one new file).
    Records,
    /// The daily check: crontab entry, systemd service and timer (a new folder).
    Monitoring,
    /// `wrangler.jsonc` and the Worker module beside it (a new folder).
    Wrangler,
}

impl Artefact {
    /// Whether it is written as a new folder of files (else one new file).
    pub fn is_folder(self) -> bool {
        !matches!(self, Artefact::Policy | Artefact::Records)
    }
}

/// The policy the screen `viewing` shows: the plan's, except that the enforce screens seen
/// before the domain gets there preview the enforce policy (`mode: enforce`,
/// `max_age: 604800`; its new id is generated when `n` advances).
pub fn shown_policy(state: &DomainState, viewing: Phase) -> Policy {
    let plan = state.plan.policy();
    if previewing_enforce(state, viewing) {
        Policy { mode: Mode::Enforce, max_age: ENFORCE_MAX_AGE, ..plan }
    } else {
        plan
    }
}

/// Whether `viewing` is an enforce screen the domain has not reached yet.
pub fn previewing_enforce(state: &DomainState, viewing: Phase) -> bool {
    matches!(viewing, Phase::Enforce | Phase::Enforced) && state.phase < Phase::Enforce
}

/// Whether `state`'s hosting path reads certificate and webroot paths.
pub fn edits_paths(state: &DomainState) -> bool {
    matches!(state.plan.hosting, Some(HostingPath::Nginx | HostingPath::Apache | HostingPath::Caddy))
}

/// Whether `state`'s hosting path is a Worker (so the wrangler project applies).
pub fn is_worker(state: &DomainState) -> bool {
    matches!(state.plan.hosting, Some(HostingPath::Worker | HostingPath::WorkerMulti))
}

/// What the home screen's `w` writes for several domains at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FleetArtefact {
    /// The shared Worker's wrangler project, for those on path C (one Worker for all).
    Worker,
    /// One zone-file fragment with every domain's `_mta-sts` and `_smtp._tls` records.
    Zone,
    /// One daily check of all of them: the list of domains, crontab entry, service and timer.
    Monitoring,
}

impl FleetArtefact {
    /// The menu's order.
    pub const ALL: [FleetArtefact; 3] =
        [FleetArtefact::Worker, FleetArtefact::Zone, FleetArtefact::Monitoring];

    /// Whether it is written as a new folder of files (else one new file).
    pub fn is_folder(self) -> bool {
        self != FleetArtefact::Zone
    }

    /// Where the write prompt suggests it goes.
    pub fn default_path(self) -> &'static str {
        match self {
            FleetArtefact::Worker => "./mta-sts-worker",
            FleetArtefact::Zone => "./mta-sts-fleet.zone",
            FleetArtefact::Monitoring => "./mtasts-monitoring-fleet",
        }
    }
}

/// Whether `state` is served by the shared Worker (path C).
pub fn on_shared_worker(state: &DomainState) -> bool {
    state.plan.hosting == Some(HostingPath::WorkerMulti)
}

/// The files of `what` for `states`: the Worker for those of them on path C, the records of
/// all of them one after the other (each name is absolute, so the fragment pastes into any
/// zone file that holds them), or the fleet's monitoring unit.
pub fn fleet_files(what: FleetArtefact, states: &[&DomainState]) -> Result<Vec<File>, String> {
    let sites: Vec<Site> = states.iter().map(|s| site(s)).collect();
    match what {
        FleetArtefact::Worker => {
            let workers: Vec<Site> = states.iter().filter(|s| on_shared_worker(s)).map(|s| site(s)).collect();
            if workers.is_empty() {
                return Err(
                    "none of them is on path C (one Worker for all): choose it on their hosting screen"
                        .into(),
                );
            }
            snippet::files(Target::Wrangler, &workers, &Options::default())
                .map(|(files, _)| files)
                .map_err(|e| e.to_string())
        }
        FleetArtefact::Zone => {
            let mut text = format!(
                "; MTA-STS and TLS-RPT records of {} (names are absolute).\n",
                mtasts_core::words::count(sites.len() as u64, "domain")
            );
            for one in &sites {
                let zone = snippet::generate(Target::Dns, std::slice::from_ref(one), &Options::default())
                    .map_err(|e| e.to_string())?;
                text.push('\n');
                text.push_str(&zone.text);
            }
            Ok(vec![File { name: "mta-sts-fleet.zone".into(), text }])
        }
        FleetArtefact::Monitoring => {
            let domains: Vec<_> = states.iter().map(|s| s.domain.clone()).collect();
            Ok(fleet_monitoring_units(&domains).into_iter().map(|(name, text)| File { name, text }).collect())
        }
    }
}
