//! Meetings, with their attendance packed inside the record (one row per meeting).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use super::attendance::Roll;
use super::date::{days, opt_clock, opt_days};
use super::member::MemberId;
use super::minutes::{Amendment, Approval, Assignment, MinutesError};
use super::org::{OrgId, vocabulary};
use super::prep::DocumentInfo;
use super::quorum::Vote;

/// The store's identifier of a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MeetingId(pub u64);

vocabulary! {
    MeetingKind {
        Regular => "regular",
        Thematic => "thematic",
        Committee => "committee",
        Extraordinary => "extraordinary",
    }
}

impl MeetingKind {
    /// The kind in words for people, in their language.
    pub fn label(self, lang: super::Lang) -> &'static str {
        match self {
            MeetingKind::Regular => lang.pick("Sinh hoạt thường kỳ", "Regular meeting"),
            MeetingKind::Thematic => lang.pick("Sinh hoạt chuyên đề", "Thematic meeting"),
            MeetingKind::Committee => lang.pick("Họp cấp ủy", "Committee meeting"),
            MeetingKind::Extraordinary => lang.pick("Họp bất thường", "Extraordinary meeting"),
        }
    }
}

/// One member's attendance at one meeting.
///
/// `ExemptPresent` is an exempt or temporarily exempt member who came: present, and counted
/// for the quorum, but not among the expected members of the monthly figures (domain.md,
/// "Members"). Files have no word of their own for it: it is written `present`, and the
/// import tells the two apart by the member's status on the meeting date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Mark {
    Present,
    Excused,
    Absent,
    Exempt,
    // Appended last: stored records name variants by position.
    ExemptPresent,
}

impl Mark {
    /// The marks files can carry, in the order they are listed.
    pub const ALL: &'static [Mark] = &[Mark::Present, Mark::Excused, Mark::Absent, Mark::Exempt];

    /// The word used in files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Present | Mark::ExemptPresent => "present",
            Mark::Excused => "excused",
            Mark::Absent => "absent",
            Mark::Exempt => "exempt",
        }
    }

    /// Parses the word used in files (never `ExemptPresent`: see the type).
    pub fn parse(word: &str) -> Option<Self> {
        Mark::ALL.iter().copied().find(|m| m.as_str() == word)
    }

    /// The accepted words, for error messages.
    pub fn words() -> String {
        let words: Vec<&str> = Mark::ALL.iter().map(|m| m.as_str()).collect();
        words.join(" | ")
    }

    /// The member was there.
    pub fn came(self) -> bool {
        matches!(self, Mark::Present | Mark::ExemptPresent)
    }

    /// How a member who was there is recorded, given whether they were exempt that day.
    pub fn present(exempt: bool) -> Mark {
        if exempt {
            Mark::ExemptPresent
        } else {
            Mark::Present
        }
    }
}

impl std::fmt::Display for Mark {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

vocabulary! {
    /// Where a meeting stands: planned ahead, held, or called off.
    MeetingState {
        Planned => "planned",
        Held => "held",
        Cancelled => "cancelled",
    }
}

/// A meeting: planned ahead, held, or cancelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub id: MeetingId,
    pub org: OrgId,
    pub kind: MeetingKind,
    /// The day held; for a planned or cancelled meeting, the day it is (or was) planned for.
    #[serde(with = "days")]
    pub date: NaiveDate,
    /// The day it was first planned for, when the meeting has moved from it (held on another
    /// day, or a planned meeting rescheduled).
    #[serde(with = "opt_days")]
    pub planned: Option<NaiveDate>,
    /// Every expected member's mark, ordered by member id; packed in the store.
    #[serde(with = "super::packed_marks")]
    pub attendance: Vec<(MemberId, Mark)>,
    /// Reasons given by excused members.
    pub excuses: Vec<(MemberId, String)>,
    /// Committee members from above who attended.
    pub guests: Vec<MemberId>,
    pub topic: Option<String>,
    /// The minutes text (see `minutes.rs` for its sections).
    pub minutes: Option<String>,
    /// When the minutes were last saved, to tell a newer draft from an older one.
    pub minutes_saved_at: Option<NaiveDateTime>,
    /// Present once the minutes are approved: from then on the minutes and the attendance
    /// are read-only, and corrections go into `amendments`.
    pub approval: Option<Approval>,
    pub amendments: Vec<Amendment>,
    pub state: MeetingState,
    /// Start time, when known.
    #[serde(with = "opt_clock")]
    pub time: Option<NaiveTime>,
    /// End time, when known.
    #[serde(with = "opt_clock")]
    pub end_time: Option<NaiveTime>,
    pub place: Option<String>,
    /// The agenda (chương trình), item by item, as the preparation sets it. Schema 6.
    pub agenda: Vec<String>,
    /// Who drafts the content and the draft resolution (Guidance 42).
    pub drafter: Option<MemberId>,
    /// The documents for the members, in the order attached; their bytes are kept apart.
    pub documents: Vec<DocumentInfo>,
    /// When the plan (time, place, topic, agenda, documents) was sent to the members and to
    /// the committee above.
    pub sent_at: Option<NaiveDateTime>,
    /// The vote on the resolution adopted.
    pub vote: Option<Vote>,
    /// What a committee meeting decided for the agenda of the branch meeting it prepares.
    pub decisions: Option<String>,
    /// Who chaired (chủ trì), as the minutes name them. Schema 12.
    pub chair: Option<String>,
    /// Who kept the minutes (thư ký). Schema 12.
    pub secretary: Option<String>,
    /// Section VIII of the minutes as a table: who does what, by when. Schema 12.
    pub assignments: Vec<Assignment>,
}

