//! Issue 11, items 1 and 2: a forged report can no longer hide a real one, and commands read
//! the small tally index instead of whole reports (rebuilt when missing or stale).

use std::path::{Path, PathBuf};
use std::process::Output;

use mtasts::store::Store;
use mtasts_core::finding::Verdict;
use mtasts_core::rfc::{DomainName, MxPattern};
use mtasts_core::rollout::{Observation, Phase, Transition, new_domain};

const DOMAIN: &str = "example.org";
const NOW: &str = "2026-11-25T12:00:00Z";

fn report(org: &str, id: &str, failed: u64) -> serde_json::Value {
    serde_json::json!({
        "organization-name": org,
        "date-range": {"start-datetime": "2026-11-20T00:00:00Z", "end-datetime": "2026-11-20T23:59:59Z"},
        "report-id": id,
        "policies": [{
            "policy": {"policy-type": "sts", "policy-domain": DOMAIN, "policy-string": ["mode: testing"]},
            "summary": {"total-successful-session-count": 880, "total-failure-session-count": failed},
            "failure-details": if failed > 0 {
                serde_json::json!([{"result-type": "certificate-expired", "receiving-mx-hostname": "mx1.example.org", "failed-session-count": failed}])
            } else { serde_json::json!([]) },
        }],
    })
}

fn write(dir: &Path, name: &str, v: &serde_json::Value) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_vec(v).unwrap()).unwrap();
    p
}

fn run(state: &Path, args: &[&str]) -> Output {
    crate::common::mtasts_at(state, NOW).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// A domain 24 days into testing (window started 2026-11-01).
fn track_testing(state: &Path) {
    let store = Store::open(state).unwrap();
    let now: jiff::Timestamp = "2026-11-01T00:00:00Z".parse().unwrap();
    let mx = MxPattern::parse("mx1.example.org").unwrap();
    let mut s = new_domain(DomainName::parse(DOMAIN).unwrap(), vec![mx], Vec::new(), None, now);
    s.phase = Phase::Testing;
    s.transitions.push(Transition { phase: Phase::Testing, at: now });
    s.last_observation = Some(Observation {
        at: NOW.parse().unwrap(),
        verdict: Verdict::Pass,
        error_codes: Vec::new(),
        warning_codes: Vec::new(),
        live_mx: None,
        mx_results: Vec::new(),
        sts_id: Some(s.plan.id.clone()),
        tlsrpt_rua: Some(s.plan.rua.clone()),
        live_policy: Some(s.plan.policy()),
        ns_sts: None,
    });
    store.create(&s).unwrap();
}

#[test]
fn a_forged_report_under_the_same_id_hides_nothing() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    track_testing(&state);
    // Another organisation, the real report's id, zero failures; then the real one.
    let forged = write(dir.path(), "forged.json", &report("Forger", "2026-11-20_example.org", 0));
    let real = write(dir.path(), "real.json", &report("Mail Giant", "2026-11-20_example.org", 120));
    let out = run(&state, &["reports", "import", forged.to_str().unwrap(), real.to_str().unwrap()]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("2 imported"), "the real report is not skipped:\n{text}");
    let summary = stdout(&run(&state, &["reports", "summary", DOMAIN]));
    assert!(summary.contains("failed 120"), "{summary}");
    let status = stdout(&run(&state, &["status", DOMAIN, "--json"]));
    let v: serde_json::Value = serde_json::from_str(status.trim()).unwrap();
    let blockers = v["blockers"].as_array().unwrap();
    assert!(
        blockers.iter().any(|b| b.as_str().unwrap().contains("120")),
        "the gate counts the real failures: {blockers:?}"
    );

    // The same organisation and id with other content: both kept, the conflict named, the
    // worst copy counted whatever the order.
    let forged_same_org =
        write(dir.path(), "forged2.json", &report("Mail Giant", "2026-11-20_example.org", 0));
    let out = run(&state, &["reports", "import", forged_same_org.to_str().unwrap()]);
    let text = stdout(&out);
    assert!(text.contains("CONFLICT: 1 other copy"), "{text}");
    assert!(text.contains("1 imported (1 conflicting"), "{text}");
    let summary = stdout(&run(&state, &["reports", "summary", DOMAIN]));
    assert!(summary.contains("failed 120"), "{summary}");
    assert!(
        summary.contains("exists in 2 different copies (failed sessions 120 / 0); the worst is counted"),
        "{summary}"
    );
    let json = stdout(&run(&state, &["reports", "summary", DOMAIN, "--json"]));
    let v: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(v["failed_sessions"], 120);
    assert_eq!(v["conflicts"][0]["failed_per_copy"], serde_json::json!([120, 0]));
    let status = stdout(&run(&state, &["status", DOMAIN]));
    assert!(status.contains("exists in 2 different copies"), "status names the conflict:\n{status}");
    // Importing the identical file again is a duplicate, not a conflict.
    let again = stdout(&run(&state, &["reports", "import", real.to_str().unwrap()]));
    assert!(again.contains("skipped") && again.contains("0 imported"), "{again}");
}

#[test]
fn the_store_is_one_database_and_a_damaged_or_linked_one_is_refused_and_left_alone() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    track_testing(&state);
    let a = write(dir.path(), "a.json", &report("A", "a-1", 7));
    assert!(run(&state, &["reports", "import", a.to_str().unwrap()]).status.success());
    let db = state.join("reports.sqlite3");
    assert!(db.is_file(), "import writes the database");
    assert!(!state.join("reports").exists(), "and no report files");
    let summary = stdout(&run(&state, &["reports", "summary", DOMAIN]));
    assert!(summary.contains("failed 7"), "{summary}");
    let good = std::fs::read(&db).unwrap();
    for companion in ["reports.sqlite3-wal", "reports.sqlite3-shm"] {
        let _ = std::fs::remove_file(state.join(companion));
    }

    // A file that is not a database: every report command fails naming it, nothing rewrites it,
    // and `status` still answers (without report numbers).
    let garbage = vec![0x5a_u8; 8192];
    std::fs::write(&db, &garbage).unwrap();
    for args in [vec!["reports", "summary"], vec!["reports", "import", a.to_str().unwrap()]] {
        let out = run(&state, &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(err.contains("reports.sqlite3") && err.contains("not a database"), "{args:?}: {err}");
        assert_eq!(std::fs::read(&db).unwrap(), garbage, "{args:?} left the file as it was");
    }
    let status = run(&state, &["status", DOMAIN]);
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));

    // A symbolic link in its place is refused, not followed.
    let elsewhere = dir.path().join("elsewhere.sqlite3");
    std::fs::write(&elsewhere, &good).unwrap();
    std::fs::remove_file(&db).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &db).unwrap();
    let out = run(&state, &["reports", "import", a.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read(&elsewhere).unwrap(), good);

    // Put back, it reads as before.
    std::fs::remove_file(&db).unwrap();
    std::fs::write(&db, &good).unwrap();
    let summary = stdout(&run(&state, &["reports", "summary", DOMAIN]));
    assert!(summary.contains("failed 7"), "{summary}");
}
