//! A calendar month: the period chibo judges, counts and shows by.
//!
//! Stored, a month is one number `yyyymm` (202611), the month part of meeting, roll-up and
//! absence keys and of a rule change's start: [`YearMonth::key`] writes it and
//! [`YearMonth::from_key`] reads it back. Written for people and files, it is `YYYY-MM`.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use super::date::{FIRST_YEAR, LAST_YEAR, two_numbers};

/// A month of a year, ordered by time. Any date's month is one; stepping with
/// [`next`](Self::next) and [`previous`](Self::previous) crosses year ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    /// Months since January of year 0: the order of time, and a step is ±1.
    index: i32,
}

impl YearMonth {
    /// Before every month: a bound for ranges of keys that hold a month, never a month of
    /// its own (it has no days).
    pub const MIN: YearMonth = YearMonth { index: i32::MIN };

    /// After every month: a bound for ranges, as [`YearMonth::MIN`].
    pub const MAX: YearMonth = YearMonth { index: i32::MAX };

    /// The month `date` falls in.
    pub fn of(date: NaiveDate) -> YearMonth {
        YearMonth {
            index: date.year() * 12 + date.month0() as i32,
        }
    }

    /// Month `month` (1 to 12) of `year`; `None` for a month that is not one, or one of a
    /// year no date can be in.
    pub fn new(year: i32, month: u32) -> Option<YearMonth> {
        NaiveDate::from_ymd_opt(year, month, 1).map(YearMonth::of)
    }

    /// The month of a stored key `yyyymm` (202611 → 2026-11); `None` for a number that names
    /// no month.
    pub fn from_key(yyyymm: u32) -> Option<YearMonth> {
        YearMonth::new(i32::try_from(yyyymm / 100).ok()?, yyyymm % 100)
    }

    /// The month as stored: `yyyymm` as one number (2026-11 → 202611), so keys sort by time.
    /// Tables and records keep this form; it does not change with this type.
    pub fn key(self) -> u32 {
        self.year() as u32 * 100 + self.month()
    }

    /// The year, as in `2026` of 2026-11.
    pub fn year(self) -> i32 {
        self.index.div_euclid(12)
    }

    /// The month of the year, 1 (January) to 12 (December).
    pub fn month(self) -> u32 {
        self.index.rem_euclid(12) as u32 + 1
    }

    /// January of `year`.
    pub fn january(year: i32) -> YearMonth {
        YearMonth { index: year * 12 }
    }

    /// December of `year`.
    pub fn december(year: i32) -> YearMonth {
        YearMonth {
            index: year * 12 + 11,
        }
    }

    /// The twelve months of `year`, January first.
    pub fn in_year(year: i32) -> impl DoubleEndedIterator<Item = YearMonth> {
        YearMonth::january(year).through(YearMonth::december(year))
    }

    /// The month as Vietnamese readers write it, `MM/YYYY` (2026-12 → 12/2026).
    pub fn slashed(self) -> String {
        format!("{:02}/{}", self.month(), self.year())
    }

    /// The month after this one (2026-12 → 2027-01).
    pub fn next(self) -> YearMonth {
        self.plus(1)
    }

    /// The month before this one (2027-01 → 2026-12).
    pub fn previous(self) -> YearMonth {
        self.plus(-1)
    }

    /// The month `months` later (earlier when negative).
    pub fn plus(self, months: i32) -> YearMonth {
        YearMonth {
            index: self.index + months,
        }
    }

    /// The months from this one to `last`, both included, in order; none when `last` is
    /// earlier.
    pub fn through(self, last: YearMonth) -> impl DoubleEndedIterator<Item = YearMonth> {
        (self.index..=last.index).map(|index| YearMonth { index })
    }

    /// The month's first day. Every month a date, a key or a text names has one; only a
    /// month stepped past the dates chrono can hold (the year 262,000 or so) has none.
    pub fn first_day(self) -> NaiveDate {
        self.day(1).expect("a month within the dates chrono holds")
    }

    /// The month's last day (28, 29, 30 or 31).
    pub fn last_day(self) -> NaiveDate {
        (28..=31)
            .rev()
            .find_map(|d| self.day(d))
            .expect("a month within the dates chrono holds")
    }

    /// Whether `date` falls in this month.
    pub fn contains(self, date: NaiveDate) -> bool {
        YearMonth::of(date) == self
    }

    fn day(self, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year(), self.month(), day)
    }
}

/// `YYYY-MM` (`2026-07`), the way files, reports and messages write a month.
impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

/// Why a text is not a month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MonthParseError {
    /// Not four digits, a hyphen and two digits.
    NotYyyyMm { found: String },
    /// Well formed, but the month is not 01 to 12, or its year is outside the dates chibo
    /// accepts (`domain::date`).
    NoSuchMonth { found: String },
}

impl fmt::Display for MonthParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (MonthParseError::NotYyyyMm { found } | MonthParseError::NoSuchMonth { found }) = self;
        write!(f, "expected a month as YYYY-MM, found {found:?}")
    }
}

impl std::error::Error for MonthParseError {}

/// A strict `YYYY-MM` month (`2026-07`), the only form chibo accepts.
impl FromStr for YearMonth {
    type Err = MonthParseError;

