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

use redb::{ReadableDatabase, ReadableTable, TableError};
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

/// What a holder of this process last wrote: the meeting and when.
struct Held {
    meeting: MeetingId,
    renewed: Instant,
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
    pub fn hold_minutes(&self, holder: u64, meeting: Option<MeetingId>) -> Result<(), HeldBy> {
        let before = match self.leases.0.lock() {
            Ok(held) => held.get(&holder).map(|h| (h.meeting, h.renewed)),
            Err(_) => return Ok(()),
        };
        let fresh = before.is_some_and(|(held, renewed)| {
            Some(held) == meeting && renewed.elapsed() < RENEW_EVERY
        });
        if fresh || (before.is_none() && meeting.is_none()) {
            return Ok(());
        }
        // The lock is not held across the commit: other sessions' keys must not wait on it.
        let outcome = self.write_lease(Holder::of(holder), before.map(|(m, _)| m), meeting);
        let Ok(mut held) = self.leases.0.lock() else {
            return Ok(());
        };
        match outcome {
            Ok(Ok(())) => {
                held.remove(&holder);
                if let Some(meeting) = meeting {
                    let renewed = Instant::now();
                    held.insert(holder, Held { meeting, renewed });
                }
                Ok(())
            }
            Ok(Err(by)) => {
                held.remove(&holder);
                Err(by)
            }
            // A lease is a courtesy between editors: when the file cannot be written, the
            // draft still keeps what is typed, so editing goes on.
            Err(e) => {
                tracing::warn!(error = %e, "minutes lease not written");
                Ok(())
            }
        }
    }

    /// Lets go of `before` (when it is not `wanted`) and takes or renews `wanted`, in one
    /// transaction. `Ok(Err(HeldBy))` when someone else holds `wanted`: then `before` is let
    /// go all the same, and nothing is written when there is nothing to let go.
    fn write_lease(
        &self,
        holder: Holder,
        before: Option<MeetingId>,
        wanted: Option<MeetingId>,
    ) -> Result<Result<(), HeldBy>, StoreError> {
        let letting_go = before.filter(|old| Some(*old) != wanted);
        if letting_go.is_none()
            && let Some(meeting) = wanted
            && let Some(login) = self.other_holder(holder, meeting)?
        {
            // Only read: a session shown read-only asks again with every key.
            return Ok(Err(HeldBy { login }));
        }
        let txn = self.db.begin_write()?;
        let outcome = {
            let mut table = txn.open_table(LEASES)?;
            if let Some(old) = letting_go
                && lease_in(&table, old)?.is_some_and(|l| l.holder == holder)
            {
                table.remove(old.0)?;
            }
            let now = now_ms();
            match wanted {
                None => Ok(()),
                Some(meeting) => match lease_in(&table, meeting)? {
                    Some(l) if l.holder != holder && l.expires_ms > now => {
                        Err(HeldBy { login: l.login })
                    }
                    _ => {
                        let lease = Lease {
                            holder,
                            login: self.access().login.clone(),
                            expires_ms: now + LEASE_TTL.as_millis() as u64,
                        };
                        table.insert(meeting.0, encode(&lease).as_slice())?;
                        Ok(())
                    }
                },
            }
        };
        // Not `changed()`: a lease is not data, and the screens need not read again.
        txn.commit()?;
        Ok(outcome)
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
            .filter(|l| l.holder != holder && l.expires_ms > now)
            .map(|l| l.login))
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

    #[test]
    fn the_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("l.redb")).unwrap();
        let (a, b) = (new_holder(), new_holder());
        let m = Some(MeetingId(7));
        assert_eq!(store.hold_minutes(a, m), Ok(()));
        assert_eq!(store.hold_minutes(a, m), Ok(()), "renewed");
        assert!(
            store.clone().hold_minutes(b, m).is_err(),
            "shared by clones"
        );
        assert_eq!(
            store.hold_minutes(a, Some(MeetingId(8))),
            Ok(()),
            "moving on lets go"
        );
        assert_eq!(store.hold_minutes(b, m), Ok(()));
        assert!(store.hold_minutes(a, m).is_err());
        assert_eq!(store.hold_minutes(b, None), Ok(()));
        assert_eq!(store.hold_minutes(a, m), Ok(()));
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
        assert_eq!(first.hold_minutes(a, m), Ok(()));
        assert_eq!(
            second.hold_minutes(b, m),
            Err(HeldBy {
                login: first.access().login.clone()
            }),
            "the other handle's holder is named"
        );
        assert_eq!(second.hold_minutes(b, Some(MeetingId(9))), Ok(()));
        assert!(first.hold_minutes(a, Some(MeetingId(9))).is_err());
        // Letting go through one handle frees the minutes for the other at once.
        assert_eq!(first.hold_minutes(a, None), Ok(()));
        assert_eq!(second.hold_minutes(b, m), Ok(()));
        assert!(first.hold_minutes(a, m).is_err());
    }

    #[test]
    fn an_expired_lease_is_ignored_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.redb");
        let first = Store::open(&path).unwrap();
        let second = Store::open(&path).unwrap();
        let (a, b) = (new_holder(), new_holder());
        let m = MeetingId(7);
        assert_eq!(first.hold_minutes(a, Some(m)), Ok(()));
        // The first holder's process vanished long ago: its row ran out.
        let txn = first.db.begin_write().unwrap();
        {
            let mut table = txn.open_table(LEASES).unwrap();
            let mut lease: Lease = decode(table.get(m.0).unwrap().unwrap().value()).unwrap();
            lease.expires_ms = now_ms() - 1;
            table.insert(m.0, encode(&lease).as_slice()).unwrap();
        }
        txn.commit().unwrap();
        assert_eq!(second.hold_minutes(b, Some(m)), Ok(()));
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
        assert_eq!(store.hold_minutes(a, m), Ok(()));
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
        assert_eq!(expiry(&store), written, "no commit per key");
        // Once a renewal is due, the next key writes it.
        if let Ok(mut held) = store.leases.0.lock() {
            held.get_mut(&a).unwrap().renewed = Instant::now().checked_sub(RENEW_EVERY).unwrap();
        }
        assert_eq!(store.hold_minutes(a, m), Ok(()));
        assert!(expiry(&store) > written);
    }

    #[test]
    fn lease_rows_are_not_data_to_check() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("l.redb")).unwrap();
        assert_eq!(store.hold_minutes(new_holder(), Some(MeetingId(7))), Ok(()));
        let problems = super::super::check::run(&store.read().unwrap()).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
    }
}
