//! `chibo report compliance` on a hand-built dataset (tests/fixtures/compliance.jsonl),
//! driving the real binary. Every answer below was worked out by hand from the fixture; the
//! comment on each branch says why.
//!
//! The tree: province `P` meets on the 7th with 2 days' grace. Its ward `P.W` decided in
//! September that from October its branches meet on the 5th (grace still the province's 2).
//! `P.G` is a grassroots branch straight under the province, so the ward's change is not its
//! own. `Q` is a second province that set no rule at all. 5 October 2026 is a Monday;
//! Thursdays of September 2026 fall on 3, 10, 17, 24, of October on 1, 8, 15, 22, 29.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/compliance.jsonl")
}

fn chibo(db: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chibo"));
    command.arg("--db").arg(db);
    command
}

/// A database holding the fixture, checked sound.
fn database() -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("compliance.redb");
    let imported = chibo(&db).arg("import").arg(fixture()).output().unwrap();
    assert!(imported.status.success(), "{}", text(&imported.stderr));
    let checked = chibo(&db).arg("check").output().unwrap();
    assert!(checked.status.success(), "{}", text(&checked.stdout));
    (dir, db)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn report(db: &Path, org: &str, month: &str, today: &str, extra: &[&str]) -> Output {
    chibo(db)
        .args([
            "--today",
            today,
            "report",
            "compliance",
            "--org",
            org,
            "--month",
            month,
        ])
        .args(extra)
        .output()
        .unwrap()
}

/// The report's standard output, which must have succeeded.
fn stdout(output: Output) -> String {
    assert!(output.status.success(), "{}", text(&output.stderr));
    text(&output.stdout)
}

/// One branch of the JSON report, written the way the report writes it.
fn row(org: &str, name: &str, due: Option<&str>, held: Option<&str>, status: &str) -> String {
    let date = |d: Option<&str>| d.map_or("null".to_string(), |d| format!("\"{d}\""));
    format!(
        r#"{{"org":"{org}","name":"{name}","due":{},"held":{},"status":"{status}"}}"#,
        date(due),
        date(held)
    )
}

fn list(rows: &[String]) -> String {
    format!("[{}]\n", rows.join(","))
}

/// October 2026 in the ward, seen on 20 October.
fn ward_in_october() -> Vec<String> {
    vec![
        // Inherits the ward's October rule, the 5th; held on the 5th.
        row(
            "P.W.A",
            "Chi bộ khu 1",
            Some("2026-10-05"),
            Some("2026-10-05"),
            "on_time",
        ),
        // Held on the 3rd and again on the 5th: the first meeting counts, two days early.
        row(
            "P.W.B",
            "Chi bộ khu 2",
            Some("2026-10-05"),
            Some("2026-10-03"),
            "early",
        ),
        // Its own grace is 3 days: the 8th is the last day of grace.
        row(
            "P.W.C",
            "Chi bộ khu 3",
            Some("2026-10-05"),
            Some("2026-10-08"),
            "late_within_grace",
        ),
        // Grace 2 ends on the 7th; the 8th is later in the month. The thematic meeting on the
        // 5th is not a regular one and does not count.
        row(
            "P.W.D",
            "Chi bộ khu 4",
            Some("2026-10-05"),
            Some("2026-10-08"),
            "held_out_of_rule",
        ),
        // Its meeting of 30 September belongs to September; the one on the 25th is only
        // planned. Grace ended on the 7th, today is the 20th.
        row("P.W.E", "Chi bộ khu 5", Some("2026-10-05"), None, "overdue"),
        // Founded on 1 November, after October's end.
        row(
            "P.W.N",
            "Chi bộ khu đô thị mới",
            Some("2026-10-05"),
            None,
            "not_due",
        ),
        // Its own rule, the 12th with 1 day's grace; the change to the 1st was decided in
        // October and starts in November. Held on the 13th, the last day of grace.
        row(
            "P.W.R",
            "Chi bộ khu 6",
            Some("2026-10-12"),
            Some("2026-10-13"),
            "late_within_grace",
        ),
        // The fourth Thursday is the 22nd, grace (the province's 2) runs to the 24th.
        row(
            "P.W.S",
            "Chi bộ Trường THCS Hồng Gai",
            Some("2026-10-22"),
            None,
            "upcoming",
        ),
        // Dissolved on 1 October: its last day was 30 September.
        row("P.W.X", "Chi bộ khu 7", Some("2026-10-05"), None, "not_due"),
    ]
}

