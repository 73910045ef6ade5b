//! The App on a meeting's record: opening it (and offering a draft to resume), the roll's
//! marks, typing into the minutes, autosave, saving, approving, amending and exporting.
//!
//! Every mark is written at once, in one transaction that reads the meeting again, so two
//! marks never overwrite each other and what is counted from the meeting follows the roll.
//! Typing stays in memory; a draft is written at most [`AT_MOST`] after the first change
//! not yet saved and whenever the section changes, and the minutes are saved into the
//! meeting on Save, on leaving the record, and before approval.
//!
//! [`AT_MOST`]: crate::ui::screens::record::editor::AT_MOST

use super::*;
use crate::io::minutes::{MinutesFormat, export_minutes, file_name};
use crate::store::{RollChange, RollChanged};
use crate::ui::forms::minutes::{self as minutes_forms, ResumeDraft, Stamp};
use crate::ui::i18n::record as words;

impl App {
    /// Starts on a meeting's record, its month on the meetings screen behind it: the
    /// quick way in for whoever keeps one branch's minutes.
    pub fn open_minutes(&mut self, id: MeetingId) {
        self.jump(Target::Meeting(id));
        self.open_record(id);
    }

    /// Holds the lease on the open record's minutes, or shows them read-only while another
    /// session holds it; lets go of what is no longer open. True when the record changed
    /// between editable and read-only.
    pub(super) fn sync_lease(&mut self) -> bool {
        // Someone who may only read never holds the minutes: they would keep the secretary
        // out while they look.
        let writes = self.store.access().role.writes_meetings();
        let wanted = self
            .record
            .as_ref()
            .filter(|r| writes && !r.meeting.is_approved())
            .map(|r| r.meeting.id);
        let held = self.store.hold_minutes(self.lease_holder, wanted);
        let Some(record) = self.record.as_mut() else {
            return false;
        };
        let approved = record.meeting.is_approved();
        let read_only = approved || held.is_err() || !writes;
        record.held_by = held.clone().err();
        if record.editor.is_read_only() == read_only {
            return false;
        }
        record.editor.set_read_only(read_only);
        self.status = match held {
            Err(login) => Some(info(&words::held_by(self.lang, &login))),
            Ok(()) if !writes => self.status.take(),
            Ok(()) if !approved => {
                self.read(|app, r| match app.record.as_mut() {
                    Some(record) => record.take_over(r, Instant::now()).map(drop),
                    None => Ok(()),
                });
                Some(info(words::lease_free(self.lang)))
            }
            Ok(()) => self.status.take(),
        };
        true
    }

    /// Why a change to the minutes was refused: the user's role may only read, someone else
    /// holds them, or they are approved.
    fn refusal(&self, error: &MinutesError) -> Status {
        let access = self.store.access();
        if !access.role.writes_meetings() {
            let not_allowed = StoreError::NotAllowed {
                login: access.login.clone(),
                role: access.role,
            };
            return refused(not_allowed.message(self.lang));
        }
        match self.record.as_ref().and_then(|r| r.held_by.as_deref()) {
            Some(login) => refused(words::held_by(self.lang, login)),
            None => refused(error.message(self.lang)),
        }
    }

    /// Enter on a meeting: its record, with the roll first.
    pub(super) fn open_record(&mut self, id: MeetingId) -> bool {
        let body = self.body();
        let opened = self.read(|_, r| {
            let Some(record) = MeetingRecord::open(r, id, body)? else {
                return Ok(None);
            };
            let draft = record.draft_to_offer(r)?;
            Ok(Some((record, draft)))
        });
        match opened {
            Some(Some((record, draft))) => {
                self.record = Some(record);
                self.focus = Focus::Record;
                if let Some(draft) = draft {
                    let question = words::resume_question(self.lang, draft.saved_at, &draft.by);
                    self.overlays.push(Box::new(ResumeDraft::new(question)));
                }
            }
            Some(None) => self.error(Text::NotFound),
            None => {}
        }
        true
    }

    /// The answer to "resume the draft?".
    pub(super) fn resume_draft(&mut self, resume: bool) {
        let Some(id) = self.record.as_ref().map(|r| r.meeting.id) else {
            return;
        };
        if resume {
            let draft = self.read(|_, r| r.draft(id)).flatten();
            if let (Some(draft), Some(record)) = (draft, self.record.as_mut()) {
                record
                    .editor
                    .replace(&MinutesText::parse(&draft.text), Instant::now());
                self.status = Some(info(words::resumed(self.lang)));
            }
        } else {
            match self.store.write(|w| w.discard_draft(id)) {
                Ok(()) => self.status = Some(info(words::draft_dropped(self.lang))),
                Err(e) => self.store_failed(&e),
            }
        }
    }

