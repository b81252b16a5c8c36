//! `check --notify URL` and `check --metrics FILE` from a cron job's point of view: changes are
//! POSTed to a local HTTP server the test runs, nothing is sent when nothing changed, and the
//! metrics file passes `promtool check metrics` (Debian package `prometheus`).

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::{Arc, Mutex};

/// A webhook receiver on 127.0.0.1: records each POST body, answers `status`.
struct Hook {
    url: String,
    bodies: Arc<Mutex<Vec<serde_json::Value>>>,
}

impl Hook {
    fn start(status: u16) -> Hook {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let seen = bodies.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { continue };
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                let (mut len, mut json) = (0usize, false);
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap();
                    }
                    json |= lower.starts_with("content-type: application/json");
                }
                let mut body = vec![0; len];
                reader.read_exact(&mut body).unwrap();
                assert!(json, "the notification is sent as application/json");
                seen.lock().unwrap().push(serde_json::from_slice(&body).unwrap());
                let reply = format!("HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                conn.write_all(reply.as_bytes()).unwrap();
            }
        });
        Hook { url, bodies }
    }

    fn take(&self) -> Vec<serde_json::Value> {
        std::mem::take(&mut *self.bodies.lock().unwrap())
    }
}

use common::lab_env::LabEnv as Env;

fn kinds(body: &serde_json::Value) -> Vec<String> {
    body["changes"].as_array().unwrap().iter().map(|c| format!("{} {}", c["kind"], c["code"])).collect()
}

const D: &str = "fresh.example";

#[test]
fn changes_are_posted_once_and_nothing_when_nothing_changed() {
    let env = Env::new("demo-fresh");
    let hook = Hook::start(200);
    assert!(env.run_days(0, &["add", D]).status.success());
    let check = |days| env.run_days(days, &["check", D, "--notify", &hook.url]);

    check(0);
    let first = hook.take();
    assert_eq!(first.len(), 1, "one POST per run");
    let first_kinds = kinds(&first[0]);
    assert!(first_kinds.iter().all(|k| k.starts_with("\"finding-appeared\"")), "{first_kinds:?}");
    assert!(first_kinds.iter().any(|k| k.contains("sts-record-missing")), "{first_kinds:?}");
    assert_eq!(first[0]["changes"][0]["domain"], D);

    check(0);
    assert!(hook.take().is_empty(), "nothing changed, nothing sent");

    assert!(env.run_days(0, &["advance", D]).status.success());
    check(1);
    let moved = hook.take();
    assert_eq!(moved.len(), 1);
    let moved = &moved[0]["changes"];
    assert!(
        moved
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["kind"] == "phase-moved" && c["from"] == "preflight" && c["to"] == "records"),
        "{moved}"
    );
}

#[test]
fn a_failed_delivery_is_retried_by_the_next_check() {
    let env = Env::new("demo-fresh");
    let broken = Hook::start(500);
    let out = env.run_days(0, &["check", D, "--notify", &broken.url]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("answered 500"), "{out:?}");
    assert_eq!(broken.take().len(), 1);
    let hook = Hook::start(200);
    env.run_days(0, &["check", D, "--notify", &hook.url]);
    let resent = hook.take();
    assert_eq!(resent.len(), 1, "the changes were not lost");
    assert!(kinds(&resent[0]).iter().any(|k| k.contains("sts-record-missing")));
}

#[test]
fn the_hook_url_s_credentials_and_query_values_never_reach_stderr() {
    let env = Env::new("demo-fresh");
    let broken = Hook::start(500);
    let secret_url = broken.url.replace("http://", "http://user:TOKEN@") + "?token=abc&x=1";
    let out = env.run_days(0, &["check", D, "--notify", &secret_url]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.contains("answered 500"), "{err}");
    assert!(err.contains("user:***@") && err.contains("?token=***&x=***"), "{err}");
    assert!(!err.contains("TOKEN") && !err.contains("abc"), "{err}");
    assert_eq!(broken.take().len(), 1);
    let closed = format!("http://user:TOKEN@127.0.0.1:{}/hook?token=abc", common::free_port());
    let out = env.run_days(0, &["check", D, "--notify", &closed]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.contains("cannot deliver to http://user:***@127.0.0.1:"), "{err}");
    assert!(!err.contains("TOKEN") && !err.contains("abc"), "{err}");
}

#[test]
fn the_metrics_file_passes_promtool() {
    let env = Env::new("demo-fresh");
    assert!(env.run_days(0, &["add", D]).status.success());
    let file = env.dir.path().join("mtasts.prom");
    env.run_days(0, &["check", "--metrics", file.to_str().unwrap()]);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("mtasts_phase{domain=\"fresh.example\",phase=\"preflight\"} 1"), "{text}");
    assert!(text.contains("mtasts_verdict{domain=\"fresh.example\",verdict=\"fail\"} 1"), "{text}");
    let leftovers: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
    let Some(promtool) = common::require_tool("promtool") else { return };
    let out = Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(std::fs::File::open(&file).unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "promtool: {}{}\n{text}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    drop(env.rt);
}
