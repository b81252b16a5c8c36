//! The next step as typed parts: plain words and the things the user does through mtasts
//! itself ([`Verb`]). The CLI renders a verb as the command that does it, the wizard as the
//! key, so neither front end names the other's way of doing things.

use crate::rfc::DomainName;

use super::phase::HostingPath;

/// Something the user does through mtasts (a command in the CLI, a key in the wizard).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// Run a live check.
    Check,
    /// Try to move on to the next phase.
    Advance,
    /// Look at the TLS-RPT reports.
    Reports,
    /// Confirm the steps of a planned change a check shows done.
    ConfirmChange,
    /// Get the hosting snippet of this path.
    Generate(HostingPath),
    /// Choose a hosting path.
    ChooseHosting,
    /// Plan the rollback: `mode: none` with a new id (the way out while mail is refused).
    RollBack,
    /// After a rollback: back to testing with a new id.
    Resume,
    /// After a rollback: remove MTA-STS entirely.
    Retire,
    /// Stop tracking the domain.
    StopTracking,
}

impl Verb {
    /// The CLI command that does it, for `domain`.
    pub fn command(self, domain: &DomainName) -> String {
        match self {
            Verb::Check => format!("mtasts check {domain}"),
            Verb::Advance => format!("mtasts advance {domain}"),
            Verb::Reports => format!("mtasts reports summary {domain}"),
            Verb::ConfirmChange => format!("mtasts plan confirm {domain}"),
            Verb::Generate(h) => format!("mtasts generate --target {} {domain}", h.generate_target()),
            Verb::ChooseHosting => format!("mtasts advance {domain} --path nginx"),
            Verb::RollBack => format!("mtasts rollback {domain}"),
            Verb::Resume => format!("mtasts resume {domain}"),
            Verb::Retire => format!("mtasts retire {domain}"),
            Verb::StopTracking => format!("mtasts remove {domain} --yes"),
        }
    }
}

/// One piece of a next step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Words, shown as they are.
    Text(String),
    /// A verb, shown as its command or key.
    Do(Verb),
}

/// A next step: words with verbs in them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Next(pub Vec<Part>);

impl Next {
    /// Plain words.
    pub fn text(s: impl Into<String>) -> Next {
        Next(vec![Part::Text(s.into())])
    }

    /// Appends words.
    pub fn then(mut self, s: impl Into<String>) -> Next {
        self.0.push(Part::Text(s.into()));
        self
    }

    /// Appends a verb.
    pub fn verb(mut self, v: Verb) -> Next {
        self.0.push(Part::Do(v));
        self
    }

    /// The verbs named, in order.
    pub fn verbs(&self) -> impl Iterator<Item = Verb> + '_ {
        self.0.iter().filter_map(|p| match p {
            Part::Do(v) => Some(*v),
            Part::Text(_) => None,
        })
    }

    /// The step with each verb written by `show`.
    pub fn render(&self, show: impl Fn(Verb) -> String) -> String {
        self.0
            .iter()
            .map(|p| match p {
                Part::Text(t) => t.clone(),
                Part::Do(v) => show(*v),
            })
            .collect()
    }

    /// The step as the CLI prints it (verbs as commands).
    pub fn cli(&self, domain: &DomainName) -> String {
        self.render(|v| v.command(domain))
    }
}

impl From<String> for Next {
    fn from(s: String) -> Next {
        Next::text(s)
    }
}
