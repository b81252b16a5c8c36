//! Key handling: what each key does on each screen (the help overlay lists the same keys,
//! from [`super::keymap`]).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use jiff::SignedDuration;

use super::app::{
    App, Confirm, ConfirmKind, Effect, Op, Overlay, Prompt, PromptKind, Publish, Purpose, Screen,
};
use super::screens::hosting;
use crate::rfc::{DomainName, StsRecord, TlsRptRecord};
use crate::rollout::{HostingPath, Phase};

const DAY: SignedDuration = SignedDuration::from_hours(24);

impl App {
    pub(super) fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return vec![Effect::Quit];
        }
        if let Some(overlay) = self.overlay.take() {
            return self.on_overlay_key(overlay, key);
        }
        self.status = None;
        match key.code {
            KeyCode::Char('?') => {
                self.overlay = Some(Overlay::Help);
                return Vec::new();
            }
            KeyCode::Char(c @ ('T' | 'W')) if self.demo.is_some() => {
                let by = if c == 'T' { DAY } else { DAY * 7 };
                self.now = self.now.checked_add(by).unwrap_or(self.now);
                self.set_status(format!("demo clock moved forward {} day(s)", by.as_hours() / 24), false);
                return vec![Effect::ShiftClock(by)];
            }
            _ => {}
        }
        match self.screen {
            Screen::Home => self.home_key(key.code),
            Screen::Domain(_) => self.domain_key(key.code),
        }
    }

    fn home_key(&mut self, code: KeyCode) -> Vec<Effect> {
        let n = self.entries.len();
        match code {
            KeyCode::Char('q') | KeyCode::Esc => vec![Effect::Quit],
            KeyCode::Down | KeyCode::Char('j') if n > 0 => {
                self.selected = (self.selected + 1).min(n - 1);
                Vec::new()
            }
            KeyCode::Up | KeyCode::Char('k') => {
                self.selected = self.selected.saturating_sub(1);
                Vec::new()
            }
            KeyCode::Char('i') => self.import_prompt(),
            KeyCode::Char('a') => {
                self.overlay = Some(Overlay::Prompt(Prompt {
                    kind: PromptKind::AddDomain,
                    input: String::new(),
                    error: None,
                    context: Vec::new(),
                }));
                Vec::new()
            }
            KeyCode::Enter => match self.selected_domain() {
                Some(d) => self.open(d),
                None => Vec::new(),
            },
            KeyCode::Char('d') => {
                if let Some(d) = self.selected_domain() {
                    self.overlay = Some(Overlay::Confirm(Confirm {
                        lines: vec![
                            format!("Stop tracking {d}?"),
                            "Its state file is deleted; what is published in DNS stays as it is.".into(),
                        ],
                        kind: ConfirmKind::Remove(d),
                    }));
                }
                Vec::new()
            }
            KeyCode::Char('r') => {
                let all: Vec<DomainName> = self.tracked().collect();
                let mut fx = vec![Effect::Reload, self.load_reports()];
                fx.extend(self.start_check(all, Purpose::Refresh));
                fx
            }
            _ => Vec::new(),
        }
    }

    fn domain_key(&mut self, code: KeyCode) -> Vec<Effect> {
        let Screen::Domain(view) = &mut self.screen else {
            return Vec::new();
        };
        let domain = view.domain.clone();
        let current = self.entries.iter().find_map(|e| match e {
            super::app::Entry::Ok(s) if s.domain == domain => Some(s.phase),
            _ => None,
        });
        let current = current.unwrap_or(Phase::Preflight);
        let max_view = if current == Phase::Rollback { Phase::Enforced } else { current };
        match code {
            KeyCode::Char('q') | KeyCode::Esc | KeyCode::Char('R') if view.reports => {
                view.reports = false;
                view.scroll = 0;
            }
            KeyCode::Char('q') | KeyCode::Esc => return self.go_home(),
            KeyCode::Char('R') => return self.toggle_reports(),
            KeyCode::Char('i') => return self.import_prompt(),
            KeyCode::Left | KeyCode::Char('h') | KeyCode::BackTab => {
                view.viewing = step(view.viewing, -1, max_view);
                view.scroll = 0;
                view.reports = false;
            }
            KeyCode::Right | KeyCode::Char('l') | KeyCode::Tab => {
                view.viewing = step(view.viewing, 1, max_view);
                view.scroll = 0;
                view.reports = false;
            }
            KeyCode::Down | KeyCode::Char('j') => view.scroll = view.scroll.saturating_add(1),
            KeyCode::Up | KeyCode::Char('k') => view.scroll = view.scroll.saturating_sub(1),
            KeyCode::PageDown | KeyCode::Char(' ') => view.scroll = view.scroll.saturating_add(10),
            KeyCode::PageUp => view.scroll = view.scroll.saturating_sub(10),
            KeyCode::Char('r') => {
                let mut fx = vec![Effect::Reload, self.load_reports()];
                fx.extend(self.start_check(vec![domain], Purpose::Refresh));
                return fx;
            }
            KeyCode::Char('n') => {
                self.blocked = None;
                self.set_status(format!("checking {domain} before advancing…"), false);
                return self.start_check(vec![domain], Purpose::Advance);
            }
            _ if view.reports => {}
            _ => return self.phase_key(code, domain, view_phase(&self.screen)),
        }
        Vec::new()
    }

    fn phase_key(&mut self, code: KeyCode, domain: DomainName, viewing: Phase) -> Vec<Effect> {
        let Some(state) = self.state(&domain).cloned() else {
            return Vec::new();
        };
        let demo = self.demo.is_some();
        match (viewing, code) {
            (Phase::Records, KeyCode::Char('e')) => {
                let input = state.plan.rua.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(" ");
                self.overlay = Some(Overlay::Prompt(Prompt {
                    kind: PromptKind::Rua,
                    input,
                    error: None,
                    context: vec![
                        "Where TLS-RPT reports go: mailto: or https: URIs, space separated.".into(),
                    ],
                }));
                Vec::new()
            }
            (Phase::Records | Phase::Enforce | Phase::Enforced, KeyCode::Char('p'))
                if demo
                    && (viewing != Phase::Enforced || state.phase == Phase::Rollback)
                    && records_next(&state, self) =>
            {
                vec![Effect::Publish(Publish::Records {
                    sts: StsRecord::new(state.plan.id.clone()).render(),
                    tlsrpt: TlsRptRecord::new(state.plan.rua.clone()).render(),
                    domain,
                })]
            }
            (Phase::Hosting | Phase::Enforce | Phase::Enforced, KeyCode::Char('p'))
                if demo && (viewing != Phase::Enforced || state.phase == Phase::Rollback) =>
            {
                vec![Effect::Publish(Publish::Policy { body: state.plan.policy().render(), domain })]
            }
            (Phase::Hosting, KeyCode::Char(c @ '1'..='6')) => {
                let i = usize::from(c as u8 - b'1');
                self.choose_hosting(domain, i)
            }
            (Phase::Hosting, KeyCode::Enter) => {
                let i = match &self.screen {
                    Screen::Domain(v) => v.hosting_cursor,
                    Screen::Home => 0,
                };
                self.choose_hosting(domain, i)
            }
            (Phase::Hosting, KeyCode::Char('c')) => match hosting::snippet_for(self, &state) {
                Some(Ok(s)) => {
                    self.set_status(format!("copied {} to the clipboard (OSC 52)", s.file_name), false);
                    vec![Effect::Copy(s.text)]
                }
                _ => {
                    self.set_status("choose a hosting path first (1–6)", true);
                    Vec::new()
                }
            },
            (Phase::Hosting, KeyCode::Char('w')) => match hosting::snippet_for(self, &state) {
                Some(Ok(s)) => {
                    self.overlay = Some(Overlay::Prompt(Prompt {
                        kind: PromptKind::WritePath,
                        input: format!("./{}", s.file_name),
                        error: None,
                        context: vec!["Write the snippet to:".into()],
                    }));
                    Vec::new()
                }
                _ => {
                    self.set_status("choose a hosting path first (1–6)", true);
                    Vec::new()
                }
            },
            (Phase::Testing | Phase::Enforce | Phase::Enforced, KeyCode::Char('b')) => {
                self.overlay = Some(Overlay::Confirm(Confirm {
                    lines: vec![
                        format!("Roll back MTA-STS for {domain}?"),
                        "This plans mode: none with a new id; keep the records until the countdown ends."
                            .into(),
                    ],
                    kind: ConfirmKind::Rollback(domain),
                }));
                Vec::new()
            }
            (Phase::Enforced, KeyCode::Char(c @ '1'..='5')) => {
                let key = (domain, usize::from(c as u8 - b'1'));
                if !self.ticked.remove(&key) {
                    self.ticked.insert(key);
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn choose_hosting(&mut self, domain: DomainName, i: usize) -> Vec<Effect> {
        let Some(path) = HostingPath::ALL.get(i).copied() else {
            return Vec::new();
        };
        if let Screen::Domain(v) = &mut self.screen {
            v.hosting_cursor = i;
            v.scroll = 0;
        }
        vec![Effect::Op(Op::SetHosting(domain, path))]
    }

    pub(super) fn tracked(&self) -> impl Iterator<Item = DomainName> + '_ {
        self.entries.iter().filter_map(|e| match e {
            super::app::Entry::Ok(s) => Some(s.domain.clone()),
            super::app::Entry::Bad { .. } => None,
        })
    }

    fn selected_domain(&self) -> Option<DomainName> {
        match self.selected_entry()? {
            super::app::Entry::Ok(s) => Some(s.domain.clone()),
            super::app::Entry::Bad { .. } => None,
        }
    }
}

/// In the enforce phase the id goes out only after the new policy is live (RFC 8461 §8.1).
fn records_next(state: &crate::rollout::DomainState, app: &App) -> bool {
    if !matches!(state.phase, Phase::Enforce | Phase::Rollback) {
        return true;
    }
    let obs = app.checks.get(&state.domain).map(|c| &c.observation).or(state.last_observation.as_ref());
    obs.is_some_and(|o| o.live_policy.as_ref() == Some(&state.plan.policy()))
}

fn view_phase(screen: &Screen) -> Phase {
    match screen {
        Screen::Domain(v) => v.viewing,
        Screen::Home => Phase::Preflight,
    }
}

fn step(p: Phase, by: i32, max: Phase) -> Phase {
    let order = Phase::ORDER;
    let i = order.iter().position(|x| *x == p).unwrap_or(order.len() - 1) as i32;
    let max_i = order.iter().position(|x| *x == max).unwrap_or(order.len() - 1) as i32;
    let j = (i + by).clamp(0, max_i.max(0));
    order.get(j as usize).copied().unwrap_or(p)
}
