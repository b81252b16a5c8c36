//! The home screen as a fleet table, as pure functions: natural order of names, the filter's
//! syntax and matching, per-domain facts, the rows in display order and the summary counts.
//!
//! Filter syntax (`/` on the home screen): space-separated terms that must all match.
//! `phase:P` (or a bare phase name, any unambiguous prefix: `phase:test`) keeps the domains in
//! that phase; `is:W` (or a bare `W`) keeps those with fact `W`: `pass`, `warn`, `fail` (the
//! latest check's verdict), `old` (the last check is old), `never` (never checked), `refused`
//! (mail refused now), `due` (something is due), `ending` (testing window ends this week),
//! `expiring` (an MX certificate expires within 14 days), `expired` (one has expired),
//! `marked`, `unreadable`; `name:T`
//! (or any other word) keeps the names containing `T`. Case does not matter.

use std::cmp::Ordering;

use mtasts_core::rollout::{CertEnd, Phase, Urgency};

/// How the home screen orders the domains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    /// By name, numbers in names compared as numbers (`client2` before `client10`).
    #[default]
    Name,
    /// Most urgent first (mail refused, failing, due, warning, calm), then by name.
    Urgency,
}

impl SortBy {
    /// How the screen names it.
    pub fn words(self) -> &'static str {
        match self {
            SortBy::Name => "by name",
            SortBy::Urgency => "by urgency",
        }
    }
}

/// `a` before `b` as people sort names: runs of digits compare as numbers (`client2` <
/// `client10`, `a01` = `a1` then by length), other characters as text, case-insensitively;
/// equal-looking names fall back to plain text order so the order is total.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) if p.is_ascii_digit() && q.is_ascii_digit() => {
                let (n, rest_x) = split_digits(x);
                let (m, rest_y) = split_digits(y);
                let (n0, m0) = (trim_zeros(n), trim_zeros(m));
                let by_value = n0.len().cmp(&m0.len()).then_with(|| n0.cmp(m0));
                let by_width = n.len().cmp(&m.len());
                match by_value.then(by_width) {
                    Ordering::Equal => (x, y) = (rest_x, rest_y),
                    other => return other,
                }
            }
            (Some(p), Some(q)) => match p.to_ascii_lowercase().cmp(&q.to_ascii_lowercase()) {
                Ordering::Equal => (x, y) = (&x[1..], &y[1..]),
                other => return other,
            },
        }
    }
}

fn split_digits(s: &[u8]) -> (&[u8], &[u8]) {
    let n = s.iter().take_while(|c| c.is_ascii_digit()).count();
    s.split_at(n)
}

fn trim_zeros(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|c| **c == b'0').count();
    &s[n.min(s.len().saturating_sub(1))..]
}

/// What the latest check of a domain says, as the table and the summary count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// Passed.
    Pass,
    /// Warned.
    Warn,
    /// Failed.
    Fail,
    /// Made long enough ago that it is no longer a current fact.
    Old,
    /// Never checked.
    Never,
    /// The state file could not be read.
    Unreadable,
}

/// What the table, the filter and the summary know of one tracked domain, worked out once per
/// change of the fleet (not per frame).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// The name (for a state file that could not be read: its file name).
    pub name: String,
    /// The phase (`None` for an unreadable state file).
    pub phase: Option<Phase>,
    /// The latest check.
    pub seen: Seen,
    /// How urgent it is.
    pub urgency: Urgency,
    /// Its testing window ends within 7 days.
    pub ending: bool,
    /// An MX certificate has expired, or expires within 14 days.
    pub cert: Option<CertEnd>,
    /// Marked (space).
    pub marked: bool,
}

/// A fact a filter term asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// The latest check's verdict, or never / old / unreadable.
    Seen(Seen),
    /// Mail refused now.
    Refused,
    /// Something due.
    Due,
    /// The testing window ends this week.
    Ending,
    /// A certificate expiring within 14 days.
    Expiring,
    /// A certificate expired.
    Expired,
    /// Marked.
    Marked,
}

