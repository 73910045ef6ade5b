//! Who is acting through a `Store` handle, and what they may see and change. A handle made
//! by `Store::as_user` carries a user's role and scope; every `Reader` and `Writer` it opens
//! checks ids against that scope, so a session cannot reach outside its subtree whatever
//! the screen asks for. A handle from `Store::open` acts for the local OS user as admin.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use redb::ReadableTable;

use super::StoreError;
use super::codec::decode;
use crate::domain::{OrgId, OrgUnit, User, UserRole};

/// The acting user of a store handle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub login: String,
    pub role: UserRole,
    /// The root of the subtree this user may see; `None` is the whole tree.
    pub scope: Option<OrgId>,
    /// The App acting through this handle (see `store::leases`): a meeting whose minutes
    /// another App holds may not be changed through it. `None` — a command line, an
    /// import — is held to no lease.
    pub holder: Option<u64>,
}

impl Access {
    /// The person at the local terminal: every right over the whole tree.
    pub fn local(login: String) -> Access {
        Access {
            login,
            role: UserRole::Admin,
            scope: None,
            holder: None,
        }
    }

    pub fn of(user: &User) -> Access {
        Access {
            login: user.login.clone(),
            role: user.role,
            scope: user.scope,
            holder: None,
        }
    }
}

