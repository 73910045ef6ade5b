//! The importers fuzzed — JSON Lines, CSV member lists and workbooks: files made from the
//! worked fixtures by the mutations a hostile or careless sender makes — a field given a value from a list of known traps (year 0, the
//! far future, huge numbers, invisible and private-use characters, a formula, deep nesting),
//! bytes flipped, lines cut, doubled, dropped or swapped — are imported into a real
//! database. Whatever the file, the import never panics; it either succeeds, or refuses
//! with at least one problem and leaves the database exactly as it was (its export, byte
//! for byte).
//!
//! `cargo test` runs a few seconds of cases. A longer run is one command (docs/benchmarks.md,
//! "Fuzzing the importers"): `CHIBO_FUZZ_SECONDS=3600 cargo test --release --test fuzz_import
//! -- --test-threads 3 --nocapture`.

use std::path::Path;

use chibo::domain::Lang;
use chibo::io::ImportError;
use chibo::io::sheet_read::Reading;
use chibo::store::Store;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// The fixtures mutated: every kind of record the exchange format has.
const SEEDS: &[&str] = &[
    include_str!("fixtures/attendance.jsonl"),
    include_str!("fixtures/exempt.jsonl"),
    include_str!("fixtures/noroll.jsonl"),
    include_str!("fixtures/compliance.jsonl"),
    include_str!("fixtures/classification.jsonl"),
    include_str!("fixtures/preparation.jsonl"),
    include_str!("fixtures/absentees.jsonl"),
];

/// A branch's member list as offices keep it, with the organisation it is imported under.
const CSV_SEED: &str = "Số thẻ,Họ và tên,Giới tính,Ngày sinh,Ngày vào Đảng,Ngày chính thức,Điện thoại\n\
    48123456,Nguyễn Văn An,Nam,01/02/1980,03/02/2010,03/02/2011,0912345678\n\
    48123457,Trần Thị Bình,Nữ,15/06/1975,20/10/2000,20/10/2001,\n\
    48123458,Lê Văn Cường,Nam,1990-12-31,2020-05-19,,\n";
const CSV_ORGS: &str = r#"{"type":"org","code":"H","name":"Đảng ủy phường","kind":"grassroots_committee","meeting_rule":{"day":5},"grace_days":2}
{"type":"org","code":"H.K1","name":"Chi bộ khu 1","kind":"branch","parent":"H"}
"#;

/// Values that have broken, or could break, a parser or a count.
const TRAPS: &[&str] = &[
    r#""0000-01-05""#,
    r#""9999-12-31""#,
    r#""2099-01-01""#,
    r#""1899-12-31""#,
    r#""2026-02-30""#,
    r#""""#,
    r#"" ""#,
    "null",
    "[]",
    "{}",
    "0",
    "-1",
    "4294967296",
    "18446744073709551616",
    "1e308",
    "true",
    r#""=WEBSERVICE(\"http://x\")""#,
    r#""a\u0000b""#,
    r#""\u200b\u200b""#,
    r#""\u202eLTR""#,
    r#""\ufffe\uffff""#,
    r#""\ue000""#,
    r#""\ud800""#,
    r#""１２３４５６７８""#,
    r#""\u001b[31mred""#,
    r#""Chi bộ khu 2""#,
    r#""H""#,
    r#""H.K2""#,
    r#""present""#,
    r#""exempt""#,
    r#"{"day":31}"#,
    r#"{"day":0}"#,
    r#"{"nth_weekday":{"nth":5,"weekday":"sunday"}}"#,
    r#"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"#,
];

/// Dates at and past the edges of what chibo accepts, and ones that are no day at all.
const DATES: &[&str] = &[
    "0000-01-05",
    "0001-01-01",
    "1899-12-31",
    "1900-01-01",
    "2199-12-31",
    "2200-01-01",
    "9999-12-31",
    "2026-02-29",
    "2024-02-29",
    "2026-13-01",
    "2026-00-10",
    "+10000-01-01",
    "-0001-01-01",
    "00/01/0000",
    "31/12/9999",
];

