//! What results lead to: loaded state, finished checks and operations, submitted prompts.

use std::path::PathBuf;

use super::app::{
    App, Confirm, ConfirmKind, Effect, Entry, Op, OpOutcome, Overlay, Prompt, PromptKind, Purpose, Screen,
};
use super::fleet::NaturalKey;
use crate::ops::Checked;
use mtasts_core::rfc::{DomainName, MxPattern, RuaUri};
use mtasts_core::rollout::Phase;
use mtasts_core::sanitize::sanitize;

/// Checks a prompt's input as it is typed; `Err` is shown under the input.
pub(super) fn validate(app: &App, kind: PromptKind, input: &str) -> Result<(), String> {
    let input = input.trim();
    match kind {
        PromptKind::AddDomain => {
            if input.is_empty() {
                return Err("type a mail domain, e.g. example.com".into());
            }
            if input.contains('/') {
                return Err("a file? clear the line and press tab to read a list of domains".into());
            }
            let d = DomainName::parse(input).map_err(|e| e.to_string())?;
            if app.state(&d).is_some() {
                return Err(format!("{d} is already tracked"));
            }
            Ok(())
        }
        PromptKind::Rua => parse_rua(input).map(|_| ()),
        PromptKind::WritePath | PromptKind::AuditPath | PromptKind::ImportPath | PromptKind::ZoneFile => {
            if input.is_empty() {
                Err("type a path".into())
            } else {
                Ok(())
            }
        }
        PromptKind::ServerPaths => super::app_artefacts::validate_paths(app, input),
        PromptKind::WriteArtefact(_) | PromptKind::WriteFleet(_) => {
            if input.is_empty() {
                Err("type a path".into())
            } else {
                Ok(())
            }
        }
        PromptKind::FetchUrl => mtasts_reports::imap::ImapUrl::parse(input)
            .map(|_| ())
            .map_err(|e| sanitize(&e.to_string()).into_owned()),
        PromptKind::AddMx | PromptKind::Mx => match parse_mx(input) {
            Ok(mx) if mx.is_empty() => Err("type at least one MX host, e.g. mx1.example.com".into()),
            Ok(_) => Ok(()),
            Err(e) => Err(e),
        },
        PromptKind::Ack => {
            if input.is_empty() {
                Err("say why it is safe to go on (recorded with the time)".into())
            } else {
                Ok(())
            }
        }
    }
}

/// MX hosts or `*.` patterns, separated by spaces or commas (duplicates dropped).
fn parse_mx(input: &str) -> Result<Vec<MxPattern>, String> {
    let mut out: Vec<MxPattern> = Vec::new();
    for raw in input.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()) {
        let p = MxPattern::parse(raw).map_err(|e| format!("{}: {e}", sanitize(raw)))?;
        if !out.contains(&p) {
            out.push(p);
        }
    }
    Ok(out)
}

fn parse_rua(input: &str) -> Result<Vec<RuaUri>, String> {
    input.split_whitespace().map(|u| RuaUri::parse(u).map_err(|e| format!("{u}: {e}"))).collect()
}

