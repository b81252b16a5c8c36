//! Pure configuration generation: an intended policy plus a hosting target → text to paste
//! into a DNS zone, a web server, a static host or a Cloudflare Worker.
//!
//! Every value placed into generated text comes from a validated type ([`DomainName`],
//! [`Policy`], [`PolicyId`], [`RuaUri`]) or a checked path ([`Options`]), so nothing a user
//! types can inject configuration or script. Templates live in `assets/snippets/` and are
//! compiled into the binary.

mod dns;
pub use dns::order_note;
mod template;
mod web;
mod worker;

use std::fmt;
use std::str::FromStr;

use crate::rfc::{DomainName, Policy, PolicyId, RuaUri};

/// Where the MTA-STS pieces are going to be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// The policy file itself (`mta-sts.txt`, CRLF line endings).
    Policy,
    /// Zone-file lines for `_mta-sts` and `_smtp._tls`.
    Dns,
    /// An nginx `server` block for `mta-sts.DOMAIN`.
    Nginx,
    /// An Apache `<VirtualHost *:443>` for `mta-sts.DOMAIN`.
    Apache,
    /// A Caddyfile site block for `mta-sts.DOMAIN`.
    Caddy,
    /// A Netlify / Cloudflare Pages `_headers` file.
    Headers,
    /// A Cloudflare Worker (module syntax) serving one domain's policy.
    Worker,
    /// One Cloudflare Worker serving the policies of several domains.
    WorkerMulti,
}

impl Target {
    /// Every target, in the order they are documented.
    pub const ALL: [Target; 8] = [
        Target::Policy,
        Target::Dns,
        Target::Nginx,
        Target::Apache,
        Target::Caddy,
        Target::Headers,
        Target::Worker,
        Target::WorkerMulti,
    ];

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Policy => "policy",
            Target::Dns => "dns",
            Target::Nginx => "nginx",
            Target::Apache => "apache",
            Target::Caddy => "caddy",
            Target::Headers => "headers",
            Target::Worker => "worker",
            Target::WorkerMulti => "worker-multi",
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Target {
    type Err = SnippetError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Target::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| SnippetError::UnknownTarget(s.to_owned()))
    }
}

/// One domain's intended MTA-STS setup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// The mail domain (the policy is served from `mta-sts.<domain>`).
    pub domain: DomainName,
    /// The policy to publish.
    pub policy: Policy,
    /// The id to publish in the `_mta-sts` record.
    pub id: PolicyId,
    /// TLS-RPT report URIs; empty means `mailto:tlsrpt@<domain>`.
    pub rua: Vec<RuaUri>,
}

/// Free-text paths for the web server targets (ignored by the others). Each must be an
/// absolute path without whitespace, quotes, `;`, `{`, `}`, `$`, `#`, `\`, `<`, `>`, control
/// characters or `..` segments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Certificate chain (PEM) for `mta-sts.<domain>`; default `/etc/ssl/mta-sts.<domain>/fullchain.pem`.
    pub cert: Option<String>,
    /// Private key (PEM); default `/etc/ssl/mta-sts.<domain>/privkey.pem`.
    pub key: Option<String>,
    /// Directory holding `.well-known/mta-sts.txt`; default `/var/www/mta-sts.<domain>`.
    pub webroot: Option<String>,
}

/// Generated text plus what to do with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// The text to write or paste.
    pub text: String,
    /// A sensible file name for writing `text` into a directory.
    pub file_name: String,
    /// Next steps the user must take, one sentence each.
    pub notes: Vec<String>,
}

/// Why a snippet cannot be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnippetError {
    /// Not one of [`Target::ALL`].
    #[error(
        "unknown target {0:?}; expected one of policy, dns, nginx, apache, caddy, headers, worker, worker-multi"
    )]
    UnknownTarget(String),
    /// A single-domain target was given zero or several domains.
    #[error(
        "the {target} target takes exactly one domain, but {count} were given (use worker-multi for several)"
    )]
    OneSite {
        /// The target asked for.
        target: Target,
        /// How many sites were given.
        count: usize,
    },
    /// `worker-multi` without any domain.
    #[error("the worker-multi target needs at least one domain")]
    NoSites,
    /// The same domain twice in `worker-multi`.
    #[error("domain {0} is given more than once")]
    DuplicateSite(DomainName),
    /// A cert, key or webroot path that is not safe to place into configuration.
    #[error("--{option} {value:?} is not usable: {reason}")]
    BadPath {
        /// Which option (`cert`, `key`, `webroot`).
        option: &'static str,
        /// The value as given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Caddy needs both a certificate and a key, or neither (automatic HTTPS).
    #[error("caddy needs both --cert and --key, or neither (Caddy then obtains a certificate itself)")]
    CaddyCertPair,
}

