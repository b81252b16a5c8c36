//! `App::update`: keys → effects, prompts validate, stale results are dropped.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{App, ConfirmKind, Effect, Msg, Op, OpOutcome, Overlay, PromptKind, Purpose, Screen};
use super::fixtures::{app_with, checked, dn, healthy_ev, state};
use crate::ops::Advanced;
use mtasts_core::rollout::{Blocked, Blocker, BlockerKind, HostingPath, Phase};

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(k: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(k, KeyModifiers::NONE))
}

fn typed(app: &mut App, s: &str) {
    for c in s.chars() {
        app.update(key(c));
    }
}

fn check_gen(fx: &[Effect]) -> (u64, Purpose) {
    fx.iter()
        .find_map(|e| match e {
            Effect::RunCheck { generation, purpose, .. } => Some((*generation, *purpose)),
            _ => None,
        })
        .expect("a RunCheck effect")
}

#[test]
fn q_quits_home_and_ctrl_c_quits_from_a_prompt() {
    let mut app = app_with(vec![]);
    assert!(matches!(app.update(key('q')).as_slice(), [Effect::Quit]));
    app.update(key('a'));
    assert!(matches!(app.overlay, Some(Overlay::Prompt(_))));
    let fx = app.update(Msg::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)));
    assert!(matches!(fx.as_slice(), [Effect::Quit]));
}

#[test]
fn add_prompt_validates_as_typed_then_looks_the_domain_up() {
    let mut app = app_with(vec![state(Phase::Records, 1, None)]);
    app.update(key('a'));
    typed(&mut app, "example.com");
    let Some(Overlay::Prompt(p)) = &app.overlay else { panic!("no prompt") };
    assert_eq!(p.error.as_deref(), Some("example.com is already tracked"));
    for _ in 0..3 {
        app.update(code(KeyCode::Backspace));
    }
    typed(&mut app, "org");
    let Some(Overlay::Prompt(p)) = &app.overlay else { panic!("no prompt") };
    assert_eq!((p.kind, p.value(), p.error.as_deref()), (PromptKind::AddDomain, "example.org", None));
    let fx = app.update(code(KeyCode::Enter));
    let Some(Effect::RunCheck { domains, purpose, .. }) = fx.first() else { panic!("{fx:?}") };
    assert_eq!((domains.clone(), *purpose), (vec![dn("example.org")], Purpose::AddPreview));
    assert!(app.overlay.is_none());
}

#[test]
fn add_prompt_rejects_an_ip_address_and_keeps_the_prompt_open() {
    let mut app = app_with(vec![]);
    app.update(key('a'));
    typed(&mut app, "192.0.2.1");
    assert!(app.update(code(KeyCode::Enter)).is_empty());
    let Some(Overlay::Prompt(p)) = &app.overlay else { panic!("prompt closed") };
    assert!(p.error.is_some());
}

#[test]
fn preview_result_asks_to_confirm_with_the_mx_hosts_and_yes_adds() {
    let mut app = app_with(vec![]);
    app.update(key('a'));
    typed(&mut app, "example.com");
    let (g, purpose) = check_gen(&app.update(code(KeyCode::Enter)));
    app.update(Msg::Checked { generation: g, purpose, results: vec![checked(healthy_ev("testing"), None)] });
    let Some(Overlay::Confirm(c)) = &app.overlay else { panic!("no confirmation") };
    assert!(c.lines.iter().any(|l| l.contains("mx2.example.com")), "{:?}", c.lines);
    assert!(matches!(c.kind, ConfirmKind::Add(_)));
    let fx = app.update(key('y'));
    assert!(matches!(fx.as_slice(), [Effect::Op(Op::Add(c, _))] if c.domain == dn("example.com")));
}

#[test]
fn enter_opens_the_selected_domain_and_checks_it() {
    let mut app = app_with(vec![state(Phase::Testing, 12, None)]);
    let fx = app.update(code(KeyCode::Enter));
    assert!(matches!(&app.screen, Screen::Domain(v) if v.viewing == Phase::Testing));
    assert_eq!(check_gen(&fx).1, Purpose::Refresh);
    assert!(app.busy());
}

#[test]
fn stale_generations_are_dropped_and_the_newest_is_recorded() {
    let mut app = app_with(vec![state(Phase::Testing, 12, None)]);
    let (g1, p) = check_gen(&app.update(key('r')));
    let (g2, _) = check_gen(&app.update(key('r')));
    assert!(g2 > g1);
    let res = || vec![checked(healthy_ev("testing"), None)];
    assert!(app.update(Msg::Checked { generation: g1, purpose: p, results: res() }).is_empty());
    assert!(app.checked(&dn("example.com")).is_none());
    let fx = app.update(Msg::Checked { generation: g2, purpose: p, results: res() });
    assert!(matches!(fx.as_slice(), [Effect::Op(Op::Record(_))]));
    assert!(app.checked(&dn("example.com")).is_some() && !app.busy());
}

#[test]
fn results_for_a_domain_the_user_left_are_dropped() {
    let mut app = app_with(vec![state(Phase::Testing, 12, None)]);
    let (g, p) = check_gen(&app.update(code(KeyCode::Enter)));
    app.update(code(KeyCode::Esc));
    assert_eq!(app.screen, Screen::Home);
    let fx = app.update(Msg::Checked {
        generation: g,
        purpose: p,
        results: vec![checked(healthy_ev("testing"), None)],
    });
    assert!(fx.is_empty() && app.checked(&dn("example.com")).is_none());
}

