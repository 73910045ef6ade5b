//! Database files that are damaged, missing or read-only, met by the real binary: a
//! damaged file is an error with exit status 1 (never a crash, never half an export that
//! looks whole), a missing one is never made by a command that only reads, and a
//! read-only one is read.

mod common;

use std::path::Path;
use std::process::Output;

use common::{chibo, imported, text};

const FIXTURE: &str = include_str!("fixtures/attendance.jsonl");

/// The same damage at every run: a small xorshift generator with a fixed seed.
struct Seeded(u64);

impl Seeded {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// redb's header and region headers live in the first page: damage starts after it.
const HEADER: u64 = 4096;
const TRIALS: usize = 60;
const BYTES_PER_TRIAL: usize = 4;

/// What the commands that read said on one damaged copy.
fn no_crash(output: &Output, what: &str) {
    let stderr = text(&output.stderr);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{what}: exit {:?}\n{stderr}",
        output.status
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("stack backtrace"),
        "{what}: a panic reached the user\n{stderr}"
    );
}

fn says_damaged(output: &Output) -> bool {
    text(&output.stderr).contains("the database is damaged")
}

#[test]
fn a_damaged_file_is_an_error_never_a_crash_nor_half_an_export() {
    let source = imported(FIXTURE);
    let original = std::fs::read(&source.db).unwrap();
    let size = original.len() as u64;
    let mut random = Seeded(0x9E37_79B9_7F4A_7C15);
    let work = tempfile::tempdir().unwrap();
    let mut damaged_told = 0;
    let one_org = work.path().join("one.jsonl");
    std::fs::write(
        &one_org,
        r#"{"type":"org","code":"Z","name":"Chi bộ Z","kind":"branch","parent":"T.X"}"#,
    )
    .unwrap();
    for trial in 0..TRIALS {
        let mut bytes = original.clone();
        for _ in 0..BYTES_PER_TRIAL {
            let at = HEADER + random.below(size - HEADER);
            bytes[at as usize] = random.below(256) as u8;
        }
        let runs: [&[&str]; 8] = [
            &["check"],
            // A small import: it writes only a page or two, wherever the damage is.
            &["import"],
            &["export"],
            &["report", "attendance", "--org", "T", "--month", "2026-10"],
            &["audit"],
            &["user", "list"],
            // The app's start without a terminal: the database's summary.
            &[],
            &["export", "--output"],
        ];
        let mut told = false;
        let mut check_told = false;
        for args in runs {
            let dir = work.path().join(format!("t{trial}"));
            std::fs::create_dir_all(&dir).unwrap();
            let db = dir.join("copy.redb");
            std::fs::write(&db, &bytes).unwrap();
            let target = dir.join("export.jsonl");
            let mut command = chibo(&db);
            command.args(["--lang", "en"]).args(args);
            if args.last() == Some(&"--output") {
                command.arg(&target);
            }
            if args == ["import"] {
                command.arg(&one_org);
            }
            let output = command.output().unwrap();
            let what = format!("trial {trial}: chibo {}", args.join(" "));
            no_crash(&output, &what);
            told |= says_damaged(&output);
            check_told |= args == ["check"] && says_damaged(&output);
            // What check calls damaged is never written to nor exported as if whole.
            let keeps = matches!(args.first(), Some(&"import" | &"export"));
            if check_told && keeps {
                assert!(says_damaged(&output), "{what}: {}", text(&output.stderr));
            }
            if says_damaged(&output) {
                assert!(
                    text(&output.stderr).contains("restore the last backup"),
                    "{what}: {}",
                    text(&output.stderr)
                );
            }
            if args.last() == Some(&"--output") {
                let left: Vec<_> = std::fs::read_dir(&dir)
                    .unwrap()
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .filter(|n| n != "copy.redb")
                    .collect();
                if output.status.success() {
                    assert_eq!(left, ["export.jsonl"], "{what}");
                } else {
                    assert!(left.is_empty(), "{what}: a failed export left {left:?}");
                }
            }
            std::fs::remove_dir_all(&dir).unwrap();
        }
        damaged_told += usize::from(told);
    }
    // The seed is fixed: some copies are damaged where the commands read.
    assert!(
        damaged_told > 0,
        "no trial met damage: the test tests nothing"
    );
    eprintln!("{damaged_told} of {TRIALS} damaged copies were reported as damaged");
}

#[test]
fn damage_is_told_in_vietnamese_too() {
    let source = imported(FIXTURE);
    let mut bytes = std::fs::read(&source.db).unwrap();
    let size = bytes.len() as u64;
    let mut random = Seeded(0x9E37_79B9_7F4A_7C15);
    // Damage every copy a little more until check meets it.
    for _ in 0..200 {
        let at = HEADER + random.below(size - HEADER);
        bytes[at as usize] = random.below(256) as u8;
        std::fs::write(&source.db, &bytes).unwrap();
        let output = chibo(&source.db).arg("check").output().unwrap();
        no_crash(&output, "check");
        let stderr = text(&output.stderr);
        if stderr.contains("cơ sở dữ liệu bị hỏng") {
            assert!(
                stderr.contains("hãy khôi phục bản sao lưu gần nhất"),
                "{stderr}"
            );
            assert_eq!(output.status.code(), Some(1));
            return;
        }
    }
    panic!("200 damaged bytes and check never said the database is damaged");
}

