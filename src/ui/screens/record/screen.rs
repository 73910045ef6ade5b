//! The record as a screen: opening it (and offering a draft to resume), the roll's marks,
//! typing into the minutes, autosave, saving, approving, amending and exporting.
//!
//! Every mark is one store command (`change_roll`) that reads the meeting again, so two
//! marks never overwrite each other and what is counted from the meeting follows the roll.
//! Typing stays in memory; a draft is written at most [`AT_MOST`] after the first change
//! not yet saved and whenever the section changes, and the minutes are saved into the
//! meeting on Save, on leaving the record, and before approval.
//!
//! No key waits for the store: marks, drafts and saves are handed to the database's writer
//! ([`Store::submit`](crate::store::Store::submit)) and the screen goes on — a mark shows at
//! once and the roll is read again when the writer answers; the header says what is still
//! waiting and when the text last reached the database. Only approving and exporting,
//! which need the minutes saved first, wait for the answer.
//!
//! [`AT_MOST`]: super::editor::AT_MOST

use std::time::Instant;

use chrono::NaiveDateTime;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

use super::editor::Command as EditCommand;
use super::{MeetingRecord, Tab, render};
use crate::domain::{Draft, Mark, MeetingId, MinutesError, MinutesText, OrgUnit, Section};
use crate::io::minutes::{MinutesFormat, export_minutes, file_name};
use crate::store::{self, Command, HeldBy, Pending, Reader, RollChange, StoreError};
use crate::ui::app::ANSWER_POLL;
use crate::ui::forms::CalendarSubject;
use crate::ui::forms::minutes::{self as minutes_forms, ResumeDraft, Stamp};
use crate::ui::i18n::Text;
use crate::ui::i18n::record as words;
use crate::ui::keymap::{Action, Context};
use crate::ui::layout::Regions;
use crate::ui::screen::{
    CommandInfo, Cx, Later, Screen, ScreenMsg, Selection, Step, Target, offered,
};
use crate::ui::screens::Ui;

/// Enter on a meeting: its record, with the roll first, and the question whether to
/// resume a draft left unsaved.
pub fn open(id: MeetingId, cx: &mut Cx<'_>) -> Step {
    let body = cx.body();
    let writes = cx.store.access().role.writes_meetings();
    let held_elsewhere = cx.store.minutes_held_elsewhere(id);
    if writes && held_elsewhere.is_none() {
        cx.store.replay_journal();
    }
    let opened = cx.read(|r| {
        let Some(mut record) = MeetingRecord::open(r, id, body)? else {
            return Ok(None);
        };
        // A draft is offered only to one who will hold the minutes: never to a reader.
        if writes && held_elsewhere.is_none() {
            record.offer = record.draft_to_offer(r)?;
        }
        Ok(Some(record))
    });
    match opened {
        Some(Some(record)) => Step::Push(Box::new(record)),
        Some(None) => {
            cx.error(Text::NotFound);
            Step::Changed
        }
        None => Step::Changed,
    }
}

const ROLL_COMMANDS: &[CommandInfo] = &[
    CommandInfo::new(&[Action::MarkPresent]),
    CommandInfo::new(&[Action::MarkExcused]),
    CommandInfo::new(&[Action::MarkAbsent]),
    CommandInfo::new(&[Action::RestPresent]),
    CommandInfo::new(&[Action::NextSection, Action::PrevSection]),
    CommandInfo::new(&[Action::Back]),
    CommandInfo::new(&[Action::Guests]),
    CommandInfo::new(&[Action::Approve]),
    CommandInfo::new(&[Action::Help]),
    CommandInfo::new(&[Action::Amend]),
    CommandInfo::new(&[Action::Export]),
    CommandInfo::new(&[Action::Facts]),
];

const MINUTES_COMMANDS: &[CommandInfo] = &[
    CommandInfo::new(&[Action::NextSection, Action::PrevSection]),
    CommandInfo::new(&[Action::Save]),
    CommandInfo::new(&[Action::Back]),
    CommandInfo::new(&[Action::Undo]),
    CommandInfo::new(&[Action::Approve]),
    CommandInfo::new(&[Action::Facts]),
    CommandInfo::new(&[Action::AssignTasks]),
    CommandInfo::new(&[Action::Vote]),
    CommandInfo::new(&[Action::Amend]),
    CommandInfo::new(&[Action::Export]),
    CommandInfo::new(&[Action::Help]),
];