/// Head counts of one meeting's marks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MarkCounts {
    /// Expected members who came.
    pub present: u32,
    pub excused: u32,
    pub absent: u32,
    /// Exempt and temporarily exempt members on the roll, whether they came or not.
    pub exempt: u32,
    /// Of those, the ones who came.
    pub exempt_present: u32,
}

impl MarkCounts {
    /// Members expected: everyone marked but the exempt.
    pub fn expected(&self) -> u32 {
        self.present + self.excused + self.absent
    }

    /// Present ÷ expected; `None` when nobody was expected.
    pub fn rate(&self) -> Option<f64> {
        let expected = self.expected();
        (expected > 0).then(|| f64::from(self.present) / f64::from(expected))
    }
}

impl Meeting {
    /// A meeting with nothing recorded yet beyond what it is and when: no attendance,
    /// guests, topic, minutes, times or place.
    pub fn new(
        id: MeetingId,
        org: OrgId,
        kind: MeetingKind,
        date: NaiveDate,
        state: MeetingState,
    ) -> Meeting {
        Meeting {
            id,
            org,
            kind,
            date,
            planned: None,
            attendance: Vec::new(),
            excuses: Vec::new(),
            guests: Vec::new(),
            topic: None,
            minutes: None,
            minutes_saved_at: None,
            approval: None,
            amendments: Vec::new(),
            state,
            time: None,
            end_time: None,
            place: None,
            agenda: Vec::new(),
            drafter: None,
            documents: Vec::new(),
            sent_at: None,
            vote: None,
            decisions: None,
            chair: None,
            secretary: None,
            assignments: Vec::new(),
        }
    }

    /// A regular meeting that took place: the only kind monthly compliance counts.
    pub fn is_held_regular(&self) -> bool {
        self.state == MeetingState::Held && self.kind == MeetingKind::Regular
    }

    /// A regular meeting recorded as held whose roll was never taken: not one member is
    /// marked. It counts as held for compliance, but has no attendance to count: nobody was
    /// expected, so it neither raises nor lowers a rate (`MonthStats::meetings_without_roll`).
    pub fn is_held_without_roll(&self) -> bool {
        self.is_held_regular() && self.attendance.is_empty()
    }

    /// The day the meeting was first planned for, else the day it is on: what stays the same
    /// when a meeting moves, so calendars can follow it.
    pub fn first_planned_day(&self) -> NaiveDate {
        self.planned.unwrap_or(self.date)
    }

    /// Moves a planned meeting to `day`, remembering the day it was first planned for.
    pub fn reschedule(&mut self, day: NaiveDate) {
        if day != self.date {
            self.planned = Some(self.first_planned_day());
            self.date = day;
        }
    }

    /// Records a planned meeting as held on `day` (its attendance is recorded separately).
    pub fn hold(&mut self, day: NaiveDate) {
        self.reschedule(day);
        self.state = MeetingState::Held;
    }

    pub fn is_approved(&self) -> bool {
        self.approval.is_some()
    }

    /// Records the roll taken at the meeting. A planned meeting whose day has come is held
    /// by taking its roll; approved minutes lock the attendance with them.
    pub fn take_roll(&mut self, roll: &Roll, today: NaiveDate) -> Result<(), MinutesError> {
        if self.is_approved() {
            return Err(MinutesError::Approved);
        }
        if self.date > today {
            return Err(MinutesError::NotYet(self.date));
        }
        if self.state == MeetingState::Planned {
            self.state = MeetingState::Held;
        }
        roll.apply_to(self);
        Ok(())
    }

    /// Replaces the minutes text, unless they are approved.
    pub fn write_minutes(&mut self, text: String, at: NaiveDateTime) -> Result<(), MinutesError> {
        if self.is_approved() {
            return Err(MinutesError::Approved);
        }
        self.minutes = (!text.trim().is_empty()).then_some(text);
        self.minutes_saved_at = Some(at);
        Ok(())
    }

