//! The report database with real processes: an old file store moved in (and a move killed
//! half-way), importers writing at once while a reader reads, and retention (prune, export).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use crate::common;
use crate::common::reports::{ImportOffline, write_legacy_store};
use mtasts_reports::{Range, ReportStore, parse_report, summarize};

/// A small report of `domain` on `day` (of November 2026) from organisation `org`.
fn report(domain: &str, day: u32, org: &str, failed: u64) -> String {
    let org = serde_json::to_string(org).unwrap();
    let org = &org[1..org.len() - 1];
    let failures = if failed > 0 {
        format!(
            r#"{{"result-type":"certificate-expired","receiving-mx-hostname":"mx1.{domain}","receiving-ip":"192.0.2.1","failed-session-count":{failed}}}"#
        )
    } else {
        String::new()
    };
    format!(
        r#"{{"organization-name":"{org}","date-range":{{"start-datetime":"2026-11-{day:02}T00:00:00Z","end-datetime":"2026-11-{day:02}T23:59:59Z"}},"contact-info":"tlsrpt@sender.example","report-id":"{domain}-{day}-{org}","policies":[{{"policy":{{"policy-type":"sts","policy-string":["version: STSv1","mode: testing","mx: mx1.{domain}","max_age: 86400"],"policy-domain":"{domain}","mx-host":["mx1.{domain}"]}},"summary":{{"total-successful-session-count":{},"total-failure-session-count":{failed}}},"failure-details":[{failures}]}}]}}"#,
        10 + day
    )
}

/// `n` distinct reports of `client<i % 20>.example`, numbered from `from`.
fn reports(from: usize, n: usize) -> Vec<String> {
    (from..from + n)
        .map(|i| {
            report(
                &format!("client{}.example", i % 20),
                1 + (i % 28) as u32,
                &format!("Org {i}"),
                (i % 3) as u64,
            )
        })
        .collect()
}

fn write_folder(dir: &Path, name: &str, reports: &[String]) -> PathBuf {
    let folder = dir.join(name);
    std::fs::create_dir_all(&folder).unwrap();
    for (i, r) in reports.iter().enumerate() {
        std::fs::write(folder.join(format!("{i}.json")), r).unwrap();
    }
    folder
}

fn run(state: &Path, args: &[&str]) -> Output {
    common::mtasts_at(state, "2026-12-01T00:00:00Z").args(args).output().unwrap()
}

fn text(o: &Output) -> String {
    common::output_text(o)
}

