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

/// Marks `path` as written by schema `version`, its tables laid out as that schema did
/// where a later one changed them (marks unpacked before 14, a row per folded suffix and
/// member before 15), as every earlier step reads them.
pub fn set_schema_version(path: &Path, version: u32) {
    chibo::store::mark_as_schema(path, version).unwrap();
}
