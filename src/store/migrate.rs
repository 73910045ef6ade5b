//! Schema versions and the migrations between them. Each migration takes a database at
//! version N to N+1 inside the same write transaction that records the new version, so a
//! migration either happens whole or not at all.

use std::path::Path;

use chrono::{NaiveDate, NaiveTime};
use redb::{ReadableTable, TableDefinition, WriteTransaction};
use serde::{Deserialize, Serialize};

use std::collections::{BTreeSet, HashMap};

use super::backup::copy_within;
use super::codec::{decode, decode_front, encode};
use super::folded_ids;
use super::rollups::{recount_absences, recount_months};
use super::tables::*;
use super::{MAGIC, Store, StoreError};
use crate::domain::YearMonth;
use crate::domain::date::{days, opt_clock, opt_days};
use crate::domain::minutes::bare_name;
use crate::domain::prep::DocumentInfo;
use crate::domain::stats::recount;
use crate::domain::text::{fold, folded_suffixes, person_key};
use crate::domain::{
    Amendment, Approval, BranchType, Mark, Meeting, MeetingId, MeetingKind, MeetingState, Member,
    MemberId, OrgId, OrgKind, OrgUnit, RuleChange, ScheduleRule, Sex, StatusChange, Vote,
};

/// The schema this chibo writes.
pub const SCHEMA_VERSION: u32 = 15;

/// One step from version `from` to `from + 1`.
type Migration = fn(&WriteTransaction) -> Result<(), StoreError>;

/// `MIGRATIONS[i]` takes a database from version `i + 1` to `i + 2`.
const MIGRATIONS: &[Migration] = &[
    index_org_names_and_totals,
    reencode_orgs_and_meetings,
    reencode_meeting_approvals,
    build_rollups,
    prepare_plans_and_absences,
    add_classification_tables,
    mark_exempt_attendance,
    count_exempt_from_statuses,
    count_meetings_without_roll,
    count_exempt_who_moved_on,
    record_minutes_facts,
    name_users,
    pack_marks_and_roster_keys,
    pack_folded_ids,
];

/// An organisation as schemas 1 and 2 stored it: before rule changes.
#[derive(Deserialize)]
struct OrgUnitV2 {
    id: OrgId,
    code: String,
    name: String,
    kind: OrgKind,
    parent: Option<OrgId>,
    branch_type: Option<BranchType>,
    meeting_rule: Option<ScheduleRule>,
    grace_days: Option<u8>,
    #[serde(with = "opt_days")]
    founded: Option<NaiveDate>,
    #[serde(with = "opt_days")]
    dissolved: Option<NaiveDate>,
}

impl From<OrgUnitV2> for OrgUnitV5 {
    fn from(old: OrgUnitV2) -> OrgUnitV5 {
        OrgUnitV5 {
            id: old.id,
            code: old.code,
            name: old.name,
            kind: old.kind,
            parent: old.parent,
            branch_type: old.branch_type,
            meeting_rule: old.meeting_rule,
            grace_days: old.grace_days,
            founded: old.founded,
            dissolved: old.dissolved,
            rule_changes: Vec::new(),
        }
    }
}

/// A meeting as schemas 1 and 2 stored it: always one that was held, without times or place.
#[derive(Deserialize)]
struct MeetingV2 {
    id: MeetingId,
    org: OrgId,
    kind: MeetingKind,
    #[serde(with = "days")]
    date: NaiveDate,
    #[serde(with = "opt_days")]
    planned: Option<NaiveDate>,
    attendance: Vec<(MemberId, Mark)>,
    excuses: Vec<(MemberId, String)>,
    guests: Vec<MemberId>,
    topic: Option<String>,
    minutes: Option<String>,
    approved: bool,
}

impl From<MeetingV2> for MeetingV3 {
    fn from(old: MeetingV2) -> MeetingV3 {
        MeetingV3 {
            id: old.id,
            org: old.org,
            kind: old.kind,
            date: old.date,
            planned: old.planned,
            attendance: old.attendance,
            excuses: old.excuses,
            guests: old.guests,
            topic: old.topic,
            minutes: old.minutes,
            approved: old.approved,
            state: MeetingState::Held,
            time: None,
            end_time: None,
            place: None,
        }
    }
}

/// A meeting as schema 3 stored it: approval was a yes or no, without amendments.
#[derive(Serialize, Deserialize)]
struct MeetingV3 {
    id: MeetingId,
    org: OrgId,
    kind: MeetingKind,
    #[serde(with = "days")]
    date: NaiveDate,
    #[serde(with = "opt_days")]
    planned: Option<NaiveDate>,
    attendance: Vec<(MemberId, Mark)>,
    excuses: Vec<(MemberId, String)>,
    guests: Vec<MemberId>,
    topic: Option<String>,
    minutes: Option<String>,
    approved: bool,
    state: MeetingState,
    #[serde(with = "opt_clock")]
    time: Option<NaiveTime>,
    #[serde(with = "opt_clock")]
    end_time: Option<NaiveTime>,
    place: Option<String>,
}

