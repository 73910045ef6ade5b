//! The dashboard as a user sees it: the province, a ward and a branch in November 2026,
//! going down into a unit and back up, and a month back — the demo database on ratatui's
//! `TestBackend` after real key presses, compared with the screens under
//! `tests/snapshots/`. And the numbers it shows are the ones `chibo report attendance`
//! prints for the same organisation and month: both read the same roll-ups.

mod common;

use std::time::{Duration, Instant};

use common::*;

use chibo::domain::Lang;
use chibo::domain::YearMonth;
use chibo::io::report::{self, Format, Period};
use chibo::ui::{App, Msg};

fn ym(year: i32, month: u32) -> YearMonth {
    YearMonth::new(year, month).unwrap()
}

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

/// The dashboard of `code`, opened from the tree with `b`.
fn dashboard_of(app: &mut App, code: &str) {
    app.update(Msg::JumpTo(org(code)));
    press(app, "b");
}

#[test]
fn the_province() {
    // Quảng Ninh in November: its communes, the bloc and the old districts worst first,
    // last year's grades of its grassroots units against 85%.
    in_every_size("dashboard_quang_ninh", |app| dashboard_of(app, "QN"));
}

#[test]
fn a_ward() {
    // Hồng Gai: fourteen branches, three overdue, and its standing deputy's quota.
    in_every_size("dashboard_hong_gai", |app| dashboard_of(app, "QN.HL.HG"));
}

#[test]
fn a_branch() {
    // Quarter 2: its own twelve months instead of units below.
    in_every_size("dashboard_k2", |app| dashboard_of(app, "QN.HL.HG.K2"));
}

#[test]
fn drilling_down_and_back_up() {
    // Enter on the province's worst unit opens it; Backspace goes back up with the cursor
    // on it, and Esc at the top closes the dashboard.
    let mut app = app(Lang::Vi, 80, 24);
    dashboard_of(&mut app, "QN");
    press(&mut app, "j enter");
    let down = app.dashboard().expect("still on the dashboard");
    assert_ne!(down.node.code, "QN");
    let entered = down.node.code.clone();
    insta::assert_snapshot!("dashboard_drill_down_vi_80x24", screen_text(&app, 80, 24));
    press(&mut app, "backspace");
    let up = app.dashboard().expect("still on the dashboard");
    assert_eq!(up.node.code, "QN");
    assert_eq!(up.cursor(), 1, "the cursor is back on {entered}");
    insta::assert_snapshot!("dashboard_back_up_vi_80x24", screen_text(&app, 80, 24));
    press(&mut app, "esc");
    assert!(app.dashboard().is_none());
    assert_eq!(app.focus(), chibo::ui::Focus::Tree);
}

#[test]
fn esc_goes_back_the_way_in_and_backspace_above_it() {
    let mut app = app(Lang::En, 80, 24);
    dashboard_of(&mut app, "QN.HL.HG");
    press(&mut app, "enter");
    assert_eq!(
        app.dashboard().unwrap().node.kind,
        chibo::domain::OrgKind::Branch
    );
    press(&mut app, "esc");
    assert_eq!(app.dashboard().unwrap().node.code, "QN.HL.HG");
    // Opened on the ward: Backspace still goes up to the province, Esc there closes.
    press(&mut app, "backspace");
    assert_eq!(app.dashboard().unwrap().node.code, "QN");
    press(&mut app, "backspace");
    assert!(app.dashboard().is_none(), "a root has nothing above it");
}

#[test]
fn a_month_back() {
    // October: every branch's month decided, the trend one month earlier.
    in_both_languages("dashboard_hong_gai_2026_10", |app| {
        dashboard_of(app, "QN.HL.HG");
        press(app, "[");
    });
}

#[test]
fn a_month_without_records() {
    // Before the demo's first meeting nothing was kept: the dashboard says so rather than
    // count every record.
    in_both_languages("dashboard_quang_ninh_2025_09", |app| {
        dashboard_of(app, "QN");
        for _ in 0..14 {
            press(app, "[");
        }
    });
}

#[test]
fn the_dashboard_opens_on_the_meetings_screens_month_and_goes_back_to_it() {
    let mut app = app(Lang::Vi, 80, 24);
    app.update(Msg::JumpTo(org("QN.HL.HG")));
    press(&mut app, "c [ [ b");
    let view = app.dashboard().expect("dashboard open");
    assert_eq!(view.month(), ym(2026, 9));
    press(&mut app, "esc");
    assert_eq!(app.meetings().map(|m| m.month()), Some(ym(2026, 9)));
}

