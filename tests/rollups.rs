//! The roll-ups stay exact: random sequences of writes — meetings planned, held, moved and
//! cancelled with their marks and guests, plans prepared, documented and sent, status
//! changes, new and transferred members, moves of subtrees, dissolutions, foundings, rule
//! and plan deadline changes — one to three in a transaction, and after each transaction
//! `chibo check` finds every roll-up equal to a recount from the records, the count of a
//! month not covered agrees with it, every branch's month agrees with the compliance report
//! and the branch-status list, and the absentees counted agree with the absentee report.
//! Real redb files in temporary directories.

use chrono::{NaiveDate, Weekday};
use proptest::prelude::*;

use chibo::domain::YearMonth;
use chibo::domain::duration::DurationConfig;
use chibo::domain::prep::{PlanMonth, Timeliness};
use chibo::domain::{
    Compliance, DocumentBody, Mark, Meeting, MeetingKind, MeetingState, Member, MemberId,
    MemberStatus, MonthStats, OrgId, OrgKind, OrgUnit, RuleChange, ScheduleRule, StatusChange,
};
use chibo::store::{Store, StoreError, Writer, check};

fn ym(year: i32, month: u32) -> YearMonth {
    YearMonth::new(year, month).unwrap()
}

/// How many months the writes fall in: July 2026 to January 2027.
const MONTHS: usize = 7;

/// Month `i` of the [`MONTHS`] the writes fall in.
fn month_at(i: u8) -> YearMonth {
    ym(2026, 7).plus(i32::from(i))
}

/// Branches: P.W1.A, P.W1.B, P.W2.C, P.G (grassroots) and Q.D.
const BRANCHES: [u64; 5] = [4, 5, 6, 7, 10];
/// What may move (the wards and the branches) and where to (the provinces and the wards).
const MOVABLE: [u64; 7] = [2, 3, 4, 5, 6, 7, 10];
const PARENTS: [u64; 4] = [1, 2, 3, 9];
/// Whose rules may change: a province, a ward, a branch.
const RULED: [u64; 3] = [1, 2, 5];

fn day(month: u8, d: u8) -> NaiveDate {
    let first = month_at(month % MONTHS as u8).first_day();
    first + chrono::Days::new(u64::from(d % 28))
}

fn org(id: u64, code: &str, kind: OrgKind, parent: Option<u64>) -> OrgUnit {
    OrgUnit::new(
        OrgId(id),
        code,
        format!("Tổ chức {code}"),
        kind,
        parent.map(OrgId),
    )
}

fn member(id: u64, branch: u64, cell: Option<u64>) -> Member {
    Member {
        id: MemberId(id),
        card: format!("{id:08}"),
        name: format!("Nguyễn Văn {id}"),
        sex: None,
        born: None,
        admitted: None,
        full_member: None,
        org: OrgId(branch),
        cell: cell.map(OrgId),
        phone: None,
        residence: None,
        former_orgs: Vec::new(),
        history: vec![],
    }
}

