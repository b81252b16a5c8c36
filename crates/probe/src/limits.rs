//! Default limits sized from what costs something: file descriptors. A socket waiting for a
//! banner costs one descriptor and almost no CPU, so the global limit follows the process's
//! descriptor limit rather than a small fixed number.

/// Descriptors kept free for everything that is not a probe socket (stdio, the store, the
/// resolver's own sockets, TLS key logs, …).
const RESERVED_FDS: u64 = 64;

/// The soft `RLIMIT_NOFILE` assumed when `/proc/self/limits` cannot be read (the usual
/// default on Linux and macOS shells).
const FALLBACK_FDS: u64 = 256;

/// Upper bound of the default global socket limit, whatever the descriptor limit.
const MAX_DEFAULT_SOCKETS: u64 = 4096;

/// Upper bound of the default number of DNS questions in flight: a resolver (and the lab
/// on loopback) drops datagrams past a few hundred at once, and a dropped question costs a
/// whole DNS timeout.
const MAX_DEFAULT_DNS: u64 = 256;

/// Lower bound of both defaults.
const MIN_DEFAULT: u64 = 8;

/// The soft limit on open files, from `/proc/self/limits` (`None` when unreadable or
/// unlimited-looking).
pub fn fd_limit() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    parse_fd_limit(&text)
}

fn parse_fd_limit(text: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with("Max open files"))?;
    let soft = line.trim_start_matches("Max open files").split_whitespace().next()?;
    if soft == "unlimited" { Some(u64::MAX) } else { soft.parse().ok() }
}

/// Default limits for a process allowed `fds` open descriptors: three quarters of what is
/// left after the reserve go to connections (SMTP and HTTPS), one quarter to DNS questions
/// (most share the run's socket; one that falls back to hickory's resolver opens its own).
/// Returns `(sockets, dns_questions)`.
pub fn split_fds(fds: u64) -> (usize, usize) {
    let usable = fds.saturating_sub(RESERVED_FDS);
    let sockets = (usable / 4 * 3).clamp(MIN_DEFAULT, MAX_DEFAULT_SOCKETS);
    let dns = (usable / 4).clamp(MIN_DEFAULT, MAX_DEFAULT_DNS);
    (usize::try_from(sockets).unwrap_or(32), usize::try_from(dns).unwrap_or(32))
}

/// [`split_fds`] of this process's descriptor limit (or of 256 when it cannot be read).
pub fn default_limits() -> (usize, usize) {
    split_fds(fd_limit().unwrap_or(FALLBACK_FDS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_soft_open_files_limit() {
        let text = "Limit                     Soft Limit           Hard Limit           Units     \n\
                    Max cpu time              unlimited            unlimited            seconds   \n\
                    Max open files            1024                 524288               files     \n";
        assert_eq!(parse_fd_limit(text), Some(1024));
        assert_eq!(parse_fd_limit("Max open files  unlimited unlimited files"), Some(u64::MAX));
        assert_eq!(parse_fd_limit("nothing here"), None);
    }

    #[test]
    fn limits_follow_the_descriptor_limit_within_bounds() {
        assert_eq!(split_fds(1024), (720, 240));
        assert_eq!(split_fds(4096), (3024, 256));
        assert_eq!(split_fds(20_000), (4096, 256));
        assert_eq!(split_fds(u64::MAX), (4096, 256));
        assert_eq!(split_fds(16), (8, 8));
    }
}
