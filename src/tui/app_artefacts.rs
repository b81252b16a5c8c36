//! What the wizard copies and writes besides the hosting snippet — the policy file (at
//! enforce: the enforce policy), the wrangler project, the monitoring units — and the prompt
//! that edits the web server paths. Keys: see [`super::keymap`].

use std::path::PathBuf;

use super::app::{App, Effect, Op, Overlay, Prompt, PromptKind, Screen};
use super::keymap::Action;
use crate::ops::snippet::{options, snippet_input};
use mtasts_core::rfc::{Mode, Policy};
use mtasts_core::rollout::{DomainState, ENFORCE_MAX_AGE, HostingPath, Phase, monitoring_units};
use mtasts_core::snippet::{self, File, Options, Target};

/// What a write prompt writes (besides the hosting snippet, which has its own prompt).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Artefact {
    /// The policy file `mta-sts.txt`.
    Policy,
    /// The daily check: crontab entry, systemd service and timer (a new folder).
    Monitoring,
    /// `wrangler.jsonc` and the Worker module beside it (a new folder).
    Wrangler,
}

impl Artefact {
    /// Whether it is written as a new folder of files (else one new file).
    pub fn is_folder(self) -> bool {
        self != Artefact::Policy
    }
}

/// The policy the screen `viewing` shows: the plan's, except that the enforce screens seen
/// before the domain gets there preview the enforce policy (`mode: enforce`,
/// `max_age: 604800`; its new id is generated when `n` advances).
pub fn shown_policy(state: &DomainState, viewing: Phase) -> Policy {
    let plan = state.plan.policy();
    if previewing_enforce(state, viewing) {
        Policy { mode: Mode::Enforce, max_age: ENFORCE_MAX_AGE, ..plan }
    } else {
        plan
    }
}

/// Whether `viewing` is an enforce screen the domain has not reached yet.
pub fn previewing_enforce(state: &DomainState, viewing: Phase) -> bool {
    matches!(viewing, Phase::Enforce | Phase::Enforced) && state.phase < Phase::Enforce
}

/// Whether `state`'s hosting path reads certificate and webroot paths.
pub fn edits_paths(state: &DomainState) -> bool {
    matches!(state.plan.hosting, Some(HostingPath::Nginx | HostingPath::Apache | HostingPath::Caddy))
}

/// Whether `state`'s hosting path is a Worker (so the wrangler project applies).
pub fn is_worker(state: &DomainState) -> bool {
    matches!(state.plan.hosting, Some(HostingPath::Worker | HostingPath::WorkerMulti))
}

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
            PromptKind::WriteArtefact(what) => match self.artefact(&state, what, viewing) {
                Ok(files) if what.is_folder() => vec![Effect::WriteFiles {
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
            },
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

/// Writes `files` into the new folder `dir` (never into an existing one, never over a file).
pub fn write_files(dir: &std::path::Path, files: &[(String, String)]) -> super::app::Msg {
    use super::app::{Msg, Status};
    let shown = mtasts_core::sanitize::sanitize(&dir.display().to_string()).into_owned();
    if let Err(e) = std::fs::create_dir(dir) {
        return Msg::Note(Status::Error(format!("cannot create the folder {shown}: {e}")));
    }
    for (name, text) in files {
        if let Msg::Note(Status::Error(e)) = super::effects::write_file(&dir.join(name), text) {
            return Msg::Note(Status::Error(e));
        }
    }
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    Msg::Note(Status::Info(format!("wrote {} into {shown}", names.join(", "))))
}
