//! Monthly meeting rules: "day N of the month" or "the n-th weekday", with grace days,
//! inherited from the nearest ancestor that sets them, and changed from a given month on.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::month::YearMonth;

/// Grace days when no organisation up the tree sets any: "no more than 2 days after".
pub const DEFAULT_GRACE_DAYS: u8 = 2;

/// The day of the month before by which next month's plan is due when no organisation up
/// the tree sets one: Hanoi asks for the date and topic "by the 20th of the month before".
pub const DEFAULT_PLAN_DEADLINE_DAY: u8 = 20;

/// When a branch meets each month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ScheduleRule {
    /// Day N (1..=31); in a month without day N, the last day of the month.
    DayOfMonth(u8),
    /// The n-th (1..=5) given weekday; when a month has no fifth one, the last one.
    NthWeekday { n: u8, weekday: Weekday },
}

impl ScheduleRule {
    /// Checks the numbers a file or a form may get wrong.
    pub fn validate(self) -> Result<Self, String> {
        match self {
            ScheduleRule::DayOfMonth(d) if !(1..=31).contains(&d) => {
                Err(format!("meeting day must be 1..31, found {d}"))
            }
            ScheduleRule::NthWeekday { n, .. } if !(1..=5).contains(&n) => {
                Err(format!("nth must be 1..5, found {n}"))
            }
            rule => Ok(rule),
        }
    }

    /// The due date of the regular meeting in `month`.
    pub fn due_date(self, month: YearMonth) -> NaiveDate {
        let last = month.last_day();
        let (year, month) = (month.year(), month.month());
        match self {
            ScheduleRule::DayOfMonth(d) => {
                NaiveDate::from_ymd_opt(year, month, u32::from(d).min(last.day())).unwrap_or(last)
            }
            ScheduleRule::NthWeekday { n, weekday } => {
                NaiveDate::from_weekday_of_month_opt(year, month, weekday, n)
                    .or_else(|| NaiveDate::from_weekday_of_month_opt(year, month, weekday, n - 1))
                    .unwrap_or(last)
            }
        }
    }
}

/// Three-letter weekday words used in files: mon … sun.
pub fn weekday_word(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

/// The days of the week, Monday first as Vietnamese calendars print them.
pub const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// Parses a weekday word written by [`weekday_word`].
pub fn parse_weekday(word: &str) -> Option<Weekday> {
    WEEKDAYS.into_iter().find(|w| weekday_word(*w) == word)
}

/// A change of an organisation's own meeting settings, in force from month `from` on.
///
/// `from` is the month's stored number `yyyymm` ([`YearMonth::key`]), as the record has
/// always kept it; [`RuleChange::starts`] reads it as a month.
///
/// A change states every setting as it is from that month: a `None` there means "inherit
/// from the nearest ancestor", exactly as the base settings of the organisation do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleChange {
    /// The first month the new settings apply to, as stored (`yyyymm`).
    pub from: u32,
    pub meeting_rule: Option<ScheduleRule>,
    pub grace_days: Option<u8>,
    /// The day of the month by which the next month's plan is due (schema 6).
    pub plan_deadline: Option<u8>,
}

impl RuleChange {
    /// The first month the new settings apply to; `None` when the stored number names no
    /// month (which `chibo check` reports).
    pub fn starts(&self) -> Option<YearMonth> {
        YearMonth::from_key(self.from)
    }
}

/// The latest of `changes` from month key `up_to` or before.
fn latest_change(changes: &[RuleChange], up_to: u32) -> Option<&RuleChange> {
    changes
        .iter()
        .filter(|c| c.from <= up_to)
        .max_by_key(|c| c.from)
}

/// An organisation's own meeting rule and grace days; `None` in either is inherited.
pub type OwnSettings = (Option<ScheduleRule>, Option<u8>);

/// An organisation's own settings for the month whose stored number is `up_to`
/// ([`YearMonth::key`]; `u32::MAX` for the latest): the latest change from that month or
/// before, else its base settings.
pub(crate) fn own_settings_up_to(
    base: OwnSettings,
    changes: &[RuleChange],
    up_to: u32,
) -> OwnSettings {
    latest_change(changes, up_to).map_or(base, |c| (c.meeting_rule, c.grace_days))
}

