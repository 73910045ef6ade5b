//! Who is acting through a `Store` handle, and what they may see and change. A handle made
//! by `Store::as_user` carries a user's role and scope; every `Reader` and `Writer` it opens
//! checks ids against that scope, so a session cannot reach outside its subtree whatever
//! the screen asks for. A handle from `Store::open` acts for the local OS user as admin.

use std::cell::RefCell;
use std::collections::HashMap;

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
}

impl Access {
    /// The person at the local terminal: every right over the whole tree.
    pub fn local(login: String) -> Access {
        Access {
            login,
            role: UserRole::Admin,
            scope: None,
        }
    }

    pub fn of(user: &User) -> Access {
        Access {
            login: user.login.clone(),
            role: user.role,
            scope: user.scope,
        }
    }
}

/// Whether each org id seen in one transaction lies inside the scope: a walk up the
/// parents, remembered so that a screenful of rows costs one walk per distinct org.
#[derive(Default)]
pub(super) struct ScopeCache(RefCell<HashMap<u64, bool>>);

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
        if let Some(known) = self.0.borrow().get(&id) {
            return Ok(*known);
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
            if let Some(known) = self.0.borrow().get(&at) {
                inside = *known;
                break;
            }
            walked.push(at);
            next = match orgs.get(at)? {
                Some(g) => decode::<OrgUnit>(g.value())?.parent.map(|p| p.0),
                None => None,
            };
        }
        let mut cache = self.0.borrow_mut();
        for at in walked {
            cache.insert(at, inside);
        }
        Ok(inside)
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
