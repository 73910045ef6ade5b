//! The minutes editor: one text area per section of the official form ([`EditArea`]: undo
//! by word and by edit, text typed and pasted kept NFC), and the timing of autosave.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

use crate::domain::limits::TextKind;
use crate::domain::text::nfc;
use crate::domain::{MinutesError, MinutesText, Section};
use crate::ui::edit_area::{EditArea, clean_paste};

/// How long typing must pause before the draft is saved.
pub const QUIET: Duration = Duration::from_millis(1000);
/// The longest typing goes unsaved while it never pauses: what a killed process or a
/// dropped connection can lose at most.
pub const AT_MOST: Duration = Duration::from_millis(2000);

/// When the draft must next be saved: a quiet second after the last change, and never more
/// than [`AT_MOST`] after the first change not yet saved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Autosave {
    first_unsaved: Option<Instant>,
    last_change: Option<Instant>,
}

impl Autosave {
    /// A change was made at `now`.
    pub fn touch(&mut self, now: Instant) {
        self.first_unsaved.get_or_insert(now);
        self.last_change = Some(now);
    }

    /// When the draft should be saved, if anything is unsaved.
    pub fn due_at(&self) -> Option<Instant> {
        let first = self.first_unsaved?;
        let last = self.last_change.unwrap_or(first);
        Some((last + QUIET).min(first + AT_MOST))
    }

    pub fn is_due(&self, now: Instant) -> bool {
        self.due_at().is_some_and(|at| at <= now)
    }

    pub fn is_pending(&self) -> bool {
        self.first_unsaved.is_some()
    }

    /// Everything up to now is saved.
    pub fn saved(&mut self) {
        *self = Autosave::default();
    }
}

/// The sections being edited.
pub struct Editor {
    areas: Vec<EditArea>,
    read_only: bool,
    /// Changed since the minutes were last saved into the meeting.
    pub changed: bool,
    pub autosave: Autosave,
}

impl std::fmt::Debug for Editor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Editor")
            .field("read_only", &self.read_only)
            .field("changed", &self.changed)
            .finish_non_exhaustive()
    }
}

impl Editor {
    pub fn new(text: &MinutesText, read_only: bool) -> Editor {
        let areas = Section::ALL
            .into_iter()
            .map(|section| EditArea::new(text.section(section)))
            .collect();
        Editor {
            areas,
            read_only,
            changed: false,
            autosave: Autosave::default(),
        }
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    pub fn set_read_only(&mut self, read_only: bool) {
        self.read_only = read_only;
    }

    pub fn area(&self, section: Section) -> &TextArea<'static> {
        self.areas[section.index()].area()
    }

    /// The minutes as typed, NFC.
    pub fn text(&self) -> MinutesText {
        let mut text = MinutesText::default();
        for section in Section::ALL {
            let joined = self.areas[section.index()].lines().join("\n");
            text.set(section, nfc(&joined).into_owned());
        }
        text
    }

    /// Replaces everything (a resumed draft). Counts as a change not yet saved.
    pub fn replace(&mut self, text: &MinutesText, now: Instant) {
        *self = Editor {
            changed: true,
            ..Editor::new(text, self.read_only)
        };
        self.autosave.touch(now);
    }

    /// A key typed into `section`. Returns whether the text changed; `Err(MinutesError::Approved)` when it
    /// would have and the minutes are read-only.
    pub fn key(
        &mut self,
        section: Section,
        key: &KeyEvent,
        now: Instant,
    ) -> Result<bool, MinutesError> {
        if self.read_only {
            return if moves_only(key) {
                self.areas[section.index()].key(key);
                Ok(false)
            } else {
                Err(MinutesError::Approved)
            };
        }
        let adds = matches!(key.code, KeyCode::Char(_) | KeyCode::Enter | KeyCode::Tab)
            && !key.modifiers.intersects(ctrl_or_alt());
        if adds && self.room(section) == 0 {
            return Err(MinutesError::SectionFull(TextKind::Section.max_chars()));
        }
        let changed = self.areas[section.index()].key(key);
        if changed {
            self.touched(now);
        }
        Ok(changed)
    }

    /// Pasted text (bracketed paste): NFC, line breaks kept, other control characters
    /// dropped ([`clean_paste`]).
    pub fn paste(
        &mut self,
        section: Section,
        text: &str,
        now: Instant,
    ) -> Result<bool, MinutesError> {
        if self.read_only {
            return Err(MinutesError::Approved);
        }
        let clean = clean_paste(text);
        if clean.chars().count() > self.room(section) {
            return Err(MinutesError::SectionFull(TextKind::Section.max_chars()));
        }
        let changed = self.areas[section.index()].insert_str(&clean);
        if changed {
            self.touched(now);
        }
        Ok(changed)
    }

    /// Undo (the last word typed or the last other edit), redo, or paste what was cut, in
    /// `section`.
    pub fn command(
        &mut self,
        section: Section,
        command: Command,
        now: Instant,
    ) -> Result<bool, MinutesError> {
        if self.read_only {
            return Err(MinutesError::Approved);
        }
        let area = &mut self.areas[section.index()];
        let changed = match command {
            Command::Undo => area.undo(),
            Command::Redo => area.redo(),
            Command::Paste => area.paste(),
        };
        if changed {
            self.touched(now);
        }
        Ok(changed)
    }

    /// How many more characters `section` takes before it holds the most a section may.
    fn room(&self, section: Section) -> usize {
        let lines = self.areas[section.index()].lines();
        let held = lines.iter().map(|l| l.chars().count()).sum::<usize>() + lines.len() - 1;
        TextKind::Section.max_chars().saturating_sub(held)
    }

    fn touched(&mut self, now: Instant) {
        self.changed = true;
        self.autosave.touch(now);
    }

