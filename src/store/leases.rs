//! Leases on minutes being edited: two sessions on one meeting's minutes — the first edits,
//! the second reads until the first lets go. Sessions may live in different processes on
//! the same file (two `chibo serve`, or a server and a local `chibo`), so a lease is a row
//! of the `leases` table: who holds it and until when, by the wall clock. A lease expires
//! when its holder stops renewing it (a session or a process that vanished), so nothing is
//! ever locked for good; an expired row is ignored and replaced.
//!
//! Every key pressed asks for the lease again. Renewing is a durable commit, so a holder
//! renews at most every [`RENEW_EVERY`] and otherwise answers from memory; asking for a
//! lease held by someone else only reads.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use std::sync::mpsc::Receiver;

use redb::{ReadableTable, TableError, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::codec::{decode, encode};
use super::tables::LEASES;
use super::{Store, StoreError};
use crate::domain::MeetingId;

/// How long a lease outlives its holder's last renewal.
pub const LEASE_TTL: Duration = Duration::from_secs(20);

/// How often a holder writes its lease again: well inside [`LEASE_TTL`], so a renewal that
/// comes late (a busy machine) still finds the lease its own.
pub const RENEW_EVERY: Duration = Duration::from_secs(5);

/// A `leases` row: the meeting's minutes are being edited by `holder` (signed in as
/// `login`) until `expires_ms` (milliseconds since the Unix epoch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Lease {
    holder: Holder,
    login: String,
    expires_ms: u64,
}

/// One App among all processes: the process id and the App's number within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Holder {
    process: u32,
    app: u64,
}

impl Holder {
    fn of(app: u64) -> Holder {
        Holder {
            process: std::process::id(),
            app,
        }
    }
}

impl Lease {
    /// Whether the lease keeps others out at `now_ms`: unexpired, and its process still
    /// running — the file is on this machine, so a holder whose process was killed lets go
    /// at once rather than when its row runs out, and whoever reopens after a crash
    /// finds their own draft offered, not their own lease in the way.
    fn binds(&self, now_ms: u64) -> bool {
        self.expires_ms > now_ms && process_alive(self.holder.process)
    }
}

/// Whether process `pid` is running, as far as this system tells (where it cannot, every
/// process is taken to be running and leases simply expire).
fn process_alive(pid: u32) -> bool {
    let proc = std::path::Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// What a holder of this process last asked the writer for: the meeting and when, and the
/// writer's answer while it has not been read.
struct Held {
    meeting: MeetingId,
    renewed: Instant,
    answer: Option<Receiver<Result<Result<(), HeldBy>, StoreError>>>,
}

/// The leases this process's holders hold, by holder id: what spares a commit per key.
#[derive(Default)]
pub struct Leases(Mutex<HashMap<u64, Held>>);

/// A fresh holder id, one per App.
pub fn new_holder() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// The minutes asked for are held by someone else, in this process or another: `login`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldBy {
    pub login: String,
}

