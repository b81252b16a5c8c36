//! The home screen's `w`: one artefact for the marked (or shown) domains — the shared Worker
//! for those on path C, a zone fragment with all their records, or one monitoring unit for all
//! — chosen in a small menu, then written through the write prompt (Tab completes, nothing is
//! overwritten).

use super::app::{App, Effect, Overlay, Prompt, PromptKind};
use super::artefact::{FleetArtefact, fleet_files, on_shared_worker};
use super::keymap_modal::{ChoiceKey, choice_key};
use super::overlay::FleetWrite;
use mtasts_core::rollout::DomainState;
use mtasts_core::words::count;

impl App {
    /// `w` on the home screen: the menu, for the domains `r` would check.
    pub(super) fn fleet_write_menu(&mut self) -> Vec<Effect> {
        let domains = self.fleet_targets();
        if domains.is_empty() {
            return Vec::new();
        }
        let what = self.targets_word();
        let which = count(domains.len() as u64, &format!("{what} domain"));
        let workers = domains.iter().filter(|d| self.state(d).is_some_and(on_shared_worker)).count();
        self.fleet.writing = domains;
        self.overlay = Some(Overlay::FleetWrite(FleetWrite { which, workers, error: None }));
        Vec::new()
    }

    /// A key in the write menu: a number opens the write prompt for that artefact.
    pub(super) fn fleet_write_key(
        &mut self,
        mut menu: FleetWrite,
        key: crossterm::event::KeyEvent,
    ) -> Vec<Effect> {
        match choice_key(&key) {
            Some(ChoiceKey::Cancel) => Vec::new(),
            Some(ChoiceKey::Choose(i)) => {
                let Some(what) = FleetArtefact::ALL.get(i).copied() else { return Vec::new() };
                if let Err(e) = fleet_files(what, &self.writing_states()) {
                    menu.error = Some(e);
                    self.overlay = Some(Overlay::FleetWrite(menu));
                    return Vec::new();
                }
                let context = vec![match what {
                    FleetArtefact::Worker => format!(
                        "Write the shared Worker for the {} of the {} on path C — wrangler.jsonc and \
                         worker.js — into (a new folder; then npx wrangler deploy there):",
                        menu.workers, menu.which
                    ),
                    FleetArtefact::Zone => {
                        format!(
                            "Write the records of the {} as one zone-file fragment to (a new file):",
                            menu.which
                        )
                    }
                    FleetArtefact::Monitoring => format!(
                        "Write one daily check of the {} — the list of domains, a crontab entry, a \
                         service and a timer — into (a new folder):",
                        menu.which
                    ),
                }];
                let p = Prompt::new(PromptKind::WriteFleet(what), what.default_path(), context);
                let fx = p.inspect(false);
                self.overlay = Some(Overlay::Prompt(p));
                fx
            }
            None => {
                self.overlay = Some(Overlay::FleetWrite(menu));
                Vec::new()
            }
        }
    }

    /// The states of the domains the menu writes for.
    fn writing_states(&self) -> Vec<&DomainState> {
        self.fleet.writing.iter().filter_map(|d| self.state(d)).collect()
    }

    /// The write prompt was submitted (its path checked already).
    pub(super) fn write_fleet(&mut self, what: FleetArtefact, input: &str) -> Vec<Effect> {
        let files = fleet_files(what, &self.writing_states());
        self.write_effects(files, what.is_folder(), input)
    }
}