/// One change made to a file.
#[derive(Debug, Clone)]
enum Mutation {
    /// The value of the `field`-th field of line `line` becomes `TRAPS[trap]`.
    Trap {
        line: usize,
        field: usize,
        trap: usize,
    },
    /// The `nth` date (`YYYY-MM-DD`, or `dd/mm/yyyy` in a list) of line `line` becomes
    /// `DATES[date]`: dates are where year 0 once panicked an import.
    Date {
        line: usize,
        nth: usize,
        date: usize,
    },
    /// A long value: `len` copies of a character, a name that explodes an index.
    Long {
        line: usize,
        field: usize,
        len: usize,
    },
    /// The byte at `at` (of the whole file) xor `with`.
    Flip {
        at: usize,
        with: u8,
    },
    /// The file cut at `at`.
    Cut {
        at: usize,
    },
    Double {
        line: usize,
    },
    Drop {
        line: usize,
    },
    Swap {
        a: usize,
        b: usize,
    },
    /// Windows line endings.
    Crlf,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let index = 0..400usize;
    prop_oneof![
        4 => (index.clone(), 0..12usize, 0..TRAPS.len())
            .prop_map(|(line, field, trap)| Mutation::Trap { line, field, trap }),
        3 => (index.clone(), 0..4usize, 0..DATES.len())
            .prop_map(|(line, nth, date)| Mutation::Date { line, nth, date }),
        1 => (index.clone(), 0..12usize, prop_oneof![Just(300usize), Just(5_000), Just(40_000)])
            .prop_map(|(line, field, len)| Mutation::Long { line, field, len }),
        2 => (0..100_000usize, 1..=255u8).prop_map(|(at, with)| Mutation::Flip { at, with }),
        1 => (0..100_000usize).prop_map(|at| Mutation::Cut { at }),
        1 => index.clone().prop_map(|line| Mutation::Double { line }),
        1 => index.clone().prop_map(|line| Mutation::Drop { line }),
        1 => (index.clone(), index).prop_map(|(a, b)| Mutation::Swap { a, b }),
        1 => Just(Mutation::Crlf),
    ]
}

/// The spans of the values of a JSON line's fields, found by a scan that is good enough for
/// the flat lines of the format (`"key":value` at nesting depth 1).
fn value_spans(line: &str) -> Vec<(usize, usize)> {
    let bytes = line.as_bytes();
    let mut spans = Vec::new();
    let (mut depth, mut in_string, mut escaped) = (0i32, false, false);
    let mut start = None;
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                if depth == 1
                    && let Some(s) = start.take()
                {
                    spans.push((s, i));
                }
                depth -= 1;
            }
            b':' if depth == 1 => start = Some(i + 1),
            b',' if depth == 1 => {
                if let Some(s) = start.take() {
                    spans.push((s, i));
                }
            }
            _ => {}
        }
    }
    spans
}

/// The spans of a CSV line's cells.
fn cell_spans(line: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    for (i, b) in line.bytes().enumerate() {
        if b == b',' {
            spans.push((start, i));
            start = i + 1;
        }
    }
    spans.push((start, line.len()));
    spans
}

/// The `field`-th value of a line becomes `value` (a JSON value; in a CSV cell its text,
/// unquoted).
fn replace_value(line: &mut String, field: usize, value: &str, csv: bool) {
    let (spans, value) = match csv {
        true => (cell_spans(line), value.trim_matches('"')),
        false => (value_spans(line), value),
    };
    if spans.is_empty() {
        return;
    }
    let (start, end) = spans[field % spans.len()];
    line.replace_range(start..end, value);
}

/// The `nth` (wrapping) date-like run of a line — ten characters of digits and `-` or `/` —
/// becomes `date`.
fn replace_date(line: &mut String, nth: usize, date: &str) {
    let bytes = line.as_bytes();
    let looks_like_date = |w: &[u8]| {
        w.iter()
            .all(|b| b.is_ascii_digit() || *b == b'-' || *b == b'/')
            && w.iter().filter(|b| b.is_ascii_digit()).count() == 8
    };
    let starts: Vec<usize> = (0..bytes.len().saturating_sub(9))
        .filter(|&i| looks_like_date(&bytes[i..i + 10]))
        .filter(|&i| i == 0 || !bytes[i - 1].is_ascii_digit())
        .collect();
    if let Some(&at) = starts.get(nth % starts.len().max(1)) {
        line.replace_range(at..at + 10, date);
    }
}