    /// The minutes were saved into the meeting: nothing is pending any more.
    pub fn saved(&mut self) {
        self.changed = false;
        self.autosave.saved();
    }
}

/// Editing commands with keys of their own (the rest go to the text area as they come).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Undo,
    Redo,
    Paste,
}

fn ctrl_or_alt() -> KeyModifiers {
    KeyModifiers::CONTROL | KeyModifiers::ALT
}

/// Keys that move the cursor or scroll and change nothing.
fn moves_only(key: &KeyEvent) -> bool {
    matches!(
        key.code,
        KeyCode::Up
            | KeyCode::Down
            | KeyCode::Left
            | KeyCode::Right
            | KeyCode::Home
            | KeyCode::End
            | KeyCode::PageUp
            | KeyCode::PageDown
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn autosave_waits_for_a_pause_but_never_more_than_two_seconds() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let mut autosave = Autosave::default();
        assert_eq!(autosave.due_at(), None);
        autosave.touch(t0);
        assert_eq!(autosave.due_at(), Some(ms(1000)));
        autosave.touch(ms(600));
        assert_eq!(autosave.due_at(), Some(ms(1600)));
        // Typing on without a pause: saved two seconds after the first change.
        autosave.touch(ms(1500));
        assert_eq!(autosave.due_at(), Some(ms(2000)));
        assert!(!autosave.is_due(ms(1999)));
        assert!(autosave.is_due(ms(2000)));
        autosave.saved();
        assert!(!autosave.is_pending());
    }

    #[test]
    fn combining_marks_compose_as_they_are_typed() {
        let mut editor = Editor::new(&MinutesText::default(), false);
        let now = Instant::now();
        for c in "Nguye\u{0302}\u{0303}n đã đến".chars() {
            editor.key(Section::News, &key(c), now).unwrap();
        }
        assert_eq!(editor.area(Section::News).lines(), ["Nguyễn đã đến"]);
        assert_eq!(editor.text().section(Section::News), "Nguyễn đã đến");
        assert!(editor.changed && editor.autosave.is_pending());
    }

    #[test]
    fn pastes_are_nfc_without_control_characters() {
        let mut editor = Editor::new(&MinutesText::default(), false);
        let now = Instant::now();
        editor
            .paste(Section::Tasks, "Ho\u{0302}\u{0300}ng\r\nx\u{1b}[2Jy", now)
            .unwrap();
        assert_eq!(editor.text().section(Section::Tasks), "Hồng\nx[2Jy");
    }

    #[test]
    fn invisible_and_private_use_characters_never_enter_the_minutes() {
        let mut editor = Editor::new(&MinutesText::default(), false);
        let now = Instant::now();
        for c in "a\u{E000}b\u{200B}c\u{FFFF}".chars() {
            editor.key(Section::News, &key(c), now).unwrap();
        }
        editor
            .paste(Section::News, " d\u{F8FF}e\u{202E}f\u{FEFF}", now)
            .unwrap();
        assert_eq!(editor.text().section(Section::News), "abc def");
        let mut stored = MinutesText::default();
        stored.set(Section::News, "x\u{E000}y\n\u{F0000}z");
        let editor = Editor::new(&stored, false);
        assert_eq!(editor.text().section(Section::News), "xy\nz");
    }

    #[test]
    fn a_full_section_takes_no_more_text() {
        let max = TextKind::Section.max_chars();
        let mut text = MinutesText::default();
        text.set(Section::Review, "x".repeat(max - 1));
        let mut editor = Editor::new(&text, false);
        let now = Instant::now();
        assert_eq!(
            editor.paste(Section::Review, "ab", now),
            Err(MinutesError::SectionFull(max))
        );
        assert_eq!(editor.key(Section::Review, &key('y'), now), Ok(true));
        assert_eq!(
            editor.key(Section::Review, &key('z'), now),
            Err(MinutesError::SectionFull(max))
        );
        assert_eq!(editor.text().section(Section::Review).chars().count(), max);
        assert_eq!(
            editor.key(Section::News, &key('z'), now),
            Ok(true),
            "another section has room"
        );
    }

    #[test]
    fn read_only_minutes_move_the_cursor_but_refuse_text() {
        let mut text = MinutesText::default();
        text.set(Section::News, "abc");
        let mut editor = Editor::new(&text, true);
        let now = Instant::now();
        assert_eq!(
            editor.key(Section::News, &key('x'), now),
            Err(MinutesError::Approved)
        );
        let left = KeyEvent::new(KeyCode::Left, KeyModifiers::NONE);
        assert_eq!(editor.key(Section::News, &left, now), Ok(false));
        assert_eq!(
            editor.paste(Section::News, "y", now),
            Err(MinutesError::Approved)
        );
        assert_eq!(editor.text().section(Section::News), "abc");
        assert!(!editor.changed);
    }

    #[test]
    fn undo_takes_back_a_word_at_a_time_and_redo_does_it_again() {
        let mut editor = Editor::new(&MinutesText::default(), false);
        let now = Instant::now();
        for c in "Chi bộ họp".chars() {
            editor.key(Section::News, &key(c), now).unwrap();
        }
        let undo = |editor: &mut Editor, command| {
            assert_eq!(editor.command(Section::News, command, now), Ok(true));
            editor.text().section(Section::News).to_string()
        };
        assert_eq!(undo(&mut editor, Command::Undo), "Chi bộ ");
        assert_eq!(undo(&mut editor, Command::Undo), "Chi ");
        assert_eq!(undo(&mut editor, Command::Redo), "Chi bộ ");
        editor.paste(Section::News, "họp tháng 11", now).unwrap();
        assert_eq!(
            undo(&mut editor, Command::Undo),
            "Chi bộ ",
            "a paste is one step"
        );
    }
}
