//! Real authoritative DNS servers on loopback for the `publish` tests: Knot (Debian `knot`,
//! RFC 2136 updates allowed for one TSIG key) and PowerDNS Authoritative (Debian
//! `pdns-server` + `pdns-backend-sqlite3`, its HTTP API on), each run as the current user from
//! a configuration written to a temporary directory, and `kdig`/`dig` to ask them.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A TSIG secret for the tests (32 bytes, base64).
pub const TSIG_SECRET: &str = "bXRhc3RzLXRlc3QtdHNpZy1zZWNyZXQtMzItYnl0ZXM=";
/// The PowerDNS API key of the tests.
pub const PDNS_KEY: &str = "pdns-test-api-key-7c1f";

/// A DNS server process (killed when dropped) and its ports.
pub struct Server {
    process: super::server::Server,
    /// The DNS port (UDP and TCP) on 127.0.0.1.
    pub port: u16,
    /// The HTTP API port (PowerDNS).
    pub api_port: u16,
}

impl Server {
    /// The server's log so far.
    pub fn log(&self) -> String {
        self.process.log()
    }

    /// The records `kdig`/`dig` gets for `name` `rtype` asked at this server, one per line
    /// (`+short`), sorted.
    pub fn dig(&self, name: &str, rtype: &str) -> Vec<String> {
        self.try_dig(name, rtype).unwrap_or_else(|e| panic!("dig failed: {e}\n{}", self.log()))
    }

    /// [`Server::dig`], or what dig said when it failed.
    pub fn try_dig(&self, name: &str, rtype: &str) -> Result<Vec<String>, String> {
        let tool = super::find_tool("kdig").or_else(|| super::find_tool("dig")).expect("kdig or dig");
        let out = Command::new(tool)
            .args(["@127.0.0.1", "-p", &self.port.to_string(), "+short", "+norecurse", "+tcp", name, rtype])
            .output()
            .unwrap();
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .filter(|l| !l.is_empty())
            .collect();
        lines.sort();
        Ok(lines)
    }
}

/// The test zone `domain`: SOA, NS `ns1` at 127.0.0.1, the MX hosts with their addresses,
/// and a TXT at `_mta-sts` that is not mtasts's (it must survive every publication).
pub fn zone_file(domain: &str, mx: &[(&str, std::net::Ipv4Addr)]) -> String {
    let mut z = format!(
        "$ORIGIN {domain}.\n$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400 300\n@ NS ns1\nns1 A 127.0.0.1\n\
         _mta-sts TXT \"site-verification=keep-me\"\n"
    );
    for (i, (host, ip)) in mx.iter().enumerate() {
        z.push_str(&format!("@ MX {} {host}.\n{host}. A {ip}\n", 10 * (i + 1)));
    }
    z
}

/// Knot serving `domain` from `zone`, updates allowed for key `mtasts` (`algorithm`); the key
/// file (BIND form) is written beside the configuration. `None` when knotd is not installed.
pub fn knot(dir: &Path, domain: &str, zone: &str, algorithm: &str) -> Option<(Server, PathBuf)> {
    let knotd = super::require_tool("knotd")?;
    let port = super::free_port();
    std::fs::create_dir_all(dir.join("db")).unwrap();
    std::fs::write(dir.join(format!("{domain}.zone")), zone).unwrap();
    let key_file = dir.join("mtasts.key");
    std::fs::write(
        &key_file,
        format!("key \"mtasts\" {{\n\talgorithm {algorithm};\n\tsecret \"{TSIG_SECRET}\";\n}};\n"),
    )
    .unwrap();
    let d = dir.display();
    let conf = format!(
        "server:\n  rundir: \"{d}\"\n  listen: 127.0.0.1@{port}\n  pidfile: \"{d}/knot.pid\"\n\
         control:\n  listen: \"{d}/knot.sock\"\n\
         database:\n  storage: \"{d}/db\"\n\
         log:\n  - target: \"{d}/knot.log\"\n    any: info\n\
         key:\n  - id: mtasts\n    algorithm: {algorithm}\n    secret: {TSIG_SECRET}\n\
         acl:\n  - id: update\n    key: mtasts\n    action: update\n\
         template:\n  - id: default\n    storage: \"{d}\"\n    file: \"%s.zone\"\n    zonefile-sync: -1\n\
         \x20   journal-content: changes\n    semantic-checks: off\n\
         zone:\n  - domain: {domain}.\n    acl: update\n"
    );
    let conf_path = dir.join("knot.conf");
    std::fs::write(&conf_path, conf).unwrap();
    let mut cmd = Command::new(knotd);
    cmd.arg("-c").arg(&conf_path);
    let process = super::server::Server::start(cmd, port, &dir.join("knot.log"));
    let server = Server { process, port, api_port: 0 };
    wait_serving(&server, domain);
    Some((server, key_file))
}

