//! The question asked before anything destructive (dissolving, moving, taking a member off
//! the roll): it says what will happen, in the user's language, and waits for yes or no.
//! It lives inside the form that asks it, so "no" goes back to that form with everything
//! typed still there; while it is shown the form answers to the `confirm` keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use crossterm::event::KeyEvent;

use super::words::{self, Word};
use super::{Write, commit};
use crate::ui::cells::{safe, width};
use crate::ui::keymap::{Action, Context};
use crate::ui::layout::centered;
use crate::ui::overlay::{Env, Outcome, Overlay};
use crate::ui::screens::{Ui, pane};

/// A change waiting for its yes: the question and the write it stands for.
pub struct Pending {
    question: Vec<String>,
    pub write: Write,
}

/// What a key means while a question is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Yes,
    No,
    Undecided,
}

impl Pending {
    pub fn new(question: Vec<String>, write: Write) -> Pending {
        Pending { question, write }
    }

    pub fn answer(action: Option<Action>) -> Answer {
        match action {
            Some(Action::Accept) => Answer::Yes,
            Some(Action::Cancel) => Answer::No,
            _ => Answer::Undecided,
        }
    }

    /// Draws the question in a box in the middle of `area`, with the keys that answer it.
    pub fn render(&self, frame: &mut Frame<'_>, area: Rect, ui: &Ui<'_>) {
        render_question(frame, area, &self.question, ui);
    }
}

/// A question (a sentence a line, the first as its title) in a box in the middle of
/// `area`, with the keys that answer it.
pub fn render_question(frame: &mut Frame<'_>, area: Rect, question: &[String], ui: &Ui<'_>) {
    let box_width = area.width.saturating_sub(8).min(64);
    let text_width = usize::from(box_width.saturating_sub(4));
    let mut lines: Vec<Line<'static>> = Vec::new();
    for (i, sentence) in question.iter().enumerate() {
        if i > 0 {
            lines.push(Line::default());
        }
        let style = if i == 0 {
            ui.theme.title()
        } else {
            ui.theme.label()
        };
        for row in wrap(&safe(sentence), text_width) {
            lines.push(Line::styled(format!(" {row}"), style));
        }
    }
    lines.push(Line::default());
    lines.push(Line::styled(format!(" {}", keys_line(ui)), ui.theme.key()));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let area = centered(area, box_width, height);
    frame.render_widget(Clear, area);
    let title = format!(" {} ", Word::ConfirmTitle.get(ui.lang));
    frame.render_widget(Paragraph::new(lines).block(pane(title, true, ui)), area);
}

/// A question asked on its own, with no form behind it (cancelling a meeting): yes writes
/// and closes, no closes with nothing written.
pub struct Ask {
    pending: Option<Pending>,
}

impl Ask {
    pub fn new(question: Vec<String>, write: Write) -> Ask {
        Ask {
            pending: Some(Pending::new(question, write)),
        }
    }
}

impl Overlay for Ask {
    fn context(&self) -> Context {
        Context::Confirm
    }

    fn on_key(&mut self, _key: &KeyEvent, action: Option<Action>, env: &mut Env<'_>) -> Outcome {
        match Pending::answer(action) {
            Answer::Yes => match self.pending.take() {
                Some(pending) => commit(pending.write, env).unwrap_or_else(|refusal| match refusal
                    .outcome(env.lang)
                {
                    Outcome::Send(msg) => Outcome::CloseAndSend(msg),
                    other => other,
                }),
                None => Outcome::Close,
            },
            Answer::No => Outcome::Close,
            Answer::Undecided => Outcome::Ignored,
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, ui: &Ui<'_>) {
        if let Some(pending) = &self.pending {
            pending.render(frame, area, ui);
        }
    }
}

/// "y/Enter đồng ý    n/Esc quay lại", from the keys bound now.
fn keys_line(ui: &Ui<'_>) -> String {
    let keys = |action| {
        let keys: Vec<String> = ui
            .keymap
            .keys(Context::Confirm, action)
            .iter()
            .filter(|k| !matches!(k.code, crossterm::event::KeyCode::Char(c) if c.is_uppercase()))
            .map(ToString::to_string)
            .collect();
        safe(&keys.join("/")).into_owned()
    };
    words::confirm_keys(ui.lang, &keys(Action::Accept), &keys(Action::Cancel))
}

/// `text` broken into lines of at most `cols` columns at spaces (a word longer than a
/// line is cut).
pub fn wrap(text: &str, cols: usize) -> Vec<String> {
    let cols = cols.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let needed = width(&line) + usize::from(!line.is_empty()) + width(word);
        if !line.is_empty() && needed > cols {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
        .into_iter()
        .map(|l| crate::ui::cells::fit(&l, cols).into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_wrap_at_spaces_by_columns() {
        assert_eq!(
            wrap("Giải thể Chi bộ khu 2 từ ngày 23/11/2026?", 20),
            ["Giải thể Chi bộ khu", "2 từ ngày", "23/11/2026?"]
        );
        assert_eq!(wrap("", 10), Vec::<String>::new());
    }

    #[test]
    fn accept_is_yes_and_cancel_is_no() {
        assert_eq!(Pending::answer(Some(Action::Accept)), Answer::Yes);
        assert_eq!(Pending::answer(Some(Action::Cancel)), Answer::No);
        assert_eq!(Pending::answer(None), Answer::Undecided);
    }
}
