//! Pure configuration generation: an intended policy plus a hosting target → text to paste
//! into a DNS zone, a web server, a static host or a Cloudflare Worker.
//!
//! Every value placed into generated text comes from a validated type ([`DomainName`],
//! [`Policy`], [`PolicyId`], [`RuaUri`]) or a checked path ([`Options`]), so nothing a user
//! types can inject configuration or script. Templates live in `assets/snippets/` and are
//! compiled into the binary.

mod dns;
mod options;
pub use dns::order_note;
mod template;
mod web;
mod worker;
mod wrangler;

use options::Checked;
pub use options::Options;
pub use worker::WRANGLER_HINT;
pub use wrangler::{COMPATIBILITY_DATE, CONFIG_FILE as WRANGLER_CONFIG};

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
    /// A wrangler configuration (`wrangler.jsonc`) with a custom domain per site, and the
    /// Worker module beside it (see [`files`]): `npx wrangler deploy` publishes both.
    Wrangler,
}

impl Target {
    /// Every target, in the order they are documented.
    pub const ALL: [Target; 9] = [
        Target::Policy,
        Target::Dns,
        Target::Nginx,
        Target::Apache,
        Target::Caddy,
        Target::Headers,
        Target::Worker,
        Target::WorkerMulti,
        Target::Wrangler,
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
            Target::Wrangler => "wrangler",
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
        "unknown target {0:?}; expected one of policy, dns, nginx, apache, caddy, headers, worker, worker-multi, wrangler"
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
    /// `worker-multi` or `wrangler` without any domain.
    #[error("the worker-multi and wrangler targets need at least one domain")]
    NoSites,
    /// The same domain twice in `worker-multi`.
    #[error("domain {0} is given more than once")]
    DuplicateSite(DomainName),
    /// A cert, key or webroot path that is not safe to place into configuration.
    #[error("the {option} path {value:?} is not usable: {reason}")]
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

/// One file of a generated artefact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// The file name (no directory).
    pub name: String,
    /// Its content.
    pub text: String,
}

/// Every file `target` needs, to be written side by side into one directory, plus the next
/// steps: `wrangler` gives the Worker module and then `wrangler.jsonc` (which names it); every
/// other target gives the one file of [`generate`].
pub fn files(
    target: Target,
    sites: &[Site],
    opts: &Options,
) -> Result<(Vec<File>, Vec<String>), SnippetError> {
    let snip = generate(target, sites, opts)?;
    let mut out = Vec::new();
    if target == Target::Wrangler {
        out.push(File { name: wrangler::MODULE_FILE.into(), text: wrangler::module(sites).text });
    }
    out.push(File { name: snip.file_name, text: snip.text });
    Ok((out, snip.notes))
}

/// Generates the snippet for `target`. Single-domain targets need exactly one site;
/// `worker-multi` and `wrangler` need one or more distinct sites.
pub fn generate(target: Target, sites: &[Site], opts: &Options) -> Result<Snippet, SnippetError> {
    let opts = Checked::new(opts)?;
    if matches!(target, Target::WorkerMulti | Target::Wrangler) {
        if sites.is_empty() {
            return Err(SnippetError::NoSites);
        }
        for (i, s) in sites.iter().enumerate() {
            if sites[..i].iter().any(|o| o.domain == s.domain) {
                return Err(SnippetError::DuplicateSite(s.domain.clone()));
            }
        }
        return Ok(if target == Target::Wrangler { wrangler::config(sites) } else { worker::multi(sites) });
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
        Target::WorkerMulti | Target::Wrangler => worker::multi(sites),
    })
}

#[cfg(test)]
mod tests;
