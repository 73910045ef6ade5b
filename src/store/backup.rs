//! `chibo backup`: a consistent copy of the whole database, taken from one read snapshot
//! while `chibo serve` and other chibo processes keep reading and writing the file; and
//! `chibo compact`: the file's free pages given back, when nobody else has it open.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use redb::{
    ConcurrencyMode, Database, Key, MultimapTableHandle, ReadTransaction, ReadableDatabase,
    ReadableTable, ReadableTableMetadata, Table, TableDefinition, TableError, TableHandle, Value,
    WriteTransaction,
};

use super::holders::{Holder, holders_of};
use super::tables::{
    AUDIT, DOCUMENTS, DRAFTS, LEASES, MEETINGS, MEMBER_ABSENCES, MEMBER_BY_CARD, MEMBER_BY_FOLDED,
    MEMBER_CLASSIFICATIONS, MEMBERS, META, ORG_BY_CODE, ORG_BY_FOLDED, ORG_CHILDREN,
    ORG_CLASSIFICATIONS, ORG_FORMER_MEMBERS, ORG_MEETINGS, ORG_MEMBERS, ORG_TOTALS, ORGS,
    OVERSIGHT, OVERSIGHT_BY_MEMBER, PLACES, ROLES, ROLES_BY_MEMBER, ROLLUP_MONTHS, ROLLUPS, USERS,
};
use super::{Access, MAGIC, Reader, Store, StoreError, local_user};
use crate::domain::Lang;
use crate::domain::text::path_shown;

/// Every table of chibo, the one list a backup copies. redb opens a table only with the key
/// and value types it was made with, so there is no copying "whatever the file holds": a
/// table missing here would be silently left behind. Three guards keep the list whole — a
/// backup refuses a file holding a table not listed (`UnknownTable`), and the tests compare
/// the list with `tables.rs` and with the tables of a real file.
static EVERY_TABLE: &[&dyn Copied] = &[
    &META,
    &ORGS,
    &ORG_BY_CODE,
    &ORG_CHILDREN,
    &ORG_BY_FOLDED,
    &ORG_TOTALS,
    &MEMBERS,
    &MEMBER_BY_CARD,
    &ORG_MEMBERS,
    &ORG_FORMER_MEMBERS,
    &MEMBER_BY_FOLDED,
    &ROLES,
    &ROLES_BY_MEMBER,
    &OVERSIGHT,
    &OVERSIGHT_BY_MEMBER,
    &MEETINGS,
    &ORG_MEETINGS,
    &DRAFTS,
    &ROLLUPS,
    &ROLLUP_MONTHS,
    &DOCUMENTS,
    &MEMBER_ABSENCES,
    &ORG_CLASSIFICATIONS,
    &MEMBER_CLASSIFICATIONS,
    &USERS,
    &AUDIT,
    &LEASES,
    &PLACES,
];

/// A table as a backup handles it, whatever its key and value types: a `TableDefinition`
/// knows them, so a list of these copies every table through one loop.
trait Copied: Sync {
    fn table_name(&self) -> &str;
    /// Copies every row of the table as `from` sees it into `to`; `None` when `from` has no
    /// such table (`audit` appears with the first write; an older file may lack `leases` or `places`).
    fn copy(&self, from: &ReadTransaction, to: &WriteTransaction) -> Result<Option<u64>, Fault>;
    /// The table's rows as `txn` sees them; `None` when it has no such table.
    fn rows(&self, txn: &ReadTransaction) -> Result<Option<u64>, StoreError>;
}

/// Which side of a copy failed: reading the database, or writing the copy.
enum Fault {
    Read(StoreError),
    Write(StoreError),
}

