use super::*;
use crate::finding::{Code, Severity};
use crate::rfc::policy::{MAX_POLICY_BYTES, Mode, Policy};

/// The example of RFC 8461 §3.2.
const RFC_EXAMPLE: &str = "version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmx: backupmx.example.com\nmax_age: 604800\n";

fn messages(p: &PolicyParse) -> Vec<String> {
    p.findings.iter().map(|f| f.message.clone()).collect()
}

fn strict_ok(body: &str) -> Policy {
    let p = parse_strict(body.as_bytes());
    assert!(p.findings.is_empty(), "{body:?}: {:?}", messages(&p));
    p.policy.unwrap()
}

fn strict_err(body: &[u8]) -> (PolicyParse, PolicyParse) {
    let s = parse_strict(body);
    assert!(s.policy.is_none(), "strict accepted {body:?}");
    (s, parse_lenient(body))
}

#[test]
fn rfc_example_parses_in_both() {
    let p = strict_ok(RFC_EXAMPLE);
    assert_eq!(p.mode, Mode::Enforce);
    assert_eq!(p.max_age, 604_800);
    let mx: Vec<String> = p.mx.iter().map(ToString::to_string).collect();
    assert_eq!(mx, ["mail.example.com", "*.example.net", "backupmx.example.com"]);
    assert_eq!(parse_lenient(RFC_EXAMPLE.as_bytes()).policy, Some(p));
}

#[test]
fn strict_accepts_crlf_free_order_whitespace_and_unknown_keys() {
    let crlf = RFC_EXAMPLE.replace('\n', "\r\n");
    assert_eq!(strict_ok(&crlf), strict_ok(RFC_EXAMPLE));
    let p = strict_ok(
        "max_age:86400\nmx:\t MAIL.Example.com  \nmode:   testing\nversion: STSv1\nfoo-bar: any thing é",
    );
    assert_eq!(p.mode, Mode::Testing);
    assert_eq!(p.mx[0].to_string(), "mail.example.com");
    let none = strict_ok("version: STSv1\r\nmode: none\r\nmax_age: 0\r\n");
    assert!(none.mx.is_empty());
    let p = strict_ok("version: STSv1\nmode: enforce\nmx: *.b.example.com\nmax_age: 0000086400");
    assert!(p.mx[0].matches("a.b.example.com"));
    assert!(!p.mx[0].matches("x.a.b.example.com"));
}

#[test]
fn duplicates_first_wins_and_are_reported() {
    let p = parse_strict(
        b"version: STSv1\nmode: testing\nmode: enforce\nmx: a.example.com\nmax_age: 86400\nmax_age: 86400\n",
    );
    let policy = p.policy.unwrap();
    assert_eq!(policy.mode, Mode::Testing);
    assert_eq!(p.findings.len(), 2);
    assert_eq!(
        (p.findings[0].code, p.findings[0].severity, p.findings[0].line),
        (Code::PolicyDuplicateKey, Severity::Error, Some(3))
    );
    assert!(
        p.findings[0].message.contains("strict senders use testing, senders that keep the last use enforce")
    );
    assert_eq!((p.findings[1].severity, p.findings[1].line), (Severity::Warning, Some(6)));
    let l =
        parse_lenient(b"version: STSv1\nmode: testing\nmode: enforce\nmx: a.example.com\nmax_age: 86400\n");
    assert_eq!(l.policy.unwrap().mode, Mode::Enforce);
}

#[test]
fn strict_rejects_and_lenient_tolerates() {
    let body = "version: STSv1\rmode: enforce\rmx: mail.example.com\rmax_age: 86400\r";
    let (s, l) = strict_err(body.as_bytes());
    assert!(s.findings[0].message.contains("bare CR"));
    assert_eq!(l.policy.unwrap().mode, Mode::Enforce);

    let bom = format!("\u{feff}{RFC_EXAMPLE}");
    let (s, l) = strict_err(bom.as_bytes());
    assert_eq!(s.findings[0].line, Some(1));
    assert!(s.findings[0].message.contains("byte order mark"));
    assert!(l.policy.is_some());

    for body in [
        "version: STSv1\nmode: enforce\nmx: mail.example.com \nmax_age: 86400\n\n",
        "version : STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 86400\n",
        "mode: enforce\nmx: mail.example.com\nmax_age: 86400\n",
        "version: stsv1\nmode: enforce\nmx: mail.example.com\nmax_age: 86400\n",
        "version: STSv1\nmode: enforce\nmx: mail.example.com.\nmax_age: 86400\n",
        "version: STSv1\nmode: enforce\nmx: mail.bücher.example\nmx: b.example.com\nmax_age: 86400\n",
        "version: STSv1\nmode: enforce\nmx: 192.0.2.1\nmx: mail.example.com\nmax_age: 86400\n",
        "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 86400\njunk line\n",
    ] {
        let (s, l) = strict_err(body.as_bytes());
        assert!(s.findings.iter().any(|f| f.code == Code::PolicyInvalid), "{body:?}");
        assert!(l.policy.is_some(), "lenient rejected {body:?}: {:?}", messages(&l));
    }
}

