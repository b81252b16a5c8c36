//! The built-in scenarios (TOML under `assets/lab/`, embedded at compile time) and a
//! generator for benchmark fleets.

use super::scenario::{DomainSpec, MxSpec, PolicyHostSpec, Scenario};

macro_rules! scenarios {
    ($($name:literal),* $(,)?) => {
        const SOURCES: &[(&str, &str)] = &[$(($name, include_str!(concat!("../../../assets/lab/", $name, ".toml"))),)*];

        /// The name of every built-in scenario, `demo` last.
        pub const ALL_SCENARIOS: &[&str] = &[$($name,)*];
    };
}

scenarios![
    "all-good-enforce",
    "all-good-testing",
    "wildcard-policy",
    "mode-none",
    "policy-text-html",
    "policy-redirect-301",
    "policy-404",
    "invalid-mode",
    "policy-cert-wrong-name",
    "policy-mx-missing-dns-mx",
    "mx-two-labels-under-wildcard",
    "mx-cert-expired",
    "mx-cert-self-signed",
    "mx-cert-wrong-name",
    "mx-no-starttls",
    "mx-refuses-connections",
    "mx-stalls-after-banner",
    "invalid-id",
    "two-sts-records",
    "txt-split-in-two-strings",
    "no-tlsrpt-record",
    "invalid-rua",
    "no-mta-sts",
    "policy-over-64k",
    "policy-with-bom",
    "mx-cert-expiring-5-days",
    "policy-host-unresolvable",
    "mx-cert-not-yet-valid",
    "sts-cname-delegation",
    "mx-no-address",
    "hostile-smtp-endless-banner",
    "hostile-smtp-continuation-lines",
    "hostile-smtp-starttls-garbage",
    "hostile-smtp-slowloris",
    "hostile-https-endless-body",
    "hostile-https-huge-length",
    "hostile-https-no-headers",
    "hostile-https-http10",
    "hostile-dns-many-txt-strings",
    "hostile-dns-cname-loop",
    "hostile-dns-100-mx",
    "policy-bot-challenge",
    "policy-github-pages",
    "dane-valid-ee",
    "dane-valid-ta",
    "dane-previous-key",
    "dane-unsigned-zone",
    "dnssec-no-ds",
    "dnssec-bogus",
    "ns-stale",
    "ns-lame",
    "ns-dead",
    "demo-fresh",
    "demo",
];

fn parse(name: &str) -> Option<Scenario> {
    let (_, text) = SOURCES.iter().find(|(n, _)| *n == name)?;
    Scenario::from_toml(text).ok()
}

/// The built-in scenario called `name`, with its `include`s merged in (one level deep).
pub fn scenario(name: &str) -> Option<Scenario> {
    let mut top = parse(name)?;
    if top.include.is_empty() {
        return Some(top);
    }
    let parts: Option<Vec<Scenario>> = top.include.iter().map(|n| parse(n)).collect();
    let mut merged = Scenario::merge(&top.name, std::iter::once(top.clone()).chain(parts?));
    merged.description = std::mem::take(&mut top.description);
    merged.validate().ok()?;
    Some(merged)
}

/// `n` healthy enforce-mode domains `d0.fleet.example` … sharing two MX hosts, for benchmarks.
pub fn fleet(n: usize) -> Scenario {
    let mx = vec![
        MxSpec { preference: 10, host: "mx1.fleet.example".into() },
        MxSpec { preference: 20, host: "mx2.fleet.example".into() },
    ];
    let domains = (0..n)
        .map(|i| {
            let name = format!("d{i}.fleet.example");
            DomainSpec {
                problem: String::new(),
                expect: Vec::new(),
                mx: mx.clone(),
                null_mx: false,
                sts_txt: vec![vec!["v=STSv1; id=20260101T000000;".into()]],
                sts_cname: None,
                sts_txt_filler: None,
                cnames: Vec::new(),
                tlsrpt_txt: vec![vec![format!("v=TLSRPTv1; rua=mailto:tlsrpt@{name}")]],
                policy: Some(PolicyHostSpec {
                    status: 200,
                    content_type: "text/plain".into(),
                    body: "version: STSv1\r\nmode: enforce\r\nmx: *.fleet.example\r\nmax_age: 604800\r\n"
                        .into(),
                    pad: None,
                    bom: false,
                    redirect_to: None,
                    cert: Default::default(),
                    latency_ms: 0,
                    behaviour: Default::default(),
                }),
                policy_host_resolves: true,
                name,
            }
        })
        .collect();
    Scenario {
        name: format!("fleet-{n}"),
        description: format!("{n} healthy domains sharing two MX hosts"),
        include: Vec::new(),
        domains,
        mx_hosts: Vec::new(),
        dns_latency_ms: 0,
        signed_zones: Vec::new(),
        nameservers: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mtasts_core::finding::Code;

    #[test]
    fn every_scenario_parses_and_names_real_codes() {
        assert_eq!(SOURCES.len(), ALL_SCENARIOS.len());
        let mut domains = std::collections::BTreeSet::new();
        for name in ALL_SCENARIOS {
            let s = scenario(name).unwrap_or_else(|| panic!("{name} does not load"));
            assert_eq!(s.name, *name);
            assert!(!s.domains.is_empty(), "{name}");
            for d in &s.domains {
                for code in &d.expect {
                    assert!(Code::from_str_exact(code).is_some(), "{name}: unknown code {code}");
                }
                if *name != "demo" {
                    assert!(domains.insert(d.name.clone()), "{} used twice", d.name);
                }
            }
        }
    }

    #[test]
    fn demo_combines_five_domains() {
        let demo = scenario("demo").unwrap();
        let names: Vec<&str> = demo.domains.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(
            names,
            ["good.example", "expired.example", "html.example", "testing.example", "fresh.example"]
        );
        let fresh = demo.domain("fresh.example").unwrap();
        assert!(fresh.sts_txt.is_empty() && fresh.tlsrpt_txt.is_empty());
        assert_eq!(fresh.policy.as_ref().unwrap().status, 404);
        assert_eq!(fresh.mx.len(), 2);
        assert_eq!(demo.host("mx1.expired.example").cert, crate::CertKind::Expired);
        assert!(demo.include.is_empty());
    }

    #[test]
    fn split_txt_record_keeps_both_strings() {
        let s = scenario("txt-split-in-two-strings").unwrap();
        assert_eq!(
            s.domains[0].sts_txt,
            vec![vec!["v=STSv1; id=2026".to_owned(), "0101T000000;".to_owned()]]
        );
    }

    #[test]
    fn oversized_policy_is_padded_past_64k() {
        let s = scenario("policy-over-64k").unwrap();
        let body = s.domains[0].policy.as_ref().unwrap().body_bytes();
        assert!(body.len() >= 70_000 && body.len() < 70_200, "{}", body.len());
        assert!(body.starts_with(b"version: STSv1\r\n"));
        let bom = scenario("policy-with-bom").unwrap().domains[0].policy.as_ref().unwrap().body_bytes();
        assert!(bom.starts_with(&[0xEF, 0xBB, 0xBF]));
    }

    #[test]
    fn fleet_has_distinct_domains_and_shared_hosts() {
        let f = fleet(3);
        f.validate().unwrap();
        assert_eq!(f.domains.len(), 3);
        assert_eq!(f.all_mx_hosts().len(), 2);
    }
}
