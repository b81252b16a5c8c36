//! The cap on findings per code and per domain: "… and N more like this".

use super::{Code, Finding, Severity};
use crate::words::thousands;

/// At most this many findings of one code are kept for one domain (or one linted input).
pub const MAX_PER_CODE: usize = 20;
/// At most this many findings are kept for one domain (or one linted input), summaries
/// included.
pub const MAX_PER_DOMAIN: usize = 200;

/// Keeps findings within [`MAX_PER_CODE`] per code and [`MAX_PER_DOMAIN`] in all while they
/// are produced, so memory stays bounded for any input; [`FindingCap::finish`] adds one
/// "… and N more like this" finding per code that overflowed.
#[derive(Debug, Default, Clone)]
pub struct FindingCap {
    kept: std::collections::BTreeMap<Code, usize>,
    total: usize,
    dropped: std::collections::BTreeMap<Code, (Severity, String, u64)>,
}

impl FindingCap {
    /// Pushes `f` onto `out` unless its code (or the whole list) is at the cap; then counts it.
    pub fn push(&mut self, out: &mut Vec<Finding>, f: Finding) {
        let kept = self.kept.entry(f.code).or_default();
        if *kept < MAX_PER_CODE && self.total < MAX_PER_DOMAIN - Code::ALL.len() {
            *kept += 1;
            self.total += 1;
            out.push(f);
            return;
        }
        let entry = self.dropped.entry(f.code).or_insert((f.severity, f.subject, 0));
        entry.0 = entry.0.max(f.severity);
        entry.2 = entry.2.saturating_add(1);
    }

    /// Appends one summary finding per code that overflowed, with its worst severity.
    pub fn finish(self, out: &mut Vec<Finding>) {
        for (code, (severity, subject, n)) in self.dropped {
            out.push(Finding::new(
                code,
                severity,
                subject,
                format!("… and {} more like this", thousands(n)),
                "",
            ));
        }
    }
}

/// Caps a finished list (see [`FindingCap`]); order is kept, summaries come last.
pub fn cap_findings(findings: Vec<Finding>) -> Vec<Finding> {
    if findings.len() <= MAX_PER_CODE {
        return findings;
    }
    let mut cap = FindingCap::default();
    let mut out = Vec::new();
    for f in findings {
        if f.fix.is_empty() && f.message.starts_with("… and ") && f.message.ends_with(" more like this") {
            // A summary from an earlier cap: keep its count.
            let n = f.message[("… and ".len())..f.message.len() - " more like this".len()].replace(',', "");
            let entry = cap.dropped.entry(f.code).or_insert((f.severity, f.subject.clone(), 0));
            entry.2 = entry.2.saturating_add(n.parse().unwrap_or(0));
            continue;
        }
        cap.push(&mut out, f);
    }
    cap.finish(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_are_capped_per_code_with_a_count_of_the_rest() {
        let f = |code, i: usize| Finding::new(code, Severity::Error, "policy", format!("line {i}"), "fix");
        let mut many: Vec<Finding> = (0..130_811).map(|i| f(Code::PolicyInvalid, i)).collect();
        many.push(f(Code::PolicyUnknownKey, 0));
        let capped = cap_findings(many);
        assert_eq!(capped.len(), MAX_PER_CODE + 2);
        assert_eq!(capped.iter().filter(|x| x.code == Code::PolicyInvalid).count(), MAX_PER_CODE + 1);
        let last = capped.last().unwrap();
        assert_eq!(
            last.message,
            format!("… and {} more like this", thousands(130_811 - MAX_PER_CODE as u64))
        );
        assert_eq!(last.severity, Severity::Error);
        assert_eq!(thousands(130_791), "130,791");
        assert_eq!(cap_findings(capped.clone()), capped, "capping twice keeps the count");
    }

    #[test]
    fn findings_are_capped_per_domain() {
        let f = |code| Finding::new(code, Severity::Warning, "x", "y", "");
        let all: Vec<Finding> =
            Code::ALL.iter().flat_map(|c| (0..MAX_PER_CODE).map(move |_| f(*c))).collect();
        assert!(cap_findings(all).len() <= MAX_PER_DOMAIN);
    }
}
