//! RFC 2136 dynamic update signed with TSIG (RFC 8945), sent to the zone's primary server
//! over TCP: the zone found by its SOA, the records read with plain queries, and every change
//! of one publication sent as one UPDATE whose prerequisites say the RRsets are still exactly
//! what was read, so the server applies all of it or nothing.
//!
//! hickory-proto builds the messages, signs them (`TSigner`) and verifies signed answers;
//! the exchange is ours, not hickory-net's client, because a TSIG failure comes back unsigned
//! (RFC 8945 §5.3.2) and that client reports it only as a failed verification, while the
//! user needs BADKEY, BADSIG or BADTIME named.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hickory_proto::op::{Message, MessageType, OpCode, Query, ResponseCode, UpdateMessage};
use hickory_proto::rr::rdata::tsig::{TsigAlgorithm, TsigError};
use hickory_proto::rr::rdata::{A, AAAA, CNAME, TXT};
use hickory_proto::rr::{DNSClass, Name, RData as HData, Record as HRecord, RecordType, TSigner};

use super::error::PublishError;
use super::secret::{TsigAlg, TsigKey};
use super::wire::{exchange, resolve};
use mtasts_core::publish::{ChangeSet, RData, Record, Role, RrType};
use mtasts_core::rfc::DomainName;
use mtasts_core::sanitize::sanitize;

/// How far the signing time may be from the server's clock (seconds, RFC 8945 recommends 300).
const FUDGE: u16 = 300;

/// A primary server that accepts TSIG-signed updates.
pub struct Rfc2136 {
    shown: String,
    addr: SocketAddr,
    signer: TSigner,
    timeout: Duration,
}

fn name(text: &str) -> Result<Name, PublishError> {
    Name::from_ascii(format!("{}.", text.trim_end_matches('.')))
        .map_err(|e| PublishError::Protocol(format!("{}: {e}", sanitize(text))))
}

fn plain(n: &Name) -> String {
    n.to_ascii().trim_end_matches('.').to_ascii_lowercase()
}

fn rtype(t: RrType) -> RecordType {
    match t {
        RrType::Txt => RecordType::TXT,
        RrType::A => RecordType::A,
        RrType::Aaaa => RecordType::AAAA,
        RrType::Cname => RecordType::CNAME,
    }
}

fn to_wire(data: &RData) -> Result<HData, PublishError> {
    Ok(match data {
        RData::Txt(strings) => HData::TXT(TXT::from_bytes(strings.iter().map(Vec::as_slice).collect())),
        RData::A(ip) => HData::A(A(*ip)),
        RData::Aaaa(ip) => HData::AAAA(AAAA(*ip)),
        RData::Cname(target) => HData::CNAME(CNAME(name(target)?)),
    })
}

fn from_wire(r: &HRecord) -> Option<Record> {
    let data = match &r.data {
        HData::TXT(t) => RData::Txt(t.txt_data.iter().map(|s| s.to_vec()).collect()),
        HData::A(a) => RData::A(a.0),
        HData::AAAA(a) => RData::Aaaa(a.0),
        HData::CNAME(c) => RData::cname(&c.0.to_ascii()),
        _ => return None,
    };
    Some(Record::new(&plain(&r.name), r.ttl, data))
}

/// What a response code means for an update, in words.
fn rcode_meaning(code: ResponseCode) -> &'static str {
    match code {
        ResponseCode::Refused => {
            "the server refused: its update ACL does not allow this key for this zone, or updates are off"
        }
        ResponseCode::NotAuth => "the server is not authoritative for the zone, or does not accept this key",
        ResponseCode::NotZone => "a name is outside the zone named in the update",
        ResponseCode::ServFail => "the server failed to apply the update (see its log)",
        ResponseCode::FormErr => "the server could not parse the update",
        ResponseCode::NotImp => "the server does not implement dynamic update",
        _ => "the update was not applied",
    }
}

