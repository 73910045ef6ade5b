//! `{"type":"meeting",…}`: a meeting planned, held or cancelled, with its roll, minutes,
//! vote, approval and amendments.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::batch::{Batch, CardRef, MeetingMore, MeetingRec};
use super::fields::Fields;
use super::json::{Pairs, Text, Texts, non_empty};
use crate::domain::date::{format_clock, format_moment};
use crate::domain::limits::TextKind;
use crate::domain::{
    Amendment, Approval, Assignment, Mark, Meeting, MeetingKind, MeetingState, Vote,
};
use crate::io::problem::Problem;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeetingLine<'a> {
    #[serde(rename = "type", borrow, skip_serializing_if = "Option::is_none")]
    pub record: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    org: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    kind: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    date: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    planned: Option<Text<'a>>,
    /// Left out for a held meeting, the default.
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    state: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    time: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    end_time: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    place: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    attendance: Option<Pairs<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    excuses: Option<Pairs<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    guests: Option<Texts<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    topic: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    agenda: Option<Texts<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    drafter: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    sent: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    minutes: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    decisions: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vote: Option<VoteLine>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    chair: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    secretary: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    assignments: Option<Vec<AssignmentLine<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    approved: Option<bool>,
    /// Only when the approval says more than that it happened.
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    approval: Option<ApprovalLine<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    amendments: Option<Vec<AmendmentLine<'a>>>,
}

/// `{"for":15,"against":1,"abstain":2}`
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoteLine {
    #[serde(rename = "for", skip_serializing_if = "Option::is_none")]
    in_favour: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    against: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    abstain: Option<u32>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalLine<'a> {
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    at: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    by: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    chair: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    secretary: Option<Text<'a>>,
}

/// `{"who":"Ngô Thị Dung","task":"thu đảng phí quý IV","due":"2026-12-30"}`
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignmentLine<'a> {
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    who: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    task: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    due: Option<Text<'a>>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmendmentLine<'a> {
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    at: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    by: Option<Text<'a>>,
    #[serde(borrow, skip_serializing_if = "Option::is_none")]
    text: Option<Text<'a>>,
}

/// The members a meeting names, by party card: those outside a subtree export left out.
#[derive(Default)]
pub struct Cards<'a> {
    pub attendance: Vec<(&'a str, &'a str)>,
    pub excuses: Vec<(&'a str, &'a str)>,
    pub guests: Vec<&'a str>,
    pub drafter: Option<&'a str>,
}

