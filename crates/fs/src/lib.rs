//! Writes that never follow a symbolic link and never leave a half-written file: every file
//! mtasts writes (state, reports, the tally index, `generate --out`, lock files) goes through
//! here.
//!
//! A file is replaced by writing a uniquely named temp file in the same directory
//! (`O_CREAT|O_EXCL`, which never follows a link), fsyncing it, renaming it over the target
//! (a rename replaces a link instead of following it) and fsyncing the directory. A target
//! that is a symbolic link is refused with an error naming it, so a link planted in an output
//! directory can neither redirect the write nor be silently replaced; so is a target that is
//! not a regular file (a FIFO, a directory, a device), which a rename would replace.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// The error for a path that is a symbolic link.
pub fn symlink_refused(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("{} is a symbolic link; mtasts never writes through one (remove it first)", path.display()),
    )
}

/// Fails with [`symlink_refused`] when `path` is a symbolic link (dangling or not).
pub fn refuse_symlink(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(symlink_refused(path)),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// The error for a path that exists but is not a regular file (a FIFO, a directory, a device
/// or a socket): replacing it would silently turn it into a file.
pub fn special_refused(path: &Path, kind: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("{} is {kind}, not a regular file; mtasts only replaces regular files", path.display()),
    )
}

/// Fails when `path` exists and is not a regular file: a symbolic link (dangling or not) with
/// [`symlink_refused`], a FIFO, directory, device or socket with [`special_refused`].
pub fn refuse_special(path: &Path) -> io::Result<()> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let kind = meta.file_type();
    if kind.is_symlink() {
        return Err(symlink_refused(path));
    }
    if kind.is_file() {
        return Ok(());
    }
    Err(special_refused(path, kind_words(&kind)))
}

#[cfg(unix)]
fn kind_words(kind: &fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn kind_words(kind: &fs::FileType) -> &'static str {
    if kind.is_dir() { "a directory" } else { "a special file" }
}

/// A temp file name next to `target`: `.<name>.<pid>.<n>.tmp`.
pub fn temp_path(target: &Path) -> PathBuf {
    let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    target.with_file_name(format!(".{name}.{}.{n}.tmp", std::process::id()))
}

/// Replaces `target` with `bytes` atomically (temp file, fsync, rename, directory fsync).
/// Refuses a target that is a symbolic link or anything but a regular file (see
/// [`refuse_special`]). On any failure the previous content is intact and the temp file is
/// removed. The file gets the default mode (0666 less the umask).
pub fn write_atomic(target: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_inner(target, bytes, None)
}

/// [`write_atomic`] with the file's permission bits set to `mode` (Unix; ignored elsewhere),
/// whatever the umask: for a file meant to be handed over (`0o644`).
pub fn write_atomic_mode(target: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    write_atomic_inner(target, bytes, Some(mode))
}

fn write_atomic_inner(target: &Path, bytes: &[u8], mode: Option<u32>) -> io::Result<()> {
    refuse_special(target)?;
    let temp = temp_path(target);
    let written = (|| {
        let mut f = OpenOptions::new().write(true).create_new(true).open(&temp)?;
        f.write_all(bytes)?;
        #[cfg(unix)]
        if let Some(mode) = mode {
            use std::os::unix::fs::PermissionsExt;
            f.set_permissions(fs::Permissions::from_mode(mode))?;
        }
        #[cfg(not(unix))]
        let _ = mode;
        f.sync_all()?;
        drop(f);
        // Checked again just before the rename, which replaces (never follows) a link anyway.
        refuse_special(target)?;
        fs::rename(&temp, target)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(e);
    }
    sync_parent(target)
}

/// Makes a rename or removal next to `path` durable.
pub fn sync_parent(path: &Path) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Opens (creating if needed) a lock file without following a symbolic link: a link is
/// refused, and the file opened must be the one at `path` (same device and inode), so a link
/// swapped in meanwhile is caught too.
pub fn open_lock(path: &Path) -> io::Result<File> {
    refuse_symlink(path)?;
    let file = match OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path) {
        Ok(f) => f,
        // On a read-only file system an existing lock file still locks when opened for reading.
        Err(e) => File::open(path).map_err(|_| e)?,
    };
    let here = fs::symlink_metadata(path)?;
    if here.file_type().is_symlink() || !same_file(&here, &file.metadata()?) {
        return Err(symlink_refused(path));
    }
    Ok(file)
}

#[cfg(unix)]
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &fs::Metadata, _: &fs::Metadata) -> bool {
    true
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::{FileTypeExt, symlink};

    #[test]
    fn a_link_in_the_target_place_is_refused_and_its_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside.txt");
        fs::write(&outside, "precious").unwrap();
        let link = dir.path().join("worker.js");
        symlink(&outside, &link).unwrap();
        let err = write_atomic(&link, b"new").unwrap_err();
        assert!(err.to_string().contains("worker.js is a symbolic link"), "{err}");
        assert_eq!(fs::read_to_string(&outside).unwrap(), "precious");
        let dangling = dir.path().join("policy.txt");
        symlink(dir.path().join("created-through-link"), &dangling).unwrap();
        assert!(write_atomic(&dangling, b"x").is_err());
        assert!(!dir.path().join("created-through-link").exists());
        assert!(open_lock(&link).is_err());
        assert!(open_lock(&dangling).is_err());
        assert!(!dir.path().join("created-through-link").exists());
    }

    #[test]
    fn a_fifo_or_directory_in_the_target_place_is_refused_and_stays() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("metrics.prom");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let err = write_atomic(&fifo, b"x").unwrap_err().to_string();
        assert!(err.contains("metrics.prom is a FIFO (named pipe), not a regular file"), "{err}");
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        let sub = dir.path().join("report.html");
        fs::create_dir(&sub).unwrap();
        let err = write_atomic(&sub, b"x").unwrap_err().to_string();
        assert!(err.contains("report.html is a directory"), "{err}");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2, "no temp file left");
    }

    #[test]
    fn a_write_replaces_whole_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        assert!(open_lock(&dir.path().join(".lock")).is_ok());
    }
}
