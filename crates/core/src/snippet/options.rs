//! Certificate, key and webroot paths for the web server targets, checked before they are
//! placed into configuration.

use super::SnippetError;
use crate::rfc::DomainName;

/// Free-text paths for the web server targets (ignored by the others). Each must be an
/// absolute path without whitespace, quotes, `;`, `{`, `}`, `$`, `#`, `\`, `<`, `>`, control
/// characters or `..` segments. Saved per domain in its plan when edited in the wizard.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Options {
    /// Certificate chain (PEM) for `mta-sts.<domain>`; default certbot's
    /// `/etc/letsencrypt/live/mta-sts.<domain>/fullchain.pem`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert: Option<String>,
    /// Private key (PEM); default `/etc/letsencrypt/live/mta-sts.<domain>/privkey.pem`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Directory holding `.well-known/mta-sts.txt`; default `/var/www/mta-sts.<domain>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webroot: Option<String>,
}

impl Options {
    /// The paths actually used for `domain`: the given ones, else the defaults.
    pub fn resolved(&self, domain: &DomainName) -> Result<[String; 3], SnippetError> {
        let c = Checked::new(self)?;
        Ok([c.cert(domain), c.key(domain), c.webroot(domain)])
    }

    /// Parses `CERT KEY WEBROOT` (whitespace separated, each checked like the flags); a path
    /// equal to its default is stored as `None`.
    pub fn parse_triple(text: &str, domain: &DomainName) -> Result<Options, SnippetError> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let [cert, key, webroot] = words.as_slice() else {
            return Err(SnippetError::BadPath {
                option: "paths",
                value: text.to_owned(),
                reason: format!("give three paths (certificate, key, webroot), not {}", words.len()),
            });
        };
        let defaults = Options::default().resolved(domain)?;
        let keep = |v: &str, i: usize| (v != defaults[i]).then(|| v.to_owned());
        let opts = Options { cert: keep(cert, 0), key: keep(key, 1), webroot: keep(webroot, 2) };
        Checked::new(&opts)?;
        Ok(opts)
    }
}

/// Options whose paths passed [`check_path`].
pub(super) struct Checked<'a> {
    pub(super) cert: Option<&'a str>,
    pub(super) key: Option<&'a str>,
    pub(super) webroot: Option<&'a str>,
}

impl<'a> Checked<'a> {
    pub(super) fn new(opts: &'a Options) -> Result<Self, SnippetError> {
        Ok(Self {
            cert: opts.cert.as_deref().map(|p| check_path("cert", p)).transpose()?,
            key: opts.key.as_deref().map(|p| check_path("key", p)).transpose()?,
            webroot: opts
                .webroot
                .as_deref()
                .map(|p| check_path("webroot", p))
                .transpose()?
                .map(|p| if p.len() > 1 { p.trim_end_matches('/') } else { p }),
        })
    }

    pub(super) fn cert(&self, d: &DomainName) -> String {
        self.cert.map_or_else(|| format!("/etc/letsencrypt/live/mta-sts.{d}/fullchain.pem"), str::to_owned)
    }

    pub(super) fn key(&self, d: &DomainName) -> String {
        self.key.map_or_else(|| format!("/etc/letsencrypt/live/mta-sts.{d}/privkey.pem"), str::to_owned)
    }

    pub(super) fn webroot(&self, d: &DomainName) -> String {
        self.webroot.map_or_else(|| format!("/var/www/mta-sts.{d}"), str::to_owned)
    }
}

/// Accepts an absolute path that every target's config syntax can hold unquoted.
fn check_path<'a>(option: &'static str, value: &'a str) -> Result<&'a str, SnippetError> {
    let bad = |reason: String| SnippetError::BadPath { option, value: value.to_owned(), reason };
    if !value.starts_with('/') {
        return Err(bad("it must be an absolute path (starting with '/')".into()));
    }
    if let Some(ch) = value.chars().find(|c| {
        c.is_whitespace()
            || c.is_control()
            || matches!(c, '"' | '\'' | '`' | ';' | '{' | '}' | '$' | '#' | '\\' | '<' | '>')
    }) {
        return Err(bad(format!(
            "it contains {ch:?}; whitespace, quotes, control characters and ; {{ }} $ # \\ < > are not allowed"
        )));
    }
    if value.split('/').any(|seg| seg == "..") {
        return Err(bad("it contains a '..' segment".into()));
    }
    Ok(value)
}
