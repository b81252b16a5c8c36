//! `mtasts reports fetch` against a real Dovecot IMAP server (Debian package `dovecot-imapd`,
//! installed by `.ci/run`). Each test starts its own Dovecot on loopback: its own config,
//! base_dir and maildir in a temp dir, a passwd-file user, TLS with a certificate from the
//! lab's private CA. Without Dovecot the tests skip, except on CI (`CI=true`), where they fail.

use crate::common;
use crate::common::output_text as text;

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::reports::gzip;
use mtasts_lab::LabCa;
use mtasts_lab::scenario::CertKind;
use rustls_pki_types::pem::PemObject;

const USER: &str = "rep";
const PASSWORD: &str = "s3cret-Pw";

struct Dovecot {
    child: Child,
    dir: tempfile::TempDir,
    imaps: u16,
    imap: u16,
    /// uid and gid owning the mail (an unprivileged user when the test runs as root).
    owner: (u32, u32),
    seq: u32,
}

/// `(login user, internal user, internal group, mail uid, mail gid)`: Dovecot refuses to run
/// its login processes, or to deliver mail, as root.
fn users() -> (String, String, String, u32, u32) {
    let me = std::fs::metadata("/proc/self").unwrap();
    if me.uid() != 0 {
        let name = std::env::var("USER").unwrap_or_else(|_| me.uid().to_string());
        let group = Command::new("id").arg("-gn").output().unwrap();
        let group = String::from_utf8_lossy(&group.stdout).trim().to_owned();
        return (name.clone(), name, group, me.uid(), me.gid());
    }
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap();
    let nobody = passwd.lines().find(|l| l.starts_with("nobody:")).expect("a nobody user");
    let f: Vec<&str> = nobody.split(':').collect();
    let group = std::fs::read_to_string("/etc/group").unwrap();
    let gname = group
        .lines()
        .find(|l| l.split(':').nth(2) == Some(f[3]))
        .and_then(|l| l.split(':').next())
        .unwrap()
        .to_owned();
    ("nobody".into(), "nobody".into(), gname, f[2].parse().unwrap(), f[3].parse().unwrap())
}

fn chown_all(path: &Path, (uid, gid): (u32, u32)) {
    std::os::unix::fs::chown(path, Some(uid), Some(gid)).unwrap();
    if path.is_dir() {
        for e in std::fs::read_dir(path).unwrap() {
            chown_all(&e.unwrap().path(), (uid, gid));
        }
    }
}

