//! The one place text from outside (DNS, HTTP, SMTP, certificates, reports, file names) is made
//! safe for a terminal: control characters and bidi overrides become visible escapes.

use std::borrow::Cow;

/// Whether a character must never reach a terminal raw: C0, DEL, C1 and the Unicode
/// `Bidi_Control` characters.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() // C0, DEL and C1
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Replaces control characters (C0 including ESC, DEL, C1) and bidi controls with visible
/// escapes such as `\x1b` or `\u{202e}`. Borrowed when nothing needed replacing.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !is_unsafe(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:04x}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

/// Like [`sanitize`] for bytes that may not be UTF-8 (invalid sequences become U+FFFD).
pub fn sanitize_bytes(b: &[u8]) -> String {
    sanitize(&String::from_utf8_lossy(b)).into_owned()
}

/// Serialises a JSON value to one line in which every unsafe character (see [`is_unsafe`]:
/// C0, DEL, C1, bidi controls) is a `\uXXXX` escape, so no JSON consumer that prints a
/// field raw can be attacked through it. Outside strings JSON text is plain ASCII, so
/// escaping the serialised text is the same as escaping every string.
pub fn json_line(value: &impl serde::Serialize) -> serde_json::Result<String> {
    let raw = serde_json::to_string(value)?;
    if !raw.chars().any(is_unsafe) {
        return Ok(raw);
    }
    let mut out = String::with_capacity(raw.len() + 16);
    for c in raw.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_attacks() {
        let evil = "a\x1b[2Jb\x1b]52;c;Zm9v\x07c\u{202e}d\u{9b}e\x7f";
        let clean = sanitize(evil);
        assert_eq!(clean, "a\\x1b[2Jb\\x1b]52;c;Zm9v\\x07c\\u{202e}d\\x9be\\x7f");
        assert!(!clean.chars().any(is_unsafe));
    }

    #[test]
    fn json_escapes_c1_and_bidi_controls_as_u_escapes() {
        let v =
            serde_json::json!({"banner": "220 x\u{9b}31m\u{202e}y\u{061c}\u{2066}\u{7f}\u{1b}", "ok": "é ✓"});
        let line = json_line(&v).unwrap();
        assert_eq!(line, r#"{"banner":"220 x\u009b31m\u202ey\u061c\u2066\u007f\u001b","ok":"é ✓"}"#);
        assert!(!line.chars().any(is_unsafe));
        assert_eq!(serde_json::from_str::<serde_json::Value>(&line).unwrap(), v);
    }

    #[test]
    fn leaves_ordinary_text_borrowed() {
        assert!(matches!(sanitize("mail.example.com — ok ✓"), Cow::Borrowed(_)));
        assert_eq!(sanitize_bytes(b"ok\r\n"), "ok\\x0d\\x0a");
    }
}
