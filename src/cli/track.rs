//! `mtasts add`, `advance`, `rollback` and `remove`: the rollout from the command line, through
//! the same operations the TUI performs.

use std::process::ExitCode;

use anyhow::{Result, anyhow, bail};
use clap::Args;

use super::ctx::Ctx;
use super::output::Style;
use super::zone::{ZoneArgs, add_from_zone};
use crate::ops::{self, AddOptions};
use crate::store::Store;
use mtasts_core::rfc::{DomainName, MxPattern, RuaUri};
use mtasts_core::rollout::{
    BlockerKind, DomainState, Gate, HostingPath, evaluate, policy_one_line, rollback_countdown,
};
use mtasts_core::sanitize::sanitize;

/// Arguments of `mtasts add`.
#[derive(Debug, Clone, Args)]
pub struct AddArgs {
    /// The domain to start tracking.
    #[arg(required_unless_present = "domain_file")]
    pub domain: Option<String>,
    /// File with one `DOMAIN [MX...]` per line (`#` starts a comment): check them
    /// concurrently and track each as its check finishes; domains already tracked are skipped.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["domain", "zone_file"])]
    pub domain_file: Option<std::path::PathBuf>,
    /// With --domain-file: one JSON object per domain (JSON Lines) instead of text.
    #[arg(long, requires = "domain_file")]
    pub json: bool,
    /// MX hosts or `*.` patterns for the policy (default: the MX records in DNS).
    #[arg(long, value_name = "HOST")]
    pub mx: Vec<String>,
    /// TLS-RPT report URIs (default: mailto:tlsrpt@DOMAIN).
    #[arg(long, value_name = "URI")]
    pub rua: Vec<String>,
    /// Hosting path: nginx, apache, caddy, static-headers, worker or worker-multi.
    #[arg(long, value_name = "P")]
    pub path: Option<String>,
    /// Length of the testing window in days (default 30, at least 1).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=365))]
    pub window_days: Option<u32>,
    /// Publish the records through this DNS provider: rfc2136://KEYNAME@SERVER[:PORT],
    /// pdns+https://HOST[:PORT]/SERVER_ID or cloudflare:// (see `mtasts dns`).
    #[arg(long = "dns", value_name = "URL")]
    pub dns: Option<String>,
    /// The provider's secret and what else to publish (with --dns).
    #[command(flatten)]
    pub provider: super::dns::ProviderArgs,
    /// `--zone-file FILE [--all]`: the zone's names that receive mail.
    #[command(flatten)]
    pub zone: ZoneArgs,
}

/// Arguments of `mtasts advance`.
#[derive(Debug, Args)]
pub struct AdvanceArgs {
    /// The tracked domain.
    pub domain: String,
    /// Override the blockers that allow it, with this recorded reason.
    #[arg(long, value_name = "TEXT")]
    pub ack: Option<String>,
    /// Choose (or change) the hosting path first: nginx, apache, caddy, static-headers, worker
    /// or worker-multi.
    #[arg(long, value_name = "P")]
    pub path: Option<String>,
    /// Tick an external tester you ran (hardenize, internet-nl, mxtoolbox, checktls,
    /// dmarcian); the enforce gate asks for two. Repeatable.
    #[arg(long, value_name = "TESTER")]
    pub ran: Vec<String>,
}

/// Arguments of `mtasts rollback` and `mtasts remove`.
#[derive(Debug, Args)]
pub struct DomainArg {
    /// The tracked domain.
    pub domain: String,
    /// Confirm (required by `remove`).
    #[arg(long)]
    pub yes: bool,
}

fn parse_domain(raw: &str) -> Result<DomainName> {
    DomainName::parse(raw).map_err(|e| anyhow!("domain {:?}: {e}", sanitize(raw)))
}

