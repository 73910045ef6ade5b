//! How a branch kept its meeting duties: the monthly regular meeting against its due day,
//! the quarterly thematic meeting, and the days a committee should keep free for its
//! branches' meetings. Pure functions over dates; the store gathers the dates.

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::lang::Lang;
use super::month::YearMonth;
use super::org::{OrgUnit, vocabulary};

vocabulary! {
    /// A branch's regular meeting of one month (docs/data-format.md, "Reports").
    Compliance {
        OnTime => "on_time",
        Early => "early",
        LateWithinGrace => "late_within_grace",
        HeldOutOfRule => "held_out_of_rule",
        Overdue => "overdue",
        Upcoming => "upcoming",
        NotDue => "not_due",
    }
}

impl Compliance {
    /// The status in words for people, in their language.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Compliance::OnTime => lang.pick("đúng ngày", "on time"),
            Compliance::Early => lang.pick("họp sớm", "early"),
            Compliance::LateWithinGrace => lang.pick("muộn trong hạn", "late within grace"),
            Compliance::HeldOutOfRule => lang.pick("họp ngoài quy định", "held out of rule"),
            Compliance::Overdue => lang.pick("quá hạn", "overdue"),
            Compliance::Upcoming => lang.pick("sắp tới", "upcoming"),
            Compliance::NotDue => lang.pick("không phải họp", "not due"),
        }
    }
}

/// The compliance of a branch for one month.
///
/// `due` is the month's due day and `grace` the days allowed after it; `held_regular_dates`
/// are the days the branch held regular meetings that month (in any order); `exists` says
/// whether the branch existed on some day of the month. When several regular meetings were
/// held, the first one counts. Without one, the month is upcoming while `today` is no later
/// than the last day of grace, and overdue after it.
pub fn compliance(
    due: NaiveDate,
    grace: u8,
    held_regular_dates: &[NaiveDate],
    exists: bool,
    today: NaiveDate,
) -> Compliance {
    if !exists {
        return Compliance::NotDue;
    }
    match held_regular_dates.iter().min() {
        Some(&held) => held_status(due, grace, held),
        None => pending_status(last_day_of_grace(due, grace), today),
    }
}

/// The last day a regular meeting due on `due` may be held within `grace` days.
pub fn last_day_of_grace(due: NaiveDate, grace: u8) -> NaiveDate {
    due + Days::new(u64::from(grace))
}

/// The status of a month whose first regular meeting was held on `held`: never depends on
/// the day it is judged, which is why roll-ups can store it as a count.
pub fn held_status(due: NaiveDate, grace: u8, held: NaiveDate) -> Compliance {
    if held == due {
        Compliance::OnTime
    } else if held < due {
        Compliance::Early
    } else if held <= last_day_of_grace(due, grace) {
        Compliance::LateWithinGrace
    } else {
        Compliance::HeldOutOfRule
    }
}

/// Whether a regular meeting due on `due` and planned for `planned` would be held after its
/// grace, out of rule: the month is still upcoming, but the plan already misses it.
pub fn planned_past_grace(due: NaiveDate, grace: u8, planned: NaiveDate) -> bool {
    planned > last_day_of_grace(due, grace)
}

/// The status of a month without a regular meeting: overdue once `today` is past the last
/// day of grace, upcoming until then.
pub fn pending_status(last_day_of_grace: NaiveDate, today: NaiveDate) -> Compliance {
    if today > last_day_of_grace {
        Compliance::Overdue
    } else {
        Compliance::Upcoming
    }
}

/// A quarter of a year: Q1 is January to March.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub number: u8,
}

impl Quarter {
    /// The quarter `day` falls in.
    pub fn of(day: NaiveDate) -> Quarter {
        Quarter {
            year: day.year(),
            number: ((day.month() - 1) / 3 + 1) as u8,
        }
    }

    /// The quarter `month` falls in.
    pub fn of_month(month: YearMonth) -> Quarter {
        Quarter {
            year: month.year(),
            number: ((month.month() - 1) / 3 + 1) as u8,
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, u32::from(self.number) * 3 - 2, 1)
            .expect("a quarter starts on a real day")
    }

    pub fn last_day(self) -> NaiveDate {
        YearMonth::new(self.year, u32::from(self.number) * 3)
            .expect("a quarter ends in a real month")
            .last_day()
    }

    pub fn next(self) -> Quarter {
        if self.number == 4 {
            Quarter {
                year: self.year + 1,
                number: 1,
            }
        } else {
            Quarter {
                number: self.number + 1,
                ..self
            }
        }
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        Quarter::of(day) == self
    }
}

impl std::fmt::Display for Quarter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Q{}/{}", self.number, self.year)
    }
}

/// A branch's thematic meeting duty for one quarter: at least one a quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thematic {
    /// Held; the first thematic meeting of the quarter.
    Held(NaiveDate),
    /// The quarter ended (before today) without one.
    Missed,
    /// None yet, and the quarter is not over.
    Open,
    /// The branch did not exist for the whole quarter, so it owed none.
    NotDue,
}

impl Thematic {
    /// The standing in words for people, in their language.
    pub fn label(self, lang: Lang) -> String {
        match self {
            Thematic::Held(day) => {
                let day = lang.date(day);
                lang.pick(format!("đã họp {day}"), format!("held {day}"))
            }
            Thematic::Missed => lang.pick("chưa họp, quá hạn", "missed").to_string(),
            Thematic::Open => lang.pick("chưa họp", "not yet").to_string(),
            Thematic::NotDue => lang.pick("không phải họp", "not due").to_string(),
        }
    }
}

/// The thematic standing of `branch` in `quarter`, given the days it held thematic meetings
/// (any days; those outside the quarter are ignored).
pub fn thematic(
    branch: &OrgUnit,
    quarter: Quarter,
    held_thematic_dates: &[NaiveDate],
    today: NaiveDate,
) -> Thematic {
    if !branch.exists_throughout(quarter.first_day(), quarter.last_day()) {
        return Thematic::NotDue;
    }
    let first = held_thematic_dates
        .iter()
        .filter(|d| quarter.contains(**d))
        .min();
    match first {
        Some(&day) => Thematic::Held(day),
        None if quarter.last_day() < today => Thematic::Missed,
        None => Thematic::Open,
    }
}

/// The quarters from `first` to `last` (both included) that ended before `today` without a
/// held thematic meeting of `branch`: the ones to flag.
pub fn missed_thematic_quarters(
    branch: &OrgUnit,
    first: Quarter,
    last: Quarter,
    held_thematic_dates: &[NaiveDate],
    today: NaiveDate,
) -> Vec<Quarter> {
    let mut missed = Vec::new();
    let mut quarter = first;
    while quarter <= last {
        if thematic(branch, quarter, held_thematic_dates, today) == Thematic::Missed {
            missed.push(quarter);
        }
        quarter = quarter.next();
    }
    missed
}

/// Why a day a committee plans something on is a branch's meeting day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clash {
    /// The branch's regular meeting is due that day by its rule.
    pub due_day: bool,
    /// The branch has planned its regular meeting for that day.
    pub planned_meeting: bool,
}

/// Whether `day` clashes with a branch whose regular meeting that month is due on `due`
/// (`None`: no rule) and planned on `planned_regular_days`.
pub fn clash_on(
    day: NaiveDate,
    due: Option<NaiveDate>,
    planned_regular_days: &[NaiveDate],
) -> Option<Clash> {
    let clash = Clash {
        due_day: due == Some(day),
        planned_meeting: planned_regular_days.contains(&day),
    };
    (clash.due_day || clash.planned_meeting).then_some(clash)
}

#[cfg(test)]
mod tests;
