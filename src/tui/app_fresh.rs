//! Coming back to the wizard: every tracked domain whose last check is old is re-checked in
//! the background (rows update as each result arrives; the fleet check bounds how many run at
//! once), and until a fresh check says otherwise its facts are shown with their age, never as
//! current. A background check that reached no DNS server (offline) is recorded nowhere: the
//! last real facts stay, with the reason a fresh check was not possible.

use jiff::Timestamp;

use super::app::{App, Effect, Purpose};
use crate::ops::Checked;
use mtasts_core::evidence::ProbeStage;
use mtasts_core::judge::reach::{DNS_UNANSWERED, dns_unanswered};
use mtasts_core::rfc::DomainName;
use mtasts_core::rollout::check_is_old;
use mtasts_core::words::age;

/// How fresh the facts shown for a domain are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    /// Checked within the last few hours (or never: nothing is shown as a fact).
    Fresh,
    /// The last check is old and a new one runs now.
    Checking(Timestamp),
    /// A check since the last one (made at the time given) reached no DNS server.
    Unreachable(Timestamp),
    /// The last check is old; no fresh one ran yet.
    Old(Timestamp),
}

impl App {
    /// How fresh the facts shown for `domain` are.
    pub fn freshness(&self, domain: &DomainName) -> Freshness {
        let Some(at) = self.observation(domain).map(|o| o.at) else { return Freshness::Fresh };
        let old = check_is_old(at, self.now);
        let session = self.session(domain);
        match () {
            _ if old && session.is_some_and(|s| s.pending.is_some()) => Freshness::Checking(at),
            _ if session.and_then(|s| s.unreachable).is_some_and(|u| u > at) => Freshness::Unreachable(at),
            _ if old => Freshness::Old(at),
            _ => Freshness::Fresh,
        }
    }

    /// What the check of `domain` in flight waits for, in a few words.
    pub fn waiting_for(&self, domain: &DomainName) -> &'static str {
        match self.session(domain).and_then(|s| s.stage) {
            Some(ProbeStage::Servers) => "STARTTLS and HTTPS",
            Some(ProbeStage::Dns) | None => "DNS",
        }
    }

    /// What to say instead of the next step while the facts of `domain` are old: their age and
    /// what is being done about it; `None` while they are fresh.
    pub fn freshness_words(&self, domain: &DomainName) -> Option<String> {
        let now = self.now;
        Some(match self.freshness(domain) {
            Freshness::Fresh => return None,
            Freshness::Checking(at) => format!("Last checked {}; checking again now…", age(now, at)),
            Freshness::Unreachable(at) => format!("Checked {}; {DNS_UNANSWERED}", age(now, at)),
            Freshness::Old(at) => format!(
                "Last checked {}; {} checks again",
                age(now, at),
                crate::tui::hints::verb_keys(self, mtasts_core::rollout::Verb::Check)
            ),
        })
    }

    /// Starts one background check of every tracked domain whose last check is old, unless it
    /// is being checked or this session already tried within the same few hours (offline, that
    /// keeps the wizard from retrying every reload). A domain never checked shows no facts to
    /// be stale: its screen says "not checked yet" and opening it checks it.
    pub(super) fn recheck_old(&mut self) -> Vec<Effect> {
        let now = self.now;
        let old: Vec<DomainName> = self
            .tracked_states()
            .filter(|s| self.observation(&s.domain).is_some_and(|o| check_is_old(o.at, now)))
            .map(|s| s.domain.clone())
            .filter(|d| {
                self.session(d)
                    .is_none_or(|x| x.pending.is_none() && x.auto_at.is_none_or(|t| check_is_old(t, now)))
            })
            .collect();
        for d in &old {
            self.session_mut(d).auto_at = Some(now);
        }
        self.start_check(old, Purpose::Background)
    }

    /// A check came back that reached no DNS server: it says nothing about the domain, so it
    /// is recorded nowhere and the last real facts stay, shown with their age and this reason
    /// (on the status line at once, and beside the facts while they are shown).
    pub(super) fn on_unanswered(&mut self, c: Checked, purpose: Purpose) -> Vec<Effect> {
        self.session_mut(&c.domain).unreachable = Some(c.at);
        let text = match purpose {
            Purpose::Background => {
                format!("{DNS_UNANSWERED}: what is shown is from the last checks, with their age")
            }
            _ => format!("{}: {DNS_UNANSWERED}; nothing was recorded", c.domain),
        };
        self.set_status(text, true);
        Vec::new()
    }
}

/// Whether a check reached no DNS server at all.
pub fn unanswered(c: &Checked) -> bool {
    dns_unanswered(&c.evidence)
}
