//! `add --zone-file`: every name of a BIND zone file that receives mail (has MX records), read
//! with hickory's zone parser. The file is read whole but bounded; `$INCLUDE` is refused (it
//! would read other files); a name with more than 64 MX records (or a set of more than 1024
//! records) is refused before the parser, whose cost grows with the square of a set's size;
//! a parse error names its line.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use hickory_proto::rr::{Name, RData, RecordType};
use hickory_proto::serialize::txt::Parser;

use super::zone_sets::{MAX_MX_HOSTS, oversized_set, paren_balance};
use mtasts_core::rfc::DomainName;

/// Largest zone file read (4 MiB: far beyond any hand-kept zone).
pub const MAX_ZONE_BYTES: u64 = 4 << 20;

/// Why a zone file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ZoneError {
    /// Opening or reading failed.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than [`MAX_ZONE_BYTES`].
    #[error("{path} is larger than {} MiB; is it a zone file?", MAX_ZONE_BYTES >> 20)]
    TooLarge {
        /// The file.
        path: String,
    },
    /// The file is not UTF-8 text.
    #[error("{path} is not UTF-8 text")]
    NotText {
        /// The file.
        path: String,
    },
    /// An `$INCLUDE` directive (not followed: it would read other files).
    #[error("line {line}: $INCLUDE is not followed; give the zone as one file")]
    Include {
        /// 1-based line number.
        line: usize,
    },
    /// A name has more MX records than a tracked domain may have MX hosts.
    #[error(
        "line {line}: {name} has more than {MAX_MX_HOSTS} MX records; mtasts tracks at most \
         {MAX_MX_HOSTS} MX hosts per domain"
    )]
    TooManyMx {
        /// 1-based line of the first MX record past the limit.
        line: usize,
        /// The name.
        name: String,
    },
    /// A name has more records of one type than a zone file may give it.
    #[error("line {line}: {name} has more than {limit} {rtype} records; is it a zone file?")]
    TooManyRecords {
        /// 1-based line of the first record past the limit.
        line: usize,
        /// The name.
        name: String,
        /// The record type.
        rtype: String,
        /// The limit.
        limit: usize,
    },
    /// The parser rejected the text.
    #[error("line {line}: {message}")]
    Parse {
        /// 1-based line number of the first record the parser rejects.
        line: usize,
        /// The parser's words.
        message: String,
    },
}

/// One name of the zone that receives mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailName {
    /// The owner name.
    pub name: DomainName,
    /// Its MX hosts (preference, exchange), lowest preference first; empty for a null MX.
    pub mx: Vec<(u16, DomainName)>,
    /// True for the null MX (`0 .`, RFC 7505): the name refuses mail and needs no MTA-STS.
    pub null_mx: bool,
}

