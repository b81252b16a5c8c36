//! The DNS providers mtasts publishes records through, as I/O adapters: RFC 2136 dynamic
//! update signed with TSIG, PowerDNS Authoritative's HTTP API and Cloudflare's API v4. Each
//! reads what is served at a domain's three MTA-STS names and applies a change set as one
//! update, all of it or none. What to publish, and when, is decided by
//! `mtasts_core::publish`; this crate only carries it out.
//!
//! Secrets are read when a provider connects, from the file or environment variable the
//! state names, and never printed: errors name the file or variable instead.
//!
//! Files, bottom up: `error`, `secret` (secrets and TSIG key files), `wire` and `content`
//! (encodings), `http`; the providers `rfc2136`, `pdns`, `cloudflare`; at the top `client`.

mod client;
mod cloudflare;
mod content;
mod error;
mod http;
mod pdns;
mod rfc2136;
mod secret;
mod wire;

pub use client::{Client, Snapshot};
pub use error::PublishError;
pub use secret::{Secret, TsigAlg, TsigKey, parse_tsig_key, read_token, read_tsig_key};
