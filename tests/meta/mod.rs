//! The schema version a database file says it has, read and written behind the store's back:
//! what the migration and version tests need to make a file look older or newer.
#![allow(dead_code)] // each test binary uses its own part of this

use std::path::Path;

pub use chibo::store::tables::META;
use redb::ReadableDatabase;

pub fn schema_version(path: &Path) -> u32 {
    let db = redb::Database::create(path).unwrap();
    let txn = db.begin_read().unwrap();
    let meta = txn.open_table(META).unwrap();
    let bytes = meta.get("schema_version").unwrap().unwrap();
    u32::from_le_bytes(bytes.value().try_into().unwrap())
}

/// Marks `path` as written by schema `version`. A file of schema 14 or later marked older
/// gets its meetings laid out as schema 13 did (marks unpacked), as every earlier step reads them.
pub fn set_schema_version(path: &Path, version: u32) {
    if version < 14 && schema_version(path) >= 14 {
        chibo::store::unpack_meetings_as_schema_13(path).unwrap();
    }
    let db = redb::Database::create(path).unwrap();
    let txn = db.begin_write().unwrap();
    txn.open_table(META)
        .unwrap()
        .insert("schema_version", version.to_le_bytes().as_slice())
        .unwrap();
    txn.commit().unwrap();
}
