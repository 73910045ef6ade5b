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
//! scan), so a province with thousands of communes costs one screen of them. The branches
//! counted on top are the organisation's roll-up of the month, every branch below it; the
//! calendar marks the days of the units of the first page, and says so when there are more.

mod month;
mod render;

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;

use self::month::read_units;
pub use self::month::{MeetingLine, MonthData, Standing, StatusCounts, Unit, clash_checked};
use self::render::Areas;
pub use self::render::render;
use super::{MonthScreen, Ui, branch_of_cell, path_of, scroll_to, step};
use crate::domain::{Meeting, OrgId, OrgUnit, YearMonth};
use crate::store::{Reader, StoreError};
use crate::ui::forms::CalendarSubject;
use crate::ui::keymap::{Action, Context};
use crate::ui::layout::Regions;
use crate::ui::screen::{CommandInfo, Cx, Screen, Selection, Step, Target, offered};

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
        let data = MonthData::read(reader, &node, YearMonth::of(today), today)?;
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

    pub fn month(&self) -> YearMonth {
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
    pub fn show_month(&mut self, reader: &Reader, month: YearMonth) -> Result<(), StoreError> {
        self.show(reader, self.node.clone(), month)
    }

    pub fn previous_month(&mut self, reader: &Reader) -> Result<(), StoreError> {
        self.show_month(reader, self.data.month.previous())
    }

    pub fn next_month(&mut self, reader: &Reader) -> Result<(), StoreError> {
        self.show_month(reader, self.data.month.next())
    }

    pub fn this_month(&mut self, reader: &Reader) -> Result<(), StoreError> {
        self.show_month(reader, YearMonth::of(self.today))
    }

    fn show(&mut self, reader: &Reader, node: OrgUnit, month: YearMonth) -> Result<(), StoreError> {
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
        self.show(reader, org, YearMonth::of(meeting.date))?;
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

const COMMANDS: &[CommandInfo] = &[
    CommandInfo::new(&[Action::PrevMonth, Action::NextMonth]),
    CommandInfo::new(&[Action::Down, Action::Up]),
    CommandInfo::new(&[Action::Plan]),
    CommandInfo::new(&[Action::RecordHeld]),
    CommandInfo::new(&[Action::Back]),
    CommandInfo::new(&[Action::Help]),
    CommandInfo::new(&[Action::Open]),
    CommandInfo::new(&[Action::Prepare]),
    CommandInfo::new(&[Action::SendPlan]),
    CommandInfo::new(&[Action::Attach]),
    CommandInfo::new(&[Action::WriteDocument]),
    CommandInfo::new(&[Action::Reschedule]),
    CommandInfo::new(&[Action::CancelMeeting]),
    CommandInfo::new(&[Action::Guests]),
    CommandInfo::new(&[Action::Assign]),
    CommandInfo::new(&[Action::Quotas]),
    CommandInfo::new(&[Action::Dashboard]),
    CommandInfo::new(&[Action::Quit]),
];

impl Screen for MeetingsView {
    fn context(&self) -> Context {
        Context::Meetings
    }

    fn commands(&self) -> Vec<CommandInfo> {
        offered(COMMANDS, |action| self.can(action))
    }

    /// What acts on a meeting needs the cursor on one.
    fn can(&self, action: Action) -> bool {
        match action {
            Action::Reschedule | Action::CancelMeeting | Action::Guests => {
                self.selected_meeting().is_some()
            }
            _ => true,
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx<'_>) -> Step {
        match action {
            Action::Quotas => return super::home::open_quotas(Some(self.node.clone()), cx),
            Action::Dashboard => {
                let (org, month) = (Some(self.node.clone()), self.month());
                return super::home::open_dashboard(org, month, cx);
            }
            _ => {}
        }
        let page = self.page();
        let before = (self.node.id, self.month(), self.cursor());
        let mut opening = None;
        let went_back = cx.read(|r| {
            if self.navigate(r, action, page)? {
                return Ok(false);
            }
            match action {
                Action::Open => match self.selected_meeting() {
                    Some(meeting) => opening = Some(meeting.id),
                    None => {
                        self.open_unit(r)?;
                    }
                },
                Action::Back => return self.back(r).map(|went| !went),
                _ => {}
            }
            Ok(false)
        });
        if went_back == Some(true) {
            return Step::Back;
        }
        if let Some(id) = opening {
            return super::record::open(id, cx);
        }
        Step::changed_if(before != (self.node.id, self.month(), self.cursor()))
    }

    fn render(&self, frame: &mut Frame<'_>, body: Rect, keys_here: bool, ui: &Ui<'_>) {
        render(frame, body, self, keys_here, ui);
    }

    fn path(&self) -> Option<&[OrgUnit]> {
        Some(&self.path)
    }

    fn selection(&self) -> Selection<'_> {
        Selection {
            org: Some(&self.node),
            member: None,
            calendar: Some(CalendarSubject {
                node: &self.node,
                month: self.month(),
                meeting: self.selected_meeting(),
                unit: self.selected_unit(),
            }),
        }
    }

    fn reload(&mut self, reader: &Reader) -> Result<bool, StoreError> {
        MeetingsView::reload(self, reader).map(|()| true)
    }

    fn resize(&mut self, reader: &Reader, regions: Regions) -> Result<(), StoreError> {
        self.set_body(reader, regions.body)
    }

    fn set_today(&mut self, today: NaiveDate) {
        MeetingsView::set_today(self, today);
    }

    /// Back from a meeting's record: the roll and the minutes may have changed what the
    /// month shows.
    fn resumed(&mut self, cx: &mut Cx<'_>) {
        cx.read(|r| MeetingsView::reload(self, r));
    }

    /// A meeting: its month, the cursor on it.
    fn reveal(&mut self, target: Target, cx: &mut Cx<'_>) -> Option<bool> {
        let Target::Meeting(id) = target else {
            return None;
        };
        let found = cx.read(|r| match r.meeting(id)? {
            Some(meeting) => self.reveal_meeting(r, &meeting),
            None => Ok(false),
        });
        Some(found.unwrap_or(true))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
