//! The keys inside a modal (a note, the zone list, the masked secret prompt, the add prompt's
//! extra key): one small table per modal, read both by its key handling and by the hint line
//! it draws, so a hint never names a key that does not act (the screens' keys are in
//! [`super::keymap`]).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use KeyCode::{Backspace, Char as C, Down, End, Enter, Esc, Home, PageDown, PageUp, Tab, Up};

/// One modal key: the keys, how the hint writes them, what it does, and the action.
pub type ModalKey<A> = (&'static [KeyCode], &'static str, &'static str, A);

fn find<A: Copy>(table: &[ModalKey<A>], key: &KeyEvent) -> Option<A> {
    if key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) {
        return None;
    }
    table.iter().find(|(keys, ..)| keys.contains(&key.code)).map(|(.., a)| *a)
}

/// The hint line of a table: "↑↓ move · space tick · …" (rows shown as "" are left out).
pub fn hints<A>(table: &[ModalKey<A>]) -> String {
    table
        .iter()
        .filter(|(_, shown, ..)| !shown.is_empty())
        .map(|(_, shown, label, _)| format!("{shown} {label}"))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// What a key does in a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKey {
    /// A line down.
    Down,
    /// A line up.
    Up,
    /// A page down.
    PageDown,
    /// A page up.
    PageUp,
    /// The top.
    Top,
    /// The end.
    Bottom,
    /// Close the note.
    Close,
}

/// A note's keys (the scrolling ones shown only when it scrolls).
pub static NOTE_KEYS: &[ModalKey<NoteKey>] = &[
    (&[Down, C('j')], "↓↑", "scroll", NoteKey::Down),
    (&[Up, C('k')], "", "", NoteKey::Up),
    (&[PageDown, C(' ')], "pgdn pgup", "page", NoteKey::PageDown),
    (&[PageUp], "", "", NoteKey::PageUp),
    (&[Home, C('g')], "", "", NoteKey::Top),
    (&[End, C('G')], "", "", NoteKey::Bottom),
    (&[Esc, Enter, C('q')], "esc", "close", NoteKey::Close),
];

/// What `key` does in a note; any other key closes it too.
pub fn note_key(key: &KeyEvent) -> NoteKey {
    find(NOTE_KEYS, key).unwrap_or(NoteKey::Close)
}

/// The scrolling keys of a long note or question (`scrolling`), else the keys that close a
/// note: "↓↑ scroll · pgdn pgup page" / "esc enter close".
pub fn note_hints(scrolling: bool) -> String {
    let shown = NOTE_KEYS.iter().filter(|(_, s, ..)| !s.is_empty());
    let keys: Vec<String> = shown
        .filter(|(.., a)| scrolling != (*a == NoteKey::Close))
        .map(|(_, s, l, _)| format!("{s} {l}"))
        .collect();
    keys.join(" · ")
}

/// What a key does in the zone list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickKey {
    /// The next name.
    Down,
    /// The previous name.
    Up,
    /// Tick or untick the name under the cursor.
    Toggle,
    /// Tick every untracked name (or untick them all when all are ticked).
    All,
    /// Track the ticked names.
    Track,
    /// Close the list, tracking nothing.
    Cancel,
    /// A page of names down.
    PageDown,
    /// A page of names up.
    PageUp,
    /// The first name.
    Top,
    /// The last name.
    Bottom,
}

/// The zone list's keys.
pub static PICK_KEYS: &[ModalKey<PickKey>] = &[
    (&[Down, C('j')], "↓ j", "next", PickKey::Down),
    (&[Up, C('k')], "↑ k", "previous", PickKey::Up),
    (&[C(' ')], "space", "tick", PickKey::Toggle),
    (&[C('a')], "a", "all/none", PickKey::All),
    (&[Enter], "enter", "track the ticked", PickKey::Track),
    (&[Esc, C('q')], "esc", "cancel", PickKey::Cancel),
];

/// The zone list's paging keys, named only when the list does not fit.
pub static PICK_PAGE_KEYS: &[ModalKey<PickKey>] = &[
    (&[PageDown], "pgdn pgup", "page", PickKey::PageDown),
    (&[PageUp], "", "", PickKey::PageUp),
    (&[Home, C('g')], "home end", "first/last", PickKey::Top),
    (&[End, C('G')], "", "", PickKey::Bottom),
];

/// What `key` does in the zone list.
pub fn pick_key(key: &KeyEvent) -> Option<PickKey> {
    find(PICK_KEYS, key).or_else(|| find(PICK_PAGE_KEYS, key))
}

/// What a key does in the masked secret prompt (other characters are typed, hidden).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKey {
    /// Fetch with what is typed.
    Fetch,
    /// Switch between password and OAuth2 token.
    Kind,
    /// Delete the last character.
    Back,
    /// Cancel (what was typed is overwritten).
    Cancel,
}

/// The secret prompt's keys (Ctrl-U also clears what is typed).
pub static SECRET_KEYS: &[ModalKey<SecretKey>] = &[
    (&[Enter], "enter", "fetch", SecretKey::Fetch),
    (&[Tab], "tab", "password/token", SecretKey::Kind),
    (&[Backspace], "⌫", "delete", SecretKey::Back),
    (&[Esc], "esc", "cancel", SecretKey::Cancel),
];

/// What `key` does in the secret prompt (`None`: type it).
pub fn secret_key(key: &KeyEvent) -> Option<SecretKey> {
    find(SECRET_KEYS, key)
}

/// The add prompt's extra key: read a list of domains, or the zone file of the domain typed.
pub const ZONE_KEY: (KeyCode, &str, &str) = (Tab, "tab", "names from a file");

/// What a key does while the home screen's filter is typed (other keys edit it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKey {
    /// Keep the filter and stop typing.
    Keep,
    /// Put the filter back as it was and stop typing.
    Cancel,
    /// Select the next row.
    Down,
    /// Select the previous row.
    Up,
}

/// The filter's keys.
pub static FILTER_KEYS: &[ModalKey<FilterKey>] = &[
    (&[Enter], "enter", "keep", FilterKey::Keep),
    (&[Esc], "esc", "cancel", FilterKey::Cancel),
    (&[Down, Up], "↓↑", "select", FilterKey::Down),
];

/// What `key` does while the filter is typed (`None`: it edits the filter).
pub fn filter_key(key: &KeyEvent) -> Option<FilterKey> {
    match find(FILTER_KEYS, key) {
        Some(FilterKey::Down) if key.code == Up => Some(FilterKey::Up),
        other => other,
    }
}

/// What a key does in the home screen's write menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChoiceKey {
    /// Choose the option of this number (0-based).
    Choose(usize),
    /// Close the menu.
    Cancel,
}

/// The write menu's keys.
pub static CHOICE_KEYS: &[ModalKey<ChoiceKey>] = &[
    (&[C('1')], "1-3", "choose", ChoiceKey::Choose(0)),
    (&[C('2')], "", "", ChoiceKey::Choose(1)),
    (&[C('3')], "", "", ChoiceKey::Choose(2)),
    (&[Esc, C('q')], "esc", "cancel", ChoiceKey::Cancel),
];

/// What `key` does in the write menu.
pub fn choice_key(key: &KeyEvent) -> Option<ChoiceKey> {
    find(CHOICE_KEYS, key)
}

/// The hint line of a table, leaving out the keys it does not spell out.
pub fn shown_hints<A>(table: &[ModalKey<A>]) -> String {
    let keys: Vec<String> =
        table.iter().filter(|(_, s, ..)| !s.is_empty()).map(|(_, s, l, _)| format!("{s} {l}")).collect();
    keys.join(" · ")
}
