//! The pure side of publishing: what each step wants, the diff against served records, the
//! spread over nameservers, and provider URLs.

use jiff::Timestamp;

use super::*;
use crate::evidence::{Lookup, NsAnswers, NsEvidence, NsServer};
use crate::finding::{Code, Verdict};
use crate::rfc::{DomainName, MxPattern};
use crate::rollout::{
    self, DomainState, HostingPath, MxResult, Observation, Phase, ReportTally, Tester, advance, new_domain,
    record_check, set_hosting, tick_tester,
};

const T0: &str = "2026-11-01T10:00:00Z";

fn at(days: i64) -> Timestamp {
    T0.parse::<Timestamp>().unwrap().checked_add(jiff::SignedDuration::from_hours(24 * days)).unwrap()
}

fn dn(s: &str) -> DomainName {
    DomainName::parse(s).unwrap()
}

/// A check at `when` showing exactly the plan live.
fn live(state: &DomainState, when: Timestamp) -> Observation {
    let hosts = vec![dn("mx1.example.com")];
    Observation {
        at: when,
        verdict: Verdict::Pass,
        error_codes: Vec::new(),
        warning_codes: Vec::new(),
        mx_results: vec![MxResult {
            host: hosts[0].clone(),
            starttls_ok: true,
            cert_trusted: true,
            name_ok: true,
            not_after: Some(at(400)),
        }],
        live_mx: Some(hosts),
        sts_id: Some(state.plan.id.clone()),
        tlsrpt_rua: Some(state.plan.rua.clone()),
        live_policy: Some(state.plan.policy()),
        ns_sts: None,
    }
}

fn step(state: DomainState, when: Timestamp) -> DomainState {
    let obs = live(&state, when);
    let reports = ReportTally {
        reports: 3,
        failed_sessions: 0,
        successful_sessions: 90,
        failures_by_type: vec![],
        authenticated_reports: 3,
        authenticated_successful_sessions: 90,
    };
    advance(record_check(state, &obs), Some(&obs), Some(&reports), None, when).unwrap().0
}

/// Preflight passed with nothing published yet: the records phase.
fn records() -> DomainState {
    let s = preflight();
    let obs = Observation { sts_id: None, tlsrpt_rua: None, live_policy: None, ..live(&s, at(0)) };
    let s = advance(record_check(s, &obs), Some(&obs), None, None, at(0)).unwrap().0;
    assert_eq!(s.phase, Phase::Records);
    s
}

fn preflight() -> DomainState {
    let s = new_domain(
        dn("example.com"),
        vec![MxPattern::parse("mx1.example.com").unwrap()],
        vec![],
        None,
        at(0),
    );
    tick_tester(tick_tester(s, Tester::Hardenize, at(0)), Tester::InternetNl, at(0))
}

/// Enforce phase entered on day 31: the plan's enforce policy and id are not live yet.
fn entering_enforce() -> DomainState {
    let mut s = step(records(), at(0));
    s = set_hosting(s, HostingPath::Nginx);
    s = step(s, at(0));
    s = step(s, at(1));
    s = step(s, at(31));
    assert_eq!(s.phase, Phase::Enforce);
    s
}

fn txt(name: &str, text: &str) -> Record {
    Record::new(name, 3600, RData::txt(text))
}

fn opts() -> Options<'static> {
    Options::default()
}

/// The records after applying `changes` to `served`.
fn apply(served: &[Record], changes: &ChangeSet) -> Vec<Record> {
    let mut out: Vec<Record> = served
        .iter()
        .filter(|r| !changes.changes.iter().any(|c| c.name == r.name && c.rtype == r.rtype()))
        .cloned()
        .collect();
    out.extend(changes.changes.iter().flat_map(|c| c.after.clone()));
    out
}

#[test]
fn preflight_publishes_nothing_and_says_why() {
    let s = preflight();
    let i = intent(&s, &live(&s, at(0)), &opts(), at(0));
    assert!(i.wants.is_empty());
    assert!(i.held[0].contains("preflight"), "{:?}", i.held);
}

