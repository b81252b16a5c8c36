//! Report JSON (RFC 8460 §4.4) → [`Report`], and gzip decoding with a size bound.

use std::io::Read;

use serde_json::{Map, Value};

use super::ReportError;
use super::model::{FailureDetail, PolicyResult, PolicyType, Report, ResultType};
use super::shape::check_shape;

/// Largest accepted report JSON, after decompression.
pub const MAX_REPORT_BYTES: u64 = 10 * 1024 * 1024;

/// Whether the bytes start with the gzip magic number.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Decompresses gzip, refusing output larger than [`MAX_REPORT_BYTES`] without producing it.
pub fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, ReportError> {
    let mut out = Vec::new();
    gunzip_into(bytes, MAX_REPORT_BYTES, &mut out)?;
    Ok(out)
}

/// Decompresses gzip into `out`, stopping (with [`ReportError::TooLarge`] of `limit`) once the
/// output would exceed `limit` bytes. `out` holds what was decompressed even when this fails,
/// so a caller can count the work done.
pub(crate) fn gunzip_into(bytes: &[u8], limit: u64, out: &mut Vec<u8>) -> Result<(), ReportError> {
    let decoder = flate2::read::MultiGzDecoder::new(bytes);
    decoder.take(limit + 1).read_to_end(out).map_err(|e| {
        let why = if e.kind() == std::io::ErrorKind::UnexpectedEof {
            "truncated".to_owned()
        } else {
            e.to_string()
        };
        ReportError::Gzip(why)
    })?;
    if out.len() as u64 > limit {
        return Err(ReportError::TooLarge(limit));
    }
    Ok(())
}

/// The report JSON inside `bytes`: gunzipped when gzip, as is otherwise (with the size bound).
pub fn report_json(bytes: &[u8]) -> Result<Vec<u8>, ReportError> {
    if is_gzip(bytes) {
        return gunzip(bytes);
    }
    if bytes.len() as u64 > MAX_REPORT_BYTES {
        return Err(ReportError::TooLarge(MAX_REPORT_BYTES));
    }
    Ok(bytes.to_vec())
}

/// Parses report JSON, tolerating the deviations real senders make (see `RFC-NOTES.md`).
pub fn parse_report(json: &[u8]) -> Result<Report, ReportError> {
    if json.len() as u64 > MAX_REPORT_BYTES {
        return Err(ReportError::TooLarge(MAX_REPORT_BYTES));
    }
    let json = json.strip_prefix(b"\xef\xbb\xbf").unwrap_or(json);
    check_shape(json)?;
    let value: Value = serde_json::from_slice(json).map_err(|e| ReportError::NotJson(e.to_string()))?;
    let top = value.as_object().ok_or(ReportError::NotObject)?;
    let report_id = match top.get("report-id") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => {
            return Err(invalid("report-id", "missing or empty (needed for deduplication)"));
        }
    };
    let range = top
        .get("date-range")
        .and_then(Value::as_object)
        .ok_or(ReportError::DateRange("`date-range` missing or not an object".to_owned()))?;
    let start = timestamp(range, "start-datetime")?;
    let end = timestamp(range, "end-datetime")?;
    if end < start {
        return Err(ReportError::DateRange("end-datetime is before start-datetime".to_owned()));
    }
    let policies = match top.get("policies") {
        Some(Value::Array(items)) => items,
        Some(_) => return Err(invalid("policies", "not an array")),
        None => return Err(ReportError::NoPolicies),
    };
    let policies = policies.iter().enumerate().map(|(i, p)| policy(i, p)).collect::<Result<_, _>>()?;
    Ok(Report {
        organization: text(top.get("organization-name")),
        contact: text(top.get("contact-info")),
        report_id,
        start,
        end,
        policies,
    })
}

fn invalid(field: &str, why: &str) -> ReportError {
    ReportError::Invalid(format!("`{field}`: {why}"))
}

fn timestamp(range: &Map<String, Value>, key: &str) -> Result<jiff::Timestamp, ReportError> {
    let raw = range
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| ReportError::DateRange(format!("`{key}` missing or not a string")))?;
    raw.trim()
        .parse::<jiff::Timestamp>()
        .map_err(|e| ReportError::DateRange(format!("`{key}` is not an RFC 3339 date-time: {e}")))
}

/// A string field; numbers are kept as their text, anything else (null, objects) is absent.
fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A list of strings; a lone string counts as a one-element list.
fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items.iter().filter_map(|i| text(Some(i))).collect(),
        Some(other) => text(Some(other)).into_iter().collect(),
        None => Vec::new(),
    }
}

fn count(obj: Option<&Map<String, Value>>, key: &str, at: &str) -> Result<u64, ReportError> {
    match obj.and_then(|o| o.get(key)) {
        None | Some(Value::Null) => Ok(0),
        Some(Value::Number(n)) => n.as_u64().ok_or_else(|| invalid(&format!("{at}.{key}"), "not a count")),
        Some(Value::String(s)) => {
            s.trim().parse().map_err(|_| invalid(&format!("{at}.{key}"), "not a count"))
        }
        Some(_) => Err(invalid(&format!("{at}.{key}"), "not a count")),
    }
}

/// Lower case, without surrounding whitespace or trailing dots (any mix of the two), so that
/// normalising again changes nothing.
pub(crate) fn normalize_domain(d: &str) -> String {
    d.trim_end_matches(|c: char| c == '.' || c.is_whitespace()).trim_start().to_ascii_lowercase()
}

fn policy(i: usize, item: &Value) -> Result<PolicyResult, ReportError> {
    let at = format!("policies[{i}]");
    let item = item.as_object().ok_or_else(|| invalid(&at, "not an object"))?;
    let policy = item.get("policy").and_then(Value::as_object);
    let field = |k: &str| policy.and_then(|p| p.get(k));
    let summary = item.get("summary").and_then(Value::as_object);
    let failures = match item.get("failure-details") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(details)) => details
            .iter()
            .enumerate()
            .map(|(j, d)| failure(&format!("{at}.failure-details[{j}]"), d))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(invalid(&format!("{at}.failure-details"), "not an array")),
    };
    let mx_host = match field("mx-host") {
        Some(v) if !v.is_null() => strings(Some(v)),
        _ => strings(field("mx-host-pattern")),
    };
    Ok(PolicyResult {
        policy_type: PolicyType::parse(
            &text(field("policy-type")).unwrap_or_else(|| "unspecified".to_owned()),
        ),
        policy_strings: strings(field("policy-string")),
        policy_domain: text(field("policy-domain")).map(|d| normalize_domain(&d)).filter(|d| !d.is_empty()),
        mx_host,
        successful: count(summary, "total-successful-session-count", &format!("{at}.summary"))?,
        failed: count(summary, "total-failure-session-count", &format!("{at}.summary"))?,
        failures,
    })
}

fn failure(at: &str, item: &Value) -> Result<FailureDetail, ReportError> {
    let item = item.as_object().ok_or_else(|| invalid(at, "not an object"))?;
    let get = |k: &str| text(item.get(k));
    Ok(FailureDetail {
        result_type: ResultType::parse(&get("result-type").unwrap_or_else(|| "unspecified".to_owned())),
        sending_mta_ip: get("sending-mta-ip"),
        receiving_mx_hostname: get("receiving-mx-hostname").map(|d| normalize_domain(&d)),
        receiving_mx_helo: get("receiving-mx-helo"),
        receiving_ip: get("receiving-ip"),
        failed_session_count: count(Some(item), "failed-session-count", at)?,
        additional_information: get("additional-information"),
        failure_reason_code: get("failure-reason-code"),
    })
}
