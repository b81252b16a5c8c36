//! Command-line definitions (clap) and dispatch. One file per subcommand; no logic beyond
//! turning arguments into calls and results into text or JSON.

pub mod check;
pub mod clock;
pub mod generate;
pub mod lint;
pub mod output;
pub mod probe_args;
pub mod tui;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// mtasts: roll out MTA-STS and TLS-RPT to `mode: enforce` without bouncing mail.
#[derive(Debug, Parser)]
#[command(name = "mtasts", version, about, long_about = None)]
pub struct Cli {
    /// Where per-domain progress is kept.
    #[arg(long, global = true, env = "MTASTS_STATE_DIR", value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
    /// Never colour the output (NO_COLOR is honoured too).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate domains live, the way a strict sending MTA would.
    Check(Box<check::CheckArgs>),
    /// Lint a policy file or a `_mta-sts` / `_smtp._tls` TXT record value.
    Lint(Box<lint::LintArgs>),
    /// Generate a policy, DNS records, or web server / Worker configuration.
    Generate(Box<generate::GenerateArgs>),
    /// Rehearse a whole rollout in the wizard against a built-in lab (no network needed).
    Demo,
}

/// Runs a parsed command line; `Err` means a usage or internal failure (exit 2).
pub fn run(cli: Cli) -> Result<ExitCode> {
    let style = output::Style::detect(cli.no_color);
    match cli.command {
        Some(Command::Check(args)) => check::run(&args, &style, clock::now()?),
        Some(Command::Lint(args)) => lint::run(&args, &style),
        Some(Command::Generate(args)) => generate::run(&args, &clock::now()?),
        Some(Command::Demo) => tui::demo(tui::color(cli.no_color)),
        None => tui::run(cli.state_dir, tui::color(cli.no_color)),
    }
}

/// Exit status 1 when `failed`, else 0.
pub fn exit_for(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Reads a user-named file with a size cap and a clear error naming the file.
pub fn read_bounded(path: &std::path::Path, cap: u64) -> Result<Vec<u8>> {
    use std::io::Read;
    let shown = crate::sanitize::sanitize(&path.display().to_string()).into_owned();
    let file = std::fs::File::open(path).map_err(|e| anyhow::anyhow!("cannot read {shown}: {e}"))?;
    let mut buf = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut buf)
        .map_err(|e| anyhow::anyhow!("cannot read {shown}: {e}"))?;
    if buf.len() as u64 > cap {
        anyhow::bail!("{shown} is larger than {cap} bytes");
    }
    Ok(buf)
}
