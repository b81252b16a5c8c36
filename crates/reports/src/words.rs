//! Summaries in words, shared by `reports summary`, the wizard and the evidence report (pure;
//! outside text is sanitised here, so every phrase is terminal-safe).

use std::collections::BTreeMap;

use mtasts_core::sanitize::sanitize;
use mtasts_core::words::count;

use super::counts::MxFailure;
use super::entry::UNKNOWN;
use super::fixes::failure_fix;
use super::summary::AuthSummary;

/// `1 session`, `1,204 sessions`.
pub fn sessions(n: u64) -> String {
    count(n, "session")
}

/// `1 report`, `3 reports`.
pub fn reports(n: u32) -> String {
    count(u64::from(n), "report")
}

/// The failure pairs, most sessions first (then by MX and result type).
pub fn worst_first(failures: &[MxFailure]) -> Vec<&MxFailure> {
    let mut v: Vec<&MxFailure> = failures.iter().collect();
    v.sort_by(|a, b| {
        b.sessions.cmp(&a.sessions).then_with(|| (&a.mx, &a.result_type).cmp(&(&b.mx, &b.result_type)))
    });
    v
}

/// `certificate-expired at mx1.example.org` (or `… at an unnamed MX`).
pub fn pair_title(f: &MxFailure) -> String {
    let mx = if f.mx == UNKNOWN { "an unnamed MX".to_owned() } else { sanitize(&f.mx).into_owned() };
    format!("{} at {mx}", sanitize(&f.result_type))
}

/// What the reports said about a failure pair beyond its count: receiving IPs, reason codes,
/// sending MTAs (each with its sessions when there are several); `None` when they said nothing.
pub fn pair_details(f: &MxFailure) -> Option<String> {
    let list = |m: &BTreeMap<String, u64>| {
        let one = m.len() == 1;
        let mut v: Vec<(&String, &u64)> = m.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        v.into_iter()
            .map(|(k, n)| if one { sanitize(k).into_owned() } else { format!("{} ({n})", sanitize(k)) })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let parts: Vec<String> = [
        ("receiving IP", &f.receiving_ips),
        ("failure-reason-code", &f.reason_codes),
        ("sending MTA", &f.sending_mtas),
    ]
    .into_iter()
    .filter(|(_, m)| !m.is_empty())
    .map(|(label, m)| format!("{label} {}", list(m)))
    .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Failed sessions the reports counted but gave no `failure-details` for, in words; `None`
/// when every failed session is in a (MX, result type) pair.
pub fn undetailed(failed: u64, failures: &[MxFailure]) -> Option<String> {
    let detailed = failures.iter().fold(0u64, |a, f| a.saturating_add(f.sessions));
    let rest = failed.saturating_sub(detailed);
    (rest > 0).then(|| format!("{} failed without failure-details in the reports", sessions(rest)))
}

/// The fix for a failure pair, naming its MX (terminal-safe).
pub fn pair_fix(f: &MxFailure, domain: &str) -> String {
    let mx = (f.mx != UNKNOWN).then_some(f.mx.as_str());
    sanitize(&failure_fix(&f.result_type, Some(domain), mx)).into_owned()
}

/// How the reports are authenticated, in one line: `all 3 reports authenticated (DKIM
/// google.com ×2, https ×1)`, or how many are not and what that means for the gate.
pub fn auth_line(a: &AuthSummary, total: u32) -> String {
    let kinds = |m: &BTreeMap<String, u32>| {
        m.iter().map(|(k, n)| format!("{} ×{n}", sanitize(k))).collect::<Vec<_>>().join(", ")
    };
    let (good, bad) = (kinds(&a.authenticated_by), kinds(&a.unauthenticated_by));
    let not = total.saturating_sub(a.authenticated_reports);
    let theirs = if not == 1 { "its" } else { "their" };
    match (a.authenticated_reports, not) {
        (_, 0) if total == 1 => format!("the report is authenticated ({good})"),
        (_, 0) => format!("all {total} reports authenticated ({good})"),
        (0, _) if total == 1 => {
            format!("the report is not authenticated ({bad}): its successes do not count toward enforce")
        }
        (0, _) => format!(
            "none of the {total} reports is authenticated ({bad}): their successes do not count toward enforce"
        ),
        (n, _) => format!(
            "{n} of {total} reports authenticated ({good}); {not} not ({bad}): {theirs} successes do not \
             count toward enforce"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_singular_or_plural_and_details_only_what_was_said() {
        assert_eq!(
            (sessions(1), sessions(0), reports(2)),
            ("1 session".into(), "0 sessions".into(), "2 reports".into())
        );
        let mut f = MxFailure {
            mx: "mx1.example.org".into(),
            result_type: "certificate-expired".into(),
            sessions: 5,
            ..MxFailure::default()
        };
        assert_eq!(pair_details(&f), None);
        f.receiving_ips.insert("192.0.2.1".into(), 5);
        f.sending_mtas.insert("198.51.100.7".into(), 3);
        f.sending_mtas.insert("198.51.100.8".into(), 2);
        assert_eq!(
            pair_details(&f).unwrap(),
            "receiving IP 192.0.2.1; sending MTA 198.51.100.7 (3), 198.51.100.8 (2)"
        );
        assert!(pair_fix(&f, "example.org").contains("mx1.example.org"));
        f.mx = UNKNOWN.into();
        assert_eq!(pair_title(&f), "certificate-expired at an unnamed MX");
        assert_eq!(undetailed(5, std::slice::from_ref(&f)), None);
        assert_eq!(
            undetailed(6, &[f]).as_deref(),
            Some("1 session failed without failure-details in the reports")
        );
    }

    #[test]
    fn the_auth_line_says_what_counts() {
        let mut a = AuthSummary::default();
        a.authenticated_by.insert("DKIM google.com".into(), 2);
        a.authenticated_reports = 2;
        assert_eq!(auth_line(&a, 2), "all 2 reports authenticated (DKIM google.com ×2)");
        a.unauthenticated_by.insert("imported from a file".into(), 1);
        assert_eq!(
            auth_line(&a, 3),
            "2 of 3 reports authenticated (DKIM google.com ×2); 1 not (imported from a file ×1): its \
             successes do not count toward enforce"
        );
        let none = AuthSummary {
            unauthenticated_by: [("imported from a file".to_owned(), 1)].into(),
            ..AuthSummary::default()
        };
        assert_eq!(
            auth_line(&none, 1),
            "the report is not authenticated (imported from a file ×1): its successes do not count toward \
             enforce"
        );
    }
}
