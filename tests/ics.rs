//! `chibo export ics`: an iCalendar file a real calendar program reads (calcurse, from
//! Debian's packages), with one event per meeting in the months asked, and UIDs that stay the
//! same when a meeting moves or is held, so importing a newer file updates the events.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chibo::domain::YearMonth;
use chibo::domain::date::parse_iso;
use chibo::domain::{MeetingKind, MeetingState};
use chibo::store::Store;

fn ym(year: i32, month: u32) -> YearMonth {
    YearMonth::new(year, month).unwrap()
}

/// A ward committee and two branches: meetings planned with and without times, one held late
/// with its place and topic (which needs escaping), one cancelled, one outside the months
/// exported, and a branch name long enough to be folded.
const DATA: &str = r#"{"type":"org","code":"QN","name":"Tỉnh ủy Quảng Ninh","kind":"provincial_committee","meeting_rule":{"day":7}}
{"type":"org","code":"QN.HG","name":"Đảng ủy phường Hồng Gai","kind":"grassroots_committee","parent":"QN"}
{"type":"org","code":"QN.HG.K2","name":"Chi bộ khu 2","kind":"branch","parent":"QN.HG"}
{"type":"org","code":"QN.HG.TH","name":"Chi bộ Trường Tiểu học Hồng Gai, điểm trường chính; cơ sở 2","kind":"branch","parent":"QN.HG"}
{"type":"meeting","org":"QN.HG","kind":"committee","date":"2026-11-03","state":"planned","time":"08:00","end_time":"10:30","place":"Hội trường Đảng ủy phường"}
{"type":"meeting","org":"QN.HG.K2","kind":"regular","date":"2026-10-09","planned":"2026-10-07","time":"19:30","end_time":"21:30","place":"Nhà văn hóa khu 2","topic":"Nghị quyết tháng 10; việc, đường"}
{"type":"meeting","org":"QN.HG.K2","kind":"regular","date":"2026-11-07","state":"planned","time":"19:30","end_time":"21:00"}
{"type":"meeting","org":"QN.HG.K2","kind":"thematic","date":"2026-11-20","state":"cancelled"}
{"type":"meeting","org":"QN.HG.K2","kind":"regular","date":"2026-12-07","state":"planned"}
{"type":"meeting","org":"QN.HG.TH","kind":"regular","date":"2026-11-05","state":"planned"}
"#;

use common::{Imported as Setup, chibo, text};

fn setup() -> Setup {
    common::imported(DATA)
}

fn export_ics(db: &Path, org: &str, from: &str, to: &str, extra: &[&str]) -> Output {
    chibo(db)
        .args(["export", "ics", "--org", org, "--from", from, "--to", to])
        .args(extra)
        .output()
        .unwrap()
}

/// The calendar of the ward for October and November 2026.
fn ward_calendar(db: &Path) -> String {
    let out = export_ics(db, "QN.HG", "2026-10", "2026-11", &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// The value of every `name:` property, unfolded, in order.
fn values<'a>(unfolded: &'a str, name: &str) -> Vec<&'a str> {
    unfolded
        .split("\r\n")
        .filter_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
        .collect()
}

fn unfold(ics: &str) -> String {
    ics.replace("\r\n ", "")
}