impl MeetingRecord {
    /// Why a change to the minutes was refused: the user's role may only read, someone else
    /// holds them, or they are approved.
    fn refusal(&self, error: &MinutesError, cx: &Cx<'_>) -> String {
        let access = cx.store.access();
        if !access.role.writes_meetings() {
            let not_allowed = StoreError::NotAllowed {
                login: access.login.clone(),
                role: access.role,
            };
            return not_allowed.message(cx.lang);
        }
        match self.held_by.as_deref() {
            Some(login) => words::held_by(cx.lang, login),
            None => error.message(cx.lang),
        }
    }

    fn edit_command(&mut self, command: EditCommand, cx: &mut Cx<'_>) {
        let Some(section) = self.section() else {
            return;
        };
        if let Err(e) = self.editor.command(section, command, Instant::now()) {
            cx.refuse(e.message(cx.lang));
        }
        self.journal(cx);
    }

    /// What is typed, into the journal beside the database: kept within half a second
    /// whoever holds the database's write lock, so a crash loses at most that.
    fn journal(&self, cx: &Cx<'_>) {
        if !self.editor.autosave.is_pending() {
            return;
        }
        let stamp = stamp(cx);
        let draft = Draft {
            text: self.editor.text().to_text(),
            saved_at: stamp.at,
            by: stamp.by,
        };
        let login = cx.store.access().login.clone();
        cx.store.journal_minutes(self.meeting.id, &login, &draft);
    }

    /// The text journaled has reached the database, and nothing was typed since.
    fn journal_settled(&self, cx: &Cx<'_>) {
        if !self.editor.autosave.is_pending() {
            let login = cx.store.access().login.clone();
            cx.store.journal_settled(self.meeting.id, &login);
        }
    }

    /// Writes what is typed as the meeting's draft, when anything is unsaved.
    fn save_draft(&mut self, cx: &mut Cx<'_>) {
        if !self.editor.autosave.is_pending() {
            return;
        }
        let stamp = stamp(cx);
        let draft = Draft {
            text: self.editor.text().to_text(),
            saved_at: stamp.at,
            by: stamp.by,
        };
        let id = self.meeting.id;
        let pending = cx.store.submit(Command::SaveDraft { meeting: id, draft });
        self.editor.autosave.saved();
        self.sent.push((Sent::Draft(stamp.at), pending));
    }

    /// Hands the minutes to the store when they changed: the editor counts them saved
    /// until the answer says otherwise. `None` when there was nothing to save.
    fn send_minutes(&mut self, cx: &mut Cx<'_>) -> Option<(Sent, Pending)> {
        if !self.editor.changed {
            return None;
        }
        let (id, at) = (self.meeting.id, cx.now());
        let text = self.editor.text().to_text();
        let pending = cx.store.submit(Command::SaveMinutes {
            meeting: id,
            text,
            at,
        });
        self.editor.saved();
        Some((Sent::Minutes(at), pending))
    }

    /// Saves the minutes into the meeting when they changed, and waits for it: before
    /// approving or exporting, which need them saved. False when they could not be saved
    /// (the reason is in the status line); what was typed is then still on screen and in
    /// the draft.
    fn save_minutes_now(&mut self, cx: &mut Cx<'_>) -> bool {
        let Some((sent, pending)) = self.send_minutes(cx) else {
            return true;
        };
        let answer = pending.wait();
        let saved = answer.is_ok();
        self.answered(sent, answer, cx);
        saved
    }

    /// Reads the answers the store has given to what this screen handed it. Whether any
    /// came.
    fn read_answers(&mut self, cx: &mut Cx<'_>) -> bool {
        let mut answers = Vec::new();
        self.sent
            .retain(|(sent, pending)| match pending.try_take() {
                Some(answer) => {
                    answers.push((*sent, answer));
                    false
                }
                None => true,
            });
        let came = !answers.is_empty();
        for (sent, answer) in answers {
            self.answered(sent, answer, cx);
        }
        // The roll is read again once no mark is waiting, so a mark shown at once is not
        // taken away by a read from before it was written.
        let marking = self.sent.iter().any(|(s, _)| s.roll_step().is_some());
        if came && !marking {
            cx.read(|r| self.reload(r).map(drop));
        }
        came
    }

