//! DNS records as a provider serves them and as mtasts wants them: plain data with the exact
//! bytes of every TXT string, so a record can be matched, kept or deleted exactly.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::sanitize::{sanitize, sanitize_bytes};

/// Longest character-string of a TXT record (RFC 1035 §3.3).
pub const MAX_TXT_STRING: usize = 255;

/// The record types mtasts reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RrType {
    /// TXT.
    Txt,
    /// A (IPv4 address).
    A,
    /// AAAA (IPv6 address).
    Aaaa,
    /// CNAME (alias).
    Cname,
}

impl RrType {
    /// The type's mnemonic (`TXT`, `A`, `AAAA`, `CNAME`).
    pub fn as_str(self) -> &'static str {
        match self {
            RrType::Txt => "TXT",
            RrType::A => "A",
            RrType::Aaaa => "AAAA",
            RrType::Cname => "CNAME",
        }
    }

    /// Parses a mnemonic (any case).
    pub fn parse(s: &str) -> Option<RrType> {
        [RrType::Txt, RrType::A, RrType::Aaaa, RrType::Cname]
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for RrType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The data of one record.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RData {
    /// TXT: its character-strings, byte for byte.
    Txt(Vec<Vec<u8>>),
    /// An IPv4 address.
    A(Ipv4Addr),
    /// An IPv6 address.
    Aaaa(Ipv6Addr),
    /// An alias: the target, lower case, without the trailing dot.
    Cname(String),
}

impl RData {
    /// A TXT record holding `text`, split into character-strings of at most 255 bytes.
    pub fn txt(text: &str) -> RData {
        let strings = text.as_bytes().chunks(MAX_TXT_STRING).map(<[u8]>::to_vec).collect::<Vec<_>>();
        RData::Txt(if strings.is_empty() { vec![Vec::new()] } else { strings })
    }

    /// A CNAME to `target` (normalised: lower case, no trailing dot).
    pub fn cname(target: &str) -> RData {
        RData::Cname(target.trim_end_matches('.').to_ascii_lowercase())
    }

    /// The record's type.
    pub fn rtype(&self) -> RrType {
        match self {
            RData::Txt(_) => RrType::Txt,
            RData::A(_) => RrType::A,
            RData::Aaaa(_) => RrType::Aaaa,
            RData::Cname(_) => RrType::Cname,
        }
    }

    /// The character-strings of a TXT record joined without separators, as senders read it
    /// (RFC 8461 §3.1); `None` for other types.
    pub fn joined(&self) -> Option<Vec<u8>> {
        match self {
            RData::Txt(strings) => Some(strings.concat()),
            _ => None,
        }
    }

    /// The data in zone-file form, safe for a terminal: TXT strings quoted (with `"` and `\`
    /// escaped), addresses and targets as they are.
    pub fn presentation(&self) -> String {
        match self {
            RData::Txt(strings) => strings
                .iter()
                .map(|s| format!("\"{}\"", sanitize_bytes(s).replace('\\', "\\\\").replace('"', "\\\"")))
                .collect::<Vec<_>>()
                .join(" "),
            RData::A(ip) => ip.to_string(),
            RData::Aaaa(ip) => ip.to_string(),
            RData::Cname(target) => format!("{}.", sanitize(target)),
        }
    }
}

/// One record: its owner name (lower case, without the trailing dot), TTL and data.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Record {
    /// The owner name.
    pub name: String,
    /// Time to live in seconds.
    pub ttl: u32,
    /// The data.
    pub data: RData,
}

impl Record {
    /// A record at `name` (normalised) with `ttl` and `data`.
    pub fn new(name: &str, ttl: u32, data: RData) -> Record {
        Record { name: name.trim_end_matches('.').to_ascii_lowercase(), ttl, data }
    }

    /// The record's type.
    pub fn rtype(&self) -> RrType {
        self.data.rtype()
    }
}

impl fmt::Display for Record {
    /// `NAME TTL TYPE DATA`, the zone-file line, safe for a terminal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}. {} {} {}", sanitize(&self.name), self.ttl, self.rtype(), self.data.presentation())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_txt_is_split_at_255_bytes_and_joins_back() {
        let text = "v=TLSRPTv1; rua=".to_owned() + &"mailto:a@example.com,".repeat(20);
        let RData::Txt(strings) = RData::txt(&text) else { panic!("txt") };
        assert_eq!(strings.len(), 2);
        assert_eq!(strings[0].len(), 255);
        assert_eq!(RData::txt(&text).joined().unwrap(), text.as_bytes());
    }

    #[test]
    fn presentation_quotes_and_escapes_and_is_terminal_safe() {
        let r = Record::new("_mta-sts.Example.COM.", 300, RData::Txt(vec![b"a\"b\\c\x1b".to_vec()]));
        assert_eq!(r.to_string(), "_mta-sts.example.com. 300 TXT \"a\\\"b\\\\c\\\\x1b\"");
        let c = Record::new("mta-sts.example.com", 60, RData::cname("Host.Example.NET."));
        assert_eq!(c.to_string(), "mta-sts.example.com. 60 CNAME host.example.net.");
        assert_eq!(RrType::parse("aaaa"), Some(RrType::Aaaa));
    }
}
