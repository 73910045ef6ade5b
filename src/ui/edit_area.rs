//! A text area for prose (the minutes' sections, a plan's Markdown document) whose undo
//! takes back a word or an edit at a time, not a character.
//!
//! Every edit goes through [`EditArea`], which keeps its own history: before an edit that
//! starts a new step it notes the text and the cursor, and `undo` goes back to the last
//! note. A step is
//! - a word typed, with the spaces or line breaks typed after it ("Chi bộ họp" is three
//!   steps: "Chi ", "bộ ", "họp");
//! - a run of Backspace or Delete;
//! - any other edit whole: a paste, a cut, a line or word deleted (Ctrl-K, Ctrl-J, Ctrl-W).
//!
//! Moving the cursor ends a step, so text typed elsewhere is taken back apart from what was
//! typed before. The text area's own history (one step per character) is switched off.
//!
//! Text arrives as keys (typed, or sent by an input method one character at a time) and as
//! pastes. A combining mark typed after a letter is composed with it at once, so what the
//! screen shows and what is saved is NFC (`e` + `◌̂` + `◌̃` becomes `ễ`); whatever cannot
//! be composed is normalised again when the text is read out.

use std::collections::VecDeque;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Style;
use ratatui_textarea::{CursorMove, DataCursor, TextArea, WrapMode};

use crate::domain::limits::is_invisible;
use crate::domain::text::{compose_pair, nfc};

/// The most steps kept to undo.
const MAX_STEPS: usize = 200;
/// The most bytes of text the steps kept hold together (a section holds at most 100,000
/// characters, so a few of its longest fit); the oldest go first, the last one always stays.
const MAX_BYTES: usize = 4 << 20;

/// The text and the cursor (as characters before it) at one point of the history.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Snapshot {
    text: String,
    cursor: usize,
}

/// What the last edit was, to tell whether the next one goes on with its step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    /// Nothing a next edit goes on with: the cursor moved, or the last edit was whole.
    None,
    /// Letters of a word being typed.
    Word,
    /// Spaces or line breaks typed after a word.
    Space,
    /// Characters taken away by Backspace or Delete.
    Deleting,
}

/// What an edit is, for the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Typed { space: bool },
    Deleting,
    Whole,
}

/// A text area for prose, with undo by word and by edit.
pub struct EditArea {
    area: TextArea<'static>,
    undo: VecDeque<Snapshot>,
    redo: Vec<Snapshot>,
    run: Run,
}

impl std::fmt::Debug for EditArea {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EditArea")
            .field("lines", &self.area.lines())
            .field("undo", &self.undo.len())
            .field("redo", &self.redo.len())
            .finish_non_exhaustive()
    }
}

impl EditArea {
    /// An area holding `text`, wrapping at words, the cursor at the end. Text stored before
    /// prose lost its invisible and private-use characters loses them here: the editor draws
    /// every character at the width the terminal gives it.
    pub fn new(text: &str) -> EditArea {
        let lines = text
            .split('\n')
            .map(|line| line.chars().filter(|&c| !is_invisible(c)).collect())
            .collect();
        let mut area = TextArea::new(lines);
        area.set_max_histories(0);
        area.set_wrap_mode(WrapMode::WordOrGlyph);
        area.set_cursor_line_style(Style::default());
        area.move_cursor(CursorMove::Bottom);
        area.move_cursor(CursorMove::End);
        EditArea {
            area,
            undo: VecDeque::new(),
            redo: Vec::new(),
            run: Run::None,
        }
    }