/// Runs `add` (of every name of a zone that receives mail, with `--zone-file`).
pub fn add(args: &AddArgs, store: &Store, ctx: &Ctx) -> Result<ExitCode> {
    let (style, now) = (ctx.style, ctx.now);
    let raw = args.domain.as_deref().unwrap_or_default();
    if let Some(file) = &args.zone.zone_file {
        return add_from_zone(raw, file, args.zone.all, store, style, |name, zone_mx| {
            let one = AddArgs {
                domain: Some(name.as_str().to_owned()),
                mx: if args.mx.is_empty() { zone_mx } else { args.mx.clone() },
                zone: ZoneArgs::default(),
                ..args.clone()
            };
            add(&one, store, ctx)
        });
    }
    let domain = parse_domain(raw)?;
    let dns = args.dns.as_deref().map(|url| super::dns::setup_from(url, &args.provider)).transpose()?;
    if store.load(&domain)?.is_some() {
        bail!("{domain} is already tracked; see `mtasts status {domain}` or `mtasts advance {domain}`");
    }
    let mut opts = add_options(args)?;
    eprintln!("checking {domain} …");
    let checked = ctx.check_one(&domain, None)?;
    let proposal = checked.observation.live_mx.as_deref().and_then(mtasts_core::providers::propose);
    if let Some(p) = &proposal {
        crate::outln!("{} {}", style.dim("provider:"), sanitize(&p.describe()));
        if opts.mx.is_empty() {
            opts.mx = p.mx.clone();
        }
    }
    let added = ops::domain::add(store, &checked, opts)?;
    let how = if added.adopted { "adopted (it already publishes MTA-STS)" } else { "now tracked" };
    crate::outln!("{} {how}", style.bold(domain.as_str()));
    crate::outln!("  plan: {}", policy_one_line(&added.state.plan.policy()));
    if let Some(setup) = &dns {
        super::dns::store_for_added(store, &domain, setup)?;
    }
    print_gate(style, &added.state, &evaluate(&added.state, Some(&checked.observation), None, now));
    Ok(ExitCode::SUCCESS)
}

/// The options of `add` every domain shares: `--mx`, `--rua`, `--path`, `--window-days`.
pub fn add_options(args: &AddArgs) -> Result<AddOptions> {
    Ok(AddOptions {
        mx: args
            .mx
            .iter()
            .map(|m| MxPattern::parse(m).map_err(|e| anyhow!("--mx {:?}: {e}", sanitize(m))))
            .collect::<Result<Vec<_>>>()
            .map(super::dedup)?,
        rua: args
            .rua
            .iter()
            .map(|r| RuaUri::parse(r).map_err(|e| anyhow!("--rua: {e}")))
            .collect::<Result<Vec<_>>>()
            .map(super::dedup)?,
        hosting: args.path.as_deref().map(parse_path).transpose()?,
        window_days: args.window_days,
    })
}

/// Parses a hosting path name.
pub fn parse_path(raw: &str) -> Result<HostingPath> {
    HostingPath::parse(raw).ok_or_else(|| {
        let all: Vec<&str> = HostingPath::ALL.iter().map(|p| p.as_str()).collect();
        anyhow!("--path {:?}: expected one of {}", sanitize(raw), all.join(", "))
    })
}

fn tracked(store: &Store, domain: &DomainName) -> Result<DomainState> {
    store.load(domain)?.ok_or_else(|| anyhow!("{domain} is not tracked; start with `mtasts add {domain}`"))
}

