//! Visits from above (dự sinh hoạt): committee members attend the meetings of branches below
//! them, above all those assigned to them, and each role has a yearly quota. A visit is the
//! member recorded as a guest of a held meeting of a branch. The quotas are configuration:
//! the defaults below are domain.md's, and an organisation may set its own.

use chrono::{Datelike, NaiveDate};

use super::lang::Lang;
use super::month::YearMonth;
use super::org::{OrgId, OrgKind};
use super::role::{Oversight, Role, RoleKind, span_covers};

/// How a role's quota is counted over a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quota {
    /// At least this many different branches a year, not counting the member's own branch.
    BranchesPerYear(u32),
    /// A meeting at a branch assigned to the member in every month the role is held.
    EveryMonthAtAssigned,
}

impl Quota {
    /// The quota in words for people, in their language.
    pub fn label(self, lang: Lang) -> String {
        match self {
            Quota::BranchesPerYear(n) => lang.pick(
                format!("≥ {n} chi bộ/năm"),
                format!("≥ {n} branches a year"),
            ),
            Quota::EveryMonthAtAssigned => lang.pick(
                "hằng tháng ở chi bộ được phân công".to_string(),
                "every month at assigned branches".to_string(),
            ),
        }
    }
}

/// The quota of one role in one kind of organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaRule {
    pub org_kind: OrgKind,
    pub role: RoleKind,
    pub quota: Quota,
}

/// Which roles carry a visiting quota, and which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaConfig {
    pub rules: Vec<QuotaRule>,
}

impl Default for QuotaConfig {
    /// domain.md: district secretaries and deputies attend at least 3 branches a year besides
    /// their own; a ward's standing deputy attends a branch every month.
    fn default() -> Self {
        let district = |role| QuotaRule {
            org_kind: OrgKind::DistrictCommittee,
            role,
            quota: Quota::BranchesPerYear(3),
        };
        QuotaConfig {
            rules: vec![
                district(RoleKind::Secretary),
                district(RoleKind::StandingDeputySecretary),
                district(RoleKind::DeputySecretary),
                QuotaRule {
                    org_kind: OrgKind::GrassrootsCommittee,
                    role: RoleKind::StandingDeputySecretary,
                    quota: Quota::EveryMonthAtAssigned,
                },
            ],
        }
    }
}

impl QuotaConfig {
    /// The quota of `role` held in an organisation of `org_kind`, if it has one.
    pub fn quota_for(&self, org_kind: OrgKind, role: RoleKind) -> Option<Quota> {
        self.rules
            .iter()
            .find(|r| r.org_kind == org_kind && r.role == role)
            .map(|r| r.quota)
    }
}

/// A committee member's attendance, as a guest, at a held meeting of a branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Visit {
    pub branch: OrgId,
    pub date: NaiveDate,
}

/// Visits made against the quota of one role for one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub quota: Quota,
    /// What the quota asks for the months of the year the role was held: branches for
    /// `BranchesPerYear` (in proportion to the months held, rounded down), months for
    /// `EveryMonthAtAssigned`.
    pub required: u32,
    /// What it asks for the months held that ended before today, counted the same way.
    pub due_so_far: u32,
    /// Different branches visited, or months with a visit at an assigned branch.
    pub made: u32,
    /// Fewer visits than due so far; for a monthly quota, any ended month without one.
    pub behind: bool,
}

/// How `role` (held by a member whose own branch is `own_branch`) stands in `year` against
/// `quota` on `today`, given the member's visits (to branches below the role's organisation)
/// and oversight assignments. Visits count while the role is held, up to today. `None` when
/// the role was not held in that year.
pub fn standing(
    quota: Quota,
    role: &Role,
    own_branch: Option<OrgId>,
    visits: &[Visit],
    assignments: &[Oversight],
    year: i32,
    today: NaiveDate,
) -> Option<Standing> {
    let held_months: Vec<YearMonth> = YearMonth::in_year(year)
        .filter(|&m| role_held_in(role, m))
        .collect();
    if held_months.is_empty() {
        return None;
    }
    let ended = |m: YearMonth| m.last_day() < today;
    let ended_months = held_months.iter().filter(|m| ended(**m)).count() as u32;
    // Visits up to today, in the year, while the role was held.
    let counted = visits.iter().filter(|v| {
        v.date.year() == year && v.date <= today && span_covers(role.from, role.until, v.date)
    });
    Some(match quota {
        Quota::BranchesPerYear(n) => {
            let mut branches: Vec<OrgId> = counted
                .filter(|v| Some(v.branch) != own_branch)
                .map(|v| v.branch)
                .collect();
            branches.sort_unstable();
            branches.dedup();
            let in_proportion = |months: u32| n * months / 12;
            let due_so_far = in_proportion(ended_months);
            Standing {
                quota,
                required: in_proportion(held_months.len() as u32),
                due_so_far,
                made: branches.len() as u32,
                behind: (branches.len() as u32) < due_so_far,
            }
        }
        Quota::EveryMonthAtAssigned => {
            let assigned = |v: &&Visit| {
                assignments
                    .iter()
                    .any(|a| a.org == v.branch && span_covers(a.from, a.until, v.date))
            };
            let mut months: Vec<YearMonth> = counted
                .filter(assigned)
                .map(|v| YearMonth::of(v.date))
                .collect();
            months.sort_unstable();
            months.dedup();
            let missed_ended_month = held_months
                .iter()
                .any(|m| ended(*m) && months.binary_search(m).is_err());
            Standing {
                quota,
                required: held_months.len() as u32,
                due_so_far: ended_months,
                made: months.len() as u32,
                behind: missed_ended_month,
            }
        }
    })
}

