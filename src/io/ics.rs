//! Meetings as an iCalendar file (RFC 5545) for calendar programs: one event per meeting of
//! a subtree in a range of months, planned, held or cancelled.
//!
//! Written by hand rather than with a library: the format is small, and this way the output
//! depends only on the data and the stamp given (no clock read, no random UIDs). Lines end in
//! CRLF and are folded at 75 octets without splitting a character; text values escape `\`,
//! `;`, `,` and line breaks. Times are local times of Asia/Ho_Chi_Minh, declared by a
//! VTIMEZONE (Vietnam keeps UTC+7 all year); a meeting without a start time is an all-day
//! event. Each UID is stable across exports and reschedules, so importing a newer file
//! updates the events instead of adding them twice: see [`uid`].

use std::collections::HashMap;
use std::io::Write;

use chrono::{DateTime, Days, NaiveDate, Utc};

use super::ImportError;
use crate::domain::YearMonth;
use crate::domain::{Lang, Meeting, MeetingId, MeetingKind, MeetingState, OrgUnit};
use crate::store::Reader;

/// The time zone of every time written.
pub const TIME_ZONE: &str = "Asia/Ho_Chi_Minh";

/// Writes the meetings of the subtree rooted at the org with code `root` whose day falls in
/// the months `from` to `to` (both included), stamped with `stamp` (the time of
/// the export, which tells a calendar that this copy is newer than one it holds).
pub fn export(
    reader: &Reader,
    root: &OrgUnit,
    (from, to): (YearMonth, YearMonth),
    stamp: DateTime<Utc>,
    lang: Lang,
    out: impl Write,
) -> Result<(), ImportError> {
    let (first, last) = (from.first_day(), to.last_day());
    let mut events = Vec::new();
    for (org, meetings) in reader.meetings_between(root.id, first, last)? {
        let numbers = uid_numbers(&reader.all_meetings_of(org.id)?);
        for meeting in meetings {
            let n = numbers.get(&meeting.id).copied().unwrap_or(1);
            events.push((meeting.date, uid(&org, &meeting, n), org.clone(), meeting));
        }
    }
    events.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let mut ics = Ics::new(out);
    ics.calendar_head(root)?;
    for (_, uid, org, meeting) in &events {
        ics.event(uid, org, meeting, stamp, lang)?;
    }
    ics.line("END:VCALENDAR")?;
    ics.out.flush()?;
    Ok(())
}

/// The UID of a meeting: `{org code}-{kind}-{yyyymm}-{n}@chibo`, where `yyyymm` is the month
/// of the day it was first planned for (the day held when it never moved) and `n` counts the
/// org's meetings of that kind and month from 1, in order of that day. A reschedule keeps the
/// first planned day, and holding a planned meeting keeps it too, so the UID stays the same
/// through both. The month is written as its number `yyyymm` ([`YearMonth::key`]), as the
/// calendars that hold earlier exports know it.
pub fn uid(org: &OrgUnit, meeting: &Meeting, n: usize) -> String {
    format!(
        "{}-{}-{}-{n}@chibo",
        org.code,
        meeting.kind.as_str(),
        YearMonth::of(meeting.first_planned_day()).key()
    )
}

/// The `n` of every meeting of one org: its place among the org's meetings of the same kind
/// and first planned month, ordered by first planned day, then day, then id.
fn uid_numbers(meetings: &[Meeting]) -> HashMap<MeetingId, usize> {
    let mut ordered: Vec<&Meeting> = meetings.iter().collect();
    ordered.sort_by_key(|m| {
        let first = m.first_planned_day();
        (m.kind, YearMonth::of(first), first, m.date, m.id)
    });
    let mut numbers = HashMap::new();
    let mut previous: Option<(MeetingKind, YearMonth)> = None;
    let mut n = 0;
    for m in ordered {
        let group = (m.kind, YearMonth::of(m.first_planned_day()));
        n = if previous == Some(group) { n + 1 } else { 1 };
        previous = Some(group);
        numbers.insert(m.id, n);
    }
    numbers
}

/// Content lines written to `out`, folded and ended as RFC 5545 asks.
struct Ics<W: Write> {
    out: W,
}

impl<W: Write> Ics<W> {
    fn new(out: W) -> Self {
        Ics { out }
    }

    fn line(&mut self, line: &str) -> std::io::Result<()> {
        self.out.write_all(fold(line).as_bytes())
    }

    /// A property with a text value, escaped.
    fn text(&mut self, name: &str, value: &str) -> std::io::Result<()> {
        self.line(&format!("{name}:{}", escape_text(value)))
    }

    fn calendar_head(&mut self, root: &OrgUnit) -> std::io::Result<()> {
        self.line("BEGIN:VCALENDAR")?;
        self.line("VERSION:2.0")?;
        self.line(concat!(
            "PRODID:-//chibo//chibo ",
            env!("CARGO_PKG_VERSION"),
            "//VI"
        ))?;
        self.line("CALSCALE:GREGORIAN")?;
        self.line("METHOD:PUBLISH")?;
        self.text("X-WR-CALNAME", &root.name)?;
        self.line(&format!("X-WR-TIMEZONE:{TIME_ZONE}"))?;
        // Vietnam has kept UTC+7, without summer time, since 13 June 1975.
        self.line("BEGIN:VTIMEZONE")?;
        self.line(&format!("TZID:{TIME_ZONE}"))?;
        self.line("BEGIN:STANDARD")?;
        self.line("DTSTART:19750613T000000")?;
        self.line("TZOFFSETFROM:+0800")?;
        self.line("TZOFFSETTO:+0700")?;
        self.line("TZNAME:ICT")?;
        self.line("END:STANDARD")?;
        self.line("END:VTIMEZONE")
    }

