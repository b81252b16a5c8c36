//! Linting one TXT record value given by the user (`mtasts lint record TEXT`).

use crate::finding::{Code, Finding, Severity};

use super::record::{StsRecord, TlsRptRecord};
use super::record_parse::{STS_VERSION, TLSRPT_VERSION, parse_sts_record, parse_tlsrpt_record};
use super::record_select::{RecordKind, discarded, looks_like};

/// A successfully parsed record of either kind.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ParsedRecord {
    /// An `_mta-sts` record.
    Sts(StsRecord),
    /// An `_smtp._tls` record.
    TlsRpt(TlsRptRecord),
}

/// The result of [`lint_record`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RecordLint {
    /// The kind detected from the version tag (`None` when it is neither).
    pub kind: Option<RecordKind>,
    /// The record when it follows the ABNF (it may still be discarded by senders; see findings).
    pub record: Option<ParsedRecord>,
    /// Problems; empty for a record senders accept as is.
    pub findings: Vec<Finding>,
}

/// Detects `v=STSv1` or `v=TLSRPTv1` (also when mistyped in case or spacing) and checks the
/// record the way senders read it: by the ABNF and by the exact prefix they match on.
pub fn lint_record(text: &str) -> RecordLint {
    let kind = [RecordKind::Sts, RecordKind::TlsRpt].into_iter().find(|k| looks_like(*k, text));
    let Some(kind) = kind else {
        let finding = Finding::new(
            Code::StsRecordInvalid,
            Severity::Error,
            "record",
            format!(
                "the record begins with neither {STS_VERSION:?} (an _mta-sts record) nor \
                 {TLSRPT_VERSION:?} (an _smtp._tls record): {:?}",
                text.chars().take(24).collect::<String>()
            ),
            if text.trim_start().starts_with('"') {
                "give the value without the zone-file quotes; if it is split into several quoted \
                 strings, join them without spaces"
            } else {
                "give the TXT value itself, e.g. \"v=STSv1; id=20261129T081500\" or \
                 \"v=TLSRPTv1; rua=mailto:tlsrpt@example.com\""
            },
        );
        return RecordLint { kind: None, record: None, findings: vec![finding] };
    };
    let parsed = match kind {
        RecordKind::Sts => parse_sts_record(text).map(ParsedRecord::Sts),
        RecordKind::TlsRpt => parse_tlsrpt_record(text).map(ParsedRecord::TlsRpt),
    };
    // The user lints the record itself: one senders discard or cannot use is invalid, for
    // either kind (in `check`, a useless TLS-RPT record stays a warning for the domain).
    let (code, severity) = match kind {
        RecordKind::Sts => (Code::StsRecordInvalid, Severity::Error),
        RecordKind::TlsRpt => (Code::TlsRptRecordInvalid, Severity::Error),
    };
    let subject = kind.label();
    let mut findings = Vec::new();
    if !text.starts_with(kind.prefix()) {
        findings.push(Finding::new(
            code,
            severity,
            subject,
            discarded(kind, text).to_string(),
            format!("begin the record with exactly {:?}, e.g. \"{}\"", kind.prefix(), kind.example("")),
        ));
    } else if let Err(e) = &parsed {
        findings.push(Finding::new(
            code,
            severity,
            subject,
            e.to_string(),
            format!("correct the record, e.g. \"{}\"", kind.example("")),
        ));
    }
    RecordLint { kind: Some(kind), record: parsed.ok(), findings }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_kind_and_accepts_valid_records() {
        let l = lint_record("v=STSv1; id=20261129T081500;");
        assert_eq!(l.kind, Some(RecordKind::Sts));
        assert!(matches!(l.record, Some(ParsedRecord::Sts(ref r)) if r.id.as_str() == "20261129T081500"));
        assert!(l.findings.is_empty());
        let l = lint_record("v=TLSRPTv1; rua=mailto:tlsrpt@example.com");
        assert_eq!(l.kind, Some(RecordKind::TlsRpt));
        assert!(l.findings.is_empty());
    }

    #[test]
    fn invalid_id_names_the_sub_problem() {
        let l = lint_record("v=STSv1; id=2026-11-29");
        assert_eq!(l.record, None);
        assert_eq!(l.findings.len(), 1);
        assert_eq!(l.findings[0].code, Code::StsRecordInvalid);
        assert_eq!(l.findings[0].severity, Severity::Error);
        assert!(l.findings[0].message.starts_with("id: the id contains '-'"), "{}", l.findings[0].message);
    }

    #[test]
    fn prefix_discard_is_reported_even_when_abnf_valid() {
        let l = lint_record("v=STSv1 ; id=abc");
        assert!(l.record.is_some());
        assert_eq!(l.findings.len(), 1);
        assert!(l.findings[0].message.contains("exactly \"v=STSv1;\""), "{}", l.findings[0].message);
        let l = lint_record("v=STSv1");
        assert!(l.findings[0].message.contains("also: the required field id= is missing"));
        let l = lint_record("V=TLSRPTv1; rua=mailto:a@example.com");
        assert_eq!(l.kind, Some(RecordKind::TlsRpt));
        assert_eq!(l.findings[0].code, Code::TlsRptRecordInvalid);
        assert_eq!(l.findings[0].severity, Severity::Error);
    }

    #[test]
    fn unusable_tlsrpt_records_are_errors_when_linted() {
        for text in
            ["v=TLSRPTv1", "v=TLSRPTv1; rua=tlsrpt@example.com", "v=TLSRPTv1; rua=ftp://example.com/r"]
        {
            let l = lint_record(text);
            assert_eq!(l.kind, Some(RecordKind::TlsRpt), "{text}");
            assert!(l.record.is_none(), "{text}");
            assert_eq!(l.findings.len(), 1, "{text}");
            assert_eq!(l.findings[0].code, Code::TlsRptRecordInvalid, "{text}");
            assert_eq!(l.findings[0].severity, Severity::Error, "{text}");
        }
    }

    #[test]
    fn neither_kind_says_what_is_expected() {
        let l = lint_record("v=spf1 -all");
        assert_eq!(l.kind, None);
        assert!(l.findings[0].message.contains("\"v=STSv1\""));
        assert!(l.findings[0].message.contains("\"v=TLSRPTv1\""));
        let quoted = lint_record("\"v=STSv1; id=abc\"");
        assert!(quoted.findings[0].fix.contains("without the zone-file quotes"));
    }
}