#[test]
fn overridable_blockers_ask_for_an_acknowledgement_that_must_not_be_empty() {
    let s = state(Phase::Testing, 12, None);
    let mut app = app_with(vec![s.clone()]);
    app.update(code(KeyCode::Enter));
    let blocked = Blocked {
        domain: s.domain.clone(),
        phase: Phase::Testing,
        blockers: vec![Blocker::soft(BlockerKind::WindowIncomplete, "testing day 13 of 30")],
    };
    let adv = Advanced { state: s, transition: None, blocked: Some(blocked) };
    app.update(Msg::OpDone(Ok(OpOutcome::Advanced(Box::new(adv)))));
    let Some(Overlay::Prompt(p)) = &app.overlay else { panic!("no ack prompt") };
    assert_eq!(p.kind, PromptKind::Ack);
    assert!(p.context[0].contains("testing day 13 of 30"));
    assert!(app.update(code(KeyCode::Enter)).is_empty());
    typed(&mut app, "reports look clean");
    let fx = app.update(code(KeyCode::Enter));
    assert!(
        matches!(fx.as_slice(), [Effect::Op(Op::Advance { ack: Some(a), checked: None, .. })] if a == "reports look clean")
    );
}

#[test]
fn remove_asks_first() {
    let mut app = app_with(vec![state(Phase::Records, 1, None)]);
    assert!(app.update(key('d')).is_empty());
    assert!(app.update(key('n')).is_empty());
    app.update(key('d'));
    let fx = app.update(key('y'));
    assert!(matches!(fx.as_slice(), [Effect::Op(Op::Remove(d))] if d == &dn("example.com")));
}

#[test]
fn time_keys_only_in_the_demo() {
    let mut app = app_with(vec![]);
    let before = app.now;
    assert!(app.update(key('T')).is_empty());
    app.demo = Some(super::DemoInfo { state_dir: "/tmp".into(), domains: vec![] });
    let fx = app.update(key('W'));
    assert!(matches!(fx.as_slice(), [Effect::ShiftClock(d)] if d.as_hours() == 24 * 7));
    assert_eq!(app.now.as_second() - before.as_second(), 7 * 86_400);
}

#[test]
fn rua_prompt_rejects_bad_uris_and_saves_good_ones() {
    let mut app = app_with(vec![state(Phase::Records, 1, None)]);
    app.update(code(KeyCode::Enter));
    app.update(key('e'));
    for _ in 0..40 {
        app.update(code(KeyCode::Backspace));
    }
    typed(&mut app, "ftp://x");
    let Some(Overlay::Prompt(p)) = &app.overlay else { panic!("no prompt") };
    assert!(p.error.is_some());
    for _ in 0..7 {
        app.update(code(KeyCode::Backspace));
    }
    typed(&mut app, "mailto:reports@example.net");
    let fx = app.update(code(KeyCode::Enter));
    assert!(
        matches!(fx.as_slice(), [Effect::Op(Op::SetRua(_, r))] if r[0].as_str() == "mailto:reports@example.net")
    );
}

#[test]
fn hosting_keys_choose_a_path_and_copy_its_snippet() {
    let mut s = state(Phase::Hosting, 1, None);
    s.plan.hosting = None;
    let mut app = app_with(vec![s.clone()]);
    app.update(code(KeyCode::Enter));
    assert!(app.update(key('c')).is_empty() && app.status.is_none(), "c is not offered before a path");
    let fx = app.update(key('2'));
    assert!(matches!(fx.as_slice(), [Effect::Op(Op::SetHosting(_, HostingPath::Apache))]));
    s.plan.hosting = Some(HostingPath::Apache);
    app.update(Msg::OpDone(Ok(OpOutcome::Saved(Box::new(s)))));
    let fx = app.update(key('c'));
    assert!(
        matches!(fx.as_slice(), [Effect::Copy(t)] if t.contains("VirtualHost") && t.contains("mta-sts.example.com"))
    );
}

#[test]
fn osc52_encodes_the_text() {
    assert_eq!(super::effects::osc52("hi"), "\x1b]52;c;aGk=\x07");
}

#[test]
fn a_writes_the_auditors_report_after_the_path_is_checked() {
    let mut app = app_with(vec![state(Phase::Testing, 1, None)]);
    app.update(code(KeyCode::Enter));
    app.update(key('A'));
    let Some(Overlay::Prompt(p)) = &app.overlay else { panic!("no prompt") };
    assert_eq!(p.kind, PromptKind::AuditPath);
    let typed_path = p.input.value().to_owned();
    assert!(typed_path.ends_with(".html"), "{typed_path}");
    let fx = app.update(code(KeyCode::Enter));
    assert!(fx.iter().any(|e| matches!(e, Effect::InspectPath { submit: true, .. })), "{fx:?}");
    let fx = app.update(Msg::PathInspected {
        typed: typed_path.clone(),
        verdict: Ok("a new file".into()),
        submit: true,
    });
    assert!(
        matches!(fx.as_slice(), [Effect::WriteAudit { domain, path }]
            if domain.as_str() == "example.com" && path.to_str() == Some(typed_path.as_str())),
        "{fx:?}"
    );
}
