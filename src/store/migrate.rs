//! Schema versions and the migrations between them. Each migration takes a database at
//! version N to N+1 inside the same write transaction that records the new version, so a
//! migration either happens whole or not at all.

use std::path::Path;

use redb::{ReadableTable, TableDefinition, WriteTransaction};

use std::collections::HashMap;

use super::codec::{decode, encode};
use super::tables::*;
use super::{MAGIC, Store, StoreError};
use crate::domain::stats::recount;
use crate::domain::text::{fold, folded_suffixes};
use crate::domain::{Member, OrgUnit};

/// The schema this chibo writes.
pub const SCHEMA_VERSION: u32 = 2;

/// One step from version `from` to `from + 1`.
type Migration = fn(&WriteTransaction) -> Result<(), StoreError>;

/// `MIGRATIONS[i]` takes a database from version `i + 1` to `i + 2`.
const MIGRATIONS: &[Migration] = &[index_org_names_and_totals];

/// 1 → 2: organisations become searchable by name, and every organisation keeps the totals
/// of its subtree; fill `org_by_folded` and `org_totals` from the records.
fn index_org_names_and_totals(txn: &WriteTransaction) -> Result<(), StoreError> {
    index_org_names(txn)?;
    let orgs = txn.open_table(ORGS)?;
    let mut all_orgs = HashMap::new();
    for row in orgs.iter()? {
        let (id, bytes) = row?;
        all_orgs.insert(id.value(), decode::<OrgUnit>(bytes.value())?);
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
        let org: OrgUnit = decode(bytes.value())?;
        let folded = fold(&org.name);
        for suffix in folded_suffixes(&folded) {
            index.insert((suffix, id.value()), ())?;
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
    Ok(())
}
