//! The wizard's last mile, each at 60×20, 80×24 and 120×40: what the demo and the hosting
//! choice say, facts that add up, the reports pane's numbers, the import note, and names from
//! a zone file. The shared helpers of `tests_emergency` and `tests_fresh` live here too.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{App, Effect, Msg, Op, Overlay, Pane, Purpose, Screen};
use super::fixtures::{app_with, checked, dn, domain_app, draw, healthy_ev, state, ts};
use mtasts_core::evidence::Lookup;
use mtasts_core::rollout::{Phase, record_check};

pub(super) const SIZES: [(u16, u16); 3] = [(60, 20), (80, 24), (120, 40)];

/// Draws `app` at the three sizes, one after the other.
pub(super) fn at_three(app: &App) -> String {
    let mut out = String::new();
    for (w, h) in SIZES {
        out.push_str(&format!("── {w}×{h} ──\n{}", draw(app, w, h)));
    }
    out
}

pub(super) fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

#[test]
fn the_demo_names_the_domains_to_rehearse_with_and_the_footer_names_the_arrows() {
    let demo = super::DemoInfo {
        state_dir: std::path::PathBuf::from("/tmp/x"),
        domains: vec!["example.com".into(), "fresh.example".into()],
    };
    let ev = healthy_ev("testing");
    let mut app = app_with(vec![state(Phase::Testing, 11, Some(&ev))]);
    app.demo = Some(demo);
    key(&mut app, KeyCode::Char('a'));
    let screen = at_three(&app);
    assert!(draw(&app, 80, 24).contains("Demo: rehearse with fresh.example"), "{screen}");
    assert!(!draw(&app, 120, 40).contains("with example.com"), "tracked ones are not offered");
    insta::assert_snapshot!("add_prompt_in_the_demo", screen);
    for (w, h) in SIZES {
        let app = domain_app(state(Phase::Testing, 11, Some(&ev)), Some(ev.clone()));
        assert!(draw(&app, w, h).contains("←→ phases"), "{w}×{h}: {}", draw(&app, w, h));
    }
}

#[test]
fn the_hosting_choice_shows_every_path_s_advice_while_choosing() {
    let mut s = state(Phase::Hosting, 0, None);
    s.plan.hosting = None;
    let app = domain_app(s, None);
    for (w, h) in SIZES {
        let mut a = app.clone();
        draw(&a, w, h);
        let mut seen = String::new();
        // Read the pane to its end a line at a time, collecting what it showed.
        for _ in 0..200 {
            seen.push_str(&draw(&a, w, h));
            key(&mut a, KeyCode::Down);
        }
        for words in ["you run nginx", "you run Caddy", "no web server", "many domains"] {
            assert!(seen.contains(words), "{w}×{h}: {words} never shown");
        }
    }
    insta::assert_snapshot!("hosting_choosing", at_three(&app));
}

#[test]
fn the_testing_screen_states_the_planned_max_age_and_days_that_add_up() {
    let mut ev = healthy_ev("testing");
    ev.policy = mtasts_core::judge::fixtures::fetch(&mtasts_core::judge::fixtures::body(
        "testing",
        &["mx1.example.com", "mx2.example.com"],
    ));
    let mut s = state(Phase::Testing, 20, None);
    s.plan.max_age = 604_800;
    let c = checked(ev.clone(), Some(&s));
    s = record_check(s, &c.observation);
    let app = domain_app(s, Some(ev));
    let screen = draw(&app, 120, 40);
    assert!(screen.contains("mode: testing, max_age 604800 (7 days)"), "{screen}");
    assert!(!screen.contains("86400"), "{screen}");
    assert!(screen.contains("day 21/30, 9 days left"), "21 + 9 = 30:\n{screen}");
    assert!(screen.contains("testing day 21 of 30, 9 days left"), "{screen}");
    insta::assert_snapshot!("testing_604800", at_three(&app));
}

