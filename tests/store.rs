//! The store against real files and real processes: concurrent writers, a file held by another
//! process, files that are not chibo databases, a schema from a newer chibo, and the global
//! options every command shares.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use chibo::store::{SCHEMA_VERSION, Store, StoreError};
use redb::{ConcurrencyMode, ReadableDatabase, TableDefinition, TableHandle};

mod meta;

use meta::{schema_version, set_schema_version};

/// Long enough for a debug build on a slow machine; a hang beyond it is a deadlock.
const PROCESS_TIMEOUT: Duration = Duration::from_secs(120);

// ---------------------------------------------------------------------------------------------
// Running the binary

/// `chibo --db DB ARGS…` with nothing inherited that could change its behaviour.
fn chibo_command(db: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chibo"));
    command
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("CHIBO_DB")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn spawn_chibo(db: &Path, args: &[&str]) -> Child {
    chibo_command(db, args)
        .spawn()
        .expect("the chibo binary starts")
}

/// Waits for `child`, killing it (and failing the test) if it outlives [`PROCESS_TIMEOUT`].
fn finish(mut child: Child) -> Output {
    let started = Instant::now();
    while child.try_wait().expect("waiting on chibo").is_none() {
        if started.elapsed() > PROCESS_TIMEOUT {
            child.kill().ok();
            let output = child.wait_with_output().expect("collecting a killed chibo");
            panic!(
                "chibo ran longer than {PROCESS_TIMEOUT:?}; stderr: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("collecting chibo's output")
}

fn run_chibo(db: &Path, args: &[&str]) -> Output {
    finish(spawn_chibo(db, args))
}

fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_succeeded(output: &Output, what: &str) {
    assert!(
        output.status.success(),
        "{what} failed with {}; stderr:\n{}",
        output.status,
        stderr_of(output)
    );
}

// ---------------------------------------------------------------------------------------------
// Import files with a known content

/// An organisation an import file creates and the test expects to find.
struct ExpectedOrg {
    code: String,
    name: String,
    parent: Option<String>,
}

/// A member an import file creates and the test expects to find, in branch `org`.
struct ExpectedMember {
    card: String,
    name: String,
    org: String,
}

/// One self-contained import: a grassroots committee with branches and their members.
#[derive(Default)]
struct Batch {
    jsonl: String,
    orgs: Vec<ExpectedOrg>,
    members: Vec<ExpectedMember>,
}

const GIVEN_NAMES: &[&str] = &["An", "Bình", "Cường", "Dũng", "Đức", "Hà", "Hương", "Lan"];
const FAMILY_NAMES: &[&str] = &["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ"];

impl Batch {
    /// A committee `prefix` with `branches` branches of `members_each` members, whose party
    /// cards count up from `first_card`. Disjoint prefixes and card ranges give disjoint batches.
    fn new(prefix: &str, first_card: u64, branches: usize, members_each: usize) -> Batch {
        let mut batch = Batch::default();
        batch.org(
            prefix,
            &format!("Đảng ủy xã {prefix}"),
            "grassroots_committee",
            None,
        );
        let mut card = first_card;
        for b in 1..=branches {
            let branch = format!("{prefix}.K{b}");
            batch.org(&branch, &format!("Chi bộ khu {b}"), "branch", Some(prefix));
            for m in 0..members_each {
                let name = format!(
                    "{} Văn {}",
                    FAMILY_NAMES[(b + m) % FAMILY_NAMES.len()],
                    GIVEN_NAMES[m % GIVEN_NAMES.len()]
                );
                batch.member(&card.to_string(), &name, &branch);
                card += 1;
            }
        }
        batch
    }

    fn org(&mut self, code: &str, name: &str, kind: &str, parent: Option<&str>) {
        let line = serde_json::json!({
            "type": "org", "code": code, "name": name, "kind": kind, "parent": parent,
        });
        writeln!(self.jsonl, "{line}").unwrap();
        self.orgs.push(ExpectedOrg {
            code: code.into(),
            name: name.into(),
            parent: parent.map(str::to_string),
        });
    }

    fn member(&mut self, card: &str, name: &str, org: &str) {
        let line = serde_json::json!({
            "type": "member", "card": card, "name": name, "sex": "male",
            "born": "1970-01-15", "admitted": "1995-05-19", "full_member": "1996-05-19",
            "org": org,
        });
        writeln!(self.jsonl, "{line}").unwrap();
        self.members.push(ExpectedMember {
            card: card.into(),
            name: name.into(),
            org: org.into(),
        });
    }

    fn write_to(&self, path: &Path) -> PathBuf {
        std::fs::write(path, &self.jsonl).expect("writing an import file");
        path.to_path_buf()
    }
}

/// Fails unless every org and member of every batch is in the database at `db`, in its place.
fn assert_all_present(db: &Path, batches: &[&Batch]) {
    let store = Store::open(db).expect("the database opens after the imports");
    let reader = store.read().unwrap();
    for batch in batches {
        for expected in &batch.orgs {
            let org = reader
                .org_by_code(&expected.code)
                .unwrap()
                .unwrap_or_else(|| panic!("org {} is missing", expected.code));
            assert_eq!(org.name, expected.name, "name of org {}", expected.code);
            let parent_code = org
                .parent
                .map(|p| reader.org(p).unwrap().expect("parent exists").code);
            assert_eq!(
                parent_code, expected.parent,
                "parent of org {}",
                expected.code
            );
        }
        for expected in &batch.members {
            let member = reader
                .member_by_card(&expected.card)
                .unwrap()
                .unwrap_or_else(|| panic!("member {} is missing", expected.card));
            assert_eq!(
                member.name, expected.name,
                "name of member {}",
                expected.card
            );
            let branch = reader.org(member.org).unwrap().expect("branch exists");
            assert_eq!(
                branch.code, expected.org,
                "branch of member {}",
                expected.card
            );
        }
    }
    let totals = reader.totals().unwrap();
    let orgs: usize = batches.iter().map(|b| b.orgs.len()).sum();
    let members: usize = batches.iter().map(|b| b.members.len()).sum();
    assert_eq!(totals.orgs, orgs as u64, "no org more, none less");
    assert_eq!(totals.members, members as u64, "no member more, none less");
}

// ---------------------------------------------------------------------------------------------
// Several processes on one file

#[test]
fn two_processes_importing_at_once_both_land() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("chibo.redb");
    let a = Batch::new("TA", 10_000_001, 3, 200);
    let b = Batch::new("TB", 20_000_001, 3, 200);
    let a_file = a.write_to(&dir.path().join("a.jsonl"));
    let b_file = b.write_to(&dir.path().join("b.jsonl"));

    // Both start before either is waited for, on a file neither has created yet.
    let first = spawn_chibo(&db, &["import", a_file.to_str().unwrap()]);
    let second = spawn_chibo(&db, &["import", b_file.to_str().unwrap()]);
    assert_succeeded(&finish(first), "import of a.jsonl");
    assert_succeeded(&finish(second), "import of b.jsonl");

    assert_all_present(&db, &[&a, &b]);
    assert_succeeded(&run_chibo(&db, &["check"]), "check after both imports");
}

#[test]
fn many_rounds_of_small_imports_from_two_processes_all_land() {
    const ROUNDS: usize = 6;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("chibo.redb");
    let sides: Vec<Vec<Batch>> = ["A", "B"]
        .iter()
        .enumerate()
        .map(|(side, letter)| {
            (0..ROUNDS)
                .map(|round| {
                    let first_card = (side as u64 + 3) * 10_000_000 + round as u64 * 100;
                    Batch::new(&format!("R{letter}{round}"), first_card, 2, 3)
                })
                .collect()
        })
        .collect();

    // Each side imports its rounds one after another while the other side does the same.
    std::thread::scope(|scope| {
        for (side, batches) in sides.iter().enumerate() {
            let (db, dir) = (&db, dir.path());
            scope.spawn(move || {
                for (round, batch) in batches.iter().enumerate() {
                    let file = batch.write_to(&dir.join(format!("side{side}-round{round}.jsonl")));
                    let output = run_chibo(db, &["import", file.to_str().unwrap()]);
                    assert_succeeded(&output, &format!("side {side}, round {round}"));
                }
            });
        }
    });

    let every_batch: Vec<&Batch> = sides.iter().flatten().collect();
    assert_all_present(&db, &every_batch);
    assert_succeeded(&run_chibo(&db, &["check"]), "check after every round");
}

#[test]
fn many_processes_starting_at_once_on_a_new_file_all_open_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.redb");
    // `import` may make the database; commands that only read refuse a missing one. Each
    // imports a branch of its own.
    let children: Vec<Child> = (0..8)
        .map(|n| {
            let file = dir.path().join(format!("branch-{n}.jsonl"));
            std::fs::write(
                &file,
                format!(
                    r#"{{"type":"org","code":"T{n}","name":"Chi bộ thôn {n}","kind":"branch","meeting_rule":{{"day":5}}}}"#
                ),
            )
            .unwrap();
            spawn_chibo(&db, &["import", file.to_str().unwrap()])
        })
        .collect();
    for child in children {
        assert_succeeded(&finish(child), "import on a file being created");
    }
    let store = Store::open(&db).unwrap();
    assert_eq!(store.read().unwrap().totals().unwrap().orgs, 8);
}

/// The moment between another chibo creating a file and laying out its tables: a redb file
/// with no tables at all is a new database, not a foreign one.
#[test]
fn a_redb_file_without_any_table_is_laid_out_as_a_new_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("blank.redb");
    let creator = redb::Database::builder()
        .set_concurrency_mode(ConcurrencyMode::MultiWriter)
        .create(&db)
        .unwrap();

    let output = run_chibo(&db, &["--lang", "en", "check"]);
    assert_succeeded(&output, "check on a blank redb file");
    drop(creator);

    let store = Store::open(&db).expect("the file is now a chibo database");
    assert_eq!(store.read().unwrap().totals().unwrap().orgs, 0);
}

// ---------------------------------------------------------------------------------------------
// A file held by another process

/// Holds `path` the way a program that does not share its database does.
fn hold_exclusively(path: &Path) -> redb::Database {
    redb::Database::builder()
        .set_concurrency_mode(ConcurrencyMode::ExclusiveWriter)
        .create(path)
        .expect("the test process takes the file")
}

#[test]
fn a_database_held_by_another_process_is_reported_as_locked_naming_the_holder() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("held.redb");
    drop(Store::open(&db).unwrap());
    let _held = hold_exclusively(&db);
    let holder = format!("pid {}", std::process::id());

    let english = run_chibo(&db, &["--lang", "en", "check"]);
    assert!(!english.status.success(), "check must fail on a held file");
    let message = stderr_of(&english);
    assert!(
        message.contains("is locked by"),
        "English message: {message}"
    );
    assert!(message.contains(&holder), "names {holder}: {message}");

    let vietnamese = run_chibo(&db, &["check"]);
    assert!(
        !vietnamese.status.success(),
        "check must fail on a held file"
    );
    let message = stderr_of(&vietnamese);
    assert!(
        message.contains("đang bị khóa bởi"),
        "Vietnamese message: {message}"
    );
    assert!(message.contains(&holder), "names {holder}: {message}");
}

