//! Paths B and C on Cloudflare: the hosting screen's `U` writes the generated wrangler project
//! into the state directory (`wrangler/DOMAIN/`) and runs `wrangler deploy` there, and the
//! wizard shows wrangler's output. Offered only when `wrangler` is installed and
//! `CLOUDFLARE_API_TOKEN` is set (the front end decides and hands a [`Wrangler`] in).

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::effects::Runtime;
use super::msg::Msg;
use mtasts_core::rfc::DomainName;
use mtasts_core::sanitize::sanitize;
use mtasts_core::snippet::File;

/// Most output kept from wrangler.
const MAX_OUTPUT: u64 = 256 * 1024;
/// How long a deploy may take.
const DEADLINE: Duration = Duration::from_secs(300);
/// Lines of output shown.
const SHOWN_LINES: usize = 30;

/// How to run wrangler.
#[derive(Debug, Clone)]
pub struct Wrangler {
    /// The `wrangler` executable.
    pub bin: PathBuf,
    /// Its arguments (`deploy`; the tests add `--dry-run`).
    pub args: Vec<String>,
    /// Extra environment (the tests give wrangler a private home).
    pub env: Vec<(String, String)>,
}

fn run(w: &Wrangler, dir: &std::path::Path) -> Result<(bool, String), String> {
    let mut child = Command::new(&w.bin)
        .args(&w.args)
        .envs(w.env.iter().map(|(k, v)| (k, v)))
        .env("NO_COLOR", "1")
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", sanitize(&w.bin.display().to_string())))?;
    let (out, err) = (child.stdout.take(), child.stderr.take());
    let read = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(p) = pipe {
                let _ = p.take(MAX_OUTPUT).read_to_string(&mut text);
            }
            text
        })
    };
    let (out, err) = (read(out.map(|p| Box::new(p) as _)), read(err.map(|p| Box::new(p) as _)));
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().map_err(|e| e.to_string())? {
            break s;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("wrangler deploy took longer than {} s and was stopped", DEADLINE.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let text = format!("{}{}", out.join().unwrap_or_default(), err.join().unwrap_or_default());
    Ok((status.success(), text))
}

impl Runtime {
    /// Writes `files` into `<state-dir>/wrangler/DOMAIN/` and runs wrangler there.
    pub fn wrangler_deploy(&self, domain: DomainName, files: &[File]) -> Msg {
        let Some(w) = &self.wrangler else {
            return Msg::Deployed(
                domain,
                Err("wrangler is not installed, or CLOUDFLARE_API_TOKEN is not set".into()),
            );
        };
        let base = self.store.domains_dir().parent().unwrap_or(self.store.domains_dir());
        let dir = base.join("wrangler").join(domain.as_str());
        let result = std::fs::create_dir_all(&dir)
            .map_err(|e| e.to_string())
            .and_then(|()| {
                files.iter().try_for_each(|f| {
                    mtasts_fs::write_atomic(&dir.join(&f.name), f.text.as_bytes()).map_err(|e| e.to_string())
                })
            })
            .and_then(|()| run(w, &dir))
            .map(|(ok, text)| {
                let token = std::env::var("CLOUDFLARE_API_TOKEN").ok().filter(|t| t.len() >= 8);
                let text = match token {
                    Some(t) => text.replace(&t, "***"),
                    None => text,
                };
                let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
                let mut shown = vec![format!(
                    "{} in {}:",
                    if ok { "wrangler deploy finished" } else { "wrangler deploy FAILED" },
                    sanitize(&dir.display().to_string())
                )];
                shown.extend(
                    lines[lines.len().saturating_sub(SHOWN_LINES)..]
                        .iter()
                        .map(|l| format!("  {}", sanitize(l))),
                );
                shown
            });
        Msg::Deployed(domain, result.map_err(|e| sanitize(&e).into_owned()))
    }
}
