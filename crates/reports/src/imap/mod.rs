//! `reports fetch`: TLS-RPT reports from an IMAP mailbox. The protocol is `async-imap`'s; this
//! module parses the mailbox URL, holds the secret, connects (implicit TLS, STARTTLS or, only
//! when asked, plain), and imports every message not fetched before through the same
//! pipeline as files ([`ReportStore::import_email`](super::ReportStore::import_email)).
//! Where each mailbox stopped is kept in [`crate::imap::position`].

use std::fmt;
use std::path::Path;
use std::time::Duration;

use rustls_pki_types::CertificateDer;

mod conn;
mod gate;
pub mod position;
mod sync;
mod url;

pub use sync::{FetchEvent, FetchSummary, fetch};
pub use url::ImapUrl;

/// The environment variable `reports fetch` reads the password from by default.
pub const PASSWORD_ENV: &str = "MTASTS_IMAP_PASSWORD";
/// The environment variable `reports fetch` reads an OAuth2 bearer token from by default.
pub const TOKEN_ENV: &str = "MTASTS_IMAP_TOKEN";
/// The environment variable naming a file holding the password.
pub const PASSWORD_FILE_ENV: &str = "MTASTS_IMAP_PASSWORD_FILE";
/// The environment variable naming a file holding an OAuth2 bearer token.
pub const TOKEN_FILE_ENV: &str = "MTASTS_IMAP_TOKEN_FILE";
/// The largest secret file read.
const MAX_SECRET_BYTES: u64 = 16 * 1024;

/// What logs in: a password (IMAP `LOGIN`) or an OAuth2 bearer token (SASL `XOAUTH2`, for
/// Microsoft 365 and Google). `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub enum Secret {
    /// A password.
    Password(String),
    /// An OAuth2 access token.
    Token(String),
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Secret::Password(_) => "Password(…)",
            Secret::Token(_) => "Token(…)",
        })
    }
}

impl Drop for Secret {
    /// The password or token is overwritten in memory once the fetch is done with it.
    fn drop(&mut self) {
        use zeroize::Zeroize;
        match self {
            Secret::Password(s) | Secret::Token(s) => s.zeroize(),
        }
    }
}

impl Secret {
    /// The secret in a file: its first line (at most 16 KiB read), without the line end.
    pub fn read_file(path: &Path) -> Result<String, ImapError> {
        use std::io::Read;
        let mut text = String::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_SECRET_BYTES).read_to_string(&mut text))
            .map_err(|e| ImapError::Secret(format!("cannot read {}: {e}", path.display())))?;
        let line = text.lines().next().unwrap_or("").to_owned();
        if line.is_empty() {
            return Err(ImapError::Secret(format!("{} is empty", path.display())));
        }
        Ok(line)
    }

    /// The secret from the default environment variables: [`TOKEN_ENV`] (a token), a file
    /// named by [`TOKEN_FILE_ENV`], [`PASSWORD_ENV`] (a password), a file named by
    /// [`PASSWORD_FILE_ENV`], first found wins. `lookup` reads one variable.
    pub fn from_default_env(lookup: impl Fn(&str) -> Option<String>) -> Result<Secret, ImapError> {
        let set = |name: &str| lookup(name).filter(|v| !v.is_empty());
        if let Some(t) = set(TOKEN_ENV) {
            return Ok(Secret::Token(t));
        }
        if let Some(f) = set(TOKEN_FILE_ENV) {
            return Secret::read_file(Path::new(&f)).map(Secret::Token);
        }
        if let Some(p) = set(PASSWORD_ENV) {
            return Ok(Secret::Password(p));
        }
        if let Some(f) = set(PASSWORD_FILE_ENV) {
            return Secret::read_file(Path::new(&f)).map(Secret::Password);
        }
        Err(ImapError::Secret(format!(
            "no password: set {PASSWORD_ENV} or {PASSWORD_FILE_ENV} (or {TOKEN_ENV} / {TOKEN_FILE_ENV} \
             for an OAuth2 token), or give --password-file / --token-file"
        )))
    }
}

/// Bounds of one fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchLimits {
    /// Most messages fetched in one run (the rest wait for the next run).
    pub max_messages: usize,
    /// Largest message fetched, in bytes; larger ones are reported and skipped.
    pub max_message_bytes: u32,
}

impl Default for FetchLimits {
    fn default() -> Self {
        FetchLimits { max_messages: 500, max_message_bytes: 16 * 1024 * 1024 }
    }
}