impl From<MeetingV3> for MeetingV5 {
    fn from(old: MeetingV3) -> MeetingV5 {
        MeetingV5 {
            id: old.id,
            org: old.org,
            kind: old.kind,
            date: old.date,
            planned: old.planned,
            attendance: old.attendance,
            excuses: old.excuses,
            guests: old.guests,
            topic: old.topic,
            minutes: old.minutes,
            minutes_saved_at: None,
            approval: old.approved.then(Approval::default),
            amendments: Vec::new(),
            state: old.state,
            time: old.time,
            end_time: old.end_time,
            place: old.place,
        }
    }
}

/// An organisation as schemas 3 to 5 stored it: before the plan deadline.
#[derive(Serialize, Deserialize)]
struct OrgUnitV5 {
    id: OrgId,
    code: String,
    name: String,
    kind: OrgKind,
    parent: Option<OrgId>,
    branch_type: Option<BranchType>,
    meeting_rule: Option<ScheduleRule>,
    grace_days: Option<u8>,
    #[serde(with = "opt_days")]
    founded: Option<NaiveDate>,
    #[serde(with = "opt_days")]
    dissolved: Option<NaiveDate>,
    rule_changes: Vec<RuleChangeV5>,
}

/// A rule change as schemas 3 to 5 stored it: rule and grace only.
#[derive(Serialize, Deserialize)]
struct RuleChangeV5 {
    from: u32,
    meeting_rule: Option<ScheduleRule>,
    grace_days: Option<u8>,
}

impl From<OrgUnitV5> for OrgUnit {
    fn from(old: OrgUnitV5) -> OrgUnit {
        OrgUnit {
            id: old.id,
            code: old.code,
            name: old.name,
            kind: old.kind,
            parent: old.parent,
            branch_type: old.branch_type,
            meeting_rule: old.meeting_rule,
            grace_days: old.grace_days,
            plan_deadline: None,
            founded: old.founded,
            dissolved: old.dissolved,
            rule_changes: old
                .rule_changes
                .into_iter()
                .map(|c| RuleChange {
                    from: c.from,
                    meeting_rule: c.meeting_rule,
                    grace_days: c.grace_days,
                    plan_deadline: None,
                })
                .collect(),
        }
    }
}

/// A meeting as schemas 4 and 5 stored it: before preparation, votes and decisions.
#[derive(Serialize, Deserialize)]
struct MeetingV5 {
    id: MeetingId,
    org: OrgId,
    kind: MeetingKind,
    #[serde(with = "days")]
    date: NaiveDate,
    #[serde(with = "opt_days")]
    planned: Option<NaiveDate>,
    attendance: Vec<(MemberId, Mark)>,
    excuses: Vec<(MemberId, String)>,
    guests: Vec<MemberId>,
    topic: Option<String>,
    minutes: Option<String>,
    minutes_saved_at: Option<chrono::NaiveDateTime>,
    approval: Option<Approval>,
    amendments: Vec<Amendment>,
    state: MeetingState,
    #[serde(with = "opt_clock")]
    time: Option<NaiveTime>,
    #[serde(with = "opt_clock")]
    end_time: Option<NaiveTime>,
    place: Option<String>,
}

impl From<MeetingV5> for MeetingV11 {
    fn from(old: MeetingV5) -> MeetingV11 {
        MeetingV11 {
            id: old.id,
            org: old.org,
            kind: old.kind,
            date: old.date,
            planned: old.planned,
            attendance: old.attendance,
            excuses: old.excuses,
            guests: old.guests,
            topic: old.topic,
            minutes: old.minutes,
            minutes_saved_at: old.minutes_saved_at,
            approval: old.approval,
            amendments: old.amendments,
            state: old.state,
            time: old.time,
            end_time: old.end_time,
            place: old.place,
            agenda: Vec::new(),
            drafter: None,
            documents: Vec::new(),
            sent_at: None,
            vote: None,
            decisions: None,
        }
    }
}

impl From<MeetingV5> for Meeting {
    fn from(old: MeetingV5) -> Meeting {
        Meeting::from(MeetingV11::from(old))
    }
}

/// A meeting as schemas 6 to 11 stored it: before the minutes' facts were fields.
#[derive(Serialize, Deserialize)]
struct MeetingV11 {
    id: MeetingId,
    org: OrgId,
    kind: MeetingKind,
    #[serde(with = "days")]
    date: NaiveDate,
    #[serde(with = "opt_days")]
    planned: Option<NaiveDate>,
    attendance: Vec<(MemberId, Mark)>,
    excuses: Vec<(MemberId, String)>,
    guests: Vec<MemberId>,
    topic: Option<String>,
    minutes: Option<String>,
    minutes_saved_at: Option<chrono::NaiveDateTime>,
    approval: Option<Approval>,
    amendments: Vec<Amendment>,
    state: MeetingState,
    #[serde(with = "opt_clock")]
    time: Option<NaiveTime>,
    #[serde(with = "opt_clock")]
    end_time: Option<NaiveTime>,
    place: Option<String>,
    agenda: Vec<String>,
    drafter: Option<MemberId>,
    documents: Vec<DocumentInfo>,
    sent_at: Option<chrono::NaiveDateTime>,
    vote: Option<Vote>,
    decisions: Option<String>,
}

