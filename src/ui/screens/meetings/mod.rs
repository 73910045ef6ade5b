//! The meetings of one organisation (lịch họp), a month at a time: on the left the month
//! as a calendar, every day marked with what happens on it; on the right the rule, the
//! organisation's own meetings of the month, and — for a committee — the units directly
//! below it, each branch with its due day, the day it met and how that stands, each
//! committee with the standing of its branches counted.
//!
//! Everything shown is read once per (organisation, month) and kept: moving the cursor
//! reads nothing new but the next page of a long list of units, and going back to a month
//! seen a moment ago reads nothing at all. Only a change of data (`Msg::DataChanged`, a
//! reload) reads again. The units are read a page at a time (one `org_children` range
//! scan), so a province with thousands of communes costs one screen of them; the calendar
//! counts the units of the first page.

mod month;
mod render;

use chrono::NaiveDate;
use ratatui::layout::Rect;

use self::month::read_units;
pub use self::month::{MeetingLine, MonthData, Standing, StatusCounts, Unit, clash_checked};
use self::render::Areas;
pub use self::render::render;
use super::{branch_of_cell, path_of, scroll_to, step};
use crate::domain::date::{next_month, previous_month, year_month};
use crate::domain::{Meeting, OrgId, OrgUnit};
use crate::store::{Reader, StoreError};

/// Months kept read besides the one shown, for going back and forth with `[` and `]`.
const CACHED_MONTHS: usize = 6;

