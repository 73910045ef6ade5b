//! Counts kept for every organisation's subtree, so a tree node shows its branches,
//! members and exempt members with one read instead of a walk of everything below it; and
//! the same for every month ([`MonthStats`]), so a report or a dashboard of any node reads
//! one row per month instead of every meeting below it.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::absence;
use super::attendance;
use super::compliance::{self, Compliance};
use super::date::day_number;
use super::meeting::{Meeting, MeetingKind, MeetingState};
use super::member::{Member, MemberStatus};
use super::month::YearMonth;
use super::org::OrgUnit;
use super::prep::{self, Timeliness};
use super::schedule::ScheduleRule;

/// What a subtree holds. A member counts by its latest recorded status: on the roll
/// (active, exempt, temporarily exempt) as a member, exempt or temporarily exempt also as
/// exempt. A branch counts while it is not dissolved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgTotals {
    pub branches: u32,
    pub members: u32,
    pub exempt: u32,
}

impl OrgTotals {
    /// What one member adds to its cell or branch and every organisation above.
    pub fn of_member(member: &Member) -> OrgTotals {
        let status = member
            .history
            .last()
            .map_or(MemberStatus::Active, |c| c.status);
        let exempt = matches!(
            status,
            MemberStatus::Exempt | MemberStatus::TemporarilyExempt
        );
        OrgTotals {
            branches: 0,
            members: u32::from(status.on_roll()),
            exempt: u32::from(exempt),
        }
    }

    /// What one organisation adds to itself and every organisation above.
    pub fn of_org(org: &OrgUnit) -> OrgTotals {
        OrgTotals {
            branches: u32::from(org.kind.is_branch() && org.dissolved.is_none()),
            members: 0,
            exempt: 0,
        }
    }

    /// These totals with the members on the roll and the exempt of a month's figures, at
    /// its end.
    pub fn with_members_of(self, stats: &MonthStats) -> OrgTotals {
        let on_roll = MemberStatus::ALL.iter().filter(|s| s.on_roll());
        OrgTotals {
            members: on_roll.map(|s| stats.members_with(*s)).sum(),
            exempt: stats.members_with(MemberStatus::Exempt)
                + stats.members_with(MemberStatus::TemporarilyExempt),
            ..self
        }
    }

    pub fn is_zero(&self) -> bool {
        *self == OrgTotals::default()
    }
}

/// A signed change to [`OrgTotals`], summed before it is applied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TotalsDelta {
    branches: i64,
    members: i64,
    exempt: i64,
}

impl TotalsDelta {
    pub fn add(&mut self, t: OrgTotals) {
        self.branches += i64::from(t.branches);
        self.members += i64::from(t.members);
        self.exempt += i64::from(t.exempt);
    }

    pub fn subtract(&mut self, t: OrgTotals) {
        self.branches -= i64::from(t.branches);
        self.members -= i64::from(t.members);
        self.exempt -= i64::from(t.exempt);
    }

    pub fn is_zero(&self) -> bool {
        *self == TotalsDelta::default()
    }

    /// The sum of two changes.
    pub fn plus(self, other: TotalsDelta) -> TotalsDelta {
        TotalsDelta {
            branches: self.branches + other.branches,
            members: self.members + other.members,
            exempt: self.exempt + other.exempt,
        }
    }

    /// `totals` changed by this delta. A count driven below zero stops at zero; `chibo check`
    /// finds the difference against a recount.
    pub fn applied_to(&self, totals: OrgTotals) -> OrgTotals {
        let apply = |n: u32, d: i64| (i64::from(n) + d).clamp(0, i64::from(u32::MAX)) as u32;
        OrgTotals {
            branches: apply(totals.branches, self.branches),
            members: apply(totals.members, self.members),
            exempt: apply(totals.exempt, self.exempt),
        }
    }
}

/// Every organisation's totals counted from scratch (for migrations and `chibo check`).
/// Organisations with nothing to count are left out.
pub fn recount<'a>(
    orgs: &HashMap<u64, OrgUnit>,
    members: impl IntoIterator<Item = &'a Member>,
) -> HashMap<u64, OrgTotals> {
    let mut totals = Recount::new(orgs);
    for member in members {
        totals.member(member);
    }
    totals.finish()
}

/// [`recount`] a member at a time, for `chibo check`, which reads members one by one. What
/// each organisation counts itself (itself, and the members counted in it) is summed first,
/// and each sum is added up the tree once at the end: millions of members, but a few
/// hundred thousand organisations.
pub struct Recount<'o> {
    orgs: &'o HashMap<u64, OrgUnit>,
    /// What each organisation counts itself, not yet added to those above it.
    own: HashMap<u64, TotalsDelta>,
}

