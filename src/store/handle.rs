//! The open database every clone of a [`Store`](super::Store) and the writer share, and
//! how it is replaced after the disk failed a write.
//!
//! Once a write fails with an I/O error, redb answers every later read and write on that
//! handle with "previous I/O error" until the handle is closed; the file itself is fine.
//! So the store opens the file again rather than the process starting again: first a
//! read-only handle, which redb opens without writing while the failed one is still open,
//! so screens and sign-ins read on; then, as soon as the disk takes writes again, a handle
//! that writes, swapped in for every clone at once. The swap holds the lock only to
//! replace one pointer: a read never waits for an opening that is retrying.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;

use redb::{
    ConcurrencyMode, Database, DatabaseError, ReadOnlyDatabase, ReadTransaction, ReadableDatabase,
    WriteTransaction,
};

use super::StoreError;

/// How long and how often the store tries to write again after the disk failed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recovery {
    /// The wait before the second attempt (the first is at once); each later wait is twice
    /// the one before.
    pub first_wait: Duration,
    /// The longest wait between two attempts.
    pub longest_wait: Duration,
    /// Past this long without a write, the store stops trying: a server exits so that its
    /// service manager starts it again.
    pub give_up_after: Duration,
}

/// The environment variable that shortens or lengthens [`Recovery::give_up_after`], in
/// seconds.
pub const GIVE_UP_VARIABLE: &str = "CHIBO_WRITE_RETRY_SECS";

impl Default for Recovery {
    fn default() -> Recovery {
        Recovery {
            first_wait: Duration::from_millis(500),
            longest_wait: Duration::from_secs(30),
            give_up_after: Duration::from_secs(300),
        }
    }
}

impl Recovery {
    /// The default, with the bound from [`GIVE_UP_VARIABLE`] when it holds a number of
    /// seconds (anything else is ignored, with a warning in the log).
    pub fn from_env() -> Recovery {
        let mut recovery = Recovery::default();
        if let Ok(text) = std::env::var(GIVE_UP_VARIABLE) {
            match text.trim().parse::<u64>() {
                Ok(secs) => recovery.give_up_after = Duration::from_secs(secs),
                Err(_) => tracing::warn!(
                    variable = GIVE_UP_VARIABLE,
                    value = %text,
                    "not a number of seconds: ignored"
                ),
            }
        }
        recovery
    }
}

/// Opens the database file again: for writing, or only for reading.
pub(super) trait Opener: Send + Sync {
    fn writer(&self) -> Result<Database, DatabaseError>;
    fn reader(&self) -> Result<ReadOnlyDatabase, DatabaseError>;
}

/// Every opening is in multi-writer mode, like the first: other chibo processes may be
/// writing the same file meanwhile.
fn builder() -> redb::Builder {
    let mut builder = Database::builder();
    builder.set_concurrency_mode(ConcurrencyMode::MultiWriter);
    builder
}

/// redb's own default: what the screens and the server read again and again stays in
/// memory.
pub(super) const CACHE_BYTES: usize = 1 << 30;

/// For an import or a compaction: the pages it writes stay in the operating system's cache,
/// and what it reads back (the index pages it adds to) mostly fits in under a fifth of
/// redb's default (docs/benchmarks.md: a national import stays under 1.5 GB with it).
pub(super) const LOAD_CACHE_BYTES: usize = 192 << 20;

/// For a command that reads the file through once (`check`, `export`, `backup`): nothing is
/// read twice that a larger cache would spare, and the process stays small.
pub(super) const SCAN_CACHE_BYTES: usize = 64 << 20;

/// A database file opened by its path; made when absent only if `create` says so, with
/// `cache` bytes of redb's page cache.
pub(super) struct FileOpener {
    pub path: std::path::PathBuf,
    pub create: bool,
    pub cache: usize,
}

impl FileOpener {
    fn builder(&self) -> redb::Builder {
        let mut builder = builder();
        builder.set_cache_size(self.cache);
        builder
    }
}

impl Opener for FileOpener {
    fn writer(&self) -> Result<Database, DatabaseError> {
        if marked_read_only(&self.path) {
            let refused = std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "the file's mode lets nobody write it",
            );
            return Err(DatabaseError::Storage(redb::StorageError::Io(refused)));
        }
        if self.create {
            self.builder().create(&self.path)
        } else {
            self.builder().open(&self.path)
        }
    }

    fn reader(&self) -> Result<ReadOnlyDatabase, DatabaseError> {
        self.builder().open_read_only(&self.path)
    }
}

