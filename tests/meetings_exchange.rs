//! Planned meetings and dated rule changes in the exchange format: they round-trip byte for
//! byte, a subtree export keeps every month's inherited rule, and every mistake in the new
//! fields is reported at its line with nothing written.

use chibo::domain::YearMonth;
use chibo::domain::date::parse_iso;
use chibo::domain::{Lang, MeetingState, ScheduleRule};
use chibo::io::{ImportError, LineError, jsonl};
use chibo::store::Store;
use tempfile::TempDir;

fn ym(year: i32, month: u32) -> YearMonth {
    YearMonth::new(year, month).unwrap()
}

/// Written exactly as export writes it: rule changes on two levels, a planned committee
/// meeting, a regular meeting held two days late with its times and place, a planned meeting
/// rescheduled from the 7th to the 9th, and a cancelled one.
const FILE: &str = r#"{"type":"org","code":"QN","name":"Tỉnh ủy Quảng Ninh","kind":"provincial_committee","meeting_rule":{"day":7},"grace_days":2,"rule_changes":[{"from":"2026-07","meeting_rule":{"day":3},"grace_days":1},{"from":"2027-01"}]}
{"type":"org","code":"QN.HG","name":"Đảng ủy phường Hồng Gai","kind":"grassroots_committee","parent":"QN","rule_changes":[{"from":"2026-09","grace_days":3}]}
{"type":"org","code":"QN.HG.K2","name":"Chi bộ khu 2","kind":"branch","parent":"QN.HG"}
{"type":"member","card":"1","name":"Lê Lợi","org":"QN.HG.K2"}
{"type":"meeting","org":"QN.HG","kind":"committee","date":"2026-11-04","state":"planned","time":"08:00","end_time":"10:00","place":"Hội trường phường"}
{"type":"meeting","org":"QN.HG.K2","kind":"regular","date":"2026-10-09","planned":"2026-10-07","time":"19:30","end_time":"21:30","place":"Nhà văn hóa khu 2","attendance":{"1":"present"},"chair":"Lê Lợi","secretary":"Lê Lợi","assignments":[{"who":"Lê Lợi","task":"thu đảng phí","due":"2026-10-31"},{"who":"Lê Lợi","task":"dọn vệ sinh"}]}
{"type":"meeting","org":"QN.HG.K2","kind":"regular","date":"2026-11-09","planned":"2026-11-07","state":"planned","time":"19:30","topic":"Nghị quyết tháng 11"}
{"type":"meeting","org":"QN.HG.K2","kind":"thematic","date":"2026-11-20","state":"cancelled"}
"#;

fn open(dir: &TempDir, name: &str) -> Store {
    Store::open(&dir.path().join(name)).expect("a new database opens")
}

fn import(store: &Store, text: &str, lang: Lang) -> Result<(), ImportError> {
    jsonl::import(store, "in.jsonl", text.as_bytes(), lang).map(|_| ())
}

fn export(store: &Store, org: Option<&str>) -> String {
    let reader = store.read().unwrap();
    let mut out = Vec::new();
    jsonl::export(&reader, org, &mut out, Lang::Vi).unwrap();
    String::from_utf8(out).unwrap()
}

/// The rule (as the due day of that month) and grace of `code` for every month of 2026-2027.
fn schedule_by_month(store: &Store, code: &str) -> Vec<(YearMonth, Option<u32>, u8)> {
    let reader = store.read().unwrap();
    let id = reader.org_id(code).unwrap().unwrap();
    YearMonth::january(2026)
        .through(YearMonth::december(2027))
        .map(|month| {
            let (rule, grace) = reader.effective_schedule_for_month(id, month).unwrap();
            let due = rule.map(|r| chrono::Datelike::day(&r.due_date(month)));
            (month, due, grace)
        })
        .collect()
}

#[test]
fn planned_meetings_and_rule_changes_round_trip_byte_for_byte() {
    let dir = TempDir::new().unwrap();
    let first = open(&dir, "first.redb");
    import(&first, FILE, Lang::En).unwrap();
    assert_eq!(export(&first, None), FILE);
    let second = open(&dir, "second.redb");
    import(&second, &export(&first, None), Lang::En).unwrap();
    assert_eq!(export(&second, None), FILE);

    let reader = first.read().unwrap();
    let branch = reader.org_by_code("QN.HG.K2").unwrap().unwrap();
    let meetings = reader.all_meetings_of(branch.id).unwrap();
    let states: Vec<MeetingState> = meetings.iter().map(|m| m.state).collect();
    assert_eq!(
        states,
        [
            MeetingState::Held,
            MeetingState::Planned,
            MeetingState::Cancelled
        ]
    );
    assert_eq!(
        meetings[1].first_planned_day(),
        parse_iso("2026-11-07").unwrap()
    );
    assert_eq!(
        reader.org_by_code("QN").unwrap().unwrap().rule_changes[0].meeting_rule,
        Some(ScheduleRule::DayOfMonth(3))
    );
}

#[test]
fn rule_changes_take_effect_from_their_month_through_the_tree() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir, "db.redb");
    import(&store, FILE, Lang::En).unwrap();
    let months = schedule_by_month(&store, "QN.HG.K2");
    let at = |month: YearMonth| months.iter().find(|m| m.0 == month).copied().unwrap();
    assert_eq!(at(ym(2026, 6)), (ym(2026, 6), Some(7), 2));
    assert_eq!(at(ym(2026, 7)), (ym(2026, 7), Some(3), 1));
    assert_eq!(at(ym(2026, 8)), (ym(2026, 8), Some(3), 1));
    // The ward's own grace from September; the province's rule still.
    assert_eq!(at(ym(2026, 9)), (ym(2026, 9), Some(3), 3));
    // From January 2027 the province inherits nothing and sets nothing: no rule at all.
    assert_eq!(at(ym(2027, 1)), (ym(2027, 1), None, 3));
}