impl<K, V> Copied for TableDefinition<'static, K, V>
where
    K: Key + Sync + 'static,
    V: Value + Sync + 'static,
{
    fn table_name(&self) -> &str {
        self.name()
    }

    fn copy(&self, from: &ReadTransaction, to: &WriteTransaction) -> Result<Option<u64>, Fault> {
        let source = match from.open_table(*self) {
            Ok(table) => table,
            Err(TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(Fault::Read(e.into())),
        };
        let mut target = to.open_table(*self).map_err(|e| Fault::Write(e.into()))?;
        copy_rows(&source, &mut target).map(Some)
    }

    fn rows(&self, txn: &ReadTransaction) -> Result<Option<u64>, StoreError> {
        match txn.open_table(*self) {
            Ok(table) => Ok(Some(table.len()?)),
            Err(TableError::TableDoesNotExist(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

/// Every row of `source` inserted into `target`, in key order; how many.
fn copy_rows<K: Key + 'static, V: Value + 'static>(
    source: &impl ReadableTable<K, V>,
    target: &mut Table<'_, K, V>,
) -> Result<u64, Fault> {
    let read = |e: redb::StorageError| Fault::Read(e.into());
    let mut rows = 0;
    for row in source.iter().map_err(read)? {
        let (key, value) = row.map_err(read)?;
        target
            .insert(key.value(), value.value())
            .map_err(|e| Fault::Write(e.into()))?;
        rows += 1;
    }
    Ok(rows)
}

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub dest: PathBuf,
    /// The copy's size in bytes.
    pub bytes: u64,
    /// Each table copied with its rows, in the order copied.
    pub tables: Vec<(String, u64)>,
    pub elapsed: Duration,
    /// What `chibo check` finds in the copy. The copy holds exactly the snapshot's rows, so
    /// a problem here is one the database itself has; the copy is kept all the same, being
    /// the faithful copy of what there is.
    pub problems: Vec<String>,
}

impl Backup {
    /// Rows in every table together.
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, rows)| rows).sum()
    }
}

/// What a compaction did to the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compacted {
    /// The file's size in bytes before and after.
    pub before: u64,
    pub after: u64,
    pub elapsed: Duration,
}

/// Why a backup or a compaction did not happen, in words an administrator can act on.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// Reading the database (or opening it) failed.
    #[error("{}", self.message(Lang::En))]
    Store(StoreError),
    /// The backup's destination is there already: a backup never writes over a file.
    #[error("{}", self.message(Lang::En))]
    DestExists(PathBuf),
    /// There is no database file to compact.
    #[error("{}", self.message(Lang::En))]
    NoDatabase(PathBuf),
    /// Making, syncing or naming the copy failed (a full disk, a folder not writable …).
    #[error("{}", self.message(Lang::En))]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Writing rows into the copy failed.
    #[error("{}", self.message(Lang::En))]
    Copy { path: PathBuf, detail: String },
    /// The file holds a table this chibo does not know how to copy.
    #[error("{}", self.message(Lang::En))]
    UnknownTable(String),
    /// The copy, read back, does not hold the rows the snapshot held; it was thrown away.
    #[error("{}", self.message(Lang::En))]
    Mismatch {
        table: String,
        snapshot: Option<u64>,
        copy: Option<u64>,
    },
    /// Other processes have the file open, so it cannot be compacted now.
    #[error("{}", self.message(Lang::En))]
    InUse { path: PathBuf, holders: Vec<Holder> },
}

impl From<StoreError> for BackupError {
    fn from(e: StoreError) -> Self {
        BackupError::Store(e)
    }
}

