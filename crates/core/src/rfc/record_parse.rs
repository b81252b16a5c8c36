//! Parsers for the `_mta-sts` (RFC 8461 §3.1) and `_smtp._tls` (RFC 8460 §3) TXT record
//! values, exactly by the ABNF:
//!
//! ```text
//! record      = version 1*(field-delim field) [field-delim]
//! field-delim = *WSP ";" *WSP
//! ext-name    = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
//! ext-value   = 1*(%x21-3A / %x3C / %x3E-7E)
//! ```
//!
//! The version tag is case-sensitive, every field may appear once, and offsets in errors are
//! byte offsets into the concatenated record text (0-based).

use super::id::{PolicyId, PolicyIdError};
use super::record::{Extension, RuaError, RuaUri, StsRecord, TlsRptRecord};

/// Why a TXT record value does not follow the ABNF. The text names the field, character and
/// byte offset, and is used verbatim as a finding message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// The record is empty.
    #[error("the record is empty; it must begin with {expected:?}")]
    Empty {
        /// The expected version tag.
        expected: &'static str,
    },
    /// A byte outside US-ASCII.
    #[error("non-ASCII character {ch:?} at byte {offset}; the record must be US-ASCII")]
    NonAscii {
        /// Byte offset.
        offset: usize,
        /// The character.
        ch: char,
    },
    /// The record does not begin with the version tag.
    #[error("the record must begin with {expected:?}, but begins with {found:?}")]
    Version {
        /// The expected version tag.
        expected: &'static str,
        /// The start of the record as given.
        found: String,
    },
    /// Something other than `;` where a field delimiter must be.
    #[error("expected ';' at byte {offset}, found {found:?}")]
    Delimiter {
        /// Byte offset.
        offset: usize,
        /// What was found instead.
        found: char,
    },
    /// Two delimiters in a row (`;;`).
    #[error("empty field at byte {offset} (two ';' in a row)")]
    EmptyField {
        /// Byte offset.
        offset: usize,
    },
    /// A field without `=`.
    #[error("field {field:?} at byte {offset} has no '='")]
    NoEquals {
        /// The field text.
        field: String,
        /// Byte offset.
        offset: usize,
    },
    /// A field name outside the extension-name grammar.
    #[error(
        "field name {name:?} at byte {offset} is invalid: it must start with a letter or digit and \
         have at most 32 letters, digits, '_', '-' or '.'"
    )]
    FieldName {
        /// The name.
        name: String,
        /// Byte offset.
        offset: usize,
    },
    /// A field with an empty value.
    #[error("{field}: the value is empty (byte {offset})")]
    EmptyValue {
        /// The field name.
        field: String,
        /// Byte offset.
        offset: usize,
    },
    /// A character the value grammar does not allow (space, `=`, `;`, controls).
    #[error("{field}: contains {ch:?} at byte {offset}, which a field value may not contain")]
    ValueCharacter {
        /// The field name.
        field: String,
        /// The character.
        ch: char,
        /// Byte offset.
        offset: usize,
    },
    /// A field given twice.
    #[error("{field}: the field appears more than once (again at byte {offset})")]
    Duplicate {
        /// The field name.
        field: String,
        /// Byte offset of the second occurrence.
        offset: usize,
    },
    /// A required field is absent.
    #[error("the required field {field}= is missing{hint}")]
    Missing {
        /// The field name.
        field: &'static str,
        /// Extra explanation, e.g. a field with the wrong case, starting with "; ".
        hint: String,
    },
    /// The `id` value is not 1–32 letters and digits.
    #[error("id: {0}")]
    Id(PolicyIdError),
    /// An empty entry in the `rua` list.
    #[error("rua: empty URI in the list at byte {offset}")]
    EmptyRua {
        /// Byte offset.
        offset: usize,
    },
    /// A `rua` URI that is not acceptable.
    #[error("rua: {0}")]
    Rua(RuaError),
}

/// `v=STSv1`, the tag an `_mta-sts` record begins with.
pub const STS_VERSION: &str = "v=STSv1";
/// `v=TLSRPTv1`, the tag an `_smtp._tls` record begins with.
pub const TLSRPT_VERSION: &str = "v=TLSRPTv1";

/// One `name=value` field with the byte offset of its value.
struct Field<'a> {
    name: &'a str,
    value: &'a str,
    value_at: usize,
}

fn is_wsp(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn valid_ext_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.len() <= 32
        && b[0].is_ascii_alphanumeric()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
}

fn char_at(text: &str, offset: usize) -> char {
    text[offset..].chars().next().unwrap_or('?')
}

