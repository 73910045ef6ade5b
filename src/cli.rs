//! The command line: `chibo [--db PATH] [--lang vi|en] [--today DATE] <command>`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use crate::clock::Clock;
use crate::domain::YearMonth;
use crate::domain::date::{DateParseError, out_of_range_words, parse_iso};
use crate::domain::text::{path_shown, quoted, sanitize};
use crate::domain::{Lang, Meeting, MeetingId, MeetingKind, OrgUnit};
use crate::io::minutes::MinutesFormat;
use crate::io::output::Output;
use crate::io::report::Format;
use crate::io::{ImportError, ImportSummary, PROBLEM_CAP};
use crate::store::{Reader, Store, StoreError};

#[derive(Debug, Parser)]
#[command(
    name = "chibo",
    version,
    about = "Party-branch organisation, meetings and minutes in the terminal"
)]
pub struct Cli {
    /// Database file [default: chibo.redb in the user's data directory]
    #[arg(long, global = true, env = "CHIBO_DB")]
    pub db: Option<PathBuf>,
    /// Language of messages and screens: vi (default) or en
    #[arg(long, global = true, default_value = "vi", value_parser = clap::value_parser!(LangArg))]
    pub lang: LangArg,
    /// Take this date (YYYY-MM-DD) as today, for anything that depends on the date
    #[arg(long, global = true)]
    pub today: Option<String>,
    /// The offset from UTC that dates and times are read at [default: +07:00, Vietnam]
    #[arg(long, global = true, env = "CHIBO_UTC_OFFSET", value_name = "+HH:MM",
          value_parser = crate::clock::parse_offset)]
    pub utc_offset: Option<chrono::FixedOffset>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// `--lang` as clap sees it.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LangArg {
    Vi,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Vi => Lang::Vi,
            LangArg::En => Lang::En,
        }
    }
}

