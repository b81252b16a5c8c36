//! TLS-RPT reports in the wizard: import flow, loading, the gate and the reports view.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{
    App, DomainReports, DomainView, Effect, ImportCounts, Msg, Op, Overlay, PromptKind, Purpose, Screen,
};
use super::fixtures::{app_with, checked, dn, draw, healthy_ev, state, ts};
use mtasts_core::rollout::{Phase, ReportTally};
use mtasts_reports::{AuthSummary, DaySummary, DomainCounts, DomainSummary, MxFailure};

fn key(app: &mut App, c: char) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)))
}

fn testing_app() -> App {
    let ev = healthy_ev("testing");
    let s = state(Phase::Testing, 11, Some(&ev));
    let mut app = app_with(vec![s]);
    app.screen = Screen::Domain(DomainView::new(dn("example.com"), Phase::Testing));
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
        authenticated_reports: 2,
        authenticated_successful_sessions: 600,
    }
}

fn summary() -> DomainSummary {
    let day = |d: &str, ok, bad| DaySummary { date: date(d), successful: ok, failed: bad };
    DomainSummary {
        domain: "example.com".into(),
        reports: 3,
        organizations: vec!["Google Inc.".into(), "Microsoft\x1b[31m Corporation".into()],
        counts: DomainCounts {
            successful: 900,
            failed: 12,
            by_type: BTreeMap::from([
                ("certificate-expired".into(), 10),
                ("sts-policy-fetch-error".into(), 2),
            ]),
            by_mx: BTreeMap::from([("mx2.example.com".into(), 12)]),
            policy_types: BTreeMap::from([("sts".into(), 912)]),
            modes: BTreeMap::from([("testing".into(), 912)]),
            failures: vec![
                MxFailure {
                    mx: "mx2.example.com".into(),
                    result_type: "certificate-expired".into(),
                    sessions: 10,
                    receiving_ips: BTreeMap::from([("192.0.2.2".into(), 10)]),
                    ..MxFailure::default()
                },
                MxFailure {
                    mx: "mx2.example.com".into(),
                    result_type: "sts-policy-fetch-error".into(),
                    sessions: 2,
                    ..MxFailure::default()
                },
            ],
        },
        auth: AuthSummary {
            authenticated_reports: 2,
            authenticated_successful_sessions: 600,
            authenticated_by: BTreeMap::from([("DKIM google.com".into(), 1), ("https".into(), 1)]),
            unauthenticated_by: BTreeMap::from([("imported from a file".into(), 1)]),
        },
        failure_rate: 12.0 / 912.0,
        days: vec![day("2026-11-19", 300, 0), day("2026-11-24", 400, 10), day("2026-11-28", 200, 2)],
        window_start: ts(-10),
        window_end: ts(-1),
    }
}

pub(super) fn loaded(failed: u64) -> Msg {
    Msg::ReportsLoaded(Ok(vec![loaded_reports(failed)]))
}

/// example.com's reports: three reports, 912 sessions, `failed` of them in the tally.
pub(super) fn loaded_reports(failed: u64) -> DomainReports {
    DomainReports {
        domain: dn("example.com"),
        since: date("2026-11-18"),
        tally: Some(tally(failed)),
        summary: Some(summary()),
        ahead: None,
    }
}

fn gate_line(screen: &str) -> String {
    screen.lines().find(|l| l.contains("no TLS-RPT failures in the window")).unwrap().trim().to_owned()
}

#[test]
fn i_opens_the_import_prompt_and_enter_imports_once_the_path_is_checked() {
    let mut app = testing_app();
    let fx = key(&mut app, 'i');
    assert!(
        matches!(fx.as_slice(), [Effect::InspectPath { typed, submit: false, .. }] if typed == "./"),
        "{fx:?}"
    );
    let Some(Overlay::Prompt(p)) = &app.overlay else { panic!("no prompt") };
    assert_eq!((p.kind, p.value()), (PromptKind::ImportPath, "./"));
    let fx = app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    assert!(matches!(fx.as_slice(), [Effect::InspectPath { submit: true, .. }]), "{fx:?}");
    let refused =
        Msg::PathInspected { typed: "./".into(), verdict: Err("./ cannot be listed".into()), submit: true };
    assert!(app.update(refused).is_empty(), "a refused path is not used");
    let Some(Overlay::Prompt(p)) = &app.overlay else { panic!("the prompt stays") };
    assert_eq!(p.error.as_deref(), Some("./ cannot be listed"));
    let fine = Msg::PathInspected { typed: "./".into(), verdict: Ok("a folder".into()), submit: true };
    let fx = app.update(fine);
    let [Effect::Import(paths)] = fx.as_slice() else { panic!("{fx:?}") };
    assert_eq!(paths, &vec![PathBuf::from("./")]);
    assert!(app.overlay.is_none());
}