/// Reads `path` (bounded) and lists its mail-receiving names, `origin` standing for `@` and
/// relative names unless the file sets `$ORIGIN`.
pub fn read_zone(path: &Path, origin: &DomainName) -> Result<Vec<MailName>, ZoneError> {
    let shown = path.display().to_string();
    let io = |source| ZoneError::Io { path: shown.clone(), source };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(MAX_ZONE_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > MAX_ZONE_BYTES {
        return Err(ZoneError::TooLarge { path: shown });
    }
    let text = String::from_utf8(bytes).map_err(|_| ZoneError::NotText { path: shown })?;
    mail_names(&text, origin)
}

/// The names of a zone's text that have MX records, sorted, the origin first.
pub fn mail_names(text: &str, origin: &DomainName) -> Result<Vec<MailName>, ZoneError> {
    if let Some(line) = include_line(text) {
        return Err(ZoneError::Include { line });
    }
    let origin_name = Name::from_ascii(origin.as_str())
        .map_err(|e| ZoneError::Parse { line: 1, message: format!("origin {origin}: {e}") })?;
    if let Some(o) = oversized_set(text, &origin_name) {
        return Err(if o.rtype == "MX" {
            ZoneError::TooManyMx { line: o.line, name: o.name }
        } else {
            ZoneError::TooManyRecords { line: o.line, name: o.name, rtype: o.rtype, limit: o.limit }
        });
    }
    let records = match Parser::new(text, None, Some(origin_name.clone())).parse() {
        Ok((_, records)) => records,
        Err(e) => {
            return Err(ZoneError::Parse { line: failing_line(text, &origin_name), message: e.to_string() });
        }
    };
    let mut out: BTreeMap<(bool, String), MailName> = BTreeMap::new();
    for (key, set) in &records {
        if key.record_type != RecordType::MX {
            continue;
        }
        let owner = set.name().to_ascii();
        let Ok(name) = DomainName::parse(owner.trim_end_matches('.')) else { continue };
        let mut mx = Vec::new();
        let mut null_mx = false;
        for r in set.records_without_rrsigs() {
            if let RData::MX(m) = &r.data {
                match DomainName::parse(m.exchange.to_ascii().trim_end_matches('.')) {
                    Ok(host) => mx.push((m.preference, host)),
                    Err(_) if m.exchange.is_root() => null_mx = true,
                    Err(_) => {}
                }
            }
        }
        mx.sort();
        let sort_key = (&name != origin, name.as_str().to_owned());
        out.insert(sort_key, MailName { name, mx, null_mx });
    }
    Ok(out.into_values().collect())
}

/// The 1-based line of the first `$INCLUDE` directive, if any.
fn include_line(text: &str) -> Option<usize> {
    text.lines()
        .position(|l| l.trim_start().get(..8).is_some_and(|d| d.eq_ignore_ascii_case("$INCLUDE")))
        .map(|i| i + 1)
}

/// The line of the first record the parser rejects: the shortest prefix of whole records that
/// fails to parse, found by bisection over the lines where no parenthesis is open.
fn failing_line(text: &str, origin: &Name) -> usize {
    let mut ends = Vec::new();
    let (mut depth, mut offset) = (0i32, 0usize);
    for line in text.split_inclusive('\n') {
        depth += paren_balance(line);
        offset += line.len();
        if depth <= 0 {
            depth = 0;
            ends.push(offset);
        }
    }
    let fails = |end: usize| Parser::new(&text[..end], None, Some(origin.clone())).parse().is_err();
    let (mut lo, mut hi) = (0usize, ends.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if ends.get(mid).is_some_and(|&e| fails(e)) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let end = ends.get(lo).copied().unwrap_or(text.len());
    let start = if lo == 0 { 0 } else { ends.get(lo - 1).copied().unwrap_or(0) };
    // The record that failed starts at its first non-blank, non-comment line after `start`.
    let first = text[start..end]
        .lines()
        .position(|l| !l.trim().is_empty() && !l.trim_start().starts_with(';'))
        .unwrap_or(0);
    text[..start].matches('\n').count() + first + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dn(s: &str) -> DomainName {
        DomainName::parse(s).unwrap()
    }

    const GOOD: &str = r#"$TTL 3600
@       IN SOA ns1.example.com. hostmaster.example.com. (
            2026113001 ; serial (
            7200 3600 1209600 300 )
        IN NS  ns1.example.com.
        IN MX  10 mx1.example.com.
        IN MX  20 mx2.example.com.
legacy  IN MX  10 old-mx.example.net.
shop    IN MX  5 mx1.example.com.
nomail  IN MX  0 .
www     IN A   192.0.2.10
"#;

    #[test]
    fn lists_every_name_with_mx_origin_first() {
        let names = mail_names(GOOD, &dn("example.com")).unwrap();
        let listed: Vec<&str> = names.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(listed, ["example.com", "legacy.example.com", "nomail.example.com", "shop.example.com"]);
        assert_eq!(names[0].mx, vec![(10, dn("mx1.example.com")), (20, dn("mx2.example.com"))]);
        assert!(names[2].null_mx && names[2].mx.is_empty());
        assert!(!names[1].null_mx);
    }

    #[test]
    fn a_broken_record_is_reported_with_its_line() {
        let broken =
            GOOD.replace("shop    IN MX  5 mx1.example.com.", "shop    IN MX  five mx1.example.com.");
        let err = mail_names(&broken, &dn("example.com")).unwrap_err();
        assert!(matches!(err, ZoneError::Parse { line: 9, .. }), "{err}");
        assert!(err.to_string().starts_with("line 9: "), "{err}");
    }

    #[test]
    fn include_is_refused_with_its_line() {
        let text = format!("{GOOD}$INCLUDE /etc/passwd\n");
        assert!(matches!(mail_names(&text, &dn("example.com")), Err(ZoneError::Include { line: 12 })));
    }

    #[test]
    fn parentheses_inside_comments_and_quotes_do_not_count() {
        assert_eq!(paren_balance("@ IN SOA a. b. ( ; (comment"), 1);
        assert_eq!(paren_balance("x IN TXT \"(\" )"), -1);
    }
}
