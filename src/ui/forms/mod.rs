//! Editing: small forms over the screens that add, rename, move and dissolve
//! organisations, add and edit members, and record a member's change of status.
//!
//! A [`Form`] is an overlay made of [`Fields`] and an [`Edit`]: the edit reads the fields
//! when the form is submitted, checks them with the domain's rules against a snapshot of the
//! store and answers with a [`Plan`] — the store `Command` to run, how to word its answer
//! ([`Reply`]), and the question to ask first when the change is destructive. The store
//! runs the command in one transaction that reads the records again and checks them again,
//! so a change made meanwhile by someone else is never overwritten. Whatever is refused — a
//! field that does not read, a rule, the store — keeps the form open, marks the field and
//! says why in the status line; nothing is written.
//!
//! - [`field`]: text with a cursor, choices, dates;
//! - [`confirm`]: the yes/no question before dissolving, moving, or taking a member off the
//!   roll;
//! - [`org`], [`picker`]: add, rename, dissolve; choose the new parent of a move;
//! - [`member`], [`status`]: add and edit a member; a dated change of status;
//! - [`grade`]: a year's grade and 100-point score of an organisation or a member;
//! - [`meeting`]: plan, record as held, move and cancel a meeting, with the days its
//!   branches meet shown as a warning when a committee plans on them;
//! - [`prep`]: prepare a branch's coming meeting, attach its documents, send the plan;
//! - [`visits`]: the guests from above at a held meeting, and who oversees a branch;
//! - [`words`]: every word the forms show, in both languages.

pub mod confirm;
pub mod document;
pub mod field;
pub mod grade;
pub mod meeting;
pub mod member;
pub mod minutes;
pub mod org;
pub mod picker;
pub mod prep;
pub mod status;
pub mod visits;
pub mod words;

#[cfg(test)]
mod meeting_tests;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use self::confirm::{Answer, Pending};
use self::field::{Field, Fields, Input};
use self::words::Word;
use crate::domain::edit::EditError;
use crate::domain::{Lang, Meeting, Member, OrgUnit, YearMonth};
use crate::store::{self, Command, Reader, Store, StoreError};
use crate::ui::app::{Msg, Target};
use crate::ui::cells::{fit, pad, safe, width};
use crate::ui::keymap::{Action, Context, is_text};
use crate::ui::layout::centered;
use crate::ui::overlay::{Env, Outcome, Overlay};
use crate::ui::screens::chrome::Status;
use crate::ui::screens::{Ui, pane};

/// What a form acts on: the screen it was opened from and what is selected there.
pub struct Subject<'a> {
    pub context: Context,
    pub lang: Lang,
    pub today: NaiveDate,
    /// Now, on the day chibo runs as: when a plan is sent or a document attached.
    pub now: chrono::NaiveDateTime,
    pub org: Option<&'a OrgUnit>,
    pub member: Option<&'a Member>,
    /// On the meetings screen: what it shows and what the cursor is on.
    pub calendar: Option<CalendarSubject<'a>>,
    /// Where documents to attach come from.
    pub files: &'a crate::io::files::Files,
}

/// The meetings screen as a form sees it.
#[derive(Clone, Copy)]
pub struct CalendarSubject<'a> {
    /// The organisation whose meetings are shown.
    pub node: &'a OrgUnit,
    /// The month shown.
    pub month: YearMonth,
    /// The meeting under the cursor.
    pub meeting: Option<&'a Meeting>,
    /// The unit (a branch or committee below) under the cursor.
    pub unit: Option<&'a OrgUnit>,
}

