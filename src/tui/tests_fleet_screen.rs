//! The home screen with a fleet of 500 domains: the table, its summary, the filter, the urgency
//! order, marks, paging by what is on screen, and scripted sequences (filter then open, mark
//! then re-check or write).

use crossterm::event::KeyCode;

use super::app::{App, Effect, Msg, Overlay, Purpose, Screen};
use super::fixtures::{app_with, checked, dn, draw, healthy_ev, state, ts};
use super::tests_places::{SIZES, press};
use mtasts_core::finding::{Code, Verdict};
use mtasts_core::rollout::{DomainState, HostingPath, Phase};

/// `n` domains `client1.example` … in a spread of phases and check results: passing, failing,
/// mail refused, never checked, old, windows ending this week, certificates expiring, path C.
pub(super) fn fleet_states(n: usize) -> Vec<DomainState> {
    let testing = state(Phase::Testing, 11, Some(&healthy_ev("testing")));
    let enforced = state(Phase::Enforced, 40, Some(&healthy_ev("enforce")));
    let pass = enforced.last_observation.clone().unwrap();
    let mut failing = pass.clone();
    failing.verdict = Verdict::Fail;
    failing.error_codes = vec![Code::MxUnreachable];
    let mut refused = failing.clone();
    refused.mx_results[0].starttls_ok = false;
    let mut expiring = pass.clone();
    expiring.mx_results[1].not_after = Some(ts(5));
    let mut old = testing.last_observation.clone().unwrap();
    old.at = ts(-2);
    let mut worker = state(Phase::Hosting, 2, None);
    worker.plan.hosting = Some(HostingPath::WorkerMulti);
    let templates = [
        testing.clone(),
        state(Phase::Records, 1, None),
        enforced.clone(),
        DomainState { last_observation: Some(failing), ..enforced.clone() },
        DomainState { last_observation: Some(refused), ..enforced.clone() },
        DomainState { last_observation: Some(old), ..testing.clone() },
        state(Phase::Testing, 25, Some(&healthy_ev("testing"))),
        worker,
        DomainState { last_observation: Some(expiring), ..enforced },
        state(Phase::Preflight, 0, None),
    ];
    (1..=n)
        .map(|i| {
            let t = &templates[(i * 7) % templates.len()];
            DomainState { domain: dn(&format!("client{i}.example")), ..t.clone() }
        })
        .collect()
}

