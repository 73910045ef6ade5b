//! The yearly classification of organisations and members: one row per (organisation or
//! member, year), and the count of grades over the units a node answers for.

use chrono::NaiveDate;
use redb::ReadableTable;

use super::StoreError;
use super::codec::{decode, encode};
use super::query::{Reader, Writer, queries};
use crate::domain::{
    Classification, GradeCounts, Member, MemberId, MemberStatus, OrgId, OrgKind, OrgUnit,
};

/// Which units a node's classification share counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GradedUnits {
    /// The grassroots organisations below a committee above them (a province, a bloc).
    Grassroots,
    /// The branches of a grassroots committee.
    Branches,
}

impl GradedUnits {
    /// What `node`'s share counts; `None` for a branch or a cell, which answer for no
    /// organisation below them (a branch shows its own grade).
    pub fn of(node: OrgKind) -> Option<GradedUnits> {
        match node {
            OrgKind::ProvincialCommittee | OrgKind::DistrictCommittee | OrgKind::BlocCommittee => {
                Some(GradedUnits::Grassroots)
            }
            OrgKind::GrassrootsCommittee => Some(GradedUnits::Branches),
            OrgKind::GrassrootsBranch | OrgKind::Branch | OrgKind::Cell => None,
        }
    }

    /// Whether organisations of `kind` are graded every year: grassroots committees and
    /// branches (grassroots or not). The committees above them and cells are not.
    pub fn gradeable(kind: OrgKind) -> bool {
        matches!(
            kind,
            OrgKind::GrassrootsCommittee | OrgKind::GrassrootsBranch | OrgKind::Branch
        )
    }
}

/// The grades of the units a node answers for in one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GradeTally {
    pub year: i32,
    pub units: GradedUnits,
    pub counts: GradeCounts,
}

/// `chibo report classification`: a subtree's year of grades.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassificationReport {
    /// The units the root answers for, counted exactly as the dashboard counts them
    /// ([`Reader::grade_tally`]); `None` for a branch or a cell, which answer for none.
    pub tally: Option<GradeTally>,
    /// Every organisation of the subtree graded that year, or of a gradeable kind
    /// ([`GradedUnits::gradeable`]) and in existence some day of it, with its grade; by code.
    pub rows: Vec<(OrgUnit, Option<Classification>)>,
    /// The members of the subtree's branches by their grade that year; `ungraded` counts
    /// those to be graded with no grade (on the roll at the year's end, not exempt).
    pub members: GradeCounts,
}

/// A member the branch grades for `year`: admitted by its last day and on the roll on it,
/// when the year's grades are decided, and not exempt from party work and meetings for good
/// (miễn sinh hoạt: such members are not reviewed or graded). A member temporarily exempt is
/// graded. A member who left, died or was removed during the year is not one — nor an
/// exempt one — unless graded all the same.
fn to_be_graded(member: &Member, year: i32) -> bool {
    let Some(last) = NaiveDate::from_ymd_opt(year, 12, 31) else {
        return false;
    };
    let status = member.status_on(last);
    member.admitted.is_none_or(|a| a <= last) && status.on_roll() && status != MemberStatus::Exempt
}

/// A unit counted: graded at all, or in existence some day of the year.
fn counts_in_year(org: &OrgUnit, year: i32, graded: bool) -> bool {
    let (Some(first), Some(last)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return graded;
    };
    graded || org.exists_during(first, last)
}

