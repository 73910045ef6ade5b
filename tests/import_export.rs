//! The exchange format end to end, on real database files: every record type round-trips
//! byte for byte, every kind of bad input is reported at its line with nothing written,
//! imports into a populated database, subtree exports, CSV member lists, and the binary.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use chibo::domain::Lang;
use chibo::io::{ImportError, ImportSummary, LineError, csv_members, jsonl};
use chibo::store::Store;
use tempfile::TempDir;

/// A canonical file: every record type, written exactly as export writes it.
const FIXTURE: &str = r#"{"type":"org","code":"QN","name":"Tỉnh ủy Quảng Ninh","kind":"provincial_committee","meeting_rule":{"day":7},"grace_days":2}
{"type":"org","code":"QN.HL.HG","name":"Đảng ủy phường Hồng Gai","kind":"grassroots_committee","parent":"QN"}
{"type":"org","code":"QN.HL.HG.K2","name":"Chi bộ khu 2","kind":"branch","parent":"QN.HL.HG","branch_type":"residential","founded":"1975-01-01"}
{"type":"org","code":"QN.HL.HG.K2.T1","name":"Tổ đảng số 1","kind":"cell","parent":"QN.HL.HG.K2"}
{"type":"org","code":"QN.HL.HG.TH","name":"Chi bộ Trường Tiểu học Hồng Gai","kind":"branch","parent":"QN.HL.HG","branch_type":"school","meeting_rule":{"nth":1,"weekday":"thu"},"grace_days":1,"founded":"1990-09-05","dissolved":"2030-01-01"}
{"type":"member","card":"48120001","name":"Trần Thị Hồng","sex":"female","born":"1972-06-15","admitted":"1995-02-03","full_member":"1996-02-03","org":"QN.HL.HG.TH","phone":"0912 345 678"}
{"type":"member","card":"48123456","name":"Phạm Ngọc Đường","sex":"male","born":"1958-03-02","admitted":"1984-05-19","full_member":"1985-05-19","org":"QN.HL.HG.K2","cell":"QN.HL.HG.K2.T1","residence":"Tổ 5, khu 2, Hồng Gai"}
{"type":"member_status","card":"48123456","status":"temporarily_exempt","from":"2024-03-01","until":"2024-09-01","reason":"ốm"}
{"type":"member_status","card":"48123456","status":"active","from":"2024-09-01"}
{"type":"member","card":"48123457","name":"Nguyễn Văn An","sex":"male","born":"1940-01-01","admitted":"1965-01-01","org":"QN.HL.HG.K2"}
{"type":"member_status","card":"48123457","status":"exempt","from":"2024-01-01","reason":"tuổi cao"}
{"type":"member","card":"48123458","name":"Lê Thị Bình","org":"QN.HL.HG.K2"}
{"type":"role","card":"48120001","org":"QN.HL.HG","role":"standing_deputy_secretary","from":"2022-09-01"}
{"type":"role","card":"48123456","org":"QN.HL.HG.K2","role":"secretary","from":"2020-01-01","until":"2025-01-01"}
{"type":"oversight","card":"48120001","org":"QN.HL.HG.K2","from":"2022-09-01"}
{"type":"meeting","org":"QN.HL.HG.K2","kind":"regular","date":"2026-10-09","planned":"2026-10-07","attendance":{"48123456":"present","48123457":"exempt","48123458":"excused"},"excuses":{"48123458":"đi công tác"},"guests":["48120001"],"topic":"Nghị quyết tháng 10","minutes":"Khai mạc 19h30.\nBế mạc 21h00.","approved":true}
{"type":"meeting","org":"QN.HL.HG.K2","kind":"thematic","date":"2026-10-09","attendance":{"48123456":"present"}}
{"type":"meeting","org":"QN.HL.HG.TH","kind":"regular","date":"2026-10-01","attendance":{"48120001":"present"},"minutes":"Thời gian: 16:30\nKết thúc: 18:10","approved":true,"approval":{"at":"2026-10-01T18:15","by":"hong","chair":"Trần Thị Hồng","secretary":"Trần Thị Hồng"},"amendments":[{"at":"2026-10-05T08:00","by":"hong","text":"Sửa giờ kết thúc: 18h10."}]}
{"type":"classification","org":"QN.HL.HG","year":2025,"grade":"excellent","score":93}
{"type":"classification","org":"QN.HL.HG.K2","year":2024,"grade":"good"}
{"type":"classification","org":"QN.HL.HG.K2","year":2025,"grade":"good","score":82}
{"type":"classification","card":"48123456","year":2025,"grade":"completed","score":61}
"#;

// ---------------------------------------------------------------------------------------------
// Helpers

fn open(dir: &TempDir, name: &str) -> Store {
    Store::open(&dir.path().join(name)).expect("a new database opens")
}

fn import(store: &Store, text: &str) -> Result<ImportSummary, ImportError> {
    jsonl::import(store, "in.jsonl", text.as_bytes(), Lang::Vi)
}

fn import_in(store: &Store, text: &str, lang: Lang) -> Result<ImportSummary, ImportError> {
    jsonl::import(store, "in.jsonl", text.as_bytes(), lang)
}

fn export(store: &Store, org: Option<&str>) -> String {
    let reader = store.read().expect("a snapshot");
    let mut out = Vec::new();
    jsonl::export(&reader, org, &mut out, Lang::Vi).expect("export succeeds");
    String::from_utf8(out).expect("export is UTF-8")
}

