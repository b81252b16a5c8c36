//! What every command that may check live is handed: the probe options, the output style,
//! "now" and the program's one tokio runtime.

use std::collections::BTreeMap;

use anyhow::{Result, anyhow};

use super::output::Style;
use super::probe_args::ProbeArgs;
use crate::ops::{self, Checked, Checker};
use mtasts_core::rfc::DomainName;
use mtasts_core::rollout::DomainState;

/// The shared arguments of `check`, `add`, `advance`, `plan` and `report`.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// The probe options (global: before or after the subcommand).
    pub probe: &'a ProbeArgs,
    /// How to print.
    pub style: &'a Style,
    /// The time the command runs at (`MTASTS_NOW` or the clock).
    pub now: jiff::Timestamp,
    /// The runtime `main.rs` built.
    pub rt: &'a tokio::runtime::Runtime,
}

impl Ctx<'_> {
    /// The checker the probe options describe, judging certificates at `now`.
    pub fn checker(&self) -> Result<Checker> {
        Ok(self.probe.config(self.now)?.into())
    }

    /// Probes and judges one domain (with its plan, when tracked).
    pub fn check_one(&self, domain: &DomainName, state: Option<&DomainState>) -> Result<Checked> {
        let checker = self.checker()?;
        let mut plans = BTreeMap::new();
        if let Some(s) = state {
            plans.insert(domain.clone(), ops::plan_context(s));
        }
        let mut checked = self.rt.block_on(checker.check(std::slice::from_ref(domain), &plans));
        checked.pop().ok_or_else(|| anyhow!("the check of {domain} produced no result"))
    }
}
