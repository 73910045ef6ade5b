//! `chibo report attendance`, `report members` and `report oversight` on a hand-built dataset
//! (tests/fixtures/attendance.jsonl), driving the real binary. Every number below was worked
//! out by hand from the fixture: tests/fixtures/attendance.md shows the working. The month
//! report must also agree, branch by branch, with `chibo report compliance`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chibo::domain::YearMonth;
use chibo::domain::date::parse_iso;
use chibo::domain::{Compliance, Lang};
use chibo::store::Store;
use common::programs;
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
            r#""meetings_held":4,"thematic_held":1,"meetings_without_roll":0,"expected":13,"present":10,"excused":1,"#,
            r#""absent":2,"exempt":3,"attendance_rate":0.769,"guest_visits":3}"#,
            "\n"
        )
    );
    assert_eq!(
        json("T.X", "2026-10-21"),
        concat!(
            r#"{"org":"T.X","month":"2026-10","branches_due":3,"on_time":1,"early":0,"#,
            r#""late_within_grace":0,"held_out_of_rule":1,"overdue":0,"upcoming":1,"#,
            r#""meetings_held":3,"thematic_held":1,"meetings_without_roll":0,"expected":11,"present":8,"excused":1,"#,
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
        "Mã,Tháng,Chi bộ phải họp,Đúng ngày,Họp sớm,Muộn trong hạn,Ngoài quy định,Quá hạn,\
         Sắp tới,Họp thường kỳ,Họp chuyên đề,Họp chưa điểm danh,Phải dự,Có mặt,Vắng có phép,Vắng không phép,\
         Miễn sinh hoạt,Tỉ lệ dự họp,Lượt dự từ cấp trên"
    );
    // No meeting anywhere before September: those months are counted from the records, and
    // the branch, due every month, is overdue in each.
    assert_eq!(lines[1], "T.X.1,01/2026,1,0,0,0,0,1,0,0,0,0,0,0,0,0,0,,0");
    assert_eq!(
        lines[9],
        "T.X.1,09/2026,1,0,0,1,0,0,0,1,0,0,4,4,0,0,1,\"100,0%\",0"
    );
    assert_eq!(
        lines[10],
        "T.X.1,10/2026,1,1,0,0,0,0,0,2,1,0,8,6,1,1,2,\"75,0%\",1"
    );
    assert_eq!(lines[12], "T.X.1,12/2026,1,0,0,0,0,0,1,0,0,0,0,0,0,0,0,,0");
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
        "Sinh hoạt chi bộ và dự họp — Đảng ủy phường Kỳ Bá (T.X), tháng 10/2026, tính đến ngày 21/10/2026\n"
    ));
    assert!(vi.contains("\nTỉ lệ dự họp         72,7%\n"), "{vi}");
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
    // Twelve months, then the year: 36 months due over three branches.
    assert_eq!(en.lines().count(), 2 + 1 + 12 + 1, "{en}");
    assert!(
        en.lines()
            .last()
            .unwrap()
            .starts_with("T.X   Year 2026  36"),
        "{en}"
    );
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

