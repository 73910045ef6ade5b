//! Roll-ups: `(org, month) → MonthStats` for every organisation, kept exact by every write
//! in the same transaction, so a report or dashboard of any node reads one row per month.
//!
//! A node's month is the sum of the *own months* below it: a branch's own month (its
//! compliance, meetings, marks and guests: `MonthStats::of_branch_month`) and each member's
//! (its status at the month's end: `MonthStats::of_member_month`, added at its cell or
//! branch). The writer keeps that sum true in three ways, all summed per (org, month) in
//! `RollupWork::delta` and written once by `finish_rollups`:
//! - a member's own months are a function of its record alone, so `put_member` subtracts
//!   the old record's along the old chain and adds the new one's along the new chain, for
//!   the months covered when the transaction began;
//! - a branch's own month depends on its record, the rules up its chain and its meetings of
//!   that month, so writes only mark it dirty; `finish` recomputes each dirty month once and
//!   adds the difference from the branch's own month as it stands (its row less its cells'
//!   rows) along the chain as it is then;
//! - a move carries the moved organisation's rows (stored plus this transaction's changes)
//!   from the old ancestors to the new ones, so every ancestor stays the sum of its subtree.
//!
//! Covered months (`rollup_months`) are those with any meeting recorded. A month that joins
//! takes every branch's and member's month with it, at `finish`; a month not covered is
//! counted from the records when asked (`month_stats`).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use redb::ReadableTable;

use super::StoreError;
use super::codec::{decode, encode};
use super::query::{Reader, Writer, queries};
use super::tables::month_of_key;
use crate::domain::absence;
use crate::domain::attendance::exempt_spans;
use crate::domain::schedule::settings_for_month;
use crate::domain::{
    Meeting, MeetingKind, MeetingState, Member, MemberId, MemberMonths, MonthDelta, MonthStats,
    OrgId, OrgKind, OrgUnit, YearMonth,
};

/// Summed changes held before they are written to their rows: a few hundred bytes each, so
/// some 80 MB at most. The store's own tests write them almost at once, so that every
/// roll-up they check has been through early writing.
const DELTAS_HELD: usize = if cfg!(test) { 2 } else { 1 << 18 };

/// What a write transaction has to do to the roll-ups before it commits.
#[derive(Default)]
pub(super) struct RollupWork {
    /// Changes summed per (org, month).
    delta: BTreeMap<(u64, YearMonth), MonthDelta>,
    /// Branch months to recompute.
    dirty: BTreeSet<(u64, YearMonth)>,
    /// Branches to recompute in every covered month.
    dirty_all: BTreeSet<u64>,
    /// The covered months when the transaction began, read at first use.
    covered_at_start: Option<BTreeSet<YearMonth>>,
    /// Months this transaction's meetings add to them.
    new_months: BTreeSet<YearMonth>,
    /// Whether an org is a branch, as this transaction has seen it.
    is_branch: HashMap<u64, bool>,
}

impl RollupWork {
    fn is_idle(&self) -> bool {
        self.delta.is_empty()
            && self.dirty.is_empty()
            && self.dirty_all.is_empty()
            && self.new_months.is_empty()
    }
}

/// The meetings of one branch grouped by the month of their day.
fn by_month(meetings: Vec<Meeting>) -> HashMap<YearMonth, Vec<Meeting>> {
    let mut months: HashMap<YearMonth, Vec<Meeting>> = HashMap::new();
    for meeting in meetings {
        months
            .entry(YearMonth::of(meeting.date))
            .or_default()
            .push(meeting);
    }
    months
}

/// Whether any of `meetings` is a held regular meeting of `org`: only those count the
/// exempt, so only then are the members looked at.
fn counts_exempt<'a>(org: OrgId, meetings: impl IntoIterator<Item = &'a Meeting>) -> bool {
    meetings
        .into_iter()
        .any(|m| m.org == org && m.kind == MeetingKind::Regular && m.state == MeetingState::Held)
}

/// The branch months (among `covered`) whose exempt members a member's change from `old`
/// to `new` can change: those of every span of days, in a branch, on which one record counts
/// the member exempt and the other does not (`attendance::exempt_spans`); every span of both
/// when the present branch changed, since the present roster is where a branch looks.
fn exempt_months_changed(
    old: Option<&Member>,
    new: Option<&Member>,
    covered: &BTreeSet<YearMonth>,
) -> BTreeSet<(u64, YearMonth)> {
    let spans = |m: Option<&Member>| m.map(exempt_spans).unwrap_or_default();
    let (before, after) = (spans(old), spans(new));
    let moved = old.map(|m| m.org) != new.map(|m| m.org);
    let mut months = BTreeSet::new();
    let changed = before
        .iter()
        .filter(|s| moved || !after.contains(s))
        .chain(after.iter().filter(|s| moved || !before.contains(s)));
    for &(org, from, until) in changed {
        for &month in covered.range(YearMonth::of(from)..) {
            if until.is_some_and(|end| end <= month.first_day()) {
                break;
            }
            months.insert((org.0, month));
        }
    }
    months
}

