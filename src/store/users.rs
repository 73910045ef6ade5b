//! chibo's own users: who may sign in to `chibo serve`, with which keys, role and scope.
//! Kept in the `users` table; no system accounts and no passwords.

use redb::{ReadableTable, TableError};

use super::codec::{decode, encode};
use super::tables::USERS;
use super::{Store, StoreError};
use crate::domain::User;

impl Store {
    /// Every user, by login.
    pub fn users(&self) -> Result<Vec<User>, StoreError> {
        let txn = self.db.begin_read()?;
        let table = match txn.open_table(USERS) {
            Ok(table) => table,
            // A file written before users existed: nobody is registered yet.
            Err(TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut out = Vec::new();
        for row in table.iter()? {
            out.push(decode(row?.1.value())?);
        }
        Ok(out)
    }

    /// The user signing in as `login`, if registered.
    pub fn user(&self, login: &str) -> Result<Option<User>, StoreError> {
        // Asked at every sign-in, outside any session: a damaged page is an error here.
        super::guarded_store(|| {
            let txn = self.db.begin_read()?;
            let table = match txn.open_table(USERS) {
                Ok(table) => table,
                Err(TableError::TableDoesNotExist(_)) => return Ok(None),
                Err(e) => return Err(e.into()),
            };
            table.get(login)?.map(|g| decode(g.value())).transpose()
        })
    }

    /// Adds or replaces a user (managing users is an admin's work; the CLI runs as one).
    pub fn put_user(&self, user: &User) -> Result<(), StoreError> {
        self.refuse_unless(self.access().role.manages_users())?;
        let txn = self.db.begin_write()?;
        txn.open_table(USERS)?
            .insert(user.login.as_str(), encode(user).as_slice())?;
        let note = format!("{} ({}, {} keys)", user.login, user.role, user.keys.len());
        super::audit::append(
            &txn,
            &self.access().login,
            self.clock().now(),
            super::audit::Note {
                kind: "user",
                subject: note,
                org: user.scope,
                count: 1,
            }
            .into(),
        )?;
        self.db.commit(txn)?;
        self.changed();
        Ok(())
    }

    /// Removes a user; false when there was none by that login.
    pub fn remove_user(&self, login: &str) -> Result<bool, StoreError> {
        self.refuse_unless(self.access().role.manages_users())?;
        let txn = self.db.begin_write()?;
        let removed = txn.open_table(USERS)?.remove(login)?.is_some();
        if removed {
            let note = super::audit::Note {
                kind: "user removed",
                subject: login.to_string(),
                org: None,
                count: 1,
            };
            super::audit::append(&txn, &self.access().login, self.clock().now(), note.into())?;
        }
        self.db.commit(txn)?;
        self.changed();
        Ok(removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{PublicKey, UserRole};

    #[test]
    fn users_are_added_found_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("u.redb")).unwrap();
        assert!(store.users().unwrap().is_empty());
        let user = User {
            login: "lan".into(),
            role: UserRole::Secretary,
            scope: None,
            keys: vec![
                PublicKey::parse("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHd3d3d3 lan").unwrap(),
            ],
            name: Some("Nguyễn Thị Lan".into()),
        };
        store.put_user(&user).unwrap();
        assert_eq!(store.user("lan").unwrap(), Some(user));
        assert_eq!(store.users().unwrap().len(), 1);
        assert!(store.remove_user("lan").unwrap());
        assert!(!store.remove_user("lan").unwrap());
        assert_eq!(store.user("lan").unwrap(), None);
    }
}
