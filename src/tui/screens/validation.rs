//! Validation: the full check as findings grouped by area with fixes, the sender's view, and
//! the external testers for this domain.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::domain::{Ctx, pane};
use crate::rfc::DomainName;
use crate::sanitize::sanitize;
use crate::tui::theme;
use crate::tui::widgets::{findings, spinner, verdict};

/// The external testers to try, as (name, URL) for `d`.
pub fn testers(d: &DomainName) -> [(&'static str, String); 5] {
    let d = d.as_str();
    [
        ("Hardenize", format!("https://www.hardenize.com/report/{d}")),
        ("internet.nl", format!("https://internet.nl/mail/{d}/")),
        ("MXToolbox", format!("https://mxtoolbox.com/SuperTool.aspx?action=mta-sts%3a{d}")),
        ("CheckTLS", format!("https://www.checktls.com/TestReceiver?EMAIL={d}")),
        ("dmarcian TLS", "https://dmarcian.com/tls-inspector/".to_owned()),
    ]
}

/// Draws the validation screen.
pub fn render(cx: &Ctx, f: &mut Frame, area: Rect) {
    let t = cx.t;
    let mut lines = Vec::new();
    match cx.checked {
        Some(c) => {
            let (w, st) = verdict(t, c.judgement.verdict);
            lines.push(Line::from(vec![
                Span::styled(format!(" {w} "), st),
                Span::styled(format!("{} finding(s)", c.judgement.findings.len()), t.dim()),
                if cx.busy {
                    Span::styled(format!("  {} re-checking", spinner(cx.app.frame)), t.accent())
                } else {
                    Span::raw("")
                },
            ]));
            lines.push(Line::from(vec![
                Span::styled(" sender's view: ", t.accent()),
                Span::raw(sanitize(&c.judgement.senders_view).into_owned()),
            ]));
            for n in &c.judgement.notes {
                lines.push(Line::from(Span::styled(format!(" note: {}", sanitize(n)), t.dim())));
            }
            lines.push(Line::default());
            lines.extend(findings::lines(t, &c.judgement.findings));
        }
        None if cx.busy => lines.push(Line::from(Span::styled(
            format!(" {} running the full check…", spinner(cx.app.frame)),
            t.accent(),
        ))),
        None => lines.push(Line::from(Span::styled(" No full check this session yet — press r.", t.dim()))),
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(" Second opinions (open in a browser):", t.title())));
    for (i, (name, url)) in testers(&cx.state.domain).iter().enumerate() {
        let ticked = cx.app.session(&cx.state.domain).is_some_and(|x| x.ticked.contains(&i));
        let sym = if ticked { theme::OK } else { theme::TODO };
        lines.push(Line::from(vec![
            Span::raw(format!("  {sym} {name:<12} ")),
            Span::styled(url.clone(), t.accent()),
        ]));
    }
    pane(lines, cx.view, cx.t, f, area);
}