    /// The record closes: the answers not yet come are the App's to read.
    fn hand_over(&mut self, cx: &mut Cx<'_>) {
        let last_roll = self.sent.iter().rposition(|(s, _)| s.roll_step().is_some());
        for (at, (_, pending)) in self.sent.drain(..).enumerate() {
            cx.later.push(Later {
                pending,
                refused: not_saved,
                settles_roll: (Some(at) == last_roll).then_some(self.meeting.id),
            });
        }
        self.roll_steps.clear();
    }

    /// What the store answered to `sent`.
    fn answered(&mut self, sent: Sent, answer: Result<store::Done, StoreError>, cx: &mut Cx<'_>) {
        let lang = cx.lang;
        if let Some(step) = sent.roll_step() {
            self.roll_steps.retain(|(n, _)| *n != step);
            self.journal_roll(cx);
        }
        match (sent, answer) {
            (Sent::Mark(_), Ok(_)) => {}
            (Sent::RestPresent(_), Ok(done)) => {
                let changed = done.into_roll().map_or(0, |d| d.changed);
                cx.say(words::rest_present(lang, changed));
            }
            (Sent::Draft(at), Ok(_)) => {
                self.draft_at = Some(at);
                self.journal_settled(cx);
            }
            (Sent::Minutes(at), Ok(done)) => {
                if let Ok(meeting) = done.into_meeting() {
                    self.meeting = meeting;
                }
                self.saved_at = Some(at);
                self.draft_at = None;
                self.journal_settled(cx);
                cx.say(words::saved(lang).to_string());
            }
            (Sent::Discard, Ok(_)) => cx.say(words::draft_dropped(lang).to_string()),
            (sent, Err(e)) => {
                if let Sent::Minutes(_) | Sent::Draft(_) = sent {
                    // Not saved: still to save, and kept as a draft a little later.
                    self.editor.changed |= matches!(sent, Sent::Minutes(_));
                    self.editor.autosave.touch(Instant::now());
                }
                store_failed(&e, cx);
            }
        }
    }

    /// Marks the member under the cursor (`None` takes the mark away): shown at once,
    /// written by the store's writer. Whether a mark was sent.
    fn mark(&mut self, mark: Option<Mark>, cx: &mut Cx<'_>) -> bool {
        let cursor = self.roll_cursor();
        let Some(entry) = self.roll.entries.get_mut(cursor) else {
            return false;
        };
        let member = entry.member;
        let change = match mark {
            Some(mark) => RollChange::Mark {
                member,
                mark,
                reason: None,
            },
            None => RollChange::Unmark { member },
        };
        entry.mark = mark;
        cx.say(words::marked(cx.lang, &entry.name, mark));
        self.send_roll(change, Sent::Mark, cx);
        true
    }

    fn mark_rest_present(&mut self, cx: &mut Cx<'_>) {
        self.send_roll(RollChange::RestPresent, Sent::RestPresent, cx);
    }

    /// Hands `change` to the store and keeps it in the journal until it is answered; the
    /// roll is read again when it is.
    fn send_roll(&mut self, change: RollChange, sent: fn(u64) -> Sent, cx: &mut Cx<'_>) {
        let number = self.next_step;
        self.next_step += 1;
        let step = store::RollStep {
            change: change.clone(),
            today: cx.today,
        };
        self.roll_steps.push((number, step));
        self.journal_roll(cx);
        let pending = cx.store.submit(Command::ChangeRoll {
            meeting: self.meeting.id,
            change,
            today: cx.today,
        });
        self.sent.push((sent(number), pending));
    }

    /// The roll changes not yet answered, into the journal beside the database.
    fn journal_roll(&self, cx: &Cx<'_>) {
        let steps: Vec<store::RollStep> = self.roll_steps.iter().map(|(_, s)| s.clone()).collect();
        let login = cx.store.access().login.clone();
        cx.store
            .journal_roll(self.meeting.id, &login, &steps, cx.now());
    }