impl BackupError {
    /// The message in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        let rows = |n: &Option<u64>| match n {
            Some(n) => n.to_string(),
            None => lang.pick("không có bảng", "no table").to_string(),
        };
        match self {
            BackupError::Store(e) => e.message(lang),
            BackupError::DestExists(path) => lang.pick(
                format!(
                    "{} đã có: chibo không ghi đè lên tệp có sẵn; hãy chọn tên khác hoặc xóa tệp đó trước",
                    path_shown(path)
                ),
                format!(
                    "{} already exists: chibo does not write over a file; choose another name or remove it first",
                    path_shown(path)
                ),
            ),
            BackupError::NoDatabase(path) => lang.pick(
                format!("không có cơ sở dữ liệu nào ở {}", path_shown(path)),
                format!("there is no database at {}", path_shown(path)),
            ),
            BackupError::Write { path, source } => lang.pick(
                format!("không ghi được {}: {source}", path_shown(path)),
                format!("cannot write {}: {source}", path_shown(path)),
            ),
            BackupError::Copy { path, detail } => lang.pick(
                format!("không ghi được bản sao {}: {detail}", path_shown(path)),
                format!("cannot write the copy {}: {detail}", path_shown(path)),
            ),
            BackupError::UnknownTable(name) => lang.pick(
                format!(
                    "cơ sở dữ liệu có bảng {name} mà chibo này không biết (do một phiên bản chibo mới hơn ghi?); hãy sao lưu bằng phiên bản đó"
                ),
                format!(
                    "the database holds a table {name} this chibo does not know (written by a newer chibo?); back it up with that version"
                ),
            ),
            BackupError::Mismatch {
                table,
                snapshot,
                copy,
            } => lang.pick(
                format!(
                    "bản sao không khớp: bảng {table} có {} dòng trong bản sao, {} dòng trong cơ sở dữ liệu; bản sao đã bị xóa",
                    rows(copy),
                    rows(snapshot)
                ),
                format!(
                    "the copy does not match: table {table} holds {} rows in the copy and {} in the database; the copy was removed",
                    rows(copy),
                    rows(snapshot)
                ),
            ),
            BackupError::InUse { path, holders } => {
                let who = if holders.is_empty() {
                    lang.pick("một tiến trình khác".to_string(), "another process".to_string())
                } else {
                    holders
                        .iter()
                        .map(Holder::describe)
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                lang.pick(
                    format!(
                        "không thu gọn được {} khi {who} đang mở nó: hãy dừng tiến trình đó trước (ví dụ systemctl stop chibo)",
                        path_shown(path)
                    ),
                    format!(
                        "cannot compact {} while {who} has it open: stop it first (for example systemctl stop chibo)",
                        path_shown(path)
                    ),
                )
            }
        }
    }
}

impl Store {
    /// Writes a copy of the whole database to `dest`, read from one snapshot while others
    /// keep working, and checks it. The copy is made in a hidden file beside `dest`, synced,
    /// read back and compared table by table with the snapshot, then given the name `dest`
    /// — never over an existing file — so `dest` only ever names a whole, compared copy.
    pub fn backup(&self, dest: &Path) -> Result<Backup, BackupError> {
        let started = Instant::now();
        refuse_existing(dest)?;
        let snapshot = self.begin_raw_read()?;
        let partial = Partial::create(dest, self.path())?;
        let tables = copy_snapshot(&snapshot, &partial.path)?;
        // The snapshot pins the pages it sees, which keeps other writers from reusing them;
        // let it go as soon as its rows are in the copy.
        drop(snapshot);
        let problems = verify(&partial.path, &tables)?;
        partial.place(dest)?;
        let bytes =
            std::fs::metadata(dest)
                .map(|m| m.len())
                .map_err(|source| BackupError::Write {
                    path: dest.to_path_buf(),
                    source,
                })?;
        Ok(Backup {
            dest: dest.to_path_buf(),
            bytes,
            tables,
            elapsed: started.elapsed(),
            problems,
        })
    }
}

fn refuse_existing(dest: &Path) -> Result<(), BackupError> {
    // A link, even one that leads nowhere, is something there already.
    if dest.symlink_metadata().is_ok() {
        return Err(BackupError::DestExists(dest.to_path_buf()));
    }
    Ok(())
}