    /// The text area, to draw.
    pub fn area(&self) -> &TextArea<'static> {
        &self.area
    }

    pub fn lines(&self) -> &[String] {
        self.area.lines()
    }

    /// The text, lines joined by `\n`, NFC.
    pub fn text(&self) -> String {
        nfc(&self.area.lines().join("\n")).into_owned()
    }

    pub fn set_cursor_style(&mut self, style: Style) {
        self.area.set_cursor_style(style);
    }

    /// A key: typed text, Backspace and Delete, an editing key of the text area (Ctrl-K,
    /// Ctrl-J, Ctrl-W, Ctrl-X …) or a move. Returns whether the text changed.
    pub fn key(&mut self, key: &KeyEvent) -> bool {
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        match key.code {
            KeyCode::Char(c) if plain => self.type_char(c),
            KeyCode::Enter if plain => self.edit(Kind::Typed { space: true }, |area| {
                area.insert_newline();
                true
            }),
            KeyCode::Tab if plain => {
                self.edit(Kind::Typed { space: true }, |area| area.insert_tab())
            }
            KeyCode::Backspace | KeyCode::Delete if plain => {
                self.edit(Kind::Deleting, |area| area.input(*key))
            }
            _ => self.edit(Kind::Whole, |area| area.input(*key)),
        }
    }

    /// Types `c`, composing a combining mark with the letter before the cursor when Unicode
    /// has one character for the pair. Control characters other than a line break or a tab,
    /// and invisible and private-use ones, are dropped (`domain::limits`).
    pub fn type_char(&mut self, c: char) -> bool {
        if is_invisible(c) || (c.is_control() && c != '\n' && c != '\t') {
            return false;
        }
        let space = c.is_whitespace();
        self.edit(Kind::Typed { space }, |area| {
            let DataCursor(row, col) = area.cursor();
            let before = (col > 0)
                .then(|| area.lines()[row].chars().nth(col - 1))
                .flatten();
            if let Some(composed) = before.and_then(|b| compose_pair(b, c)) {
                area.delete_char();
                area.insert_char(composed);
            } else {
                area.insert_char(c);
            }
            true
        })
    }

    /// Pasted text, cleaned by [`clean_paste`]: one step.
    pub fn insert_str(&mut self, text: &str) -> bool {
        let clean = clean_paste(text);
        self.edit(Kind::Whole, |area| area.insert_str(clean))
    }

    /// Puts back what the last cut or line deletion took: one step.
    pub fn paste(&mut self) -> bool {
        self.edit(Kind::Whole, TextArea::paste)
    }

    /// Empties the area: one step.
    pub fn clear(&mut self) -> bool {
        self.edit(Kind::Whole, |area| {
            area.cancel_selection();
            area.clear()
        })
    }

    /// Takes back the last step. Returns whether there was one.
    pub fn undo(&mut self) -> bool {
        let Some(before) = self.undo.pop_back() else {
            return false;
        };
        self.redo.push(self.snapshot());
        self.restore(before);
        true
    }

    /// Does again the last step taken back. Returns whether there was one.
    pub fn redo(&mut self) -> bool {
        let Some(after) = self.redo.pop() else {
            return false;
        };
        self.undo.push_back(self.snapshot());
        self.restore(after);
        true
    }

    /// Runs `edit` on the area, noting the text before it when it starts a step.
    fn edit(&mut self, kind: Kind, edit: impl FnOnce(&mut TextArea<'static>) -> bool) -> bool {
        let goes_on = match kind {
            Kind::Typed { space: false } => self.run == Run::Word,
            Kind::Typed { space: true } => matches!(self.run, Run::Word | Run::Space),
            Kind::Deleting => self.run == Run::Deleting,
            Kind::Whole => false,
        };
        let before = (!goes_on).then(|| self.snapshot());
        if !edit(&mut self.area) {
            // A move, or a key with nothing to do: whatever is typed next is a step of
            // its own.
            self.run = Run::None;
            return false;
        }
        self.run = match kind {
            Kind::Typed { space: false } => Run::Word,
            Kind::Typed { space: true } => Run::Space,
            Kind::Deleting => Run::Deleting,
            Kind::Whole => Run::None,
        };
        if let Some(before) = before {
            self.keep(before);
        }
        self.redo.clear();
        true
    }

    /// Keeps `before` as the last step to undo, dropping the oldest past the limits.
    fn keep(&mut self, before: Snapshot) {
        self.undo.push_back(before);
        let mut bytes: usize = self.undo.iter().map(|s| s.text.len()).sum();
        while self.undo.len() > 1 && (self.undo.len() > MAX_STEPS || bytes > MAX_BYTES) {
            if let Some(oldest) = self.undo.pop_front() {
                bytes -= oldest.text.len();
            }
        }
    }

    fn snapshot(&self) -> Snapshot {
        let DataCursor(row, col) = self.area.cursor();
        let lines = self.area.lines();
        let cursor = lines[..row]
            .iter()
            .map(|line| line.chars().count() + 1)
            .sum::<usize>()
            + col;
        Snapshot {
            text: lines.join("\n"),
            cursor,
        }
    }

    /// Puts the area back to `snapshot`: the text before the cursor is inserted last, so
    /// the cursor ends where it was.
    fn restore(&mut self, snapshot: Snapshot) {
        let at = (snapshot.text.char_indices())
            .nth(snapshot.cursor)
            .map_or(snapshot.text.len(), |(i, _)| i);
        let (before, after) = snapshot.text.split_at(at);
        self.area.cancel_selection();
        self.area.clear();
        self.area.insert_str(after);
        self.area.move_cursor(CursorMove::Jump(0, 0));
        self.area.insert_str(before);
        self.run = Run::None;
    }
}

