//! The screen chibo opens on and every other screen goes back to: the organisation tree on
//! the left and, on the right, the roster of the branch or cell selected or what the
//! committee selected is. Tab moves the keys between the two panes.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;

use super::member_detail::MemberDetail;
use super::members::{self, Roster};
use super::org_info::{self, OrgInfo};
use super::tree::{self, TreeState};
use super::{Ui, dashboard, meetings};
use crate::domain::{MemberId, OrgKind, OrgUnit, YearMonth};
use crate::store::{Reader, StoreError};
use crate::ui::i18n::Text;
use crate::ui::keymap::{Action, Context};
use crate::ui::layout::{Regions, list_rows, panes};
use crate::ui::screen::{CommandInfo, Cx, Screen, Selection, Step, Target, offered};

/// The right pane: the roster of a branch or cell, or what a committee is.
#[derive(Debug)]
pub enum RightPane {
    Nothing,
    Info(OrgInfo),
    Roster(Roster),
}

impl RightPane {
    fn org(&self) -> Option<&OrgUnit> {
        match self {
            RightPane::Nothing => None,
            RightPane::Info(info) => Some(&info.org),
            RightPane::Roster(roster) => Some(&roster.org),
        }
    }
}

/// Which pane has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Tree,
    Members,
}

pub struct Home {
    pub tree: TreeState,
    pub right: RightPane,
    pub pane: Pane,
    /// Rows the tree and the roster show, from the terminal's size.
    rows: (usize, usize),
}

const TREE_COMMANDS: &[CommandInfo] = &[
    CommandInfo::new(&[Action::Down, Action::Up]),
    CommandInfo::new(&[Action::Toggle]),
    CommandInfo::new(&[Action::SwitchPane]),
    CommandInfo::new(&[Action::Search]),
    CommandInfo::new(&[Action::Help]),
    CommandInfo::new(&[Action::Quit]),
    // Editing keys last: shown when the terminal is wide enough.
    CommandInfo::new(&[Action::Add]),
    CommandInfo::new(&[Action::Rename]),
    CommandInfo::new(&[Action::Move]),
    CommandInfo::new(&[Action::Dissolve]),
    CommandInfo::new(&[Action::Calendar]),
    CommandInfo::new(&[Action::Quotas]),
    CommandInfo::new(&[Action::Dashboard]),
    CommandInfo::new(&[Action::Grade]),
    CommandInfo::new(&[Action::Grades]),
];

const MEMBERS_COMMANDS: &[CommandInfo] = &[
    CommandInfo::new(&[Action::Down, Action::Up]),
    CommandInfo::new(&[Action::Open]),
    CommandInfo::new(&[Action::SwitchPane]),
    CommandInfo::new(&[Action::Search]),
    CommandInfo::new(&[Action::Help]),
    CommandInfo::new(&[Action::Quit]),
    CommandInfo::new(&[Action::Add]),
    CommandInfo::new(&[Action::Edit]),
    CommandInfo::new(&[Action::ChangeStatus]),
    CommandInfo::new(&[Action::Calendar]),
    CommandInfo::new(&[Action::Quotas]),
    CommandInfo::new(&[Action::Dashboard]),
    CommandInfo::new(&[Action::Grade]),
    CommandInfo::new(&[Action::Grades]),
];

impl Home {
    /// The top of the tree, its first organisation shown on the right; members counted as
    /// they stand in `today`'s month.
    pub fn read(reader: &Reader, regions: Regions, today: NaiveDate) -> Result<Home, StoreError> {
        let rows = rows_of(regions);
        let mut home = Home {
            tree: TreeState::read(reader, rows.0, YearMonth::of(today))?,
            right: RightPane::Nothing,
            pane: Pane::Tree,
            rows,
        };
        home.show_selection(reader)?;
        Ok(home)
    }

    /// Before the store could be read: an empty tree.
    pub fn empty(regions: Regions) -> Home {
        Home {
            tree: TreeState::empty(),
            right: RightPane::Nothing,
            pane: Pane::Tree,
            rows: rows_of(regions),
        }
    }

    fn roster(&self) -> Option<&Roster> {
        match &self.right {
            RightPane::Roster(roster) => Some(roster),
            _ => None,
        }
    }

    /// The organisation the meetings screen, the dashboard and the quotas open on.
    fn org(&self) -> Option<OrgUnit> {
        self.tree.selected().map(|node| node.org.clone())
    }

