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
use mtasts_reports::{DomainSummary, failure_fix};

/// At most this many days are drawn (the most recent ones).
const MAX_DAYS: usize = 60;

const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Draws the reports view.
pub fn render(cx: &Ctx, f: &mut Frame, area: Rect) {
    let t = cx.t;
    let domain = cx.state.domain.as_str();
    let mut lines = match cx.app.session(&cx.state.domain).and_then(|x| x.reports.as_ref()) {
        Some(r @ DomainReports { summary: Some(s), .. }) => view(r, s, cx.app.now, t),
        _ => vec![
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
        ],
    };
    lines.push(Line::default());
    lines.extend(rua::review(cx.app, t, cx.state));
    let live = cx.checked.map(|c| c.judgement.findings.as_slice()).unwrap_or_default();
    lines.extend(rua::advice(cx.app, t, cx.state, live));
    pane(cx, lines, f, area);
}

fn view(r: &DomainReports, s: &DomainSummary, now: jiff::Timestamp, t: &Theme) -> Vec<Line<'static>> {
    let orgs: Vec<String> = s.organizations.iter().map(|o| sanitize(o).into_owned()).collect();
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!(" TLS-RPT since {}", r.since), t.title()),
            Span::styled(format!("  {} report(s) from {}", s.reports, orgs.join(", ")), t.dim()),
        ]),
        Line::from(vec![
            Span::raw(format!(" sessions {}  ", s.counts.total())),
            Span::styled(
                format!("failed {}", s.counts.failed),
                if s.counts.failed > 0 { t.bad() } else { t.ok() },
            ),
            Span::raw(format!("  failure rate {:.2}%", s.failure_rate * 100.0)),
        ]),
    ];
    lines.extend(sparklines(r, s, now, t));
    if s.counts.by_type.is_empty() {
        lines.push(Line::from(Span::styled(format!(" {} no failed sessions", theme::OK), t.ok())));
    } else {
        lines
            .push(Line::from(Span::styled(" failures by type                          sessions", t.title())));
        let mx = (s.counts.by_mx.len() == 1).then(|| s.counts.by_mx.keys().next()).flatten();
        for (kind, n) in by_count(&s.counts.by_type) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {} ", theme::BAD), t.bad()),
                Span::raw(format!("{:<36} {n:>8}", sanitize(kind))),
            ]));
            let fix = failure_fix(kind, Some(&s.domain), mx.map(String::as_str));
            lines.push(Line::from(Span::styled(format!("    fix: {}", sanitize(&fix)), t.dim())));
        }
        lines.push(Line::from(Span::styled(" failures by MX", t.title())));
        for (host, n) in by_count(&s.counts.by_mx) {
            lines.push(Line::from(format!("    {:<36} {n:>8}", sanitize(host))));
        }
    }
    lines.push(Line::from(vec![
        Span::styled(" senders saw  policy ", t.dim()),
        Span::raw(seen(&s.counts.policy_types)),
        Span::styled("  mode ", t.dim()),
        Span::raw(seen(&s.counts.modes)),
    ]));
    lines
}

/// The two sparkline rows and a date axis, for the testing screen's panel too.
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
            Span::styled(spark(&ok), t.ok()),
            Span::styled(format!("  max {}/day", max(&ok)), t.dim()),
        ]),
        Line::from(vec![
            Span::styled("  failed ", t.dim()),
            Span::styled(spark(&bad), if max(&bad) > 0 { t.bad() } else { t.dim() }),
            Span::styled(format!("  max {}/day", max(&bad)), t.dim()),
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

/// One cell per value: `·` for zero, else a bar scaled to the largest value.
pub fn spark(values: &[u64]) -> String {
    let max = values.iter().copied().max().unwrap_or(0).max(1);
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
