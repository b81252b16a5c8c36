//! Inline SVG charts: daily TLS-RPT sessions (stacked successful / failed) and the check
//! history strip. Only numbers and dates reach the markup; labels are escaped by the caller's
//! helper anyway.

use std::fmt::Write;

use super::html_parts::esc;
use mtasts_core::finding::Verdict;
use mtasts_core::rollout::CheckRecord;
use mtasts_reports::DaySummary;

const W: f64 = 720.0;
const H: f64 = 220.0;
const LEFT: f64 = 56.0;
const BOTTOM: f64 = 28.0;
const TOP: f64 = 12.0;

/// A round axis maximum at or above `max` (1, 2, 5 × 10ⁿ).
fn nice_max(max: u64) -> u64 {
    let mut step = 1u64;
    loop {
        for m in [1, 2, 5] {
            let v = step.saturating_mul(m);
            if v >= max || v == u64::MAX {
                return v.max(1);
            }
        }
        step = step.saturating_mul(10);
    }
}

/// Stacked bars per day: successful sessions below, failed above, with a y axis and dates.
pub(super) fn daily_sessions(days: &[DaySummary]) -> String {
    let mut svg = format!(
        r##"<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="TLS sessions per day"><title>TLS sessions per day (successful and failed)</title>"##
    );
    if days.is_empty() {
        svg.push_str("</svg>");
        return svg;
    }
    let max = nice_max(days.iter().map(|d| d.successful.saturating_add(d.failed)).max().unwrap_or(0));
    let plot_h = H - TOP - BOTTOM;
    let plot_w = W - LEFT - 8.0;
    let y = |v: u64| TOP + plot_h - (v as f64 / max as f64) * plot_h;
    for i in 0..=4u64 {
        let v = max / 4 * i;
        let yy = y(v);
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" class="grid"/><text x="{:.1}" y="{:.1}" class="axis" text-anchor="end">{v}</text>"##,
            W - 8.0,
            LEFT - 6.0,
            yy + 4.0
        );
    }
    let slot = plot_w / days.len() as f64;
    let bar = (slot * 0.7).clamp(1.0, 44.0);
    let label_every = (days.len() / 8).max(1);
    for (i, d) in days.iter().enumerate() {
        let x = LEFT + slot * i as f64 + (slot - bar) / 2.0;
        let ok_top = y(d.successful);
        let total_top = y(d.successful.saturating_add(d.failed));
        let _ = write!(
            svg,
            r##"<rect x="{x:.1}" y="{ok_top:.1}" width="{bar:.1}" height="{:.1}" class="ok"><title>{} successful {}</title></rect>"##,
            (TOP + plot_h - ok_top).max(0.0),
            d.date,
            d.successful
        );
        if d.failed > 0 {
            let _ = write!(
                svg,
                r##"<rect x="{x:.1}" y="{total_top:.1}" width="{bar:.1}" height="{:.1}" class="bad"><title>{} failed {}</title></rect>"##,
                (ok_top - total_top).max(0.5),
                d.date,
                d.failed
            );
        }
        if i % label_every == 0 || i + 1 == days.len() {
            let _ = write!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" class="axis" text-anchor="middle">{}</text>"##,
                x + bar / 2.0,
                H - 10.0,
                esc(&d.date.strftime("%m-%d").to_string())
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// One square per recorded check, coloured by verdict (oldest left).
pub(super) fn check_strip(checks: &[CheckRecord]) -> String {
    const SIDE: f64 = 12.0;
    const GAP: f64 = 3.0;
    let width = (checks.len() as f64 * (SIDE + GAP)).max(SIDE);
    let mut svg = format!(
        r##"<svg class="strip" viewBox="0 0 {width:.0} {SIDE}" width="{width:.0}" height="{SIDE}" role="img" aria-label="check verdicts, oldest first">"##
    );
    for (i, c) in checks.iter().enumerate() {
        let class = match c.verdict {
            Verdict::Pass => "ok",
            Verdict::Warn => "warn",
            Verdict::Fail => "bad",
        };
        let _ = write!(
            svg,
            r##"<rect x="{:.1}" y="0" width="{SIDE}" height="{SIDE}" rx="2" class="{class}"><title>{} {}</title></rect>"##,
            i as f64 * (SIDE + GAP),
            c.at.strftime("%Y-%m-%d %H:%M"),
            c.verdict
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_maximum_is_round_and_covers_the_data() {
        assert_eq!(nice_max(0), 1);
        assert_eq!(nice_max(7), 10);
        assert_eq!(nice_max(1050), 2000);
        assert_eq!(nice_max(u64::MAX), u64::MAX);
    }

    #[test]
    fn bars_scale_to_the_axis() {
        let day = |d: &str, ok, bad| DaySummary { date: d.parse().unwrap(), successful: ok, failed: bad };
        let svg = daily_sessions(&[day("2026-11-20", 950, 100), day("2026-11-21", 480, 20)]);
        assert!(svg.contains("2026-11-20 failed 100"), "{svg}");
        assert!(svg.contains(">11-21</text>"), "{svg}");
        assert_eq!(svg.matches("class=\"bad\"").count(), 2);
        assert!(daily_sessions(&[]).ends_with("</svg>"));
    }
}
