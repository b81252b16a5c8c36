//! glibc's allocator, set up for the long-running report receiver. By default glibc keeps a
//! heap (arena) per thread, up to eight per core, and raises its mmap threshold after a large
//! block is freed, so the receiver's bodies and imports came to be served from heaps that are
//! never given back: under the soak of hostile clients its RSS crept past 256 MiB in two
//! minutes. Two arenas and a fixed 128 KiB threshold (large blocks mapped and unmapped each
//! time) keep it bounded. Tunables are read only when a process starts, so `reports serve`
//! starts itself again, once, with them set.

/// The tunables the receiver runs with.
pub const TUNABLES: &str =
    "glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=131072:glibc.malloc.trim_threshold=131072";

/// The `GLIBC_TUNABLES` value to run with, given the current one; `None` when it already
/// sets the arenas (ours, or the administrator's own choice, which is kept).
pub fn tunables(current: Option<&str>) -> Option<String> {
    match current.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) if c.contains("glibc.malloc.arena_max") => None,
        Some(c) => Some(format!("{c}:{TUNABLES}")),
        None => Some(TUNABLES.to_owned()),
    }
}

/// Replaces this process with itself under [`TUNABLES`] unless they are set already; returns
/// only when that is not needed or not possible (the reason is printed, and the receiver runs
/// with the allocator as it is).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn restart_tuned() {
    use std::os::unix::process::CommandExt;
    let current = std::env::var("GLIBC_TUNABLES").ok();
    let Some(value) = tunables(current.as_deref()) else { return };
    let mut args = std::env::args_os();
    let mut cmd = std::process::Command::new("/proc/self/exe");
    if let Some(argv0) = args.next() {
        cmd.arg0(argv0);
    }
    let err = cmd.args(args).env("GLIBC_TUNABLES", value).exec();
    eprintln!("mtasts: could not restart with bounded allocator arenas ({err}); serving as is");
}

/// Other platforms keep their allocator.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn restart_tuned() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tunables_are_added_once_and_an_administrators_arenas_are_kept() {
        assert_eq!(tunables(None).as_deref(), Some(TUNABLES));
        assert_eq!(tunables(Some(" ")).as_deref(), Some(TUNABLES));
        assert_eq!(tunables(Some("glibc.pthread.rseq=0")), Some(format!("glibc.pthread.rseq=0:{TUNABLES}")));
        assert_eq!(tunables(Some(TUNABLES)), None);
        assert_eq!(tunables(Some("glibc.malloc.arena_max=8")), None);
    }
}
