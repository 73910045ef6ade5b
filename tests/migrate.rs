//! Databases written by an earlier schema open in this chibo: the migration runs at open,
//! the data is intact, and what the new schema adds works on the old data.

use std::path::{Path, PathBuf};

use chibo::domain::YearMonth;
use chibo::domain::{Approval, Mark, Meeting, MeetingKind, MeetingState};
use chibo::store::{SCHEMA_VERSION, Store, check};
use redb::TableDefinition;

fn ym(year: i32, month: u32) -> YearMonth {
    YearMonth::new(year, month).unwrap()
}

mod meta;

use meta::{schema_version, set_schema_version};

/// A private copy of a fixture, so the committed file is never changed.
fn copy_fixture(name: &str, dir: &Path) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let target = dir.join(name);
    std::fs::copy(source, &target).expect("fixture present");
    target
}

#[test]
fn a_version_1_database_opens_migrated_and_intact() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_fixture("schema-v1.redb", dir.path());
    assert_eq!(schema_version(&path), 1);

    let store = Store::open(&path).unwrap();
    let reader = store.read().unwrap();
    let branch = reader
        .org_by_code("QN.HG.K2")
        .unwrap()
        .expect("branch kept");
    assert_eq!(branch.name, "Chi bộ khu 2");
    let roster: Vec<String> = reader
        .members_of(branch.id, 0, 10)
        .unwrap()
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert_eq!(
        roster,
        ["Nguyễn Văn An", "Phạm Ngọc Đường", "Đặng Thị Hồng"]
    );
    let meetings = reader.all_meetings_of(branch.id).unwrap();
    assert_eq!(meetings.len(), 1);
    // Version 3 re-encoded meetings and organisations: every old meeting was held, and no
    // organisation had changed its rule.
    assert_eq!(meetings[0].state, MeetingState::Held);
    assert_eq!(
        (meetings[0].time, meetings[0].end_time, &meetings[0].place),
        (None, None, &None)
    );
    // Version 4 turned "approved" into an approval that names nobody, with no amendments.
    assert_eq!(meetings[0].approval, Some(Approval::default()));
    assert_eq!(meetings[0].minutes.as_deref(), Some("Biên bản"));
    assert!(meetings[0].amendments.is_empty());
    reader
        .each_org(|org| {
            assert!(org.rule_changes.is_empty(), "{}", org.code);
            Ok::<_, chibo::store::StoreError>(())
        })
        .unwrap();
    // Version 2 added the organisation-name index: the migration filled it from old rows.
    let found: Vec<String> = reader
        .search_orgs("hong gai", 5)
        .unwrap()
        .into_iter()
        .map(|o| o.code)
        .collect();
    assert_eq!(found, ["QN.HG"]);
    // …and the subtree totals: one branch, three members, one of them exempt.
    let province = reader.org_by_code("QN").unwrap().unwrap();
    let totals = reader.org_totals(province.id).unwrap();
    assert_eq!((totals.branches, totals.members, totals.exempt), (1, 3, 1));
    assert_eq!(check::run(&reader).unwrap(), Vec::<String>::new());
    drop(reader);
    drop(store);
    assert_eq!(SCHEMA_VERSION, 15);
    assert_eq!(schema_version(&path), SCHEMA_VERSION);
}

#[test]
fn opening_a_migrated_database_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_fixture("schema-v1.redb", dir.path());
    drop(Store::open(&path).unwrap());
    let store = Store::open(&path).unwrap();
    let reader = store.read().unwrap();
    assert_eq!(reader.search_orgs("chi bo", 5).unwrap().len(), 1);
    assert_eq!(check::run(&reader).unwrap(), Vec::<String>::new());
}