impl<'o> Recount<'o> {
    /// The count of the organisations themselves, members still to add.
    pub fn new(orgs: &'o HashMap<u64, OrgUnit>) -> Recount<'o> {
        let mut recount = Recount {
            orgs,
            own: HashMap::new(),
        };
        for org in orgs.values() {
            recount.add_own(org.id.0, OrgTotals::of_org(org));
        }
        recount
    }

    pub fn member(&mut self, member: &Member) {
        let anchor = member.cell.unwrap_or(member.org).0;
        self.add_own(anchor, OrgTotals::of_member(member));
    }

    pub fn finish(self) -> HashMap<u64, OrgTotals> {
        let mut sums: HashMap<u64, TotalsDelta> = HashMap::new();
        for (start, own) in &self.own {
            let mut next = Some(*start);
            // Bounded by the number of orgs, so a corrupt parent cycle cannot loop forever.
            for _ in 0..=self.orgs.len() {
                let Some(id) = next else { break };
                let sum = sums.entry(id).or_default();
                *sum = sum.plus(*own);
                next = self.orgs.get(&id).and_then(|o| o.parent).map(|p| p.0);
            }
        }
        sums.into_iter()
            .map(|(id, d)| (id, d.applied_to(OrgTotals::default())))
            .filter(|(_, t)| !t.is_zero())
            .collect()
    }

    fn add_own(&mut self, id: u64, t: OrgTotals) {
        self.own.entry(id).or_default().add(t);
    }
}

/// One organisation's month, summed over the branches and members of its subtree: the unit
/// of every roll-up. Additive: the month of a node is the sum of its branches' and members'
/// own months, so a write adds its change to the node and every ancestor
/// (docs/data-model.md, "Roll-ups").
///
/// Compliance counts only branches due that month (existing some day of it, with a rule in
/// force). A held month's status never changes, so it is a count; a month not yet held turns
/// from upcoming to overdue as days pass without any write, so those branches are kept as a
/// histogram by their last day of grace and split only when read, given today. The plans
/// and documents owed for the month are kept the same way, by their deadlines.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthStats {
    pub on_time: u32,
    pub early: u32,
    pub late_within_grace: u32,
    pub held_out_of_rule: u32,
    /// Branches due and not yet held: (day number of the last day of grace, how many),
    /// ascending by day, never a zero count.
    pub pending: Vec<(i32, u32)>,
    /// Regular meetings held.
    pub meetings_held: u32,
    /// Thematic meetings held.
    pub thematic_held: u32,
    /// Marks at held regular meetings.
    pub present: u32,
    pub excused: u32,
    pub absent: u32,
    pub exempt: u32,
    /// Guests from above recorded at held meetings of any kind.
    pub guest_visits: u32,
    /// Members by their status on the month's last day, in [`MemberStatus::ALL`] order.
    pub members: [u32; STATUSES],
    /// Branches whose plan for the month was sent by its deadline in the month before, and
    /// after it (schema 6).
    pub plans_on_time: u32,
    pub plans_late: u32,
    /// Branches owing a plan not yet sent: (day number of the deadline, how many), like
    /// `pending`.
    pub plans_pending: Vec<(i32, u32)>,
    /// Branches whose documents reached the members by the day before the meeting, and
    /// later.
    pub documents_on_time: u32,
    pub documents_late: u32,
    /// Branches owing documents not yet posted: (day number of the last day, how many).
    pub documents_pending: Vec<(i32, u32)>,
    /// Members still on the roll at the month's end who were absent without permission in
    /// 3 or more months of the year so far (`domain::absence`).
    pub absentees: u32,
    /// Regular meetings held whose roll was never taken (`Meeting::is_held_without_roll`,
    /// schema 10): counted in `meetings_held` and for compliance, and in no mark, so they
    /// never raise or lower the attendance rate.
    pub meetings_without_roll: u32,
}

/// How many member statuses there are.
pub const STATUSES: usize = 7;
const _: () = assert!(MemberStatus::ALL.len() == STATUSES);

/// The plain counters of [`MonthStats`] (everything but the histograms), in a fixed order,
/// so adding and subtracting is one loop.
const COUNTERS: usize = 11 + STATUSES + 6;

/// The histograms of [`MonthStats`]: `pending`, `plans_pending`, `documents_pending`.
const HISTOGRAMS: usize = 3;

/// Counts by day number, ascending, never a zero count.
type Histogram = Vec<(i32, u32)>;

/// The entries of a histogram before `today` (past their last day) and from it on.
fn split(histogram: &[(i32, u32)], today: NaiveDate) -> (u32, u32) {
    let today = day_number(today);
    let ended = histogram.partition_point(|(last, _)| *last < today);
    let sum = |part: &[(i32, u32)]| part.iter().map(|(_, n)| n).sum();
    (sum(&histogram[..ended]), sum(&histogram[ended..]))
}

