//! Property tests across the parsers: render → parse round trips, lenient ⊇ strict, and no
//! input makes any parser panic.

use proptest::prelude::*;

use super::*;

fn extension() -> impl Strategy<Value = Extension> {
    ("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}", "[\\x21-\\x3a\\x3c\\x3e-\\x7e]{1,20}")
        .prop_filter("reserved name", |(n, _)| !matches!(n.as_str(), "id" | "v" | "rua"))
        .prop_map(|(name, value)| Extension { name, value })
}

fn extensions() -> impl Strategy<Value = Vec<Extension>> {
    prop::collection::vec(extension(), 0..4).prop_map(|mut v| {
        let mut seen = std::collections::HashSet::new();
        v.retain(|e| seen.insert(e.name.clone()));
        v
    })
}

fn rua() -> impl Strategy<Value = RuaUri> {
    prop_oneof![
        "mailto:[a-z0-9.+]{1,10}@[a-z]{1,10}\\.(com|net|example)",
        "https://[a-z][a-z0-9-]{0,8}[a-z]\\.example\\.com(:[1-9][0-9]{0,3})?(/[a-zA-Z0-9%._-]{0,12})?",
    ]
    .prop_filter_map("valid uri", |s| RuaUri::parse(&s).ok())
}

fn host() -> impl Strategy<Value = String> {
    (prop::collection::vec("[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?", 1..3), "[a-z]{2,6}")
        .prop_map(|(labels, tld)| format!("{}.{tld}", labels.join(".")))
}

fn policy() -> impl Strategy<Value = Policy> {
    let mode = prop_oneof![Just(Mode::Testing), Just(Mode::Enforce), Just(Mode::None)];
    let mx = prop::collection::vec((any::<bool>(), host()), 0..4);
    (mode, 0..=MAX_MAX_AGE, mx).prop_filter_map("mx required", |(mode, max_age, mx)| {
        if mx.is_empty() && mode != Mode::None {
            return None;
        }
        let mx = mx
            .into_iter()
            .map(|(w, h)| MxPattern::parse(&if w { format!("*.{h}") } else { h }))
            .collect::<Result<Vec<_>, _>>()
            .ok()?;
        Some(Policy { mode, max_age, mx })
    })
}

/// Policy bodies built from plausible and broken lines with assorted line endings.
fn policy_body() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![
        Just("version: STSv1".to_string()),
        Just("version:STSv1 ".to_string()),
        Just("version : STSv1".to_string()),
        Just("Version: stsv1".to_string()),
        prop_oneof![Just("testing"), Just("enforce"), Just("none"), Just("Enforce")]
            .prop_map(|m| format!("mode:\t{m}")),
        (0u64..40_000_000).prop_map(|n| format!("max_age: {n}")),
        host().prop_map(|h| format!("mx: {h}")),
        host().prop_map(|h| format!("mx: *.{h}.")),
        Just("mx: 192.0.2.1".to_string()),
        Just("mx: bücher.example".to_string()),
        Just("nmx: mail.example.com".to_string()),
        Just("ext.x: a b".to_string()),
        Just("".to_string()),
        Just("junk".to_string()),
        "[ -~]{0,20}",
    ];
    let ending = prop_oneof![Just("\n"), Just("\r\n"), Just("\r"), Just(" \n"), Just("\n\n")];
    (any::<bool>(), prop::collection::vec((line, ending), 0..9)).prop_map(|(bom, lines)| {
        let mut body = if bom { b"\xEF\xBB\xBF".to_vec() } else { Vec::new() };
        for (l, e) in lines {
            body.extend_from_slice(l.as_bytes());
            body.extend_from_slice(e.as_bytes());
        }
        body
    })
}

/// A rendered policy rewritten in ways the ABNF allows: any key order, LF or CRLF per line,
/// WSP after the colon and at the end of a line, extension lines, no final line ending.
fn abnf_variant() -> impl Strategy<Value = (Policy, Vec<u8>)> {
    policy()
        .prop_flat_map(|p| {
            let mut lines: Vec<String> = p.render().lines().map(str::to_owned).collect();
            lines.push("ext-1.x: some value é".into());
            let n = lines.len();
            let style = prop::collection::vec((any::<bool>(), "[ \t]{0,2}", "[ \t]{0,2}"), n);
            (Just(p), Just(lines).prop_shuffle(), style, any::<bool>())
        })
        .prop_map(|(p, lines, style, final_eol)| {
            let mut body = String::new();
            let last = lines.len() - 1;
            for (i, (line, (crlf, before, after))) in lines.iter().zip(style).enumerate() {
                let (key, value) = line.split_once(": ").unwrap();
                body.push_str(&format!("{key}:{before}{value}{after}"));
                if i < last || final_eol {
                    body.push_str(if crlf { "\r\n" } else { "\n" });
                }
            }
            (p, body.into_bytes())
        })
}

