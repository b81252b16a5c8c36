//! The IMAP password or OAuth2 token typed into the wizard: drawn as dots (never echoed),
//! never saved anywhere, and overwritten in memory once dropped. The buffer is allocated once
//! at its largest size, so typing never leaves copies behind in reallocated memory.

use std::sync::Arc;

use zeroize::Zeroizing;

/// The longest secret the prompt takes (OAuth2 access tokens run to a few kilobytes).
pub const MAX_SECRET: usize = 4096;

/// What the typed secret logs in with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// A password (IMAP `LOGIN`).
    Password,
    /// An OAuth2 access token (SASL `XOAUTH2`).
    Token,
}

impl SecretKind {
    /// "password" or "OAuth2 token".
    pub fn label(self) -> &'static str {
        match self {
            SecretKind::Password => "password",
            SecretKind::Token => "OAuth2 token",
        }
    }

    /// The other kind (Tab switches).
    pub fn other(self) -> SecretKind {
        match self {
            SecretKind::Password => SecretKind::Token,
            SecretKind::Token => SecretKind::Password,
        }
    }
}

/// A secret handed to a fetch: cheap to clone, zeroed when the last clone is dropped, and
/// `Debug` shows none of it.
#[derive(Clone)]
pub struct Typed {
    kind: SecretKind,
    text: Arc<Zeroizing<String>>,
}

impl std::fmt::Debug for Typed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Typed({}, …)", self.kind.label())
    }
}

impl Typed {
    /// The secret as the IMAP fetch takes it (which zeroes its own copy when dropped).
    pub fn to_secret(&self) -> mtasts_reports::imap::Secret {
        let text = String::from(self.text.as_str());
        match self.kind {
            SecretKind::Password => mtasts_reports::imap::Secret::Password(text),
            SecretKind::Token => mtasts_reports::imap::Secret::Token(text),
        }
    }
}

/// The masked prompt's state: the mailbox it is for, the kind, and the characters typed.
#[derive(Clone)]
pub struct SecretPrompt {
    /// The mailbox URL the fetch goes to.
    pub url: String,
    /// Password or token.
    pub kind: SecretKind,
    text: Zeroizing<String>,
    /// What is wrong (empty on Enter).
    pub error: Option<String>,
}

impl std::fmt::Debug for SecretPrompt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretPrompt({}, {} chars)", self.url, self.len())
    }
}

impl SecretPrompt {
    /// An empty prompt for `url`.
    pub fn new(url: String) -> SecretPrompt {
        SecretPrompt {
            url,
            kind: SecretKind::Password,
            text: Zeroizing::new(String::with_capacity(MAX_SECRET * 4)),
            error: None,
        }
    }

    /// How many characters are typed (what the dots show).
    pub fn len(&self) -> usize {
        self.text.chars().count()
    }

    /// Whether nothing is typed.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Adds a character (ignored past [`MAX_SECRET`]).
    pub fn push(&mut self, c: char) {
        if self.len() < MAX_SECRET && !c.is_control() {
            self.text.push(c);
            self.error = None;
        }
    }

    /// Removes the last character.
    pub fn pop(&mut self) {
        self.text.pop();
    }

    /// Clears what is typed (the cleared characters are overwritten).
    pub fn clear(&mut self) {
        use zeroize::Zeroize;
        self.text.zeroize();
    }

    /// Takes the typed secret for the fetch, leaving the prompt empty.
    pub fn take(&mut self) -> Typed {
        let text = Arc::new(Zeroizing::new(String::from(self.text.as_str())));
        self.clear();
        Typed { kind: self.kind, text }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_never_shows_and_is_cleared_when_taken() {
        let mut p = SecretPrompt::new("imaps://u@h/INBOX".into());
        for c in "s3cr3t!".chars() {
            p.push(c);
        }
        p.push('\u{1b}');
        assert_eq!(p.len(), 7, "control characters are not taken");
        p.pop();
        assert!(!format!("{p:?}").contains("s3cr3t"), "{p:?}");
        let t = p.take();
        assert!(p.is_empty());
        assert!(!format!("{t:?}").contains("s3cr3t"), "{t:?}");
        assert_eq!(t.to_secret(), mtasts_reports::imap::Secret::Password("s3cr3t".into()));
        let mut p = SecretPrompt::new(String::new());
        p.kind = p.kind.other();
        p.push('t');
        assert_eq!(p.take().to_secret(), mtasts_reports::imap::Secret::Token("t".into()));
    }

    #[test]
    fn typing_never_grows_the_buffer_past_its_first_allocation() {
        let mut p = SecretPrompt::new(String::new());
        let cap = p.text.capacity();
        for _ in 0..MAX_SECRET + 10 {
            p.push('é');
        }
        assert_eq!(p.len(), MAX_SECRET);
        assert_eq!(p.text.capacity(), cap, "no reallocation left a copy behind");
    }
}
