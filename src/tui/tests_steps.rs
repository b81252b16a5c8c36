//! The walkthrough's steps in the wizard: the `s_client` view on preflight, the `curl` view and
//! the ticked testers on validation, the TLS-RPT advice and the next review on the reports.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{App, Effect, Msg, Op};
use super::fixtures::{dn, domain_app, draw, healthy_ev, state};
use mtasts_core::rfc::RuaUri;
use mtasts_core::rollout::{BlockerKind, ChecklistEdit, Phase, Tester, evaluate};

fn key(app: &mut App, c: char) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)))
}

fn example(app: &App) -> &mtasts_core::rollout::DomainState {
    app.state(&dn("example.com")).unwrap()
}

#[test]
fn preflight_shows_what_s_client_would() {
    let ev = healthy_ev("testing");
    let app = domain_app(state(Phase::Preflight, 0, None), Some(ev));
    let screen = draw(&app, 80, 48);
    for want in ["0 s:CN=mx1.example.com", "i:CN=Test Root", "(60 days left)", "SAN mx2.example.com — names"]
    {
        assert!(screen.contains(want), "{want}\n{screen}");
    }
    insta::assert_snapshot!(screen);
    insta::assert_snapshot!("preflight_s_client_narrow", draw(&app, 60, 20));
}

#[test]
fn validation_shows_curl_and_saves_tester_ticks() {
    let ev = healthy_ev("testing");
    let s = state(Phase::Validation, 0, Some(&ev));
    let mut app = domain_app(s, Some(ev));
    let fx = key(&mut app, '1');
    let saved = |fx: &[Effect], t: Tester, on: bool| {
        fx.iter().any(|e| {
            matches!(e, Effect::Op(Op::Checklist(d, ChecklistEdit::Tester(x, o), _))
                if d == &dn("example.com") && *x == t && *o == on)
        })
    };
    assert!(saved(&fx, Tester::Hardenize, true), "{fx:?}");
    assert!(saved(&key(&mut app, '4'), Tester::Checktls, true));
    assert!(example(&app).walkthrough.ran(Tester::Checktls));
    let screen = draw(&app, 80, 60);
    for want in
        ["HTTP 200", "content-type: text/plain", "no redirect", "body equals the planned policy", "2 ticked"]
    {
        assert!(screen.contains(want), "{want}\n{screen}");
    }
    insta::assert_snapshot!(screen);
    assert!(saved(&key(&mut app, '4'), Tester::Checktls, false), "a second press unticks");
    assert!(!example(&app).walkthrough.ran(Tester::Checktls));
}

#[test]
fn validation_names_the_first_line_the_served_policy_differs() {
    let mut ev = healthy_ev("testing");
    ev.policy = mtasts_core::judge::fixtures::fetch(
        "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.com\r\nmx: mx2.example.com\r\nmax_age: 86400\r\n",
    );
    ev.policy.status = Some(301);
    ev.policy.location = Some("https://www.example.com/".into());
    let app = domain_app(state(Phase::Validation, 0, None), Some(ev));
    let screen = draw(&app, 80, 60);
    assert!(screen.contains("redirects to https://www.example.com/"), "{screen}");
    assert!(screen.contains("body differs at line 2"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn the_enforce_gate_wants_two_testers_or_an_acknowledgement() {
    let ev = healthy_ev("testing");
    let s = state(Phase::Testing, 31, Some(&ev));
    let kinds = |s: &mtasts_core::rollout::DomainState| {
        evaluate(s, s.last_observation.as_ref(), None, mtasts_core::judge::fixtures::now())
            .blockers
            .into_iter()
            .filter(|b| b.kind == BlockerKind::TestersNotRun)
            .map(|b| b.overridable)
            .collect::<Vec<_>>()
    };
    assert_eq!(kinds(&s), vec![true]);
    let now = mtasts_core::judge::fixtures::now();
    let s = mtasts_core::rollout::tick_tester(
        mtasts_core::rollout::tick_tester(s, Tester::Hardenize, now),
        Tester::Mxtoolbox,
        now,
    );
    assert_eq!(kinds(&s), Vec::<bool>::new());
}

#[test]
fn reports_pane_advises_on_rua_and_dates_the_next_review() {
    let ev = healthy_ev("testing");
    let mut s = state(Phase::Testing, 3, Some(&ev));
    s.plan.rua = vec![
        RuaUri::parse("mailto:tlsrpt@example.com").unwrap(),
        RuaUri::parse("https://reports.example.net/tlsrpt").unwrap(),
    ];
    let mut app = domain_app(s, Some(ev));
    key(&mut app, 'R');
    let screen = draw(&app, 80, 40);
    for want in ["(Microsoft among", "a reporting service"] {
        assert!(screen.contains(want), "{want}\n{screen}");
    }
    assert!(!screen.contains("next review"), "no reports to review, so no review is due:\n{screen}");
    insta::assert_snapshot!(screen);
    insta::assert_snapshot!("reports_rua_advice_narrow", draw(&app, 60, 20));
    app.update(super::tests_reports::loaded(0));
    let screen = draw(&app, 80, 40);
    let due = "next review of the reports is due 2026-12-03 (in 4 days)";
    assert!(screen.contains(due), "{screen}");
}

#[test]
fn opening_imported_reports_counts_as_a_review() {
    let ev = healthy_ev("testing");
    let mut app = domain_app(state(Phase::Testing, 3, Some(&ev)), Some(ev));
    app.update(super::tests_reports::loaded(0));
    let fx = key(&mut app, 'R');
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Op(Op::Checklist(_, ChecklistEdit::Reviewed, _)))),
        "{fx:?}"
    );
    assert_eq!(example(&app).walkthrough.reports_reviewed_at, Some(mtasts_core::judge::fixtures::now()));
}
