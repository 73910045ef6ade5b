//! The exchange format's preparation records end to end: plan deadlines (own, inherited and
//! changed by month), members' former branches, a planned meeting with its agenda, drafter
//! and the time it was sent, its documents (Markdown and a file), a committee meeting's
//! decisions and a resolution's vote round-trip byte for byte; what they say is in the store
//! after import; and every new way of getting them wrong is reported at its line.

use std::path::Path;

use chibo::domain::YearMonth;
use chibo::domain::duration::DurationConfig;
use chibo::domain::{DocumentBody, Lang, MeetingKind, Vote};
use chibo::io::{ImportError, ImportSummary, jsonl};
use chibo::store::{Store, check};
use chrono::NaiveDate;
use tempfile::TempDir;

fn ym(year: i32, month: u32) -> YearMonth {
    YearMonth::new(year, month).unwrap()
}

fn fixture() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/preparation.jsonl");
    std::fs::read_to_string(path).unwrap()
}

/// A new database judged on the last day of 2026: the meetings of these files are held by then.
fn open(dir: &TempDir, name: &str) -> Store {
    let end_of_2026 = chibo::domain::date::parse_iso("2026-12-31").unwrap();
    Store::open(&dir.path().join(name))
        .unwrap()
        .with_clock(chibo::clock::Clock::on(end_of_2026))
}

fn import(store: &Store, text: &str) -> Result<ImportSummary, ImportError> {
    jsonl::import(store, "in.jsonl", text.as_bytes(), Lang::En)
}

