//! A member list as branches keep it in a spreadsheet, whatever file it comes in (CSV,
//! .xlsx, .xls, .ods): the header row found below any title rows, each column's heading
//! in Vietnamese or English, and each row read into the same member record a JSON line
//! makes, through the same checks.

use std::borrow::Cow;

use chrono::NaiveDate;

use super::exchange::{Batch, DateForms, Fields, RawMember, member_record};
use super::problem::{ACCEPTED_COLUMNS, Problem, Problems};
use crate::domain::Sex;
use crate::domain::text::fold;

/// Rows above the header a list may have for its title (a merged "DANH SÁCH ĐẢNG VIÊN"
/// row, the branch's name, a date, blank rows); past these, the header is missing.
pub const TITLE_ROWS: usize = 10;

/// The most columns a member list may use, and the most filled cells it may hold, in
/// any file: far past any real list, and far below what would exhaust memory.
pub const MAX_COLUMNS: u32 = 1024;
pub const MAX_CELLS: usize = 1_000_000;

/// The longest line of a CSV member list: a member's row is well under a kilobyte.
pub const MAX_CSV_LINE: u64 = 1 << 20;

/// One cell as the file holds it: spreadsheets keep numbers and dates as such, CSV only
/// text.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Empty,
    Text(Cow<'a, str>),
    Number(f64),
    Date(NaiveDate),
    /// A formula's error (`#N/A`, `#DIV/0!`): no value at all.
    Error(String),
}

impl Cell<'_> {
    fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(text) => text.trim().is_empty(),
            Cell::Number(_) | Cell::Date(_) | Cell::Error(_) => false,
        }
    }

    /// The heading this cell would be in a header row, folded.
    fn heading(&self) -> Option<String> {
        match self {
            Cell::Text(text) => Some(fold(text.trim()).replace('_', " ")),
            _ => None,
        }
    }

    fn shown(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.trim().to_string(),
            Cell::Number(n) => number_text(*n),
            Cell::Date(day) => day.to_string(),
            Cell::Error(error) => error.clone(),
        }
    }
}

/// A number as its digits when it is whole (`48123456.0` is `48123456`), else as written.
fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// The day an Excel serial number stands for (days since 1899-12-30, the 1900 date system
/// with its leap-year quirk: serials before March 1900 are not read).
fn serial_day(n: f64) -> Option<NaiveDate> {
    if !(61.0..2_958_466.0).contains(&n) {
        return None;
    }
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    epoch.checked_add_days(chrono::Days::new(n.floor() as u64))
}

/// The member fields a column can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Card,
    Name,
    Sex,
    Born,
    Admitted,
    FullMember,
    Org,
    Cell,
    Phone,
    Residence,
}

const FIELD_COUNT: usize = 10;

/// Each field's name in the exchange format, in `Field` order: how a problem names it.
const FIELD_NAMES: [&str; FIELD_COUNT] = [
    "card",
    "name",
    "sex",
    "born",
    "admitted",
    "full_member",
    "org",
    "cell",
    "phone",
    "residence",
];

/// Header words, folded (no diacritics, lower case, `_` as a space), for each field.
const HEADERS: &[(&str, Field)] = &[
    ("so the", Field::Card),
    ("so the dang", Field::Card),
    ("so the dang vien", Field::Card),
    ("card", Field::Card),
    ("ho va ten", Field::Name),
    ("ho ten", Field::Name),
    ("name", Field::Name),
    ("gioi tinh", Field::Sex),
    ("sex", Field::Sex),
    ("ngay sinh", Field::Born),
    ("born", Field::Born),
    ("ngay vao dang", Field::Admitted),
    ("ngay ket nap", Field::Admitted),
    ("admitted", Field::Admitted),
    ("ngay chinh thuc", Field::FullMember),
    ("full member", Field::FullMember),
    ("chi bo", Field::Org),
    ("org", Field::Org),
    ("to dang", Field::Cell),
    ("cell", Field::Cell),
    ("dien thoai", Field::Phone),
    ("so dien thoai", Field::Phone),
    ("phone", Field::Phone),
    ("noi cu tru", Field::Residence),
    ("residence", Field::Residence),
];

