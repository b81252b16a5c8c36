//! Running a real web server on loopback and checking that it serves a policy correctly.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running server process, killed when dropped (also when the test panics).
pub struct Server {
    child: Child,
    log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `cmd` and waits up to 10 s until 127.0.0.1:`port` accepts connections; panics
    /// with the contents of `log` if the process exits first.
    pub fn start(mut cmd: Command, port: u16, log: &Path) -> Server {
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the server");
        let mut server = Server { child, log: log.to_owned() };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = server.child.try_wait().expect("poll the server") {
                panic!("the server exited with {status} before listening:\n{}", server.log());
            }
            assert!(
                Instant::now() < deadline,
                "the server did not listen on {port} within 10 s:\n{}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// Runs a configuration test command and panics with its output if it fails.
pub fn assert_config_ok(mut cmd: Command, what: &str, log: &Path) {
    let out = cmd.output().expect("run the configuration test");
    assert!(
        out.status.success(),
        "{what} rejected the generated configuration:\n{}\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

/// Fetches the policy from `https://HOST:PORT` (resolved to loopback, trusting only `ca_pem`,
/// never following redirects) and asserts: 200, text/plain, a short Cache-Control, the body
/// byte-identical to `policy`, HEAD answered, and 404 for every other path.
pub async fn assert_serves_policy(host: &str, port: u16, ca_pem: &str, policy: &str) {
    let client = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(ca_pem.as_bytes()).expect("CA PEM")])
        .resolve(host, ([127, 0, 0, 1], port).into())
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let base = format!("https://{host}:{port}");
    let url = format!("{base}/.well-known/mta-sts.txt");

    let resp = client.get(&url).send().await.expect("GET the policy");
    assert_eq!(resp.status(), 200);
    let header =
        |name: &str| resp.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let ctype = header("content-type");
    assert!(ctype.starts_with("text/plain"), "content-type {ctype:?}");
    assert_eq!(header("cache-control"), "max-age=300");
    let body = resp.bytes().await.expect("policy body");
    assert_eq!(body.as_ref(), policy.as_bytes(), "body differs from the policy target");

    let head = client.head(&url).send().await.expect("HEAD the policy");
    assert_eq!(head.status(), 200, "HEAD");

    for path in ["/", "/index.html", "/.well-known/", "/.well-known/mta-sts.txt/x", "/mta-sts.txt"] {
        let resp = client.get(format!("{base}{path}")).send().await.expect("GET another path");
        assert_eq!(resp.status(), 404, "{path}");
    }
}
