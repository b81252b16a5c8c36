//! The wizard walks the real rollout: status derived at draw time (a finished window, a
//! re-check after the clock moved, the header agreeing with the gate), keys rather than
//! commands, every phase open for looking, typed MX hosts, and no raw enum name on screen.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{App, Effect, Msg, Op, Overlay, Purpose, Screen};
use super::fixtures::{app_with, checked, checked_at, dn, domain_app, draw, healthy_ev, state, ts};
use mtasts_core::evidence::Lookup;
use mtasts_core::rollout::{BlockerKind, Phase, evaluate};

fn key(app: &mut App, c: char) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)))
}

fn enter(app: &mut App) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)))
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, c);
    }
}

/// `a`, the domain, Enter: the check the wizard starts before asking for MX hosts.
fn start_adding(app: &mut App, domain: &str) -> (u64, Purpose) {
    key(app, 'a');
    typed(app, domain);
    check_of(&enter(app))
}

fn check_of(fx: &[Effect]) -> (u64, Purpose) {
    match fx.iter().find(|e| matches!(e, Effect::RunCheck { .. })) {
        Some(Effect::RunCheck { generation, purpose, .. }) => (*generation, *purpose),
        _ => panic!("no check in {fx:?}"),
    }
}

#[test]
fn a_finished_window_says_when_it_ended() {
    let ev = healthy_ev("testing");
    let s = state(Phase::Testing, 47, Some(&ev));
    let screen = draw(&domain_app(s.clone(), Some(ev)), 80, 24);
    assert!(screen.contains("window ended 17 days ago"), "{screen}");
    assert!(!screen.contains("days remaining"), "{screen}");
    insta::assert_snapshot!("finished_window", screen);
    let home = draw(&app_with(vec![s]), 80, 24);
    assert!(home.contains("ended 17 days ago") && !home.contains("30/30"), "{home}");
}

#[test]
fn a_recheck_after_the_clock_moved_drops_the_window_blocker() {
    let ev = healthy_ev("testing");
    let s = state(Phase::Testing, 11, Some(&ev));
    let mut app = domain_app(s.clone(), Some(ev.clone()));
    let before = draw(&app, 80, 24);
    assert!(before.contains("testing day 12 of 30"), "{before}");
    let later = ts(25);
    app.update(Msg::Tick(later));
    let (g, p) = check_of(&key(&mut app, 'r'));
    app.update(Msg::Checked { generation: g, purpose: p, results: vec![checked_at(ev, Some(&s), later)] });
    let screen = draw(&app, 80, 24);
    assert!(!screen.contains("testing day"), "no blocker outlives its cause:\n{screen}");
    assert!(screen.contains("window ended 6 days ago"), "{screen}");
    let obs = app.checked(&dn("example.com")).map(|c| &c.observation);
    let gate = evaluate(&s, obs, None, later);
    assert!(gate.blockers.iter().all(|b| b.kind != BlockerKind::WindowIncomplete));
    insta::assert_snapshot!("recheck_after_the_clock_moved", screen);
}

#[test]
fn the_header_agrees_with_the_gate() {
    // Records are live, the policy is not served yet: the check fails, the records gate is open.
    let mut ev = healthy_ev("testing");
    ev.policy.status = Some(404);
    let s = state(Phase::Records, 0, Some(&ev));
    let c = checked(ev.clone(), Some(&s));
    assert_eq!(c.judgement.verdict, mtasts_core::finding::Verdict::Fail);
    let screen = draw(&domain_app(s, Some(ev)), 80, 24);
    assert!(screen.contains("gate ✓ open"), "{screen}");
    assert!(screen.contains("gate open: n moves on"), "{screen}");
    assert!(!screen.contains("fail"), "{screen}");
    insta::assert_snapshot!("header_agrees_with_the_gate", screen);
}

