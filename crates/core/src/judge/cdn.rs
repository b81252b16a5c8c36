//! CDN and static-host traps: a bot challenge served instead of the policy, and a static
//! host whose build dropped `.well-known`. Recognised from the response headers the probe
//! keeps and a bounded look at the start of the body.

use crate::evidence::PolicyFetch;
use crate::finding::{Code, Finding, Severity};

/// How much of the body is looked at for challenge markers.
const SNIFF_BYTES: usize = 16 * 1024;

/// Markers of challenge pages (lower case) and who serves them.
const BODY_MARKERS: &[(&str, &str)] = &[
    ("/cdn-cgi/challenge-platform/", "Cloudflare"),
    ("<title>just a moment...</title>", "Cloudflare"),
    ("attention required! | cloudflare", "Cloudflare"),
    ("enable javascript and cookies to continue", "a bot-protection service"),
    ("checking your browser before accessing", "a bot-protection service"),
    ("awswafintegration", "AWS WAF"),
    ("sucuri website firewall", "Sucuri"),
    ("vercel security checkpoint", "Vercel"),
];

/// Who challenged the fetch and how it showed, when the response is a bot challenge.
pub(crate) fn challenge(fetch: &PolicyFetch) -> Option<String> {
    let header = |name: &str| fetch.headers.get(name).map(|v| v.trim().to_ascii_lowercase());
    if header("cf-mitigated").as_deref() == Some("challenge") {
        return Some("Cloudflare answered with a challenge (cf-mitigated: challenge)".to_owned());
    }
    if let Some(action) = header("x-amzn-waf-action").filter(|a| a == "challenge" || a == "captcha") {
        return Some(format!("AWS WAF answered with a {action} (x-amzn-waf-action: {action})"));
    }
    if header("x-vercel-mitigated").as_deref() == Some("challenge") {
        return Some("Vercel answered with a challenge (x-vercel-mitigated: challenge)".to_owned());
    }
    let media = fetch.content_type.as_deref().unwrap_or("").to_ascii_lowercase();
    if fetch.status == Some(200) && !media.contains("html") {
        return None;
    }
    let body = fetch.body.as_deref().unwrap_or_default();
    let head = String::from_utf8_lossy(&body[..body.len().min(SNIFF_BYTES)]).to_ascii_lowercase();
    let (marker, who) = BODY_MARKERS.iter().find(|(m, _)| head.contains(m))?;
    Some(format!("{who} answered with a challenge page (the body contains {marker:?})"))
}

/// The finding for a challenge, with the rule that lets senders through.
pub(crate) fn challenge_finding(fetch: &PolicyFetch, host: &str, what: &str) -> Finding {
    let status = fetch.status.map(|s| format!("HTTP {s}: ")).unwrap_or_default();
    Finding::new(
        Code::PolicyBotChallenge,
        Severity::Error,
        fetch.url.as_str(),
        format!(
            "{status}{what}. Browsers pass, but sending servers are programs that cannot solve a \
             challenge, so to them the domain has no policy"
        ),
        format!(
            "exempt the policy from bot protection: add a rule that skips the challenge (and any \
             bot-fight, rate-limit or WAF managed rule) when the host is {host} and the path is \
             /.well-known/mta-sts.txt (Cloudflare: a WAF custom rule with action Skip; if the zone uses \
             Bot Fight Mode, which cannot be skipped per path, serve the policy from a Worker or a host \
             outside it), then re-check"
        ),
    )
}

/// True when a 404 comes from GitHub Pages (its `Server` header, request id or error page).
pub(crate) fn github_pages_404(fetch: &PolicyFetch) -> bool {
    if fetch.status != Some(404) {
        return false;
    }
    let server = fetch.headers.get("server").is_some_and(|s| s.trim().eq_ignore_ascii_case("github.com"));
    let body = fetch.body.as_deref().unwrap_or_default();
    let page = String::from_utf8_lossy(&body[..body.len().min(SNIFF_BYTES)]).contains("GitHub Pages");
    server || fetch.headers.contains_key("x-github-request-id") || page
}

/// The fix for a GitHub Pages site that does not publish `.well-known`.
pub(crate) fn github_pages_fix(url: &str) -> String {
    format!(
        "GitHub Pages builds the site with Jekyll, which leaves out folders starting with a dot such as \
         .well-known: add an empty file named .nojekyll at the root of the published branch (or add \
         `include: [\".well-known\"]` to _config.yml), push, and check that {url} answers 200"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::fixtures::fetch;

    fn page(status: u16, ctype: &str, body: &str) -> PolicyFetch {
        let mut f = fetch(body);
        f.status = Some(status);
        f.content_type = Some(ctype.to_owned());
        f
    }

    #[test]
    fn challenge_header_is_recognised_whatever_the_status() {
        let mut f = page(403, "text/html", "<html>hello</html>");
        f.headers.insert("cf-mitigated".into(), "Challenge".into());
        assert!(challenge(&f).is_some_and(|w| w.contains("cf-mitigated: challenge")));
        let mut aws = page(202, "text/html", "");
        aws.headers.insert("x-amzn-waf-action".into(), "captcha".into());
        assert!(challenge(&aws).is_some_and(|w| w.starts_with("AWS WAF")));
    }

    #[test]
    fn challenge_pages_are_sniffed_but_a_plain_policy_is_not() {
        let js = page(503, "text/html", "<html><title>Just a moment...</title></html>");
        assert!(challenge(&js).is_some_and(|w| w.contains("Cloudflare")));
        let policy = page(200, "text/plain", "version: STSv1\r\n<title>just a moment...</title>\r\n");
        assert_eq!(challenge(&policy), None);
        assert_eq!(challenge(&page(404, "text/html", "<h1>404 Not Found</h1>")), None);
        let late = format!("{}<title>Just a moment...</title>", " ".repeat(SNIFF_BYTES));
        assert_eq!(challenge(&page(403, "text/html", &late)), None, "only the first 16 KiB are read");
    }

    #[test]
    fn github_pages_404_is_recognised_by_header_or_page() {
        let mut f = page(404, "text/html", "<h1>404</h1>");
        assert!(!github_pages_404(&f));
        f.headers.insert("server".into(), "GitHub.com".into());
        assert!(github_pages_404(&f));
        assert!(github_pages_404(&page(404, "text/html", "Page not found &middot; GitHub Pages")));
        assert!(!github_pages_404(&page(403, "text/html", "GitHub Pages")));
        assert!(github_pages_fix("https://mta-sts.x.example/.well-known/mta-sts.txt").contains(".nojekyll"));
    }
}
