//! A bound on what a report's JSON turns into in memory, estimated in one pass over the bytes
//! before anything is built. Ten MiB of `[{},{},…]` would otherwise become some 3.5 million
//! parsed objects and failure details (1.4 GB); real reports hold a few hundred.

use super::ReportError;

/// The most memory a report may take once parsed, as estimated by [`check_shape`].
pub const MAX_PARSED_BYTES: u64 = 96 * 1024 * 1024;
/// The deepest nesting of arrays and objects (the JSON parser refuses more than 128 anyway).
pub const MAX_DEPTH: usize = 128;

/// Bytes of one parsed object with `keys` keys: a map node holds 11 entries (about 700 bytes);
/// a larger map splits into several; plus what the report makes of it (a failure detail).
fn object_cost(keys: u64) -> u64 {
    let nodes = if keys <= 11 { 1 } else { 1 + keys.div_ceil(5) };
    nodes * 700 + 256
}

/// Bytes of one array element (a parsed value, with room for the array's growth).
const ELEMENT_COST: u64 = 64;
/// Bytes of one string beyond its text (allocation and bookkeeping).
const STRING_COST: u64 = 32;

/// Fails with [`ReportError::TooComplex`] when the JSON text would take more than
/// [`MAX_PARSED_BYTES`] once parsed (counting maps, array elements and strings) or nests
/// deeper than [`MAX_DEPTH`]. Malformed JSON passes: the parser names what is wrong with it.
pub fn check_shape(json: &[u8]) -> Result<(), ReportError> {
    // Per open container: whether it is an object, and its keys or its elements so far.
    let mut open: Vec<(bool, u64)> = Vec::new();
    let mut cost = json.len() as u64;
    let (mut in_string, mut escaped, mut string_start) = (false, false, 0usize);
    for (i, &b) in json.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => {
                    in_string = false;
                    cost += (i - string_start) as u64 + STRING_COST;
                }
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => {
                (in_string, string_start) = (true, i);
                if let Some((false, elements)) = open.last_mut() {
                    *elements = (*elements).max(1);
                }
            }
            b'{' | b'[' => {
                if let Some((false, elements)) = open.last_mut() {
                    *elements = (*elements).max(1);
                }
                if open.len() >= MAX_DEPTH {
                    return Err(ReportError::TooComplex(format!("nested more than {MAX_DEPTH} deep")));
                }
                open.push((b == b'{', 0));
            }
            b':' => {
                if let Some((true, keys)) = open.last_mut() {
                    *keys += 1;
                }
            }
            b',' => {
                if let Some((false, elements)) = open.last_mut() {
                    *elements = (*elements).max(1) + 1;
                }
            }
            b'}' | b']' => match open.pop() {
                Some((true, keys)) => cost += object_cost(keys),
                Some((false, elements)) => cost += elements * ELEMENT_COST,
                None => {}
            },
            b if !b.is_ascii_whitespace() => {
                if let Some((false, elements)) = open.last_mut() {
                    *elements = (*elements).max(1);
                }
            }
            _ => {}
        }
        if cost > MAX_PARSED_BYTES {
            return Err(ReportError::TooComplex(format!(
                "it would take more than {} MiB once parsed",
                MAX_PARSED_BYTES >> 20
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn too_complex(json: &str) -> bool {
        matches!(check_shape(json.as_bytes()), Err(ReportError::TooComplex(_)))
    }

    #[test]
    fn many_small_objects_or_values_or_wide_maps_are_refused_and_strings_count_by_length() {
        let n = (MAX_PARSED_BYTES / object_cost(0)) as usize;
        assert!(too_complex(&format!("[{}{{}}]", "{},".repeat(n))));
        assert!(!too_complex(&format!("[{}{{}}]", "{},".repeat(n / 2))));
        let values = (MAX_PARSED_BYTES / ELEMENT_COST) as usize;
        assert!(too_complex(&format!("[{}0]", "0,".repeat(values))));
        let wide: String = (0..12).map(|k| format!("\"{k}\":0")).collect::<Vec<_>>().join(",");
        let wide_n = (MAX_PARSED_BYTES / object_cost(12)) as usize + 1;
        assert!(too_complex(&format!("[{}]", vec![format!("{{{wide}}}"); wide_n].join(","))));
        let quoted = format!("{{\"a\": \"{}\\\"{}\"}}", "{,:[".repeat(1000), "{}".repeat(10));
        assert!(!too_complex(&quoted));
        assert!(too_complex(&format!("{}0{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1))));
        assert!(check_shape(b"{\"policies\": [").is_ok());
    }

    #[test]
    fn a_large_real_report_passes() {
        let detail = r#"{"result-type":"validation-failure","sending-mta-ip":"192.0.2.1","receiving-mx-hostname":"mx1.example.org","receiving-ip":"198.51.100.1","failed-session-count":0,"additional-information":"https://reports.example/detail/1/1","failure-reason-code":"bench-1"}"#;
        let n = 10 * 1024 * 1024 / (detail.len() + 1);
        let json = format!(
            r#"{{"report-id":"x","policies":[{{"failure-details":[{}]}}]}}"#,
            vec![detail; n].join(",")
        );
        assert!(check_shape(json.as_bytes()).is_ok(), "{n} failure details in 10 MiB");
    }
}
