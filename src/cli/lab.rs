//! `mtasts lab [SCENARIO]`: serve a built-in lab scenario on loopback until Ctrl-C, and print
//! the probe options that point `check`, `add` and `advance` at it. For rehearsals and demos.

use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use clap::Args;

use mtasts_lab::{ALL_SCENARIOS, Lab};
use mtasts_probe::{ProbeConfig, ResolverChoice};

/// Arguments of `mtasts lab`.
#[derive(Debug, Args)]
pub struct LabArgs {
    /// The scenario to serve (default: demo). `--list` shows them all.
    pub scenario: Option<String>,
    /// List the scenarios and exit.
    #[arg(long)]
    pub list: bool,
}

/// A probe configuration pointed at `lab`, judged at `now`: its DNS server as resolver and as
/// every nameserver's port, its SMTP and HTTPS ports, its CA as extra anchor and its root as
/// DNSSEC trust anchor.
pub fn probe_config(lab: &Lab, now: jiff::Timestamp) -> ProbeConfig {
    let mut cfg = ProbeConfig::new(now);
    cfg.resolver = ResolverChoice::At(lab.dns_addr);
    cfg.ns_port = lab.dns_addr.port();
    cfg.smtp_port = lab.smtp_port;
    cfg.https_port = lab.https_port;
    cfg.extra_anchors = vec![lab.ca_der.clone()];
    cfg.dnssec_anchor = lab.dnssec_anchor.clone();
    cfg
}

/// Runs `lab`.
pub fn run(args: &LabArgs, now: jiff::Timestamp, runtime: &tokio::runtime::Runtime) -> Result<ExitCode> {
    if args.list {
        for name in ALL_SCENARIOS {
            let desc = mtasts_lab::scenario(name).map(|s| s.description).unwrap_or_default();
            crate::outln!("{name:<30} {desc}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let name = args.scenario.as_deref().unwrap_or("demo");
    runtime.block_on(async {
        let lab = Lab::start_named(name, now).await.map_err(|e| anyhow!("lab {name:?}: {e}"))?;
        let ca = std::env::temp_dir().join(format!("mtasts-lab-{}-ca.pem", std::process::id()));
        mtasts_fs::write_atomic(&ca, lab.ca_pem.as_bytes())
            .with_context(|| format!("cannot write {}", ca.display()))?;
        // A scenario that signs zones validates from the lab root: its key as the trust anchor.
        let anchor = match &lab.dnssec_anchor {
            Some(text) => {
                let path = std::env::temp_dir().join(format!("mtasts-lab-{}-root.key", std::process::id()));
                mtasts_fs::write_atomic(&path, text.as_bytes())
                    .with_context(|| format!("cannot write {}", path.display()))?;
                Some(path)
            }
            None => None,
        };
        let domains: Vec<&str> = lab.scenario.domains.iter().map(|d| d.name.as_str()).collect();
        crate::outln!("serving lab scenario {name:?} on loopback (Ctrl-C stops it)");
        crate::outln!("domains: {}", domains.join(" "));
        let trust = anchor.as_ref().map(|p| format!(" --trust-anchor {}", p.display())).unwrap_or_default();
        crate::outln!(
            "probe options: --resolver {} --smtp-port {} --https-port {} --ns-port {} --ca-file {}{trust}",
            lab.dns_addr,
            lab.smtp_port,
            lab.https_port,
            lab.dns_addr.port(),
            ca.display()
        );
        tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")?;
        let _ = std::fs::remove_file(&ca);
        if let Some(path) = anchor {
            let _ = std::fs::remove_file(path);
        }
        drop(lab);
        Ok(ExitCode::SUCCESS)
    })
}
