//! The generated nginx server block, loaded by a real nginx and asked for the policy over
//! HTTPS. Needs the `nginx` binary (Debian/Ubuntu package `nginx-light` or `nginx`).

use crate::common;

use std::path::Path;
use std::process::Command;

use common::server::{Server, assert_config_ok, assert_serves_policy};
use mtasts_core::snippet::{Options, Target, generate};

const HOST: &str = "mta-sts.example.com";

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

fn nginx_command(nginx: &Path, dir: &Path, extra: &[&str]) -> Command {
    let mut cmd = Command::new(nginx);
    cmd.args(extra)
        .arg("-p")
        .arg(format!("{}/", dir.display()))
        .arg("-e")
        .arg(dir.join("error.log"))
        .arg("-c")
        .arg(dir.join("nginx.conf"));
    cmd
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

    assert_config_ok(nginx_command(&nginx, d, &["-t"]), "nginx -t", &d.join("error.log"));
    let server = Server::start(nginx_command(&nginx, d, &[]), port, &d.join("error.log"));
    assert_serves_policy(HOST, port, &ca_pem, &policy).await;
    drop(server);
}
