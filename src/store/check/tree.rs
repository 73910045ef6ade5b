//! The checks that need a branch's members and meetings together: each mark names a member
//! of the branch that day, one meeting of a kind a day, every member's count of absences,
//! and the roll-ups of every organisation and month. They are recounted branch by branch
//! while the tree is walked from its leaves up: what is held at any moment is one branch's
//! records and, per level of the walk, one organisation's sums by month, for each thread
//! walking a part of the tree, and the sums of the parts walked until the walk above takes
//! them in (a few kilobytes each).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use redb::{ReadableTable, ReadableTableMetadata};

use crate::domain::absence;
use crate::domain::schedule::settings_for_month;
use crate::domain::stats::MonthDelta;
use crate::domain::text::person_key;
use crate::domain::{
    Meeting, MeetingId, MeetingKind, MeetingState, Member, MemberId, MonthStats, OrgKind, OrgUnit,
    YearMonth,
};
use crate::store::rollups::chain_of;
use crate::store::{Reader, StoreError};

/// A month's sums of one organisation's subtree.
type Sums = BTreeMap<YearMonth, MonthDelta>;

/// The check of the whole tree, shared by the threads that walk it. The subtrees of one
/// level (for the country, its communes: see [`parts_of`]) are walked apart, by whichever
/// thread takes each next; the levels above are walked last, on one thread, taking in each
/// part's sums and problems where a walk of the whole tree would have reached it. What is
/// found, and its order, is what one walk of the whole tree finds.
pub struct TreeCheck<'r> {
    reader: &'r Reader,
    orgs: &'r HashMap<u64, OrgUnit>,
    covered: &'r BTreeSet<YearMonth>,
    children: HashMap<u64, Vec<u64>>,
    roots: Vec<u64>,
    with_absences: AbsenceFilter,
    /// The roots of the subtrees walked apart, and the index of the next one to take.
    parts: Vec<u64>,
    next_part: AtomicUsize,
    walked: Mutex<Parts>,
}

/// The subtrees walked apart so far, by their roots.
type Parts = HashMap<u64, Result<Walked, StoreError>>;

/// What the walk of a subtree gave.
struct Walked {
    sums: Sums,
    problems: Vec<String>,
    visited: HashSet<u64>,
    rollup_rows: u64,
    absence_rows: u64,
}

impl<'r> TreeCheck<'r> {
    /// The tree of `orgs` (by their parents), ready to be walked.
    pub fn new(
        reader: &'r Reader,
        orgs: &'r HashMap<u64, OrgUnit>,
        covered: &'r BTreeSet<YearMonth>,
    ) -> Result<TreeCheck<'r>, StoreError> {
        let mut children: HashMap<u64, Vec<u64>> = HashMap::new();
        let mut roots = Vec::new();
        for org in orgs.values() {
            match org.parent.filter(|p| orgs.contains_key(&p.0)) {
                Some(parent) => children.entry(parent.0).or_default().push(org.id.0),
                None => roots.push(org.id.0),
            }
        }
        roots.sort_unstable();
        children.values_mut().for_each(|c| c.sort_unstable());
        let parts = parts_of(&roots, &children);
        Ok(TreeCheck {
            reader,
            orgs,
            covered,
            with_absences: AbsenceFilter::of(reader)?,
            children,
            roots,
            parts,
            next_part: AtomicUsize::new(0),
            walked: Mutex::new(Parts::new()),
        })
    }

    /// Walks the parts no thread has taken yet, one after another, until none is left.
    /// Any number of threads may call it at once.
    pub fn help(&self) {
        loop {
            let next = self.next_part.fetch_add(1, Ordering::Relaxed);
            let Some(&root) = self.parts.get(next) else {
                return;
            };
            let mut walk = self.walk(Parts::new());
            let walked = walk.subtree(root).map(|sums| walk.into_walked(sums));
            self.lock_walked().insert(root, walked);
        }
    }

    /// The levels above the parts, then the rows of organisations and members no walk
    /// reached. Walks any part still left itself.
    pub fn finish(self, problems: &mut Vec<String>) -> Result<(), StoreError> {
        self.help();
        let parts = std::mem::take(&mut *self.lock_walked());
        let mut walk = self.walk(parts);
        for &root in &self.roots {
            walk.subtree(root)?;
        }
        walk.rollups_of_unvisited()?;
        walk.absences_of_unvisited()?;
        problems.append(&mut walk.problems);
        Ok(())
    }

    fn walk(&self, walked_apart: Parts) -> Walk<'_> {
        Walk {
            reader: self.reader,
            orgs: self.orgs,
            covered: self.covered,
            children: &self.children,
            with_absences: &self.with_absences,
            walked_apart,
            problems: Vec::new(),
            branch: None,
            visited: HashSet::new(),
            rollup_rows: 0,
            absence_rows: 0,
        }
    }

    /// The parts walked so far, even if a thread panicked while holding them: the panic
    /// is raised again where the threads are joined.
    fn lock_walked(&self) -> MutexGuard<'_, Parts> {
        self.walked.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
