//! Web server and static-host targets: nginx, Apache, Caddy and `_headers`.

use super::template::fill;
use super::{Checked, Site, Snippet, SnippetError};

const NGINX: &str = include_str!("../../../../assets/snippets/nginx.conf");
const APACHE: &str = include_str!("../../../../assets/snippets/apache.conf");
const CADDY: &str = include_str!("../../../../assets/snippets/Caddyfile");
const HEADERS: &str = include_str!("../../../../assets/snippets/_headers");

/// Values shared by the server templates.
struct Vars {
    domain: String,
    host: String,
    cert: String,
    key: String,
    webroot: String,
}

impl Vars {
    fn new(site: &Site, opts: &Checked<'_>) -> Self {
        let d = &site.domain;
        Self {
            domain: d.to_string(),
            host: d.policy_host(),
            cert: opts.cert(d),
            key: opts.key(d),
            webroot: opts.webroot(d),
        }
    }

    fn fill(&self, template: &str, tls: &str) -> String {
        fill(
            template,
            &[
                ("DOMAIN", &self.domain),
                ("HOST", &self.host),
                ("CERT", &self.cert),
                ("KEY", &self.key),
                ("WEBROOT", &self.webroot),
                ("TLS", tls),
            ],
        )
    }

    fn policy_file(&self) -> String {
        format!("{}/.well-known/mta-sts.txt", self.webroot)
    }

    /// The steps every server snippet shares. `cert`: how the certificate is obtained — the
    /// certbot plugin the template's comment names (`--nginx`), or `""` for a certificate
    /// from elsewhere; `None` when the server obtains it itself.
    fn common_notes(&self, cert: Option<&str>) -> Vec<String> {
        let mut notes = vec![
            format!("Write the policy file (mta-sts.txt, the policy target) to {}.", self.policy_file()),
            format!(
                "Point {} at this server in DNS (A/AAAA or CNAME) and keep port 443 reachable.",
                self.host
            ),
        ];
        match cert {
            Some("") => notes.push(format!(
                "Install a certificate valid for {} at {} (key {}) and renew it automatically: \
                 senders refuse an expired one; reload the server after each renewal.",
                self.host, self.cert, self.key
            )),
            Some(plugin) => notes.push(format!(
                "Install a certificate valid for {} at {} (key {}), e.g. with certbot certonly {plugin} \
                 -d {} (the default paths are certbot's), and renew it automatically: senders refuse \
                 an expired one. certbot renew --dry-run tests the renewal; a --deploy-hook reloads \
                 the server after each one.",
                self.host, self.cert, self.key, self.host
            )),
            None => {}
        }
        notes
    }
}

pub(super) fn nginx(site: &Site, opts: &Checked<'_>) -> Snippet {
    let v = Vars::new(site, opts);
    let mut notes = v.common_notes(Some("--nginx"));
    notes.push(format!(
        "Save this as /etc/nginx/sites-available/{}.conf, link it into sites-enabled, then run \
         nginx -t && systemctl reload nginx.",
        v.host
    ));
    Snippet { text: v.fill(NGINX, ""), file_name: format!("{}.conf", v.host), notes }
}

pub(super) fn apache(site: &Site, opts: &Checked<'_>) -> Snippet {
    let v = Vars::new(site, opts);
    let mut notes = v.common_notes(Some("--apache"));
    notes.push(format!(
        "Save this as /etc/apache2/sites-available/{}.conf, run a2enmod ssl headers alias and \
         a2ensite {}, then apache2ctl configtest && systemctl reload apache2.",
        v.host, v.host
    ));
    Snippet { text: v.fill(APACHE, ""), file_name: format!("{}.conf", v.host), notes }
}

pub(super) fn caddy(site: &Site, opts: &Checked<'_>) -> Result<Snippet, SnippetError> {
    let v = Vars::new(site, opts);
    let (tls, mut notes) = match (opts.cert, opts.key) {
        (Some(cert), Some(key)) => (format!("\ttls {cert} {key}\n"), v.common_notes(Some(""))),
        (None, None) => {
            let mut notes = v.common_notes(None);
            notes.push(format!(
                "Caddy obtains and renews the certificate for {} itself once DNS points here and \
                 ports 80 and 443 are reachable.",
                v.host
            ));
            (String::new(), notes)
        }
        _ => return Err(SnippetError::CaddyCertPair),
    };
    notes.push(
        "Add this block to your Caddyfile (or import it), then run caddy validate and caddy reload.".into(),
    );
    Ok(Snippet { text: v.fill(CADDY, &tls), file_name: format!("{}.caddy", v.host), notes })
}

pub(super) fn headers(site: &Site) -> Snippet {
    let d = &site.domain;
    let host = d.policy_host();
    let text = fill(HEADERS, &[("DOMAIN", d.as_str()), ("HOST", &host)]);
    let notes = vec![
        format!(
            "Create a site for {host} and put the policy file (mta-sts.txt, the policy target) at \
             .well-known/mta-sts.txt in the published output: static/.well-known/mta-sts.txt for \
             Hugo, public/.well-known/mta-sts.txt for most other generators (Vite, Next.js export, \
             Astro, Eleventy's passthrough)."
        ),
        "Put this _headers file at the root of the published output (next to index.html; \
         in Hugo: static/_headers, elsewhere public/_headers)."
            .into(),
        "GitHub Pages runs Jekyll, which skips folders starting with a dot: add an empty \
         .nojekyll file, or include: [\".well-known\"] in _config.yml. GitHub Pages ignores \
         _headers, but serves .txt as text/plain."
            .into(),
        "Single-page-app fallbacks (/* /index.html 200) answer unknown paths with 200 and HTML: \
         make sure the policy file really exists so the fallback never serves it."
            .into(),
        format!(
            "Redirect rules (www, trailing slash, HTTPS-to-other-host, CDN page rules) must exclude \
             /.well-known/mta-sts.txt on {host}: senders do not follow redirects."
        ),
        format!("Attach {host} as a custom domain with HTTPS, then re-check {d}."),
    ];
    Snippet { text, file_name: "_headers".into(), notes }
}
