//! Hand-made evidence for the judge's unit tests: a healthy domain, and small helpers to break it.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use crate::evidence::{
    CertEvidence, CertVerdict, Evidence, FetchOutcome, Lookup, MxEvidence, PolicyFetch, SmtpEvidence,
    SmtpOutcome, TlsEvidence, TxtEvidence,
};
use crate::rfc::DomainName;

use super::{JudgeContext, Judgement, Severity, judge};

pub const URL: &str = "https://mta-sts.example.com/.well-known/mta-sts.txt";

pub fn now() -> jiff::Timestamp {
    "2026-11-29T00:00:00Z".parse().unwrap()
}

pub fn ctx() -> JudgeContext {
    JudgeContext::new(now())
}

pub fn days(n: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_second(now().as_second() + n * 86_400).unwrap()
}

pub fn cert(host: &str, verdict: CertVerdict) -> CertEvidence {
    CertEvidence {
        chain_len: 2,
        verdict,
        detail: (!matches!(verdict, CertVerdict::Trusted | CertVerdict::TrustedViaExtraAnchor))
            .then(|| format!("{verdict:?}")),
        not_before: Some(days(-30)),
        not_after: Some(days(60)),
        issuer: Some("CN=Test CA".into()),
        subject: Some(format!("CN={host}")),
        sans: vec![host.to_owned()],
        chain: vec![
            crate::evidence::ChainCert {
                subject: format!("CN={host}"),
                issuer: "CN=Test CA".into(),
                not_after: Some(days(60)),
            },
            crate::evidence::ChainCert {
                subject: "CN=Test CA".into(),
                issuer: "CN=Test Root".into(),
                not_after: Some(days(900)),
            },
        ],
    }
}

pub fn probe(host: &str, last_octet: u8) -> SmtpEvidence {
    SmtpEvidence {
        host: host.to_owned(),
        addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last_octet)), 25),
        outcome: SmtpOutcome::TlsEstablished,
        banner: None,
        ehlo: None,
        starttls_offered: Some(true),
        starttls_reply: None,
        tls: Some(TlsEvidence {
            version: "TLSv1_3".into(),
            cipher: "TLS13_AES_256_GCM_SHA384".into(),
            cert: cert(host, CertVerdict::Trusted),
            chain_der: Vec::new(),
        }),
        elapsed_ms: 5,
    }
}

pub fn failed_probe(host: &str, last_octet: u8, outcome: SmtpOutcome) -> SmtpEvidence {
    SmtpEvidence { outcome, tls: None, ..probe(host, last_octet) }
}

pub fn mx(preference: u16, host: &str, probes: Vec<SmtpEvidence>) -> MxEvidence {
    MxEvidence {
        preference,
        host: host.to_owned(),
        addresses: Lookup::Found(probes.iter().map(|p| p.addr.ip()).collect()),
        probes,
        tlsa: None,
    }
}

pub fn txt(name: &str, records: &[&str]) -> TxtEvidence {
    TxtEvidence {
        name: name.to_owned(),
        cname_chain: Vec::new(),
        records: if records.is_empty() {
            Lookup::NxDomain
        } else {
            Lookup::Found(records.iter().map(|r| vec![(*r).to_owned()]).collect())
        },
    }
}

pub fn fetch(body: &str) -> PolicyFetch {
    PolicyFetch {
        url: URL.to_owned(),
        outcome: FetchOutcome::Response,
        status: Some(200),
        content_type: Some("text/plain; charset=utf-8".into()),
        location: None,
        body: Some(body.as_bytes().to_vec()),
        content_length: None,
        too_large: false,
        cert: Some(cert("mta-sts.example.com", CertVerdict::Trusted)),
        headers: Default::default(),
    }
}

pub fn body(mode: &str, mx: &[&str]) -> String {
    let mut s = format!("version: STSv1\r\nmode: {mode}\r\n");
    for m in mx {
        s.push_str(&format!("mx: {m}\r\n"));
    }
    s.push_str("max_age: 604800\r\n");
    s
}

/// example.com with mx1 and mx2, a valid record, TLS-RPT and a policy in `mode`.
pub fn healthy(mode: &str) -> Evidence {
    Evidence {
        domain: DomainName::parse("example.com").unwrap(),
        mx: Lookup::Found(vec![
            mx(10, "mx1.example.com", vec![probe("mx1.example.com", 2)]),
            mx(20, "mx2.example.com", vec![probe("mx2.example.com", 3)]),
        ]),
        null_mx: false,
        implicit_mx: None,
        sts_record: txt("_mta-sts.example.com", &["v=STSv1; id=20261101T000000"]),
        sts_dnssec: Lookup::Found(true),
        tlsrpt_record: txt("_smtp._tls.example.com", &["v=TLSRPTv1; rua=mailto:tlsrpt@example.com"]),
        tlsrpt_legacy_record: txt("_smtp-tlsrpt.example.com", &[]),
        policy_host: "mta-sts.example.com".into(),
        policy_host_addresses: Lookup::Found(vec![IpAddr::V4(Ipv4Addr::LOCALHOST)]),
        policy: fetch(&body(mode, &["mx1.example.com", "mx2.example.com"])),
        extra_anchors: 0,
        overall_timeout_hit: false,
        dnssec_chain: None,
        nameservers: None,
        elapsed_ms: 20,
    }
}

/// Sets the MX probes of host number `i` (0-based).
pub fn set_probe(ev: &mut Evidence, i: usize, p: SmtpEvidence) {
    if let Lookup::Found(list) = &mut ev.mx {
        list[i].probes = vec![p];
    }
}

pub fn run(ev: &Evidence) -> Judgement {
    judge(ev, &ctx())
}

/// The codes of errors and warnings, in order.
pub fn problems(j: &Judgement) -> Vec<&'static str> {
    j.findings.iter().filter(|f| f.severity > Severity::Info).map(|f| f.code.as_str()).collect()
}

/// Every code, in order.
pub fn codes(j: &Judgement) -> Vec<&'static str> {
    j.findings.iter().map(|f| f.code.as_str()).collect()
}

/// The one finding with `code`.
pub fn find<'a>(j: &'a Judgement, code: &str) -> &'a super::Finding {
    let hits: Vec<_> = j.findings.iter().filter(|f| f.code.as_str() == code).collect();
    assert_eq!(hits.len(), 1, "expected one {code} in {:?}", codes(j));
    hits[0]
}