fn apply(text: &str, mutations: &[Mutation], csv: bool) -> Vec<u8> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut crlf = false;
    let mut bytes_later = Vec::new();
    for m in mutations {
        let n = lines.len().max(1);
        match m {
            Mutation::Trap { line, field, trap } => {
                if let Some(l) = lines.get_mut(line % n) {
                    replace_value(l, *field, TRAPS[*trap], csv);
                }
            }
            Mutation::Date { line, nth, date } => {
                if let Some(l) = lines.get_mut(line % n) {
                    replace_date(l, *nth, DATES[*date]);
                }
            }
            Mutation::Long { line, field, len } => {
                let value = format!("\"{}\"", "a ".repeat(*len / 2));
                if let Some(l) = lines.get_mut(line % n) {
                    replace_value(l, *field, &value, csv);
                }
            }
            Mutation::Double { line } => {
                if let Some(l) = lines.get(line % n).cloned() {
                    lines.insert(line % n, l);
                }
            }
            Mutation::Drop { line } => {
                if !lines.is_empty() {
                    lines.remove(line % n);
                }
            }
            Mutation::Swap { a, b } => {
                if !lines.is_empty() {
                    lines.swap(a % n, b % n);
                }
            }
            Mutation::Crlf => crlf = true,
            Mutation::Flip { .. } | Mutation::Cut { .. } => bytes_later.push(m.clone()),
        }
    }
    let end = if crlf { "\r\n" } else { "\n" };
    let mut bytes: Vec<u8> = lines
        .iter()
        .flat_map(|l| format!("{l}{end}").into_bytes())
        .collect();
    for m in bytes_later {
        match m {
            Mutation::Flip { at, with } if !bytes.is_empty() => {
                let at = at % bytes.len();
                bytes[at] ^= with;
            }
            Mutation::Cut { at } => bytes.truncate(at % (bytes.len() + 1)),
            _ => {}
        }
    }
    bytes
}

/// The whole database as JSON Lines: what "left as it was" is compared by.
fn exported(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    chibo::io::jsonl::export(&store.read().unwrap(), None, &mut out, Lang::En).unwrap();
    out
}

/// What a file is imported as.
#[derive(Clone, Copy)]
enum Kind {
    JsonLines,
    Csv,
    /// A workbook written to this path; the bytes are its file.
    Workbook,
}

/// Imports `bytes` into the database at `path`, as `kind`; checks the outcome.
fn import_checked(path: &Path, kind: Kind, bytes: &[u8]) -> Result<(), TestCaseError> {
    let store = Store::open(path).unwrap();
    let before = exported(&store);
    let outcome = match kind {
        Kind::Csv => {
            chibo::io::csv_members::import(&store, "fuzz.csv", bytes, Some("H.K1"), Lang::En)
        }
        Kind::JsonLines => chibo::io::jsonl::import(&store, "fuzz.jsonl", bytes, Lang::En),
        Kind::Workbook => {
            let file = path.with_file_name("fuzz.xlsx");
            std::fs::write(&file, bytes).unwrap();
            // Read as the binary reads it: in a child process under its limits.
            let reading = Reading::Child(env!("CARGO_BIN_EXE_chibo").into());
            chibo::io::sheet_members::import_file(
                &store,
                &file,
                Some("H.K1"),
                None,
                &reading,
                Lang::En,
            )
        }
    };
    match outcome {
        Ok(_) => {}
        Err(ImportError::Lines(lines)) => {
            prop_assert!(!lines.is_empty(), "refused without a problem");
            for line in &lines {
                prop_assert!(
                    line.file.contains("fuzz.") && !line.message.is_empty(),
                    "not FILE:LINE: message: {line}"
                );
            }
            prop_assert!(
                exported(&store) == before,
                "a refused import changed the database"
            );
        }
        Err(ImportError::Invalid(message)) => {
            prop_assert!(!message.is_empty());
            // The reading child ended by a panic or a signal: a crash, only moved.
            prop_assert!(
                !message.contains("panicked") && !message.contains("signal"),
                "the reading crashed: {message}"
            );
            prop_assert!(
                exported(&store) == before,
                "a refused import changed the database"
            );
        }
        Err(other) => prop_assert!(false, "unexpected failure: {other:?}"),
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("CHIBO_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(48)
}

/// Runs `strategy` through `test` `cases()` times — or, with `CHIBO_FUZZ_SECONDS`, batch
/// after batch of fresh random cases until that long has passed — and says how many ran.
fn fuzz<S: Strategy>(
    what: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let seconds: Option<u64> = std::env::var("CHIBO_FUZZ_SECONDS")
        .ok()
        .and_then(|n| n.parse().ok());
    let started = std::time::Instant::now();
    let mut ran = 0u64;
    loop {
        let mut runner = TestRunner::new(Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        });
        runner.run(&strategy, &test).unwrap();
        ran += u64::from(cases);
        let done = seconds.is_none_or(|s| started.elapsed().as_secs() >= s);
        if done {
            break;
        }
    }
    eprintln!(
        "{what}: {ran} cases in {:.0?}, no failure",
        started.elapsed()
    );
}

#[test]
fn no_json_lines_file_panics_the_import_or_half_writes_it() {
    let strategy = (0..SEEDS.len(), prop::collection::vec(mutation(), 1..6));
    fuzz("JSON Lines", cases(), strategy, |(seed, mutations)| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fuzz.redb");
        // Half the cases on top of the seed itself: duplicates and clashes with records
        // already stored.
        if seed % 2 == 0 {
            let store = Store::open(&path).unwrap();
            chibo::io::jsonl::import(&store, "seed", SEEDS[seed].as_bytes(), Lang::En).unwrap();
        }
        import_checked(
            &path,
            Kind::JsonLines,
            &apply(SEEDS[seed], &mutations, false),
        )
    });
}