    fn tree_action(&mut self, action: Action, cx: &mut Cx<'_>) -> Step {
        if action == Action::SwitchPane {
            return self.focus_members(cx);
        }
        let before = (self.tree.cursor(), self.tree.len());
        let page = self.tree.page();
        cx.read(|r| {
            let tree = &mut self.tree;
            match action {
                Action::Up => tree.step(r, -1),
                Action::Down => tree.step(r, 1),
                Action::PageUp => tree.step(r, -page),
                Action::PageDown => tree.step(r, page),
                Action::Top => tree.to_top(r),
                Action::Bottom => tree.to_bottom(r),
                Action::Expand => tree.expand(r),
                Action::Collapse => tree.collapse(r),
                Action::Toggle => tree.toggle(r),
                _ => Ok(()),
            }?;
            self.show_selection(r)
        });
        Step::changed_if(before != (self.tree.cursor(), self.tree.len()))
    }

    fn focus_members(&mut self, cx: &mut Cx<'_>) -> Step {
        if self.roster().is_some() {
            self.pane = Pane::Members;
        } else {
            cx.info(Text::PickABranch);
        }
        Step::Changed
    }

    fn members_action(&mut self, action: Action, cx: &mut Cx<'_>) -> Step {
        let Some(roster) = self.roster() else {
            self.pane = Pane::Tree;
            return Step::Changed;
        };
        match action {
            Action::Back | Action::SwitchPane => {
                self.pane = Pane::Tree;
                return Step::Changed;
            }
            Action::Open => {
                let Some(id) = roster.selected().map(|m| m.id) else {
                    return Step::Ignored;
                };
                return open_detail(id, cx);
            }
            _ => {}
        }
        let page = roster.page();
        let moved = cx.read(|r| {
            let RightPane::Roster(roster) = &mut self.right else {
                return Ok(false);
            };
            let before = roster.selected().map(|m| m.id);
            match action {
                Action::Up => roster.step(r, -1),
                Action::Down => roster.step(r, 1),
                Action::PageUp => roster.step(r, -page),
                Action::PageDown => roster.step(r, page),
                Action::Top => roster.to_top(r),
                Action::Bottom => roster.to_bottom(r),
                _ => Ok(()),
            }?;
            Ok(before != roster.selected().map(|m| m.id))
        });
        Step::changed_if(moved.unwrap_or(true))
    }

    /// Makes the right pane show the organisation selected in the tree.
    fn show_selection(&mut self, reader: &Reader) -> Result<(), StoreError> {
        let Some(node) = self.tree.selected().cloned() else {
            self.right = RightPane::Nothing;
            self.leave_right_pane();
            return Ok(());
        };
        if self.right.org() == Some(&node.org) {
            return Ok(());
        }
        self.right = if node.org.kind.is_branch() || node.org.kind == OrgKind::Cell {
            RightPane::Roster(Roster::read(reader, node.org, node.totals, self.rows.1)?)
        } else {
            RightPane::Info(OrgInfo::read(reader, node.org, node.totals)?)
        };
        self.leave_right_pane();
        Ok(())
    }

    /// The keys go back to the tree when the right pane has no list to move in.
    fn leave_right_pane(&mut self) {
        if self.pane == Pane::Members && self.roster().is_none() {
            self.pane = Pane::Tree;
        }
    }

    /// Selects `org` in the tree and, when given, `member` in its roster.
    fn show(
        &mut self,
        reader: &Reader,
        org: crate::domain::OrgId,
        member: Option<MemberId>,
    ) -> Result<bool, StoreError> {
        if !self.tree.reveal(reader, org)? {
            return Ok(false);
        }
        self.show_selection(reader)?;
        self.pane = Pane::Tree;
        let Some(member) = member else {
            return Ok(true);
        };
        let RightPane::Roster(roster) = &mut self.right else {
            return Ok(false);
        };
        let found = roster.reveal(reader, member)?;
        if found {
            self.pane = Pane::Members;
        }
        Ok(found)
    }
}

fn rows_of(regions: Regions) -> (usize, usize) {
    let (left, right) = panes(regions.body);
    (list_rows(left), list_rows(right))
}

/// Enter on a member: their details.
fn open_detail(id: MemberId, cx: &mut Cx<'_>) -> Step {
    match cx.read(|r| MemberDetail::read(r, id)) {
        Some(Some(detail)) => Step::Push(Box::new(detail)),
        Some(None) => {
            cx.error(Text::NotFound);
            Step::Changed
        }
        None => Step::Changed,
    }
}

/// `c`: the meetings of `org`, this month.
pub fn open_meetings(org: Option<OrgUnit>, cx: &mut Cx<'_>) -> Step {
    let Some(org) = org else {
        cx.error(Text::PickAnOrg);
        return Step::Changed;
    };
    let (today, body) = (cx.today, cx.body());
    match cx.read(|r| meetings::MeetingsView::open(r, org, today, body)) {
        Some(view) => Step::Push(Box::new(view)),
        None => Step::Changed,
    }
}

