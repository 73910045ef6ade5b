//! Schema versions and the migrations between them. Each migration takes a database at
//! version N to N+1 inside the same write transaction that records the new version, so a
//! migration either happens whole or not at all.

use std::path::Path;

use chrono::{NaiveDate, NaiveTime};
use redb::{ReadableTable, TableDefinition, WriteTransaction};
use serde::{Deserialize, Serialize};

use std::collections::{BTreeSet, HashMap};

use super::codec::{decode, encode};
use super::rollups::recount_months;
use super::tables::*;
use super::{MAGIC, Store, StoreError};
use crate::domain::date::{days, opt_clock, opt_days, year_month};
use crate::domain::stats::recount;
use crate::domain::text::{fold, folded_suffixes};
use crate::domain::{
    Approval, BranchType, Mark, Meeting, MeetingId, MeetingKind, MeetingState, Member, MemberId,
    OrgId, OrgKind, OrgUnit, ScheduleRule,
};

/// The schema this chibo writes.
pub const SCHEMA_VERSION: u32 = 5;

/// One step from version `from` to `from + 1`.
type Migration = fn(&WriteTransaction) -> Result<(), StoreError>;

/// `MIGRATIONS[i]` takes a database from version `i + 1` to `i + 2`.
const MIGRATIONS: &[Migration] = &[
    index_org_names_and_totals,
    reencode_orgs_and_meetings,
    reencode_meeting_approvals,
    build_rollups,
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

impl From<OrgUnitV2> for OrgUnit {
    fn from(old: OrgUnitV2) -> OrgUnit {
        OrgUnit {
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

impl From<MeetingV3> for Meeting {
    fn from(old: MeetingV3) -> Meeting {
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

/// 1 → 2: organisations become searchable by name, and every organisation keeps the totals
/// of its subtree; fill `org_by_folded` and `org_totals` from the records.
fn index_org_names_and_totals(txn: &WriteTransaction) -> Result<(), StoreError> {
    index_org_names(txn)?;
    let orgs = txn.open_table(ORGS)?;
    let mut all_orgs = HashMap::new();
    for row in orgs.iter()? {
        let (id, bytes) = row?;
        let org = OrgUnit::from(decode::<OrgUnitV2>(bytes.value())?);
        all_orgs.insert(id.value(), org);
    }
    let mut members = Vec::new();
    for row in txn.open_table(MEMBERS)?.iter()? {
        members.push(decode::<Member>(row?.1.value())?);
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
    reencode::<OrgUnitV2, OrgUnit>(txn, ORGS)?;
    reencode::<MeetingV2, MeetingV3>(txn, MEETINGS)
}

/// 3 → 4: approved minutes say who approved them and when, and take amendments.
fn reencode_meeting_approvals(txn: &WriteTransaction) -> Result<(), StoreError> {
    reencode::<MeetingV3, Meeting>(txn, MEETINGS)
}

/// 4 → 5: every organisation keeps its months (`rollups`); the months with a meeting become
/// the covered ones and every row of them is counted from the records, as `chibo check`
/// counts them. Reads records in the layout of schema 4, which is today's.
fn build_rollups(txn: &WriteTransaction) -> Result<(), StoreError> {
    let mut orgs = HashMap::new();
    for row in txn.open_table(ORGS)?.iter()? {
        let (id, bytes) = row?;
        orgs.insert(id.value(), decode::<OrgUnit>(bytes.value())?);
    }
    let mut members = HashMap::new();
    for row in txn.open_table(MEMBERS)?.iter()? {
        let (id, bytes) = row?;
        members.insert(id.value(), decode::<Member>(bytes.value())?);
    }
    let mut meetings: HashMap<u64, Vec<Meeting>> = HashMap::new();
    let mut months = BTreeSet::new();
    for row in txn.open_table(MEETINGS)?.iter()? {
        let meeting: Meeting = decode(row?.1.value())?;
        months.insert(year_month(meeting.date));
        meetings.entry(meeting.org.0).or_default().push(meeting);
    }
    let mut covered = txn.open_table(ROLLUP_MONTHS)?;
    for &month in &months {
        covered.insert(month, ())?;
    }
    let mut rows = txn.open_table(ROLLUPS)?;
    for (key, stats) in recount_months(&orgs, &members, &meetings, &months) {
        rows.insert(key, encode(&stats).as_slice())?;
    }
    Ok(())
}

/// Rewrites every record of `table` from layout `Old` to layout `New`, keeping the keys. A
/// batch at a time, so a national database is not held in memory whole.
fn reencode<Old, New>(
    txn: &WriteTransaction,
    table: TableDefinition<u64, &[u8]>,
) -> Result<(), StoreError>
where
    Old: serde::de::DeserializeOwned,
    New: From<Old> + serde::Serialize,
{
    const BATCH: usize = 4096;
    let mut table = txn.open_table(table)?;
    let mut next = Some(0u64);
    while let Some(start) = next {
        let mut rows = Vec::with_capacity(BATCH);
        for row in table.range(start..)?.take(BATCH) {
            let (id, bytes) = row?;
            rows.push((id.value(), New::from(decode::<Old>(bytes.value())?)));
        }
        next = match rows.last() {
            Some((last, _)) if rows.len() == BATCH => last.checked_add(1),
            _ => None,
        };
        for (id, record) in rows {
            table.insert(id, encode(&record).as_slice())?;
        }
    }
    Ok(())
}

/// Lays out a new, empty database at the current version. Two processes may create the
/// same file at once: the second finds the marker inside its write transaction and then
/// defers to `upgrade`, which checks the version the first one wrote.
pub(super) fn initialise(store: &Store) -> Result<(), StoreError> {
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
    Ok(())
}

/// Checks that the file is a chibo database this binary can read, and migrates it forward.
pub(super) fn upgrade(store: &Store) -> Result<(), StoreError> {
    let found = stored_version(store)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: store.path().to_path_buf(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    let txn = store.begin_raw_write()?;
    // Another process may have migrated between our read and this write.
    let mut version = version_in(&txn.open_table(META)?, store.path())?;
    while version < SCHEMA_VERSION {
        MIGRATIONS[(version - 1) as usize](&txn)?;
        version += 1;
    }
    create_tables(&txn)?;
    txn.open_table(META)?
        .insert("schema_version", version.to_le_bytes().as_slice())?;
    txn.commit()?;
    Ok(())
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
    touch(txn, MEMBER_BY_FOLDED)?;
    touch(txn, ROLES)?;
    touch(txn, ROLES_BY_MEMBER)?;
    touch(txn, OVERSIGHT)?;
    touch(txn, OVERSIGHT_BY_MEMBER)?;
    touch(txn, MEETINGS)?;
    touch(txn, ORG_MEETINGS)?;
    touch(txn, ROLLUPS)?;
    touch(txn, ROLLUP_MONTHS)?;
    touch(txn, USERS)?;
    Ok(())
}
