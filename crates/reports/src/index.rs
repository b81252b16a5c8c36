//! `<state-dir>/reports/.index.json`: one [`ReportEntry`] per stored report file, with the
//! file's size and modification time (and those of its authentication record,
//! `.<file>.auth`). Written atomically at import; before each use it is compared with the
//! directory listing and only new or changed files are parsed (all of them when the index is
//! missing, unreadable or of an older version: version 1 keyed reports by organisation and
//! report-id only), so reading the numbers costs a listing and one small file, whatever the
//! size of the reports.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::ReportError;
use super::auth::Authentication;
use super::entry::{ReportEntry, entry_of};
use super::parse::{MAX_REPORT_BYTES, parse_report};

/// The index file's name inside the report directory (a dot file: never listed as a report).
pub const INDEX_FILE: &str = ".index.json";
/// Largest index read (about 100,000 reports); a larger one is rebuilt.
const MAX_INDEX_BYTES: u64 = 256 << 20;
const VERSION: u32 = 2;
/// Largest authentication record read.
const MAX_AUTH_BYTES: u64 = 64 * 1024;

/// What a stored file was when it was indexed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// Size in bytes.
    pub len: u64,
    /// Modification time, nanoseconds since the epoch.
    pub modified: i128,
}

/// One indexed file: the report's entry, or why it could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indexed {
    /// The file as indexed.
    pub stamp: Stamp,
    /// Its authentication record as indexed (`None`: there was none).
    #[serde(default)]
    pub auth_stamp: Option<Stamp>,
    /// The entry, or the reason the file is not a readable report.
    pub entry: Result<ReportEntry, String>,
}

/// The whole index: file name → what it holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    version: u32,
    /// Per stored file name.
    pub files: BTreeMap<String, Indexed>,
}

impl Index {
    /// Every readable entry, in file-name order.
    pub fn entries(&self) -> Vec<ReportEntry> {
        self.files.values().filter_map(|i| i.entry.as_ref().ok().cloned()).collect()
    }

    /// The stored files that could not be read as reports, with the reason.
    pub fn broken(&self) -> Vec<(String, String)> {
        self.files
            .iter()
            .filter_map(|(n, i)| i.entry.as_ref().err().map(|e| (n.clone(), e.clone())))
            .collect()
    }

    /// The file already holding this exact report (same key and content), if any.
    pub fn find(&self, key: &str, content: &str) -> Option<&str> {
        self.files.iter().find_map(|(name, i)| {
            i.entry.as_ref().ok().filter(|e| e.key == key && e.content == content).map(|_| name.as_str())
        })
    }
}

/// The stamp of a file, `None` when it cannot be read or is not a regular file.
pub fn stamp(path: &Path) -> Option<Stamp> {
    let m = fs::symlink_metadata(path).ok().filter(fs::Metadata::is_file)?;
    let modified = m.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
    Some(Stamp { len: m.len(), modified: i128::try_from(modified).unwrap_or(i128::MAX) })
}

/// Reads the index; a missing, oversized or unparsable one reads as empty (and is rebuilt).
pub fn read(dir: &Path) -> Index {
    let path = dir.join(INDEX_FILE);
    let mut bytes = Vec::new();
    let ok = fs::File::open(&path)
        .and_then(|f| f.take(MAX_INDEX_BYTES + 1).read_to_end(&mut bytes))
        .is_ok_and(|n| n as u64 <= MAX_INDEX_BYTES);
    let parsed = ok.then(|| serde_json::from_slice::<Index>(&bytes).ok()).flatten();
    parsed.filter(|i| i.version == VERSION).unwrap_or_default()
}

/// The name of the authentication record of the stored report file `name`.
pub fn auth_file(name: &str) -> String {
    format!(".{name}.auth")
}

/// The authentication recorded for the stored report `path`, with the record's stamp;
/// [`Authentication::Unrecorded`] without a readable record.
pub fn read_auth(path: &Path) -> (Option<Stamp>, Authentication) {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return (None, Authentication::Unrecorded);
    };
    let record = path.with_file_name(auth_file(name));
    let Some(stamp) = stamp(&record) else { return (None, Authentication::Unrecorded) };
    let mut bytes = Vec::new();
    let read = fs::File::open(&record).and_then(|f| f.take(MAX_AUTH_BYTES).read_to_end(&mut bytes));
    let auth = read.ok().and_then(|_| serde_json::from_slice(&bytes).ok()).unwrap_or_default();
    (Some(stamp), auth)
}

/// Indexes one stored file (parses it: the only place that reads whole reports).
pub fn index_file(path: &Path, stamp: Stamp) -> Indexed {
    let (auth_stamp, auth) = read_auth(path);
    let entry = read_capped(path)
        .and_then(|b| parse_report(&b))
        .map(|r| ReportEntry { auth, ..entry_of(&r).bounded() });
    Indexed { stamp, auth_stamp, entry: entry.map_err(|e| e.to_string()) }
}

/// A stored report file's bytes, at most [`MAX_REPORT_BYTES`].
pub(crate) fn read_capped(path: &Path) -> Result<Vec<u8>, ReportError> {
    let io = |source| ReportError::Io { path: path.to_owned(), source };
    let mut bytes = Vec::new();
    fs::File::open(path).map_err(io)?.take(MAX_REPORT_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > MAX_REPORT_BYTES {
        return Err(ReportError::TooLarge(MAX_REPORT_BYTES));
    }
    Ok(bytes)
}

/// Brings `index` up to date with the report files in `dir`: drops vanished files, indexes new
/// and changed ones. `true` when anything changed.
pub fn refresh(dir: &Path, index: &mut Index) -> Result<bool, ReportError> {
    let listing = fs::read_dir(dir).map_err(|source| ReportError::Io { path: dir.to_owned(), source })?;
    let mut seen: BTreeMap<String, Stamp> = BTreeMap::new();
    let mut auths: BTreeMap<String, Stamp> = BTreeMap::new();
    for entry in listing.flatten() {
        let Ok(name) = entry.file_name().into_string() else { continue };
        if let Some(report) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".auth")) {
            if let Some(s) = stamp(&entry.path()) {
                auths.insert(report.to_owned(), s);
            }
            continue;
        }
        if name.starts_with('.') || !name.ends_with(".json") {
            continue;
        }
        if let Some(s) = stamp(&entry.path()) {
            seen.insert(name, s);
        }
    }
    let before = index.files.len();
    index
        .files
        .retain(|name, i| seen.get(name) == Some(&i.stamp) && auths.get(name) == i.auth_stamp.as_ref());
    let mut changed = index.files.len() != before || index.version != VERSION;
    index.version = VERSION;
    for (name, s) in seen {
        if let std::collections::btree_map::Entry::Vacant(slot) = index.files.entry(name) {
            let indexed = index_file(&dir.join(slot.key()), s);
            slot.insert(indexed);
            changed = true;
        }
    }
    Ok(changed)
}

/// Writes the index atomically (never through a symbolic link).
pub fn write(dir: &Path, index: &Index) -> Result<(), ReportError> {
    let path = dir.join(INDEX_FILE);
    let bytes = serde_json::to_vec(index).map_err(|e| ReportError::Invalid(e.to_string()))?;
    mtasts_fs::write_atomic(&path, &bytes).map_err(|source| ReportError::Io { path, source })
}
