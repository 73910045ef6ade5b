//! `chibo report attendance`, `report members` and `report oversight` on a hand-built dataset
//! (tests/fixtures/attendance.jsonl), driving the real binary. Every number below was worked
//! out by hand from the fixture: tests/fixtures/attendance.md shows the working. The month
//! report must also agree, branch by branch, with `chibo report compliance`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chibo::domain::YearMonth;
use chibo::domain::date::parse_iso;
use chibo::domain::{Compliance, Lang};
use chibo::store::Store;
use tempfile::TempDir;

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
fn database(name: &str) -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("report.redb");
    let imported = chibo(&db)
        .arg("import")
        .arg(fixture(name))
        .output()
        .unwrap();
    assert!(imported.status.success(), "{}", text(&imported.stderr));
    let checked = chibo(&db).arg("check").output().unwrap();
    assert!(checked.status.success(), "{}", text(&checked.stdout));
    (dir, db)
}

fn run(db: &Path, today: &str, args: &[&str]) -> Output {
    chibo(db)
        .args(["--today", today, "report"])
        .args(args)
        .output()
        .unwrap()
}

/// The report's standard output, which must have succeeded.
fn stdout(output: Output) -> String {
    assert!(output.status.success(), "{}", text(&output.stderr));
    text(&output.stdout)
}

#[test]
fn october_of_the_province_and_the_ward_as_worked_out_by_hand() {
    let (_dir, db) = database("attendance.jsonl");
    let json = |org, today| {
        stdout(run(
            &db,
            today,
            &[
                "attendance",
                "--org",
                org,
                "--month",
                "2026-10",
                "--format",
                "json",
            ],
        ))
    };
    assert_eq!(
        json("T", "2026-10-21"),
        concat!(
            r#"{"org":"T","month":"2026-10","branches_due":4,"on_time":1,"early":1,"#,
            r#""late_within_grace":0,"held_out_of_rule":1,"overdue":0,"upcoming":1,"#,
            r#""meetings_held":4,"thematic_held":1,"expected":13,"present":10,"excused":1,"#,
            r#""absent":2,"exempt":3,"attendance_rate":0.769,"guest_visits":3}"#,
            "\n"
        )
    );
    assert_eq!(
        json("T.X", "2026-10-21"),
        concat!(
            r#"{"org":"T.X","month":"2026-10","branches_due":3,"on_time":1,"early":0,"#,
            r#""late_within_grace":0,"held_out_of_rule":1,"overdue":0,"upcoming":1,"#,
            r#""meetings_held":3,"thematic_held":1,"expected":11,"present":8,"excused":1,"#,
            r#""absent":2,"exempt":3,"attendance_rate":0.727,"guest_visits":2}"#,
            "\n"
        )
    );
    // Tổ 3's grace (the 20th, 2 days) ends on the 22nd: on the 23rd it is overdue.
    let later: serde_json::Value = serde_json::from_str(&json("T", "2026-10-23")).unwrap();
    assert_eq!(
        (later["overdue"].as_u64(), later["upcoming"].as_u64()),
        (Some(1), Some(0))
    );
}

#[test]
fn a_year_is_twelve_rows_covered_or_counted_from_the_records() {
    let (_dir, db) = database("attendance.jsonl");
    let csv = stdout(run(
        &db,
        "2026-10-21",
        &[
            "attendance",
            "--org",
            "T.X.1",
            "--year",
            "2026",
            "--format",
            "csv",
        ],
    ));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 13);
    assert_eq!(
        lines[0],
        "org,month,branches_due,on_time,early,late_within_grace,held_out_of_rule,overdue,upcoming,\
         meetings_held,thematic_held,expected,present,excused,absent,exempt,attendance_rate,guest_visits"
    );
    // No meeting anywhere before September: those months are counted from the records, and
    // the branch, due every month, is overdue in each.
    assert_eq!(lines[1], "T.X.1,2026-01,1,0,0,0,0,1,0,0,0,0,0,0,0,0,,0");
    assert_eq!(lines[9], "T.X.1,2026-09,1,0,0,1,0,0,0,1,0,4,4,0,0,1,1.0,0");
    assert_eq!(
        lines[10],
        "T.X.1,2026-10,1,1,0,0,0,0,0,2,1,8,6,1,1,2,0.75,1"
    );
    assert_eq!(lines[12], "T.X.1,2026-12,1,0,0,0,0,0,1,0,0,0,0,0,0,0,,0");
    let json = stdout(run(
        &db,
        "2026-10-21",
        &[
            "attendance",
            "--org",
            "T",
            "--year",
            "2026",
            "--format",
            "json",
        ],
    ));
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 12);
    assert_eq!(rows[9]["present"], 10);
}