#[test]
fn the_prompt_edits_like_a_shell_line_and_tab_completes_paths() {
    let mut app = testing_app();
    key(&mut app, 'i');
    let ctrl = |c| Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    app.update(ctrl('u'));
    for c in "in/rep".chars() {
        key(&mut app, c);
    }
    let fx = app.update(Msg::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)));
    assert!(matches!(fx.as_slice(), [Effect::Complete { typed }] if typed == "in/rep"), "{fx:?}");
    let done = Msg::Completed {
        typed: "in/rep".into(),
        to: "in/report".into(),
        candidates: vec!["report.json".into(), "reports/".into()],
    };
    let fx = app.update(done);
    assert!(matches!(fx.as_slice(), [Effect::InspectPath { typed, .. }] if typed == "in/report"), "{fx:?}");
    app.update(ctrl('w'));
    let Some(Overlay::Prompt(p)) = &app.overlay else { panic!("no prompt") };
    assert_eq!(p.value(), "in/", "ctrl-w deletes the word before the cursor");
    app.update(Msg::Key(KeyEvent::new(KeyCode::Home, KeyModifiers::NONE)));
    key(&mut app, '.');
    let Some(Overlay::Prompt(p)) = &app.overlay else { panic!("no prompt") };
    assert_eq!(p.value(), ".in/", "home moves the cursor to the start");
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
        ..ImportCounts::default()
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
    let (mut app, _) = App::new(mtasts_core::judge::fixtures::now(), false, None);
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
    assert_eq!(app.tally(&dn("example.com")), Some(&tally(12)));
    assert_eq!(gate_line(&draw(&app, 80, 24)), "○ no TLS-RPT failures in the window");
    app.session_mut(&dn("example.com")).pending = Some(1);
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
    assert!(matches!(&app.screen, Screen::Domain(v) if v.pane == super::app::Pane::Phase));
}

#[test]
fn reports_view_empty() {
    let mut app = testing_app();
    key(&mut app, 'R');
    insta::assert_snapshot!(draw(&app, 80, 24));
}

#[test]
fn an_import_runs_in_the_background_shows_progress_and_esc_cancels_it() {
    let mut app = testing_app();
    app.update(Msg::Key(KeyEvent::new(KeyCode::Char('i'), KeyModifiers::NONE)));
    let fine = Msg::PathInspected { typed: "./".into(), verdict: Ok("a folder".into()), submit: true };
    let fx = app.update(fine);
    assert!(matches!(fx.as_slice(), [Effect::Import(_)]));
    assert!(app.busy(), "the spinner turns while importing");
    let progress =
        ImportCounts { imported: 8390, files: 8412, total_files: Some(20_000), ..Default::default() };
    app.update(Msg::ImportProgress(progress));
    assert_eq!(
        app.import.as_ref().map(ImportCounts::progress).as_deref(),
        Some("8,412 of 20,000 files, 8,390 new reports")
    );
    let fx = app.update(Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
    assert!(matches!(fx.as_slice(), [Effect::CancelImport]), "{fx:?}");
    assert!(
        matches!(app.screen, Screen::Domain(_)),
        "Esc cancelled the import instead of leaving the screen"
    );
    let done = ImportCounts { imported: 8400, cancelled: true, ..Default::default() };
    app.update(Msg::Imported(Ok(done)));
    assert!(app.import.is_none() && !app.busy());
    let Some(Overlay::Note { lines, .. }) = &app.overlay else { panic!("no note") };
    assert!(lines[0].starts_with("cancelled: 8,400 imported"), "{lines:?}");
}

#[test]
fn leaving_a_domain_drops_its_check_in_flight() {
    let mut app = testing_app();
    let Screen::Domain(v) = &app.screen else { panic!("not on a domain") };
    let d = v.domain.clone();
    app.session_mut(&d).pending = Some(7);
    let fx = app.update(Msg::Key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE)));
    assert!(fx.iter().any(|e| matches!(e, Effect::CancelCheck(x) if *x == d)), "{fx:?}");
}

#[test]
fn page_down_in_the_reports_view_moves_by_what_is_shown_and_skips_no_line() {
    let mut app = testing_app();
    app.update(loaded(12));
    key(&mut app, 'R');
    // The pane's rows: below the three header rows, down to its "more" or "end" marker.
    let pane = |screen: &str| -> Vec<String> {
        screen
            .lines()
            .skip(3)
            .take_while(|l| !l.contains(" more line") && !l.contains("— end —"))
            .map(str::to_owned)
            .collect()
    };
    let all = pane(&draw(&app, 80, 200));
    let first = pane(&draw(&app, 80, 24));
    app.update(Msg::Key(KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE)));
    let second = pane(&draw(&app, 80, 24));
    let last_seen = all.iter().position(|l| l == first.last().unwrap()).unwrap();
    assert_eq!(
        second.first(),
        all.get(last_seen + 1),
        "page 1:\n{}\npage 2:\n{}",
        first.join("\n"),
        second.join("\n")
    );
}
