//! What the import finds in its inputs before parsing: a report's JSON, or why an input is
//! not one; shared by the file walker ([`super::sources`]) and the e-mail scanner
//! ([`super::mime`]), with the bounds of the work one e-mail may cause ([`MessageBudget`]).

use super::ReportError;
use super::parse::{MAX_REPORT_BYTES, gunzip_into, is_gzip, report_json};

/// Most report parts read from one e-mail; the rest are named in one rejection.
pub const MAX_REPORT_PARTS: usize = 32;
/// Most bytes the report parts of one e-mail may decompress to, together.
pub const MAX_MESSAGE_REPORT_BYTES: u64 = 64 * 1024 * 1024;

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

/// The work one e-mail may cause: at most [`MAX_REPORT_PARTS`] report parts, decompressed one
/// at a time, together at most [`MAX_MESSAGE_REPORT_BYTES`] (what a failed decompression
/// produced counts too).
#[derive(Debug)]
pub(super) struct MessageBudget {
    parts: usize,
    bytes: u64,
}

impl Default for MessageBudget {
    fn default() -> Self {
        MessageBudget { parts: MAX_REPORT_PARTS, bytes: MAX_MESSAGE_REPORT_BYTES }
    }
}

impl MessageBudget {
    /// The report JSON of one part, decompressed within what is left; `Err` with the reason
    /// when the budget does not allow reading it (then no later part is read either).
    pub(super) fn take(&mut self, contents: &[u8]) -> Result<Found, String> {
        if self.parts == 0 {
            return Err(format!("an e-mail is read for at most {MAX_REPORT_PARTS} report parts"));
        }
        let exhausted = || {
            format!(
                "the report parts before it decompressed to {} MiB, the most read from one e-mail",
                MAX_MESSAGE_REPORT_BYTES >> 20
            )
        };
        if self.bytes == 0 {
            return Err(exhausted());
        }
        self.parts -= 1;
        let limit = MAX_REPORT_BYTES.min(self.bytes);
        if !is_gzip(contents) {
            let size = contents.len() as u64;
            if size > MAX_REPORT_BYTES {
                return Ok(Found::Rejected(ReportError::TooLarge(MAX_REPORT_BYTES).to_string()));
            }
            if size > self.bytes {
                self.bytes = 0;
                return Err(exhausted());
            }
            self.bytes -= size;
            return Ok(Found::Json(contents.to_vec()));
        }
        let mut out = Vec::new();
        let result = gunzip_into(contents, limit, &mut out);
        self.bytes = self.bytes.saturating_sub(out.len() as u64);
        match result {
            Ok(()) => Ok(Found::Json(out)),
            Err(ReportError::TooLarge(_)) if limit < MAX_REPORT_BYTES => {
                self.bytes = 0;
                Err(exhausted())
            }
            Err(e) => Ok(Found::Rejected(e.to_string())),
        }
    }
}

/// The first byte that is not whitespace or a UTF-8 byte order mark.
pub(super) fn first_non_space(bytes: &[u8]) -> Option<u8> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    bytes.iter().copied().find(|b| !b.is_ascii_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn the_budget_counts_parts_and_decompressed_bytes_even_of_failures() {
        let bomb = gzip(&vec![b' '; 11 << 20]);
        let mut budget = MessageBudget::default();
        for _ in 0..6 {
            let found = budget.take(&bomb).unwrap();
            assert!(matches!(&found, Found::Rejected(r) if r == "too large: more than 10 MiB"), "{found:?}");
        }
        let err = budget.take(&bomb).unwrap_err();
        assert!(err.contains("decompressed to 64 MiB"), "{err}");
        assert!(budget.take(b"{}").is_err(), "nothing after the budget is spent");

        let mut budget = MessageBudget::default();
        for _ in 0..MAX_REPORT_PARTS {
            assert!(matches!(budget.take(b"{}").unwrap(), Found::Json(_)));
        }
        assert!(budget.take(b"{}").unwrap_err().contains("at most 32 report parts"));
    }
}
