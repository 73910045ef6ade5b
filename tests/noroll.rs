//! A regular meeting held without a roll (tests/fixtures/noroll.jsonl, worked out by hand in
//! noroll.md): held for compliance, counted as `meetings_without_roll`, left out of the
//! attendance rate; the dashboard ranks weakest first by unexcused absence and missed
//! meetings, so a branch whose members were all excused is not the weakest; `chibo check`
//! agrees; a file of the previous schema is counted again when it opens.

mod common;
mod meta;

use std::path::Path;

use chibo::domain::YearMonth;
use chibo::domain::date::parse_iso;
use chibo::store::tables::ROLLUPS;
use chibo::store::{SCHEMA_VERSION, Store, check};
use chibo::ui::screens::dashboard::MonthData;
use common::{chibo, imported, text};
use meta::{schema_version, set_schema_version};

const DATA: &str = include_str!("fixtures/noroll.jsonl");

fn april() -> YearMonth {
    YearMonth::new(2026, 4).unwrap()
}

/// `chibo report attendance` of `H` for April 2026, with `more` arguments.
fn report(db: &Path, more: &[&str]) -> String {
    let out = chibo(db)
        .args(["--today", "2026-05-01"])
        .args(["report", "attendance", "--org", "H", "--month", "2026-04"])
        .args(more)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// What `chibo check` finds (nothing: empty).
fn problems(db: &Path) -> Vec<String> {
    let store = Store::open(db).unwrap();
    check::run(&store.read().unwrap()).unwrap()
}

/// The stored `meetings_without_roll` of each branch and of the ward in April.
fn without_roll(db: &Path) -> Vec<u32> {
    let store = Store::open(db).unwrap();
    let r = store.read().unwrap();
    ["H", "H.A", "H.B", "H.C"]
        .iter()
        .map(|code| {
            let id = r.org_id(code).unwrap().unwrap();
            let stats = r.stored_month_stats(id, april()).unwrap().expect("covered");
            stats.meetings_without_roll
        })
        .collect()
}

#[test]
fn the_report_counts_the_meeting_without_roll_and_leaves_it_out_of_the_rate() {
    let setup = imported(DATA);
    let db = &setup.db;
    assert_eq!(problems(db), Vec::<String>::new());
    let total = report(db, &["--format", "json"]);
    assert_eq!(
        total,
        concat!(
            r#"{"org":"H","month":"2026-04","branches_due":3,"on_time":3,"early":0,"#,
            r#""late_within_grace":0,"held_out_of_rule":0,"overdue":0,"upcoming":0,"#,
            r#""meetings_held":3,"thematic_held":0,"meetings_without_roll":1,"expected":7,"#,
            r#""present":3,"excused":3,"absent":1,"exempt":0,"attendance_rate":0.429,"#,
            r#""guest_visits":0}"#,
            "\n"
        )
    );
    let rows: serde_json::Value =
        serde_json::from_str(&report(db, &["--by", "branch", "--format", "json"])).unwrap();
    let figures: Vec<(String, u64, u64, u64, serde_json::Value)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let n = |field: &str| r[field].as_u64().unwrap();
            (
                r["org"].as_str().unwrap().to_owned(),
                n("meetings_held"),
                n("meetings_without_roll"),
                n("expected"),
                r["attendance_rate"].clone(),
            )
        })
        .collect();
    let row =
        |org: &str, held, without, expected, rate| (org.to_owned(), held, without, expected, rate);
    assert_eq!(
        figures,
        [
            row("H.A", 1, 1, 0, serde_json::Value::Null),
            row("H.B", 1, 0, 3, serde_json::json!(0.0)),
            row("H.C", 1, 0, 4, serde_json::json!(0.75)),
        ]
    );
    let csv = report(db, &["--by", "branch", "--format", "csv", "--lang", "en"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "org,name,month,branches_due,on_time,early,late_within_grace,held_out_of_rule,\
         overdue,upcoming,meetings_held,thematic_held,meetings_without_roll,expected,present,\
         excused,absent,exempt,attendance_rate,guest_visits"
    );
    assert_eq!(
        &lines[1..],
        [
            "H.A,Chi bộ khu A,2026-04,1,1,0,0,0,0,0,1,0,1,0,0,0,0,0,,0",
            "H.B,Chi bộ khu B,2026-04,1,1,0,0,0,0,0,1,0,0,3,0,3,0,0,0.0,0",
            "H.C,Chi bộ khu C,2026-04,1,1,0,0,0,0,0,1,0,0,4,3,0,1,0,0.75,0",
        ]
    );
    let vi = report(db, &["--format", "csv"]);
    assert!(
        vi.lines().next().unwrap().contains(",Họp chưa điểm danh,"),
        "{vi}"
    );
    let en = report(db, &["--format", "table", "--lang", "en"]);
    assert!(en.contains("Meetings without roll"), "{en}");
}

#[test]
fn weakest_first_ranks_unexcused_absence_not_excused_nor_a_meeting_without_roll_as_full() {
    let setup = imported(DATA);
    let store = Store::open(&setup.db).unwrap();
    let r = store.read().unwrap();
    let ward = r.org_by_code("H").unwrap().unwrap();
    let today = parse_iso("2026-05-01").unwrap();
    let data = MonthData::read(&r, &ward, april(), today).unwrap();
    let order: Vec<String> = (0..data.rows())
        .map(|i| r.org(data.unit_at(i).unwrap()).unwrap().unwrap().code)
        .collect();
    assert_eq!(order, ["H.C", "H.A", "H.B"]);
    assert_eq!(data.stats.unwrap().meetings_without_roll, 1);
}

#[test]
fn a_file_of_the_previous_schema_is_counted_again_when_it_opens() {
    let setup = imported(DATA);
    let db = &setup.db;
    assert_eq!(without_roll(db), [1, 1, 0, 0]);
    // Schema 9 kept every roll-up row without the last field: today's encoding less its
    // last byte (a count under 128 is one byte in postcard). Write April so, and mark it 9.
    let rows: Vec<((u64, u32), Vec<u8>)> = {
        let file = redb::Database::create(db).unwrap();
        let txn = redb::ReadableDatabase::begin_read(&file).unwrap();
        let table = txn.open_table(ROLLUPS).unwrap();
        redb::ReadableTable::iter(&table)
            .unwrap()
            .map(|row| {
                let (key, value) = row.unwrap();
                let mut bytes = value.value().to_vec();
                bytes.pop();
                (key.value(), bytes)
            })
            .collect()
    };
    {
        let file = redb::Database::create(db).unwrap();
        let txn = file.begin_write().unwrap();
        let mut table = txn.open_table(ROLLUPS).unwrap();
        for (key, bytes) in &rows {
            table.insert(*key, bytes.as_slice()).unwrap();
        }
        drop(table);
        txn.commit().unwrap();
    }
    set_schema_version(db, 9);
    assert_eq!(schema_version(db), 9);
    assert_eq!(without_roll(db), [1, 1, 0, 0]);
    assert_eq!(schema_version(db), SCHEMA_VERSION);
    assert_eq!(problems(db), Vec::<String>::new());
    let out = chibo(db).arg("check").output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stdout));
}
