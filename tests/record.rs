//! A meeting's record driven by keys, with the store read back after: every mark is
//! written at once, typing is autosaved as a draft and offered back after a crash,
//! approved minutes refuse every change, and an amendment keeps its author and time.

mod common;

use std::time::{Duration, Instant};

use common::*;

use chibo::domain::{Mark, MeetingId, MinutesText, Section};
use chibo::ui::{App, Context, Msg};

/// Quarter 2's regular meeting of `back` months before November opened on its roll.
fn open_record(app: &mut App, back: usize) -> MeetingId {
    app.update(Msg::JumpTo(org("QN.HL.HG.K2")));
    press(app, "c");
    for _ in 0..back {
        press(app, "[");
    }
    press(app, "enter");
    app.record().expect("the record is open").meeting.id
}

fn stored(app: &App, id: MeetingId) -> chibo::domain::Meeting {
    app.store().read().unwrap().meeting(id).unwrap().unwrap()
}

#[test]
fn marks_are_written_at_once_and_the_cursor_moves_on() {
    let (_dir, mut app) = app_on_copy(chibo::domain::Lang::En, 80, 24);
    let id = open_record(&mut app, 0);
    assert!(stored(&app, id).attendance.is_empty());
    press(&mut app, "p a");
    let entries = app.record().unwrap().roll.entries.clone();
    let meeting = stored(&app, id);
    assert!(
        meeting
            .attendance
            .contains(&(entries[0].member, Mark::Present))
    );
    assert!(
        meeting
            .attendance
            .contains(&(entries[1].member, Mark::Absent))
    );
    assert_eq!(app.record().unwrap().roll_cursor(), 2);
    // `u` takes a mark away again.
    press(&mut app, "k u");
    let meeting = stored(&app, id);
    assert!(
        !meeting
            .attendance
            .iter()
            .any(|(m, _)| *m == entries[1].member)
    );
    press(&mut app, "P");
    let counts = app.record().unwrap().roll.counts();
    assert_eq!((counts.unmarked, counts.absent), (0, 0));
    assert_eq!(counts.present, counts.expected);
}

#[test]
fn typing_is_autosaved_and_offered_back_after_a_crash() {
    let (dir, mut app) = app_on_copy(chibo::domain::Lang::En, 80, 24);
    let id = open_record(&mut app, 0);
    press(&mut app, "tab tab");
    assert_eq!(app.context(), Context::Minutes);
    type_text(&mut app, "Nghị quyết 57 về đổi mới sáng tạo");
    // Nothing is saved before the autosave falls due …
    app.update(Msg::Tick(Instant::now()));
    assert!(app.store().read().unwrap().draft(id).unwrap().is_none());
    // … and the draft is in the store once it has.
    app.update(Msg::Tick(Instant::now() + Duration::from_secs(3)));
    app.settle();
    let draft = app.store().read().unwrap().draft(id).unwrap().unwrap();
    assert_eq!(draft.by, "lan");
    assert!(draft.text.contains("Nghị quyết 57 về đổi mới sáng tạo"));
    assert!(
        stored(&app, id).minutes.is_none(),
        "a draft is not the minutes"
    );
    // The process dies: a new App on the same file offers the draft back.
    drop(app);
    let mut app = reopen(&dir);
    open_record(&mut app, 0);
    assert_eq!(app.context(), Context::Confirm);
    press(&mut app, "y");
    let text = app.record().unwrap().editor.text();
    assert_eq!(
        text.section(Section::News).lines().last(),
        Some("Nghị quyết 57 về đổi mới sáng tạo")
    );
    // Leaving saves the minutes and drops the draft.
    press(&mut app, "esc");
    let saved = MinutesText::parse(&stored(&app, id).minutes.unwrap());
    assert!(saved.section(Section::News).contains("đổi mới sáng tạo"));
    assert!(app.store().read().unwrap().draft(id).unwrap().is_none());
}