/// Runs `advance`: checks live, moves on when the gate passes, else lists the blockers (exit 1).
pub fn advance(args: &AdvanceArgs, dir: &std::path::Path, ctx: &Ctx) -> Result<ExitCode> {
    let (style, now) = (ctx.style, ctx.now);
    let store = &Store::open(dir)?;
    let domain = parse_domain(&args.domain)?;
    let mut state = tracked(store, &domain)?;
    super::testers::record_ran(store, &domain, &args.ran, now)?;
    if let Some(raw) = &args.path {
        let path = parse_path(raw)?;
        state = ops::domain::edit(store, &domain, |s| mtasts_core::rollout::set_hosting(s, path))?;
    }
    eprintln!("checking {domain} …");
    let checked = ctx.check_one(&domain, Some(&state))?;
    let numbers = super::reports::tally_for(dir, &state, now);
    let tally = numbers.as_ref().and_then(|n| n.tally.clone());
    if let Some(n) = numbers.as_ref().filter(|n| !n.conflicts.is_empty()) {
        crate::out!("{}", super::reports::render_conflicts(&n.conflicts, style));
    }
    let ack = args.ack.clone().filter(|a| !a.trim().is_empty());
    let result = ops::domain::advance(store, &domain, Some(&checked), tally.as_ref(), ack, now)?;
    let gate = evaluate(&result.state, Some(&checked.observation), tally.as_ref(), now);
    match (&result.transition, &result.blocked) {
        (Some(t), _) => {
            crate::outln!(
                "{} {} {}",
                style.bold(domain.as_str()),
                style.verdict(mtasts_core::finding::Verdict::Pass),
                format_args!("now in {}", t.phase)
            );
            print_gate(style, &result.state, &gate);
            Ok(ExitCode::SUCCESS)
        }
        (None, Some(blocked)) => {
            crate::outln!("{} cannot leave {} yet:", style.bold(domain.as_str()), blocked.phase);
            for b in &blocked.blockers {
                let (mark, tag) = match () {
                    _ if b.overridable => ("✗", " (may be acknowledged)"),
                    _ if b.is_wait() => ("!", " (time clears it)"),
                    _ => ("✗", ""),
                };
                crate::outln!("  {mark} {}{tag}", sanitize(&b.message));
                if b.kind == BlockerKind::TestersNotRun {
                    crate::outln!("    {}", super::testers::hint(&domain));
                }
                if b.kind == BlockerKind::HostingNotChosen {
                    crate::outln!(
                        "    choose one: mtasts advance {domain} --path nginx (see mtasts generate --help)"
                    );
                }
            }
            if blocked.overridable() {
                crate::outln!(
                    "  to go ahead anyway: mtasts advance {domain} --ack \"why this is acceptable\""
                );
            }
            crate::outln!("  next: {}", sanitize(&gate.next_action));
            Ok(ExitCode::from(1))
        }
        (None, None) => {
            print_gate(style, &result.state, &gate);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_gate(style: &Style, state: &DomainState, gate: &Gate) {
    crate::outln!("  phase: {}", state.phase);
    for b in &gate.blockers {
        crate::outln!("  {} {}", style.dim("blocker:"), sanitize(&b.message));
    }
    crate::outln!("  {} {}", style.bold("next:"), sanitize(&gate.next_action));
}

/// Runs `rollback`: plans `mode: none` and prints what to publish and how long to wait.
pub fn rollback(args: &DomainArg, store: &Store, style: &Style, now: jiff::Timestamp) -> Result<ExitCode> {
    let domain = parse_domain(&args.domain)?;
    tracked(store, &domain)?;
    let state = ops::domain::rollback(store, &domain, now)?;
    crate::outln!("{} rollback planned (RFC 8461 §8.3)", style.bold(domain.as_str()));
    crate::outln!("  policy: {}", policy_one_line(&state.plan.policy()));
    crate::outln!("  new id: {}", state.plan.id);
    match rollback_countdown(&state, now) {
        Some(c) if c.complete => crate::outln!("  the records may be removed now"),
        Some(c) => {
            crate::outln!(
                "  keep the records until {} (the largest max_age senders may cache)",
                c.removable_at
            )
        }
        None => crate::outln!(
            "  publish the mode: none policy, then the new id; the countdown starts once both are live"
        ),
    }
    print_gate(style, &state, &evaluate(&state, state.last_observation.as_ref(), None, now));
    Ok(ExitCode::SUCCESS)
}

/// Runs `remove` (requires `--yes`).
pub fn remove(args: &DomainArg, store: &Store) -> Result<ExitCode> {
    let domain = parse_domain(&args.domain)?;
    tracked(store, &domain)?;
    if !args.yes {
        bail!(
            "this forgets {domain}'s plan and history (DNS and the policy host are not touched); run again with --yes"
        );
    }
    store.remove(&domain)?;
    crate::outln!("{domain} is no longer tracked");
    Ok(ExitCode::SUCCESS)
}

/// Runs `resume`: after a rollback, plans `mode: testing` with a new id and a fresh window.
pub fn resume(args: &DomainArg, store: &Store, style: &Style, now: jiff::Timestamp) -> Result<ExitCode> {
    let domain = parse_domain(&args.domain)?;
    tracked(store, &domain)?;
    let state = ops::domain::resume(store, &domain, now)?;
    crate::outln!("{} back to testing with a new id and a fresh window", style.bold(domain.as_str()));
    crate::outln!("  policy: {}", policy_one_line(&state.plan.policy()));
    crate::outln!("  new id: {}", state.plan.id);
    print_gate(style, &state, &evaluate(&state, state.last_observation.as_ref(), None, now));
    Ok(ExitCode::SUCCESS)
}

/// Runs `retire`: after the rollback countdown, removes MTA-STS: the records first, then the
/// policy host once the largest `max_age` ever published has passed.
pub fn retire(args: &DomainArg, store: &Store, style: &Style, now: jiff::Timestamp) -> Result<ExitCode> {
    let domain = parse_domain(&args.domain)?;
    tracked(store, &domain)?;
    let state = ops::domain::retire(store, &domain, now)?;
    crate::outln!("{} removing MTA-STS (RFC 8461 §8.3)", style.bold(domain.as_str()));
    print_gate(style, &state, &evaluate(&state, state.last_observation.as_ref(), None, now));
    Ok(ExitCode::SUCCESS)
}