/// Minutes go into a .docx, whose XML cannot carry a control character other than a tab or a
/// line break, nor U+FFFE or U+FFFF: the first are refused at their line and field, the
/// noncharacters (invisible, like every one prose loses on the way in) never reach the store.
#[test]
fn minutes_text_that_xml_cannot_carry_never_reaches_the_store() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    for lang in [Lang::En, Lang::Vi] {
        let found = problems(import_in(
            &store,
            concat!(
                r#"{"type":"meeting","org":"QN.HL.HG.K2","kind":"regular","date":"2026-11-09","minutes":"Khai mạc\tđúng giờ.\nBế mạc."}"#,
                "\n",
                r#"{"type":"meeting","org":"QN.HL.HG.K2","kind":"regular","date":"2026-11-10","minutes":"Khai mạc\u0007 19h30.\u000b"}"#,
            ),
            lang,
        ));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].line, 2);
        let field = match lang {
            Lang::En => "field \"minutes\" contains a control character",
            Lang::Vi => "trường \"minutes\" chứa ký tự điều khiển",
        };
        assert!(found[0].message.contains(field), "{}", found[0].message);
    }
    import(
        &store,
        r#"{"type":"meeting","org":"QN.HL.HG.K2","kind":"regular","date":"2026-11-11","minutes":"Khai mạc\uFFFE 19h30\uFFFF.\n\tBế mạc."}"#,
    )
    .unwrap();
    let exported = export(&store, None);
    assert!(
        exported.contains(r#""minutes":"Khai mạc 19h30.\n\tBế mạc.""#),
        "{exported}"
    );
}

/// A database holding the fixture.
fn populated(dir: &TempDir) -> Store {
    let store = open(dir, "populated.redb");
    import(&store, FIXTURE).expect("the fixture imports");
    store
}

fn problems(result: Result<ImportSummary, ImportError>) -> Vec<LineError> {
    match result {
        Err(ImportError::Lines(lines)) => lines,
        other => panic!("expected line errors, got {other:?}"),
    }
}

/// What a database holds, to show that a failed import changed nothing.
fn snapshot(store: &Store) -> (String, impl PartialEq + std::fmt::Debug) {
    let totals = store.read().unwrap().totals().unwrap();
    (export(store, None), totals)
}

/// Imports `text` into `store` in `lang` and asserts that it fails with exactly the
/// expected problems (line and a fragment of the message each) and writes nothing.
fn rejects_in(store: &Store, text: &str, lang: Lang, expected: &[(usize, &str)]) {
    let before = snapshot(store);
    let found = problems(import_in(store, text, lang));
    let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(found.len(), expected.len(), "problems found: {shown:#?}");
    for (line, fragment) in expected {
        assert!(
            found
                .iter()
                .any(|p| p.line == *line && p.file == "in.jsonl" && p.message.contains(fragment)),
            "no problem at line {line} containing {fragment:?} in {shown:#?}"
        );
    }
    assert_eq!(
        snapshot(store),
        before,
        "a failed import changed the database"
    );
}

fn rejects(store: &Store, text: &str, expected: &[(usize, &str)]) {
    rejects_in(store, text, Lang::En, expected);
}

// ---------------------------------------------------------------------------------------------
// Round trips

#[test]
fn every_record_type_round_trips_byte_for_byte() {
    let dir = TempDir::new().unwrap();
    let first = open(&dir, "first.redb");
    let summary = import(&first, FIXTURE).unwrap();
    assert_eq!(
        summary,
        ImportSummary {
            orgs: 5,
            members: 4,
            statuses: 3,
            roles: 2,
            oversight: 1,
            meetings: 3,
            documents: 0,
            classifications: 4,
            notes: Vec::new(),
        }
    );
    let exported = export(&first, None);
    assert_eq!(exported, FIXTURE, "a canonical file exports as itself");

    let second = open(&dir, "second.redb");
    import(&second, &exported).unwrap();
    assert_eq!(export(&second, None), exported);
}

#[test]
fn records_in_any_order_give_the_same_database() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir, "shuffled.redb");
    let mut lines: Vec<&str> = FIXTURE.lines().collect();
    lines.reverse();
    lines.rotate_left(3);
    let shuffled = lines.join("\n") + "\n";
    import(&store, &shuffled).unwrap();
    assert_eq!(export(&store, None), FIXTURE);
}

#[test]
fn keys_in_another_order_blank_lines_and_a_byte_order_mark_are_accepted() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir, "loose.redb");
    let text = "\u{feff}{\"name\":\"Chi bộ khu 2\",\"kind\":\"branch\",\"code\":\"K2\",\"type\":\"org\"}\n\n   \n\
                {\"type\":\"member\",\"card\":\"1\",\"name\":\"An\",\"org\":\"K2\",\"cell\":null}\r\n";
    import(&store, text).unwrap();
    assert_eq!(
        export(&store, None),
        "{\"type\":\"org\",\"code\":\"K2\",\"name\":\"Chi bộ khu 2\",\"kind\":\"branch\"}\n\
         {\"type\":\"member\",\"card\":\"1\",\"name\":\"An\",\"org\":\"K2\"}\n"
    );
}

#[test]
fn names_are_normalised_to_nfc() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir, "nfc.redb");
    let decomposed = "Nguye\u{0302}\u{0303}n Va\u{0306}n An";
    let text = format!(
        "{{\"type\":\"org\",\"code\":\"K2\",\"name\":\"Chi bộ\",\"kind\":\"branch\"}}\n\
         {{\"type\":\"member\",\"card\":\"1\",\"name\":\"{decomposed}\",\"org\":\"K2\"}}\n"
    );
    import(&store, &text).unwrap();
    let member = store.read().unwrap().member_by_card("1").unwrap().unwrap();
    assert_eq!(member.name, "Nguyễn Văn An");
    assert!(export(&store, None).contains("\"name\":\"Nguyễn Văn An\""));
}

#[test]
fn attendance_is_stored_by_member_id_and_exported_by_card() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    let reader = store.read().unwrap();
    let k2 = reader.org_id("QN.HL.HG.K2").unwrap().unwrap();
    let meetings = reader.all_meetings_of(k2).unwrap();
    let regular = meetings
        .iter()
        .find(|m| m.kind == chibo::domain::MeetingKind::Regular)
        .unwrap();
    let ids: Vec<_> = regular.attendance.iter().map(|(id, _)| *id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    assert_eq!(regular.attendance.len(), 3);
    let guest = reader.member_by_card("48120001").unwrap().unwrap();
    assert_eq!(regular.guests, vec![guest.id]);
    let history = reader.member_by_card("48123456").unwrap().unwrap().history;
    assert_eq!(history.len(), 2);
    assert!(history[0].from < history[1].from);
}