/// `reports summary DOMAIN --json` as JSON (`Null` without reports).
fn summary(state: &Path, domain: &str) -> serde_json::Value {
    let out = run(state, &["reports", "summary", domain, "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let line = String::from_utf8_lossy(&out.stdout).lines().next().map(str::to_owned);
    line.map_or(serde_json::Value::Null, |l| serde_json::from_str(&l).unwrap())
}

#[test]
fn an_interrupted_move_of_the_old_store_goes_on_where_it_stopped_and_loses_nothing() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let all = reports(0, 4000);
    let legacy: Vec<(&[u8], Option<&str>)> = all.iter().map(|r| (r.as_bytes(), None)).collect();
    write_legacy_store(&state, &legacy);
    let old = state.join("reports");
    std::fs::write(old.join("0000.json"), b"garbage").unwrap();
    let files = || std::fs::read_dir(&old).unwrap().count();
    assert_eq!(files(), 4001);

    // Killed after the first batches were moved.
    let mut child = common::mtasts(&state)
        .args(["reports", "summary", "client3.example"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let progress = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.contains("moving the report store into reports.sqlite3: ") && !l.contains(": 0 of "));
    child.kill().unwrap();
    child.wait().unwrap();
    let progress = progress.expect("a progress line");
    assert!(progress.ends_with(" of 4001 files"), "{progress}");
    assert_eq!(files(), 4001, "nothing is removed before the move verifies ({progress})");
    let moved = stored_count(&state);
    assert!(moved > 0 && moved < 4000, "killed half-way: {moved} moved");

    // Run again: it goes on from there, verifies, and removes the old store.
    let out = run(&state, &["reports", "summary", "client3.example", "--json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{}", text(&out));
    let first = err.lines().find(|l| l.contains("moving the report store")).unwrap();
    assert!(!first.contains(": 0 of "), "resumed, not started over: {err}");
    assert!(err.contains("4001 of 4001 files"), "{err}");
    assert!(err.contains("mtasts: skipped 0000.json: not JSON"), "{err}");
    assert!(!old.exists());
    let store = ReportStore::open(&state).unwrap();
    assert_eq!(store.count().unwrap(), 4000);
    assert_eq!(store.unreadable().unwrap().len(), 1);
    // The numbers are those of the reports themselves.
    let parsed: Vec<_> = all.iter().map(|r| parse_report(r.as_bytes()).unwrap()).collect();
    let want = &summarize(&parsed, Some("client3.example"), None)[0];
    let got = summary(&state, "client3.example");
    assert_eq!(got["reports"], want.reports, "{got}");
    assert_eq!(got["total_sessions"], want.counts.total());
    assert_eq!(got["failed_sessions"], want.counts.failed);
}

/// The number of reports in the database of `state`, read without moving anything.
fn stored_count(state: &Path) -> i64 {
    let conn = rusqlite::Connection::open(state.join(mtasts_reports::DB_FILE)).unwrap();
    conn.query_row("SELECT count(*) FROM reports", [], |r| r.get(0)).unwrap()
}

#[test]
fn two_importers_at_once_store_each_report_once_and_a_reader_reads_meanwhile() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    // 1500 reports each, 500 of them in both folders.
    let a = write_folder(dir.path(), "a", &reports(0, 1500));
    let b = write_folder(dir.path(), "b", &reports(1000, 1500));
    ReportStore::open(&state).unwrap();
    // Their output goes to files: a full pipe would stop them.
    let import = |folder: &Path| {
        let out = std::fs::File::create(folder.with_extension("out")).unwrap();
        common::mtasts(&state)
            .args(["reports", "import", folder.to_str().unwrap()])
            .stdout(out)
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap()
    };
    let (mut ia, mut ib) = (import(&a), import(&b));
    let mut seen = Vec::new();
    let mut during = 0;
    loop {
        let mut both_running = || ia.try_wait().unwrap().is_none() && ib.try_wait().unwrap().is_none();
        let before = both_running();
        let s = summary(&state, "client7.example");
        seen.push(s["reports"].as_u64().unwrap_or(0));
        if before && both_running() {
            during += 1;
        }
        if ia.try_wait().unwrap().is_some() && ib.try_wait().unwrap().is_some() {
            break;
        }
    }
    let (sa, sb) = (ia.wait().unwrap(), ib.wait().unwrap());
    assert!(sa.success() && sb.success());
    let last = |folder: &Path| {
        let out = std::fs::read_to_string(folder.with_extension("out")).unwrap();
        out.lines().last().unwrap().to_owned()
    };
    let counts = |line: &str| -> (u64, u64) {
        let n = |word: &str| {
            let at = line.find(word).unwrap();
            line[..at].trim_end().rsplit([' ', ',']).next().unwrap().parse::<u64>().unwrap()
        };
        (n(" imported"), n(" duplicate"))
    };
    let (oa, ob) = (last(&a), last(&b));
    let ((ia_new, ia_dup), (ib_new, ib_dup)) = (counts(&oa), counts(&ob));
    assert_eq!((ia_new + ib_new, ia_dup + ib_dup), (2500, 500), "{oa}\n{ob}");
    assert_eq!(ReportStore::open(&state).unwrap().count().unwrap(), 2500);
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "a reader never sees reports vanish: {seen:?}");
    assert_eq!(summary(&state, "client7.example")["reports"], 125);
    assert!(during > 0, "a summary finished while both imports were writing ({} reads)", seen.len());
}

#[test]
fn prune_deletes_old_reports_and_export_writes_them_faithfully() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let hostile = report("b.example", 20, "Org, \"quoted\"\u{1b}[2J", 4);
    let folder = write_folder(
        dir.path(),
        "in",
        &[report("a.example", 1, "Old Org", 0), report("a.example", 25, "New Org", 2), hostile.clone()],
    );
    let store = ReportStore::open(&state).unwrap();
    assert_eq!(store.import_offline(&[folder]).len(), 3);

    let csv = run(&state, &["reports", "export", "--since", "2026-11-02", "--format", "csv"]);
    assert!(csv.status.success(), "{}", text(&csv));
    let csv = String::from_utf8(csv.stdout).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "start,end,domain,organization,contact,report_id,successful_sessions,failed_sessions,failures,authentication,received"
    );
    assert_eq!(lines.len(), 3, "{csv}");
    // Oldest first; quoted as RFC 4180 asks; the escape exported as it is (not a terminal).
    assert!(lines[1].starts_with("2026-11-20T00:00:00Z,2026-11-20T23:59:59Z,b.example,\"Org, \"\"quoted\"\"\u{1b}[2J\",tlsrpt@sender.example,"), "{}", lines[1]);
    assert!(
        lines[1]
            .contains(",30,4,mx1.b.example certificate-expired 4,not authenticated: imported from a file,"),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains(",a.example,New Org,"), "{}", lines[2]);

    let json = run(&state, &["reports", "export", "--since", "2026-11-01", "--domain", "B.example"]);
    assert!(json.status.success(), "{}", text(&json));
    let out = String::from_utf8(json.stdout).unwrap();
    assert!(!out.contains('\u{1b}'), "JSON escapes control characters: {out}");
    let rows: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["report"], serde_json::from_str::<serde_json::Value>(&hostile).unwrap());
    assert_eq!(rows[0]["domains"][0]["failed"], 4);

    let dry = run(&state, &["reports", "prune", "--older-than", "20d", "--dry-run"]);
    assert!(
        text(&dry).contains("would prune 1 report that ended before 2026-11-11 (older than 20 days); 2 kept"),
        "{}",
        text(&dry)
    );
    assert_eq!(store.count().unwrap(), 3);
    let pruned = run(&state, &["reports", "prune", "--older-than", "20d"]);
    assert!(
        text(&pruned).contains("pruned 1 report that ended before 2026-11-11 (older than 20 days); 2 kept"),
        "{}",
        text(&pruned)
    );
    assert_eq!(store.count().unwrap(), 2);
    assert!(
        store
            .entries_for("a.example", Range::default())
            .unwrap()
            .iter()
            .all(|e| e.organization.as_deref() == Some("New Org"))
    );
    let bad = run(&state, &["reports", "prune", "--older-than", "400"]);
    assert!(!bad.status.success() && text(&bad).contains("such as 400d"), "{}", text(&bad));
}

