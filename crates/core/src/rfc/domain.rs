//! Domain names as MTA-STS uses them: lower-case A-labels, LDH only, no trailing dot.

use super::text::text_conversions;

/// Longest name in octets (RFC 1035 §2.3.4, presentation form without the root dot).
const MAX_NAME: usize = 253;
/// Longest label in octets.
const MAX_LABEL: usize = 63;

/// Why a string is not a usable domain name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// Nothing was given.
    #[error("the domain name is empty")]
    Empty,
    /// Two dots in a row, or a leading dot.
    #[error("{name:?} has an empty label (two dots in a row or a leading dot)")]
    EmptyLabel {
        /// The name as given.
        name: String,
    },
    /// A label longer than 63 octets.
    #[error("label {label:?} is {len} octets long; a label may have at most 63")]
    LabelTooLong {
        /// The offending label.
        label: String,
        /// Its length in octets.
        len: usize,
    },
    /// The whole name is longer than 253 octets.
    #[error("the name is {len} octets long; a domain name may have at most 253")]
    NameTooLong {
        /// Length in octets.
        len: usize,
    },
    /// A character outside letters, digits and hyphen.
    #[error("label {label:?} contains {ch:?}; only letters, digits and '-' are allowed")]
    BadCharacter {
        /// The offending label.
        label: String,
        /// The first bad character.
        ch: char,
    },
    /// A label starting or ending with a hyphen.
    #[error("label {label:?} starts or ends with '-'")]
    HyphenEdge {
        /// The offending label.
        label: String,
    },
    /// Only one label: not a fully qualified name.
    #[error("{name:?} has a single label; give the full name, e.g. {name}.com")]
    SingleLabel {
        /// The name as given.
        name: String,
    },
    /// Looks like an IPv4 or IPv6 address.
    #[error("{name:?} is an IP address, not a domain name")]
    IpAddress {
        /// The name as given.
        name: String,
    },
    /// Unicode input that IDNA processing rejects.
    #[error("{name:?} is not a valid internationalised domain name")]
    Idna {
        /// The name as given.
        name: String,
    },
}

/// A validated, fully qualified domain name in lower-case A-label form, without the trailing dot.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DomainName(String);

impl DomainName {
    /// Parses user or network input: any case, optional trailing dot, Unicode (converted to
    /// A-labels by IDNA).
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let trimmed = input.trim();
        let name = trimmed.strip_suffix('.').unwrap_or(trimmed);
        if name.is_empty() {
            return Err(DomainError::Empty);
        }
        if name.parse::<std::net::IpAddr>().is_ok() {
            return Err(DomainError::IpAddress { name: name.into() });
        }
        let ascii = if name.is_ascii() {
            name.to_ascii_lowercase()
        } else {
            idna::domain_to_ascii(name).map_err(|_| DomainError::Idna { name: name.into() })?
        };
        validate_ldh(&ascii, name)?;
        Ok(Self(ascii))
    }

    /// The name as a string (A-labels, lower case, no trailing dot).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The labels from left to right.
    pub fn labels(&self) -> impl Iterator<Item = &str> {
        self.0.split('.')
    }

    /// Prepends a label such as `mta-sts` or `_mta-sts`, which is how the well-known names
    /// are formed. The label is trusted: only call with constants.
    pub fn child(&self, label: &str) -> String {
        format!("{label}.{}", self.0)
    }

    /// `mta-sts.<domain>`, the host that serves the policy.
    pub fn policy_host(&self) -> String {
        self.child("mta-sts")
    }

    /// `https://mta-sts.<domain>/.well-known/mta-sts.txt`.
    pub fn policy_url(&self) -> String {
        format!("https://{}/.well-known/mta-sts.txt", self.policy_host())
    }
}

fn validate_ldh(ascii: &str, original: &str) -> Result<(), DomainError> {
    if ascii.len() > MAX_NAME {
        return Err(DomainError::NameTooLong { len: ascii.len() });
    }
    let mut count = 0;
    for label in ascii.split('.') {
        count += 1;
        if label.is_empty() {
            return Err(DomainError::EmptyLabel { name: original.into() });
        }
        if label.len() > MAX_LABEL {
            return Err(DomainError::LabelTooLong { label: label.into(), len: label.len() });
        }
        if let Some(ch) = label.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-')) {
            return Err(DomainError::BadCharacter { label: label.into(), ch });
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(DomainError::HyphenEdge { label: label.into() });
        }
    }
    if count < 2 {
        return Err(DomainError::SingleLabel { name: original.into() });
    }
    if ascii.rsplit('.').next().is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit())) {
        return Err(DomainError::IpAddress { name: original.into() });
    }
    Ok(())
}

text_conversions!(DomainName, DomainError, display = as_str);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_trailing_dot() {
        assert_eq!(DomainName::parse("Mail.Example.COM.").unwrap().as_str(), "mail.example.com");
    }

    #[test]
    fn converts_unicode_to_a_labels() {
        assert_eq!(DomainName::parse("bücher.example").unwrap().as_str(), "xn--bcher-kva.example");
    }

    #[test]
    fn rejects_bad_shapes_with_the_bad_part_named() {
        let err = DomainName::parse("a..b").unwrap_err();
        assert!(matches!(err, DomainError::EmptyLabel { .. }));
        let long = "a".repeat(64);
        let err = DomainName::parse(&format!("{long}.com")).unwrap_err();
        assert!(err.to_string().contains("64 octets"), "{err}");
        let err = DomainName::parse("ex_ample.com").unwrap_err();
        assert!(err.to_string().contains("'_'"), "{err}");
        assert!(matches!(DomainName::parse("-a.com"), Err(DomainError::HyphenEdge { .. })));
        assert!(matches!(DomainName::parse("localhost"), Err(DomainError::SingleLabel { .. })));
        assert!(matches!(DomainName::parse("192.0.2.1"), Err(DomainError::IpAddress { .. })));
        assert!(matches!(DomainName::parse("::1"), Err(DomainError::IpAddress { .. })));
        assert_eq!(DomainName::parse(" "), Err(DomainError::Empty));
    }

    #[test]
    fn rejects_names_over_253_octets() {
        let label = "a".repeat(63);
        let name = [label.as_str(); 4].join(".") + ".com";
        assert!(matches!(DomainName::parse(&name), Err(DomainError::NameTooLong { .. })));
    }

    #[test]
    fn well_known_names() {
        let d = DomainName::parse("example.com").unwrap();
        assert_eq!(d.policy_url(), "https://mta-sts.example.com/.well-known/mta-sts.txt");
        assert_eq!(d.child("_mta-sts"), "_mta-sts.example.com");
    }
}
