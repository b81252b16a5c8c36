//! The generated Cloudflare Workers, executed by `node` (20 or later: global Request and
//! Response) with real Request objects. Needs the `nodejs` package.

use crate::common;

use std::path::Path;
use std::process::Command;

use mtasts_core::snippet::{Options, Site, Target, generate};

const HARNESS: &str = r#"
import { readFileSync } from "node:fs";
import * as mod from "./worker.mjs";
const cases = JSON.parse(readFileSync(new URL("./cases.json", import.meta.url), "utf8"));
const out = { exports: Object.keys(mod).sort(), results: [] };
for (const [method, url] of cases) {
  const response = await mod.default.fetch(new Request(url, { method }));
  out.results.push({
    status: response.status,
    contentType: response.headers.get("content-type"),
    cacheControl: response.headers.get("cache-control"),
    body: await response.text(),
  });
}
console.log(JSON.stringify(out));
"#;

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Outcome {
    status: u16,
    content_type: Option<String>,
    cache_control: Option<String>,
    body: String,
}

/// Runs `module` under node for each `(method, url)` and returns the responses.
fn run(node: &Path, module: &str, cases: &[(&str, &str)]) -> Vec<Outcome> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("worker.mjs"), module).unwrap();
    std::fs::write(dir.path().join("harness.mjs"), HARNESS).unwrap();
    std::fs::write(dir.path().join("cases.json"), serde_json::to_string(cases).unwrap()).unwrap();
    let out = Command::new(node).arg(dir.path().join("harness.mjs")).output().unwrap();
    assert!(
        out.status.success(),
        "node failed:\n{}\nmodule:\n{module}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["exports"], serde_json::json!(["default"]), "the module exports only default");
    let results: Vec<Outcome> = serde_json::from_value(v["results"].clone()).unwrap();
    assert_eq!(results.len(), cases.len());
    results
}

fn assert_policy(o: &Outcome, site: &Site, what: &str) {
    assert_eq!(o.status, 200, "{what}");
    assert_eq!(o.content_type.as_deref(), Some("text/plain; charset=utf-8"), "{what}");
    assert_eq!(o.cache_control.as_deref(), Some("max-age=300"), "{what}");
    assert_eq!(o.body, site.policy.render(), "{what}: body must be byte-identical");
}

fn assert_status(o: &Outcome, status: u16, what: &str) {
    assert_eq!(o.status, status, "{what}");
    assert!(!o.body.contains("STSv1"), "{what}: leaked a policy");
}

#[test]
fn single_worker_serves_exactly_the_policy_path() {
    let Some(node) = common::require_tool("node") else {
        return;
    };
    let site = common::site("example.com");
    let module = generate(Target::Worker, std::slice::from_ref(&site), &Options::default()).unwrap().text;
    let url = "https://mta-sts.example.com/.well-known/mta-sts.txt";
    let r = run(
        &node,
        &module,
        &[
            ("GET", url),
            ("HEAD", url),
            ("POST", url),
            ("GET", "https://mta-sts.example.com/"),
            ("GET", "https://mta-sts.example.com/.well-known/mta-sts.txt/"),
            ("GET", "https://mta-sts.example.com/.well-known/MTA-STS.txt"),
            ("GET", "https://mta-sts.example.com/.well-known/mta-sts.txt?x=1"),
        ],
    );
    assert_policy(&r[0], &site, "GET");
    assert_eq!(r[1].status, 200, "HEAD");
    assert_eq!(r[1].content_type.as_deref(), Some("text/plain; charset=utf-8"));
    assert_eq!(r[1].body, "", "HEAD has no body");
    assert_status(&r[2], 405, "POST");
    assert_status(&r[3], 404, "/");
    assert_status(&r[4], 404, "trailing slash");
    assert_status(&r[5], 404, "other case");
    assert_policy(&r[6], &site, "query string");
    assert!(r[0].body.contains("\r\nmx: *.mx.example.net\r\n"), "CRLF survived escaping");
}

#[test]
fn multi_worker_routes_by_host() {
    let Some(node) = common::require_tool("node") else {
        return;
    };
    let sites = [common::site("example.com"), common::site("example.org"), common::site("bücher.example")];
    let module = generate(Target::WorkerMulti, &sites, &Options::default()).unwrap().text;
    let path = "/.well-known/mta-sts.txt";
    let r = run(
        &node,
        &module,
        &[
            ("GET", &format!("https://mta-sts.example.com{path}")),
            ("GET", &format!("https://MTA-STS.Example.ORG:8443{path}")),
            ("GET", &format!("https://mta-sts.xn--bcher-kva.example{path}")),
            ("GET", &format!("https://mta-sts.bücher.example{path}")),
            ("HEAD", &format!("https://mta-sts.example.org.{path}")),
            ("GET", &format!("https://mta-sts.example.net{path}")),
            ("GET", &format!("https://example.com{path}")),
            ("GET", &format!("https://__proto__{path}")),
            ("GET", &format!("https://constructor{path}")),
            ("GET", "https://mta-sts.example.com/"),
            ("DELETE", &format!("https://mta-sts.example.com{path}")),
            ("DELETE", &format!("https://mta-sts.example.net{path}")),
        ],
    );
    assert_policy(&r[0], &sites[0], "example.com");
    assert_policy(&r[1], &sites[1], "upper case and port");
    assert_policy(&r[2], &sites[2], "A-label");
    assert_policy(&r[3], &sites[2], "U-label converted by URL");
    assert_eq!((r[4].status, r[4].body.as_str()), (200, ""), "HEAD with trailing dot");
    assert_status(&r[5], 404, "unknown host");
    assert_status(&r[6], 404, "bare domain");
    assert_status(&r[7], 404, "__proto__");
    assert_status(&r[8], 404, "constructor");
    assert_status(&r[9], 404, "other path");
    assert_status(&r[10], 405, "DELETE");
    assert_status(&r[11], 404, "DELETE on unknown host");
    assert_ne!(r[0].body, r[1].body, "each host gets its own policy");
}
