//! A report as a grid: named columns (a field name for programs, a heading in each language
//! for people) and rows of values. One grid is written four ways: JSON objects keyed by the
//! field names, CSV with the field names as its header, a padded table with the headings in
//! the user's language, and an .xlsx workbook whose numbers stay numbers.
//!
//! Every CSV chibo writes goes through [`Grid::write_csv`], so the one rule that keeps a
//! spreadsheet from reading a cell as a formula ([`spreadsheet_text`]) holds for them all.

use std::borrow::Cow;
use std::io::Write;

use rust_xlsxwriter::{Format as CellFormat, Workbook, XlsxError};
use serde_json::{Map, Value};
use unicode_width::UnicodeWidthStr;

use crate::domain::Lang;
use crate::domain::text::{decimal, sanitize};

/// One column: the field name in JSON and CSV, the heading for people.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub field: &'static str,
    pub vi: &'static str,
    pub en: &'static str,
    /// A share (0..1): shown as a percentage to people.
    pub share: bool,
}

pub const fn column(field: &'static str, vi: &'static str, en: &'static str) -> Column {
    Column {
        field,
        vi,
        en,
        share: false,
    }
}

pub const fn share(field: &'static str, vi: &'static str, en: &'static str) -> Column {
    Column {
        field,
        vi,
        en,
        share: true,
    }
}

/// Columns and rows of values (strings, numbers, booleans or null).
#[derive(Debug, Clone)]
pub struct Grid {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Value>>,
}

impl Grid {
    /// Each row as a JSON object, fields in column order.
    pub fn objects(&self) -> Vec<Map<String, Value>> {
        self.rows
            .iter()
            .map(|row| {
                self.columns
                    .iter()
                    .zip(row)
                    .map(|(c, v)| (c.field.to_string(), v.clone()))
                    .collect()
            })
            .collect()
    }

    /// A header, then one line per row; an empty cell for null, text made safe for
    /// spreadsheets ([`csv_cell`]). In Vietnamese the header holds the headings and yes/no
    /// are words, for people opening it in a spreadsheet; in English the header holds the
    /// field names and yes/no are `true`/`false`, as programs read them. The values are the
    /// report's: it gives dates, months and statuses in the words of `lang` when they are
    /// for people.
    pub fn write_csv(&self, lang: Lang, out: &mut impl Write) -> std::io::Result<()> {
        let mut csv = csv::Writer::from_writer(out);
        match lang {
            Lang::Vi => csv.write_record(self.columns.iter().map(|c| c.vi))?,
            Lang::En => csv.write_record(self.columns.iter().map(|c| c.field))?,
        }
        for row in &self.rows {
            // In Vietnamese a share is written as the table shows it: a Vietnamese
            // spreadsheet reads "0.964" as 964 (the dot groups thousands there).
            let cells: Vec<Cow<str>> = self
                .columns
                .iter()
                .zip(row)
                .map(|(column, value)| match (lang, value) {
                    (Lang::Vi, Value::Bool(yes)) => Cow::Borrowed(yes_no(*yes, lang)),
                    (Lang::Vi, Value::Number(n)) if column.share => Cow::Owned(percent(n, lang)),
                    _ => csv_cell(value),
                })
                .collect();
            csv.write_record(cells.iter().map(|cell| cell.as_bytes()))?;
        }
        csv.flush()
    }

    /// The first row turned on its side, for a table of one record: each column becomes a
    /// line of its heading and its value.
    pub fn transposed(&self) -> Transposed<'_> {
        Transposed(self)
    }

    /// Headings in `lang`, then the rows, each column padded to its widest cell.
    pub fn write_table(&self, lang: Lang, out: &mut impl Write) -> std::io::Result<()> {
        let mut lines = vec![
            self.columns
                .iter()
                .map(|c| lang.pick(c.vi, c.en).to_string())
                .collect::<Vec<_>>(),
        ];
        for row in &self.rows {
            let cells = self.columns.iter().zip(row);
            lines.push(cells.map(|(c, v)| person_text(c, v, lang)).collect());
        }
        let mut widths = vec![0usize; self.columns.len()];
        for line in &lines {
            for (width, cell) in widths.iter_mut().zip(line) {
                *width = (*width).max(cell.width());
            }
        }
        for line in &lines {
            let mut text = String::new();
            for (cell, width) in line.iter().zip(&widths) {
                text.push_str(cell);
                text.push_str(&" ".repeat(width - cell.width() + 2));
            }
            writeln!(out, "{}", text.trim_end())?;
        }
        Ok(())
    }

    /// An .xlsx workbook of one sheet: `title` in the first row, the headings in `lang` in
    /// the third, then the rows. Numbers are numbers; shares carry a percentage format.
    pub fn xlsx(&self, sheet: &str, title: &str, lang: Lang) -> Result<Vec<u8>, XlsxError> {
        xlsx_of(&[self], sheet, title, lang)
    }
}

