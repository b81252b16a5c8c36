//! The zone's DNSKEYs and the DS records its parent publishes, compared: which DS names a
//! key the zone still uses (same tag, algorithm and digest), and the DS each key would need.

use hickory_resolver::proto::dnssec::rdata::{DNSKEY, DNSSECRData, DS};
use hickory_resolver::proto::dnssec::{DigestType, PublicKey};
use hickory_resolver::proto::op::Message;
use hickory_resolver::proto::rr::{Name, RData};

use mtasts_core::evidence::{DsRecord, ZoneKey, hex};

/// Most keys and DS records kept for one zone.
const MAX_KEYS: usize = 16;

/// The DNSKEYs of `zone` in `answer` (RRSIGs and other owners ignored).
pub(crate) fn dnskeys<'a>(answer: &'a Message, zone: &'a Name) -> impl Iterator<Item = &'a DNSKEY> + 'a {
    answer.answers.iter().filter(move |r| r.name == *zone).filter_map(|r| match &r.data {
        RData::DNSSEC(DNSSECRData::DNSKEY(k)) => Some(k),
        _ => None,
    })
}

/// The DS records of `zone` in `answer`.
pub(crate) fn ds_records<'a>(answer: &'a Message, zone: &'a Name) -> impl Iterator<Item = &'a DS> + 'a {
    answer.answers.iter().filter(move |r| r.name == *zone).filter_map(|r| match &r.data {
        RData::DNSSEC(DNSSECRData::DS(d)) => Some(d),
        _ => None,
    })
}

/// The zone's keys as evidence, each with the SHA-256 digest a DS for it carries.
pub(crate) fn zone_keys<'a>(keys: impl Iterator<Item = &'a DNSKEY>, zone: &Name) -> Vec<ZoneKey> {
    keys.filter(|k| k.zone_key() && !k.revoke())
        .filter_map(|k| {
            Some(ZoneKey {
                key_tag: k.calculate_key_tag().ok()?,
                algorithm: u8::from(k.public_key().algorithm()),
                flags: k.flags(),
                ds_sha256: hex(k.to_digest(zone, DigestType::SHA256).ok()?.as_ref()),
            })
        })
        .take(MAX_KEYS)
        .collect()
}

/// The parent's DS records as evidence, each compared with `keys` (the zone's current ones).
pub(crate) fn compared<'a>(ds: impl Iterator<Item = &'a DS>, keys: &[&DNSKEY], zone: &Name) -> Vec<DsRecord> {
    ds.map(|d| DsRecord {
        key_tag: d.key_tag(),
        algorithm: u8::from(d.algorithm()),
        digest_type: u8::from(d.digest_type()),
        digest: hex(d.digest()),
        matches_key: keys.iter().any(|k| d.covers(zone, k).unwrap_or(false)),
    })
    .take(MAX_KEYS)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_resolver::proto::dnssec::SigningKey;
    use hickory_resolver::proto::dnssec::crypto::Ed25519SigningKey;

    fn key() -> DNSKEY {
        let pkcs8 = Ed25519SigningKey::generate_pkcs8().unwrap();
        let public = Ed25519SigningKey::from_pkcs8(&pkcs8).unwrap().to_public_key().unwrap();
        DNSKEY::from_key(&public)
    }

    fn ds_for(k: &DNSKEY, zone: &Name) -> DS {
        let digest = k.to_digest(zone, DigestType::SHA256).unwrap();
        DS::new(
            k.calculate_key_tag().unwrap(),
            k.public_key().algorithm(),
            DigestType::SHA256,
            digest.as_ref().to_vec(),
        )
    }

    #[test]
    fn a_ds_matches_only_the_key_it_was_made_from() {
        let zone = Name::from_ascii("bogus.example.").unwrap();
        let (current, stranger) = (key(), key());
        let ds = [ds_for(&current, &zone), ds_for(&stranger, &zone)];
        let got = compared(ds.iter(), &[&current], &zone);
        assert_eq!(got.iter().map(|d| d.matches_key).collect::<Vec<_>>(), [true, false]);
        assert_eq!(got[1].key_tag, stranger.calculate_key_tag().unwrap());
        assert_eq!((got[0].algorithm, got[0].digest_type), (15, 2));
        let keys = zone_keys([&current].into_iter(), &zone);
        assert_eq!(keys[0].ds_sha256, got[0].digest, "the DS a key needs is the one made from it");
        assert_eq!(keys[0].key_tag, got[0].key_tag);
    }
}
