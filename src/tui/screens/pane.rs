//! What every phase screen is drawn with: the context the domain shell hands it, and the
//! scrolling pane its lines go into.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::ops::Checked;
use crate::tui::app::{App, DomainView};
use crate::tui::hints::{hint, keyed};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::wrap::{clip, width, wrap};
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

/// One line of a pane: prose and code wrap; a record never does (it scrolls sideways).
pub enum Row {
    /// Wrapped to the pane's width with a hanging indent.
    Wrap(Line<'static>),
    /// Kept on one row; cut at the pane's edges and moved sideways with `<` and `>`.
    Keep(Line<'static>),
}

/// A scrollable pane for a phase screen: long lines wrap (see [`wrap`]), and the offset
/// counts drawn rows, clamped so that the last row is on screen at the end. When it does not
/// fit, its last row says how much is left below (it never covers the content). Where the
/// rows went is recorded in the view, so that a page (PgDn) is exactly what was on screen.
pub fn pane(cx: &Ctx, lines: Vec<Line<'static>>, f: &mut Frame, area: Rect) {
    pane_rows(cx, lines.into_iter().map(Row::Wrap).collect(), f, area);
}

/// Where rows are cut at an edge (`…`), the keys that show the rest.
fn cut_rows_hint(cx: &Ctx) -> Option<String> {
    let keys = [
        keyed(cx.app, Action::ScrollRight, "scrolls right"),
        keyed(cx.app, Action::ScrollLeft, "scrolls left"),
    ];
    let keys: Vec<String> = keys.into_iter().flatten().collect();
    (!keys.is_empty()).then(|| format!(" rows cut at the edge (…) go on: {}", keys.join(", ")))
}

/// [`pane`] with rows that may be kept whole.
pub fn pane_rows(cx: &Ctx, rows: Vec<Row>, f: &mut Frame, area: Rect) {
    let view = cx.view;
    let widest = rows
        .iter()
        .filter_map(|r| match r {
            Row::Keep(l) => Some(width(l)),
            Row::Wrap(_) => None,
        })
        .max()
        .unwrap_or(0);
    let hmax = u16::try_from(widest.saturating_sub(usize::from(area.width))).unwrap_or(u16::MAX);
    view.hscroll_max.set(hmax);
    let offset = usize::from(view.hscroll.min(hmax));
    let mut rows = rows;
    if let Some(cut) = cut_rows_hint(cx) {
        rows.insert(0, Row::Wrap(Line::from(Span::styled(cut, cx.t.accent()))));
    }
    let drawn: Vec<Line<'static>> = rows
        .iter()
        .flat_map(|r| match r {
            Row::Wrap(l) => wrap(l, area.width),
            Row::Keep(l) => vec![clip(l, offset, area.width, cx.t.accent())],
        })
        .collect();
    let total = u16::try_from(drawn.len()).unwrap_or(u16::MAX);
    if total <= area.height || area.height < 2 {
        view.scroll_max.set(0);
        view.viewport.set(area);
        f.render_widget(Paragraph::new(drawn), area);
        return;
    }
    let body = Rect { height: area.height - 1, ..area };
    let max = total.saturating_sub(body.height);
    view.scroll_max.set(max);
    view.viewport.set(body);
    let scroll = view.scroll.min(max);
    let shown: Vec<Line<'static>> =
        drawn.into_iter().skip(usize::from(scroll)).take(usize::from(body.height)).collect();
    f.render_widget(Paragraph::new(shown), body);
    let left = max - scroll;
    let t = cx.t;
    let mark = if left == 0 {
        let top = keyed(cx.app, Action::Top, "goes to the top").map(|k| format!(" {k}")).unwrap_or_default();
        Span::styled(format!(" — end —{top}"), t.dim())
    } else {
        let s = if left == 1 { "" } else { "s" };
        let keys = hint(cx.app, Action::PageDown).map(|k| format!(" ({k})")).unwrap_or_default();
        Span::styled(format!(" ↓ {left} more line{s}{keys}"), t.accent())
    };
    f.render_widget(Paragraph::new(Line::from(mark)), Rect { y: area.bottom() - 1, height: 1, ..area });
}
