//! `chibo export minutes`: a meeting's minutes as the official document, in Markdown and as a
//! .docx that a real office program opens (LibreOffice, from Debian's packages, converts it
//! to PDF and poppler's pdftotext reads the text back), on a database imported from JSON
//! Lines by the real binary.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::programs::{find_program, required, run};

use chibo::domain::Section;
use chibo::domain::YearMonth;
use chibo::domain::date::parse_iso;
use chibo::store::Store;

fn ym(year: i32, month: u32) -> YearMonth {
    YearMonth::new(year, month).unwrap()
}

/// A ward and its branch: six members on the roll (one exempt, one probationary), a guest
/// from another branch, November's regular meeting held, approved and amended, with
/// minutes that hold Markdown; October's held but not approved; a thematic meeting later in
/// November; December's regular meeting planned.
const DATA: &str = r###"{"type":"org","code":"QN","name":"Tỉnh ủy Quảng Ninh","kind":"provincial_committee","meeting_rule":{"day":7}}
{"type":"org","code":"QN.HG","name":"Đảng ủy phường Hồng Gai","kind":"grassroots_committee","parent":"QN"}
{"type":"org","code":"QN.HG.K2","name":"Chi bộ khu 2","kind":"branch","parent":"QN.HG"}
{"type":"org","code":"QN.HG.UB","name":"Chi bộ Ủy ban nhân dân phường","kind":"branch","parent":"QN.HG"}
{"type":"member","card":"48120001","name":"Hoàng Anh","org":"QN.HG.UB"}
{"type":"member","card":"48123456","name":"Phạm Ngọc Đường","admitted":"1984-05-19","full_member":"1985-05-19","org":"QN.HG.K2"}
{"type":"member","card":"48123457","name":"Ngô Thị Lan","admitted":"2001-01-01","full_member":"2002-01-01","org":"QN.HG.K2"}
{"type":"member","card":"48123458","name":"Trần Văn An","admitted":"1960-01-01","full_member":"1961-01-01","org":"QN.HG.K2"}
{"type":"member_status","card":"48123458","status":"exempt","from":"2024-01-01","reason":"tuổi cao"}
{"type":"member","card":"48123459","name":"Lê Thị Bình","admitted":"2010-01-01","full_member":"2011-01-01","org":"QN.HG.K2"}
{"type":"member","card":"48123460","name":"Đỗ Văn Giang","admitted":"2015-01-01","full_member":"2016-01-01","org":"QN.HG.K2"}
{"type":"member","card":"48123461","name":"Hồ Thị Em","admitted":"2026-03-01","org":"QN.HG.K2"}
{"type":"meeting","org":"QN.HG.K2","kind":"regular","date":"2026-10-07","time":"19:30","place":"Nhà văn hóa khu 2","attendance":{"48123456":"present","48123457":"present","48123459":"present","48123460":"present","48123461":"present"},"minutes":"## II. Thông tin thời sự, văn bản chỉ đạo của cấp trên\nNghị quyết tháng 10.\n"}
{"type":"meeting","org":"QN.HG.K2","kind":"regular","date":"2026-11-07","time":"19:30","end_time":"21:15","place":"Nhà văn hóa khu 2","attendance":{"48123456":"present","48123457":"present","48123458":"exempt","48123459":"excused","48123460":"absent","48123461":"present"},"excuses":{"48123459":"đi công tác"},"guests":["48120001"],"minutes":"## I. Thời gian, địa điểm, chủ trì, thư ký\nThời gian: 19:30, ngày 07/11/2026\nĐịa điểm: Nhà văn hóa khu 2\nChủ trì: đồng chí Phạm Ngọc Đường\nThư ký: đồng chí Ngô Thị Lan\n## II. Thông tin thời sự, văn bản chỉ đạo của cấp trên\nQuán triệt Chỉ thị 50-CT/TW.\n# không phải tiêu đề\n## IV. Nhiệm vụ tháng tới\n- Ai: Lan — Việc: thu *đảng phí* — Hạn: 30/11\n## VII. Nghị quyết và biểu quyết\nBiểu quyết: 3 tán thành, 0 không tán thành.\n","approved":true,"approval":{"at":"2026-11-07T21:20","by":"lan","chair":"Phạm Ngọc Đường","secretary":"Ngô Thị Lan"},"amendments":[{"at":"2026-11-09T08:00","by":"lan","text":"Sửa: đồng chí Giang vắng có báo sau."}]}
{"type":"meeting","org":"QN.HG.K2","kind":"thematic","date":"2026-11-20","topic":"Học tập và làm theo tư tưởng Hồ Chí Minh","attendance":{"48123456":"present"}}
{"type":"meeting","org":"QN.HG.K2","kind":"regular","date":"2026-12-07","state":"planned"}
"###;

