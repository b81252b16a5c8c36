//! TLS-RPT reports in the wizard: loading the sums, the reports view toggle and the import.

use std::collections::{BTreeMap, BTreeSet};

use super::app::{App, DomainReports, Effect, ImportCounts, Overlay, Pane, Prompt, PromptKind, Screen};
use super::model::thousands;

impl App {
    /// Asks for the reports to be read again (as of the app's `now`).
    pub(super) fn load_reports(&self) -> Effect {
        Effect::LoadReports { now: self.now }
    }

    pub(super) fn on_reports(&mut self, r: Result<Vec<DomainReports>, String>) -> Vec<Effect> {
        match r {
            Ok(list) => {
                let mut fresh: BTreeMap<_, _> = list.into_iter().map(|d| (d.domain.clone(), d)).collect();
                let known: BTreeSet<_> = self.sessions.keys().cloned().chain(fresh.keys().cloned()).collect();
                for d in known {
                    let r = fresh.remove(&d);
                    let s = self.session_mut(&d);
                    if s.reports != r {
                        s.reports = r;
                        self.dirty = true;
                    }
                }
            }
            Err(e) => {
                self.dirty = true;
                self.set_status(format!("cannot read TLS-RPT reports: {e}"), true);
            }
        }
        Vec::new()
    }

    pub(super) fn on_imported(&mut self, r: Result<ImportCounts, String>) -> Vec<Effect> {
        self.dirty = true;
        let fetching = self.import.take().is_some_and(|c| c.fetch);
        match r {
            Ok(c) => {
                let n = |v: usize| thousands(v);
                let mut lines = vec![format!(
                    "{}{} imported, {} duplicate, {} rejected, {} ignored",
                    if c.cancelled { "cancelled: " } else { "" },
                    n(c.imported),
                    n(c.duplicate),
                    n(c.rejected),
                    n(c.ignored)
                )];
                if c.cancelled && c.fetch {
                    lines.push(
                        "Reports stored before Esc are kept whole; the next fetch goes on from there.".into(),
                    );
                } else if c.cancelled {
                    lines.push(
                        "Reports stored before Esc are kept whole; importing the same path again skips them."
                            .into(),
                    );
                }
                lines.extend(self.whose(&c));
                let total = c.items();
                if !c.lines.is_empty() {
                    lines.push(String::new());
                    lines.extend(c.lines.iter().cloned());
                    if total > c.lines.len() {
                        lines.push(format!("… and {} more", thousands(total - c.lines.len())));
                    }
                }
                self.set_status(lines[0].clone(), c.rejected > 0 || c.cancelled);
                let title = if c.fetch { " TLS-RPT fetch (IMAP) " } else { " TLS-RPT import " };
                self.overlay = Some(Overlay::note(title, lines));
                vec![self.load_reports()]
            }
            Err(e) => {
                let what = if fetching { "fetch" } else { "import" };
                self.set_status(format!("{what} failed: {e}"), true);
                Vec::new()
            }
        }
    }

    /// Which domains the new reports are for, when some are not tracked here (or none is
    /// for the domain open): said, never left to be guessed from an empty reports pane.
    fn whose(&self, c: &ImportCounts) -> Vec<String> {
        let tracked: BTreeSet<String> = self.tracked().map(|d| d.as_str().to_owned()).collect();
        let others: Vec<(&String, &usize)> =
            c.domains.iter().filter(|(d, _)| !tracked.contains(*d)).collect();
        let mut out = Vec::new();
        if !others.is_empty() {
            let reports: usize = others.iter().map(|(_, n)| **n).sum();
            let mut named: Vec<String> =
                others.iter().take(5).map(|(d, n)| format!("{d} ({})", thousands(**n))).collect();
            if others.len() > 5 {
                named.push(format!("{} more", others.len() - 5));
            }
            out.push(format!(
                "{} for domains not tracked here: {}. They are stored: `mtasts reports summary` \
                 lists them, and tracking a domain (on the home screen) shows its reports here.",
                mtasts_core::words::count(reports as u64, "report"),
                named.join(", "),
            ));
        }
        if let Screen::Domain(v) = &self.screen
            && !c.domains.is_empty()
            && !c.domains.contains_key(v.domain.as_str())
        {
            out.push(format!("No new report is for {}.", v.domain));
        }
        out
    }

    /// Starts an import in the background (shown with a spinner; Esc cancels it).
    pub(super) fn start_import(&mut self, paths: Vec<std::path::PathBuf>) -> Vec<Effect> {
        self.import = Some(ImportCounts::default());
        self.status = None;
        vec![Effect::Import(paths)]
    }

    /// Esc while an import runs: stop it after the report being stored.
    pub(super) fn cancel_import(&mut self) -> Vec<Effect> {
        self.set_status("cancelling the import…", false);
        vec![Effect::CancelImport]
    }

    /// Opens the import prompt (default: the current directory).
    pub(super) fn import_prompt(&mut self) -> Vec<Effect> {
        let p = Prompt::new(
            PromptKind::ImportPath,
            "./",
            vec![
                "Import TLS-RPT reports from a file or folder:".into(),
                ".json, .json.gz, .eml, mbox files, maildir folders (searched recursively)".into(),
            ],
        );
        let fx = p.inspect(false);
        self.overlay = Some(Overlay::Prompt(p));
        fx
    }

    /// Opens the fetch prompt: an IMAP mailbox URL; the secret comes from the environment when
    /// it is set there, else it is asked for next, masked.
    pub(super) fn fetch_prompt(&mut self) -> Vec<Effect> {
        let secret = match self.imap_env {
            Some(var) => format!("Password or token: from ${var} (set in the environment)"),
            None => "The password or OAuth2 token is asked for next (not shown, never saved)".to_owned(),
        };
        let p = Prompt::new(
            PromptKind::FetchUrl,
            "imaps://",
            vec!["Mailbox: imaps://USER@HOST[:PORT]/MAILBOX (imap:// uses STARTTLS)".into(), secret],
        );
        self.overlay = Some(Overlay::Prompt(p));
        Vec::new()
    }

    /// Starts a fetch in the background (progress in the status line; Esc cancels it), with
    /// the typed secret, else the environment's.
    pub(super) fn start_fetch(&mut self, url: String, secret: Option<super::secret::Typed>) -> Vec<Effect> {
        self.import = Some(ImportCounts { fetch: true, ..ImportCounts::default() });
        self.status = None;
        vec![Effect::Fetch { url, secret }]
    }

    /// Shows the reports pane (or the phase's) of the open domain.
    pub(super) fn show_pane(&mut self, pane: Pane) -> Vec<Effect> {
        if let Screen::Domain(v) = &mut self.screen {
            v.pane = pane;
            v.scroll = 0;
        }
        if pane == Pane::Reports { self.reviewed() } else { Vec::new() }
    }
}
