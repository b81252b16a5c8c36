//! A domain bouncing mail: red, and the certificate-emergency way out one key away from any
//! phase (and from home), with a confirmation that says what it does; at 60×20, 80×24 and
//! 120×40.

use crossterm::event::KeyCode;

use super::app::{ConfirmKind, Effect, Op, Overlay, Screen};
use super::fixtures::{app_with, checked, dn, domain_app, draw, healthy_ev, state};
use super::tests_lastmile::{at_three, key};
use mtasts_core::evidence::{CertVerdict, Evidence};
use mtasts_core::judge::fixtures::{days, now, probe, set_probe};
use mtasts_core::rollout::{DomainState, Phase, adopt, record_check};

fn bouncing_ev() -> Evidence {
    let mut ev = healthy_ev("enforce");
    let mut p = probe("mx1.example.com", 2);
    if let Some(tls) = &mut p.tls {
        tls.cert.verdict = CertVerdict::Expired;
        tls.cert.not_after = Some(days(-3));
    }
    set_probe(&mut ev, 0, p);
    ev
}

fn bouncing() -> (DomainState, Evidence) {
    let ev = bouncing_ev();
    let c = checked(ev.clone(), None);
    let s = record_check(adopt(dn("example.com"), &c.observation, now()), &c.observation);
    (s, ev)
}

#[test]
fn a_domain_bouncing_mail_is_red_and_b_stops_enforcing_from_any_phase() {
    let (s, ev) = bouncing();
    assert_eq!(s.phase, Phase::Preflight);
    let home = app_with(vec![s.clone()]);
    let screen = draw(&home, 80, 24);
    assert!(screen.contains("✗ now"), "a bounce is an error, not a wait:\n{screen}");
    assert!(screen.contains("press b"), "{screen}");
    assert!(screen.contains("b stop enforcing"), "{screen}");
    for phase in
        [Phase::Preflight, Phase::Records, Phase::Hosting, Phase::Validation, Phase::Testing, Phase::Enforce]
    {
        let mut app = domain_app(s.clone(), Some(ev.clone()));
        if let Screen::Domain(v) = &mut app.screen {
            v.viewing = phase;
        }
        let screen = draw(&app, 80, 24);
        assert!(screen.contains("b stop enforcing"), "{phase}: {screen}");
        assert!(
            screen.contains("✗ preflight") || screen.contains("✗ pre"),
            "{phase}: the rail is red: {screen}"
        );
        assert!(key(&mut app, KeyCode::Char('b')).is_empty());
        let Some(Overlay::Confirm(c)) = &app.overlay else { panic!("{phase}: no confirmation") };
        assert!(matches!(&c.kind, ConfirmKind::Rollback(d) if d.as_str() == "example.com"));
    }
    // The confirmation says exactly what it does; yes plans the rollback.
    let mut app = domain_app(s.clone(), Some(ev.clone()));
    key(&mut app, KeyCode::Char('b'));
    let screen = at_three(&app);
    for words in
        ["mx1.example.com (its certificate expired on", "mode: none with max_age 86400", "press t", "press x"]
    {
        assert!(draw(&app, 120, 40).contains(words), "{words}:\n{screen}");
    }
    insta::assert_snapshot!("emergency_confirmation", screen);
    let fx = key(&mut app, KeyCode::Char('y'));
    assert!(
        matches!(fx.as_slice(), [Effect::Op(Op::Rollback(d, _))] if d.as_str() == "example.com"),
        "{fx:?}"
    );
    // From the home screen too, which then opens the domain to show the steps.
    let mut home = app_with(vec![s]);
    key(&mut home, KeyCode::Char('b'));
    let fx = key(&mut home, KeyCode::Enter);
    assert!(matches!(fx.first(), Some(Effect::Op(Op::Rollback(..)))), "{fx:?}");
    assert!(matches!(home.screen, Screen::Domain(_)));
    insta::assert_snapshot!("emergency_home", at_three(&app_with(vec![bouncing().0])));
}

#[test]
fn a_healthy_enforced_domain_offers_no_emergency_and_b_keeps_its_meaning() {
    let ev = healthy_ev("enforce");
    let app = domain_app(state(Phase::Enforced, 3, Some(&ev)), Some(ev));
    assert!(!draw(&app, 120, 40).contains("stop enforcing"));
    let mut app = app;
    key(&mut app, KeyCode::Char('b'));
    let Some(Overlay::Confirm(c)) = &app.overlay else { panic!("no confirmation") };
    assert!(c.lines[0].starts_with("Roll back MTA-STS for example.com?"), "{:?}", c.lines);
}

#[test]
fn the_saved_results_of_an_expired_certificate_say_it_expired() {
    let (s, _) = bouncing();
    let app = domain_app(s, None);
    let screen = draw(&app, 80, 24);
    let row = screen.lines().find(|l| l.contains("mx1.example.com") && l.contains("STARTTLS"));
    let row = row.unwrap_or_else(|| panic!("no saved row:\n{screen}"));
    assert!(row.contains("✓ trusted  expired 3d ago"), "trust and expiry are separate facts: {row}");
}