/// The form `action` opens over the screen of `subject`: `None` when the action is no
/// editing action there; `Some(Err(..))` with the reason when it is but cannot open now
/// (nothing selected, a committee where a branch is needed …).
pub fn open(
    action: Action,
    subject: &Subject<'_>,
    store: &Store,
) -> Option<Result<Box<dyn Overlay>, Status>> {
    let open = match (subject.context, action) {
        (Context::Tree, Action::Add) => org::add,
        (Context::Members | Context::Detail, Action::Add) => member::add,
        (_, Action::Rename) => org::rename,
        (_, Action::Move) => picker::open,
        (_, Action::Dissolve) => org::dissolve,
        (_, Action::Edit) => member::edit,
        (_, Action::ChangeStatus) => status::open,
        (Context::Tree, Action::Grade) => grade::org,
        (Context::Members | Context::Detail, Action::Grade) => grade::member,
        (Context::Meetings, Action::Plan) => meeting::plan,
        (Context::Meetings, Action::RecordHeld) => meeting::held,
        (Context::Meetings, Action::Reschedule) => meeting::reschedule,
        (Context::Meetings, Action::CancelMeeting) => meeting::cancel,
        (Context::Meetings | Context::Roll, Action::Guests) => visits::guests,
        (Context::Meetings, Action::Assign) => visits::assign,
        (Context::Meetings, Action::Prepare) => prep::prepare,
        (Context::Meetings, Action::SendPlan) => prep::send,
        (Context::Meetings, Action::Attach) => prep::attach,
        (Context::Meetings, Action::RemoveDocument) => prep::remove,
        (Context::Meetings, Action::WriteDocument) => document::write,
        _ => return None,
    };
    let opened = store
        .read()
        .map_err(|e| e.message(subject.lang))
        .and_then(|reader| open(subject, &reader));
    Some(opened.map_err(|text| Status { text, error: true }))
}

/// Opening a form: the form, or what to say instead.
pub type Opened = Result<Box<dyn Overlay>, String>;

/// A store failure while a form opens, as words for the status line.
fn read_failed(lang: Lang) -> impl Fn(StoreError) -> String {
    move |e| e.message(lang)
}

/// Why a change was not made.
#[derive(Debug)]
pub enum Refusal {
    /// What the user typed or chose breaks a rule; `field` is the one to look at.
    Invalid {
        field: Option<usize>,
        message: String,
    },
    /// The store could not read or write.
    Store(StoreError),
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        Refusal::Store(e)
    }
}

impl Refusal {
    pub fn at(field: usize, message: String) -> Refusal {
        Refusal::Invalid {
            field: Some(field),
            message,
        }
    }

    /// A broken edit rule, pointing at `field`.
    pub fn rule(field: Option<usize>, error: &EditError, lang: Lang) -> Refusal {
        Refusal::Invalid {
            field,
            message: error.message(lang),
        }
    }

    /// A refusal the store's rules gave (or would give), at `field`: worded by the store,
    /// shown like any rule broken rather than logged as a failed write.
    pub fn said(field: Option<usize>, e: &StoreError, lang: Lang) -> Refusal {
        Refusal::Invalid {
            field,
            message: e.message(lang),
        }
    }

    /// The record the form was opened on is no longer there.
    pub fn gone(lang: Lang) -> Refusal {
        Refusal::Invalid {
            field: None,
            message: Word::Gone.get(lang).to_string(),
        }
    }

    pub fn field(&self) -> Option<usize> {
        match self {
            Refusal::Invalid { field, .. } => *field,
            Refusal::Store(_) => None,
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            Refusal::Invalid { message, .. } => message.clone(),
            Refusal::Store(e) => e.message(lang),
        }
    }

    /// The status-line message that keeps the form open.
    fn outcome(&self, lang: Lang) -> Outcome {
        if let Refusal::Store(e) = self {
            tracing::warn!(error = %e, "a form's write failed");
        }
        Outcome::Send(Msg::Status(Status {
            text: self.message(lang),
            error: true,
        }))
    }
}

/// What a successful write says, and where the screens go afterwards.
pub struct Done {
    message: String,
    then: Option<Target>,
}

impl Done {
    pub fn new(message: String) -> Done {
        Done {
            message,
            then: None,
        }
    }

    /// After the write, select `target` (what was just made).
    pub fn then(self, target: Target) -> Done {
        Done {
            then: Some(target),
            ..self
        }
    }

    /// Read again, go to what was made, say what was done.
    fn into_msg(self) -> Msg {
        let mut msgs = vec![Msg::DataChanged];
        msgs.extend(self.then.map(Msg::JumpTo));
        msgs.push(Msg::Status(Status {
            text: self.message,
            error: false,
        }));
        Msg::Batch(msgs)
    }
}