    pub(super) fn record_action(&mut self, action: Action) -> bool {
        let Some(record) = self.record.as_mut() else {
            self.focus = Focus::Meetings;
            return true;
        };
        let page = record.roll_page() as isize;
        record.excuse_for = None;
        match action {
            Action::NextSection | Action::PrevSection => {
                self.save_draft(Instant::now());
                if let Some(record) = self.record.as_mut() {
                    record.turn(action == Action::NextSection);
                }
            }
            Action::Up => record.move_roll(-1),
            Action::Down => record.move_roll(1),
            Action::PageUp => record.move_roll(-page),
            Action::PageDown => record.move_roll(page),
            Action::Top => record.roll_to(false),
            Action::Bottom => record.roll_to(true),
            Action::MarkPresent => {
                if self.mark(Some(Mark::Present)) {
                    self.next_on_roll();
                }
            }
            Action::MarkAbsent => {
                if self.mark(Some(Mark::Absent)) {
                    self.next_on_roll();
                }
            }
            Action::Unmark => {
                self.mark(None);
            }
            Action::MarkExcused => self.ask_excuse(),
            Action::RestPresent => self.mark_rest_present(),
            Action::Save => {
                if self.save_minutes() {
                    self.status = Some(info(words::saved(self.lang)));
                }
            }
            Action::Back => self.close_record(),
            Action::Approve => self.ask_approval(),
            Action::Amend => self.ask_amendment(),
            Action::Vote => self.ask_vote(),
            Action::Export => self.export_minutes(),
            Action::Undo => self.edit_command(Command::Undo),
            Action::Redo => self.edit_command(Command::Redo),
            Action::Paste => self.edit_command(Command::Paste),
            _ => return false,
        }
        true
    }

    /// Esc: the minutes saved, back to the meetings screen (read again: the roll and the
    /// minutes may have changed what it shows).
    fn close_record(&mut self) {
        if !self.save_minutes() {
            // Not saved (refused, or the store failed): stay, with the reason shown.
            return;
        }
        self.record = None;
        self.focus = Focus::Meetings;
        self.read(|app, r| match app.meetings.as_mut() {
            Some(view) => view.reload(r),
            None => Ok(()),
        });
        if self.meetings.is_none() {
            self.focus = self.before_meetings;
        }
    }

    /// A key the minutes' keymap does not bind: typed into the section shown.
    pub(super) fn type_key(&mut self, key: &KeyEvent) -> bool {
        let Some(record) = self.record.as_mut() else {
            return false;
        };
        let Some(section) = record.section() else {
            return false;
        };
        if let Err(e) = record.editor.key(section, key, Instant::now()) {
            self.status = Some(self.refusal(&e));
        }
        true
    }

    pub(super) fn paste(&mut self, text: &str) -> Vec<Effect> {
        let section = self.record.as_ref().and_then(MeetingRecord::section);
        let (Some(record), Some(section)) = (self.record.as_mut(), section) else {
            return Vec::new();
        };
        if let Err(e) = record.editor.paste(section, text, Instant::now()) {
            self.status = Some(self.refusal(&e));
        }
        vec![Effect::Redraw]
    }

    fn edit_command(&mut self, command: Command) {
        let lang = self.lang;
        let Some(record) = self.record.as_mut() else {
            return;
        };
        let Some(section) = record.section() else {
            return;
        };
        if let Err(e) = record.editor.command(section, command, Instant::now()) {
            self.status = Some(refused(e.message(lang)));
        }
    }

    /// Autosave: the draft is written when it is due.
    pub(super) fn tick(&mut self, now: Instant) -> Vec<Effect> {
        let moved = self.follow_the_day();
        let due = self
            .record
            .as_ref()
            .is_some_and(|r| r.editor.autosave.is_due(now));
        if due {
            self.save_draft(now);
            return vec![Effect::Redraw];
        }
        if moved {
            vec![Effect::Redraw]
        } else {
            Vec::new()
        }
    }

