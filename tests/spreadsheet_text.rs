//! Names that a spreadsheet would take for formulas, in every report that writes them, driving
//! the real binary: CSV gives them a leading `'` (the OWASP rule), the workbook keeps them as
//! strings, and LibreOffice, when installed, reads both as text and computes nothing.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::programs::{required, run};
use common::{Imported, imported, text};

/// A branch whose name is a formula, three members whose names are formulas (absent without
/// leave in January to March 2026) and one who is not; the second holds the ward's standing
/// deputy role with an assigned branch, so the oversight report names her.
const FILE: &str = concat!(
    r#"{"type":"org","code":"P","name":"Tỉnh ủy P","kind":"provincial_committee","meeting_rule":{"day":10}}"#,
    "\n",
    r#"{"type":"org","code":"P.W","name":"Đảng ủy phường W","kind":"grassroots_committee","parent":"P"}"#,
    "\n",
    r#"{"type":"org","code":"P.W.A","name":"=HYPERLINK(\"http://x\",\"A\")","kind":"branch","parent":"P.W"}"#,
    "\n",
    r#"{"type":"member","card":"1001","name":"=WEBSERVICE(\"http://x\")","org":"P.W.A"}"#,
    "\n",
    r#"{"type":"member","card":"1002","name":"@SUM(A1)","org":"P.W.A"}"#,
    "\n",
    r#"{"type":"member","card":"1003","name":"-1+2","org":"P.W.A"}"#,
    "\n",
    r#"{"type":"member","card":"1004","name":"Nguyễn Văn Ba","org":"P.W.A"}"#,
    "\n",
    r#"{"type":"role","card":"1002","org":"P.W","role":"standing_deputy_secretary","from":"2026-01-01"}"#,
    "\n",
    r#"{"type":"oversight","card":"1002","org":"P.W.A","from":"2026-01-01"}"#,
    "\n",
    r#"{"type":"meeting","org":"P.W.A","kind":"regular","date":"2026-01-10","attendance":{"1001":"absent","1002":"absent","1003":"absent","1004":"present"}}"#,
    "\n",
    r#"{"type":"meeting","org":"P.W.A","kind":"regular","date":"2026-02-10","attendance":{"1001":"absent","1002":"absent","1003":"absent","1004":"present"}}"#,
    "\n",
    r#"{"type":"meeting","org":"P.W.A","kind":"regular","date":"2026-03-10","attendance":{"1001":"absent","1002":"absent","1003":"absent","1004":"present"}}"#,
    "\n",
);

/// The real binary on `db`, judging on 20 April 2026.
fn chibo(db: &Path) -> Command {
    let mut command = common::chibo(db);
    command.args(["--today", "2026-04-20"]);
    command
}

fn report(db: &Path, args: &[&str]) -> String {
    let output: Output = chibo(db).arg("report").args(args).output().unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    text(&output.stdout)
}

const ABSENTEES: &[&str] = &["absentees", "--org", "P.W", "--year", "2026"];

