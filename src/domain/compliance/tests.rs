use chrono::{Days, Weekday};

use super::*;
use crate::domain::date::parse_iso;
use crate::domain::schedule::ScheduleRule;
use crate::domain::{OrgId, OrgKind, YearMonth};

fn ym(year: i32, month: u32) -> YearMonth {
    YearMonth::new(year, month).unwrap()
}

fn d(text: &str) -> NaiveDate {
    parse_iso(text).unwrap()
}

fn branch(founded: Option<&str>, dissolved: Option<&str>) -> OrgUnit {
    OrgUnit {
        founded: founded.map(d),
        dissolved: dissolved.map(d),
        ..OrgUnit::new(OrgId(1), "B", "B", OrgKind::Branch, None)
    }
}

/// Every day of `month`.
fn days_of(month: YearMonth) -> Vec<NaiveDate> {
    month
        .first_day()
        .iter_days()
        .take_while(|d| month.contains(*d))
        .collect()
}

fn months() -> impl Iterator<Item = YearMonth> {
    YearMonth::january(2024).through(YearMonth::december(2027))
}

#[test]
fn the_words_are_those_of_the_report_format() {
    let words: Vec<&str> = Compliance::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        words,
        [
            "on_time",
            "early",
            "late_within_grace",
            "held_out_of_rule",
            "overdue",
            "upcoming",
            "not_due"
        ]
    );
}

