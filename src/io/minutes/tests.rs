use chrono::NaiveDate;

use super::*;
use crate::domain::{Amendment, Approval, MeetingState, OrgId};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn org(id: u64, code: &str, name: &str, kind: OrgKind, parent: Option<u64>) -> OrgUnit {
    OrgUnit::new(OrgId(id), code, name, kind, parent.map(OrgId))
}

fn meeting(kind: MeetingKind) -> Meeting {
    Meeting::new(
        MeetingId(1),
        OrgId(3),
        kind,
        day(2026, 11, 7),
        MeetingState::Held,
    )
}

#[test]
fn the_level_above_is_named_as_the_party_organisation_its_committee_leads() {
    assert_eq!(
        party_body("Đảng ủy phường Hồng Gai"),
        "Đảng bộ phường Hồng Gai"
    );
    // The older spelling of "ủy" is the same word.
    assert_eq!(party_body("Đảng uỷ xã Tứ Kỳ"), "Đảng bộ xã Tứ Kỳ");
    assert_eq!(party_body("Tỉnh ủy Quảng Ninh"), "Đảng bộ tỉnh Quảng Ninh");
    assert_eq!(
        party_body("Thành ủy Thành phố Hồ Chí Minh"),
        "Đảng bộ Thành phố Hồ Chí Minh"
    );
    assert_eq!(party_body("Chi bộ khu 2"), "Chi bộ khu 2");
}

#[test]
fn the_place_is_the_nearest_commune_ward_or_province_by_name() {
    assert_eq!(
        place_of("Đảng ủy phường Hồng Gai").as_deref(),
        Some("Hồng Gai")
    );
    assert_eq!(place_of("Đảng ủy thị trấn Tứ Kỳ").as_deref(), Some("Tứ Kỳ"));
    assert_eq!(
        place_of("Đảng ủy đặc khu Vân Đồn").as_deref(),
        Some("Vân Đồn")
    );
    assert_eq!(
        place_of("Tỉnh ủy Quảng Ninh").as_deref(),
        Some("Quảng Ninh")
    );
    assert_eq!(place_of("Đảng ủy các cơ quan Đảng tỉnh"), None);
    assert_eq!(place_of("Chi bộ khu 2"), None);

    let province = org(
        1,
        "QN",
        "Tỉnh ủy Quảng Ninh",
        OrgKind::ProvincialCommittee,
        None,
    );
    let ward = org(
        2,
        "QN.HG",
        "Đảng ủy phường Hồng Gai",
        OrgKind::GrassrootsCommittee,
        Some(1),
    );
    let bloc = org(
        4,
        "QN.CQ",
        "Đảng ủy các cơ quan Đảng tỉnh",
        OrgKind::GrassrootsCommittee,
        Some(1),
    );
    let branch = org(3, "QN.HG.K2", "Chi bộ khu 2", OrgKind::Branch, Some(2));
    let on = day(2026, 11, 7);
    let ancestry = [ward.clone(), province.clone()];
    assert_eq!(place(&branch, &ancestry, on).as_deref(), Some("Hồng Gai"));
    // An agency's branch under a bloc committee takes the province's name.
    assert_eq!(
        place(&branch, &[bloc, province.clone()], on).as_deref(),
        Some("Quảng Ninh")
    );
    assert_eq!(place(&branch, &[], on), None);

    let header = header(&branch, &ancestry, &meeting(MeetingKind::Regular));
    assert_eq!(
        header,
        Header {
            above: Some("ĐẢNG BỘ PHƯỜNG HỒNG GAI".into()),
            issuer: "CHI BỘ KHU 2".into(),
            place_date: "Hồng Gai, ngày 07 tháng 11 năm 2026".into(),
        }
    );
    let root = super::header(&province, &[], &meeting(MeetingKind::Committee));
    assert_eq!(root.above, None);
    assert_eq!(root.place_date, "Quảng Ninh, ngày 07 tháng 11 năm 2026");
}

#[test]
fn each_kind_of_meeting_has_its_title() {
    let branch = org(3, "K2", "Chi bộ khu 2", OrgKind::Branch, Some(2));
    let ward = org(
        2,
        "HG",
        "Đảng ủy phường Hồng Gai",
        OrgKind::GrassrootsCommittee,
        None,
    );
    assert_eq!(
        title(&branch, MeetingKind::Regular),
        "BIÊN BẢN SINH HOẠT CHI BỘ"
    );
    assert_eq!(
        title(&branch, MeetingKind::Thematic),
        "BIÊN BẢN SINH HOẠT CHUYÊN ĐỀ"
    );
    assert_eq!(
        title(&branch, MeetingKind::Committee),
        "BIÊN BẢN HỌP CHI ỦY"
    );
    assert_eq!(title(&ward, MeetingKind::Committee), "BIÊN BẢN HỌP CẤP ỦY");
    assert_eq!(
        title(&branch, MeetingKind::Extraordinary),
        "BIÊN BẢN SINH HOẠT CHI BỘ BẤT THƯỜNG"
    );
}

