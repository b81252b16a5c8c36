//! The home screen's fleet table on the [`App`]: the facts and rows kept up to date as results
//! come in (worked out once per change, never per frame, and during a re-check of many
//! domains at most once per [`DEFER_LIMIT`] results), moving and paging by what is on screen,
//! marks, the sort, and the `/` filter as typed.

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

use super::app::{App, Effect, Entry, Msg, Purpose};
use super::fleet::{Facts, Seen, SortBy, natural_cmp, parse_filter, rows, summary};
use super::keymap::Action;
use super::keymap_modal::{FilterKey, filter_key};
use mtasts_core::rfc::DomainName;
use mtasts_core::rollout::{Urgency, cert_end, check_is_old, urgency, window_ends_within};

/// During a re-check of many domains, the table is re-sorted and the summary recounted after at
/// most this many results (and at once when the run ends or a key is pressed).
pub const DEFER_LIMIT: u32 = 32;
/// Longest filter text.
const MAX_FILTER: usize = 200;

/// Whether `msg` may change what the table counts or how it sorts.
fn changes_facts(msg: &Msg) -> bool {
    !matches!(
        msg,
        Msg::Key(_)
            | Msg::Resize(..)
            | Msg::Tick(_)
            | Msg::CheckStage { .. }
            | Msg::ImportProgress(_)
            | Msg::PathInspected { .. }
            | Msg::Completed { .. }
            | Msg::Note(_)
    )
}

impl App {
    /// Notes what `msg` (just handled) did to the table's facts and brings them up to date,
    /// now or, while many results stream in, after a few more.
    pub(super) fn after_update(&mut self, msg_changed: bool, streaming: bool) {
        let minute = |t: jiff::Timestamp| t.as_second().div_euclid(60);
        let busy = self.checking_any();
        if !busy {
            self.fleet.run.clear();
        }
        let f = &mut self.fleet;
        f.stale |= msg_changed || minute(f.built_at) != minute(self.now);
        let resized = f.facts.len() != self.entries.len();
        if !f.stale && !resized {
            return;
        }
        if streaming && !resized && busy && f.deferred < DEFER_LIMIT {
            f.deferred += 1;
            return;
        }
        self.rebuild_fleet();
    }

    /// Whether a message changes the facts, and whether it is one of a stream of results.
    pub(super) fn classify(msg: &Msg) -> (bool, bool) {
        (changes_facts(msg), matches!(msg, Msg::Checked { .. } | Msg::OpDone(_)))
    }

    /// Works the facts, the rows and the summary out again; the selection stays on its domain.
    pub(super) fn rebuild_fleet(&mut self) {
        let keep =
            self.fleet.rows.get(self.selected).and_then(|i| self.fleet.facts.get(*i)).map(|f| f.name.clone());
        let tracked: std::collections::BTreeSet<&DomainName> =
            self.tracked_states().map(|s| &s.domain).collect();
        let marks: std::collections::BTreeSet<DomainName> =
            self.fleet.marks.iter().filter(|d| tracked.contains(d)).cloned().collect();
        self.fleet.marks = marks;
        let facts: Vec<Facts> = self.entries.iter().map(|e| self.facts_of(e)).collect();
        let terms = parse_filter(self.fleet.filter.value()).unwrap_or_default();
        let f = &mut self.fleet;
        f.rows = rows(&facts, &terms, f.sort);
        f.summary = summary(&facts);
        f.facts = facts;
        f.stale = false;
        f.deferred = 0;
        f.built_at = self.now;
        let at = keep.and_then(|name| f.rows.iter().position(|i| f.facts[*i].name == name));
        self.selected = at.unwrap_or(self.selected).min(f.rows.len().saturating_sub(1));
    }

    fn facts_of(&self, e: &Entry) -> Facts {
        let s = match e {
            Entry::Ok(s) => s,
            Entry::Bad { .. } => {
                return Facts {
                    name: e.name(),
                    phase: None,
                    seen: Seen::Unreadable,
                    urgency: Urgency::Failing,
                    ending: false,
                    cert: None,
                    marked: false,
                };
            }
        };
        let now = self.now;
        let obs = self.checked(&s.domain).map(|c| &c.observation).or(s.last_observation.as_ref());
        let seen = match obs {
            None => Seen::Never,
            Some(o) if check_is_old(o.at, now) => Seen::Old,
            Some(o) => match o.verdict {
                mtasts_core::finding::Verdict::Pass => Seen::Pass,
                mtasts_core::finding::Verdict::Warn => Seen::Warn,
                mtasts_core::finding::Verdict::Fail => Seen::Fail,
            },
        };
        Facts {
            name: s.domain.as_str().to_owned(),
            phase: Some(s.phase),
            seen,
            urgency: urgency(s, obs, now),
            ending: window_ends_within(s, now, 7),
            cert: obs.and_then(|o| cert_end(o, now)),
            marked: self.fleet.marks.contains(&s.domain),
        }
    }

    /// The entry on row `row` of the table.
    pub fn row_entry(&self, row: usize) -> Option<&Entry> {
        self.entries.get(*self.fleet.rows.get(row)?)
    }

    /// The domains on the table's rows (state files that could not be read left out).
    pub fn shown_domains(&self) -> Vec<DomainName> {
        (0..self.fleet.rows.len())
            .filter_map(|r| match self.row_entry(r)? {
                Entry::Ok(s) => Some(s.domain.clone()),
                Entry::Bad { .. } => None,
            })
            .collect()
    }

    /// What `r` and `w` act on: the marked domains, else every shown one.
    pub fn fleet_targets(&self) -> Vec<DomainName> {
        if self.fleet.marks.is_empty() {
            return self.shown_domains();
        }
        let mut marked: Vec<DomainName> = self.fleet.marks.iter().cloned().collect();
        marked.sort_by(|a, b| natural_cmp(a.as_str(), b.as_str()));
        marked
    }

