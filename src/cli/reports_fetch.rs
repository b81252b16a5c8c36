//! `mtasts reports fetch imaps://USER@HOST[:PORT]/MAILBOX`: TLS-RPT reports from an IMAP
//! mailbox, one outcome line per report (or message), then a summary line.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Result, anyhow};
use clap::Args;

use super::output::{Style, print_json_line};
use super::probe_args::ProbeArgs;
use mtasts_core::sanitize::sanitize;
use mtasts_probe::load_ca_file;
use mtasts_reports::imap::{FetchEvent, FetchLimits, FetchRequest, ImapUrl, Secret, fetch};
use mtasts_reports::{Outcome, ReportStore};

/// Arguments of `mtasts reports fetch`. The secret never comes from the command line.
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// imaps://USER@HOST[:PORT]/MAILBOX (or imap://… with STARTTLS); USER may be
    /// percent-encoded (tlsrpt%40example.com). The password comes from MTASTS_IMAP_PASSWORD,
    /// an OAuth2 token (XOAUTH2) from MTASTS_IMAP_TOKEN, or from the options below.
    #[arg(value_name = "URL")]
    pub url: String,
    /// Read the password from this file (its first line).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["token_file", "password_env", "token_env"])]
    pub password_file: Option<PathBuf>,
    /// Read an OAuth2 bearer token (XOAUTH2) from this file (its first line).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["password_env", "token_env"])]
    pub token_file: Option<PathBuf>,
    /// Read the password from this environment variable.
    #[arg(long, value_name = "NAME", conflicts_with = "token_env")]
    pub password_env: Option<String>,
    /// Read an OAuth2 bearer token (XOAUTH2) from this environment variable.
    #[arg(long, value_name = "NAME")]
    pub token_env: Option<String>,
    /// Move the messages whose reports were stored (or already were) to this folder
    /// (created if missing).
    #[arg(long, value_name = "FOLDER")]
    pub move_to: Option<String>,
    /// With imap://: no STARTTLS, the password crosses the network in the clear.
    #[arg(long)]
    pub insecure_plain: bool,
    /// Most messages fetched in one run; the rest wait for the next run.
    #[arg(long, value_name = "N", default_value_t = 500, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub max_messages: u64,
    /// Largest message fetched, in MiB; larger ones are reported and skipped.
    #[arg(long, value_name = "MIB", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub max_message_size: u32,
    /// One JSON object per item instead of text.
    #[arg(long)]
    pub json: bool,
}

fn secret(args: &FetchArgs) -> Result<Secret> {
    let env = |name: &str| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| anyhow!("the environment variable {name} is not set"))
    };
    Ok(if let Some(p) = &args.password_file {
        Secret::Password(Secret::read_file(p)?)
    } else if let Some(p) = &args.token_file {
        Secret::Token(Secret::read_file(p)?)
    } else if let Some(name) = &args.password_env {
        Secret::Password(env(name)?)
    } else if let Some(name) = &args.token_env {
        Secret::Token(env(name)?)
    } else {
        Secret::from_default_env(|name| std::env::var(name).ok())?
    })
}

/// The fetch request the options describe (`--ca-file` and `--timeout` are the probes').
pub fn request(args: &FetchArgs, probe: &ProbeArgs) -> Result<FetchRequest> {
    let url = ImapUrl::parse(&args.url)?;
    if args.insecure_plain && url.implicit_tls {
        return Err(anyhow!("--insecure-plain is for imap:// URLs; imaps:// always uses TLS"));
    }
    let anchors = match &probe.ca_file {
        Some(path) => load_ca_file(path).map_err(|e| anyhow!("--ca-file: {e}"))?,
        None => Vec::new(),
    };
    let step = Duration::from_secs(probe.timeout);
    Ok(FetchRequest {
        url,
        secret: secret(args)?,
        insecure_plain: args.insecure_plain,
        move_to: args.move_to.clone(),
        limits: FetchLimits {
            max_messages: usize::try_from(args.max_messages).unwrap_or(usize::MAX),
            max_message_bytes: args.max_message_size.saturating_mul(1024 * 1024),
        },
        anchors,
        connect_timeout: step.min(Duration::from_secs(15)),
        step_timeout: step,
        dkim: probe.dkim()?,
    })
}

/// Runs `reports fetch`: exit 0, or 1 when a report was rejected; `Err` (exit 2) when the
/// fetch failed (nothing after the failure changed; what was stored before stays).
pub fn run(
    args: &FetchArgs,
    store: &ReportStore,
    state_dir: &Path,
    probe: &ProbeArgs,
    style: &Style,
    rt: &tokio::runtime::Runtime,
) -> Result<ExitCode> {
    let req = request(args, probe)?;
    let shown = sanitize(&req.url.to_string()).into_owned();
    let mut counts = [0usize; 5];
    let mut failed_json: Option<anyhow::Error> = None;
    let mut each = |event: FetchEvent| {
        match event {
            FetchEvent::Selected { to_fetch, waiting, renumbered } => {
                if !args.json {
                    let later = if waiting > 0 {
                        format!(" ({waiting} more wait for the next run)")
                    } else {
                        String::new()
                    };
                    let again = if renumbered {
                        "; the mailbox was renumbered (UIDVALIDITY changed), fetching everything again"
                    } else {
                        ""
                    };
                    eprintln!("mtasts: {shown}: {to_fetch} new message(s){later}{again}");
                }
            }
            FetchEvent::Message { outcomes, .. } => {
                for o in &outcomes {
                    let i = match o.outcome {
                        Outcome::Imported { .. } => 0,
                        Outcome::Duplicate { .. } => 1,
                        Outcome::Rejected { .. } => 2,
                        Outcome::Ignored { .. } => 3,
                        Outcome::Failed { .. } => 4,
                    };
                    counts[i] += 1;
                    if args.json {
                        if let Err(e) = serde_json::to_value(o)
                            .map_err(anyhow::Error::from)
                            .and_then(|v| print_json_line(&v))
                        {
                            failed_json = Some(e);
                            return ControlFlow::Break(());
                        }
                    } else {
                        crate::outln!("{o}");
                    }
                }
            }
        }
        ControlFlow::Continue(())
    };
    let summary = rt.block_on(fetch(&req, store, state_dir, &mut each))?;
    if let Some(e) = failed_json {
        return Err(e);
    }
    let [imported, duplicate, rejected, ignored, failed] = counts;
    if !args.json {
        let moved = match &req.move_to {
            Some(folder) => format!("; {} moved to {}", summary.moved, sanitize(folder)),
            None => String::new(),
        };
        crate::outln!(
            "{} message(s): {} imported, {duplicate} duplicate, {rejected} rejected, {ignored} ignored{}{moved}",
            summary.messages,
            style.bold(&imported.to_string()),
            super::output::not_stored(failed)
        );
    }
    if let Some(uid) = summary.unstored {
        eprintln!(
            "mtasts: {shown}: stopped at message {uid}: a report in it could not be stored; the next fetch \
             starts with it"
        );
    }
    Ok(super::exit_for(rejected + failed > 0))
}
