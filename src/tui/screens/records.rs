//! Records: the `_mta-sts` and `_smtp._tls` TXT records, their live state, and the zone-file
//! form.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::pane::{Ctx, pane};
use crate::tui::theme;
use crate::tui::widgets::{age, spinner};
use mtasts_core::evidence::{Lookup, TxtEvidence};
use mtasts_core::rfc::{StsRecord, TlsRptRecord};
use mtasts_core::sanitize::sanitize;

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
    let mut lines = vec![
        Line::from(vec![
            Span::styled(" id ", t.dim()),
            Span::styled(s.plan.id.as_str().to_owned(), t.accent()),
            Span::styled(
                format!(
                    "  generated {} ({})",
                    s.plan.id_generated_at.strftime("%Y-%m-%d %H:%M UTC"),
                    age(cx.app.now, s.plan.id_generated_at)
                ),
                t.dim(),
            ),
        ]),
        Line::from(vec![
            Span::styled(" rua ", t.dim()),
            Span::raw(s.plan.rua.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(" ")),
            Span::styled("   (e edits)", t.dim()),
        ]),
        Line::default(),
        Line::from(Span::styled(" published?  record", t.dim())),
    ];
    for (name, value, live, ev) in
        [(d.child("_mta-sts"), sts, sts_live, sts_ev), (d.child("_smtp._tls"), rpt, rpt_live, rpt_ev)]
    {
        let status = if cx.busy {
            Span::styled(format!(" {} checking ", spinner(cx.app.frame)), t.accent())
        } else {
            match live {
                Some(true) => Span::styled(format!(" {} live     ", theme::OK), t.ok()),
                Some(false) => Span::styled(format!(" {} not yet  ", theme::BAD), t.bad()),
                None => Span::styled(" ? unknown  ", t.dim()),
            }
        };
        lines.push(Line::from(vec![status, Span::styled(format!("TXT {name}"), t.title())]));
        lines.push(Line::from(vec![
            Span::raw("             \""),
            Span::styled(value, t.string()),
            Span::raw("\""),
        ]));
        if let Some(ev) = ev
            && live != Some(true)
        {
            lines.push(Line::from(Span::styled(format!("             live: {}", live_text(ev)), t.dim())));
        }
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(" zone file:", t.dim())));
    for rec in crate::tui::screens::hosting::zone_lines(s) {
        lines.push(Line::from(Span::styled(format!("   {rec}"), t.string())));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        " Publish both records at your DNS provider, then r re-checks and n moves on.",
        t.dim(),
    )));
    lines.push(crate::tui::widgets::dns::line(t, s));
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(" Records or policy first? You decide:", t.title())));
    for l in mtasts_core::snippet::order_note(d) {
        lines.push(Line::from(Span::styled(format!(" {l}"), t.dim())));
    }
    lines.push(Line::default());
    lines.extend(crate::tui::widgets::dnssec::section(t, cx.checked.map(|c| &c.evidence), cx.busy));
    pane(lines, cx.view, cx.t, f, area);
}

fn live_text(ev: &TxtEvidence) -> String {
    match &ev.records {
        mtasts_core::evidence::Lookup::Found(rs) if !rs.is_empty() => {
            rs.iter().map(|r| format!("\"{}\"", sanitize(&r.concat()))).collect::<Vec<_>>().join(", ")
        }
        mtasts_core::evidence::Lookup::Found(_) | mtasts_core::evidence::Lookup::NoData => {
            "no TXT record".into()
        }
        mtasts_core::evidence::Lookup::NxDomain => "name does not exist".into(),
        other => crate::tui::widgets::lookup_words(other),
    }
}
