//! The progress line of a fleet check on standard error: done / total, failing so far, the
//! domain waited on longest. Drawn in place, only when standard error is a terminal, and
//! cleared before each result is written and at the end.

use std::io::{IsTerminal, Write};

use crate::ops::Progress;
use mtasts_core::sanitize::sanitize;

/// Draws and clears the progress line (a no-op when standard error is not a terminal).
#[derive(Debug)]
pub struct ProgressLine {
    enabled: bool,
    shown: bool,
}

impl ProgressLine {
    /// Enabled only when standard error is a terminal.
    pub fn detect() -> Self {
        Self { enabled: std::io::stderr().is_terminal(), shown: false }
    }

    /// Never drawn (tests, pipes).
    pub fn off() -> Self {
        Self { enabled: false, shown: false }
    }

    /// Redraws the line with `p`.
    pub fn show(&mut self, p: &Progress) {
        if !self.enabled || p.done >= p.total {
            return;
        }
        let line = render(p);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{line}").and_then(|()| err.flush());
        self.shown = true;
    }

    /// Redraws the line with `text` (terminal-safe already).
    pub fn show_text(&mut self, text: &str) {
        if !self.enabled {
            return;
        }
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{text}").and_then(|()| err.flush());
        self.shown = true;
    }

    /// Removes the line, if drawn.
    pub fn clear(&mut self) {
        if self.shown {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K").and_then(|()| err.flush());
            self.shown = false;
        }
    }
}

/// The text of the line, e.g. `checked 12/40 · 1 failing · waiting on slow.example (6 s)`.
pub fn render(p: &Progress) -> String {
    let mut line = format!("checked {}/{} · {} failing", p.done, p.total, p.failing);
    if let Some((domain, waited)) = &p.waiting_longest {
        line.push_str(&format!(" · waiting on {} ({} s)", sanitize(domain.as_str()), waited.as_secs()));
    }
    line
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use mtasts_core::rfc::DomainName;

    #[test]
    fn line_names_counts_and_the_longest_wait() {
        let domain = DomainName::parse("slow.example").unwrap();
        let p = Progress {
            total: 40,
            done: 12,
            failing: 1,
            waiting_longest: Some((domain, Duration::from_millis(6400))),
        };
        assert_eq!(render(&p), "checked 12/40 · 1 failing · waiting on slow.example (6 s)");
        let idle = Progress { waiting_longest: None, ..p };
        assert_eq!(render(&idle), "checked 12/40 · 1 failing");
    }
}
