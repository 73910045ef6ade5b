//! Preparation, quorum, durations and absences through the store, on the sample tree
//! (1 `QN` → 2 `QN.HG` → 3 `QN.HG.K2`) with a second branch 4 `QN.HG.K3`; every answer
//! worked out by hand, and `chibo check` clean after every write.

use chrono::NaiveTime;

use super::*;
use crate::domain::YearMonth;
use crate::domain::{
    DocumentKind, Mark, MemberId, MemberStatus, OrgKind, PrepError, Role, RoleKind, ScheduleRule,
    StatusChange,
};
use crate::store::testkit::{member, org, sample};
use crate::store::{Store, check};

fn ym(year: i32, month: u32) -> YearMonth {
    YearMonth::new(year, month).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
    day(y, m, d).and_hms_opt(h, 0, 0).unwrap()
}

fn clock(text: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(text, "%H:%M").ok()
}

fn sound(store: &Store) {
    assert_eq!(
        check::run(&store.read().unwrap()).unwrap(),
        Vec::<String>::new()
    );
}

/// The sample with the province meeting on the 7th, the ward's plans due on the 15th, a
/// second branch K3, and members 2 "Trần Văn Bình", 3 "Lê Thị Cúc" (K2) and 4 "Ngô Văn
/// Dũng" (K2, exempt since 2024).
fn tree(dir: &std::path::Path) -> Store {
    let store = sample(dir);
    store
        .write(|w| {
            let mut province = w.org(OrgId(1))?.unwrap();
            province.meeting_rule = Some(ScheduleRule::DayOfMonth(7));
            w.put_org(&province)?;
            let mut ward = w.org(OrgId(2))?.unwrap();
            ward.plan_deadline = Some(15);
            w.put_org(&ward)?;
            let k3 = w.new_org_id()?;
            w.put_org(&org(k3.0, "QN.HG.K3", OrgKind::Branch, Some(2)))?;
            for (card, name) in [
                ("2", "Trần Văn Bình"),
                ("3", "Lê Thị Cúc"),
                ("4", "Ngô Văn Dũng"),
            ] {
                let id = w.new_member_id()?;
                let mut m = member(id.0, card, name, 3);
                if card == "4" {
                    m.record_status(StatusChange {
                        status: MemberStatus::Exempt,
                        from: day(2024, 1, 1),
                        until: None,
                        reason: None,
                    });
                }
                w.put_member(&m)?;
            }
            Ok::<_, StoreError>(())
        })
        .unwrap();
    store
}

fn details(date: NaiveDate) -> PlanDetails {
    PlanDetails {
        date: Some(date),
        time: clock("19:30"),
        end_time: clock("21:00"),
        place: Some("Nhà văn hóa khu 2".into()),
        topic: Some("Nhiệm vụ tháng 12".into()),
        agenda: vec!["Thông tin thời sự".into(), "Kiểm điểm tháng 11".into()],
        drafter: Some(MemberId(1)),
    }
}

