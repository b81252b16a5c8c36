//! `<state-dir>/reports.sqlite3`: opening the report database. One file in WAL mode (readers
//! never wait for a writer), a busy timeout for writers, foreign keys on, never through a
//! symbolic link, and a schema versioned by `PRAGMA user_version` with one migration per
//! version. A file that is not a database (or of a newer schema) is refused and left as it is.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::ReportError;

/// The database file's name inside the state directory.
pub const DB_FILE: &str = "reports.sqlite3";
/// How long a writer waits for another writer's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// The schema, one step per version (`user_version` counts the steps applied). Never edit a
/// step once released: add one.
const MIGRATIONS: &[&str] = &[
    // 1: reports, their per-domain tallies, per-(MX, result type) failures, files of the old
    // store that could not be read, and the old store's migration progress.
    "CREATE TABLE reports (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL,
        content TEXT NOT NULL,
        organization TEXT,
        contact TEXT,
        report_id TEXT NOT NULL,
        start TEXT NOT NULL,
        end TEXT NOT NULL,
        start_at INTEGER NOT NULL,
        end_at INTEGER NOT NULL,
        auth TEXT NOT NULL,
        auth_rank INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        raw BLOB NOT NULL,
        UNIQUE (key, content)
    );
    CREATE INDEX reports_end ON reports (end_at);
    CREATE INDEX reports_start ON reports (start_at);
    CREATE TABLE report_domains (
        report INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
        domain TEXT NOT NULL,
        start_at INTEGER NOT NULL,
        end_at INTEGER NOT NULL,
        day TEXT NOT NULL,
        successful INTEGER NOT NULL,
        failed INTEGER NOT NULL,
        counts TEXT NOT NULL,
        PRIMARY KEY (domain, report)
    ) WITHOUT ROWID;
    CREATE INDEX report_domains_end ON report_domains (domain, end_at);
    CREATE INDEX report_domains_start ON report_domains (domain, start_at);
    CREATE INDEX report_domains_report ON report_domains (report);
    CREATE TABLE failures (
        report INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
        domain TEXT NOT NULL,
        mx TEXT NOT NULL,
        result_type TEXT NOT NULL,
        sessions INTEGER NOT NULL,
        PRIMARY KEY (report, domain, mx, result_type)
    ) WITHOUT ROWID;
    CREATE INDEX failures_pair ON failures (domain, mx, result_type);
    CREATE TABLE unreadable (
        name TEXT PRIMARY KEY,
        reason TEXT NOT NULL,
        raw BLOB NOT NULL
    );
    CREATE TABLE legacy_files (
        name TEXT PRIMARY KEY,
        key TEXT,
        content TEXT
    );",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The database file of a state directory.
pub fn db_path(state_dir: &Path) -> PathBuf {
    state_dir.join(DB_FILE)
}

/// A database error as a [`ReportError`] naming the file.
pub fn db_err(path: &Path) -> impl Fn(rusqlite::Error) -> ReportError + '_ {
    move |e| ReportError::Database { path: path.to_owned(), reason: e.to_string() }
}

/// Opens (creating if needed) the database at `path` and brings its schema up to date.
/// Refuses a symbolic link or a non-regular file at the path or its `-wal`/`-shm` companions,
/// a file that is not a database, and a schema newer than this build's; never rewrites any
/// of them. A database this user may read but not write (a member of the `mtasts` group
/// reading `/var/lib/mtasts`) is opened read-only, and one that does not exist and may not be
/// made is an empty one: readers work, writers get SQLite's "attempt to write a readonly
/// database".
pub fn open(path: &Path) -> Result<Connection, ReportError> {
    for companion in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{companion}", path.display()));
        mtasts_fs::refuse_special(&p).map_err(|source| ReportError::Io { path: p.clone(), source })?;
    }
    let err = db_err(path);
    match open_writable(path) {
        Ok(conn) => Ok(conn),
        Err(e) if not_writable(&e) && path.is_file() => match open_read_only(path) {
            Ok(Some(conn)) => Ok(conn),
            Ok(None) => Err(ReportError::Database {
                path: path.to_owned(),
                reason: format!(
                    "it needs an upgrade to this mtasts's schema ({SCHEMA_VERSION}), and this user may not write it"
                ),
            }),
            Err(_) => Err(err(e)),
        },
        Err(e) if not_writable(&e) && !path.exists() && path.parent().is_some_and(|d| d.read_dir().is_ok()) => {
            empty_read_only().map_err(|_| err(e))
        }
        Err(e) => Err(err(e)),
    }
    .and_then(|conn| {
        let version = user_version(&conn).map_err(&err)?;
        if version > SCHEMA_VERSION {
            return Err(ReportError::Database {
                path: path.to_owned(),
                reason: format!(
                    "written by a newer mtasts (schema {version}, this one knows {SCHEMA_VERSION}); left as it is"
                ),
            });
        }
        Ok(conn)
    })
}

