//! Deadlines and verdicts worked out by hand on the 2026 calendar: 1 August and 1 November
//! 2026 are a Saturday and a Sunday; 20 June and 20 September 2026 a Saturday and a Sunday.

use chrono::{Datelike, NaiveTime, Weekday};

use super::*;
use crate::domain::schedule::plan_deadline_day;
use crate::domain::{MeetingId, OrgId, OrgKind, RuleChange, YearMonth};

fn ym(year: i32, month: u32) -> YearMonth {
    YearMonth::new(year, month).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    day(y, m, d).and_hms_opt(h, min, 0).unwrap()
}

fn branch() -> OrgUnit {
    OrgUnit::new(
        OrgId(3),
        "K2",
        "Chi bộ khu 2",
        OrgKind::Branch,
        Some(OrgId(2)),
    )
}

fn planned(date: NaiveDate) -> Meeting {
    let mut m = Meeting::new(
        MeetingId(1),
        OrgId(3),
        MeetingKind::Regular,
        date,
        MeetingState::Planned,
    );
    m.time = NaiveTime::from_hms_opt(19, 30, 0);
    m.place = Some("Nhà văn hóa khu 2".into());
    m.topic = Some("Công tác quý IV".into());
    m
}

#[test]
fn the_plan_is_due_by_the_twentieth_of_the_month_before() {
    // December 2026's plan: by Friday 20 November.
    assert_eq!(plan_deadline(20, ym(2026, 12)), day(2026, 11, 20));
    // January's plan: by 20 December of the year before.
    assert_eq!(plan_deadline(20, ym(2027, 1)), day(2026, 12, 20));
    let deadline = plan_deadline(20, ym(2026, 12));
    let on_time = Timeliness::judge(Some(at(2026, 11, 20, 23, 59)), deadline);
    assert!(matches!(on_time, Timeliness::OnTime { .. }));
    let late = Timeliness::judge(Some(at(2026, 11, 21, 0, 5)), deadline);
    assert_eq!(
        late,
        Timeliness::Late {
            at: at(2026, 11, 21, 0, 5),
            deadline
        }
    );
    assert_eq!(late.flag(day(2026, 11, 21)), Some(Lateness::Late));
    let pending = Timeliness::judge(None, deadline);
    assert_eq!(
        pending.flag(day(2026, 11, 20)),
        None,
        "still the deadline day"
    );
    assert_eq!(pending.flag(day(2026, 11, 21)), Some(Lateness::Missing));
    assert_eq!(on_time.flag(day(2027, 1, 1)), None);
}

#[test]
fn a_deadline_on_a_weekend_stays_on_that_day() {
    // July's plan is due Saturday 20 June 2026: sent on Monday the 22nd it is late.
    assert_eq!(plan_deadline(20, ym(2026, 7)).weekday(), Weekday::Sat);
    let deadline = plan_deadline(20, ym(2026, 7));
    assert_eq!(deadline, day(2026, 6, 20));
    assert!(matches!(
        Timeliness::judge(Some(at(2026, 6, 22, 8, 0)), deadline),
        Timeliness::Late { .. }
    ));
    // October's plan: Sunday 20 September, kept as the deadline; sent that Sunday, on time.
    assert_eq!(plan_deadline(20, ym(2026, 10)), day(2026, 9, 20));
    assert!(matches!(
        Timeliness::judge(Some(at(2026, 9, 20, 21, 0)), day(2026, 9, 20)),
        Timeliness::OnTime { .. }
    ));
}

#[test]
fn a_month_starting_on_a_weekend_needs_its_documents_in_the_month_before() {
    // August 2026 starts on a Saturday. A branch meeting on the first Saturday meets on
    // 1 August: the plan is due Monday 20 July, the documents by Friday 31 July.
    assert_eq!(day(2026, 8, 1).weekday(), Weekday::Sat);
    let first_saturday = ScheduleRule::NthWeekday {
        n: 1,
        weekday: Weekday::Sat,
    };
    let meeting_day = first_saturday.due_date(ym(2026, 8));
    assert_eq!(meeting_day, day(2026, 8, 1));
    assert_eq!(plan_deadline(20, ym(2026, 8)), day(2026, 7, 20));
    assert_eq!(documents_deadline(meeting_day), day(2026, 7, 31));
    // November 2026 starts on a Sunday. Meeting on the 1st: the documents are due
    // Saturday 31 October, the plan Tuesday 20 October.
    assert_eq!(day(2026, 11, 1).weekday(), Weekday::Sun);
    assert_eq!(documents_deadline(day(2026, 11, 1)), day(2026, 10, 31));
    let mut m = planned(day(2026, 11, 1));
    m.add_document(
        "Dự thảo.md",
        &DocumentBody::Markdown("# Dự thảo".into()),
        at(2026, 10, 15, 9, 0),
    )
    .unwrap();
    m.send_plan(at(2026, 10, 31, 22, 0)).unwrap();
    let kept = plan_month(
        &branch(),
        Some(ScheduleRule::DayOfMonth(1)),
        20,
        ym(2026, 11),
        &[m],
    )
    .unwrap();
    assert!(
        matches!(kept.plan, Timeliness::Late { deadline, .. } if deadline == day(2026, 10, 20))
    );
    assert!(matches!(kept.documents, Timeliness::OnTime { at } if at == at_(2026, 10, 31, 22, 0)));
}

