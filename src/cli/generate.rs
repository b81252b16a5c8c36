//! `mtasts generate`: the policy, DNS records, or hosting configuration for one or more domains.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use clap::Args;

use crate::store::Store;
use mtasts_core::rfc::{DomainName, MAX_MAX_AGE, Mode, MxPattern, Policy, PolicyId, RuaUri};
use mtasts_core::rollout::{DomainState, TESTING_MAX_AGE};
use mtasts_core::sanitize::sanitize;
use mtasts_core::snippet::{self, Options, Site, Target};

/// Largest `--domain-file` read.
const DOMAIN_FILE_CAP: u64 = 1024 * 1024;

/// Arguments of `mtasts generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// policy, dns, nginx, apache, caddy, headers, worker, worker-multi or wrangler (needs --out).
    #[arg(long, value_name = "T")]
    pub target: Target,
    /// The domain(s); worker-multi and wrangler take several (none: every tracked domain on
    /// the shared Worker, path C).
    #[arg(value_name = "DOMAIN")]
    pub domains: Vec<String>,
    /// An MX host or `*.` pattern for the policy (repeat for several).
    #[arg(long, value_name = "HOST")]
    pub mx: Vec<String>,
    /// Policy mode: testing, enforce or none (default: the tracked plan's, else testing).
    #[arg(long)]
    pub mode: Option<String>,
    /// Policy max_age in seconds (default: the tracked plan's, else 86400).
    #[arg(long, value_name = "S")]
    pub max_age: Option<u32>,
    /// Policy id (default: generated from the current time).
    #[arg(long)]
    pub id: Option<String>,
    /// TLS-RPT report URI (mailto: or https:); default mailto:tlsrpt@DOMAIN.
    #[arg(long, value_name = "URI")]
    pub rua: Vec<String>,
    /// File with one domain per line, optionally followed by its MX hosts; `#` starts a comment.
    #[arg(long, value_name = "FILE")]
    pub domain_file: Option<PathBuf>,
    /// Write the artefact into this directory instead of printing it (created if missing;
    /// wrangler writes worker.js and wrangler.jsonc there).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Certificate path for nginx/apache/caddy (default: the tracked domain's, else certbot's
    /// /etc/letsencrypt/live/mta-sts.DOMAIN/fullchain.pem).
    #[arg(long, value_name = "PATH")]
    pub cert: Option<String>,
    /// Private key path for nginx/apache/caddy (default certbot's privkey.pem beside it).
    #[arg(long, value_name = "PATH")]
    pub key: Option<String>,
    /// Directory holding `.well-known/mta-sts.txt` for nginx/apache/caddy (default
    /// /var/www/mta-sts.DOMAIN).
    #[arg(long, value_name = "PATH")]
    pub webroot: Option<String>,
}