/// A meeting of schemas 6 to 11 as today's type, for the counts of the steps up to 11:
/// no chair, secretary or assignments yet (step 11 → 12 takes them from the text).
impl From<MeetingV11> for Meeting {
    fn from(old: MeetingV11) -> Meeting {
        Meeting {
            id: old.id,
            org: old.org,
            kind: old.kind,
            date: old.date,
            planned: old.planned,
            attendance: old.attendance,
            excuses: old.excuses,
            guests: old.guests,
            topic: old.topic,
            minutes: old.minutes,
            minutes_saved_at: old.minutes_saved_at,
            approval: old.approval,
            amendments: old.amendments,
            state: old.state,
            time: old.time,
            end_time: old.end_time,
            place: old.place,
            agenda: old.agenda,
            drafter: old.drafter,
            documents: old.documents,
            sent_at: old.sent_at,
            vote: old.vote,
            decisions: old.decisions,
            chair: None,
            secretary: None,
            assignments: Vec::new(),
        }
    }
}

/// A meeting of schema 11 brought to 12: its chair and minutes secretary those named at
/// approval, else those its opening names. Encoded as the meeting itself.
#[derive(Serialize)]
#[serde(transparent)]
struct WithSigners(Meeting);

impl From<MeetingV11> for WithSigners {
    fn from(old: MeetingV11) -> WithSigners {
        let mut meeting = Meeting::from(old);
        let approved = meeting.approval.clone().unwrap_or_default();
        let (chair, secretary) = meeting.signers();
        meeting.chair = approved.chair.map(|n| bare_name(&n)).or(chair);
        meeting.secretary = approved.secretary.map(|n| bare_name(&n)).or(secretary);
        WithSigners(meeting)
    }
}

/// Steps 6 to 11 write meetings back in the layout of their own schema: what later
/// schemas added is not there yet.
impl From<Meeting> for MeetingV11 {
    fn from(new: Meeting) -> MeetingV11 {
        MeetingV11 {
            id: new.id,
            org: new.org,
            kind: new.kind,
            date: new.date,
            planned: new.planned,
            attendance: new.attendance,
            excuses: new.excuses,
            guests: new.guests,
            topic: new.topic,
            minutes: new.minutes,
            minutes_saved_at: new.minutes_saved_at,
            approval: new.approval,
            amendments: new.amendments,
            state: new.state,
            time: new.time,
            end_time: new.end_time,
            place: new.place,
            agenda: new.agenda,
            drafter: new.drafter,
            documents: new.documents,
            sent_at: new.sent_at,
            vote: new.vote,
            decisions: new.decisions,
        }
    }
}

/// A member as schemas 1 to 5 stored it: without the branches sat in before.
#[derive(Deserialize)]
struct MemberV5 {
    id: MemberId,
    card: String,
    name: String,
    sex: Option<Sex>,
    #[serde(with = "opt_days")]
    born: Option<NaiveDate>,
    #[serde(with = "opt_days")]
    admitted: Option<NaiveDate>,
    #[serde(with = "opt_days")]
    full_member: Option<NaiveDate>,
    org: OrgId,
    cell: Option<OrgId>,
    phone: Option<String>,
    residence: Option<String>,
    history: Vec<StatusChange>,
}

impl From<MemberV5> for Member {
    fn from(old: MemberV5) -> Member {
        Member {
            id: old.id,
            card: old.card,
            name: old.name,
            sex: old.sex,
            born: old.born,
            admitted: old.admitted,
            full_member: old.full_member,
            org: old.org,
            cell: old.cell,
            phone: old.phone,
            residence: old.residence,
            history: old.history,
            former_orgs: Vec::new(),
        }
    }
}

/// 1 → 2: organisations become searchable by name, and every organisation keeps the totals
/// of its subtree; fill `org_by_folded` and `org_totals` from the records.
fn index_org_names_and_totals(txn: &WriteTransaction) -> Result<(), StoreError> {
    index_org_names(txn)?;
    let orgs = txn.open_table(ORGS)?;
    let mut all_orgs = HashMap::new();
    for row in orgs.iter()? {
        let (id, bytes) = row?;
        let org = OrgUnit::from(OrgUnitV5::from(decode::<OrgUnitV2>(bytes.value())?));
        all_orgs.insert(id.value(), org);
    }
    let mut members = Vec::new();
    for row in txn.open_table(MEMBERS)?.iter()? {
        members.push(Member::from(decode::<MemberV5>(row?.1.value())?));
    }
    let mut totals = txn.open_table(ORG_TOTALS)?;
    for (id, t) in recount(&all_orgs, &members) {
        totals.insert(id, encode(&t).as_slice())?;
    }
    Ok(())
}

fn index_org_names(txn: &WriteTransaction) -> Result<(), StoreError> {
    let orgs = txn.open_table(ORGS)?;
    let mut index = txn.open_table(ORG_BY_FOLDED)?;
    for row in orgs.iter()? {
        let (id, bytes) = row?;
        let org: OrgUnitV2 = decode(bytes.value())?;
        let folded = fold(&org.name);
        for suffix in folded_suffixes(&folded) {
            index.insert((suffix, id.value()), ())?;
        }
    }
    Ok(())
}

