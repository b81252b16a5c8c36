//! State durability when the disk says no: a full file system (a 64 KiB tmpfs, or a file size
//! limit when mounting is not allowed) and a read-only state directory (a tmpfs remounted
//! read-only, or `chmod 0555` when not running as root). Every failed save must name the file,
//! leave its bytes unchanged and leave no temp file behind.

use std::fs;
use std::io::{ErrorKind, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::state::*;
use mtasts::store::{Store, StoreError, render_state};
use mtasts_reports::{Outcome, ReportStore};

/// A tmpfs mounted for one test, unmounted on drop (also when the test fails).
struct Mount(PathBuf);

impl Mount {
    /// `None` (with the reason printed) when mounting is not permitted here, or when
    /// `MTASTS_TEST_NO_MOUNT` asks for the fallback.
    fn tmpfs(path: &Path, size: &str) -> Option<Mount> {
        if std::env::var_os("MTASTS_TEST_NO_MOUNT").is_some() {
            eprintln!("MTASTS_TEST_NO_MOUNT is set: not mounting");
            return None;
        }
        fs::create_dir_all(path).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(path)
            .output();
        match out {
            Ok(o) if o.status.success() => Some(Mount(path.to_owned())),
            Ok(o) => {
                eprintln!("cannot mount a tmpfs: {}", String::from_utf8_lossy(&o.stderr).trim());
                None
            }
            Err(e) => {
                eprintln!("cannot run mount: {e}");
                None
            }
        }
    }

    fn remount(&self, opts: &str) {
        let st =
            Command::new("mount").args(["-o", &format!("remount,{opts}")]).arg(&self.0).status().unwrap();
        assert!(st.success(), "remount {opts} failed");
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let ok = Command::new("umount").arg(&self.0).status().is_ok_and(|s| s.success());
        if !ok {
            let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        }
    }
}

fn assert_failed_save(err: &str, path: &Path, os_error: &str) {
    assert!(err.contains(&format!("cannot save {}", path.display())), "{err}");
    assert!(err.contains(os_error), "{err}");
    assert!(err.contains("its previous content is unchanged"), "{err}");
}

fn report_json() -> Vec<u8> {
    fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reports/rfc8460-example.json"))
        .unwrap()
}

#[test]
fn a_full_disk_fails_the_save_cleanly_and_keeps_the_old_state() {
    let _alone = crate::alone();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("m");
    // Room for the state files and the (empty) report database, then filled.
    let Some(_mount) = Mount::tmpfs(&root, "512k") else {
        return full_disk_by_file_size_limit(dir.path());
    };
    let store = Store::open(&root).unwrap();
    let reports = ReportStore::open(&root).unwrap();
    let domain = dn("full.example");
    store.create(&expected("full.example", 3)).unwrap();
    let path = store.path_of(&domain);
    let old = fs::read(&path).unwrap();
    let bigger = expected("full.example", 40);
    let pages = render_state(&bigger).unwrap().len() as u64 / 4096;
    assert!(pages >= 2, "the new version needs several pages ({pages})");

    // Appending until ENOSPC really fills the tmpfs (extending with set_len would only make a hole).
    let mut filler = fs::OpenOptions::new().create(true).append(true).open(root.join("filler")).unwrap();
    let mut fill = move || loop {
        match filler.write(&[0xaa; 4096]) {
            Ok(_) => {}
            Err(e) if e.raw_os_error() == Some(28) => return filler.metadata().unwrap().len(),
            Err(e) => panic!("filling the tmpfs: {e}"),
        }
    };
    for free_pages in 0..pages {
        let filled = fill();
        fs::File::options()
            .write(true)
            .open(root.join("filler"))
            .unwrap()
            .set_len(filled - free_pages * 4096)
            .unwrap();
        let err = store.update(&domain, |_| Ok::<_, StoreError>(bigger.clone())).unwrap_err();
        assert!(matches!(err, StoreError::Save { .. }), "{err:?}");
        assert_failed_save(&err.to_string(), &path, "No space left on device");
        assert_eq!(fs::read(&path).unwrap(), old, "{free_pages} free pages: the old bytes are intact");
        assert_eq!(store.load(&domain).unwrap().unwrap(), expected("full.example", 3));
        assert!(temp_files(&store).is_empty(), "{free_pages} free pages: {:?}", temp_files(&store));
    }
    fill();

    let err = store.create(&base("new.example")).unwrap_err();
    assert_failed_save(&err.to_string(), &store.path_of(&dn("new.example")), "No space left on device");
    assert!(!store.path_of(&dn("new.example")).exists());
    match reports.import_json(&report_json(), &mtasts_reports::Delivery::File) {
        Outcome::Failed { reason } => assert!(reason.contains("No space left on device"), "{reason}"),
        other => panic!("a report was stored on a full disk: {other:?}"),
    }
    assert_eq!(reports.count().unwrap(), 0, "nothing is stored");
    assert_eq!(store.list().unwrap().len(), 1);

    drop(fill);
    fs::remove_file(root.join("filler")).unwrap();
    store.update(&domain, |_| Ok::<_, StoreError>(bigger.clone())).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), render_state(&bigger).unwrap());
    assert!(matches!(
        reports.import_json(&report_json(), &mtasts_reports::Delivery::File),
        Outcome::Imported { .. }
    ));
}

