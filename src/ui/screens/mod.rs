//! The screens: each holds the state it draws, read from the store as it handles its
//! actions, and a pure render function over it; each is a [`Screen`](crate::ui::screen::Screen)
//! the App keeps on its stack (`home` at the bottom). Search, help and quotas are overlays.

pub mod calendar;
pub mod chrome;
pub mod dashboard;
pub mod grades;
pub mod help;
pub mod home;
pub mod meetings;
pub mod member_detail;
pub mod members;
pub mod org_info;
pub mod prep;
pub mod quotas;
pub mod record;
pub mod search;
pub mod tree;

use chrono::NaiveDate;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders};

use super::i18n::Text;
use super::keymap::{Action, Keymap};
use super::theme::Theme;
use crate::domain::Lang;
use crate::domain::{OrgKind, OrgUnit};
use crate::store::{Reader, StoreError};

/// What every render function needs besides its own state.
#[derive(Clone, Copy)]
pub struct Ui<'a> {
    pub lang: Lang,
    pub today: NaiveDate,
    pub theme: Theme,
    pub keymap: &'a Keymap,
}

impl Ui<'_> {
    pub fn t(&self, text: Text) -> &'static str {
        text.get(self.lang)
    }
}

/// A bordered pane with a title; the border is bright when the pane has the keys.
pub fn pane<'a>(title: impl Into<Line<'a>>, focused: bool, ui: &Ui<'_>) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(ui.theme.border(focused))
        .title(title.into().style(ui.theme.title()))
}

/// A row of a list with the cursor marker before it (`›` on the row selected, which is
/// highlighted, brighter while the list has the keys).
pub fn selectable(
    line: Line<'static>,
    selected: bool,
    focused: bool,
    ui: &Ui<'_>,
) -> Line<'static> {
    let marker = Span::styled(if selected { "›" } else { " " }, ui.theme.key());
    let mut spans = vec![marker];
    spans.extend(line.spans);
    let line = Line::from(spans);
    if selected {
        line.style(ui.theme.selected(focused))
    } else {
        line
    }
}

/// "12/3321" under a long list: where the cursor is, how many there are.
pub fn position<'a>(cursor: usize, len: usize, ui: &Ui<'_>) -> Line<'a> {
    if len == 0 {
        return Line::default();
    }
    Line::from(Span::styled(
        format!(" {}/{} ", cursor + 1, len),
        ui.theme.label(),
    ))
    .right_aligned()
}

/// A screen of one organisation's month with a cursor in it (the meetings, the
/// dashboard): the keys that move the cursor and the month work the same on both.
pub trait MonthScreen {
    fn step(&mut self, reader: &Reader, delta: isize) -> Result<(), StoreError>;
    fn to_top(&mut self, reader: &Reader) -> Result<(), StoreError>;
    fn to_bottom(&mut self, reader: &Reader) -> Result<(), StoreError>;
    fn previous_month(&mut self, reader: &Reader) -> Result<(), StoreError>;
    fn next_month(&mut self, reader: &Reader) -> Result<(), StoreError>;
    fn this_month(&mut self, reader: &Reader) -> Result<(), StoreError>;

    /// Moves the cursor or the month as `action` asks, `page` rows to a page. False when
    /// the action is none of those.
    fn navigate(
        &mut self,
        reader: &Reader,
        action: Action,
        page: isize,
    ) -> Result<bool, StoreError> {
        match action {
            Action::Up => self.step(reader, -1)?,
            Action::Down => self.step(reader, 1)?,
            Action::PageUp => self.step(reader, -page)?,
            Action::PageDown => self.step(reader, page)?,
            Action::Top => self.to_top(reader)?,
            Action::Bottom => self.to_bottom(reader)?,
            Action::PrevMonth => self.previous_month(reader)?,
            Action::NextMonth => self.next_month(reader)?,
            Action::ThisMonth => self.this_month(reader)?,
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// Implements [`MonthScreen`] with the inherent methods of the same names.
macro_rules! month_screen {
    ($ty:ty) => {
        impl $crate::ui::screens::MonthScreen for $ty {
            fn step(&mut self, r: &Reader, delta: isize) -> Result<(), StoreError> {
                <$ty>::step(self, r, delta)
            }
            fn to_top(&mut self, r: &Reader) -> Result<(), StoreError> {
                <$ty>::to_top(self, r)
            }
            fn to_bottom(&mut self, r: &Reader) -> Result<(), StoreError> {
                <$ty>::to_bottom(self, r)
            }
            fn previous_month(&mut self, r: &Reader) -> Result<(), StoreError> {
                <$ty>::previous_month(self, r)
            }
            fn next_month(&mut self, r: &Reader) -> Result<(), StoreError> {
                <$ty>::next_month(self, r)
            }
            fn this_month(&mut self, r: &Reader) -> Result<(), StoreError> {
                <$ty>::this_month(self, r)
            }
        }
    };
}
pub(crate) use month_screen;

/// The organisation a month screen shows for `org`: itself, or the branch of a cell (a
/// cell keeps no meetings and no months of its own apart from its branch's).
pub fn branch_of_cell(reader: &Reader, org: OrgUnit) -> Result<OrgUnit, StoreError> {
    if org.kind != OrgKind::Cell {
        return Ok(org);
    }
    match org.parent {
        Some(parent) => Ok(reader.org(parent)?.unwrap_or(org)),
        None => Ok(org),
    }
}

/// `org` and everything above it, outermost first: a breadcrumb.
pub fn path_of(reader: &Reader, org: &OrgUnit) -> Result<Vec<OrgUnit>, StoreError> {
    let mut path = reader.ancestors(org.id)?;
    path.reverse();
    path.push(org.clone());
    Ok(path)
}

/// Keeps `cursor` inside the window of `height` rows starting at `offset`.
pub fn scroll_to(cursor: usize, offset: usize, height: usize) -> usize {
    let height = height.max(1);
    if cursor < offset {
        cursor
    } else if cursor >= offset + height {
        cursor + 1 - height
    } else {
        offset
    }
}

/// Moves a cursor within `len` rows by `delta`, stopping at either end.
pub fn step(cursor: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    cursor.saturating_add_signed(delta).min(len - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrolling_follows_the_cursor_by_the_least_amount() {
        assert_eq!(scroll_to(5, 0, 10), 0);
        assert_eq!(scroll_to(12, 0, 10), 3);
        assert_eq!(scroll_to(2, 3, 10), 2);
        assert_eq!(step(0, -1, 5), 0);
        assert_eq!(step(3, 10, 5), 4);
        assert_eq!(step(0, 1, 0), 0);
    }
}