#[test]
fn october_in_the_ward_as_json() {
    let (_dir, db) = database();
    let json = stdout(report(
        &db,
        "P.W",
        "2026-10",
        "2026-10-20",
        &["--format", "json"],
    ));
    assert_eq!(json, list(&ward_in_october()));
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed.as_array().unwrap().len(), 9);
}

#[test]
fn the_whole_province_adds_its_grassroots_branch_and_skips_committees_and_cells() {
    let (_dir, db) = database();
    let json = stdout(report(
        &db,
        "P",
        "2026-10",
        "2026-10-20",
        &["--format", "json"],
    ));
    // Straight under the province: the 7th, the ward's change is not its own. Held on the
    // 9th (planned for the 7th), the last day of grace.
    let mut expected = vec![row(
        "P.G",
        "Chi bộ Bệnh viện tỉnh",
        Some("2026-10-07"),
        Some("2026-10-09"),
        "late_within_grace",
    )];
    expected.extend(ward_in_october());
    assert_eq!(json, list(&expected));
}

#[test]
fn september_follows_the_rules_in_force_before_the_change() {
    let (_dir, db) = database();
    let json = stdout(report(
        &db,
        "P.W",
        "2026-09",
        "2026-10-20",
        &["--format", "json"],
    ));
    let expected = [
        // The ward's change starts in October: September is still the province's 7th.
        row("P.W.A", "Chi bộ khu 1", Some("2026-09-07"), None, "overdue"),
        row("P.W.B", "Chi bộ khu 2", Some("2026-09-07"), None, "overdue"),
        row("P.W.C", "Chi bộ khu 3", Some("2026-09-07"), None, "overdue"),
        row("P.W.D", "Chi bộ khu 4", Some("2026-09-07"), None, "overdue"),
        // Held on the 30th, long after grace ended on the 9th.
        row(
            "P.W.E",
            "Chi bộ khu 5",
            Some("2026-09-07"),
            Some("2026-09-30"),
            "held_out_of_rule",
        ),
        row(
            "P.W.N",
            "Chi bộ khu đô thị mới",
            Some("2026-09-07"),
            None,
            "not_due",
        ),
        row("P.W.R", "Chi bộ khu 6", Some("2026-09-12"), None, "overdue"),
        // The fourth Thursday of September is the 24th.
        row(
            "P.W.S",
            "Chi bộ Trường THCS Hồng Gai",
            Some("2026-09-24"),
            None,
            "overdue",
        ),
        // Still there in September, and met on the day.
        row(
            "P.W.X",
            "Chi bộ khu 7",
            Some("2026-09-07"),
            Some("2026-09-07"),
            "on_time",
        ),
    ];
    assert_eq!(json, list(&expected));
}

#[test]
fn the_reference_date_turns_upcoming_into_overdue_the_day_after_grace() {
    let (_dir, db) = database();
    let status = |today| {
        let json = stdout(report(
            &db,
            "P.W.S",
            "2026-10",
            today,
            &["--format", "json"],
        ));
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        parsed[0]["status"].as_str().unwrap().to_string()
    };
    assert_eq!(status("2026-10-01"), "upcoming");
    assert_eq!(status("2026-10-24"), "upcoming");
    assert_eq!(status("2026-10-25"), "overdue");
}

#[test]
fn a_branch_without_any_rule_owes_nothing_and_a_cell_has_no_branches() {
    let (_dir, db) = database();
    let json = stdout(report(
        &db,
        "Q.B",
        "2026-10",
        "2026-10-20",
        &["--format", "json"],
    ));
    // Nobody above sets a rule: no due day, so not due, though it did meet.
    let expected = [row(
        "Q.B",
        "Chi bộ cơ sở Trường Cao đẳng",
        None,
        Some("2026-10-10"),
        "not_due",
    )];
    assert_eq!(json, list(&expected));
    let cell = stdout(report(
        &db,
        "P.W.A.T1",
        "2026-10",
        "2026-10-20",
        &["--format", "json"],
    ));
    assert_eq!(cell, "[]\n");
}

#[test]
fn csv_has_the_same_fields_with_empty_cells_for_null() {
    let (_dir, db) = database();
    let csv = stdout(report(
        &db,
        "P.W",
        "2026-10",
        "2026-10-20",
        &["--format", "csv"],
    ));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 10);
    assert_eq!(lines[0], "Mã,Tên chi bộ,Hạn họp,Ngày họp,Tình trạng");
    assert_eq!(
        lines[1],
        "P.W.A,Chi bộ khu 1,05/10/2026,05/10/2026,đúng ngày"
    );
    assert_eq!(lines[5], "P.W.E,Chi bộ khu 5,05/10/2026,,quá hạn");
    assert_eq!(
        lines[8],
        "P.W.S,Chi bộ Trường THCS Hồng Gai,22/10/2026,,sắp tới"
    );
}