impl MonthStats {
    /// Several months (or units) added up: each count the sum of theirs.
    pub fn sum<'a>(parts: impl IntoIterator<Item = &'a MonthStats>) -> MonthStats {
        let mut sum = MonthDelta::default();
        parts.into_iter().for_each(|s| sum.add(s));
        sum.applied_to(&MonthStats::default())
    }

    fn counters(&self) -> [u32; COUNTERS] {
        let mut c = [0; COUNTERS];
        c[..11].copy_from_slice(&[
            self.on_time,
            self.early,
            self.late_within_grace,
            self.held_out_of_rule,
            self.meetings_held,
            self.thematic_held,
            self.present,
            self.excused,
            self.absent,
            self.exempt,
            self.guest_visits,
        ]);
        c[11..11 + STATUSES].copy_from_slice(&self.members);
        c[11 + STATUSES..].copy_from_slice(&[
            self.plans_on_time,
            self.plans_late,
            self.documents_on_time,
            self.documents_late,
            self.absentees,
            self.meetings_without_roll,
        ]);
        c
    }

    fn histograms(&self) -> [&Histogram; HISTOGRAMS] {
        [&self.pending, &self.plans_pending, &self.documents_pending]
    }

    fn from_parts(c: [u32; COUNTERS], histograms: [Histogram; HISTOGRAMS]) -> MonthStats {
        let mut members = [0; STATUSES];
        members.copy_from_slice(&c[11..11 + STATUSES]);
        let extra = &c[11 + STATUSES..];
        let [pending, plans_pending, documents_pending] = histograms;
        MonthStats {
            on_time: c[0],
            early: c[1],
            late_within_grace: c[2],
            held_out_of_rule: c[3],
            pending,
            meetings_held: c[4],
            thematic_held: c[5],
            present: c[6],
            excused: c[7],
            absent: c[8],
            exempt: c[9],
            guest_visits: c[10],
            members,
            plans_on_time: extra[0],
            plans_late: extra[1],
            plans_pending,
            documents_on_time: extra[2],
            documents_late: extra[3],
            documents_pending,
            absentees: extra[4],
            meetings_without_roll: extra[5],
        }
    }

    pub fn is_zero(&self) -> bool {
        *self == MonthStats::default()
    }

    /// What a branch's own month is made of: everything but what members add (their
    /// statuses and the absentees, anchored in cells as well as branches).
    pub fn branch_part(&self) -> MonthStats {
        MonthStats {
            members: [0; STATUSES],
            absentees: 0,
            ..self.clone()
        }
    }

    /// Branches whose regular meeting was due: the six compliance counts together.
    pub fn branches_due(&self) -> u32 {
        self.held() + self.pending.iter().map(|(_, n)| n).sum::<u32>()
    }

    /// Branches that held their regular meeting, whatever its status.
    pub fn held(&self) -> u32 {
        self.on_time + self.early + self.late_within_grace + self.held_out_of_rule
    }

    /// Branches not held whose grace ended before `today`.
    pub fn overdue(&self, today: NaiveDate) -> u32 {
        split(&self.pending, today).0
    }

    /// Branches not held whose grace runs to `today` or later.
    pub fn upcoming(&self, today: NaiveDate) -> u32 {
        split(&self.pending, today).1
    }

    /// How many branches have `status` on `today` (`NotDue` is not counted: 0).
    pub fn count(&self, status: Compliance, today: NaiveDate) -> u32 {
        match status {
            Compliance::OnTime => self.on_time,
            Compliance::Early => self.early,
            Compliance::LateWithinGrace => self.late_within_grace,
            Compliance::HeldOutOfRule => self.held_out_of_rule,
            Compliance::Overdue => self.overdue(today),
            Compliance::Upcoming => self.upcoming(today),
            Compliance::NotDue => 0,
        }
    }

    /// Branches owing a plan for the month (due, and existing on the plan's deadline).
    pub fn plans_due(&self) -> u32 {
        self.plans_on_time
            + self.plans_late
            + self.plans_pending.iter().map(|(_, n)| n).sum::<u32>()
    }

    /// Branches with no plan sent whose deadline ended before `today`.
    pub fn plans_missing(&self, today: NaiveDate) -> u32 {
        split(&self.plans_pending, today).0
    }

    /// Branches with no plan sent yet whose deadline is `today` or later.
    pub fn plans_not_yet_sent(&self, today: NaiveDate) -> u32 {
        split(&self.plans_pending, today).1
    }

    /// The share of the branches owing a plan that sent it on time; `None` when none owes one.
    pub fn plan_on_time_share(&self) -> Option<f64> {
        let due = self.plans_due();
        (due > 0).then(|| f64::from(self.plans_on_time) / f64::from(due))
    }

    /// Branches owing documents for the month.
    pub fn documents_due(&self) -> u32 {
        self.documents_on_time
            + self.documents_late
            + self.documents_pending.iter().map(|(_, n)| n).sum::<u32>()
    }

    /// Branches with no documents posted whose last day ended before `today`.
    pub fn documents_missing(&self, today: NaiveDate) -> u32 {
        split(&self.documents_pending, today).0
    }

    /// Members expected at held regular meetings: present, excused and absent.
    pub fn expected(&self) -> u32 {
        self.present + self.excused + self.absent
    }

    /// Present ÷ expected; `None` when nobody was expected.
    pub fn attendance_rate(&self) -> Option<f64> {
        let expected = self.expected();
        (expected > 0).then(|| f64::from(self.present) / f64::from(expected))
    }

    /// The share of branches that met in time — on the due day, early, or late within
    /// grace: anything but held out of rule or overdue — among those whose month is decided
    /// on `today` (held, or overdue); `None` while none is. Branches still within their
    /// grace are left out: they may yet meet in time, so a month under way is judged on
    /// what is already known.
    pub fn in_time_share(&self, today: NaiveDate) -> Option<f64> {
        let decided = self.branches_due() - self.upcoming(today);
        let in_time = self.on_time + self.early + self.late_within_grace;
        (decided > 0).then(|| f64::from(in_time) / f64::from(decided))
    }

    /// Members with `status` at the month's end.
    pub fn members_with(&self, status: MemberStatus) -> u32 {
        self.members[status_index(status)]
    }

    /// What one branch adds to `month`: whether its regular meeting was due and how
    /// it was kept, its held meetings' counts, marks and guests, and how it kept the plan
    /// and documents of the month. `rule` and `grace` are those in force for it that month,
    /// `deadline_day` the plan deadline day in force (`schedule::plan_deadline_day`);
    /// `meetings` are its meetings (others are ignored). `members` are those to look at for
    /// the exempt of its meetings (`attendance::exempt_at`): at least its present roster and
    /// whoever its meetings of the month mark, each once. Not a branch: nothing.
    pub fn of_branch_month(
        branch: &OrgUnit,
        (rule, grace, deadline_day): (Option<ScheduleRule>, u8, u8),
        month: YearMonth,
        meetings: &[Meeting],
        members: &[&Member],
    ) -> MonthStats {
        let mut stats = MonthStats::default();
        if !branch.kind.is_branch() {
            return stats;
        }
        let held: Vec<&Meeting> = meetings
            .iter()
            .filter(|m| m.org == branch.id && m.state == MeetingState::Held)
            .filter(|m| month.contains(m.date))
            .collect();
        for meeting in &held {
            stats.guest_visits += meeting.guests.len() as u32;
            match meeting.kind {
                MeetingKind::Regular => {
                    stats.meetings_held += 1;
                    stats.meetings_without_roll += u32::from(meeting.is_held_without_roll());
                    let marks = meeting.counts();
                    stats.present += marks.present;
                    stats.excused += marks.excused;
                    stats.absent += marks.absent;
                    // From the members' statuses that day, listed at the meeting or not.
                    stats.exempt += attendance::exempt_at(meeting, members.iter().copied());
                }
                MeetingKind::Thematic => stats.thematic_held += 1,
                MeetingKind::Committee | MeetingKind::Extraordinary => {}
            }
        }
        stats.add_plan(prep::plan_month(
            branch,
            rule,
            deadline_day,
            month,
            meetings,
        ));
        let due = rule.map(|r| r.due_date(month));
        let (Some(due), true) = (due, branch.exists_in_month(month)) else {
            return stats;
        };
        let first_held = held
            .iter()
            .filter(|m| m.kind == MeetingKind::Regular)
            .map(|m| m.date)
            .min();
        match first_held.map(|day| compliance::held_status(due, grace, day)) {
            Some(Compliance::OnTime) => stats.on_time = 1,
            Some(Compliance::Early) => stats.early = 1,
            Some(Compliance::LateWithinGrace) => stats.late_within_grace = 1,
            Some(_) => stats.held_out_of_rule = 1,
            None => {
                let last = compliance::last_day_of_grace(due, grace);
                stats.pending = vec![(day_number(last), 1)];
            }
        }
        stats
    }

    /// Counts how a branch kept the plan and documents it owed (nothing when it owed none).
    fn add_plan(&mut self, kept: Option<prep::PlanMonth>) {
        let Some(kept) = kept else { return };
        match kept.plan {
            Timeliness::OnTime { .. } => self.plans_on_time = 1,
            Timeliness::Late { .. } => self.plans_late = 1,
            Timeliness::Pending { deadline } => {
                self.plans_pending = vec![(day_number(deadline), 1)]
            }
        }
        match kept.documents {
            Timeliness::OnTime { .. } => self.documents_on_time = 1,
            Timeliness::Late { .. } => self.documents_late = 1,
            Timeliness::Pending { deadline } => {
                self.documents_pending = vec![(day_number(deadline), 1)]
            }
        }
    }

    /// What one member adds to `month` of its cell (or branch) and every
    /// organisation above: its status on the month's last day, and whether it is flagged
    /// for unexcused absence, given the months it was marked absent.
    pub fn of_member_month(
        member: &Member,
        month: YearMonth,
        absent_months: &[YearMonth],
    ) -> MonthStats {
        let mut counted = MemberMonths::default();
        counted.add(member, month, absent_months);
        counted.stats()
    }
}

