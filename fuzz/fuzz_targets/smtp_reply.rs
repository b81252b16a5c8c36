//! SMTP reply parsing on arbitrary server output: the bytes are cut into lines at LF, and the
//! lines fed to one `ReplyAccumulator` (a fresh one after each error, as a new connection).
//!
//! Properties: a parsed line has a code 200..=599 and fits `MAX_LINE`; a line that parses
//! renders back (code, separator, text) to a line that parses the same; a complete reply keeps
//! one code, at most `MAX_LINES` lines and at most `MAX_REPLY_BYTES` bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mtasts_probe::smtp_reply::{MAX_LINE, MAX_LINES, MAX_REPLY_BYTES, ReplyAccumulator, parse_reply_line};

fuzz_target!(|data: &[u8]| {
    let mut acc = ReplyAccumulator::new();
    let mut fed = 0usize;
    for raw in data.split(|b| *b == b'\n') {
        if let Ok(line) = parse_reply_line(raw) {
            assert!((200..600).contains(&line.code));
            assert!(line.text.len() <= 3 * MAX_LINE, "lossy decoding grows a byte to at most 3");
            if !line.text.contains(['\u{fffd}', '\r']) {
                let sep = if line.last { " " } else { "-" };
                let again = format!("{}{sep}{}", line.code, line.text);
                assert_eq!(parse_reply_line(again.as_bytes()), Ok(line));
            }
        }
        fed += raw.len() + 1;
        match acc.push(raw) {
            Ok(Some(reply)) => {
                assert!((200..600).contains(&reply.code));
                assert!(!reply.lines.is_empty() && reply.lines.len() <= MAX_LINES);
                assert!(fed <= MAX_REPLY_BYTES, "{fed} bytes accepted in one reply");
                assert!(reply.lines.iter().all(|l| l.len() <= 3 * MAX_LINE));
                fed = 0;
            }
            Ok(None) => assert!(fed <= MAX_REPLY_BYTES),
            Err(_) => {
                acc = ReplyAccumulator::new();
                fed = 0;
            }
        }
    }
});
