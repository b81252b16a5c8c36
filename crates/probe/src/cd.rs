//! Questions to the resolver with the CD (checking disabled) bit, over the run's sockets (TCP
//! when the answer is truncated): a validating resolver that answers SERVFAIL for a zone whose
//! chain is broken still hands over the records and signatures with CD set (RFC 4035 §3.2.2),
//! so mtasts can validate them itself. Implements hickory's `DnsHandle`, so hickory's DNSSEC
//! validation runs on top of it.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures::Stream;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, DnsHandle, NetError};
use hickory_resolver::proto::op::{DnsRequest, DnsResponse, Message, ResponseCode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout_at};

use super::wire::{Wire, WireError};

/// Sends every question to one resolver with the CD bit set.
#[derive(Clone)]
pub(crate) struct CdHandle {
    wire: Arc<Wire>,
    server: SocketAddr,
    step: Duration,
}

impl CdHandle {
    /// Questions to `server` over `wire`, each given `step` at most.
    pub(crate) fn new(wire: Arc<Wire>, server: SocketAddr, step: Duration) -> Self {
        Self { wire, server, step }
    }

    /// One question with CD set: the response for NOERROR and NXDOMAIN, an error otherwise.
    pub(crate) async fn ask(&self, request: &Message) -> Result<DnsResponse, NetError> {
        let mut request = request.clone();
        request.metadata.checking_disabled = true;
        let until = Instant::now() + self.step;
        let mut answer = match self.wire.exchange(self.server, &request, until).await {
            Ok(answer) => answer,
            Err(WireError::Timeout) => return Err(NetError::Timeout),
            Err(e) => return Err(NetError::from(e.words())),
        };
        if answer.metadata.truncation {
            answer = over_tcp(self.server, &request, until).await?;
        }
        match answer.metadata.response_code {
            ResponseCode::NoError | ResponseCode::NXDomain => {
                DnsResponse::from_message(answer).map_err(|e| NetError::from(e.to_string()))
            }
            code => Err(NetError::Dns(DnsError::ResponseCode(code))),
        }
    }
}

impl DnsHandle for CdHandle {
    type Response = Pin<Box<dyn Stream<Item = Result<DnsResponse, NetError>> + Send>>;
    type Runtime = TokioRuntimeProvider;

    fn send(&self, request: DnsRequest) -> Self::Response {
        let this = self.clone();
        let message = Message::clone(&request);
        Box::pin(futures::stream::once(async move { this.ask(&message).await }))
    }
}

/// Largest answer read over TCP (its length prefix is 16 bits).
const MAX_TCP_ANSWER: usize = 65_535;

/// `request` over TCP (RFC 7766), for an answer too large for UDP; the answer must carry the
/// request's id and question.
async fn over_tcp(server: SocketAddr, request: &Message, until: Instant) -> Result<Message, NetError> {
    let bytes = request.to_vec().map_err(|e| NetError::from(e.to_string()))?;
    let exchange = async {
        let mut stream = TcpStream::connect(server).await?;
        let len = u16::try_from(bytes.len()).map_err(|_| std::io::Error::other("request too large"))?;
        stream.write_all(&len.to_be_bytes()).await?;
        stream.write_all(&bytes).await?;
        let mut prefix = [0u8; 2];
        stream.read_exact(&mut prefix).await?;
        let mut answer = vec![0u8; usize::from(u16::from_be_bytes(prefix)).min(MAX_TCP_ANSWER)];
        stream.read_exact(&mut answer).await?;
        Ok::<_, std::io::Error>(answer)
    };
    let answer = match timeout_at(until, exchange).await {
        Err(_) => return Err(NetError::Timeout),
        Ok(Err(e)) => return Err(NetError::from(format!("over TCP: {e}"))),
        Ok(Ok(answer)) => answer,
    };
    let answer = Message::from_vec(&answer).map_err(|e| NetError::from(e.to_string()))?;
    if answer.metadata.id != request.metadata.id || answer.queries != request.queries {
        return Err(NetError::from("over TCP: the answer does not match the question"));
    }
    Ok(answer)
}
