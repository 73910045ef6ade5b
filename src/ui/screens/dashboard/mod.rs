//! The dashboard (bảng tổng hợp) of one organisation in one month: on the left its numbers —
//! branches due and how they met, meetings, attendance, visits from above, members by
//! status, last year's classification against the target, its committee's visiting quotas
//! — and the twelve-month trend of its attendance rate and on-time share; on the right the
//! units below it, worst first, each with its own shares and its last twelve months as a
//! heat map (for a branch: its own twelve months).
//!
//! Everything comes from the roll-ups (see `data.rs`), is read once per (organisation,
//! month) and kept with the last few, as the meetings screen keeps its months: moving the
//! cursor reads only the rows coming on screen, `[` and `]` back to a month just seen read
//! nothing. Enter goes down into the unit under the cursor, Backspace up to the parent.

mod data;
mod render;

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;

pub use self::data::{
    Band, Below, MonthData, NodeFacts, Ranked, RowDetail, Shares, TREND_MONTHS, graded_year,
};
use self::render::Areas;
pub use self::render::render;
use super::{MonthScreen, Ui, branch_of_cell, path_of, scroll_to, step};
use crate::domain::{OrgId, OrgUnit, YearMonth};
use crate::io::report::{self, Format, Period};
use crate::store::{Reader, StoreError};
use crate::ui::i18n::dashboard as words;
use crate::ui::keymap::{Action, Context};
use crate::ui::layout::Regions;
use crate::ui::screen::{CommandInfo, Cx, Screen, Selection, Step};

/// (Organisation, month) pairs kept read besides the one shown.
const CACHED: usize = 6;

#[derive(Debug)]
pub struct DashboardView {
    pub node: OrgUnit,
    /// The node and everything above it, outermost first: the breadcrumb.
    pub path: Vec<OrgUnit>,
    /// Organisations this one was entered from (Enter on a unit), to go back to with Esc.
    trail: Vec<OrgId>,
    cursor: usize,
    pub(super) offset: usize,
    body: Rect,
    today: NaiveDate,
    pub data: MonthData,
    pub facts: NodeFacts,
    cache: Vec<MonthData>,
}

super::month_screen!(DashboardView);

impl DashboardView {
    /// The dashboard of `org` (of its branch, for a cell) in month `month`.
    pub fn open(
        reader: &Reader,
        org: OrgUnit,
        month: YearMonth,
        today: NaiveDate,
        body: Rect,
    ) -> Result<DashboardView, StoreError> {
        let node = branch_of_cell(reader, org)?;
        let mut view = DashboardView {
            path: path_of(reader, &node)?,
            data: MonthData::read(reader, &node, month, today)?,
            facts: NodeFacts::read(reader, &node, month, today)?,
            node,
            trail: Vec::new(),
            cursor: 0,
            offset: 0,
            body,
            today,
            cache: Vec::new(),
        };
        view.refresh(reader)?;
        Ok(view)
    }