/// Pasted text as it goes into a text area: NFC, line breaks kept (as `\n`), other control
/// characters dropped, so no escape sequence reaches the terminal, and invisible and
/// private-use characters dropped as from all prose (`domain::limits`): the terminal would
/// draw them at a width the editor cannot know, pushing its border off.
pub fn clean_paste(text: &str) -> String {
    nfc(&text.replace("\r\n", "\n").replace('\r', "\n"))
        .chars()
        .filter(|c| *c == '\n' || *c == '\t' || !(c.is_control() || is_invisible(*c)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn typed(text: &str) -> EditArea {
        let mut area = EditArea::new("");
        for c in text.chars() {
            let code = if c == '\n' {
                KeyCode::Enter
            } else {
                KeyCode::Char(c)
            };
            assert!(area.key(&key(code)));
        }
        area
    }

    #[test]
    fn undo_takes_back_a_word_with_the_space_after_it() {
        let mut area = typed("Chi bộ họp");
        assert!(area.undo());
        assert_eq!(area.text(), "Chi bộ ");
        assert!(area.undo());
        assert_eq!(area.text(), "Chi ");
        assert!(area.redo());
        assert_eq!(area.text(), "Chi bộ ");
        assert_eq!(area.area().cursor(), DataCursor(0, 7), "after the word");
        assert!(area.redo());
        assert_eq!(area.text(), "Chi bộ họp");
        assert!(!area.redo());
        assert!(area.undo() && area.undo() && area.undo());
        assert_eq!(area.text(), "");
        assert!(!area.undo());
    }

    #[test]
    fn spaces_and_line_breaks_after_a_word_go_with_it() {
        let mut area = typed("Nghị quyết  \nTháng");
        area.undo();
        assert_eq!(area.lines(), ["Nghị quyết  ", ""]);
        area.undo();
        assert_eq!(area.text(), "Nghị ");
    }

    #[test]
    fn a_composed_letter_is_part_of_its_word() {
        let mut area = typed("Chi Nguye\u{0302}\u{0303}n");
        assert_eq!(area.text(), "Chi Nguyễn");
        area.undo();
        assert_eq!(area.text(), "Chi ");
    }

    #[test]
    fn a_paste_a_line_cut_and_a_run_of_backspaces_are_one_step_each() {
        let mut area = typed("Chi bộ ");
        area.insert_str("họp tháng 11\nđủ số");
        assert!(
            area.key(&ctrl('j')),
            "Ctrl-J deletes to the head of the line"
        );
        assert_eq!(area.text(), "Chi bộ họp tháng 11\n");
        for _ in 0..3 {
            area.key(&key(KeyCode::Backspace));
        }
        assert_eq!(area.text(), "Chi bộ họp tháng ");
        area.undo();
        assert_eq!(area.text(), "Chi bộ họp tháng 11\n");
        area.undo();
        assert_eq!(area.text(), "Chi bộ họp tháng 11\nđủ số");
        area.undo();
        assert_eq!(area.text(), "Chi bộ ");
        area.redo();
        assert_eq!(area.text(), "Chi bộ họp tháng 11\nđủ số");
        assert_eq!(area.area().cursor(), DataCursor(1, 5));
    }

    #[test]
    fn typing_after_moving_the_cursor_is_a_step_of_its_own() {
        let mut area = typed("Chi bộ");
        area.key(&key(KeyCode::Home));
        for c in "Họp ".chars() {
            area.key(&key(KeyCode::Char(c)));
        }
        area.key(&key(KeyCode::End));
        area.key(&key(KeyCode::Char('!')));
        assert_eq!(area.text(), "Họp Chi bộ!");
        area.undo();
        assert_eq!(area.text(), "Họp Chi bộ");
        area.undo();
        assert_eq!(area.text(), "Chi bộ");
        assert_eq!(area.area().cursor(), DataCursor(0, 0));
    }

    #[test]
    fn typing_after_an_undo_forgets_what_was_taken_back() {
        let mut area = typed("Chi bộ");
        area.undo();
        area.key(&key(KeyCode::Char('x')));
        assert!(!area.redo());
        assert_eq!(area.text(), "Chi x");
    }

    #[test]
    fn the_oldest_steps_go_past_the_limit() {
        let words = "a ".repeat(MAX_STEPS + 10);
        let mut area = typed(&words);
        let mut steps = 0;
        while area.undo() {
            steps += 1;
        }
        assert_eq!(steps, MAX_STEPS);
        assert_eq!(area.text(), "a ".repeat(10));
    }

    #[test]
    fn control_and_invisible_characters_are_never_typed_nor_pasted() {
        let mut area = EditArea::new("");
        for c in [
            'a', '\u{7}', '\u{1b}', '\u{FFFE}', '\u{FFFF}', '\u{E000}', 'b',
        ] {
            area.key(&key(KeyCode::Char(c)));
        }
        assert_eq!(area.text(), "ab");
        // A terminal's paste (crossterm's paste event) loses them too.
        area.insert_str(" c\u{FFFE}d\u{7}e\u{FFFF}\r\nf\u{0}\u{1f}g");
        assert_eq!(area.text(), "ab cde\nfg");
    }
}
