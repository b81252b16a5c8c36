//! [`AuditReport`] → one self-contained HTML page: no scripts, no external assets (a
//! Content-Security-Policy forbids loading anything), inline SVG charts, a print style sheet.

use super::chart::{check_strip, daily_sessions};
use super::html_parts::{CSS, day, esc, table, verdict_badge, when, yes_no};
use super::{AuditReport, DomainAudit};

/// The whole page.
pub fn render_html(r: &AuditReport) -> String {
    let title = match r.domains.as_slice() {
        [one] => format!("MTA-STS evidence report: {}", one.domain),
        list => format!("MTA-STS evidence report: {} domains", list.len()),
    };
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{CSS}</style></head><body><main>\
         <header class=\"top\"><h1>{}</h1><p class=\"sub\">Generated {} by {} · MTA-STS (RFC 8461) and \
         TLS-RPT (RFC 8460) rollout evidence</p></header>",
        esc(&title),
        esc(&title),
        when(r.generated_at),
        esc(&r.generator)
    );
    if r.domains.len() != 1 {
        out.push_str(&summary(r));
    }
    for d in &r.domains {
        out.push_str(&domain(d));
    }
    out.push_str("<footer>Every value above comes from mtasts' rollout state and the TLS-RPT reports imported into it.</footer></main></body></html>\n");
    out
}

fn summary(r: &AuditReport) -> String {
    let rows: Vec<Vec<String>> = r
        .summary
        .iter()
        .map(|s| {
            vec![
                format!("<a href=\"#d-{0}\">{0}</a>", esc(&s.domain)),
                esc(s.phase.as_str()),
                esc(&s.mode),
                day(s.testing_started),
                day(s.enforced),
                verdict_badge(s.last_verdict),
                s.reports.to_string(),
                s.sessions.to_string(),
                s.failed_sessions.to_string(),
            ]
        })
        .collect();
    let head = [
        "Domain",
        "Phase",
        "Mode",
        "Testing since",
        "Enforced",
        "Last check",
        "Reports",
        "Sessions",
        "Failed",
    ];
    format!("<section class=\"summary\"><h2>Summary</h2>{}</section>", table("summary", &head, &rows))
}

fn domain(d: &DomainAudit) -> String {
    let name = esc(&d.domain);
    let t = d.tlsrpt.as_ref().map(|t| &t.summary);
    let mut out = format!(
        "<section class=\"domain\" id=\"d-{name}\"><h2>{name}</h2><p class=\"sub\">phase <b>{}</b> · planned mode \
         <b>{}</b> · latest check {}</p><div class=\"facts\">{}{}{}{}</div>",
        esc(d.phase.as_str()),
        esc(&d.plan.mode),
        verdict_badge(d.checks.last().map(|c| c.verdict)),
        fact(&day(d.milestones.testing_started), "testing started"),
        fact(&day(d.milestones.enforced), "enforce reached"),
        fact(&t.map_or(0, |s| s.counts.total()).to_string(), "TLS sessions reported"),
        fact(&t.map_or(0, |s| s.counts.failed).to_string(), "failed sessions"),
    );
    out.push_str(&records(d));
    out.push_str(&timeline(d));
    out.push_str(&checks(d));
    out.push_str(&tlsrpt(d));
    out.push_str(&certificates(d));
    out.push_str("</section>");
    out
}

fn fact(value: &str, label: &str) -> String {
    format!("<div class=\"fact\"><b>{}</b><span>{}</span></div>", esc(value), esc(label))
}

fn records(d: &DomainAudit) -> String {
    let p = &d.plan;
    let mut out = String::from("<h3>Records and policy</h3><div class=\"grid2\"><div>");
    out.push_str(&format!(
        "<p class=\"muted\">Planned DNS records</p><pre>{} TXT \"{}\"\n{} TXT \"{}\"</pre>",
        esc(&p.sts_record.0),
        esc(&p.sts_record.1),
        esc(&p.tlsrpt_record.0),
        esc(&p.tlsrpt_record.1)
    ));
    out.push_str(&format!(
        "<p class=\"muted\">Planned policy at {}{}</p><pre>{}</pre></div><div>",
        esc(&p.policy_url),
        p.hosting.as_deref().map(|h| format!(" (served by {})", esc(h))).unwrap_or_default(),
        esc(&p.policy_body.replace("\r\n", "\n"))
    ));
    match &d.live {
        Some(l) => {
            let or_none = |v: Option<String>| v.map_or_else(|| "<i>none</i>".to_owned(), |s| esc(&s));
            out.push_str(&format!(
                "<p class=\"muted\">Seen live {}</p><pre>_mta-sts id: {}\n_smtp._tls rua: {}\nMX: {}</pre>\
                 <p class=\"muted\">Live policy</p><pre>{}</pre>",
                when(l.checked_at),
                or_none(l.sts_id.clone()),
                or_none(l.tlsrpt_rua.as_ref().map(|r| r.join(", "))),
                or_none(l.mx.as_ref().map(|m| m.join(", "))),
                or_none(l.policy_body.as_ref().map(|b| b.replace("\r\n", "\n")))
            ));
            if !l.errors.is_empty() || !l.warnings.is_empty() {
                out.push_str(&format!(
                    "<p>Errors: {} · Warnings: {}</p>",
                    esc(&l.errors.join(", ")),
                    esc(&l.warnings.join(", "))
                ));
            }
        }
        None => out.push_str("<p class=\"muted\">No live check recorded yet.</p>"),
    }
    out.push_str("</div></div>");
    out
}

