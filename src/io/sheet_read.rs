//! A spreadsheet's filled cells, read where a hostile workbook can do no harm.
//!
//! calamine 0.38.0 trusts what a workbook announces: an .xls stream claiming gigabytes is
//! allocated before it is read (an abort, no panic to catch), a 2 MB .xlsx of whitespace
//! takes 2 GB, an .ods row repeated two million times takes a gigabyte. So the chibo
//! binary reads workbooks in a child process of its own ([`Reading::Child`]) held to
//! [`MEMORY_LIMIT`] of address space and [`CPU_SECONDS`] of processor time; the child
//! hands the cells back over a pipe, and a child that dies of its limits is a workbook
//! refused as too large, with the database untouched.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Sheets};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::member_list::{MAX_CELLS, MAX_COLUMNS};
use crate::domain::Lang;
use crate::domain::text::{quoted, sanitize};

/// The address space a workbook's reading may use: a real member list of ten thousand
/// rows needs a few tens of megabytes.
pub const MEMORY_LIMIT: u64 = 1 << 30;

/// The processor time a workbook's reading may use.
pub const CPU_SECONDS: u64 = 60;

/// The most strings an .xlsx's shared-string table may announce: far past any member list.
const MAX_SHARED_STRINGS: u64 = 4_000_000;

/// Where a workbook is read.
#[derive(Debug, Clone)]
pub enum Reading {
    /// In this process: for tests of the reading itself.
    Here,
    /// In a child process of this executable (the chibo binary), under limits.
    Child(PathBuf),
}

/// One filled cell's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Text(String),
    Number(f64),
    Date(NaiveDate),
    /// A formula's error (`#N/A`).
    Error(String),
}

/// The filled cells of one sheet, by row, then column, numbered from 0.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SheetCells {
    /// The sheet's name.
    pub name: String,
    /// Whether it is the workbook's first sheet.
    pub first: bool,
    pub rows: BTreeMap<u32, Vec<(u32, Value)>>,
}

/// Why a workbook's cells could not be had.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Unread {
    /// The reader's own words on the file.
    Unreadable(String),
    /// An .xlsx's shared-string table announcing more strings than believable, as written.
    Overclaimed(String),
    NoSheets,
    NoSheet {
        wanted: String,
        names: Vec<String>,
    },
    TooLarge {
        sheet: String,
    },
    /// The reading passed [`MEMORY_LIMIT`].
    OverMemory,
    /// The reading passed [`CPU_SECONDS`].
    OverTime,
}

impl Unread {
    /// The refusal of the file at `label`, in `lang`.
    pub fn message(&self, label: &str, lang: Lang) -> String {
        let file = quoted(label);
        let unreadable = |detail: String| {
            lang.pick(
                format!("không đọc được {file} như một bảng tính: {detail}"),
                format!("cannot read {file} as a spreadsheet: {detail}"),
            )
        };
        let megabytes = MEMORY_LIMIT >> 20;
        match self {
            // The reader's words are English: in Vietnamese they are kept, as a detail,
            // after what they mean for the user.
            Unread::Unreadable(detail) => unreadable(lang.pick(
                format!(
                    "tệp hỏng hoặc không đúng định dạng của nó (chi tiết kỹ thuật: {})",
                    sanitize(detail)
                ),
                sanitize(detail).into_owned(),
            )),
            Unread::Overclaimed(claimed) => unreadable(lang.pick(
                format!("bảng chuỗi dùng chung khai {claimed} chuỗi (tối đa {MAX_SHARED_STRINGS})"),
                format!(
                    "its shared-string table claims {claimed} strings (at most {MAX_SHARED_STRINGS})"
                ),
            )),
            Unread::NoSheets => unreadable(lang.pick("không có trang nào", "it has no sheet").into()),
            Unread::NoSheet { wanted, names } => {
                let names = names.iter().map(|n| quoted(n)).collect::<Vec<_>>();
                let names = names.join(", ");
                lang.pick(
                    format!("{file} không có trang {}; các trang: {names}", quoted(wanted)),
                    format!("{file} has no sheet {}; its sheets: {names}", quoted(wanted)),
                )
            }
            Unread::TooLarge { sheet } => unreadable(lang.pick(
                format!(
                    "trang {} quá lớn cho một danh sách đảng viên (quá {MAX_COLUMNS} cột hoặc {MAX_CELLS} ô có dữ liệu)",
                    quoted(sheet)
                ),
                format!(
                    "sheet {} is too large for a member list (over {MAX_COLUMNS} columns or {MAX_CELLS} filled cells)",
                    quoted(sheet)
                ),
            )),
            Unread::OverMemory => unreadable(lang.pick(
                format!(
                    "đọc tệp cần hơn {megabytes} MB bộ nhớ, quá nhiều cho một danh sách đảng viên; hãy lưu lại danh sách dạng CSV UTF-8 hoặc chia nhỏ"
                ),
                format!(
                    "reading it needs over {megabytes} MB of memory, too much for a member list; save the list as CSV UTF-8 or split it"
                ),
            )),
            Unread::OverTime => unreadable(lang.pick(
                format!(
                    "đọc tệp mất hơn {CPU_SECONDS} giây, quá lâu cho một danh sách đảng viên; hãy lưu lại danh sách dạng CSV UTF-8 hoặc chia nhỏ"
                ),
                format!(
                    "reading it takes over {CPU_SECONDS} seconds, too long for a member list; save the list as CSV UTF-8 or split it"
                ),
            )),
        }
    }
}

