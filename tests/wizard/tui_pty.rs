//! The real wizard in a pseudo-terminal (tmux): `mtasts demo` starts, draws the home screen,
//! navigates, quits cleanly and leaves the terminal restored (cooked mode, main screen); and,
//! with an unreachable resolver, a domain is added with typed MX hosts and every hosting file
//! is written with the wizard's own write key and accepted by its real tool.

use crate::common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux").args(args).output().expect("tmux runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn wait_for(session: &str, needle: &str, secs: u64) -> String {
    let start = Instant::now();
    loop {
        let screen = tmux(&["capture-pane", "-p", "-t", session]);
        if screen.contains(needle) {
            return screen;
        }
        assert!(start.elapsed() < Duration::from_secs(secs), "{needle:?} never appeared:\n{screen}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn demo_starts_navigates_and_quits_with_the_terminal_restored() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("tmux not installed; skipping");
        return;
    }
    let session = format!("mtasts-pty-{}", std::process::id());
    let dir = tempfile::tempdir().unwrap();
    let stats = dir.path().join("stats");
    let script = format!(
        "MTASTS_TUI_STATS={} {} demo; rc=$?; echo \"EXIT=$rc MODE=$(stty -a | tr ' ' '\\n' | grep -x -- '-\\?icanon')\"; sleep 30",
        stats.display(),
        env!("CARGO_BIN_EXE_mtasts")
    );
    tmux(&["new-session", "-d", "-s", &session, "-x", "80", "-y", "24", &script]);
    let home = wait_for(&session, "testing.example", 30);
    assert!(home.contains("DEMO") && home.contains("good.example"), "{home}");
    tmux(&["send-keys", "-t", &session, "j", "j", "j", "j", "Enter"]);
    let domain = wait_for(&session, "home › testing.example", 10);
    assert!(domain.contains("day 21/30"), "{domain}");
    tmux(&["send-keys", "-t", &session, "?"]);
    wait_for(&session, "any key closes", 10);
    std::thread::sleep(Duration::from_secs(3));
    tmux(&["send-keys", "-t", &session, "x", "q", "q"]);
    // One line carries both, so the capture cannot see the exit status before the tty mode.
    let after = wait_for(&session, "MODE=", 10);
    tmux(&["kill-session", "-t", &session]);
    assert!(after.contains("EXIT=0"), "{after}");
    assert!(after.lines().any(|l| l.trim().ends_with("MODE=icanon")), "terminal left in raw mode:\n{after}");
    assert!(!after.contains("good.example"), "alternate screen not left:\n{after}");
    let stats = std::fs::read_to_string(stats).unwrap();
    eprintln!("{stats}");
    let draws: u64 = stats.lines().find_map(|l| l.strip_prefix("draws=")).unwrap().parse().unwrap();
    assert!(draws < 60, "too many redraws for a short idle session: {stats}");
}

fn keys(session: &str, keys: &[&str]) {
    let mut args = vec!["send-keys", "-t", session];
    args.extend_from_slice(keys);
    tmux(&args);
}

fn literal(session: &str, text: &str) {
    tmux(&["send-keys", "-t", session, "-l", text]);
}

/// On the hosting screen: chooses path `digit`, presses `w`, replaces the suggested path with
/// `name` (in the wizard's working directory) and waits until the file is written.
fn write_hosting_file(session: &str, dir: &Path, digit: &str, name: &str) {
    keys(session, &[digit]);
    std::thread::sleep(Duration::from_millis(300));
    keys(session, &["w"]);
    wait_for(session, "nothing is overwritten", 10);
    keys(session, &["C-u"]);
    literal(session, &format!("./{name}"));
    std::thread::sleep(Duration::from_millis(300));
    keys(session, &["Enter"]);
    wait_for_file(session, &dir.join(name));
}

/// Presses `key` (policy file `F`, wrangler project `D`), accepts the prefilled path and waits
/// until `written` (relative to `dir`) exists.
fn write_artefact(session: &str, dir: &Path, key: &str, prompt: &str, written: &str) {
    keys(session, &[key]);
    wait_for(session, prompt, 10);
    std::thread::sleep(Duration::from_millis(300));
    keys(session, &["Enter"]);
    wait_for_file(session, &dir.join(written));
}

/// Waits up to 10 s for `path` to exist; fails with the screen otherwise.
fn wait_for_file(session: &str, path: &Path) {
    let start = Instant::now();
    while !path.exists() {
        if start.elapsed() > Duration::from_secs(10) {
            let screen = tmux(&["capture-pane", "-p", "-t", session]);
            panic!("{} was not written:\n{screen}", path.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Checks each written hosting file with its real tool where one exists: `nginx -t` for the
/// server block, node for the Workers, and the content for Apache and `_headers`. Kept apart
/// so more files (the policy, wrangler) can be added to the list.
fn check_hosting_files(dir: &Path, policy: &str) {
    let nginx_conf = std::fs::read_to_string(dir.join("nginx.conf")).unwrap();
    assert!(nginx_conf.contains("server_name mta-sts.example.com"), "{nginx_conf}");
    if let Some(nginx) = common::require_tool("nginx") {
        nginx_accepts(&nginx, &nginx_conf);
    }
    let apache = std::fs::read_to_string(dir.join("apache.conf")).unwrap();
    assert!(apache.contains("ServerName mta-sts.example.com") && apache.contains("<VirtualHost"), "{apache}");
    let headers = std::fs::read_to_string(dir.join("_headers")).unwrap();
    assert!(headers.contains("/.well-known/mta-sts.txt") && headers.contains("text/plain"), "{headers}");
    for worker in ["worker.js", "worker-multi.js"] {
        let module = std::fs::read_to_string(dir.join(worker)).unwrap();
        if let Some(node) = common::require_tool("node") {
            let body = worker_get(&node, &module, "https://mta-sts.example.com/.well-known/mta-sts.txt");
            assert_eq!(body, policy, "{worker} serves the planned policy");
        }
    }
    assert_eq!(std::fs::read_to_string(dir.join("mta-sts.txt")).unwrap(), policy, "the policy file");
    let project = dir.join("mta-sts-worker");
    let config = std::fs::read_to_string(project.join("wrangler.jsonc")).unwrap();
    assert!(config.contains("mta-sts.example.com"), "{config}");
    if let Some(bin) = common::cloudflare::workerd() {
        let w = common::cloudflare::Workerd::start(&bin, &project, "worker.js");
        let (status, ctype, body) = w.get("GET", "mta-sts.example.com", "/.well-known/mta-sts.txt");
        assert_eq!((status, ctype.as_str(), body.as_str()), (200, "text/plain; charset=utf-8", policy));
        assert_eq!(w.get("GET", "mta-sts.example.com", "/").0, 404);
    }
    if let Some(wrangler) = common::require_tool("wrangler") {
        common::cloudflare::dry_run(&wrangler, &project);
    }
}

#[test]
fn offline_wizard_adds_typed_mx_hosts_and_writes_every_hosting_file() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("tmux not installed; skipping");
        return;
    }
    let session = format!("mtasts-offline-{}", std::process::id());
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("out");
    std::fs::create_dir(&work).unwrap();
    let script = format!(
        "cd {} && {} --state-dir {} --resolver 127.0.0.1:1 --timeout 3; sleep 30",
        work.display(),
        env!("CARGO_BIN_EXE_mtasts"),
        dir.path().join("state").display()
    );
    tmux(&["new-session", "-d", "-s", &session, "-x", "100", "-y", "30", &script]);
    let home = wait_for(&session, "No domains tracked yet", 30);
    assert!(home.contains("Press a"), "{home}");
    keys(&session, &["a"]);
    literal(&session, "example.com");
    keys(&session, &["Enter"]);
    let prompt = wait_for(&session, "MX hosts (space or comma separated", 30);
    assert!(prompt.contains("the DNS resolver did not answer"), "{prompt}");
    literal(&session, "mx1.example.com, mx2.example.com");
    keys(&session, &["Enter"]);
    let domain = wait_for(&session, "home › example.com", 30);
    assert!(!domain.contains("NxDomain") && !domain.contains("Timeout"), "{domain}");
    wait_for(&session, "planned MX host", 30);
    keys(&session, &["l", "l"]);
    wait_for(&session, "1-6", 10);
    for (digit, name) in [
        ("1", "nginx.conf"),
        ("2", "apache.conf"),
        ("4", "_headers"),
        ("5", "worker.js"),
        ("6", "worker-multi.js"),
    ] {
        write_hosting_file(&session, &work, digit, name);
    }
    write_artefact(&session, &work, "F", "Write the policy file to", "mta-sts.txt");
    write_artefact(
        &session,
        &work,
        "D",
        "Write wrangler.jsonc and worker.js",
        "mta-sts-worker/wrangler.jsonc",
    );
    keys(&session, &["q", "q"]);
    std::thread::sleep(Duration::from_millis(500));
    tmux(&["kill-session", "-t", &session]);
    let policy =
        "version: STSv1\r\nmode: testing\r\nmx: mx1.example.com\r\nmx: mx2.example.com\r\nmax_age: 86400\r\n";
    check_hosting_files(&work, policy);
}

/// `nginx -t` on the written server block, with the certificate paths pointed at a test
/// certificate and the listeners at a loopback port (the rest exactly as written).
fn nginx_accepts(nginx: &Path, block: &str) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (_, chain, key) = common::test_certificate("mta-sts.example.com");
    std::fs::write(d.join("cert.pem"), chain).unwrap();
    std::fs::write(d.join("key.pem"), key).unwrap();
    let port = common::free_port();
    let mut site = String::new();
    let mut listened = false;
    for line in block.lines() {
        let t = line.trim_start();
        if t.starts_with("listen ") {
            if !listened {
                site.push_str(&format!("    listen 127.0.0.1:{port} ssl;\n"));
                listened = true;
            }
        } else if t.starts_with("ssl_certificate_key ") {
            site.push_str(&format!("    ssl_certificate_key {};\n", d.join("key.pem").display()));
        } else if t.starts_with("ssl_certificate ") {
            site.push_str(&format!("    ssl_certificate {};\n", d.join("cert.pem").display()));
        } else {
            site.push_str(line);
            site.push('\n');
        }
    }
    std::fs::write(d.join("site.conf"), site).unwrap();
    let p = d.display();
    std::fs::write(
        d.join("nginx.conf"),
        format!(
            "daemon off;\nmaster_process off;\npid {p}/nginx.pid;\nerror_log {p}/error.log info;\n\
             events {{ worker_connections 64; }}\nhttp {{\n  access_log {p}/access.log;\n\
             client_body_temp_path {p}/body;\n  proxy_temp_path {p}/proxy;\n  fastcgi_temp_path {p}/fastcgi;\n\
             uwsgi_temp_path {p}/uwsgi;\n  scgi_temp_path {p}/scgi;\n  include {p}/site.conf;\n}}\n"
        ),
    )
    .unwrap();
    let mut cmd = Command::new(nginx);
    cmd.arg("-t")
        .arg("-p")
        .arg(format!("{p}/"))
        .arg("-e")
        .arg(d.join("error.log"))
        .arg("-c")
        .arg(d.join("nginx.conf"));
    common::server::assert_config_ok(cmd, "nginx -t", &d.join("error.log"));
}

/// The body a Worker module answers to GET `url`, run by node with a real Request.
fn worker_get(node: &Path, module: &str, url: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("worker.mjs"), module).unwrap();
    let harness = format!(
        "import w from './worker.mjs';\n\
         const r = await w.fetch(new Request({url:?}));\n\
         if (r.status !== 200) throw new Error('status ' + r.status);\n\
         process.stdout.write(await r.text());\n"
    );
    std::fs::write(dir.path().join("run.mjs"), harness).unwrap();
    let out = Command::new(node).arg(dir.path().join("run.mjs")).output().unwrap();
    assert!(out.status.success(), "node failed:\n{}\n{module}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}
