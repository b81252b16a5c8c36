//! Onboarding many and path C as a fleet, each at 60×20, 80×24 and 120×40: a list of domains
//! read from the add prompt, picked and added with progress; the shared Worker's pane with
//! the domains it is behind for.

use crossterm::event::KeyCode;

use super::app::{App, Effect, Msg, Op, OpOutcome, Overlay, Pane, Purpose, Screen};
use super::fixtures::{app_with, checked, dn, draw, healthy_ev, state};
use super::tests_lastmile::{at_three, key};
use crate::ops::domain_list::{FileNames, parse_domain_list};
use mtasts_core::evidence::Lookup;
use mtasts_core::rollout::{HostingPath, Phase, record_check};

/// A list of 100 domains (`c0.example` … `c99.example`, the first with its own MX host), one
/// already tracked (`example.com`).
fn list_app() -> App {
    let mut app = app_with(vec![state(Phase::Testing, 3, None)]);
    key(&mut app, KeyCode::Char('a'));
    key(&mut app, KeyCode::Tab);
    let Some(Overlay::Prompt(p)) = &app.overlay else { panic!("no file prompt") };
    assert_eq!(p.kind, super::app::PromptKind::ZoneFile);
    assert!(p.context[0].starts_with("A list of domains: one DOMAIN [MX...] per line"), "{:?}", p.context);
    app.overlay = None;
    let fx = app.read_zone("./fleet.txt");
    assert!(
        matches!(fx.as_slice(), [Effect::ReadZone { origin: None, .. }]),
        "a list of domains, no zone origin: {fx:?}"
    );
    let mut text = String::from("# onboarding\nc0.example mx.c0.example\nexample.com\n");
    text.extend((1..100).map(|i| format!("c{i}.example\n")));
    let list = parse_domain_list(&text).unwrap();
    app.update(Msg::ZoneRead { file: "fleet.txt".into(), names: Ok(FileNames::List(list)) });
    app
}

