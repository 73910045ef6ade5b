//! Member lists as party offices keep them: Excel workbooks (and the same list as .ods and
//! .xls through LibreOffice) and CSV, with title rows above the header, numbers and dates
//! as Excel stores them, imported by the real binary — all of a list or nothing, every
//! problem at the row the spreadsheet shows.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{chibo, imported, programs, text};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

const FIXTURE: &str = include_str!("fixtures/attendance.jsonl");

const HEADINGS: [&str; 7] = [
    "STT",
    "Số thẻ đảng viên",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Ngày vào Đảng",
    "Điện thoại",
];

/// Texts in one row from column `col` on.
fn texts(sheet: &mut Worksheet, row: u32, col: u16, cells: &[&str]) {
    for (i, cell) in cells.iter().enumerate() {
        sheet.write_string(row, col + i as u16, *cell).unwrap();
    }
}

/// A sheet as a branch keeps it: a merged title over the columns, the unit's name, a
/// blank row, then the header on row 4 and the members from row 5; formatted but empty
/// rows after the last member.
fn branch_sheet(sheet: &mut Worksheet) {
    let title = Format::new().set_bold();
    sheet
        .merge_range(
            0,
            0,
            0,
            6,
            "DANH SÁCH ĐẢNG VIÊN CHI BỘ TỔ DÂN PHỐ 1",
            &title,
        )
        .unwrap();
    sheet
        .merge_range(1, 0, 1, 6, "Đảng ủy phường Kỳ Bá", &title)
        .unwrap();
    texts(sheet, 3, 0, &HEADINGS);
    let day = Format::new().set_num_format("dd/mm/yyyy");
    // Row 5: the card kept as a number, the birthday a date cell, the phone a number
    // that lost its 0.
    sheet.write_number(4, 0, 1).unwrap();
    sheet.write_number(4, 1, 48123456.0).unwrap();
    sheet.write_string(4, 2, "Phạm Ngọc Đường").unwrap();
    sheet.write_string(4, 3, "Nam").unwrap();
    let born = ExcelDateTime::from_ymd(1958, 3, 2).unwrap();
    sheet.write_datetime_with_format(4, 4, &born, &day).unwrap();
    let admitted = ExcelDateTime::from_ymd(1984, 5, 19).unwrap();
    sheet
        .write_datetime_with_format(4, 5, &admitted, &day)
        .unwrap();
    sheet.write_number(4, 6, 912345678).unwrap();
    // Row 6: the card as text, dates as text day first, the phone as text.
    sheet.write_number(5, 0, 2).unwrap();
    let hoa = [
        "48123457",
        "Nguyễn Thị Hoa",
        "Nữ",
        "07/11/1970",
        "03/02/1995",
        "0203825111",
    ];
    texts(sheet, 5, 1, &hoa);
    // Row 7: a birthday kept as a bare day serial (the cell lost its date format).
    sheet.write_number(6, 0, 3).unwrap();
    sheet.write_number(6, 1, 48123458.0).unwrap();
    sheet.write_string(6, 2, "Lê Văn Tám").unwrap();
    sheet.write_string(6, 3, "Nam").unwrap();
    sheet.write_number(6, 4, 24838).unwrap(); // 1968-01-01
    let bordered = Format::new().set_border(rust_xlsxwriter::FormatBorder::Thin);
    for row in 7..30 {
        for col in 0..7 {
            sheet.write_blank(row, col, &bordered).unwrap();
        }
    }
}

/// A second sheet: its name and what fills it.
type Sheet<'a> = (&'a str, fn(&mut Worksheet));

fn workbook(path: &Path, second: Option<Sheet<'_>>) {
    let mut book = Workbook::new();
    let first = book.add_worksheet();
    first.set_name("Danh sách").unwrap();
    branch_sheet(first);
    if let Some((name, fill)) = second {
        let sheet = book.add_worksheet();
        sheet.set_name(name).unwrap();
        fill(sheet);
    }
    book.save(path).unwrap();
}

