//! Pure SMTP reply parsing (RFC 5321 §4.2): one line at a time, with bounds, so that a hostile
//! server can only ever produce an error value.

use mtasts_core::evidence::SmtpReply;

/// Longest reply line accepted, CRLF included.
pub const MAX_LINE: usize = 1000;
/// Most lines accepted in one reply.
pub const MAX_LINES: usize = 100;
/// Most bytes accepted in one reply.
pub const MAX_REPLY_BYTES: usize = 32 * 1024;

/// One parsed reply line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyLine {
    /// The three-digit code.
    pub code: u16,
    /// True for the last line of a reply (`250 ...`), false for a continuation (`250-...`).
    pub last: bool,
    /// The text after the separator, decoded lossily.
    pub text: String,
}

/// Why a line or reply is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplyError {
    /// The line does not start with three digits 2xx–5xx.
    #[error("not an SMTP reply line: {0:?}")]
    BadCode(String),
    /// The fourth character is neither space, hyphen nor end of line.
    #[error("bad separator after reply code in {0:?}")]
    BadSeparator(String),
    /// A continuation line carries a different code from the first line.
    #[error("reply code changed from {first} to {now} inside one reply")]
    CodeChanged {
        /// The first line's code.
        first: u16,
        /// This line's code.
        now: u16,
    },
    /// A line longer than [`MAX_LINE`].
    #[error("reply line longer than {MAX_LINE} bytes")]
    LineTooLong,
    /// More than [`MAX_LINES`] lines.
    #[error("reply has more than {MAX_LINES} lines")]
    TooManyLines,
    /// More than [`MAX_REPLY_BYTES`] bytes.
    #[error("reply longer than {MAX_REPLY_BYTES} bytes")]
    TooLarge,
}

/// Parses one reply line, given without its line ending (a trailing CR is tolerated).
pub fn parse_reply_line(line: &[u8]) -> Result<ReplyLine, ReplyError> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.len() + 2 > MAX_LINE {
        return Err(ReplyError::LineTooLong);
    }
    let shown = || String::from_utf8_lossy(&line[..line.len().min(80)]).into_owned();
    let code = match line.get(..3) {
        Some([a @ b'2'..=b'5', b @ b'0'..=b'9', c @ b'0'..=b'9']) => {
            u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0')
        }
        _ => return Err(ReplyError::BadCode(shown())),
    };
    let (last, text) = match line.get(3) {
        None => (true, &line[3..]),
        Some(b' ') => (true, &line[4..]),
        Some(b'-') => (false, &line[4..]),
        Some(_) => return Err(ReplyError::BadSeparator(shown())),
    };
    Ok(ReplyLine { code, last, text: String::from_utf8_lossy(text).into_owned() })
}

/// Collects lines into one reply, enforcing consistency and size bounds.
#[derive(Debug, Default)]
pub struct ReplyAccumulator {
    code: Option<u16>,
    lines: Vec<String>,
    bytes: usize,
}

impl ReplyAccumulator {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds one raw line (without LF). Returns the complete reply after its last line.
    pub fn push(&mut self, raw: &[u8]) -> Result<Option<SmtpReply>, ReplyError> {
        self.bytes += raw.len() + 1;
        if self.bytes > MAX_REPLY_BYTES {
            return Err(ReplyError::TooLarge);
        }
        let line = parse_reply_line(raw)?;
        match self.code {
            Some(first) if first != line.code => {
                return Err(ReplyError::CodeChanged { first, now: line.code });
            }
            _ => self.code = Some(line.code),
        }
        if self.lines.len() >= MAX_LINES {
            return Err(ReplyError::TooManyLines);
        }
        self.lines.push(line.text);
        if line.last {
            let lines = std::mem::take(&mut self.lines);
            let code = line.code;
            *self = Self::default();
            return Ok(Some(SmtpReply { code, lines }));
        }
        Ok(None)
    }
}

/// Whether an EHLO reply advertises `keyword` (case-insensitive, first word of a line after
/// the greeting line).
pub fn ehlo_has(reply: &SmtpReply, keyword: &str) -> bool {
    reply
        .lines
        .iter()
        .skip(1)
        .any(|l| l.split_ascii_whitespace().next().is_some_and(|w| w.eq_ignore_ascii_case(keyword)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_last_and_continuation_lines() {
        assert_eq!(
            parse_reply_line(b"250-mx.example.com hello\r"),
            Ok(ReplyLine { code: 250, last: false, text: "mx.example.com hello".into() })
        );
        assert_eq!(
            parse_reply_line(b"220 ready"),
            Ok(ReplyLine { code: 220, last: true, text: "ready".into() })
        );
        assert_eq!(parse_reply_line(b"250"), Ok(ReplyLine { code: 250, last: true, text: String::new() }));
    }

    #[test]
    fn rejects_garbage() {
        assert!(matches!(parse_reply_line(b"HTTP/1.1 400 Bad"), Err(ReplyError::BadCode(_))));
        assert!(matches!(parse_reply_line(b"25"), Err(ReplyError::BadCode(_))));
        assert!(matches!(parse_reply_line(b"650 no"), Err(ReplyError::BadCode(_))));
        assert!(matches!(parse_reply_line(b"250x"), Err(ReplyError::BadSeparator(_))));
        assert_eq!(parse_reply_line(&[b'2'; 1200]), Err(ReplyError::LineTooLong));
        assert!(matches!(parse_reply_line(&[0xff, 0xfe, 0x00]), Err(ReplyError::BadCode(_))));
    }

    #[test]
    fn accumulates_multiline_reply() {
        let mut acc = ReplyAccumulator::new();
        assert_eq!(acc.push(b"250-mx hello\r"), Ok(None));
        assert_eq!(acc.push(b"250-PIPELINING\r"), Ok(None));
        let reply = acc.push(b"250 STARTTLS\r").unwrap().unwrap();
        assert_eq!(reply.code, 250);
        assert_eq!(reply.lines, vec!["mx hello", "PIPELINING", "STARTTLS"]);
        assert!(ehlo_has(&reply, "starttls"));
        assert!(!ehlo_has(&reply, "mx"));
        // the accumulator is reusable after a complete reply
        assert_eq!(acc.push(b"221 bye").unwrap().unwrap().code, 221);
    }

    #[test]
    fn rejects_code_change_and_too_many_lines() {
        let mut acc = ReplyAccumulator::new();
        acc.push(b"250-a").unwrap();
        assert_eq!(acc.push(b"251 b"), Err(ReplyError::CodeChanged { first: 250, now: 251 }));

        let mut acc = ReplyAccumulator::new();
        for _ in 0..MAX_LINES {
            assert_eq!(acc.push(b"250-x"), Ok(None));
        }
        assert_eq!(acc.push(b"250-x"), Err(ReplyError::TooManyLines));
    }

    #[test]
    fn rejects_oversized_reply() {
        let mut acc = ReplyAccumulator::new();
        let line = [b"250-".as_slice(), &[b'a'; 900]].concat();
        let mut result = Ok(None);
        for _ in 0..MAX_LINES {
            result = acc.push(&line);
            if result.is_err() {
                break;
            }
        }
        assert_eq!(result, Err(ReplyError::TooLarge));
    }

    #[test]
    fn ehlo_without_starttls() {
        let reply = SmtpReply { code: 250, lines: vec!["STARTTLS greets you".into(), "SIZE 100".into()] };
        assert!(!ehlo_has(&reply, "STARTTLS"), "the greeting line is not a keyword line");
    }
}
