//! One DNS message exchange over TCP (RFC 1035 §4.2.2: a two-byte length, then the
//! message), with a deadline for the whole exchange. TCP, because an update must not be lost
//! or repeated by a UDP retry, and answers are never truncated.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::error::PublishError;

/// Resolves `host:port` to one address (an IP address is taken as it is).
pub async fn resolve(host: &str, port: u16, timeout: Duration) -> Result<SocketAddr, PublishError> {
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    let lookup = tokio::time::timeout(timeout, tokio::net::lookup_host((host, port)))
        .await
        .map_err(|_| PublishError::Timeout { what: format!("looking up {host}"), secs: timeout.as_secs() })?;
    lookup
        .map_err(|e| PublishError::Network(format!("cannot look up {host}: {e}")))?
        .next()
        .ok_or_else(|| PublishError::Network(format!("{host} has no address")))
}

/// Sends `message` to `server` and returns the answer's bytes.
pub async fn exchange(
    server: SocketAddr,
    message: &[u8],
    timeout: Duration,
) -> Result<Vec<u8>, PublishError> {
    let len = u16::try_from(message.len())
        .map_err(|_| PublishError::Protocol("the DNS message is too large".into()))?;
    let work = async {
        let mut stream = TcpStream::connect(server)
            .await
            .map_err(|e| PublishError::Network(format!("cannot reach {server} over TCP: {e}")))?;
        let mut out = Vec::with_capacity(message.len() + 2);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(message);
        stream.write_all(&out).await.map_err(|e| PublishError::Network(format!("{server}: {e}")))?;
        let mut head = [0u8; 2];
        stream.read_exact(&mut head).await.map_err(|e| {
            PublishError::Network(format!("{server} closed the connection without an answer ({e})"))
        })?;
        let mut answer = vec![0u8; usize::from(u16::from_be_bytes(head))];
        stream.read_exact(&mut answer).await.map_err(|e| PublishError::Network(format!("{server}: {e}")))?;
        Ok(answer)
    };
    tokio::time::timeout(timeout, work).await.map_err(|_| PublishError::Timeout {
        what: format!("DNS server {server}"),
        secs: timeout.as_secs(),
    })?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_server_that_never_answers_is_a_timeout_and_a_closed_port_is_named() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let held = tokio::spawn(async move {
            let (conn, _) = listener.accept().await.unwrap();
            tokio::time::sleep(Duration::from_secs(5)).await;
            drop(conn);
        });
        let e = exchange(addr, b"\0\0", Duration::from_millis(300)).await.unwrap_err();
        assert!(matches!(e, PublishError::Timeout { .. }), "{e:?}");
        assert!(e.to_string().contains("no answer within 0 s; nothing was changed"), "{e}");
        held.abort();
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let e = exchange(closed, b"\0\0", Duration::from_secs(2)).await.unwrap_err();
        assert!(e.to_string().contains("cannot reach 127.0.0.1"), "{e}");
    }
}
