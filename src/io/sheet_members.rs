//! Member lists in spreadsheets (.xlsx, .xls, .ods) read where they are, without saving
//! them as CSV first. A sheet's rows go through the member list's reading
//! (`member_list.rs`) with the cells' own types: a date cell is a day, a number a number
//! (a card `48123456.0` is `48123456`, a phone number that lost its 0 gets it back).
//! Problems are placed at the sheet's row as the spreadsheet numbers it: `FILE:ROW` on
//! the first sheet, `FILE:SHEET!ROW` on another.

use std::borrow::Cow;
use std::collections::BTreeMap;
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
    if let Some(claimed) = shared_strings_overclaimed(path) {
        return Err(unreadable(lang.pick(
            format!("bảng chuỗi dùng chung khai {claimed} chuỗi (tối đa {MAX_SHARED_STRINGS})"),
            format!(
                "its shared-string table claims {claimed} strings (at most {MAX_SHARED_STRINGS})"
            ),
        )));
    }
    // calamine panics on some hostile workbooks; such a file is unreadable, not a crash.
    let mut workbook = crate::store::contained(|| open(path))
        .map_err(&unreadable)?
        .map_err(|e| unreadable(e.to_string()))?;
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
    let cells = crate::store::contained(|| read_cells(&mut workbook, &name))
        .map_err(&unreadable)?
        .map_err(|e| match e {
        Unread::Calamine(e) => unreadable(e.to_string()),
        Unread::TooLarge => unreadable(
            lang.pick(
                format!(
                    "trang {} quá lớn cho một danh sách đảng viên (quá {MAX_COLUMNS} cột hoặc {MAX_CELLS} ô có dữ liệu)",
                    quoted(&name)
                ),
                format!(
                    "sheet {} is too large for a member list (over {MAX_COLUMNS} columns or {MAX_CELLS} filled cells)",
                    quoted(&name)
                ),
            ),
        ),
    })?;
    let first = names.first() == Some(&name);
    let mut problems = match first {
        true => Problems::new(&label, lang),
        false => Problems::in_sheet(&label, &name, lang),
    };
    let mut batch = Batch::default();
    let mut list = MemberList::new(org);
    // Rows are numbered as the spreadsheet shows them; the rows with nothing in them are
    // blank rows to the list, and need not be seen.
    for (row, filled) in &cells {
        let width = filled
            .iter()
            .map(|(col, _)| *col as usize + 1)
            .max()
            .unwrap_or(0);
        let mut cells = vec![Cell::Empty; width];
        for (col, data) in filled {
            cells[*col as usize] = cell(data);
        }
        if !list.row(&cells, *row as usize + 1, &mut batch, &mut problems) {
            break;
        }
    }
    list.finish(&mut problems);
    resolve::import_batch(store, batch, problems)
}

/// The most columns a member list's sheet may use, and the most filled cells it may hold:
/// far past any real list, and far below what would exhaust memory.
const MAX_COLUMNS: u32 = 1024;
const MAX_CELLS: usize = 1_000_000;

/// A sheet's filled cells by row, then column.
type Filled = BTreeMap<u32, Vec<(u32, Data)>>;

enum Unread {
    Calamine(calamine::Error),
    TooLarge,
}

impl<E: Into<calamine::Error>> From<E> for Unread {
    fn from(e: E) -> Unread {
        Unread::Calamine(e.into())
    }
}

/// The filled cells of sheet `name`. An .xlsx is read cell by cell: a grid as large as
/// two far-apart cells claim (A1 and XFD1048576 are 17 billion cells apart) is never
/// made, and a sheet past the limits is refused as soon as it passes them.
fn read_cells(
    workbook: &mut Sheets<std::io::BufReader<std::fs::File>>,
    name: &str,
) -> Result<Filled, Unread> {
    let mut filled = Filled::new();
    let mut count = 0;
    let mut add = |(row, col): (u32, u32), data: Data| {
        if data == Data::Empty {
            return Ok(());
        }
        count += 1;
        if col >= MAX_COLUMNS || count > MAX_CELLS {
            return Err(Unread::TooLarge);
        }
        filled.entry(row).or_default().push((col, data));
        Ok(())
    };
    match workbook {
        Sheets::Xlsx(xlsx) => {
            let mut cells = xlsx.worksheet_cells_reader(name)?;
            while let Some(cell) = cells.next_cell()? {
                add(cell.get_position(), Data::from(cell.get_value().clone()))?;
            }
        }
        other => {
            let range = other.worksheet_range(name)?;
            for (row, col, data) in range.used_cells() {
                let (top, left) = range.start().unwrap_or((0, 0));
                add((top + row as u32, left + col as u32), data.clone())?;
            }
        }
    }
    for row in filled.values_mut() {
        row.sort_by_key(|(col, _)| *col);
    }
    Ok(filled)
}

/// The most strings an .xlsx's shared-string table may announce: far past any member list.
const MAX_SHARED_STRINGS: u64 = 4_000_000;

/// Why an .xlsx's shared-string table cannot be believed, if it cannot: calamine 0.38.0
/// reserves room for as many strings as the table's `uniqueCount` announces before reading
/// one, so a file of 2 KB announcing four billion asks for 100 GB and the process aborts —
/// no panic to catch. The announcement is read here first, from the start of the entry.
fn shared_strings_overclaimed(path: &Path) -> Option<String> {
    // How many it claims, as written: past u64 too.
    use std::io::Read;
    let file = std::fs::File::open(path).ok()?;
    let mut zip = zip::ZipArchive::new(file).ok()?;
    let mut entry = zip.by_name("xl/sharedStrings.xml").ok()?;
    let mut head = vec![0u8; 4096];
    let read = entry.read(&mut head).ok()?;
    let head = String::from_utf8_lossy(&head[..read]);
    let at = head.find("uniqueCount=\"")? + "uniqueCount=\"".len();
    let digits: String = head[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let claimed: u64 = digits.parse().unwrap_or(u64::MAX);
    (claimed > MAX_SHARED_STRINGS).then_some(digits)
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
        Data::Error(e) => Cell::Error(format!("{e}")),
    }
}