/// Whether the file at `path` has a mode that lets nobody write it (0444): then it is only
/// read, whoever opens it. The open for writing alone does not tell, since root's always
/// succeeds, and a backup marked read-only must stay as it was written.
pub(super) fn marked_read_only(path: &std::path::Path) -> bool {
    std::fs::metadata(path).is_ok_and(|meta| meta.is_file() && meta.permissions().readonly())
}

/// A database on a storage backend of the caller's, made afresh for every opening.
#[cfg(test)]
pub(super) struct BackendOpener<F>(pub F);

#[cfg(test)]
impl<F, B> Opener for BackendOpener<F>
where
    F: Fn() -> std::io::Result<B> + Send + Sync,
    B: redb::StorageBackend,
{
    fn writer(&self) -> Result<Database, DatabaseError> {
        builder().create_with_backend((self.0)()?)
    }

    fn reader(&self) -> Result<ReadOnlyDatabase, DatabaseError> {
        builder().open_read_only_with_backend((self.0)()?)
    }
}

/// One opening of the file.
enum Opened {
    Writes(Database),
    /// While the disk fails writes: reads go on, writes are refused at once.
    Reads(ReadOnlyDatabase),
}

/// How writing goes, for the screens and the server to tell.
#[derive(Debug, Clone)]
pub(super) enum Health {
    Fine,
    /// The disk failed a write (`error`); the store keeps trying.
    Failing {
        error: String,
    },
    /// It kept failing past the bound: nothing more is written.
    Stopped {
        error: String,
        after: Duration,
    },
}

/// The shared open database.
pub(super) struct Handle {
    /// The opening in use and its number: a failure reported on an opening already
    /// replaced is not acted on twice.
    current: RwLock<(Arc<Opened>, u64)>,
    opener: Box<dyn Opener>,
    pub(super) recovery: Recovery,
    health: Mutex<Health>,
    /// The number of an opening some read or write saw the disk fail on, 0 for none.
    failed: AtomicU64,
    /// Wakes the writer to reopen: set once the writer has started.
    waker: OnceLock<Box<dyn Fn() + Send + Sync>>,
    /// The file, when it could only be opened for reading (read-only file or directory):
    /// every write is refused naming it.
    read_only: Option<std::path::PathBuf>,
}

impl Handle {
    pub(super) fn new(db: Database, opener: Box<dyn Opener>, recovery: Recovery) -> Handle {
        Handle::with(Opened::Writes(db), opener, recovery, None)
    }

    /// A handle on a file the process may not write: it reads, and refuses every write.
    pub(super) fn read_only(
        db: ReadOnlyDatabase,
        opener: Box<dyn Opener>,
        path: std::path::PathBuf,
    ) -> Handle {
        Handle::with(Opened::Reads(db), opener, Recovery::default(), Some(path))
    }

    fn with(
        opened: Opened,
        opener: Box<dyn Opener>,
        recovery: Recovery,
        read_only: Option<std::path::PathBuf>,
    ) -> Handle {
        Handle {
            current: RwLock::new((Arc::new(opened), 1)),
            opener,
            recovery,
            health: Mutex::new(Health::Fine),
            failed: AtomicU64::new(0),
            waker: OnceLock::new(),
            read_only,
        }
    }

    /// Tells the writer to reopen whenever a read or write outside it finds the disk failed.
    pub(super) fn set_waker(&self, wake: Box<dyn Fn() + Send + Sync>) {
        let _ = self.waker.set(wake);
    }

    fn current(&self) -> (Arc<Opened>, u64) {
        let current = self.current.read().unwrap_or_else(|e| e.into_inner());
        (current.0.clone(), current.1)
    }

    /// A snapshot to read from, whichever opening is in use.
    pub(super) fn begin_read(&self) -> Result<ReadTransaction, StoreError> {
        let (opened, number) = self.current();
        let begun = match opened.as_ref() {
            Opened::Writes(db) => db.begin_read(),
            Opened::Reads(db) => db.begin_read(),
        };
        begun.map_err(|e| self.seen(number, e.into()))
    }

    /// A write transaction on the opening in use; refused at once while the store can only
    /// read.
    pub(super) fn begin_write(&self) -> Result<WriteTransaction, StoreError> {
        let (opened, number) = self.current();
        match opened.as_ref() {
            Opened::Writes(db) => db.begin_write().map_err(|e| self.seen(number, e.into())),
            Opened::Reads(_) => Err(self.refusal()),
        }
    }

