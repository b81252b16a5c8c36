//! Shared output helpers: colour decisions, finding formatting, JSON Lines.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use mtasts_core::finding::{Finding, Severity, Verdict};
use mtasts_core::sanitize::sanitize;

/// Whether to colour text output, decided once from `--no-color`, `NO_COLOR` and whether
/// stdout is a terminal.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    /// Colour only on a terminal, and never with `--no-color` or a non-empty `NO_COLOR`.
    pub fn detect(no_color_flag: bool) -> Self {
        let env_off = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Self { color: !no_color_flag && !env_off && std::io::stdout().is_terminal() }
    }

    /// A style that never colours (tests, files).
    pub fn plain() -> Self {
        Self { color: false }
    }

    fn paint(&self, code: &str, s: &str) -> String {
        if self.color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_owned() }
    }

    /// Bold text.
    pub fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }

    /// Dimmed text.
    pub fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }

    /// A severity word, coloured red/yellow/blue.
    pub fn severity(&self, s: Severity) -> String {
        let word = format!("{:<7}", s.as_str());
        match s {
            Severity::Error => self.paint("31;1", &word),
            Severity::Warning => self.paint("33", &word),
            Severity::Info => self.paint("36", &word),
        }
    }

    /// A verdict word with a symbol, so it reads without colour too.
    pub fn verdict(&self, v: Verdict) -> String {
        match v {
            Verdict::Pass => self.paint("32;1", "✓ PASS"),
            Verdict::Warn => self.paint("33;1", "! WARN"),
            Verdict::Fail => self.paint("31;1", "✗ FAIL"),
        }
    }
}

/// Formats one finding as two indented lines: severity, code, line, subject and message; then
/// the fix. `indent` spaces go before each line. Every string from outside is sanitised.
pub fn format_finding(style: &Style, f: &Finding, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let line = f.line.map(|n| format!(" line {n}")).unwrap_or_default();
    let mut out = format!(
        "{pad}{} {}{}  {}: {}\n",
        style.severity(f.severity),
        style.bold(f.code.as_str()),
        line,
        sanitize(&f.subject),
        sanitize(&f.message)
    );
    if let Some(root) = f.caused_by {
        out.push_str(&format!("{pad}        {} {root}\n", style.dim("consequence of:")));
    }
    if !f.fix.is_empty() {
        out.push_str(&format!("{pad}        {} {}\n", style.dim("fix:"), sanitize(&f.fix)));
    }
    out
}

/// Set once standard output's reader has gone away; later writes are skipped.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes to stdout. When the reader has gone away (`mtasts check … | head -1`) the rest of
/// the output is dropped but the command runs to its end, so its exit status is the one it
/// would have had with the whole output read. Other write errors end the process with 2.
pub fn write_out(args: std::fmt::Arguments<'_>) {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            return;
        }
        eprintln!("mtasts: error: cannot write to standard output: {e}");
        std::process::exit(2);
    }
}

/// `print!` through [`write_out`].
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::output::write_out(format_args!($($arg)*)) };
}

/// `println!` through [`write_out`].
#[macro_export]
macro_rules! outln {
    () => { $crate::cli::output::write_out(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::cli::output::write_out(format_args!("{}\n", format_args!($($arg)*))) };
}

/// Writes one JSON value as a line to stdout, every control and bidi control character
/// escaped as `\uXXXX` (see [`mtasts_core::sanitize::json_line`]).
pub fn print_json_line(value: &serde_json::Value) -> anyhow::Result<()> {
    let line = mtasts_core::sanitize::json_line(value)?;
    write_out(format_args!("{line}\n"));
    Ok(())
}

/// The end of an import summary line for reports that could not be stored: empty when none.
pub fn not_stored(failed: usize) -> String {
    if failed == 0 {
        return String::new();
    }
    format!(", {failed} not stored (the state directory refused the write; import again once fixed)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use mtasts_core::finding::Code;

    #[test]
    fn finding_text_is_sanitised_and_shows_the_fix() {
        let f = Finding::new(Code::PolicyInvalid, Severity::Error, "policy", "bad \x1b[2J key", "remove it")
            .at_line(3);
        let text = format_finding(&Style::plain(), &f, 2);
        assert_eq!(
            text,
            "  error   policy-invalid line 3  policy: bad \\x1b[2J key\n          fix: remove it\n"
        );
    }
}
