//! Preparing a branch's regular meeting (Guidance 42-HD/BTCTW of 28 October 2025): the
//! plan — day, time, place and topic, agenda, who drafts the content and the draft
//! resolution, documents for the members — "sent" to the members and to the committee
//! above, and the deadlines the committee above follows:
//!
//! - **The plan** (time, place and topic) by a day of the month before the meeting, the
//!   20th unless an organisation up the tree sets another (`plan_deadline`, inherited and
//!   changed month by month like the meeting rule). The deadline stays on that day whatever
//!   the weekday: a plan is sent in chibo, which does not close at weekends, and a
//!   "working day" rule would need the public holidays (Tết and the rest, moved every year
//!   by the government) that chibo does not know — half a rule (weekends but not holidays)
//!   would be wrong some of the time. Day N of a shorter month is its last day.
//! - **The documents** at least one day before the meeting: every document posted by the
//!   end of the day before it. A document is posted when the plan is sent, or when it is
//!   attached to a plan already sent.
//!
//! The plan of a month is kept on the month's regular meeting record (planned, then held):
//! its day, time, place and topic are the meeting's own.

use chrono::{Days, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::lang::Lang;
use super::meeting::{Meeting, MeetingKind, MeetingState};
use super::member::MemberId;
use super::month::YearMonth;
use super::org::{OrgUnit, vocabulary};
use super::quorum::Vote;
use super::schedule::ScheduleRule;

/// The largest document chibo keeps: 10 MB (10 × 1024 × 1024 bytes).
pub const MAX_DOCUMENT_BYTES: u64 = 10 * 1024 * 1024;

/// Documents are posted to members at least this many days before the meeting.
pub const DOCUMENT_LEAD_DAYS: u64 = 1;

vocabulary! {
    /// What a document holds: Markdown text written in chibo, or a file attached as is.
    DocumentKind {
        Markdown => "markdown",
        File => "file",
    }
}

/// A document of a meeting, as the meeting record lists it; its bytes are kept apart
/// (`documents` table), so reading a meeting never reads 10 MB.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentInfo {
    /// Its number within the meeting, from 1: one more than the highest listed.
    pub no: u32,
    /// The name shown and given to a saved copy ("Dự thảo nghị quyết tháng 12.md").
    pub name: String,
    pub kind: DocumentKind,
    /// The media type of an attached file ("application/pdf"), when known.
    pub media_type: Option<String>,
    /// Bytes (UTF-8 bytes of Markdown text).
    pub size: u64,
    pub added_at: NaiveDateTime,
}

/// What a document holds, on its way in or out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentBody {
    Markdown(String),
    File {
        media_type: Option<String>,
        bytes: Vec<u8>,
    },
}

impl DocumentBody {
    pub fn kind(&self) -> DocumentKind {
        match self {
            DocumentBody::Markdown(_) => DocumentKind::Markdown,
            DocumentBody::File { .. } => DocumentKind::File,
        }
    }

    pub fn bytes(&self) -> &[u8] {
        match self {
            DocumentBody::Markdown(text) => text.as_bytes(),
            DocumentBody::File { bytes, .. } => bytes,
        }
    }

    /// The body of stored bytes of a document described by `info`.
    pub fn from_stored(info: &DocumentInfo, bytes: Vec<u8>) -> DocumentBody {
        match info.kind {
            DocumentKind::Markdown => {
                DocumentBody::Markdown(String::from_utf8_lossy(&bytes).into_owned())
            }
            DocumentKind::File => DocumentBody::File {
                media_type: info.media_type.clone(),
                bytes,
            },
        }
    }
}

/// Refuses a document above [`MAX_DOCUMENT_BYTES`].
pub fn check_document_size(name: &str, size: u64) -> Result<(), PrepError> {
    if size > MAX_DOCUMENT_BYTES {
        return Err(PrepError::TooLarge {
            name: name.to_string(),
            size,
        });
    }
    Ok(())
}

/// The plan's day, time, place, topic, agenda and drafter, as a preparation form edits them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanDetails {
    pub date: Option<NaiveDate>,
    pub time: Option<chrono::NaiveTime>,
    pub end_time: Option<chrono::NaiveTime>,
    pub place: Option<String>,
    pub topic: Option<String>,
    pub agenda: Vec<String>,
    pub drafter: Option<MemberId>,
}

/// The last day a plan for a meeting in month `meeting_month` may be sent: day `day` of the
/// month before (its last day when shorter), whatever the weekday (see the module).
pub fn plan_deadline(day: u8, meeting_month: YearMonth) -> NaiveDate {
    ScheduleRule::DayOfMonth(day).due_date(meeting_month.previous())
}

