//! `mx:` patterns of a policy and how they match MX host names (RFC 8461 §4.1).

use std::fmt;

use super::domain::{DomainError, DomainName};
use super::text::text_conversions;

/// One `mx:` value: an exact host name, or `*.` followed by a domain, where the wildcard
/// stands for exactly one leftmost label.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MxPattern {
    wildcard: bool,
    base: DomainName,
}

impl MxPattern {
    /// Parses `mail.example.com` or `*.example.com` (any case, optional trailing dot, Unicode
    /// converted to A-labels). IP addresses and bare `*` are rejected.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let trimmed = input.trim();
        match trimmed.strip_prefix("*.") {
            Some(rest) => Ok(Self { wildcard: true, base: DomainName::parse(rest)? }),
            None => Ok(Self { wildcard: false, base: DomainName::parse(trimmed)? }),
        }
    }

    /// An exact pattern for one host.
    pub fn exact(host: DomainName) -> Self {
        Self { wildcard: false, base: host }
    }

    /// Whether this is a `*.` pattern.
    pub fn is_wildcard(&self) -> bool {
        self.wildcard
    }

    /// The domain after `*.`, or the whole host name for an exact pattern.
    pub fn base(&self) -> &DomainName {
        &self.base
    }

    /// RFC 8461 §4.1: case-insensitive; a wildcard matches exactly one leftmost label;
    /// trailing dots are ignored.
    pub fn matches(&self, host: &str) -> bool {
        let host = host.trim().strip_suffix('.').unwrap_or(host.trim()).to_ascii_lowercase();
        if !self.wildcard {
            return host == self.base.as_str();
        }
        match host.split_once('.') {
            Some((first, rest)) => !first.is_empty() && rest == self.base.as_str(),
            None => false,
        }
    }
}

impl fmt::Display for MxPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.wildcard {
            f.write_str("*.")?;
        }
        f.write_str(self.base.as_str())
    }
}

text_conversions!(MxPattern, DomainError);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_match_is_case_insensitive_and_ignores_trailing_dot() {
        let p = MxPattern::parse("mail.example.com").unwrap();
        assert!(p.matches("MAIL.example.com."));
        assert!(!p.matches("mail2.example.com"));
    }

    #[test]
    fn wildcard_covers_exactly_one_leftmost_label() {
        let p = MxPattern::parse("*.example.com").unwrap();
        assert!(p.matches("mail.example.com"));
        assert!(p.matches("MX1.Example.Com."));
        assert!(!p.matches("example.com"));
        assert!(!p.matches("a.b.example.com"));
        assert!(!p.matches(".example.com"));
        assert!(!p.matches("mail.example.org"));
    }

    #[test]
    fn rejects_ip_addresses_and_bare_star() {
        assert!(MxPattern::parse("192.0.2.10").is_err());
        assert!(MxPattern::parse("*").is_err());
        assert!(MxPattern::parse("*.").is_err());
        assert!(MxPattern::parse("mail.*.example.com").is_err());
    }

    #[test]
    fn renders_back() {
        assert_eq!(MxPattern::parse("*.Example.com.").unwrap().to_string(), "*.example.com");
    }
}