/// An organisation's own plan deadline day for the month whose stored number is `up_to`:
/// that of the latest change from that month or before, else its base setting (`None`:
/// inherited).
pub(crate) fn own_plan_deadline_up_to(
    base: Option<u8>,
    changes: &[RuleChange],
    up_to: u32,
) -> Option<u8> {
    latest_change(changes, up_to).map_or(base, |c| c.plan_deadline)
}

/// Checks a plan deadline day a file or a form may get wrong: a day of the month, 1 to 31
/// (in a shorter month, its last day).
pub fn validate_deadline_day(day: u8) -> Result<u8, String> {
    if (1..=31).contains(&day) {
        Ok(day)
    } else {
        Err(format!("plan deadline day must be 1..31, found {day}"))
    }
}

/// The day of the month by which the plan of a meeting in month `meeting_month` is due,
/// for an organisation given with its ancestors (nearest first).
///
/// The deadline falls in the month before the meeting, so it is the setting in force in
/// *that* month that counts: a change decided during a month applies from the next one, so
/// a deadline already running is never moved under a branch's feet (one that sent its plan
/// on the 18th is not made late by a change to the 15th decided on the 25th).
pub fn plan_deadline_day<'a>(
    chain: impl IntoIterator<Item = &'a crate::domain::OrgUnit>,
    meeting_month: YearMonth,
) -> u8 {
    let month = meeting_month.previous();
    chain
        .into_iter()
        .find_map(|org| org.own_plan_deadline_in(month))
        .unwrap_or(DEFAULT_PLAN_DEADLINE_DAY)
}

/// Everything in force for a branch's month: its meeting rule, grace days and plan
/// deadline day.
pub type MonthSettings = (Option<ScheduleRule>, u8, u8);

/// The [`MonthSettings`] of `month` for an organisation given with its ancestors (nearest
/// first).
pub fn settings_for_month<'a, I>(chain: I, month: YearMonth) -> MonthSettings
where
    I: IntoIterator<Item = &'a crate::domain::OrgUnit> + Clone,
{
    let (rule, grace) = effective_for_month(chain.clone(), month);
    (rule, grace, plan_deadline_day(chain, month))
}

/// The month a change decided on `day` takes effect: the next one. The month under way
/// keeps the rule its members were told about.
pub fn change_takes_effect(day: NaiveDate) -> YearMonth {
    YearMonth::of(day).next()
}

/// The rule and grace in force for an organisation in `month`, given it and its ancestors
/// (nearest first): for each in turn, its own settings for that month.
pub fn effective_for_month<'a>(
    chain: impl IntoIterator<Item = &'a crate::domain::OrgUnit>,
    month: YearMonth,
) -> (Option<ScheduleRule>, u8) {
    effective(chain.into_iter().map(|org| org.own_settings_in(month)))
}

