//! Records: the `_mta-sts` and `_smtp._tls` TXT records and the policy host's address, their
//! live state, and the zone-file form — one record per row, never wrapped (they scroll
//! sideways), copied or written whole with `c` / `w`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::pane::{Ctx, Row, pane_rows};
use crate::tui::hints::{hint, keyed};
use crate::tui::keymap::Action;
use crate::tui::theme;
use crate::tui::widgets::{age, spinner};
use mtasts_core::evidence::{Lookup, TxtEvidence};
use mtasts_core::rfc::{StsRecord, TlsRptRecord};
use mtasts_core::rollout::{HostingPath, short_time};
use mtasts_core::sanitize::sanitize;

/// Where the value of a record starts under its name.
const VALUE_INDENT: &str = "             ";

/// Draws the records screen.
pub fn render(cx: &Ctx, f: &mut Frame, area: Rect) {
    let t = cx.t;
    let s = cx.state;
    let d = &s.domain;
    let sts = StsRecord::new(s.plan.id.clone()).render();
    let rpt = TlsRptRecord::new(s.plan.rua.clone()).render();
    // A lookup the resolver did not answer says nothing either way.
    let answered = |ev: Option<&TxtEvidence>| {
        ev.is_none_or(|e| matches!(e.records, Lookup::Found(_) | Lookup::NoData | Lookup::NxDomain))
    };
    let sts_ev = cx.checked.map(|c| &c.evidence.sts_record);
    let rpt_ev = cx.checked.map(|c| &c.evidence.tlsrpt_record);
    let sts_live = cx.obs.filter(|_| answered(sts_ev)).map(|o| o.sts_id.as_ref() == Some(&s.plan.id));
    let rpt_live = cx.obs.filter(|_| answered(rpt_ev)).map(|o| o.tlsrpt_rua.as_ref() == Some(&s.plan.rua));
    let edits = keyed(cx.app, Action::EditRua, "edits").map(|k| format!("   ({k})")).unwrap_or_default();
    let mut rows = vec![
        Row::Wrap(Line::from(vec![
            Span::styled(" id ", t.dim()),
            Span::styled(s.plan.id.as_str().to_owned(), t.accent()),
            Span::styled(
                format!(
                    "  generated {} ({})",
                    short_time(s.plan.id_generated_at),
                    age(cx.app.now, s.plan.id_generated_at)
                ),
                t.dim(),
            ),
        ])),
        Row::Wrap(Line::from(vec![
            Span::styled(" rua ", t.dim()),
            Span::raw(s.plan.rua.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(" ")),
            Span::styled(edits, t.dim()),
        ])),
        Row::Wrap(Line::default()),
        Row::Wrap(Line::from(Span::styled(" published?  record", t.dim()))),
    ];
    for (name, value, live, ev) in
        [(d.child("_mta-sts"), sts, sts_live, sts_ev), (d.child("_smtp._tls"), rpt, rpt_live, rpt_ev)]
    {
        rows.push(Row::Keep(Line::from(vec![
            status(cx, live),
            Span::styled(format!("TXT {name}"), t.title()),
        ])));
        rows.push(Row::Keep(Line::from(vec![
            Span::raw(format!("{VALUE_INDENT}\"")),
            Span::styled(value, t.string()),
            Span::raw("\""),
        ])));
        if let Some(ev) = ev
            && live != Some(true)
        {
            rows.push(Row::Keep(Line::from(Span::styled(
                format!("{VALUE_INDENT}live: {}", live_text(ev)),
                t.dim(),
            ))));
        }
    }
    policy_host(cx, &mut rows);
    rows.push(Row::Wrap(Line::default()));
    let keys = [keyed(cx.app, Action::CopyRecords, "copies"), keyed(cx.app, Action::WriteRecords, "writes")];
    let keys: Vec<String> = keys.into_iter().flatten().collect();
    let keys = if keys.is_empty() { String::new() } else { format!(" ({} them)", keys.join(", ")) };
    rows.push(Row::Wrap(Line::from(Span::styled(format!(" zone file{keys}:"), t.dim()))));
    for rec in super::hosting::zone_lines(s) {
        // A record stays whole on its row, from the first column: in a zone file a line that
        // starts with a space belongs to the previous name. The comments may wrap.
        rows.push(match rec.starts_with(';') {
            true => Row::Wrap(Line::from(Span::styled(rec, t.dim()))),
            false => Row::Keep(Line::from(Span::styled(rec, t.string()))),
        });
    }
    rows.push(Row::Wrap(Line::default()));
    let then = [keyed(cx.app, Action::Recheck, "re-checks"), keyed(cx.app, Action::Next, "moves on")];
    let then: Vec<String> = then.into_iter().flatten().collect();
    let then = if then.is_empty() { String::new() } else { format!(", then {}", then.join(" and ")) };
    rows.push(Row::Wrap(Line::from(Span::styled(
        format!(" Publish the records at your DNS provider{then}."),
        t.dim(),
    ))));
    rows.push(Row::Wrap(crate::tui::widgets::dns::line(cx.app, t, s)));
    rows.push(Row::Wrap(Line::default()));
    rows.push(Row::Wrap(Line::from(Span::styled(" Records or policy first? You decide:", t.title()))));
    let ahead = hint(cx.app, Action::PhaseNext).map(|k| format!(" ({k})")).unwrap_or_default();
    let note = mtasts_core::snippet::order_note(d);
    let last = note.len() - 1;
    for (i, l) in note.into_iter().enumerate() {
        let l = if i == last { format!("{}{ahead}.", l.trim_end_matches('.')) } else { l };
        rows.push(Row::Wrap(Line::from(Span::styled(format!(" {l}"), t.dim()))));
    }
    rows.push(Row::Wrap(Line::default()));
    let dnssec = crate::tui::widgets::dnssec::section(cx.app, t, cx.checked.map(|c| &c.evidence), cx.busy);
    rows.extend(dnssec.into_iter().map(Row::Wrap));
    pane_rows(cx, rows, f, area);
}