/// PowerDNS Authoritative with a fresh SQLite database holding `zone` for `domain`, its API
/// on a loopback port with key [`PDNS_KEY`]. `None` when pdns_server is not installed.
pub fn pdns(dir: &Path, domain: &str, zone: &str) -> Option<Server> {
    let server = super::require_tool("pdns_server")?;
    let pdnsutil = super::require_tool("pdnsutil")?;
    let sqlite = super::require_tool("sqlite3")?;
    let schema = [
        "/usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql",
        "/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql",
    ]
    .into_iter()
    .map(PathBuf::from)
    .find(|p| p.is_file())
    .expect("the pdns-backend-sqlite3 schema");
    let db = dir.join("pdns.sqlite3");
    let out = Command::new(sqlite).arg(&db).arg(format!(".read {}", schema.display())).output().unwrap();
    assert!(out.status.success(), "sqlite3: {}", String::from_utf8_lossy(&out.stderr));
    let (port, api_port) = (super::free_port(), super::free_port());
    let d = dir.display();
    let conf = format!(
        "launch=gsqlite3\ngsqlite3-database={}\nlocal-address=127.0.0.1\nlocal-port={port}\n\
         socket-dir={d}\napi=yes\napi-key={PDNS_KEY}\nwebserver=yes\nwebserver-address=127.0.0.1\n\
         webserver-port={api_port}\nwebserver-allow-from=127.0.0.0/8\ndaemon=no\nguardian=no\n\
         disable-syslog=yes\nloglevel=4\nzone-cache-refresh-interval=0\nquery-cache-ttl=0\n\
         negquery-cache-ttl=0\ncache-ttl=0\nconsistent-backends=yes\n",
        db.display()
    );
    std::fs::write(dir.join("pdns.conf"), conf).unwrap();
    let zf = dir.join(format!("{domain}.zone"));
    std::fs::write(&zf, zone).unwrap();
    let out = Command::new(pdnsutil)
        .arg(format!("--config-dir={d}"))
        .args(["load-zone", domain])
        .arg(&zf)
        .output()
        .unwrap();
    assert!(out.status.success(), "pdnsutil load-zone: {}", String::from_utf8_lossy(&out.stderr));
    let log = dir.join("pdns.log");
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(format!("exec {} --config-dir={d} 2>>{}", server.display(), log.display()));
    let process = super::server::Server::start(cmd, port, &log);
    let server = Server { process, port, api_port };
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", api_port)).is_err() {
        assert!(Instant::now() < deadline, "the PowerDNS API did not listen:\n{}", server.log());
        std::thread::sleep(Duration::from_millis(50));
    }
    wait_serving(&server, domain);
    Some(server)
}

fn wait_serving(server: &Server, domain: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.try_dig(domain, "SOA").map_or(true, |l| l.is_empty()) {
        assert!(Instant::now() < deadline, "the zone {domain} is not served:\n{}", server.log());
        std::thread::sleep(Duration::from_millis(100));
    }
}
