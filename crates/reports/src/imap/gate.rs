//! The stream async-imap reads through: it passes on only whole server responses, within a
//! byte budget per command. async-imap sizes its buffer for a literal (`{530000000}`) the
//! moment it sees the announcement, and keeps reading a line that never ends; here the bytes
//! are collected as they arrive, an announcement larger than the budget fails at once, a line
//! is parsed only once it has ended, and async-imap sees a response only when it is complete.

use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// What the session runs over.
pub(super) trait Io: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Io for T {}

/// Bytes read from the network per read.
const CHUNK: usize = 16 * 1024;
/// Parse attempts of one command's answer may go over this many times its byte budget (a
/// response split into many literals is parsed again at each); beyond, the server is refused.
const PARSE_WORK_FACTOR: u64 = 16;

/// A stream that hands async-imap whole responses only and fails once the server sends more
/// than the budget allows (async-imap alone would buffer up to 512 MiB).
#[derive(Debug)]
pub(super) struct Capped {
    inner: Box<dyn Io>,
    /// Bytes the server may still send for the current command.
    left: u64,
    /// Parse work (bytes looked at) the current command may still cost.
    work: u64,
    /// Received, not yet a whole response.
    pending: Vec<u8>,
    /// `pending` must be this long before a parse can succeed (a literal being received).
    needed: usize,
    /// A line ended in `pending` since the last parse.
    line_ended: bool,
    /// Whole responses async-imap has not read yet.
    whole: VecDeque<Vec<u8>>,
    /// Read position in the front of `whole`.
    pos: usize,
    /// The server closed the connection.
    eof: bool,
}

impl Capped {
    /// A gate over `inner` allowing `bytes` for the first command (the greeting).
    pub(super) fn new(inner: Box<dyn Io>, bytes: u64) -> Capped {
        Capped {
            inner,
            left: bytes,
            work: bytes.saturating_mul(PARSE_WORK_FACTOR),
            pending: Vec::new(),
            needed: 0,
            line_ended: false,
            whole: VecDeque::new(),
            pos: 0,
            eof: false,
        }
    }

    /// Allows `bytes` more to be read (replacing what was left).
    pub(super) fn allow(&mut self, bytes: u64) {
        self.left = bytes;
        self.work = bytes.saturating_mul(PARSE_WORK_FACTOR);
    }

    /// The stream underneath; whatever the server sent that was not read yet is dropped (after
    /// STARTTLS, bytes sent in the clear before the handshake must not count as encrypted).
    pub(super) fn into_inner(self) -> Box<dyn Io> {
        self.inner
    }

    /// Moves every whole response at the start of `pending` to `whole`.
    fn release(&mut self) -> io::Result<()> {
        use nom::{Err, Needed};
        while !self.pending.is_empty() && self.line_ended && self.pending.len() >= self.needed {
            let cost = self.pending.len() as u64;
            if cost > self.work {
                return Err(io::Error::other("the server's answer is too fragmented to follow"));
            }
            self.work -= cost;
            let used = match imap_proto::Response::parse(&self.pending) {
                Ok((rest, _)) => self.pending.len() - rest.len(),
                Err(Err::Incomplete(Needed::Size(n))) => {
                    let more = n.get();
                    if more as u64 > self.left {
                        return Err(io::Error::other(format!(
                            "the server announced {more} more bytes, more than the {} still allowed",
                            self.left
                        )));
                    }
                    self.needed = self.pending.len() + more;
                    self.line_ended = false;
                    return Ok(());
                }
                Err(Err::Incomplete(Needed::Unknown)) => {
                    self.line_ended = false;
                    return Ok(());
                }
                // async-imap reports the broken response itself.
                Err(_) => self.pending.len(),
            };
            self.needed = 0;
            let rest = self.pending.split_off(used);
            self.whole.push_back(std::mem::replace(&mut self.pending, rest));
            self.line_ended = self.pending.contains(&b'\n');
        }
        Ok(())
    }

    /// Copies from `whole` into `buf`; false when there was nothing to copy.
    fn hand_out(&mut self, buf: &mut ReadBuf<'_>) -> bool {
        let Some(front) = self.whole.front() else { return false };
        let n = (front.len() - self.pos).min(buf.remaining());
        buf.put_slice(&front[self.pos..self.pos + n]);
        self.pos += n;
        if self.pos == front.len() {
            self.whole.pop_front();
            self.pos = 0;
        }
        true
    }
}

impl AsyncRead for Capped {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        loop {
            if this.hand_out(buf) || this.eof {
                return Poll::Ready(Ok(()));
            }
            if this.left == 0 {
                return Poll::Ready(Err(io::Error::other("the server sent more than expected")));
            }
            let mut chunk = [0u8; CHUNK];
            let want = usize::try_from(this.left).unwrap_or(CHUNK).min(CHUNK);
            let mut read = ReadBuf::new(&mut chunk[..want]);
            ready!(Pin::new(&mut this.inner).poll_read(cx, &mut read))?;
            let got = read.filled();
            if got.is_empty() {
                // The connection ended: what is left goes to async-imap, which names the error.
                this.eof = true;
                if !this.pending.is_empty() {
                    this.whole.push_back(std::mem::take(&mut this.pending));
                }
                continue;
            }
            this.left -= got.len() as u64;
            this.line_ended |= got.contains(&b'\n');
            this.pending.extend_from_slice(got);
            this.release()?;
        }
    }
}

impl AsyncWrite for Capped {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn through(server_says: Vec<u8>, budget: u64) -> (io::Result<usize>, Vec<u8>) {
        let (client, mut server) = tokio::io::duplex(64 * 1024);
        let writer = tokio::spawn(async move {
            for piece in server_says.chunks(1000) {
                if server.write_all(piece).await.is_err() {
                    return;
                }
            }
        });
        let mut gate = Capped::new(Box::new(client), budget);
        let mut out = Vec::new();
        let result = gate.read_to_end(&mut out).await;
        writer.abort();
        (result, out)
    }

    #[tokio::test]
    async fn whole_responses_pass_and_a_literal_arrives_with_its_response() {
        let body = "Subject: x\r\n\r\nline {12}\r\n".repeat(100);
        let fetch = format!("* 1 FETCH (UID 7 BODY[] {{{}}}\r\n{body})\r\n", body.len());
        let said = format!("* OK ready\r\n{fetch}a1 OK done\r\n");
        let (result, got) = through(said.clone().into_bytes(), 1 << 20).await;
        assert_eq!(result.unwrap(), said.len());
        assert_eq!(got, said.as_bytes());
    }

    #[tokio::test]
    async fn an_announced_literal_beyond_the_budget_fails_before_its_bytes_arrive() {
        let said = b"* 1 FETCH (UID 1 BODY[] {530000000}\r\n".to_vec();
        let (result, got) = through(said, 8 << 20).await;
        let err = result.unwrap_err().to_string();
        assert!(err.contains("announced 530000000 more bytes"), "{err}");
        assert!(got.is_empty(), "async-imap never saw the announcement");
    }

    #[tokio::test]
    async fn an_endless_line_stops_at_the_budget() {
        let mut said = b"* OK ".to_vec();
        said.resize(300 * 1024, b'a');
        let (result, got) = through(said, 64 * 1024).await;
        assert!(result.unwrap_err().to_string().contains("more than expected"));
        assert!(got.is_empty());
    }
}