/// Refuses a snapshot holding a table the list does not name: copying the rest would make
/// a backup that looks whole and is not.
fn refuse_unknown_tables(snapshot: &ReadTransaction) -> Result<(), BackupError> {
    for table in snapshot.list_tables().map_err(StoreError::from)? {
        if !EVERY_TABLE.iter().any(|t| t.table_name() == table.name()) {
            return Err(BackupError::UnknownTable(table.name().to_string()));
        }
    }
    if let Some(table) = snapshot
        .list_multimap_tables()
        .map_err(StoreError::from)?
        .next()
    {
        return Err(BackupError::UnknownTable(table.name().to_string()));
    }
    Ok(())
}

/// Copies every table `snapshot` holds into a new database at `path` (an empty file), in
/// one transaction committed durably; answers each table copied with its rows.
fn copy_snapshot(
    snapshot: &ReadTransaction,
    path: &Path,
) -> Result<Vec<(String, u64)>, BackupError> {
    refuse_unknown_tables(snapshot)?;
    let copy_error = |e: StoreError| BackupError::Copy {
        path: path.to_path_buf(),
        detail: e.message(Lang::En),
    };
    // Nobody else knows this file: exclusive, as redb is by default.
    let db = Database::create(path).map_err(|e| copy_error(e.into()))?;
    let txn = db.begin_write().map_err(|e| copy_error(e.into()))?;
    let mut tables = Vec::new();
    for table in EVERY_TABLE {
        match table.copy(snapshot, &txn) {
            Ok(Some(rows)) => tables.push((table.table_name().to_string(), rows)),
            Ok(None) => {}
            Err(Fault::Read(e)) => return Err(e.into()),
            Err(Fault::Write(e)) => return Err(copy_error(e)),
        }
    }
    // Durable when commit returns (redb's default), so what is read back is on the disk.
    txn.commit().map_err(|e| copy_error(e.into()))?;
    // One long transaction leaves free pages behind, those it rewrote as the trees grew;
    // giving them back makes the backup the size `chibo compact` would make the database
    // (the demo: 7.0 MB rather than 8.5).
    let mut db = db;
    while db
        .compact()
        .map_err(|e| copy_error(StoreError::Database(e.to_string())))?
    {}
    drop(db);
    Ok(tables)
}

/// Reads the copy at `path` back: the same tables with the same rows as the snapshot, or
/// `Mismatch`; then what `chibo check` finds in it.
fn verify(path: &Path, copied: &[(String, u64)]) -> Result<Vec<String>, BackupError> {
    let copy_error = |e: StoreError| BackupError::Copy {
        path: path.to_path_buf(),
        detail: e.message(Lang::En),
    };
    let db = Database::builder()
        .open_read_only(path)
        .map_err(|e| copy_error(e.into()))?;
    let txn = db.begin_read().map_err(|e| copy_error(e.into()))?;
    for table in EVERY_TABLE {
        let name = table.table_name();
        let snapshot = copied
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, rows)| *rows);
        let copy = table.rows(&txn).map_err(copy_error)?;
        if snapshot != copy {
            return Err(BackupError::Mismatch {
                table: name.to_string(),
                snapshot,
                copy,
            });
        }
    }
    let reader = Reader::open(txn, Arc::new(Access::local(local_user()))).map_err(copy_error)?;
    super::check::run(&reader).map_err(copy_error)
}

/// The copy being written: a hidden file beside the destination, removed when dropped, so
/// a failed or interrupted backup leaves nothing behind but, at worst (a killed process),
/// one `.NAME.part-…` file.
struct Partial {
    path: PathBuf,
}