fn reopen(dir: &tempfile::TempDir) -> App {
    let store = chibo::store::Store::open(&dir.path().join("demo.redb")).unwrap();
    let mut options =
        chibo::ui::Options::new(chibo::domain::Lang::En, chibo::clock::Clock::on(today()));
    options.actor = "lan".into();
    let mut app = App::new(store, options);
    app.update(Msg::Resize {
        width: 80,
        height: 24,
    });
    app
}

#[test]
fn declining_the_draft_keeps_the_saved_minutes() {
    let (dir, mut app) = app_on_copy(chibo::domain::Lang::En, 80, 24);
    let id = open_record(&mut app, 0);
    press(&mut app, "tab");
    type_text(&mut app, "x");
    app.update(Msg::Tick(Instant::now() + Duration::from_secs(3)));
    drop(app);
    let mut app = reopen(&dir);
    open_record(&mut app, 0);
    // No is not yet discarding: it asks again, naming the draft's author.
    press(&mut app, "n");
    assert!(app.store().read().unwrap().draft(id).unwrap().is_some());
    let asked = screen_text(&app, 80, 24);
    assert!(asked.contains("Discard the draft by lan"), "{asked}");
    press(&mut app, "y");
    assert!(app.store().read().unwrap().draft(id).unwrap().is_none());
    assert!(!app.record().unwrap().editor.changed);
    assert!(stored(&app, id).minutes.is_none());
}

/// Esc or no at the second question keeps the draft and resumes it: nothing typed goes
/// without two answers that say so.
#[test]
fn no_to_discarding_resumes_the_draft() {
    let (dir, mut app) = app_on_copy(chibo::domain::Lang::Vi, 80, 24);
    let id = open_record(&mut app, 0);
    press(&mut app, "tab");
    type_text(&mut app, "giữ lấy dòng này");
    app.update(Msg::Tick(Instant::now() + Duration::from_secs(3)));
    drop(app);
    let mut app = reopen(&dir);
    open_record(&mut app, 0);
    let asked = screen_text(&app, 80, 24);
    assert!(asked.contains("Press n to discard it"), "{asked}");
    press(&mut app, "esc esc");
    assert!(app.store().read().unwrap().draft(id).unwrap().is_some());
    let text = app.record().unwrap().editor.text().to_text();
    assert!(text.contains("giữ lấy dòng này"), "{text}");
}

#[test]
fn approval_locks_the_minutes_and_the_roll() {
    let (_dir, mut app) = app_on_copy(chibo::domain::Lang::En, 80, 24);
    let id = open_record(&mut app, 0);
    press(&mut app, "P tab tab");
    type_text(&mut app, "x");
    press(&mut app, "f9");
    assert_eq!(app.context(), Context::Form);
    // The chair and secretary recorded with the facts are offered; another secretary is
    // typed over the one offered.
    press(&mut app, "tab ctrl-u");
    type_text(&mut app, "Nguyễn Văn Nghĩa");
    // It cannot be undone: Enter alone does not approve; the word is typed.
    press(&mut app, "enter");
    assert_eq!(app.context(), Context::Form);
    assert!(stored(&app, id).approval.is_none());
    assert!(
        app.status()
            .unwrap()
            .text
            .contains("Type “approve” to confirm")
    );
    // The refusal put the cursor in the field to type it in.
    type_text(&mut app, "approve");
    press(&mut app, "enter");
    let meeting = stored(&app, id);
    let approval = meeting.approval.clone().expect("approved");
    assert_eq!(approval.by.as_deref(), Some("lan"));
    assert_eq!(approval.secretary.as_deref(), Some("Nguyễn Văn Nghĩa"));
    assert!(approval.chair.unwrap().contains("Phạm Ngọc Đường"));
    assert_eq!(approval.at.unwrap().date(), today());

    // Typing into approved minutes is refused and changes nothing; so are their facts.
    type_text(&mut app, "y");
    assert!(app.status().unwrap().text.contains("approved"));
    for key in ["f3", "f4"] {
        press(&mut app, key);
        assert_eq!(app.context(), Context::Minutes, "{key}");
        assert!(app.status().unwrap().text.contains("approved"), "{key}");
    }
    assert_eq!(stored(&app, id).minutes, meeting.minutes);
    // Nor can the roll change.
    press(&mut app, "backtab backtab");
    assert_eq!(app.context(), Context::Roll);
    press(&mut app, "u");
    assert!(app.status().unwrap().text.contains("approved"));
    assert_eq!(stored(&app, id).attendance, meeting.attendance);
}

