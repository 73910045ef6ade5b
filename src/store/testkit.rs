//! A small store for the store's own unit tests: province → ward → branch, one member.

use std::path::Path;

use std::ops::Bound;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use redb::BackendError;
use redb::backends::FileBackend;

use super::{Command, Recovery, Store, StoreError};
use crate::domain::date::parse_iso;
use crate::domain::{
    Draft, Meeting, MeetingId, MeetingKind, MeetingState, Member, MemberId, OrgId, OrgKind, OrgUnit,
};

pub fn org(id: u64, code: &str, kind: OrgKind, parent: Option<u64>) -> OrgUnit {
    OrgUnit::new(
        OrgId(id),
        code,
        format!("Tổ chức {code}"),
        kind,
        parent.map(OrgId),
    )
}

pub fn member(id: u64, card: &str, name: &str, branch: u64) -> Member {
    Member {
        id: MemberId(id),
        card: card.into(),
        name: name.into(),
        sex: None,
        born: parse_iso("1958-03-02").ok(),
        admitted: None,
        full_member: None,
        org: OrgId(branch),
        cell: None,
        phone: None,
        residence: None,
        former_orgs: Vec::new(),
        history: vec![],
    }
}

/// Orgs 1 `QN` → 2 `QN.HG` → 3 `QN.HG.K2`; member 1 "Phạm Ngọc Đường" in the branch.
pub fn sample(dir: &Path) -> Store {
    fill(Store::open(&dir.join("sample.redb")).unwrap())
}

/// `count` regular meetings held in the sample's branch on consecutive days from
/// 1 November 2026, to keep drafts and marks of.
pub fn held_meetings(store: &Store, count: u64) -> Vec<MeetingId> {
    let first = parse_iso("2026-11-01").unwrap();
    store
        .write(|w| {
            (0..count)
                .map(|n| {
                    let id = w.new_meeting_id()?;
                    let day = first + chrono::Days::new(n);
                    let held =
                        Meeting::new(id, OrgId(3), MeetingKind::Regular, day, MeetingState::Held);
                    w.put_meeting(&held)?;
                    Ok(id)
                })
                .collect::<Result<Vec<_>, StoreError>>()
        })
        .unwrap()
}

/// The command that keeps `text` as `meeting`'s draft, typed by "bt" now.
pub fn save_draft(store: &Store, meeting: MeetingId, text: &str) -> Command {
    Command::SaveDraft {
        meeting,
        draft: Draft {
            text: text.into(),
            saved_at: store.clock().now(),
            by: "bt".into(),
        },
    }
}

/// [`sample`] on a disk whose writes fail while its switch is on; the store tries to
/// write again as `recovery` says.
pub fn sample_on_failing_disk(dir: &Path, recovery: Recovery) -> (Store, DiskSwitch) {
    let path = dir.join("sample.redb");
    let switch = DiskSwitch::default();
    let theirs = switch.clone();
    let file = path.clone();
    let store = Store::open_with_backend(&path, move || theirs.open(&file), recovery).unwrap();
    (fill(store), switch)
}

fn fill(store: Store) -> Store {
    store
        .write(|w| {
            for o in [
                org(w.new_org_id()?.0, "QN", OrgKind::ProvincialCommittee, None),
                org(
                    w.new_org_id()?.0,
                    "QN.HG",
                    OrgKind::GrassrootsCommittee,
                    Some(1),
                ),
                org(w.new_org_id()?.0, "QN.HG.K2", OrgKind::Branch, Some(2)),
            ] {
                w.put_org(&o)?;
            }
            let id = w.new_member_id()?;
            w.put_member(&member(id.0, "48123456", "Phạm Ngọc Đường", 3))?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
    store
}

/// The switch shared by every [`FailingDisk`] opened on one file, reopenings included.
#[derive(Debug, Clone, Default)]
pub struct DiskSwitch(Arc<AtomicBool>);

impl DiskSwitch {
    /// From now on every write, sync and resize fails as on a full disk (`true`), or works.
    pub fn fail(&self, on: bool) {
        self.0.store(on, Ordering::SeqCst);
    }

    /// Opens `path` afresh behind this switch.
    pub fn open(&self, path: &Path) -> std::io::Result<FailingDisk> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        Ok(FailingDisk {
            inner: FileBackend::new(file).map_err(std::io::Error::other)?,
            failing: self.0.clone(),
            errno: libc::ENOSPC,
        })
    }
}

/// `path` as on a file the process may only read: every write, sync and resize is refused
/// with "permission denied", whatever user the tests run as.
pub fn read_only_disk(path: &Path) -> std::io::Result<FailingDisk> {
    // Opened for writing all the same: redb's write locks need it, and the writes are
    // refused above the file.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)?;
    Ok(FailingDisk {
        inner: FileBackend::new(file).map_err(std::io::Error::other)?,
        failing: Arc::new(AtomicBool::new(true)),
        errno: libc::EACCES,
    })
}

/// A database file whose writes, syncs and resizes fail on demand, the way a disk that
/// has filled fails them. redb's own file backend does the work underneath, locks
/// included, so multi-writer mode runs on it as on a plain file.
#[derive(Debug)]
pub struct FailingDisk {
    inner: FileBackend,
    failing: Arc<AtomicBool>,
    /// What a failing write answers.
    errno: i32,
}

impl FailingDisk {
    fn check(&self) -> std::io::Result<()> {
        if self.failing.load(Ordering::SeqCst) {
            Err(std::io::Error::from_raw_os_error(self.errno))
        } else {
            Ok(())
        }
    }
}

impl redb::StorageBackend for FailingDisk {
    fn len(&self) -> std::io::Result<u64> {
        self.inner.len()
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> std::io::Result<()> {
        self.inner.read(offset, out)
    }

    fn set_len(&self, len: u64) -> std::io::Result<()> {
        self.check()?;
        self.inner.set_len(len)
    }

    fn sync_data(&self) -> std::io::Result<()> {
        self.check()?;
        self.inner.sync_data()
    }

    fn write(&self, offset: u64, data: &[u8]) -> std::io::Result<()> {
        self.check()?;
        self.inner.write(offset, data)
    }

    fn close(&self) -> std::io::Result<()> {
        self.inner.close()
    }

    fn try_lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, BackendError> {
        self.inner.try_lock_range(start, end)
    }

    fn try_lock_shared_range(
        &self,
        start: Bound<u64>,
        end: Bound<u64>,
    ) -> Result<bool, BackendError> {
        self.inner.try_lock_shared_range(start, end)
    }

    fn lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.inner.lock_range(start, end)
    }

    fn lock_shared_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.inner.lock_shared_range(start, end)
    }

    fn unlock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.inner.unlock_range(start, end)
    }

    fn query_lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, BackendError> {
        self.inner.query_lock_range(start, end)
    }
}
