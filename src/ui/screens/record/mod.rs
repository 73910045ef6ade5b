//! One meeting's record (biên bản): the roll-call and the minutes, section by section.
//!
//! On the left the tabs — the roll, the nine sections of the official form, the
//! amendments; on the right the one chosen. The roll is read from the branch's roster (one
//! range scan) and every mark is written at once, so what is counted from a meeting is
//! never behind what is on screen. The minutes are edited in memory, autosaved as a draft
//! (see [`editor::Autosave`]) and saved into the meeting when the user saves or leaves.

pub mod editor;
mod render;
mod screen;

use chrono::NaiveDateTime;
use ratatui::layout::Rect;

pub use self::render::render;
pub use self::screen::open;
use super::{scroll_to, step};
use crate::domain::minutes::{TemplateFacts, is_old_placeholder};
use crate::domain::{
    Draft, Meeting, MeetingId, MemberId, MinutesText, OrgUnit, RoleKind, Roll, Section,
};
use crate::store::{Pending, Reader, StoreError};
use editor::Editor;

/// What the right side shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Roll,
    Section(Section),
    Amendments,
}

impl Tab {
    /// Every tab, in order.
    pub fn all() -> Vec<Tab> {
        let mut tabs = vec![Tab::Roll];
        tabs.extend(Section::ALL.into_iter().map(Tab::Section));
        tabs.push(Tab::Amendments);
        tabs
    }
}

/// The state of the screen.
#[derive(Debug)]
pub struct MeetingRecord {
    pub meeting: Meeting,
    pub org: OrgUnit,
    /// The organisation and everything above it, outermost first: the breadcrumb.
    pub path: Vec<OrgUnit>,
    pub roll: Roll,
    /// Names of the guests from above recorded at the meeting.
    pub guests: Vec<String>,
    tab: usize,
    pub(super) roll_cursor: usize,
    pub(super) roll_offset: usize,
    pub editor: Editor,
    /// The member whose reason is being asked: once the excuse is written the cursor moves
    /// on from them, as after any other mark.
    pub excuse_for: Option<MemberId>,
    /// Who holds the lease on these minutes while this session may only read them.
    pub held_by: Option<String>,
    /// Writes handed to the store and not answered yet, oldest first: the screen never
    /// waits for them (see `screen.rs`).
    pub(super) sent: Vec<(screen::Sent, Pending)>,
    /// When the minutes were last saved from this screen.
    pub saved_at: Option<NaiveDateTime>,
    /// When what is typed and not yet saved was last kept as a draft.
    pub draft_at: Option<NaiveDateTime>,
    /// A draft to offer once this App holds the minutes: never to one who only reads.
    pub(super) offer: Option<Draft>,
    /// The roll changes sent and not answered, by their number: kept in the journal too,
    /// so a mark shown on screen outlives a crash.
    pub(super) roll_steps: Vec<(u64, crate::store::RollStep)>,
    /// The number of the next roll change sent.
    pub(super) next_step: u64,
    /// When a key was last typed into the minutes, taken or refused.
    pub(super) last_typed: Option<std::time::Instant>,
    body: Rect,
}

impl MeetingRecord {
    /// The record of meeting `id`, with the minutes saved in it or, when there are none
    /// yet, the template filled from the meeting. `None` when the meeting is gone.
    pub fn open(
        reader: &Reader,
        id: MeetingId,
        body: Rect,
    ) -> Result<Option<MeetingRecord>, StoreError> {
        let Some(meeting) = reader.meeting(id)? else {
            return Ok(None);
        };
        let Some(org) = reader.org(meeting.org)? else {
            return Ok(None);
        };
        let text = match &meeting.minutes {
            Some(saved) => MinutesText::parse(saved),
            None => template(reader, &meeting)?,
        };
        let path = super::path_of(reader, &org)?;
        let mut record = MeetingRecord {
            roll: reader.roll_of(&meeting)?,
            guests: guest_names(reader, &meeting)?,
            editor: Editor::new(&text, meeting.is_approved()),
            meeting,
            org,
            path,
            tab: 0,
            roll_cursor: 0,
            roll_offset: 0,
            excuse_for: None,
            held_by: None,
            sent: Vec::new(),
            saved_at: None,
            draft_at: None,
            offer: None,
            roll_steps: Vec::new(),
            next_step: 0,
            last_typed: None,
            body,
        };
        record.keep_cursor_in_view();
        Ok(Some(record))
    }

    /// The draft autosaved for this meeting, when it is worth offering to resume.
    pub fn draft_to_offer(&self, reader: &Reader) -> Result<Option<Draft>, StoreError> {
        let draft = reader.draft(self.meeting.id)?;
        Ok(draft.filter(|d| {
            !self.meeting.is_approved()
                && d.newer_than(
                    self.meeting.minutes.as_deref(),
                    self.meeting.minutes_saved_at,
                )
        }))
    }

