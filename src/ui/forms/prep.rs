//! Preparing a branch's meeting, from the meetings screen: `n` fills in the plan of the
//! month (day, times, place, topic, agenda, who drafts the content and the draft
//! resolution), `a` attaches a document (from the inbox over SSH, from a path locally), `X` takes one off, `s` sends the plan
//! to the members and the committee above, asked first. The plan is kept on the month's regular meeting
//! (`store::prep`); the month is the one shown when it is still ahead, else the next.

use chrono::{NaiveDate, NaiveDateTime};

use super::confirm::Ask;
use super::field::{Field, Fields};
use super::meeting::{offered_day, time_field, time_span};
use super::words::Word;
use super::{
    CalendarSubject, Done, Edit, Form, Opened, Plan, Refusal, Reply, Subject, Write, read_failed,
};
use crate::domain::limits::TextKind;
use crate::domain::{Lang, Meeting, MeetingId, MemberId, OrgUnit, PlanDetails, YearMonth};
use crate::io::files::{Files, shown_name};
use crate::store::{self, Command, Reader};
use crate::ui::app::Target;
use crate::ui::i18n::prep as say;

/// Agenda items the form offers beyond those the plan has: only those up to the first
/// empty one show, so the agenda grows a row at a time as it is typed.
const MORE_AGENDA_ITEMS: usize = 10;

/// The fields, by position.
mod at {
    pub const DATE: usize = 2;
    pub const START: usize = 3;
    pub const END: usize = 4;
    pub const PLACE: usize = 5;
    pub const TOPIC: usize = 6;
    pub const AGENDA: usize = 7;
}

/// The branch a preparation is for: the branch shown, or the branch under the cursor.
fn branch<'a>(subject: &'a Subject<'a>) -> Result<(&'a OrgUnit, CalendarSubject<'a>), String> {
    let shown = subject
        .calendar
        .ok_or_else(|| Word::PickOrg.get(subject.lang).to_string())?;
    let branch = match shown.unit {
        _ if shown.node.kind.is_branch() => shown.node,
        Some(unit) if unit.kind.is_branch() => unit,
        _ => return Err(say::pick_branch(subject.lang).to_string()),
    };
    Ok((branch, shown))
}

/// The month being prepared: the one shown when it is after this month, else the next.
fn month_prepared(shown: YearMonth, today: NaiveDate) -> YearMonth {
    let this = YearMonth::of(today);
    if shown > this { shown } else { this.next() }
}

struct PrepForm {
    org: OrgUnit,
    plan: Option<crate::domain::MeetingId>,
    /// The branch's members offered as the drafter, in the choice's order after "nobody".
    members: Vec<MemberId>,
    /// The agenda's fields, from `at::AGENDA`; the drafter's follows them.
    agenda_items: usize,
}

impl PrepForm {
    fn drafter_at(&self) -> usize {
        at::AGENDA + self.agenda_items
    }
}

/// `n`: the plan of the branch's coming meeting.
pub fn prepare(subject: &Subject<'_>, reader: &Reader) -> Opened {
    let lang = subject.lang;
    let (org, shown) = branch(subject)?;
    let month = month_prepared(shown.month, subject.today);
    let plan = reader
        .month_plan(org.id, month)
        .map_err(read_failed(lang))?;
    // The month prepared is always ahead, so the day offered is the one its rule fixes.
    let due = offered_day(reader, org, month, subject.today, lang)?;
    let deadlines = reader
        .plan_deadlines(org.id, month)
        .map_err(read_failed(lang))?;
    let members = reader
        .members_of(org.id, 0, usize::MAX)
        .map_err(read_failed(lang))?;
    let mut names = vec![say::nobody(lang).to_string()];
    names.extend(members.iter().map(|m| m.name.clone()));
    let drafter = plan
        .as_ref()
        .and_then(|p| p.drafter)
        .and_then(|d| members.iter().position(|m| m.id == d))
        .map_or(0, |i| i + 1);
    let text = |t: &Option<String>| t.clone().unwrap_or_default();
    let mut fields = vec![
        Field::fixed(
            Word::Organisation.get(lang),
            &format!("{} ({})", org.name, org.code),
        ),
        Field::fixed(
            say::deadline_label(lang),
            &say::deadline(lang, deadlines.plan),
        ),
        Field::date(
            say::day_label(lang),
            Some(plan.as_ref().map_or(due, |p| p.date)),
            lang,
        )
        .required(),
        time_field(Word::Start, plan.as_ref().and_then(|p| p.time), lang),
        time_field(Word::End, plan.as_ref().and_then(|p| p.end_time), lang),
        Field::text(
            Word::Place.get(lang),
            &plan.as_ref().map(|p| text(&p.place)).unwrap_or_default(),
        ),
        Field::text(
            say::topic_label(lang),
            &plan.as_ref().map(|p| text(&p.topic)).unwrap_or_default(),
        ),
    ];
    let agenda_items = plan.as_ref().map_or(0, |p| p.agenda.len()) + MORE_AGENDA_ITEMS;
    for i in 0..agenda_items {
        let item = plan
            .as_ref()
            .and_then(|p| p.agenda.get(i))
            .cloned()
            .unwrap_or_default();
        fields.push(Field::text(&say::agenda_item(lang, i + 1), &item));
    }
    fields.push(Field::choice(say::drafter_label(lang), names, drafter));
    let edit = PrepForm {
        org: org.clone(),
        plan: plan.as_ref().map(|p| p.id),
        members: members.iter().map(|m| m.id).collect(),
        agenda_items,
    };
    let title = say::prepare_title(lang, &org.name, month);
    Ok(Box::new(
        Form::new(title, fields, edit).focused_on(at::START),
    ))
}

