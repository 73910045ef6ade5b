//! Reading and writing chibo's tables. `Reader` (a snapshot) and `Writer` (inside one write
//! transaction) answer the same queries, written once below; only `Writer` can change rows.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use redb::{
    ReadOnlyTable, ReadTransaction, ReadableTable, ReadableTableMetadata, Table, WriteTransaction,
};

use super::StoreError;
use super::access::{Access, ScopeCache, require};
use super::codec::{decode, encode};
use super::folded_ids::{self, FoldedIds};
use super::new_rows::{FoldedGroups, OrgRows, RosterRows};
use super::tables::*;
use crate::domain::date::day_number;
use crate::domain::edit::{check_meeting_record, check_member_record, check_org_record};
use crate::domain::schedule::{self, ScheduleRule};
use crate::domain::stats::TotalsDelta;
use crate::domain::text::{collation_key, fold, folded_suffixes, person_key};
use crate::domain::{
    Meeting, MeetingId, Member, MemberId, OrgId, OrgTotals, OrgUnit, Oversight, Role, YearMonth,
};

type Bytes = &'static [u8];
const NO_BYTES: &[u8] = &[];

/// A consistent snapshot of the database.
pub struct Reader {
    _txn: ReadTransaction,
    pub(super) orgs: ReadOnlyTable<u64, Bytes>,
    pub(super) org_by_code: ReadOnlyTable<&'static str, u64>,
    pub(super) org_children: ReadOnlyTable<(u64, Bytes, u64), ()>,
    pub(super) org_by_folded: ReadOnlyTable<(&'static str, u64), ()>,
    pub(super) org_totals: ReadOnlyTable<u64, Bytes>,
    pub(super) members: ReadOnlyTable<u64, Bytes>,
    pub(super) member_by_card: ReadOnlyTable<&'static str, u64>,
    pub(super) org_members: ReadOnlyTable<(u64, Bytes, u64), ()>,
    pub(super) org_former_members: ReadOnlyTable<(u64, u64), ()>,
    pub(super) member_by_folded: ReadOnlyTable<(&'static str, u64), &'static [u8]>,
    pub(super) roles: ReadOnlyTable<(u64, u64, i32), Bytes>,
    pub(super) roles_by_member: ReadOnlyTable<(u64, u64, i32), ()>,
    pub(super) oversight: ReadOnlyTable<(u64, u64, i32), Bytes>,
    pub(super) oversight_by_member: ReadOnlyTable<(u64, u64, i32), ()>,
    pub(super) meetings: ReadOnlyTable<u64, Bytes>,
    pub(super) org_meetings: ReadOnlyTable<(u64, i32, u64), ()>,
    pub(super) drafts: ReadOnlyTable<u64, Bytes>,
    pub(super) rollups: ReadOnlyTable<(u64, u32), Bytes>,
    pub(super) rollup_months: ReadOnlyTable<u32, ()>,
    pub(super) documents: ReadOnlyTable<(u64, u32), Bytes>,
    pub(super) member_absences: ReadOnlyTable<(u64, u32), u32>,
    pub(super) org_classifications: ReadOnlyTable<(u64, i32), Bytes>,
    pub(super) member_classifications: ReadOnlyTable<(u64, i32), Bytes>,
    pub(super) meta: ReadOnlyTable<&'static str, Bytes>,
    pub(super) access: std::sync::Arc<Access>,
    pub(super) scope_cache: ScopeCache,
}

/// The tables of one write transaction, open for change.
pub struct Writer<'t> {
    pub(super) orgs: Table<'t, u64, Bytes>,
    pub(super) org_by_code: Table<'t, &'static str, u64>,
    pub(super) org_children: Table<'t, (u64, Bytes, u64), ()>,
    pub(super) org_by_folded: Table<'t, (&'static str, u64), ()>,
    pub(super) org_totals: Table<'t, u64, Bytes>,
    pub(super) members: Table<'t, u64, Bytes>,
    pub(super) member_by_card: Table<'t, &'static str, u64>,
    pub(super) org_members: Table<'t, (u64, Bytes, u64), ()>,
    pub(super) org_former_members: Table<'t, (u64, u64), ()>,
    pub(super) member_by_folded: FoldedIds<'t>,
    pub(super) roles: Table<'t, (u64, u64, i32), Bytes>,
    pub(super) roles_by_member: Table<'t, (u64, u64, i32), ()>,
    pub(super) oversight: Table<'t, (u64, u64, i32), Bytes>,
    pub(super) oversight_by_member: Table<'t, (u64, u64, i32), ()>,
    pub(super) meetings: Table<'t, u64, Bytes>,
    pub(super) org_meetings: Table<'t, (u64, i32, u64), ()>,
    pub(super) rollups: Table<'t, (u64, u32), Bytes>,
    pub(super) rollup_months: Table<'t, u32, ()>,
    pub(super) drafts: Table<'t, u64, Bytes>,
    pub(super) documents: Table<'t, (u64, u32), Bytes>,
    pub(super) member_absences: Table<'t, (u64, u32), u32>,
    pub(super) org_classifications: Table<'t, (u64, i32), Bytes>,
    pub(super) member_classifications: Table<'t, (u64, i32), Bytes>,
    pub(super) meta: Table<'t, &'static str, Bytes>,
    /// Who holds which meeting's minutes: a change to a meeting another App holds is
    /// refused (`Writer::require_lease`).
    pub(super) leases: Table<'t, u64, Bytes>,
    /// Where each login last was in the app (`places.rs`).
    pub(super) places: Table<'t, &'static str, Bytes>,
    pub(super) access: std::sync::Arc<Access>,
    pub(super) scope_cache: ScopeCache,
    /// Id counters read from `meta` once per transaction and written back by `finish`, so
    /// a bulk import does not rewrite a `meta` row for every record.
    pub(super) counters: Vec<(&'static str, u64)>,
    /// Changes to `org_totals`, summed per org during the transaction and applied by
    /// `finish`: a bulk import touches each ancestor's row once, not once per member.
    pub(super) totals_delta: HashMap<u64, TotalsDelta>,
    /// Parent of each org seen in this transaction, as it stands now.
    pub(super) parents: HashMap<u64, Option<u64>>,
    /// The roll-up changes of this transaction, applied by `finish` (see `rollups.rs`).
    pub(super) rollup_work: super::rollups::RollupWork,
    /// What this transaction changed, for the audit trail.
    pub(super) notes: super::audit::Notes,
}

/// Opens every table of a transaction into the struct named, field by field.
macro_rules! open_tables {
    ($ty:ident { $($extra:ident: $value:expr,)* } from $txn:ident) => {
        $ty {
            orgs: $txn.open_table(ORGS)?,
            org_by_code: $txn.open_table(ORG_BY_CODE)?,
            org_children: $txn.open_table(ORG_CHILDREN)?,
            org_by_folded: $txn.open_table(ORG_BY_FOLDED)?,
            org_totals: $txn.open_table(ORG_TOTALS)?,
            members: $txn.open_table(MEMBERS)?,
            member_by_card: $txn.open_table(MEMBER_BY_CARD)?,
            org_members: $txn.open_table(ORG_MEMBERS)?,
            org_former_members: $txn.open_table(ORG_FORMER_MEMBERS)?,
            member_by_folded: $txn.open_table(MEMBER_BY_FOLDED)?,
            roles: $txn.open_table(ROLES)?,
            roles_by_member: $txn.open_table(ROLES_BY_MEMBER)?,
            oversight: $txn.open_table(OVERSIGHT)?,
            oversight_by_member: $txn.open_table(OVERSIGHT_BY_MEMBER)?,
            meetings: $txn.open_table(MEETINGS)?,
            org_meetings: $txn.open_table(ORG_MEETINGS)?,
            drafts: $txn.open_table(DRAFTS)?,
            rollups: $txn.open_table(ROLLUPS)?,
            rollup_months: $txn.open_table(ROLLUP_MONTHS)?,
            documents: $txn.open_table(DOCUMENTS)?,
            member_absences: $txn.open_table(MEMBER_ABSENCES)?,
            org_classifications: $txn.open_table(ORG_CLASSIFICATIONS)?,
            member_classifications: $txn.open_table(MEMBER_CLASSIFICATIONS)?,
            meta: $txn.open_table(META)?,
            // Last: the transaction moves in only after every table is open.
            $($extra: $value,)*
        }
    };
}

impl Reader {
    /// The subtree a read is held to: the acting user's scope.
    fn read_scope(&self) -> Option<OrgId> {
        self.access.scope
    }

    pub(super) fn open(
        txn: ReadTransaction,
        access: std::sync::Arc<Access>,
    ) -> Result<Reader, StoreError> {
        Ok(
            open_tables!(Reader { access: access, scope_cache: ScopeCache::default(), _txn: txn, } from txn),
        )
    }
}

impl<'t> Writer<'t> {
    /// Inside a write the store itself reads above the scope (roll-ups and totals of every
    /// ancestor, inherited schedules); what the user may change is checked where each
    /// write enters (`put_*`, drafts), so reads here are not held.
    fn read_scope(&self) -> Option<OrgId> {
        None
    }