// ---------------------------------------------------------------------------------------------
// Bad input: each reported at its line, nothing written

#[test]
fn malformed_json_is_reported_at_its_line() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    rejects(
        &store,
        "{\"type\":\"org\",\"code\":\"X\",\"name\":\"X\",\"kind\":\"branch\"}\n{\"type\":\"member\",\n[1,2]\n",
        &[(2, "malformed JSON"), (3, "must be one JSON object")],
    );
}

#[test]
fn unknown_record_type_lists_the_accepted_ones() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    rejects(
        &store,
        "\n{\"type\":\"memb\",\"card\":\"1\"}\n{\"card\":\"1\"}\n",
        &[
            (2, "unknown record type \"memb\"; accepted: org | member"),
            (3, "missing field \"type\""),
        ],
    );
}

#[test]
fn unknown_field_is_named() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    rejects(
        &store,
        r#"{"type":"member","card":"9","name":"An","org":"QN.HL.HG.K2","nmae":"x"}"#,
        &[(
            1,
            "unknown field \"nmae\"; accepted fields: card, name, sex",
        )],
    );
    rejects(
        &store,
        r#"{"type":"org","code":"N","name":"N","kind":"branch","parent":"QN.HL.HG","meeting_rule":{"days":7}}"#,
        &[(
            1,
            "unknown field \"days\"; accepted fields: day, nth, weekday",
        )],
    );
}

#[test]
fn values_of_the_wrong_type_and_repeated_fields_are_reported() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    rejects(
        &store,
        concat!(
            r#"{"type":"org","code":5,"name":"N","kind":"branch","parent":"QN.HL.HG"}"#,
            "\n",
            r#"{"type":"org","code":"N","code":"M","name":"N","kind":"branch","parent":"QN.HL.HG"}"#,
            "\n",
            r#"{"type":"meeting","org":"QN.HL.HG.K2","kind":"regular","date":"2026-11-09","approved":"yes"}"#,
        ),
        &[
            (1, "field \"code\" (column 22): invalid type: integer `5`"),
            (2, "field \"code\" appears twice"),
            (
                3,
                "field \"approved\" (column 91): invalid type: string \"yes\", expected a boolean",
            ),
        ],
    );
}

#[test]
fn approvals_and_amendments_need_approved_minutes_and_real_moments() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    rejects(
        &store,
        concat!(
            r#"{"type":"meeting","org":"QN.HL.HG.K2","kind":"regular","date":"2026-11-09","minutes":"m","approval":{"by":"lan"}}"#,
            "\n",
            r#"{"type":"meeting","org":"QN.HL.HG.K2","kind":"regular","date":"2026-11-10","minutes":"m","amendments":[{"at":"2026-11-11T08:00","by":"lan","text":"t"}]}"#,
            "\n",
            r#"{"type":"meeting","org":"QN.HL.HG.K2","kind":"regular","date":"2026-11-11","minutes":"m","approved":true,"approval":{"at":"2026-11-11 21:00"}}"#,
            "\n",
            r#"{"type":"meeting","org":"QN.HL.HG.K2","kind":"regular","date":"2026-11-12","minutes":"m","approved":true,"amendments":[{"at":"2026-11-12T08:00","by":"lan"}]}"#,
        ),
        &[
            (
                1,
                "\"approval\" is given but the minutes are not approved (\"approved\": true)",
            ),
            (
                2,
                "\"amendments\" is given but the minutes are not approved (\"approved\": true)",
            ),
            (
                3,
                "field \"approval.at\": \"2026-11-11 21:00\" is not a moment in the form YYYY-MM-DDTHH:MM",
            ),
            (4, "field \"amendments.text\""),
        ],
    );
}

#[test]
fn unknown_words_list_the_accepted_ones() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    rejects(
        &store,
        concat!(
            r#"{"type":"org","code":"N","name":"N","kind":"chi_bo","parent":"QN.HL.HG"}"#,
            "\n",
            r#"{"type":"member_status","card":"48123458","status":"retired","from":"2026-01-01"}"#,
            "\n",
            r#"{"type":"meeting","org":"QN.HL.HG.K2","kind":"regular","date":"2026-11-09","attendance":{"48123458":"late"}}"#,
        ),
        &[
            (
                1,
                "field \"kind\": unknown value \"chi_bo\"; accepted: provincial_committee | district_committee",
            ),
            (
                2,
                "unknown value \"retired\"; accepted: active | exempt | temporarily_exempt",
            ),
            (
                3,
                "unknown value \"late\"; accepted: present | excused | absent | exempt",
            ),
        ],
    );
}

#[test]
fn missing_or_empty_required_fields_are_named() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    rejects(
        &store,
        concat!(
            r#"{"type":"member","card":"9","org":"QN.HL.HG.K2"}"#,
            "\n",
            r#"{"type":"member","card":"  ","name":"An","org":"QN.HL.HG.K2"}"#,
            "\n",
            r#"{"type":"role","card":"48123458","org":"QN.HL.HG.K2","role":null,"from":"2026-01-01"}"#,
            "\n",
            r#"{"type":"meeting","org":"QN.HL.HG.K2","kind":"regular","date":"2026-11-09","attendance":{"48123458":"excused"},"excuses":{"48123458":" "}}"#,
        ),
        &[
            (1, "required field \"name\" is missing or empty"),
            (2, "required field \"card\" is missing or empty"),
            (3, "required field \"role\" is missing or empty"),
            (4, "required field \"excuses\" is missing or empty"),
        ],
    );
}

#[test]
fn impossible_dates_are_rejected() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    rejects(
        &store,
        concat!(
            r#"{"type":"member","card":"9","name":"An","org":"QN.HL.HG.K2","born":"1958-02-29"}"#,
            "\n",
            r#"{"type":"oversight","card":"48120001","org":"QN.HL.HG.K2","from":"02/09/2022"}"#,
            "\n",
            r#"{"type":"role","card":"48123458","org":"QN.HL.HG.K2","role":"secretary","from":"2026-01-01","until":"2025-01-01"}"#,
        ),
        &[
            (1, "field \"born\": \"1958-02-29\" is not a real date"),
            (
                2,
                "field \"from\": \"02/09/2022\" is not a real date in the form YYYY-MM-DD",
            ),
            (3, "\"until\" must be after \"from\""),
        ],
    );
}

