//! Member lists in CSV with Vietnamese or English headers, as branches keep them in
//! spreadsheets. Each row goes through the member list's reading (`member_list.rs`) and
//! the same single write transaction as a JSON line.

use std::borrow::Cow;
use std::cell::RefCell;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use super::exchange::{Batch, resolve};
use super::member_list::{Cell, MAX_CELLS, MAX_COLUMNS, MAX_CSV_LINE, MemberList};
use super::problem::{Problem, Problems};
use super::{ImportError, ImportSummary};
use crate::domain::Lang;
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
    let lines = Lines::default();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(lines.counting(input));
    let mut problems = Problems::new(label, lang);
    let mut batch = Batch::keeping_members();
    let mut list = MemberList::new(org);
    let mut row = csv::ByteRecord::new();
    let mut filled = 0;
    while let Some(at) = read_row(&mut reader, &mut row, &lines, &mut problems)? {
        let line = lines.of(at);
        filled += row.iter().filter(|c| !c.is_empty()).count();
        if filled > MAX_CELLS || row.len() > MAX_COLUMNS as usize {
            problems.add(line, Problem::ListTooLarge);
            break;
        }
        let cells = row
            .iter()
            .map(|c| std::str::from_utf8(c).map(|t| Cell::Text(Cow::Borrowed(t))))
            .collect::<Result<Vec<_>, _>>();
        let Ok(cells) = cells else {
            let cell = row.iter().position(|c| std::str::from_utf8(c).is_err());
            let cell = cell.unwrap_or(0) + 1;
            problems.add(line, Problem::CsvNotUtf8 { cell });
            continue;
        };
        if !list.row(&cells, line, &mut batch, &mut problems) {
            break;
        }
    }
    list.finish(&mut problems);
    let mut kept = resolve::Kept::members_of(&mut batch);
    resolve::import_batch(store, batch, problems, &mut kept)
}

/// Reads the next row and says at which byte it starts; a syntax problem is reported at
/// its line and reading goes on.
fn read_row<R: Read>(
    reader: &mut csv::Reader<R>,
    row: &mut csv::ByteRecord,
    lines: &Lines,
    problems: &mut Problems,
) -> Result<Option<u64>, ImportError> {
    loop {
        if problems.is_full() {
            return Ok(None);
        }
        match reader.read_byte_record(row) {
            Ok(true) => return Ok(Some(row.position().map_or(0, |p| p.byte()))),
            Ok(false) => return Ok(None),
            Err(e) => {
                let line = lines.of(e.position().map_or(0, |p| p.byte()));
                let detail = e.to_string();
                match e.into_kind() {
                    csv::ErrorKind::Io(io) if is_line_too_long(&io) => {
                        let line = lines.ends.borrow().newlines.len() + 1;
                        problems.add(
                            line,
                            Problem::LineTooLong {
                                limit: MAX_CSV_LINE,
                            },
                        );
                        return Ok(None);
                    }
                    csv::ErrorKind::Io(io) => return Err(ImportError::Io(io)),
                    _ => problems.add(line, Problem::CsvSyntax { detail }),
                }
            }
        }
    }
}

fn is_line_too_long(e: &std::io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<LineTooLong>())
}

/// Where the file's lines end, as it is read. The CSV reader places a record where it
/// stopped after the one before, which is before the line ends and blank lines it skipped
/// (`\r\n` from Windows among them): a record's line is that of its first byte that ends
/// no line, counted by `\n`.
#[derive(Default, Clone)]
struct Lines {
    ends: Rc<RefCell<LineEnds>>,
}

#[derive(Default)]
struct LineEnds {
    /// The offset of every `\r` and `\n` read so far.
    breaks: Vec<u64>,
    /// The offset of every `\n` read so far.
    newlines: Vec<u64>,
}

impl Lines {
    fn counting<R: Read>(&self, inner: R) -> Counting<R> {
        Counting {
            inner,
            read: 0,
            lines: self.clone(),
        }
    }

    /// The line (from 1) of the first byte from offset `byte` on that ends no line.
    fn of(&self, byte: u64) -> usize {
        let ends = self.ends.borrow();
        let mut at = byte;
        let mut next = ends.breaks.partition_point(|&b| b < at);
        while ends.breaks.get(next) == Some(&at) {
            at += 1;
            next += 1;
        }
        ends.newlines.partition_point(|&n| n < at) + 1
    }
}

/// Passes the file through, noting where each line ends.
struct Counting<R> {
    inner: R,
    read: u64,
    lines: Lines,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut ends = self.lines.ends.borrow_mut();
        for (i, b) in buf[..n].iter().enumerate() {
            let at = self.read + i as u64;
            if matches!(b, b'\r' | b'\n') {
                ends.breaks.push(at);
            }
            if *b == b'\n' {
                ends.newlines.push(at);
            }
        }
        self.read += n as u64;
        let line_start = ends.newlines.last().map_or(0, |n| n + 1);
        if self.read - line_start > MAX_CSV_LINE {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                LineTooLong,
            ));
        }
        Ok(n)
    }
}

/// What [`Counting`] says when a line passes [`MAX_CSV_LINE`], so that the reader does not
/// keep growing a field without end.
#[derive(Debug)]
struct LineTooLong;

impl std::fmt::Display for LineTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a line longer than {MAX_CSV_LINE} bytes")
    }
}

impl std::error::Error for LineTooLong {}

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
    fn lines_are_physical_whatever_ends_them() {
        let lines = Lines::default();
        let mut read = String::new();
        lines
            .counting("a\r\n\r\nb\r\nc\n".as_bytes())
            .read_to_string(&mut read)
            .unwrap();
        assert_eq!(lines.of(0), 1);
        // Where the reader stops after "a": before its "\r\n" and the blank line.
        assert_eq!(lines.of(1), 3);
        assert_eq!(lines.of(5), 3);
        assert_eq!(lines.of(8), 4);
    }
}
