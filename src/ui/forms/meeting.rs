//! Meeting forms, opened from the meetings screen: plan a meeting of the organisation shown
//! (`p`), record one as held (`d`: the planned meeting under the cursor, or a new one), move
//! a planned meeting to another day (`r`; it stays planned and remembers the day it was
//! first planned for) and cancel one (`x`, asked first).
//!
//! When a committee plans a meeting, conference or event, the days its branches meet are
//! kept free (domain.md, "Meetings"): while the date is typed the form says which branches
//! meet that day, the status line says it too, and saving asks first. It stays a warning,
//! not a refusal: the committee decides.

use chrono::{NaiveDate, NaiveTime};

use super::confirm::Ask;
use super::field::{Field, Fields};
use super::words::{self, Word};
use super::{
    CalendarSubject, Done, Edit, Form, Opened, Plan, Refusal, Reply, Subject, Write, read_failed,
};
use crate::domain::date::parse_spoken_clock;
use crate::domain::limits::TextKind;
use crate::domain::{
    Lang, Meeting, MeetingId, MeetingKind, MeetingState, OrgId, OrgUnit, YearMonth,
};
use crate::store::{self, BranchClash, Command, MeetingDraft, MeetingWrite, Reader, StoreError};
use crate::ui::app::Target;
use crate::ui::i18n;
use crate::ui::screens::meetings::clash_checked;

/// The fields, by position: the same in every mode (the organisation first, fixed), the
/// kind fixed once a meeting exists.
mod at {
    pub const KIND: usize = 1;
    pub const DATE: usize = 2;
    pub const START: usize = 3;
    pub const END: usize = 4;
    pub const PLACE: usize = 5;
    pub const TOPIC: usize = 6;
}

/// What the form does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A new meeting, planned.
    Plan,
    /// A new meeting that has already been held.
    Record,
    /// A planned meeting moved to another day.
    Reschedule(MeetingId),
    /// A planned meeting recorded as held.
    Hold(MeetingId),
}

impl Mode {
    /// The store's command for this mode, on the form's organisation.
    fn meeting_write(self, org: OrgId) -> MeetingWrite {
        match self {
            Mode::Plan => MeetingWrite::Plan(org),
            Mode::Record => MeetingWrite::Record(org),
            Mode::Reschedule(id) => MeetingWrite::Reschedule(id),
            Mode::Hold(id) => MeetingWrite::Hold(id),
        }
    }

    fn held(self) -> bool {
        matches!(self, Mode::Record | Mode::Hold(_))
    }
}

struct MeetingForm {
    mode: Mode,
    org: OrgUnit,
    /// The kind of an existing meeting; a new one's is chosen from [`MeetingKind::ALL`].
    kind: Option<MeetingKind>,
    today: NaiveDate,
    /// The clashes last read, for the day they were read for.
    clashes: Option<(NaiveDate, Vec<BranchClash>)>,
}

fn calendar<'a>(subject: &'a Subject<'a>) -> Result<CalendarSubject<'a>, String> {
    subject
        .calendar
        .ok_or_else(|| Word::PickOrg.get(subject.lang).to_string())
}

/// The meeting under the cursor as stored now, if it is still planned.
fn planned_meeting(subject: &Subject<'_>, reader: &Reader) -> Result<Meeting, String> {
    let lang = subject.lang;
    let pick = || Word::PickPlanned.get(lang).to_string();
    let selected = calendar(subject)?.meeting.ok_or_else(pick)?;
    let meeting = reader
        .meeting(selected.id)
        .map_err(read_failed(lang))?
        .ok_or_else(|| Word::Gone.get(lang).to_string())?;
    if meeting.state != MeetingState::Planned {
        return Err(pick());
    }
    Ok(meeting)
}

fn org_of(reader: &Reader, meeting: &Meeting, lang: Lang) -> Result<OrgUnit, String> {
    reader
        .org(meeting.org)
        .map_err(read_failed(lang))?
        .ok_or_else(|| Word::Gone.get(lang).to_string())
}

/// The day a new meeting is offered for in the month shown: the day the rule fixes, or
/// today when that has passed in the month under way.
pub(super) fn offered_day(
    reader: &Reader,
    org: &OrgUnit,
    month: YearMonth,
    today: NaiveDate,
    lang: Lang,
) -> Result<NaiveDate, String> {
    let (rule, _) = reader
        .effective_schedule_for_month(org.id, month)
        .map_err(read_failed(lang))?;
    let due = rule.map_or(month.first_day(), |r| r.due_date(month));
    Ok(if due < today && YearMonth::of(today) == month {
        today
    } else {
        due
    })
}