    fn from_str(text: &str) -> Result<YearMonth, MonthParseError> {
        let found = || text.to_string();
        let (year, month) = two_numbers(text, 7, 4, b'-')
            .ok_or_else(|| MonthParseError::NotYyyyMm { found: found() })?;
        // A month of a year outside the dates chibo accepts names no month either.
        let year = year as i32;
        (FIRST_YEAR..=LAST_YEAR)
            .contains(&year)
            .then(|| YearMonth::new(year, month))
            .flatten()
            .ok_or_else(|| MonthParseError::NoSuchMonth { found: found() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Lang;

    fn ym(year: i32, month: u32) -> YearMonth {
        YearMonth::new(year, month).unwrap()
    }

    fn d(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn months_step_across_year_ends_both_ways() {
        assert_eq!(ym(2026, 12).next(), ym(2027, 1));
        assert_eq!(ym(2026, 1).next(), ym(2026, 2));
        assert_eq!(ym(2027, 1).previous(), ym(2026, 12));
        assert_eq!(ym(2026, 3).previous(), ym(2026, 2));
        assert_eq!(ym(2026, 11).plus(14), ym(2028, 1));
        assert_eq!(ym(2026, 11).plus(-11), ym(2025, 12));
        assert_eq!(YearMonth::january(2026), ym(2026, 1));
        assert_eq!(YearMonth::december(2026), ym(2026, 12));
    }

    #[test]
    fn months_know_their_first_and_last_day() {
        assert_eq!(ym(2024, 2).first_day(), d(2024, 2, 1));
        assert_eq!(ym(2024, 2).last_day(), d(2024, 2, 29));
        assert_eq!(ym(2025, 2).last_day(), d(2025, 2, 28));
        assert_eq!(ym(2026, 12).last_day(), d(2026, 12, 31));
        assert_eq!(ym(2026, 4).last_day(), d(2026, 4, 30));
        assert_eq!(YearMonth::of(d(2026, 11, 7)), ym(2026, 11));
        assert!(ym(2026, 11).contains(d(2026, 11, 30)));
        assert!(!ym(2026, 11).contains(d(2026, 12, 1)));
        assert_eq!((ym(2026, 11).year(), ym(2026, 11).month()), (2026, 11));
        assert_eq!(YearMonth::new(2026, 13), None);
        assert_eq!(YearMonth::new(2026, 0), None);
    }

    #[test]
    fn months_are_ordered_by_time() {
        let mut months = vec![ym(2027, 1), ym(2026, 12), ym(2026, 2), ym(2025, 12)];
        months.sort();
        assert_eq!(
            months,
            [ym(2025, 12), ym(2026, 2), ym(2026, 12), ym(2027, 1)]
        );
        assert!(ym(2026, 12) < ym(2027, 1));
        let range: Vec<_> = ym(2026, 11).through(ym(2027, 2)).collect();
        assert_eq!(
            range,
            [ym(2026, 11), ym(2026, 12), ym(2027, 1), ym(2027, 2)]
        );
        assert_eq!(ym(2027, 2).through(ym(2026, 11)).count(), 0);
    }

    #[test]
    fn the_stored_key_is_yyyymm_and_round_trips() {
        assert_eq!(ym(2026, 11).key(), 202611);
        assert_eq!(ym(2027, 1).key(), 202701);
        assert_eq!(YearMonth::from_key(202611), Some(ym(2026, 11)));
        for key in [202601, 202612, 199912, 1, 999912] {
            let month = YearMonth::from_key(key).unwrap();
            assert_eq!(month.key(), key);
        }
        for key in [202600, 202613, 202699, 0] {
            assert_eq!(YearMonth::from_key(key), None, "{key}");
        }
        // Keys sort as the months do.
        assert!(ym(2026, 12).key() < ym(2027, 1).key());
    }

    #[test]
    fn year_months_are_strict() {
        assert_eq!("2026-07".parse(), Ok(ym(2026, 7)));
        assert_eq!("2026-12".parse(), Ok(ym(2026, 12)));
        for bad in [
            "2026-13",
            "2026-00",
            "2026-7",
            "26-07",
            "2026/07",
            "2026-07-01",
            "",
            "٢٠٢٦-07",
        ] {
            let refused = bad.parse::<YearMonth>().unwrap_err();
            assert_eq!(
                refused.to_string(),
                format!("expected a month as YYYY-MM, found {bad:?}")
            );
        }
        assert_eq!(
            "2026-13".parse::<YearMonth>(),
            Err(MonthParseError::NoSuchMonth {
                found: "2026-13".into()
            })
        );
        for outside in ["0000-01", "1899-12", "2200-01"] {
            assert_eq!(
                outside.parse::<YearMonth>(),
                Err(MonthParseError::NoSuchMonth {
                    found: outside.into()
                })
            );
        }
        assert_eq!(
            "2026-7".parse::<YearMonth>(),
            Err(MonthParseError::NotYyyyMm {
                found: "2026-7".into()
            })
        );
        assert_eq!(ym(2026, 7).to_string(), "2026-07");
        assert_eq!(ym(987, 1).to_string(), "0987-01");
    }

    #[test]
    fn vietnamese_readers_get_the_month_first() {
        assert_eq!(ym(2026, 12).slashed(), "12/2026");
        assert_eq!(ym(2027, 1).slashed(), "01/2027");
        assert_eq!(Lang::Vi.month(ym(2026, 5)), "05/2026");
        assert_eq!(Lang::En.month(ym(2026, 5)), "2026-05");
    }
}
