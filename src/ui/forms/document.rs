//! Writing a Markdown document for the plan of a branch's coming meeting, in chibo itself
//! (`w` on the meetings screen): the draft resolution, the report to be discussed. It opens
//! on the plan's first Markdown document to go on with it, or on a new one headed for the
//! month; saved under another name, it is a new document beside the one opened. `Ctrl-S`
//! saves it into the plan (a document edited is posted again, at the time
//! of saving, which is when the members get the new text) and closes. `Esc` closes; with
//! unsaved text it asks for a second `Esc` first, so nothing typed is lost by one key.

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use super::prep::{DocumentAttached, stored_plan};
use super::{Opened, Refusal, Subject, Write, commit, read_failed};
use crate::domain::{DocumentBody, DocumentKind, Lang, MeetingId};
use crate::store::Command;
use crate::ui::app::Msg;
use crate::ui::cells::{fit, safe};
use crate::ui::edit_area::{EditArea, clean_paste};
use crate::ui::i18n::prep as say;
use crate::ui::keymap::{Action, Context};
use crate::ui::layout::centered;
use crate::ui::overlay::{Env, Outcome, Overlay};
use crate::ui::screens::chrome::Status;
use crate::ui::screens::{Ui, pane};

/// Which box the keys go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Focus {
    Name,
    Text,
}

pub struct DocumentEditor {
    branch: String,
    plan: MeetingId,
    day: NaiveDate,
    /// The document being edited, replaced on saving, and its name; `None` for a new one.
    replaces: Option<(u32, String)>,
    /// The plan's Markdown documents (number, name) that `F2` goes through, then a new one.
    documents: Vec<(u32, String)>,
    /// `F2` was pressed once over unsaved text: the next one goes on.
    switching: bool,
    name: EditArea,
    text: EditArea,
    focus: Focus,
    changed: bool,
    /// `Esc` was pressed once over unsaved text: the next one closes.
    leaving: bool,
}

/// `w`: the editor, on the plan's first Markdown document or a new one.
pub fn write(subject: &Subject<'_>, reader: &crate::store::Reader) -> Opened {
    let (org, plan) = stored_plan(subject, reader)?;
    let documents: Vec<(u32, String)> = (plan.documents.iter())
        .filter(|d| d.kind == DocumentKind::Markdown)
        .map(|d| (d.no, d.name.clone()))
        .collect();
    let mut editor = DocumentEditor {
        branch: org.name.clone(),
        plan: plan.id,
        day: plan.date,
        replaces: None,
        documents,
        switching: false,
        name: EditArea::new(""),
        text: EditArea::new(""),
        focus: Focus::Text,
        changed: false,
        leaving: false,
    };
    let first = editor.documents.first().cloned();
    editor.load(first, reader, subject.lang)?;
    Ok(Box::new(editor))
}

impl DocumentEditor {
    /// Opens `document` (its number and name) of the plan, or a new one headed for the
    /// branch and month.
    fn load(
        &mut self,
        document: Option<(u32, String)>,
        reader: &crate::store::Reader,
        lang: Lang,
    ) -> Result<(), String> {
        let (name, text) = match &document {
            Some((no, name)) => {
                let body = reader
                    .document(self.plan, *no)
                    .map_err(read_failed(lang))?
                    .map(|(_, body)| body);
                let Some(DocumentBody::Markdown(text)) = body else {
                    return Err(say::document_gone(lang).to_string());
                };
                // Whatever a file brought in, no control character reaches the terminal.
                (name.clone(), clean_paste(&text))
            }
            None => (
                self.unused_name(say::new_document_name(lang, self.day)),
                say::new_document_heading(lang, &self.branch, self.day),
            ),
        };
        self.replaces = document;
        self.name = EditArea::new(&clean_paste(&name).replace('\n', " "));
        self.text = EditArea::new(&text);
        self.focus = Focus::Text;
        self.changed = false;
        self.leaving = false;
        self.switching = false;
        self.show_focus();
        Ok(())
    }

    /// `name`, or with " (2)", " (3)" … before its extension when a document of the plan
    /// has it already: a new document never looks like one there.
    fn unused_name(&self, name: String) -> String {
        let taken = |n: &str| self.documents.iter().any(|(_, d)| d == n);
        let (stem, extension) = name.rsplit_once('.').unwrap_or((&name, ""));
        let mut candidate = name.clone();
        let mut n = 2;
        while taken(&candidate) {
            candidate = format!("{stem} ({n}).{extension}");
            n += 1;
        }
        candidate
    }

    /// `F2`: the plan's next Markdown document, then a new one, round again; over unsaved
    /// text the first press only warns.
    fn next_document(&mut self, env: &Env<'_>) -> Outcome {
        let lang = env.lang;
        if self.changed && !self.switching {
            self.switching = true;
            return Outcome::Send(Msg::Status(Status {
                text: say::document_unsaved_switch(lang).to_string(),
                error: true,
            }));
        }
        let open = self
            .replaces
            .as_ref()
            .and_then(|(no, _)| self.documents.iter().position(|(n, _)| n == no));
        let next = match open {
            Some(at) => self.documents.get(at + 1).cloned(),
            None => self.documents.first().cloned(),
        };
        let loaded = env
            .store
            .read()
            .map_err(read_failed(lang))
            .and_then(|reader| self.load(next, &reader, lang));
        match loaded {
            Ok(()) => Outcome::Keep,
            Err(text) => Outcome::Send(Msg::Status(Status { text, error: true })),
        }
    }

    fn focused(&mut self) -> &mut EditArea {
        match self.focus {
            Focus::Name => &mut self.name,
            Focus::Text => &mut self.text,
        }
    }

