//! `mtasts reports import PATH...` and `mtasts reports summary [DOMAIN] [--since DATE] [--json]`;
//! `prune` and `export` are in `reports_retention.rs`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use clap::{Args, Subcommand};

use super::output::{Style, print_json_line};
use crate::ops::reports::{ReportNumbers, for_state};
use mtasts_core::rollout::DomainState;
use mtasts_core::sanitize::sanitize;
use mtasts_reports::{
    Conflict, DkimVerifier, DomainSummary, Migrating, Outcome, Range, ReportStore, summarize_entries, words,
};

/// Arguments of `mtasts reports`.
#[derive(Debug, Args)]
pub struct ReportsArgs {
    /// What to do with reports.
    #[command(subcommand)]
    pub what: ReportsWhat,
}

/// The report subcommands.
#[derive(Debug, Subcommand)]
pub enum ReportsWhat {
    /// Import TLS-RPT reports: .json, .json.gz, .eml, mbox files, maildir folders (recursively).
    Import {
        /// Files and directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// One JSON object per item instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Fetch reports from an IMAP mailbox: only messages not fetched before.
    Fetch(super::reports_fetch::FetchArgs),
    /// Receive reports at an https rua (RFC 8460 section 5.4) until stopped.
    Serve {
        /// Address and port to listen on, e.g. 0.0.0.0:8443.
        #[arg(long, value_name = "ADDR")]
        listen: std::net::SocketAddr,
        /// The server certificate chain (PEM).
        #[arg(long, value_name = "PEM")]
        cert: PathBuf,
        /// The server's private key (PEM).
        #[arg(long, value_name = "PEM")]
        key: PathBuf,
    },
    /// Per-domain summary of the imported reports.
    Summary {
        /// Only this domain.
        domain: Option<String>,
        /// Only reports starting on or after this date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        since: Option<jiff::civil::Date>,
        /// One JSON object per domain per line.
        #[arg(long)]
        json: bool,
    },
    /// Delete the reports whose date range ended more than AGE ago (README: 400d recommended).
    Prune {
        /// Days (400d) or weeks (57w).
        #[arg(long, value_name = "AGE")]
        older_than: super::reports_retention::Age,
        /// Only say how many would be deleted.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write the stored reports (for auditors and spreadsheets) to standard output.
    Export {
        /// Reports starting on or after this UTC day (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        since: jiff::civil::Date,
        /// Only reports covering this domain.
        #[arg(long, value_name = "DOMAIN")]
        domain: Option<String>,
        /// `json`: one object per report per line, the report as received; `csv`: one row per
        /// report and policy domain.
        #[arg(long, value_enum, default_value = "json")]
        format: super::reports_retention::ExportFormat,
    },
}

/// Runs `reports` (`fetch` reads the probes' `--ca-file` and `--timeout`).
pub fn run(
    args: &ReportsArgs,
    dir: &Path,
    style: &Style,
    probe: &super::probe_args::ProbeArgs,
    rt: &tokio::runtime::Runtime,
) -> Result<ExitCode> {
    if matches!(args.what, ReportsWhat::Serve { .. }) {
        super::malloc::restart_tuned();
    }
    let store = open_store(dir)?;
    let writes = !matches!(args.what, ReportsWhat::Summary { .. } | ReportsWhat::Export { .. })
        && !matches!(args.what, ReportsWhat::Prune { dry_run: true, .. });
    if writes && store.read_only() {
        anyhow::bail!(
            "report store {}: this user may read it but not write it; nothing was done (run as its owner, e.g. `sudo -u mtasts`)",
            store.path().display()
        );
    }
    match &args.what {
        ReportsWhat::Fetch(f) => super::reports_fetch::run(f, &store, dir, probe, style, rt),
        ReportsWhat::Import { paths, json } => {
            let dkim = DkimVerifier::new(probe.dkim()?, rt.handle().clone());
            import(&store, paths, &dkim, *json, style)
        }
        ReportsWhat::Serve { listen, cert, key } => {
            super::serve::run(store, *listen, cert, key, rt).map(|()| ExitCode::SUCCESS)
        }
        ReportsWhat::Summary { domain, since, json } => {
            summary(&store, domain.as_deref(), *since, *json, style)
        }
        ReportsWhat::Prune { older_than, dry_run } => {
            super::reports_retention::prune(&store, *older_than, *dry_run, super::clock::now()?, style)
        }
        ReportsWhat::Export { since, domain, format } => {
            super::reports_retention::export(&store, *since, domain.as_deref(), *format)
        }
    }
}

/// Opens the report store of `dir`, saying on stderr how far the move of an old file store
/// into it is (a line at the start, at every tenth and at the end).
pub fn open_store(dir: &Path) -> Result<ReportStore> {
    let mut shown = None;
    let store = ReportStore::open_with_progress(dir, &mut |Migrating { done, total }| {
        let tenth = (done * 10).checked_div(total).unwrap_or(10);
        if shown != Some(tenth) {
            shown = Some(tenth);
            eprintln!(
                "mtasts: moving the report store into {}: {done} of {total} files",
                mtasts_reports::DB_FILE
            );
        }
    })?;
    Ok(store.with_clock(super::clock::arrivals()?))
}

fn import(
    store: &ReportStore,
    paths: &[PathBuf],
    dkim: &DkimVerifier,
    json: bool,
    style: &Style,
) -> Result<ExitCode> {
    let (mut imported, mut duplicate, mut rejected, mut ignored, mut conflicting) = (0, 0, 0, 0, 0);
    let mut failed = 0;
    let mut unprinted = None;
    // Each line as its report is stored: memory does not grow with the number of reports.
    store.import_paths_batched(paths, dkim, &mut |o| {
        match &o.outcome {
            Outcome::Imported { conflicts, .. } => {
                imported += 1;
                conflicting += usize::from(!conflicts.is_empty());
            }
            Outcome::Duplicate { .. } => duplicate += 1,
            Outcome::Rejected { .. } => rejected += 1,
            Outcome::Failed { .. } => failed += 1,
            Outcome::Ignored { .. } => ignored += 1,
        }
        if json {
            let line =
                serde_json::to_value(&o).map_err(anyhow::Error::from).and_then(|v| print_json_line(&v));
            if let Err(e) = line {
                unprinted.get_or_insert(e);
            }
        } else {
            crate::outln!("{o}");
        }
        std::ops::ControlFlow::Continue(())
    });
    if let Some(e) = unprinted {
        return Err(e);
    }
    if !json {
        let conflicts = if conflicting > 0 {
            format!(
                " ({conflicting} conflicting with another copy of the same report: all kept, the worst counts)"
            )
        } else {
            String::new()
        };
        crate::outln!(
            "{} imported{conflicts}, {duplicate} duplicate, {rejected} rejected, {ignored} ignored{}",
            style.bold(&imported.to_string()),
            super::output::not_stored(failed)
        );
    }
    Ok(super::exit_for(rejected + failed > 0))
}

fn summary(
    store: &ReportStore,
    domain: Option<&str>,
    since: Option<jiff::civil::Date>,
    json: bool,
    style: &Style,
) -> Result<ExitCode> {
    let domain = domain
        .map(|d| mtasts_core::rfc::DomainName::parse(d).map_err(|e| anyhow!("domain {:?}: {e}", sanitize(d))))
        .transpose()?;
    for (name, why) in store.unreadable()? {
        eprintln!("mtasts: skipped {}: {}", sanitize(&name), sanitize(&why));
    }
    let domains = match &domain {
        Some(d) => vec![d.as_str().to_owned()],
        None => store.domains()?,
    };
    let starting_from = since.and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok()).map(|z| z.timestamp());
    let mut shown = 0usize;
    for name in &domains {
        let entries = store.entries_for(name, Range { ending_after: None, starting_from })?;
        let wanted = domain.as_ref().map(|d| d.as_str());
        let summaries = summarize_entries(&entries, wanted, since);
        shown += summaries.len();
        print_summaries(&summaries, json, style)?;
    }
    if shown == 0 && !json {
        crate::outln!(
            "no reports imported for this selection; import them with `mtasts reports import PATH...`"
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn print_summaries(summaries: &[(DomainSummary, Vec<Conflict>)], json: bool, style: &Style) -> Result<()> {
    for (s, conflicts) in summaries {
        if json {
            let mut value = serde_json::to_value(s)?;
            if let Some(obj) = value.as_object_mut() {
                obj.insert("conflicts".into(), serde_json::to_value(conflicts)?);
            }
            print_json_line(&value)?;
        } else {
            crate::out!("{}", render(s, style));
            if !conflicts.is_empty() {
                crate::out!("{}", render_conflicts(conflicts, style));
            }
        }
    }
    Ok(())
}

/// The text summary of one domain: totals, how the reports are authenticated, the failures
/// per (MX, result type) with what the reports said about them and the fix, and the per-day
/// series.
pub fn render(s: &DomainSummary, style: &Style) -> String {
    let domain = sanitize(&s.domain);
    let orgs: Vec<String> = s.organizations.iter().map(|o| sanitize(o).into_owned()).collect();
    let mut out = format!(
        "{}  {} from {}\n  sessions {}  failed {}  failure rate {:.2}%\n  {}\n",
        style.bold(&domain),
        words::reports(s.reports),
        orgs.join(", "),
        s.counts.total(),
        s.counts.failed,
        s.failure_rate * 100.0,
        words::auth_line(&s.auth, s.reports)
    );
    let seen = |m: &std::collections::BTreeMap<String, u64>| {
        m.iter().map(|(k, v)| format!("{} {v}", sanitize(k))).collect::<Vec<_>>().join(", ")
    };
    out.push_str(&format!("  policy seen: {}", seen(&s.counts.policy_types)));
    if !s.counts.modes.is_empty() {
        out.push_str(&format!("  modes: {}", seen(&s.counts.modes)));
    }
    out.push('\n');
    for f in words::worst_first(&s.counts.failures) {
        out.push_str(&format!(
            "  {} {:<48} {:>14}\n",
            style.severity(mtasts_core::finding::Severity::Error),
            words::pair_title(f),
            words::sessions(f.sessions)
        ));
        if let Some(details) = words::pair_details(f) {
            out.push_str(&format!("          {details}\n"));
        }
        out.push_str(&format!("          {} {}\n", style.dim("fix:"), words::pair_fix(f, &s.domain)));
    }
    if let Some(rest) = words::undetailed(s.counts.failed, &s.counts.failures) {
        out.push_str(&format!("  {} {rest}\n", style.severity(mtasts_core::finding::Severity::Error)));
    }
    out.push_str("  day         successful   failed\n");
    for d in &s.days {
        out.push_str(&format!("  {}  {:>10}  {:>7}\n", d.date, d.successful, d.failed));
    }
    out.push('\n');
    out
}

/// One indented warning line per report stored in conflicting copies.
pub fn render_conflicts(conflicts: &[Conflict], style: &Style) -> String {
    conflicts
        .iter()
        .map(|c| format!("  {} {c}\n", style.severity(mtasts_core::finding::Severity::Warning)))
        .collect()
}

/// The TLS-RPT numbers of a tracked domain (see [`crate::ops::reports::domain_reports`]);
/// `None` when the report store cannot be read.
pub fn tally_for(dir: &Path, state: &DomainState, now: jiff::Timestamp) -> Option<ReportNumbers> {
    let store = open_store(dir).ok()?;
    for_state(&store, state, now).ok()
}