/// Splits `text` after the version tag into fields; the caller validates values.
fn fields<'a>(text: &'a str, version: &'static str) -> Result<Vec<Field<'a>>, RecordError> {
    if let Some((offset, ch)) = text.char_indices().find(|(_, c)| !c.is_ascii()) {
        return Err(RecordError::NonAscii { offset, ch });
    }
    if text.is_empty() {
        return Err(RecordError::Empty { expected: version });
    }
    if !text.starts_with(version) {
        let found: String = text.chars().take(version.len() + 1).collect();
        return Err(RecordError::Version { expected: version, found });
    }
    let b = text.as_bytes();
    let mut pos = version.len();
    let mut out = Vec::new();
    loop {
        while pos < b.len() && is_wsp(b[pos]) {
            pos += 1;
        }
        if pos == b.len() {
            return Ok(out);
        }
        if b[pos] != b';' {
            return Err(RecordError::Delimiter { offset: pos, found: char_at(text, pos) });
        }
        pos += 1;
        while pos < b.len() && is_wsp(b[pos]) {
            pos += 1;
        }
        if pos == b.len() {
            return Ok(out);
        }
        if b[pos] == b';' {
            return Err(RecordError::EmptyField { offset: pos });
        }
        let start = pos;
        while pos < b.len() && b[pos] != b';' {
            pos += 1;
        }
        let raw = text[start..pos].trim_end_matches([' ', '\t']);
        let Some((name, value)) = raw.split_once('=') else {
            return Err(RecordError::NoEquals { field: clip(raw), offset: start });
        };
        if !valid_ext_name(name) {
            return Err(RecordError::FieldName { name: clip(name), offset: start });
        }
        if name == "v" || out.iter().any(|f: &Field<'_>| f.name == name) {
            return Err(RecordError::Duplicate { field: name.into(), offset: start });
        }
        out.push(Field { name, value, value_at: start + name.len() + 1 });
        pos = start + raw.len();
    }
}

/// Checks a value against `1*(%x21-3A / %x3C / %x3E-7E)`.
fn check_value(field: &Field<'_>) -> Result<(), RecordError> {
    if field.value.is_empty() {
        return Err(RecordError::EmptyValue { field: field.name.into(), offset: field.value_at });
    }
    match field.value.char_indices().find(|(_, c)| !matches!(c, '\x21'..='\x3a' | '\x3c' | '\x3e'..='\x7e')) {
        Some((i, ch)) => {
            Err(RecordError::ValueCharacter { field: field.name.into(), ch, offset: field.value_at + i })
        }
        None => Ok(()),
    }
}

fn missing(fields: &[Field<'_>], field: &'static str) -> RecordError {
    let hint = fields
        .iter()
        .find(|f| f.name.eq_ignore_ascii_case(field))
        .map(|f| format!(" (found {:?}, but field names are case-sensitive)", f.name))
        .unwrap_or_default();
    RecordError::Missing { field, hint }
}

fn extension(field: &Field<'_>) -> Result<Extension, RecordError> {
    check_value(field)?;
    Ok(Extension { name: field.name.into(), value: field.value.into() })
}

/// Parses an `_mta-sts` TXT value such as `v=STSv1; id=20261129T081500;`.
pub fn parse_sts_record(text: &str) -> Result<StsRecord, RecordError> {
    let fields = fields(text, STS_VERSION)?;
    let mut id = None;
    let mut extensions = Vec::new();
    for f in &fields {
        if f.name == "id" {
            check_value(f)?;
            id = Some(PolicyId::parse(f.value).map_err(RecordError::Id)?);
        } else {
            extensions.push(extension(f)?);
        }
    }
    let id = id.ok_or_else(|| missing(&fields, "id"))?;
    Ok(StsRecord { id, extensions })
}

/// Parses an `_smtp._tls` TXT value such as `v=TLSRPTv1; rua=mailto:tlsrpt@example.com`.
/// `rua` is a comma-separated list with optional WSP around each comma.
pub fn parse_tlsrpt_record(text: &str) -> Result<TlsRptRecord, RecordError> {
    let fields = fields(text, TLSRPT_VERSION)?;
    let mut rua = None;
    let mut extensions = Vec::new();
    for f in &fields {
        if f.name == "rua" {
            rua = Some(parse_rua(f)?);
        } else {
            extensions.push(extension(f)?);
        }
    }
    let rua = rua.ok_or_else(|| missing(&fields, "rua"))?;
    Ok(TlsRptRecord { rua, extensions })
}

fn parse_rua(field: &Field<'_>) -> Result<Vec<RuaUri>, RecordError> {
    let mut out = Vec::new();
    let mut at = field.value_at;
    for part in field.value.split(',') {
        let lead = part.len() - part.trim_start_matches([' ', '\t']).len();
        let uri = part.trim_matches([' ', '\t']);
        if uri.is_empty() {
            return Err(RecordError::EmptyRua { offset: at + lead });
        }
        out.push(RuaUri::parse(uri).map_err(RecordError::Rua)?);
        at += part.len() + 1;
    }
    Ok(out)
}

/// Most characters of a record's text quoted in an error or finding.
pub const QUOTED_CHARS: usize = 64;

/// `text`, cut to [`QUOTED_CHARS`] characters with the full length noted, so that a huge
/// record cannot flood a message.
pub fn clip(text: &str) -> String {
    match text.char_indices().nth(QUOTED_CHARS) {
        Some((end, _)) => format!("{}… ({} bytes in all)", &text[..end], text.len()),
        None => text.to_owned(),
    }
}

#[cfg(test)]
#[path = "record_parse_tests.rs"]
mod tests;