impl Partial {
    /// A new, empty file beside `dest`, with the permissions of `like` (the database): a
    /// backup holds the same personal records and is no easier to read.
    fn create(dest: &Path, like: &Path) -> Result<Partial, BackupError> {
        let name = dest
            .file_name()
            .ok_or_else(|| BackupError::DestExists(dest.to_path_buf()))?;
        let dir = dest.parent().unwrap_or(Path::new(""));
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = dir.join(format!(
            ".{}.part-{}-{nanos}",
            name.to_string_lossy(),
            std::process::id()
        ));
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|source| BackupError::Write {
                path: path.clone(),
                source,
            })?;
        let partial = Partial { path };
        std::fs::metadata(like)
            .and_then(|m| std::fs::set_permissions(&partial.path, m.permissions()))
            .map_err(|source| BackupError::Write {
                path: partial.path.clone(),
                source,
            })?;
        Ok(partial)
    }

    /// Syncs the copy and gives it the name `dest`, unless a file took that name meanwhile.
    fn place(&self, dest: &Path) -> Result<(), BackupError> {
        let failed = |path: &Path| {
            let path = path.to_path_buf();
            move |source| BackupError::Write { path, source }
        };
        File::open(&self.path)
            .and_then(|f| f.sync_all())
            .map_err(failed(&self.path))?;
        // A hard link is made only where no file has the name: a rename would replace a
        // file that appeared since the check at the start. The partial name is removed on
        // drop, leaving the copy under `dest` alone.
        match std::fs::hard_link(&self.path, dest) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(BackupError::DestExists(dest.to_path_buf()));
            }
            // A file system without hard links: check again, then rename.
            Err(_) => {
                refuse_existing(dest)?;
                std::fs::rename(&self.path, dest).map_err(failed(dest))?;
            }
        }
        // The new name is durable once its folder is synced. Some file systems refuse to
        // sync a folder; the copy's bytes are synced already, so that is not a failure.
        let dir = dest
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Gives the free pages of the database at `path` back to the file system. redb's
/// compaction moves pages and truncates the file, so it needs the file to itself: it is
/// refused, naming them, while other processes have the file open — `chibo serve`, an
/// import, a backup, even a plain `cp` — and the file is opened exclusively, so nobody can
/// open it while the compaction runs (they are told it is locked by `chibo compact`).
pub fn compact(path: &Path) -> Result<Compacted, BackupError> {
    let started = Instant::now();
    let before = file_size(path)?;
    if super::handle::marked_read_only(path) {
        return Err(super::migrate::read_only_refusal(path).into());
    }
    let holders = holders_of(path);
    if !holders.is_empty() {
        return Err(BackupError::InUse {
            path: path.to_path_buf(),
            holders,
        });
    }
    let mut db = Database::builder()
        .set_concurrency_mode(ConcurrencyMode::ExclusiveWriter)
        // Like an import, it writes pages it does not read again and again.
        .set_cache_size(super::handle::LOAD_CACHE_BYTES)
        .open(path)
        .map_err(|e| match e {
            // Opened between the look at /proc and the open, or by this very process.
            redb::DatabaseError::DatabaseAlreadyOpen => BackupError::InUse {
                path: path.to_path_buf(),
                holders: holders_of(path),
            },
            e => BackupError::Store(super::open_error(path, e)),
        })?;
    refuse_unless_chibo(&db, path)?;
    super::migrate::upgrade_database(&db, path)?;
    refill_scattered_indexes(&db)?;
    // Each call moves what it can; redb says when nothing more is to be gained.
    while db
        .compact()
        .map_err(|e| StoreError::Database(e.to_string()))?
    {}
    drop(db);
    Ok(Compacted {
        before,
        after: file_size(path)?,
        elapsed: started.elapsed(),
    })
}

/// The tables whose rows are written all over their key space — every word of a name, a
/// roster by branch while members come by card, roll-up rows summed again and again, the
/// months members were absent, organisations by code, name and parent while they come
/// parents first — copied out and back in key order. A page filled in order is
/// full; these fill in any order and are left with pages half empty, which redb's compaction
/// moves but does not fill. The pages they leave are then given back with the rest.
fn refill_scattered_indexes(db: &Database) -> Result<(), StoreError> {
    let txn = db.begin_write()?;
    refill(&txn, MEMBER_BY_FOLDED)?;
    refill(&txn, MEMBER_BY_CARD)?;
    refill(&txn, ORG_MEMBERS)?;
    refill(&txn, ROLLUPS)?;
    refill(&txn, MEMBER_ABSENCES)?;
    refill(&txn, ORG_BY_FOLDED)?;
    refill(&txn, ORG_CHILDREN)?;
    refill(&txn, ORG_BY_CODE)?;
    txn.commit()?;
    Ok(())
}

