//! The TLS-RPT reports of the open domain: per-day sparklines of successful and failed
//! sessions, totals, the failure breakdown with fixes, and what senders saw.

use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::pane::{Ctx, pane};
use crate::tui::app::DomainReports;
use crate::tui::hints::hint;
use crate::tui::keymap::Action;
use crate::tui::theme::{self, Theme};
use crate::tui::widgets::rua;
use mtasts_core::sanitize::sanitize;
use mtasts_core::words::{count, thousands};
use mtasts_reports::{DomainSummary, words};

/// At most this many days are drawn (the most recent ones).
const MAX_DAYS: usize = 60;

const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Draws the reports view.
pub fn render(cx: &Ctx, f: &mut Frame, area: Rect) {
    let t = cx.t;
    let domain = cx.state.domain.as_str();
    let mut lines = match cx.app.session(&cx.state.domain).and_then(|x| x.reports.as_ref()) {
        Some(r @ DomainReports { summary: Some(s), .. }) => {
            let mut v = view(r, s, cx.app.now, t);
            v.splice(1..1, ahead_line(cx));
            v
        }
        _ => [
            Line::from(Span::styled(" TLS-RPT reports", t.title())),
            Line::from(Span::styled(
                format!(
                    " no TLS-RPT reports imported for {} yet{} (.json, .json.gz, .eml, mbox, maildir)",
                    sanitize(domain),
                    hint(cx.app, Action::Import)
                        .map(|k| format!(" — press {k} to import"))
                        .unwrap_or_default()
                ),
                t.dim(),
            )),
        ]
        .into_iter()
        .chain(ahead_line(cx))
        .collect(),
    };
    lines.push(Line::default());
    lines.extend(rua::review(cx.app, t, cx.state));
    let live = cx.checked.map(|c| c.judgement.findings.as_slice()).unwrap_or_default();
    lines.extend(rua::advice(cx.app, t, cx.state, live));
    pane(cx, lines, f, area);
}

fn view(r: &DomainReports, s: &DomainSummary, now: jiff::Timestamp, t: &Theme) -> Vec<Line<'static>> {
    let orgs: Vec<String> = s.organizations.iter().map(|o| sanitize(o).into_owned()).collect();
    let everyone_counts = s.auth.authenticated_reports == s.reports;
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!(" TLS-RPT since {}", r.since), t.title()),
            Span::styled(
                format!("  {} from {}", count(u64::from(s.reports), "report"), orgs.join(", ")),
                t.dim(),
            ),
        ]),
        Line::from(vec![
            Span::raw(format!(" sessions {}  ", thousands(s.counts.total()))),
            Span::styled(
                format!("failed {}", thousands(s.counts.failed)),
                if s.counts.failed > 0 { t.bad() } else { t.ok() },
            ),
            Span::raw(format!("  failure rate {:.2}%", s.failure_rate * 100.0)),
        ]),
        Line::from(Span::styled(
            format!(" {}", words::auth_line(&s.auth, s.reports)),
            if everyone_counts { t.dim() } else { t.warn() },
        )),
    ];
    lines.extend(sparklines(r, s, now, t));
    if s.counts.failed == 0 {
        lines.push(Line::from(Span::styled(format!(" {} no failed sessions", theme::OK), t.ok())));
    } else {
        lines.push(Line::from(Span::styled(" failures by MX and type", t.title())));
        for f in words::worst_first(&s.counts.failures) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {} ", theme::BAD), t.bad()),
                Span::raw(format!("{:<44} {:>14}", words::pair_title(f), words::sessions(f.sessions))),
            ]));
            if let Some(details) = words::pair_details(f) {
                lines.push(Line::from(format!("    {details}")));
            }
            lines.push(Line::from(Span::styled(
                format!("    fix: {}", words::pair_fix(f, &s.domain)),
                t.dim(),
            )));
        }
        if let Some(rest) = words::undetailed(s.counts.failed, &s.counts.failures) {
            lines
                .push(Line::from(vec![Span::styled(format!("  {} ", theme::BAD), t.bad()), Span::raw(rest)]));
        }
    }
    let mut seen_line =
        vec![Span::styled(" senders saw  policy ", t.dim()), Span::raw(seen(&s.counts.policy_types))];
    if !s.counts.modes.is_empty() {
        seen_line.push(Span::styled("  mode ", t.dim()));
        seen_line.push(Span::raw(seen(&s.counts.modes)));
    }
    lines.push(Line::from(seen_line));
    lines
}