    pub(super) fn open(
        txn: &'t WriteTransaction,
        access: std::sync::Arc<Access>,
    ) -> Result<Writer<'t>, StoreError> {
        Ok(open_tables!(Writer {
            leases: txn.open_table(super::tables::LEASES)?,
            places: txn.open_table(super::tables::PLACES)?,
            access: access,
            scope_cache: ScopeCache::default(),
            counters: Vec::new(),
            totals_delta: HashMap::new(),
            parents: HashMap::new(),
            rollup_work: Default::default(),
            notes: super::audit::Notes::default(),
        } from txn))
    }

    /// Writes back what the transaction summed up along the way: the id counters, the
    /// changes to every organisation's totals and to its months.
    pub(super) fn finish(&mut self) -> Result<(), StoreError> {
        self.finish_rollups()?;
        for (name, next) in std::mem::take(&mut self.counters) {
            self.meta.insert(name, next.to_le_bytes().as_slice())?;
        }
        let mut deltas: Vec<(u64, TotalsDelta)> = self.totals_delta.drain().collect();
        deltas.sort_unstable_by_key(|(id, _)| *id);
        for (id, delta) in deltas.into_iter().filter(|(_, d)| !d.is_zero()) {
            let totals = delta.applied_to(self.stored_totals(id)?);
            if totals.is_zero() {
                self.org_totals.remove(id)?;
            } else {
                self.org_totals.insert(id, encode(&totals).as_slice())?;
            }
        }
        Ok(())
    }
}

fn missing(what: &str, id: u64) -> StoreError {
    StoreError::Corrupt(format!("index points to missing {what} {id}"))
}

/// A query's words cut in two: a run of them looked up in the names' index, and the rest,
/// to be found in the names of the organisations above.
struct Split {
    in_name: String,
    above: Vec<String>,
}

/// `name` from its first word that starts like the first of the folded `words`: what the
/// folded-name index matched (the whole name when none does).
fn matched_from<'a>(name: &'a str, words: &str) -> &'a str {
    let first = words.split(' ').next().unwrap_or("");
    let starts = name
        .char_indices()
        .filter(|&(i, _)| i == 0 || name[..i].ends_with(char::is_whitespace));
    starts
        .map(|(i, _)| &name[i..])
        .find(|rest| fold(rest).starts_with(first))
        .unwrap_or(name)
}

/// How many rows of a run are read to narrow them by the names above: enough for any
/// ward's or commune's branches of one name, bounded for a query typed a key at a time.
const NARROWED_SCAN: usize = 1000;

impl Split {
    /// Every word in the name first; then ever shorter runs of the words, each with the
    /// words around it left for the names above.
    fn all(query: &str) -> Vec<Split> {
        let folded = fold(query);
        let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
        let n = words.len();
        let mut splits = Vec::new();
        for len in (1..=n).rev() {
            for start in 0..=n - len {
                let above = words[..start].iter().chain(&words[start + len..]);
                splits.push(Split {
                    in_name: words[start..start + len].join(" "),
                    above: above.map(|w| w.to_string()).collect(),
                });
            }
        }
        splits
    }

    fn scan_limit(&self, scoped: bool, limit: usize) -> usize {
        match (self.above.is_empty(), scoped) {
            (true, false) => limit,
            (true, true) => usize::MAX,
            (false, _) => NARROWED_SCAN,
        }
    }
}

