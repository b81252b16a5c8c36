//! DNS outcome classification against a scripted UDP responder: SERVFAIL, silence, the AD bit.

use std::net::SocketAddr;
use std::time::Duration;

use hickory_resolver::proto::op::{Message, OpCode, ResponseCode};
use hickory_resolver::proto::rr::rdata::TXT;
use hickory_resolver::proto::rr::{RData, Record};
use tokio::net::UdpSocket;
use tokio::time::Instant;

use super::ResolverChoice;
use super::dns::Dns;
use mtasts_core::evidence::Lookup;

/// Answers `servfail.test` with SERVFAIL, never answers `silent.test`, and answers
/// `secure.test` with a TXT record and the AD bit set.
async fn responder() -> SocketAddr {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    tokio::spawn(async move {
        let mut buf = [0u8; 4096];
        while let Ok((n, peer)) = socket.recv_from(&mut buf).await {
            let Ok(query) = Message::from_vec(&buf[..n]) else {
                continue;
            };
            let Some(q) = query.queries.first().cloned() else {
                continue;
            };
            let mut reply = Message::response(query.metadata.id, OpCode::Query);
            reply.metadata.recursion_desired = query.metadata.recursion_desired;
            reply.metadata.recursion_available = true;
            reply.add_query(q.clone());
            match q.name().to_ascii().as_str() {
                "silent.test." => continue,
                "servfail.test." => reply.metadata.response_code = ResponseCode::ServFail,
                "secure.test." => {
                    reply.metadata.authentic_data = true;
                    let txt = RData::TXT(TXT::new(vec!["v=STSv1; id=1;".into()]));
                    reply.add_answer(Record::from_rdata(q.name().clone(), 60, txt));
                }
                _ => reply.metadata.response_code = ResponseCode::NXDomain,
            }
            let _ = socket.send_to(&reply.to_vec().unwrap(), peer).await;
        }
    });
    addr
}

fn soon() -> Instant {
    Instant::now() + Duration::from_secs(5)
}

#[tokio::test]
async fn servfail_timeout_and_nxdomain_are_distinguished() {
    let dns = Dns::new(&ResolverChoice::At(responder().await), Duration::from_millis(500), 64);
    assert_eq!(dns.txt("servfail.test", soon()).await.records, Lookup::ServFail);
    assert_eq!(dns.txt("silent.test", soon()).await.records, Lookup::Timeout);
    assert_eq!(dns.txt("missing.test", soon()).await.records, Lookup::NxDomain);
    assert_eq!(
        dns.txt("secure.test", soon()).await.records,
        Lookup::Found(vec![vec!["v=STSv1; id=1;".to_owned()]])
    );
}

#[tokio::test]
async fn ad_bit_is_read_from_a_separate_query() {
    let dns = Dns::new(&ResolverChoice::At(responder().await), Duration::from_millis(500), 64);
    assert_eq!(dns.authenticated("secure.test", soon()).await, Lookup::Found(true));
    assert_eq!(dns.authenticated("missing.test", soon()).await, Lookup::Found(false));
    assert_eq!(dns.authenticated("servfail.test", soon()).await, Lookup::ServFail);
    assert_eq!(dns.authenticated("silent.test", soon()).await, Lookup::Timeout);
}

#[tokio::test]
async fn the_overall_deadline_cuts_a_step_short() {
    let dns = Dns::new(&ResolverChoice::At(responder().await), Duration::from_secs(30), 64);
    let deadline = Instant::now() + Duration::from_millis(300);
    assert_eq!(dns.addresses("silent.test", super::gate::Urgency::Critical, deadline).await, Lookup::Timeout);
}
