//! Cloudflare's own tools for the generated Workers: workerd (the runtime) serving a module
//! on loopback, and `wrangler deploy --dry-run` reading a wrangler project offline.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// workerd on `PATH`, else the copy inside wrangler's installation; required on CI.
pub fn workerd() -> Option<PathBuf> {
    if let Some(p) = super::find_tool("workerd") {
        return Some(p);
    }
    let beside_wrangler = super::find_tool("wrangler")
        .and_then(|w| std::fs::canonicalize(w).ok())
        .and_then(|js| Some(js.parent()?.parent()?.join("node_modules/workerd/bin/workerd")))
        .filter(|p| p.is_file());
    beside_wrangler.or_else(|| super::require_tool("workerd"))
}

/// A running workerd, killed when dropped.
pub struct Workerd {
    child: Child,
    log: PathBuf,
    pub port: u16,
}

impl Drop for Workerd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Workerd {
    /// Serves the module `main` of `dir` (the files of the wrangler target) on 127.0.0.1.
    pub fn start(bin: &Path, dir: &Path, main: &str) -> Workerd {
        let port = super::free_port();
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
            mtasts_core::snippet::COMPATIBILITY_DATE
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
    pub fn get(&self, method: &str, host: &str, path: &str) -> (u16, String, String) {
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

/// `wrangler deploy --dry-run` in `dir`, offline: a private HOME, no token, no metrics.
pub fn dry_run(wrangler: &Path, dir: &Path) {
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let o = Command::new(wrangler)
        .args(["deploy", "--dry-run", "--outdir", "bundle"])
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("WRANGLER_SEND_METRICS", "false")
        .env("CI", "true")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let (stdout, stderr) = (text(&o.stdout), text(&o.stderr));
    assert!(o.status.success(), "wrangler rejected the configuration:\n{stdout}\n{stderr}");
    assert!(!stderr.contains("WARNING") && !stdout.contains("WARNING"), "wrangler warned:\n{stderr}");
    assert!(stdout.contains("--dry-run: exiting now"), "{stdout}");
    let bundled = std::fs::read_to_string(dir.join("bundle/worker.js")).unwrap();
    assert!(bundled.contains("/.well-known/mta-sts.txt"), "the module was bundled");
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}
