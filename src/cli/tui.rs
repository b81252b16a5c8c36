//! `mtasts` (no subcommand) and `mtasts demo`: open the terminal wizard.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use super::probe_args::ProbeArgs;

use crate::store::Store;
use crate::tui::{Clock, TuiConfig};

/// Colours unless `--no-color` or `NO_COLOR` (the wizard always draws on a terminal).
pub fn color(no_color_flag: bool) -> bool {
    !no_color_flag && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Opens the wizard on the tracked domains.
pub fn run(
    state: Option<&Path>,
    probe: &ProbeArgs,
    color: bool,
    rt: &tokio::runtime::Runtime,
) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        super::help::command().print_help()?;
        return Ok(ExitCode::SUCCESS);
    }
    let now = super::clock::now()?;
    let clock = if std::env::var_os(super::clock::NOW_VAR).is_some() {
        Clock::starting_at(now)
    } else {
        Clock::system()
    };
    let store = Store::open(&super::state_dir(state)?)?;
    let probe = probe.config(now)?.into();
    let wrangler = wrangler();
    let config = TuiConfig { store, probe, clock, color, demo: None, publisher: None, wrangler, started };
    crate::tui::run(config, rt)?;
    Ok(ExitCode::SUCCESS)
}

/// `wrangler deploy`, when wrangler is on `PATH` and `CLOUDFLARE_API_TOKEN` is set (paths B
/// and C: the hosting screen then offers to deploy the generated Worker).
fn wrangler() -> Option<crate::tui::Wrangler> {
    std::env::var_os("CLOUDFLARE_API_TOKEN").filter(|t| !t.is_empty())?;
    let path = std::env::var_os("PATH")?;
    let bin = std::env::split_paths(&path).map(|d| d.join("wrangler")).find(|p| p.is_file())?;
    Some(crate::tui::Wrangler { bin, args: vec!["deploy".into()], env: Vec::new() })
}

/// `mtasts demo`.
pub fn demo(color: bool, rt: &tokio::runtime::Runtime) -> Result<ExitCode> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!("mtasts demo needs a terminal (run it in an interactive shell)");
    }
    super::demo::run(color, rt)?;
    Ok(ExitCode::SUCCESS)
}
