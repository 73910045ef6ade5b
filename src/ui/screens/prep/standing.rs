//! How a branch stands with the plan of a month, as one mark: what the branch-status list
//! shows in its plan column and the preparation screen says in words.

use chrono::{NaiveDate, NaiveDateTime};
use ratatui::style::Style;

use crate::domain::prep::{PlanMonth, Timeliness};
use crate::store::BranchStatus;
use crate::ui::theme::Theme;

/// The plan of a branch's month, judged on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanMark {
    /// The branch owes no plan that month (no meeting rule, founded after the deadline).
    NotOwed,
    /// Nothing planned yet; the deadline has not passed.
    Unplanned {
        deadline: NaiveDate,
    },
    /// Planned in chibo, not sent yet; the deadline has not passed.
    Drafted {
        deadline: NaiveDate,
    },
    SentOnTime {
        at: NaiveDateTime,
    },
    SentLate {
        at: NaiveDateTime,
        deadline: NaiveDate,
    },
    /// Not sent, and the deadline has passed.
    Missing {
        deadline: NaiveDate,
    },
}

impl PlanMark {
    /// The plan of `status` on `today`.
    pub fn of(status: &BranchStatus, today: NaiveDate) -> PlanMark {
        let Some(PlanMonth { plan, .. }) = status.kept else {
            return PlanMark::NotOwed;
        };
        match plan {
            Timeliness::OnTime { at } => PlanMark::SentOnTime { at },
            Timeliness::Late { at, deadline } => PlanMark::SentLate { at, deadline },
            Timeliness::Pending { deadline } if today > deadline => PlanMark::Missing { deadline },
            Timeliness::Pending { deadline } if status.plan.is_some() => {
                PlanMark::Drafted { deadline }
            }
            Timeliness::Pending { deadline } => PlanMark::Unplanned { deadline },
        }
    }

    /// One character for a column: readable without colour.
    pub fn symbol(self) -> &'static str {
        match self {
            PlanMark::NotOwed => " ",
            PlanMark::Unplanned { .. } => "·",
            PlanMark::Drafted { .. } => "○",
            PlanMark::SentOnTime { .. } => "✓",
            PlanMark::SentLate { .. } => "!",
            PlanMark::Missing { .. } => "✗",
        }
    }

    pub fn style(self, theme: Theme) -> Style {
        match self {
            PlanMark::NotOwed | PlanMark::Unplanned { .. } => theme.dim(),
            PlanMark::Drafted { .. } => theme.planned(),
            PlanMark::SentOnTime { .. } => theme.good(),
            PlanMark::SentLate { .. } => theme.fair(),
            PlanMark::Missing { .. } => theme.bad(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::parse_iso;
    use crate::domain::{OrgId, OrgKind, OrgUnit};

    fn status(kept: Option<PlanMonth>, planned: bool) -> BranchStatus {
        let branch = OrgUnit::new(OrgId(1), "B", "Chi bộ", OrgKind::Branch, None);
        let plan = planned.then(|| {
            crate::domain::Meeting::new(
                crate::domain::MeetingId(1),
                OrgId(1),
                crate::domain::MeetingKind::Regular,
                parse_iso("2026-12-05").unwrap(),
                crate::domain::MeetingState::Planned,
            )
        });
        BranchStatus {
            branch,
            plan,
            deadlines: None,
            kept,
            held: None,
            quorum: None,
            short: None,
            absentees: 0,
            flags: vec![],
        }
    }

    #[test]
    fn a_plan_not_sent_is_missing_only_after_its_deadline_day() {
        let deadline = parse_iso("2026-11-20").unwrap();
        let pending = Some(PlanMonth {
            plan: Timeliness::Pending { deadline },
            documents: Timeliness::Pending { deadline },
        });
        let on = |day: &str, planned: bool| {
            PlanMark::of(&status(pending, planned), parse_iso(day).unwrap())
        };
        assert_eq!(on("2026-11-20", false), PlanMark::Unplanned { deadline });
        assert_eq!(on("2026-11-20", true), PlanMark::Drafted { deadline });
        assert_eq!(on("2026-11-21", true), PlanMark::Missing { deadline });
        assert_eq!(
            PlanMark::of(&status(None, false), deadline),
            PlanMark::NotOwed
        );
    }
}