#[test]
fn an_amendment_keeps_its_author_and_time() {
    let (_dir, mut app) = app_on_copy(chibo::domain::Lang::En, 80, 24);
    let id = open_record(&mut app, 1);
    assert!(stored(&app, id).is_approved());
    let before = stored(&app, id);
    // Amendments are for approved minutes only; these are.
    press(&mut app, "f7");
    type_text(&mut app, "Section IV: dues by 30/10");
    press(&mut app, "enter");
    let after = stored(&app, id);
    assert_eq!(after.amendments.len(), 1);
    let amendment = &after.amendments[0];
    assert_eq!(amendment.by, "lan");
    assert_eq!(amendment.text, "Section IV: dues by 30/10");
    assert_eq!(amendment.at.date(), today());
    assert_eq!(
        after.minutes, before.minutes,
        "the minutes stay as approved"
    );
}

#[test]
fn amending_unapproved_minutes_is_refused() {
    let (_dir, mut app) = app_on_copy(chibo::domain::Lang::En, 80, 24);
    let id = open_record(&mut app, 0);
    press(&mut app, "f7");
    assert!(app.status().unwrap().text.contains("not approved"));
    assert!(stored(&app, id).amendments.is_empty());
}

#[test]
fn f6_writes_the_minutes_as_documents_into_the_export_folder() {
    let (dir, mut app) = app_on_copy(chibo::domain::Lang::En, 80, 24);
    open_record(&mut app, 1);
    press(&mut app, "f6");
    let status = app.status().unwrap().text.clone();
    assert!(status.starts_with("Minutes exported"), "{status}");
    let stem = "QN.HL.HG.K2-2026-10-05-regular";
    let markdown = std::fs::read_to_string(dir.path().join(format!("{stem}.md"))).unwrap();
    assert!(markdown.contains("BIÊN BẢN SINH HOẠT CHI BỘ"), "{markdown}");
    assert!(markdown.contains("CHI BỘ KHU 2"), "{markdown}");
    let docx = std::fs::read(dir.path().join(format!("{stem}.docx"))).unwrap();
    assert!(docx.starts_with(b"PK"), "a .docx is a zip");
    assert!(!dir.path().join(format!("{stem}.partial")).exists());
}

#[test]
fn over_ssh_f6_puts_the_minutes_in_the_users_exports_and_nowhere_else() {
    let (dir, mut app, space) = app_on_copy_over_ssh(chibo::domain::Lang::Vi, 80, 24);
    open_record(&mut app, 1);
    press(&mut app, "f6");
    let status = app.status().unwrap().text.clone();
    let stem = "QN.HL.HG.K2-2026-10-05-regular";
    assert!(status.contains(&format!("exports/{stem}.docx")), "{status}");
    assert!(
        !status.contains(&dir.path().display().to_string()),
        "{status}"
    );
    let exports = chibo::io::space::Area::Exports;
    let markdown = String::from_utf8(space.read(exports, &format!("{stem}.md")).unwrap()).unwrap();
    assert!(markdown.contains("BIÊN BẢN SINH HOẠT CHI BỘ"), "{markdown}");
    assert!(
        space
            .read(exports, &format!("{stem}.docx"))
            .unwrap()
            .starts_with(b"PK")
    );
    // Nothing lands in the folder the server runs in, nor beside the database.
    assert!(!std::path::Path::new(&format!("{stem}.md")).exists());
    assert!(!dir.path().join(format!("{stem}.md")).exists());
}

