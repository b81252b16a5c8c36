//! Every screen at 60×20, 80×24, 120×40 and 200×50, scrolled to the end (End): the last line of its
//! content is on screen (the last external tester, the last line of each snippet, the last
//! route step), and nothing is left below.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{App, Msg, Pane, Screen};
use super::fixtures::{app_with, dn, domain_app, draw, healthy_ev, state};
use mtasts_core::rollout::{DomainState, HostingPath, Phase};

const SIZES: [(u16, u16); 4] = [(60, 20), (80, 24), (120, 40), (200, 50)];
/// The last line of the daily-check snippet the enforce screens end with.
const LAST_TIMER_LINE: &str = "WantedBy=timers.target";

fn with_path(phase: Phase, path: HostingPath) -> DomainState {
    let mut s = state(phase, 0, None);
    s.plan.hosting = Some(path);
    s
}

/// Draws `app` at every size after End, checks that each of `last` (short ends of the
/// content) is on screen and that nothing is left below, and snapshots the three screens.
fn at_the_end(name: &str, app: &App, last: &[&str]) {
    let mut out = String::new();
    for (w, h) in SIZES {
        let mut a = app.clone();
        draw(&a, w, h);
        a.update(Msg::Key(KeyEvent::new(KeyCode::End, KeyModifiers::NONE)));
        let screen = draw(&a, w, h);
        for needle in last {
            assert!(screen.contains(needle), "{name} at {w}×{h}: {needle:?} is not on screen:\n{screen}");
        }
        assert!(!screen.contains(" more line"), "{name} at {w}×{h}: End left lines below:\n{screen}");
        out.push_str(&format!("── {w}×{h} ──\n{screen}"));
    }
    insta::assert_snapshot!(name, out);
}

#[test]
fn home_at_every_size() {
    let ev = healthy_ev("testing");
    let app = app_with(vec![
        state(Phase::Testing, 11, Some(&ev)),
        DomainState { domain: dn("example.org"), ..state(Phase::Records, 1, None) },
    ]);
    at_the_end("home", &app, &["example.org"]);
}

#[test]
fn preflight_at_every_size() {
    let ev = healthy_ev("testing");
    at_the_end("preflight", &domain_app(state(Phase::Preflight, 0, None), Some(ev)), &["rollout."]);
}

#[test]
fn records_at_every_size() {
    let mut ev = healthy_ev("testing");
    ev.dnssec_chain = Some(mtasts_core::evidence::DnssecChain::counted(
        mtasts_core::evidence::Lookup::Found(2),
        mtasts_core::evidence::Lookup::NoData,
        mtasts_core::evidence::DnssecProof::Insecure,
    ));
    at_the_end("records", &domain_app(state(Phase::Records, 0, None), Some(ev)), &["secure"]);
}

#[test]
fn hosting_nginx_at_every_size() {
    at_the_end(
        "hosting_nginx",
        &domain_app(with_path(Phase::Hosting, HostingPath::Nginx), None),
        &["re-checks"],
    );
}

#[test]
fn hosting_worker_at_every_size() {
    at_the_end(
        "hosting_worker",
        &domain_app(with_path(Phase::Hosting, HostingPath::Worker), None),
        &["re-checks", "D writes"],
    );
}

#[test]
fn validation_at_every_size() {
    let ev = healthy_ev("testing");
    at_the_end("validation", &domain_app(state(Phase::Validation, 0, None), Some(ev)), &["dmarcian"]);
}

#[test]
fn testing_at_every_size() {
    let ev = healthy_ev("testing");
    at_the_end("testing", &domain_app(state(Phase::Testing, 11, Some(&ev)), Some(ev)), &["newest first"]);
}

#[test]
fn enforce_at_every_size() {
    let ev = healthy_ev("testing");
    at_the_end("enforce", &domain_app(state(Phase::Enforce, 0, Some(&ev)), Some(ev)), &[LAST_TIMER_LINE]);
}

#[test]
fn enforced_at_every_size() {
    let ev = healthy_ev("enforce");
    at_the_end("enforced", &domain_app(state(Phase::Enforced, 3, Some(&ev)), Some(ev)), &[LAST_TIMER_LINE]);
}

#[test]
fn rollback_at_every_size() {
    let ev = healthy_ev("enforce");
    let mut s = state(Phase::Enforced, 30, Some(&ev));
    s.phase = Phase::Rollback;
    at_the_end("rollback", &domain_app(s, Some(ev)), &[LAST_TIMER_LINE]);
}

#[test]
fn reports_pane_at_every_size() {
    let ev = healthy_ev("testing");
    let mut app = domain_app(state(Phase::Testing, 11, Some(&ev)), Some(ev));
    app.update(super::tests_reports::loaded(12));
    if let Screen::Domain(v) = &mut app.screen {
        v.pane = Pane::Reports;
    }
    at_the_end("reports_pane", &app, &["charts"]);
}

#[test]
fn the_help_lists_every_key_even_at_60x20() {
    let mut app = domain_app(with_path(Phase::Hosting, HostingPath::Nginx), None);
    draw(&app, 60, 20);
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char('?'), KeyModifiers::NONE)));
    let mut out = String::new();
    for (w, h) in SIZES {
        let screen = draw(&app, w, h);
        for (k, _) in super::hints::keys(&app) {
            assert!(screen.contains(&format!(" {k} ")), "{w}×{h}: key {k} missing from the help:\n{screen}");
        }
        out.push_str(&format!("── {w}×{h} ──\n{screen}"));
    }
    insta::assert_snapshot!("help_hosting", out);
}
