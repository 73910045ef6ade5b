//! The one harness every test of the App shares — the unit tests of `ui` and its forms,
//! the integration tests under `tests/` and the benches (which include this file by path):
//! the demo database as of 2026-11-23, made once per test binary; an App on it, or on a
//! copy of its own for a test that writes, colours off so the screen is exactly its text;
//! keys pressed by name; text typed as an input method delivers it.
//!
//! It names the crate `chibo::` (the crate root says `extern crate self as chibo`), so the
//! same file reads the same from inside the crate and from a test binary outside it.
#![allow(dead_code)] // each test binary uses its own part of this

use std::path::Path;
use std::sync::LazyLock;

use chibo::domain::Lang;
use chibo::io::files::Files;
use chibo::store::Store;
use chibo::ui::{App, Effect, KeyChord, Keymap, Msg, Options, Target, Theme};
use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[allow(unused_imports)] // not every test draws the screen
pub use chibo::ui::screen_text;

pub const LANGS: [(Lang, &str); 2] = [(Lang::Vi, "vi"), (Lang::En, "en")];

/// The day the demo is made on and every App lives on.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// One demo database for every test of a binary: tests on it only read; a test that
/// writes takes a copy ([`app_on_copy`]).
pub static DEMO: LazyLock<(tempfile::TempDir, Store)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = chibo::demo::ensure(&dir.path().join("demo.redb"), today()).unwrap();
    (dir, store)
});

/// How every test App starts: `lan` at the keys at 21:30 on [`today`], the default keys,
/// no colours, exports to `files`.
pub fn options(lang: Lang, files: Files) -> Options {
    Options {
        lang,
        clock: chibo::clock::Clock::stopped_at(today().and_hms_opt(21, 30, 0).unwrap()),
        keymap: Keymap::defaults(),
        theme: Theme::monochrome(),
        notice: None,
        actor: "lan".to_string(),
        files,
    }
}

/// Exports into the system's temporary folder: for tests that export nothing they look at.
pub fn temp_files() -> Files {
    Files::Local {
        export_dir: std::env::temp_dir(),
    }
}

/// The App on `store`, in a terminal of `width` × `height`.
pub fn app_on(store: &Store, lang: Lang, width: u16, height: u16) -> App {
    let mut app = App::new(store.clone(), options(lang, temp_files()));
    app.update(Msg::Resize { width, height });
    app
}

/// The App on the demo database.
pub fn app(lang: Lang, width: u16, height: u16) -> App {
    app_on(&DEMO.1, lang, width, height)
}

/// Presses keys written as the keys file writes them, separated by spaces: `j j enter`;
/// what the App answered to them all.
/// Presses `keys` one after another, each followed by what the store's writer answers,
/// as a person sees it a moment after the key.
pub fn press(app: &mut App, keys: &str) -> Vec<Effect> {
    keys.split_whitespace()
        .flat_map(|key| {
            let mut effects = app.update(Msg::Key(KeyChord::parse(key).unwrap().event()));
            effects.extend(app.settle());
            effects
        })
        .collect()
}

/// Types text into whatever has the keys, a character a key, as an input method
/// delivers them.
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        app.update(Msg::Key(key));
    }
}

/// The organisation of the demo with `code`, to jump to.
pub fn org(code: &str) -> Target {
    Target::Org(DEMO.1.read().unwrap().org_id(code).unwrap().unwrap())
}

/// The member of the demo with card `card`, to jump to.
pub fn member(card: &str) -> Target {
    Target::Member(DEMO.1.read().unwrap().member_id(card).unwrap().unwrap())
}

/// A copy of the demo database of its own, `demo.redb` in the directory returned: it
/// lives as long as the directory.
pub fn demo_copy() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.redb");
    std::fs::copy(DEMO.0.path().join("demo.redb"), &path).unwrap();
    let store = Store::open(&path).unwrap();
    (dir, store)
}

/// An App on a copy of the demo database of its own, for a test that writes; exports go
/// into the copy's directory.
pub fn app_on_copy(lang: Lang, width: u16, height: u16) -> (tempfile::TempDir, App) {
    app_on_copy_with(lang, width, height, |dir| Files::Local {
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
        Files::Space(lan)
    });
    (dir, app, space.unwrap())
}

/// [`app_on_copy`] with the files `files` gives for the copy's directory.
pub fn app_on_copy_with(
    lang: Lang,
    width: u16,
    height: u16,
    files: impl FnOnce(&Path) -> Files,
) -> (tempfile::TempDir, App) {
    let (dir, store) = demo_copy();
    let mut app = App::new(store, options(lang, files(dir.path())));
    app.update(Msg::Resize { width, height });
    (dir, app)
}