#[test]
fn the_database_refuses_a_schema_from_a_newer_version_and_leaves_it() {
    let dir = tempfile::tempdir().unwrap();
    ReportStore::open(dir.path()).unwrap();
    let db = dir.path().join(mtasts_reports::DB_FILE);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(&format!("PRAGMA user_version = {}", mtasts_reports::SCHEMA_VERSION + 1)).unwrap();
    drop(conn);
    let err = ReportStore::open(dir.path()).unwrap_err().to_string();
    assert!(err.contains("written by a newer mtasts") && err.contains("reports.sqlite3"), "{err}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, mtasts_reports::SCHEMA_VERSION + 1);
}

/// Sets `path`'s permission bits.
fn mode(path: &Path, bits: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(bits)).unwrap();
}

/// Runs mtasts on `state` as a user who may read but not write it: `nobody` when the tests
/// run as root (root reads and writes through permissions), else this user.
fn as_reader(state: &Path, home: &Path, args: &[&str]) -> Output {
    use std::os::unix::fs::MetadataExt;
    use std::os::unix::process::CommandExt;
    let mut cmd = common::mtasts_at(state, "2026-12-01T00:00:00Z");
    if std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0) {
        cmd.uid(65534).gid(65534);
    }
    cmd.env("HOME", home).args(args).output().unwrap()
}

