//! What `reports serve` admits, decided before any byte of a request is read: connections
//! (in total and per client address), request bodies held in memory (a global byte budget),
//! requests per address per minute; plus the back-off when `accept` fails (out of file
//! descriptors) and the one log line that counts the connections closed unserved.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Requests accepted per client address per minute; more get 429.
pub const PER_MINUTE: u32 = 30;
/// Connections served at once from one client address (IPv6: one /64); more are closed at
/// once, before TLS.
pub const PER_ADDRESS: usize = 8;
/// Most connections served at once, whatever the descriptor limit.
pub const MAX_CONNECTIONS: usize = 256;
/// Most connections at once that only get a 503 because all others are taken.
pub const MAX_BUSY: usize = 64;
/// Request bodies held in memory at once, together.
pub const BODY_BUDGET: u64 = 16 * 1024 * 1024;
/// Descriptors kept for everything but connections (stdio, the report store, the runtime).
const RESERVED_FDS: u64 = 64;

/// The connection limits of one process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Connections served at once.
    pub connections: usize,
    /// Connections at once that get a 503 when all others are taken.
    pub busy: usize,
    /// Connections served at once from one address.
    pub per_address: usize,
    /// Request body bytes held at once.
    pub body_bytes: u64,
}

impl Limits {
    /// Limits that fit `fds` open descriptors: three quarters of what is left after a reserve
    /// are served, an eighth get a 503, so `accept` never runs out because of connections.
    pub fn for_fds(fds: u64) -> Limits {
        let usable = usize::try_from(fds.saturating_sub(RESERVED_FDS)).unwrap_or(usize::MAX);
        let connections = (usable / 4 * 3).clamp(1, MAX_CONNECTIONS);
        Limits {
            connections,
            busy: (usable / 8).min(MAX_BUSY),
            per_address: PER_ADDRESS.min(connections),
            body_bytes: BODY_BUDGET,
        }
    }
}

/// What a new connection gets.
#[derive(Debug)]
pub enum Admit {
    /// Served; the slot is given back when the ticket is dropped.
    Serve(Ticket),
    /// Every slot is taken: answered 503 with `Retry-After`, nothing read but the head.
    Busy(Ticket),
    /// Closed at once, before TLS (the address has too many connections, or even the 503
    /// slots are taken).
    Refuse,
}

#[derive(Debug, Default)]
struct State {
    serving: usize,
    busy: usize,
    per_address: HashMap<IpAddr, usize>,
    body_bytes: u64,
    minute: HashMap<IpAddr, (Instant, u32)>,
    refused_address: u64,
    refused_full: u64,
}

/// The shared admission state of one receiver.
#[derive(Debug)]
pub struct Gate {
    limits: Limits,
    state: Mutex<State>,
}

/// A connection slot, given back on drop.
#[derive(Debug)]
pub struct Ticket {
    gate: Arc<Gate>,
    key: IpAddr,
    busy: bool,
}

/// Body bytes reserved from the budget, given back on drop.
#[derive(Debug)]
pub struct BodyBytes {
    gate: Arc<Gate>,
    bytes: u64,
}

/// The address limits count: an IPv4 address, or the /64 of an IPv6 address (one host
/// usually has a whole /64).
fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        },
    }
}

impl Gate {
    /// A gate with nothing admitted yet.
    pub fn new(limits: Limits) -> Arc<Gate> {
        Arc::new(Gate { limits, state: Mutex::default() })
    }

    /// The limits it applies.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Decides about a connection from `ip`, before anything is read from it.
    pub fn admit(self: &Arc<Self>, ip: IpAddr) -> Admit {
        let key = client_key(ip);
        let mut st = self.state();
        let from_here = st.per_address.get(&key).copied().unwrap_or(0);
        if from_here >= self.limits.per_address {
            st.refused_address += 1;
            return Admit::Refuse;
        }
        let busy = if st.serving < self.limits.connections {
            st.serving += 1;
            false
        } else if st.busy < self.limits.busy {
            st.busy += 1;
            true
        } else {
            st.refused_full += 1;
            return Admit::Refuse;
        };
        *st.per_address.entry(key).or_insert(0) += 1;
        let ticket = Ticket { gate: self.clone(), key, busy };
        if busy { Admit::Busy(ticket) } else { Admit::Serve(ticket) }
    }

    /// Reserves `bytes` of the body budget; `None` when the budget cannot hold them now.
    pub fn reserve(self: &Arc<Self>, bytes: u64) -> Option<BodyBytes> {
        let mut st = self.state();
        if st.body_bytes + bytes > self.limits.body_bytes {
            return None;
        }
        st.body_bytes += bytes;
        Some(BodyBytes { gate: self.clone(), bytes })
    }