#[test]
fn strict_messages_name_the_problem_and_line() {
    let (s, _) =
        strict_err(b"version: STSv1\nmode: enforce\nmx: mail.b\xc3\xbccher.example\nmax_age: 86400\n");
    assert_eq!(s.findings[0].line, Some(3));
    assert_eq!(s.findings[0].subject, "mail.bücher.example");
    assert!(s.findings[0].message.contains("`mail.xn--bcher-kva.example`"), "{:?}", messages(&s));
    let (s, _) = strict_err(b"version : STSv1\nmode: enforce\nmx: a.example.com\nmax_age: 86400\n");
    assert_eq!(s.findings[0].message, "whitespace between `version` and ':' is not allowed");
    let (s, _) = strict_err(b"version: STSv1\nmode: enforce\nmx: 192.0.2.1\nmax_age: 86400\n");
    assert!(s.findings[0].message.contains("is an IP address"), "{:?}", messages(&s));
}

#[test]
fn invalid_in_both() {
    let cases: &[(&[u8], &str)] = &[
        (b"version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 31557601\n", "over the maximum"),
        (b"version: STSv1\nmode: Enforce\nmx: mail.example.com\nmax_age: 86400\n", "not one of testing"),
        (b"version: STSv1\nmode: enforce\nmax_age: 86400\n", "no usable `mx:`"),
        (b"version: STSv1\nmode: enforce\nmx: 192.0.2.1\nmax_age: 86400\n", "is an IP address"),
        (b"version: STSv1\nmode: enforce\nmx: a.example.com\nmax-age: 86400\n", "no `max_age:`"),
        (b"version: STSv1\nmode: enforce\nmx: a.example.com\nmax_age: 86400\n\xff\n", "UTF-8"),
        (b"version: STSv2\nmode: enforce\nmx: a.example.com\nmax_age: 86400\n", "not"),
        (b"", "no `mode:`"),
    ];
    for (body, needle) in cases {
        let (s, l) = strict_err(body);
        assert!(l.policy.is_none(), "lenient accepted {body:?}");
        assert!(messages(&s).iter().any(|m| m.contains(needle)), "{needle}: {:?}", messages(&s));
        assert!(l.findings.iter().any(|f| f.severity == Severity::Error), "{body:?}");
    }
}

#[test]
fn nul_non_ascii_and_size() {
    let (s, l) = strict_err(b"version: STSv1\nmode: enforce\x00\nmx: a.example.com\nmax_age: 86400\n");
    assert!(s.findings[0].message.contains("NUL"));
    assert_eq!(s.findings[0].line, Some(2));
    assert!(l.policy.is_none());

    let mut big = RFC_EXAMPLE.as_bytes().to_vec();
    big.extend(std::iter::repeat_n(b'#', MAX_POLICY_BYTES + 1 - big.len()));
    assert_eq!(big.len(), MAX_POLICY_BYTES + 1);
    let (s, l) = strict_err(&big);
    assert_eq!(s.findings[0].code, Code::PolicyTooLarge);
    assert!(s.findings[0].message.contains("65537 bytes"));
    assert!(l.policy.is_some());
    let mut exact = big.clone();
    exact.pop();
    assert!(parse_strict(&exact).findings.iter().all(|f| f.code != Code::PolicyTooLarge));
    let huge = vec![b'a'; LENIENT_MAX_POLICY_BYTES + 1];
    assert_eq!(parse_lenient(&huge).findings[0].code, Code::PolicyTooLarge);
}

#[test]
fn mode_none_without_mx_is_valid_in_both() {
    let body = b"version: STSv1\nmode: none\nmax_age: 86400\n";
    assert_eq!(parse_strict(body).policy.unwrap().mode, Mode::None);
    assert_eq!(parse_lenient(body).policy.unwrap().mode, Mode::None);
}
