//! A scripted key sequence through a whole demo rollout of `fresh.example`: add → preflight →
//! records → hosting → validation → testing → (clock moved forward) → enforce → enforced,
//! against the real lab in-process, performing the wizard's effects inline.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::VecDeque;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mtasts::cli::demo;
use mtasts::rfc::DomainName;
use mtasts::rollout::Phase;
use mtasts::store::Store;
use mtasts::tui::app::{App, Msg, Screen};
use mtasts::tui::effects::Runtime;
use mtasts::tui::{Clock, DemoInfo};

struct Driver {
    app: App,
    rt: Runtime,
}

impl Driver {
    async fn send(&mut self, msg: Msg) {
        let mut queue: VecDeque<_> = self.app.update(msg).into();
        while let Some(effect) = queue.pop_front() {
            if let Some(m) = self.rt.perform(effect).await {
                queue.extend(self.app.update(m));
            }
        }
    }

    async fn keys(&mut self, keys: &str) {
        for c in keys.chars() {
            let code = match c {
                '\n' => KeyCode::Enter,
                '\x1b' => KeyCode::Esc,
                c => KeyCode::Char(c),
            };
            self.send(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))).await;
        }
    }

    fn phase(&self) -> Phase {
        self.app.state(&DomainName::parse(demo::FRESH).unwrap()).expect("fresh.example tracked").phase
    }

    fn status(&self) -> String {
        let fresh = DomainName::parse(demo::FRESH).unwrap();
        format!("{:?} / blocked {:?}", self.app.status, self.app.session(&fresh).map(|s| &s.blocked))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_rollout_of_fresh_example_from_add_to_enforced() {
    let start: jiff::Timestamp = "2026-11-29T09:00:00Z".parse().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let (lab, probe) = demo::start_lab(start).await.unwrap();
    demo::seed(&store, &probe, start).await.unwrap();
    let clock = Clock::starting_at(start);
    let info = DemoInfo { state_dir: dir.path().to_owned(), domains: vec![demo::FRESH.into()] };
    let (app, first) = App::new(clock.now(), false, Some(info));
    let rt = Runtime {
        store: store.clone(),
        probe,
        clock,
        publisher: Some(std::sync::Arc::new(demo::LabPublisher(lab))),
        last_copy: None,
    };
    let mut d = Driver { app, rt };
    for e in first {
        let m = d.rt.perform(e).await.unwrap();
        d.app.update(m);
    }
    assert_eq!(d.app.entries.len(), 4, "the four seeded demo domains");

    d.keys("afresh.example\n").await;
    d.keys("y").await;
    assert!(matches!(&d.app.screen, Screen::Domain(v) if v.domain.as_str() == "fresh.example"));
    assert_eq!(d.phase(), Phase::Preflight);
    assert!(d.app.checked(&DomainName::parse("fresh.example").unwrap()).is_some(), "opened and checked");

    d.keys("n").await;
    assert_eq!(d.phase(), Phase::Records, "{}", d.status());
    d.keys("n").await;
    assert_eq!(d.phase(), Phase::Records, "records not published yet");
    d.keys("pn").await;
    assert_eq!(d.phase(), Phase::Hosting, "{}", d.status());
    d.keys("1pn").await;
    assert_eq!(d.phase(), Phase::Validation, "{}", d.status());
    d.keys("14").await;
    d.keys("n").await;
    assert_eq!(d.phase(), Phase::Testing, "{}", d.status());

    // Day 1: the window blocks (overridable); decline the override, move the clock instead.
    d.keys("n").await;
    assert!(matches!(d.app.overlay, Some(mtasts::tui::app::Overlay::Prompt(_))), "ack prompt offered");
    d.keys("\x1b").await;
    d.keys("WWWWTT").await;
    d.keys("n").await;
    // The window is over; only "no TLS-RPT reports seen" is left, and it is acknowledged.
    let blockers = d.app.session(&DomainName::parse(demo::FRESH).unwrap()).unwrap().blocked.clone().unwrap();
    assert!(
        blockers.iter().all(|b| b.kind != mtasts::rollout::BlockerKind::WindowIncomplete),
        "{blockers:?}"
    );
    d.keys("rehearsal in the demo lab\n").await;
    assert_eq!(d.phase(), Phase::Enforce, "{}", d.status());

    // RFC 8461 §8.1: p publishes the policy first, then (once it is live) the new id.
    d.keys("p").await;
    d.keys("n").await;
    assert_eq!(d.phase(), Phase::Enforce, "the id is not published yet");
    d.keys("pn").await;
    assert_eq!(d.phase(), Phase::Enforced, "{}", d.status());

    let saved = store.load(&DomainName::parse("fresh.example").unwrap()).unwrap().unwrap();
    assert_eq!(saved.phase, Phase::Enforced);
    assert_eq!(saved.acks.len(), 1);
    assert_eq!(saved.acks[0].text, "rehearsal in the demo lab");
    assert_eq!(saved.walkthrough.testers.len(), 2, "ticks on the validation screen are saved");

    // Rollback: b asks, y plans mode: none; p serves it first, then p publishes its id.
    let fresh = DomainName::parse("fresh.example").unwrap();
    d.keys("bn").await;
    assert_eq!(d.phase(), Phase::Enforced, "declined");
    d.keys("by").await;
    assert_eq!(d.phase(), Phase::Rollback);
    d.keys("pp").await;
    let obs = &d.app.checked(&fresh).unwrap().observation;
    assert_eq!(obs.live_policy.as_ref().map(|p| p.mode), Some(mtasts::rfc::Mode::None), "{}", d.status());
    assert_eq!(obs.sts_id.as_ref(), Some(&d.app.state(&fresh).unwrap().plan.id));
}