    /// `e`: asks the reason, then marks the member excused.
    fn ask_excuse(&mut self, cx: &mut Cx<'_>) -> Step {
        let lang = cx.lang;
        let Some(entry) = self.roll.entries.get(self.roll_cursor()) else {
            return Step::Changed;
        };
        if !entry.is_expected() {
            cx.refuse(MinutesError::ExemptComesOnly.message(lang));
            return Step::Changed;
        }
        if self.meeting.is_approved() {
            cx.refuse(MinutesError::Approved.message(lang));
            return Step::Changed;
        }
        let member = entry.member;
        let form = minutes_forms::excuse(
            lang,
            self.meeting.id,
            (entry.member, &entry.name),
            entry.reason.as_deref(),
            cx.today,
        );
        self.excuse_for = Some(member);
        Step::Open(Box::new(form))
    }

    /// F9: the minutes saved, then the approval form.
    fn ask_approval(&mut self, cx: &mut Cx<'_>) -> Step {
        if !self.save_minutes_now(cx) {
            return Step::Changed;
        }
        let refusal = if self.meeting.is_approved() {
            Some(MinutesError::Approved)
        } else if self.meeting.minutes.is_none() {
            Some(MinutesError::Empty)
        } else {
            None
        };
        if let Some(refusal) = refusal {
            cx.refuse(refusal.message(cx.lang));
            return Step::Changed;
        }
        let usual = cx.read(|r| super::usual_chair(r, &self.meeting)).flatten();
        let form = minutes_forms::approve(cx.lang, &self.meeting, usual.as_deref(), stamp(cx));
        Step::Open(Box::new(form))
    }

    /// F7: an amendment, for approved minutes only.
    fn ask_amendment(&mut self, cx: &mut Cx<'_>) -> Step {
        if !self.meeting.is_approved() {
            cx.refuse(MinutesError::NotApproved.message(cx.lang));
            return Step::Changed;
        }
        let form = minutes_forms::amend(cx.lang, self.meeting.id, stamp(cx));
        Step::Open(Box::new(form))
    }

    /// F8: the vote on the resolution of a meeting, or what a committee meeting decided
    /// for the agenda; approved minutes lock both.
    fn ask_vote(&mut self, cx: &mut Cx<'_>) -> Step {
        if self.meeting.is_approved() {
            cx.refuse(MinutesError::Approved.message(cx.lang));
            return Step::Changed;
        }
        let form = if self.meeting.kind == crate::domain::MeetingKind::Committee {
            minutes_forms::decisions(cx.lang, &self.meeting)
        } else {
            minutes_forms::vote(cx.lang, &self.meeting)
        };
        Step::Open(Box::new(form))
    }

    /// F3: the facts of section I — times, place, chair, minutes secretary. (Approved
    /// minutes never get here: `can` refuses the key.)
    fn ask_facts(&mut self, cx: &mut Cx<'_>) -> Step {
        let usual = cx.read(|r| super::usual_chair(r, &self.meeting)).flatten();
        // Who chairs and who keeps the minutes came: those marked present are offered first.
        let people = self.people(true);
        let form = minutes_forms::facts(cx.lang, &self.meeting, people, usual.as_deref());
        Step::Open(Box::new(form))
    }

    /// F4: who does what by when, section VIII.
    fn ask_assignments(&mut self, cx: &mut Cx<'_>) -> Step {
        let form = minutes_forms::assignments(cx.lang, &self.meeting, self.people(false));
        Step::Open(Box::new(form))
    }

    /// Whom the facts and assignments may name: the roll in its order (those who came
    /// first, when `came_first`), then the guests from above.
    fn people(&self, came_first: bool) -> minutes_forms::People<'_> {
        let mut entries: Vec<_> = self.roll.entries.iter().collect();
        if came_first {
            entries.sort_by_key(|e| !e.mark.is_some_and(Mark::came));
        }
        minutes_forms::People {
            roll: entries.into_iter().map(|e| e.name.clone()).collect(),
            guests: &self.guests,
        }
    }

    /// F6: the minutes saved, then written as an A4 .docx and as Markdown where this
    /// user's exports go (the folder chibo runs in locally, their exports space over SSH);
    /// the status line names the files.
    fn export_minutes(&mut self, cx: &mut Cx<'_>) {
        if !self.save_minutes_now(cx) {
            return;
        }
        let mut written = Vec::new();
        for format in [MinutesFormat::Docx, MinutesFormat::Markdown] {
            let name = file_name(&self.org, &self.meeting, format);
            match write_document(&name, self.meeting.id, format, cx) {
                Ok(at) => written.push(at),
                Err(message) => {
                    tracing::warn!(%name, %message, "minutes export failed");
                    cx.refuse(message);
                    return;
                }
            }
        }
        cx.say(words::exported(cx.lang, &written.join(", ")));
    }
}