fn tsig_meaning(e: &TsigError) -> (String, &'static str) {
    match e {
        TsigError::BadKey => ("BADKEY".into(), "the server does not know a key of this name and algorithm"),
        TsigError::BadSig => {
            ("BADSIG".into(), "the signature is wrong: the key's secret differs from the server's")
        }
        TsigError::BadTime => {
            ("BADTIME".into(), "this machine's clock and the server's differ by more than 5 minutes")
        }
        TsigError::BadTrunc => ("BADTRUNC".into(), "the server wants a longer MAC"),
        TsigError::Unknown(n) => (n.to_string(), "unknown TSIG error"),
    }
}

impl Rfc2136 {
    /// The server `server:port` with `key`.
    pub async fn new(
        server: &str,
        port: u16,
        key: &TsigKey,
        timeout: Duration,
    ) -> Result<Rfc2136, PublishError> {
        let algorithm = match key.algorithm {
            TsigAlg::HmacSha256 => TsigAlgorithm::HmacSha256,
            TsigAlg::HmacSha512 => TsigAlgorithm::HmacSha512,
        };
        let signer = TSigner::new(key.secret_bytes().to_vec(), algorithm, name(&key.name)?, FUDGE)
            .map_err(|e| PublishError::Secret(format!("TSIG key {}: {e}", sanitize(&key.name))))?;
        let addr = resolve(server, port, timeout).await?;
        Ok(Rfc2136 { shown: format!("{} ({addr})", sanitize(server)), addr, signer, timeout })
    }

    async fn ask(&self, qname: &Name, qtype: RecordType) -> Result<Message, PublishError> {
        let mut q = Message::query();
        q.metadata.recursion_desired = false;
        q.add_query(Query::query(qname.clone(), qtype));
        let bytes = q.to_vec().map_err(|e| PublishError::Protocol(e.to_string()))?;
        let answer = exchange(self.addr, &bytes, self.timeout).await?;
        let msg = Message::from_vec(&answer)
            .map_err(|e| PublishError::Protocol(format!("{}: malformed answer ({e})", self.shown)))?;
        if msg.metadata.id != q.metadata.id || msg.metadata.message_type != MessageType::Response {
            return Err(PublishError::Protocol(format!("{}: an answer to another question", self.shown)));
        }
        match msg.metadata.response_code {
            ResponseCode::NoError | ResponseCode::NXDomain => Ok(msg),
            code => Err(PublishError::Refused {
                server: self.shown.clone(),
                rcode: code.to_str().to_owned(),
                meaning: format!(
                    "asked for {} {qtype}; is this the zone's primary server?",
                    sanitize(&plain(qname))
                ),
            }),
        }
    }

    /// The zone holding `domain`: the owner of the SOA the server answers with.
    pub async fn zone(&self, domain: &DomainName) -> Result<Name, PublishError> {
        let qname = name(domain.as_str())?;
        let msg = match self.ask(&qname, RecordType::SOA).await {
            Err(PublishError::Refused { rcode, .. }) => {
                return Err(PublishError::ZoneNotFound(format!(
                    "{} serves no zone holding {domain} (it answered {rcode}); name the zone's primary server",
                    self.shown
                )));
            }
            other => other?,
        };
        let soa =
            msg.answers.iter().chain(msg.authorities.iter()).find(|r| r.record_type() == RecordType::SOA);
        match soa {
            Some(r) if msg.metadata.authoritative => Ok(r.name.clone()),
            _ => Err(PublishError::ZoneNotFound(format!(
                "{} is not authoritative for {domain} (no SOA with the AA bit); name the zone's primary server",
                self.shown
            ))),
        }
    }

    /// Every record of the types mtasts reads at the three names of `domain`.
    pub async fn served(&self, domain: &DomainName) -> Result<Vec<Record>, PublishError> {
        let mut out = Vec::new();
        for role in Role::ALL {
            let qname = name(&role.name(domain))?;
            for &t in role.types() {
                let msg = self.ask(&qname, rtype(t)).await?;
                out.extend(
                    msg.answers
                        .iter()
                        .filter(|r| r.record_type() == rtype(t) && r.name == qname)
                        .filter_map(from_wire),
                );
            }
        }
        Ok(out)
    }

