//! Scenarios as data: what the lab's DNS, SMTP and HTTPS servers serve for each domain.
//!
//! Scenarios are TOML (see `assets/lab/`); anything not given takes the healthy default
//! (200, `text/plain`, a valid certificate, STARTTLS on, a normal SMTP dialogue).

use serde::{Deserialize, Serialize};

use super::LabError;
pub use super::behaviour::{CnameSpec, MxBehaviour, PolicyBehaviour, TxtFiller};
pub use super::dnssec_spec::{DsState, NsRole, NsSpec, SignedZone, TlsaOf, TlsaSpec};
use mtasts_core::rfc::domain::DomainName;

/// The property a served certificate has, relative to the lab's `now`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CertKind {
    /// Signed by the lab CA, names the host, valid from 30 days ago for a year.
    #[default]
    Valid,
    /// Signed by the lab CA, ended 10 days ago.
    Expired,
    /// Signed by the lab CA, starts in 10 days.
    NotYetValid,
    /// Names the host and is in date, but signed by its own key.
    SelfSigned,
    /// Signed by the lab CA and in date, but for this other name.
    WrongName(String),
    /// Signed by the lab CA, ends this many days after `now`.
    ExpiringInDays(u32),
    /// Signed by the lab CA and in date, with this subject common name and this DNS
    /// subjectAltName (any text: hostile names test terminal safety).
    Named {
        /// The subject CN.
        common_name: String,
        /// The one dNSName SAN (ASCII only: certificates carry it as IA5String).
        san: String,
    },
}

/// One MX record of a domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MxSpec {
    /// The MX preference.
    pub preference: u16,
    /// The exchange host name.
    pub host: String,
}

/// How one MX host (by name) is served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MxHostSpec {
    /// The host name, as in the MX records.
    pub name: String,
    /// Whether EHLO advertises STARTTLS.
    #[serde(default = "yes")]
    pub starttls: bool,
    /// The certificate presented after STARTTLS.
    #[serde(default)]
    pub cert: CertKind,
    /// The SMTP dialogue.
    #[serde(default)]
    pub behaviour: MxBehaviour,
    /// Delay before the banner and before every reply.
    #[serde(default)]
    pub latency_ms: u64,
    /// Text after the host name in the banner and EHLO greeting lines (the default wording
    /// when `None`).
    #[serde(default)]
    pub greeting: Option<String>,
    /// TLSA records published at `_25._tcp.NAME` (DANE).
    #[serde(default)]
    pub tlsa: Vec<TlsaSpec>,
}

impl MxHostSpec {
    /// A healthy host of that name.
    pub fn healthy(name: &str) -> MxHostSpec {
        MxHostSpec {
            name: name.to_owned(),
            starttls: true,
            cert: CertKind::Valid,
            behaviour: MxBehaviour::Normal,
            latency_ms: 0,
            greeting: None,
            tlsa: Vec::new(),
        }
    }
}

/// Pads a policy body past a size limit by appending `line` + CRLF until it reaches `to_bytes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Padding {
    /// The line appended repeatedly (without its line ending).
    pub line: String,
    /// The body size to reach, in bytes (capped at 16 MiB).
    pub to_bytes: usize,
}

/// What `https://mta-sts.DOMAIN/.well-known/mta-sts.txt` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyHostSpec {
    /// HTTP status code.
    #[serde(default = "ok_status")]
    pub status: u16,
    /// `Content-Type` header; empty means the header is left out.
    #[serde(default = "text_plain")]
    pub content_type: String,
    /// The response body.
    #[serde(default)]
    pub body: String,
    /// Optional padding appended to the body.
    #[serde(default)]
    pub pad: Option<Padding>,
    /// Prefix the body with a UTF-8 byte-order mark.
    #[serde(default)]
    pub bom: bool,
    /// `Location` header value (for 3xx statuses).
    #[serde(default)]
    pub redirect_to: Option<String>,
    /// The certificate presented for `mta-sts.DOMAIN`.
    #[serde(default)]
    pub cert: CertKind,
    /// Delay before the response.
    #[serde(default)]
    pub latency_ms: u64,
    /// How the response is framed (or withheld).
    #[serde(default)]
    pub behaviour: PolicyBehaviour,
}

impl PolicyHostSpec {
    /// The exact bytes of the response body: BOM, body, padding.
    pub fn body_bytes(&self) -> Vec<u8> {
        const CAP: usize = 16 * 1024 * 1024;
        let mut out = Vec::with_capacity(self.body.len() + 3);
        if self.bom {
            out.extend_from_slice("\u{feff}".as_bytes());
        }
        out.extend_from_slice(self.body.as_bytes());
        if let Some(pad) = &self.pad {
            let target = pad.to_bytes.min(CAP);
            while out.len() < target {
                out.extend_from_slice(pad.line.as_bytes());
                out.extend_from_slice(b"\r\n");
            }
        }
        out
    }
}