#[test]
fn version_4_builds_the_monthly_rollups_from_the_old_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_fixture("schema-v1.redb", dir.path());
    let store = Store::open(&path).unwrap();
    let reader = store.read().unwrap();
    let branch = reader.org_by_code("QN.HG.K2").unwrap().unwrap();
    let meeting = &reader.all_meetings_of(branch.id).unwrap()[0];
    let month = YearMonth::of(meeting.date);
    // The month of the fixture's one meeting is covered, and no other.
    assert_eq!(
        reader
            .covered_months()
            .unwrap()
            .into_iter()
            .collect::<Vec<_>>(),
        [month]
    );
    let province = reader.org_by_code("QN").unwrap().unwrap();
    let stats = reader.month_stats(province.id, month).unwrap();
    // Built by counting, so equal to the count of the same month from the records.
    assert_eq!(stats, reader.count_month(province.id, month).unwrap());
    assert_eq!(stats.meetings_held, 1);
    let marks = meeting.counts();
    // The exempt are the branch's exempt member on that day, whom the meeting leaves out.
    assert_eq!(marks.exempt, 0);
    assert_eq!(
        (stats.present, stats.excused, stats.absent, stats.exempt),
        (marks.present, marks.excused, marks.absent, 1)
    );
    // Three members on the roll, one of them exempt, as the totals say.
    let on_roll: u32 = chibo::domain::MemberStatus::ALL
        .iter()
        .filter(|s| s.on_roll())
        .map(|s| stats.members_with(*s))
        .sum();
    assert_eq!(on_roll, 3);
    assert_eq!(
        stats.members_with(chibo::domain::MemberStatus::Exempt)
            + stats.members_with(chibo::domain::MemberStatus::TemporarilyExempt),
        1
    );
    assert_eq!(check::run(&reader).unwrap(), Vec::<String>::new());
}

#[test]
fn version_6_adds_plans_votes_and_absences_to_the_old_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = copy_fixture("schema-v1.redb", dir.path());
    let store = Store::open(&path).unwrap();
    let reader = store.read().unwrap();
    // Meetings re-encoded with nothing prepared, voted or decided; no deadline set anywhere.
    let branch = reader.org_by_code("QN.HG.K2").unwrap().unwrap();
    let meeting = &reader.all_meetings_of(branch.id).unwrap()[0];
    assert!(meeting.agenda.is_empty() && meeting.documents.is_empty());
    assert_eq!(
        (
            meeting.drafter,
            meeting.sent_at,
            meeting.vote,
            &meeting.decisions
        ),
        (None, None, None, &None)
    );
    assert_eq!(branch.plan_deadline, None);
    // The one meeting marked nobody absent without permission.
    for card in ["48123456", "48123457", "48123458"] {
        let id = reader.member_id(card).unwrap().unwrap();
        assert!(reader.absent_months(id).unwrap().is_empty(), "{card}");
    }
    // October 2026's roll-ups now count the plan the branch owed (by 20 September, never
    // sent) and its documents, counted again from the records.
    let province = reader.org_by_code("QN").unwrap().unwrap();
    let stats = reader.month_stats(province.id, ym(2026, 10)).unwrap();
    assert_eq!(
        stats,
        reader.count_month(province.id, ym(2026, 10)).unwrap()
    );
    let after = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    assert_eq!((stats.plans_due(), stats.plans_missing(after)), (1, 1));
    assert_eq!(
        (stats.documents_due(), stats.documents_missing(after)),
        (1, 1)
    );
    assert_eq!(
        (stats.plan_on_time_share(), stats.absentees),
        (Some(0.0), 0)
    );
    assert_eq!(check::run(&reader).unwrap(), Vec::<String>::new());
}

#[test]
fn a_version_6_database_gains_the_classification_tables() {
    // A version 6 file is today's layout without the two classification tables: make one
    // by taking them away from a new file and marking it 6.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v6.redb");
    drop(Store::open(&path).unwrap());
    {
        let db = redb::Database::create(&path).unwrap();
        let txn = db.begin_write().unwrap();
        for name in ["org_classifications", "member_classifications"] {
            let table: TableDefinition<(u64, i32), &[u8]> = TableDefinition::new(name);
            assert!(txn.delete_table(table).unwrap(), "{name} was there");
        }
        txn.commit().unwrap();
    }
    set_schema_version(&path, 6);
    assert_eq!(schema_version(&path), 6);
    let store = Store::open(&path).unwrap();
    let reader = store.read().unwrap();
    let none = reader
        .member_classifications_of(chibo::domain::MemberId(1))
        .unwrap();
    assert!(none.is_empty());
    drop(reader);
    drop(store);
    assert_eq!(schema_version(&path), SCHEMA_VERSION);
}

