//! `chibo check`: verifies, from the raw rows, every invariant the store relies on — that
//! each index holds exactly the rows its records imply, that references resolve, and that
//! the totals and monthly roll-ups equal a recount from the records.
//!
//! Its memory does not grow with the members, meetings or marks: it holds the
//! organisations (the tree: a few hundred bytes each, about 100 MB for the whole country)
//! and, at any moment, the members and meetings of a branch on each of two threads. Members
//! and meetings are read in one pass each; their indexes are compared with them by
//! fingerprint (`rows.rs`), and read again row by row only where the fingerprints differ.
//! Roll-ups, absences and the marks are recounted branch by branch as the tree is walked
//! from its leaves up (`tree.rs`), beside those passes.

mod rows;
mod tree;

use std::collections::{BTreeSet, HashMap};
use std::hash::Hash;

use redb::ReadableTable;

use self::rows::Fingerprint;
use super::codec::decode;
use super::folded_ids;
use super::tables::child_row;
use super::{Reader, StoreError};
use crate::domain::YearMonth;
use crate::domain::date::day_number;
use crate::domain::edit::{Dated, EditError, Since, check_member_history};
use crate::domain::org::{MAX_DEPTH, levels};
use crate::domain::stats::Recount;
use crate::domain::text::{fold, folded_suffixes, person_key};
use crate::domain::{
    Classification, Meeting, MeetingId, MeetingState, Member, MemberId, OrgKind, OrgTotals,
    OrgUnit, Oversight, Role,
};

/// Every broken invariant found, one line each; empty when the store is sound.
///
/// The tree is walked (`tree.rs`) on a second thread while this one checks table by table,
/// then helps with the walk: both read the same snapshot and nothing of each other's, so on
/// a server with two cores the country's check takes about two thirds of the time it took
/// on one. The problems are listed in the order one thread would have found them.
pub fn run(reader: &Reader) -> Result<Vec<String>, StoreError> {
    let mut problems = Vec::new();
    let orgs = load_orgs(reader, &mut problems)?;
    let covered = reader.covered_months()?;
    let tree = tree::TreeCheck::new(reader, &orgs, &covered)?;
    let by_table = std::thread::scope(|scope| {
        let walker = scope.spawn(|| tree.help());
        let by_table = check_tables(reader, &orgs, &covered);
        tree.help();
        if let Err(panic) = walker.join() {
            std::panic::resume_unwind(panic);
        }
        by_table
    });
    let (before_walk, after_walk) = by_table?;
    problems.extend(before_walk);
    tree.finish(&mut problems)?;
    problems.extend(after_walk);
    Ok(problems)
}

/// What is found table by table, apart from the walk: the problems listed before the
/// walk's, and those after.
fn check_tables(
    reader: &Reader,
    orgs: &HashMap<u64, OrgUnit>,
    covered: &BTreeSet<YearMonth>,
) -> Result<(Vec<String>, Vec<String>), StoreError> {
    let mut before = Vec::new();
    check_orgs(reader, orgs, &mut before)?;
    let members = check_members(reader, orgs, &mut before)?;
    check_totals(reader, orgs, members.totals, &mut before)?;
    check_roles(reader, orgs, &mut before)?;
    check_oversight(reader, orgs, &mut before)?;
    check_meetings(reader, orgs, covered, &mut before)?;
    let mut after = Vec::new();
    check_counters(reader, orgs, members.highest, &mut after)?;
    check_classifications(reader, orgs, &mut after)?;
    Ok((before, after))
}

/// An index whose rows belong to records of another table: how to read it, and how to
/// find the rows a record implies, for [`OwnedIndex::compare`].
struct OwnedIndex<'r, K> {
    name: &'static str,
    /// Every stored row.
    stored: ReadRows<'r, K>,
    /// Whether the index holds a row.
    holds: Holds<'r, K>,
    /// The rows implied by the record a row names (none when that record is missing).
    owners_rows: RowsOfRow<'r, K>,
    /// Every row every record implies.
    implied: ReadRows<'r, K>,
}

type Rows<'r, K> = Box<dyn Iterator<Item = Result<K, StoreError>> + 'r>;
type ReadRows<'r, K> = Box<dyn Fn() -> Result<Rows<'r, K>, StoreError> + 'r>;
type Holds<'r, K> = Box<dyn Fn(&K) -> Result<bool, StoreError> + 'r>;
type RowsOfRow<'r, K> = Box<dyn Fn(&K) -> Result<Vec<K>, StoreError> + 'r>;

impl<K: Hash + std::fmt::Debug + PartialEq> OwnedIndex<'_, K> {
    /// Compares the index with `implied`, the fingerprint of the rows the records imply;
    /// names the missing and stray rows only when the fingerprints differ.
    fn compare(&self, implied: Fingerprint, problems: &mut Vec<String>) -> Result<(), StoreError> {
        if Fingerprint::of((self.stored)()?)? == implied {
            return Ok(());
        }
        rows::missing(self.name, (self.implied)()?, &self.holds, problems)?;
        rows::stray(self.name, (self.stored)()?, &self.owners_rows, problems)
    }
}

