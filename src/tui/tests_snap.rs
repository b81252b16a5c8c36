//! Snapshots of every screen at 80×24 (and narrow ones) with a fixed `now` and hand-built
//! states and evidence.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{App, Entry, Msg};
use super::fixtures::{app_with, dn, domain_app, draw, healthy_ev, state};
use mtasts_core::evidence::{CertVerdict, SmtpOutcome, SmtpStage};
use mtasts_core::judge::fixtures::{days, failed_probe, set_probe};
use mtasts_core::rollout::Phase;

fn key(app: &mut App, c: char) {
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
}

#[test]
fn home_empty() {
    insta::assert_snapshot!(draw(&app_with(vec![]), 80, 24));
}

#[test]
fn home_loading() {
    let (app, _) = App::new(mtasts_core::judge::fixtures::now(), false, None);
    insta::assert_snapshot!(draw(&app, 80, 24));
}

fn fleet() -> App {
    let ev = healthy_ev("testing");
    let mut a = state(Phase::Testing, 11, Some(&ev));
    a.domain = dn("example.com");
    let mut b = state(Phase::Records, 1, None);
    b.domain = dn("shop.example.net");
    let mut c = state(Phase::Enforced, 40, Some(&healthy_ev("enforce")));
    c.domain = dn("mail.example.org");
    let mut app = app_with(vec![a, b, c]);
    let mut entries = app.entries.clone();
    entries.push(Entry::Bad {
        path: "/state/domains/broken.example.toml".into(),
        problem: "expected `=` at line 3".into(),
    });
    app.update(Msg::Loaded(entries));
    app
}

#[test]
fn home_with_domains() {
    insta::assert_snapshot!(draw(&fleet(), 80, 24));
}

#[test]
fn home_narrow() {
    insta::assert_snapshot!(draw(&fleet(), 60, 20));
}

#[test]
fn home_narrow_keeps_an_ended_window_apart_from_the_check() {
    let ev = healthy_ev("testing");
    let app = app_with(vec![state(Phase::Testing, 50, Some(&ev)), state(Phase::Testing, 35, Some(&ev))]);
    let screen = draw(&app, 60, 20);
    assert!(screen.contains(" ended 20d    "), "{screen}");
    assert!(!screen.contains("ago✗") && !screen.contains("ago!"), "{screen}");
}

#[test]
fn home_checking_all() {
    let mut app = fleet();
    key(&mut app, 'r');
    insta::assert_snapshot!(draw(&app, 80, 24));
}

#[test]
fn preflight_with_an_expired_certificate() {
    let mut ev = healthy_ev("testing");
    let mut p = mtasts_core::judge::fixtures::probe("mx2.example.com", 3);
    if let Some(tls) = &mut p.tls {
        tls.cert.verdict = CertVerdict::Expired;
        tls.cert.not_after = Some(days(-3));
    }
    set_probe(&mut ev, 1, p);
    insta::assert_snapshot!(draw(&domain_app(state(Phase::Preflight, 0, None), Some(ev)), 80, 24));
}

#[test]
fn preflight_probing() {
    let mut app = domain_app(state(Phase::Preflight, 0, None), None);
    app.session_mut(&dn("example.com")).pending = Some(1);
    insta::assert_snapshot!(draw(&app, 80, 24));
}

#[test]
fn preflight_unreachable_mx_is_data_not_a_crash() {
    let mut ev = healthy_ev("testing");
    set_probe(
        &mut ev,
        0,
        failed_probe("mx1.example.com", 2, SmtpOutcome::Timeout { stage: SmtpStage::Banner }),
    );
    set_probe(&mut ev, 1, failed_probe("mx2.example.com", 3, SmtpOutcome::Refused));
    insta::assert_snapshot!(draw(&domain_app(state(Phase::Preflight, 0, None), Some(ev)), 80, 24));
}

#[test]
fn records_not_yet_published() {
    let mut ev = healthy_ev("testing");
    ev.sts_record = mtasts_core::judge::fixtures::txt("_mta-sts.example.com", &[]);
    insta::assert_snapshot!(draw(&domain_app(state(Phase::Records, 0, None), Some(ev)), 80, 24));
}

#[test]
fn hosting_with_nginx_chosen() {
    insta::assert_snapshot!(draw(&domain_app(state(Phase::Hosting, 0, None), None), 80, 24));
}

#[test]
fn hosting_wide() {
    insta::assert_snapshot!(draw(&domain_app(state(Phase::Hosting, 0, None), None), 120, 30));
}

#[test]
fn validation_with_text_html_policy() {
    let mut ev = healthy_ev("testing");
    ev.policy.content_type = Some("text/html\x1b[31m".into());
    insta::assert_snapshot!(draw(&domain_app(state(Phase::Validation, 0, None), Some(ev)), 80, 24));
}