fn at_(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    at(y, m, d, h, min)
}

#[test]
fn day_thirty_one_of_a_shorter_month_is_its_last_day() {
    assert_eq!(plan_deadline(31, ym(2026, 3)), day(2026, 2, 28));
    assert_eq!(plan_deadline(31, ym(2024, 3)), day(2024, 2, 29));
    assert_eq!(plan_deadline(31, ym(2026, 5)), day(2026, 4, 30));
    assert_eq!(plan_deadline(1, ym(2026, 1)), day(2025, 12, 1));
}

fn unit(id: u64, parent: Option<u64>) -> OrgUnit {
    OrgUnit::new(
        OrgId(id),
        id.to_string(),
        id.to_string(),
        OrgKind::GrassrootsCommittee,
        parent.map(OrgId),
    )
}

#[test]
fn a_branch_with_its_own_deadline_and_changes_by_month() {
    // Province: nothing set (the 20th). Ward: the 15th. Branch K2: its own 10th from
    // August 2026 (decided in July). Branch K3: inherits the ward's.
    let province = unit(1, None);
    let mut ward = unit(2, Some(1));
    ward.plan_deadline = Some(15);
    let mut k2 = unit(3, Some(2));
    assert_eq!(
        k2.record_plan_deadline_change(day(2026, 7, 3), Some(10)),
        ym(2026, 8)
    );
    let k3 = unit(4, Some(2));
    // The deadline of month M's plan falls in M − 1 and follows the settings of M − 1.
    let k2_chain = [&k2, &ward, &province];
    assert_eq!(
        plan_deadline_day(k2_chain, ym(2026, 8)),
        15,
        "July still had the 15th"
    );
    assert_eq!(
        plan_deadline_day(k2_chain, ym(2026, 9)),
        10,
        "from August, the 10th"
    );
    assert_eq!(
        plan_deadline(plan_deadline_day(k2_chain, ym(2026, 9)), ym(2026, 9)),
        day(2026, 8, 10)
    );
    assert_eq!(plan_deadline_day([&k3, &ward, &province], ym(2026, 9)), 15);
    assert_eq!(
        plan_deadline_day([&province], ym(2026, 9)),
        DEFAULT_DEADLINE
    );
    // A rule change recorded later keeps the deadline in force from its month.
    k2.record_rule_change(day(2026, 9, 2), Some(ScheduleRule::DayOfMonth(3)), None);
    assert_eq!(
        k2.rule_changes.last(),
        Some(&RuleChange {
            from: 202610,
            meeting_rule: Some(ScheduleRule::DayOfMonth(3)),
            grace_days: None,
            plan_deadline: Some(10),
        })
    );
    assert_eq!(plan_deadline_day([&k2, &ward, &province], ym(2026, 11)), 10);
    // …and a deadline change keeps the rule in force.
    k2.record_plan_deadline_change(day(2026, 10, 9), None);
    assert_eq!(
        k2.own_settings_in(ym(2026, 11)),
        (Some(ScheduleRule::DayOfMonth(3)), None)
    );
    assert_eq!(
        plan_deadline_day([&k2, &ward, &province], ym(2026, 12)),
        15,
        "back to the ward's"
    );
}

const DEFAULT_DEADLINE: u8 = crate::domain::schedule::DEFAULT_PLAN_DEADLINE_DAY;

