//! DKIM for the report tests: a test RSA key published in the lab's DNS, a real signer
//! (dkimpy, Debian's python3-dkim, run by python3), and TLS-RPT e-mails shaped as sys4's
//! tlsrpt-reporter sends them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine;
use mtasts_lab::{Lab, Scenario, fleet, scenario};
use rcgen::PublicKeyData;

/// `base` with a zone of its own for each reporting domain (where their keys are published).
pub fn with_reporters(base: &str, reporters: &[&str]) -> Scenario {
    let mut extra = fleet(reporters.len());
    for (d, name) in extra.domains.iter_mut().zip(reporters) {
        d.name = (*name).to_owned();
    }
    Scenario::merge(base, [scenario(base).unwrap(), extra])
}

/// A python3 whose `import dkim` works (dkimpy; Debian: python3-dkim). Missing on CI
/// (`CI=true`): the test fails saying what to install; elsewhere it prints `SKIPPED:` and the
/// caller returns.
pub fn dkimpy() -> Option<PathBuf> {
    let found = ["python3", "/usr/bin/python3"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| Command::new(p).args(["-c", "import dkim"]).output().is_ok_and(|o| o.status.success()));
    if found.is_none() {
        assert!(
            !super::on_ci(),
            "no python3 with dkimpy, but CI=true requires this test: install python3-dkim"
        );
        eprintln!("SKIPPED: dkimpy (python3-dkim) not installed");
    }
    found
}

/// The one private key the tests sign with (RSA-2048, PKCS#8; made for these tests with
/// `openssl genpkey` and used nowhere else): which domain and selector it stands for is only
/// a matter of where its public half is published.
const TEST_KEY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/dkim/test-rsa2048.pem");

/// A DKIM key of `domain` under `selector` (the test key).
pub struct DkimKey {
    /// The signing domain (`d=`).
    pub domain: String,
    /// The selector (`s=`).
    pub selector: String,
    key_file: PathBuf,
    public: String,
}

impl DkimKey {
    /// The test key as `domain`'s key under `selector`.
    pub fn new(domain: &str, selector: &str) -> DkimKey {
        let pem = std::fs::read_to_string(TEST_KEY).unwrap();
        let pair = rcgen::KeyPair::from_pkcs8_pem_and_sign_algo(&pem, &rcgen::PKCS_RSA_SHA256).unwrap();
        let public = base64::engine::general_purpose::STANDARD.encode(pair.subject_public_key_info());
        DkimKey {
            domain: domain.to_owned(),
            selector: selector.to_owned(),
            key_file: TEST_KEY.into(),
            public,
        }
    }

    /// Publishes `v=DKIM1; k=rsa; p=…` at `<selector>._domainkey.<domain>` in the lab.
    pub fn publish(&self, lab: &Lab) {
        let value = format!("v=DKIM1; k=rsa; p={}", self.public);
        let strings: Vec<String> =
            value.as_bytes().chunks(255).map(|c| String::from_utf8(c.to_vec()).unwrap()).collect();
        lab.publish_txt(&format!("{}._domainkey.{}", self.selector, self.domain), vec![strings]).unwrap();
    }

    /// `message` (CRLF line ends) signed by dkimpy with this key: relaxed/simple, the headers
    /// a reporter signs, no `l=`.
    pub fn sign(&self, python: &Path, message: &[u8]) -> Vec<u8> {
        const SIGN: &str = "import sys, dkim\n\
            msg = sys.stdin.buffer.read()\n\
            key = open(sys.argv[1], 'rb').read()\n\
            heads = [b'from', b'to', b'subject', b'date', b'message-id', b'mime-version', \
            b'content-type', b'tls-report-domain', b'tls-report-submitter']\n\
            sig = dkim.sign(msg, sys.argv[2].encode(), sys.argv[3].encode(), key, include_headers=heads)\n\
            sys.stdout.buffer.write(sig + msg)\n";
        let mut child = Command::new(python)
            .args(["-c", SIGN])
            .arg(&self.key_file)
            .args([&self.selector, &self.domain])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(message).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "dkimpy failed: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    }
}

/// A TLS-RPT e-mail as tlsrpt-reporter 0.6 writes it (`send_out_report_to_mail`): the
/// submitter is the domain of `contact`, the report a gzip attachment named
/// `submitter!domain!start!end!n.json.gz`; CRLF line ends.
pub fn report_email(json: &str, contact: &str, domain: &str, report_id: &str, rua: &str) -> Vec<u8> {
    let submitter = contact.rsplit('@').next().unwrap();
    let gz = super::reports::gzip(json.as_bytes());
    let b64 = base64::engine::general_purpose::STANDARD.encode(gz);
    let wrapped: Vec<&str> = b64.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).unwrap()).collect();
    let boundary = "===============8419526339874461290==";
    let lines = [
        format!(
            "Subject: Report Domain: {domain} Submitter: {submitter} Report-ID: <{report_id}@{submitter}>"
        ),
        format!("From: {contact}"),
        format!("To: {rua}"),
        format!("Message-ID: <177{}.{}@{submitter}>", report_id.len(), domain.len()),
        format!("TLS-Report-Domain: {domain}"),
        format!("TLS-Report-Submitter: {submitter}"),
        "TLS-Required: No".to_owned(),
        "MIME-Version: 1.0".to_owned(),
        format!("Content-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"{boundary}\""),
        String::new(),
        format!("--{boundary}"),
        "Content-Type: text/plain; charset=\"ascii\"".to_owned(),
        "Content-Transfer-Encoding: 7bit".to_owned(),
        String::new(),
        "This is an aggregate TLS report from the test organisation".to_owned(),
        String::new(),
        format!("--{boundary}"),
        "Content-Type: application/tlsrpt+gzip".to_owned(),
        "Content-Transfer-Encoding: base64".to_owned(),
        format!(
            "Content-Disposition: attachment; filename=\"{submitter}!{domain}!1795132800!1795219199!1.json.gz\""
        ),
        "MIME-Version: 1.0".to_owned(),
        String::new(),
        wrapped.join("\r\n"),
        String::new(),
        format!("--{boundary}--"),
        String::new(),
    ];
    lines.join("\r\n").into_bytes()
}