#[test]
fn a_plan_is_written_attached_sent_and_followed_from_above() {
    let dir = tempfile::tempdir().unwrap();
    let store = tree(dir.path());
    let id = store
        .write(|w| {
            let plan = w.new_plan(OrgId(3), &details(day(2026, 12, 7)))?;
            let md = DocumentBody::Markdown("# Dự thảo nghị quyết".into());
            let info = w.attach_document(plan.id, "Dự thảo.md", &md, at(2026, 11, 10, 8))?;
            assert_eq!(
                (info.no, info.kind, info.size),
                (1, DocumentKind::Markdown, 28)
            );
            Ok::<_, StoreError>(plan.id)
        })
        .unwrap();
    // A file over 10 MB is refused, with nothing written.
    let big = DocumentBody::File {
        media_type: Some("application/pdf".into()),
        bytes: vec![0; 10 * 1024 * 1024 + 1],
    };
    let refused = store.write(|w| w.attach_document(id, "Báo cáo.pdf", &big, at(2026, 11, 11, 8)));
    let Err(error) = refused else {
        panic!("a document over 10 MB was taken")
    };
    assert!(matches!(
        error,
        StoreError::Prep(PrepError::TooLarge { .. })
    ));
    assert!(
        error
            .message(crate::domain::Lang::Vi)
            .contains("vượt quá giới hạn 10 MB")
    );
    assert_eq!(
        store
            .read()
            .unwrap()
            .meeting(id)
            .unwrap()
            .unwrap()
            .documents
            .len(),
        1
    );
    let pdf = DocumentBody::File {
        media_type: Some("application/pdf".into()),
        bytes: vec![37, 80, 68, 70],
    };
    store
        .write(|w| w.attach_document(id, "Báo cáo.pdf", &pdf, at(2026, 11, 12, 8)))
        .unwrap();
    store
        .write(|w| w.send_plan(id, at(2026, 11, 14, 20)))
        .unwrap();
    let again = store.write(|w| w.send_plan(id, at(2026, 11, 16, 8)));
    assert!(matches!(
        again,
        Err(StoreError::Prep(PrepError::AlreadySent(_)))
    ));
    sound(&store);

    let r = store.read().unwrap();
    assert_eq!(r.document(id, 2).unwrap().map(|(_, body)| body), Some(pdf));
    assert_eq!(
        r.plan_deadlines(OrgId(3), ym(2026, 12)).unwrap(),
        PlanDeadlines {
            day: 15,
            plan: day(2026, 11, 15),
            documents: Some(day(2026, 12, 6))
        }
    );
    // K3 has planned nothing: its documents wait on the due day, the 7th.
    assert_eq!(
        r.plan_deadlines(OrgId(4), ym(2026, 12)).unwrap().documents,
        Some(day(2026, 12, 6))
    );
    assert_eq!(
        r.month_plan(OrgId(3), ym(2026, 12)).unwrap().map(|m| m.id),
        Some(id)
    );
    // The ward: K2 sent on time, K3 not at all — half of the plans on time.
    let ward = r.month_stats(OrgId(2), ym(2026, 12)).unwrap();
    assert_eq!((ward.plans_on_time, ward.plans_due()), (1, 2));
    assert_eq!(ward.plan_on_time_share(), Some(0.5));
    assert_eq!(ward.documents_on_time, 1);
    assert_eq!(ward.plans_missing(day(2026, 11, 16)), 1);
    let statuses = r
        .branch_statuses(
            OrgId(2),
            ym(2026, 12),
            day(2026, 11, 16),
            &DurationConfig::default(),
        )
        .unwrap();
    let flags: Vec<(&str, &[Flag])> = statuses
        .iter()
        .map(|s| (s.branch.code.as_str(), s.flags.as_slice()))
        .collect();
    assert_eq!(
        flags,
        [
            ("QN.HG.K2", &[][..]),
            ("QN.HG.K3", &[Flag::PlanMissing][..])
        ]
    );
    assert_eq!(statuses[0].plan.as_ref().map(|m| m.agenda.len()), Some(2));
    // On 7 December K3's documents are missing too.
    let later = r
        .branch_statuses(
            OrgId(4),
            ym(2026, 12),
            day(2026, 12, 7),
            &DurationConfig::default(),
        )
        .unwrap();
    assert_eq!(later[0].flags, [Flag::PlanMissing, Flag::DocumentsMissing]);
    drop(r);
    // Taking a document off drops its bytes.
    store.write(|w| w.remove_document(id, 1)).unwrap();
    assert_eq!(store.read().unwrap().document(id, 1).unwrap(), None);
    sound(&store);
}

/// A held regular meeting of K2 on 7 November with times and marks.
fn hold(store: &Store, times: (&str, &str), marks: &[(u64, Mark)]) -> MeetingId {
    store
        .write(|w| {
            let id = w.new_meeting_id()?;
            let mut m = Meeting::new(
                id,
                OrgId(3),
                MeetingKind::Regular,
                day(2026, 11, 7),
                MeetingState::Held,
            );
            m.time = clock(times.0);
            m.end_time = clock(times.1);
            m.attendance = marks
                .iter()
                .map(|(id, mark)| (MemberId(*id), *mark))
                .collect();
            w.put_meeting(&m)?;
            Ok::<_, StoreError>(id)
        })
        .unwrap()
}

fn flags(store: &Store) -> Vec<Flag> {
    let r = store.read().unwrap();
    r.branch_statuses(
        OrgId(3),
        ym(2026, 11),
        day(2026, 11, 23),
        &DurationConfig::default(),
    )
    .unwrap()
    .remove(0)
    .flags
    .into_iter()
    .filter(|f| !matches!(f, Flag::PlanMissing | Flag::DocumentsMissing))
    .collect()
}