#[test]
fn version_8_tells_the_exempt_members_who_came_apart() {
    // A version 7 file stored an exempt member who came as `present`: write one so, with
    // the store's own writer (which keeps the marks it is given), and mark the file 7.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v7.redb");
    let mut text = named_branch(3);
    text.push_str(concat!(
        r#"{"type":"member_status","card":"3","status":"exempt","from":"2020-01-01","reason":"tuổi cao"}"#,
        "\n",
    ));
    let store = imported(&path, &text);
    store
        .write(|w| {
            let org = w.org_id("T")?.unwrap();
            let ids = [w.member_id("1")?, w.member_id("2")?, w.member_id("3")?].map(Option::unwrap);
            let day = chrono::NaiveDate::from_ymd_opt(2026, 10, 5).unwrap();
            let mut meeting = Meeting::new(
                w.new_meeting_id()?,
                org,
                MeetingKind::Regular,
                day,
                MeetingState::Held,
            );
            meeting.attendance = vec![
                (ids[0], Mark::Present),
                (ids[1], Mark::Absent),
                (ids[2], Mark::Present),
            ];
            w.put_meeting(&meeting)
        })
        .unwrap();
    let org = store.read().unwrap().org_id("T").unwrap().unwrap();
    assert_eq!(
        store
            .read()
            .unwrap()
            .month_stats(org, ym(2026, 10))
            .unwrap()
            .present,
        2
    );
    drop(store);
    set_schema_version(&path, 7);

    let store = Store::open(&path).unwrap();
    let reader = store.read().unwrap();
    let meeting = &reader.all_meetings_of(org).unwrap()[0];
    let nam = reader.member_id("3").unwrap().unwrap();
    assert!(meeting.attendance.contains(&(nam, Mark::ExemptPresent)));
    // 1 present of 2 expected; Năm with the exempt.
    let stats = reader.month_stats(org, ym(2026, 10)).unwrap();
    assert_eq!(
        (stats.expected(), stats.present, stats.absent, stats.exempt),
        (2, 1, 1, 1)
    );
    assert_eq!(check::run(&reader).unwrap(), Vec::<String>::new());
    drop(reader);
    drop(store);
    assert_eq!(schema_version(&path), SCHEMA_VERSION);
}

#[test]
fn version_12_takes_the_chair_and_secretary_out_of_the_minutes_text() {
    // A version 11 meeting named its chair and secretary only in its minutes (and, once
    // approved, in its approval): write two so, and mark the file 11.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v11.redb");
    let store = imported(&path, &named_branch(1));
    let opening = "## I. Thời gian, địa điểm, chủ trì, thư ký\nThời gian: 19:30, ngày 05/10/2026\n\
                   Chủ trì: đồng chí Lê Văn Ba, Bí thư Chi bộ\nThư ký: đồng chí Trần Thị Tư.";
    store
        .write(|w| {
            let org = w.org_id("T")?.unwrap();
            for (month, approval) in [(9, None), (10, Some("Ngô Văn Năm"))] {
                let day = chrono::NaiveDate::from_ymd_opt(2026, month, 5).unwrap();
                let id = w.new_meeting_id()?;
                let mut meeting =
                    Meeting::new(id, org, MeetingKind::Regular, day, MeetingState::Held);
                meeting.minutes = Some(opening.to_string());
                meeting.approval = approval.map(|chair| Approval {
                    chair: Some(chair.to_string()),
                    ..Approval::default()
                });
                w.put_meeting(&meeting)?;
            }
            Ok::<_, chibo::store::StoreError>(())
        })
        .unwrap();
    drop(store);
    set_schema_version(&path, 11);

    let store = Store::open(&path).unwrap();
    let reader = store.read().unwrap();
    let org = reader.org_id("T").unwrap().unwrap();
    let meetings = reader.all_meetings_of(org).unwrap();
    let signers: Vec<(Option<&str>, Option<&str>)> = meetings
        .iter()
        .map(|m| (m.chair.as_deref(), m.secretary.as_deref()))
        .collect();
    assert_eq!(
        signers,
        [
            (Some("Lê Văn Ba"), Some("Trần Thị Tư")),
            // The approval names who signed: it outranks the text.
            (Some("Ngô Văn Năm"), Some("Trần Thị Tư")),
        ]
    );
    assert_eq!(meetings[0].minutes.as_deref(), Some(opening), "text kept");
    assert!(meetings.iter().all(|m| m.assignments.is_empty()));
    assert_eq!(check::run(&reader).unwrap(), Vec::<String>::new());
    drop(reader);
    drop(store);
    assert_eq!(schema_version(&path), SCHEMA_VERSION);
}

