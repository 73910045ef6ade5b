//! What the meetings screen shows of one organisation in one month, read once: its rule,
//! its own meetings (with the clashes of those planned), its standing when it is a branch,
//! its branches counted by standing (a committee: from its roll-up, every branch of its
//! subtree), the units directly below it a page at a time, and the calendar's marks.

use chrono::NaiveDate;

use super::super::calendar::{DayMark, DayMarks};
use crate::domain::duration::DurationConfig;
use crate::domain::role::span_covers;
use crate::domain::{
    Compliance, Meeting, MeetingKind, MeetingState, MonthStats, OrgId, OrgKind, OrgUnit,
    ScheduleRule, YearMonth,
};
use crate::store::{BranchClash, BranchStatus, ComplianceRow, Reader, StoreError};
use crate::ui::paged::{PAGE, Paged};

/// Whether a meeting of an organisation of `org` kind is checked against the days its
/// branches meet: any meeting of a committee, a committee or extraordinary meeting anywhere.
pub fn clash_checked(org: OrgKind, kind: MeetingKind) -> bool {
    !org.is_branch() || matches!(kind, MeetingKind::Committee | MeetingKind::Extraordinary)
}

/// One meeting and, while it is planned, the branches whose meeting day it falls on.
#[derive(Debug, Clone)]
pub struct MeetingLine {
    pub meeting: Meeting,
    pub clashes: Vec<BranchClash>,
    /// The names of its guests from above (read for the organisation's own meetings).
    pub guests: Vec<String>,
    /// The name of the member drafting its content and resolution, when one is named.
    pub drafter: Option<String>,
}

impl MeetingLine {
    fn read(reader: &Reader, org: &OrgUnit, meeting: Meeting) -> Result<MeetingLine, StoreError> {
        let clashes =
            if meeting.state == MeetingState::Planned && clash_checked(org.kind, meeting.kind) {
                reader.clashes_of(&meeting)?
            } else {
                Vec::new()
            };
        Ok(MeetingLine {
            meeting,
            clashes,
            guests: Vec::new(),
            drafter: None,
        })
    }

    /// With the names of its guests, for the details of a meeting shown.
    fn with_guests(mut self, reader: &Reader) -> Result<MeetingLine, StoreError> {
        for member in reader.guests_of(self.meeting.id)? {
            self.guests.push(member.name);
        }
        if let Some(drafter) = self.meeting.drafter {
            self.drafter = reader.member(drafter)?.map(|m| m.name);
        }
        Ok(self)
    }
}

/// How many branches stand each way in a month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatusCounts([u32; 7]);

impl StatusCounts {
    fn slot(status: Compliance) -> usize {
        Compliance::ALL
            .iter()
            .position(|c| *c == status)
            .unwrap_or(0)
    }

    pub fn add(&mut self, status: Compliance) {
        self.0[StatusCounts::slot(status)] += 1;
    }

    pub fn merge(&mut self, other: &StatusCounts) {
        for (mine, theirs) in self.0.iter_mut().zip(other.0) {
            *mine += theirs;
        }
    }

    pub fn get(&self, status: Compliance) -> u32 {
        self.0[StatusCounts::slot(status)]
    }

    pub fn branches(&self) -> u32 {
        self.0.iter().sum()
    }

    /// The branches of a roll-up by their standing on `today`: every branch whose regular
    /// meeting was due (those owing none are not in a roll-up, and not counted).
    pub fn of_stats(stats: &MonthStats, today: NaiveDate) -> StatusCounts {
        let mut counts = StatusCounts::default();
        for status in Compliance::ALL {
            counts.0[StatusCounts::slot(*status)] = stats.count(*status, today);
        }
        counts
    }
}

/// How a unit below the organisation shown stands in the month.
#[derive(Debug, Clone)]
pub enum Standing {
    Branch(ComplianceRow),
    /// A committee: its branches, counted by status.
    Committee(StatusCounts),
}

/// A unit directly below the organisation shown, with its own meetings of the month.
#[derive(Debug, Clone)]
pub struct Unit {
    pub org: OrgUnit,
    pub standing: Standing,
    pub meetings: Vec<MeetingLine>,
    /// For a committee: its branches' standing on the days concerned, for the calendar.
    pub below: DayMarks,
    /// For a branch: its plan for the month and what the committee above is flagged about.
    pub prep: Option<BranchStatus>,
}

