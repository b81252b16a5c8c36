//! Hosting: choose how the policy is served, see the snippet (scrollable, coloured), copy or
//! write it, and the exact next step.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::pane::{Ctx, pane};
use crate::ops::snippet::{options, site};
use crate::tui::app::App;
use crate::tui::artefact::{edits_paths, is_worker};
use crate::tui::hints::{hint, keyed};
use crate::tui::keymap::Action;
use crate::tui::theme::{self, Theme};
use crate::tui::widgets::wrap::wrap_all;
use mtasts_core::rfc::{DomainName, Policy};
use mtasts_core::rollout::{DomainState, HostingPath};
use mtasts_core::sanitize::sanitize;
use mtasts_core::snippet::{Options, Target, WRANGLER_HINT, generate};

/// From this width on, the choices sit beside the snippet (which keeps 100 columns).
const SIDE_BY_SIDE: u16 = 160;

const CHOICES: [(&str, &str); 6] = [
    ("A nginx", "you run nginx and can add a server block"),
    ("A Apache", "you run Apache httpd"),
    ("A Caddy", "you run Caddy (it gets the certificate itself)"),
    ("A _headers", "a static host (Netlify, Pages) serving files"),
    ("B Worker", "no web server: one Cloudflare Worker, this domain"),
    ("C shared Worker", "one Worker for every tracked domain that picks C"),
];

/// Each path's advice in full, in the order of [`CHOICES`]: what it takes and what it gives,
/// shown while choosing (whatever the screen's height) and above the chosen path's snippet.
const ADVICE: [&str; 6] = [
    "you run nginx: a server block for the mta-sts host serves the file from a webroot over \
     HTTPS; you need a certificate for that host (certbot's paths by default, editable here) \
     renewed automatically.",
    "you run Apache httpd: a VirtualHost for the mta-sts host with SSL on serves the file; the \
     certificate as for nginx (mod_ssl, mod_headers, mod_alias).",
    "you run Caddy: a site block for the mta-sts host; Caddy obtains and renews the certificate \
     itself once DNS points at it and ports 80 and 443 are reachable.",
    "a static host (Netlify, Cloudflare Pages, GitHub Pages…): publish .well-known/mta-sts.txt \
     and a _headers file that serves it as text/plain; the host issues the certificate for the \
     custom domain.",
    "no web server: one Cloudflare Worker answers for this domain's mta-sts host (its DNS on \
     Cloudflare); paste it in the dashboard or deploy it with wrangler, Cloudflare renews the \
     certificate. A policy change means deploying it again.",
    "many domains: one Worker serves every tracked domain that picks C, each its own policy; \
     one deploy updates them all (their DNS on Cloudflare).",
];

/// The zone-file lines of the two TXT records and what the policy host needs (the
/// snippet's introduction left out).
pub fn zone_lines(s: &DomainState) -> Vec<String> {
    match generate(Target::Dns, &[site(s)], &Options::default()) {
        Ok(sn) => sn
            .text
            .lines()
            .skip_while(|l| l.starts_with(';'))
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect(),
        Err(e) => vec![e.to_string()],
    }
}

/// Draws the hosting screen.
pub fn render(cx: &Ctx, f: &mut Frame, area: Rect) {
    let t = cx.t;
    let chosen = cx.state.plan.hosting.and_then(|h| HostingPath::ALL.iter().position(|x| *x == h));
    // Side by side only when the snippet still gets room for its longest lines.
    let side = area.width >= SIDE_BY_SIDE;
    let compact = !side && area.height < 14;
    let name_w = CHOICES.iter().map(|(n, _)| n.chars().count()).max().unwrap_or(0) + 1;
    let mut list = Vec::new();
    for (i, (name, why)) in CHOICES.iter().enumerate() {
        let here = chosen == Some(i);
        let sym = if here { theme::HERE } else { theme::TODO };
        let style = if here { t.selected() } else { ratatui::style::Style::new() };
        let name = if compact { format!("{sym} {name}") } else { format!("{sym} {name:<name_w$}") };
        let mut spans = vec![Span::styled(format!(" {} ", i + 1), t.accent()), Span::styled(name, style)];
        if !compact {
            spans.push(Span::styled(format!(" {why}"), t.dim()));
        }
        list.push(Line::from(spans));
    }
    if compact {
        list = pack(list, usize::from(area.width));
    }
    let list_h = match () {
        _ if side => area.height,
        _ => u16::try_from(list.len() + 1).unwrap_or(7),
    };
    let areas = if side {
        // A gap column keeps the list and the code apart.
        Layout::horizontal([Constraint::Length(56), Constraint::Length(2), Constraint::Min(20)]).split(area)
    } else {
        Layout::vertical([Constraint::Length(list_h), Constraint::Min(3)]).split(area)
    };
    list.push(Line::from(Span::styled(
        " A = static file, B = Worker (one domain), C = shared Worker",
        t.dim(),
    )));
    let list = if side { wrap_all(&list, areas[0].width) } else { list };
    f.render_widget(Paragraph::new(list), areas[0]);
    snippet_pane(cx, t, f, areas[areas.len() - 1]);
}