/// 2 → 3: organisations gain dated rule changes (none yet) and meetings a state (every
/// stored one was held), times and a place; every row is re-encoded in the new layout.
fn reencode_orgs_and_meetings(txn: &WriteTransaction) -> Result<(), StoreError> {
    reencode::<OrgUnitV2, OrgUnitV5>(txn, ORGS)?;
    reencode::<MeetingV2, MeetingV3>(txn, MEETINGS)
}

/// 3 → 4: approved minutes say who approved them and when, and take amendments.
fn reencode_meeting_approvals(txn: &WriteTransaction) -> Result<(), StoreError> {
    reencode::<MeetingV3, MeetingV5>(txn, MEETINGS)
}

/// Every organisation, member and meeting, read in the layouts `Org` and `Meet` of the
/// schema a migration starts from and brought to today's types.
type Records = (
    HashMap<u64, OrgUnit>,
    HashMap<u64, Member>,
    HashMap<u64, Vec<Meeting>>,
);

fn read_records<Org, Mem, Meet>(txn: &WriteTransaction) -> Result<Records, StoreError>
where
    Org: serde::de::DeserializeOwned + Into<OrgUnit>,
    Mem: serde::de::DeserializeOwned + Into<Member>,
    Meet: serde::de::DeserializeOwned + Into<Meeting>,
{
    let mut orgs = HashMap::new();
    for row in txn.open_table(ORGS)?.iter()? {
        let (id, bytes) = row?;
        orgs.insert(id.value(), decode::<Org>(bytes.value())?.into());
    }
    let mut members = HashMap::new();
    for row in txn.open_table(MEMBERS)?.iter()? {
        let (id, bytes) = row?;
        members.insert(id.value(), decode::<Mem>(bytes.value())?.into());
    }
    let mut meetings: HashMap<u64, Vec<Meeting>> = HashMap::new();
    for row in txn.open_table(MEETINGS)?.iter()? {
        let meeting: Meeting = decode::<Meet>(row?.1.value())?.into();
        meetings.entry(meeting.org.0).or_default().push(meeting);
    }
    Ok((orgs, members, meetings))
}

/// Writes every roll-up row of the `covered` months, counted from the records.
fn write_rollups(
    txn: &WriteTransaction,
    records: &Records,
    covered: &BTreeSet<YearMonth>,
) -> Result<(), StoreError> {
    let (orgs, members, meetings) = records;
    let mut rows = txn.open_table(ROLLUPS)?;
    for ((org, month), stats) in recount_months(orgs, members, meetings, covered) {
        rows.insert((org, month.key()), encode(&stats).as_slice())?;
    }
    Ok(())
}

/// 4 → 5: every organisation keeps its months (`rollups`); the months with a meeting become
/// the covered ones and every row of them is counted from the records, as `chibo check`
/// counts them. Reads records in the layout of schema 4.
fn build_rollups(txn: &WriteTransaction) -> Result<(), StoreError> {
    let records = read_records::<OrgUnitV5, MemberV5, MeetingV5>(txn)?;
    let months: BTreeSet<YearMonth> = records
        .2
        .values()
        .flatten()
        .map(|m| YearMonth::of(m.date))
        .collect();
    let mut covered = txn.open_table(ROLLUP_MONTHS)?;
    for &month in &months {
        covered.insert(month.key(), ())?;
    }
    write_rollups(txn, &records, &months)
}

/// 5 → 6: organisations gain a plan deadline (none set: inherited, the 20th), members the
/// branches they sat in before (none: nobody had moved, as far as chibo knew) and meetings
/// their preparation, vote and decisions (none recorded); every row is re-encoded. Members'
/// months of unexcused absence are counted into `member_absences`, and the roll-ups, which
/// gain the plans, documents and absentees of every month, are counted again.
fn prepare_plans_and_absences(txn: &WriteTransaction) -> Result<(), StoreError> {
    reencode::<OrgUnitV5, OrgUnit>(txn, ORGS)?;
    reencode::<MeetingV5, MeetingV11>(txn, MEETINGS)?;
    reencode::<MemberV5, Member>(txn, MEMBERS)?;
    let records = read_records::<OrgUnit, Member, MeetingV11>(txn)?;
    let mut absences = txn.open_table(MEMBER_ABSENCES)?;
    for ((member, month), count) in recount_absences(&records.2) {
        absences.insert((member, month.key()), count)?;
    }
    recount_rollups(txn, &records)
}

/// Every roll-up row of the covered months thrown away and counted again from `records`.
fn recount_rollups(txn: &WriteTransaction, records: &Records) -> Result<(), StoreError> {
    txn.delete_table(ROLLUPS)?;
    let mut covered = BTreeSet::new();
    for row in txn.open_table(ROLLUP_MONTHS)?.iter()? {
        covered.insert(month_of_key(row?.0.value())?);
    }
    write_rollups(txn, records, &covered)
}

/// 6 → 7: organisations and members are classified year by year. The two new tables start
/// empty, and `upgrade` creates every table of the current schema once the steps are done,
/// so there is nothing to convert; the step exists so that a version 6 file is marked 7
/// only together with the tables a version 7 reader opens.
fn add_classification_tables(_txn: &WriteTransaction) -> Result<(), StoreError> {
    Ok(())
}

