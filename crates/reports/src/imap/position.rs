//! Where `mtasts reports fetch` stopped in each IMAP mailbox: one small TOML file per account
//! and mailbox at `<state-dir>/imap/<hash>.toml` (the hash of the account and mailbox, so
//! nothing typed by a user becomes a path), holding the mailbox's UIDVALIDITY and the highest
//! UID processed. A fetch holds an exclusive lock on `<state-dir>/imap/.<hash>.lock` for its
//! whole run, so two fetches of one mailbox never interleave.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const MAX_SYNC_BYTES: u64 = 64 * 1024;

/// How far a mailbox has been fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncPosition {
    /// The mailbox's UIDVALIDITY when the UIDs below were seen; another value means the
    /// server renumbered the mailbox and every message is fetched again.
    pub uid_validity: u32,
    /// The highest UID processed (every message with a UID up to this one was handled).
    pub last_uid: u32,
}

#[derive(Debug, Serialize, Deserialize)]
struct SyncFile {
    account: String,
    mailbox: String,
    uid_validity: u32,
    last_uid: u32,
}

/// The fetch position of one account and mailbox, locked while this value lives.
#[derive(Debug)]
pub struct MailboxSync {
    path: PathBuf,
    account: String,
    mailbox: String,
    _lock: File,
}

impl MailboxSync {
    /// Opens (creating the directory if needed) and locks the position of `mailbox` at
    /// `account` (e.g. `imaps://user@host:993`). Fails at once when another fetch of the same
    /// mailbox holds the lock.
    pub fn open(state_dir: &Path, account: &str, mailbox: &str) -> io::Result<MailboxSync> {
        let dir = state_dir.join("imap");
        std::fs::create_dir_all(&dir)?;
        let mut hash = Sha256::new();
        hash.update(account.as_bytes());
        hash.update([0]);
        hash.update(mailbox.as_bytes());
        let name: String = hash.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect();
        let lock = mtasts_fs::open_lock(&dir.join(format!(".{name}.lock")))?;
        lock.try_lock().map_err(|_| {
            io::Error::new(io::ErrorKind::WouldBlock, "another fetch of this mailbox is running")
        })?;
        Ok(MailboxSync {
            path: dir.join(format!("{name}.toml")),
            account: account.to_owned(),
            mailbox: mailbox.to_owned(),
            _lock: lock,
        })
    }

    /// The file the position is kept in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The saved position; `None` before the first fetch. A file that cannot be read or
    /// parsed is an error (and is left untouched).
    pub fn position(&self) -> io::Result<Option<SyncPosition>> {
        let mut text = String::new();
        match File::open(&self.path) {
            Ok(f) => f.take(MAX_SYNC_BYTES).read_to_string(&mut text)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let file: SyncFile = toml::from_str(&text).map_err(|e| {
            io::Error::new(io::ErrorKind::InvalidData, format!("{}: {e}", self.path.display()))
        })?;
        Ok(Some(SyncPosition { uid_validity: file.uid_validity, last_uid: file.last_uid }))
    }

    /// Saves the position atomically.
    pub fn save(&self, position: SyncPosition) -> io::Result<()> {
        let file = SyncFile {
            account: self.account.clone(),
            mailbox: self.mailbox.clone(),
            uid_validity: position.uid_validity,
            last_uid: position.last_uid,
        };
        let text = toml::to_string(&file).map_err(|e| io::Error::other(e.to_string()))?;
        mtasts_fs::write_atomic(&self.path, text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_position_round_trips_and_a_second_fetch_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let sync = MailboxSync::open(dir.path(), "imaps://u@h:993", "INBOX").unwrap();
        assert_eq!(sync.position().unwrap(), None);
        let pos = SyncPosition { uid_validity: 7, last_uid: 42 };
        sync.save(pos).unwrap();
        assert_eq!(sync.position().unwrap(), Some(pos));
        let err = MailboxSync::open(dir.path(), "imaps://u@h:993", "INBOX").unwrap_err();
        assert!(err.to_string().contains("another fetch"), "{err}");
        let other = MailboxSync::open(dir.path(), "imaps://u@h:993", "Reports").unwrap();
        assert_ne!(other.path(), sync.path());
        drop(sync);
        let again = MailboxSync::open(dir.path(), "imaps://u@h:993", "INBOX").unwrap();
        assert_eq!(again.position().unwrap(), Some(pos));
    }
}
