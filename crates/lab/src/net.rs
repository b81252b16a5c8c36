//! Loopback address allocation and bounded line reading shared by the servers.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt};

/// Longest request or command line the lab reads (RFC 5321 allows 512; be generous).
pub const MAX_LINE: u64 = 2048;
/// How long a connection may stay silent before the lab drops it.
pub const IDLE: Duration = Duration::from_secs(30);

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A loopback address no other host of this process has been given (127.0.1.1 upwards,
/// wrapping after 64 516 hosts).
pub fn next_loopback() -> Ipv4Addr {
    let n = NEXT.fetch_add(1, Ordering::Relaxed) % (254 * 254);
    let third = 1 + n / 254;
    let fourth = 1 + n % 254;
    Ipv4Addr::new(127, 0, third as u8, fourth as u8)
}

/// Reads one line of at most [`MAX_LINE`] bytes within [`IDLE`]. `None` on EOF, timeout,
/// error or an over-long line.
pub async fn read_line<R: AsyncBufRead + Unpin>(reader: &mut R) -> Option<String> {
    let mut buf = Vec::new();
    let read = tokio::time::timeout(IDLE, (&mut *reader).take(MAX_LINE).read_until(b'\n', &mut buf)).await;
    match read {
        Ok(Ok(n)) if n > 0 && buf.ends_with(b"\n") => Some(String::from_utf8_lossy(&buf).into_owned()),
        _ => None,
    }
}

/// Counts simultaneous sessions and remembers the most seen at once.
#[derive(Debug, Default)]
pub struct SessionGauge {
    open: AtomicUsize,
    peak: AtomicUsize,
}

impl SessionGauge {
    /// Counts a session in until the guard is dropped or [`SessionGuard::leave`] is called.
    pub fn enter(self: &Arc<Self>) -> SessionGuard {
        let open = self.open.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(open, Ordering::SeqCst);
        SessionGuard(Some(self.clone()))
    }

    /// The most sessions open at once so far.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

/// One counted session.
#[derive(Debug)]
pub struct SessionGuard(Option<Arc<SessionGauge>>);

impl SessionGuard {
    /// Counts the session out (once).
    pub fn leave(&mut self) {
        if let Some(g) = self.0.take() {
            g.open.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl Drop for SessionGuard {
    fn drop(&mut self) {
        self.leave();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_addresses_are_distinct_and_avoid_127_0_0_x() {
        let a = next_loopback();
        let b = next_loopback();
        assert_ne!(a, b);
        assert!(a.is_loopback() && b.is_loopback());
        assert_ne!(a.octets()[2], 0);
    }

    #[test]
    fn gauge_keeps_the_peak() {
        let g = Arc::new(SessionGauge::default());
        let mut a = g.enter();
        let b = g.enter();
        a.leave();
        a.leave();
        let _c = g.enter();
        drop(b);
        assert_eq!(g.peak(), 2);
        assert_eq!(g.open.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn read_line_is_bounded() {
        let long = vec![b'a'; 5000];
        let mut r = tokio::io::BufReader::new(&long[..]);
        assert_eq!(read_line(&mut r).await, None);
        let mut ok = tokio::io::BufReader::new(&b"EHLO x\r\nQUIT\r\n"[..]);
        assert_eq!(read_line(&mut ok).await.as_deref(), Some("EHLO x\r\n"));
        assert_eq!(read_line(&mut ok).await.as_deref(), Some("QUIT\r\n"));
        assert_eq!(read_line(&mut ok).await, None);
    }
}
