//! `chibo report classification` on a hand-built dataset (tests/fixtures/classification.jsonl),
//! driving the real binary. Every number below was worked out by hand from the fixture:
//! tests/fixtures/classification.md shows the working.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{chibo, programs, text};
use tempfile::TempDir;

/// A database holding the fixture, checked sound.
fn database() -> (TempDir, PathBuf) {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/classification.jsonl");
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("report.redb");
    let imported = chibo(&db).arg("import").arg(fixture).output().unwrap();
    assert!(imported.status.success(), "{}", text(&imported.stderr));
    let checked = chibo(&db).arg("check").output().unwrap();
    assert!(checked.status.success(), "{}", text(&checked.stdout));
    (dir, db)
}

fn report(db: &Path, lang: &str, args: &[&str]) -> Command {
    let mut command = chibo(db);
    command
        .args(["--lang", lang, "report", "classification"])
        .args(args);
    command
}

/// The report's standard output, which must have succeeded.
fn stdout(output: Output) -> String {
    assert!(output.status.success(), "{}", text(&output.stderr));
    text(&output.stdout)
}

fn json(db: &Path, org: &str, year: &str) -> serde_json::Value {
    let args = ["--org", org, "--year", year, "--format", "json"];
    let out = stdout(report(db, "vi", &args).output().unwrap());
    assert_eq!(out.lines().count(), 1, "one object on one line: {out}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn the_province_the_ward_and_a_branch_as_worked_out_by_hand() {
    let (_dir, db) = database();
    let row = |org: &str, name: &str, grade: Option<&str>, score: Option<u8>| serde_json::json!({"org": org, "name": name, "grade": grade, "score": score});
    let ward_rows = [
        row("P.A", "Đảng ủy phường Kỳ Bá", Some("excellent"), Some(92)),
        row("P.A.1", "Chi bộ tổ dân phố 1", Some("good"), Some(82)),
        row("P.A.2", "Chi bộ tổ dân phố 2", Some("completed"), None),
        row("P.A.3", "Chi bộ tổ dân phố 3", None, None),
    ];
    let mut province_rows = ward_rows.to_vec();
    province_rows.extend([
        row("P.B", "Đảng ủy xã Vũ Phúc", Some("not_completed"), Some(45)),
        row("P.B.1", "=Chi bộ thôn Phúc Châu", Some("good"), Some(75)),
        row("P.C", "Chi bộ Bệnh viện Nhi", Some("good"), Some(88)),
        row(
            "P.K",
            "Đảng ủy Khối các cơ quan tỉnh",
            Some("good"),
            Some(80),
        ),
        row("P.K.1", "Chi bộ Sở Tài chính", Some("excellent"), Some(95)),
    ]);
    let province = json(&db, "P", "2025");
    assert_eq!(
        province,
        serde_json::json!({
            "org": "P", "year": 2025, "units": 4, "good_or_better": 3, "share": 0.75,
            "target": 0.85, "rows": province_rows,
            "members": {"excellent": 2, "good": 2, "completed": 1, "not_completed": 1, "ungraded": 2}
        })
    );
    // The fields in the contract's order.
    let text = serde_json::to_string(&province).unwrap();
    assert!(
        text.starts_with(r#"{"org":"P","year":2025,"units":4,"good_or_better":3,"share":0.75,"target":0.85,"rows":[{"org":"P.A","name":"#),
        "{text}"
    );
    assert!(
        text.ends_with(
            r#""members":{"excellent":2,"good":2,"completed":1,"not_completed":1,"ungraded":2}}"#
        ),
        "{text}"
    );

    assert_eq!(
        json(&db, "P.A", "2025"),
        serde_json::json!({
            "org": "P.A", "year": 2025, "units": 2, "good_or_better": 1, "share": 0.5,
            "target": 0.85, "rows": ward_rows,
            "members": {"excellent": 1, "good": 1, "completed": 1, "not_completed": 1, "ungraded": 1}
        })
    );
    assert_eq!(
        json(&db, "P.A.1", "2025"),
        serde_json::json!({
            "org": "P.A.1", "year": 2025, "units": 0, "good_or_better": 0, "share": null,
            "target": 0.85, "rows": [ward_rows[1].clone()],
            "members": {"excellent": 1, "good": 1, "completed": 0, "not_completed": 0, "ungraded": 1}
        })
    );
}

#[test]
fn another_year_counts_that_years_grades_and_organisations() {
    let (_dir, db) = database();
    let report = json(&db, "P", "2024");
    assert_eq!(
        (
            &report["units"],
            &report["good_or_better"],
            &report["share"]
        ),
        (
            &serde_json::json!(0),
            &serde_json::json!(0),
            &serde_json::Value::Null
        )
    );
    let rows: Vec<(&str, Option<&str>)> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["org"].as_str().unwrap(), r["grade"].as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            ("P.A", None),
            ("P.A.1", None),
            ("P.A.2", None),
            ("P.A.3", Some("excellent")),
            ("P.A.4", None),
            ("P.B", None),
            ("P.B.1", None),
            ("P.C", None),
            ("P.K.1", None),
        ]
    );
    assert_eq!(
        report["members"],
        serde_json::json!({"excellent": 0, "good": 1, "completed": 0, "not_completed": 0, "ungraded": 9})
    );
}