fn export(store: &Store, org: Option<&str>) -> String {
    let mut out = Vec::new();
    jsonl::export(&store.read().unwrap(), org, &mut out, Lang::En).unwrap();
    String::from_utf8(out).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn preparation_records_round_trip_byte_for_byte() {
    let dir = TempDir::new().unwrap();
    let first = open(&dir, "first.redb");
    let summary = import(&first, &fixture()).unwrap();
    assert_eq!((summary.meetings, summary.documents), (3, 2));
    let exported = export(&first, None);
    assert_eq!(exported, fixture(), "a canonical file exports as itself");
    let second = open(&dir, "second.redb");
    import(&second, &exported).unwrap();
    assert_eq!(export(&second, None), exported);
    assert_eq!(
        check::run(&second.read().unwrap()).unwrap(),
        Vec::<String>::new()
    );
    // A subtree stands alone: the moved member without her former branch, which is not in it.
    let k3 = export(&first, Some("QN.HG.K3"));
    assert_eq!(
        k3,
        concat!(
            r#"{"type":"org","code":"QN.HG.K3","name":"Chi bộ khu 3","kind":"branch","meeting_rule":{"day":7},"grace_days":2,"plan_deadline":15}"#,
            "\n",
            r#"{"type":"member","card":"48123458","name":"Lê Thị Bình","org":"QN.HG.K3"}"#,
            "\n"
        )
    );
    let third = open(&dir, "third.redb");
    import(&third, &k3).unwrap();
    // The K2 subtree keeps the plan and its documents.
    let k2 = export(&first, Some("QN.HG.K2"));
    assert_eq!(
        k2.lines()
            .filter(|l| l.contains(r#""type":"document""#))
            .count(),
        2
    );
    let fourth = open(&dir, "fourth.redb");
    import(&fourth, &k2).unwrap();
    assert_eq!(export(&fourth, Some("QN.HG.K2")), k2);
}

#[test]
fn what_the_file_says_is_what_the_store_holds() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir, "prep.redb");
    import(&store, &fixture()).unwrap();
    let r = store.read().unwrap();
    let k2 = r.org_id("QN.HG.K2").unwrap().unwrap();
    let ward = r.org_id("QN.HG").unwrap().unwrap();
    // December's plan: sent 14 November, the ward's deadline the 15th; the PDF attached
    // after sending, on 5 December, the day before the documents' last day.
    let plan = r.month_plan(k2, ym(2026, 12)).unwrap().unwrap();
    assert_eq!(plan.agenda.len(), 3);
    let drafter = r.member(plan.drafter.unwrap()).unwrap().unwrap();
    assert_eq!(drafter.name, "Phạm Ngọc Đường");
    let deadlines = r.plan_deadlines(k2, ym(2026, 12)).unwrap();
    assert_eq!((deadlines.day, deadlines.plan), (15, day(2026, 11, 15)));
    let (info, body) = r.document(plan.id, 2).unwrap().unwrap();
    assert_eq!(info.media_type.as_deref(), Some("application/pdf"));
    assert_eq!(
        body,
        DocumentBody::File {
            media_type: Some("application/pdf".into()),
            bytes: b"%PDF-1.4\n".to_vec()
        }
    );
    // The ward: K2 on time, K3 has planned nothing — half of its branches on time.
    let december = r.month_stats(ward, ym(2026, 12)).unwrap();
    assert_eq!(december.plan_on_time_share(), Some(0.5));
    assert_eq!(december.documents_on_time, 1);
    // October: 3 present of 4 counted — the exempt member came; Bình, in K2 until
    // November, was absent. The vote: 3 of 4, valid. 75 minutes: short.
    let october = &r.meetings_in_month(k2, ym(2026, 10)).unwrap()[0];
    let quorum = r.quorum_of(october).unwrap();
    assert_eq!(
        (quorum.counted, quorum.present, quorum.exempt_present),
        (4, 3, 1)
    );
    assert!(october.vote.unwrap().adopted(&quorum));
    // The month's figures count the expected only: An, exempt since 2024, came and is
    // counted with the exempt — 2 present of 3 expected, not 3 of 4. The file says
    // "present" for him like for the others, and so does the export above.
    let figures = r.month_stats(k2, ym(2026, 10)).unwrap();
    assert_eq!(
        (
            figures.expected(),
            figures.present,
            figures.absent,
            figures.exempt
        ),
        (3, 2, 1, 1)
    );
    assert_eq!(figures.attendance_rate(), Some(2.0 / 3.0));
    assert_eq!(
        october.vote,
        Some(Vote {
            in_favour: 3,
            against: 0,
            abstaining: 0
        })
    );
    let status = &r
        .branch_statuses(
            k2,
            ym(2026, 10),
            day(2026, 11, 23),
            &DurationConfig::default(),
        )
        .unwrap()[0];
    assert_eq!(status.short.map(|s| s.minutes), Some(75));
    let binh = r.member_by_card("48123458").unwrap().unwrap();
    assert_eq!(r.absent_months(binh.id).unwrap(), [ym(2026, 10)]);
    assert_eq!(binh.branch_on(october.date), k2);
    let committee = r
        .all_meetings_of(k2)
        .unwrap()
        .into_iter()
        .find(|m| m.kind == MeetingKind::Committee)
        .unwrap();
    assert_eq!(YearMonth::of(committee.date), ym(2026, 11));
    assert!(
        committee
            .decisions
            .unwrap()
            .starts_with("Thống nhất 4 nội dung.")
    );
}

/// Imports `text` on top of the fixture and asserts it fails with exactly these problems.
fn rejects(text: &str, expected: &[(usize, &str)]) {
    let dir = TempDir::new().unwrap();
    let store = open(&dir, "prep.redb");
    import(&store, &fixture()).unwrap();
    let before = export(&store, None);
    let Err(ImportError::Lines(found)) = import(&store, text) else {
        panic!("the import did not fail");
    };
    let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(found.len(), expected.len(), "{shown:#?}");
    for (line, fragment) in expected {
        assert!(
            found
                .iter()
                .any(|p| p.line == *line && p.message.contains(fragment)),
            "no problem at line {line} containing {fragment:?} in {shown:#?}"
        );
    }
    assert_eq!(
        export(&store, None),
        before,
        "a failed import changed nothing"
    );
}

#[test]
fn every_new_field_is_checked_at_its_line() {
    rejects(
        concat!(
            r#"{"type":"org","code":"X","name":"X","kind":"branch","parent":"QN.HG","plan_deadline":32}"#,
            "\n",
            r#"{"type":"meeting","org":"QN.HG.K2","kind":"regular","date":"2027-01-07","state":"planned","vote":{"for":1,"against":0,"abstain":0}}"#,
            "\n",
            r#"{"type":"meeting","org":"QN.HG.K2","kind":"regular","date":"2026-11-07","attendance":{"48123456":"present"},"vote":{"for":1,"against":1,"abstain":0}}"#,
            "\n",
            r#"{"type":"meeting","org":"QN.HG.K2","kind":"thematic","date":"2026-11-07","decisions":"x"}"#,
            "\n",
            r#"{"type":"document","org":"QN.HG.K2","kind":"regular","date":"2026-12-07","name":"a","added":"2026-11-13T09:00","text":"a","data":"YQ=="}"#,
            "\n",
            r#"{"type":"document","org":"QN.HG.K2","kind":"regular","date":"2026-12-07","name":"b","added":"2026-11-13T09:00","data":"not base64!"}"#,
            "\n",
            r#"{"type":"document","org":"QN.HG.K2","kind":"regular","date":"2027-02-07","name":"c","added":"2026-11-13T09:00","text":"c"}"#,
            "\n",
            r#"{"type":"member","card":"9","name":"Hà Văn Chín","org":"QN.HG.K3","former_orgs":[{"org":"QN.HG.K2","until":"2026-05-01"},{"org":"QN","until":"2026-04-01"}]}"#,
            "\n",
            r#"{"type":"meeting","org":"QN.HG.K2","kind":"regular","date":"2026-11-10","attendance":{"48123458":"absent"},"drafter":"404"}"#,
            "\n",
            r#"{"type":"meeting","org":"QN.HG.K2","kind":"regular","date":"2026-10-20","attendance":{"48123458":"absent"},"agenda":["Một","Hai"]}"#,
        ),
        &[
            (
                1,
                "\"plan_deadline\" must be a day of the month, 1 to 31; found 32",
            ),
            (
                2,
                "\"vote\" belongs to a meeting that was held; this one is planned",
            ),
            (3, "\"vote\": 2 votes but only 1 members present"),
            (
                4,
                "\"decisions\" belongs to a committee meeting; this one is thematic",
            ),
            (
                5,
                "exactly one of \"text\" (Markdown) and \"data\" (base64)",
            ),
            (6, "\"data\" is not valid base64"),
            (7, "no regular meeting of \"QN.HG.K2\" on 2027-02-07"),
            (
                8,
                "\"former_orgs\": each \"until\" must be after the one before it",
            ),
            // Bình left K2 on 1 November: her mark at its meeting of the 10th is refused …
            (
                9,
                "member \"48123458\" is not a member of \"QN.HG.K2\" on the day of the meeting",
            ),
            (9, "field \"drafter\": no member with party card \"404\""),
            // … and line 10, before she left, is fine.
        ],
    );
}

#[test]
fn a_document_over_ten_megabytes_is_refused_with_its_size() {
    use base64::Engine;
    let data = base64::engine::general_purpose::STANDARD.encode(vec![0u8; 10 * 1024 * 1024 + 1]);
    let line = format!(
        r#"{{"type":"document","org":"QN.HG.K2","kind":"regular","date":"2026-12-07","name":"Phim.mp4","added":"2026-11-13T09:00","data":"{data}"}}"#
    );
    rejects(
        &line,
        &[(
            1,
            "document \"Phim.mp4\" is 10.0 MB, over the 10 MB limit: compress or split the file",
        )],
    );
}

#[test]
fn a_document_may_join_a_meeting_already_stored() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir, "prep.redb");
    import(&store, &fixture()).unwrap();
    let line = r#"{"type":"document","org":"QN.HG.K2","kind":"regular","date":"2026-12-07","name":"Phụ lục.md","added":"2026-12-01T10:00","text":"Phụ lục"}"#;
    assert_eq!(import(&store, line).unwrap().documents, 1);
    let r = store.read().unwrap();
    let k2 = r.org_id("QN.HG.K2").unwrap().unwrap();
    let plan = r.month_plan(k2, ym(2026, 12)).unwrap().unwrap();
    let names: Vec<(u32, &str)> = plan
        .documents
        .iter()
        .map(|d| (d.no, d.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            (1, "Dự thảo nghị quyết.md"),
            (2, "Báo cáo.pdf"),
            (3, "Phụ lục.md")
        ]
    );
    assert_eq!(check::run(&r).unwrap(), Vec::<String>::new());
}