impl Unit {
    fn read(
        reader: &Reader,
        org: OrgUnit,
        month: YearMonth,
        today: NaiveDate,
    ) -> Result<Unit, StoreError> {
        let report = reader.compliance_report(org.id, month, today)?;
        let prep = branch_status(reader, &org, month, today)?;
        let mut below = DayMarks::default();
        let standing = if org.kind.is_branch() {
            let row = report.into_iter().find(|r| r.branch.id == org.id);
            Standing::Branch(row.ok_or_else(|| {
                StoreError::Corrupt(format!("no compliance for branch {}", org.code))
            })?)
        } else {
            let mut counts = StatusCounts::default();
            for row in &report {
                counts.add(row.status);
                // Their meetings are not read at this level: a due day shows as due even
                // when a meeting is planned for another day.
                mark_status(&mut below, row, &[]);
            }
            Standing::Committee(counts)
        };
        let meetings = reader
            .meetings_in_month(org.id, month)?
            .into_iter()
            .map(|m| MeetingLine::read(reader, &org, m))
            .collect::<Result<_, _>>()?;
        Ok(Unit {
            org,
            standing,
            meetings,
            below,
            prep,
        })
    }

    /// The day a planned regular meeting is set for, for a branch not yet met.
    pub(super) fn planned_day(&self) -> Option<NaiveDate> {
        planned_regular(&self.meetings)
    }
}

/// The branch-status row of `org` for `month` (its plan, documents, quorum, duration and
/// absentees flagged), when it is a branch; the minimum durations are the rule's own.
pub(super) fn branch_status(
    reader: &Reader,
    org: &OrgUnit,
    month: YearMonth,
    today: NaiveDate,
) -> Result<Option<BranchStatus>, StoreError> {
    if !org.kind.is_branch() {
        return Ok(None);
    }
    let rows = reader.branch_statuses(org.id, month, today, &DurationConfig::default())?;
    Ok(rows.into_iter().find(|r| r.branch.id == org.id))
}

fn planned_regular(lines: &[MeetingLine]) -> Option<NaiveDate> {
    lines
        .iter()
        .map(|l| &l.meeting)
        .find(|m| m.state == MeetingState::Planned && m.kind == MeetingKind::Regular)
        .map(|m| m.date)
}

/// Everything the screen shows of one organisation in one month.
#[derive(Debug)]
pub struct MonthData {
    pub(super) org: OrgId,
    pub month: YearMonth,
    pub schedule: (Option<ScheduleRule>, u8),
    pub due: Option<NaiveDate>,
    pub own: Vec<MeetingLine>,
    /// The organisation's own standing, when it is a branch.
    pub status: Option<ComplianceRow>,
    /// Committee members assigned to the branch shown, today.
    pub overseers: Vec<String>,
    /// The branch's plan for the month and its flags, when the organisation is a branch.
    pub prep: Option<BranchStatus>,
    pub units: Paged<Unit>,
    /// The units whose branches' days the calendar marks: the first page.
    pub counted_units: usize,
    /// The organisation's branches by standing: a branch its own, a committee every branch
    /// of its subtree (its roll-up of the month).
    pub counts: StatusCounts,
    pub marks: DayMarks,
}

pub(super) fn read_units(
    reader: &Reader,
    (org, month, today): (OrgId, YearMonth, NaiveDate),
    skip: usize,
    limit: usize,
) -> Result<Vec<Unit>, StoreError> {
    reader
        .children(Some(org), skip, limit)?
        .into_iter()
        .filter(|child| child.kind != OrgKind::Cell)
        .map(|child| Unit::read(reader, child, month, today))
        .collect()
}