#[test]
fn the_table_speaks_vietnamese_and_english() {
    let (_dir, db) = database();
    let args = ["--org", "P.A", "--year", "2025"];
    let vi = stdout(report(&db, "vi", &args).output().unwrap());
    assert_eq!(
        vi,
        "Xếp loại chất lượng năm 2025 — Đảng ủy phường Kỳ Bá (P.A)

Mã     Tên tổ chức           Xếp loại             Điểm
P.A    Đảng ủy phường Kỳ Bá  hoàn thành xuất sắc  92
P.A.1  Chi bộ tổ dân phố 1   hoàn thành tốt       82
P.A.2  Chi bộ tổ dân phố 2   hoàn thành           —
P.A.3  Chi bộ tổ dân phố 3   chưa xếp loại        —

Mã                             P.A
Năm                            2025
Đơn vị được xếp loại           2
Đơn vị chưa xếp loại           1
Tốt trở lên                    1
Tỉ lệ tốt trở lên              50,0%
Chỉ tiêu                       85,0%
Đạt chỉ tiêu                   —
Đảng viên hoàn thành xuất sắc  1
Đảng viên hoàn thành tốt       1
Đảng viên hoàn thành           1
Đảng viên không hoàn thành     1
Đảng viên chưa xếp loại        1
"
    );
    let en = stdout(report(&db, "en", &args).output().unwrap());
    assert!(
        en.starts_with("Classification of 2025 — Đảng ủy phường Kỳ Bá (P.A)\n"),
        "{en}"
    );
    assert!(
        en.contains("P.A.3  Chi bộ tổ dân phố 3   not graded  —\n"),
        "{en}"
    );
    assert!(en.contains("\nShare good or better   50.0%\n"), "{en}");
    assert!(en.contains("\nMembers not graded     1\n"), "{en}");
}