impl Store {
    /// Makes `holder` hold the minutes of `meeting` (taking or renewing the lease) and
    /// nothing else it held before; `None` lets go of everything. `Err(HeldBy)` when
    /// someone else, in this process or another, holds `meeting`.
    ///
    /// Never waits for the file's write lock: the lease row is handed to the database's
    /// writer and this answers from what it reads now. Should another App take the same
    /// minutes in the moment between, the writer's answer comes back refused and a later
    /// call says so — meanwhile the store refuses that App's changes to the record anyway
    /// (`Writer::require_lease`), so nothing is written by two.
    pub fn hold_minutes(&self, holder: u64, meeting: Option<MeetingId>) -> Result<(), HeldBy> {
        let Ok(mut held) = self.leases.0.lock() else {
            return Ok(());
        };
        if let Some(lost) = take_answer(&mut held, holder)
            && Some(lost.meeting) == meeting
        {
            return Err(lost.by);
        }
        let before = held.get(&holder).map(|h| (h.meeting, h.renewed));
        let fresh = before.is_some_and(|(held, renewed)| {
            Some(held) == meeting && renewed.elapsed() < RENEW_EVERY
        });
        if fresh || (before.is_none() && meeting.is_none()) {
            return Ok(());
        }
        drop(held);
        let me = Holder::of(holder);
        let before = before.map(|(m, _)| m);
        // A renewal reads nothing: the writer refuses it should someone else have taken
        // the minutes, and a read begun while another process syncs a long commit would
        // make this key wait. Otherwise only read: a session shown read-only asks again
        // with every key.
        let taken = match meeting {
            Some(wanted) if before == Some(wanted) => None,
            Some(wanted) => self.other_holder(me, wanted).unwrap_or_else(|e| {
                tracing::warn!(error = %e, "minutes lease not read");
                None
            }),
            None => None,
        };
        let wanted = if taken.is_some() { None } else { meeting };
        let answer = self.committer.submit_lease(LeaseWrite {
            holder: me,
            login: self.access().login.clone(),
            before,
            wanted,
        });
        let Ok(mut held) = self.leases.0.lock() else {
            return Ok(());
        };
        match (wanted, taken) {
            (Some(meeting), _) => {
                let renewed = Instant::now();
                let answer = Some(answer);
                held.insert(
                    holder,
                    Held {
                        meeting,
                        renewed,
                        answer,
                    },
                );
                Ok(())
            }
            (None, Some(login)) => {
                held.remove(&holder);
                Err(HeldBy { login })
            }
            (None, None) => {
                held.remove(&holder);
                Ok(())
            }
        }
    }

    /// Who, other than the App acting through this handle, holds the minutes of `meeting`
    /// now (`None` too when they cannot be read: the writer refuses what it must anyway).
    pub fn minutes_held_elsewhere(&self, meeting: MeetingId) -> Option<String> {
        let me = Holder::of(self.access().holder.unwrap_or(0));
        self.other_holder(me, meeting).ok().flatten()
    }

    /// The login of whoever other than `holder` holds an unexpired lease on `meeting`.
    fn other_holder(
        &self,
        holder: Holder,
        meeting: MeetingId,
    ) -> Result<Option<String>, StoreError> {
        let txn = self.db.begin_read()?;
        let table = match txn.open_table(LEASES) {
            Ok(table) => table,
            // A file from before leases were kept in it: nobody holds anything.
            Err(TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let now = now_ms();
        Ok(lease_in(&table, meeting)?
            .filter(|l| l.holder != holder && l.binds(now))
            .map(|l| l.login))
    }
}

impl super::Writer<'_> {
    /// Refuses a change to `meeting` through an App while another App, in this process or
    /// another, holds its minutes: a session shown the record read-only writes nothing.
    pub(super) fn require_lease(&self, meeting: MeetingId) -> Result<(), StoreError> {
        let Some(app) = self.access.holder else {
            return Ok(());
        };
        match lease_in(&self.leases, meeting)? {
            Some(lease) if lease.holder != Holder::of(app) && lease.binds(now_ms()) => {
                Err(StoreError::HeldBy { login: lease.login })
            }
            _ => Ok(()),
        }
    }
}

/// A lease change for the database's writer: let go of `before` (when it is not
/// `wanted`) and take or renew `wanted`.
pub(super) struct LeaseWrite {
    holder: Holder,
    login: String,
    before: Option<MeetingId>,
    wanted: Option<MeetingId>,
}

impl LeaseWrite {
    /// Carries the change out in `txn`. `Ok(Err(HeldBy))` when someone else took `wanted`
    /// meanwhile: `before` is let go all the same.
    pub(super) fn apply(&self, txn: &WriteTransaction) -> Result<Result<(), HeldBy>, StoreError> {
        let mut table = txn.open_table(LEASES)?;
        let letting_go = self.before.filter(|old| Some(*old) != self.wanted);
        if let Some(old) = letting_go
            && lease_in(&table, old)?.is_some_and(|l| l.holder == self.holder)
        {
            table.remove(old.0)?;
        }
        let Some(meeting) = self.wanted else {
            return Ok(Ok(()));
        };
        let now = now_ms();
        match lease_in(&table, meeting)? {
            Some(l) if l.holder != self.holder && l.binds(now) => {
                Ok(Err(HeldBy { login: l.login }))
            }
            _ => {
                let lease = Lease {
                    holder: self.holder,
                    login: self.login.clone(),
                    expires_ms: now + LEASE_TTL.as_millis() as u64,
                };
                table.insert(meeting.0, encode(&lease).as_slice())?;
                Ok(Ok(()))
            }
        }
    }
}

/// A lease the writer refused: someone else took the minutes first.
struct Lost {
    meeting: MeetingId,
    by: HeldBy,
}

/// Reads the writer's answer to `holder`'s last lease change, when it has come: a refusal
/// lets go of the lease held in memory and is returned.
fn take_answer(held: &mut HashMap<u64, Held>, holder: u64) -> Option<Lost> {
    let entry = held.get_mut(&holder)?;
    let answer = entry.answer.as_ref()?.try_recv();
    match answer {
        Err(std::sync::mpsc::TryRecvError::Empty) => None,
        Ok(Ok(Err(by))) => {
            let meeting = entry.meeting;
            held.remove(&holder);
            Some(Lost { meeting, by })
        }
        // A lease is a courtesy between editors: when the file cannot be written, the
        // draft and the journal still keep what is typed, so editing goes on.
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "minutes lease not written");
            entry.answer = None;
            None
        }
        Ok(Ok(Ok(()))) | Err(std::sync::mpsc::TryRecvError::Disconnected) => {
            entry.answer = None;
            None
        }
    }
}

