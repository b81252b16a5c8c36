//! TLS-RPT advice beside the reports: where `rua` can point, the several-`rua` warning (the
//! judge's `tlsrpt-rua-several`, for the live record or the planned one), and when the next
//! review of the reports is due.

use ratatui::text::{Line, Span};

use crate::tui::app::App;
use crate::tui::hints::hint;
use crate::tui::keymap::Action;
use crate::tui::theme::{self, Theme};
use mtasts_core::finding::{Code, Finding};
use mtasts_core::judge::rua_several;
use mtasts_core::rfc::TlsRptRecord;
use mtasts_core::rollout::{DomainState, next_review};
use mtasts_core::sanitize::sanitize;

/// Where reports go, the warning when several `rua` are listed, and where `rua` can point.
pub fn advice(app: &App, t: &Theme, s: &DomainState, live: &[Finding]) -> Vec<Line<'static>> {
    let rua: Vec<&str> = s.plan.rua.iter().map(|r| r.as_str()).collect();
    let mut out = vec![Line::from(vec![
        Span::styled(" reports go to ", t.title()),
        Span::raw(sanitize(&rua.join(", ")).into_owned()),
    ])];
    let planned = rua_several(&format!("_smtp._tls.{}", s.domain), &TlsRptRecord::new(s.plan.rua.clone()));
    let several = live.iter().find(|f| f.code == Code::TlsRptRuaSeveral).or(planned.as_ref());
    match several {
        Some(f) => {
            out.push(Line::from(vec![
                Span::styled(format!("  {} ", theme::WARN), t.warn()),
                Span::raw(sanitize(&f.message).into_owned()),
            ]));
            out.push(Line::from(Span::styled(format!("    fix: {}", sanitize(&f.fix)), t.dim())));
        }
        None => out.push(Line::from(Span::styled(
            format!("  {} one rua: every sender reports to the same place", theme::OK),
            t.ok(),
        ))),
    }
    out.push(Line::from(Span::styled(" where rua can point (edit it on the records screen):", t.dim())));
    let dedicated = format!("a dedicated address such as tlsrpt@{}", s.domain);
    let import = match hint(app, Action::Import) {
        Some(k) => format!("import its mail here with {k}"),
        None => "import its mail here".to_owned(),
    };
    for (what, why) in [
        ("a mailbox someone reads regularly", "reports arrive daily from each large sender"),
        (dedicated.as_str(), import.as_str()),
        ("a reporting service's mailto: or https: address", "it charts the reports for you"),
    ] {
        out.push(Line::from(vec![
            Span::raw(format!("  · {what}")),
            Span::styled(format!(" — {why}"), t.dim()),
        ]));
    }
    out
}

/// "next review due …" for the domain's phase, or nothing before reports are expected or
/// while none are imported (opening the pane notes a review only when it has reports to show).
pub fn review(app: &App, t: &Theme, s: &DomainState) -> Vec<Line<'static>> {
    let now = app.now;
    let Some(due) = next_review(s, now).filter(|_| app.has_reports(&s.domain)) else {
        return Vec::new();
    };
    let date = due.at.strftime("%Y-%m-%d");
    let when = match mtasts_core::words::days_between(now, due.at) {
        0 => format!("is due today ({date})"),
        d if d < 0 => format!("was due {date} ({})", mtasts_core::words::relative_day(now, due.at)),
        _ => format!("is due {date} ({})", mtasts_core::words::relative_day(now, due.at)),
    };
    let opens = hint(app, Action::Reports).map(|k| format!(" ({k})")).unwrap_or_default();
    let every = if due.every_days == 7 { "weekly while testing" } else { "monthly once enforcing" };
    let (sym, st) = if due.overdue { (theme::WARN, t.warn()) } else { (theme::TODO, t.accent()) };
    vec![Line::from(vec![
        Span::styled(format!(" {sym} next review of the reports {when}"), st),
        Span::styled(format!(" — {every}; opening the reports{opens} counts as one"), t.dim()),
    ])]
}
