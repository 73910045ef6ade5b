//! The scope and the role of a session are enforced by the store's query API, not only by
//! the screens: on a real database holding two wards, a `viewer` cannot change anything and
//! a session held to ward A can neither read nor change ward B. One test per public write
//! function of `Writer`, each showing the refusals, that nothing was written, and that the
//! same call by an allowed role inside the scope goes through.

use chibo::domain::YearMonth;
use chibo::domain::date::parse_iso;
use chibo::domain::duration::DurationConfig;
use chibo::domain::oversight::QuotaConfig;
use chibo::domain::{
    Amendment, Approval, Classification, DocumentBody, Draft, Grade, Lang, Mark, Meeting,
    MeetingId, MeetingKind, MeetingState, Member, MemberId, OrgId, OrgKind, OrgUnit, Oversight,
    PlanDetails, Role, RoleKind, User, UserRole, Vote,
};
use chibo::io::jsonl;
use chibo::store::{Reader, Store, StoreError, Writer};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use tempfile::TempDir;

fn ym(year: i32, month: u32) -> YearMonth {
    YearMonth::new(year, month).unwrap()
}

fn day(iso: &str) -> NaiveDate {
    parse_iso(iso).unwrap()
}

fn today() -> NaiveDate {
    day("2026-11-23")
}

fn at() -> NaiveDateTime {
    day("2026-11-20").and_hms_opt(21, 0, 0).unwrap()
}

/// What one ward holds: its branch, a member and a meeting for every kind of change.
struct Ward {
    ward: OrgId,
    branch: OrgId,
    member: MemberId,
    /// Held on 2026-11-05 with its roll taken (the member absent), minutes saved but not
    /// approved, one document and a draft.
    held: MeetingId,
    /// Held on 2026-10-05, minutes approved.
    approved: MeetingId,
    /// Planned for 2026-12-05 with a complete plan, not sent.
    planned: MeetingId,
    /// A committee meeting on 2026-11-10.
    committee: MeetingId,
    /// Ids a test may give to new records of this ward.
    fresh: u64,
}

struct Fixture {
    _dir: TempDir,
    /// The local handle: an admin over the whole tree.
    store: Store,
    a: Ward,
    b: Ward,
}

const PROVINCE: OrgId = OrgId(1);

