//! The catalog being served, behind one lock: publishing builds a whole new catalog and swaps
//! it in, so every query sees either the old or the new content, never a mix; and the request
//! handler that answers from it (after an optional delay, for benchmarks).

use std::collections::BTreeMap;
use std::future::Future;
use std::net::Ipv4Addr;
use std::pin::Pin;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use hickory_server::net::runtime::Time;
use hickory_server::proto::op::{Header, HeaderCounts, MessageType, Metadata, ResponseCode};
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::zone_handler::MessageResponseBuilder;

use super::LabError;
use super::authority::Authority;
use super::catalog::{self, ExtraTxt, Served};
use super::scenario::Scenario;
use super::validating::{Authenticated, Verdict, verdict};

/// The catalog being served, replaced whole on every change, the lab's keys and extra
/// nameservers, and the stale nameservers that follow it only when synced.
pub(super) struct Zones {
    served: RwLock<Arc<Served>>,
    auth: Arc<Authority>,
    stale: Vec<Arc<Zones>>,
}

impl Zones {
    pub(super) fn new(served: Served, auth: Arc<Authority>, stale: Vec<Arc<Zones>>) -> Zones {
        Zones { served: RwLock::new(Arc::new(served)), auth, stale }
    }

    /// Makes every stale nameserver serve what this one serves now.
    pub(super) fn sync_stale(&self) {
        let now = self.current();
        for z in &self.stale {
            *z.served.write().unwrap_or_else(PoisonError::into_inner) = now.clone();
        }
    }

    fn current(&self) -> Arc<Served> {
        self.served.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Serves `catalog` from the next query on.
    pub(super) fn replace(&self, catalog: Served) {
        *self.served.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(catalog);
    }

    /// The whole catalog for a scenario, its MX hosts' addresses and extra TXT records, signed
    /// with the lab's keys.
    pub(super) fn catalog(
        &self,
        s: &Scenario,
        mx_addrs: &BTreeMap<String, Ipv4Addr>,
        extra: &ExtraTxt,
    ) -> Result<Served, LabError> {
        catalog::catalog(s, mx_addrs, extra, &self.auth)
    }

    /// The root's DNSKEY as a trust anchor file, when the lab signs zones.
    pub(super) fn anchor(&self) -> Option<String> {
        self.auth.signing.anchor()
    }
}

/// The current catalog behind an optional delay (for benchmarks with injected latency).
pub(super) struct Delayed {
    zones: Arc<Zones>,
    delay: Duration,
}

impl Delayed {
    pub(super) fn new(zones: Arc<Zones>, delay: Duration) -> Delayed {
        Delayed { zones, delay }
    }
}

// Written out because `RequestHandler` is an `async_trait` and this crate does not depend on it.
impl RequestHandler for Delayed {
    fn handle_request<'life0, 'life1, 'async_trait, R, T>(
        &'life0 self,
        request: &'life1 Request,
        response_handle: R,
    ) -> Pin<Box<dyn Future<Output = ResponseInfo> + Send + 'async_trait>>
    where
        R: ResponseHandler + 'async_trait,
        T: Time + 'async_trait,
        'life0: 'async_trait,
        'life1: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(async move {
            if !self.delay.is_zero() {
                tokio::time::sleep(self.delay).await;
            }
            let served = self.zones.current();
            let catalog = served.answering(request);
            match verdict(&self.zones.auth.signing, request) {
                Verdict::Plain => catalog.handle_request::<R, T>(request, response_handle).await,
                Verdict::Secure => {
                    catalog.handle_request::<_, T>(request, Authenticated(response_handle)).await
                }
                Verdict::Bogus => {
                    let mut handle = response_handle;
                    let response = MessageResponseBuilder::from_message_request(request)
                        .error_msg(&request.metadata, ResponseCode::ServFail);
                    match handle.send_response(response).await {
                        Ok(info) => info,
                        Err(_) => servfail_info(request),
                    }
                }
            }
        })
    }
}

/// What was (or failed to be) sent for a SERVFAIL answer.
fn servfail_info(request: &Request) -> ResponseInfo {
    let mut metadata = Metadata::new(request.metadata.id, MessageType::Response, request.metadata.op_code);
    metadata.response_code = ResponseCode::ServFail;
    ResponseInfo::from(Header { metadata, counts: HeaderCounts::default() })
}