/// `table` copied into a scratch table and back, each time in key order, in `txn`; the
/// scratch table is gone again when `txn` commits. A file of an older schema without the
/// table is not given one.
fn refill<K: Key + 'static, V: Value + 'static>(
    txn: &WriteTransaction,
    table: TableDefinition<K, V>,
) -> Result<(), StoreError> {
    if !txn.list_tables()?.any(|t| t.name() == table.name()) {
        return Ok(());
    }
    let name = format!("{}_refilled", table.name());
    let scratch = TableDefinition::<K, V>::new(&name);
    copy_within(txn, table, scratch)?;
    txn.delete_table(table)?;
    copy_within(txn, scratch, table)?;
    txn.delete_table(scratch)?;
    Ok(())
}

pub(super) fn copy_within<K: Key + 'static, V: Value + 'static>(
    txn: &WriteTransaction,
    from: TableDefinition<K, V>,
    to: TableDefinition<K, V>,
) -> Result<(), StoreError> {
    let source = txn.open_table(from)?;
    let mut target = txn.open_table(to)?;
    match copy_rows(&source, &mut target) {
        Ok(_) => Ok(()),
        Err(Fault::Read(e) | Fault::Write(e)) => Err(e),
    }
}

fn file_size(path: &Path) -> Result<u64, BackupError> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(meta.len()),
        Ok(_) => Err(BackupError::NoDatabase(path.to_path_buf())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(BackupError::NoDatabase(path.to_path_buf()))
        }
        Err(source) => Err(StoreError::Io {
            path: path.to_path_buf(),
            source,
        }
        .into()),
    }
}

