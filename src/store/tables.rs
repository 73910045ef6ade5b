//! Every redb table of chibo, with its key layout. Values of `&[u8]` are records encoded by
//! [`super::codec`]; `()` values mark index rows whose whole meaning is in the key.
//!
//! Ids are `u64` counters kept in `meta`; 0 is never an id, so an org id of 0 in
//! `org_children` means "no parent" (the roots). Dates in keys are day numbers
//! (`domain::date::day_number`) so keys sort by date. Collation keys come from
//! `domain::text` (ICU, locale `vi`) so a range scan returns rows in Vietnamese order.
//! Months in keys are `yyyymm` numbers (202611), as they have always been stored: the
//! code holds a `YearMonth` and crosses into the key form with [`YearMonth::key`] and
//! [`month_of_key`] only, here at the store's edge.

use redb::TableDefinition;

use super::StoreError;
use crate::domain::text::collation_key;
use crate::domain::{OrgUnit, YearMonth};

/// The month of a `yyyymm` key part as written by [`YearMonth::key`]; a number that names
/// no month is a damaged file.
pub fn month_of_key(yyyymm: u32) -> Result<YearMonth, StoreError> {
    YearMonth::from_key(yyyymm)
        .ok_or_else(|| StoreError::Corrupt(format!("no month {yyyymm} in a key")))
}

/// `meta`: name → value. `magic` = b"chibo", `schema_version` = u32 LE,
/// `next_org_id` / `next_member_id` / `next_meeting_id` = u64 LE.
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");

/// `orgs`: org id → `OrgUnit`.
pub const ORGS: TableDefinition<u64, &[u8]> = TableDefinition::new("orgs");

/// `org_by_code`: code → org id. Unique codes; also the export order.
pub const ORG_BY_CODE: TableDefinition<&str, u64> = TableDefinition::new("org_by_code");

/// `org_children`: (parent id or 0, collation key of the name, child id) → ().
/// The children of one node, in Vietnamese order, are one range scan.
pub const ORG_CHILDREN: TableDefinition<(u64, &[u8], u64), ()> =
    TableDefinition::new("org_children");

/// The `org_children` row of `org`, its collation key owned.
pub fn child_row(org: &OrgUnit) -> (u64, Vec<u8>, u64) {
    (
        org.parent.map_or(0, |p| p.0),
        collation_key(&org.name),
        org.id.0,
    )
}

/// `org_by_folded`: (folded word-start suffix of the name, org id) → (). Like
/// `member_by_folded`, for finding organisations ("hong gai"). Added in schema version 2.
pub const ORG_BY_FOLDED: TableDefinition<(&str, u64), ()> = TableDefinition::new("org_by_folded");

/// `org_totals`: org id → `OrgTotals` record: branches, members and exempt members of the
/// org's whole subtree, kept by every write that changes them. No row means all zero.
/// Added in schema version 2.
pub const ORG_TOTALS: TableDefinition<u64, &[u8]> = TableDefinition::new("org_totals");

/// `members`: member id → `Member` (with its status history inside).
pub const MEMBERS: TableDefinition<u64, &[u8]> = TableDefinition::new("members");

/// `member_by_card`: party card number → member id. Unique cards; also the export order.
pub const MEMBER_BY_CARD: TableDefinition<&str, u64> = TableDefinition::new("member_by_card");

/// `org_members`: (branch or cell id, roster key, member id) → (). A member has a row under
/// its branch and, when it has one, under its cell. Roster key: `text::person_key` (given
/// name, family name, middle names).
pub const ORG_MEMBERS: TableDefinition<(u64, &[u8], u64), ()> = TableDefinition::new("org_members");

/// `org_former_members`: (branch id, member id) → () for every branch a member sat in before
/// their present one (`Member::former_orgs`): a branch's exempt on a day long past counts
/// the members exempt in it then, who may have moved on since. Schema 11.
pub const ORG_FORMER_MEMBERS: TableDefinition<(u64, u64), ()> =
    TableDefinition::new("org_former_members");

/// `member_by_folded`: (folded word-start suffix of a name, block of member ids) → the ids of
/// the block's members whose name has that suffix, packed (`folded_ids`). "nguyen van an"
/// is listed under "nguyen van an", "van an" and "an"; a prefix scan finds any part of a
/// name. Packed since schema 15; before, a row per suffix and member, with no value.
pub const MEMBER_BY_FOLDED: TableDefinition<(&str, u64), &[u8]> =
    TableDefinition::new("member_by_folded");

/// `roles`: (org id, member id, from day) → `Role`.
pub const ROLES: TableDefinition<(u64, u64, i32), &[u8]> = TableDefinition::new("roles");

/// `roles_by_member`: (member id, org id, from day) → (). The reverse of `roles`.
pub const ROLES_BY_MEMBER: TableDefinition<(u64, u64, i32), ()> =
    TableDefinition::new("roles_by_member");

/// `oversight`: (overseen branch id, member id, from day) → `Oversight`.
pub const OVERSIGHT: TableDefinition<(u64, u64, i32), &[u8]> = TableDefinition::new("oversight");

/// `oversight_by_member`: (member id, branch id, from day) → (). The reverse of `oversight`.
pub const OVERSIGHT_BY_MEMBER: TableDefinition<(u64, u64, i32), ()> =
    TableDefinition::new("oversight_by_member");

