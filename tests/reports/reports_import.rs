//! Importing TLS-RPT reports from files, e-mails, mbox files and maildirs into the store.

use std::path::Path;

use crate::common::reports::{ImportOffline, describe, fixtures, load_all, stored_files, stored_json};
use mtasts_reports::{ImportOutcome, Outcome, ReportStore, entry_of, parse_report, report_key, summarize};

#[test]
fn imports_every_kind_once_and_names_each_item() {
    let state = tempfile::tempdir().unwrap();
    let store = ReportStore::open(state.path()).unwrap();
    let outcomes = store.import_offline(&[fixtures()]);
    let got = describe(&outcomes);
    let s = |x: &str| Some(x.to_owned());
    let rfc_id = "5065427c-23d3-47ca-b6e0-946ea0e8c4be";
    let a_id = "2026-11-20T00:00:00Z_example.org";
    let no_report = "no TLS-RPT report in this e-mail (found application/pdf, text/plain)";
    let expected = vec![
        ("giant-a.json".into(), None, None, "imported", a_id.into()),
        ("giant-a.json.gz".into(), None, None, "duplicate", a_id.into()),
        ("giant-b.json".into(), None, None, "imported", "b-7f3c2a".into()),
        ("mail-app-gzip.eml".into(), None, s("2"), "duplicate", a_id.into()),
        ("mail-no-report.eml".into(), None, None, "ignored", no_report.into()),
        ("mail-octet.eml".into(), None, s("2"), "duplicate", "b-7f3c2a".into()),
        ("mail-tlsrpt-gzip.eml".into(), None, s("2"), "imported", rfc_id.into()),
        ("maildir/cur/1795392000.M1P1.host,S=1234,2,S".into(), None, s("2"), "duplicate", "b-7f3c2a".into()),
        ("maildir/new/1795392001.M2P1.host".into(), None, s("2"), "imported", "d-2026-11-22".into()),
        ("mbox/reports.mbox".into(), Some(1), s("2"), "duplicate", rfc_id.into()),
        ("mbox/reports.mbox".into(), Some(2), None, "ignored", no_report.into()),
        ("mbox/reports.mbox".into(), Some(3), s("2"), "imported", "c-2026-11-22".into()),
        ("rfc8460-example.json".into(), None, None, "duplicate", rfc_id.into()),
    ];
    assert_eq!(got, expected);
    assert_eq!(stored_files(&store).len(), 5);

    let imported_a = outcomes
        .iter()
        .find(|o| matches!(&o.outcome, Outcome::Imported { report_id, .. } if report_id == a_id));
    let Some(ImportOutcome { outcome: Outcome::Imported { domains, .. }, .. }) = imported_a else { panic!() };
    assert_eq!(domains, &vec!["example.org".to_owned()]);

    // Re-importing the same mailboxes adds nothing.
    let json = serde_json::to_value(&outcomes[0]).unwrap();
    assert_eq!(json["status"], "imported");
    assert_eq!(json["report_id"], a_id);
    assert_eq!(json["domains"], serde_json::json!(["example.org"]));
    assert_eq!(json["source"]["message"], serde_json::Value::Null);

    let again = store.import_offline(&[fixtures().join("mbox"), fixtures().join("maildir")]);
    let statuses: Vec<_> = describe(&again).into_iter().map(|d| d.3).collect();
    assert_eq!(statuses, vec!["duplicate", "ignored", "duplicate", "duplicate", "duplicate"]);
    assert_eq!(stored_files(&store).len(), 5);

    let reports = load_all(&store);
    assert!(store.unreadable().unwrap().is_empty());
    let ids: Vec<&str> = reports.iter().map(|r| r.report_id.as_str()).collect();
    assert_eq!(ids, vec![rfc_id, a_id, "b-7f3c2a", "c-2026-11-22", "d-2026-11-22"]);
    let summary = summarize(&reports, Some("example.org"), None);
    assert_eq!(summary.len(), 1);
    assert_eq!(summary[0].reports, 4);
    assert_eq!(summary[0].counts.total(), 1855);
    assert_eq!(summary[0].counts.failed, 125);
}

#[test]
fn stores_the_original_json_under_its_key_and_content() {
    let state = tempfile::tempdir().unwrap();
    let store = ReportStore::open(state.path()).unwrap();
    let outcomes = store.import_offline(&[fixtures().join("giant-b.json")]);
    assert!(matches!(outcomes[0].outcome, Outcome::Imported { .. }), "{outcomes:?}");
    let json = std::fs::read(fixtures().join("giant-b.json")).unwrap();
    let entry = entry_of(&parse_report(&json).unwrap());
    assert_eq!(entry.key, report_key(Some("Mail Giant B"), None, "b-7f3c2a", &["example.org".to_owned()]));
    let name = format!("{}-{}", &entry.key[..32], &entry.content[..32]);
    assert_eq!(stored_files(&store), vec![name]);
    // Byte for byte as received, in one database file of the state directory.
    assert_eq!(stored_json(&store), vec![json]);
    assert_eq!(store.path(), state.path().join("reports.sqlite3"));
    assert!(!state.path().join("reports").exists());
}