const TITLE: &str = "BIÊN BẢN SINH HOẠT CHI BỘ";

use common::{Imported as Setup, chibo, text};

fn setup() -> Setup {
    common::imported(DATA)
}

fn export(db: &Path, args: &[&str]) -> Output {
    chibo(db)
        .args(["export", "minutes"])
        .args(args)
        .output()
        .unwrap()
}

/// The Markdown minutes of the branch's meeting on `date`.
fn markdown(db: &Path, date: &str, extra: &[&str]) -> String {
    let out = export(
        db,
        &[&["--org", "QN.HG.K2", "--date", date], extra].concat(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// Writes minutes straight through the store: what an editor could have saved, control
/// characters and a bidirectional override included, which no import would let in.
fn save_october_minutes(db: &Path, minutes: &str) {
    let store = Store::open(db).unwrap();
    store
        .write(|w| {
            let k2 = w.org_id("QN.HG.K2")?.unwrap();
            let october = w.meetings_in_month(k2, ym(2026, 10))?.remove(0);
            let at = parse_iso("2026-10-07")
                .unwrap()
                .and_hms_opt(21, 0, 0)
                .unwrap();
            w.save_minutes(october.id, minutes.to_string(), at)
        })
        .unwrap();
}

#[test]
fn approved_minutes_in_markdown_have_the_whole_official_form() {
    let setup = setup();
    let md = markdown(&setup.db, "2026-11-07", &[]);
    // The header's two columns, then the title and the month.
    assert!(
        md.starts_with(
            "| ĐẢNG BỘ PHƯỜNG HỒNG GAI | **ĐẢNG CỘNG SẢN VIỆT NAM** |\n\
             | :---: | :---: |\n\
             | **CHI BỘ KHU 2** | *Hồng Gai, ngày 07 tháng 11 năm 2026* |\n\
             | \\* |  |\n\n\
             # BIÊN BẢN SINH HOẠT CHI BỘ\n\n\
             **Tháng 11 năm 2026**\n\n"
        ),
        "{md}"
    );
    // Every section of the form, in its order, the empty ones too.
    let mut at = 0;
    for section in Section::ALL {
        let heading = format!("\n## {}\n", section.heading());
        let found = md[at..].find(&heading);
        assert!(
            found.is_some(),
            "{heading:?} missing or out of order:\n{md}"
        );
        at += found.unwrap() + heading.len();
    }
    // The roll: counts without the exempt member, who is away and why, the guest.
    for line in [
        "**Thành phần dự họp:**",
        "- Tổng số đảng viên: 6 (chính thức: 5, dự bị: 1)",
        "- Miễn sinh hoạt: 1 (Trần Văn An)",
        "- Đảng viên phải dự: 5",
        "- Có mặt: 3/5, đạt 60%",
        "- Vắng có lý do: 1 (Lê Thị Bình — đi công tác)",
        "- Vắng không có lý do: 1 (Đỗ Văn Giang)",
        "- Đại biểu cấp trên dự: Hoàng Anh",
    ] {
        assert!(md.contains(&format!("{line}\n")), "{line:?} missing:\n{md}");
    }
    // What was written is text: a line starting with # is no heading, stars are no emphasis,
    // and a list the secretary wrote stays a list.
    assert!(md.contains("\n\\# không phải tiêu đề\n"), "{md}");
    assert!(md.contains("\n- Ai: Lan — Việc: thu \\*đảng phí\\* — Hạn: 30/11\n"));
    assert!(md.contains("\nQuán triệt Chỉ thị 50-CT/TW.\n"));
    // The amendment below the minutes, dated and signed.
    assert!(md.contains(
        "## Đính chính sau khi biên bản được duyệt\n\n\
         **Ngày 09/11/2026, 08:00 — lan:**\n\n\
         Sửa: đồng chí Giang vắng có báo sau.\n"
    ));
    // Approved: no draft mark, and the signatures name the secretary and the chair.
    assert!(!md.contains("DỰ THẢO"));
    assert!(md.ends_with(
        "| **THƯ KÝ** | **CHỦ TRÌ** |\n\
         | :---: | :---: |\n\
         | *(Ký, ghi rõ họ tên)* | *(Ký, ghi rõ họ tên)* |\n\
         | **Ngô Thị Lan** | **Phạm Ngọc Đường** |\n\n"
    ));
    // The same document by the meeting's id, and written to a file with --output.
    let store = Store::open(&setup.db).unwrap();
    let reader = store.read().unwrap();
    let k2 = reader.org_id("QN.HG.K2").unwrap().unwrap();
    let id = reader.meetings_in_month(k2, ym(2026, 11)).unwrap()[0].id;
    drop((reader, store));
    let by_id = export(&setup.db, &["--meeting", &id.0.to_string()]);
    assert_eq!(text(&by_id.stdout), md);
    let file = setup.dir.path().join("k2.md");
    let written = export(
        &setup.db,
        &["--org", "QN.HG.K2", "--date", "2026-11-07", "--output"],
    );
    assert_eq!(written.status.code(), Some(2), "--output needs a file");
    let written = chibo(&setup.db)
        .args([
            "export",
            "minutes",
            "--org",
            "QN.HG.K2",
            "--date",
            "2026-11-07",
        ])
        .arg("--output")
        .arg(&file)
        .output()
        .unwrap();
    assert!(written.status.success() && written.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), md);
}

#[test]
fn minutes_not_yet_approved_are_a_draft_with_lines_to_sign_on() {
    let setup = setup();
    let md = markdown(&setup.db, "2026-10-07", &[]);
    assert!(
        md.starts_with("**DỰ THẢO**\n\n| ĐẢNG BỘ PHƯỜNG HỒNG GAI |"),
        "{md}"
    );
    // The meeting's own time and place stand there; what is not recorded is a line of dots
    // to fill in by hand on the draft.
    assert!(
        md.contains(
            "## I. Thời gian, địa điểm, chủ trì, thư ký\n\n\
             Thời gian: bắt đầu lúc 19 giờ 30, ngày 07/10/2026.\n\n\
             Địa điểm: Nhà văn hóa khu 2.\n\n\
             Chủ trì: ……………\n\n\
             Thư ký: ……………\n\n"
        ),
        "{md}"
    );
    assert!(md.contains("\nCuộc họp kết thúc lúc ……………"), "{md}");
    assert!(md.contains("\nNghị quyết tháng 10.\n"));
    assert!(md.contains("- Có mặt: 5/5, đạt 100%\n"));
    assert!(md.ends_with("| ………………………… | ………………………… |\n\n"), "{md}");
    // The December meeting is only planned: its attendance is left to fill in.
    let planned = markdown(&setup.db, "2026-12-07", &[]);
    assert!(planned.starts_with("**DỰ THẢO**"));
    assert!(planned.contains("- Có mặt: ……………\n"), "{planned}");
    // The thematic meeting has its own title and its theme; --kind picks it.
    let thematic = markdown(&setup.db, "2026-11-20", &["--kind", "thematic"]);
    assert!(thematic.contains(
        "# BIÊN BẢN SINH HOẠT CHUYÊN ĐỀ\n\n**Tháng 11 năm 2026**\n\n\
         **Chuyên đề: Học tập và làm theo tư tưởng Hồ Chí Minh**\n"
    ));
}

#[test]
fn control_characters_never_reach_the_markdown() {
    let setup = setup();
    save_october_minutes(
        &setup.db,
        "## II. Thông tin thời sự, văn bản chỉ đạo của cấp trên\n\
         Đỏ \u{1b}[31mnguy hiểm\u{1b}[0m\u{7}\tvà \u{202E}đảo chiều\r\n",
    );
    let md = markdown(&setup.db, "2026-10-07", &[]);
    assert!(md.chars().all(|c| c == '\n' || !c.is_control()), "{md:?}");
    assert!(!md.contains('\u{202E}'));
    assert!(
        md.contains("\nĐỏ \u{FFFD}\\[31mnguy hiểm\u{FFFD}\\[0m\u{FFFD} và \u{FFFD}đảo chiều\n")
    );
}

#[test]
fn unknown_codes_days_without_a_meeting_and_impossible_dates_are_refused() {
    let setup = setup();
    let refused = |args: &[&str], code: i32| {
        let out = export(&setup.db, args);
        assert_eq!(out.status.code(), Some(code), "{args:?}");
        assert!(
            out.stdout.is_empty(),
            "{args:?} wrote {}",
            text(&out.stdout)
        );
        text(&out.stderr)
    };
    assert_eq!(
        refused(&["--org", "XX", "--date", "2026-11-07", "--lang", "en"], 1),
        "chibo: no organisation with code \"XX\"\n"
    );
    assert_eq!(
        refused(&["--org", "XX", "--date", "2026-11-07"], 1),
        "chibo: không có tổ chức mã \"XX\"\n"
    );
    assert_eq!(
        refused(
            &["--org", "QN.HG.K2", "--date", "2026-11-08", "--lang", "en"],
            1
        ),
        "chibo: Chi bộ khu 2 (QN.HG.K2) has no regular meeting on 2026-11-08; in 2026-11 it \
         has: regular meeting on 2026-11-07, thematic meeting on 2026-11-20\n"
    );
    assert_eq!(
        refused(
            &[
                "--org",
                "QN.HG.K2",
                "--date",
                "2026-11-07",
                "--kind",
                "committee"
            ],
            1
        ),
        "chibo: Chi bộ khu 2 (QN.HG.K2) không có họp cấp ủy ngày 07/11/2026; tháng 11/2026 \
         có: sinh hoạt thường kỳ ngày 07/11/2026, sinh hoạt chuyên đề ngày 20/11/2026\n"
    );
    assert_eq!(
        refused(&["--org", "QN.HG", "--date", "2026-09-07"], 1),
        "chibo: Đảng ủy phường Hồng Gai (QN.HG) không có sinh hoạt thường kỳ ngày 07/09/2026; \
         tháng 09/2026 không có cuộc họp nào\n"
    );
    assert_eq!(
        refused(
            &["--org", "QN.HG.K2", "--date", "2026-02-30", "--lang", "en"],
            2
        ),
        "chibo: --date \"2026-02-30\": not a real date in the form YYYY-MM-DD (for example \
         2026-11-07)\n"
    );
    assert!(
        refused(&["--org", "QN.HG.K2", "--date", "7/11/2026"], 2)
            .contains("--date \"7/11/2026\": không phải là một ngày có thật dạng YYYY-MM-DD")
    );
    assert_eq!(
        refused(&["--meeting", "999", "--lang", "en"], 1),
        "chibo: no meeting with id 999\n"
    );
    // Neither a meeting nor an organisation and a day: clap says what is missing.
    assert!(refused(&[], 2).contains("--org"));
    assert!(refused(&["--org", "QN.HG.K2"], 2).contains("--date"));
}

/// pdftotext's text of a PDF with every run of whitespace one space: it breaks lines where
/// the page does.
fn pdf_text(program: &Path, pdf: &Path) -> String {
    let out = run(Command::new(program)
        .arg("-enc")
        .arg("UTF-8")
        .arg(pdf)
        .arg("-"));
    assert!(out.status.success(), "pdftotext: {}", text(&out.stderr));
    let raw = text(&out.stdout);
    chibo::domain::text::nfc(&raw)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The page size pdfinfo reports, in points.
fn page_size(program: &Path, pdf: &Path) -> (f64, f64) {
    let out = run(Command::new(program).arg(pdf));
    assert!(out.status.success(), "pdfinfo: {}", text(&out.stderr));
    let info = text(&out.stdout);
    let line = info
        .lines()
        .find_map(|l| l.strip_prefix("Page size:"))
        .unwrap_or_else(|| panic!("no page size in {info}"));
    let numbers: Vec<f64> = line
        .split_whitespace()
        .filter_map(|word| word.parse().ok())
        .collect();
    (numbers[0], numbers[1])
}

#[test]
fn libreoffice_opens_the_docx_and_shows_the_whole_form_on_a4() {
    let (Some(soffice), Some(pdftotext), Some(pdfinfo)) = (
        required("soffice", "libreoffice-writer"),
        required("pdftotext", "poppler-utils"),
        required("pdfinfo", "poppler-utils"),
    ) else {
        return;
    };
    let setup = setup();
    // October's draft carries control characters and noncharacters (as minutes saved
    // before they were refused may): were any to reach the file's XML, the office program
    // could not open it at all.
    save_october_minutes(
        &setup.db,
        "## II. Thông tin thời sự, văn bản chỉ đạo của cấp trên\n\
         Nghị quyết \u{1b}[31mtháng 10\u{7} & <w:t>\u{FFFE}\u{FFFF}\n",
    );
    let dir = setup.dir.path();
    let approved = dir.join("k2-2026-11-07.docx");
    let written = chibo(&setup.db)
        .args([
            "export",
            "minutes",
            "--org",
            "QN.HG.K2",
            "--date",
            "2026-11-07",
        ])
        .args(["--format", "docx", "--output"])
        .arg(&approved)
        .output()
        .unwrap();
    assert!(written.status.success(), "{}", text(&written.stderr));
    // To standard output when it is not a terminal, as here.
    let draft = dir.join("k2-2026-10-07.docx");
    let out = export(
        &setup.db,
        &[
            "--org",
            "QN.HG.K2",
            "--date",
            "2026-10-07",
            "--format",
            "docx",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        out.stdout.starts_with(b"PK\x03\x04"),
        "a .docx is a zip file"
    );
    std::fs::write(&draft, &out.stdout).unwrap();

    // A profile of its own, so that parallel runs never share LibreOffice's lock.
    let profile = format!("-env:UserInstallation=file://{}", dir.join("lo").display());
    let pdfs = dir.join("pdf");
    let converted = run(Command::new(&soffice)
        .arg(profile)
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&pdfs)
        .arg(&approved)
        .arg(&draft)
        .env("HOME", dir));
    let log = format!("{}{}", text(&converted.stdout), text(&converted.stderr));
    assert!(converted.status.success(), "soffice: {log}");
    let approved_pdf = pdfs.join("k2-2026-11-07.pdf");
    let draft_pdf = pdfs.join("k2-2026-10-07.pdf");
    assert!(
        approved_pdf.is_file() && draft_pdf.is_file(),
        "soffice: {log}"
    );

    let page = pdf_text(&pdftotext, &approved_pdf);
    for wanted in [
        TITLE,
        "CHI BỘ KHU 2",
        "ĐẢNG BỘ PHƯỜNG HỒNG GAI",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Hồng Gai, ngày 07 tháng 11 năm 2026",
        "Tháng 11 năm 2026",
        "Có mặt: 3/5, đạt 60%",
        "Lê Thị Bình — đi công tác",
        "# không phải tiêu đề",
        "Sửa: đồng chí Giang vắng có báo sau.",
        "THƯ KÝ",
        "CHỦ TRÌ",
        "Ngô Thị Lan",
        "Phạm Ngọc Đường",
    ]
    .into_iter()
    .chain(Section::ALL.map(|s| s.heading()))
    {
        assert!(
            page.contains(wanted),
            "{wanted:?} missing from the PDF:\n{page}"
        );
    }
    assert!(!page.contains("DỰ THẢO"));
    let draft_page = pdf_text(&pdftotext, &draft_pdf);
    for wanted in ["DỰ THẢO", TITLE, "CHI BỘ KHU 2", "[31mtháng 10", "& <w:t>"] {
        assert!(
            draft_page.contains(wanted),
            "{wanted:?} missing from the draft's PDF:\n{draft_page}"
        );
    }

    for pdf in [&approved_pdf, &draft_pdf] {
        let (width, height) = page_size(&pdfinfo, pdf);
        assert!(
            (width - 595.3).abs() < 1.0 && (height - 841.9).abs() < 1.0,
            "{} is {width} x {height} pts, not A4",
            pdf.display()
        );
    }
}

#[test]
fn a_docx_is_never_written_onto_a_terminal() {
    // `script` (util-linux, in every Debian) gives the command a terminal for its output.
    let Some(script) = required("script", "bsdutils") else {
        return;
    };
    let setup = setup();
    let command = format!(
        "{} --db {} --lang en export minutes --org QN.HG.K2 --date 2026-11-07 --format docx",
        env!("CARGO_BIN_EXE_chibo"),
        setup.db.display()
    );
    let out = run(Command::new(script)
        .args(["--quiet", "--return", "--command", &command])
        .arg(setup.dir.path().join("typescript")));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    let screen = text(&out.stdout);
    assert!(
        screen.contains("a .docx file cannot be shown on a terminal: use --output FILE.docx"),
        "{screen}"
    );
    assert!(!screen.contains("PK"), "{screen}");
    // Markdown is text: to the terminal it goes.
    let command = command.replace(" --format docx", "");
    let out = run(Command::new(find_program("script").unwrap())
        .args(["--quiet", "--return", "--command", &command])
        .arg(setup.dir.path().join("typescript")));
    assert!(out.status.success());
    assert!(text(&out.stdout).contains(TITLE));
}