#[test]
fn documents_are_posted_when_the_plan_is_sent_or_when_attached_after() {
    let mut m = planned(day(2026, 12, 7));
    let md = DocumentBody::Markdown("# Dự thảo nghị quyết".into());
    m.add_document("Dự thảo.md", &md, at(2026, 11, 10, 8, 0))
        .unwrap();
    assert_eq!(documents_posted(&m), None, "not sent yet");
    m.send_plan(at(2026, 11, 18, 20, 0)).unwrap();
    assert_eq!(documents_posted(&m), Some(at(2026, 11, 18, 20, 0)));
    let pdf = DocumentBody::File {
        media_type: Some("application/pdf".into()),
        bytes: vec![1, 2, 3],
    };
    let info = m
        .add_document("Báo cáo.pdf", &pdf, at(2026, 12, 6, 23, 30))
        .unwrap();
    assert_eq!((info.no, info.size, info.kind), (2, 3, DocumentKind::File));
    assert_eq!(documents_posted(&m), Some(at(2026, 12, 6, 23, 30)));
    // The day before the meeting, late in the evening: still on time.
    let kept = plan_month(
        &branch(),
        Some(ScheduleRule::DayOfMonth(7)),
        20,
        ym(2026, 12),
        &[m.clone()],
    )
    .unwrap();
    assert!(matches!(kept.plan, Timeliness::OnTime { .. }));
    assert!(matches!(kept.documents, Timeliness::OnTime { .. }));
    // One more on the meeting day makes the documents late.
    m.add_document("Bổ sung.md", &md, at(2026, 12, 7, 7, 0))
        .unwrap();
    let kept = plan_month(
        &branch(),
        Some(ScheduleRule::DayOfMonth(7)),
        20,
        ym(2026, 12),
        &[m.clone()],
    )
    .unwrap();
    assert_eq!(kept.documents.flag(day(2026, 12, 7)), Some(Lateness::Late));
    // Numbers are never reused.
    assert_eq!(m.remove_document(3).unwrap().name, "Bổ sung.md");
    assert_eq!(m.remove_document(3), Err(PrepError::NoDocument(3)));
    assert_eq!(
        m.add_document("Lại.md", &md, at(2026, 12, 1, 7, 0))
            .unwrap()
            .no,
        3
    );
}

#[test]
fn without_a_meeting_the_plan_and_documents_wait_on_the_rule() {
    let kept = plan_month(
        &branch(),
        Some(ScheduleRule::DayOfMonth(7)),
        20,
        ym(2026, 12),
        &[],
    )
    .unwrap();
    assert_eq!(
        kept.plan,
        Timeliness::Pending {
            deadline: day(2026, 11, 20)
        }
    );
    assert_eq!(
        kept.documents,
        Timeliness::Pending {
            deadline: day(2026, 12, 6)
        }
    );
    assert_eq!(kept.plan.flag(day(2026, 11, 21)), Some(Lateness::Missing));
    assert_eq!(kept.documents.flag(day(2026, 12, 6)), None);
    assert_eq!(
        kept.documents.flag(day(2026, 12, 7)),
        Some(Lateness::Missing)
    );
    // No rule: nothing owed. Founded after the deadline: nothing owed that month.
    assert_eq!(plan_month(&branch(), None, 20, ym(2026, 12), &[]), None);
    let december = |b: &OrgUnit| {
        let rule = Some(ScheduleRule::DayOfMonth(7));
        plan_month(b, rule, 20, ym(2026, 12), &[])
    };
    let mut young = branch();
    young.founded = Some(day(2026, 11, 21));
    assert_eq!(december(&young), None);
    young.founded = Some(day(2026, 11, 20));
    assert!(december(&young).is_some());
    let mut gone = branch();
    gone.dissolved = Some(day(2026, 12, 1));
    assert_eq!(december(&gone), None);
}

#[test]
fn the_month_plan_is_the_first_sent_regular_meeting_not_cancelled() {
    let mut cancelled = planned(day(2026, 12, 3));
    cancelled.state = MeetingState::Cancelled;
    cancelled.sent_at = Some(at(2026, 11, 1, 8, 0));
    let first = planned(day(2026, 12, 5));
    let mut sent = planned(day(2026, 12, 9));
    sent.id = MeetingId(2);
    sent.sent_at = Some(at(2026, 11, 19, 8, 0));
    let mut thematic = planned(day(2026, 12, 1));
    thematic.kind = MeetingKind::Thematic;
    let meetings = [cancelled, first.clone(), sent, thematic];
    assert_eq!(
        month_plan(&meetings, ym(2026, 12)).map(|m| m.date),
        Some(day(2026, 12, 9))
    );
    assert_eq!(
        month_plan(&[first], ym(2026, 12)).map(|m| m.date),
        Some(day(2026, 12, 5))
    );
    assert_eq!(month_plan(&meetings, ym(2026, 11)), None);
}