impl TreeCheck<'_> {
    /// Whether some part has organisations below it, whose sums the walk above takes in.
    pub(super) fn parts_hold_subtrees(&self) -> bool {
        self.parts.iter().any(|p| self.children.contains_key(p))
    }

    /// The same check as one walk of the whole tree.
    pub(super) fn in_one_walk(mut self) -> Self {
        self.parts.clear();
        self
    }
}

/// The roots of the subtrees to walk apart: the organisations of the first level below the
/// roots that has at least [`PARTS`] of them (or of the last level, in a shallower tree).
/// An organisation above that level without children is walked with the levels above.
fn parts_of(roots: &[u64], children: &HashMap<u64, Vec<u64>>) -> Vec<u64> {
    const PARTS: usize = 64;
    let below = |level: &[u64]| -> Vec<u64> {
        level
            .iter()
            .filter_map(|id| children.get(id))
            .flatten()
            .copied()
            .collect()
    };
    let mut level = below(roots);
    loop {
        let next = below(&level);
        if level.len() >= PARTS || next.is_empty() {
            return level;
        }
        level = next;
    }
}

struct Walk<'r> {
    reader: &'r Reader,
    orgs: &'r HashMap<u64, OrgUnit>,
    covered: &'r BTreeSet<YearMonth>,
    children: &'r HashMap<u64, Vec<u64>>,
    with_absences: &'r AbsenceFilter,
    /// Subtrees walked apart, taken in as the walk reaches their roots.
    walked_apart: Parts,
    problems: Vec<String>,
    /// The branch whose records were last read, kept for its cells and itself.
    branch: Option<Branch>,
    visited: HashSet<u64>,
    /// The roll-up and absence rows compared so far.
    rollup_rows: u64,
    absence_rows: u64,
}

/// The members with a `member_absences` row, as a filter of fixed size (8 MB whatever the
/// database holds): a member it does not hold has no row, so the check need not seek for
/// its rows, as it would otherwise for each of the country's millions of members, most of
/// them never absent. A member it holds, or that shares its bit, is read as before, so
/// nothing the check finds changes.
struct AbsenceFilter {
    bits: Vec<u64>,
}

impl AbsenceFilter {
    const BITS: u32 = 26;

    /// From one reading of the table, in key order.
    fn of(reader: &Reader) -> Result<AbsenceFilter, StoreError> {
        let mut filter = AbsenceFilter {
            bits: vec![0; (1 << Self::BITS) / 64],
        };
        for row in reader.member_absences.iter()? {
            let (member, _) = row?.0.value();
            let bit = Self::bit(member);
            filter.bits[bit / 64] |= 1 << (bit % 64);
        }
        Ok(filter)
    }

    fn bit(member: u64) -> usize {
        (member.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - Self::BITS)) as usize
    }

    fn may_hold(&self, member: u64) -> bool {
        let bit = Self::bit(member);
        self.bits[bit / 64] & (1 << (bit % 64)) != 0
    }
}

/// One branch's records.
struct Branch {
    id: u64,
    /// Its members now (by their records), cells' members among them.
    roster: Vec<Member>,
    /// Members who belonged to it before.
    former: Vec<Member>,
    meetings: Vec<Meeting>,
    /// Its held regular meetings' absences without leave, by member and month.
    absences: HashMap<u64, BTreeMap<YearMonth, u32>>,
}

