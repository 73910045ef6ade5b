//! What the test binaries share: the App's harness (`src/ui/testkit.rs`, the same file the
//! unit tests use), databases imported by the real binary, the SSH server (`ssh.rs`) and the
//! programs some tests drive (`programs.rs`).
#![allow(dead_code)] // each test binary uses its own part of this

#[path = "../../src/ui/testkit.rs"]
mod testkit;

pub mod programs;
pub mod ssh;

#[allow(unused_imports)] // not every test binary drives the App
pub use testkit::*;

/// A database of its own, in its own directory, holding a JSON Lines text imported by the
/// real binary.
pub struct Imported {
    pub dir: tempfile::TempDir,
    pub db: std::path::PathBuf,
}

pub fn imported(data: &str) -> Imported {
    let dir = tempfile::TempDir::new().unwrap();
    let db = dir.path().join("db.redb");
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, data).unwrap();
    let output = chibo(&db).arg("import").arg(&input).output().unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    Imported { dir, db }
}

/// The real binary on the database at `db`.
pub fn chibo(db: &std::path::Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_chibo"));
    command.arg("--db").arg(db);
    command
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
