//! `mtasts reports serve`: a real HTTP client (reqwest) POSTs over TLS to the receiver, which
//! trusts nothing but a private test CA: good gzip, good JSON, wrong content type, an oversized
//! body, a gzip bomb, a duplicate. One log line per request.

use crate::common;

use common::reports::gzip;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/reports/");

use common::rua::{Receiver, start as start_receiver};

fn start(dir: &std::path::Path) -> (Receiver, String) {
    let rx = start_receiver(dir, &[]);
    let ca = rx.ca.clone();
    (rx, ca)
}

/// A client that trusts only the test CA and finds `localhost` at the receiver's port.
fn client(rx: &Receiver, ca: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(ca.as_bytes()).unwrap())
        .resolve("localhost", ([127, 0, 0, 1], rx.port).into())
        .build()
        .unwrap()
}

#[test]
fn reports_posted_over_tls_are_imported_and_bad_requests_get_precise_4xx() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    let (rx, ca) = start(dir.path());
    let client = client(&rx, &ca);
    let url = format!("https://localhost:{}/tlsrpt", rx.port);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let post = |ct: &str, body: Vec<u8>| {
        rt.block_on(async {
            let r = client.post(&url).header("Content-Type", ct).body(body).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        })
    };
    let example = std::fs::read(format!("{FIXTURE}rfc8460-example.json")).unwrap();
    let other = std::fs::read(format!("{FIXTURE}giant-b.json")).unwrap();

    assert_eq!(post("application/tlsrpt+gzip", gzip(&example)).0, 201, "good gzip");
    assert_eq!(post("application/tlsrpt+json; charset=utf-8", other.clone()).0, 201, "good JSON");
    let (status, text) = post("application/tlsrpt+json", other);
    assert_eq!((status, text.trim()), (200, "report already stored"), "duplicate");
    let (status, text) = post("application/json", example.clone());
    assert_eq!(status, 415);
    assert!(text.contains("application/tlsrpt+gzip"), "{text}");
    let (status, text) = post("application/tlsrpt+json", vec![b' '; 5 * 1024 * 1024]);
    assert_eq!(status, 413, "{text}");
    let (status, text) = post("application/tlsrpt+gzip", gzip(&vec![b' '; 64 * 1024 * 1024]));
    assert_eq!(status, 413, "gzip bomb: {text}");
    let (status, _) = post("application/tlsrpt+gzip", b"not gzip".to_vec());
    assert_eq!(status, 400);

    let stored = mtasts_reports::ReportStore::open(&dir.path().join("state")).unwrap().count().unwrap();
    assert_eq!(stored, 2, "the two distinct reports are stored, nothing else");
    // Reports that came over the https rua are marked as such: their successes count.
    let summary =
        common::mtasts(&dir.path().join("state")).args(["reports", "summary", "--json"]).output().unwrap();
    let auth: Vec<serde_json::Value> = String::from_utf8_lossy(&summary.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["authentication"].clone())
        .collect();
    assert_eq!(auth.len(), 2, "{auth:?}");
    assert!(auth.iter().all(|a| a["authenticated_by"] == serde_json::json!({"https": 1})), "{auth:?}");
    let log = std::fs::read_to_string(&rx.log).unwrap();
    let requests: Vec<&str> = log.lines().filter(|l| l.contains(" POST /tlsrpt ")).collect();
    assert_eq!(requests.len(), 7, "one line per request:\n{log}");
    assert!(requests[3].contains(" 415 "), "{log}");
}

#[test]
fn a_client_sending_too_many_requests_gets_429() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    let (rx, ca) = start(dir.path());
    let client = client(&rx, &ca);
    let url = format!("https://localhost:{}/", rx.port);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let statuses: Vec<u16> = (0..31)
        .map(|_| rt.block_on(async { client.get(&url).send().await.unwrap().status().as_u16() }))
        .collect();
    assert!(statuses[..30].iter().all(|s| *s == 405), "{statuses:?}");
    assert_eq!(statuses[30], 429);
}