impl<'a> MeetingLine<'a> {
    /// The line for `meeting` of the org with code `org`; marks, excuses and guests in card
    /// order.
    pub fn written(org: &'a str, meeting: &'a Meeting, cards: Cards<'a>) -> Self {
        let pairs = |pairs: Vec<(&'a str, &'a str)>| {
            let pairs = pairs
                .into_iter()
                .map(|(k, v)| (Text::from(k), Text::from(v)));
            non_empty(pairs.collect()).map(|pairs| Pairs(pairs).sorted())
        };
        let texts = |texts: Vec<&'a str>| {
            let mut texts = non_empty(texts)?;
            texts.sort_unstable();
            Some(Texts(texts.into_iter().map(Text::from).collect()))
        };
        MeetingLine {
            record: Some(Text::from("meeting")),
            org: Some(Text::from(org)),
            kind: Some(Text::from(meeting.kind.as_str())),
            date: Some(Text::day(meeting.date)),
            planned: meeting.planned.map(Text::day),
            state: (meeting.state != MeetingState::Held)
                .then(|| Text::from(meeting.state.as_str())),
            time: meeting.time.map(|t| Text::from(format_clock(t))),
            end_time: meeting.end_time.map(|t| Text::from(format_clock(t))),
            place: meeting.place.as_deref().map(Text::from),
            attendance: pairs(cards.attendance),
            excuses: pairs(cards.excuses),
            guests: texts(cards.guests),
            topic: meeting.topic.as_deref().map(Text::from),
            agenda: non_empty(
                meeting
                    .agenda
                    .iter()
                    .map(|a| Text::from(a.as_str()))
                    .collect(),
            )
            .map(Texts),
            drafter: cards.drafter.map(Text::from),
            sent: meeting.sent_at.map(|at| Text::from(format_moment(at))),
            minutes: meeting.minutes.as_deref().map(Text::from),
            decisions: meeting.decisions.as_deref().map(Text::from),
            vote: meeting.vote.map(VoteLine::written),
            chair: meeting.chair.as_deref().map(Text::from),
            secretary: meeting.secretary.as_deref().map(Text::from),
            assignments: non_empty(
                meeting
                    .assignments
                    .iter()
                    .map(AssignmentLine::written)
                    .collect(),
            ),
            approved: meeting.is_approved().then_some(true),
            approval: meeting.approval.as_ref().and_then(ApprovalLine::written),
            amendments: non_empty(
                meeting
                    .amendments
                    .iter()
                    .map(AmendmentLine::written)
                    .collect(),
            ),
        }
    }

    pub fn check(self, line: usize, f: &mut Fields<'_>, batch: &mut Batch) {
        let org = f.required("org", TextKind::Code, self.org.as_deref());
        let kind = f.word(
            "kind",
            self.kind.as_deref(),
            MeetingKind::parse,
            MeetingKind::words,
        );
        let date = f.date("date", self.date.as_deref());
        let planned = f.opt_date("planned", self.planned.as_deref());
        let state = f
            .opt_word(
                "state",
                self.state.as_deref(),
                MeetingState::parse,
                MeetingState::words,
            )
            .unwrap_or(MeetingState::Held);
        let time = f.clock("time", self.time.as_deref());
        let end_time = f.clock("end_time", self.end_time.as_deref());
        if let (Some(start), Some(end)) = (time, end_time)
            && end <= start
        {
            f.report(Problem::DateOrder {
                later: "end_time",
                earlier: "time",
                strict: true,
            });
        }
        let place = f.optional("place", TextKind::Place, self.place.as_deref());
        let marked = self.attendance.as_ref().is_some_and(|a| !a.0.is_empty());
        if marked && state != MeetingState::Held {
            f.report(Problem::AttendanceNotHeld {
                state: state.as_str(),
            });
        }
        let attendance = attendance(self.attendance.as_ref(), f, batch);
        let excuses = excuses(self.excuses.as_ref(), f, batch);
        let guests = guests(self.guests.as_ref(), f, batch);
        let topic = f.optional("topic", TextKind::Topic, self.topic.as_deref());
        let agenda = agenda(self.agenda.as_ref(), f);
        let drafter = f.optional("drafter", TextKind::Card, self.drafter.as_deref());
        let drafter = drafter.map(|card| batch.card(&card));
        let sent_at = f.moment("sent", self.sent.as_deref());
        let minutes = f.free_text("minutes", TextKind::Minutes, self.minutes.as_deref());
        let decisions = f.free_text("decisions", TextKind::Section, self.decisions.as_deref());
        if let (Some(kind), true) = (kind, decisions.is_some())
            && kind != MeetingKind::Committee
        {
            f.report(Problem::DecisionsNotCommittee {
                kind: kind.as_str(),
            });
        }
        let vote = self.vote.and_then(|v| v.check(state, &attendance, f));
        let chair = f.optional("chair", TextKind::PersonName, self.chair.as_deref());
        let secretary = f.optional("secretary", TextKind::PersonName, self.secretary.as_deref());
        let assignments = assignments(self.assignments.unwrap_or_default(), f);
        let approved = self.approved.unwrap_or(false);
        let approval = approval(self.approval, approved, f);
        let amendments = amendments(self.amendments.unwrap_or_default(), approved, f);
        let (Some(org), Some(kind), Some(date), true) = (org, kind, date, f.ok) else {
            return;
        };
        // An approval that says nothing but that it happened is the flag alone.
        let approved = approval.is_some();
        let approval = approval.filter(|a| a != &Approval::default());
        let more = MeetingMore {
            topic: topic.map(Cow::into_owned),
            approval,
            amendments,
            time,
            end_time,
            place: place.map(Cow::into_owned),
            agenda,
            drafter,
            sent_at,
            vote,
            decisions,
            chair: chair.map(Cow::into_owned),
            secretary: secretary.map(Cow::into_owned),
            assignments,
        };
        let record = MeetingRec {
            line,
            org: batch.code(&org),
            kind,
            state,
            date,
            planned,
            attendance,
            excuses,
            guests,
            minutes,
            approved,
            more: more.boxed(),
        };
        batch.add_meeting(record);
    }
}