/// Province 1 `QN` with ward A (2 `QN.HG` › 3 `QN.HG.K1`, members "Phạm Ngọc Đường" and
/// "Trần Thị Lan") and ward B (4 `QN.CL` › 5 `QN.CL.K1`, members "Nguyễn Văn Đông" and
/// "Hoàng Thị Lan"), built through the store API in a file of its own.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("scope.redb")).unwrap();
    store
        .write(|w| {
            w.put_org(&OrgUnit::new(
                PROVINCE,
                "QN",
                "Tỉnh ủy Quảng Ninh",
                OrgKind::ProvincialCommittee,
                None,
            ))?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
    let a = ward(
        &store,
        [2, 3, 900],
        ("QN.HG", "Hồng Gai"),
        [
            (1, "48000001", "Phạm Ngọc Đường"),
            (2, "48000002", "Trần Thị Lan"),
        ],
    );
    let b = ward(
        &store,
        [4, 5, 800],
        ("QN.CL", "Cao Xanh"),
        [
            (3, "48000003", "Nguyễn Văn Đông"),
            (4, "48000004", "Hoàng Thị Lan"),
        ],
    );
    Fixture {
        _dir: dir,
        store,
        a,
        b,
    }
}

/// One ward with its branch, two members, their meetings, roles and grades.
fn ward(
    store: &Store,
    [ward, branch, fresh]: [u64; 3],
    (code, place): (&str, &str),
    members: [(u64, &str, &str); 2],
) -> Ward {
    let (ward, branch) = (OrgId(ward), OrgId(branch));
    store
        .write(|w| {
            w.put_org(&OrgUnit::new(
                ward,
                code,
                format!("Đảng ủy phường {place}"),
                OrgKind::GrassrootsCommittee,
                Some(PROVINCE),
            ))?;
            w.put_org(&OrgUnit::new(
                branch,
                format!("{code}.K1"),
                format!("Chi bộ khu 1 {place}"),
                OrgKind::Branch,
                Some(ward),
            ))?;
            for (id, card, name) in members {
                w.put_member(&member(id, card, name, branch))?;
            }
            Ok::<_, StoreError>(())
        })
        .unwrap();
    let first = MemberId(members[0].0);
    let held = held_meeting(store, branch, "2026-11-05", first);
    let approved = held_meeting(store, branch, "2026-10-05", first);
    store
        .write(|w| {
            w.save_minutes(held, "Biên bản sinh hoạt tháng 11".into(), at())?;
            w.attach_document(
                held,
                "Kế hoạch.md",
                &DocumentBody::Markdown("# Kế hoạch".into()),
                at(),
            )?;
            w.save_draft(held, &draft())?;
            w.save_minutes(approved, "Biên bản sinh hoạt tháng 10".into(), at())?;
            w.approve_minutes(approved, approval())?;
            let planned = w.new_plan(branch, &plan("2026-12-05"))?.id;
            let committee = w.new_meeting_id()?;
            w.put_meeting(&Meeting::new(
                committee,
                branch,
                MeetingKind::Committee,
                day("2026-11-10"),
                MeetingState::Planned,
            ))?;
            w.put_role(&role(first, branch, RoleKind::Secretary))?;
            w.put_oversight(&oversight(first, branch))?;
            w.put_org_classification(branch, &graded(2025))?;
            w.put_member_classification(first, &graded(2025))?;
            Ok::<_, StoreError>(Ward {
                ward,
                branch,
                member: first,
                held,
                approved,
                planned,
                committee,
                fresh,
            })
        })
        .unwrap()
}

/// A regular meeting of `branch` on `date`, held: its roll taken with `absent` marked
/// absent and everyone else present.
fn held_meeting(store: &Store, branch: OrgId, date: &str, absent: MemberId) -> MeetingId {
    store
        .write(|w| {
            let id = w.new_meeting_id()?;
            let meeting = Meeting::new(
                id,
                branch,
                MeetingKind::Regular,
                day(date),
                MeetingState::Planned,
            );
            w.put_meeting(&meeting)?;
            let roll = roll(w, &meeting, absent)?;
            w.take_roll(id, &roll, today())?;
            Ok::<_, StoreError>(id)
        })
        .unwrap()
}

fn roll(
    w: &Writer<'_>,
    meeting: &Meeting,
    absent: MemberId,
) -> Result<chibo::domain::Roll, StoreError> {
    let mut roll = w.roll_of(meeting)?;
    if let Some(at) = roll.entries.iter().position(|e| e.member == absent) {
        roll.mark(at, Mark::Absent, None).unwrap();
    }
    roll.mark_rest_present();
    Ok(roll)
}

fn member(id: u64, card: &str, name: &str, branch: OrgId) -> Member {
    Member {
        id: MemberId(id),
        card: card.into(),
        name: name.into(),
        sex: None,
        born: Some(day("1960-05-19")),
        admitted: Some(day("1990-02-03")),
        full_member: None,
        org: branch,
        cell: None,
        phone: None,
        residence: None,
        former_orgs: Vec::new(),
        history: Vec::new(),
    }
}

fn plan(date: &str) -> PlanDetails {
    PlanDetails {
        date: Some(day(date)),
        time: NaiveTime::from_hms_opt(19, 30, 0),
        end_time: NaiveTime::from_hms_opt(21, 30, 0),
        place: Some("Nhà văn hóa khu".into()),
        topic: Some("Sinh hoạt thường kỳ".into()),
        agenda: vec!["Thông tin thời sự".into()],
        drafter: None,
    }
}

fn draft() -> Draft {
    Draft {
        text: "Bản nháp".into(),
        saved_at: at(),
        by: "lan".into(),
    }
}

fn approval() -> Approval {
    Approval {
        at: Some(at()),
        by: Some("lan".into()),
        chair: Some("Phạm Ngọc Đường".into()),
        secretary: Some("Trần Thị Lan".into()),
    }
}

fn role(member: MemberId, org: OrgId, role: RoleKind) -> Role {
    Role {
        member,
        org,
        role,
        from: day("2025-01-01"),
        until: None,
    }
}

fn oversight(member: MemberId, org: OrgId) -> Oversight {
    Oversight {
        member,
        org,
        from: day("2025-01-01"),
        until: None,
    }
}

fn graded(year: i32) -> Classification {
    Classification {
        year,
        grade: Grade::Good,
        score: None,
    }
}

impl Fixture {
    /// The same database seen by a user with `role`, held to `scope`.
    fn as_user(&self, role: UserRole, scope: Option<OrgId>) -> Store {
        self.store.as_user(&User {
            login: format!("{role}"),
            role,
            scope,
            keys: Vec::new(),
            name: None,
        })
    }

    /// What tells whether anything was written: the commit count of this process and
    /// everything an admin exports.
    fn contents(&self) -> (u64, String) {
        let mut out = Vec::new();
        jsonl::export(&self.store.read().unwrap(), None, &mut out, Lang::En).unwrap();
        (self.store.change_mark().0, String::from_utf8(out).unwrap())
    }
}

/// Whether a write function reaches into a ward (so the scope can refuse it) or only
/// takes a fresh id.
#[derive(Clone, Copy, PartialEq)]
enum Reach {
    Ward,
    Nowhere,
}

/// The checks of one write function `name`, called by `call` on a ward:
/// - a viewer over the whole tree is refused with NotAllowed, nothing written;
/// - a secretary of ward A is refused on ward B (NotAllowed when the role may not make
///   the change at all, else OutOfScope), nothing written; a fresh id is no ward's, so a
///   secretary may take one;
/// - the least role allowed to make it, held to ward A, is refused OutOfScope on ward B,
///   nothing written;
/// - that same user's call on ward A goes through and is committed.
fn check_write(
    name: &str,
    allowed: UserRole,
    reach: Reach,
    call: impl Fn(&mut Writer<'_>, &Ward) -> Result<(), StoreError>,
) {
    let f = fixture();
    let before = f.contents();

    let viewer = f.as_user(UserRole::Viewer, None);
    let refused = viewer.write(|w| call(w, &f.a));
    assert!(
        matches!(refused, Err(StoreError::NotAllowed { .. })),
        "{name} by a viewer: {refused:?}"
    );
    assert!(
        before == f.contents(),
        "{name} by a viewer changed the database"
    );

    let secretary_may = allowed == UserRole::Secretary;
    if reach == Reach::Ward || !secretary_may {
        let secretary = f.as_user(UserRole::Secretary, Some(f.a.ward));
        let refused = secretary.write(|w| call(w, &f.b));
        let expected = if secretary_may {
            matches!(refused, Err(StoreError::OutOfScope))
        } else {
            matches!(refused, Err(StoreError::NotAllowed { .. }))
        };
        assert!(
            expected,
            "{name} by ward A's secretary on ward B: {refused:?}"
        );
        assert!(
            before == f.contents(),
            "{name} by ward A's secretary on ward B changed the database"
        );
    }

    let of_ward_a = f.as_user(allowed, Some(f.a.ward));
    if reach == Reach::Ward {
        let refused = of_ward_a.write(|w| call(w, &f.b));
        assert!(
            matches!(refused, Err(StoreError::OutOfScope)),
            "{name} by ward A's {allowed} on ward B: {refused:?}"
        );
        assert!(
            before == f.contents(),
            "{name} by ward A's {allowed} on ward B changed the database"
        );
    }

    let done = of_ward_a.write(|w| call(w, &f.a));
    assert!(
        done.is_ok(),
        "{name} by ward A's {allowed} on ward A: {done:?}"
    );
    let after = f.contents();
    assert!(after.0 > before.0, "{name} on ward A committed nothing");
}

/// One `#[test]` per write function: `write_test!(test name, least role allowed, reach,
/// |writer, ward| the call)`.
macro_rules! write_test {
    ($name:ident, $allowed:ident, $reach:ident, |$w:ident, $s:ident| $call:expr) => {
        #[test]
        fn $name() {
            check_write(
                stringify!($name),
                UserRole::$allowed,
                Reach::$reach,
                |$w: &mut Writer<'_>, $s: &Ward| $call.map(drop),
            );
        }
    };
}

write_test!(new_org_id, Officer, Nowhere, |w, _s| w.new_org_id());
write_test!(new_member_id, Officer, Nowhere, |w, _s| w.new_member_id());
write_test!(new_meeting_id, Secretary, Nowhere, |w, _s| w
    .new_meeting_id());

write_test!(put_org, Officer, Ward, |w, s| {
    let mut branch = w.org(s.branch)?.unwrap();
    branch.name = format!("{} (đổi tên)", branch.name);
    w.put_org(&branch)
});

write_test!(put_member, Officer, Ward, |w, s| {
    let mut member = w.member(s.member)?.unwrap();
    member.phone = Some("0912345678".into());
    w.put_member(&member)
});

write_test!(put_new_members, Officer, Ward, |w, s| {
    let card = format!("4809{}", s.fresh);
    w.put_new_members(&[member(s.fresh, &card, "Lê Văn Mới", s.branch)])
});

write_test!(put_role, Officer, Ward, |w, s| {
    w.put_role(&role(s.member, s.branch, RoleKind::DeputySecretary))
});

write_test!(put_oversight, Officer, Ward, |w, s| {
    w.put_oversight(&Oversight {
        from: day("2026-01-01"),
        ..oversight(s.member, s.branch)
    })
});

write_test!(put_meeting, Secretary, Ward, |w, s| {
    w.put_meeting(&Meeting::new(
        MeetingId(s.fresh),
        s.branch,
        MeetingKind::Thematic,
        day("2026-11-25"),
        MeetingState::Planned,
    ))
});

write_test!(save_draft, Secretary, Ward, |w, s| w
    .save_draft(s.held, &draft()));
write_test!(discard_draft, Secretary, Ward, |w, s| w
    .discard_draft(s.held));

write_test!(take_roll, Secretary, Ward, |w, s| {
    let meeting = w.meeting(s.held)?.unwrap();
    let roll = roll(w, &meeting, MemberId(0))?;
    w.take_roll(s.held, &roll, today())
});

write_test!(save_minutes, Secretary, Ward, |w, s| {
    w.save_minutes(s.held, "Biên bản đã sửa".into(), at())
});

write_test!(approve_minutes, Secretary, Ward, |w, s| {
    w.approve_minutes(s.held, approval())
});

write_test!(amend_minutes, Secretary, Ward, |w, s| {
    w.amend_minutes(
        s.approved,
        Amendment {
            at: at(),
            by: "lan".into(),
            text: "Sửa: đồng chí Đường vắng có lý do".into(),
        },
    )
});

write_test!(new_plan, Secretary, Ward, |w, s| w
    .new_plan(s.branch, &plan("2027-01-05")));
write_test!(save_plan, Secretary, Ward, |w, s| w
    .save_plan(s.planned, &plan("2026-12-06")));

write_test!(attach_document, Secretary, Ward, |w, s| {
    w.attach_document(
        s.held,
        "Nghị quyết.md",
        &DocumentBody::Markdown("# Nghị quyết".into()),
        at(),
    )
});

write_test!(remove_document, Secretary, Ward, |w, s| w
    .remove_document(s.held, 1));
write_test!(send_plan, Secretary, Ward, |w, s| w
    .send_plan(s.planned, at()));

write_test!(record_vote, Secretary, Ward, |w, s| {
    let vote = Vote {
        in_favour: 1,
        against: 0,
        abstaining: 0,
    };
    w.record_vote(s.held, Some(vote))
});

write_test!(record_decisions, Secretary, Ward, |w, s| {
    w.record_decisions(s.committee, Some("Giao chi bộ chuẩn bị đại hội".into()))
});

write_test!(put_org_classification, Officer, Ward, |w, s| {
    w.put_org_classification(s.branch, &graded(2026))
});

write_test!(put_member_classification, Officer, Ward, |w, s| {
    w.put_member_classification(s.member, &graded(2026))
});

/// Every read that takes an org, member or meeting of `s`, each as `Ok(())` or its
/// refusal, named. Meetings and the ward's record come from an admin's `records`.
fn reads_of(r: &Reader, s: &Ward, records: &Reader) -> Vec<(&'static str, Result<(), StoreError>)> {
    let held = records.meeting(s.held).unwrap().unwrap();
    let committee = records.meeting(s.committee).unwrap().unwrap();
    let ward = records.org(s.ward).unwrap().unwrap();
    let (nov, dec) = (day("2026-11-01"), day("2026-12-01"));
    let durations = DurationConfig::default();
    let quotas = QuotaConfig::default();
    fn ok<T>(r: Result<T, StoreError>) -> Result<(), StoreError> {
        r.map(drop)
    }
    vec![
        ("children", ok(r.children(Some(s.ward), 0, 10))),
        ("child_ids", ok(r.child_ids(s.ward, 0, 10))),
        ("child_count", ok(r.child_count(Some(s.ward)))),
        ("org_totals", ok(r.org_totals(s.ward))),
        ("subtree", ok(r.subtree(s.ward))),
        ("branches_under", ok(r.branches_under(s.ward))),
        ("effective_schedule", ok(r.effective_schedule(s.branch))),
        (
            "effective_schedule_for_month",
            ok(r.effective_schedule_for_month(s.branch, ym(2026, 11))),
        ),
        ("members_of", ok(r.members_of(s.branch, 0, 10))),
        ("member_count_of", ok(r.member_count_of(s.branch))),
        ("roles_of_org", ok(r.roles_of_org(s.branch))),
        ("roles_of_member", ok(r.roles_of_member(s.member))),
        ("oversight_of_org", ok(r.oversight_of_org(s.branch))),
        ("oversight_of_member", ok(r.oversight_of_member(s.member))),
        ("overseers_of", ok(r.overseers_of(s.branch))),
        ("guests_of", ok(r.guests_of(s.held))),
        ("meetings_of", ok(r.meetings_of(s.branch, nov, dec))),
        (
            "meetings_in_month",
            ok(r.meetings_in_month(s.branch, ym(2026, 11))),
        ),
        ("all_meetings_of", ok(r.all_meetings_of(s.branch))),
        ("month_stats", ok(r.month_stats(s.ward, ym(2026, 11)))),
        ("count_month", ok(r.count_month(s.ward, ym(2026, 11)))),
        (
            "stored_months",
            ok(r.stored_months(s.ward, ym(2026, 1), ym(2026, 11))),
        ),
        (
            "stored_month_stats",
            ok(r.stored_month_stats(s.ward, ym(2026, 11))),
        ),
        (
            "stored_month_of",
            ok(r.stored_month_of(s.branch, ym(2026, 11))),
        ),
        ("absent_months", ok(r.absent_months(s.member))),
        ("document", ok(r.document(s.held, 1))),
        ("month_plan", ok(r.month_plan(s.branch, ym(2026, 12)))),
        (
            "plan_deadlines",
            ok(r.plan_deadlines(s.branch, ym(2026, 12))),
        ),
        ("quorum_of", ok(r.quorum_of(&held))),
        ("committee_roll_of", ok(r.committee_roll_of(&committee))),
        (
            "branch_statuses",
            ok(r.branch_statuses(s.ward, ym(2026, 11), today(), &durations)),
        ),
        ("absentees", ok(r.absentees(s.ward, 2026))),
        ("roll_of", ok(r.roll_of(&held))),
        ("full_roll_of", ok(r.full_roll_of(&held))),
        ("draft", ok(r.draft(s.held))),
        (
            "meeting_to_minute",
            ok(r.meeting_to_minute(s.branch, day("2026-11-05"))),
        ),
        (
            "previous_minutes",
            ok(r.previous_minutes(s.branch, today())),
        ),
        (
            "org_classification",
            ok(r.org_classification(s.branch, 2025)),
        ),
        (
            "org_classifications_of",
            ok(r.org_classifications_of(s.branch)),
        ),
        (
            "member_classification",
            ok(r.member_classification(s.member, 2025)),
        ),
        (
            "member_classifications_of",
            ok(r.member_classifications_of(s.member)),
        ),
        ("grade_tally", ok(r.grade_tally(&ward, 2025))),
        (
            "compliance_report",
            ok(r.compliance_report(s.ward, ym(2026, 11), today())),
        ),
        ("clashes_on", ok(r.clashes_on(s.ward, day("2026-11-05")))),
        ("clashes_of", ok(r.clashes_of(&held))),
        (
            "quota_standings",
            ok(r.quota_standings(s.ward, 2026, today(), &quotas)),
        ),
        (
            "committee_quota_standings",
            ok(r.committee_quota_standings(&ward, 2026, today(), &quotas)),
        ),
        ("meetings_between", ok(r.meetings_between(s.ward, nov, dec))),
    ]
}

#[test]
fn a_secretary_of_ward_a_cannot_read_ward_b_by_id() {
    let f = fixture();
    let records = f.store.read().unwrap();
    let secretary = f.as_user(UserRole::Secretary, Some(f.a.ward));
    let r = secretary.read().unwrap();
    for (name, result) in reads_of(&r, &f.b, &records) {
        assert!(
            matches!(result, Err(StoreError::OutOfScope)),
            "{name} of ward B: {result:?}"
        );
    }
    for (name, result) in reads_of(&r, &f.a, &records) {
        assert!(result.is_ok(), "{name} of ward A: {result:?}");
    }
}

#[test]
fn records_of_ward_b_by_id_are_not_found_by_a_secretary_of_ward_a() {
    let f = fixture();
    let r = f
        .as_user(UserRole::Secretary, Some(f.a.ward))
        .read()
        .unwrap();
    assert!(r.org(f.b.branch).unwrap().is_none());
    assert!(r.org_by_code("QN.CL.K1").unwrap().is_none());
    assert!(r.member(f.b.member).unwrap().is_none());
    assert!(r.member_by_card("48000003").unwrap().is_none());
    assert!(r.meeting(f.b.held).unwrap().is_none());
    assert!(r.org_id("QN.CL").unwrap().is_none());
    assert!(r.member_id("48000003").unwrap().is_none());
    // The same reads of ward A find what is there.
    assert!(r.org(f.a.branch).unwrap().is_some());
    assert!(r.member_by_card("48000001").unwrap().is_some());
    assert_eq!(r.org_id("QN.HG.K1").unwrap(), Some(f.a.branch));
    assert!(r.meeting(f.a.held).unwrap().is_some());
}

#[test]
fn nothing_above_the_scope_is_counted_or_listed() {
    let f = fixture();
    let r = f
        .as_user(UserRole::Secretary, Some(f.a.ward))
        .read()
        .unwrap();
    let refused = |name: &str, result: Result<(), StoreError>| {
        assert!(
            matches!(result, Err(StoreError::OutOfScope)),
            "{name} of the province: {result:?}"
        );
    };
    refused("org_totals", r.org_totals(PROVINCE).map(drop));
    refused("child_count", r.child_count(Some(PROVINCE)).map(drop));
    refused(
        "month_stats",
        r.month_stats(PROVINCE, ym(2026, 11)).map(drop),
    );
    refused(
        "stored_month_stats",
        r.stored_month_stats(PROVINCE, ym(2026, 11)).map(drop),
    );
    refused(
        "stored_months",
        r.stored_months(PROVINCE, ym(2026, 1), ym(2026, 11))
            .map(drop),
    );
    let config = DurationConfig::default();
    refused(
        "branch_statuses",
        r.branch_statuses(PROVINCE, ym(2026, 11), today(), &config)
            .map(drop),
    );
    refused("absentees", r.absentees(PROVINCE, 2026).map(drop));
    refused("totals", r.totals().map(drop));
    refused(
        "compliance_report",
        r.compliance_report(PROVINCE, ym(2026, 11), today())
            .map(drop),
    );
    let names: Vec<String> = r
        .ancestors(f.a.branch)
        .unwrap()
        .into_iter()
        .map(|o| o.code)
        .collect();
    assert_eq!(names, ["QN.HG"], "no name above the scope");
}

#[test]
fn searches_and_lists_hold_no_name_from_ward_b() {
    let f = fixture();
    let r = f
        .as_user(UserRole::Secretary, Some(f.a.ward))
        .read()
        .unwrap();
    let members: Vec<String> = r
        .search_members("lan", 10)
        .unwrap()
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert_eq!(members, ["Trần Thị Lan"]);
    assert!(r.search_members("nguyen van dong", 10).unwrap().is_empty());
    let orgs: Vec<String> = r
        .search_orgs("chi bo", 10)
        .unwrap()
        .into_iter()
        .map(|o| o.name)
        .collect();
    assert_eq!(orgs, ["Chi bộ khu 1 Hồng Gai"]);
    assert!(r.search_orgs("cao xanh", 10).unwrap().is_empty());
    let roots: Vec<String> = r
        .children(None, 0, 10)
        .unwrap()
        .into_iter()
        .map(|o| o.code)
        .collect();
    assert_eq!(roots, ["QN.HG"]);

    let mut codes = Vec::new();
    r.each_org(|o| {
        codes.push(o.code);
        Ok::<_, StoreError>(())
    })
    .unwrap();
    assert_eq!(codes, ["QN.HG", "QN.HG.K1"]);
    let mut cards = Vec::new();
    r.each_member(|m| {
        cards.push(m.card);
        Ok::<_, StoreError>(())
    })
    .unwrap();
    assert_eq!(cards, ["48000001", "48000002"]);
    let graded: Vec<u64> = r
        .all_member_classifications()
        .unwrap()
        .into_iter()
        .map(|(id, _, _)| id)
        .collect();
    assert_eq!(graded, [f.a.member.0]);

    let statuses = r
        .branch_statuses(f.a.ward, ym(2026, 11), today(), &DurationConfig::default())
        .unwrap();
    let branches: Vec<String> = statuses.into_iter().map(|s| s.branch.code).collect();
    assert_eq!(branches, ["QN.HG.K1"]);
    // An admin's list from the province holds both wards: the filter is the scope's.
    let all = f
        .store
        .read()
        .unwrap()
        .branch_statuses(PROVINCE, ym(2026, 11), today(), &DurationConfig::default())
        .unwrap();
    assert_eq!(all.len(), 2);
}

#[test]
fn who_came_to_or_oversees_a_branch_is_named_with_it_though_they_sit_outside() {
    let f = fixture();
    // A ward committee member who sits in the ward's other branch, oversees branch A and
    // came to its meeting: outside a scope of branch A alone.
    let visitor = MemberId(50);
    f.store
        .write(|w| {
            let other = OrgUnit::new(
                OrgId(60),
                "QN.HG.K2",
                "Chi bộ khu 2 Hồng Gai",
                OrgKind::Branch,
                Some(f.a.ward),
            );
            w.put_org(&other)?;
            w.put_member(&member(visitor.0, "48000050", "Đỗ Văn Phúc", other.id))?;
            w.put_oversight(&oversight(visitor, f.a.branch))?;
            let mut held = w.meeting(f.a.held)?.unwrap();
            held.guests.push(visitor);
            w.put_meeting(&held)
        })
        .unwrap();
    let r = f
        .as_user(UserRole::Secretary, Some(f.a.branch))
        .read()
        .unwrap();
    let names = |members: Vec<Member>| members.into_iter().map(|m| m.name).collect::<Vec<_>>();
    assert_eq!(names(r.guests_of(f.a.held).unwrap()), ["Đỗ Văn Phúc"]);
    let overseers: Vec<Member> = r
        .overseers_of(f.a.branch)
        .unwrap()
        .into_iter()
        .map(|(_, m)| m)
        .collect();
    assert!(names(overseers).contains(&"Đỗ Văn Phúc".to_string()));
    // Their own record and branch stay outside.
    assert!(r.member(visitor).unwrap().is_none());
    assert!(r.search_members("phuc", 10).unwrap().is_empty());
    assert!(matches!(
        r.members_of(OrgId(60), 0, 10),
        Err(StoreError::OutOfScope)
    ));
}

#[test]
fn a_refusal_says_why_in_both_languages() {
    let f = fixture();
    let viewer = f.as_user(UserRole::Viewer, None);
    let Err(e) = viewer.write(|w| w.save_minutes(f.a.held, "x".into(), at())) else {
        panic!("a viewer saved minutes")
    };
    assert!(
        e.message(Lang::Vi).contains("không có quyền"),
        "{}",
        e.message(Lang::Vi)
    );
    assert!(
        e.message(Lang::En).contains("may not change"),
        "{}",
        e.message(Lang::En)
    );
    let secretary = f.as_user(UserRole::Secretary, Some(f.a.ward));
    let Err(e) = secretary.write(|w| w.save_minutes(f.b.held, "x".into(), at())) else {
        panic!("ward A's secretary saved ward B's minutes")
    };
    assert!(matches!(e, StoreError::OutOfScope));
    assert_ne!(e.message(Lang::Vi), e.message(Lang::En));
}
