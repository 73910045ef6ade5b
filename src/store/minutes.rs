//! Minutes and roll-call: the roll of a meeting read from its branch's roster, drafts kept
//! while minutes are typed, and the writes that save, approve and amend them. Each write is
//! checked by the rules in `domain` (approved minutes refuse changes) and goes through
//! `put_meeting`, so whatever is counted from a meeting changes in the same transaction.

use chrono::NaiveDate;

use super::StoreError;
use redb::ReadableTable;

use super::codec::{decode, encode};
use super::query::{Reader, Writer, queries};
use crate::domain::attendance::sat_in;
use crate::domain::{
    Amendment, Approval, Draft, Mark, Meeting, MeetingId, MeetingKind, MemberId, MinutesError,
    OrgId, Roll, RollEntry,
};

/// A change to a meeting's roll, as a screen or a form asks for it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RollChange {
    /// `member` marked `mark`; the reason is kept for an absence with permission.
    Mark {
        member: MemberId,
        mark: Mark,
        reason: Option<String>,
    },
    /// `member`'s mark taken away (marked by mistake).
    Unmark { member: MemberId },
    /// Every expected member not marked yet, marked present.
    RestPresent,
}

/// What a change to a roll did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollChanged {
    /// How many members' marks changed: none for a mark taken away twice.
    pub changed: usize,
    /// The entry of the member the change named, as written.
    pub entry: Option<RollEntry>,
}

queries! {
    /// The meeting whose minutes one would take on `day` for `org`: the one held that day,
    /// else the month's regular meeting, else the month's first; none when the month has none.
    pub fn meeting_to_minute(&self, org: OrgId, day: NaiveDate) -> Result<Option<Meeting>, StoreError> {
        let month = self.meetings_in_month(org, crate::domain::YearMonth::of(day))?;
        let on_day = month.iter().position(|m| m.date == day);
        let regular = month.iter().position(|m| m.kind == MeetingKind::Regular);
        Ok(on_day.or(regular).or((!month.is_empty()).then_some(0)).map(|at| month[at].clone()))
    }

    /// The roll of `meeting`: every member of its organisation on the roll that day, the
    /// expected ones first, each group in name order. One range scan of the roster and one
    /// of those who sat in the branch before and moved on; a member who came to the branch
    /// after that day is not on it, one who left after it is. Its exempt are those
    /// `attendance::counts_exempt_at` counts, as the roll-ups do.
    /// A committee meeting's roll is its committee's (`committee_roll_of`).
    pub fn roll_of(&self, meeting: &Meeting) -> Result<Roll, StoreError> {
        if meeting.kind == MeetingKind::Committee {
            return self.committee_roll_of(meeting);
        }
        self.guard_read(meeting.org)?;
        let mut members = self.members_of(meeting.org, 0, usize::MAX)?;
        members.extend(self.former_members_of(meeting.org)?);
        Ok(Roll::new(
            members
                .iter()
                .filter(|m| sat_in(m, meeting.org, meeting.date))
                .filter_map(|m| RollEntry::of(m, meeting))
                .collect(),
        ))
    }

    /// The roll of `meeting` read from its branch's roster, plus anyone marked at the
    /// meeting who has since left the branch: who was there, wherever they are now. What
    /// the minutes print and the quorum is counted from.
    pub fn full_roll_of(&self, meeting: &Meeting) -> Result<Roll, StoreError> {
        let mut entries = self.roll_of(meeting)?.entries;
        for (id, _) in &meeting.attendance {
            if entries.iter().any(|e| e.member == *id) {
                continue;
            }
            // Whoever was marked at a meeting inside the scope is on its roll, even after
            // moving to a branch outside it.
            if let Some(entry) = self.member_any(*id)?.and_then(|m| RollEntry::of(&m, meeting)) {
                entries.push(entry);
            }
        }
        Ok(Roll::new(entries))
    }

    /// The draft of a meeting's minutes, if one was autosaved and not yet saved.
    pub fn draft(&self, meeting: MeetingId) -> Result<Option<Draft>, StoreError> {
        self.guard_meeting(meeting)?;
        self.drafts.get(meeting.0)?.map(|g| decode(g.value())).transpose()
    }

    /// The latest regular meeting of `org` held before `day` with minutes: where last
    /// month's assignments are found.
    pub fn previous_minutes(&self, org: OrgId, day: NaiveDate) -> Result<Option<Meeting>, StoreError> {
        let from = day - chrono::Months::new(3);
        let mut earlier = self.meetings_of(org, from, day)?;
        earlier.retain(|m| m.kind == MeetingKind::Regular && m.minutes.is_some());
        Ok(earlier.pop())
    }
}