/// The filled cells of `sheet` (the first when `None`) of the workbook at `path`.
pub fn read(reading: &Reading, path: &Path, sheet: Option<&str>) -> Result<SheetCells, Unread> {
    match reading {
        Reading::Here => read_here(path, sheet),
        Reading::Child(program) => read_in_child(program, path, sheet),
    }
}

/// The child's side: holds this process to the limits, reads, and writes the outcome to
/// `out` for [`read_in_child`]. Call only in a process made for it.
pub fn answer_reading(
    path: &Path,
    sheet: Option<&str>,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    limit_this_process()?;
    let outcome = read_here(path, sheet);
    let bytes = postcard::to_stdvec(&outcome).map_err(std::io::Error::other)?;
    out.write_all(&bytes)?;
    out.flush()
}

/// The hidden subcommand the child runs.
pub const CHILD_COMMAND: &str = "read-sheet";

fn read_in_child(program: &Path, path: &Path, sheet: Option<&str>) -> Result<SheetCells, Unread> {
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};
    let mut command = Command::new(program);
    command.arg(CHILD_COMMAND).arg(path);
    if let Some(sheet) = sheet {
        command.arg("--sheet").arg(sheet);
    }
    let output = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| {
            Unread::Unreadable(format!("{}: {e}", quoted(&program.display().to_string())))
        })?;
    let said = String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        return postcard::from_bytes(&output.stdout)
            .unwrap_or_else(|e| Err(Unread::Unreadable(format!("{e}"))));
    }
    tracing::warn!(status = %output.status, %said, "a workbook's reading stopped");
    match output.status.signal() {
        Some(libc::SIGXCPU) | Some(libc::SIGKILL) => Err(Unread::OverTime),
        // An allocation past the limit aborts: Rust's handler says so first.
        _ if said.contains("memory allocation") || said.contains("capacity overflow") => {
            Err(Unread::OverMemory)
        }
        Some(signal) => Err(Unread::Unreadable(format!("signal {signal}"))),
        None => Err(Unread::Unreadable(said.trim().to_string())),
    }
}

