//! Listing the state directory again without re-reading what did not change: the wizard
//! re-reads every state file every few seconds, and a fleet has thousands. A file is read
//! again when its inode, size or modification time differ from the last listing (every save
//! is a rename of a new file, so a new inode); a file that did not parse is always read again.
//! The stamp is taken before the file is read, so a change while it is read is seen next time.
//! The first listing remembers nothing: the wizard's first frame waits for it, and remembering
//! costs a copy of every state; the second remembers, the ones after read only what changed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use mtasts_core::rollout::DomainState;

use super::{Listing, Store, StoreError, load_all};

/// What the last listing read, by path.
#[derive(Debug, Default)]
pub struct ListCache {
    seen: HashMap<PathBuf, (Stamp, DomainState)>,
    listed_once: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    modified: Option<SystemTime>,
}

fn stamp(path: &Path) -> Option<Stamp> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::symlink_metadata(path).ok()?;
    Some(Stamp { dev: m.dev(), ino: m.ino(), len: m.len(), modified: m.modified().ok() })
}

impl Store {
    /// [`list`](Store::list), reading only the files that changed since the listing `cache`
    /// remembers, and remembering this one.
    pub fn list_cached(&self, cache: &mut ListCache) -> Result<Listing, StoreError> {
        if !cache.listed_once {
            cache.listed_once = true;
            return self.list();
        }
        let paths = self.paths()?;
        let stamps: Vec<Option<Stamp>> = paths.iter().map(|p| stamp(p)).collect();
        let kept = |i: usize| -> Option<&DomainState> {
            let (was, state) = cache.seen.get(&paths[i])?;
            (stamps[i].as_ref() == Some(was)).then_some(state)
        };
        let misses: Vec<PathBuf> =
            (0..paths.len()).filter(|i| kept(*i).is_none()).map(|i| paths[i].clone()).collect();
        let mut read = load_all(misses).into_iter();
        let mut out = Vec::with_capacity(paths.len());
        for (i, path) in paths.iter().enumerate() {
            match kept(i) {
                Some(state) => out.push((path.clone(), Ok(state.clone()))),
                None => out.extend(read.next()),
            }
        }
        cache.seen = out
            .iter()
            .zip(&stamps)
            .filter_map(|((path, r), s)| Some((path.clone(), ((*s)?, r.as_ref().ok()?.clone()))))
            .collect();
        Ok(out)
    }
}
