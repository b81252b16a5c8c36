//! The wizard's DNSSEC step: where the domain's chain stands (DNSKEY, DS at the parent,
//! validation) and the steps that move it on, worded for the DNS host the nameservers name.
//! Pure.

use crate::evidence::{DnssecChain, DnssecProof, Evidence, Lookup};

/// Where a domain stands on DNSSEC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// No DNSKEY, no DS: nothing signed (optional for MTA-STS).
    Unsigned,
    /// Keys in the zone, no DS at the parent: the half-finished "enable DNSSEC".
    DsMissing,
    /// Validation fails: validating senders defer mail.
    Bogus,
    /// A chain of signatures from the root reaches the domain's answers.
    Secure,
    /// The validator could not get what it needed (resolver or network).
    Indeterminate,
}

impl Stage {
    /// A few words on the stage, for the step's heading.
    pub fn words(self) -> &'static str {
        match self {
            Stage::Unsigned => "not signed (optional for MTA-STS)",
            Stage::DsMissing => "signed, but no DS at the parent: nothing is validated",
            Stage::Bogus => "validation fails: validating senders defer mail",
            Stage::Secure => "secure: the chain reaches the domain's answers",
            Stage::Indeterminate => "could not be validated this time",
        }
    }
}

/// The stage of a chain.
pub fn stage(chain: &DnssecChain) -> Stage {
    match chain.validation {
        DnssecProof::Bogus => Stage::Bogus,
        DnssecProof::Secure => Stage::Secure,
        _ if super::dnssec::ds_missing(chain) => Stage::DsMissing,
        DnssecProof::Insecure => Stage::Unsigned,
        DnssecProof::Indeterminate => Stage::Indeterminate,
    }
}

/// Whether the domain's nameservers are Cloudflare's (`*.ns.cloudflare.com`).
pub fn on_cloudflare(ev: &Evidence) -> bool {
    let Some(Lookup::Found(names)) = ev.nameservers.as_ref().map(|n| &n.ns) else { return false };
    names.iter().any(|n| n.to_ascii_lowercase().trim_end_matches('.').ends_with(".ns.cloudflare.com"))
}

/// Whether the domain's answers (the `_mta-sts` record among them) are DNSSEC-validated: by
/// our own validation when its chain is secure, else by the resolver's AD bit; `None` when
/// neither could tell.
pub fn answers_validated(ev: &Evidence) -> Option<bool> {
    if super::dnssec::validated(ev) { Some(true) } else { ev.sts_dnssec.found().copied() }
}

/// The rows of the chain: DNSKEY at the domain, DS at its parent, what validation concluded.
pub fn rows(domain: &str, chain: &DnssecChain) -> Vec<(String, String)> {
    let parent = domain.split_once('.').map_or(".", |(_, p)| p);
    let mut validation = format!("{} (the MX answer)", chain.validation.as_str());
    if let Some(d) = chain.detail.as_deref().filter(|_| chain.validation != DnssecProof::Secure) {
        validation.push_str(": ");
        validation.push_str(d);
    }
    let mut keys = records(&chain.dnskey);
    if !chain.keys.is_empty() {
        let tags: Vec<String> = chain
            .keys
            .iter()
            .map(|k| format!("{}{}", k.key_tag, if k.is_ksk() { " key-signing" } else { "" }))
            .collect();
        keys.push_str(&format!(" (key tag {})", tags.join(", ")));
    }
    let mut ds = records(&chain.ds);
    if !chain.ds_records.is_empty() {
        let tags: Vec<String> = chain
            .ds_records
            .iter()
            .map(|d| {
                let verdict = if d.matches_key { "matches a current key" } else { "matches no current key" };
                format!("{}: {verdict}", d.key_tag)
            })
            .collect();
        ds.push_str(&format!(" (key tag {})", tags.join(", ")));
    }
    vec![
        (format!("DNSKEY at {domain}"), keys),
        (format!("DS at the parent ({parent})"), ds),
        ("validation".to_owned(), validation),
    ]
}

fn records(l: &Lookup<usize>) -> String {
    match l {
        Lookup::Found(1) => "1 record".to_owned(),
        Lookup::Found(n) => format!("{n} records"),
        Lookup::NoData | Lookup::NxDomain => "none".to_owned(),
        Lookup::ServFail => "the server failed (SERVFAIL)".to_owned(),
        Lookup::Timeout => "no answer (timeout)".to_owned(),
        Lookup::Error(_) => "the lookup failed".to_owned(),
    }
}

const CF_ENABLE: &str = "Cloudflare: DNS → Settings → DNSSEC → Enable DNSSEC";
const CF_DS: &str = "copy the DS record Cloudflare shows there into your registrar's DNSSEC settings \
                     (a domain registered at Cloudflare gets it by itself)";
const ENABLE: &str = "enable DNSSEC (zone signing) at your DNS provider";
const DS: &str = "publish the DS record your DNS provider gives you at your registrar (its DNSSEC settings)";
const HALF: &str = "the zone carries keys, so the DNS half is done; the registrar half is missing";
const RECHECK: &str = "wait for the parent zone to publish it (minutes to a day), then re-check: DS at the \
                       parent and validation secure";