/// 7 → 8: an exempt member who came to a meeting is told apart from the expected members
/// who came (`Mark::ExemptPresent`), so the monthly figures count expected members only.
/// Every `present` mark of a member exempt or temporarily exempt on the meeting's date
/// becomes one, and the roll-ups are counted again from the records. The mark is new in
/// the stored layout, so an older chibo must refuse the file rather than misread it.
fn mark_exempt_attendance(txn: &WriteTransaction) -> Result<(), StoreError> {
    let (orgs, members, mut meetings) = read_records::<OrgUnit, Member, MeetingV11>(txn)?;
    let exempt_on = |id: MemberId, day: NaiveDate| {
        members
            .get(&id.0)
            .is_some_and(|m| m.status_on(day).is_exempt())
    };
    let mut table = txn.open_table(MEETINGS)?;
    for meeting in meetings.values_mut().flatten() {
        let mut changed = false;
        for (id, mark) in &mut meeting.attendance {
            if *mark == Mark::Present && exempt_on(*id, meeting.date) {
                *mark = Mark::ExemptPresent;
                changed = true;
            }
        }
        if changed {
            let stored = MeetingV11::from(meeting.clone());
            table.insert(meeting.id.0, encode(&stored).as_slice())?;
        }
    }
    drop(table);
    recount_rollups(txn, &(orgs, members, meetings))
}

/// 8 → 9: a meeting's `exempt` is the branch's exempt and temporarily exempt members on its
/// date, from their statuses, whether the meeting lists them or not (the exchange format
/// lets a file leave them out, and such a meeting counted none). No record changes; every
/// roll-up row is counted again with `attendance::counts_exempt_at`. An older chibo would
/// write the old count into the new rows, so it must refuse the file.
fn count_exempt_from_statuses(txn: &WriteTransaction) -> Result<(), StoreError> {
    let records = read_records::<OrgUnit, Member, MeetingV11>(txn)?;
    recount_rollups(txn, &records)
}

/// 9 → 10: a month counts its regular meetings held without a roll
/// (`MonthStats::meetings_without_roll`). The field changes the stored layout of every
/// roll-up row, so every row is thrown away and counted again from the records, which do not
/// change; an older chibo cannot read the new rows, so it must refuse the file.
fn count_meetings_without_roll(txn: &WriteTransaction) -> Result<(), StoreError> {
    let records = read_records::<OrgUnit, Member, MeetingV11>(txn)?;
    recount_rollups(txn, &records)
}

/// 10 → 11: a branch's exempt on a past day counts the members exempt in it then who have
/// moved to another branch since, found through the new `org_former_members` index. The
/// index is built from every member's former branches, and every roll-up row counted again;
/// an older chibo would leave the index behind its writes, so it must refuse the file.
fn count_exempt_who_moved_on(txn: &WriteTransaction) -> Result<(), StoreError> {
    let records = read_records::<OrgUnit, Member, MeetingV11>(txn)?;
    let mut index = txn.open_table(ORG_FORMER_MEMBERS)?;
    for member in records.1.values() {
        for former in &member.former_orgs {
            index.insert((former.org.0, member.id.0), ())?;
        }
    }
    drop(index);
    recount_rollups(txn, &records)
}

/// 11 → 12: a meeting's chair, minutes secretary and assignments are fields of its own,
/// no longer only lines of its minutes. Every meeting is re-encoded with those named at
/// approval, else in the opening's text; the minutes' text is kept as it was.
fn record_minutes_facts(txn: &WriteTransaction) -> Result<(), StoreError> {
    reencode::<MeetingV11, WithSigners>(txn, MEETINGS)?;
    // Today's type packs the marks; schemas 12 and 13 did not, and step 13 → 14 packs them.
    relayout_meetings::<PackedMarks, Vec<(MemberId, Mark)>>(txn)
}

/// A user as schemas up to 12 stored them: a login without the person's full name.
#[derive(Deserialize)]
struct UserV12 {
    login: String,
    role: crate::domain::UserRole,
    scope: Option<OrgId>,
    keys: Vec<crate::domain::PublicKey>,
}

impl From<UserV12> for crate::domain::User {
    fn from(old: UserV12) -> crate::domain::User {
        crate::domain::User {
            login: old.login,
            role: old.role,
            scope: old.scope,
            keys: old.keys,
            name: None,
        }
    }
}

/// 12 → 13: users gain their full name (none known yet), named with the login on what they
/// approve and amend; every user is re-encoded. An older chibo could not read the new
/// layout, so it must refuse the file. The users are few: read whole, then written back.
fn name_users(txn: &WriteTransaction) -> Result<(), StoreError> {
    let mut table = txn.open_table(USERS)?;
    let mut users = Vec::new();
    for row in table.iter()? {
        let (login, bytes) = row?;
        let user = crate::domain::User::from(decode::<UserV12>(bytes.value())?);
        users.push((login.value().to_string(), user));
    }
    for (login, user) in users {
        table.insert(login.as_str(), encode(&user).as_slice())?;
    }
    Ok(())
}