#[test]
fn a_locked_database_is_usable_again_once_its_holder_lets_go() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("held.redb");
    drop(Store::open(&db).unwrap());
    let held = hold_exclusively(&db);
    assert!(!run_chibo(&db, &["check"]).status.success());
    drop(held);
    assert_succeeded(&run_chibo(&db, &["check"]), "check after the holder closed");
}

// ---------------------------------------------------------------------------------------------
// Files that are not chibo databases

fn assert_not_chibo_error(output: &Output, path: &Path) {
    assert!(!output.status.success(), "must refuse {}", path.display());
    let message = stderr_of(output);
    assert!(
        message.contains("is not a chibo database"),
        "message: {message}"
    );
    assert!(
        message.contains(&path.display().to_string()),
        "names the file: {message}"
    );
}

#[test]
fn a_text_file_is_not_a_chibo_database_and_is_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    let content = "Danh sách đảng viên chi bộ khu 2\nNguyễn Văn An\n".repeat(50);
    std::fs::write(&path, &content).unwrap();

    assert!(matches!(
        Store::open(&path),
        Err(StoreError::NotChibo { .. })
    ));
    assert_not_chibo_error(&run_chibo(&path, &["--lang", "en", "check"]), &path);
    let vietnamese = stderr_of(&run_chibo(&path, &["check"]));
    assert!(
        vietnamese.contains("không phải là cơ sở dữ liệu chibo"),
        "message: {vietnamese}"
    );

    assert_eq!(
        std::fs::read(&path).unwrap(),
        content.as_bytes(),
        "file unchanged"
    );
}

