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

/// Appends `notes` by `who` to the trail, in `txn`.
pub(super) fn append(
    txn: &WriteTransaction,
    who: &str,
    at: NaiveDateTime,
    notes: Vec<Note>,
) -> Result<(), StoreError> {
    if notes.is_empty() {
        return Ok(());
    }
    let single = notes.len() <= ROWS_PER_TRANSACTION && notes.iter().all(|n| n.count == 1);
    let lines: Vec<(String, Option<OrgId>)> = if single {
        notes
            .into_iter()
            .map(|n| (format!("{} {}", n.kind, n.subject), n.org))
            .collect()
    } else {
        let mut groups: BTreeMap<(&'static str, Option<u64>), usize> = BTreeMap::new();
        for note in notes {
            *groups
                .entry((note.kind, note.org.map(|o| o.0)))
                .or_default() += note.count;
        }
        groups
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