    /// Commits `txn`, begun with [`Handle::begin_write`].
    pub(super) fn commit(&self, txn: WriteTransaction) -> Result<(), StoreError> {
        let number = self.current().1;
        txn.commit().map_err(|e| self.seen(number, e.into()))
    }

    /// Passes `error` on, after noting that opening `number` failed when the disk did.
    pub(super) fn seen(&self, number: u64, error: StoreError) -> StoreError {
        if error.is_storage() {
            self.failed.fetch_max(number, Ordering::AcqRel);
            if let Some(wake) = self.waker.get() {
                wake();
            }
        }
        error
    }

    /// Notes that the disk failed the opening in use (the writer's own transaction).
    pub(super) fn disk_failed(&self) {
        self.failed.fetch_max(self.current().1, Ordering::AcqRel);
    }

    /// Whether the opening in use is one the disk failed: a reopen is due.
    pub(super) fn needs_reopen(&self) -> bool {
        self.failed.load(Ordering::Acquire) >= self.current().1
    }

    /// Whether the opening in use only reads.
    pub(super) fn reads_only(&self) -> bool {
        matches!(self.current().0.as_ref(), Opened::Reads(_))
    }

    /// Swaps `opened` in for every clone; the opening it replaces closes once the last
    /// transaction begun on it ends.
    fn swap(&self, opened: Opened) {
        let replaced = {
            let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
            let number = current.1 + 1;
            std::mem::replace(&mut *current, (Arc::new(opened), number))
        };
        // Closing the old opening may take a moment: not while readers wait for the lock.
        drop(replaced);
    }

    /// Keeps reads going while writes fail: a read-only opening in place of the one the
    /// disk failed. redb opens it without writing, as long as the failed opening is still
    /// open, so it is opened before that one is let go.
    pub(super) fn read_on(&self) -> Result<(), StoreError> {
        let reader = self.opener.reader().map_err(StoreError::from)?;
        self.swap(Opened::Reads(reader));
        Ok(())
    }

    /// Opens the file for writing again and proves a commit goes through; swapped in only
    /// then. The opening itself writes, so it fails while the disk still fails writes.
    pub(super) fn write_again(&self) -> Result<(), StoreError> {
        let db = self.opener.writer().map_err(StoreError::from)?;
        // An empty commit is a write and a sync of the header: the smallest proof.
        let txn = db.begin_write().map_err(StoreError::from)?;
        txn.commit().map_err(StoreError::from)?;
        self.swap(Opened::Writes(db));
        Ok(())
    }

    pub(super) fn health(&self) -> Health {
        self.health
            .lock()
            .map(|h| h.clone())
            .unwrap_or(Health::Fine)
    }

    pub(super) fn set_health(&self, health: Health) {
        if let Ok(mut h) = self.health.lock() {
            *h = health;
        }
    }

    /// What goes wrong with writing now, if anything.
    pub(super) fn trouble(&self) -> Option<StoreError> {
        if self.read_only.is_some() {
            return Some(self.refusal());
        }
        match self.health() {
            Health::Fine => None,
            _ => Some(self.refusal()),
        }
    }

