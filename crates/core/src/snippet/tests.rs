use super::*;
use crate::rfc::{Mode, MxPattern};

pub(super) fn site(domain: &str) -> Site {
    let d = DomainName::parse(domain).unwrap();
    Site {
        policy: Policy {
            mode: Mode::Testing,
            max_age: 604_800,
            mx: vec![
                MxPattern::parse(&format!("mail.{d}")).unwrap(),
                MxPattern::parse("*.mx.example.net").unwrap(),
            ],
        },
        id: PolicyId::parse("20261129T081500").unwrap(),
        rua: vec![
            RuaUri::parse(&format!("mailto:tlsrpt@{d}")).unwrap(),
            RuaUri::parse("https://reports.example.net/v1/tlsrpt").unwrap(),
        ],
        domain: d,
    }
}

/// Text, file name and notes together, so a snapshot shows everything the user gets.
fn show(s: &Snippet) -> String {
    let mut out = format!("==> {} <==\n{}\n--- notes\n", s.file_name, s.text);
    for n in &s.notes {
        out.push_str(&format!("- {n}\n"));
    }
    out
}

#[test]
fn snapshots_of_every_target() {
    let one = [site("example.com")];
    let three = [site("example.com"), site("example.org"), site("xn--bcher-kva.example")];
    for target in Target::ALL {
        let sites: &[Site] =
            if matches!(target, Target::WorkerMulti | Target::Wrangler) { &three } else { &one };
        let snip = generate(target, sites, &Options::default()).unwrap();
        assert!(!snip.text.contains("{{"), "{target}: unfilled placeholder\n{}", snip.text);
        assert!(!snip.notes.is_empty(), "{target}: no notes");
        insta::assert_snapshot!(target.as_str(), show(&snip));
    }
}

#[test]
fn policy_target_is_the_canonical_body_with_crlf() {
    let s = site("example.com");
    let snip = generate(Target::Policy, std::slice::from_ref(&s), &Options::default()).unwrap();
    assert_eq!(snip.text, s.policy.render());
    assert!(snip.text.ends_with("max_age: 604800\r\n"));
    assert_eq!(snip.file_name, "mta-sts.txt");
}

#[test]
fn target_names_round_trip() {
    for t in Target::ALL {
        assert_eq!(t.as_str().parse::<Target>().unwrap(), t);
    }
    assert_eq!("Worker-Multi".parse::<Target>().unwrap(), Target::WorkerMulti);
    let err = "iis".parse::<Target>().unwrap_err();
    assert!(err.to_string().contains("worker-multi"), "{err}");
}

#[test]
fn single_site_targets_need_exactly_one() {
    let two = [site("example.com"), site("example.org")];
    let err = generate(Target::Nginx, &two, &Options::default()).unwrap_err();
    assert_eq!(err, SnippetError::OneSite { target: Target::Nginx, count: 2 });
    assert!(err.to_string().contains("worker-multi"));
    assert!(matches!(
        generate(Target::Dns, &[], &Options::default()),
        Err(SnippetError::OneSite { count: 0, .. })
    ));
    assert_eq!(generate(Target::WorkerMulti, &[], &Options::default()), Err(SnippetError::NoSites));
    let dup = [site("example.com"), site("example.org"), site("EXAMPLE.com")];
    assert_eq!(
        generate(Target::WorkerMulti, &dup, &Options::default()),
        Err(SnippetError::DuplicateSite(DomainName::parse("example.com").unwrap()))
    );
    let single = generate(Target::WorkerMulti, &two[..1], &Options::default()).unwrap();
    assert!(single.text.contains("\"mta-sts.example.com\""));
}

#[test]
fn paths_are_validated() {
    let one = [site("example.com")];
    for (bad, why) in [
        ("relative/path", "absolute"),
        ("/etc/ssl/a b.pem", "' '"),
        ("/etc/ssl/a;b.pem", "';'"),
        ("/etc/ssl/a}b", "'}'"),
        ("/etc/ssl/$x", "'$'"),
        ("/etc/ssl/\"x", "'\"'"),
        ("/etc/ssl/x\ny", "'\\n'"),
        ("/etc/../shadow", "'..'"),
    ] {
        let opts = Options { key: Some(bad.into()), ..Options::default() };
        let err = generate(Target::Nginx, &one, &opts).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, SnippetError::BadPath { option: "key", .. }), "{bad}");
        assert!(msg.contains(why), "{bad}: {msg}");
    }
}

#[test]
fn options_override_the_defaults() {
    let one = [site("example.com")];
    let opts = Options {
        cert: Some("/srv/tls/chain.pem".into()),
        key: Some("/srv/tls/key.pem".into()),
        webroot: Some("/srv/mta-sts/".into()),
    };
    for target in [Target::Nginx, Target::Apache, Target::Caddy] {
        let text = generate(target, &one, &opts).unwrap().text;
        assert!(text.contains("/srv/tls/chain.pem"), "{target}");
        assert!(text.contains("/srv/tls/key.pem"), "{target}");
        assert!(text.contains("/srv/mta-sts") && !text.contains("/srv/mta-sts/"), "{target}");
        assert!(!text.contains("/etc/ssl"), "{target}");
    }
    let caddy = generate(Target::Caddy, &one, &opts).unwrap().text;
    assert!(caddy.contains("\ttls /srv/tls/chain.pem /srv/tls/key.pem\n"));
    let half = Options { cert: Some("/srv/tls/chain.pem".into()), ..Options::default() };
    assert_eq!(generate(Target::Caddy, &one, &half), Err(SnippetError::CaddyCertPair));
    let nginx = generate(Target::Nginx, &one, &half).unwrap().text;
    assert!(nginx.contains("ssl_certificate_key /etc/letsencrypt/live/mta-sts.example.com/privkey.pem;"));
}

