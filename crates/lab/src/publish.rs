//! Changing what a running lab publishes — TXT records, policy files and MX records of the
//! lab's own domains — while its servers keep answering.
//!
//! Writers take one lock in turn, build the new DNS catalog off to the side and swap it in;
//! the servers only ever read a snapshot, so a query or request never waits on a writer.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::runtime::Handle;
use tokio::task::JoinHandle;

use super::ca::LabCa;
use super::catalog::ExtraTxt;
use super::https::{Page, Sites};
use super::net::{SessionGauge, next_loopback};
use super::scenario::{MxBehaviour, MxHostSpec, MxSpec, PolicyHostSpec, Scenario};
use super::zones::Zones;
use super::{Lab, LabError, smtp};
use mtasts_core::rfc::domain::DomainName;

/// Largest policy body [`Lab::publish_policy`] accepts.
pub const MAX_PUBLISHED_BODY: usize = 16 * 1024 * 1024;
/// Longest character-string of a TXT record (RFC 1035 §3.3).
const MAX_TXT_STRING: usize = 255;

/// The mutable side of a running lab.
pub(super) struct Live {
    state: Mutex<State>,
    zones: Arc<Zones>,
    sites: Arc<Sites>,
    ca: LabCa,
    runtime: Handle,
    smtp_port: u16,
    pub(super) smtp_gauge: Arc<SessionGauge>,
    pub(super) tasks: Mutex<Vec<JoinHandle<()>>>,
}

struct State {
    scenario: Scenario,
    mx_addrs: BTreeMap<String, Ipv4Addr>,
    extra_txt: ExtraTxt,
}

/// What [`Live::new`] takes over from the freshly started servers.
pub(super) struct Started {
    pub scenario: Scenario,
    pub mx_addrs: BTreeMap<String, Ipv4Addr>,
    pub zones: Arc<Zones>,
    pub sites: Arc<Sites>,
    pub ca: LabCa,
    pub smtp_port: u16,
    pub smtp_gauge: Arc<SessionGauge>,
    pub tasks: Vec<JoinHandle<()>>,
}