/// How a form tells what its command did and where a refusal points: a small struct of
/// what the form knew when it planned (a name, a count read then). It words the store's
/// answer on the screen's side; the write itself is the command.
pub trait Reply: Send {
    /// The store's answer in words, and where the screens go.
    fn done(self: Box<Self>, done: store::Done, lang: Lang) -> Result<Done, Refusal>;

    /// A refusal of the store as the form shows it: by default in the store's own words,
    /// logged as a failed write.
    fn refused(&self, e: StoreError, _lang: Lang) -> Refusal {
        e.into()
    }
}

/// Words known before the write need nothing from the answer.
impl Reply for Done {
    fn done(self: Box<Self>, _done: store::Done, _lang: Lang) -> Result<Done, Refusal> {
        Ok(*self)
    }
}

/// A write: the command the store carries out (it reads what it changes afresh and checks
/// it again) and how the form replies to the answer.
pub struct Write {
    command: Command,
    reply: Box<dyn Reply>,
}

impl Write {
    pub fn new(command: Command, reply: impl Reply + 'static) -> Write {
        Write {
            command,
            reply: Box::new(reply),
        }
    }
}

/// What a submitted form will do.
pub struct Plan {
    /// Asked before writing, for changes that cannot simply be taken back.
    question: Option<Vec<String>>,
    write: Write,
}

impl Plan {
    pub fn run(command: Command, reply: impl Reply + 'static) -> Plan {
        Plan {
            question: None,
            write: Write::new(command, reply),
        }
    }

    /// Ask `question` (a sentence a line) before writing.
    pub fn confirm_first(self, question: Vec<String>) -> Plan {
        Plan {
            question: Some(question),
            ..self
        }
    }
}

/// Runs a write; on success the overlay closes and the screens read again.
fn commit(write: Write, env: &Env<'_>) -> Result<Outcome, Refusal> {
    let Write { command, reply } = write;
    let done = env
        .store
        .run(command)
        .map_err(|e| reply.refused(e, env.lang))?;
    Ok(Outcome::CloseAndSend(
        reply.done(done, env.lang)?.into_msg(),
    ))
}

/// What one form does with its fields.
pub trait Edit: Send {
    /// Whether field `index` shows now (a branch type only for a branch, an end date only
    /// for a temporary exemption); hidden fields are skipped and not read.
    fn shown(&self, _fields: &Fields, _index: usize) -> bool {
        true
    }

    /// Reads and checks the fields against `reader`: the change to make, or why not.
    fn plan(&self, fields: &Fields, reader: &Reader, lang: Lang) -> Result<Plan, Refusal>;

    /// Something to know before saving, read again whenever a field changes (a committee
    /// planning on the day its branches meet): shown in the form and the status line. It
    /// does not stop the form from saving.
    fn warning(&mut self, _fields: &Fields, _reader: &Reader, _lang: Lang) -> Option<String> {
        None
    }
}

/// A form: a title, fields, the cursor among them, and the edit it makes.
pub struct Form {
    title: String,
    fields: Fields,
    focus: usize,
    /// The field the last refusal pointed at.
    marked: Option<usize>,
    edit: Box<dyn Edit>,
    /// The question asked before writing, while it waits for an answer.
    pending: Option<Pending>,
    /// What [`Edit::warning`] says about the fields as they are.
    warning: Option<String>,
}

impl Form {
    pub fn new(title: String, fields: Vec<Field>, edit: impl Edit + 'static) -> Form {
        let mut form = Form {
            title,
            fields: Fields(fields),
            focus: 0,
            marked: None,
            edit: Box::new(edit),
            pending: None,
            warning: None,
        };
        form.focus = form.stops().first().copied().unwrap_or(0);
        form
    }

    /// The form with its warning read for the fields it opens with.
    pub fn warned(mut self, reader: &Reader, lang: Lang) -> Form {
        self.warning = self.edit.warning(&self.fields, reader, lang);
        self
    }

    /// Puts the cursor on field `index` first.
    pub fn focused_on(mut self, index: usize) -> Form {
        if self.stops().contains(&index) {
            self.focus = index;
        }
        self
    }

    fn refresh_warning(&mut self, env: &Env<'_>) {
        if let Ok(reader) = env.store.read() {
            self.warning = self.edit.warning(&self.fields, &reader, env.lang);
        }
    }

