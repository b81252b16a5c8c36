//! Key handling: the action table ([`super::keymap`]) picks the action; this performs it.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use jiff::SignedDuration;

use super::app::{App, Confirm, ConfirmKind, Effect, Op, Overlay, Pane, Prompt, PromptKind, Purpose, Screen};
use super::hints::{hint, verb_keys};
use super::keymap::{self, Action};
use mtasts_core::rfc::DomainName;
use mtasts_core::rollout::{HostingPath, Phase, evaluate};

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
        if keymap::place(self) == keymap::Place::Filter {
            return self.filter_key(key);
        }
        match keymap::lookup(self, &key) {
            Some(action) => {
                self.status = None;
                self.act(action, key.code)
            }
            None => Vec::new(),
        }
    }

    /// Performs one action of the table (`code` says which digit for the numbered ones).
    fn act(&mut self, action: Action, code: KeyCode) -> Vec<Effect> {
        let digit = match code {
            KeyCode::Char(c @ '1'..='9') => usize::from(c as u8 - b'1'),
            _ => 0,
        };
        match action {
            Action::Quit => vec![Effect::Quit],
            Action::Home => self.go_home(),
            Action::Help => {
                self.overlay = Some(Overlay::Help);
                Vec::new()
            }
            Action::CancelImport => self.cancel_import(),
            Action::Clock(days) => {
                let by = DAY * i32::from(days);
                self.now = self.now.checked_add(by).unwrap_or(self.now);
                let moved = mtasts_core::words::count(u64::from(days), "day");
                self.set_status(format!("demo clock moved forward {moved}"), false);
                // The clock first, so that the checks of what is now old run at the new time.
                let mut fx = vec![Effect::ShiftClock(by)];
                fx.extend(self.recheck_old());
                fx
            }
            Action::Add => {
                self.overlay = Some(Overlay::Prompt(Prompt::new(PromptKind::AddDomain, "", Vec::new())));
                Vec::new()
            }
            Action::Open => self.selected_domain().map(|d| self.open(d)).unwrap_or_default(),
            Action::SelectDown
            | Action::SelectUp
            | Action::CheckAll
            | Action::Filter
            | Action::ClearFilter
            | Action::Sort
            | Action::Mark
            | Action::MarkAll => self.fleet_action(action),
            Action::PageDown | Action::PageUp | Action::Top | Action::Bottom
                if self.screen == Screen::Home =>
            {
                self.fleet_action(action)
            }
            Action::WriteFleet => self.fleet_write_menu(),
            Action::Remove => {
                if let Some(d) = self.selected_domain() {
                    self.overlay = Some(Overlay::Confirm(Confirm::new(
                        vec![
                            format!("Stop tracking {d}?"),
                            "Its state file is deleted; what is published in DNS stays as it is.".into(),
                        ],
                        ConfirmKind::Remove(d),
                    )));
                }
                Vec::new()
            }
            Action::Import => self.import_prompt(),
            Action::Fetch => self.fetch_prompt(),
            Action::Reports => self.show_pane(Pane::Reports),
            Action::RollBack => self.roll_back(),
            Action::CloseReports => self.show_pane(Pane::Phase),
            Action::SharedWorker => self.show_pane(Pane::Worker),
            Action::CloseWorker => {
                if let Screen::Domain(v) = &mut self.screen {
                    v.viewing = Phase::Hosting;
                }
                self.show_pane(Pane::Phase)
            }
            Action::CheckShared => self.check_shared(),
            _ => self.domain_action(action, digit),
        }
    }

    fn domain_action(&mut self, action: Action, digit: usize) -> Vec<Effect> {
        let last = match &self.screen {
            Screen::Domain(v) => keymap::last_screen(self.state(&v.domain)),
            Screen::Home => Phase::Enforced,
        };
        let Screen::Domain(view) = &mut self.screen else {
            return Vec::new();
        };
        let domain = view.domain.clone();
        let page = view.viewport.get().height.max(1);
        match action {
            Action::PhasePrev | Action::PhaseNext => {
                let by = if action == Action::PhasePrev { -1 } else { 1 };
                view.viewing = step(view.viewing, by, last);
                view.scroll = 0;
                view.pane = Pane::Phase;
            }
            Action::ScrollDown | Action::ScrollUp | Action::PageDown | Action::PageUp | Action::Bottom => {
                let max = view.scroll_max.get();
                let at = view.scroll.min(max);
                view.scroll = match action {
                    Action::ScrollDown => at.saturating_add(1).min(max),
                    Action::ScrollUp => at.saturating_sub(1),
                    Action::PageDown => at.saturating_add(page).min(max),
                    Action::PageUp => at.saturating_sub(page),
                    _ => max,
                };
            }
            Action::Top => view.scroll = 0,
            Action::ScrollRight | Action::ScrollLeft => {
                let max = view.hscroll_max.get();
                let at = view.hscroll.min(max);
                let by = (view.viewport.get().width / 2).max(1);
                view.hscroll = if action == Action::ScrollRight {
                    at.saturating_add(by).min(max)
                } else {
                    at.saturating_sub(by)
                };
            }
            Action::Recheck => {
                let mut fx = vec![Effect::Reload, self.load_reports()];
                fx.extend(self.start_check(vec![domain], Purpose::Refresh));
                return fx;
            }
            Action::Next => {
                self.set_status(format!("checking {domain} before advancing…"), false);
                return self.start_check(vec![domain], Purpose::Advance);
            }
            _ => return self.phase_action(action, domain, digit),
        }
        Vec::new()
    }

    fn phase_action(&mut self, action: Action, domain: DomainName, digit: usize) -> Vec<Effect> {
        let Some(state) = self.state(&domain).cloned() else {
            return Vec::new();
        };
        match action {
            Action::EditRua => {
                let input = state.plan.rua.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(" ");
                let context =
                    vec!["Where TLS-RPT reports go: mailto: or https: URIs, space separated.".into()];
                self.overlay = Some(Overlay::Prompt(Prompt::new(PromptKind::Rua, input, context)));
                Vec::new()
            }
            Action::Publish => self.publish(state, view_phase(&self.screen)),
            Action::DeployWorker => self.deploy_worker(&state),
            Action::PublishDns => {
                self.set_status(format!("checking {domain} and reading its records at the provider…"), false);
                vec![Effect::DnsPreview(domain)]
            }
            Action::ChooseHosting => self.choose_hosting(domain, digit),
            Action::Details => {
                let obs = self.checked(&domain).map(|c| &c.observation).or(state.last_observation.as_ref());
                let gate = evaluate(&state, obs, self.tally(&domain), self.now);
                let mut lines: Vec<String> = gate
                    .blockers
                    .iter()
                    .map(|b| {
                        format!("{} {}", if b.overridable || b.is_wait() { "!" } else { "✗" }, b.message)
                    })
                    .collect();
                if lines.is_empty() {
                    lines.push("no blockers".into());
                }
                lines.push(String::new());
                lines.push(format!("next: {}", gate.next.render(|v| verb_keys(self, v))));
                self.overlay = Some(Overlay::note(" gate ", lines));
                Vec::new()
            }
            Action::Copy => match self.snippet(&state) {
                Some(Ok(s)) => {
                    let write =
                        hint(self, Action::Write).map(|w| format!("; {w} writes a file")).unwrap_or_default();
                    self.set_status(
                        format!(
                            "sent {} to the terminal's clipboard with OSC 52 — in tmux, `set -g set-clipboard on`{write}",
                            s.file_name
                        ),
                        false,
                    );
                    vec![Effect::Copy(s.text)]
                }
                _ => Vec::new(),
            },
            Action::Write => match self.snippet(&state) {
                Some(Ok(s)) => {
                    let context = vec!["Write the snippet to (a new file; nothing is overwritten):".into()];
                    let p = Prompt::new(PromptKind::WritePath, format!("./{}", s.file_name), context);
                    let fx = p.inspect(false);
                    self.overlay = Some(Overlay::Prompt(p));
                    fx
                }
                _ => Vec::new(),
            },
            Action::AuditReport => {
                let context = vec![format!(
                    "Write the auditor's report for {} — one self-contained HTML file with the \
                     records, timeline, checks, acknowledgements and TLS-RPT — to:",
                    state.domain
                )];
                let p =
                    Prompt::new(PromptKind::AuditPath, format!("./mtasts-{}.html", state.domain), context);
                let fx = p.inspect(false);
                self.overlay = Some(Overlay::Prompt(p));
                fx
            }
            Action::Tick => self.tick_tester(state, digit),
            Action::CopyPolicy
            | Action::WritePolicy
            | Action::CopyRecords
            | Action::WriteRecords
            | Action::EditPaths
            | Action::WriteWrangler
            | Action::OpenHosting
            | Action::CopyMonitoring
            | Action::WriteMonitoring => self.artefact_action(action, &state),
            Action::EditMx => {
                let input = state.plan.mx.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ");
                let how = if state.published.is_empty() && state.history.is_empty() {
                    "The plan changes at once, with a new policy id."
                } else {
                    "A policy is live: the change is planned step by step, each with a new policy id."
                };
                let context = vec![
                    format!(
                        "The MX hosts the policy of {domain} lists (space or comma separated; *.example.net patterns allowed)."
                    ),
                    how.into(),
                ];
                self.overlay = Some(Overlay::Prompt(Prompt::new(PromptKind::Mx, input, context)));
                Vec::new()
            }
            Action::Resume => {
                self.overlay = Some(Overlay::Confirm(Confirm::new(
                    vec![
                        format!("Fixed it? Resume testing {domain}?"),
                        "This plans mode: testing with a new id and starts a fresh testing window; \
                         publish the policy, then its id."
                            .into(),
                    ],
                    ConfirmKind::Resume(domain),
                )));
                Vec::new()
            }
            Action::Retire => {
                self.overlay = Some(Overlay::Confirm(Confirm::new(
                    vec![
                        format!("Remove MTA-STS from {domain} entirely?"),
                        "The records go first; the policy host stays until the largest max_age ever \
                         published has passed since, then it may be shut down."
                            .into(),
                    ],
                    ConfirmKind::Retire(domain),
                )));
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

pub(super) fn view_phase(screen: &Screen) -> Phase {
    match screen {
        Screen::Domain(v) => v.viewing,
        Screen::Home => Phase::Preflight,
    }
}

fn step(p: Phase, by: i32, max: Phase) -> Phase {
    let order: Vec<Phase> = Phase::ORDER.into_iter().chain([Phase::Rollback]).collect();
    let i = order.iter().position(|x| *x == p).unwrap_or(order.len() - 1) as i32;
    let max_i = order.iter().position(|x| *x == max).unwrap_or(order.len() - 1) as i32;
    let j = (i + by).clamp(0, max_i.max(0));
    order.get(j as usize).copied().unwrap_or(p)
}