/// Whether `role` was held on some day of `month`.
fn role_held_in(role: &Role, month: YearMonth) -> bool {
    role.from <= month.last_day() && role.until.is_none_or(|u| month.first_day() < u)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::MemberId;
    use crate::domain::date::parse_iso;

    fn d(text: &str) -> NaiveDate {
        parse_iso(text).unwrap()
    }

    fn role(from: &str, until: Option<&str>) -> Role {
        Role {
            member: MemberId(1),
            org: OrgId(100),
            role: RoleKind::Secretary,
            from: d(from),
            until: until.map(d),
        }
    }

    fn visit(branch: u64, date: &str) -> Visit {
        Visit {
            branch: OrgId(branch),
            date: d(date),
        }
    }

    fn assigned(branch: u64, from: &str, until: Option<&str>) -> Oversight {
        Oversight {
            member: MemberId(1),
            org: OrgId(branch),
            from: d(from),
            until: until.map(d),
        }
    }

    #[test]
    fn the_defaults_are_the_domain_quotas() {
        let config = QuotaConfig::default();
        for role in [
            RoleKind::Secretary,
            RoleKind::StandingDeputySecretary,
            RoleKind::DeputySecretary,
        ] {
            assert_eq!(
                config.quota_for(OrgKind::DistrictCommittee, role),
                Some(Quota::BranchesPerYear(3))
            );
        }
        assert_eq!(
            config.quota_for(
                OrgKind::GrassrootsCommittee,
                RoleKind::StandingDeputySecretary
            ),
            Some(Quota::EveryMonthAtAssigned)
        );
        assert_eq!(
            config.quota_for(OrgKind::GrassrootsCommittee, RoleKind::Secretary),
            None
        );
        assert_eq!(
            config.quota_for(OrgKind::DistrictCommittee, RoleKind::CommitteeMember),
            None
        );
    }

    #[test]
    fn a_yearly_quota_counts_different_branches_besides_the_members_own() {
        let visits = [
            visit(1, "2026-02-07"),
            visit(1, "2026-05-07"),
            visit(2, "2026-03-03"),
            visit(7, "2026-04-07"), // the member's own branch
            visit(3, "2025-12-07"), // last year
        ];
        let quota = Quota::BranchesPerYear(3);
        let r = role("2020-01-01", None);
        let at = |today| standing(quota, &r, Some(OrgId(7)), &visits, &[], 2026, d(today));
        let mid_year = at("2026-07-01").unwrap();
        assert_eq!((mid_year.made, mid_year.required), (2, 3));
        // Six months ended: half the quota (1) is due, and 2 are made.
        assert_eq!((mid_year.due_so_far, mid_year.behind), (1, false));
        let year_end = at("2027-01-01").unwrap();
        assert_eq!((year_end.due_so_far, year_end.behind), (3, true));
    }

    #[test]
    fn a_role_held_part_of_the_year_owes_its_share() {
        // Held from 15 July: six months (July to December), so 3 × 6 / 12 = 1 branch.
        let r = role("2026-07-15", None);
        let quota = Quota::BranchesPerYear(3);
        let before = [visit(1, "2026-06-30")];
        let s = standing(quota, &r, None, &before, &[], 2026, d("2027-01-10")).unwrap();
        assert_eq!((s.required, s.made, s.behind), (1, 0, true));
        let after = [visit(1, "2026-07-15")];
        let s = standing(quota, &r, None, &after, &[], 2026, d("2027-01-10")).unwrap();
        assert_eq!((s.made, s.behind), (1, false));
        // Ended before the year: no standing at all.
        let old = role("2020-01-01", Some("2026-01-01"));
        assert_eq!(
            standing(quota, &old, None, &[], &[], 2026, d("2026-06-01")),
            None
        );
    }

    #[test]
    fn a_monthly_quota_needs_a_visit_to_an_assigned_branch_every_ended_month() {
        let r = role("2026-01-01", None);
        let assignments = [
            assigned(1, "2025-01-01", Some("2026-04-01")),
            assigned(2, "2026-04-01", None),
        ];
        let visits = [
            visit(1, "2026-01-07"),
            visit(1, "2026-02-07"),
            visit(1, "2026-02-20"),
            visit(1, "2026-04-07"), // no longer assigned there
            visit(2, "2026-04-09"),
            visit(3, "2026-03-07"), // never assigned
        ];
        let quota = Quota::EveryMonthAtAssigned;
        let at = |today| standing(quota, &r, None, &visits, &assignments, 2026, d(today)).unwrap();
        let march = at("2026-03-15");
        assert_eq!((march.made, march.due_so_far, march.behind), (2, 2, false));
        let may = at("2026-05-01");
        // January, February and April are met; March is not.
        assert_eq!((may.made, may.due_so_far, may.required), (3, 4, 12));
        assert!(may.behind);
    }
}