/// The rule and grace in force for an organisation, given its own settings and its
/// ancestors' (nearest first). `None` rule: nobody up the tree set one.
pub fn effective<'a>(
    chain: impl IntoIterator<Item = (Option<ScheduleRule>, Option<u8>)> + 'a,
) -> (Option<ScheduleRule>, u8) {
    let mut rule = None;
    let mut grace = None;
    for (own_rule, own_grace) in chain {
        rule = rule.or(own_rule);
        grace = grace.or(own_grace);
        if rule.is_some() && grace.is_some() {
            break;
        }
    }
    (rule, grace.unwrap_or(DEFAULT_GRACE_DAYS))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn day_of_month_clamps_to_the_last_day() {
        let rule = ScheduleRule::DayOfMonth(31);
        assert_eq!(rule.due_date(ym(2026, 2)), ymd(2026, 2, 28));
        assert_eq!(rule.due_date(ym(2024, 2)), ymd(2024, 2, 29));
        assert_eq!(rule.due_date(ym(2026, 4)), ymd(2026, 4, 30));
        assert_eq!(
            ScheduleRule::DayOfMonth(7).due_date(ym(2026, 11)),
            ymd(2026, 11, 7)
        );
    }

    #[test]
    fn nth_weekday_finds_first_thursday_and_falls_back_to_last() {
        let first_thu = ScheduleRule::NthWeekday {
            n: 1,
            weekday: Weekday::Thu,
        };
        assert_eq!(first_thu.due_date(ym(2026, 11)), ymd(2026, 11, 5));
        assert_eq!(first_thu.due_date(ym(2026, 10)), ymd(2026, 10, 1));
        let fifth_fri = ScheduleRule::NthWeekday {
            n: 5,
            weekday: Weekday::Fri,
        };
        assert_eq!(fifth_fri.due_date(ym(2026, 10)), ymd(2026, 10, 30));
        assert_eq!(fifth_fri.due_date(ym(2026, 11)), ymd(2026, 11, 27));
    }

    #[test]
    fn validation_rejects_out_of_range_numbers() {
        assert!(ScheduleRule::DayOfMonth(0).validate().is_err());
        assert!(ScheduleRule::DayOfMonth(32).validate().is_err());
        assert!(
            ScheduleRule::NthWeekday {
                n: 6,
                weekday: Weekday::Mon
            }
            .validate()
            .is_err()
        );
        assert!(ScheduleRule::DayOfMonth(3).validate().is_ok());
    }

    #[test]
    fn rule_and_grace_inherit_separately_from_the_nearest_ancestor() {
        let chain = [
            (None, None),
            (Some(ScheduleRule::DayOfMonth(3)), None),
            (Some(ScheduleRule::DayOfMonth(7)), Some(1)),
        ];
        assert_eq!(effective(chain), (Some(ScheduleRule::DayOfMonth(3)), 1));
        assert_eq!(effective([(None, None)]), (None, DEFAULT_GRACE_DAYS));
    }

    fn ym(year: i32, month: u32) -> YearMonth {
        YearMonth::new(year, month).unwrap()
    }

    /// Every month from 2020 (a leap year) to 2031: three leap Februaries, and every way a
    /// month can start on a weekday.
    fn months() -> impl Iterator<Item = (i32, u32)> {
        (2020..=2031).flat_map(|y| (1..=12).map(move |m| (y, m)))
    }

    fn days_of(year: i32, month: u32) -> Vec<NaiveDate> {
        (1..=31)
            .filter_map(|d| NaiveDate::from_ymd_opt(year, month, d))
            .collect()
    }

    #[test]
    fn day_n_is_that_day_or_the_last_day_of_a_shorter_month_in_every_month() {
        for (y, m) in months() {
            let days = days_of(y, m);
            for n in 1..=31u8 {
                let due = ScheduleRule::DayOfMonth(n).due_date(ym(y, m));
                let expected = days.get(usize::from(n) - 1).or(days.last()).copied();
                assert_eq!(Some(due), expected, "day {n} of {y}-{m:02}");
            }
        }
        let leap_februaries = months()
            .filter(|&(y, m)| m == 2 && ScheduleRule::DayOfMonth(31).due_date(ym(y, m)).day() == 29)
            .map(|(y, _)| y)
            .collect::<Vec<_>>();
        assert_eq!(leap_februaries, [2020, 2024, 2028]);
    }

    #[test]
    fn nth_weekday_counts_that_weekday_through_the_month_in_every_month() {
        for (y, m) in months() {
            for weekday in WEEKDAYS {
                let matching: Vec<NaiveDate> = days_of(y, m)
                    .into_iter()
                    .filter(|d| d.weekday() == weekday)
                    .collect();
                assert!(matching.len() == 4 || matching.len() == 5);
                for n in 1..=5u8 {
                    let due = ScheduleRule::NthWeekday { n, weekday }.due_date(ym(y, m));
                    let expected = matching.get(usize::from(n) - 1).or(matching.last());
                    assert_eq!(Some(&due), expected, "{n}. {weekday} of {y}-{m:02}");
                }
            }
        }
    }

    #[test]
    fn the_first_thursday_falls_anywhere_from_the_first_to_the_seventh() {
        let first_thu = ScheduleRule::NthWeekday {
            n: 1,
            weekday: Weekday::Thu,
        };
        let days_2026: Vec<u32> = (1..=12)
            .map(|m| first_thu.due_date(ym(2026, m)).day())
            .collect();
        assert_eq!(days_2026, [1, 5, 5, 2, 7, 4, 2, 6, 3, 1, 5, 3]);
        let mut seen: Vec<u32> = months()
            .map(|(y, m)| first_thu.due_date(ym(y, m)).day())
            .collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen, [1, 2, 3, 4, 5, 6, 7]);
        // Five Thursdays in October 2026 (the 29th is the fifth), four in November.
        let fifth_thu = ScheduleRule::NthWeekday {
            n: 5,
            weekday: Weekday::Thu,
        };
        assert_eq!(fifth_thu.due_date(ym(2026, 10)), ymd(2026, 10, 29));
        assert_eq!(fifth_thu.due_date(ym(2026, 11)), ymd(2026, 11, 26));
        // A leap February 2024 has five Thursdays: 1, 8, 15, 22, 29.
        assert_eq!(fifth_thu.due_date(ym(2024, 2)), ymd(2024, 2, 29));
        assert_eq!(fifth_thu.due_date(ym(2025, 2)), ymd(2025, 2, 27));
    }

    fn unit(id: u64, parent: Option<u64>) -> crate::domain::OrgUnit {
        use crate::domain::{OrgId, OrgKind, OrgUnit};
        let kind = OrgKind::GrassrootsCommittee;
        OrgUnit::new(
            OrgId(id),
            id.to_string(),
            id.to_string(),
            kind,
            parent.map(OrgId),
        )
    }

    #[test]
    fn rule_changes_mid_year_apply_from_the_next_month_through_the_tree() {
        // Province: the 7th, grace 2. Ward: from March 2026 (decided in February) the 3rd;
        // from August 2027 (decided 31 July 2027) back to inheriting. Branch: its own first
        // Thursday from July 2026 (decided 15 June 2026) with grace 1.
        let mut province = unit(1, None);
        province.meeting_rule = Some(ScheduleRule::DayOfMonth(7));
        province.grace_days = Some(2);
        let mut ward = unit(2, Some(1));
        ward.record_rule_change(ymd(2026, 2, 10), Some(ScheduleRule::DayOfMonth(3)), None);
        ward.record_rule_change(ymd(2027, 7, 31), None, None);
        let mut branch = unit(3, Some(2));
        let first_thu = ScheduleRule::NthWeekday {
            n: 1,
            weekday: Weekday::Thu,
        };
        branch.record_rule_change(ymd(2026, 6, 15), Some(first_thu), Some(1));
        let chain = [&branch, &ward, &province];
        let due_and_grace = |y: i32, m: u32| {
            let (rule, grace) = effective_for_month(chain, ym(y, m));
            (rule.map(|r| r.due_date(ym(y, m)).day()), grace)
        };
        let year_2026: Vec<_> = (1..=12).map(|m| due_and_grace(2026, m)).collect();
        assert_eq!(
            year_2026,
            [
                (Some(7), 2),
                (Some(7), 2),
                (Some(3), 2),
                (Some(3), 2),
                (Some(3), 2),
                (Some(3), 2),
                (Some(2), 1),
                (Some(6), 1),
                (Some(3), 1),
                (Some(1), 1),
                (Some(5), 1),
                (Some(3), 1),
            ]
        );
        // The ward's rule is what the ward itself keeps; back to the province's from August.
        let ward_chain = [&ward, &province];
        let ward_days: Vec<_> = (5..=9)
            .map(|m| effective_for_month(ward_chain, ym(2027, m)).0)
            .map(|rule| rule.map(|r| r.due_date(ym(2027, 5)).day()))
            .collect();
        assert_eq!(ward_days, [Some(3), Some(3), Some(3), Some(7), Some(7)]);
        // Nobody sets anything: no rule, the default grace.
        assert_eq!(
            effective_for_month([&unit(9, None)], ym(2026, 1)),
            (None, DEFAULT_GRACE_DAYS)
        );
    }

    #[test]
    fn a_change_decided_on_any_day_takes_effect_the_next_month() {
        for (y, m) in months() {
            for day in days_of(y, m) {
                let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                assert_eq!(change_takes_effect(day), ym(ny, nm), "{day}");
            }
        }
    }

    #[test]
    fn weekday_words_round_trip() {
        for w in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] {
            assert_eq!(weekday_word(parse_weekday(w).unwrap()), w);
        }
        assert_eq!(parse_weekday("thursday"), None);
    }
}