/// A second App on `app`'s database, signed in as "xem", a viewer of the ward.
fn viewer_beside(app: &App) -> App {
    let viewer = chibo::domain::User {
        login: "xem".into(),
        role: chibo::domain::UserRole::Viewer,
        scope: app.store().read().unwrap().org_id("QN.HL.HG").unwrap(),
        keys: vec![],
        name: None,
    };
    let mut viewer_app = App::new(
        app.store().as_user(&viewer),
        chibo::ui::Options {
            actor: "xem".into(),
            ..options(chibo::domain::Lang::En, temp_files())
        },
    );
    viewer_app.update(Msg::Resize {
        width: 80,
        height: 24,
    });
    viewer_app
}

#[test]
fn a_viewer_is_refused_a_mark_and_the_status_line_says_why() {
    let (dir, app) = app_on_copy(chibo::domain::Lang::En, 80, 24);
    let mut app = viewer_beside(&app);
    let id = open_record(&mut app, 0);
    press(&mut app, "p");
    assert!(stored(&app, id).attendance.is_empty(), "nothing written");
    let status = app.status().expect("a reason is given");
    assert!(
        status.text.contains("xem (viewer) may not change this"),
        "{}",
        status.text
    );
    drop(dir);
}

#[test]
fn open_minutes_starts_on_the_record() {
    let (_dir, mut app) = app_on_copy(chibo::domain::Lang::En, 80, 24);
    let reader = app.store().read().unwrap();
    let branch = reader.org_id("QN.HL.HG.K2").unwrap().unwrap();
    let meeting = reader.meeting_to_minute(branch, today()).unwrap().unwrap();
    drop(reader);
    app.open_minutes(meeting.id);
    assert_eq!(app.record().map(|r| r.meeting.id), Some(meeting.id));
}

#[test]
fn a_second_app_on_the_same_minutes_reads_until_the_first_lets_go() {
    let (_dir, mut first) = app_on_copy(chibo::domain::Lang::En, 80, 24);
    let mut second = App::new(
        first.store().clone(),
        chibo::ui::Options {
            actor: "hoa".into(),
            ..options(chibo::domain::Lang::En, temp_files())
        },
    );
    second.update(Msg::Resize {
        width: 80,
        height: 24,
    });
    let id = open_record(&mut first, 0);
    // The lease row is the writer's to commit: a moment later, as a second person would.
    first.store().settle();
    assert_eq!(open_record(&mut second, 0), id);
    assert!(!first.record().unwrap().editor.is_read_only());
    assert!(second.record().unwrap().editor.is_read_only());
    let status = second.status().unwrap().text.clone();
    assert!(
        status.contains("is editing these minutes: read only"),
        "{status}"
    );
    // The first leaves (its session ends): the second may edit on its next tick.
    let store = first.store().clone();
    drop(first);
    store.settle();
    second.update(Msg::Tick(Instant::now()));
    assert!(!second.record().unwrap().editor.is_read_only());
    assert_eq!(
        second.status().unwrap().text,
        "The minutes can be edited now"
    );
}

/// A viewer reads the minutes without holding them: a secretary opening them afterwards
/// may edit at once, and what the viewer types is refused for their role, not as approved.
#[test]
fn a_viewer_reading_the_minutes_keeps_nobody_out() {
    let (_dir, mut secretary) = app_on_copy(chibo::domain::Lang::En, 80, 24);
    let mut reader = viewer_beside(&secretary);
    let id = open_record(&mut reader, 0);
    assert!(reader.record().unwrap().editor.is_read_only());
    assert_eq!(open_record(&mut secretary, 0), id);
    assert!(
        !secretary.record().unwrap().editor.is_read_only(),
        "the viewer holds no lease"
    );
    // To the minutes, and a letter typed.
    press(&mut reader, "tab x");
    let status = reader.status().expect("a reason is given");
    assert!(
        status.text.contains("xem (viewer) may not change this"),
        "{}",
        status.text
    );
}

