//! The answer of the https `rua` receiver (RFC 8460 §5.4) to one request, once its body is
//! read: the method and media type decide whether it is a report, the body is decompressed
//! with a cap and imported through the same pipeline as files. No network here; the limits of
//! the connections themselves are the server's (`mtasts reports serve`).

use super::{Delivery, Outcome, ReportError, ReportStore, gunzip};

/// Largest request body accepted (compressed or not); larger ones get 413 unread.
pub const MAX_BODY_BYTES: u64 = 4 * 1024 * 1024;

/// Seconds a sender is asked to wait (`Retry-After`) when the receiver cannot take a report now.
pub const RETRY_AFTER_SECS: u32 = 60;

/// The HTTP answer to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// A one-line plain-text explanation (also the body).
    pub message: String,
    /// Seconds for a `Retry-After` header: set on 503, where the sender should try again.
    pub retry_after: Option<u32>,
}

impl Answer {
    /// An answer without `Retry-After`.
    pub fn new(status: u16, message: impl Into<String>) -> Answer {
        Answer { status, message: message.into(), retry_after: None }
    }

    /// 503 with `Retry-After`: the report was not taken now, but nothing is wrong with it.
    pub fn unavailable(message: impl Into<String>) -> Answer {
        Answer { status: 503, message: message.into(), retry_after: Some(RETRY_AFTER_SECS) }
    }
}

/// The reason phrase of the statuses the receiver uses.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        400 => "Bad Request",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

/// The two media types of RFC 8460 §5.4 (parameters ignored, case-insensitive).
fn is_gzip(content_type: &str) -> Option<bool> {
    let media = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match media.as_str() {
        "application/tlsrpt+gzip" => Some(true),
        "application/tlsrpt+json" => Some(false),
        _ => None,
    }
}

/// The answer to a request its head alone refuses (not `POST`: 405; another media type: 415),
/// so a server can answer it without reading the body.
pub fn refuse_head(method: &str, content_type: Option<&str>) -> Option<Answer> {
    if method != "POST" {
        return Some(Answer::new(405, "only POST is accepted (RFC 8460 section 5.4)"));
    }
    if content_type.and_then(is_gzip).is_none() {
        return Some(Answer::new(
            415,
            "Content-Type must be application/tlsrpt+gzip or application/tlsrpt+json",
        ));
    }
    None
}

/// Handles one request whose body was read in full (at most [`MAX_BODY_BYTES`]): 201 for a new
/// report, 200 for one already stored, 4xx saying precisely what is wrong with the request,
/// 503 with `Retry-After` when a good report could not be stored (a full disk: the sender
/// tries again later).
pub fn answer(store: &ReportStore, method: &str, content_type: Option<&str>, body: &[u8]) -> Answer {
    if let Some(refused) = refuse_head(method, content_type) {
        return refused;
    }
    let gzip = content_type.and_then(is_gzip).unwrap_or(false);
    let json = if gzip {
        match gunzip(body) {
            Ok(json) => json,
            Err(e @ ReportError::TooLarge(_)) => {
                return Answer::new(413, format!("decompressed report: {e}"));
            }
            Err(e) => return Answer::new(400, format!("not gzip: {e}")),
        }
    } else {
        body.to_vec()
    };
    match store.import_json(&json, &Delivery::Https) {
        Outcome::Imported { .. } => Answer::new(201, "report stored"),
        Outcome::Duplicate { .. } => Answer::new(200, "report already stored"),
        Outcome::Failed { reason } => Answer::unavailable(format!("not stored, try again later: {reason}")),
        Outcome::Rejected { reason } | Outcome::Ignored { reason } => Answer::new(400, reason),
    }
}
