//! The lenient policy parser: what forgiving senders accept (rules in `policy_parse`).

use crate::finding::{Code, Finding, Severity};

use super::mx::MxPattern;
use super::policy::{LENIENT_MAX_POLICY_BYTES, MAX_MAX_AGE, Mode};
use super::policy_fields::{BOM, Fields, PolicyParse, invalid, too_large};
use super::policy_lines::lenient_lines;

/// Parses the way forgiving senders do. See the `policy_parse` module docs for the rules.
pub fn parse_lenient(body: &[u8]) -> PolicyParse {
    let mut out = Vec::new();
    let mut fields = Fields::default();
    if body.len() > LENIENT_MAX_POLICY_BYTES {
        fields.error(&mut out, too_large(body.len(), LENIENT_MAX_POLICY_BYTES));
    }
    let body = body.strip_prefix(BOM).unwrap_or(body);
    let Ok(text) = std::str::from_utf8(body) else {
        out.push(invalid(None, "the body is not valid UTF-8", "save the policy as plain ASCII"));
        return PolicyParse { policy: None, findings: out };
    };
    let mut version = None;
    let (mut mode, mut max_age) = (None, None);
    for (n, line) in lenient_lines(text) {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key.trim() {
            "version" if value.eq_ignore_ascii_case("STSv1") => version = Some(n),
            "version" => fields.bad_value(
                &mut out,
                "version",
                invalid(Some(n), format!("version {value:?} is not STSv1"), "write `version: STSv1`"),
            ),
            "mode" => match Mode::parse(value) {
                Some(m) => mode = Some((n, m)),
                None => fields.bad_value(
                    &mut out,
                    "mode",
                    invalid(
                        Some(n),
                        format!("mode {value:?} is not one of testing, enforce, none"),
                        "write `mode: enforce`",
                    ),
                ),
            },
            "max_age" => match value.parse::<u64>() {
                Ok(s) if s <= u64::from(MAX_MAX_AGE) && value.bytes().all(|b| b.is_ascii_digit()) => {
                    max_age = Some((n, s as u32))
                }
                _ => fields.bad_value(
                    &mut out,
                    "max_age",
                    invalid(
                        Some(n),
                        format!("max_age {value:?} is not a number of seconds up to 31557600"),
                        "write e.g. `max_age: 604800`",
                    ),
                ),
            },
            "mx" => match MxPattern::parse(value) {
                Ok(p) if !value.contains('\0') => fields.mx.push(p),
                _ => out.push(
                    Finding::new(
                        Code::PolicyInvalid,
                        Severity::Warning,
                        value,
                        format!("mx {value:?} is not a host name; senders skip it"),
                        "give a host name, e.g. `mx: mail.example.com`",
                    )
                    .at_line(n),
                ),
            },
            _ => {}
        }
    }
    fields.version = version;
    fields.mode = mode;
    fields.max_age = max_age;
    let policy = fields.finish(&mut out, false);
    PolicyParse { policy, findings: out }
}
