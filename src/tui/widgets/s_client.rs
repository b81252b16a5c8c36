//! The `openssl s_client -starttls smtp` view of one probed MX address, under its row on the
//! preflight screen: chain, issuer, expiry, SAN match, protocol and cipher.

use ratatui::text::Line;

use crate::tui::theme::Theme;
use mtasts_core::evidence::SmtpEvidence;
use mtasts_core::judge::starttls::s_client_facts;

/// The indented detail lines for `p` at `now`.
pub fn lines(t: &Theme, p: &SmtpEvidence, now: jiff::Timestamp) -> Vec<Line<'static>> {
    super::evidence::fact_lines(t, s_client_facts(p, now), 6)
}