    pub fn month(&self) -> YearMonth {
        self.data.month
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn today(&self) -> NaiveDate {
        self.today
    }

    fn areas(&self) -> Areas {
        Areas::of(self.body)
    }

    /// Rows of the list one page moves.
    pub fn page(&self) -> isize {
        self.areas().list_rows().max(1) as isize
    }

    pub fn set_body(&mut self, reader: &Reader, body: Rect) -> Result<(), StoreError> {
        self.body = body;
        self.refresh(reader)
    }

    pub fn step(&mut self, reader: &Reader, delta: isize) -> Result<(), StoreError> {
        self.cursor = step(self.cursor, delta, self.data.rows());
        self.refresh(reader)
    }

    pub fn to_top(&mut self, reader: &Reader) -> Result<(), StoreError> {
        self.cursor = 0;
        self.refresh(reader)
    }

    pub fn to_bottom(&mut self, reader: &Reader) -> Result<(), StoreError> {
        self.cursor = self.data.rows().saturating_sub(1);
        self.refresh(reader)
    }

    /// Keeps the cursor in view and the rows on screen read.
    fn refresh(&mut self, reader: &Reader) -> Result<(), StoreError> {
        let rows = self.areas().list_rows();
        self.cursor = self.cursor.min(self.data.rows().saturating_sub(1));
        self.offset = scroll_to(self.cursor, self.offset, rows);
        self.offset = self.offset.min(self.data.rows().saturating_sub(rows));
        self.data
            .ensure_details(reader, self.offset..self.offset + rows, self.today)
    }

    pub fn previous_month(&mut self, reader: &Reader) -> Result<(), StoreError> {
        self.show(reader, self.node.clone(), self.data.month.previous())
    }

    pub fn next_month(&mut self, reader: &Reader) -> Result<(), StoreError> {
        self.show(reader, self.node.clone(), self.data.month.next())
    }

    pub fn this_month(&mut self, reader: &Reader) -> Result<(), StoreError> {
        self.show(reader, self.node.clone(), YearMonth::of(self.today))
    }

    /// `node` in `month`, from the months kept when it was read a moment ago. When only the
    /// month changes the cursor stays on the same unit (ranked anew, it may have moved),
    /// or on a branch's month shown, the top row; another organisation starts at the top.
    fn show(&mut self, reader: &Reader, node: OrgUnit, month: YearMonth) -> Result<(), StoreError> {
        if node.id == self.node.id && month == self.data.month {
            return Ok(());
        }
        let kept = self
            .cache
            .iter()
            .position(|d| d.node == node.id && d.month == month);
        let data = match kept {
            Some(at) => self.cache.remove(at),
            None => MonthData::read(reader, &node, month, self.today)?,
        };
        if node.id == self.node.id {
            self.facts
                .follow_month(reader, &self.node, month, self.today)?;
            let selected = self.data.unit_at(self.cursor);
            self.cursor = selected.and_then(|id| data.position_of(id)).unwrap_or(0);
        } else {
            self.facts = NodeFacts::read(reader, &node, month, self.today)?;
            self.path = path_of(reader, &node)?;
            self.node = node;
            self.cursor = 0;
            self.offset = 0;
        }
        let old = std::mem::replace(&mut self.data, data);
        self.cache.push(old);
        if self.cache.len() > CACHED {
            self.cache.remove(0);
        }
        self.refresh(reader)
    }

    /// Enter: the unit under the cursor, in the same month; for a branch, the month under
    /// the cursor. `false` when there is nothing to open.
    pub fn open_selected(&mut self, reader: &Reader) -> Result<bool, StoreError> {
        if let Some(month) = self.data.month_at(self.cursor) {
            self.show(reader, self.node.clone(), month)?;
            return Ok(true);
        }
        let Some(id) = self.data.unit_at(self.cursor) else {
            return Ok(false);
        };
        let Some(unit) = reader.org(id)? else {
            return Ok(false);
        };
        let from = self.node.id;
        self.show(reader, unit, self.data.month)?;
        self.trail.push(from);
        Ok(true)
    }

    /// Backspace: the organisation above, the cursor on the one left; `false` at a root.
    pub fn up(&mut self, reader: &Reader) -> Result<bool, StoreError> {
        let Some(parent) = self.node.parent else {
            return Ok(false);
        };
        if self.trail.last() == Some(&parent) {
            self.trail.pop();
        } else {
            // Above where the dashboard was opened: the way back is no longer the way in.
            self.trail.clear();
        }
        self.go_to(reader, parent)
    }

    /// Esc: back to the organisation this one was entered from; `false` when it was opened
    /// here (the dashboard then closes).
    pub fn back(&mut self, reader: &Reader) -> Result<bool, StoreError> {
        match self.trail.pop() {
            Some(from) => self.go_to(reader, from),
            None => Ok(false),
        }
    }

    fn go_to(&mut self, reader: &Reader, id: OrgId) -> Result<bool, StoreError> {
        let Some(org) = reader.org(id)? else {
            return Ok(false);
        };
        let child = self.node.id;
        self.show(reader, org, self.data.month)?;
        if let Some(at) = self.data.position_of(child) {
            self.cursor = at;
        }
        self.refresh(reader)?;
        Ok(true)
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
        self.facts = NodeFacts::read(reader, &self.node, self.data.month, self.today)?;
        self.refresh(reader)
    }

    /// Organisation records held for the list: never more than a few screens.
    pub fn details_held(&self) -> usize {
        self.data.details_held()
    }
}

impl DashboardView {
    /// F6: the month shown, one row per branch of the node and their total, as the workbook
    /// `chibo report attendance --by branch --format xlsx` writes, where this user's exports
    /// go; the status line names the file.
    fn export_by_branch(&self, cx: &mut Cx<'_>) {
        let lang = cx.lang;
        let month = self.month();
        let written = cx
            .store
            .read()
            .and_then(|r| r.attendance_by_branch(self.node.id, month, month))
            .map_err(|e| e.message(lang))
            .and_then(|rows| {
                let mut bytes = Vec::new();
                let period = Period::Month(month);
                report::attendance_by_branch(
                    &self.node,
                    period,
                    &rows,
                    self.today,
                    Format::Xlsx,
                    lang,
                    &mut bytes,
                )
                .map_err(|e| e.to_string())?;
                let name = report::by_branch_file_name(&self.node, month);
                cx.files.export(&name, &bytes).map_err(|e| e.message(lang))
            });
        match written {
            Ok(at) => cx.say(words::exported(lang, &at)),
            Err(message) => {
                tracing::warn!(%message, "dashboard export failed");
                cx.refuse(message);
            }
        }
    }
}

const COMMANDS: &[CommandInfo] = &[
    CommandInfo::new(&[Action::PrevMonth, Action::NextMonth]),
    CommandInfo::new(&[Action::Down, Action::Up]),
    CommandInfo::new(&[Action::Open]),
    CommandInfo::new(&[Action::Parent]),
    CommandInfo::new(&[Action::Back]),
    CommandInfo::new(&[Action::Help]),
    CommandInfo::new(&[Action::ThisMonth]),
    CommandInfo::new(&[Action::Quotas]),
    CommandInfo::new(&[Action::Export]),
    CommandInfo::new(&[Action::Grades]),
    CommandInfo::new(&[Action::Quit]),
];

impl Screen for DashboardView {
    fn context(&self) -> Context {
        Context::Dashboard
    }