/// 13 → 14: a meeting's marks are packed, each a varint of the step from the previous
/// member's id and the mark (`domain::packed_marks`), one to three bytes instead of four or
/// five: the largest part of a national file's meetings. Only the attendance changes, so
/// only the front of each record is re-encoded. And the roster keys of `org_members` leave
/// out the case (`text::person_key`), about a quarter shorter: the table is laid out again from the
/// members. An older chibo cannot read the marks and would write rows with the longer
/// keys, so it must refuse the file.
fn pack_marks_and_roster_keys(txn: &WriteTransaction) -> Result<(), StoreError> {
    relayout_meetings::<Vec<(MemberId, Mark)>, PackedMarks>(txn)?;
    rebuild_rosters(txn)
}

/// The fields of a member up to its cell, which schemas 6 to 14 lay out alike.
#[derive(Deserialize)]
struct MemberFront {
    id: MemberId,
    _card: String,
    name: String,
    _sex: Option<Sex>,
    #[serde(with = "opt_days")]
    _born: Option<NaiveDate>,
    #[serde(with = "opt_days")]
    _admitted: Option<NaiveDate>,
    #[serde(with = "opt_days")]
    _full_member: Option<NaiveDate>,
    org: OrgId,
    cell: Option<OrgId>,
}

/// Every `org_members` row written again from the members, with today's roster keys.
fn rebuild_rosters(txn: &WriteTransaction) -> Result<(), StoreError> {
    txn.delete_table(ORG_MEMBERS)?;
    let members = txn.open_table(MEMBERS)?;
    let mut roster = txn.open_table(ORG_MEMBERS)?;
    for row in members.iter()? {
        let (_, bytes) = row?;
        let (member, _) = decode_front::<MemberFront>(bytes.value())?;
        let key = person_key(&member.name);
        for org in std::iter::once(member.org).chain(member.cell) {
            roster.insert((org.0, key.as_slice(), member.id.0), ())?;
        }
    }
    Ok(())
}

