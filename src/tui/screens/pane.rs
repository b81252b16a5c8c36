//! What every phase screen is drawn with: the context the domain shell hands it, and the
//! scrolling pane its lines go into.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::ops::Checked;
use crate::tui::app::{App, DomainView};
use crate::tui::theme::Theme;
use mtasts_core::rollout::{DomainState, Observation};

/// What every phase screen gets.
pub struct Ctx<'a> {
    /// The wizard.
    pub app: &'a App,
    /// The domain's saved state.
    pub state: &'a DomainState,
    /// The domain screen state.
    pub view: &'a DomainView,
    /// Styles.
    pub t: &'a Theme,
    /// This session's latest full check.
    pub checked: Option<&'a Checked>,
    /// The latest observation (this session's, else the saved one).
    pub obs: Option<&'a Observation>,
    /// Whether a check is running.
    pub busy: bool,
}

/// A scrollable paragraph for a phase screen: long lines wrap, and the offset counts rendered
/// lines, clamped so that the last line is on screen at the end. When it does not fit, its
/// last row says how much is left below (it never covers the content).
pub fn pane(lines: Vec<Line<'static>>, view: &DomainView, t: &Theme, f: &mut Frame, area: Rect) {
    let para = Paragraph::new(lines).wrap(Wrap { trim: false });
    let total = u16::try_from(para.line_count(area.width)).unwrap_or(u16::MAX);
    if total <= area.height || area.height < 2 {
        view.scroll_max.set(0);
        f.render_widget(para, area);
        return;
    }
    let body = Rect { height: area.height - 1, ..area };
    let max = total.saturating_sub(body.height);
    view.scroll_max.set(max);
    view.page.set(body.height);
    let scroll = view.scroll.min(max);
    f.render_widget(para.scroll((scroll, 0)), body);
    let left = max - scroll;
    let mark = if left == 0 {
        Span::styled(" — end — home/g goes to the top", t.dim())
    } else {
        Span::styled(format!(" ↓ {left} more line(s): j, pgdn, end"), t.accent())
    };
    f.render_widget(Paragraph::new(Line::from(mark)), Rect { y: area.bottom() - 1, height: 1, ..area });
}
