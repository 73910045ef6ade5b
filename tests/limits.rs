//! The limits every input is held to (`domain::date`, `domain::text`, `domain::org`), driven
//! through the real binary: a date outside 1900..2199, a text over its length or with an
//! invisible character, a tree deeper than its limit are refused with FILE:LINE — never a
//! panic (exit 101), never a silent success — and nothing is written.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{chibo, text};
use tempfile::TempDir;

const TREE: &str = concat!(
    r#"{"type":"org","code":"A","name":"Tỉnh ủy A","kind":"provincial_committee","meeting_rule":{"day":5}}"#,
    "\n",
    r#"{"type":"org","code":"A.B","name":"Chi bộ B","kind":"grassroots_branch","parent":"A"}"#,
    "\n",
);

/// A database path in a directory of its own, and a place for the files imported into it.
struct Scene {
    dir: TempDir,
    db: PathBuf,
}

impl Scene {
    fn new() -> Scene {
        let dir = TempDir::new().unwrap();
        let db = dir.path().join("chibo.redb");
        Scene { dir, db }
    }

    fn file(&self, name: &str, body: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, body).unwrap();
        path
    }

    fn run(&self, args: &[&str]) -> Output {
        chibo(&self.db).args(args).output().unwrap()
    }

    fn import(&self, lang: &str, file: &Path) -> Output {
        chibo(&self.db)
            .args(["--lang", lang, "--today", "2026-12-07", "import"])
            .arg(file)
            .output()
            .unwrap()
    }
}