/// Writes one document `name` whole where exports go; says where it is.
fn write_document(
    name: &str,
    meeting: MeetingId,
    format: MinutesFormat,
    cx: &Cx<'_>,
) -> Result<String, String> {
    let lang = cx.lang;
    let reader = cx.store.read().map_err(|e| e.message(lang))?;
    let mut bytes = Vec::new();
    export_minutes(&reader, meeting, format, lang, &mut bytes).map_err(|e| e.message(lang))?;
    cx.files.export(name, &bytes).map_err(|e| e.message(lang))
}

/// How often a record shown read-only asks again whether the minutes are free.
const LEASE_RECHECK: std::time::Duration = std::time::Duration::from_secs(1);

/// What the screen handed to the store and waits to hear about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// A mark given or taken away, by the number of its roll change.
    Mark(u64),
    /// "The rest present", by the number of its roll change.
    RestPresent(u64),
    /// The draft, as typed at that moment.
    Draft(NaiveDateTime),
    /// The minutes, as typed at that moment.
    Minutes(NaiveDateTime),
    /// The draft dropped.
    Discard,
}

impl Sent {
    /// The number of the roll change this is, if it is one.
    fn roll_step(self) -> Option<u64> {
        match self {
            Sent::Mark(n) | Sent::RestPresent(n) => Some(n),
            _ => None,
        }
    }
}

/// The words for a write of a record already closed that the store refused.
fn not_saved(lang: crate::domain::Lang, e: &StoreError) -> String {
    words::not_saved(lang, &e.message(lang))
}

/// Who is writing, and now.
fn stamp(cx: &Cx<'_>) -> Stamp {
    Stamp {
        by: cx.actor.to_string(),
        at: cx.now(),
    }
}

fn store_failed(e: &StoreError, cx: &mut Cx<'_>) {
    tracing::warn!(error = %e, "a write of the meeting record failed");
    cx.refuse(e.message(cx.lang));
}

impl Screen for MeetingRecord {
    fn context(&self) -> Context {
        match self.tab() {
            Tab::Roll => Context::Roll,
            _ => Context::Minutes,
        }
    }

    /// On a section whose facts are fields, the key that changes them comes right after
    /// approving: F3 on I and IX, F8 on VII, F4 on VIII.
    fn commands(&self) -> Vec<CommandInfo> {
        let mut commands = match self.tab() {
            Tab::Roll => ROLL_COMMANDS.to_vec(),
            _ => MINUTES_COMMANDS.to_vec(),
        };
        let own = match self.section() {
            Some(Section::Opening | Section::Closing) => Some(Action::Facts),
            Some(Section::Resolution) => Some(Action::Vote),
            Some(Section::Assignments) => Some(Action::AssignTasks),
            _ => None,
        };
        let at =
            |commands: &[CommandInfo], action| commands.iter().position(|c| c.actions == [action]);
        if let Some(own) = own.and_then(|a| at(&commands, a)) {
            let command = commands.remove(own);
            let after = at(&commands, Action::Approve).map_or(0, |i| i + 1);
            commands.insert(after, command);
        }
        offered(&commands, |action| self.can(action))
    }

    /// Marks, votes and edits need minutes not approved that this session holds; an
    /// amendment needs them approved. Saving always answers (saved, or nothing to save).
    fn can(&self, action: Action) -> bool {
        let approved = self.meeting.is_approved();
        let editable = !self.editor.is_read_only();
        match action {
            Action::MarkPresent
            | Action::MarkExcused
            | Action::MarkAbsent
            | Action::Unmark
            | Action::RestPresent
            | Action::Guests
            | Action::Vote
            | Action::Facts
            | Action::AssignTasks
            | Action::Undo
            | Action::Redo
            | Action::Paste
            | Action::Save => editable,
            Action::Approve => editable && !approved,
            Action::Amend => approved,
            _ => true,
        }
    }