/// Province P (the 7th, 2 days' grace) with wards W1 and W2, branches A (with cell T1) and B
/// (3 days' grace) in W1, C (first Thursday) in W2, a grassroots branch G under P; province
/// Q without any rule and its branch D. Two members in every branch, one of A's in T1.
fn setup(dir: &std::path::Path) -> Store {
    let store = Store::open(&dir.join("rollups.redb")).unwrap();
    store
        .write(|w| {
            let mut p = org(1, "P", OrgKind::ProvincialCommittee, None);
            p.meeting_rule = Some(ScheduleRule::DayOfMonth(7));
            p.grace_days = Some(2);
            let mut b = org(5, "P.W1.B", OrgKind::Branch, Some(2));
            b.grace_days = Some(3);
            let mut c = org(6, "P.W2.C", OrgKind::Branch, Some(3));
            c.meeting_rule = Some(ScheduleRule::NthWeekday {
                n: 1,
                weekday: Weekday::Thu,
            });
            let orgs = [
                p,
                org(2, "P.W1", OrgKind::GrassrootsCommittee, Some(1)),
                org(3, "P.W2", OrgKind::GrassrootsCommittee, Some(1)),
                org(4, "P.W1.A", OrgKind::Branch, Some(2)),
                b,
                c,
                org(7, "P.G", OrgKind::GrassrootsBranch, Some(1)),
                org(8, "P.W1.A.T1", OrgKind::Cell, Some(4)),
                org(9, "Q", OrgKind::ProvincialCommittee, None),
                org(10, "Q.D", OrgKind::Branch, Some(9)),
            ];
            for o in orgs {
                assert_eq!(w.new_org_id()?, o.id);
                w.put_org(&o)?;
            }
            for (i, &branch) in BRANCHES.iter().enumerate() {
                for j in 0..2 {
                    let id = w.new_member_id()?;
                    let cell = (i == 0 && j == 1).then_some(8);
                    w.put_member(&member(id.0, branch, cell))?;
                }
            }
            Ok::<_, StoreError>(())
        })
        .unwrap();
    store
}

