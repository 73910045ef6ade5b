//! Organisations: every level of the party tree, down to [`MAX_DEPTH`] levels.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::date::opt_days;
use super::lang::Lang;
use super::month::YearMonth;
use super::schedule::{
    OwnSettings, RuleChange, ScheduleRule, change_takes_effect, own_plan_deadline_up_to,
    own_settings_up_to,
};

/// The most levels the tree may have, its root being level 1. The deepest real tree is a
/// province, at most two committees below it (a district — abolished in 2025 but kept for
/// history — and a commune or bloc committee), a branch and a cell: five levels. Twelve leaves
/// room for every rearrangement while keeping each walk up the tree short.
pub const MAX_DEPTH: usize = 12;

/// The level of every organisation reached from `starts` (a root is level 1), each walk up
/// the tree done once for all the organisations on it, so a whole tree costs one step per
/// organisation. `parent_of` names an organisation's parent (`None` for a root, or for a
/// parent that is not there, which the caller reports itself). An organisation on a cycle of
/// parents, or below one, has no level.
pub fn levels<K: Copy + Eq + Hash, E>(
    starts: impl IntoIterator<Item = K>,
    mut parent_of: impl FnMut(K) -> Result<Option<K>, E>,
) -> Result<HashMap<K, Option<usize>>, E> {
    let mut level: HashMap<K, Option<usize>> = HashMap::new();
    let mut on_path = HashSet::new();
    for start in starts {
        let mut path = Vec::new();
        let mut next = Some(start);
        let mut above = Some(0);
        while let Some(k) = next {
            if let Some(&known) = level.get(&k) {
                above = known;
                break;
            }
            if !on_path.insert(k) {
                above = None;
                break;
            }
            path.push(k);
            next = parent_of(k)?;
        }
        for k in path.into_iter().rev() {
            above = above.map(|l| l + 1);
            level.insert(k, above);
            on_path.remove(&k);
        }
    }
    Ok(level)
}

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
    /// The kind's name in `lang`; `short` for a narrow column.
    pub fn label(self, lang: Lang, short: bool) -> &'static str {
        let (vi, en, vi_short, en_short) = match self {
            OrgKind::ProvincialCommittee => ("tỉnh ủy", "provincial committee", "tỉnh", "prov"),
            OrgKind::DistrictCommittee => ("huyện ủy", "district committee", "huyện", "dist"),
            OrgKind::BlocCommittee => ("đảng ủy khối", "bloc committee", "khối", "bloc"),
            OrgKind::GrassrootsCommittee => {
                ("đảng ủy cơ sở", "grassroots committee", "cơ sở", "base")
            }
            OrgKind::GrassrootsBranch => ("chi bộ cơ sở", "grassroots branch", "CBCS", "base br"),
            OrgKind::Branch => ("chi bộ", "branch", "chi bộ", "branch"),
            OrgKind::Cell => ("tổ đảng", "party cell", "tổ", "cell"),
        };
        if short {
            lang.pick(vi_short, en_short)
        } else {
            lang.pick(vi, en)
        }
    }

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
    /// Own day of the month before by which a branch sends its plan for the next month's
    /// meeting; `None` inherits likewise (default: the 20th). Schema 6.
    pub plan_deadline: Option<u8>,
    #[serde(with = "opt_days")]
    pub founded: Option<NaiveDate>,
    #[serde(with = "opt_days")]
    pub dissolved: Option<NaiveDate>,
    /// Later changes of the own rule and grace days, ordered by the month they start.
    pub rule_changes: Vec<RuleChange>,
}

impl OrgUnit {
    /// An organisation with nothing set beyond its place in the tree: no branch type, its
    /// meeting rule and grace days inherited, no founding or dissolution date.
    pub fn new(
        id: OrgId,
        code: impl Into<String>,
        name: impl Into<String>,
        kind: OrgKind,
        parent: Option<OrgId>,
    ) -> OrgUnit {
        OrgUnit {
            id,
            code: code.into(),
            name: name.into(),
            kind,
            parent,
            branch_type: None,
            meeting_rule: None,
            grace_days: None,
            plan_deadline: None,
            founded: None,
            dissolved: None,
            rule_changes: Vec::new(),
        }
    }