fn timeline(d: &DomainAudit) -> String {
    let mut out = String::from("<h3>Timeline</h3><ol class=\"timeline\">");
    for e in &d.timeline {
        out.push_str(&format!("<li class=\"{}\"><time>{}</time>{}</li>", e.kind, when(e.at), esc(&e.what)));
    }
    out.push_str("</ol>");
    if !d.milestones.rollbacks.is_empty() {
        let dates: Vec<String> = d.milestones.rollbacks.iter().map(|t| when(*t)).collect();
        out.push_str(&format!("<p>Rollback planned: {}</p>", dates.join(", ")));
    }
    if !d.acknowledgements.is_empty() {
        let rows: Vec<Vec<String>> = d
            .acknowledgements
            .iter()
            .map(|a| vec![when(a.at), esc(a.phase.as_str()), esc(&a.overridden.join(", ")), esc(&a.reason)])
            .collect();
        out.push_str("<h3>Acknowledgements</h3>");
        out.push_str(&table("acks", &["Date", "Gate", "Overridden", "Reason given"], &rows));
    }
    out
}

fn checks(d: &DomainAudit) -> String {
    if d.checks.is_empty() {
        return "<h3>Check history</h3><p class=\"muted\">No check recorded.</p>".to_owned();
    }
    let rows: Vec<Vec<String>> = d
        .checks
        .iter()
        .rev()
        .map(|c| {
            vec![when(c.at), verdict_badge(Some(c.verdict)), c.errors.to_string(), c.warnings.to_string()]
        })
        .collect();
    format!(
        "<h3>Check history ({} checks)</h3><p>{}</p>{}",
        d.checks.len(),
        check_strip(&d.checks),
        table("checks", &["Date", "Verdict", "Errors", "Warnings"], &rows)
    )
}

fn tlsrpt(d: &DomainAudit) -> String {
    let Some(t) = &d.tlsrpt else {
        return "<h3>TLS-RPT</h3><p class=\"muted\">No TLS-RPT report imported for this domain.</p>"
            .to_owned();
    };
    let s = &t.summary;
    let mut out = format!(
        "<h3>TLS-RPT {} to {}</h3><p>{} reports · {} sessions · {} failed · failure rate {:.2}%</p>\
         <div class=\"legend\"><span><i style=\"background:#1f8a5b\"></i>successful</span>\
         <span><i style=\"background:#c53030\"></i>failed</span></div>{}",
        day(Some(s.window_start)),
        // The end is exclusive (the next midnight): show the last day covered.
        day(Some(s.window_end.checked_sub(jiff::SignedDuration::from_secs(1)).unwrap_or(s.window_end))),
        s.reports,
        s.counts.total(),
        s.counts.failed,
        s.failure_rate * 100.0,
        daily_sessions(&s.days)
    );
    if !t.failures.is_empty() {
        let rows: Vec<Vec<String>> = t
            .failures
            .iter()
            .map(|f| {
                vec![
                    esc(&f.result_type),
                    esc(&f.mx),
                    f.sessions.to_string(),
                    esc(f.details.as_deref().unwrap_or("—")),
                    esc(&f.fix),
                ]
            })
            .collect();
        let head = ["Failure type", "Receiving MX", "Sessions", "Reported details", "Fix"];
        out.push_str(&table("failures", &head, &rows));
    }
    out.push_str(&format!("<p><b>Authentication:</b> {}</p>", esc(&t.authentication)));
    let orgs: Vec<String> = s.organizations.iter().map(|o| esc(o)).collect();
    out.push_str(&format!("<p><b>Reporting organisations:</b> {}</p>", orgs.join(", ")));
    out
}

fn certificates(d: &DomainAudit) -> String {
    let mut out = String::from("<h3>Certificates and DNSSEC / DANE</h3>");
    if d.certificates.is_empty() {
        out.push_str("<p class=\"muted\">No certificate recorded by a check yet.</p>");
    } else {
        let rows: Vec<Vec<String>> = d
            .certificates
            .iter()
            .map(|c| {
                vec![
                    esc(&c.host),
                    esc(c.role),
                    c.starttls_ok.map_or("—", yes_no).to_owned(),
                    yes_no(c.trusted).to_owned(),
                    yes_no(c.name_ok).to_owned(),
                    day(c.not_after),
                    c.days_left.map_or_else(|| "—".to_owned(), |n| n.to_string()),
                ]
            })
            .collect();
        let head = ["Host", "Role", "STARTTLS", "Trusted", "Name", "Expires", "Days left"];
        out.push_str(&table("certs", &head, &rows));
    }
    out.push_str(&format!("<p class=\"muted\">{}</p>", esc(&d.dnssec_dane)));
    out
}