impl Live {
    /// Must be called inside the Tokio runtime the servers run on.
    pub(super) fn new(s: Started) -> Live {
        Live {
            state: Mutex::new(State {
                scenario: s.scenario,
                mx_addrs: s.mx_addrs,
                extra_txt: ExtraTxt::new(),
            }),
            zones: s.zones,
            sites: s.sites,
            ca: s.ca,
            runtime: Handle::current(),
            smtp_port: s.smtp_port,
            smtp_gauge: s.smtp_gauge,
            tasks: Mutex::new(s.tasks),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The lab's own DNS server's zones.
    pub(super) fn zones(&self) -> &Arc<Zones> {
        &self.zones
    }

    pub(super) fn mx_addr(&self, name: &str) -> Option<Ipv4Addr> {
        self.lock().mx_addrs.get(&normalize(name)).copied()
    }
}

fn normalize(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

fn not_in_lab(name: &str) -> LabError {
    LabError::NotLabDomain(name.to_owned())
}

/// The index of the lab domain called exactly `name`.
fn domain_index(s: &Scenario, name: &str) -> Option<usize> {
    s.domains.iter().position(|d| d.name.eq_ignore_ascii_case(name))
}

/// The index of the deepest lab domain that is `name` or an ancestor of it.
fn owning_domain(s: &Scenario, name: &str) -> Option<usize> {
    s.domains
        .iter()
        .enumerate()
        .filter(|(_, d)| {
            let d = d.name.to_ascii_lowercase();
            name == d || name.strip_suffix(&d).is_some_and(|rest| rest.ends_with('.'))
        })
        .max_by_key(|(_, d)| d.name.len())
        .map(|(i, _)| i)
}

fn check_txt(records: &[Vec<String>]) -> Result<(), LabError> {
    for r in records {
        if r.is_empty() {
            return Err(LabError::Invalid("a TXT record needs at least one string".into()));
        }
        if let Some(long) = r.iter().find(|s| s.len() > MAX_TXT_STRING) {
            return Err(LabError::Invalid(format!(
                "TXT string of {} bytes (at most {MAX_TXT_STRING})",
                long.len()
            )));
        }
    }
    Ok(())
}

impl Lab {
    /// Replaces the TXT records at `name` (e.g. `_mta-sts.fresh.example`), which must be a lab
    /// domain or a name under one; an empty `records` removes them. Each record is its list
    /// of character-strings. Publishing at a `_mta-sts` name that was a CNAME replaces the
    /// CNAME. Queries see the change at once (the lab has no cache; resolvers may).
    pub fn publish_txt(&self, name: &str, records: Vec<Vec<String>>) -> Result<(), LabError> {
        check_txt(&records)?;
        let owner = normalize(name);
        let mut st = self.live.lock();
        let i = owning_domain(&st.scenario, &owner).ok_or_else(|| not_in_lab(name))?;
        let mut next = st.scenario.clone();
        let mut extra = st.extra_txt.clone();
        let d = &mut next.domains[i];
        let apex = d.name.to_ascii_lowercase();
        if owner == format!("_mta-sts.{apex}") {
            d.sts_txt = records;
            d.sts_cname = None;
        } else if owner == format!("_smtp._tls.{apex}") {
            d.tlsrpt_txt = records;
        } else if records.is_empty() {
            extra.remove(&owner);
        } else {
            extra.insert(owner, records);
        }
        let catalog = self.live.zones.catalog(&next, &st.mx_addrs, &extra)?;
        st.scenario = next;
        st.extra_txt = extra;
        self.live.zones.replace(catalog);
        Ok(())
    }

    /// Sets what `https://mta-sts.DOMAIN/.well-known/mta-sts.txt` answers for lab domain
    /// `domain`: `Some(body)` → 200, `text/plain`, exactly `body`; `None` → 404 (a policy host
    /// the lab never served stays unserved). A policy host the lab did not serve yet gets a
    /// valid certificate on `Some`; an existing one keeps its certificate and latency. Whether
    /// `mta-sts.DOMAIN` resolves is left as the scenario has it.
    pub fn publish_policy(&self, domain: &str, body: Option<Vec<u8>>) -> Result<(), LabError> {
        if let Some(b) = &body
            && b.len() > MAX_PUBLISHED_BODY
        {
            return Err(LabError::Invalid(format!(
                "policy body of {} bytes (at most {MAX_PUBLISHED_BODY})",
                b.len()
            )));
        }
        let mut st = self.live.lock();
        let i = domain_index(&st.scenario, &normalize(domain)).ok_or_else(|| not_in_lab(domain))?;
        let d = &mut st.scenario.domains[i];
        let host = format!("mta-sts.{}", d.name.to_ascii_lowercase());
        let (cert, latency_ms) =
            d.policy.as_ref().map(|p| (p.cert.clone(), p.latency_ms)).unwrap_or_default();
        let Some(body) = body else {
            if let Some(p) = &mut d.policy {
                *p = not_found(cert, latency_ms);
                self.live.sites.set_page(&host, Page::from_spec(p));
            }
            return Ok(());
        };
        if !self.live.sites.has_cert(&host) {
            let key = self.live.ca.issue(&host, &cert)?.certified_key()?;
            self.live.sites.set_cert(&host, key);
        }
        let spec = PolicyHostSpec {
            status: 200,
            content_type: "text/plain".into(),
            body: String::from_utf8_lossy(&body).into_owned(),
            pad: None,
            bom: false,
            redirect_to: None,
            cert,
            latency_ms,
            behaviour: Default::default(),
        };
        let page = Page {
            status: 200,
            content_type: spec.content_type.clone(),
            location: None,
            body,
            latency_ms,
            behaviour: spec.behaviour,
        };
        self.live.sites.set_page(&host, page);
        d.policy = Some(spec);
        Ok(())
    }

    /// Replaces the MX records of lab domain `domain` (an empty list publishes none; a null
    /// MX is cleared). A host the lab does not serve yet gets a loopback address, an A record
    /// and a healthy SMTP server with a valid certificate on [`Lab::smtp_port`].
    pub fn set_mx(&self, domain: &str, mx: Vec<MxSpec>) -> Result<(), LabError> {
        let mut mx = mx;
        for m in &mut mx {
            m.host = DomainName::parse(m.host.trim_end_matches('.'))
                .map_err(|e| LabError::Invalid(format!("MX host {:?}: {e}", m.host)))?
                .as_str()
                .to_owned();
        }
        let mut st = self.live.lock();
        let i = domain_index(&st.scenario, &normalize(domain)).ok_or_else(|| not_in_lab(domain))?;
        let mut next = st.scenario.clone();
        let mut addrs = st.mx_addrs.clone();
        let mut added: Vec<(MxHostSpec, Ipv4Addr)> = Vec::new();
        for m in &mx {
            let spec = next.host(&m.host);
            if spec.behaviour != MxBehaviour::Unresolvable && !addrs.contains_key(&m.host) {
                let ip = next_loopback();
                addrs.insert(m.host.clone(), ip);
                added.push((spec, ip));
            }
        }
        next.domains[i].mx = mx;
        next.domains[i].null_mx = false;
        let catalog = self.live.zones.catalog(&next, &addrs, &st.extra_txt)?;
        let _runtime = self.live.runtime.enter();
        let mut spawned = Vec::with_capacity(added.len());
        for (spec, ip) in &added {
            match smtp::serve_one(spec, &self.live.ca, *ip, self.live.smtp_port, &self.live.smtp_gauge) {
                Ok(task) => spawned.push(task),
                Err(e) => {
                    spawned.iter().for_each(JoinHandle::abort);
                    return Err(e);
                }
            }
        }
        let mut tasks = self.live.tasks.lock().unwrap_or_else(PoisonError::into_inner);
        tasks.extend(spawned);
        st.scenario = next;
        st.mx_addrs = addrs;
        self.live.zones.replace(catalog);
        Ok(())
    }

    /// What the lab publishes now: the scenario with every change applied (a published policy
    /// body that is not UTF-8 shows here with replacement characters; the lab serves it as is).
    pub fn published(&self) -> Scenario {
        self.live.lock().scenario.clone()
    }

    /// The loopback address of every MX host served now, including those [`Lab::set_mx`] added.
    pub fn mx_hosts(&self) -> BTreeMap<String, Ipv4Addr> {
        self.live.lock().mx_addrs.clone()
    }
}

fn not_found(cert: super::CertKind, latency_ms: u64) -> PolicyHostSpec {
    PolicyHostSpec {
        status: 404,
        content_type: "text/plain".into(),
        body: "not found\n".into(),
        pad: None,
        bom: false,
        redirect_to: None,
        cert,
        latency_ms,
        behaviour: Default::default(),
    }
}

impl Lab {
    /// [`Lab::set_mx`] with preferences 10, 20, … in the order given: the MX records of a
    /// domain as they change between the steps of a planned (or unplanned) MX change.
    pub fn set_mx_hosts(&self, domain: &str, hosts: &[&str]) -> Result<(), LabError> {
        let mx = hosts
            .iter()
            .zip(1u16..)
            .map(|(h, i)| MxSpec { preference: i.saturating_mul(10), host: (*h).to_owned() })
            .collect();
        self.set_mx(domain, mx)
    }
}
