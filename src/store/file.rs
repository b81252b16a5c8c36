//! Reading, parsing, rendering and atomically writing one state file.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use super::{StoreError, io_err};
use crate::rfc::DomainName;
use crate::rollout::{DomainState, SCHEMA};

/// Largest state file read (1 MiB).
pub const MAX_STATE_BYTES: u64 = 1 << 20;

const HEADER: &str = "# mtasts rollout state: hand edits are fine while mtasts is not running.\n";

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// The file's text, `None` when it does not exist, an error when it is too large or not
/// UTF-8.
pub(super) fn read_bounded(path: &Path) -> Result<Option<String>, StoreError> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err("read", path)(e)),
    };
    let mut bytes = Vec::new();
    file.take(MAX_STATE_BYTES + 1).read_to_end(&mut bytes).map_err(io_err("read", path))?;
    if bytes.len() as u64 > MAX_STATE_BYTES {
        return Err(unreadable(path, "it is larger than 1 MiB"));
    }
    String::from_utf8(bytes).map(Some).map_err(|_| unreadable(path, "it is not UTF-8 text"))
}

fn unreadable(path: &Path, reason: impl Into<String>) -> StoreError {
    StoreError::Unreadable { path: path.to_owned(), reason: reason.into() }
}

/// Parses a state file's text; `path` is only used in errors.
pub fn parse_state(path: &Path, text: &str) -> Result<DomainState, StoreError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| unreadable(path, e.message().to_owned()))?;
    match table.get("schema") {
        Some(toml::Value::Integer(n)) if *n > i64::from(SCHEMA) => {
            return Err(StoreError::NewerSchema { path: path.to_owned(), found: *n });
        }
        // Schema 1 lacks only fields that default to empty.
        Some(toml::Value::Integer(n)) if (1..=i64::from(SCHEMA)).contains(n) => {}
        Some(other) => return Err(unreadable(path, format!("unsupported schema {other}"))),
        None => return Err(unreadable(path, "it has no `schema` key")),
    }
    let mut state: DomainState =
        toml::from_str(text).map_err(|e| unreadable(path, e.message().to_owned()))?;
    state.schema = SCHEMA;
    Ok(state)
}

/// Parses and checks the file belongs to `domain`.
pub(super) fn parse_for(path: &Path, text: &str, domain: &DomainName) -> Result<DomainState, StoreError> {
    let state = parse_state(path, text)?;
    if &state.domain != domain {
        return Err(unreadable(
            path,
            format!("it describes {} but its file name says {domain}", state.domain),
        ));
    }
    Ok(state)
}

/// Loads a state file named `<domain>.toml`.
pub(super) fn load_path(path: &Path) -> Result<DomainState, StoreError> {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let domain = DomainName::parse(stem)
        .ok()
        .filter(|d| d.as_str() == stem)
        .ok_or_else(|| unreadable(path, "its name is not <a-label domain>.toml"))?;
    let text = read_bounded(path)?.ok_or_else(|| unreadable(path, "it disappeared while listing"))?;
    parse_for(path, &text, &domain)
}

/// The file text: a header comment, then the state as TOML (`schema` first).
pub fn render_state(state: &DomainState) -> Result<String, StoreError> {
    let body = toml::to_string(state)
        .map_err(|e| StoreError::Serialize { domain: state.domain.clone(), reason: e.to_string() })?;
    Ok(format!("{HEADER}{body}"))
}

fn temp_prefix(domain_file: &str) -> String {
    format!(".{domain_file}.")
}

/// Removes the temp files `.<domain>.toml.<pid>.<n>.tmp` of one domain. Only called under the
/// domain's lock, when no live writer can own one. Failures are ignored: a stale temp file is
/// harmless, and the write that follows reports a broken directory.
pub(super) fn remove_stale_temps(dir: &Path, domain: &DomainName) {
    let prefix = temp_prefix(&format!("{}.toml", domain.as_str()));
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(middle) = name.to_str().and_then(|n| n.strip_prefix(&prefix)?.strip_suffix(".tmp")) else {
            continue;
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if middle.split_once('.').is_some_and(|(pid, n)| digits(pid) && digits(n)) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Writes `text` to `path` atomically: unique temp file in `dir`, fsync, rename, fsync `dir`.
/// The temp file is removed if anything fails.
pub(super) fn write_atomic(dir: &Path, path: &Path, text: &str) -> Result<(), StoreError> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("state");
    let tmp = dir.join(format!(
        "{}{}.{}.tmp",
        temp_prefix(name),
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| -> io::Result<()> {
        let mut f = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(source) = written {
        let _ = fs::remove_file(&tmp);
        return Err(StoreError::Save { path: path.to_owned(), source });
    }
    sync_dir(dir)
}

/// Makes a rename or removal in `dir` durable.
pub(super) fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    File::open(dir).and_then(|d| d.sync_all()).map_err(io_err("sync", dir))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
