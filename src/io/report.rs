//! Reports printed by `chibo report`: every branch's regular meeting of a month; a
//! subtree's month (or year of months) of meetings and attendance, read from the roll-ups;
//! members by status; visits from above against quotas; a year's classification. As a table
//! for people (in their language), as JSON and CSV for programs, exactly as
//! docs/data-format.md describes them, or as an .xlsx workbook.

use std::io::Write;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Value, json};
use unicode_width::UnicodeWidthStr;

mod words;

use super::grid::{Column, Grid};
use crate::domain::oversight::Quota;
use crate::domain::text::sanitize;
use crate::domain::{
    ClassificationConfig, Compliance, Grade, GradeCounts, Lang, MemberStatus, MonthStats, OrgUnit,
    YearMonth,
};
use crate::store::{Absentee, ClassificationReport, ComplianceRow, QuotaRow};
use words::{
    ABSENTEE_COLUMNS, CLASSIFICATION_COLUMNS, CLASSIFICATION_TOTALS, COMPLIANCE_COLUMNS,
    MEMBER_COLUMNS, OVERSIGHT_COLUMNS, Sheet, attendance_columns, by_branch_columns,
};

/// How a report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
    /// An .xlsx workbook (bytes, for a file).
    Xlsx,
}

/// Writes the compliance of `rows` (the branches of `root`'s subtree, by code) for
/// `month`, judged on `today`.
pub fn compliance(
    root: &OrgUnit,
    month: YearMonth,
    today: NaiveDate,
    rows: &[ComplianceRow],
    format: Format,
    lang: Lang,
    out: &mut impl Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => compliance_json(rows, out),
        Format::Csv => compliance_csv(rows, lang, out),
        Format::Table => compliance_table(root, month, today, rows, lang, out),
        Format::Xlsx => {
            let grid = Grid {
                columns: COMPLIANCE_COLUMNS.to_vec(),
                rows: rows.iter().map(|r| compliance_cells(r, lang)).collect(),
            };
            let title = compliance_title(root, month, today, lang);
            write_xlsx(
                &grid,
                words::sheet(Sheet::Compliance, lang),
                &title,
                lang,
                out,
            )
        }
    }
}

/// One branch's cells for people: dates and the status in their words.
fn compliance_cells(row: &ComplianceRow, lang: Lang) -> Vec<Value> {
    let date = |d: Option<NaiveDate>| d.map_or(Value::Null, |d| json!(lang.date(d)));
    vec![
        json!(row.branch.code),
        json!(row.branch.name),
        date(row.due),
        date(row.held),
        json!(row.status.label(lang)),
    ]
}

fn compliance_title(root: &OrgUnit, month: YearMonth, today: NaiveDate, lang: Lang) -> String {
    let (name, code) = (sanitize(&root.name), sanitize(&root.code));
    words::compliance_title(&name, &code, month, today, lang)
}

/// One branch as the JSON report writes it.
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

/// A header line, then one line per branch; an empty cell for null. In Vietnamese, the
/// table's headings, dates and statuses in words; in English, `org,name,due,held,status`
/// and the fields of the JSON report. Nothing at all when there is no branch, as before the
/// rows went through the grid that writes every CSV.
fn compliance_csv(rows: &[ComplianceRow], lang: Lang, out: &mut impl Write) -> std::io::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let grid = Grid {
        columns: COMPLIANCE_COLUMNS.to_vec(),
        rows: rows
            .iter()
            .map(|row| {
                if lang == Lang::Vi {
                    return compliance_cells(row, lang);
                }
                let row = ComplianceOut::from(row);
                vec![
                    json!(row.org),
                    json!(row.name),
                    json!(row.due),
                    json!(row.held),
                    json!(row.status),
                ]
            })
            .collect(),
    };
    grid.write_csv(lang, out)
}

