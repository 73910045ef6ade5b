//! Import and export: the JSON Lines exchange format and member lists in CSV; reports,
//! calendars and minutes (Markdown, .docx) written from the store.

pub mod csv_members;
mod exchange;
pub mod files;
mod grid;
pub mod ics;
pub mod jsonl;
mod member_list;
pub mod minutes;
pub mod output;
mod problem;
pub mod report;
pub mod sheet_members;
pub mod sheet_read;
pub mod space;

pub use problem::PROBLEM_CAP;

use std::fmt;

/// One problem found in an input file, at a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub file: String,
    /// The sheet of a spreadsheet other than its first, shown as `FILE:SHEET!ROW`.
    pub sheet: Option<String>,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LineError {
    /// `FILE:LINE: message`, the file's name escaped like any text from outside: a name
    /// holding an escape sequence shows it as `\u{1b}`, never acting on the terminal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = crate::domain::text::escaped(&self.file);
        match &self.sheet {
            Some(sheet) => write!(
                f,
                "{file}:{}!{}: {}",
                crate::domain::text::escaped(sheet),
                self.line,
                self.message
            ),
            None => write!(f, "{file}:{}: {}", self.line, self.message),
        }
    }
}

/// Why an import wrote nothing (every problem found, up to a cap, or a store failure), or
/// why an export could not start.
#[derive(Debug)]
pub enum ImportError {
    Lines(Vec<LineError>),
    Store(crate::store::StoreError),
    Io(std::io::Error),
    /// A request that cannot be met, such as an unknown `--org`, already in the user's language.
    Invalid(String),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Lines(lines) => {
                for (i, line) in lines.iter().enumerate() {
                    if i > 0 {
                        f.write_str("\n")?;
                    }
                    write!(f, "{line}")?;
                }
                Ok(())
            }
            ImportError::Store(e) => write!(f, "{e}"),
            ImportError::Io(e) => write!(f, "{e}"),
            ImportError::Invalid(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for ImportError {}

impl From<crate::store::StoreError> for ImportError {
    fn from(e: crate::store::StoreError) -> Self {
        ImportError::Store(e)
    }
}

impl From<std::io::Error> for ImportError {
    fn from(e: std::io::Error) -> Self {
        ImportError::Io(e)
    }
}

/// What an import wrote, and what it asks the reader to check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Not refusals: values read in a way the reader should check (a phone number whose
    /// leading 0 was restored), each at its line.
    pub notes: Vec<LineError>,
    pub orgs: usize,
    pub members: usize,
    pub statuses: usize,
    pub roles: usize,
    pub oversight: usize,
    pub meetings: usize,
    pub documents: usize,
    pub classifications: usize,
}
