//! How long a meeting lasted against the minimum of Guidance 42-HD/BTCTW: a regular meeting
//! at least 90 minutes, a regular and a thematic meeting held together at least 120. The
//! minimums are configuration ([`DurationConfig`]); these are the defaults.

use chrono::Timelike;

use super::lang::Lang;
use super::meeting::{Meeting, MeetingKind, MeetingState};

/// The shortest regular meeting, in minutes.
pub const REGULAR_MINUTES: u32 = 90;
/// The shortest session of a regular and a thematic meeting held together, in minutes.
pub const COMBINED_MINUTES: u32 = 120;

/// The minimum durations, in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DurationConfig {
    pub regular: u32,
    pub combined: u32,
}

impl Default for DurationConfig {
    fn default() -> Self {
        DurationConfig {
            regular: REGULAR_MINUTES,
            combined: COMBINED_MINUTES,
        }
    }
}

/// A held regular meeting shorter than its minimum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShortMeeting {
    /// How long it lasted (with the thematic meeting held with it, when `combined`).
    pub minutes: u32,
    pub minimum: u32,
    /// Held together with a thematic meeting the same day.
    pub combined: bool,
}

impl ShortMeeting {
    pub fn label(&self, lang: Lang) -> String {
        let (m, min) = (self.minutes, self.minimum);
        match (self.combined, lang) {
            (false, Lang::Vi) => format!("họp {m} phút, dưới {min}"),
            (false, Lang::En) => format!("{m} min, under {min}"),
            (true, Lang::Vi) => format!("họp ghép chuyên đề {m} phút, dưới {min}"),
            (true, Lang::En) => format!("with thematic {m} min, under {min}"),
        }
    }
}

/// Minutes from start to end, when both times are recorded. The store refuses an end at or
/// before the start, so a meeting never runs past midnight.
pub fn minutes(meeting: &Meeting) -> Option<u32> {
    let (start, end) = (meeting.time?, meeting.end_time?);
    let minute = |t: chrono::NaiveTime| t.hour() * 60 + t.minute();
    minute(end).checked_sub(minute(start))
}

/// Whether the held regular meeting `regular` was shorter than its minimum. `same_day` are
/// the meetings of its organisation that day (it may be among them): a thematic meeting
/// held that day makes the two one session, judged on their durations together against
/// the combined minimum. A meeting whose times (or whose partner's) are not recorded is
/// not judged: a flag needs evidence.
pub fn short_meeting(
    regular: &Meeting,
    same_day: &[Meeting],
    config: &DurationConfig,
) -> Option<ShortMeeting> {
    if !regular.is_held_regular() {
        return None;
    }
    let own = minutes(regular)?;
    let partner = same_day.iter().find(|m| {
        m.org == regular.org
            && m.date == regular.date
            && m.kind == MeetingKind::Thematic
            && m.state == MeetingState::Held
    });
    let (total, minimum, combined) = match partner {
        Some(thematic) => (own + minutes(thematic)?, config.combined, true),
        None => (own, config.regular, false),
    };
    (total < minimum).then_some(ShortMeeting {
        minutes: total,
        minimum,
        combined,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{MeetingId, OrgId};
    use chrono::{NaiveDate, NaiveTime};

    fn meeting(kind: MeetingKind, times: Option<(&str, &str)>) -> Meeting {
        let day = NaiveDate::from_ymd_opt(2026, 11, 7).unwrap();
        let mut m = Meeting::new(MeetingId(1), OrgId(3), kind, day, MeetingState::Held);
        if let Some((start, end)) = times {
            m.time = NaiveTime::parse_from_str(start, "%H:%M").ok();
            m.end_time = NaiveTime::parse_from_str(end, "%H:%M").ok();
        }
        m
    }

    fn judged(regular: &Meeting, same_day: &[Meeting]) -> Option<ShortMeeting> {
        short_meeting(regular, same_day, &DurationConfig::default())
    }

    #[test]
    fn a_regular_meeting_under_ninety_minutes_is_short() {
        let short = meeting(MeetingKind::Regular, Some(("19:30", "20:59")));
        assert_eq!(minutes(&short), Some(89));
        assert_eq!(
            judged(&short, &[]),
            Some(ShortMeeting {
                minutes: 89,
                minimum: 90,
                combined: false
            })
        );
        let enough = meeting(MeetingKind::Regular, Some(("19:30", "21:00")));
        assert_eq!(judged(&enough, &[]), None);
        // Without an end time nothing is known, and nothing flagged.
        assert_eq!(judged(&meeting(MeetingKind::Regular, None), &[]), None);
        // Only held regular meetings are judged.
        let mut planned = short.clone();
        planned.state = MeetingState::Planned;
        assert_eq!(judged(&planned, &[]), None);
        assert_eq!(
            judged(
                &meeting(MeetingKind::Thematic, Some(("19:30", "20:00"))),
                &[]
            ),
            None
        );
    }

    #[test]
    fn held_with_a_thematic_meeting_the_two_need_two_hours() {
        // 19:00–20:30 regular (90) and 20:30–21:00 thematic (30): 120, enough.
        let regular = meeting(MeetingKind::Regular, Some(("19:00", "20:30")));
        let thematic = meeting(MeetingKind::Thematic, Some(("20:30", "21:00")));
        assert_eq!(judged(&regular, &[regular.clone(), thematic.clone()]), None);
        // 19:00–20:30 and 20:30–20:59: 119, short against 120 though the regular part
        // alone has its 90.
        let thematic = meeting(MeetingKind::Thematic, Some(("20:30", "20:59")));
        assert_eq!(
            judged(&regular, std::slice::from_ref(&thematic)),
            Some(ShortMeeting {
                minutes: 119,
                minimum: 120,
                combined: true
            })
        );
        assert_eq!(
            judged(&regular, &[thematic]).unwrap().label(Lang::Vi),
            "họp ghép chuyên đề 119 phút, dưới 120"
        );
        // A thematic meeting another day, or of another branch, is not held together.
        let mut other_day = meeting(MeetingKind::Thematic, Some(("20:30", "20:40")));
        other_day.date = other_day.date.succ_opt().unwrap();
        let mut elsewhere = meeting(MeetingKind::Thematic, Some(("20:30", "20:40")));
        elsewhere.org = OrgId(4);
        assert_eq!(judged(&regular, &[other_day, elsewhere]), None);
        // The thematic meeting's times unknown: the session is not judged.
        let untimed = meeting(MeetingKind::Thematic, None);
        assert_eq!(
            judged(
                &meeting(MeetingKind::Regular, Some(("19:00", "19:30"))),
                &[untimed]
            ),
            None
        );
    }

    #[test]
    fn the_minimums_are_configuration() {
        let config = DurationConfig {
            regular: 60,
            combined: 100,
        };
        let m = meeting(MeetingKind::Regular, Some(("19:00", "20:05")));
        assert_eq!(short_meeting(&m, &[], &config), None);
        let t = meeting(MeetingKind::Thematic, Some(("20:05", "20:30")));
        assert_eq!(
            short_meeting(&m, &[t], &config).map(|s| (s.minutes, s.minimum)),
            Some((90, 100))
        );
    }
}
