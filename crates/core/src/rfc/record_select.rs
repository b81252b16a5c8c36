//! Choosing the one record a sender uses from a TXT answer (RFC 8461 §3.1, RFC 8460 §3),
//! turning the choice into findings, and linting a single record value.
//!
//! Senders concatenate the character-strings of each TXT record without spaces, discard every
//! record that does not begin with the exact prefix (`v=STSv1;` / `v=TLSRPTv1;`), and use the
//! result only if exactly one record remains and it is valid. A record that a human would read
//! as an attempt (`v=STSv1 ; id=x`, `V=STSv1;…`, a bare `v=STSv1`) is discarded all the same;
//! this module reports it instead of treating the domain as silently unconfigured.

use crate::finding::{Code, Finding, Severity};

use super::record::{StsRecord, TlsRptRecord};
use super::record_parse::{RecordError, STS_VERSION, TLSRPT_VERSION, parse_sts_record, parse_tlsrpt_record};

/// Which of the two TXT records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordKind {
    /// `_mta-sts.<domain>`, `v=STSv1`.
    Sts,
    /// `_smtp._tls.<domain>`, `v=TLSRPTv1`.
    TlsRpt,
}

impl RecordKind {
    /// The version tag the record begins with (`v=STSv1`).
    pub fn version(self) -> &'static str {
        match self {
            RecordKind::Sts => STS_VERSION,
            RecordKind::TlsRpt => TLSRPT_VERSION,
        }
    }

    /// The exact prefix senders match on (`v=STSv1;`).
    pub fn prefix(self) -> &'static str {
        match self {
            RecordKind::Sts => "v=STSv1;",
            RecordKind::TlsRpt => "v=TLSRPTv1;",
        }
    }

    /// The label the record lives under (`_mta-sts`, `_smtp._tls`).
    pub fn label(self) -> &'static str {
        match self {
            RecordKind::Sts => "_mta-sts",
            RecordKind::TlsRpt => "_smtp._tls",
        }
    }

    fn codes(self) -> (Code, Code, Code) {
        match self {
            RecordKind::Sts => (Code::StsRecordMissing, Code::StsRecordMultiple, Code::StsRecordInvalid),
            RecordKind::TlsRpt => {
                (Code::TlsRptRecordMissing, Code::TlsRptRecordMultiple, Code::TlsRptRecordInvalid)
            }
        }
    }

    /// Errors for MTA-STS (senders ignore the domain's policy); warnings for TLS-RPT, which
    /// does not affect delivery.
    fn severity(self) -> Severity {
        match self {
            RecordKind::Sts => Severity::Error,
            RecordKind::TlsRpt => Severity::Warning,
        }
    }

    /// An example value for the record at `subject` (`_smtp._tls.DOMAIN` names DOMAIN's
    /// mailbox in the example).
    pub(crate) fn example(self, subject: &str) -> String {
        match self {
            RecordKind::Sts => "v=STSv1; id=20261129T081500".to_owned(),
            RecordKind::TlsRpt => {
                let domain = subject
                    .strip_prefix(self.label())
                    .and_then(|s| s.strip_prefix('.'))
                    .unwrap_or("example.com");
                format!("v=TLSRPTv1; rua=mailto:tlsrpt@{domain}")
            }
        }
    }
}

/// A record type that can be selected from a TXT answer.
pub trait TxtRecord: Sized {
    /// Which record this is.
    const KIND: RecordKind;
    /// Parses one concatenated record value.
    fn parse(text: &str) -> Result<Self, RecordError>;
}

impl TxtRecord for StsRecord {
    const KIND: RecordKind = RecordKind::Sts;
    fn parse(text: &str) -> Result<Self, RecordError> {
        parse_sts_record(text)
    }
}

impl TxtRecord for TlsRptRecord {
    const KIND: RecordKind = RecordKind::TlsRpt;
    fn parse(text: &str) -> Result<Self, RecordError> {
        parse_tlsrpt_record(text)
    }
}

/// The outcome of record-set selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection<T> {
    /// No record begins with the prefix (and none looks like an attempt).
    Missing,
    /// More than one record begins with the prefix: senders use none of them.
    Multiple(Vec<String>),
    /// The one candidate is invalid, or the only attempt is discarded by prefix matching.
    Invalid {
        /// The concatenated record text.
        text: String,
        /// What is wrong with it.
        error: SelectionError,
    },
    /// Exactly one valid record.
    One {
        /// The parsed record.
        record: T,
        /// The concatenated record text.
        text: String,
    },
}