/// The login of the person running chibo on this machine: who a local handle acts for, and
/// who a local App names on what it approves. `USER`, else `LOGNAME`, else the name the
/// system gives the process's user; "local" only when none of them is known.
pub fn local_user() -> String {
    let from_env = |name: &str| {
        std::env::var(name)
            .ok()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    from_env("USER")
        .or_else(|| from_env("LOGNAME"))
        .or_else(system_login)
        .unwrap_or_else(|| "local".to_string())
}

/// The login of the process's effective user in the system's user database.
#[cfg(unix)]
fn system_login() -> Option<String> {
    let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    let mut buffer = vec![0 as libc::c_char; 4096];
    // SAFETY: getpwuid_r writes only into `entry` and `buffer`, whose sizes it is given, and
    // sets `found` to `&entry` or null; the name is read before either goes away.
    unsafe {
        let status = libc::getpwuid_r(
            libc::geteuid(),
            &mut entry,
            buffer.as_mut_ptr(),
            buffer.len(),
            &mut found,
        );
        if status != 0 || found.is_null() || entry.pw_name.is_null() {
            return None;
        }
        let name = std::ffi::CStr::from_ptr(entry.pw_name).to_string_lossy();
        let name = name.trim();
        (!name.is_empty()).then(|| name.to_string())
    }
}

#[cfg(not(unix))]
fn system_login() -> Option<String> {
    None
}

/// Whether each org id seen in one transaction lies inside the scope: a walk up the
/// parents, remembered so that a screenful of rows costs one walk per distinct org. Behind
/// a mutex, not a cell, so that one reader may be read from two threads (`chibo check`).
#[derive(Default)]
pub(super) struct ScopeCache(Mutex<HashMap<u64, bool>>);

impl ScopeCache {
    /// Whether `id` is `scope` or below it, reading parents through `orgs`.
    pub(super) fn contains(
        &self,
        scope: Option<OrgId>,
        id: u64,
        orgs: &impl ReadableTable<u64, &'static [u8]>,
    ) -> Result<bool, StoreError> {
        let Some(root) = scope else {
            return Ok(true);
        };
        if let Some(known) = self.known(id) {
            return Ok(known);
        }
        let mut walked = Vec::new();
        let mut next = Some(id);
        let mut inside = false;
        // The store refuses parent cycles; the step bound only guards a damaged file.
        for _ in 0..64 {
            let Some(at) = next else { break };
            if at == root.0 {
                inside = true;
                break;
            }
            if let Some(known) = self.known(at) {
                inside = known;
                break;
            }
            walked.push(at);
            next = match orgs.get(at)? {
                Some(g) => decode::<OrgUnit>(g.value())?.parent.map(|p| p.0),
                None => None,
            };
        }
        let mut cache = self.lock();
        for at in walked {
            cache.insert(at, inside);
        }
        Ok(inside)
    }

    fn known(&self, id: u64) -> Option<bool> {
        self.lock().get(&id).copied()
    }

    /// The map, even if a thread panicked while holding it: each answer in it was right
    /// when put in, so what it holds stays right.
    fn lock(&self) -> MutexGuard<'_, HashMap<u64, bool>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The refusal when `allowed` is false.
pub(super) fn require(allowed: bool, access: &Access) -> Result<(), StoreError> {
    if allowed {
        Ok(())
    } else {
        Err(StoreError::NotAllowed {
            login: access.login.clone(),
            role: access.role,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::MeetingKind;
    use crate::domain::YearMonth;
    use crate::store::testkit::{member, org, sample};
    use crate::store::{Store, StoreError};

    fn ym(year: i32, month: u32) -> YearMonth {
        YearMonth::new(year, month).unwrap()
    }

    fn user(role: UserRole, scope: Option<u64>) -> User {
        User {
            login: "bt".into(),
            role,
            scope: scope.map(OrgId),
            keys: vec![],
            name: None,
        }
    }

    /// The sample with a second ward `QN.CL` (4) and its branch `QN.CL.K1` (5).
    fn two_wards(dir: &std::path::Path) -> Store {
        let store = sample(dir);
        store
            .write(|w| {
                w.put_org(&org(
                    4,
                    "QN.CL",
                    crate::domain::OrgKind::GrassrootsCommittee,
                    Some(1),
                ))?;
                w.put_org(&org(5, "QN.CL.K1", crate::domain::OrgKind::Branch, Some(4)))?;
                w.put_member(&member(2, "48999999", "Nguyễn Văn Đông", 5))?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        store
    }

    #[test]
    fn a_secretary_scoped_to_one_ward_sees_nothing_outside_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = two_wards(dir.path()).as_user(&user(UserRole::Secretary, Some(2)));
        let r = store.read().unwrap();
        let roots: Vec<_> = r
            .children(None, 0, 10)
            .unwrap()
            .into_iter()
            .map(|o| o.code)
            .collect();
        assert_eq!(roots, ["QN.HG"], "the scope root is the top of the tree");
        assert_eq!(r.child_count(None).unwrap(), 1);
        assert!(
            r.search_members("nguyen", 10).unwrap().is_empty(),
            "no names from the other ward"
        );
        assert_eq!(r.search_members("pham", 10).unwrap().len(), 1);
        assert!(
            r.search_orgs("to chuc", 10)
                .unwrap()
                .iter()
                .all(|o| o.code.starts_with("QN.HG"))
        );
        assert!(matches!(
            r.members_of(OrgId(5), 0, 10),
            Err(StoreError::OutOfScope)
        ));
        assert!(
            matches!(r.org_totals(OrgId(1)), Err(StoreError::OutOfScope)),
            "no counts above the scope"
        );
        assert!(matches!(
            r.month_stats(OrgId(1), ym(2026, 11)),
            Err(StoreError::OutOfScope)
        ));
        assert!(r.count_month(OrgId(1), ym(2026, 11)).is_err());
        assert!(matches!(
            r.member_count_of(OrgId(5)),
            Err(StoreError::OutOfScope)
        ));
        assert!(matches!(
            r.children(Some(OrgId(1)), 0, 10),
            Err(StoreError::OutOfScope)
        ));
        let above: Vec<_> = r
            .ancestors(OrgId(3))
            .unwrap()
            .into_iter()
            .map(|o| o.code)
            .collect();
        assert_eq!(above, ["QN.HG"], "no names above the scope");
        drop(r);
        let outside = crate::domain::Meeting::new(
            crate::domain::MeetingId(1),
            OrgId(5),
            MeetingKind::Regular,
            crate::domain::date::parse_iso("2026-11-05").unwrap(),
            crate::domain::MeetingState::Planned,
        );
        let refused = store.write(|w| w.put_meeting(&outside));
        assert!(
            matches!(refused, Err(StoreError::OutOfScope)),
            "{refused:?}"
        );
        let inside = crate::domain::Meeting {
            org: OrgId(3),
            ..outside
        };
        store.write(|w| w.put_meeting(&inside)).unwrap();
    }

    #[test]
    fn the_system_names_the_local_user() {
        // A container may run as a user the system has no name for: then nothing is said.
        if let Some(login) = system_login() {
            assert!(!login.trim().is_empty());
        }
        assert!(!local_user().trim().is_empty());
    }

    #[test]
    fn a_viewer_cannot_write_and_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let store = two_wards(dir.path()).as_user(&user(UserRole::Viewer, None));
        let refused = store.write(|w| w.put_member(&member(1, "48123456", "Phạm Ngọc Đường", 3)));
        let Err(e) = refused else {
            panic!("a viewer wrote")
        };
        assert!(matches!(e, StoreError::NotAllowed { .. }));
        assert!(
            e.message(crate::domain::Lang::Vi)
                .contains("không có quyền")
        );
        assert!(
            e.message(crate::domain::Lang::En)
                .contains("may not change")
        );
        // Reading is what a viewer is for.
        assert_eq!(
            store.read().unwrap().children(None, 0, 10).unwrap().len(),
            1
        );
        assert!(
            store.put_user(&user(UserRole::Viewer, None)).is_err(),
            "nor manage users"
        );
    }
}
