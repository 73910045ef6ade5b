//! The meetings screens as a user sees them: the month calendar of a branch and of a ward
//! with the standing of their branches, the plan form warning of a clash, and committee
//! members' visits against their quotas — the demo database on ratatui's `TestBackend`
//! after real key presses, compared with the screens under `tests/snapshots/`. Nothing
//! here is submitted, so nothing is written.

mod common;

use common::*;

use chibo::domain::Lang;
use chibo::ui::{App, Msg};

/// Both languages at the smallest and a large terminal, named `<what>_<lang>_<w>x<h>`.
fn in_every_size(what: &str, drive: impl Fn(&mut App)) {
    for (lang, tag) in LANGS {
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

/// Both languages at the smallest terminal.
fn in_both_languages(what: &str, drive: impl Fn(&mut App)) {
    for (lang, tag) in LANGS {
        let mut app = app(lang, 80, 24);
        drive(&mut app);
        insta::assert_snapshot!(format!("{what}_{tag}_80x24"), screen_text(&app, 80, 24));
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
fn a_branchs_flags_are_told_whole_on_a_terminal_of_120_columns() {
    // Quarter 2 met without a roll-call and has members absent three months: both flags
    // are spelled out under the list, not cut.
    for (lang, tag) in LANGS {
        let mut app = app(lang, 120, 30);
        meetings_of(&mut app, "QN.HL.HG", 0);
        press(&mut app, "j j j");
        let screen = screen_text(&app, 120, 30);
        // The two rows above the pane's bottom border, as one text.
        let rows: Vec<&str> = screen.lines().collect();
        let told: Vec<&str> = rows[rows.len() - 5..rows.len() - 3]
            .iter()
            .map(|row| row.rsplit('┃').nth(1).unwrap_or_default().trim())
            .collect();
        let told = told.join(" ").replace('\u{a0}', " ");
        let absent = lang.pick(
            "3 đảng viên vắng không phép từ 3 tháng",
            "3 absent without leave 3+ months",
        );
        let unrolled = lang.pick("⚑ chưa điểm danh", "⚑ no roll-call");
        assert!(
            told.contains(absent) && told.contains(unrolled),
            "{told}\n{screen}"
        );
        insta::assert_snapshot!(format!("branches_hong_gai_2026_11_{tag}_120x30"), screen);
    }
}

#[test]
fn a_branch_planned_past_its_grace_is_not_shown_as_on_course() {
    // Quarter 8's December meeting moved to the 10th, three days past its grace (5th + 2):
    // the month is still upcoming, but its row says the plan misses it.
    let (_dir, store) = demo_copy();
    store
        .write(|w| {
            let k8 = w.org_id("QN.HL.HG.K8")?.unwrap();
            let december = chibo::domain::YearMonth::new(2026, 12).unwrap();
            let mut planned = w.meetings_in_month(k8, december)?.remove(0);
            planned.date = chibo::domain::date::parse_iso("2026-12-10").unwrap();
            w.put_meeting(&planned)
        })
        .unwrap();
    for (lang, words) in [(Lang::Vi, "· lịch muộn"), (Lang::En, "· late plan")] {
        let mut app = app_on(&store, lang, 80, 24);
        meetings_of(&mut app, "QN.HL.HG", 0);
        press(&mut app, "]");
        let screen = screen_text(&app, 80, 24);
        let row = screen.lines().find(|l| l.contains("khu 8")).unwrap();
        assert!(row.contains(words), "{screen}");
        let others = screen.lines().filter(|l| l.contains(words)).count();
        assert_eq!(others, 1, "{screen}");
    }
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

#[test]
fn the_help_of_the_meetings_screen_tells_the_plan_column_and_the_flag() {
    // The plan column's ✓ ! ✗ mean other things than the calendar's: its own legend, and ⚑.
    for (lang, heading, late) in [
        (Lang::Vi, "Cột KH", "gửi muộn"),
        (Lang::En, "The Plan column", "sent late"),
    ] {
        let mut app = app(lang, 100, 90);
        meetings_of(&mut app, "QN.HL.HG", 0);
        press(&mut app, "?");
        let screen = screen_text(&app, 100, 90);
        assert!(screen.contains(heading), "{screen}");
        let flag = screen.lines().any(|l| l.contains("⚑  "));
        assert!(flag && screen.contains(late), "{screen}");
    }
}
