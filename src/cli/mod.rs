//! Command-line definitions (clap) and dispatch. One file per subcommand; no logic beyond
//! turning arguments into calls and results into text or JSON.

pub mod add_many;
pub mod check;
pub mod check_dns;
pub mod clock;
pub mod ctx;
pub mod demo;
pub mod dns;
pub mod generate;
pub mod headings;
pub mod help;
pub mod intake;
pub mod lab;
pub mod lint;
pub mod malloc;
pub mod output;
pub mod plan;
pub mod probe_args;
pub mod progress;
pub mod publish;
pub mod report;
pub mod reports;
pub mod reports_fetch;
pub mod reports_retention;
pub mod serve;
pub mod shell;
pub mod status;
pub mod testers;
pub mod track;
pub mod tui;
pub mod watch;
pub mod zone;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use clap::{Parser, Subcommand};

use crate::store::Store;

/// mtasts: roll out MTA-STS and TLS-RPT to `mode: enforce` without bouncing mail.
#[derive(Debug, Parser)]
#[command(name = "mtasts", version, about, long_about = None)]
pub struct Cli {
    /// Probe options (global: before or after the subcommand), listed by the commands that
    /// probe (see [`help`]).
    #[command(flatten)]
    pub probe: probe_args::ProbeArgs,
    /// Where per-domain progress is kept.
    #[arg(long, global = true, env = "MTASTS_STATE_DIR", value_name = "DIR", help_heading = headings::GLOBAL)]
    pub state_dir: Option<PathBuf>,
    /// Never colour the output (NO_COLOR is honoured too).
    #[arg(long, global = true, help_heading = headings::GLOBAL)]
    pub no_color: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate domains live, the way a strict sending MTA would (default: every tracked domain).
    Check(Box<check::CheckArgs>),
    /// Lint a policy file or a `_mta-sts` / `_smtp._tls` TXT record value.
    Lint(Box<lint::LintArgs>),
    /// Generate a policy, DNS records, or web server / Worker configuration.
    Generate(Box<generate::GenerateArgs>),
    /// Start tracking a domain's rollout (adopts an existing MTA-STS setup).
    Add(Box<track::AddArgs>),
    /// Check a tracked domain live and move it to the next phase when its gate passes.
    Advance(Box<track::AdvanceArgs>),
    /// Plan the removal of MTA-STS: mode none, a new id, then a countdown.
    Rollback(track::DomainArg),
    /// Show, set or clear the DNS provider a domain's records are published through.
    Dns(Box<dns::DnsArgs>),
    /// Publish the DNS records the current step needs through the domain's provider: a diff,
    /// confirmed, applied as one update, then the wait for every nameserver.
    Publish(publish::PublishArgs),
    /// Stop tracking a domain (asks for --yes).
    Remove(track::DomainArg),
    /// After a rollback, once the problem is fixed: back to testing with a new id.
    Resume(track::DomainArg),
    /// After the rollback countdown: remove MTA-STS entirely (records first, then the policy host).
    Retire(track::DomainArg),
    /// Where each tracked domain stands: phase, testing day, days left, next action.
    Status(status::StatusArgs),
    /// Plan a change of a live policy (MX hosts, max_age) as dated steps, each checked live.
    Plan(plan::PlanArgs),
    /// Import TLS-RPT reports and summarise them per domain.
    Reports(reports::ReportsArgs),
    /// Write the evidence report for auditors (HTML with --html FILE, or --json).
    Report(report::ReportArgs),
    /// Serve a built-in lab scenario on loopback, to rehearse against (Ctrl-C stops it).
    Lab(lab::LabArgs),
    /// Rehearse a whole rollout in the wizard against a built-in lab (no network needed).
    Demo,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(shell::CompletionsArgs),
    /// Print the man page (roff): `mtasts man > mtasts.1`; `--dir DIR` writes one per command.
    Man(shell::ManArgs),
}