pub(super) fn fleet_app(n: usize) -> App {
    app_with(fleet_states(n))
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn at_sizes(app: &App) -> String {
    let mut out = String::new();
    for (w, h) in SIZES {
        out.push_str(&format!("── {w}×{h} ──\n{}", draw(app, w, h)));
    }
    out
}

/// The table's rows as drawn: the domain names, top to bottom.
fn names_on_screen(app: &App, w: u16, h: u16) -> Vec<String> {
    draw(app, w, h)
        .lines()
        .filter(|l| l.starts_with(' ') || l.starts_with('▶'))
        .filter_map(|l| {
            let rest: String = l.chars().skip(3).collect();
            rest.split_whitespace().next().filter(|n| n.starts_with("client")).map(str::to_owned)
        })
        .collect()
}

#[test]
fn five_hundred_domains_one_row_each_in_natural_order_with_a_summary() {
    let app = fleet_app(500);
    let rows = names_on_screen(&app, 80, 24);
    assert!(rows.len() >= 12, "{rows:?}");
    assert_eq!(rows[..4], ["client1.example", "client2.example", "client3.example", "client4.example"]);
    let s = &app.fleet.summary;
    assert_eq!(s.total, 500);
    assert_eq!(s.phases.iter().map(|(_, n)| n).sum::<usize>(), 500);
    assert_eq!((s.refused, s.ending, s.expiring, s.expired), (50, 50, 50, 0));
    insta::assert_snapshot!("fleet_500", at_sizes(&app));
}

#[test]
fn pgdn_shows_every_domain_once_in_order_and_pgup_reads_it_back() {
    let want: Vec<String> = (1..=500).map(|i| format!("client{i}.example")).collect();
    for (w, h) in SIZES {
        let mut app = fleet_app(500);
        let mut seen: Vec<String> = Vec::new();
        let mut pages = 0;
        loop {
            let rows = names_on_screen(&app, w, h);
            let page = usize::from(app.fleet.page.get());
            assert_eq!(rows.len(), page, "{w}×{h}: a page is what is on screen");
            let at = app.fleet.top.get();
            assert_eq!(rows[..], want[at..at + page], "{w}×{h}: page at {at}");
            seen.truncate(at);
            seen.extend(rows);
            pages += 1;
            if at + page == want.len() {
                break;
            }
            assert_eq!(at, (pages - 1) * page, "{w}×{h}: PgDn moves by exactly a page");
            press(&mut app, KeyCode::PageDown);
        }
        assert_eq!(seen, want, "{w}×{h}: PgDn skipped or repeated rows");
        press(&mut app, KeyCode::PageDown);
        assert_eq!(app.selected, 499, "{w}×{h}: PgDn on the last page selects the last row");
        while app.fleet.top.get() > 0 {
            let before = app.fleet.top.get();
            press(&mut app, KeyCode::PageUp);
            draw(&app, w, h);
            assert_eq!(app.fleet.top.get(), before.saturating_sub(usize::from(app.fleet.page.get())));
        }
        press(&mut app, KeyCode::End);
        draw(&app, w, h);
        assert_eq!(names_on_screen(&app, w, h).last().map(String::as_str), Some("client500.example"));
        press(&mut app, KeyCode::Char('g'));
        assert_eq!((app.selected, app.fleet.top.get()), (0, 0));
        press(&mut app, KeyCode::Char('G'));
        assert_eq!(app.selected, 499);
        press(&mut app, KeyCode::Home);
        assert_eq!(app.selected, 0);
    }
}

#[test]
fn the_filter_narrows_as_typed_and_enter_then_opens_the_first_match() {
    let mut app = fleet_app(500);
    draw(&app, 80, 24);
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "client12");
    assert!(app.fleet.typing);
    assert_eq!(app.fleet.rows.len(), 11, "client12 and client120…129");
    let typing = draw(&app, 80, 24);
    press(&mut app, KeyCode::Enter);
    assert!(!app.fleet.typing);
    let kept = draw(&app, 80, 24);
    insta::assert_snapshot!("fleet_filter_typed_and_kept", format!("{typing}── enter ──\n{kept}"));
    let fx = app.update(Msg::Key(crossterm::event::KeyEvent::from(KeyCode::Enter)));
    assert!(
        matches!(&app.screen, Screen::Domain(v) if v.domain == dn("client12.example")),
        "{:?}",
        app.screen
    );
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::RunCheck { domains, .. } if domains == &[dn("client12.example")]))
    );
}

#[test]
fn the_filter_takes_phases_and_facts_and_esc_clears_it() {
    let mut app = fleet_app(500);
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "phase:testing");
    press(&mut app, KeyCode::Enter);
    let testing = app.fleet.rows.len();
    assert_eq!(testing, app.fleet.summary.phases.iter().find(|(p, _)| *p == Phase::Testing).unwrap().1);
    let mut out = format!("── /phase:testing ──\n{}", draw(&app, 60, 20));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.fleet.rows.len(), 500, "esc shows everything again");
    assert!(!matches!(app.update(Msg::Key(KeyCode::Esc.into()))[..], []), "then esc quits");
    let mut app = fleet_app(500);
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "refused");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.fleet.rows.len(), 50);
    out.push_str(&format!("── /refused ──\n{}", draw(&app, 60, 20)));
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, " x");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.fleet.filter.value(), "refused", "esc while typing puts the filter back");
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, " phase:nope");
    out.push_str(&format!("── /phase:nope ──\n{}", draw(&app, 60, 20)));
    insta::assert_snapshot!("fleet_filter_phase_refused_error", out);
}

#[test]
fn s_sorts_by_urgency_refused_mail_first_and_back() {
    let mut app = fleet_app(500);
    press(&mut app, KeyCode::Char('s'));
    assert_eq!(app.fleet.sort, super::fleet::SortBy::Urgency);
    let first = names_on_screen(&app, 80, 24);
    let refused = |name: &str| {
        let d = dn(name);
        app.emergency(&d).is_some()
    };
    assert!(first.iter().all(|n| refused(n)), "{first:?}");
    insta::assert_snapshot!("fleet_urgency", at_sizes(&app));
    press(&mut app, KeyCode::Char('s'));
    assert_eq!(names_on_screen(&app, 80, 24)[0], "client1.example");
}

