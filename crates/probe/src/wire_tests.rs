//! The run's DNS sockets against scripted UDP servers: answers reach their question,
//! forgeries are screened out, silence ends in a timeout after the resends, a server where
//! nothing listens is refused at once.

use super::*;
use hickory_resolver::proto::rr::rdata::{CNAME, TXT};
use hickory_resolver::proto::rr::{RData, Record};

#[test]
fn only_plain_answers_skip_the_resolver() {
    let name = Name::from_ascii("_mta-sts.a.test.").unwrap();
    let answer = |code: ResponseCode, records: Vec<RData>| {
        let mut m = Message::response(1, hickory_resolver::proto::op::OpCode::Query);
        m.metadata.response_code = code;
        m.answers = records.into_iter().map(|d| Record::from_rdata(name.clone(), 300, d)).collect();
        m
    };
    let txt = || RData::TXT(TXT::new(vec!["v=STSv1; id=1;".into()]));
    let plain = |m: Message| plain_answer(m, &name, RecordType::TXT);
    assert!(matches!(plain(answer(ResponseCode::NoError, vec![txt()])), Some(Lookup::Found(_))));
    assert_eq!(plain(answer(ResponseCode::NoError, vec![])), Some(Lookup::NoData));
    assert_eq!(plain(answer(ResponseCode::NXDomain, vec![])), Some(Lookup::NxDomain));
    assert_eq!(plain(answer(ResponseCode::ServFail, vec![])), Some(Lookup::ServFail));
    // A CNAME, truncation or an unusual code goes to hickory's resolver.
    let cname = RData::CNAME(CNAME(Name::from_ascii("elsewhere.test.").unwrap()));
    assert_eq!(plain(answer(ResponseCode::NoError, vec![cname, txt()])), None);
    assert_eq!(plain(answer(ResponseCode::Refused, vec![])), None);
    let mut cut = answer(ResponseCode::NoError, vec![txt()]);
    cut.metadata.truncation = true;
    assert_eq!(plain(cut), None);
}

fn question(name: &str) -> Message {
    let name = Name::from_ascii(name).unwrap();
    request(Query::query(name, RecordType::TXT), DnsRequestOptions::default())
}

/// A server that answers every question with `forgeries` copies of `forge(question)`, then
/// properly.
async fn serve(forgeries: usize, forge: fn(&Message) -> Message) -> SocketAddr {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    tokio::spawn(async move {
        let mut buf = vec![0u8; 4096];
        while let Ok((len, from)) = socket.recv_from(&mut buf).await {
            let query = Message::from_vec(&buf[..len]).unwrap();
            let forged = forge(&query).to_vec().unwrap();
            for _ in 0..forgeries {
                let _ = socket.send_to(&forged, from).await;
            }
            let mut answer = Message::response(query.metadata.id, query.metadata.op_code);
            answer.queries = query.queries.clone();
            answer.metadata.authoritative = true;
            socket.send_to(&answer.to_vec().unwrap(), from).await.unwrap();
        }
    });
    addr
}

/// The question's answer with another id.
fn wrong_id(q: &Message) -> Message {
    let mut m = Message::response(q.metadata.id.wrapping_add(1), q.metadata.op_code);
    m.queries = q.queries.clone();
    m
}

/// An answer with the question's id to another question.
fn other_question(q: &Message) -> Message {
    let mut m = Message::response(q.metadata.id, q.metadata.op_code);
    m.queries = question("forged.test.").queries;
    m
}

#[tokio::test]
async fn answers_reach_their_question_and_forgeries_are_ignored() {
    let addr = serve(1, wrong_id).await;
    let wire = Wire::new(Some(addr));
    let until = Instant::now() + Duration::from_secs(5);
    let (one, two) = (question("a.test."), question("b.test."));
    let (a, b) = tokio::join!(wire.exchange(addr, &one, until), wire.exchange(addr, &two, until));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(a.metadata.authoritative && b.metadata.authoritative);
    assert_eq!((a.metadata.id, b.metadata.id), (one.metadata.id, two.metadata.id));
    assert_eq!(a.queries, one.queries);
    assert_eq!(b.queries, two.queries);
    let kept = lock(&wire.kept).clone().unwrap();
    assert!(lock(&kept.waiting).is_empty());
}

#[tokio::test]
async fn a_flood_of_forgeries_is_dropped_not_queued_and_the_answer_still_comes() {
    let addr = serve(500, other_question).await;
    let wire = Wire::default();
    let q = question("d.test.");
    let sock = wire.sock(addr).await.unwrap();
    let (_held, inbox) = sock.wait_for(&q);
    let got = wire.exchange(addr, &q, Instant::now() + Duration::from_secs(5)).await.unwrap();
    assert_eq!(got.queries, q.queries);
    // A second waiter for the same question that reads nothing: the forgeries never reach
    // it, only the genuine answer does.
    // (one genuine answer per send of the question)
    assert!((1..=MAX_SENDS as usize).contains(&inbox.len()), "{} queued: forgeries among them", inbox.len());
}

#[tokio::test]
async fn silence_is_a_timeout_after_resends() {
    let silent = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let wire = Wire::default();
    let start = Instant::now();
    let got = wire
        .exchange(silent.local_addr().unwrap(), &question("c.test."), start + Duration::from_millis(800))
        .await;
    assert_eq!(got, Err(WireError::Timeout));
    let mut buf = [0u8; 512];
    let mut received = 0;
    while let Ok(Ok(_)) =
        timeout_at(Instant::now() + Duration::from_millis(50), silent.recv_from(&mut buf)).await
    {
        received += 1;
    }
    assert_eq!(received, MAX_SENDS);
}

#[tokio::test]
async fn a_server_where_nothing_listens_is_refused_at_once() {
    let closed = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let wire = Wire::default();
    let start = Instant::now();
    let got = wire.exchange(addr, &question("e.test."), start + Duration::from_secs(5)).await;
    assert_eq!(got, Err(WireError::Refused));
    assert!(start.elapsed() < RESEND_AFTER, "known at once, not after a resend: {:?}", start.elapsed());
    assert!(WireError::Refused.words().starts_with("refused"));
}

#[tokio::test]
async fn a_nameservers_socket_closes_when_its_last_question_ends() {
    let addr = serve(0, wrong_id).await;
    let wire = Wire::default();
    wire.exchange(addr, &question("f.test."), Instant::now() + Duration::from_secs(5)).await.unwrap();
    assert!(lock(&wire.socks).get(&addr).is_some_and(|w| w.upgrade().is_none()));
    assert!(lock(&wire.kept).is_none());
}
