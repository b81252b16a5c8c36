//! The lab as a validating resolver, as the probes meet one (Unbound, a public resolver): a
//! recursive question (RD set) about a name in a zone whose chain from the lab root is broken
//! is answered SERVFAIL unless it sets CD (RFC 4035 §3.2.2), and one about a name in a zone
//! that validates gets the AD bit when it asks for DNSSEC (DO or AD, RFC 6840 §5.7).
//! Questions to the lab as an authoritative server (RD clear) are answered as they are.

use hickory_server::net::NetError;
use hickory_server::proto::rr::Record;
use hickory_server::server::{Request, ResponseHandler, ResponseInfo};
use hickory_server::zone_handler::MessageResponse;

use super::dnssec::Signing;
use super::scenario::DsState;

/// What a validating resolver does with one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    /// Answer SERVFAIL: validation fails.
    Bogus,
    /// Answer with the AD bit set.
    Secure,
    /// Answer as the zone has it.
    Plain,
}

/// The verdict for `request` under the lab's keys.
pub(super) fn verdict(signing: &Signing, request: &Request) -> Verdict {
    let meta = &request.metadata;
    if !meta.recursion_desired || !signing.active() {
        return Verdict::Plain;
    }
    let Ok(info) = request.request_info() else { return Verdict::Plain };
    match signing.chain_of(&info.query.name().into()) {
        Some(DsState::Wrong) if !meta.checking_disabled => Verdict::Bogus,
        Some(DsState::Published) => {
            let dnssec_ok = request.edns.as_ref().is_some_and(|e| e.flags().dnssec_ok);
            if dnssec_ok || meta.authentic_data { Verdict::Secure } else { Verdict::Plain }
        }
        _ => Verdict::Plain,
    }
}

/// A response handler that sets the AD bit on what it sends.
#[derive(Clone)]
pub(super) struct Authenticated<R>(pub R);

#[async_trait::async_trait]
impl<R: ResponseHandler> ResponseHandler for Authenticated<R> {
    async fn send_response<'a>(
        &mut self,
        mut response: MessageResponse<
            '_,
            'a,
            impl Iterator<Item = &'a Record> + Send + 'a,
            impl Iterator<Item = &'a Record> + Send + 'a,
            impl Iterator<Item = &'a Record> + Send + 'a,
            impl Iterator<Item = &'a Record> + Send + 'a,
        >,
    ) -> Result<ResponseInfo, NetError> {
        response.metadata_mut().authentic_data = true;
        self.0.send_response(response).await
    }
}