#[test]
fn the_table_speaks_the_users_language_and_shows_the_quarters_thematic_meeting() {
    let (_dir, db) = database();
    // The default format is the table, in Vietnamese.
    let vi = stdout(report(&db, "P.W", "2026-09", "2026-10-20", &[]));
    assert!(vi.starts_with(
        "Sinh hoạt chi bộ tháng 09/2026 — Đảng ủy phường Hồng Gai (P.W), tính đến ngày 20/10/2026\n"
    ));
    assert!(vi.contains("Mã"), "{vi}");
    assert!(
        vi.contains("Tên chi bộ") && vi.contains("Chuyên đề Q3/2026"),
        "{vi}"
    );
    let line = |table: &str, code: &str| {
        table
            .lines()
            .find(|l| l.starts_with(&format!("{code} ")))
            .unwrap_or_else(|| panic!("no line for {code} in {table}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    // Q3 ended on 30 September: khu 1 held its thematic meeting on 15 August; khu 2 held
    // none; the new branch did not exist in Q3; khu 7 existed all of Q3 and held none.
    assert_eq!(
        line(&vi, "P.W.A"),
        "P.W.A Chi bộ khu 1 07/09/2026 — quá hạn đã họp 15/08/2026"
    );
    assert_eq!(
        line(&vi, "P.W.B"),
        "P.W.B Chi bộ khu 2 07/09/2026 — quá hạn chưa họp, quá hạn"
    );
    assert_eq!(
        line(&vi, "P.W.N"),
        "P.W.N Chi bộ khu đô thị mới 07/09/2026 — không phải họp không phải họp"
    );
    assert_eq!(
        line(&vi, "P.W.X"),
        "P.W.X Chi bộ khu 7 07/09/2026 07/09/2026 đúng ngày chưa họp, quá hạn"
    );
    assert!(
        vi.trim_end()
            .ends_with("đúng ngày 1 · họp ngoài quy định 1 · quá hạn 6 · không phải họp 1")
    );

    let en = stdout(report(
        &db,
        "P.W",
        "2026-10",
        "2026-10-20",
        &["--lang", "en"],
    ));
    assert!(
        en.contains("Code") && en.contains("Thematic Q4/2026"),
        "{en}"
    );
    // Q4 is not over on 20 October; khu 4 has held its thematic meeting.
    assert_eq!(
        line(&en, "P.W.D"),
        "P.W.D Chi bộ khu 4 2026-10-05 2026-10-08 held out of rule held 2026-10-05"
    );
    assert_eq!(
        line(&en, "P.W.S"),
        "P.W.S Chi bộ Trường THCS Hồng Gai 2026-10-22 — upcoming not yet"
    );
    assert!(en.trim_end().ends_with(
        "on time 1 · early 1 · late within grace 2 · held out of rule 1 · overdue 1 · upcoming 1 · not due 2"
    ));
}

#[test]
fn an_unknown_organisation_or_a_bad_month_is_refused_in_the_users_language() {
    let (_dir, db) = database();
    let unknown = report(&db, "P.Z", "2026-10", "2026-10-20", &[]);
    assert_eq!(unknown.status.code(), Some(1));
    assert_eq!(
        text(&unknown.stderr),
        "chibo: không có tổ chức mã \"P.Z\"\n"
    );
    let unknown_en = report(&db, "P.Z", "2026-10", "2026-10-20", &["--lang", "en"]);
    assert_eq!(
        text(&unknown_en.stderr),
        "chibo: no organisation with code \"P.Z\"\n"
    );
    for month in ["2026-13", "2026-1", "10/2026", ""] {
        let bad = report(&db, "P.W", month, "2026-10-20", &["--lang", "en"]);
        assert_eq!(bad.status.code(), Some(2), "{month:?}");
        assert!(
            text(&bad.stderr).contains("not a month in the form YYYY-MM"),
            "{}",
            text(&bad.stderr)
        );
        assert!(bad.stdout.is_empty());
    }
    let bad_vi = report(&db, "P.W", "2026-13", "2026-10-20", &[]);
    assert!(text(&bad_vi.stderr).contains("không phải là một tháng dạng YYYY-MM"));
    let bad_format = report(&db, "P.W", "2026-10", "2026-10-20", &["--format", "xml"]);
    assert_eq!(bad_format.status.code(), Some(2));
}
