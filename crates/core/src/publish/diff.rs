//! The difference between what the provider serves at the three names and what the intent
//! wants, as whole RRsets before and after: a provider that updates by RRset replaces
//! `before` with `after`; one that updates by record removes and adds the difference; RFC 2136
//! makes `before` its prerequisite. Records that are not mtasts's stay in `after` untouched.

use super::intent::{Intent, Role};
use super::record::{RData, Record, RrType};
use crate::rfc::DomainName;

/// Why the records cannot be changed here.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiffError {
    /// The name is a CNAME elsewhere (RFC 8461 §8.2 delegation): its TXT lives at the target.
    #[error(
        "{name} is a CNAME to {target} (delegated, RFC 8461 §8.2): the record is published where it \
         points; change it there, or remove the CNAME first"
    )]
    Delegated {
        /// The delegated name.
        name: String,
        /// Where it points.
        target: String,
    },
}

/// One RRset (name and type) as served and as it should be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RrsetChange {
    /// The owner name.
    pub name: String,
    /// The type.
    pub rtype: RrType,
    /// The TTL of the RRset after the change (the served RRset's, else the default).
    pub ttl: u32,
    /// Every record of the RRset as served now (mtasts's and others').
    pub before: Vec<Record>,
    /// Every record of the RRset afterwards (empty: the RRset goes).
    pub after: Vec<Record>,
}

impl RrsetChange {
    /// Records served now that go.
    pub fn removed(&self) -> Vec<&Record> {
        self.before.iter().filter(|r| !self.after.iter().any(|a| a.data == r.data)).collect()
    }

    /// Records that are new.
    pub fn added(&self) -> Vec<&Record> {
        self.after.iter().filter(|a| !self.before.iter().any(|r| r.data == a.data)).collect()
    }
}

/// Every RRset change one publication makes, in the order to apply them (removals of whole
/// RRsets first, so an alias can make way for addresses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSet {
    /// The domain.
    pub domain: DomainName,
    /// The changes.
    pub changes: Vec<RrsetChange>,
    /// Records at the same names that are not mtasts's and stay as they are.
    pub untouched: Vec<Record>,
}

impl ChangeSet {
    /// Nothing to change: everything wanted is already served.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The diff for people: `- record` for each removal, `+ record` for each addition, and
    /// `= record (…)` for the records at these names that stay untouched. Terminal-safe.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for c in &self.changes {
            out.extend(c.removed().into_iter().map(|r| format!("- {r}")));
            out.extend(c.added().into_iter().map(|r| format!("+ {r}")));
        }
        out.extend(self.untouched.iter().map(|r| format!("= {r}   (not mtasts's: left as it is)")));
        out
    }
}

/// Compares `served` (what the provider serves at the intent's names; records elsewhere are
/// ignored) with the intent. `ttl` is the TTL of RRsets that do not exist yet.
pub fn diff(intent: &Intent, served: &[Record], ttl: u32) -> Result<ChangeSet, DiffError> {
    let mut changes = Vec::new();
    let mut untouched = Vec::new();
    for want in &intent.wants {
        let here: Vec<&Record> = served.iter().filter(|r| r.name.eq_ignore_ascii_case(&want.name)).collect();
        if want.role != Role::PolicyHost
            && let Some(alias) = here.iter().find(|r| r.rtype() == RrType::Cname)
        {
            return Err(DiffError::Delegated { name: want.name.clone(), target: alias.data.presentation() });
        }
        untouched.extend(here.iter().filter(|r| !want.role.owns(&r.data)).map(|r| (*r).clone()));
        for &rtype in want.role.types() {
            let before: Vec<Record> =
                here.iter().filter(|r| r.rtype() == rtype).map(|r| (*r).clone()).collect();
            let set_ttl = before.first().map_or(ttl, |r| r.ttl);
            let mut after: Vec<Record> =
                before.iter().filter(|r| !want.role.owns(&r.data)).cloned().collect();
            let mut wanted: Vec<&RData> = want.records.iter().filter(|d| d.rtype() == rtype).collect();
            wanted.sort();
            wanted.dedup();
            after.extend(wanted.into_iter().map(|d| Record::new(&want.name, set_ttl, d.clone())));
            let same =
                before.len() == after.len() && after.iter().all(|a| before.iter().any(|b| b.data == a.data));
            if !same {
                changes.push(RrsetChange { name: want.name.clone(), rtype, ttl: set_ttl, before, after });
            }
        }
    }
    changes.sort_by_key(|c| !c.after.is_empty());
    Ok(ChangeSet { domain: intent.domain.clone(), changes, untouched })
}

/// Whether `served` already holds everything the intent wants: what a second run and the
/// check after applying look at.
pub fn already(intent: &Intent, served: &[Record]) -> bool {
    diff(intent, served, 0).is_ok_and(|c| c.is_empty())
}