#[test]
fn a_reader_of_a_state_directory_without_a_report_store_sees_no_reports_and_may_not_import() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    std::fs::create_dir_all(&state).unwrap();
    let folder = write_folder(dir.path(), "in", &reports(0, 2));
    mode(dir.path(), 0o755);
    mode(&state, 0o555);
    let read = as_reader(&state, dir.path(), &["reports", "summary"]);
    assert!(read.status.success() && text(&read).contains("no reports imported"), "{}", text(&read));
    let refused = as_reader(&state, dir.path(), &["reports", "import", folder.to_str().unwrap()]);
    assert!(text(&refused).contains("may read it but not write it"), "{}", text(&refused));
    mode(&state, 0o755);
    assert!(!state.join(mtasts_reports::DB_FILE).exists(), "nothing was made");
}

#[test]
fn a_user_who_may_only_read_the_state_directory_reads_its_reports_and_status_and_writes_nothing() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let folder = write_folder(dir.path(), "in", &reports(0, 40));
    let import = run(&state, &["reports", "import", folder.to_str().unwrap()]);
    assert!(import.status.success(), "{}", text(&import));
    let before = summary(&state, "client1.example");
    assert!(before.is_object(), "{before}");
    let db = state.join(mtasts_reports::DB_FILE);
    assert!(!Path::new(&format!("{}-shm", db.display())).exists(), "closed cleanly: no WAL index left");

    mode(dir.path(), 0o755);
    mode(&state, 0o555);
    mode(&db, 0o444);
    let reader = |args: &[&str]| as_reader(&state, dir.path(), args);
    let read = reader(&["reports", "summary", "client1.example", "--json"]);
    assert!(read.status.success(), "{}", text(&read));
    let line = String::from_utf8_lossy(&read.stdout).lines().next().map(str::to_owned).unwrap_or_default();
    assert_eq!(serde_json::from_str::<serde_json::Value>(&line).unwrap(), before);
    assert!(!state.join("domains").exists());
    let status = reader(&["status"]);
    assert!(
        status.status.success() && text(&status).contains("no domains are tracked yet"),
        "{}",
        text(&status)
    );

    let more = write_folder(dir.path(), "more", &reports(40, 5));
    mode(dir.path(), 0o755);
    let refused = reader(&["reports", "import", more.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    let said = text(&refused);
    assert!(said.contains("may read it but not write it") && said.contains("reports.sqlite3"), "{said}");
    assert!(!said.contains("0.json"), "refused before any report is read: {said}");
    let pruned = reader(&["reports", "prune", "--older-than", "1d"]);
    assert!(text(&pruned).contains("may read it but not write it"), "{}", text(&pruned));
    mode(&state, 0o755);
    mode(&db, 0o644);
    assert_eq!(stored_count(&state), 40);
}

#[test]
fn each_report_is_stamped_with_the_program_s_clock_as_it_arrives() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let folder = write_folder(dir.path(), "in", &reports(0, 2));
    let import = run(&state, &["reports", "import", folder.to_str().unwrap()]);
    assert!(import.status.success(), "{}", text(&import));
    let csv = run(&state, &["reports", "export", "--since", "2026-11-01", "--format", "csv"]);
    let csv = String::from_utf8(csv.stdout).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(
        rows.iter().all(|r| r.ends_with(",2026-12-01T00:00:00Z")),
        "MTASTS_NOW, not the system clock:\n{csv}"
    );
}