/// Compares the rows an index holds with the rows its records imply, reporting both ways.
fn compare_index<K: Ord + std::fmt::Debug>(
    name: &str,
    stored: BTreeSet<K>,
    expected: BTreeSet<K>,
    problems: &mut Vec<String>,
) {
    for extra in stored.difference(&expected) {
        problems.push(format!("{name}: stray row {extra:?}"));
    }
    for absent in expected.difference(&stored) {
        problems.push(format!("{name}: missing row {absent:?}"));
    }
}

/// Every organisation by the key of its row.
fn load_orgs(
    reader: &Reader,
    problems: &mut Vec<String>,
) -> Result<HashMap<u64, OrgUnit>, StoreError> {
    let mut orgs = HashMap::new();
    for row in reader.orgs.iter()? {
        let (id, bytes) = row?;
        let org: OrgUnit = decode(bytes.value())?;
        if org.id.0 != id.value() {
            problems.push(format!("org row {} holds org {}", id.value(), org.id.0));
        }
        orgs.insert(id.value(), org);
    }
    Ok(orgs)
}

/// The organisations' places in the tree, their rules, and their three indexes.
fn check_orgs(
    reader: &Reader,
    orgs: &HashMap<u64, OrgUnit>,
    problems: &mut Vec<String>,
) -> Result<(), StoreError> {
    // Every organisation's level in one walk of the tree, so a deep chain costs no more
    // than a wide tree.
    let parent_of = |id: u64| {
        let parent = orgs.get(&id).and_then(|o| o.parent).map(|p| p.0);
        Ok::<_, StoreError>(parent.filter(|p| orgs.contains_key(p)))
    };
    let levels = levels(orgs.keys().copied(), parent_of)?;
    let mut expected_codes = BTreeSet::new();
    let mut expected_children = BTreeSet::new();
    let mut expected_folded = BTreeSet::new();
    for (&key, org) in orgs {
        for suffix in folded_suffixes(&fold(&org.name)) {
            expected_folded.insert((suffix.to_string(), org.id.0));
        }
        expected_codes.insert((org.code.clone(), org.id.0));
        expected_children.insert(child_row(org));
        match org.parent.map(|p| orgs.get(&p.0)) {
            Some(None) => problems.push(format!("org {} has a missing parent", org.code)),
            Some(Some(parent)) if !org.kind.may_sit_under(parent.kind) => problems.push(format!(
                "org {} ({}) cannot sit under {} ({})",
                org.code, org.kind, parent.code, parent.kind
            )),
            _ => {}
        }
        // By the row's key: a damaged row may hold another id than its key.
        match levels.get(&key).copied().flatten() {
            None => problems.push(format!("org {} is its own ancestor", org.code)),
            // Reported once per branch of the tree, at the first organisation past the limit.
            Some(level)
                if level > MAX_DEPTH
                    && org
                        .parent
                        .is_some_and(|p| levels.get(&p.0) == Some(&Some(MAX_DEPTH))) =>
            {
                problems.push(format!(
                    "org {} is at level {level}: the tree may be at most {MAX_DEPTH} levels deep",
                    org.code
                ));
            }
            _ => {}
        }
        check_rule_changes(org, problems);
    }
    let mut stored_codes = BTreeSet::new();
    for row in reader.org_by_code.iter()? {
        let (code, id) = row?;
        stored_codes.insert((code.value().to_string(), id.value()));
    }
    compare_index("org_by_code", stored_codes, expected_codes, problems);
    let mut stored_children = BTreeSet::new();
    for row in reader.org_children.iter()? {
        let (key, _) = row?;
        let (parent, sort, child) = key.value();
        stored_children.insert((parent, sort.to_vec(), child));
    }
    compare_index("org_children", stored_children, expected_children, problems);
    let mut stored_folded = BTreeSet::new();
    for row in reader.org_by_folded.iter()? {
        let (key, _) = row?;
        let (text, id) = key.value();
        stored_folded.insert((text.to_string(), id));
    }
    compare_index("org_by_folded", stored_folded, expected_folded, problems);
    Ok(())
}

/// What the pass over the members leaves for the checks after it.
struct MembersSeen {
    totals: HashMap<u64, OrgTotals>,
    highest: u64,
}

/// The index rows one member implies.
#[derive(Default)]
struct MemberRows {
    cards: Vec<(String, u64)>,
    roster: Vec<(u64, Vec<u8>, u64)>,
    former: Vec<(u64, u64)>,
    folded: Vec<(String, u64)>,
}

impl MemberRows {
    fn of(m: &Member) -> MemberRows {
        let key = person_key(&m.name);
        let mut rows = MemberRows {
            cards: vec![(m.card.clone(), m.id.0)],
            roster: std::iter::once(m.org)
                .chain(m.cell)
                .map(|org| (org.0, key.clone(), m.id.0))
                .collect(),
            former: m.former_orgs.iter().map(|f| (f.org.0, m.id.0)).collect(),
            folded: folded_suffixes(&fold(&m.name))
                .into_iter()
                .map(|suffix| (suffix.to_string(), m.id.0))
                .collect(),
        };
        // A set of rows each, as an index holds them.
        rows.roster.dedup();
        rows.former.sort_unstable();
        rows.former.dedup();
        rows.folded.sort_unstable();
        rows.folded.dedup();
        rows
    }
}

