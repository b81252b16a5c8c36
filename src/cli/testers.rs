//! `advance --ran TESTER`: the command line's way to tick the external testers the enforce
//! gate asks for (the wizard's keys 1–5 on the validation screen).

use anyhow::{Result, anyhow};

use crate::ops;
use crate::store::Store;
use mtasts_core::rfc::DomainName;
use mtasts_core::rollout::{ChecklistEdit, Tester, apply_checklist};
use mtasts_core::sanitize::sanitize;

/// Ticks each named tester for `domain` (saved before the gate is evaluated).
pub fn record_ran(store: &Store, domain: &DomainName, ran: &[String], now: jiff::Timestamp) -> Result<()> {
    if ran.is_empty() {
        return Ok(());
    }
    let testers = ran
        .iter()
        .map(|r| {
            Tester::parse(r).ok_or_else(|| {
                let all: Vec<&str> = Tester::ALL.iter().map(|t| t.id()).collect();
                anyhow!("--ran {:?}: expected one of {}", sanitize(r), all.join(", "))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    ops::domain::edit(store, domain, |mut s| {
        for t in testers {
            s = apply_checklist(s, ChecklistEdit::Tester(t, true), now);
        }
        s
    })?;
    Ok(())
}

/// How to tick testers from the command line, with each tester's page for `domain`.
pub fn hint(domain: &DomainName) -> String {
    let pages: Vec<String> = Tester::ALL.iter().map(|t| format!("{} {}", t.id(), t.url(domain))).collect();
    format!("tick the ones you ran: mtasts advance {domain} --ran ID (testers: {})", pages.join("; "))
}
