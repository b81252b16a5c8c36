//! `mtasts report [DOMAIN...] [--html FILE] [--json] [--check]`: the evidence report for
//! auditors.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use clap::Args;

use super::ctx::Ctx;
use super::output::print_json_line;
use crate::ops::audit::{add_live_checks, load_report, write_html};
use mtasts_core::rfc::DomainName;
use mtasts_core::sanitize::sanitize;

/// Arguments of `mtasts report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Tracked domains to include (default: every tracked domain).
    pub domains: Vec<String>,
    /// Write one self-contained HTML file (prints cleanly to PDF from a browser).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Print the same content as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Also check the domains live, to add the policy host's certificate and DNSSEC status.
    #[arg(long)]
    pub check: bool,
}

/// Runs `report`.
pub fn run(args: &ReportArgs, dir: &Path, ctx: &Ctx) -> Result<ExitCode> {
    let (style, now) = (ctx.style, ctx.now);
    let domains = args
        .domains
        .iter()
        .map(|d| DomainName::parse(d).map_err(|e| anyhow!("domain {:?}: {e}", sanitize(d))))
        .collect::<Result<Vec<_>>>()?;
    let mut report = load_report(dir, &domains, now)?;
    if report.domains.is_empty() {
        anyhow::bail!("no domains are tracked yet; start with `mtasts add DOMAIN`");
    }
    if args.check {
        let names =
            report.domains.iter().map(|d| DomainName::parse(&d.domain)).collect::<Result<Vec<_>, _>>()?;
        eprintln!("checking {} domain(s) …", names.len());
        ctx.rt.block_on(add_live_checks(&mut report, &names, &ctx.checker()?, now));
    }
    if let Some(path) = &args.html {
        write_html(&report, path)?;
        eprintln!(
            "wrote {} ({} domain(s)); open it in a browser, print to PDF to hand it over",
            sanitize(&path.display().to_string()),
            report.domains.len()
        );
    }
    if args.json {
        print_json_line(&serde_json::to_value(&report)?)?;
    } else if args.html.is_none() {
        for row in &report.summary {
            crate::outln!(
                "{}  {}  mode {}  testing since {}  enforced {}  {} reports, {} sessions, {} failed",
                style.bold(&row.domain),
                row.phase,
                row.mode,
                row.testing_started.map_or_else(|| "—".to_owned(), |t| t.strftime("%Y-%m-%d").to_string()),
                row.enforced.map_or_else(|| "—".to_owned(), |t| t.strftime("%Y-%m-%d").to_string()),
                row.reports,
                row.sessions,
                row.failed_sessions
            );
        }
        crate::outln!("write the full report with --html FILE (or --json)");
    }
    Ok(ExitCode::SUCCESS)
}
