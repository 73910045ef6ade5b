//! The editing forms as a user sees them at the smallest terminal, in both languages: the
//! demo database on ratatui's `TestBackend` after real key presses, compared with the
//! screens under `tests/snapshots/`. Nothing here is submitted, so nothing is written.

use std::sync::LazyLock;

use chibo::domain::Lang;
use chibo::store::Store;
use chibo::ui::{App, KeyChord, Keymap, Msg, Options, Target, Theme};
use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

static DEMO: LazyLock<(tempfile::TempDir, Store)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = chibo::demo::ensure(&dir.path().join("demo.redb"), today()).unwrap();
    (dir, store)
});

fn app(lang: Lang) -> App {
    let mut app = App::new(
        DEMO.1.clone(),
        Options {
            lang,
            today: today(),
            keymap: Keymap::defaults(),
            theme: Theme::monochrome(),
            notice: None,
        },
    );
    app.update(Msg::Resize {
        width: 80,
        height: 24,
    });
    app
}

fn press(app: &mut App, keys: &str) {
    for key in keys.split_whitespace() {
        app.update(Msg::Key(KeyChord::parse(key).unwrap().event()));
    }
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        let key = if c == ' ' {
            "space".to_string()
        } else {
            c.to_string()
        };
        press(app, &key);
    }
}

/// The screen as text, one line per row, trailing blanks removed.
fn screen(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|frame| app.view(frame)).unwrap();
    text_of(terminal.backend().buffer())
}

fn text_of(buffer: &Buffer) -> String {
    let width = usize::from(buffer.area.width);
    let mut out = String::new();
    for row in buffer.content.chunks(width) {
        let mut line = String::new();
        let mut hidden = 0;
        for cell in row {
            if hidden == 0 {
                line.push_str(cell.symbol());
            }
            hidden = hidden.max(cell.symbol().chars().count().max(1)) - 1;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn org(code: &str) -> Target {
    Target::Org(DEMO.1.read().unwrap().org_id(code).unwrap().unwrap())
}

fn member(card: &str) -> Target {
    Target::Member(DEMO.1.read().unwrap().member_id(card).unwrap().unwrap())
}

fn in_both_languages(what: &str, drive: impl Fn(&mut App)) {
    for (lang, tag) in [(Lang::Vi, "vi"), (Lang::En, "en")] {
        let mut app = app(lang);
        drive(&mut app);
        insta::assert_snapshot!(format!("{what}_{tag}_80x24"), screen(&app));
    }
}

#[test]
fn add_member_form() {
    in_both_languages("form_add_member", |app| {
        app.update(Msg::JumpTo(org("QN.HL.HG.K2")));
        press(app, "tab a");
        type_text(app, "48999001");
        press(app, "tab");
        type_text(app, "Nguyễn Thị Ánh");
        press(app, "tab right right tab");
        type_text(app, "15/08/1990");
    });
}

#[test]
fn status_form() {
    in_both_languages("form_status", |app| {
        app.update(Msg::JumpTo(member("48123456")));
        // A temporary exemption: its end date shows.
        press(app, "s right tab tab");
        type_text(app, "01/03/2027");
        press(app, "tab");
        type_text(app, "điều trị dài ngày");
    });
}

#[test]
fn confirmation_before_dissolving() {
    in_both_languages("confirm_dissolve", |app| {
        app.update(Msg::JumpTo(org("QN.HL.HG.K2")));
        press(app, "D enter");
    });
}

#[test]
fn add_organisation_form() {
    in_both_languages("form_add_org", |app| {
        app.update(Msg::JumpTo(org("QN.HL.HG")));
        press(app, "a");
        type_text(app, "K9");
        press(app, "tab");
        type_text(app, "Chi bộ khu 9");
        press(app, "tab tab right tab right");
    });
}

#[test]
fn choosing_the_new_parent_of_a_move() {
    in_both_languages("picker_move", |app| {
        app.update(Msg::JumpTo(org("QN.HL.HG.K2")));
        press(app, "m");
        // The third is where it is now: the line at the bottom says so.
        type_text(app, "phuong h");
        press(app, "down down");
    });
}
