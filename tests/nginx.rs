//! The generated nginx server block, loaded by a real nginx and asked for the policy over
//! HTTPS. Needs the `nginx` binary (Debian/Ubuntu package `nginx-light` or `nginx`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mtasts::snippet::{Options, Target, generate};

const HOST: &str = "mta-sts.example.com";

/// Kills nginx when the test ends, also on panic.
struct NginxGuard(Child);

impl Drop for NginxGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Replaces every `listen` line of the block with one loopback listener on `port`.
fn rewrite_listen(block: &str, port: u16) -> String {
    let mut out = String::new();
    let mut done = false;
    for line in block.lines() {
        if line.trim_start().starts_with("listen ") {
            if !done {
                out.push_str(&format!("    listen 127.0.0.1:{port} ssl;\n"));
                done = true;
            }
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert!(done, "no listen line in:\n{block}");
    out
}

fn main_config(dir: &Path) -> String {
    let d = dir.display();
    // The http-level types map sends .txt as application/octet-stream: the generated block
    // must still answer text/plain.
    format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid {d}/nginx.pid;\n\
         error_log {d}/error.log info;\nevents {{ worker_connections 64; }}\n\
         http {{\n  access_log {d}/access.log;\n  client_body_temp_path {d}/body;\n\
         proxy_temp_path {d}/proxy;\n  fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n\
         scgi_temp_path {d}/scgi;\n  types {{ application/octet-stream txt; }}\n\
         default_type application/octet-stream;\n  include {d}/site.conf;\n}}\n"
    )
}

fn wait_for_port(port: u16, nginx: &mut NginxGuard, dir: &Path) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Some(status) = nginx.0.try_wait().unwrap() {
            let log = std::fs::read_to_string(dir.join("error.log")).unwrap_or_default();
            panic!("nginx exited with {status} before listening:\n{log}");
        }
        assert!(
            Instant::now() < deadline,
            "nginx did not listen on {port} within 10 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn nginx_serves_the_policy_exactly() {
    let Some(nginx) = common::require_tool("nginx") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (ca_pem, chain_pem, key_pem) = common::test_certificate(HOST);
    std::fs::write(d.join("cert.pem"), chain_pem).unwrap();
    std::fs::write(d.join("key.pem"), key_pem).unwrap();
    let webroot = d.join("www");
    std::fs::create_dir_all(webroot.join(".well-known")).unwrap();

    let sites = [common::site("example.com")];
    let opts = Options {
        cert: Some(d.join("cert.pem").display().to_string()),
        key: Some(d.join("key.pem").display().to_string()),
        webroot: Some(webroot.display().to_string()),
    };
    let policy = generate(Target::Policy, &sites, &opts).unwrap().text;
    std::fs::write(webroot.join(".well-known/mta-sts.txt"), &policy).unwrap();
    let block = generate(Target::Nginx, &sites, &opts).unwrap().text;
    let port = common::free_port();
    std::fs::write(d.join("site.conf"), rewrite_listen(&block, port)).unwrap();
    std::fs::write(d.join("nginx.conf"), main_config(d)).unwrap();
    let conf = d.join("nginx.conf");
    let prefix = format!("{}/", d.display());
    let error_log = d.join("error.log");

    let test = Command::new(&nginx)
        .args(["-t", "-p", &prefix, "-e"])
        .arg(&error_log)
        .arg("-c")
        .arg(&conf)
        .output()
        .unwrap();
    assert!(
        test.status.success(),
        "nginx -t rejected the generated block:\n{}\n{}",
        String::from_utf8_lossy(&test.stderr),
        std::fs::read_to_string(&error_log).unwrap_or_default()
    );

    let child = Command::new(&nginx)
        .args(["-p", &prefix, "-e"])
        .arg(&error_log)
        .arg("-c")
        .arg(&conf)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut guard = NginxGuard(child);
    wait_for_port(port, &mut guard, d);

    let client = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(ca_pem.as_bytes()).unwrap()])
        .resolve(HOST, ([127, 0, 0, 1], port).into())
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let base = format!("https://{HOST}:{port}");

    let resp = client
        .get(format!("{base}/.well-known/mta-sts.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let ctype = resp.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(ctype.starts_with("text/plain"), "content-type {ctype}");
    let cache = resp.headers()["cache-control"].to_str().unwrap().to_owned();
    assert_eq!(cache, "max-age=300");
    let body = resp.bytes().await.unwrap();
    assert_eq!(
        body.as_ref(),
        policy.as_bytes(),
        "body differs from the policy target"
    );

    for path in [
        "/",
        "/index.html",
        "/.well-known/",
        "/.well-known/mta-sts.txt/x",
        "/mta-sts.txt",
    ] {
        let resp = client.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(resp.status(), 404, "{path}");
    }
    let head = client
        .head(format!("{base}/.well-known/mta-sts.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    drop(guard);
}