/// The cell (or the branch, without one) where a member's months are added.
fn anchor(member: &Member) -> u64 {
    member.cell.unwrap_or(member.org).0
}

/// The members with an exempt status anywhere in their history, by every branch they sat
/// in (present and former), from a reading of every member. Only they can count among a
/// branch's exempt (`attendance::counts_exempt_at`), so they are all of a branch's exempt
/// candidates that matter: recomputing every branch then looks at a few members each instead
/// of its whole roster, and a national import's end reads every member once, not twice.
/// Their records are kept as read, a few hundred bytes each for about one member in eight
/// in the national benchmark, so that none is read again at random.
#[derive(Default)]
struct EverExempt {
    members: Vec<Member>,
    /// Positions in `members`, by branch.
    by_branch: HashMap<u64, Vec<usize>>,
}

impl EverExempt {
    fn add(&mut self, member: Member) {
        if !member
            .history
            .iter()
            .any(|change| change.status.is_exempt())
        {
            return;
        }
        let branches = std::iter::once(member.org).chain(member.former_orgs.iter().map(|f| f.org));
        for branch in branches.collect::<BTreeSet<OrgId>>() {
            self.by_branch
                .entry(branch.0)
                .or_default()
                .push(self.members.len());
        }
        self.members.push(member);
    }

    /// Those of them who sat in `branch`.
    fn candidates(&self, branch: OrgId) -> Vec<&Member> {
        let at = self.by_branch.get(&branch.0).map(Vec::as_slice);
        at.unwrap_or_default()
            .iter()
            .map(|&i| &self.members[i])
            .collect()
    }
}

/// Members' months counted per place (a cell, or a branch without one): one count for each
/// of `months` (ascending). 32 bytes a place and month, so a year of some 300,000 places
/// holds about 120 MB, where the changes they would make to the roll-ups hold eight times that
/// and must be written out as they come.
struct CountedMonths {
    months: Vec<YearMonth>,
    by_place: BTreeMap<u64, Vec<MemberMonths>>,
}

impl CountedMonths {
    fn new(months: Vec<YearMonth>) -> CountedMonths {
        CountedMonths {
            months,
            by_place: BTreeMap::new(),
        }
    }

    /// Counts `members`, given the months each was absent (none when missing).
    fn count<'m>(
        &mut self,
        members: impl Iterator<Item = &'m Member>,
        absences: &HashMap<u64, Vec<YearMonth>>,
    ) {
        if self.months.is_empty() {
            return;
        }
        let none = Vec::new();
        for member in members {
            let absent = absences.get(&member.id.0).unwrap_or(&none);
            let counts = self
                .by_place
                .entry(anchor(member))
                .or_insert_with(|| vec![MemberMonths::default(); self.months.len()]);
            for (count, &month) in counts.iter_mut().zip(&self.months) {
                count.add(member, month, absent);
            }
        }
    }

    /// The counts of `place` in `month`, taken out: none when there are none, or when they
    /// were taken already.
    fn take(&mut self, place: u64, month: YearMonth) -> Option<MonthDelta> {
        let at = self.months.binary_search(&month).ok()?;
        let counts = self.by_place.get_mut(&place)?;
        let delta = std::mem::take(&mut counts[at]).delta();
        (!delta.is_zero()).then_some(delta)
    }
}

