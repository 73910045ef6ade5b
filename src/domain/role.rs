//! Committee roles and oversight assignments (cấp ủy viên dự sinh hoạt chi bộ).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::date::{days, opt_days};
use super::member::MemberId;
use super::org::{OrgId, vocabulary};

vocabulary! {
    /// A committee role held in an organisation.
    RoleKind {
        Secretary => "secretary",
        StandingDeputySecretary => "standing_deputy_secretary",
        DeputySecretary => "deputy_secretary",
        StandingCommitteeMember => "standing_committee_member",
        CommitteeMember => "committee_member",
    }
}

impl RoleKind {
    /// The role's title, as minutes, reports and screens write it.
    pub fn title(self, lang: super::Lang) -> &'static str {
        let (vi, en) = match self {
            RoleKind::Secretary => ("Bí thư", "Secretary"),
            RoleKind::StandingDeputySecretary => {
                ("Phó Bí thư Thường trực", "Standing deputy secretary")
            }
            RoleKind::DeputySecretary => ("Phó Bí thư", "Deputy secretary"),
            RoleKind::StandingCommitteeMember => {
                ("Ủy viên Ban Thường vụ", "Standing committee member")
            }
            RoleKind::CommitteeMember => ("Cấp ủy viên", "Committee member"),
        };
        lang.pick(vi, en)
    }
}

/// A role held by a member in an organisation from a date (until a date, if it ended).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub member: MemberId,
    pub org: OrgId,
    pub role: RoleKind,
    #[serde(with = "days")]
    pub from: NaiveDate,
    #[serde(with = "opt_days")]
    pub until: Option<NaiveDate>,
}

/// A committee member assigned to oversee and attend a branch's meetings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Oversight {
    pub member: MemberId,
    pub org: OrgId,
    #[serde(with = "days")]
    pub from: NaiveDate,
    #[serde(with = "opt_days")]
    pub until: Option<NaiveDate>,
}

/// Whether a dated span covers `day` (from inclusive, until exclusive).
pub fn span_covers(from: NaiveDate, until: Option<NaiveDate>, day: NaiveDate) -> bool {
    from <= day && until.is_none_or(|u| day < u)
}
