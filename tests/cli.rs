//! The command line as a shell user meets it: output cut short by `| head` is not an error.

use std::io::Read;
use std::process::{Command, Stdio};

fn chibo(db: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chibo"));
    command.arg("--db").arg(db).arg("--today").arg("2026-11-23");
    command
}

#[test]
fn a_reader_that_stops_early_ends_export_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.redb");
    let made = chibo(&db).arg("demo").output().unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );

    let mut export = chibo(&db)
        .arg("export")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    export
        .stdout
        .take()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    // The pipe's read end is closed here, long before the export (hundreds of KB) is done.
    let status = export.wait().unwrap();
    let mut stderr = String::new();
    export
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(
        first.starts_with(b"{\"type\":\"org\""),
        "{}",
        String::from_utf8_lossy(&first)
    );
    assert!(status.success(), "exit {status:?}, stderr: {stderr}");
    assert!(!stderr.to_lowercase().contains("pipe"), "{stderr}");
}

#[test]
fn a_user_is_given_a_full_name_that_the_list_shows() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("users.redb");
    let key = dir.path().join("k.pub");
    std::fs::write(
        &key,
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHd3d3d3d3d3d3d3d3d3d3d3d3d3 bt@laptop\n",
    )
    .unwrap();
    let run = |args: &[&str]| chibo(&db).args(args).output().unwrap();
    let listed = || String::from_utf8(run(&["user", "list"]).stdout).unwrap();
    let key = key.to_str().unwrap();

    let added = run(&[
        "user",
        "add",
        "bt.khu2",
        "--key",
        key,
        "--role",
        "secretary",
        "--name",
        " Phạm Ngọc Đường ",
    ]);
    assert!(added.status.success(), "{added:?}");
    assert!(
        listed().contains("bt.khu2\tsecretary\ttoàn bộ\t1 khóa\tPhạm Ngọc Đường\n"),
        "{}",
        listed()
    );
    // Adding again without a name keeps the one given.
    assert!(
        run(&["user", "add", "bt.khu2", "--key", key, "--role", "viewer"])
            .status
            .success()
    );
    assert!(listed().contains("viewer\ttoàn bộ\t1 khóa\tPhạm Ngọc Đường"));

    let renamed = run(&["user", "name", "bt.khu2", "Phạm Văn Đường"]);
    assert!(renamed.status.success(), "{renamed:?}");
    assert!(listed().contains("\tPhạm Văn Đường\n"), "{}", listed());

    // Blank, control characters, too long, nobody by that login: refused, in Vietnamese
    // unless asked otherwise, and nothing changed.
    let blank = run(&["user", "name", "bt.khu2", "   "]);
    assert!(!blank.status.success());
    let said = String::from_utf8(blank.stderr).unwrap();
    assert!(said.contains("không được để trống"), "{said}");
    let escape = run(&["--lang", "en", "user", "name", "bt.khu2", "Lan\u{1b}[2J"]);
    let said = String::from_utf8(escape.stderr).unwrap();
    assert!(said.contains("control characters"), "{said}");
    let long = "Đ".repeat(101);
    let too_long = run(&[
        "--lang", "en", "user", "add", "x", "--key", key, "--role", "viewer", "--name", &long,
    ]);
    let said = String::from_utf8(too_long.stderr).unwrap();
    assert!(said.contains("longer than 100 characters"), "{said}");
    assert!(!listed().contains("\nx\t"), "nobody added: {}", listed());
    let nobody = run(&["--lang", "en", "user", "name", "nobody", "An"]);
    assert!(
        String::from_utf8(nobody.stderr)
            .unwrap()
            .contains("no user")
    );
    assert!(listed().contains("\tPhạm Văn Đường\n"));

    let cleared = run(&["user", "name", "bt.khu2", "--clear"]);
    assert!(cleared.status.success(), "{cleared:?}");
    assert!(
        listed().contains("bt.khu2\tviewer\ttoàn bộ\t1 khóa\t\n"),
        "{}",
        listed()
    );
}
