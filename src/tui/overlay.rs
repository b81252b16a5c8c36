//! Modals on top of a screen: the help, text prompts (tui-input), confirmations and notes.

use super::artefact::Artefact;
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
    /// Lines to read; any key closes it.
    Note {
        /// The box title.
        title: &'static str,
        /// The lines (already sanitised).
        lines: Vec<String>,
    },
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
    /// The certificate, key and webroot paths of the web server snippets.
    ServerPaths,
    /// The MX hosts of the domain being added (prefilled from DNS when it answered).
    AddMx,
    /// New planned MX hosts of the open domain.
    Mx,
}

impl PromptKind {
    /// What a path typed here is for, when it is a path.
    pub fn path_use(self) -> Option<PathUse> {
        match self {
            PromptKind::WritePath | PromptKind::AuditPath | PromptKind::WriteArtefact(_) => {
                Some(PathUse::Write)
            }
            PromptKind::ImportPath => Some(PathUse::Import),
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
}