/// What many members add to one month of a place (`MonthStats::of_member_month` of each,
/// summed): how many there are in each status at the month's end, and how many are flagged.
/// 32 bytes, where the `MonthDelta` each would otherwise be summed into is some three
/// hundred: an import's end counts every member in every month this way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemberMonths {
    members: [u32; STATUSES],
    absentees: u32,
}

impl MemberMonths {
    /// Counts `member` in `month`, given the months it was marked absent.
    pub fn add(&mut self, member: &Member, month: YearMonth, absent_months: &[YearMonth]) {
        let slot = &mut self.members[status_index(member.status_on(month.last_day()))];
        *slot = slot.saturating_add(1);
        // Without an absence nobody is flagged: the statuses need not be read again.
        if !absent_months.is_empty() && absence::flagged(member, absent_months, month) {
            self.absentees = self.absentees.saturating_add(1);
        }
    }

    /// The counts as a month's figures (everything else zero).
    pub fn stats(&self) -> MonthStats {
        MonthStats {
            members: self.members,
            absentees: self.absentees,
            ..MonthStats::default()
        }
    }

    /// The counts as a change that adds them.
    pub fn delta(&self) -> MonthDelta {
        let mut delta = MonthDelta::default();
        delta.add(&self.stats());
        delta
    }
}

