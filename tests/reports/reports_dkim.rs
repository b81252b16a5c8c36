//! E-mailed reports are DKIM-checked on import: messages signed by a real signer (dkimpy) with
//! keys published in the lab's DNS, asked through `--resolver` like the probes; a forged
//! (unsigned), a tampered, a relayed and a wrongly keyed message; a report first imported as a
//! bare file and then from its signed e-mail; reports POSTed to the https rua.

use std::path::Path;
use std::process::Output;

use crate::common;
use crate::common::dkim::{DkimKey, dkimpy, report_email, with_reporters};
use crate::common::lab_env::LabEnv;
use crate::common::reports::{ReporterFailure, tlsrpt_reporter_json};

fn report(contact: &str, day: &str, failed: u64) -> (String, String) {
    let failures: Vec<ReporterFailure> = (failed > 0)
        .then_some(ReporterFailure {
            result_type: "certificate-expired",
            mx: "mx1.example.org",
            receiving_ip: "192.0.2.10",
            sending_mta: "198.51.100.1",
            reason_code: None,
            sessions: failed,
        })
        .into_iter()
        .collect();
    let json = tlsrpt_reporter_json(("Sender Org", contact), day, 1, "example.org", 100, &failures);
    (json, format!("{day}T00:00:00Z_idx1_example.org"))
}

fn email(contact: &str, day: &str) -> Vec<u8> {
    let (json, id) = report(contact, day, 0);
    report_email(&json, contact, "example.org", &id, "tlsrpt@example.org")
}

fn import(env: &LabEnv, paths: &[&Path]) -> Output {
    let mut cmd = common::mtasts_at(&env.state_dir(), &env.now.to_string());
    cmd.args(["reports", "import"]).args(paths);
    cmd.args(["--resolver", &env.lab.dns_addr.to_string(), "--timeout", "5"]);
    cmd.output().unwrap()
}

fn line<'a>(out: &'a str, file: &str) -> &'a str {
    out.lines().find(|l| l.contains(file)).unwrap_or_else(|| panic!("no line for {file}:\n{out}"))
}

