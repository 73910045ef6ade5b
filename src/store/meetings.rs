//! Questions about meetings over a whole subtree: each branch's compliance in a month, the
//! branches that meet on a day a committee wants to plan something, and committee members'
//! visits against their quotas. The store gathers the dates; `domain` judges them. Each is
//! a walk of the subtree and one range scan of `org_meetings` per branch for the period asked.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};

use super::StoreError;
use super::query::{Reader, Writer, queries};
use crate::domain::compliance::{self, Clash, Compliance, Quarter, Thematic};
use crate::domain::oversight::{self, Quota, QuotaConfig, Standing, Visit};
use crate::domain::schedule::effective_for_month;
use crate::domain::{Meeting, MeetingKind, MeetingState, Member, OrgId, OrgUnit, Role, YearMonth};

/// One branch's regular meeting of a month, and its thematic meeting of that quarter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplianceRow {
    pub branch: OrgUnit,
    /// The due day by the rule in force that month; `None` when no rule applies.
    pub due: Option<NaiveDate>,
    pub grace: u8,
    /// The first regular meeting held that month.
    pub held: Option<NaiveDate>,
    pub status: Compliance,
    /// The quarter the month is in, and the branch's thematic meeting in it.
    pub quarter: Quarter,
    pub thematic: Thematic,
}

/// A branch whose meeting day is the day a committee wants to plan something on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchClash {
    pub branch: OrgUnit,
    pub clash: Clash,
}

/// A committee member's visits against the quota of one role for one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaRow {
    pub member: Member,
    pub role: Role,
    /// The organisation the role is held in.
    pub org: OrgUnit,
    pub standing: Standing,
}

/// A subtree with the way up from each of its organisations: enough to resolve inherited
/// meeting rules and "is below" without reading an organisation twice.
pub(super) struct Tree {
    /// The subtree, root first.
    pub(super) orgs: Vec<OrgUnit>,
    /// Index in `orgs` of each organisation's parent (`None` for the root).
    parents: Vec<Option<usize>>,
    /// The root's ancestors, nearest first.
    above: Vec<OrgUnit>,
}

impl Tree {
    fn new(orgs: Vec<OrgUnit>, above: Vec<OrgUnit>) -> Tree {
        let at: HashMap<OrgId, usize> = orgs.iter().enumerate().map(|(i, o)| (o.id, i)).collect();
        let parents = orgs
            .iter()
            .map(|o| o.parent.and_then(|p| at.get(&p).copied()))
            .collect();
        Tree {
            orgs,
            parents,
            above,
        }
    }

    /// The organisation at `i` and every one above it, nearest first.
    pub(super) fn chain(&self, i: usize) -> impl Iterator<Item = &OrgUnit> {
        std::iter::successors(Some(i), |&j| self.parents[j])
            .map(|j| &self.orgs[j])
            .chain(&self.above)
    }

    /// Whether the organisation at `i` is `ancestor` or lies below it.
    fn is_within(&self, i: usize, ancestor: usize) -> bool {
        std::iter::successors(Some(i), |&j| self.parents[j]).any(|j| j == ancestor)
    }

    /// Indexes of the branches, by code.
    pub(super) fn branches(&self) -> Vec<usize> {
        let mut branches: Vec<usize> = (0..self.orgs.len())
            .filter(|&i| self.orgs[i].kind.is_branch())
            .collect();
        branches.sort_by(|&a, &b| self.orgs[a].code.cmp(&self.orgs[b].code));
        branches
    }
}

fn held_days(meetings: &[Meeting], kind: MeetingKind) -> Vec<NaiveDate> {
    meetings
        .iter()
        .filter(|m| m.state == MeetingState::Held && m.kind == kind)
        .map(|m| m.date)
        .collect()
}

