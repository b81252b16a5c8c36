//! Path C as a fleet: every domain the shared Worker serves, its planned policy and, at its
//! latest check, whether the Worker serves that plan ("the shared Worker is behind:
//! redeploy", with the difference and the first differing line of the body when this session
//! fetched it). One Worker for all of them is written, copied and deployed from here.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::pane::{Ctx, pane};
use crate::tui::hints::keyed;
use crate::tui::keymap::Action;
use crate::tui::theme::{self, Theme};
use crate::tui::widgets::{age, spinner};
use mtasts_core::judge::curl::first_difference;
use mtasts_core::rfc::Policy;
use mtasts_core::rollout::{Served, WorkerSite};
use mtasts_core::sanitize::sanitize;

/// Draws the shared Worker's pane.
pub fn render(cx: &Ctx, f: &mut Frame, area: Rect) {
    let t = cx.t;
    let fleet = cx.app.shared_worker();
    let all = match fleet.sites.len() {
        1 => "it".to_owned(),
        n => format!("all {n}"),
    };
    let mut lines = vec![Line::from(Span::styled(
        " One Worker serves the policy of every domain on path C: whenever a plan changes (mode, \
         MX hosts, max_age), redeploy it.",
        t.dim(),
    ))];
    let all_current = fleet.sites.iter().all(|s| s.served == Served::Current);
    let (mark, style) = match () {
        _ if fleet.behind() > 0 => (theme::BAD, t.bad()),
        _ if all_current => (theme::OK, t.ok()),
        _ => (theme::WARN, t.warn()),
    };
    lines.push(Line::from(Span::styled(format!(" {mark} {}", fleet.headline()), style)));
    let keys: Vec<String> = [
        keyed(cx.app, Action::WriteWrangler, &format!("writes wrangler.jsonc + worker.js for {all}")),
        keyed(cx.app, Action::DeployWorker, "deploys it"),
        keyed(cx.app, Action::CheckShared, "re-checks them"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !keys.is_empty() {
        lines.push(Line::from(Span::styled(format!(" {}.", keys.join("; ")), t.accent())));
    }
    for site in &fleet.sites {
        lines.push(Line::default());
        lines.extend(site_lines(cx, site, t));
    }
    pane(cx, lines, f, area);
}

/// One domain: mark, name, phase, what is served and when it was checked; the plan; and how
/// the served policy differs.
fn site_lines(cx: &Ctx, site: &WorkerSite, t: &Theme) -> Vec<Line<'static>> {
    let (mark, style) = match site.served {
        Served::Current => (theme::OK, t.ok()),
        Served::Missing | Served::Behind(_) => (theme::BAD, t.bad()),
        Served::Unanswered => (theme::WARN, t.warn()),
        Served::NotYet | Served::Unchecked => ("·", t.dim()),
    };
    let when = if cx.app.checking(&site.domain) {
        format!("{} checking…", spinner(cx.app.frame))
    } else {
        site.checked_at.map(|at| format!("checked {}", age(cx.app.now, at))).unwrap_or_default()
    };
    let mut out = vec![Line::from(vec![
        Span::styled(format!(" {mark} "), style),
        Span::styled(site.domain.as_str().to_owned(), t.title()),
        Span::styled(format!("  {}  ", site.phase), t.dim()),
        Span::styled(site.served.word(), style),
        Span::styled(format!("  {when}"), t.dim()),
    ])];
    out.push(Line::from(vec![Span::styled("     plan: ", t.dim()), Span::raw(policy_words(&site.planned))]));
    let detail = |text: String| Line::from(Span::styled(format!("     {}", sanitize(&text)), style));
    match &site.served {
        Served::Behind(diffs) if diffs.is_empty() => {
            out.push(detail("served: the same values in other text".to_owned()));
        }
        Served::Behind(diffs) => out.push(detail(format!("served: {}", diffs.join("; ")))),
        Served::Missing => out.push(detail(format!(
            "no policy at {}: deploy the Worker with this domain and route mta-sts.{} to it",
            site.domain.policy_url(),
            site.domain
        ))),
        _ => {}
    }
    if matches!(site.served, Served::Behind(_))
        && let Some(body) = cx.app.checked(&site.domain).and_then(|c| c.evidence.policy.body.as_ref())
        && let Some((line, served, planned)) =
            first_difference(&String::from_utf8_lossy(body), &site.planned.render())
    {
        out.push(detail(format!("body differs at line {line}: served {served:?}, planned {planned:?}")));
    }
    out
}

/// `mode enforce · max_age 604800 · mx mx1.example.net, *.example.org`.
fn policy_words(p: &Policy) -> String {
    let mx: Vec<String> = p.mx.iter().map(ToString::to_string).collect();
    format!("mode {} · max_age {} · mx {}", p.mode, p.max_age, mx.join(", "))
}