/// Files write `present` for an exempt member who came; the import tells them apart by the
/// member's status on the meeting date, wherever that status comes from: stored before, or
/// given in the same file as the meeting. Neither is counted among the expected.
#[test]
fn exempt_members_who_came_are_told_apart_on_import() {
    let dir = TempDir::new().unwrap();
    let store = open(&dir, "exempt.redb");
    import(&store, &fixture()).unwrap();
    // Hồng is exempt for a time from 1 November 2026; An has been exempt since 2024
    // (stored by the fixture). Both come on 7 December, so do Đường (expected) and —
    // after her exemption ends — nobody else.
    let december = concat!(
        r#"{"type":"member_status","card":"48120001","status":"temporarily_exempt","from":"2026-11-01","until":"2027-01-01","reason":"ốm dài ngày"}"#,
        "\n",
        r#"{"type":"meeting","org":"QN.HG.K3","kind":"regular","date":"2026-12-07","attendance":{"48123458":"present"}}"#,
        "\n",
        r#"{"type":"meeting","org":"QN.HG.K2","kind":"thematic","date":"2026-12-08","attendance":{"48120001":"present","48123456":"absent","48123457":"present"}}"#,
        "\n",
        r#"{"type":"meeting","org":"QN.HG.K2","kind":"regular","date":"2026-12-28","attendance":{"48120001":"present","48123456":"present","48123457":"present"}}"#,
        "\n",
    );
    import(&store, december).unwrap();
    let r = store.read().unwrap();
    let k2 = r.org_id("QN.HG.K2").unwrap().unwrap();
    let figures = r.month_stats(k2, ym(2026, 12)).unwrap();
    assert_eq!(
        (figures.expected(), figures.present, figures.exempt),
        (1, 1, 2),
        "only Đường was expected on 28 December"
    );
    let ward = r.org_id("QN.HG").unwrap().unwrap();
    let both = r.month_stats(ward, ym(2026, 12)).unwrap();
    assert_eq!(
        (both.expected(), both.present, both.exempt),
        (2, 2, 2),
        "Bình in K3 is expected and came"
    );
    // On the roll they are present, and they count for the quorum: 3 of 3.
    let meeting = r
        .meetings_in_month(k2, ym(2026, 12))
        .unwrap()
        .into_iter()
        .find(|m| m.date == day(2026, 12, 28))
        .unwrap();
    let quorum = r.quorum_of(&meeting).unwrap();
    assert_eq!(
        (quorum.counted, quorum.present, quorum.exempt_present),
        (3, 3, 2)
    );
    drop(r);
    // Written back as `present`, and read in again to the same store.
    let exported = export(&store, None);
    assert!(exported.contains(
        r#""date":"2026-12-28","attendance":{"48120001":"present","48123456":"present","48123457":"present"}"#
    ));
    let again = open(&dir, "again.redb");
    import(&again, &exported).unwrap();
    assert_eq!(export(&again, None), exported);
    let r = again.read().unwrap();
    let k2 = r.org_id("QN.HG.K2").unwrap().unwrap();
    assert_eq!(r.month_stats(k2, ym(2026, 12)).unwrap().present, 1);
    assert_eq!(
        check::run(&r).unwrap(),
        Vec::<String>::new(),
        "the roll-ups agree with the records"
    );
}