/// Generates the snippet for `target`. Single-domain targets need exactly one site;
/// `worker-multi` needs one or more distinct sites.
pub fn generate(target: Target, sites: &[Site], opts: &Options) -> Result<Snippet, SnippetError> {
    let opts = Checked::new(opts)?;
    if target == Target::WorkerMulti {
        if sites.is_empty() {
            return Err(SnippetError::NoSites);
        }
        for (i, s) in sites.iter().enumerate() {
            if sites[..i].iter().any(|o| o.domain == s.domain) {
                return Err(SnippetError::DuplicateSite(s.domain.clone()));
            }
        }
        return Ok(worker::multi(sites));
    }
    let [site] = sites else {
        return Err(SnippetError::OneSite { target, count: sites.len() });
    };
    Ok(match target {
        Target::Policy => Snippet {
            text: site.policy.render(),
            file_name: "mta-sts.txt".into(),
            notes: vec![format!(
                "Serve this file, byte for byte, at {} over HTTPS with Content-Type text/plain.",
                site.domain.policy_url()
            )],
        },
        Target::Dns => dns::zone(site),
        Target::Nginx => web::nginx(site, &opts),
        Target::Apache => web::apache(site, &opts),
        Target::Caddy => web::caddy(site, &opts)?,
        Target::Headers => web::headers(site),
        Target::Worker => worker::single(site),
        Target::WorkerMulti => worker::multi(sites),
    })
}

/// Options whose paths passed [`check_path`].
struct Checked<'a> {
    cert: Option<&'a str>,
    key: Option<&'a str>,
    webroot: Option<&'a str>,
}

impl<'a> Checked<'a> {
    fn new(opts: &'a Options) -> Result<Self, SnippetError> {
        Ok(Self {
            cert: opts.cert.as_deref().map(|p| check_path("cert", p)).transpose()?,
            key: opts.key.as_deref().map(|p| check_path("key", p)).transpose()?,
            webroot: opts
                .webroot
                .as_deref()
                .map(|p| check_path("webroot", p))
                .transpose()?
                .map(|p| if p.len() > 1 { p.trim_end_matches('/') } else { p }),
        })
    }

    fn cert(&self, d: &DomainName) -> String {
        self.cert.map_or_else(|| format!("/etc/ssl/mta-sts.{d}/fullchain.pem"), str::to_owned)
    }

    fn key(&self, d: &DomainName) -> String {
        self.key.map_or_else(|| format!("/etc/ssl/mta-sts.{d}/privkey.pem"), str::to_owned)
    }

    fn webroot(&self, d: &DomainName) -> String {
        self.webroot.map_or_else(|| format!("/var/www/mta-sts.{d}"), str::to_owned)
    }
}

/// Accepts an absolute path that every target's config syntax can hold unquoted.
fn check_path<'a>(option: &'static str, value: &'a str) -> Result<&'a str, SnippetError> {
    let bad = |reason: String| SnippetError::BadPath { option, value: value.to_owned(), reason };
    if !value.starts_with('/') {
        return Err(bad("it must be an absolute path (starting with '/')".into()));
    }
    if let Some(ch) = value.chars().find(|c| {
        c.is_whitespace()
            || c.is_control()
            || matches!(c, '"' | '\'' | '`' | ';' | '{' | '}' | '$' | '#' | '\\' | '<' | '>')
    }) {
        return Err(bad(format!(
            "it contains {ch:?}; whitespace, quotes, control characters and ; {{ }} $ # \\ < > are not allowed"
        )));
    }
    if value.split('/').any(|seg| seg == "..") {
        return Err(bad("it contains a '..' segment".into()));
    }
    Ok(value)
}

#[cfg(test)]
mod tests;
