//! Findings grouped by area, each with its fix.

use ratatui::text::{Line, Span};

use crate::tui::theme::{self, Theme};
use mtasts_core::finding::{Finding, Severity};
use mtasts_core::sanitize::sanitize;

/// The area a finding code belongs to (DESIGN.md §3).
pub fn area(f: &Finding) -> &'static str {
    let code = f.code.to_string();
    if code.starts_with("mx-") {
        "MX hosts"
    } else if code.starts_with("policy-") {
        "Policy file"
    } else {
        "DNS records"
    }
}

/// Lines for every finding, grouped by area, errors first within each.
pub fn lines(t: &Theme, findings: &[Finding]) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for group in ["DNS records", "Policy file", "MX hosts"] {
        let items: Vec<&Finding> = findings.iter().filter(|f| area(f) == group).collect();
        if items.is_empty() {
            continue;
        }
        out.push(Line::from(Span::styled(group.to_owned(), t.title())));
        for f in items {
            let (sym, style) = match f.severity {
                Severity::Error => (theme::BAD, t.bad()),
                Severity::Warning => (theme::WARN, t.warn()),
                Severity::Info => ("i", t.dim()),
            };
            out.push(Line::from(vec![
                Span::styled(format!(" {sym} "), style),
                Span::styled(format!("{} ", f.code), style),
                Span::raw(sanitize(&f.message).into_owned()),
            ]));
            if !f.fix.is_empty() {
                out.push(Line::from(vec![
                    Span::styled("   fix: ", t.accent()),
                    Span::raw(sanitize(&f.fix).into_owned()),
                ]));
            }
        }
    }
    out
}
