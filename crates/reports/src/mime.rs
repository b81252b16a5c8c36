//! Finding TLS-RPT reports inside one e-mail (RFC 8460 §5.3), including the content types
//! real senders use instead of `application/tlsrpt+gzip`.

use mail_parser::{Message, MessageParser, MimeHeaders, PartType};

use super::found::{Found, MessageBudget, first_non_space};
use super::parse::is_gzip;

/// How deep forwarded messages (`message/rfc822`) are followed.
const MAX_NESTING: usize = 3;

/// Whether the bytes start like an RFC 5322 message: a header field name followed by a colon.
pub(super) fn looks_like_email(bytes: &[u8]) -> bool {
    let name_len = bytes.iter().take_while(|&&b| (33..=126).contains(&b) && b != b':').count();
    name_len > 0 && bytes.get(name_len) == Some(&b':')
}

/// The `TLS-Report-Submitter` header of the e-mail (RFC 8460 §5.3), lower-case, when present.
pub(super) fn submitter(raw: &[u8]) -> Option<String> {
    let message = MessageParser::default().parse_headers(raw)?;
    let value = message.header("TLS-Report-Submitter")?.as_text()?;
    let v = value.trim().trim_end_matches('.').to_ascii_lowercase();
    (!v.is_empty()).then_some(v)
}

/// Hands every report part of the e-mail to `emit` as `(part label, item)`, decompressing
/// one part at a time within a [`MessageBudget`] (each item is dropped before the next part is
/// read); report parts beyond the budget are named in one `Rejected` item. When there is no
/// report part, one `Ignored` item (part `None`) names the parts that were found instead.
pub(super) fn email_items(raw: &[u8], emit: &mut dyn FnMut(Option<String>, Found)) {
    let Some(message) = MessageParser::default().parse(raw) else {
        return emit(None, Found::Rejected("not a parseable e-mail".to_owned()));
    };
    let mut reports = Vec::new();
    let mut others = Vec::new();
    scan(&message, "", 0, &mut reports, &mut others);
    if reports.is_empty() {
        others.sort();
        others.dedup();
        let found = if others.is_empty() { "no parts".to_owned() } else { others.join(", ") };
        return emit(None, Found::Ignored(format!("no TLS-RPT report in this e-mail (found {found})")));
    }
    let mut budget = MessageBudget::default();
    let total = reports.len();
    for (i, (label, contents)) in reports.into_iter().enumerate() {
        match budget.take(contents) {
            Ok(found) => emit(Some(label), found),
            Err(why) => {
                let later = match total - i - 1 {
                    0 => String::new(),
                    n => format!(", nor the {n} report part(s) after it"),
                };
                return emit(Some(label), Found::Rejected(format!("not read{later}: {why}")));
            }
        }
    }
}

/// Collects the report parts (label and content) and the types of the other parts.
fn scan<'m>(
    message: &'m Message<'m>,
    prefix: &str,
    depth: usize,
    reports: &mut Vec<(String, &'m [u8])>,
    others: &mut Vec<String>,
) {
    for (i, part) in message.parts.iter().enumerate() {
        let label = format!("{prefix}{i}");
        let (ctype, name) = describe(part);
        match &part.body {
            PartType::Multipart(_) => {}
            PartType::Message(inner) if depth < MAX_NESTING => {
                scan(inner, &format!("{label}."), depth + 1, reports, others)
            }
            PartType::Message(_) => others.push(format!("{ctype} (nested too deep)")),
            _ if is_report(&ctype, &name, part.contents()) => reports.push((label, part.contents())),
            _ => others.push(ctype),
        }
    }
}

/// Lower-cased `type/subtype` and attachment file name.
fn describe(part: &mail_parser::MessagePart<'_>) -> (String, String) {
    let ctype = part.content_type().map_or_else(
        || "text/plain".to_owned(),
        |ct| match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub),
            None => ct.ctype().to_owned(),
        },
    );
    let name = part.attachment_name().unwrap_or_default();
    (ctype.to_ascii_lowercase(), name.to_ascii_lowercase())
}

/// Whether a part is a report: a TLS-RPT media type, or a generic type or report-like file
/// name whose content fits the claim (gzip, or JSON text).
fn is_report(ctype: &str, name: &str, contents: &[u8]) -> bool {
    let declared = matches!(ctype, "application/tlsrpt+gzip" | "application/tlsrpt+json");
    let generic = matches!(
        ctype,
        "application/gzip" | "application/x-gzip" | "application/octet-stream" | "application/json"
    );
    let named = name.ends_with(".json") || name.ends_with(".json.gz") || name.ends_with(".gz");
    declared || ((generic || named) && (is_gzip(contents) || first_non_space(contents) == Some(b'{')))
}
