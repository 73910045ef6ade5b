//! The full-screen app as a user sees it: the demo database rendered on ratatui's
//! `TestBackend` after real key presses, compared with the screens under `tests/snapshots/`.
//! Colours are off (as with `NO_COLOR`), so a snapshot is exactly the text on screen.

mod common;

use common::*;

use chibo::domain::Lang;
use chibo::ui::{App, Focus, Msg};

/// Both languages at the smallest and a large terminal, named `<what>_<lang>_<w>x<h>`.
fn in_every_size(what: &str, drive: impl Fn(&mut App)) {
    for (lang, tag) in [(Lang::Vi, "vi"), (Lang::En, "en")] {
        for (width, height) in [(80, 24), (200, 60)] {
            let mut app = app(lang, width, height);
            drive(&mut app);
            insta::assert_snapshot!(
                format!("{what}_{tag}_{width}x{height}"),
                screen_text(&app, width, height)
            );
        }
    }
}

#[test]
fn tree_of_the_demo_data() {
    // Hải Phòng and Quảng Ninh open, the cursor on Quảng Ninh.
    in_every_size("tree", |app| {
        press(app, "l G l");
    });
}

#[test]
fn members_of_quarter_2() {
    in_every_size("members_k2", |app| {
        app.update(Msg::JumpTo(org("QN.HL.HG.K2")));
        press(app, "tab j j");
    });
}

#[test]
fn a_temporary_exemption_shows_its_end_date() {
    let mut app = app(Lang::Vi, 80, 24);
    app.update(Msg::JumpTo(org("QN.BL.BL.TH3")));
    insta::assert_snapshot!(screen_text(&app, 80, 24));
}

#[test]
fn a_probationary_member_is_marked() {
    // Lý Thị Thùy Yến, admitted in June 2026, is last in her branch's roster.
    let mut app = app(Lang::En, 80, 24);
    app.update(Msg::JumpTo(member("31160481")));
    insta::assert_snapshot!(screen_text(&app, 80, 24));
}

#[test]
fn member_detail_with_roles() {
    in_every_size("detail_secretary", |app| {
        app.update(Msg::JumpTo(member("48123456")));
        press(app, "enter");
    });
}

#[test]
fn member_detail_with_oversight_and_history() {
    let mut app = app(Lang::Vi, 80, 24);
    app.update(Msg::JumpTo(member("48796021")));
    press(&mut app, "enter");
    insta::assert_snapshot!("detail_oversight_vi_80x24", screen_text(&app, 80, 24));
    let mut app = self::app(Lang::En, 80, 24);
    app.update(Msg::JumpTo(member("48172630")));
    press(&mut app, "enter");
    insta::assert_snapshot!("detail_exempt_en_80x24", screen_text(&app, 80, 24));
}

#[test]
fn search_for_nguyen() {
    in_every_size("search_nguyen", |app| {
        press(app, "/");
        type_text(app, "nguyen");
    });
}

#[test]
fn search_for_dang() {
    in_every_size("search_dang", |app| {
        press(app, "/");
        type_text(app, "dang");
    });
}

#[test]
fn search_for_a_place_with_two_words() {
    let mut app = app(Lang::Vi, 80, 24);
    press(&mut app, "/");
    type_text(&mut app, "hong gai");
    insta::assert_snapshot!(screen_text(&app, 80, 24));
}

/// Nine branches of the demo are "Chi bộ khu 2": the ward's name after it picks Hồng Gai's,
/// and a member is found by name and branch.
#[test]
fn search_narrows_by_the_names_above() {
    for (query, lang) in [("khu 2 hong gai", Lang::Vi), ("duong khu 2", Lang::En)] {
        let mut app = app(lang, 80, 24);
        press(&mut app, "/");
        type_text(&mut app, query);
        let tag = query.replace(' ', "_");
        insta::assert_snapshot!(format!("search_{tag}"), screen_text(&app, 80, 24));
    }
}

#[test]
fn help_overlay() {
    in_every_size("help_tree", |app| {
        press(app, "?");
    });
}

#[test]
fn help_lists_the_keys_of_the_member_list_when_opened_there() {
    let mut app = app(Lang::En, 80, 24);
    app.update(Msg::JumpTo(org("QN.HL.HG.K2")));
    press(&mut app, "tab ?");
    insta::assert_snapshot!(screen_text(&app, 80, 24));
}

#[test]
fn terminal_too_small() {
    for (lang, tag) in [(Lang::Vi, "vi"), (Lang::En, "en")] {
        let app = app(lang, 60, 20);
        insta::assert_snapshot!(format!("too_small_{tag}_60x20"), screen_text(&app, 60, 20));
    }
}

#[test]
fn resizing_relayouts_the_same_state() {
    let mut app = app(Lang::Vi, 200, 60);
    app.update(Msg::JumpTo(org("QN.HL.HG.K2")));
    app.update(Msg::Resize {
        width: 80,
        height: 24,
    });
    assert_eq!(app.focus(), Focus::Tree);
    insta::assert_snapshot!(screen_text(&app, 80, 24));
}
