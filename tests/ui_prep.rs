//! Preparing a branch's coming meeting from the meetings screen, on a copy of the demo
//! database as of 23 November 2026: `n` fills in December's plan, `a` attaches a document
//! (one over 10 MB is refused and nothing is written), `s` sends the plan after a question —
//! three days after its deadline of 20 November, so the committee above sees it late — and
//! `X` takes the document off again. The
//! screens are compared with `tests/snapshots/`, the store is read back.

mod common;

use common::*;

use chibo::domain::Lang;
use chibo::domain::YearMonth;
use chibo::domain::prep::Timeliness;
use chibo::ui::{App, Msg};
use chrono::NaiveDate;

fn ym(year: i32, month: u32) -> YearMonth {
    YearMonth::new(year, month).unwrap()
}

/// The meetings of Quarter 2 with December's plan form open over them.
fn prepare_quarter_2(app: &mut App) {
    app.update(Msg::JumpTo(org("QN.HL.HG.K2")));
    press(app, "c n");
}

/// Types the plan over what the demo had planned for December.
fn fill_in_the_plan(app: &mut App) {
    for (i, text) in [
        "19:30",
        "21:15",
        "Nhà văn hóa khu 2",
        "Kiểm điểm công tác năm 2026",
        "Báo cáo kiểm điểm năm",
        "Phương hướng năm 2027",
    ]
    .into_iter()
    .enumerate()
    {
        if i > 0 {
            press(app, "tab");
        }
        press(app, "ctrl-u");
        type_text(app, text);
    }
    press(app, "tab tab");
    // The drafter: the first member of the branch in name order.
    press(app, "right");
}

/// The agenda is as long as it needs: each item typed opens the next row.
#[test]
fn an_agenda_of_seven_items_is_kept_whole() {
    let (_dir, mut app) = app_on_copy(Lang::En, 100, 40);
    prepare_quarter_2(&mut app);
    // From the start time: end, place, topic, then the agenda.
    press(&mut app, "tab tab tab");
    let items: Vec<String> = (1..=7).map(|n| format!("Nội dung {n}")).collect();
    for item in &items {
        press(&mut app, "tab ctrl-u");
        type_text(&mut app, item);
    }
    press(&mut app, "enter");
    assert_eq!(december_plan(&app).agenda, items);
}

fn december_plan(app: &App) -> chibo::domain::Meeting {
    let reader = app.store().read().unwrap();
    let branch = reader.org_id("QN.HL.HG.K2").unwrap().unwrap();
    reader
        .month_plan(branch, ym(2026, 12))
        .unwrap()
        .expect("December is planned")
}

#[test]
fn the_preparation_form_in_both_languages() {
    for (lang, tag) in LANGS {
        let mut app = app(lang, 80, 24);
        prepare_quarter_2(&mut app);
        insta::assert_snapshot!(
            format!("prepare_form_{tag}_80x24"),
            screen_text(&app, 80, 24)
        );
        fill_in_the_plan(&mut app);
        insta::assert_snapshot!(
            format!("prepare_form_filled_{tag}_80x24"),
            screen_text(&app, 80, 24)
        );
    }
}

