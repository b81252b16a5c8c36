//! The wizard's last mile, each at 60×20, 80×24 and 120×40: a way out for a domain bouncing
//! mail, old facts re-checked and never shown as current, facts that add up, what the demo
//! and an offline wizard say, and the reports pane's numbers.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{App, ConfirmKind, DomainView, Effect, Entry, Msg, Op, Overlay, Pane, Purpose, Screen};
use super::fixtures::{app_with, checked, checked_at, dn, domain_app, draw, healthy_ev, state, ts};
use mtasts_core::evidence::{CertVerdict, Evidence, Lookup, ProbeStage};
use mtasts_core::judge::fixtures::{days, now, probe, set_probe};
use mtasts_core::rollout::{DomainState, Phase, adopt, record_check};

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

/// example.com as the demo's expired.example: its live policy enforces, mx1's certificate
/// expired three days ago; adopted at preflight.
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
    assert!(draw(&app, 80, 24).contains("tab names from a zone file"), "{}", draw(&app, 80, 24));
    key(&mut app, KeyCode::Tab);
    let Some(Overlay::Prompt(p)) = &app.overlay else { panic!("no prompt") };
    assert!(p.error.as_deref().is_some_and(|e| e.contains("type the zone's domain first")), "{:?}", p.error);
    for c in "example.com".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Tab);
    let Some(Overlay::Prompt(p)) = &app.overlay else { panic!("no zone prompt") };
    assert_eq!(p.kind, super::app::PromptKind::ZoneFile);
    app.overlay = None;
    let names = crate::ops::zone::mail_names(ZONE, &dn("example.com")).unwrap();
    app.update(Msg::ZoneRead { file: "db.example.com".into(), names: Ok(names) });
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
