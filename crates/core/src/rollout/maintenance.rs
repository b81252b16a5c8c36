//! Keeping an enforced domain correct: MX drift, un-bumped ids, and rolling back
//! (RFC 8461 §8.3).

use jiff::{SignedDuration, Timestamp};

use super::cache::{held_versions, none_held_but};
use super::model::{DomainState, ROLLBACK_MAX_AGE, TESTING_MAX_AGE, Transition};
use super::observe::Observation;
use super::phase::{HostingPath, Phase};
use super::state::{enter, replan};
use super::time::{add_secs, short_time};
use super::timeline::ChangeKind;
use crate::rfc::{DomainName, Mode, MxPattern};

/// How the live MX set differs from the planned patterns.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MxDrift {
    /// Live MX hosts no planned pattern covers.
    pub added: Vec<DomainName>,
    /// Planned patterns no live MX host matches.
    pub removed: Vec<MxPattern>,
}

impl MxDrift {
    /// The difference in words.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.added.is_empty() {
            let v: Vec<&str> = self.added.iter().map(DomainName::as_str).collect();
            parts.push(format!("new MX hosts not in the policy: {}", v.join(", ")));
        }
        if !self.removed.is_empty() {
            let v: Vec<String> = self.removed.iter().map(ToString::to_string).collect();
            parts.push(format!("policy patterns no MX host uses any more: {}", v.join(", ")));
        }
        parts.join("; ")
    }
}

/// Compares the live MX set with the planned patterns. `None` when they agree, or when the
/// live set is unknown or empty (that is a different problem). While a planned MX change is
/// in progress, its patterns may be unused (not in DNS yet, or no longer).
pub fn detect_drift(state: &DomainState, obs: &Observation) -> Option<MxDrift> {
    let live = obs.live_mx.as_ref().filter(|l| !l.is_empty())?;
    let mut added: Vec<DomainName> =
        live.iter().filter(|h| !state.plan.mx.iter().any(|p| p.matches(h.as_str()))).cloned().collect();
    added.sort();
    added.dedup();
    let in_change = |p: &MxPattern| match state.change.as_ref().map(|c| &c.kind) {
        Some(ChangeKind::Mx { add, remove, .. }) => add.contains(p) || remove.contains(p),
        _ => false,
    };
    let removed: Vec<MxPattern> = state
        .plan
        .mx
        .iter()
        .filter(|p| !in_change(p) && !live.iter().any(|h| p.matches(h.as_str())))
        .cloned()
        .collect();
    (!added.is_empty() || !removed.is_empty()).then_some(MxDrift { added, removed })
}

/// Follows an MX change (a provider migration): keeps the patterns still in use, adds the
/// new hosts, and drops back to testing with a new id and a fresh window.
pub fn apply_drift(state: DomainState, live_mx: &[DomainName], now: Timestamp) -> DomainState {
    apply_drift_transition(state, live_mx, now).0
}

pub(crate) fn apply_drift_transition(
    state: DomainState,
    live_mx: &[DomainName],
    now: Timestamp,
) -> (DomainState, Option<Transition>) {
    if live_mx.is_empty() {
        return (state, None);
    }
    let mut mx: Vec<MxPattern> =
        state.plan.mx.iter().filter(|p| live_mx.iter().any(|h| p.matches(h.as_str()))).cloned().collect();
    for host in live_mx {
        if !mx.iter().any(|p| p.matches(host.as_str())) {
            mx.push(MxPattern::exact(host.clone()));
        }
    }
    let state = replan(state, now, |p| {
        p.mx = mx;
        p.mode = Mode::Testing;
        p.max_age = TESTING_MAX_AGE;
    });
    let (state, t) = enter(state, Phase::Testing, now);
    (state, Some(t))
}

