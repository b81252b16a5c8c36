//! Persistence of rollout state: one TOML file per domain at
//! `<state-dir>/domains/<a-label>.toml`, human-readable and hand-editable.
//!
//! Writes are atomic (a uniquely named temp file in the same directory, fsync, rename, fsync
//! of the directory). Read-modify-write happens under an exclusive lock on
//! `<state-dir>/domains/.<a-label>.lock`, so two processes cannot lose each other's updates.
//! A writer only has a temp file while it holds the lock, so any temp file of the domain found
//! by the lock holder was left by a killed process and is removed.
//! A file that does not parse, or comes from a newer mtasts, is reported with its path and
//! never overwritten. No write and no lock follows a symbolic link ([`mtasts_fs`]).

mod cache;
mod file;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_cache;

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use mtasts_core::rfc::DomainName;
use mtasts_core::rollout::{DomainState, SCHEMA};

pub use cache::ListCache;
pub use file::{MAX_STATE_BYTES, parse_state, render_state};

/// What can go wrong reading or writing state.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A file system operation failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done ("lock", "read", ...).
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// Writing a new version failed (disk full, read-only, ...); the file still holds its
    /// previous content and no temp file is left behind.
    #[error("cannot save {}: {source}; its previous content is unchanged", path.display())]
    Save {
        /// The state file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The new version would be larger than mtasts reads back ([`MAX_STATE_BYTES`]); nothing was
    /// written, the file keeps its previous content.
    #[error(
        "cannot save {}: the state would be {size} bytes, more than the {} mtasts reads back; its \
         previous content is unchanged",
        path.display(),
        MAX_STATE_BYTES
    )]
    TooLarge {
        /// The state file.
        path: PathBuf,
        /// The size of the rendered state.
        size: usize,
    },
    /// The file exists but is not a valid state file; it is left untouched.
    #[error("{} is not a valid state file ({reason}); it was left untouched", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The file was written by a newer mtasts; it is left untouched.
    #[error(
        "{} has schema {found}, newer than the {SCHEMA} this mtasts understands; it was left untouched",
        path.display()
    )]
    NewerSchema {
        /// The file.
        path: PathBuf,
        /// The schema it declares.
        found: i64,
    },
    /// `create` for a domain that already has a state file.
    #[error("{0} is already tracked")]
    AlreadyTracked(DomainName),
    /// No state file for the domain.
    #[error("{0} is not tracked")]
    NotTracked(DomainName),
    /// The state could not be turned into TOML.
    #[error("cannot serialize the state of {domain}: {reason}")]
    Serialize {
        /// The domain.
        domain: DomainName,
        /// Why.
        reason: String,
    },
    /// An update returned the state of another domain.
    #[error("an update of {expected} returned the state of {found}")]
    DomainMismatch {
        /// The domain being updated.
        expected: DomainName,
        /// The domain in the returned state.
        found: DomainName,
    },
}

/// Whether creating a directory failed because this user may not write where it goes.
fn may_not_create(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem)
}

fn io_err<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> StoreError + 'a {
    move |source| StoreError::Io { action, path: path.to_owned(), source }
}

/// Every state file with its path and what loading it gave.
pub type Listing = Vec<(PathBuf, Result<DomainState, StoreError>)>;

/// The state directory.
#[derive(Debug, Clone)]
pub struct Store {
    domains: PathBuf,
}

impl Store {
    /// Opens (creating if needed) `<state_dir>/domains/`. A user who may not create it (one
    /// who may only read the state directory) gets a store that tracks nothing; what would
    /// write there fails then, naming the path.
    pub fn open(state_dir: &Path) -> Result<Store, StoreError> {
        let domains = state_dir.join("domains");
        match fs::create_dir_all(&domains) {
            Err(e) if may_not_create(&e) && fs::symlink_metadata(&domains).is_err() => {}
            other => other.map_err(io_err("create", &domains))?,
        }
        Ok(Store { domains })
    }

    /// The directory holding the state files.
    pub fn domains_dir(&self) -> &Path {
        &self.domains
    }

    /// The state file of a domain.
    pub fn path_of(&self, domain: &DomainName) -> PathBuf {
        self.domains.join(format!("{}.toml", domain.as_str()))
    }