#[test]
fn next_steps_name_keys_and_never_cli_commands() {
    let ev = healthy_ev("testing");
    for (phase, days) in
        [(Phase::Testing, 11), (Phase::Records, 0), (Phase::Hosting, 0), (Phase::Preflight, 0)]
    {
        for e in [None, Some(ev.clone())] {
            let app = domain_app(state(phase, days, e.as_ref()), e.clone());
            let screen = draw(&app, 100, 40);
            for cmd in ["check", "advance", "reports", "plan", "remove", "generate", "resume", "retire"] {
                assert!(!screen.contains(&format!("mtasts {cmd}")), "{phase}: {screen}");
            }
            assert!(screen.contains("next:"), "{screen}");
        }
    }
    let app = domain_app(state(Phase::Testing, 11, None), None);
    assert!(draw(&app, 100, 40).contains("Run a check: press r"));
    let home = draw(&app_with(vec![state(Phase::Records, 0, None)]), 100, 24);
    assert!(home.contains("press r") && !home.contains("mtasts check"), "{home}");
}

#[test]
fn every_phase_screen_opens_whatever_the_gate_says() {
    let mut app = domain_app(state(Phase::Preflight, 0, None), None);
    for _ in 0..6 {
        key(&mut app, 'l');
    }
    assert!(matches!(&app.screen, Screen::Domain(v) if v.viewing == Phase::Enforced));
    key(&mut app, 'h');
    key(&mut app, 'h');
    key(&mut app, 'h');
    key(&mut app, 'h');
    assert!(matches!(&app.screen, Screen::Domain(v) if v.viewing == Phase::Hosting));
    key(&mut app, '1');
    let fx = key(&mut app, '2');
    assert!(matches!(
        fx.as_slice(),
        [Effect::Op(Op::SetHosting(_, mtasts_core::rollout::HostingPath::Apache))]
    ));
    let mut s = state(Phase::Preflight, 0, None);
    s.plan.hosting = Some(mtasts_core::rollout::HostingPath::Nginx);
    let mut app = domain_app(s, None);
    if let Screen::Domain(v) = &mut app.screen {
        v.viewing = Phase::Hosting;
    }
    assert!(matches!(key(&mut app, 'c').as_slice(), [Effect::Copy(t)] if t.contains("mta-sts")));
    key(&mut app, 'w');
    assert!(
        matches!(&app.overlay, Some(Overlay::Prompt(p)) if p.value().ends_with(".conf")),
        "{:?}",
        app.overlay
    );
}

#[test]
fn adding_asks_for_mx_hosts_and_says_why_dns_gave_none() {
    for (lookup, words) in [
        (Lookup::Timeout, "the DNS resolver did not answer"),
        (Lookup::NxDomain, "the domain does not exist (NXDOMAIN)"),
        (Lookup::NoData, "the domain has no MX records"),
        (Lookup::Error("connection refused".into()), "the DNS resolver did not answer"),
    ] {
        let mut app = app_with(vec![]);
        let (g, p) = start_adding(&mut app, "example.com");
        let mut ev = healthy_ev("testing");
        ev.mx = lookup;
        ev.sts_record.records = Lookup::NxDomain;
        ev.policy.status = Some(404);
        app.update(Msg::Checked { generation: g, purpose: p, results: vec![checked(ev, None)] });
        let screen = draw(&app, 80, 24);
        assert!(screen.contains(words), "{words}:\n{screen}");
        let Some(Overlay::Prompt(prompt)) = &app.overlay else { panic!("no MX prompt:\n{screen}") };
        assert_eq!(prompt.value(), "");
        typed(&mut app, "mx1.example.com, mx2.example.com");
        let fx = enter(&mut app);
        let [Effect::Op(Op::Add(c, opts))] = fx.as_slice() else { panic!("{fx:?}") };
        assert_eq!(c.domain, dn("example.com"));
        let typed: Vec<String> = opts.mx.iter().map(ToString::to_string).collect();
        assert_eq!(typed, ["mx1.example.com", "mx2.example.com"]);
    }
}

#[test]
fn the_mx_prompt_is_prefilled_from_dns() {
    let mut app = app_with(vec![]);
    let (g, p) = start_adding(&mut app, "example.com");
    let mut ev = healthy_ev("testing");
    ev.sts_record.records = Lookup::NxDomain;
    ev.policy.status = Some(404);
    app.update(Msg::Checked { generation: g, purpose: p, results: vec![checked(ev, None)] });
    let Some(Overlay::Prompt(prompt)) = &app.overlay else { panic!("no MX prompt") };
    assert_eq!(prompt.value(), "mx1.example.com mx2.example.com");
    insta::assert_snapshot!("add_mx_prompt_prefilled", draw(&app, 80, 24));
}

