//! When publishing cannot go on, the error names the cause and nothing changes: a wrong TSIG
//! secret (BADSIG) or key name (BADKEY) at Knot, a wrong PowerDNS API key (401), records
//! changed between reading and writing (a failed RFC 2136 prerequisite). No secret ever
//! reaches the output or the state.

use std::process::Output;
use std::time::Duration;

use mtasts_core::publish::{ChangeSet, DnsSetup, RData, Record, RrType, RrsetChange};
use mtasts_core::rfc::DomainName;
use mtasts_dns_publish::{Client, PublishError};

use super::publish_rig::{Backend, D, Rig, SECRET_MARKERS, code};
use crate::common::dns_servers::TSIG_SECRET;

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// A rig in the records phase, nothing published yet.
fn records_phase(backend: Backend) -> Option<Rig> {
    let rig = Rig::start(backend)?;
    let mut add = vec!["add", D];
    add.extend(rig.dns_args.iter().map(String::as_str));
    code(&rig.run(0, &add), 0);
    code(&rig.run(0, &["advance", D]), 0);
    Some(rig)
}

#[track_caller]
fn refused(rig: &Rig, out: &Output, needle: &str) {
    let all = text(out);
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(all.contains(needle), "expected {needle:?} in:\n{all}");
    for secret in SECRET_MARKERS {
        assert!(!all.contains(secret), "a secret in the output:\n{all}");
    }
    assert_eq!(rig.txt("_mta-sts"), ["\"site-verification=keep-me\""], "nothing may change");
    assert!(rig.txt("_smtp._tls").is_empty(), "nothing may change");
}

#[test]
fn a_wrong_tsig_secret_or_key_name_is_named_and_changes_nothing() {
    let Some(rig) = records_phase(Backend::Knot) else { return };
    let dir = tempfile::tempdir().unwrap();
    let url = format!("rfc2136://mtasts@127.0.0.1:{}", rig.server.port);
    let wrong = dir.path().join("wrong.key");
    std::fs::write(&wrong, "key \"mtasts\" { algorithm hmac-sha256; secret \"d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldC13cm9uZyE=\"; };\n").unwrap();
    code(&rig.run(0, &["dns", D, &url, "--tsig-file", wrong.to_str().unwrap(), "--no-verify"]), 0);
    let out = rig.run(0, &["publish", D, "--yes"]);
    refused(&rig, &out, "rejected the update's TSIG signature: BADSIG");
    assert!(text(&out).contains("nothing was changed"), "{}", text(&out));

    let other = dir.path().join("other.key");
    std::fs::write(
        &other,
        format!("key \"stranger\" {{ algorithm hmac-sha256; secret \"{TSIG_SECRET}\"; }};\n"),
    )
    .unwrap();
    let url = format!("rfc2136://stranger@127.0.0.1:{}", rig.server.port);
    code(&rig.run(0, &["dns", D, &url, "--tsig-file", other.to_str().unwrap(), "--no-verify"]), 0);
    refused(
        &rig,
        &rig.run(0, &["publish", D, "--yes"]),
        "BADKEY: the server does not know a key of this name",
    );

    let missing = rig.run(0, &["dns", D, &url, "--tsig-file", "/nonexistent/k.key"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing).contains("cannot read /nonexistent/k.key"), "{}", text(&missing));
    let state =
        std::fs::read_to_string(rig.env.state_dir().join("domains").join(format!("{D}.toml"))).unwrap();
    assert!(state.contains("other.key") && !state.contains(TSIG_SECRET), "{state}");
}

#[test]
fn a_wrong_powerdns_api_key_is_named_and_changes_nothing() {
    let Some(rig) = records_phase(Backend::PowerDns) else { return };
    let out =
        rig.command(0, &["publish", D, "--yes"]).env("MTASTS_PDNS_API_KEY", "not-the-key").output().unwrap();
    refused(&rig, &out, "PowerDNS API answered HTTP 401: the credentials were not accepted");
    let out = rig.command(0, &["publish", D, "--yes"]).env_remove("MTASTS_PDNS_API_KEY").output().unwrap();
    refused(&rig, &out, "the environment variable MTASTS_PDNS_API_KEY is not set");
}

#[test]
fn records_changed_since_they_were_read_fail_the_prerequisite_and_nothing_is_applied() {
    let Some(rig) = records_phase(Backend::Knot) else { return };
    let state = rig.env.state(D);
    let setup: DnsSetup = state.dns.clone().unwrap();
    let domain = DomainName::parse(D).unwrap();
    let name = format!("_mta-sts.{D}");
    let result = rig.env.rt.block_on(async {
        let client = Client::connect(&setup, &[], Duration::from_secs(10)).await.unwrap();
        let seen = client.read(&domain).await.unwrap();
        let before: Vec<Record> = seen.records.iter().filter(|r| r.name == name).cloned().collect();
        let mut after = before.clone();
        after.push(Record::new(&name, 300, RData::txt("v=STSv1; id=raced")));
        let changes = ChangeSet {
            domain: domain.clone(),
            changes: vec![RrsetChange { name: name.clone(), rtype: RrType::Txt, ttl: 300, before, after }],
            untouched: vec![],
        };
        // Someone else edits the RRset between the read and the write.
        let conf = rig.server_conf();
        let knotc = crate::common::find_tool("knotc").unwrap();
        for args in [
            vec!["zone-begin", D],
            vec!["zone-set", D, "_mta-sts", "300", "TXT", "\"other-change\""],
            vec!["zone-commit", D],
        ] {
            let o = std::process::Command::new(&knotc).arg("-c").arg(&conf).args(&args).output().unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
        client.apply(&domain, &seen, &changes).await
    });
    assert!(matches!(result, Err(PublishError::Changed(_))), "{result:?}");
    let elsewhere = rig.env.rt.block_on(async {
        let client = Client::connect(&setup, &[], Duration::from_secs(10)).await.unwrap();
        client.read(&DomainName::parse("not-served.example").unwrap()).await
    });
    let e = elsewhere.unwrap_err();
    assert!(matches!(e, PublishError::ZoneNotFound(_)), "{e:?}");
    assert!(e.to_string().contains("serves no zone holding not-served.example (it answered"), "{e}");
    assert_eq!(rig.txt("_mta-sts"), ["\"other-change\"", "\"site-verification=keep-me\""]);
}