#[test]
fn marks_then_r_rechecks_the_marked_with_progress() {
    let mut app = fleet_app(500);
    for _ in 0..3 {
        press(&mut app, KeyCode::Char(' '));
    }
    assert_eq!(app.selected, 3, "space marks and moves on");
    assert_eq!(app.fleet.summary.marked, 3);
    let marked = [dn("client1.example"), dn("client2.example"), dn("client3.example")];
    let fx = app.update(Msg::Key(KeyCode::Char('r').into()));
    let run = fx.iter().find_map(|e| match e {
        Effect::RunCheck { domains, generation, purpose: Purpose::Refresh } => {
            Some((domains.clone(), *generation))
        }
        _ => None,
    });
    let (domains, generation) = run.expect("a check of the marked");
    assert_eq!(domains, marked);
    let s = app.state(&marked[0]).unwrap().clone();
    let one = super::app::Msg::Checked {
        generation,
        purpose: Purpose::Refresh,
        results: vec![checked(healthy_ev("testing"), Some(&s))]
            .into_iter()
            .map(|mut c| {
                c.domain = marked[0].clone();
                c
            })
            .collect(),
    };
    app.update(one);
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("checked 1 of 3"), "{screen}");
    insta::assert_snapshot!("fleet_marked_rechecking", screen);
}

#[test]
fn marks_then_w_writes_the_shared_worker_for_those_on_path_c() {
    let mut app = fleet_app(500);
    // client1 is on path C (one Worker for all), client2 and client3 are not.
    assert_eq!(app.state(&dn("client1.example")).unwrap().plan.hosting, Some(HostingPath::WorkerMulti));
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char('w'));
    assert!(matches!(app.overlay, Some(Overlay::FleetWrite(_))));
    let mut out = format!("── w ──\n{}", draw(&app, 80, 24));
    press(&mut app, KeyCode::Char('1'));
    out.push_str(&format!("── 1 ──\n{}", draw(&app, 80, 24)));
    insta::assert_snapshot!("fleet_write_menu", out);
    let fx = app.update(Msg::Key(KeyCode::Enter.into()));
    assert!(matches!(&fx[..], [Effect::InspectPath { .. }]), "the path is checked first: {fx:?}");
    let fx = app.update(Msg::PathInspected {
        typed: "./mta-sts-worker".into(),
        verdict: Ok("a new folder".into()),
        submit: true,
    });
    let [Effect::WriteFiles { dir, files }] = &fx[..] else { panic!("{fx:?}") };
    assert_eq!(dir.to_str(), Some("./mta-sts-worker"));
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["worker.js", "wrangler.jsonc"]);
    assert!(files[1].1.contains("mta-sts.client1.example"), "{}", files[1].1);
    assert!(!files[1].1.contains("client2.example"), "only those on path C");
}

#[test]
fn w_writes_one_zone_fragment_and_one_monitoring_unit_for_all_shown() {
    let mut app = fleet_app(30);
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "client2");
    press(&mut app, KeyCode::Enter);
    let shown = app.shown_domains();
    assert_eq!(shown.len(), 11);
    for (key, want) in [('2', "mta-sts-fleet.zone"), ('3', "mtasts-monitoring-fleet")] {
        press(&mut app, KeyCode::Char('w'));
        press(&mut app, KeyCode::Char(key));
        let Some(Overlay::Prompt(p)) = &app.overlay else { panic!("{:?}", app.overlay) };
        assert!(p.value().ends_with(want));
        let typed = p.value().to_owned();
        app.update(Msg::Key(KeyCode::Enter.into()));
        let fx = app.update(Msg::PathInspected { typed, verdict: Ok("new".into()), submit: true });
        match &fx[..] {
            [Effect::WriteFile { text, .. }] => {
                for d in &shown {
                    assert!(text.contains(&format!("_mta-sts.{d}. 3600 IN TXT")), "{d}: {text}");
                }
            }
            [Effect::WriteFiles { files, .. }] => {
                let list = &files[0].1;
                assert_eq!(list.lines().filter(|l| !l.starts_with('#')).count(), 11, "{list}");
                assert!(files[2].1.contains("--domain-file"));
            }
            other => panic!("{other:?}"),
        }
    }
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "client3");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('w'));
    press(&mut app, KeyCode::Char('1'));
    let Some(Overlay::FleetWrite(m)) = &app.overlay else { panic!("{:?}", app.overlay) };
    assert!(m.error.as_deref().is_some_and(|e| e.contains("path C")), "{m:?}");
}

#[test]
fn a_fleet_of_five_thousand_keeps_its_facts_out_of_the_frame() {
    let mut app = fleet_app(5000);
    assert_eq!(app.fleet.rows.len(), 5000);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char('*'));
    assert_eq!(app.fleet.summary.marked, 5000, "* marks every shown domain");
    press(&mut app, KeyCode::Char('*'));
    assert_eq!(app.fleet.summary.marked, 0, "and unmarks them when all are");
    let screen = draw(&app, 120, 40);
    assert!(screen.contains("5,000 tracked"), "{screen}");
}