/// One simulated mail domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainSpec {
    /// The domain (A-labels, no trailing dot).
    pub name: String,
    /// What is wrong with it, in one line (empty when healthy).
    #[serde(default)]
    pub problem: String,
    /// Finding codes a correct checker must report for this domain.
    #[serde(default)]
    pub expect: Vec<String>,
    /// MX records.
    #[serde(default)]
    pub mx: Vec<MxSpec>,
    /// Publish a null MX (`0 .`, RFC 7505) instead of `mx`.
    #[serde(default)]
    pub null_mx: bool,
    /// `_mta-sts` TXT records, each a list of character-strings.
    #[serde(default)]
    pub sts_txt: Vec<Vec<String>>,
    /// Make `_mta-sts` a CNAME to this name, which then carries `sts_txt`.
    #[serde(default)]
    pub sts_cname: Option<String>,
    /// Strings appended to the first `sts_txt` record.
    #[serde(default)]
    pub sts_txt_filler: Option<TxtFiller>,
    /// Further CNAME records (e.g. closing a loop with `sts_cname`).
    #[serde(default)]
    pub cnames: Vec<CnameSpec>,
    /// `_smtp._tls` TXT records, each a list of character-strings.
    #[serde(default)]
    pub tlsrpt_txt: Vec<Vec<String>>,
    /// The policy host's answer; `None` serves nothing for this name.
    #[serde(default)]
    pub policy: Option<PolicyHostSpec>,
    /// Whether `mta-sts.DOMAIN` has an A record.
    #[serde(default = "yes")]
    pub policy_host_resolves: bool,
}

/// A whole lab: domains and how their MX hosts behave.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Registry name (kebab-case).
    pub name: String,
    /// One line on what it shows.
    #[serde(default)]
    pub description: String,
    /// Other scenarios whose domains and hosts are merged in (resolved by the registry).
    #[serde(default)]
    pub include: Vec<String>,
    /// The domains.
    #[serde(default)]
    pub domains: Vec<DomainSpec>,
    /// MX hosts that are not healthy defaults.
    #[serde(default)]
    pub mx_hosts: Vec<MxHostSpec>,
    /// Delay before every DNS answer.
    #[serde(default)]
    pub dns_latency_ms: u64,
    /// Zones signed with DNSSEC; when any is, the lab also serves a signed root whose key is
    /// [`Lab::dnssec_anchor`](super::Lab::dnssec_anchor).
    #[serde(default)]
    pub signed_zones: Vec<SignedZone>,
    /// Extra authoritative nameservers (stale or lame) for some zones.
    #[serde(default)]
    pub nameservers: Vec<NsSpec>,
}

fn yes() -> bool {
    true
}
fn ok_status() -> u16 {
    200
}
fn text_plain() -> String {
    "text/plain".to_owned()
}

impl Scenario {
    /// Parses a scenario from TOML and checks its names.
    pub fn from_toml(text: &str) -> Result<Scenario, LabError> {
        let scenario: Scenario = toml::from_str(text).map_err(|e| LabError::Scenario(e.to_string()))?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Checks that every domain and host name is a valid domain name and domains are distinct.
    pub fn validate(&self) -> Result<(), LabError> {
        let bad = |n: &str| LabError::Scenario(format!("{}: invalid name {n:?}", self.name));
        let mut seen = std::collections::BTreeSet::new();
        for d in &self.domains {
            DomainName::parse(&d.name).map_err(|_| bad(&d.name))?;
            if !seen.insert(d.name.as_str()) {
                return Err(LabError::Scenario(format!("{}: domain {} twice", self.name, d.name)));
            }
            for m in &d.mx {
                DomainName::parse(&m.host).map_err(|_| bad(&m.host))?;
            }
        }
        for h in &self.mx_hosts {
            DomainName::parse(&h.name).map_err(|_| bad(&h.name))?;
        }
        for z in &self.signed_zones {
            if self.domain(&z.name).is_none() {
                return Err(LabError::Scenario(format!(
                    "{}: signed zone {} is not a domain",
                    self.name, z.name
                )));
            }
        }
        Ok(())
    }

    /// Merges several scenarios into one lab named `name`.
    pub fn merge(name: &str, parts: impl IntoIterator<Item = Scenario>) -> Scenario {
        let mut out = Scenario { name: name.to_owned(), ..Scenario::default() };
        for part in parts {
            out.domains.extend(part.domains);
            out.mx_hosts.extend(part.mx_hosts);
            out.signed_zones.extend(part.signed_zones);
            out.nameservers.extend(part.nameservers);
        }
        out
    }

    /// The domain spec called `name`.
    pub fn domain(&self, name: &str) -> Option<&DomainSpec> {
        self.domains.iter().find(|d| d.name.eq_ignore_ascii_case(name))
    }

    /// How host `name` is served: its `mx_hosts` entry, or a healthy default.
    pub fn host(&self, name: &str) -> MxHostSpec {
        self.mx_hosts
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .cloned()
            .unwrap_or_else(|| MxHostSpec::healthy(name))
    }

    /// Every MX host the lab serves: each one named by an MX record or in `mx_hosts`, once.
    pub fn all_mx_hosts(&self) -> Vec<MxHostSpec> {
        let mut names: Vec<String> = Vec::new();
        let listed = self.mx_hosts.iter().map(|h| &h.name);
        let used = self.domains.iter().filter(|d| !d.null_mx).flat_map(|d| d.mx.iter().map(|m| &m.host));
        for n in listed.chain(used) {
            let n = n.to_ascii_lowercase();
            if !names.contains(&n) {
                names.push(n);
            }
        }
        names.iter().map(|n| self.host(n)).collect()
    }

    /// The same scenario with `ms` of added latency on every DNS answer, SMTP reply and policy
    /// response.
    pub fn with_latency(&self, ms: u64) -> Scenario {
        let mut out = self.clone();
        out.dns_latency_ms = ms;
        out.mx_hosts = self.all_mx_hosts();
        for h in &mut out.mx_hosts {
            h.latency_ms = ms;
        }
        for p in out.domains.iter_mut().filter_map(|d| d.policy.as_mut()) {
            p.latency_ms = ms;
        }
        out
    }
}
