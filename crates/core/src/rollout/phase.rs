//! The phases of a rollout and the ways a policy can be hosted.

use std::fmt;

/// Where a domain stands on the way to `mode: enforce` (or on the way out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// The MX set is known and every MX host must pass STARTTLS with a valid certificate.
    Preflight,
    /// The `_mta-sts` and `_smtp._tls` records must be live as planned.
    Records,
    /// The policy file must be served as planned.
    Hosting,
    /// A full check must find no error.
    Validation,
    /// `mode: testing` for the testing window.
    Testing,
    /// Switching to `mode: enforce` (policy file first, then the new id).
    Enforce,
    /// `mode: enforce` is live with the planned id.
    Enforced,
    /// Leaving MTA-STS: `mode: none`, then a countdown before the records may go.
    Rollback,
}

impl Phase {
    /// The rollout phases in order (without `Rollback`).
    pub const ORDER: [Phase; 7] = [
        Phase::Preflight,
        Phase::Records,
        Phase::Hosting,
        Phase::Validation,
        Phase::Testing,
        Phase::Enforce,
        Phase::Enforced,
    ];

    /// The lower-case name used in files, JSON and text.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Preflight => "preflight",
            Phase::Records => "records",
            Phase::Hosting => "hosting",
            Phase::Validation => "validation",
            Phase::Testing => "testing",
            Phase::Enforce => "enforce",
            Phase::Enforced => "enforced",
            Phase::Rollback => "rollback",
        }
    }

    /// Parses the lower-case name.
    pub fn parse(s: &str) -> Option<Phase> {
        Phase::ORDER.into_iter().chain([Phase::Rollback]).find(|p| p.as_str() == s)
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the policy file is served at `https://mta-sts.DOMAIN/.well-known/mta-sts.txt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HostingPath {
    /// An nginx server block.
    Nginx,
    /// An Apache virtual host.
    Apache,
    /// A Caddyfile site.
    Caddy,
    /// A static host with a headers file (Netlify, Cloudflare Pages style).
    StaticHeaders,
    /// A Cloudflare Worker for one domain.
    Worker,
    /// One Cloudflare Worker serving several domains.
    WorkerMulti,
}

impl HostingPath {
    /// Every hosting path.
    pub const ALL: [HostingPath; 6] = [
        HostingPath::Nginx,
        HostingPath::Apache,
        HostingPath::Caddy,
        HostingPath::StaticHeaders,
        HostingPath::Worker,
        HostingPath::WorkerMulti,
    ];

    /// The kebab-case name stored in state files.
    pub fn as_str(self) -> &'static str {
        match self {
            HostingPath::Nginx => "nginx",
            HostingPath::Apache => "apache",
            HostingPath::Caddy => "caddy",
            HostingPath::StaticHeaders => "static-headers",
            HostingPath::Worker => "worker",
            HostingPath::WorkerMulti => "worker-multi",
        }
    }

    /// Parses the kebab-case name.
    pub fn parse(s: &str) -> Option<HostingPath> {
        HostingPath::ALL.into_iter().find(|h| h.as_str() == s)
    }

    /// The `mtasts generate --target` value that prints the snippet for this path.
    pub fn generate_target(self) -> &'static str {
        match self {
            HostingPath::StaticHeaders => "headers",
            other => other.as_str(),
        }
    }
}

impl fmt::Display for HostingPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
