//! Moves the file store of earlier versions (`<state-dir>/reports/`: one JSON file per report,
//! `.<file>.auth` beside it, a `.index.json`) into the database. Resumable: files are moved in
//! batches, one transaction each, and every file moved is recorded (`legacy_files`), so a run
//! that is killed goes on where it stopped. The old files are removed only after every file
//! in it is recorded and every recorded report is found in the database; a file that cannot
//! be read as a report is kept, bytes and reason, in `unreadable`. Files the old store did not
//! write are left where they are (and so is the directory, then).

use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::path::Path;

use rusqlite::{Connection, TransactionBehavior, params};

use super::auth::Authentication;
use super::db::db_err;
use super::entry::{ReportEntry, entry_of};
use super::parse::{MAX_REPORT_BYTES, parse_report};
use super::rows::{find_copy, insert, set_auth};
use super::{Migrating, ReportError};

/// The old store's directory inside the state directory.
pub const LEGACY_DIR: &str = "reports";
/// Files moved per transaction.
const BATCH: usize = 256;
/// Largest authentication record read.
const MAX_AUTH_BYTES: u64 = 64 * 1024;

/// Moves the old store of `state_dir`, if there is one, into the database `conn` (whose file is
/// `db`), reporting progress. Holds the old store's lock, so old writers and other migrations
/// wait.
pub fn migrate(
    state_dir: &Path,
    conn: &mut Connection,
    db: &Path,
    progress: &mut dyn FnMut(Migrating),
) -> Result<(), ReportError> {
    let dir = state_dir.join(LEGACY_DIR);
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| ReportError::Io { path: path.clone(), source }
    };
    match fs::symlink_metadata(&dir) {
        Ok(m) if m.file_type().is_symlink() => return Err(io(&dir)(mtasts_fs::symlink_refused(&dir))),
        Ok(m) if m.is_dir() => {}
        _ => return Ok(()),
    }
    let lock_path = state_dir.join(".reports.lock");
    let lock = mtasts_fs::open_lock(&lock_path).map_err(io(&lock_path))?;
    lock.lock().map_err(io(&lock_path))?;
    if !fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir()) {
        return Ok(());
    }
    let err = db_err(db);
    let names = listing(&dir).map_err(io(&dir))?;
    let done = recorded(conn).map_err(&err)?;
    let todo: Vec<&String> = names.iter().filter(|n| !done.contains(*n)).collect();
    let total = names.len();
    let mut moved_so_far = total - todo.len();
    if total > 0 {
        progress(Migrating { done: moved_so_far, total });
    }
    for batch in todo.chunks(BATCH) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&err)?;
        for name in batch {
            let path = dir.join(name);
            let (bytes, read) = read_capped(&path).map_err(io(&path))?;
            move_file(&tx, name, &path, &bytes, read).map_err(&err)?;
        }
        tx.commit().map_err(&err)?;
        moved_so_far += batch.len();
        progress(Migrating { done: moved_so_far, total });
    }
    verify(conn, &dir).map_err(|reason| ReportError::Database {
        path: db.to_owned(),
        reason: format!("moving the old report store did not verify ({reason}); {} is kept", dir.display()),
    })?;
    remove_old(&dir, &names).map_err(io(&dir))?;
    conn.execute("DELETE FROM legacy_files", []).map_err(&err)?;
    Ok(())
}

/// Removes what the old store wrote: the moved reports and their authentication records, its
/// index and temp files (a killed old import's: the lock is held); then the directory, when
/// nothing else is in it.
fn remove_old(dir: &Path, moved: &[String]) -> std::io::Result<()> {
    let gone = |r: std::io::Result<()>| match r {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    };
    for name in moved {
        gone(fs::remove_file(dir.join(format!(".{name}.auth"))))?;
        gone(fs::remove_file(dir.join(name)))?;
    }
    for entry in fs::read_dir(dir)? {
        let name = entry?.file_name();
        let Some(name) = name.to_str() else { continue };
        let temp = name.strip_prefix(".tmp-").is_some_and(|rest| {
            rest.split_once('-').is_some_and(|(pid, n)| {
                [pid, n].iter().all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            })
        });
        let old_file = name == ".index.json" || (name.starts_with('.') && name.ends_with(".tmp"));
        if temp || old_file || (name.starts_with('.') && name.ends_with(".json.auth")) {
            gone(fs::remove_file(dir.join(name)))?;
        }
    }
    if fs::remove_dir(dir).is_ok() {
        let _ = mtasts_fs::sync_parent(dir);
    }
    Ok(())
}