#[test]
fn file_names_are_safe_everywhere() {
    let m = meeting(MeetingKind::Thematic);
    let k2 = org(3, "QN.HL.HG.K2", "Chi bộ khu 2", OrgKind::Branch, None);
    assert_eq!(
        file_name(&k2, &m, MinutesFormat::Markdown),
        "QN.HL.HG.K2-2026-11-07-thematic.md"
    );
    let odd = org(3, ".Đội/1: a*b?", "x", OrgKind::Branch, None);
    assert_eq!(
        file_name(&odd, &m, MinutesFormat::Docx),
        "_Doi_1__a_b_-2026-11-07-thematic.docx"
    );
}

#[test]
fn written_text_is_laid_out_safe_and_every_section_is_there() {
    let mut m = meeting(MeetingKind::Regular);
    m.time = chrono::NaiveTime::from_hms_opt(19, 30, 0);
    m.place = Some("Nhà văn hóa\u{1b}[31m khu 2".into());
    m.topic = Some("Nghị quyết\ttháng 11".into());
    let mut text = MinutesText::default();
    text.set(Section::News, "Chỉ thị 50\r\n\r\n\u{202E}đảo chiều\n");
    m.minutes = Some(text.to_text());
    let doc_sections = sections(&m, &Roll::default(), &[]);
    assert_eq!(doc_sections.len(), Section::ALL.len());
    for (part, section) in doc_sections.iter().zip(Section::ALL) {
        assert_eq!(part.heading, section.heading());
    }
    // The meeting's own facts, then the roll.
    assert_eq!(
        doc_sections[0].blocks[..2],
        [
            Block::Line("Thời gian: bắt đầu lúc 19 giờ 30, ngày 07/11/2026.".into()),
            Block::Line("Địa điểm: Nhà văn hóa\u{FFFD}[31m khu 2.".into()),
        ]
    );
    assert!(doc_sections[0].blocks.contains(&Block::Label(ROLL.into())));
    assert_eq!(
        doc_sections[1].blocks,
        [
            Block::Line("Chỉ thị 50".into()),
            Block::Line("\u{FFFD}đảo chiều".into())
        ]
    );
    assert!(doc_sections[2].blocks.is_empty());
    assert_eq!(
        subtitle(&m),
        ["Tháng 11 năm 2026", "Nội dung: Nghị quyết tháng 11"]
    );
}

#[test]
fn the_signatures_wait_for_the_approval_and_amendments_follow_it() {
    let mut m = meeting(MeetingKind::Regular);
    assert_eq!(
        signatures(&m),
        [
            Signature {
                role: "THƯ KÝ",
                name: None
            },
            Signature {
                role: "CHỦ TRÌ",
                name: None
            }
        ]
    );
    assert_eq!(amendments(&m), None);
    let at = day(2026, 11, 8).and_hms_opt(8, 5, 0).unwrap();
    m.approval = Some(Approval {
        at: Some(at),
        by: Some("lan".into()),
        chair: Some("đồng chí Phạm Ngọc Đường, Bí thư Chi bộ".into()),
        secretary: Some(" Ngô Thị Lan ".into()),
    });
    m.amendments.push(Amendment {
        at,
        by: "lan".into(),
        text: "Sửa: đồng chí An có mặt.\nĐã báo chi ủy.".into(),
    });
    let [secretary, chair] = signatures(&m);
    assert_eq!(secretary.name.as_deref(), Some("Ngô Thị Lan"));
    // The role heads the block: beneath the signature goes the bare name.
    assert_eq!(chair.name.as_deref(), Some("Phạm Ngọc Đường"));
    assert_eq!(
        amendments(&m).unwrap().blocks,
        [
            Block::Label("Ngày 08/11/2026, 08:05 — lan:".into()),
            Block::Line("Sửa: đồng chí An có mặt.".into()),
            Block::Line("Đã báo chi ủy.".into()),
        ]
    );
}

fn entry(id: u64, name: &str, standing: Standing, mark: Option<Mark>) -> RollEntry {
    RollEntry {
        member: crate::domain::MemberId(id),
        card: format!("{id}"),
        name: name.into(),
        probationary: id == 4,
        standing,
        mark,
        reason: (mark == Some(Mark::Excused)).then(|| "ốm".to_string()),
    }
}

