//! Roll-call (điểm danh): who is expected at a meeting, how each one is marked, and the
//! counts the chair reads out. Exempt and temporarily exempt members stay on the roll but
//! are listed apart and never counted as expected (domain.md, "Members"); one who comes is
//! present on the roll and recorded `Mark::ExemptPresent`, so the attendance figures still
//! count expected members only.

use chrono::NaiveDate;

use super::meeting::{Mark, Meeting};
use super::member::{Member, MemberId, MemberStatus};
use super::minutes::MinutesError;

/// How a member stands on the day of the meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Expected,
    /// Exempt from meetings; `until` is the end of a temporary exemption.
    Exempt {
        until: Option<NaiveDate>,
    },
}

/// One line of the roll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollEntry {
    pub member: MemberId,
    pub card: String,
    pub name: String,
    pub probationary: bool,
    pub standing: Standing,
    /// `None` until the member is marked. An exempt member is marked only when they come
    /// (`Present`).
    pub mark: Option<Mark>,
    /// Why an excused member is away.
    pub reason: Option<String>,
}

impl RollEntry {
    /// The member's line on the roll of `meeting`, or `None` when they were not on the roll
    /// that day (transferred out, removed, deceased …).
    pub fn of(member: &Member, meeting: &Meeting) -> Option<RollEntry> {
        let day = meeting.date;
        let standing = match member.status_on(day) {
            MemberStatus::Active => Standing::Expected,
            MemberStatus::Exempt => Standing::Exempt { until: None },
            MemberStatus::TemporarilyExempt => Standing::Exempt {
                until: exemption_end(member, day),
            },
            _ => return None,
        };
        let recorded = meeting
            .attendance
            .iter()
            .find(|(id, _)| *id == member.id)
            // On the roll a member who came is present, whatever their standing.
            .map(|(_, mark)| if mark.came() { Mark::Present } else { *mark });
        let mark = match standing {
            Standing::Expected => recorded.filter(|m| *m != Mark::Exempt),
            Standing::Exempt { .. } => recorded.filter(|m| *m == Mark::Present),
        };
        let reason = meeting
            .excuses
            .iter()
            .find(|(id, _)| *id == member.id)
            .map(|(_, reason)| reason.clone());
        Some(RollEntry {
            member: member.id,
            card: member.card.clone(),
            name: member.name.clone(),
            probationary: member.probationary_on(day),
            standing,
            mark,
            reason,
        })
    }

    pub fn is_expected(&self) -> bool {
        self.standing == Standing::Expected
    }
}

/// When the temporary exemption in force on `day` ends.
fn exemption_end(member: &Member, day: NaiveDate) -> Option<NaiveDate> {
    member
        .history
        .iter()
        .rev()
        .find(|change| change.from <= day)
        .and_then(|change| change.until)
}

/// The counts of a roll: expected members split by mark, the unmarked, the exempt.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RollCounts {
    pub expected: u32,
    pub present: u32,
    pub excused: u32,
    pub absent: u32,
    pub unmarked: u32,
    pub exempt: u32,
    /// Exempt members who came anyway: present, but not among the expected.
    pub exempt_present: u32,
}

impl RollCounts {
    /// Present ÷ expected; `None` when nobody is expected.
    pub fn rate(&self) -> Option<f64> {
        (self.expected > 0).then(|| f64::from(self.present) / f64::from(self.expected))
    }
}

/// A meeting's roll: the expected members first, then the exempt, each group in the
/// order it was given (the roster's Vietnamese name order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roll {
    pub entries: Vec<RollEntry>,
}

impl Roll {
    pub fn new(mut entries: Vec<RollEntry>) -> Roll {
        // A stable sort keeps the name order inside each group.
        entries.sort_by_key(|e| !e.is_expected());
        Roll { entries }
    }

