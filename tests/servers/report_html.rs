//! The evidence report (`mtasts report`) from fixture state and the fixture TLS-RPT reports:
//! its JSON, its HTML, and the HTML opened in a real headless Chromium (Debian package
//! `chromium`, installed by `.ci/run`): no console error, no network request, the timeline
//! dates and report totals on the rendered page, and a screenshot kept under
//! `target/tmp/evidence-report/` as a CI artefact.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOW: &str = "2026-12-10T12:00:00Z";

fn mtasts(dir: &Path, args: &[&str]) -> Output {
    let out = common::mtasts_at(dir, NOW).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// A state directory with the two fixture domains and every fixture report imported.
fn state() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    std::fs::create_dir_all(dir.path().join("domains")).unwrap();
    for d in ["example.org", "example.net"] {
        let from = fixtures.join(format!("audit/{d}.toml"));
        std::fs::copy(from, dir.path().join(format!("domains/{d}.toml"))).unwrap();
    }
    let reports = fixtures.join("reports");
    let out = Command::new(env!("CARGO_BIN_EXE_mtasts"))
        .args(["reports", "import", reports.to_str().unwrap()])
        .env("MTASTS_STATE_DIR", dir.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("5 imported"), "{out:?}");
    dir
}

#[test]
fn json_report_carries_the_timeline_acks_and_totals() {
    let dir = state();
    let out = mtasts(dir.path(), &["report", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = v["summary"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let org = v["domains"].as_array().unwrap().iter().find(|d| d["domain"] == "example.org").unwrap();
    assert_eq!(org["milestones"]["testing_started"], "2026-11-05T10:00:00Z");
    assert_eq!(org["milestones"]["enforced"], "2026-12-06T09:30:00Z");
    assert_eq!(org["tlsrpt"]["summary"]["total_sessions"], 1855);
    assert_eq!(org["tlsrpt"]["summary"]["failed_sessions"], 125);
    assert_eq!(org["tlsrpt"]["failures"][0]["result_type"], "certificate-expired");
    assert_eq!(org["tlsrpt"]["failures"][0]["mx"], "mx1.example.org");
    assert!(
        org["tlsrpt"]["failures"][0]["fix"]
            .as_str()
            .unwrap()
            .contains("renew the certificate on mx1.example.org"),
        "{}",
        org["tlsrpt"]["failures"][0]
    );
    assert_eq!(
        org["tlsrpt"]["authentication"],
        "none of the 4 reports is authenticated (e-mail without a valid DKIM signature ×2, imported from a \
         file ×2): their successes do not count toward enforce"
    );
    assert_eq!(org["acknowledgements"][0]["overridden"][0], "tlsrpt-failures");
    assert_eq!(org["certificates"][1]["days_left"], 10);
    assert_eq!(org["plan"]["sts_record"][1], "v=STSv1; id=20261206T090000");
    let net = v["domains"].as_array().unwrap().iter().find(|d| d["domain"] == "example.net").unwrap();
    assert_eq!(net["tlsrpt"], serde_json::Value::Null);
}

fn html(dir: &Path, name: &str, domains: &[&str]) -> PathBuf {
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("evidence-report");
    std::fs::create_dir_all(&out_dir).unwrap();
    let file = out_dir.join(name);
    let mut args = vec!["report", "--html", file.to_str().unwrap()];
    args.extend_from_slice(domains);
    mtasts(dir, &args);
    file
}

#[test]
fn html_report_is_self_contained_and_escapes_what_it_was_told() {
    let dir = state();
    let file = html(dir.path(), "static-check.html", &[]);
    let page = std::fs::read_to_string(&file).unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o644);
    assert!(page.contains("default-src 'none'"));
    assert!(page.contains("<b>Authentication:</b> none of the 4 reports is authenticated"), "auth shown");
    assert!(page.contains("<th>Receiving MX</th>"), "failures per MX and type");
    for external in ["src=", "http-equiv=\"refresh\"", "@import", "url(", "<script", "<link", "<img"] {
        assert!(!page.contains(external), "found {external:?}");
    }
    let hrefs: Vec<&str> = page.split("href=\"").skip(1).collect();
    assert!(hrefs.iter().all(|h| h.starts_with('#')), "only in-page links");
    assert!(page.contains("renewed that day &lt;b&gt;not bold&lt;/b&gt;"), "the ack text is escaped");
    assert!(page.contains("<h2>Summary</h2>") && page.contains("@media print"));
    assert!(page.contains("<svg class=\"chart\""));
}

/// URLs the page itself requested, from Chromium's net log: every started request whose
/// initiator is an origin (the browser's own background requests have "not an origin").
fn page_requests(netlog: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(netlog).unwrap();
    let log: serde_json::Value = serde_json::from_str(&text).expect("a complete net log");
    let start = &log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"];
    assert!(start.is_number(), "net log without URL_REQUEST_START_JOB");
    log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| &e["type"] == start && e["params"]["initiator"] != "not an origin")
        .filter_map(|e| e["params"]["url"].as_str().map(str::to_owned))
        .filter(|u| !u.starts_with("file:"))
        .collect()
}

fn chromium_args(url: &str, profile: &Path) -> Vec<String> {
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-extensions",
        "--disable-sync",
        "--hide-scrollbars",
        "--window-size=1100,4200",
        // Chromium's own background requests (time, updates, sign-in) must not leave the
        // machine: no name resolves, and everything else goes to a closed loopback port.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .chain([format!("--user-data-dir={}", profile.display()), url.to_owned()])
    .collect()
}

/// What Chromium saw loading `url`: the DOM after load, console lines, the page's requests.
fn load(chromium: &Path, url: &str, work: &Path, tag: &str) -> (String, Vec<String>, Vec<String>) {
    let netlog = work.join(format!("netlog-{tag}.json"));
    let mut args = chromium_args(url, &work.join(format!("profile-{tag}")));
    args.splice(
        0..0,
        [
            "--dump-dom".to_owned(),
            "--enable-logging=stderr".to_owned(),
            "--v=0".to_owned(),
            format!("--log-net-log={}", netlog.display()),
        ],
    );
    let out = Command::new(chromium).args(&args).output().unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "chromium failed: {log}");
    let console = log.lines().filter(|l| l.contains(":CONSOLE")).map(str::to_owned).collect();
    (String::from_utf8_lossy(&out.stdout).into_owned(), console, page_requests(&netlog))
}

