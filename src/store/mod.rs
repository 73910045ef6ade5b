//! The only code that touches redb. Everything above it sees `Store`, `Reader`, `Writer`
//! and domain types.

mod access;
mod audit;
mod backup;
mod calendar;
pub mod check;
mod classifications;
mod codec;
mod command;
mod committer;
mod damage;
mod error;
mod files;
#[doc(hidden)]
pub mod folded_ids;
mod handle;
mod holders;
mod journal;
mod leases;
mod meetings;
mod members;
mod migrate;
mod minutes;
mod new_rows;
mod orgs;
mod places;
mod prep;
mod query;
mod rollups;
pub mod tables;
#[cfg(test)]
pub(crate) mod testkit;
mod users;
mod visits;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub use access::{Access, local_user};
pub use audit::AuditEntry;
pub use backup::{Backup, BackupError, Compacted, compact};
pub use calendar::{MeetingDraft, MeetingWrite};
pub use classifications::{ClassificationReport, Classified, GradeTally, Graded, GradedUnits};
pub use command::{Command, Done};
pub use committer::Pending;
pub use damage::{contained, guarded, guarded_store};
pub use error::StoreError;
pub use handle::{GIVE_UP_VARIABLE, Recovery};
pub use holders::{Holder, holders_of};
pub use journal::{RollStep, dir_of as journal_dir};
pub use leases::{HeldBy, LEASE_TTL, new_holder};
pub use meetings::{BranchClash, ComplianceRow, QuotaRow};
pub use migrate::SCHEMA_VERSION;
#[doc(hidden)]
pub use migrate::mark_as_schema;
pub use minutes::{RollChange, RollChanged};
pub use prep::{Absentee, BranchStatus, PlanDeadlines};
pub use query::{Reader, Writer};

/// The bytes stored under `meta["magic"]`: what tells a chibo database from any other redb file.
const MAGIC: &[u8] = b"chibo";

/// One open chibo database. Cheap to clone: every clone shares the same open database,
/// and the same fresh one once the store has reopened it after the disk failed a write.
#[derive(Clone)]
pub struct Store {
    db: Arc<handle::Handle>,
    path: PathBuf,
    /// Who acts through this handle; clones made by `as_user` differ only here.
    access: Arc<Access>,
    /// Bumped by every commit through any clone: how sessions of one server notice each
    /// other's writes without re-reading when nothing changed.
    generation: Arc<AtomicU64>,
    /// The minutes leases this process's sessions hold and when each was last written
    /// (the leases themselves are rows of the file, seen by every process).
    leases: Arc<leases::Leases>,
    /// Minutes typed and not yet in the database, kept beside it (`journal.rs`): one per
    /// file and process, shared by every clone and every `open` of the file.
    journal: Arc<journal::Journal>,
    /// Where the audit trail's times come from: the clock every screen reads.
    clock: crate::clock::Clock,
    /// The one writer of this database in this process: commands wait there and are
    /// committed together (`committer.rs`).
    committer: Arc<committer::Committer>,
    /// The schema the file had when this open brought it up to date, if it did.
    upgraded_from: Option<u32>,
}

