//! Quorum and the vote on a resolution (Regulation 24-QĐ/TW point 9.3.2, domain.md
//! "Quorum"): a meeting and its resolution are valid when more than half of the members
//! counted are present and the resolution gets the votes of more than half of them.
//!
//! Counted: every member on the roll, less the exempt and temporarily exempt members who
//! did not come. An exempt member who comes is counted, and present; one who stays away
//! is not counted at all, so exemptions never make a quorum harder to reach. A temporarily
//! exempt member who comes is counted likewise: point 9.3.2 leaves out those away "who are
//! not present", and one who came is not away. Members transferred for a period are not
//! modelled apart in chibo: a member working far away is temporarily exempt.
//!
//! These counts are not the monthly attendance figures (present ÷ expected), which cover
//! the expected members only and stay as they are.

use serde::{Deserialize, Serialize};

use super::attendance::{Roll, Standing};
use super::lang::Lang;
use super::meeting::Mark;

/// What the chair reads out at the opening, and whether the meeting has its quorum.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Quorum {
    /// Members on the roll that day: full, probationary and exempt alike.
    pub on_roll: u32,
    pub probationary: u32,
    /// Exempt and temporarily exempt members, whether they came or not.
    pub exempt: u32,
    /// Exempt members who came: counted, and present.
    pub exempt_present: u32,
    /// Members counted for the quorum: on the roll less the exempt who did not come.
    pub counted: u32,
    /// Members present, the exempt who came included.
    pub present: u32,
    /// Expected members away with and without permission, and not yet marked.
    pub excused: u32,
    pub absent: u32,
    pub unmarked: u32,
}

impl Quorum {
    /// The counts of a roll.
    pub fn of(roll: &Roll) -> Quorum {
        let mut q = Quorum::default();
        for entry in &roll.entries {
            q.on_roll += 1;
            q.probationary += u32::from(entry.probationary);
            let came = entry.mark == Some(Mark::Present);
            if let Standing::Exempt { .. } = entry.standing {
                q.exempt += 1;
                if came {
                    q.exempt_present += 1;
                    q.counted += 1;
                    q.present += 1;
                }
                continue;
            }
            q.counted += 1;
            match entry.mark {
                Some(Mark::Present) => q.present += 1,
                Some(Mark::Excused) => q.excused += 1,
                Some(Mark::Absent) => q.absent += 1,
                Some(Mark::Exempt | Mark::ExemptPresent) | None => q.unmarked += 1,
            }
        }
        q
    }

    /// Full members on the roll.
    pub fn full(&self) -> u32 {
        self.on_roll - self.probationary
    }

    /// Exempt members who stayed away: not counted.
    pub fn exempt_away(&self) -> u32 {
        self.exempt - self.exempt_present
    }

    /// More than half of the members counted are present. Exactly half is not enough, and
    /// a meeting at which nobody is counted has no quorum.
    pub fn met(&self) -> bool {
        self.present * 2 > self.counted
    }

    /// The fewest present, or votes for, that make more than half of those counted.
    pub fn needed(&self) -> u32 {
        self.counted / 2 + 1
    }

    /// "Có mặt 12/20 đảng viên được tính: đủ số lượng" — the sentence the minutes and the
    /// roll-call screen show.
    pub fn verdict(&self, lang: Lang) -> String {
        let (present, counted) = (self.present, self.counted);
        if self.met() {
            lang.pick(
                format!("Có mặt {present}/{counted} đảng viên được tính: đủ số lượng hợp lệ"),
                format!("{present} of {counted} counted members present: quorum met"),
            )
        } else {
            lang.pick(
                format!(
                    "Có mặt {present}/{counted} đảng viên được tính: không đủ số lượng hợp lệ \
                     (cần ít nhất {})",
                    self.needed()
                ),
                format!(
                    "{present} of {counted} counted members present: no quorum (at least {} needed)",
                    self.needed()
                ),
            )
        }
    }
}

