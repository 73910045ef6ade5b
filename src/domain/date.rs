//! Dates as chibo stores them: a `NaiveDate` written as days since 1 Jan of year 1 (CE)
//! in compact encodings and as ISO 8601 text in human-readable ones, so the same derive
//! serves the store (postcard) and anything textual.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serializer};

/// The day number used in store keys: days since 1 Jan of year 1 (CE), so keys sort by date.
pub fn day_number(date: NaiveDate) -> i32 {
    date.num_days_from_ce()
}

/// The date of a day number written by [`day_number`].
pub fn from_day_number(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(days)
}

/// `yyyymm` as one number (202611), the month part of meeting and roll-up keys.
pub fn year_month(date: NaiveDate) -> u32 {
    date.year() as u32 * 100 + date.month()
}

/// Parses a strict ISO 8601 calendar date (`2026-11-07`), the only form chibo accepts.
pub fn parse_iso(text: &str) -> Result<NaiveDate, String> {
    let well_formed = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !well_formed {
        return Err(format!("expected a date as YYYY-MM-DD, found {text:?}"));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("{text:?} is not a real calendar date"))
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn day_numbers_round_trip_and_sort_by_date() {
        let a = NaiveDate::from_ymd_opt(1958, 3, 2).unwrap();
        let b = NaiveDate::from_ymd_opt(2026, 11, 7).unwrap();
        assert!(day_number(a) < day_number(b));
        assert_eq!(from_day_number(day_number(b)), Some(b));
        assert_eq!(year_month(b), 202611);
    }
}
