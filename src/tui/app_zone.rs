//! Names from a file, in the wizard: Tab in the add prompt asks for a file, either a list of
//! domains (`mtasts add --domain-file`) or the zone file of the domain typed there (`mtasts
//! add --zone-file`), read by the same `ops` code as the CLI (as an effect). Its names are
//! listed, the untracked ones ticked; Enter checks every ticked name at once and tracks each as
//! its check finishes, with the file's MX hosts or else the ones DNS names (`ops::domain::add`,
//! as the CLI does), the status line counting them.

use crossterm::event::KeyEvent;

use super::app::{App, Effect, Op, Overlay, Prompt, PromptKind, Purpose};
use super::keymap_modal::{PickKey, pick_key};
use super::overlay::{Pick, PickItem, PickState};
use crate::ops::domain_list::{DomainList, FileNames};
use crate::ops::zone::MailName;
use crate::ops::{AddOptions, Checked};
use mtasts_core::rfc::{DomainName, MxPattern};
use mtasts_core::sanitize::sanitize;

impl App {
    /// Tab in the add prompt: a file of names. With a domain typed, its zone file (or a list
    /// of domains); with nothing typed, a list of domains.
    pub(super) fn zone_prompt(&mut self, add: Prompt) -> Vec<Effect> {
        let typed = add.value().trim();
        let origin = match DomainName::parse(typed) {
            Ok(origin) => Some(origin),
            Err(_) if typed.is_empty() => None,
            Err(_) => {
                let mut add = add;
                add.error = Some(
                    "type the zone's domain first (its origin, e.g. example.com), or clear the line for \
                     a list of domains; then tab"
                        .into(),
                );
                self.overlay = Some(Overlay::Prompt(add));
                return Vec::new();
            }
        };
        let list = "A list of domains: one DOMAIN [MX...] per line, # starts a comment (as `mtasts add \
                    --domain-file FILE` reads it).";
        let context = match &origin {
            Some(origin) => vec![
                format!(
                    "The zone file of {origin} (a BIND file; $INCLUDE is not followed): every name \
                     in it with MX records is listed, to track those that still receive mail."
                ),
                format!("Or: {}{}", &list[..1].to_lowercase(), &list[1..]),
            ],
            None => vec![list.to_owned(), "Each untracked domain is checked and tracked.".to_owned()],
        };
        let p = Prompt::new(PromptKind::ZoneFile, "./", context);
        let fx = p.inspect(false);
        self.zone_origin = origin;
        self.overlay = Some(Overlay::Prompt(p));
        fx
    }

    /// The file prompt was submitted: read it in the background.
    pub(super) fn read_zone(&mut self, typed: &str) -> Vec<Effect> {
        self.set_status(format!("reading {} …", sanitize(typed)), false);
        vec![Effect::ReadZone { path: super::paths::expand(typed), origin: self.zone_origin.clone() }]
    }

    /// The file was read: its names (a zone's names that receive mail, or a list's domains),
    /// to pick from.
    pub(super) fn on_zone(&mut self, file: String, names: Result<FileNames, String>) -> Vec<Effect> {
        self.dirty = true;
        let (items, list) = match names {
            Ok(FileNames::Zone(n)) => (self.zone_items(n), false),
            Ok(FileNames::List(l)) => (self.list_items(l), true),
            Err(e) => {
                self.set_status(sanitize(&e).into_owned(), true);
                return Vec::new();
            }
        };
        if items.is_empty() {
            self.set_status(
                format!("no name in {} has MX records: nothing receives mail", sanitize(&file)),
                false,
            );
            return Vec::new();
        }
        let at = items.iter().position(|i| matches!(i.state, PickState::Untracked(_))).unwrap_or(0);
        self.status = None;
        self.overlay = Some(Overlay::Pick(Pick { file, list, page: Default::default(), items, at }));
        Vec::new()
    }

    fn zone_items(&self, names: Vec<MailName>) -> Vec<PickItem> {
        names
            .into_iter()
            .map(|n| {
                let state = match () {
                    _ if self.state(&n.name).is_some() => PickState::Tracked,
                    _ if n.null_mx && n.mx.is_empty() => PickState::NullMx,
                    _ => PickState::Untracked(true),
                };
                PickItem {
                    mx: n.mx.into_iter().map(|(_, h)| MxPattern::exact(h)).collect(),
                    name: n.name,
                    state,
                }
            })
            .collect()
    }

    fn list_items(&self, list: DomainList) -> Vec<PickItem> {
        list.domains
            .into_iter()
            .map(|l| {
                let tracked = self.state(&l.domain).is_some();
                let state = if tracked { PickState::Tracked } else { PickState::Untracked(true) };
                PickItem { name: l.domain, mx: l.mx, state }
            })
            .collect()
    }