/// `p`: a new meeting of the organisation shown, planned for the day its rule fixes.
pub fn plan(subject: &Subject<'_>, reader: &Reader) -> Opened {
    let lang = subject.lang;
    let shown = calendar(subject)?;
    let day = offered_day(reader, shown.node, shown.month, subject.today, lang)?;
    let usual = if shown.node.kind.is_branch() {
        MeetingKind::Regular
    } else {
        MeetingKind::Committee
    };
    let fields = new_fields(lang, shown.node, usual, Word::PlannedFor, day);
    let edit = MeetingForm {
        mode: Mode::Plan,
        org: shown.node.clone(),
        kind: None,
        today: subject.today,
        clashes: None,
    };
    let title = words::plan_title(lang, &shown.node.name);
    Ok(Box::new(
        Form::new(title, fields, edit)
            .warned(reader, lang)
            .focused_on(at::DATE),
    ))
}

/// `d`: the planned meeting under the cursor recorded as held, or, with none there, a new
/// meeting of the organisation shown recorded as held.
pub fn held(subject: &Subject<'_>, reader: &Reader) -> Opened {
    let lang = subject.lang;
    let shown = calendar(subject)?;
    if let Ok(meeting) = planned_meeting(subject, reader) {
        let org = org_of(reader, &meeting, lang)?;
        let day = meeting.date.min(subject.today);
        let fields = existing_fields(lang, &org, &meeting, Word::HeldOn, day);
        let title = words::hold_title(lang, &org.name);
        let edit = MeetingForm {
            mode: Mode::Hold(meeting.id),
            kind: Some(meeting.kind),
            org,
            today: subject.today,
            clashes: None,
        };
        return Ok(Box::new(
            Form::new(title, fields, edit).focused_on(at::DATE),
        ));
    }
    let offered = offered_day(reader, shown.node, shown.month, subject.today, lang)?;
    let usual = if shown.node.kind.is_branch() {
        MeetingKind::Regular
    } else {
        MeetingKind::Committee
    };
    let fields = new_fields(
        lang,
        shown.node,
        usual,
        Word::HeldOn,
        offered.min(subject.today),
    );
    let edit = MeetingForm {
        mode: Mode::Record,
        org: shown.node.clone(),
        kind: None,
        today: subject.today,
        clashes: None,
    };
    let title = words::record_title(lang, &shown.node.name);
    Ok(Box::new(
        Form::new(title, fields, edit).focused_on(at::DATE),
    ))
}

/// `r`: the planned meeting under the cursor moved to another day.
pub fn reschedule(subject: &Subject<'_>, reader: &Reader) -> Opened {
    let lang = subject.lang;
    let meeting = planned_meeting(subject, reader)?;
    let org = org_of(reader, &meeting, lang)?;
    let fields = existing_fields(lang, &org, &meeting, Word::NewDay, meeting.date);
    let title = words::reschedule_title(lang, &org.name);
    let edit = MeetingForm {
        mode: Mode::Reschedule(meeting.id),
        kind: Some(meeting.kind),
        org,
        today: subject.today,
        clashes: None,
    };
    Ok(Box::new(
        Form::new(title, fields, edit)
            .warned(reader, lang)
            .focused_on(at::DATE),
    ))
}

/// `x`: the planned meeting under the cursor cancelled, once the user says yes.
pub fn cancel(subject: &Subject<'_>, reader: &Reader) -> Opened {
    let lang = subject.lang;
    let meeting = planned_meeting(subject, reader)?;
    let org = org_of(reader, &meeting, lang)?;
    let kind = meeting.kind.label(lang);
    let question = words::cancel_question(lang, kind, &org.name, meeting.date);
    let write = Write::new(Command::CancelMeeting(meeting.id), MeetingCancelled);
    Ok(Box::new(Ask::new(question, write)))
}

/// The meeting cancelled, selected.
struct MeetingCancelled;

impl Reply for MeetingCancelled {
    fn done(self: Box<Self>, done: store::Done, lang: Lang) -> Result<Done, Refusal> {
        let (meeting, org) = done.into_meeting_of()?;
        let message = words::cancelled(lang, meeting.kind.label(lang), &org.name, meeting.date);
        Ok(Done::new(message).then(Target::Meeting(meeting.id)))
    }

    fn refused(&self, e: StoreError, lang: Lang) -> Refusal {
        refused(e, lang)
    }
}

/// A refusal of the store's calendar commands as a form says it: the day at the date
/// field, a meeting or organisation gone, a meeting no longer planned, the store's words.
fn refused(e: StoreError, lang: Lang) -> Refusal {
    match e {
        StoreError::OrgNotOn { .. } => Refusal::said(Some(at::DATE), &e, lang),
        StoreError::OrgGone(_) | StoreError::MeetingGone(_) => Refusal::gone(lang),
        StoreError::NotPlanned(_) => Refusal::said(None, &e, lang),
        other => other.into(),
    }
}

