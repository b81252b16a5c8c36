use super::*;

fn answer(records: &[&[&str]]) -> Vec<Vec<String>> {
    records.iter().map(|r| r.iter().map(|s| s.to_string()).collect()).collect()
}

#[test]
fn strings_are_concatenated_without_spaces() {
    let a = answer(&[&["v=STSv1; id=2026", "1129T081500"], &["v=spf1 -all"]]);
    match select::<StsRecord>(&a) {
        Selection::One { record, text } => {
            assert_eq!(record.id.as_str(), "20261129T081500");
            assert_eq!(text, "v=STSv1; id=20261129T081500");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn missing_multiple_and_invalid() {
    let s = select::<StsRecord>(&answer(&[&["v=spf1 -all"]]));
    assert_eq!(s, Selection::Missing);
    let f = s.findings("_mta-sts.example.com");
    assert_eq!((f[0].code, f[0].severity), (Code::StsRecordMissing, Severity::Error));
    assert_eq!(f[0].subject, "_mta-sts.example.com");

    let s = select::<StsRecord>(&answer(&[&["v=STSv1; id=a"], &["v=STSv1; id=b"]]));
    assert!(matches!(&s, Selection::Multiple(v) if v.len() == 2));
    assert_eq!(s.findings("x")[0].code, Code::StsRecordMultiple);

    let s = select::<StsRecord>(&answer(&[&["v=STSv1; id=a_b"]]));
    assert!(matches!(&s, Selection::Invalid { error: SelectionError::Record(RecordError::Id(_)), .. }));
    let f = s.findings("_mta-sts.example.com");
    assert_eq!(f[0].code, Code::StsRecordInvalid);
    assert!(f[0].message.starts_with("id: the id contains '_'"), "{}", f[0].message);
}

#[test]
fn near_misses_are_surfaced_not_ignored() {
    for text in ["v=STSv1 ; id=x", "v=STSv1", "V=STSv1; id=x", " v=STSv1; id=x"] {
        let s = select::<StsRecord>(&answer(&[&[text]]));
        let Selection::Invalid { error, .. } = &s else {
            panic!("{text}: {s:?}");
        };
        assert!(matches!(error, SelectionError::Discarded { prefix: "v=STSv1;", .. }), "{text}");
        assert_eq!(s.findings("n")[0].code, Code::StsRecordInvalid);
    }
    // A valid record next to a near miss is what senders use.
    let s = select::<StsRecord>(&answer(&[&["v=STSv1 ; id=x"], &["v=STSv1; id=y"]]));
    assert!(matches!(s, Selection::One { ref record, .. } if record.id.as_str() == "y"));
}

#[test]
fn tlsrpt_problems_are_warnings() {
    let s = select::<TlsRptRecord>(&answer(&[]));
    let f = s.findings("_smtp._tls.example.com");
    assert_eq!((f[0].code, f[0].severity), (Code::TlsRptRecordMissing, Severity::Warning));
    let s = select::<TlsRptRecord>(&answer(&[&["v=TLSRPTv1; rua=a"], &["v=TLSRPTv1; rua=b"]]));
    assert_eq!(s.findings("x")[0].severity, Severity::Warning);
    assert_eq!(s.findings("x")[0].code, Code::TlsRptRecordMultiple);
    let s = select::<TlsRptRecord>(&answer(&[&["v=TLSRPTv1; rua=ftp://x"]]));
    let f = s.findings("x");
    assert_eq!((f[0].code, f[0].severity), (Code::TlsRptRecordInvalid, Severity::Warning));
    let s = select::<TlsRptRecord>(&answer(&[&["v=TLSRPTv1;", "rua=mailto:r@example.com"]]));
    assert!(matches!(s, Selection::One { .. }));
    assert!(s.findings("x").is_empty());
}

#[test]
fn a_huge_invalid_record_is_quoted_clipped() {
    let huge = format!("v=STSv1; id=20260101T000000;{}", "x".repeat(60_000));
    let findings = select::<StsRecord>(&[vec![huge]]).findings("_mta-sts.example.com");
    assert_eq!(findings.len(), 1);
    let m = &findings[0].message;
    assert!(m.len() < 400, "{} bytes: {m}", m.len());
    assert!(m.contains("has no '='") && m.contains("(60000 bytes in all)"), "{m}");
    assert!(m.contains("(60028 bytes in all)"), "{m}");
}