#[test]
fn libreoffice_reads_the_workbook_with_the_same_numbers() {
    let Some(soffice) = programs::required("soffice", "libreoffice-calc") else {
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
    let csv = programs::xlsx_to_csv(&soffice, &month, dir.path());
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
        r#""T","10/2026",4,1,1,0,1,0,1,4,1,0,13,10,1,2,3,76.9%,3"#
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
    let csv = programs::xlsx_to_csv(&soffice, &path, dir.path());
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3 + 12 + 1, "{csv}");
    assert!(
        lines[2].starts_with(r#""Code","Month","Branches due","On time""#),
        "{csv}"
    );
    assert_eq!(
        lines[3],
        r#""T.X.1","2026-01",1,0,0,0,0,1,0,0,0,0,0,0,0,0,0,,0"#
    );
    assert_eq!(
        lines[12],
        r#""T.X.1","2026-10",1,1,0,0,0,0,0,2,1,0,8,6,1,1,2,75.0%,1"#
    );
    // The year, worked out by hand in tests/fixtures/attendance.md ("By branch").
    assert_eq!(
        lines[15],
        r#""T.X.1","Year 2026",12,1,0,1,0,8,2,3,1,0,12,10,1,1,3,83.3%,1"#
    );
}

/// `report attendance --by branch` of `org` for `period` (`--month …` or `--year …`), in
/// `format`, with `more` arguments before `report` (`--lang en`).
fn by_branch(db: &Path, org: &str, period: [&str; 2], format: &str, more: &[&str]) -> String {
    let output = chibo(db)
        .args(["--today", "2026-10-21"])
        .args(more)
        .args(["report", "attendance", "--org", org, "--by", "branch"])
        .args(period)
        .args(["--format", format])
        .output()
        .unwrap();
    stdout(output)
}

/// October 2026 of the province, branch by branch (tests/fixtures/attendance.md, "By
/// branch"): one object per branch by code, and the four add up to the province's object.
#[test]
fn a_month_by_branch_as_worked_out_by_hand() {
    let (_dir, db) = database("attendance.jsonl");
    let json = by_branch(&db, "T", ["--month", "2026-10"], "json", &[]);
    let figures = |figures: &str| format!(r#""month":"2026-10",{figures}}}"#);
    let expected = [
        (
            "T.X.1",
            "Chi bộ tổ dân phố 1",
            figures(concat!(
                r#""branches_due":1,"on_time":1,"early":0,"late_within_grace":0,"#,
                r#""held_out_of_rule":0,"overdue":0,"upcoming":0,"meetings_held":2,"#,
                r#""thematic_held":1,"meetings_without_roll":0,"expected":8,"present":6,"excused":1,"absent":1,"#,
                r#""exempt":2,"attendance_rate":0.75,"guest_visits":1"#
            )),
        ),
        (
            "T.X.2",
            "Chi bộ tổ dân phố 2",
            figures(concat!(
                r#""branches_due":1,"on_time":0,"early":0,"late_within_grace":0,"#,
                r#""held_out_of_rule":1,"overdue":0,"upcoming":0,"meetings_held":1,"#,
                r#""thematic_held":0,"meetings_without_roll":0,"expected":3,"present":2,"excused":0,"absent":1,"#,
                r#""exempt":1,"attendance_rate":0.667,"guest_visits":1"#
            )),
        ),
        (
            "T.X.3",
            "Chi bộ tổ dân phố 3",
            figures(concat!(
                r#""branches_due":1,"on_time":0,"early":0,"late_within_grace":0,"#,
                r#""held_out_of_rule":0,"overdue":0,"upcoming":1,"meetings_held":0,"#,
                r#""thematic_held":0,"meetings_without_roll":0,"expected":0,"present":0,"excused":0,"absent":0,"#,
                r#""exempt":0,"attendance_rate":null,"guest_visits":0"#
            )),
        ),
        (
            "T.Y",
            "Chi bộ Bệnh viện Nhi",
            figures(concat!(
                r#""branches_due":1,"on_time":0,"early":1,"late_within_grace":0,"#,
                r#""held_out_of_rule":0,"overdue":0,"upcoming":0,"meetings_held":1,"#,
                r#""thematic_held":0,"meetings_without_roll":0,"expected":2,"present":2,"excused":0,"absent":0,"#,
                r#""exempt":0,"attendance_rate":1.0,"guest_visits":1"#
            )),
        ),
    ];
    let objects: Vec<String> = expected
        .iter()
        .map(|(org, name, rest)| format!(r#"{{"org":"{org}","name":"{name}",{rest}"#))
        .collect();
    assert_eq!(json, format!("[{}]\n", objects.join(",")));

    // The branches add up to the province.
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    let total: serde_json::Value = serde_json::from_str(&stdout(run(
        &db,
        "2026-10-21",
        &[
            "attendance",
            "--org",
            "T",
            "--month",
            "2026-10",
            "--format",
            "json",
        ],
    )))
    .unwrap();
    for (field, value) in total.as_object().unwrap() {
        if let Some(n) = value.as_u64() {
            let sum: u64 = rows
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r[field].as_u64().unwrap())
                .sum();
            assert_eq!(sum, n, "{field}");
        }
    }

    // A branch asked for alone is its own one row.
    let alone = by_branch(&db, "T.Y", ["--month", "2026-10"], "json", &[]);
    assert_eq!(alone, format!("[{}]\n", objects[3]));

    let table = by_branch(&db, "T", ["--month", "2026-10"], "table", &[]);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 2 + 1 + 4 + 1, "{table}");
    assert!(
        lines[0].starts_with("Sinh hoạt chi bộ và dự họp theo chi bộ — Tỉnh ủy Thái Bình (T)"),
        "{table}"
    );
    let words = |line: &str| line.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words(lines[2]).starts_with("Mã Tên chi bộ Tháng Chi bộ phải họp Đúng ngày"));
    assert!(
        words(lines[4]).starts_with("T.X.2 Chi bộ tổ dân phố 2")
            && words(lines[4]).ends_with("3 2 0 1 1 66,7% 1"),
        "{table}"
    );
    assert!(words(lines[5]).ends_with("0 0 0 0 0 — 0"), "{table}");
    // The last line is the province's month, as `report attendance --org T` gives it.
    assert_eq!(
        words(lines[7]),
        "T Tổng cộng 10/2026 4 1 1 0 1 0 1 4 1 0 13 10 1 2 3 76,9% 3",
        "{table}"
    );
}

/// 2026 of the ward, branch by branch: each branch's twelve months summed, as of 21
/// October (tests/fixtures/attendance.md, "By branch").
#[test]
fn a_year_by_branch_sums_each_branchs_months() {
    let (_dir, db) = database("attendance.jsonl");
    let csv = by_branch(&db, "T.X", ["--year", "2026"], "csv", &["--lang", "en"]);
    assert_eq!(
        csv,
        "org,name,year,branches_due,on_time,early,late_within_grace,held_out_of_rule,overdue,\
         upcoming,meetings_held,thematic_held,meetings_without_roll,expected,present,excused,absent,exempt,\
         attendance_rate,guest_visits\n\
         T.X.1,Chi bộ tổ dân phố 1,2026,12,1,0,1,0,8,2,3,1,0,12,10,1,1,3,0.833,1\n\
         T.X.2,Chi bộ tổ dân phố 2,2026,12,0,0,0,1,9,2,1,0,0,3,2,0,1,1,0.667,1\n\
         T.X.3,Chi bộ tổ dân phố 3,2026,12,0,0,0,0,9,3,0,0,0,0,0,0,0,0,,0\n"
    );
    let json = by_branch(&db, "T.X", ["--year", "2026"], "json", &[]);
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 3);
    assert_eq!(rows[0]["year"], 2026);
    assert_eq!(rows[0]["late_within_grace"], 1);
    let table = by_branch(&db, "T.X", ["--year", "2026"], "table", &["--lang", "en"]);
    assert!(table.contains("Months due"), "{table}");
    assert_eq!(table.lines().count(), 2 + 1 + 3 + 1, "{table}");
    let last = table.lines().last().unwrap().split_whitespace();
    assert_eq!(
        last.collect::<Vec<_>>().join(" "),
        "T.X Total 2026 36 1 0 1 1 26 7 4 1 0 15 12 1 2 4 80.0% 2",
        "{table}"
    );
}

