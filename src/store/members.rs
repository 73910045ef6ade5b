//! A member's record changed as commands: added or edited from a form, a status recorded.
//! Each reads the record as stored now and answers the member as written or a typed refusal.

use super::StoreError;
use super::query::Writer;
use crate::domain::edit::{check_member_history, check_status_change};
use crate::domain::{Member, MemberId, StatusChange};

impl Writer<'_> {
    /// Adds `draft` as a new member (its id is given here), or, with `id`, saves it over that
    /// member's record, keeping the history and former branches as stored. Refused when the
    /// party card belongs to someone else, the member is gone or moved meanwhile, or the
    /// dates of birth and admission would leave a status or a transfer before the member
    /// existed.
    pub fn save_member(
        &mut self,
        id: Option<MemberId>,
        draft: Member,
    ) -> Result<Member, StoreError> {
        if let Some(holder) = self
            .member_by_card(&draft.card)?
            .filter(|holder| Some(holder.id) != id)
        {
            return Err(StoreError::CardTaken {
                card: draft.card,
                holder: holder.name,
            });
        }
        let member = match id {
            None => Member {
                id: self.new_member_id()?,
                ..draft
            },
            Some(id) => {
                let stored = self.existing_member(id)?;
                if stored.org != draft.org {
                    return Err(StoreError::MemberGone(id));
                }
                Member {
                    former_orgs: stored.former_orgs,
                    history: stored.history,
                    ..draft
                }
            }
        };
        check_member_history(&member)?;
        self.put_member(&member)?;
        Ok(member)
    }

    /// Appends `change` to the member's status history as stored now, so a change recorded
    /// meanwhile stays; refused when the domain's rules refuse it.
    pub fn record_status(
        &mut self,
        id: MemberId,
        change: StatusChange,
    ) -> Result<Member, StoreError> {
        let mut member = self.existing_member(id)?;
        check_status_change(&member, &change)?;
        member.record_status(change);
        self.put_member(&member)?;
        Ok(member)
    }

    fn existing_member(&self, id: MemberId) -> Result<Member, StoreError> {
        self.member(id)?.ok_or(StoreError::MemberGone(id))
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::date::parse_iso;
    use crate::domain::edit::{EditError, Since};
    use crate::domain::{MemberId, MemberStatus, StatusChange};
    use crate::store::StoreError;
    use crate::store::testkit::{member, sample};

    fn change(status: MemberStatus, from: &str, until: Option<&str>) -> StatusChange {
        StatusChange {
            status,
            from: parse_iso(from).unwrap(),
            until: until.map(|d| parse_iso(d).unwrap()),
            reason: None,
        }
    }

    #[test]
    fn a_members_record_changes_by_commands_that_say_why_they_refuse() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        let added = store
            .write(|w| w.save_member(None, member(0, "48000002", "Nguyễn Thị Lan", 3)))
            .unwrap();
        assert_ne!(added.id, MemberId(1));

        // Member 1's card, taken by an edit of the new member, is refused.
        let taken = member(added.id.0, "48123456", "Nguyễn Thị Lan", 3);
        assert!(matches!(
            store.write(|w| w.save_member(Some(added.id), taken)),
            Err(StoreError::CardTaken { ref card, ref holder })
                if card == "48123456" && holder == "Phạm Ngọc Đường"
        ));
        let gone = member(99, "48000099", "Không có", 3);
        assert!(matches!(
            store.write(|w| w.save_member(Some(MemberId(99)), gone)),
            Err(StoreError::MemberGone(MemberId(99)))
        ));

        let exempt = change(MemberStatus::Exempt, "2026-03-01", None);
        let recorded = store.write(|w| w.record_status(added.id, exempt)).unwrap();
        assert_eq!(recorded.history.len(), 1);
        // Kept when the record is saved again from a form that never saw it.
        let renamed = member(added.id.0, "48000002", "Nguyễn Thị Lan (B)", 3);
        let saved = store
            .write(|w| w.save_member(Some(added.id), renamed))
            .unwrap();
        assert_eq!(saved.history.len(), 1);
        let earlier = change(MemberStatus::Active, "2026-02-01", None);
        assert!(matches!(
            store.write(|w| w.record_status(added.id, earlier)),
            Err(StoreError::Rule(EditError::BeforeLastChange(_)))
        ));
    }

    /// Exempt from 01/01/1990 for a member born in 1997 and admitted in 2022: refused, and
    /// so is moving admission past a status already recorded.
    #[test]
    fn no_status_is_recorded_before_the_member_existed() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        let mut young = member(0, "48000003", "Trần Minh Anh", 3);
        young.born = parse_iso("1997-04-02").ok();
        young.admitted = parse_iso("2022-03-15").ok();
        let young = store.write(|w| w.save_member(None, young)).unwrap();
        let exempt = change(MemberStatus::Exempt, "1990-01-01", None);
        let refused = store.write(|w| w.record_status(young.id, exempt));
        assert!(
            matches!(
                refused,
                Err(StoreError::Rule(EditError::BeforeMember { since, .. }))
                    if since == Since::Admitted(parse_iso("2022-03-15").unwrap())
            ),
            "{refused:?}"
        );
        let stored = store.read().unwrap().member(young.id).unwrap().unwrap();
        assert!(stored.history.is_empty());

        let exempt = change(MemberStatus::Exempt, "2024-01-01", None);
        store.write(|w| w.record_status(young.id, exempt)).unwrap();
        let mut later = stored.clone();
        later.admitted = parse_iso("2024-06-01").ok();
        assert!(matches!(
            store.write(|w| w.save_member(Some(young.id), later)),
            Err(StoreError::Rule(EditError::BeforeMember { .. }))
        ));
    }
}
