//! (h) checkdmarc (PyPI) on the fleet of (g), offline: `-- --checkdmarc PYTHON` names a Python
//! with checkdmarc installed; `check/checkdmarc_driver.py` points its DNS, HTTPS and SMTP at
//! the lab on loopback (nothing leaves it). Both tools check every domain of (g) once after a
//! warm-up run of mtasts; the figure is checkdmarc's wall time over mtasts's, with checkdmarc's
//! MX STARTTLS test on (`--check-mx-tls`, as mtasts always probes STARTTLS) and off.

use std::path::Path;
use std::process::Command;

use mtasts_lab::Lab;

/// checkdmarc's wall time for `names` (as it reports it), `mx_tls` with its STARTTLS test.
fn checkdmarc(python: &str, lab: &Lab, ca: &Path, mx_tls: bool, names: &[String]) -> Option<(f64, String)> {
    let driver = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/check/checkdmarc_driver.py");
    let out = Command::new(python)
        .arg(driver)
        .args([lab.dns_addr.port(), lab.https_port, lab.smtp_port].map(|p| p.to_string()))
        .arg(ca)
        .arg(if mx_tls { "1" } else { "0" })
        .args(names)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let line = text.lines().find(|l| l.starts_with("checkdmarc_seconds="))?.to_owned();
    let secs = line.split_whitespace().next()?.strip_prefix("checkdmarc_seconds=")?.parse().ok()?;
    if !out.status.success() || std::env::var_os("CHECKDMARC_DUMP").is_some() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    }
    Some((secs, line))
}

/// Runs (h) with `python`.
pub fn report(rt: &tokio::runtime::Runtime, python: &str) {
    let lab_rt = super::lab_runtime();
    let (s, _) = super::dead_ns::scenario();
    let lab = lab_rt.block_on(Lab::start(&s, jiff::Timestamp::now())).unwrap();
    let names = super::domains(&s);
    let dir = tempfile_dir();
    let ca = dir.join("lab-ca.pem");
    std::fs::write(&ca, &lab.ca_pem).unwrap();
    super::floor::check(rt, &lab, &names);
    let (mtasts, _) = super::floor::check(rt, &lab, &names);
    let texts: Vec<String> = names.iter().map(|n| n.as_str().to_owned()).collect();
    for mx_tls in [true, false] {
        let label = if mx_tls { "with --check-mx-tls" } else { "without its MX TLS test" };
        match checkdmarc(python, &lab, &ca, mx_tls, &texts) {
            Some((secs, line)) => println!(
                "(h) {} domains: mtasts {:.0} ms; checkdmarc {label} {:.0} ms ({line}); checkdmarc / mtasts {:.1}x",
                names.len(),
                super::ms(mtasts),
                secs * 1000.0,
                secs / mtasts.as_secs_f64(),
            ),
            None => println!("(h) checkdmarc {label} did not run with {python} (is checkdmarc installed?)"),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A fresh directory for the CA file.
fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mtasts-bench-checkdmarc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
