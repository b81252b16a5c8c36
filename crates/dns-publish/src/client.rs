//! One handle over the three providers: connect from a domain's [`DnsSetup`] (reading its
//! secret then, never earlier), read what is served at the three names, apply a change set
//! so that it is all applied or none of it.

use std::time::Duration;

use rustls_pki_types::CertificateDer;

use super::cloudflare::{self, Cloudflare};
use super::error::PublishError;
use super::http::Http;
use super::pdns::{self, PowerDns};
use super::rfc2136::Rfc2136;
use super::secret::{read_token, read_tsig_key};
use mtasts_core::publish::{ChangeSet, DnsSetup, Provider, Record, SecretSource};
use mtasts_core::rfc::DomainName;
use mtasts_core::sanitize::sanitize;

/// A connected provider.
pub struct Client {
    kind: Kind,
    describe: String,
}

enum Kind {
    Rfc2136(Rfc2136),
    PowerDns(PowerDns),
    Cloudflare(Cloudflare),
}

/// What a provider serves at the three names of one domain, as read at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The zone holding the domain.
    pub zone: String,
    /// Every record of the types mtasts reads at the three names.
    pub records: Vec<Record>,
    detail: Detail,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Detail {
    Rfc2136,
    PowerDns(String, Vec<pdns::Served>),
    Cloudflare(String, Vec<cloudflare::Served>),
}

impl Client {
    /// Connects to the provider `setup` names, reading its secret now. `extra` anchors are
    /// trusted besides the public roots for the HTTPS APIs; `timeout` bounds each request.
    pub async fn connect(
        setup: &DnsSetup,
        extra: &[CertificateDer<'static>],
        timeout: Duration,
    ) -> Result<Client, PublishError> {
        let provider = setup.provider().map_err(|e| PublishError::Secret(e.to_string()))?;
        let describe = format!("{} at {provider}", provider.kind());
        let kind = match &provider {
            Provider::Rfc2136 { key_name, server, port } => {
                let SecretSource::File(path) = &setup.secret else {
                    return Err(PublishError::Secret(format!(
                        "{provider} needs a TSIG key file; set one with mtasts dns DOMAIN {provider} --tsig-file FILE"
                    )));
                };
                let key = read_tsig_key(path, key_name)?;
                Kind::Rfc2136(Rfc2136::new(server, *port, &key, timeout).await?)
            }
            Provider::PowerDns { endpoint, server_id } => {
                let http = Http::new("PowerDNS API", extra, timeout)?;
                Kind::PowerDns(PowerDns::new(http, endpoint, server_id, read_token(&setup.secret)?))
            }
            Provider::Cloudflare { endpoint } => {
                let http = Http::new("Cloudflare API", extra, timeout)?;
                Kind::Cloudflare(Cloudflare::new(http, endpoint, read_token(&setup.secret)?))
            }
        };
        Ok(Client { kind, describe })
    }

    /// The provider in words (`RFC 2136 (TSIG) at rfc2136://key@192.0.2.53:53`).
    pub fn describe(&self) -> &str {
        &self.describe
    }

    /// Reads what is served at the three names of `domain`.
    pub async fn read(&self, domain: &DomainName) -> Result<Snapshot, PublishError> {
        Ok(match &self.kind {
            Kind::Rfc2136(c) => {
                let zone = c.zone(domain).await?;
                let records = c.served(domain).await?;
                Snapshot {
                    zone: zone.to_ascii().trim_end_matches('.').to_owned(),
                    records,
                    detail: Detail::Rfc2136,
                }
            }
            Kind::PowerDns(c) => {
                let (id, zone) = c.zone(domain).await?;
                let served = c.served(&id, domain).await?;
                let records = served.iter().filter(|s| !s.disabled).map(|s| s.record.clone()).collect();
                Snapshot { zone, records, detail: Detail::PowerDns(id, served) }
            }
            Kind::Cloudflare(c) => {
                let (id, zone) = c.zone(domain).await?;
                let served = c.served(&id, domain).await?;
                let records = served.iter().map(|s| s.record.clone()).collect();
                Snapshot { zone, records, detail: Detail::Cloudflare(id, served) }
            }
        })
    }

    /// Applies `changes`, computed against `seen`, as one update: RFC 2136 with prerequisites
    /// (the server checks nothing moved); the APIs after reading again and finding the
    /// records unchanged, in one PATCH or one batch.
    pub async fn apply(
        &self,
        domain: &DomainName,
        seen: &Snapshot,
        changes: &ChangeSet,
    ) -> Result<(), PublishError> {
        if changes.is_empty() {
            return Ok(());
        }
        if !matches!(self.kind, Kind::Rfc2136(_)) && self.read(domain).await? != *seen {
            let names: Vec<String> = changes.changes.iter().map(|c| sanitize(&c.name).into_owned()).collect();
            return Err(PublishError::Changed(names.join(", ")));
        }
        match (&self.kind, &seen.detail) {
            (Kind::Rfc2136(c), _) => {
                let zone = hickory_proto::rr::Name::from_ascii(format!("{}.", seen.zone))
                    .map_err(|e| PublishError::Protocol(e.to_string()))?;
                c.apply(&zone, changes).await
            }
            (Kind::PowerDns(c), Detail::PowerDns(id, served)) => c.apply(id, served, changes).await,
            (Kind::Cloudflare(c), Detail::Cloudflare(id, served)) => c.apply(id, served, changes).await,
            _ => Err(PublishError::Protocol("a snapshot read through another provider".into())),
        }
    }
}
