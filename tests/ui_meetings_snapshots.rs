//! The meetings screens as a user sees them: the month calendar of a branch and of a ward
//! with the standing of their branches, the plan form warning of a clash, and committee
//! members' visits against their quotas — the demo database on ratatui's `TestBackend`
//! after real key presses, compared with the screens under `tests/snapshots/`. Nothing
//! here is submitted, so nothing is written.

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

fn app(lang: Lang, width: u16, height: u16) -> App {
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
    app.update(Msg::Resize { width, height });
    app
}

fn press(app: &mut App, keys: &str) {
    for key in keys.split_whitespace() {
        app.update(Msg::Key(KeyChord::parse(key).unwrap().event()));
    }
}

/// The screen as text, one line per row, trailing blanks removed.
fn screen(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
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

const LANGS: [(Lang, &str); 2] = [(Lang::Vi, "vi"), (Lang::En, "en")];

/// Both languages at the smallest and a large terminal, named `<what>_<lang>_<w>x<h>`.
fn in_every_size(what: &str, drive: impl Fn(&mut App)) {
    for (lang, tag) in LANGS {
        for (width, height) in [(80, 24), (200, 60)] {
            let mut app = app(lang, width, height);
            drive(&mut app);
            insta::assert_snapshot!(
                format!("{what}_{tag}_{width}x{height}"),
                screen(&app, width, height)
            );
        }
    }
}

/// Both languages at the smallest terminal.
fn in_both_languages(what: &str, drive: impl Fn(&mut App)) {
    for (lang, tag) in LANGS {
        let mut app = app(lang, 80, 24);
        drive(&mut app);
        insta::assert_snapshot!(format!("{what}_{tag}_80x24"), screen(&app, 80, 24));
    }
}

/// The meetings of `code`, opened from the tree, `back` months before this one.
fn meetings_of(app: &mut App, code: &str, back: usize) {
    app.update(Msg::JumpTo(org(code)));
    press(app, "c");
    for _ in 0..back {
        press(app, "[");
    }
}

#[test]
fn calendar_of_quarter_2_in_october() {
    // Quarter 2 met on its day; its month, its rule, its thematic quarter and who
    // oversees it.
    in_every_size("calendar_k2_2026_10", |app| {
        meetings_of(app, "QN.HL.HG.K2", 1)
    });
}

#[test]
fn calendar_of_hong_gai_in_october() {
    // Fourteen branches: most on time on the 5th, some early, late or out of rule.
    in_every_size("calendar_hong_gai_2026_10", |app| {
        meetings_of(app, "QN.HL.HG", 1)
    });
}

#[test]
fn branch_status_list_of_hong_gai_in_november() {
    // November's meetings are not recorded yet: every branch is overdue.
    in_both_languages("branches_hong_gai_2026_11", |app| {
        meetings_of(app, "QN.HL.HG", 0);
        press(app, "j j j");
    });
}

#[test]
fn the_plan_form_warns_of_the_day_the_branches_meet() {
    // December: the ward's committee offered the 5th, the day its branches meet.
    in_both_languages("plan_clash_hong_gai", |app| {
        meetings_of(app, "QN.HL.HG", 0);
        press(app, "] p");
    });
}

#[test]
fn quotas_of_hong_gai() {
    // The ward's standing deputy owes a visit to an assigned branch every month and is
    // behind; the rest of its committee has no quota, and comes after.
    in_both_languages("quotas_hong_gai", |app| {
        app.update(Msg::JumpTo(org("QN.HL.HG")));
        press(app, "v");
    });
}

#[test]
fn quotas_of_the_province() {
    // Every ward's standing deputy and a district's, with the committee each sits on.
    in_both_languages("quotas_quang_ninh", |app| {
        app.update(Msg::JumpTo(org("QN")));
        press(app, "v");
    });
}