    /// Locks the minutes and the attendance.
    pub fn approve(&mut self, approval: Approval) -> Result<(), MinutesError> {
        if self.is_approved() {
            return Err(MinutesError::Approved);
        }
        if self.minutes.as_deref().is_none_or(|m| m.trim().is_empty()) {
            return Err(MinutesError::Empty);
        }
        let named = |name: &Option<String>| name.as_deref().is_some_and(|n| !n.trim().is_empty());
        if !named(&approval.chair) || !named(&approval.secretary) {
            return Err(MinutesError::Blank);
        }
        self.approval = Some(approval);
        Ok(())
    }

    /// Adds a dated correction below approved minutes.
    pub fn amend(&mut self, amendment: Amendment) -> Result<(), MinutesError> {
        if !self.is_approved() {
            return Err(MinutesError::NotApproved);
        }
        if amendment.text.trim().is_empty() {
            return Err(MinutesError::Blank);
        }
        self.amendments.push(amendment);
        Ok(())
    }

    /// Counts the marks of this meeting.
    pub fn counts(&self) -> MarkCounts {
        let mut counts = MarkCounts::default();
        for (_, mark) in &self.attendance {
            match mark {
                Mark::Present => counts.present += 1,
                Mark::Excused => counts.excused += 1,
                Mark::Absent => counts.absent += 1,
                Mark::Exempt => counts.exempt += 1,
                Mark::ExemptPresent => {
                    counts.exempt += 1;
                    counts.exempt_present += 1;
                }
            }
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned(date: &str) -> Meeting {
        let day = crate::domain::date::parse_iso(date).unwrap();
        Meeting::new(
            MeetingId(1),
            OrgId(1),
            MeetingKind::Regular,
            day,
            MeetingState::Planned,
        )
    }

    #[test]
    fn a_rescheduled_meeting_keeps_the_day_first_planned() {
        let d = |s| crate::domain::date::parse_iso(s).unwrap();
        let mut m = planned("2026-10-07");
        m.reschedule(d("2026-10-07"));
        assert_eq!(m.planned, None);
        m.reschedule(d("2026-10-08"));
        m.reschedule(d("2026-10-10"));
        assert_eq!(
            (m.date, m.planned),
            (d("2026-10-10"), Some(d("2026-10-07")))
        );
        assert!(!m.is_held_regular());
        m.hold(d("2026-10-09"));
        assert_eq!(
            (m.date, m.first_planned_day()),
            (d("2026-10-09"), d("2026-10-07"))
        );
        assert!(m.is_held_regular());
        let mut on_the_day = planned("2026-11-07");
        on_the_day.hold(d("2026-11-07"));
        assert_eq!(on_the_day.planned, None);
    }

    #[test]
    fn approved_minutes_refuse_edits_and_take_amendments() {
        let d = |s| crate::domain::date::parse_iso(s).unwrap();
        let at = d("2026-11-07").and_hms_opt(21, 0, 0).unwrap();
        let mut m = planned("2026-11-07");
        assert_eq!(
            m.take_roll(&Roll::default(), d("2026-11-06")),
            Err(MinutesError::NotYet(d("2026-11-07")))
        );
        m.take_roll(&Roll::default(), d("2026-11-07")).unwrap();
        assert_eq!(m.state, MeetingState::Held);
        let approval = Approval {
            at: Some(at),
            by: Some("lan".into()),
            chair: Some("Phạm Ngọc Đường".into()),
            secretary: Some("Ngô Thị Lan".into()),
        };
        assert_eq!(m.approve(approval.clone()), Err(MinutesError::Empty));
        let amendment = Amendment {
            at,
            by: "lan".into(),
            text: "sửa tên".into(),
        };
        assert_eq!(m.amend(amendment.clone()), Err(MinutesError::NotApproved));
        m.write_minutes("## I. …\nnội dung".into(), at).unwrap();
        let unnamed = Approval {
            secretary: Some(" ".into()),
            ..approval.clone()
        };
        assert_eq!(m.approve(unnamed), Err(MinutesError::Blank));
        m.approve(approval).unwrap();
        assert!(m.is_approved());
        assert_eq!(
            m.write_minutes("khác".into(), at),
            Err(MinutesError::Approved)
        );
        assert_eq!(
            m.take_roll(&Roll::default(), d("2026-11-08")),
            Err(MinutesError::Approved)
        );
        m.amend(amendment.clone()).unwrap();
        assert_eq!(m.amendments, [amendment]);
        assert_eq!(m.minutes.as_deref(), Some("## I. …\nnội dung"));
    }

    #[test]
    fn rate_excludes_exempt_members() {
        let counts = MarkCounts {
            present: 9,
            excused: 1,
            absent: 0,
            exempt: 5,
            exempt_present: 2,
        };
        assert_eq!(counts.expected(), 10);
        assert_eq!(counts.rate(), Some(0.9));
        assert_eq!(MarkCounts::default().rate(), None);
    }
}
