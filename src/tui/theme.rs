//! Colours and symbols. Every status is also a symbol or a word, so the monochrome theme
//! (`NO_COLOR`, `--no-color`) reads the same.

use ratatui::style::{Color, Modifier, Style};

/// Passed.
pub const OK: &str = "✓";
/// Failed.
pub const BAD: &str = "✗";
/// Needs attention.
pub const WARN: &str = "!";
/// Not yet.
pub const TODO: &str = "○";
/// Here now.
pub const HERE: &str = "●";

/// Styles for one colour mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    color: bool,
}

impl Theme {
    /// Colours when `color`, else bold/dim/reversed only.
    pub fn new(color: bool) -> Theme {
        Theme { color }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color { Style::new().fg(c) } else { Style::new() }
    }

    /// Passed.
    pub fn ok(&self) -> Style {
        self.fg(Color::Green)
    }

    /// Failed.
    pub fn bad(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// Needs attention.
    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow)
    }

    /// Secondary text.
    pub fn dim(&self) -> Style {
        if self.color { Style::new().fg(Color::DarkGray) } else { Style::new().add_modifier(Modifier::DIM) }
    }

    /// Keys, names, highlights.
    pub fn accent(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// Headings.
    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// The selected row or current phase.
    pub fn selected(&self) -> Style {
        if self.color {
            Style::new().bg(Color::Blue).fg(Color::White).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    /// Borders.
    pub fn border(&self) -> Style {
        self.fg(Color::DarkGray)
    }

    /// Code keywords in snippets.
    pub fn keyword(&self) -> Style {
        self.fg(Color::Magenta)
    }

    /// Strings in snippets.
    pub fn string(&self) -> Style {
        self.fg(Color::Green)
    }

    /// The demo banner.
    pub fn demo(&self) -> Style {
        if self.color {
            Style::new().bg(Color::Magenta).fg(Color::White).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }
}
