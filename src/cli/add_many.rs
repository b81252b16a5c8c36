//! `mtasts add --domain-file FILE`: onboarding many domains in one step. Every line is
//! validated first; the untracked domains are then checked concurrently with the bounded
//! probing of `check` and each is tracked as its check finishes, one line (or JSON object)
//! per domain in the order they finish. Domains already tracked are skipped, said so; the exit
//! status is 1 when any domain could not be added.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use serde_json::json;

use super::ctx::Ctx;
use super::output::{Style, print_json_line};
use super::progress::ProgressLine;
use super::track::AddArgs;
use crate::ops::domain_list::{Listed, read_domain_list};
use crate::ops::{self, AddOptions, Added, Checked, FleetEvent, Order};
use crate::store::Store;
use mtasts_core::publish::DnsSetup;
use mtasts_core::rfc::{DomainName, MxPattern};
use mtasts_core::rollout::{DomainState, evaluate, policy_one_line};
use mtasts_core::sanitize::sanitize;

/// What happened to one line's domain.
enum Outcome {
    /// Tracked now (adopted when it already published MTA-STS).
    Added(Box<Added>, Box<Checked>),
    /// Already tracked before this run.
    Tracked,
    /// Named again on a later line.
    Repeat(usize),
    /// Could not be added; why, in words.
    Failed(String),
}

/// Counts for the closing line.
#[derive(Default)]
struct Tally {
    added: usize,
    adopted: usize,
    skipped: usize,
    failed: usize,
}

/// Runs `add --domain-file FILE`: `base` holds the options every domain shares (`--mx` for
/// lines without MX hosts, `--rua`, `--path`, `--window-days`, `--dns`).
pub fn run(file: &Path, base: &AddArgs, json: bool, store: &Store, ctx: &Ctx) -> Result<ExitCode> {
    let list = read_domain_list(file).map_err(|e| anyhow!("{e}"))?;
    let shared = super::track::add_options(base)?;
    let dns = base.dns.as_deref().map(|url| super::dns::setup_from(url, &base.provider)).transpose()?;
    if let Some(setup) = &dns {
        super::dns::note_unset_env(setup);
    }
    let mut tally = Tally::default();
    let mut fresh: Vec<&Listed> = Vec::new();
    for item in &list.domains {
        match store.load(&item.domain) {
            Ok(Some(_)) => {
                tally.count(&Outcome::Tracked);
                report(item, &Outcome::Tracked, json, ctx)?;
            }
            Ok(None) => fresh.push(item),
            Err(e) => {
                let failed = Outcome::Failed(format!("cannot read its state: {e}"));
                tally.count(&failed);
                report(item, &failed, json, ctx)?;
            }
        }
    }
    for r in &list.repeats {
        let item = Listed { line: r.line, domain: r.domain.clone(), mx: Vec::new() };
        let repeat = Outcome::Repeat(r.first);
        tally.count(&repeat);
        report(&item, &repeat, json, ctx)?;
    }
    let domains: Vec<DomainName> = fresh.iter().map(|i| i.domain.clone()).collect();
    let checker = ctx.checker()?;
    let mut line = ProgressLine::detect();
    let mut error = None;
    ctx.rt.block_on(checker.check_each(
        &domains,
        &Default::default(),
        Order::Completion,
        |event| match event {
            FleetEvent::Checked(c, progress) => {
                let Some(item) = fresh.iter().find(|i| i.domain == c.domain) else { return };
                let outcome = add_one(store, *c, item, &shared, dns.as_ref());
                line.clear();
                tally.count(&outcome);
                if let Err(e) = report(item, &outcome, json, ctx) {
                    error.get_or_insert(e);
                }
                line.show(progress);
            }
            FleetEvent::Tick(progress) => line.show(progress),
        },
    ));
    line.clear();
    if let Some(e) = error {
        return Err(e);
    }
    if !json {
        crate::outln!("{}", summary(&tally, list.domains.len() + list.repeats.len()));
    }
    Ok(super::exit_for(tally.failed > 0))
}

impl Tally {
    fn count(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Added(a, _) if a.adopted => self.adopted += 1,
            Outcome::Added(..) => self.added += 1,
            Outcome::Tracked | Outcome::Repeat(_) => self.skipped += 1,
            Outcome::Failed(_) => self.failed += 1,
        }
    }
}