    /// Counts a request from `ip` at `now`; false when it is over [`PER_MINUTE`].
    pub fn within_rate(&self, ip: IpAddr, now: Instant) -> bool {
        let mut st = self.state();
        st.minute.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(60));
        let slot = st.minute.entry(client_key(ip)).or_insert((now, 0));
        slot.1 += 1;
        slot.1 <= PER_MINUTE
    }

    /// The connections closed unserved since the last call, as one log line (`None` when
    /// there were none).
    pub fn take_refusals(&self) -> Option<String> {
        let mut st = self.state();
        let (address, full) = (std::mem::take(&mut st.refused_address), std::mem::take(&mut st.refused_full));
        if address + full == 0 {
            return None;
        }
        let l = self.limits;
        Some(format!(
            "closed {} connection(s) before reading them: {address} from an address that already had {} \
             open, {full} while {} were served and {} more answered 503",
            address + full,
            l.per_address,
            l.connections,
            l.busy
        ))
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut st = self.gate.state();
        if self.busy {
            st.busy = st.busy.saturating_sub(1);
        } else {
            st.serving = st.serving.saturating_sub(1);
        }
        if let Some(n) = st.per_address.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                st.per_address.remove(&self.key);
            }
        }
    }
}

impl Drop for BodyBytes {
    fn drop(&mut self) {
        let mut st = self.gate.state();
        st.body_bytes = st.body_bytes.saturating_sub(self.bytes);
    }
}

/// Whether a failed `accept` says the process is out of something (descriptors, buffers,
/// memory) rather than that one connection went away before it was taken (`ECONNABORTED`).
pub fn out_of_resources(err: &std::io::Error) -> bool {
    // EMFILE, ENFILE, ENOBUFS, ENOMEM on Linux.
    matches!(err.raw_os_error(), Some(24 | 23 | 105 | 12))
}

/// Waiting after `accept` failed for want of resources (file descriptors, most often): 10 ms,
/// doubling up to one second, back to nothing after a success; so the loop never spins.
#[derive(Debug, Default)]
pub struct Backoff {
    delay: Option<Duration>,
    logged: Option<Instant>,
}

impl Backoff {
    /// After a successful `accept`.
    pub fn reset(&mut self) {
        self.delay = None;
    }

    /// After a failed `accept`: how long to wait, and a log line at most every ten seconds.
    pub fn failed(&mut self, err: &std::io::Error, now: Instant) -> (Duration, Option<String>) {
        let delay = self.delay.map_or(Duration::from_millis(10), |d| (d * 2).min(Duration::from_secs(1)));
        self.delay = Some(delay);
        let due = self.logged.is_none_or(|at| now.duration_since(at) >= Duration::from_secs(10));
        let line = due.then(|| {
            self.logged = Some(now);
            format!("cannot accept connections ({err}); waiting up to 1 s between attempts")
        });
        (delay, line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn slots_per_address_and_in_total_then_503_then_refusal() {
        let limits = Limits { connections: 3, busy: 1, per_address: 2, body_bytes: 10 };
        let gate = Gate::new(limits);
        let a1 = gate.admit(ip("10.0.0.1"));
        let a2 = gate.admit(ip("10.0.0.1"));
        assert!(matches!((&a1, &a2), (Admit::Serve(_), Admit::Serve(_))));
        assert!(matches!(gate.admit(ip("10.0.0.1")), Admit::Refuse), "per address");
        let _b = gate.admit(ip("10.0.0.2"));
        assert!(matches!(gate.admit(ip("10.0.0.3")), Admit::Busy(_)), "the slot is free again on drop");
        let busy = gate.admit(ip("10.0.0.3"));
        assert!(matches!(busy, Admit::Busy(_)));
        assert!(matches!(gate.admit(ip("10.0.0.4")), Admit::Refuse));
        drop(a1);
        assert!(matches!(gate.admit(ip("10.0.0.1")), Admit::Serve(_)));
        let line = gate.take_refusals().unwrap();
        assert!(line.starts_with("closed 2 connection(s) before reading them: 1 from an address"), "{line}");
        assert_eq!(gate.take_refusals(), None);
    }

    #[test]
    fn one_ipv6_network_counts_as_one_address_and_bodies_share_one_budget() {
        let gate = Gate::new(Limits { connections: 10, busy: 0, per_address: 1, body_bytes: 10 });
        let _a = gate.admit(ip("2001:db8::1"));
        assert!(matches!(gate.admit(ip("2001:db8::2")), Admit::Refuse));
        assert!(matches!(gate.admit(ip("2001:db8:0:1::1")), Admit::Serve(_)));
        let six = gate.reserve(6).unwrap();
        assert!(gate.reserve(5).is_none());
        drop(six);
        assert!(gate.reserve(10).is_some());
    }

    #[test]
    fn limits_follow_the_descriptor_limit_and_the_backoff_grows_to_a_second() {
        let l = Limits::for_fds(1024);
        assert_eq!((l.connections, l.busy, l.per_address), (256, 64, 8));
        assert!(l.connections + l.busy + 64 < 1024);
        let small = Limits::for_fds(100);
        assert_eq!((small.connections, small.busy), (27, 4));
        let mut b = Backoff::default();
        let err = std::io::Error::from_raw_os_error(24);
        assert!(out_of_resources(&err));
        assert!(!out_of_resources(&std::io::Error::from_raw_os_error(103)), "ECONNABORTED");
        let now = Instant::now();
        let (d, line) = b.failed(&err, now);
        assert_eq!(d, Duration::from_millis(10));
        assert!(line.unwrap().contains("cannot accept connections"));
        let delays: Vec<Duration> = (0..10).map(|_| b.failed(&err, now).0).collect();
        assert_eq!(delays.last(), Some(&Duration::from_secs(1)));
        assert!(b.failed(&err, now).1.is_none(), "logged at most every ten seconds");
    }
}
