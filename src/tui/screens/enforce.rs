//! Enforce, enforced and rollback: the RFC 8461 §8.1 steps as they verify live, maintenance,
//! the final checklist and monitoring.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::hosting::policy_file_lines;
use super::pane::{Ctx, pane};
use crate::tui::artefact::{previewing_enforce, shown_policy};
use crate::tui::theme;
use crate::tui::widgets::{mark, spinner};
use mtasts_core::rollout::{
    Gate, Phase, detect_drift, maintenance_lines, monitoring_units, policy_one_line, publish_steps,
    rollback_countdown, upkeep_lines,
};
use mtasts_core::sanitize::sanitize;

/// Draws the enforce / enforced / rollback screen.
pub fn render(cx: &Ctx, _gate: &Gate, f: &mut Frame, area: Rect) {
    let t = cx.t;
    let s = cx.state;
    let preview = previewing_enforce(s, cx.view.viewing);
    let policy = shown_policy(s, cx.view.viewing);
    let id = if preview {
        Span::styled("a new one, generated when n advances to enforce", t.dim())
    } else {
        Span::styled(s.plan.id.as_str().to_owned(), t.accent())
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(" policy ", t.dim()),
            Span::styled(policy_one_line(&policy), t.string()),
        ]),
        Line::from(vec![Span::styled(" id     ", t.dim()), id]),
    ];
    if s.phase == Phase::Rollback {
        rollback(cx, &mut lines);
    } else if s.phase == Phase::Enforce || cx.view.viewing == Phase::Enforce {
        lines.push(Line::from(Span::styled(" RFC 8461 §8.1: the policy first, then the id", t.title())));
        if preview {
            lines.push(Line::from(Span::raw(
                "  n advances here once the testing window is done: the plan becomes this policy with \
                 a new id; serve the file below first, then publish the id.",
            )));
        } else {
            for (i, step) in publish_steps(s, cx.obs).into_iter().enumerate() {
                let sym = if cx.busy {
                    Span::styled(spinner(cx.app.frame), t.accent())
                } else if step.done || (s.phase > Phase::Enforce && s.change.is_none()) {
                    Span::styled(theme::OK, t.ok())
                } else {
                    Span::styled(theme::TODO, t.dim())
                };
                lines.push(Line::from(vec![
                    Span::raw(format!("  {}. ", i + 1)),
                    sym,
                    Span::raw(format!(" {}", step.action)),
                ]));
            }
            lines.push(crate::tui::widgets::dns::line(t, s));
        }
        lines.push(Line::default());
        lines.extend(policy_file_lines(t, &s.domain, &policy));
        lines.push(Line::from(vec![
            Span::styled(" o ", t.accent()),
            Span::raw(
                "opens the hosting snippet, regenerated for mode: enforce (a Worker carries the policy: \
                 deploy it again; a web server only needs the new mta-sts.txt)",
            ),
        ]));
    } else {
        checklist(cx, &mut lines);
    }
    maintenance(cx, &mut lines);
    pane(lines, cx.view, cx.t, f, area);
}