#[test]
fn m_edits_the_planned_mx_hosts() {
    let mut app = domain_app(state(Phase::Records, 0, None), None);
    key(&mut app, 'm');
    let Some(Overlay::Prompt(p)) = &app.overlay else { panic!("no prompt") };
    assert_eq!(p.value(), "mx1.example.com mx2.example.com");
    typed(&mut app, " mx3.example.com");
    let fx = enter(&mut app);
    let [Effect::Op(Op::SetMx(d, mx, _))] = fx.as_slice() else { panic!("{fx:?}") };
    assert_eq!((d.as_str(), mx.len()), ("example.com", 3));
}

#[test]
fn rollback_offers_resume_at_once_and_remove_once_the_countdown_is_over() {
    let mut s = state(Phase::Enforced, 30, Some(&healthy_ev("enforce")));
    s = mtasts_core::rollout::plan_rollback(s, mtasts_core::judge::fixtures::now());
    let mut app = domain_app(s, Some(healthy_ev("enforce")));
    assert!(key(&mut app, 'x').is_empty() && app.overlay.is_none(), "x before the countdown is over");
    key(&mut app, 't');
    assert!(matches!(&app.overlay, Some(Overlay::Confirm(_))));
    let fx = key(&mut app, 'y');
    assert!(matches!(fx.as_slice(), [Effect::Op(Op::Resume(..))]), "{fx:?}");
    let (over, ev) = super::tests_places::countdown_over();
    let mut app = domain_app(over, Some(ev));
    key(&mut app, 'x');
    let fx = key(&mut app, 'y');
    assert!(matches!(fx.as_slice(), [Effect::Op(Op::Retire(..))]), "{fx:?}");
}

/// Raw enum names and Debug forms that must never reach a screen.
const LEAKS: [&str; 14] = [
    "NxDomain",
    "NoData",
    "ServFail",
    "Timeout",
    "NoRecords",
    "TlsEstablished",
    "StartTls",
    "Ehlo",
    "Some(",
    "None",
    "Ok(",
    "Err(",
    "Error(",
    "Lookup",
];

/// A Rust path (`Phase::Testing`), as opposed to an IPv6 address (`[::]:443`, `100::`).
fn has_rust_path(line: &str) -> bool {
    line.as_bytes().windows(3).any(|w| w[0].is_ascii_alphabetic() && &w[1..] == b"::")
        && line.split("::").skip(1).any(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
}

#[test]
fn no_snapshot_shows_a_raw_enum_name_or_debug_form() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = 0;
    for dir in ["src/tui/snapshots", "tests/snapshots"] {
        let Ok(read) = std::fs::read_dir(root.join(dir)) else { continue };
        for entry in read {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "snap") {
                continue;
            }
            files += 1;
            let text = std::fs::read_to_string(&path).unwrap();
            // The header (source, expression) is insta's, not the screen.
            let body = text.splitn(3, "---\n").nth(2).unwrap_or(&text);
            for line in body.lines() {
                for leak in LEAKS {
                    let whole = line.match_indices(leak).any(|(i, _)| {
                        let before = line[..i].chars().next_back();
                        let after = line[i + leak.len()..].chars().next();
                        !before.is_some_and(|c| c.is_alphanumeric())
                            && (leak.ends_with('(') || !after.is_some_and(|c| c.is_alphanumeric()))
                    });
                    assert!(!whole, "{}: {leak:?} on screen: {line}", path.display());
                }
                assert!(!has_rust_path(line), "{}: a Rust path on screen: {line}", path.display());
            }
        }
    }
    assert!(files >= 30, "only {files} snapshots found");
}

#[test]
fn the_leak_check_catches_what_it_should() {
    assert!(has_rust_path("MX lookup: Lookup::NxDomain"));
    assert!(!has_rust_path("listen [::]:443 ssl;"));
    assert!(!has_rust_path("AAAA 100:: ."));
}