    /// Someone else holds the minutes, the role only reads, or they are approved.
    fn why_not(&self, action: Action, cx: &Cx<'_>) -> Option<String> {
        let reader = self.held_by.is_some() || !cx.store.access().role.writes_meetings();
        if action == Action::Amend && !reader {
            return Some(MinutesError::NotApproved.message(cx.lang));
        }
        (reader || self.meeting.is_approved()).then(|| self.refusal(&MinutesError::Approved, cx))
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx<'_>) -> Step {
        let page = self.roll_page() as isize;
        self.excuse_for = None;
        match action {
            Action::NextSection | Action::PrevSection => {
                self.save_draft(cx);
                self.turn(action == Action::NextSection);
            }
            Action::Up => self.move_roll(-1),
            Action::Down => self.move_roll(1),
            Action::PageUp => self.move_roll(-page),
            Action::PageDown => self.move_roll(page),
            Action::Top => self.roll_to(false),
            Action::Bottom => self.roll_to(true),
            Action::MarkPresent | Action::MarkAbsent => {
                let mark = match action {
                    Action::MarkPresent => Mark::Present,
                    _ => Mark::Absent,
                };
                if self.mark(Some(mark), cx) {
                    // The cursor to the next member, as the roll is read out name after name.
                    self.move_roll(1);
                }
            }
            Action::Unmark => {
                self.mark(None, cx);
            }
            Action::MarkExcused => return self.ask_excuse(cx),
            Action::RestPresent => self.mark_rest_present(cx),
            Action::Save => match self.send_minutes(cx) {
                Some(sent) => self.sent.push(sent),
                None => cx.say(words::saved(cx.lang).to_string()),
            },
            // Esc: back to the meetings screen at once; the draft and then the minutes go
            // to the store, and should it refuse them the App says so — the draft keeps
            // the text either way.
            Action::Back => {
                self.save_draft(cx);
                if let Some(sent) = self.send_minutes(cx) {
                    self.sent.push(sent);
                }
                self.hand_over(cx);
                return Step::Back;
            }
            Action::Approve => return self.ask_approval(cx),
            Action::Amend => return self.ask_amendment(cx),
            Action::Vote => return self.ask_vote(cx),
            Action::Facts => return self.ask_facts(cx),
            Action::AssignTasks => return self.ask_assignments(cx),
            Action::Export => self.export_minutes(cx),
            Action::Undo => self.edit_command(EditCommand::Undo, cx),
            Action::Redo => self.edit_command(EditCommand::Redo, cx),
            Action::Paste => self.edit_command(EditCommand::Paste, cx),
            _ => return Step::Ignored,
        }
        Step::Changed
    }

    fn render(&self, frame: &mut Frame<'_>, body: Rect, keys_here: bool, ui: &Ui<'_>) {
        render(frame, body, self, keys_here, ui);
    }

    fn path(&self) -> Option<&[OrgUnit]> {
        Some(&self.path)
    }

