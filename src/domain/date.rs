//! Dates as chibo stores them: a `NaiveDate` written as days since 1 Jan of year 1 (CE)
//! in compact encodings and as ISO 8601 text in human-readable ones, so the same derive
//! serves the store (postcard) and anything textual.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde::{Deserialize, Deserializer, Serializer};

/// The first year of a date chibo accepts anywhere: no member, meeting or organisation of
/// the Party (founded 1930) comes before it, and a member born in 1900 is the oldest kept.
pub const FIRST_YEAR: i32 = 1900;
/// The last year of a date chibo accepts anywhere: plans and terms reach a few years ahead,
/// never two centuries.
pub const LAST_YEAR: i32 = 2199;

/// The first day chibo accepts: 1 January of [`FIRST_YEAR`].
pub const FIRST_DAY: NaiveDate = NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1).expect("a real day");
/// The last day chibo accepts: 31 December of [`LAST_YEAR`].
pub const LAST_DAY: NaiveDate = NaiveDate::from_ymd_opt(LAST_YEAR, 12, 31).expect("a real day");

/// Whether `date` lies in the range chibo accepts, [`FIRST_DAY`] to [`LAST_DAY`]. Every date
/// that comes in — a file, a form, `--today`, the demo — is held to it, so no month count or
/// day number computed from a stored date can overflow.
pub fn in_range(date: NaiveDate) -> bool {
    (FIRST_DAY..=LAST_DAY).contains(&date)
}

/// Why a date outside [`FIRST_DAY`] ..= [`LAST_DAY`] is refused, for a file's problem, a
/// form's field and the command line alike: "nằm ngoài … (01/01/1900 đến 31/12/2199)".
pub fn out_of_range_words(lang: super::Lang) -> String {
    let (first, last) = (lang.date(FIRST_DAY), lang.date(LAST_DAY));
    lang.pick(
        format!("nằm ngoài khoảng ngày chibo nhận ({first} đến {last})"),
        format!("is outside the dates chibo accepts ({first} to {last})"),
    )
}

/// The day number used in store keys: days since 1 Jan of year 1 (CE), so keys sort by date.
pub fn day_number(date: NaiveDate) -> i32 {
    date.num_days_from_ce()
}

/// The date of a day number written by [`day_number`].
pub fn from_day_number(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(days)
}

/// A date, time or moment not written in the one form chibo reads. Worded here, in
/// English, for the command line (`--today`); files and forms word their own refusal
/// from which one it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateParseError {
    /// Not `YYYY-MM-DD`.
    NotIsoDate { found: String },
    /// Well formed, but no such day (`2026-02-30`).
    NoSuchDate { found: String },
    /// A real day outside [`FIRST_DAY`] ..= [`LAST_DAY`] (`0000-01-05`).
    OutOfRange { found: String },
    /// Not `HH:MM` from 00:00 to 23:59.
    NotClock { found: String },
    /// Not `YYYY-MM-DDTHH:MM`.
    NotMoment { found: String },
}

impl std::fmt::Display for DateParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DateParseError::NotIsoDate { found } => {
                write!(f, "expected a date as YYYY-MM-DD, found {found:?}")
            }
            DateParseError::NoSuchDate { found } => {
                write!(f, "{found:?} is not a real calendar date")
            }
            DateParseError::OutOfRange { found } => {
                write!(
                    f,
                    "{found:?} is outside the dates chibo accepts ({FIRST_DAY} to {LAST_DAY})"
                )
            }
            DateParseError::NotClock { found } => {
                write!(
                    f,
                    "expected a time as HH:MM (00:00 to 23:59), found {found:?}"
                )
            }
            DateParseError::NotMoment { found } => {
                write!(f, "expected a moment as YYYY-MM-DDTHH:MM, found {found:?}")
            }
        }
    }
}

impl std::error::Error for DateParseError {}

/// Parses a strict ISO 8601 calendar date (`2026-11-07`), the only form chibo accepts.
pub fn parse_iso(text: &str) -> Result<NaiveDate, DateParseError> {
    let well_formed = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let found = || text.to_string();
    if !well_formed {
        return Err(DateParseError::NotIsoDate { found: found() });
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| DateParseError::NoSuchDate { found: found() })?;
    if !in_range(date) {
        return Err(DateParseError::OutOfRange { found: found() });
    }
    Ok(date)
}

/// The two numbers of a fixed form such as `2026-07` or `19:30`: ASCII digits on either
/// side of `separator`, `before` of them before it and the rest after, `len` bytes in all.
pub(crate) fn two_numbers(
    text: &str,
    len: usize,
    before: usize,
    separator: u8,
) -> Option<(u32, u32)> {
    let b = text.as_bytes();
    let well_formed = b.len() == len
        && b.iter().enumerate().all(|(i, c)| {
            if i == before {
                *c == separator
            } else {
                c.is_ascii_digit()
            }
        });
    let number = |digits: &[u8]| digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'));
    well_formed.then(|| (number(&b[..before]), number(&b[before + 1..])))
}

