//! Committee members from above at a branch's meetings, as commands: the guests who came to
//! a held meeting, and a member assigned to oversee a branch. Each reads what it changes as
//! stored now and answers it or a typed refusal.

use chrono::NaiveDate;

use super::StoreError;
use super::query::Writer;
use crate::domain::role::span_covers;
use crate::domain::{
    Meeting, MeetingId, MeetingState, Member, MemberId, MinutesError, OrgId, OrgUnit, Oversight,
};

impl Writer<'_> {
    /// Records `guests` as the guests from above at the meeting `id`, which must still be
    /// held and not approved; every guest must still exist.
    pub fn record_guests(
        &mut self,
        id: MeetingId,
        mut guests: Vec<MemberId>,
    ) -> Result<(Meeting, OrgUnit), StoreError> {
        let mut meeting = self.meeting(id)?.ok_or(StoreError::MeetingGone(id))?;
        self.require_lease(id)?;
        if meeting.state != MeetingState::Held {
            return Err(StoreError::NotHeld(id));
        }
        if meeting.is_approved() {
            return Err(MinutesError::Approved.into());
        }
        for guest in &guests {
            self.member(*guest)?.ok_or(StoreError::MemberGone(*guest))?;
        }
        guests.sort_unstable();
        meeting.guests = guests;
        self.put_meeting(&meeting)?;
        let org = self
            .org(meeting.org)?
            .ok_or(StoreError::OrgGone(meeting.org))?;
        Ok((meeting, org))
    }

    /// Assigns `member` to oversee `branch` from `from`: the branch must still be a branch,
    /// the member not already assigned there that day and still holding a role above it.
    pub fn assign_overseer(
        &mut self,
        branch: OrgId,
        member: MemberId,
        from: NaiveDate,
    ) -> Result<(Member, OrgUnit), StoreError> {
        let org = self
            .org(branch)?
            .filter(|o| o.kind.is_branch())
            .ok_or(StoreError::OrgGone(branch))?;
        let already = self
            .oversight_of_org(branch)?
            .iter()
            .any(|o| o.member == member && span_covers(o.from, o.until, from));
        if already {
            return Err(StoreError::AlreadyOverseeing);
        }
        let mut holds_a_role = false;
        for above in self.ancestors(branch)? {
            holds_a_role |= self
                .roles_of_org(above.id)?
                .iter()
                .any(|r| r.member == member && span_covers(r.from, r.until, from));
        }
        let person = self.member(member)?.ok_or(StoreError::MemberGone(member))?;
        if !holds_a_role {
            return Err(StoreError::NoRoleAbove(member));
        }
        self.put_oversight(&Oversight {
            member,
            org: branch,
            from,
            until: None,
        })?;
        Ok((person, org))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::parse_iso;
    use crate::domain::{MeetingKind, Role, RoleKind};
    use crate::store::testkit::sample;

    #[test]
    fn visits_from_above_are_commands_that_say_why_they_refuse() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        let (day, duong, branch) = (parse_iso("2026-11-05").unwrap(), MemberId(1), OrgId(3));
        assert!(matches!(
            store.write(|w| w.assign_overseer(branch, duong, day)),
            Err(StoreError::NoRoleAbove(_))
        ));
        store
            .write(|w| {
                w.put_role(&Role {
                    member: duong,
                    org: OrgId(2),
                    role: RoleKind::CommitteeMember,
                    from: parse_iso("2025-01-01").unwrap(),
                    until: None,
                })
            })
            .unwrap();
        let (person, org) = store
            .write(|w| w.assign_overseer(branch, duong, day))
            .unwrap();
        assert_eq!((person.id, org.id), (duong, branch));
        assert!(matches!(
            store.write(|w| w.assign_overseer(branch, duong, day)),
            Err(StoreError::AlreadyOverseeing)
        ));
        assert!(matches!(
            store.write(|w| w.assign_overseer(OrgId(2), duong, day)),
            Err(StoreError::OrgGone(_)),
        ));

        let planned = store
            .write(|w| {
                let id = w.new_meeting_id()?;
                let m = Meeting::new(id, branch, MeetingKind::Regular, day, MeetingState::Planned);
                w.put_meeting(&m)?;
                Ok::<_, StoreError>(id)
            })
            .unwrap();
        assert!(matches!(
            store.write(|w| w.record_guests(planned, vec![duong])),
            Err(StoreError::NotHeld(_))
        ));
    }
}
