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
    let config = TuiConfig { store, probe, clock, color, demo: None, publisher: None, started };
    crate::tui::run(config, rt)?;
    Ok(ExitCode::SUCCESS)
}

/// `mtasts demo`.
pub fn demo(color: bool, rt: &tokio::runtime::Runtime) -> Result<ExitCode> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!("mtasts demo needs a terminal (run it in an interactive shell)");
    }
    super::demo::run(color, rt)?;
    Ok(ExitCode::SUCCESS)
}
