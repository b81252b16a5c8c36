//! The terminal wizard: every rollout phase as a screen.
//!
//! [`app`] holds the state and the pure `update(msg) -> effects`; [`render`] draws it (a pure
//! function of the [`app::App`]); [`run`] is the event loop that performs effects (checks,
//! store operations, clipboard, files) and redraws only when something changed. It reaches the
//! probes only through [`crate::ops`] (an [`ops::Checker`](crate::ops::Checker)). The `demo`
//! command (in `cli`) starts the lab and hands the wizard a [`effects::Publisher`].

pub mod app;
mod app_artefacts;
mod app_checklist;
mod app_dns;
mod app_fleet;
mod app_fleet_write;
mod app_focus;
mod app_fresh;
mod app_keys;
mod app_overlay;
mod app_publish;
mod app_reports;
mod app_results;
mod app_worker;
mod app_zone;
mod artefact;
pub mod checks;
mod deploy;
mod dns;
pub mod effects;
mod fetch;
mod files;
pub mod fleet;
mod hints;
pub mod keymap;
pub mod keymap_modal;
mod model;
pub mod msg;
mod offers;
mod overlay;
mod paths;
pub mod render;
mod run;
mod screens;
pub mod secret;
mod tasks;
pub mod theme;
mod widgets;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_artefacts;
#[cfg(test)]
mod tests_emergency;
#[cfg(test)]
mod tests_fetch;
#[cfg(test)]
mod tests_fleet;
#[cfg(test)]
mod tests_fleet_screen;
#[cfg(test)]
mod tests_flow;
#[cfg(test)]
mod tests_fresh;
#[cfg(test)]
mod tests_hints;
#[cfg(test)]
mod tests_keys;
#[cfg(test)]
mod tests_lastmile;
#[cfg(test)]
mod tests_layout;
#[cfg(test)]
mod tests_onboard;
#[cfg(test)]
mod tests_paging;
#[cfg(test)]
mod tests_places;
#[cfg(test)]
mod tests_reports;
#[cfg(test)]
mod tests_sizes;
#[cfg(test)]
mod tests_snap;
#[cfg(test)]
mod tests_steps;
#[cfg(test)]
mod tests_terminal;

use std::path::PathBuf;

pub use deploy::Wrangler;

use jiff::{SignedDuration, Timestamp};

use crate::ops::Checker;
use crate::store::Store;

pub use run::{Stats, drive, run, run_async};

/// Why the wizard could not run.
#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    /// The terminal could not be set up, read or drawn on.
    #[error("terminal: {0}")]
    Terminal(#[from] std::io::Error),
    /// The demo could not start.
    #[error("demo: {0}")]
    Demo(String),
    /// The state directory could not be opened or seeded.
    #[error("state: {0}")]
    State(String),
}

/// "Now" for the wizard: the system clock plus an offset (from `MTASTS_NOW`, and moved forward
/// by the demo's time keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// Added to the system time.
    pub offset: SignedDuration,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock { offset: SignedDuration::ZERO }
    }

    /// A clock that reads `at` right now and then runs on in real time.
    pub fn starting_at(at: Timestamp) -> Clock {
        Clock { offset: at.duration_since(Timestamp::now()) }
    }

    /// The current time on this clock, in whole seconds (dates in messages stay readable).
    pub fn now(&self) -> Timestamp {
        let real = Timestamp::now();
        let t = real.checked_add(self.offset).unwrap_or(real);
        Timestamp::from_second(t.as_second()).unwrap_or(t)
    }

    /// Moves the clock forward (or back) by `by`.
    pub fn shift(&mut self, by: SignedDuration) {
        self.offset = self.offset.saturating_add(by);
    }
}

/// What the wizard shows when it runs against the demo lab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoInfo {
    /// The throw-away state directory.
    pub state_dir: PathBuf,
    /// Domains the lab serves, for the empty-home hint and the add prompt.
    pub domains: Vec<String>,
}

/// Everything [`run`] needs.
pub struct TuiConfig {
    /// Tracked domains.
    pub store: Store,
    /// How to check (through `ops`); each check judges certificates at `clock`'s time.
    pub probe: Checker,
    /// The clock.
    pub clock: Clock,
    /// Colours on (false for `NO_COLOR` / `--no-color`).
    pub color: bool,
    /// Set when running `mtasts demo`.
    pub demo: Option<DemoInfo>,
    /// Where `p` publishes (the demo's lab), if anywhere.
    pub publisher: Option<std::sync::Arc<dyn effects::Publisher>>,
    /// How to run `wrangler deploy` (paths B/C), when it is installed and a token is set.
    pub wrangler: Option<Wrangler>,
    /// When the program started (time to first frame is measured from here).
    pub started: std::time::Instant,
}

impl std::fmt::Debug for TuiConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TuiConfig")
            .field("store", &self.store)
            .field("clock", &self.clock)
            .field("color", &self.color)
            .field("demo", &self.demo)
            .finish_non_exhaustive()
    }
}
