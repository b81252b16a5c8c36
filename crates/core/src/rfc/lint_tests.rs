use super::*;

fn lint(body: &str) -> PolicyLint {
    lint_policy(body.as_bytes())
}

fn codes(l: &PolicyLint) -> Vec<(Code, Severity)> {
    l.findings.iter().map(|f| (f.code, f.severity)).collect()
}

const GOOD: &str = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n";

#[test]
fn clean_policy_has_no_findings() {
    let l = lint(GOOD);
    assert!(l.strict_valid && l.lenient_valid);
    assert_eq!(l.findings, vec![]);
    assert_eq!(l.policy.unwrap().max_age, 604_800);
}

#[test]
fn lenient_only_is_an_error_with_the_strict_problems() {
    let l = lint("version: STSv1\rmode: enforce\rmx: mail.example.com\rmax_age: 604800\r");
    assert!(!l.strict_valid && l.lenient_valid);
    assert_eq!(l.findings[0].code, Code::PolicyLenientOnly);
    assert_eq!(l.findings[0].severity, Severity::Error);
    assert!(l.findings[0].fix.contains("(line 1)"), "{}", l.findings[0].fix);
    assert_eq!((l.findings[1].code, l.findings[1].line), (Code::PolicyInvalid, Some(1)));
    assert_eq!(l.policy.unwrap().mode, Mode::Enforce);
}

#[test]
fn invalid_in_both_reports_policy_invalid() {
    let l = lint("version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 99999999999\n");
    assert!(!l.strict_valid && !l.lenient_valid);
    assert_eq!(l.policy, None);
    assert_eq!(codes(&l), vec![(Code::PolicyInvalid, Severity::Error)]);
    assert_eq!(l.findings[0].line, Some(4));
}

#[test]
fn typo_keys_get_suggestions() {
    let l = lint(
        "version: STSv1\nmode: enforce\nnmx: mail.example.com\nmx: mail.example.com\nmax-age: 604800\nmax_age: 604800\nMode: enforce\nmaxage: 1\nmdoe: x\nmx mail.example.com\ncolour: blue\n",
    );
    assert!(!l.strict_valid && l.lenient_valid, "the line without ':' breaks the grammar");
    let unknown: Vec<(usize, Severity, String)> = l
        .findings
        .iter()
        .filter(|f| f.code == Code::PolicyUnknownKey)
        .map(|f| (f.line.unwrap(), f.severity, f.message.clone()))
        .collect();
    let expect = [
        (3, Severity::Warning, "did you mean `mx`?"),
        (5, Severity::Warning, "did you mean `max_age`?"),
        (7, Severity::Warning, "did you mean `mode`?"),
        (8, Severity::Warning, "did you mean `max_age`?"),
        (9, Severity::Warning, "did you mean `mode`?"),
        (10, Severity::Warning, "has no ':'"),
        (11, Severity::Info, "not a key RFC 8461 defines"),
    ];
    assert_eq!(unknown.len(), expect.len(), "{unknown:?}");
    for ((line, sev, msg), (el, es, needle)) in unknown.iter().zip(expect) {
        assert_eq!((*line, *sev), (el, es), "{msg}");
        assert!(msg.contains(needle), "{msg}");
    }
}

#[test]
fn max_age_warnings() {
    let short = lint("version: STSv1\nmode: enforce\nmx: a.example.com\nmax_age: 3600\n");
    assert_eq!(codes(&short), vec![(Code::PolicyMaxAgeShort, Severity::Warning)]);
    let long = lint("version: STSv1\nmode: testing\nmx: a.example.com\nmax_age: 31557600\n");
    assert_eq!(codes(&long), vec![(Code::PolicyMaxAgeLong, Severity::Warning)]);
    assert!(long.findings[0].message.contains("delays the switch to enforce"));
    let ok = lint("version: STSv1\nmode: testing\nmx: a.example.com\nmax_age: 1209600\n");
    assert_eq!(ok.findings, vec![]);
    let none = lint("version: STSv1\nmode: none\nmx: a.example.com\nmax_age: 300\n");
    assert_eq!(none.findings, vec![]);
}

#[test]
fn mode_none_without_mx_warns() {
    let l = lint("version: STSv1\nmode: none\nmax_age: 86400\n");
    assert!(l.strict_valid);
    assert_eq!(codes(&l), vec![(Code::PolicyModeNone, Severity::Warning)]);
    assert!(l.findings[0].fix.contains("keep the mx lines"));
}

#[test]
fn wildcard_breadth() {
    let l = lint(
        "version: STSv1\nmode: enforce\nmx: *.co.uk\nmx: *.example.com\nmx: *.b.example.com\nmax_age: 604800\n",
    );
    let w: Vec<(&str, Severity)> = l
        .findings
        .iter()
        .filter(|f| f.code == Code::PolicyWildcardBroad)
        .map(|f| (f.subject.as_str(), f.severity))
        .collect();
    assert_eq!(
        w,
        [
            ("*.co.uk", Severity::Warning),
            ("*.example.com", Severity::Warning),
            ("*.b.example.com", Severity::Info)
        ]
    );
    assert!(l.findings[0].message.contains("public suffix"));
    assert!(l.findings[2].message.contains("a.b.b.example.com is not covered"));
}

#[test]
fn ip_in_mx_is_invalid_everywhere() {
    let l = lint("version: STSv1\nmode: enforce\nmx: 192.0.2.25\nmax_age: 604800\n");
    assert!(!l.strict_valid && !l.lenient_valid);
    assert!(l.findings.iter().any(|f| f.subject == "192.0.2.25" && f.message.contains("IP address")));
}
