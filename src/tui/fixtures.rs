//! Hand-built states, checks and a test renderer for the wizard's unit tests (no network).

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::app::{App, Entry, Msg};
use crate::ops::Checked;
use mtasts_core::evidence::Evidence;
use mtasts_core::judge::fixtures::{healthy, now};
use mtasts_core::judge::{JudgeContext, judge};
use mtasts_core::rfc::{DomainName, MxPattern};
use mtasts_core::rollout::{DomainState, Phase, Transition, new_domain, record_check};

pub(crate) fn dn(s: &str) -> DomainName {
    DomainName::parse(s).unwrap()
}

pub(crate) fn ts(days: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_second(now().as_second() + days * 86_400).unwrap()
}

/// A full check of hand-built evidence, judged against `state`'s plan when given.
pub(crate) fn checked(ev: Evidence, state: Option<&DomainState>) -> Checked {
    checked_at(ev, state, now())
}

/// [`checked`] made at `at` (the fixture clock, never the system clock).
pub(crate) fn checked_at(ev: Evidence, state: Option<&DomainState>, at: jiff::Timestamp) -> Checked {
    let ctx = JudgeContext { plan: state.map(crate::ops::plan_context), ..JudgeContext::new(at) };
    let judgement = judge(&ev, &ctx);
    let observation = crate::ops::observe(&ev, &judgement, at);
    Checked { domain: ev.domain.clone(), at, evidence: ev, judgement, observation, planned_mx: Vec::new() }
}

/// example.com (mx1/mx2) in `phase`, entered `days_in` days ago, with a recorded check of
/// `ev` when given.
pub(crate) fn state(phase: Phase, days_in: i64, ev: Option<&Evidence>) -> DomainState {
    let mx = vec![MxPattern::exact(dn("mx1.example.com")), MxPattern::exact(dn("mx2.example.com"))];
    let mut s = new_domain(dn("example.com"), mx, Vec::new(), None, ts(-days_in - 3));
    s.phase = phase;
    s.plan.id = mtasts_core::rfc::PolicyId::parse("20261101T000000").unwrap();
    if phase >= Phase::Enforce {
        s.plan.mode = mtasts_core::rfc::Mode::Enforce;
        s.plan.max_age = mtasts_core::rollout::ENFORCE_MAX_AGE;
    }
    if phase != Phase::Preflight {
        s.transitions.push(Transition { phase, at: ts(-days_in) });
    }
    if phase >= Phase::Records {
        s.plan.hosting = Some(mtasts_core::rollout::HostingPath::Nginx);
    }
    if let Some(ev) = ev {
        let c = checked(ev.clone(), Some(&s));
        s = record_check(s, &c.observation);
    }
    s
}

pub(crate) fn healthy_ev(mode: &str) -> Evidence {
    let mut ev = healthy(mode);
    if mode == "testing" {
        ev.policy = mtasts_core::judge::fixtures::fetch(
            "version: STSv1\r\nmode: testing\r\nmx: mx1.example.com\r\nmx: mx2.example.com\r\nmax_age: 86400\r\n",
        );
    }
    ev
}

/// An app at the fixed `now` with these states loaded.
pub(crate) fn app_with(states: Vec<DomainState>) -> App {
    let (mut app, _) = App::new(now(), false, None);
    app.update(Msg::Loaded(states.into_iter().map(|s| Entry::Ok(Box::new(s))).collect()));
    app
}

/// Renders the app at `w`×`h` and returns the screen as text.
pub(crate) fn draw(app: &App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| super::render::render(app, f)).unwrap();
    let buf = term.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        let line: String = (0..w).map(|x| buf[(x, y)].symbol().to_owned()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A wizard on the domain screen of `s` at its phase (as opening it shows), with `ev` as this
/// session's latest check.
pub(crate) fn domain_app(s: DomainState, ev: Option<Evidence>) -> App {
    let phase = s.phase;
    let c = ev.map(|e| checked(e, Some(&s)));
    let mut app = app_with(vec![s]);
    if let Some(c) = c {
        let d = c.domain.clone();
        app.session_mut(&d).check = Some(c);
    }
    app.screen = super::app::Screen::Domain(super::app::DomainView::new(dn("example.com"), phase));
    app
}