/// Parses a strict 24-hour `HH:MM` time of day (`19:30`), the only form chibo accepts.
pub fn parse_clock(text: &str) -> Result<NaiveTime, DateParseError> {
    two_numbers(text, 5, 2, b':')
        .and_then(|(hours, minutes)| NaiveTime::from_hms_opt(hours, minutes, 0))
        .ok_or_else(|| DateParseError::NotClock {
            found: text.to_string(),
        })
}

/// A time of day as people type it in a form, in Vietnamese or as digits: `19:30`, `19h30`,
/// `19h`, `19g30`, `19.30`, `19 giờ 30`, `19 giờ 30 phút`, `7h30 tối`, `2 giờ chiều`,
/// `12 giờ trưa`, `9 giờ sáng` (diacritics optional). The exchange format keeps the strict
/// `HH:MM` of [`parse_clock`].
pub fn parse_spoken_clock(text: &str) -> Result<NaiveTime, DateParseError> {
    let bad = || DateParseError::NotClock {
        found: text.to_string(),
    };
    let folded = super::text::fold(text);
    let (rest, period) = ["sang", "trua", "chieu", "toi", "dem"]
        .into_iter()
        .find_map(|p| {
            folded
                .strip_suffix(p)
                .map(|rest| (rest.trim_end(), Some(p)))
        })
        .unwrap_or((folded.as_str(), None));
    let (hour, rest) = leading_number(rest).ok_or_else(bad)?;
    let rest = rest.trim_start();
    let rest = ["gio", "h", "g", ":", "."]
        .into_iter()
        .find_map(|sep| rest.strip_prefix(sep))
        .map(str::trim_start);
    let minute = match rest {
        None | Some("") => 0,
        Some(rest) => {
            let (minute, after) = leading_number(rest).ok_or_else(bad)?;
            match after.trim() {
                "" | "phut" | "p" | "'" => minute,
                _ => return Err(bad()),
            }
        }
    };
    // The word after says which half of the day a 12-hour time is in.
    let hour = match (period, hour) {
        (Some("chieu" | "toi"), 1..=11) => hour + 12,
        (Some("trua"), 1..=5) => hour + 12,
        (Some("dem" | "sang"), 12) => 0,
        _ => hour,
    };
    NaiveTime::from_hms_opt(hour, minute, 0).ok_or_else(bad)
}

/// The number of one or two digits at the start of `text`, and what follows it.
fn leading_number(text: &str) -> Option<(u32, &str)> {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if !(1..=2).contains(&digits) {
        return None;
    }
    Some((text[..digits].parse().ok()?, &text[digits..]))
}

/// Parses a strict `YYYY-MM-DDTHH:MM` moment (`2026-11-07T21:30`), local time, the only
/// form chibo accepts for when something was done.
pub fn parse_moment(text: &str) -> Result<NaiveDateTime, DateParseError> {
    let bad = || DateParseError::NotMoment {
        found: text.to_string(),
    };
    let (date, time) = text.split_once('T').ok_or_else(bad)?;
    let date = parse_iso(date).map_err(|e| match e {
        DateParseError::OutOfRange { .. } => DateParseError::OutOfRange {
            found: text.to_string(),
        },
        _ => bad(),
    })?;
    let time = parse_clock(time).map_err(|_| bad())?;
    Ok(date.and_time(time))
}

/// A moment as `YYYY-MM-DDTHH:MM`, the way files write it.
pub fn format_moment(moment: NaiveDateTime) -> String {
    format!(
        "{}T{}",
        moment.date().format("%Y-%m-%d"),
        format_clock(moment.time())
    )
}

/// A time of day as `HH:MM`, the way files write it (seconds are never recorded).
pub fn format_clock(time: NaiveTime) -> String {
    format!("{:02}:{:02}", time.hour(), time.minute())
}

pub mod days {
    //! `#[serde(with = "days")]` for a `NaiveDate` field.
    use super::*;

    pub fn serialize<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(&date.format("%Y-%m-%d"))
        } else {
            s.serialize_i32(day_number(*date))
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        if d.is_human_readable() {
            let text = String::deserialize(d)?;
            parse_iso(&text).map_err(serde::de::Error::custom)
        } else {
            let n = i32::deserialize(d)?;
            from_day_number(n).ok_or_else(|| serde::de::Error::custom("day number out of range"))
        }
    }
}