/// "! 3 reports are dated after now (the latest starts 2027-01-05): not counted …", when any.
pub fn ahead_line(cx: &Ctx) -> Vec<Line<'static>> {
    let t = cx.t;
    let ahead =
        cx.app.session(&cx.state.domain).and_then(|x| x.reports.as_ref()).and_then(|r| r.ahead.as_ref());
    let Some(a) = ahead else { return Vec::new() };
    let what = if a.reports == 1 { "report is" } else { "reports are" };
    vec![Line::from(vec![
        Span::styled(format!(" {} ", theme::WARN), t.warn()),
        Span::styled(
            format!(
                "{} {what} dated after now (the latest starts {}): not counted anywhere; the \
                 sender's clock or this machine's is wrong",
                thousands(u64::from(a.reports)),
                a.latest.strftime("%Y-%m-%d %H:%M UTC")
            ),
            t.warn(),
        ),
    ])]
}

/// The two sparkline rows and a date axis, for the testing screen's panel too. Both rows
/// share one scale (the busiest day's sessions), so a few failures among many sessions draw
/// as low bars, never as a wall as high as the successes.
pub fn sparklines(
    r: &DomainReports,
    s: &DomainSummary,
    now: jiff::Timestamp,
    t: &Theme,
) -> Vec<Line<'static>> {
    let series = day_series(r.since, s, now.to_zoned(TimeZone::UTC).date());
    let ok: Vec<u64> = series.iter().map(|d| d.1).collect();
    let bad: Vec<u64> = series.iter().map(|d| d.2).collect();
    let max = |v: &[u64]| v.iter().copied().max().unwrap_or(0);
    let scale = max(&ok).max(max(&bad));
    let width = series.len();
    let first = series.first().map_or_else(String::new, |d| d.0.strftime("%m-%d").to_string());
    let last = series.last().map_or_else(String::new, |d| d.0.strftime("%m-%d").to_string());
    let axis = if width > first.len() + last.len() {
        format!("{first}{}{last}", " ".repeat(width - first.len() - last.len()))
    } else {
        first
    };
    vec![
        Line::from(vec![
            Span::styled("  ok     ", t.dim()),
            Span::styled(spark(&ok, scale), t.ok()),
            Span::styled(format!("  max {}/day", thousands(max(&ok))), t.dim()),
        ]),
        Line::from(vec![
            Span::styled("  failed ", t.dim()),
            Span::styled(spark(&bad, scale), if max(&bad) > 0 { t.bad() } else { t.dim() }),
            Span::styled(format!("  max {}/day", thousands(max(&bad))), t.dim()),
        ]),
        Line::from(Span::styled(format!("         {axis}"), t.dim())),
    ]
}

/// (day, successful, failed) for every day from `since` to `today` (the last [`MAX_DAYS`]).
pub fn day_series(since: Date, s: &DomainSummary, today: Date) -> Vec<(Date, u64, u64)> {
    let known: BTreeMap<Date, (u64, u64)> =
        s.days.iter().map(|d| (d.date, (d.successful, d.failed))).collect();
    let end = s.days.last().map_or(today, |d| d.date.max(today));
    let mut out = Vec::new();
    let mut day = since;
    while day <= end && out.len() < 400 {
        let (ok, bad) = known.get(&day).copied().unwrap_or((0, 0));
        out.push((day, ok, bad));
        match day.checked_add(1.day()) {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    let skip = out.len().saturating_sub(MAX_DAYS);
    out.split_off(skip)
}

/// One cell per value: `·` for zero, else a bar of `scale` (the value drawn full height; at
/// least one step high, so no failure is ever invisible).
pub fn spark(values: &[u64], scale: u64) -> String {
    let max = scale.max(1);
    values
        .iter()
        .map(|&v| match v {
            0 => '·',
            _ => {
                let i = (u128::from(v) * 7).div_ceil(u128::from(max)) as usize;
                LEVELS[i.min(7)]
            }
        })
        .collect()
}

fn by_count(m: &BTreeMap<String, u64>) -> Vec<(&String, u64)> {
    let mut v: Vec<(&String, u64)> = m.iter().map(|(k, n)| (k, *n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    v
}

fn seen(m: &BTreeMap<String, u64>) -> String {
    let v: Vec<String> = by_count(m).into_iter().map(|(k, n)| format!("{} {n}", sanitize(k))).collect();
    if v.is_empty() { "—".into() } else { v.join(", ") }
}
