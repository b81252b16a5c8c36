//! One file per screen.

pub mod domain;
pub mod enforce;
pub mod help;
pub mod home;
mod home_parts;
pub mod hosting;
pub mod modal;
pub mod pane;
pub mod preflight;
pub mod prompt;
pub mod records;
pub mod reports;
pub mod testing;
pub mod validation;
pub mod worker;

use ratatui::layout::Rect;

/// A rectangle of `w`×`h` centred in `area` (clamped to it).
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}