/// Runs a parsed command line on the program's one tokio runtime (built by `main.rs`); `Err`
/// means a usage or internal failure (exit 2).
pub fn run(cli: Cli, rt: &tokio::runtime::Runtime) -> Result<ExitCode> {
    let style = output::Style::detect(cli.no_color);
    let dir = cli.state_dir.as_deref();
    let ctx = |now| ctx::Ctx { probe: &cli.probe, style: &style, now, rt };
    match cli.command {
        Some(Command::Check(args)) => check::run(&args, dir, &ctx(clock::now()?)),
        Some(Command::Lint(args)) => lint::run(&args, &style),
        Some(Command::Generate(args)) => generate::run(&args, dir, &clock::now()?),
        Some(Command::Add(args)) => match &args.domain_file {
            Some(file) => add_many::run(file, &args, args.json, &open_store(dir)?, &ctx(clock::now()?)),
            None => track::add(&args, &open_store(dir)?, &ctx(clock::now()?)),
        },
        Some(Command::Advance(args)) => track::advance(&args, &state_dir(dir)?, &ctx(clock::now()?)),
        Some(Command::Rollback(args)) => track::rollback(&args, &open_store(dir)?, &style, clock::now()?),
        Some(Command::Dns(args)) => dns::run(&args, &open_store(dir)?, &ctx(clock::now()?)),
        Some(Command::Publish(args)) => publish::run(&args, &open_store(dir)?, &ctx(clock::now()?)),
        Some(Command::Remove(args)) => track::remove(&args, &open_store(dir)?),
        Some(Command::Resume(args)) => track::resume(&args, &open_store(dir)?, &style, clock::now()?),
        Some(Command::Retire(args)) => track::retire(&args, &open_store(dir)?, &style, clock::now()?),
        Some(Command::Status(args)) => status::run(&args, &state_dir(dir)?, &style, clock::now()?),
        Some(Command::Plan(args)) => plan::run(&args, &open_store(dir)?, &ctx(clock::now()?)),
        Some(Command::Reports(args)) => reports::run(&args, &state_dir(dir)?, &style, &cli.probe, rt),
        Some(Command::Report(args)) => report::run(&args, &state_dir(dir)?, &ctx(clock::now()?)),
        Some(Command::Lab(args)) => lab::run(&args, clock::now()?, rt),
        Some(Command::Completions(args)) => shell::completions(&args),
        Some(Command::Man(args)) => shell::man(&args),
        Some(Command::Demo) => tui::demo(tui::color(cli.no_color), rt),
        None => tui::run(dir, &cli.probe, tui::color(cli.no_color), rt),
    }
}

/// The state directory: `--state-dir`, `MTASTS_STATE_DIR`, or the platform's data directory.
pub fn state_dir(given: Option<&Path>) -> Result<PathBuf> {
    match given {
        Some(d) => Ok(d.to_owned()),
        None => directories::ProjectDirs::from("", "", "mtasts")
            .map(|p| p.data_dir().to_owned())
            .ok_or_else(|| anyhow!("no home directory to keep state in; give --state-dir DIR")),
    }
}

/// Opens (creating if needed) the state store.
pub fn open_store(given: Option<&Path>) -> Result<Store> {
    Ok(Store::open(&state_dir(given)?)?)
}

/// Exit status 1 when `failed`, else 0.
pub fn exit_for(failed: bool) -> ExitCode {
    if failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// Reads a user-named file with a size cap and a clear error naming the file.
pub fn read_bounded(path: &Path, cap: u64) -> Result<Vec<u8>> {
    use std::io::Read;
    let shown = mtasts_core::sanitize::sanitize(&path.display().to_string()).into_owned();
    let file = std::fs::File::open(path).map_err(|e| anyhow!("cannot read {shown}: {e}"))?;
    let mut buf = Vec::new();
    file.take(cap + 1).read_to_end(&mut buf).map_err(|e| anyhow!("cannot read {shown}: {e}"))?;
    if buf.len() as u64 > cap {
        anyhow::bail!("{shown} is larger than {cap} bytes");
    }
    Ok(buf)
}

/// The values in their first order, each once (`--mx X --mx X.` name one host; parse first).
pub fn dedup<T: Eq + std::hash::Hash + Clone>(mut values: Vec<T>) -> Vec<T> {
    let mut seen = std::collections::HashSet::new();
    values.retain(|v| seen.insert(v.clone()));
    values
}
