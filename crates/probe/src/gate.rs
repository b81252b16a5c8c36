//! A counting gate with two queues: a waiter on the critical path of a domain (its MX
//! question, the addresses of its MX and policy hosts) is let through before any waiter off
//! it (TXT, DNSSEC, nameserver questions), whatever the order they came in. With a plain FIFO
//! semaphore the last domain of a large run queues its MX question behind every earlier
//! domain's off-path questions, and its slow MX probe starts late (bench (f)). A quarter of
//! the places is kept for critical waiters. Within each class, the waiter of the domain started
//! first goes first ([`ORDER`]), so domains finish roughly in the order given: the first result
//! line comes early and the reorder buffer stays small.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::oneshot;
use tokio::time::{Instant, timeout_at};

/// Whether a waiter is on a domain's critical path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Urgency {
    /// On the chain MX → MX host addresses → SMTP probe, the longest of a domain.
    Critical,
    /// Everything else.
    Normal,
}

tokio::task_local! {
    /// The position of the domain a task works for, in the order the run started them.
    pub(crate) static ORDER: u64;
}

/// A waiter, ordered by its domain's position, then by arrival.
#[derive(Debug)]
struct Waiter {
    key: (u64, u64),
    tx: oneshot::Sender<Permit>,
}

impl PartialEq for Waiter {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for Waiter {}

impl PartialOrd for Waiter {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Waiter {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

type Queue = BinaryHeap<Reverse<Waiter>>;

#[derive(Debug)]
struct State {
    available: usize,
    /// Places only critical waiters may take, so that a burst of off-path questions never
    /// leaves a critical one waiting for a place.
    reserved: usize,
    critical: Queue,
    normal: Queue,
    arrivals: u64,
}

impl State {
    fn admits(&self, urgency: Urgency) -> bool {
        match urgency {
            Urgency::Critical => self.available > 0,
            Urgency::Normal => self.available > self.reserved,
        }
    }

    /// The next waiter to hand a place to, if any may take one now.
    fn next_waiter(&mut self) -> Option<oneshot::Sender<Permit>> {
        let next = if self.admits(Urgency::Critical) && !self.critical.is_empty() {
            self.critical.pop()
        } else if self.admits(Urgency::Normal) {
            self.normal.pop()
        } else {
            None
        };
        let Reverse(waiter) = next?;
        self.available -= 1;
        Some(waiter.tx)
    }
}

/// The gate; cheap to share by reference.
#[derive(Debug)]
pub(crate) struct Gate(Arc<Mutex<State>>);

/// One place through the gate, given back when dropped.
#[derive(Debug)]
pub(crate) struct Permit(Option<Arc<Mutex<State>>>);

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    match state.lock() {
        Ok(s) => s,
        Err(poisoned) => poisoned.into_inner(),
    }
}

impl Gate {
    /// A gate letting `size` (at least 1) waiters through at once, a quarter of the places
    /// kept for critical waiters.
    pub(crate) fn new(size: usize) -> Self {
        let size = size.max(1);
        let reserved = size / 4;
        let state =
            State { available: size, reserved, critical: Queue::new(), normal: Queue::new(), arrivals: 0 };
        Self(Arc::new(Mutex::new(state)))
    }

    /// A place through the gate, critical waiters first; `None` past `deadline`.
    pub(crate) async fn enter(&self, urgency: Urgency, deadline: Instant) -> Option<Permit> {
        let rx = {
            let mut state = lock(&self.0);
            if state.admits(urgency) {
                state.available -= 1;
                return Some(Permit(Some(self.0.clone())));
            }
            let (tx, rx) = oneshot::channel();
            let order = ORDER.try_with(|o| *o).unwrap_or(u64::MAX);
            state.arrivals += 1;
            let waiter = Reverse(Waiter { key: (order, state.arrivals), tx });
            match urgency {
                Urgency::Critical => state.critical.push(waiter),
                Urgency::Normal => state.normal.push(waiter),
            }
            rx
        };
        // A permit sent after the timeout fired is dropped with the receiver, and so given back.
        timeout_at(deadline, rx).await.ok()?.ok()
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let Some(gate) = self.0.take() else { return };
        lock(&gate).available += 1;
        loop {
            let Some(next) = lock(&gate).next_waiter() else { return };
            if let Err(mut unsent) = next.send(Permit(Some(gate.clone()))) {
                // That waiter gave up: take its place back and try the next one.
                drop(unsent.0.take());
                lock(&gate).available += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// The order in which `waiters` (name, urgency, domain position), queued in this order
    /// behind a held place of a one-place gate, pass once it is given back.
    async fn passing_order(waiters: &[(&'static str, Urgency, u64)]) -> Vec<&'static str> {
        let gate = Arc::new(Gate::new(1));
        let far = Instant::now() + Duration::from_secs(5);
        let held = gate.enter(Urgency::Normal, far).await.unwrap();
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for &(name, urgency, position) in waiters {
            let (gate, order) = (gate.clone(), order.clone());
            tasks.push(tokio::spawn(ORDER.scope(position, async move {
                let _p = gate.enter(urgency, far).await.unwrap();
                order.lock().unwrap().push(name);
            })));
            tokio::task::yield_now().await;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        drop(held);
        for t in tasks {
            t.await.unwrap();
        }
        order.lock().unwrap().to_vec()
    }

    #[tokio::test]
    async fn critical_waiters_pass_before_earlier_normal_ones() {
        let waiters = [("normal", Urgency::Normal, 0), ("critical", Urgency::Critical, 9)];
        assert_eq!(passing_order(&waiters).await, ["critical", "normal"]);
    }

    #[tokio::test]
    async fn within_a_class_the_domain_started_first_goes_first() {
        let waiters = [("7", Urgency::Normal, 7), ("3", Urgency::Normal, 3), ("5", Urgency::Normal, 5)];
        assert_eq!(passing_order(&waiters).await, ["3", "5", "7"]);
    }

    #[tokio::test]
    async fn a_quarter_of_the_places_wait_for_critical_waiters() {
        let gate = Gate::new(4);
        let (far, soon) =
            (Instant::now() + Duration::from_secs(5), Instant::now() + Duration::from_millis(10));
        let mut held = Vec::new();
        for _ in 0..3 {
            held.push(gate.enter(Urgency::Normal, far).await.unwrap());
        }
        assert!(gate.enter(Urgency::Normal, soon).await.is_none());
        held.push(gate.enter(Urgency::Critical, soon).await.unwrap());
        assert!(gate.enter(Urgency::Critical, soon).await.is_none());
        drop(held);
        assert_eq!(lock(&gate.0).available, 4);
    }

    #[tokio::test]
    async fn a_waiter_that_gave_up_does_not_lose_the_place() {
        let gate = Gate::new(1);
        let held = gate.enter(Urgency::Normal, Instant::now() + Duration::from_secs(5)).await.unwrap();
        assert!(gate.enter(Urgency::Critical, Instant::now() + Duration::from_millis(10)).await.is_none());
        drop(held);
        let soon = Instant::now() + Duration::from_millis(100);
        let again = gate.enter(Urgency::Normal, soon).await;
        assert!(again.is_some());
        drop(again);
        assert_eq!(lock(&gate.0).available, 1);
    }
}
