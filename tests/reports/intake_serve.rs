//! `mtasts reports serve` under attack, as a real child process on loopback, its peak RSS read
//! from `/proc/<pid>/status` (bound: 256 MiB): stalled near-4-MiB bodies from many addresses,
//! a thousand idle connections under `ulimit -n 1024`, a full disk (a file size limit), and
//! certificate or key files without end. Clients connect from many addresses of 127.0.0.0/8.

use crate::common;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::rss::{LIMIT_KIB, cpu_ticks, run_measured};
use common::rua::{self, Receiver, Reply, post, post_head, read_reply, report_with_id, sender, tls_from};
use tokio::io::AsyncWriteExt;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

/// Sends the head of a `len`-byte body and all of it but the last byte, then stalls; returns
/// the answer if the receiver gives one before `wait`.
async fn stall(
    rx_addr: std::net::SocketAddr,
    tls: tokio_rustls::TlsConnector,
    from: IpAddr,
    len: usize,
    body: Arc<Vec<u8>>,
    wait: Duration,
) -> Option<Reply> {
    let stream = tls_from(from, rx_addr, &tls).await.ok()?;
    let (mut r, mut w) = tokio::io::split(stream);
    // Both halves live in this task: when it ends or is aborted, the connection closes.
    let write = async move {
        let head = post_head("/tlsrpt", "application/tlsrpt+json", len);
        if w.write_all(head.as_bytes()).await.is_ok() && w.write_all(&body[..len - 1]).await.is_ok() {
            let _ = w.flush().await;
        }
        std::future::pending::<()>().await;
    };
    tokio::select! {
        reply = tokio::time::timeout(wait, read_reply(&mut r)) => reply.ok().and_then(Result::ok),
        () = write => None,
    }
}

/// Stalls `per_address` connections from each of `addresses` senders at once, samples the
/// receiver's peak RSS meanwhile, then drops them all. Returns (replies, peak KiB).
fn stalled_attack(
    rx: &Receiver,
    rt: &tokio::runtime::Runtime,
    addresses: u32,
    per_address: u32,
) -> (Vec<Reply>, u64) {
    let len = 4 * 1024 * 1024 - 1;
    let body = Arc::new(vec![b' '; len]);
    let (addr, tls) = (rx.addr(), rx.connector());
    let pid = rx.child.id();
    rt.block_on(async move {
        let mut tasks = Vec::new();
        for a in 0..addresses {
            for _ in 0..per_address {
                let (tls, body) = (tls.clone(), body.clone());
                tasks.push(tokio::spawn(stall(addr, tls, sender(a), len, body, Duration::from_secs(15))));
            }
        }
        let started = Instant::now();
        let mut peak = 0;
        // The refused and the 503 connections end within seconds, the admitted ones stall; stop
        // early when the bound is passed.
        while started.elapsed() < Duration::from_secs(10) && !tasks.iter().all(|t| t.is_finished()) {
            peak = peak.max(common::rss::vm_hwm_kib(pid).unwrap_or(0));
            if peak > LIMIT_KIB {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        peak = peak.max(common::rss::vm_hwm_kib(pid).unwrap_or(0));
        let mut replies = Vec::new();
        for t in tasks {
            if t.is_finished() {
                if let Ok(Some(r)) = t.await {
                    replies.push(r);
                }
            } else {
                t.abort();
            }
        }
        (replies, peak)
    })
}

#[test]
fn stalled_near_limit_bodies_get_503_and_the_receiver_stays_small() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    let mut rx = rua::start(dir.path(), &[]);
    let rt = runtime();
    for (case, addresses, per_address) in
        [("200 connections", 25, 8), ("700 connections from 28 addresses", 28, 25)]
    {
        let (replies, peak) = stalled_attack(&rx, &rt, addresses, per_address);
        eprintln!("{case}: receiver peak RSS {:.1} MiB", peak as f64 / 1024.0);
        assert!(rx.alive(), "{case}: the receiver died\n{}", rx.log_text());
        assert!(peak <= LIMIT_KIB, "{case}: peak RSS {peak} KiB");
        let busy: Vec<&Reply> = replies.iter().filter(|r| r.status == 503).collect();
        assert!(!busy.is_empty(), "{case}: {replies:?}");
        assert!(busy.iter().all(|r| r.retry_after == Some(60)), "{busy:?}");
        assert!(
            replies.iter().all(|r| r.status == 503),
            "{case}: only 503 while the budget is full: {replies:?}"
        );
    }
    // Once the stalled clients are gone, a sender gets its report in.
    let tls = rx.connector();
    let reply = rt.block_on(async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        post(sender(999), rx.addr(), &tls, "/", "application/tlsrpt+json", &report_with_id("after")).await
    });
    assert_eq!(reply.unwrap().status, 201, "{}", rx.log_text());
    let log = rx.log_text();
    assert!(log.contains("503 the receiver holds 16 MiB of request bodies, its limit"), "{log}");
}

/// The soft and hard `RLIMIT_NOFILE` of this process.
fn own_fd_limits() -> Option<(u64, u64)> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = text.lines().find(|l| l.starts_with("Max open files"))?;
    let mut f = line.trim_start_matches("Max open files").split_whitespace();
    let num =
        |s: Option<&str>| s.and_then(|s| if s == "unlimited" { Some(u64::MAX) } else { s.parse().ok() });
    Some((num(f.next())?, num(f.next())?))
}

