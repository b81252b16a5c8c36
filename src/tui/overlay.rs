//! Modals on top of a screen: the help, text prompts (tui-input), confirmations and notes.

use super::artefact::{Artefact, FleetArtefact};
use super::msg::Effect;
use super::paths::PathUse;
use crate::ops::Checked;
use mtasts_core::rfc::DomainName;

/// A modal on top of the screen.
#[derive(Debug, Clone)]
pub enum Overlay {
    /// The keys of the current screen.
    Help,
    /// A one-line text prompt.
    Prompt(Prompt),
    /// A yes/no question.
    Confirm(Confirm),
    /// Lines to read, scrolled when they do not fit; Esc, q or Enter closes it.
    Note {
        /// The box title.
        title: &'static str,
        /// The lines (already sanitised).
        lines: Vec<String>,
        /// How far they are scrolled.
        scroll: Scroll,
    },
    /// The IMAP password or token, typed masked.
    Secret(super::secret::SecretPrompt),
    /// The names of a zone file that receive mail, to tick and track.
    Pick(Pick),
    /// The home screen's `w`: what to write for the domains in
    /// [`FleetView::writing`](super::fleet::FleetView::writing).
    FleetWrite(FleetWrite),
}

/// The home screen's write menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetWrite {
    /// Which domains, in words ("12 marked domains").
    pub which: String,
    /// How many of them are on path C (one Worker for all).
    pub workers: usize,
    /// Why the last choice could not be made, if it could not.
    pub error: Option<String>,
}

impl Overlay {
    /// A note of `lines` at its top.
    pub fn note(title: &'static str, lines: Vec<String>) -> Overlay {
        Overlay::Note { title, lines, scroll: Scroll::default() }
    }
}

/// How far a modal's text is scrolled, and how far it can go as last drawn (the keys read it).
#[derive(Debug, Clone, Default)]
pub struct Scroll {
    /// The first line shown.
    pub at: u16,
    /// The largest useful `at`, as last drawn.
    pub end: std::cell::Cell<u16>,
    /// How many lines were visible, as last drawn (a page).
    pub page: std::cell::Cell<u16>,
}

impl Scroll {
    /// Moves by a note key; `false` for the key that closes.
    pub fn key(&mut self, k: super::keymap_modal::NoteKey) -> bool {
        use super::keymap_modal::NoteKey;
        let (max, page) = (self.end.get(), self.page.get().max(1));
        let at = self.at.min(max);
        self.at = match k {
            NoteKey::Close => return false,
            NoteKey::Down => at.saturating_add(1).min(max),
            NoteKey::Up => at.saturating_sub(1),
            NoteKey::PageDown => at.saturating_add(page).min(max),
            NoteKey::PageUp => at.saturating_sub(page),
            NoteKey::Top => 0,
            NoteKey::Bottom => max,
        };
        true
    }
}

/// One name of a zone file that receives mail, or of a list of domains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickItem {
    /// The name.
    pub name: DomainName,
    /// Its MX hosts, as the zone lists them (lowest preference first) or as the list's line
    /// gives them (empty: from DNS).
    pub mx: Vec<mtasts_core::rfc::MxPattern>,
    /// Where it stands.
    pub state: PickState,
}

/// Whether a zone's name can be ticked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickState {
    /// Already tracked.
    Tracked,
    /// A null MX: it refuses mail and needs no MTA-STS.
    NullMx,
    /// Receives mail and is not tracked: ticked or not.
    Untracked(bool),
}

/// The zone file's names that receive mail (or a list's domains), one under the cursor.
#[derive(Debug, Clone)]
pub struct Pick {
    /// The file, as typed.
    pub file: String,
    /// A list of domains (else a zone file).
    pub list: bool,
    /// How many rows the list showed when last drawn (a page for PgDn and PgUp).
    pub page: std::cell::Cell<usize>,
    /// The names, the origin first.
    pub items: Vec<PickItem>,
    /// The row under the cursor.
    pub at: usize,
}

impl Pick {
    /// The ticked names with their MX hosts.
    pub fn ticked(&self) -> Vec<&PickItem> {
        self.items.iter().filter(|i| i.state == PickState::Untracked(true)).collect()
    }
}

