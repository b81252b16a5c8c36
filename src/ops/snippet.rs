//! From a tracked domain's plan to snippet input: the one place the CLI and the wizard turn a
//! chosen hosting path into the text to deploy.

use mtasts_core::rollout::{DomainState, HostingPath};
use mtasts_core::snippet::{Options, Site, Snippet, SnippetError, Target, generate};

/// The snippet target of a hosting path.
pub fn target(p: HostingPath) -> Target {
    match p {
        HostingPath::Nginx => Target::Nginx,
        HostingPath::Apache => Target::Apache,
        HostingPath::Caddy => Target::Caddy,
        HostingPath::StaticHeaders => Target::Headers,
        HostingPath::Worker => Target::Worker,
        HostingPath::WorkerMulti => Target::WorkerMulti,
    }
}

/// A tracked domain's plan as one site of a snippet.
pub fn site(s: &DomainState) -> Site {
    Site { domain: s.domain.clone(), policy: s.plan.policy(), id: s.plan.id.clone(), rua: s.plan.rua.clone() }
}

/// The target and sites for `state`'s chosen path (`None` until one is chosen). The shared
/// Worker serves every domain in `tracked` that chose it, `state` last.
pub fn snippet_input<'a>(
    state: &DomainState,
    tracked: impl IntoIterator<Item = &'a DomainState>,
) -> Option<(Target, Vec<Site>)> {
    let path = state.plan.hosting?;
    let mut sites: Vec<Site> = Vec::new();
    if path == HostingPath::WorkerMulti {
        sites.extend(
            tracked
                .into_iter()
                .filter(|o| o.plan.hosting == Some(HostingPath::WorkerMulti) && o.domain != state.domain)
                .map(site),
        );
    }
    sites.push(site(state));
    Some((target(path), sites))
}

/// The snippet for `state`'s chosen path (see [`snippet_input`]).
pub fn snippet_for<'a>(
    state: &DomainState,
    tracked: impl IntoIterator<Item = &'a DomainState>,
) -> Option<Result<Snippet, SnippetError>> {
    let (target, sites) = snippet_input(state, tracked)?;
    Some(generate(target, &sites, &options(state)))
}

/// The web server paths saved in `state`'s plan (the defaults when none were edited).
pub fn options(state: &DomainState) -> Options {
    state.plan.server_paths.clone().unwrap_or_default()
}
