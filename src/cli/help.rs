//! The command line as clap sees it, with each command's help listing what applies to it. The
//! probe options are global (accepted before or after any subcommand) but listed, under their
//! own heading, only by the commands that probe; `reports fetch` lists the two it uses among
//! its own options, with what they mean there. The parser, the man page and the completion
//! scripts all use [`command`].

use clap::{Arg, Command, CommandFactory, FromArgMatches};

use super::Cli;
use super::headings::PROBE as PROBE_HEADING;

/// The commands (paths below `mtasts`; the empty path is the wizard) that probe, so list
/// every probe option.
const PROBING: &[&[&str]] = &[
    &[],
    &["check"],
    &["add"],
    &["advance"],
    &["report"],
    &["plan", "mx"],
    &["plan", "max-age"],
    &["plan", "confirm"],
    &["publish"],
];

/// The probe options `reports fetch` uses, with what they mean for it.
const FETCH: &[(&str, &str)] = &[
    ("ca_file", "Extra trust anchors (PEM) for the IMAP server's certificate, e.g. a private CA"),
    ("timeout", "Give up on each step (connect, TLS, login, each command) after this many seconds"),
];

/// Where options borrowed from the probes go in a command's own list: after its own, before
/// `--help`.
const BORROWED_ORDER: usize = 1000;

/// The `mtasts` command with every subcommand's help tailored to what applies to it.
pub fn command() -> Command {
    let mut cmd = Cli::command();
    // Building copies the global options into every subcommand; only then can their help be
    // tailored per subcommand. Arguments keep their place (`mut_args` edits them in place).
    cmd.build();
    tailor(&mut cmd, &mut Vec::new());
    cmd
}

/// Parses the process's arguments with [`command`]; exits with the usage message (status 2)
/// on a usage error, and after printing help or the version.
pub fn parse() -> Cli {
    let mut cmd = command();
    let matches = cmd.clone().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.format(&mut cmd).exit())
}

fn tailor(cmd: &mut Command, path: &mut Vec<String>) {
    for sub in cmd.get_subcommands_mut() {
        path.push(sub.get_name().to_owned());
        let probing = PROBING.iter().any(|p| p.iter().copied().eq(path.iter().map(String::as_str)));
        let fetch = path.iter().map(String::as_str).eq(["reports", "fetch"]);
        let taken = std::mem::take(sub);
        *sub = taken.mut_args(|arg| {
            if fetch && arg.get_id() == "help" {
                arg.display_order(BORROWED_ORDER + FETCH.len())
            } else if probing || arg.get_help_heading() != Some(PROBE_HEADING) {
                arg
            } else if fetch {
                borrow(arg)
            } else {
                arg.hide(true)
            }
        });
        tailor(sub, path);
        path.pop();
    }
}

/// A probe option `reports fetch` uses becomes one of its own; the others are hidden.
fn borrow(arg: Arg) -> Arg {
    let id = arg.get_id().as_str().to_owned();
    match FETCH.iter().position(|(name, _)| *name == id) {
        Some(i) => arg.help(FETCH[i].1).help_heading(None::<&str>).display_order(BORROWED_ORDER + i),
        None => arg.hide(true),
    }
}