fn sorted(p: &Policy) -> Vec<String> {
    let mut v: Vec<String> = p.mx.iter().map(ToString::to_string).collect();
    v.sort();
    v
}

proptest! {
    #[test]
    fn abnf_variants_are_valid_in_both((p, body) in abnf_variant()) {
        let strict = parse_strict(&body);
        prop_assert_eq!(&strict.findings, &vec![], "{:?}", String::from_utf8_lossy(&body));
        let s = strict.policy.unwrap();
        let l = parse_lenient(&body).policy.unwrap();
        prop_assert_eq!((s.mode, s.max_age, sorted(&s)), (p.mode, p.max_age, sorted(&p)));
        prop_assert_eq!(&l, &s);
    }

    #[test]
    fn sts_record_round_trips(id in "[A-Za-z0-9]{1,32}", extensions in extensions()) {
        let record = StsRecord { id: PolicyId::parse(&id).unwrap(), extensions };
        prop_assert_eq!(parse_sts_record(&record.render()), Ok(record.clone()));
        let answer = vec![vec![record.render()]];
        let selected = select::<StsRecord>(&answer);
        let chosen = match selected {
            Selection::One { record, .. } => Some(record),
            _ => None,
        };
        prop_assert_eq!(chosen, Some(record.clone()));
        prop_assert!(lint_record(&record.render()).findings.is_empty());
    }

    #[test]
    fn tlsrpt_record_round_trips(rua in prop::collection::vec(rua(), 1..4), extensions in extensions()) {
        let record = TlsRptRecord { rua, extensions };
        prop_assert_eq!(parse_tlsrpt_record(&record.render()), Ok(record.clone()));
        prop_assert!(lint_record(&record.render()).findings.is_empty());
    }

    #[test]
    fn policy_round_trips_strictly(p in policy()) {
        let body = p.render();
        let strict = parse_strict(body.as_bytes());
        prop_assert_eq!(&strict.findings, &vec![]);
        prop_assert_eq!(strict.policy.as_ref(), Some(&p));
        prop_assert_eq!(parse_lenient(body.as_bytes()).policy, Some(p.clone()));
        let lf = body.replace("\r\n", "\n");
        prop_assert_eq!(parse_strict(lf.as_bytes()).policy, Some(p));
    }

    #[test]
    fn lenient_accepts_everything_strict_accepts(body in policy_body()) {
        let strict = parse_strict(&body);
        let lenient = parse_lenient(&body);
        if let Some(s) = &strict.policy {
            let l = lenient.policy.as_ref();
            prop_assert!(l.is_some(), "lenient rejected {:?}: {:?}", String::from_utf8_lossy(&body), lenient.findings);
            prop_assert_eq!(l.map(|p| &p.mx), Some(&s.mx));
        }
        let lint = lint_policy(&body);
        prop_assert_eq!(lint.strict_valid, strict.policy.is_some());
        prop_assert_eq!(lint.lenient_valid, lenient.policy.is_some());
        prop_assert_eq!(lint.policy.is_some(), lint.lenient_valid);
    }

    #[test]
    fn policy_parsers_never_panic(body in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = parse_strict(&body);
        let _ = parse_lenient(&body);
        let _ = lint_policy(&body);
    }

    #[test]
    fn record_parsers_never_panic(text in any::<String>(), tail in "[ -~\\t]{0,40}") {
        for t in [text.clone(), format!("v=STSv1;{tail}"), format!("v=TLSRPTv1;{tail}"), format!("v=STSv1{text}")] {
            let _ = parse_sts_record(&t);
            let _ = parse_tlsrpt_record(&t);
            let _ = lint_record(&t);
            let answer = vec![vec![t.clone()], vec![text.clone(), tail.clone()]];
            let _ = select::<StsRecord>(&answer).findings("_mta-sts.example.com");
            let _ = select::<TlsRptRecord>(&answer).findings("_smtp._tls.example.com");
        }
    }
}
