//! Finding TLS-RPT reports inside one e-mail (RFC 8460 §5.3), including the content types
//! real senders use instead of `application/tlsrpt+gzip`.

use mail_parser::{Message, MessageParser, MimeHeaders, PartType};

use super::found::{Found, MessageBudget, first_non_space};
use super::parse::is_gzip;

/// How deep forwarded messages (`message/rfc822`) are followed.
const MAX_NESTING: usize = 3;

/// Header lines (fields and their folded continuations) the head of an e-mail and the heads
/// of its parts may have together. A real report has a few dozen; the parser keeps a record of
/// every one (about 240 bytes each), so 60 MB of `a:b` lines took 3.8 GB.
pub(crate) const MAX_HEADER_LINES: usize = 20_000;

/// Whether `raw` has more than `max` header lines: the head, and after every line starting
/// with `--` (a part's boundary, or text that only looks like one) the lines up to the next
/// empty line. One pass over the bytes, before anything is parsed; text that only looks like
/// a boundary makes the count larger, never smaller.
pub(super) fn too_many_header_lines(raw: &[u8], max: usize) -> bool {
    let mut in_head = true;
    let mut n = 0usize;
    for line in raw.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if in_head {
            if line.is_empty() {
                in_head = false;
                continue;
            }
            n += 1;
            if n > max {
                return true;
            }
        } else if line.starts_with(b"--") {
            in_head = true;
        }
    }
    false
}

/// Whether the bytes start like an RFC 5322 message: a header field name followed by a colon.
pub(super) fn looks_like_email(bytes: &[u8]) -> bool {
    let name_len = bytes.iter().take_while(|&&b| (33..=126).contains(&b) && b != b':').count();
    name_len > 0 && bytes.get(name_len) == Some(&b':')
}

/// The `TLS-Report-Submitter` header of the e-mail (RFC 8460 §5.3), lower-case, when present.
pub(super) fn submitter(raw: &[u8]) -> Option<String> {
    if too_many_header_lines(raw, MAX_HEADER_LINES) {
        return None;
    }
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
    if too_many_header_lines(raw, MAX_HEADER_LINES) {
        let why = format!(
            "too complex: more than {MAX_HEADER_LINES} header lines in the heads of the e-mail and its parts"
        );
        return emit(None, Found::Rejected(why));
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines_are_counted_in_every_head_and_nowhere_else() {
        let mail = b"From: a@b\r\nSubject: x\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nbody\r\nbody\r\n--b--\r\n";
        // Heads: From and Subject; Content-Type after --b; nothing after --b--.
        assert!(!too_many_header_lines(mail, 3));
        assert!(too_many_header_lines(mail, 2));
        let body_lines = [b"From: a@b\n\n".as_slice(), &b"a:b\n".repeat(1000)].concat();
        assert!(!too_many_header_lines(&body_lines, 1), "lines of the body are not header lines");
        let head_lines = b"a:b\n".repeat(MAX_HEADER_LINES + 1);
        assert!(too_many_header_lines(&head_lines, MAX_HEADER_LINES));
        let mut found = Vec::new();
        email_items(&head_lines, &mut |part, f| found.push((part, f)));
        assert!(
            matches!(found.as_slice(), [(None, Found::Rejected(why))] if why.contains("header lines")),
            "{found:?}"
        );
        assert_eq!(submitter(&head_lines), None);
    }
}
