//! Reading, parsing, rendering and atomically writing one state file.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::Path;

use super::{StoreError, io_err};
use mtasts_core::rfc::DomainName;
use mtasts_core::rollout::{DomainState, SCHEMA};

/// Largest state file read (1 MiB).
pub const MAX_STATE_BYTES: u64 = 1 << 20;

const HEADER: &str = "# mtasts rollout state: hand edits are fine while mtasts is not running.\n";

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
    let days = state.plan.window_days;
    if !(1..=MAX_WINDOW_DAYS).contains(&days) {
        return Err(unreadable(path, format!("window_days = {days}: it must be 1 to {MAX_WINDOW_DAYS}")));
    }
    Ok(state)
}

/// The longest testing window a state file may ask for (as `add --window-days` allows).
pub const MAX_WINDOW_DAYS: u32 = 365;

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

/// Writes `text` to `path` atomically (see [`mtasts_fs::write_atomic`]: never through a
/// symbolic link). The temp file is removed if anything fails. A text larger than
/// [`MAX_STATE_BYTES`] is never written: mtasts would refuse to read it back.
pub(super) fn write_atomic(path: &Path, text: &str) -> Result<(), StoreError> {
    if text.len() as u64 > MAX_STATE_BYTES {
        return Err(StoreError::TooLarge { path: path.to_owned(), size: text.len() });
    }
    mtasts_fs::write_atomic(path, text.as_bytes())
        .map_err(|source| StoreError::Save { path: path.to_owned(), source })
}

/// Makes a rename or removal in `dir` durable.
pub(super) fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    File::open(dir).and_then(|d| d.sync_all()).map_err(io_err("sync", dir))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
