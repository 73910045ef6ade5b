//! The demo database: a deterministic, recognisably real slice of the party tree.
//!
//! Quảng Ninh and Hải Phòng with a handful of their real communes; the Branch of Quarter 2 of
//! Hồng Gai ward with the figures the press gave for it (8 cells, 92 members, 22 exempt);
//! Tứ Kỳ meeting on the 7th, its schools on the first Thursday, at most 2 days late; Bình Liêu
//! on the 3rd; a year of meetings before `today`'s month, that month as far as `today`, and
//! the rest of it and the next month planned (one committee meeting clashing with its
//! branches' day, as the warning is there to catch); last year's classification of every
//! organisation and of Quarter 2's members. The data is written as JSON Lines and
//! imported through [`crate::io::jsonl::import`], the one write path for all data. The same
//! `today` always gives the same bytes.

mod grades;
mod lines;
mod meetings;
pub mod names;
mod orgs;
mod people;
mod plans;
pub mod rng;

use std::path::Path;

use chrono::{Months, NaiveDate};

use crate::clock::Clock;
use crate::domain::Lang;
use crate::domain::date::{FIRST_DAY, FIRST_YEAR, LAST_DAY};
use crate::io::{ImportError, ImportSummary};
use crate::store::{Store, StoreError};

/// Every random choice of the demo flows from this seed.
const SEED: u64 = 0x6368_6962_6f5f_3031;

/// The month (counted from the first of the demo year) in which the Tứ Kỳ garment firm's
/// branch is founded: its first months show as "not due".
const FIRM_FOUNDED_IN_MONTH: usize = 7;

/// The earliest `today` the demo can be made for: its oldest members are born up to a
/// hundred years before it, and no date may come before `domain::date::FIRST_DAY`.
pub fn earliest_today() -> NaiveDate {
    NaiveDate::from_ymd_opt(FIRST_YEAR + 100, 1, 1).unwrap_or(FIRST_DAY)
}

/// The latest `today` the demo can be made for: it plans the next month and the deadlines
/// that follow, and no date may come after `domain::date::LAST_DAY`.
pub fn latest_today() -> NaiveDate {
    LAST_DAY
        .checked_sub_months(Months::new(2))
        .unwrap_or(LAST_DAY)
}

/// Why the demo cannot be made for `today`, when it cannot: the whole demo year must lie
/// in the dates chibo accepts.
pub fn refusal_for(today: NaiveDate, lang: Lang) -> Option<String> {
    let (first, last) = (earliest_today(), latest_today());
    if (first..=last).contains(&today) {
        return None;
    }
    let (day, first, last) = (lang.date(today), lang.date(first), lang.date(last));
    Some(lang.pick(
        format!("không thể tạo dữ liệu mẫu cho ngày {day}: hôm nay phải từ {first} đến {last}"),
        format!("cannot make the demo for {day}: today must be from {first} to {last}"),
    ))
}

/// Opens the demo database at `path`, creating and filling it first when it is absent.
/// `today` decides which meetings are held and which are planned.
pub fn ensure(
    path: &Path,
    today: NaiveDate,
) -> Result<(Store, Option<ImportSummary>), ImportError> {
    ensure_in(path, today, Lang::default())
}

/// [`ensure`], with any problem of the import worded in `lang`.
pub fn ensure_in(
    path: &Path,
    today: NaiveDate,
    lang: Lang,
) -> Result<(Store, Option<ImportSummary>), ImportError> {
    let holds_data = std::fs::metadata(path).is_ok_and(|m| m.len() > 0);
    if holds_data {
        return Ok((Store::open(path)?, None));
    }
    let text = jsonl(today);
    // The demo's meetings are held up to `today`: the import judges them on that day.
    let store = Store::open(path)?.with_clock(Clock::on(today));
    match crate::io::jsonl::import(&store, "demo.jsonl", text.as_bytes(), lang) {
        Ok(summary) => Ok((store, Some(summary))),
        Err(e) => {
            // Leave no half-made demo behind: the next run starts afresh.
            drop(store);
            let _ = std::fs::remove_file(path);
            Err(e)
        }
    }
}

/// The demo data as JSON Lines, for the meetings of a year up to `today` and of the month after.
pub fn jsonl(today: NaiveDate) -> String {
    let months = meetings::demo_months(today);
    let year_start = months[0];
    let mut orgs = orgs::plan(SEED);
    orgs::found_new_branches(&mut orgs, months[FIRM_FOUNDED_IN_MONTH]);
    let people = people::people(SEED, &orgs, today, year_start);
    let meetings = meetings::meetings(SEED, &orgs, &people, today);
    let grades = grades::grades(SEED, &orgs, &people, today);
    lines::render(&orgs, &people, &meetings, &grades)
}

#[cfg(test)]
mod tests;

/// Writes, in one transaction, a province (`P`, "Tỉnh ủy Lớn") holding `communes` commune
/// committees (`P.0000` "Đảng ủy xã Số 0000" …): the widest node a real tree has, for tests
/// and benchmarks of long child lists.
pub fn write_wide_province(store: &Store, communes: usize) -> Result<(), StoreError> {
    use crate::domain::{OrgKind, OrgUnit};
    store.write(|w| {
        let province = w.new_org_id()?;
        let kind = OrgKind::ProvincialCommittee;
        w.put_org(&OrgUnit::new(province, "P", "Tỉnh ủy Lớn", kind, None))?;
        for n in 0..communes {
            let id = w.new_org_id()?;
            let name = format!("Đảng ủy xã Số {n:04}");
            let kind = OrgKind::GrassrootsCommittee;
            w.put_org(&OrgUnit::new(
                id,
                format!("P.{n:04}"),
                name,
                kind,
                Some(province),
            ))?;
        }
        Ok(())
    })
}