#[test]
fn testing_day_12_of_30() {
    let ev = healthy_ev("testing");
    insta::assert_snapshot!(draw(&domain_app(state(Phase::Testing, 11, Some(&ev)), Some(ev)), 80, 24));
}

#[test]
fn testing_narrow() {
    let ev = healthy_ev("testing");
    insta::assert_snapshot!(draw(&domain_app(state(Phase::Testing, 11, Some(&ev)), Some(ev)), 60, 20));
}

#[test]
fn enforce_steps_policy_first() {
    let ev = healthy_ev("testing");
    insta::assert_snapshot!(draw(&domain_app(state(Phase::Enforce, 0, Some(&ev)), Some(ev)), 80, 24));
}

#[test]
fn enforced_checklist() {
    let ev = healthy_ev("enforce");
    let mut app = domain_app(state(Phase::Enforced, 3, Some(&ev)), Some(ev));
    key(&mut app, '2');
    insta::assert_snapshot!(draw(&app, 80, 30));
}

#[test]
fn help_overlay_on_hosting() {
    let mut app = domain_app(state(Phase::Hosting, 0, None), None);
    key(&mut app, '?');
    insta::assert_snapshot!(draw(&app, 80, 24));
}

#[test]
fn add_prompt_with_an_error() {
    let mut app = app_with(vec![]);
    key(&mut app, 'a');
    for c in "not a domain".chars() {
        key(&mut app, c);
    }
    insta::assert_snapshot!(draw(&app, 80, 24));
}

#[test]
fn tiny_terminal_does_not_panic() {
    let ev = healthy_ev("testing");
    let app = domain_app(state(Phase::Testing, 11, Some(&ev)), Some(ev));
    for (w, h) in [(1, 1), (10, 4), (20, 6), (40, 10)] {
        assert_eq!(draw(&app, w, h).lines().count(), usize::from(h));
    }
}

#[test]
fn rollback_screen() {
    let mut s = state(Phase::Enforced, 30, Some(&healthy_ev("enforce")));
    s = mtasts_core::rollout::plan_rollback(s, mtasts_core::judge::fixtures::now());
    insta::assert_snapshot!(draw(&domain_app(s, Some(healthy_ev("enforce"))), 80, 24));
}

#[test]
fn maintenance_mid_provider_switch() {
    let ev = healthy_ev("enforce");
    let s = state(Phase::Enforced, 40, Some(&ev));
    let now: jiff::Timestamp = "2026-11-29T00:00:00Z".parse().unwrap();
    let add = vec![mtasts_core::rfc::MxPattern::exact(dn("mx.newprovider.example"))];
    let remove = vec![
        mtasts_core::rfc::MxPattern::exact(dn("mx1.example.com")),
        mtasts_core::rfc::MxPattern::exact(dn("mx2.example.com")),
    ];
    let s = mtasts_core::rollout::plan_mx(s, add, remove, now).unwrap();
    let app = domain_app(s, Some(ev));
    let screen = draw(&app, 80, 72);
    assert!(screen.contains("senders may still hold"), "{screen}");
    assert!(screen.contains("mx.newprovider.example"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn enforce_waits_for_the_previous_record_ttl() {
    let mut ev = healthy_ev("enforce");
    let server = |name: &str| mtasts_core::evidence::NsServer {
        name: name.into(),
        addr: "192.0.2.53:53".parse().unwrap(),
        answers: Some(mtasts_core::evidence::NsAnswers {
            sts: mtasts_core::evidence::Lookup::Found(vec!["v=STSv1; id=20261101T000000".into()]),
            sts_ttl: Some(3600),
            tlsrpt: mtasts_core::evidence::Lookup::NoData,
            mx: mtasts_core::evidence::Lookup::NoData,
            policy_host: mtasts_core::evidence::Lookup::NoData,
        }),
        error: None,
    };
    let servers = vec![server("ns1.example.net"), server("ns2.example.net")];
    ev.nameservers = Some(mtasts_core::evidence::NsEvidence {
        ns: mtasts_core::evidence::Lookup::Found(vec!["ns1.example.net".into(), "ns2.example.net".into()]),
        unresolved: Vec::new(),
        servers,
    });
    let mut s = state(Phase::Enforce, 0, Some(&ev));
    // The testing id was live before: resolvers may still hold its record.
    s.published.insert(
        0,
        mtasts_core::rollout::PublishedId {
            id: mtasts_core::rfc::PolicyId::parse("20261001T000000").unwrap(),
            policy_sha256: String::new(),
            max_age: 86_400,
            mode: mtasts_core::rfc::Mode::Testing,
            at: s.plan.id_generated_at,
        },
    );
    insta::assert_snapshot!(draw(&domain_app(s, Some(ev)), 80, 24));
}
