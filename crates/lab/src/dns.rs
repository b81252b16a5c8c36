//! The lab's authoritative DNS server: the [`Zones`] it serves from, UDP and TCP on one port,
//! and the extra nameservers beside it.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hickory_server::Server;
use tokio::net::{TcpListener, UdpSocket};
use tokio::task::JoinHandle;

use super::LabError;
use super::authority::Authority;
use super::catalog::{ExtraTxt, catalog};
use super::dnssec::Signing;
use super::nameservers;
use super::scenario::Scenario;
use super::zones::{Delayed, Zones};

pub(super) struct Dns {
    pub addr: SocketAddr,
    pub task: JoinHandle<()>,
    pub zones: Arc<Zones>,
    /// The extra (stale and lame) nameservers.
    pub extra_tasks: Vec<JoinHandle<()>>,
}

async fn bind() -> Result<(UdpSocket, TcpListener), LabError> {
    let mut last = None;
    for _ in 0..20 {
        let udp = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let port = udp.local_addr()?.port();
        match TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await {
            Ok(tcp) => return Ok((udp, tcp)),
            Err(e) => last = Some(e),
        }
    }
    Err(last.map_or_else(|| LabError::Dns("no free port".into()), LabError::Io))
}

pub(super) async fn start(
    s: &Scenario,
    mx_addrs: &BTreeMap<String, Ipv4Addr>,
    signing: Signing,
) -> Result<Dns, LabError> {
    let auth = Arc::new(Authority::new(s, signing));
    let served = catalog(s, mx_addrs, &ExtraTxt::new(), &auth)?;
    let (udp, tcp) = bind().await?;
    let addr = udp.local_addr()?;
    let build = |view: &Scenario| catalog(view, mx_addrs, &ExtraTxt::new(), &auth);
    let (stale, extra_tasks) = nameservers::start(s, &auth, addr.port(), build).await?;
    let zones = Arc::new(Zones::new(served, auth.clone(), stale));
    let delay = Duration::from_millis(s.dns_latency_ms);
    let mut server = Server::new(Delayed::new(zones.clone(), delay));
    server.register_socket(udp);
    server.register_listener(tcp, Duration::from_secs(5), 32);
    let task = tokio::spawn(async move {
        let _ = server.block_until_done().await;
    });
    Ok(Dns { addr, task, zones, extra_tasks })
}