/// The last day documents for a meeting on `meeting_day` may be posted: the day before.
pub fn documents_deadline(meeting_day: NaiveDate) -> NaiveDate {
    meeting_day - Days::new(DOCUMENT_LEAD_DAYS)
}

/// When every document of `meeting` had reached the members: the latest posting, each
/// document posted when the plan was sent or, attached later, when attached. `None` while
/// the plan is not sent or has no document.
pub fn documents_posted(meeting: &Meeting) -> Option<NaiveDateTime> {
    let sent = meeting.sent_at?;
    meeting.documents.iter().map(|d| d.added_at.max(sent)).max()
}

/// Whether something owed by a deadline came in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeliness {
    /// Done by the end of the deadline day.
    OnTime { at: NaiveDateTime },
    /// Done after the deadline day.
    Late {
        at: NaiveDateTime,
        deadline: NaiveDate,
    },
    /// Not done yet: missing once the deadline day is over.
    Pending { deadline: NaiveDate },
}

/// A flag of something owed: done late, or missing after its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lateness {
    Late,
    Missing,
}

impl Timeliness {
    /// `done` judged against the last day `deadline`.
    pub fn judge(done: Option<NaiveDateTime>, deadline: NaiveDate) -> Timeliness {
        match done {
            Some(at) if at.date() <= deadline => Timeliness::OnTime { at },
            Some(at) => Timeliness::Late { at, deadline },
            None => Timeliness::Pending { deadline },
        }
    }

    /// The flag on `today`: late, or missing once the deadline day has passed.
    pub fn flag(self, today: NaiveDate) -> Option<Lateness> {
        match self {
            Timeliness::OnTime { .. } => None,
            Timeliness::Late { .. } => Some(Lateness::Late),
            Timeliness::Pending { deadline } if today > deadline => Some(Lateness::Missing),
            Timeliness::Pending { .. } => None,
        }
    }
}

/// The regular meeting of `month` that carries the month's plan: of the month's regular
/// meetings not cancelled, the first one sent, else the first one.
pub fn month_plan<'a>(
    meetings: impl IntoIterator<Item = &'a Meeting>,
    month: YearMonth,
) -> Option<&'a Meeting> {
    let mut candidates: Vec<&Meeting> = meetings
        .into_iter()
        .filter(|m| m.kind == MeetingKind::Regular && m.state != MeetingState::Cancelled)
        .filter(|m| month.contains(m.date))
        .collect();
    candidates.sort_by_key(|m| (m.sent_at.is_none(), m.date));
    candidates.first().copied()
}

/// How a branch kept the preparation of its regular meeting of one month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanMonth {
    /// The plan: sent by the deadline of the month before?
    pub plan: Timeliness,
    /// The documents: posted by the day before the meeting?
    pub documents: Timeliness,
}

/// What a branch owes for the regular meeting of `month`, and how it kept it, from
/// its meetings of the month. Owed by a branch due that month (it exists on some day of it
/// and a meeting rule is in force, as for compliance) that existed on the plan's deadline:
/// one founded after the deadline could not have sent a plan in time. `deadline_day` is the
/// plan deadline day in force ([`super::schedule::plan_deadline_day`]). The documents are
/// due the day before the meeting (the due day when no meeting is recorded yet).
pub fn plan_month(
    branch: &OrgUnit,
    rule: Option<ScheduleRule>,
    deadline_day: u8,
    month: YearMonth,
    meetings: &[Meeting],
) -> Option<PlanMonth> {
    let rule = rule?;
    let deadline = plan_deadline(deadline_day, month);
    let founded_in_time = branch.founded.is_none_or(|f| f <= deadline);
    if !branch.kind.is_branch() || !branch.exists_in_month(month) || !founded_in_time {
        return None;
    }
    let meeting = month_plan(meetings.iter().filter(|m| m.org == branch.id), month);
    let due = rule.due_date(month);
    let meeting_day = meeting.map_or(due, |m| m.date);
    Some(PlanMonth {
        plan: Timeliness::judge(meeting.and_then(|m| m.sent_at), deadline),
        documents: Timeliness::judge(
            meeting.and_then(documents_posted),
            documents_deadline(meeting_day),
        ),
    })
}

/// What the branch-status list flags for a branch and month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// No plan sent, and its deadline has passed.
    PlanMissing,
    /// The plan was sent after its deadline.
    PlanLate,
    /// No document posted, and the day before the meeting has passed.
    DocumentsMissing,
    /// Documents posted on the meeting day or later.
    DocumentsLate,
    /// The month's regular meeting was shorter than its minimum.
    ShortMeeting(super::duration::ShortMeeting),
    /// The month's regular meeting was held without its quorum.
    NoQuorum { present: u32, counted: u32 },
    /// The month's regular meeting is marked held but nobody was marked at it: who came is
    /// not known, so its attendance counts nowhere.
    NoRollCall,
    /// Members with 3 or more months of unexcused absence this year so far.
    Absentees(u32),
}