    /// What a write is told while writing fails or has stopped, or on a read-only file.
    pub(super) fn refusal(&self) -> StoreError {
        if let Some(path) = &self.read_only {
            return StoreError::ReadOnly(path.clone());
        }
        match self.health() {
            Health::Stopped { error, after } => StoreError::WritesStopped {
                detail: error,
                after,
            },
            Health::Failing { error } => StoreError::WriteFailed(error),
            Health::Fine => StoreError::WriteFailed("the database is being reopened".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::Recovery;
    use crate::domain::{MeetingId, OrgId};
    use crate::store::testkit::{DiskSwitch, held_meetings, sample_on_failing_disk, save_draft};
    use crate::store::{Store, StoreError, check};

    /// Short waits, so a test sees several attempts in a fraction of a second.
    fn quick(give_up_after: Duration) -> Recovery {
        Recovery {
            first_wait: Duration::from_millis(20),
            longest_wait: Duration::from_millis(100),
            give_up_after,
        }
    }

    /// The store of the file at `path` on a disk that refuses every write.
    fn on_read_only_disk(path: &std::path::Path) -> Result<Store, StoreError> {
        let file = path.to_path_buf();
        Store::open_with_backend(
            path,
            move || crate::store::testkit::read_only_disk(&file),
            quick(Duration::from_secs(60)),
        )
    }

    fn failing(dir: &std::path::Path) -> (Store, DiskSwitch, MeetingId) {
        let (store, switch) = sample_on_failing_disk(dir, quick(Duration::from_secs(60)));
        let meeting = held_meetings(&store, 1)[0];
        (store, switch, meeting)
    }

    fn saved(store: &Store, meeting: MeetingId) -> Option<String> {
        store
            .read()
            .unwrap()
            .draft(meeting)
            .unwrap()
            .map(|d| d.text)
    }

    /// Waits (a few seconds at most) until the store takes writes again.
    fn until_writing(store: &Store) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while store.write_trouble().is_some() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(
            store.write_trouble().is_none(),
            "{:?}",
            store.write_trouble()
        );
    }

    /// A write the disk fails is answered as such, reads go on, and once the disk takes
    /// writes again the next commands are committed by the same process on a sound file.
    #[test]
    fn a_failed_write_is_told_reads_go_on_and_writing_resumes() {
        let dir = tempfile::tempdir().unwrap();
        let (store, switch, meeting) = failing(dir.path());
        store.run(save_draft(&store, meeting, "trước")).unwrap();

        switch.fail(true);
        let answer = store.run(save_draft(&store, meeting, "lúc đĩa đầy"));
        assert!(
            matches!(answer, Err(StoreError::WriteFailed(_))),
            "{answer:?}"
        );
        let told = answer.unwrap_err();
        assert!(
            told.message(crate::domain::Lang::Vi)
                .contains("vẫn được giữ")
        );
        assert!(told.message(crate::domain::Lang::En).contains("kept"));
        assert!(matches!(
            store.write_trouble(),
            Some(StoreError::WriteFailed(_))
        ));
        // Reads, sign-ins among them, go on from a fresh opening.
        assert_eq!(saved(&store, meeting).as_deref(), Some("trước"));
        assert!(store.read().unwrap().org(OrgId(3)).unwrap().is_some());
        assert!(store.user("nobody").unwrap().is_none());
        // A direct write is refused at once rather than waiting.
        let direct = store.write(|w| w.new_meeting_id());
        assert!(direct.is_err(), "{direct:?}");

        switch.fail(false);
        until_writing(&store);
        store.run(save_draft(&store, meeting, "sau")).unwrap();
        assert_eq!(saved(&store, meeting).as_deref(), Some("sau"));
        store.write(|w| w.new_meeting_id()).unwrap();
        let problems = check::run(&store.read().unwrap()).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        drop(store);
        // The file opens as any other would, and says the same.
        let again = Store::open(&dir.path().join("sample.redb")).unwrap();
        assert_eq!(saved(&again, meeting).as_deref(), Some("sau"));
    }

    /// Commands handed in while the store cannot write wait in the queue, unanswered, and
    /// are committed once it can.
    #[test]
    fn commands_waiting_during_the_failure_are_committed_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let (store, switch, meeting) = failing(dir.path());
        switch.fail(true);
        let first = store.run(save_draft(&store, meeting, "mất"));
        assert!(
            matches!(first, Err(StoreError::WriteFailed(_))),
            "{first:?}"
        );
        let waiting: Vec<_> = ["một", "hai", "ba"]
            .into_iter()
            .map(|text| store.submit(save_draft(&store, meeting, text)))
            .collect();
        std::thread::sleep(Duration::from_millis(200));
        assert!(
            waiting.iter().all(|p| p.try_take().is_none()),
            "answered while the disk still fails"
        );
        assert!(!store.settle_within(Duration::from_millis(50)));

        switch.fail(false);
        for pending in waiting {
            let answer = pending.wait_for(Duration::from_secs(10));
            assert!(matches!(answer, Some(Ok(_))), "{answer:?}");
        }
        assert_eq!(saved(&store, meeting).as_deref(), Some("ba"));
        assert!(store.write_trouble().is_none());
        let problems = check::run(&store.read().unwrap()).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
    }

    /// A caller that waits for its answer (a form, the command line) is not held while the
    /// store reopens the database: it is told at once, and its command is never written.
    #[test]
    fn a_caller_that_waits_is_told_at_once_and_its_command_withdrawn() {
        let dir = tempfile::tempdir().unwrap();
        let (store, switch, meeting) = failing(dir.path());
        store.run(save_draft(&store, meeting, "trước")).unwrap();
        switch.fail(true);
        let _ = store.run(save_draft(&store, meeting, "mất"));
        let queued = store.submit(save_draft(&store, meeting, "chờ"));
        let asked = Instant::now();
        let answer = store.run(save_draft(&store, meeting, "rút lại"));
        assert!(
            matches!(answer, Err(StoreError::WriteFailed(_))),
            "{answer:?}"
        );
        assert!(asked.elapsed() < Duration::from_secs(2));

        switch.fail(false);
        let answer = queued.wait_for(Duration::from_secs(10));
        assert!(matches!(answer, Some(Ok(_))), "{answer:?}");
        store.settle();
        // Had the withdrawn command run, it would have come last.
        assert_eq!(saved(&store, meeting).as_deref(), Some("chờ"));
    }

    /// A disk that keeps failing is given up on after the bound: every write is then
    /// refused with an error that says so, and reads still go on.
    #[test]
    fn a_reopen_that_keeps_failing_gives_up_after_the_bound() {
        let dir = tempfile::tempdir().unwrap();
        let (store, switch) = sample_on_failing_disk(dir.path(), quick(Duration::from_millis(300)));
        let meeting = held_meetings(&store, 1)[0];
        switch.fail(true);
        let started = Instant::now();
        let answer = store.run(save_draft(&store, meeting, "mất"));
        assert!(
            matches!(answer, Err(StoreError::WriteFailed(_))),
            "{answer:?}"
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        while !store.writes_stopped() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(store.writes_stopped());
        assert!(started.elapsed() >= Duration::from_millis(300));
        let later = store.run(save_draft(&store, meeting, "vẫn mất"));
        assert!(
            matches!(later, Err(StoreError::WritesStopped { .. })),
            "{later:?}"
        );
        assert!(matches!(
            store.write_trouble(),
            Some(StoreError::WritesStopped { .. })
        ));
        assert!(store.read().unwrap().org(OrgId(1)).unwrap().is_some());
        // Closing does not wait for a disk that will not come back.
        let closing = Instant::now();
        drop(store);
        assert!(closing.elapsed() < Duration::from_secs(2));
    }

    /// A file the process may not write opens for reading: everything reads as before,
    /// every write is refused naming the file, and not a byte of it changes.
    #[test]
    fn a_file_that_may_not_be_written_opens_for_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sample.redb");
        drop(crate::store::testkit::sample(dir.path()));
        let before = std::fs::read(&path).unwrap();
        let store = on_read_only_disk(&path).unwrap();
        assert!(store.read().unwrap().org(OrgId(3)).unwrap().is_some());
        let problems = check::run(&store.read().unwrap()).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        let refused = store.write(|w| w.new_meeting_id());
        assert!(
            matches!(refused, Err(StoreError::ReadOnly(_))),
            "{refused:?}"
        );
        let told = refused.unwrap_err();
        assert!(told.message(crate::domain::Lang::En).contains("read-only"));
        assert!(
            told.message(crate::domain::Lang::Vi)
                .contains("chỉ được phép đọc")
        );
        drop(store);
        assert_eq!(std::fs::read(&path).unwrap(), before, "file unchanged");
    }

    /// A file of an older schema that may not be written is refused with what it needs:
    /// the upgrade, and so write access or a copy. Nothing of it changes.
    #[test]
    fn an_older_file_that_may_not_be_written_says_it_needs_upgrading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sample.redb");
        drop(crate::store::testkit::sample(dir.path()));
        crate::store::mark_as_schema(&path, 14).unwrap();
        let before = std::fs::read(&path).unwrap();
        let Err(told) = on_read_only_disk(&path) else {
            panic!("an older file that may not be written was opened");
        };
        assert!(
            matches!(told, StoreError::OlderReadOnly { found: 14, .. }),
            "{told:?}"
        );
        let en = told.message(crate::domain::Lang::En);
        assert!(
            en.contains("older chibo") && en.contains("writable copy"),
            "{en}"
        );
        let vi = told.message(crate::domain::Lang::Vi);
        assert!(vi.contains("cũ hơn") && vi.contains("bản sao"), "{vi}");
        assert_eq!(std::fs::read(&path).unwrap(), before, "file unchanged");
    }

    /// Closing the store while it still tries answers what waits, instead of hanging.
    #[test]
    fn closing_while_the_disk_fails_answers_what_waits() {
        let dir = tempfile::tempdir().unwrap();
        let (store, switch, meeting) = failing(dir.path());
        switch.fail(true);
        let _ = store.run(save_draft(&store, meeting, "mất"));
        let waiting = store.submit(save_draft(&store, meeting, "chờ"));
        let closing = Instant::now();
        drop(store);
        assert!(closing.elapsed() < Duration::from_secs(2));
        let answer = waiting.wait();
        assert!(
            matches!(answer, Err(StoreError::WriteFailed(_))),
            "{answer:?}"
        );
    }
}
