//! Meetings, with their attendance packed inside the record (one row per meeting).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::date::{days, opt_days};
use super::member::MemberId;
use super::org::{OrgId, vocabulary};

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

vocabulary! {
    /// One member's attendance at one meeting.
    Mark {
        Present => "present",
        Excused => "excused",
        Absent => "absent",
        Exempt => "exempt",
    }
}

/// A meeting that was held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub id: MeetingId,
    pub org: OrgId,
    pub kind: MeetingKind,
    #[serde(with = "days")]
    pub date: NaiveDate,
    /// The day it was planned for, when that differs from the day held.
    #[serde(with = "opt_days")]
    pub planned: Option<NaiveDate>,
    /// Every expected member's mark, ordered by member id.
    pub attendance: Vec<(MemberId, Mark)>,
    /// Reasons given by excused members.
    pub excuses: Vec<(MemberId, String)>,
    /// Committee members from above who attended.
    pub guests: Vec<MemberId>,
    pub topic: Option<String>,
    pub minutes: Option<String>,
    pub approved: bool,
}

/// Head counts of one meeting's marks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MarkCounts {
    pub present: u32,
    pub excused: u32,
    pub absent: u32,
    pub exempt: u32,
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
    /// Counts the marks of this meeting.
    pub fn counts(&self) -> MarkCounts {
        let mut counts = MarkCounts::default();
        for (_, mark) in &self.attendance {
            match mark {
                Mark::Present => counts.present += 1,
                Mark::Excused => counts.excused += 1,
                Mark::Absent => counts.absent += 1,
                Mark::Exempt => counts.exempt += 1,
            }
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_excludes_exempt_members() {
        let counts = MarkCounts {
            present: 9,
            excused: 1,
            absent: 0,
            exempt: 5,
        };
        assert_eq!(counts.expected(), 10);
        assert_eq!(counts.rate(), Some(0.9));
        assert_eq!(MarkCounts::default().rate(), None);
    }
}