    /// When the host must send the next [`Msg::Tick`]: the autosave's due time, or the
    /// next midnight when the clock's day moves by itself.
    pub fn wake_at(&self) -> Option<Instant> {
        let autosave = self
            .record
            .as_ref()
            .and_then(|r| r.editor.autosave.due_at());
        let midnight = self
            .clock
            .until_tomorrow()
            .map(|left| Instant::now() + left);
        match (autosave, midnight) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Saves the open draft now, whatever the autosave timer says: for a host about to end
    /// the App (a dropped connection, a server shutting down).
    pub fn flush_draft(&mut self) {
        self.save_draft(Instant::now());
    }

    /// Writes what is typed as the meeting's draft, when anything is unsaved.
    pub(super) fn save_draft(&mut self, now: Instant) {
        let stamp = self.stamp();
        let Some(record) = self.record.as_mut() else {
            return;
        };
        if !record.editor.autosave.is_pending() {
            return;
        }
        let draft = Draft {
            text: record.editor.text().to_text(),
            saved_at: stamp.at,
            by: stamp.by,
        };
        let id = record.meeting.id;
        match self.store.write(|w| w.save_draft(id, &draft)) {
            Ok(()) => {
                if let Some(record) = self.record.as_mut() {
                    record.editor.autosave.saved();
                }
            }
            Err(e) => {
                // Try again a little later rather than at every tick.
                if let Some(record) = self.record.as_mut() {
                    record.editor.autosave.saved();
                    record.editor.autosave.touch(now);
                }
                self.store_failed(&e);
            }
        }
    }

    /// Saves the minutes into the meeting when they changed. False when they could not be
    /// saved (the reason is in the status line); what was typed is then still on screen
    /// and in the draft.
    pub(super) fn save_minutes(&mut self) -> bool {
        let stamp = self.stamp();
        let Some(record) = self.record.as_mut() else {
            return true;
        };
        if !record.editor.changed {
            return true;
        }
        let id = record.meeting.id;
        let text = record.editor.text().to_text();
        match self.store.write(|w| w.save_minutes(id, text, stamp.at)) {
            Ok(meeting) => {
                if let Some(record) = self.record.as_mut() {
                    record.meeting = meeting;
                    record.editor.saved();
                }
                true
            }
            Err(e) => {
                self.save_draft(Instant::now());
                self.store_failed(&e);
                false
            }
        }
    }

    /// Marks the member under the cursor (`None` takes the mark away), at once. Whether
    /// the mark was written.
    fn mark(&mut self, mark: Option<Mark>) -> bool {
        let Some(member) = self.member_on_roll() else {
            return false;
        };
        let change = match mark {
            Some(mark) => RollChange::Mark {
                member,
                mark,
                reason: None,
            },
            None => RollChange::Unmark { member },
        };
        self.change_roll(change).is_some()
    }

    /// The cursor to the next member, as the roll is read out name after name.
    fn next_on_roll(&mut self) {
        if let Some(record) = self.record.as_mut() {
            record.move_roll(1);
        }
    }

    fn mark_rest_present(&mut self) {
        if let Some(done) = self.change_roll(RollChange::RestPresent) {
            self.status = Some(info(&words::rest_present(self.lang, done.changed)));
        }
    }

    /// The member under the cursor on the roll.
    fn member_on_roll(&self) -> Option<MemberId> {
        let record = self.record.as_ref()?;
        record
            .roll
            .entries
            .get(record.roll_cursor())
            .map(|e| e.member)
    }

    /// Sends `change` to the store and shows the roll as written: what it did, or `None`
    /// when it changed nothing (the reason, if any, is in the status line).
    fn change_roll(&mut self, change: RollChange) -> Option<RollChanged> {
        let (lang, today) = (self.lang, self.today);
        let id = self.record.as_ref()?.meeting.id;
        match self.store.write(|w| w.change_roll(id, change, today)) {
            Ok(done) if done.changed > 0 => {
                if let Some(entry) = &done.entry {
                    self.status = Some(info(&words::marked(lang, &entry.name, entry.mark)));
                }
                self.reload_record();
                Some(done)
            }
            // Nothing to change: a mark taken away twice, everyone marked already.
            Ok(done) => {
                if done.entry.is_none() {
                    self.status = Some(info(&words::rest_present(lang, 0)));
                }
                None
            }
            Err(e) => {
                self.store_failed(&e);
                None
            }
        }
    }

    fn reload_record(&mut self) {
        self.read(|app, r| match app.record.as_mut() {
            Some(record) => record.reload(r).map(drop),
            None => Ok(()),
        });
    }

    /// `e`: asks the reason, then marks the member excused.
    fn ask_excuse(&mut self) {
        let lang = self.lang;
        let Some(record) = self.record.as_ref() else {
            return;
        };
        let Some(entry) = record.roll.entries.get(record.roll_cursor()) else {
            return;
        };
        if !entry.is_expected() {
            self.status = Some(refused(MinutesError::ExemptComesOnly.message(lang)));
            return;
        }
        if record.meeting.is_approved() {
            self.status = Some(refused(MinutesError::Approved.message(lang)));
            return;
        }
        let member = entry.member;
        let form = minutes_forms::excuse(
            lang,
            record.meeting.id,
            (entry.member, &entry.name),
            entry.reason.as_deref(),
            self.today,
        );
        self.overlays.push(Box::new(form));
        if let Some(record) = self.record.as_mut() {
            record.excuse_for = Some(member);
        }
    }

    /// F9: the minutes saved, then the approval form.
    fn ask_approval(&mut self) {
        let lang = self.lang;
        if !self.save_minutes() {
            return;
        }
        let stamp = self.stamp();
        let Some(record) = self.record.as_ref() else {
            return;
        };
        let refusal = if record.meeting.is_approved() {
            Some(MinutesError::Approved)
        } else if record.meeting.minutes.is_none() {
            Some(MinutesError::Empty)
        } else {
            None
        };
        if let Some(refusal) = refusal {
            self.status = Some(refused(refusal.message(lang)));
            return;
        }
        let form = minutes_forms::approve(lang, record.meeting.id, &record.editor.text(), stamp);
        self.overlays.push(Box::new(form));
    }

    /// F7: an amendment, for approved minutes only.
    fn ask_amendment(&mut self) {
        let lang = self.lang;
        let stamp = self.stamp();
        let Some(record) = self.record.as_ref() else {
            return;
        };
        if !record.meeting.is_approved() {
            self.status = Some(refused(MinutesError::NotApproved.message(lang)));
            return;
        }
        let form = minutes_forms::amend(lang, record.meeting.id, stamp);
        self.overlays.push(Box::new(form));
    }

    /// F8: the vote on the resolution of a meeting, or what a committee meeting decided
    /// for the agenda; approved minutes lock both.
    fn ask_vote(&mut self) {
        let lang = self.lang;
        let Some(record) = self.record.as_ref() else {
            return;
        };
        if record.meeting.is_approved() {
            self.status = Some(refused(MinutesError::Approved.message(lang)));
            return;
        }
        let form = if record.meeting.kind == crate::domain::MeetingKind::Committee {
            minutes_forms::decisions(lang, &record.meeting)
        } else {
            minutes_forms::vote(lang, &record.meeting)
        };
        self.overlays.push(Box::new(form));
    }

    /// F6: the minutes saved, then written as an A4 .docx and as Markdown where this
    /// user's exports go (the folder chibo runs in locally, their exports space over SSH);
    /// the status line names the files.
    fn export_minutes(&mut self) {
        if !self.save_minutes() {
            return;
        }
        let Some(record) = self.record.as_ref() else {
            return;
        };
        let (org, meeting) = (record.org.clone(), record.meeting.clone());
        let mut written = Vec::new();
        for format in [MinutesFormat::Docx, MinutesFormat::Markdown] {
            let name = file_name(&org, &meeting, format);
            match self.write_document(&name, meeting.id, format) {
                Ok(at) => written.push(at),
                Err(message) => {
                    tracing::warn!(%name, %message, "minutes export failed");
                    self.status = Some(refused(message));
                    return;
                }
            }
        }
        self.status = Some(info(&words::exported(self.lang, &written.join(", "))));
    }

    /// Writes one document `name` whole where exports go; says where it is.
    fn write_document(
        &self,
        name: &str,
        meeting: MeetingId,
        format: MinutesFormat,
    ) -> Result<String, String> {
        let lang = self.lang;
        let reader = self.store.read().map_err(|e| e.message(lang))?;
        let mut bytes = Vec::new();
        export_minutes(&reader, meeting, format, lang, &mut bytes).map_err(|e| e.message(lang))?;
        self.files.export(name, &bytes, lang)
    }

    /// Who is writing, and now.
    fn stamp(&self) -> Stamp {
        Stamp {
            by: self.actor.clone(),
            at: self.now(),
        }
    }

    /// Now, by the one clock, to the second.
    pub(super) fn now(&self) -> NaiveDateTime {
        self.clock.now()
    }

    fn store_failed(&mut self, e: &StoreError) {
        tracing::warn!(error = %e, "a write of the meeting record failed");
        self.status = Some(refused(e.message(self.lang)));
    }
}

fn info(text: &str) -> Status {
    Status {
        text: text.to_string(),
        error: false,
    }
}

fn refused(text: String) -> Status {
    Status { text, error: true }
}
