//! The writers behind the hostile behaviours. Each stays bounded: small writes that wait for
//! the peer to read (TCP backpressure), a cap on the total, and an end as soon as the peer goes
//! away or stops reading for [`IDLE`].

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::{Instant, timeout, timeout_at};

use super::net::IDLE;

/// Most bytes one endless stream sends before the lab gives up on it.
pub const MAX_STREAMED: usize = 64 * 1024 * 1024;
/// Most bytes one drip sends (ten minutes at one byte a second).
const MAX_DRIPPED: usize = 600;
/// Most continuation lines one reply carries.
const MAX_CONTINUATIONS: u32 = 1_000_000;

/// Sends `chunk` repeatedly, up to `limit` bytes. False when the peer went away or stalled.
pub(super) async fn repeat<W: AsyncWrite + Unpin>(w: &mut W, chunk: &[u8], limit: usize) -> bool {
    let mut sent = 0;
    while sent < limit {
        match timeout(IDLE, async { w.write_all(chunk).await.and(w.flush().await) }).await {
            Ok(Ok(())) => sent += chunk.len(),
            _ => return false,
        }
    }
    true
}

/// Sends `pattern` over and over, one byte every `every`, until the peer goes away.
pub(super) async fn drip<W: AsyncWrite + Unpin>(w: &mut W, pattern: &[u8], every: Duration) {
    for byte in pattern.iter().cycle().take(MAX_DRIPPED) {
        if timeout(IDLE, async { w.write_all(&[*byte]).await.and(w.flush().await) }).await.is_err() {
            return;
        }
        tokio::time::sleep(every).await;
    }
}

/// `count` lines `250-X-FILLER-n`, written a hundred at a time. False when the peer went away.
pub(super) async fn continuation_lines<W: AsyncWrite + Unpin>(w: &mut W, count: u32) -> bool {
    let count = count.min(MAX_CONTINUATIONS);
    let mut batch = String::new();
    for i in 0..count {
        batch.push_str(&format!("250-X-FILLER-{i}\r\n"));
        if batch.len() >= 2048 || i + 1 == count {
            if !repeat(w, batch.as_bytes(), 1).await {
                return false;
            }
            batch.clear();
        }
    }
    true
}

/// Discards whatever the peer sends until it closes or [`IDLE`] has passed.
pub(super) async fn wait_gone<R: AsyncRead + Unpin>(r: &mut R) {
    let until = Instant::now() + IDLE;
    let mut buf = [0u8; 1024];
    while let Ok(Ok(1..)) = timeout_at(until, r.read(&mut buf)).await {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn endless_writers_stop_when_the_peer_goes_away() {
        let (mut w, r) = tokio::io::duplex(64);
        drop(r);
        assert!(!repeat(&mut w, b"xxxx", MAX_STREAMED).await);
        assert!(!continuation_lines(&mut w, 10_000).await);
    }

    #[tokio::test]
    async fn repeat_respects_its_limit_and_lines_are_smtp_continuations() {
        let (mut w, mut r) = tokio::io::duplex(1 << 16);
        assert!(repeat(&mut w, b"ab", 6).await);
        assert!(continuation_lines(&mut w, 3).await);
        drop(w);
        let mut got = String::new();
        r.read_to_string(&mut got).await.unwrap();
        assert_eq!(got, "ababab250-X-FILLER-0\r\n250-X-FILLER-1\r\n250-X-FILLER-2\r\n");
    }
}