    fn commands(&self) -> Vec<CommandInfo> {
        COMMANDS.to_vec()
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx<'_>) -> Step {
        if action == Action::Quotas {
            return super::home::open_quotas(Some(self.node.clone()), cx);
        }
        if action == Action::Grades {
            return super::grades::open(Some(self.node.clone()), cx);
        }
        if action == Action::Export {
            self.export_by_branch(cx);
            return Step::Changed;
        }
        let page = self.page();
        let before = (self.node.id, self.month(), self.cursor());
        let stays = cx.read(|r| {
            if self.navigate(r, action, page)? {
                return Ok(true);
            }
            match action {
                Action::Open => {
                    self.open_selected(r)?;
                }
                Action::Parent => return self.up(r),
                Action::Back => return self.back(r),
                _ => {}
            }
            Ok(true)
        });
        if stays == Some(false) {
            return Step::Back;
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
            ..Selection::default()
        }
    }

    fn reload(&mut self, reader: &Reader) -> Result<bool, StoreError> {
        DashboardView::reload(self, reader).map(|()| true)
    }

    fn resize(&mut self, reader: &Reader, regions: Regions) -> Result<(), StoreError> {
        self.set_body(reader, regions.body)
    }

    fn set_today(&mut self, today: NaiveDate) {
        DashboardView::set_today(self, today);
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
