//! Every place the wizard has, for the tests that go through all of them (keys, footers,
//! hints, paging): home in its states, every phase screen of a domain before, at and after
//! it, the hosting paths, a rollback before and after retiring, the reports pane, imports.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{App, DomainView, ImportCounts, Msg, Pane, Screen};
use super::fixtures::{app_with, checked, checked_at, dn, healthy_ev, state, ts};
use mtasts_core::judge::fixtures::{fetch, txt};
use mtasts_core::rfc::StsRecord;
use mtasts_core::rollout::{DomainState, HostingPath, Phase, plan_removal, plan_rollback, record_check};

/// The sizes every screen is read at.
pub(super) const SIZES: [(u16, u16); 3] = [(60, 20), (80, 24), (120, 40)];

/// What a user can see change: the app apart from its redraw flag.
fn seen(app: &App) -> String {
    let mut a = app.clone();
    a.dirty = false;
    format!("{a:?}")
}

/// Whether pressing `key` changes the app or asks for work.
pub(super) fn acts(app: &App, key: KeyEvent) -> bool {
    let mut a = app.clone();
    let fx = a.update(Msg::Key(key));
    !fx.is_empty() || seen(&a) != seen(app)
}

/// Presses `code` (no modifiers).
pub(super) fn press(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

/// `s` checked with `ev`, on the screen of `viewing`.
fn open(s: DomainState, ev: mtasts_core::evidence::Evidence, viewing: Phase, demo: bool) -> App {
    let c = checked(ev, Some(&s));
    let mut app = app_with(vec![s.clone()]);
    app.session_mut(&s.domain).check = Some(c);
    if demo {
        app.demo = Some(super::DemoInfo { state_dir: "/tmp/demo".into(), domains: vec![] });
    }
    app.screen = Screen::Domain(DomainView::new(s.domain.clone(), viewing));
    app
}

/// example.com in `phase`, checked, on `viewing`'s screen.
pub(super) fn domain_at(phase: Phase, viewing: Phase, demo: bool) -> App {
    let ev = healthy_ev(if phase >= Phase::Enforce { "enforce" } else { "testing" });
    open(state(phase, 11, Some(&ev)), ev, viewing, demo)
}

/// A rollback whose `mode: none` went live 20 days ago: the countdown is over. Also returns
/// the evidence of its live `mode: none` policy.
pub(super) fn countdown_over() -> (DomainState, mtasts_core::evidence::Evidence) {
    let s = state(Phase::Enforced, 60, None);
    let s = record_check(s.clone(), &checked_at(healthy_ev("enforce"), Some(&s), ts(-30)).observation);
    let s = plan_rollback(s, ts(-21));
    let mut ev = healthy_ev("enforce");
    ev.policy = fetch(&s.plan.policy().render());
    ev.sts_record = txt("_mta-sts.example.com", &[&StsRecord::new(s.plan.id.clone()).render()]);
    (record_check(s, &checked_at(ev.clone(), None, ts(-20)).observation), ev)
}

/// [`countdown_over`], then retired: the `_mta-sts` record is gone.
fn retired() -> App {
    let (s, mut ev) = countdown_over();
    let s = plan_removal(s, ts(-1)).unwrap_or_else(|e| panic!("{e}"));
    ev.sts_record = txt("_mta-sts.example.com", &[]);
    let s = record_check(s, &checked_at(ev.clone(), None, ts(-1)).observation);
    open(s, ev, Phase::Rollback, false)
}

fn with_path(path: Option<HostingPath>) -> App {
    let mut app = domain_at(Phase::Hosting, Phase::Hosting, false);
    if let Some(super::app::Entry::Ok(s)) = app.entries.first_mut() {
        s.plan.hosting = path;
    }
    app
}

/// An enforced domain whose live MX hosts no longer match the policy (n plans the update).
fn drifted() -> App {
    use mtasts_core::evidence::Lookup;
    use mtasts_core::judge::fixtures::{mx, probe};
    let ev = healthy_ev("enforce");
    let s = state(Phase::Enforced, 11, Some(&ev));
    let mut moved = ev;
    moved.mx = Lookup::Found(vec![
        mx(10, "mx1.example.com", vec![probe("mx1.example.com", 2)]),
        mx(20, "mx3.example.com", vec![probe("mx3.example.com", 4)]),
    ]);
    open(s, moved, Phase::Enforced, false)
}

/// A records screen whose records are wider than 80 columns (they scroll sideways).
fn long_records() -> App {
    let mut app = domain_at(Phase::Records, Phase::Records, false);
    if let Some(super::app::Entry::Ok(s)) = app.entries.first_mut() {
        s.plan.rua = ["mailto:tls-reports@reports.example.com", "https://reports.example.net/tlsrpt/v1"]
            .map(|u| mtasts_core::rfc::RuaUri::parse(u).unwrap())
            .to_vec();
    }
    app
}

/// Every place, undrawn (draw before asking about scrolling).
pub(super) fn places() -> Vec<(String, App)> {
    let mut out = Vec::new();
    out.push(("home, empty".to_owned(), app_with(vec![])));
    let mut three = app_with(vec![
        state(Phase::Testing, 3, None),
        DomainState { domain: dn("example.org"), ..state(Phase::Records, 1, None) },
        DomainState { domain: dn("example.net"), ..state(Phase::Hosting, 1, None) },
    ]);
    three.selected = 1;
    out.push(("home, middle row".to_owned(), three));
    let mut importing = app_with(vec![state(Phase::Testing, 3, None)]);
    importing.import = Some(ImportCounts::default());
    out.push(("home, importing".to_owned(), importing));
    for demo in [false, true] {
        for (i, viewing) in Phase::ORDER.iter().enumerate() {
            let next = Phase::ORDER[(i + 1).min(Phase::ORDER.len() - 1)];
            for current in [*viewing, next] {
                let name = format!("{viewing:?} of a {current:?} domain, demo {demo}");
                out.push((name, domain_at(current, *viewing, demo)));
            }
        }
        for viewing in [Phase::Enforced, Phase::Rollback] {
            out.push((
                format!("rollback on {viewing:?}, demo {demo}"),
                domain_at(Phase::Rollback, viewing, demo),
            ));
        }
        let mut reports = domain_at(Phase::Testing, Phase::Testing, demo);
        reports.update(super::tests_reports::loaded(12));
        if let Screen::Domain(v) = &mut reports.screen {
            v.pane = Pane::Reports;
        }
        out.push((format!("reports pane, demo {demo}"), reports));
    }
    for path in [None, Some(HostingPath::Caddy), Some(HostingPath::StaticHeaders), Some(HostingPath::Worker)]
    {
        out.push((format!("hosting, path {path:?}"), with_path(path)));
    }
    out.push(("records, wider than the screen".to_owned(), long_records()));
    out.push(("enforced, MX drifted".to_owned(), drifted()));
    let mut importing = domain_at(Phase::Testing, Phase::Testing, false);
    importing.import = Some(ImportCounts::default());
    out.push(("testing, importing".to_owned(), importing));
    let (over, ev) = countdown_over();
    out.push(("rollback, countdown over".to_owned(), open(over, ev, Phase::Rollback, false)));
    out.push(("rollback, retired".to_owned(), retired()));
    out
}
