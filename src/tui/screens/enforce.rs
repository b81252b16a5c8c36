//! Enforce, enforced and rollback: the RFC 8461 §8.1 steps as they verify live, maintenance,
//! the final checklist and monitoring.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::hosting::policy_file_lines;
use super::pane::{Ctx, pane};
use crate::tui::artefact::{previewing_enforce, shown_policy};
use crate::tui::hints::{hint, keyed};
use crate::tui::keymap::Action;
use crate::tui::theme;
use crate::tui::widgets::{duration_words, mark, spinner};
use mtasts_core::rollout::{
    Gate, Phase, detect_drift, maintenance_lines, monitoring_units, policy_one_line, publish_steps,
    removal_view, rollback_countdown, short_time, upkeep_lines,
};
use mtasts_core::sanitize::sanitize;

/// Draws the enforce / enforced / rollback screen.
pub fn render(cx: &Ctx, _gate: &Gate, f: &mut Frame, area: Rect) {
    let t = cx.t;
    let s = cx.state;
    let preview = previewing_enforce(s, cx.view.viewing);
    let policy = shown_policy(s, cx.view.viewing);
    let id = if preview {
        Span::styled("a new one, generated on advancing to enforce", t.dim())
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
                "  once the testing window is done, advancing from testing makes this policy the plan \
                 with a new id; serve the file below first, then publish the id.",
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
            lines.push(crate::tui::widgets::dns::line(cx.app, t, s));
        }
        lines.push(Line::default());
        lines.extend(policy_file_lines(cx.app, t, &s.domain, &policy));
        let snippet = "the hosting snippet, regenerated for mode: enforce (a Worker carries the policy: \
                       deploy it again; a web server only needs the new mta-sts.txt)";
        lines.push(match hint(cx.app, Action::OpenHosting) {
            Some(k) => Line::from(vec![
                Span::styled(format!(" {k} "), t.accent()),
                Span::raw(format!("opens {snippet}")),
            ]),
            None => Line::from(Span::raw(format!(" {snippet}"))),
        });
    } else {
        checklist(cx, &mut lines);
    }
    maintenance(cx, &mut lines);
    pane(cx, lines, f, area);
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
        None => {
            let press = hint(cx.app, Action::Recheck).map(|k| format!(" — press {k}")).unwrap_or_default();
            lines.push(Line::from(Span::styled(format!("  not checked yet{press}"), t.dim())));
        }
    }
    let tick = keyed(cx.app, Action::Tick, "ticks one off").map(|k| format!(" ({k})")).unwrap_or_default();
    lines.push(Line::from(Span::styled(format!(" external testers{tick}"), t.title())));
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
            Span::raw(match keyed(cx.app, Action::Next, "plans") {
                Some(k) => {
                    format!("{}; {k} an updated policy and a new 30-day window", sanitize(&d.describe()))
                }
                None => sanitize(&d.describe()).into_owned(),
            }),
        ])),
        None => lines.push(Line::from(vec![
            Span::styled(format!("  {} ", theme::OK), t.ok()),
            Span::raw("MX set matches the policy"),
        ])),
    }
    for l in maintenance_lines(s, cx.app.now) {
        lines.push(Line::from(Span::raw(format!("  {}", sanitize(&l)))));
    }
    for l in upkeep_lines(s).into_iter().filter(|_| s.removal.is_none()) {
        lines.push(Line::from(Span::raw(format!("  {}", sanitize(&l)))));
    }
    let keys = [
        keyed(cx.app, Action::Recheck, "re-checks"),
        keyed(cx.app, Action::RollBack, "plans a rollback (mode: none, then a countdown)"),
    ];
    let keys: Vec<String> = keys.into_iter().flatten().collect();
    if !keys.is_empty() {
        lines.push(Line::from(Span::styled(format!("  {}", keys.join(" · ")), t.dim())));
    }
    lines.push(Line::default());
    if s.removal.is_some() {
        // Removing MTA-STS: the daily check has nothing left to watch once the host is gone.
        let d = sanitize(s.domain.as_str()).into_owned();
        lines.push(Line::from(Span::styled(" monitoring", t.title())));
        for l in [
            format!("once the policy host is shut down, stop the daily check of {d}:"),
            format!("systemctl disable --now mtasts-check-{d}.timer, or delete its crontab line"),
        ] {
            lines.push(Line::from(Span::raw(format!("  {l}"))));
        }
        return;
    }
    let keys = [
        keyed(cx.app, Action::CopyMonitoring, "copy"),
        keyed(cx.app, Action::WriteMonitoring, "write into a folder"),
    ];
    let keys: String = keys.into_iter().flatten().map(|k| format!(" · {k}")).collect();
    lines.push(Line::from(vec![
        Span::styled(" monitoring (cron or a systemd timer)", t.title()),
        Span::styled(keys, t.dim()),
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
    let countdown = rollback_countdown(cx.state, cx.app.now);
    // Once the countdown runs, the steps were done when mode: none was first seen live: records
    // removed later (retiring) do not undo them.
    let started = countdown.is_some();
    for (i, step) in publish_steps(cx.state, cx.obs).into_iter().enumerate() {
        lines.push(Line::from(vec![
            Span::raw(format!("  {}. ", i + 1)),
            if started || step.done { mark(t, true) } else { Span::styled(theme::TODO, t.dim()) },
            Span::raw(format!(" {}", step.action)),
        ]));
    }
    lines.push(crate::tui::widgets::dns::line(cx.app, t, cx.state));
    match countdown {
        Some(c) if c.complete => lines.push(Line::from(Span::styled(
            format!("  {} countdown over: the records and the policy host may be removed", theme::OK),
            t.ok(),
        ))),
        Some(c) => lines.push(Line::from(Span::styled(
            format!(
                "  {} {} left before the records may go (from {})",
                theme::WARN,
                duration_words(c.remaining.as_secs()),
                short_time(c.removable_at)
            ),
            t.warn(),
        ))),
        None => lines
            .push(Line::from(Span::styled("  the countdown starts once mode: none is seen live", t.dim()))),
    }
    if let Some(v) = removal_view(cx.state, cx.app.now) {
        let sts = cx.state.domain.child("_mta-sts");
        let (text, style) = match (v.records_gone_at, v.host_removable_at) {
            (Some(_), Some(_)) if v.complete => {
                (format!("  {} removing: TXT {sts} is gone and the policy host may go", theme::OK), t.ok())
            }
            (Some(gone), Some(at)) => (
                format!(
                    "  {} removing: TXT {sts} gone since {}; keep the policy host until {} ({} left)",
                    theme::WARN,
                    short_time(gone),
                    short_time(at),
                    duration_words(at.as_second().saturating_sub(cx.app.now.as_second()))
                ),
                t.warn(),
            ),
            _ => (format!("  {} removing: delete TXT {sts} first", theme::TODO), t.accent()),
        };
        lines.push(Line::from(Span::styled(text, style)));
    }
}