/// The vote on a meeting's resolution.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vote {
    pub in_favour: u32,
    pub against: u32,
    pub abstaining: u32,
}

impl Vote {
    /// Everyone who took part in the vote, abstaining included.
    pub fn total(&self) -> u32 {
        self.in_favour + self.against + self.abstaining
    }

    /// The resolution is valid: more than half of the members counted voted for it. That
    /// many votes can only come from a meeting that has its quorum (votes never outnumber
    /// those present), so this one comparison is the whole rule.
    pub fn adopted(&self, quorum: &Quorum) -> bool {
        self.in_favour * 2 > quorum.counted
    }

    /// "Biểu quyết: 15 tán thành, 1 không tán thành, 2 không biểu quyết — nghị quyết hợp lệ".
    pub fn verdict(&self, quorum: &Quorum, lang: Lang) -> String {
        let (f, a, n) = (self.in_favour, self.against, self.abstaining);
        let counted = quorum.counted;
        if self.adopted(quorum) {
            lang.pick(
                format!(
                    "Biểu quyết: {f} tán thành, {a} không tán thành, {n} không biểu quyết. \
                     Nghị quyết hợp lệ: {f}/{counted} đảng viên được tính tán thành, quá một nửa."
                ),
                format!(
                    "Vote: {f} for, {a} against, {n} abstaining. The resolution is valid: \
                     {f} of {counted} counted members for it, more than half."
                ),
            )
        } else {
            lang.pick(
                format!(
                    "Biểu quyết: {f} tán thành, {a} không tán thành, {n} không biểu quyết. \
                     Nghị quyết không hợp lệ: cần ít nhất {} đảng viên tán thành.",
                    quorum.needed()
                ),
                format!(
                    "Vote: {f} for, {a} against, {n} abstaining. The resolution is not valid: \
                     at least {} members for it are needed.",
                    quorum.needed()
                ),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::attendance::RollEntry;
    use crate::domain::member::MemberId;
    use chrono::NaiveDate;

    fn entry(id: u64, standing: Standing, mark: Option<Mark>, probationary: bool) -> RollEntry {
        RollEntry {
            member: MemberId(id),
            card: id.to_string(),
            name: format!("Đảng viên {id}"),
            probationary,
            standing,
            mark,
            reason: None,
        }
    }

    const EXEMPT: Standing = Standing::Exempt { until: None };

    fn temporarily() -> Standing {
        Standing::Exempt {
            until: NaiveDate::from_ymd_opt(2027, 3, 1),
        }
    }

    /// `expected` members of whom `present` came, and exempt members of whom some came.
    fn roll(expected: u32, present: u32, exempt: u32, exempt_present: u32) -> Roll {
        let mut entries = Vec::new();
        for i in 0..expected {
            let mark = if i < present {
                Mark::Present
            } else {
                Mark::Absent
            };
            entries.push(entry(u64::from(i), Standing::Expected, Some(mark), false));
        }
        for i in 0..exempt {
            let mark = (i < exempt_present).then_some(Mark::Present);
            entries.push(entry(u64::from(100 + i), EXEMPT, mark, false));
        }
        Roll::new(entries)
    }

    #[test]
    fn exactly_half_is_not_a_quorum_one_more_is() {
        // 20 counted: 10 present is half, 11 is more than half.
        let half = Quorum::of(&roll(20, 10, 0, 0));
        assert_eq!((half.counted, half.present, half.needed()), (20, 10, 11));
        assert!(!half.met());
        assert!(Quorum::of(&roll(20, 11, 0, 0)).met());
        // 21 counted: 10 is not more than half, 11 is.
        assert!(!Quorum::of(&roll(21, 10, 0, 0)).met());
        assert!(Quorum::of(&roll(21, 11, 0, 0)).met());
        assert_eq!(Quorum::of(&roll(21, 11, 0, 0)).needed(), 11);
        // Nobody counted: no quorum.
        assert!(!Quorum::of(&Roll::default()).met());
        assert!(!Quorum::of(&roll(1, 0, 0, 0)).met());
        assert!(Quorum::of(&roll(1, 1, 0, 0)).met());
    }

    #[test]
    fn exempt_members_who_stay_away_are_not_counted_those_who_come_are() {
        // Branch of Quarter 2: 92 on the roll, 22 exempt. 70 expected, 35 came: exactly half
        // of 70, no quorum. Counting the 22 exempt who stayed away would need 47.
        let q = Quorum::of(&roll(70, 35, 22, 0));
        assert_eq!(
            (q.on_roll, q.exempt, q.counted, q.present),
            (92, 22, 70, 35)
        );
        assert_eq!(q.exempt_away(), 22);
        assert!(!q.met());
        // One exempt member comes: counted and present, 36 of 71 — more than half.
        let q = Quorum::of(&roll(70, 35, 22, 1));
        assert_eq!((q.counted, q.present, q.exempt_present), (71, 36, 1));
        assert!(q.met());
        // Exempt members who come always help: 35 + 3 of 73.
        let q = Quorum::of(&roll(70, 35, 22, 3));
        assert_eq!((q.counted, q.present, q.needed()), (73, 38, 37));
        assert!(q.met());
        // …but never count as expected in the attendance figures.
        assert_eq!(roll(70, 35, 22, 3).counts().expected, 70);
    }

    #[test]
    fn temporarily_exempt_members_count_only_when_they_come() {
        let entries = vec![
            entry(1, Standing::Expected, Some(Mark::Present), false),
            entry(2, Standing::Expected, Some(Mark::Excused), true),
            entry(3, Standing::Expected, None, false),
            entry(4, temporarily(), None, false),
            entry(5, temporarily(), Some(Mark::Present), false),
        ];
        let q = Quorum::of(&Roll::new(entries));
        assert_eq!(
            (q.on_roll, q.probationary, q.full(), q.exempt, q.counted),
            (5, 1, 4, 2, 4)
        );
        assert_eq!((q.present, q.excused, q.unmarked), (2, 1, 1));
        assert!(!q.met(), "2 of 4 is exactly half");
    }

    #[test]
    fn a_resolution_needs_more_than_half_of_those_counted_voting_for_it() {
        let q = Quorum::of(&roll(20, 15, 5, 0));
        let vote = |f, a, n| Vote {
            in_favour: f,
            against: a,
            abstaining: n,
        };
        assert!(!vote(10, 3, 2).adopted(&q), "10 of 20 is half");
        assert!(vote(11, 3, 1).adopted(&q));
        assert_eq!(vote(11, 3, 1).total(), 15);
        assert_eq!(
            vote(11, 3, 1).verdict(&q, Lang::Vi),
            "Biểu quyết: 11 tán thành, 3 không tán thành, 1 không biểu quyết. Nghị quyết \
             hợp lệ: 11/20 đảng viên được tính tán thành, quá một nửa."
        );
        assert_eq!(
            vote(10, 3, 2).verdict(&q, Lang::En),
            "Vote: 10 for, 3 against, 2 abstaining. The resolution is not valid: at least 11 \
             members for it are needed."
        );
        // An exempt member who came and voted raises the count: 11 of 21 still passes.
        let q = Quorum::of(&roll(20, 15, 5, 1));
        assert_eq!(q.counted, 21);
        assert!(vote(11, 4, 1).adopted(&q));
        assert!(!vote(10, 5, 1).adopted(&q));
    }

    #[test]
    fn the_verdict_says_whether_the_quorum_is_met() {
        assert_eq!(
            Quorum::of(&roll(20, 10, 0, 0)).verdict(Lang::Vi),
            "Có mặt 10/20 đảng viên được tính: không đủ số lượng hợp lệ (cần ít nhất 11)"
        );
        assert_eq!(
            Quorum::of(&roll(20, 11, 2, 0)).verdict(Lang::En),
            "11 of 20 counted members present: quorum met"
        );
    }
}