fn summary(env: &LabEnv) -> serde_json::Value {
    let out = common::mtasts_at(&env.state_dir(), &env.now.to_string())
        .args(["reports", "summary", "example.org", "--json", "--since", "2026-01-01"])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn signed_reports_are_verified_and_forged_tampered_or_relayed_ones_are_not() {
    let Some(python) = dkimpy() else { return };
    let _processes = crate::starting_processes();
    let env = LabEnv::start(&with_reporters("all-good-testing", &["sender.example", "relay.example"]));
    // The organisation's domain signs for its MTAs (mx-a.sender.example: a parent aligns).
    let sender = DkimKey::new("sender.example", "s2026");
    sender.publish(&env.lab);
    let relay = DkimKey::new("relay.example", "r1");
    relay.publish(&env.lab);
    let unpublished = DkimKey::new("sender.example", "gone");
    let mta = "tlsrpt@mx-a.sender.example";
    let inbox = env.dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let put = |name: &str, bytes: &[u8]| std::fs::write(inbox.join(name), bytes).unwrap();
    put("1-signed.eml", &sender.sign(&python, &email(mta, "2026-11-01")));
    put("2-forged.eml", &email(mta, "2026-11-02"));
    let tampered = sender.sign(&python, &email(mta, "2026-11-03"));
    let tampered =
        String::from_utf8(tampered).unwrap().replace("aggregate TLS report", "aggregate TLS rep0rt");
    put("3-tampered.eml", tampered.as_bytes());
    put("4-relayed.eml", &relay.sign(&python, &email(mta, "2026-11-04")));
    put("5-unknown-key.eml", &unpublished.sign(&python, &email(mta, "2026-11-05")));
    let resubjected = String::from_utf8(sender.sign(&python, &email(mta, "2026-11-06"))).unwrap();
    let resubjected = resubjected.replace("Subject: Report Domain", "Subject: Urgent Report Domain");
    put("6-header-changed.eml", resubjected.as_bytes());

    let out = import(&env, &[&inbox]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(line(&text, "1-signed.eml").ends_with("; DKIM-verified (sender.example)"), "{text}");
    assert!(line(&text, "2-forged.eml").ends_with("; not authenticated: no DKIM signature"), "{text}");
    assert!(
        line(&text, "3-tampered.eml").contains("not authenticated: the DKIM signature of sender.example does not match: the message was changed after signing"),
        "{text}"
    );
    assert!(
        line(&text, "4-relayed.eml").ends_with(
            "not authenticated: DKIM-signed by relay.example, not by the reporting domain mx-a.sender.example"
        ),
        "{text}"
    );
    assert!(
        line(&text, "5-unknown-key.eml")
            .ends_with("no DKIM key is published at gone._domainkey.sender.example"),
        "{text}"
    );
    assert!(
        line(&text, "6-header-changed.eml").contains("the DKIM signature of sender.example does not verify"),
        "{text}"
    );

    let v = summary(&env);
    assert_eq!(v["reports"], 6);
    let auth = &v["authentication"];
    assert_eq!(auth["authenticated_reports"], 1);
    assert_eq!(auth["authenticated_successful_sessions"], 100);
    assert_eq!(auth["authenticated_by"], serde_json::json!({"DKIM sender.example": 1}));
    assert_eq!(auth["unauthenticated_by"]["e-mail without a valid DKIM signature"], 4);
    assert_eq!(auth["unauthenticated_by"]["signed by relay.example, not the reporting domain"], 1);
    let text = String::from_utf8_lossy(
        &common::mtasts_at(&env.state_dir(), &env.now.to_string())
            .args(["reports", "summary", "example.org", "--since", "2026-01-01"])
            .output()
            .unwrap()
            .stdout,
    )
    .into_owned();
    assert!(
        text.contains("1 of 6 reports authenticated (DKIM sender.example ×1); 5 not"),
        "the summary says which reports count:\n{text}"
    );
}

#[test]
fn a_report_first_imported_as_a_file_is_verified_by_its_signed_email() {
    let Some(python) = dkimpy() else { return };
    let _processes = crate::starting_processes();
    let env = LabEnv::start(&with_reporters("all-good-testing", &["sender.example"]));
    let key = DkimKey::new("sender.example", "s1");
    key.publish(&env.lab);
    let (json, id) = report("tlsrpt@sender.example", "2026-11-07", 2);
    let file = env.dir.path().join("report.json");
    std::fs::write(&file, &json).unwrap();
    let out = String::from_utf8_lossy(&import(&env, &[&file]).stdout).into_owned();
    assert!(line(&out, "report.json").ends_with("; not authenticated: imported from a file"), "{out}");
    assert_eq!(summary(&env)["authentication"]["authenticated_reports"], 0);
    let mail = env.dir.path().join("report.eml");
    let signed =
        key.sign(&python, &report_email(&json, "tlsrpt@sender.example", "example.org", &id, "x@example.org"));
    std::fs::write(&mail, signed).unwrap();
    let out = String::from_utf8_lossy(&import(&env, &[&mail]).stdout).into_owned();
    assert!(
        line(&out, "report.eml").ends_with("already imported; now DKIM-verified (sender.example)"),
        "{out}"
    );
    let v = summary(&env);
    assert_eq!((v["reports"].as_u64(), v["failed_sessions"].as_u64()), (Some(1), Some(2)));
    assert_eq!(v["authentication"]["authenticated_reports"], 1);
    // A worse copy later changes nothing.
    let again = String::from_utf8_lossy(&import(&env, &[&file]).stdout).into_owned();
    assert!(line(&again, "report.json").ends_with("already imported"), "{again}");
    assert_eq!(summary(&env)["authentication"]["authenticated_reports"], 1);
}

#[test]
fn a_resolver_that_does_not_answer_costs_three_timeouts_not_one_per_message() {
    let Some(python) = dkimpy() else { return };
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    let key = DkimKey::new("sender.example", "s1");
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    for day in 10..20 {
        let raw = key.sign(&python, &email("tlsrpt@sender.example", &format!("2026-11-{day}")));
        std::fs::write(inbox.join(format!("{day}.eml")), raw).unwrap();
    }
    let out = common::mtasts(&dir.path().join("state"))
        .args(["reports", "import"])
        .arg(&inbox)
        .args(["--resolver", "127.0.0.1:1", "--timeout", "2"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("10 imported"), "{text}");
    assert!(
        text.contains("DNS failed for 3 messages in a row (import again when the resolver answers)"),
        "{text}"
    );
}

#[test]
fn the_store_follows_authentication_recorded_by_another_process() {
    use mtasts_reports::{Authentication, Delivery, DkimVerdict, Outcome, Range, ReportStore, Source};
    let dir = tempfile::tempdir().unwrap();
    let store = ReportStore::open(dir.path()).unwrap();
    let (json, id) = report("tlsrpt@sender.example", "2026-11-08", 0);
    let outcome = store.import_json(json.as_bytes(), &Delivery::File);
    assert!(matches!(outcome, Outcome::Imported { authentication: Authentication::File, .. }), "{outcome:?}");
    // Another connection verifies the same report's e-mail.
    let other = ReportStore::open(dir.path()).unwrap();
    let raw = report_email(&json, "tlsrpt@sender.example", "example.org", &id, "x@example.org");
    let verdict = DkimVerdict { passed: vec!["sender.example".into()], problem: None };
    let source = Source { path: "inbox".into(), message: Some(1), part: None };
    let outcomes = other.import_email(&source, &raw, &verdict);
    let verified = Authentication::Dkim {
        signer: "sender.example".into(),
        aligned: true,
        reporter: Some("sender.example".into()),
    };
    assert_eq!(
        outcomes[0].outcome,
        Outcome::Duplicate { report_id: id.clone(), authenticated: Some(verified.clone()) }
    );
    let entries = store.entries_for("example.org", Range::default()).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].auth, verified);
    // A worse delivery later never downgrades it.
    let again = store.import_json(json.as_bytes(), &Delivery::File);
    assert_eq!(again, Outcome::Duplicate { report_id: id.clone(), authenticated: None });
    assert_eq!(other.entries_for("example.org", Range::default()).unwrap()[0].auth, verified);
}
