//! A branch's calendar changed as commands: a meeting planned or recorded held, a planned
//! one moved, held or cancelled. Each reads the organisation and the meeting as stored now
//! and answers the meeting as written, with its organisation, or a typed refusal.

use chrono::{NaiveDate, NaiveTime};

use super::StoreError;
use super::query::Writer;
use crate::domain::{Meeting, MeetingId, MeetingKind, MeetingState, OrgId, OrgUnit};

/// What a meeting form says of a meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingDraft {
    pub kind: MeetingKind,
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
    pub end_time: Option<NaiveTime>,
    pub place: Option<String>,
    pub topic: Option<String>,
}

/// Which meeting a draft is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingWrite {
    /// A new meeting of `OrgId`, planned.
    Plan(OrgId),
    /// A new meeting of `OrgId` that has already been held.
    Record(OrgId),
    /// A planned meeting moved to another day.
    Reschedule(MeetingId),
    /// A planned meeting recorded as held.
    Hold(MeetingId),
}

impl Writer<'_> {
    /// Writes `draft` as `write` asks: refused when the organisation is gone or does not
    /// exist on the day, or the meeting to move or hold is gone or no longer planned.
    pub fn write_meeting(
        &mut self,
        write: MeetingWrite,
        draft: MeetingDraft,
    ) -> Result<(Meeting, OrgUnit), StoreError> {
        let (mut meeting, org) = match write {
            MeetingWrite::Plan(org) | MeetingWrite::Record(org) => {
                let state = match write {
                    MeetingWrite::Record(_) => MeetingState::Held,
                    _ => MeetingState::Planned,
                };
                let org = self.org_on(org, draft.date)?;
                let id = self.new_meeting_id()?;
                (Meeting::new(id, org.id, draft.kind, draft.date, state), org)
            }
            MeetingWrite::Reschedule(id) | MeetingWrite::Hold(id) => {
                let mut meeting = self.still_planned(id)?;
                let org = self.org_on(meeting.org, draft.date)?;
                match write {
                    MeetingWrite::Hold(_) => meeting.hold(draft.date),
                    _ => meeting.reschedule(draft.date),
                }
                (meeting, org)
            }
        };
        meeting.time = draft.time;
        meeting.end_time = draft.end_time;
        meeting.place = draft.place;
        meeting.topic = draft.topic;
        self.put_meeting(&meeting)?;
        Ok((meeting, org))
    }

    /// Cancels the planned meeting `id`; refused when it is gone or no longer planned.
    pub fn cancel_meeting(&mut self, id: MeetingId) -> Result<(Meeting, OrgUnit), StoreError> {
        let mut meeting = self.still_planned(id)?;
        meeting.state = MeetingState::Cancelled;
        self.put_meeting(&meeting)?;
        let org = self
            .org(meeting.org)?
            .ok_or(StoreError::OrgGone(meeting.org))?;
        Ok((meeting, org))
    }

    /// The meeting `id` as stored now, refused unless it is still planned.
    fn still_planned(&self, id: MeetingId) -> Result<Meeting, StoreError> {
        let meeting = self.meeting(id)?.ok_or(StoreError::MeetingGone(id))?;
        if meeting.state != MeetingState::Planned {
            return Err(StoreError::NotPlanned(id));
        }
        Ok(meeting)
    }

    /// The organisation `id` as stored now, refused unless it exists on `day`.
    fn org_on(&self, id: OrgId, day: NaiveDate) -> Result<OrgUnit, StoreError> {
        let org = self.org(id)?.ok_or(StoreError::OrgGone(id))?;
        if !org.exists_on(day) {
            return Err(StoreError::OrgNotOn {
                name: org.name,
                day,
            });
        }
        Ok(org)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::parse_iso;
    use crate::store::testkit::sample;

    fn draft(date: &str) -> MeetingDraft {
        MeetingDraft {
            kind: MeetingKind::Regular,
            date: parse_iso(date).unwrap(),
            time: None,
            end_time: None,
            place: Some("Nhà văn hóa khu 2".into()),
            topic: None,
        }
    }

    #[test]
    fn the_calendar_changes_by_commands_that_say_why_they_refuse() {
        let dir = tempfile::tempdir().unwrap();
        let store = sample(dir.path());
        let branch = OrgId(3);
        let (planned, org) = store
            .write(|w| w.write_meeting(MeetingWrite::Plan(branch), draft("2026-12-05")))
            .unwrap();
        assert_eq!((planned.state, org.id), (MeetingState::Planned, branch));
        let (moved, _) = store
            .write(|w| w.write_meeting(MeetingWrite::Reschedule(planned.id), draft("2026-12-07")))
            .unwrap();
        assert_eq!(moved.date, parse_iso("2026-12-07").unwrap());
        assert_eq!(moved.place.as_deref(), Some("Nhà văn hóa khu 2"));

        let (cancelled, _) = store.write(|w| w.cancel_meeting(planned.id)).unwrap();
        assert_eq!(cancelled.state, MeetingState::Cancelled);
        assert!(matches!(
            store.write(|w| w.cancel_meeting(planned.id)),
            Err(StoreError::NotPlanned(_))
        ));
        assert!(matches!(
                store
                    .write(|w| w
                        .write_meeting(MeetingWrite::Hold(MeetingId(999)), draft("2026-12-05"))),
                Err(StoreError::MeetingGone(MeetingId(999)))
            ));
        // A branch dissolved on the 10th holds no meeting after it.
        store
            .write(|w| w.dissolve_org(branch, parse_iso("2026-12-10").unwrap()))
            .unwrap();
        assert!(matches!(
            store.write(|w| w.write_meeting(MeetingWrite::Record(branch), draft("2026-12-20"))),
            Err(StoreError::OrgNotOn { .. })
        ));
    }
}
