//! The audit trail: every write carries its acting user into the append-only `audit`
//! table, in the same transaction as the change itself.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use redb::{ReadableTable, TableError, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::codec::{decode, encode};
use super::tables::AUDIT;
use super::{Store, StoreError};
use crate::domain::OrgId;

/// One line of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: NaiveDateTime,
    pub who: String,
    /// What changed: a kind and its subject, `meeting 42`, `member 48123456`, `members ×250`.
    pub what: String,
    pub org: Option<OrgId>,
}

/// A change noted by a `Writer` during its transaction.
#[derive(Debug, Clone)]
pub(super) struct Note {
    pub kind: &'static str,
    pub subject: String,
    pub org: Option<OrgId>,
    /// How many records of the kind this note stands for (an import's members).
    pub count: usize,
}

/// More notes than this in one transaction (an import) are written one row per kind and
/// org, with a count, so the trail does not outgrow the data.
const ROWS_PER_TRANSACTION: usize = 20;

/// The changes a `Writer` noted in its transaction: each one while they are few, and only
/// counted by kind and organisation once they are more (an import), as the trail will write
/// them; so an import of millions of meetings holds a count per branch, not a note each.
#[derive(Debug, Default)]
pub(super) struct Notes {
    each: Vec<Note>,
    counted: BTreeMap<(&'static str, Option<u64>), usize>,
}

impl Notes {
    pub fn push(&mut self, note: Note) {
        self.each.push(note);
        if !self.counted.is_empty() || self.each.len() > ROWS_PER_TRANSACTION {
            self.count_each();
        }
    }

    /// The notes kept each, added to the counts by kind and organisation.
    fn count_each(&mut self) {
        for note in self.each.drain(..) {
            *self
                .counted
                .entry((note.kind, note.org.map(|o| o.0)))
                .or_default() += note.count;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.each.is_empty() && self.counted.is_empty()
    }
}

impl From<Note> for Notes {
    fn from(note: Note) -> Notes {
        let mut notes = Notes::default();
        notes.push(note);
        notes
    }
}

/// Appends `notes` by `who` to the trail, in `txn`.
pub(super) fn append(
    txn: &WriteTransaction,
    who: &str,
    at: NaiveDateTime,
    mut notes: Notes,
) -> Result<(), StoreError> {
    if notes.is_empty() {
        return Ok(());
    }
    let single = notes.counted.is_empty() && notes.each.iter().all(|n| n.count == 1);
    let lines: Vec<(String, Option<OrgId>)> = if single {
        notes
            .each
            .into_iter()
            .map(|n| (format!("{} {}", n.kind, n.subject), n.org))
            .collect()
    } else {
        notes.count_each();
        notes
            .counted
            .into_iter()
            .map(|((kind, org), n)| (format!("{kind} ×{n}"), org.map(OrgId)))
            .collect()
    };
    let mut table = txn.open_table(AUDIT)?;
    let first = table.last()?.map_or(1, |(k, _)| k.value() + 1);
    for (key, (what, org)) in (first..).zip(lines) {
        let entry = AuditEntry {
            at,
            who: who.to_string(),
            what,
            org,
        };
        table.insert(key, encode(&entry).as_slice())?;
    }
    Ok(())
}

impl Store {
    /// The whole audit trail, oldest first.
    pub fn audit_trail(&self) -> Result<Vec<AuditEntry>, StoreError> {
        let txn = self.db.begin_read()?;
        let table = match txn.open_table(AUDIT) {
            Ok(table) => table,
            Err(TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut out = Vec::new();
        for row in table.iter()? {
            out.push(decode(row?.1.value())?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(kind: &'static str, org: u64, count: usize) -> Note {
        Note {
            kind,
            subject: format!("{kind} of {org}"),
            org: Some(OrgId(org)),
            count,
        }
    }

    #[test]
    fn a_few_notes_are_kept_each_and_many_only_counted() {
        let mut few = Notes::default();
        for _ in 0..ROWS_PER_TRANSACTION {
            few.push(note("meeting", 3, 1));
        }
        assert_eq!(few.each.len(), ROWS_PER_TRANSACTION);
        assert!(few.counted.is_empty());

        let mut many = Notes::default();
        for i in 0..100_000 {
            many.push(note("meeting", 3 + i % 2, 1));
        }
        many.push(note("member", 3, 250));
        assert!(many.each.is_empty());
        let counted: Vec<_> = many.counted.into_iter().collect();
        assert_eq!(
            counted,
            [
                (("meeting", Some(3)), 50_000),
                (("meeting", Some(4)), 50_000),
                (("member", Some(3)), 250)
            ]
        );
    }
}