#[test]
fn version_13_gives_every_user_a_full_name_to_fill_in() {
    // A version 12 file stored a user as login, role, scope and keys, and had no `places`:
    // write one so, behind the store's back, and mark the file 12.
    #[derive(serde::Serialize)]
    struct UserV12 {
        login: String,
        role: chibo::domain::UserRole,
        scope: Option<chibo::domain::OrgId>,
        keys: Vec<chibo::domain::PublicKey>,
    }
    let key = chibo::domain::PublicKey::parse("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHd3d3d3 lan")
        .unwrap();
    let old = UserV12 {
        login: "bt.khu2".into(),
        role: chibo::domain::UserRole::Secretary,
        scope: Some(chibo::domain::OrgId(3)),
        keys: vec![key.clone()],
    };
    let mut bytes = vec![1u8];
    bytes.extend(postcard::to_allocvec(&old).unwrap());

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v12.redb");
    drop(Store::open(&path).unwrap());
    {
        let db = redb::Database::create(&path).unwrap();
        let txn = db.begin_write().unwrap();
        let places: TableDefinition<&str, &[u8]> = TableDefinition::new("places");
        assert!(txn.delete_table(places).unwrap(), "places was there");
        let users: TableDefinition<&str, &[u8]> = TableDefinition::new("users");
        txn.open_table(users)
            .unwrap()
            .insert("bt.khu2", bytes.as_slice())
            .unwrap();
        txn.commit().unwrap();
    }
    set_schema_version(&path, 12);

    let store = Store::open(&path).unwrap();
    let user = store.user("bt.khu2").unwrap().expect("the user kept");
    assert_eq!(user.role, chibo::domain::UserRole::Secretary);
    assert_eq!(user.scope, Some(chibo::domain::OrgId(3)));
    assert_eq!(user.keys, [key]);
    assert_eq!(user.name, None, "no full name known yet");
    assert_eq!(user.signature(), "bt.khu2");
    // The name can be given now, and is kept.
    let named = chibo::domain::User {
        name: Some("Phạm Ngọc Đường".into()),
        ..user
    };
    store.put_user(&named).unwrap();
    assert_eq!(
        store.user("bt.khu2").unwrap().unwrap().signature(),
        "Phạm Ngọc Đường (bt.khu2)"
    );
    // The table of places is laid out with the rest: nobody has one yet.
    assert_eq!(store.place().unwrap(), None);
    drop(store);
    assert_eq!(schema_version(&path), SCHEMA_VERSION);
}