#[test]
fn the_reports_pane_scales_both_rows_alike_separates_thousands_and_flags_future_reports() {
    let ev = healthy_ev("testing");
    let mut app = domain_app(state(Phase::Testing, 11, Some(&ev)), Some(ev));
    let mut r = super::tests_reports::loaded_reports(0);
    if let Some(s) = &mut r.summary {
        // About 4% of the sessions failed, every day: 3,251,855 ok and 135,494 failed.
        for (d, (ok, bad)) in
            s.days.iter_mut().zip([(1_200_000, 45_000), (1_051_855, 50_494), (1_000_000, 40_000)])
        {
            (d.successful, d.failed) = (ok, bad);
        }
        s.counts.successful = 3_251_855;
        s.counts.failed = 135_494;
        s.counts.by_type =
            [("certificate-expired".to_owned(), 135_000), ("sts-policy-fetch-error".to_owned(), 494)].into();
        s.counts.by_mx = [("mx2.example.com".to_owned(), 135_494)].into();
        let pair = |result_type: &str, sessions| mtasts_reports::MxFailure {
            mx: "mx2.example.com".to_owned(),
            result_type: result_type.to_owned(),
            sessions,
            ..Default::default()
        };
        s.counts.failures = vec![pair("certificate-expired", 135_000), pair("sts-policy-fetch-error", 494)];
        s.counts.policy_types = [("sts".to_owned(), 3_387_349)].into();
        s.counts.modes = [("testing".to_owned(), 3_387_349)].into();
        s.failure_rate = 135_494.0 / 3_387_349.0;
    }
    if let Some(t) = &mut r.tally {
        (t.reports, t.successful_sessions, t.failed_sessions) = (3, 3_251_855, 135_494);
    }
    r.ahead = Some(mtasts_reports::DatedAhead { reports: 3, latest: ts(9) });
    app.update(Msg::ReportsLoaded(Ok(vec![r])));
    if let Screen::Domain(v) = &mut app.screen {
        v.pane = Pane::Reports;
    }
    let screen = draw(&app, 120, 40);
    assert!(screen.contains("3,387,349") && screen.contains("135,494"), "{screen}");
    assert!(screen.contains("max 1,200,000/day") && screen.contains("max 50,494/day"), "{screen}");
    assert!(screen.contains("135,000") && screen.contains("3,387,349"), "{screen}");
    let failed_row = screen.lines().find(|l| l.contains("failed ·") || l.contains("failed ▂")).unwrap_or("");
    assert!(!failed_row.contains('█'), "4% failures are low bars:\n{screen}");
    assert!(screen.contains("3 reports are dated after now"), "{screen}");
    insta::assert_snapshot!("reports_thousands_and_future", at_three(&app));
}

#[test]
fn an_import_note_scrolls_and_says_whose_reports_came_in() {
    let ev = healthy_ev("testing");
    let mut app = domain_app(state(Phase::Testing, 11, Some(&ev)), Some(ev));
    key(&mut app, KeyCode::Char('i'));
    app.overlay = None;
    app.import = Some(super::app::ImportCounts { fetch: true, ..Default::default() });
    let mut c = super::app::ImportCounts { imported: 1204, fetch: true, ..Default::default() };
    c.lines = (0..12).map(|i| format!("message {i}: imported report r{i} (other.example)")).collect();
    c.count_domains(&["other.example".into()]);
    c.domains.insert("other.example".into(), 1200);
    c.domains.insert("third.example".into(), 4);
    app.update(Msg::Imported(Ok(c)));
    let screen = draw(&app, 60, 20);
    assert!(screen.contains("1,204 imported"), "{screen}");
    let Some(Overlay::Note { lines, .. }) = &app.overlay else { panic!("no note") };
    assert!(
        lines.iter().any(|l| l.contains("1,204 reports for domains not tracked here: other.example (1,200)")),
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l.contains("No new report is for example.com.")), "{lines:?}");
    insta::assert_snapshot!("import_note", at_three(&app));
    // At 60×20 the note does not fit: ↓ scrolls it to its end, and Esc closes it.
    assert!(screen.contains("esc close  ↓ 7 more · ↓↑ scroll"), "{screen}");
    assert!(!screen.contains("… and 1,192 more"), "{screen}");
    draw(&app, 60, 20);
    for _ in 0..30 {
        key(&mut app, KeyCode::Down);
    }
    let end = draw(&app, 60, 20);
    assert!(end.contains("… and 1,192 more"), "{end}");
    assert!(!end.contains("↓ "), "nothing left below:\n{end}");
    key(&mut app, KeyCode::Home);
    assert_eq!(draw(&app, 60, 20), screen, "home goes back to the top");
    key(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
}