/// `args` run on a path where no database is: refused, exit 1, nothing made.
fn refused_without_a_database(dir: &Path, args: &[&str]) {
    let db = dir.join("typo").join("chibo.redb");
    let output = chibo(&db)
        .args(["--lang", "en"])
        .args(args)
        .output()
        .unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "chibo {args:?}: {stderr}");
    assert!(
        stderr.contains(&format!("no database at {}", db.display()))
            && stderr.contains("create one with `chibo import` or `chibo demo`"),
        "chibo {args:?}: {stderr}"
    );
    assert!(!db.exists(), "chibo {args:?} made {}", db.display());
    assert!(
        !db.parent().unwrap().exists(),
        "chibo {args:?} made its folder"
    );
}

#[test]
fn commands_that_read_do_not_create() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["check"][..],
        &["export"],
        &["export", "--output", "out.jsonl"],
        &["report", "attendance", "--org", "T", "--month", "2026-10"],
        &["audit"],
        &["user", "list"],
        &["user", "remove", "an"],
        &["serve", "--listen", "127.0.0.1:0"],
        &["minutes", "--org", "T"],
        &[],
    ] {
        refused_without_a_database(dir.path(), args);
    }
    let db = dir.path().join("typo").join("chibo.redb");
    let output = chibo(&db).arg("check").output().unwrap();
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("không có cơ sở dữ liệu nào tại")
            && stderr.contains("`chibo import` hoặc `chibo demo`"),
        "{stderr}"
    );
    assert!(!dir.path().join("out.jsonl").exists());
}

#[test]
fn import_still_creates_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new").join("chibo.redb");
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, FIXTURE).unwrap();
    let output = chibo(&db).arg("import").arg(&input).output().unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(db.exists());
}

/// Makes the command that runs chibo on a database.
type Runner = Box<dyn Fn(&Path) -> std::process::Command>;

/// How to run chibo so that file modes bind it: as we are, or — as root, whom a mode does
/// not stop — as the unprivileged user `nobody` (`setpriv`, util-linux), from a copy of the
/// binary in `dir` so that nobody may run it wherever the build lies, with a home of its
/// own for the log. `None` when neither is possible (then the test says it skipped, and
/// fails under CI).
fn bound_runner(dir: &Path) -> Option<Runner> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Some(Box::new(|db: &Path| chibo(db)));
    }
    let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    let Some(setpriv) = setpriv else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs as root without setpriv (Debian package util-linux): file modes do not stop root"
        );
        eprintln!("skipped: running as root without setpriv, a file mode does not stop writing");
        return None;
    };
    use std::os::unix::fs::PermissionsExt;
    let binary = dir.join("chibo-bin");
    std::fs::copy(env!("CARGO_BIN_EXE_chibo"), &binary).unwrap();
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    for (path, mode) in [(&binary, 0o755), (&home, 0o777)] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    Some(Box::new(move |db: &Path| {
        let mut command = std::process::Command::new(setpriv);
        command
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&binary)
            .arg("--db")
            .arg(db)
            .env("HOME", &home)
            .env_remove("XDG_STATE_HOME");
        command
    }))
}

/// check, export and report on `db`, which the process may not write: they work, and the
/// file is not changed by a byte.
fn reads_without_writing(run: &dyn Fn(&Path) -> std::process::Command, db: &Path, exported: &str) {
    let before = std::fs::read(db).unwrap();
    let check = run(db).args(["--lang", "en", "check"]).output().unwrap();
    assert!(check.status.success(), "{}", text(&check.stderr));
    let export = run(db).arg("export").output().unwrap();
    assert!(export.status.success(), "{}", text(&export.stderr));
    assert_eq!(text(&export.stdout), exported);
    let report = run(db)
        .args(["report", "attendance", "--org", "T", "--month", "2026-10"])
        .output()
        .unwrap();
    assert!(report.status.success(), "{}", text(&report.stderr));
    assert_eq!(std::fs::read(db).unwrap(), before, "file unchanged");
}