#[test]
fn references_to_unknown_orgs_cards_and_cells_are_reported() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    rejects(
        &store,
        concat!(
            r#"{"type":"member","card":"9","name":"An","org":"QN.HL.HG.K9"}"#,
            "\n",
            r#"{"type":"member_status","card":"00000000","status":"exempt","from":"2026-01-01"}"#,
            "\n",
            r#"{"type":"member","card":"10","name":"Bình","org":"QN.HL.HG.K2","cell":"QN.HL.HG.K2.T9"}"#,
            "\n",
            r#"{"type":"role","card":"11","org":"QN.HL.HG","role":"secretary","from":"2026-01-01"}"#,
            "\n",
            r#"{"type":"meeting","org":"QN.HL.HG.K2","kind":"regular","date":"2026-11-09","guests":["77"]}"#,
        ),
        &[
            (
                1,
                "field \"org\": no organisation with code \"QN.HL.HG.K9\"",
            ),
            (2, "field \"card\": no member with party card \"00000000\""),
            (
                3,
                "field \"cell\": no organisation with code \"QN.HL.HG.K2.T9\"",
            ),
            (4, "field \"card\": no member with party card \"11\""),
            (5, "field \"guests\": no member with party card \"77\""),
        ],
    );
}

#[test]
fn a_member_belongs_to_a_branch_and_to_a_cell_of_that_branch() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    rejects(
        &store,
        concat!(
            r#"{"type":"member","card":"9","name":"An","org":"QN.HL.HG"}"#,
            "\n",
            r#"{"type":"member","card":"10","name":"Bình","org":"QN.HL.HG.TH","cell":"QN.HL.HG.K2.T1"}"#,
            "\n",
            r#"{"type":"member","card":"11","name":"Chi","org":"QN.HL.HG.K2","cell":"QN.HL.HG.TH"}"#,
        ),
        &[
            (
                1,
                "a member's \"org\" must be a branch or grassroots_branch; \"QN.HL.HG\" is a grassroots_committee",
            ),
            (
                2,
                "cell \"QN.HL.HG.K2.T1\" is not part of branch \"QN.HL.HG.TH\"",
            ),
            (
                3,
                "\"cell\" must be a party cell (cell); \"QN.HL.HG.TH\" is a branch",
            ),
        ],
    );
}

#[test]
fn duplicate_codes_and_cards_in_the_file_name_the_first_line() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir, "fresh.redb");
    rejects(
        &store,
        concat!(
            r#"{"type":"org","code":"K2","name":"Chi bộ khu 2","kind":"branch"}"#,
            "\n",
            r#"{"type":"member","card":"1","name":"An","org":"K2"}"#,
            "\n",
            r#"{"type":"org","code":"K2","name":"Chi bộ khu 2 (bis)","kind":"branch"}"#,
            "\n",
            r#"{"type":"member","card":"1","name":"Bình","org":"K2"}"#,
        ),
        &[
            (
                3,
                "duplicate organisation code \"K2\": first defined on line 1",
            ),
            (4, "duplicate party card \"1\": first defined on line 2"),
        ],
    );
}

#[test]
fn codes_and_cards_already_in_the_database_are_duplicates() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    rejects(
        &store,
        concat!(
            r#"{"type":"org","code":"QN.HL.HG.K2","name":"Chi bộ khu 2","kind":"branch","parent":"QN.HL.HG"}"#,
            "\n",
            r#"{"type":"member","card":"48123456","name":"Phạm Ngọc Đường","org":"QN.HL.HG.K2"}"#,
        ),
        &[
            (
                1,
                "organisation code \"QN.HL.HG.K2\" already exists in the database",
            ),
            (2, "party card \"48123456\" already exists in the database"),
        ],
    );
}

#[test]
fn parent_cycles_are_reported_once() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    rejects(
        &store,
        concat!(
            r#"{"type":"org","code":"A","name":"A","kind":"grassroots_committee","parent":"C"}"#,
            "\n",
            r#"{"type":"org","code":"B","name":"B","kind":"grassroots_committee","parent":"A"}"#,
            "\n",
            r#"{"type":"org","code":"C","name":"C","kind":"grassroots_committee","parent":"B"}"#,
            "\n",
            r#"{"type":"org","code":"S","name":"S","kind":"district_committee","parent":"S"}"#,
        ),
        &[
            (1, "parent cycle: \"A\" → \"C\" → \"B\" → \"A\""),
            (4, "parent cycle: \"S\" → \"S\""),
        ],
    );
}

#[test]
fn a_cycle_through_an_org_of_the_database_is_refused() {
    // Making QN a child of a new org under it would close a loop through a stored org; the
    // file can only say so by redefining QN, which is both a cycle and a duplicate code.
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    rejects(
        &store,
        concat!(
            r#"{"type":"org","code":"NEW","name":"N","kind":"district_committee","parent":"QN"}"#,
            "\n",
            r#"{"type":"org","code":"QN","name":"Tỉnh ủy","kind":"provincial_committee","parent":"NEW"}"#,
        ),
        &[
            (1, "parent cycle: \"NEW\" → \"QN\" → \"NEW\""),
            (2, "organisation code \"QN\" already exists in the database"),
        ],
    );
}

#[test]
fn organisations_sit_only_where_their_kind_may() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    rejects(
        &store,
        concat!(
            r#"{"type":"org","code":"X1","name":"X","kind":"branch","parent":"QN.HL.HG.K2"}"#,
            "\n",
            r#"{"type":"org","code":"X2","name":"X","kind":"cell","parent":"QN.HL.HG"}"#,
            "\n",
            r#"{"type":"org","code":"X3","name":"X","kind":"cell","parent":"QN.HL.HG.K2.T1"}"#,
        ),
        &[
            (
                1,
                "kind branch cannot sit under \"QN.HL.HG.K2\" (kind branch)",
            ),
            (
                2,
                "kind cell cannot sit under \"QN.HL.HG\" (kind grassroots_committee)",
            ),
            (
                3,
                "kind cell cannot sit under \"QN.HL.HG.K2.T1\" (kind cell)",
            ),
        ],
    );
}

