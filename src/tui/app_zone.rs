//! Every name that receives mail, from a zone file (`mtasts add --zone-file` in the wizard):
//! Tab in the add prompt asks for the zone file of the domain typed there; the file is read by
//! the same `ops::zone` code as the CLI (as an effect); its names with MX records are listed,
//! the untracked ones ticked; Enter checks each ticked name and tracks it with the zone's MX
//! hosts (`ops::domain::add`, as the CLI's `--zone-file` does).

use crossterm::event::KeyEvent;

use super::app::{App, Effect, Op, Overlay, Prompt, PromptKind, Purpose};
use super::keymap_modal::{PickKey, pick_key};
use super::overlay::{Pick, PickItem, PickState};
use crate::ops::zone::MailName;
use crate::ops::{AddOptions, Checked};
use mtasts_core::rfc::{DomainName, MxPattern};
use mtasts_core::sanitize::sanitize;

impl App {
    /// Tab in the add prompt: the zone file of the domain typed there.
    pub(super) fn zone_prompt(&mut self, add: Prompt) -> Vec<Effect> {
        match DomainName::parse(add.value().trim()) {
            Ok(origin) => {
                let context = vec![
                    format!(
                        "The zone file of {origin} (a BIND file; $INCLUDE is not followed): every name \
                         in it with MX records is listed, to track those that still receive mail."
                    ),
                    "The same reading as `mtasts add DOMAIN --zone-file FILE`.".to_owned(),
                ];
                let p = Prompt::new(PromptKind::ZoneFile, "./", context);
                let fx = p.inspect(false);
                self.zone_origin = Some(origin);
                self.overlay = Some(Overlay::Prompt(p));
                fx
            }
            Err(_) => {
                let mut add = add;
                add.error =
                    Some("type the zone's domain first (its origin, e.g. example.com), then tab".into());
                self.overlay = Some(Overlay::Prompt(add));
                Vec::new()
            }
        }
    }

    /// The zone file prompt was submitted: read it in the background.
    pub(super) fn read_zone(&mut self, typed: &str) -> Vec<Effect> {
        let Some(origin) = self.zone_origin.clone() else { return Vec::new() };
        self.set_status(format!("reading {} …", sanitize(typed)), false);
        vec![Effect::ReadZone { path: super::paths::expand(typed), origin }]
    }

    /// The zone file was read: its names that receive mail, to pick from.
    pub(super) fn on_zone(&mut self, file: String, names: Result<Vec<MailName>, String>) -> Vec<Effect> {
        self.dirty = true;
        let names = match names {
            Ok(n) => n,
            Err(e) => {
                self.set_status(sanitize(&e).into_owned(), true);
                return Vec::new();
            }
        };
        if names.is_empty() {
            self.set_status(
                format!("no name in {} has MX records: nothing receives mail", sanitize(&file)),
                false,
            );
            return Vec::new();
        }
        let items: Vec<PickItem> = names
            .into_iter()
            .map(|n| {
                let state = match () {
                    _ if self.state(&n.name).is_some() => PickState::Tracked,
                    _ if n.null_mx && n.mx.is_empty() => PickState::NullMx,
                    _ => PickState::Untracked(true),
                };
                PickItem { mx: n.mx.into_iter().map(|(_, h)| h).collect(), name: n.name, state }
            })
            .collect();
        let at = items.iter().position(|i| matches!(i.state, PickState::Untracked(_))).unwrap_or(0);
        self.status = None;
        self.overlay = Some(Overlay::Pick(Pick { file, items, at }));
        Vec::new()
    }

    /// A key in the zone list: move, tick, tick all, track the ticked names, or cancel.
    pub(super) fn pick_key(&mut self, mut p: Pick, key: KeyEvent) -> Vec<Effect> {
        let last = p.items.len().saturating_sub(1);
        match pick_key(&key) {
            Some(PickKey::Down) => p.at = (p.at + 1).min(last),
            Some(PickKey::Up) => p.at = p.at.saturating_sub(1),
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
            self.zone_adds.insert(i.name.clone(), i.mx.iter().cloned().map(MxPattern::exact).collect());
        }
        let list: Vec<&str> = names.iter().map(DomainName::as_str).collect();
        self.set_status(format!("checking {} before tracking…", list.join(", ")), false);
        self.start_check(names, Purpose::AddFromZone)
    }

    /// A picked name's check is back: track it with the zone's MX hosts (a domain that already
    /// publishes MTA-STS is adopted, as `add` does).
    pub(super) fn add_from_zone(&mut self, c: Checked) -> Vec<Effect> {
        match self.zone_adds.get(&c.domain) {
            Some(mx) => {
                let opts = AddOptions { mx: mx.clone(), ..AddOptions::default() };
                vec![Effect::Op(Op::Add(Box::new(c), opts))]
            }
            None => Vec::new(),
        }
    }

    /// A picked name is tracked: said, and the wizard stays where it is (several may follow).
    pub(super) fn zone_added(&mut self, added: crate::ops::Added) -> Vec<Effect> {
        let d = added.state.domain.clone();
        self.zone_adds.remove(&d);
        let how = if added.adopted { "adopted" } else { "now tracking" };
        let left = match self.zone_adds.len() {
            0 => String::new(),
            n => format!("; {n} more to add"),
        };
        self.replace(added.state);
        self.set_status(format!("{how} {d} (from the zone file){left}"), false);
        vec![Effect::Reload]
    }

    /// An operation failed: a picked name whose add failed is not waited for any more.
    pub(super) fn forget_failed_zone_adds(&mut self) {
        let checking: Vec<DomainName> = self.zone_adds.keys().filter(|d| self.checking(d)).cloned().collect();
        self.zone_adds.retain(|d, _| checking.contains(d));
    }
}