queries! {
    /// The months (ascending) in which `member` was marked absent without
    /// permission at a held regular meeting, of any branch.
    pub fn absent_months(&self, member: MemberId) -> Result<Vec<YearMonth>, StoreError> {
        self.guard_member(member)?;
        let mut months = Vec::new();
        for row in self.member_absences.range((member.0, 0)..(member.0 + 1, 0))? {
            months.push(month_of_key(row?.0.value().1)?);
        }
        Ok(months)
    }

    /// The months the roll-ups cover (every month with a meeting recorded), in order.
    pub fn covered_months(&self) -> Result<BTreeSet<YearMonth>, StoreError> {
        let mut months = BTreeSet::new();
        for row in self.rollup_months.iter()? {
            months.insert(month_of_key(row?.0.value())?);
        }
        Ok(months)
    }

    /// The stored month of `org`'s subtree (all zero without a row). Inside a write: as of
    /// the last commit.
    fn stored_month(&self, org: u64, month: YearMonth) -> Result<MonthStats, StoreError> {
        match self.rollups.get((org, month.key()))? {
            Some(g) => decode(g.value()),
            None => Ok(MonthStats::default()),
        }
    }

    /// `month` of the subtree of `org`: one roll-up read when the month is covered,
    /// else counted from the records (a walk of the subtree, its meetings that month and
    /// its rosters) — the same count `chibo check` compares the roll-ups with.
    pub fn month_stats(&self, org: OrgId, month: YearMonth) -> Result<MonthStats, StoreError> {
        self.guard_read(org)?;
        if self.rollup_months.get(month.key())?.is_some() {
            return self.stored_month(org.0, month);
        }
        self.count_month(org, month)
    }

    /// The stored months of `org` from `first` to `last` (both included, at most a few
    /// years: one range scan of `rollups`), oldest first. A month not covered is `None`:
    /// no meeting was recorded in it and no roll-up was kept, so there is nothing to read
    /// without counting the records (which `month_stats` does, and dashboards do not). A
    /// covered month without a row is all zero.
    pub fn stored_months(&self, org: OrgId, first: YearMonth, last: YearMonth) -> Result<Vec<(YearMonth, Option<MonthStats>)>, StoreError> {
        self.guard_read(org)?;
        let mut months: Vec<(YearMonth, Option<MonthStats>)> = Vec::new();
        for row in self.rollup_months.range(first.key()..=last.key())? {
            months.push((month_of_key(row?.0.value())?, Some(MonthStats::default())));
        }
        for row in self.rollups.range((org.0, first.key())..=(org.0, last.key()))? {
            let (key, bytes) = row?;
            let month = month_of_key(key.value().1)?;
            if let Ok(at) = months.binary_search_by_key(&month, |(m, _)| *m) {
                months[at].1 = Some(decode(bytes.value())?);
            }
        }
        let all = first
            .through(last)
            .map(|month| {
                let kept = months.binary_search_by_key(&month, |(m, _)| *m).ok();
                (month, kept.and_then(|at| months[at].1.take()))
            })
            .collect();
        Ok(all)
    }

    /// `month` of `org` from the roll-ups alone: `None` when the month is not
    /// covered. One read of `rollup_months` and one of `rollups`.
    pub fn stored_month_stats(&self, org: OrgId, month: YearMonth) -> Result<Option<MonthStats>, StoreError> {
        self.guard_read(org)?;
        if self.rollup_months.get(month.key())?.is_none() {
            return Ok(None);
        }
        self.stored_month(org.0, month).map(Some)
    }

    /// The stored month of `org`, one read, for a month already known to be covered (a
    /// list of children whose parent's month was read with `stored_month_stats`): a month
    /// not covered has no rows, and reads as all zero here whatever the records say.
    pub fn stored_month_of(&self, org: OrgId, month: YearMonth) -> Result<MonthStats, StoreError> {
        self.guard_read(org)?;
        self.stored_month(org.0, month)
    }

    /// Whom to look at for the exempt of `org`'s `meetings` (`attendance::exempt_at`): its
    /// present roster, those who sat in it before and moved on (`org_former_members`), and
    /// whoever the meetings mark, each once. Nobody when none of them is a held regular
    /// meeting of `org`, so such a month reads no roster.
    fn exempt_candidates(&self, org: OrgId, meetings: &[&Meeting]) -> Result<Vec<Member>, StoreError> {
        if !counts_exempt(org, meetings.iter().copied()) {
            return Ok(Vec::new());
        }
        let mut members = self.members_of(org, 0, usize::MAX)?;
        members.extend(self.former_members_of(org)?);
        let mut seen: HashSet<MemberId> = members.iter().map(|m| m.id).collect();
        for (id, _) in meetings.iter().flat_map(|m| &m.attendance) {
            if seen.insert(*id) && let Some(member) = self.member_any(*id)? {
                members.push(member);
            }
        }
        Ok(members)
    }

    /// The members who sat in branch `org` before and have moved on to another
    /// (`org_former_members`), in no particular order. A member who came back is on its
    /// roster instead, and not here.
    pub(super) fn former_members_of(&self, org: OrgId) -> Result<Vec<Member>, StoreError> {
        let mut members = Vec::new();
        for row in self.org_former_members.range((org.0, 0)..=(org.0, u64::MAX))? {
            let id = MemberId(row?.0.value().1);
            if let Some(member) = self.member_any(id)?.filter(|m| m.org != org) {
                members.push(member);
            }
        }
        Ok(members)
    }

    /// Each branch of the subtree of `root` (itself when it is one) with its figures summed
    /// over `first..=last`, in the order of `branches_under` — one range scan of roll-ups a
    /// branch, counting from the records only a month no roll-up covers. A branch is listed
    /// when it existed on some day of the months, held a meeting or was due in them, so the
    /// rows add up to the subtree's figures.
    pub fn attendance_by_branch(&self, root: OrgId, first: YearMonth, last: YearMonth) -> Result<Vec<(OrgUnit, MonthStats)>, StoreError> {
        let mut rows = Vec::new();
        for branch in self.branches_under(root)? {
            let mut sum = MonthDelta::default();
            let mut listed = false;
            for (month, stored) in self.stored_months(branch.id, first, last)? {
                let stats = match stored {
                    Some(stats) => stats,
                    None => self.count_month(branch.id, month)?,
                };
                let held = stats.meetings_held + stats.thematic_held + stats.guest_visits > 0;
                listed |= branch.exists_in_month(month) || held || stats.branches_due() > 0;
                sum.add(&stats);
            }
            if listed {
                rows.push((branch, sum.applied_to(&MonthStats::default())));
            }
        }
        Ok(rows)
    }

    /// `month` of the subtree of `root` counted from the records.
    pub fn count_month(&self, root: OrgId, month: YearMonth) -> Result<MonthStats, StoreError> {
        let subtree = self.subtree(root)?;
        let ancestors = self.ancestors_all(root)?;
        let in_subtree: HashMap<OrgId, usize> = subtree.iter().enumerate().map(|(i, o)| (o.id, i)).collect();
        let mut sum = MonthDelta::default();
        for org in &subtree {
            if org.kind.is_branch() {
                let mut chain = vec![org];
                let mut next = org.parent;
                while let Some(i) = next.and_then(|p| in_subtree.get(&p)) {
                    chain.push(&subtree[*i]);
                    next = subtree[*i].parent;
                }
                let chain: Vec<&OrgUnit> = chain.into_iter().chain(&ancestors).collect();
                let settings = settings_for_month(chain.iter().copied(), month);
                let meetings = self.meetings_in_month(org.id, month)?;
                let members = self.exempt_candidates(org.id, &meetings.iter().collect::<Vec<_>>())?;
                let members: Vec<&Member> = members.iter().collect();
                sum.add(&MonthStats::of_branch_month(org, settings, month, &meetings, &members));
            }
            // Every member sits in a branch (and maybe a cell of it): a branch's roster
            // holds them all; a cell's roster counts on its own only as the root.
            let roster_here = org.kind.is_branch() || (org.id == root && org.kind == OrgKind::Cell);
            if roster_here {
                for member in self.members_of(org.id, 0, usize::MAX)? {
                    let absent = self.absent_months(member.id)?;
                    sum.add(&MonthStats::of_member_month(&member, month, &absent));
                }
            }
        }
        Ok(sum.applied_to(&MonthStats::default()))
    }
}