impl Store {
    /// Opens the database at `path`, creating it when the file is absent or empty, and runs
    /// pending migrations. Opened in redb's multi-writer mode, so several chibo processes
    /// can read and write one file. A file chibo may not write is opened for reading only
    /// (every write is then refused with [`StoreError::ReadOnly`]); a damaged one is
    /// [`StoreError::Corrupt`], never a crash.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_or_create(path, handle::CACHE_BYTES)
    }

    /// The file at `path`, made with its directory when absent, with `cache` bytes of
    /// redb's page cache.
    fn open_or_create(path: &Path, cache: usize) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        Store::open_file(path, true, cache)
    }

    /// [`Store::open`] for what only reads, or changes a database that must already be
    /// there: a file that does not exist is [`StoreError::NoDatabase`], and nothing is made.
    pub fn open_existing(path: &Path) -> Result<Store, StoreError> {
        Store::open_file(path, false, handle::CACHE_BYTES)
    }

    /// [`Store::open`] for an import from a file: what it writes, it does not read again and
    /// again, so a smaller page cache serves it as well and the process stays within an
    /// ordinary server's memory at national scale.
    pub fn open_to_load(path: &Path) -> Result<Store, StoreError> {
        Store::open_or_create(path, handle::LOAD_CACHE_BYTES)
    }

    /// [`Store::open_existing`] for a command that reads the file through once (`check`,
    /// `export`, `backup`), with a small page cache: its memory does not grow with the file.
    pub fn open_to_scan(path: &Path) -> Result<Store, StoreError> {
        Store::open_file(path, false, handle::SCAN_CACHE_BYTES)
    }

    /// Verifies the checksum of every page of the database at `path` before trusting it:
    /// redb checks them only after a crash, so a file damaged on the disk or by a copy reads
    /// as if whole, its changed bytes exported and its bad pages written on top of. The
    /// commands that write the file or keep what they read of it (import, export, backup,
    /// check) verify it first; reading it all costs about as long as exporting it.
    ///
    /// A file chibo may not write is not verified: redb verifies by the open that would
    /// repair the file, which needs to write it.
    pub fn verify_file(path: &Path) -> Result<(), StoreError> {
        if std::fs::metadata(path).is_ok_and(|m| m.len() == 0) {
            // Another process has just made the file and is laying it out: there is nothing
            // to verify yet, and opening it to read would refuse an empty file.
            return Ok(());
        }
        if handle::marked_read_only(path) {
            // Not to be written, so nothing is to be opened for writing: the reading that
            // follows finds any damage as it reads.
            return Ok(());
        }
        let verified = guarded(|| {
            let mut builder = redb::Database::builder();
            builder
                .set_concurrency_mode(redb::ConcurrencyMode::MultiWriter)
                .set_cache_size(handle::SCAN_CACHE_BYTES)
                .set_check_integrity_on_open(true);
            builder.open(path).map(drop)
        })?;
        match verified {
            Ok(()) => Ok(()),
            Err(e) if may_not_write(&e) => Ok(()),
            Err(e) if not_found(&e) => Err(StoreError::NoDatabase(path.to_path_buf())),
            Err(e) => Err(open_error(path, e)),
        }
    }

    fn open_file(path: &Path, create: bool, cache: usize) -> Result<Store, StoreError> {
        let opener = handle::FileOpener {
            path: path.to_path_buf(),
            create,
            cache,
        };
        guarded_store(|| Store::start(path, Box::new(opener), Recovery::from_env()))
    }

    /// [`Store::open`] on a storage backend of the caller's, made afresh by `backend` each
    /// time the database is opened (again, after the disk failed a write): how the tests
    /// make a disk fail on demand. `path` is only what the store names and watches.
    #[cfg(test)]
    pub(crate) fn open_with_backend<F, B>(
        path: &Path,
        backend: F,
        recovery: Recovery,
    ) -> Result<Store, StoreError>
    where
        F: Fn() -> std::io::Result<B> + Send + Sync + 'static,
        B: redb::StorageBackend,
    {
        Store::start(path, Box::new(handle::BackendOpener(backend)), recovery)
    }

    fn start(
        path: &Path,
        opener: Box<dyn handle::Opener>,
        recovery: Recovery,
    ) -> Result<Store, StoreError> {
        let db = match opener.writer() {
            Ok(db) => handle::Handle::new(db, opener, recovery),
            Err(e) if not_found(&e) => return Err(StoreError::NoDatabase(path.to_path_buf())),
            Err(e) if may_not_write(&e) => {
                let reader = opener.reader().map_err(|e| open_error(path, e))?;
                handle::Handle::read_only(reader, opener, path.to_path_buf())
            }
            Err(e) => return Err(open_error(path, e)),
        };
        let db = Arc::new(db);
        let generation = Arc::new(AtomicU64::new(0));
        let bump = generation.clone();
        let committer = committer::Committer::start(db.clone(), move || {
            bump.fetch_add(1, Ordering::AcqRel);
        });
        let mut store = Store {
            db,
            path: path.to_path_buf(),
            access: Arc::new(Access::local(local_user())),
            generation,
            leases: Arc::default(),
            journal: journal::Journal::of(path),
            clock: crate::clock::Clock::vietnam(),
            committer: Arc::new(committer),
            upgraded_from: None,
        };
        store.upgraded_from = if store.is_blank()? {
            migrate::initialise(&store)?
        } else {
            migrate::upgrade(&store)?
        };
        // What processes that are gone had typed, before anyone reads the drafts; a file
        // that cannot be written keeps them in their logs.
        if !store.db.reads_only() {
            journal::replay(&store);
        }
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema the file had when this open brought it up to date to
    /// [`SCHEMA_VERSION`]; `None` when it was up to date (or new).
    pub fn upgraded_from(&self) -> Option<u32> {
        self.upgraded_from
    }

    /// The same database seen and changed by `user`: held to their scope and role.
    pub fn as_user(&self, user: &crate::domain::User) -> Store {
        Store {
            access: Arc::new(Access::of(user)),
            ..self.clone()
        }
    }

    /// The same database changed by the App `holder` (from [`new_holder`]): every change
    /// to a meeting whose minutes another App holds is refused with who holds them.
    pub fn for_holder(&self, holder: u64) -> Store {
        let access = Access {
            holder: Some(holder),
            ..(*self.access).clone()
        };
        Store {
            access: Arc::new(access),
            ..self.clone()
        }
    }

    /// The same database, its audit trail stamped by `clock`.
    pub fn with_clock(self, clock: crate::clock::Clock) -> Store {
        Store { clock, ..self }
    }

    /// The clock this handle stamps the audit trail with.
    pub fn clock(&self) -> &crate::clock::Clock {
        &self.clock
    }

    /// Who acts through this handle.
    pub fn access(&self) -> &Access {
        &self.access
    }

    /// A mark that changes whenever anything is committed: through this process (any
    /// clone) or, as far as the file's modification time tells, by another process.
    pub fn change_mark(&self) -> (u64, Option<std::time::SystemTime>) {
        let modified = std::fs::metadata(&self.path)
            .and_then(|m| m.modified())
            .ok();
        (self.generation.load(Ordering::Acquire), modified)
    }

    fn changed(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    fn refuse_unless(&self, allowed: bool) -> Result<(), StoreError> {
        access::require(allowed, &self.access)
    }

    /// A consistent snapshot to read from. Reads go on while the disk fails writes.
    pub fn read(&self) -> Result<Reader, StoreError> {
        guarded_store(|| Reader::open(self.db.begin_read()?, self.access.clone()))
    }

    /// What goes wrong with writing now, if anything: [`StoreError::WriteFailed`] while
    /// the disk fails writes and the store reopens the database, [`StoreError::WritesStopped`]
    /// once it has given up. A screen says so; a server that has given up exits.
    pub fn write_trouble(&self) -> Option<StoreError> {
        self.db.trouble()
    }

    /// Whether the store has given up writing (see [`Store::write_trouble`]).
    pub fn writes_stopped(&self) -> bool {
        matches!(self.db.health(), handle::Health::Stopped { .. })
    }

    /// Runs `f` in one write transaction: committed when it returns `Ok`, rolled back —
    /// nothing written — when it returns `Err`.
    pub fn write<T, E>(&self, f: impl FnOnce(&mut Writer<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let txn = self.db.begin_write()?;
        let outcome = {
            let mut writer = Writer::open(&txn, self.access.clone())?;
            f(&mut writer).and_then(|value| {
                writer.finish()?;
                let notes = std::mem::take(&mut writer.notes);
                drop(writer);
                audit::append(&txn, &self.access.login, self.clock.now(), notes)?;
                Ok(value)
            })
        };
        match outcome {
            Ok(value) => {
                self.db.commit(txn)?;
                self.changed();
                Ok(value)
            }
            Err(e) => {
                txn.abort().map_err(StoreError::from)?;
                Err(e)
            }
        }
    }

    /// The size of the database file in bytes.
    pub fn file_size(&self) -> u64 {
        std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0)
    }

    /// Closes this handle (every clone must be dropped for the file to close).
    pub fn close(self) {
        drop(self);
    }

    /// Whether the database has no table at all: a file just created, by this process or by
    /// another chibo that has not yet laid out its tables. Judged from the database rather
    /// than the file size, because another process may have written redb's header but not
    /// yet committed chibo's tables; laying them out twice is harmless.
    fn is_blank(&self) -> Result<bool, StoreError> {
        let txn = self.begin_raw_read()?;
        Ok(txn.list_tables()?.next().is_none() && txn.list_multimap_tables()?.next().is_none())
    }

    fn begin_raw_write(&self) -> Result<redb::WriteTransaction, StoreError> {
        self.db.begin_write()
    }

    fn begin_raw_read(&self) -> Result<redb::ReadTransaction, StoreError> {
        self.db.begin_read()
    }
}

fn io_kind(e: &redb::DatabaseError) -> Option<std::io::ErrorKind> {
    match e {
        redb::DatabaseError::Storage(redb::StorageError::Io(source)) => Some(source.kind()),
        _ => None,
    }
}

fn not_found(e: &redb::DatabaseError) -> bool {
    io_kind(e) == Some(std::io::ErrorKind::NotFound)
}

/// The file or its file system refuses writing: it can still be read.
fn may_not_write(e: &redb::DatabaseError) -> bool {
    matches!(
        io_kind(e),
        Some(std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem)
    )
}

fn open_error(path: &Path, e: redb::DatabaseError) -> StoreError {
    match e {
        redb::DatabaseError::DatabaseAlreadyOpen => StoreError::Locked {
            path: path.to_path_buf(),
            holders: holders_of(path),
        },
        // redb reports a file that does not hold a redb database as invalid data.
        redb::DatabaseError::Storage(redb::StorageError::Io(source))
            if source.kind() == std::io::ErrorKind::InvalidData =>
        {
            StoreError::NotChibo {
                path: path.to_path_buf(),
                detail: source.to_string(),
            }
        }
        redb::DatabaseError::Storage(redb::StorageError::Io(source)) => StoreError::Io {
            path: path.to_path_buf(),
            source,
        },
        redb::DatabaseError::Storage(redb::StorageError::Corrupted(detail)) => {
            StoreError::Corrupt(format!("{}: redb: {detail}", path.display()))
        }
        // Only an open for reading gives up a repair: one for writing makes it.
        redb::DatabaseError::RepairAborted => StoreError::UncleanReadOnly(path.to_path_buf()),
        other => StoreError::NotChibo {
            path: path.to_path_buf(),
            detail: other.to_string(),
        },
    }
}
