//! Turning fuzzer bytes into text plus cut points, shared by the record targets.

/// The first byte (when present) seeds the cut points; the rest, decoded lossily, is the text.
pub fn cuts_and_text(data: &[u8]) -> (u8, String) {
    match data.split_first() {
        Some((seed, rest)) => (*seed, String::from_utf8_lossy(rest).into_owned()),
        None => (0, String::new()),
    }
}

/// Cuts `text` into pieces at char boundaries; `seed` picks the piece lengths (1..=16 chars),
/// and 0 keeps the text whole. The pieces always concatenate back to `text`.
pub fn strings(text: &str, seed: u8) -> Vec<String> {
    if seed == 0 {
        return vec![text.to_owned()];
    }
    let mut out = Vec::new();
    let mut current = String::new();
    let mut state = u32::from(seed);
    let mut want = 1 + (state % 16) as usize;
    for c in text.chars() {
        current.push(c);
        if current.chars().count() >= want {
            out.push(std::mem::take(&mut current));
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            want = 1 + ((state >> 16) % 16) as usize;
        }
    }
    if !current.is_empty() || out.is_empty() {
        out.push(current);
    }
    assert_eq!(out.concat(), text);
    out
}