#[test]
fn csv_reports_write_a_name_that_could_be_a_formula_as_text() {
    let Imported { dir: _dir, db } = imported(FILE);
    let csv = report(&db, &[ABSENTEES, &["--format", "csv"]].concat());
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0], "Số thẻ,Họ và tên,Chi bộ,Các tháng vắng không phép",
        "{csv}"
    );
    let mut rows = lines[1..].to_vec();
    rows.sort();
    assert_eq!(
        rows,
        [
            r#"1001,"'=WEBSERVICE(""http://x"")",P.W.A,01/2026 02/2026 03/2026"#,
            "1002,'@SUM(A1),P.W.A,01/2026 02/2026 03/2026",
            "1003,'-1+2,P.W.A,01/2026 02/2026 03/2026",
        ],
        "{csv}"
    );

    let csv = report(
        &db,
        &[
            "compliance",
            "--org",
            "P.W",
            "--month",
            "2026-03",
            "--format",
            "csv",
        ],
    );
    assert_eq!(
        csv,
        "Mã,Tên chi bộ,Hạn họp,Ngày họp,Tình trạng\n\
         P.W.A,\"'=HYPERLINK(\"\"http://x\"\",\"\"A\"\")\",10/03/2026,10/03/2026,đúng ngày\n"
    );

    let csv = report(&db, &["oversight", "--year", "2026", "--format", "csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(
        lines[1].starts_with("P.W,Phó Bí thư Thường trực,1002,'@SUM(A1),"),
        "{csv}"
    );

    // JSON and the table keep the names as they are.
    let json = report(&db, &[ABSENTEES, &["--format", "json"]].concat());
    assert!(
        json.contains(r#""name":"=WEBSERVICE(\"http://x\")""#),
        "{json}"
    );
    assert!(json.contains(r#""name":"-1+2""#), "{json}");
    let table = report(&db, ABSENTEES);
    assert!(table.contains("  @SUM(A1)  "), "{table}");
    assert!(!table.contains('\''), "{table}");
}

/// Converts a CSV or .xlsx file to a flat OpenDocument spreadsheet (.fods, XML) with
/// LibreOffice, in a profile of its own, and gives its text.
fn to_fods(soffice: &Path, file: &Path, dir: &Path) -> String {
    let profile = dir.join("lo-profile");
    let out = run(Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "fods", "--outdir"])
        .arg(dir)
        .arg(file));
    assert!(out.status.success(), "soffice: {}", text(&out.stderr));
    std::fs::read_to_string(file.with_extension("fods")).unwrap()
}

/// The cells of a .fods document, each as its attributes and its text (XML-escaped).
fn cells_of(fods: &str) -> Vec<(&str, String)> {
    let mut cells = Vec::new();
    let mut rest = fods;
    while let Some(start) = rest.find("<table:table-cell") {
        rest = &rest[start + "<table:table-cell".len()..];
        let tag_end = rest.find('>').unwrap();
        let attributes = &rest[..tag_end];
        if attributes.ends_with('/') {
            continue;
        }
        let end = rest.find("</table:table-cell>").unwrap();
        let mut inner = &rest[tag_end + 1..end];
        let mut words = String::new();
        while let Some(open) = inner.find('<') {
            words.push_str(&inner[..open]);
            inner = &inner[inner[open..].find('>').unwrap() + open + 1..];
        }
        words.push_str(inner);
        cells.push((attributes, words.trim().to_string()));
    }
    cells
}

/// The attributes of the cell whose text is `words`.
fn cell<'f>(cells: &[(&'f str, String)], words: &str) -> &'f str {
    cells
        .iter()
        .find(|(_, w)| w == words)
        .unwrap_or_else(|| panic!("no cell {words:?} in {cells:#?}"))
        .0
}

#[test]
fn libreoffice_reads_such_names_as_text_in_csv_and_in_the_workbook() {
    let Some(soffice) = required("soffice", "libreoffice-calc") else {
        return;
    };
    let Imported { dir, db } = imported(FILE);
    let csv = dir.path().join("absentees.csv");
    std::fs::write(
        &csv,
        report(&db, &[ABSENTEES, &["--format", "csv"]].concat()),
    )
    .unwrap();
    let fods = to_fods(&soffice, &csv, dir.path());
    assert!(!fods.contains("table:formula"), "a formula: {fods}");
    let cells = cells_of(&fods);
    for name in [
        "&apos;=WEBSERVICE(&quot;http://x&quot;)",
        "&apos;@SUM(A1)",
        "&apos;-1+2",
    ] {
        let attributes = cell(&cells, name);
        assert!(
            attributes.contains(r#"office:value-type="string""#),
            "{name}: {attributes}"
        );
    }

    let xlsx = dir.path().join("absentees.xlsx");
    let written = chibo(&db)
        .arg("report")
        .args(ABSENTEES)
        .args(["--format", "xlsx", "--output"])
        .arg(&xlsx)
        .output()
        .unwrap();
    assert!(written.status.success(), "{}", text(&written.stderr));
    let fods = to_fods(&soffice, &xlsx, dir.path());
    assert!(!fods.contains("table:formula"), "a formula: {fods}");
    let cells = cells_of(&fods);
    // A workbook's string cell is text as it is: no `'` is needed or added.
    for name in ["=WEBSERVICE(&quot;http://x&quot;)", "@SUM(A1)", "-1+2"] {
        let attributes = cell(&cells, name);
        assert!(
            attributes.contains(r#"office:value-type="string""#),
            "{name}: {attributes}"
        );
    }
}
