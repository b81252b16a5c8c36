//! `mtasts add DOMAIN --zone-file FILE`: every name of the zone that receives mail, tracked or
//! not, and tracking the ones the user picks (`--all`, or one question per name on a
//! terminal). Without a terminal and without `--all` nothing is added: the untracked names are
//! listed and the exit status is 1, so a cron job notices a name that still receives mail.

use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use clap::Args;

use super::output::Style;
use crate::ops::zone::{MailName, read_zone};
use crate::store::Store;
use mtasts_core::rfc::DomainName;

/// The `--zone-file` options of `mtasts add`.
#[derive(Debug, Clone, Default, Args)]
pub struct ZoneArgs {
    /// A BIND zone file of DOMAIN: list every name in it that has MX records and offer to
    /// track each (DOMAIN is the zone's origin; `$INCLUDE` is not followed).
    #[arg(long, value_name = "FILE")]
    pub zone_file: Option<PathBuf>,
    /// With --zone-file: track every untracked name that receives mail, without asking.
    #[arg(long, requires = "zone_file")]
    pub all: bool,
}

/// Runs `add ORIGIN --zone-file FILE [--all]`: lists the zone's names that receive mail and
/// hands each untracked one the user picks (every one with `all`) to `add_one`, with the MX
/// hosts the zone gives it.
pub fn add_from_zone(
    origin: &str,
    file: &std::path::Path,
    all: bool,
    store: &Store,
    style: &Style,
    mut add_one: impl FnMut(&DomainName, Vec<String>) -> Result<ExitCode>,
) -> Result<ExitCode> {
    let origin = DomainName::parse(origin)
        .map_err(|e| anyhow!("domain {:?}: {e}", mtasts_core::sanitize::sanitize(origin)))?;
    let names = read_zone(file, &origin)
        .map_err(|e| anyhow!("{}", mtasts_core::sanitize::sanitize(&e.to_string())))?;
    if names.is_empty() {
        crate::outln!(
            "no name in {} has MX records: nothing receives mail, nothing to track",
            file.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut untracked = Vec::new();
    for n in &names {
        let tracked = store.load(&n.name).ok().flatten().is_some();
        crate::outln!("{}", describe(n, tracked, style));
        if !tracked && !n.null_mx {
            untracked.push(n);
        }
    }
    if untracked.is_empty() {
        crate::outln!("every name that receives mail is tracked");
        return Ok(ExitCode::SUCCESS);
    }
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    if !all && !interactive {
        crate::outln!(
            "{} name(s) still receive mail without MTA-STS tracking; add --all to track them all",
            untracked.len()
        );
        return Ok(ExitCode::from(1));
    }
    let mut failed = false;
    let mut skipped = 0;
    for n in untracked {
        if !all && !ask(&format!("track {}? [y/N] ", n.name))? {
            skipped += 1;
            continue;
        }
        let zone_mx = n.mx.iter().map(|(_, h)| h.as_str().to_owned()).collect();
        if let Err(e) = add_one(&n.name, zone_mx) {
            failed = true;
            eprintln!("mtasts: {}: {}", n.name, mtasts_core::sanitize::sanitize(&format!("{e:#}")));
        }
    }
    Ok(if failed || skipped > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// One line per name: tracked or not, and its MX hosts.
fn describe(n: &MailName, tracked: bool, style: &Style) -> String {
    let hosts: Vec<&str> = n.mx.iter().map(|(_, h)| h.as_str()).collect();
    if n.null_mx && hosts.is_empty() {
        return format!("{}  refuses mail (null MX): needs no MTA-STS", style.dim(n.name.as_str()));
    }
    let state = if tracked {
        "tracked".to_owned()
    } else {
        format!("still receives mail — {}", style.bold("not tracked"))
    };
    format!("{}  {state}  (MX {})", n.name, hosts.join(", "))
}

/// Asks a yes/no question on the terminal (bounded answer; anything but y/yes is no).
fn ask(question: &str) -> Result<bool> {
    print!("{question}");
    std::io::stdout().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().take(256).read_line(&mut answer)?;
    Ok(matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
}