fn check_members(
    reader: &Reader,
    orgs: &HashMap<u64, OrgUnit>,
    problems: &mut Vec<String>,
) -> Result<MembersSeen, StoreError> {
    let mut totals = Recount::new(orgs);
    let mut highest = 0;
    let mut implied = [Fingerprint::default(); 4];
    for row in reader.members.iter()? {
        let (id, bytes) = row?;
        let member: Member = decode(bytes.value())?;
        if member.id.0 != id.value() {
            problems.push(format!(
                "member row {} holds member {}",
                id.value(),
                member.id.0
            ));
        }
        highest = highest.max(id.value());
        let rows = MemberRows::of(&member);
        rows.cards.iter().for_each(|r| implied[0].add(r));
        rows.roster.iter().for_each(|r| implied[1].add(r));
        rows.former.iter().for_each(|r| implied[2].add(r));
        rows.folded.iter().for_each(|r| implied[3].add(r));
        check_member(&member, orgs, problems);
        totals.member(&member);
    }
    let [cards, roster, former, folded] = implied;
    member_by_card(reader).compare(cards, problems)?;
    org_members(reader).compare(roster, problems)?;
    org_former_members(reader).compare(former, problems)?;
    member_by_folded(reader).compare(folded, problems)?;
    Ok(MembersSeen {
        totals: totals.finish(),
        highest,
    })
}

/// One member's own invariants, and those of its references to organisations.
fn check_member(m: &Member, orgs: &HashMap<u64, OrgUnit>, problems: &mut Vec<String>) {
    match orgs.get(&m.org.0) {
        None => problems.push(format!("member {} belongs to a missing org", m.card)),
        Some(org) if !org.kind.is_branch() => problems.push(format!(
            "member {} belongs to {} which is not a branch",
            m.card, org.code
        )),
        Some(_) => {}
    }
    if let Some(cell) = m.cell {
        let in_branch = orgs
            .get(&cell.0)
            .is_some_and(|c| c.kind == OrgKind::Cell && c.parent == Some(m.org));
        if !in_branch {
            problems.push(format!(
                "member {}: cell is not a cell of the member's branch",
                m.card
            ));
        }
    }
    let former_in_branches = m
        .former_orgs
        .iter()
        .all(|f| orgs.get(&f.org.0).is_some_and(|o| o.kind.is_branch()));
    if !former_in_branches {
        problems.push(format!(
            "member {}: a former branch is missing or not a branch",
            m.card
        ));
    }
    if m.former_orgs.windows(2).any(|w| w[0].until >= w[1].until) {
        problems.push(format!("member {}: former branches out of order", m.card));
    }
    if m.history.windows(2).any(|w| w[0].from > w[1].from) {
        problems.push(format!(
            "member {}: status history out of date order",
            m.card
        ));
    }
    if let Err(EditError::BeforeMember { event, day, since }) = check_member_history(m) {
        let what = match event {
            Dated::Status(status) => format!("status {status} from {day}"),
            Dated::Transfer => format!("transfer on {day}"),
        };
        let since = match since {
            Since::Admitted(d) => format!("admission (admitted {d})"),
            Since::Born(d) => format!("birth (born {d})"),
        };
        problems.push(format!("member {}: {what} is before {since}", m.card));
    }
}

/// Every row of one kind every member implies, by a second pass over the members.
fn implied_by_members<'r, K: 'r>(
    reader: &'r Reader,
    pick: fn(MemberRows) -> Vec<K>,
) -> Result<Rows<'r, K>, StoreError> {
    let members = reader.members.iter()?;
    Ok(Box::new(members.flat_map(move |row| {
        let rows = row
            .map_err(StoreError::from)
            .and_then(|(_, bytes)| decode::<Member>(bytes.value()))
            .map(|m| pick(MemberRows::of(&m)));
        match rows {
            Ok(rows) => rows.into_iter().map(Ok).collect::<Vec<_>>(),
            Err(e) => vec![Err(e)],
        }
    })))
}

/// The rows of one kind the member `id` implies: none when there is no such member.
fn rows_of_member<K>(
    reader: &Reader,
    id: u64,
    pick: fn(MemberRows) -> Vec<K>,
) -> Result<Vec<K>, StoreError> {
    Ok(reader
        .member_any(MemberId(id))?
        .map_or_else(Vec::new, |m| pick(MemberRows::of(&m))))
}

/// Which of a member's rows an index holds, and whose a row is.
type MemberRowsOf<K> = (fn(MemberRows) -> Vec<K>, fn(&K) -> u64);

/// An index of rows the members imply, `pick` choosing which, `owner` naming the member a
/// row belongs to.
fn member_index<'r, K: 'r>(
    reader: &'r Reader,
    name: &'static str,
    (pick, owner): MemberRowsOf<K>,
    stored: ReadRows<'r, K>,
    holds: Holds<'r, K>,
) -> OwnedIndex<'r, K> {
    OwnedIndex {
        name,
        stored,
        holds,
        owners_rows: Box::new(move |row| rows_of_member(reader, owner(row), pick)),
        implied: Box::new(move || implied_by_members(reader, pick)),
    }
}

