//! The demo database as the store holds it after `chibo demo`: the press figures of the
//! Branch of Quarter 2, a year of meetings up to today and the next month planned, and a second run that only opens it.

use chibo::demo;
use chibo::domain::{Lang, MeetingKind, MeetingState, MemberStatus, OrgKind};
use chibo::store::Store;
use chrono::NaiveDate;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn fresh_demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let (store, created) = demo::ensure(&dir.path().join("demo.redb"), today()).unwrap();
    assert!(created.is_some(), "the first run creates the demo");
    (dir, store)
}

#[test]
fn quarter_2_of_hong_gai_has_8_cells_92_members_22_exempt() {
    let (_dir, store) = fresh_demo();
    let reader = store.read().unwrap();
    let quarter = reader.org_by_code("QN.HL.HG.K2").unwrap().unwrap();
    assert_eq!(quarter.name, "Chi bộ khu 2");
    let ward = reader.org(quarter.parent.unwrap()).unwrap().unwrap();
    assert_eq!(ward.name, "Đảng ủy phường Hồng Gai");
    let cells = reader.children(Some(quarter.id), 0, 100).unwrap();
    assert_eq!(cells.len(), 8);
    assert!(cells.iter().all(|c| c.kind == OrgKind::Cell));
    assert_eq!(reader.member_count_of(quarter.id).unwrap(), 92);
    let members = reader.members_of(quarter.id, 0, 200).unwrap();
    let exempt = members
        .iter()
        .filter(|m| m.status_on(today()) == MemberStatus::Exempt)
        .count();
    assert_eq!(exempt, 22);
    let in_cells: usize = cells
        .iter()
        .map(|c| reader.member_count_of(c.id).unwrap())
        .sum();
    assert_eq!(
        in_cells, 92,
        "every member of Quarter 2 is in one of its cells"
    );
}

#[test]
fn meetings_are_held_up_to_today_and_planned_after_it() {
    let (_dir, store) = fresh_demo();
    let reader = store.read().unwrap();
    let year_before = NaiveDate::from_ymd_opt(2025, 11, 1).unwrap();
    let mut meetings = 0;
    let mut planned = 0;
    reader
        .each_org(|org| -> Result<(), chibo::store::StoreError> {
            for meeting in reader.all_meetings_of(org.id)? {
                match meeting.state {
                    MeetingState::Held => {
                        assert!(year_before <= meeting.date && meeting.date <= today());
                    }
                    state => {
                        assert_eq!(state, MeetingState::Planned);
                        assert!(meeting.date > today(), "{} {}", org.code, meeting.date);
                        assert!(meeting.attendance.is_empty());
                        assert!(meeting.time.is_some() && meeting.place.is_some());
                        planned += 1;
                    }
                }
                meetings += 1;
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(meetings as u64, reader.totals().unwrap().meetings);
    assert!(meetings > 500);
    assert!(planned > 100, "{planned}");
}

#[test]
fn the_one_committee_meeting_that_clashes_is_hong_gai_on_its_branches_day() {
    let (_dir, store) = fresh_demo();
    let reader = store.read().unwrap();
    let mut clashing = Vec::new();
    reader
        .each_org(|org| -> Result<(), chibo::store::StoreError> {
            for meeting in reader.all_meetings_of(org.id)? {
                if meeting.kind == MeetingKind::Committee
                    && !reader.clashes_of(&meeting)?.is_empty()
                {
                    clashing.push((org.code.clone(), meeting.date));
                }
            }
            Ok(())
        })
        .unwrap();
    let fifth = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
    assert_eq!(clashing, [("QN.HL.HG".to_string(), fifth)]);
}

#[test]
fn tu_ky_villages_meet_on_the_seventh_and_schools_on_the_first_thursday() {
    let (_dir, store) = fresh_demo();
    let reader = store.read().unwrap();
    let school = reader.org_id("HP.TK.TK.THCS").unwrap().unwrap();
    let village = reader.org_id("HP.TK.TK.TH1").unwrap().unwrap();
    let (school_rule, school_grace) = reader.effective_schedule(school).unwrap();
    let (village_rule, village_grace) = reader.effective_schedule(village).unwrap();
    let thursday = chibo::domain::ScheduleRule::NthWeekday {
        n: 1,
        weekday: chrono::Weekday::Thu,
    };
    assert_eq!(school_rule, Some(thursday));
    assert_eq!(
        village_rule,
        Some(chibo::domain::ScheduleRule::DayOfMonth(7))
    );
    assert_eq!((school_grace, village_grace), (2, 2));
}

#[test]
fn the_store_passes_its_own_check() {
    let (_dir, store) = fresh_demo();
    let reader = store.read().unwrap();
    let problems = chibo::store::check::run(&reader).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn a_second_run_opens_the_demo_without_writing_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.redb");
    let (store, created) = demo::ensure(&path, today()).unwrap();
    let totals = store.read().unwrap().totals().unwrap();
    assert!(created.is_some());
    drop(store);
    let (store, created) = demo::ensure(&path, today()).unwrap();
    assert!(created.is_none());
    assert_eq!(store.read().unwrap().totals().unwrap(), totals);
}

#[test]
fn the_demo_exports_and_imports_again_to_the_same_bytes() {
    let (_dir, store) = fresh_demo();
    let mut first = Vec::new();
    chibo::io::jsonl::export(&store.read().unwrap(), None, &mut first, Lang::En).unwrap();
    let again_dir = tempfile::tempdir().unwrap();
    let again = Store::open(&again_dir.path().join("again.redb")).unwrap();
    chibo::io::jsonl::import(&again, "export.jsonl", first.as_slice(), Lang::En).unwrap();
    let mut second = Vec::new();
    chibo::io::jsonl::export(&again.read().unwrap(), None, &mut second, Lang::En).unwrap();
    assert!(
        first == second,
        "export → import → export changed the bytes"
    );
}
