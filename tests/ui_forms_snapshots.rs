//! The editing forms as a user sees them at the smallest terminal, in both languages: the
//! demo database on ratatui's `TestBackend` after real key presses, compared with the
//! screens under `tests/snapshots/`. Nothing here is submitted, so nothing is written.

mod common;

use common::*;

use chibo::domain::Lang;
use chibo::ui::{App, Msg};

fn in_both_languages(what: &str, drive: impl Fn(&mut App)) {
    for (lang, tag) in [(Lang::Vi, "vi"), (Lang::En, "en")] {
        let mut app = app(lang, 80, 24);
        drive(&mut app);
        insta::assert_snapshot!(format!("{what}_{tag}_80x24"), screen_text(&app, 80, 24));
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