#[test]
fn members_by_status_at_the_end_of_a_month() {
    let (_dir, db) = database("attendance.jsonl");
    let members = |month| {
        stdout(run(
            &db,
            "2026-10-21",
            &[
                "members", "--org", "T", "--month", month, "--format", "json",
            ],
        ))
    };
    assert_eq!(
        members("2026-09"),
        concat!(
            r#"{"org":"T","month":"2026-09","active":12,"exempt":1,"temporarily_exempt":1,"#,
            r#""transferred_out":0,"removed":0,"expelled":0,"deceased":0,"on_roll":14}"#,
            "\n"
        )
    );
    // Cao Văn Sơn died on 5 October; without --month the month is today's.
    let october = stdout(run(
        &db,
        "2026-10-21",
        &["members", "--org", "T", "--format", "json"],
    ));
    assert_eq!(october, members("2026-10"));
    assert!(october.contains(r#""active":11"#) && october.contains(r#""deceased":1,"on_roll":13"#));
}

#[test]
fn oversight_counts_the_standing_deputys_months_at_the_assigned_branch() {
    let (_dir, db) = database("attendance.jsonl");
    let json = stdout(run(
        &db,
        "2026-10-21",
        &["oversight", "--year", "2026", "--format", "json"],
    ));
    assert_eq!(
        json,
        concat!(
            r#"[{"org":"T.X","role":"standing_deputy_secretary","card":"101","name":"Trần Văn An","#,
            r#""quota":"every_month_at_assigned","required":12,"due_so_far":9,"made":1,"behind":true}]"#,
            "\n"
        )
    );
    let table = stdout(run(
        &db,
        "2026-10-21",
        &[
            "--lang",
            "en",
            "oversight",
            "--year",
            "2026",
            "--org",
            "T.X",
        ],
    ));
    assert!(table.contains("Standing deputy secretary"), "{table}");
    assert!(
        table.contains("every month at assigned branches"),
        "{table}"
    );
}

#[test]
fn the_table_speaks_the_users_language() {
    let (_dir, db) = database("attendance.jsonl");
    let vi = stdout(run(
        &db,
        "2026-10-21",
        &["attendance", "--org", "T.X", "--month", "2026-10"],
    ));
    assert!(vi.starts_with(
        "Sinh hoạt chi bộ và dự họp — Đảng ủy phường Kỳ Bá (T.X), tháng 2026-10, tính đến ngày 2026-10-21\n"
    ));
    assert!(vi.contains("\nTỉ lệ dự họp         72.7%\n"), "{vi}");
    let en = stdout(run(
        &db,
        "2026-10-21",
        &[
            "--lang",
            "en",
            "attendance",
            "--org",
            "T.X",
            "--year",
            "2026",
        ],
    ));
    assert!(
        en.contains("Branches due") && en.contains("Attendance rate"),
        "{en}"
    );
    assert_eq!(en.lines().count(), 2 + 1 + 12);
}

#[test]
fn bad_periods_are_refused() {
    let (_dir, db) = database("attendance.jsonl");
    let both = run(
        &db,
        "2026-10-21",
        &[
            "attendance",
            "--org",
            "T",
            "--month",
            "2026-10",
            "--year",
            "2026",
        ],
    );
    assert_eq!(both.status.code(), Some(2));
    let neither = run(&db, "2026-10-21", &["attendance", "--org", "T"]);
    assert_eq!(neither.status.code(), Some(2));
    let bad = run(
        &db,
        "2026-10-21",
        &["--lang", "en", "attendance", "--org", "T", "--year", "26"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("not a year in the form YYYY"));
    let unknown = run(&db, "2026-10-21", &["members", "--org", "T.Z"]);
    assert_eq!(
        text(&unknown.stderr),
        "chibo: không có tổ chức mã \"T.Z\"\n"
    );
}

/// For every branch, every month of 2026 and several days to judge on, the month report of
/// the branch alone counts it once under the status the compliance report gives it.
#[test]
fn the_month_report_agrees_with_the_compliance_report_for_every_branch() {
    for name in ["attendance.jsonl", "compliance.jsonl"] {
        let dir = TempDir::new().unwrap();
        let store = Store::open(&dir.path().join("agree.redb")).unwrap();
        chibo::io::jsonl::import_file(&store, &fixture(name), Lang::En).unwrap();
        let r = store.read().unwrap();
        let mut branches = Vec::new();
        r.each_org(|org| {
            if org.kind.is_branch() {
                branches.push(org);
            }
            Ok::<_, chibo::store::StoreError>(())
        })
        .unwrap();
        for month in YearMonth::in_year(2026) {
            for today in [
                "2026-09-01",
                "2026-10-09",
                "2026-10-21",
                "2026-10-25",
                "2027-01-01",
            ] {
                let today = parse_iso(today).unwrap();
                for branch in &branches {
                    let row = &r.compliance_report(branch.id, month, today).unwrap()[0];
                    let stats = r.month_stats(branch.id, month).unwrap();
                    let counted = match row.status {
                        Compliance::NotDue => stats.branches_due() == 0,
                        status => stats.branches_due() == 1 && stats.count(status, today) == 1,
                    };
                    assert!(
                        counted,
                        "{name}: {} in {month} on {today}: {:?} vs {stats:?}",
                        branch.code, row.status
                    );
                }
            }
        }
    }
}

/// LibreOffice's soffice, if installed.
fn find_soffice() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("soffice"))
        .find(|candidate| candidate.is_file())
}

/// Converts an .xlsx file to UTF-8 CSV with LibreOffice, in a profile of its own.
fn xlsx_to_csv(soffice: &Path, xlsx: &Path, dir: &Path) -> String {
    let profile = dir.join("lo-profile");
    let out = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
        ])
        .arg("--outdir")
        .arg(dir)
        .arg(xlsx)
        .output()
        .unwrap();
    assert!(out.status.success(), "soffice: {}", text(&out.stderr));
    std::fs::read_to_string(xlsx.with_extension("csv")).unwrap()
}