#[test]
fn f8_records_the_vote_and_says_whether_the_resolution_is_valid() {
    let (_dir, mut app) = app_on_copy(chibo::domain::Lang::Vi, 100, 40);
    let id = open_record(&mut app, 0);
    press(&mut app, "P");
    let present = stored(&app, id).present_marks();
    let quorum = app
        .store()
        .read()
        .unwrap()
        .quorum_of(&stored(&app, id))
        .unwrap();
    assert!(quorum.met(), "{quorum:?}");

    // More votes than members present are refused, and nothing is written.
    press(&mut app, "f8");
    type_text(&mut app, &(present + 1).to_string());
    press(&mut app, "enter");
    assert_eq!(stored(&app, id).vote, None);
    let shown = screen_text(&app, 100, 40);
    assert!(shown.contains("phiếu biểu quyết nhưng chỉ có"), "{shown}");
    press(&mut app, "esc");

    // Exactly half of those counted for is not a valid resolution; one more is.
    let half = quorum.counted / 2;
    for (for_votes, valid) in [(half, false), (half + 1, true)] {
        press(&mut app, "f8 ctrl-u");
        type_text(&mut app, &for_votes.to_string());
        press(&mut app, "tab ctrl-u");
        type_text(&mut app, "1");
        press(&mut app, "enter");
        let vote = stored(&app, id).vote.expect("the vote is recorded");
        assert_eq!(
            (vote.in_favour, vote.against, vote.abstaining),
            (for_votes, 1, 0)
        );
        let status = &app.status().expect("the status line says it").text;
        assert_eq!(status.contains("Nghị quyết hợp lệ"), valid, "{status}");
        assert_eq!(status.contains("không hợp lệ"), !valid, "{status}");
    }
}

#[test]
fn guests_recorded_from_the_roll_leave_the_record_open() {
    let (_dir, mut app) = app_on_copy(chibo::domain::Lang::En, 80, 24);
    let id = open_record(&mut app, 0);
    let before = stored(&app, id).guests;
    press(&mut app, "i");
    assert_eq!(app.context(), Context::Checklist);
    press(&mut app, "space enter");
    assert_ne!(stored(&app, id).guests, before, "the guests were written");
    assert_eq!(
        app.record().map(|r| r.meeting.id),
        Some(id),
        "the form wrote to the record's own meeting: the record stays"
    );
}

/// The cells of the screen's row holding `text` (the last row, the footer, when `None`)
/// that are drawn dimmed: the keys of what cannot run now.
fn dimmed_on_row(app: &App, text: Option<&str>) -> String {
    use ratatui::style::Modifier;
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    terminal.draw(|frame| app.view(frame)).unwrap();
    let buffer = terminal.backend().buffer();
    let row_text = |y: u16| (0..80).map(|x| buffer[(x, y)].symbol()).collect::<String>();
    let y = match text {
        None => 23,
        Some(text) => (0..24)
            .find(|y| row_text(*y).contains(text))
            .expect("the row"),
    };
    (0..80)
        .map(|x| &buffer[(x, y)])
        .filter(|cell| cell.modifier.contains(Modifier::DIM))
        .map(|cell| cell.symbol())
        .collect()
}

fn dimmed_in_footer(app: &App) -> String {
    dimmed_on_row(app, None)
}

/// The footer's text, the last row of an 80×24 screen.
fn footer(app: &App) -> String {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    terminal.draw(|frame| app.view(frame)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..80).map(|x| buffer[(x, 23)].symbol()).collect()
}

