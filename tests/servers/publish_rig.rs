//! The rig of the `publish` tests: the lab serves the MX hosts (SMTP) and the policy host
//! (HTTPS); a real authoritative server (Knot or PowerDNS) serves the zone, and the binary's
//! probes ask it directly (`--resolver` and `--ns-port` at it), so `check` and the gates see
//! exactly what `publish` wrote. The MX records are the admin's, changed on the server itself.

use std::net::Ipv4Addr;
use std::process::{Command, Output};

use crate::common;
use common::dns_servers::{self, PDNS_KEY, Server};
use common::lab_env::LabEnv;

/// Strings that only a secret holds: no state file or output may contain them.
pub const SECRET_MARKERS: [&str; 2] = [dns_servers::TSIG_SECRET, PDNS_KEY];

/// The domain rolled out.
pub const D: &str = "fresh.example";

/// Which authoritative server plays the user's DNS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Knot, RFC 2136 with a TSIG key file.
    Knot,
    /// PowerDNS, its HTTP API with the key in `MTASTS_PDNS_API_KEY`.
    PowerDns,
}

/// The lab, the DNS server and how to reach it.
pub struct Rig {
    pub env: LabEnv,
    pub server: Server,
    pub backend: Backend,
    /// `--dns URL` and the secret options.
    pub dns_args: Vec<String>,
    dir: tempfile::TempDir,
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Stdout of `out`, after checking its exit code.
#[track_caller]
pub fn code(out: &Output, want: i32) -> String {
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(want), "stdout:\n{stdout}\nstderr:\n{}", text(&out.stderr));
    stdout
}

impl Rig {
    /// Starts the lab's `demo-fresh` scenario and `backend` serving its zone; `None` when the
    /// server is not installed (skipped off CI).
    pub fn start(backend: Backend) -> Option<Rig> {
        Rig::start_with(backend, "hmac-sha256")
    }

    /// [`Rig::start`] with Knot's TSIG key of `algorithm`.
    pub fn start_with(backend: Backend, algorithm: &str) -> Option<Rig> {
        let env = LabEnv::new("demo-fresh");
        let dir = tempfile::tempdir().unwrap();
        let mx: Vec<(String, Ipv4Addr)> = ["mx1", "mx2"]
            .iter()
            .map(|h| {
                let host = format!("{h}.{D}");
                let ip = env.lab.mx_addrs[&host];
                (host, ip)
            })
            .collect();
        let mx_refs: Vec<(&str, Ipv4Addr)> = mx.iter().map(|(h, ip)| (h.as_str(), *ip)).collect();
        let zone = dns_servers::zone_file(D, &mx_refs);
        let (server, dns_args) = match backend {
            Backend::Knot => {
                let (server, key) = dns_servers::knot(dir.path(), D, &zone, algorithm)?;
                let url = format!("rfc2136://mtasts@127.0.0.1:{}", server.port);
                (server, vec!["--dns".into(), url, "--tsig-file".into(), key.display().to_string()])
            }
            Backend::PowerDns => {
                let server = dns_servers::pdns(dir.path(), D, &zone)?;
                let url = format!("pdns+http://127.0.0.1:{}/localhost", server.api_port);
                (server, vec!["--dns".into(), url])
            }
        };
        Some(Rig { env, server, backend, dns_args, dir })
    }

    /// The probe options: the DNS server as resolver and as every nameserver, the lab's ports
    /// and CA.
    fn probe_args(&self) -> Vec<String> {
        let port = self.server.port.to_string();
        [
            ("--resolver", format!("127.0.0.1:{port}")),
            ("--ns-port", port.clone()),
            ("--smtp-port", self.env.lab.smtp_port.to_string()),
            ("--https-port", self.env.lab.https_port.to_string()),
            ("--ca-file", self.env.ca.display().to_string()),
            ("--timeout", "10".into()),
        ]
        .into_iter()
        .flat_map(|(k, v)| [k.to_owned(), v])
        .collect()
    }

    /// The binary with `args`, its clock `hours` after the start, probing the rig.
    pub fn command(&self, hours: i64, args: &[&str]) -> Command {
        let mut cmd = self.env.command(hours, args, false);
        cmd.args(self.probe_args());
        cmd.env("MTASTS_PDNS_API_KEY", PDNS_KEY);
        cmd
    }

    /// Runs the binary `hours` after the start.
    pub fn run(&self, hours: i64, args: &[&str]) -> Output {
        self.command(hours, args).output().unwrap()
    }

    /// Serves the plan's policy from the lab's policy host (the web server's part).
    pub fn serve_plan(&self) {
        let s = self.env.state(D);
        self.env.lab.publish_policy(D, Some(s.plan.policy().render().into_bytes())).unwrap();
    }

    /// Knot's configuration file (for knotc).
    pub fn server_conf(&self) -> std::path::PathBuf {
        self.dir.path().join("knot.conf")
    }

    /// The TXT records the server serves at `name`, each as dig prints it.
    pub fn txt(&self, name: &str) -> Vec<String> {
        self.server.dig(&format!("{name}.{D}"), "TXT")
    }

    /// Changes the zone's MX records on the server itself, as the admin does at their DNS
    /// (mtasts never touches MX records): `hosts` with the lab's addresses.
    pub fn set_mx(&self, hosts: &[&str]) {
        self.env.rt.block_on(async { self.env.lab.set_mx_hosts(D, hosts).unwrap() });
        let addrs = self.env.lab.mx_hosts();
        let mx: Vec<String> =
            hosts.iter().enumerate().map(|(i, h)| format!("{} {h}.", 10 * (i + 1))).collect();
        let a: Vec<(String, String)> =
            hosts.iter().map(|h| ((*h).to_owned(), addrs[*h].to_string())).collect();
        match self.backend {
            Backend::Knot => {
                let conf = self.dir.path().join("knot.conf");
                let knotc = |args: &[&str]| {
                    let out = Command::new(common::find_tool("knotc").unwrap())
                        .arg("-c")
                        .arg(&conf)
                        .args(args)
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "knotc {args:?}: {}{}",
                        text(&out.stdout),
                        text(&out.stderr)
                    );
                };
                knotc(&["zone-begin", D]);
                knotc(&["zone-unset", D, "@", "MX"]);
                for m in &mx {
                    knotc(&["zone-set", D, "@", "300", "MX", m]);
                }
                for (h, ip) in &a {
                    let owner = format!("{h}.");
                    let _ = Command::new(common::find_tool("knotc").unwrap())
                        .arg("-c")
                        .arg(&conf)
                        .args(["zone-unset", D, &owner, "A"])
                        .output();
                    knotc(&["zone-set", D, &owner, "300", "A", ip]);
                }
                knotc(&["zone-commit", D]);
            }
            Backend::PowerDns => {
                let pdnsutil = |args: &[&str]| {
                    let out = Command::new(common::find_tool("pdnsutil").unwrap())
                        .arg(format!("--config-dir={}", self.dir.path().display()))
                        .args(args)
                        .output()
                        .unwrap();
                    assert!(out.status.success(), "pdnsutil {args:?}: {}", text(&out.stderr));
                };
                let mut replace = vec!["replace-rrset", D, "@", "MX", "300"];
                replace.extend(mx.iter().map(String::as_str));
                pdnsutil(&replace);
                for (h, ip) in &a {
                    let relative = h.strip_suffix(&format!(".{D}")).unwrap_or(h);
                    pdnsutil(&["replace-rrset", D, relative, "A", "300", ip]);
                }
            }
        }
    }
}
