//! The `mta-sts.DOMAIN` host record mtasts may publish too: an alias (CNAME) or addresses
//! (A/AAAA), as the state file keeps it (one string).

use std::fmt;
use std::net::IpAddr;

use super::record::RData;
use crate::rfc::DomainName;

/// A policy host target that is neither a host name nor IP addresses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("policy host {0:?}: expected a host name (CNAME) or IP addresses separated by commas (A/AAAA)")]
pub struct PolicyHostError(String);

/// What `mta-sts.DOMAIN` should point at, when mtasts publishes it too.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum PolicyHost {
    /// A CNAME to this host (e.g. a static host or a shared policy server).
    Alias(DomainName),
    /// A and AAAA records with these addresses.
    Addresses(Vec<IpAddr>),
}

impl PolicyHost {
    /// Parses a host name or comma-separated IP addresses.
    pub fn parse(s: &str) -> Result<PolicyHost, PolicyHostError> {
        let bad = || PolicyHostError(crate::sanitize::sanitize(s).into_owned());
        let parts: Vec<&str> = s.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
        if parts.is_empty() {
            return Err(bad());
        }
        if let Ok(mut ips) = parts.iter().map(|p| p.parse::<IpAddr>()).collect::<Result<Vec<_>, _>>() {
            ips.sort();
            ips.dedup();
            return Ok(PolicyHost::Addresses(ips));
        }
        match parts.as_slice() {
            [one] => DomainName::parse(one).map(PolicyHost::Alias).map_err(|_| bad()),
            _ => Err(bad()),
        }
    }

    /// The records it stands for.
    pub fn records(&self) -> Vec<RData> {
        match self {
            PolicyHost::Alias(target) => vec![RData::cname(target.as_str())],
            PolicyHost::Addresses(ips) => ips
                .iter()
                .map(|ip| match ip {
                    IpAddr::V4(v4) => RData::A(*v4),
                    IpAddr::V6(v6) => RData::Aaaa(*v6),
                })
                .collect(),
        }
    }
}

impl fmt::Display for PolicyHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyHost::Alias(t) => f.write_str(t.as_str()),
            PolicyHost::Addresses(ips) => {
                f.write_str(&ips.iter().map(ToString::to_string).collect::<Vec<_>>().join(","))
            }
        }
    }
}

impl TryFrom<String> for PolicyHost {
    type Error = PolicyHostError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        PolicyHost::parse(&s)
    }
}

impl From<PolicyHost> for String {
    fn from(p: PolicyHost) -> String {
        p.to_string()
    }
}
