//! Secrets, read only when a provider needs them: from a file (bounded) or an environment
//! variable, held in a type that never prints its value, and TSIG key files in the forms
//! `tsig-keygen` (BIND) and `keymgr -t` (Knot) write.

use std::fmt;
use std::io::Read;

use base64::Engine;

use super::error::PublishError;
use mtasts_core::publish::SecretSource;
use mtasts_core::sanitize::sanitize;

/// Largest key or token file read.
const MAX_SECRET_FILE: u64 = 64 * 1024;

/// A secret value: `Debug` and `Display` show `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Reads a file of at most 64 KiB as text; the error names the file, never its content.
pub fn read_file(path: &str) -> Result<String, PublishError> {
    let shown = sanitize(path);
    let file =
        std::fs::File::open(path).map_err(|e| PublishError::Secret(format!("cannot read {shown}: {e}")))?;
    let mut text = String::new();
    file.take(MAX_SECRET_FILE + 1)
        .read_to_string(&mut text)
        .map_err(|e| PublishError::Secret(format!("cannot read {shown}: {e}")))?;
    if text.len() as u64 > MAX_SECRET_FILE {
        return Err(PublishError::Secret(format!("{shown} is larger than 64 KiB: not a key file")));
    }
    Ok(text)
}

/// The API key or token from its source: the file's first non-empty line, or the variable.
pub fn read_token(source: &SecretSource) -> Result<Secret, PublishError> {
    let value = match source {
        SecretSource::File(path) => {
            read_file(path)?.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("").to_owned()
        }
        SecretSource::Env(var) => std::env::var(var).map_err(|_| {
            PublishError::Secret(format!(
                "the environment variable {} is not set (or not UTF-8)",
                sanitize(var)
            ))
        })?,
    };
    let value = value.trim().to_owned();
    if value.is_empty() {
        return Err(PublishError::Secret(format!("{source} holds no key or token")));
    }
    if value.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(PublishError::Secret(format!(
            "{source} holds spaces or control characters: not a key or token"
        )));
    }
    Ok(Secret(value))
}

/// The TSIG algorithms mtasts signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TsigAlg {
    /// hmac-sha256.
    HmacSha256,
    /// hmac-sha512.
    HmacSha512,
}

/// A TSIG key: its name, algorithm and secret (decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TsigKey {
    /// The key's name as the server knows it (lower case, no trailing dot).
    pub name: String,
    /// The algorithm.
    pub algorithm: TsigAlg,
    secret: Vec<u8>,
}

impl TsigKey {
    /// The decoded secret, for the signer.
    pub fn secret_bytes(&self) -> &[u8] {
        &self.secret
    }
}

/// One key as a file declares it, before checking.
struct Declared {
    name: String,
    algorithm: String,
    secret: String,
}

fn unquote(s: &str) -> &str {
    s.trim().trim_end_matches(';').trim().trim_matches('"')
}

/// `key "name" { algorithm hmac-sha256; secret "…"; };` (BIND, tsig-keygen).
fn bind_keys(text: &str) -> Vec<Declared> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("key ") {
        let after = &rest[at + 4..];
        let (Some(open), Some(close)) = (after.find('{'), after.find('}')) else { break };
        if close < open {
            rest = &after[close + 1..];
            continue;
        }
        let name = unquote(&after[..open]).to_owned();
        let mut d = Declared { name, algorithm: String::new(), secret: String::new() };
        for stmt in after[open + 1..close].split(';') {
            let mut words = stmt.split_whitespace();
            match (words.next(), words.next()) {
                (Some("algorithm"), Some(v)) => d.algorithm = unquote(v).to_owned(),
                (Some("secret"), Some(v)) => d.secret = unquote(v).to_owned(),
                _ => {}
            }
        }
        out.push(d);
        rest = &after[close + 1..];
    }
    out
}

/// `key:\n  - id: name\n    algorithm: …\n    secret: …` (Knot, `keymgr -t`), and the
/// `# algorithm:name:secret` line keymgr puts above it.
fn knot_keys(text: &str) -> Vec<Declared> {
    let mut out: Vec<Declared> = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if let Some(colon_form) = t.strip_prefix('#') {
            let parts: Vec<&str> = colon_form.trim().splitn(3, ':').collect();
            if let [alg, name, secret] = parts[..]
                && alg.starts_with("hmac-")
            {
                out.push(Declared { name: name.into(), algorithm: alg.into(), secret: secret.into() });
            }
            continue;
        }
        let t = t.strip_prefix("- ").unwrap_or(t);
        match t.split_once(':').map(|(k, v)| (k.trim(), unquote(v))) {
            Some(("id", v)) => {
                out.push(Declared { name: v.into(), algorithm: String::new(), secret: String::new() })
            }
            Some(("algorithm", v)) => {
                if let Some(d) = out.last_mut() {
                    d.algorithm = v.into();
                }
            }
            Some(("secret", v)) => {
                if let Some(d) = out.last_mut() {
                    d.secret = v.into();
                }
            }
            _ => {}
        }
    }
    out
}