/// The published? column: live, not yet, unknown, or a spinner while checking.
fn status(cx: &Ctx, live: Option<bool>) -> Span<'static> {
    let t = cx.t;
    if cx.busy {
        return Span::styled(format!(" {} checking ", spinner(cx.app.frame)), t.accent());
    }
    match live {
        Some(true) => Span::styled(format!(" {} live     ", theme::OK), t.ok()),
        Some(false) => Span::styled(format!(" {} not yet  ", theme::BAD), t.bad()),
        None => Span::styled(" ? unknown  ", t.dim()),
    }
}

/// The policy host's address record: what DNS answers for it, or where it should point.
fn policy_host(cx: &Ctx, rows: &mut Vec<Row>) {
    let t = cx.t;
    let host = cx.state.domain.policy_host();
    let found = cx.checked.map(|c| &c.evidence.policy_host_addresses);
    let live = match found {
        Some(Lookup::Found(a)) if !a.is_empty() => Some(true),
        Some(Lookup::Found(_) | Lookup::NoData | Lookup::NxDomain) => Some(false),
        _ => None,
    };
    rows.push(Row::Keep(Line::from(vec![
        status(cx, live),
        Span::styled(format!("A/AAAA or CNAME {host}"), t.title()),
    ])));
    let value = match found {
        Some(Lookup::Found(a)) if !a.is_empty() => {
            let shown: Vec<String> = a.iter().map(ToString::to_string).collect();
            Span::raw(shown.join(", "))
        }
        _ => Span::styled(point_at(cx.state.plan.hosting), t.dim()),
    };
    rows.push(Row::Keep(Line::from(vec![Span::raw(VALUE_INDENT), value])));
}

/// Where the policy host's name should point, for the chosen hosting path.
fn point_at(path: Option<HostingPath>) -> &'static str {
    match path {
        None => "the web host that serves the policy (chosen on the hosting screen)",
        Some(HostingPath::Nginx | HostingPath::Apache | HostingPath::Caddy) => {
            "this web server: its address (A/AAAA) or a CNAME to its name"
        }
        Some(HostingPath::StaticHeaders) => "a CNAME to the static site's host name",
        Some(HostingPath::Worker | HostingPath::WorkerMulti) => {
            "made by Cloudflare when the Worker gets it as a Custom Domain"
        }
    }
}

fn live_text(ev: &TxtEvidence) -> String {
    match &ev.records {
        Lookup::Found(rs) if !rs.is_empty() => {
            rs.iter().map(|r| format!("\"{}\"", sanitize(&r.concat()))).collect::<Vec<_>>().join(", ")
        }
        Lookup::Found(_) | Lookup::NoData => "no TXT record".into(),
        Lookup::NxDomain => "name does not exist".into(),
        other => crate::tui::widgets::lookup_words(other),
    }
}
