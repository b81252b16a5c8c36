//! Who vouches for a report's sender (RFC 8460 §5.3): a valid DKIM signature of the reporting
//! domain, delivery to the https `rua`, or nothing. Plain data and pure rules: the signatures
//! themselves are checked in `dkim.rs`.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::model::Report;

/// What the DKIM check of one e-mail found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DkimVerdict {
    /// Signing domains (`d=`) of the signatures that verified, lower-case, in header order.
    pub passed: Vec<String>,
    /// Why no signature verified, in one line (`None` when one did).
    pub problem: Option<String>,
}

impl DkimVerdict {
    /// A verdict without any verified signature.
    pub fn failed(problem: impl Into<String>) -> DkimVerdict {
        DkimVerdict { passed: Vec::new(), problem: Some(problem.into()) }
    }
}

/// How one import item reached mtasts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// A JSON or gzip file given to `reports import`.
    File,
    /// A POST to the https `rua` (`reports serve`).
    Https,
    /// A part of an e-mail (a file, a mailbox, IMAP).
    Email {
        /// Its DKIM signatures.
        dkim: DkimVerdict,
        /// The `TLS-Report-Submitter` header, when present.
        submitter: Option<String>,
    },
}

/// How a stored report is authenticated. Only [`Authentication::counts_successes`] reports may
/// show the enforce gate a clean window; failures count from every report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Authentication {
    /// An e-mail with a valid DKIM signature.
    Dkim {
        /// The signing domain (`d=`).
        signer: String,
        /// The signer is the reporting domain or a parent of it.
        aligned: bool,
        /// The reporting domain: of `contact-info`, else the `TLS-Report-Submitter` header.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reporter: Option<String>,
    },
    /// POSTed to the https `rua` over TLS.
    Https,
    /// An e-mail without a valid DKIM signature.
    Unverified {
        /// Why (no signature, a broken one, the key not found, DNS did not answer).
        reason: String,
    },
    /// A JSON or gzip file imported as it is: nothing says who produced it.
    File,
    /// Stored before mtasts recorded how reports arrived.
    #[default]
    Unrecorded,
}

impl Authentication {
    /// How the report of `report` that came by `delivery` is authenticated.
    pub fn of(delivery: &Delivery, report: &Report) -> Authentication {
        match delivery {
            Delivery::File => Authentication::File,
            Delivery::Https => Authentication::Https,
            Delivery::Email { dkim, submitter } => {
                let reporter = report
                    .contact
                    .as_deref()
                    .and_then(contact_domain)
                    .or_else(|| submitter.as_deref().and_then(bare_domain));
                let aligned = |signer: &str| reporter.as_deref().is_some_and(|r| aligns(signer, r));
                let signer = dkim.passed.iter().find(|s| aligned(s)).or_else(|| dkim.passed.first());
                match signer {
                    Some(signer) => {
                        Authentication::Dkim { signer: signer.clone(), aligned: aligned(signer), reporter }
                    }
                    None => Authentication::Unverified {
                        reason: dkim.problem.clone().unwrap_or_else(|| "no DKIM signature".to_owned()),
                    },
                }
            }
        }
    }

    /// Whether this report's successful sessions count toward the enforce gate: a DKIM
    /// signature of the reporting domain, or the https `rua`.
    pub fn counts_successes(&self) -> bool {
        matches!(self, Authentication::Dkim { aligned: true, .. } | Authentication::Https)
    }

    /// Higher is better authenticated: a stored report keeps the best of its deliveries.
    pub fn rank(&self) -> u8 {
        match self {
            Authentication::Dkim { aligned: true, .. } => 5,
            Authentication::Https => 4,
            Authentication::Dkim { aligned: false, .. } => 3,
            Authentication::Unverified { .. } => 2,
            Authentication::File => 1,
            Authentication::Unrecorded => 0,
        }
    }

    /// The kind in a few words, for tallies: `DKIM <signer>`, `https`, or why not authenticated.
    pub fn kind(&self) -> String {
        match self {
            Authentication::Dkim { signer, aligned: true, .. } => format!("DKIM {signer}"),
            Authentication::Https => "https".to_owned(),
            Authentication::Dkim { signer, aligned: false, .. } => {
                format!("signed by {signer}, not the reporting domain")
            }
            Authentication::Unverified { .. } => "e-mail without a valid DKIM signature".to_owned(),
            Authentication::File => "imported from a file".to_owned(),
            Authentication::Unrecorded => "stored before authentication was recorded".to_owned(),
        }
    }
}

impl fmt::Display for Authentication {
    /// One line (outside text included: sanitize before printing).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Authentication::Dkim { signer, aligned: true, .. } => write!(f, "DKIM-verified ({signer})"),
            Authentication::Dkim { signer, aligned: false, reporter } => match reporter {
                Some(r) => {
                    write!(f, "not authenticated: DKIM-signed by {signer}, not by the reporting domain {r}")
                }
                None => {
                    write!(f, "not authenticated: DKIM-signed by {signer}, but the report names no domain")
                }
            },
            Authentication::Https => f.write_str("delivered to the https rua"),
            Authentication::Unverified { reason } => write!(f, "not authenticated: {reason}"),
            Authentication::File => f.write_str("not authenticated: imported from a file"),
            Authentication::Unrecorded => {
                f.write_str("not authenticated: stored before mtasts recorded authentication")
            }
        }
    }
}