    /// Sends every change as one signed UPDATE with the RRsets as read as prerequisites.
    pub async fn apply(&self, zone: &Name, changes: &ChangeSet) -> Result<(), PublishError> {
        let msg = update_message(zone, changes)?;
        let mut msg = msg;
        // The server checks the signing time against its own clock: this is the real time,
        // never the rehearsal clock.
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let verifier =
            msg.finalize(&self.signer, now).map_err(|e| PublishError::Secret(format!("signing: {e}")))?;
        let bytes = msg.to_vec().map_err(|e| PublishError::Protocol(e.to_string()))?;
        let answer = exchange(self.addr, &bytes, self.timeout).await?;
        let reply = Message::from_vec(&answer).map_err(|e| {
            PublishError::Unverified(format!("{}: malformed answer to the update ({e})", self.shown))
        })?;
        if reply.metadata.id != msg.metadata.id {
            return Err(PublishError::Unverified(format!("{}: an answer to another message", self.shown)));
        }
        if let Some(e) = reply.signature().and_then(|s| s.data.error.as_ref()) {
            let (code, meaning) = tsig_meaning(e);
            return Err(PublishError::Tsig { server: self.shown.clone(), code, meaning: meaning.into() });
        }
        match reply.metadata.response_code {
            ResponseCode::NoError => {}
            ResponseCode::NXRRSet | ResponseCode::YXRRSet => {
                let names: Vec<&str> = changes.changes.iter().map(|c| c.name.as_str()).collect();
                return Err(PublishError::Changed(names.join(", ")));
            }
            ResponseCode::NotAuth if reply.signature().is_none() => {
                return Err(PublishError::Tsig {
                    server: self.shown.clone(),
                    code: "NOTAUTH".into(),
                    meaning: "the server did not accept the key (unknown name, algorithm or secret)".into(),
                });
            }
            code => {
                return Err(PublishError::Refused {
                    server: self.shown.clone(),
                    rcode: code.to_str().to_owned(),
                    meaning: rcode_meaning(code).into(),
                });
            }
        }
        match verifier {
            Some(mut v) => v.verify(&answer).map(|_| ()).map_err(|e| {
                PublishError::Unverified(format!(
                    "{} accepted the update but its signed answer did not verify ({e})",
                    self.shown
                ))
            }),
            None => Ok(()),
        }
    }
}

/// The UPDATE: zone section, prerequisites (each changed RRset exactly as read, or absent),
/// then the removals (class NONE) and additions.
fn update_message(zone: &Name, changes: &ChangeSet) -> Result<Message, PublishError> {
    let mut msg = Message::query();
    msg.metadata.op_code = OpCode::Update;
    msg.metadata.recursion_desired = false;
    let mut zq = Query::new();
    zq.set_name(zone.clone()).set_query_class(DNSClass::IN).set_query_type(RecordType::SOA);
    msg.add_zone(zq);
    for c in &changes.changes {
        let owner = name(&c.name)?;
        if !zone.zone_of(&owner) {
            return Err(PublishError::Protocol(format!("{} is outside the zone {zone}", sanitize(&c.name))));
        }
        if c.before.is_empty() {
            let mut absent = HRecord::update0(owner.clone(), 0, rtype(c.rtype));
            absent.dns_class = DNSClass::NONE;
            msg.add_pre_requisite(absent);
        }
        for r in &c.before {
            msg.add_pre_requisite(HRecord::from_rdata(owner.clone(), 0, to_wire(&r.data)?));
        }
    }
    for c in &changes.changes {
        let owner = name(&c.name)?;
        for r in c.removed() {
            let mut del = HRecord::from_rdata(owner.clone(), 0, to_wire(&r.data)?);
            del.dns_class = DNSClass::NONE;
            msg.add_update(del);
        }
        for r in c.added() {
            msg.add_update(HRecord::from_rdata(owner.clone(), c.ttl, to_wire(&r.data)?));
        }
    }
    Ok(msg)
}
