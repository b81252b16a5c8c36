//! Rejections with reasons, size limits (gzip bombs, huge files and messages), truncation.

use std::io::Write;
use std::time::Instant;

use crate::common::reports::{ImportOffline, describe, fixtures, gzip};
use flate2::Compression;
use flate2::write::GzEncoder;
use mtasts_reports::{Outcome, ReportStore};

fn rejection(name: &str, content: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    let store = ReportStore::open(&dir.path().join("state")).unwrap();
    let outcomes = store.import_offline(&[path]);
    assert_eq!(outcomes.len(), 1, "{outcomes:?}");
    match &outcomes[0].outcome {
        Outcome::Rejected { reason } => reason.clone(),
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[test]
fn rejects_broken_inputs_with_a_reason() {
    assert!(rejection("a.json", b"{\"policies\": [").starts_with("not JSON"));
    assert_eq!(rejection("b.json", b"[1, 2]"), "not a TLS-RPT report: the JSON is not an object");
    let no_policies = br#"{"report-id": "x", "date-range": {"start-datetime": "2026-01-01T00:00:00Z",
        "end-datetime": "2026-01-02T00:00:00Z"}}"#;
    assert_eq!(rejection("c.json", no_policies), "not a TLS-RPT report: no `policies`");
    let bad_date = br#"{"report-id": "x", "policies": [], "date-range": {"start-datetime": "yesterday",
        "end-datetime": "2026-01-02T00:00:00Z"}}"#;
    assert!(rejection("d.json", bad_date).starts_with("bad date-range: `start-datetime` is not an RFC 3339"));
    assert!(rejection("e.bin", b"\x00\x01binary").starts_with("not a TLS-RPT report: neither JSON"));
    let full = gzip(&std::fs::read(fixtures().join("rfc8460-example.json")).unwrap());
    assert_eq!(rejection("f.json.gz", &full[..full.len() / 2]), "bad gzip: truncated");
    assert!(rejection("g.json.gz", &gzip(b"not json")).starts_with("not JSON"));
}

#[test]
fn rejects_a_gzip_bomb_quickly() {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    let zeros = vec![b' '; 64 * 1024];
    for _ in 0..320 {
        enc.write_all(&zeros).unwrap(); // 20 MiB of spaces, never held in memory at once
    }
    let bomb = enc.finish().unwrap();
    assert!(bomb.len() < 100 * 1024);
    let started = Instant::now();
    assert_eq!(rejection("bomb.json.gz", &bomb), "too large: more than 10 MiB");
    assert!(started.elapsed().as_secs() < 10);
}

#[test]
fn rejects_an_oversized_plain_json_file() {
    let mut big = b"{\"pad\": \"".to_vec();
    big.resize(10 * 1024 * 1024 + 10, b'x');
    big.extend_from_slice(b"\"}");
    assert_eq!(rejection("big.json", &big), "too large: more than 10 MiB");
}

#[test]
fn a_broken_report_part_in_an_email_is_rejected_with_its_part() {
    let eml = std::fs::read_to_string(fixtures().join("mail-tlsrpt-gzip.eml")).unwrap();
    // Cut the base64 report short: still valid base64 lines, but a truncated gzip stream.
    let start = eml.find("\n\nH4sI").unwrap() + 2;
    let truncated = format!("{}{}\n------=_Part_4711--\n", &eml[..start], &eml[start..start + 76]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.eml");
    std::fs::write(&path, truncated).unwrap();
    let store = ReportStore::open(dir.path()).unwrap();
    let outcomes = store.import_offline(std::slice::from_ref(&path));
    assert_eq!(outcomes.len(), 1);
    assert_eq!(outcomes[0].source.part.as_deref(), Some("2"));
    assert_eq!(outcomes[0].outcome, Outcome::Rejected { reason: "bad gzip: truncated".into() });
    assert_eq!(outcomes[0].to_string(), format!("{} part 2: rejected: bad gzip: truncated", path.display()));
}

#[test]
fn an_oversized_mbox_message_is_rejected_and_the_next_one_imported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.mbox");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(file, "From someone Mon Nov 23 06:00:00 2026\nSubject: huge\n").unwrap();
    let line = [b'a'; 1023];
    for _ in 0..65 * 1024 {
        file.write_all(&line).unwrap();
        file.write_all(b"\n").unwrap();
    }
    let report =
        std::fs::read_to_string(fixtures().join("mail-octet.eml")).unwrap().replace("\nFrom ", "\n>From ");
    writeln!(file, "From reporter Mon Nov 23 06:00:00 2026").unwrap();
    file.write_all(report.as_bytes()).unwrap();
    drop(file);
    let store = ReportStore::open(&dir.path().join("state")).unwrap();
    let got = describe(&store.import_offline(&[path]));
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(
        (got[0].1, got[0].3, got[0].4.as_str()),
        (Some(1), "rejected", "message too large: more than 64 MiB")
    );
    assert_eq!((got[1].1, got[1].3, got[1].4.as_str()), (Some(2), "imported", "b-7f3c2a"));
}
