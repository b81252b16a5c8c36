//! A key is named only where it acts. Every "press X", "(X)", "X: …" and "X copies …" a screen
//! writes names keys that do something on that screen, every key in its footer acts, and no
//! screen spells a key out itself (they all come from the action table through `hints`).

use std::collections::BTreeSet;

use crossterm::event::{KeyEvent, KeyModifiers};

use super::app::App;
use super::fixtures::draw;
use super::hints::{footer, token_keys};
use super::keymap::TABLE;
use super::tests_places::{SIZES, acts, places};

/// Words that follow a key in a hint ("c copies it", "r re-checks").
const VERBS: &[&str] = &[
    "copies",
    "copy",
    "writes",
    "write",
    "edits",
    "edit",
    "re-checks",
    "checks",
    "moves",
    "opens",
    "resumes",
    "removes",
    "goes",
    "ticks",
    "plans",
    "advances",
    "cancels",
    "imports",
    "scrolls",
    "pages",
];

/// Every word the table shows a key as.
fn key_words() -> BTreeSet<&'static str> {
    TABLE.iter().flat_map(|b| b.shown.split(' ')).filter(|w| *w != "ctrl-c").collect()
}

fn bare(word: &str) -> &str {
    word.trim_end_matches([',', '.', ';', ':', ')']).trim_start_matches('(')
}

/// The key words on `line` written as hints.
fn hinted(line: &str, keys: &BTreeSet<&str>) -> Vec<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let is_key = |w: &str| keys.contains(bare(w));
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if matches!(*w, "press" | "Press") {
            for k in words[i + 1..].iter().take_while(|k| is_key(k)) {
                out.push(bare(k).to_owned());
                if bare(k) != *k {
                    break;
                }
            }
        }
        if w.starts_with('(') {
            let inner: Vec<&str> = words[i..].iter().take_while(|k| !k.ends_with(')')).copied().collect();
            let end = words.get(i + inner.len()).copied();
            let all: Vec<&str> = inner.into_iter().chain(end).collect();
            if !all.is_empty() && all.iter().all(|k| is_key(k)) {
                out.extend(all.iter().map(|k| bare(k).to_owned()));
            }
        }
        if w.ends_with(':') && keys.contains(&w[..w.len() - 1]) {
            out.push(w[..w.len() - 1].to_owned());
        }
        if VERBS.contains(&bare(w)) {
            out.extend(words[..i].iter().rev().take_while(|k| keys.contains(**k)).map(|k| (*k).to_owned()));
        }
    }
    out
}

/// Every key `word` stands for acts in `app`.
fn assert_acts(app: &App, word: &str, what: &str) {
    let keys = token_keys(word);
    assert!(!keys.is_empty(), "{what}: {word:?} is no key");
    for k in keys {
        assert!(acts(app, KeyEvent::new(k, KeyModifiers::NONE)), "{what}: {word} ({k:?}) does nothing here");
    }
}

#[test]
fn every_key_a_screen_names_acts_there() {
    let keys = key_words();
    let mut named = 0;
    for (name, app) in places() {
        for (w, h) in SIZES {
            let mut a = app.clone();
            let screen = draw(&a, w, h);
            a.update(super::app::Msg::Resize(w, h));
            for line in screen.lines() {
                for word in hinted(line, &keys) {
                    named += 1;
                    assert_acts(&a, &word, &format!("{name} at {w}×{h}, {line:?}"));
                }
            }
        }
    }
    assert!(named > 500, "only {named} hints found: the parser lost its teeth");
}

#[test]
fn the_hint_reader_finds_the_shapes_hints_take() {
    let keys = key_words();
    let found = |l: &str| hinted(l, &keys);
    assert_eq!(found(" next: Run a check: press r"), ["r"]);
    assert_eq!(found(" ! gate: 3 to wait for or acknowledge (n) ─ enter: in full ─"), ["n", "enter"]);
    assert_eq!(found("    Serve it (snippet: c copies it, w writes it to a file)"), ["c", "w"]);
    assert_eq!(found(" ↓ 12 more lines (pgdn space)"), ["pgdn", "space"]);
    assert_eq!(found(" — end — home g goes to the top"), ["g", "home"]);
    assert!(found(" a sender that finds TXT _mta-sts (mode: none, then a countdown)").is_empty());
}

#[test]
fn every_footer_key_acts_on_every_screen() {
    for (name, app) in places() {
        for (w, h) in SIZES {
            let mut a = app.clone();
            draw(&a, w, h);
            a.update(super::app::Msg::Resize(w, h));
            let room = usize::from(w) - if a.demo.is_some() { 6 } else { 0 };
            for (shown, label) in footer(&a, room) {
                for word in shown.split(' ') {
                    assert_acts(&a, word, &format!("{name} at {w}×{h}, footer {shown} {label}"));
                }
            }
        }
    }
}

/// Screens and widgets write no key themselves: a literal "press r" or "c copies" in their
/// source would be a hint the action table does not know about.
#[test]
fn no_screen_spells_a_key_out() {
    let keys = key_words();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui");
    for dir in ["screens", "widgets"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for (n, line) in code.lines().enumerate() {
                let literals: Vec<&str> = line.split('"').skip(1).step_by(2).collect();
                for lit in literals {
                    let found = hinted(lit, &keys);
                    assert!(found.is_empty(), "{}:{}: {lit:?} names {found:?}", path.display(), n + 1);
                }
            }
        }
    }
}

/// The keys offered on `app`'s screen, as the help lists them.
fn offered(app: &App) -> Vec<String> {
    super::hints::keys(app).into_iter().map(|(k, _)| k).collect()
}

#[test]
fn keys_that_could_only_fail_are_not_offered() {
    use super::tests_places::domain_at;
    use mtasts_core::rollout::Phase;
    let enforced = domain_at(Phase::Enforced, Phase::Enforced, false);
    assert!(!offered(&enforced).contains(&"n".to_owned()), "n on enforced: {:?}", offered(&enforced));
    let back = domain_at(Phase::Rollback, Phase::Rollback, false);
    assert!(!offered(&back).contains(&"n".to_owned()), "n in a rollback: {:?}", offered(&back));
    let (_, drifted) = places().into_iter().find(|(n, _)| n == "enforced, MX drifted").unwrap();
    assert!(offered(&drifted).contains(&"n".to_owned()), "n plans the MX update: {:?}", offered(&drifted));
    let (_, no_path) = places().into_iter().find(|(n, _)| n == "hosting, path None").unwrap();
    let keys = offered(&no_path);
    assert!(!keys.contains(&"c".to_owned()) && !keys.contains(&"w".to_owned()), "{keys:?}");
    for (name, app) in places().into_iter().filter(|(n, _)| n.contains("importing")) {
        let help: Vec<String> = offered(&app);
        let escs = help.iter().filter(|k| k.split(' ').any(|w| w == "esc")).count();
        assert_eq!(escs, 1, "{name}: esc listed {escs} times: {help:?}");
    }
}
