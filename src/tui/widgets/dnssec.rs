//! The DNSSEC step on the records screen: the chain as the last check saw it (DNSKEY, DS at
//! the parent, validation) and the steps that move it on, for the DNS host in use.

use ratatui::text::{Line, Span};

use crate::tui::app::App;
use crate::tui::hints::keyed;
use crate::tui::keymap::Action;
use crate::tui::theme::{self, Theme};
use mtasts_core::evidence::Evidence;
use mtasts_core::judge::dnssec_step::{self, Stage};
use mtasts_core::sanitize::sanitize;

/// The step's lines: `None` evidence means no check ran this session.
pub fn section(app: &App, t: &Theme, ev: Option<&Evidence>, busy: bool) -> Vec<Line<'static>> {
    let heading = |mark: &str, words: &str, style| {
        Line::from(vec![Span::styled(" DNSSEC: ", t.title()), Span::styled(format!("{mark} {words}"), style)])
    };
    let Some(ev) = ev else {
        let words = match keyed(app, Action::Recheck, "checks") {
            _ if busy => "checking…".to_owned(),
            Some(k) => format!("not known until a check this session ({k})"),
            None => "not known until a check this session".to_owned(),
        };
        return vec![heading(theme::TODO, &words, t.dim())];
    };
    let Some(chain) = ev.dnssec_chain.as_ref() else {
        return vec![heading(theme::TODO, "the last check did not ask", t.dim())];
    };
    let stage = dnssec_step::stage(chain);
    let (mark, style) = match stage {
        Stage::Secure => (theme::OK, t.ok()),
        Stage::Bogus => (theme::BAD, t.bad()),
        Stage::DsMissing => (theme::WARN, t.warn()),
        Stage::Unsigned | Stage::Indeterminate => (theme::TODO, t.dim()),
    };
    let mut lines = vec![heading(mark, stage.words(), style)];
    for (what, value) in dnssec_step::rows(ev.domain.as_str(), chain) {
        lines.push(Line::from(vec![
            Span::styled(format!("   {what:<28} "), t.dim()),
            Span::raw(sanitize(&value).into_owned()),
        ]));
    }
    let signed = match dnssec_step::answers_validated(ev) {
        Some(true) => "validated",
        Some(false) => "not validated",
        None => "not known (the lookup failed)",
    };
    lines.push(Line::from(vec![
        Span::styled(format!("   {:<28} ", "the _mta-sts answer"), t.dim()),
        Span::raw(signed),
    ]));
    let cloudflare = dnssec_step::on_cloudflare(ev);
    let title = if cloudflare { " what to do (your nameservers are Cloudflare's):" } else { " what to do:" };
    lines.push(Line::from(Span::styled(title, t.dim())));
    for (i, step) in dnssec_step::steps(stage, cloudflare).into_iter().enumerate() {
        lines.push(Line::from(Span::raw(format!("   {}. {step}", i + 1))));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use mtasts_core::evidence::{DnssecChain, DnssecProof, Lookup};
    use mtasts_core::judge::fixtures::healthy;

    /// A wizard on example.com's records screen (where r checks).
    fn app() -> App {
        crate::tui::fixtures::domain_app(
            crate::tui::fixtures::state(mtasts_core::rollout::Phase::Records, 0, None),
            None,
        )
    }

    fn text(lines: &[Line<'static>]) -> String {
        lines.iter().map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect::<String>() + "\n").collect()
    }

    #[test]
    fn a_missing_ds_shows_the_chain_and_the_registrar_step() {
        let mut ev = healthy("testing");
        ev.dnssec_chain = Some(DnssecChain::counted(Lookup::Found(2), Lookup::NoData, DnssecProof::Insecure));
        let out = text(&section(&app(), &Theme::new(false), Some(&ev), false));
        assert!(out.contains("no DS at the parent"), "{out}");
        assert!(out.contains("DNSKEY at example.com"), "{out}");
        assert!(out.contains("2 records"), "{out}");
        assert!(out.contains("DS at the parent (com)"), "{out}");
        assert!(out.contains("at your registrar"), "{out}");
    }

    #[test]
    fn without_a_check_it_says_how_to_get_one() {
        let out = text(&section(&app(), &Theme::new(false), None, false));
        assert!(out.contains("r checks"), "{out}");
        let busy = text(&section(&app(), &Theme::new(false), None, true));
        assert!(busy.contains("checking"), "{busy}");
    }
}
