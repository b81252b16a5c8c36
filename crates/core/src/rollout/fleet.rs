//! Many tracked domains at once: how urgently each one needs its admin (the order the wizard's
//! urgency sort shows), the facts a fleet summary counts, and the one monitoring unit that
//! checks a whole fleet.

use jiff::Timestamp;

use super::checks::{CERT_MARGIN_DAYS, check_is_old};
use super::emergency::emergency;
use super::maintenance::{CheckUnits, check_units};
use super::model::DomainState;
use super::observe::Observation;
use super::testing::testing_progress;
use super::time::add_secs;
use crate::finding::Verdict;
use crate::rfc::DomainName;

/// How urgently a tracked domain needs its admin, most urgent first (the order of the variants).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Urgency {
    /// Mail to it is refused now: its live policy enforces and an MX host fails it.
    MailRefused,
    /// Its latest check found an error.
    Failing,
    /// Something is due: it was never checked, its last check is old, or its testing window
    /// is over (time to enforce).
    Due,
    /// Its latest check warned.
    Warning,
    /// Nothing to do now.
    Calm,
}

impl Urgency {
    /// The word the wizard's filter and summary use: `refused`, `fail`, `due`, `warn`, `calm`.
    pub fn word(self) -> &'static str {
        match self {
            Urgency::MailRefused => "refused",
            Urgency::Failing => "fail",
            Urgency::Due => "due",
            Urgency::Warning => "warn",
            Urgency::Calm => "calm",
        }
    }
}

/// How urgent `state` is, from its latest check `obs` (this session's, else the saved one).
pub fn urgency(state: &DomainState, obs: Option<&Observation>, now: Timestamp) -> Urgency {
    let Some(obs) = obs else { return Urgency::Due };
    if emergency(state, obs, now).is_some() {
        return Urgency::MailRefused;
    }
    if obs.has_errors() {
        return Urgency::Failing;
    }
    let window_over = testing_progress(state, now).is_some_and(|p| p.complete);
    if check_is_old(obs.at, now) || window_over {
        return Urgency::Due;
    }
    if obs.verdict == Verdict::Warn { Urgency::Warning } else { Urgency::Calm }
}

/// Whether `state`'s testing window is still running and ends within `days` days of `now`.
pub fn window_ends_within(state: &DomainState, now: Timestamp, days: i64) -> bool {
    testing_progress(state, now).is_some_and(|p| !p.complete && p.ends_at <= add_secs(now, days * 86_400))
}

/// How near its end the first MX certificate to end that a check saw is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertEnd {
    /// It ends within [`CERT_MARGIN_DAYS`] (the margin the enforce gate asks for).
    Expiring,
    /// It has ended.
    Expired,
}

/// Whether an MX certificate `obs` saw has expired by `now`, or expires within
/// [`CERT_MARGIN_DAYS`] of it; `None` when none does (or none was seen).
pub fn cert_end(obs: &Observation, now: Timestamp) -> Option<CertEnd> {
    let first = obs.mx_results.iter().filter_map(|r| r.not_after).min()?;
    if first <= now {
        Some(CertEnd::Expired)
    } else if first <= add_secs(now, CERT_MARGIN_DAYS * 86_400) {
        Some(CertEnd::Expiring)
    } else {
        None
    }
}

/// Where [`fleet_monitoring_units`] expects its list of domains to be installed.
pub const FLEET_DOMAIN_FILE: &str = "/etc/mtasts/fleet.domains";

/// The daily check of every domain in `domains`, as one list of domains (`check
/// --domain-file` reads it) and one crontab entry, systemd service and timer that check them
/// all: file names and contents.
pub fn fleet_monitoring_units(domains: &[DomainName]) -> Vec<(String, String)> {
    let n = domains.len();
    let mut list = format!(
        "# {FLEET_DOMAIN_FILE}: the {n} domain(s) the fleet's daily MTA-STS check covers, one per line.\n"
    );
    for d in domains {
        list.push_str(d.as_str());
        list.push('\n');
    }
    let mut units = vec![("fleet.domains".to_owned(), list)];
    units.extend(check_units(&CheckUnits {
        name: "fleet",
        what: "the fleet",
        service: format!("MTA-STS check of {n} domain(s)"),
        timer: "Daily MTA-STS check of the fleet".to_owned(),
        check: format!("mtasts check --domain-file {FLEET_DOMAIN_FILE}"),
        note: format!("# Install fleet.domains as {FLEET_DOMAIN_FILE} first."),
    }));
    units
}
