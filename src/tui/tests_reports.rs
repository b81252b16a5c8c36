//! TLS-RPT reports in the wizard: import flow, loading, the gate and the reports view.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{
    App, DomainReports, DomainView, Effect, ImportCounts, Msg, Op, Overlay, PromptKind, Purpose, Screen,
};
use super::fixtures::{app_with, checked, dn, draw, healthy_ev, state, ts};
use crate::reports::{DaySummary, DomainSummary};
use crate::rollout::{Phase, ReportTally};

fn key(app: &mut App, c: char) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)))
}

fn testing_app() -> App {
    let ev = healthy_ev("testing");
    let s = state(Phase::Testing, 11, Some(&ev));
    let mut app = app_with(vec![s]);
    app.screen = Screen::Domain(DomainView {
        domain: dn("example.com"),
        viewing: Phase::Testing,
        scroll: 0,
        hosting_cursor: 0,
        reports: false,
    });
    app
}

fn date(s: &str) -> jiff::civil::Date {
    s.parse().unwrap()
}

fn tally(failed: u64) -> ReportTally {
    ReportTally {
        reports: 3,
        successful_sessions: 900,
        failed_sessions: failed,
        failures_by_type: if failed > 0 { vec![("certificate-expired".into(), failed)] } else { vec![] },
    }
}

fn summary() -> DomainSummary {
    let day = |d: &str, ok, bad| DaySummary { date: date(d), successful: ok, failed: bad };
    DomainSummary {
        domain: "example.com".into(),
        reports: 3,
        organizations: vec!["Google Inc.".into(), "Microsoft\x1b[31m Corporation".into()],
        total_sessions: 912,
        failed_sessions: 12,
        failure_rate: 12.0 / 912.0,
        failures_by_type: BTreeMap::from([
            ("certificate-expired".into(), 10),
            ("sts-policy-fetch-error".into(), 2),
        ]),
        failures_by_mx: BTreeMap::from([("mx2.example.com".into(), 12)]),
        policy_types_seen: BTreeMap::from([("sts".into(), 912)]),
        modes_seen: BTreeMap::from([("testing".into(), 912)]),
        days: vec![day("2026-11-19", 300, 0), day("2026-11-24", 400, 10), day("2026-11-28", 200, 2)],
        window_start: ts(-10),
        window_end: ts(-1),
    }
}

fn loaded(failed: u64) -> Msg {
    Msg::ReportsLoaded(Ok(vec![DomainReports {
        domain: dn("example.com"),
        since: date("2026-11-18"),
        tally: Some(tally(failed)),
        summary: Some(summary()),
    }]))
}

fn gate_line(screen: &str) -> String {
    screen.lines().find(|l| l.contains("no TLS-RPT failures in the window")).unwrap().trim().to_owned()
}

#[test]
fn i_opens_the_import_prompt_and_enter_imports() {
    let mut app = testing_app();
    assert!(key(&mut app, 'i').is_empty());
    let Some(Overlay::Prompt(p)) = &app.overlay else { panic!("no prompt") };
    assert_eq!((p.kind, p.input.as_str()), (PromptKind::ImportPath, "."));
    let fx = app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    let [Effect::Import(paths)] = fx.as_slice() else { panic!("{fx:?}") };
    assert_eq!(paths, &vec![PathBuf::from(".")]);
    assert!(app.overlay.is_none());
}

#[test]
fn an_import_result_shows_a_note_and_reloads_the_reports() {
    let mut app = testing_app();
    let counts = ImportCounts {
        imported: 2,
        duplicate: 1,
        rejected: 1,
        ignored: 0,
        lines: vec!["a.json: imported".into(), "b.json: duplicate".into()],
    };
    let fx = app.update(Msg::Imported(Ok(counts)));
    assert!(matches!(fx.as_slice(), [Effect::LoadReports { now }] if *now == app.now));
    let Some(Overlay::Note { lines, .. }) = &app.overlay else { panic!("no note") };
    assert_eq!(lines[0], "2 imported, 1 duplicate, 1 rejected, 0 ignored");
    assert_eq!(lines.last().map(String::as_str), Some("… and 2 more"));
    key(&mut app, 'x');
    assert!(app.overlay.is_none());
}

#[test]
fn state_changes_reload_the_reports() {
    let (mut app, _) = App::new(crate::judge::fixtures::now(), false, None);
    let fx = app.update(Msg::Loaded(vec![]));
    assert!(matches!(fx.as_slice(), [Effect::LoadReports { .. }]));
    assert!(app.update(Msg::Loaded(vec![])).is_empty());
}

#[test]
fn a_failure_in_the_window_blocks_the_testing_gate() {
    let mut app = testing_app();
    app.update(loaded(0));
    assert_eq!(gate_line(&draw(&app, 80, 24)), "✓ no TLS-RPT failures in the window");
    app.update(loaded(12));
    assert_eq!(app.reports.get(&dn("example.com")), Some(&tally(12)));
    assert_eq!(gate_line(&draw(&app, 80, 24)), "○ no TLS-RPT failures in the window");
    app.pending.insert(dn("example.com"), 1);
    let c = checked(healthy_ev("testing"), app.state(&dn("example.com")));
    let fx = app.update(Msg::Checked { generation: 1, purpose: Purpose::Advance, results: vec![c] });
    let [Effect::Op(Op::Advance { reports, .. })] = fx.as_slice() else { panic!("{fx:?}") };
    assert_eq!(reports.as_ref(), Some(&tally(12)));
}

#[test]
fn reports_view_with_failures() {
    let mut app = testing_app();
    app.update(loaded(12));
    key(&mut app, 'R');
    insta::assert_snapshot!(draw(&app, 80, 24));
    key(&mut app, 'R');
    assert!(matches!(&app.screen, Screen::Domain(v) if !v.reports));
}

#[test]
fn reports_view_empty() {
    let mut app = testing_app();
    key(&mut app, 'R');
    insta::assert_snapshot!(draw(&app, 80, 24));
}