    /// Forms on the record act on its meeting; the organisation is left to the tree's.
    fn selection(&self) -> Selection<'_> {
        Selection {
            org: None,
            member: None,
            calendar: Some(CalendarSubject {
                node: &self.org,
                month: crate::domain::YearMonth::of(self.meeting.date),
                meeting: Some(&self.meeting),
                unit: None,
            }),
        }
    }

    /// On every tab but the roll printable keys are text, even where there is nothing to
    /// type into (the amendments): a letter never runs a global command there.
    fn typing(&self) -> bool {
        self.context() == Context::Minutes
    }

    /// A key the minutes' keymap does not bind: typed into the section shown.
    fn on_text(&mut self, key: &KeyEvent, cx: &mut Cx<'_>) -> bool {
        let Some(section) = self.section() else {
            return false;
        };
        self.last_typed = Some(Instant::now());
        if let Err(e) = self.editor.key(section, key, Instant::now()) {
            let refusal = self.refusal(&e, cx);
            cx.refuse(refusal);
        }
        self.journal(cx);
        true
    }

    fn paste(&mut self, text: &str, cx: &mut Cx<'_>) -> bool {
        let Some(section) = self.section() else {
            return false;
        };
        self.last_typed = Some(Instant::now());
        if let Err(e) = self.editor.paste(section, text, Instant::now()) {
            let refusal = self.refusal(&e, cx);
            cx.refuse(refusal);
        }
        self.journal(cx);
        true
    }

    /// The answer to "resume the draft?".
    fn on_msg(&mut self, msg: ScreenMsg, cx: &mut Cx<'_>) -> bool {
        let ScreenMsg::ResumeDraft(resume) = msg;
        let id = self.meeting.id;
        if resume {
            if let Some(draft) = cx.read(|r| r.draft(id)).flatten() {
                self.editor
                    .replace(&MinutesText::parse(&draft.text), Instant::now());
                cx.say(words::resumed(cx.lang).to_string());
            }
        } else {
            let pending = cx.store.submit(Command::DiscardDraft(id));
            self.sent.push((Sent::Discard, pending));
        }
        true
    }

    /// The draft to resume, asked once this App holds the minutes and nothing else is open.
    fn question(&mut self, cx: &mut Cx<'_>) -> Option<Box<dyn crate::ui::overlay::Overlay>> {
        if self.editor.is_read_only() {
            return None;
        }
        let draft = self.offer.take()?;
        Some(Box::new(ResumeDraft::new(
            cx.lang,
            draft.saved_at,
            &draft.by,
        )))
    }

    fn reload(&mut self, reader: &Reader) -> Result<bool, StoreError> {
        MeetingRecord::reload(self, reader)
    }

    /// A form on the record wrote to its own meeting: the record stays.
    fn reveal(&mut self, target: Target, _cx: &mut Cx<'_>) -> Option<bool> {
        (target == Target::Meeting(self.meeting.id)).then_some(true)
    }

    fn resize(&mut self, _reader: &Reader, regions: Regions) -> Result<(), StoreError> {
        self.set_body(regions.body);
        Ok(())
    }

    /// Leaving by a jump elsewhere or the App ending: what is typed and not yet saved is
    /// kept as a draft, to resume next time; the answers not yet come are left to the App.
    fn leave(&mut self, cx: &mut Cx<'_>) {
        self.save_draft(cx);
        self.hand_over(cx);
    }

    fn take_answers(&mut self, cx: &mut Cx<'_>) -> bool {
        self.read_answers(cx)
    }

    /// The autosave's time; shortly while an answer is awaited; and every second while the
    /// minutes are held or wanted: a holder who types nothing for a while keeps renewing
    /// them, and a reader's record becomes editable (and the holder's draft is offered) as
    /// soon as the holder lets go, without waiting for a key.
    fn due_at(&self) -> Option<Instant> {
        let now = Instant::now();
        let answer = (!self.sent.is_empty()).then(|| now + ANSWER_POLL);
        let holding = !self.editor.is_read_only() && !self.meeting.is_approved();
        let lease = (holding || self.held_by.is_some()).then(|| now + LEASE_RECHECK);
        let autosave = self.editor.autosave.due_at();
        autosave.into_iter().chain(answer).chain(lease).min()
    }

    /// The store's answers are read; the draft is written when it is due.
    fn tick(&mut self, now: Instant, cx: &mut Cx<'_>) -> bool {
        let answered = self.read_answers(cx);
        if !self.editor.autosave.is_due(now) {
            return answered;
        }
        self.save_draft(cx);
        true
    }

    /// Someone who may only read never holds the minutes: they would keep the secretary
    /// out while they look.
    fn minutes_wanted(&self, writes: bool) -> Option<MeetingId> {
        (writes && !self.meeting.is_approved()).then_some(self.meeting.id)
    }

    /// Editable while this session holds the lease; read-only, saying who holds it, while
    /// someone else does. True when the record changed between editable and read-only.
    fn lease_answer(&mut self, held: &Result<(), HeldBy>, writes: bool, cx: &mut Cx<'_>) -> bool {
        let approved = self.meeting.is_approved();
        let read_only = approved || held.is_err() || !writes;
        self.held_by = held.clone().err().map(|held| held.login);
        if self.editor.is_read_only() == read_only {
            return false;
        }
        self.editor.set_read_only(read_only);
        match held {
            Err(held) => cx.say(words::held_by(cx.lang, &held.login)),
            Ok(()) if writes && !approved => {
                cx.store.replay_journal();
                cx.read(|r| self.take_over(r).map(drop));
                cx.say(words::lease_free(cx.lang).to_string());
            }
            Ok(()) => {}
        }
        true
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