fn member_by_card(reader: &Reader) -> OwnedIndex<'_, (String, u64)> {
    let stored: ReadRows<'_, (String, u64)> = Box::new(|| {
        let rows = reader.member_by_card.iter()?;
        Ok(Box::new(rows.map(|row| {
            let (card, id) = row?;
            Ok((card.value().to_string(), id.value()))
        })))
    });
    let holds: Holds<'_, (String, u64)> = Box::new(|(card, id)| {
        Ok(reader.member_by_card.get(card.as_str())?.map(|v| v.value()) == Some(*id))
    });
    let rows: MemberRowsOf<_> = (|r: MemberRows| r.cards, |row: &(String, u64)| row.1);
    member_index(reader, "member_by_card", rows, stored, holds)
}

fn org_members(reader: &Reader) -> OwnedIndex<'_, (u64, Vec<u8>, u64)> {
    let stored: ReadRows<'_, (u64, Vec<u8>, u64)> = Box::new(|| {
        let rows = reader.org_members.iter()?;
        Ok(Box::new(rows.map(|row| {
            let (key, _) = row?;
            let (org, sort, id) = key.value();
            Ok((org, sort.to_vec(), id))
        })))
    });
    let holds: Holds<'_, (u64, Vec<u8>, u64)> = Box::new(|(org, sort, id)| {
        Ok(reader
            .org_members
            .get((*org, sort.as_slice(), *id))?
            .is_some())
    });
    let rows: MemberRowsOf<_> = (|r: MemberRows| r.roster, |row: &(u64, Vec<u8>, u64)| row.2);
    member_index(reader, "org_members", rows, stored, holds)
}

fn org_former_members(reader: &Reader) -> OwnedIndex<'_, (u64, u64)> {
    let stored: ReadRows<'_, (u64, u64)> = Box::new(|| {
        let rows = reader.org_former_members.iter()?;
        Ok(Box::new(rows.map(|row| Ok(row?.0.value()))))
    });
    let holds: Holds<'_, (u64, u64)> =
        Box::new(|row| Ok(reader.org_former_members.get(*row)?.is_some()));
    let rows: MemberRowsOf<_> = (|r: MemberRows| r.former, |row: &(u64, u64)| row.1);
    member_index(reader, "org_former_members", rows, stored, holds)
}

fn member_by_folded(reader: &Reader) -> OwnedIndex<'_, (String, u64)> {
    let stored: ReadRows<'_, (String, u64)> =
        Box::new(|| Ok(Box::new(folded_ids::pairs(&reader.member_by_folded)?)));
    let holds: Holds<'_, (String, u64)> =
        Box::new(|(text, id)| folded_ids::holds(&reader.member_by_folded, text, *id));
    let rows: MemberRowsOf<_> = (|r: MemberRows| r.folded, |row: &(String, u64)| row.1);
    member_index(reader, "member_by_folded", rows, stored, holds)
}

/// The totals kept for every organisation equal a recount from the records.
fn check_totals(
    reader: &Reader,
    orgs: &HashMap<u64, OrgUnit>,
    expected: HashMap<u64, OrgTotals>,
    problems: &mut Vec<String>,
) -> Result<(), StoreError> {
    let mut stored = HashMap::new();
    for row in reader.org_totals.iter()? {
        let (id, bytes) = row?;
        stored.insert(id.value(), decode::<OrgTotals>(bytes.value())?);
    }
    let mut ids: Vec<u64> = expected.keys().chain(stored.keys()).copied().collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        let (want, have) = (expected.get(&id).copied(), stored.get(&id).copied());
        if want.unwrap_or_default() != have.unwrap_or_default() {
            let code = orgs
                .get(&id)
                .map_or_else(|| format!("#{id}"), |o| o.code.clone());
            problems.push(format!(
                "org_totals of {code}: stored {:?}, recounted {:?}",
                have.unwrap_or_default(),
                want.unwrap_or_default()
            ));
        }
    }
    Ok(())
}

/// A dated assignment table (roles or oversight), keyed (org, member, from), and its
/// reverse index keyed (member, org, from).
struct Assignments<'r, T> {
    name: &'static str,
    table: &'r redb::ReadOnlyTable<(u64, u64, i32), &'static [u8]>,
    reverse: &'r redb::ReadOnlyTable<(u64, u64, i32), ()>,
    key_of: fn(&T) -> (u64, u64, i32),
}

/// Checks a dated assignment table (roles or oversight) and its reverse index.
fn check_assignments<T: serde::de::DeserializeOwned>(
    reader: &Reader,
    a: Assignments<'_, T>,
    orgs: &HashMap<u64, OrgUnit>,
    problems: &mut Vec<String>,
) -> Result<(), StoreError> {
    let name = a.name;
    let mut implied = Fingerprint::default();
    for row in a.table.iter()? {
        let (key, bytes) = row?;
        let record: T = decode(bytes.value())?;
        let (org, member, from) = (a.key_of)(&record);
        if (org, member, from) != key.value() {
            problems.push(format!(
                "{name}: row {:?} holds {:?}",
                key.value(),
                (org, member, from)
            ));
        }
        if !orgs.contains_key(&org) {
            problems.push(format!("{name}: row {:?} names a missing org", key.value()));
        }
        if reader.members.get(member)?.is_none() {
            problems.push(format!(
                "{name}: row {:?} names a missing member",
                key.value()
            ));
        }
        implied.add(&(member, org, from));
    }
    let (table, reverse, key_of) = (a.table, a.reverse, a.key_of);
    let reversed = move |bytes: &[u8]| {
        decode::<T>(bytes).map(|record| {
            let (org, member, from) = key_of(&record);
            (member, org, from)
        })
    };
    let index = OwnedIndex {
        name: match name {
            "roles" => "roles_by_member",
            _ => "oversight_by_member",
        },
        stored: Box::new(|| Ok(Box::new(reverse.iter()?.map(|row| Ok(row?.0.value()))))),
        holds: Box::new(|row| Ok(reverse.get(*row)?.is_some())),
        owners_rows: Box::new(move |&(member, org, from)| {
            let owner = table.get((org, member, from))?;
            owner
                .map(|bytes| reversed(bytes.value()))
                .into_iter()
                .collect()
        }),
        implied: Box::new(move || {
            let rows = table.iter()?;
            Ok(Box::new(rows.map(move |row| reversed(row?.1.value()))))
        }),
    };
    index.compare(implied, problems)
}