/// The refusal's message, after checking it is an error (exit 1), not a panic.
fn refused(output: &Output) -> String {
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn a_meeting_of_year_0_is_refused_at_its_line() {
    let s = Scene::new();
    let body = format!(
        "{TREE}{}\n",
        r#"{"type":"meeting","org":"A.B","kind":"regular","date":"0000-01-05"}"#
    );
    let file = s.file("year0.jsonl", &body);
    let en = refused(&s.import("en", &file));
    assert!(
        en.contains(
            "year0.jsonl:3: field \"date\": \"0000-01-05\" is outside the dates chibo accepts \
             (1900-01-01 to 2199-12-31)"
        ),
        "{en}"
    );
    assert!(en.contains("nothing was imported"), "{en}");
    let vi = refused(&s.import("vi", &file));
    assert!(
        vi.contains("year0.jsonl:3: trường \"date\": \"0000-01-05\" nằm ngoài khoảng ngày"),
        "{vi}"
    );
}

#[test]
fn today_outside_the_accepted_dates_is_refused_in_the_chosen_language() {
    let s = Scene::new();
    // A wrong command line: exit 2, as for any other option (docs/user-guide.md, exit codes).
    let wrong_command_line = |output: &Output| {
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        stderr
    };
    let en = wrong_command_line(&s.run(&["--lang", "en", "--today", "0000-01-01", "check"]));
    assert_eq!(
        en,
        "chibo: --today \"0000-01-01\" is outside the dates chibo accepts (1900-01-01 to \
         2199-12-31)\n"
    );
    let vi = wrong_command_line(&s.run(&["--today", "0000-01-01", "check"]));
    assert!(vi.contains("nằm ngoài khoảng ngày chibo nhận"), "{vi}");
    assert!(
        !s.db.exists(),
        "nothing is opened for a refused command line"
    );
}

#[test]
fn the_demo_is_refused_for_a_today_it_cannot_fill() {
    let s = Scene::new();
    let en = text(
        &s.run(&["--lang", "en", "--today", "9999-12-31", "demo"])
            .stderr,
    );
    assert!(en.contains("outside the dates chibo accepts"), "{en}");
    let en = refused(&s.run(&["--lang", "en", "--today", "2199-12-31", "demo"]));
    assert!(
        en.contains(
            "cannot make the demo for 2199-12-31: today must be from 2000-01-01 to 2199-10-31"
        ),
        "{en}"
    );
    assert!(!s.db.exists(), "no half-made demo is left");
}

#[test]
fn a_meeting_held_after_today_or_after_its_branch_was_dissolved_is_refused() {
    let s = Scene::new();
    let body = concat!(
        r#"{"type":"org","code":"A","name":"Tỉnh ủy A","kind":"provincial_committee","meeting_rule":{"day":5}}"#,
        "\n",
        r#"{"type":"org","code":"A.B","name":"Chi bộ B","kind":"grassroots_branch","parent":"A","dissolved":"2021-07-01"}"#,
        "\n",
        r#"{"type":"org","code":"A.C","name":"Chi bộ C","kind":"grassroots_branch","parent":"A"}"#,
        "\n",
        r#"{"type":"meeting","org":"A.C","kind":"regular","date":"2099-01-05"}"#,
        "\n",
        r#"{"type":"meeting","org":"A.B","kind":"regular","date":"2026-01-05"}"#,
        "\n",
        r#"{"type":"meeting","org":"A.B","kind":"regular","date":"2021-06-05"}"#,
        "\n",
    );
    let file = s.file("later.jsonl", body);
    let en = refused(&s.import("en", &file));
    assert!(
        en.contains("later.jsonl:4: a meeting held cannot be after today (2026-12-07)"),
        "{en}"
    );
    assert!(
        en.contains(
            "later.jsonl:5: organisation \"A.B\" was dissolved on 2021-07-01: the meeting must \
             come before that day"
        ),
        "{en}"
    );
    assert!(
        !en.contains("later.jsonl:6"),
        "a meeting before it is fine: {en}"
    );
    assert!(en.contains("2 errors"), "{en}");
}

#[test]
fn a_name_over_its_limit_or_with_a_zero_width_character_is_refused_at_its_line() {
    let s = Scene::new();
    let long = "A ".repeat(20_000);
    let body = format!(
        "{TREE}{}\n{}\n{}\n",
        format_args!(
            r#"{{"type":"member","card":"48000001","name":"{}","org":"A.B"}}"#,
            long.trim_end()
        ),
        r#"{"type":"member","card":"48000002","name":"Nguyễn\u200bVăn An","org":"A.B"}"#,
        format_args!(
            r#"{{"type":"org","code":"{}","name":"Chi bộ C","kind":"grassroots_branch","parent":"A"}}"#,
            "C".repeat(33)
        ),
    );
    let file = s.file("long.jsonl", &body);
    let en = refused(&s.import("en", &file));
    assert!(
        en.contains("long.jsonl:3: field \"name\" is longer than 100 characters (39999 given)"),
        "{en}"
    );
    assert!(
        en.contains(
            "long.jsonl:4: field \"name\" holds the invisible or private-use character U+200B"
        ),
        "{en}"
    );
    assert!(
        en.contains("long.jsonl:5: field \"code\" is longer than 32 characters (33 given)"),
        "{en}"
    );
    let vi = refused(&s.import("vi", &file));
    assert!(
        vi.contains("long.jsonl:3: trường \"name\" dài quá 100 ký tự (có 39999)"),
        "{vi}"
    );
    // Nothing was written: the file stays small.
    let size = std::fs::metadata(&s.db).map_or(0, |m| m.len());
    assert!(size < 2_000_000, "{size} bytes");
}

#[test]
fn full_width_card_digits_are_stored_as_ascii_and_prose_loses_invisible_characters() {
    // …and a name's no-break space becomes an ordinary one.
    let s = Scene::new();
    let body = format!(
        "{TREE}{}\n{}\n",
        r#"{"type":"member","card":"４８１２３４５６","name":"Phạm\u00a0Ngọc Đường","org":"A.B"}"#,
        r#"{"type":"meeting","org":"A.B","kind":"regular","date":"2026-11-05","place":"Hội trường\u200b khu 2","topic":"Tổng kết\ue000 năm","attendance":{"４８１２３４５６":"present"},"minutes":"Khai mạc\ufeff lúc 19:30"}"#,
    );
    let file = s.file("wide.jsonl", &body);
    let stderr = text(&s.import("en", &file).stderr);
    assert!(stderr.contains("imported"), "{stderr}");
    let export = chibo(&s.db).arg("export").output().unwrap();
    let out = text(&export.stdout);
    assert!(out.contains(r#""card":"48123456""#), "{out}");
    // A no-break space copied from a document is an ordinary one in a name.
    assert!(out.contains(r#""name":"Phạm Ngọc Đường""#), "{out}");
    assert!(out.contains(r#""48123456":"present""#), "{out}");
    assert!(out.contains("Hội trường khu 2"), "{out}");
    assert!(out.contains("Tổng kết năm"), "{out}");
    assert!(out.contains("Khai mạc lúc 19:30"), "{out}");
    let bad = s.file(
        "letters.jsonl",
        r#"{"type":"member","card":"48-12","name":"Lê Văn Tám","org":"A.B"}
"#,
    );
    let en = refused(&s.import("en", &bad));
    assert!(
        en.contains("letters.jsonl:1: field \"card\" must be digits 0-9 only"),
        "{en}"
    );
}

/// A chain of `levels` organisations, each under the one before, one per line.
fn chain(levels: usize) -> String {
    let mut body = String::from(
        r#"{"type":"org","code":"C1","name":"Tỉnh ủy C","kind":"provincial_committee"}"#,
    );
    body.push('\n');
    for n in 2..=levels {
        body.push_str(&format!(
            r#"{{"type":"org","code":"C{n}","name":"Đảng ủy {n}","kind":"bloc_committee","parent":"C{}"}}"#,
            n - 1
        ));
        body.push('\n');
    }
    body
}

#[test]
fn a_chain_deeper_than_twelve_levels_is_refused_at_the_first_level_past_it() {
    let s = Scene::new();
    let file = s.file("chain.jsonl", &chain(20));
    let en = refused(&s.import("en", &file));
    assert!(
        en.ends_with(
            "chain.jsonl:13: organisation \"C13\" would be at level 13: the tree has at most 12 \
             levels\nchibo: 1 error; nothing was imported\n"
        ),
        "{en}"
    );
    let vi = refused(&s.import("vi", &file));
    assert!(
        vi.contains(
            "chain.jsonl:13: tổ chức \"C13\" nằm ở cấp thứ 13: cây tổ chức có tối đa 12 cấp"
        ),
        "{vi}"
    );
    // Twelve levels fit; a thirteenth under them, in a later file, is refused at its line too.
    let fits = s.file("twelve.jsonl", &chain(12));
    let stderr = text(&s.import("en", &fits).stderr);
    assert!(stderr.contains("imported 12 organisations"), "{stderr}");
    let more = s.file(
        "more.jsonl",
        "{\"type\":\"org\",\"code\":\"C13\",\"name\":\"Đảng ủy 13\",\"kind\":\"bloc_committee\",\"parent\":\"C12\"}\n",
    );
    let en = refused(&s.import("en", &more));
    assert!(
        en.contains("more.jsonl:1: organisation \"C13\" would be at level 13"),
        "{en}"
    );
}

#[test]
fn a_ten_thousand_level_chain_fails_fast_at_its_line() {
    let s = Scene::new();
    let file = s.file("deep.jsonl", &chain(10_000));
    let started = std::time::Instant::now();
    let en = refused(&s.import("en", &file));
    let took = started.elapsed();
    assert!(
        en.contains("deep.jsonl:13: organisation \"C13\" would be at level 13"),
        "{en}"
    );
    assert!(en.contains("1 error;"), "{en}");
    assert!(took.as_secs() < 10, "linear, not quadratic: {took:?}");
}

#[test]
fn the_import_file_s_name_is_escaped_when_echoed() {
    let s = Scene::new();
    let file = s.file(
        "in\u{1b}[2J\u{202E}.jsonl",
        r#"{"type":"meeting","org":"A.B","kind":"regular","date":"0000-01-05"}"#,
    );
    let en = refused(&s.import("en", &file));
    assert!(!en.contains('\u{1b}') && !en.contains('\u{202E}'), "{en:?}");
    assert!(
        en.contains("in\\u{1b}[2J\\u{202e}.jsonl:1: field \"date\""),
        "{en}"
    );
}