/// Tracks one checked domain: the line's MX hosts, else `--mx`, else the provider's patterns
/// or the MX hosts in DNS (as `add DOMAIN` does).
fn add_one(
    store: &Store,
    checked: Checked,
    item: &Listed,
    shared: &AddOptions,
    dns: Option<&DnsSetup>,
) -> Outcome {
    let mut opts = shared.clone();
    if !item.mx.is_empty() {
        opts.mx = item.mx.clone();
    }
    if opts.mx.is_empty()
        && let Some(p) = checked.observation.live_mx.as_deref().and_then(mtasts_core::providers::propose)
    {
        opts.mx = p.mx;
    }
    let added = match ops::domain::add(store, &checked, opts) {
        Ok(a) => a,
        Err(e) => return Outcome::Failed(e.to_string()),
    };
    if let Some(setup) = dns {
        let set = ops::domain::edit(store, &item.domain, |mut s| {
            s.dns = Some(setup.clone());
            s
        });
        if let Err(e) = set {
            return Outcome::Failed(format!("tracked, but its DNS provider was not saved: {e}"));
        }
    }
    Outcome::Added(Box::new(added), Box::new(checked))
}

fn report(item: &Listed, outcome: &Outcome, json: bool, ctx: &Ctx) -> Result<()> {
    if json {
        print_json_line(&to_json(item, outcome, ctx.now))
    } else {
        crate::outln!("{}", text_line(item, outcome, ctx.style));
        Ok(())
    }
}

fn mx_words(mx: &[MxPattern]) -> String {
    mx.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

fn next_action(state: &DomainState, checked: &Checked, now: jiff::Timestamp) -> String {
    evaluate(state, Some(&checked.observation), None, now).next_action
}

/// One line per domain: `a.example  now tracked · testing · MX mx1.a.example`.
fn text_line(item: &Listed, outcome: &Outcome, style: &Style) -> String {
    let name = style.bold(item.domain.as_str());
    match outcome {
        Outcome::Added(a, _) => {
            let how = if a.adopted { "adopted (it already publishes MTA-STS)" } else { "now tracked" };
            let plan = &a.state.plan;
            format!("{name}  {how} · {} · MX {}", plan.mode, mx_words(&plan.mx))
        }
        Outcome::Tracked => format!("{name}  {}", style.dim("already tracked: skipped")),
        Outcome::Repeat(first) => {
            format!("{name}  {}", style.dim(&format!("line {} repeats line {first}: skipped", item.line)))
        }
        Outcome::Failed(why) => {
            let own = format!("{}: ", item.domain);
            let why = why.strip_prefix(&own).unwrap_or(why);
            format!("{name}  ✗ not added (line {}): {}", item.line, sanitize(why))
        }
    }
}

/// The JSON Lines object of one line's domain.
fn to_json(item: &Listed, outcome: &Outcome, now: jiff::Timestamp) -> serde_json::Value {
    let base = |result: &str| json!({ "domain": item.domain, "line": item.line, "result": result });
    match outcome {
        Outcome::Added(a, c) => {
            let mut v = base(if a.adopted { "adopted" } else { "added" });
            v["phase"] = json!(a.state.phase.to_string());
            v["policy"] = json!(policy_one_line(&a.state.plan.policy()));
            v["mx"] = json!(a.state.plan.mx);
            v["id"] = json!(a.state.plan.id);
            v["verdict"] = json!(c.judgement.verdict);
            v["checked_at"] = json!(c.at);
            v["next"] = json!(next_action(&a.state, c, now));
            v
        }
        Outcome::Tracked => base("already_tracked"),
        Outcome::Repeat(first) => {
            let mut v = base("repeat");
            v["first_line"] = json!(first);
            v
        }
        Outcome::Failed(why) => {
            let mut v = base("failed");
            v["error"] = json!(why);
            v
        }
    }
}

/// `added 98 of 100 · 1 adopted · 1 skipped · 0 failed`.
fn summary(t: &Tally, lines: usize) -> String {
    format!(
        "{} of {lines} now tracked ({} new, {} adopted) · {} skipped · {} failed",
        t.added + t.adopted,
        t.added,
        t.adopted,
        t.skipped,
        t.failed
    )
}