/// " 1 nginx — you run nginx: …": one path and its advice.
fn advice_line(t: &Theme, i: usize) -> Line<'static> {
    let (name, _) = CHOICES[i];
    Line::from(vec![
        Span::styled(format!(" {} ", i + 1), t.accent()),
        Span::styled(name.to_owned(), t.title()),
        Span::styled(" — ", t.dim()),
        Span::raw(ADVICE[i]),
    ])
}

/// Whole choices side by side in as few rows as `width` holds, spread evenly (two rows of
/// three at 60 and 80 columns).
fn pack(cells: Vec<Line<'static>>, width: usize) -> Vec<Line<'static>> {
    let join = |group: &[Line<'static>]| {
        let mut spans = Vec::new();
        for (i, cell) in group.iter().enumerate() {
            if i > 0 {
                spans.push(Span::raw(" "));
            }
            spans.extend(cell.spans.iter().cloned());
        }
        Line::from(spans)
    };
    let mut greedy: Vec<Vec<Line<'static>>> = Vec::new();
    for cell in &cells {
        match greedy.last_mut() {
            Some(row) if join(row).width() + 1 + cell.width() <= width => row.push(cell.clone()),
            _ => greedy.push(vec![cell.clone()]),
        }
    }
    let even: Vec<Line<'static>> =
        cells.chunks(cells.len().div_ceil(greedy.len().max(1))).map(join).collect();
    if even.len() == greedy.len() && even.iter().all(|r| r.width() <= width) {
        even
    } else {
        greedy.iter().map(|r| join(r)).collect()
    }
}

/// The policy file as a file: its name and keys, the exact lines, and how it is served.
pub fn policy_file_lines(app: &App, t: &Theme, domain: &DomainName, policy: &Policy) -> Vec<Line<'static>> {
    let keys = [keyed(app, Action::CopyPolicy, "copy"), keyed(app, Action::WritePolicy, "write")];
    let keys: String = keys.into_iter().flatten().map(|k| format!(" · {k}")).collect();
    let mut lines =
        vec![Line::from(vec![Span::styled(" mta-sts.txt", t.title()), Span::styled(keys, t.dim())])];
    for l in policy.render().lines() {
        lines.push(Line::from(Span::styled(format!("  {l}"), t.string())));
    }
    lines.push(Line::from(Span::styled(
        format!(" CRLF line ends; served as text/plain at {}", domain.policy_url()),
        t.dim(),
    )));
    lines
}

