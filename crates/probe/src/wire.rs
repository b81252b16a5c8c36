//! DNS questions over one long-lived UDP socket per address family for the whole run,
//! answers matched to questions by message id, question and source. hickory opens, binds,
//! registers and closes a fresh socket for every question (and runs it through its resolver's
//! cache and retry layers), which was the largest CPU cost per domain of a fleet check.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use hickory_resolver::proto::op::{DnsRequest, DnsRequestOptions, Message, MessageType, Query, ResponseCode};
use hickory_resolver::proto::rr::{Name, RecordType};
use tokio::net::UdpSocket;
use tokio::sync::OnceCell;
use tokio::sync::mpsc::{Receiver, Sender, channel};
use tokio::task::AbortHandle;
use tokio::time::{Instant, sleep_until, timeout_at};

use mtasts_core::evidence::Lookup;

/// How long before a question is sent again, and how many times it is sent at most (as
/// hickory's UDP client does).
const RESEND_AFTER: Duration = Duration::from_millis(333);
const MAX_SENDS: u32 = 3;

/// Largest datagram read.
const MAX_DATAGRAM: usize = 65_535;

/// Why an exchange gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WireError {
    /// No matching answer before the deadline.
    Timeout,
    /// The socket failed.
    Io(String),
}

/// One question waiting: where it went, what it asked, and where its answer goes.
#[derive(Debug)]
struct Waiter {
    token: u64,
    server: SocketAddr,
    queries: Vec<Query>,
    inbox: Sender<Message>,
}

/// Answers held for one question before more are dropped. Forgeries never get this far (the
/// reader screens source, id and question), so this bounds only repeated genuine answers.
const INBOX: usize = 8;

/// The run's sockets, opened on first use.
#[derive(Debug, Default)]
pub(crate) struct Wire {
    v4: OnceCell<Arc<Sock>>,
    v6: OnceCell<Arc<Sock>>,
}

#[derive(Debug)]
struct Sock {
    socket: Arc<UdpSocket>,
    /// The questions waiting, by message id (ids may repeat; each waiter checks its question).
    waiting: Mutex<HashMap<u16, Vec<Waiter>>>,
    tokens: AtomicU64,
    reader: AbortHandle,
}

impl Drop for Sock {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// Hands every datagram to the waiters of its message id, until the socket is dropped.
async fn read(socket: Arc<UdpSocket>, sock: Weak<Sock>) {
    let mut buf = vec![0u8; MAX_DATAGRAM];
    loop {
        let Ok((len, src)) = socket.recv_from(&mut buf).await else {
            // An ICMP error surfaced on the socket; the waiters time out or get their answer.
            tokio::task::yield_now().await;
            continue;
        };
        let Some(sock) = sock.upgrade() else { return };
        let Some(id) = buf.get(..2).map(|b| u16::from_be_bytes([b[0], b[1]])) else { continue };
        if !lock(&sock.waiting).contains_key(&id) {
            continue;
        }
        let Some(answer) = buf.get(..len).and_then(|d| Message::from_vec(d).ok()) else { continue };
        if let Some(waiters) = lock(&sock.waiting).get(&id) {
            for w in waiters.iter().filter(|w| answers(&w.queries, &answer, src, w.server)) {
                let _ = w.inbox.try_send(answer.clone());
            }
        }
    }
}

/// A question's place among the waiters, removed when dropped.
struct Waiting<'a> {
    sock: &'a Sock,
    id: u16,
    token: u64,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        let mut waiting = lock(&self.sock.waiting);
        if let Some(list) = waiting.get_mut(&self.id) {
            list.retain(|w| w.token != self.token);
            if list.is_empty() {
                waiting.remove(&self.id);
            }
        }
    }
}

impl Sock {
    async fn open(family: IpAddr) -> std::io::Result<Arc<Self>> {
        let socket = Arc::new(UdpSocket::bind(SocketAddr::new(family, 0)).await?);
        Ok(Arc::new_cyclic(|weak| {
            let reader = tokio::spawn(read(socket.clone(), weak.clone())).abort_handle();
            Self { socket, waiting: Mutex::new(HashMap::new()), tokens: AtomicU64::new(0), reader }
        }))
    }