#[test]
fn the_file_is_rfc_5545_one_event_per_meeting_in_the_months_asked() {
    let setup = setup();
    let ics = ward_calendar(&setup.db);
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    // Every line ends in CRLF and is at most 75 octets; no bare line feeds.
    assert!(!ics.replace("\r\n", "").contains('\n'));
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
    }
    assert!(ics.contains("\r\n "), "the long branch name is folded");
    let ics = unfold(&ics);
    assert!(ics.contains("BEGIN:VTIMEZONE\r\nTZID:Asia/Ho_Chi_Minh\r\n"));
    // By day; December's meeting is outside the months asked.
    assert_eq!(
        values(&ics, "UID"),
        [
            "QN.HG.K2-regular-202610-1@chibo",
            "QN.HG-committee-202611-1@chibo",
            "QN.HG.TH-regular-202611-1@chibo",
            "QN.HG.K2-regular-202611-1@chibo",
            "QN.HG.K2-thematic-202611-1@chibo",
        ]
    );
    assert_eq!(values(&ics, "DTSTAMP").len(), 5);
    assert_eq!(
        values(&ics, "DTSTART;TZID=Asia/Ho_Chi_Minh"),
        ["20261009T193000", "20261103T080000", "20261107T193000"]
    );
    assert_eq!(values(&ics, "DTSTART;VALUE=DATE"), ["20261105", "20261120"]);
    assert_eq!(values(&ics, "DTEND;VALUE=DATE"), ["20261106", "20261121"]);
    assert_eq!(
        values(&ics, "SUMMARY"),
        [
            "Sinh hoạt thường kỳ — Chi bộ khu 2",
            "Họp cấp ủy — Đảng ủy phường Hồng Gai",
            "Sinh hoạt thường kỳ — Chi bộ Trường Tiểu học Hồng Gai\\, điểm trường chính\\; cơ sở 2",
            "Sinh hoạt thường kỳ — Chi bộ khu 2",
            "(Đã hủy) Sinh hoạt chuyên đề — Chi bộ khu 2",
        ]
    );
    assert_eq!(
        values(&ics, "LOCATION"),
        ["Nhà văn hóa khu 2", "Hội trường Đảng ủy phường"]
    );
    assert_eq!(
        values(&ics, "DESCRIPTION"),
        ["Nghị quyết tháng 10\\; việc\\, đường"]
    );
    assert_eq!(
        values(&ics, "STATUS"),
        [
            "CONFIRMED",
            "CONFIRMED",
            "CONFIRMED",
            "CONFIRMED",
            "CANCELLED"
        ]
    );
    // In English, the summaries are too.
    let en = unfold(&text(
        &export_ics(
            &setup.db,
            "QN.HG.K2",
            "2026-11",
            "2026-11",
            &["--lang", "en"],
        )
        .stdout,
    ));
    assert_eq!(
        values(&en, "SUMMARY"),
        [
            "Regular meeting — Chi bộ khu 2",
            "(Cancelled) Thematic meeting — Chi bộ khu 2"
        ]
    );
}

#[test]
fn uids_stay_the_same_when_a_planned_meeting_moves_and_is_held() {
    let setup = setup();
    let before = unfold(&ward_calendar(&setup.db));
    let store = Store::open(&setup.db).unwrap();
    let move_november = |change: &dyn Fn(&mut chibo::domain::Meeting)| {
        store
            .write(|w| {
                let k2 = w.org_id("QN.HG.K2")?.unwrap();
                let mut m = w
                    .meetings_in_month(k2, ym(2026, 11))?
                    .into_iter()
                    .find(|m| m.kind == MeetingKind::Regular)
                    .unwrap();
                change(&mut m);
                w.put_meeting(&m)
            })
            .unwrap();
    };
    move_november(&|m| m.reschedule(parse_iso("2026-11-10").unwrap()));
    let moved = unfold(&ward_calendar(&setup.db));
    assert_eq!(
        values(&moved, "DTSTART;TZID=Asia/Ho_Chi_Minh"),
        ["20261009T193000", "20261103T080000", "20261110T193000"]
    );
    let mut uids_before = values(&before, "UID");
    let mut uids_moved = values(&moved, "UID");
    uids_before.sort_unstable();
    uids_moved.sort_unstable();
    assert_eq!(uids_moved, uids_before);
    // Held on 1 December after all: still November's UID, beside December's own meeting.
    move_november(&|m| {
        m.hold(parse_iso("2026-12-01").unwrap());
        assert_eq!(m.state, MeetingState::Held);
    });
    let held = unfold(&text(
        &export_ics(&setup.db, "QN.HG.K2", "2026-12", "2026-12", &[]).stdout,
    ));
    assert_eq!(
        values(&held, "UID"),
        [
            "QN.HG.K2-regular-202611-1@chibo",
            "QN.HG.K2-regular-202612-1@chibo"
        ]
    );
}