queries! {
    pub(super) fn tree(&self, root: OrgId) -> Result<Tree, StoreError> {
        Ok(Tree::new(self.subtree(root)?, self.ancestors_all(root)?))
    }

    /// Every branch of the subtree of `root` (itself included when it is one), by code,
    /// with its compliance for `month` judged on `today`, and its thematic meeting in that
    /// month's quarter. A branch without any meeting rule up its tree owes nothing.
    pub fn compliance_report(&self, root: OrgId, month: YearMonth, today: NaiveDate) -> Result<Vec<ComplianceRow>, StoreError> {
        let tree = self.tree(root)?;
        let quarter = Quarter::of_month(month);
        let mut rows = Vec::new();
        for i in tree.branches() {
            let branch = &tree.orgs[i];
            let (rule, grace) = effective_for_month(tree.chain(i), month);
            // One scan for the quarter serves the month too.
            let after_quarter = quarter.last_day() + Days::new(1);
            let quarter_meetings = self.meetings_of(branch.id, quarter.first_day(), after_quarter)?;
            let regular: Vec<NaiveDate> = held_days(&quarter_meetings, MeetingKind::Regular)
                .into_iter()
                .filter(|d| month.contains(*d))
                .collect();
            let due = rule.map(|r| r.due_date(month));
            let status = match due {
                Some(due) => compliance::compliance(due, grace, &regular, branch.exists_in_month(month), today),
                None => Compliance::NotDue,
            };
            let thematic_days = held_days(&quarter_meetings, MeetingKind::Thematic);
            rows.push(ComplianceRow {
                branch: branch.clone(),
                due,
                grace,
                held: regular.iter().min().copied(),
                status,
                quarter,
                thematic: compliance::thematic(branch, quarter, &thematic_days, today),
            });
        }
        Ok(rows)
    }

    /// The branches below `committee` (not itself) that existed on `day` and meet that day:
    /// their regular meeting is due then by their rule, or planned for then. By code.
    pub fn clashes_on(&self, committee: OrgId, day: NaiveDate) -> Result<Vec<BranchClash>, StoreError> {
        let tree = self.tree(committee)?;
        let month = YearMonth::of(day);
        let mut clashes = Vec::new();
        for i in tree.branches().into_iter().filter(|&i| i != 0) {
            let branch = &tree.orgs[i];
            if !branch.exists_on(day) {
                continue;
            }
            let (rule, _) = effective_for_month(tree.chain(i), month);
            let due = rule.map(|r| r.due_date(month));
            let next_day = day.succ_opt().unwrap_or(day);
            let planned: Vec<NaiveDate> = self
                .meetings_of(branch.id, day, next_day)?
                .into_iter()
                .filter(|m| m.state == MeetingState::Planned && m.kind == MeetingKind::Regular)
                .map(|m| m.date)
                .collect();
            if let Some(clash) = compliance::clash_on(day, due, &planned) {
                clashes.push(BranchClash { branch: branch.clone(), clash });
            }
        }
        Ok(clashes)
    }

    /// The clashes of a meeting a committee plans: `clashes_on` its organisation and day.
    pub fn clashes_of(&self, planned: &Meeting) -> Result<Vec<BranchClash>, StoreError> {
        self.clashes_on(planned.org, planned.date)
    }

    /// Every role held in the subtree of `root` that carries a quota under `config`, with
    /// the visits its holder made in `year` to branches below the role's organisation,
    /// judged on `today`. By organisation code, then role, then party card.
    pub fn quota_standings(&self, root: OrgId, year: i32, today: NaiveDate, config: &QuotaConfig) -> Result<Vec<QuotaRow>, StoreError> {
        let tree = self.tree(root)?;
        let mut roles = Vec::new();
        for (i, org) in tree.orgs.iter().enumerate() {
            for role in self.roles_of_org(org.id)? {
                if let Some(quota) = config.quota_for(org.kind, role.role) {
                    roles.push((i, role, quota));
                }
            }
        }
        self.standings(&tree, roles, year, today)
    }

    /// `quota_standings` for the roles held in `committee` itself, not in the
    /// organisations below it: what a dashboard shows for one node. Not a roll-up: visits
    /// are counted from the year's meetings of every branch below, so the subtree is walked
    /// only when some role of the committee carries a quota — a province, whose committee
    /// has none by default, costs one read of its roles.
    pub fn committee_quota_standings(&self, committee: &OrgUnit, year: i32, today: NaiveDate, config: &QuotaConfig) -> Result<Vec<QuotaRow>, StoreError> {
        let roles: Vec<(usize, Role, Quota)> = self
            .roles_of_org(committee.id)?
            .into_iter()
            .filter_map(|role| config.quota_for(committee.kind, role.role).map(|q| (0, role, q)))
            .collect();
        if roles.is_empty() {
            return Ok(Vec::new());
        }
        let tree = self.tree(committee.id)?;
        self.standings(&tree, roles, year, today)
    }

    /// The standing of each (organisation at index, role, quota) of `tree` in `year`.
    fn standings(&self, tree: &Tree, roles: Vec<(usize, Role, Quota)>, year: i32, today: NaiveDate) -> Result<Vec<QuotaRow>, StoreError> {
        if roles.is_empty() {
            return Ok(Vec::new());
        }
        let visits = self.visits_in(tree, year)?;
        let mut rows = Vec::new();
        for (i, role, quota) in roles {
            let member = self.member_any(role.member)?.ok_or_else(|| StoreError::Corrupt(format!("role of missing member {}", role.member.0)))?;
            let below: Vec<Visit> = visits
                .get(&role.member)
                .into_iter()
                .flatten()
                .filter(|(branch, _)| tree.is_within(*branch, i))
                .map(|(_, visit)| *visit)
                .collect();
            let assignments = self.oversight_of_member(role.member)?;
            if let Some(standing) = oversight::standing(quota, &role, Some(member.org), &below, &assignments, year, today) {
                rows.push(QuotaRow { member, role, org: tree.orgs[i].clone(), standing });
            }
        }
        rows.sort_by(|a, b| (&a.org.code, a.role.role, &a.member.card, a.role.from).cmp(&(&b.org.code, b.role.role, &b.member.card, b.role.from)));
        Ok(rows)
    }

    /// Guests of the held meetings of the subtree's branches in `year`, by member: the
    /// index of the branch visited and the visit.
    fn visits_in(&self, tree: &Tree, year: i32) -> Result<HashMap<crate::domain::MemberId, Vec<(usize, Visit)>>, StoreError> {
        let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| StoreError::Corrupt(format!("no year {year}")))?;
        let next = NaiveDate::from_ymd_opt(year + 1, 1, 1).ok_or_else(|| StoreError::Corrupt(format!("no year {}", year + 1)))?;
        let mut visits: HashMap<_, Vec<(usize, Visit)>> = HashMap::new();
        for i in tree.branches() {
            let branch = tree.orgs[i].id;
            for meeting in self.meetings_of(branch, first, next)? {
                if meeting.state != MeetingState::Held {
                    continue;
                }
                for guest in meeting.guests {
                    visits.entry(guest).or_default().push((i, Visit { branch, date: meeting.date }));
                }
            }
        }
        Ok(visits)
    }

    /// The organisations of the subtree of `root` (by code) with their meetings whose day
    /// falls from `from` to `until` (both included), by date; organisations without any are
    /// left out.
    pub fn meetings_between(&self, root: OrgId, from: NaiveDate, until: NaiveDate) -> Result<Vec<(OrgUnit, Vec<Meeting>)>, StoreError> {
        let mut orgs = self.subtree(root)?;
        orgs.sort_by(|a, b| a.code.cmp(&b.code));
        let after = until.succ_opt().unwrap_or(until);
        let mut out = Vec::new();
        for org in orgs {
            let meetings = self.meetings_of(org.id, from, after)?;
            if !meetings.is_empty() {
                out.push((org, meetings));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
