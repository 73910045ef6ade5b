//! Where everything goes on the screen, computed from the terminal size alone, so `update`
//! (which needs to know how many rows a list shows) and `view` agree.

use ratatui::layout::{Constraint, Layout, Rect};

/// The smallest terminal the app draws in; below it a notice asks for a larger window.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// The fixed bands of the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Regions {
    /// Breadcrumb of the selected organisation (and member).
    pub header: Rect,
    /// The screens: tree and right pane, or a member's details; overlays cover it.
    pub body: Rect,
    /// Messages: what went wrong, what just happened.
    pub status: Rect,
    /// The most useful keys of the current screen.
    pub footer: Rect,
}

impl Regions {
    /// The bands of a terminal of `area`, or `None` when it is too small to work in.
    pub fn of(area: Rect) -> Option<Regions> {
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            return None;
        }
        Some(Regions::at_least(area))
    }

    /// The bands of `area`, or of the smallest terminal chibo works in when `area` is
    /// smaller: what the screens keep their sizes by while the terminal is too small.
    pub fn at_least(area: Rect) -> Regions {
        let width = area.width.max(MIN_WIDTH);
        let height = area.height.max(MIN_HEIGHT);
        let [header, body, status, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(Rect {
            width,
            height,
            ..area
        });
        Regions {
            header,
            body,
            status,
            footer,
        }
    }

    /// The tree on the left, the members or details on the right.
    pub fn panes(&self) -> (Rect, Rect) {
        panes(self.body)
    }
}

/// The tree on the left of `body`, the members or details on the right.
pub fn panes(body: Rect) -> (Rect, Rect) {
    let tree_width = (body.width / 2).clamp(48, 100);
    let [tree, right] =
        Layout::horizontal([Constraint::Length(tree_width), Constraint::Min(1)]).areas(body);
    (tree, right)
}

/// Rows a bordered list with one line of column headings shows.
pub fn list_rows(pane: Rect) -> usize {
    usize::from(pane.height.saturating_sub(3)).max(1)
}

/// Lines a bordered text pane shows.
pub fn text_rows(pane: Rect) -> usize {
    usize::from(pane.height.saturating_sub(2)).max(1)
}

/// A box of at most `width` × `height` in the middle of `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eighty_by_twenty_four_is_the_smallest_that_works() {
        assert!(Regions::of(Rect::new(0, 0, 80, 24)).is_some());
        assert!(Regions::of(Rect::new(0, 0, 79, 24)).is_none());
        assert!(Regions::of(Rect::new(0, 0, 80, 23)).is_none());
        let r = Regions::of(Rect::new(0, 0, 80, 24)).unwrap();
        assert_eq!(r.body.height, 21);
        let (tree, right) = r.panes();
        assert_eq!((tree.width, right.width), (48, 32));
        assert_eq!(list_rows(tree), 18);
    }
}