/// The report files of the old store (not its dot files), sorted.
fn listing(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else { continue };
        let regular = fs::symlink_metadata(entry.path()).is_ok_and(|m| m.is_file());
        if regular && !name.starts_with('.') && name.ends_with(".json") {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

fn recorded(conn: &Connection) -> rusqlite::Result<HashSet<String>> {
    let mut stmt = conn.prepare("SELECT name FROM legacy_files")?;
    let names = stmt.query_map([], |r| r.get::<_, String>(0))?;
    names.collect()
}

/// Moves one file: its report (keeping the better authentication when the database already
/// holds it), or its bytes as unreadable; then records it.
fn move_file(
    conn: &Connection,
    name: &str,
    path: &Path,
    bytes: &[u8],
    read: Result<(), String>,
) -> rusqlite::Result<()> {
    let parsed = read.and_then(|()| parse_report(bytes).map_err(|e| e.to_string()));
    let (key, content) = match parsed {
        Ok(report) => {
            let entry = ReportEntry { auth: read_auth(path), ..entry_of(&report).bounded() };
            match find_copy(conn, &entry.key, &entry.content)? {
                Some((id, recorded)) if recorded.rank() < entry.auth.rank() => {
                    set_auth(conn, id, &entry.auth)?
                }
                Some(_) => {}
                None => {
                    insert(conn, &entry, bytes, modified(path))?;
                }
            }
            (Some(entry.key), Some(entry.content))
        }
        Err(reason) => {
            conn.execute(
                "INSERT OR REPLACE INTO unreadable (name, reason, raw) VALUES (?1, ?2, ?3)",
                params![name, reason, bytes],
            )?;
            (None, None)
        }
    };
    conn.execute(
        "INSERT OR REPLACE INTO legacy_files (name, key, content) VALUES (?1, ?2, ?3)",
        params![name, key, content],
    )?;
    Ok(())
}

/// Every file of the old store is recorded, every recorded report is stored, every recorded
/// unreadable file is kept.
fn verify(conn: &Connection, dir: &Path) -> Result<(), String> {
    let names = listing(dir).map_err(|e| e.to_string())?;
    let done = recorded(conn).map_err(|e| e.to_string())?;
    let missing = names.iter().filter(|n| !done.contains(*n)).count();
    if missing > 0 {
        return Err(format!("{missing} file(s) not moved"));
    }
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).map_err(|e| e.to_string());
    let lost = count(
        "SELECT count(*) FROM legacy_files l WHERE l.key IS NOT NULL AND NOT EXISTS
           (SELECT 1 FROM reports r WHERE r.key = l.key AND r.content = l.content)",
    )?;
    let lost_unreadable = count(
        "SELECT count(*) FROM legacy_files l WHERE l.key IS NULL AND NOT EXISTS
           (SELECT 1 FROM unreadable u WHERE u.name = l.name)",
    )?;
    match lost + lost_unreadable {
        0 => Ok(()),
        n => Err(format!("{n} moved file(s) not found in the database")),
    }
}

/// A stored file's bytes (at most [`MAX_REPORT_BYTES`] + 1: no report the old store wrote is
/// larger), and whether they are the whole file. A file that cannot be read stops the move.
fn read_capped(path: &Path) -> std::io::Result<(Vec<u8>, Result<(), String>)> {
    let mut bytes = Vec::new();
    fs::File::open(path)?.take(MAX_REPORT_BYTES + 1).read_to_end(&mut bytes)?;
    let whole = if bytes.len() as u64 > MAX_REPORT_BYTES {
        Err(format!("{}; its first bytes are kept", ReportError::TooLarge(MAX_REPORT_BYTES)))
    } else {
        Ok(())
    };
    Ok((bytes, whole))
}

/// The authentication recorded beside a stored report; unrecorded without a readable record.
fn read_auth(path: &Path) -> Authentication {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return Authentication::Unrecorded };
    let record = path.with_file_name(format!(".{name}.auth"));
    if !fs::symlink_metadata(&record).is_ok_and(|m| m.is_file()) {
        return Authentication::Unrecorded;
    }
    let mut bytes = Vec::new();
    let read = fs::File::open(&record).and_then(|f| f.take(MAX_AUTH_BYTES).read_to_end(&mut bytes));
    read.ok().and_then(|_| serde_json::from_slice(&bytes).ok()).unwrap_or_default()
}

/// A file's modification time in seconds (when the old store received it).
fn modified(path: &Path) -> i64 {
    let m = fs::metadata(path).and_then(|m| m.modified()).ok();
    let secs = m.and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_secs());
    i64::try_from(secs).unwrap_or(i64::MAX)
}