/// Columns read and dropped: the row number spreadsheets start with.
const IGNORED: &[&str] = &["stt", "no"];

fn field_of(heading: &str) -> Option<Field> {
    HEADERS
        .iter()
        .find(|(word, _)| *word == heading)
        .map(|&(_, field)| field)
}

/// Reads a member list row by row: title rows skipped, the header row found, every
/// later row added to the batch.
pub struct MemberList<'o> {
    default_org: Option<&'o str>,
    columns: Option<Columns>,
    /// Rows seen before the header, and the first of them that was not blank.
    before_header: usize,
    first_line: Option<usize>,
    /// The header's line, and the rows with anything in them below it.
    header_line: usize,
    member_rows: usize,
    /// How many cards of each length the list holds, and the cards a spreadsheet kept as
    /// numbers (with their lines): one shorter than the list's usual length may have lost
    /// a leading 0.
    card_lengths: std::collections::BTreeMap<usize, usize>,
    numeric_cards: Vec<(usize, String)>,
}

impl<'o> MemberList<'o> {
    /// `default_org` is the branch code used for rows without an org column.
    pub fn new(default_org: Option<&'o str>) -> MemberList<'o> {
        MemberList {
            default_org,
            columns: None,
            before_header: 0,
            first_line: None,
            header_line: 0,
            member_rows: 0,
            card_lengths: Default::default(),
            numeric_cards: Vec::new(),
        }
    }

    /// Reads one row at `line`. `false` when reading on is pointless: the header is wrong,
    /// or missing from the rows where it may be.
    pub fn row(
        &mut self,
        cells: &[Cell<'_>],
        line: usize,
        batch: &mut Batch,
        problems: &mut Problems,
    ) -> bool {
        if let Some(columns) = &self.columns {
            self.member_rows += usize::from(!cells.iter().all(Cell::is_blank));
            if let Some(card) = columns.cell(cells, Field::Card).filter(|c| !c.is_blank()) {
                let shown = card.shown();
                *self.card_lengths.entry(shown.chars().count()).or_default() += 1;
                if matches!(card, Cell::Number(_)) {
                    self.numeric_cards.push((line, shown));
                }
            }
            columns.add_row(cells, line, self.default_org, batch, problems);
            return !problems.is_full();
        }
        let blank = cells.iter().all(Cell::is_blank);
        if !blank && self.first_line.is_none() {
            self.first_line = Some(line);
        }
        if !blank && is_header(cells) {
            self.header_line = line;
            self.columns = Some(Columns::from_header(
                cells,
                line,
                self.default_org,
                problems,
            ));
            // Rows read with the wrong columns would only repeat the header's problem.
            return problems.is_empty();
        }
        self.before_header += 1;
        if self.before_header >= TITLE_ROWS {
            self.finish(problems);
            return false;
        }
        true
    }

    /// Says so when no header row was found, or no member below it: an import that would
    /// import nothing is refused, never told as a success.
    pub fn finish(&mut self, problems: &mut Problems) {
        if !problems.is_empty() {
            return;
        }
        if self.columns.is_some() {
            if self.member_rows == 0 {
                problems.add(self.header_line, Problem::NoMemberRows);
            }
            self.note_short_numeric_cards(problems);
            return;
        }
        // A list with nothing in it, or whose first row names no known column.
        let line = self.first_line.unwrap_or(1);
        match self.first_line {
            None => problems.add(line, Problem::MissingColumn { column: "card" }),
            Some(_) => problems.add(line, Problem::NoHeader { rows: TITLE_ROWS }),
        }
        self.columns = Some(Columns::empty());
    }
}

impl MemberList<'_> {
    /// A card the sheet kept as a number, shorter than most of the list's cards, may have
    /// lost a leading 0 as phone numbers do; there is no fixed length to put it back by,
    /// so the user is asked to check it.
    fn note_short_numeric_cards(&mut self, problems: &mut Problems) {
        let usual = self
            .card_lengths
            .iter()
            .max_by_key(|(len, count)| (**count, **len))
            .map(|(len, _)| *len);
        let Some(usual) = usual else { return };
        for (line, found) in std::mem::take(&mut self.numeric_cards) {
            if found.chars().count() < usual {
                problems.note(line, Problem::CardAsNumber { found, usual });
            }
        }
    }
}

/// A header row names at least one known column; title rows above it name none.
fn is_header(cells: &[Cell<'_>]) -> bool {
    cells
        .iter()
        .filter_map(Cell::heading)
        .any(|h| field_of(&h).is_some())
}

/// Which column holds which field.
struct Columns {
    at: [Option<usize>; FIELD_COUNT],
    width: usize,
}

impl Columns {
    fn empty() -> Columns {
        Columns {
            at: [None; FIELD_COUNT],
            width: 0,
        }
    }

    fn from_header(
        row: &[Cell<'_>],
        line: usize,
        default_org: Option<&str>,
        problems: &mut Problems,
    ) -> Columns {
        let mut at = [None; FIELD_COUNT];
        for (index, cell) in row.iter().enumerate() {
            let key = cell.heading().unwrap_or_else(|| cell.shown());
            if key.is_empty() || IGNORED.contains(&key.as_str()) {
                continue;
            }
            let Some(field) = field_of(&key) else {
                problems.add(
                    line,
                    Problem::UnknownColumn {
                        header: cell.shown(),
                        accepted: ACCEPTED_COLUMNS,
                    },
                );
                continue;
            };
            let slot = &mut at[field as usize];
            if slot.is_some() {
                let header = cell.shown();
                problems.add(line, Problem::DuplicateColumn { header });
            }
            *slot = Some(index);
        }
        let required = [
            (Field::Card, "card"),
            (Field::Name, "name"),
            (Field::Org, "org"),
        ];
        for (field, column) in required {
            let supplied = field == Field::Org && default_org.is_some();
            if at[field as usize].is_none() && !supplied {
                problems.add(line, Problem::MissingColumn { column });
            }
        }
        // Trailing blank headings (a sheet's formatted but empty columns) widen nothing.
        let width = row.iter().rposition(|c| !c.is_blank()).map_or(0, |i| i + 1);
        Columns { at, width }
    }

    fn add_row(
        &self,
        row: &[Cell<'_>],
        line: usize,
        default_org: Option<&str>,
        batch: &mut Batch,
        problems: &mut Problems,
    ) {
        if row.iter().all(Cell::is_blank) {
            return;
        }
        if row.iter().skip(self.width).any(|c| !c.is_blank()) {
            let found = row.iter().rposition(|c| !c.is_blank()).map_or(0, |i| i + 1);
            let problem = Problem::RowLength {
                found,
                expected: self.width,
            };
            return problems.add(line, problem);
        }
        // A formula that failed is no value, whatever the field: refused, never stored as
        // the text "#N/A".
        for (field, at) in FIELD_NAMES.iter().zip(self.at) {
            if let Some(Cell::Error(error)) = at.and_then(|i| row.get(i)) {
                let problem = Problem::SpreadsheetError {
                    field,
                    error: error.clone(),
                };
                return problems.add(line, problem);
            }
        }
        let mut texts: [Option<String>; FIELD_COUNT] = Default::default();
        for (slot, at) in texts.iter_mut().zip(self.at) {
            *slot = at
                .and_then(|i| row.get(i))
                .filter(|c| !c.is_blank())
                .map(|c| c.shown());
        }
        for field in [Field::Born, Field::Admitted, Field::FullMember] {
            if let Some(Cell::Number(n)) = self.cell(row, field)
                && let Some(day) = serial_day(*n)
            {
                texts[field as usize] = Some(day.to_string());
            }
        }
        let kept_as_number = matches!(self.cell(row, Field::Phone), Some(Cell::Number(_)));
        if let Some(phone) = &mut texts[Field::Phone as usize] {
            match restored_phone(phone) {
                Some(restored) => {
                    let found = std::mem::replace(phone, restored.clone());
                    problems.note(line, Problem::PhoneZeroRestored { found, restored });
                }
                None if kept_as_number => {
                    let found = phone.clone();
                    problems.note(line, Problem::PhoneAsNumber { found });
                }
                None => {}
            }
        }
        let text = |field: Field| texts[field as usize].as_deref();
        let raw = RawMember {
            card: text(Field::Card),
            name: text(Field::Name),
            sex: text(Field::Sex),
            born: text(Field::Born),
            admitted: text(Field::Admitted),
            full_member: text(Field::FullMember),
            org: text(Field::Org).or(default_org),
            cell: text(Field::Cell),
            phone: text(Field::Phone),
            residence: text(Field::Residence),
        };
        let mut fields = Fields::new(problems, line, DateForms::IsoOrDayFirst);
        if let Some(record) = member_record(&raw, line, &mut fields, batch, parse_sex, sex_words) {
            batch.add_member(record);
        }
    }

    fn cell<'r, 'c>(&self, row: &'r [Cell<'c>], field: Field) -> Option<&'r Cell<'c>> {
        self.at[field as usize].and_then(|i| row.get(i))
    }
}

/// A Vietnamese phone number is ten digits starting with 0 (0912 345 678); nine digits
/// without it are one a spreadsheet kept as a number, dropping the 0. `None` for any
/// other number.
fn restored_phone(phone: &str) -> Option<String> {
    let nine_digits = phone.len() == 9 && phone.bytes().all(|b| b.is_ascii_digit());
    (nine_digits && !phone.starts_with('0')).then(|| format!("0{phone}"))
}

/// "Nam"/"Nữ" as Vietnamese sheets write it, or the exchange format's words.
fn parse_sex(word: &str) -> Option<Sex> {
    match fold(word).as_str() {
        "nam" | "male" => Some(Sex::Male),
        "nu" | "female" => Some(Sex::Female),
        _ => None,
    }
}

fn sex_words() -> String {
    "Nam | Nữ | male | female".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sex_reads_vietnamese_and_english() {
        assert_eq!(parse_sex("Nữ"), Some(Sex::Female));
        assert_eq!(parse_sex("NAM"), Some(Sex::Male));
        assert_eq!(parse_sex("female"), Some(Sex::Female));
        assert_eq!(parse_sex("x"), None);
    }

    #[test]
    fn whole_numbers_read_as_their_digits() {
        assert_eq!(number_text(48123456.0), "48123456");
        assert_eq!(number_text(4.5), "4.5");
    }

    #[test]
    fn serials_are_days_of_the_1900_system() {
        assert_eq!(serial_day(45968.0), NaiveDate::from_ymd_opt(2025, 11, 7));
        assert_eq!(serial_day(21246.0), NaiveDate::from_ymd_opt(1958, 3, 2));
        assert_eq!(serial_day(12.0), None);
        assert_eq!(serial_day(-3.0), None);
    }

    #[test]
    fn nine_digits_get_their_zero_back() {
        assert_eq!(restored_phone("912345678").as_deref(), Some("0912345678"));
        assert_eq!(restored_phone("0912345678"), None);
        assert_eq!(restored_phone("2033825111"), None);
    }

    #[test]
    fn a_header_names_a_known_column() {
        let text = |s: &'static str| Cell::Text(Cow::Borrowed(s));
        assert!(is_header(&[text("STT"), text("Họ và tên"), text("Số thẻ")]));
        assert!(!is_header(&[text("DANH SÁCH ĐẢNG VIÊN"), Cell::Empty]));
        assert!(!is_header(&[Cell::Number(1.0)]));
    }
}
