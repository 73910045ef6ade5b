//! Party members and their dated status history.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::date::{days, opt_days};
use super::org::{OrgId, vocabulary};

/// The store's identifier of a member. Users see the party card number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MemberId(pub u64);

vocabulary! {
    Sex {
        Male => "male",
        Female => "female",
    }
}

vocabulary! {
    /// A member's standing on a date (domain.md, "Members").
    MemberStatus {
        Active => "active",
        Exempt => "exempt",
        TemporarilyExempt => "temporarily_exempt",
        TransferredOut => "transferred_out",
        Removed => "removed",
        Expelled => "expelled",
        Deceased => "deceased",
    }
}

impl MemberStatus {
    /// Only a temporary exemption needs an end date.
    pub fn needs_until(self) -> bool {
        self == MemberStatus::TemporarilyExempt
    }

    /// Exempt from meetings, for good or for a time.
    pub fn is_exempt(self) -> bool {
        matches!(self, MemberStatus::Exempt | MemberStatus::TemporarilyExempt)
    }

    /// Still on the branch's roll (counted in its membership).
    pub fn on_roll(self) -> bool {
        matches!(
            self,
            MemberStatus::Active | MemberStatus::Exempt | MemberStatus::TemporarilyExempt
        )
    }
}

/// The status in force on `day` by a member's `history`: the latest change starting on or
/// before it. A temporary exemption whose `until` has passed reads as active again.
pub fn status_in(history: &[StatusChange], day: NaiveDate) -> MemberStatus {
    let latest = history.iter().rev().find(|change| change.from <= day);
    match latest {
        None => MemberStatus::Active,
        Some(change) if change.status.needs_until() && change.until.is_some_and(|u| u <= day) => {
            MemberStatus::Active
        }
        Some(change) => change.status,
    }
}

/// One dated change of status. History is only ever appended to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    pub status: MemberStatus,
    #[serde(with = "days")]
    pub from: NaiveDate,
    /// End of a temporary exemption (the member is expected again from this day).
    #[serde(with = "opt_days")]
    pub until: Option<NaiveDate>,
    pub reason: Option<String>,
}

/// A branch a member sat in before their present one, up to (not including) `until`: the
/// day they moved on (chuyển sinh hoạt). Their marks at its meetings before that day stay
/// theirs, so a year's absences follow a member from branch to branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormerOrg {
    pub org: OrgId,
    #[serde(with = "days")]
    pub until: NaiveDate,
}

/// A party member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: MemberId,
    /// Party card number: unique.
    pub card: String,
    /// Full name, NFC, family name first ("Phạm Ngọc Đường").
    pub name: String,
    pub sex: Option<Sex>,
    #[serde(with = "opt_days")]
    pub born: Option<NaiveDate>,
    #[serde(with = "opt_days")]
    pub admitted: Option<NaiveDate>,
    /// Made a full member; `None` while probationary.
    #[serde(with = "opt_days")]
    pub full_member: Option<NaiveDate>,
    /// The branch (or grassroots branch) the member belongs to.
    pub org: OrgId,
    /// The party cell inside that branch, if any.
    pub cell: Option<OrgId>,
    pub phone: Option<String>,
    pub residence: Option<String>,
    /// Status changes ordered by `from`; empty means active since admission.
    pub history: Vec<StatusChange>,
    /// The branches the member sat in before `org`, in order (each `until` after the one
    /// before). Empty for a member who never moved. Schema 6.
    pub former_orgs: Vec<FormerOrg>,
}

impl Member {
    /// The status in force on `day`: the latest change starting on or before it. A temporary
    /// exemption whose `until` has passed reads as active again.
    pub fn status_on(&self, day: NaiveDate) -> MemberStatus {
        status_in(&self.history, day)
    }

    /// Expected at a meeting on `day`: on the roll and neither exempt nor temporarily exempt.
    pub fn expected_on(&self, day: NaiveDate) -> bool {
        self.status_on(day) == MemberStatus::Active
    }

    /// Probationary (dự bị) on `day`: admitted but not yet made a full member.
    pub fn probationary_on(&self, day: NaiveDate) -> bool {
        self.admitted.is_some_and(|a| a <= day) && self.full_member.is_none_or(|f| day < f)
    }

    /// The branch the member sat in on `day`: the first former branch left after that day,
    /// else the present one.
    pub fn branch_on(&self, day: NaiveDate) -> OrgId {
        self.former_orgs
            .iter()
            .find(|f| day < f.until)
            .map_or(self.org, |f| f.org)
    }

    /// Moves the member to branch `to` (and `cell` of it) from day `on`, keeping the branch
    /// left as a former one. A move must come after the last one: `Err` holds the earliest
    /// day a move can be dated. A move to the same branch only changes the cell.
    pub fn transfer(
        &mut self,
        to: OrgId,
        cell: Option<OrgId>,
        on: NaiveDate,
    ) -> Result<(), NaiveDate> {
        if let Some(last) = self.former_orgs.last()
            && on <= last.until
        {
            return Err(last.until.succ_opt().unwrap_or(last.until));
        }
        if to != self.org {
            self.former_orgs.push(FormerOrg {
                org: self.org,
                until: on,
            });
            self.org = to;
        }
        self.cell = cell;
        Ok(())
    }

