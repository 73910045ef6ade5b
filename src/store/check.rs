//! `chibo check`: verifies, from the raw rows, every invariant the store relies on — that
//! each index holds exactly the rows its records imply, that references resolve, and that
//! the totals and monthly roll-ups equal a recount from the records.

use std::collections::{BTreeSet, HashMap};

use redb::ReadableTable;

use super::codec::decode;
use super::rollups::{recount_absences, recount_months};
use super::{Reader, StoreError};
use crate::domain::YearMonth;
use crate::domain::date::day_number;
use crate::domain::edit::{Dated, EditError, Since, check_member_history};
use crate::domain::org::{MAX_DEPTH, levels};
use crate::domain::stats::recount;
use crate::domain::text::{collation_key, fold, folded_suffixes, person_key};
use crate::domain::{
    Classification, Meeting, MeetingState, Member, MonthStats, OrgKind, OrgTotals, OrgUnit,
    Oversight, Role,
};

/// Every broken invariant found, one line each; empty when the store is sound.
pub fn run(reader: &Reader) -> Result<Vec<String>, StoreError> {
    let mut problems = Vec::new();
    let orgs = check_orgs(reader, &mut problems)?;
    let members = check_members(reader, &orgs, &mut problems)?;
    check_totals(reader, &orgs, &members, &mut problems)?;
    check_roles(reader, &orgs, &members, &mut problems)?;
    check_oversight(reader, &orgs, &members, &mut problems)?;
    check_meetings(reader, &orgs, &members, &mut problems)?;
    check_counters(reader, &orgs, &members, &mut problems)?;
    check_rollups(reader, &orgs, &members, &mut problems)?;
    check_documents(reader, &mut problems)?;
    check_classifications(reader, &orgs, &members, &mut problems)?;
    Ok(problems)
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

fn check_orgs(
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
    for (&key, org) in &orgs {
        for suffix in folded_suffixes(&fold(&org.name)) {
            expected_folded.insert((suffix.to_string(), org.id.0));
        }
        expected_codes.insert((org.code.clone(), org.id.0));
        let parent = org.parent.map_or(0, |p| p.0);
        expected_children.insert((parent, collation_key(&org.name), org.id.0));
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
    Ok(orgs)
}

fn check_members(
    reader: &Reader,
    orgs: &HashMap<u64, OrgUnit>,
    problems: &mut Vec<String>,
) -> Result<HashMap<u64, Member>, StoreError> {
    let mut members = HashMap::new();
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
        members.insert(id.value(), member);
    }
    let mut expected_cards = BTreeSet::new();
    let mut expected_roster = BTreeSet::new();
    let mut expected_folded = BTreeSet::new();
    let mut expected_former = BTreeSet::new();
    for m in members.values() {
        expected_cards.insert((m.card.clone(), m.id.0));
        expected_former.extend(m.former_orgs.iter().map(|f| (f.org.0, m.id.0)));
        let key = person_key(&m.name);
        for org in std::iter::once(m.org).chain(m.cell) {
            expected_roster.insert((org.0, key.clone(), m.id.0));
        }
        for suffix in folded_suffixes(&fold(&m.name)) {
            expected_folded.insert((suffix.to_string(), m.id.0));
        }
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
    let mut stored = BTreeSet::new();
    for row in reader.member_by_card.iter()? {
        let (card, id) = row?;
        stored.insert((card.value().to_string(), id.value()));
    }
    compare_index("member_by_card", stored, expected_cards, problems);
    let mut stored = BTreeSet::new();
    for row in reader.org_members.iter()? {
        let (key, _) = row?;
        let (org, sort, id) = key.value();
        stored.insert((org, sort.to_vec(), id));
    }
    compare_index("org_members", stored, expected_roster, problems);
    let mut stored = BTreeSet::new();
    for row in reader.org_former_members.iter()? {
        stored.insert(row?.0.value());
    }
    compare_index("org_former_members", stored, expected_former, problems);
    let mut stored = BTreeSet::new();
    for row in reader.member_by_folded.iter()? {
        let (key, _) = row?;
        let (text, id) = key.value();
        stored.insert((text.to_string(), id));
    }
    compare_index("member_by_folded", stored, expected_folded, problems);
    Ok(members)
}

/// The totals kept for every organisation equal a recount from the records.
fn check_totals(
    reader: &Reader,
    orgs: &HashMap<u64, OrgUnit>,
    members: &HashMap<u64, Member>,
    problems: &mut Vec<String>,
) -> Result<(), StoreError> {
    let expected = recount(orgs, members.values());
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

/// Checks a dated assignment table (roles or oversight) and its reverse index.
fn check_assignments<T: serde::de::DeserializeOwned>(
    name: &str,
    table: &impl ReadableTable<(u64, u64, i32), &'static [u8]>,
    reverse: &impl ReadableTable<(u64, u64, i32), ()>,
    key_of: impl Fn(&T) -> (u64, u64, i32),
    orgs: &HashMap<u64, OrgUnit>,
    members: &HashMap<u64, Member>,
    problems: &mut Vec<String>,
) -> Result<(), StoreError> {
    let mut expected_reverse = BTreeSet::new();
    for row in table.iter()? {
        let (key, bytes) = row?;
        let record: T = decode(bytes.value())?;
        let (org, member, from) = key_of(&record);
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
        if !members.contains_key(&member) {
            problems.push(format!(
                "{name}: row {:?} names a missing member",
                key.value()
            ));
        }
        expected_reverse.insert((member, org, from));
    }
    let mut stored = BTreeSet::new();
    for row in reverse.iter()? {
        stored.insert(row?.0.value());
    }
    compare_index(
        &format!("{name}_by_member"),
        stored,
        expected_reverse,
        problems,
    );
    Ok(())
}

fn check_roles(
    reader: &Reader,
    orgs: &HashMap<u64, OrgUnit>,
    members: &HashMap<u64, Member>,
    problems: &mut Vec<String>,
) -> Result<(), StoreError> {
    let key = |r: &Role| (r.org.0, r.member.0, day_number(r.from));
    check_assignments(
        "roles",
        &reader.roles,
        &reader.roles_by_member,
        key,
        orgs,
        members,
        problems,
    )
}

fn check_oversight(
    reader: &Reader,
    orgs: &HashMap<u64, OrgUnit>,
    members: &HashMap<u64, Member>,
    problems: &mut Vec<String>,
) -> Result<(), StoreError> {
    let key = |o: &Oversight| (o.org.0, o.member.0, day_number(o.from));
    let (table, reverse) = (&reader.oversight, &reader.oversight_by_member);
    check_assignments("oversight", table, reverse, key, orgs, members, problems)
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

fn check_meetings(
    reader: &Reader,
    orgs: &HashMap<u64, OrgUnit>,
    members: &HashMap<u64, Member>,
    problems: &mut Vec<String>,
) -> Result<(), StoreError> {
    let mut expected = BTreeSet::new();
    let mut kinds_on_a_day = BTreeSet::new();
    for row in reader.meetings.iter()? {
        let (id, bytes) = row?;
        let meeting: Meeting = decode(bytes.value())?;
        expected.insert((meeting.org.0, day_number(meeting.date), id.value()));
        let Some(org) = orgs.get(&meeting.org.0) else {
            problems.push(format!("meeting {} belongs to a missing org", id.value()));
            continue;
        };
        if !kinds_on_a_day.insert((meeting.org.0, meeting.date, meeting.kind)) {
            problems.push(format!(
                "meeting of {} on {}: a second {} meeting that day",
                org.code, meeting.date, meeting.kind
            ));
        }
        for (member, _) in &meeting.attendance {
            let branch = members.get(&member.0).map(|m| m.branch_on(meeting.date));
            if branch != Some(meeting.org) {
                problems.push(format!(
                    "meeting of {} on {}: attendance for someone not in the branch that day",
                    org.code, meeting.date
                ));
            }
        }
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
        if meeting.drafter.is_some_and(|d| !members.contains_key(&d.0)) {
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
        if meeting.guests.iter().any(|g| !members.contains_key(&g.0)) {
            problems.push(format!(
                "meeting of {} on {}: unknown guest",
                org.code, meeting.date
            ));
        }
    }
    let mut stored = BTreeSet::new();
    for row in reader.org_meetings.iter()? {
        stored.insert(row?.0.value());
    }
    compare_index("org_meetings", stored, expected, problems);
    Ok(())
}

/// Every month with a meeting is covered, and every roll-up row of a covered month equals a
/// recount from the records (rows of months not covered are stray).
fn check_rollups(
    reader: &Reader,
    orgs: &HashMap<u64, OrgUnit>,
    members: &HashMap<u64, Member>,
    problems: &mut Vec<String>,
) -> Result<(), StoreError> {
    let covered = reader.covered_months()?;
    let mut meetings: HashMap<u64, Vec<Meeting>> = HashMap::new();
    for row in reader.meetings.iter()? {
        let meeting: Meeting = decode(row?.1.value())?;
        let month = YearMonth::of(meeting.date);
        if !covered.contains(&month) {
            problems.push(format!(
                "rollup_months: month {month} has a meeting but is not covered"
            ));
        }
        meetings.entry(meeting.org.0).or_default().push(meeting);
    }
    let mut stored_absences = BTreeSet::new();
    for row in reader.member_absences.iter()? {
        let (key, count) = row?;
        stored_absences.insert((key.value(), count.value()));
    }
    let expected_absences = recount_absences(&meetings)
        .into_iter()
        .map(|((member, month), count)| ((member, month.key()), count))
        .collect();
    compare_index(
        "member_absences",
        stored_absences,
        expected_absences,
        problems,
    );
    let expected: HashMap<(u64, u32), MonthStats> =
        recount_months(orgs, members, &meetings, &covered)
            .into_iter()
            .map(|((id, month), stats)| ((id, month.key()), stats))
            .collect();
    let stored = reader.all_rollups()?;
    let mut keys: Vec<(u64, u32)> = expected.keys().chain(stored.keys()).copied().collect();
    keys.sort_unstable();
    keys.dedup();
    let code = |id: u64| {
        orgs.get(&id)
            .map_or_else(|| format!("#{id}"), |o| o.code.clone())
    };
    for (id, month) in keys {
        let (want, have) = (expected.get(&(id, month)), stored.get(&(id, month)));
        if want != have {
            let none = MonthStats::default();
            problems.push(format!(
                "rollups of {} in {}: stored {:?}, recounted {:?}",
                code(id),
                YearMonth::from_key(month).map_or_else(|| month.to_string(), |m| m.to_string()),
                have.unwrap_or(&none),
                want.unwrap_or(&none)
            ));
        }
    }
    Ok(())
}

/// Every document a meeting lists has its bytes, of the size listed, and no bytes are kept
/// for a document no meeting lists.
fn check_documents(reader: &Reader, problems: &mut Vec<String>) -> Result<(), StoreError> {
    let mut expected = BTreeSet::new();
    for row in reader.meetings.iter()? {
        let meeting: Meeting = decode(row?.1.value())?;
        for doc in &meeting.documents {
            expected.insert((meeting.id.0, doc.no, doc.size));
        }
    }
    let mut stored = BTreeSet::new();
    for row in reader.documents.iter()? {
        let (key, bytes) = row?;
        let (meeting, no) = key.value();
        stored.insert((meeting, no, bytes.value().len() as u64));
    }
    compare_index("documents", stored, expected, problems);
    Ok(())
}

fn check_counters(
    reader: &Reader,
    orgs: &HashMap<u64, OrgUnit>,
    members: &HashMap<u64, Member>,
    problems: &mut Vec<String>,
) -> Result<(), StoreError> {
    let max_meeting = reader.meetings.last()?.map_or(0, |(k, _)| k.value());
    let highest = [
        ("next_org_id", orgs.keys().max().copied().unwrap_or(0)),
        ("next_member_id", members.keys().max().copied().unwrap_or(0)),
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
    members: &HashMap<u64, Member>,
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
    for (id, year, c) in reader.all_member_classifications()? {
        if !members.contains_key(&id) {
            problems.push(format!("classification of missing member {id} in {year}"));
        }
        check("member", id, year, &c, problems);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{MemberId, OrgId};
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
