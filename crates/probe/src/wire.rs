//! DNS questions over the run's own UDP sockets: one connected socket per server address
//! (the resolver's kept for the whole run, a nameserver's while questions to it are in flight),
//! answers matched to questions by message id, question and source. A connected socket hears
//! the ICMP error a dead server's host sends back, so a server where nothing listens is known
//! as refused at once instead of after a timeout. hickory opens, binds, registers and closes a
//! fresh socket for every question (and runs it through its resolver's cache and retry
//! layers), which was the largest CPU cost per domain of a fleet check.

use std::collections::HashMap;
use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use hickory_resolver::proto::op::{DnsRequest, DnsRequestOptions, Message, MessageType, Query, ResponseCode};
use hickory_resolver::proto::rr::{Name, RecordType};
use tokio::net::UdpSocket;
use tokio::sync::mpsc::{Receiver, Sender, channel};
use tokio::task::AbortHandle;
use tokio::time::{Instant, sleep_until, timeout_at};

use mtasts_core::evidence::Lookup;

/// How long before a question is sent again, and how many times it is sent at most (as
/// hickory's UDP client does).
const RESEND_AFTER: Duration = Duration::from_millis(333);
pub(crate) const MAX_SENDS: u32 = 3;

/// Largest datagram read.
const MAX_DATAGRAM: usize = 65_535;

/// Why an exchange gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WireError {
    /// No matching answer before the deadline.
    Timeout,
    /// The server's host answered that nothing listens on that port (ICMP port unreachable).
    Refused,
    /// The server's host or network cannot be reached (ICMP host or network unreachable).
    Unreachable(String),
    /// The socket failed.
    Io(String),
}

impl WireError {
    /// The error in a few words, for evidence.
    pub(crate) fn words(&self) -> String {
        match self {
            WireError::Timeout => "no answer (timeout)".to_owned(),
            WireError::Refused => "refused: nothing listens on that port (ICMP port unreachable)".to_owned(),
            WireError::Unreachable(e) => format!("unreachable: {e}"),
            WireError::Io(e) => e.clone(),
        }
    }
}

/// What a socket error says about its server, when it is an ICMP error about it.
fn icmp(e: &std::io::Error) -> Option<WireError> {
    match e.kind() {
        ErrorKind::ConnectionRefused => Some(WireError::Refused),
        ErrorKind::HostUnreachable | ErrorKind::NetworkUnreachable => {
            Some(WireError::Unreachable(e.to_string()))
        }
        _ => None,
    }
}

/// One question waiting: what it asked, and where its answer (or its server's failure) goes.
#[derive(Debug)]
struct Waiter {
    token: u64,
    queries: Vec<Query>,
    inbox: Sender<Result<Message, WireError>>,
}

/// Answers held for one question before more are dropped. Forgeries never get this far (the
/// kernel screens the source of a connected socket, the reader id and question), so this
/// bounds only repeated genuine answers.
const INBOX: usize = 8;

