//! `mtasts publish DOMAIN [--dry-run] [--yes]`: the DNS changes the current step needs, as a
//! diff against what the provider serves, confirmed, applied as one update, then followed
//! until every authoritative nameserver serves them.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use clap::Args;

use super::ctx::Ctx;
use crate::ops::publish::{Followed, Preview, apply, follow, preview};
use crate::store::Store;
use mtasts_core::rfc::DomainName;
use mtasts_core::rollout::evaluate;
use mtasts_core::sanitize::sanitize;

/// Arguments of `mtasts publish`.
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// The tracked domain (its DNS provider is set with `mtasts dns`).
    pub domain: String,
    /// Show the diff and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Apply without asking (for scripts).
    #[arg(long)]
    pub yes: bool,
    /// At retirement, keep the _smtp._tls record (reports for DANE, say).
    #[arg(long)]
    pub keep_tlsrpt: bool,
    /// Follow the nameservers for at most this long after applying (0: do not wait).
    #[arg(long, value_name = "SECS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(0..=3600))]
    pub wait: u64,
}

fn print_preview(p: &Preview, domain: &DomainName) {
    crate::outln!("{domain}: {}", sanitize(&p.provider));
    crate::outln!("  step: {}", sanitize(&p.intent.step));
    for line in p.changes.lines() {
        crate::outln!("  {line}");
    }
    for held in &p.intent.held {
        crate::outln!("  not yet: {}", sanitize(held));
    }
}

fn confirm() -> Result<bool> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        bail!("not a terminal to confirm on: run again with --yes to apply, or --dry-run to only look");
    }
    eprint!("apply these changes? [y/N] ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}

fn print_next(state: &mtasts_core::rollout::DomainState, now: jiff::Timestamp) {
    let gate = evaluate(state, state.last_observation.as_ref(), None, now);
    crate::outln!("  phase: {}", state.phase);
    crate::outln!("  next: {}", sanitize(&gate.next_action));
}

/// Runs `publish`.
pub fn run(args: &PublishArgs, store: &Store, ctx: &Ctx) -> Result<ExitCode> {
    let domain =
        DomainName::parse(&args.domain).map_err(|e| anyhow!("domain {:?}: {e}", sanitize(&args.domain)))?;
    let checker = ctx.checker()?;
    eprintln!("checking {domain} and reading its records at the provider …");
    let (p, client) = ctx.rt.block_on(preview(store, &checker, &domain, args.keep_tlsrpt, ctx.now))?;
    print_preview(&p, &domain);
    if p.intent.wants.is_empty() {
        crate::outln!("nothing to publish at this step; nothing changed");
        print_next(&p.state, ctx.now);
        return Ok(ExitCode::SUCCESS);
    }
    if p.changes.is_empty() {
        crate::outln!("already published: the provider serves what this step needs; nothing changed");
        print_next(&p.state, ctx.now);
        return Ok(ExitCode::SUCCESS);
    }
    if args.dry_run {
        crate::outln!("dry run: nothing changed");
        return Ok(ExitCode::SUCCESS);
    }
    if !args.yes && !confirm()? {
        crate::outln!("not applied: nothing changed");
        return Ok(ExitCode::SUCCESS);
    }
    ctx.rt.block_on(apply(&client, &p))?;
    crate::outln!("applied as one update ({} RRset(s))", p.changes.changes.len());
    if args.wait == 0 {
        print_next(&p.state, ctx.now);
        return Ok(ExitCode::SUCCESS);
    }
    let mut progress = super::progress::ProgressLine::detect();
    let last: Followed =
        ctx.rt.block_on(follow(store, &checker, &p.intent, Duration::from_secs(args.wait), |round| {
            progress.show_text(&format!("waiting for the nameservers: {}", round.line()));
        }))?;
    progress.clear();
    if !last.silent.is_empty() {
        crate::outln!("  warning: no answer from {}", sanitize(&last.silent.join(", ")));
    }
    if last.done {
        crate::outln!("{}", sanitize(&last.line()));
        print_next(&last.state, ctx.now);
        Ok(ExitCode::SUCCESS)
    } else {
        crate::outln!("after {} s: {}", args.wait, sanitize(&last.line()));
        crate::outln!(
            "  the update is applied; re-run `mtasts publish {domain}` or `mtasts check {domain}` later"
        );
        print_next(&last.state, ctx.now);
        Ok(ExitCode::from(1))
    }
}