pub mod opt_days {
    //! `#[serde(with = "opt_days")]` for an `Option<NaiveDate>` field.
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize)]
    struct Wrapped(#[serde(with = "super::days")] NaiveDate);

    pub fn serialize<S: Serializer>(date: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(d) => s.serialize_some(&Wrapped(*d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        Ok(Option::<Wrapped>::deserialize(d)?.map(|w| w.0))
    }
}

pub mod opt_clock {
    //! `#[serde(with = "opt_clock")]` for an `Option<NaiveTime>` field: seconds since
    //! midnight in compact encodings, `HH:MM` in human-readable ones.
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize)]
    struct Wrapped(#[serde(with = "clock")] NaiveTime);

    mod clock {
        use super::super::*;

        pub fn serialize<S: Serializer>(time: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
            if s.is_human_readable() {
                s.collect_str(&format_clock(*time))
            } else {
                s.serialize_u32(time.num_seconds_from_midnight())
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
            if d.is_human_readable() {
                let text = String::deserialize(d)?;
                parse_clock(&text).map_err(serde::de::Error::custom)
            } else {
                let seconds = u32::deserialize(d)?;
                NaiveTime::from_num_seconds_from_midnight_opt(seconds, 0)
                    .ok_or_else(|| serde::de::Error::custom("time of day out of range"))
            }
        }
    }

    pub fn serialize<S: Serializer>(time: &Option<NaiveTime>, s: S) -> Result<S::Ok, S::Error> {
        match time {
            Some(t) => s.serialize_some(&Wrapped(*t)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveTime>, D::Error> {
        Ok(Option::<Wrapped>::deserialize(d)?.map(|w| w.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_read_as_people_type_them() {
        let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        for (typed, time) in [
            ("19:30", at(19, 30)),
            ("19h30", at(19, 30)),
            ("19H30", at(19, 30)),
            ("19h", at(19, 0)),
            ("19g30", at(19, 30)),
            ("19.30", at(19, 30)),
            ("19 giờ 30", at(19, 30)),
            ("19 gio 30 phut", at(19, 30)),
            ("7h30 tối", at(19, 30)),
            ("7 giờ 30 phút tối", at(19, 30)),
            ("2 giờ chiều", at(14, 0)),
            ("12 giờ trưa", at(12, 0)),
            ("1h trưa", at(13, 0)),
            ("9 giờ sáng", at(9, 0)),
            ("12 giờ đêm", at(0, 0)),
            ("8:05", at(8, 5)),
        ] {
            assert_eq!(parse_spoken_clock(typed), Ok(time), "{typed}");
        }
        for typed in [
            "",
            "giờ",
            "25h",
            "19h60",
            "19h30x",
            "abc",
            "123:00",
            "7h30 toi nay",
        ] {
            assert!(parse_spoken_clock(typed).is_err(), "{typed}");
        }
    }

    #[test]
    fn parse_iso_rejects_impossible_and_loose_dates() {
        assert!(parse_iso("2026-02-29").is_err());
        assert!(parse_iso("2026-13-01").is_err());
        assert!(parse_iso("2026-1-07").is_err());
        assert!(parse_iso("07/11/2026").is_err());
        assert_eq!(
            parse_iso("2024-02-29").unwrap(),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
    }

    #[test]
    fn dates_outside_the_range_are_refused_not_wrapped() {
        for text in ["0000-01-05", "1899-12-31", "2200-01-01", "9999-12-31"] {
            assert_eq!(
                parse_iso(text),
                Err(DateParseError::OutOfRange {
                    found: text.to_string()
                }),
                "{text}"
            );
        }
        assert_eq!(parse_iso("1900-01-01"), Ok(FIRST_DAY));
        assert_eq!(parse_iso("2199-12-31"), Ok(LAST_DAY));
        assert!(in_range(FIRST_DAY) && in_range(LAST_DAY));
        assert!(!in_range(FIRST_DAY.pred_opt().unwrap()));
        assert!(!in_range(LAST_DAY.succ_opt().unwrap()));
        assert_eq!(
            parse_moment("0000-01-05T10:00"),
            Err(DateParseError::OutOfRange {
                found: "0000-01-05T10:00".into()
            }),
            "a moment's day too"
        );
    }

    #[test]
    fn clock_times_are_strict_hours_and_minutes() {
        assert_eq!(
            parse_clock("19:30"),
            Ok(NaiveTime::from_hms_opt(19, 30, 0).unwrap())
        );
        assert_eq!(format_clock(parse_clock("07:05").unwrap()), "07:05");
        for bad in ["24:00", "19:60", "7:30", "19.30", "19:30:00", "", "１9:30"] {
            assert!(parse_clock(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn day_numbers_round_trip_and_sort_by_date() {
        let a = NaiveDate::from_ymd_opt(1958, 3, 2).unwrap();
        let b = NaiveDate::from_ymd_opt(2026, 11, 7).unwrap();
        assert!(day_number(a) < day_number(b));
        assert_eq!(from_day_number(day_number(b)), Some(b));
    }
}