fn org_field(lang: Lang, org: &OrgUnit) -> Field {
    Field::fixed(
        Word::Organisation.get(lang),
        &format!("{} ({})", org.name, org.code),
    )
}

pub(super) fn time_field(label: Word, time: Option<NaiveTime>, lang: Lang) -> Field {
    let shown = time
        .map(crate::domain::date::format_clock)
        .unwrap_or_default();
    Field {
        placeholder: Some(words::time_placeholder(lang).to_string()),
        hint: Some(Word::TimeHint.get(lang).to_string()),
        ..Field::text(label.get(lang), &shown)
    }
}

fn new_fields(
    lang: Lang,
    org: &OrgUnit,
    usual: MeetingKind,
    date: Word,
    day: NaiveDate,
) -> Vec<Field> {
    let kinds = MeetingKind::ALL
        .iter()
        .map(|k| k.label(lang).to_string())
        .collect();
    let at = MeetingKind::ALL
        .iter()
        .position(|k| *k == usual)
        .unwrap_or(0);
    vec![
        org_field(lang, org),
        Field::choice(Word::MeetingKindLabel.get(lang), kinds, at),
        Field::date(date.get(lang), Some(day), lang).required(),
        time_field(Word::Start, None, lang),
        time_field(Word::End, None, lang),
        Field::text(Word::Place.get(lang), ""),
        Field::text(Word::Topic.get(lang), ""),
    ]
}

fn existing_fields(
    lang: Lang,
    org: &OrgUnit,
    meeting: &Meeting,
    date: Word,
    day: NaiveDate,
) -> Vec<Field> {
    let state = i18n::meeting_state(lang, meeting.state);
    let what = words::meeting_words(lang, meeting.kind.label(lang), state, meeting.date);
    vec![
        org_field(lang, org),
        Field::fixed(Word::Meeting.get(lang), &what),
        Field::date(date.get(lang), Some(day), lang).required(),
        time_field(Word::Start, meeting.time, lang),
        time_field(Word::End, meeting.end_time, lang),
        Field::text(
            Word::Place.get(lang),
            meeting.place.as_deref().unwrap_or(""),
        ),
        Field::text(
            Word::Topic.get(lang),
            meeting.topic.as_deref().unwrap_or(""),
        ),
    ]
}

/// The start and end typed in fields `start` and `end`. An end before the start read on
/// a 12-hour clock is the evening's ("9 giờ" after "7h30 tối" ends at 21:00); one that is
/// still not after the start is refused at the end's field.
pub(super) fn time_span(
    fields: &Fields,
    (start, end): (usize, usize),
    lang: Lang,
) -> Result<(Option<NaiveTime>, Option<NaiveTime>), Refusal> {
    let starts = optional_time(fields, start, lang)?;
    let mut ends = optional_time(fields, end, lang)?;
    if let (Some(from), Some(until)) = (starts, ends)
        && until <= from
    {
        let evening = until.overflowing_add_signed(chrono::TimeDelta::hours(12)).0;
        if chrono::Timelike::hour(&until) >= 12 || evening <= from {
            return Err(Refusal::at(end, Word::EndsBeforeStart.get(lang).into()));
        }
        ends = Some(evening);
    }
    Ok((starts, ends))
}

pub(super) fn optional_time(
    fields: &Fields,
    index: usize,
    lang: Lang,
) -> Result<Option<NaiveTime>, Refusal> {
    let text = fields.text(index).trim();
    if text.is_empty() {
        return Ok(None);
    }
    parse_spoken_clock(text)
        .map(Some)
        .map_err(|_| Refusal::at(index, words::bad_time(lang, &fields.get(index).label, text)))
}

impl MeetingForm {
    fn kind(&self, fields: &Fields) -> MeetingKind {
        self.kind
            .unwrap_or_else(|| MeetingKind::ALL[fields.choice(at::KIND) % MeetingKind::ALL.len()])
    }

    fn draft(&self, fields: &Fields, lang: Lang) -> Result<MeetingDraft, Refusal> {
        let date = fields.required_date(at::DATE, lang)?;
        let (time, end_time) = time_span(fields, (at::START, at::END), lang)?;
        let draft = MeetingDraft {
            kind: self.kind(fields),
            date,
            time,
            end_time,
            place: fields.optional_text(at::PLACE, TextKind::Place, lang)?,
            topic: fields.optional_text(at::TOPIC, TextKind::Topic, lang)?,
        };
        if self.mode.held() && draft.date > self.today {
            return Err(Refusal::at(
                at::DATE,
                words::held_in_future(lang, self.today),
            ));
        }
        if !self.mode.held() && draft.date < self.today {
            return Err(Refusal::at(
                at::DATE,
                words::planned_in_past(lang, draft.date),
            ));
        }
        Ok(draft)
    }