const FLAGS: [(&str, Flag); 12] = [
    ("pass", Flag::Seen(Seen::Pass)),
    ("warn", Flag::Seen(Seen::Warn)),
    ("fail", Flag::Seen(Seen::Fail)),
    ("old", Flag::Seen(Seen::Old)),
    ("never", Flag::Seen(Seen::Never)),
    ("unreadable", Flag::Seen(Seen::Unreadable)),
    ("refused", Flag::Refused),
    ("due", Flag::Due),
    ("ending", Flag::Ending),
    ("expiring", Flag::Expiring),
    ("expired", Flag::Expired),
    ("marked", Flag::Marked),
];

/// One term of a filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// The name contains this (lower case).
    Name(String),
    /// In this phase.
    Phase(Phase),
    /// Has this fact.
    Is(Flag),
}

/// The phase a word names: a phase name or an unambiguous prefix of one.
fn phase_named(word: &str) -> Option<Phase> {
    let all = Phase::ORDER.into_iter().chain([Phase::Rollback]);
    let hits: Vec<Phase> = all.filter(|p| p.as_str().starts_with(word)).collect();
    match hits.as_slice() {
        [p] => Some(*p),
        _ => hits.into_iter().find(|p| p.as_str() == word),
    }
}

/// Parses a filter as typed; `Err` names the first term that asks for something unknown.
pub fn parse_filter(text: &str) -> Result<Vec<Term>, String> {
    text.split_whitespace()
        .map(|raw| {
            let w = raw.to_lowercase();
            if let Some(p) = w.strip_prefix("phase:") {
                return phase_named(p).map(Term::Phase).ok_or_else(|| format!("no phase {p:?}"));
            }
            if let Some(f) = w.strip_prefix("is:") {
                let flag = FLAGS.iter().find(|(n, _)| *n == f).map(|(_, fl)| Term::Is(*fl));
                return flag.ok_or_else(|| format!("unknown {f:?}: try {}", flag_words()));
            }
            if let Some(n) = w.strip_prefix("name:") {
                return Ok(Term::Name(n.to_owned()));
            }
            if let Some((_, f)) = FLAGS.iter().find(|(n, _)| *n == w) {
                return Ok(Term::Is(*f));
            }
            let exact_phase = Phase::ORDER.into_iter().chain([Phase::Rollback]).find(|p| p.as_str() == w);
            Ok(exact_phase.map_or(Term::Name(w), Term::Phase))
        })
        .collect()
}

/// The fact words, for the filter's error and the help.
pub fn flag_words() -> String {
    FLAGS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
}

/// Whether `f` passes every term.
pub fn matches(terms: &[Term], f: &Facts) -> bool {
    terms.iter().all(|t| match t {
        Term::Name(n) => f.name.contains(n.as_str()),
        Term::Phase(p) => f.phase == Some(*p),
        Term::Is(Flag::Seen(s)) => f.seen == *s,
        Term::Is(Flag::Refused) => f.urgency == Urgency::MailRefused,
        Term::Is(Flag::Due) => f.urgency == Urgency::Due,
        Term::Is(Flag::Ending) => f.ending,
        Term::Is(Flag::Expiring) => f.cert == Some(CertEnd::Expiring),
        Term::Is(Flag::Expired) => f.cert == Some(CertEnd::Expired),
        Term::Is(Flag::Marked) => f.marked,
    })
}

/// The rows to show, as indices into `facts` (which is in natural name order): those the
/// filter keeps, most urgent first when sorting by urgency.
pub fn rows(facts: &[Facts], terms: &[Term], sort: SortBy) -> Vec<usize> {
    let mut out: Vec<usize> = (0..facts.len()).filter(|i| matches(terms, &facts[*i])).collect();
    if sort == SortBy::Urgency {
        out.sort_by_key(|i| facts[*i].urgency);
    }
    out
}