#[test]
fn a_held_meeting_is_judged_by_its_distance_from_the_due_day_in_every_month() {
    let rules = [
        ScheduleRule::DayOfMonth(7),
        ScheduleRule::DayOfMonth(31),
        ScheduleRule::NthWeekday {
            n: 1,
            weekday: Weekday::Thu,
        },
        ScheduleRule::NthWeekday {
            n: 5,
            weekday: Weekday::Fri,
        },
    ];
    for month in months() {
        for rule in rules {
            let due = rule.due_date(month);
            for grace in 0..=3u8 {
                for held in days_of(month) {
                    let offset = (held - due).num_days();
                    let expected = match offset {
                        0 => Compliance::OnTime,
                        _ if offset < 0 => Compliance::Early,
                        _ if offset <= i64::from(grace) => Compliance::LateWithinGrace,
                        _ => Compliance::HeldOutOfRule,
                    };
                    // Whatever today is, and even after more meetings, the first one decides.
                    let later = held + Days::new(1);
                    for today in [held, due, later + Days::new(40)] {
                        assert_eq!(
                            compliance(due, grace, &[later, held], true, today),
                            expected,
                            "{rule:?} grace {grace}, held {held}, due {due}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn without_a_meeting_the_month_is_upcoming_until_grace_runs_out_then_overdue() {
    for month in months() {
        let due = ScheduleRule::DayOfMonth(7).due_date(month);
        for grace in 0..=3u8 {
            let last_day_of_grace = due + Days::new(u64::from(grace));
            for today in days_of(month) {
                let expected = if today <= last_day_of_grace {
                    Compliance::Upcoming
                } else {
                    Compliance::Overdue
                };
                assert_eq!(compliance(due, grace, &[], true, today), expected);
            }
        }
    }
    // The last day of grace may fall in the next month (the 31st of January, grace 2).
    let due = d("2026-01-31");
    assert_eq!(
        compliance(due, 2, &[], true, d("2026-02-02")),
        Compliance::Upcoming
    );
    assert_eq!(
        compliance(due, 2, &[], true, d("2026-02-03")),
        Compliance::Overdue
    );
}

#[test]
fn a_branch_that_did_not_exist_that_month_owes_nothing() {
    let due = d("2026-10-07");
    for held in [vec![], vec![due]] {
        assert_eq!(
            compliance(due, 2, &held, false, d("2026-12-01")),
            Compliance::NotDue
        );
    }
    // Existence over a month: any day of it.
    let founded_late = branch(Some("2026-10-31"), None);
    assert!(founded_late.exists_in_month(ym(2026, 10)));
    assert!(!founded_late.exists_in_month(ym(2026, 9)));
    let dissolved = branch(None, Some("2026-10-01"));
    assert!(!dissolved.exists_in_month(ym(2026, 10)));
    assert!(dissolved.exists_in_month(ym(2026, 9)));
}

#[test]
fn quarters_know_their_days_and_follow_each_other() {
    let q = Quarter::of(d("2024-02-29"));
    assert_eq!(
        q,
        Quarter {
            year: 2024,
            number: 1
        }
    );
    assert_eq!(
        (q.first_day(), q.last_day()),
        (d("2024-01-01"), d("2024-03-31"))
    );
    let q4 = Quarter::of_month(ym(2026, 12));
    assert_eq!(
        (q4.first_day(), q4.last_day()),
        (d("2026-10-01"), d("2026-12-31"))
    );
    assert_eq!(
        q4.next(),
        Quarter {
            year: 2027,
            number: 1
        }
    );
    assert_eq!(q4.to_string(), "Q4/2026");
    for month in months() {
        for day in days_of(month) {
            let q = Quarter::of(day);
            assert_eq!(q, Quarter::of_month(month));
            assert!(q.first_day() <= day && day <= q.last_day());
            assert_eq!(q.next().first_day(), q.last_day() + Days::new(1));
        }
    }
}

#[test]
fn a_quarter_without_a_thematic_meeting_is_flagged_once_it_has_ended() {
    let b = branch(Some("2020-01-01"), None);
    let q3 = Quarter {
        year: 2026,
        number: 3,
    };
    let held = [
        d("2026-06-30"),
        d("2026-08-20"),
        d("2026-07-15"),
        d("2026-10-01"),
    ];
    assert_eq!(
        thematic(&b, q3, &held, d("2026-07-01")),
        Thematic::Held(d("2026-07-15"))
    );
    let q4 = q3.next();
    assert_eq!(thematic(&b, q4, &[], d("2026-12-31")), Thematic::Open);
    assert_eq!(thematic(&b, q4, &[], d("2027-01-01")), Thematic::Missed);
    // Founded or dissolved within a quarter: that quarter is not owed.
    let young = branch(Some("2026-08-01"), None);
    assert_eq!(thematic(&young, q3, &[], d("2027-01-01")), Thematic::NotDue);
    assert_eq!(thematic(&young, q4, &[], d("2027-01-01")), Thematic::Missed);
    let closing = branch(None, Some("2026-12-31"));
    assert_eq!(
        thematic(&closing, q4, &[], d("2027-01-01")),
        Thematic::NotDue
    );
}

#[test]
fn missed_quarters_over_two_years_are_the_ended_ones_without_a_meeting() {
    let b = branch(Some("2025-02-10"), None);
    let held = [
        d("2025-05-05"),
        d("2025-11-11"),
        d("2026-01-15"),
        d("2026-09-30"),
    ];
    let missed = missed_thematic_quarters(
        &b,
        Quarter {
            year: 2025,
            number: 1,
        },
        Quarter {
            year: 2026,
            number: 4,
        },
        &held,
        d("2026-10-15"),
    );
    // Q1/2025: founded within it. Q2 and Q4/2025, Q1 and Q3/2026: held. Q4/2026: not over.
    let expected = [
        Quarter {
            year: 2025,
            number: 3,
        },
        Quarter {
            year: 2026,
            number: 2,
        },
    ];
    assert_eq!(missed, expected);
}

#[test]
fn a_day_clashes_when_a_branch_is_due_or_has_planned_its_meeting_then() {
    let day = d("2026-10-07");
    let other = d("2026-10-08");
    assert_eq!(clash_on(day, Some(other), &[other]), None);
    assert_eq!(clash_on(day, None, &[]), None);
    assert_eq!(
        clash_on(day, Some(day), &[]),
        Some(Clash {
            due_day: true,
            planned_meeting: false
        })
    );
    assert_eq!(
        clash_on(day, Some(other), &[other, day]),
        Some(Clash {
            due_day: false,
            planned_meeting: true
        })
    );
    assert_eq!(
        clash_on(day, Some(day), &[day]),
        Some(Clash {
            due_day: true,
            planned_meeting: true
        })
    );
}
