//! Store tests: snapshot, hand-written file, damaged files left untouched, concurrency.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use super::*;
use mtasts_core::finding::Verdict;
use mtasts_core::rfc::MxPattern;
use mtasts_core::rollout::{
    Ack, BlockerKind, HostingPath, Observation, Phase, new_domain, record_check, set_hosting,
};

fn dn(s: &str) -> DomainName {
    DomainName::parse(s).unwrap()
}

fn t(s: &str) -> jiff::Timestamp {
    s.parse().unwrap()
}

fn sample() -> DomainState {
    let now = t("2026-11-01T10:00:00Z");
    let s = new_domain(
        dn("example.com"),
        vec![MxPattern::parse("mx1.example.com").unwrap(), MxPattern::parse("*.mx.example.com").unwrap()],
        Vec::new(),
        None,
        now,
    );
    let mut s = set_hosting(s, HostingPath::Nginx);
    let obs = Observation {
        at: t("2026-11-01T11:00:00Z"),
        verdict: Verdict::Warn,
        error_codes: Vec::new(),
        warning_codes: vec![mtasts_core::finding::Code::TlsRptRecordMissing],
        live_mx: None,
        mx_results: Vec::new(),
        sts_id: Some(s.plan.id.clone()),
        tlsrpt_rua: None,
        live_policy: Some(s.plan.policy()),
        ns_sts: None,
    };
    s = record_check(s, &obs);
    s.acks.push(Ack {
        at: t("2026-11-01T11:05:00Z"),
        phase: Phase::Preflight,
        overridden: vec![BlockerKind::MxStarttlsMissing],
        text: "backup MX is retired next week".into(),
    });
    s
}

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    (dir, store)
}

#[test]
fn state_file_snapshot() {
    let text = render_state(&sample()).unwrap();
    assert!(text.starts_with("# mtasts rollout state"));
    assert!(text.lines().nth(1).unwrap().starts_with("schema = 2"));
    insta::assert_snapshot!(text);
}