fn import(db: &Path, file: &Path, extra: &[&str]) -> Output {
    chibo(db)
        .args(["--lang", "en", "import"])
        .arg(file)
        .args(["--org", "T.X.1"])
        .args(extra)
        .output()
        .unwrap()
}

fn exported_members(db: &Path) -> Vec<String> {
    let out = chibo(db).arg("export").output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
        .lines()
        .filter(|l| l.contains(r#""card":"481234"#) && l.contains(r#""type":"member""#))
        .map(str::to_string)
        .collect()
}

/// The three members of [`branch_sheet`], read as the sheet meant them.
fn assert_the_branch_is_in(db: &Path) {
    let members = exported_members(db);
    assert_eq!(members.len(), 3, "{members:#?}");
    let first = &members[0];
    assert!(first.contains(r#""card":"48123456""#), "{first}");
    assert!(first.contains(r#""born":"1958-03-02""#), "{first}");
    assert!(first.contains(r#""admitted":"1984-05-19""#), "{first}");
    assert!(first.contains(r#""phone":"0912345678""#), "{first}");
    let second = &members[1];
    assert!(second.contains(r#""born":"1970-11-07""#), "{second}");
    assert!(second.contains(r#""admitted":"1995-02-03""#), "{second}");
    assert!(second.contains(r#""phone":"0203825111""#), "{second}");
    assert!(
        members[2].contains(r#""born":"1968-01-01""#),
        "{}",
        members[2]
    );
}

fn says_the_zero_was_restored(output: &Output, file: &Path, row: usize) {
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "{}:{row}: phone number \"912345678\" had lost its leading 0",
            file.display()
        )) && stderr.contains("\"0912345678\""),
        "{stderr}"
    );
}

#[test]
fn an_excel_list_with_a_title_numbers_and_dates_is_imported() {
    let db = imported(FIXTURE);
    let file = db.dir.path().join("danh-sach.xlsx");
    workbook(&file, None);
    let output = import(&db.db, &file, &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    says_the_zero_was_restored(&output, &file, 5);
    assert!(text(&output.stderr).contains("imported 0 organisations, 3 members"));
    assert_the_branch_is_in(&db.db);
    let check = chibo(&db.db).arg("check").output().unwrap();
    assert!(check.status.success(), "{}", text(&check.stderr));
}

/// Cards kept as numbers, one of them shorter than the rest: it may have lost its leading
/// 0, which chibo cannot know, so it says so and imports the card as the sheet has it.
#[test]
fn a_short_card_kept_as_a_number_is_pointed_out() {
    let db = imported(FIXTURE);
    let file = db.dir.path().join("the-so.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    texts(sheet, 0, 0, &["card", "name"]);
    for (row, (card, name)) in [
        (48123490.0, "Đỗ Văn Nam"),
        (8123491.0, "Vũ Thị Lan"),
        (48123492.0, "Lê Văn Hùng"),
    ]
    .into_iter()
    .enumerate()
    {
        sheet.write_number(row as u32 + 1, 0, card).unwrap();
        sheet.write_string(row as u32 + 1, 1, name).unwrap();
    }
    book.save(&file).unwrap();
    let output = import(&db.db, &file, &[]);
    let said = text(&output.stderr);
    assert!(output.status.success(), "{said}");
    assert!(
        said.contains(&format!(
            "{}:3: card number \"8123491\" was kept as a number and is shorter than the others (8 digits)",
            file.display()
        )),
        "{said}"
    );
    assert_eq!(said.matches("card number").count(), 1, "{said}");
}

fn second_sheet(sheet: &mut Worksheet) {
    texts(sheet, 0, 0, &["card", "name", "born"]);
    texts(sheet, 1, 0, &["48129001", "Đỗ Văn Nam", "1975-04-30"]);
    texts(sheet, 2, 0, &["48129002", "Vũ Thị Lan", "31/02/1980"]);
}

#[test]
fn problems_are_placed_at_the_sheet_and_row_and_nothing_is_imported() {
    let db = imported(FIXTURE);
    let file = db.dir.path().join("hai-trang.xlsx");
    workbook(&file, Some(("Chi bộ 2", second_sheet)));
    let output = import(&db.db, &file, &["--sheet", "Chi bộ 2"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}:Chi bộ 2!3: field \"born\": \"31/02/1980\" is not a real date",
            file.display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("1 error; nothing was imported"), "{stderr}");
    assert!(exported_members(&db.db).is_empty());

    // A sheet that is not there is named with the ones that are.
    let output = import(&db.db, &file, &["--sheet", "Chi bộ 9"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("has no sheet \"Chi bộ 9\"") && stderr.contains("\"Danh sách\""),
        "{stderr}"
    );

    // The first sheet is the default, and its problems carry no sheet name.
    let output = import(&db.db, &file, &["--sheet", "Danh sách"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    says_the_zero_was_restored(&output, &file, 5);
}

#[test]
fn a_sheet_without_a_header_says_so() {
    let db = imported(FIXTURE);
    let file = db.dir.path().join("no-header.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for row in 0..12 {
        sheet.write_string(row, 0, "ghi chú").unwrap();
    }
    book.save(&file).unwrap();
    let output = import(&db.db, &file, &[]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("{}:1: no header row", file.display())),
        "{stderr}"
    );
}

/// Two cells at the far corners of a sheet span 17 billion cells: read as a grid, that is
/// hundreds of gigabytes. The sheet is refused, quickly, for what it is.
#[test]
fn a_sheet_spread_to_its_far_corner_is_refused_not_laid_out() {
    let db = imported(FIXTURE);
    let file = db.dir.path().join("corners.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    texts(sheet, 0, 0, &["Số thẻ", "Họ và tên"]);
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    book.save(&file).unwrap();
    let started = std::time::Instant::now();
    let output = import(&db.db, &file, &[]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("is too large for a member list"),
        "{stderr}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20));

    // Far down but in a column a list has: a row like any other, placed where it is.
    let file = db.dir.path().join("far-down.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    texts(sheet, 0, 0, &["Số thẻ", "Họ và tên"]);
    texts(sheet, 1, 0, &["48127001", "Hà Văn Sơn"]);
    sheet.write_string(1_048_575, 1, "Lạc").unwrap();
    book.save(&file).unwrap();
    let output = import(&db.db, &file, &[]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}:1048576: required field \"card\"",
            file.display()
        )),
        "{stderr}"
    );
}

#[test]
fn a_file_that_is_not_a_workbook_is_refused_with_its_name() {
    let db = imported(FIXTURE);
    let file = db.dir.path().join("fake.xlsx");
    std::fs::write(&file, "Số thẻ,Họ và tên\n1,An\n").unwrap();
    let output = import(&db.db, &file, &[]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot read") && stderr.contains("fake.xlsx"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// The same list saved by LibreOffice as .ods and as .xls reads the same.
#[test]
fn the_list_as_ods_and_xls_reads_the_same() {
    let Some(soffice) = programs::required("soffice", "libreoffice-calc") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let xlsx = work.path().join("danh-sach.xlsx");
    workbook(&xlsx, None);
    for target in ["ods", "xls"] {
        let converted: PathBuf = programs::convert(&soffice, &xlsx, work.path(), target);
        let db = imported(FIXTURE);
        let output = import(&db.db, &converted, &[]);
        assert!(
            output.status.success(),
            "{target}: {}",
            text(&output.stderr)
        );
        says_the_zero_was_restored(&output, &converted, 5);
        assert_the_branch_is_in(&db.db);
    }
}

// ---------------------------------------------------------------------------------------------
// CSV

fn csv_import(db: &Path, dir: &Path, name: &str, content: &str, lang: &str) -> Output {
    let file = dir.join(name);
    std::fs::write(&file, content).unwrap();
    chibo(db)
        .args(["--lang", lang, "import"])
        .arg(&file)
        .args(["--org", "T.X.1"])
        .output()
        .unwrap()
}

#[test]
fn csv_with_windows_line_ends_reports_physical_lines() {
    let db = imported(FIXTURE);
    let content = "card,name,born\r\n\
                   48120001,An,1960-01-01\r\n\
                   \r\n\
                   \r\n\
                   48120002,Bình,1960-13-01\r\n\
                   48120003,Chi,1961-01-01\r\n\
                   \r\n\
                   48120004,Dũng,x\r\n";
    let output = csv_import(&db.db, db.dir.path(), "crlf.csv", content, "en");
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("crlf.csv:5: field \"born\""), "{stderr}");
    assert!(stderr.contains("crlf.csv:8: field \"born\""), "{stderr}");
}

#[test]
fn csv_finds_its_header_below_title_rows() {
    let db = imported(FIXTURE);
    let content = "DANH SÁCH ĐẢNG VIÊN,,\n\
                   Chi bộ tổ dân phố 1,,\n\
                   ,,\n\
                   Số thẻ,Họ và tên,Điện thoại\n\
                   48120011,Trần Văn Hải,912000111\n";
    let output = csv_import(&db.db, db.dir.path(), "title.csv", content, "en");
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("title.csv:5: phone number \"912000111\" had lost its leading 0"));
    let export = text(&chibo(&db.db).arg("export").output().unwrap().stdout);
    assert!(
        export
            .lines()
            .any(|m| m.contains(r#""card":"48120011""#) && m.contains(r#""phone":"0912000111""#)),
        "{export}"
    );
}

#[test]
fn sheet_is_for_spreadsheets_only() {
    let db = imported(FIXTURE);
    let file = db.dir.path().join("list.csv");
    std::fs::write(&file, "card,name\n48120021,An\n").unwrap();
    let output = import(&db.db, &file, &["--sheet", "Danh sách"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("--sheet is for spreadsheets"), "{stderr}");
}

#[test]
fn a_missing_file_is_named_and_no_database_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("chibo.redb");
    let file = dir.path().join("danh-sach.xlsx");
    let output = chibo(&db)
        .args(["--lang", "en", "import"])
        .arg(&file)
        .output()
        .unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("no file \"{}\" to import", file.display())),
        "{stderr}"
    );
    assert!(!db.exists());
    let output = chibo(&db).arg("import").arg(&file).output().unwrap();
    assert!(text(&output.stderr).contains("không có tệp"));
}

#[test]
fn a_folder_given_for_a_file_is_named_and_nothing_is_written() {
    let db = imported(FIXTURE);
    let folder = db.dir.path().join("lists");
    std::fs::create_dir(&folder).unwrap();
    let new_db = db.dir.path().join("new.redb");
    for (database, args) in [
        (&new_db, &["--lang", "en", "import"][..]),
        (&db.db, &["--lang", "en", "export", "-o"][..]),
    ] {
        let output = chibo(database).args(args).arg(&folder).output().unwrap();
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        let said = format!("{} is a folder; name a file instead", folder.display());
        assert!(stderr.contains(&said), "{args:?}: {stderr}");
    }
    assert!(!new_db.exists(), "no database is made for a folder");
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0);
    let partial = std::fs::read_dir(db.dir.path()).unwrap().any(|e| {
        e.unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(".lists")
    });
    assert!(!partial, "no part file is left beside the folder");
    let output = chibo(&db.db)
        .args(["export", "-o"])
        .arg(&folder)
        .output()
        .unwrap();
    assert!(text(&output.stderr).contains("là một thư mục"));
}

#[test]
fn a_refused_list_leaves_no_database_where_there_was_none() {
    // The folder and the database are made for the import; nothing imported, both go.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new/chibo.redb");
    let file = dir.path().join("no-header.csv");
    std::fs::write(&file, "1,2,3\n").unwrap();
    let output = import(&db, &file, &[]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert!(!dir.path().join("new").exists());
}

#[test]
fn a_line_without_end_is_refused_without_reading_it_all() {
    // A file with no line ends (a wrong file, or `/dev/zero`) is not read into memory
    // without end: past 1 MB a CSV line is refused at its line, and reading stops.
    let setup = imported(FIXTURE);
    let file = setup.dir.path().join("endless.csv");
    let mut content = String::from("card,name\n48123499,");
    content.push_str(&"a".repeat(2 << 20));
    std::fs::write(&file, content).unwrap();
    let output = import(&setup.db, &file, &[]);
    let said = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(
        said.contains("endless.csv:2: a line longer than 1 MB; the file is read no further"),
        "{said}"
    );
    // A JSON Lines line may hold a document of 10 MB in base64: the limit is 16 MB.
    let file = setup.dir.path().join("endless.jsonl");
    std::fs::write(&file, " ".repeat(17 << 20)).unwrap();
    let output = import(&setup.db, &file, &[]);
    let said = text(&output.stderr);
    assert!(
        said.contains("endless.jsonl:1: a line longer than 16 MB; the file is read no further"),
        "{said}"
    );
}

#[test]
fn stopping_at_a_hundred_problems_says_at_least() {
    let db = imported(FIXTURE);
    let mut content = String::from("card,name,born\n");
    for i in 0..300 {
        content.push_str(&format!("4813{i:04},Tên {i},x\n"));
    }
    for (lang, heading, verdict) in [
        (
            "en",
            "at least 100 problems; the first 100:",
            "nothing was imported",
        ),
        (
            "vi",
            "có ít nhất 100 lỗi; 100 lỗi đầu tiên:",
            "không có gì được nhập",
        ),
    ] {
        let output = csv_import(&db.db, db.dir.path(), "many.csv", &content, lang);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines[0], heading, "{stderr}");
        assert_eq!(lines.len(), 102, "{stderr}");
        assert!(lines[100].contains("many.csv:101:"), "{}", lines[100]);
        assert_eq!(lines[101], format!("chibo: {verdict}"));
        assert!(
            !stderr.contains(" errors;") && !stderr.contains(" error;"),
            "no count is claimed: {stderr}"
        );
    }
}

#[test]
fn hostile_workbooks_are_refused_as_unreadable_never_a_crash() {
    // Made by hand to break spreadsheet readers: a shared-string table announcing four
    // billion strings (a 100 GB reservation), a row numbered 2^32, a column ZZZZZZZZ, and
    // two .xls files whose records point past their ends. Each is refused, exit 1, naming
    // the file; nothing is written.
    let setup = imported(include_str!("fixtures/attendance.jsonl"));
    let before = exported_members(&setup.db);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    for name in [
        "shared-strings-4-billion.xlsx",
        "row-2-to-the-32.xlsx",
        "column-zzzzzzzz.xlsx",
        "record-past-its-end.xls",
        "length-underflow.xls",
    ] {
        let file = dir.join(name);
        let out = import(&setup.db, &file, &[]);
        let said = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {said}");
        assert!(
            said.contains("cannot read") && said.contains(name),
            "{name}: {said}"
        );
        assert!(!said.contains("panicked"), "{name}: {said}");
    }
    assert_eq!(exported_members(&setup.db), before);
}

#[test]
fn workbooks_that_would_eat_the_memory_are_refused_as_too_large() {
    // Two small files that make a spreadsheet reader take gigabytes: an .ods row of a
    // thousand cells repeated 90,000 times (11 GB read in the same process), and an .xls
    // whose stream announces 4 GB and whose sector chain loops back on itself (4 GB).
    // They are read in a child process held to 1 GB: refused, exit 1, nothing written.
    let setup = imported(include_str!("fixtures/attendance.jsonl"));
    let before = exported_members(&setup.db);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    for name in ["ods-rows-repeated.ods", "xls-stream-loops.xls"] {
        let out = import(&setup.db, &dir.join(name), &[]);
        let said = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {said}");
        assert!(
            said.contains(name) && said.contains("needs over 1024 MB of memory"),
            "{name}: {said}"
        );
    }
    assert_eq!(exported_members(&setup.db), before);
}

#[test]
fn a_formula_error_is_no_value() {
    // A name computed by a lookup that failed: the sheet keeps `#N/A` where the name was.
    let setup = imported(include_str!("fixtures/attendance.jsonl"));
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile/name-is-na.xlsx");
    let out = import(&setup.db, &file, &[]);
    let said = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains(
            r##"name-is-na.xlsx:2: field "name" holds the formula error "#N/A", not a value"##
        ),
        "{said}"
    );
}