/// What the cursor is on.
pub enum Selected<'a> {
    Meeting(&'a Meeting),
    Unit(&'a Unit),
    Nothing,
}

/// The screen's state: which organisation and month, the cursor, what was read.
#[derive(Debug)]
pub struct MeetingsView {
    pub node: OrgUnit,
    /// The organisation and everything above it, outermost first: the breadcrumb.
    pub path: Vec<OrgUnit>,
    /// Organisations this one was opened from (Enter on a unit), to go back to.
    trail: Vec<OrgId>,
    cursor: usize,
    pub(super) meetings_offset: usize,
    pub(super) units_offset: usize,
    body: Rect,
    today: NaiveDate,
    pub(super) data: MonthData,
    /// Months read recently, most recent last.
    cache: Vec<MonthData>,
}

super::month_screen!(MeetingsView);

impl MeetingsView {
    /// The meetings of `org` (of its branch, for a cell) in the month of `today`.
    pub fn open(
        reader: &Reader,
        org: OrgUnit,
        today: NaiveDate,
        body: Rect,
    ) -> Result<MeetingsView, StoreError> {
        let node = branch_of_cell(reader, org)?;
        let data = MonthData::read(reader, &node, year_month(today), today)?;
        Ok(MeetingsView {
            path: path_of(reader, &node)?,
            node,
            trail: Vec::new(),
            cursor: 0,
            meetings_offset: 0,
            units_offset: 0,
            body,
            today,
            data,
            cache: Vec::new(),
        })
    }

    pub fn data(&self) -> &MonthData {
        &self.data
    }

    pub fn month(&self) -> u32 {
        self.data.month
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub(super) fn rows(&self) -> usize {
        self.data.own.len() + self.data.units.len()
    }

    pub fn selected(&self) -> Selected<'_> {
        let own = self.data.own.len();
        if self.cursor < own {
            return Selected::Meeting(&self.data.own[self.cursor].meeting);
        }
        match self.data.units.get(self.cursor - own) {
            Some(unit) => Selected::Unit(unit),
            None => Selected::Nothing,
        }
    }

    pub fn selected_meeting(&self) -> Option<&Meeting> {
        match self.selected() {
            Selected::Meeting(m) => Some(m),
            _ => None,
        }
    }

    /// The unit under the cursor with what was read of it.
    pub fn selected_unit_full(&self) -> Option<&Unit> {
        match self.selected() {
            Selected::Unit(u) => Some(u),
            _ => None,
        }
    }

    pub fn selected_unit(&self) -> Option<&OrgUnit> {
        match self.selected() {
            Selected::Unit(u) => Some(&u.org),
            _ => None,
        }
    }

    fn areas(&self) -> Areas {
        Areas::of(self.body, self)
    }

    pub fn page(&self) -> isize {
        let areas = self.areas();
        let own = self.data.own.len();
        let rows = if self.cursor < own {
            areas.meeting_rows()
        } else {
            areas.unit_rows()
        };
        rows.max(1) as isize
    }

    pub fn set_body(&mut self, reader: &Reader, body: Rect) -> Result<(), StoreError> {
        self.body = body;
        self.refresh(reader)
    }

    pub fn step(&mut self, reader: &Reader, delta: isize) -> Result<(), StoreError> {
        self.cursor = step(self.cursor, delta, self.rows());
        self.refresh(reader)
    }

    pub fn to_top(&mut self, reader: &Reader) -> Result<(), StoreError> {
        self.cursor = 0;
        self.refresh(reader)
    }

    pub fn to_bottom(&mut self, reader: &Reader) -> Result<(), StoreError> {
        self.cursor = self.rows().saturating_sub(1);
        self.refresh(reader)
    }

    /// Keeps the cursor in view and the units on screen read.
    fn refresh(&mut self, reader: &Reader) -> Result<(), StoreError> {
        self.cursor = self.cursor.min(self.rows().saturating_sub(1));
        let areas = self.areas();
        let own = self.data.own.len();
        let (meeting_rows, unit_rows) = (areas.meeting_rows(), areas.unit_rows());
        if self.cursor < own {
            self.meetings_offset = scroll_to(self.cursor, self.meetings_offset, meeting_rows);
        } else {
            self.units_offset = scroll_to(self.cursor - own, self.units_offset, unit_rows);
        }
        let units = self.data.units.len();
        self.units_offset = self.units_offset.min(units.saturating_sub(unit_rows));
        let rows = self.units_offset..self.units_offset + unit_rows;
        let key = (self.node.id, self.data.month, self.today);
        self.data.units.ensure(rows.clone(), |skip, limit| {
            read_units(reader, key, skip, limit)
        })?;
        self.data.units.keep_near(rows);
        Ok(())
    }

    /// Shows month `month` of the same organisation, from the months kept if it was read.
    pub fn show_month(&mut self, reader: &Reader, month: u32) -> Result<(), StoreError> {
        self.show(reader, self.node.clone(), month)
    }

    pub fn previous_month(&mut self, reader: &Reader) -> Result<(), StoreError> {
        self.show_month(reader, previous_month(self.data.month))
    }

    pub fn next_month(&mut self, reader: &Reader) -> Result<(), StoreError> {
        self.show_month(reader, next_month(self.data.month))
    }

    pub fn this_month(&mut self, reader: &Reader) -> Result<(), StoreError> {
        self.show_month(reader, year_month(self.today))
    }

    fn show(&mut self, reader: &Reader, node: OrgUnit, month: u32) -> Result<(), StoreError> {
        if node.id == self.node.id && month == self.data.month {
            return Ok(());
        }
        let kept = self
            .cache
            .iter()
            .position(|d| d.org == node.id && d.month == month);
        let data = match kept {
            Some(at) => self.cache.remove(at),
            None => MonthData::read(reader, &node, month, self.today)?,
        };
        if node.id != self.node.id {
            self.path = path_of(reader, &node)?;
            self.node = node;
            self.cursor = 0;
        }
        let old = std::mem::replace(&mut self.data, data);
        self.cache.push(old);
        if self.cache.len() > CACHED_MONTHS {
            self.cache.remove(0);
        }
        self.meetings_offset = 0;
        self.units_offset = 0;
        self.refresh(reader)
    }

    /// Opens the unit under the cursor, in the same month; `false` when the cursor is on
    /// no unit.
    pub fn open_unit(&mut self, reader: &Reader) -> Result<bool, StoreError> {
        let Some(unit) = self.selected_unit().cloned() else {
            return Ok(false);
        };
        let from = self.node.id;
        self.show(reader, unit, self.data.month)?;
        self.trail.push(from);
        Ok(true)
    }

    /// Back to the organisation this one was opened from, the cursor on it; `false` when
    /// it was opened from the tree.
    pub fn back(&mut self, reader: &Reader) -> Result<bool, StoreError> {
        let Some(parent) = self.trail.pop() else {
            return Ok(false);
        };
        let Some(org) = reader.org(parent)? else {
            return Ok(false);
        };
        let child = self.node.id;
        self.show(reader, org, self.data.month)?;
        self.reveal_unit(reader, child)?;
        Ok(true)
    }

    fn reveal_unit(&mut self, reader: &Reader, unit: OrgId) -> Result<(), StoreError> {
        let key = (self.node.id, self.data.month, self.today);
        let found = self.data.units.position(
            |u| u.org.id == unit,
            |skip, limit| read_units(reader, key, skip, limit),
        )?;
        if let Some(at) = found {
            self.cursor = self.data.own.len() + at;
        }
        self.refresh(reader)
    }

    /// Shows the month of `meeting` for its organisation, the cursor on it.
    pub fn reveal_meeting(
        &mut self,
        reader: &Reader,
        meeting: &Meeting,
    ) -> Result<bool, StoreError> {
        let Some(org) = reader.org(meeting.org)? else {
            return Ok(false);
        };
        let org = branch_of_cell(reader, org)?;
        if org.id != self.node.id {
            self.trail.clear();
        }
        self.show(reader, org, year_month(meeting.date))?;
        match self
            .data
            .own
            .iter()
            .position(|l| l.meeting.id == meeting.id)
        {
            Some(at) => {
                self.cursor = at;
                self.refresh(reader)?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Judges what it shows on `today` from the next read on (the clock passed midnight).
    pub fn set_today(&mut self, today: NaiveDate) {
        self.today = today;
    }

    /// Reads everything again (the data changed), keeping the month and the cursor.
    pub fn reload(&mut self, reader: &Reader) -> Result<(), StoreError> {
        self.cache.clear();
        if let Some(node) = reader.org(self.node.id)? {
            self.path = path_of(reader, &node)?;
            self.node = node;
        }
        self.data = MonthData::read(reader, &self.node, self.data.month, self.today)?;
        self.refresh(reader)
    }

    /// Units whose pages are held: never more than a few screens.
    pub fn unit_pages_held(&self) -> usize {
        self.data.units.pages_held()
    }
}