#[test]
fn a_plan_is_made_documents_attached_and_sent_late() {
    let (dir, mut app) = app_on_copy(Lang::Vi, 100, 40);
    prepare_quarter_2(&mut app);
    fill_in_the_plan(&mut app);
    press(&mut app, "enter");
    let plan = december_plan(&app);
    assert_eq!(plan.place.as_deref(), Some("Nhà văn hóa khu 2"));
    assert_eq!(plan.topic.as_deref(), Some("Kiểm điểm công tác năm 2026"));
    assert_eq!(
        plan.agenda,
        ["Báo cáo kiểm điểm năm", "Phương hướng năm 2027"]
    );
    assert!(plan.drafter.is_some());
    assert_eq!(plan.sent_at, None);

    // A document over 10 MB is refused from its size, and nothing is attached.
    let big = dir.path().join("ảnh.pdf");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(10 * 1024 * 1024 + 1)
        .unwrap();
    press(&mut app, "a");
    type_text(&mut app, &big.display().to_string());
    press(&mut app, "enter");
    let shown = screen_text(&app, 100, 40);
    assert!(shown.contains("vượt quá giới hạn 10 MB"), "{shown}");
    press(&mut app, "esc");
    assert!(december_plan(&app).documents.is_empty());

    // A Markdown draft resolution is kept as text.
    let draft = dir.path().join("du-thao.md");
    std::fs::write(
        &draft,
        "# Dự thảo nghị quyết tháng 12\n\n1. Hoàn thành kiểm điểm.\n",
    )
    .unwrap();
    press(&mut app, "a");
    type_text(&mut app, &draft.display().to_string());
    press(&mut app, "tab");
    type_text(&mut app, "Dự thảo nghị quyết");
    press(&mut app, "enter");
    let plan = december_plan(&app);
    assert_eq!(plan.documents.len(), 1, "{:?}", app.status());
    let (info, body) = app
        .store()
        .read()
        .unwrap()
        .document(plan.id, 1)
        .unwrap()
        .unwrap();
    // The name given keeps the file's extension, so a saved copy still opens.
    assert_eq!(info.name, "Dự thảo nghị quyết.md");
    assert_eq!(
        body,
        chibo::domain::DocumentBody::Markdown(std::fs::read_to_string(&draft).unwrap())
    );

    // Sending asks first; "no" sends nothing, "yes" records the time.
    press(&mut app, "s n");
    assert_eq!(december_plan(&app).sent_at, None);
    press(&mut app, "s y");
    let sent = NaiveDate::from_ymd_opt(2026, 11, 23)
        .unwrap()
        .and_hms_opt(21, 30, 0)
        .unwrap();
    assert_eq!(december_plan(&app).sent_at, Some(sent));
    insta::assert_snapshot!("prepared_plan_sent_vi_100x40", screen_text(&app, 100, 40));

    // The ward sees Quarter 2's plan sent late, the others missing.
    let reader = app.store().read().unwrap();
    let ward = reader.org_id("QN.HL.HG").unwrap().unwrap();
    let rows = reader
        .branch_statuses(ward, ym(2026, 12), today(), &Default::default())
        .unwrap();
    let k2 = rows
        .iter()
        .find(|r| r.branch.code == "QN.HL.HG.K2")
        .unwrap();
    assert!(matches!(
        k2.kept.unwrap().plan,
        Timeliness::Late { at, .. } if at == sent
    ));
    drop(reader);
    app.update(Msg::JumpTo(org("QN.HL.HG")));
    press(&mut app, "c ] j j j j");
    insta::assert_snapshot!(
        "branch_status_december_vi_100x40",
        screen_text(&app, 100, 40)
    );
    // Sending again is refused with the time it was sent.
    app.update(Msg::JumpTo(org("QN.HL.HG.K2")));
    press(&mut app, "c ] s");
    let shown = screen_text(&app, 100, 40);
    assert!(
        shown.contains("đã được gửi lúc 21:30 23/11/2026"),
        "{shown}"
    );
}

