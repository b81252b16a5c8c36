//! The rollout: per-domain state, phases, gates and maintenance plans. Pure: every function
//! takes `now` as an argument and the live state as an [`Observation`]; nothing here reads a
//! clock, the network or files.
//!
//! Phases run `preflight → records → hosting → validation → testing → enforce → enforced`;
//! `rollback` leaves MTA-STS (RFC 8461 §8.3); after its countdown the domain resumes testing
//! ([`resume_testing`]) or MTA-STS is removed, records first ([`plan_removal`]). Each phase has a gate ([`evaluate`]); a gate
//! that does not pass lists [`Blocker`]s in plain words, and only judgement calls among them
//! may be overridden, by an acknowledgement that is recorded ([`Ack`]). Every change of the
//! policy body gets a new id, never one used before.
//!
//! Every policy version seen live is kept ([`PolicyVersion`]); the sender-cache model
//! ([`held_versions`]) says which of them senders may still hold and what each does with the
//! live MX hosts, and planned changes ([`plan_mx`], [`plan_max_age`]) order their steps so that
//! no step is called safe while a held version would refuse the live MX hosts.
//!
//! The files form a one-way chain (no file imports one above it). At the bottom the plain
//! data: `phase`, `observe`, `time`, `blocker`, `walkthrough`, `next`, `timeline` and `model`
//! ([`DomainState`] and the records it is made of). Above it one file per concern working on
//! that data: `state`, `history`, `cache`, `settle`, `steps`, then `testing`, `testers`,
//! `change`, `maintenance`, `checks`, then `change_check`, `removal` and `shared` (path C as a
//! fleet: which domains the shared Worker is behind for). Then what combines
//! them: `change_view`, `live`, `action` and `gate`. At the top the entry points that read the
//! state and call into several of them: `record`, `advance` and `status`.

mod action;
mod advance;
mod blocker;
mod cache;
mod change;
mod change_check;
mod change_view;
mod checks;
mod emergency;
mod fleet;
mod gate;
mod history;
mod live;
mod maintenance;
mod model;
mod next;
mod observe;
mod phase;
mod record;
mod removal;
mod settle;
mod shared;
mod state;
mod status;
mod steps;
mod testers;
mod testing;
mod time;
mod timeline;
mod walkthrough;

#[cfg(test)]
mod tests;

pub use advance::{Blocked, adopt, advance};
pub use blocker::{Blocker, BlockerKind};
pub use cache::{HeldVersion, held_until, held_versions, lacks, max_age_words, no_version_lacks};
pub use change::{
    MX_CACHE_WAIT_SECS, PlanError, Step, cancel, current_step, final_mx, plan_max_age, plan_mx,
    steps as change_steps,
};
pub use change_check::{advance_change, longer_held_until, mx_switched, step_complete};
pub use change_view::{
    ChangeView, StepStatus, StepView, change_action, change_view, held_now, maintenance_lines,
};
pub use checks::{CERT_MARGIN_DAYS, RECHECK_AFTER_SECS, check_is_old, policy_diff};
pub use emergency::{Emergency, Refusal, emergency};
pub use fleet::{
    CertEnd, FLEET_DOMAIN_FILE, Urgency, cert_end, fleet_monitoring_units, urgency, window_ends_within,
};
pub use gate::{Gate, evaluate};
pub use history::{MAX_VERSIONS, current as current_version, note_live, observe as observe_history};
pub use maintenance::{
    MxDrift, RollbackCountdown, apply_drift, detect_drift, id_not_bumped, plan_rollback, rollback_countdown,
    senders_meanwhile,
};
pub use maintenance::{monitoring_units, upkeep_lines};
pub use model::{
    Ack, CheckRecord, DEFAULT_WINDOW_DAYS, DomainState, ENFORCE_MAX_AGE, MAX_CHECKS, Plan, PublishedId,
    ROLLBACK_MAX_AGE, SCHEMA, TESTING_MAX_AGE, Transition,
};
pub use next::{Next, Part, Verb};
pub use observe::{MxResult, NsSts, Observation, ReportTally};
pub use phase::{HostingPath, Phase};
pub use record::record_check;
pub use removal::{RemovalView, WayOutError, plan_removal, removal_view, resume_testing};
pub use settle::{ns_settled, settle as settle_ns};
pub use shared::{Served, SharedWorker, WorkerSite, served as worker_served, shared_worker};
pub use state::{
    bump_id, entered_at, new_domain, planned_policy, set_hosting, set_mx, set_rua, set_window_days,
};
pub use status::{LastCheck, StatusView, enforced_at, status_line, testing_started};
pub use steps::{PublishStep, policy_one_line, publish_steps};
pub use testers::{
    ChecklistEdit, REVIEW_DAYS_ENFORCED, REVIEW_DAYS_TESTING, ReviewDue, TESTERS_NEEDED, apply_checklist,
    mark_reviewed, next_review, tick_tester, toggle_tester,
};
pub use testing::{TestingProgress, testing_progress};
pub use time::{short_time, utc_date};
pub use timeline::{ChangeKind, NsSettle, PlannedChange, PolicyVersion, Removal};
pub use walkthrough::{Tester, TesterRun, Walkthrough};
