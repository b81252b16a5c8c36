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
use super::policy::{Mode, Policy};

pub use super::policy_lenient::parse_lenient;
pub use super::policy_strict::parse_strict;

/// Largest body the lenient parser accepts (Stalwart's limit).
pub const LENIENT_MAX_POLICY_BYTES: usize = 1024 * 1024;

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
    pub(crate) cap: crate::finding::FindingCap,
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

pub(crate) fn too_large(len: usize, max: usize) -> Finding {
    Finding::new(
        Code::PolicyTooLarge,
        Severity::Error,
        "policy",
        format!("the policy is {len} bytes; senders stop reading after {max}"),
        "serve only the policy lines (a few hundred bytes)",
    )
}

#[cfg(test)]
#[path = "policy_parse_tests.rs"]
mod tests;
