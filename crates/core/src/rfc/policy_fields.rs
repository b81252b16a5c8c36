//! What the two policy parsers share (rules in [`super::policy_parse`]): their outcome, the
//! fields they collect, and the findings both report.

use crate::finding::{Code, Finding, FindingCap, Severity};

use super::mx::MxPattern;
use super::policy::{Mode, Policy};

/// A UTF-8 byte order mark.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The outcome of parsing a policy body: the policy when it is valid under the rules used,
/// and every finding (with line numbers where they apply).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyParse {
    /// The policy, when valid under the rules used.
    pub policy: Option<Policy>,
    /// Problems found, in body order.
    pub findings: Vec<Finding>,
}

/// A `policy-invalid` error, at `line` when known.
pub(crate) fn invalid(line: Option<usize>, message: impl Into<String>, fix: impl Into<String>) -> Finding {
    let f = Finding::new(Code::PolicyInvalid, Severity::Error, "policy", message, fix);
    match line {
        Some(n) => f.at_line(n),
        None => f,
    }
}

/// The known keys as collected while parsing, with the line each value came from.
#[derive(Default)]
pub(crate) struct Fields {
    pub(crate) version: Option<usize>,
    pub(crate) mode: Option<(usize, Mode)>,
    pub(crate) max_age: Option<(usize, u32)>,
    pub(crate) mx: Vec<MxPattern>,
    pub(crate) broken: bool,
    /// Keys present with an invalid value: not reported again as missing.
    pub(crate) bad: Vec<&'static str>,
    /// Bounds the errors kept (a body of 64 KiB of blank lines has 65,536 bad lines).
    pub(crate) cap: FindingCap,
}

impl Fields {
    /// Records an invalid value of a known key.
    pub(crate) fn bad_value(&mut self, out: &mut Vec<Finding>, key: &'static str, f: Finding) {
        self.bad.push(key);
        self.error(out, f);
    }

    pub(crate) fn error(&mut self, out: &mut Vec<Finding>, f: Finding) {
        self.broken = true;
        self.cap.push(out, f);
    }

    pub(crate) fn finish(mut self, out: &mut Vec<Finding>, need_version: bool) -> Option<Policy> {
        if need_version && self.version.is_none() && !self.bad.contains(&"version") {
            self.error(
                out,
                invalid(None, "there is no `version: STSv1` line", "add `version: STSv1` as the first line"),
            );
        }
        if self.mode.is_none() && !self.bad.contains(&"mode") {
            self.error(
                out,
                invalid(None, "there is no `mode:` line", "add `mode: testing` (or enforce, or none)"),
            );
        }
        if self.max_age.is_none() && !self.bad.contains(&"max_age") {
            self.error(out, invalid(None, "there is no `max_age:` line", "add `max_age: 604800` (one week)"));
        }
        if self.mx.is_empty() && !self.bad.contains(&"mx") && !matches!(self.mode, Some((_, Mode::None))) {
            self.error(
                out,
                invalid(
                    None,
                    "there is no usable `mx:` line; one is required unless the mode is none",
                    "add one `mx:` line per MX host (or a `*.` pattern)",
                ),
            );
        }
        std::mem::take(&mut self.cap).finish(out);
        match (self.broken, self.mode, self.max_age) {
            (false, Some((_, mode)), Some((_, max_age))) => Some(Policy { mode, max_age, mx: self.mx }),
            _ => None,
        }
    }
}

/// The body is larger than `max` bytes.
pub(crate) fn too_large(len: usize, max: usize) -> Finding {
    Finding::new(
        Code::PolicyTooLarge,
        Severity::Error,
        "policy",
        format!("the policy is {len} bytes; senders stop reading after {max}"),
        "serve only the policy lines (a few hundred bytes)",
    )
}
