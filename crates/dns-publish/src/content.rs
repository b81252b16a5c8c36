//! Record content as the HTTP APIs carry it: TXT data in zone-file presentation
//! (`"v=STSv1; id=1" "more"`), read byte for byte (escapes `\"`, `\\`, `\DDD`) and written so
//! it reads back the same; addresses and alias targets as text.

use super::error::PublishError;
use mtasts_core::publish::{RData, RrType};
use mtasts_core::sanitize::sanitize;

/// Parses the content of one `rtype` record at `name` served by `provider`.
pub fn parse_content(
    provider: &str,
    name: &str,
    rtype: RrType,
    content: &str,
) -> Result<RData, PublishError> {
    let data = match rtype {
        RrType::Txt => Some(RData::Txt(parse(content))),
        RrType::A => content.trim().parse().ok().map(RData::A),
        RrType::Aaaa => content.trim().parse().ok().map(RData::Aaaa),
        RrType::Cname => Some(RData::cname(content.trim())),
    };
    data.ok_or_else(|| {
        PublishError::Protocol(format!(
            "{provider} serves {} {rtype} {:?}, which does not parse",
            sanitize(name),
            sanitize(content)
        ))
    })
}

/// The content to send for `data`; `dot` ends an alias target with a dot (PowerDNS).
pub fn content_of(data: &RData, dot: bool) -> String {
    match data {
        RData::Txt(strings) => render(strings),
        RData::A(ip) => ip.to_string(),
        RData::Aaaa(ip) => ip.to_string(),
        RData::Cname(target) if dot => format!("{target}."),
        RData::Cname(target) => target.clone(),
    }
}

/// Parses presentation text into character-strings. Unquoted words are strings too; text
/// with no quote at all is one string (split at 255 bytes), as some APIs return it.
pub fn parse(content: &str) -> Vec<Vec<u8>> {
    let text = content.trim();
    if !text.starts_with('"') {
        return mtasts_core::publish::RData::txt(text).joined().map_or_else(Vec::new, |b| {
            b.chunks(mtasts_core::publish::MAX_TXT_STRING).map(<[u8]>::to_vec).collect()
        });
    }
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        let quoted = bytes[i] == b'"';
        if quoted {
            i += 1;
        }
        let mut s = Vec::new();
        while i < bytes.len() {
            let b = bytes[i];
            if (quoted && b == b'"') || (!quoted && b.is_ascii_whitespace()) {
                i += 1;
                break;
            }
            if b == b'\\' && i + 1 < bytes.len() {
                let digits = bytes.get(i + 1..i + 4).filter(|d| d.iter().all(u8::is_ascii_digit));
                if let Some(value) = digits.and_then(|d| std::str::from_utf8(d).ok()?.parse::<u8>().ok()) {
                    s.push(value);
                    i += 4;
                } else {
                    s.push(bytes[i + 1]);
                    i += 2;
                }
                continue;
            }
            s.push(b);
            i += 1;
        }
        out.push(s);
    }
    out
}

/// Renders character-strings so that [`parse`] (and any zone-file reader) gives them back:
/// each quoted, `"` and `\` escaped, bytes outside printable ASCII as `\DDD`.
pub fn render(strings: &[Vec<u8>]) -> String {
    strings
        .iter()
        .map(|s| {
            let mut out = String::from("\"");
            for &b in s {
                match b {
                    b'"' | b'\\' => {
                        out.push('\\');
                        out.push(b as char);
                    }
                    0x20..=0x7e => out.push(b as char),
                    _ => out.push_str(&format!("\\{b:03}")),
                }
            }
            out.push('"');
            out
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_byte() {
        let strings = vec![b"v=STSv1; id=1".to_vec(), b"a\"b\\c\x00\xff".to_vec(), Vec::new()];
        assert_eq!(parse(&render(&strings)), strings);
        assert_eq!(render(&strings[..1]), "\"v=STSv1; id=1\"");
    }

    #[test]
    fn unquoted_content_is_one_string() {
        assert_eq!(parse("v=spf1 -all"), vec![b"v=spf1 -all".to_vec()]);
        assert_eq!(parse("\"a\" \"b\""), vec![b"a".to_vec(), b"b".to_vec()]);
    }
}
