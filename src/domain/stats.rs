//! Counts kept for every organisation's subtree, so a tree node shows its branches,
//! members and exempt members with one read instead of a walk of everything below it.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::member::{Member, MemberStatus};
use super::org::OrgUnit;

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
    let mut deltas: HashMap<u64, TotalsDelta> = HashMap::new();
    let mut add_along = |start: u64, t: OrgTotals| {
        let mut next = Some(start);
        // Bounded by the number of orgs, so a corrupt parent cycle cannot loop forever.
        for _ in 0..=orgs.len() {
            let Some(id) = next else { break };
            deltas.entry(id).or_default().add(t);
            next = orgs.get(&id).and_then(|o| o.parent).map(|p| p.0);
        }
    };
    for org in orgs.values() {
        add_along(org.id.0, OrgTotals::of_org(org));
    }
    for member in members {
        add_along(
            member.cell.unwrap_or(member.org).0,
            OrgTotals::of_member(member),
        );
    }
    deltas
        .into_iter()
        .map(|(id, d)| (id, d.applied_to(OrgTotals::default())))
        .filter(|(_, t)| !t.is_zero())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::parse_iso;
    use crate::domain::{MemberId, OrgId, OrgKind, StatusChange};

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