/// Holds this process to [`MEMORY_LIMIT`] and [`CPU_SECONDS`] (or lower limits already
/// set).
fn limit_this_process() -> std::io::Result<()> {
    let limit = |resource, wanted: u64| {
        let mut current = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit and setrlimit only read and write the struct given.
        unsafe {
            if libc::getrlimit(resource, &mut current) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            let hard = current.rlim_max.min(wanted as libc::rlim_t);
            let lowered = libc::rlimit {
                rlim_cur: current.rlim_cur.min(hard),
                rlim_max: hard,
            };
            if libc::setrlimit(resource, &lowered) != 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
        Ok(())
    };
    limit(libc::RLIMIT_AS, MEMORY_LIMIT)?;
    limit(libc::RLIMIT_CPU, CPU_SECONDS)
}

fn read_here(path: &Path, sheet: Option<&str>) -> Result<SheetCells, Unread> {
    if let Some(claimed) = shared_strings_overclaimed(path) {
        return Err(Unread::Overclaimed(claimed));
    }
    // calamine panics on some hostile workbooks; such a file is unreadable, not a crash.
    let mut workbook = crate::store::contained(|| open(path))
        .map_err(Unread::Unreadable)?
        .map_err(|e| Unread::Unreadable(e.to_string()))?;
    let names = workbook.sheet_names();
    let name = match sheet {
        None => names.first().cloned().ok_or(Unread::NoSheets)?,
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .or_else(|| {
                names
                    .iter()
                    .find(|n| n.trim().eq_ignore_ascii_case(wanted.trim()))
            })
            .cloned()
            .ok_or_else(|| Unread::NoSheet {
                wanted: wanted.to_string(),
                names: names.clone(),
            })?,
    };
    let rows = crate::store::contained(|| read_cells(&mut workbook, &name))
        .map_err(Unread::Unreadable)?
        .map_err(|e| match e {
            Failed::Calamine(e) => Unread::Unreadable(e.to_string()),
            Failed::TooLarge => Unread::TooLarge {
                sheet: name.clone(),
            },
        })?;
    Ok(SheetCells {
        first: names.first() == Some(&name),
        name,
        rows,
    })
}

enum Failed {
    Calamine(calamine::Error),
    TooLarge,
}

impl<E: Into<calamine::Error>> From<E> for Failed {
    fn from(e: E) -> Failed {
        Failed::Calamine(e.into())
    }
}

/// The filled cells of sheet `name`. An .xlsx is read cell by cell: a grid as large as
/// two far-apart cells claim (A1 and XFD1048576 are 17 billion cells apart) is never
/// made, and a sheet past the limits is refused as soon as it passes them.
fn read_cells(
    workbook: &mut Sheets<std::io::BufReader<std::fs::File>>,
    name: &str,
) -> Result<BTreeMap<u32, Vec<(u32, Value)>>, Failed> {
    let mut filled = BTreeMap::<u32, Vec<(u32, Value)>>::new();
    let mut count = 0;
    let mut add = |(row, col): (u32, u32), data: &Data| {
        let Some(value) = value(data) else {
            return Ok(());
        };
        count += 1;
        if col >= MAX_COLUMNS || count > MAX_CELLS {
            return Err(Failed::TooLarge);
        }
        filled.entry(row).or_default().push((col, value));
        Ok(())
    };
    match workbook {
        Sheets::Xlsx(xlsx) => {
            let mut cells = xlsx.worksheet_cells_reader(name)?;
            while let Some(cell) = cells.next_cell()? {
                add(cell.get_position(), &Data::from(cell.get_value().clone()))?;
            }
        }
        other => {
            let range = other.worksheet_range(name)?;
            let (top, left) = range.start().unwrap_or((0, 0));
            for (row, col, data) in range.used_cells() {
                add((top + row as u32, left + col as u32), data)?;
            }
        }
    }
    for row in filled.values_mut() {
        row.sort_by_key(|(col, _)| *col);
    }
    Ok(filled)
}

/// A cell's value as the member list reads it; `None` when empty.
fn value(data: &Data) -> Option<Value> {
    Some(match data {
        Data::Empty => return None,
        Data::String(text) => Value::Text(text.clone()),
        Data::Int(n) => Value::Number(*n as f64),
        Data::Float(n) => Value::Number(*n),
        Data::Bool(b) => Value::Text(b.to_string().to_uppercase()),
        Data::DateTime(when) if when.is_datetime() => {
            let (year, month, day, ..) = when.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(year.into(), month.into(), day.into())
                .map_or(Value::Number(when.as_f64()), Value::Date)
        }
        Data::DateTime(when) => Value::Number(when.as_f64()),
        // .ods keeps dates as ISO text, with a time after the day.
        Data::DateTimeIso(text) => Value::Text(text.split('T').next().unwrap_or(text).into()),
        Data::DurationIso(text) => Value::Text(text.clone()),
        Data::Error(e) => Value::Error(format!("{e}")),
    })
}

/// Why an .xlsx's shared-string table cannot be believed, if it cannot: calamine 0.38.0
/// reserves room for as many strings as the table's `uniqueCount` announces before reading
/// one, so a file of 2 KB announcing four billion asks for 100 GB. The child's limit would
/// stop it too; read here first, it is refused with its reason.
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