/// Everything one fetch needs.
#[derive(Debug, Clone)]
pub struct FetchRequest {
    /// The account and mailbox.
    pub url: ImapUrl,
    /// How to log in.
    pub secret: Secret,
    /// `imap://` without STARTTLS: the password crosses the network in the clear.
    pub insecure_plain: bool,
    /// Move the messages whose reports were stored (or already were) to this folder.
    pub move_to: Option<String>,
    /// Count and size bounds.
    pub limits: FetchLimits,
    /// Trust anchors on top of the public roots (`--ca-file`).
    pub anchors: Vec<CertificateDer<'static>>,
    /// The TCP connect and the TLS handshake, each.
    pub connect_timeout: Duration,
    /// Every IMAP command, each.
    pub step_timeout: Duration,
    /// Where the DKIM keys of the fetched messages are looked up.
    pub dkim: crate::DkimSettings,
}

/// Why a fetch failed. Text from the server is kept short; sanitize before printing.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    /// The URL is not `imap[s]://USER@HOST[:PORT]/MAILBOX`.
    #[error("bad mailbox URL: {0}")]
    Url(String),
    /// No usable password or token.
    #[error("{0}")]
    Secret(String),
    /// The TCP connection failed.
    #[error("cannot connect to {host}:{port}: {reason}")]
    Connect {
        /// The host.
        host: String,
        /// The port.
        port: u16,
        /// Why.
        reason: String,
    },
    /// The TLS handshake failed (untrusted or mismatching certificate, ...).
    #[error("TLS with {host} failed: {reason} (a private CA can be trusted with --ca-file)")]
    Tls {
        /// The host.
        host: String,
        /// Why.
        reason: String,
    },
    /// `imap://` but the server refused STARTTLS.
    #[error(
        "the server refused STARTTLS ({0}); use imaps://, or --insecure-plain to send the password \
         in the clear"
    )]
    NoStartTls(String),
    /// The server refused the password or token.
    #[error(
        "the server refused the login of {user}: {reason}; check the user name and the password or \
         token (nothing was fetched or changed)"
    )]
    Auth {
        /// The user name.
        user: String,
        /// What the server said.
        reason: String,
    },
    /// A network step took too long.
    #[error("timed out after {secs} s waiting for {step}")]
    Timeout {
        /// The step ("the greeting", "LOGIN", ...).
        step: &'static str,
        /// The limit in seconds.
        secs: u64,
    },
    /// A command failed or the server broke the protocol.
    #[error("{step} failed: {reason}")]
    Protocol {
        /// The command.
        step: &'static str,
        /// Why.
        reason: String,
    },
    /// The fetch position could not be read or saved.
    #[error("fetch position: {0}")]
    State(String),
}

/// Server text shortened to one bounded line; of async-imap's `code: …, info: Some("…")`
/// (or `Outcome { …, information: Some("…") }`) only what the server said.
pub(crate) fn short(text: &str) -> String {
    let said = text.split_once("Some(\"").and_then(|(_, rest)| rest.rfind("\")").map(|end| &rest[..end]));
    let text = said.map_or_else(|| text.to_owned(), |t| t.replace("\\\"", "\""));
    let one: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).take(200).collect();
    one.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_wins_and_nothing_set_says_what_to_set() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        };
        let both = Secret::from_default_env(env(&[(TOKEN_ENV, "t"), (PASSWORD_ENV, "p")])).unwrap();
        assert_eq!(both, Secret::Token("t".into()));
        let pw = Secret::from_default_env(env(&[(TOKEN_ENV, ""), (PASSWORD_ENV, "p")])).unwrap();
        assert_eq!(pw, Secret::Password("p".into()));
        let err = Secret::from_default_env(env(&[])).unwrap_err().to_string();
        assert!(err.contains(PASSWORD_ENV) && err.contains("--password-file"), "{err}");
        assert_eq!(format!("{pw:?}"), "Password(…)");
    }

    #[test]
    fn server_text_is_what_the_server_said() {
        let raw = r#"code: None, info: Some("[AUTHENTICATIONFAILED] Authentication \"failed\".")"#;
        assert_eq!(short(raw), r#"[AUTHENTICATIONFAILED] Authentication "failed"."#);
        let select = r#"no response: outcome: Outcome { code: None, information: Some("No such: Nope") }"#;
        assert_eq!(short(select), "No such: Nope");
        assert_eq!(short("connection\r\nlost"), "connection  lost");
        assert_eq!(short(&"x".repeat(500)).len(), 200);
    }

    #[test]
    fn a_secret_file_gives_its_first_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pw");
        std::fs::write(&path, "s3cret\n").unwrap();
        assert_eq!(Secret::read_file(&path).unwrap(), "s3cret");
        std::fs::write(&path, "\n").unwrap();
        assert!(Secret::read_file(&path).unwrap_err().to_string().contains("empty"));
        assert!(Secret::read_file(&dir.path().join("none")).is_err());
    }
}