    fn wait_for(&self, server: SocketAddr, request: &Message) -> (Waiting<'_>, Receiver<Message>) {
        let (inbox, rx) = channel(INBOX);
        let token = self.tokens.fetch_add(1, Ordering::Relaxed);
        let id = request.metadata.id;
        let waiter = Waiter { token, server, queries: request.queries.clone(), inbox };
        lock(&self.waiting).entry(id).or_default().push(waiter);
        (Waiting { sock: self, id, token }, rx)
    }
}

/// The request hickory would send for `query` with `opts` (random id, EDNS as asked).
pub(crate) fn request(query: Query, opts: DnsRequestOptions) -> Message {
    let request = DnsRequest::from_query(query, opts);
    Message::clone(&request)
}

impl Wire {
    async fn sock(&self, server: SocketAddr) -> Result<&Arc<Sock>, WireError> {
        let (cell, any) = match server {
            SocketAddr::V4(_) => (&self.v4, IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
            SocketAddr::V6(_) => (&self.v6, IpAddr::V6(Ipv6Addr::UNSPECIFIED)),
        };
        cell.get_or_try_init(|| Sock::open(any)).await.map_err(|e| WireError::Io(e.to_string()))
    }

    /// Sends `request` to `server` (again every [`RESEND_AFTER`], at most [`MAX_SENDS`] times)
    /// and returns the first response from that address with the same id and question.
    pub(crate) async fn exchange(
        &self,
        server: SocketAddr,
        request: &Message,
        until: Instant,
    ) -> Result<Message, WireError> {
        let bytes = request.to_vec().map_err(|e| WireError::Io(e.to_string()))?;
        let sock = self.sock(server).await?;
        let (_waiting, mut inbox) = sock.wait_for(server, request);
        let (mut sends, mut resend) = (0, Instant::now());
        loop {
            if sends < MAX_SENDS && Instant::now() >= resend {
                let sent = timeout_at(until, sock.socket.send_to(&bytes, server)).await;
                match sent {
                    Err(_) => return Err(WireError::Timeout),
                    Ok(Err(e)) => return Err(WireError::Io(e.to_string())),
                    Ok(Ok(_)) => {}
                }
                sends += 1;
                resend = Instant::now() + RESEND_AFTER;
            }
            let next = if sends < MAX_SENDS { resend.min(until) } else { until };
            tokio::select! {
                got = inbox.recv() => {
                    return got.ok_or(WireError::Timeout);
                }
                () = sleep_until(next) => {
                    if Instant::now() >= until {
                        return Err(WireError::Timeout);
                    }
                }
            }
        }
    }
}

/// `answer` as a [`Lookup`] when it is plain: no CNAME or other record than `rtype` at `name`
/// in its answers, not truncated, NOERROR, NXDOMAIN or SERVFAIL. `None` otherwise.
pub(crate) fn plain_answer(answer: Message, name: &Name, rtype: RecordType) -> Option<Lookup<Message>> {
    if answer.metadata.truncation
        || answer.answers.iter().any(|r| r.record_type() != rtype || r.name != *name)
    {
        return None;
    }
    match answer.metadata.response_code {
        ResponseCode::NoError if answer.answers.is_empty() => Some(Lookup::NoData),
        ResponseCode::NoError => Some(Lookup::Found(answer)),
        ResponseCode::NXDomain if answer.answers.is_empty() => Some(Lookup::NxDomain),
        ResponseCode::ServFail => Some(Lookup::ServFail),
        _ => None,
    }
}

/// Whether `answer`, from `src`, answers the question `queries` sent to `server`: a response
/// from that address with the same questions (its id was matched already). Anything else is
/// ignored, as a spoofing screen.
fn answers(queries: &[Query], answer: &Message, src: SocketAddr, server: SocketAddr) -> bool {
    src.ip().to_canonical() == server.ip().to_canonical()
        && src.port() == server.port()
        && answer.metadata.message_type == MessageType::Response
        && answer.queries == queries
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
