//! The one line a screen that needs DNS changes shows about publishing them: the key that
//! publishes through the domain's provider (read from the keymap), or how to set one.

use ratatui::text::{Line, Span};

use crate::tui::app::App;
use crate::tui::hints::hint;
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use mtasts_core::rollout::DomainState;
use mtasts_core::sanitize::sanitize;

/// The publishing line for `state`.
pub fn line(app: &App, t: &Theme, state: &DomainState) -> Line<'static> {
    match (&state.dns, hint(app, Action::PublishDns)) {
        (Some(setup), Some(key)) => {
            let kind = setup.provider().map(|p| p.kind()).unwrap_or("the provider");
            Line::from(vec![
                Span::styled(format!(" {key} "), t.accent()),
                Span::raw(format!("publishes through {kind}: a diff first, then one update")),
            ])
        }
        (Some(_), None) => Line::from(Span::styled(
            " Publishing through the DNS provider opens from the current phase's screen",
            t.dim(),
        )),
        (None, _) => Line::from(Span::styled(
            format!(
                " Publish from here once a DNS provider is set: mtasts dns {} URL",
                sanitize(state.domain.as_str())
            ),
            t.dim(),
        )),
    }
}