#[test]
fn meeting_rules_are_validated() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    let org = |code: &str, rule: &str| {
        format!(
            r#"{{"type":"org","code":"{code}","name":"X","kind":"branch","parent":"QN.HL.HG","meeting_rule":{rule}}}"#
        )
    };
    let text = [
        org("R1", r#"{"day":32}"#),
        org("R2", r#"{"nth":6,"weekday":"mon"}"#),
        org("R3", r#"{"nth":1,"weekday":"thursday"}"#),
        org("R4", r#"{"day":7,"nth":1}"#),
        org("R5", r#"{"day":0}"#),
        org("R6", r#"{"day":7}"#) + r#"  "#,
    ]
    .join("\n");
    let text = text.replace(
        r#""meeting_rule":{"day":7}}  "#,
        r#""meeting_rule":{"day":7},"grace_days":40}"#,
    );
    rejects(
        &store,
        &text,
        &[
            (1, "the meeting day must be 1..31, found 32"),
            (2, "\"nth\" must be 1..5, found 6"),
            (
                3,
                "field \"weekday\": unknown value \"thursday\"; accepted: mon | tue",
            ),
            (4, "must be {\"day\":N} or {\"nth\":N,\"weekday\":\"thu\"}"),
            (5, "the meeting day must be 1..31, found 0"),
            (6, "\"grace_days\" must be 0..31, found 40"),
        ],
    );
}

#[test]
fn temporary_exemption_needs_an_end_date() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    rejects(
        &store,
        r#"{"type":"member_status","card":"48123458","status":"temporarily_exempt","from":"2026-01-01","reason":"ốm"}"#,
        &[(1, "status temporarily_exempt needs an end date \"until\"")],
    );
}

#[test]
fn attendance_only_of_the_branch_own_members() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    rejects(
        &store,
        concat!(
            r#"{"type":"member","card":"9","name":"An","org":"QN.HL.HG.TH"}"#,
            "\n",
            r#"{"type":"meeting","org":"QN.HL.HG.K2","kind":"regular","date":"2026-11-09","attendance":{"48123456":"present","48120001":"present","9":"absent"},"excuses":{"48123457":"ốm"}}"#,
            "\n",
            r#"{"type":"meeting","org":"QN.HL.HG.K2","kind":"regular","date":"2026-11-20","attendance":{"48123456":"present","48123456":"absent"}}"#,
        ),
        &[
            (2, "member \"48120001\" is not a member of \"QN.HL.HG.K2\""),
            (2, "member \"9\" is not a member of \"QN.HL.HG.K2\""),
            (2, "\"excuses\": \"48123457\" is not in \"attendance\""),
            (3, "party card \"48123456\" is listed twice"),
        ],
    );
}

#[test]
fn a_meeting_is_unique_per_org_date_and_kind() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    rejects(
        &store,
        concat!(
            r#"{"type":"meeting","org":"QN.HL.HG.K2","kind":"regular","date":"2026-11-09"}"#,
            "\n",
            r#"{"type":"meeting","org":"QN.HL.HG.K2","kind":"thematic","date":"2026-11-09"}"#,
            "\n",
            r#"{"type":"meeting","org":"QN.HL.HG.K2","kind":"regular","date":"2026-11-09"}"#,
            "\n",
            r#"{"type":"meeting","org":"QN.HL.HG.K2","kind":"regular","date":"2026-10-09"}"#,
        ),
        &[
            (
                3,
                "duplicate regular meeting of \"QN.HL.HG.K2\" on 2026-11-09: first on line 1",
            ),
            (
                4,
                "duplicate regular meeting of \"QN.HL.HG.K2\" on 2026-10-09: already in the database",
            ),
        ],
    );
}

#[test]
fn roles_and_oversight_are_unique_per_org_member_and_start() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    rejects(
        &store,
        concat!(
            r#"{"type":"role","card":"48120001","org":"QN.HL.HG","role":"secretary","from":"2022-09-01"}"#,
            "\n",
            r#"{"type":"oversight","card":"48123457","org":"QN.HL.HG.TH","from":"2023-01-01"}"#,
            "\n",
            r#"{"type":"oversight","card":"48123457","org":"QN.HL.HG.TH","from":"2023-01-01"}"#,
            "\n",
            r#"{"type":"role","card":"48123457","org":"QN.HL.HG.K2.T1","role":"secretary","from":"2023-01-01"}"#,
        ),
        &[
            (
                1,
                "duplicate role of \"48120001\" in \"QN.HL.HG\" from 2022-09-01: already in the database",
            ),
            (
                3,
                "duplicate oversight of \"QN.HL.HG.TH\" by \"48123457\" from 2023-01-01: first on line 2",
            ),
            (4, "\"QN.HL.HG.K2.T1\" is a cell"),
        ],
    );
}

#[test]
fn classifications_grade_one_org_or_member_once_a_year() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    rejects(
        &store,
        concat!(
            r#"{"type":"classification","org":"QN.HL.HG.K2","year":2025,"grade":"good"}"#,
            "\n",
            r#"{"type":"classification","card":"48123457","year":2025,"grade":"good"}"#,
            "\n",
            r#"{"type":"classification","card":"48123457","year":2025,"score":95}"#,
            "\n",
            r#"{"type":"classification","org":"QN.HL.HG.K2.T1","year":2025,"grade":"good"}"#,
            "\n",
            r#"{"type":"classification","org":"QN.HL.HG","card":"48123457","year":2025,"grade":"good"}"#,
            "\n",
            r#"{"type":"classification","year":2025,"grade":"good"}"#,
            "\n",
            r#"{"type":"classification","org":"QN.HL.HG","year":1900,"grade":"best","score":101}"#,
            "\n",
            r#"{"type":"classification","org":"QN.XX","year":2024}"#,
        ),
        &[
            (
                1,
                "duplicate 2025 classification of \"QN.HL.HG.K2\": already in the database",
            ),
            (
                3,
                "duplicate 2025 classification of \"48123457\": first on line 2",
            ),
            (4, "\"QN.HL.HG.K2.T1\" is a cell: cells are not classified"),
            (5, "exactly one of \"org\""),
            (6, "exactly one of \"org\""),
            (7, "\"year\" must be a year from 1930 to 2199, found 1900"),
            (7, "\"score\" must be 0..100, found 101"),
            (7, "unknown value \"best\""),
            (8, "required field \"grade\""),
        ],
    );
}

