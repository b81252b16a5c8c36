//! The one line a screen that needs DNS changes shows about publishing them: the key that
//! publishes through the domain's provider (read from the keymap), or how to set one.

use ratatui::text::{Line, Span};

use crate::tui::keymap::{Action, key_for};
use crate::tui::theme::Theme;
use mtasts_core::rollout::DomainState;
use mtasts_core::sanitize::sanitize;

/// The publishing line for `state`.
pub fn line(t: &Theme, state: &DomainState) -> Line<'static> {
    match &state.dns {
        Some(setup) => {
            let kind = setup.provider().map(|p| p.kind()).unwrap_or("the provider");
            Line::from(vec![
                Span::styled(format!(" {} ", key_for(Action::PublishDns)), t.accent()),
                Span::raw(format!("publishes through {kind}: a diff first, then one update")),
            ])
        }
        None => Line::from(Span::styled(
            format!(
                " Publish from here once a DNS provider is set: mtasts dns {} URL",
                sanitize(state.domain.as_str())
            ),
            t.dim(),
        )),
    }
}