#[test]
fn create_load_list_remove() {
    let (dir, store) = store();
    assert!(dir.path().join("domains").is_dir());
    let s = sample();
    store.create(&s).unwrap();
    assert!(matches!(store.create(&s), Err(StoreError::AlreadyTracked(d)) if d == s.domain));
    assert_eq!(store.load(&s.domain).unwrap(), Some(s.clone()));
    assert_eq!(store.load(&dn("example.net")).unwrap(), None);
    let listed = store.list().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].0, dir.path().join("domains/example.com.toml"));
    assert_eq!(listed[0].1.as_ref().unwrap(), &s);
    store.remove(&s.domain).unwrap();
    assert!(matches!(store.remove(&s.domain), Err(StoreError::NotTracked(_))));
    assert!(store.list().unwrap().is_empty());
    let leftovers: Vec<_> = fs::read_dir(store.domains_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_fleet_lists_in_name_order_with_a_bad_file_in_its_place() {
    let (_dir, store) = store();
    let mut names: Vec<String> = (0..300).map(|i| format!("d{i:03}.example")).collect();
    for name in &names {
        let mut s = sample();
        s.domain = dn(name);
        store.create(&s).unwrap();
    }
    fs::write(store.domains_dir().join("d150x.example.toml"), "not toml").unwrap();
    names.push("d150x.example".into());
    names.sort();
    let listed = store.list().unwrap();
    let got: Vec<String> =
        listed.iter().map(|(p, _)| p.file_stem().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(got, names);
    for (path, result) in &listed {
        let bad = path.ends_with("d150x.example.toml");
        assert_eq!(result.is_err(), bad, "{}", path.display());
        if let Ok(s) = result {
            assert_eq!(path.file_stem().unwrap().to_str(), Some(s.domain.as_str()));
        }
    }
}

#[test]
fn hand_written_file_round_trips() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/state-example.org.toml");
    let text = fs::read_to_string(&fixture).unwrap();
    let s = parse_state(&fixture, &text).unwrap();
    assert_eq!(s.domain, dn("example.org"));
    assert_eq!(s.phase, Phase::Testing);
    assert_eq!(s.plan.mx[1], MxPattern::parse("*.mx.example.org").unwrap());
    assert_eq!(s.plan.hosting, Some(HostingPath::Worker));
    assert_eq!(s.plan.window_days, 21);
    assert_eq!(s.plan.rua.len(), 2);
    assert_eq!(s.acks[0].overridden, vec![BlockerKind::MxCertExpiring]);
    assert_eq!(s.checks[0].warnings, 1);
    let again = parse_state(&fixture, &render_state(&s).unwrap()).unwrap();
    assert_eq!(again, s);
    let (_dir, store) = store();
    fs::write(store.path_of(&s.domain), &text).unwrap();
    assert_eq!(store.load(&s.domain).unwrap(), Some(s));
}

fn assert_untouched_after_update(store: &Store, domain: &DomainName, bytes: &[u8]) -> StoreError {
    let path = store.path_of(domain);
    fs::write(&path, bytes).unwrap();
    let err = store
        .update(domain, |mut s: DomainState| -> Result<DomainState, StoreError> {
            s.plan.window_days = 99;
            Ok(s)
        })
        .unwrap_err();
    assert_eq!(fs::read(&path).unwrap(), bytes, "the file must not change");
    err
}

#[test]
fn damaged_files_are_reported_and_never_overwritten() {
    let (_dir, store) = store();
    let domain = dn("example.com");
    let good = render_state(&sample()).unwrap();
    let truncated = &good.as_bytes()[..good.len() / 2];
    let err = assert_untouched_after_update(&store, &domain, truncated);
    assert!(matches!(&err, StoreError::Unreadable { path, .. } if path == &store.path_of(&domain)));
    assert!(err.to_string().contains("example.com.toml is not a valid state file"), "{err}");

    let err = assert_untouched_after_update(&store, &domain, b"\x00\xffgarbage{{{");
    assert!(err.to_string().contains("not UTF-8"), "{err}");
    let err = assert_untouched_after_update(&store, &domain, b"this is = not [toml");
    assert!(matches!(err, StoreError::Unreadable { .. }));

    let newer = good.replace("schema = 2", "schema = 3");
    let err = assert_untouched_after_update(&store, &domain, newer.as_bytes());
    assert!(matches!(err, StoreError::NewerSchema { found: 3, .. }), "{err}");

    let other = good.replace("domain = \"example.com\"", "domain = \"example.net\"");
    let err = assert_untouched_after_update(&store, &domain, other.as_bytes());
    assert!(err.to_string().contains("describes example.net"), "{err}");

    let big = format!("{good}\n# {}\n", "x".repeat(MAX_STATE_BYTES as usize));
    let err = assert_untouched_after_update(&store, &domain, big.as_bytes());
    assert!(err.to_string().contains("larger than 1 MiB"), "{err}");
}

#[test]
fn a_schema_1_file_loads_with_an_empty_history_and_is_saved_as_schema_2() {
    let (_dir, store) = store();
    let s = sample();
    let v1 = render_state(&s).unwrap().replace("schema = 2", "schema = 1");
    let v1: String = v1
        .split("\n[[history]]")
        .next()
        .unwrap()
        .replace(&format!("history_since = \"{}\"\n", s.history_since.unwrap()), "");
    fs::write(store.path_of(&s.domain), &v1).unwrap();
    let loaded = store.load(&s.domain).unwrap().unwrap();
    assert_eq!((loaded.schema, loaded.history.len(), loaded.history_since), (2, 0, None));
    let saved =
        store.update(&s.domain, |st| Ok::<_, StoreError>(set_hosting(st, HostingPath::Caddy))).unwrap();
    assert_eq!(saved.schema, 2);
    assert!(fs::read_to_string(store.path_of(&s.domain)).unwrap().contains("schema = 2"));
}

#[test]
fn a_bad_file_does_not_hide_the_others() {
    let (_dir, store) = store();
    store.create(&sample()).unwrap();
    fs::write(store.domains_dir().join("broken.example.toml"), "schema = 1\ndomain = 5\n").unwrap();
    fs::write(store.domains_dir().join("notes.txt"), "ignored").unwrap();
    let listed = store.list().unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed[0].0.ends_with("broken.example.toml"));
    assert!(matches!(listed[0].1, Err(StoreError::Unreadable { .. })));
    assert_eq!(listed[1].1.as_ref().unwrap().domain, dn("example.com"));
}

