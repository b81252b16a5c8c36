//! The policy `id` of the `_mta-sts` record: 1–32 letters and digits (RFC 8461 §3.1).

use super::text::text_conversions;

/// Longest id allowed by the ABNF.
pub const MAX_ID_LEN: usize = 32;

/// Why a string is not a valid policy id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyIdError {
    /// Empty id.
    #[error("the id is empty; it needs 1 to 32 letters or digits")]
    Empty,
    /// Too long.
    #[error("the id is {0} characters long; at most 32 letters or digits are allowed")]
    TooLong(usize),
    /// A character other than ASCII letters and digits.
    #[error("the id contains {0:?}; only letters A-Z, a-z and digits 0-9 are allowed")]
    BadCharacter(char),
}

/// A validated policy id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PolicyId(String);

impl PolicyId {
    /// Validates an id against `1*32(ALPHA / DIGIT)`.
    pub fn parse(input: &str) -> Result<Self, PolicyIdError> {
        if input.is_empty() {
            return Err(PolicyIdError::Empty);
        }
        if let Some(ch) = input.chars().find(|c| !c.is_ascii_alphanumeric()) {
            return Err(PolicyIdError::BadCharacter(ch));
        }
        if input.len() > MAX_ID_LEN {
            return Err(PolicyIdError::TooLong(input.len()));
        }
        Ok(Self(input.to_owned()))
    }

    /// A new id from `now` in UTC (`20261129T081500`), guaranteed to differ from `previous`
    /// even when generated within the same second: a counter suffix is added then.
    pub fn generate(now: jiff::Timestamp, previous: Option<&PolicyId>) -> Self {
        let stamp = now.strftime("%Y%m%dT%H%M%S").to_string();
        let Some(prev) = previous else {
            return Self(stamp);
        };
        let Some(suffix) = prev.0.strip_prefix(stamp.as_str()) else {
            return Self(stamp);
        };
        let next =
            if suffix.is_empty() { 1 } else { suffix.parse::<u64>().map_or(1, |n| n.saturating_add(1)) };
        let candidate = format!("{stamp}{next}");
        if candidate.len() <= MAX_ID_LEN && candidate != prev.0 {
            Self(candidate)
        } else {
            // Counter exhausted: fall back to a different shape that cannot equal `prev`.
            Self(format!("{stamp}x"))
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_conversions!(PolicyId, PolicyIdError, display = as_str);

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> jiff::Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn generated_from_utc_timestamp() {
        let id = PolicyId::generate(at("2026-11-29T08:15:00Z"), None);
        assert_eq!(id.as_str(), "20261129T081500");
        assert!(PolicyId::parse(id.as_str()).is_ok());
    }

    #[test]
    fn differs_from_previous_within_the_same_second() {
        let now = at("2026-11-29T08:15:00Z");
        let first = PolicyId::generate(now, None);
        let second = PolicyId::generate(now, Some(&first));
        let third = PolicyId::generate(now, Some(&second));
        assert_eq!(second.as_str(), "20261129T0815001");
        assert_eq!(third.as_str(), "20261129T0815002");
        let later = PolicyId::generate(at("2026-11-29T08:15:01Z"), Some(&third));
        assert_eq!(later.as_str(), "20261129T081501");
    }

    #[test]
    fn never_equal_even_when_counter_is_exhausted() {
        let now = at("2026-11-29T08:15:00Z");
        let prev = PolicyId::parse("20261129T08150099999999999999999").unwrap();
        let next = PolicyId::generate(now, Some(&prev));
        assert_ne!(next, prev);
        assert!(PolicyId::parse(next.as_str()).is_ok());
    }

    #[test]
    fn validates_the_abnf() {
        assert_eq!(PolicyId::parse(""), Err(PolicyIdError::Empty));
        assert_eq!(PolicyId::parse("abc-1"), Err(PolicyIdError::BadCharacter('-')));
        assert_eq!(PolicyId::parse(&"a".repeat(33)), Err(PolicyIdError::TooLong(33)));
        assert!(PolicyId::parse(&"a".repeat(32)).is_ok());
    }
}
