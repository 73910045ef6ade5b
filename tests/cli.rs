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