/// `w` writes the draft resolution in chibo: a new Markdown document headed for the month,
/// saved into the plan with `Ctrl-S`; `w` again opens it to go on with it, and saving
/// replaces it. `Esc` over unsaved text asks for a second `Esc`; a paste loses its
/// escape sequences.
#[test]
fn a_draft_resolution_is_written_in_chibo_and_saved_into_the_plan() {
    let (_dir, mut app) = app_on_copy(Lang::Vi, 100, 30);
    prepare_quarter_2(&mut app);
    fill_in_the_plan(&mut app);
    press(&mut app, "enter");
    press(&mut app, "w");
    type_text(
        &mut app,
        "1. Hoàn thành kiểm điểm, đánh giá, xếp loại năm 2026.",
    );
    press(&mut app, "enter");
    app.update(Msg::Paste("2. Chuẩn bị Đại hội.\u{1b}[2J\r\n".into()));
    insta::assert_snapshot!("document_editor_vi_100x30", screen_text(&app, 100, 30));

    // One Esc over unsaved text only warns; nothing is written yet.
    press(&mut app, "esc");
    assert_eq!(app.context(), chibo::ui::keymap::Context::Document);
    assert!(screen_text(&app, 100, 30).contains("Tài liệu chưa lưu"));
    assert!(december_plan(&app).documents.is_empty());

    press(&mut app, "ctrl-s");
    assert_eq!(app.context(), chibo::ui::keymap::Context::Meetings);
    let written = concat!(
        "# Dự thảo Nghị quyết Chi bộ khu 2 tháng 12/2026\n\n",
        "1. Hoàn thành kiểm điểm, đánh giá, xếp loại năm 2026.\n",
        "2. Chuẩn bị Đại hội.[2J\n",
    );
    let document = |app: &App| {
        let plan = december_plan(app);
        assert_eq!(plan.documents.len(), 1, "{:?}", plan.documents);
        let no = plan.documents[0].no;
        app.store()
            .read()
            .unwrap()
            .document(plan.id, no)
            .unwrap()
            .unwrap()
    };
    let (info, body) = document(&app);
    assert_eq!(info.name, "Dự thảo nghị quyết tháng 12-2026.md");
    assert_eq!(body, chibo::domain::DocumentBody::Markdown(written.into()));

    // Opened again, it goes on from the end of what was saved.
    press(&mut app, "w");
    type_text(&mut app, "3. Phát triển đảng viên mới.");
    press(&mut app, "ctrl-s");
    let (_, body) = document(&app);
    assert_eq!(
        body,
        chibo::domain::DocumentBody::Markdown(format!("{written}3. Phát triển đảng viên mới."))
    );
    // Unchanged, one Esc closes.
    press(&mut app, "w esc");
    assert_eq!(app.context(), chibo::ui::keymap::Context::Meetings);
    // Ctrl-U clears the name to type another, as in any field; under another name it is
    // another document, and the one opened stays as it was.
    press(&mut app, "w tab ctrl-u");
    type_text(&mut app, "Nghị quyết chi bộ");
    press(&mut app, "ctrl-s");
    let names: Vec<String> = december_plan(&app)
        .documents
        .iter()
        .map(|d| d.name.clone())
        .collect();
    assert_eq!(
        names,
        [
            "Dự thảo nghị quyết tháng 12-2026.md",
            "Nghị quyết chi bộ.md"
        ]
    );
    // F2 goes through the plan's documents, then a new one; unsaved text is asked about.
    press(&mut app, "w");
    assert!(screen_text(&app, 100, 30).contains("(1/3)"));
    press(&mut app, "f2");
    let shown = screen_text(&app, 100, 30);
    assert!(
        shown.contains("(2/3)") && shown.contains("Nghị quyết chi bộ.md"),
        "{shown}"
    );
    press(&mut app, "f2");
    let shown = screen_text(&app, 100, 30);
    assert!(shown.contains("(3/3)"), "{shown}");
    // A new document is never named as one the plan has.
    assert!(
        shown.contains("Dự thảo nghị quyết tháng 12-2026 (2).md"),
        "{shown}"
    );
    type_text(&mut app, "x");
    press(&mut app, "f2");
    assert!(screen_text(&app, 100, 30).contains("(3/3)"));
    assert!(screen_text(&app, 100, 30).contains("Tài liệu chưa lưu"));
    press(&mut app, "f2");
    assert!(screen_text(&app, 100, 30).contains("(1/3)"));
    press(&mut app, "esc");
    assert_eq!(december_plan(&app).documents.len(), 2);
}

/// On a branch whose plan already carries a Markdown draft (the demo's Quarter 3), `w` opens
/// that draft to go on with it, in English here.
#[test]
fn the_editor_opens_on_the_plans_draft_in_english() {
    let mut app = app(Lang::En, 100, 30);
    app.update(Msg::JumpTo(org("QN.HL.HG.K3")));
    press(&mut app, "c w");
    assert_eq!(app.context(), chibo::ui::keymap::Context::Document);
    insta::assert_snapshot!("document_editor_en_100x30", screen_text(&app, 100, 30));
}

#[test]
fn over_ssh_a_document_is_picked_from_the_inbox_and_no_path_is_taken() {
    let (_dir, mut app, space) = app_on_copy_over_ssh(Lang::Vi, 100, 40);
    prepare_quarter_2(&mut app);
    fill_in_the_plan(&mut app);
    press(&mut app, "enter");

    // Nothing uploaded yet: the form does not open, and says how to upload.
    press(&mut app, "a");
    let said = app.status().unwrap().text.clone();
    assert!(said.contains("inbox/") && said.contains("sftp"), "{said}");

    for (name, text) in [("bao cao.md", "# Báo cáo"), ("du thao.md", "# Dự thảo")] {
        let mut upload = space.upload(name).unwrap();
        upload.write_at(0, text.as_bytes()).unwrap();
        upload.finish().unwrap();
        // Newest first: the second file is offered first.
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    press(&mut app, "a");
    let shown = screen_text(&app, 100, 40);
    assert!(shown.contains("du thao.md"), "{shown}");
    assert!(
        !shown.contains("đường dẫn"),
        "no path is asked for: {shown}"
    );
    // Typing a server path goes nowhere: the file is a choice, not a text.
    type_text(&mut app, "/etc/hostname");
    press(&mut app, "right enter");
    let plan = december_plan(&app);
    assert_eq!(plan.documents.len(), 1, "{:?}", app.status());
    assert_eq!(plan.documents[0].name, "bao cao.md");
    let (_, body) = app
        .store()
        .read()
        .unwrap()
        .document(plan.id, plan.documents[0].no)
        .unwrap()
        .unwrap();
    assert_eq!(
        body,
        chibo::domain::DocumentBody::Markdown("# Báo cáo".into())
    );
}