#[test]
fn records_phase_adds_both_records_beside_foreign_ones_and_a_second_run_changes_nothing() {
    let s = records();
    assert_eq!(s.phase, Phase::Records);
    let mut obs = live(&s, at(0));
    (obs.sts_id, obs.tlsrpt_rua, obs.live_policy) = (None, None, None);
    let i = intent(&s, &obs, &opts(), at(0));
    assert_eq!(i.wants.iter().map(|w| w.role).collect::<Vec<_>>(), [Role::Sts, Role::TlsRpt]);
    let served = vec![
        txt("_mta-sts.example.com", "google-site-verification=abc"),
        txt("example.com", "v=spf1 -all"),
        txt("elsewhere.example.com", "v=STSv1; id=other"),
    ];
    let c = diff(&i, &served, 300).unwrap();
    let lines = c.lines();
    assert!(
        lines.contains(&format!("+ _mta-sts.example.com. 3600 TXT \"v=STSv1; id={}\"", s.plan.id)),
        "{lines:?}"
    );
    assert!(lines.contains(
        &"+ _smtp._tls.example.com. 300 TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@example.com\"".to_owned()
    ));
    assert!(lines.iter().any(|l| l.starts_with("= ") && l.contains("google-site-verification")), "{lines:?}");
    assert!(lines.iter().all(|l| !l.contains("spf1") && !l.contains("elsewhere")), "{lines:?}");
    let sts = &c.changes.iter().find(|c| c.name == "_mta-sts.example.com").unwrap();
    assert_eq!(sts.after.len(), 2, "the verification record stays in the RRset");
    let after = apply(&served, &c);
    assert!(already(&i, &after));
    assert!(diff(&i, &after, 300).unwrap().is_empty());
}

#[test]
fn old_and_mistyped_records_are_replaced_in_one_rrset_with_its_ttl() {
    let s = records();
    let obs = Observation { sts_id: None, tlsrpt_rua: None, live_policy: None, ..live(&s, at(0)) };
    let served = vec![
        txt("_mta-sts.example.com", "v=STSv1; id=old1"),
        txt("_mta-sts.example.com", "V=STSv1 ;id=typo"),
        txt("_mta-sts.example.com", "keep-me"),
    ];
    let c = diff(&intent(&s, &obs, &opts(), at(0)), &served, 300).unwrap();
    let sts = c.changes.iter().find(|c| c.rtype == RrType::Txt && c.name.starts_with("_mta")).unwrap();
    assert_eq!(sts.removed().len(), 2);
    assert_eq!(sts.added().len(), 1);
    assert!(sts.after.iter().all(|r| r.ttl == 3600));
    assert!(sts.after.iter().any(|r| r.data == RData::txt("keep-me")));
}

#[test]
fn at_enforce_the_new_id_waits_until_the_new_policy_is_served_and_verified() {
    let s = entering_enforce();
    let prev_id = s.published.last().unwrap().id.clone();
    let mut obs = live(&s, at(31));
    obs.sts_id = Some(prev_id.clone());
    obs.live_policy = s.history.last().map(|v| v.policy());
    let i = intent(&s, &obs, &opts(), at(31));
    assert!(i.want(Role::Sts).is_none(), "{i:?}");
    assert!(i.held[0].contains("serve the new policy"), "{:?}", i.held);
    assert!(i.want(Role::TlsRpt).is_some(), "TLS-RPT does not wait for the policy");

    obs.live_policy = Some(s.plan.policy());
    obs.error_codes = vec![Code::StsIdNotBumped];
    obs.verdict = Verdict::Fail;
    let i = intent(&s, &obs, &opts(), at(31));
    let want = i.want(Role::Sts).expect("the id is publishable once the policy is verified live");
    assert_eq!(want.records, vec![RData::txt(&format!("v=STSv1; id={}", s.plan.id))]);
    let served = vec![txt("_mta-sts.example.com", &format!("v=STSv1; id={prev_id}"))];
    let c = diff(&i, &served, 300).unwrap();
    assert_eq!(c.changes.len(), 2, "{:?}", c.lines());
}

