//! Linting a policy body (`mtasts lint policy`): validity under strict and lenient rules,
//! mistyped keys, and settings that are valid but risky.

use crate::finding::{Code, Finding, Severity};

use super::policy::{Mode, Policy};
use super::policy_lines::lenient_lines;
use super::policy_parse::{parse_lenient, parse_strict};

/// One day in seconds: below this a `max_age` is short.
pub const MAX_AGE_SHORT: u32 = 86_400;
/// Two weeks in seconds: above this a testing `max_age` delays the switch to enforce.
pub const TESTING_MAX_AGE_LONG: u32 = 14 * 86_400;

const KNOWN: [&str; 4] = ["version", "mode", "max_age", "mx"];

/// The result of [`lint_policy`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PolicyLint {
    /// The policy strict senders see, or, when only lenient senders accept it, theirs.
    pub policy: Option<Policy>,
    /// Whether it is valid by the ABNF (what the strictest senders accept).
    pub strict_valid: bool,
    /// Whether forgiving senders accept it.
    pub lenient_valid: bool,
    /// Every problem, errors first in body order, then warnings and context.
    pub findings: Vec<Finding>,
}

/// Parses `body` both ways and adds lint findings. See [`crate::rfc::policy_parse`] for the
/// strict and lenient rules.
pub fn lint_policy(body: &[u8]) -> PolicyLint {
    let strict = parse_strict(body);
    let lenient = parse_lenient(body);
    let strict_valid = strict.policy.is_some();
    let lenient_valid = lenient.policy.is_some();
    let mut findings = Vec::new();
    let policy = if strict_valid {
        findings.extend(strict.findings);
        strict.policy
    } else {
        if lenient_valid {
            findings.push(lenient_only(&strict.findings));
        }
        findings.extend(strict.findings);
        lenient.policy
    };
    findings.extend(key_findings(body));
    if let Some(p) = &policy {
        findings.extend(policy_findings(p));
    }
    let findings = crate::finding::cap_findings(findings);
    PolicyLint { policy, strict_valid, lenient_valid, findings }
}

fn lenient_only(problems: &[Finding]) -> Finding {
    let lines: Vec<String> = problems.iter().filter_map(|f| f.line).map(|n| n.to_string()).collect();
    let at = if lines.is_empty() { String::new() } else { format!(" (line {})", lines.join(", ")) };
    Finding::new(
        Code::PolicyLenientOnly,
        Severity::Error,
        "policy",
        "the policy breaks the RFC 8461 grammar but parses under the lenient rules some senders use; \
         strict senders ignore it and deliver as if the domain had no policy",
        format!("fix the problems listed below{at} so every sender reads the same policy"),
    )
}

/// Unknown keys, with a suggestion when they look like a mistyped known key.
fn key_findings(body: &[u8]) -> Vec<Finding> {
    let text = String::from_utf8_lossy(body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body));
    let mut out = Vec::new();
    for (n, line) in lenient_lines(&text) {
        let Some((key, _)) = line.split_once(':') else {
            if let Some(known) = KNOWN.iter().find(|k| starts_with_word(line, k)) {
                out.push(
                    Finding::new(
                        Code::PolicyUnknownKey,
                        Severity::Warning,
                        "policy",
                        format!("{line:?} has no ':', so senders ignore the line"),
                        format!("write it as `{known}: value`"),
                    )
                    .at_line(n),
                );
            }
            continue;
        };
        let key = key.trim();
        if KNOWN.contains(&key) {
            continue;
        }
        let finding = match suggest(key) {
            Some(known) => Finding::new(
                Code::PolicyUnknownKey,
                Severity::Warning,
                "policy",
                format!("`{key}` is not a policy key, so senders ignore this line; did you mean `{known}`?"),
                format!("rename `{key}:` to `{known}:` (keys are lower-case and case-sensitive)"),
            ),
            None => Finding::new(
                Code::PolicyUnknownKey,
                Severity::Info,
                "policy",
                format!("`{key}` is not a key RFC 8461 defines; senders ignore the line"),
                "remove the line unless a tool you use reads it",
            ),
        };
        out.push(finding.at_line(n));
    }
    out
}

fn starts_with_word(line: &str, key: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    lower.starts_with(key)
        && lower[key.len()..].chars().next().is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'))
}

