//! The policy fetch: one GET over HTTPS to the addresses our own resolver found, redirects
//! recorded and never followed, the body read incrementally up to 64 KiB + 1 bytes.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::{Instant, timeout_at};

use super::tls::{CertSlot, TrustStores};
use mtasts_core::evidence::{FetchOutcome, NOTABLE_HEADERS, PolicyFetch};
use mtasts_core::rfc::MAX_POLICY_BYTES;

/// What the fetch calls itself: a plain program name, as MTAs send, never a browser's
/// User-Agent. A policy host behind bot protection must serve this request, not a challenge.
pub(crate) const USER_AGENT: &str = concat!("mtasts/", env!("CARGO_PKG_VERSION"));

/// Fetches `url` from `host` at `addrs` on `port`.
pub(crate) async fn fetch_policy(
    host: &str,
    url: &str,
    addrs: &[IpAddr],
    port: u16,
    step: Duration,
    deadline: Instant,
    stores: Result<Arc<TrustStores>, String>,
) -> PolicyFetch {
    let mut fetch = PolicyFetch::unattempted(url.to_owned(), FetchOutcome::Response);
    let slot = CertSlot::default();
    let until = (Instant::now() + step).min(deadline);
    let result = match stores {
        Ok(stores) => timeout_at(until, request(&mut fetch, host, addrs, port, step, &stores, &slot)).await,
        Err(error) => Ok(Err(FetchOutcome::Other { error })),
    };
    fetch.outcome = match result {
        Err(_) => FetchOutcome::Timeout,
        Ok(Ok(())) => FetchOutcome::Response,
        Ok(Err(outcome)) => outcome,
    };
    fetch.cert = slot.lock().ok().and_then(|mut s| s.take());
    fetch
}

async fn request(
    fetch: &mut PolicyFetch,
    host: &str,
    addrs: &[IpAddr],
    port: u16,
    step: Duration,
    stores: &Arc<TrustStores>,
    slot: &CertSlot,
) -> Result<(), FetchOutcome> {
    let other = |error: String| FetchOutcome::Other { error };
    // The caller owns the slot, so a timeout still leaves the certificate seen so far.
    let config =
        stores.client_config(&[b"h2", b"http/1.1"], slot.clone()).map_err(|e| other(e.to_string()))?;
    let targets: Vec<SocketAddr> = addrs.iter().map(|ip| SocketAddr::new(*ip, port)).collect();
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(config)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .resolve_to_addrs(host, &targets)
        .connect_timeout(step)
        .timeout(step)
        .pool_max_idle_per_host(0)
        .user_agent(USER_AGENT)
        .build()
        .map_err(|e| other(error_chain(&e)))?;
    let mut resp = client.get(fetch.url.as_str()).send().await.map_err(|e| classify(&e))?;
    let header = |name: reqwest::header::HeaderName| {
        resp.headers().get(name).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    fetch.status = Some(resp.status().as_u16());
    fetch.content_type = header(reqwest::header::CONTENT_TYPE);
    fetch.location = header(reqwest::header::LOCATION);
    fetch.content_length = resp.content_length();
    fetch.headers = notable_headers(resp.headers());
    let mut body = Vec::new();
    // Like a sender, refuse an announced oversize body at once instead of waiting for it.
    if fetch.content_length.is_some_and(|n| n > MAX_POLICY_BYTES as u64) {
        fetch.too_large = true;
        fetch.body = Some(body);
        return Ok(());
    }
    while let Some(chunk) = resp.chunk().await.map_err(|e| classify(&e))? {
        let room = MAX_POLICY_BYTES + 1 - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() > MAX_POLICY_BYTES {
            fetch.too_large = true;
            break;
        }
    }
    fetch.body = Some(body);
    Ok(())
}

/// The [`NOTABLE_HEADERS`] of a response (first value of each), bounded.
fn notable_headers(headers: &reqwest::header::HeaderMap) -> BTreeMap<String, String> {
    const MAX_VALUE: usize = 256;
    NOTABLE_HEADERS
        .iter()
        .filter_map(|name| {
            let value = headers.get(*name)?.as_bytes();
            let value = &value[..value.len().min(MAX_VALUE)];
            Some(((*name).to_owned(), String::from_utf8_lossy(value).into_owned()))
        })
        .collect()
}

fn classify(e: &reqwest::Error) -> FetchOutcome {
    if e.is_timeout() {
        FetchOutcome::Timeout
    } else if e.is_connect() {
        FetchOutcome::Connect { error: error_chain(e) }
    } else {
        FetchOutcome::Other { error: error_chain(e) }
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fetch_looks_like_an_mta_not_a_browser() {
        assert!(USER_AGENT.starts_with("mtasts/"));
        assert!(!USER_AGENT.contains("Mozilla"));
    }

    #[test]
    fn notable_headers_are_kept_bounded_and_others_dropped() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("cf-mitigated", "challenge".parse().unwrap());
        h.insert("server", "x".repeat(1000).parse().unwrap());
        h.insert("set-cookie", "a=b".parse().unwrap());
        let kept = notable_headers(&h);
        assert_eq!(kept.get("cf-mitigated").map(String::as_str), Some("challenge"));
        assert_eq!(kept.get("server").map(String::len), Some(256));
        assert_eq!(kept.len(), 2);
    }
}
