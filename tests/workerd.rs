//! The generated Workers in Cloudflare's own runtime, workerd (npm package `workerd`; wrangler
//! bundles it, `.ci/run` installs `wrangler@4`): every configured host gets 200 `text/plain`
//! with the exact policy body, other paths and other hosts 404. workerd listens on loopback
//! only and is killed when the test ends (also when it panics).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mtasts::snippet::{Options, Site, Target, files};

const PATH: &str = "/.well-known/mta-sts.txt";

/// workerd on `PATH`, else the copy inside wrangler's installation; required on CI.
fn workerd() -> Option<PathBuf> {
    if let Some(p) = common::find_tool("workerd") {
        return Some(p);
    }
    let beside_wrangler = common::find_tool("wrangler")
        .and_then(|w| std::fs::canonicalize(w).ok())
        .and_then(|js| Some(js.parent()?.parent()?.join("node_modules/workerd/bin/workerd")))
        .filter(|p| p.is_file());
    beside_wrangler.or_else(|| common::require_tool("workerd"))
}

/// A running workerd, killed when dropped.
struct Workerd {
    child: Child,
    log: PathBuf,
    port: u16,
}

impl Drop for Workerd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Workerd {
    /// Serves the module `main` of `dir` (the files of the wrangler target) on 127.0.0.1.
    fn start(bin: &Path, dir: &Path, main: &str) -> Workerd {
        let port = common::free_port();
        let config = format!(
            "using Workerd = import \"/workerd/workerd.capnp\";\n\
             const config :Workerd.Config = (\n\
               services = [ (name = \"main\", worker = .policyWorker) ],\n\
               sockets = [ (name = \"http\", address = \"127.0.0.1:{port}\", http = (), service = \"main\") ],\n\
             );\n\
             const policyWorker :Workerd.Worker = (\n\
               modules = [ (name = \"{main}\", esModule = embed \"{main}\") ],\n\
               compatibilityDate = \"{}\",\n\
             );\n",
            mtasts::snippet::COMPATIBILITY_DATE
        );
        std::fs::write(dir.join("config.capnp"), config).unwrap();
        let log = dir.join("workerd.log");
        let child = Command::new(bin)
            .arg("serve")
            .arg(dir.join("config.capnp"))
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(std::fs::File::create(dir.join("workerd.err")).unwrap())
            .spawn()
            .unwrap();
        let mut w = Workerd { child, log, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = w.child.try_wait().unwrap() {
                panic!("workerd exited with {status}:\n{}", w.errors());
            }
            assert!(Instant::now() < deadline, "workerd did not listen within 30 s:\n{}", w.errors());
            std::thread::sleep(Duration::from_millis(50));
        }
        w
    }

    fn errors(&self) -> String {
        let err = std::fs::read_to_string(self.log.with_file_name("workerd.err")).unwrap_or_default();
        format!("{}{err}", std::fs::read_to_string(&self.log).unwrap_or_default())
    }

    /// One HTTP/1.1 request with `host` as the Host header: (status, content type, body).
    fn get(&self, method: &str, host: &str, path: &str) -> (u16, String, String) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(s, "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
        let text = String::from_utf8(read_response(&mut s, method == "HEAD")).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").expect("a complete response");
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        let header = |name: &str| {
            head.lines()
                .find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case(name)))
                .map(|(_, v)| v.trim().to_owned())
        };
        let body = if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
            dechunk(body)
        } else {
            body.to_owned()
        };
        (status, header("content-type").unwrap_or_default(), body)
    }
}

/// Reads one response without waiting for the server to close the connection: up to the end
/// of the headers, then Content-Length bytes or the last chunk (nothing after a HEAD).
fn read_response(s: &mut TcpStream, head_only: bool) -> Vec<u8> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&raw);
        if let Some(end) = text.find("\r\n\r\n") {
            let head = text[..end].to_ascii_lowercase();
            let have = raw.len() - end - 4;
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            let done = head_only
                || length.is_some_and(|n| have >= n)
                || (head.contains("transfer-encoding: chunked") && text.ends_with("0\r\n\r\n"));
            if done {
                return raw;
            }
        }
        let n = s.read(&mut buf).unwrap();
        if n == 0 || raw.len() > 1 << 20 {
            return raw;
        }
        raw.extend_from_slice(&buf[..n]);
    }
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap();
        if n == 0 {
            break;
        }
        out.push_str(&after[..n]);
        rest = &after[n + 2..];
    }
    out
}

/// Writes the wrangler target's files for `sites` into a temp dir; returns it and `main`.
fn wrangler_files(sites: &[Site]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let (files, _) = files(Target::Wrangler, sites, &Options::default()).unwrap();
    for f in &files {
        std::fs::write(dir.path().join(&f.name), &f.text).unwrap();
    }
    let config = files.iter().find(|f| f.name == mtasts::snippet::WRANGLER_CONFIG).unwrap();
    let json: String = config.text.lines().filter(|l| !l.starts_with("//")).collect();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    (dir, v["main"].as_str().unwrap().to_owned())
}

fn assert_serves(w: &Workerd, sites: &[Site]) {
    for site in sites {
        let host = site.domain.policy_host();
        let (status, ctype, body) = w.get("GET", &host, PATH);
        assert_eq!((status, ctype.as_str()), (200, "text/plain; charset=utf-8"), "{host}: {body}");
        assert_eq!(body, site.policy.render(), "{host}: the exact body");
        let (status, _, body) = w.get("HEAD", &format!("{host}:443"), PATH);
        assert_eq!((status, body.as_str()), (200, ""), "{host}: HEAD");
        for other in ["/", "/.well-known/mta-sts.txt/", "/.well-known/MTA-STS.txt", "/robots.txt"] {
            let (status, _, body) = w.get("GET", &host, other);
            assert_eq!(status, 404, "{host}{other}");
            assert!(!body.contains("STSv1"), "{host}{other}: leaked a policy");
        }
    }
    for host in ["mta-sts.example.net", "example.com", "localhost", "127.0.0.1", "__proto__"] {
        let (status, _, body) = w.get("GET", host, PATH);
        assert_eq!(status, 404, "other host {host}");
        assert!(!body.contains("STSv1"), "{host}: leaked a policy");
    }
}

#[test]
fn single_domain_worker_in_workerd() {
    let Some(bin) = workerd() else {
        return;
    };
    let sites = [common::site("example.com")];
    let (dir, main) = wrangler_files(&sites);
    let w = Workerd::start(&bin, dir.path(), &main);
    assert_serves(&w, &sites);
    assert_eq!(w.get("POST", "mta-sts.example.com", PATH).0, 405, "POST");
}

#[test]
fn multi_domain_worker_in_workerd() {
    let Some(bin) = workerd() else {
        return;
    };
    let sites =
        [common::site("example.com"), common::site("example.org"), common::site("xn--bcher-kva.example")];
    let (dir, main) = wrangler_files(&sites);
    let w = Workerd::start(&bin, dir.path(), &main);
    assert_serves(&w, &sites);
    let (status, _, body) = w.get("GET", "MTA-STS.Example.ORG.", PATH);
    assert_eq!((status, body), (200, sites[1].policy.render()), "upper case and trailing dot");
    let a = w.get("GET", "mta-sts.example.com", PATH).2;
    assert_ne!(a, w.get("GET", "mta-sts.example.org", PATH).2, "each host gets its own policy");
}
