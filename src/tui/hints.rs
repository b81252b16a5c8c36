//! What the keys are called where the user is: the `?` help, the footer and every "press X" a
//! screen writes come from here, read from the action table ([`super::keymap::TABLE`]), so a
//! key is only named where it acts and under the name that acts.

use crossterm::event::KeyCode;

use super::app::App;
use super::keymap::{Action, Binding, Place, TABLE, active, place};
use mtasts_core::rollout::Verb;

/// One key and what it does, as shown.
pub type Key = (String, &'static str);

/// The keys one word of a row's `shown` (or the footer's `←→`) stands for: `esc`, `pgdn`, `←`,
/// `1-6`, `c`, `ctrl-c`.
pub fn token_keys(token: &str) -> Vec<KeyCode> {
    let named = match token {
        "esc" => Some(KeyCode::Esc),
        "enter" => Some(KeyCode::Enter),
        "space" => Some(KeyCode::Char(' ')),
        "pgdn" => Some(KeyCode::PageDown),
        "pgup" => Some(KeyCode::PageUp),
        "home" => Some(KeyCode::Home),
        "end" => Some(KeyCode::End),
        "tab" => Some(KeyCode::Tab),
        "←" => Some(KeyCode::Left),
        "→" => Some(KeyCode::Right),
        "↑" => Some(KeyCode::Up),
        "↓" => Some(KeyCode::Down),
        _ => None,
    };
    if let Some(k) = named {
        return vec![k];
    }
    if token == "←→" {
        return vec![KeyCode::Left, KeyCode::Right];
    }
    let chars: Vec<char> = token.trim_start_matches("ctrl-").chars().collect();
    match chars.as_slice() {
        [c] => vec![KeyCode::Char(*c)],
        [a @ '0'..='9', '-', b @ '0'..='9'] => (*a..=*b).map(KeyCode::Char).collect(),
        _ => Vec::new(),
    }
}

/// Every row that applies here, with the words of its `shown` whose keys no earlier row takes
/// (Esc cancelling an import is not also "back home"); rows left with no key are dropped.
fn visible(app: &App) -> Vec<(&'static Binding, String)> {
    let rows: Vec<&'static Binding> = active(app).collect();
    rows.iter()
        .enumerate()
        .filter_map(|(i, b)| {
            let free = |k: &KeyCode| {
                b.keys.contains(k) && !rows[..i].iter().any(|e| e.ctrl == b.ctrl && e.keys.contains(k))
            };
            let words: Vec<&str> = b.shown.split(' ').filter(|w| token_keys(w).iter().any(free)).collect();
            (!words.is_empty()).then(|| (*b, words.join(" ")))
        })
        .collect()
}

/// Every key that applies here, as the help lists them.
pub fn keys(app: &App) -> Vec<Key> {
    visible(app).into_iter().map(|(b, shown)| (shown, b.label)).collect()
}

/// Where ←/→ rank in the footer: first among the phase's own keys.
const PHASES_RANK: u8 = 1;
/// Where ←/→ rank in the footer under the reports pane: after the pane's own keys.
const REPORTS_PHASES_RANK: u8 = 6;

/// The footer's keys, most important first: as many as fit in `width` columns after `? more`.
/// Each key is shown as ` key label `.
pub fn footer(app: &App, width: usize) -> Vec<Key> {
    if place(app) == Place::Filter {
        // Typed keys go into the filter: only its own keys act.
        return super::keymap_modal::FILTER_KEYS.iter().map(|(_, s, l, _)| ((*s).to_owned(), *l)).collect();
    }
    let phases = |b: &Binding| matches!(b.action, Action::PhasePrev | Action::PhaseNext);
    let rows = visible(app);
    let mut ranked: Vec<(u8, Key)> = rows
        .iter()
        .filter(|(b, _)| !phases(b))
        .filter_map(|(b, shown)| Some((b.footer?, (shown.clone(), b.label))))
        .collect();
    // ← and → share one entry: moving between the phases' screens is how the rollout is read.
    let arrows: Vec<Action> = rows.iter().filter(|(b, _)| phases(b)).map(|(b, _)| b.action).collect();
    let both = arrows.contains(&Action::PhasePrev) && arrows.contains(&Action::PhaseNext);
    // Under the reports pane its own keys come first.
    let rank =
        if matches!(place(app), Place::Reports | Place::Worker) { REPORTS_PHASES_RANK } else { PHASES_RANK };
    match arrows.first() {
        Some(_) if both => ranked.insert(0, (rank, ("←→".to_owned(), "phases"))),
        Some(Action::PhasePrev) => ranked.insert(0, (rank, ("←".to_owned(), "phases"))),
        Some(_) => ranked.insert(0, (rank, ("→".to_owned(), "phases"))),
        None => {}
    }
    ranked.sort_by_key(|(rank, _)| *rank);
    let cost = |(k, l): &Key| k.chars().count() + l.chars().count() + 3;
    let more: Key = ("?".to_owned(), "more");
    let mut left = width.saturating_sub(cost(&more));
    let mut out = Vec::new();
    for (_, k) in ranked {
        if cost(&k) > left {
            break;
        }
        left -= cost(&k);
        out.push(k);
    }
    out.push(more);
    out
}

/// The keys that do `action` here, as shown (`None` where it does not act).
pub fn hint(app: &App, action: Action) -> Option<String> {
    visible(app).into_iter().find(|(b, _)| b.action == action).map(|(_, shown)| shown)
}

/// `"{keys} {words}"` where `action` acts here, else nothing: a hint a screen adds to a line.
pub fn keyed(app: &App, action: Action, words: &str) -> Option<String> {
    hint(app, action).map(|k| format!("{k} {words}"))
}

/// The keys that do `verb` here, as a next step names them; where no key here does it, where
/// to go instead (a key is never named where it does not act).
pub fn verb_keys(app: &App, verb: Verb) -> String {
    let press = |a: Action| hint(app, a).map(|k| format!("press {k}"));
    let here = match verb {
        Verb::Check => {
            press(Action::Recheck).or_else(|| checks_focused(app).then(|| press(Action::CheckAll)).flatten())
        }
        Verb::Advance | Verb::ConfirmChange => press(Action::Next),
        Verb::Reports => press(Action::Reports),
        Verb::Generate(_) => hint(app, Action::Copy)
            .zip(hint(app, Action::Write))
            .map(|(c, w)| format!("{c} copies it, {w} writes it to a file")),
        Verb::ChooseHosting => press(Action::ChooseHosting),
        Verb::RollBack => press(Action::RollBack),
        Verb::Resume => press(Action::Resume),
        Verb::Retire => press(Action::Retire),
        Verb::StopTracking => press(Action::Remove),
    };
    here.unwrap_or_else(|| elsewhere(app, verb))
}

/// Whether the home screen's `r` checks the selected domain (it checks the marked ones when
/// any are, else every shown one).
fn checks_focused(app: &App) -> bool {
    app.fleet.marks.is_empty() || app.focused().is_some_and(|d| app.fleet.marks.contains(&d))
}

/// The key that will do `verb` once the rollout gets where it acts, for a plan of later
/// steps ("then resume testing (press t on the rollback screen)"); read from the table too.
pub fn later_keys(app: &App, verb: Verb) -> String {
    let later = |a: Action, screen: &str| {
        TABLE.iter().find(|b| b.action == a).map_or_else(
            || format!("on the {screen} screen"),
            |b| format!("press {} on the {screen} screen", b.shown.split(' ').next().unwrap_or(b.shown)),
        )
    };
    match verb {
        Verb::Resume => later(Action::Resume, "rollback"),
        Verb::Retire => later(Action::Retire, "rollback"),
        _ => verb_keys(app, verb),
    }
}

/// Where `verb` is done, from a place where no key does it.
fn elsewhere(app: &App, verb: Verb) -> String {
    match place(app) {
        Place::Home | Place::Filter => {
            hint(app, Action::Open).map_or_else(|| "open it".to_owned(), |k| format!("{k} opens it"))
        }
        // One key reads better in a sentence than the row's three: esc, the last.
        Place::Reports => hint(app, Action::CloseReports).map_or_else(
            || "from the phase's screen".to_owned(),
            |k| format!("back with {} first", k.rsplit(' ').next().unwrap_or(&k)),
        ),
        Place::Worker => hint(app, Action::CloseWorker).map_or_else(
            || "from the hosting screen".to_owned(),
            |k| format!("back with {} first", k.rsplit(' ').next().unwrap_or(&k)),
        ),
        Place::Phase { .. } => match verb {
            Verb::Generate(_) | Verb::ChooseHosting => "on the hosting screen".to_owned(),
            Verb::StopTracking => "on the home screen".to_owned(),
            _ => "not from here: see the gate".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_the_table_shows_names_keys_of_its_row() {
        for b in TABLE {
            for word in b.shown.split(' ') {
                let keys = token_keys(word);
                assert!(!keys.is_empty(), "{word:?} of {:?} names no key", b.label);
                assert!(keys.iter().all(|k| b.keys.contains(k)), "{word:?} is not a key of {:?}", b.label);
            }
        }
    }
}
