//! Monthly meeting rules: "day N of the month" or "the n-th weekday", with grace days,
//! inherited from the nearest ancestor that sets them.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// Grace days when no organisation up the tree sets any: "no more than 2 days after".
pub const DEFAULT_GRACE_DAYS: u8 = 2;

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

    /// The due date of the regular meeting in the month of (`year`, `month`).
    pub fn due_date(self, year: i32, month: u32) -> NaiveDate {
        let last = last_day_of_month(year, month);
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

/// The last day of a month.
pub fn last_day_of_month(year: i32, month: u32) -> NaiveDate {
    let (next_year, next_month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(next_year, next_month, 1)
        .and_then(|d| d.pred_opt())
        .expect("month within chrono's range")
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

/// Parses a weekday word written by [`weekday_word`].
pub fn parse_weekday(word: &str) -> Option<Weekday> {
    [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ]
    .into_iter()
    .find(|w| weekday_word(*w) == word)
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
        assert_eq!(rule.due_date(2026, 2), ymd(2026, 2, 28));
        assert_eq!(rule.due_date(2024, 2), ymd(2024, 2, 29));
        assert_eq!(rule.due_date(2026, 4), ymd(2026, 4, 30));
        assert_eq!(
            ScheduleRule::DayOfMonth(7).due_date(2026, 11),
            ymd(2026, 11, 7)
        );
    }

    #[test]
    fn nth_weekday_finds_first_thursday_and_falls_back_to_last() {
        let first_thu = ScheduleRule::NthWeekday {
            n: 1,
            weekday: Weekday::Thu,
        };
        assert_eq!(first_thu.due_date(2026, 11), ymd(2026, 11, 5));
        assert_eq!(first_thu.due_date(2026, 10), ymd(2026, 10, 1));
        let fifth_fri = ScheduleRule::NthWeekday {
            n: 5,
            weekday: Weekday::Fri,
        };
        assert_eq!(fifth_fri.due_date(2026, 10), ymd(2026, 10, 30));
        assert_eq!(fifth_fri.due_date(2026, 11), ymd(2026, 11, 27));
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

    #[test]
    fn weekday_words_round_trip() {
        for w in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] {
            assert_eq!(weekday_word(parse_weekday(w).unwrap()), w);
        }
        assert_eq!(parse_weekday("thursday"), None);
    }
}