/// The position of `status` in [`MemberStatus::ALL`], where its count sits.
fn status_index(status: MemberStatus) -> usize {
    MemberStatus::ALL
        .iter()
        .position(|s| *s == status)
        .expect("every status is in ALL")
}

/// A signed change to [`MonthStats`], summed over a transaction before it is applied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonthDelta {
    counters: [i64; COUNTERS],
    /// Per histogram: (day, change), ascending by day, never a zero change.
    histograms: [Vec<(i32, i64)>; HISTOGRAMS],
}

/// Adds `n` at `day` of a signed histogram, dropping an entry that comes to zero.
fn add_at(histogram: &mut Vec<(i32, i64)>, day: i32, n: i64) {
    match histogram.binary_search_by_key(&day, |(d, _)| *d) {
        Ok(at) => {
            histogram[at].1 += n;
            if histogram[at].1 == 0 {
                histogram.remove(at);
            }
        }
        Err(at) if n != 0 => histogram.insert(at, (day, n)),
        Err(_) => {}
    }
}

impl MonthDelta {
    pub fn add(&mut self, stats: &MonthStats) {
        self.add_scaled(stats, 1);
    }

    pub fn subtract(&mut self, stats: &MonthStats) {
        self.add_scaled(stats, -1);
    }

    fn add_scaled(&mut self, stats: &MonthStats, sign: i64) {
        for (sum, n) in self.counters.iter_mut().zip(stats.counters()) {
            *sum += sign * i64::from(n);
        }
        for (sum, histogram) in self.histograms.iter_mut().zip(stats.histograms()) {
            for &(day, n) in histogram {
                add_at(sum, day, sign * i64::from(n));
            }
        }
    }

    /// Adds another change to this one.
    pub fn add_delta(&mut self, other: &MonthDelta) {
        for (sum, n) in self.counters.iter_mut().zip(other.counters) {
            *sum += n;
        }
        for (sum, histogram) in self.histograms.iter_mut().zip(&other.histograms) {
            for &(day, n) in histogram {
                add_at(sum, day, n);
            }
        }
    }

    /// The change that takes `from` to `to`.
    pub fn between(from: &MonthStats, to: &MonthStats) -> MonthDelta {
        let mut delta = MonthDelta::default();
        delta.add(to);
        delta.subtract(from);
        delta
    }

    pub fn is_zero(&self) -> bool {
        self.counters.iter().all(|n| *n == 0) && self.histograms.iter().all(Vec::is_empty)
    }