#[test]
fn the_add_prompt_reads_a_zone_file_and_tracks_the_names_picked() {
    let mut app = app_with(vec![state(Phase::Testing, 11, Some(&healthy_ev("testing")))]);
    key(&mut app, KeyCode::Char('a'));
    assert!(draw(&app, 80, 24).contains("tab names from a file"), "{}", draw(&app, 80, 24));
    key(&mut app, KeyCode::Char('-'));
    key(&mut app, KeyCode::Tab);
    let Some(Overlay::Prompt(p)) = &app.overlay else { panic!("no prompt") };
    assert!(p.error.as_deref().is_some_and(|e| e.contains("type the zone's domain first")), "{:?}", p.error);
    key(&mut app, KeyCode::Backspace);
    for c in "example.com".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Tab);
    let Some(Overlay::Prompt(p)) = &app.overlay else { panic!("no zone prompt") };
    assert_eq!(p.kind, super::app::PromptKind::ZoneFile);
    app.overlay = None;
    let names = crate::ops::zone::mail_names(ZONE, &dn("example.com")).unwrap();
    app.update(Msg::ZoneRead {
        file: "db.example.com".into(),
        names: Ok(crate::ops::domain_list::FileNames::Zone(names)),
    });
    let screen = at_three(&app);
    assert!(draw(&app, 80, 24).contains("[x] legacy.example.com"), "{screen}");
    assert!(draw(&app, 80, 24).contains("null MX: refuses mail"), "{screen}");
    insta::assert_snapshot!("zone_pick", screen);
    // Untick shop, keep legacy: Enter checks legacy, then tracks it with the zone's MX hosts.
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char(' '));
    let fx = key(&mut app, KeyCode::Enter);
    let [Effect::RunCheck { domains, generation, purpose: Purpose::AddFromZone }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert_eq!(domains, &vec![dn("legacy.example.com")]);
    let mut ev = healthy_ev("testing");
    ev.domain = dn("legacy.example.com");
    ev.mx = Lookup::Timeout;
    let fx = app.update(Msg::Checked {
        generation: *generation,
        purpose: Purpose::AddFromZone,
        results: vec![checked(ev, None)],
    });
    let [Effect::Op(Op::Add(c, opts))] = fx.as_slice() else { panic!("{fx:?}") };
    assert_eq!(c.domain.as_str(), "legacy.example.com");
    let mx: Vec<String> = opts.mx.iter().map(ToString::to_string).collect();
    assert_eq!(mx, ["old-mx.example.net"], "the zone's MX hosts, even when DNS does not answer");
}

const ZONE: &str = "$TTL 3600
@       IN SOA ns1.example.com. hostmaster.example.com. ( 1 7200 3600 1209600 300 )
        IN MX  10 mx1.example.com.
legacy  IN MX  10 old-mx.example.net.
shop    IN MX  5 mx1.example.com.
nomail  IN MX  0 .
";

#[test]
fn in_the_demo_p_publishes_a_planned_mx_change_in_its_order_from_the_enforced_screen() {
    use super::app::Publish;
    use mtasts_core::rfc::MxPattern;
    let ev = healthy_ev("enforce");
    let s = state(Phase::Enforced, 3, Some(&ev));
    let add = vec![MxPattern::parse("mx3.example.com").unwrap()];
    let s = mtasts_core::rollout::plan_mx(s, add, Vec::new(), ts(0)).unwrap();
    let demo = super::DemoInfo { state_dir: "/tmp/x".into(), domains: vec!["example.com".into()] };
    let publish = |s: &mtasts_core::rollout::DomainState, ev: &mtasts_core::evidence::Evidence| {
        let mut app = domain_app(s.clone(), Some(ev.clone()));
        app.demo = Some(demo.clone());
        assert!(draw(&app, 80, 24).contains("p publish"), "{}", draw(&app, 80, 24));
        match key(&mut app, KeyCode::Char('p')).as_slice() {
            [Effect::Publish(p)] => p.clone(),
            fx => panic!("{fx:?}"),
        }
    };
    // Step 1: the policy listing mx3 first, then its id.
    assert!(matches!(publish(&s, &ev), Publish::Policy { .. }));
    let mut served = ev.clone();
    served.policy = mtasts_core::judge::fixtures::fetch(&s.plan.policy().render());
    assert!(matches!(publish(&s, &served), Publish::Records { .. }));
    // Step 3 (the first two done): the MX records, mx3 added to the live ones.
    let mut at_switch = s.clone();
    if let Some(c) = &mut at_switch.change {
        c.done = vec![ts(0), ts(7)];
    }
    match publish(&at_switch, &served) {
        Publish::Mx { hosts, .. } => {
            let hosts: Vec<&str> = hosts.iter().map(|h| h.as_str()).collect();
            assert_eq!(hosts, ["mx1.example.com", "mx2.example.com", "mx3.example.com"]);
        }
        other => panic!("{other:?}"),
    }
}