/// Up to `limit` different ids of a row-a-pair folded-name index (`org_by_folded`) listed
/// under a suffix starting with `folded`, in key order.
fn prefix_ids(
    index: &impl ReadableTable<(&'static str, u64), ()>,
    folded: &str,
    limit: usize,
) -> Result<Vec<u64>, StoreError> {
    let mut ids: Vec<u64> = Vec::new();
    for row in index.range((folded, 0)..)? {
        let (key, _) = row?;
        let (text, id) = key.value();
        if !text.starts_with(folded) || ids.len() == limit {
            break;
        }
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// The records and card rows of new members; or a card another member holds, and who.
/// `insert` hands back what it replaced: a taken card or id shows up there, and the
/// caller's error rolls everything back.
fn insert_member_records<'m>(
    records: &mut Table<'_, u64, Bytes>,
    by_card: &mut Table<'_, &'static str, u64>,
    members: &'m [Member],
) -> Result<Result<(), (&'m str, MemberId)>, StoreError> {
    for member in members {
        if let Some(holder) = by_card.insert(member.card.as_str(), member.id.0)? {
            return Ok(Err((member.card.as_str(), MemberId(holder.value()))));
        }
        if records
            .insert(member.id.0, encode(member).as_slice())?
            .is_some()
        {
            return Err(StoreError::Corrupt(format!(
                "member id {} is already in use",
                member.id.0
            )));
        }
    }
    Ok(Ok(()))
}

/// What new members add, summed per cell or branch they sit in.
fn totals_by_anchor(members: &[Member]) -> HashMap<u64, TotalsDelta> {
    let mut sums: HashMap<u64, TotalsDelta> = HashMap::new();
    for member in members {
        let anchor = member.cell.unwrap_or(member.org).0;
        sums.entry(anchor)
            .or_default()
            .add(OrgTotals::of_member(member));
    }
    sums
}

/// The same read queries on `Reader` and `Writer`: both hold tables that implement
/// `ReadableTable`, so one body serves both.
macro_rules! queries {
    ($($body:tt)*) => {
        impl Reader { $($body)* }
        impl Writer<'_> { $($body)* }
    };
}
pub(super) use queries;

queries! {
    /// Who acts in this transaction.
    pub fn access(&self) -> &Access {
        &self.access
    }

    /// Whether organisation `id` lies inside the acting user's scope.
    pub fn in_scope(&self, id: OrgId) -> Result<bool, StoreError> {
        self.scope_cache.contains(self.access.scope, id.0, &self.orgs)
    }

    /// `Err(OutOfScope)` unless `id` lies inside the acting user's scope.
    pub fn require_scope(&self, id: OrgId) -> Result<(), StoreError> {
        if self.in_scope(id)? { Ok(()) } else { Err(StoreError::OutOfScope) }
    }

    /// `Err(OutOfScope)` when a read of `id` must be refused (see `read_scope`).
    pub(super) fn guard_read(&self, id: OrgId) -> Result<(), StoreError> {
        match self.read_scope() {
            Some(_) => self.require_scope(id),
            None => Ok(()),
        }
    }

    /// Whether what hangs on organisation `id` is left out of a read: the read is held to
    /// the scope and `id` lies outside it.
    pub(super) fn hidden(&self, id: OrgId) -> Result<bool, StoreError> {
        Ok(self.read_scope().is_some() && !self.in_scope(id)?)
    }

    /// An organisation by id; none when it lies outside the acting user's scope.
    pub fn org(&self, id: OrgId) -> Result<Option<OrgUnit>, StoreError> {
        if self.hidden(id)? {
            return Ok(None);
        }
        self.org_any(id)
    }

    /// An organisation by id, wherever it is: for what the store works out from orgs
    /// above a scope, never shown.
    fn org_any(&self, id: OrgId) -> Result<Option<OrgUnit>, StoreError> {
        self.orgs.get(id.0)?.map(|g| decode(g.value())).transpose()
    }

    /// The id of the organisation with `code`.
    /// None for a code outside the scope: not even whether it exists is told.
    pub fn org_id(&self, code: &str) -> Result<Option<OrgId>, StoreError> {
        match self.org_by_code.get(code)?.map(|g| OrgId(g.value())) {
            Some(id) if self.hidden(id)? => Ok(None),
            found => Ok(found),
        }
    }

    /// An organisation by code.
    pub fn org_by_code(&self, code: &str) -> Result<Option<OrgUnit>, StoreError> {
        match self.org_id(code)? {
            Some(id) => self.org(id),
            None => Ok(None),
        }
    }

    /// Up to `limit` children of `parent` (the roots for `None`) in Vietnamese order,
    /// after skipping `skip`: one bounded range scan.
    pub fn children(
        &self,
        parent: Option<OrgId>,
        skip: usize,
        limit: usize,
    ) -> Result<Vec<OrgUnit>, StoreError> {
        // A scoped user's tree starts at their scope: it is their only root.
        if let (None, Some(root)) = (parent, self.read_scope()) {
            return Ok(self.org(root)?.into_iter().skip(skip).take(limit).collect());
        }
        if let Some(p) = parent { self.guard_read(p)?; }
        let p = parent.map_or(0, |p| p.0);
        let mut out = Vec::new();
        for row in self.org_children.range((p, NO_BYTES, 0)..(p + 1, NO_BYTES, 0))?.skip(skip).take(limit) {
            let child = row?.0.value().2;
            out.push(self.org(OrgId(child))?.ok_or_else(|| missing("org", child))?);
        }
        Ok(out)
    }

    /// The ids of up to `limit` children of `parent` in Vietnamese order, after skipping
    /// `skip`: the same range scan as `children`, reading the index keys alone (no
    /// organisation record), for lists that read a child's record only when it is shown.
    pub fn child_ids(&self, parent: OrgId, skip: usize, limit: usize) -> Result<Vec<OrgId>, StoreError> {
        self.guard_read(parent)?;
        let p = parent.0;
        let mut out = Vec::new();
        for row in self.org_children.range((p, NO_BYTES, 0)..(p + 1, NO_BYTES, 0))?.skip(skip).take(limit) {
            out.push(OrgId(row?.0.value().2));
        }
        Ok(out)
    }

    /// Branches, members and exempt members of the subtree of `id`, as of the last commit
    /// (inside a write: before this transaction's changes).
    pub fn org_totals(&self, id: OrgId) -> Result<OrgTotals, StoreError> {
        self.guard_read(id)?;
        self.stored_totals(id.0)
    }

    /// The counts of `id`'s subtree shown beside it: its branches (`org_totals`), and its
    /// members on the roll and exempt at the end of `month` from that month's roll-up, the
    /// numbers the dashboard and `report members` give — `org_totals` counts a member by
    /// their latest status, which a temporary exemption outlives. A month no roll-up covers
    /// keeps `org_totals`' counts rather than counting the records.
    pub fn counts_in(&self, id: OrgId, month: YearMonth) -> Result<OrgTotals, StoreError> {
        let totals = self.org_totals(id)?;
        Ok(match self.stored_month_stats(id, month)? {
            Some(stats) => totals.with_members_of(&stats),
            None => totals,
        })
    }

    fn stored_totals(&self, id: u64) -> Result<OrgTotals, StoreError> {
        match self.org_totals.get(id)? {
            Some(g) => decode(g.value()),
            None => Ok(OrgTotals::default()),
        }
    }

    /// How many children `parent` has (a scan of index keys only).
    pub fn child_count(&self, parent: Option<OrgId>) -> Result<usize, StoreError> {
        if let (None, Some(_)) = (parent, self.read_scope()) {
            return Ok(1);
        }
        if let Some(p) = parent { self.guard_read(p)?; }
        let p = parent.map_or(0, |p| p.0);
        Ok(self.org_children.range((p, NO_BYTES, 0)..(p + 1, NO_BYTES, 0))?.count())
    }

    /// The ancestors of `id`, nearest first (its parent, then the parent's parent …), up to
    /// the top of the acting user's scope: nothing above it is named.
    pub fn ancestors(&self, id: OrgId) -> Result<Vec<OrgUnit>, StoreError> {
        let mut all = self.ancestors_all(id)?;
        if let Some(root) = self.read_scope() {
            match all.iter().position(|o| o.id == root) {
                Some(at) => all.truncate(at + 1),
                None => all.clear(),
            }
        }
        Ok(all)
    }

    /// Every ancestor of `id`, for what the store works out from them (inherited meeting
    /// rules), never shown as such.
    pub(super) fn ancestors_all(&self, id: OrgId) -> Result<Vec<OrgUnit>, StoreError> {
        let mut out: Vec<OrgUnit> = Vec::new();
        let mut seen = std::collections::HashSet::from([id]);
        let mut next = self.org_any(id)?.and_then(|o| o.parent);
        while let Some(parent) = next {
            if !seen.insert(parent) {
                return Err(StoreError::Corrupt(format!("parent cycle through org {}", parent.0)));
            }
            let org = self.org_any(parent)?.ok_or_else(|| missing("org", parent.0))?;
            next = org.parent;
            out.push(org);
        }
        Ok(out)
    }

    /// The level of `id` in the whole tree, its root being level 1 (`domain::org::MAX_DEPTH`):
    /// a number, so the scope does not hide it.
    pub fn level_of(&self, id: OrgId) -> Result<usize, StoreError> {
        Ok(self.ancestors_all(id)?.len() + 1)
    }

    /// How many levels the subtree of `id` spans, `id` itself being 1: one range scan per
    /// organisation in it, whatever the scope (a move takes the whole subtree along).
    pub fn height_of(&self, id: OrgId) -> Result<usize, StoreError> {
        let mut seen = std::collections::HashSet::from([id]);
        let mut level = vec![id.0];
        let mut height = 0;
        while !level.is_empty() {
            height += 1;
            let mut below = Vec::new();
            for parent in level {
                for row in self.org_children.range((parent, NO_BYTES, 0)..(parent + 1, NO_BYTES, 0))? {
                    let child = row?.0.value().2;
                    if !seen.insert(OrgId(child)) {
                        return Err(StoreError::Corrupt(format!("org {child} is listed twice under the tree")));
                    }
                    below.push(child);
                }
            }
            level = below;
        }
        Ok(height)
    }

    /// The meeting rule and grace days of `id` as last decided (every recorded change
    /// applied, including one that starts next month), inherited up the tree.
    pub fn effective_schedule(&self, id: OrgId) -> Result<(Option<ScheduleRule>, u8), StoreError> {
        self.guard_read(id)?;
        let own = self.org(id)?.ok_or_else(|| missing("org", id.0))?;
        let chain = std::iter::once(own).chain(self.ancestors_all(id)?);
        Ok(schedule::effective(chain.map(|o| o.latest_settings())))
    }

    /// The meeting rule and grace days in force for `id` in `month`, inherited up the
    /// tree, each organisation's dated changes applied.
    pub fn effective_schedule_for_month(&self, id: OrgId, month: YearMonth) -> Result<(Option<ScheduleRule>, u8), StoreError> {
        self.guard_read(id)?;
        let own = self.org(id)?.ok_or_else(|| missing("org", id.0))?;
        let ancestors = self.ancestors_all(id)?;
        Ok(schedule::effective_for_month(std::iter::once(&own).chain(&ancestors), month))
    }

    /// `root` and every organisation below it, each level in Vietnamese order after the one
    /// above: a walk of `org_children`, one range scan per organisation visited, that ends
    /// because the store refuses parent cycles (and stops at a repeat if a file has one).
    /// A root outside the scope is refused, so every list built on a subtree (statuses,
    /// reports, absentees, counts) holds nothing outside it.
    pub fn subtree(&self, root: OrgId) -> Result<Vec<OrgUnit>, StoreError> {
        self.guard_read(root)?;
        let root = self.org(root)?.ok_or_else(|| missing("org", root.0))?;
        let mut seen = std::collections::HashSet::from([root.id]);
        let mut orgs = vec![root];
        let mut next = 0;
        while next < orgs.len() {
            let parent = orgs[next].id;
            for row in self.org_children.range((parent.0, NO_BYTES, 0)..(parent.0 + 1, NO_BYTES, 0))? {
                let child = row?.0.value().2;
                if !seen.insert(OrgId(child)) {
                    return Err(StoreError::Corrupt(format!("org {child} is listed twice under the tree")));
                }
                orgs.push(self.org(OrgId(child))?.ok_or_else(|| missing("org", child))?);
            }
            next += 1;
        }
        Ok(orgs)
    }

    /// The branches (`branch`, `grassroots_branch`) of the subtree of `root`, `root` itself
    /// included when it is one, by code.
    pub fn branches_under(&self, root: OrgId) -> Result<Vec<OrgUnit>, StoreError> {
        let mut branches: Vec<OrgUnit> = self.subtree(root)?.into_iter().filter(|o| o.kind.is_branch()).collect();
        branches.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(branches)
    }

    /// A member by id; none when their branch lies outside the acting user's scope.
    pub fn member(&self, id: MemberId) -> Result<Option<Member>, StoreError> {
        match self.member_any(id)? {
            Some(m) if self.hidden(m.org)? => Ok(None),
            found => Ok(found),
        }
    }

    /// A member by id, wherever they are: for rows reached through something inside the
    /// scope (a roster, a role, a roll-call) or filtered after.
    pub(super) fn member_any(&self, id: MemberId) -> Result<Option<Member>, StoreError> {
        self.members.get(id.0)?.map(|g| decode(g.value())).transpose()
    }

    /// `Err(OutOfScope)` when a read of what belongs to `member` must be refused: the
    /// member is unknown or sits outside the scope.
    pub(super) fn guard_member(&self, member: MemberId) -> Result<(), StoreError> {
        if self.read_scope().is_none() {
            return Ok(());
        }
        match self.member_any(member)? {
            Some(m) => self.require_scope(m.org),
            None => Err(StoreError::OutOfScope),
        }
    }

    /// The id of the member with party card `card`.
    /// None for a card outside the scope.
    pub fn member_id(&self, card: &str) -> Result<Option<MemberId>, StoreError> {
        let Some(id) = self.member_by_card.get(card)?.map(|g| MemberId(g.value())) else {
            return Ok(None);
        };
        Ok(self.member(id)?.map(|_| id))
    }

    /// A member by party card number.
    pub fn member_by_card(&self, card: &str) -> Result<Option<Member>, StoreError> {
        match self.member_id(card)? {
            Some(id) => self.member(id),
            None => Ok(None),
        }
    }

    /// Up to `limit` members of a branch or cell in roster order (given name, family name,
    /// middle names), after skipping `skip`: one bounded range scan.
    pub fn members_of(&self, org: OrgId, skip: usize, limit: usize) -> Result<Vec<Member>, StoreError> {
        self.guard_read(org)?;
        let mut out = Vec::new();
        for row in self.org_members.range((org.0, NO_BYTES, 0)..(org.0 + 1, NO_BYTES, 0))?.skip(skip).take(limit) {
            let id = row?.0.value().2;
            out.push(self.member_any(MemberId(id))?.ok_or_else(|| missing("member", id))?);
        }
        Ok(out)
    }

    /// How many members are listed under a branch or cell.
    pub fn member_count_of(&self, org: OrgId) -> Result<usize, StoreError> {
        self.guard_read(org)?;
        Ok(self.org_members.range((org.0, NO_BYTES, 0)..(org.0 + 1, NO_BYTES, 0))?.count())
    }

    /// Members whose name has a word starting with `query`, diacritics ignored
    /// (`nguyen van` finds "Nguyễn Văn An"), up to `limit`, from the folded-name index.
    /// Words not in the name may be in the names of the member's branch and the
    /// organisations above it (`duong khu 2`): such members come after those whose name
    /// holds every word, nearest first.
    pub fn search_members(&self, query: &str, limit: usize) -> Result<Vec<Member>, StoreError> {
        let index = |folded: &str, n| folded_ids::prefix_ids(&self.member_by_folded, folded, n);
        fn named(m: &Member) -> (u64, &str) {
            (m.id.0, &m.name)
        }
        self.search_ranked(query, limit, index, named, |id, above| {
            let member = self.member_any(MemberId(id))?.ok_or_else(|| missing("member", id))?;
            if self.hidden(member.org)? {
                return Ok(None);
            }
            Ok(self.words_above(Some(member.org), above)?.map(|levels| (levels, member)))
        })
    }

    /// Organisations whose name has a word starting with `query`, diacritics ignored
    /// (`hong gai` finds "Đảng ủy phường Hồng Gai"), up to `limit`. Words not in the name
    /// may be in the names above it (`khu 2 hong gai`, `quang phuc thon 1`): those come
    /// after the organisations whose name holds every word, nearest first.
    pub fn search_orgs(&self, query: &str, limit: usize) -> Result<Vec<OrgUnit>, StoreError> {
        let index = |folded: &str, n| prefix_ids(&self.org_by_folded, folded, n);
        fn named(o: &OrgUnit) -> (u64, &str) {
            (o.id.0, &o.name)
        }
        self.search_ranked(query, limit, index, named, |id, above| {
            if self.hidden(OrgId(id))? {
                return Ok(None);
            }
            let org = self.org(OrgId(id))?.ok_or_else(|| missing("org", id))?;
            Ok(self.words_above(org.parent, above)?.map(|levels| (levels, org)))
        })
    }

    /// Up to `limit` rows of a folded-name index for `query`, split by [`Split::all`]:
    /// `index` gives, for folded words and a number, up to that many different ids listed
    /// under a suffix starting with the words, in index order.
    /// `found` says, for a row's id and the words left for the names above, what it is, how
    /// many organisations up those words were found, or `None` to leave it out. Rows as
    /// near are listed in Vietnamese order of the name from the word matched on, so those
    /// the folded index holds alike are told apart by their marks: Dương before Đường. Rows
    /// the scope hides are left out before the limit is applied: the scan reads on until
    /// it has `limit` rows the user may see (or the index runs out).
    fn search_ranked<T>(
        &self,
        query: &str,
        limit: usize,
        index: impl Fn(&str, usize) -> Result<Vec<u64>, StoreError>,
        named: impl Fn(&T) -> (u64, &str),
        found: impl Fn(u64, &[String]) -> Result<Option<(usize, T)>, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let mut out: Vec<T> = Vec::new();
        for split in Split::all(query) {
            let wanted = split.scan_limit(self.read_scope().is_some(), limit);
            let mut ranked = Vec::new();
            for id in index(&split.in_name, wanted)? {
                if out.iter().any(|t| named(t).0 == id) {
                    continue;
                }
                if let Some((levels, t)) = found(id, &split.above)? {
                    let tie = collation_key(matched_from(named(&t).1, &split.in_name));
                    ranked.push(((levels, tie), t));
                }
            }
            ranked.sort_by(|(a, _), (b, _)| a.cmp(b));
            out.extend(ranked.into_iter().map(|(_, t)| t));
            if out.len() >= limit {
                out.truncate(limit);
                break;
            }
        }
        Ok(out)
    }

    /// How many organisations up from `start` (itself the first) must be read before each
    /// of `words` starts a word of one of their names; `None` when the root is reached first.
    fn words_above(&self, start: Option<OrgId>, words: &[String]) -> Result<Option<usize>, StoreError> {
        let mut left: Vec<&str> = words.iter().map(String::as_str).collect();
        let (mut next, mut levels) = (start, 0);
        while !left.is_empty() {
            let Some(org) = next.map(|id| self.org_any(id)).transpose()?.flatten() else {
                return Ok(None);
            };
            levels += 1;
            let name = fold(&org.name);
            left.retain(|word| !name.split(' ').any(|w| w.starts_with(word)));
            // A damaged file's cycle ends at the tree's depth.
            next = org.parent.filter(|_| levels <= crate::domain::org::MAX_DEPTH * 2);
        }
        Ok(Some(levels))
    }

    /// Roles held in `org`, by member id and start date.
    pub fn roles_of_org(&self, org: OrgId) -> Result<Vec<Role>, StoreError> {
        self.guard_read(org)?;
        self.roles
            .range((org.0, 0, i32::MIN)..(org.0 + 1, 0, i32::MIN))?
            .map(|row| decode(row?.1.value()))
            .collect()
    }

    /// Roles held by `member` anywhere inside the scope.
    pub fn roles_of_member(&self, member: MemberId) -> Result<Vec<Role>, StoreError> {
        self.guard_member(member)?;
        let mut out = Vec::new();
        for row in self.roles_by_member.range((member.0, 0, i32::MIN)..(member.0 + 1, 0, i32::MIN))? {
            let (m, org, from) = row?.0.value();
            if self.hidden(OrgId(org))? { continue; }
            let role = self.roles.get((org, m, from))?.ok_or_else(|| missing("role of member", m))?;
            out.push(decode(role.value())?);
        }
        Ok(out)
    }

    /// Oversight assignments of branch `org`.
    pub fn oversight_of_org(&self, org: OrgId) -> Result<Vec<Oversight>, StoreError> {
        self.guard_read(org)?;
        self.oversight
            .range((org.0, 0, i32::MIN)..(org.0 + 1, 0, i32::MIN))?
            .map(|row| decode(row?.1.value()))
            .collect()
    }

    /// Who is assigned to oversee branch `org`, each assignment with its member wherever
    /// they sit (often on the committee above the scope): the assignment is the branch's
    /// record, so its names are shown with it.
    pub fn overseers_of(&self, org: OrgId) -> Result<Vec<(Oversight, Member)>, StoreError> {
        let mut out = Vec::new();
        for o in self.oversight_of_org(org)? {
            if let Some(member) = self.member_any(o.member)? {
                out.push((o, member));
            }
        }
        Ok(out)
    }

    /// The branches inside the scope that `member` is assigned to oversee.
    pub fn oversight_of_member(&self, member: MemberId) -> Result<Vec<Oversight>, StoreError> {
        self.guard_member(member)?;
        let mut out = Vec::new();
        for row in self.oversight_by_member.range((member.0, 0, i32::MIN)..(member.0 + 1, 0, i32::MIN))? {
            let (m, org, from) = row?.0.value();
            if self.hidden(OrgId(org))? { continue; }
            let o = self.oversight.get((org, m, from))?.ok_or_else(|| missing("oversight of member", m))?;
            out.push(decode(o.value())?);
        }
        Ok(out)
    }

    /// A meeting by id; none when its organisation lies outside the acting user's scope.
    pub fn meeting(&self, id: MeetingId) -> Result<Option<Meeting>, StoreError> {
        match self.meeting_any(id)? {
            Some(m) if self.hidden(m.org)? => Ok(None),
            found => Ok(found),
        }
    }

    /// A meeting by id, wherever it is: for rows of an organisation already let through.
    pub(super) fn meeting_any(&self, id: MeetingId) -> Result<Option<Meeting>, StoreError> {
        self.meetings.get(id.0)?.map(|g| decode(g.value())).transpose()
    }

    /// The guests recorded at meeting `id`, wherever they sit now (often on the committee
    /// above the scope): who came to a meeting inside the scope is part of its record.
    pub fn guests_of(&self, id: MeetingId) -> Result<Vec<Member>, StoreError> {
        self.guard_meeting(id)?;
        let Some(meeting) = self.meeting_any(id)? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::with_capacity(meeting.guests.len());
        for guest in meeting.guests {
            out.extend(self.member_any(guest)?);
        }
        Ok(out)
    }

    /// `Err(OutOfScope)` when a read of what belongs to meeting `id` must be refused: the
    /// meeting is unknown or its organisation lies outside the scope.
    pub(super) fn guard_meeting(&self, id: MeetingId) -> Result<(), StoreError> {
        if self.read_scope().is_none() {
            return Ok(());
        }
        match self.meeting_any(id)? {
            Some(m) => self.require_scope(m.org),
            None => Err(StoreError::OutOfScope),
        }
    }

    /// Meetings of `org` held on days in `from..until`, by date.
    pub fn meetings_of(&self, org: OrgId, from: NaiveDate, until: NaiveDate) -> Result<Vec<Meeting>, StoreError> {
        self.guard_read(org)?;
        let range = (org.0, day_number(from), 0)..(org.0, day_number(until), 0);
        let mut out = Vec::new();
        for row in self.org_meetings.range(range)? {
            let id = row?.0.value().2;
            out.push(self.meeting_any(MeetingId(id))?.ok_or_else(|| missing("meeting", id))?);
        }
        Ok(out)
    }

    /// Meetings of `org` whose day (held, or planned for) falls in `month`, by date.
    pub fn meetings_in_month(&self, org: OrgId, month: YearMonth) -> Result<Vec<Meeting>, StoreError> {
        self.meetings_of(org, month.first_day(), month.next().first_day())
    }

    /// Every meeting of `org`, by date.
    pub fn all_meetings_of(&self, org: OrgId) -> Result<Vec<Meeting>, StoreError> {
        self.guard_read(org)?;
        let mut out = Vec::new();
        for row in self.org_meetings.range((org.0, i32::MIN, 0)..(org.0 + 1, i32::MIN, 0))? {
            let id = row?.0.value().2;
            out.push(self.meeting_any(MeetingId(id))?.ok_or_else(|| missing("meeting", id))?);
        }
        Ok(out)
    }

    /// Calls `f` with every organisation in code order (for export and checks), those
    /// outside the scope left out.
    pub fn each_org<E: From<StoreError>>(&self, mut f: impl FnMut(OrgUnit) -> Result<(), E>) -> Result<(), E> {
        for row in self.org_by_code.iter().map_err(StoreError::from)? {
            let id = row.map_err(StoreError::from)?.1.value();
            if self.hidden(OrgId(id))? { continue; }
            f(self.org(OrgId(id))?.ok_or_else(|| missing("org", id))?)?;
        }
        Ok(())
    }

    /// Calls `f` with every member in card order (for export and checks), those outside
    /// the scope left out.
    pub fn each_member<E: From<StoreError>>(&self, mut f: impl FnMut(Member) -> Result<(), E>) -> Result<(), E> {
        for row in self.member_by_card.iter().map_err(StoreError::from)? {
            let id = row.map_err(StoreError::from)?.1.value();
            let member = self.member_any(MemberId(id))?.ok_or_else(|| missing("member", id))?;
            if self.hidden(member.org)? { continue; }
            f(member)?;
        }
        Ok(())
    }

    /// Number of organisations, members and meetings stored.
    /// Counts of the whole file: refused to a read held to a scope, as counts above it.
    pub fn totals(&self) -> Result<Totals, StoreError> {
        if self.read_scope().is_some() {
            return Err(StoreError::OutOfScope);
        }
        Ok(Totals {
            orgs: self.orgs.len()?,
            members: self.members.len()?,
            meetings: self.meetings.len()?,
        })
    }
}

/// Row counts of the main tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub orgs: u64,
    pub members: u64,
    pub meetings: u64,
}

impl Writer<'_> {
    /// `Err(NotAllowed)` unless the acting user's role allows the change.
    pub(super) fn refuse_unless(&self, allowed: bool) -> Result<(), StoreError> {
        require(allowed, &self.access)
    }

    /// Notes a change for the audit trail.
    pub(super) fn note(&mut self, kind: &'static str, subject: String, org: Option<OrgId>) {
        self.notes.push(super::audit::Note {
            kind,
            subject,
            org,
            count: 1,
        });
    }

    /// An org may be changed only inside the scope, and a scoped user cannot change (or
    /// move) the root of their own scope, nor put anything outside it.
    fn require_writable_org(&mut self, id: OrgId, parent: Option<OrgId>) -> Result<(), StoreError> {
        let Some(root) = self.access.scope else {
            return Ok(());
        };
        let parent_inside = match parent {
            Some(p) => self.in_scope(p)?,
            None => false,
        };
        let existing_inside = match self.org(id)? {
            Some(_) => self.in_scope(id)? && id != root,
            None => true,
        };
        if parent_inside && existing_inside {
            Ok(())
        } else {
            Err(StoreError::OutOfScope)
        }
    }

    fn next_id(&mut self, counter: &'static str) -> Result<u64, StoreError> {
        let at = match self.counters.iter().position(|(name, _)| *name == counter) {
            Some(at) => at,
            None => {
                let stored = match self.meta.get(counter)? {
                    Some(g) => u64::from_le_bytes(
                        g.value()
                            .try_into()
                            .map_err(|_| StoreError::Corrupt(format!("bad counter {counter}")))?,
                    ),
                    None => 1,
                };
                self.counters.push((counter, stored));
                self.counters.len() - 1
            }
        };
        let current = self.counters[at].1;
        self.counters[at].1 = current + 1;
        Ok(current)
    }

    /// A fresh organisation id (a counter is written: only for those who may add one).
    pub fn new_org_id(&mut self) -> Result<OrgId, StoreError> {
        self.refuse_unless(self.access.role.writes_records())?;
        self.next_id("next_org_id").map(OrgId)
    }

    /// A fresh member id.
    pub fn new_member_id(&mut self) -> Result<MemberId, StoreError> {
        self.refuse_unless(self.access.role.writes_records())?;
        self.next_id("next_member_id").map(MemberId)
    }

    /// A fresh meeting id.
    pub fn new_meeting_id(&mut self) -> Result<MeetingId, StoreError> {
        self.refuse_unless(self.access.role.writes_meetings())?;
        self.next_id("next_meeting_id").map(MeetingId)
    }

    /// The refusal of `code`, naming the organisation in the scope that holds it.
    pub(super) fn code_taken(&self, code: &str) -> Result<StoreError, StoreError> {
        let holder = self.org_by_code(code)?.map(|o| o.name).unwrap_or_default();
        Ok(StoreError::CodeTaken {
            code: code.to_string(),
            holder,
        })
    }

    /// The refusal of party card `card`, naming the member in the scope who holds it.
    pub(super) fn card_taken(&self, card: &str) -> Result<StoreError, StoreError> {
        let holder = self
            .member_by_card(card)?
            .map(|m| m.name)
            .unwrap_or_default();
        Ok(StoreError::CardTaken {
            card: card.to_string(),
            holder,
        })
    }

    /// Inserts or replaces an organisation and keeps its indexes true: a rename re-sorts it
    /// among its siblings, a move re-files it under its new parent.
    pub fn put_org(&mut self, org: &OrgUnit) -> Result<(), StoreError> {
        let old = self.put_org_record(org)?;
        if let Some(old) = &old {
            let (parent, key, id) = child_row(old);
            self.org_children.remove((parent, key.as_slice(), id))?;
            for suffix in folded_suffixes(&fold(&old.name)) {
                self.org_by_folded.remove((suffix, old.id.0))?;
            }
        }
        for suffix in folded_suffixes(&fold(&org.name)) {
            self.org_by_folded.insert((suffix, org.id.0), ())?;
        }
        let (parent, key, id) = child_row(org);
        self.org_children.insert((parent, key.as_slice(), id), ())?;
        self.rollups_org_changed(old.as_ref(), org)
    }

    /// Inserts many organisations new to the store (fresh ids), each after its parent,
    /// checked and counted as `put_org` does. Their search and sibling-order rows, which
    /// land all over their tables, are built on another thread meanwhile and inserted
    /// after, in key order.
    pub fn put_new_orgs(&mut self, orgs: &[OrgUnit]) -> Result<(), StoreError> {
        let (written, rows) = std::thread::scope(|scope| {
            let rows = scope.spawn(|| OrgRows::of(orgs));
            let written = orgs.iter().try_for_each(|org| self.put_new_org_record(org));
            (written, rows.join().expect("index rows never panic"))
        });
        written?;
        for row in rows.folded() {
            self.org_by_folded.insert(row, ())?;
        }
        for row in rows.children() {
            self.org_children.insert(row, ())?;
        }
        Ok(())
    }

    fn put_new_org_record(&mut self, org: &OrgUnit) -> Result<(), StoreError> {
        if self.put_org_record(org)?.is_some() {
            return Err(StoreError::Corrupt(format!(
                "organisation id {} is already in use",
                org.id.0
            )));
        }
        self.rollups_org_changed(None, org)
    }

    /// An organisation's record, code and counts, checked as `put_org` writes them, but not
    /// its search and sibling-order rows; the record it replaced.
    fn put_org_record(&mut self, org: &OrgUnit) -> Result<Option<OrgUnit>, StoreError> {
        self.refuse_unless(self.access.role.writes_records())?;
        check_org_record(org, self.org_any(org.id)?.as_ref())?;
        self.require_writable_org(org.id, org.parent)?;
        self.note("org", org.code.clone(), Some(org.id));
        if self.org_id(&org.code)?.is_some_and(|id| id != org.id) {
            return Err(self.code_taken(&org.code)?);
        }
        if let Some(parent) = org.parent {
            self.refuse_cycle(org.id, parent)?;
        }
        let old: Option<OrgUnit> = self
            .orgs
            .insert(org.id.0, encode(org).as_slice())?
            .map(|g| decode(g.value()))
            .transpose()?;
        self.parents.insert(org.id.0, org.parent.map(|p| p.0));
        self.retotal_org(old.as_ref(), org)?;
        if let Some(old) = &old {
            self.org_by_code.remove(old.code.as_str())?;
        }
        self.org_by_code.insert(org.code.as_str(), org.id.0)?;
        Ok(old)
    }

    /// Keeps the totals true when an org is added or changed: a move carries the whole
    /// subtree's totals from the old ancestors to the new ones; founding or dissolving a
    /// branch changes the branch count along its path.
    fn retotal_org(&mut self, old: Option<&OrgUnit>, org: &OrgUnit) -> Result<(), StoreError> {
        let mut own = TotalsDelta::default();
        own.add(OrgTotals::of_org(org));
        if let Some(old) = old {
            own.subtract(OrgTotals::of_org(old));
            if old.parent != org.parent {
                let subtree = self.pending_totals(org.id.0)?;
                let (mut leave, mut join) = (TotalsDelta::default(), TotalsDelta::default());
                leave.subtract(subtree);
                join.add(subtree);
                self.add_along(old.parent.map(|p| p.0), leave)?;
                self.add_along(org.parent.map(|p| p.0), join)?;
            }
        }
        self.add_along(Some(org.id.0), own)
    }

    /// The totals of `id` with this transaction's changes so far.
    fn pending_totals(&self, id: u64) -> Result<OrgTotals, StoreError> {
        let stored = self.stored_totals(id)?;
        Ok(self
            .totals_delta
            .get(&id)
            .map_or(stored, |d| d.applied_to(stored)))
    }

    /// Adds `delta` to `start` and every organisation above it.
    fn add_along(&mut self, start: Option<u64>, delta: TotalsDelta) -> Result<(), StoreError> {
        if delta.is_zero() {
            return Ok(());
        }
        let mut next = start;
        let mut steps = 0;
        while let Some(id) = next {
            let entry = self.totals_delta.entry(id).or_default();
            *entry = entry.plus(delta);
            next = self.parent_of(id)?;
            steps += 1;
            if steps > 10_000 {
                return Err(StoreError::Corrupt("parent chain without end".into()));
            }
        }
        Ok(())
    }

    pub(super) fn parent_of(&mut self, id: u64) -> Result<Option<u64>, StoreError> {
        if let Some(parent) = self.parents.get(&id) {
            return Ok(*parent);
        }
        let parent = self
            .org(OrgId(id))?
            .ok_or_else(|| missing("org", id))?
            .parent
            .map(|p| p.0);
        self.parents.insert(id, parent);
        Ok(parent)
    }

    /// Moves a member's count from where it was to where it is.
    fn retotal_member(
        &mut self,
        old: Option<&Member>,
        member: Option<&Member>,
    ) -> Result<(), StoreError> {
        let anchor = |m: &Member| m.cell.unwrap_or(m.org).0;
        if let Some(old) = old {
            let mut delta = TotalsDelta::default();
            delta.subtract(OrgTotals::of_member(old));
            self.add_along(Some(anchor(old)), delta)?;
        }
        if let Some(member) = member {
            let mut delta = TotalsDelta::default();
            delta.add(OrgTotals::of_member(member));
            self.add_along(Some(anchor(member)), delta)?;
        }
        Ok(())
    }

    fn refuse_cycle(&self, id: OrgId, parent: OrgId) -> Result<(), StoreError> {
        let mut seen = 0;
        let mut next = Some(parent);
        while let Some(current) = next {
            if current == id {
                return Err(StoreError::WouldBeOwnAncestor);
            }
            seen += 1;
            if seen > 10_000 {
                return Err(StoreError::Corrupt("parent chain without end".into()));
            }
            next = self
                .org(current)?
                .ok_or_else(|| missing("parent org", current.0))?
                .parent;
        }
        Ok(())
    }

    /// Inserts or replaces a member and keeps the roster and name indexes true.
    pub fn put_member(&mut self, member: &Member) -> Result<(), StoreError> {
        self.refuse_unless(self.access.role.writes_records())?;
        self.require_scope(member.org)?;
        let stored = self.member(member.id)?;
        if let Some(old) = &stored {
            self.require_scope(old.org)?;
        }
        check_member_record(member, stored.as_ref())?;
        self.note("member", member.card.clone(), Some(member.org));
        if self
            .member_id(&member.card)?
            .is_some_and(|id| id != member.id)
        {
            return Err(self.card_taken(&member.card)?);
        }
        let old: Option<Member> = self
            .members
            .insert(member.id.0, encode(member).as_slice())?
            .map(|g| decode(g.value()))
            .transpose()?;
        self.retotal_member(old.as_ref(), Some(member))?;
        self.rollups_member_changed(old.as_ref(), member)?;
        self.index_former_branches(old.as_ref(), member)?;
        // A block of the folded-name index is rewritten whole: left alone unless the name's
        // words change, so updating many members (an import again) stays cheap.
        let folded = fold(&member.name);
        let renamed = old.as_ref().is_none_or(|old| fold(&old.name) != folded);
        if let Some(old) = old {
            self.member_by_card.remove(old.card.as_str())?;
            self.unlist_member(&old, renamed)?;
        }
        self.member_by_card
            .insert(member.card.as_str(), member.id.0)?;
        let key = person_key(&member.name);
        for org in std::iter::once(member.org).chain(member.cell) {
            self.org_members
                .insert((org.0, key.as_slice(), member.id.0), ())?;
        }
        if renamed {
            for suffix in folded_suffixes(&folded) {
                folded_ids::add(&mut self.member_by_folded, suffix, member.id.0)?;
            }
        }
        Ok(())
    }

    /// Inserts many members that are new to the store (fresh ids, unused cards), much
    /// faster than one `put_member` each. Index rows land all over their tables, so they
    /// are sorted first and inserted in key order (about three times faster in redb). The
    /// roster and search rows are built and inserted on other threads while this one
    /// writes the records and card rows.
    pub fn put_new_members(&mut self, members: &[Member]) -> Result<(), StoreError> {
        self.refuse_unless(self.access.role.writes_records())?;
        for member in members {
            self.require_scope(member.org)?;
        }
        // One note per branch, with a count: an import of millions stays a few rows.
        let mut per_org: HashMap<OrgId, usize> = HashMap::new();
        for member in members {
            *per_org.entry(member.org).or_default() += 1;
        }
        for (org, count) in per_org {
            self.notes.push(super::audit::Note {
                kind: "member",
                subject: String::new(),
                org: Some(org),
                count,
            });
        }
        let (records, indexes, counts) = std::thread::scope(|scope| {
            let folded =
                scope.spawn(|| FoldedGroups::of(members.iter().map(|m| (m.id.0, m.name.as_str()))));
            let counts = scope.spawn(|| totals_by_anchor(members));
            // Tables of one write transaction may be written from two threads: the
            // roster and search rows go in there while the records go in here.
            let (org_members, member_by_folded) =
                (&mut self.org_members, &mut self.member_by_folded);
            let indexes = scope.spawn(move || -> Result<(), StoreError> {
                for row in RosterRows::of(members).iter() {
                    org_members.insert(row, ())?;
                }
                let folded = folded.join().expect("folded names never panic");
                folded_ids::add_grouped(member_by_folded, folded.iter())
            });
            let records =
                insert_member_records(&mut self.members, &mut self.member_by_card, members);
            (
                records,
                indexes.join().expect("index rows never panic"),
                counts.join().expect("counting never panics"),
            )
        });
        if let Err((card, holder)) = records? {
            let holder = self.member_any(holder)?.map(|m| m.name).unwrap_or_default();
            return Err(StoreError::CardTaken {
                card: card.to_string(),
                holder,
            });
        }
        indexes?;
        for (anchor, delta) in counts {
            self.add_along(Some(anchor), delta)?;
        }
        self.rollups_members_added(members)?;
        for member in members.iter().filter(|m| !m.former_orgs.is_empty()) {
            self.index_former_branches(None, member)?;
        }
        Ok(())
    }

    /// The `org_former_members` rows of `new` in place of `old`'s.
    fn index_former_branches(
        &mut self,
        old: Option<&Member>,
        new: &Member,
    ) -> Result<(), StoreError> {
        let branches = |m: &Member| {
            m.former_orgs
                .iter()
                .map(|f| f.org.0)
                .collect::<BTreeSet<u64>>()
        };
        let (before, after) = (old.map(branches).unwrap_or_default(), branches(new));
        for org in before.difference(&after) {
            self.org_former_members.remove((*org, new.id.0))?;
        }
        for org in after.difference(&before) {
            self.org_former_members.insert((*org, new.id.0), ())?;
        }
        Ok(())
    }

    /// Takes `old`'s roster rows away, and its folded-name listings when it is `renamed`.
    fn unlist_member(&mut self, old: &Member, renamed: bool) -> Result<(), StoreError> {
        let key = person_key(&old.name);
        for org in std::iter::once(old.org).chain(old.cell) {
            self.org_members.remove((org.0, key.as_slice(), old.id.0))?;
        }
        if renamed {
            for suffix in folded_suffixes(&fold(&old.name)) {
                folded_ids::remove(&mut self.member_by_folded, suffix, old.id.0)?;
            }
        }
        Ok(())
    }

    /// Records a role (replacing one with the same org, member and start date).
    pub fn put_role(&mut self, role: &Role) -> Result<(), StoreError> {
        self.refuse_unless(self.access.role.writes_records())?;
        self.require_scope(role.org)?;
        self.note(
            "role",
            format!("{} of member {}", role.role, role.member.0),
            Some(role.org),
        );
        let from = day_number(role.from);
        self.roles
            .insert((role.org.0, role.member.0, from), encode(role).as_slice())?;
        self.roles_by_member
            .insert((role.member.0, role.org.0, from), ())?;
        Ok(())
    }

    /// Records an oversight assignment (replacing one with the same branch, member and start).
    pub fn put_oversight(&mut self, o: &Oversight) -> Result<(), StoreError> {
        self.refuse_unless(self.access.role.writes_records())?;
        self.require_scope(o.org)?;
        self.note(
            "oversight",
            format!("by member {}", o.member.0),
            Some(o.org),
        );
        let from = day_number(o.from);
        self.oversight
            .insert((o.org.0, o.member.0, from), encode(o).as_slice())?;
        self.oversight_by_member
            .insert((o.member.0, o.org.0, from), ())?;
        Ok(())
    }

    /// Inserts or replaces a meeting and keeps the per-org date index true.
    pub fn put_meeting(&mut self, meeting: &Meeting) -> Result<(), StoreError> {
        self.refuse_unless(self.access.role.writes_meetings())?;
        self.require_scope(meeting.org)?;
        let stored = self.meeting(meeting.id)?;
        if let Some(old) = &stored {
            self.require_scope(old.org)?;
        }
        check_meeting_record(meeting, stored.as_ref())?;
        self.note(
            "meeting",
            format!("{} {}", meeting.id.0, meeting.date),
            Some(meeting.org),
        );
        // One meeting of a kind per organisation and day, as the exchange format requires:
        // a second one could not be exported and imported again.
        let next_day = meeting.date.succ_opt().unwrap_or(meeting.date);
        let same_day = self.meetings_of(meeting.org, meeting.date, next_day)?;
        if same_day
            .iter()
            .any(|m| m.id != meeting.id && m.kind == meeting.kind)
        {
            return Err(StoreError::MeetingTaken {
                date: meeting.date,
                kind: meeting.kind,
            });
        }
        let old: Option<Meeting> = self
            .meetings
            .insert(meeting.id.0, encode(meeting).as_slice())?
            .map(|g| decode(g.value()))
            .transpose()?;
        if let Some(old) = &old {
            self.org_meetings
                .remove((old.org.0, day_number(old.date), old.id.0))?;
            self.drop_unlisted_documents(old, meeting)?;
        }
        self.org_meetings
            .insert((meeting.org.0, day_number(meeting.date), meeting.id.0), ())?;
        self.absences_changed(old.as_ref(), meeting)?;
        self.rollups_meeting_changed(old.as_ref(), meeting)
    }

    /// Removes the bytes of documents the meeting no longer lists.
    fn drop_unlisted_documents(&mut self, old: &Meeting, new: &Meeting) -> Result<(), StoreError> {
        for doc in &old.documents {
            if !new.documents.iter().any(|d| d.no == doc.no) {
                self.documents.remove((old.id.0, doc.no))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::OrgKind;
    use crate::store::Store;
    use crate::store::check;
    use crate::store::testkit::{member, org, sample};

    fn names(orgs: Vec<OrgUnit>) -> Vec<String> {
        orgs.into_iter().map(|o| o.name).collect()
    }

    #[test]
    fn rename_and_move_refile_an_org_among_its_new_siblings() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        store
            .write(|w| {
                let id = w.new_org_id()?;
                let mut other = org(id.0, "QN.CP", OrgKind::GrassrootsCommittee, Some(1));
                other.name = "Đảng ủy phường Cẩm Phả".into();
                w.put_org(&other)?;
                let mut branch = w.org(OrgId(3))?.unwrap();
                branch.name = "Chi bộ Ánh Dương".into();
                branch.parent = Some(id);
                w.put_org(&branch)
            })
            .unwrap();
        let r = store.read().unwrap();
        assert_eq!(r.child_count(Some(OrgId(2))).unwrap(), 0);
        assert_eq!(
            names(r.children(Some(OrgId(4)), 0, 10).unwrap()),
            ["Chi bộ Ánh Dương"]
        );
        assert_eq!(
            names(r.children(Some(OrgId(1)), 0, 10).unwrap()),
            ["Đảng ủy phường Cẩm Phả", "Tổ chức QN.HG"]
        );
        assert_eq!(
            names(r.search_orgs("anh duong", 5).unwrap()),
            ["Chi bộ Ánh Dương"]
        );
        // Words of the ward above narrow the branches of one name, before or after it.
        assert_eq!(
            names(r.search_orgs("anh duong cam pha", 5).unwrap()),
            ["Chi bộ Ánh Dương"]
        );
        assert_eq!(
            names(r.search_orgs("cam pha anh", 5).unwrap()),
            ["Chi bộ Ánh Dương"]
        );
        assert!(r.search_orgs("anh duong hong gai", 5).unwrap().is_empty());
        assert!(r.search_orgs("qn.hg.k2", 5).unwrap().is_empty());
        assert_eq!(check::run(&r).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn a_move_that_makes_a_cycle_is_refused_and_nothing_changes() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        let outcome = store.write(|w| {
            let mut province = w.org(OrgId(1))?.unwrap();
            province.parent = Some(OrgId(2));
            w.put_org(&province)
        });
        assert!(matches!(outcome, Err(StoreError::WouldBeOwnAncestor)));
        assert_eq!(
            store.read().unwrap().org(OrgId(1)).unwrap().unwrap().parent,
            None
        );
    }

    #[test]
    fn rosters_sort_by_given_name_and_search_ignores_diacritics() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        store
            .write(|w| {
                for (card, name) in [
                    ("2", "Nguyễn Văn An"),
                    ("3", "Đặng Thị Hồng"),
                    ("4", "Lê Văn Dũng"),
                ] {
                    let id = w.new_member_id()?;
                    w.put_member(&member(id.0, card, name, 3))?;
                }
                Ok::<_, StoreError>(())
            })
            .unwrap();
        let r = store.read().unwrap();
        let roster: Vec<String> = r
            .members_of(OrgId(3), 0, 10)
            .unwrap()
            .into_iter()
            .map(|m| m.name)
            .collect();
        assert_eq!(
            roster,
            [
                "Nguyễn Văn An",
                "Lê Văn Dũng",
                "Phạm Ngọc Đường",
                "Đặng Thị Hồng"
            ]
        );
        let page: Vec<String> = r
            .members_of(OrgId(3), 1, 2)
            .unwrap()
            .into_iter()
            .map(|m| m.name)
            .collect();
        assert_eq!(page, ["Lê Văn Dũng", "Phạm Ngọc Đường"]);
        let found = |q| {
            r.search_members(q, 10)
                .unwrap()
                .into_iter()
                .map(|m| m.card)
                .collect::<Vec<_>>()
        };
        assert_eq!(found("nguyen"), ["2"]);
        assert_eq!(found("van"), ["2", "4"]);
        assert_eq!(found("dang thi"), ["3"]);
        assert_eq!(found("duong"), ["48123456"]);
        assert!(found("xyz").is_empty());
        // Words not in a name are looked for in the branch's name and those above it.
        assert_eq!(found("van qn.hg.k2"), ["2", "4"]);
        assert_eq!(found("qn.hg dung"), ["4"]);
        assert!(found("van qn.hg.k3").is_empty());
        // Every word in the name comes first: "van" alone is in both names, "an" in An's.
        assert_eq!(found("van an"), ["2"]);
    }

    #[test]
    fn names_found_alike_are_listed_in_vietnamese_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        store
            .write(|w| {
                let id = w.new_member_id()?;
                w.put_member(&member(id.0, "5", "Trần Văn Dương", 3))
            })
            .unwrap();
        let r = store.read().unwrap();
        let found: Vec<String> = r
            .search_members("duong", 10)
            .unwrap()
            .into_iter()
            .map(|m| m.name)
            .collect();
        // The index holds both as "duong", Đường first (the older id); D comes before Đ.
        assert_eq!(found, ["Trần Văn Dương", "Phạm Ngọc Đường"]);
    }

    #[test]
    fn a_card_taken_by_another_member_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        let outcome = store.write(|w| {
            let id = w.new_member_id()?;
            w.put_member(&member(id.0, "48123456", "Trần Văn Bình", 3))
        });
        assert!(matches!(
            outcome,
            Err(StoreError::CardTaken { ref card, ref holder })
                if card == "48123456" && holder == "Phạm Ngọc Đường"
        ));
        assert_eq!(store.read().unwrap().totals().unwrap().members, 1);
    }

    /// New organisations written in bulk are listed, found and counted as when written one
    /// by one: their index rows, built apart and inserted sorted, are the same rows.
    #[test]
    fn organisations_written_in_bulk_read_as_written_one_by_one() {
        let named = |id, code, name: &str, kind, parent| OrgUnit {
            name: name.to_string(),
            ..org(id, code, kind, parent)
        };
        let orgs = [
            named(
                1,
                "P",
                "Tỉnh ủy Quảng Ninh",
                OrgKind::ProvincialCommittee,
                None,
            ),
            named(
                2,
                "P.B",
                "Đảng ủy xã Bình Dương",
                OrgKind::GrassrootsCommittee,
                Some(1),
            ),
            named(
                3,
                "P.A",
                "Đảng ủy phường Đông Triều",
                OrgKind::GrassrootsCommittee,
                Some(1),
            ),
            named(4, "P.A.1", "Chi bộ Ánh Dương", OrgKind::Branch, Some(3)),
            named(5, "P.A.2", "Chi bộ Anh Dũng", OrgKind::Branch, Some(3)),
            named(6, "P.A.3", "Chi bộ Đồng Tâm", OrgKind::Branch, Some(3)),
        ];
        let dir = tempfile::tempdir().unwrap();
        let one_by_one = Store::open(&dir.path().join("a.redb")).unwrap();
        let in_bulk = Store::open(&dir.path().join("b.redb")).unwrap();
        // The ids 1 to 6, handed out as an import hands them out.
        let ids = |w: &mut Writer<'_>| orgs.iter().try_for_each(|_| w.new_org_id().map(drop));
        one_by_one
            .write(|w| {
                ids(w)?;
                orgs.iter().try_for_each(|o| w.put_org(o))
            })
            .unwrap();
        in_bulk
            .write(|w| {
                ids(w)?;
                w.put_new_orgs(&orgs)
            })
            .unwrap();
        let seen = |store: &Store| {
            let r = store.read().unwrap();
            let ids = |orgs: Vec<OrgUnit>| orgs.iter().map(|o| o.id.0).collect::<Vec<_>>();
            let mut seen = vec![ids(r.children(None, 0, 10).unwrap())];
            for parent in [1, 3] {
                seen.push(ids(r.children(Some(OrgId(parent)), 0, 10).unwrap()));
            }
            for query in ["dong", "anh", "chi bo", "dang uy", "duong"] {
                seen.push(ids(r.search_orgs(query, 10).unwrap()));
            }
            assert_eq!(check::run(&r).unwrap(), Vec::<String>::new());
            seen
        };
        let seen_in_bulk = seen(&in_bulk);
        assert_eq!(seen_in_bulk, seen(&one_by_one));
        assert_eq!(seen_in_bulk[2], [5, 4, 6], "Anh Dũng, Ánh Dương, Đồng Tâm");
        // An id already in use is refused, and nothing of the bulk is written.
        let again = in_bulk.write(|w| {
            w.put_new_orgs(&[
                named(7, "Q", "Tỉnh ủy Mới", OrgKind::ProvincialCommittee, None),
                orgs[0].clone(),
            ])
        });
        assert!(matches!(again, Err(StoreError::Corrupt(_))), "{again:?}");
        assert!(in_bulk.read().unwrap().org_id("Q").unwrap().is_none());
    }

    #[test]
    fn a_card_taken_in_a_bulk_of_new_members_is_refused_naming_its_holder() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        let outcome = store.write(|w| {
            let (a, b) = (w.new_member_id()?, w.new_member_id()?);
            w.put_new_members(&[
                member(a.0, "70000001", "Lê Thị Hoa", 3),
                member(b.0, "48123456", "Trần Văn Bình", 3),
            ])
        });
        assert!(matches!(
            outcome,
            Err(StoreError::CardTaken { ref card, ref holder })
                if card == "48123456" && holder == "Phạm Ngọc Đường"
        ));
        let r = store.read().unwrap();
        assert_eq!(r.totals().unwrap().members, 1);
        assert!(r.search_members("hoa", 10).unwrap().is_empty());
    }

    #[test]
    fn schedule_inherits_from_the_nearest_ancestor() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        store
            .write(|w| {
                let mut province = w.org(OrgId(1))?.unwrap();
                province.meeting_rule = Some(ScheduleRule::DayOfMonth(7));
                w.put_org(&province)?;
                let mut ward = w.org(OrgId(2))?.unwrap();
                ward.grace_days = Some(1);
                w.put_org(&ward)
            })
            .unwrap();
        let r = store.read().unwrap();
        assert_eq!(
            r.effective_schedule(OrgId(3)).unwrap(),
            (Some(ScheduleRule::DayOfMonth(7)), 1)
        );
        assert_eq!(
            r.effective_schedule(OrgId(1)).unwrap(),
            (Some(ScheduleRule::DayOfMonth(7)), 2)
        );
    }

    fn totals(r: &Reader, id: u64) -> (u32, u32, u32) {
        let t = r.org_totals(OrgId(id)).unwrap();
        (t.branches, t.members, t.exempt)
    }

    #[test]
    fn totals_follow_members_statuses_moves_and_dissolutions() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        assert_eq!(totals(&store.read().unwrap(), 1), (1, 1, 0));
        store
            .write(|w| {
                let other_ward = w.new_org_id()?;
                w.put_org(&org(
                    other_ward.0,
                    "QN.CP",
                    OrgKind::GrassrootsCommittee,
                    Some(1),
                ))?;
                let branch = w.new_org_id()?;
                w.put_org(&org(
                    branch.0,
                    "QN.CP.K1",
                    OrgKind::Branch,
                    Some(other_ward.0),
                ))?;
                let mut exempt = member(w.new_member_id()?.0, "2", "Đặng Thị Hồng", branch.0);
                exempt.record_status(crate::domain::StatusChange {
                    status: crate::domain::MemberStatus::Exempt,
                    from: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
                    until: None,
                    reason: None,
                });
                let active = member(w.new_member_id()?.0, "3", "Lê Lợi", branch.0);
                w.put_new_members(&[exempt, active])
            })
            .unwrap();
        let r = store.read().unwrap();
        assert_eq!(totals(&r, 1), (2, 3, 1));
        assert_eq!(totals(&r, 4), (1, 2, 1));
        drop(r);
        // Move the first ward (with its branch and member) under the second, then dissolve
        // the second ward's own branch.
        store
            .write(|w| {
                let mut ward = w.org(OrgId(2))?.unwrap();
                ward.parent = Some(OrgId(4));
                ward.kind = OrgKind::GrassrootsCommittee;
                w.put_org(&ward)?;
                let mut branch = w.org(OrgId(5))?.unwrap();
                branch.dissolved = NaiveDate::from_ymd_opt(2026, 1, 1);
                w.put_org(&branch)?;
                let mut deceased = w.member(MemberId(3))?.unwrap();
                deceased.record_status(crate::domain::StatusChange {
                    status: crate::domain::MemberStatus::Deceased,
                    from: NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(),
                    until: None,
                    reason: None,
                });
                w.put_member(&deceased)
            })
            .unwrap();
        let r = store.read().unwrap();
        assert_eq!(totals(&r, 1), (1, 2, 1));
        assert_eq!(totals(&r, 4), (1, 2, 1));
        assert_eq!(totals(&r, 2), (1, 1, 0));
        assert_eq!(totals(&r, 5), (0, 1, 1));
        assert_eq!(check::run(&r).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn a_second_meeting_of_a_kind_on_one_day_is_refused() {
        use crate::domain::{MeetingKind, MeetingState};
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        let day = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        let plan = |w: &mut Writer<'_>, kind| {
            let id = w.new_meeting_id()?;
            w.put_meeting(&Meeting::new(
                id,
                OrgId(3),
                kind,
                day,
                MeetingState::Planned,
            ))
        };
        store.write(|w| plan(w, MeetingKind::Regular)).unwrap();
        let again = store.write(|w| plan(w, MeetingKind::Regular));
        assert!(matches!(again, Err(StoreError::MeetingTaken { .. })));
        let message = again.unwrap_err().message(crate::domain::Lang::Vi);
        assert_eq!(message, "ngày 05/12/2026 đã có sinh hoạt thường kỳ");
        // Another kind that day is fine, and so is saving the first one again.
        store.write(|w| plan(w, MeetingKind::Thematic)).unwrap();
        store
            .write(|w| {
                let first = w.meetings_of(OrgId(3), day, day.succ_opt().unwrap())?[0].clone();
                w.put_meeting(&first)
            })
            .unwrap();
        assert_eq!(store.read().unwrap().totals().unwrap().meetings, 2);
    }
}
