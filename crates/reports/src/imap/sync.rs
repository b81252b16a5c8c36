//! One fetch: open the mailbox, find the messages after the saved position, import them one
//! by one (saving the position after each), then move the stored ones if asked.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use futures::TryStreamExt;

use super::conn::{self, COMMAND_BYTES, Session, proto, timed};
use super::{FetchRequest, ImapError};
use crate::imap::position::{MailboxSync, SyncPosition};
use crate::{DkimVerifier, ImportOutcome, Outcome, ReportStore, Source};

/// What happened so far (for progress lines).
#[derive(Debug, Clone)]
pub enum FetchEvent {
    /// The mailbox is open.
    Selected {
        /// Messages this run fetches.
        to_fetch: usize,
        /// New messages left for a later run (the count limit).
        waiting: usize,
        /// The mailbox's UIDVALIDITY changed: every message is fetched again (the report
        /// store skips what it already holds).
        renumbered: bool,
    },
    /// One message was handled.
    Message {
        /// Its UID.
        uid: u32,
        /// What became of each report in it.
        outcomes: Vec<ImportOutcome>,
    },
}

/// How a fetch ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchSummary {
    /// Messages handled.
    pub messages: usize,
    /// New messages left for a later run.
    pub waiting: usize,
    /// Messages moved to the `--move-to` folder.
    pub moved: usize,
    /// The mailbox's UIDVALIDITY changed since the last fetch.
    pub renumbered: bool,
    /// Stopped early because the progress callback asked.
    pub cancelled: bool,
    /// The UID of a message whose reports could not be stored (a full disk): the fetch stopped
    /// there without moving its position past it, so the next fetch starts with it.
    pub unstored: Option<u32>,
}

/// `1,2,3,7` → `1:3,7`.
fn uid_set(uids: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        while i + 1 < uids.len() && uids[i + 1] == uids[i] + 1 {
            i += 1;
        }
        out.push(if uids[i] == start { start.to_string() } else { format!("{start}:{}", uids[i]) });
        i += 1;
    }
    out.join(",")
}

/// A message is moved when every report in it was stored or already was.
fn movable(outcomes: &[ImportOutcome]) -> bool {
    outcomes.iter().any(|o| matches!(o.outcome, Outcome::Imported { .. } | Outcome::Duplicate { .. }))
        && outcomes.iter().all(|o| !matches!(o.outcome, Outcome::Rejected { .. } | Outcome::Failed { .. }))
}

/// A message the fetch must see again: a report in it could not be stored.
fn unstored(outcomes: &[ImportOutcome]) -> bool {
    outcomes.iter().any(|o| matches!(o.outcome, Outcome::Failed { .. }))
}

/// Fetches the messages not seen before from the mailbox and imports them into `store`;
/// `each` hears of every step and may stop the fetch after the message being handled.
/// A refused login returns [`ImapError::Auth`] with nothing changed.
pub async fn fetch(
    req: &FetchRequest,
    store: &ReportStore,
    state_dir: &Path,
    each: &mut dyn FnMut(FetchEvent) -> ControlFlow<()>,
) -> Result<FetchSummary, ImapError> {
    let state = |e: std::io::Error| ImapError::State(e.to_string());
    let sync = MailboxSync::open(state_dir, &req.url.account(), &req.url.mailbox).map_err(state)?;
    let position = sync.position().map_err(state)?;
    let mut session = conn::open(req).await?;
    let dkim = DkimVerifier::new(req.dkim.clone(), tokio::runtime::Handle::current());
    let result = run(req, (store, &dkim), &sync, position, &mut session, each).await;
    // A polite goodbye; the result stands whatever the server says to it.
    session.get_mut().allow(COMMAND_BYTES);
    let _ = tokio::time::timeout(req.step_timeout, session.logout()).await;
    result
}

