//! The keys that copy and write what the wizard offers besides the hosting snippet — the
//! policy file (at enforce: the enforce policy), the wrangler project, the monitoring units
//! (see [`super::artefact`]) — and the prompt that edits the web server paths. Keys: see
//! [`super::keymap`].

use std::path::PathBuf;

use super::app::{App, Screen};
use super::artefact::{Artefact, edits_paths, shown_policy};
use super::keymap::Action;
use super::msg::{Effect, Op};
use super::overlay::{Overlay, Prompt, PromptKind};
use crate::ops::snippet::{options, site, snippet_input};
use mtasts_core::rollout::{DomainState, Phase, monitoring_units};
use mtasts_core::snippet::{self, File, Options, Target};

impl App {
    /// The files of `what` for `state` as seen on `viewing`'s screen.
    pub(super) fn artefact(
        &self,
        state: &DomainState,
        what: Artefact,
        viewing: Phase,
    ) -> Result<Vec<File>, String> {
        match what {
            Artefact::Policy => {
                Ok(vec![File { name: "mta-sts.txt".into(), text: shown_policy(state, viewing).render() }])
            }
            Artefact::Records => {
                let zone = snippet::generate(Target::Dns, &[site(state)], &Options::default())
                    .map_err(|e| e.to_string())?;
                Ok(vec![File { name: zone.file_name, text: zone.text }])
            }
            Artefact::Monitoring => Ok(monitoring_units(&state.domain)
                .into_iter()
                .map(|(name, text)| File { name, text })
                .collect()),
            Artefact::Wrangler => {
                let (_, sites) = snippet_input(state, self.tracked_states())
                    .filter(|(t, _)| matches!(t, Target::Worker | Target::WorkerMulti))
                    .ok_or("choose a Worker path first (5 or 6)")?;
                snippet::files(Target::Wrangler, &sites, &Options::default())
                    .map(|(files, _)| files)
                    .map_err(|e| e.to_string())
            }
        }
    }

    /// The copy, write and edit keys of this module.
    pub(super) fn artefact_action(&mut self, action: Action, state: &DomainState) -> Vec<Effect> {
        let viewing = match &self.screen {
            Screen::Domain(v) => v.viewing,
            Screen::Home => return Vec::new(),
        };
        let (what, write) = match action {
            Action::CopyPolicy => (Artefact::Policy, false),
            Action::CopyRecords => (Artefact::Records, false),
            Action::WriteRecords => (Artefact::Records, true),
            Action::WritePolicy => (Artefact::Policy, true),
            Action::CopyMonitoring => (Artefact::Monitoring, false),
            Action::WriteMonitoring => (Artefact::Monitoring, true),
            Action::WriteWrangler => (Artefact::Wrangler, true),
            Action::EditPaths => return self.edit_paths(state),
            Action::OpenHosting => {
                if let Screen::Domain(v) = &mut self.screen {
                    v.viewing = Phase::Hosting;
                    v.scroll = 0;
                }
                return Vec::new();
            }
            _ => return Vec::new(),
        };
        let files = match self.artefact(state, what, viewing) {
            Ok(f) => f,
            Err(e) => {
                self.set_status(e, true);
                return Vec::new();
            }
        };
        if !write {
            let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
            let text: String = if files.len() == 1 {
                files.iter().map(|f| f.text.as_str()).collect()
            } else {
                files.iter().map(|f| format!("# ==> {} <==\n{}\n", f.name, f.text)).collect()
            };
            self.set_status(
                format!("sent {} to the terminal's clipboard (OSC 52)", names.join(" + ")),
                false,
            );
            return vec![Effect::Copy(text)];
        }
        let (value, context) = match what {
            Artefact::Policy => {
                ("./mta-sts.txt".to_owned(), "Write the policy file to (a new file):".to_owned())
            }
            Artefact::Records => (
                format!("./{}.mta-sts.zone", state.domain),
                "Write the records as zone-file lines to (a new file):".to_owned(),
            ),
            Artefact::Monitoring => (
                format!("./mtasts-monitoring-{}", state.domain),
                "Write the crontab entry, service and timer into (a new folder):".to_owned(),
            ),
            Artefact::Wrangler => (
                "./mta-sts-worker".to_owned(),
                "Write wrangler.jsonc and worker.js into (a new folder; then npx wrangler deploy there):"
                    .to_owned(),
            ),
        };
        let p = Prompt::new(PromptKind::WriteArtefact(what), value, vec![context]);
        let fx = p.inspect(false);
        self.overlay = Some(Overlay::Prompt(p));
        fx
    }

    fn edit_paths(&mut self, state: &DomainState) -> Vec<Effect> {
        if !edits_paths(state) {
            self.set_status("the certificate and webroot paths apply to nginx, Apache and Caddy (1–3)", true);
            return Vec::new();
        }
        let shown = options(state).resolved(&state.domain).map(|p| p.join(" ")).unwrap_or_default();
        let context = vec![
            format!("Certificate, key and webroot for {}, space separated:", state.domain.policy_host()),
            "(the defaults are certbot's paths and /var/www/mta-sts.DOMAIN)".into(),
        ];
        self.overlay = Some(Overlay::Prompt(Prompt::new(PromptKind::ServerPaths, shown, context)));
        Vec::new()
    }

    /// The effects of a submitted artefact prompt (validated already).
    pub(super) fn submit_artefact(&mut self, kind: PromptKind, input: &str) -> Vec<Effect> {
        let Screen::Domain(v) = &self.screen else {
            return Vec::new();
        };
        let (domain, viewing) = (v.domain.clone(), v.viewing);
        let Some(state) = self.state(&domain).cloned() else {
            return Vec::new();
        };
        match kind {
            PromptKind::ServerPaths => match Options::parse_triple(input, &state.domain) {
                Ok(o) => {
                    let saved = (o != Options::default()).then_some(o);
                    vec![Effect::Op(Op::SetServerPaths(domain, saved))]
                }
                Err(_) => Vec::new(),
            },
            PromptKind::WriteArtefact(what) => {
                let files = self.artefact(&state, what, viewing);
                self.write_effects(files, what.is_folder(), input)
            }
            _ => Vec::new(),
        }
    }
}

/// Validates the server paths prompt as typed.
pub(super) fn validate_paths(app: &App, input: &str) -> Result<(), String> {
    let Screen::Domain(v) = &app.screen else {
        return Ok(());
    };
    Options::parse_triple(input, &v.domain).map(|_| ()).map_err(|e| e.to_string())
}

impl App {
    /// Writing `files` at the path typed: into a new folder, or as one new file; an error
    /// goes to the status line.
    pub(super) fn write_effects(
        &mut self,
        files: Result<Vec<File>, String>,
        folder: bool,
        input: &str,
    ) -> Vec<Effect> {
        match files {
            Ok(files) if folder => vec![Effect::WriteFiles {
                dir: PathBuf::from(input),
                files: files.into_iter().map(|f| (f.name, f.text)).collect(),
            }],
            Ok(files) => files
                .into_iter()
                .map(|f| Effect::WriteFile { path: PathBuf::from(input), text: f.text })
                .collect(),
            Err(e) => {
                self.set_status(e, true);
                Vec::new()
            }
        }
    }
}