impl Flag {
    /// The flag in words for people, in their language.
    pub fn label(&self, lang: Lang) -> String {
        match self {
            Flag::PlanMissing => lang.pick("chưa gửi kế hoạch", "plan missing").into(),
            Flag::PlanLate => lang.pick("gửi kế hoạch muộn", "plan late").into(),
            Flag::DocumentsMissing => lang.pick("chưa gửi tài liệu", "documents missing").into(),
            Flag::DocumentsLate => lang.pick("gửi tài liệu muộn", "documents late").into(),
            Flag::ShortMeeting(short) => short.label(lang),
            Flag::NoQuorum { present, counted } => lang.pick(
                format!("không đủ số lượng ({present}/{counted})"),
                format!("no quorum ({present}/{counted})"),
            ),
            Flag::NoRollCall => lang.pick("chưa điểm danh", "no roll-call").into(),
            Flag::Absentees(n) => lang.pick(
                format!("{n} đảng viên vắng không phép từ 3 tháng"),
                format!("{n} absent without leave 3+ months"),
            ),
        }
    }
}

/// Why a plan, a document, a vote or a committee's decisions cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrepError {
    /// A plan is sent with its time, place and topic: these are missing.
    Incomplete(Vec<&'static str>),
    /// The plan was already sent, at this time: sending again would change when.
    AlreadySent(NaiveDateTime),
    /// A cancelled meeting has no plan to send or documents to add.
    Cancelled,
    /// A document above the limit.
    TooLarge { name: String, size: u64 },
    /// A document without a name.
    BlankName,
    /// No document with this number.
    NoDocument(u32),
    /// A vote is recorded at a meeting that was held.
    NotHeld,
    /// More votes than members present.
    VoteExceeds { votes: u32, present: u32 },
    /// Decisions for the agenda belong to a committee meeting.
    NotCommittee,
}

/// "12,3 MB" / "12.3 MB".
fn megabytes(size: u64, lang: Lang) -> String {
    let text = format!("{:.1}", size as f64 / (1024.0 * 1024.0));
    match lang {
        Lang::Vi => format!("{} MB", text.replace('.', ",")),
        Lang::En => format!("{text} MB"),
    }
}

impl PrepError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            PrepError::Incomplete(missing) => {
                let words: Vec<&str> = missing
                    .iter()
                    .map(|field| match *field {
                        "time" => lang.pick("giờ họp", "the time"),
                        "place" => lang.pick("địa điểm", "the place"),
                        "topic" => lang.pick("nội dung (chủ đề)", "the topic"),
                        other => other,
                    })
                    .collect();
                lang.pick(
                    format!("chưa gửi được kế hoạch: còn thiếu {}", words.join(", ")),
                    format!("the plan cannot be sent yet: {} missing", words.join(", ")),
                )
            }
            PrepError::AlreadySent(at) => lang.pick(
                format!("kế hoạch đã được gửi lúc {}", at.format("%H:%M %d/%m/%Y")),
                format!(
                    "the plan was already sent at {}",
                    at.format("%Y-%m-%d %H:%M")
                ),
            ),
            PrepError::Cancelled => lang
                .pick("cuộc họp đã bị hủy", "the meeting is cancelled")
                .into(),
            PrepError::TooLarge { name, size } => lang.pick(
                format!(
                    "tài liệu {} nặng {}, vượt quá giới hạn 10 MB: hãy nén hoặc chia nhỏ tệp",
                    crate::domain::text::quoted(name),
                    megabytes(*size, lang)
                ),
                format!(
                    "document {} is {}, over the 10 MB limit: compress or split the file",
                    crate::domain::text::quoted(name),
                    megabytes(*size, lang)
                ),
            ),
            PrepError::BlankName => lang
                .pick("tài liệu cần có tên", "a document needs a name")
                .into(),
            PrepError::NoDocument(no) => lang.pick(
                format!("không có tài liệu số {no}"),
                format!("there is no document number {no}"),
            ),
            PrepError::NotHeld => lang
                .pick(
                    "chỉ ghi biểu quyết cho cuộc họp đã diễn ra",
                    "a vote is recorded only for a meeting that was held",
                )
                .into(),
            PrepError::VoteExceeds { votes, present } => lang.pick(
                format!("{votes} phiếu biểu quyết nhưng chỉ có {present} đảng viên có mặt"),
                format!("{votes} votes but only {present} members present"),
            ),
            PrepError::NotCommittee => lang
                .pick(
                    "quyết định về nội dung chỉ ghi cho cuộc họp chi ủy (cấp ủy)",
                    "decisions for the agenda belong to a committee meeting",
                )
                .into(),
        }
    }
}

