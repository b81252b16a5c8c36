//! TLS-RPT reports in the wizard: loading the sums, the reports view toggle and the import.

use std::collections::BTreeMap;

use super::app::{App, DomainReports, Effect, ImportCounts, Overlay, Prompt, PromptKind, Screen};

impl App {
    /// Asks for the reports to be read again (as of the app's `now`).
    pub(super) fn load_reports(&self) -> Effect {
        Effect::LoadReports { now: self.now }
    }

    pub(super) fn on_reports(&mut self, r: Result<Vec<DomainReports>, String>) -> Vec<Effect> {
        match r {
            Ok(list) => {
                let summaries: BTreeMap<_, _> = list.into_iter().map(|d| (d.domain.clone(), d)).collect();
                let tallies: BTreeMap<_, _> =
                    summaries.iter().filter_map(|(d, r)| Some((d.clone(), r.tally.clone()?))).collect();
                if summaries != self.summaries || tallies != self.reports {
                    self.dirty = true;
                }
                self.summaries = summaries;
                self.reports = tallies;
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
        match r {
            Ok(c) => {
                let mut lines = vec![format!(
                    "{} imported, {} duplicate, {} rejected, {} ignored",
                    c.imported, c.duplicate, c.rejected, c.ignored
                )];
                let total = c.imported + c.duplicate + c.rejected + c.ignored;
                if !c.lines.is_empty() {
                    lines.push(String::new());
                    lines.extend(c.lines.iter().cloned());
                    if total > c.lines.len() {
                        lines.push(format!("… and {} more", total - c.lines.len()));
                    }
                }
                self.set_status(lines[0].clone(), c.rejected > 0);
                self.overlay = Some(Overlay::Note { title: " TLS-RPT import ", lines });
                vec![self.load_reports()]
            }
            Err(e) => {
                self.set_status(format!("import failed: {e}"), true);
                Vec::new()
            }
        }
    }

    /// Opens the import prompt (default: the current directory).
    pub(super) fn import_prompt(&mut self) -> Vec<Effect> {
        self.overlay = Some(Overlay::Prompt(Prompt {
            kind: PromptKind::ImportPath,
            input: ".".into(),
            error: None,
            context: vec![
                "Import TLS-RPT reports from a file or folder:".into(),
                ".json, .json.gz, .eml, mbox files, maildir folders (searched recursively)".into(),
            ],
        }));
        Vec::new()
    }

    /// Shows or hides the reports view of the open domain.
    pub(super) fn toggle_reports(&mut self) -> Vec<Effect> {
        if let Screen::Domain(v) = &mut self.screen {
            v.reports = !v.reports;
            v.scroll = 0;
        }
        Vec::new()
    }
}
