//! The walkthrough's checklist in the wizard: ticking the external testers off (saved in the
//! domain's state at once, shown at once) and noting a review of the TLS-RPT reports.

use super::app::{App, Effect, Op, Screen};
use mtasts_core::rfc::DomainName;
use mtasts_core::rollout::{ChecklistEdit, DomainState, Tester, apply_checklist};

impl App {
    /// Ticks (or unticks) tester number `i` (0-based) of the open domain.
    pub(super) fn tick_tester(&mut self, state: DomainState, i: usize) -> Vec<Effect> {
        let Some(&tester) = Tester::ALL.get(i) else {
            return Vec::new();
        };
        let edit = ChecklistEdit::Tester(tester, !state.walkthrough.ran(tester));
        let what = if state.walkthrough.ran(tester) { "unticked" } else { "ticked" };
        self.set_status(format!("{what} {} (saved)", tester.name()), false);
        self.checklist(state, edit)
    }

    /// Whether `domain` has reports to review (its reports pane shows a summary).
    pub fn has_reports(&self, domain: &DomainName) -> bool {
        self.session(domain).and_then(|s| s.reports.as_ref()).is_some_and(|r| r.summary.is_some())
    }

    /// Notes that the open domain's reports were looked at, when there are any to look at.
    pub(super) fn reviewed(&mut self) -> Vec<Effect> {
        let Screen::Domain(v) = &self.screen else {
            return Vec::new();
        };
        let has_reports = self.has_reports(&v.domain);
        match self.state(&v.domain).cloned() {
            Some(state) if has_reports => self.checklist(state, ChecklistEdit::Reviewed),
            _ => Vec::new(),
        }
    }

    /// Shows the edit at once and saves it.
    fn checklist(&mut self, state: DomainState, edit: ChecklistEdit) -> Vec<Effect> {
        let domain = state.domain.clone();
        self.replace(apply_checklist(state, edit, self.now));
        vec![Effect::Op(Op::Checklist(domain, edit, self.now))]
    }
}
