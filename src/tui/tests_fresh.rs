//! Coming back: old facts re-checked in the background and never shown as current; offline,
//! what the wizard says; the spinner names what a check waits for. At 60×20, 80×24, 120×40.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{App, Effect, Entry, Msg, Purpose};
use super::fixtures::{checked, checked_at, dn, domain_app, draw, healthy_ev, state, ts};
use super::tests_lastmile::{at_three, key};
use mtasts_core::evidence::{Evidence, Lookup, ProbeStage};
use mtasts_core::judge::fixtures::now;
use mtasts_core::rollout::{Phase, record_check};

/// example.com, last checked 15 days ago with a failing check.
fn old_app() -> App {
    let mut ev = healthy_ev("testing");
    ev.policy.status = Some(404);
    let mut s = state(Phase::Records, 20, None);
    let c = checked_at(ev, Some(&s), ts(-15));
    s = record_check(s, &c.observation);
    let (mut app, _) = App::new(now(), false, None);
    let fx = app.update(Msg::Loaded(vec![Entry::Ok(Box::new(s))]));
    let runs: Vec<_> = fx.iter().filter(|e| matches!(e, Effect::RunCheck { .. })).collect();
    assert!(
        matches!(runs.as_slice(), [Effect::RunCheck { purpose: Purpose::Background, domains, .. }] if domains.len() == 1),
        "opening the wizard re-checks what is old: {fx:?}"
    );
    app
}

#[test]
fn coming_back_rechecks_what_is_old_and_never_shows_it_as_current() {
    let mut app = old_app();
    let d = dn("example.com");
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("Last checked 15 days ago; checking again now"), "{screen}");
    assert!(!screen.contains("✗ 15d"), "an old failure is not shown as current:\n{screen}");
    insta::assert_snapshot!("old_facts_rechecking", at_three(&app));
    // A later reload does not start another one while it runs, nor after it within hours.
    let again = app.update(Msg::Loaded(app.entries.clone()));
    assert!(!again.iter().any(|e| matches!(e, Effect::RunCheck { .. })), "{again:?}");
    // Offline: the result is recorded nowhere; the old facts stay with their age and why.
    let g = app.session(&d).and_then(|s| s.pending).unwrap();
    let fx = app.update(Msg::Checked {
        generation: g,
        purpose: Purpose::Background,
        results: vec![checked(unanswered(), app.state(&d))],
    });
    assert!(fx.is_empty(), "nothing recorded: {fx:?}");
    assert!(app.checked(&d).is_none());
    let screen = draw(&app, 120, 40);
    assert!(
        screen.contains("Checked 15 days ago; DNS did not answer — check the network or --resolver"),
        "{screen}"
    );
    assert!(screen.contains("? 15d ago"), "{screen}");
    insta::assert_snapshot!("old_facts_offline", at_three(&app));
    // Opening it checks again; offline, its screen keeps the old facts and says why.
    key(&mut app, KeyCode::Enter);
    let g = app.session(&d).and_then(|s| s.pending).unwrap();
    let fx = app.update(Msg::Checked {
        generation: g,
        purpose: Purpose::Refresh,
        results: vec![checked(unanswered(), app.state(&d))],
    });
    assert!(fx.is_empty(), "nothing recorded: {fx:?}");
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("Checked 15 days ago; DNS did not answer"), "{screen}");
    assert!(screen.contains("15d ago (old)"), "{screen}");
    assert!(screen.contains("What follows is from that check."), "{screen}");
    insta::assert_snapshot!("old_facts_domain", at_three(&app));
    // Back online: the fresh result replaces the old facts.
    key(&mut app, KeyCode::Char('r'));
    let g = app.session(&d).and_then(|s| s.pending).unwrap();
    let mut ev = healthy_ev("testing");
    ev.policy.status = Some(404);
    app.update(Msg::Checked {
        generation: g,
        purpose: Purpose::Refresh,
        results: vec![checked(ev, app.state(&d))],
    });
    let screen = draw(&app, 80, 24);
    assert!(!screen.contains("Last checked") && screen.contains("checked now"), "{screen}");
}

/// A check whose resolver answered nothing.
fn unanswered() -> Evidence {
    let mut ev = healthy_ev("testing");
    ev.mx = Lookup::Timeout;
    ev.sts_record.records = Lookup::Timeout;
    ev.tlsrpt_record.records = Lookup::Error("connection refused".into());
    ev.policy_host_addresses = Lookup::ServFail;
    ev
}

#[test]
fn the_spinner_names_what_the_check_waits_for() {
    let mut app = domain_app(state(Phase::Preflight, 0, None), None);
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE)));
    let d = dn("example.com");
    let g = app.session(&d).and_then(|s| s.pending).unwrap();
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("waiting for DNS"), "{screen}");
    assert!(!screen.contains("STARTTLS…"), "{screen}");
    app.update(Msg::CheckStage { generation: g, domain: d.clone(), stage: ProbeStage::Servers });
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("STARTTLS and HTTPS"), "{screen}");
    app.update(Msg::CheckStage { generation: g + 1, domain: d, stage: ProbeStage::Dns });
    assert!(draw(&app, 80, 24).contains("STARTTLS and HTTPS"), "another generation's stage is ignored");
    insta::assert_snapshot!("spinner_servers", at_three(&app));
}

#[test]
fn an_unanswered_check_says_dns_did_not_answer() {
    let mut app = domain_app(state(Phase::Preflight, 0, None), None);
    let fx = key(&mut app, KeyCode::Char('r'));
    let Some(Effect::RunCheck { generation, .. }) = fx.iter().find(|e| matches!(e, Effect::RunCheck { .. }))
    else {
        panic!("{fx:?}")
    };
    let fx = app.update(Msg::Checked {
        generation: *generation,
        purpose: Purpose::Refresh,
        results: vec![checked(unanswered(), None)],
    });
    assert!(fx.is_empty(), "an unanswered check is recorded nowhere: {fx:?}");
    assert!(app.checked(&dn("example.com")).is_none());
    let screen = draw(&app, 120, 40);
    assert!(screen.contains("example.com: DNS did not answer — check the network or --resolver"), "{screen}");
    insta::assert_snapshot!("offline_check", at_three(&app));
}
