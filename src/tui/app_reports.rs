//! TLS-RPT reports in the wizard: loading the sums, the reports view toggle and the import.

use std::collections::{BTreeMap, BTreeSet};

use super::app::{App, DomainReports, Effect, ImportCounts, Overlay, Pane, Prompt, PromptKind, Screen};

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
                let mut lines = vec![format!(
                    "{}{} imported, {} duplicate, {} rejected, {} ignored",
                    if c.cancelled { "cancelled: " } else { "" },
                    c.imported,
                    c.duplicate,
                    c.rejected,
                    c.ignored
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
                let total = c.items();
                if !c.lines.is_empty() {
                    lines.push(String::new());
                    lines.extend(c.lines.iter().cloned());
                    if total > c.lines.len() {
                        lines.push(format!("… and {} more", total - c.lines.len()));
                    }
                }
                self.set_status(lines[0].clone(), c.rejected > 0 || c.cancelled);
                let title = if c.fetch { " TLS-RPT fetch (IMAP) " } else { " TLS-RPT import " };
                self.overlay = Some(Overlay::Note { title, lines });
                vec![self.load_reports()]
            }
            Err(e) => {
                let what = if fetching { "fetch" } else { "import" };
                self.set_status(format!("{what} failed: {e}"), true);
                Vec::new()
            }
        }
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

    /// Opens the fetch prompt: an IMAP mailbox URL; the secret comes from the environment.
    pub(super) fn fetch_prompt(&mut self) -> Vec<Effect> {
        let p = Prompt::new(
            PromptKind::FetchUrl,
            "imaps://",
            vec![
                "Mailbox: imaps://USER@HOST[:PORT]/MAILBOX (imap:// uses STARTTLS)".into(),
                "Password: $MTASTS_IMAP_PASSWORD or _FILE; OAuth2: $MTASTS_IMAP_TOKEN".into(),
            ],
        );
        self.overlay = Some(Overlay::Prompt(p));
        Vec::new()
    }

    /// Starts a fetch in the background (progress in the status line; Esc cancels it).
    pub(super) fn start_fetch(&mut self, url: String) -> Vec<Effect> {
        self.import = Some(ImportCounts { fetch: true, ..ImportCounts::default() });
        self.status = None;
        vec![Effect::Fetch(url)]
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