    pub fn counts(&self) -> RollCounts {
        let mut counts = RollCounts::default();
        for entry in &self.entries {
            if !entry.is_expected() {
                counts.exempt += 1;
                counts.exempt_present += u32::from(entry.mark == Some(Mark::Present));
                continue;
            }
            counts.expected += 1;
            match entry.mark {
                Some(Mark::Present) => counts.present += 1,
                Some(Mark::Excused) => counts.excused += 1,
                Some(Mark::Absent) => counts.absent += 1,
                Some(Mark::Exempt | Mark::ExemptPresent) | None => counts.unmarked += 1,
            }
        }
        counts
    }

    /// Marks entry `at`; an excused mark keeps its reason, any other mark drops it. An
    /// exempt member can only be marked present (they came), and nobody is marked exempt
    /// from the roll: either is refused, saying why, and changes nothing.
    pub fn mark(
        &mut self,
        at: usize,
        mark: Mark,
        reason: Option<String>,
    ) -> Result<(), MinutesError> {
        let entry = self.entries.get_mut(at).ok_or(MinutesError::NotOnRoll)?;
        match (entry.standing, mark) {
            (Standing::Expected, Mark::Exempt) => return Err(MinutesError::NotExempt),
            (Standing::Exempt { .. }, mark) if mark != Mark::Present => {
                return Err(MinutesError::ExemptComesOnly);
            }
            _ => {}
        }
        entry.mark = Some(mark);
        entry.reason = if mark == Mark::Excused { reason } else { None };
        Ok(())
    }

    /// Takes the mark of entry `at` away (marked by mistake).
    pub fn unmark(&mut self, at: usize) -> bool {
        match self.entries.get_mut(at) {
            Some(entry) if entry.mark.is_some() => {
                entry.mark = None;
                entry.reason = None;
                true
            }
            _ => false,
        }
    }

    /// Marks every expected member not yet marked as present; how many were.
    pub fn mark_rest_present(&mut self) -> usize {
        let mut marked = 0;
        for entry in &mut self.entries {
            if entry.is_expected() && entry.mark.is_none() {
                entry.mark = Some(Mark::Present);
                marked += 1;
            }
        }
        marked
    }