/// The read-write connection, its schema brought up to date (a newer one is left alone).
fn open_writable(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NOFOLLOW
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let version = user_version(&conn)?;
    if version > SCHEMA_VERSION {
        return Ok(conn);
    }
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")?;
    if version < SCHEMA_VERSION {
        migrate(&conn, version)?;
    }
    Ok(conn)
}

/// Whether opening failed only because this user may not write the file or its directory.
fn not_writable(e: &rusqlite::Error) -> bool {
    use rusqlite::ffi::ErrorCode::{CannotOpen, PermissionDenied, ReadOnly};
    matches!(e.sqlite_error_code(), Some(CannotOpen | PermissionDenied | ReadOnly))
}

/// The database read-only, at this build's schema (`None` when older). When the WAL index
/// cannot be created (a directory this user may not write, the database closed cleanly), it
/// is read as an immutable file: nobody can be writing it then, since a writer would have
/// created the index.
fn open_read_only(path: &Path) -> rusqlite::Result<Option<Connection>> {
    let flags =
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NOFOLLOW | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let plain = Connection::open_with_flags(path, flags).and_then(|c| user_version(&c).map(|v| (c, v)));
    let (conn, version) = match plain {
        Ok(found) => found,
        Err(e) if not_writable(&e) => {
            let conn = Connection::open_with_flags(immutable_uri(path), flags | OpenFlags::SQLITE_OPEN_URI)?;
            let version = user_version(&conn)?;
            (conn, version)
        }
        Err(e) => return Err(e),
    };
    if version < SCHEMA_VERSION {
        return Ok(None);
    }
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(Some(conn))
}

/// No database yet, and this user may not make one: an empty one in memory that refuses
/// writes (`query_only`), so readers see no reports and writers are told they may not.
fn empty_read_only() -> rusqlite::Result<Connection> {
    let conn = Connection::open_in_memory()?;
    for step in MIGRATIONS {
        conn.execute_batch(step)?;
    }
    conn.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}; PRAGMA query_only = 1;"))?;
    Ok(conn)
}

/// Whether `conn` refuses writes: opened read-only, or [`empty_read_only`].
pub fn refuses_writes(conn: &Connection) -> bool {
    let query_only = conn.query_row("PRAGMA query_only", [], |r| r.get::<_, i64>(0)).unwrap_or(0) != 0;
    query_only || conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false)
}

/// `file:PATH?immutable=1`, the path escaped for an SQLite URI.
fn immutable_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for c in path.to_string_lossy().chars() {
        match c {
            '%' | '?' | '#' => uri.push_str(&format!("%{:02X}", c as u32)),
            c => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    uri
}

fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Applies the missing schema steps, each in its own transaction (another process may be
/// doing the same: the version is read again under the write lock).
fn migrate(conn: &Connection, _seen: i64) -> rusqlite::Result<()> {
    // Set before the first table exists; ignored afterwards. Lets `prune` give space back.
    conn.execute_batch("PRAGMA auto_vacuum = INCREMENTAL;")?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        let code = rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN);
        return Err(rusqlite::Error::SqliteFailure(
            code,
            Some(format!("cannot use WAL mode (it stays {mode})")),
        ));
    }
    loop {
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let step = (|| {
            let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            let Some(sql) = usize::try_from(version).ok().and_then(|v| MIGRATIONS.get(v)) else {
                return Ok(false);
            };
            conn.execute_batch(sql)?;
            conn.execute_batch(&format!("PRAGMA user_version = {}", version + 1))?;
            Ok(true)
        })();
        match step {
            Ok(more) => {
                conn.execute_batch("COMMIT")?;
                if !more {
                    return Ok(());
                }
            }
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(e);
            }
        }
    }
}

/// Seconds since the epoch, for the indexed time columns.
pub fn seconds(t: jiff::Timestamp) -> i64 {
    t.as_second()
}

/// A count from outside as an SQLite integer (saturating).
pub fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
