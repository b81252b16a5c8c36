//! The policy file model (RFC 8461 §3.2) and its canonical rendering.

use std::fmt;

use super::mx::MxPattern;

/// Largest `max_age` the RFC allows (about one year).
pub const MAX_MAX_AGE: u32 = 31_557_600;
/// Most `mx` patterns (and MX hosts) mtasts plans for one domain: real policies list a handful,
/// and every one is probed and kept in the state file.
pub const MAX_POLICY_MX: usize = 64;
/// Largest policy body strict senders download.
pub const MAX_POLICY_BYTES: usize = 64 * 1024;
/// Largest body the lenient parser accepts (Stalwart's limit).
pub const LENIENT_MAX_POLICY_BYTES: usize = 1024 * 1024;

/// The `mode:` of a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Deliver anyway, report failures.
    Testing,
    /// Refuse delivery to MX hosts that fail validation.
    Enforce,
    /// Treat the domain as having no policy.
    None,
}

impl Mode {
    /// The keyword as it appears in a policy.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Testing => "testing",
            Mode::Enforce => "enforce",
            Mode::None => "none",
        }
    }

    /// Parses the exact keyword (case-sensitive, as the ABNF demands).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "testing" => Some(Mode::Testing),
            "enforce" => Some(Mode::Enforce),
            "none" => Some(Mode::None),
            _ => None,
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A parsed or planned MTA-STS policy. `version` is always `STSv1`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Policy {
    /// The mode.
    pub mode: Mode,
    /// Seconds senders may cache the policy (0..=31557600).
    pub max_age: u32,
    /// The MX patterns, in the order given.
    pub mx: Vec<MxPattern>,
}

impl Policy {
    /// Renders the canonical body: `version`, `mode`, each `mx`, `max_age`, every line
    /// ending in CRLF.
    pub fn render(&self) -> String {
        let mut out = String::from("version: STSv1\r\n");
        out.push_str(&format!("mode: {}\r\n", self.mode));
        for mx in &self.mx {
            out.push_str(&format!("mx: {mx}\r\n"));
        }
        out.push_str(&format!("max_age: {}\r\n", self.max_age));
        out
    }

    /// Lower-case hex SHA-256 of the canonical body: what an id is published with, so a body
    /// changed under the same id is caught.
    pub fn sha256_hex(&self) -> String {
        use sha2::{Digest, Sha256};
        Sha256::digest(self.render().as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Whether `host` is covered by at least one pattern.
    pub fn covers(&self, host: &str) -> bool {
        self.mx.iter().any(|p| p.matches(host))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_canonically_with_crlf() {
        let p = Policy {
            mode: Mode::Testing,
            max_age: 86400,
            mx: vec![
                MxPattern::parse("mail.example.com").unwrap(),
                MxPattern::parse("*.example.net").unwrap(),
            ],
        };
        assert_eq!(
            p.render(),
            "version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmax_age: 86400\r\n"
        );
        assert!(p.covers("MX9.example.net."));
        assert!(!p.covers("a.b.example.net"));
    }
}