fn check_roles(
    reader: &Reader,
    orgs: &HashMap<u64, OrgUnit>,
    problems: &mut Vec<String>,
) -> Result<(), StoreError> {
    let roles = Assignments {
        name: "roles",
        table: &reader.roles,
        reverse: &reader.roles_by_member,
        key_of: |r: &Role| (r.org.0, r.member.0, day_number(r.from)),
    };
    check_assignments(reader, roles, orgs, problems)
}

fn check_oversight(
    reader: &Reader,
    orgs: &HashMap<u64, OrgUnit>,
    problems: &mut Vec<String>,
) -> Result<(), StoreError> {
    let oversight = Assignments {
        name: "oversight",
        table: &reader.oversight,
        reverse: &reader.oversight_by_member,
        key_of: |o: &Oversight| (o.org.0, o.member.0, day_number(o.from)),
    };
    check_assignments(reader, oversight, orgs, problems)
}

/// Rule changes start in real months, one change a month, in order; every rule is valid.
fn check_rule_changes(org: &OrgUnit, problems: &mut Vec<String>) {
    let rules =
        std::iter::once(org.meeting_rule).chain(org.rule_changes.iter().map(|c| c.meeting_rule));
    if rules.flatten().any(|rule| rule.validate().is_err()) {
        problems.push(format!("org {} has a meeting rule out of range", org.code));
    }
    if org.rule_changes.iter().any(|c| c.starts().is_none()) {
        problems.push(format!(
            "org {} has a rule change in no real month",
            org.code
        ));
    }
    if org
        .rule_changes
        .windows(2)
        .any(|pair| pair[0].from >= pair[1].from)
    {
        problems.push(format!(
            "org {}: rule changes out of order or twice in a month",
            org.code
        ));
    }
}

/// Each meeting's own invariants, its index rows, its documents, and its month covered by
/// the roll-ups. Its marks are checked with its branch's members, in `tree.rs`.
fn check_meetings(
    reader: &Reader,
    orgs: &HashMap<u64, OrgUnit>,
    covered: &BTreeSet<YearMonth>,
    problems: &mut Vec<String>,
) -> Result<(), StoreError> {
    let mut implied = Fingerprint::default();
    let mut documents = Fingerprint::default();
    let mut uncovered = BTreeSet::new();
    for row in reader.meetings.iter()? {
        let (id, bytes) = row?;
        let meeting: Meeting = decode(bytes.value())?;
        implied.add(&(meeting.org.0, day_number(meeting.date), id.value()));
        for row in document_rows(&meeting) {
            documents.add(&row);
        }
        let month = YearMonth::of(meeting.date);
        if !covered.contains(&month) && uncovered.insert(month) {
            problems.push(format!(
                "rollup_months: month {month} has a meeting but is not covered"
            ));
        }
        match orgs.get(&meeting.org.0) {
            None => problems.push(format!("meeting {} belongs to a missing org", id.value())),
            Some(org) => check_meeting(reader, org, &meeting, problems)?,
        }
    }
    org_meetings(reader).compare(implied, problems)?;
    documents_index(reader).compare(documents, problems)
}

/// One meeting's own invariants, and its references to members.
fn check_meeting(
    reader: &Reader,
    org: &OrgUnit,
    meeting: &Meeting,
    problems: &mut Vec<String>,
) -> Result<(), StoreError> {
    if meeting.state != MeetingState::Held && !meeting.attendance.is_empty() {
        problems.push(format!(
            "meeting of {} on {}: attendance recorded for a {} meeting",
            org.code, meeting.date, meeting.state
        ));
    }
    if let (Some(start), Some(end)) = (meeting.time, meeting.end_time)
        && end <= start
    {
        problems.push(format!(
            "meeting of {} on {}: ends before it starts",
            org.code, meeting.date
        ));
    }
    if let Some(drafter) = meeting.drafter
        && reader.members.get(drafter.0)?.is_none()
    {
        problems.push(format!(
            "meeting of {} on {}: unknown drafter",
            org.code, meeting.date
        ));
    }
    if let Some(vote) = meeting.vote
        && (meeting.state != MeetingState::Held || vote.total() > meeting.present_marks())
    {
        problems.push(format!(
            "meeting of {} on {}: a vote of {} at a meeting with {} present ({})",
            org.code,
            meeting.date,
            vote.total(),
            meeting.present_marks(),
            meeting.state
        ));
    }
    for guest in &meeting.guests {
        if reader.members.get(guest.0)?.is_none() {
            problems.push(format!(
                "meeting of {} on {}: unknown guest",
                org.code, meeting.date
            ));
            break;
        }
    }
    Ok(())
}