#[test]
fn a_held_meeting_is_flagged_short_and_without_quorum() {
    let dir = tempfile::tempdir().unwrap();
    let store = tree(dir.path());
    // Members 1–3 expected, 4 exempt. 1 present, 2 and 3 absent, 4 stays away: 1 of 3.
    let id = hold(
        &store,
        ("19:30", "20:30"),
        &[
            (1, Mark::Present),
            (2, Mark::Absent),
            (3, Mark::Absent),
            (4, Mark::Exempt),
        ],
    );
    let short = crate::domain::duration::ShortMeeting {
        minutes: 60,
        minimum: 90,
        combined: false,
    };
    assert_eq!(
        flags(&store),
        [
            Flag::ShortMeeting(short),
            Flag::NoQuorum {
                present: 1,
                counted: 3
            }
        ]
    );
    // The exempt member comes: 2 of 4, exactly half — still no quorum.
    let mut m = store.read().unwrap().meeting(id).unwrap().unwrap();
    m.attendance[3].1 = Mark::Present;
    m.end_time = clock("21:00");
    store.write(|w| w.put_meeting(&m)).unwrap();
    assert_eq!(
        flags(&store),
        [Flag::NoQuorum {
            present: 2,
            counted: 4
        }]
    );
    let q = store.read().unwrap().quorum_of(&m).unwrap();
    assert_eq!(
        (q.on_roll, q.exempt_present, q.counted, q.needed()),
        (4, 1, 4, 3)
    );
    // Member 2 came after all: 3 of 4.
    m.attendance[1].1 = Mark::Present;
    store.write(|w| w.put_meeting(&m)).unwrap();
    assert_eq!(flags(&store), []);
    // The vote: never more than the 3 present; 3 for of 4 counted is valid.
    let vote = |f, a, n| {
        Some(Vote {
            in_favour: f,
            against: a,
            abstaining: n,
        })
    };
    let too_many = store.write(|w| w.record_vote(id, vote(3, 1, 0)));
    assert!(matches!(
        too_many,
        Err(StoreError::Prep(PrepError::VoteExceeds {
            votes: 4,
            present: 3
        }))
    ));
    let saved = store.write(|w| w.record_vote(id, vote(3, 0, 0))).unwrap();
    let q = store.read().unwrap().quorum_of(&saved).unwrap();
    assert!(saved.vote.unwrap().adopted(&q));
    assert!(!vote(2, 1, 0).unwrap().adopted(&q), "2 of 4 is half");
    sound(&store);
}

#[test]
fn a_committee_meeting_has_its_own_roll_and_decisions() {
    let dir = tempfile::tempdir().unwrap();
    let store = tree(dir.path());
    let id = store
        .write(|w| {
            w.put_role(&Role {
                member: MemberId(1),
                org: OrgId(3),
                role: RoleKind::Secretary,
                from: day(2025, 1, 1),
                until: None,
            })?;
            w.put_role(&Role {
                member: MemberId(3),
                org: OrgId(3),
                role: RoleKind::DeputySecretary,
                from: day(2020, 1, 1),
                until: Some(day(2026, 1, 1)),
            })?;
            let id = w.new_meeting_id()?;
            let m = Meeting::new(
                id,
                OrgId(3),
                MeetingKind::Committee,
                day(2026, 11, 30),
                MeetingState::Held,
            );
            w.put_meeting(&m)?;
            Ok::<_, StoreError>(id)
        })
        .unwrap();
    let meeting = store.read().unwrap().meeting(id).unwrap().unwrap();
    let roll = store.read().unwrap().committee_roll_of(&meeting).unwrap();
    let names: Vec<&str> = roll.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        ["Phạm Ngọc Đường"],
        "the deputy's role ended in January"
    );
    let decided =
        "Thống nhất nội dung sinh hoạt tháng 12: 4 mục; đồng chí Đường dự thảo nghị quyết.";
    let saved = store
        .write(|w| w.record_decisions(id, Some(decided.into())))
        .unwrap();
    assert_eq!(saved.decisions.as_deref(), Some(decided));
    assert_eq!(
        store.read().unwrap().roll_of(&meeting).unwrap(),
        roll,
        "the record screen's roll of a committee meeting is the committee's"
    );

    // A ward committee's members sit in its branches: its meeting's roll finds them there.
    let ward_meeting = store
        .write(|w| {
            for (member, role) in [(2, RoleKind::Secretary), (1, RoleKind::CommitteeMember)] {
                w.put_role(&Role {
                    member: MemberId(member),
                    org: OrgId(2),
                    role,
                    from: day(2025, 1, 1),
                    until: None,
                })?;
            }
            let id = w.new_meeting_id()?;
            let m = Meeting::new(
                id,
                OrgId(2),
                MeetingKind::Committee,
                day(2026, 11, 30),
                MeetingState::Held,
            );
            w.put_meeting(&m)?;
            Ok::<_, StoreError>(m)
        })
        .unwrap();
    let ward_roll = store.read().unwrap().roll_of(&ward_meeting).unwrap();
    let names: Vec<&str> = ward_roll.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        ["Trần Văn Bình", "Phạm Ngọc Đường"],
        "in name order: Bình before Đường"
    );

    let regular = hold(&store, ("19:00", "21:00"), &[(1, Mark::Present)]);
    let refused = store.write(|w| w.record_decisions(regular, Some("x".into())));
    assert!(matches!(
        refused,
        Err(StoreError::Prep(PrepError::NotCommittee))
    ));
    sound(&store);
}