async fn run(
    req: &FetchRequest,
    (store, dkim): (&ReportStore, &DkimVerifier),
    sync: &MailboxSync,
    position: Option<SyncPosition>,
    session: &mut Session,
    each: &mut dyn FnMut(FetchEvent) -> ControlFlow<()>,
) -> Result<FetchSummary, ImapError> {
    let step = req.step_timeout;
    let mailbox = &req.url.mailbox;
    let opened = if req.move_to.is_some() {
        timed(step, "SELECT", session.select(mailbox), proto("SELECT")).await?
    } else {
        timed(step, "EXAMINE", session.examine(mailbox), proto("EXAMINE")).await?
    };
    let uid_validity = opened.uid_validity.ok_or_else(|| ImapError::Protocol {
        step: "SELECT",
        reason: "the server gave no UIDVALIDITY".into(),
    })?;
    let renumbered = position.is_some_and(|p| p.uid_validity != uid_validity);
    let after = position.filter(|p| p.uid_validity == uid_validity).map_or(0, |p| p.last_uid);
    let mut uids: Vec<u32> = if opened.exists == 0 {
        Vec::new()
    } else {
        let query = format!("UID {}:*", after.saturating_add(1));
        let found = timed(step, "UID SEARCH", session.uid_search(query), proto("UID SEARCH")).await?;
        found.into_iter().filter(|&u| u > after).collect()
    };
    uids.sort_unstable();
    let waiting = uids.len().saturating_sub(req.limits.max_messages);
    uids.truncate(req.limits.max_messages);
    let mut summary = FetchSummary { waiting, renumbered, ..FetchSummary::default() };
    if each(FetchEvent::Selected { to_fetch: uids.len(), waiting, renumbered }).is_break() {
        summary.cancelled = true;
        return Ok(summary);
    }
    if uids.is_empty() {
        sync.save(SyncPosition { uid_validity, last_uid: after })
            .map_err(|e| ImapError::State(e.to_string()))?;
        return Ok(summary);
    }
    let sizes = sizes(req, session, &uids).await?;
    let mut to_move = Vec::new();
    let label = PathBuf::from(req.url.to_string());
    for &uid in &uids {
        let source = Source { path: label.clone(), message: usize::try_from(uid).ok(), part: None };
        let outcomes = match sizes.get(&uid) {
            // Expunged meanwhile: nothing to import.
            None => Vec::new(),
            Some(&size) if size > req.limits.max_message_bytes => vec![ImportOutcome {
                source,
                outcome: Outcome::Rejected {
                    reason: format!(
                        "message too large: {size} bytes, more than the {} allowed",
                        req.limits.max_message_bytes
                    ),
                },
            }],
            Some(&size) => match body(req, session, uid, size).await? {
                Some(raw) => {
                    let verdict = dkim.verify(&raw).await;
                    store.import_email(&source, &raw, &verdict)
                }
                None => vec![ImportOutcome {
                    source,
                    outcome: Outcome::Rejected { reason: "the server sent no message body".into() },
                }],
            },
        };
        summary.messages += 1;
        if unstored(&outcomes) {
            // The position stays before this message: the next fetch starts with it.
            summary.unstored = Some(uid);
            summary.cancelled = each(FetchEvent::Message { uid, outcomes }).is_break();
            break;
        }
        sync.save(SyncPosition { uid_validity, last_uid: uid })
            .map_err(|e| ImapError::State(e.to_string()))?;
        if movable(&outcomes) {
            to_move.push(uid);
        }
        if each(FetchEvent::Message { uid, outcomes }).is_break() {
            summary.cancelled = true;
            break;
        }
    }
    if let Some(folder) = &req.move_to
        && !to_move.is_empty()
    {
        move_to(req, session, &to_move, folder).await?;
        summary.moved = to_move.len();
    }
    Ok(summary)
}

async fn sizes(
    req: &FetchRequest,
    session: &mut Session,
    uids: &[u32],
) -> Result<BTreeMap<u32, u32>, ImapError> {
    session.get_mut().allow(COMMAND_BYTES);
    let set = uid_set(uids);
    let fetched = timed(
        req.step_timeout,
        "UID FETCH (sizes)",
        async { session.uid_fetch(set, "(UID RFC822.SIZE)").await?.try_collect::<Vec<_>>().await },
        proto("UID FETCH"),
    )
    .await?;
    Ok(fetched.iter().filter_map(|f| Some((f.uid?, f.size?))).collect())
}

