//! `mtasts check DOMAIN... [--json]`: full live validation, the way a strict sender sees it.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, anyhow, bail};
use clap::Args;
use serde_json::json;

use super::output::{Style, format_finding, print_json_line};
use super::probe_args::ProbeArgs;
use crate::finding::{Finding, Verdict};
use crate::judge::{JudgeContext, Judgement, judge};
use crate::probe::{Evidence, probe_domains};
use crate::rfc::DomainName;
use crate::sanitize::sanitize;

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
    /// Probe options.
    #[command(flatten)]
    pub probe: ProbeArgs,
}

/// One checked domain: the evidence and what the judge made of it.
pub struct Checked {
    /// The domain.
    pub domain: DomainName,
    /// What the probes saw.
    pub evidence: Evidence,
    /// The judgement.
    pub judgement: Judgement,
}

/// The domains named on the command line and in `--domain-file`, validated, in order.
pub fn named_domains(domains: &[String], file: Option<&PathBuf>) -> Result<Vec<DomainName>> {
    let mut names: Vec<String> = domains.to_vec();
    if let Some(path) = file {
        let bytes = super::read_bounded(path, 1024 * 1024)?;
        let text = String::from_utf8(bytes).map_err(|_| anyhow!("{} is not UTF-8 text", path.display()))?;
        names.extend(
            super::generate::parse_domain_file(&text)
                .into_iter()
                .map(|(d, _)| d),
        );
    }
    names
        .iter()
        .map(|n| DomainName::parse(n).map_err(|e| anyhow!("domain {:?}: {e}", sanitize(n))))
        .collect()
}

/// Probes and judges the domains concurrently; output order is input order.
pub fn check_all(
    domains: &[DomainName],
    probe: &ProbeArgs,
    now: jiff::Timestamp,
    ctx_for: impl Fn(&DomainName) -> JudgeContext,
) -> Result<Vec<Checked>> {
    let cfg = probe.config(now)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let evidence = runtime.block_on(probe_domains(domains, &cfg));
    Ok(domains
        .iter()
        .zip(evidence)
        .map(|(domain, evidence)| {
            let judgement = judge(&evidence, &ctx_for(domain));
            Checked {
                domain: domain.clone(),
                evidence,
                judgement,
            }
        })
        .collect())
}

/// Runs `check` for explicitly named domains.
pub fn run(args: &CheckArgs, style: &Style, now: jiff::Timestamp) -> Result<ExitCode> {
    let domains = named_domains(&args.domains, args.domain_file.as_ref())?;
    if domains.is_empty() {
        bail!("give at least one DOMAIN (or --domain-file FILE)");
    }
    let checked = check_all(&domains, &args.probe, now, |_| JudgeContext::new(now))?;
    report(&checked, args.json, style, now)
}

/// Prints the results and returns exit 1 when any domain has an error finding.
pub fn report(checked: &[Checked], json: bool, style: &Style, now: jiff::Timestamp) -> Result<ExitCode> {
    for c in checked {
        if json {
            print_json_line(&to_json(c, now))?;
        } else {
            print!("{}", render_text(c, style));
        }
    }
    Ok(super::exit_for(
        checked.iter().any(|c| c.judgement.verdict == Verdict::Fail),
    ))
}

/// The JSON Lines object of DESIGN.md §2.
pub fn to_json(c: &Checked, now: jiff::Timestamp) -> serde_json::Value {
    json!({
        "domain": c.domain,
        "checked_at": now,
        "verdict": c.judgement.verdict,
        "policy_mode": c.judgement.policy_mode,
        "senders_view": c.judgement.senders_view,
        "notes": c.judgement.notes,
        "findings": c.judgement.findings,
        "evidence": c.evidence,
    })
}

const AREAS: [(&str, &[&str]); 3] = [
    ("DNS records", &["sts-", "tlsrpt-", "dnssec-"]),
    ("Policy", &["policy-"]),
    ("MX hosts", &["mx-"]),
];

fn area_of(f: &Finding) -> usize {
    AREAS
        .iter()
        .position(|(_, prefixes)| prefixes.iter().any(|p| f.code.as_str().starts_with(p)))
        .unwrap_or(0)
}

/// The text report for one domain: a header, one line per area, findings grouped by area.
pub fn render_text(c: &Checked, style: &Style) -> String {
    let j = &c.judgement;
    let mode = j
        .policy_mode
        .map(|m| format!("mode {m}"))
        .unwrap_or_else(|| "no policy".to_owned());
    let mut out = format!(
        "{}  {}  {}\n",
        style.bold(c.domain.as_str()),
        style.verdict(j.verdict),
        mode
    );
    out.push_str(&format!(
        "  {} {}\n",
        style.dim("sender's view:"),
        sanitize(&j.senders_view)
    ));
    for (i, (name, _)) in AREAS.iter().enumerate() {
        let group: Vec<&Finding> = j.findings.iter().filter(|f| area_of(f) == i).collect();
        let verdict = Verdict::of(&group.iter().map(|f| (*f).clone()).collect::<Vec<_>>());
        out.push_str(&format!("  {:<12} {}\n", name, style.verdict(verdict)));
        for f in group {
            out.push_str(
                &format_finding(style, f)
                    .replace("\n  ", "\n    ")
                    .replacen("  ", "    ", 1),
            );
        }
    }
    for note in &j.notes {
        out.push_str(&format!("  {} {}\n", style.dim("note:"), sanitize(note)));
    }
    out.push('\n');
    out
}