#[test]
fn a_classification_without_a_grade_takes_the_one_its_score_earns() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    let line = r#"{"type":"classification","card":"48123457","year":2025,"score":90}"#;
    assert_eq!(import(&store, line).unwrap().classifications, 1);
    assert!(export(&store, None).contains(
        r#"{"type":"classification","card":"48123457","year":2025,"grade":"excellent","score":90}"#
    ));
}

#[test]
fn control_characters_and_bidi_overrides_are_refused_and_never_echoed() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    let text = concat!(
        r#"{"type":"member","card":"9","name":"An\u001b[2J","org":"QN.HL.HG.K2"}"#,
        "\n",
        r#"{"type":"org","code":"K\u202eX","name":"X","kind":"branch","parent":"QN.HL.HG"}"#,
        "\n",
        r#"{"type":"member","card":"1\u0007","name":"Bình","org":"QN.HL.HG.K2"}"#,
    );
    let before = snapshot(&store);
    let found = problems(import_in(&store, text, Lang::En));
    assert_eq!(found.len(), 3, "{found:#?}");
    assert_eq!(found[0].line, 1);
    assert!(
        found[0]
            .message
            .contains("field \"name\" contains a control character")
    );
    assert!(
        found[0].message.contains(r#""An\u{1b}[2J""#),
        "{}",
        found[0].message
    );
    assert_eq!(found[1].line, 2);
    assert!(
        found[1].message.contains(r#""K\u{202e}X""#),
        "{}",
        found[1].message
    );
    assert_eq!(found[2].line, 3);
    assert!(found[2].message.contains("field \"card\""));
    for problem in &found {
        let shown = problem.to_string();
        assert!(
            !shown
                .chars()
                .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
            "raw control character in {shown:?}"
        );
    }
    assert_eq!(snapshot(&store), before);
}

#[test]
fn problems_are_in_vietnamese_by_default() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    rejects_in(
        &store,
        concat!(
            r#"{"type":"member","card":"9","name":"An","org":"QN.HL.HG.K9"}"#,
            "\n",
            r#"{"type":"member","card":"48123456","name":"An","org":"QN.HL.HG.K2"}"#,
            "\n",
            r#"{"type":"member_status","card":"48123458","status":"temporarily_exempt","from":"2026-01-01"}"#,
        ),
        Lang::Vi,
        &[
            (1, "không có tổ chức mã \"QN.HL.HG.K9\""),
            (2, "số thẻ đảng \"48123456\" đã có trong cơ sở dữ liệu"),
            (
                3,
                "tình trạng temporarily_exempt cần ngày kết thúc \"until\"",
            ),
        ],
    );
}

#[test]
fn a_broken_record_is_reported_once_not_again_by_its_references() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir, "fresh.redb");
    rejects(
        &store,
        concat!(
            r#"{"type":"org","code":"K2","name":"Chi bộ khu 2","kind":"chi_bo"}"#,
            "\n",
            r#"{"type":"member","card":"1","name":"An","org":"K2","born":"1960-13-01"}"#,
            "\n",
            r#"{"type":"member_status","card":"1","status":"exempt","from":"2026-01-01"}"#,
        ),
        &[
            (1, "unknown value \"chi_bo\""),
            (2, "\"1960-13-01\" is not a real date"),
        ],
    );
}

#[test]
fn a_wrong_file_stops_after_a_hundred_problems() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir, "fresh.redb");
    let text = "not json\n".repeat(500);
    let found = problems(import_in(&store, &text, Lang::En));
    assert_eq!(found.len(), 101);
    assert_eq!(found[99].line, 100);
    assert!(found[100].message.contains("too many errors"));
    assert_eq!(store.read().unwrap().totals().unwrap().orgs, 0);
}

// ---------------------------------------------------------------------------------------------
// Populated databases and subtrees

