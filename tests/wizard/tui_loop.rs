//! The real event loop (on a TestBackend, keys scripted) through an import of 20,000 reports:
//! frames keep coming with progress, keys are answered while it runs, Esc cancels it and the
//! report store keeps exactly the reports the wizard says it stored. (How long the loop goes
//! without a frame is measured by `benches/tui.rs`, not asserted here.)

use crate::common::tui_loop::{make_reports, run};
use crossterm::event::{KeyCode, KeyModifiers};

const REPORTS: usize = 20_000;

fn imported_in(line: &str) -> usize {
    let rest = line.split("cancelled: ").nth(1).unwrap();
    rest.split(' ').next().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_of_20000_reports_keeps_the_loop_answering_and_esc_cancels_it() {
    let dir = tempfile::tempdir().unwrap();
    let inbox = make_reports(dir.path(), REPORTS);
    let state = dir.path().join("state");
    let path = inbox.display().to_string();
    let (stats, frames) = run(&state, 80, 24, move |s| async move {
        s.wait_for(0, |t| t.contains("MTA-STS rollouts")).await;
        s.key(KeyCode::Char('i'));
        s.key_with(KeyCode::Char('u'), KeyModifiers::CONTROL);
        s.type_str(&path);
        s.key(KeyCode::Enter);
        let (started, _) = s.wait_for(0, |t| t.contains("of 20,000 files")).await;
        for _ in 0..3 {
            let n = s.count();
            s.key(KeyCode::Char('?'));
            let (_, t) = s.wait_for(n, |t| t.contains(" keys ")).await;
            assert!(t.contains("import:") && t.contains("esc cancels"), "the import still runs:\n{t}");
            let n = s.count();
            s.key(KeyCode::Char('?'));
            s.wait_for(n, |t| !t.contains(" keys ")).await;
        }
        let n = s.count();
        s.key(KeyCode::Esc);
        let (done, _) = s.wait_for(n, |t| t.contains("cancelled: ")).await;
        assert!(done > started);
    })
    .await;
    assert_eq!(stats.draws as usize, frames.len());
    let progress: std::collections::BTreeSet<String> = frames
        .iter()
        .filter_map(|f| f.text.lines().find(|l| l.contains("import:")).map(str::to_owned))
        .collect();
    assert!(progress.len() >= 2, "progress moved on while importing: {progress:?}");
    assert!(
        progress.iter().any(|l| l.contains(&format!("of {} files", "20,000"))),
        "the progress line names the total: {progress:?}"
    );
    let last = frames.iter().rev().find(|f| f.text.contains("cancelled: ")).unwrap();
    let line = last.text.lines().find(|l| l.contains("cancelled: ")).unwrap();
    let imported = imported_in(line);
    assert!(imported < REPORTS, "cancelled before the end: {line}");
    let stored = mtasts_reports::ReportStore::open(&state).unwrap().count().unwrap();
    assert_eq!(stored as usize, imported, "the store holds exactly what the wizard reported");
}
