//! Unexcused absences: a member who misses the branch's regular meeting without permission
//! in 3 or more months of a calendar year is proposed by the branch for removal from the
//! rolls (Party Statute art. 8.1; Regulation 24 point 8.1). chibo flags such members on the
//! branch and on every dashboard above it.
//!
//! A month counts when the member was marked `absent` at a held regular meeting of that
//! month, of any branch: a member moved between branches keeps the months of both. Two
//! regular meetings missed in one month are still one month.

use chrono::NaiveDate;

use super::meeting::{Mark, Meeting};
use super::member::{Member, MemberId};
use super::month::YearMonth;

/// Months of unexcused absence in a calendar year from which a member is flagged.
pub const FLAGGED_MONTHS: usize = 3;

/// The members marked absent without permission at `meeting`, when it is a held regular
/// meeting (at any other meeting an absence does not count), with the month it is in.
pub fn absences(meeting: &Meeting) -> impl Iterator<Item = (MemberId, YearMonth)> + '_ {
    let counts = meeting.is_held_regular();
    let month = YearMonth::of(meeting.date);
    meeting
        .attendance
        .iter()
        .filter(move |(_, mark)| counts && *mark == Mark::Absent)
        .map(move |(id, _)| (*id, month))
}

/// How many of `months` (each once) fall in the year of `month`, up to and including it:
/// the months missed so far that year.
pub fn months_so_far(months: &[YearMonth], month: YearMonth) -> usize {
    let first = YearMonth::january(month.year());
    months
        .iter()
        .filter(|m| (first..=month).contains(*m))
        .count()
}

/// Whether `member` is flagged at the end of `month`, given the months in
/// which they were marked absent: 3 or more so far that year, and still on the roll on the
/// month's last day — a member already removed, transferred out or deceased is no longer
/// the branch's to consider.
pub fn flagged(member: &Member, months: &[YearMonth], month: YearMonth) -> bool {
    let on_roll = member.status_on(month.last_day()).on_roll();
    on_roll && months_so_far(months, month) >= FLAGGED_MONTHS
}

/// The months of `year` among `months`, in order.
pub fn months_of_year(months: &[YearMonth], year: i32) -> Vec<YearMonth> {
    let mut of_year: Vec<YearMonth> = months
        .iter()
        .copied()
        .filter(|m| m.year() == year)
        .collect();
    of_year.sort_unstable();
    of_year.dedup();
    of_year
}

/// The last day of `year`, on which the year's report judges who is still on the roll.
pub fn year_end(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 12, 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{MeetingId, MeetingKind, MeetingState, MemberStatus, OrgId, StatusChange};

    fn ym(year: i32, month: u32) -> YearMonth {
        YearMonth::new(year, month).unwrap()
    }

    fn member(history: Vec<StatusChange>) -> Member {
        Member {
            id: MemberId(1),
            card: "1".into(),
            name: "Lê Lợi".into(),
            sex: None,
            born: None,
            admitted: None,
            full_member: None,
            org: OrgId(3),
            cell: None,
            phone: None,
            residence: None,
            former_orgs: Vec::new(),
            history,
        }
    }

    #[test]
    fn only_absences_at_held_regular_meetings_count() {
        let day = NaiveDate::from_ymd_opt(2026, 10, 7).unwrap();
        let mut m = Meeting::new(
            MeetingId(1),
            OrgId(3),
            MeetingKind::Regular,
            day,
            MeetingState::Held,
        );
        m.attendance = vec![
            (MemberId(1), Mark::Absent),
            (MemberId(2), Mark::Excused),
            (MemberId(3), Mark::Present),
            (MemberId(4), Mark::Absent),
        ];
        let found: Vec<_> = absences(&m).collect();
        assert_eq!(
            found,
            [(MemberId(1), ym(2026, 10)), (MemberId(4), ym(2026, 10))]
        );
        m.kind = MeetingKind::Thematic;
        assert_eq!(absences(&m).count(), 0);
        m.kind = MeetingKind::Regular;
        m.state = MeetingState::Cancelled;
        assert_eq!(absences(&m).count(), 0);
    }

    #[test]
    fn three_months_in_a_calendar_year_flag_a_member_on_the_roll() {
        let months = [
            ym(2025, 11),
            ym(2025, 12),
            ym(2026, 2),
            ym(2026, 9),
            ym(2026, 11),
        ];
        let m = member(vec![]);
        // December 2025: November and December of 2025 only — two.
        assert_eq!(months_so_far(&months, ym(2025, 12)), 2);
        assert!(!flagged(&m, &months, ym(2025, 12)));
        // The year starts again in January: 2026 has February, September, November.
        assert_eq!(months_so_far(&months, ym(2026, 1)), 0);
        assert_eq!(months_so_far(&months, ym(2026, 10)), 2);
        assert!(!flagged(&m, &months, ym(2026, 10)));
        assert!(flagged(&m, &months, ym(2026, 11)));
        assert!(flagged(&m, &months, ym(2026, 12)));
        assert_eq!(
            months_of_year(&months, 2026),
            [ym(2026, 2), ym(2026, 9), ym(2026, 11)]
        );
        // Exempt from December: still on the roll, still flagged; removed: not any more.
        let exempt = member(vec![StatusChange {
            status: MemberStatus::Exempt,
            from: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            until: None,
            reason: None,
        }]);
        assert!(flagged(&exempt, &months, ym(2026, 12)));
        let removed = member(vec![StatusChange {
            status: MemberStatus::Removed,
            from: NaiveDate::from_ymd_opt(2026, 12, 15).unwrap(),
            until: None,
            reason: None,
        }]);
        assert!(flagged(&removed, &months, ym(2026, 11)));
        assert!(!flagged(&removed, &months, ym(2026, 12)));
    }
}