impl Writer<'_> {
    /// The covered months when this transaction began.
    fn covered_at_start(&mut self) -> Result<&BTreeSet<YearMonth>, StoreError> {
        if self.rollup_work.covered_at_start.is_none() {
            let months = self.covered_months()?;
            self.rollup_work.covered_at_start = Some(months);
        }
        Ok(self
            .rollup_work
            .covered_at_start
            .as_ref()
            .expect("just read"))
    }

    /// Every month covered once this transaction commits.
    fn covered_now(&mut self) -> Result<BTreeSet<YearMonth>, StoreError> {
        let mut months = self.covered_at_start()?.clone();
        months.extend(self.rollup_work.new_months.iter().copied());
        Ok(months)
    }

    fn is_branch(&mut self, id: u64) -> Result<bool, StoreError> {
        if let Some(known) = self.rollup_work.is_branch.get(&id) {
            return Ok(*known);
        }
        let branch = self.org(OrgId(id))?.is_some_and(|o| o.kind.is_branch());
        self.rollup_work.is_branch.insert(id, branch);
        Ok(branch)
    }

    /// A meeting was written: its month becomes covered, and the months of its branch it
    /// left and joined are recomputed.
    pub(super) fn rollups_meeting_changed(
        &mut self,
        old: Option<&Meeting>,
        new: &Meeting,
    ) -> Result<(), StoreError> {
        let month = YearMonth::of(new.date);
        if !self.covered_at_start()?.contains(&month) {
            self.rollup_work.new_months.insert(month);
        }
        for (org, date) in old
            .map(|m| (m.org, m.date))
            .into_iter()
            .chain([(new.org, new.date)])
        {
            let month = YearMonth::of(date);
            // A month joining the covered ones is recounted for every branch at the end
            // (`cover_new_months`): an import's meetings need no entry each.
            if !self.rollup_work.new_months.contains(&month) && self.is_branch(org.0)? {
                self.rollup_work.dirty.insert((org.0, month));
            }
        }
        Ok(())
    }

    /// A member was written: its months move from the old record's place to the new one's.
    pub(super) fn rollups_member_changed(
        &mut self,
        old: Option<&Member>,
        new: &Member,
    ) -> Result<(), StoreError> {
        self.mark_exempt_months(old, new)?;
        if old.is_some_and(|o| anchor(o) == anchor(new) && o.history == new.history) {
            return Ok(());
        }
        let months: Vec<YearMonth> = self.covered_at_start()?.iter().copied().collect();
        let absent = self.absent_months(new.id)?;
        for month in months {
            let mut delta = MonthDelta::default();
            delta.add(&MonthStats::of_member_month(new, month, &absent));
            match old {
                Some(old) if anchor(old) == anchor(new) => {
                    delta.subtract(&MonthStats::of_member_month(old, month, &absent))
                }
                Some(old) => {
                    let mut leave = MonthDelta::default();
                    leave.subtract(&MonthStats::of_member_month(old, month, &absent));
                    self.rollup_add_along(anchor(old), month, &leave)?;
                }
                None => {}
            }
            self.rollup_add_along(anchor(new), month, &delta)?;
        }
        Ok(())
    }

    /// Members new to the store were written in bulk: their months, summed per cell or
    /// branch first so each ancestor is touched once per month. New members have not been
    /// marked at any meeting yet, so none is absent anywhere.
    pub(super) fn rollups_members_added(&mut self, members: &[Member]) -> Result<(), StoreError> {
        for member in members {
            self.mark_exempt_months(None, member)?;
        }
        let months: Vec<YearMonth> = self.covered_at_start()?.iter().copied().collect();
        let mut counted = CountedMonths::new(months);
        counted.count(members.iter(), &HashMap::new());
        self.add_counted(counted)
    }

    /// Marks for recomputation the branch months whose exempt members the change of a member
    /// from `old` to `new` can change (a member exempt from March changes March's meetings and
    /// every later one's, in the branches they sat in). Months not yet covered are left to
    /// `cover_new_months`, which counts every branch's.
    fn mark_exempt_months(&mut self, old: Option<&Member>, new: &Member) -> Result<(), StoreError> {
        if old.is_some_and(|o| {
            (o.org, &o.history, &o.former_orgs) == (new.org, &new.history, &new.former_orgs)
        }) {
            return Ok(());
        }
        let months = exempt_months_changed(old, Some(new), self.covered_at_start()?);
        for (org, month) in months {
            if self.is_branch(org)? {
                self.rollup_work.dirty.insert((org, month));
            }
        }
        Ok(())
    }

    /// Adds every place's counted months along its chain.
    fn add_counted(&mut self, counted: CountedMonths) -> Result<(), StoreError> {
        for (place, counts) in counted.by_place {
            for (count, &month) in counts.iter().zip(&counted.months) {
                self.rollup_add_along(place, month, &count.delta())?;
            }
        }
        Ok(())
    }

    /// An organisation was written: a move carries its rows to the new ancestors; a branch
    /// whose own month may have changed is recomputed, and so is every branch below an
    /// organisation whose rules changed or whose inherited rules a move changed.
    pub(super) fn rollups_org_changed(
        &mut self,
        old: Option<&OrgUnit>,
        new: &OrgUnit,
    ) -> Result<(), StoreError> {
        let was_branch = old.is_some_and(|o| o.kind.is_branch());
        self.rollup_work
            .is_branch
            .insert(new.id.0, new.kind.is_branch());
        let rules_changed = old.is_none_or(|o| {
            (
                o.meeting_rule,
                o.grace_days,
                o.plan_deadline,
                &o.rule_changes,
            ) != (
                new.meeting_rule,
                new.grace_days,
                new.plan_deadline,
                &new.rule_changes,
            )
        });
        let own_changed = old.is_none_or(|o| {
            (o.kind, o.founded, o.dissolved) != (new.kind, new.founded, new.dissolved)
        });
        if (was_branch || new.kind.is_branch()) && (rules_changed || own_changed) {
            self.rollup_work.dirty_all.insert(new.id.0);
        }
        let Some(old) = old else { return Ok(()) };
        let mut redo_below = rules_changed && !new.kind.is_branch();
        if old.parent != new.parent {
            self.move_rows(new.id.0, old.parent, new.parent)?;
            redo_below |= self.inherited_rules_differ(old.parent, new.parent)?;
        }
        if redo_below {
            for org in self.subtree(new.id)? {
                if org.kind.is_branch() {
                    self.rollup_work.dirty_all.insert(org.id.0);
                }
            }
        }
        Ok(())
    }

    /// Whether the rules inherited from above differ, in some covered month, between a
    /// place under `old` and one under `new`.
    fn inherited_rules_differ(
        &mut self,
        old: Option<OrgId>,
        new: Option<OrgId>,
    ) -> Result<bool, StoreError> {
        let chain = |w: &Self, parent: Option<OrgId>| -> Result<Vec<OrgUnit>, StoreError> {
            match parent {
                Some(p) => {
                    let top = w
                        .org(p)?
                        .ok_or_else(|| StoreError::Corrupt(format!("missing org {}", p.0)))?;
                    Ok(std::iter::once(top).chain(w.ancestors(p)?).collect())
                }
                None => Ok(Vec::new()),
            }
        };
        let (before, after) = (chain(self, old)?, chain(self, new)?);
        Ok(self
            .covered_now()?
            .into_iter()
            .any(|m| settings_for_month(&before, m) != settings_for_month(&after, m)))
    }

    /// Carries every row of `id` (as stored, with this transaction's changes) from the
    /// ancestors under `from` to those under `to`.
    fn move_rows(
        &mut self,
        id: u64,
        from: Option<OrgId>,
        to: Option<OrgId>,
    ) -> Result<(), StoreError> {
        let mut months: BTreeSet<YearMonth> = BTreeSet::new();
        for row in self.rollups.range((id, 0)..(id + 1, 0))? {
            months.insert(month_of_key(row?.0.value().1)?);
        }
        months.extend(
            self.rollup_work
                .delta
                .range((id, YearMonth::MIN)..=(id, YearMonth::MAX))
                .map(|((_, m), _)| *m),
        );
        for month in months {
            let row = self.pending_month(id, month)?;
            let (mut leave, mut join) = (MonthDelta::default(), MonthDelta::default());
            leave.subtract(&row);
            join.add(&row);
            if let Some(from) = from {
                self.rollup_add_along(from.0, month, &leave)?;
            }
            if let Some(to) = to {
                self.rollup_add_along(to.0, month, &join)?;
            }
        }
        Ok(())
    }

    /// The month of `id` with this transaction's changes so far.
    fn pending_month(&self, id: u64, month: YearMonth) -> Result<MonthStats, StoreError> {
        let stored = self.stored_month(id, month)?;
        Ok(match self.rollup_work.delta.get(&(id, month)) {
            Some(delta) => delta.applied_to(&stored),
            None => stored,
        })
    }

    /// Adds `delta` to month `month` of `id` alone: the caller adds it above.
    fn rollup_add_at(&mut self, id: u64, month: YearMonth, delta: &MonthDelta) {
        self.rollup_work
            .delta
            .entry((id, month))
            .or_default()
            .add_delta(delta);
    }

    /// Adds `delta` to month `month` of `start` and every organisation above it.
    fn rollup_add_along(
        &mut self,
        start: u64,
        month: YearMonth,
        delta: &MonthDelta,
    ) -> Result<(), StoreError> {
        if delta.is_zero() {
            return Ok(());
        }
        let mut next = Some(start);
        let mut steps = 0;
        while let Some(id) = next {
            self.rollup_add_at(id, month, delta);
            next = self.parent_of(id)?;
            steps += 1;
            if steps > 10_000 {
                return Err(StoreError::Corrupt("parent chain without end".into()));
            }
        }
        // Each change carries the roll-ups from one true state to the next, so the sums so
        // far can be written at any change's end. An import of the whole country would
        // otherwise hold a change for every row of the table until the commit.
        if self.rollup_work.delta.len() >= DELTAS_HELD {
            self.write_rollup_rows()?;
        }
        Ok(())
    }

    /// The absent months of every member with an id from `first` to `last`: one range scan.
    fn absences_between(
        &self,
        first: u64,
        last: u64,
    ) -> Result<HashMap<u64, Vec<YearMonth>>, StoreError> {
        let mut months: HashMap<u64, Vec<YearMonth>> = HashMap::new();
        let end = last.saturating_add(1);
        for row in self.member_absences.range((first, 0)..(end, 0))? {
            let (member, month) = row?.0.value();
            months.entry(member).or_default().push(month_of_key(month)?);
        }
        Ok(months)
    }

    /// A meeting was written: the absence counts of its members change in
    /// `member_absences`, and a member whose months of absence changed is flagged (or not)
    /// anew in the covered months of that year, where they are anchored now.
    pub(super) fn absences_changed(
        &mut self,
        old: Option<&Meeting>,
        new: &Meeting,
    ) -> Result<(), StoreError> {
        let mut change: BTreeMap<(u64, YearMonth), i64> = BTreeMap::new();
        for (member, month) in old.into_iter().flat_map(absence::absences) {
            *change.entry((member.0, month)).or_default() -= 1;
        }
        for (member, month) in absence::absences(new) {
            *change.entry((member.0, month)).or_default() += 1;
        }
        change.retain(|_, n| *n != 0);
        if change.is_empty() {
            return Ok(());
        }
        let mut updates = Vec::with_capacity(change.len());
        let mut turned: BTreeMap<u64, BTreeSet<i32>> = BTreeMap::new();
        for ((member, month), n) in change {
            let count = self
                .member_absences
                .get((member, month.key()))?
                .map_or(0, |g| g.value());
            let now = (i64::from(count) + n).clamp(0, i64::from(u32::MAX)) as u32;
            if (count > 0) != (now > 0) {
                turned.entry(member).or_default().insert(month.year());
            }
            updates.push(((member, month), now));
        }
        // Only months covered already are flagged anew here: a month joining them is counted
        // whole at `finish` (`cover_new_months`), with the absences as they are then. An
        // import into a new database then reads no member back for its meetings' marks.
        let covered = self.covered_at_start()?;
        turned.retain(|_, years| {
            years.retain(|year| covered.iter().any(|m| m.year() == *year));
            !years.is_empty()
        });
        let mut before = HashMap::new();
        for &member in turned.keys() {
            before.insert(member, self.absent_months(MemberId(member))?);
        }
        for ((member, month), now) in updates {
            let key = (member, month.key());
            if now == 0 {
                self.member_absences.remove(key)?;
            } else {
                self.member_absences.insert(key, now)?;
            }
        }
        for (member, years) in turned {
            self.reflag_member(member, &years, &before[&member])?;
        }
        Ok(())
    }

    /// Adds the change in `member`'s absentee flag, from `before` (its absent months then)
    /// to what `member_absences` says now, in the covered months of `years`.
    fn reflag_member(
        &mut self,
        member: u64,
        years: &BTreeSet<i32>,
        before: &[YearMonth],
    ) -> Result<(), StoreError> {
        let Some(record) = self.member(MemberId(member))? else {
            return Ok(());
        };
        let after = self.absent_months(record.id)?;
        let months: Vec<YearMonth> = self
            .covered_at_start()?
            .iter()
            .copied()
            .filter(|m| years.contains(&m.year()))
            .collect();
        for month in months {
            let delta = MonthDelta::between(
                &MonthStats::of_member_month(&record, month, before),
                &MonthStats::of_member_month(&record, month, &after),
            );
            self.rollup_add_along(anchor(&record), month, &delta)?;
        }
        Ok(())
    }

    /// Brings the roll-ups up to date with everything this transaction wrote: months that
    /// became covered, dirty branch months, then every summed change, one row each.
    pub(super) fn finish_rollups(&mut self) -> Result<(), StoreError> {
        if self.rollup_work.is_idle() {
            return Ok(());
        }
        let covered = self.covered_now()?;
        let new_months: Vec<YearMonth> = std::mem::take(&mut self.rollup_work.new_months)
            .into_iter()
            .collect();
        let mut todo: BTreeMap<u64, BTreeSet<YearMonth>> = BTreeMap::new();
        let mut ever_exempt = None;
        let mut counted = CountedMonths::new(new_months.clone());
        if !new_months.is_empty() {
            ever_exempt = Some(self.cover_new_months(&mut counted, &mut todo)?);
        }
        for id in std::mem::take(&mut self.rollup_work.dirty_all) {
            todo.entry(id).or_default().extend(covered.iter().copied());
        }
        for (id, month) in std::mem::take(&mut self.rollup_work.dirty) {
            todo.entry(id).or_default().insert(month);
        }
        for (id, months) in todo {
            self.recompute_branch(id, &months, ever_exempt.as_ref(), &mut counted)?;
        }
        // Members of a place no branch recomputed took along (none in a sound tree).
        self.add_counted(counted)?;
        self.write_rollup_rows()?;
        for month in new_months {
            self.rollup_months.insert(month.key(), ())?;
        }
        self.rollup_work = RollupWork::default();
        Ok(())
    }

    /// Months joining the covered ones (`counted`'s): every member's month is counted into
    /// `counted`, and every branch's is queued for recomputation, which adds the counts of
    /// its places with its own months. Having read every member, it gives back who was ever
    /// exempt, by each branch they sat in.
    fn cover_new_months(
        &mut self,
        counted: &mut CountedMonths,
        todo: &mut BTreeMap<u64, BTreeSet<YearMonth>>,
    ) -> Result<EverExempt, StoreError> {
        let mut ever_exempt = EverExempt::default();
        let mut branches = Vec::new();
        for row in self.orgs.iter()? {
            let org: OrgUnit = decode(row?.1.value())?;
            if org.kind.is_branch() {
                branches.push(org.id.0);
            }
        }
        for id in branches {
            todo.entry(id)
                .or_default()
                .extend(counted.months.iter().copied());
        }
        // A batch at a time, so a national roll of members is never held in memory whole.
        const BATCH: usize = 65_536;
        let mut next = Some(0u64);
        while let Some(start) = next {
            let mut members = Vec::with_capacity(BATCH);
            for row in self.members.range(start..)?.take(BATCH) {
                members.push(decode::<Member>(row?.1.value())?);
            }
            next = match members.last() {
                Some(last) if members.len() == BATCH => last.id.0.checked_add(1),
                _ => None,
            };
            let absences = match (members.first(), members.last()) {
                (Some(first), Some(last)) => self.absences_between(first.id.0, last.id.0)?,
                _ => HashMap::new(),
            };
            counted.count(members.iter(), &absences);
            members.into_iter().for_each(|m| ever_exempt.add(m));
        }
        Ok(ever_exempt)
    }

    /// Sets the own months of org `id` (a branch, or one that was) to what its records say
    /// now, adding the difference along its chain, with the members' months `counted` for
    /// it and its cells: each row above is then changed once for all of them.
    fn recompute_branch(
        &mut self,
        id: u64,
        months: &BTreeSet<YearMonth>,
        ever_exempt: Option<&EverExempt>,
        counted: &mut CountedMonths,
    ) -> Result<(), StoreError> {
        let Some(org) = self.org(OrgId(id))? else {
            return Ok(());
        };
        let chain: Vec<OrgUnit> = std::iter::once(org.clone())
            .chain(self.ancestors_all(org.id)?)
            .collect();
        let children: Vec<u64> = self
            .children(Some(org.id), 0, usize::MAX)?
            .into_iter()
            .map(|c| c.id.0)
            .collect();
        let mut meetings = if !org.kind.is_branch() {
            HashMap::new()
        } else if months.len() > 3 {
            by_month(self.all_meetings_of(org.id)?)
        } else {
            let mut some = HashMap::new();
            for &month in months {
                some.insert(month, self.meetings_in_month(org.id, month)?);
            }
            some
        };
        let read;
        let members: Vec<&Member> = match ever_exempt {
            Some(ever) => ever.candidates(org.id),
            None => {
                let all: Vec<&Meeting> = months
                    .iter()
                    .filter_map(|m| meetings.get(m))
                    .flatten()
                    .collect();
                read = self.exempt_candidates(org.id, &all)?;
                read.iter().collect()
            }
        };
        for &month in months {
            let new = if org.kind.is_branch() {
                let held = meetings.remove(&month).unwrap_or_default();
                MonthStats::of_branch_month(
                    &org,
                    settings_for_month(&chain, month),
                    month,
                    &held,
                    &members,
                )
            } else {
                MonthStats::default()
            };
            let mut delta = MonthDelta::default();
            delta.add(&new);
            delta.subtract(&self.pending_month(id, month)?.branch_part());
            for &child in &children {
                delta.add(&self.pending_month(child, month)?.branch_part());
                if let Some(members) = counted.take(child, month) {
                    self.rollup_add_at(child, month, &members);
                    delta.add_delta(&members);
                }
            }
            if let Some(members) = counted.take(id, month) {
                delta.add_delta(&members);
            }
            self.rollup_add_along(id, month, &delta)?;
        }
        Ok(())
    }

    /// Applies every summed change to its row; a row that comes to zero is removed.
    fn write_rollup_rows(&mut self) -> Result<(), StoreError> {
        for ((id, month), delta) in std::mem::take(&mut self.rollup_work.delta) {
            if delta.is_zero() {
                continue;
            }
            let stats = delta.applied_to(&self.stored_month(id, month)?);
            if stats.is_zero() {
                self.rollups.remove((id, month.key()))?;
            } else {
                self.rollups
                    .insert((id, month.key()), encode(&stats).as_slice())?;
            }
        }
        Ok(())
    }
}

