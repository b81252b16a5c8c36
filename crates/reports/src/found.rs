//! What the import finds in its inputs before parsing: a report's JSON, or why an input is
//! not one; shared by the file walker ([`super::sources`]) and the e-mail scanner
//! ([`super::mime`]).

use super::parse::report_json;

/// One candidate found in the inputs.
#[derive(Debug)]
pub(super) enum Found {
    /// Report JSON (already decompressed and size-checked), not yet parsed.
    Json(Vec<u8>),
    /// Unusable input, with the reason.
    Rejected(String),
    /// Not a report at all, with the reason.
    Ignored(String),
}

impl Found {
    /// The report JSON in `bytes` (gunzipped when gzip, size-checked), or why it is unusable.
    pub(super) fn json(bytes: &[u8]) -> Found {
        match report_json(bytes) {
            Ok(json) => Found::Json(json),
            Err(e) => Found::Rejected(e.to_string()),
        }
    }
}

/// The first byte that is not whitespace or a UTF-8 byte order mark.
pub(super) fn first_non_space(bytes: &[u8]) -> Option<u8> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    bytes.iter().copied().find(|b| !b.is_ascii_whitespace())
}
