//! Publishing the DNS records a rollout step needs, decided purely: which records the
//! current step wants ([`intent`]: the gates decide, so a new id never goes live before its
//! policy), how that differs from what the provider serves now ([`diff`]), and whether every
//! authoritative nameserver serves the result ([`spread`]). The providers that read and
//! write the records live in `mtasts-dns-publish`; this module never touches the network.
//!
//! Only three names are ever written: `_mta-sts.DOMAIN` and `_smtp._tls.DOMAIN` (TXT) and,
//! when asked for, `mta-sts.DOMAIN` (A/AAAA or CNAME). At those names only mtasts's own
//! records ([`Role::owns`]) change; SPF, site verification and every other record stay.
//!
//! Files, bottom up: `record` (records as plain data), `setup` (the provider as the state
//! keeps it) with `host` (the `mta-sts` record), then `intent`, then `diff` and `spread`.

pub mod diff;
pub mod host;
pub mod intent;
pub mod record;
pub mod setup;
pub mod spread;

#[cfg(test)]
mod tests;

pub use diff::{ChangeSet, DiffError, RrsetChange, already, diff};
pub use host::{PolicyHost, PolicyHostError};
pub use intent::{Intent, Options, Role, Want, intent};
pub use record::{MAX_TXT_STRING, RData, Record, RrType};
pub use setup::{
    CLOUDFLARE_API_HOST, DEFAULT_TTL, DnsSetup, Endpoint, Provider, SecretSource, SetupError, redact_url,
};
pub use spread::{Spread, resolver_shows, spread};