    /// The branches meeting on `day`, read once a day asked for.
    fn clashes_on(&mut self, reader: &Reader, day: NaiveDate) -> Vec<BranchClash> {
        if let Some((read_for, clashes)) = &self.clashes
            && *read_for == day
        {
            return clashes.clone();
        }
        let clashes = reader.clashes_on(self.org.id, day).unwrap_or_default();
        self.clashes = Some((day, clashes.clone()));
        clashes
    }

    /// Whether this form plans a day a committee should keep free for its branches.
    fn checks_clashes(&self, kind: MeetingKind) -> bool {
        !self.mode.held() && clash_checked(self.org.kind, kind)
    }
}

fn branch_names(clashes: &[BranchClash]) -> Vec<String> {
    clashes.iter().map(|c| c.branch.name.clone()).collect()
}

/// The organisation as stored now, refused unless it exists on `day`.
fn existing_on(
    reader_org: Option<OrgUnit>,
    day: NaiveDate,
    lang: Lang,
) -> Result<OrgUnit, Refusal> {
    let org = reader_org.ok_or_else(|| Refusal::gone(lang))?;
    if !org.exists_on(day) {
        let name = org.name;
        return Err(Refusal::said(
            Some(at::DATE),
            &StoreError::OrgNotOn { name, day },
            lang,
        ));
    }
    Ok(org)
}

impl Edit for MeetingForm {
    fn warning(&mut self, fields: &Fields, reader: &Reader, lang: Lang) -> Option<String> {
        let kind = self.kind(fields);
        if !self.checks_clashes(kind) {
            return None;
        }
        let day = fields.optional_date(at::DATE, lang).ok().flatten()?;
        let clashes = self.clashes_on(reader, day);
        (!clashes.is_empty()).then(|| words::clash_warning(lang, &branch_names(&clashes)))
    }

    fn plan(&self, fields: &Fields, reader: &Reader, lang: Lang) -> Result<Plan, Refusal> {
        let draft = self.draft(fields, lang)?;
        let org = existing_on(reader.org(self.org.id)?, draft.date, lang)?;
        if let Mode::Reschedule(id) | Mode::Hold(id) = self.mode {
            let meeting = reader.meeting(id)?.ok_or_else(|| Refusal::gone(lang))?;
            if meeting.state != MeetingState::Planned {
                return Err(Refusal::said(None, &StoreError::NotPlanned(id), lang));
            }
        }
        let clashes = if self.checks_clashes(draft.kind) {
            reader.clashes_on(org.id, draft.date)?
        } else {
            Vec::new()
        };
        let question = (!clashes.is_empty()).then(|| {
            words::clash_question(
                lang,
                (draft.kind.label(lang), &org.name),
                draft.date,
                &branch_names(&clashes),
            )
        });
        let command = Command::WriteMeeting {
            write: self.mode.meeting_write(org.id),
            draft,
        };
        let written = MeetingWritten {
            mode: self.mode,
            clashing: clashes.len(),
        };
        let plan = Plan::run(command, written);
        Ok(match question {
            Some(question) => plan.confirm_first(question),
            None => plan,
        })
    }
}

/// The meeting as the form wrote it, selected: planned (on a day its branches meet,
/// `clashing` of them), moved, or held.
struct MeetingWritten {
    mode: Mode,
    clashing: usize,
}

impl Reply for MeetingWritten {
    fn done(self: Box<Self>, done: store::Done, lang: Lang) -> Result<Done, Refusal> {
        let (meeting, org) = done.into_meeting_of()?;
        let (mode, clashing) = (self.mode, self.clashing);
        let kind = meeting.kind.label(lang);
        let message = match mode {
            Mode::Plan if clashing > 0 => {
                words::clashing_planned(lang, kind, &org.name, meeting.date, clashing)
            }
            Mode::Plan => words::planned(lang, kind, &org.name, meeting.date),
            Mode::Reschedule(_) => words::rescheduled(
                lang,
                kind,
                &org.name,
                meeting.first_planned_day(),
                meeting.date,
            ),
            Mode::Record | Mode::Hold(_) => {
                words::recorded_held(lang, kind, &org.name, meeting.date)
            }
        };
        Ok(Done::new(message).then(Target::Meeting(meeting.id)))
    }

    fn refused(&self, e: StoreError, lang: Lang) -> Refusal {
        refused(e, lang)
    }
}
