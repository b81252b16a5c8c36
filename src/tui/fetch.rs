//! The wizard's IMAP fetch: the same [`mtasts_reports::imap::fetch`] as `reports fetch`, with
//! the secret typed in the wizard (masked) or from the same environment variables, the probe's
//! trust anchors and timeouts,
//! and progress as [`ImportCounts`] (`fetch: 12 of 40 messages, 9 new reports`).

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};

use super::app::{ImportCounts, Msg};
use super::effects::Runtime;
use super::secret::Typed;
use mtasts_core::sanitize::sanitize;
use mtasts_reports::imap::{FetchEvent, FetchLimits, FetchRequest, ImapUrl, Secret, fetch};
use mtasts_reports::{Outcome, ReportStore};

/// How many outcome lines the fetch note shows.
const FETCH_LINES: usize = 12;

impl Runtime {
    fn fetch_request(&self, url: &str, typed: Option<Typed>) -> Result<FetchRequest, String> {
        let url = ImapUrl::parse(url).map_err(|e| e.to_string())?;
        let secret = match typed {
            Some(t) => t.to_secret(),
            None => Secret::from_default_env(|k| std::env::var(k).ok()).map_err(|e| e.to_string())?,
        };
        Ok(FetchRequest {
            url,
            secret,
            insecure_plain: false,
            move_to: None,
            limits: FetchLimits::default(),
            anchors: self.probe.extra_anchors().to_vec(),
            connect_timeout: self.probe.connect_timeout(),
            step_timeout: self.probe.overall_timeout(),
            dkim: self.probe.dkim(),
        })
    }

    /// Fetches from the mailbox at `url` with the typed secret (else the environment's),
    /// handing the running counts to `progress` after every message and stopping after the
    /// message being handled once `cancel` is set.
    pub async fn fetch_with(
        &self,
        url: &str,
        secret: Option<Typed>,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(&ImportCounts),
    ) -> Msg {
        let err = |e: String| Msg::Imported(Err(sanitize(&e).into_owned()));
        let req = match self.fetch_request(url, secret) {
            Ok(r) => r,
            Err(e) => return err(e),
        };
        let dir = self.store.domains_dir().parent().unwrap_or(self.store.domains_dir()).to_owned();
        let clock = self.clock;
        let store = match ReportStore::open(&dir) {
            Ok(s) => s.with_clock(std::sync::Arc::new(move || clock.now())),
            Err(e) => return err(e.to_string()),
        };
        let mut c = ImportCounts { fetch: true, ..ImportCounts::default() };
        let mut each = |event: FetchEvent| {
            match event {
                FetchEvent::Selected { to_fetch, .. } => c.total_files = Some(to_fetch),
                FetchEvent::Message { outcomes, .. } => {
                    c.files += 1;
                    for o in &outcomes {
                        match &o.outcome {
                            Outcome::Imported { domains, .. } => {
                                c.imported += 1;
                                c.count_domains(domains);
                            }
                            Outcome::Duplicate { .. } => c.duplicate += 1,
                            Outcome::Rejected { .. } | Outcome::Failed { .. } => c.rejected += 1,
                            Outcome::Ignored { .. } => c.ignored += 1,
                        }
                        if c.lines.len() < FETCH_LINES {
                            c.lines.push(sanitize(&o.to_string()).into_owned());
                        }
                    }
                }
            }
            c.cancelled = cancel.load(Ordering::Relaxed);
            progress(&c);
            if c.cancelled { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
        };
        match fetch(&req, &store, &dir, &mut each).await {
            Ok(summary) => {
                if summary.waiting > 0 {
                    c.lines.push(format!("{} more messages wait for the next fetch", summary.waiting));
                }
                Msg::Imported(Ok(c))
            }
            Err(e) => err(e.to_string()),
        }
    }
}