/// Every roll-up row counted from the records, for the `months` given: what `chibo check`
/// compares with, and what a migration writes. Rows that are all zero are left out.
/// `id` and its ancestors in `orgs`, nearest first; bounded by the number of orgs, so a
/// corrupt parent cycle cannot loop forever.
pub(super) fn chain_of(orgs: &HashMap<u64, OrgUnit>, id: u64) -> Vec<&OrgUnit> {
    let mut chain = Vec::new();
    let mut next = orgs.get(&id);
    while let Some(org) = next {
        if chain.len() > orgs.len() {
            break;
        }
        chain.push(org);
        next = org.parent.and_then(|p| orgs.get(&p.0));
    }
    chain
}

pub fn recount_months(
    orgs: &HashMap<u64, OrgUnit>,
    members: &HashMap<u64, Member>,
    meetings: &HashMap<u64, Vec<Meeting>>,
    months: &BTreeSet<YearMonth>,
) -> HashMap<(u64, YearMonth), MonthStats> {
    let mut sums: HashMap<(u64, YearMonth), MonthDelta> = HashMap::new();
    let chain_of = |start: u64| chain_of(orgs, start);
    let mut add_along = |chain: &[&OrgUnit], month: YearMonth, stats: &MonthStats| {
        if stats.is_zero() {
            return;
        }
        for org in chain {
            sums.entry((org.id.0, month)).or_default().add(stats);
        }
    };
    let none = Vec::new();
    let mut rosters: HashMap<u64, Vec<&Member>> = HashMap::new();
    let mut moved_on: HashMap<u64, Vec<&Member>> = HashMap::new();
    for member in members.values() {
        rosters.entry(member.org.0).or_default().push(member);
        for former in &member.former_orgs {
            moved_on.entry(former.org.0).or_default().push(member);
        }
    }
    for org in orgs.values().filter(|o| o.kind.is_branch()) {
        let chain = chain_of(org.id.0);
        let own = meetings.get(&org.id.0).unwrap_or(&none);
        // Whom to look at for the exempt, as the writer does (`exempt_candidates`).
        let mut candidates: Vec<&Member> = Vec::new();
        if counts_exempt(org.id, own) {
            candidates = rosters.get(&org.id.0).cloned().unwrap_or_default();
            let mut seen: HashSet<MemberId> = candidates.iter().map(|m| m.id).collect();
            for member in moved_on.get(&org.id.0).into_iter().flatten() {
                if seen.insert(member.id) {
                    candidates.push(member);
                }
            }
            for (id, _) in own.iter().flat_map(|m| &m.attendance) {
                if seen.insert(*id)
                    && let Some(member) = members.get(&id.0)
                {
                    candidates.push(member);
                }
            }
        }
        for &month in months {
            let settings = settings_for_month(chain.iter().copied(), month);
            add_along(
                &chain,
                month,
                &MonthStats::of_branch_month(org, settings, month, own, &candidates),
            );
        }
    }
    let absences = recount_absences(meetings);
    let no_months = Vec::new();
    for member in members.values() {
        let chain = chain_of(anchor(member));
        let absent: Vec<YearMonth> = absences
            .range((member.id.0, YearMonth::MIN)..=(member.id.0, YearMonth::MAX))
            .map(|((_, month), _)| *month)
            .collect();
        let absent = if absent.is_empty() {
            &no_months
        } else {
            &absent
        };
        for &month in months {
            add_along(
                &chain,
                month,
                &MonthStats::of_member_month(member, month, absent),
            );
        }
    }
    sums.into_iter()
        .map(|(key, delta)| (key, delta.applied_to(&MonthStats::default())))
        .filter(|(_, stats)| !stats.is_zero())
        .collect()
}

/// Every `member_absences` row counted from the meetings: for each (member, month), the
/// held regular meetings of that month that marked the member absent.
pub fn recount_absences(meetings: &HashMap<u64, Vec<Meeting>>) -> BTreeMap<(u64, YearMonth), u32> {
    let mut counts = BTreeMap::new();
    for meeting in meetings.values().flatten() {
        for (member, month) in absence::absences(meeting) {
            *counts.entry((member.0, month)).or_insert(0) += 1;
        }
    }
    counts
}