impl Dovecot {
    fn start() -> Option<Dovecot> {
        let bin = common::require_tool("dovecot")?;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // The unprivileged login and mail processes must reach their files.
        std::fs::set_permissions(d, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        let ca = LabCa::new(jiff::Timestamp::now()).unwrap();
        let cert = ca.issue("localhost", &CertKind::Valid).unwrap();
        let pem = |label: &str, der: &[u8]| {
            use base64::Engine as _;
            let b64 = base64::engine::general_purpose::STANDARD.encode(der);
            let lines: Vec<&str> =
                b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
            format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"))
        };
        let chain: String = cert.chain.iter().map(|c| pem("CERTIFICATE", c)).collect();
        std::fs::write(d.join("cert.pem"), chain).unwrap();
        std::fs::write(d.join("key.pem"), pem("PRIVATE KEY", cert.key.secret_pkcs8_der())).unwrap();
        std::fs::write(d.join("ca.pem"), ca.cert_pem()).unwrap();
        assert!(rustls_pki_types::CertificateDer::pem_file_iter(d.join("ca.pem")).unwrap().count() == 1);
        let (login, internal, group, uid, gid) = users();
        std::fs::write(d.join("passwd"), format!("{USER}:{{PLAIN}}{PASSWORD}::::::\n")).unwrap();
        let (imaps, imap) = (common::free_port(), common::free_port());
        let p = d.display();
        let conf = format!(
            "base_dir = {p}/run\nstate_dir = {p}/state\nlog_path = {p}/dovecot.log\n\
             instance_name = mtasts-test-{imaps}\nprotocols = imap\nlisten = 127.0.0.1\n\
             ssl = yes\nssl_cert = <{p}/cert.pem\nssl_key = <{p}/key.pem\n\
             disable_plaintext_auth = no\nauth_mechanisms = plain login\n\
             default_login_user = {login}\ndefault_internal_user = {internal}\n\
             default_internal_group = {group}\nfirst_valid_uid = 1\nmail_location = maildir:{p}/mail/%u\n\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {p}/passwd\n}}\n\
             userdb {{\n  driver = passwd-file\n  args = username_format=%u {p}/passwd\n  \
             default_fields = uid={uid} gid={gid} home={p}/home/%u\n}}\n\
             service imap-login {{\n  chroot =\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {imap}\n  }}\n  \
             inet_listener imaps {{\n    address = 127.0.0.1\n    port = {imaps}\n    ssl = yes\n  }}\n}}\n\
             service anvil {{\n  chroot =\n}}\n"
        );
        std::fs::write(d.join("dovecot.conf"), conf).unwrap();
        let inbox = d.join("mail").join(USER);
        for sub in ["cur", "new", "tmp"] {
            std::fs::create_dir_all(inbox.join(sub)).unwrap();
        }
        std::fs::create_dir_all(d.join("home").join(USER)).unwrap();
        chown_all(&d.join("mail"), (uid, gid));
        chown_all(&d.join("home"), (uid, gid));
        let child = Command::new(bin)
            .args(["-F", "-c"])
            .arg(d.join("dovecot.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let dovecot = Dovecot { child, dir, imaps, imap, owner: (uid, gid), seq: 0 };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", imaps)).is_err() {
            assert!(Instant::now() < deadline, "dovecot did not start: {}", dovecot.log());
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(dovecot)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default()
    }

    fn inbox(&self) -> PathBuf {
        self.dir.path().join("mail").join(USER)
    }

    /// Delivers a message into the INBOX (maildir `new/`).
    fn deliver(&mut self, raw: &str) {
        self.seq += 1;
        let path = self.inbox().join("new").join(format!("1764480000.M{}P1.mtasts-test", self.seq));
        std::fs::write(&path, raw.replace('\n', "\r\n")).unwrap();
        chown_all(&path, self.owner);
    }

    /// Delivers a message exactly as given (a signed one must not change by a byte).
    fn deliver_raw(&mut self, raw: &[u8]) {
        self.seq += 1;
        let path = self.inbox().join("new").join(format!("1764480000.M{}P1.mtasts-test", self.seq));
        std::fs::write(&path, raw).unwrap();
        chown_all(&path, self.owner);
    }

    /// Forgets the INBOX's UIDs: Dovecot numbers the messages again under a new UIDVALIDITY.
    fn renumber(&self) {
        for e in std::fs::read_dir(self.inbox()).unwrap() {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("dovecot-uidlist") || name.starts_with("dovecot.index") {
                std::fs::remove_file(path).unwrap();
            }
        }
    }

    fn messages_in(&self, folder: &str) -> usize {
        let base = if folder == "INBOX" { self.inbox() } else { self.inbox().join(format!(".{folder}")) };
        ["cur", "new"].iter().map(|s| std::fs::read_dir(base.join(s)).map_or(0, |d| d.count())).sum()
    }

    fn url(&self, mailbox: &str) -> String {
        format!("imaps://{USER}@localhost:{}/{mailbox}", self.imaps)
    }

    fn fetch(&self, state: &Path, url: &str, password: &str, extra: &[&str]) -> Output {
        let out = Command::new(env!("CARGO_BIN_EXE_mtasts"))
            .arg("--state-dir")
            .arg(state)
            .arg("--ca-file")
            .arg(self.dir.path().join("ca.pem"))
            .args(["--timeout", "20", "reports", "fetch", url])
            .args(extra)
            .env("MTASTS_IMAP_PASSWORD", password)
            .env_remove("MTASTS_IMAP_TOKEN")
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        eprintln!(
            "--- fetch {url} {extra:?}: {:?}\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
}

impl Drop for Dovecot {
    /// SIGTERM lets the master stop its children; SIGKILL if it does not go.
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn report(org: &str, id: &str) -> String {
    format!(
        r#"{{"organization-name":"{org}","date-range":{{"start-datetime":"2026-11-20T00:00:00Z","end-datetime":"2026-11-20T23:59:59Z"}},"contact-info":"tlsrpt@{org}","report-id":"{id}","policies":[{{"policy":{{"policy-type":"sts","policy-string":["version: STSv1","mode: testing","mx: mail.example.org","max_age: 86400"],"policy-domain":"example.org"}},"summary":{{"total-successful-session-count":10,"total-failure-session-count":1}},"failure-details":[{{"result-type":"certificate-expired","receiving-mx-hostname":"mail.example.org","failed-session-count":1}}]}}]}}"#
    )
}

fn mail(subject: &str, ctype: &str, name: &str, body: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(body);
    format!(
        "From: noreply@sender.example\nTo: tlsrpt@example.org\nSubject: {subject}\n\
         Message-ID: <{subject}@sender.example>\nMIME-Version: 1.0\n\
         Content-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"b\"\n\n\
         --b\nContent-Type: text/plain\n\nThis is a TLS report.\n\
         --b\nContent-Type: {ctype}\nContent-Disposition: attachment; filename=\"{name}\"\n\
         Content-Transfer-Encoding: base64\n\n{b64}\n--b--\n"
    )
}

/// What a user would see change: the stored reports and the fetch positions.
fn snapshot(state: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for sub in ["reports", "imap"] {
        let Ok(rd) = std::fs::read_dir(state.join(sub)) else { continue };
        for e in rd {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if !name.ends_with(".lock") {
                files.push((format!("{sub}/{name}"), std::fs::read(&p).unwrap()));
            }
        }
    }
    files.sort();
    files
}

fn stored(state: &Path) -> usize {
    let n = mtasts_reports::ReportStore::open(state).unwrap().count().unwrap();
    usize::try_from(n).unwrap()
}

#[test]
fn fetch_imports_once_survives_renumbering_refuses_bad_passwords_and_moves() {
    let Some(mut dovecot) = Dovecot::start() else { return };
    let a = report("mail.sender-a.example", "report-a");
    dovecot.deliver(&mail("gzip", "application/tlsrpt+gzip", "a.json.gz", &gzip(a.as_bytes())));
    dovecot.deliver(&mail(
        "json",
        "application/tlsrpt+json",
        "b.json",
        report("sender-b.example", "report-b").as_bytes(),
    ));
    dovecot.deliver("From: friend@example.net\nTo: tlsrpt@example.org\nSubject: hello\n\nNot a report.\n");
    dovecot.deliver(&mail("again", "application/tlsrpt+gzip", "a.json.gz", &gzip(a.as_bytes())));
    let state = tempfile::tempdir().unwrap();
    let url = dovecot.url("INBOX");

    let first = dovecot.fetch(state.path(), &url, PASSWORD, &[]);
    let out = text(&first);
    assert!(first.status.success(), "{out}\n{}", dovecot.log());
    assert!(out.contains("4 new message(s)"), "{out}");
    assert!(out.contains("imported report report-a") && out.contains("imported report report-b"), "{out}");
    assert!(out.contains("skipped, report report-a already imported"), "{out}");
    assert!(out.contains("ignored: no TLS-RPT report"), "{out}");
    assert!(out.contains("4 message(s): 2 imported, 1 duplicate, 0 rejected, 1 ignored"), "{out}");
    assert_eq!(stored(state.path()), 2);

    let second = dovecot.fetch(state.path(), &url, PASSWORD, &[]);
    let out = text(&second);
    assert!(second.status.success() && out.contains("0 new message(s)"), "{out}");
    assert!(out.contains("0 message(s): 0 imported"), "{out}");

    let before = snapshot(state.path());
    dovecot.deliver(&mail(
        "c",
        "application/tlsrpt+json",
        "c.json",
        report("sender-c.example", "report-c").as_bytes(),
    ));
    let refused = dovecot.fetch(state.path(), &url, "wrong", &["--move-to", "Processed"]);
    let out = text(&refused);
    assert_eq!(refused.status.code(), Some(2), "{out}");
    assert!(out.contains("the server refused the login of rep"), "{out}");
    assert!(out.contains("nothing was fetched or changed"), "{out}");
    assert!(out.contains(": [AUTHENTICATIONFAILED] Authentication failed.;"), "{out}");
    assert!(!out.contains("wrong"), "the password is never printed: {out}");
    assert_eq!(snapshot(state.path()), before, "a refused login changed the state");
    assert_eq!((dovecot.messages_in("INBOX"), dovecot.messages_in("Processed")), (5, 0));

    dovecot.renumber();
    let again = dovecot.fetch(state.path(), &url, PASSWORD, &[]);
    let out = text(&again);
    assert!(again.status.success(), "{out}\n{}", dovecot.log());
    assert!(out.contains("renumbered") && out.contains("5 new message(s)"), "{out}");
    assert!(out.contains("5 message(s): 1 imported, 3 duplicate, 0 rejected, 1 ignored"), "{out}");
    assert_eq!(stored(state.path()), 3, "the refetch stored no second copy");

    dovecot.deliver(&mail(
        "d",
        "application/tlsrpt+gzip",
        "d.json.gz",
        &gzip(report("sender-d.example", "report-d").as_bytes()),
    ));
    let moved = dovecot.fetch(state.path(), &url, PASSWORD, &["--move-to", "Processed"]);
    let out = text(&moved);
    assert!(moved.status.success(), "{out}\n{}", dovecot.log());
    assert!(out.contains("1 message(s): 1 imported") && out.contains("1 moved to Processed"), "{out}");
    assert_eq!((dovecot.messages_in("INBOX"), dovecot.messages_in("Processed")), (5, 1));
    assert_eq!(stored(state.path()), 4);
}

#[test]
fn starttls_works_and_limits_hold() {
    let Some(mut dovecot) = Dovecot::start() else { return };
    for i in 0..3 {
        let r = report("sender.example", &format!("r{i}"));
        dovecot.deliver(&mail(&format!("m{i}"), "application/tlsrpt+json", "r.json", r.as_bytes()));
    }
    let state = tempfile::tempdir().unwrap();
    let url = format!("imap://{USER}@localhost:{}/INBOX", dovecot.imap);
    let first = dovecot.fetch(state.path(), &url, PASSWORD, &["--max-messages", "2"]);
    let out = text(&first);
    assert!(first.status.success(), "{out}\n{}", dovecot.log());
    assert!(out.contains("2 new message(s) (1 more wait for the next run)"), "{out}");
    let rest = dovecot.fetch(state.path(), &url, PASSWORD, &["--json"]);
    let out = String::from_utf8_lossy(&rest.stdout).into_owned();
    let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1, "{out}");
    assert_eq!(lines[0]["status"], "imported");
    assert_eq!(lines[0]["report_id"], "r2");
    assert_eq!(stored(state.path()), 3);

    let missing = dovecot.fetch(state.path(), &dovecot.url("Nope"), PASSWORD, &[]);
    let out = text(&missing);
    assert_eq!(missing.status.code(), Some(2), "{out}");
    assert!(out.contains("EXAMINE failed: Mailbox doesn't exist: Nope"), "{out}");

    let untrusted = Command::new(env!("CARGO_BIN_EXE_mtasts"))
        .arg("--state-dir")
        .arg(state.path())
        .args(["--timeout", "20", "reports", "fetch", &dovecot.url("INBOX")])
        .env("MTASTS_IMAP_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    let out = text(&untrusted);
    assert_eq!(untrusted.status.code(), Some(2), "{out}");
    assert!(out.contains("TLS with localhost failed") && out.contains("--ca-file"), "{out}");
}

#[test]
fn fetched_reports_are_dkim_checked_through_the_probes_resolver() {
    let Some(python) = common::dkim::dkimpy() else { return };
    let Some(mut dovecot) = Dovecot::start() else { return };
    let env = common::lab_env::LabEnv::start(&common::dkim::with_reporters(
        "all-good-testing",
        &["sender.example"],
    ));
    let key = common::dkim::DkimKey::new("sender.example", "s1");
    key.publish(&env.lab);
    let email = |id: &str| {
        let json = report("sender.example", id);
        common::dkim::report_email(&json, "tlsrpt@sender.example", "example.org", id, "tlsrpt@example.org")
    };
    dovecot.deliver_raw(&key.sign(&python, &email("signed-1")));
    dovecot.deliver_raw(&email("forged-2"));
    let state = tempfile::tempdir().unwrap();
    let resolver = env.lab.dns_addr.to_string();
    let out = dovecot.fetch(state.path(), &dovecot.url("INBOX"), PASSWORD, &["--resolver", &resolver]);
    let t = text(&out);
    assert!(out.status.success(), "{t}\n{}", dovecot.log());
    let line = |id: &str| {
        t.lines().find(|l| l.contains(&format!("report {id} "))).unwrap_or_else(|| panic!("{id}: {t}"))
    };
    assert!(line("signed-1").ends_with("; DKIM-verified (sender.example)"), "{t}");
    assert!(line("forged-2").ends_with("; not authenticated: no DKIM signature"), "{t}");
    assert!(t.contains("2 message(s): 2 imported"), "{t}");
}