    /// Whether the organisation existed on `day` (founded on or before, not yet dissolved).
    pub fn exists_on(&self, day: NaiveDate) -> bool {
        self.founded.is_none_or(|f| f <= day) && self.dissolved.is_none_or(|d| day < d)
    }

    /// Whether the organisation existed on any day from `first` to `last` (both included).
    pub fn exists_during(&self, first: NaiveDate, last: NaiveDate) -> bool {
        self.founded.is_none_or(|f| f <= last) && self.dissolved.is_none_or(|d| first < d)
    }

    /// Whether the organisation existed on every day from `first` to `last`.
    pub fn exists_throughout(&self, first: NaiveDate, last: NaiveDate) -> bool {
        self.exists_on(first) && self.exists_on(last)
    }

    /// Whether the organisation existed on some day of `month`: neither founded after the
    /// month's end nor dissolved before its start.
    pub fn exists_in_month(&self, month: YearMonth) -> bool {
        self.exists_during(month.first_day(), month.last_day())
    }

    /// The own rule and grace days for `month` (`None`: inherited).
    pub fn own_settings_in(&self, month: YearMonth) -> OwnSettings {
        self.own_settings_up_to(month.key())
    }

    /// The own plan deadline day for `month` (`None`: inherited).
    pub fn own_plan_deadline_in(&self, month: YearMonth) -> Option<u8> {
        own_plan_deadline_up_to(self.plan_deadline, &self.rule_changes, month.key())
    }

    /// The own rule and grace days as last decided: the latest change, else the base.
    pub fn latest_settings(&self) -> OwnSettings {
        self.own_settings_up_to(u32::MAX)
    }

    /// The own rule and grace days of the latest change whose month key is `up_to` or less.
    fn own_settings_up_to(&self, up_to: u32) -> OwnSettings {
        own_settings_up_to(
            (self.meeting_rule, self.grace_days),
            &self.rule_changes,
            up_to,
        )
    }

    /// Records new own settings decided on `decided_on`. They apply from the next month on
    /// (returned); a change already recorded for that month is replaced.
    pub fn record_rule_change(
        &mut self,
        decided_on: NaiveDate,
        meeting_rule: Option<ScheduleRule>,
        grace_days: Option<u8>,
    ) -> YearMonth {
        let from = change_takes_effect(decided_on);
        // A change states every setting: the plan deadline in force that month goes on.
        self.put_rule_change(RuleChange {
            from: from.key(),
            meeting_rule,
            grace_days,
            plan_deadline: self.own_plan_deadline_in(from),
        });
        from
    }

    /// Records a new own plan deadline day decided on `decided_on`, from the next month on
    /// (returned), keeping the meeting rule and grace days in force then.
    pub fn record_plan_deadline_change(
        &mut self,
        decided_on: NaiveDate,
        day: Option<u8>,
    ) -> YearMonth {
        let from = change_takes_effect(decided_on);
        let (meeting_rule, grace_days) = self.own_settings_in(from);
        self.put_rule_change(RuleChange {
            from: from.key(),
            meeting_rule,
            grace_days,
            plan_deadline: day,
        });
        from
    }