/// A day given to `option` on the command line, or why it is not one in the user's language.
/// `--today` is read here rather than by clap so that its refusal speaks the chosen language.
fn parse_day(option: &str, text: &str, lang: Lang) -> Result<NaiveDate, String> {
    parse_iso(text).map_err(|e| match e {
        DateParseError::OutOfRange { .. } => {
            format!("{option} {} {}", quoted(text), out_of_range_words(lang))
        }
        _ => lang.pick(
            format!(
                "{option} {}: không phải là một ngày có thật dạng YYYY-MM-DD (ví dụ 2026-11-07)",
                quoted(text)
            ),
            format!(
                "{option} {}: not a real date in the form YYYY-MM-DD (for example 2026-11-07)",
                quoted(text)
            ),
        ),
    })
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create (if absent) and open the demo database [default: demo.redb in the data directory]
    Demo,
    /// Import a JSON Lines file (.jsonl) or a member list (.csv, .xlsx, .xls, .ods): all
    /// of it or nothing
    Import {
        /// The file to import
        file: PathBuf,
        /// Branch code for member list rows that name no branch
        #[arg(long)]
        org: Option<String>,
        /// The sheet of a spreadsheet holding the member list [default: the first]
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
    },
    /// Read a workbook's cells for `import`, in a process of their own (not for users)
    #[command(name = "read-sheet", hide = true)]
    ReadSheet {
        file: PathBuf,
        #[arg(long)]
        sheet: Option<String>,
    },
    /// Write the database (or one subtree) as JSON Lines to standard output; with `ics` the
    /// meetings of a subtree as an iCalendar file, with `minutes` a meeting's minutes
    #[command(args_conflicts_with_subcommands = true)]
    Export {
        /// Export only the subtree rooted at this organisation code
        #[arg(long)]
        org: Option<String>,
        /// Write to this file instead of standard output; it appears only once the
        /// export is complete
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(subcommand)]
        format: Option<ExportFormat>,
    },
    /// Reports on meetings
    Report {
        #[command(subcommand)]
        report: ReportKind,
    },
    /// Verify the store's invariants; exit 1 with a list of problems when any is broken
    Check,
    /// Write a copy of the whole database to DEST while others keep working on it, then
    /// check the copy; never writes over an existing file
    Backup {
        /// The copy to make (a new file, beside which a hidden partial copy is written first)
        dest: PathBuf,
    },
    /// Give the database file's free space back; needs the file to itself (stop `chibo
    /// serve` and every other chibo on it first)
    Compact,
    /// Serve the app over SSH: one database, one app per connection, chibo's own users
    Serve {
        /// Address and port to listen on
        #[arg(long, default_value = "127.0.0.1:2222")]
        listen: std::net::SocketAddr,
        /// The server's ed25519 host key [default: chibo_host_ed25519 beside the database,
        /// made on first start]
        #[arg(long, value_name = "PATH")]
        host_key: Option<PathBuf>,
        /// Seconds a connection has to sign in before it is closed
        #[arg(long, value_name = "SECONDS", default_value_t = 30,
              value_parser = clap::value_parser!(u64).range(1..=600))]
        login_grace: u64,
        /// Connections that may be signing in at once, from everywhere
        #[arg(long, value_name = "N", default_value_t = 64,
              value_parser = clap::value_parser!(u64).range(1..=100_000))]
        max_unauthenticated: u64,
        /// Connections that may be signing in at once from one address
        #[arg(long, value_name = "N", default_value_t = 10,
              value_parser = clap::value_parser!(u64).range(1..=100_000))]
        max_per_address: u64,
        /// The largest file a user may upload or export, in MB (at most 10, the largest
        /// document a meeting keeps)
        #[arg(long, value_name = "MB", default_value_t = 10,
              value_parser = clap::value_parser!(u64).range(1..=10))]
        file_limit_mb: u64,
        /// What one user may keep in their inbox and exports together, in MB
        #[arg(long, value_name = "MB", default_value_t = 100,
              value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
        user_space_mb: u64,
    },
    /// Open straight on a branch's meeting record to take its minutes: the meeting held
    /// on --date (default today), else that month's regular meeting
    Minutes {
        /// The branch
        #[arg(long, value_name = "CODE")]
        org: String,
        /// The day, YYYY-MM-DD [default: today]
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        /// When the month has no meeting, record the branch's regular meeting as held on
        /// the day without asking (at a terminal chibo asks)
        #[arg(long)]
        record: bool,
    },
    /// The audit trail: who changed what, when, in which organisation
    Audit {
        /// Only changes in the subtree of this organisation
        #[arg(long, value_name = "CODE")]
        org: Option<String>,
        /// Only changes on or after this day, YYYY-MM-DD
        #[arg(long, value_name = "YYYY-MM-DD")]
        since: Option<String>,
        /// Only changes by this user
        #[arg(long, value_name = "LOGIN")]
        user: Option<String>,
    },
    /// chibo's users: who may connect to `chibo serve`, with which keys, role and scope
    User {
        #[command(subcommand)]
        action: UserAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Add a user (or replace their role and scope) with a public key
    Add {
        login: String,
        /// An OpenSSH public key file (.pub)
        #[arg(long, value_name = "FILE.pub")]
        key: PathBuf,
        /// admin, officer, secretary or viewer
        #[arg(long)]
        role: String,
        /// The code of the organisation whose subtree the user is held to (none: all)
        #[arg(long, value_name = "ORGCODE")]
        scope: Option<String>,
        /// The person's full name, named with the login on what they approve and amend
        /// (an existing user's is kept when not given)
        #[arg(long, value_name = "FULL NAME")]
        name: Option<String>,
    },
    /// Set or change a user's full name (or take it away with --clear)
    Name {
        login: String,
        /// The full name: "Phạm Ngọc Đường"
        #[arg(value_name = "FULL NAME", required_unless_present = "clear")]
        name: Option<String>,
        /// Take the full name away: the login alone is named
        #[arg(long, conflicts_with = "name")]
        clear: bool,
    },
    /// List the users
    List,
    /// Remove a user
    Remove { login: String },
    /// Key management
    Key {
        #[command(subcommand)]
        action: KeyAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyAction {
    /// Add another public key to a user
    Add {
        login: String,
        #[arg(value_name = "FILE.pub")]
        key: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportFormat {
    /// The meetings of a subtree in a range of months as an iCalendar file (RFC 5545), one
    /// event per meeting, to standard output
    Ics {
        /// The organisation whose subtree's meetings are written
        #[arg(long)]
        org: String,
        /// First month, YYYY-MM
        #[arg(long, value_name = "YYYY-MM")]
        from: String,
        /// Last month, YYYY-MM (included)
        #[arg(long, value_name = "YYYY-MM")]
        to: String,
    },
    /// The minutes of one meeting as the official document (biên bản): Markdown, or a Word
    /// file (.docx, A4), to standard output or --output
    Minutes {
        /// The organisation whose meeting it is (with --date)
        #[arg(
            long,
            required_unless_present = "meeting",
            conflicts_with = "meeting",
            requires = "date"
        )]
        org: Option<String>,
        /// The day of the meeting, YYYY-MM-DD (with --org)
        #[arg(long, value_name = "YYYY-MM-DD", requires = "org")]
        date: Option<String>,
        /// Which of the day's meetings (one of each kind a day at most)
        #[arg(long, value_enum, default_value_t = KindArg::Regular, requires = "org")]
        kind: KindArg,
        /// The meeting's id, instead of --org and --date
        #[arg(long, value_name = "ID")]
        meeting: Option<u64>,
        /// md (Markdown) or docx (Word)
        #[arg(long, value_enum, default_value_t = MinutesFormatArg::Md)]
        format: MinutesFormatArg,
        /// Write to this file instead of standard output
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// `--kind` of a meeting as clap sees it.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum KindArg {
    Regular,
    Thematic,
    Committee,
    Extraordinary,
}

impl From<KindArg> for MeetingKind {
    fn from(k: KindArg) -> MeetingKind {
        match k {
            KindArg::Regular => MeetingKind::Regular,
            KindArg::Thematic => MeetingKind::Thematic,
            KindArg::Committee => MeetingKind::Committee,
            KindArg::Extraordinary => MeetingKind::Extraordinary,
        }
    }
}

/// `--format` of the minutes as clap sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MinutesFormatArg {
    Md,
    Docx,
}

impl From<MinutesFormatArg> for MinutesFormat {
    fn from(f: MinutesFormatArg) -> MinutesFormat {
        match f {
            MinutesFormatArg::Md => MinutesFormat::Markdown,
            MinutesFormatArg::Docx => MinutesFormat::Docx,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum ReportKind {
    /// Each branch's regular meeting of a month: on time, early, late within grace, held out
    /// of rule, overdue, upcoming or not due (judged on today, or --today)
    Compliance {
        /// The organisation whose subtree's branches are reported
        #[arg(long)]
        org: String,
        /// The month, YYYY-MM
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
        /// table (for people, in --lang), json or csv (for programs), xlsx (a workbook);
        /// without it, what --output's extension names, else table
        #[arg(long, value_enum)]
        format: Option<ReportFormat>,
        /// Write to this file instead of standard output
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// A subtree's month, or the twelve months of a year: branches due and how they kept
    /// their regular meeting, meetings held, attendance at regular meetings, visits from above
    Attendance {
        /// The organisation whose subtree is counted
        #[arg(long)]
        org: String,
        /// The month, YYYY-MM
        #[arg(
            long,
            value_name = "YYYY-MM",
            required_unless_present = "year",
            conflicts_with = "year"
        )]
        month: Option<String>,
        /// A whole year, YYYY: twelve rows
        #[arg(long, value_name = "YYYY")]
        year: Option<String>,
        /// branch: one row per branch of the subtree, with its own figures (the year's
        /// totals with --year)
        #[arg(long, value_enum, value_name = "branch")]
        by: Option<AttendanceBy>,
        /// table (for people, in --lang), json or csv (for programs), xlsx (a workbook);
        /// without it, what --output's extension names, else table
        #[arg(long, value_enum)]
        format: Option<ReportFormat>,
        /// Write to this file instead of standard output
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// The members of a subtree by their status at the end of a month (this month unless
    /// --month says otherwise)
    Members {
        /// The organisation whose subtree is counted
        #[arg(long)]
        org: String,
        /// The month, YYYY-MM [default: the month of today]
        #[arg(long, value_name = "YYYY-MM")]
        month: Option<String>,
        /// table (for people, in --lang), json or csv (for programs), xlsx (a workbook);
        /// without it, what --output's extension names, else table
        #[arg(long, value_enum)]
        format: Option<ReportFormat>,
        /// Write to this file instead of standard output
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Members absent without permission from the regular meeting in 3 or more months of a
    /// year, for the branch to consider proposing their removal
    Absentees {
        /// The organisation whose subtree's members are listed
        #[arg(long)]
        org: String,
        /// The year, YYYY
        #[arg(long, value_name = "YYYY")]
        year: String,
        /// table (for people, in --lang), json or csv (for programs), xlsx (a workbook);
        /// without it, what --output's extension names, else table
        #[arg(long, value_enum)]
        format: Option<ReportFormat>,
        /// Write to this file instead of standard output
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// The year's classification of a subtree: each organisation's grade and score, the
    /// units graded good or better against the target, the members by grade
    Classification {
        /// The organisation whose subtree is reported
        #[arg(long)]
        org: String,
        /// The year, YYYY
        #[arg(long, value_name = "YYYY")]
        year: String,
        /// table (for people, in --lang), json or csv (for programs), xlsx (a workbook);
        /// without it, what --output's extension names, else table
        #[arg(long, value_enum)]
        format: Option<ReportFormat>,
        /// Write to this file instead of standard output
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Committee members' visits to branch meetings in a year against their quotas
    Oversight {
        /// The year, YYYY
        #[arg(long, value_name = "YYYY")]
        year: String,
        /// Only the roles held in the subtree of this organisation [default: every tree]
        #[arg(long)]
        org: Option<String>,
        /// table (for people, in --lang), json or csv (for programs), xlsx (a workbook);
        /// without it, what --output's extension names, else table
        #[arg(long, value_enum)]
        format: Option<ReportFormat>,
        /// Write to this file instead of standard output
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// `--by` of `chibo report attendance`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AttendanceBy {
    Branch,
}

/// `--format` as clap sees it.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ReportFormat {
    Table,
    Json,
    Csv,
    Xlsx,
}

impl From<ReportFormat> for Format {
    fn from(f: ReportFormat) -> Format {
        match f {
            ReportFormat::Table => Format::Table,
            ReportFormat::Json => Format::Json,
            ReportFormat::Csv => Format::Csv,
            ReportFormat::Xlsx => Format::Xlsx,
        }
    }
}

/// What an import made to have a database where there was none: undone when nothing was
/// imported, so a refused file leaves no empty database (nor its folder) behind.
struct NewDatabase {
    /// The file, when it was not there.
    file: Option<PathBuf>,
    /// The folders made for it, deepest first.
    folders: Vec<PathBuf>,
}

impl NewDatabase {
    fn before(path: &Path) -> NewDatabase {
        let folders = path
            .ancestors()
            .skip(1)
            .filter(|dir| !dir.as_os_str().is_empty())
            .take_while(|dir| !dir.exists())
            .map(Path::to_path_buf)
            .collect();
        NewDatabase {
            file: (!path.exists()).then(|| path.to_path_buf()),
            folders,
        }
    }

    fn undo(self) {
        let Some(file) = self.file else { return };
        let _ = std::fs::remove_file(&file);
        let _ = std::fs::remove_dir_all(crate::store::journal_dir(&file));
        for dir in self.folders {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// Workbooks are read by this very binary in a child process under limits (see
/// `io/sheet_read.rs`).
fn workbook_reading(lang: Lang) -> Result<crate::io::sheet_read::Reading, String> {
    std::env::current_exe()
        .map(crate::io::sheet_read::Reading::Child)
        .map_err(|e| {
            lang.pick(
                format!("không tìm thấy chương trình chibo để đọc bảng tính: {e}"),
                format!("cannot find the chibo program to read the spreadsheet with: {e}"),
            )
        })
}

/// Runs the command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let lang = Lang::from(cli.lang);
    // A damaged file can make redb panic in any read (see `store::guarded`): the user is
    // told the database is damaged, with exit status 1, whatever the command.
    let outcome =
        crate::store::guarded(|| dispatch(&cli, lang)).unwrap_or_else(|e| Err(e.message(lang)));
    match outcome {
        Ok(code) => code,
        Err(message) => {
            eprintln!("chibo: {message}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(cli: &Cli, lang: Lang) -> Result<ExitCode, String> {
    let offset = cli.utc_offset.unwrap_or_else(crate::clock::vietnam_offset);
    // A wrong `--today` is a wrong command line: exit 2, as for every other option.
    let today = match cli.today.as_deref().map(|t| parse_day("--today", t, lang)) {
        Some(Err(refusal)) => return Ok(usage_error(refusal)),
        Some(Ok(day)) => Some(day),
        None => None,
    };
    let clock = Clock::configured(today, offset);
    // A command that runs once judges everything on the day it started; the app and the
    // server ask the clock again as they go.
    let today = clock.today();
    // Only `import`, `demo` and `user add` make a database where there is none: every
    // other command is refused a path with no file, so a mistyped --db is not an empty
    // database that passes every check.
    let ready = |store: Store, lang: Lang| {
        tell_upgrade(&store, lang);
        store.with_clock(clock.clone())
    };
    let open = |db: Option<&Path>, file_name: &str, lang: Lang| {
        open(db, file_name, lang, false).map(|store| ready(store, lang))
    };
    let create = |lang: Lang| {
        self::open(cli.db.as_deref(), "chibo.redb", lang, true).map(|store| ready(store, lang))
    };
    let load = |lang: Lang| {
        Store::open_to_load(&database_path(cli.db.as_deref(), "chibo.redb"))
            .map(|store| ready(store, lang))
            .map_err(|e| e.message(lang))
    };
    let scan = |lang: Lang| open_to_scan(cli.db.as_deref(), lang).map(|store| ready(store, lang));
    // What writes the file (import) or keeps what it reads of it (export, backup, check)
    // first verifies every page (see `Store::verify_file`).
    let verified = |lang: Lang| {
        let path = database_path(cli.db.as_deref(), "chibo.redb");
        match path.exists() {
            true => Store::verify_file(&path).map_err(|e| e.message(lang)),
            false => Ok(()),
        }
    };
    match &cli.command {
        None => open_app(open(cli.db.as_deref(), "chibo.redb", lang)?, &clock, lang),
        Some(Command::Demo) => demo(cli.db.as_deref(), &clock, lang),
        Some(Command::Import { file, org, sheet }) => {
            let kind = InputKind::of(file);
            if sheet.is_some() && kind != InputKind::Spreadsheet {
                return Err(lang.pick(
                    "--sheet chỉ dùng cho bảng tính (.xlsx, .xls, .ods)".to_string(),
                    "--sheet is for spreadsheets (.xlsx, .xls, .ods)".to_string(),
                ));
            }
            // Said before a database is made for it.
            if file.is_dir() {
                return Err(a_folder(file, lang));
            }
            if let Err(e) = std::fs::File::open(file) {
                return Err(unreadable(file, &e, lang));
            }
            verified(lang)?;
            bound_allocator_memory();
            let made = NewDatabase::before(&database_path(cli.db.as_deref(), "chibo.redb"));
            let store = load(lang)?;
            let (org, sheet) = (org.as_deref(), sheet.as_deref());
            let outcome = match kind {
                InputKind::Csv => crate::io::csv_members::import_file(&store, file, org, lang),
                InputKind::Spreadsheet => {
                    let reading = workbook_reading(lang)?;
                    crate::io::sheet_members::import_file(&store, file, org, sheet, &reading, lang)
                }
                InputKind::Jsonl => crate::io::jsonl::import_file(&store, file, lang),
            };
            if outcome.is_err() {
                drop(store);
                made.undo();
            }
            imported(outcome, lang)
        }
        Some(Command::ReadSheet { file, sheet }) => {
            crate::io::sheet_read::answer_reading(file, sheet.as_deref(), &mut std::io::stdout())
                .map_err(|e| e.to_string())?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Export {
            org,
            output,
            format: None,
        }) => export(
            &verified(lang).and_then(|()| scan(lang))?,
            org.as_deref(),
            output.as_deref(),
            lang,
        ),
        Some(Command::Export {
            format: Some(ExportFormat::Ics { org, from, to }),
            ..
        }) => {
            let Some((from, to)) = month_range(from, to, lang) else {
                return Ok(ExitCode::from(2));
            };
            let store = open(cli.db.as_deref(), "chibo.redb", lang)?;
            export_ics(&store, org, (from, to), &clock, lang)
        }
        Some(Command::Export {
            format:
                Some(ExportFormat::Minutes {
                    org,
                    date,
                    kind,
                    meeting,
                    format,
                    output,
                }),
            ..
        }) => {
            let which = match (meeting, org, date) {
                (Some(id), _, _) => WhichMeeting::Id(MeetingId(*id)),
                (None, Some(org), Some(date)) => {
                    let Some(day) = date_arg("--date", date, lang) else {
                        return Ok(ExitCode::from(2));
                    };
                    WhichMeeting::On {
                        org,
                        day,
                        kind: (*kind).into(),
                    }
                }
                // clap asks for --meeting, or --org with --date, before this runs.
                _ => return Ok(ExitCode::from(2)),
            };
            if binary_to_terminal(*format, output.as_deref(), lang) {
                return Ok(ExitCode::from(2));
            }
            let store = open(cli.db.as_deref(), "chibo.redb", lang)?;
            export_minutes(&store, which, (*format).into(), output.as_deref(), lang)
        }
        Some(Command::Report { report }) => report_command(cli, report, today, lang),
        Some(Command::Check) => {
            verified(lang)?;
            check(&scan(lang)?, lang)
        }
        Some(Command::Backup { dest }) => {
            let path = database_path(cli.db.as_deref(), "chibo.redb");
            // A mistyped --db would otherwise be made, empty, only to be copied.
            if !path.exists() {
                let missing = crate::store::BackupError::NoDatabase(path);
                return Err(missing.message(lang));
            }
            verified(lang)?;
            backup(&scan(lang)?, dest, lang)
        }
        Some(Command::Compact) => compact(&database_path(cli.db.as_deref(), "chibo.redb"), lang),
        Some(Command::Serve {
            listen,
            host_key,
            login_grace,
            max_unauthenticated,
            max_per_address,
            file_limit_mb,
            user_space_mb,
        }) => {
            let path = database_path(cli.db.as_deref(), "chibo.redb");
            let store = open(cli.db.as_deref(), "chibo.redb", lang)?;
            let host_key = host_key
                .clone()
                .unwrap_or_else(|| crate::ssh::default_host_key(&path));
            crate::ssh::serve(
                store,
                crate::ssh::ServeOptions {
                    listen: *listen,
                    host_key,
                    lang,
                    clock: clock.clone(),
                    gate: crate::ssh::GateLimits {
                        unauthenticated: *max_unauthenticated as usize,
                        per_address: *max_per_address as usize,
                        login_grace: std::time::Duration::from_secs(*login_grace),
                    },
                    spaces: crate::io::space::Spaces::beside(
                        &path,
                        crate::io::space::SpaceLimits {
                            file_bytes: mb(*file_limit_mb),
                            user_bytes: mb(*user_space_mb),
                        },
                    ),
                },
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Minutes { org, date, record }) => {
            let day = match date {
                Some(text) => match date_arg("--date", text, lang) {
                    Some(day) => day,
                    None => return Ok(ExitCode::from(2)),
                },
                None => today,
            };
            let store = open(cli.db.as_deref(), "chibo.redb", lang)?;
            minutes_home(store, (org, day, *record), &clock, lang)
        }
        Some(Command::Audit { org, since, user }) => {
            let since = match since {
                Some(text) => match date_arg("--since", text, lang) {
                    Some(day) => Some(day),
                    None => return Ok(ExitCode::from(2)),
                },
                None => None,
            };
            let store = open(cli.db.as_deref(), "chibo.redb", lang)?;
            super::cli_users::audit(&store, org.as_deref(), since, user.as_deref(), lang)
        }
        Some(Command::User {
            action: action @ UserAction::Add { .. },
        }) => super::cli_users::run(&create(lang)?, action, lang),
        Some(Command::User { action }) => {
            super::cli_users::run(&open(cli.db.as_deref(), "chibo.redb", lang)?, action, lang)
        }
    }
}

/// The database path: `--db` / `CHIBO_DB`, else `file_name` in the user's data directory.
pub fn database_path(db: Option<&Path>, file_name: &str) -> PathBuf {
    match db {
        Some(path) => path.to_path_buf(),
        None => dirs::data_dir()
            .unwrap_or_else(|| PathBuf::from("."))
            .join("chibo")
            .join(file_name),
    }
}

/// Says, on standard error, that opening the file brought it up to date, and what is left
/// to do: the upgrade rewrote tables beside their old pages, and only `compact` gives the
/// space they took back.
fn tell_upgrade(store: &Store, lang: Lang) {
    let Some(from) = store.upgraded_from() else {
        return;
    };
    let to = crate::store::SCHEMA_VERSION;
    let path = path_shown(store.path());
    eprintln!(
        "{}",
        lang.pick(
            format!(
                "đã nâng cấp {path} (lược đồ {from} → {to}); `chibo compact` (khi không chibo nào khác đang mở tệp) trả lại dung lượng mà việc nâng cấp để lại"
            ),
            format!(
                "brought {path} up to date (schema {from} → {to}); `chibo compact` (with no other chibo using the file) gives back the space the upgrade left"
            ),
        )
    );
}

/// The database for a command that reads it through once (`check`, `export`, `backup`).
fn open_to_scan(db: Option<&Path>, lang: Lang) -> Result<Store, String> {
    Store::open_to_scan(&database_path(db, "chibo.redb")).map_err(|e| e.message(lang))
}

fn open(db: Option<&Path>, file_name: &str, lang: Lang, create: bool) -> Result<Store, String> {
    let path = database_path(db, file_name);
    let opened = if create {
        Store::open(&path)
    } else {
        Store::open_existing(&path)
    };
    opened.map_err(|e| e.message(lang))
}

/// Megabytes as the limits count them (MiB, as file managers show sizes).
fn mb(n: u64) -> u64 {
    n * 1024 * 1024
}

fn store_message(e: StoreError, lang: Lang) -> String {
    e.message(lang)
}

/// An import writes the store's pages from two threads and reads and parses on others.
/// glibc gives each thread an arena of its own (up to eight per core), and a page buffer
/// one thread allocates and another frees stays in the first one's arena; and once a large
/// buffer is freed, glibc stops giving large buffers pages of their own, so freed bulks
/// stay in the heap. The country's import then peaked some 250 MB higher. Two arenas (one
/// for this thread, one the others share) and pages of their own for every buffer of a
/// megabyte or more keep it where it was, and it was no slower.
fn bound_allocator_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt sets limits under the allocator's own lock and touches no memory of
    // ours; they hold for what is allocated after.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// Prints what an import error says, one problem a line, and returns the one-line verdict.
fn import_failure(e: ImportError, lang: Lang) -> String {
    match e {
        ImportError::Lines(mut lines) => {
            // Past the cap the list ends with a note that checking stopped: said up front
            // instead, and the count is not claimed.
            let capped = lines.len() > PROBLEM_CAP;
            if capped {
                lines.truncate(PROBLEM_CAP);
                eprintln!(
                    "{}",
                    lang.pick(
                        format!("có ít nhất {PROBLEM_CAP} lỗi; {PROBLEM_CAP} lỗi đầu tiên:"),
                        format!("at least {PROBLEM_CAP} problems; the first {PROBLEM_CAP}:"),
                    )
                );
            }
            for line in &lines {
                eprintln!("{line}");
            }
            match capped {
                true => lang
                    .pick("không có gì được nhập", "nothing was imported")
                    .to_string(),
                false => {
                    let n = lines.len();
                    let errors = if n == 1 { "error" } else { "errors" };
                    lang.pick(
                        format!("{n} lỗi; không có gì được nhập"),
                        format!("{n} {errors}; nothing was imported"),
                    )
                }
            }
        }
        ImportError::Store(e) => store_message(e, lang),
        ImportError::Io(e) => e.to_string(),
        ImportError::Invalid(message) => message,
    }
}

fn describe_import(s: &ImportSummary, lang: Lang) -> String {
    let mut counts = vec![
        lang.count(s.orgs, "tổ chức", "organisation", "organisations"),
        lang.count(s.members, "đảng viên", "member", "members"),
        lang.count(
            s.statuses,
            "thay đổi tình trạng",
            "status change",
            "status changes",
        ),
        lang.count(s.roles, "chức vụ", "role", "roles"),
        lang.count(
            s.oversight,
            "phân công theo dõi",
            "oversight assignment",
            "oversight assignments",
        ),
        lang.count(s.meetings, "cuộc họp", "meeting", "meetings"),
        lang.count(
            s.classifications,
            "xếp loại",
            "classification",
            "classifications",
        ),
    ];
    if s.documents > 0 {
        counts.push(lang.count(s.documents, "tài liệu", "document", "documents"));
    }
    format!("{} {}", lang.pick("đã nhập", "imported"), counts.join(", "))
}

/// What `chibo import` reads a file as, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum InputKind {
    Jsonl,
    Csv,
    Spreadsheet,
}

impl InputKind {
    fn of(file: &Path) -> InputKind {
        let extension = file
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match extension.as_deref() {
            Some("csv") => InputKind::Csv,
            Some("xlsx" | "xlsm" | "xls" | "ods") => InputKind::Spreadsheet,
            _ => InputKind::Jsonl,
        }
    }
}

/// An input file that cannot be opened, named.
fn unreadable(file: &Path, e: &std::io::Error, lang: Lang) -> String {
    let name = quoted(&file.display().to_string());
    match e.kind() {
        std::io::ErrorKind::NotFound => lang.pick(
            format!("không có tệp {name} để nhập"),
            format!("no file {name} to import"),
        ),
        _ => lang.pick(
            format!("không đọc được tệp {name}: {e}"),
            format!("cannot read {name}: {e}"),
        ),
    }
}

fn imported(outcome: Result<ImportSummary, ImportError>, lang: Lang) -> Result<ExitCode, String> {
    let summary = outcome.map_err(|e| import_failure(e, lang))?;
    for note in &summary.notes {
        eprintln!("{note}");
    }
    eprintln!("{}", describe_import(&summary, lang));
    Ok(ExitCode::SUCCESS)
}

fn export(
    store: &Store,
    org: Option<&str>,
    output: Option<&Path>,
    lang: Lang,
) -> Result<ExitCode, String> {
    let reader = store.read().map_err(|e| store_message(e, lang))?;
    let mut out = output_to(output, lang)?;
    let written = crate::io::jsonl::export(&reader, org, &mut out, lang)
        .and_then(|()| out.finish().map_err(ImportError::Io));
    match written {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // A reader that stopped early (`chibo export | head`) got what it wanted.
        Err(ImportError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(import_failure(e, lang)),
    }
}

/// Standard output, or the file at `path`, which appears only once all of it is written.
fn output_to(path: Option<&Path>, lang: Lang) -> Result<Output, String> {
    match path {
        None => Ok(Output::stdout()),
        Some(path) if path.is_dir() => Err(a_folder(path, lang)),
        Some(path) => Output::file(path).map_err(|e| cannot_write(path, &e, lang)),
    }
}

/// A folder given where a file is read or written: said before either, with the path (the
/// system's own error names neither).
fn a_folder(path: &Path, lang: Lang) -> String {
    lang.pick(
        format!("{} là một thư mục; hãy cho tên một tệp", path_shown(path)),
        format!("{} is a folder; name a file instead", path_shown(path)),
    )
}

fn cannot_write(path: &Path, e: &std::io::Error, lang: Lang) -> String {
    lang.pick(
        format!("không ghi được {}: {e}", path_shown(path)),
        format!("cannot write {}: {e}", path_shown(path)),
    )
}

/// A month given on the command line; `None` after saying what is wrong with it.
fn month_arg(option: &str, text: &str, lang: Lang) -> Option<YearMonth> {
    let month = text.parse().ok();
    if month.is_none() {
        usage_error(lang.pick(
            format!(
                "{option} {}: không phải là một tháng dạng YYYY-MM (ví dụ 2026-10)",
                quoted(text)
            ),
            format!(
                "{option} {}: not a month in the form YYYY-MM (for example 2026-10)",
                quoted(text)
            ),
        ));
    }
    month
}

/// `--from` and `--to` months in order; `None` after saying what is wrong.
fn month_range(from: &str, to: &str, lang: Lang) -> Option<(YearMonth, YearMonth)> {
    let (from, to) = (
        month_arg("--from", from, lang)?,
        month_arg("--to", to, lang)?,
    );
    if from > to {
        usage_error(lang.pick(
            format!("tháng --from ({from}) ở sau tháng --to ({to})"),
            format!("the --from month ({from}) is after the --to month ({to})"),
        ));
        return None;
    }
    Some((from, to))
}

/// Says what is wrong with the command line, and exits as clap does for its own errors.
fn usage_error(message: String) -> ExitCode {
    eprintln!("chibo: {message}");
    ExitCode::from(2)
}

/// The organisation with `code`, or a message naming the code.
fn org_named(reader: &Reader, code: &str, lang: Lang) -> Result<OrgUnit, String> {
    reader
        .org_by_code(code)
        .map_err(|e| store_message(e, lang))?
        .ok_or_else(|| {
            lang.pick(
                format!("không có tổ chức mã {}", quoted(code)),
                format!("no organisation with code {}", quoted(code)),
            )
        })
}

/// A year given on the command line (four digits); `None` after saying what is wrong.
fn year_arg(text: &str, lang: Lang) -> Option<i32> {
    let year = (text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse::<i32>().ok())
        .flatten()
        .filter(|y| *y >= 1);
    if year.is_none() {
        usage_error(lang.pick(
            format!(
                "--year {}: không phải là một năm dạng YYYY (ví dụ 2026)",
                quoted(text)
            ),
            format!(
                "--year {}: not a year in the form YYYY (for example 2026)",
                quoted(text)
            ),
        ));
    }
    year
}

/// The format asked for, else the one `--output`'s extension names (`.xlsx`, `.csv`,
/// `.json`), else a table: `--output bao-cao.xlsx` alone writes a workbook, not a table in a
/// file named like one.
fn report_format(format: Option<ReportFormat>, output: Option<&Path>) -> Format {
    if let Some(format) = format {
        return format.into();
    }
    let extension = output
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("xlsx") => Format::Xlsx,
        Some("csv") => Format::Csv,
        Some("json") => Format::Json,
        _ => Format::Table,
    }
}

/// Where a report goes: `--output FILE`, else standard output. A workbook is not written
/// to a terminal, where it would only be noise.
fn report_output(output: Option<&Path>, format: Format, lang: Lang) -> Result<Output, String> {
    use std::io::IsTerminal;
    if output.is_none() && format == Format::Xlsx && std::io::stdout().is_terminal() {
        return Err(lang.pick(
            "tệp xlsx cần --output TỆP (hoặc chuyển hướng đầu ra)".to_string(),
            "an xlsx workbook needs --output FILE (or redirected output)".to_string(),
        ));
    }
    output_to(output, lang)
}

/// Runs one `chibo report …`: checks its arguments, opens the database, writes the report.
fn report_command(
    cli: &Cli,
    report: &ReportKind,
    today: NaiveDate,
    lang: Lang,
) -> Result<ExitCode, String> {
    let (format, output) = match report {
        ReportKind::Compliance { format, output, .. }
        | ReportKind::Attendance { format, output, .. }
        | ReportKind::Members { format, output, .. }
        | ReportKind::Absentees { format, output, .. }
        | ReportKind::Classification { format, output, .. }
        | ReportKind::Oversight { format, output, .. } => {
            (report_format(*format, output.as_deref()), output)
        }
    };
    let Some(request) = report_request(report, today, lang) else {
        return Ok(ExitCode::from(2));
    };
    let store = open(cli.db.as_deref(), "chibo.redb", lang, false)?;
    let reader = store.read().map_err(|e| store_message(e, lang))?;
    let mut out = report_output(output.as_deref(), format, lang)?;
    let written = write_report(&reader, request, today, format, lang, &mut out)?;
    quiet_on_broken_pipe(written.and_then(|()| out.finish()))
}

/// A report with its arguments checked.
enum ReportRequest<'a> {
    Compliance(&'a str, YearMonth),
    /// The subtree's code, the period, and whether one row per branch is asked for.
    Attendance(&'a str, crate::io::report::Period, bool),
    Members(&'a str, YearMonth),
    Absentees(&'a str, i32),
    Classification(&'a str, i32),
    Oversight(Option<&'a str>, i32),
}

/// The report asked for; `None` after saying what is wrong with an argument.
fn report_request(report: &ReportKind, today: NaiveDate, lang: Lang) -> Option<ReportRequest<'_>> {
    use crate::io::report::Period;
    Some(match report {
        ReportKind::Compliance { org, month, .. } => {
            ReportRequest::Compliance(org, month_arg("--month", month, lang)?)
        }
        ReportKind::Attendance {
            org,
            month,
            year,
            by,
            ..
        } => {
            let period = match (month, year) {
                (Some(month), _) => Period::Month(month_arg("--month", month, lang)?),
                (None, Some(year)) => Period::Year(year_arg(year, lang)?),
                (None, None) => unreachable!("clap requires --month or --year"),
            };
            ReportRequest::Attendance(org, period, by.is_some())
        }
        ReportKind::Members { org, month, .. } => {
            let month = match month {
                Some(month) => month_arg("--month", month, lang)?,
                None => YearMonth::of(today),
            };
            ReportRequest::Members(org, month)
        }
        ReportKind::Absentees { org, year, .. } => {
            ReportRequest::Absentees(org, year_arg(year, lang)?)
        }
        ReportKind::Classification { org, year, .. } => {
            ReportRequest::Classification(org, year_arg(year, lang)?)
        }
        ReportKind::Oversight { org, year, .. } => {
            ReportRequest::Oversight(org.as_deref(), year_arg(year, lang)?)
        }
    })
}

/// Reads what `request` needs and writes it; a store error is the outer `Err`, a write
/// error the inner one.
fn write_report(
    reader: &Reader,
    request: ReportRequest<'_>,
    today: NaiveDate,
    format: Format,
    lang: Lang,
    out: &mut impl Write,
) -> Result<std::io::Result<()>, String> {
    use crate::io::report;
    let store_error = |e| store_message(e, lang);
    Ok(match request {
        ReportRequest::Compliance(code, month) => {
            let root = org_named(reader, code, lang)?;
            let rows = reader
                .compliance_report(root.id, month, today)
                .map_err(store_error)?;
            report::compliance(&root, month, today, &rows, format, lang, out)
        }
        ReportRequest::Attendance(code, period, true) => {
            let root = org_named(reader, code, lang)?;
            let (first, last) = period.bounds();
            let rows = reader
                .attendance_by_branch(root.id, first, last)
                .map_err(store_error)?;
            report::attendance_by_branch(&root, period, &rows, today, format, lang, out)
        }
        ReportRequest::Attendance(code, period, false) => {
            let root = org_named(reader, code, lang)?;
            let mut months = Vec::new();
            for month in period.months() {
                months.push((
                    month,
                    reader.month_stats(root.id, month).map_err(store_error)?,
                ));
            }
            report::attendance(&root, period, &months, today, format, lang, out)
        }
        ReportRequest::Members(code, month) => {
            let root = org_named(reader, code, lang)?;
            let stats = reader.month_stats(root.id, month).map_err(store_error)?;
            report::members(&root, month, &stats, format, lang, out)
        }
        ReportRequest::Absentees(code, year) => {
            let root = org_named(reader, code, lang)?;
            let rows = reader.absentees(root.id, year).map_err(store_error)?;
            report::absentees(&root, year, &rows, format, lang, out)
        }
        ReportRequest::Classification(code, year) => {
            let root = org_named(reader, code, lang)?;
            let grades = reader
                .classification_report(root.id, year)
                .map_err(store_error)?;
            let config = crate::domain::ClassificationConfig::default();
            report::classification(&root, year, &grades, &config, format, lang, out)
        }
        ReportRequest::Oversight(code, year) => {
            let roots = match code {
                Some(code) => vec![org_named(reader, code, lang)?],
                None => reader.children(None, 0, usize::MAX).map_err(store_error)?,
            };
            let config = crate::domain::oversight::QuotaConfig::default();
            let mut rows = Vec::new();
            for root in roots {
                rows.extend(
                    reader
                        .quota_standings(root.id, year, today, &config)
                        .map_err(store_error)?,
                );
            }
            report::oversight(year, &rows, today, format, lang, out)
        }
    })
}

fn export_ics(
    store: &Store,
    code: &str,
    months: (YearMonth, YearMonth),
    clock: &Clock,
    lang: Lang,
) -> Result<ExitCode, String> {
    let reader = store.read().map_err(|e| store_message(e, lang))?;
    let root = org_named(&reader, code, lang)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = crate::io::ics::export(&reader, &root, months, clock.now_utc(), lang, &mut out)
        .and_then(|()| out.flush().map_err(ImportError::Io));
    match written {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(ImportError::Io(e)) => quiet_on_broken_pipe(Err(e)),
        Err(e) => Err(import_failure(e, lang)),
    }
}

/// A meeting named on the command line.
enum WhichMeeting<'a> {
    Id(MeetingId),
    On {
        org: &'a str,
        day: NaiveDate,
        kind: MeetingKind,
    },
}

/// A day given on the command line; `None` after saying what is wrong with it.
pub(crate) fn date_arg(option: &str, text: &str, lang: Lang) -> Option<NaiveDate> {
    parse_day(option, text, lang).map_err(usage_error).ok()
}

/// Whether a .docx file was about to be written on a terminal, where it would only be
/// garbage on the screen; says so, and how to write it to a file instead.
fn binary_to_terminal(format: MinutesFormatArg, output: Option<&Path>, lang: Lang) -> bool {
    use std::io::IsTerminal;
    let refused =
        format == MinutesFormatArg::Docx && output.is_none() && std::io::stdout().is_terminal();
    if refused {
        usage_error(
            lang.pick(
                "tệp .docx không hiển thị được trên màn hình: hãy dùng --output TỆP.docx hoặc \
             chuyển hướng ra tệp (> TỆP.docx)"
                    .to_string(),
                "a .docx file cannot be shown on a terminal: use --output FILE.docx or redirect \
             it to a file (> FILE.docx)"
                    .to_string(),
            ),
        );
    }
    refused
}

fn export_minutes(
    store: &Store,
    which: WhichMeeting<'_>,
    format: MinutesFormat,
    output: Option<&Path>,
    lang: Lang,
) -> Result<ExitCode, String> {
    let reader = store.read().map_err(|e| store_message(e, lang))?;
    let id = match which {
        WhichMeeting::Id(id) => id,
        WhichMeeting::On { org, day, kind } => {
            let org = org_named(&reader, org, lang)?;
            meeting_on(&reader, &org, day, kind, lang)?.id
        }
    };
    // Written whole before anything goes out, so a failure never leaves half a document.
    let mut bytes = Vec::new();
    crate::io::minutes::export_minutes(&reader, id, format, lang, &mut bytes)
        .map_err(|e| e.message(lang))?;
    let mut out = output_to(output, lang)?;
    let written = out.write_all(&bytes).and_then(|()| out.finish());
    match (written, output) {
        (Err(e), Some(path)) => Err(cannot_write(path, &e, lang)),
        (written, _) => quiet_on_broken_pipe(written),
    }
}

/// The meeting of `kind` that `org` held (or planned, or cancelled) on `day`, or a message
/// saying there is none and what meetings the month has.
fn meeting_on(
    reader: &Reader,
    org: &OrgUnit,
    day: NaiveDate,
    kind: MeetingKind,
    lang: Lang,
) -> Result<Meeting, String> {
    let next = day.succ_opt().unwrap_or(day);
    let that_day = reader
        .meetings_of(org.id, day, next)
        .map_err(|e| store_message(e, lang))?;
    // The store keeps at most one meeting of a kind per organisation and day.
    that_day
        .into_iter()
        .find(|m| m.kind == kind)
        .ok_or_else(|| no_meeting(reader, org, day, kind, lang))
}

/// "Chi bộ khu 2 (QN.HG.K2)" for a message.
fn org_in_message(org: &OrgUnit) -> String {
    format!("{} ({})", sanitize(&org.name), sanitize(&org.code))
}

/// "sinh hoạt thường kỳ" / "regular meeting".
fn kind_in_message(kind: MeetingKind, lang: Lang) -> String {
    kind.label(lang).to_lowercase()
}

fn no_meeting(
    reader: &Reader,
    org: &OrgUnit,
    day: NaiveDate,
    kind: MeetingKind,
    lang: Lang,
) -> String {
    let (who, date, what) = (
        org_in_message(org),
        lang.date(day),
        kind_in_message(kind, lang),
    );
    let first = lang.pick(
        format!("{who} không có {what} ngày {date}"),
        format!("{who} has no {what} on {date}"),
    );
    let month = YearMonth::of(day);
    let shown = lang.pick(
        format!("{:02}/{}", month.month(), month.year()),
        month.to_string(),
    );
    // What the month has helps find the day meant; failing to read it loses only the hint.
    let others = reader.meetings_in_month(org.id, month).unwrap_or_default();
    if others.is_empty() {
        return lang.pick(
            format!("{first}; tháng {shown} không có cuộc họp nào"),
            format!("{first}; it has no meetings in {shown}"),
        );
    }
    let list = others
        .iter()
        .map(|m| {
            let what = kind_in_message(m.kind, lang);
            let date = lang.date(m.date);
            lang.pick(format!("{what} ngày {date}"), format!("{what} on {date}"))
        })
        .collect::<Vec<_>>()
        .join(", ");
    lang.pick(
        format!("{first}; tháng {shown} có: {list}"),
        format!("{first}; in {shown} it has: {list}"),
    )
}

/// Success, or success all the same when the reader stopped early (`| head`).
fn quiet_on_broken_pipe(written: std::io::Result<()>) -> Result<ExitCode, String> {
    match written {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e.to_string()),
    }
}

/// Prints lines to standard output; a reader that stops early (`| head`) is not an error.
pub(crate) fn print_lines(lines: impl IntoIterator<Item = String>) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    for line in lines {
        match writeln!(out, "{line}") {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(())
}

fn check(store: &Store, lang: Lang) -> Result<ExitCode, String> {
    let reader = store.read().map_err(|e| store_message(e, lang))?;
    let problems = crate::store::check::run(&reader).map_err(|e| store_message(e, lang))?;
    if problems.is_empty() {
        let verdict = lang.pick(
            "chibo check: không có lỗi",
            "chibo check: no problems found",
        );
        print_lines([verdict.to_string()])?;
        return Ok(ExitCode::SUCCESS);
    }
    print_lines(problems.iter().cloned())?;
    eprintln!(
        "{}",
        lang.pick(
            format!("{} lỗi", problems.len()),
            format!("{} problem(s)", problems.len())
        )
    );
    Ok(ExitCode::from(1))
}

/// `chibo backup DEST`: the copy, then one line saying what was written; when the check
/// of the copy finds problems (the database's own: the copy holds its rows exactly), they
/// are listed and the exit status is 1, as for `chibo check`.
fn backup(store: &Store, dest: &Path, lang: Lang) -> Result<ExitCode, String> {
    let done = store.backup(dest).map_err(|e| e.message(lang))?;
    let (size, time) = (size_in_words(done.bytes, lang), seconds(done.elapsed, lang));
    let (tables, rows) = (done.tables.len(), done.rows());
    let line = lang.pick(
        format!(
            "đã sao lưu {} vào {}: {size}, {tables} bảng, {rows} dòng, trong {time}",
            path_shown(store.path()),
            path_shown(dest)
        ),
        format!(
            "backed up {} to {}: {size}, {tables} tables, {rows} rows, in {time}",
            path_shown(store.path()),
            path_shown(dest)
        ),
    );
    if done.problems.is_empty() {
        let checked = lang.pick(
            "bản sao đã được kiểm tra: không có lỗi",
            "the copy was checked: no problems found",
        );
        print_lines([line, checked.to_string()])?;
        return Ok(ExitCode::SUCCESS);
    }
    print_lines(std::iter::once(line).chain(done.problems.iter().cloned()))?;
    eprintln!(
        "{}",
        lang.pick(
            format!(
                "bản sao có {} lỗi, như chính cơ sở dữ liệu (chibo check liệt kê các lỗi đó)",
                done.problems.len()
            ),
            format!(
                "the copy has {} problem(s), as the database itself does (chibo check lists them)",
                done.problems.len()
            )
        )
    );
    Ok(ExitCode::from(1))
}

/// `chibo compact`: the file's size before and after.
fn compact(path: &Path, lang: Lang) -> Result<ExitCode, String> {
    let done = crate::store::compact(path).map_err(|e| e.message(lang))?;
    let (before, after) = (
        size_in_words(done.before, lang),
        size_in_words(done.after, lang),
    );
    let freed = size_in_words(done.before.saturating_sub(done.after), lang);
    let time = seconds(done.elapsed, lang);
    let line = if done.after < done.before {
        lang.pick(
            format!(
                "đã thu gọn {}: {before} → {after}, trả lại {freed}, trong {time}",
                path_shown(path)
            ),
            format!(
                "compacted {}: {before} → {after}, {freed} given back, in {time}",
                path_shown(path)
            ),
        )
    } else {
        lang.pick(
            format!(
                "{} không còn chỗ trống để trả lại: {before} → {after}, trong {time}",
                path_shown(path)
            ),
            format!(
                "{} had no free space to give back: {before} → {after}, in {time}",
                path_shown(path)
            ),
        )
    };
    print_lines([line])?;
    Ok(ExitCode::SUCCESS)
}

/// A file size for a person: bytes, KB, MB or GB (of 1024), one decimal above bytes, with
/// the decimal mark each language writes.
fn size_in_words(bytes: u64, lang: Lang) -> String {
    const UNITS: [&str; 3] = ["KB", "MB", "GB"];
    if bytes < 1024 {
        return format!("{bytes} {}", lang.pick("byte", "bytes"));
    }
    let mut scale = 1024u128;
    let mut unit = 0;
    while unit + 1 < UNITS.len() && u128::from(bytes) >= scale * 1024 {
        scale *= 1024;
        unit += 1;
    }
    let tenths = (u128::from(bytes) * 10 + scale / 2) / scale;
    format!(
        "{}{}{} {}",
        tenths / 10,
        lang.pick(",", "."),
        tenths % 10,
        UNITS[unit]
    )
}

/// A duration in seconds with one decimal: "1,2 giây", "1.2 s".
fn seconds(elapsed: std::time::Duration, lang: Lang) -> String {
    let tenths = (elapsed.as_millis() + 50) / 100;
    lang.pick(
        format!("{},{} giây", tenths / 10, tenths % 10),
        format!("{}.{} s", tenths / 10, tenths % 10),
    )
}

fn demo(db: Option<&Path>, clock: &Clock, lang: Lang) -> Result<ExitCode, String> {
    let path = database_path(db, "demo.redb");
    if let Some(refusal) = crate::demo::refusal_for(clock.today(), lang) {
        return Err(refusal);
    }
    let (store, created) =
        crate::demo::ensure_in(&path, clock.today(), lang).map_err(|e| import_failure(e, lang))?;
    let store = store.with_clock(clock.clone());
    if let Some(created) = created {
        eprintln!(
            "{} {}: {}",
            lang.pick("đã tạo cơ sở dữ liệu mẫu", "created the demo database"),
            path_shown(&path),
            describe_import(&created, lang)
        );
    }
    open_app(store, clock, lang)
}

/// The full-screen app when a person is at a terminal; otherwise (output to a pipe or a
/// file, as in scripts and tests) a summary of what the database holds.
fn open_app(store: Store, clock: &Clock, lang: Lang) -> Result<ExitCode, String> {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() && std::io::stdin().is_terminal() {
        crate::ui::terminal::run_local(store, lang, clock.clone())?;
        return Ok(ExitCode::SUCCESS);
    }
    summary(&store, lang)
}

/// `chibo minutes`: the app opened on the record of `org`'s meeting for `day`; without a
/// terminal, the meeting it would open. A month with no meeting gets its regular meeting
/// recorded as held on `day` — with `record`, or when the person at the terminal says so.
fn minutes_home(
    store: Store,
    (code, day, record): (&str, NaiveDate, bool),
    clock: &Clock,
    lang: Lang,
) -> Result<ExitCode, String> {
    use std::io::IsTerminal;
    let at_terminal = std::io::stdout().is_terminal() && std::io::stdin().is_terminal();
    let reader = store.read().map_err(|e| store_message(e, lang))?;
    let org = org_named(&reader, code, lang)?;
    let found = reader
        .meeting_to_minute(org.id, day)
        .map_err(|e| store_message(e, lang))?;
    drop(reader);
    let meeting = match found {
        Some(meeting) => meeting,
        None if record || (at_terminal && asked_to_record(&org, day, lang)?) => {
            record_held(&store, &org, day, lang)?
        }
        None => return Err(no_meeting_in_month(&org, day, at_terminal, lang)),
    };
    if at_terminal {
        crate::ui::terminal::run_local_from(store, lang, clock.clone(), |app| {
            app.open_minutes(meeting.id)
        })?;
        return Ok(ExitCode::SUCCESS);
    }
    print_lines([format!(
        "{} {} {}",
        org_in_message(&org),
        meeting.date,
        kind_in_message(meeting.kind, lang)
    )])?;
    Ok(ExitCode::SUCCESS)
}

fn no_meeting_in_month(org: &OrgUnit, day: NaiveDate, asked: bool, lang: Lang) -> String {
    let month = month_words(lang, day);
    let (vi_hint, en_hint) = match asked {
        true => ("", ""),
        false => (
            "; thêm --record để ghi cuộc họp thường kỳ đã họp ngày đó",
            "; add --record to record its regular meeting as held that day",
        ),
    };
    lang.pick(
        format!(
            "{} không có cuộc họp nào trong {month}{vi_hint}",
            org_in_message(org)
        ),
        format!("{} has no meeting in {month}{en_hint}", org_in_message(org)),
    )
}

/// The month of `day` as a sentence names it: "tháng 6/2025", "June 2025".
fn month_words(lang: Lang, day: NaiveDate) -> String {
    let month = crate::ui::i18n::month(lang, YearMonth::of(day));
    match lang {
        Lang::Vi => month.to_lowercase(),
        Lang::En => month,
    }
}

/// Asks at the terminal whether to record the month's regular meeting as held on `day`.
fn asked_to_record(org: &OrgUnit, day: NaiveDate, lang: Lang) -> Result<bool, String> {
    let date = crate::ui::i18n::date(lang, day);
    let month = month_words(lang, day);
    eprint!(
        "{}",
        lang.pick(
            format!(
                "{} chưa có cuộc họp nào trong {month}. Ghi cuộc họp thường kỳ đã họp ngày {date} và mở biên bản? [c/K] ",
                org_in_message(org)
            ),
            format!(
                "{} has no meeting in {month}. Record its regular meeting as held on {date} and open the minutes? [y/N] ",
                org_in_message(org)
            ),
        )
    );
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| e.to_string())?;
    let answer = crate::domain::text::fold(answer.trim());
    Ok(matches!(answer.as_str(), "c" | "co" | "y" | "yes"))
}

/// The regular meeting of `org` recorded as held on `day`, as the meetings screen records
/// one.
fn record_held(
    store: &Store,
    org: &OrgUnit,
    day: NaiveDate,
    lang: Lang,
) -> Result<Meeting, String> {
    let command = crate::store::Command::WriteMeeting {
        write: crate::store::MeetingWrite::Record(org.id),
        draft: crate::store::MeetingDraft {
            kind: MeetingKind::Regular,
            date: day,
            time: None,
            end_time: None,
            place: None,
            topic: None,
        },
    };
    let done = store.run(command).map_err(|e| store_message(e, lang))?;
    let (meeting, _) = done.into_meeting_of().map_err(|e| store_message(e, lang))?;
    Ok(meeting)
}

/// What the database holds, printed when there is no terminal to show the app in.
fn summary(store: &Store, lang: Lang) -> Result<ExitCode, String> {
    let reader = store.read().map_err(|e| store_message(e, lang))?;
    let totals = reader.totals().map_err(|e| store_message(e, lang))?;
    let heading = format!(
        "{}: {}, {}, {}",
        path_shown(store.path()),
        lang.count(totals.orgs, "tổ chức", "organisation", "organisations"),
        lang.count(totals.members, "đảng viên", "member", "members"),
        lang.count(totals.meetings, "cuộc họp", "meeting", "meetings"),
    );
    let roots = reader
        .children(None, 0, 50)
        .map_err(|e| store_message(e, lang))?;
    let root_lines = roots.into_iter().map(|root| {
        format!(
            "  {} [{}] {}",
            crate::domain::text::sanitize(&root.name),
            crate::domain::text::sanitize(&root.code),
            root.kind
        )
    });
    print_lines(std::iter::once(heading).chain(root_lines))?;
    Ok(ExitCode::SUCCESS)
}
