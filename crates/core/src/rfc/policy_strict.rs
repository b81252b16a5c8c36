//! The strict policy parser: the ABNF of RFC 8461 §3.2 (rules in `policy_parse`).

use crate::finding::{Code, Finding, Severity};

use super::mx::MxPattern;
use super::policy::{MAX_MAX_AGE, MAX_POLICY_BYTES, Mode};
use super::policy_fields::{BOM, Fields, PolicyParse, invalid, too_large};
use super::policy_lines::{Line, ext_value_ok, key_ok, strict_lines};

/// Parses by the ABNF, the way the strictest senders do. See the `policy_parse` module docs for the rules.
pub fn parse_strict(body: &[u8]) -> PolicyParse {
    let mut out = Vec::new();
    let mut fields = Fields::default();
    if body.len() > MAX_POLICY_BYTES {
        fields.error(&mut out, too_large(body.len(), MAX_POLICY_BYTES));
    }
    if body.starts_with(BOM) {
        fields.error(
            &mut out,
            invalid(
                Some(1),
                "the body starts with a UTF-8 byte order mark",
                "save the file as plain ASCII without a BOM",
            ),
        );
    }
    let body = body.strip_prefix(BOM).unwrap_or(body);
    if body.is_empty() {
        fields.error(
            &mut out,
            invalid(
                None,
                "the policy is empty",
                "serve a policy file with version, mode, mx and max_age lines",
            ),
        );
    }
    for line in strict_lines(body) {
        match line {
            Err(f) => fields.error(&mut out, f),
            Ok(Line { number, key, value }) => strict_field(&mut fields, &mut out, number, key, value),
        }
    }
    let policy = fields.finish(&mut out, true);
    PolicyParse { policy, findings: out }
}

fn strict_field(fields: &mut Fields, out: &mut Vec<Finding>, n: usize, key: &str, value: &str) {
    if !key_ok(key) {
        let message = if key_ok(key.trim_end_matches([' ', '\t'])) {
            format!("whitespace between `{}` and ':' is not allowed", key.trim_end())
        } else {
            format!("{key:?} is not a valid key (letters, digits, '_', '-', '.'; at most 32)")
        };
        return fields.error(out, invalid(Some(n), message, "write each line as `key: value`"));
    }
    match key {
        "version" if value == "STSv1" => first(fields.version.get_or_insert(n), n, "version", out),
        "version" => fields.bad_value(
            out,
            "version",
            invalid(
                Some(n),
                format!("version {value:?} is not \"STSv1\" (case-sensitive)"),
                "write `version: STSv1`",
            ),
        ),
        "mode" => match Mode::parse(value) {
            Some(mode) => duplicate(&mut fields.mode, n, mode, "mode", out),
            None => fields.bad_value(
                out,
                "mode",
                invalid(
                    Some(n),
                    format!("mode {value:?} is not one of testing, enforce, none (case-sensitive)"),
                    "write `mode: testing`, `mode: enforce` or `mode: none`",
                ),
            ),
        },
        "max_age" => match strict_max_age(value) {
            Ok(secs) => duplicate(&mut fields.max_age, n, secs, "max_age", out),
            Err(message) => fields.bad_value(
                out,
                "max_age",
                invalid(Some(n), message, "give whole seconds, at most 31557600, e.g. `max_age: 604800`"),
            ),
        },
        "mx" => match strict_mx(value) {
            Ok(p) => fields.mx.push(p),
            Err(message) => fields.bad_value(
                out,
                "mx",
                invalid(
                    Some(n),
                    message,
                    "give a host name in A-labels, e.g. `mx: mail.example.com` or `mx: *.example.com`",
                )
                .with_subject(value),
            ),
        },
        _ if !ext_value_ok(value) => fields.error(
            out,
            invalid(
                Some(n),
                format!("the value of `{key}` is empty or contains control characters"),
                "remove the line or give it a printable value",
            ),
        ),
        _ => {}
    }
}

trait WithSubject {
    fn with_subject(self, subject: &str) -> Self;
}

impl WithSubject for Finding {
    fn with_subject(mut self, subject: &str) -> Self {
        if !subject.is_empty() {
            self.subject = subject.into();
        }
        self
    }
}

fn first(first_line: &mut usize, n: usize, key: &str, out: &mut Vec<Finding>) {
    if *first_line != n {
        out.push(dup_finding(key, *first_line, n, None));
    }
}

fn duplicate<T: PartialEq + std::fmt::Display + Copy>(
    slot: &mut Option<(usize, T)>,
    n: usize,
    v: T,
    key: &str,
    out: &mut Vec<Finding>,
) {
    match slot {
        None => *slot = Some((n, v)),
        Some((line, old)) if *old == v => out.push(dup_finding(key, *line, n, None)),
        Some((line, old)) => out.push(dup_finding(key, *line, n, Some((old.to_string(), v.to_string())))),
    }
}

fn dup_finding(key: &str, first: usize, n: usize, differs: Option<(String, String)>) -> Finding {
    let fix = format!("keep only the `{key}:` line you mean and delete the other");
    let f = match differs {
        None => Finding::new(
            Code::PolicyDuplicateKey,
            Severity::Warning,
            "policy",
            format!("`{key}` appears again (first on line {first}); senders use the first"),
            fix,
        ),
        Some((a, b)) => Finding::new(
            Code::PolicyDuplicateKey,
            Severity::Error,
            "policy",
            format!(
                "`{key}` appears again with a different value (line {first}: {a}); strict senders use {a}, senders that keep the last use {b}"
            ),
            fix,
        ),
    };
    f.at_line(n)
}

fn strict_max_age(value: &str) -> Result<u32, String> {
    if value.is_empty() || value.len() > 10 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("max_age {value:?} is not 1 to 10 digits"));
    }
    match value.parse::<u64>() {
        Ok(secs) if secs <= u64::from(MAX_MAX_AGE) => Ok(secs as u32),
        _ => Err(format!("max_age {value} is over the maximum of 31557600 seconds (about a year)")),
    }
}

fn strict_mx(value: &str) -> Result<MxPattern, String> {
    if !value.is_ascii() {
        let hint =
            MxPattern::parse(value).map(|p| format!("; in A-labels that is `{p}`")).unwrap_or_default();
        return Err(format!("mx {value:?} is not ASCII: host names must be A-labels{hint}"));
    }
    if value.ends_with('.') {
        return Err(format!("mx {value:?} ends with a dot; policy host names have no trailing dot"));
    }
    MxPattern::parse(value).map_err(|e| format!("mx {value:?} is invalid: {e}"))
}