#[test]
fn a_thousand_idle_connections_under_ulimit_1024_neither_block_a_sender_nor_burn_cpu() {
    let _processes = crate::starting_processes();
    const IDLE: usize = 1100;
    // This test holds the idle connections itself: it needs more descriptors than 1024.
    if own_fd_limits().is_some_and(|(soft, _)| soft < 1500) {
        let pid = std::process::id().to_string();
        let raised = std::process::Command::new("prlimit").args(["--pid", &pid, "--nofile=4096:"]).status();
        if !raised.is_ok_and(|s| s.success()) || own_fd_limits().is_some_and(|(soft, _)| soft < 1500) {
            eprintln!("SKIPPED: this test needs 1500 open files and cannot raise its limit");
            return;
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let mut rx = rua::start(dir.path(), &["prlimit", "--nofile=1024:1024", "--"]);
    let rt = runtime();
    let addr = rx.addr();
    let idle = rt.block_on(async {
        let mut held = Vec::new();
        for _ in 0..IDLE {
            if let Ok(c) = rua::tcp_from(sender(0), addr).await {
                held.push(c);
            }
        }
        held
    });
    assert!(idle.len() >= 1000, "only {} idle connections opened", idle.len());
    std::thread::sleep(Duration::from_millis(500));
    let pid = rx.child.id();
    let before = cpu_ticks(pid).unwrap();
    std::thread::sleep(Duration::from_secs(5));
    let burned = cpu_ticks(pid).unwrap() - before;
    let tls = rx.connector();
    let reply = rt.block_on(async {
        let report = report_with_id("beside-idle");
        let send = post(sender(1), addr, &tls, "/", "application/tlsrpt+json", &report);
        tokio::time::timeout(Duration::from_secs(20), send).await
    });
    drop(idle);
    eprintln!("receiver CPU while {IDLE} idle connections were open: {burned} ticks in 5 s");
    assert!(rx.alive());
    let reply = reply.expect("the sender got no answer within 20 s").unwrap();
    assert_eq!(reply.status, 201, "{}", rx.log_text());
    assert!(burned < 100, "the receiver used {burned} ticks (1/100 s) of CPU in 5 idle seconds");
    let counted = (0..130).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        rx.log_text().contains("before reading them: ")
    });
    assert!(counted, "the closed connections are counted in one line: {}", rx.log_text());
}

#[test]
fn a_full_disk_is_answered_503_with_retry_after_and_keeps_what_was_stored() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    // A disk with room for small writes only: a small report fits, a large one does not.
    let limit = common::reports::small_writes_only(&dir.path().join("state")).to_string();
    let limited = ["sh", "-c", "trap '' XFSZ; exec prlimit --fsize=\"$0\" -- \"$@\"", &limit];
    let rx = rua::start(dir.path(), &limited);
    let rt = runtime();
    let tls = rx.connector();
    let small = std::fs::read(common::reports::fixtures().join("giant-b.json")).unwrap();
    let large = common::reports::incompressible_report("large", 512 * 1024);
    assert!(small.len() < 1024);
    let send = |path: &str, body: &[u8]| {
        rt.block_on(post(sender(2), rx.addr(), &tls, path, "application/tlsrpt+json", body)).unwrap()
    };
    assert_eq!(send("/", &small).status, 201);
    let reply = send("/tlsrpt?token=s3cret", &large);
    assert_eq!((reply.status, reply.retry_after), (503, Some(60)), "{reply:?}");
    assert!(reply.body.starts_with("not stored, try again later: cannot store: "), "{reply:?}");
    let stored = rx.stored();
    assert_eq!(stored.len(), 1, "the earlier report stays, nothing half-written");
    assert_eq!(stored[0], serde_json::from_slice::<serde_json::Value>(&small).unwrap());
    let log = rx.log_text();
    assert!(log.contains("POST /tlsrpt?token=*** 503"), "{log}");
    assert!(!log.contains("s3cret"), "{log}");
    drop(rx);
    // Space again: the sender's retry is stored.
    let rx = rua::start(dir.path(), &[]);
    let tls = rx.connector();
    let reply =
        rt.block_on(post(sender(2), rx.addr(), &tls, "/", "application/tlsrpt+json", &large)).unwrap();
    assert_eq!(reply.status, 201);
    assert_eq!(rx.stored().len(), 2);
}

#[test]
fn certificate_and_key_files_are_read_bounded() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    rua::write_certificate(dir.path());
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let zero = std::path::Path::new("/dev/zero");
    for (case, cert, key) in
        [("--cert /dev/zero", zero, key.as_path()), ("--key /dev/zero", cert.as_path(), zero)]
    {
        let mut cmd = common::mtasts(&dir.path().join("state"));
        cmd.args(["reports", "serve", "--listen", "127.0.0.1:0", "--cert"]).arg(cert).arg("--key").arg(key);
        let run = run_measured(&mut cmd, LIMIT_KIB, Duration::from_secs(60));
        run.assert_within(case, LIMIT_KIB);
        assert_eq!(run.status.and_then(|s| s.code()), Some(2), "{case}: {}", run.stderr);
        assert!(run.stderr.contains("/dev/zero is larger than 1048576 bytes"), "{case}: {}", run.stderr);
    }
}