#[test]
fn the_footer_offers_only_what_the_record_can_do_now() {
    use chibo::ui::Action;
    let (_dir, mut app) = app_on_copy(chibo::domain::Lang::En, 80, 24);
    let enabled = |app: &App, action: Action| {
        app.commands()
            .iter()
            .find(|c| c.actions.contains(&action))
            .map(|c| c.enabled)
    };
    // November's minutes are not approved: all of the roll's keys can run.
    open_record(&mut app, 0);
    assert_eq!(enabled(&app, Action::MarkPresent), Some(true));
    assert_eq!(enabled(&app, Action::Approve), Some(true));
    assert_eq!(dimmed_in_footer(&app).trim(), "");
    press(&mut app, "esc");
    // October's are approved: no mark, no approval; on the minutes an amendment can run,
    // an undo cannot.
    press(&mut app, "[ enter");
    assert!(app.record().unwrap().meeting.is_approved());
    assert_eq!(enabled(&app, Action::MarkPresent), Some(false));
    assert_eq!(enabled(&app, Action::Approve), Some(false));
    // The footer no longer offers them: nothing there would be refused.
    assert_eq!(dimmed_in_footer(&app).trim(), "");
    let offered = footer(&app);
    assert!(
        !offered.contains("F9") && !offered.contains("present"),
        "{offered}"
    );
    assert!(offered.contains("F7"), "{offered}");
    // The help dims every key of the roll refused now, not only the footer's.
    press(&mut app, "?");
    assert!(dimmed_on_row(&app, Some("clear the mark")).contains('u'));
    assert_eq!(dimmed_on_row(&app, Some("previous section")).trim(), "");
    press(&mut app, "esc tab");
    assert_eq!(enabled(&app, Action::Amend), Some(true));
    assert_eq!(enabled(&app, Action::Undo), Some(false));
    // Approved minutes have nothing to save, nor minutes someone else holds: dimmed.
    assert_eq!(enabled(&app, Action::Save), Some(false));
    // In the minutes `q` is text: the help offers only Ctrl-c to quit.
    press(&mut app, "f1");
    let quit = help_row(&app, "quit chibo");
    assert!(quit.contains("Ctrl-c") && !quit.contains("q "), "{quit}");
    press(&mut app, "esc esc");
    press(&mut app, "f1");
    let quit = help_row(&app, "quit chibo");
    assert!(quit.contains("q ") && quit.contains("Ctrl-c"), "{quit}");
}

/// The row of the help that ends with `what`.
fn help_row(app: &App, what: &str) -> String {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 60)).unwrap();
    terminal.draw(|frame| app.view(frame)).unwrap();
    let buffer = terminal.backend().buffer();
    let row_text = |y: u16| {
        (0..100)
            .map(|x| buffer[(x, y)].symbol())
            .collect::<String>()
    };
    (0..60)
        .map(row_text)
        .find(|row| row.contains(what))
        .unwrap_or_else(|| panic!("no help row {what:?}"))
}

#[test]
fn a_meeting_held_without_a_roll_says_so_until_the_first_mark() {
    let (_dir, mut app) = app_on_copy(chibo::domain::Lang::En, 100, 30);
    app.update(Msg::JumpTo(org("QN.HL.HG.K2")));
    press(&mut app, "c");
    assert!(
        screen_text(&app, 100, 30).contains("regular, no roll-call"),
        "{}",
        screen_text(&app, 100, 30)
    );
    // One mark is a roll-call taken: back on the month, the flag is gone.
    press(&mut app, "enter p esc");
    assert!(
        !screen_text(&app, 100, 30).contains("no roll-call"),
        "{}",
        screen_text(&app, 100, 30)
    );
}

/// The header says what is still being written and, once the writer has answered, when the
/// text reached the database; a key never waits for either.
#[test]
fn the_header_says_what_is_being_written_and_when_it_was() {
    let (_dir, mut app) = app_on_copy(chibo::domain::Lang::En, 100, 30);
    open_record(&mut app, 0);
    press(&mut app, "tab");
    type_text(&mut app, "Họp đúng giờ");
    // Ctrl-s hands the minutes in; until the answer is read the header says so.
    app.update(Msg::Key(chibo::ui::KeyChord::parse("C-s").unwrap().event()));
    let waiting = screen_text(&app, 100, 30);
    assert!(waiting.contains("saving…"), "{waiting}");
    app.settle();
    let written = screen_text(&app, 100, 30);
    assert!(!written.contains("saving"), "{written}");
    assert!(written.contains("(saved "), "{written}");
    assert!(written.contains("Minutes saved"), "{written}");
}

/// A holder who types nothing for a while still renews the minutes: the record asks to be
/// woken every second while it holds them, so the lease never lapses under an idle secretary.
#[test]
fn an_idle_holder_is_woken_to_keep_the_minutes() {
    let (_dir, mut app) = app_on_copy(chibo::domain::Lang::En, 80, 24);
    open_record(&mut app, 0);
    assert!(!app.record().unwrap().editor.is_read_only());
    let wake = app.wake_at().expect("woken while holding the minutes");
    assert!(wake <= Instant::now() + Duration::from_secs(1), "{wake:?}");
}