/// Where the fleet stands, counted over every tracked domain (not only the shown ones).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Tracked domains (state files, readable or not).
    pub total: usize,
    /// Domains per phase, in rollout order, phases with none left out.
    pub phases: Vec<(Phase, usize)>,
    /// Latest checks: passed, warned, failed, old, never, unreadable.
    pub seen: [usize; 6],
    /// Mail refused now.
    pub refused: usize,
    /// Something due.
    pub due: usize,
    /// Testing windows ending this week.
    pub ending: usize,
    /// Domains with an MX certificate expiring within 14 days (none expired).
    pub expiring: usize,
    /// Domains with an expired MX certificate.
    pub expired: usize,
    /// Marked.
    pub marked: usize,
}

/// The order of [`Summary::seen`].
pub const SEEN_ORDER: [Seen; 6] =
    [Seen::Pass, Seen::Warn, Seen::Fail, Seen::Old, Seen::Never, Seen::Unreadable];

/// Counts `facts`.
pub fn summary(facts: &[Facts]) -> Summary {
    let mut s = Summary { total: facts.len(), ..Summary::default() };
    let mut per_phase = [0usize; 8];
    let phases: Vec<Phase> = Phase::ORDER.into_iter().chain([Phase::Rollback]).collect();
    for f in facts {
        if let Some(i) = f.phase.and_then(|p| phases.iter().position(|q| *q == p)) {
            per_phase[i.min(7)] += 1;
        }
        if let Some(i) = SEEN_ORDER.iter().position(|x| *x == f.seen) {
            s.seen[i] += 1;
        }
        s.refused += usize::from(f.urgency == Urgency::MailRefused);
        s.due += usize::from(f.urgency == Urgency::Due);
        s.ending += usize::from(f.ending);
        s.expiring += usize::from(f.cert == Some(CertEnd::Expiring));
        s.expired += usize::from(f.cert == Some(CertEnd::Expired));
        s.marked += usize::from(f.marked);
    }
    s.phases = phases.into_iter().zip(per_phase).filter(|(_, n)| *n > 0).collect();
    s
}

/// The home screen's table: how it sorts and filters, the marks, and the rows and summary
/// worked out from the tracked domains (kept up to date by the wizard's `update`).
#[derive(Debug, Clone, Default)]
pub struct FleetView {
    /// The order.
    pub sort: SortBy,
    /// The filter as typed (empty: every domain).
    pub filter: tui_input::Input,
    /// The filter is being typed: keys go to it.
    pub typing: bool,
    /// The filter before typing began (Esc puts it back).
    pub before: Option<String>,
    /// What is wrong with the filter as typed (everything is shown meanwhile).
    pub error: Option<String>,
    /// The marked domains.
    pub marks: std::collections::BTreeSet<mtasts_core::rfc::DomainName>,
    /// Per entry of the wizard (same order): what the table knows.
    pub facts: Vec<Facts>,
    /// The rows shown, in order: indices into the entries.
    pub rows: Vec<usize>,
    /// Where the fleet stands.
    pub summary: Summary,
    /// The first row on screen, as last drawn (keys move it by pages).
    pub top: std::cell::Cell<usize>,
    /// How many rows the table showed, as last drawn: a page.
    pub page: std::cell::Cell<u16>,
    /// The facts are out of date.
    pub stale: bool,
    /// Results that came in since the facts were last worked out (while many stream in).
    pub deferred: u32,
    /// The clock when the facts were worked out.
    pub built_at: jiff::Timestamp,
    /// The domains the running `r` checks (empty: none runs).
    pub run: Vec<mtasts_core::rfc::DomainName>,
    /// The domains the `w` menu writes for.
    pub writing: Vec<mtasts_core::rfc::DomainName>,
}

/// A name ordered by [`natural_cmp`] (for sorting with a key worked out once per item).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NaturalKey(pub String);

impl Ord for NaturalKey {
    fn cmp(&self, other: &Self) -> Ordering {
        natural_cmp(&self.0, &other.0)
    }
}

impl PartialOrd for NaturalKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
