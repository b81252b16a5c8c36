//! Pieces shared by the screens.

pub mod dane;
pub mod dns;
pub mod dnssec;
pub mod evidence;
pub mod findings;
pub mod footer;
pub mod rail;
pub mod rua;
pub mod s_client;
pub mod testers;
pub mod wrap;

use ratatui::style::Style;
use ratatui::text::Span;

use super::theme::Theme;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// The spinner glyph for an animation frame.
pub fn spinner(frame: usize) -> &'static str {
    SPINNER[frame % SPINNER.len()]
}

/// A text progress bar `width` cells wide: `▰▰▰▱▱▱`.
pub fn bar(done: u32, total: u32, width: usize) -> String {
    let total = total.max(1);
    let filled = ((u64::from(done.min(total)) * width as u64) / u64::from(total)) as usize;
    let mut s = "▰".repeat(filled);
    s.push_str(&"▱".repeat(width.saturating_sub(filled)));
    s
}

/// `✓`/`✗` span with its style.
pub fn mark(t: &Theme, ok: bool) -> Span<'static> {
    if ok { Span::styled(super::theme::OK, t.ok()) } else { Span::styled(super::theme::BAD, t.bad()) }
}

/// A coloured verdict word with its symbol.
pub fn verdict(t: &Theme, v: mtasts_core::finding::Verdict) -> (String, Style) {
    use mtasts_core::finding::Verdict;
    match v {
        Verdict::Pass => (format!("{} pass", super::theme::OK), t.ok()),
        Verdict::Warn => (format!("{} warn", super::theme::WARN), t.warn()),
        Verdict::Fail => (format!("{} fail", super::theme::BAD), t.bad()),
    }
}

/// "now", "3m ago", "2h ago", "5d ago" since `at` ([`mtasts_core::words::age_short`]: days
/// are calendar days, as everywhere).
pub fn age(now: jiff::Timestamp, at: jiff::Timestamp) -> String {
    match mtasts_core::words::age_short(now, at) {
        s if s == "now" => s,
        s => format!("{s} ago"),
    }
}

/// A span of time in words a reader weighs at a glance: "3 days 4 hours", "5 hours 10 minutes",
/// "12 minutes", "less than a minute".
pub fn duration_words(secs: i64) -> String {
    let unit = |n: i64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    let (d, h, m) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    match () {
        _ if d >= 7 => unit(d, "day"),
        _ if d >= 1 && h > 0 => format!("{} {}", unit(d, "day"), unit(h, "hour")),
        _ if d >= 1 => unit(d, "day"),
        _ if h >= 1 && m > 0 => format!("{} {}", unit(h, "hour"), unit(m, "minute")),
        _ if h >= 1 => unit(h, "hour"),
        _ if m >= 1 => unit(m, "minute"),
        _ => "less than a minute".to_owned(),
    }
}

/// Truncates to `w` display cells with an ellipsis.
pub fn fit(s: &str, w: usize) -> String {
    if s.chars().count() <= w {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(w.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Shortens prose to `w` display cells at a word boundary, with an ellipsis: a word is cut
/// only when it is longer than a third of the room.
pub fn fit_words(s: &str, w: usize) -> String {
    if s.chars().count() <= w {
        return s.to_owned();
    }
    let room: String = s.chars().take(w.saturating_sub(1)).collect();
    let whole = match room.rfind(' ') {
        Some(i) if room[..i].chars().count() >= w * 2 / 3 => room[..i].trim_end().to_owned(),
        _ => room,
    };
    format!("{whole}…")
}

/// A DNS lookup that found nothing, in words (never the enum's name).
pub fn lookup_words<T>(l: &mtasts_core::evidence::Lookup<T>) -> String {
    use mtasts_core::evidence::Lookup;
    match l {
        Lookup::Found(_) => "found".into(),
        Lookup::NoData => "no records of this type".into(),
        Lookup::NxDomain => "the name does not exist (NXDOMAIN)".into(),
        Lookup::ServFail => "the DNS resolver did not answer (SERVFAIL)".into(),
        Lookup::Timeout => "the DNS resolver did not answer in time — check the network or --resolver".into(),
        Lookup::Error(e) => {
            format!(
                "the DNS resolver did not answer ({}) — check the network or --resolver",
                mtasts_core::sanitize::sanitize(e)
            )
        }
    }
}
