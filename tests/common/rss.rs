//! Peak resident memory and CPU time of a child process, read from `/proc/<pid>/status`
//! (`VmHWM`, the high-water mark: exact for a process still running) and `/proc/<pid>/stat`.
//! A process that exits by itself is sampled every 2 ms until it does, and killed as soon as
//! it passes the bound, so a case that would take gigabytes costs the machine only the bound.

use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The bound of the intake cases of issue 24: 256 MiB of peak RSS.
pub const LIMIT_KIB: u64 = 256 * 1024;

/// `VmHWM` of a running process, in KiB.
pub fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User plus system CPU time of a running process, in clock ticks (1/100 s on Linux).
pub fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces; the fields after it are plain numbers.
    let after = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// One finished (or stopped) run.
#[derive(Debug)]
pub struct Measured {
    /// How it ended (`None` when it was killed).
    pub status: Option<ExitStatus>,
    /// Standard output, as text.
    pub stdout: String,
    /// Standard error, as text.
    pub stderr: String,
    /// The highest `VmHWM` seen, in KiB.
    pub peak_kib: u64,
    /// Killed because the peak passed the bound.
    pub over_bound: bool,
    /// Killed because it ran past the deadline.
    pub timed_out: bool,
}

/// Runs `cmd` to its end, sampling its peak RSS; kills it once the peak passes `limit_kib`
/// or after `deadline`.
pub fn run_measured(cmd: &mut Command, limit_kib: u64, deadline: Duration) -> Measured {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let pid = child.id();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let stdout = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        String::from_utf8_lossy(&s).into_owned()
    });
    let stderr = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        String::from_utf8_lossy(&s).into_owned()
    });
    let started = Instant::now();
    let (mut peak, mut over_bound, mut timed_out) = (0, false, false);
    let status = loop {
        if let Some(kib) = vm_hwm_kib(pid) {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        over_bound = peak > limit_kib;
        timed_out = started.elapsed() > deadline;
        if over_bound || timed_out {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    Measured {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
        peak_kib: peak,
        over_bound,
        timed_out,
    }
}

impl Measured {
    /// Fails unless the run ended by itself within the bound; prints the peak for the record.
    pub fn assert_within(&self, case: &str, limit_kib: u64) {
        eprintln!("{case}: peak RSS {:.1} MiB", self.peak_kib as f64 / 1024.0);
        assert!(
            !self.over_bound && self.peak_kib <= limit_kib,
            "{case}: peak RSS {} KiB passed {limit_kib} KiB (killed there)\n{}{}",
            self.peak_kib,
            self.stdout,
            self.stderr
        );
        assert!(!self.timed_out, "{case}: still running at the deadline\n{}{}", self.stdout, self.stderr);
    }
}