/// A title, a header in the user's language, one line per branch with the quarter's
/// thematic meeting, and the count of each status.
fn compliance_table(
    root: &OrgUnit,
    month: YearMonth,
    today: NaiveDate,
    rows: &[ComplianceRow],
    lang: Lang,
    out: &mut impl Write,
) -> std::io::Result<()> {
    writeln!(out, "{}", compliance_title(root, month, today, lang))?;
    if rows.is_empty() {
        let none = words::no_branches(lang);
        return writeln!(out, "{none}");
    }
    let quarter = rows[0].quarter;
    let heading = |i: usize| {
        let c: &Column = &COMPLIANCE_COLUMNS[i];
        lang.pick(c.vi, c.en).to_string()
    };
    let header = [
        heading(0),
        heading(1),
        heading(2),
        heading(3),
        heading(4),
        words::thematic_heading(quarter, lang),
    ];
    let dash = "—".to_string();
    let lines: Vec<[String; 6]> = rows
        .iter()
        .map(|row| {
            [
                sanitize(&row.branch.code).into_owned(),
                sanitize(&row.branch.name).into_owned(),
                row.due.map_or(dash.clone(), |d| lang.date(d)),
                row.held.map_or(dash.clone(), |d| lang.date(d)),
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

/// Whether a report in `format` and `lang` is written for people — the table, the
/// workbook and a Vietnamese CSV, with dates, months and words in the user's language — or
/// for programs: JSON, and an English CSV, with the format's codes and ISO dates.
fn for_people(format: Format, lang: Lang) -> bool {
    match format {
        Format::Json => false,
        Format::Csv => lang == Lang::Vi,
        Format::Table | Format::Xlsx => true,
    }
}

/// A month as the report writes it: in the user's words for people, `YYYY-MM` for programs.
fn month_cell(month: YearMonth, people: bool, lang: Lang) -> Value {
    match people {
        true => json!(lang.month(month)),
        false => json!(month.to_string()),
    }
}

/// Writes `grid` as an .xlsx workbook.
fn write_xlsx(
    grid: &Grid,
    sheet: &str,
    title: &str,
    lang: Lang,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let bytes = grid
        .xlsx(sheet, title, lang)
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    out.write_all(&bytes)
}

/// Writes `grid` in `format` under `title`: JSON as one object when `one` (a single
/// month), else a list; a table transposed to heading and value when `one`.
fn write_grid(
    grid: &Grid,
    (sheet, title): (&str, &str),
    one: bool,
    format: Format,
    lang: Lang,
    out: &mut impl Write,
) -> std::io::Result<()> {
    match format {
        Format::Json if one => {
            let object = grid.objects().into_iter().next().unwrap_or_default();
            serde_json::to_writer(&mut *out, &object)?;
            out.write_all(b"\n")
        }
        Format::Json => {
            serde_json::to_writer(&mut *out, &grid.objects())?;
            out.write_all(b"\n")
        }
        Format::Csv => grid.write_csv(lang, out),
        Format::Xlsx => write_xlsx(grid, sheet, title, lang, out),
        Format::Table => {
            writeln!(out, "{title}")?;
            writeln!(out)?;
            if grid.rows.is_empty() {
                let none = words::nothing_to_report(lang);
                writeln!(out, "{none}")
            } else if one {
                grid.transposed().write_table(lang, out)
            } else {
                grid.write_table(lang, out)
            }
        }
    }
}

/// The figures of one month, or the sum of several, as the attendance report writes them;
/// the overdue and upcoming branches are split on `today`. The rate is rounded to three
/// decimals.
fn attendance_figures(s: &MonthStats, today: NaiveDate) -> Vec<Value> {
    let rate = s
        .attendance_rate()
        .map_or(Value::Null, |r| json!((r * 1000.0).round() / 1000.0));
    vec![
        json!(s.branches_due()),
        json!(s.on_time),
        json!(s.early),
        json!(s.late_within_grace),
        json!(s.held_out_of_rule),
        json!(s.overdue(today)),
        json!(s.upcoming(today)),
        json!(s.meetings_held),
        json!(s.thematic_held),
        json!(s.meetings_without_roll),
        json!(s.expected()),
        json!(s.present),
        json!(s.excused),
        json!(s.absent),
        json!(s.exempt),
        rate,
        json!(s.guest_visits),
    ]
}

/// One month of a subtree as the attendance report writes it, `month` as its cell.
fn attendance_cells(code: &str, month: Value, s: &MonthStats, today: NaiveDate) -> Vec<Value> {
    let mut cells = vec![json!(code), month];
    cells.extend(attendance_figures(s, today));
    cells
}

/// What a month report covers: one month, or the twelve of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Month(YearMonth),
    Year(i32),
}

impl Period {
    /// The months of the period, in order.
    pub fn months(self) -> Vec<YearMonth> {
        match self {
            Period::Month(m) => vec![m],
            Period::Year(y) => YearMonth::in_year(y).collect(),
        }
    }

    /// The first and the last month of the period.
    pub fn bounds(self) -> (YearMonth, YearMonth) {
        match self {
            Period::Month(m) => (m, m),
            Period::Year(y) => (YearMonth::january(y), YearMonth::december(y)),
        }
    }
}

/// `chibo report attendance`: the subtree of `root` in each month of `period` (`months`
/// holds the roll-up of each, in order), judged on `today`.
pub fn attendance(
    root: &OrgUnit,
    period: Period,
    months: &[(YearMonth, MonthStats)],
    today: NaiveDate,
    format: Format,
    lang: Lang,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let mut grid = Grid {
        columns: attendance_columns(),
        rows: months
            .iter()
            .map(|(m, s)| {
                let month = month_cell(*m, for_people(format, lang), lang);
                attendance_cells(&root.code, month, s, today)
            })
            .collect(),
    };
    // A year's table and workbook, read and sent upward, end with the year: each count the
    // sum of its months, as `--by branch` sums a branch's.
    if let Period::Year(year) = period
        && matches!(format, Format::Table | Format::Xlsx)
    {
        let total = MonthStats::sum(months.iter().map(|(_, s)| s));
        let label = json!(words::whole_year(lang, year));
        grid.rows
            .push(attendance_cells(&root.code, label, &total, today));
    }
    let (name, code) = (sanitize(&root.name), sanitize(&root.code));
    let title = words::attendance_title(&name, &code, period, today, false, lang);
    let sheet = words::sheet(Sheet::Attendance, lang);
    let one = matches!(period, Period::Month(_));
    write_grid(&grid, (sheet, &title), one, format, lang, out)
}

/// `chibo report attendance --by branch`: one row per branch of the subtree of `root`,
/// with its figures over `period` (`rows` holds each branch and its month, or the sum of the
/// year's months, in the order to write), judged on `today`. JSON and CSV are a list of
/// branches in every case, for a program or a spreadsheet to sum; the table and the
/// workbook, which people read and send upward, end with the subtree's total.
pub fn attendance_by_branch(
    root: &OrgUnit,
    period: Period,
    rows: &[(OrgUnit, MonthStats)],
    today: NaiveDate,
    format: Format,
    lang: Lang,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let when = match period {
        Period::Month(m) => month_cell(m, for_people(format, lang), lang),
        Period::Year(y) => json!(y),
    };
    let mut grid = Grid {
        columns: by_branch_columns(period),
        rows: rows
            .iter()
            .map(|(branch, s)| {
                let mut cells = vec![json!(branch.code), json!(branch.name), when.clone()];
                cells.extend(attendance_figures(s, today));
                cells
            })
            .collect(),
    };
    if matches!(format, Format::Table | Format::Xlsx) && !rows.is_empty() {
        let total = MonthStats::sum(rows.iter().map(|(_, s)| s));
        let mut cells = vec![json!(root.code), json!(words::total(lang)), when];
        cells.extend(attendance_figures(&total, today));
        grid.rows.push(cells);
    }
    let (name, code) = (sanitize(&root.name), sanitize(&root.code));
    let title = words::attendance_title(&name, &code, period, today, true, lang);
    let sheet = words::sheet(Sheet::ByBranch, lang);
    write_grid(&grid, (sheet, &title), false, format, lang, out)
}

/// The name of the workbook of `org`'s `month` by branch, as the dashboard exports it:
/// `QN.HL.HG-2026-11-attendance-by-branch.xlsx`.
pub fn by_branch_file_name(org: &OrgUnit, month: YearMonth) -> String {
    format!(
        "{}-{}-attendance-by-branch.xlsx",
        super::files::safe_file_part(&org.code),
        month
    )
}

/// `chibo report members`: the members of the subtree of `root` by their status at the end
/// of `month`, and how many of them are on the roll.
pub fn members(
    root: &OrgUnit,
    month: YearMonth,
    stats: &MonthStats,
    format: Format,
    lang: Lang,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let mut row = vec![
        json!(root.code),
        month_cell(month, for_people(format, lang), lang),
    ];
    row.extend(
        MemberStatus::ALL
            .iter()
            .map(|s| json!(stats.members_with(*s))),
    );
    let on_roll: u32 = MemberStatus::ALL
        .iter()
        .filter(|s| s.on_roll())
        .map(|s| stats.members_with(*s))
        .sum();
    row.push(json!(on_roll));
    let grid = Grid {
        columns: MEMBER_COLUMNS.to_vec(),
        rows: vec![row],
    };
    let (name, code) = (sanitize(&root.name), sanitize(&root.code));
    let title = words::members_title(&name, &code, month, lang);
    let sheet = words::sheet(Sheet::Members, lang);
    write_grid(&grid, (sheet, &title), true, format, lang, out)
}

/// The quota's word for programs (`branches_per_year`, `every_month_at_assigned`).
fn quota_word(quota: Quota) -> &'static str {
    match quota {
        Quota::BranchesPerYear(_) => "branches_per_year",
        Quota::EveryMonthAtAssigned => "every_month_at_assigned",
    }
}

/// `chibo report oversight`: every role with a visiting quota and its holder's visits in
/// `year` against it, judged on `today`. Roles and quotas in words for people, as words of
/// the format for programs.
pub fn oversight(
    year: i32,
    rows: &[QuotaRow],
    today: NaiveDate,
    format: Format,
    lang: Lang,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let for_people = for_people(format, lang);
    let cells = |r: &QuotaRow| {
        let (role, quota) = if for_people {
            let role = r.role.role.title(lang).to_string();
            (role, r.standing.quota.label(lang))
        } else {
            let role = r.role.role.as_str().to_string();
            (role, quota_word(r.standing.quota).to_string())
        };
        vec![
            json!(r.org.code),
            json!(role),
            json!(r.member.card),
            json!(r.member.name),
            json!(quota),
            json!(r.standing.required),
            json!(r.standing.due_so_far),
            json!(r.standing.made),
            json!(r.standing.behind),
        ]
    };
    let grid = Grid {
        columns: OVERSIGHT_COLUMNS.to_vec(),
        rows: rows.iter().map(cells).collect(),
    };
    let title = words::oversight_title(year, today, lang);
    let sheet = words::sheet(Sheet::Oversight, lang);
    write_grid(&grid, (sheet, &title), false, format, lang, out)
}

/// `chibo report absentees`: the members of the subtree of `root` absent without
/// permission from the regular meeting in 3 or more months of `year`, in the order given
/// (Vietnamese name order). JSON lists the months; CSV, the table and the workbook write
/// them in one cell, separated by spaces.
pub fn absentees(
    root: &OrgUnit,
    year: i32,
    rows: &[Absentee],
    format: Format,
    lang: Lang,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let people = for_people(format, lang);
    let months = |a: &Absentee| -> Value {
        let words = a.months.iter().map(|m| match people {
            true => lang.month(*m),
            false => m.to_string(),
        });
        match format {
            Format::Json => json!(words.collect::<Vec<_>>()),
            _ => json!(words.collect::<Vec<_>>().join(" ")),
        }
    };
    let grid = Grid {
        columns: ABSENTEE_COLUMNS.to_vec(),
        rows: rows
            .iter()
            .map(|a| {
                vec![
                    json!(a.member.card),
                    json!(a.member.name),
                    json!(a.org),
                    months(a),
                ]
            })
            .collect(),
    };
    let (name, code) = (sanitize(&root.name), sanitize(&root.code));
    let title = words::absentees_title(&name, &code, year, lang);
    let sheet = words::sheet(Sheet::Absentees, lang);
    write_grid(&grid, (sheet, &title), false, format, lang, out)
}

/// A share as the reports write it: rounded to three decimals.
fn rounded_share(share: Option<f64>) -> Value {
    share.map_or(Value::Null, |r| json!((r * 1000.0).round() / 1000.0))
}

/// `chibo report classification` as JSON: one object (docs/data-format.md).
#[derive(Serialize)]
struct ClassificationOut<'a> {
    org: &'a str,
    year: i32,
    units: u32,
    good_or_better: u32,
    share: Value,
    target: f64,
    rows: Vec<GradedOrgOut<'a>>,
    members: MembersByGrade,
}

#[derive(Serialize)]
struct GradedOrgOut<'a> {
    org: &'a str,
    name: &'a str,
    grade: Option<&'static str>,
    score: Option<u8>,
}