/// The known key `key` most likely stands for.
fn suggest(key: &str) -> Option<&'static str> {
    let norm: String =
        key.to_ascii_lowercase().chars().filter(|c| !matches!(c, '-' | '_' | ' ' | '.' | '\t')).collect();
    let targets = [("version", "version", 2), ("mode", "mode", 1), ("maxage", "max_age", 2), ("mx", "mx", 1)];
    if let Some((_, known, _)) = targets.iter().find(|(t, _, _)| *t == norm) {
        return Some(known);
    }
    if norm.len() >= 3
        && let Some((_, known, _)) = targets.iter().find(|(t, _, _)| t.starts_with(norm.as_str()))
    {
        return Some(known);
    }
    targets
        .iter()
        .filter(|(t, _, max)| distance(&norm, t) <= *max && norm.len() <= t.len() + 2)
        .min_by_key(|(t, _, _)| distance(&norm, t))
        .map(|(_, known, _)| *known)
}

/// Edit distance with adjacent transpositions (optimal string alignment); keys are short.
fn distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// Valid but risky settings.
fn policy_findings(p: &Policy) -> Vec<Finding> {
    let mut out = Vec::new();
    if p.mode != Mode::None && p.max_age < MAX_AGE_SHORT {
        out.push(Finding::new(
            Code::PolicyMaxAgeShort,
            Severity::Warning,
            "policy",
            format!(
                "max_age {} is under one day: senders forget the policy quickly, so a DNS or web \
                 outage, or an attacker blocking the fetch, soon leaves them without it",
                p.max_age
            ),
            "use at least 86400; RFC 8461 suggests weeks (e.g. 1209600) once the policy is stable",
        ));
    }
    if p.mode == Mode::Testing && p.max_age > TESTING_MAX_AGE_LONG {
        out.push(Finding::new(
            Code::PolicyMaxAgeLong,
            Severity::Warning,
            "policy",
            format!(
                "max_age {} is over two weeks while testing: senders keep this testing policy that \
                 long, which delays the switch to enforce (and any MX change) for them",
                p.max_age
            ),
            "use max_age 86400 to 604800 while testing; raise it after switching to enforce",
        ));
    }
    if p.mode == Mode::None && p.mx.is_empty() {
        out.push(Finding::new(
            Code::PolicyModeNone,
            Severity::Warning,
            "policy",
            "mode none without mx lines is valid, but some senders reject such a policy as invalid",
            "keep the mx lines when switching to mode none",
        ));
    }
    for mx in p.mx.iter().filter(|m| m.is_wildcard()) {
        out.push(wildcard_finding(&mx.to_string(), mx.base().as_str()));
    }
    out
}

fn wildcard_finding(pattern: &str, base: &str) -> Finding {
    let labels: Vec<&str> = base.split('.').collect();
    let suffix_like = labels.len() == 2
        && labels[1].len() == 2
        && matches!(
            labels[0],
            "co" | "com"
                | "net"
                | "org"
                | "gov"
                | "edu"
                | "ac"
                | "ne"
                | "or"
                | "go"
                | "gob"
                | "mil"
                | "ltd"
                | "plc"
                | "sch"
        );
    let (severity, message, fix) = if suffix_like {
        (
            Severity::Warning,
            format!(
                "{pattern} looks like a public suffix: any host directly under {base}, registered by \
                 anyone, qualifies as an MX for this domain (RFC 8461 §10.4)"
            ),
            format!("list your MX hosts by name instead of {pattern}"),
        )
    } else if labels.len() <= 2 {
        (
            Severity::Warning,
            format!(
                "{pattern} lets any host directly under {base} qualify as an MX (RFC 8461 §10.4): \
                 whoever can create such a name and get a certificate for it can receive the mail"
            ),
            format!("list the MX hosts by name, or keep {pattern} only if every host under {base} is yours"),
        )
    } else {
        (
            Severity::Info,
            format!(
                "{pattern} lets any host directly under {base} qualify as an MX (RFC 8461 §10.4); \
                 it matches one label only, so a.b.{base} is not covered"
            ),
            format!("make sure only mail servers you control live directly under {base}"),
        )
    };
    Finding::new(Code::PolicyWildcardBroad, severity, pattern, message, fix)
}

#[cfg(test)]
#[path = "lint_tests.rs"]
mod tests;
