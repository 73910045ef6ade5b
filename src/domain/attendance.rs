//! Roll-call (điểm danh): who is expected at a meeting, how each one is marked, and the
//! counts the chair reads out. Exempt and temporarily exempt members stay on the roll but
//! are listed apart and never counted as expected (domain.md, "Members"); one who comes is
//! present on the roll and recorded `Mark::ExemptPresent`, so the attendance figures still
//! count expected members only.

use chrono::NaiveDate;

use super::meeting::{Mark, Meeting};
use super::member::{Member, MemberId, MemberStatus};
use super::minutes::MinutesError;
use super::org::OrgId;

/// Whether `member` sat in `branch` on `day` (the branch they belonged to that day, before
/// or after any move): who is on the roll of the branch's meeting that day.
pub fn sat_in(member: &Member, branch: OrgId, day: NaiveDate) -> bool {
    member.branch_on(day) == branch
}

/// The one rule for who counts among the exempt of `meeting` (data-format.md: "`exempt` =
/// the branch's exempt and temporarily exempt members on the meeting date"): a member who
/// sat in the meeting's branch that day and was exempt or temporarily exempt, whether or not
/// the meeting lists them. Whom to look at: the branch's present roster, the members who
/// sat in it before and moved on, and whoever the meeting marks. The roll-ups, their
/// recount, the roll the minutes print and every report count the exempt with it.
pub fn counts_exempt_at(member: &Member, meeting: &Meeting) -> bool {
    sat_in(member, meeting.org, meeting.date) && member.status_on(meeting.date).is_exempt()
}

/// How many of `members` count among the exempt of `meeting` (`counts_exempt_at`). Give
/// each member once, at least the branch's present roster and the members the meeting
/// marks; anyone else is not counted.
pub fn exempt_at<'m>(meeting: &Meeting, members: impl IntoIterator<Item = &'m Member>) -> u32 {
    members
        .into_iter()
        .filter(|m| counts_exempt_at(m, meeting))
        .count() as u32
}

/// The spans of days on which `member` counts among the exempt of a branch, by
/// `counts_exempt_at`'s statuses and branches: (branch, first day, the day after the last,
/// `None` when open). Two records of a member whose spans and present branch agree add the
/// same exempt members to every meeting, so a write compares them to know which branch
/// months a change of status or branch can change (any day that changed lies in a span one
/// record has and the other has not). History is in date order (`chibo check`).
pub fn exempt_spans(member: &Member) -> Vec<(OrgId, NaiveDate, Option<NaiveDate>)> {
    let mut exempt: Vec<(NaiveDate, Option<NaiveDate>)> = Vec::new();
    for (i, change) in member.history.iter().enumerate() {
        if !change.status.is_exempt() {
            continue;
        }
        let next = member.history.get(i + 1).map(|c| c.from);
        let until = if change.status.needs_until() {
            change.until
        } else {
            None
        };
        let end = match (next, until) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if end.is_none_or(|end| change.from < end) {
            exempt.push((change.from, end));
        }
    }
    if exempt.is_empty() {
        return Vec::new();
    }
    let mut sat: Vec<(OrgId, Option<NaiveDate>, Option<NaiveDate>)> = Vec::new();
    let mut start = None;
    for former in &member.former_orgs {
        sat.push((former.org, start, Some(former.until)));
        start = Some(former.until);
    }
    sat.push((member.org, start, None));
    let mut spans = Vec::new();
    for &(org, sat_from, sat_until) in &sat {
        for &(from, until) in &exempt {
            let first = sat_from.map_or(from, |s| s.max(from));
            let end = match (sat_until, until) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            if end.is_none_or(|end| first < end) {
                spans.push((org, first, end));
            }
        }
    }
    spans
}

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
        let members = roll_members();
        Roll::new(
            members
                .iter()
                .filter_map(|m| RollEntry::of(m, meeting))
                .collect(),
        )
    }

    fn roll_members() -> Vec<Member> {
        vec![
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
        ]
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

    #[test]
    fn the_exempt_of_a_meeting_come_from_statuses_listed_or_not() {
        // Nobody is listed: the two exempt that day count all the same; the one whose
        // exemption ended, the one transferred out, and the one exempt only later do not.
        let m = meeting();
        let later = member(
            7,
            "Vũ Văn Hải",
            vec![change(MemberStatus::Exempt, day(2026, 12, 1), None)],
        );
        let ended = member(
            8,
            "Lý Thị Khuê",
            vec![change(
                MemberStatus::TemporarilyExempt,
                day(2026, 1, 1),
                Some(day(2026, 11, 7)),
            )],
        );
        let mut roster = vec![later, ended];
        roster.extend(roll_members());
        assert_eq!(exempt_at(&m, &roster), 2);
        // Listed or not, the count is the same.
        let mut listed = meeting();
        listed.attendance = vec![(MemberId(1), Mark::ExemptPresent)];
        assert_eq!(exempt_at(&listed, &roster), 2);
        // A member of another branch counts only when the meeting marks them, and only
        // when they sat in this branch that day.
        let mut moved = member(
            9,
            "Mai Văn Lâm",
            vec![change(MemberStatus::Exempt, day(2020, 1, 1), None)],
        );
        moved.org = OrgId(2);
        assert!(!counts_exempt_at(&moved, &m), "not marked here");
        moved.former_orgs = vec![crate::domain::FormerOrg {
            org: OrgId(1),
            until: day(2026, 12, 1),
        }];
        let mut marked = meeting();
        marked.attendance = vec![(MemberId(9), Mark::Exempt)];
        assert!(counts_exempt_at(&moved, &marked));
        moved.former_orgs[0].until = day(2026, 11, 7);
        assert!(
            !counts_exempt_at(&moved, &marked),
            "gone by the meeting's day"
        );
    }

    #[test]
    fn exempt_spans_are_the_days_exempt_in_each_branch() {
        let mut m = member(
            1,
            "Lê Thị Bình",
            vec![
                change(
                    MemberStatus::TemporarilyExempt,
                    day(2026, 1, 1),
                    Some(day(2026, 3, 1)),
                ),
                change(MemberStatus::Active, day(2026, 2, 1), None),
                change(MemberStatus::Exempt, day(2026, 6, 1), None),
            ],
        );
        m.former_orgs = vec![crate::domain::FormerOrg {
            org: OrgId(5),
            until: day(2026, 8, 1),
        }];
        assert_eq!(
            exempt_spans(&m),
            [
                (OrgId(5), day(2026, 1, 1), Some(day(2026, 2, 1))),
                (OrgId(5), day(2026, 6, 1), Some(day(2026, 8, 1))),
                (OrgId(1), day(2026, 8, 1), None),
            ]
        );
        // Every day agrees with the rule itself.
        let mut d = day(2025, 12, 1);
        while d < day(2027, 1, 1) {
            let branch = m.branch_on(d);
            let in_span = exempt_spans(&m)
                .iter()
                .any(|(o, from, until)| *o == branch && *from <= d && until.is_none_or(|u| d < u));
            let mut at = meeting();
            at.org = branch;
            at.date = d;
            if branch != m.org {
                at.attendance = vec![(m.id, Mark::Exempt)];
            }
            assert_eq!(in_span, counts_exempt_at(&m, &at), "{d}");
            d = d.succ_opt().unwrap();
        }
        assert!(exempt_spans(&member(2, "Trần Văn An", vec![])).is_empty());
    }
}