#[test]
fn a_delegated_name_is_refused() {
    let s = records();
    let obs = Observation { sts_id: None, live_policy: None, ..live(&s, at(0)) };
    let served = vec![Record::new("_mta-sts.example.com", 300, RData::cname("_mta-sts.provider.example"))];
    let err = diff(&intent(&s, &obs, &opts(), at(0)), &served, 300).unwrap_err();
    assert!(err.to_string().contains("CNAME to _mta-sts.provider.example."), "{err}");
}

#[test]
fn the_policy_host_alias_makes_way_for_addresses_and_removals_come_first() {
    let s = records();
    let host = PolicyHost::parse("192.0.2.80, 2001:db8::80").unwrap();
    let o = Options { policy_host: Some(&host), keep_tlsrpt: false };
    let served = vec![
        Record::new("mta-sts.example.com", 60, RData::cname("old.example.net")),
        txt("mta-sts.example.com", "unrelated"),
    ];
    let c = diff(&intent(&s, &live(&s, at(0)), &o, at(0)), &served, 300).unwrap();
    let host_changes = c.changes.iter().filter(|c| c.name == "mta-sts.example.com");
    let kinds: Vec<(RrType, usize)> = host_changes.map(|c| (c.rtype, c.after.len())).collect();
    assert_eq!(kinds, [(RrType::Cname, 0), (RrType::A, 1), (RrType::Aaaa, 1)]);
    assert!(c.untouched.iter().any(|r| r.rtype() == RrType::Txt));
}

#[test]
fn retirement_removes_the_records_first_and_the_host_only_after_the_wait() {
    let s = entering_enforce();
    let s = step(s, at(32));
    let s = rollout::plan_rollback(s, at(33));
    let s = record_check(s.clone(), &live(&s, at(33)));
    let s = rollout::plan_removal(s, at(50)).unwrap();
    let host = PolicyHost::parse("policy.example.net").unwrap();
    let o = Options { policy_host: Some(&host), keep_tlsrpt: false };
    let obs = live(&s, at(50));
    let i = intent(&s, &obs, &o, at(50));
    assert_eq!(i.want(Role::Sts).unwrap().records, vec![]);
    assert_eq!(i.want(Role::TlsRpt).unwrap().records, vec![]);
    assert_eq!(i.want(Role::PolicyHost).unwrap().records, host.records());
    let served = vec![
        txt("_mta-sts.example.com", &format!("v=STSv1; id={}", s.plan.id)),
        txt("_smtp._tls.example.com", "v=TLSRPTv1; rua=mailto:tlsrpt@example.com"),
        Record::new("mta-sts.example.com", 300, RData::cname("policy.example.net")),
    ];
    let c = diff(&i, &served, 300).unwrap();
    assert_eq!(c.changes.len(), 2);
    let kept = intent(&s, &obs, &Options { keep_tlsrpt: true, ..o }, at(50));
    assert!(kept.want(Role::TlsRpt).is_none());

    let gone = Observation { sts_id: None, tlsrpt_rua: None, ..obs };
    let s = record_check(s, &gone);
    let later = at(50 + 8);
    let i = intent(&s, &live(&s, later), &o, later);
    assert_eq!(i.want(Role::PolicyHost).unwrap().records, vec![], "{i:?}");
}

fn server(name: &str, sts: &[&str]) -> NsServer {
    let found = |v: &[&str]| {
        if v.is_empty() { Lookup::NoData } else { Lookup::Found(v.iter().map(|s| s.to_string()).collect()) }
    };
    NsServer {
        name: name.into(),
        addr: "192.0.2.53:53".parse().unwrap(),
        answers: Some(NsAnswers {
            sts: found(sts),
            sts_ttl: Some(300),
            tlsrpt: found(&["v=TLSRPTv1; rua=mailto:tlsrpt@example.com"]),
            mx: Lookup::NoData,
            policy_host: Lookup::NoData,
        }),
        error: None,
    }
}