/// Whether the live policy differs from the one recorded for the live id, so senders that
/// cached the id keep a stale policy. A new policy already served for the plan's new id that
/// is not yet in DNS is the correct order (RFC 8461 §8.1), not this problem.
pub fn id_not_bumped(state: &DomainState, obs: &Observation) -> bool {
    let (Some(id), Some(live)) = (&obs.sts_id, &obs.live_policy) else {
        return false;
    };
    let Some(entry) = state.published.iter().find(|p| &p.id == id) else {
        return false;
    };
    let staged = live == &state.plan.policy() && id != &state.plan.id;
    entry.policy_sha256 != live.sha256_hex() && !staged
}

/// Plans leaving MTA-STS: `mode: none` with a one-day `max_age` and a new id, phase
/// `rollback`; a planned change in progress is dropped. Already rolling back: unchanged.
pub fn plan_rollback(state: DomainState, now: Timestamp) -> DomainState {
    plan_rollback_transition(state, now).0
}

pub(crate) fn plan_rollback_transition(
    state: DomainState,
    now: Timestamp,
) -> (DomainState, Option<Transition>) {
    if state.phase == Phase::Rollback {
        return (state, None);
    }
    let mut state = replan(state, now, |p| {
        p.mode = Mode::None;
        p.max_age = ROLLBACK_MAX_AGE;
    });
    state.change = None;
    let (state, t) = enter(state, Phase::Rollback, now);
    (state, Some(t))
}

/// The wait before the records may be removed after a rollback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct RollbackCountdown {
    /// When the `mode: none` policy and its id were first seen live.
    pub none_live_since: Timestamp,
    /// The largest `max_age` ever published, in seconds.
    pub wait_secs: u32,
    /// When the records may be removed.
    pub removable_at: Timestamp,
    /// Time left (zero once reached).
    pub remaining: SignedDuration,
    /// Whether the records may be removed now.
    pub complete: bool,
}

/// The countdown of a rollback, or `None` when not rolling back or the `mode: none` policy
/// has not been seen live yet. Senders may hold any policy ever published for its `max_age`,
/// so the wait is the largest `max_age` published, counted from when `none` went live, and
/// at least until the sender-cache model says no other version can be held (RFC 8461 §8.3).
pub fn rollback_countdown(state: &DomainState, now: Timestamp) -> Option<RollbackCountdown> {
    if state.phase != Phase::Rollback {
        return None;
    }
    let none = state.published.iter().find(|p| p.id == state.plan.id && p.mode == Mode::None)?;
    let wait_secs = state.published.iter().map(|p| p.max_age).max().unwrap_or(ROLLBACK_MAX_AGE);
    let held = none_held_but(&state.history, &state.plan.id, now);
    let removable_at = add_secs(none.at, i64::from(wait_secs)).max(held.unwrap_or(Timestamp::MIN));
    let remaining = if now >= removable_at { SignedDuration::ZERO } else { removable_at.duration_since(now) };
    Some(RollbackCountdown {
        none_live_since: none.at,
        wait_secs,
        removable_at,
        remaining,
        complete: now >= removable_at,
    })
}

/// What senders holding older policies do meanwhile with the live MX hosts, in words: one
/// sentence per held version that refuses a live host (empty when none does).
pub fn senders_meanwhile(state: &DomainState, obs: &Observation) -> Vec<String> {
    held_versions(&state.history, obs.live_mx.as_deref(), obs.at)
        .into_iter()
        .filter(|v| v.refuses())
        .map(|v| {
            let hosts: Vec<&str> = v.not_covered.iter().map(DomainName::as_str).collect();
            let until = if v.live {
                "while it stays live".to_owned()
            } else {
                format!("until {}", short_time(v.until))
            };
            format!(
                "senders that cached the enforce policy id {} refuse delivery to {} {until} (they defer \
                 and retry, and bounce once their queue lifetime ends)",
                v.id,
                hosts.join(", ")
            )
        })
        .collect()
}

