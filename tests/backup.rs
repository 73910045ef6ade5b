//! `chibo backup` and `chibo compact` as an administrator runs them: a backup taken while
//! other chibo processes write, and a compaction that waits for the file to be free.

mod common;

use std::path::Path;
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chibo::store::Store;
use common::{chibo, text};

fn run(db: &Path, args: &[&str]) -> Output {
    chibo(db)
        .args(["--today", "2026-11-23"])
        .args(args)
        .output()
        .unwrap()
}

fn assert_ok(output: &Output, what: &str) {
    assert!(
        output.status.success(),
        "{what} failed with {}; stdout:\n{}\nstderr:\n{}",
        output.status,
        text(&output.stdout),
        text(&output.stderr)
    );
}

fn demo(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("demo.redb");
    assert_ok(&run(&db, &["demo"]), "chibo demo");
    db
}

/// What a database holds: organisations, members and meetings.
fn totals(db: &Path) -> (u64, u64, u64) {
    let store = Store::open(db).unwrap();
    let t = store.read().unwrap().totals().unwrap();
    (t.orgs, t.members, t.meetings)
}

const MEMBERS_PER_BATCH: u64 = 8;

/// The `n`th import of the writer: a branch under `W` with its members and a meeting they
/// attended. Each is one transaction, so any snapshot holds whole batches only.
fn batch(n: usize) -> String {
    let mut lines = Vec::new();
    if n == 0 {
        lines.push(
            r#"{"type":"org","code":"W","name":"Đảng ủy phường Viết","kind":"grassroots_committee","meeting_rule":{"day":10}}"#
                .to_string(),
        );
    }
    lines.push(format!(
        r#"{{"type":"org","code":"W.{n}","name":"Chi bộ số {n}","kind":"branch","parent":"W"}}"#
    ));
    let mut attendance = Vec::new();
    for m in 0..MEMBERS_PER_BATCH {
        let card = format!("77{n:05}{m:02}");
        lines.push(format!(
            r#"{{"type":"member","card":"{card}","name":"Nguyễn Văn Số {n} {m}","org":"W.{n}"}}"#
        ));
        attendance.push(format!(r#""{card}":"present""#));
    }
    lines.push(format!(
        r#"{{"type":"meeting","org":"W.{n}","kind":"regular","date":"2026-11-10","attendance":{{{}}}}}"#,
        attendance.join(",")
    ));
    lines.join("\n") + "\n"
}

/// Real chibo processes importing one batch after another into `db` until told to stop:
/// answers how many imports have been committed so far.
struct Writer {
    done: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Writer {
    fn start(db: &Path, dir: &Path) -> Writer {
        let (done, stop) = (
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicBool::new(false)),
        );
        let (db, dir) = (db.to_path_buf(), dir.to_path_buf());
        let thread = {
            let (done, stop) = (done.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::Acquire) {
                    let file = dir.join(format!("batch-{n}.jsonl"));
                    std::fs::write(&file, batch(n)).unwrap();
                    let output = run(&db, &["import", file.to_str().unwrap()]);
                    assert_ok(&output, &format!("import of batch {n}"));
                    n += 1;
                    done.store(n, Ordering::Release);
                }
            })
        };
        Writer {
            done,
            stop,
            thread: Some(thread),
        }
    }

    fn done(&self) -> usize {
        self.done.load(Ordering::Acquire)
    }

    /// Waits until `n` imports are committed.
    fn wait_for(&self, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(120);
        while self.done() < n {
            assert!(
                Instant::now() < deadline,
                "the writer stalled at {}",
                self.done()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn stop(mut self) -> usize {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            thread.join().expect("the writer thread failed");
        }
        self.done()
    }
}

/// Backups taken while another chibo process imports, batch after batch, into the same file:
/// each copy passes `chibo check`, and holds whole batches only — as many members and
/// meetings as its branches imply, which a copy read from more than one moment would not.
#[test]
fn a_backup_taken_while_another_chibo_writes_is_whole_and_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let (orgs, members, meetings) = totals(&db);
    let writer = Writer::start(&db, dir.path());
    writer.wait_for(2);
    let mut seen = Vec::new();
    for round in 0..3 {
        let before = writer.done();
        let dest = dir.path().join(format!("backup-{round}.redb"));
        let output = run(&db, &["backup", dest.to_str().unwrap()]);
        let after = writer.done();
        assert_ok(&output, "chibo backup");
        assert!(text(&output.stdout).contains("không có lỗi"), "{output:?}");
        assert_ok(&run(&dest, &["check"]), "chibo check on the copy");

        let (copy_orgs, copy_members, copy_meetings) = totals(&dest);
        // The root W and one branch per batch.
        let batches = copy_orgs - orgs - 1;
        assert_eq!(
            copy_members - members,
            batches * MEMBERS_PER_BATCH,
            "round {round}"
        );
        assert_eq!(copy_meetings - meetings, batches, "round {round}");
        // The snapshot is some moment within the backup: no earlier than the imports done
        // when it began, no later than those done when it ended (plus the one in flight).
        assert!(
            (before as u64..=after as u64 + 1).contains(&batches),
            "round {round}: {batches} batches, writer at {before}..{after}"
        );
        seen.push((before, after));
    }
    writer.stop();
    // The imports really ran alongside: some committed while a backup was being taken.
    assert!(
        seen.iter().any(|(before, after)| after > before),
        "no import committed during any backup: {seen:?}"
    );
    eprintln!("imports done before and after each backup: {seen:?}");
    assert_ok(&run(&db, &["check"]), "chibo check on the database");
}

#[test]
fn a_backup_says_what_it_wrote_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let vi = run(
        &db,
        &["backup", dir.path().join("vi.redb").to_str().unwrap()],
    );
    assert_ok(&vi, "chibo backup");
    let said = text(&vi.stdout);
    for words in [
        "đã sao lưu",
        "vi.redb",
        " MB",
        " bảng",
        " dòng",
        " giây",
        "không có lỗi",
    ] {
        assert!(said.contains(words), "{words:?} in {said}");
    }
    let en = run(
        &db,
        &[
            "--lang",
            "en",
            "backup",
            dir.path().join("en.redb").to_str().unwrap(),
        ],
    );
    assert_ok(&en, "chibo backup --lang en");
    let said = text(&en.stdout);
    for words in [
        "backed up",
        "en.redb",
        " MB",
        " tables",
        " rows",
        " s",
        "no problems found",
    ] {
        assert!(said.contains(words), "{words:?} in {said}");
    }
    // Both copies are the same database: the export of each equals the original's.
    let export = |db: &Path| run(db, &["export"]).stdout;
    let original = export(&db);
    assert!(!original.is_empty());
    assert_eq!(export(&dir.path().join("vi.redb")), original);
    assert_eq!(export(&dir.path().join("en.redb")), original);
}