impl Edit for PrepForm {
    /// Agenda items show up to the first empty one, so a short agenda takes few rows.
    fn shown(&self, fields: &Fields, index: usize) -> bool {
        if !(at::AGENDA + 1..self.drafter_at()).contains(&index) {
            return true;
        }
        !fields.text(index - 1).trim().is_empty() || !fields.text(index).trim().is_empty()
    }

    fn plan(&self, fields: &Fields, _reader: &Reader, lang: Lang) -> Result<Plan, Refusal> {
        let date = fields.required_date(at::DATE, lang)?;
        let (time, end_time) = time_span(fields, (at::START, at::END), lang)?;
        let details = PlanDetails {
            date: Some(date),
            time,
            end_time,
            place: fields.optional_text(at::PLACE, TextKind::Place, lang)?,
            topic: fields.optional_text(at::TOPIC, TextKind::Topic, lang)?,
            agenda: (at::AGENDA..self.drafter_at())
                .map(|i| {
                    let item = fields.optional_text(i, TextKind::AgendaItem, lang)?;
                    Ok(item.unwrap_or_default())
                })
                .collect::<Result<_, Refusal>>()?,
            drafter: fields
                .choice(self.drafter_at())
                .checked_sub(1)
                .and_then(|i| self.members.get(i).copied()),
        };
        let command = match self.plan {
            Some(meeting) => Command::SavePlan { meeting, details },
            None => Command::NewPlan {
                org: self.org.id,
                details,
            },
        };
        let saved = PlanSaved {
            org: self.org.name.clone(),
        };
        Ok(Plan::run(command, saved))
    }
}

/// The plan saved, selected, with what it still lacks.
struct PlanSaved {
    org: String,
}

impl Reply for PlanSaved {
    fn done(self: Box<Self>, done: store::Done, lang: Lang) -> Result<Done, Refusal> {
        let meeting = done.into_meeting()?;
        let message = say::plan_saved(lang, &self.org, meeting.date, &meeting.plan_missing());
        Ok(Done::new(message).then(Target::Meeting(meeting.id)))
    }
}

/// A document attached to the plan of `org`'s meeting, the meeting selected.
pub(super) struct DocumentAttached {
    pub org: String,
    pub plan: MeetingId,
}

impl Reply for DocumentAttached {
    fn done(self: Box<Self>, done: store::Done, lang: Lang) -> Result<Done, Refusal> {
        let info = done.into_document()?;
        let message = say::attached(lang, &info.name, &self.org);
        Ok(Done::new(message).then(Target::Meeting(self.plan)))
    }
}

/// The plan of the branch's coming meeting as stored, or why there is none to act on.
pub(super) fn stored_plan(
    subject: &Subject<'_>,
    reader: &Reader,
) -> Result<(OrgUnit, Meeting), String> {
    let lang = subject.lang;
    let (org, shown) = branch(subject)?;
    let month = month_prepared(shown.month, subject.today);
    let plan = reader
        .month_plan(org.id, month)
        .map_err(read_failed(lang))?;
    let plan = plan.ok_or_else(|| say::no_plan(lang, month))?;
    Ok((org.clone(), plan))
}

/// `s`: the plan sent to the members and the committee above, once the user says yes.
pub fn send(subject: &Subject<'_>, reader: &Reader) -> Opened {
    let (lang, now) = (subject.lang, subject.now);
    let (org, plan) = stored_plan(subject, reader)?;
    if let Some(at) = plan.sent_at {
        return Err(crate::domain::PrepError::AlreadySent(at).message(lang));
    }
    let missing = plan.plan_missing();
    if !missing.is_empty() {
        return Err(crate::domain::PrepError::Incomplete(missing).message(lang));
    }
    let question = say::send_question(lang, &org.name, plan.date, plan.documents.len());
    let command = Command::SendPlan {
        meeting: plan.id,
        at: now,
    };
    let sent = Done::new(say::sent(lang, &org.name, now)).then(Target::Meeting(plan.id));
    Ok(Box::new(Ask::new(question, Write::new(command, sent))))
}