#[test]
fn html_report_renders_in_chromium_without_errors_or_requests() {
    let Some(chromium) = common::require_tool("chromium") else { return };
    let work = tempfile::tempdir().unwrap();
    // The detectors themselves: a page that logs an error and loads an image is caught.
    let control = work.path().join("control.html");
    std::fs::write(&control, "<img src=\"http://127.0.0.1:9/x.png\"><script>console.error('boom')</script>")
        .unwrap();
    let (_, console, requests) =
        load(&chromium, &format!("file://{}", control.display()), work.path(), "control");
    assert!(console.iter().any(|l| l.contains("boom")), "{console:?}");
    assert_eq!(requests, ["http://127.0.0.1:9/x.png"]);

    let dir = state();
    let file = html(dir.path(), "evidence-report.html", &[]);
    let url = format!("file://{}", file.display());
    let (dom, console, requests) = load(&chromium, &url, work.path(), "report");
    assert!(console.is_empty(), "console messages: {console:#?}");
    assert!(requests.is_empty(), "the page made network requests: {requests:?}");

    let text = dom.replace(char::is_whitespace, " ");
    for expected in ["2026-11-05", "2026-12-06", "1855", "125", "6.74%", "Mail Giant A", "renewed that day"] {
        assert!(text.contains(expected), "the rendered page lacks {expected:?}");
    }

    let shot = file.with_extension("png");
    let _ = std::fs::remove_file(&shot);
    let mut args = chromium_args(&url, &work.path().join("profile-b"));
    args.insert(0, format!("--screenshot={}", shot.display()));
    let out = Command::new(&chromium).args(&args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000, "screenshot {} bytes", png.len());
    eprintln!("screenshot: {}", shot.display());
}
