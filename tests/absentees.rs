//! `chibo report absentees` on a hand-built year (tests/fixtures/absentees.jsonl) with a
//! transfer between branches, a removal, a temporary exemption, an excused month, a thematic
//! meeting, two regular meetings in one month and absences of the year before, driving the
//! real binary. tests/fixtures/absentees.md shows the working. The roll-ups that dashboards
//! read agree with the report month by month.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chibo::domain::OrgId;
use chibo::domain::YearMonth;
use chibo::store::Store;
use tempfile::TempDir;

fn ym(year: i32, month: u32) -> YearMonth {
    YearMonth::new(year, month).unwrap()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn chibo(db: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chibo"));
    command.arg("--db").arg(db);
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A database holding the fixture, checked sound.
fn database() -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("absentees.redb");
    let imported = chibo(&db)
        .arg("import")
        .arg(fixture("absentees.jsonl"))
        .output()
        .unwrap();
    assert!(imported.status.success(), "{}", text(&imported.stderr));
    let checked = chibo(&db).arg("check").output().unwrap();
    assert!(checked.status.success(), "{}", text(&checked.stdout));
    (dir, db)
}

fn report(db: &Path, args: &[&str]) -> Output {
    chibo(db)
        .args(["report", "absentees"])
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: Output) -> String {
    assert!(output.status.success(), "{}", text(&output.stderr));
    text(&output.stdout)
}

const ALL: &str = concat!(
    r#"[{"card":"1009","name":"Bùi Văn An","org":"P.W.B","months":["2026-03","2026-04","2026-05"]},"#,
    r#"{"card":"1002","name":"Trần Thị An","org":"P.W.B","months":["2026-02","2026-03","2026-09"]},"#,
    r#"{"card":"1001","name":"Nguyễn Văn Ba","org":"P.W.A","months":["2026-01","2026-03","2026-04"]},"#,
    r#"{"card":"1003","name":"Lê Văn Cường","org":"P.W.A","months":["2026-01","2026-02","2026-05"]},"#,
    r#"{"card":"1007","name":"Vũ Văn Hải","org":"P.W.A","months":["2026-01","2026-02","2026-10"]},"#,
    r#"{"card":"1008","name":"Ngô Thị Kim","org":"P.G","months":["2026-01","2026-02","2026-03"]}]"#,
    "\n"
);

#[test]
fn the_year_as_worked_out_by_hand_in_vietnamese_name_order() {
    let (_dir, db) = database();
    let json = |org: &str, year: &str| {
        stdout(report(
            &db,
            &["--org", org, "--year", year, "--format", "json"],
        ))
    };
    assert_eq!(json("P", "2026"), ALL);
    let ward: Vec<serde_json::Value> = serde_json::from_str(&json("P.W", "2026")).unwrap();
    let cards: Vec<&str> = ward.iter().map(|a| a["card"].as_str().unwrap()).collect();
    assert_eq!(cards, ["1009", "1002", "1001", "1003", "1007"]);
    let a: Vec<serde_json::Value> = serde_json::from_str(&json("P.W.A", "2026")).unwrap();
    let cards: Vec<&str> = a.iter().map(|a| a["card"].as_str().unwrap()).collect();
    assert_eq!(
        cards,
        ["1001", "1003", "1007"],
        "1002 counts where she is now"
    );
    assert_eq!(json("P", "2025"), "[]\n");
}

#[test]
fn csv_and_table_write_the_months_in_one_cell() {
    let (_dir, db) = database();
    let csv = stdout(report(
        &db,
        &["--org", "P.W.A", "--year", "2026", "--format", "csv"],
    ));
    assert_eq!(
        csv,
        "Số thẻ,Họ và tên,Chi bộ,Các tháng vắng không phép\n\
         1001,Nguyễn Văn Ba,P.W.A,01/2026 03/2026 04/2026\n\
         1003,Lê Văn Cường,P.W.A,01/2026 02/2026 05/2026\n\
         1007,Vũ Văn Hải,P.W.A,01/2026 02/2026 10/2026\n"
    );
    let table = stdout(report(&db, &["--org", "P.G", "--year", "2026"]));
    assert!(
        table.starts_with(
            "Đảng viên vắng sinh hoạt thường kỳ không có lý do từ 3 tháng trở lên năm 2026 \
             — Chi bộ cơ sở G (P.G)\n"
        ),
        "{table}"
    );
    assert!(
        table.contains("1008    Ngô Thị Kim  P.G     01/2026 02/2026 03/2026"),
        "{table}"
    );
    let english = stdout(
        chibo(&db)
            .args([
                "--lang",
                "en",
                "report",
                "absentees",
                "--org",
                "P",
                "--year",
                "2025",
            ])
            .output()
            .unwrap(),
    );
    assert!(english.contains("Nothing to report."), "{english}");
    let bad = report(&db, &["--org", "P", "--year", "26"]);
    assert_eq!(bad.status.code(), Some(2));
    let unknown = report(&db, &["--org", "X", "--year", "2026"]);
    assert_eq!(unknown.status.code(), Some(1));
}

#[test]
fn the_roll_ups_count_the_members_flagged_by_each_months_end() {
    let (_dir, db) = database();
    let store = Store::open(&db).unwrap();
    let r = store.read().unwrap();
    let id = |code: &str| r.org_id(code).unwrap().unwrap();
    let flagged = |org: OrgId, month: YearMonth| r.month_stats(org, month).unwrap().absentees;
    let p = id("P");
    let months: Vec<u32> = [
        ym(2026, 3),
        ym(2026, 4),
        ym(2026, 9),
        ym(2026, 10),
        ym(2026, 12),
        ym(2027, 1),
    ]
    .iter()
    .map(|m| flagged(p, *m))
    .collect();
    assert_eq!(months, [1, 2, 6, 6, 6, 0]);
    let december: Vec<u32> = ["P.W", "P.W.A", "P.W.B", "P.G"]
        .iter()
        .map(|code| flagged(id(code), ym(2026, 12)))
        .collect();
    assert_eq!(december, [5, 3, 2, 1]);
    // Covered months are read from the roll-ups, others counted: both agree.
    for month in [ym(2026, 4), ym(2026, 9), ym(2026, 10), ym(2026, 12)] {
        assert_eq!(
            r.month_stats(p, month).unwrap(),
            r.count_month(p, month).unwrap()
        );
    }
}