/// Fallback: the save runs in a child whose file size limit (`prlimit --fsize`) is below the
/// new version's size, with SIGXFSZ ignored so the write fails with EFBIG like a full disk.
fn full_disk_by_file_size_limit(dir: &Path) {
    let store = Store::open(dir).unwrap();
    let domain = dn("full.example");
    store.create(&expected("full.example", 3)).unwrap();
    let path = store.path_of(&domain);
    let old = fs::read(&path).unwrap();
    let limit = old.len() + 100;
    let mut prlimit = Command::new("sh");
    prlimit.args(["-c", "trap '' XFSZ; exec prlimit --fsize=\"$0\" -- \"$@\""]).arg(limit.to_string());
    let out = with_driver(&mut prlimit, "grow", dir).output();
    let out = match out {
        Ok(o) if !o.stdout.is_empty() => String::from_utf8(o.stdout).unwrap(),
        other => {
            eprintln!("SKIPPED: neither a tmpfs mount nor `prlimit --fsize` is available here ({other:?})");
            return;
        }
    };
    eprintln!("disk full simulated with prlimit --fsize={limit} (no tmpfs mount)");
    let err = out.lines().find_map(|l| l.strip_prefix("error: ")).unwrap_or_else(|| panic!("{out}"));
    assert_failed_save(err, &path, "File too large");
    assert_eq!(fs::read(&path).unwrap(), old);
    assert!(temp_files(&store).is_empty());
}

#[test]
fn a_read_only_state_dir_fails_cleanly_and_names_the_file() {
    let _alone = crate::alone();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("m");
    let mount = Mount::tmpfs(&root, "1m");
    let store = Store::open(&root).unwrap();
    let domain = dn("ro.example");
    store.create(&expected("ro.example", 3)).unwrap();
    let path = store.path_of(&domain);
    let old = fs::read(&path).unwrap();
    let os_error = match &mount {
        Some(m) => {
            m.remount("ro");
            "Read-only file system"
        }
        None => {
            fs::set_permissions(store.domains_dir(), fs::Permissions::from_mode(0o555)).unwrap();
            match fs::File::create(store.domains_dir().join("probe")) {
                Err(e) if e.kind() == ErrorKind::PermissionDenied => "Permission denied",
                _ => return read_only_as_nobody(dir.path(), &store, &path, &old),
            }
        }
    };
    eprintln!("read-only state dir: {}", if mount.is_some() { "tmpfs remounted ro" } else { "chmod 0555" });

    let err = store.update(&domain, |_| Ok::<_, StoreError>(expected("ro.example", 4))).unwrap_err();
    assert_failed_save(&err.to_string(), &path, os_error);
    let err = store.create(&base("new.example")).unwrap_err().to_string();
    assert!(err.contains(&store.domains_dir().display().to_string()) && err.contains(os_error), "{err}");
    assert_eq!(fs::read(&path).unwrap(), old);
    assert_eq!(store.load(&domain).unwrap().unwrap(), expected("ro.example", 3));
    assert!(temp_files(&store).is_empty());

    let mtasts =
        |args: &[&str]| crate::common::mtasts_at(&root, "2027-01-15T00:00:00Z").args(args).output().unwrap();
    let status = mtasts(&["status", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(v["domain"], "ro.example", "status still reads a read-only state dir: {v}");
    let removed = mtasts(&["remove", "ro.example", "--yes"]);
    let stderr = String::from_utf8_lossy(&removed.stderr);
    assert!(!removed.status.success());
    assert!(stderr.contains(&path.display().to_string()) && stderr.contains(os_error), "{stderr}");
    assert_eq!(fs::read(&path).unwrap(), old);

    match &mount {
        Some(m) => m.remount("rw"),
        None => fs::set_permissions(store.domains_dir(), fs::Permissions::from_mode(0o755)).unwrap(),
    }
    store.update(&domain, |_| Ok::<_, StoreError>(expected("ro.example", 4))).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), render_state(&expected("ro.example", 4)).unwrap());
}

/// Fallback for root without mount rights: the save runs in a child switched to `nobody` by
/// `setpriv`, for whom the `chmod 0555` domains directory is read-only.
fn read_only_as_nobody(top: &Path, store: &Store, path: &Path, old: &[u8]) {
    fs::set_permissions(top, fs::Permissions::from_mode(0o755)).unwrap();
    let mut setpriv = Command::new("setpriv");
    setpriv.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"]);
    let out = with_driver(&mut setpriv, "grow", &top.join("m"))
        .env("MTASTS_TEST_DRIVER_DOMAIN", "ro.example")
        .output();
    fs::set_permissions(store.domains_dir(), fs::Permissions::from_mode(0o755)).unwrap();
    let out = match out {
        Ok(o) if !o.stdout.is_empty() => String::from_utf8(o.stdout).unwrap(),
        other => {
            eprintln!("SKIPPED: no tmpfs mount, root ignores chmod 0555, and setpriv failed ({other:?})");
            return;
        }
    };
    eprintln!("read-only state dir: chmod 0555, saved by `nobody` through setpriv");
    let err = out.lines().find_map(|l| l.strip_prefix("error: ")).unwrap_or_else(|| panic!("{out}"));
    assert_failed_save(err, path, "Permission denied");
    assert_eq!(fs::read(path).unwrap(), old);
    assert!(temp_files(store).is_empty());
}
