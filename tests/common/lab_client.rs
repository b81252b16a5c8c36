//! Independent clients for the lab's servers: a hickory resolver that asks only the lab's DNS
//! server, and an HTTPS client that trusts only the lab's CA.

use std::time::Duration;

use hickory_proto::rr::RData;
use hickory_resolver::TokioResolver;
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use mtasts_lab::Lab;

/// A new resolver each time (so nothing is cached between lookups), over UDP and TCP.
pub fn resolver(lab: &Lab) -> TokioResolver {
    let mut udp = ConnectionConfig::udp();
    udp.port = lab.dns_addr.port();
    let mut tcp = ConnectionConfig::tcp();
    tcp.port = lab.dns_addr.port();
    let ns = NameServerConfig::new(lab.dns_addr.ip(), true, vec![udp, tcp]);
    let config = ResolverConfig::from_name_servers(vec![ns]);
    TokioResolver::builder_with_config(config, TokioRuntimeProvider::default()).build().unwrap()
}

/// The strings of one TXT record, in order.
pub fn txt_strings(rdata: &RData) -> Vec<String> {
    match rdata {
        RData::TXT(t) => t.txt_data.iter().map(|s| String::from_utf8_lossy(s).into_owned()).collect(),
        other => panic!("not TXT: {other:?}"),
    }
}

/// The MX records at `name` (a fully qualified name) as `(preference, exchange)`, sorted.
pub async fn mx_records(lab: &Lab, name: &str) -> Vec<(u16, String)> {
    let answer = resolver(lab).mx_lookup(name).await.unwrap();
    let mut got: Vec<(u16, String)> = answer
        .answers()
        .iter()
        .map(|rec| match &rec.data {
            RData::MX(m) => (m.preference, m.exchange.to_ascii()),
            other => panic!("{other:?}"),
        })
        .collect();
    got.sort();
    got
}

/// An HTTPS client that resolves `host` to the lab, trusts only the lab's CA and never follows
/// a redirect; 10 s per request.
pub fn https_client(lab: &Lab, host: &str) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(lab.ca_pem.as_bytes()).unwrap();
    reqwest::Client::builder()
        .tls_certs_only([ca])
        .resolve(host, lab.https_addr())
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// GET of `domain`'s policy URL on the lab's HTTPS server.
pub async fn fetch_policy(lab: &Lab, domain: &str) -> Result<reqwest::Response, reqwest::Error> {
    let host = format!("mta-sts.{domain}");
    let url = format!("https://{host}:{}/.well-known/mta-sts.txt", lab.https_port);
    https_client(lab, &host).get(url).send().await
}