/// An .xlsx workbook of one sheet holding several grids one below the other: `title` in the
/// first row, then each grid as [`Grid::xlsx`] writes one, its headings two rows below what
/// came before.
pub fn xlsx_of(
    grids: &[&Grid],
    sheet: &str,
    title: &str,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let percent = CellFormat::new().set_num_format("0.0%");
    let ws = book.add_worksheet();
    ws.set_name(sheet)?;
    let mut heading_row = 2u32;
    for grid in grids {
        for (col, c) in grid.columns.iter().enumerate() {
            ws.write_string_with_format(heading_row, col as u16, lang.pick(c.vi, c.en), &bold)?;
        }
        for (r, row) in grid.rows.iter().enumerate() {
            let at = heading_row + 1 + r as u32;
            for (col, (c, value)) in grid.columns.iter().zip(row).enumerate() {
                let col = col as u16;
                match value {
                    Value::Number(n) if c.share => {
                        ws.write_number_with_format(at, col, n.as_f64().unwrap_or(0.0), &percent)?;
                    }
                    Value::Number(n) => {
                        ws.write_number(at, col, n.as_f64().unwrap_or(0.0))?;
                    }
                    Value::Null => {}
                    other => {
                        ws.write_string(at, col, person_text(c, other, lang))?;
                    }
                }
            }
        }
        heading_row += grid.rows.len() as u32 + 2;
    }
    // The columns fit their headings and cells; the title, written after, runs across
    // them instead of widening the first column to its length.
    ws.autofit();
    ws.write_string_with_format(0, 0, sanitize(title), &bold)?;
    // The headings of the first grid stay in view while the rows scroll.
    ws.set_freeze_panes(3, 0)?;
    book.save_to_buffer()
}

/// One record of a grid as lines of heading and value.
pub struct Transposed<'g>(&'g Grid);

impl Transposed<'_> {
    pub fn write_table(&self, lang: Lang, out: &mut impl Write) -> std::io::Result<()> {
        let grid = self.0;
        let Some(row) = grid.rows.first() else {
            return Ok(());
        };
        let headings: Vec<&str> = grid.columns.iter().map(|c| lang.pick(c.vi, c.en)).collect();
        let width = headings.iter().map(|h| h.width()).max().unwrap_or(0);
        for ((heading, c), value) in headings.iter().zip(&grid.columns).zip(row) {
            let pad = " ".repeat(width - heading.width() + 2);
            writeln!(out, "{heading}{pad}{}", person_text(c, value, lang))?;
        }
        Ok(())
    }
}

/// A value as CSV writes it: null empty, a number or yes/no as JSON writes it, text through
/// [`spreadsheet_text`].
///
/// Whether a cell is a figure or text is decided by its value, which the report chose: every
/// figure a report computes (counts, rates, quotas, a difference that may be negative) is a
/// JSON number and is written as it is, so that `-3` stays a number a spreadsheet can add.
/// Everything else is a string — names, codes, cards and places a user typed, and the words,
/// dates and months chibo writes — and is text, whatever it looks like: a member named
/// `-1+2` is a name, not a sum. Dates and months begin with a digit (`2026-10-05`,
/// `05/10/2026`), so the rule never changes them.
fn csv_cell(value: &Value) -> Cow<'_, str> {
    match value {
        Value::String(s) => spreadsheet_text(s),
        Value::Null => Cow::Borrowed(""),
        other => Cow::Owned(other.to_string()),
    }
}