    /// A key in the list: move, page, tick, tick all, track the ticked names, or cancel.
    pub(super) fn pick_key(&mut self, mut p: Pick, key: KeyEvent) -> Vec<Effect> {
        let last = p.items.len().saturating_sub(1);
        let page = p.page.get().max(1);
        match pick_key(&key) {
            Some(PickKey::Down) => p.at = (p.at + 1).min(last),
            Some(PickKey::Up) => p.at = p.at.saturating_sub(1),
            Some(PickKey::PageDown) => p.at = (p.at + page).min(last),
            Some(PickKey::PageUp) => p.at = p.at.saturating_sub(page),
            Some(PickKey::Top) => p.at = 0,
            Some(PickKey::Bottom) => p.at = last,
            Some(PickKey::Toggle) => {
                if let Some(PickState::Untracked(on)) = p.items.get_mut(p.at).map(|i| &mut i.state) {
                    *on = !*on;
                }
            }
            Some(PickKey::All) => {
                let all = p.items.iter().all(|i| !matches!(i.state, PickState::Untracked(false)));
                for i in &mut p.items {
                    if let PickState::Untracked(on) = &mut i.state {
                        *on = !all;
                    }
                }
            }
            Some(PickKey::Track) => return self.track_picked(&p),
            Some(PickKey::Cancel) => return Vec::new(),
            None => {}
        }
        self.overlay = Some(Overlay::Pick(p));
        Vec::new()
    }

    /// Checks every ticked name; each is tracked with its zone MX hosts when its check is back.
    fn track_picked(&mut self, p: &Pick) -> Vec<Effect> {
        let picked = p.ticked();
        if picked.is_empty() {
            self.set_status("nothing ticked: nothing added", false);
            return Vec::new();
        }
        let names: Vec<DomainName> = picked.iter().map(|i| i.name.clone()).collect();
        for i in &picked {
            self.zone_adds.insert(i.name.clone(), i.mx.clone());
        }
        self.zone_batch = (names.len(), Vec::new());
        let what = match names.as_slice() {
            [a] => a.to_string(),
            [a, b] => format!("{a} and {b}"),
            _ => format!("{} names", names.len()),
        };
        self.set_status(format!("checking {what} before tracking…"), false);
        self.start_check(names, Purpose::AddFromZone)
    }

    /// A picked name's check is back: track it with the file's MX hosts, else the ones DNS
    /// names (a domain that already publishes MTA-STS is adopted, as `add` does). One that
    /// has neither is not added, and said so.
    pub(super) fn add_from_zone(&mut self, c: Checked) -> Vec<Effect> {
        let Some(mx) = self.zone_adds.get(&c.domain).cloned() else { return Vec::new() };
        let adopted = c.observation.sts_id.is_some() || c.observation.live_policy.is_some();
        let why = match crate::ops::domain::mx_lookup_words(&c) {
            _ if !mx.is_empty() || adopted => None,
            _ if c.evidence.null_mx => Some("it publishes a null MX: it receives no mail".to_owned()),
            words => words,
        };
        if let Some(why) = why {
            self.zone_adds.remove(&c.domain);
            self.zone_batch.1.push(format!("{} ({})", c.domain, why));
            self.batch_progress(None);
            return Vec::new();
        }
        let opts = AddOptions { mx, ..AddOptions::default() };
        vec![Effect::Op(Op::Add(Box::new(c), opts))]
    }

    /// A picked name is tracked: said, and the wizard stays where it is (several may follow).
    pub(super) fn zone_added(&mut self, added: crate::ops::Added) -> Vec<Effect> {
        let d = added.state.domain.clone();
        self.zone_adds.remove(&d);
        let how = if added.adopted { "adopted" } else { "now tracking" };
        self.replace(added.state);
        self.batch_progress(Some(format!("{how} {d}")));
        vec![Effect::Reload]
    }

    /// The add from a file in words: the latest name, how many are left, and at the end the
    /// ones that could not be added.
    fn batch_progress(&mut self, latest: Option<String>) {
        let (total, failed) = &self.zone_batch;
        let left = self.zone_adds.len();
        let done = total.saturating_sub(left + failed.len());
        let text = match (left, failed.as_slice(), latest) {
            (0, [], Some(l)) if *total == 1 => format!("{l} (from the file)"),
            (0, [], _) => format!("tracked all {total} names from the file"),
            (0, f, _) => format!("tracked {done} of {total}; not added: {}", f.join(", ")),
            (n, _, Some(l)) => format!("{l} (from the file); {done} of {total} tracked, {n} more to add"),
            (n, f, None) => format!("{} not added; {n} more to add", f.last().cloned().unwrap_or_default()),
        };
        let error = left == 0 && !failed.is_empty();
        self.set_status(text, error);
    }

    /// An operation failed: a picked name whose add failed is not waited for any more.
    pub(super) fn forget_failed_zone_adds(&mut self) {
        let checking: Vec<DomainName> = self.zone_adds.keys().filter(|d| self.checking(d)).cloned().collect();
        self.zone_adds.retain(|d, _| checking.contains(d));
    }
}
