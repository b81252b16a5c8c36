//! Scripted key sequences through whole demo rollouts of `fresh.example`: add → preflight →
//! records → hosting → validation → testing → (clock moved forward) → enforce → enforced →
//! rollback, then either back to testing or MTA-STS removed, against the real lab in-process,
//! performing the wizard's effects inline.

use std::collections::VecDeque;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mtasts::cli::demo;
use mtasts::store::Store;
use mtasts::tui::app::{App, Msg, Screen};
use mtasts::tui::effects::Runtime;
use mtasts::tui::{Clock, DemoInfo};
use mtasts_core::rfc::DomainName;
use mtasts_core::rollout::Phase;

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
        format!("{:?} / gate {:?}", self.app.status, self.gate())
    }

    /// The gate as drawn now: from the clock and the latest check.
    fn gate(&self) -> mtasts_core::rollout::Gate {
        let fresh = DomainName::parse(demo::FRESH).unwrap();
        let state = self.app.state(&fresh).expect("tracked");
        let obs = self.app.checked(&fresh).map(|c| &c.observation).or(state.last_observation.as_ref());
        mtasts_core::rollout::evaluate(state, obs, self.app.tally(&fresh), self.app.now)
    }
}

/// Adds `fresh.example` (typing its MX hosts as DNS gave them), walks it to enforced, rolls it
/// back and publishes the `mode: none` policy and its id.
async fn rolled_back(dir: &std::path::Path) -> (Driver, Store) {
    let start: jiff::Timestamp = "2026-11-29T09:00:00Z".parse().unwrap();
    let store = Store::open(dir).unwrap();
    let (lab, probe) = demo::start_lab(start).await.unwrap();
    demo::seed(&store, &probe, start).await.unwrap();
    let clock = Clock::starting_at(start);
    let info = DemoInfo { state_dir: dir.to_owned(), domains: vec![demo::FRESH.into()] };
    let (app, first) = App::new(clock.now(), false, Some(info));
    let rt = Runtime {
        publisher: Some(std::sync::Arc::new(demo::LabPublisher(lab))),
        ..Runtime::new(store.clone(), probe, clock)
    };
    let mut d = Driver { app, rt };
    for e in first {
        let m = d.rt.perform(e).await.unwrap();
        d.app.update(m);
    }
    assert_eq!(d.app.entries.len(), 5, "the five seeded demo domains");
    let dane = store.load(&DomainName::parse("dane-ee.example").unwrap()).unwrap().unwrap();
    assert_eq!(dane.phase, Phase::Enforced, "the signed demo domain is served by the demo's lab");

    d.keys("afresh.example\n").await;
    let Some(mtasts::tui::app::Overlay::Prompt(p)) = &d.app.overlay else {
        panic!("no MX prompt: {}", d.status())
    };
    assert!(!p.value().is_empty(), "prefilled from the lab's DNS");
    d.keys("\n").await;
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
    let blockers = d.gate().blockers;
    assert!(
        blockers.iter().all(|b| b.kind != mtasts_core::rollout::BlockerKind::WindowIncomplete),
        "{blockers:?}"
    );
    d.keys("rehearsal in the demo lab\n").await;
    assert_eq!(d.phase(), Phase::Enforce, "{}", d.status());

    // RFC 8461 §8.1: p publishes the policy first, then (once it is live) the new id.
    d.keys("p").await;
    d.keys("n").await;
    assert_eq!(d.phase(), Phase::Enforce, "the id is not published yet");
    d.keys("pn").await;
    // Every nameserver serves the new id, but resolvers may hold the testing id for its TTL.
    assert_eq!(d.phase(), Phase::Enforce, "{}", d.status());
    let kinds: Vec<_> = d.gate().blockers.iter().map(|b| b.kind).collect();
    assert_eq!(kinds, [mtasts_core::rollout::BlockerKind::NsLagging], "{}", d.status());
    d.keys("Tn").await;
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
    assert_eq!(
        obs.live_policy.as_ref().map(|p| p.mode),
        Some(mtasts_core::rfc::Mode::None),
        "{}",
        d.status()
    );
    assert_eq!(obs.sts_id.as_ref(), Some(&d.app.state(&fresh).unwrap().plan.id));
    (d, store)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_rollout_reaches_enforced_rolls_back_and_resumes_testing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut d, store) = rolled_back(dir.path()).await;
    let fresh = DomainName::parse(demo::FRESH).unwrap();
    let none_id = d.app.state(&fresh).unwrap().plan.id.clone();
    // Fixed it: t asks, y plans mode: testing with a new id and a fresh window.
    d.keys("tn").await;
    assert_eq!(d.phase(), Phase::Rollback, "declined");
    d.keys("ty").await;
    assert_eq!(d.phase(), Phase::Testing, "{}", d.status());
    let state = d.app.state(&fresh).unwrap().clone();
    assert_eq!(state.plan.mode, mtasts_core::rfc::Mode::Testing);
    assert_ne!(state.plan.id, none_id);
    // Policy first (hosting screen), then the records (records screen), both with p.
    d.keys("hhp").await;
    d.keys("hp").await;
    d.keys("r").await;
    let obs = &d.app.checked(&fresh).unwrap().observation;
    assert_eq!(
        obs.live_policy.as_ref().map(|p| p.mode),
        Some(mtasts_core::rfc::Mode::Testing),
        "{}",
        d.status()
    );
    assert_eq!(obs.sts_id.as_ref(), Some(&state.plan.id));
    let kinds: Vec<_> = d.gate().blockers.iter().map(|b| b.kind).collect();
    assert!(kinds.contains(&mtasts_core::rollout::BlockerKind::WindowIncomplete), "{kinds:?}");
    assert!(d.gate().blockers.iter().all(|b| b.overridable), "{}", d.status());
    let saved = store.load(&fresh).unwrap().unwrap();
    assert_eq!(saved.phase, Phase::Testing);
    assert_eq!(mtasts_core::rollout::testing_progress(&saved, d.app.now).map(|p| p.day), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_rollout_rolls_back_and_removes_mta_sts() {
    let dir = tempfile::tempdir().unwrap();
    let (mut d, store) = rolled_back(dir.path()).await;
    let fresh = DomainName::parse(demo::FRESH).unwrap();
    // Too early: the countdown still runs, so x is not offered and does nothing.
    d.keys("xy").await;
    assert!(d.app.state(&fresh).unwrap().removal.is_none());
    assert!(
        d.app.overlay.is_none() && !d.app.status.as_ref().is_some_and(|s| s.is_error()),
        "{}",
        d.status()
    );
    d.keys("WT").await;
    d.keys("r").await;
    assert!(d.gate().passed, "{}", d.status());
    d.keys("xy").await;
    assert!(d.app.state(&fresh).unwrap().removal.is_some(), "{}", d.status());
    assert!(d.gate().blockers[0].message.contains("still published"), "{}", d.status());
    // p removes the records in the lab; the check sees them gone and the wait starts.
    d.keys("p").await;
    let obs = &d.app.checked(&fresh).unwrap().observation;
    assert_eq!(obs.sts_id, None, "{}", d.status());
    let v = mtasts_core::rollout::removal_view(d.app.state(&fresh).unwrap(), d.app.now).unwrap();
    assert!(v.records_gone_at.is_some() && !v.complete, "{v:?}");
    assert!(d.gate().blockers[0].message.contains("keep serving it until"), "{}", d.status());
    d.keys("WT").await;
    d.keys("r").await;
    let gate = d.gate();
    assert!(gate.passed, "{}", d.status());
    assert_eq!(gate.next.verbs().collect::<Vec<_>>(), vec![mtasts_core::rollout::Verb::StopTracking]);
    // Stop tracking from the home screen.
    d.keys("q").await;
    let i = d
        .app
        .entries
        .iter()
        .position(|e| matches!(e, mtasts::tui::app::Entry::Ok(s) if s.domain == fresh))
        .unwrap();
    d.app.selected = i;
    d.keys("dy").await;
    assert!(d.app.state(&fresh).is_none());
    assert!(store.load(&fresh).unwrap().is_none());
}