queries! {
    /// The classification of `org` for `year`, if it was graded.
    pub fn org_classification(&self, org: OrgId, year: i32) -> Result<Option<Classification>, StoreError> {
        self.guard_read(org)?;
        self.org_classifications.get((org.0, year))?.map(|g| decode(g.value())).transpose()
    }

    /// The classification of `member` for `year`, if they were graded.
    pub fn member_classification(&self, member: MemberId, year: i32) -> Result<Option<Classification>, StoreError> {
        self.guard_member(member)?;
        self.member_classifications.get((member.0, year))?.map(|g| decode(g.value())).transpose()
    }

    /// Every classification of `org`, by year.
    pub fn org_classifications_of(&self, org: OrgId) -> Result<Vec<Classification>, StoreError> {
        self.guard_read(org)?;
        self.org_classifications
            .range((org.0, i32::MIN)..=(org.0, i32::MAX))?
            .map(|row| decode(row?.1.value()))
            .collect()
    }

    /// Every classification of `member`, by year.
    pub fn member_classifications_of(&self, member: MemberId) -> Result<Vec<Classification>, StoreError> {
        self.guard_member(member)?;
        self.member_classifications
            .range((member.0, i32::MIN)..=(member.0, i32::MAX))?
            .map(|row| decode(row?.1.value()))
            .collect()
    }

    /// The grades in `year` of the units `node` answers for (see [`GradedUnits`]), or `None`
    /// for a branch or a cell. Not a roll-up: a walk down from `node` that stops at the
    /// units counted — one `org_children` scan per committee passed and one classification
    /// read per unit, never a branch's cells or members — so a province costs about two
    /// reads per commune.
    pub fn grade_tally(&self, node: &OrgUnit, year: i32) -> Result<Option<GradeTally>, StoreError> {
        self.guard_read(node.id)?;
        let Some(units) = GradedUnits::of(node.kind) else {
            return Ok(None);
        };
        let mut counts = GradeCounts::default();
        let mut todo = vec![node.id];
        while let Some(parent) = todo.pop() {
            for child in self.children(Some(parent), 0, usize::MAX)? {
                let counted = match units {
                    GradedUnits::Branches => child.kind.is_branch(),
                    GradedUnits::Grassroots => GradedUnits::gradeable(child.kind),
                };
                if counted {
                    let grade = self.org_classification(child.id, year)?.map(|c| c.grade);
                    if counts_in_year(&child, year, grade.is_some()) {
                        counts.add(grade);
                    }
                } else if units == GradedUnits::Grassroots && child.kind != OrgKind::Cell {
                    todo.push(child.id);
                }
            }
        }
        Ok(Some(GradeTally { year, units, counts }))
    }

    /// The classification report of the subtree of `root` for `year`: the tally of the
    /// units it answers for, each organisation graded or gradeable, and its members by
    /// grade. Range scans only: the subtree walk, one classification read per organisation,
    /// and per branch its roster and one classification read per member.
    pub fn classification_report(&self, root: OrgId, year: i32) -> Result<ClassificationReport, StoreError> {
        let orgs = self.subtree(root)?;
        let tally = self.grade_tally(&orgs[0], year)?;
        let mut rows = Vec::new();
        let mut members = GradeCounts::default();
        for org in &orgs {
            let graded = self.org_classifications.get((org.id.0, year))?.map(|g| decode(g.value())).transpose()?;
            if counts_in_year(org, year, graded.is_some()) && (graded.is_some() || GradedUnits::gradeable(org.kind)) {
                rows.push((org.clone(), graded));
            }
            if !org.kind.is_branch() {
                continue;
            }
            for member in self.members_of(org.id, 0, usize::MAX)? {
                let graded: Option<Classification> = self.member_classifications.get((member.id.0, year))?.map(|g| decode(g.value())).transpose()?;
                if graded.is_some() || to_be_graded(&member, year) {
                    members.add(graded.map(|c| c.grade));
                }
            }
        }
        rows.sort_by(|a, b| a.0.code.cmp(&b.0.code));
        Ok(ClassificationReport { tally, rows, members })
    }
}

impl Writer<'_> {
    /// Records (or replaces) the classification of `org` for its year.
    pub fn put_org_classification(
        &mut self,
        org: OrgId,
        c: &Classification,
    ) -> Result<(), StoreError> {
        self.refuse_unless(self.access.role.writes_records())?;
        self.require_scope(org)?;
        self.org_classifications
            .insert((org.0, c.year), encode(c).as_slice())?;
        Ok(())
    }

    /// Records (or replaces) the classification of `member` for its year.
    pub fn put_member_classification(
        &mut self,
        member: MemberId,
        c: &Classification,
    ) -> Result<(), StoreError> {
        self.refuse_unless(self.access.role.writes_records())?;
        let org = self.member_org(member)?;
        self.require_scope(org)?;
        self.member_classifications
            .insert((member.0, c.year), encode(c).as_slice())?;
        Ok(())
    }
}

