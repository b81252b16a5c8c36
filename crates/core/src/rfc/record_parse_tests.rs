use super::*;

#[test]
fn rfc8461_example_record() {
    let r = parse_sts_record("v=STSv1; id=20160831085700Z;").unwrap();
    assert_eq!(r.id.as_str(), "20160831085700Z");
    assert!(r.extensions.is_empty());
}

#[test]
fn sts_whitespace_and_trailing_delimiter_variants() {
    for text in [
        "v=STSv1;id=abc",
        "v=STSv1; id=abc",
        "v=STSv1;\tid=abc ;",
        "v=STSv1 ; id=abc; ",
        "v=STSv1;  id=abc  ;  ",
    ] {
        assert_eq!(parse_sts_record(text).unwrap().id.as_str(), "abc", "{text}");
    }
}

#[test]
fn sts_extensions_kept_in_order() {
    let r = parse_sts_record("v=STSv1; ext.b=1; id=abc; a_x-1=x:y").unwrap();
    assert_eq!(r.extensions.len(), 2);
    assert_eq!((r.extensions[0].name.as_str(), r.extensions[0].value.as_str()), ("ext.b", "1"));
    assert_eq!((r.extensions[1].name.as_str(), r.extensions[1].value.as_str()), ("a_x-1", "x:y"));
}

#[test]
fn sts_errors_are_precise() {
    let err = |t: &str| parse_sts_record(t).unwrap_err().to_string();
    assert_eq!(
        err("v=STSv1; id=abc-1"),
        "id: the id contains '-'; only letters A-Z, a-z and digits 0-9 are allowed"
    );
    assert_eq!(err("v=STSv1; id=a; id=b"), "id: the field appears more than once (again at byte 15)");
    assert_eq!(err("v=STSv1;"), "the required field id= is missing");
    assert_eq!(
        err("v=STSv1; ID=abc"),
        "the required field id= is missing (found \"ID\", but field names are case-sensitive)"
    );
    assert_eq!(
        err("v=stsv1; id=abc"),
        "the record must begin with \"v=STSv1\", but begins with \"v=stsv1;\""
    );
    assert_eq!(err("v=STSv1x; id=abc"), "expected ';' at byte 7, found 'x'");
    assert_eq!(
        err("v=STSv1; id=abc def"),
        "id: contains ' ' at byte 15, which a field value may not contain"
    );
    assert_eq!(err("v=STSv1;; id=abc"), "empty field at byte 8 (two ';' in a row)");
    assert_eq!(err("v=STSv1; id"), "field \"id\" at byte 9 has no '='");
    assert_eq!(err("v=STSv1; id="), "id: the value is empty (byte 12)");
    assert_eq!(err("v=STSv1; id=é"), "non-ASCII character 'é' at byte 12; the record must be US-ASCII");
    assert!(err("v=STSv1; _x=1; id=a").starts_with("field name \"_x\" at byte 9 is invalid"));
    assert_eq!(
        err("v=STSv1; id=a; x=a=b"),
        "x: contains '=' at byte 18, which a field value may not contain"
    );
    assert_eq!(
        err(&format!("v=STSv1; id={}", "a".repeat(33))),
        "id: the id is 33 characters long; at most 32 letters or digits are allowed"
    );
    assert!(matches!(parse_sts_record(""), Err(RecordError::Empty { .. })));
    assert!(matches!(parse_sts_record("v=STSv1; v=STSv1; id=a"), Err(RecordError::Duplicate { .. })));
}

#[test]
fn rfc8460_example_records() {
    let r = parse_tlsrpt_record("v=TLSRPTv1;rua=mailto:reports@example.com").unwrap();
    assert_eq!(r.rua[0].as_str(), "mailto:reports@example.com");
    let r = parse_tlsrpt_record("v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt").unwrap();
    assert_eq!(r.rua[0].as_str(), "https://reporting.example.com/v1/tlsrpt");
}

#[test]
fn tlsrpt_rua_lists_with_whitespace_around_commas() {
    let r = parse_tlsrpt_record("v=TLSRPTv1; rua=mailto:a@example.com , https://r.example.com/x;").unwrap();
    let uris: Vec<&str> = r.rua.iter().map(RuaUri::as_str).collect();
    assert_eq!(uris, ["mailto:a@example.com", "https://r.example.com/x"]);
    let r = parse_tlsrpt_record("v=TLSRPTv1;rua=mailto:a@example.com,\tmailto:b@example.net; x=1").unwrap();
    assert_eq!(r.rua.len(), 2);
    assert_eq!(r.extensions[0].name, "x");
}

#[test]
fn tlsrpt_errors_are_precise() {
    let err = |t: &str| parse_tlsrpt_record(t).unwrap_err().to_string();
    assert_eq!(err("v=TLSRPTv1;"), "the required field rua= is missing");
    assert_eq!(
        err("v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com"),
        "rua: the field appears more than once (again at byte 38)"
    );
    assert_eq!(
        err("v=TLSRPTv1; rua=mailto:a@example.com,,mailto:b@example.com"),
        "rua: empty URI in the list at byte 37"
    );
    assert_eq!(
        err("v=TLSRPTv1; rua=http://r.example.com/"),
        "rua: \"http://r.example.com/\" is neither a mailto: nor an https: URI"
    );
    assert!(err("v=STSv1; id=a").starts_with("the record must begin with \"v=TLSRPTv1\""));
}

#[test]
fn renders_parse_back() {
    let mut r = StsRecord::new(PolicyId::parse("abc123").unwrap());
    r.extensions.push(Extension { name: "e".into(), value: "v".into() });
    assert_eq!(parse_sts_record(&r.render()).unwrap(), r);
    let t = TlsRptRecord::new(vec![RuaUri::parse("mailto:x@example.com").unwrap()]);
    assert_eq!(parse_tlsrpt_record(&t.render()).unwrap(), t);
}