/// Text that a spreadsheet shows as text. Excel and LibreOffice read a CSV cell beginning
/// with `=`, `+`, `-` or `@` as a formula (`=WEBSERVICE(…)` fetches a URL when the file is
/// opened), and a tab or a carriage return before one of them still lets it through; such a
/// cell gets a leading `'`, the rule OWASP gives for CSV injection. The `'` shows in the
/// cell, which is the price of a name that could otherwise run; any other text is as typed.
pub fn spreadsheet_text(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Yes or no in words.
fn yes_no(yes: bool, lang: Lang) -> &'static str {
    match yes {
        true => lang.pick("có", "yes"),
        false => lang.pick("không", "no"),
    }
}

/// A value as people read it: a share as a percentage, yes/no in their language, untrusted
/// text sanitised, null as a dash.
/// A share as people read it: "96,4%" in Vietnamese (the decimal comma a Vietnamese
/// spreadsheet reads), "96.4%" in English.
fn percent(share: &serde_json::Number, lang: Lang) -> String {
    decimal(lang, share.as_f64().unwrap_or(0.0) * 100.0, 1) + "%"
}

fn person_text(column: &Column, value: &Value, lang: Lang) -> String {
    match value {
        Value::Null => "—".to_string(),
        Value::Number(n) if column.share => percent(n, lang),
        Value::Bool(yes) => yes_no(*yes, lang).to_string(),
        Value::String(s) => sanitize(s).into_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const COLUMNS: &[Column] = &[
        column("org", "Mã", "Code"),
        column("present", "Có mặt", "Present"),
        share("attendance_rate", "Tỉ lệ", "Rate"),
        column("behind", "Chậm", "Behind"),
    ];

    fn grid() -> Grid {
        Grid {
            columns: COLUMNS.to_vec(),
            rows: vec![
                vec![json!("P.W"), json!(290), json!(0.935), json!(true)],
                vec![json!("P.Q"), json!(0), Value::Null, json!(false)],
            ],
        }
    }

    #[test]
    fn csv_has_field_names_and_empty_cells_for_null() {
        let mut out = Vec::new();
        grid().write_csv(Lang::En, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "org,present,attendance_rate,behind\nP.W,290,0.935,true\nP.Q,0,,false\n"
        );
    }

    #[test]
    fn csv_writes_text_that_could_be_a_formula_as_text_and_numbers_as_numbers() {
        const CELLS: &[Column] = &[column("name", "Tên", "Name"), column("n", "Số", "N")];
        let grid = Grid {
            columns: CELLS.to_vec(),
            rows: vec![
                vec![json!("=WEBSERVICE(\"http://x\")"), json!(-3)],
                vec![json!("@SUM(A1)"), json!(-0.5)],
                vec![json!("-1+2"), json!(2)],
                vec![json!("+84 912"), Value::Null],
                vec![json!("\t=1+1"), json!(true)],
                vec![json!("\r=1+1"), json!(0)],
                vec![json!("Nguyễn Văn = An"), json!(1)],
                vec![json!("2026-10-05"), json!(1)],
            ],
        };
        let mut out = Vec::new();
        grid.write_csv(Lang::En, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "name,n\n\
             \"'=WEBSERVICE(\"\"http://x\"\")\",-3\n\
             '@SUM(A1),-0.5\n\
             '-1+2,2\n\
             '+84 912,\n\
             '\t=1+1,true\n\
             \"'\r=1+1\",0\n\
             Nguyễn Văn = An,1\n\
             2026-10-05,1\n"
        );
    }

    #[test]
    fn vietnamese_csv_has_the_headings_and_yes_no_in_words() {
        let mut out = Vec::new();
        grid().write_csv(Lang::Vi, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Mã,Có mặt,Tỉ lệ,Chậm\nP.W,290,\"93,5%\",có\nP.Q,0,,không\n"
        );
    }

    #[test]
    fn the_table_speaks_the_users_language() {
        let mut out = Vec::new();
        grid().write_table(Lang::Vi, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Mã   Có mặt  Tỉ lệ  Chậm\nP.W  290     93,5%  có\nP.Q  0       —      không\n"
        );
    }

    #[test]
    fn json_objects_keep_the_column_order() {
        let objects = grid().objects();
        let text = serde_json::to_string(&objects[0]).unwrap();
        assert_eq!(
            text,
            r#"{"org":"P.W","present":290,"attendance_rate":0.935,"behind":true}"#
        );
    }

    #[test]
    fn xlsx_is_a_zip_workbook() {
        let bytes = grid().xlsx("Report", "Title", Lang::En).unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"));
    }
}
