//! The one helper tree of the integration tests, included by every test binary
//! (`#[path = "../common/mod.rs"] mod common;`): external programs (required on CI, skipped
//! elsewhere), lab environments, servers, report and state fixtures, the scripted event loop.
//! Each binary uses only part of it.
#![allow(dead_code)]

pub mod cf_api;
pub mod cloudflare;
pub mod dkim;
pub mod dns_servers;
pub mod imap_server;
pub mod lab_client;
pub mod lab_env;
pub mod reports;
pub mod rss;
pub mod rua;
pub mod server;
pub mod soak;
pub mod state;
pub mod tui_loop;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Directories searched after `PATH`: server binaries live in sbin, which is often not on a
/// normal user's `PATH`.
const EXTRA_DIRS: [&str; 4] = ["/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/local/bin"];

/// Where `name` is installed, if it is: the first executable file named `name` on `PATH`
/// or in the sbin directories.
pub fn find_tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(EXTRA_DIRS.iter().map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// A tool the test cannot do without. Missing on CI (`CI=true`): the test fails with a
/// clear message. Missing elsewhere: prints `SKIPPED: NAME not installed` to stderr and
/// returns `None`, so the caller returns early.
pub fn require_tool(name: &str) -> Option<PathBuf> {
    require_tool_on(name, on_ci())
}

/// [`require_tool`] with the CI decision passed in (so the rule itself can be tested).
pub fn require_tool_on(name: &str, ci: bool) -> Option<PathBuf> {
    let found = find_tool(name);
    if found.is_none() {
        assert!(
            !ci,
            "{name} is not installed, but CI=true requires this test to run: install {name} \
             in the CI image (see the test's header comment for the package)"
        );
        eprintln!("SKIPPED: {name} not installed");
    }
    found
}

/// A tool whose test is a bonus: when missing, always skip (even on CI) with the same
/// `SKIPPED:` line.
pub fn optional_tool(names: &[&str]) -> Option<PathBuf> {
    let found = names.iter().find_map(|n| find_tool(n));
    if found.is_none() {
        eprintln!("SKIPPED: {} not installed", names.join(" / "));
    }
    found
}

/// The built `mtasts` binary with its state in `state` and colour off (`NO_COLOR`).
pub fn mtasts(state: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mtasts"));
    cmd.env("MTASTS_STATE_DIR", state).env("NO_COLOR", "1");
    cmd
}

/// [`mtasts`] with its clock at `now` (`MTASTS_NOW`, RFC 3339).
pub fn mtasts_at(state: &Path, now: &str) -> Command {
    let mut cmd = mtasts(state);
    cmd.env("MTASTS_NOW", now);
    cmd
}

/// Standard output, then standard error, as text.
pub fn output_text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// A site with two MX patterns (one wildcard) and two report URIs.
pub fn site(domain: &str) -> mtasts_core::snippet::Site {
    use mtasts_core::rfc::{DomainName, Mode, MxPattern, Policy, PolicyId, RuaUri};
    let d = DomainName::parse(domain).expect("valid test domain");
    mtasts_core::snippet::Site {
        policy: Policy {
            mode: Mode::Enforce,
            max_age: 604_800,
            mx: vec![
                MxPattern::parse(&format!("mail.{d}")).expect("valid mx"),
                MxPattern::parse("*.mx.example.net").expect("valid mx"),
            ],
        },
        id: PolicyId::parse("20261129T081500").expect("valid id"),
        rua: vec![
            RuaUri::parse(&format!("mailto:tlsrpt@{d}")).expect("valid rua"),
            RuaUri::parse("https://reports.example.net/v1/tlsrpt").expect("valid rua"),
        ],
        domain: d,
    }
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind an ephemeral port")
}

/// A private CA and a server certificate for `host` it issued, both as PEM:
/// `(ca_cert, server_cert_chain, server_key)`.
pub fn test_certificate(host: &str) -> (String, String, String) {
    use rcgen::{
        BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
    };
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("ca params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, "mtasts test CA");
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("ca key")).expect("ca");
    let key = KeyPair::generate().expect("server key");
    let mut params = CertificateParams::new(vec![host.to_owned()]).expect("server params");
    params.distinguished_name.push(DnType::CommonName, host);
    let cert = params.signed_by(&key, &ca).expect("server cert");
    (ca.pem(), format!("{}{}", cert.pem(), ca.pem()), key.serialize_pem())
}

/// A TLS client configuration (aws-lc-rs, safe defaults) trusting only `anchor`.
pub fn tls_client_config(
    anchor: rustls_pki_types::CertificateDer<'static>,
) -> std::sync::Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(anchor).expect("a usable trust anchor");
    let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("safe default protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    std::sync::Arc::new(config)
}

/// A probe configuration aimed at `lab`: its resolver, ports and CA; 2 s per step, 10 s per
/// domain.
pub fn lab_config(lab: &mtasts_lab::Lab) -> mtasts_probe::ProbeConfig {
    use mtasts_probe::{ProbeConfig, ResolverChoice, Timeouts};
    use std::time::Duration;
    let mut cfg = ProbeConfig::new(lab.now);
    cfg.resolver = ResolverChoice::At(lab.dns_addr);
    cfg.extra_anchors = vec![lab.ca_der.clone()];
    cfg.smtp_port = lab.smtp_port;
    cfg.https_port = lab.https_port;
    cfg.timeouts = Timeouts { overall: Duration::from_secs(10), ..Timeouts::uniform(Duration::from_secs(2)) };
    cfg.ehlo_name = "probe.test".into();
    cfg
}