#[test]
fn csv_gives_the_organisations_then_the_totals_with_names_kept_as_text() {
    let (_dir, db) = database();
    let args = ["--org", "P", "--year", "2025", "--format", "csv"];
    let vi = stdout(report(&db, "vi", &args).output().unwrap());
    assert_eq!(
        vi,
        "Mã,Tên tổ chức,Xếp loại,Điểm
P.A,Đảng ủy phường Kỳ Bá,hoàn thành xuất sắc,92
P.A.1,Chi bộ tổ dân phố 1,hoàn thành tốt,82
P.A.2,Chi bộ tổ dân phố 2,hoàn thành,
P.A.3,Chi bộ tổ dân phố 3,chưa xếp loại,
P.B,Đảng ủy xã Vũ Phúc,không hoàn thành,45
P.B.1,'=Chi bộ thôn Phúc Châu,hoàn thành tốt,75
P.C,Chi bộ Bệnh viện Nhi,hoàn thành tốt,88
P.K,Đảng ủy Khối các cơ quan tỉnh,hoàn thành tốt,80
P.K.1,Chi bộ Sở Tài chính,hoàn thành xuất sắc,95

Mã,Năm,Đơn vị được xếp loại,Đơn vị chưa xếp loại,Tốt trở lên,Tỉ lệ tốt trở lên,Chỉ tiêu,\
Đạt chỉ tiêu,Đảng viên hoàn thành xuất sắc,Đảng viên hoàn thành tốt,Đảng viên hoàn thành,\
Đảng viên không hoàn thành,Đảng viên chưa xếp loại
P,2025,4,0,3,\"75,0%\",\"85,0%\",không,2,2,1,1,2
"
    );
    let en = stdout(report(&db, "en", &args).output().unwrap());
    let lines: Vec<&str> = en.lines().collect();
    assert_eq!(lines[0], "org,name,grade,score");
    assert_eq!(lines[3], "P.A.2,Chi bộ tổ dân phố 2,completed,");
    assert_eq!(lines[4], "P.A.3,Chi bộ tổ dân phố 3,,");
    assert_eq!(lines[5], "P.B,Đảng ủy xã Vũ Phúc,not_completed,45");
    assert_eq!(lines[10], "");
    assert_eq!(
        lines[11],
        "org,year,units,units_ungraded,good_or_better,share,target,meets_target,\
         members_excellent,members_good,members_completed,members_not_completed,members_ungraded"
    );
    assert_eq!(lines[12], "P,2025,4,0,3,0.75,0.85,false,2,2,1,1,2");
}

#[test]
fn a_wrong_year_or_organisation_is_refused() {
    let (_dir, db) = database();
    let bad_year = report(&db, "en", &["--org", "P", "--year", "25"])
        .output()
        .unwrap();
    assert_eq!(
        bad_year.status.code(),
        Some(2),
        "{}",
        text(&bad_year.stderr)
    );
    let unknown = report(&db, "en", &["--org", "Q", "--year", "2025"])
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    assert!(
        text(&unknown.stderr).contains("Q"),
        "{}",
        text(&unknown.stderr)
    );
}

#[test]
fn libreoffice_reads_the_workbook_with_the_same_grades_and_numbers() {
    let Some(soffice) = programs::required("soffice", "libreoffice-calc") else {
        return;
    };
    let (dir, db) = database();
    let path = dir.path().join("grades.xlsx");
    let written = report(
        &db,
        "vi",
        &[
            "--org", "P", "--year", "2025", "--format", "xlsx", "--output",
        ],
    )
    .arg(&path)
    .output()
    .unwrap();
    assert!(written.status.success(), "{}", text(&written.stderr));
    let csv = programs::xlsx_to_csv(&soffice, &path, dir.path());
    // Text quoted, numbers bare; every line padded to the widest grid with empty cells.
    let lines: Vec<&str> = csv.lines().map(|l| l.trim_end_matches(',')).collect();
    assert!(
        lines[0].starts_with("\"Xếp loại chất lượng năm 2025 — Tỉnh ủy Thái Bình (P)\""),
        "{csv}"
    );
    assert_eq!(lines[2], r#""Mã","Tên tổ chức","Xếp loại","Điểm""#, "{csv}");
    assert_eq!(
        lines[3], r#""P.A","Đảng ủy phường Kỳ Bá","hoàn thành xuất sắc",92"#,
        "{csv}"
    );
    assert_eq!(
        lines[5], r#""P.A.2","Chi bộ tổ dân phố 2","hoàn thành""#,
        "{csv}"
    );
    assert_eq!(
        lines[6], r#""P.A.3","Chi bộ tổ dân phố 3","chưa xếp loại""#,
        "{csv}"
    );
    // A name is text in a workbook too, not a formula.
    assert_eq!(
        lines[8], r#""P.B.1","=Chi bộ thôn Phúc Châu","hoàn thành tốt",75"#,
        "{csv}"
    );
    assert_eq!(lines[12], "", "{csv}");
    assert!(
        lines[13].starts_with(
            r#""Mã","Năm","Đơn vị được xếp loại","Đơn vị chưa xếp loại","Tốt trở lên","#
        ),
        "{csv}"
    );
    assert_eq!(
        lines[14], r#""P",2025,4,0,3,75.0%,85.0%,"không",2,2,1,1,2"#,
        "{csv}"
    );
}
