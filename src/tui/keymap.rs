//! The keys of each screen: the help overlay lists them all, the footer the first few.

use super::app::{App, Screen};
use crate::rollout::Phase;

/// One key and what it does.
pub type Key = (&'static str, &'static str);

const HOME: &[Key] = &[
    ("a", "add a domain"),
    ("enter", "open"),
    ("r", "re-check all"),
    ("d", "remove"),
    ("↑↓ j k", "select"),
    ("i", "import TLS-RPT reports"),
];

const DOMAIN: &[Key] = &[
    ("n", "next phase"),
    ("r", "re-check"),
    ("←→ h l", "view phase"),
    ("↑↓ j k", "scroll"),
    ("R", "TLS-RPT reports"),
    ("i", "import reports"),
];

const REPORTS: &[Key] = &[("i", "import reports"), ("R q esc", "back to the phase"), ("↑↓ j k", "scroll")];

const RECORDS: &[Key] = &[("e", "edit rua")];
const HOSTING: &[Key] = &[("1-6", "choose path"), ("c", "copy"), ("w", "write file")];
const LIVE: &[Key] = &[("b", "roll back")];
const ENFORCED: &[Key] = &[("1-5", "tick a tester")];
const DEMO_PUBLISH: &[Key] = &[("p", "publish (lab)")];
const DEMO: &[Key] = &[("T / W", "clock +1 / +7 days")];
const ALWAYS: &[Key] = &[("?", "help"), ("q esc", "back / quit"), ("ctrl-c", "quit")];

/// Every key of the current screen, most useful first.
pub fn keys(app: &App) -> Vec<Key> {
    let mut out: Vec<Key> = Vec::new();
    match &app.screen {
        Screen::Home => out.extend(HOME),
        Screen::Domain(v) if v.reports => out.extend(REPORTS),
        Screen::Domain(v) => {
            let rollback = app.state(&v.domain).is_some_and(|s| s.phase == Phase::Rollback);
            if app.demo.is_some()
                && (matches!(v.viewing, Phase::Records | Phase::Hosting | Phase::Enforce) || rollback)
            {
                out.extend(DEMO_PUBLISH);
            }
            match v.viewing {
                _ if rollback => {}
                Phase::Records => out.extend(RECORDS),
                Phase::Hosting => out.extend(HOSTING),
                Phase::Testing | Phase::Enforce => out.extend(LIVE),
                Phase::Enforced => {
                    out.extend(ENFORCED);
                    out.extend(LIVE);
                }
                _ => {}
            }
            out.extend(DOMAIN);
        }
    }
    out.extend(ALWAYS);
    if app.demo.is_some() {
        out.extend(DEMO);
    }
    out
}

/// The keys the footer shows: up to `n` of the screen's own, then help and back.
pub fn footer(app: &App, n: usize) -> Vec<Key> {
    let all = keys(app);
    let mut out: Vec<Key> = all
        .iter()
        .filter(|(k, _)| !ALWAYS.iter().chain(DEMO).any(|(a, _)| a == k))
        .take(n)
        .copied()
        .collect();
    out.push(("?", "help"));
    out.push(if matches!(app.screen, Screen::Home) { ("q", "quit") } else { ("q", "back") });
    out
}