/// The chosen path's advice, the policy file and the path's snippet; before a choice, every
/// path's advice.
fn snippet_pane(cx: &Ctx, t: &Theme, f: &mut Frame, area: Rect) {
    let chosen = cx.state.plan.hosting.and_then(|h| HostingPath::ALL.iter().position(|x| *x == h));
    let mut lines = Vec::new();
    match chosen {
        Some(i) => lines.push(advice_line(t, i)),
        None => {
            let keys =
                hint(cx.app, Action::ChooseHosting).map(|k| format!("; {k} chooses one")).unwrap_or_default();
            lines.push(Line::from(Span::styled(
                format!(" Which path? Each serves the same file{keys} and shows its snippet:"),
                t.title(),
            )));
            lines.extend((0..CHOICES.len()).map(|i| advice_line(t, i)));
        }
    }
    if let Some(k) = keyed(cx.app, Action::SharedWorker, "shows them") {
        let fleet = cx.app.shared_worker();
        let (head, style) = if fleet.behind() > 0 {
            (format!(" {} ", theme::BAD), t.bad())
        } else {
            (" ".to_owned(), t.dim())
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{head}{}", fleet.headline()), style),
            Span::styled(format!(" · {k}"), t.accent()),
        ]));
    }
    if !lines.is_empty() {
        lines.push(Line::default());
    }
    lines.extend(policy_file_lines(cx.app, t, &cx.state.domain, &cx.state.plan.policy()));
    lines.push(Line::default());
    let title = match cx.app.snippet(cx.state) {
        None => " choose how to serve the policy ".to_owned(),
        Some(Err(e)) => {
            lines.push(Line::from(Span::styled(format!(" {} {e}", theme::BAD), t.bad())));
            " snippet ".to_owned()
        }
        Some(Ok(s)) => {
            if edits_paths(cx.state)
                && let Ok([cert, key, root]) = options(cx.state).resolved(&cx.state.domain)
            {
                let edits =
                    keyed(cx.app, Action::EditPaths, "edits").map(|k| format!("· {k}")).unwrap_or_default();
                lines
                    .push(Line::from(vec![Span::styled(" paths ", t.title()), Span::styled(edits, t.dim())]));
                let auto = cx.state.plan.hosting == Some(HostingPath::Caddy)
                    && options(cx.state).cert.is_none()
                    && options(cx.state).key.is_none();
                let (cert, key) =
                    if auto { ("Caddy obtains it".into(), "Caddy obtains it".into()) } else { (cert, key) };
                for (what, path) in [("certificate", cert), ("key", key), ("webroot", root)] {
                    lines.push(Line::from(vec![
                        Span::styled(format!("  {what:<12}"), t.dim()),
                        Span::raw(sanitize(&path).into_owned()),
                    ]));
                }
                lines.push(Line::default());
            }
            let keys = [keyed(cx.app, Action::Copy, "copy"), keyed(cx.app, Action::Write, "write")];
            let keys: String = keys.into_iter().flatten().map(|k| format!(" · {k}")).collect();
            lines.push(Line::from(vec![
                Span::styled(format!(" {}", s.file_name), t.title()),
                Span::styled(keys, t.dim()),
            ]));
            lines.extend(s.text.lines().map(|l| highlight(t, l)));
            lines.push(Line::default());
            for n in s.notes.iter().filter(|n| n.as_str() != WRANGLER_HINT) {
                lines.push(Line::from(vec![Span::styled(" next: ", t.accent()), Span::raw(n.clone())]));
            }
            if is_worker(cx.state)
                && let Some(k) = keyed(cx.app, Action::WriteWrangler, "writes")
            {
                lines.push(Line::from(vec![
                    Span::styled(" or: ", t.accent()),
                    Span::raw(format!(
                        "{k} wrangler.jsonc and worker.js into a new folder: npx wrangler deploy there"
                    )),
                ]));
            }
            let recheck =
                keyed(cx.app, Action::Recheck, "re-checks").map(|k| format!("; {k}")).unwrap_or_default();
            lines.push(Line::from(vec![
                Span::styled(" then: ", t.accent()),
                Span::raw(format!(
                    "check https://{}/.well-known/mta-sts.txt serves it as text/plain{recheck}",
                    cx.state.domain.policy_host()
                )),
            ]));
            format!(" mta-sts.txt and {} ", s.file_name)
        }
    };
    let block =
        Block::default().borders(Borders::TOP).border_style(t.border()).title(Span::styled(title, t.dim()));
    let inner = block.inner(area);
    f.render_widget(block, area);
    pane(cx, lines, f, inner);
}

const KEYWORDS: &[&str] = &[
    "server",
    "listen",
    "location",
    "return",
    "add_header",
    "default_type",
    "ssl_certificate",
    "ssl_certificate_key",
    "root",
    "server_name",
    "export",
    "default",
    "async",
    "const",
    "if",
    "fetch",
    "new",
    "Response",
    "Header",
    "header",
    "respond",
    "tls",
    "<VirtualHost",
    "</VirtualHost>",
    "ServerName",
    "SSLEngine",
    "SSLCertificateFile",
    "SSLCertificateKeyFile",
    "Alias",
    "DocumentRoot",
    "<Files",
    "</Files>",
    "ForceType",
    "Redirect",
    "let",
    "function",
];

/// Simple colouring: comments dim, "strings" green, known directives/keywords magenta.
pub fn highlight(t: &Theme, line: &str) -> Line<'static> {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') || trimmed.starts_with("//") || trimmed.starts_with(';') {
        return Line::from(Span::styled(line.to_owned(), t.dim()));
    }
    let quotes_balanced = line.matches('"').count().is_multiple_of(2);
    let mut spans = Vec::new();
    for (i, part) in line.split('"').enumerate() {
        if i > 0 && !quotes_balanced {
            spans.push(Span::raw("\""));
        }
        if i % 2 == 1 && quotes_balanced {
            spans.push(Span::styled(format!("\"{part}\""), t.string()));
            continue;
        }
        words(t, part, &mut spans);
    }
    Line::from(spans)
}

fn words(t: &Theme, part: &str, spans: &mut Vec<Span<'static>>) {
    let mut plain = String::new();
    for word in part
        .split_inclusive(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '{' | '}' | ';' | ',' | '.'))
    {
        let core = word.trim_end_matches(|c: char| {
            c.is_whitespace() || matches!(c, '(' | ')' | '{' | '}' | ';' | ',' | '.')
        });
        if KEYWORDS.contains(&core) {
            if !plain.is_empty() {
                spans.push(Span::raw(std::mem::take(&mut plain)));
            }
            spans.push(Span::styled(core.to_owned(), t.keyword()));
            plain.push_str(&word[core.len()..]);
        } else {
            plain.push_str(word);
        }
    }
    if !plain.is_empty() {
        spans.push(Span::raw(plain));
    }
}