    /// Only the box with the keys shows a cursor.
    fn show_focus(&mut self) {
        let (on, off) = match self.focus {
            Focus::Name => (&mut self.name, &mut self.text),
            Focus::Text => (&mut self.text, &mut self.name),
        };
        on.set_cursor_style(Style::default().add_modifier(ratatui::style::Modifier::REVERSED));
        off.set_cursor_style(Style::default());
    }

    fn switch_focus(&mut self) -> Outcome {
        self.focus = match self.focus {
            Focus::Name => Focus::Text,
            Focus::Text => Focus::Name,
        };
        self.show_focus();
        Outcome::Keep
    }

    /// A key typed into the box with the focus; the name stays one line.
    fn typed(&mut self, key: &KeyEvent) -> Outcome {
        if self.focus == Focus::Name && key.code == KeyCode::Enter {
            return self.switch_focus();
        }
        let changed = self.focused().key(key);
        self.edited(changed)
    }

    fn edited(&mut self, changed: bool) -> Outcome {
        if !changed {
            return Outcome::Ignored;
        }
        self.changed = true;
        self.leaving = false;
        self.switching = false;
        Outcome::Keep
    }

    fn name_typed(&self) -> String {
        self.name.text().replace('\n', " ").trim().to_string()
    }

    fn text_typed(&self) -> String {
        self.text.text()
    }

    fn save(&mut self, env: &Env<'_>) -> Outcome {
        let lang = env.lang;
        let mut name = self.name_typed();
        if name.is_empty() {
            self.focus = Focus::Name;
            self.show_focus();
            return Refusal::at(0, say::document_needs_name(lang).to_string()).outcome(lang);
        }
        if !name.to_lowercase().ends_with(".md") {
            name.push_str(".md");
        }
        let body = DocumentBody::Markdown(self.text_typed());
        // Under another name it is another document: the one opened stays as it was, so
        // a rename never takes the place of a report someone attached.
        let replaces = self
            .replaces
            .as_ref()
            .filter(|(_, opened)| *opened == name)
            .map(|(no, _)| *no);
        let command = Command::SaveWrittenDocument {
            meeting: self.plan,
            replaces,
            name,
            body,
            at: env.now,
        };
        let attached = DocumentAttached {
            org: self.branch.clone(),
            plan: self.plan,
        };
        commit(Write::new(command, attached), env).unwrap_or_else(|refusal| refusal.outcome(lang))
    }

    fn close(&mut self, lang: Lang) -> Outcome {
        if !self.changed || self.leaving {
            return Outcome::Close;
        }
        self.leaving = true;
        Outcome::Send(Msg::Status(Status {
            text: say::document_unsaved(lang).to_string(),
            error: true,
        }))
    }
}

impl Overlay for DocumentEditor {
    fn context(&self) -> Context {
        Context::Document
    }

    fn takes_text(&self) -> bool {
        true
    }

    fn on_key(&mut self, key: &KeyEvent, action: Option<Action>, env: &mut Env<'_>) -> Outcome {
        match action {
            Some(Action::Save) => self.save(env),
            Some(Action::Cancel) => self.close(env.lang),
            Some(Action::NextField | Action::PrevField) => self.switch_focus(),
            Some(Action::NextDocument) => self.next_document(env),
            // Ctrl-U clears the name, as in every field of a form; in the text it undoes,
            // as in the minutes.
            Some(Action::ClearQuery) if self.focus == Focus::Name => {
                let changed = self.name.clear();
                self.edited(changed)
            }
            Some(Action::Undo | Action::ClearQuery) => {
                let changed = self.focused().undo();
                self.edited(changed)
            }
            Some(Action::Redo) => {
                let changed = self.focused().redo();
                self.edited(changed)
            }
            _ => self.typed(key),
        }
    }

    fn paste(&mut self, text: &str) -> bool {
        let mut clean = clean_paste(text);
        if self.focus == Focus::Name {
            clean = clean.replace('\n', " ");
        }
        let changed = self.focused().insert_str(&clean);
        self.edited(changed);
        changed
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, ui: &Ui<'_>) {
        let outer = centered(
            area,
            area.width.saturating_sub(4).min(100),
            area.height.saturating_sub(2),
        );
        frame.render_widget(Clear, outer);
        let mut title = say::document_title(ui.lang, &self.branch, self.day);
        if !self.documents.is_empty() {
            // Which of the plan's documents, the last place being a new one.
            let open = (self.replaces.as_ref())
                .and_then(|(no, _)| self.documents.iter().position(|(n, _)| n == no))
                .unwrap_or(self.documents.len());
            title.push_str(&format!(" ({}/{})", open + 1, self.documents.len() + 1));
        }
        let cols = usize::from(outer.width.saturating_sub(4));
        let block = pane(format!(" {} ", fit(&safe(&title), cols)), true, ui);
        let inner = block.inner(outer);
        frame.render_widget(block, outer);
        let [name_row, text_area] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
        let label = format!(" {}: ", say::name_label_document(ui.lang));
        let label_cols = u16::try_from(crate::ui::cells::width(&label)).unwrap_or(0);
        let [label_at, name_at] =
            Layout::horizontal([Constraint::Length(label_cols), Constraint::Min(1)])
                .areas(name_row);
        frame.render_widget(
            Paragraph::new(Line::styled(label, ui.theme.label())),
            label_at,
        );
        frame.render_widget(self.name.area(), name_at);
        let text_block = pane(
            format!(" {} ", say::document_text_label(ui.lang)),
            self.focus == Focus::Text,
            ui,
        );
        let text_inner = text_block.inner(text_area);
        frame.render_widget(text_block, text_area);
        frame.render_widget(self.text.area(), text_inner);
    }
}
