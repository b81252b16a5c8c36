//! `mtasts dns DOMAIN [URL|none]` and `add --dns URL`: the DNS provider a domain's records are
//! published through. The state keeps the URL and where the secret is (a file's path or an
//! environment variable's name), never the secret.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, anyhow, bail};
use clap::Args;

use super::ctx::Ctx;
use crate::ops;
use crate::store::Store;
use mtasts_core::publish::{DnsSetup, PolicyHost, Provider, SecretSource, redact_url};
use mtasts_core::rfc::DomainName;
use mtasts_core::sanitize::sanitize;

/// Where the provider's secret is and what else to publish (shared by `add --dns` and `dns`).
#[derive(Debug, Clone, Default, Args)]
pub struct ProviderArgs {
    /// With rfc2136://: the TSIG key file, as tsig-keygen or `keymgr -t` writes it
    /// (hmac-sha256 or hmac-sha512). The state keeps its path.
    #[arg(long, value_name = "FILE")]
    pub tsig_file: Option<PathBuf>,
    /// With pdns+https://: a file holding the API key (default: $MTASTS_PDNS_API_KEY).
    #[arg(long, value_name = "FILE")]
    pub api_key_file: Option<PathBuf>,
    /// With cloudflare://: a file holding the API token (default: $CLOUDFLARE_API_TOKEN).
    #[arg(long, value_name = "FILE")]
    pub api_token_file: Option<PathBuf>,
    /// Publish mta-sts.DOMAIN too: a host name (CNAME) or IP addresses, comma-separated
    /// (A/AAAA); `none` to stop (`mtasts dns` keeps the current one when not given).
    #[arg(long, value_name = "HOST|IP,IP")]
    pub policy_host: Option<String>,
    /// TTL of records mtasts creates (default 300; existing RRsets keep theirs; `mtasts dns`
    /// keeps the current one when not given).
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u32).range(30..=86_400))]
    pub dns_ttl: Option<u32>,
}

/// Arguments of `mtasts dns`.
#[derive(Debug, Args)]
pub struct DnsArgs {
    /// The tracked domain.
    pub domain: String,
    /// The provider: rfc2136://KEYNAME@SERVER[:PORT] (RFC 2136 with TSIG),
    /// pdns+https://HOST[:PORT]/SERVER_ID (the PowerDNS API), cloudflare:// (the Cloudflare
    /// API), or `none` to stop publishing; without it, the current provider is shown.
    pub url: Option<String>,
    /// Where the secret is, and what else to publish.
    #[command(flatten)]
    pub provider: ProviderArgs,
    /// Store the provider without reading the zone through it first.
    #[arg(long)]
    pub no_verify: bool,
}

fn absolute(path: &Path) -> Result<String> {
    let abs =
        std::path::absolute(path).map_err(|e| anyhow!("{}: {e}", sanitize(&path.display().to_string())))?;
    abs.to_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("{}: not a UTF-8 path", sanitize(&abs.display().to_string())))
}

/// Checks `url` and the options against each other and builds the setup to store.
pub fn setup_from(url: &str, args: &ProviderArgs) -> Result<DnsSetup> {
    let provider = Provider::parse(url)?;
    let given = [
        ("--tsig-file", &args.tsig_file, matches!(provider, Provider::Rfc2136 { .. })),
        ("--api-key-file", &args.api_key_file, matches!(provider, Provider::PowerDns { .. })),
        ("--api-token-file", &args.api_token_file, matches!(provider, Provider::Cloudflare { .. })),
    ];
    let mut file = None;
    for (flag, path, fits) in given {
        if let Some(p) = path {
            if !fits {
                bail!("{flag} does not go with {} ({})", redact_url(url), provider.kind());
            }
            file = Some(absolute(p)?);
        }
    }
    let host = args.policy_host.as_deref().filter(|h| *h != "none").map(PolicyHost::parse).transpose()?;
    let setup = DnsSetup::new(url, file, host, args.dns_ttl)?;
    if let (Provider::Rfc2136 { key_name, .. }, SecretSource::File(path)) = (&provider, &setup.secret) {
        mtasts_dns_publish::read_tsig_key(path, key_name)?;
    }
    Ok(setup)
}

/// One line describing a stored setup.
pub fn describe(setup: &DnsSetup) -> String {
    let kind = setup.provider().map(|p| p.kind()).unwrap_or("provider");
    let mut line = format!("{kind} at {} (secret: {})", sanitize(&setup.url), setup.secret);
    if let Some(h) = &setup.policy_host {
        line.push_str(&format!("; mta-sts host: {h}"));
    }
    line
}

/// Says when the environment variable a provider's secret is read from is not set here.
pub fn note_unset_env(setup: &DnsSetup) {
    if let SecretSource::Env(var) = &setup.secret
        && std::env::var_os(var).is_none()
    {
        eprintln!("note: ${var} is not set in this shell; publish reads it when it runs");
    }
}

/// Runs `dns`: shows, sets (after reading the zone through it) or clears the provider.
pub fn run(args: &DnsArgs, store: &Store, ctx: &Ctx) -> Result<ExitCode> {
    let domain =
        DomainName::parse(&args.domain).map_err(|e| anyhow!("domain {:?}: {e}", sanitize(&args.domain)))?;
    let state = store
        .load(&domain)?
        .ok_or_else(|| anyhow!("{domain} is not tracked; start with `mtasts add {domain}`"))?;
    let Some(url) = &args.url else {
        match &state.dns {
            Some(s) => crate::outln!("{domain} publishes through {}", describe(s)),
            None => crate::outln!("{domain} has no DNS provider; set one with `mtasts dns {domain} URL`"),
        }
        return Ok(ExitCode::SUCCESS);
    };
    if url == "none" {
        ops::domain::edit(store, &domain, |mut s| {
            s.dns = None;
            s
        })?;
        crate::outln!(
            "{domain}: no DNS provider; the records are yours to publish (mtasts generate --target dns)"
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut setup = setup_from(url, &args.provider)?;
    if let Some(old) = &state.dns {
        if args.provider.policy_host.is_none() {
            setup.policy_host.clone_from(&old.policy_host);
        }
        if args.provider.dns_ttl.is_none() {
            setup.ttl = old.ttl;
        }
    }
    note_unset_env(&setup);
    if !args.no_verify {
        let snapshot = ctx.rt.block_on(async {
            let anchors = ctx.checker()?.extra_anchors().to_vec();
            let client =
                mtasts_dns_publish::Client::connect(&setup, &anchors, std::time::Duration::from_secs(30))
                    .await?;
            anyhow::Ok(client.read(&domain).await?)
        })?;
        crate::outln!(
            "zone {} found; {} record(s) at the MTA-STS names of {domain}",
            sanitize(&snapshot.zone),
            snapshot.records.len()
        );
    }
    ops::domain::edit(store, &domain, |mut s| {
        s.dns = Some(setup.clone());
        s
    })?;
    crate::outln!("{domain} publishes through {}", describe(&setup));
    crate::outln!("  see what the current step needs: mtasts publish {domain} --dry-run");
    Ok(ExitCode::SUCCESS)
}

/// Stores `setup` for a just-added domain (`add --dns`).
pub fn store_for_added(store: &Store, domain: &DomainName, setup: &DnsSetup) -> Result<()> {
    note_unset_env(setup);
    ops::domain::edit(store, domain, |mut s| {
        s.dns = Some(setup.clone());
        s
    })?;
    crate::outln!("  dns: {}", describe(setup));
    Ok(())
}
