//! `mtasts check DOMAIN... [--json]`: full live validation, the way a strict sender sees it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, anyhow, bail};
use clap::Args;
use serde_json::json;

use super::ctx::Ctx;
use super::output::{Style, format_finding, print_json_line};
use super::progress::ProgressLine;
use crate::ops::{self, Checked, FleetEvent, Order};
use mtasts_core::finding::{Finding, Verdict};
use mtasts_core::rfc::DomainName;
use mtasts_core::sanitize::sanitize;

/// Arguments of `mtasts check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Domains to check (default: every tracked domain).
    #[arg(value_name = "DOMAIN")]
    pub domains: Vec<String>,
    /// File with one domain per line (`#` starts a comment).
    #[arg(long, value_name = "FILE")]
    pub domain_file: Option<PathBuf>,
    /// Print JSON Lines: one object per domain.
    #[arg(long)]
    pub json: bool,
    /// Write each result as its domain finishes, not in the order given.
    #[arg(long)]
    pub unordered: bool,
    /// Metrics and notifications for monitoring.
    #[command(flatten)]
    pub watch: super::watch::WatchArgs,
}

/// The domains named on the command line and in `--domain-file`, validated, in order, each
/// once (`a.example`, `A.EXAMPLE.` and `a.example` name one domain).
pub fn named_domains(domains: &[String], file: Option<&PathBuf>) -> Result<Vec<DomainName>> {
    let mut names: Vec<String> = domains.to_vec();
    if let Some(path) = file {
        let bytes = super::read_bounded(path, 1024 * 1024)?;
        let text = String::from_utf8(bytes).map_err(|_| anyhow!("{} is not UTF-8 text", path.display()))?;
        names.extend(super::generate::parse_domain_file(&text).into_iter().map(|(d, _)| d));
    }
    names
        .iter()
        .map(|n| DomainName::parse(n).map_err(|e| anyhow!("domain {:?}: {e}", sanitize(n))))
        .collect::<Result<Vec<_>>>()
        .map(super::dedup)
}

/// Runs `check`: the named domains, or every tracked domain when none is named. Tracked
/// domains are judged against their plan (`sts-id-not-bumped`, `policy-differs-from-plan`) and
/// each verdict is recorded in their history.
pub fn run(args: &CheckArgs, dir: Option<&Path>, ctx: &Ctx) -> Result<ExitCode> {
    let style = ctx.style;
    let named = named_domains(&args.domains, args.domain_file.as_ref())?;
    let store = super::open_store(dir)?;
    let mut plans = BTreeMap::new();
    let mut unreadable = false;
    let named_empty = named.is_empty();
    let domains = if named_empty {
        let mut tracked = Vec::new();
        for (path, entry) in store.list()? {
            match entry {
                Ok(state) => tracked.push(state),
                Err(e) => {
                    unreadable = true;
                    eprintln!(
                        "mtasts: cannot read {}: {}",
                        sanitize(&path.display().to_string()),
                        sanitize(&e.to_string())
                    );
                }
            }
        }
        if tracked.is_empty() && !unreadable {
            bail!(
                "no domain given and none tracked; give DOMAIN..., --domain-file FILE, or `mtasts add DOMAIN` first"
            );
        }
        tracked.iter().map(|s| s.domain.clone()).collect()
    } else {
        named
    };
    for d in &domains {
        match store.load(d) {
            Ok(Some(state)) => {
                plans.insert(d.clone(), ops::plan_context(&state));
            }
            Ok(None) => {}
            // Listing already named the unreadable files when no domain was given.
            Err(_) if named_empty => {}
            Err(e) => {
                unreadable = true;
                eprintln!("mtasts: cannot read the state of {d}: {}", sanitize(&e.to_string()));
            }
        }
    }
    let checker = ctx.checker()?;
    let order = if args.unordered { Order::Completion } else { Order::Input };
    let mut line = ProgressLine::detect();
    let (mut failed, mut error) = (false, None);
    // Only --notify and --metrics need every result at the end; plain runs stay streaming.
    let mut watched = Vec::new();
    ctx.rt.block_on(checker.check_each(&domains, &plans, order, |event| match event {
        FleetEvent::Checked(c, progress) => {
            if plans.contains_key(&c.domain)
                && let Err(e) = ops::domain::record(&store, &c)
            {
                line.clear();
                eprintln!("mtasts: could not record the check of {}: {}", c.domain, sanitize(&e.to_string()));
            }
            failed |= c.judgement.verdict == Verdict::Fail;
            line.clear();
            if let Err(e) = write_result(&c, args.json, style) {
                error.get_or_insert(e);
            }
            line.show(progress);
            if args.watch.active() {
                watched.push(*c);
            }
        }
        FleetEvent::Tick(progress) => line.show(progress),
    }));
    line.clear();
    if let Some(e) = error {
        return Err(e);
    }
    let code = super::exit_for(failed);
    let watched = !args.watch.active()
        || super::watch::after_check(&args.watch, &super::state_dir(dir)?, &store, &watched, ctx);
    Ok(if (unreadable || !watched) && code == ExitCode::SUCCESS { ExitCode::from(1) } else { code })
}

