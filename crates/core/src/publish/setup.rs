//! A domain's DNS provider as the state file keeps it: the provider's URL, where its secret
//! comes from (a file's path or an environment variable's name, never the secret), and
//! optionally the `mta-sts` host record to publish. Parsing and checking only.

use std::fmt;
use std::net::IpAddr;

use super::host::PolicyHost;
use crate::rfc::DomainName;

/// Default TTL of records mtasts creates (an existing RRset keeps its own).
pub const DEFAULT_TTL: u32 = 300;

/// Why a provider URL or setting is not usable. Never holds a secret: URLs are shown
/// redacted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetupError {
    /// Not one of the supported forms.
    #[error(
        "{0}: expected rfc2136://KEYNAME@SERVER[:PORT], pdns+https://HOST[:PORT]/SERVER_ID or cloudflare://"
    )]
    Form(String),
    /// Credentials or a query in the URL.
    #[error("{0}: secrets do not belong in the URL (give them in a file or the environment)")]
    Secret(String),
    /// Plain HTTP to a host that is not loopback.
    #[error("{0}: plain http is only allowed to a loopback address; give the https form")]
    PlainHttp(String),
    /// A part of the URL is malformed.
    #[error("{url}: {what}")]
    Part {
        /// The URL, redacted.
        url: String,
        /// What is wrong.
        what: String,
    },
    /// The provider needs a secret source the setup does not name.
    #[error("{0}")]
    NoSecret(String),
}

/// Where a provider's secret is read from when it is needed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SecretSource {
    /// A file (the TSIG key file, or a file holding the API key or token).
    File(String),
    /// An environment variable.
    Env(String),
}

impl fmt::Display for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretSource::File(p) => write!(f, "file {}", crate::sanitize::sanitize(p)),
            SecretSource::Env(v) => write!(f, "${}", crate::sanitize::sanitize(v)),
        }
    }
}

/// An HTTP API endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `https` (false only for loopback).
    pub https: bool,
    /// Host name or IP address (IPv6 without brackets).
    pub host: String,
    /// Port.
    pub port: u16,
}

impl Endpoint {
    /// `https://host:port` (brackets around IPv6).
    pub fn base(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        format!("{scheme}://{host}:{}", self.port)
    }
}

/// A parsed provider URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provider {
    /// RFC 2136 dynamic update signed with TSIG, sent to the primary server.
    Rfc2136 {
        /// The TSIG key's name.
        key_name: String,
        /// The primary server (host name or IP address).
        server: String,
        /// Its port.
        port: u16,
    },
    /// PowerDNS Authoritative's HTTP API.
    PowerDns {
        /// The API endpoint.
        endpoint: Endpoint,
        /// The server id (usually `localhost`).
        server_id: String,
    },
    /// Cloudflare's API v4.
    Cloudflare {
        /// The API endpoint (`https://api.cloudflare.com:443` unless given).
        endpoint: Endpoint,
    },
}

/// Cloudflare's public API host.
pub const CLOUDFLARE_API_HOST: &str = "api.cloudflare.com";

/// A URL with any user information and query replaced by `***`, for messages.
pub fn redact_url(raw: &str) -> String {
    let raw = crate::sanitize::sanitize(raw).into_owned();
    let (scheme, rest) = raw.split_once("://").unwrap_or(("", raw.as_str()));
    let (rest, query) = match rest.split_once(['?', '#']) {
        Some((r, _)) => (r, "?***"),
        None => (rest, ""),
    };
    let (authority, path) = rest.split_once('/').map_or((rest, String::new()), |(a, p)| (a, format!("/{p}")));
    let authority = match authority.rsplit_once('@') {
        Some((_, host)) => format!("***@{host}"),
        None => authority.to_owned(),
    };
    let sep = if scheme.is_empty() { "" } else { "://" };
    format!("{scheme}{sep}{authority}{path}{query}")
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Splits `host[:port]` / `[v6][:port]`.
fn host_port(authority: &str, default: u16, url: &str) -> Result<(String, u16), SetupError> {
    let bad = |what: &str| SetupError::Part { url: redact_url(url), what: what.to_owned() };
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (v6, after) = rest.split_once(']').ok_or_else(|| bad("unclosed [ in the address"))?;
        (v6.to_owned(), after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_owned(), Some(p)),
            None => (authority.to_owned(), None),
        }
    };
    let port = match port {
        None => default,
        Some(p) => {
            p.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(|| bad("the port is not a number 1-65535"))?
        }
    };
    if host.is_empty() {
        return Err(bad("no server named"));
    }
    if host.parse::<IpAddr>().is_err() {
        DomainName::parse(&host).map_err(|e| bad(&format!("server {e}")))?;
    }
    Ok((host.to_ascii_lowercase(), port))
}

