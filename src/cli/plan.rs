//! `mtasts plan mx|max-age|confirm|cancel DOMAIN`: a dated, live-checked change of a live
//! policy's MX hosts or `max_age`, following the sender-cache model.

use std::process::ExitCode;

use anyhow::{Result, anyhow, bail};
use clap::{Args, Subcommand};
use serde_json::json;

use super::ctx::Ctx;
use super::output::{Style, print_json_line};
use crate::ops::change::{self, ChangeRequest};
use crate::store::Store;
use mtasts_core::rfc::{DomainName, MxPattern};
use mtasts_core::rollout::{DomainState, change_view, held_now, maintenance_lines};
use mtasts_core::sanitize::sanitize;

/// Arguments of `mtasts plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// What to plan.
    #[command(subcommand)]
    pub what: PlanCommand,
}

/// The `plan` subcommands.
#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Add and remove MX hosts (a provider switch: add all new, remove all old); without
    /// --add/--remove, show the change in progress.
    Mx(Box<MxArgs>),
    /// Change the policy's max_age; without SECONDS, show the change in progress.
    MaxAge(Box<MaxAgeArgs>),
    /// Check live and complete every step that is done (the waits by the clock).
    Confirm(Box<CommonArgs>),
    /// Abandon the change in progress (the plan keeps its current policy).
    Cancel(Box<CommonArgs>),
}

/// Options every `plan` subcommand takes.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// The tracked domain.
    pub domain: String,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `mtasts plan mx`.
#[derive(Debug, Args)]
pub struct MxArgs {
    /// Domain, --json and probe options.
    #[command(flatten)]
    pub common: CommonArgs,
    /// MX hosts (or `*.` patterns) to add.
    #[arg(long, value_name = "HOST", num_args = 1..)]
    pub add: Vec<String>,
    /// Planned MX patterns to remove.
    #[arg(long, value_name = "HOST", num_args = 1..)]
    pub remove: Vec<String>,
}

/// Arguments of `mtasts plan max-age`.
#[derive(Debug, Args)]
pub struct MaxAgeArgs {
    /// Domain, --json and probe options.
    #[command(flatten)]
    pub common: CommonArgs,
    /// The new max_age in seconds.
    pub seconds: Option<u32>,
}

fn patterns(flag: &str, raw: &[String]) -> Result<Vec<MxPattern>> {
    raw.iter().map(|m| MxPattern::parse(m).map_err(|e| anyhow!("{flag} {:?}: {e}", sanitize(m)))).collect()
}

fn tracked(store: &Store, raw: &str) -> Result<DomainState> {
    let d = DomainName::parse(raw).map_err(|e| anyhow!("domain {:?}: {e}", sanitize(raw)))?;
    store.load(&d)?.ok_or_else(|| anyhow!("{d} is not tracked; start with `mtasts add {d}`"))
}

/// Runs `plan`. Exit 0 when the change was planned, shown or moved on; 1 when `confirm` finds
/// the current step not done yet.
pub fn run(args: &PlanArgs, store: &Store, ctx: &Ctx) -> Result<ExitCode> {
    let (common, request) = match &args.what {
        PlanCommand::Mx(a) if a.add.is_empty() && a.remove.is_empty() => (&a.common, None),
        PlanCommand::Mx(a) => (
            &a.common,
            Some(ChangeRequest::Mx {
                add: patterns("--add", &a.add)?,
                remove: patterns("--remove", &a.remove)?,
            }),
        ),
        PlanCommand::MaxAge(a) => (&a.common, a.seconds.map(ChangeRequest::MaxAge)),
        PlanCommand::Confirm(c) => return confirm(c, store, ctx),
        PlanCommand::Cancel(c) => {
            let state = tracked(store, &c.domain)?;
            if state.change.is_none() {
                bail!("no change is in progress for {}", state.domain);
            }
            let state = change::cancel(store, &state.domain)?;
            crate::outln!(
                "{}: planned change cancelled; the plan keeps: {}",
                state.domain,
                plan_line(&state)
            );
            return Ok(ExitCode::SUCCESS);
        }
    };
    let state = tracked(store, &common.domain)?;
    let state = match request {
        None => state,
        Some(request) => {
            eprintln!("checking {} …", state.domain);
            let checked = ctx.check_one(&state.domain, Some(&state))?;
            change::plan(store, &checked, request)?
        }
    };
    show(&state, common.json, ctx.style, ctx.now, &[])?;
    Ok(ExitCode::SUCCESS)
}

fn plan_line(state: &DomainState) -> String {
    format!("{} (id {})", mtasts_core::rollout::policy_one_line(&state.plan.policy()), state.plan.id)
}

fn confirm(c: &CommonArgs, store: &Store, ctx: &Ctx) -> Result<ExitCode> {
    let state = tracked(store, &c.domain)?;
    if state.change.is_none() {
        bail!(
            "no change is in progress for {d}; plan one with `mtasts plan mx {d} --add HOST --remove HOST` \
             or `mtasts plan max-age {d} SECONDS`",
            d = state.domain
        );
    }
    eprintln!("checking {} …", state.domain);
    let checked = ctx.check_one(&state.domain, Some(&state))?;
    let (after, completed) = change::confirm(store, &checked, ctx.now)?;
    show(&after, c.json, ctx.style, ctx.now, &completed)?;
    Ok(super::exit_for(completed.is_empty()))
}

fn show(
    state: &DomainState,
    json: bool,
    style: &Style,
    now: jiff::Timestamp,
    completed: &[usize],
) -> Result<()> {
    let obs = state.last_observation.as_ref();
    let view = change_view(state, obs, now);
    if json {
        let done: Vec<usize> = completed.iter().map(|i| i + 1).collect();
        return print_json_line(&json!({
            "domain": state.domain,
            "change": view,
            "completed_now": done,
            "senders_may_hold": held_now(state, obs, now),
            "history_since": state.history_since,
            "plan": {"policy": mtasts_core::rollout::policy_one_line(&state.plan.policy()), "id": state.plan.id},
        }));
    }
    let headline = match &view {
        Some(v) => format!("planned change: {}", v.what),
        None if !completed.is_empty() => "the planned change is complete".to_owned(),
        None => "no change in progress".to_owned(),
    };
    crate::outln!("{}  {headline}", style.bold(state.domain.as_str()));
    for i in completed {
        crate::outln!("  ✓ step {} done", i + 1);
    }
    for line in maintenance_lines(state, now).iter().filter(|l| !l.starts_with("planned change:")) {
        crate::outln!("  {}", sanitize(line));
    }
    crate::outln!("  plan: {}", sanitize(&plan_line(state)));
    if view.is_some() {
        crate::outln!(
            "  {} mtasts plan confirm {} (after each step; it checks live first)",
            style.dim("then:"),
            state.domain
        );
    }
    Ok(())
}