#[derive(Serialize)]
struct MembersByGrade {
    excellent: u32,
    good: u32,
    completed: u32,
    not_completed: u32,
    ungraded: u32,
}

impl From<&GradeCounts> for MembersByGrade {
    fn from(c: &GradeCounts) -> MembersByGrade {
        MembersByGrade {
            excellent: c.get(Grade::Excellent),
            good: c.get(Grade::Good),
            completed: c.get(Grade::Completed),
            not_completed: c.get(Grade::NotCompleted),
            ungraded: c.ungraded,
        }
    }
}

/// `chibo report classification`: the year of grades of the subtree of `root`. The units
/// are those `root` answers for, counted as its dashboard counts them: graded ones only
/// (the ungraded are left out of the share), none for a branch or a cell. JSON is one
/// object; the table, CSV and workbook give the organisations, then the totals.
pub fn classification(
    root: &OrgUnit,
    year: i32,
    report: &ClassificationReport,
    config: &ClassificationConfig,
    format: Format,
    lang: Lang,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let counts = report.tally.map(|t| t.counts).unwrap_or_default();
    let target = f64::from(config.target_percent) / 100.0;
    if format == Format::Json {
        let object = ClassificationOut {
            org: &root.code,
            year,
            units: counts.graded(),
            good_or_better: counts.good_or_better(),
            share: rounded_share(counts.share()),
            target,
            rows: report
                .rows
                .iter()
                .map(|(org, c)| GradedOrgOut {
                    org: &org.code,
                    name: &org.name,
                    grade: c.map(|c| c.grade.as_str()),
                    score: c.and_then(|c| c.score),
                })
                .collect(),
            members: MembersByGrade::from(&report.members),
        };
        serde_json::to_writer(&mut *out, &object)?;
        return out.write_all(b"\n");
    }
    let people = for_people(format, lang);
    let grade = |g: Option<Grade>| match (g, people) {
        (Some(g), true) => json!(g.label(lang, false)),
        (Some(g), false) => json!(g.as_str()),
        (None, true) => json!(words::ungraded(lang)),
        (None, false) => Value::Null,
    };
    let orgs = Grid {
        columns: CLASSIFICATION_COLUMNS.to_vec(),
        rows: report
            .rows
            .iter()
            .map(|(org, c)| {
                vec![
                    json!(org.code),
                    json!(org.name),
                    grade(c.map(|c| c.grade)),
                    json!(c.and_then(|c| c.score)),
                ]
            })
            .collect(),
    };
    let members = MembersByGrade::from(&report.members);
    let totals = Grid {
        columns: CLASSIFICATION_TOTALS.to_vec(),
        rows: vec![vec![
            json!(root.code),
            json!(year),
            json!(counts.graded()),
            json!(counts.ungraded),
            json!(counts.good_or_better()),
            rounded_share(counts.share()),
            json!(target),
            json!(counts.meets(config)),
            json!(members.excellent),
            json!(members.good),
            json!(members.completed),
            json!(members.not_completed),
            json!(members.ungraded),
        ]],
    };
    let (name, code) = (sanitize(&root.name), sanitize(&root.code));
    let title = words::classification_title(&name, &code, year, lang);
    match format {
        Format::Json => unreachable!("written above"),
        Format::Csv => {
            orgs.write_csv(lang, out)?;
            writeln!(out)?;
            totals.write_csv(lang, out)
        }
        Format::Xlsx => {
            let sheet = words::sheet(Sheet::Classification, lang);
            let bytes = super::grid::xlsx_of(&[&orgs, &totals], sheet, &title, lang)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            out.write_all(&bytes)
        }
        Format::Table => {
            writeln!(out, "{title}")?;
            writeln!(out)?;
            if orgs.rows.is_empty() {
                writeln!(out, "{}", words::nothing_to_report(lang))?;
            } else {
                orgs.write_table(lang, out)?;
            }
            writeln!(out)?;
            totals.transposed().write_table(lang, out)
        }
    }
}