    /// Whether the filter hides some domains.
    pub fn filtered(&self) -> bool {
        !self.fleet.filter.value().trim().is_empty()
    }

    /// The home screen's own keys (selection, paging, marks, sort, filter, re-check).
    pub(super) fn fleet_action(&mut self, action: Action) -> Vec<Effect> {
        let n = self.fleet.rows.len();
        let last = n.saturating_sub(1);
        let page = usize::from(self.fleet.page.get().max(1));
        let top = self.fleet.top.get();
        match action {
            Action::SelectDown => self.selected = (self.selected + 1).min(last),
            Action::SelectUp => self.selected = self.selected.saturating_sub(1),
            Action::PageDown => {
                let to = (top + page).min(n.saturating_sub(page));
                self.selected = if to == top { last } else { (self.selected + page).clamp(to, last) };
                self.fleet.top.set(to);
            }
            Action::PageUp => {
                let to = top.saturating_sub(page);
                self.selected =
                    if to == top { 0 } else { self.selected.saturating_sub(page).min(to + page - 1) };
                self.fleet.top.set(to);
            }
            Action::Top => {
                self.selected = 0;
                self.fleet.top.set(0);
            }
            Action::Bottom => {
                self.selected = last;
                self.fleet.top.set(n.saturating_sub(page));
            }
            Action::Mark => {
                if let Some(Entry::Ok(s)) = self.row_entry(self.selected) {
                    let d = s.domain.clone();
                    if !self.fleet.marks.remove(&d) {
                        self.fleet.marks.insert(d);
                    }
                    self.selected = (self.selected + 1).min(last);
                    self.rebuild_fleet();
                }
            }
            Action::MarkAll => {
                let shown = self.shown_domains();
                if shown.iter().all(|d| self.fleet.marks.contains(d)) {
                    shown.iter().for_each(|d| {
                        self.fleet.marks.remove(d);
                    });
                } else {
                    self.fleet.marks.extend(shown);
                }
                self.rebuild_fleet();
            }
            Action::Sort => {
                self.fleet.sort = match self.fleet.sort {
                    SortBy::Name => SortBy::Urgency,
                    SortBy::Urgency => SortBy::Name,
                };
                self.rebuild_fleet();
                self.selected = 0;
                self.fleet.top.set(0);
            }
            Action::Filter => {
                self.fleet.typing = true;
                self.fleet.before = Some(self.fleet.filter.value().to_owned());
            }
            Action::ClearFilter => self.set_filter(String::new()),
            Action::CheckAll => return self.check_targets(),
            _ => {}
        }
        Vec::new()
    }

    /// Which domains `r` and `w` act on, in a word: the marked, else the shown (filtered), else
    /// every tracked one.
    pub(super) fn targets_word(&self) -> &'static str {
        if !self.fleet.marks.is_empty() {
            "marked"
        } else if self.filtered() {
            "shown"
        } else {
            "tracked"
        }
    }

    /// `r`: re-checks the marked domains, else every shown one, as one fleet run.
    fn check_targets(&mut self) -> Vec<Effect> {
        let targets = self.fleet_targets();
        let what = self.targets_word();
        let n = mtasts_core::words::count(targets.len() as u64, &format!("{what} domain"));
        self.set_status(format!("re-checking {n}…"), false);
        self.fleet.run = targets.clone();
        let mut fx = vec![Effect::Reload, self.load_reports()];
        fx.extend(self.start_check(targets, Purpose::Refresh));
        fx
    }

    /// Applies `text` as the filter (an empty one shows everything).
    fn set_filter(&mut self, text: String) {
        self.fleet.filter = tui_input::Input::new(text);
        self.fleet.error = parse_filter(self.fleet.filter.value()).err();
        self.rebuild_fleet();
        self.fleet.top.set(0);
    }

    /// A key while the filter is typed: it filters as typed; Enter keeps it, Esc puts back
    /// the filter there was before, ↑/↓ move the selection.
    pub(super) fn filter_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        match filter_key(&key) {
            Some(FilterKey::Keep) => {
                self.fleet.typing = false;
                self.fleet.before = None;
                if self.fleet.error.is_some() {
                    self.set_filter(String::new());
                }
            }
            Some(FilterKey::Cancel) => {
                self.fleet.typing = false;
                let before = self.fleet.before.take().unwrap_or_default();
                self.set_filter(before);
            }
            Some(FilterKey::Down) => return self.fleet_action(Action::SelectDown),
            Some(FilterKey::Up) => return self.fleet_action(Action::SelectUp),
            None if matches!(key.code, KeyCode::Backspace) && self.fleet.filter.value().is_empty() => {
                self.fleet.typing = false;
                self.fleet.before = None;
            }
            None => {
                let mut input = self.fleet.filter.clone();
                input.handle_event(&Event::Key(key));
                if input.value() != self.fleet.filter.value() && input.value().chars().count() <= MAX_FILTER {
                    let cursor = input.cursor();
                    self.set_filter(input.value().to_owned());
                    self.fleet.filter = self.fleet.filter.clone().with_cursor(cursor);
                    self.selected = 0;
                } else if input.value() == self.fleet.filter.value() {
                    self.fleet.filter = input;
                }
            }
        }
        Vec::new()
    }

    /// How far the running `r` has got: (done, of), while one runs.
    pub fn fleet_progress(&self) -> Option<(usize, usize)> {
        let run = &self.fleet.run;
        let pending = run.iter().filter(|d| self.checking(d)).count();
        (pending > 0).then(|| (run.len() - pending, run.len()))
    }
}
