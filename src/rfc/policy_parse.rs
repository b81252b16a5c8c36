//! Parsing the policy file (RFC 8461 §3.2) two ways, each returning every problem found.
//!
//! **Strict** follows the ABNF, which is what the strictest senders enforce:
//! - at most [`MAX_POLICY_BYTES`]; no byte order mark, no NUL, no bare CR; every line ends in
//!   LF or CRLF (the last one may have no terminator); no blank lines;
//! - each line is `key ":" *WSP value *WSP`, with no whitespace before the colon and keys
//!   case-sensitive; the key must fit the extension-name grammar;
//! - `version: STSv1`, `mode: testing|enforce|none`, `max_age: 1*10DIGIT` (≤ 31557600), each
//!   required; repeated keys: the first wins and the repetition is reported;
//! - `mx: ["*."] Domain` in A-labels (U-labels, trailing dots and IP addresses are invalid),
//!   at least one unless the mode is `none`;
//! - unknown keys are ignored, but their values must fit the extension-value grammar (printable
//!   ASCII or UTF-8, inner spaces allowed), the only place the ABNF allows non-ASCII.
//!
//! **Lenient** is what forgiving senders accept, modelled on postfix-mta-sts-resolver (Python
//! `splitlines`, `partition(':')`, a dict so the last duplicate wins) and Stalwart (lines
//! split on LF and trimmed, `version` optional and compared case-insensitively, U-labels
//! converted, bodies up to 1 MiB):
//! - up to [`LENIENT_MAX_POLICY_BYTES`]; a leading BOM is stripped; the body must be UTF-8;
//! - lines end in LF, CRLF or a bare CR; surrounding whitespace and blank lines are ignored,
//!   as are lines without a colon;
//! - keys and mode values stay case-sensitive (no surveyed implementation folds them);
//! - the last of repeated keys wins; a missing `version` is tolerated, a wrong one is not;
//! - `mode` and `max_age` are still required (postfix-mta-sts-resolver requires both);
//! - `mx` values go through IDNA, may carry a trailing dot, and a value that is not a host
//!   name is skipped (it could never match) with a warning; at least one usable `mx` is
//!   required unless the mode is `none`.
//!
//! Everything the strict parser accepts, the lenient one accepts (property-tested).

use crate::finding::{Code, Finding, Severity};

use super::mx::MxPattern;
use super::policy::{MAX_MAX_AGE, MAX_POLICY_BYTES, Mode, Policy};
use super::policy_lines::{Line, ext_value_ok, key_ok, lenient_lines, strict_lines};

/// Largest body the lenient parser accepts (Stalwart's limit).
pub const LENIENT_MAX_POLICY_BYTES: usize = 1024 * 1024;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The outcome of parsing a policy body: the policy when it is valid under the rules used,
/// and every finding (with line numbers where they apply).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyParse {
    /// The policy, when valid under the rules used.
    pub policy: Option<Policy>,
    /// Problems found, in body order.
    pub findings: Vec<Finding>,
}

pub(crate) fn invalid(line: Option<usize>, message: impl Into<String>, fix: impl Into<String>) -> Finding {
    let f = Finding::new(Code::PolicyInvalid, Severity::Error, "policy", message, fix);
    match line {
        Some(n) => f.at_line(n),
        None => f,
    }
}

/// The known keys as collected while parsing, with the line each value came from.
#[derive(Default)]
struct Fields {
    version: Option<usize>,
    mode: Option<(usize, Mode)>,
    max_age: Option<(usize, u32)>,
    mx: Vec<MxPattern>,
    broken: bool,
}

impl Fields {
    fn error(&mut self, out: &mut Vec<Finding>, f: Finding) {
        self.broken = true;
        out.push(f);
    }