/// Prints the results and returns exit 1 when any domain has an error finding.
pub fn report(checked: &[Checked], json: bool, style: &Style) -> Result<ExitCode> {
    for c in checked {
        write_result(c, json, style)?;
    }
    Ok(super::exit_for(checked.iter().any(|c| c.judgement.verdict == Verdict::Fail)))
}

/// Writes one domain's result: a JSON line or the text report.
pub fn write_result(c: &Checked, json: bool, style: &Style) -> Result<()> {
    if json {
        print_json_line(&to_json(c))?;
    } else {
        crate::out!("{}", render_text(c, style));
    }
    Ok(())
}

/// The JSON Lines object of DESIGN.md §2.
pub fn to_json(c: &Checked) -> serde_json::Value {
    json!({
        "domain": c.domain,
        "checked_at": c.at,
        "verdict": c.judgement.verdict,
        "policy_mode": c.judgement.policy_mode,
        "senders_view": c.judgement.senders_view,
        "notes": c.judgement.notes,
        "findings": c.judgement.findings,
        "dane": super::check_dns::json(&c.evidence),
        "nameservers_agree": super::check_dns::nameservers_agree(&c.evidence),
        "evidence": c.evidence,
    })
}

const AREAS: [(&str, &[&str]); 3] =
    [("DNS records", &["sts-", "tlsrpt-", "dnssec-"]), ("Policy", &["policy-"]), ("MX hosts", &["mx-"])];

fn area_of(f: &Finding) -> usize {
    AREAS
        .iter()
        .position(|(_, prefixes)| prefixes.iter().any(|p| f.code.as_str().starts_with(p)))
        .unwrap_or(0)
}

/// The text report for one domain: a header, one line per area, findings grouped by area.
pub fn render_text(c: &Checked, style: &Style) -> String {
    let j = &c.judgement;
    let mode = j.policy_mode.map(|m| format!("mode {m}")).unwrap_or_else(|| "no policy".to_owned());
    let mut out = format!("{}  {}  {}\n", style.bold(c.domain.as_str()), style.verdict(j.verdict), mode);
    out.push_str(&format!("  {} {}\n", style.dim("sender's view:"), sanitize(&j.senders_view)));
    for (i, (name, _)) in AREAS.iter().enumerate() {
        let group: Vec<&Finding> = j.findings.iter().filter(|f| area_of(f) == i).collect();
        let verdict = Verdict::from_worst(group.iter().map(|f| f.severity).max());
        out.push_str(&format!("  {:<12} {}\n", name, style.verdict(verdict)));
        for f in group {
            out.push_str(&format_finding(style, f, 4));
        }
        if name == &"MX hosts" {
            out.push_str(&starttls_lines(c, style));
        }
    }
    out.push_str(&super::check_dns::text(&c.evidence, style));
    for note in &j.notes {
        out.push_str(&format!("  {} {}\n", style.dim("note:"), sanitize(note)));
    }
    out.push('\n');
    out
}

/// One line per probed MX address: what `openssl s_client -starttls smtp` would show, in short.
fn starttls_lines(c: &Checked, style: &Style) -> String {
    let probes = c.evidence.mx.found().into_iter().flatten().chain(c.evidence.implicit_mx.as_ref());
    probes
        .flat_map(|m| m.probes.iter())
        .map(|p| {
            format!("    {} {}\n", style.dim("starttls:"), mtasts_core::judge::starttls::summary(p, c.at))
        })
        .collect()
}