/// Whether a signature of `signer` vouches for `reporter`: the same domain, or a parent of it
/// (`example.com` signs for `reports.example.com`; never the other way round).
pub fn aligns(signer: &str, reporter: &str) -> bool {
    let (s, r) = (signer.trim_end_matches('.').as_bytes(), reporter.trim_end_matches('.').as_bytes());
    let Some(at) = r.len().checked_sub(s.len()) else { return false };
    !s.is_empty() && r[at..].eq_ignore_ascii_case(s) && (at == 0 || r[at - 1] == b'.')
}

/// The domain `contact-info` names: of an address (`tlsrpt@example.com`, `mailto:…`), of a
/// URL's host, or a bare domain.
pub fn contact_domain(contact: &str) -> Option<String> {
    let c = contact.trim();
    let c = c.strip_prefix("mailto:").unwrap_or(c);
    if let Some(rest) = c.split_once("://").map(|(_, rest)| rest) {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = host.rsplit('@').next().unwrap_or(host);
        return bare_domain(host.split(':').next().unwrap_or(host));
    }
    match c.rsplit_once('@') {
        Some((_, domain)) => bare_domain(domain.trim_end_matches('>')),
        None => bare_domain(c),
    }
}

/// A domain name as text, lower-case without a trailing dot; `None` unless it looks like one.
fn bare_domain(s: &str) -> Option<String> {
    let d = s.trim().trim_end_matches('.').to_ascii_lowercase();
    let ok = d.contains('.')
        && d.len() <= 253
        && d.split('.').all(|l| {
            !l.is_empty() && l.len() <= 63 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    ok.then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(contact: Option<&str>) -> Report {
        Report {
            organization: Some("Org".into()),
            contact: contact.map(str::to_owned),
            report_id: "r".into(),
            start: jiff::Timestamp::UNIX_EPOCH,
            end: jiff::Timestamp::UNIX_EPOCH,
            policies: Vec::new(),
        }
    }

    fn email(passed: &[&str], submitter: Option<&str>) -> Delivery {
        Delivery::Email {
            dkim: DkimVerdict {
                passed: passed.iter().map(|s| (*s).to_owned()).collect(),
                problem: passed.is_empty().then(|| "body hash mismatch".to_owned()),
            },
            submitter: submitter.map(str::to_owned),
        }
    }

    #[test]
    fn contact_info_names_the_reporting_domain() {
        assert_eq!(contact_domain("smtp-tls-reporting@Google.com").as_deref(), Some("google.com"));
        assert_eq!(contact_domain("mailto:tlsrpt@mx1.example.net").as_deref(), Some("mx1.example.net"));
        assert_eq!(contact_domain("https://tls.example.org/contact").as_deref(), Some("tls.example.org"));
        assert_eq!(contact_domain("example.org.").as_deref(), Some("example.org"));
        assert_eq!(contact_domain("Mail Giant support"), None);
        assert_eq!(contact_domain("x@"), None);
    }

    #[test]
    fn a_parent_signs_for_a_child_never_the_reverse() {
        assert!(aligns("example.net", "example.net"));
        assert!(aligns("Example.NET", "mx1.example.net"));
        assert!(!aligns("mx1.example.net", "example.net"));
        assert!(!aligns("ample.net", "example.net"));
        assert!(!aligns("", "example.net"));
    }

    #[test]
    fn only_an_aligned_signature_or_https_counts_successes() {
        let r = report(Some("tlsrpt@mx2.example.net"));
        let a = Authentication::of(&email(&["relay.example", "example.net"], None), &r);
        assert_eq!(
            a,
            Authentication::Dkim {
                signer: "example.net".into(),
                aligned: true,
                reporter: Some("mx2.example.net".into())
            }
        );
        assert!(a.counts_successes());
        let other = Authentication::of(&email(&["relay.example"], None), &r);
        assert!(!other.counts_successes() && other.rank() < a.rank());
        assert!(other.to_string().contains("not by the reporting domain mx2.example.net"), "{other}");
        // Without contact-info the submitter header names the reporting domain.
        let by_header = Authentication::of(&email(&["example.net"], Some("example.net")), &report(None));
        assert!(by_header.counts_successes());
        let broken = Authentication::of(&email(&[], Some("example.net")), &r);
        assert_eq!(broken, Authentication::Unverified { reason: "body hash mismatch".into() });
        assert!(Authentication::of(&Delivery::Https, &r).counts_successes());
        assert!(!Authentication::of(&Delivery::File, &r).counts_successes());
        assert!(!Authentication::Unrecorded.counts_successes());
    }
}
