//! The one clock every date and time in chibo comes from: the live wall-clock time in
//! Vietnam (UTC+7 unless configured otherwise), the day fixed by `--today`, or — in
//! tests — a clock that stands still until it is moved.
//!
//! Nothing else reads the system's time of day for a date: a server that runs across
//! midnight moves every session to the new day because they all ask this clock.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Timelike, Utc};

/// Vietnam's offset from UTC, in seconds: UTC+7 all year (no summer time).
pub const VIETNAM_OFFSET_SECONDS: i32 = 7 * 3600;

/// A shared clock; clones read the same source (moving a stopped clock moves every clone).
#[derive(Clone, Debug)]
pub struct Clock {
    source: Arc<Source>,
}

#[derive(Debug)]
enum Source {
    /// The wall clock, read at `offset` from UTC.
    Live(FixedOffset),
    /// A day fixed by `--today`, the time of day read live at `offset`.
    Day(NaiveDate, FixedOffset),
    /// Stands at a moment until moved: for tests, which must cross midnight on purpose.
    Stopped(Mutex<NaiveDateTime>),
}

impl Clock {
    /// The live date and time at `offset` from UTC.
    pub fn live(offset: FixedOffset) -> Clock {
        Clock::from(Source::Live(offset))
    }

    /// The live date and time in Vietnam.
    pub fn vietnam() -> Clock {
        Clock::live(vietnam_offset())
    }

    /// `day` taken as today whatever the calendar says; the time of day stays live.
    pub fn on_day(day: NaiveDate, offset: FixedOffset) -> Clock {
        Clock::from(Source::Day(day, offset))
    }

    /// `day` taken as today, the time of day read live in Vietnam: what `--today` gives.
    pub fn on(day: NaiveDate) -> Clock {
        Clock::on_day(day, vietnam_offset())
    }

    /// A clock standing at `at` until [`Clock::move_to`] moves it.
    pub fn stopped_at(at: NaiveDateTime) -> Clock {
        Clock::from(Source::Stopped(Mutex::new(without_fraction(at))))
    }

    /// The clock `--today` and `--utc-offset` ask for: the day fixed when given, else live.
    pub fn configured(today: Option<NaiveDate>, offset: FixedOffset) -> Clock {
        match today {
            Some(day) => Clock::on_day(day, offset),
            None => Clock::live(offset),
        }
    }

    fn from(source: Source) -> Clock {
        Clock {
            source: Arc::new(source),
        }
    }

    /// Moves a stopped clock to `at`; a live clock cannot be moved, and says so.
    pub fn move_to(&self, at: NaiveDateTime) -> bool {
        match &*self.source {
            Source::Stopped(moment) => {
                *moment.lock().unwrap_or_else(|e| e.into_inner()) = without_fraction(at);
                true
            }
            Source::Live(_) | Source::Day(..) => false,
        }
    }

    /// Now, to the second.
    pub fn now(&self) -> NaiveDateTime {
        match &*self.source {
            Source::Live(offset) => wall(*offset),
            Source::Day(day, offset) => NaiveDateTime::new(*day, wall(*offset).time()),
            Source::Stopped(moment) => *moment.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// Now as a moment in UTC, for formats that stamp one (a calendar's DTSTAMP).
    pub fn now_utc(&self) -> DateTime<Utc> {
        self.in_utc(self.now())
    }

    /// A time this clock gave (as stored: the local time at its offset) as a moment in UTC.
    pub fn in_utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        let offset = match &*self.source {
            Source::Live(offset) | Source::Day(_, offset) => *offset,
            Source::Stopped(_) => vietnam_offset(),
        };
        (local - chrono::Duration::seconds(i64::from(offset.local_minus_utc()))).and_utc()
    }

    /// Today's date.
    pub fn today(&self) -> NaiveDate {
        self.now().date()
    }

    /// How long until the date changes by itself: `None` for a clock whose day never
    /// moves on its own (fixed by `--today`, or stopped).
    pub fn until_tomorrow(&self) -> Option<Duration> {
        let Source::Live(offset) = &*self.source else {
            return None;
        };
        let now = wall(*offset);
        let midnight = now.date().succ_opt()?.and_hms_opt(0, 0, 0)?;
        let left = (midnight - now).to_std().ok()?;
        // A second past midnight, so the wake-up never lands on the old day.
        Some(left + Duration::from_secs(1))
    }
}

/// UTC+7.
pub fn vietnam_offset() -> FixedOffset {
    FixedOffset::east_opt(VIETNAM_OFFSET_SECONDS).expect("UTC+7 is a valid offset")
}

/// An offset written `+07:00`, `+7`, `-03:30` or `UTC+7`.
pub fn parse_offset(text: &str) -> Result<FixedOffset, String> {
    let bad = || format!("{text}: not an offset from UTC such as +07:00");
    let body = text
        .trim()
        .trim_start_matches("UTC")
        .trim_start_matches("utc");
    let (sign, rest) = match body.chars().next() {
        Some('+') => (1, &body[1..]),
        Some('-') => (-1, &body[1..]),
        _ => return Err(bad()),
    };
    let (hours, minutes) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None => (rest, "0"),
    };
    let hours: i32 = hours.parse().map_err(|_| bad())?;
    let minutes: i32 = minutes.parse().map_err(|_| bad())?;
    if !(0..=14).contains(&hours) || !(0..60).contains(&minutes) {
        return Err(bad());
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60)).ok_or_else(bad)
}

fn wall(offset: FixedOffset) -> NaiveDateTime {
    without_fraction(Utc::now().with_timezone(&offset).naive_local())
}

fn without_fraction(at: NaiveDateTime) -> NaiveDateTime {
    at.with_nanosecond(0).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn a_stopped_clock_moves_only_when_told_and_every_clone_follows() {
        let clock = Clock::stopped_at(at("2026-12-06 23:59:59"));
        let shared = clock.clone();
        assert_eq!(
            shared.today(),
            NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()
        );
        assert!(clock.move_to(at("2026-12-07 00:00:01")));
        assert_eq!(
            shared.today(),
            NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
        );
        assert_eq!(shared.until_tomorrow(), None);
    }

    #[test]
    fn a_fixed_day_keeps_its_date_but_not_a_live_clock() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let fixed = Clock::on_day(day, vietnam_offset());
        assert_eq!(fixed.today(), day);
        assert!(!fixed.move_to(at("2027-01-01 00:00:00")));
        let live = Clock::vietnam();
        let left = live.until_tomorrow().unwrap();
        assert!(left <= Duration::from_secs(86_401) && left >= Duration::from_secs(1));
    }

    #[test]
    fn vietnam_is_seven_hours_ahead_of_utc() {
        let utc = Clock::live(FixedOffset::east_opt(0).unwrap()).now();
        let vn = Clock::vietnam().now();
        let ahead = (vn - utc).num_minutes();
        assert!((419..=421).contains(&ahead), "{ahead}");
    }

    #[test]
    fn offsets_are_read_as_written_and_nonsense_refused() {
        assert_eq!(parse_offset("+07:00").unwrap(), vietnam_offset());
        assert_eq!(parse_offset("UTC+7").unwrap(), vietnam_offset());
        assert_eq!(
            parse_offset("-03:30").unwrap(),
            FixedOffset::west_opt(3 * 3600 + 1800).unwrap()
        );
        for bad in ["7", "+25", "+07:75", "", "+x"] {
            assert!(parse_offset(bad).is_err(), "{bad}");
        }
    }
}