    /// Appends a change, keeping the history ordered by date; a change on the same day as an
    /// earlier one goes after it, so the newest word on a day wins.
    pub fn record_status(&mut self, change: StatusChange) {
        let at = self.history.partition_point(|c| c.from <= change.from);
        self.history.insert(at, change);
    }
}

/// Splits a Vietnamese full name into (family, middle, given): "Phạm Ngọc Đường" →
/// ("Phạm", "Ngọc", "Đường"). Rosters sort by given name, then family, then middle.
pub fn name_parts(full: &str) -> (&str, &str, &str) {
    let trimmed = full.trim();
    let Some(given_at) = trimmed.rfind(char::is_whitespace) else {
        return ("", "", trimmed);
    };
    let given = trimmed[given_at..].trim_start();
    let rest = trimmed[..given_at].trim_end();
    match rest.find(char::is_whitespace) {
        Some(family_end) => (&rest[..family_end], rest[family_end..].trim_start(), given),
        None => (rest, "", given),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::parse_iso;

    fn member() -> Member {
        Member {
            id: MemberId(1),
            card: "48123456".into(),
            name: "Phạm Ngọc Đường".into(),
            sex: Some(Sex::Male),
            born: None,
            admitted: Some(parse_iso("2025-05-19").unwrap()),
            full_member: Some(parse_iso("2026-05-19").unwrap()),
            org: OrgId(1),
            cell: None,
            phone: None,
            residence: None,
            history: vec![],
            former_orgs: vec![],
        }
    }

    fn change(status: MemberStatus, from: &str, until: Option<&str>) -> StatusChange {
        StatusChange {
            status,
            from: parse_iso(from).unwrap(),
            until: until.map(|u| parse_iso(u).unwrap()),
            reason: None,
        }
    }

    #[test]
    fn status_follows_dated_history() {
        let mut m = member();
        m.record_status(change(MemberStatus::Exempt, "2026-01-01", None));
        m.record_status(change(
            MemberStatus::TemporarilyExempt,
            "2024-03-01",
            Some("2024-09-01"),
        ));
        let d = |s| parse_iso(s).unwrap();
        assert_eq!(m.status_on(d("2024-02-28")), MemberStatus::Active);
        assert_eq!(
            m.status_on(d("2024-03-01")),
            MemberStatus::TemporarilyExempt
        );
        assert_eq!(m.status_on(d("2024-09-01")), MemberStatus::Active);
        assert_eq!(m.status_on(d("2026-01-01")), MemberStatus::Exempt);
        assert!(!m.expected_on(d("2026-06-01")));
        assert_eq!(m.history[0].from, d("2024-03-01"));
    }

    #[test]
    fn probation_lasts_until_full_membership() {
        let m = member();
        let d = |s| parse_iso(s).unwrap();
        assert!(!m.probationary_on(d("2025-05-18")));
        assert!(m.probationary_on(d("2025-05-19")));
        assert!(!m.probationary_on(d("2026-05-19")));
    }

    #[test]
    fn a_transfer_keeps_the_branch_left_until_the_day_of_the_move() {
        let d = |s| parse_iso(s).unwrap();
        let mut m = member();
        m.transfer(OrgId(2), Some(OrgId(5)), d("2026-06-01"))
            .unwrap();
        m.transfer(OrgId(3), None, d("2026-11-01")).unwrap();
        assert_eq!(m.branch_on(d("2026-05-31")), OrgId(1));
        assert_eq!(m.branch_on(d("2026-06-01")), OrgId(2));
        assert_eq!(m.branch_on(d("2026-10-31")), OrgId(2));
        assert_eq!(m.branch_on(d("2026-11-01")), OrgId(3));
        assert_eq!((m.org, m.cell), (OrgId(3), None));
        assert_eq!(
            m.transfer(OrgId(1), None, d("2026-11-01")),
            Err(d("2026-11-02")),
            "a move is dated after the last one"
        );
        // Another cell of the same branch is no move.
        m.transfer(OrgId(3), Some(OrgId(7)), d("2026-12-01"))
            .unwrap();
        assert_eq!((m.former_orgs.len(), m.cell), (2, Some(OrgId(7))));
    }

    #[test]
    fn name_parts_split_family_middle_given() {
        assert_eq!(name_parts("Phạm Ngọc Đường"), ("Phạm", "Ngọc", "Đường"));
        assert_eq!(name_parts("Tôn Nữ Thị Ninh"), ("Tôn", "Nữ Thị", "Ninh"));
        assert_eq!(name_parts("Lê Lợi"), ("Lê", "", "Lợi"));
        assert_eq!(name_parts("Hùng"), ("", "", "Hùng"));
    }
}