/// `lan` registered as a chibo user with her full name, and a new App of hers on the file.
fn named_lan(dir: &tempfile::TempDir, app: App) -> App {
    let lan = chibo::domain::User {
        login: "lan".into(),
        role: chibo::domain::UserRole::Secretary,
        scope: None,
        keys: vec![],
        name: Some("Nguyễn Thị Lan".into()),
    };
    app.store().put_user(&lan).unwrap();
    drop(app);
    reopen(dir)
}

#[test]
fn approvals_and_amendments_name_the_chibo_user_with_the_login() {
    let (dir, app) = app_on_copy(chibo::domain::Lang::En, 80, 24);
    let mut app = named_lan(&dir, app);
    let id = open_record(&mut app, 0);
    press(&mut app, "P tab tab");
    type_text(&mut app, "x");
    press(&mut app, "f9 tab");
    type_text(&mut app, "Nguyễn Văn Nghĩa");
    press(&mut app, "enter");
    type_text(&mut app, "approve");
    press(&mut app, "enter");
    let approval = stored(&app, id).approval.expect("approved");
    assert_eq!(approval.by.as_deref(), Some("Nguyễn Thị Lan (lan)"));
    let shown = screen_text(&app, 140, 24);
    assert!(shown.contains("by Nguyễn Thị Lan (lan)"), "{shown}");
    press(&mut app, "esc");

    let id = open_record(&mut app, 1);
    press(&mut app, "f7");
    type_text(&mut app, "Section IV: dues by 30/10");
    press(&mut app, "enter");
    let amendment = stored(&app, id).amendments.pop().expect("amended");
    assert_eq!(amendment.by, "Nguyễn Thị Lan (lan)");
    press(&mut app, "backtab");
    let shown = screen_text(&app, 80, 24);
    assert!(shown.contains("Nguyễn Thị Lan (lan)"), "{shown}");
}

#[test]
fn a_reason_typed_while_an_earlier_mark_is_answered_still_moves_the_cursor_on() {
    use chibo::ui::KeyChord;
    let (_dir, mut app) = app_on_copy(chibo::domain::Lang::En, 80, 24);
    let id = open_record(&mut app, 0);
    let first_expected = app
        .record()
        .unwrap()
        .roll
        .entries
        .iter()
        .position(|e| e.is_expected())
        .unwrap();
    for _ in 0..first_expected {
        press(&mut app, "j");
    }
    // `p` and at once `e`: the answer to the mark comes while the reason is asked.
    app.update(Msg::Key(KeyChord::parse("p").unwrap().event()));
    press(&mut app, "e");
    assert_eq!(app.context(), Context::Form);
    type_text(&mut app, "ốm");
    press(&mut app, "enter");
    let record = app.record().unwrap();
    let excused = record.roll_cursor() - 1;
    assert_eq!(record.roll.entries[excused].mark, Some(Mark::Excused));
    // The next key marks the next member, not the one just excused.
    press(&mut app, "a");
    let meeting = stored(&app, id);
    let member = app.record().unwrap().roll.entries[excused].member;
    assert!(meeting.attendance.contains(&(member, Mark::Excused)));
}

#[test]
fn coming_back_to_a_name_the_letters_typed_start_a_new_search() {
    let (_dir, mut app) = app_on_copy(chibo::domain::Lang::En, 100, 30);
    let id = open_record(&mut app, 0);
    press(&mut app, "f3 tab tab tab");
    type_text(&mut app, "b hau");
    press(&mut app, "tab backtab");
    type_text(&mut app, "tran thi hau");
    press(&mut app, "enter");
    assert_eq!(app.context(), Context::Roll, "{:?}", app.status());
    assert_eq!(stored(&app, id).chair.as_deref(), Some("Trần Thị Hậu"));
}