#[test]
fn libreoffice_reads_the_workbook_with_the_same_numbers() {
    let Some(soffice) = find_soffice() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but soffice is missing: install the Debian package libreoffice-calc"
        );
        eprintln!(
            "skipped: soffice is not installed (Debian package libreoffice-calc); CI runs this"
        );
        return;
    };
    let (dir, db) = database("attendance.jsonl");
    let month = dir.path().join("month.xlsx");
    let written = run(
        &db,
        "2026-10-21",
        &[
            "attendance",
            "--org",
            "T",
            "--month",
            "2026-10",
            "--format",
            "xlsx",
            "--output",
        ],
    );
    assert_eq!(written.status.code(), Some(2), "--output needs a file");
    let written = chibo(&db)
        .args([
            "--today",
            "2026-10-21",
            "report",
            "attendance",
            "--org",
            "T",
            "--month",
            "2026-10",
        ])
        .args(["--format", "xlsx", "--output"])
        .arg(&month)
        .output()
        .unwrap();
    assert!(written.status.success(), "{}", text(&written.stderr));
    let csv = xlsx_to_csv(&soffice, &month, dir.path());
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with("\"Sinh hoạt chi bộ và dự họp — Tỉnh ủy Thái Bình (T)"),
        "{csv}"
    );
    assert!(
        lines[2].starts_with(r#""Mã","Tháng","Chi bộ phải họp","Đúng ngày""#),
        "{csv}"
    );
    // LibreOffice quotes text cells only: the counts are numbers, and the rate is a number
    // formatted as a percentage, which it shows so.
    assert_eq!(
        lines[3],
        r#""T","2026-10",4,1,1,0,1,0,1,4,1,13,10,1,2,3,76.9%,3"#
    );
    // A year to standard output, in English.
    let bytes = chibo(&db)
        .args([
            "--today",
            "2026-10-21",
            "--lang",
            "en",
            "report",
            "attendance",
        ])
        .args(["--org", "T.X.1", "--year", "2026", "--format", "xlsx"])
        .output()
        .unwrap()
        .stdout;
    let path = dir.path().join("year.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let csv = xlsx_to_csv(&soffice, &path, dir.path());
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3 + 12, "{csv}");
    assert!(
        lines[2].starts_with(r#""Code","Month","Branches due","On time""#),
        "{csv}"
    );
    assert_eq!(
        lines[3],
        r#""T.X.1","2026-01",1,0,0,0,0,1,0,0,0,0,0,0,0,0,,0"#
    );
    assert_eq!(
        lines[12],
        r#""T.X.1","2026-10",1,1,0,0,0,0,0,2,1,8,6,1,1,2,75.0%,1"#
    );
}