/// Runs `generate`: prints the artefact (or writes it with `--out`) and the next steps on stderr.
pub fn run(args: &GenerateArgs, dir: Option<&Path>, now: &jiff::Timestamp) -> Result<ExitCode> {
    let plans = tracked_plans(dir)?;
    let sites = sites(args, &plans, now)?;
    let opts = options(args, &plans, &sites);
    let (files, notes) = snippet::files(args.target, &sites, &opts)?;
    match &args.out {
        Some(dir) => write_files(dir, &files)?,
        None => match files.as_slice() {
            [one] => crate::out!("{}", one.text),
            _ => bail!(
                "the {} target writes {} files; give --out DIR to write them side by side",
                args.target,
                files.len()
            ),
        },
    }
    for note in &notes {
        eprintln!("next: {note}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The flags' paths; each missing one from the tracked plan of a single domain.
fn options(args: &GenerateArgs, plans: &[DomainState], sites: &[Site]) -> Options {
    let saved = match sites {
        [one] => plans.iter().find(|s| s.domain == one.domain).and_then(|s| s.plan.server_paths.clone()),
        _ => None,
    }
    .unwrap_or_default();
    Options {
        cert: args.cert.clone().or(saved.cert),
        key: args.key.clone().or(saved.key),
        webroot: args.webroot.clone().or(saved.webroot),
    }
}

/// Writes `files` into `dir` (created when missing, never through a symbolic link), each
/// atomically (temp file, fsync, rename), in order: a configuration comes last, after the
/// module it names.
fn write_files(dir: &Path, files: &[snippet::File]) -> Result<()> {
    let shown = |p: &Path| sanitize(&p.display().to_string()).into_owned();
    mtasts_fs::refuse_symlink(dir).with_context(|| format!("cannot write into {}", shown(dir)))?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", shown(dir)))?;
    for f in files {
        let path = dir.join(&f.name);
        mtasts_fs::write_atomic(&path, f.text.as_bytes())
            .with_context(|| format!("cannot write {}", shown(&path)))?;
        eprintln!("wrote {}", shown(&path));
    }
    Ok(())
}

/// The tracked plans, when a state directory exists (generate never creates one).
fn tracked_plans(dir: Option<&Path>) -> Result<Vec<DomainState>> {
    let dir = super::state_dir(dir)?;
    if !dir.join("domains").is_dir() {
        return Ok(Vec::new());
    }
    Ok(Store::open(&dir)?.list()?.into_iter().filter_map(|(_, r)| r.ok()).collect())
}

fn sites(args: &GenerateArgs, plans: &[DomainState], now: &jiff::Timestamp) -> Result<Vec<Site>> {
    let mut entries: Vec<(String, Vec<String>)> =
        args.domains.iter().map(|d| (d.clone(), Vec::new())).collect();
    if let Some(path) = &args.domain_file {
        let bytes = super::read_bounded(path, DOMAIN_FILE_CAP)?;
        let text = String::from_utf8(bytes).map_err(|_| anyhow!("{} is not UTF-8 text", path.display()))?;
        entries.extend(parse_domain_file(&text));
    }
    if entries.is_empty() && matches!(args.target, Target::WorkerMulti | Target::Wrangler) {
        entries = shared_worker_domains(plans);
        if entries.is_empty() {
            bail!(
                "no tracked domain is on the shared Worker (path C: `mtasts advance DOMAIN --path \
                 worker-multi`); give DOMAIN... or --domain-file FILE"
            );
        }
    }
    if entries.is_empty() {
        bail!("give a DOMAIN (or --domain-file FILE)");
    }
    let mode = match &args.mode {
        Some(raw) => Some(
            Mode::parse(raw)
                .ok_or_else(|| anyhow!("--mode {:?}: expected testing, enforce or none", sanitize(raw)))?,
        ),
        None => None,
    };
    if let Some(max_age) = args.max_age.filter(|m| *m > MAX_MAX_AGE) {
        bail!("--max-age {max_age}: at most {MAX_MAX_AGE} seconds (about a year) is allowed");
    }
    let id = match &args.id {
        Some(raw) => Some(PolicyId::parse(raw).map_err(|e| anyhow!("--id {:?}: {e}", sanitize(raw)))?),
        None => None,
    };
    let shared_mx = parse_mx(&args.mx)?;
    let shared_rua = args
        .rua
        .iter()
        .map(|r| RuaUri::parse(r).map_err(|e| anyhow!("--rua: {e}")))
        .collect::<Result<Vec<_>>>()?;
    entries
        .into_iter()
        .map(|(name, own_mx)| {
            let domain =
                DomainName::parse(&name).map_err(|e| anyhow!("domain {:?}: {e}", sanitize(&name)))?;
            let plan = plans.iter().find(|s| s.domain == domain).map(|s| &s.plan);
            let mut mx = if own_mx.is_empty() { shared_mx.clone() } else { parse_mx(&own_mx)? };
            if mx.is_empty() {
                mx = plan.map(|p| p.mx.clone()).unwrap_or_default();
            }
            let mode = mode.or(plan.map(|p| p.mode)).unwrap_or(Mode::Testing);
            if mx.is_empty() && mode != Mode::None {
                bail!(
                    "{domain}: give the MX hosts with --mx HOST (a policy in mode {mode} needs at least one)"
                );
            }
            let max_age = args.max_age.or(plan.map(|p| p.max_age)).unwrap_or(TESTING_MAX_AGE);
            let rua = match (shared_rua.is_empty(), plan) {
                (false, _) => shared_rua.clone(),
                (true, Some(p)) => p.rua.clone(),
                (true, None) => vec![RuaUri::default_for(&domain)],
            };
            let id =
                id.clone().or(plan.map(|p| p.id.clone())).unwrap_or_else(|| PolicyId::generate(*now, None));
            Ok(Site { domain, policy: Policy { mode, max_age, mx }, id, rua })
        })
        .collect()
}

/// Every tracked domain on the shared Worker (path C), by name: what `worker-multi` and
/// `wrangler` generate when no domain is named.
fn shared_worker_domains(plans: &[DomainState]) -> Vec<(String, Vec<String>)> {
    plans
        .iter()
        .filter(|s| s.plan.hosting == Some(mtasts_core::rollout::HostingPath::WorkerMulti))
        .map(|s| (s.domain.as_str().to_owned(), Vec::new()))
        .collect()
}

fn parse_mx(raw: &[String]) -> Result<Vec<MxPattern>> {
    raw.iter().map(|m| MxPattern::parse(m).map_err(|e| anyhow!("--mx {:?}: {e}", sanitize(m)))).collect()
}

/// Parses a domain file: `DOMAIN [MX...]` per line, `#` comments, blank lines ignored.
pub fn parse_domain_file(text: &str) -> Vec<(String, Vec<String>)> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .filter_map(|l| {
            let mut words = l.split_whitespace().map(str::to_owned);
            words.next().map(|d| (d, words.collect()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_the_paths_saved_for_a_tracked_domain() {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            args: GenerateArgs,
        }
        let now = jiff::Timestamp::from_second(1_800_000_000).unwrap();
        let d = DomainName::parse("example.com").unwrap();
        let mut state = mtasts_core::rollout::new_domain(d.clone(), vec![], vec![], None, now);
        state.plan.server_paths =
            Some(Options { cert: Some("/srv/c.pem".into()), webroot: Some("/srv/www".into()), key: None });
        let cli = Cli::parse_from(["x", "--target", "nginx", "example.com", "--webroot", "/flag/www"]);
        let one = [Site { domain: d, policy: state.plan.policy(), id: state.plan.id.clone(), rua: vec![] }];
        let o = options(&cli.args, std::slice::from_ref(&state), &one);
        assert_eq!(
            (o.cert.as_deref(), o.key.as_deref(), o.webroot.as_deref()),
            (Some("/srv/c.pem"), None, Some("/flag/www"))
        );
        let two = [one[0].clone(), one[0].clone()];
        assert_eq!(options(&cli.args, &[state], &two).cert, None, "saved paths are per domain");
    }

    #[test]
    fn domain_file_lines_with_comments_and_own_mx() {
        let parsed = parse_domain_file("# fleet\na.example mx1.a.example *.b.example\n\n b.example # note\n");
        assert_eq!(
            parsed,
            vec![
                ("a.example".to_owned(), vec!["mx1.a.example".to_owned(), "*.b.example".to_owned()]),
                ("b.example".to_owned(), vec![]),
            ]
        );
    }
}