#[test]
fn a_tiny_file_is_not_a_chibo_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tiny.redb");
    std::fs::write(&path, b"x").unwrap();
    assert!(matches!(
        Store::open(&path),
        Err(StoreError::NotChibo { .. })
    ));
    assert_eq!(std::fs::read(&path).unwrap(), b"x");
}

#[test]
fn an_empty_file_is_one_being_made_and_is_not_read_as_a_database() {
    // Another process that has just made the file leaves it empty for a moment: verifying
    // it then finds nothing to verify, and a command that only reads it is refused plainly.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.redb");
    std::fs::write(&path, b"").unwrap();
    assert!(Store::verify_file(&path).is_ok());
    assert_not_chibo_error(&run_chibo(&path, &["--lang", "en", "check"]), &path);
    assert_eq!(std::fs::read(&path).unwrap(), b"", "left empty");
}

#[test]
fn a_redb_file_of_another_program_is_not_a_chibo_database() {
    const NOTES: TableDefinition<&str, &str> = TableDefinition::new("notes");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.redb");
    {
        let other = redb::Database::create(&path).unwrap();
        let txn = other.begin_write().unwrap();
        txn.open_table(NOTES)
            .unwrap()
            .insert("hello", "world")
            .unwrap();
        txn.commit().unwrap();
    }

    assert!(matches!(
        Store::open(&path),
        Err(StoreError::NotChibo { .. })
    ));
    assert_not_chibo_error(&run_chibo(&path, &["--lang", "en", "check"]), &path);

    // chibo neither adds its tables to the file nor loses the other program's data.
    let other = redb::Database::create(&path).unwrap();
    let txn = other.begin_read().unwrap();
    let tables: Vec<String> = txn
        .list_tables()
        .unwrap()
        .map(|t| t.name().to_string())
        .collect();
    assert_eq!(tables, vec!["notes".to_string()]);
    let notes = txn.open_table(NOTES).unwrap();
    assert_eq!(notes.get("hello").unwrap().unwrap().value(), "world");
}