#[test]
fn a_backup_refuses_an_existing_destination() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let dest = dir.path().join("yesterday.redb");
    std::fs::write(&dest, b"yesterday's backup").unwrap();
    for (lang, words) in [("vi", "đã có"), ("en", "already exists")] {
        let output = run(&db, &["--lang", lang, "backup", dest.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(1), "{output:?}");
        let message = text(&output.stderr);
        assert!(message.contains(words), "{lang}: {message}");
        assert!(message.contains("yesterday.redb"), "{lang}: {message}");
    }
    assert_eq!(std::fs::read(&dest).unwrap(), b"yesterday's backup");
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".part-"))
        .collect();
    assert!(left.is_empty(), "partial copies left behind: {left:?}");
}

#[test]
fn a_backup_of_a_missing_database_makes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("typo.redb");
    let dest = dir.path().join("copy.redb");
    let output = run(&db, &["--lang", "en", "backup", dest.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(text(&output.stderr).contains("there is no database at"));
    assert!(!db.exists() && !dest.exists());
}

/// While `chibo serve` has the file open, compaction is refused, naming the server; once it
/// has gone, the same command compacts the file.
#[test]
fn compact_waits_for_the_server_to_let_the_file_go() {
    let server = common::ssh::Server::start();
    let db = server.path().join("demo.redb");
    let size = std::fs::metadata(&db).unwrap().len();
    let pid = format!("pid {}", server_pid(&db));
    for (lang, words) in [("vi", "không thu gọn được"), ("en", "cannot compact")] {
        let output = run(&db, &["--lang", lang, "compact"]);
        assert_eq!(output.status.code(), Some(1), "{output:?}");
        let message = text(&output.stderr);
        assert!(message.contains(words), "{lang}: {message}");
        assert!(message.contains(&pid), "{lang} names {pid}: {message}");
        assert!(
            message.contains("serve"),
            "{lang} names the command: {message}"
        );
    }
    assert_eq!(std::fs::metadata(&db).unwrap().len(), size);

    let dir = tempfile::tempdir().unwrap();
    let kept = dir.path().join("demo.redb");
    std::fs::copy(&db, &kept).unwrap();
    drop(server);
    let output = run(&kept, &["--lang", "en", "compact"]);
    assert_ok(&output, "chibo compact once the server is gone");
    assert_ok(&run(&kept, &["check"]), "chibo check after compact");
}

/// The pid of the one `chibo serve` holding `db`, as /proc shows it.
fn server_pid(db: &Path) -> u32 {
    let holders = chibo::store::holders_of(db);
    let server: Vec<_> = holders
        .iter()
        .filter(|h| h.command.contains("serve"))
        .collect();
    assert_eq!(server.len(), 1, "holders: {holders:?}");
    server[0].pid
}

#[test]
fn compact_alone_gives_space_back_and_keeps_every_record() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let export = || run(&db, &["export"]).stdout;
    let before_export = export();
    let before = std::fs::metadata(&db).unwrap().len();

    let output = run(&db, &["--lang", "en", "compact"]);
    assert_ok(&output, "chibo compact");
    let after = std::fs::metadata(&db).unwrap().len();
    // Making the demo rewrites records and leaves freed pages behind.
    assert!(after < before, "{before} → {after}");
    let said = text(&output.stdout);
    assert!(said.contains("compacted") && said.contains(" MB"), "{said}");

    // Straight after, there is nothing left to give back; said in Vietnamese too.
    let again = run(&db, &["compact"]);
    assert_ok(&again, "a second chibo compact");
    assert!(
        text(&again.stdout).contains("không còn chỗ trống"),
        "{}",
        text(&again.stdout)
    );
    assert_eq!(std::fs::metadata(&db).unwrap().len(), after);

    assert_eq!(export(), before_export);
    assert_ok(&run(&db, &["check"]), "chibo check after compact");
}