/// Finds the key named `name` in a key file's text (BIND or Knot form; `file` names it in
/// errors).
pub fn parse_tsig_key(text: &str, name: &str, file: &str) -> Result<TsigKey, PublishError> {
    let file = sanitize(file);
    let norm = |n: &str| n.trim().trim_end_matches('.').to_ascii_lowercase();
    let mut keys = bind_keys(text);
    keys.extend(knot_keys(text));
    let found: Vec<String> = keys.iter().map(|k| sanitize(&norm(&k.name)).into_owned()).collect();
    let Some(key) = keys.into_iter().find(|k| norm(&k.name) == norm(name) && !k.secret.is_empty()) else {
        let listed =
            if found.is_empty() { "no key at all".to_owned() } else { format!("only {}", found.join(", ")) };
        return Err(PublishError::Secret(format!(
            "{file} holds no key named {} ({listed}); the name in rfc2136://NAME@SERVER must match the key's",
            sanitize(name)
        )));
    };
    let algorithm = match key.algorithm.to_ascii_lowercase().trim_end_matches('.') {
        "hmac-sha256" => TsigAlg::HmacSha256,
        "hmac-sha512" => TsigAlg::HmacSha512,
        "" => return Err(PublishError::Secret(format!("{file}: key {} names no algorithm", sanitize(name)))),
        other => {
            return Err(PublishError::Secret(format!(
                "{file}: key {} uses {}; mtasts signs with hmac-sha256 or hmac-sha512 (tsig-keygen -a hmac-sha256 NAME)",
                sanitize(name),
                sanitize(other)
            )));
        }
    };
    let secret = base64::engine::general_purpose::STANDARD.decode(key.secret.trim()).map_err(|_| {
        PublishError::Secret(format!("{file}: the secret of key {} is not base64", sanitize(name)))
    })?;
    if secret.is_empty() {
        return Err(PublishError::Secret(format!("{file}: the secret of key {} is empty", sanitize(name))));
    }
    Ok(TsigKey { name: norm(name), algorithm, secret })
}

/// Reads the TSIG key `name` from `path`.
pub fn read_tsig_key(path: &str, name: &str) -> Result<TsigKey, PublishError> {
    parse_tsig_key(&read_file(path)?, name, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I=";

    #[test]
    fn bind_form_as_tsig_keygen_writes_it() {
        let text = format!(
            "key \"other\" {{\n\talgorithm hmac-sha256;\n\tsecret \"AAAA\";\n}};\nkey \"mtasts.\" {{\n\talgorithm hmac-sha512;\n\tsecret \"{SECRET}\";\n}};\n"
        );
        let k = parse_tsig_key(&text, "mtasts", "k.key").unwrap();
        assert_eq!((k.name.as_str(), k.algorithm), ("mtasts", TsigAlg::HmacSha512));
        assert_eq!(k.secret_bytes(), b"secret-secret-secret-secret-secr");
        assert!(!format!("{k:?}").contains(SECRET));
    }

    #[test]
    fn knot_form_as_keymgr_writes_it() {
        let text = format!(
            "# hmac-sha256:mtasts:{SECRET}\nkey:\n  - id: mtasts\n    algorithm: hmac-sha256\n    secret: {SECRET}\n"
        );
        let k = parse_tsig_key(&text, "MTASTS", "k.yaml").unwrap();
        assert_eq!(k.algorithm, TsigAlg::HmacSha256);
    }

    #[test]
    fn errors_name_the_file_and_key_but_never_the_secret() {
        let text = format!("key \"a\" {{ algorithm hmac-md5; secret \"{SECRET}\"; }};");
        let e = parse_tsig_key(&text, "a", "/etc/k.key").unwrap_err().to_string();
        assert!(e.contains("hmac-md5") && e.contains("/etc/k.key") && !e.contains(SECRET), "{e}");
        let e = parse_tsig_key(&text, "b", "/etc/k.key").unwrap_err().to_string();
        assert!(e.contains("no key named b (only a)") && !e.contains(SECRET), "{e}");
        let e = read_tsig_key("/nonexistent/k.key", "a").unwrap_err().to_string();
        assert!(e.contains("cannot read /nonexistent/k.key"), "{e}");
    }

    #[test]
    fn tokens_come_from_files_or_the_environment_and_never_print() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "\n  tok-123  \n").unwrap();
        let t = read_token(&SecretSource::File(path.display().to_string())).unwrap();
        assert_eq!(t.expose(), "tok-123");
        assert_eq!(format!("{t} {t:?}"), "*** ***");
        let e = read_token(&SecretSource::Env("MTASTS_TEST_SURELY_UNSET_VAR".into())).unwrap_err();
        assert!(e.to_string().contains("MTASTS_TEST_SURELY_UNSET_VAR is not set"), "{e}");
    }
}
