//! The operations both front ends (CLI and TUI) perform: check domains live and turn the
//! result into findings and observations; add, advance, roll back and remove tracked domains
//! through the store. The CLI prints what these return; the TUI runs them as effects.

pub mod audit;
pub mod change;
pub mod check;
pub mod checker;
pub mod domain;
pub mod domain_list;
pub mod fleet;
pub mod observe;
pub mod publish;
pub mod reports;
pub mod snippet;
pub mod zone;
pub mod zone_sets;

pub use check::{Checked, plan_context};
pub use checker::Checker;
pub use domain::{AddOptions, Added, Advanced, OpsError};
pub use fleet::{FleetEvent, Order, Progress, check_domains, check_each};
pub use observe::observe;