/// The daily monitoring of `domain` as files: a crontab entry, and a systemd service with its
/// timer (the same check). `mtasts check` exits non-zero when the check fails, so cron mails
/// the output and systemd marks the service failed (`systemctl --failed`).
pub fn monitoring_units(domain: &DomainName) -> Vec<(String, String)> {
    check_units(&CheckUnits {
        name: domain.as_str(),
        what: domain.as_str(),
        service: format!("MTA-STS check of {domain}"),
        timer: format!("Daily MTA-STS check of {domain}"),
        check: format!("mtasts check {domain}"),
        note: String::new(),
    })
}

/// What a daily check's crontab entry, systemd service and timer are made of.
pub(crate) struct CheckUnits<'a> {
    /// The units' names: `mtasts-check-{name}.cron`, `.service`, `.timer`.
    pub name: &'a str,
    /// What the crontab comment says is checked: a domain, or "the fleet".
    pub what: &'a str,
    /// The service's description.
    pub service: String,
    /// The timer's description.
    pub timer: String,
    /// The command run, from `mtasts` on.
    pub check: String,
    /// A comment line under the first line of the crontab entry and of the service (empty:
    /// none).
    pub note: String,
}

/// The crontab entry, systemd service and timer of `u`: file names and contents.
pub(crate) fn check_units(u: &CheckUnits) -> Vec<(String, String)> {
    let (name, what, check) = (u.name, u.what, &u.check);
    let note = if u.note.is_empty() { String::new() } else { format!("{}\n", u.note) };
    vec![
        (
            format!("mtasts-check-{name}.cron"),
            format!(
                "# crontab -e: check {what} daily at 06:17; a failing check prints, so cron mails it.\n\
                 {note}MAILTO=root\n\
                 17 6 * * * out=$({check} 2>&1) || echo \"$out\"\n"
            ),
        ),
        (
            format!("mtasts-check-{name}.service"),
            format!(
                "# /etc/systemd/system/mtasts-check-{name}.service\n\
                 {note}[Unit]\n\
                 Description={}\n\
                 Wants=network-online.target\n\
                 After=network-online.target\n\
                 \n\
                 [Service]\n\
                 Type=oneshot\n\
                 ExecStart=/usr/local/bin/{check}\n",
                u.service
            ),
        ),
        (
            format!("mtasts-check-{name}.timer"),
            format!(
                "# /etc/systemd/system/mtasts-check-{name}.timer\n\
                 # systemctl daemon-reload && systemctl enable --now mtasts-check-{name}.timer\n\
                 [Unit]\n\
                 Description={}\n\
                 \n\
                 [Timer]\n\
                 OnCalendar=daily\n\
                 RandomizedDelaySec=1h\n\
                 Persistent=true\n\
                 \n\
                 [Install]\n\
                 WantedBy=timers.target\n",
                u.timer
            ),
        ),
    ]
}

/// What keeps an enforced domain working, one sentence each: certificate renewals (what to
/// check for this hosting path) and what to do when the MX hosts change.
pub fn upkeep_lines(state: &DomainState) -> Vec<String> {
    let host = state.domain.policy_host();
    let policy_host = match state.plan.hosting {
        Some(HostingPath::Worker | HostingPath::WorkerMulti) => {
            format!("Cloudflare renews {host}'s certificate itself (Custom Domain or proxied route).")
        }
        Some(HostingPath::Caddy) => {
            format!("Caddy renews {host}'s certificate itself; keep port 80 or 443 open.")
        }
        Some(HostingPath::StaticHeaders) => format!("The static host renews {host}'s certificate itself."),
        _ => format!(
            "{host}'s certificate: certbot's timer renews it (systemctl list-timers | grep certbot; \
             certbot renew --dry-run), and a --deploy-hook reloads the web server."
        ),
    };
    vec![
        format!("Renewals: {policy_host}"),
        "Every MX host's certificate must renew automatically too (a name in its SAN, a public CA): \
         an expired one makes enforcing senders defer mail. The daily check warns 14 days ahead."
            .into(),
        "When MX hosts change: add the new hosts to the policy (a new id), publish the policy, then \
         the id, then change the MX records; drop the old hosts only once the largest max_age has \
         passed. A check that sees other MX hosts than the policy shows the drift above."
            .into(),
    ]
}