    /// Adds a change in its place by month, replacing one that starts the same month.
    pub fn put_rule_change(&mut self, change: RuleChange) {
        match self
            .rule_changes
            .binary_search_by_key(&change.from, |c| c.from)
        {
            Ok(at) => self.rule_changes[at] = change,
            Err(at) => self.rule_changes.insert(at, change),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_walk_each_organisation_once_and_find_cycles() {
        // 0 ← 1 ← 2 ← 3, 4 ← 5 ← 4 (a cycle), 6 ← 7 under 9, which is not there.
        let parents: HashMap<u32, Option<u32>> = [
            (0, None),
            (1, Some(0)),
            (2, Some(1)),
            (3, Some(2)),
            (4, Some(5)),
            (5, Some(4)),
            (6, Some(9)),
            (7, Some(6)),
        ]
        .into();
        let mut asked = 0;
        let found = levels([3, 2, 1, 0, 5, 4, 7, 6], |k| {
            asked += 1;
            Ok::<_, ()>(
                parents
                    .get(&k)
                    .copied()
                    .flatten()
                    .filter(|p| parents.contains_key(p)),
            )
        })
        .unwrap();
        assert_eq!(found[&0], Some(1));
        assert_eq!(found[&3], Some(4));
        assert_eq!((found[&4], found[&5]), (None, None));
        assert_eq!((found[&6], found[&7]), (Some(1), Some(2)));
        assert_eq!(asked, 8, "each organisation's parent asked once");

        let chain = levels(std::iter::once(99_999u32), |k| {
            Ok::<_, ()>(k.checked_sub(1))
        });
        assert_eq!(
            chain.unwrap()[&99_999],
            Some(100_000),
            "long chains are linear"
        );
    }

    fn ym(year: i32, month: u32) -> YearMonth {
        YearMonth::new(year, month).unwrap()
    }

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
            founded: Some(d("2020-01-15")),
            dissolved: Some(d("2025-07-01")),
            ..OrgUnit::new(OrgId(1), "X", "X", OrgKind::Branch, None)
        };
        assert!(!org.exists_on(d("2019-12-31")));
        assert!(org.exists_on(d("2020-01-15")));
        assert!(org.exists_on(d("2025-06-30")));
        assert!(!org.exists_on(d("2025-07-01")));
        // A month counts when the organisation existed on any day of it.
        assert!(!org.exists_in_month(ym(2019, 12)));
        assert!(org.exists_in_month(ym(2020, 1)));
        assert!(org.exists_in_month(ym(2025, 6)));
        assert!(!org.exists_in_month(ym(2025, 7)));
        assert!(!org.exists_throughout(d("2020-01-01"), d("2020-03-31")));
        assert!(org.exists_throughout(d("2020-04-01"), d("2020-06-30")));
    }

    #[test]
    fn a_rule_change_applies_from_the_month_after_it_is_decided() {
        let d = |s| crate::domain::date::parse_iso(s).unwrap();
        let mut org = OrgUnit {
            meeting_rule: Some(ScheduleRule::DayOfMonth(7)),
            ..OrgUnit::new(OrgId(1), "X", "X", OrgKind::Branch, None)
        };
        let rule3 = Some(ScheduleRule::DayOfMonth(3));
        assert_eq!(
            org.record_rule_change(d("2026-06-30"), rule3, Some(1)),
            ym(2026, 7)
        );
        // Recorded out of order, kept in order of the month they start.
        assert_eq!(
            org.record_rule_change(d("2026-01-01"), None, Some(4)),
            ym(2026, 2)
        );
        assert_eq!(
            org.rule_changes
                .iter()
                .map(|c| c.starts())
                .collect::<Vec<_>>(),
            [Some(ym(2026, 2)), Some(ym(2026, 7))]
        );
        let rule7 = Some(ScheduleRule::DayOfMonth(7));
        assert_eq!(org.own_settings_in(ym(2026, 1)), (rule7, None));
        assert_eq!(org.own_settings_in(ym(2026, 2)), (None, Some(4)));
        assert_eq!(org.own_settings_in(ym(2026, 6)), (None, Some(4)));
        assert_eq!(org.own_settings_in(ym(2026, 7)), (rule3, Some(1)));
        assert_eq!(org.latest_settings(), (rule3, Some(1)));
        // A second change decided in the same month replaces the first.
        assert_eq!(
            org.record_rule_change(d("2026-06-02"), rule7, Some(2)),
            ym(2026, 7)
        );
        assert_eq!(org.rule_changes.len(), 2);
        assert_eq!(org.own_settings_in(ym(2026, 12)), (rule7, Some(2)));
        // December's decision waits for January.
        assert_eq!(
            org.record_rule_change(d("2026-12-31"), rule3, None),
            ym(2027, 1)
        );
    }
}
