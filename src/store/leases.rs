//! Leases on minutes being edited: two sessions of one server on one meeting's minutes —
//! the first edits, the second reads until the first lets go. A lease lives in memory,
//! shared by every clone of a `Store`, and expires when its holder stops renewing it (a
//! session that vanished), so nothing is ever locked for good.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::Store;
use crate::domain::MeetingId;

/// How long a lease outlives its holder's last sign of life.
pub const LEASE_TTL: Duration = Duration::from_secs(20);

struct Lease {
    holder: u64,
    login: String,
    expires: Instant,
}

/// The leases of one process, by meeting id.
#[derive(Default)]
pub struct Leases(Mutex<HashMap<u64, Lease>>);

/// A fresh holder id, one per App.
pub fn new_holder() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Store {
    /// Makes `holder` hold the minutes of `meeting` (taking or renewing the lease) and
    /// nothing else it held before; `None` lets go of everything. `Err(login)` when
    /// someone else holds `meeting`.
    pub fn hold_minutes(&self, holder: u64, meeting: Option<MeetingId>) -> Result<(), String> {
        let now = Instant::now();
        let Ok(mut leases) = self.leases.0.lock() else {
            return Ok(());
        };
        leases.retain(|id, l| {
            l.expires > now && (l.holder != holder || Some(*id) == meeting.map(|m| m.0))
        });
        let Some(meeting) = meeting else {
            return Ok(());
        };
        match leases.get_mut(&meeting.0) {
            Some(lease) if lease.holder != holder => Err(lease.login.clone()),
            Some(lease) => {
                lease.expires = now + LEASE_TTL;
                Ok(())
            }
            None => {
                let lease = Lease {
                    holder,
                    login: self.access().login.clone(),
                    expires: now + LEASE_TTL,
                };
                leases.insert(meeting.0, lease);
                Ok(())
            }
        }
    }
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
}