#[derive(Debug, Clone)]
enum Op {
    Meeting {
        branch: usize,
        kind: u8,
        state: u8,
        month: u8,
        day: u8,
        marks: Vec<u8>,
        guests: u8,
    },
    Edit {
        meeting: u16,
        month: u8,
        day: u8,
        state: u8,
    },
    Status {
        member: u16,
        status: u8,
        month: u8,
        day: u8,
        until: Option<u8>,
    },
    NewMember {
        branch: usize,
        in_cell: bool,
    },
    MoveMember {
        member: u16,
        branch: usize,
        on: (u8, u8),
    },
    Plan {
        meeting: u16,
        document: Option<(u8, u8)>,
        sent: Option<(u8, u8)>,
    },
    Deadline {
        org: usize,
        month: u8,
        day: Option<u8>,
    },
    Move {
        org: usize,
        parent: usize,
    },
    Dissolve {
        branch: usize,
        on: Option<(u8, u8)>,
    },
    Found {
        branch: usize,
        on: Option<(u8, u8)>,
    },
    Rule {
        org: usize,
        month: u8,
        day: Option<u8>,
        grace: Option<u8>,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let month = 0..MONTHS as u8;
    prop_oneof![
        4 => (0..BRANCHES.len(), 0..4u8, 0..3u8, month.clone(), any::<u8>(), prop::collection::vec(0..4u8, 0..4), 0..3u8)
            .prop_map(|(branch, kind, state, month, day, marks, guests)| Op::Meeting { branch, kind, state, month, day, marks, guests }),
        2 => (any::<u16>(), month.clone(), any::<u8>(), 0..3u8)
            .prop_map(|(meeting, month, day, state)| Op::Edit { meeting, month, day, state }),
        2 => (any::<u16>(), 0..7u8, month.clone(), any::<u8>(), prop::option::of(0..MONTHS as u8))
            .prop_map(|(member, status, month, day, until)| Op::Status { member, status, month, day, until }),
        1 => (0..BRANCHES.len(), any::<bool>()).prop_map(|(branch, in_cell)| Op::NewMember { branch, in_cell }),
        1 => (any::<u16>(), 0..BRANCHES.len(), (month.clone(), any::<u8>()))
            .prop_map(|(member, branch, on)| Op::MoveMember { member, branch, on }),
        2 => (any::<u16>(), prop::option::of((month.clone(), any::<u8>())), prop::option::of((month.clone(), any::<u8>())))
            .prop_map(|(meeting, document, sent)| Op::Plan { meeting, document, sent }),
        1 => (0..RULED.len(), month.clone(), prop::option::of(1..32u8))
            .prop_map(|(org, month, day)| Op::Deadline { org, month, day }),
        2 => (0..MOVABLE.len(), 0..PARENTS.len()).prop_map(|(org, parent)| Op::Move { org, parent }),
        1 => (0..BRANCHES.len(), prop::option::of((month.clone(), any::<u8>())))
            .prop_map(|(branch, on)| Op::Dissolve { branch, on }),
        1 => (0..BRANCHES.len(), prop::option::of((month.clone(), any::<u8>())))
            .prop_map(|(branch, on)| Op::Found { branch, on }),
        2 => (0..RULED.len(), month, prop::option::of(1..32u8), prop::option::of(0..4u8))
            .prop_map(|(org, month, day, grace)| Op::Rule { org, month, day, grace }),
    ]
}

fn nth_member(w: &Writer<'_>, n: u16) -> Result<Member, StoreError> {
    let count = w.totals()?.members;
    let id = u64::from(n) % count + 1;
    Ok(w.member(MemberId(id))?.expect("members are never deleted"))
}

const KINDS: [MeetingKind; 4] = [
    MeetingKind::Regular,
    MeetingKind::Thematic,
    MeetingKind::Committee,
    MeetingKind::Extraordinary,
];
const STATES: [MeetingState; 3] = [
    MeetingState::Planned,
    MeetingState::Held,
    MeetingState::Cancelled,
];
const MARKS: [Mark; 4] = [Mark::Present, Mark::Excused, Mark::Absent, Mark::Exempt];

/// Marks for everyone now in the meeting's branch, drawn in turn from `marks`.
fn mark_branch(w: &Writer<'_>, meeting: &mut Meeting, marks: &[u8]) -> Result<(), StoreError> {
    meeting.attendance.clear();
    if meeting.state != MeetingState::Held {
        return Ok(());
    }
    for (i, m) in w.members_of(meeting.org, 0, 100)?.into_iter().enumerate() {
        let mark = marks.get(i % marks.len().max(1)).copied().unwrap_or(0);
        meeting.attendance.push((m.id, MARKS[usize::from(mark)]));
    }
    meeting.attendance.sort_unstable_by_key(|(id, _)| *id);
    Ok(())
}

fn apply(w: &mut Writer<'_>, op: &Op) -> Result<(), StoreError> {
    match op.clone() {
        Op::Meeting {
            branch,
            kind,
            state,
            month,
            day: d,
            marks,
            guests,
        } => {
            let id = w.new_meeting_id()?;
            let org = OrgId(BRANCHES[branch]);
            let mut m = Meeting::new(
                id,
                org,
                KINDS[usize::from(kind)],
                day(month, d),
                STATES[usize::from(state)],
            );
            mark_branch(w, &mut m, &marks)?;
            m.guests = (1..=u64::from(guests)).map(MemberId).collect();
            w.put_meeting(&m)
        }
        Op::Edit {
            meeting,
            month,
            day: d,
            state,
        } => {
            let count = w.totals()?.meetings;
            if count == 0 {
                return Ok(());
            }
            let id = chibo::domain::MeetingId(u64::from(meeting) % count + 1);
            let Some(mut m) = w.meeting(id)? else {
                return Ok(());
            };
            let was_held = m.state == MeetingState::Held;
            m.state = STATES[usize::from(state)];
            m.reschedule(day(month, d));
            if !(was_held && m.state == MeetingState::Held) {
                mark_branch(w, &mut m, &[0, 2])?;
            }
            w.put_meeting(&m)
        }
        Op::Status {
            member,
            status,
            month,
            day: d,
            until,
        } => {
            let mut m = nth_member(w, member)?;
            let status = MemberStatus::ALL[usize::from(status)];
            let from = day(month, d);
            let until = status
                .needs_until()
                .then(|| until.map(|u| day(u, d)))
                .flatten()
                .filter(|u| *u > from);
            let until =
                until.or_else(|| status.needs_until().then(|| from + chrono::Days::new(40)));
            m.record_status(StatusChange {
                status,
                from,
                until,
                reason: None,
            });
            w.put_member(&m)
        }
        Op::NewMember { branch, in_cell } => {
            let id = w.new_member_id()?;
            let branch = BRANCHES[branch];
            let cell = (in_cell
                && branch == 4
                && w.org(OrgId(8))?.is_some_and(|c| c.parent == Some(OrgId(4))))
            .then_some(8);
            w.put_new_members(&[member(id.0, branch, cell)])
        }
        Op::MoveMember { member, branch, on } => {
            let mut m = nth_member(w, member)?;
            // A move dated before the member's last one is refused by the domain: no write.
            match m.transfer(OrgId(BRANCHES[branch]), None, day(on.0, on.1)) {
                Ok(()) => w.put_member(&m),
                Err(_) => Ok(()),
            }
        }
        Op::Plan {
            meeting,
            document,
            sent,
        } => {
            let count = w.totals()?.meetings;
            if count == 0 {
                return Ok(());
            }
            let id = chibo::domain::MeetingId(u64::from(meeting) % count + 1);
            let Some(mut m) = w.meeting(id)? else {
                return Ok(());
            };
            m.time = chrono::NaiveTime::from_hms_opt(19, 30, 0);
            m.place = Some("Nhà văn hóa".into());
            m.topic = Some("Nhiệm vụ tháng tới".into());
            w.put_meeting(&m)?;
            let moment = |(month, d): (u8, u8)| day(month, d).and_hms_opt(20, 0, 0).unwrap();
            if let Some(at) = document {
                let body = DocumentBody::Markdown(format!("# Tài liệu {at:?}"));
                w.attach_document(id, "Dự thảo.md", &body, moment(at))?;
            }
            match sent {
                Some(at) => w.send_plan(id, moment(at)).map(|_| ()),
                None => Ok(()),
            }
        }
        Op::Deadline { org, month, day: d } => {
            let mut o = w.org(OrgId(RULED[org]))?.unwrap();
            let from = month_at(month);
            let (meeting_rule, grace_days) = o.own_settings_in(from);
            o.put_rule_change(RuleChange {
                from: from.key(),
                meeting_rule,
                grace_days,
                plan_deadline: d,
            });
            w.put_org(&o)
        }
        Op::Move { org, parent } => {
            let (id, parent) = (OrgId(MOVABLE[org]), OrgId(PARENTS[parent]));
            let mut moved = w.org(id)?.expect("orgs are never deleted");
            let parent_kind = w.org(parent)?.expect("parents exist").kind;
            if id == parent || !moved.kind.may_sit_under(parent_kind) {
                return Ok(());
            }
            moved.parent = Some(parent);
            w.put_org(&moved)
        }
        Op::Dissolve { branch, on } => {
            let mut b = w.org(OrgId(BRANCHES[branch]))?.unwrap();
            b.dissolved = on.map(|(m, d)| day(m, d));
            w.put_org(&b)
        }
        Op::Found { branch, on } => {
            let mut b = w.org(OrgId(BRANCHES[branch]))?.unwrap();
            b.founded = on.map(|(m, d)| day(m, d));
            w.put_org(&b)
        }
        Op::Rule {
            org,
            month,
            day: d,
            grace,
        } => {
            let mut o = w.org(OrgId(RULED[org]))?.unwrap();
            o.put_rule_change(RuleChange {
                from: month_at(month).key(),
                meeting_rule: d.map(ScheduleRule::DayOfMonth),
                grace_days: grace,
                plan_deadline: None,
            });
            w.put_org(&o)
        }
    }
}

/// Whether a branch's own month counts its plan and documents as the status list judges them.
fn plans_agree(kept: Option<PlanMonth>, stats: &MonthStats) -> bool {
    let counted = |t: Timeliness, (on_time, late, pending): (u32, u32, &Vec<(i32, u32)>)| {
        let pending: u32 = pending.iter().map(|(_, n)| n).sum();
        match t {
            Timeliness::OnTime { .. } => (on_time, late, pending) == (1, 0, 0),
            Timeliness::Late { .. } => (on_time, late, pending) == (0, 1, 0),
            Timeliness::Pending { .. } => (on_time, late, pending) == (0, 0, 1),
        }
    };
    match kept {
        None => stats.plans_due() == 0 && stats.documents_due() == 0,
        Some(kept) => {
            counted(
                kept.plan,
                (stats.plans_on_time, stats.plans_late, &stats.plans_pending),
            ) && counted(
                kept.documents,
                (
                    stats.documents_on_time,
                    stats.documents_late,
                    &stats.documents_pending,
                ),
            ) && kept_days(kept, stats)
        }
    }
}

/// The pending entries sit at the deadlines the status list names.
fn kept_days(kept: PlanMonth, stats: &MonthStats) -> bool {
    let at = |t: Timeliness, hist: &Vec<(i32, u32)>| match t {
        Timeliness::Pending { deadline } => {
            hist == &vec![(chibo::domain::date::day_number(deadline), 1)]
        }
        _ => hist.is_empty(),
    };
    at(kept.plan, &stats.plans_pending) && at(kept.documents, &stats.documents_pending)
}

/// Every check the roll-ups must pass after a transaction.
fn assert_exact(store: &Store) -> Result<(), TestCaseError> {
    let r = store.read().unwrap();
    let problems: Vec<String> = check::run(&r)
        .unwrap()
        .into_iter()
        .filter(|p| p.starts_with("rollup") || p.starts_with("org_totals"))
        .collect();
    prop_assert!(problems.is_empty(), "{problems:#?}");
    let covered = r.covered_months().unwrap();
    for root in [1, 9] {
        let listed = r.absentees(OrgId(root), 2026).unwrap().len() as u32;
        let counted = r.month_stats(OrgId(root), ym(2026, 12)).unwrap().absentees;
        prop_assert_eq!(listed, counted, "absentees of {} in 2026", root);
    }
    for month in (0..MONTHS as u8).map(month_at) {
        for root in [1, 2, 9, 4] {
            let counted = r.count_month(OrgId(root), month).unwrap();
            prop_assert_eq!(
                &r.month_stats(OrgId(root), month).unwrap(),
                &counted,
                "org {} in {} (covered: {})",
                root,
                month,
                covered.contains(&month)
            );
        }
        for &branch in &BRANCHES {
            let stats = r.month_stats(OrgId(branch), month).unwrap();
            for today in [day(3, 0), day(3, 8), day(3, 10), day(6, 27)] {
                let status = &r
                    .branch_statuses(OrgId(branch), month, today, &DurationConfig::default())
                    .unwrap()[0];
                prop_assert!(
                    plans_agree(status.kept, &stats),
                    "branch {} in {}: status {:?}, roll-up {:?}",
                    branch,
                    month,
                    status.kept,
                    stats
                );
                let row = &r.compliance_report(OrgId(branch), month, today).unwrap()[0];
                let agrees = match row.status {
                    Compliance::NotDue => stats.branches_due() == 0,
                    status => stats.branches_due() == 1 && stats.count(status, today) == 1,
                };
                prop_assert!(
                    agrees,
                    "branch {} in {} on {}: report says {}, roll-up {:?}",
                    branch,
                    month,
                    today,
                    row.status,
                    stats
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn rollups_equal_a_recount_after_every_transaction(
        transactions in prop::collection::vec(prop::collection::vec(op(), 1..4), 1..10)
    ) {
        let dir = tempfile::tempdir().unwrap();
        let store = setup(dir.path());
        assert_exact(&store)?;
        for ops in &transactions {
            // A write the store refuses (a second meeting of a kind on a day, a move into
            // itself) rolls the whole transaction back: the roll-ups must be exact either way.
            let _ = store.write(|w| {
                for op in ops {
                    apply(w, op)?;
                }
                Ok::<_, StoreError>(())
            });
            assert_exact(&store)?;
        }
    }
}