/// `meetings`: meeting id → `Meeting` (attendance packed inside: one row per meeting).
pub const MEETINGS: TableDefinition<u64, &[u8]> = TableDefinition::new("meetings");

/// `org_meetings`: (org id, day, meeting id) → (). A month of one org is one range scan.
pub const ORG_MEETINGS: TableDefinition<(u64, i32, u64), ()> = TableDefinition::new("org_meetings");

/// `drafts`: meeting id → `Draft`: minutes typed and autosaved but not yet saved into the
/// meeting. Kept apart so that typing never rewrites the meeting (nor what is counted from
/// it); saving the minutes removes the draft.
pub const DRAFTS: TableDefinition<u64, &[u8]> = TableDefinition::new("drafts");

/// `rollups`: (org id, yyyymm) → `MonthStats` record: the month of the org's whole subtree
/// (compliance of its branches' regular meetings, meetings held, marks, guests, members by
/// status at the month's end), kept by every write that changes any of it, in the same
/// transaction. A year of one org is one range scan. Rows exist only for covered months
/// (`rollup_months`); no row there means all zero. Added in schema version 5.
///
/// What counts (`domain::stats::MonthStats`): a *branch* (`branch`, `grassroots_branch`) adds
/// its own month — due when it existed some day of the month and a rule was in force; then
/// on time / early / late within grace / held out of rule by its first held regular meeting,
/// or, not held, one entry in a histogram by its last day of grace, split into overdue and
/// upcoming only when read, given today — and its held meetings' counts, the marks of its
/// held regular meetings and the guests of all its held meetings. A *member* adds its status
/// on the month's last day to its cell (or branch) and every org above.
pub const ROLLUPS: TableDefinition<(u64, u32), &[u8]> = TableDefinition::new("rollups");

/// `rollup_months`: yyyymm → (). The months the roll-ups cover: every month in which any
/// meeting (planned, held or cancelled, of any org) is recorded. A month joins when its first
/// meeting is written, taking every branch's and member's month with it, and never leaves;
/// a month not covered is counted from the records when asked. Added in schema version 5.
pub const ROLLUP_MONTHS: TableDefinition<u32, ()> = TableDefinition::new("rollup_months");

/// `documents`: (meeting id, document number) → the document's bytes (a Markdown text as
/// UTF-8, or an attached file as is), at most 10 MB. What they are — name, kind, size, when
/// attached — is listed in the meeting record (`Meeting::documents`), so reading a meeting
/// never reads its documents. Added in schema version 6.
pub const DOCUMENTS: TableDefinition<(u64, u32), &[u8]> = TableDefinition::new("documents");

/// `member_absences`: (member id, yyyymm) → how many held regular meetings of that month
/// marked the member absent without permission (never 0: such a row is removed). Kept by
/// every meeting write, whatever branch the meeting is of, so a member's months of
/// unexcused absence in a year are one range scan, wherever they sat. Added in schema 6.
pub const MEMBER_ABSENCES: TableDefinition<(u64, u32), u32> =
    TableDefinition::new("member_absences");

/// `org_classifications`: (org id, year) → `Classification` record: the organisation's grade
/// for that year (excellent, good, completed, not completed) and its 100-point score when
/// it had one. One row per organisation and year; a year not graded has no row. The years
/// of one organisation are one range scan. Added in schema version 7.
pub const ORG_CLASSIFICATIONS: TableDefinition<(u64, i32), &[u8]> =
    TableDefinition::new("org_classifications");

/// `member_classifications`: (member id, year) → `Classification` record, as
/// `org_classifications` for members. Added in schema version 7.
pub const MEMBER_CLASSIFICATIONS: TableDefinition<(u64, i32), &[u8]> =
    TableDefinition::new("member_classifications");

/// `users`: login → `User` (role, scope, public keys, full name). chibo's own accounts for
/// `chibo serve`; created on open when absent. Schema 13 added the full name, re-encoding
/// every user.
pub const USERS: TableDefinition<&str, &[u8]> = TableDefinition::new("users");

/// `audit`: sequence number → `AuditEntry` (who, when, what, which org). Append-only: one
/// row per change a transaction made (a bulk import adds one row per kind and org, with a
/// count). Created on first write, so older files need no migration.
pub const AUDIT: TableDefinition<u64, &[u8]> = TableDefinition::new("audit");

/// `leases`: meeting id → `Lease` (holder: process id and App number, login, expiry as
/// milliseconds since the Unix epoch): who is editing which minutes, seen by every process
/// on the file. Not data: an expired row means nothing, and nothing exports or checks it.
/// Laid out with the other tables, or by the first lease taken on an older file, so older
/// files need no migration.
pub const LEASES: TableDefinition<u64, &[u8]> = TableDefinition::new("leases");

/// `places`: login → `Place` (the organisation selected and the screen over it): where
/// each person last was in the app, to open there again. One row per login, written when
/// an App ends. Not data: nothing exports or checks it, and a row naming an organisation
/// gone or out of the user's scope is ignored. Laid out with the other tables, or by the
/// first place kept on an older file, so older files need no migration.
pub const PLACES: TableDefinition<&str, &[u8]> = TableDefinition::new("places");