impl Writer<'_> {
    /// A meeting that must exist.
    pub(super) fn existing_meeting(&self, id: MeetingId) -> Result<Meeting, StoreError> {
        self.meeting(id)?.ok_or(StoreError::MeetingGone(id))
    }

    /// A meeting that must exist, to be changed by someone who may change meetings (or
    /// their minutes, drafts, plan and documents) inside the scope, while nobody else holds
    /// its minutes. The role is checked first, so a viewer hears "not allowed" whatever
    /// meeting they name.
    pub(super) fn meeting_to_change(&self, id: MeetingId) -> Result<Meeting, StoreError> {
        self.refuse_unless(self.access.role.writes_meetings())?;
        let meeting = self.existing_meeting(id)?;
        self.require_scope(meeting.org)?;
        self.require_lease(id)?;
        Ok(meeting)
    }

    /// Keeps what was typed so far. A draft of approved minutes is refused: nothing
    /// typed there could ever be saved.
    pub fn save_draft(&mut self, id: MeetingId, draft: &Draft) -> Result<(), StoreError> {
        let meeting = self.meeting_to_change(id)?;
        self.note("draft", format!("of meeting {}", id.0), Some(meeting.org));
        if meeting.is_approved() {
            return Err(MinutesError::Approved.into());
        }
        self.drafts.insert(id.0, encode(draft).as_slice())?;
        Ok(())
    }

    pub fn discard_draft(&mut self, id: MeetingId) -> Result<(), StoreError> {
        self.meeting_to_change(id)?;
        self.drafts.remove(id.0)?;
        Ok(())
    }

    /// The one way a roll changes, from a key on the roll or a form: the roll as stored
    /// now, changed as asked, and written when anything changed. A mark the rules refuse
    /// (an exempt member marked absent, a member no longer on the roll) says why.
    pub fn change_roll(
        &mut self,
        id: MeetingId,
        change: RollChange,
        today: NaiveDate,
    ) -> Result<RollChanged, StoreError> {
        let mut meeting = self.meeting_to_change(id)?;
        let mut roll = self.roll_of(&meeting)?;
        let place = |roll: &Roll, member: MemberId| {
            roll.entries
                .iter()
                .position(|e| e.member == member)
                .ok_or(MinutesError::NotOnRoll)
        };
        let (changed, named) = match change {
            RollChange::Mark {
                member,
                mark,
                reason,
            } => {
                roll.mark(place(&roll, member)?, mark, reason)?;
                (1, Some(member))
            }
            RollChange::Unmark { member } => {
                let taken = roll.unmark(place(&roll, member)?);
                (usize::from(taken), Some(member))
            }
            RollChange::RestPresent => (roll.mark_rest_present(), None),
        };
        if changed > 0 {
            meeting.take_roll(&roll, today)?;
            self.put_meeting(&meeting)?;
        }
        let entry = named.and_then(|m| roll.entries.into_iter().find(|e| e.member == m));
        Ok(RollChanged { changed, entry })
    }

    /// Records the roll taken at a meeting (a planned one whose day has come is held by it).
    pub fn take_roll(
        &mut self,
        id: MeetingId,
        roll: &Roll,
        today: NaiveDate,
    ) -> Result<Meeting, StoreError> {
        let mut meeting = self.meeting_to_change(id)?;
        meeting.take_roll(roll, today)?;
        self.put_meeting(&meeting)?;
        Ok(meeting)
    }

    /// Saves the minutes text into the meeting and drops its draft.
    pub fn save_minutes(
        &mut self,
        id: MeetingId,
        text: String,
        at: chrono::NaiveDateTime,
    ) -> Result<Meeting, StoreError> {
        let mut meeting = self.meeting_to_change(id)?;
        meeting.write_minutes(text, at)?;
        self.put_meeting(&meeting)?;
        self.discard_draft(id)?;
        Ok(meeting)
    }

    /// Locks the minutes and the attendance of a meeting.
    pub fn approve_minutes(
        &mut self,
        id: MeetingId,
        approval: Approval,
    ) -> Result<Meeting, StoreError> {
        self.refuse_unless(self.access.role.approves_minutes())?;
        let mut meeting = self.meeting_to_change(id)?;
        meeting.approve(approval)?;
        self.put_meeting(&meeting)?;
        self.discard_draft(id)?;
        Ok(meeting)
    }

    /// Adds a dated correction below approved minutes.
    pub fn amend_minutes(
        &mut self,
        id: MeetingId,
        amendment: Amendment,
    ) -> Result<Meeting, StoreError> {
        let mut meeting = self.meeting_to_change(id)?;
        meeting.amend(amendment)?;
        self.put_meeting(&meeting)?;
        Ok(meeting)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::parse_iso;
    use crate::domain::{Mark, MeetingState, MinutesText, Section};
    use crate::store::testkit::sample;

    fn day(s: &str) -> NaiveDate {
        crate::domain::date::parse_iso(s).unwrap()
    }

    #[test]
    fn minutes_go_from_draft_to_saved_to_approved_to_amended() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        let branch = OrgId(3);
        let at = day("2026-11-07").and_hms_opt(21, 0, 0).unwrap();
        let id = store
            .write(|w| {
                let id = w.new_meeting_id()?;
                let meeting = Meeting::new(
                    id,
                    branch,
                    MeetingKind::Regular,
                    day("2026-11-07"),
                    MeetingState::Planned,
                );
                w.put_meeting(&meeting)?;
                Ok::<_, StoreError>(id)
            })
            .unwrap();
        let meeting = store.read().unwrap().meeting(id).unwrap().unwrap();
        let mut roll = store.read().unwrap().roll_of(&meeting).unwrap();
        assert!(!roll.entries.is_empty());
        roll.mark_rest_present();
        let early = store.write(|w| w.take_roll(id, &roll, day("2026-11-06")));
        assert!(matches!(
            early,
            Err(StoreError::Minutes(MinutesError::NotYet(_)))
        ));
        let held = store
            .write(|w| w.take_roll(id, &roll, day("2026-11-07")))
            .unwrap();
        assert_eq!(held.state, MeetingState::Held);
        assert!(held.attendance.iter().all(|(_, m)| *m != Mark::Absent));

        let mut text = MinutesText::default();
        text.set(Section::News, "Nghị quyết");
        let draft = Draft {
            text: text.to_text(),
            saved_at: at,
            by: "lan".into(),
        };
        store.write(|w| w.save_draft(id, &draft)).unwrap();
        assert_eq!(
            store.read().unwrap().draft(id).unwrap(),
            Some(draft.clone())
        );
        store
            .write(|w| w.save_minutes(id, draft.text.clone(), at))
            .unwrap();
        let reader = store.read().unwrap();
        assert_eq!(reader.draft(id).unwrap(), None);
        assert_eq!(
            reader.meeting(id).unwrap().unwrap().minutes,
            Some(draft.text.clone())
        );
        drop(reader);

        let approval = Approval {
            at: Some(at),
            by: Some("lan".into()),
            chair: Some("A".into()),
            secretary: Some("B".into()),
        };
        store.write(|w| w.approve_minutes(id, approval)).unwrap();
        let refused = store.write(|w| w.save_minutes(id, "khác".into(), at));
        assert!(matches!(
            refused,
            Err(StoreError::Minutes(MinutesError::Approved))
        ));
        let refused = store.write(|w| w.save_draft(id, &draft));
        assert!(matches!(
            refused,
            Err(StoreError::Minutes(MinutesError::Approved))
        ));
        let refused = store.write(|w| w.take_roll(id, &roll, day("2026-11-08")));
        assert!(matches!(
            refused,
            Err(StoreError::Minutes(MinutesError::Approved))
        ));
        let amendment = Amendment {
            at,
            by: "lan".into(),
            text: "Sửa: đồng chí A có mặt".into(),
        };
        store
            .write(|w| w.amend_minutes(id, amendment.clone()))
            .unwrap();
        let saved = store.read().unwrap().meeting(id).unwrap().unwrap();
        assert_eq!(saved.amendments, [amendment]);
        assert_eq!(saved.minutes, Some(draft.text));
        assert!(
            crate::store::check::run(&store.read().unwrap())
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_roll_changes_by_one_command_that_says_why_it_refuses() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        let day = parse_iso("2026-11-05").unwrap();
        let id = store
            .write(|w| {
                let id = w.new_meeting_id()?;
                let held =
                    Meeting::new(id, OrgId(3), MeetingKind::Regular, day, MeetingState::Held);
                w.put_meeting(&held)?;
                Ok::<_, StoreError>(id)
            })
            .unwrap();
        let duong = MemberId(1);
        let change = |change| store.write(|w| w.change_roll(id, change, day));

        let excused = RollChange::Mark {
            member: duong,
            mark: Mark::Excused,
            reason: Some("ốm".into()),
        };
        let done = change(excused).unwrap();
        assert_eq!(done.changed, 1);
        assert_eq!(done.entry.unwrap().reason.as_deref(), Some("ốm"));
        let stored = store.read().unwrap().meeting(id).unwrap().unwrap();
        let roll = store.read().unwrap().roll_of(&stored).unwrap();
        assert_eq!(roll.entries[0].mark, Some(Mark::Excused));

        // A mark taken away twice changes nothing the second time, and says so by count.
        assert_eq!(
            change(RollChange::Unmark { member: duong })
                .unwrap()
                .changed,
            1
        );
        assert_eq!(
            change(RollChange::Unmark { member: duong })
                .unwrap()
                .changed,
            0
        );
        // Refusals are typed: the UI words them, it never works out why.
        let exempt = RollChange::Mark {
            member: duong,
            mark: Mark::Exempt,
            reason: None,
        };
        assert!(matches!(
            change(exempt),
            Err(StoreError::Minutes(MinutesError::NotExempt))
        ));
        let stranger = RollChange::Mark {
            member: MemberId(99),
            mark: Mark::Present,
            reason: None,
        };
        assert!(matches!(
            change(stranger),
            Err(StoreError::Minutes(MinutesError::NotOnRoll))
        ));
        assert_eq!(change(RollChange::RestPresent).unwrap().changed, 1);
        let gone = store.write(|w| w.change_roll(MeetingId(999), RollChange::RestPresent, day));
        assert!(matches!(gone, Err(StoreError::MeetingGone(MeetingId(999)))));
    }
}