/// What a text prompt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// The domain to add.
    AddDomain,
    /// The `rua` URIs (space separated).
    Rua,
    /// Where to write the snippet.
    WritePath,
    /// Where to write the auditor's HTML report.
    AuditPath,
    /// Where to import TLS-RPT reports from.
    ImportPath,
    /// The IMAP mailbox to fetch TLS-RPT reports from.
    FetchUrl,
    /// The acknowledgement text for overriding blockers.
    Ack,
    /// Where to write the policy file, the monitoring units or the wrangler project.
    WriteArtefact(Artefact),
    /// Where to write what the home screen's `w` writes for several domains.
    WriteFleet(FleetArtefact),
    /// The certificate, key and webroot paths of the web server snippets.
    ServerPaths,
    /// The MX hosts of the domain being added (prefilled from DNS when it answered).
    AddMx,
    /// New planned MX hosts of the open domain.
    Mx,
    /// A zone file of the domain typed in the add prompt: its names that receive mail.
    ZoneFile,
}

impl PromptKind {
    /// What a path typed here is for, when it is a path.
    pub fn path_use(self) -> Option<PathUse> {
        match self {
            PromptKind::WritePath
            | PromptKind::AuditPath
            | PromptKind::WriteArtefact(_)
            | PromptKind::WriteFleet(_) => Some(PathUse::Write),
            PromptKind::ImportPath => Some(PathUse::Import),
            PromptKind::ZoneFile => Some(PathUse::ReadFile),
            _ => None,
        }
    }
}

/// A text prompt (with the usual editing keys) validated as typed.
#[derive(Debug, Clone)]
pub struct Prompt {
    /// What it is for.
    pub kind: PromptKind,
    /// The text typed so far, with its cursor.
    pub input: tui_input::Input,
    /// The problem with the input, if any (shown as typed).
    pub error: Option<String>,
    /// For a path: what the file system said it is, once checked and fine.
    pub ok: Option<String>,
    /// Tab completion candidates.
    pub hints: Vec<String>,
    /// Extra lines shown above the input (e.g. the blockers being overridden).
    pub context: Vec<String>,
}

impl Prompt {
    /// A prompt of `kind` holding `value`, with `context` above it.
    pub fn new(kind: PromptKind, value: impl Into<String>, context: Vec<String>) -> Prompt {
        Prompt {
            kind,
            input: tui_input::Input::new(value.into()),
            error: None,
            ok: None,
            hints: Vec::new(),
            context,
        }
    }

    /// The text typed so far.
    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// Asks the file system about a path prompt's value (nothing for other prompts).
    pub fn inspect(&self, submit: bool) -> Vec<Effect> {
        match self.kind.path_use() {
            Some(usage) if self.error.is_none() => {
                vec![Effect::InspectPath { typed: self.value().to_owned(), usage, submit }]
            }
            _ => Vec::new(),
        }
    }
}

/// What a confirmation is for.
#[derive(Debug, Clone)]
pub enum ConfirmKind {
    /// Stop tracking a domain.
    Remove(DomainName),
    /// Start tracking a checked domain (MX shown for confirmation).
    Add(Box<Checked>),
    /// Plan the rollback of a domain.
    Rollback(DomainName),
    /// Back to testing after a rollback.
    Resume(DomainName),
    /// Remove MTA-STS after the rollback countdown.
    Retire(DomainName),
    /// Deploy the generated Worker with wrangler.
    Deploy {
        /// The domain.
        domain: DomainName,
        /// The wrangler project's files.
        files: Vec<mtasts_core::snippet::File>,
    },
    /// Publish the shown diff through the domain's DNS provider.
    PublishDns {
        /// The domain.
        domain: DomainName,
        /// The diff lines shown.
        shown: Vec<String>,
    },
}

/// A yes/no question.
#[derive(Debug, Clone)]
pub struct Confirm {
    /// What answering yes does.
    pub kind: ConfirmKind,
    /// The question, in lines.
    pub lines: Vec<String>,
    /// How far they are scrolled (a long question scrolls; its keys stay in view).
    pub scroll: Scroll,
}

impl Confirm {
    /// Asks `lines`; yes does `kind`.
    pub fn new(lines: Vec<String>, kind: ConfirmKind) -> Confirm {
        Confirm { kind, lines, scroll: Scroll::default() }
    }
}