#[test]
fn no_csv_member_list_panics_the_import_or_half_writes_it() {
    let strategy = prop::collection::vec(mutation(), 1..6);
    fuzz("CSV", cases(), strategy, |mutations| {
        let path = with_orgs();
        import_checked(&path.1, Kind::Csv, &apply(CSV_SEED, &mutations, true))
    });
}

/// A database holding the branch a member list is imported under, in a folder of its own.
fn with_orgs() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fuzz.redb");
    let store = Store::open(&path).unwrap();
    chibo::io::jsonl::import(&store, "orgs", CSV_ORGS.as_bytes(), Lang::En).unwrap();
    (dir, path)
}

/// The mutated member list as a workbook: a cell that reads as a number is written as one,
/// as Excel keeps card numbers and day serials.
fn workbook_of(text: &[u8]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let text = String::from_utf8_lossy(text);
    for (r, line) in text.lines().enumerate().take(200) {
        for (c, cell) in line.split(',').enumerate().take(30) {
            let (r, c) = (r as u32, c as u16);
            let written = match cell.parse::<f64>() {
                Ok(n) if n.is_finite() => sheet.write_number(r, c, n).map(|_| ()),
                _ => sheet.write_string(r, c, cell).map(|_| ()),
            };
            // A cell rust_xlsxwriter itself refuses (too long) is left empty.
            let _ = written;
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn no_workbook_panics_the_import_or_half_writes_it() {
    // Its cells mutated as a CSV's are, then, in some cases, bytes of the file itself.
    let flips = prop::collection::vec((0..1_000_000usize, 1..=255u8), 0..3);
    let strategy = (prop::collection::vec(mutation(), 1..6), flips);
    fuzz("workbooks", cases() / 2, strategy, |(mutations, flips)| {
        let path = with_orgs();
        let mut bytes = workbook_of(&apply(CSV_SEED, &mutations, true));
        for (at, with) in flips {
            let at = at % bytes.len();
            bytes[at] ^= with;
        }
        import_checked(&path.1, Kind::Workbook, &bytes)
    });
}

#[test]
fn the_date_mutation_reaches_a_meetings_date() {
    // The mutation that would have found year 0: a meeting's date replaced in place.
    let meeting = SEEDS[1]
        .lines()
        .position(|l| l.contains(r#""type":"meeting""#))
        .unwrap();
    let mutated = apply(
        SEEDS[1],
        &[Mutation::Date {
            line: meeting,
            nth: 0,
            date: 0,
        }],
        false,
    );
    let line = String::from_utf8(mutated)
        .unwrap()
        .lines()
        .nth(meeting)
        .unwrap()
        .to_string();
    assert!(line.contains(r#""date":"0000-01-05""#), "{line}");
}
