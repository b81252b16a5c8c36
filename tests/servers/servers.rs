//! Bonus checks: the generated Apache and Caddy configurations, loaded by the real servers
//! (Debian/Ubuntu packages `apache2-bin` and `caddy`) and asked for the policy over HTTPS.
//! Skipped, even on CI, when the server is not installed.

use crate::common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::Command;

use common::server::{Server, assert_config_ok, assert_serves_policy};
use mtasts_core::snippet::{Options, Target, generate};

const HOST: &str = "mta-sts.example.com";
const APACHE_MODULES: &str = "/usr/lib/apache2/modules";

/// Writes the certificate, key and policy into `dir`; returns the CA PEM, the policy text
/// and options pointing at them.
fn prepare(dir: &Path) -> (String, String, Options) {
    let (ca_pem, chain_pem, key_pem) = common::test_certificate(HOST);
    std::fs::write(dir.join("cert.pem"), chain_pem).unwrap();
    std::fs::write(dir.join("key.pem"), key_pem).unwrap();
    let webroot = dir.join("www");
    std::fs::create_dir_all(webroot.join(".well-known")).unwrap();
    let opts = Options {
        cert: Some(dir.join("cert.pem").display().to_string()),
        key: Some(dir.join("key.pem").display().to_string()),
        webroot: Some(webroot.display().to_string()),
    };
    let policy = generate(Target::Policy, &[common::site("example.com")], &opts).unwrap().text;
    std::fs::write(webroot.join(".well-known/mta-sts.txt"), &policy).unwrap();
    (ca_pem, policy, opts)
}

fn apache_main_config(dir: &Path, port: u16, as_root: bool) -> String {
    let d = dir.display();
    let mut conf = format!(
        "ServerRoot \"{d}\"\nDefaultRuntimeDir \"{d}\"\nPidFile \"{d}/apache.pid\"\n\
         ErrorLog \"{d}/error.log\"\nLogLevel warn\nMutex file:{d} default\nServerName localhost\n\
         Listen 127.0.0.1:{port}\nTypesConfig /dev/null\nAddType application/octet-stream .txt\n"
    );
    for m in ["mpm_event", "authz_core", "mime", "socache_shmcb", "ssl", "headers", "alias"] {
        conf.push_str(&format!("LoadModule {m}_module {APACHE_MODULES}/mod_{m}.so\n"));
    }
    if as_root {
        // Apache refuses to serve as root; its workers drop to this account.
        conf.push_str("User daemon\nGroup daemon\n");
    }
    conf.push_str(&format!("Include \"{d}/site.conf\"\n"));
    conf
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn apache_serves_the_policy_exactly() {
    let Some(apache) = common::optional_tool(&["apache2", "httpd"]) else {
        return;
    };
    if !Path::new(APACHE_MODULES).join("mod_ssl.so").exists() {
        eprintln!("SKIPPED: {APACHE_MODULES}/mod_ssl.so not found (not a Debian-style apache2)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let as_root = std::fs::metadata("/proc/self").unwrap().uid() == 0;
    // The unprivileged workers must be able to reach the webroot.
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    let (ca_pem, policy, opts) = prepare(d);
    let vhost = generate(Target::Apache, &[common::site("example.com")], &opts).unwrap().text;
    assert!(vhost.contains("<VirtualHost *:443>"));
    let port = common::free_port();
    let vhost = vhost.replace("<VirtualHost *:443>", &format!("<VirtualHost 127.0.0.1:{port}>"));
    std::fs::write(d.join("site.conf"), vhost).unwrap();
    std::fs::write(d.join("apache.conf"), apache_main_config(d, port, as_root)).unwrap();
    let command = |extra: &[&str]| {
        let mut cmd = Command::new(&apache);
        cmd.arg("-f").arg(d.join("apache.conf")).args(extra);
        cmd
    };
    let log = d.join("error.log");
    assert_config_ok(command(&["-t"]), "apache2 -t", &log);
    let server = Server::start(command(&["-X"]), port, &log);
    assert_serves_policy(HOST, port, &ca_pem, &policy).await;
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn caddy_serves_the_policy_exactly() {
    let Some(caddy) = common::optional_tool(&["caddy"]) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (ca_pem, policy, opts) = prepare(d);
    let site = generate(Target::Caddy, &[common::site("example.com")], &opts).unwrap().text;
    let port = common::free_port();
    let address = format!("\n{HOST} {{\n");
    assert!(site.contains(&address), "{site}");
    let site = site.replace(&address, &format!("\n{HOST}:{port} {{\n"));
    let global = format!(
        "{{\n\tadmin off\n\tauto_https disable_redirects\n\tstorage file_system {}\n}}\n",
        d.join("storage").display()
    );
    let caddyfile = d.join("Caddyfile");
    std::fs::write(&caddyfile, format!("{global}{site}")).unwrap();
    let command = |sub: &str| {
        let mut cmd = Command::new(&caddy);
        cmd.arg(sub)
            .arg("--config")
            .arg(&caddyfile)
            .arg("--adapter")
            .arg("caddyfile")
            .env("HOME", d)
            .env("XDG_DATA_HOME", d.join("data"))
            .env("XDG_CONFIG_HOME", d.join("config"));
        cmd
    };
    let log = d.join("caddy.log");
    assert_config_ok(command("validate"), "caddy validate", &log);
    let mut run = command("run");
    let log_file = std::fs::File::create(&log).unwrap();
    run.stderr(log_file);
    let server = Server::start(run, port, &log);
    assert_serves_policy(HOST, port, &ca_pem, &policy).await;
    drop(server);
}
