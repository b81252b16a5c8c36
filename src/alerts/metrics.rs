//! Prometheus text exposition (node_exporter's textfile-collector convention) of what one
//! `check` run saw. Pure: the caller writes the text atomically.

use std::fmt::Write as _;

use jiff::Timestamp;

use mtasts_core::finding::Verdict;
use mtasts_core::rollout::Phase;

/// Which server presented a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertRole {
    /// An MX host (SMTP STARTTLS).
    Mx,
    /// The policy host (`mta-sts.DOMAIN`, HTTPS).
    Policy,
}

/// The numbers of one domain.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainMetrics {
    /// The domain (A-labels).
    pub domain: String,
    /// When it was checked.
    pub checked_at: Timestamp,
    /// The check's verdict.
    pub verdict: Verdict,
    /// The rollout phase, for a tracked domain.
    pub phase: Option<Phase>,
    /// Days left in the testing window, for a domain in testing.
    pub testing_days_remaining: Option<u32>,
    /// `(role, host, notAfter)` of every certificate seen.
    pub certs: Vec<(CertRole, String, Timestamp)>,
    /// `(successful, failed)` TLS-RPT sessions in the window, when reports were imported.
    pub sessions: Option<(u64, u64)>,
}

const VERDICTS: [(Verdict, &str); 3] =
    [(Verdict::Pass, "pass"), (Verdict::Warn, "warn"), (Verdict::Fail, "fail")];

fn label(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

struct Family<'a> {
    out: &'a mut String,
}

impl Family<'_> {
    fn head(&mut self, name: &str, help: &str) {
        let _ = writeln!(self.out, "# HELP {name} {help}\n# TYPE {name} gauge");
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{}\"", label(v))).collect();
        let _ = writeln!(self.out, "{name}{{{}}} {value}", labels.join(","));
    }
}

/// The metrics text for `domains` (each metric family once, with HELP and TYPE lines).
pub fn render(domains: &[DomainMetrics]) -> String {
    let mut out = String::new();
    let mut f = Family { out: &mut out };
    f.head("mtasts_check_timestamp_seconds", "When mtasts last checked the domain (Unix time).");
    for d in domains {
        f.sample("mtasts_check_timestamp_seconds", &[("domain", &d.domain)], d.checked_at.as_second() as f64);
    }
    f.head("mtasts_verdict", "The check's verdict: 1 for the current one, 0 for the others.");
    for d in domains {
        for (v, name) in VERDICTS {
            f.sample(
                "mtasts_verdict",
                &[("domain", &d.domain), ("verdict", name)],
                f64::from(u8::from(d.verdict == v)),
            );
        }
    }
    f.head("mtasts_phase", "The rollout phase of a tracked domain: 1 for the current one, 0 for the others.");
    for d in domains {
        if let Some(phase) = d.phase {
            for p in Phase::ORDER.iter().copied().chain([Phase::Rollback]) {
                f.sample(
                    "mtasts_phase",
                    &[("domain", &d.domain), ("phase", p.as_str())],
                    f64::from(u8::from(p == phase)),
                );
            }
        }
    }
    f.head("mtasts_testing_days_remaining", "Days left in the testing window.");
    for d in domains {
        if let Some(days) = d.testing_days_remaining {
            f.sample("mtasts_testing_days_remaining", &[("domain", &d.domain)], f64::from(days));
        }
    }
    let expiry = "mtasts_certificate_expiry_timestamp_seconds";
    f.head(expiry, "When the certificate a host presented expires (notAfter, Unix time).");
    for d in domains {
        for (role, host, not_after) in &d.certs {
            let role = match role {
                CertRole::Mx => "mx",
                CertRole::Policy => "policy",
            };
            let labels = [("domain", d.domain.as_str()), ("role", role), ("host", host.as_str())];
            f.sample(expiry, &labels, not_after.as_second() as f64);
        }
    }
    f.head(
        "mtasts_tlsrpt_window_sessions",
        "TLS-RPT sessions reported in the testing window (or the last 30 days).",
    );
    for d in domains {
        if let Some((ok, failed)) = d.sessions {
            f.sample(
                "mtasts_tlsrpt_window_sessions",
                &[("domain", &d.domain), ("result", "successful")],
                ok as f64,
            );
            f.sample(
                "mtasts_tlsrpt_window_sessions",
                &[("domain", &d.domain), ("result", "failed")],
                failed as f64,
            );
        }
    }
    out
}