impl Meeting {
    /// What a plan still needs before it can be sent: its time, place and topic.
    pub fn plan_missing(&self) -> Vec<&'static str> {
        let blank = |text: &Option<String>| text.as_deref().is_none_or(|t| t.trim().is_empty());
        let mut missing = Vec::new();
        if self.time.is_none() {
            missing.push("time");
        }
        if blank(&self.place) {
            missing.push("place");
        }
        if blank(&self.topic) {
            missing.push("topic");
        }
        missing
    }

    /// Writes what a preparation form holds into the meeting. A plan already sent can still
    /// be corrected; it keeps the time it was sent.
    pub fn set_plan(&mut self, details: &PlanDetails) -> Result<(), PrepError> {
        if self.state == MeetingState::Cancelled {
            return Err(PrepError::Cancelled);
        }
        if let Some(day) = details.date {
            if self.state == MeetingState::Planned {
                self.reschedule(day);
            } else {
                self.date = day;
            }
        }
        let one_line = |t: &Option<String>| {
            t.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
        };
        self.time = details.time;
        self.end_time = details.end_time;
        self.place = one_line(&details.place);
        self.topic = one_line(&details.topic);
        self.agenda = details
            .agenda
            .iter()
            .map(|item| item.trim().to_string())
            .filter(|item| !item.is_empty())
            .collect();
        self.drafter = details.drafter;
        Ok(())
    }

    /// Marks the plan sent to the members and the committee above at `at`.
    pub fn send_plan(&mut self, at: NaiveDateTime) -> Result<(), PrepError> {
        if self.state == MeetingState::Cancelled {
            return Err(PrepError::Cancelled);
        }
        if let Some(sent) = self.sent_at {
            return Err(PrepError::AlreadySent(sent));
        }
        let missing = self.plan_missing();
        if !missing.is_empty() {
            return Err(PrepError::Incomplete(missing));
        }
        self.sent_at = Some(at);
        Ok(())
    }

    /// Lists a new document of `size` bytes, numbered after the last one; returns it.
    pub fn add_document(
        &mut self,
        name: &str,
        body: &DocumentBody,
        at: NaiveDateTime,
    ) -> Result<DocumentInfo, PrepError> {
        if self.state == MeetingState::Cancelled {
            return Err(PrepError::Cancelled);
        }
        let name = name.trim();
        if name.is_empty() {
            return Err(PrepError::BlankName);
        }
        let size = body.bytes().len() as u64;
        check_document_size(name, size)?;
        let info = DocumentInfo {
            no: self.documents.iter().map(|d| d.no).max().unwrap_or(0) + 1,
            name: name.to_string(),
            kind: body.kind(),
            media_type: match body {
                DocumentBody::File { media_type, .. } => media_type.clone(),
                DocumentBody::Markdown(_) => None,
            },
            size,
            added_at: at,
        };
        self.documents.push(info.clone());
        Ok(info)
    }

    /// Takes document `no` off the list.
    pub fn remove_document(&mut self, no: u32) -> Result<DocumentInfo, PrepError> {
        let at = self
            .documents
            .iter()
            .position(|d| d.no == no)
            .ok_or(PrepError::NoDocument(no))?;
        Ok(self.documents.remove(at))
    }

    /// Members marked present: those who can vote, the exempt who came included.
    pub fn present_marks(&self) -> u32 {
        let counts = self.counts();
        counts.present + counts.exempt_present
    }

    /// Records the vote on the resolution (`None` takes it away).
    pub fn set_vote(&mut self, vote: Option<Vote>) -> Result<(), PrepError> {
        if let Some(vote) = vote {
            if self.state != MeetingState::Held {
                return Err(PrepError::NotHeld);
            }
            let present = self.present_marks();
            if vote.total() > present {
                return Err(PrepError::VoteExceeds {
                    votes: vote.total(),
                    present,
                });
            }
        }
        self.vote = vote;
        Ok(())
    }

    /// Records what a committee meeting decided for the agenda of the branch meeting.
    pub fn set_decisions(&mut self, text: Option<String>) -> Result<(), PrepError> {
        if self.kind != MeetingKind::Committee {
            return Err(PrepError::NotCommittee);
        }
        self.decisions = text.filter(|t| !t.trim().is_empty());
        Ok(())
    }
}

#[cfg(test)]
mod tests;