#[test]
fn spread_names_the_lagging_nameserver_and_ignores_foreign_txt() {
    let s = records();
    let i = intent(&s, &Observation { sts_id: None, ..live(&s, at(0)) }, &opts(), at(0));
    let new = format!("v=STSv1; id={}", s.plan.id);
    let mut ns = NsEvidence {
        ns: Lookup::Found(vec!["ns1.example.com".into(), "ns2.example.com".into()]),
        unresolved: vec![],
        servers: vec![
            server("ns1.example.com", &[&new, "verification=1"]),
            server("ns2.example.com", &["v=STSv1; id=old"]),
        ],
    };
    let sp = spread(&i, &ns);
    assert!(!sp.done());
    assert!(
        sp.summary().starts_with("1 of 2 nameservers serve the new records; ns2.example.com"),
        "{}",
        sp.summary()
    );
    assert!(sp.summary().contains("id=old"), "{}", sp.summary());
    ns.servers[1] = server("ns2.example.com", &[&new]);
    assert!(spread(&i, &ns).done());
    assert!(resolver_shows(&i, &live(&s, at(0))));
}

#[test]
fn provider_urls_parse_render_and_keep_secrets_out() {
    let p = Provider::parse("rfc2136://mtasts-key@192.0.2.53").unwrap();
    assert_eq!(p.to_string(), "rfc2136://mtasts-key@192.0.2.53:53");
    let p = Provider::parse("pdns+https://dns.example.net:8443/localhost").unwrap();
    assert_eq!(p.to_string(), "pdns+https://dns.example.net:8443/localhost");
    assert_eq!(Provider::parse("pdns+http://127.0.0.1:8081/localhost").unwrap().kind(), "PowerDNS API");
    assert!(matches!(
        Provider::parse("pdns+http://dns.example.net/localhost"),
        Err(SetupError::PlainHttp(_))
    ));
    assert_eq!(Provider::parse("cloudflare://").unwrap().to_string(), "cloudflare://");
    assert_eq!(
        Provider::parse("cloudflare+http://[::1]:9000").unwrap().to_string(),
        "cloudflare+http://[::1]:9000"
    );
    for bad in [
        "pdns+https://admin:hunter2@dns.example.net/localhost",
        "rfc2136://key:hunter2@192.0.2.53",
        "cloudflare://?token=hunter2",
    ] {
        let e = Provider::parse(bad).unwrap_err().to_string();
        assert!(!e.contains("hunter2") && e.contains("secrets do not belong"), "{e}");
    }
    assert!(Provider::parse("ftp://x").is_err());
    assert!(Provider::parse("rfc2136://192.0.2.53").unwrap_err().to_string().contains("key's name"));
    assert_eq!(redact_url("https://u:p@h/x?k=v"), "https://***@h/x?***");
    let setup = DnsSetup::new("cloudflare://", None, None, None).unwrap();
    assert_eq!(setup.secret, SecretSource::Env("CLOUDFLARE_API_TOKEN".into()));
    assert!(
        DnsSetup::new("rfc2136://k@192.0.2.1", None, None, None)
            .unwrap_err()
            .to_string()
            .contains("--tsig-file")
    );
    let text = toml::to_string(
        &DnsSetup::new(
            "rfc2136://k@ns1.example.com",
            Some("/etc/k.key".into()),
            Some(PolicyHost::parse("192.0.2.1").unwrap()),
            None,
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        text,
        "url = \"rfc2136://k@ns1.example.com:53\"\npolicy_host = \"192.0.2.1\"\n\n[secret]\nfile = \"/etc/k.key\"\n"
    );
}
