//! Organisations: every level of the party tree, any depth.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::date::opt_days;
use super::schedule::ScheduleRule;

/// The store's identifier of an organisation. Never shown to users: they see the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OrgId(pub u64);

/// Declares a closed vocabulary whose snake_case names are the words of the exchange format.
/// New variants go at the end: the store encodes a variant by its position.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word used in files and reports.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }

            /// Parses the word used in files and reports.
            pub fn parse(word: &str) -> Option<Self> {
                match word { $($word => Some($name::$variant),)+ _ => None }
            }

            /// The accepted words, for error messages.
            pub fn words() -> String {
                [$($word),+].join(" | ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use vocabulary;

vocabulary! {
    /// The level of an organisation (domain.md, "The organisation tree").
    OrgKind {
        ProvincialCommittee => "provincial_committee",
        DistrictCommittee => "district_committee",
        BlocCommittee => "bloc_committee",
        GrassrootsCommittee => "grassroots_committee",
        GrassrootsBranch => "grassroots_branch",
        Branch => "branch",
        Cell => "cell",
    }
}

impl OrgKind {
    /// Branches hold members and meet monthly: `branch` and `grassroots_branch`.
    pub fn is_branch(self) -> bool {
        matches!(self, OrgKind::Branch | OrgKind::GrassrootsBranch)
    }

    /// Whether an organisation of this kind may sit under one of `parent` kind.
    /// Cells only live inside branches; nothing lives inside a cell.
    pub fn may_sit_under(self, parent: OrgKind) -> bool {
        match (self, parent) {
            (_, OrgKind::Cell) => false,
            (OrgKind::Cell, parent) => parent.is_branch(),
            (_, parent) if parent.is_branch() => false,
            _ => true,
        }
    }
}

vocabulary! {
    /// What a branch is built around (chi bộ thôn, trường học, cơ quan …).
    BranchType {
        Residential => "residential",
        School => "school",
        Agency => "agency",
        Enterprise => "enterprise",
        ArmedForces => "armed_forces",
        Other => "other",
    }
}

/// One organisation of the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgUnit {
    pub id: OrgId,
    /// Unique, stable code chosen by the organisation (`QN.HL.HG.K2`).
    pub code: String,
    /// NFC-normalised display name.
    pub name: String,
    pub kind: OrgKind,
    pub parent: Option<OrgId>,
    pub branch_type: Option<BranchType>,
    /// Own meeting rule; `None` inherits from the nearest ancestor that has one.
    pub meeting_rule: Option<ScheduleRule>,
    /// Own grace days; `None` inherits likewise.
    pub grace_days: Option<u8>,
    #[serde(with = "opt_days")]
    pub founded: Option<NaiveDate>,
    #[serde(with = "opt_days")]
    pub dissolved: Option<NaiveDate>,
}

impl OrgUnit {
    /// Whether the organisation existed on `day` (founded on or before, not yet dissolved).
    pub fn exists_on(&self, day: NaiveDate) -> bool {
        self.founded.is_none_or(|f| f <= day) && self.dissolved.is_none_or(|d| day < d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_words_round_trip() {
        for kind in OrgKind::ALL {
            assert_eq!(OrgKind::parse(kind.as_str()), Some(*kind));
        }
        assert_eq!(OrgKind::parse("chi_bo"), None);
    }

    #[test]
    fn cells_live_only_in_branches() {
        assert!(OrgKind::Cell.may_sit_under(OrgKind::Branch));
        assert!(OrgKind::Cell.may_sit_under(OrgKind::GrassrootsBranch));
        assert!(!OrgKind::Cell.may_sit_under(OrgKind::GrassrootsCommittee));
        assert!(!OrgKind::Branch.may_sit_under(OrgKind::Cell));
        assert!(!OrgKind::Branch.may_sit_under(OrgKind::Branch));
        assert!(OrgKind::Branch.may_sit_under(OrgKind::GrassrootsCommittee));
        assert!(OrgKind::GrassrootsCommittee.may_sit_under(OrgKind::ProvincialCommittee));
    }

    #[test]
    fn existence_is_half_open() {
        let d = |s| crate::domain::date::parse_iso(s).unwrap();
        let org = OrgUnit {
            id: OrgId(1),
            code: "X".into(),
            name: "X".into(),
            kind: OrgKind::Branch,
            parent: None,
            branch_type: None,
            meeting_rule: None,
            grace_days: None,
            founded: Some(d("2020-01-01")),
            dissolved: Some(d("2025-07-01")),
        };
        assert!(!org.exists_on(d("2019-12-31")));
        assert!(org.exists_on(d("2020-01-01")));
        assert!(org.exists_on(d("2025-06-30")));
        assert!(!org.exists_on(d("2025-07-01")));
    }
}