#[test]
fn an_unknown_organisation_or_months_out_of_order_are_refused() {
    let setup = setup();
    let unknown = export_ics(&setup.db, "XX", "2026-10", "2026-11", &["--lang", "en"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert_eq!(
        text(&unknown.stderr),
        "chibo: no organisation with code \"XX\"\n"
    );
    let reversed = export_ics(&setup.db, "QN", "2026-11", "2026-10", &[]);
    assert_eq!(reversed.status.code(), Some(2));
    assert_eq!(
        text(&reversed.stderr),
        "chibo: tháng --from (2026-11) ở sau tháng --to (2026-10)\n"
    );
    let bad = export_ics(&setup.db, "QN", "2026-1", "2026-10", &["--lang", "en"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("--from \"2026-1\": not a month in the form YYYY-MM"));
    // The JSON Lines export is still `chibo export`, with or without --org.
    let jsonl = chibo(&setup.db)
        .args(["export", "--org", "QN.HG.K2"])
        .output()
        .unwrap();
    assert!(jsonl.status.success());
    assert!(text(&jsonl.stdout).starts_with("{\"type\":\"org\",\"code\":\"QN.HG.K2\""));
}

/// calcurse on the PATH, if it is installed.
fn find_calcurse() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("calcurse"))
        .find(|candidate| candidate.is_file())
}

/// Runs calcurse on its own data directory, in Vietnam's time zone unless `tz` says otherwise.
fn calcurse(program: &Path, data: &Path, tz: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .arg("-D")
        .arg(data)
        .args(args)
        .env("TZ", tz)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "calcurse {args:?}: {}",
        text(&out.stderr)
    );
    text(&out.stdout)
}

#[test]
fn calcurse_imports_the_file_and_lists_the_meetings() {
    let Some(program) = find_calcurse() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but calcurse is missing: install the Debian package calcurse"
        );
        eprintln!("skipped: calcurse is not installed (Debian package calcurse); CI runs this");
        return;
    };
    let setup = setup();
    let file = setup.dir.path().join("ward.ics");
    std::fs::write(&file, ward_calendar(&setup.db)).unwrap();
    let data = setup.dir.path().join("calcurse");
    std::fs::create_dir(&data).unwrap();
    let vietnam = "Asia/Ho_Chi_Minh";
    let report = calcurse(&program, &data, vietnam, &["-i", file.to_str().unwrap()]);
    assert!(
        report.contains("3 apps / 2 events / 0 todos / 0 skipped"),
        "{report}"
    );
    let listed = calcurse(
        &program,
        &data,
        vietnam,
        &["-Q", "--from", "10/01/2026", "--days", "61"],
    );
    let expected = [
        "10/09/26:",
        " - 19:30 -> 21:30",
        "\tSinh hoạt thường kỳ — Chi bộ khu 2",
        "",
        "11/03/26:",
        " - 08:00 -> 10:30",
        "\tHọp cấp ủy — Đảng ủy phường Hồng Gai",
        "",
        "11/05/26:",
        " * Sinh hoạt thường kỳ — Chi bộ Trường Tiểu học Hồng Gai, điểm trường chính; cơ sở 2",
        "",
        "11/07/26:",
        " - 19:30 -> 21:00",
        "\tSinh hoạt thường kỳ — Chi bộ khu 2",
        "",
        "11/20/26:",
        " * (Đã hủy) Sinh hoạt chuyên đề — Chi bộ khu 2",
    ];
    assert_eq!(listed.trim_end().lines().collect::<Vec<_>>(), expected);
    // The times are Vietnam's, not floating: where the zone database is at hand, the same
    // file read in UTC shows them seven hours earlier.
    if Path::new("/usr/share/zoneinfo/Asia/Ho_Chi_Minh").is_file() {
        let utc_data = setup.dir.path().join("calcurse-utc");
        std::fs::create_dir(&utc_data).unwrap();
        calcurse(&program, &utc_data, "UTC", &["-i", file.to_str().unwrap()]);
        let utc = calcurse(
            &program,
            &utc_data,
            "UTC",
            &["-Q", "--from", "10/09/2026", "--days", "1"],
        );
        assert!(utc.contains(" - 12:30 -> 14:30"), "{utc}");
    }
}