fn checklist(cx: &Ctx, lines: &mut Vec<Line<'static>>) {
    let t = cx.t;
    let s = cx.state;
    lines.push(Line::from(Span::styled(" final checklist", t.title())));
    match cx.obs {
        Some(o) => {
            for r in &o.mx_results {
                let ok = r.starttls_ok && r.cert_trusted && r.name_ok;
                let now = cx.app.now;
                let days = r.not_after.map(|n| mtasts_core::words::days_between(now, n));
                let how_long = match r.not_after {
                    None => "expiry unknown".to_owned(),
                    Some(n) if n <= now => format!("expired {}", mtasts_core::words::relative_day(now, n)),
                    Some(n) => match mtasts_core::words::days_between(now, n) {
                        0 => "expires today".to_owned(),
                        1 => "valid 1 more day".to_owned(),
                        d => format!("valid {d} more days"),
                    },
                };
                lines.push(Line::from(vec![
                    Span::raw("  "),
                    mark(t, ok && days.is_some_and(|d| d >= 14)),
                    Span::raw(format!(" MX {} certificate {how_long}", r.host)),
                ]));
            }
            let enforce_live =
                o.live_policy.as_ref().is_some_and(|p| p.mode == mtasts_core::rfc::Mode::Enforce);
            let rows = [
                (enforce_live, "mode: enforce is served live".to_owned()),
                (o.sts_id.as_ref() == Some(&s.plan.id), format!("_mta-sts id is current ({})", s.plan.id)),
                (o.tlsrpt_rua.is_some(), "_smtp._tls (TLS-RPT) record published".to_owned()),
            ];
            for (ok, text) in rows {
                lines.push(Line::from(vec![Span::raw("  "), mark(t, ok), Span::raw(format!(" {text}"))]));
            }
            let dnssec =
                cx.checked.and_then(|c| mtasts_core::judge::dnssec_step::answers_validated(&c.evidence));
            let (sym, text) = match dnssec {
                Some(true) => (theme::OK, "DNSSEC validates the _mta-sts record"),
                Some(false) => (
                    theme::WARN,
                    "DNSSEC: not validated (optional; the records screen's DNSSEC step says how)",
                ),
                None => (theme::TODO, "DNSSEC: not known until a check this session"),
            };
            lines.push(Line::from(Span::raw(format!("  {sym} {text}"))));
        }
        None => lines.push(Line::from(Span::styled("  not checked yet — press r", t.dim()))),
    }
    lines.push(Line::from(Span::styled(" external testers (1–5 ticks one off)", t.title())));
    for (i, (name, url)) in super::validation::testers(&s.domain).iter().enumerate() {
        let done = super::validation::tester_ticked(s, i);
        let sym = if done { Span::styled(theme::OK, t.ok()) } else { Span::styled(theme::TODO, t.dim()) };
        lines.push(Line::from(vec![
            Span::raw(format!("  {} ", i + 1)),
            sym,
            Span::raw(format!(" {name:<12} ")),
            Span::styled(url.clone(), t.dim()),
        ]));
    }
}

fn maintenance(cx: &Ctx, lines: &mut Vec<Line<'static>>) {
    let t = cx.t;
    let s = cx.state;
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(" maintenance", t.title())));
    match cx.obs.and_then(|o| detect_drift(s, o)) {
        Some(d) => lines.push(Line::from(vec![
            Span::styled(format!("  {} MX drift: ", theme::BAD), t.bad()),
            Span::raw(format!(
                "{}; n plans an updated policy and a new 30-day window",
                sanitize(&d.describe())
            )),
        ])),
        None => lines.push(Line::from(vec![
            Span::styled(format!("  {} ", theme::OK), t.ok()),
            Span::raw("MX set matches the policy"),
        ])),
    }
    for l in maintenance_lines(s, cx.app.now) {
        lines.push(Line::from(Span::raw(format!("  {}", sanitize(&l)))));
    }
    for l in upkeep_lines(s) {
        lines.push(Line::from(Span::raw(format!("  {}", sanitize(&l)))));
    }
    lines.push(Line::from(Span::styled(
        "  r re-checks · b plans a rollback (mode: none, then a countdown)",
        t.dim(),
    )));
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled(" monitoring (cron or a systemd timer)", t.title()),
        Span::styled(" · c copy · w write into a folder", t.dim()),
    ]));
    for (name, text) in monitoring_units(&s.domain) {
        lines.push(Line::from(Span::styled(format!("  ── {name}"), t.accent())));
        for l in text.lines() {
            let style = if l.starts_with('#') { t.dim() } else { t.string() };
            lines.push(Line::from(Span::styled(format!("  {l}"), style)));
        }
    }
}

fn rollback(cx: &Ctx, lines: &mut Vec<Line<'static>>) {
    let t = cx.t;
    lines.push(Line::from(Span::styled(" rollback (RFC 8461 §8.3)", t.title())));
    for (i, step) in publish_steps(cx.state, cx.obs).into_iter().enumerate() {
        lines.push(Line::from(vec![
            Span::raw(format!("  {}. ", i + 1)),
            mark(t, step.done),
            Span::raw(format!(" {}", step.action)),
        ]));
    }
    lines.push(crate::tui::widgets::dns::line(t, cx.state));
    match rollback_countdown(cx.state, cx.app.now) {
        Some(c) if c.complete => lines.push(Line::from(Span::styled(
            format!("  {} countdown over: the records and the policy may be removed", theme::OK),
            t.ok(),
        ))),
        Some(c) => {
            let h = c.remaining.as_secs().max(0) / 3600;
            lines.push(Line::from(Span::styled(
                format!(
                    "  ⏳ {}d {}h left before the records may go (at {})",
                    h / 24,
                    h % 24,
                    c.removable_at.strftime("%Y-%m-%d %H:%M UTC")
                ),
                t.warn(),
            )));
        }
        None => lines
            .push(Line::from(Span::styled("  the countdown starts once mode: none is seen live", t.dim()))),
    }
}