#[test]
fn the_roll_counts_and_names_who_was_away_and_why() {
    let expected = Standing::Expected;
    let roll = Roll::new(vec![
        entry(1, "Trần Văn An", expected, Some(Mark::Present)),
        entry(
            2,
            "Lê Thị Bình",
            Standing::Exempt {
                until: Some(day(2027, 3, 1)),
            },
            None,
        ),
        entry(3, "Ngô Thị Dung", expected, Some(Mark::Excused)),
        entry(4, "Đỗ Văn Giang", expected, Some(Mark::Absent)),
        entry(5, "Hồ Văn Em", expected, None),
    ]);
    assert_eq!(
        roll_items(&roll, &["Hoàng Anh".to_string()]),
        [
            "Tổng số đảng viên: 5 (chính thức: 4, dự bị: 1)",
            "Miễn sinh hoạt: 1 (Lê Thị Bình, đến 01/03/2027)",
            "Đảng viên phải dự: 4",
            "Có mặt: 1/4, đạt 25%",
            "Vắng có lý do: 1 (Ngô Thị Dung — ốm)",
            "Vắng không có lý do: 1 (Đỗ Văn Giang)",
            "Chưa điểm danh: 1 (Hồ Văn Em)",
            // 1 of the 4 counted (the exempt member stayed away): the minutes say so.
            "Có mặt 1/4 đảng viên được tính: không đủ số lượng hợp lệ (cần ít nhất 3)",
            "Đại biểu cấp trên dự: Hoàng Anh",
        ]
    );
    // No roll taken yet: the attendance is left to fill in.
    let planned = Roll::new(vec![entry(1, "Trần Văn An", expected, None)]);
    assert_eq!(
        roll_items(&planned, &[])[3..],
        [
            format!("Có mặt: {BLANK}"),
            format!("Vắng có lý do: {BLANK}"),
            format!("Vắng không có lý do: {BLANK}"),
            "Đại biểu cấp trên dự: không có".to_string(),
        ]
    );
}

#[test]
fn minutes_written_before_the_facts_were_fields_print_their_own_opening_and_no_placeholder() {
    let mut m = meeting(MeetingKind::Regular);
    m.time = chrono::NaiveTime::from_hms_opt(19, 30, 0);
    let mut text = MinutesText::default();
    text.set(
        Section::Opening,
        "Thời gian: 19:30, ngày 07/11/2026\nĐịa điểm: ...\nChủ trì: đồng chí Lan",
    );
    text.set(
        Section::Resolution,
        "Biểu quyết: ... tán thành, ... không tán thành, ... không biểu quyết.",
    );
    text.set(Section::Assignments, "- Ai: ... — Việc: ... — Hạn: ...");
    text.set(
        Section::Closing,
        "Cuộc họp kết thúc lúc 21 giờ cùng ngày. Biên bản đã được đọc lại.",
    );
    m.minutes = Some(text.to_text());
    let parts = sections(&m, &Roll::default(), &[]);
    let opening: Vec<&Block> = parts[0].blocks.iter().take(3).collect();
    assert_eq!(
        opening,
        [
            &Block::Line("Thời gian: 19:30, ngày 07/11/2026".into()),
            &Block::Line("Chủ trì: đồng chí Lan".into()),
            &Block::Label(ROLL.into()),
        ]
    );
    assert!(parts[Section::Resolution.index()].blocks.is_empty());
    assert!(parts[Section::Assignments.index()].blocks.is_empty());
    assert_eq!(
        parts[Section::Closing.index()].blocks,
        [Block::Line(
            "Cuộc họp kết thúc lúc 21 giờ cùng ngày. Biên bản đã được đọc lại.".into()
        )]
    );
}

#[test]
fn the_vote_assignments_and_end_time_print_from_their_fields() {
    let mut m = meeting(MeetingKind::Regular);
    m.end_time = chrono::NaiveTime::from_hms_opt(21, 15, 0);
    m.assignments = vec![crate::domain::Assignment {
        who: "Ngô Thị Dung".into(),
        task: "thu đảng phí".into(),
        due: Some(day(2026, 11, 30)),
    }];
    m.minutes = Some(MinutesText::default().to_text());
    let parts = sections(&m, &Roll::default(), &[]);
    assert_eq!(
        parts[Section::Assignments.index()].blocks,
        [Block::Item(
            "Giao đồng chí Ngô Thị Dung: thu đảng phí; thời hạn hoàn thành: 30/11/2026.".into()
        )]
    );
    assert_eq!(
        parts[Section::Closing.index()].blocks,
        [Block::Line(
            "Cuộc họp kết thúc lúc 21 giờ 15 cùng ngày.".into()
        )]
    );
}
