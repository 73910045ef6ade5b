//! Reports printed by `chibo report`: every branch's regular meeting of a month, as a table
//! for people (in their language, with the quarter's thematic meeting) or as JSON and CSV
//! for programs, exactly as docs/data-format.md describes them.

use std::io::Write;

use chrono::NaiveDate;
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::domain::date::format_year_month;
use crate::domain::text::sanitize;
use crate::domain::{Compliance, Lang, OrgUnit};
use crate::store::ComplianceRow;

/// How a report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// Writes the compliance of `rows` (the branches of `root`'s subtree, by code) for month
/// `yyyymm`, judged on `today`.
pub fn compliance(
    root: &OrgUnit,
    yyyymm: u32,
    today: NaiveDate,
    rows: &[ComplianceRow],
    format: Format,
    lang: Lang,
    out: &mut impl Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => compliance_json(rows, out),
        Format::Csv => compliance_csv(rows, out),
        Format::Table => compliance_table(root, yyyymm, today, rows, lang, out),
    }
}

/// One branch as the JSON and CSV reports write it.
#[derive(Serialize)]
struct ComplianceOut<'a> {
    org: &'a str,
    name: &'a str,
    due: Option<String>,
    held: Option<String>,
    status: &'static str,
}

impl<'a> From<&'a ComplianceRow> for ComplianceOut<'a> {
    fn from(row: &'a ComplianceRow) -> ComplianceOut<'a> {
        ComplianceOut {
            org: &row.branch.code,
            name: &row.branch.name,
            due: row.due.map(|d| d.to_string()),
            held: row.held.map(|d| d.to_string()),
            status: row.status.as_str(),
        }
    }
}

/// A JSON list, one object per branch.
fn compliance_json(rows: &[ComplianceRow], out: &mut impl Write) -> std::io::Result<()> {
    let list: Vec<ComplianceOut> = rows.iter().map(ComplianceOut::from).collect();
    serde_json::to_writer(&mut *out, &list)?;
    out.write_all(b"\n")
}

/// A header line `org,name,due,held,status`, then one line per branch; an empty cell for null.
fn compliance_csv(rows: &[ComplianceRow], out: &mut impl Write) -> std::io::Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    for row in rows {
        csv.serialize(ComplianceOut::from(row))?;
    }
    csv.flush()
}

/// A title, a header in the user's language, one line per branch with the quarter's
/// thematic meeting, and the count of each status.
fn compliance_table(
    root: &OrgUnit,
    yyyymm: u32,
    today: NaiveDate,
    rows: &[ComplianceRow],
    lang: Lang,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let month = format_year_month(yyyymm);
    let (name, code) = (sanitize(&root.name), sanitize(&root.code));
    let title = lang.pick(
        format!("Sinh hoạt chi bộ tháng {month} — {name} ({code}), tính đến ngày {today}"),
        format!("Branch meetings of {month} — {name} ({code}), as of {today}"),
    );
    writeln!(out, "{title}")?;
    if rows.is_empty() {
        let none = lang.pick("Không có chi bộ nào.", "No branches.");
        return writeln!(out, "{none}");
    }
    let quarter = rows[0].quarter;
    let header = [
        lang.pick("Mã", "Code").to_string(),
        lang.pick("Tên chi bộ", "Branch").to_string(),
        lang.pick("Hạn họp", "Due").to_string(),
        lang.pick("Ngày họp", "Held").to_string(),
        lang.pick("Tình trạng", "Status").to_string(),
        lang.pick(
            format!("Chuyên đề {quarter}"),
            format!("Thematic {quarter}"),
        ),
    ];
    let dash = "—".to_string();
    let lines: Vec<[String; 6]> = rows
        .iter()
        .map(|row| {
            [
                sanitize(&row.branch.code).into_owned(),
                sanitize(&row.branch.name).into_owned(),
                row.due.map_or(dash.clone(), |d| d.to_string()),
                row.held.map_or(dash.clone(), |d| d.to_string()),
                row.status.label(lang).to_string(),
                row.thematic.label(lang),
            ]
        })
        .collect();
    writeln!(out)?;
    write_columns(std::iter::once(&header).chain(&lines), out)?;
    writeln!(out)?;
    writeln!(out, "{}", status_counts(rows, lang))
}

/// Cells padded to the widest of each column (in terminal columns), two spaces apart.
fn write_columns<'a>(
    lines: impl Iterator<Item = &'a [String; 6]> + Clone,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let mut widths = [0usize; 6];
    for line in lines.clone() {
        for (width, cell) in widths.iter_mut().zip(line) {
            *width = (*width).max(cell.width());
        }
    }
    for line in lines {
        let mut text = String::new();
        for (i, (cell, width)) in line.iter().zip(widths).enumerate() {
            text.push_str(cell);
            if i + 1 < line.len() {
                text.push_str(&" ".repeat(width - cell.width() + 2));
            }
        }
        writeln!(out, "{}", text.trim_end())?;
    }
    Ok(())
}

/// "on time 3 · overdue 1", the statuses that occur, in the report format's order.
fn status_counts(rows: &[ComplianceRow], lang: Lang) -> String {
    Compliance::ALL
        .iter()
        .filter_map(|status| {
            let n = rows.iter().filter(|r| r.status == *status).count();
            (n > 0).then(|| format!("{} {n}", status.label(lang)))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}
