//! Member lists in spreadsheets (.xlsx, .xls, .ods) read where they are, without saving
//! them as CSV first. A sheet's rows go through the member list's reading
//! (`member_list.rs`) with the cells' own types: a date cell is a day, a number a number
//! (a card `48123456.0` is `48123456`, a phone number that lost its 0 gets it back).
//! Problems are placed at the sheet's row as the spreadsheet numbers it: `FILE:ROW` on
//! the first sheet, `FILE:SHEET!ROW` on another. The workbook itself is read by
//! `sheet_read.rs`, out of harm's way.

use std::borrow::Cow;
use std::path::Path;

use super::exchange::{Batch, resolve};
use super::member_list::{Cell, MemberList};
use super::problem::Problems;
use super::sheet_read::{self, Reading, Value};
use super::{ImportError, ImportSummary};
use crate::domain::Lang;
use crate::store::Store;

/// Imports the member list on `sheet` (the first sheet when `None`) of the spreadsheet at
/// `path` in one write transaction (all rows or none). `org` is the branch code used for
/// rows without an org column; `reading` says where the workbook is read.
pub fn import_file(
    store: &Store,
    path: &Path,
    org: Option<&str>,
    sheet: Option<&str>,
    reading: &Reading,
    lang: Lang,
) -> Result<ImportSummary, ImportError> {
    let label = path.display().to_string();
    let sheet = sheet_read::read(reading, path, sheet)
        .map_err(|unread| ImportError::Invalid(unread.message(&label, lang)))?;
    let mut problems = match sheet.first {
        true => Problems::new(&label, lang),
        false => Problems::in_sheet(&label, &sheet.name, lang),
    };
    let mut batch = Batch::keeping_members();
    let mut list = MemberList::new(org);
    // Rows are numbered as the spreadsheet shows them; the rows with nothing in them are
    // blank rows to the list, and need not be seen.
    for (row, filled) in &sheet.rows {
        let width = filled
            .iter()
            .map(|(col, _)| *col as usize + 1)
            .max()
            .unwrap_or(0);
        let mut cells = vec![Cell::Empty; width];
        for (col, value) in filled {
            cells[*col as usize] = cell(value);
        }
        if !list.row(&cells, *row as usize + 1, &mut batch, &mut problems) {
            break;
        }
    }
    list.finish(&mut problems);
    let mut kept = resolve::Kept::members_of(&mut batch);
    resolve::import_batch(store, batch, problems, &mut kept)
}

/// A spreadsheet cell as the member list reads it.
fn cell(value: &Value) -> Cell<'_> {
    match value {
        Value::Text(text) => Cell::Text(Cow::Borrowed(text)),
        Value::Number(n) => Cell::Number(*n),
        Value::Date(day) => Cell::Date(*day),
        Value::Error(e) => Cell::Error(e.clone()),
    }
}