#[test]
fn a_read_only_database_is_read() {
    use std::os::unix::fs::PermissionsExt;
    let source = imported(FIXTURE);
    let exported = text(&chibo(&source.db).arg("export").output().unwrap().stdout);
    let mode = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    let folder = source.dir.path();
    let runs = tempfile::tempdir().unwrap();
    mode(runs.path(), 0o755);
    let Some(run) = bound_runner(runs.path()) else {
        return;
    };
    // Whoever runs chibo may enter the folder and read the file, and write neither.
    mode(folder, 0o755);
    mode(&source.db, 0o444);
    let one_org = runs.path().join("one.jsonl");
    std::fs::write(
        &one_org,
        "{\"type\":\"org\",\"code\":\"Z\",\"name\":\"Z\",\"kind\":\"provincial_committee\"}\n",
    )
    .unwrap();
    mode(&one_org, 0o644);
    let refused = run(&source.db)
        .arg("import")
        .arg(&one_org)
        .output()
        .unwrap();
    assert_eq!(
        refused.status.code(),
        Some(1),
        "a write to a read-only file: {}",
        text(&refused.stderr)
    );
    reads_without_writing(&*run, &source.db, &exported);
    // A read-only folder as well: nothing can be made beside the file.
    mode(folder, 0o555);
    reads_without_writing(&*run, &source.db, &exported);
    mode(folder, 0o755);
    mode(&source.db, 0o644);
}

#[test]
fn a_file_marked_read_only_is_only_read_whoever_runs_chibo() {
    // Root may write any file: the mode, not the open, says the file is to be left as it is.
    use std::os::unix::fs::PermissionsExt;
    let source = imported(FIXTURE);
    let exported = text(&chibo(&source.db).arg("export").output().unwrap().stdout);
    std::fs::set_permissions(&source.db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&source.db).unwrap();
    let one_org = source.dir.path().join("one.jsonl");
    std::fs::write(
        &one_org,
        "{\"type\":\"org\",\"code\":\"Z\",\"name\":\"Z\",\"kind\":\"provincial_committee\"}\n",
    )
    .unwrap();
    for args in [&["import", one_org.to_str().unwrap()][..], &["compact"]] {
        let refused = chibo(&source.db)
            .args(["--lang", "en"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(
            refused.status.code(),
            Some(1),
            "{args:?}: {}",
            text(&refused.stderr)
        );
        assert!(
            text(&refused.stderr).contains("read-only"),
            "{}",
            text(&refused.stderr)
        );
        let unchanged = std::fs::read(&source.db).unwrap() == before;
        assert!(unchanged, "{args:?} changed the file");
    }
    let check = chibo(&source.db).arg("check").output().unwrap();
    assert!(check.status.success(), "{}", text(&check.stderr));
    let again = chibo(&source.db).arg("export").output().unwrap();
    assert_eq!(text(&again.stdout), exported);
    let unchanged = std::fs::read(&source.db).unwrap() == before;
    assert!(unchanged, "check or export changed the file");
    std::fs::set_permissions(&source.db, std::fs::Permissions::from_mode(0o644)).unwrap();
}

/// Set to a database path, [`holder`] opens it and waits to be killed.
const HOLD: &str = "CHIBO_TEST_HOLD";

/// Not a test of its own: run by [`a_read_only_file_left_open_says_it_needs_repair`] as a
/// process that holds the database open until it is killed, as a chibo that stops does.
#[test]
fn holder() {
    let Some(db) = std::env::var_os(HOLD) else {
        return;
    };
    let store = chibo::store::Store::open(Path::new(&db)).unwrap();
    std::fs::write(Path::new(&db).with_extension("held"), "").unwrap();
    std::thread::sleep(std::time::Duration::from_secs(120));
    drop(store);
}

#[test]
fn a_read_only_file_left_open_says_it_needs_repair() {
    use std::os::unix::fs::PermissionsExt;
    let source = imported(FIXTURE);
    let mut holder = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["holder", "--exact", "--test-threads=1"])
        .env(HOLD, &source.db)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let held = source.db.with_extension("held");
    let started = std::time::Instant::now();
    while !held.exists() {
        assert!(holder.try_wait().unwrap().is_none(), "the holder ended");
        assert!(
            started.elapsed().as_secs() < 60,
            "the holder never opened the file"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    holder.kill().unwrap();
    holder.wait().unwrap();
    std::fs::set_permissions(&source.db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&source.db).unwrap();
    for lang in ["en", "vi"] {
        let out = chibo(&source.db)
            .args(["--lang", lang, "check"])
            .output()
            .unwrap();
        let said = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{said}");
        let needs_repair = match lang {
            "en" => said.contains("not closed cleanly") && said.contains("writable copy"),
            _ => said.contains("chưa được đóng đúng cách") && said.contains("bản sao"),
        };
        assert!(needs_repair, "{said}");
    }
    let unchanged = std::fs::read(&source.db).unwrap() == before;
    assert!(unchanged, "the file changed");
    // Writable again, the next chibo repairs it and finds it whole.
    std::fs::set_permissions(&source.db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let check = chibo(&source.db).arg("check").output().unwrap();
    assert!(check.status.success(), "{}", text(&check.stderr));
}

#[test]
fn a_path_with_an_escape_sequence_is_shown_escaped() {
    // A path is typed, or comes from a script: its escape sequence must not reach the
    // terminal in the message that names it.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x\u{1b}[31m.redb");
    let out = chibo(&db).args(["--lang", "en", "check"]).output().unwrap();
    let said = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains(r"x\u{1b}[31m.redb") && !said.contains('\u{1b}'),
        "{said}"
    );
}
