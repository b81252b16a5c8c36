//! The text conversions every validated RFC value shares, written once: `FromStr` and
//! `TryFrom<String>` run the type's own `parse`, `From<T> for String` writes it back (together
//! they are what `#[serde(try_from = "String", into = "String")]` uses), and for the string
//! newtypes `Display` shows `as_str()`.

/// Implements the conversions for `$ty`, whose `parse(&str) -> Result<$ty, $err>` validates.
/// With `display = as_str`, `Display` writes `as_str()`; without, the type brings its own.
macro_rules! text_conversions {
    ($ty:ty, $err:ty, display = as_str) => {
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        $crate::rfc::text::text_conversions!($ty, $err);
    };
    ($ty:ty, $err:ty) => {
        impl std::str::FromStr for $ty {
            type Err = $err;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $ty {
            type Error = $err;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }

        impl From<$ty> for String {
            fn from(value: $ty) -> String {
                value.to_string()
            }
        }
    };
}

pub(crate) use text_conversions;
