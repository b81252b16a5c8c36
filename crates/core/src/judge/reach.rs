//! Whether a check reached DNS at all: a resolver that answered no question (offline, or a
//! wrong `--resolver`) says nothing about the domain, and the front ends say so in those
//! words instead of listing every record as missing.

use crate::evidence::{Evidence, Lookup};

/// What the front ends say when the resolver answered nothing.
pub const DNS_UNANSWERED: &str = "DNS did not answer — check the network or --resolver";

/// Whether a lookup got no answer from the resolver (a timeout, SERVFAIL or a network error),
/// as opposed to an answer that there is nothing (NXDOMAIN, no data).
pub fn unanswered<T>(l: &Lookup<T>) -> bool {
    matches!(l, Lookup::Timeout | Lookup::ServFail | Lookup::Error(_))
}

/// Whether the resolver answered none of the check's questions about the domain: its MX,
/// `_mta-sts` and `_smtp._tls` records and the policy host's addresses.
pub fn dns_unanswered(ev: &Evidence) -> bool {
    unanswered(&ev.mx)
        && unanswered(&ev.sts_record.records)
        && unanswered(&ev.tlsrpt_record.records)
        && unanswered(&ev.policy_host_addresses)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::fixtures::healthy;

    #[test]
    fn only_a_check_with_no_answer_at_all_is_unanswered() {
        let mut ev = healthy("enforce");
        assert!(!dns_unanswered(&ev));
        ev.mx = Lookup::Timeout;
        ev.sts_record.records = Lookup::Error("connection refused".into());
        ev.tlsrpt_record.records = Lookup::ServFail;
        assert!(!dns_unanswered(&ev), "the policy host still resolved");
        ev.policy_host_addresses = Lookup::Timeout;
        assert!(dns_unanswered(&ev));
        ev.tlsrpt_record.records = Lookup::NxDomain;
        assert!(!dns_unanswered(&ev), "an NXDOMAIN is an answer");
        assert!(!unanswered(&Lookup::<()>::NoData));
    }
}