#[test]
fn a_list_of_domains_is_picked_paged_and_added_with_progress() {
    let mut app = list_app();
    let screen = at_three(&app);
    assert!(draw(&app, 80, 24).contains("fleet.txt: 101 domains, one per line."), "{screen}");
    assert!(draw(&app, 80, 24).contains("[x] c0.example MX mx.c0.example"), "{screen}");
    assert!(draw(&app, 80, 24).contains("pgdn pgup page"), "the list does not fit: {screen}");
    insta::assert_snapshot!("list_pick", screen);
    let Some(Overlay::Pick(p)) = &app.overlay else { panic!("no list") };
    let page = p.page.get();
    assert!(page > 3, "a page is what was shown: {page}");
    key(&mut app, KeyCode::PageDown);
    let Some(Overlay::Pick(p)) = &app.overlay else { panic!("no list") };
    assert_eq!(p.at, page);
    key(&mut app, KeyCode::End);
    assert!(draw(&app, 80, 24).contains("c99.example"), "{}", draw(&app, 80, 24));

    let fx = key(&mut app, KeyCode::Enter);
    let [Effect::RunCheck { domains, generation, purpose: Purpose::AddFromZone }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert_eq!(domains.len(), 100, "every untracked domain, checked at once");
    let generation = *generation;
    assert!(draw(&app, 80, 24).contains("checking 100 names before tracking…"));

    // c0 comes back first: tracked with its own MX host although DNS did not answer.
    let mut ev = healthy_ev("testing");
    ev.domain = dn("c0.example");
    ev.mx = Lookup::Timeout;
    let fx = app.update(Msg::Checked {
        generation,
        purpose: Purpose::AddFromZone,
        results: vec![checked(ev, None)],
    });
    let [Effect::Op(Op::Add(c, opts))] = fx.as_slice() else { panic!("{fx:?}") };
    let mx: Vec<String> = opts.mx.iter().map(ToString::to_string).collect();
    assert_eq!(mx, ["mx.c0.example"]);
    let added = crate::ops::Added {
        state: {
            let mut s = state(Phase::Preflight, 0, None);
            s.domain = c.domain.clone();
            s
        },
        adopted: false,
    };
    app.update(Msg::OpDone(Ok(OpOutcome::Added(Box::new(added)))));
    assert!(app.state(&dn("c0.example")).is_some(), "its row appears as it finishes");
    assert!(matches!(app.screen, Screen::Home), "the wizard stays where it is");
    let status = draw(&app, 120, 40);
    assert!(
        status.contains("now tracking c0.example (from the file); 1 of 100 tracked, 99 more to add"),
        "{status}"
    );

    // c1 has no MX host in its line and DNS names none: not added, said so, no operation.
    let mut ev = healthy_ev("testing");
    ev.domain = dn("c1.example");
    ev.mx = Lookup::NxDomain;
    ev.policy = mtasts_core::judge::fixtures::fetch("");
    ev.policy.body = None;
    ev.sts_record.records = Lookup::NxDomain;
    let fx = app.update(Msg::Checked {
        generation,
        purpose: Purpose::AddFromZone,
        results: vec![checked(ev, None)],
    });
    assert!(fx.is_empty(), "{fx:?}");
    let status = draw(&app, 120, 40);
    assert!(
        status.contains("c1.example (the domain does not exist (NXDOMAIN)) not added; 98 more to add"),
        "{status}"
    );
}

/// Three domains on the shared Worker (example.com open at hosting, checked this session:
/// its Worker still serves the testing policy after the plan moved to enforce), one on nginx.
fn worker_app() -> App {
    let ev = healthy_ev("testing");
    let mut open = state(Phase::Enforce, 1, None);
    open.plan.hosting = Some(HostingPath::WorkerMulti);
    let mut others = Vec::new();
    for (name, path) in [("b.example", HostingPath::WorkerMulti), ("c.example", HostingPath::WorkerMulti)] {
        let mut s = state(Phase::Testing, 5, None);
        s.domain = dn(name);
        s.plan.hosting = Some(path);
        let mut e = ev.clone();
        e.domain = dn(name);
        let body = s.plan.policy().render();
        e.policy = mtasts_core::judge::fixtures::fetch(&body);
        if name == "c.example" {
            e.policy.body = None;
        }
        let c = checked(e, Some(&s));
        s = record_check(s, &c.observation);
        others.push(s);
    }
    let mut nginx = state(Phase::Testing, 5, None);
    nginx.domain = dn("n.example");
    let c = checked(ev.clone(), Some(&open));
    let mut app = app_with([vec![open.clone(), nginx], others].concat());
    app.session_mut(&open.domain).check = Some(c);
    let mut view = super::app::DomainView::new(open.domain.clone(), Phase::Hosting);
    view.pane = Pane::Phase;
    app.screen = Screen::Domain(view);
    app
}

#[test]
fn the_shared_worker_pane_flags_every_domain_it_is_behind_for_with_the_diff() {
    let mut app = worker_app();
    let hosting = draw(&app, 80, 24);
    assert!(
        hosting.contains("✗ the shared Worker is behind: redeploy (2 of 3 domains) · s shows them"),
        "{hosting}"
    );
    let fx = key(&mut app, KeyCode::Char('s'));
    assert!(fx.is_empty(), "{fx:?}");
    let screen = at_three(&app);
    let big = draw(&app, 120, 40);
    assert!(big.contains("the shared Worker is behind: redeploy (2 of 3 domains)"), "{big}");
    assert!(big.contains("example.com  enforce  behind"), "{big}");
    assert!(
        big.contains("served: mode is testing (plan: enforce); max_age is 86400 (plan: 604800)"),
        "{big}"
    );
    assert!(
        big.contains("body differs at line 2: served \"mode: testing\", planned \"mode: enforce\""),
        "{big}"
    );
    assert!(big.contains("b.example  testing  current"), "{big}");
    assert!(big.contains("c.example  testing  not served"), "{big}");
    assert!(big.contains("no policy at https://mta-sts.c.example/.well-known/mta-sts.txt"), "{big}");
    assert!(!big.contains("n.example"), "nginx is not on the Worker: {big}");
    assert!(big.contains("D writes wrangler.jsonc + worker.js for all 3"), "{big}");
    insta::assert_snapshot!("shared_worker_pane", screen);

    // D: one wrangler project for all three.
    key(&mut app, KeyCode::Char('D'));
    let Some(Overlay::Prompt(p)) = &app.overlay else { panic!("no write prompt") };
    assert_eq!(p.kind, super::app::PromptKind::WriteArtefact(super::app::Artefact::Wrangler));
    let state = app.state(&dn("example.com")).cloned().unwrap();
    let files = app.artefact(&state, super::app::Artefact::Wrangler, Phase::Hosting).unwrap();
    let worker = files.iter().find(|f| f.name == "worker.js").unwrap();
    for d in ["example.com", "b.example", "c.example"] {
        assert!(worker.text.contains(d), "{d} missing from the shared Worker");
    }
    app.overlay = None;
    // r: every domain on the Worker re-checked at once.
    let fx = key(&mut app, KeyCode::Char('r'));
    let Some(Effect::RunCheck { domains, .. }) = fx.iter().find(|e| matches!(e, Effect::RunCheck { .. }))
    else {
        panic!("{fx:?}")
    };
    assert_eq!(domains.len(), 3);
    // q: back to the hosting screen.
    key(&mut app, KeyCode::Char('q'));
    let Screen::Domain(v) = &app.screen else { panic!("left the domain") };
    assert_eq!((v.pane, v.viewing), (Pane::Phase, Phase::Hosting));
}
