//! Probe options shared by `check`, `add` and `advance`.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Result, anyhow};
use clap::Args;

use mtasts_probe::{ProbeConfig, ResolverChoice, load_ca_file};

/// How to reach the world: resolver, ports, trust anchors, timeouts. Defined once, on the
/// top-level command, as global options: accepted before or after any subcommand.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = super::headings::PROBE)]
pub struct ProbeArgs {
    /// DNS resolver to ask, IP[:PORT] (default: the system's resolver configuration).
    #[arg(long, global = true, value_name = "IP[:PORT]", value_parser = parse_resolver)]
    pub resolver: Option<SocketAddr>,
    /// Extra trust anchors (PEM), e.g. a private test CA; findings say when only these matched.
    #[arg(long, global = true, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// DNSSEC trust anchor: a file of DNSKEY records in zone-file form, e.g. a private or test
    /// root (default: the root zone's published anchors).
    #[arg(long, global = true, value_name = "FILE")]
    pub trust_anchor: Option<PathBuf>,
    /// SMTP port on the MX hosts.
    #[arg(long, global = true, value_name = "N", default_value_t = 25)]
    pub smtp_port: u16,
    /// DNS port on the authoritative nameservers, asked directly to compare what each serves.
    #[arg(long, global = true, value_name = "N", default_value_t = 53)]
    pub ns_port: u16,
    /// HTTPS port on the policy host.
    #[arg(long, global = true, value_name = "N", default_value_t = 443)]
    pub https_port: u16,
    /// Give up on a domain after this many seconds.
    #[arg(long, global = true, value_name = "SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// Global limit: most SMTP and HTTPS connections open at once (default: three quarters
    /// of the file-descriptor limit, at most 4096; domains in flight: 8x this, at most 1024).
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=65536))]
    pub concurrency: Option<u64>,
    /// Most connections to one IP address at once (polite to shared MX hosts and postscreen).
    #[arg(long, global = true, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub per_host: u64,
}

impl ProbeArgs {
    /// The probe configuration these options describe, judged at `now`.
    pub fn config(&self, now: jiff::Timestamp) -> Result<ProbeConfig> {
        let mut cfg = ProbeConfig::new(now);
        if let Some(addr) = self.resolver {
            cfg.resolver = ResolverChoice::At(addr);
        }
        if let Some(path) = &self.ca_file {
            cfg.extra_anchors = load_ca_file(path).map_err(|e| anyhow!("--ca-file: {e}"))?;
        }
        if let Some(path) = &self.trust_anchor {
            cfg.dnssec_anchor = Some(read_trust_anchor(path)?);
        }
        cfg.smtp_port = self.smtp_port;
        cfg.ns_port = self.ns_port;
        cfg.https_port = self.https_port;
        let overall = Duration::from_secs(self.timeout);
        let t = &mut cfg.timeouts;
        t.overall = overall;
        for step in [&mut t.dns, &mut t.connect, &mut t.smtp_reply, &mut t.tls_handshake, &mut t.https] {
            *step = (*step).min(overall);
        }
        if let Some(n) = self.concurrency {
            cfg.concurrency = usize::try_from(n).unwrap_or(cfg.concurrency);
        }
        cfg.per_host = usize::try_from(self.per_host).unwrap_or(2);
        Ok(cfg)
    }
}

impl ProbeArgs {
    /// Where the DKIM keys of e-mailed reports are looked up: the probes' resolver and DNS
    /// timeout.
    pub fn dkim(&self) -> Result<mtasts_reports::DkimSettings> {
        Ok(crate::ops::reports::dkim_settings(&self.config(super::clock::now()?)?))
    }
}

/// Reads a trust anchor file (at most 1 MiB) and checks that it parses as DNSKEY records.
fn read_trust_anchor(path: &std::path::Path) -> Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(mtasts_probe::MAX_CA_FILE_BYTES + 1).read_to_string(&mut text))
        .map_err(|e| anyhow!("--trust-anchor {}: {e}", path.display()))?;
    if text.len() as u64 > mtasts_probe::MAX_CA_FILE_BYTES {
        return Err(anyhow!("--trust-anchor {}: larger than 1 MiB", path.display()));
    }
    mtasts_probe::parse_trust_anchor(&text).map_err(|e| anyhow!("--trust-anchor {}: {e}", path.display()))?;
    Ok(text)
}

/// Parses `IP`, `IP:PORT` or `[IPv6]:PORT`; the port defaults to 53.
pub fn parse_resolver(s: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = s.parse::<SocketAddr>() {
        return Ok(addr);
    }
    s.parse::<IpAddr>()
        .map(|ip| SocketAddr::new(ip, 53))
        .map_err(|_| format!("{s:?} is not an IP address or IP:PORT"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolver_forms() {
        assert_eq!(parse_resolver("127.0.0.1").unwrap(), "127.0.0.1:53".parse().unwrap());
        assert_eq!(parse_resolver("127.0.0.1:5353").unwrap(), "127.0.0.1:5353".parse().unwrap());
        assert_eq!(parse_resolver("::1").unwrap(), "[::1]:53".parse().unwrap());
        assert_eq!(parse_resolver("[::1]:5353").unwrap(), "[::1]:5353".parse().unwrap());
        assert!(parse_resolver("dns.google").is_err());
    }
}
