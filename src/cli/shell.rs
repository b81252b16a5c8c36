//! `mtasts completions SHELL` and `mtasts man`: shell completion scripts (clap_complete) and
//! the man page (clap_mangen), generated from the same clap definitions as the parser.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use clap_complete::Shell;

use super::help::command;

/// Arguments of `mtasts completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    pub shell: Shell,
}

/// Prints the completion script for a shell.
pub fn completions(args: &CompletionsArgs) -> Result<ExitCode> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command(), "mtasts", &mut out);
    write_stdout(&out)
}

/// Prints the man page (roff) of `mtasts` and its subcommands.
pub fn man() -> Result<ExitCode> {
    let mut out = Vec::new();
    man_page(&mut out)?;
    write_stdout(&out)
}

/// Renders the man page: name, synopsis, description, options, the subcommand list,
/// version.
pub fn man_page(out: &mut Vec<u8>) -> Result<()> {
    clap_mangen::Man::new(command()).render(out)?;
    Ok(())
}

fn write_stdout(bytes: &[u8]) -> Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e.into()),
    }
}