/// Compaction rewrites the file: only a chibo database is touched.
fn refuse_unless_chibo(db: &Database, path: &Path) -> Result<(), BackupError> {
    let not_chibo = || StoreError::NotChibo {
        path: path.to_path_buf(),
        detail: "no chibo marker".into(),
    };
    let txn = db.begin_read().map_err(StoreError::from)?;
    let meta = txn.open_table(META).map_err(|_| not_chibo())?;
    match meta.get("magic").map_err(StoreError::from)? {
        Some(magic) if magic.value() == MAGIC => Ok(()),
        _ => Err(not_chibo().into()),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::store::testkit::sample;

    fn names_in_list() -> BTreeSet<String> {
        EVERY_TABLE
            .iter()
            .map(|t| t.table_name().to_string())
            .collect()
    }

    /// Every `TableDefinition::new("…")` of `tables.rs` is in the list: a table added there
    /// and not here fails this test before any backup leaves it behind.
    #[test]
    fn the_list_names_every_table_defined() {
        let source = include_str!("tables.rs");
        let marker = "TableDefinition::new(\"";
        let defined: BTreeSet<String> = source
            .match_indices(marker)
            .map(|(at, _)| {
                let rest = &source[at + marker.len()..];
                rest[..rest.find('"').unwrap()].to_string()
            })
            .collect();
        assert!(defined.len() > 20, "read the definitions: {defined:?}");
        assert_eq!(names_in_list(), defined);
        assert_eq!(EVERY_TABLE.len(), defined.len(), "a table is listed twice");
    }

    /// The tables of a real file, once written to (the audit trail appears with the first
    /// write), are exactly those the list copies.
    #[test]
    fn the_list_is_what_a_real_file_holds() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        let txn = store.begin_raw_read().unwrap();
        let in_file: BTreeSet<String> = txn
            .list_tables()
            .unwrap()
            .map(|t| t.name().to_string())
            .collect();
        assert_eq!(in_file, names_in_list());
        assert_eq!(txn.list_multimap_tables().unwrap().count(), 0);
    }

    #[test]
    fn a_backup_holds_every_row_and_passes_the_check() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        let dest = dir.path().join("copy.redb");
        let backup = store.backup(&dest).unwrap();
        assert!(backup.problems.is_empty(), "{:?}", backup.problems);
        assert_eq!(backup.bytes, std::fs::metadata(&dest).unwrap().len());
        assert_eq!(backup.tables.len(), EVERY_TABLE.len());
        let members = backup.tables.iter().find(|(n, _)| n == "members").unwrap();
        assert_eq!(members.1, 1);

        let copy = Store::open(&dest).unwrap();
        let totals = copy.read().unwrap().totals().unwrap();
        assert_eq!((totals.orgs, totals.members), (3, 1));
        // Nothing but the copy is left in the folder: no partial file.
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["copy.redb", "sample.redb"]);
    }

    /// The copy is the database as one snapshot saw it: a write committed after the
    /// snapshot was taken is not in it, though the copy is written after that write.
    #[test]
    fn a_copy_is_one_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        let snapshot = store.begin_raw_read().unwrap();
        store
            .write(|w| {
                let id = w.new_member_id()?;
                w.put_member(&crate::store::testkit::member(
                    id.0,
                    "48999999",
                    "Lê Thị Hoa",
                    3,
                ))
            })
            .unwrap();
        let path = dir.path().join("snapshot.redb");
        File::create(&path).unwrap();
        let tables = copy_snapshot(&snapshot, &path).unwrap();
        drop(snapshot);
        let rows = |name: &str| tables.iter().find(|(n, _)| n == name).unwrap().1;
        assert_eq!(rows("members"), 1);
        assert!(verify(&path, &tables).unwrap().is_empty());
        assert_eq!(store.read().unwrap().totals().unwrap().members, 2);
    }

    #[test]
    fn a_copy_that_differs_from_the_snapshot_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        let path = dir.path().join("copy.redb");
        File::create(&path).unwrap();
        let snapshot = store.begin_raw_read().unwrap();
        let mut tables = copy_snapshot(&snapshot, &path).unwrap();
        let members = tables.iter_mut().find(|(n, _)| n == "members").unwrap();
        members.1 += 1;
        match verify(&path, &tables) {
            Err(BackupError::Mismatch {
                table,
                snapshot,
                copy,
            }) => {
                assert_eq!(table, "members");
                assert_eq!((snapshot, copy), (Some(2), Some(1)));
            }
            other => panic!("expected a mismatch, got {other:?}"),
        }
    }

    /// A database with a broken invariant is copied as it is — the copy is still the best
    /// record there is — and the check's findings come back with it.
    #[test]
    fn a_damaged_database_is_copied_with_its_problems_named() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        let txn = store.begin_raw_write().unwrap();
        txn.open_table(ORG_BY_CODE)
            .unwrap()
            .insert("QN.GONE", 99)
            .unwrap();
        txn.commit().unwrap();
        let dest = dir.path().join("copy.redb");
        let backup = store.backup(&dest).unwrap();
        assert!(dest.exists());
        assert_eq!(backup.problems.len(), 1, "{:?}", backup.problems);
        assert!(
            backup.problems[0].contains("QN.GONE"),
            "{:?}",
            backup.problems
        );
    }

    #[test]
    fn a_backup_never_writes_over_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        let dest = dir.path().join("taken.redb");
        std::fs::write(&dest, b"keep me").unwrap();
        let e = store.backup(&dest).unwrap_err();
        assert!(
            matches!(&e, BackupError::DestExists(p) if p == &dest),
            "{e:?}"
        );
        assert!(e.message(Lang::Vi).contains("taken.redb"));
        assert!(e.message(Lang::Vi).contains("đã có"));
        assert!(e.message(Lang::En).contains("already exists"));
        assert_eq!(std::fs::read(&dest).unwrap(), b"keep me");
    }

    /// A name taken between the first look and the end of the copy is not written over
    /// either, and the partial copy goes.
    #[test]
    fn a_name_taken_during_the_copy_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        let dest = dir.path().join("late.redb");
        let partial = Partial::create(&dest, store.path()).unwrap();
        let snapshot = store.begin_raw_read().unwrap();
        copy_snapshot(&snapshot, &partial.path).unwrap();
        std::fs::write(&dest, b"arrived meanwhile").unwrap();
        let e = partial.place(&dest).unwrap_err();
        assert!(matches!(e, BackupError::DestExists(_)), "{e:?}");
        let left = partial.path.clone();
        drop(partial);
        assert!(!left.exists());
        assert_eq!(std::fs::read(&dest).unwrap(), b"arrived meanwhile");
    }

    #[test]
    fn a_backup_is_no_easier_to_read_than_the_database() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        let private = std::fs::Permissions::from_mode(0o600);
        std::fs::set_permissions(store.path(), private).unwrap();
        let dest = dir.path().join("copy.redb");
        store.backup(&dest).unwrap();
        let mode = std::fs::metadata(&dest).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn a_backup_into_a_missing_folder_says_where() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        let dest = dir.path().join("no-such-folder").join("copy.redb");
        let e = store.backup(&dest).unwrap_err();
        assert!(matches!(e, BackupError::Write { .. }), "{e:?}");
        assert!(e.message(Lang::En).contains("no-such-folder"), "{e}");
    }

    #[test]
    fn compact_is_refused_while_the_file_is_open() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        let e = compact(store.path()).unwrap_err();
        assert!(matches!(e, BackupError::InUse { .. }), "{e:?}");
        assert!(e.message(Lang::Vi).contains("không thu gọn được"));
        assert!(e.message(Lang::En).contains("cannot compact"));
    }

    #[test]
    fn compact_gives_space_back_and_keeps_the_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = {
            let store = sample(dir.path());
            // Rewriting a record many times leaves freed pages behind.
            for i in 0..50 {
                store
                    .write(|w| {
                        let mut m = crate::store::testkit::member(
                            1,
                            "48123456",
                            &format!("Phạm Ngọc Đường {i}"),
                            3,
                        );
                        m.residence = Some("0".repeat(300));
                        m.phone = Some("0".repeat(300));
                        w.put_member(&m)
                    })
                    .unwrap();
            }
            store.path().to_path_buf()
        };
        let done = compact(&path).unwrap();
        assert!(done.after < done.before, "{done:?}");
        assert_eq!(done.after, std::fs::metadata(&path).unwrap().len());
        // The refilled indexes answer as before, and their scratch copies are gone.
        let tables: Vec<String> = Database::open(&path)
            .unwrap()
            .begin_read()
            .unwrap()
            .list_tables()
            .unwrap()
            .map(|t| t.name().to_string())
            .collect();
        assert!(
            tables.iter().all(|t| !t.ends_with("_refilled")),
            "{tables:?}"
        );
        let store = Store::open(&path).unwrap();
        let reader = store.read().unwrap();
        assert!(crate::store::check::run(&reader).unwrap().is_empty());
        assert_eq!(reader.totals().unwrap().members, 1);
        let found = reader.search_members("duong 49", 10).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(reader.member_id("48123456").unwrap(), Some(found[0].id));
    }

    #[test]
    fn compact_needs_a_chibo_database() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.redb");
        assert!(matches!(
            compact(&missing),
            Err(BackupError::NoDatabase(p)) if p == missing
        ));
        assert!(!missing.exists(), "compact must not create a database");
        let other = dir.path().join("other.redb");
        drop(Database::create(&other).unwrap());
        let e = compact(&other).unwrap_err();
        assert!(
            matches!(e, BackupError::Store(StoreError::NotChibo { .. })),
            "{e:?}"
        );
    }
}
