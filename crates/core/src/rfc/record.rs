//! The `_mta-sts` (RFC 8461 §3.1) and `_smtp._tls` (RFC 8460 §3) TXT record models, the
//! `rua` URI type, and canonical rendering.

use super::domain::DomainName;
use super::id::PolicyId;
use super::text::text_conversions;

/// An extension field (`name=value`) kept as given.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Extension {
    /// Field name: `(ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")`.
    pub name: String,
    /// Field value: `1*(%x21-3A / %x3C / %x3E-7E)`.
    pub value: String,
}

/// A `_mta-sts` TXT record: `v=STSv1; id=…` plus extensions.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StsRecord {
    /// The policy id.
    pub id: PolicyId,
    /// Extension fields, in order.
    pub extensions: Vec<Extension>,
}

impl StsRecord {
    /// A record with only the id.
    pub fn new(id: PolicyId) -> Self {
        Self { id, extensions: Vec::new() }
    }

    /// Canonical form: `v=STSv1; id=ID` then `; name=value` for each extension.
    pub fn render(&self) -> String {
        let mut out = format!("v=STSv1; id={}", self.id);
        for e in &self.extensions {
            out.push_str(&format!("; {}={}", e.name, e.value));
        }
        out
    }
}

/// A `_smtp._tls` TXT record: `v=TLSRPTv1; rua=…` plus extensions.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TlsRptRecord {
    /// Where reports go (at least one).
    pub rua: Vec<RuaUri>,
    /// Extension fields, in order.
    pub extensions: Vec<Extension>,
}

impl TlsRptRecord {
    /// A record with the given report URIs.
    pub fn new(rua: Vec<RuaUri>) -> Self {
        Self { rua, extensions: Vec::new() }
    }

    /// Canonical form: `v=TLSRPTv1; rua=URI,URI` then extensions.
    pub fn render(&self) -> String {
        let uris: Vec<&str> = self.rua.iter().map(RuaUri::as_str).collect();
        let mut out = format!("v=TLSRPTv1; rua={}", uris.join(","));
        for e in &self.extensions {
            out.push_str(&format!("; {}={}", e.name, e.value));
        }
        out
    }
}

/// Why a `rua` URI is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuaError {
    /// Neither `mailto:` nor `https:`.
    #[error("{0:?} is neither a mailto: nor an https: URI")]
    Scheme(String),
    /// A character that must be percent-encoded, or is never allowed.
    #[error("{uri:?} contains {ch:?}, which must be percent-encoded (or is not allowed in a URI)")]
    BadCharacter {
        /// The URI.
        uri: String,
        /// The offending character.
        ch: char,
    },
    /// A `%` not followed by two hex digits.
    #[error("{0:?} has a '%' not followed by two hexadecimal digits")]
    BadPercent(String),
    /// `mailto:` without `local@domain`.
    #[error("{0:?} is not mailto:local-part@domain")]
    Mailbox(String),
    /// The host part is not a valid domain name.
    #[error("{uri:?} has an invalid host: {reason}")]
    Host {
        /// The URI.
        uri: String,
        /// Why the host is invalid.
        reason: String,
    },
}

/// One validated TLS-RPT report URI (`mailto:` or `https:`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RuaUri(String);

impl RuaUri {
    /// Validates `mailto:local@domain` or `https://host[:port][/path]`. Characters that
    /// RFC 8460 §3 requires to be percent-encoded (`,`, `!`, `;`), characters a URI never
    /// holds unencoded in these forms (RFC 3986: `"` `<` `>` `\` `` ` `` `{` `}` `|` `^` `[`
    /// `]`), whitespace and controls are rejected.
    pub fn parse(input: &str) -> Result<Self, RuaError> {
        if let Some(ch) = input.chars().find(|c| {
            !c.is_ascii_graphic()
                || matches!(
                    c,
                    ',' | '!' | ';' | '"' | '<' | '>' | '\\' | '`' | '{' | '}' | '|' | '^' | '[' | ']'
                )
        }) {
            return Err(RuaError::BadCharacter { uri: input.into(), ch });
        }
        check_percent(input)?;
        let lower = input.to_ascii_lowercase();
        if lower.starts_with("mailto:") {
            let addr = &input["mailto:".len()..];
            let addr = addr.split('?').next().unwrap_or(addr);
            let (local, domain) = addr.rsplit_once('@').ok_or_else(|| RuaError::Mailbox(input.into()))?;
            if local.is_empty() {
                return Err(RuaError::Mailbox(input.into()));
            }
            check_host(input, domain)?;
        } else if lower.starts_with("https://") {
            let rest = &input["https://".len()..];
            let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
            if authority.contains('@') {
                return Err(RuaError::Host {
                    uri: input.into(),
                    reason: "user information is not allowed".into(),
                });
            }
            let host = match authority.rsplit_once(':') {
                Some((h, port)) if port.parse::<u16>().is_ok() => h,
                Some(_) => {
                    return Err(RuaError::Host { uri: input.into(), reason: "invalid port".into() });
                }
                None => authority,
            };
            check_host(input, host)?;
        } else {
            return Err(RuaError::Scheme(input.into()));
        }
        Ok(Self(input.to_owned()))
    }

    /// The URI as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The conventional default: `mailto:tlsrpt@DOMAIN`.
    pub fn default_for(domain: &DomainName) -> Self {
        Self(format!("mailto:tlsrpt@{domain}"))
    }
}

fn check_percent(uri: &str) -> Result<(), RuaError> {
    let bytes = uri.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let ok = bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
            if !ok {
                return Err(RuaError::BadPercent(uri.into()));
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    Ok(())
}

fn check_host(uri: &str, host: &str) -> Result<(), RuaError> {
    DomainName::parse(host).map(|_| ()).map_err(|e| RuaError::Host { uri: uri.into(), reason: e.to_string() })
}

text_conversions!(RuaUri, RuaError, display = as_str);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_mailto_and_https() {
        assert!(RuaUri::parse("mailto:tlsrpt@example.com").is_ok());
        assert!(RuaUri::parse("https://reports.example.com/v1/tlsrpt").is_ok());
        assert!(RuaUri::parse("https://reports.example.com:8443/x%2Cy").is_ok());
    }

    #[test]
    fn rejects_bad_uris() {
        assert!(matches!(RuaUri::parse("http://example.com/"), Err(RuaError::Scheme(_))));
        assert!(matches!(
            RuaUri::parse("mailto:a,b@example.com"),
            Err(RuaError::BadCharacter { ch: ',', .. })
        ));
        assert!(matches!(RuaUri::parse("mailto:example.com"), Err(RuaError::Mailbox(_))));
        assert!(matches!(
            RuaUri::parse("mailto:a@exa mple.com"),
            Err(RuaError::BadCharacter { ch: ' ', .. })
        ));
        assert!(matches!(RuaUri::parse("https://x%zz.example.com/"), Err(RuaError::BadPercent(_))));
        assert!(matches!(RuaUri::parse("mailto:a@-bad.com"), Err(RuaError::Host { .. })));
    }

    #[test]
    fn renders_records() {
        let id = PolicyId::parse("20261129T081500").unwrap();
        assert_eq!(StsRecord::new(id).render(), "v=STSv1; id=20261129T081500");
        let rua = vec![
            RuaUri::parse("mailto:tlsrpt@example.com").unwrap(),
            RuaUri::parse("https://r.example.com/x").unwrap(),
        ];
        assert_eq!(
            TlsRptRecord::new(rua).render(),
            "v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://r.example.com/x"
        );
    }
}
