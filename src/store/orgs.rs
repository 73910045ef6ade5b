//! The organisation tree's changes as commands: add, rename, dissolve. Each reads what it
//! changes as stored now (a form may have been open a while), checks the domain's rules and
//! answers with the organisation as written or a typed refusal for the screen to word.

use chrono::NaiveDate;

use super::StoreError;
use super::query::Writer;
use crate::domain::edit::{check_depth, check_move, check_placement, dissolve};
use crate::domain::{OrgId, OrgUnit};

impl Writer<'_> {
    /// Adds `draft` (its id is given here) under its parent as it is now: refused when its
    /// code is taken, its parent is gone, or its kind may not sit there.
    pub fn add_org(&mut self, draft: OrgUnit) -> Result<OrgUnit, StoreError> {
        if let Some(holder) = self.org_by_code(&draft.code)? {
            return Err(StoreError::CodeTaken {
                code: draft.code,
                holder: holder.name,
            });
        }
        let parent = match draft.parent {
            Some(id) => Some(self.existing_org(id)?),
            None => None,
        };
        check_placement(draft.kind, parent.as_ref())?;
        if let Some(parent) = &parent {
            check_depth(self.level_of(parent.id)? + 1)?;
        }
        let org = OrgUnit {
            id: self.new_org_id()?,
            ..draft
        };
        self.put_org(&org)?;
        Ok(org)
    }

    /// Gives `id` a new name (its code stays); answers the organisation and its old name.
    pub fn rename_org(&mut self, id: OrgId, name: String) -> Result<(OrgUnit, String), StoreError> {
        let mut org = self.existing_org(id)?;
        let old = std::mem::replace(&mut org.name, name);
        self.put_org(&org)?;
        Ok((org, old))
    }

    /// Marks `id` dissolved `on` that day; nothing is deleted.
    pub fn dissolve_org(&mut self, id: OrgId, on: NaiveDate) -> Result<OrgUnit, StoreError> {
        let org = dissolve(&self.existing_org(id)?, on)?;
        self.put_org(&org)?;
        Ok(org)
    }

    /// Moves `id` under `target`, both as they are now: refused when it is there already,
    /// or the move breaks a rule of the tree (into its own subtree, under a kind it may not
    /// sit under, deeper than the tree may be). One `put_org` carries the subtree's totals along; members and meetings
    /// point at the organisation, so they move with it. Answers the organisation and its
    /// new parent.
    pub fn move_org(&mut self, id: OrgId, target: OrgId) -> Result<(OrgUnit, OrgUnit), StoreError> {
        let mut org = self.existing_org(id)?;
        let target = self.existing_org(target)?;
        if org.parent == Some(target.id) {
            return Err(StoreError::AlreadyUnder(target.name));
        }
        check_move(&org, &target, &self.ancestors(target.id)?)?;
        check_depth(self.level_of(target.id)? + self.height_of(org.id)?)?;
        org.parent = Some(target.id);
        self.put_org(&org)?;
        Ok((org, target))
    }

    fn existing_org(&self, id: OrgId) -> Result<OrgUnit, StoreError> {
        self.org(id)?.ok_or(StoreError::OrgGone(id))
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::date::parse_iso;
    use crate::domain::edit::EditError;
    use crate::domain::{OrgId, OrgKind};
    use crate::store::StoreError;
    use crate::store::testkit::{org, sample};

    #[test]
    fn the_tree_changes_by_commands_that_say_why_they_refuse() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        let day = parse_iso("2026-12-01").unwrap();
        let k3 = org(0, "QN.HG.K3", OrgKind::Branch, Some(2));
        let added = store.write(|w| w.add_org(k3.clone())).unwrap();
        assert_eq!(
            store.read().unwrap().org_id("QN.HG.K3").unwrap(),
            Some(added.id)
        );

        let again = store.write(|w| w.add_org(k3.clone()));
        assert!(matches!(
            again,
            Err(StoreError::CodeTaken { ref code, ref holder })
                if code == "QN.HG.K3" && holder == "Tổ chức QN.HG.K3"
        ));
        let orphan = org(0, "QN.X", OrgKind::Branch, Some(99));
        assert!(matches!(
            store.write(|w| w.add_org(orphan)),
            Err(StoreError::OrgGone(OrgId(99)))
        ));
        let misplaced = org(0, "QN.HG.K2.P", OrgKind::ProvincialCommittee, Some(3));
        assert!(matches!(
            store.write(|w| w.add_org(misplaced)),
            Err(StoreError::Rule(EditError::CannotSitUnder { .. }))
        ));

        let (renamed, old) = store
            .write(|w| w.rename_org(added.id, "Chi bộ khu 3 mới".into()))
            .unwrap();
        assert_eq!(
            (renamed.name.as_str(), old.as_str()),
            ("Chi bộ khu 3 mới", "Tổ chức QN.HG.K3")
        );
        let dissolved = store.write(|w| w.dissolve_org(added.id, day)).unwrap();
        assert_eq!(dissolved.dissolved, Some(day));
        assert!(matches!(
            store.write(|w| w.dissolve_org(added.id, day)),
            Err(StoreError::Rule(EditError::AlreadyDissolved(_)))
        ));
    }
}
