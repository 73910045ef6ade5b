//! Where each person last was in the app (`places`): kept when an App ends, read when the
//! next one starts, so a plain `chibo` or a new SSH session opens there again. A
//! convenience, not data: a place never fails a start, and keeping one is audited as
//! nothing.

use redb::TableError;

use super::codec::{decode, encode};
use super::query::Writer;
use super::tables::PLACES;
use super::{Store, StoreError};
use crate::domain::{Place, PlaceScreen};

impl Store {
    /// Where the acting user last was, when it can still be shown to them: the organisation
    /// is there and inside their scope, and a meeting named is still there. `None` when no
    /// place was kept, or it cannot.
    pub fn place(&self) -> Result<Option<Place>, StoreError> {
        let stored: Option<Place> = {
            let txn = self.db.begin_read()?;
            let table = match txn.open_table(PLACES) {
                Ok(table) => table,
                // A file no chibo has kept a place in yet, opened read-only.
                Err(TableError::TableDoesNotExist(_)) => return Ok(None),
                Err(e) => return Err(e.into()),
            };
            let login = self.access().login.as_str();
            table.get(login)?.map(|g| decode(g.value())).transpose()?
        };
        let Some(mut place) = stored else {
            return Ok(None);
        };
        let reader = self.read()?;
        if reader.org(place.org)?.is_none() {
            return Ok(None);
        }
        if let PlaceScreen::Record(meeting) = place.screen {
            let there = reader.meeting(meeting).ok().flatten();
            if there.is_none_or(|m| m.org != place.org) {
                place.screen = PlaceScreen::Meetings;
            }
        }
        Ok(Some(place))
    }
}

impl Writer<'_> {
    /// Keeps `place` as where the acting user last was, replacing the one kept before.
    /// Anyone may keep their own place, a viewer too; it must lie inside their scope.
    pub fn remember_place(&mut self, place: Place) -> Result<Place, StoreError> {
        self.require_scope(place.org)?;
        let login = self.access.login.clone();
        self.places
            .insert(login.as_str(), encode(&place).as_slice())?;
        Ok(place)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{MeetingId, OrgId, User, UserRole};
    use crate::store::Command;
    use crate::store::testkit::sample;

    fn user(login: &str, role: UserRole, scope: u64) -> User {
        User {
            login: login.into(),
            role,
            scope: Some(OrgId(scope)),
            keys: vec![],
            name: None,
        }
    }

    #[test]
    fn each_login_keeps_its_own_place_and_a_place_out_of_reach_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        assert_eq!(store.place().unwrap(), None, "nowhere kept yet");
        let audited = store.audit_trail().unwrap().len();

        let branch = Place {
            org: OrgId(3),
            screen: PlaceScreen::Dashboard,
        };
        let kept = store.run(Command::RememberPlace(branch)).unwrap();
        assert_eq!(kept.into_place().unwrap(), branch);
        assert_eq!(store.place().unwrap(), Some(branch));

        // A viewer keeps a place of their own, and does not see the admin's.
        let viewer = store.as_user(&user("xem", UserRole::Viewer, 2));
        assert_eq!(viewer.place().unwrap(), None);
        let ward = Place {
            org: OrgId(2),
            screen: PlaceScreen::Tree,
        };
        viewer.run(Command::RememberPlace(ward)).unwrap();
        assert_eq!(viewer.place().unwrap(), Some(ward));
        assert_eq!(store.place().unwrap(), Some(branch));

        // Nobody keeps a place outside their scope.
        let outside = Place {
            org: OrgId(1),
            screen: PlaceScreen::Tree,
        };
        let refused = viewer.run(Command::RememberPlace(outside));
        assert!(
            matches!(refused, Err(StoreError::OutOfScope)),
            "{refused:?}"
        );

        // The same login held to a smaller scope later: a place above it is not offered.
        let narrowed = store.as_user(&user("xem", UserRole::Viewer, 3));
        assert_eq!(narrowed.place().unwrap(), None);

        // A meeting no longer there leaves its organisation's meetings.
        let gone = Place {
            org: OrgId(3),
            screen: PlaceScreen::Record(MeetingId(999)),
        };
        store.run(Command::RememberPlace(gone)).unwrap();
        let found = store.place().unwrap().unwrap();
        assert_eq!(found.screen, PlaceScreen::Meetings);
        assert_eq!(
            store.audit_trail().unwrap().len(),
            audited,
            "places are not audited"
        );
    }
}
