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

pub use super::policy::LENIENT_MAX_POLICY_BYTES;
pub use super::policy_fields::PolicyParse;
pub use super::policy_lenient::parse_lenient;
pub use super::policy_strict::parse_strict;

#[cfg(test)]
#[path = "policy_parse_tests.rs"]
mod tests;