    fn finish(mut self, out: &mut Vec<Finding>, need_version: bool) -> Option<Policy> {
        if need_version && self.version.is_none() {
            self.error(
                out,
                invalid(
                    None,
                    "there is no `version: STSv1` line",
                    "add `version: STSv1` as the first line",
                ),
            );
        }
        if self.mode.is_none() {
            self.error(
                out,
                invalid(
                    None,
                    "there is no `mode:` line",
                    "add `mode: testing` (or enforce, or none)",
                ),
            );
        }
        if self.max_age.is_none() {
            self.error(
                out,
                invalid(
                    None,
                    "there is no `max_age:` line",
                    "add `max_age: 604800` (one week)",
                ),
            );
        }
        if self.mx.is_empty() && !matches!(self.mode, Some((_, Mode::None))) {
            self.error(
                out,
                invalid(
                    None,
                    "there is no usable `mx:` line; one is required unless the mode is none",
                    "add one `mx:` line per MX host (or a `*.` pattern)",
                ),
            );
        }
        match (self.broken, self.mode, self.max_age) {
            (false, Some((_, mode)), Some((_, max_age))) => Some(Policy {
                mode,
                max_age,
                mx: self.mx,
            }),
            _ => None,
        }
    }
}

/// Parses by the ABNF, the way the strictest senders do. See the module docs for the rules.
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
    PolicyParse {
        policy,
        findings: out,
    }
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
        "version" => fields.error(
            out,
            invalid(
                Some(n),
                format!("version {value:?} is not \"STSv1\" (case-sensitive)"),
                "write `version: STSv1`",
            ),
        ),
        "mode" => match Mode::parse(value) {
            Some(mode) => duplicate(&mut fields.mode, n, mode, "mode", out),
            None => fields.error(
                out,
                invalid(
                    Some(n),
                    format!("mode {value:?} is not one of testing, enforce, none (case-sensitive)"),
                    "write `mode: testing`, `mode: enforce` or `mode: none`",
                ),
            ),
        },
        "max_age" => match strict_max_age(value) {
            Ok(secs) => duplicate(&mut fields.max_age, n, secs, "max_age", out),
            Err(message) => fields.error(
                out,
                invalid(
                    Some(n),
                    message,
                    "give whole seconds, at most 31557600, e.g. `max_age: 604800`",
                ),
            ),
        },
        "mx" => match strict_mx(value) {
            Ok(p) => fields.mx.push(p),
            Err(message) => fields.error(
                out,
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
        _ => Err(format!(
            "max_age {value} is over the maximum of 31557600 seconds (about a year)"
        )),
    }
}

fn strict_mx(value: &str) -> Result<MxPattern, String> {
    if !value.is_ascii() {
        let hint = MxPattern::parse(value)
            .map(|p| format!("; in A-labels that is `{p}`"))
            .unwrap_or_default();
        return Err(format!(
            "mx {value:?} is not ASCII: host names must be A-labels{hint}"
        ));
    }
    if value.ends_with('.') {
        return Err(format!(
            "mx {value:?} ends with a dot; policy host names have no trailing dot"
        ));
    }
    MxPattern::parse(value).map_err(|e| format!("mx {value:?} is invalid: {e}"))
}

fn too_large(len: usize, max: usize) -> Finding {
    Finding::new(
        Code::PolicyTooLarge,
        Severity::Error,
        "policy",
        format!("the policy is {len} bytes; senders stop reading after {max}"),
        "serve only the policy lines (a few hundred bytes)",
    )
}

/// Parses the way forgiving senders do. See the module docs for the rules.
pub fn parse_lenient(body: &[u8]) -> PolicyParse {
    let mut out = Vec::new();
    let mut fields = Fields::default();
    if body.len() > LENIENT_MAX_POLICY_BYTES {
        fields.error(&mut out, too_large(body.len(), LENIENT_MAX_POLICY_BYTES));
    }
    let body = body.strip_prefix(BOM).unwrap_or(body);
    let Ok(text) = std::str::from_utf8(body) else {
        out.push(invalid(
            None,
            "the body is not valid UTF-8",
            "save the policy as plain ASCII",
        ));
        return PolicyParse {
            policy: None,
            findings: out,
        };
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
            "version" => fields.error(
                &mut out,
                invalid(
                    Some(n),
                    format!("version {value:?} is not STSv1"),
                    "write `version: STSv1`",
                ),
            ),
            "mode" => match Mode::parse(value) {
                Some(m) => mode = Some((n, m)),
                None => fields.error(
                    &mut out,
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
                _ => fields.error(
                    &mut out,
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
    PolicyParse {
        policy,
        findings: out,
    }
}

#[cfg(test)]
#[path = "policy_parse_tests.rs"]
mod tests;