/// `b`: the dashboard of `org` in `month`.
pub fn open_dashboard(org: Option<OrgUnit>, month: YearMonth, cx: &mut Cx<'_>) -> Step {
    let Some(org) = org else {
        cx.error(Text::PickAnOrg);
        return Step::Changed;
    };
    let (today, body) = (cx.today, cx.body());
    match cx.read(|r| dashboard::DashboardView::open(r, org, month, today, body)) {
        Some(view) => Step::Push(Box::new(view)),
        None => Step::Changed,
    }
}

/// `v`: committee members' visits against their quotas, for `org`.
pub fn open_quotas(org: Option<OrgUnit>, cx: &mut Cx<'_>) -> Step {
    let Some(org) = org else {
        cx.error(Text::PickAnOrg);
        return Step::Changed;
    };
    let today = cx.today;
    match cx.read(|r| super::quotas::Quotas::read(r, &org, today)) {
        Some(quotas) => Step::Open(Box::new(quotas)),
        None => Step::Changed,
    }
}

impl Screen for Home {
    fn context(&self) -> Context {
        match self.pane {
            Pane::Tree => Context::Tree,
            Pane::Members => Context::Members,
        }
    }

    fn commands(&self) -> Vec<CommandInfo> {
        match self.pane {
            Pane::Tree => TREE_COMMANDS.to_vec(),
            Pane::Members => offered(MEMBERS_COMMANDS, |action| self.can(action)),
        }
    }

    /// What acts on a member needs one selected in the list.
    fn can(&self, action: Action) -> bool {
        match (self.pane, action) {
            (Pane::Members, Action::Open | Action::Edit | Action::ChangeStatus | Action::Grade) => {
                self.roster().is_some_and(|r| r.selected().is_some())
            }
            _ => true,
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx<'_>) -> Step {
        match action {
            Action::Calendar => return open_meetings(self.org(), cx),
            Action::Quotas => return open_quotas(self.org(), cx),
            Action::Grades => return super::grades::open(self.org(), cx),
            Action::Dashboard => {
                let month = YearMonth::of(cx.today);
                return open_dashboard(self.org(), month, cx);
            }
            _ => {}
        }
        match self.pane {
            Pane::Tree => self.tree_action(action, cx),
            Pane::Members => self.members_action(action, cx),
        }
    }

    fn render(&self, frame: &mut Frame<'_>, body: Rect, keys_here: bool, ui: &Ui<'_>) {
        let (left, right) = panes(body);
        tree::render(
            frame,
            left,
            &self.tree,
            keys_here && self.pane == Pane::Tree,
            ui,
        );
        let focused = keys_here && self.pane == Pane::Members;
        match &self.right {
            RightPane::Roster(roster) => members::render(frame, right, roster, focused, ui),
            RightPane::Info(info) => org_info::render(frame, right, info, focused, ui),
            RightPane::Nothing => {}
        }
    }

    fn path(&self) -> Option<&[OrgUnit]> {
        Some(self.tree.breadcrumb())
    }

    fn selection(&self) -> Selection<'_> {
        let member = match self.pane {
            Pane::Members => self.roster().and_then(Roster::selected),
            Pane::Tree => None,
        };
        Selection {
            org: self.tree.selected().map(|node| &node.org),
            member,
            calendar: None,
        }
    }

    fn reload(&mut self, reader: &Reader) -> Result<bool, StoreError> {
        let member = match self.pane {
            Pane::Members => self.roster().and_then(Roster::selected).map(|m| m.id),
            Pane::Tree => None,
        };
        self.tree.reload(reader)?;
        self.right = RightPane::Nothing;
        self.show_selection(reader)?;
        if let (Some(id), RightPane::Roster(roster)) = (member, &mut self.right) {
            roster.reveal(reader, id)?;
        }
        Ok(true)
    }

    fn resize(&mut self, reader: &Reader, regions: Regions) -> Result<(), StoreError> {
        self.rows = rows_of(regions);
        self.tree.set_height(reader, self.rows.0)?;
        if let RightPane::Roster(roster) = &mut self.right {
            roster.set_height(reader, self.rows.1)?;
        }
        self.show_selection(reader)
    }

    fn resumed(&mut self, _cx: &mut Cx<'_>) {
        self.leave_right_pane();
    }

    fn reveal(&mut self, target: Target, cx: &mut Cx<'_>) -> Option<bool> {
        let found = cx.read(|r| {
            let (org, member) = match target {
                Target::Meeting(_) => return Ok(None),
                Target::Org(org) => (org, None),
                Target::Member(id) => match r.member(id)? {
                    Some(member) => (member.org, Some(id)),
                    None => return Ok(Some(false)),
                },
            };
            self.show(r, org, member).map(Some)
        });
        match found {
            Some(answer) => answer,
            // The read failed (said in the status line): the jump is taken, and found nothing.
            None => Some(true),
        }
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