/// A meeting's attendance as today's records lay it out.
#[derive(Serialize, Deserialize)]
#[serde(transparent)]
struct PackedMarks(#[serde(with = "crate::domain::packed_marks")] Vec<(MemberId, Mark)>);

impl From<Vec<(MemberId, Mark)>> for PackedMarks {
    fn from(marks: Vec<(MemberId, Mark)>) -> PackedMarks {
        PackedMarks(marks)
    }
}

impl From<PackedMarks> for Vec<(MemberId, Mark)> {
    fn from(marks: PackedMarks) -> Vec<(MemberId, Mark)> {
        marks.0
    }
}

/// The fields of a meeting up to its attendance, which every schema lays out alike but for
/// the attendance `A`; the fields after it follow unchanged.
#[derive(Serialize, Deserialize)]
struct MeetingFront<A> {
    id: MeetingId,
    org: OrgId,
    kind: MeetingKind,
    #[serde(with = "days")]
    date: NaiveDate,
    #[serde(with = "opt_days")]
    planned: Option<NaiveDate>,
    attendance: A,
}

/// Rewrites every meeting's attendance from layout `Old` to layout `New`.
fn relayout_meetings<Old, New>(txn: &WriteTransaction) -> Result<(), StoreError>
where
    Old: serde::de::DeserializeOwned,
    New: From<Old> + Serialize,
{
    rewrite_rows(txn, MEETINGS, relayout_meeting::<Old, New>)
}

fn relayout_meeting<Old, New>(bytes: &[u8]) -> Result<Vec<u8>, StoreError>
where
    Old: serde::de::DeserializeOwned,
    New: From<Old> + Serialize,
{
    let (front, rest) = decode_front::<MeetingFront<Old>>(bytes)?;
    let mut out = encode(&MeetingFront {
        id: front.id,
        org: front.org,
        kind: front.kind,
        date: front.date,
        planned: front.planned,
        attendance: New::from(front.attendance),
    });
    out.extend_from_slice(rest);
    Ok(out)
}

/// `member_by_folded` as schemas 2 to 14 laid it out: a row per suffix and member.
const MEMBER_BY_FOLDED_ROWS: TableDefinition<(&str, u64), ()> =
    TableDefinition::new("member_by_folded");

/// Where one layout of `member_by_folded` is built while the other still holds the name.
const MEMBER_BY_FOLDED_RELAID: &str = "member_by_folded_relaid";

/// 14 → 15: `member_by_folded` lists each suffix's members packed, a row per suffix and
/// block of ids, instead of a row per suffix and member (`folded_ids`). Read in key order,
/// the old rows come grouped as the new ones want them.
fn pack_folded_ids(txn: &WriteTransaction) -> Result<(), StoreError> {
    let packed = TableDefinition::<(&str, u64), &[u8]>::new(MEMBER_BY_FOLDED_RELAID);
    {
        let rows = txn.open_table(MEMBER_BY_FOLDED_ROWS)?;
        let mut target = txn.open_table(packed)?;
        let mut failure = None;
        let pairs = rows.iter()?.map_while(|row| match row {
            Ok((key, _)) => {
                let (suffix, id) = key.value();
                Some((suffix.to_string(), id))
            }
            Err(e) => {
                failure = Some(e);
                None
            }
        });
        folded_ids::add_sorted(&mut target, pairs)?;
        if let Some(e) = failure {
            return Err(e.into());
        }
    }
    txn.delete_table(MEMBER_BY_FOLDED_ROWS)?;
    copy_within(txn, packed, MEMBER_BY_FOLDED)?;
    txn.delete_table(packed)?;
    Ok(())
}

/// Marks the file at `path`, written by this chibo, as written by schema `version`, its
/// tables laid out as that schema did where a later step changed them: what the tests of
/// the older steps (and of a newer file) need to make a file of today look like one.
#[doc(hidden)]
pub fn mark_as_schema(path: &Path, version: u32) -> Result<(), StoreError> {
    let db = redb::Database::open(path)?;
    let txn = db.begin_write()?;
    let now = version_in(&txn.open_table(META)?, path)?;
    if version < 15 && now >= 15 {
        unpack_folded_ids(&txn)?;
    }
    if version < 14 && now >= 14 {
        relayout_meetings::<PackedMarks, Vec<(MemberId, Mark)>>(&txn)?;
    }
    txn.open_table(META)?
        .insert("schema_version", version.to_le_bytes().as_slice())?;
    txn.commit()?;
    Ok(())
}

/// `member_by_folded` back to a row per suffix and member, as before schema 15.
fn unpack_folded_ids(txn: &WriteTransaction) -> Result<(), StoreError> {
    let rows = TableDefinition::<(&str, u64), ()>::new(MEMBER_BY_FOLDED_RELAID);
    {
        let packed = txn.open_table(MEMBER_BY_FOLDED)?;
        let mut target = txn.open_table(rows)?;
        for pair in folded_ids::pairs(&packed)? {
            let (suffix, id) = pair?;
            target.insert((suffix.as_str(), id), ())?;
        }
    }
    txn.delete_table(MEMBER_BY_FOLDED)?;
    copy_within(txn, rows, MEMBER_BY_FOLDED_ROWS)?;
    txn.delete_table(rows)?;
    Ok(())
}

/// Rewrites every record of `table` from layout `Old` to layout `New`, keeping the keys.
fn reencode<Old, New>(
    txn: &WriteTransaction,
    table: TableDefinition<u64, &[u8]>,
) -> Result<(), StoreError>
where
    Old: serde::de::DeserializeOwned,
    New: From<Old> + serde::Serialize,
{
    rewrite_rows(txn, table, |bytes| {
        Ok(encode(&New::from(decode::<Old>(bytes)?)))
    })
}

/// Replaces every value of `table` by what `rewrite` makes of it, keeping the keys. A batch
/// at a time, so a national database is not held in memory whole.
fn rewrite_rows(
    txn: &WriteTransaction,
    table: TableDefinition<u64, &[u8]>,
    rewrite: impl Fn(&[u8]) -> Result<Vec<u8>, StoreError>,
) -> Result<(), StoreError> {
    const BATCH: usize = 4096;
    let mut table = txn.open_table(table)?;
    let mut next = Some(0u64);
    while let Some(start) = next {
        let mut rows = Vec::with_capacity(BATCH);
        for row in table.range(start..)?.take(BATCH) {
            let (id, bytes) = row?;
            rows.push((id.value(), rewrite(bytes.value())?));
        }
        next = match rows.last() {
            Some((last, _)) if rows.len() == BATCH => last.checked_add(1),
            _ => None,
        };
        for (id, bytes) in rows {
            table.insert(id, bytes.as_slice())?;
        }
    }
    Ok(())
}

/// Lays out a new, empty database at the current version. Two processes may create the
/// same file at once: the second finds the marker inside its write transaction and then
/// defers to `upgrade`, which checks the version the first one wrote (and says, like it,
/// the version it upgraded from, if it did).
pub(super) fn initialise(store: &Store) -> Result<Option<u32>, StoreError> {
    let txn = store.begin_raw_write()?;
    {
        let mut meta = txn.open_table(META)?;
        if meta.get("magic")?.is_some() {
            drop(meta);
            txn.abort()?;
            return upgrade(store);
        }
        meta.insert("magic", MAGIC)?;
        meta.insert("schema_version", SCHEMA_VERSION.to_le_bytes().as_slice())?;
    }
    create_tables(&txn)?;
    txn.commit()?;
    Ok(None)
}

/// Checks that the file is a chibo database this binary can read, and migrates it forward;
/// the version it found when it did.
pub(super) fn upgrade(store: &Store) -> Result<Option<u32>, StoreError> {
    let found = stored_version(store)?;
    refuse_newer(found, store.path())?;
    if found == SCHEMA_VERSION {
        return Ok(None);
    }
    let migrated = store
        .begin_raw_write()
        .and_then(|txn| migrate_forward(txn, store.path()));
    migrated.map_err(|e| match e {
        StoreError::ReadOnly(path) => StoreError::OlderReadOnly {
            path,
            found,
            current: SCHEMA_VERSION,
        },
        e => e,
    })
}

/// Brings a database opened without a store (by `chibo compact`) to the current schema, so
/// it compacts what it will keep rather than layouts the next open rewrites. The version is
/// read inside the write transaction, which a compaction holds alone.
pub(super) fn upgrade_database(db: &redb::Database, path: &Path) -> Result<(), StoreError> {
    let txn = db.begin_write()?;
    let found = version_in(&txn.open_table(META)?, path)?;
    refuse_newer(found, path)?;
    if found == SCHEMA_VERSION {
        txn.abort()?;
        return Ok(());
    }
    migrate_forward(txn, path).map(drop)
}

/// Why a file that may not be written cannot be compacted: it is read-only, and when it is
/// of an older schema, it needs upgrading as well (which the compaction would do first).
pub(super) fn read_only_refusal(path: &Path) -> StoreError {
    let found = redb::Database::builder()
        .open_read_only(path)
        .map_err(|e| super::open_error(path, e))
        .and_then(|db| {
            let txn = redb::ReadableDatabase::begin_read(&db)?;
            version_in(&txn.open_table(META)?, path)
        });
    match found {
        Ok(found) if found < SCHEMA_VERSION => StoreError::OlderReadOnly {
            path: path.to_path_buf(),
            found,
            current: SCHEMA_VERSION,
        },
        Err(e @ StoreError::UncleanReadOnly(_)) => e,
        _ => StoreError::ReadOnly(path.to_path_buf()),
    }
}

/// A file of a schema newer than this chibo's is refused: it would misread it.
fn refuse_newer(found: u32, path: &Path) -> Result<(), StoreError> {
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// Runs every step from the version `txn` finds to the current one, and commits; the
/// version it found, when it ran any step.
fn migrate_forward(txn: WriteTransaction, path: &Path) -> Result<Option<u32>, StoreError> {
    // Another process may have migrated between our read and this write.
    let mut version = version_in(&txn.open_table(META)?, path)?;
    let found = (version < SCHEMA_VERSION).then_some(version);
    while version < SCHEMA_VERSION {
        MIGRATIONS[(version - 1) as usize](&txn)?;
        version += 1;
    }
    create_tables(&txn)?;
    txn.open_table(META)?
        .insert("schema_version", version.to_le_bytes().as_slice())?;
    txn.commit()?;
    Ok(found)
}

fn stored_version(store: &Store) -> Result<u32, StoreError> {
    let txn = store.begin_raw_read()?;
    let meta = txn.open_table(META).map_err(|_| StoreError::NotChibo {
        path: store.path().to_path_buf(),
        detail: "no meta table".into(),
    })?;
    version_in(&meta, store.path())
}

fn version_in(
    meta: &impl ReadableTable<&'static str, &'static [u8]>,
    path: &Path,
) -> Result<u32, StoreError> {
    let not_chibo = |detail: &str| StoreError::NotChibo {
        path: path.to_path_buf(),
        detail: detail.into(),
    };
    let magic = meta
        .get("magic")?
        .ok_or_else(|| not_chibo("no chibo marker"))?;
    if magic.value() != MAGIC {
        return Err(not_chibo("wrong marker"));
    }
    let version = meta
        .get("schema_version")?
        .ok_or_else(|| not_chibo("no schema version"))?;
    let bytes: [u8; 4] = version
        .value()
        .try_into()
        .map_err(|_| not_chibo("bad schema version"))?;
    Ok(u32::from_le_bytes(bytes))
}

/// Opens (so creates) every table of the current schema.
fn create_tables(txn: &WriteTransaction) -> Result<(), StoreError> {
    fn touch<K: redb::Key + 'static, V: redb::Value + 'static>(
        txn: &WriteTransaction,
        def: TableDefinition<K, V>,
    ) -> Result<(), StoreError> {
        txn.open_table(def)?;
        Ok(())
    }
    touch(txn, ORGS)?;
    touch(txn, DRAFTS)?;
    touch(txn, ORG_BY_CODE)?;
    touch(txn, ORG_CHILDREN)?;
    touch(txn, ORG_BY_FOLDED)?;
    touch(txn, ORG_TOTALS)?;
    touch(txn, MEMBERS)?;
    touch(txn, MEMBER_BY_CARD)?;
    touch(txn, ORG_MEMBERS)?;
    touch(txn, ORG_FORMER_MEMBERS)?;
    touch(txn, MEMBER_BY_FOLDED)?;
    touch(txn, ROLES)?;
    touch(txn, ROLES_BY_MEMBER)?;
    touch(txn, OVERSIGHT)?;
    touch(txn, OVERSIGHT_BY_MEMBER)?;
    touch(txn, MEETINGS)?;
    touch(txn, ORG_MEETINGS)?;
    touch(txn, ROLLUPS)?;
    touch(txn, ROLLUP_MONTHS)?;
    touch(txn, DOCUMENTS)?;
    touch(txn, MEMBER_ABSENCES)?;
    touch(txn, ORG_CLASSIFICATIONS)?;
    touch(txn, MEMBER_CLASSIFICATIONS)?;
    touch(txn, USERS)?;
    touch(txn, LEASES)?;
    touch(txn, PLACES)?;
    Ok(())
}