impl MonthData {
    pub fn read(
        reader: &Reader,
        node: &OrgUnit,
        month: YearMonth,
        today: NaiveDate,
    ) -> Result<MonthData, StoreError> {
        let schedule = reader.effective_schedule_for_month(node.id, month)?;
        let due = schedule.0.map(|rule| rule.due_date(month));
        let own = reader
            .meetings_in_month(node.id, month)?
            .into_iter()
            .map(|m| MeetingLine::read(reader, node, m)?.with_guests(reader))
            .collect::<Result<Vec<_>, _>>()?;
        let is_branch = node.kind.is_branch();
        let status = if is_branch {
            reader
                .compliance_report(node.id, month, today)?
                .into_iter()
                .find(|r| r.branch.id == node.id)
        } else {
            None
        };
        let prep = branch_status(reader, node, month, today)?;
        let overseers = if is_branch {
            overseers_of(reader, node.id, today)?
        } else {
            Vec::new()
        };
        // A branch's children are its cells, which keep no meetings of their own.
        let unit_count = if is_branch {
            0
        } else {
            reader.child_count(Some(node.id))?
        };
        let mut units = Paged::new(unit_count);
        let key = (node.id, month, today);
        units.ensure(0..PAGE, |skip, limit| read_units(reader, key, skip, limit))?;
        let first: Vec<&Unit> = (0..PAGE.min(units.len()))
            .filter_map(|i| units.get(i))
            .collect();
        let counts = match &status {
            Some(row) => {
                let mut counts = StatusCounts::default();
                counts.add(row.status);
                counts
            }
            None if is_branch => StatusCounts::default(),
            // One roll-up read when the month is covered; counted from the records when no
            // meeting at all was recorded in it.
            None => StatusCounts::of_stats(&reader.month_stats(node.id, month)?, today),
        };
        let marks = marks_of(&own, status.as_ref(), &first);
        Ok(MonthData {
            org: node.id,
            month,
            schedule,
            due,
            own,
            status,
            overseers,
            prep,
            counted_units: first.len(),
            units,
            counts,
            marks,
        })
    }

    /// Whether the calendar leaves the days of some units out (the counts never do).
    pub fn partial(&self) -> bool {
        self.counted_units < self.units.len()
    }
}

/// The names of the members overseeing `branch` on `today`.
fn overseers_of(
    reader: &Reader,
    branch: OrgId,
    today: NaiveDate,
) -> Result<Vec<String>, StoreError> {
    let mut names = Vec::new();
    for (assignment, member) in reader.overseers_of(branch)? {
        if span_covers(assignment.from, assignment.until, today) {
            names.push(member.name);
        }
    }
    Ok(names)
}

/// The calendar's marks: the organisation's own meetings and standing, and those of the
/// units counted.
fn marks_of(own: &[MeetingLine], status: Option<&ComplianceRow>, units: &[&Unit]) -> DayMarks {
    let mut marks = DayMarks::default();
    mark_meetings(&mut marks, own, status);
    if let Some(row) = status {
        mark_status(&mut marks, row, own);
    }
    for unit in units {
        match &unit.standing {
            Standing::Branch(row) => {
                mark_meetings(&mut marks, &unit.meetings, Some(row));
                mark_status(&mut marks, row, &unit.meetings);
            }
            Standing::Committee(_) => {
                mark_meetings(&mut marks, &unit.meetings, None);
                marks.merge(&unit.below);
            }
        }
    }
    marks
}

/// The regular meeting a branch's standing counts is marked by that standing; every other
/// meeting by its state.
fn mark_meetings(marks: &mut DayMarks, lines: &[MeetingLine], row: Option<&ComplianceRow>) {
    let mut counted = row.and_then(|r| r.held);
    for line in lines {
        let m = &line.meeting;
        let mark = match m.state {
            MeetingState::Planned => DayMark::Planned,
            MeetingState::Cancelled => DayMark::Cancelled,
            MeetingState::Held if m.kind == MeetingKind::Regular && counted == Some(m.date) => {
                counted = None;
                continue;
            }
            MeetingState::Held => DayMark::OtherHeld,
        };
        marks.add(m.date, mark);
        if !line.clashes.is_empty() {
            marks.add(m.date, DayMark::Clash);
        }
    }
}

/// A branch's month on the day it concerns: the day held, or the due day while nothing
/// was held (unless a meeting is planned, which marks its own day).
fn mark_status(marks: &mut DayMarks, row: &ComplianceRow, lines: &[MeetingLine]) {
    let Some(mark) = DayMark::of_compliance(row.status) else {
        return;
    };
    let day = match row.status {
        Compliance::Overdue => row.due,
        Compliance::Upcoming if planned_regular(lines).is_some() => None,
        Compliance::Upcoming => row.due,
        _ => row.held,
    };
    if let Some(day) = day {
        marks.add(day, mark);
    }
}
