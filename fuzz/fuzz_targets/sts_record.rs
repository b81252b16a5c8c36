//! The `_mta-sts` TXT record parser, linter and record-set selection on arbitrary text.
//!
//! Properties: a parsed record renders to text that parses to the same record; the text cut
//! into character-strings anywhere selects exactly as parsing the whole text does; any answer
//! made of the pieces selects (and reports findings) without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mtasts_core::rfc::{Selection, SelectionError, StsRecord, lint_record, parse_sts_record, select};

#[path = "common/split.rs"]
mod split;

fuzz_target!(|data: &[u8]| {
    let (cuts, text) = split::cuts_and_text(data);
    let parsed = parse_sts_record(&text);
    let _ = lint_record(&text);
    if let Ok(record) = &parsed {
        let rendered = record.render();
        assert_eq!(parse_sts_record(&rendered).as_ref(), Ok(record), "{rendered:?}");
        assert!(
            matches!(select::<StsRecord>(&[vec![rendered]]), Selection::One { record: r, .. } if &r == record)
        );
    }
    let strings = split::strings(&text, cuts);
    let selected = select::<StsRecord>(std::slice::from_ref(&strings));
    if text.starts_with("v=STSv1;") {
        match (&selected, &parsed) {
            (Selection::One { record, text: t }, Ok(p)) => assert!(record == p && t == &text),
            (Selection::Invalid { error: SelectionError::Record(e), .. }, Err(p)) => assert_eq!(e, p),
            _ => panic!("select {selected:?} disagrees with parse {parsed:?}"),
        }
    }
    let _ = selected.findings("_mta-sts.example.com");
    let answer: Vec<Vec<String>> = strings.iter().map(|s| vec![s.clone()]).collect();
    let _ = select::<StsRecord>(&answer).findings("_mta-sts.example.com");
});
