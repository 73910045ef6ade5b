//! Member lists in CSV with Vietnamese or English headers, as branches keep them in
//! spreadsheets. Each row becomes the same member record a JSON line does, and goes through
//! the same checks and the same single write transaction.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use super::exchange::{Batch, DateForms, Fields, RawMember, add_member, resolve};
use super::problem::{Problem, Problems};
use super::{ImportError, ImportSummary};
use crate::domain::text::fold;
use crate::domain::{Lang, Sex};
use crate::store::Store;

/// Imports a member list from CSV in one write transaction (all rows or none). `org` is the
/// branch code used for rows without an org column.
pub fn import_file(
    store: &Store,
    path: &Path,
    org: Option<&str>,
    lang: Lang,
) -> Result<ImportSummary, ImportError> {
    let file = std::fs::File::open(path)?;
    import(store, &path.display().to_string(), file, org, lang)
}

/// Imports a member list read from `input`; `label` names it in `FILE:LINE: message` errors.
pub fn import(
    store: &Store,
    label: &str,
    input: impl Read,
    org: Option<&str>,
    lang: Lang,
) -> Result<ImportSummary, ImportError> {
    let mut input = BufReader::new(input);
    let delimiter = sniff_delimiter(input.fill_buf()?);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(input);
    let mut problems = Problems::new(label, lang);
    let mut batch = Batch::default();
    let mut row = csv::ByteRecord::new();
    let mut columns = None;
    while !problems.is_full() && read_row(&mut reader, &mut row, &mut problems)? {
        let line = row.position().map_or(0, |p| p.line() as usize);
        match &columns {
            None => {
                columns = Some(Columns::from_header(&row, line, org, &mut problems));
                // Rows read with the wrong columns would only repeat the header's problem.
                if !problems.is_empty() {
                    break;
                }
            }
            Some(columns) => columns.add_row(&row, line, org, &mut batch, &mut problems),
        }
    }
    if columns.is_none() {
        problems.add(1, Problem::MissingColumn { column: "card" });
    }
    resolve::import_batch(store, batch, problems)
}

/// Reads the next row; a syntax problem is reported at its line and reading goes on.
fn read_row<R: Read>(
    reader: &mut csv::Reader<R>,
    row: &mut csv::ByteRecord,
    problems: &mut Problems,
) -> Result<bool, ImportError> {
    loop {
        match reader.read_byte_record(row) {
            Ok(more) => return Ok(more),
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                let detail = e.to_string();
                match e.into_kind() {
                    csv::ErrorKind::Io(io) => return Err(ImportError::Io(io)),
                    _ => problems.add(line, Problem::CsvSyntax { detail }),
                }
            }
        }
    }
}

/// Comma unless the header line clearly uses semicolons or tabs (spreadsheets set to a
/// Vietnamese locale save with semicolons).
fn sniff_delimiter(start: &[u8]) -> u8 {
    let header = start.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let count = |d: u8| header.iter().filter(|b| **b == d).count();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| (count(*d), *d == b','))
        .unwrap_or(b',')
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

const ACCEPTED: &str = "Số thẻ/card, Họ và tên/name, Giới tính/sex, Ngày sinh/born, \
    Ngày vào Đảng/admitted, Ngày chính thức/full_member, Chi bộ/org, Tổ đảng/cell, \
    Điện thoại/phone, Nơi cư trú/residence, STT";

/// Which column holds which field.
struct Columns {
    at: [Option<usize>; FIELD_COUNT],
    width: usize,
}

impl Columns {
    fn from_header(
        row: &csv::ByteRecord,
        line: usize,
        default_org: Option<&str>,
        problems: &mut Problems,
    ) -> Columns {
        let mut at = [None; FIELD_COUNT];
        for (index, raw) in row.iter().enumerate() {
            let header = String::from_utf8_lossy(raw);
            let key = fold(header.trim()).replace('_', " ");
            if key.is_empty() || IGNORED.contains(&key.as_str()) {
                continue;
            }
            let Some(&(_, field)) = HEADERS.iter().find(|(word, _)| *word == key) else {
                let header = header.trim().to_string();
                problems.add(
                    line,
                    Problem::UnknownColumn {
                        header,
                        accepted: ACCEPTED,
                    },
                );
                continue;
            };
            let slot = &mut at[field as usize];
            if slot.is_some() {
                let header = header.trim().to_string();
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
        Columns {
            at,
            width: row.len(),
        }
    }

    fn add_row(
        &self,
        row: &csv::ByteRecord,
        line: usize,
        default_org: Option<&str>,
        batch: &mut Batch,
        problems: &mut Problems,
    ) {
        if row.iter().all(|cell| cell.trim_ascii().is_empty()) {
            return;
        }
        let extra = row
            .iter()
            .skip(self.width)
            .any(|c| !c.trim_ascii().is_empty());
        if extra {
            let problem = Problem::RowLength {
                found: row.len(),
                expected: self.width,
            };
            return problems.add(line, problem);
        }
        let Ok(cells) = row
            .iter()
            .map(std::str::from_utf8)
            .collect::<Result<Vec<_>, _>>()
        else {
            let detail = "not UTF-8 text (save the sheet as CSV UTF-8)".to_string();
            return problems.add(line, Problem::CsvSyntax { detail });
        };
        let cell = |field: Field| {
            self.at[field as usize]
                .and_then(|i| cells.get(i).copied())
                .filter(|c| !c.trim().is_empty())
        };
        let raw = RawMember {
            card: cell(Field::Card),
            name: cell(Field::Name),
            sex: cell(Field::Sex),
            born: cell(Field::Born),
            admitted: cell(Field::Admitted),
            full_member: cell(Field::FullMember),
            org: cell(Field::Org).or(default_org),
            cell: cell(Field::Cell),
            phone: cell(Field::Phone),
            residence: cell(Field::Residence),
        };
        let mut fields = Fields::new(problems, line, DateForms::IsoOrDayFirst);
        add_member(&raw, line, &mut fields, batch, parse_sex, sex_words);
    }
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
    fn delimiter_follows_the_header_line() {
        assert_eq!(sniff_delimiter(b"card,name,org\n1;2"), b',');
        assert_eq!(
            sniff_delimiter("Số thẻ;Họ và tên;Chi bộ\n".as_bytes()),
            b';'
        );
        assert_eq!(sniff_delimiter(b"card\tname\n"), b'\t');
        assert_eq!(sniff_delimiter(b"card\n"), b',');
    }

    #[test]
    fn sex_reads_vietnamese_and_english() {
        assert_eq!(parse_sex("Nữ"), Some(Sex::Female));
        assert_eq!(parse_sex("NAM"), Some(Sex::Male));
        assert_eq!(parse_sex("female"), Some(Sex::Female));
        assert_eq!(parse_sex("x"), None);
    }
}
