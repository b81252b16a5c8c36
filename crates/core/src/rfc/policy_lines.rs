//! Splitting a policy body into `key: value` lines, strictly (ABNF) and leniently.

use crate::finding::Finding;

use super::policy_fields::invalid;

/// One strictly well-formed line: the key as written and the value without surrounding WSP.
pub(crate) struct Line<'a> {
    pub number: usize,
    pub key: &'a str,
    pub value: &'a str,
}

/// `(ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")`.
pub(crate) fn key_ok(key: &str) -> bool {
    let b = key.as_bytes();
    !b.is_empty()
        && b.len() <= 32
        && b[0].is_ascii_alphanumeric()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
}

/// The extension-value grammar: printable characters (UTF-8 allowed), inner spaces only.
pub(crate) fn ext_value_ok(value: &str) -> bool {
    !value.is_empty() && value.chars().all(|c| c == ' ' || !(c.is_control() || c.is_whitespace()))
}

/// Splits on LF, removing one CR before it; every other problem is a finding for that line.
pub(crate) fn strict_lines(body: &[u8]) -> impl Iterator<Item = Result<Line<'_>, Finding>> {
    // Lazily, so a body of a million blank lines never holds a million findings at once.
    let body = body.strip_suffix(b"\n").unwrap_or(body);
    body.split(|b| *b == b'\n').enumerate().map(|(i, piece)| strict_line(i + 1, piece))
}

fn strict_line(number: usize, piece: &[u8]) -> Result<Line<'_>, Finding> {
    let n = Some(number);
    let piece = piece.strip_suffix(b"\r").unwrap_or(piece);
    if piece.contains(&b'\r') {
        return Err(invalid(
            n,
            "a bare CR (carriage return not followed by a line feed) ends a line; lines must end in LF or CRLF",
            "save the file with LF or CRLF line endings",
        ));
    }
    if piece.contains(&0) {
        return Err(invalid(
            n,
            "the line contains a NUL byte",
            "remove the NUL byte (the file may be UTF-16 or binary)",
        ));
    }
    if let Some(b) = piece.iter().find(|b| (**b < 0x20 && **b != b'\t') || **b == 0x7f) {
        return Err(invalid(
            n,
            format!("the line contains the control character 0x{b:02x}"),
            "remove the control character",
        ));
    }
    let Ok(line) = std::str::from_utf8(piece) else {
        return Err(invalid(n, "the line is not valid UTF-8", "save the policy as plain ASCII"));
    };
    if line.trim_matches([' ', '\t']).is_empty() {
        return Err(invalid(n, "blank line; the policy grammar has no empty lines", "delete the blank line"));
    }
    let Some((key, rest)) = line.split_once(':') else {
        return Err(invalid(
            n,
            format!("{line:?} has no ':'; every line is `key: value`"),
            "write the line as `key: value` or delete it",
        ));
    };
    Ok(Line { number, key, value: rest.trim_matches([' ', '\t']) })
}

/// Lines split on CRLF, LF or a bare CR, trimmed, blank ones left out, numbered from 1.
pub(crate) fn lenient_lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut number = 0;
    let mut rest = text;
    while !rest.is_empty() {
        number += 1;
        let (line, next) = match rest.find(['\r', '\n']) {
            Some(i) if rest[i..].starts_with("\r\n") => (&rest[..i], &rest[i + 2..]),
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        };
        let line = line.trim();
        if !line.is_empty() {
            out.push((number, line));
        }
        rest = next;
    }
    out
}