    /// A change the form keeps showing; with a warning standing, the status line says it
    /// again, since every key clears the status line.
    fn kept(&self) -> Outcome {
        match &self.warning {
            Some(text) => Outcome::Send(Msg::Status(Status {
                text: text.clone(),
                error: true,
            })),
            None => Outcome::Keep,
        }
    }

    /// The fields the cursor may go to, in order.
    fn stops(&self) -> Vec<usize> {
        (0..self.fields.len())
            .filter(|&i| self.fields.get(i).editable() && self.edit.shown(&self.fields, i))
            .collect()
    }

    fn shown(&self) -> Vec<usize> {
        (0..self.fields.len())
            .filter(|&i| self.edit.shown(&self.fields, i))
            .collect()
    }

    fn move_focus(&mut self, step: isize) -> Outcome {
        let stops = self.stops();
        let Some(at) = stops.iter().position(|&i| i == self.focus) else {
            return Outcome::Ignored;
        };
        let next = (at as isize + step).rem_euclid(stops.len() as isize) as usize;
        // What was typed to find an option is forgotten on leaving it: coming back, the
        // next letters start a new search.
        if let Input::Choice(choice) = &mut self.fields.get_mut(self.focus).input {
            choice.clear_filter();
        }
        self.focus = stops[next];
        Outcome::Keep
    }

    fn change_field(&mut self, change: impl FnOnce(&mut Field) -> bool) -> Outcome {
        if !change(self.fields.get_mut(self.focus)) {
            return Outcome::Ignored;
        }
        if self.marked == Some(self.focus) {
            self.marked = None;
        }
        Outcome::Keep
    }

    fn submit(&mut self, env: &Env<'_>) -> Outcome {
        let planned = env
            .store
            .read()
            .map_err(Refusal::from)
            .and_then(|reader| self.edit.plan(&self.fields, &reader, env.lang));
        match planned {
            Ok(Plan {
                question: Some(question),
                write,
            }) => {
                self.pending = Some(Pending::new(question, write));
                Outcome::Keep
            }
            Ok(Plan {
                question: None,
                write,
            }) => self.commit(write, env),
            Err(refusal) => self.refused(&refusal, env.lang),
        }
    }

    fn commit(&mut self, write: Write, env: &Env<'_>) -> Outcome {
        commit(write, env).unwrap_or_else(|refusal| self.refused(&refusal, env.lang))
    }

    /// Marks the field a refusal points at and puts the cursor there.
    fn refused(&mut self, refusal: &Refusal, lang: Lang) -> Outcome {
        self.marked = refusal.field();
        if let Some(field) = self.marked.filter(|f| self.stops().contains(f)) {
            self.focus = field;
        }
        refusal.outcome(lang)
    }

    fn answer(&mut self, action: Option<Action>, env: &Env<'_>) -> Outcome {
        match Pending::answer(action) {
            Answer::Yes => match self.pending.take() {
                Some(pending) => self.commit(pending.write, env),
                None => Outcome::Ignored,
            },
            Answer::No => {
                self.pending = None;
                Outcome::Keep
            }
            Answer::Undecided => Outcome::Ignored,
        }
    }

    /// The line under the fields: how to fill the one with the cursor.
    fn hint(&self, ui: &Ui<'_>) -> String {
        let field = self.fields.get(self.focus);
        match (&field.input, &field.hint) {
            (_, Some(hint)) => hint.clone(),
            (Input::Choice(_), None) => {
                let keys = [Action::CursorLeft, Action::CursorRight]
                    .map(|a| {
                        ui.keymap
                            .keys(Context::Form, a)
                            .first()
                            .map_or(String::new(), ToString::to_string)
                    })
                    .join("/");
                words::choice_hint(ui.lang, &safe(&keys))
            }
            _ => String::new(),
        }
    }

    fn label(&self, index: usize) -> String {
        let field = self.fields.get(index);
        if field.required {
            format!("{} *", field.label)
        } else {
            field.label.clone()
        }
    }

