//! The listing cache: what changed is read again, what did not is not, and the listing is
//! the same as a full one.

use std::fs;
use std::time::SystemTime;

use super::*;
use mtasts_core::rfc::MxPattern;
use mtasts_core::rollout::{Phase, new_domain};

fn state(name: &str) -> DomainState {
    new_domain(
        DomainName::parse(name).unwrap(),
        vec![MxPattern::parse(&format!("mx1.{name}")).unwrap()],
        Vec::new(),
        None,
        "2026-11-01T10:00:00Z".parse().unwrap(),
    )
}

fn shown(l: &Listing) -> Vec<(String, Result<Phase, String>)> {
    l.iter()
        .map(|(p, r)| (p.display().to_string(), r.as_ref().map(|s| s.phase).map_err(ToString::to_string)))
        .collect()
}

#[test]
fn a_cached_listing_matches_a_full_one_and_follows_every_save() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    for name in ["a.example", "b.example", "c.example"] {
        store.create(&state(name)).unwrap();
    }
    let mut cache = ListCache::default();
    for _ in ["the first listing, remembering nothing", "the second, remembering"] {
        assert_eq!(shown(&store.list_cached(&mut cache).unwrap()), shown(&store.list().unwrap()));
    }

    let b = DomainName::parse("b.example").unwrap();
    store
        .update(&b, |mut s| {
            s.phase = Phase::Records;
            Ok::<_, StoreError>(s)
        })
        .unwrap();
    let again = store.list_cached(&mut cache).unwrap();
    assert_eq!(again[1].1.as_ref().unwrap().phase, Phase::Records, "the save is seen");
    assert_eq!(shown(&again), shown(&store.list().unwrap()));

    fs::write(store.path_of(&b), "not toml").unwrap();
    let broken = store.list_cached(&mut cache).unwrap();
    assert!(broken[1].1.is_err(), "a damaged file is reported, not the remembered state");
    store.remove(&DomainName::parse("a.example").unwrap()).unwrap();
    store.create(&state("d.example")).unwrap();
    assert_eq!(shown(&store.list_cached(&mut cache).unwrap()), shown(&store.list().unwrap()));
}

#[test]
fn an_unchanged_file_is_not_read_again() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.create(&state("a.example")).unwrap();
    let mut cache = ListCache::default();
    store.list_cached(&mut cache).unwrap();
    store.list_cached(&mut cache).unwrap();
    // Same inode, size and modification time, other bytes: only a read would notice.
    let path = store.path_of(&DomainName::parse("a.example").unwrap());
    let was: SystemTime = fs::metadata(&path).unwrap().modified().unwrap();
    let text = fs::read_to_string(&path).unwrap();
    let garbled: String = text.chars().map(|c| if c == '=' { '#' } else { c }).collect();
    let file = fs::OpenOptions::new().write(true).open(&path).unwrap();
    std::io::Write::write_all(&mut &file, garbled.as_bytes()).unwrap();
    file.set_modified(was).unwrap();
    drop(file);
    assert!(store.list_cached(&mut cache).unwrap()[0].1.is_ok(), "remembered, not read");
    assert!(store.list().unwrap()[0].1.is_err(), "a full listing reads it");
}