impl App {
    pub(super) fn submit(&mut self, mut p: Prompt) -> Vec<Effect> {
        if let Err(e) = validate(self, p.kind, p.value()) {
            p.error = Some(e);
            self.overlay = Some(Overlay::Prompt(p));
            return Vec::new();
        }
        if p.kind.path_use().is_some() && (p.ok.is_none() || p.error.is_some()) {
            // The path is checked by the file system first (an effect); Enter then goes on.
            let fx = p.inspect(true);
            self.overlay = Some(Overlay::Prompt(p));
            return fx;
        }
        let input = p.value().trim().to_owned();
        let domain = match &self.screen {
            Screen::Domain(v) => Some(v.domain.clone()),
            Screen::Home => None,
        };
        match (p.kind, domain) {
            (PromptKind::AddDomain, _) => match DomainName::parse(&input) {
                Ok(d) => {
                    self.set_status(format!("looking up {d} (MX, records, policy)…"), false);
                    self.start_check(vec![d], Purpose::AddPreview)
                }
                Err(_) => Vec::new(),
            },
            (PromptKind::Rua, Some(d)) => match parse_rua(&input) {
                Ok(rua) => vec![Effect::Op(Op::SetRua(d, rua))],
                Err(_) => Vec::new(),
            },
            (PromptKind::WritePath, Some(d)) => {
                let snippet = self.state(&d).and_then(|s| self.snippet(s));
                match snippet {
                    Some(Ok(s)) => vec![Effect::WriteFile { path: PathBuf::from(input), text: s.text }],
                    _ => Vec::new(),
                }
            }
            (PromptKind::AuditPath, Some(domain)) => {
                vec![Effect::WriteAudit { domain, path: PathBuf::from(input) }]
            }
            (PromptKind::AddMx, _) => match (self.pending_add.take(), parse_mx(&input)) {
                (Some(checked), Ok(mx)) => {
                    vec![Effect::Op(Op::Add(checked, crate::ops::AddOptions { mx, ..Default::default() }))]
                }
                _ => Vec::new(),
            },
            (PromptKind::Mx, Some(d)) => match parse_mx(&input) {
                Ok(mx) => vec![Effect::Op(Op::SetMx(d, mx, self.now))],
                Err(_) => Vec::new(),
            },
            (PromptKind::ImportPath, _) => self.start_import(vec![PathBuf::from(input)]),
            (kind @ (PromptKind::WriteArtefact(_) | PromptKind::ServerPaths), Some(_)) => {
                self.submit_artefact(kind, &input)
            }
            (PromptKind::FetchUrl, _) if self.imap_env.is_some() => self.start_fetch(input, None),
            (PromptKind::FetchUrl, _) => {
                self.overlay = Some(Overlay::Secret(super::secret::SecretPrompt::new(input)));
                Vec::new()
            }
            (PromptKind::ZoneFile, _) => self.read_zone(&input),
            (PromptKind::WriteFleet(what), None) => self.write_fleet(what, &input),
            (PromptKind::Ack, Some(d)) => vec![Effect::Op(Op::Advance {
                reports: self.tally(&d).cloned(),
                domain: d,
                checked: None,
                ack: Some(input),
                now: self.now,
            })],
            _ => Vec::new(),
        }
    }

    pub(super) fn on_loaded(&mut self, mut entries: Vec<Entry>) -> Vec<Effect> {
        entries.sort_by_cached_key(|e| NaturalKey(e.name()));
        if !self.loaded || entries != self.entries {
            self.dirty = true;
        }
        let changed = !self.loaded || entries != self.entries;
        self.loaded = true;
        self.entries = entries;
        self.selected = self.selected.min(self.entries.len().saturating_sub(1));
        let mut fx = if changed { vec![self.load_reports()] } else { Vec::new() };
        fx.extend(self.recheck_old());
        fx
    }

    pub(super) fn on_checked(
        &mut self,
        generation: u64,
        purpose: Purpose,
        results: Vec<Checked>,
    ) -> Vec<Effect> {
        let mut fx = Vec::new();
        for c in results {
            let s = self.session_mut(&c.domain);
            if s.pending != Some(generation) {
                continue;
            }
            s.pending = None;
            s.stage = None;
            let offline = super::app_fresh::unanswered(&c);
            if !offline {
                s.unreachable = None;
            }
            self.dirty = true;
            let tracked = self.state(&c.domain).is_some();
            match purpose {
                Purpose::AddPreview => self.confirm_add(c),
                Purpose::AddFromZone => fx.extend(self.add_from_zone(c)),
                Purpose::Refresh | Purpose::Background | Purpose::Advance if offline => {
                    fx.extend(self.on_unanswered(c, purpose));
                }
                Purpose::Advance if self.state(&c.domain).is_some_and(|s| s.change.is_some()) => {
                    self.set_status(format!("{}: confirming the planned change's step…", c.domain), false);
                    self.session_mut(&c.domain).check = Some(c.clone());
                    fx.push(Effect::Op(Op::ConfirmChange(Box::new(c), self.now)));
                }
                Purpose::Advance if tracked => {
                    self.session_mut(&c.domain).check = Some(c.clone());
                    fx.push(Effect::Op(Op::Advance {
                        domain: c.domain.clone(),
                        reports: self.tally(&c.domain).cloned(),
                        checked: Some(Box::new(c)),
                        ack: None,
                        now: self.now,
                    }));
                }
                _ => {
                    self.session_mut(&c.domain).check = Some(c.clone());
                    if tracked {
                        fx.push(Effect::Op(Op::Record(Box::new(c))));
                    }
                }
            }
        }
        fx
    }