impl Provider {
    /// Parses one of the supported URL forms.
    pub fn parse(url: &str) -> Result<Provider, SetupError> {
        let shown = || redact_url(url);
        let (scheme, rest) = url.split_once("://").ok_or_else(|| SetupError::Form(shown()))?;
        if rest.contains(['?', '#']) || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(SetupError::Secret(shown()));
        }
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let scheme = scheme.to_ascii_lowercase();
        match scheme.as_str() {
            "rfc2136" => {
                let (key, server) = authority.split_once('@').ok_or_else(|| SetupError::Part {
                    url: shown(),
                    what: "the TSIG key's name goes before @ (rfc2136://KEYNAME@SERVER)".into(),
                })?;
                if key.contains(':') {
                    return Err(SetupError::Secret(shown()));
                }
                let key_name = key.trim_end_matches('.').to_ascii_lowercase();
                let label_ok = |l: &str| {
                    !l.is_empty()
                        && l.len() <= 63
                        && l.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
                };
                if key_name.len() > 253 || !key_name.split('.').all(label_ok) {
                    return Err(SetupError::Part {
                        url: shown(),
                        what: "the TSIG key's name may hold letters, digits, '-', '_' and dots".into(),
                    });
                }
                if !path.is_empty() {
                    return Err(SetupError::Form(shown()));
                }
                let (server, port) = host_port(server, 53, url)?;
                Ok(Provider::Rfc2136 { key_name, server, port })
            }
            "pdns+https" | "pdns+http" => {
                if authority.contains('@') {
                    return Err(SetupError::Secret(shown()));
                }
                let https = scheme == "pdns+https";
                let (host, port) = host_port(authority, if https { 443 } else { 80 }, url)?;
                if !https && !is_loopback(&host) {
                    return Err(SetupError::PlainHttp(shown()));
                }
                let server_id = path.trim_end_matches('/');
                if server_id.is_empty()
                    || !server_id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                {
                    return Err(SetupError::Part {
                        url: shown(),
                        what: "name the PowerDNS server id after the host (usually /localhost)".into(),
                    });
                }
                Ok(Provider::PowerDns {
                    endpoint: Endpoint { https, host, port },
                    server_id: server_id.to_owned(),
                })
            }
            "cloudflare" | "cloudflare+http" => {
                if authority.contains('@') {
                    return Err(SetupError::Secret(shown()));
                }
                if !path.trim_end_matches('/').is_empty() {
                    return Err(SetupError::Form(shown()));
                }
                let https = scheme == "cloudflare";
                let endpoint = if authority.is_empty() && https {
                    Endpoint { https, host: CLOUDFLARE_API_HOST.into(), port: 443 }
                } else {
                    let (host, port) = host_port(authority, if https { 443 } else { 80 }, url)?;
                    if !https && !is_loopback(&host) {
                        return Err(SetupError::PlainHttp(shown()));
                    }
                    Endpoint { https, host, port }
                };
                Ok(Provider::Cloudflare { endpoint })
            }
            _ => Err(SetupError::Form(shown())),
        }
    }

    /// The provider's name in words.
    pub fn kind(&self) -> &'static str {
        match self {
            Provider::Rfc2136 { .. } => "RFC 2136 (TSIG)",
            Provider::PowerDns { .. } => "PowerDNS API",
            Provider::Cloudflare { .. } => "Cloudflare API",
        }
    }

    /// The environment variable a secret is read from when no file is given; `None` when a
    /// file is required (the TSIG key).
    pub fn default_env(&self) -> Option<&'static str> {
        match self {
            Provider::Rfc2136 { .. } => None,
            Provider::PowerDns { .. } => Some("MTASTS_PDNS_API_KEY"),
            Provider::Cloudflare { .. } => Some("CLOUDFLARE_API_TOKEN"),
        }
    }
}

impl fmt::Display for Provider {
    /// The canonical URL (no secret in any form).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bracket = |h: &str| if h.contains(':') { format!("[{h}]") } else { h.to_owned() };
        match self {
            Provider::Rfc2136 { key_name, server, port } => {
                write!(f, "rfc2136://{key_name}@{}:{port}", bracket(server))
            }
            Provider::PowerDns { endpoint, server_id } => {
                let scheme = if endpoint.https { "pdns+https" } else { "pdns+http" };
                write!(f, "{scheme}://{}:{}/{server_id}", bracket(&endpoint.host), endpoint.port)
            }
            Provider::Cloudflare { endpoint } if endpoint.https && endpoint.host == CLOUDFLARE_API_HOST => {
                f.write_str("cloudflare://")
            }
            Provider::Cloudflare { endpoint } => {
                let scheme = if endpoint.https { "cloudflare" } else { "cloudflare+http" };
                write!(f, "{scheme}://{}:{}", bracket(&endpoint.host), endpoint.port)
            }
        }
    }
}

/// A domain's DNS provider, as kept in its state file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DnsSetup {
    /// The provider URL in canonical form (never holds a secret).
    pub url: String,
    /// Where the TSIG key, API key or token is read from.
    pub secret: SecretSource,
    /// The `mta-sts` host record to publish too, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_host: Option<PolicyHost>,
    /// TTL of records mtasts creates ([`DEFAULT_TTL`] when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<u32>,
}

impl DnsSetup {
    /// Checks `url` and picks the secret source: `secret_file` when given, else the
    /// provider's environment variable; the TSIG key always needs a file.
    pub fn new(
        url: &str,
        secret_file: Option<String>,
        policy_host: Option<PolicyHost>,
        ttl: Option<u32>,
    ) -> Result<DnsSetup, SetupError> {
        let provider = Provider::parse(url)?;
        let secret = match (secret_file, provider.default_env()) {
            (Some(path), _) => SecretSource::File(path),
            (None, Some(var)) => SecretSource::Env(var.to_owned()),
            (None, None) => {
                return Err(SetupError::NoSecret(format!(
                    "{provider} needs the TSIG key: --tsig-file FILE (a key file as tsig-keygen or keymgr -t writes it)"
                )));
            }
        };
        Ok(DnsSetup { url: provider.to_string(), secret, policy_host, ttl })
    }

    /// The parsed provider.
    pub fn provider(&self) -> Result<Provider, SetupError> {
        Provider::parse(&self.url)
    }

    /// The TTL for new records.
    pub fn ttl(&self) -> u32 {
        self.ttl.unwrap_or(DEFAULT_TTL)
    }
}