#[test]
fn an_import_may_refer_to_what_the_database_holds() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    let addition = concat!(
        r#"{"type":"meeting","org":"QN.HL.HG.K3","kind":"regular","date":"2026-10-07","attendance":{"48129999":"present"},"guests":["48120001"]}"#,
        "\n",
        r#"{"type":"org","code":"QN.HL.HG.K3","name":"Chi bộ khu 3","kind":"branch","parent":"QN.HL.HG"}"#,
        "\n",
        r#"{"type":"member","card":"48129999","name":"Đỗ Văn Cường","org":"QN.HL.HG.K3"}"#,
        "\n",
        r#"{"type":"member_status","card":"48123458","status":"deceased","from":"2026-10-20"}"#,
        "\n",
        r#"{"type":"role","card":"48123457","org":"QN.HL.HG.K2","role":"deputy_secretary","from":"2026-01-01"}"#,
        "\n",
        r#"{"type":"oversight","card":"48120001","org":"QN.HL.HG.K3","from":"2026-01-01"}"#,
        "\n",
        r#"{"type":"meeting","org":"QN.HL.HG.K2","kind":"regular","date":"2026-11-07","attendance":{"48123456":"present"}}"#,
    );
    let summary = import(&store, addition).unwrap();
    assert_eq!(summary.orgs, 1);
    assert_eq!(summary.meetings, 2);
    let exported = export(&store, None);
    assert!(exported.contains(
        r#"{"type":"member_status","card":"48123458","status":"deceased","from":"2026-10-20"}"#
    ));
    assert!(exported.contains(r#""org":"QN.HL.HG.K3","kind":"regular","date":"2026-10-07","attendance":{"48129999":"present"},"guests":["48120001"]}"#));

    // The combined database is one canonical file again.
    let again = open(&dir, "again.redb");
    import(&again, &exported).unwrap();
    assert_eq!(export(&again, None), exported);
    let reader = store.read().unwrap();
    let k3 = reader.org_by_code("QN.HL.HG.K3").unwrap().unwrap();
    let ward = reader.org_id("QN.HL.HG").unwrap().unwrap();
    assert_eq!(k3.parent, Some(ward));
    assert_eq!(reader.member_count_of(k3.id).unwrap(), 1);
}

const K2_SUBTREE: &str = r#"{"type":"org","code":"QN.HL.HG.K2","name":"Chi bộ khu 2","kind":"branch","branch_type":"residential","meeting_rule":{"day":7},"grace_days":2,"founded":"1975-01-01"}
{"type":"org","code":"QN.HL.HG.K2.T1","name":"Tổ đảng số 1","kind":"cell","parent":"QN.HL.HG.K2"}
{"type":"member","card":"48123456","name":"Phạm Ngọc Đường","sex":"male","born":"1958-03-02","admitted":"1984-05-19","full_member":"1985-05-19","org":"QN.HL.HG.K2","cell":"QN.HL.HG.K2.T1","residence":"Tổ 5, khu 2, Hồng Gai"}
{"type":"member_status","card":"48123456","status":"temporarily_exempt","from":"2024-03-01","until":"2024-09-01","reason":"ốm"}
{"type":"member_status","card":"48123456","status":"active","from":"2024-09-01"}
{"type":"member","card":"48123457","name":"Nguyễn Văn An","sex":"male","born":"1940-01-01","admitted":"1965-01-01","org":"QN.HL.HG.K2"}
{"type":"member_status","card":"48123457","status":"exempt","from":"2024-01-01","reason":"tuổi cao"}
{"type":"member","card":"48123458","name":"Lê Thị Bình","org":"QN.HL.HG.K2"}
{"type":"role","card":"48123456","org":"QN.HL.HG.K2","role":"secretary","from":"2020-01-01","until":"2025-01-01"}
{"type":"meeting","org":"QN.HL.HG.K2","kind":"regular","date":"2026-10-09","planned":"2026-10-07","attendance":{"48123456":"present","48123457":"exempt","48123458":"excused"},"excuses":{"48123458":"đi công tác"},"topic":"Nghị quyết tháng 10","minutes":"Khai mạc 19h30.\nBế mạc 21h00.","approved":true}
{"type":"meeting","org":"QN.HL.HG.K2","kind":"thematic","date":"2026-10-09","attendance":{"48123456":"present"}}
{"type":"classification","org":"QN.HL.HG.K2","year":2024,"grade":"good"}
{"type":"classification","org":"QN.HL.HG.K2","year":2025,"grade":"good","score":82}
{"type":"classification","card":"48123456","year":2025,"grade":"completed","score":61}
"#;

#[test]
fn a_subtree_export_stands_on_its_own() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    let subtree = export(&store, Some("QN.HL.HG.K2"));
    assert_eq!(subtree, K2_SUBTREE);

    let alone = open(&dir, "alone.redb");
    import(&alone, &subtree).unwrap();
    assert_eq!(export(&alone, None), subtree);
    assert_eq!(export(&alone, Some("QN.HL.HG.K2")), subtree);
}

#[test]
fn a_subtree_export_of_an_unknown_code_says_so() {
    let dir = TempDir::new().unwrap();
    let store = populated(&dir);
    let reader = store.read().unwrap();
    let mut out = Vec::new();
    match jsonl::export(&reader, Some("QN.XX"), &mut out, Lang::En) {
        Err(ImportError::Invalid(message)) => {
            assert_eq!(message, "no organisation with code \"QN.XX\"")
        }
        other => panic!("expected an unknown-org error, got {other:?}"),
    }
    assert!(out.is_empty());
}

// ---------------------------------------------------------------------------------------------
// CSV member lists

/// The branch and cell a CSV list goes into.
const BRANCH: &str = concat!(
    r#"{"type":"org","code":"K2","name":"Chi bộ khu 2","kind":"branch"}"#,
    "\n",
    r#"{"type":"org","code":"K2.T1","name":"Tổ 1","kind":"cell","parent":"K2"}"#,
    "\n",
);

fn import_csv(
    store: &Store,
    text: &str,
    org: Option<&str>,
    lang: Lang,
) -> Result<ImportSummary, ImportError> {
    csv_members::import(store, "list.csv", text.as_bytes(), org, lang)
}

#[test]
fn csv_with_vietnamese_headers_and_day_first_dates() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir, "csv.redb");
    import(&store, BRANCH).unwrap();
    let text = "\u{feff}STT;Số thẻ;Họ và tên;Giới tính;Ngày sinh;Ngày vào Đảng;Ngày chính thức;Tổ đảng;Điện thoại;Nơi cư trú\n\
                1;48123456;Phạm Ngọc Đường;Nam;02/03/1958;19/05/1984;1985-05-19;K2.T1;0912 345 678;\"Tổ 5; khu 2\"\n\
                2;48123457;Nguyễn Thị Hoa;Nữ;7/1/1960;;;;;\n";
    let summary = import_csv(&store, text, Some("K2"), Lang::Vi).unwrap();
    assert_eq!(summary.members, 2);
    let exported = export(&store, None);
    assert!(exported.ends_with(concat!(
        r#"{"type":"member","card":"48123456","name":"Phạm Ngọc Đường","sex":"male","born":"1958-03-02","admitted":"1984-05-19","full_member":"1985-05-19","org":"K2","cell":"K2.T1","phone":"0912 345 678","residence":"Tổ 5; khu 2"}"#,
        "\n",
        r#"{"type":"member","card":"48123457","name":"Nguyễn Thị Hoa","sex":"female","born":"1960-01-07","org":"K2"}"#,
        "\n",
    )), "{exported}");
}

