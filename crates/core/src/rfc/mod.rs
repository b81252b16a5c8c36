//! The pure RFC 8461 (MTA-STS) and RFC 8460 (TLS-RPT) model: names, records, policies,
//! parsing, rendering and linting. No I/O.

pub mod domain;
pub mod id;
pub mod lint;
pub mod mx;
pub mod policy;
mod policy_fields;
mod policy_lenient;
mod policy_lines;
pub mod policy_parse;
mod policy_strict;
#[cfg(test)]
mod proptests;
pub mod record;
pub mod record_lint;
pub mod record_parse;
pub mod record_select;
mod text;
pub mod tlsa;

pub use domain::{DomainError, DomainName};
pub use id::{PolicyId, PolicyIdError};
pub use lint::{MAX_AGE_SHORT, PolicyLint, TESTING_MAX_AGE_LONG, lint_policy};
pub use mx::MxPattern;
pub use policy::{MAX_MAX_AGE, MAX_POLICY_BYTES, MAX_POLICY_MX, Mode, Policy};
pub use policy_parse::{LENIENT_MAX_POLICY_BYTES, PolicyParse, parse_lenient, parse_strict};
pub use record::{Extension, RuaError, RuaUri, StsRecord, TlsRptRecord};
pub use record_lint::{ParsedRecord, RecordLint, lint_record};
pub use record_parse::{RecordError, STS_VERSION, TLSRPT_VERSION, parse_sts_record, parse_tlsrpt_record};
pub use record_select::{RecordKind, Selection, SelectionError, TxtRecord, concat_strings, select};
