use chrono::Weekday;

use super::*;
use crate::domain::YearMonth;
use crate::domain::date::parse_iso;
use crate::domain::oversight::Quota;
use crate::domain::{MeetingId, MemberId, OrgKind, Oversight, RoleKind, ScheduleRule};
use crate::store::testkit::{member, org, sample};
use crate::store::{Store, check};

fn ym(year: i32, month: u32) -> YearMonth {
    YearMonth::new(year, month).unwrap()
}

fn d(text: &str) -> NaiveDate {
    parse_iso(text).unwrap()
}

fn meeting(org: u64, kind: MeetingKind, state: MeetingState, date: &str) -> Meeting {
    Meeting::new(MeetingId(0), OrgId(org), kind, d(date), state)
}

/// The sample (province 1 → ward 2 → branch 3 `QN.HG.K2`) with the province meeting on the
/// 7th, a school branch 4 `QN.HG.TH` on the first Thursday, and branch 5 `QN.HG.K3` founded
/// on 20 October 2026; member 2 is the ward's standing deputy, assigned to the school.
fn ward(dir: &std::path::Path) -> Store {
    let store = sample(dir);
    store
        .write(|w| {
            let mut province = w.org(OrgId(1))?.unwrap();
            province.meeting_rule = Some(ScheduleRule::DayOfMonth(7));
            w.put_org(&province)?;
            let mut school = org(w.new_org_id()?.0, "QN.HG.TH", OrgKind::Branch, Some(2));
            school.meeting_rule = Some(ScheduleRule::NthWeekday {
                n: 1,
                weekday: Weekday::Thu,
            });
            w.put_org(&school)?;
            let mut young = org(w.new_org_id()?.0, "QN.HG.K3", OrgKind::Branch, Some(2));
            young.founded = Some(d("2026-10-20"));
            w.put_org(&young)?;
            let deputy = w.new_member_id()?;
            w.put_member(&member(deputy.0, "2", "Trần Thị Hồng", 3))?;
            w.put_role(&Role {
                member: deputy,
                org: OrgId(2),
                role: RoleKind::StandingDeputySecretary,
                from: d("2025-01-01"),
                until: None,
            })?;
            w.put_oversight(&Oversight {
                member: deputy,
                org: OrgId(4),
                from: d("2025-01-01"),
                until: None,
            })?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
    store
}

fn put(store: &Store, meetings: Vec<Meeting>) {
    store
        .write(|w| {
            for mut m in meetings {
                m.id = w.new_meeting_id()?;
                w.put_meeting(&m)?;
            }
            Ok::<_, StoreError>(())
        })
        .unwrap();
}

#[test]
fn the_compliance_report_judges_every_branch_of_the_subtree_by_its_own_rule() {
    let dir = tempfile::tempdir().unwrap();
    let store = ward(dir.path());
    use MeetingKind::{Regular, Thematic as Th};
    use MeetingState::{Held, Planned};
    put(
        &store,
        vec![
            meeting(3, Regular, Held, "2026-10-08"),
            meeting(3, Th, Held, "2026-11-20"),
            // A planned regular meeting counts for nothing until it is held.
            meeting(4, Regular, Planned, "2026-10-08"),
        ],
    );
    let r = store.read().unwrap();
    let rows = r
        .compliance_report(OrgId(2), ym(2026, 10), d("2026-11-02"))
        .unwrap();
    let seen: Vec<_> = rows
        .iter()
        .map(|row| {
            (
                row.branch.code.as_str(),
                row.due,
                row.held,
                row.status,
                row.thematic,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "QN.HG.K2",
                Some(d("2026-10-07")),
                Some(d("2026-10-08")),
                Compliance::LateWithinGrace,
                Thematic::Held(d("2026-11-20"))
            ),
            // Founded on the 20th: it existed in October, so October was due.
            (
                "QN.HG.K3",
                Some(d("2026-10-07")),
                None,
                Compliance::Overdue,
                Thematic::NotDue
            ),
            (
                "QN.HG.TH",
                Some(d("2026-10-01")),
                None,
                Compliance::Overdue,
                Thematic::Open
            ),
        ]
    );
    // A branch asked for alone is its own subtree; a month before the rule existed anywhere
    // up the tree is not due.
    let own = r
        .compliance_report(OrgId(3), ym(2026, 10), d("2026-11-02"))
        .unwrap();
    assert_eq!(own.len(), 1);
    assert_eq!(own[0].status, Compliance::LateWithinGrace);
    assert_eq!(check::run(&r).unwrap(), Vec::<String>::new());
}

#[test]
fn a_committee_day_clashes_with_branches_due_or_planned_that_day() {
    let dir = tempfile::tempdir().unwrap();
    let store = ward(dir.path());
    put(
        &store,
        vec![
            meeting(4, MeetingKind::Regular, MeetingState::Planned, "2026-10-07"),
            meeting(
                3,
                MeetingKind::Thematic,
                MeetingState::Planned,
                "2026-10-08",
            ),
        ],
    );
    let r = store.read().unwrap();
    let on = |day| -> Vec<(String, bool, bool)> {
        r.clashes_on(OrgId(2), d(day))
            .unwrap()
            .into_iter()
            .map(|c| (c.branch.code, c.clash.due_day, c.clash.planned_meeting))
            .collect()
    };
    // K2 is due on the 7th, the school planned its meeting then; K3 did not exist yet.
    assert_eq!(
        on("2026-10-07"),
        [
            ("QN.HG.K2".to_string(), true, false),
            ("QN.HG.TH".to_string(), false, true)
        ]
    );
    // The school's own day; a planned thematic meeting is not the regular one.
    assert_eq!(on("2026-10-01"), [("QN.HG.TH".to_string(), true, false)]);
    assert!(on("2026-10-08").is_empty());
    // By November K3 exists and is due on the 7th too.
    assert_eq!(on("2026-11-07").len(), 2);
    let planned = meeting(
        2,
        MeetingKind::Committee,
        MeetingState::Planned,
        "2026-10-07",
    );
    assert_eq!(r.clashes_of(&planned).unwrap().len(), 2);
}

#[test]
fn quota_standings_count_visits_below_the_committee_against_each_roles_quota() {
    let dir = tempfile::tempdir().unwrap();
    let store = ward(dir.path());
    let guest = |mut m: Meeting| {
        m.guests = vec![MemberId(2)];
        m
    };
    use MeetingKind::Regular;
    use MeetingState::{Held, Planned};
    put(
        &store,
        vec![
            guest(meeting(4, Regular, Held, "2026-01-08")),
            guest(meeting(4, Regular, Held, "2026-02-05")),
            // Not assigned there: a visit, but not one the monthly quota counts.
            guest(meeting(5, Regular, Held, "2026-03-07")),
            // Planned, not held: no visit yet.
            guest(meeting(4, Regular, Planned, "2026-03-05")),
        ],
    );
    let r = store.read().unwrap();
    let rows = r
        .quota_standings(OrgId(1), 2026, d("2026-04-10"), &QuotaConfig::default())
        .unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(
        (row.member.card.as_str(), row.org.code.as_str()),
        ("2", "QN.HG")
    );
    assert_eq!(row.standing.quota, Quota::EveryMonthAtAssigned);
    assert_eq!(
        (
            row.standing.made,
            row.standing.due_so_far,
            row.standing.behind
        ),
        (2, 3, true)
    );
    // Asked from a branch's subtree, the ward's roles are not in it.
    let below = r
        .quota_standings(OrgId(4), 2026, d("2026-04-10"), &QuotaConfig::default())
        .unwrap();
    assert!(below.is_empty());
    // The ward's own committee gives the same row; the province's committee holds no
    // role with a quota, so nothing, although the ward's deputy is below it.
    let of = |id| r.org(OrgId(id)).unwrap().unwrap();
    let config = QuotaConfig::default();
    let ward = r
        .committee_quota_standings(&of(2), 2026, d("2026-04-10"), &config)
        .unwrap();
    assert_eq!(ward, rows);
    let province = r
        .committee_quota_standings(&of(1), 2026, d("2026-04-10"), &config)
        .unwrap();
    assert!(province.is_empty());
}

#[test]
fn meetings_between_lists_the_subtrees_meetings_by_org_code_and_date() {
    let dir = tempfile::tempdir().unwrap();
    let store = ward(dir.path());
    use MeetingKind::Regular;
    use MeetingState::{Held, Planned};
    put(
        &store,
        vec![
            meeting(4, Regular, Planned, "2026-11-05"),
            meeting(3, Regular, Planned, "2026-11-07"),
            meeting(3, Regular, Held, "2026-10-07"),
            meeting(3, Regular, Held, "2026-12-01"),
        ],
    );
    let r = store.read().unwrap();
    let found: Vec<(String, Vec<NaiveDate>)> = r
        .meetings_between(OrgId(1), d("2026-10-07"), d("2026-11-30"))
        .unwrap()
        .into_iter()
        .map(|(o, ms)| (o.code, ms.into_iter().map(|m| m.date).collect()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "QN.HG.K2".to_string(),
                vec![d("2026-10-07"), d("2026-11-07")]
            ),
            ("QN.HG.TH".to_string(), vec![d("2026-11-05")]),
        ]
    );
    assert_eq!(
        r.meetings_in_month(OrgId(3), ym(2026, 12)).unwrap().len(),
        1
    );
}