// ---------------------------------------------------------------------------------------------
// A schema newer than this chibo

#[test]
fn a_schema_newer_than_this_chibo_is_refused_with_advice_to_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("future.redb");
    drop(Store::open(&db).unwrap());
    assert_eq!(
        schema_version(&db),
        SCHEMA_VERSION,
        "a new database has the current schema"
    );
    let future = SCHEMA_VERSION + 1;
    set_schema_version(&db, future);

    match Store::open(&db) {
        Err(StoreError::TooNew {
            found, supported, ..
        }) => {
            assert_eq!((found, supported), (future, SCHEMA_VERSION));
        }
        Err(other) => panic!("expected TooNew, got {other}"),
        Ok(_) => panic!("a newer schema must not open"),
    }

    let english = run_chibo(&db, &["--lang", "en", "check"]);
    assert!(!english.status.success());
    let message = stderr_of(&english);
    assert!(
        message.contains(&format!("schema version {future}")),
        "message: {message}"
    );
    assert!(message.contains("upgrade chibo"), "message: {message}");
    let vietnamese = stderr_of(&run_chibo(&db, &["check"]));
    assert!(
        vietnamese.contains("hãy cập nhật chibo"),
        "message: {vietnamese}"
    );

    assert_eq!(schema_version(&db), future, "never downgraded");
}

// ---------------------------------------------------------------------------------------------
// Global options

#[test]
fn an_impossible_today_is_refused_before_anything_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("chibo.redb");
    let output = run_chibo(&db, &["--lang", "en", "--today", "2026-02-30", "check"]);
    assert!(!output.status.success());
    let message = stderr_of(&output);
    assert!(
        message.contains("2026-02-30"),
        "quotes the value: {message}"
    );
    assert!(message.contains("not a real date"), "says why: {message}");
    assert!(
        !db.exists(),
        "no database is created for a refused command line"
    );

    let loose = stderr_of(&run_chibo(&db, &["--today", "7/11/2026", "check"]));
    assert!(
        loose.contains("YYYY-MM-DD"),
        "shows the expected form: {loose}"
    );
}

#[test]
fn a_valid_today_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("chibo.redb");
    drop(Store::open(&db).unwrap());
    let output = run_chibo(&db, &["--today", "2024-02-29", "check"]);
    assert_succeeded(&output, "check with a leap day as today");
}

#[test]
fn an_unknown_language_is_refused_listing_the_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("chibo.redb");
    let output = run_chibo(&db, &["--lang", "xx", "check"]);
    assert!(!output.status.success());
    let message = stderr_of(&output);
    assert!(message.contains("'xx'"), "quotes the value: {message}");
    assert!(
        message.contains("vi") && message.contains("en"),
        "lists vi and en: {message}"
    );
    assert!(
        !db.exists(),
        "no database is created for a refused command line"
    );
}

#[test]
fn messages_follow_the_chosen_language() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("chibo.redb");
    drop(Store::open(&db).unwrap());
    let english = run_chibo(&db, &["--lang", "en", "check"]);
    assert_succeeded(&english, "check in English");
    assert!(String::from_utf8_lossy(&english.stdout).contains("no problems found"));
    let vietnamese = run_chibo(&db, &["check"]);
    assert_succeeded(&vietnamese, "check in Vietnamese");
    assert!(String::from_utf8_lossy(&vietnamese.stdout).contains("không có lỗi"));
}