/// Every row of `rows_of` every meeting implies, by a second pass over the meetings.
fn implied_by_meetings<'r, K: 'r>(
    reader: &'r Reader,
    rows_of: fn(u64, &Meeting) -> Vec<K>,
) -> Result<Rows<'r, K>, StoreError> {
    let meetings = reader.meetings.iter()?;
    Ok(Box::new(meetings.flat_map(move |row| {
        let rows = row.map_err(StoreError::from).and_then(|(id, bytes)| {
            decode::<Meeting>(bytes.value()).map(|m| rows_of(id.value(), &m))
        });
        match rows {
            Ok(rows) => rows.into_iter().map(Ok).collect::<Vec<_>>(),
            Err(e) => vec![Err(e)],
        }
    })))
}

/// The `org_meetings` row of the meeting stored under `id`.
fn meeting_index_row(id: u64, meeting: &Meeting) -> Vec<(u64, i32, u64)> {
    vec![(meeting.org.0, day_number(meeting.date), id)]
}

fn org_meetings(reader: &Reader) -> OwnedIndex<'_, (u64, i32, u64)> {
    OwnedIndex {
        name: "org_meetings",
        stored: Box::new(|| {
            let rows = reader.org_meetings.iter()?;
            Ok(Box::new(rows.map(|row| Ok(row?.0.value()))))
        }),
        holds: Box::new(|row| Ok(reader.org_meetings.get(*row)?.is_some())),
        owners_rows: Box::new(|&(_, _, id)| {
            Ok(reader
                .meeting_any(MeetingId(id))?
                .map_or_else(Vec::new, |m| meeting_index_row(id, &m)))
        }),
        implied: Box::new(|| implied_by_meetings(reader, meeting_index_row)),
    }
}

/// The documents a meeting lists, as (meeting, number, size).
fn document_rows(meeting: &Meeting) -> Vec<(u64, u32, u64)> {
    let docs = meeting.documents.iter();
    docs.map(|d| (meeting.id.0, d.no, d.size)).collect()
}

/// Every document a meeting lists has its bytes, of the size listed, and no bytes are kept
/// for a document no meeting lists.
fn documents_index(reader: &Reader) -> OwnedIndex<'_, (u64, u32, u64)> {
    OwnedIndex {
        name: "documents",
        stored: Box::new(|| {
            let rows = reader.documents.iter()?;
            Ok(Box::new(rows.map(|row| {
                let (key, bytes) = row?;
                let (meeting, no) = key.value();
                Ok((meeting, no, bytes.value().len() as u64))
            })))
        }),
        holds: Box::new(|&(meeting, no, size)| {
            let stored = reader.documents.get((meeting, no))?;
            Ok(stored.is_some_and(|bytes| bytes.value().len() as u64 == size))
        }),
        owners_rows: Box::new(|&(meeting, _, _)| {
            Ok(reader
                .meeting_any(MeetingId(meeting))?
                .map_or_else(Vec::new, |m| document_rows(&m)))
        }),
        implied: Box::new(|| implied_by_meetings(reader, |_, m| document_rows(m))),
    }
}

fn check_counters(
    reader: &Reader,
    orgs: &HashMap<u64, OrgUnit>,
    highest_member: u64,
    problems: &mut Vec<String>,
) -> Result<(), StoreError> {
    let max_meeting = reader.meetings.last()?.map_or(0, |(k, _)| k.value());
    let highest = [
        ("next_org_id", orgs.keys().max().copied().unwrap_or(0)),
        ("next_member_id", highest_member),
        ("next_meeting_id", max_meeting),
    ];
    for (counter, max_id) in highest {
        let next = match reader.meta.get(counter)? {
            Some(g) => g.value().try_into().map(u64::from_le_bytes).unwrap_or(0),
            None => 1,
        };
        if next <= max_id {
            problems.push(format!("{counter} is {next} but id {max_id} is in use"));
        }
    }
    Ok(())
}