#[test]
fn nginx_defaults_to_certbot_and_explains_the_short_cache() {
    let one = [site("example.com")];
    let nginx = generate(Target::Nginx, &one, &Options::default()).unwrap().text;
    assert!(nginx.contains("ssl_certificate     /etc/letsencrypt/live/mta-sts.example.com/fullchain.pem;"));
    for target in [Target::Nginx, Target::Apache, Target::Caddy, Target::Headers, Target::Worker] {
        let text = generate(target, &one, &Options::default()).unwrap().text;
        assert!(text.contains("max-age=300"), "{target}");
        assert!(text.contains("old policy") || text.contains("store it under the new id"), "{target}: why");
    }
}

#[test]
fn the_certificate_step_names_the_certbot_command_of_the_snippets_comment() {
    let one = [site("example.com")];
    let certbot = |text: &str| -> Vec<String> {
        text.split("certbot certonly")
            .skip(1)
            .map(|rest| {
                let cmd: String = rest.split([')', '(']).next().unwrap_or_default().trim().to_owned();
                format!("certbot certonly {cmd}")
            })
            .collect()
    };
    for (target, flag) in [(Target::Nginx, "--nginx"), (Target::Apache, "--apache")] {
        let s = generate(target, &one, &Options::default()).unwrap();
        let said = certbot(&s.text);
        let told: Vec<String> = s.notes.iter().flat_map(|n| certbot(n)).collect();
        let want = format!("certbot certonly {flag} -d mta-sts.example.com");
        assert_eq!((said, told), (vec![want.clone()], vec![want]), "{target}");
    }
    let paths =
        Options { cert: Some("/srv/c.pem".into()), key: Some("/srv/k.pem".into()), ..Options::default() };
    let caddy = generate(Target::Caddy, &one, &paths).unwrap();
    assert!(
        caddy.notes.iter().all(|n| !n.contains("certbot")),
        "Caddy has no certbot plugin: {:?}",
        caddy.notes
    );
}

#[test]
fn server_paths_parse_from_one_line_and_keep_defaults_implicit() {
    let d = DomainName::parse("example.com").unwrap();
    let defaults = Options::default().resolved(&d).unwrap().join(" ");
    assert_eq!(Options::parse_triple(&defaults, &d).unwrap(), Options::default());
    let o = Options::parse_triple(" /srv/c.pem  /srv/k.pem /var/www/mta-sts.example.com ", &d).unwrap();
    assert_eq!((o.cert.as_deref(), o.webroot.as_deref()), (Some("/srv/c.pem"), None));
    assert!(Options::parse_triple("/a /b", &d).unwrap_err().to_string().contains("three paths"));
    assert!(matches!(
        Options::parse_triple("/a /b; /c", &d),
        Err(SnippetError::BadPath { option: "key", .. })
    ));
    let json = serde_json::to_string(&o).unwrap();
    assert_eq!(json, r#"{"cert":"/srv/c.pem","key":"/srv/k.pem"}"#);
    assert_eq!(serde_json::from_str::<Options>("{}").unwrap(), Options::default());
}

#[test]
fn wrangler_files_are_the_module_then_its_configuration() {
    let one = [site("example.com")];
    let (f, notes) = files(Target::Wrangler, &one, &Options::default()).unwrap();
    let names: Vec<&str> = f.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["worker.js", "wrangler.jsonc"]);
    assert_eq!(f[0].text, generate(Target::Worker, &one, &Options::default()).unwrap().text);
    assert!(f[1].text.contains("\"main\": \"worker.js\""), "{}", f[1].text);
    assert!(notes.iter().any(|n| n.contains("npx wrangler deploy")));
    let three = [site("example.com"), site("example.org"), site("xn--bcher-kva.example")];
    let (f, _) = files(Target::Wrangler, &three, &Options::default()).unwrap();
    assert_eq!(f[0].text, generate(Target::WorkerMulti, &three, &Options::default()).unwrap().text);
    for s in &three {
        assert!(f[1].text.contains(&format!("\"pattern\": \"{}\"", s.domain.policy_host())));
    }
    assert_eq!(files(Target::Wrangler, &[], &Options::default()), Err(SnippetError::NoSites));
    let (f, _) = files(Target::Nginx, &one, &Options::default()).unwrap();
    assert_eq!(f.len(), 1);
}

#[test]
fn dns_defaults_rua_and_splits_long_values() {
    let mut s = site("example.com");
    s.rua.clear();
    let snip = generate(Target::Dns, std::slice::from_ref(&s), &Options::default()).unwrap();
    assert!(
        snip.text
            .contains("_smtp._tls.example.com. 3600 IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@example.com\"\n")
    );
    assert!(snip.notes.iter().any(|n| n.contains("mailbox exists")));
    s.rua = (0..12)
        .map(|i| RuaUri::parse(&format!("https://reports{i}.example.net/tls-reporting/v1")).unwrap())
        .collect();
    let text = generate(Target::Dns, &[s], &Options::default()).unwrap().text;
    let line = text.lines().find(|l| l.starts_with("_smtp._tls")).unwrap();
    let quoted = line.split_once("TXT ").unwrap().1;
    let parts: Vec<&str> = quoted.split("\" \"").collect();
    assert!(parts.len() >= 2, "{line}");
    let joined: String = parts.concat().trim_matches('"').to_owned();
    assert!(joined.starts_with("v=TLSRPTv1; rua=https://reports0."));
    assert!(parts.iter().all(|p| p.trim_matches('"').len() <= 255));
}
