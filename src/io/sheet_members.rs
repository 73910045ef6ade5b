//! Member lists in spreadsheets (.xlsx, .xls, .ods) read where they are, without saving
//! them as CSV first. A sheet's rows go through the member list's reading
//! (`member_list.rs`) with the cells' own types: a date cell is a day, a number a number
//! (a card `48123456.0` is `48123456`, a phone number that lost its 0 gets it back).
//! Problems are placed at the sheet's row as the spreadsheet numbers it: `FILE:ROW` on
//! the first sheet, `FILE:SHEET!ROW` on another.

use std::borrow::Cow;
use std::path::Path;

use calamine::{Data, Reader, Sheets};
use chrono::NaiveDate;

use super::exchange::{Batch, resolve};
use super::member_list::{Cell, MemberList};
use super::problem::Problems;
use super::{ImportError, ImportSummary};
use crate::domain::Lang;
use crate::domain::text::quoted;
use crate::store::Store;

/// Imports the member list on `sheet` (the first sheet when `None`) of the spreadsheet at
/// `path` in one write transaction (all rows or none). `org` is the branch code used for
/// rows without an org column.
pub fn import_file(
    store: &Store,
    path: &Path,
    org: Option<&str>,
    sheet: Option<&str>,
    lang: Lang,
) -> Result<ImportSummary, ImportError> {
    let label = path.display().to_string();
    let unreadable = |detail: String| {
        ImportError::Invalid(lang.pick(
            format!(
                "không đọc được {} như một bảng tính: {detail}",
                quoted(&label)
            ),
            format!("cannot read {} as a spreadsheet: {detail}", quoted(&label)),
        ))
    };
    let mut workbook = open(path).map_err(|e| unreadable(e.to_string()))?;
    let names = workbook.sheet_names();
    let name = match sheet {
        None => names
            .first()
            .cloned()
            .ok_or_else(|| unreadable(lang.pick("không có trang nào", "it has no sheet").into()))?,
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .or_else(|| {
                names
                    .iter()
                    .find(|n| n.trim().eq_ignore_ascii_case(wanted.trim()))
            })
            .cloned()
            .ok_or_else(|| no_sheet(&label, wanted, &names, lang))?,
    };
    let range = workbook
        .worksheet_range(&name)
        .map_err(|e| unreadable(e.to_string()))?;
    let first = names.first() == Some(&name);
    let mut problems = match first {
        true => Problems::new(&label, lang),
        false => Problems::in_sheet(&label, &name, lang),
    };
    let mut batch = Batch::default();
    let mut list = MemberList::new(org);
    // The range starts at its first cell that holds anything: rows and columns before it
    // are empty, and the rows are numbered as the spreadsheet shows them.
    let (top, left) = range.start().unwrap_or((0, 0));
    let pad = vec![Cell::Empty; left as usize];
    for (i, row) in range.rows().enumerate() {
        let line = top as usize + i + 1;
        let cells: Vec<Cell<'_>> = pad.iter().cloned().chain(row.iter().map(cell)).collect();
        if !list.row(&cells, line, &mut batch, &mut problems) {
            break;
        }
    }
    list.finish(&mut problems);
    resolve::import_batch(store, batch, problems)
}

/// The workbook, by the file's extension whatever its case.
fn open(path: &Path) -> Result<Sheets<std::io::BufReader<std::fs::File>>, calamine::Error> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    Ok(match extension.as_deref() {
        Some("xls") => Sheets::Xls(calamine::open_workbook(path)?),
        Some("ods") => Sheets::Ods(calamine::open_workbook(path)?),
        _ => Sheets::Xlsx(calamine::open_workbook(path)?),
    })
}

fn no_sheet(label: &str, wanted: &str, names: &[String], lang: Lang) -> ImportError {
    let names = names
        .iter()
        .map(|n| quoted(n))
        .collect::<Vec<_>>()
        .join(", ");
    ImportError::Invalid(lang.pick(
        format!(
            "{} không có trang {}; các trang: {names}",
            quoted(label),
            quoted(wanted)
        ),
        format!(
            "{} has no sheet {}; its sheets: {names}",
            quoted(label),
            quoted(wanted)
        ),
    ))
}

/// A spreadsheet cell as the member list reads it.
fn cell(data: &Data) -> Cell<'_> {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(text) => Cell::Text(Cow::Borrowed(text)),
        Data::Int(n) => Cell::Number(*n as f64),
        Data::Float(n) => Cell::Number(*n),
        Data::Bool(b) => Cell::Text(Cow::Owned(b.to_string().to_uppercase())),
        Data::DateTime(when) if when.is_datetime() => {
            let (year, month, day, ..) = when.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(year.into(), month.into(), day.into())
                .map_or(Cell::Number(when.as_f64()), Cell::Date)
        }
        Data::DateTime(when) => Cell::Number(when.as_f64()),
        // .ods keeps dates as ISO text, with a time after the day.
        Data::DateTimeIso(text) => {
            Cell::Text(Cow::Borrowed(text.split('T').next().unwrap_or(text)))
        }
        Data::DurationIso(text) => Cell::Text(Cow::Borrowed(text)),
        Data::Error(e) => Cell::Text(Cow::Owned(format!("{e}"))),
    }
}