    /// Once the minutes may be edited here after someone else held them: the minutes they
    /// saved replace what this read-only screen showed, and their draft, when newer (they
    /// left without saving), is offered first — so nothing of theirs is overwritten.
    pub fn take_over(&mut self, reader: &Reader) -> Result<bool, StoreError> {
        if !self.reload(reader)? {
            return Ok(false);
        }
        if let Some(saved) = &self.meeting.minutes {
            self.editor = Editor::new(&MinutesText::parse(saved), false);
        }
        self.offer = self.draft_to_offer(reader)?;
        Ok(true)
    }

    /// Reads the meeting and its roll again after a write, keeping what is typed.
    pub fn reload(&mut self, reader: &Reader) -> Result<bool, StoreError> {
        let Some(meeting) = reader.meeting(self.meeting.id)? else {
            return Ok(false);
        };
        self.roll = reader.roll_of(&meeting)?;
        self.guests = guest_names(reader, &meeting)?;
        // Editable again only through the lease (`App::sync_lease`), which also takes over
        // what the holder stored; approval makes the minutes read-only at once.
        if meeting.is_approved() {
            self.editor.set_read_only(true);
        }
        self.meeting = meeting;
        self.roll_cursor = self
            .roll_cursor
            .min(self.roll.entries.len().saturating_sub(1));
        // The cursor moves on from the member asked for a reason once the roll read shows
        // them excused; a roll read before that (the answer to an earlier mark, while the
        // reason is still being typed) leaves it waiting.
        if let Some(member) = self.excuse_for {
            let here = self.roll.entries.get(self.roll_cursor);
            match here {
                Some(e) if e.member == member && e.mark == Some(crate::domain::Mark::Excused) => {
                    self.excuse_for = None;
                    self.roll_cursor = step(self.roll_cursor, 1, self.roll.entries.len());
                }
                Some(e) if e.member == member => {}
                _ => self.excuse_for = None,
            }
        }
        self.keep_cursor_in_view();
        Ok(true)
    }

    pub fn tab(&self) -> Tab {
        Tab::all()[self.tab]
    }

    /// The section being edited, when a section is shown.
    pub fn section(&self) -> Option<Section> {
        match self.tab() {
            Tab::Section(section) => Some(section),
            _ => None,
        }
    }

    /// Tab / Shift-Tab: the next or previous tab, round the end.
    pub fn turn(&mut self, forward: bool) {
        let count = Tab::all().len();
        self.tab = if forward {
            (self.tab + 1) % count
        } else {
            (self.tab + count - 1) % count
        };
    }

    pub fn roll_cursor(&self) -> usize {
        self.roll_cursor
    }

    pub fn move_roll(&mut self, delta: isize) {
        self.roll_cursor = step(self.roll_cursor, delta, self.roll.entries.len());
        self.keep_cursor_in_view();
    }

    pub fn roll_to(&mut self, end: bool) {
        self.roll_cursor = if end {
            self.roll.entries.len().saturating_sub(1)
        } else {
            0
        };
        self.keep_cursor_in_view();
    }

    /// Rows of the roll that fit.
    pub fn roll_page(&self) -> usize {
        render::roll_rows(self.body)
    }

    pub fn set_body(&mut self, body: Rect) {
        self.body = body;
        self.keep_cursor_in_view();
    }

    fn keep_cursor_in_view(&mut self) {
        let rows = render::roll_rows(self.body);
        self.roll_offset = scroll_to(self.roll_cursor, self.roll_offset, rows);
    }
}

/// The minutes a meeting starts from: its facts are fields, so only the assignments of
/// the last regular meeting with minutes go under the review, from its table or, for
/// minutes older than the table, its section VIII.
fn template(reader: &Reader, meeting: &Meeting) -> Result<MinutesText, StoreError> {
    let previous = reader.previous_minutes(meeting.org, meeting.date)?;
    let assignments = previous.as_ref().map(|m| {
        if m.assignments.is_empty() {
            let text = m.minutes.as_deref().unwrap_or("");
            let section = MinutesText::parse(text);
            let lines = section.section(Section::Assignments).lines();
            let filled = lines.filter(|line| !is_old_placeholder(line));
            filled.collect::<Vec<_>>().join("\n")
        } else {
            let rows = m
                .assignments
                .iter()
                .map(|row| format!("- {}", row.printed()));
            rows.collect::<Vec<_>>().join("\n")
        }
    });
    Ok(MinutesText::template(&TemplateFacts {
        date: meeting.date,
        previous_assignments: assignments.as_deref(),
    }))
}

/// The chair a meeting's facts and approval offer when none is recorded: the branch's
/// secretary on the meeting's day, as the statute has them chair.
pub fn usual_chair(reader: &Reader, meeting: &Meeting) -> Result<Option<String>, StoreError> {
    let day = meeting.date;
    let roles = reader.roles_of_org(meeting.org)?;
    let holder = roles.into_iter().find(|r| {
        r.role == RoleKind::Secretary && r.from <= day && r.until.is_none_or(|u| day < u)
    });
    match holder {
        Some(role) => Ok(reader.member(role.member)?.map(|m| m.name)),
        None => Ok(None),
    }
}

fn guest_names(reader: &Reader, meeting: &Meeting) -> Result<Vec<String>, StoreError> {
    let guests = reader.guests_of(meeting.id)?;
    Ok(guests.into_iter().map(|member| member.name).collect())
}