    /// Writes the roll into the meeting: every marked member and every exempt one (those who
    /// came as `ExemptPresent`), ordered by member id as the record keeps them, and the
    /// reasons of the excused.
    pub fn apply_to(&self, meeting: &mut Meeting) {
        let mut attendance: Vec<_> = self
            .entries
            .iter()
            .filter_map(|e| match e.standing {
                Standing::Exempt { .. } => Some((
                    e.member,
                    e.mark.map_or(Mark::Exempt, |m| Mark::present(m.came())),
                )),
                Standing::Expected => e.mark.map(|m| (e.member, m)),
            })
            .collect();
        attendance.sort_by_key(|(id, _)| *id);
        let mut excuses: Vec<_> = self
            .entries
            .iter()
            .filter(|e| e.mark == Some(Mark::Excused))
            .filter_map(|e| e.reason.clone().map(|r| (e.member, r)))
            .collect();
        excuses.sort_by_key(|(id, _)| *id);
        meeting.attendance = attendance;
        meeting.excuses = excuses;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{MeetingId, MeetingKind, MeetingState, OrgId, StatusChange};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn member(id: u64, name: &str, history: Vec<StatusChange>) -> Member {
        Member {
            id: MemberId(id),
            card: format!("4812{id:04}"),
            name: name.into(),
            sex: None,
            born: None,
            admitted: Some(day(2000, 1, 1)),
            full_member: Some(day(2001, 1, 1)),
            org: OrgId(1),
            cell: None,
            phone: None,
            residence: None,
            former_orgs: Vec::new(),
            history,
        }
    }

    fn change(status: MemberStatus, from: NaiveDate, until: Option<NaiveDate>) -> StatusChange {
        StatusChange {
            status,
            from,
            until,
            reason: None,
        }
    }

    fn meeting() -> Meeting {
        Meeting::new(
            MeetingId(1),
            OrgId(1),
            MeetingKind::Regular,
            day(2026, 11, 7),
            MeetingState::Held,
        )
    }

    fn roll(meeting: &Meeting) -> Roll {
        let members = [
            member(3, "Trần Văn An", vec![]),
            member(
                1,
                "Lê Thị Bình",
                vec![change(MemberStatus::Exempt, day(2024, 1, 1), None)],
            ),
            member(
                2,
                "Phạm Văn Cường",
                vec![change(
                    MemberStatus::TemporarilyExempt,
                    day(2026, 9, 1),
                    Some(day(2027, 3, 1)),
                )],
            ),
            member(4, "Ngô Thị Dung", vec![]),
            member(
                5,
                "Hồ Văn Em",
                vec![change(MemberStatus::TransferredOut, day(2026, 10, 1), None)],
            ),
            member(6, "Đỗ Văn Giang", vec![]),
        ];
        Roll::new(
            members
                .iter()
                .filter_map(|m| RollEntry::of(m, meeting))
                .collect(),
        )
    }

    #[test]
    fn the_exempt_are_listed_apart_and_the_transferred_not_at_all() {
        let roll = roll(&meeting());
        let names: Vec<_> = roll.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Trần Văn An",
                "Ngô Thị Dung",
                "Đỗ Văn Giang",
                "Lê Thị Bình",
                "Phạm Văn Cường"
            ]
        );
        assert_eq!(
            roll.entries[4].standing,
            Standing::Exempt {
                until: Some(day(2027, 3, 1))
            }
        );
        let counts = roll.counts();
        assert_eq!((counts.expected, counts.unmarked, counts.exempt), (3, 3, 2));
        assert_eq!(counts.rate(), Some(0.0));
    }

    #[test]
    fn marks_count_and_go_into_the_meeting_in_member_order() {
        let mut meeting = meeting();
        let mut roll = roll(&meeting);
        assert!(roll.mark(1, Mark::Excused, Some("ốm".into())).is_ok());
        assert!(roll.mark(0, Mark::Absent, Some("ignored".into())).is_ok());
        assert_eq!(
            roll.mark(3, Mark::Absent, None),
            Err(MinutesError::ExemptComesOnly),
            "exempt are not marked absent"
        );
        assert!(
            roll.mark(3, Mark::Present, None).is_ok(),
            "an exempt member who came"
        );
        assert_eq!(
            roll.mark(0, Mark::Exempt, None),
            Err(MinutesError::NotExempt)
        );
        assert_eq!(
            roll.mark(99, Mark::Present, None),
            Err(MinutesError::NotOnRoll)
        );
        assert!(roll.mark(2, Mark::Absent, None).is_ok());
        assert!(roll.unmark(2));
        assert!(!roll.unmark(2), "nothing left to take away");
        assert_eq!(roll.mark_rest_present(), 1);
        let counts = roll.counts();
        assert_eq!(
            (
                counts.present,
                counts.excused,
                counts.absent,
                counts.unmarked
            ),
            (1, 1, 1, 0)
        );
        assert_eq!((counts.exempt, counts.exempt_present), (2, 1));
        assert!((counts.rate().unwrap() - 1.0 / 3.0).abs() < 1e-9);
        roll.apply_to(&mut meeting);
        assert_eq!(
            meeting.attendance,
            [
                (MemberId(1), Mark::ExemptPresent),
                (MemberId(2), Mark::Exempt),
                (MemberId(3), Mark::Absent),
                (MemberId(4), Mark::Excused),
                (MemberId(6), Mark::Present),
            ]
        );
        assert_eq!(meeting.excuses, [(MemberId(4), "ốm".to_string())]);
        // The monthly figures count the expected only: the exempt member who came is exempt
        // there, not present.
        let marks = meeting.counts();
        assert_eq!(
            (
                marks.expected(),
                marks.present,
                marks.exempt,
                marks.exempt_present
            ),
            (3, 1, 2, 1)
        );
        // Read back from the meeting, the roll is the same.
        assert_eq!(self::roll(&meeting), roll);
    }
}
