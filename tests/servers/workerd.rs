//! The generated Workers in Cloudflare's own runtime, workerd (npm package `workerd`; wrangler
//! bundles it, `.ci/run` installs `wrangler@4`): every configured host gets 200 `text/plain`
//! with the exact policy body, other paths and other hosts 404. workerd listens on loopback
//! only and is killed when the test ends (also when it panics).

use crate::common;

use common::cloudflare::{Workerd, workerd};

use mtasts_core::snippet::{Options, Site, Target, files};

const PATH: &str = "/.well-known/mta-sts.txt";

/// Writes the wrangler target's files for `sites` into a temp dir; returns it and `main`.
fn wrangler_files(sites: &[Site]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let (files, _) = files(Target::Wrangler, sites, &Options::default()).unwrap();
    for f in &files {
        std::fs::write(dir.path().join(&f.name), &f.text).unwrap();
    }
    let config = files.iter().find(|f| f.name == mtasts_core::snippet::WRANGLER_CONFIG).unwrap();
    let json: String = config.text.lines().filter(|l| !l.starts_with("//")).collect();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    (dir, v["main"].as_str().unwrap().to_owned())
}

fn assert_serves(w: &Workerd, sites: &[Site]) {
    for site in sites {
        let host = site.domain.policy_host();
        let (status, ctype, body) = w.get("GET", &host, PATH);
        assert_eq!((status, ctype.as_str()), (200, "text/plain; charset=utf-8"), "{host}: {body}");
        assert_eq!(body, site.policy.render(), "{host}: the exact body");
        let (status, _, body) = w.get("HEAD", &format!("{host}:443"), PATH);
        assert_eq!((status, body.as_str()), (200, ""), "{host}: HEAD");
        for other in ["/", "/.well-known/mta-sts.txt/", "/.well-known/MTA-STS.txt", "/robots.txt"] {
            let (status, _, body) = w.get("GET", &host, other);
            assert_eq!(status, 404, "{host}{other}");
            assert!(!body.contains("STSv1"), "{host}{other}: leaked a policy");
        }
    }
    for host in ["mta-sts.example.net", "example.com", "localhost", "127.0.0.1", "__proto__"] {
        let (status, _, body) = w.get("GET", host, PATH);
        assert_eq!(status, 404, "other host {host}");
        assert!(!body.contains("STSv1"), "{host}: leaked a policy");
    }
}

#[test]
fn single_domain_worker_in_workerd() {
    let Some(bin) = workerd() else {
        return;
    };
    let sites = [common::site("example.com")];
    let (dir, main) = wrangler_files(&sites);
    let w = Workerd::start(&bin, dir.path(), &main);
    assert_serves(&w, &sites);
    assert_eq!(w.get("POST", "mta-sts.example.com", PATH).0, 405, "POST");
}

#[test]
fn multi_domain_worker_in_workerd() {
    let Some(bin) = workerd() else {
        return;
    };
    let sites =
        [common::site("example.com"), common::site("example.org"), common::site("xn--bcher-kva.example")];
    let (dir, main) = wrangler_files(&sites);
    let w = Workerd::start(&bin, dir.path(), &main);
    assert_serves(&w, &sites);
    let (status, _, body) = w.get("GET", "MTA-STS.Example.ORG.", PATH);
    assert_eq!((status, body), (200, sites[1].policy.render()), "upper case and trailing dot");
    let a = w.get("GET", "mta-sts.example.com", PATH).2;
    assert_ne!(a, w.get("GET", "mta-sts.example.org", PATH).2, "each host gets its own policy");
}