    /// After the preview check: a domain that already publishes MTA-STS is confirmed and
    /// adopted; any other is asked for its MX hosts, prefilled from DNS when DNS named them,
    /// with what DNS said in words.
    fn confirm_add(&mut self, c: Checked) {
        if c.evidence.null_mx {
            self.set_status(
                format!("{} publishes a null MX: it receives no mail and needs no MTA-STS", c.domain),
                true,
            );
            return;
        }
        let found: Vec<String> = c
            .evidence
            .mx
            .found()
            .map(|l| l.iter().map(|m| sanitize(&m.host).into_owned()).collect())
            .unwrap_or_default();
        self.status = None;
        if c.observation.sts_id.is_some() || c.observation.live_policy.is_some() {
            let mut lines = vec![format!("Track {}?", c.domain)];
            lines.push("It already publishes MTA-STS: its live setup is adopted as the plan.".into());
            if !found.is_empty() {
                lines.push(format!("MX hosts in DNS: {}", found.join(", ")));
            }
            self.overlay = Some(Overlay::Confirm(Confirm::new(lines, ConfirmKind::Add(Box::new(c)))));
            return;
        }
        let mut context = vec![format!("Track {}: the MX hosts its policy lists.", c.domain)];
        match crate::ops::domain::mx_lookup_words(&c) {
            None => context.push("Prefilled from DNS; edit if mail should go elsewhere.".into()),
            Some(why) => context.push(format!("DNS gave none ({why}): type them.")),
        }
        context.push("MX hosts (space or comma separated; *.example.net patterns allowed):".into());
        let mut p = Prompt::new(PromptKind::AddMx, found.join(" "), context);
        p.error = validate(self, PromptKind::AddMx, p.value()).err();
        self.pending_add = Some(Box::new(c));
        self.overlay = Some(Overlay::Prompt(p));
    }

    pub(super) fn on_op(&mut self, result: Result<super::app::OpOutcome, String>) -> Vec<Effect> {
        self.dirty = true;
        match result {
            Err(e) => {
                self.set_status(sanitize(&e).into_owned(), true);
                self.forget_failed_zone_adds();
                vec![Effect::Reload]
            }
            Ok(OpOutcome::Saved(state)) => {
                let before = self.state(&state.domain).map(|s| s.phase);
                self.change_progress(&state);
                if let Screen::Domain(v) = &mut self.screen
                    && v.domain == state.domain
                    && before != Some(state.phase)
                {
                    v.viewing = if state.phase == Phase::Rollback { Phase::Enforced } else { state.phase };
                    v.scroll = 0;
                }
                if before != Some(state.phase) {
                    self.set_status(format!("{}: now in {}", state.domain, state.phase), false);
                }
                self.replace(*state);
                Vec::new()
            }
            Ok(OpOutcome::Removed(d)) => {
                self.set_status(format!("stopped tracking {d}"), false);
                self.sessions.remove(&d);
                vec![Effect::Reload]
            }
            Ok(OpOutcome::Added(added)) if self.zone_adds.contains_key(&added.state.domain) => {
                self.zone_added(*added)
            }
            Ok(OpOutcome::Added(added)) => {
                let d = added.state.domain.clone();
                let how = if added.adopted { "adopted" } else { "added" };
                self.replace(added.state.clone());
                self.set_status(format!("{how} {d}: phase {}", added.state.phase), false);
                let mut fx = self.open(d);
                fx.insert(0, Effect::Reload);
                fx
            }
            Ok(OpOutcome::Advanced(adv)) => {
                let d = adv.state.domain.clone();
                let phase = adv.state.phase;
                self.replace(adv.state.clone());
                let mut fx = Vec::new();
                if let Some(t) = &adv.transition {
                    fx.push(self.load_reports());
                    self.set_status(format!("{d}: now in {} ", t.phase), false);
                    if let Screen::Domain(v) = &mut self.screen
                        && v.domain == d
                    {
                        v.viewing = if phase == Phase::Rollback { Phase::Enforced } else { phase };
                        v.scroll = 0;
                    }
                } else if let Some(b) = &adv.blocked {
                    if b.overridable() {
                        let context = b.blockers.iter().map(|x| format!("! {}", x.message)).collect();
                        self.overlay = Some(Overlay::Prompt(Prompt::new(PromptKind::Ack, "", context)));
                    } else if b.blockers.iter().all(|x| x.is_wait()) {
                        self.set_status(
                            format!("{}: waiting; the gate below says until when", b.phase),
                            false,
                        );
                    } else {
                        self.set_status(format!("cannot leave {}: fix the blockers below", b.phase), true);
                    }
                }
                fx
            }
        }
    }

    pub(super) fn replace(&mut self, state: mtasts_core::rollout::DomainState) {
        let pos = self.entries.iter().position(|e| matches!(e, Entry::Ok(s) if s.domain == state.domain));
        match pos {
            Some(i) => self.entries[i] = Entry::Ok(Box::new(state)),
            None => {
                self.entries.push(Entry::Ok(Box::new(state)));
                self.entries.sort_by_cached_key(|e| NaturalKey(e.name()));
            }
        }
    }
}
