//! `mtasts completions SHELL` and `mtasts man`: shell completion scripts (clap_complete) and
//! the man page (clap_mangen), generated from the same clap definitions as the parser.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
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

/// Arguments of `mtasts man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write every page into DIR instead (`mtasts.1`, `mtasts-check.1`,
    /// `mtasts-reports-serve.1`, …: the pages `mtasts.1` refers to), then list them.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Prints the man page (roff) of `mtasts`, or writes it and one page per subcommand into
/// `--dir`.
pub fn man(args: &ManArgs) -> Result<ExitCode> {
    let Some(dir) = &args.dir else {
        let mut out = Vec::new();
        man_page(&mut out)?;
        return write_stdout(&out);
    };
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut listing = String::new();
    for (name, page) in man_pages()? {
        let path = dir.join(&name);
        mtasts_fs::write_atomic_mode(&path, &page, 0o644)
            .with_context(|| format!("writing {}", path.display()))?;
        listing.push_str(&format!("{}\n", path.display()));
    }
    write_stdout(listing.as_bytes())
}

/// The command as its man pages show it: built (so subcommands carry their full names, such
/// as `mtasts-reports-serve`), the `help` subcommands hidden: they get no page.
fn man_command() -> clap::Command {
    fn hide_help(cmd: clap::Command) -> clap::Command {
        let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_owned()).collect();
        names.iter().fold(cmd, |cmd, name| {
            cmd.mut_subcommand(name, |sub| if name == "help" { sub.hide(true) } else { hide_help(sub) })
        })
    }
    let mut cmd = command();
    cmd.build();
    hide_help(cmd)
}

/// Renders the man page of `mtasts`: name, synopsis, description, options, the subcommands
/// (each referred to as `mtasts-NAME(1)`, its own page), version.
pub fn man_page(out: &mut Vec<u8>) -> Result<()> {
    clap_mangen::Man::new(man_command()).render(out)?;
    Ok(())
}

/// Every page: `mtasts.1` and one per subcommand at any depth, as (file name, roff).
pub fn man_pages() -> Result<Vec<(String, Vec<u8>)>> {
    fn walk(cmd: &clap::Command, out: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
        let man = clap_mangen::Man::new(cmd.clone());
        let mut page = Vec::new();
        man.render(&mut page)?;
        out.push((man.get_filename(), page));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub, out)?;
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(&man_command(), &mut out)?;
    Ok(out)
}

fn write_stdout(bytes: &[u8]) -> Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e.into()),
    }
}
