//! What the screen tests share: the demo database as of 2026-11-23 (read only, one per test
//! binary), an App on it without colours, keys pressed by name, and the screen as text.
#![allow(dead_code)] // each test binary uses its own part of this

use std::sync::LazyLock;

use chibo::domain::Lang;
use chibo::store::Store;
use chibo::ui::{App, KeyChord, Keymap, Msg, Options, Target, Theme};
use chrono::NaiveDate;

pub mod ssh;

#[allow(unused_imports)] // not every test binary draws screens
pub use chibo::ui::screen_text;

pub const LANGS: [(Lang, &str); 2] = [(Lang::Vi, "vi"), (Lang::En, "en")];

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// One demo database for every test of a binary: the screens here only read it.
pub static DEMO: LazyLock<(tempfile::TempDir, Store)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = chibo::demo::ensure(&dir.path().join("demo.redb"), today()).unwrap();
    (dir, store)
});

/// The App on the demo database, colours off (as with `NO_COLOR`), so a snapshot is exactly
/// the text on screen.
pub fn app(lang: Lang, width: u16, height: u16) -> App {
    let mut app = App::new(
        DEMO.1.clone(),
        Options {
            lang,
            clock: chibo::clock::Clock::stopped_at(today().and_hms_opt(21, 30, 0).unwrap()),
            keymap: Keymap::defaults(),
            theme: Theme::monochrome(),
            notice: None,
            actor: "lan".to_string(),
            files: chibo::io::files::Files::Local {
                export_dir: std::env::temp_dir(),
            },
        },
    );
    app.update(Msg::Resize { width, height });
    app
}

/// Presses keys written as the keys file writes them, separated by spaces: `j j enter`.
pub fn press(app: &mut App, keys: &str) {
    for key in keys.split_whitespace() {
        app.update(Msg::Key(KeyChord::parse(key).unwrap().event()));
    }
}

/// Types text into whatever has the keys.
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        let key = if c == ' ' {
            "space".to_string()
        } else {
            c.to_string()
        };
        press(app, &key);
    }
}

pub fn org(code: &str) -> Target {
    Target::Org(DEMO.1.read().unwrap().org_id(code).unwrap().unwrap())
}

pub fn member(card: &str) -> Target {
    Target::Member(DEMO.1.read().unwrap().member_id(card).unwrap().unwrap())
}

/// An App on a copy of the demo database of its own, for a test that writes: the copy
/// lives as long as the directory returned with it.
pub fn app_on_copy(lang: Lang, width: u16, height: u16) -> (tempfile::TempDir, App) {
    app_on_copy_with(lang, width, height, |dir| chibo::io::files::Files::Local {
        export_dir: dir.to_path_buf(),
    })
}

/// [`app_on_copy`] as an SSH session of `lan` has it: no paths, her own inbox and exports.
pub fn app_on_copy_over_ssh(
    lang: Lang,
    width: u16,
    height: u16,
) -> (tempfile::TempDir, App, chibo::io::space::UserSpace) {
    use chibo::io::space::{SpaceLimits, Spaces};
    let mut space = None;
    let (dir, app) = app_on_copy_with(lang, width, height, |dir| {
        let lan = Spaces::beside(&dir.join("demo.redb"), SpaceLimits::default())
            .of("lan")
            .unwrap();
        space = Some(lan.clone());
        chibo::io::files::Files::Space(lan)
    });
    (dir, app, space.unwrap())
}

/// [`app_on_copy`] with the files `files` gives for the copy's directory.
pub fn app_on_copy_with(
    lang: Lang,
    width: u16,
    height: u16,
    files: impl FnOnce(&std::path::Path) -> chibo::io::files::Files,
) -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.redb");
    std::fs::copy(DEMO.0.path().join("demo.redb"), &path).unwrap();
    let mut app = App::new(
        Store::open(&path).unwrap(),
        Options {
            lang,
            clock: chibo::clock::Clock::stopped_at(today().and_hms_opt(21, 30, 0).unwrap()),
            keymap: Keymap::defaults(),
            theme: Theme::monochrome(),
            notice: None,
            actor: "lan".to_string(),
            files: files(dir.path()),
        },
    );
    app.update(Msg::Resize { width, height });
    (dir, app)
}

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