/// Why the selected (or nearly selected) record is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectionError {
    /// It does not begin with the exact prefix, so senders discard it.
    #[error(
        "senders discard TXT records that do not begin with exactly {prefix:?}; this one begins \
         with {found:?}{detail}"
    )]
    Discarded {
        /// The exact prefix.
        prefix: &'static str,
        /// The start of the record.
        found: String,
        /// What else is wrong, starting with "; " (empty when the rest is valid).
        detail: String,
    },
    /// It begins with the prefix but does not follow the ABNF.
    #[error(transparent)]
    Record(#[from] RecordError),
}

/// Concatenates the character-strings of one TXT record, without spaces (RFC 8461 §3.1).
pub fn concat_strings(strings: &[String]) -> String {
    strings.concat()
}

/// Selects the record senders use from a TXT answer: each element is one record, given as its
/// character-strings (already decoded from the wire; non-UTF-8 bytes should be mapped to
/// U+FFFD, which then fails the US-ASCII check).
pub fn select<T: TxtRecord>(answer: &[Vec<String>]) -> Selection<T> {
    let kind = T::KIND;
    let texts: Vec<String> = answer.iter().map(|r| concat_strings(r)).collect();
    let (candidates, others): (Vec<String>, Vec<String>) =
        texts.into_iter().partition(|t| t.starts_with(kind.prefix()));
    match candidates.len() {
        0 => match others.into_iter().find(|t| looks_like(kind, t)) {
            Some(text) => {
                let error = discarded(kind, &text);
                Selection::Invalid { text, error }
            }
            None => Selection::Missing,
        },
        1 => {
            let text = candidates.into_iter().next().unwrap_or_default();
            match T::parse(&text) {
                Ok(record) => Selection::One { record, text },
                Err(e) => Selection::Invalid { text, error: SelectionError::Record(e) },
            }
        }
        _ => Selection::Multiple(candidates),
    }
}

/// Whether a discarded record was meant to be one of `kind` (a human would read it so).
pub(crate) fn looks_like(kind: RecordKind, text: &str) -> bool {
    let squeezed: String = text.chars().filter(|c| !c.is_ascii_whitespace()).take(16).collect();
    squeezed.to_ascii_lowercase().starts_with(&kind.version().to_ascii_lowercase())
}

pub(crate) fn discarded(kind: RecordKind, text: &str) -> SelectionError {
    let detail = match kind {
        RecordKind::Sts => parse_sts_record(text).err(),
        RecordKind::TlsRpt => parse_tlsrpt_record(text).err(),
    }
    .map(|e| format!("; also: {e}"))
    .unwrap_or_default();
    SelectionError::Discarded {
        prefix: kind.prefix(),
        found: text.chars().take(kind.prefix().len() + 2).collect(),
        detail,
    }
}

impl<T: TxtRecord> Selection<T> {
    /// The findings a sender's view of this selection produces; `subject` is the record name
    /// (`_mta-sts.example.com`). A valid single record gives none.
    pub fn findings(&self, subject: &str) -> Vec<Finding> {
        let kind = T::KIND;
        let (missing, multiple, invalid) = kind.codes();
        let sev = kind.severity();
        let finding = match self {
            Selection::One { .. } => return Vec::new(),
            Selection::Missing => Finding::new(
                missing,
                sev,
                subject,
                format!("no TXT record beginning with {:?} at {subject}", kind.prefix()),
                format!("publish a TXT record at {subject}, e.g. \"{}\"", kind.example(subject)),
            ),
            Selection::Multiple(texts) => Finding::new(
                multiple,
                sev,
                subject,
                format!(
                    "{} TXT records begin with {:?} ({}); senders use none of them",
                    texts.len(),
                    kind.prefix(),
                    texts.iter().map(|t| format!("{t:?}")).collect::<Vec<_>>().join(", ")
                ),
                format!("keep exactly one {} record at {subject} and delete the others", kind.version()),
            ),
            Selection::Invalid { text, error } => invalid_finding(kind, invalid, sev, subject, text, error),
        };
        vec![finding]
    }
}

fn invalid_finding(
    kind: RecordKind,
    code: Code,
    sev: Severity,
    subject: &str,
    text: &str,
    error: &SelectionError,
) -> Finding {
    let fix = match error {
        SelectionError::Discarded { .. } => format!(
            "rewrite the record to begin with exactly {:?}, e.g. \"{}\"",
            kind.prefix(),
            kind.example(subject)
        ),
        SelectionError::Record(_) => {
            format!("correct the record at {subject}, e.g. \"{}\"", kind.example(subject))
        }
    };
    let text = super::record_parse::clip(text);
    Finding::new(code, sev, subject, format!("{error} (record: {text:?})"), fix)
}

#[cfg(test)]
#[path = "record_select_tests.rs"]
mod tests;