/// The lease row of `meeting`, expired or not.
fn lease_in(
    table: &impl ReadableTable<u64, &'static [u8]>,
    meeting: MeetingId,
) -> Result<Option<Lease>, StoreError> {
    table
        .get(meeting.0)?
        .map(|row| decode(row.value()))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `hold_minutes`, its lease row written before the answer is looked at: what another
    /// App reads a moment later.
    fn hold(store: &Store, holder: u64, meeting: Option<MeetingId>) -> Result<(), HeldBy> {
        let answer = store.hold_minutes(holder, meeting);
        store.settle();
        answer
    }

    #[test]
    fn the_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("l.redb")).unwrap();
        let (a, b) = (new_holder(), new_holder());
        let m = Some(MeetingId(7));
        assert_eq!(hold(&store, a, m), Ok(()));
        assert_eq!(hold(&store, a, m), Ok(()), "renewed");
        assert!(hold(&store.clone(), b, m).is_err(), "shared by clones");
        assert_eq!(
            hold(&store, a, Some(MeetingId(8))),
            Ok(()),
            "moving on lets go"
        );
        assert_eq!(hold(&store, b, m), Ok(()));
        assert!(hold(&store, a, m).is_err());
        assert_eq!(hold(&store, b, None), Ok(()));
        assert_eq!(hold(&store, a, m), Ok(()));
    }

    /// Two `Store::open` of one file share nothing in memory: they stand for two processes.
    #[test]
    fn two_handles_on_one_file_see_each_others_leases() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.redb");
        let first = Store::open(&path).unwrap();
        let second = Store::open(&path).unwrap();
        let (a, b) = (new_holder(), new_holder());
        let m = Some(MeetingId(7));
        assert_eq!(hold(&first, a, m), Ok(()));
        assert_eq!(
            hold(&second, b, m),
            Err(HeldBy {
                login: first.access().login.clone()
            }),
            "the other handle's holder is named"
        );
        assert_eq!(hold(&second, b, Some(MeetingId(9))), Ok(()));
        assert!(hold(&first, a, Some(MeetingId(9))).is_err());
        // Letting go through one handle frees the minutes for the other at once.
        assert_eq!(hold(&first, a, None), Ok(()));
        assert_eq!(hold(&second, b, m), Ok(()));
        assert!(hold(&first, a, m).is_err());
    }

    #[test]
    fn an_expired_lease_is_ignored_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.redb");
        let first = Store::open(&path).unwrap();
        let second = Store::open(&path).unwrap();
        let (a, b) = (new_holder(), new_holder());
        let m = MeetingId(7);
        assert_eq!(hold(&first, a, Some(m)), Ok(()));
        // The first holder's process vanished long ago: its row ran out.
        let txn = first.db.begin_write().unwrap();
        {
            let mut table = txn.open_table(LEASES).unwrap();
            let mut lease: Lease = decode(table.get(m.0).unwrap().unwrap().value()).unwrap();
            lease.expires_ms = now_ms() - 1;
            table.insert(m.0, encode(&lease).as_slice()).unwrap();
        }
        txn.commit().unwrap();
        assert_eq!(hold(&second, b, Some(m)), Ok(()));
        let read = second.db.begin_read().unwrap();
        let row: Lease = decode(
            read.open_table(LEASES)
                .unwrap()
                .get(m.0)
                .unwrap()
                .unwrap()
                .value(),
        )
        .unwrap();
        assert_eq!(row.holder, Holder::of(b));
        assert!(row.expires_ms > now_ms() + LEASE_TTL.as_millis() as u64 / 2);
    }

    #[test]
    fn renewals_between_keys_write_nothing_until_one_is_due() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("l.redb")).unwrap();
        let a = new_holder();
        let m = Some(MeetingId(7));
        assert_eq!(hold(&store, a, m), Ok(()));
        let expiry = |store: &Store| -> u64 {
            let read = store.db.begin_read().unwrap();
            let table = read.open_table(LEASES).unwrap();
            decode::<Lease>(table.get(7).unwrap().unwrap().value())
                .unwrap()
                .expires_ms
        };
        let written = expiry(&store);
        std::thread::sleep(Duration::from_millis(20));
        for _ in 0..100 {
            assert_eq!(store.hold_minutes(a, m), Ok(()));
        }
        store.settle();
        assert_eq!(expiry(&store), written, "no commit per key");
        // Once a renewal is due, the next key writes it.
        if let Ok(mut held) = store.leases.0.lock() {
            held.get_mut(&a).unwrap().renewed = Instant::now().checked_sub(RENEW_EVERY).unwrap();
        }
        assert_eq!(hold(&store, a, m), Ok(()));
        assert!(expiry(&store) > written);
    }

    #[test]
    fn lease_rows_are_not_data_to_check() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("l.redb")).unwrap();
        assert_eq!(hold(&store, new_holder(), Some(MeetingId(7))), Ok(()));
        let problems = super::super::check::run(&store.read().unwrap()).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
    }

    /// Two Apps asking in the same moment are both answered from what they read; the
    /// writer gives the minutes to the first, and the second hears so at its next key.
    #[test]
    fn the_app_that_loses_a_race_for_the_minutes_hears_it_at_its_next_key() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("l.redb")).unwrap();
        let (a, b) = (new_holder(), new_holder());
        let m = Some(MeetingId(7));
        assert_eq!(store.hold_minutes(a, m), Ok(()));
        assert_eq!(store.hold_minutes(b, m), Ok(()), "nothing written yet");
        store.settle();
        assert_eq!(store.hold_minutes(a, m), Ok(()));
        assert!(store.hold_minutes(b, m).is_err(), "the writer refused b");
    }

    /// Through an App's handle, a meeting whose minutes another App holds cannot be changed:
    /// not its draft, not its roll; the holder's own handle and a command line can.
    #[test]
    fn the_store_refuses_changes_to_minutes_another_app_holds() {
        use crate::domain::Draft;
        use crate::store::testkit::{held_meetings, sample};
        use crate::store::{Command, RollChange};
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        let day = crate::domain::date::parse_iso("2026-11-01").unwrap();
        let m = held_meetings(&store, 1)[0];
        let (a, b) = (new_holder(), new_holder());
        assert_eq!(hold(&store, a, Some(m)), Ok(()));
        let draft = |by: &str| Command::SaveDraft {
            meeting: m,
            draft: Draft {
                text: format!("của {by}"),
                saved_at: store.clock().now(),
                by: by.into(),
            },
        };
        let mark = Command::ChangeRoll {
            meeting: m,
            change: RollChange::RestPresent,
            today: day,
        };
        let other = store.for_holder(b);
        for refused in [other.run(draft("b")), other.run(mark.clone())] {
            assert!(
                matches!(refused, Err(StoreError::HeldBy { .. })),
                "{refused:?}"
            );
        }
        assert!(store.read().unwrap().draft(m).unwrap().is_none());
        store.for_holder(a).run(draft("a")).unwrap();
        store.run(mark).unwrap();
        assert_eq!(hold(&store, a, None), Ok(()));
        other.run(draft("b")).unwrap();
    }
}