#[test]
fn version_14_packs_every_meetings_marks_and_shortens_the_roster_keys() {
    // A version 13 file stored each mark as the member's id and the mark, and roster keys
    // with the case: write a branch's meetings, lay them out so, and mark the file 13.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v13.redb");
    let mut text = branch_of(30, |card| format!("Lê Văn Số {card}"));
    let marks = ["present", "absent", "excused"];
    for month in 1..=3 {
        let roll: Vec<String> = (1..=30)
            .map(|card| format!(r#""{card}":"{}""#, marks[(card + month) % 3]))
            .collect();
        text.push_str(&format!(
            r#"{{"type":"meeting","org":"T","kind":"regular","date":"2026-0{month}-05","attendance":{{{}}}}}"#,
            roll.join(",")
        ));
        text.push('\n');
    }
    let store = imported(&path, &text);
    let org = store.read().unwrap().org_id("T").unwrap().unwrap();
    let before = store.read().unwrap().all_meetings_of(org).unwrap();
    let stats_before = store.read().unwrap().month_stats(org, ym(2026, 2)).unwrap();
    drop(store);
    let packed_bytes = meeting_bytes(&path);
    let roster_before = roster_rows(&path);
    lengthen_roster_keys(&path);
    set_schema_version(&path, 13);
    let plain_bytes = meeting_bytes(&path);
    // Ids under 128 took a byte in schema 13, and the mark another: packed, one for both.
    assert_eq!(plain_bytes - packed_bytes, 3 * 30, "a byte saved a mark");

    let store = Store::open(&path).unwrap();
    let reader = store.read().unwrap();
    assert_eq!(reader.all_meetings_of(org).unwrap(), before);
    assert_eq!(before[0].attendance.len(), 30);
    assert_eq!(reader.month_stats(org, ym(2026, 2)).unwrap(), stats_before);
    assert_eq!(check::run(&reader).unwrap(), Vec::<String>::new());
    drop(reader);
    drop(store);
    assert_eq!(schema_version(&path), SCHEMA_VERSION);
    assert_eq!(meeting_bytes(&path), packed_bytes);
    assert_eq!(
        roster_rows(&path),
        roster_before,
        "every roster row with today's key"
    );
}

#[test]
fn version_15_packs_the_folded_name_index() {
    // Schema 14 kept a row per word-start suffix and member; 15 a row per suffix and block
    // of ids, the ids packed inside.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v14.redb");
    let names = [
        "Nguyễn Văn An",
        "Trần Văn An",
        "Nguyễn Thị Anh",
        "Lê Văn Bình",
    ];
    let text = branch_of(40, |card| names[card % names.len()].to_string());
    let store = imported(&path, &text);
    let queries = ["an", "van an", "nguyen", "anh", "le van binh", "tran van a"];
    let found = |store: &Store| -> Vec<Vec<String>> {
        let reader = store.read().unwrap();
        queries
            .iter()
            .map(|q| {
                let members = reader.search_members(q, 100).unwrap();
                members.into_iter().map(|m| m.card).collect()
            })
            .collect()
    };
    let before = found(&store);
    assert_eq!(
        before[0].len(),
        30,
        "all but the Bìnhs have a word starting with \"an\""
    );
    drop(store);
    let packed_rows = folded_rows::<&[u8]>(&path);
    set_schema_version(&path, 14);
    // 40 members, three words each, in rows of their own.
    assert_eq!(folded_rows::<()>(&path), 120);

    let store = Store::open(&path).unwrap();
    assert_eq!(found(&store), before);
    assert_eq!(
        check::run(&store.read().unwrap()).unwrap(),
        Vec::<String>::new()
    );
    drop(store);
    assert_eq!(schema_version(&path), SCHEMA_VERSION);
    // One row per different suffix: "nguyen van an", "van an", "an", "tran van an", ...
    assert_eq!(folded_rows::<&[u8]>(&path), packed_rows);
    assert_eq!(packed_rows, 10);
}

#[test]
fn the_command_that_upgrades_a_file_says_so_and_the_next_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let path = schema_14_file(dir.path());
    let check = |lang: &str| {
        let out = run_chibo(&path, &["--lang", lang, "check"]);
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let said = check("en");
    let told = format!("(schema 14 → {SCHEMA_VERSION}); `chibo compact`");
    assert!(said.contains("brought") && said.contains(&told), "{said}");
    assert_eq!(
        check("en"),
        "",
        "told once, by the command that upgraded it"
    );
    set_schema_version(&path, 14);
    assert!(check("vi").contains("đã nâng cấp"));
}

#[test]
fn compacting_an_older_file_that_may_not_be_written_says_it_needs_upgrading() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = schema_14_file(dir.path());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&path).unwrap();
    let out = run_chibo(&path, &["--lang", "en", "compact"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("older chibo (schema version 14"), "{said}");
    let unchanged = std::fs::read(&path).unwrap() == before;
    assert!(unchanged, "the file changed");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn compacting_a_file_of_schema_13_upgrades_it_first() {
    // Compacting the old layout would keep pages the first open then rewrites, and leave
    // the file twice its size after it: the compaction brings the file up to date first.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v13.redb");
    let mut text = named_branch(2);
    text.push_str(concat!(
        r#"{"type":"meeting","org":"T","kind":"regular","date":"2026-03-05","attendance":{"1":"present","2":"absent"}}"#,
        "\n",
    ));
    drop(imported(&path, &text));
    let packed_bytes = meeting_bytes(&path);
    set_schema_version(&path, 13);
    assert!(meeting_bytes(&path) > packed_bytes);

    chibo::store::compact(&path).unwrap();
    assert_eq!(schema_version(&path), SCHEMA_VERSION);
    assert_eq!(meeting_bytes(&path), packed_bytes);
    let store = Store::open(&path).unwrap();
    assert_eq!(
        check::run(&store.read().unwrap()).unwrap(),
        Vec::<String>::new()
    );
}

const ORG_MEMBERS: TableDefinition<(u64, &[u8], u64), ()> = TableDefinition::new("org_members");

/// JSON Lines of the branch `T` and its members, cards 1 to `count`, named by `name`.
fn branch_of(count: usize, name: impl Fn(usize) -> String) -> String {
    let mut text = String::from(
        r#"{"type":"org","code":"T","name":"Chi bộ thôn Trung","kind":"branch","meeting_rule":{"day":5}}"#,
    );
    text.push('\n');
    for card in 1..=count {
        let name = name(card);
        text.push_str(&format!(
            r#"{{"type":"member","card":"{card}","name":"{name}","org":"T"}}"#
        ));
        text.push('\n');
    }
    text
}

/// The branch `T` and its first `count` members (at most three), cards 1 on, by the names
/// the tests speak of: Lê Văn Ba, Trần Thị Tư, Ngô Văn Năm.
fn named_branch(count: usize) -> String {
    const NAMES: [&str; 3] = ["Lê Văn Ba", "Trần Thị Tư", "Ngô Văn Năm"];
    branch_of(count, |card| NAMES[card - 1].to_string())
}

/// A file of schema 14 in `dir` holding a branch of three members.
fn schema_14_file(dir: &Path) -> PathBuf {
    let path = dir.join("v14.redb");
    drop(imported(&path, &named_branch(3)));
    set_schema_version(&path, 14);
    path
}

/// The chibo binary run on the database at `path` with `args`.
fn run_chibo(path: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_chibo"))
        .arg("--db")
        .arg(path)
        .args(args)
        .output()
        .unwrap()
}

/// A new database at `path` holding the records of the JSON Lines `text`.
fn imported(path: &Path, text: &str) -> Store {
    let store = Store::open(path).unwrap();
    chibo::io::jsonl::import(
        &store,
        "records.jsonl",
        text.as_bytes(),
        chibo::domain::Lang::En,
    )
    .unwrap();
    store
}

/// Every `org_members` row, in key order.
fn roster_rows(path: &Path) -> Vec<(u64, Vec<u8>, u64)> {
    let db = redb::Database::create(path).unwrap();
    let txn = redb::ReadableDatabase::begin_read(&db).unwrap();
    let table = txn.open_table(ORG_MEMBERS).unwrap();
    redb::ReadableTable::iter(&table)
        .unwrap()
        .map(|row| {
            let (key, _) = row.unwrap();
            let (org, name, id) = key.value();
            (org, name.to_vec(), id)
        })
        .collect()
}

/// Gives every roster row a longer key, as schema 13's keys (with the case) were.
fn lengthen_roster_keys(path: &Path) {
    let rows = roster_rows(path);
    let db = redb::Database::create(path).unwrap();
    let txn = db.begin_write().unwrap();
    let mut table = txn.open_table(ORG_MEMBERS).unwrap();
    for (org, key, id) in rows {
        table.remove((org, key.as_slice(), id)).unwrap();
        let longer = [key.as_slice(), &[1, 5, 5, 5]].concat();
        table.insert((org, longer.as_slice(), id), ()).unwrap();
    }
    drop(table);
    txn.commit().unwrap();
}

/// The bytes of every stored meeting record, summed.
fn meeting_bytes(path: &Path) -> usize {
    let db = redb::Database::create(path).unwrap();
    let txn = redb::ReadableDatabase::begin_read(&db).unwrap();
    let meetings: TableDefinition<u64, &[u8]> = TableDefinition::new("meetings");
    let table = txn.open_table(meetings).unwrap();
    redb::ReadableTable::iter(&table)
        .unwrap()
        .map(|row| row.unwrap().1.value().len())
        .sum()
}

/// How many rows `member_by_folded` has, read with the value type `V` of one of its layouts.
fn folded_rows<V: redb::Value + 'static>(path: &Path) -> u64 {
    let db = redb::Database::create(path).unwrap();
    let txn = redb::ReadableDatabase::begin_read(&db).unwrap();
    let folded: TableDefinition<(&str, u64), V> = TableDefinition::new("member_by_folded");
    let table = txn.open_table(folded).unwrap();
    redb::ReadableTableMetadata::len(&table).unwrap()
}
