//! Keys while a modal is open: help, prompts (validated as typed), confirmations.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;

use super::app::{App, ConfirmKind, Effect, Op, Overlay, Prompt, PromptKind, Screen};
use super::app_results::validate;
use super::keymap_modal::{NoteKey, SecretKey, ZONE_KEY, note_key, secret_key};
use super::secret::SecretPrompt;

/// The longest text a prompt takes.
const MAX_INPUT: usize = 500;

impl App {
    pub(super) fn on_overlay_key(&mut self, overlay: Overlay, key: KeyEvent) -> Vec<Effect> {
        match overlay {
            Overlay::Help => Vec::new(),
            Overlay::Note { title, lines, mut scroll } => {
                if scroll.key(note_key(&key)) {
                    self.overlay = Some(Overlay::Note { title, lines, scroll });
                }
                Vec::new()
            }
            Overlay::Secret(p) => self.secret_key(p, key),
            Overlay::Pick(p) => self.pick_key(p, key),
            Overlay::FleetWrite(m) => self.fleet_write_key(m, key),
            Overlay::Confirm(mut c) => match key.code {
                KeyCode::Char('y') | KeyCode::Enter => self.confirmed(c.kind),
                KeyCode::Char('n') | KeyCode::Esc | KeyCode::Char('q') => Vec::new(),
                _ => {
                    // The scrolling keys move a long question; the others do nothing.
                    match note_key(&key) {
                        NoteKey::Close => {}
                        k => {
                            c.scroll.key(k);
                        }
                    }
                    self.overlay = Some(Overlay::Confirm(c));
                    Vec::new()
                }
            },
            Overlay::Prompt(p) => self.prompt_key(p, key),
        }
    }

    /// A key in a prompt: the usual editing keys (←/→, Home/End, Ctrl-U, Ctrl-W, Ctrl-K…),
    /// Tab completion for paths, Enter to submit, Esc to cancel.
    fn prompt_key(&mut self, mut p: Prompt, key: KeyEvent) -> Vec<Effect> {
        let mut fx = Vec::new();
        match key.code {
            KeyCode::Esc => return Vec::new(),
            KeyCode::Enter => return self.submit(p),
            code if code == ZONE_KEY.0 && p.kind == PromptKind::AddDomain => return self.zone_prompt(p),
            KeyCode::Tab if p.kind.path_use().is_some() => {
                fx.push(Effect::Complete { typed: p.value().to_owned() });
            }
            _ => {
                let before = p.input.clone();
                p.input.handle_event(&Event::Key(key));
                if p.value().chars().count() > MAX_INPUT {
                    p.input = before;
                } else if p.value() != before.value() {
                    p.hints.clear();
                    p.ok = None;
                    p.error = validate(self, p.kind, p.value()).err();
                    fx = p.inspect(false);
                }
            }
        }
        self.overlay = Some(Overlay::Prompt(p));
        fx
    }

    /// The file system's verdict on a typed path; submits when asked and fine.
    pub(super) fn on_inspected(
        &mut self,
        typed: &str,
        verdict: Result<String, String>,
        submit: bool,
    ) -> Vec<Effect> {
        let Some(Overlay::Prompt(p)) = &mut self.overlay else { return Vec::new() };
        if p.value() != typed {
            return Vec::new();
        }
        self.dirty = true;
        let ok = verdict.is_ok();
        (p.ok, p.error) = match verdict {
            Ok(what) => (Some(what), None),
            Err(why) => (None, Some(why)),
        };
        match self.overlay.take() {
            Some(Overlay::Prompt(p)) if submit && ok => self.submit(p),
            other => {
                self.overlay = other;
                Vec::new()
            }
        }
    }

    /// Tab completion arrived: the prompt takes it if the text is still the same.
    pub(super) fn on_completed(&mut self, typed: &str, to: String, candidates: Vec<String>) -> Vec<Effect> {
        let Some(Overlay::Prompt(p)) = &mut self.overlay else { return Vec::new() };
        if p.value() != typed {
            return Vec::new();
        }
        self.dirty = true;
        if to != typed {
            p.input = tui_input::Input::new(to);
            p.ok = None;
            p.error = None;
        }
        p.hints = candidates;
        let p = p.clone();
        if p.value() != typed { p.inspect(false) } else { Vec::new() }
    }

    /// A key in the masked secret prompt: typed characters are kept hidden; Enter fetches.
    fn secret_key(&mut self, mut p: SecretPrompt, key: KeyEvent) -> Vec<Effect> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match (secret_key(&key), key.code) {
            (Some(SecretKey::Cancel), _) => {
                p.clear();
                return Vec::new();
            }
            (Some(SecretKey::Fetch), _) if p.is_empty() => {
                p.error = Some(format!("type the {} (it is not shown, saved or logged)", p.kind.label()));
            }
            (Some(SecretKey::Fetch), _) => {
                let secret = p.take();
                return self.start_fetch(p.url.clone(), Some(secret));
            }
            (Some(SecretKey::Kind), _) => p.kind = p.kind.other(),
            (Some(SecretKey::Back), _) => p.pop(),
            (None, KeyCode::Char('u')) if ctrl => p.clear(),
            (None, KeyCode::Char(c)) if !ctrl => p.push(c),
            _ => {}
        }
        self.overlay = Some(Overlay::Secret(p));
        Vec::new()
    }

    fn confirmed(&mut self, kind: ConfirmKind) -> Vec<Effect> {
        match kind {
            ConfirmKind::Remove(d) => vec![Effect::Op(Op::Remove(d))],
            ConfirmKind::Add(checked) => vec![Effect::Op(Op::Add(checked, Default::default()))],
            ConfirmKind::Rollback(d) if self.screen == Screen::Home => {
                let mut fx = vec![Effect::Op(Op::Rollback(d.clone(), self.now))];
                fx.extend(self.open(d));
                fx
            }
            ConfirmKind::Rollback(d) => vec![Effect::Op(Op::Rollback(d, self.now))],
            ConfirmKind::Resume(d) => vec![Effect::Op(Op::Resume(d, self.now))],
            ConfirmKind::Retire(d) => vec![Effect::Op(Op::Retire(d, self.now))],
            ConfirmKind::Deploy { domain, files } => {
                self.set_status(format!("running wrangler deploy for {domain}…"), false);
                vec![Effect::WranglerDeploy { domain, files }]
            }
            ConfirmKind::PublishDns { domain, shown } => {
                self.set_status(format!("publishing {domain}'s records…"), false);
                vec![Effect::DnsApply { domain, shown }]
            }
        }
    }
}