#[test]
fn csv_with_english_headers_in_any_case_and_order() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir, "csv.redb");
    import(&store, BRANCH).unwrap();
    let text = "Name,CARD,org,Sex,Born,Full_Member,Admitted\n\
                Lê Thị Bình,48123458,K2,female,1970-04-30,,2000-01-01\n";
    import_csv(&store, text, None, Lang::En).unwrap();
    assert!(export(&store, None).ends_with(concat!(
        r#"{"type":"member","card":"48123458","name":"Lê Thị Bình","sex":"female","born":"1970-04-30","admitted":"2000-01-01","org":"K2"}"#,
        "\n"
    )));
}

#[test]
fn csv_problems_are_reported_at_their_physical_line() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir, "csv.redb");
    import(&store, BRANCH).unwrap();
    let before = snapshot(&store);
    // The quoted address spans lines 3 and 4, so the next row starts on line 5. An address
    // is one line, so the line break in it is a problem too, reported where its row starts.
    let text = "card,name,org,residence,born\n\
                1,An,K2,,1960-01-01\n\
                2,Bình,K2,\"Tổ 5\nkhu 2\",\n\
                3,Chi,K2,,31/02/1970\n\
                1,Dũng,K9,,\n";
    let found = problems(import_csv(&store, text, None, Lang::En));
    let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        vec![
            "list.csv:3: field \"residence\" contains a control character or a bidirectional override: \"Tổ 5\\nkhu 2\"",
            "list.csv:5: field \"born\": \"31/02/1970\" is not a real date in the form YYYY-MM-DD / DD/MM/YYYY",
            "list.csv:6: duplicate party card \"1\": first defined on line 2",
            "list.csv:6: field \"org\": no organisation with code \"K9\" in the file or the database",
        ]
    );
    assert_eq!(snapshot(&store), before);
}

#[test]
fn csv_headers_must_be_known_and_complete() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir, "csv.redb");
    import(&store, BRANCH).unwrap();
    let found = problems(import_csv(&store, "Số thẻ,Tên gọi\n1,An\n", None, Lang::Vi));
    let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 3, "{shown:#?}");
    assert!(shown[0].starts_with("list.csv:1: cột không xác định \"Tên gọi\""));
    assert!(shown.contains(&"list.csv:1: thiếu cột bắt buộc \"name\"".to_string()));
    assert!(shown.contains(&"list.csv:1: thiếu cột bắt buộc \"org\"".to_string()));
    assert_eq!(store.read().unwrap().totals().unwrap().members, 0);
}

// ---------------------------------------------------------------------------------------------
// The binary

fn chibo(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chibo"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("CHIBO_DB")
        .stdin(Stdio::null())
        .output()
        .expect("the chibo binary runs")
}

#[test]
fn a_file_with_no_record_is_refused_and_makes_no_database() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("new.redb");
    for (name, text) in [("empty.jsonl", ""), ("blank.jsonl", "\n  \n\n")] {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        let out = chibo(&db, &["--lang", "en", "import", file.to_str().unwrap()]);
        let said = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {said}");
        let told = format!("{name}:1: the file holds no record; there is nothing to import");
        assert!(said.contains(&told), "{name}: {said}");
        assert!(!db.exists(), "{name}: no database is made for nothing");
    }
}

#[test]
fn the_binary_reports_file_and_line_and_imports_nothing() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("cli.redb");
    let bad = dir.path().join("bad.jsonl");
    let text = concat!(
        r#"{"type":"org","code":"K2","name":"Chi bộ khu 2","kind":"branch"}"#,
        "\n",
        r#"{"type":"member","card":"1","name":"An","org":"K2"}"#,
        "\n",
        r#"{"type":"member","card":"2","name":"Bình","org":"K2","born":"1970-02-30"}"#,
        "\n",
    );
    std::fs::write(&bad, text).unwrap();
    let output = chibo(&db, &["--lang", "en", "import", bad.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "stderr: {stderr}");
    assert!(
        stderr.contains("bad.jsonl:3: field \"born\""),
        "stderr: {stderr}"
    );
    assert!(stderr.contains("nothing was imported"), "stderr: {stderr}");

    // Nothing imported into a database that was not there: none is left behind.
    assert!(!db.exists(), "the failed import left a database");
}

#[test]
fn a_file_piped_in_is_imported_whole() {
    // A pipe cannot be read twice as a file is: it is read into memory first.
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("pipe.redb");
    let mut child = Command::new(env!("CARGO_BIN_EXE_chibo"))
        .arg("--db")
        .arg(&db)
        .args(["import", "/dev/stdin"])
        .env_remove("CHIBO_DB")
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the chibo binary runs");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(FIXTURE.as_bytes()).unwrap();
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let export = chibo(&db, &["export"]);
    assert_eq!(String::from_utf8(export.stdout).unwrap(), FIXTURE);
}

#[test]
fn the_binary_imports_and_exports_the_same_bytes() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("cli.redb");
    let file = dir.path().join("all.jsonl");
    std::fs::write(&file, FIXTURE).unwrap();
    let output = chibo(&db, &["import", file.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("đã nhập 5 tổ chức, 4 đảng viên"));
    let export = chibo(&db, &["export"]);
    assert!(export.status.success());
    assert_eq!(String::from_utf8(export.stdout).unwrap(), FIXTURE);

    let subtree = chibo(&db, &["--lang", "en", "export", "--org", "NOPE"]);
    assert!(!subtree.status.success());
    assert!(
        String::from_utf8_lossy(&subtree.stderr).contains("no organisation with code \"NOPE\"")
    );
}

#[test]
fn the_binary_imports_a_csv_list_into_the_branch_given() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("cli.redb");
    let branch = dir.path().join("branch.jsonl");
    let list = dir.path().join("list.csv");
    std::fs::write(&branch, BRANCH).unwrap();
    std::fs::write(&list, "Số thẻ,Họ và tên\n9,Hà Văn Minh\n").unwrap();
    assert!(
        chibo(&db, &["import", branch.to_str().unwrap()])
            .status
            .success()
    );
    let output = chibo(&db, &["import", list.to_str().unwrap(), "--org", "K2"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let export = String::from_utf8(chibo(&db, &["export"]).stdout).unwrap();
    assert!(export.contains(r#"{"type":"member","card":"9","name":"Hà Văn Minh","org":"K2"}"#));
}