#[test]
fn update_errors_and_mismatches_write_nothing() {
    let (_dir, store) = store();
    let s = sample();
    store.create(&s).unwrap();
    let before = fs::read(store.path_of(&s.domain)).unwrap();
    let r: Result<DomainState, StoreError> = store.update(&s.domain, |mut x| {
        x.domain = dn("example.net");
        Ok(x)
    });
    assert!(matches!(r, Err(StoreError::DomainMismatch { .. })));
    let r: Result<DomainState, StoreError> =
        store.update(&s.domain, |_| Err(StoreError::NotTracked(dn("example.net"))));
    assert!(r.is_err());
    assert_eq!(fs::read(store.path_of(&s.domain)).unwrap(), before);
    let r: Result<DomainState, StoreError> = store.update(&dn("example.net"), Ok);
    assert!(matches!(r, Err(StoreError::NotTracked(_))));
}

#[test]
fn a_state_larger_than_what_is_read_back_is_never_written() {
    let (_dir, store) = store();
    let s = sample();
    let mut big = s.clone();
    big.acks[0].text = "x".repeat(MAX_STATE_BYTES as usize);
    let err = store.create(&big).unwrap_err();
    assert!(matches!(err, StoreError::TooLarge { .. }), "{err:?}");
    assert!(err.to_string().contains("more than the 1048576 mtasts reads back"), "{err}");
    assert!(!store.path_of(&s.domain).exists());
    store.create(&s).unwrap();
    let before = fs::read(store.path_of(&s.domain)).unwrap();
    let r: Result<DomainState, StoreError> = store.update(&s.domain, |_| Ok(big.clone()));
    assert!(matches!(r, Err(StoreError::TooLarge { .. })));
    assert_eq!(fs::read(store.path_of(&s.domain)).unwrap(), before);
    assert_eq!(store.load(&s.domain).unwrap().unwrap(), s, "the domain still loads");
}

#[test]
fn concurrent_updates_lose_nothing() {
    let (dir, store) = store();
    let s = sample();
    store.create(&s).unwrap();
    let base = s.checks.len();
    let root = Arc::new(dir.path().to_owned());
    let threads: Vec<_> = (0..8)
        .map(|n| {
            let root = Arc::clone(&root);
            std::thread::spawn(move || {
                let store = Store::open(&root).unwrap();
                for i in 0..6 {
                    let at: jiff::Timestamp =
                        jiff::Timestamp::from_second(1_800_000_000 + n * 100 + i).unwrap();
                    store
                        .update(&dn("example.com"), |mut st: DomainState| -> Result<_, StoreError> {
                            st.acks.push(Ack {
                                at,
                                phase: Phase::Testing,
                                overridden: Vec::new(),
                                text: format!("thread {n} update {i}"),
                            });
                            Ok(st)
                        })
                        .unwrap();
                }
            })
        })
        .collect();
    for th in threads {
        th.join().unwrap();
    }
    let end = store.load(&s.domain).unwrap().unwrap();
    assert_eq!(end.acks.len(), 1 + 48);
    assert_eq!(end.checks.len(), base);
    for n in 0..8 {
        for i in 0..6 {
            let want = format!("thread {n} update {i}");
            assert!(end.acks.iter().any(|a| a.text == want), "{want} lost");
        }
    }
}

#[test]
fn stale_temp_files_of_the_domain_are_removed_under_its_lock() {
    let (_dir, store) = store();
    let s = sample();
    store.create(&s).unwrap();
    let d = store.domains_dir();
    let stale = [".example.com.toml.4242.0.tmp", ".example.com.toml.1.17.tmp"];
    let kept =
        [".example.com.toml.foo.toml.1.2.tmp", ".example.net.toml.4242.0.tmp", ".example.com.toml.x.tmp"];
    for name in stale.iter().chain(&kept) {
        fs::write(d.join(name), "partial").unwrap();
    }
    let r: Result<DomainState, StoreError> = store.update(&s.domain, |mut x| {
        x.plan.window_days = 12;
        Ok(x)
    });
    assert_eq!(r.unwrap().plan.window_days, 12);
    let mut left: Vec<_> = fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    left.sort();
    let mut want: Vec<_> = kept.iter().map(|k| k.to_string()).collect();
    want.sort();
    assert_eq!(left, want);
}

#[test]
fn save_errors_name_the_file_and_say_it_is_unchanged() {
    let err = StoreError::Save {
        path: "/s/domains/example.com.toml".into(),
        source: io::Error::from_raw_os_error(28),
    };
    let msg = err.to_string();
    assert!(msg.starts_with("cannot save /s/domains/example.com.toml: No space left on device"), "{msg}");
    assert!(msg.ends_with("its previous content is unchanged"), "{msg}");
}