/// Held regular meetings of `branch` on the 7th of each month in `months`, marking member
/// 2 with `mark` and every other member of the branch present.
fn meetings_marking(store: &Store, branch: u64, months: &[u32], mark: Mark) -> Vec<MeetingId> {
    store
        .write(|w| {
            let mut ids = Vec::new();
            for &month in months {
                let id = w.new_meeting_id()?;
                let date = day(2026, month, 7);
                let mut m = Meeting::new(
                    id,
                    OrgId(branch),
                    MeetingKind::Regular,
                    date,
                    MeetingState::Held,
                );
                for member in w.members_of(OrgId(branch), 0, 10)? {
                    let mark = if member.id == MemberId(2) {
                        mark
                    } else {
                        Mark::Present
                    };
                    m.attendance.push((member.id, mark));
                }
                m.attendance.sort_by_key(|(id, _)| *id);
                w.put_meeting(&m)?;
                ids.push(id);
            }
            Ok::<_, StoreError>(ids)
        })
        .unwrap()
}

fn absentees_of(store: &Store, org: u64, month: YearMonth) -> u32 {
    store
        .read()
        .unwrap()
        .month_stats(OrgId(org), month)
        .unwrap()
        .absentees
}

#[test]
fn absences_follow_meetings_and_moves_and_flag_every_level() {
    let dir = tempfile::tempdir().unwrap();
    let store = tree(dir.path());
    // Bình misses September and October in K2.
    let k2 = meetings_marking(&store, 3, &[9, 10], Mark::Absent);
    assert_eq!(
        store.read().unwrap().absent_months(MemberId(2)).unwrap(),
        [ym(2026, 9), ym(2026, 10)]
    );
    assert_eq!(
        absentees_of(&store, 1, ym(2026, 10)),
        0,
        "two months are not three"
    );
    // Moved to K3 in November, he misses its meeting too: three months, both branches.
    let mut binh = store.read().unwrap().member(MemberId(2)).unwrap().unwrap();
    binh.transfer(OrgId(4), None, day(2026, 11, 1)).unwrap();
    store.write(|w| w.put_member(&binh)).unwrap();
    meetings_marking(&store, 4, &[11], Mark::Absent);
    meetings_marking(&store, 3, &[12], Mark::Present);
    for (org, flagged) in [(1, 1), (2, 1), (4, 1), (3, 0)] {
        assert_eq!(
            absentees_of(&store, org, ym(2026, 11)),
            flagged,
            "org {org} in November"
        );
        assert_eq!(
            absentees_of(&store, org, ym(2026, 12)),
            flagged,
            "org {org} in December"
        );
    }
    assert_eq!(absentees_of(&store, 1, ym(2026, 10)), 0);
    sound(&store);
    let report = store.read().unwrap().absentees(OrgId(1), 2026).unwrap();
    assert_eq!(report.len(), 1);
    assert_eq!(
        (
            report[0].member.card.as_str(),
            report[0].org.as_str(),
            report[0].months.as_slice()
        ),
        (
            "2",
            "QN.HG.K3",
            &[ym(2026, 9), ym(2026, 10), ym(2026, 11)][..]
        )
    );
    assert!(
        store
            .read()
            .unwrap()
            .absentees(OrgId(3), 2026)
            .unwrap()
            .is_empty(),
        "K2 has him no more"
    );
    // October turns out excused: back to two months, unflagged everywhere.
    let mut october = store.read().unwrap().meeting(k2[1]).unwrap().unwrap();
    for mark in &mut october.attendance {
        if mark.0 == MemberId(2) {
            mark.1 = Mark::Excused;
        }
    }
    store.write(|w| w.put_meeting(&october)).unwrap();
    assert_eq!(absentees_of(&store, 1, ym(2026, 12)), 0);
    assert!(
        store
            .read()
            .unwrap()
            .absentees(OrgId(1), 2026)
            .unwrap()
            .is_empty()
    );
    sound(&store);
}