struct AttachForm {
    org: OrgUnit,
    plan: crate::domain::MeetingId,
    now: NaiveDateTime,
    files: Files,
    /// Over SSH: the inbox files offered, in the choice's order; locally a path is typed.
    inbox: Option<Vec<String>>,
}

/// `a`: a document attached to the plan of the coming meeting: a file picked from the
/// user's inbox over SSH, a file named by its path at the local terminal.
pub fn attach(subject: &Subject<'_>, reader: &Reader) -> Opened {
    let (lang, now) = (subject.lang, subject.now);
    let (org, plan) = stored_plan(subject, reader)?;
    let (source, inbox) = if subject.files.from_inbox() {
        let entries = subject.files.inbox().map_err(|e| e.message(lang))?;
        if entries.is_empty() {
            return Err(say::inbox_empty(lang).to_string());
        }
        let labels = entries
            .iter()
            .map(|e| say::inbox_line(lang, &e.name, e.size))
            .collect();
        let field = Field::choice(say::file_label(lang), labels, 0)
            .with_hint(say::inbox_hint(lang).to_string());
        (field, Some(entries.into_iter().map(|e| e.name).collect()))
    } else {
        let field = Field::text(say::file_label(lang), "")
            .required()
            .with_hint(say::file_hint(lang).to_string());
        (field, None)
    };
    let fields = vec![
        Field::fixed(
            Word::Organisation.get(lang),
            &format!("{} ({})", org.name, org.code),
        ),
        source,
        Field::text(say::name_label(lang), "").with_hint(say::name_hint(lang).to_string()),
    ];
    let edit = AttachForm {
        org,
        plan: plan.id,
        now,
        files: subject.files.clone(),
        inbox,
    };
    Ok(Box::new(Form::new(
        say::attach_title(lang, plan.date),
        fields,
        edit,
    )))
}

impl Edit for AttachForm {
    fn plan(&self, fields: &Fields, _reader: &Reader, lang: Lang) -> Result<Plan, Refusal> {
        let picked = match &self.inbox {
            Some(names) => {
                let name = &names[fields.choice(1).min(names.len() - 1)];
                self.files.read_inbox(name)
            }
            None => self
                .files
                .read_path(&fields.required_text(1, TextKind::Line, lang)?),
        }
        .map_err(|e| Refusal::at(1, e.message(lang)))?;
        let name = shown_name(fields.optional_text(2, TextKind::Line, lang)?, &picked.name);
        let command = Command::AttachDocument {
            meeting: self.plan,
            name,
            body: picked.body,
            at: self.now,
        };
        let attached = DocumentAttached {
            org: self.org.name.clone(),
            plan: self.plan,
        };
        Ok(Plan::run(command, attached))
    }
}

struct RemoveForm {
    org: OrgUnit,
    plan: crate::domain::MeetingId,
    /// The documents' numbers, in the choice's order.
    numbers: Vec<u32>,
}

/// `X`: a document taken off the plan of the coming meeting, its bytes with it, asked first.
pub fn remove(subject: &Subject<'_>, reader: &Reader) -> Opened {
    let lang = subject.lang;
    let (org, plan) = stored_plan(subject, reader)?;
    if plan.documents.is_empty() {
        return Err(say::no_documents(lang).to_string());
    }
    let labels = plan
        .documents
        .iter()
        .map(|d| say::document_line(lang, d.no, &d.name, d.size))
        .collect();
    let fields = vec![
        Field::fixed(
            Word::Organisation.get(lang),
            &format!("{} ({})", org.name, org.code),
        ),
        Field::choice(say::documents_label(lang), labels, 0),
    ];
    let edit = RemoveForm {
        org,
        plan: plan.id,
        numbers: plan.documents.iter().map(|d| d.no).collect(),
    };
    Ok(Box::new(Form::new(
        say::remove_title(lang, plan.date),
        fields,
        edit,
    )))
}

impl Edit for RemoveForm {
    fn plan(&self, fields: &Fields, reader: &Reader, lang: Lang) -> Result<Plan, Refusal> {
        let no = self.numbers[fields.choice(1).min(self.numbers.len() - 1)];
        let meeting = reader
            .meeting(self.plan)?
            .ok_or_else(|| Refusal::gone(lang))?;
        let name = meeting
            .documents
            .iter()
            .find(|d| d.no == no)
            .map(|d| d.name.clone())
            .ok_or_else(|| Refusal::gone(lang))?;
        let question = vec![say::remove_question(lang, &name, &self.org.name)];
        let command = Command::RemoveDocument {
            meeting: self.plan,
            no,
        };
        let removed = Done::new(say::removed(lang, &name)).then(Target::Meeting(self.plan));
        Ok(Plan::run(command, removed).confirm_first(question))
    }
}