/// The agenda: one line of text an item, in order.
fn agenda(items: Option<&Texts<'_>>, f: &mut Fields<'_>) -> Vec<String> {
    let Some(Texts(items)) = items else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| f.optional("agenda", TextKind::AgendaItem, Some(item)))
        .map(Cow::into_owned)
        .collect()
}

impl VoteLine {
    fn written(vote: Vote) -> VoteLine {
        VoteLine {
            in_favour: Some(vote.in_favour),
            against: Some(vote.against),
            abstain: Some(vote.abstaining),
        }
    }

    /// All three counts, at a held meeting, never more than those marked present.
    fn check(
        self,
        state: MeetingState,
        attendance: &[(CardRef, Mark)],
        f: &mut Fields<'_>,
    ) -> Option<Vote> {
        let count = |field, value: Option<u32>, f: &mut Fields<'_>| {
            value.or_else(|| f.refuse(Problem::Missing { field }))
        };
        let in_favour = count("vote.for", self.in_favour, f);
        let against = count("vote.against", self.against, f);
        let abstaining = count("vote.abstain", self.abstain, f);
        let vote = Vote {
            in_favour: in_favour?,
            against: against?,
            abstaining: abstaining?,
        };
        if state != MeetingState::Held {
            return f.refuse(Problem::NotHeld {
                field: "vote",
                state: state.as_str(),
            });
        }
        let present = attendance.iter().filter(|(_, m)| m.came()).count();
        let votes =
            u64::from(vote.in_favour) + u64::from(vote.against) + u64::from(vote.abstaining);
        if votes > present as u64 {
            return f.refuse(Problem::VoteExceeds { votes, present });
        }
        Some(vote)
    }
}

impl<'a> ApprovalLine<'a> {
    /// Written only when it says more than that the minutes were approved.
    fn written(approval: &'a Approval) -> Option<Self> {
        (approval != &Approval::default()).then(|| ApprovalLine {
            at: approval.at.map(|at| Text::from(format_moment(at))),
            by: approval.by.as_deref().map(Text::from),
            chair: approval.chair.as_deref().map(Text::from),
            secretary: approval.secretary.as_deref().map(Text::from),
        })
    }
}

/// Who approved the minutes, when approved; `"approved": true` alone is an approval that
/// does not say by whom.
fn approval(
    line: Option<ApprovalLine<'_>>,
    approved: bool,
    f: &mut Fields<'_>,
) -> Option<Approval> {
    let Some(line) = line else {
        return approved.then(Approval::default);
    };
    if !approved {
        return f.refuse(Problem::NotApproved { field: "approval" });
    }
    let owned = |field, value: Option<Text<'_>>, f: &mut Fields<'_>| {
        f.optional(field, TextKind::PersonName, value.as_deref())
            .map(Cow::into_owned)
    };
    Some(Approval {
        at: f.moment("approval.at", line.at.as_deref()),
        by: owned("approval.by", line.by, f),
        chair: owned("approval.chair", line.chair, f),
        secretary: owned("approval.secretary", line.secretary, f),
    })
}

