//! The yearly classification of organisations and members: one row per (organisation or
//! member, year), and the count of grades over the units a node answers for.

use chrono::NaiveDate;
use redb::ReadableTable;

use super::StoreError;
use super::codec::{decode, encode};
use super::query::{Reader, Writer, queries};
use crate::domain::classification::{Thresholds, classify};
use crate::domain::{
    Classification, Grade, GradeCounts, Member, MemberId, MemberStatus, OrgId, OrgKind, OrgUnit,
};

/// Who a classification grades: an organisation or a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Graded {
    Org(OrgId),
    Member(MemberId),
}

/// What `record_classification` wrote: the year's classification and the one it replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classified {
    pub recorded: Classification,
    pub replaced: Option<Classification>,
}

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
    /// Records the grade and score of an organisation or a member for `year`, replacing
    /// the year's classification if there is one; `this_year` is the store clock's.
    /// Refused unless the acting user writes records (an officer, an administrator) and
    /// their scope holds the organisation (the member's branch); refused as a rule
    /// ([`classify`]) for a coming year, a score over 100, or a grade the score does not
    /// earn by `thresholds`. A score alone is graded as it earns; a grade alone is kept
    /// without a score.
    pub fn record_classification(
        &mut self,
        who: Graded,
        year: i32,
        (grade, score): (Option<Grade>, Option<u8>),
        thresholds: &Thresholds,
        this_year: i32,
    ) -> Result<Classified, StoreError> {
        self.refuse_unless(self.access.role.writes_records())?;
        let (org, subject) = match who {
            Graded::Org(id) => {
                let org = self.org(id)?.ok_or(StoreError::OrgGone(id))?;
                (id, format!("{year} of org {}", org.code))
            }
            Graded::Member(id) => {
                let member = self.member(id)?.ok_or(StoreError::MemberGone(id))?;
                (member.org, format!("{year} of member {}", member.card))
            }
        };
        self.require_scope(org)?;
        let recorded = classify(year, grade, score, thresholds, this_year)?;
        let replaced = match who {
            Graded::Org(id) => {
                let old = self
                    .org_classifications
                    .get((id.0, year))?
                    .map(|g| decode(g.value()))
                    .transpose()?;
                self.put_org_classification(id, &recorded)?;
                old
            }
            Graded::Member(id) => {
                let old = self
                    .member_classifications
                    .get((id.0, year))?
                    .map(|g| decode(g.value()))
                    .transpose()?;
                self.put_member_classification(id, &recorded)?;
                old
            }
        };
        self.note("classification", subject, Some(org));
        Ok(Classified { recorded, replaced })
    }

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
    use crate::domain::edit::EditError;
    use crate::domain::{User, UserRole};
    use crate::store::Command;
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

    /// The sample store with its clock on 6 December 2026.
    fn in_december_2026(dir: &std::path::Path) -> crate::store::Store {
        let day = crate::domain::date::parse_iso("2026-12-06").unwrap();
        sample(dir).with_clock(crate::clock::Clock::on(day))
    }

    fn record(who: Graded, year: i32, grade: Option<Grade>, score: Option<u8>) -> Command {
        Command::RecordClassification {
            who,
            year,
            grade,
            score,
        }
    }

    fn user(role: UserRole, scope: u64) -> User {
        User {
            login: "cb".into(),
            role,
            scope: Some(OrgId(scope)),
            keys: vec![],
            name: None,
        }
    }

    #[test]
    fn an_officer_records_a_grade_and_score_for_a_year_replacing_the_years_grade() {
        let dir = tempfile::tempdir().unwrap();
        let store = in_december_2026(dir.path());
        let officer = store.as_user(&user(UserRole::Officer, 2));
        let good = record(Graded::Org(OrgId(3)), 2025, Some(Grade::Good), Some(82));
        let done = officer.run(good).unwrap().into_classified().unwrap();
        let expected = Classification {
            year: 2025,
            grade: Grade::Good,
            score: Some(82),
        };
        assert_eq!(
            done,
            Classified {
                recorded: expected,
                replaced: None
            }
        );
        let r = store.read().unwrap();
        assert_eq!(
            r.org_classification(OrgId(3), 2025).unwrap(),
            Some(expected)
        );
        drop(r);

        // A score alone is graded as it earns; the year's grade is replaced.
        let again = record(Graded::Org(OrgId(3)), 2025, None, Some(91));
        let done = officer.run(again).unwrap().into_classified().unwrap();
        assert_eq!(done.recorded.grade, Grade::Excellent);
        assert_eq!(done.replaced, Some(expected));
        // A grade alone keeps no score; this year may be graded at its end.
        let member = record(
            Graded::Member(MemberId(1)),
            2026,
            Some(Grade::Completed),
            None,
        );
        officer.run(member).unwrap();
        let r = store.read().unwrap();
        let graded = r.member_classification(MemberId(1), 2026).unwrap().unwrap();
        assert_eq!((graded.grade, graded.score), (Grade::Completed, None));
        let audited: Vec<String> = store
            .audit_trail()
            .unwrap()
            .into_iter()
            .map(|e| e.what)
            .collect();
        assert!(
            audited.ends_with(&[
                "classification 2025 of org QN.HG.K2".to_string(),
                "classification 2025 of org QN.HG.K2".to_string(),
                "classification 2026 of member 48123456".to_string(),
            ]),
            "{audited:?}"
        );
    }

    #[test]
    fn a_grade_is_refused_out_of_scope_to_a_viewer_for_a_coming_year_and_when_the_score_disagrees()
    {
        let dir = tempfile::tempdir().unwrap();
        let store = in_december_2026(dir.path());
        let audited = store.audit_trail().unwrap().len();
        let branch = Graded::Org(OrgId(3));

        // Out of scope: an officer of the branch grades neither the ward above nor its member
        // from elsewhere.
        let officer = store.as_user(&user(UserRole::Officer, 3));
        let ward = record(Graded::Org(OrgId(2)), 2025, Some(Grade::Good), None);
        assert!(matches!(officer.run(ward), Err(StoreError::OutOfScope)));
        let outsider = store.as_user(&user(UserRole::Officer, 1)).write(|w| {
            let other = w.new_org_id()?;
            w.put_org(&org(
                other.0,
                "QN.TB",
                OrgKind::GrassrootsCommittee,
                Some(1),
            ))?;
            Ok::<_, StoreError>(other)
        });
        let other = outsider.unwrap();
        let elsewhere = store.as_user(&user(UserRole::Officer, other.0));
        let member = record(Graded::Member(MemberId(1)), 2025, Some(Grade::Good), None);
        assert!(matches!(elsewhere.run(member), Err(StoreError::OutOfScope)));
        let audited = audited + 1;

        // A viewer, and a secretary, write no grade.
        for role in [UserRole::Viewer, UserRole::Secretary] {
            let reader = store.as_user(&user(role, 3));
            let good = record(branch, 2025, Some(Grade::Good), None);
            assert!(matches!(
                reader.run(good),
                Err(StoreError::NotAllowed { .. })
            ));
        }
        // A year not yet come, by the store's clock.
        let coming = record(branch, 2027, Some(Grade::Good), None);
        assert!(matches!(
            store.run(coming),
            Err(StoreError::Rule(EditError::YearOutOfRange {
                year: 2027,
                this_year: 2026
            }))
        ));
        // A score over 100.
        let over = record(branch, 2025, None, Some(101));
        assert!(matches!(
            store.run(over),
            Err(StoreError::Rule(EditError::ScoreOver100(101)))
        ));
        // "Excellent" for a score that earns "good" by the thresholds 90/70/50.
        let disagree = record(branch, 2025, Some(Grade::Excellent), Some(82));
        assert!(matches!(
            store.run(disagree),
            Err(StoreError::Rule(EditError::GradeDisagrees {
                grade: Grade::Excellent,
                score: 82,
                earns: Grade::Good
            }))
        ));
        // Gone.
        let gone = record(Graded::Member(MemberId(9)), 2025, Some(Grade::Good), None);
        assert!(matches!(
            store.run(gone),
            Err(StoreError::MemberGone(MemberId(9)))
        ));

        let r = store.read().unwrap();
        assert_eq!(r.org_classifications_of(OrgId(3)).unwrap(), []);
        assert_eq!(r.org_classifications_of(OrgId(2)).unwrap(), []);
        assert_eq!(r.member_classifications_of(MemberId(1)).unwrap(), []);
        assert_eq!(
            store.audit_trail().unwrap().len(),
            audited,
            "nothing written"
        );
        // Worded in both languages.
        let refused = EditError::GradeDisagrees {
            grade: Grade::Excellent,
            score: 82,
            earns: Grade::Good,
        };
        assert_eq!(
            refused.message(crate::domain::Lang::Vi),
            "82 điểm là mức \"hoàn thành tốt\", không phải \"hoàn thành xuất sắc\""
        );
        assert_eq!(
            refused.message(crate::domain::Lang::En),
            "a score of 82 earns \"good\", not \"excellent\""
        );
    }
}