#[test]
fn a_subtree_export_carries_every_months_inherited_rule_as_its_own() {
    let dir = TempDir::new().unwrap();
    let whole = open(&dir, "whole.redb");
    import(&whole, FILE, Lang::En).unwrap();
    let part = export(&whole, Some("QN.HG"));
    let root = part.lines().next().unwrap();
    assert_eq!(
        root,
        r#"{"type":"org","code":"QN.HG","name":"Đảng ủy phường Hồng Gai","kind":"grassroots_committee","meeting_rule":{"day":7},"grace_days":2,"rule_changes":[{"from":"2026-07","meeting_rule":{"day":3},"grace_days":1},{"from":"2026-09","meeting_rule":{"day":3},"grace_days":3},{"from":"2027-01","grace_days":3}]}"#
    );
    let alone = open(&dir, "alone.redb");
    import(&alone, &part, Lang::En).unwrap();
    assert_eq!(
        schedule_by_month(&alone, "QN.HG.K2"),
        schedule_by_month(&whole, "QN.HG.K2")
    );
    assert_eq!(export(&alone, None), part);
}

fn problems(result: Result<(), ImportError>) -> Vec<LineError> {
    match result {
        Err(ImportError::Lines(lines)) => lines,
        other => panic!("expected line errors, got {other:?}"),
    }
}

#[test]
fn mistakes_in_the_new_fields_are_reported_at_their_lines_and_nothing_is_written() {
    let head = r#"{"type":"org","code":"QN","name":"Tỉnh ủy","kind":"provincial_committee"}
{"type":"org","code":"K2","name":"Chi bộ khu 2","kind":"grassroots_branch","parent":"QN"}
{"type":"member","card":"1","name":"Lê Lợi","org":"K2"}
"#;
    let lines = [
        r#"{"type":"org","code":"A","name":"A","kind":"grassroots_branch","rule_changes":[{"from":"2026-13"}]}"#,
        r#"{"type":"org","code":"B","name":"B","kind":"grassroots_branch","rule_changes":[{"meeting_rule":{"day":3}}]}"#,
        r#"{"type":"org","code":"C","name":"C","kind":"grassroots_branch","rule_changes":[{"from":"2026-07","grace_days":1},{"from":"2026-07"}]}"#,
        r#"{"type":"org","code":"D","name":"D","kind":"grassroots_branch","rule_changes":[{"form":"2026-07"}]}"#,
        r#"{"type":"org","code":"E","name":"E","kind":"grassroots_branch","rule_changes":[{"from":"2026-07","meeting_rule":{"day":32}}]}"#,
        r#"{"type":"meeting","org":"K2","kind":"regular","date":"2026-11-07","state":"postponed"}"#,
        r#"{"type":"meeting","org":"K2","kind":"regular","date":"2026-11-08","time":"7:30"}"#,
        r#"{"type":"meeting","org":"K2","kind":"regular","date":"2026-11-09","time":"19:30","end_time":"24:00"}"#,
        r#"{"type":"meeting","org":"K2","kind":"regular","date":"2026-11-10","time":"19:30","end_time":"19:30"}"#,
        r#"{"type":"meeting","org":"K2","kind":"regular","date":"2026-11-11","state":"planned","attendance":{"1":"present"}}"#,
        r#"{"type":"meeting","org":"K2","kind":"regular","date":"2026-11-12","state":"cancelled","attendance":{"1":"absent"}}"#,
        r#"{"type":"meeting","org":"K2","kind":"regular","date":"2026-11-13","assignments":[{"task":"thu đảng phí","due":"2026-11-31"}]}"#,
    ];
    let text = format!("{head}{}\n", lines.join("\n"));
    let expected = [
        (
            4,
            "\"rule_changes.from\": \"2026-13\" is not a month in the form YYYY-MM",
        ),
        (5, "required field \"rule_changes.from\" is missing"),
        (6, "two changes take effect in the same month 2026-07"),
        (
            7,
            "unknown field \"form\"; accepted fields: from, meeting_rule, grace_days",
        ),
        (8, "the meeting day must be 1..31, found 32"),
        (
            9,
            "unknown value \"postponed\"; accepted: planned | held | cancelled",
        ),
        (10, "\"7:30\" is not a time in the form HH:MM"),
        (11, "\"24:00\" is not a time in the form HH:MM"),
        (12, "\"end_time\" must be after \"time\""),
        (
            13,
            "a planned meeting has not taken place, so it has no \"attendance\"",
        ),
        (14, "a cancelled meeting has not taken place"),
        (15, "required field \"assignments.who\" is missing"),
        (15, "\"assignments.due\": \"2026-11-31\""),
    ];
    let dir = TempDir::new().unwrap();
    let store = open(&dir, "db.redb");
    let found = problems(import(&store, &text, Lang::En));
    let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(found.len(), expected.len(), "{shown:#?}");
    for (line, fragment) in expected {
        assert!(
            shown
                .iter()
                .any(|p| p.starts_with(&format!("in.jsonl:{line}: ")) && p.contains(fragment)),
            "nothing at line {line} with {fragment:?} in {shown:#?}"
        );
    }
    assert_eq!(store.read().unwrap().totals().unwrap().orgs, 0);
    // The same problems in Vietnamese.
    let vi = problems(import(&store, &text, Lang::Vi));
    assert!(vi.iter().any(|p| {
        p.line == 13
            && p.message
                .contains("cuộc họp ở trạng thái planned chưa diễn ra")
    }));
    assert!(
        vi.iter()
            .any(|p| p.line == 4 && p.message.contains("không phải là một tháng dạng YYYY-MM"))
    );
}