    /// `stats` changed by this delta. A count driven below zero stops at zero; `chibo check`
    /// finds the difference against a recount.
    pub fn applied_to(&self, stats: &MonthStats) -> MonthStats {
        let apply = |n: u32, d: i64| (i64::from(n) + d).clamp(0, i64::from(u32::MAX)) as u32;
        let mut counters = stats.counters();
        for (n, d) in counters.iter_mut().zip(self.counters) {
            *n = apply(*n, d);
        }
        let mut histograms: [Histogram; HISTOGRAMS] = Default::default();
        for ((out, stored), change) in histograms
            .iter_mut()
            .zip(stats.histograms())
            .zip(&self.histograms)
        {
            let mut merged = Vec::new();
            for &(day, n) in stored {
                add_at(&mut merged, day, i64::from(n));
            }
            for &(day, n) in change {
                add_at(&mut merged, day, n);
            }
            *out = merged
                .into_iter()
                .filter(|(_, n)| *n > 0)
                .map(|(day, n)| (day, apply(0, n)))
                .collect();
        }
        MonthStats::from_parts(counters, histograms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::parse_iso;
    use crate::domain::{MemberId, OrgId, OrgKind, StatusChange};

    fn ym(year: i32, month: u32) -> YearMonth {
        YearMonth::new(year, month).unwrap()
    }

    fn org(id: u64, kind: OrgKind, parent: Option<u64>) -> OrgUnit {
        OrgUnit::new(
            OrgId(id),
            id.to_string(),
            id.to_string(),
            kind,
            parent.map(OrgId),
        )
    }

    fn member(id: u64, branch: u64, cell: Option<u64>, status: Option<MemberStatus>) -> Member {
        Member {
            id: MemberId(id),
            card: id.to_string(),
            name: "Lê Lợi".into(),
            sex: None,
            born: None,
            admitted: None,
            full_member: None,
            org: OrgId(branch),
            cell: cell.map(OrgId),
            phone: None,
            residence: None,
            former_orgs: Vec::new(),
            history: status
                .map(|status| StatusChange {
                    status,
                    from: parse_iso("2024-01-01").unwrap(),
                    until: None,
                    reason: None,
                })
                .into_iter()
                .collect(),
        }
    }

    #[test]
    fn recount_sums_every_subtree() {
        let mut dissolved = org(4, OrgKind::Branch, Some(2));
        dissolved.dissolved = parse_iso("2025-07-01").ok();
        let orgs: HashMap<u64, OrgUnit> = [
            org(1, OrgKind::ProvincialCommittee, None),
            org(2, OrgKind::GrassrootsCommittee, Some(1)),
            org(3, OrgKind::Branch, Some(2)),
            dissolved,
            org(5, OrgKind::Cell, Some(3)),
        ]
        .into_iter()
        .map(|o| (o.id.0, o))
        .collect();
        let members = [
            member(1, 3, Some(5), None),
            member(2, 3, None, Some(MemberStatus::Exempt)),
            member(3, 3, Some(5), Some(MemberStatus::Deceased)),
        ];
        let totals = recount(&orgs, &members);
        let t = |b, m, e| OrgTotals {
            branches: b,
            members: m,
            exempt: e,
        };
        assert_eq!(totals[&1], t(1, 2, 1));
        assert_eq!(totals[&3], t(1, 2, 1));
        assert_eq!(totals[&5], t(0, 1, 0));
        assert!(
            !totals.contains_key(&4),
            "a dissolved branch with nobody counts nothing"
        );
    }

    fn day(text: &str) -> NaiveDate {
        parse_iso(text).unwrap()
    }

    fn held(org: u64, kind: MeetingKind, date: &str) -> Meeting {
        Meeting::new(
            crate::domain::MeetingId(1),
            OrgId(org),
            kind,
            day(date),
            MeetingState::Held,
        )
    }

    /// Branch 3 due on the 7th of October 2026 with 2 days' grace; of its four members,
    /// 3 and 4 are exempt since 2024.
    fn october(meetings: &[Meeting]) -> MonthStats {
        let branch = org(3, OrgKind::Branch, Some(2));
        let roster = [
            member(1, 3, None, None),
            member(2, 3, None, None),
            member(3, 3, None, Some(MemberStatus::Exempt)),
            member(4, 3, None, Some(MemberStatus::Exempt)),
        ];
        MonthStats::of_branch_month(
            &branch,
            (Some(ScheduleRule::DayOfMonth(7)), 2, 20),
            ym(2026, 10),
            meetings,
            &roster.iter().collect::<Vec<_>>(),
        )
    }

    #[test]
    fn a_branch_month_counts_the_first_regular_meeting_and_every_held_one() {
        use crate::domain::{Mark, MemberId};
        let mut first = held(3, MeetingKind::Regular, "2026-10-08");
        first.attendance = vec![
            (MemberId(1), Mark::Present),
            (MemberId(2), Mark::Excused),
            (MemberId(3), Mark::Exempt),
        ];
        first.guests = vec![MemberId(9)];
        let mut second = held(3, MeetingKind::Regular, "2026-10-20");
        second.attendance = vec![(MemberId(1), Mark::Absent)];
        let mut thematic = held(3, MeetingKind::Thematic, "2026-10-05");
        thematic.guests = vec![MemberId(9), MemberId(8)];
        thematic.attendance = vec![(MemberId(1), Mark::Present)];
        let planned = Meeting::new(
            crate::domain::MeetingId(2),
            OrgId(3),
            MeetingKind::Regular,
            day("2026-10-07"),
            MeetingState::Planned,
        );
        let elsewhere = held(4, MeetingKind::Regular, "2026-10-07");
        let next_month = held(3, MeetingKind::Regular, "2026-11-07");
        let stats = october(&[second, first, thematic, planned, elsewhere, next_month]);
        assert_eq!((stats.late_within_grace, stats.branches_due()), (1, 1));
        assert_eq!((stats.meetings_held, stats.thematic_held), (2, 1));
        // Marks of regular meetings only: the thematic meeting's are not attendance. The
        // exempt are the branch's at each regular meeting, listed (3) or not (4): 2 + 2.
        assert_eq!(
            (stats.present, stats.excused, stats.absent, stats.exempt),
            (1, 1, 1, 4)
        );
        assert_eq!((stats.expected(), stats.guest_visits), (3, 3));
        assert_eq!(stats.attendance_rate(), Some(1.0 / 3.0));
    }

    #[test]
    fn a_meeting_held_without_a_roll_is_held_on_time_and_has_no_rate() {
        use crate::domain::{Mark, MemberId};
        let stats = october(&[held(3, MeetingKind::Regular, "2026-10-07")]);
        assert_eq!((stats.on_time, stats.meetings_held), (1, 1));
        assert_eq!((stats.meetings_without_roll, stats.expected()), (1, 0));
        assert_eq!(stats.attendance_rate(), None, "never 100%");
        // Any mark is a roll; a thematic meeting without one is not counted.
        let mut marked = held(3, MeetingKind::Regular, "2026-10-07");
        marked.attendance = vec![(MemberId(1), Mark::Excused)];
        let thematic = held(3, MeetingKind::Thematic, "2026-10-08");
        let stats = october(&[marked, thematic]);
        assert_eq!((stats.meetings_without_roll, stats.expected()), (0, 1));
        assert_eq!(stats.attendance_rate(), Some(0.0));
    }

    #[test]
    fn a_month_not_held_is_upcoming_to_the_last_day_of_grace_then_overdue() {
        let stats = october(&[held(3, MeetingKind::Thematic, "2026-10-07")]);
        assert_eq!(stats.branches_due(), 1);
        let on = |d| (stats.upcoming(day(d)), stats.overdue(day(d)));
        assert_eq!(on("2026-10-01"), (1, 0));
        assert_eq!(on("2026-10-09"), (1, 0));
        assert_eq!(on("2026-10-10"), (0, 1));
        for (date, status) in [
            ("2026-10-07", Compliance::OnTime),
            ("2026-10-02", Compliance::Early),
            ("2026-10-09", Compliance::LateWithinGrace),
            ("2026-10-10", Compliance::HeldOutOfRule),
        ] {
            let stats = october(&[held(3, MeetingKind::Regular, date)]);
            assert_eq!(stats.count(status, day("2026-12-01")), 1, "{date}");
            assert_eq!(stats.branches_due(), 1);
        }
    }

    #[test]
    fn the_in_time_share_counts_only_the_months_already_decided() {
        let on_time = october(&[held(3, MeetingKind::Regular, "2026-10-07")]);
        let late = october(&[held(3, MeetingKind::Regular, "2026-10-09")]);
        let out_of_rule = october(&[held(3, MeetingKind::Regular, "2026-10-12")]);
        let waiting = october(&[]);
        let mut two = MonthDelta::default();
        two.add(&on_time);
        two.add(&waiting);
        let two = two.applied_to(&MonthStats::default());
        // Within grace the branch not yet met is left out; after it, it counts as missed.
        assert_eq!(two.in_time_share(day("2026-10-08")), Some(1.0));
        assert_eq!(two.in_time_share(day("2026-10-20")), Some(0.5));
        assert_eq!(late.in_time_share(day("2026-10-20")), Some(1.0));
        assert_eq!(out_of_rule.in_time_share(day("2026-10-20")), Some(0.0));
        assert_eq!(waiting.in_time_share(day("2026-10-08")), None);
    }

    #[test]
    fn a_branch_not_due_still_counts_its_meetings() {
        let mut gone = org(3, OrgKind::Branch, Some(2));
        gone.dissolved = Some(day("2026-10-01"));
        let meetings = [held(3, MeetingKind::Regular, "2026-10-07")];
        let stats = MonthStats::of_branch_month(
            &gone,
            (Some(ScheduleRule::DayOfMonth(7)), 2, 20),
            ym(2026, 10),
            &meetings,
            &[],
        );
        assert_eq!((stats.branches_due(), stats.meetings_held), (0, 1));
        let not_held = october(&[]);
        assert_eq!(not_held.branches_due(), 1);
        let branch = org(3, OrgKind::Branch, Some(2));
        let unruled =
            MonthStats::of_branch_month(&branch, (None, 2, 20), ym(2026, 10), &meetings, &[]);
        assert_eq!((unruled.branches_due(), unruled.meetings_held), (0, 1));
        let committee = org(2, OrgKind::GrassrootsCommittee, None);
        let meetings = [held(2, MeetingKind::Regular, "2026-10-07")];
        assert!(
            MonthStats::of_branch_month(&committee, (None, 2, 20), ym(2026, 10), &meetings, &[])
                .is_zero()
        );
    }

    #[test]
    fn a_member_counts_by_its_status_on_the_months_last_day() {
        let mut m = member(1, 3, None, None);
        m.record_status(StatusChange {
            status: MemberStatus::TemporarilyExempt,
            from: day("2026-10-31"),
            until: Some(day("2026-12-01")),
            reason: None,
        });
        let status = |month| {
            let stats = MonthStats::of_member_month(&m, month, &[]);
            MemberStatus::ALL
                .iter()
                .copied()
                .find(|s| stats.members_with(*s) == 1)
                .unwrap()
        };
        assert_eq!(status(ym(2026, 9)), MemberStatus::Active);
        assert_eq!(status(ym(2026, 10)), MemberStatus::TemporarilyExempt);
        assert_eq!(status(ym(2026, 11)), MemberStatus::TemporarilyExempt);
        assert_eq!(status(ym(2026, 12)), MemberStatus::Active);
    }

    #[test]
    fn month_deltas_add_subtract_and_apply() {
        let a = october(&[]);
        let b = october(&[held(3, MeetingKind::Regular, "2026-10-07")]);
        let mut ward = MonthDelta::default();
        ward.add(&a);
        ward.add(&a);
        ward.add(&b);
        let stored = ward.applied_to(&MonthStats::default());
        assert_eq!(stored.pending, vec![(day_number(day("2026-10-09")), 2)]);
        assert_eq!((stored.on_time, stored.branches_due()), (1, 3));
        // The first branch holds its meeting on the day: one pending leaves, one on time joins.
        let change = MonthDelta::between(&a, &b);
        let after = change.applied_to(&stored);
        assert_eq!((after.on_time, after.overdue(day("2026-11-01"))), (2, 1));
        let mut back = change.clone();
        back.subtract(&b);
        back.add(&a);
        assert!(back.is_zero());
        let mut both = MonthDelta::default();
        both.add_delta(&change);
        both.add_delta(&MonthDelta::between(&b, &a));
        assert!(both.is_zero());
        assert_eq!(
            MonthDelta::between(&stored, &stored).applied_to(&stored),
            stored
        );
    }

    /// Branch `id` due on the 7th of December 2026, its plan due 20 November.
    fn december(id: u64, meetings: &[Meeting]) -> MonthStats {
        let branch = org(id, OrgKind::Branch, Some(2));
        MonthStats::of_branch_month(
            &branch,
            (Some(ScheduleRule::DayOfMonth(7)), 2, 20),
            ym(2026, 12),
            meetings,
            &[],
        )
    }

    fn plan(id: u64, sent: Option<&str>, document: Option<&str>) -> Meeting {
        let moment = |text: &str| crate::domain::date::parse_moment(text).unwrap();
        let mut m = Meeting::new(
            crate::domain::MeetingId(id),
            OrgId(id),
            MeetingKind::Regular,
            day("2026-12-07"),
            MeetingState::Planned,
        );
        m.sent_at = sent.map(moment);
        if let Some(at) = document {
            m.documents.push(crate::domain::DocumentInfo {
                no: 1,
                name: "Dự thảo.md".into(),
                kind: crate::domain::DocumentKind::Markdown,
                media_type: None,
                size: 10,
                added_at: moment(at),
            });
        }
        m
    }

    #[test]
    fn plans_and_documents_are_counted_by_their_deadlines() {
        let on_time = december(
            3,
            &[plan(3, Some("2026-11-20T21:00"), Some("2026-11-19T08:00"))],
        );
        assert_eq!((on_time.plans_on_time, on_time.documents_on_time), (1, 1));
        let late = december(
            4,
            &[plan(4, Some("2026-11-21T08:00"), Some("2026-12-07T07:00"))],
        );
        assert_eq!((late.plans_late, late.documents_late), (1, 1));
        let unsent = december(5, &[plan(5, None, Some("2026-11-19T08:00"))]);
        let nothing = december(6, &[]);
        for pending in [&unsent, &nothing] {
            assert_eq!(
                pending.plans_pending,
                vec![(day_number(day("2026-11-20")), 1)]
            );
            assert_eq!(
                pending.documents_pending,
                vec![(day_number(day("2026-12-06")), 1)]
            );
        }
        let mut ward = MonthDelta::default();
        for branch in [&on_time, &late, &unsent, &nothing] {
            ward.add(branch);
        }
        let ward = ward.applied_to(&MonthStats::default());
        assert_eq!((ward.plans_due(), ward.documents_due()), (4, 4));
        assert_eq!(ward.plan_on_time_share(), Some(0.25));
        assert_eq!(ward.plans_missing(day("2026-11-20")), 0);
        assert_eq!(ward.plans_not_yet_sent(day("2026-11-20")), 2);
        assert_eq!(ward.plans_missing(day("2026-11-21")), 2);
        assert_eq!(ward.documents_missing(day("2026-12-07")), 2);
        assert_eq!(ward.branches_due(), 4, "compliance is counted apart");
        // Sending the last one takes it out of the histogram.
        let sent = december(6, &[plan(6, Some("2026-11-18T08:00"), None)]);
        let after = MonthDelta::between(&nothing, &sent).applied_to(&ward);
        assert_eq!(
            (after.plans_on_time, after.plans_missing(day("2026-12-01"))),
            (2, 1)
        );
        assert_eq!(MonthStats::default().plan_on_time_share(), None);
    }

    #[test]
    fn a_member_absent_three_months_of_the_year_is_flagged_where_anchored() {
        let m = member(1, 3, None, None);
        let months = [ym(2026, 2), ym(2026, 9), ym(2026, 11)];
        let flagged = |month| MonthStats::of_member_month(&m, month, &months).absentees;
        assert_eq!(
            (
                flagged(ym(2026, 10)),
                flagged(ym(2026, 11)),
                flagged(ym(2026, 12))
            ),
            (0, 1, 1)
        );
        assert_eq!(flagged(ym(2027, 1)), 0, "a new year starts from nothing");
        assert_eq!(
            MonthStats::of_member_month(&m, ym(2026, 11), &months).branch_part(),
            MonthStats::default(),
            "absentees are members' part, not the branch's"
        );
    }

    #[test]
    fn member_months_count_many_members_as_their_own_months_add_up() {
        let absent = [ym(2026, 2), ym(2026, 9), ym(2026, 11)];
        let members = [
            (member(1, 3, None, None), &absent[..]),
            (member(2, 3, None, Some(MemberStatus::Exempt)), &absent[..]),
            (
                member(3, 3, None, Some(MemberStatus::Deceased)),
                &absent[..],
            ),
            (member(4, 3, None, None), &[][..]),
        ];
        for month in [ym(2026, 10), ym(2026, 11)] {
            let mut counted = MemberMonths::default();
            let mut each = MonthDelta::default();
            for (m, absent) in &members {
                counted.add(m, month, absent);
                each.add(&MonthStats::of_member_month(m, month, absent));
            }
            assert_eq!(counted.delta(), each, "{month:?}");
        }
        let mut november = MemberMonths::default();
        members
            .iter()
            .for_each(|(m, absent)| november.add(m, ym(2026, 11), absent));
        let stats = november.stats();
        assert_eq!(
            (
                stats.members_with(MemberStatus::Active),
                stats.members_with(MemberStatus::Exempt),
                stats.absentees
            ),
            (2, 1, 2),
            "the deceased member is counted but not flagged"
        );
    }

    #[test]
    fn deltas_sum_and_stop_at_zero() {
        let mut d = TotalsDelta::default();
        d.add(OrgTotals {
            branches: 1,
            members: 3,
            exempt: 1,
        });
        d.subtract(OrgTotals {
            branches: 0,
            members: 1,
            exempt: 2,
        });
        let base = OrgTotals {
            branches: 2,
            members: 10,
            exempt: 0,
        };
        assert_eq!(
            d.applied_to(base),
            OrgTotals {
                branches: 3,
                members: 12,
                exempt: 0
            }
        );
    }
}