impl Walk<'_> {
    /// The organisations under `root`, each after its children, then `root`; the sums of
    /// `root`'s subtree.
    fn subtree(&mut self, root: u64) -> Result<Sums, StoreError> {
        if let Some(walked) = self.walked_apart.remove(&root) {
            return Ok(self.take_in(walked?));
        }
        let children = self.children;
        // (organisation, next child to visit, its sums so far)
        let mut stack: Vec<(u64, usize, Sums)> = vec![(root, 0, Sums::new())];
        loop {
            let (id, next, _) = stack.last_mut().expect("the root is on the stack");
            let kids = children.get(id).map_or(&[][..], Vec::as_slice);
            if let Some(&child) = kids.get(*next) {
                *next += 1;
                match self.walked_apart.remove(&child) {
                    Some(walked) => {
                        let walked = walked?;
                        let sums = &mut stack.last_mut().expect("the parent is on the stack").2;
                        add_sums(sums, self.take_in(walked));
                    }
                    None => stack.push((child, 0, Sums::new())),
                }
                continue;
            }
            let (id, _, mut sums) = stack.pop().expect("a frame is on the stack");
            self.visited.insert(id);
            self.own(id, &mut sums)?;
            self.compare_rollups(id, &sums)?;
            match stack.last_mut() {
                Some((_, _, parent)) => add_sums(parent, sums),
                None => return Ok(sums),
            }
        }
    }

    /// What a subtree walked apart found, where this walk reaches it; its sums.
    fn take_in(&mut self, mut walked: Walked) -> Sums {
        self.problems.append(&mut walked.problems);
        self.visited.extend(walked.visited);
        self.rollup_rows += walked.rollup_rows;
        self.absence_rows += walked.absence_rows;
        walked.sums
    }

    fn into_walked(self, sums: Sums) -> Walked {
        Walked {
            sums,
            problems: self.problems,
            visited: self.visited,
            rollup_rows: self.rollup_rows,
            absence_rows: self.absence_rows,
        }
    }

    /// What organisation `id` adds to its own sums: as a branch, its meetings and the
    /// members not in a cell; as a cell, its members.
    fn own(&mut self, id: u64, sums: &mut Sums) -> Result<(), StoreError> {
        let org = &self.orgs[&id];
        if org.kind.is_branch() {
            self.load_branch(id)?;
            self.check_marks();
            self.add_branch_months(org, sums)?;
            let anchored: Vec<Member> = self.branch_ref().roster.clone();
            for member in anchored.iter().filter(|m| m.cell.is_none()) {
                self.add_member_months(member, sums)?;
            }
        } else if org.kind == OrgKind::Cell {
            for member in self.roster_of(id)? {
                if member.cell == Some(org.id) {
                    self.add_member_months(&member, sums)?;
                }
            }
        }
        Ok(())
    }

    fn branch_ref(&self) -> &Branch {
        self.branch.as_ref().expect("a branch is loaded")
    }

    /// Reads branch `id`'s records, unless they are those read last.
    fn load_branch(&mut self, id: u64) -> Result<(), StoreError> {
        if self.branch.as_ref().is_some_and(|b| b.id == id) {
            return Ok(());
        }
        let roster = self
            .roster_of(id)?
            .into_iter()
            .filter(|m| m.org.0 == id)
            .collect();
        let mut former = Vec::new();
        for row in self.reader.org_former_members.range((id, 0)..(id + 1, 0))? {
            let (_, member) = row?.0.value();
            if let Some(m) = self.reader.member_any(MemberId(member))?
                && m.former_orgs.iter().any(|f| f.org.0 == id)
            {
                former.push(m);
            }
        }
        let meetings = meetings_of(self.reader, id)?;
        let mut absences: HashMap<u64, BTreeMap<YearMonth, u32>> = HashMap::new();
        for (member, month) in meetings.iter().flat_map(absence::absences) {
            *absences
                .entry(member.0)
                .or_default()
                .entry(month)
                .or_default() += 1;
        }
        self.branch = Some(Branch {
            id,
            roster,
            former,
            meetings,
            absences,
        });
        Ok(())
    }

    /// The members the roster index lists under `org`, by their records.
    fn roster_of(&self, org: u64) -> Result<Vec<Member>, StoreError> {
        let mut members = Vec::new();
        let start: (u64, &[u8], u64) = (org, &[], 0);
        let end: (u64, &[u8], u64) = (org + 1, &[], 0);
        for row in self.reader.org_members.range(start..end)? {
            let (_, _, id) = row?.0.value();
            members.extend(self.reader.member_any(MemberId(id))?);
        }
        Ok(members)
    }

    /// Each mark of the loaded branch's meetings names someone in the branch that day, and
    /// the branch has one meeting of a kind a day.
    fn check_marks(&mut self) {
        let branch = self.branch.as_ref().expect("a branch is loaded");
        let org = &self.orgs[&branch.id];
        let known: HashMap<u64, &Member> = (branch.roster.iter().chain(&branch.former))
            .map(|m| (m.id.0, m))
            .collect();
        let mut kinds_on_a_day = BTreeSet::new();
        for meeting in &branch.meetings {
            if !kinds_on_a_day.insert((meeting.date, meeting.kind)) {
                self.problems.push(format!(
                    "meeting of {} on {}: a second {} meeting that day",
                    org.code, meeting.date, meeting.kind
                ));
            }
            for (member, _) in &meeting.attendance {
                let branch_then = known.get(&member.0).map(|m| m.branch_on(meeting.date));
                if branch_then != Some(meeting.org) {
                    self.problems.push(format!(
                        "meeting of {} on {}: attendance for someone not in the branch that day",
                        org.code, meeting.date
                    ));
                }
            }
        }
    }

    /// What the loaded branch adds to each covered month.
    fn add_branch_months(&mut self, org: &OrgUnit, sums: &mut Sums) -> Result<(), StoreError> {
        let branch = self.branch.as_ref().expect("a branch is loaded");
        // Whom to look at for the exempt, as the writer does (`exempt_candidates`).
        let mut marked = Vec::new();
        let mut candidates: Vec<&Member> = Vec::new();
        let counts_exempt = branch.meetings.iter().any(|m| {
            m.kind == MeetingKind::Regular && m.state == MeetingState::Held && m.org == org.id
        });
        if counts_exempt {
            let mut seen: HashSet<MemberId> = HashSet::new();
            for m in branch.roster.iter().chain(&branch.former) {
                if seen.insert(m.id) {
                    candidates.push(m);
                }
            }
            for (id, _) in branch.meetings.iter().flat_map(|m| &m.attendance) {
                if seen.insert(*id)
                    && let Some(member) = self.reader.member_any(*id)?
                {
                    marked.push(member);
                }
            }
            candidates.extend(&marked);
        }
        let chain = chain_of(self.orgs, org.id.0);
        for &month in self.covered {
            let settings = settings_for_month(chain.iter().copied(), month);
            let stats =
                MonthStats::of_branch_month(org, settings, month, &branch.meetings, &candidates);
            if !stats.is_zero() {
                sums.entry(month).or_default().add(&stats);
            }
        }
        Ok(())
    }

    /// What `member` adds to each covered month of the organisation it is counted in, and
    /// its count of absences compared with the stored one.
    fn add_member_months(&mut self, member: &Member, sums: &mut Sums) -> Result<(), StoreError> {
        let absences = self.absences_of(member)?;
        self.compare_absences(member.id.0, &absences)?;
        let absent: Vec<YearMonth> = absences.keys().copied().collect();
        for &month in self.covered {
            let stats = MonthStats::of_member_month(member, month, &absent);
            if !stats.is_zero() {
                sums.entry(month).or_default().add(&stats);
            }
        }
        Ok(())
    }

    /// `member`'s absences without leave by month, at the meetings of its branch and of
    /// the branches it left.
    fn absences_of(&mut self, member: &Member) -> Result<BTreeMap<YearMonth, u32>, StoreError> {
        self.load_branch(member.org.0)?;
        let mut counts = self
            .branch_ref()
            .absences
            .get(&member.id.0)
            .cloned()
            .unwrap_or_default();
        let left: BTreeSet<u64> = member.former_orgs.iter().map(|f| f.org.0).collect();
        for org in left.into_iter().filter(|o| *o != member.org.0) {
            for meeting in meetings_of(self.reader, org)? {
                for (_, month) in absence::absences(&meeting).filter(|(m, _)| *m == member.id) {
                    *counts.entry(month).or_default() += 1;
                }
            }
        }
        Ok(counts)
    }

    fn compare_absences(
        &mut self,
        member: u64,
        expected: &BTreeMap<YearMonth, u32>,
    ) -> Result<(), StoreError> {
        let expected: BTreeSet<((u64, u32), u32)> = expected
            .iter()
            .map(|(month, count)| ((member, month.key()), *count))
            .collect();
        let mut stored = BTreeSet::new();
        if self.with_absences.may_hold(member) {
            let rows = self
                .reader
                .member_absences
                .range((member, 0)..(member + 1, 0))?;
            for row in rows {
                let (key, count) = row?;
                stored.insert((key.value(), count.value()));
            }
        }
        self.absence_rows += stored.len() as u64;
        for extra in stored.difference(&expected) {
            self.problems
                .push(format!("member_absences: stray row {extra:?}"));
        }
        for absent in expected.difference(&stored) {
            self.problems
                .push(format!("member_absences: missing row {absent:?}"));
        }
        Ok(())
    }

    /// Organisation `id`'s stored roll-up rows against its recounted sums.
    fn compare_rollups(&mut self, id: u64, sums: &Sums) -> Result<(), StoreError> {
        let mut expected: BTreeMap<u32, MonthStats> = sums
            .iter()
            .map(|(month, delta)| (month.key(), delta.applied_to(&MonthStats::default())))
            .filter(|(_, stats)| !stats.is_zero())
            .collect();
        let mut stored = BTreeMap::new();
        for row in self.reader.rollups.range((id, 0)..(id + 1, 0))? {
            let (key, bytes) = row?;
            stored.insert(key.value().1, super::decode::<MonthStats>(bytes.value())?);
        }
        self.rollup_rows += stored.len() as u64;
        let months: BTreeSet<u32> = expected.keys().chain(stored.keys()).copied().collect();
        for month in months {
            let (want, have) = (expected.remove(&month), stored.remove(&month));
            if want != have {
                self.report_rollup(id, month, have, want);
            }
        }
        Ok(())
    }

    fn report_rollup(
        &mut self,
        id: u64,
        month: u32,
        have: Option<MonthStats>,
        want: Option<MonthStats>,
    ) {
        let code = self
            .orgs
            .get(&id)
            .map_or_else(|| format!("#{id}"), |o| o.code.clone());
        let month = YearMonth::from_key(month).map_or_else(|| month.to_string(), |m| m.to_string());
        self.problems.push(format!(
            "rollups of {code} in {month}: stored {:?}, recounted {:?}",
            have.unwrap_or_default(),
            want.unwrap_or_default()
        ));
    }

    /// Roll-up rows of organisations the walk did not reach (missing, or in a cycle) are
    /// stray; read only when there are any.
    fn rollups_of_unvisited(&mut self) -> Result<(), StoreError> {
        if self.reader.rollups.len()? == self.rollup_rows {
            return Ok(());
        }
        for row in self.reader.rollups.iter()? {
            let (key, bytes) = row?;
            let (id, month) = key.value();
            if !self.visited.contains(&id) {
                let stored = super::decode::<MonthStats>(bytes.value())?;
                self.report_rollup(id, month, Some(stored), None);
            }
        }
        Ok(())
    }

    /// Absence rows of members the walk did not count (missing, or not on the roster of
    /// a visited organisation) are stray; read only when there are any.
    fn absences_of_unvisited(&mut self) -> Result<(), StoreError> {
        if self.reader.member_absences.len()? == self.absence_rows {
            return Ok(());
        }
        let mut last: Option<(u64, bool)> = None;
        for row in self.reader.member_absences.iter()? {
            let (key, count) = row?;
            let (member, month) = key.value();
            let counted = match last {
                Some((id, counted)) if id == member => counted,
                _ => self.was_counted(member)?,
            };
            last = Some((member, counted));
            if !counted {
                let row = ((member, month), count.value());
                self.problems
                    .push(format!("member_absences: stray row {row:?}"));
            }
        }
        Ok(())
    }

    /// Whether the walk counted member `id`: it exists, and the roster of the visited
    /// organisation it is counted in lists it.
    fn was_counted(&self, id: u64) -> Result<bool, StoreError> {
        let Some(m) = self.reader.member_any(MemberId(id))? else {
            return Ok(false);
        };
        let anchor = m.cell.unwrap_or(m.org).0;
        let key = person_key(&m.name);
        let listed = self
            .reader
            .org_members
            .get((anchor, key.as_slice(), id))?
            .is_some();
        Ok(listed && self.visited.contains(&anchor))
    }
}

/// Adds a subtree's sums to its parent's.
fn add_sums(parent: &mut Sums, sums: Sums) {
    for (month, delta) in sums {
        parent.entry(month).or_default().add_delta(&delta);
    }
}

/// The meetings the index lists under `org` that belong to it, by their records.
fn meetings_of(reader: &Reader, org: u64) -> Result<Vec<Meeting>, StoreError> {
    let mut meetings = Vec::new();
    for row in reader
        .org_meetings
        .range((org, i32::MIN, 0)..(org + 1, i32::MIN, 0))?
    {
        let (_, _, id) = row?.0.value();
        meetings.extend(
            reader
                .meeting_any(MeetingId(id))?
                .filter(|m| m.org.0 == org),
        );
    }
    Ok(meetings)
}