    fn event(
        &mut self,
        uid: &str,
        org: &OrgUnit,
        meeting: &Meeting,
        stamp: DateTime<Utc>,
        lang: Lang,
    ) -> std::io::Result<()> {
        self.line("BEGIN:VEVENT")?;
        self.text("UID", uid)?;
        self.line(&format!("DTSTAMP:{}", stamp.format("%Y%m%dT%H%M%SZ")))?;
        let day = meeting.date.format("%Y%m%d");
        match meeting.time {
            Some(start) => {
                let at = |t: chrono::NaiveTime| t.format("%H%M%S");
                self.line(&format!("DTSTART;TZID={TIME_ZONE}:{day}T{}", at(start)))?;
                if let Some(end) = meeting.end_time.filter(|end| *end > start) {
                    self.line(&format!("DTEND;TZID={TIME_ZONE}:{day}T{}", at(end)))?;
                }
            }
            None => {
                let next = next_day(meeting.date).format("%Y%m%d");
                self.line(&format!("DTSTART;VALUE=DATE:{day}"))?;
                self.line(&format!("DTEND;VALUE=DATE:{next}"))?;
            }
        }
        self.text("SUMMARY", &summary(org, meeting, lang))?;
        if let Some(place) = &meeting.place {
            self.text("LOCATION", place)?;
        }
        if let Some(topic) = &meeting.topic {
            self.text("DESCRIPTION", topic)?;
        }
        let status = match meeting.state {
            MeetingState::Cancelled => "CANCELLED",
            MeetingState::Planned | MeetingState::Held => "CONFIRMED",
        };
        self.line(&format!("STATUS:{status}"))?;
        self.line("END:VEVENT")
    }
}

fn next_day(day: NaiveDate) -> NaiveDate {
    day.checked_add_days(Days::new(1)).unwrap_or(day)
}

/// "Sinh hoạt thường kỳ — Chi bộ khu 2"; a cancelled meeting says so first, for calendars
/// that do not show the status.
fn summary(org: &OrgUnit, meeting: &Meeting, lang: Lang) -> String {
    let what = format!("{} — {}", meeting.kind.label(lang), org.name);
    match meeting.state {
        MeetingState::Cancelled => format!("{} {what}", lang.pick("(Đã hủy)", "(Cancelled)")),
        MeetingState::Planned | MeetingState::Held => what,
    }
}

/// A TEXT value: backslash, semicolon and comma escaped, every line break as `\n`.
fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// One content line ended by CRLF, folded so that no line is longer than 75 octets: a
/// continuation starts with a space, and a character is never split across lines.
fn fold(line: &str) -> String {
    const LIMIT: usize = 75;
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > LIMIT {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::parse_iso;
    use crate::domain::{OrgId, OrgKind};

    #[test]
    fn text_values_escape_the_characters_that_mean_something() {
        assert_eq!(
            escape_text("Họp; bàn, việc\\ khác\nhai\r\nba"),
            "Họp\\; bàn\\, việc\\\\ khác\\nhai\\nba"
        );
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_a_character() {
        let line = format!("SUMMARY:{}", "Sinh hoạt chi bộ khu phố Hồng Gai ".repeat(6));
        let folded = fold(&line);
        assert!(folded.ends_with("\r\n"));
        let parts: Vec<&str> = folded.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(parts.len() > 2);
        for (i, part) in parts.iter().enumerate() {
            assert!(part.len() <= 75, "{part:?} is {} octets", part.len());
            assert_eq!(part.starts_with(' '), i > 0);
        }
        let unfolded: String = parts
            .iter()
            .enumerate()
            .map(|(i, p)| if i == 0 { *p } else { &p[1..] })
            .collect();
        assert_eq!(unfolded, line);
        assert_eq!(fold("VERSION:2.0"), "VERSION:2.0\r\n");
    }

    fn meeting(id: u64, kind: MeetingKind, date: &str, planned: Option<&str>) -> Meeting {
        let day = parse_iso(date).unwrap();
        Meeting {
            planned: planned.map(|p| parse_iso(p).unwrap()),
            ..Meeting::new(MeetingId(id), OrgId(1), kind, day, MeetingState::Planned)
        }
    }

    #[test]
    fn uids_follow_the_month_first_planned_and_survive_a_reschedule() {
        let org = OrgUnit::new(OrgId(1), "QN.HG.K2", "Chi bộ khu 2", OrgKind::Branch, None);
        let mut meetings = vec![
            meeting(1, MeetingKind::Regular, "2026-10-07", None),
            meeting(2, MeetingKind::Thematic, "2026-10-20", None),
            meeting(3, MeetingKind::Thematic, "2026-10-09", None),
            // Planned for 31 October, held on 2 November: still October's.
            meeting(4, MeetingKind::Regular, "2026-11-02", Some("2026-10-31")),
            meeting(5, MeetingKind::Regular, "2026-11-07", None),
        ];
        let uids = |meetings: &[Meeting]| {
            let numbers = uid_numbers(meetings);
            meetings
                .iter()
                .map(|m| uid(&org, m, numbers[&m.id]))
                .collect::<Vec<_>>()
        };
        let before = uids(&meetings);
        assert_eq!(
            before,
            [
                "QN.HG.K2-regular-202610-1@chibo",
                "QN.HG.K2-thematic-202610-2@chibo",
                "QN.HG.K2-thematic-202610-1@chibo",
                "QN.HG.K2-regular-202610-2@chibo",
                "QN.HG.K2-regular-202611-1@chibo",
            ]
        );
        meetings[4].reschedule(parse_iso("2026-11-10").unwrap());
        meetings[4].hold(parse_iso("2026-11-09").unwrap());
        assert_eq!(uids(&meetings), before);
    }
}