impl Writer<'_> {
    /// The branch of a member that must exist.
    fn member_org(&self, member: MemberId) -> Result<OrgId, StoreError> {
        self.member(member)?
            .map(|m| m.org)
            .ok_or_else(|| StoreError::Corrupt(format!("member {} does not exist", member.0)))
    }
}

impl Reader {
    /// Every organisation classification row, as (org id, year of the key, record), for
    /// `chibo check`.
    pub(super) fn all_org_classifications(
        &self,
    ) -> Result<Vec<(u64, i32, Classification)>, StoreError> {
        let mut rows = Vec::new();
        for row in self.org_classifications.iter()? {
            let (key, bytes) = row?;
            let (id, year) = key.value();
            rows.push((id, year, decode(bytes.value())?));
        }
        Ok(rows)
    }

    /// Every member classification row, as (member id, year of the key, record), in member
    /// id order: one pass over the table, for `chibo check` and export. Rows of members
    /// outside the scope are left out.
    pub fn all_member_classifications(
        &self,
    ) -> Result<Vec<(u64, i32, Classification)>, StoreError> {
        let mut rows = Vec::new();
        for row in self.member_classifications.iter()? {
            let (key, bytes) = row?;
            let (id, year) = key.value();
            if self.access.scope.is_some() && self.guard_member(MemberId(id)).is_err() {
                continue;
            }
            rows.push((id, year, decode(bytes.value())?));
        }
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Grade;
    use crate::store::testkit::{org, sample};

    fn graded(year: i32, grade: Grade) -> Classification {
        Classification {
            year,
            grade,
            score: None,
        }
    }

    #[test]
    fn a_ward_counts_its_branches_and_a_province_its_grassroots_units() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        // sample: 1 province › 2 ward › 3 branch; add a second branch and a
        // bloc holding a grassroots branch.
        store
            .write(|w| {
                let second = w.new_org_id()?;
                w.put_org(&org(second.0, "QN.HG.K3", OrgKind::Branch, Some(2)))?;
                let bloc = w.new_org_id()?;
                w.put_org(&org(bloc.0, "QN.CQD", OrgKind::BlocCommittee, Some(1)))?;
                let agency = w.new_org_id()?;
                w.put_org(&org(
                    agency.0,
                    "QN.CQD.BTC",
                    OrgKind::GrassrootsBranch,
                    Some(bloc.0),
                ))?;
                w.put_org_classification(OrgId(3), &graded(2025, Grade::Good))?;
                w.put_org_classification(second, &graded(2025, Grade::Completed))?;
                w.put_org_classification(OrgId(2), &graded(2025, Grade::Excellent))?;
                w.put_org_classification(OrgId(2), &graded(2024, Grade::NotCompleted))
            })
            .unwrap();
        let r = store.read().unwrap();
        let ward = r.org(OrgId(2)).unwrap().unwrap();
        let tally = r.grade_tally(&ward, 2025).unwrap().unwrap();
        assert_eq!(tally.units, GradedUnits::Branches);
        assert_eq!(
            (tally.counts.graded(), tally.counts.good_or_better()),
            (2, 1)
        );
        let province = r.org(OrgId(1)).unwrap().unwrap();
        let tally = r.grade_tally(&province, 2025).unwrap().unwrap();
        // The ward (excellent) and the bloc's grassroots branch (not graded).
        assert_eq!(tally.units, GradedUnits::Grassroots);
        assert_eq!(tally.counts.get(Grade::Excellent), 1);
        assert_eq!(tally.counts.ungraded, 1);
        let branch = r.org(OrgId(3)).unwrap().unwrap();
        assert_eq!(r.grade_tally(&branch, 2025).unwrap(), None);
        let years: Vec<i32> = r
            .org_classifications_of(OrgId(2))
            .unwrap()
            .iter()
            .map(|c| c.year)
            .collect();
        assert_eq!(years, [2024, 2025]);
    }
}