/// The run's sockets, one per server, opened on first use.
#[derive(Debug, Default)]
pub(crate) struct Wire {
    socks: Mutex<HashMap<SocketAddr, Weak<Sock>>>,
    /// The server whose socket stays open for the whole run (the resolver), once opened.
    keep: Option<SocketAddr>,
    kept: Mutex<Option<Arc<Sock>>>,
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

/// Hands every datagram to the waiters of its message id, and an ICMP error about the server
/// to every waiter, until the socket is dropped.
async fn read(socket: Arc<UdpSocket>, sock: Weak<Sock>) {
    let mut buf = vec![0u8; MAX_DATAGRAM];
    loop {
        let got = socket.recv(&mut buf).await;
        let Some(sock) = sock.upgrade() else { return };
        let len = match got {
            Ok(len) => len,
            Err(e) => {
                match icmp(&e) {
                    Some(err) => sock.fail_all(&err),
                    None => tokio::task::yield_now().await,
                }
                continue;
            }
        };
        let Some(id) = buf.get(..2).map(|b| u16::from_be_bytes([b[0], b[1]])) else { continue };
        if !lock(&sock.waiting).contains_key(&id) {
            continue;
        }
        let Some(answer) = buf.get(..len).and_then(|d| Message::from_vec(d).ok()) else { continue };
        if let Some(waiters) = lock(&sock.waiting).get(&id) {
            for w in waiters.iter().filter(|w| answers(&w.queries, &answer)) {
                let _ = w.inbox.try_send(Ok(answer.clone()));
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
    async fn open(server: SocketAddr) -> std::io::Result<Arc<Self>> {
        let any = match server {
            SocketAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            SocketAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        };
        let socket = UdpSocket::bind(SocketAddr::new(any, 0)).await?;
        socket.connect(server).await?;
        let socket = Arc::new(socket);
        Ok(Arc::new_cyclic(|weak| {
            let reader = tokio::spawn(read(socket.clone(), weak.clone())).abort_handle();
            Self { socket, waiting: Mutex::new(HashMap::new()), tokens: AtomicU64::new(0), reader }
        }))
    }

    fn wait_for(&self, request: &Message) -> (Waiting<'_>, Receiver<Result<Message, WireError>>) {
        let (inbox, rx) = channel(INBOX);
        let token = self.tokens.fetch_add(1, Ordering::Relaxed);
        let id = request.metadata.id;
        let waiter = Waiter { token, queries: request.queries.clone(), inbox };
        lock(&self.waiting).entry(id).or_default().push(waiter);
        (Waiting { sock: self, id, token }, rx)
    }

    /// Tells every waiter that the server cannot be reached.
    fn fail_all(&self, err: &WireError) {
        for w in lock(&self.waiting).values().flatten() {
            let _ = w.inbox.try_send(Err(err.clone()));
        }
    }
}

/// The request hickory would send for `query` with `opts` (random id, EDNS as asked).
pub(crate) fn request(query: Query, opts: DnsRequestOptions) -> Message {
    let request = DnsRequest::from_query(query, opts);
    Message::clone(&request)
}

impl Wire {
    /// Sockets opened on demand; the one to `keep` (the resolver) stays open for the run.
    pub(crate) fn new(keep: Option<SocketAddr>) -> Self {
        Self { keep, ..Self::default() }
    }

    async fn sock(&self, server: SocketAddr) -> Result<Arc<Sock>, WireError> {
        if let Some(sock) = lock(&self.socks).get(&server).and_then(Weak::upgrade) {
            return Ok(sock);
        }
        let sock = Sock::open(server).await.map_err(|e| icmp(&e).unwrap_or(WireError::Io(e.to_string())))?;
        let mut socks = lock(&self.socks);
        socks.retain(|_, s| s.strong_count() > 0);
        if let Some(open) = socks.get(&server).and_then(Weak::upgrade) {
            return Ok(open);
        }
        socks.insert(server, Arc::downgrade(&sock));
        if self.keep == Some(server) {
            *lock(&self.kept) = Some(sock.clone());
        }
        Ok(sock)
    }

    /// Sends `request` to `server` (again every [`RESEND_AFTER`], at most [`MAX_SENDS`] times)
    /// and returns the first response from that address with the same id and question, or
    /// the server's ICMP error as soon as one arrives.
    pub(crate) async fn exchange(
        &self,
        server: SocketAddr,
        request: &Message,
        until: Instant,
    ) -> Result<Message, WireError> {
        let bytes = request.to_vec().map_err(|e| WireError::Io(e.to_string()))?;
        let sock = self.sock(server).await?;
        let (_waiting, mut inbox) = sock.wait_for(request);
        let (mut sends, mut resend) = (0, Instant::now());
        loop {
            if sends < MAX_SENDS && Instant::now() >= resend {
                match timeout_at(until, sock.socket.send(&bytes)).await {
                    Err(_) => return Err(WireError::Timeout),
                    Ok(Err(e)) => return Err(icmp(&e).unwrap_or(WireError::Io(e.to_string()))),
                    Ok(Ok(_)) => {}
                }
                sends += 1;
                resend = Instant::now() + RESEND_AFTER;
            }
            let next = if sends < MAX_SENDS { resend.min(until) } else { until };
            tokio::select! {
                got = inbox.recv() => {
                    return got.unwrap_or(Err(WireError::Timeout));
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

/// Whether `answer` answers the question `queries`: a response with the same questions (its
/// id was matched already, its source by the connected socket). Anything else is ignored, as a
/// spoofing screen.
fn answers(queries: &[Query], answer: &Message) -> bool {
    answer.metadata.message_type == MessageType::Response && answer.queries == queries
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