/// Every classification names an organisation (not a cell: cells are not graded) or a
/// member that exists, is filed under its own year, and has a score of at most 100.
fn check_classifications(
    reader: &Reader,
    orgs: &HashMap<u64, OrgUnit>,
    problems: &mut Vec<String>,
) -> Result<(), StoreError> {
    let check = |what: &str, id: u64, year: i32, c: &Classification, problems: &mut Vec<String>| {
        if c.year != year {
            problems.push(format!(
                "{what} {id}: classification of {} filed under {year}",
                c.year
            ));
        }
        if c.score.is_some_and(|s| s > 100) {
            problems.push(format!("{what} {id}: score above 100 in {year}"));
        }
    };
    for (id, year, c) in reader.all_org_classifications()? {
        match orgs.get(&id) {
            None => problems.push(format!("classification of missing org {id} in {year}")),
            Some(org) if org.kind == OrgKind::Cell => {
                problems.push(format!("cell {} is classified in {year}", org.code))
            }
            Some(_) => {}
        }
        check("org", id, year, &c, problems);
    }
    // Read row by row: there may be one a member a year.
    for row in reader.member_classifications.iter()? {
        let (key, bytes) = row?;
        let (id, year) = key.value();
        let c: Classification = decode(bytes.value())?;
        if reader.members.get(id)?.is_none() {
            problems.push(format!("classification of missing member {id} in {year}"));
        }
        check("member", id, year, &c, problems);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{MemberId, MonthStats, OrgId};
    use crate::store::tables::ORG_MEMBERS;
    use crate::store::testkit::sample;

    #[test]
    fn a_sound_store_has_no_problems() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        assert_eq!(run(&store.read().unwrap()).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn a_tree_deeper_than_the_limit_is_reported_once_at_its_first_level_past_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        // Written as a file from before the limit holds it: record by record, under the
        // province (org 1), sixteen levels deep.
        store
            .write(|w| {
                let mut parent = OrgId(1);
                for n in 2..=16 {
                    let id = w.new_org_id()?;
                    let code = format!("DEEP{n}");
                    let org = crate::store::testkit::org(
                        id.0,
                        &code,
                        OrgKind::BlocCommittee,
                        Some(parent.0),
                    );
                    w.put_org(&org)?;
                    parent = id;
                }
                Ok::<_, StoreError>(())
            })
            .unwrap();
        let problems = run(&store.read().unwrap()).unwrap();
        assert_eq!(
            problems,
            vec!["org DEEP13 is at level 13: the tree may be at most 12 levels deep".to_string()]
        );
    }

    #[test]
    fn a_missing_index_row_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        let txn = store.begin_raw_write().unwrap();
        {
            let mut roster = txn.open_table(ORG_MEMBERS).unwrap();
            let key = person_key("Phạm Ngọc Đường");
            assert!(
                roster
                    .remove((3u64, key.as_slice(), MemberId(1).0))
                    .unwrap()
                    .is_some()
            );
        }
        txn.commit().unwrap();
        let problems = run(&store.read().unwrap()).unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("org_members: missing row"),
            "{problems:?}"
        );
    }

    /// The tree walked in parts by two threads finds what one walk of the whole tree finds,
    /// in the same order: damage inside the parts (the roll-ups of branches), at and above
    /// them (of a commune, a province), and in rows no walk reaches.
    #[test]
    fn the_tree_walked_in_parts_finds_what_one_walk_of_it_finds() {
        use crate::store::codec::encode;
        use crate::store::tables::{MEMBER_ABSENCES, ORG_BY_CODE, ROLLUPS};
        let dir = tempfile::tempdir().unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let (store, _) = crate::demo::ensure(&dir.path().join("demo.redb"), today).unwrap();
        let txn = store.begin_raw_write().unwrap();
        {
            let province = txn.open_table(ORG_BY_CODE).unwrap();
            let province = province.get("QN").unwrap().unwrap().value();
            let mut rollups = txn.open_table(ROLLUPS).unwrap();
            let mut damaged: Vec<(u64, u32)> = rollups
                .iter()
                .unwrap()
                .map(|row| row.unwrap().0.value())
                .step_by(211)
                .collect();
            damaged.push((province, 202610));
            let wrong = encode(&MonthStats {
                on_time: 1_000,
                ..MonthStats::default()
            });
            for key in damaged {
                rollups.insert(key, wrong.as_slice()).unwrap();
            }
            rollups
                .insert((u64::MAX, 202610), wrong.as_slice())
                .unwrap();
            let mut absences = txn.open_table(MEMBER_ABSENCES).unwrap();
            absences.insert((u64::MAX, 202610), 1).unwrap();
        }
        txn.commit().unwrap();
        let reader = store.read().unwrap();
        let in_parts = run(&reader).unwrap();

        let mut in_one_walk = Vec::new();
        let orgs = load_orgs(&reader, &mut in_one_walk).unwrap();
        let covered = reader.covered_months().unwrap();
        let (before_walk, after_walk) = check_tables(&reader, &orgs, &covered).unwrap();
        in_one_walk.extend(before_walk);
        let tree = tree::TreeCheck::new(&reader, &orgs, &covered).unwrap();
        assert!(tree.parts_hold_subtrees());
        tree.in_one_walk().finish(&mut in_one_walk).unwrap();
        in_one_walk.extend(after_walk);

        assert_eq!(in_parts, in_one_walk);
        assert!(in_parts.len() >= 8, "{in_parts:#?}");
        assert!(
            in_parts
                .iter()
                .any(|p| p.starts_with("rollups of QN in 2026-10")),
            "{in_parts:#?}"
        );
        assert!(
            in_parts
                .last()
                .unwrap()
                .starts_with("member_absences: stray row"),
            "{in_parts:#?}"
        );
    }

    /// One kind of damage each, written straight into the tables of a sample with two
    /// held meetings (so with roll-ups, covered months and marks), and the line of the
    /// check that finds it: each index compared by fingerprint, the roll-ups and absences
    /// recounted branch by branch, and the rows of no visited organisation or member.
    #[test]
    fn every_kind_of_damage_is_found() {
        use crate::domain::{Mark, MemberId};
        use crate::store::codec::encode;
        use crate::store::tables::*;
        type Damage = fn(&redb::WriteTransaction);
        let cases: [(&str, Damage); 15] = [
            ("member_by_card: stray row (\"99\", 1)", |t| {
                t.open_table(MEMBER_BY_CARD)
                    .unwrap()
                    .insert("99", 1)
                    .unwrap();
            }),
            ("member_by_card: missing row (\"48123456\", 1)", |t| {
                t.open_table(MEMBER_BY_CARD)
                    .unwrap()
                    .remove("48123456")
                    .unwrap();
            }),
            ("member_by_folded: stray row (\"zz\", 1)", |t| {
                let mut table = t.open_table(MEMBER_BY_FOLDED).unwrap();
                table.insert(("zz", 0), &[1u8][..]).unwrap();
            }),
            (
                "member_by_folded: stray row (\"zz [ids cut short]\", 0)",
                |t| {
                    let mut table = t.open_table(MEMBER_BY_FOLDED).unwrap();
                    table.insert(("zz", 0), &[0x80u8][..]).unwrap();
                },
            ),
            ("org_former_members: stray row (3, 1)", |t| {
                let mut table = t.open_table(ORG_FORMER_MEMBERS).unwrap();
                table.insert((3, 1), ()).unwrap();
            }),
            ("org_meetings: stray row (3, 7, 99)", |t| {
                let mut table = t.open_table(ORG_MEETINGS).unwrap();
                table.insert((3, 7, 99), ()).unwrap();
            }),
            ("documents: stray row (1, 1, 3)", |t| {
                let mut table = t.open_table(DOCUMENTS).unwrap();
                table.insert((1, 1), &b"abc"[..]).unwrap();
            }),
            ("roles_by_member: stray row (1, 3, 0)", |t| {
                let mut table = t.open_table(ROLES_BY_MEMBER).unwrap();
                table.insert((1, 3, 0), ()).unwrap();
            }),
            ("rollups of QN.HG.K2 in 2020-01: stored", |t| {
                let stats = encode(&MonthStats {
                    on_time: 1,
                    ..MonthStats::default()
                });
                let mut table = t.open_table(ROLLUPS).unwrap();
                table.insert((3, 202001), stats.as_slice()).unwrap();
            }),
            ("rollups of #99 in 2026-11: stored", |t| {
                let stats = encode(&MonthStats {
                    on_time: 1,
                    ..MonthStats::default()
                });
                let mut table = t.open_table(ROLLUPS).unwrap();
                table.insert((99, 202611), stats.as_slice()).unwrap();
            }),
            ("member_absences: stray row ((1, 202611), 4)", |t| {
                let mut table = t.open_table(MEMBER_ABSENCES).unwrap();
                table.insert((1, 202611), 4).unwrap();
            }),
            ("member_absences: stray row ((99, 202611), 1)", |t| {
                let mut table = t.open_table(MEMBER_ABSENCES).unwrap();
                table.insert((99, 202611), 1).unwrap();
            }),
            ("attendance for someone not in the branch that day", |t| {
                let mut table = t.open_table(MEETINGS).unwrap();
                let mut meeting: Meeting = decode(table.get(1).unwrap().unwrap().value()).unwrap();
                meeting.attendance.push((MemberId(99), Mark::Present));
                table.insert(1, encode(&meeting).as_slice()).unwrap();
            }),
            ("a second regular meeting that day", |t| {
                let mut table = t.open_table(MEETINGS).unwrap();
                let mut meeting: Meeting = decode(table.get(2).unwrap().unwrap().value()).unwrap();
                meeting.date = crate::domain::date::parse_iso("2026-11-01").unwrap();
                table.insert(2, encode(&meeting).as_slice()).unwrap();
                let mut index = t.open_table(ORG_MEETINGS).unwrap();
                let (old, new) = (day_number(meeting.date) + 1, day_number(meeting.date));
                index.remove((3, old, 2)).unwrap();
                index.insert((3, new, 2), ()).unwrap();
            }),
            ("org_totals of QN.HG.K2: stored", |t| {
                let mut table = t.open_table(ORG_TOTALS).unwrap();
                table
                    .insert(3, encode(&OrgTotals::default()).as_slice())
                    .unwrap();
            }),
        ];
        for (found, damage) in cases {
            let dir = tempfile::tempdir().unwrap();
            let store = sample(dir.path());
            crate::store::testkit::held_meetings(&store, 2);
            assert_eq!(run(&store.read().unwrap()).unwrap(), Vec::<String>::new());
            let txn = store.begin_raw_write().unwrap();
            damage(&txn);
            txn.commit().unwrap();
            let problems = run(&store.read().unwrap()).unwrap();
            assert!(
                problems.iter().any(|p| p.contains(found)),
                "{found:?} not in {problems:#?}"
            );
        }
    }

    /// A file written before the rule: member 1 (born 1958) exempt from 1950, put straight
    /// into the table as an old version would have.
    #[test]
    fn a_status_before_the_member_existed_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        store
            .write(|w| {
                let mut old = w.member(MemberId(1))?.unwrap();
                old.history.push(crate::domain::StatusChange {
                    status: crate::domain::MemberStatus::Exempt,
                    from: crate::domain::date::parse_iso("1950-01-01").unwrap(),
                    until: None,
                    reason: None,
                });
                w.put_member(&old)
            })
            .unwrap();
        let problems = run(&store.read().unwrap()).unwrap();
        assert_eq!(
            problems,
            ["member 48123456: status exempt from 1950-01-01 is before birth (born 1958-03-02)"]
        );
    }
}