#[test]
fn a_plan_is_sent_once_with_its_time_place_and_topic() {
    let mut m = Meeting::new(
        MeetingId(1),
        OrgId(3),
        MeetingKind::Regular,
        day(2026, 12, 7),
        MeetingState::Planned,
    );
    assert_eq!(
        m.send_plan(at(2026, 11, 18, 8, 0)),
        Err(PrepError::Incomplete(vec!["time", "place", "topic"]))
    );
    assert_eq!(
        PrepError::Incomplete(vec!["time", "place", "topic"]).message(Lang::Vi),
        "chưa gửi được kế hoạch: còn thiếu giờ họp, địa điểm, nội dung (chủ đề)"
    );
    let details = PlanDetails {
        date: Some(day(2026, 12, 8)),
        time: NaiveTime::from_hms_opt(19, 30, 0),
        place: Some("  Nhà văn hóa  ".into()),
        topic: Some("Chuẩn bị Tết".into()),
        agenda: vec![
            "Thông tin thời sự".into(),
            "  ".into(),
            "Nhiệm vụ tháng 1".into(),
        ],
        drafter: Some(MemberId(7)),
        ..PlanDetails::default()
    };
    m.set_plan(&details).unwrap();
    assert_eq!(
        (m.date, m.planned),
        (day(2026, 12, 8), Some(day(2026, 12, 7)))
    );
    assert_eq!(m.place.as_deref(), Some("Nhà văn hóa"));
    assert_eq!(m.agenda, ["Thông tin thời sự", "Nhiệm vụ tháng 1"]);
    m.send_plan(at(2026, 11, 18, 8, 0)).unwrap();
    assert_eq!(
        m.send_plan(at(2026, 11, 19, 8, 0)),
        Err(PrepError::AlreadySent(at(2026, 11, 18, 8, 0)))
    );
    m.state = MeetingState::Cancelled;
    assert_eq!(m.set_plan(&details), Err(PrepError::Cancelled));
}

#[test]
fn a_document_over_ten_megabytes_is_refused_with_its_size() {
    assert_eq!(check_document_size("a.pdf", MAX_DOCUMENT_BYTES), Ok(()));
    let too_big = check_document_size("Báo cáo.pdf", 12_900_000).unwrap_err();
    assert_eq!(
        too_big.message(Lang::Vi),
        "tài liệu \"Báo cáo.pdf\" nặng 12,3 MB, vượt quá giới hạn 10 MB: hãy nén hoặc chia nhỏ tệp"
    );
    assert_eq!(
        too_big.message(Lang::En),
        "document \"Báo cáo.pdf\" is 12.3 MB, over the 10 MB limit: compress or split the file"
    );
    let mut m = planned(day(2026, 12, 7));
    let big = DocumentBody::File {
        media_type: None,
        bytes: vec![0; MAX_DOCUMENT_BYTES as usize + 1],
    };
    assert!(matches!(
        m.add_document("big.bin", &big, at(2026, 11, 1, 8, 0)),
        Err(PrepError::TooLarge { size, .. }) if size == MAX_DOCUMENT_BYTES + 1
    ));
    assert!(m.documents.is_empty());
    assert_eq!(
        m.add_document(
            " ",
            &DocumentBody::Markdown("x".into()),
            at(2026, 11, 1, 8, 0)
        ),
        Err(PrepError::BlankName)
    );
}

#[test]
fn votes_are_recorded_at_held_meetings_and_never_outnumber_those_present() {
    use crate::domain::Mark;
    let mut m = planned(day(2026, 12, 7));
    let vote = Vote {
        in_favour: 2,
        against: 0,
        abstaining: 1,
    };
    assert_eq!(m.set_vote(Some(vote)), Err(PrepError::NotHeld));
    m.state = MeetingState::Held;
    m.attendance = vec![
        (MemberId(1), Mark::Present),
        (MemberId(2), Mark::Present),
        (MemberId(3), Mark::Absent),
    ];
    assert_eq!(
        m.set_vote(Some(vote)),
        Err(PrepError::VoteExceeds {
            votes: 3,
            present: 2
        })
    );
    m.attendance.push((MemberId(4), Mark::Present));
    m.set_vote(Some(vote)).unwrap();
    assert_eq!(m.vote, Some(vote));
    m.set_vote(None).unwrap();
    assert_eq!(m.vote, None);
    assert_eq!(
        m.set_decisions(Some("x".into())),
        Err(PrepError::NotCommittee)
    );
    m.kind = MeetingKind::Committee;
    m.set_decisions(Some("Thống nhất 4 nội dung".into()))
        .unwrap();
    assert_eq!(m.decisions.as_deref(), Some("Thống nhất 4 nội dung"));
}
