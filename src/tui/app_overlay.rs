//! Keys while a modal is open: help, prompts (validated as typed), confirmations.

use crossterm::event::{KeyCode, KeyEvent};

use super::app::{App, ConfirmKind, Effect, Op, Overlay};
use super::app_results::validate;

impl App {
    pub(super) fn on_overlay_key(&mut self, overlay: Overlay, key: KeyEvent) -> Vec<Effect> {
        match overlay {
            Overlay::Help | Overlay::Note { .. } => Vec::new(),
            Overlay::Confirm(c) => match key.code {
                KeyCode::Char('y') | KeyCode::Enter => self.confirmed(c.kind),
                KeyCode::Char('n') | KeyCode::Esc | KeyCode::Char('q') => Vec::new(),
                _ => {
                    self.overlay = Some(Overlay::Confirm(c));
                    Vec::new()
                }
            },
            Overlay::Prompt(mut p) => {
                match key.code {
                    KeyCode::Esc => return Vec::new(),
                    KeyCode::Enter => return self.submit(p),
                    KeyCode::Backspace => {
                        p.input.pop();
                    }
                    KeyCode::Char(c) if !c.is_control() && p.input.chars().count() < 500 => p.input.push(c),
                    _ => {}
                }
                p.error = validate(self, p.kind, &p.input).err();
                self.overlay = Some(Overlay::Prompt(p));
                Vec::new()
            }
        }
    }

    fn confirmed(&mut self, kind: ConfirmKind) -> Vec<Effect> {
        match kind {
            ConfirmKind::Remove(d) => vec![Effect::Op(Op::Remove(d))],
            ConfirmKind::Add(checked) => vec![Effect::Op(Op::Add(checked, Default::default()))],
            ConfirmKind::Rollback(d) => vec![Effect::Op(Op::Rollback(d, self.now))],
        }
    }
}
