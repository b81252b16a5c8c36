//! A bound on what a report's JSON turns into in memory, checked in one pass over the bytes
//! before anything is built. Ten MiB of `[{},{},…]` would otherwise become some 3.5 million
//! parsed objects and failure details (1.4 GB); real reports hold a few hundred.

use super::ReportError;

/// Most JSON values (scalars, arrays, objects; counted as `{`, `[`, `,` and `:` outside
/// strings) one report may hold.
pub const MAX_JSON_VALUES: usize = 500_000;
/// Most JSON objects one report may hold (each costs about 700 bytes once parsed).
pub const MAX_JSON_OBJECTS: usize = 50_000;

/// Fails with [`ReportError::TooComplex`] when the JSON text holds more values or objects than
/// the limits. Malformed JSON passes: the parser names what is wrong with it.
pub fn check_shape(json: &[u8]) -> Result<(), ReportError> {
    let (mut values, mut objects) = (0usize, 0usize);
    let mut in_string = false;
    let mut escaped = false;
    for &b in json {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' => {
                objects += 1;
                values += 1;
            }
            b'[' | b',' | b':' => values += 1,
            _ => {}
        }
    }
    if objects > MAX_JSON_OBJECTS {
        return Err(ReportError::TooComplex(format!("more than {MAX_JSON_OBJECTS} JSON objects")));
    }
    if values > MAX_JSON_VALUES {
        return Err(ReportError::TooComplex(format!("more than {MAX_JSON_VALUES} JSON values")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_small_objects_or_values_are_refused_and_strings_do_not_count() {
        let objects = format!("[{}{{}}]", "{},".repeat(MAX_JSON_OBJECTS));
        assert!(check_shape(objects.as_bytes()).unwrap_err().to_string().contains("JSON objects"));
        let values = format!("[{}0]", "0,".repeat(MAX_JSON_VALUES));
        assert!(check_shape(values.as_bytes()).unwrap_err().to_string().contains("JSON values"));
        let quoted = format!("{{\"a\": \"{}\\\"{}\"}}", "{,:[".repeat(MAX_JSON_VALUES), "{}".repeat(10));
        assert!(check_shape(quoted.as_bytes()).is_ok());
        assert!(check_shape(b"{\"policies\": [").is_ok());
    }
}