#[test]
fn libreoffice_reads_the_branch_workbook_with_the_same_numbers() {
    let Some(soffice) = programs::required("soffice", "libreoffice-calc") else {
        return;
    };
    let (dir, db) = database("attendance.jsonl");
    let path = dir.path().join("branches.xlsx");
    let written = chibo(&db)
        .args([
            "--today",
            "2026-10-21",
            "report",
            "attendance",
            "--org",
            "T",
        ])
        .args([
            "--month", "2026-10", "--by", "branch", "--format", "xlsx", "--output",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(written.status.success(), "{}", text(&written.stderr));
    let csv = programs::xlsx_to_csv(&soffice, &path, dir.path());
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3 + 4 + 1, "{csv}");
    assert!(
        lines[2].starts_with(r#""Mã","Tên chi bộ","Tháng","Chi bộ phải họp","Đúng ngày""#),
        "{csv}"
    );
    assert!(
        lines[4].starts_with(r#""T.X.2","Chi bộ tổ dân phố 2","#)
            && lines[4].ends_with(",1,0,0,0,1,0,0,1,0,0,3,2,0,1,1,66.7%,1"),
        "{csv}"
    );
    assert!(
        lines[5].ends_with(",1,0,0,0,0,0,1,0,0,0,0,0,0,0,0,,0"),
        "{csv}"
    );
    assert_eq!(
        lines[7], r#""T","Tổng cộng","10/2026",4,1,1,0,1,0,1,4,1,0,13,10,1,2,3,76.9%,3"#,
        "{csv}"
    );
}

/// Reports in the user's language: in Vietnamese, `dd/mm/yyyy`, `mm/yyyy`, the headings and
/// the statuses in words, in the table and the CSV; in English, as before; JSON the same
/// bytes in both.
#[test]
fn reports_speak_the_users_language_and_json_keeps_the_codes() {
    let (_dir, db) = database("attendance.jsonl");
    let report = |lang: &str, args: &[&str]| {
        stdout(
            chibo(&db)
                .args(["--today", "2026-10-21", "--lang", lang, "report"])
                .args(args)
                .output()
                .unwrap(),
        )
    };
    let compliance = ["compliance", "--org", "T", "--month", "2026-10"];
    let attendance = ["attendance", "--org", "T.X", "--month", "2026-10"];
    fn csv<'a>(args: &[&'a str]) -> Vec<&'a str> {
        [args, &["--format", "csv"]].concat()
    }

    let table = report("vi", &compliance);
    assert!(
        table.starts_with(
            "Sinh hoạt chi bộ tháng 10/2026 — Tỉnh ủy Thái Bình (T), tính đến ngày 21/10/2026\n"
        ),
        "{table}"
    );
    let line = |table: &str, code: &str| {
        let found = table.lines().find(|l| l.starts_with(&format!("{code} ")));
        found
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        line(&table, "T.X.1"),
        "T.X.1 Chi bộ tổ dân phố 1 10/10/2026 10/10/2026 đúng ngày đã họp 15/10/2026"
    );
    assert_eq!(
        report("vi", &csv(&compliance)),
        "Mã,Tên chi bộ,Hạn họp,Ngày họp,Tình trạng\n\
         T.X.1,Chi bộ tổ dân phố 1,10/10/2026,10/10/2026,đúng ngày\n\
         T.X.2,Chi bộ tổ dân phố 2,10/10/2026,11/10/2026,họp ngoài quy định\n\
         T.X.3,Chi bộ tổ dân phố 3,20/10/2026,,sắp tới\n\
         T.Y,Chi bộ Bệnh viện Nhi,10/10/2026,08/10/2026,họp sớm\n"
    );
    let table = report("vi", &attendance);
    assert!(
        table.contains("\nTháng                10/2026\n"),
        "{table}"
    );
    assert!(table.contains("\nĐúng ngày            1\n"), "{table}");
    let lines = report("vi", &csv(&attendance));
    assert!(
        lines.starts_with("Mã,Tháng,Chi bộ phải họp,Đúng ngày,"),
        "{lines}"
    );
    assert!(lines.contains("\nT.X,10/2026,3,1,"), "{lines}");
    let by_branch = report("vi", &csv(&[&attendance[..], &["--by", "branch"]].concat()));
    assert!(by_branch.starts_with("Mã,Tên chi bộ,Tháng,"), "{by_branch}");
    assert!(
        by_branch.contains("\nT.X.2,Chi bộ tổ dân phố 2,10/2026,1,"),
        "{by_branch}"
    );

    // English as it was: ISO dates and months, the format's fields and codes in the CSV.
    let table = report("en", &compliance);
    assert!(
        table.starts_with("Branch meetings of 2026-10 — Tỉnh ủy Thái Bình (T), as of 2026-10-21\n"),
        "{table}"
    );
    assert_eq!(
        line(&table, "T.X.2"),
        "T.X.2 Chi bộ tổ dân phố 2 2026-10-10 2026-10-11 held out of rule not yet"
    );
    let lines = report("en", &csv(&compliance));
    assert!(lines.starts_with("org,name,due,held,status\n"), "{lines}");
    assert!(
        lines.contains("\nT.X.2,Chi bộ tổ dân phố 2,2026-10-10,2026-10-11,held_out_of_rule\n"),
        "{lines}"
    );
    let table = report("en", &attendance);
    assert!(
        table.contains("\nMonth                  2026-10\n"),
        "{table}"
    );
    let lines = report("en", &csv(&attendance));
    assert!(lines.contains("\nT.X,2026-10,3,1,"), "{lines}");

    // JSON is for programs: the same bytes whatever the language.
    for args in [
        &compliance[..],
        &attendance[..],
        &[
            "attendance",
            "--org",
            "T",
            "--year",
            "2026",
            "--by",
            "branch",
        ],
        &["members", "--org", "T", "--month", "2026-10"],
        &["oversight", "--year", "2026"],
        &["absentees", "--org", "T", "--year", "2026"],
    ] {
        let json = [args, &["--format", "json"]].concat();
        assert_eq!(report("vi", &json), report("en", &json), "{args:?}");
    }
    let json = report("vi", &[&compliance[..], &["--format", "json"]].concat());
    assert!(json.contains(r#""due":"2026-10-10","held":"2026-10-11","status":"held_out_of_rule""#));
}

#[test]
fn an_output_named_xlsx_or_csv_is_written_as_one() {
    // `--output bao-cao.xlsx` alone writes a workbook, not a table in a file named like one.
    let (dir, db) = database("attendance.jsonl");
    for (name, starts) in [
        ("a.xlsx", &b"PK"[..]),
        ("a.csv", &b"M\xc3\xa3,"[..]),
        ("a.json", &b"{"[..]),
    ] {
        let path = dir.path().join(name);
        let output = path.to_str().unwrap();
        let args = [
            "attendance",
            "--org",
            "T",
            "--month",
            "2026-10",
            "--output",
            output,
        ];
        stdout(run(&db, "2026-10-21", &args));
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            bytes.starts_with(starts),
            "{name}: {}",
            String::from_utf8_lossy(&bytes)
        );
    }
}