impl<'a> AmendmentLine<'a> {
    fn written(amendment: &'a Amendment) -> Self {
        AmendmentLine {
            at: Some(Text::from(format_moment(amendment.at))),
            by: Some(Text::from(amendment.by.as_str())),
            text: Some(Text::from(amendment.text.as_str())),
        }
    }
}

impl<'a> AssignmentLine<'a> {
    fn written(row: &'a Assignment) -> Self {
        AssignmentLine {
            who: Some(Text::from(row.who.as_str())),
            task: Some(Text::from(row.task.as_str())),
            due: row.due.map(Text::day),
        }
    }
}

/// Section VIII's table: each row names who and what, and may say by when.
fn assignments(lines: Vec<AssignmentLine<'_>>, f: &mut Fields<'_>) -> Vec<Assignment> {
    let mut rows = Vec::with_capacity(lines.len());
    for line in lines {
        let who = f.required("assignments.who", TextKind::PersonName, line.who.as_deref());
        let task = f.required(
            "assignments.task",
            TextKind::AgendaItem,
            line.task.as_deref(),
        );
        let due = f.opt_date("assignments.due", line.due.as_deref());
        if let (Some(who), Some(task)) = (who, task) {
            rows.push(Assignment {
                who: who.into_owned(),
                task: task.into_owned(),
                due,
            });
        }
    }
    rows
}

fn amendments(lines: Vec<AmendmentLine<'_>>, approved: bool, f: &mut Fields<'_>) -> Vec<Amendment> {
    if !lines.is_empty() && !approved {
        f.report(Problem::NotApproved {
            field: "amendments",
        });
        return Vec::new();
    }
    let mut amendments = Vec::with_capacity(lines.len());
    for line in lines {
        let at = f
            .required("amendments.at", TextKind::Line, line.at.as_deref())
            .map(Cow::into_owned);
        let at = f.moment("amendments.at", at.as_deref());
        let by = f.required("amendments.by", TextKind::PersonName, line.by.as_deref());
        let text = f.free_text("amendments.text", TextKind::Section, line.text.as_deref());
        if text.is_none() {
            f.report(Problem::Missing {
                field: "amendments.text",
            });
        }
        if let (Some(at), Some(by), Some(text)) = (at, by, text) {
            amendments.push(Amendment {
                at,
                by: by.into_owned(),
                text,
            });
        }
    }
    amendments
}

fn attendance(
    pairs: Option<&Pairs<'_>>,
    f: &mut Fields<'_>,
    batch: &mut Batch,
) -> Vec<(CardRef, Mark)> {
    let Some(Pairs(pairs)) = pairs else {
        return Vec::new();
    };
    let mut marks = Vec::with_capacity(pairs.len());
    for (card, mark) in pairs {
        let card = f.required("attendance", TextKind::Card, Some(card));
        let mark = f.word("attendance", Some(mark), Mark::parse, Mark::words);
        if let (Some(card), Some(mark)) = (card, mark) {
            marks.push((batch.card(&card), mark));
        }
    }
    marks
}

fn excuses(
    pairs: Option<&Pairs<'_>>,
    f: &mut Fields<'_>,
    batch: &mut Batch,
) -> Vec<(CardRef, String)> {
    let Some(Pairs(pairs)) = pairs else {
        return Vec::new();
    };
    let mut excuses = Vec::with_capacity(pairs.len());
    for (card, reason) in pairs {
        let card = f.required("excuses", TextKind::Card, Some(card));
        let reason = f.required("excuses", TextKind::Reason, Some(reason));
        if let (Some(card), Some(reason)) = (card, reason) {
            excuses.push((batch.card(&card), reason.into_owned()));
        }
    }
    excuses
}

fn guests(list: Option<&Texts<'_>>, f: &mut Fields<'_>, batch: &mut Batch) -> Vec<CardRef> {
    let Some(Texts(list)) = list else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|card| f.required("guests", TextKind::Card, Some(card)))
        .map(|card| batch.card(&card))
        .collect()
}
