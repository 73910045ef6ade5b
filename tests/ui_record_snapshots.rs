//! A meeting's record as a secretary sees it: the roll-call of Quarter 2's November
//! meeting (held, not yet recorded) before and after marking, the minutes' sections as the
//! template starts them, and approved minutes with an amendment — the demo database on
//! ratatui's `TestBackend` after real key presses, compared with `tests/snapshots/`.

mod common;

use common::*;

use chibo::ui::{App, Msg};

/// Quarter 2's meetings of `back` months before this one, the cursor on the regular
/// meeting, and its record opened.
fn open_record(app: &mut App, back: usize) {
    app.update(Msg::JumpTo(org("QN.HL.HG.K2")));
    press(app, "c");
    for _ in 0..back {
        press(app, "[");
    }
    press(app, "enter");
}

fn snapshot(what: &str, drive: impl Fn(&mut App)) {
    for (lang, tag) in LANGS {
        let (_dir, mut app) = app_on_copy(lang, 80, 24);
        drive(&mut app);
        insta::assert_snapshot!(format!("{what}_{tag}_80x24"), screen_text(&app, 80, 24));
    }
}

#[test]
fn the_roll_of_a_meeting_not_yet_recorded() {
    // Everyone expected is unmarked; the exempt are listed last, apart.
    snapshot("record_roll_unmarked", |app| open_record(app, 0));
}

#[test]
fn the_roll_after_marking() {
    // Present, excused with a reason, absent, then everyone left present.
    snapshot("record_roll_marked", |app| {
        open_record(app, 0);
        press(app, "p e");
        type_text(app, "ốm");
        press(app, "enter a P");
    });
}

#[test]
fn the_opening_of_new_minutes() {
    // The template names the day, the place and the branch secretary in the chair.
    snapshot("record_minutes_opening", |app| {
        open_record(app, 0);
        press(app, "tab");
    });
}

#[test]
fn the_review_carries_last_months_assignments() {
    snapshot("record_minutes_review", |app| {
        open_record(app, 0);
        press(app, "tab tab tab");
    });
}

#[test]
fn approved_minutes_with_an_amendment() {
    snapshot("record_amendments", |app| {
        open_record(app, 1);
        press(app, "f7");
        type_text(app, "Mục IV: hạn nộp đảng phí là 30/10");
        press(app, "enter backtab");
    });
}