/// What to do next, one step per entry, for the DNS host the nameservers name.
pub fn steps(stage: Stage, cloudflare: bool) -> Vec<&'static str> {
    let (enable, ds) = if cloudflare { (CF_ENABLE, CF_DS) } else { (ENABLE, DS) };
    match stage {
        Stage::Unsigned => vec![
            "MTA-STS works without DNSSEC (the policy is fetched over HTTPS); DNSSEC protects these \
             records and is what DANE needs",
            enable,
            ds,
            RECHECK,
        ],
        Stage::DsMissing if cloudflare => {
            vec![HALF, "Cloudflare: DNS → Settings → DNSSEC shows the DS record", CF_DS, RECHECK]
        }
        Stage::DsMissing => vec![HALF, DS, RECHECK],
        Stage::Bogus => vec![
            "fix this before anything else: senders that validate treat every answer as a failure",
            "if the zone's key changed, make the DS at the registrar match the current key",
            "if signatures expired, re-sign the zone (check the signer or the DNS provider)",
            "if DNSSEC was switched off at the DNS provider, remove the DS at the registrar",
            if cloudflare {
                "Cloudflare: DNS → Settings → DNSSEC shows the DS the registrar must hold"
            } else {
                DS
            },
        ],
        Stage::Secure => vec![
            "nothing to do",
            "before moving the zone to another DNS provider, remove the DS at the registrar (or move the \
             keys along), or validation breaks",
        ],
        Stage::Indeterminate => {
            vec!["the validator could not get the records it needed (resolver or network); re-check"]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{Lookup, NsEvidence};
    use crate::judge::fixtures::healthy;

    fn chain(dnskey: Lookup<usize>, ds: Lookup<usize>, validation: DnssecProof) -> DnssecChain {
        DnssecChain { detail: Some("RRSIG expired".into()), ..DnssecChain::counted(dnskey, ds, validation) }
    }

    #[test]
    fn stages_follow_the_chain() {
        use DnssecProof::*;
        assert_eq!(stage(&chain(Lookup::NoData, Lookup::NoData, Insecure)), Stage::Unsigned);
        assert_eq!(stage(&chain(Lookup::Found(2), Lookup::NoData, Insecure)), Stage::DsMissing);
        assert_eq!(stage(&chain(Lookup::Found(2), Lookup::NxDomain, Indeterminate)), Stage::DsMissing);
        assert_eq!(stage(&chain(Lookup::Found(2), Lookup::Found(1), Bogus)), Stage::Bogus);
        assert_eq!(stage(&chain(Lookup::Found(2), Lookup::Found(1), Secure)), Stage::Secure);
        assert_eq!(stage(&chain(Lookup::Timeout, Lookup::Timeout, Indeterminate)), Stage::Indeterminate);
    }

    #[test]
    fn rows_name_the_parent_and_say_why_validation_failed() {
        let rows = rows("example.co.uk", &chain(Lookup::Found(2), Lookup::Found(1), DnssecProof::Bogus));
        assert_eq!(rows[0], ("DNSKEY at example.co.uk".to_owned(), "2 records".to_owned()));
        assert_eq!(rows[1], ("DS at the parent (co.uk)".to_owned(), "1 record".to_owned()));
        assert_eq!(rows[2].1, "bogus (the MX answer): RRSIG expired");
        let secure =
            super::rows("example.com", &chain(Lookup::Found(1), Lookup::Found(1), DnssecProof::Secure));
        assert_eq!(secure[2].1, "secure (the MX answer)");
    }

    #[test]
    fn rows_name_the_key_tags_and_whether_the_ds_matches() {
        use crate::evidence::{DsRecord, ZoneKey};
        let key = ZoneKey { key_tag: 222, algorithm: 15, flags: 257, ds_sha256: "ab".into() };
        let ds =
            DsRecord { key_tag: 111, algorithm: 15, digest_type: 2, digest: "cd".into(), matches_key: false };
        let c = DnssecChain {
            keys: vec![key],
            ds_records: vec![ds],
            ..chain(Lookup::Found(1), Lookup::Found(1), DnssecProof::Bogus)
        };
        let rows = rows("bogus.example", &c);
        assert_eq!(rows[0].1, "1 record (key tag 222 key-signing)");
        assert_eq!(rows[1].1, "1 record (key tag 111: matches no current key)");
    }

    #[test]
    fn cloudflare_nameservers_get_cloudflare_steps() {
        let mut ev = healthy("testing");
        assert!(!on_cloudflare(&ev));
        ev.nameservers = Some(NsEvidence {
            ns: Lookup::Found(vec!["ada.NS.cloudflare.com".into(), "bob.ns.cloudflare.com".into()]),
            unresolved: Vec::new(),
            servers: Vec::new(),
        });
        assert!(on_cloudflare(&ev));
        let cf = steps(Stage::DsMissing, true);
        assert!(cf.iter().any(|s| s.starts_with("Cloudflare: DNS → Settings → DNSSEC")), "{cf:?}");
        let other = steps(Stage::DsMissing, false);
        assert!(other.iter().all(|s| !s.contains("Cloudflare")), "{other:?}");
        assert!(other.iter().any(|s| s.contains("at your registrar")), "{other:?}");
        assert!(steps(Stage::Unsigned, false).contains(&ENABLE));
        assert!(steps(Stage::Bogus, false).iter().any(|s| s.contains("remove the DS")));
    }

    #[test]
    fn our_own_validation_outranks_the_resolvers_ad_bit() {
        let mut ev = healthy("testing");
        ev.sts_dnssec = Lookup::Found(false);
        assert_eq!(answers_validated(&ev), Some(false));
        ev.dnssec_chain = Some(chain(Lookup::Found(1), Lookup::Found(1), DnssecProof::Secure));
        assert_eq!(answers_validated(&ev), Some(true));
        ev.dnssec_chain = None;
        ev.sts_dnssec = Lookup::Timeout;
        assert_eq!(answers_validated(&ev), None);
    }
}