    /// One row: the marker (› cursor, ! refused), the label, the value; and where the
    /// terminal cursor goes when the field takes text.
    fn row(
        &self,
        index: usize,
        (label_cols, value_cols): (usize, usize),
        ui: &Ui<'_>,
    ) -> (Line<'static>, Option<usize>) {
        let focused = index == self.focus && self.pending.is_none();
        let (marker, label_style) = match (self.marked == Some(index), focused) {
            (true, _) => ("!", ui.theme.error()),
            (false, true) => ("›", ui.theme.title()),
            (false, false) => (" ", ui.theme.label()),
        };
        let mut spans = vec![
            Span::styled(format!(" {marker} "), ui.theme.key()),
            Span::styled(pad(&self.label(index), label_cols), label_style),
            Span::raw("  "),
        ];
        let (value, cursor) = self.fields.get(index).value_spans(value_cols, focused, ui);
        spans.extend(value);
        let prefix = 3 + label_cols + 2;
        (Line::from(spans), cursor.map(|c| prefix + c))
    }
}

impl Overlay for Form {
    fn context(&self) -> Context {
        if self.pending.is_some() {
            Context::Confirm
        } else {
            Context::Form
        }
    }

    fn takes_text(&self) -> bool {
        self.pending.is_none()
    }

    fn on_key(&mut self, key: &KeyEvent, action: Option<Action>, env: &mut Env<'_>) -> Outcome {
        if self.pending.is_some() {
            return self.answer(action, env);
        }
        let outcome = match action {
            Some(Action::Accept) => return self.submit(env),
            Some(Action::Cancel) => return Outcome::Close,
            Some(Action::NextField) => self.move_focus(1),
            Some(Action::PrevField) => self.move_focus(-1),
            Some(other) => self.change_field(|field| field.apply(other)),
            None => match key.code {
                KeyCode::Char(c) if is_text(key) => self.change_field(|field| field.type_char(c)),
                _ => Outcome::Ignored,
            },
        };
        match outcome {
            Outcome::Keep => {
                self.refresh_warning(env);
                self.kept()
            }
            other => other,
        }
    }

    fn notice(&self) -> Option<Status> {
        self.warning.as_ref().map(|text| Status {
            text: text.clone(),
            error: true,
        })
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, ui: &Ui<'_>) {
        let shown = self.shown();
        let box_width = area.width.saturating_sub(4).min(76);
        let warning_rows = usize::from(self.warning.is_some());
        let box_height = u16::try_from(shown.len() + 4 + warning_rows).unwrap_or(u16::MAX);
        let area_box = centered(area, box_width, box_height);
        frame.render_widget(Clear, area_box);
        let title = fit(&safe(&self.title), usize::from(box_width.saturating_sub(4))).into_owned();
        let block = pane(format!(" {title} "), self.pending.is_none(), ui);
        let inner = block.inner(area_box);
        frame.render_widget(block, area_box);
        let label_cols = shown
            .iter()
            .map(|&i| width(&self.label(i)))
            .max()
            .unwrap_or(0);
        let value_cols = usize::from(inner.width).saturating_sub(3 + label_cols + 2 + 1);
        let mut lines = Vec::with_capacity(shown.len() + 2);
        let mut cursor = None;
        for (row, &index) in shown.iter().enumerate() {
            let (line, column) = self.row(index, (label_cols, value_cols), ui);
            if let Some(column) = column {
                cursor = Some((column, row));
            }
            lines.push(line);
        }
        lines.push(Line::default());
        if let Some(warning) = &self.warning {
            let warning =
                fit(&safe(warning), usize::from(inner.width).saturating_sub(1)).into_owned();
            lines.push(Line::styled(format!(" {warning}"), ui.theme.bad()));
        }
        let hint = fit(&self.hint(ui), usize::from(inner.width).saturating_sub(1)).into_owned();
        lines.push(Line::styled(format!(" {hint}"), ui.theme.dim()));
        frame.render_widget(Paragraph::new(lines), inner);
        if let Some((column, row)) = cursor {
            // The terminal's own cursor: where an input method shows what is being composed.
            let x = inner.x + u16::try_from(column).unwrap_or(0);
            let y = inner.y + u16::try_from(row).unwrap_or(0);
            if x < inner.right() && y < inner.bottom() {
                frame.set_cursor_position(Position::new(x, y));
            }
        }
        if let Some(pending) = &self.pending {
            pending.render(frame, area, ui);
        }
    }
}