#[test]
fn detects_kinds_by_content_not_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let gz_named_txt = dir.path().join("report.txt");
    std::fs::write(&gz_named_txt, std::fs::read(fixtures().join("giant-a.json.gz")).unwrap()).unwrap();
    let eml_no_ext = dir.path().join("message");
    std::fs::copy(fixtures().join("mail-octet.eml"), &eml_no_ext).unwrap();
    let mbox_named_json = dir.path().join("box.json");
    std::fs::copy(fixtures().join("mbox/reports.mbox"), &mbox_named_json).unwrap();
    let state = tempfile::tempdir().unwrap();
    let store = ReportStore::open(state.path()).unwrap();
    let got = describe(&store.import_offline(&[gz_named_txt, eml_no_ext, mbox_named_json]));
    let statuses: Vec<_> = got.iter().map(|d| d.3).collect();
    assert_eq!(statuses, vec!["imported", "imported", "imported", "ignored", "imported"], "{got:?}");
}

#[test]
fn an_unreadable_file_of_the_old_store_is_kept_and_reported() {
    let state = tempfile::tempdir().unwrap();
    let old = state.path().join("reports");
    std::fs::create_dir(&old).unwrap();
    std::fs::copy(fixtures().join("giant-a.json"), old.join("a.json")).unwrap();
    std::fs::write(old.join("0000.json"), b"garbage").unwrap();
    let store = ReportStore::open(state.path()).unwrap();
    assert_eq!(load_all(&store).len(), 1);
    let unreadable = store.unreadable().unwrap();
    assert_eq!(unreadable.len(), 1);
    assert_eq!(unreadable[0].0, "0000.json");
    assert!(unreadable[0].1.starts_with("not JSON"), "{unreadable:?}");
    assert!(!old.exists());
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    let raw: Vec<u8> = conn.query_row("SELECT raw FROM unreadable", [], |r| r.get(0)).unwrap();
    assert_eq!(raw, b"garbage");
}

#[test]
fn finds_a_report_inside_a_forwarded_message() {
    let inner = std::fs::read_to_string(fixtures().join("mail-octet.eml")).unwrap();
    let forward = format!(
        "From: admin@example.org\nTo: me@example.org\nSubject: Fwd: report\nMIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=\"fwd\"\n\n--fwd\nContent-Type: text/plain\n\n\
         see below\n--fwd\nContent-Type: message/rfc822\n\n{inner}\n--fwd--\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fwd.eml");
    std::fs::write(&path, forward).unwrap();
    let store = ReportStore::open(dir.path()).unwrap();
    let got = describe(&store.import_offline(&[path]));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].2.as_deref(), got[0].3, got[0].4.as_str()), (Some("2.2"), "imported", "b-7f3c2a"));
}

#[test]
fn a_missing_path_is_reported_and_the_rest_imported() {
    let state = tempfile::tempdir().unwrap();
    let store = ReportStore::open(state.path()).unwrap();
    let missing = state.path().join("nope.json");
    let got = describe(&store.import_offline(&[missing, fixtures().join("giant-b.json")]));
    assert_eq!(got[0].3, "rejected");
    assert!(got[0].4.starts_with("cannot read:"), "{got:?}");
    assert_eq!(got[1].3, "imported");
}

#[test]
fn walks_maildir_plus_plus_folders_but_skips_tmp_and_dot_files() {
    let root = tempfile::tempdir().unwrap();
    let folder = root.path().join(".TLS-Reports");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(folder.join(sub)).unwrap();
    }
    std::fs::copy(fixtures().join("mail-octet.eml"), folder.join("cur/1.M1.host,2,S")).unwrap();
    std::fs::copy(fixtures().join("mail-app-gzip.eml"), folder.join("tmp/2.M2.host")).unwrap();
    std::fs::write(root.path().join(".dovecot.lock"), b"x").unwrap();
    std::fs::write(folder.join("dovecot-uidlist"), b"3 V1 N2\n").unwrap();
    let state = tempfile::tempdir().unwrap();
    let store = ReportStore::open(state.path()).unwrap();
    let got = describe(&store.import_offline(&[root.path().to_owned()]));
    let rel: Vec<_> = got
        .iter()
        .map(|r| (Path::new(&r.0).strip_prefix(root.path()).unwrap().display().to_string(), r.3))
        .collect();
    let expected = vec![
        (".TLS-Reports/cur/1.M1.host,2,S".to_owned(), "imported"),
        (".TLS-Reports/dovecot-uidlist".to_owned(), "ignored"),
    ];
    assert_eq!(rel, expected);
}
