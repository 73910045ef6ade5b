//! The exempt of a meeting, counted one way everywhere (tests/fixtures/exempt.jsonl, worked out
//! by hand in exempt.md): the branch's exempt and temporarily exempt members on the meeting
//! date, whether or not the meeting lists them. `report attendance`, the dashboard's roll-ups,
//! the minutes and `chibo check` agree; a late exemption changes only the months from it on;
//! a file of the previous schema is counted again when it opens.

mod common;
mod meta;

use std::path::Path;

use chibo::domain::date::parse_iso;
use chibo::domain::{MemberStatus, MonthStats, StatusChange, YearMonth};
use chibo::store::tables::ROLLUPS;
use chibo::store::{SCHEMA_VERSION, Store, check};
use chibo::ui::screens::dashboard::MonthData;
use common::{chibo, imported, text};
use meta::{schema_version, set_schema_version};

const DATA: &str = include_str!("fixtures/exempt.jsonl");

fn ym(year: i32, month: u32) -> YearMonth {
    YearMonth::new(year, month).unwrap()
}

/// `chibo report attendance` of `org` for a month, as JSON.
fn report(db: &Path, org: &str, month: &str) -> serde_json::Value {
    let out = chibo(db)
        .args([
            "--today",
            "2026-05-01",
            "report",
            "attendance",
            "--org",
            org,
        ])
        .args(["--month", month, "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// What `chibo check` finds (nothing: empty).
fn problems(db: &Path) -> Vec<String> {
    let store = Store::open(db).unwrap();
    check::run(&store.read().unwrap()).unwrap()
}

/// The month of `code` as stored in the roll-ups.
fn stored(db: &Path, code: &str, month: YearMonth) -> MonthStats {
    let store = Store::open(db).unwrap();
    let r = store.read().unwrap();
    let org = r.org_id(code).unwrap().unwrap();
    r.stored_month_stats(org, month).unwrap().expect("covered")
}

/// Overwrites the stored `exempt` of `code`'s month behind the store's back, as a file of
/// an earlier count would hold it.
fn write_exempt(db: &Path, code: &str, month: YearMonth, exempt: u32) {
    let mut stats = stored(db, code, month);
    let id = {
        let store = Store::open(db).unwrap();
        store.read().unwrap().org_id(code).unwrap().unwrap()
    };
    stats.exempt = exempt;
    let mut bytes = vec![1u8];
    bytes.extend(postcard::to_allocvec(&stats).unwrap());
    let file = redb::Database::create(db).unwrap();
    let txn = file.begin_write().unwrap();
    txn.open_table(ROLLUPS)
        .unwrap()
        .insert((id.0, month.key()), bytes.as_slice())
        .unwrap();
    txn.commit().unwrap();
}

#[test]
fn the_report_the_dashboard_and_the_minutes_count_the_exempt_by_hand() {
    let setup = imported(DATA);
    let db = &setup.db;
    assert_eq!(problems(db), Vec::<String>::new());
    for org in ["H.K2", "H"] {
        let counts: Vec<(u64, u64, u64, u64, u64)> = ["2026-02", "2026-03", "2026-04"]
            .iter()
            .map(|month| {
                let r = report(db, org, month);
                let n = |field: &str| r[field].as_u64().unwrap();
                (
                    n("expected"),
                    n("present"),
                    n("excused"),
                    n("absent"),
                    n("exempt"),
                )
            })
            .collect();
        assert_eq!(
            counts,
            [(4, 4, 0, 0, 2), (3, 3, 0, 0, 3), (3, 1, 1, 1, 3)],
            "{org}"
        );
        assert_eq!(report(db, org, "2026-04")["attendance_rate"], 0.333);
    }
    // The dashboard reads the roll-ups: the same numbers.
    let store = Store::open(db).unwrap();
    let r = store.read().unwrap();
    for code in ["H.K2", "H"] {
        let node = r.org_by_code(code).unwrap().unwrap();
        let today = parse_iso("2026-05-01").unwrap();
        let data = MonthData::read(&r, &node, ym(2026, 4), today).unwrap();
        assert_eq!(data.stats.unwrap().exempt, 3, "{code}");
        let trend: Vec<u32> = data
            .trend
            .iter()
            .filter_map(|(_, s)| s.as_ref().map(|s| s.exempt))
            .collect();
        assert_eq!(trend, [2, 3, 3], "{code}");
    }
    drop(r);
    drop(store);
    // The minutes read out the same three, by name, and the three expected.
    let out = chibo(db)
        .args(["export", "minutes", "--org", "H.K2", "--date", "2026-04-07"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    for line in [
        "- Miễn sinh hoạt: 3 (Phạm Thị Dung; Hoàng Văn Đức; Vũ Thị Hạnh, đến 31/12/2026)",
        "- Đảng viên phải dự: 3",
    ] {
        assert!(md.contains(line), "{line:?} missing:\n{md}");
    }
}

#[test]
fn an_exemption_recorded_late_changes_only_the_months_from_it_on() {
    let without: String = DATA
        .lines()
        .filter(|l| !l.contains(r#""card":"604","status""#))
        .map(|l| format!("{l}\n"))
        .collect();
    let setup = imported(&without);
    let db = &setup.db;
    let exempt = |db| {
        [2, 3, 4].map(|m| {
            report(db, "H.K2", &format!("2026-0{m}"))["exempt"]
                .as_u64()
                .unwrap()
        })
    };
    assert_eq!(exempt(db), [2, 2, 2]);
    let store = Store::open(db).unwrap();
    store
        .write(|w| {
            let dung = w.member_id("604")?.unwrap();
            w.record_status(
                dung,
                StatusChange {
                    status: MemberStatus::Exempt,
                    from: parse_iso("2026-03-01").unwrap(),
                    until: None,
                    reason: Some("sức khỏe".into()),
                },
            )
        })
        .unwrap();
    drop(store);
    assert_eq!(exempt(db), [2, 3, 3]);
    for month in [2, 3, 4] {
        let stats = stored(db, "H", ym(2026, month));
        assert_eq!(stats.exempt, [2, 3, 3][month as usize - 2], "2026-{month}");
    }
    assert_eq!(problems(db), Vec::<String>::new());
}

#[test]
fn chibo_check_reports_a_stored_exempt_count_that_is_wrong() {
    let setup = imported(DATA);
    let db = &setup.db;
    write_exempt(db, "H.K2", ym(2026, 3), 0);
    let found = problems(db);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("rollups of H.K2 in 2026-03: stored"),
        "{}",
        found[0]
    );
    let out = chibo(db).arg("check").output().unwrap();
    assert!(!out.status.success(), "{}", text(&out.stdout));
}

#[test]
fn a_file_of_the_previous_schema_is_counted_again_when_it_opens() {
    // Schema 8 counted only the exempt a meeting listed: none of them in February and
    // March. Write those counts into the rows, as such a file holds them, and mark it 8.
    let setup = imported(DATA);
    let db = &setup.db;
    for code in ["H.K2", "H"] {
        write_exempt(db, code, ym(2026, 2), 0);
        write_exempt(db, code, ym(2026, 3), 0);
        write_exempt(db, code, ym(2026, 4), 1);
    }
    assert_eq!(stored(db, "H", ym(2026, 3)).exempt, 0);
    set_schema_version(db, 8);
    assert_eq!(schema_version(db), 8);
    for code in ["H.K2", "H"] {
        let exempt = [2, 3, 4].map(|m| stored(db, code, ym(2026, m)).exempt);
        assert_eq!(exempt, [2, 3, 3], "{code}");
    }
    assert_eq!(schema_version(db), SCHEMA_VERSION);
    assert_eq!(problems(db), Vec::<String>::new());
    let out = chibo(db).arg("check").output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stdout));
}

#[test]
fn a_member_who_moved_on_still_counts_among_the_exempt_of_the_branch_they_left() {
    // 605, exempt since 2015, moves from H.K2 to H.K3 on 1 May 2026: H.K2's February to
    // April meetings still had him among their exempt (2, 3, 3), before and after the
    // move, in the roll-ups, the report and `chibo check`, and when a file of schema 10,
    // which had no index of former members, is opened and counted again.
    let k3 = r#"{"type":"org","code":"H.K3","name":"Chi bộ khu 3","kind":"branch","parent":"H"}"#;
    let setup = imported(&format!("{DATA}{k3}\n"));
    let db = &setup.db;
    let months = |db: &Path| [2, 3, 4].map(|m| stored(db, "H.K2", ym(2026, m)).exempt);
    assert_eq!(months(db), [2, 3, 3]);
    let store = Store::open(db).unwrap();
    store
        .write(|w| {
            let id = w.member_id("605")?.unwrap();
            let k3 = w.org_id("H.K3")?.unwrap();
            let mut duc = w.member(id)?.unwrap();
            duc.transfer(k3, None, parse_iso("2026-05-01").unwrap())
                .unwrap();
            w.put_member(&duc)
        })
        .unwrap();
    drop(store);
    assert_eq!(months(db), [2, 3, 3]);
    let reported =
        ["2026-02", "2026-03", "2026-04"].map(|m| report(db, "H.K2", m)["exempt"].clone());
    assert_eq!(reported, [2, 3, 3].map(serde_json::Value::from));
    assert_eq!(problems(db), Vec::<String>::new());

    set_schema_version(db, 10);
    assert_eq!(months(db), [2, 3, 3]);
    assert_eq!(schema_version(db), SCHEMA_VERSION);
    assert_eq!(problems(db), Vec::<String>::new());
}