    fn lock(&self, domain: &DomainName) -> Result<File, StoreError> {
        let path = self.domains.join(format!(".{}.lock", domain.as_str()));
        // Never through a symbolic link; on a read-only file system an existing lock file still
        // locks, so the error that follows names the state file, not the lock.
        let file = mtasts_fs::open_lock(&path).map_err(io_err("lock", &path))?;
        file.lock().map_err(io_err("lock", &path))?;
        file::remove_stale_temps(&self.domains, domain);
        Ok(file)
    }

    /// The state of a domain, or `None` when it is not tracked.
    pub fn load(&self, domain: &DomainName) -> Result<Option<DomainState>, StoreError> {
        let path = self.path_of(domain);
        match file::read_bounded(&path)? {
            None => Ok(None),
            Some(text) => file::parse_for(&path, &text, domain).map(Some),
        }
    }

    /// Every state file, sorted by name. A bad file is reported with its path and problem;
    /// the others still load.
    pub fn list(&self) -> Result<Listing, StoreError> {
        Ok(load_all(self.paths()?))
    }

    /// The state files' paths (and anything else named `*.toml`, to be reported), sorted.
    fn paths(&self) -> Result<Vec<PathBuf>, StoreError> {
        let mut paths = Vec::new();
        let entries = match fs::read_dir(&self.domains) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            other => other.map_err(io_err("list", &self.domains))?,
        };
        for entry in entries {
            let path = entry.map_err(io_err("list", &self.domains))?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            // Not only regular files: a directory named `x.toml` is listed and reported.
            if !name.starts_with('.') && name.ends_with(".toml") {
                paths.push(path);
            }
        }
        paths.sort();
        Ok(paths)
    }

    /// Starts tracking a domain; fails with [`StoreError::AlreadyTracked`] if it is.
    pub fn create(&self, state: &DomainState) -> Result<(), StoreError> {
        let _lock = self.lock(&state.domain)?;
        let path = self.path_of(&state.domain);
        if path.try_exists().map_err(io_err("read", &path))? {
            return Err(StoreError::AlreadyTracked(state.domain.clone()));
        }
        file::write_atomic(&path, &render_state(state)?)
    }

    /// Read-modify-write under the domain's exclusive lock. Nothing is written when the file
    /// cannot be read, or when `change` fails or returns the state unchanged.
    pub fn update<F, E>(&self, domain: &DomainName, change: F) -> Result<DomainState, E>
    where
        F: FnOnce(DomainState) -> Result<DomainState, E>,
        E: From<StoreError>,
    {
        let _lock = self.lock(domain)?;
        let path = self.path_of(domain);
        let text = file::read_bounded(&path)?.ok_or_else(|| StoreError::NotTracked(domain.clone()))?;
        let before = file::parse_for(&path, &text, domain)?;
        let after = change(before.clone())?;
        if &after.domain != domain {
            return Err(StoreError::DomainMismatch { expected: domain.clone(), found: after.domain }.into());
        }
        if after != before {
            file::write_atomic(&path, &render_state(&after)?)?;
        }
        Ok(after)
    }

    /// Stops tracking a domain (deletes its state file).
    pub fn remove(&self, domain: &DomainName) -> Result<(), StoreError> {
        let _lock = self.lock(domain)?;
        let path = self.path_of(domain);
        match fs::remove_file(&path) {
            Ok(()) => file::sync_dir(&self.domains),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Err(StoreError::NotTracked(domain.clone())),
            Err(e) => Err(io_err("remove", &path)(e)),
        }
    }
}

/// Every file of `paths` read and parsed, in their order: a fleet's thousands of files are
/// shared among the cores (each file is independent; a worker that fails leaves its share to
/// be read here).
fn load_all(paths: Vec<PathBuf>) -> Listing {
    let load = |ps: &[PathBuf]| -> Listing { ps.iter().map(|p| (p.clone(), file::load_path(p))).collect() };
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZero::get).min(8);
    if workers < 2 || paths.len() < 256 {
        return load(&paths);
    }
    let share = paths.len().div_ceil(workers);
    std::thread::scope(|scope| {
        let parts: Vec<_> = paths.chunks(share).map(|ps| (ps, scope.spawn(move || load(ps)))).collect();
        parts.into_iter().flat_map(|(ps, worker)| worker.join().unwrap_or_else(|_| load(ps))).collect()
    })
}