/// `chibo report attendance --format json` of `code` for `month`, as a JSON object.
fn attendance_report(code: &str, month: YearMonth) -> serde_json::Value {
    let reader = DEMO.1.read().unwrap();
    let root = reader.org_by_code(code).unwrap().unwrap();
    let stats = reader.month_stats(root.id, month).unwrap();
    let mut out = Vec::new();
    report::attendance(
        &root,
        Period::Month(month),
        &[(month, stats)],
        today(),
        Format::Json,
        Lang::En,
        &mut out,
    )
    .unwrap();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn the_dashboard_shows_what_the_attendance_report_counts() {
    for (code, back) in [("QN", 0), ("QN", 1), ("QN.HL.HG", 0), ("QN.HL.HG.K2", 2)] {
        let mut app = app(Lang::En, 200, 60);
        dashboard_of(&mut app, code);
        for _ in 0..back {
            press(&mut app, "[");
        }
        let view = app.dashboard().unwrap();
        let stats = view.data.stats.as_ref().expect("a covered month");
        let report = attendance_report(code, view.month());
        let t = view.today();
        let shown = serde_json::json!({
            "branches_due": stats.branches_due(),
            "on_time": stats.on_time,
            "early": stats.early,
            "late_within_grace": stats.late_within_grace,
            "held_out_of_rule": stats.held_out_of_rule,
            "overdue": stats.overdue(t),
            "upcoming": stats.upcoming(t),
            "meetings_held": stats.meetings_held,
            "thematic_held": stats.thematic_held,
            "expected": stats.expected(),
            "present": stats.present,
            "excused": stats.excused,
            "absent": stats.absent,
            "exempt": stats.exempt,
            "guest_visits": stats.guest_visits,
        });
        for (field, value) in shown.as_object().unwrap() {
            assert_eq!(&report[field], value, "{code} {}: {field}", view.month());
        }
        // And the screen prints the report's rate, to the tenth of a percent.
        let rate = report["attendance_rate"].as_f64().unwrap();
        let text = screen_text(&app, 200, 60);
        let printed = format!("Attendance {:.1}%", rate * 100.0);
        assert!(text.contains(&printed), "{printed} not on\n{text}");
    }
}

#[test]
fn a_long_list_holds_a_screen_of_records() {
    // The wide province: 3,300 communes ranked, names read only for the rows shown.
    let dir = tempfile::tempdir().unwrap();
    let store = chibo::store::Store::open(&dir.path().join("wide.redb")).unwrap();
    chibo::demo::write_wide_province(&store, 3_300).unwrap();
    let mut app = App::new(store, {
        let mut options = chibo::ui::Options::new(Lang::Vi, chibo::clock::Clock::on(today()));
        options.theme = chibo::ui::Theme::monochrome();
        options
    });
    app.update(Msg::Resize {
        width: 80,
        height: 24,
    });
    press(&mut app, "b");
    let view = app.dashboard().expect("dashboard open");
    assert_eq!(view.data.rows(), 3_300);
    assert!(view.details_held() <= 64 + 18, "{}", view.details_held());
    press(&mut app, "G");
    let view = app.dashboard().unwrap();
    assert_eq!(view.cursor(), 3_299);
    assert!(view.details_held() <= 64 + 18, "{}", view.details_held());
    // Nothing is recorded there, so nothing ranks: the communes keep their order.
    assert!(screen_text(&app, 80, 24).contains("xã Số 3299"));
}

#[test]
fn a_frame_of_the_province_is_quick() {
    // Not a benchmark (benches/tui_frame.rs is): a guard that a frame stays well under
    // what a person notices, even in a debug build.
    let app = {
        let mut app = app(Lang::Vi, 200, 60);
        dashboard_of(&mut app, "QN");
        app
    };
    let started = Instant::now();
    for _ in 0..20 {
        screen_text(&app, 200, 60);
    }
    let frame = started.elapsed() / 20;
    eprintln!("dashboard frame of the province, 200×60, debug build: {frame:?}");
    assert!(frame < Duration::from_millis(100), "{frame:?}");
}

#[test]
fn help_lists_the_dashboards_keys() {
    in_both_languages("dashboard_help", |app| {
        dashboard_of(app, "QN");
        press(app, "?");
    });
}

#[test]
fn f6_puts_the_months_table_by_branch_in_the_users_exports() {
    // Over SSH the workbook goes to the secretary's exports, nowhere on the server's disk;
    // LibreOffice reads one row per branch of Hồng Gai and their total, which is the
    // dashboard's own month.
    let (dir, mut app, space) = app_on_copy_over_ssh(Lang::Vi, 80, 24);
    dashboard_of(&mut app, "QN.HL.HG");
    press(&mut app, "f6");
    let name = "QN.HL.HG-2026-11-attendance-by-branch.xlsx";
    let status = app.status().unwrap().text.clone();
    assert_eq!(status, format!("Đã xuất bảng theo chi bộ: exports/{name}"));
    let bytes = space.read(chibo::io::space::Area::Exports, name).unwrap();
    assert!(bytes.starts_with(b"PK"), "an .xlsx is a zip");
    assert!(!dir.path().join(name).exists());
    let Some(soffice) = programs::required("soffice", "libreoffice-calc") else {
        return;
    };
    let path = dir.path().join("read.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    let csv = programs::xlsx_to_csv(&soffice, &path, dir.path());
    let lines: Vec<&str> = csv.lines().collect();
    // Title, blank, headings, 14 branches, the total.
    assert_eq!(lines.len(), 3 + 14 + 1, "{csv}");
    let reader = app.store().read().unwrap();
    let id = reader.org_id("QN.HL.HG").unwrap().unwrap();
    let stats = reader.month_stats(id, ym(2026, 11)).unwrap();
    let total = format!(
        r#""QN.HL.HG","Tổng cộng","11/2026",{},"#,
        stats.branches_due()
    );
    assert!(lines[17].starts_with(&total), "{csv}");
    assert!(
        lines[17].contains(&format!(",{},{},", stats.expected(), stats.present)),
        "{csv}"
    );
}

#[test]
fn the_classification_of_a_ward() {
    // Hồng Gai's 2025: its fourteen branches good or better against 85%, its members by
    // grade, and each branch's grade and score — from the tree with X.
    in_every_size("grades_hong_gai", |app| {
        app.update(Msg::JumpTo(org("QN.HL.HG")));
        press(app, "X");
    });
}

#[test]
fn the_classification_screen_says_what_the_report_says() {
    // From the dashboard, X shows the same organisations and share as `chibo report
    // classification`; `[` goes a year back and `]` up to this year, which may be graded
    // before it ends, and no further.
    let mut app = app(Lang::En, 120, 40);
    dashboard_of(&mut app, "QN.HL.HG");
    press(&mut app, "X");
    let screen = screen_text(&app, 120, 40);
    let reader = DEMO.1.read().unwrap();
    let id = reader.org_id("QN.HL.HG").unwrap().unwrap();
    let report = reader.classification_report(id, 2025).unwrap();
    let tally = report.tally.unwrap().counts;
    let share = format!(
        "Branches good or better: {}/{}",
        tally.good_or_better(),
        tally.graded()
    );
    assert!(
        screen.contains("Classification 2025 — Đảng ủy phường Hồng Gai"),
        "{screen}"
    );
    assert!(screen.contains(&share), "{share}\n{screen}");
    for (org, _) in &report.rows {
        assert!(screen.contains(&org.code), "{}\n{screen}", org.code);
    }
    press(&mut app, "] ]");
    assert!(screen_text(&app, 120, 40).contains("Classification 2026"));
    press(&mut app, "[ [");
    assert!(screen_text(&app, 120, 40).contains("Classification 2024"));
    press(&mut app, "esc");
    assert!(!screen_text(&app, 120, 40).contains("Classification"));
}

#[test]
fn the_tree_counts_members_and_exempt_as_the_dashboard_does() {
    // Hồng Gai's members at the end of November by their status then: a temporary
    // exemption that ended in March and a member transferred out are not exempt, though
    // their latest recorded status still says so.
    let mut app = app(Lang::Vi, 120, 40);
    app.update(Msg::JumpTo(org("QN.HL.HG")));
    let screen = screen_text(&app, 120, 40);
    let row = screen
        .lines()
        .find(|l| l.contains("Đảng ủy phường Hồng Gai") && l.contains('▸'))
        .unwrap_or_else(|| panic!("{screen}"));
    let reader = DEMO.1.read().unwrap();
    let id = reader.org_id("QN.HL.HG").unwrap().unwrap();
    let stats = reader.month_stats(id, ym(2026, 11)).unwrap();
    let exempt = stats.members_with(chibo::domain::MemberStatus::Exempt)
        + stats.members_with(chibo::domain::MemberStatus::TemporarilyExempt);
    assert_eq!(exempt, 62);
    assert!(row.contains(" 505 ") && row.contains(" 62┃"), "{row}");
}