async fn body(
    req: &FetchRequest,
    session: &mut Session,
    uid: u32,
    size: u32,
) -> Result<Option<Vec<u8>>, ImapError> {
    session.get_mut().allow(u64::from(size) + 64 * 1024);
    let fetched = timed(
        req.step_timeout,
        "UID FETCH (message)",
        async {
            session.uid_fetch(uid.to_string(), "(UID BODY.PEEK[])").await?.try_collect::<Vec<_>>().await
        },
        proto("UID FETCH"),
    )
    .await?;
    let limit = usize::try_from(req.limits.max_message_bytes).unwrap_or(usize::MAX);
    Ok(fetched
        .iter()
        .find(|f| f.uid == Some(uid))
        .and_then(|f| f.body())
        .filter(|b| b.len() <= limit)
        .map(<[u8]>::to_vec))
}

/// `UID MOVE` (RFC 6851) when offered, else `UID COPY`, `\Deleted` and `UID EXPUNGE` (or a
/// plain `EXPUNGE` on servers without UIDPLUS).
async fn move_to(
    req: &FetchRequest,
    session: &mut Session,
    uids: &[u32],
    folder: &str,
) -> Result<(), ImapError> {
    let step = req.step_timeout;
    session.get_mut().allow(COMMAND_BYTES);
    let caps = timed(step, "CAPABILITY", session.capabilities(), proto("CAPABILITY")).await?;
    // The folder may exist already; a real problem shows in the move below.
    let _ = tokio::time::timeout(step, session.create(folder)).await;
    let set = uid_set(uids);
    if caps.has_str("MOVE") {
        return timed(step, "UID MOVE", session.uid_mv(&set, folder), proto("UID MOVE")).await;
    }
    timed(step, "UID COPY", session.uid_copy(&set, folder), proto("UID COPY")).await?;
    let flag =
        async { session.uid_store(&set, "+FLAGS.SILENT (\\Deleted)").await?.try_collect::<Vec<_>>().await };
    timed(step, "UID STORE", flag, proto("UID STORE")).await?;
    if caps.has_str("UIDPLUS") {
        let gone = async { session.uid_expunge(&set).await?.try_collect::<Vec<_>>().await };
        timed(step, "UID EXPUNGE", gone, proto("UID EXPUNGE")).await?;
    } else {
        let gone = async { session.expunge().await?.try_collect::<Vec<_>>().await };
        timed(step, "EXPUNGE", gone, proto("EXPUNGE")).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_sets_are_ranges() {
        assert_eq!(uid_set(&[1, 2, 3, 7, 9, 10]), "1:3,7,9:10");
        assert_eq!(uid_set(&[5]), "5");
    }

    #[test]
    fn only_messages_with_stored_reports_and_no_rejection_move() {
        let o = |outcome| ImportOutcome {
            source: Source { path: "x".into(), message: None, part: None },
            outcome,
        };
        let imported = o(Outcome::Imported {
            report_id: "r".into(),
            domains: vec![],
            conflicts: vec![],
            authentication: crate::Authentication::File,
        });
        let dup = o(Outcome::Duplicate { report_id: "r".into(), authenticated: None });
        let ignored = o(Outcome::Ignored { reason: "no report".into() });
        let rejected = o(Outcome::Rejected { reason: "bad".into() });
        let failed = o(Outcome::Failed { reason: "cannot store: No space left on device".into() });
        assert!(!movable(&[imported.clone(), failed.clone()]));
        assert!(unstored(&[imported.clone(), failed]) && !unstored(&[rejected.clone(), ignored.clone()]));
        assert!(movable(std::slice::from_ref(&imported)));
        assert!(movable(&[dup.clone(), ignored.clone()]));
        assert!(!movable(&[ignored]));
        assert!(!movable(&[imported, rejected]));
        assert!(!movable(&[]));
    }
}
