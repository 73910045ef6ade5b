//! Moving an organisation: its new parent is chosen by typing part of a name (the
//! folded-name index that search uses, with or without diacritics) or a whole code. Every
//! organisation found is checked against the move rule at once — one that cannot take it
//! is shown dim, and choosing it says why. A choice is confirmed before anything is
//! written; the subtree moves whole, its members and meeting history with it.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::confirm::{Answer, Pending};
use super::field::Field;
use super::words::{self, Word};
use super::{Done, Opened, Refusal, Reply, Subject, Write, commit, read_failed};
use crate::domain::edit::{check_depth, check_move};
use crate::domain::{Lang, OrgUnit};
use crate::store::{self, Command, Reader, StoreError};
use crate::ui::app::{Msg, Target};
use crate::ui::cells::{fit, pad, safe};
use crate::ui::i18n::{self, Text};
use crate::ui::keymap::{Action, Context, is_text};
use crate::ui::layout::text_rows;
use crate::ui::overlay::{Env, Outcome, Overlay};
use crate::ui::screens::chrome::Status;
use crate::ui::screens::{Ui, pane, step};

/// Organisations listed at most: type more to narrow.
const LIMIT: usize = 20;

pub struct MovePicker {
    org: OrgUnit,
    /// Where it is now: its parent's name, or the top level.
    from: String,
    /// Members on the roll in its subtree, for the question.
    members: u32,
    query: Field,
    found: Vec<Candidate>,
    cursor: usize,
    error: Option<String>,
    pending: Option<Pending>,
}

/// An organisation found, and why it cannot take the one moving, if it cannot.
struct Candidate {
    org: OrgUnit,
    refusal: Option<String>,
}

pub fn open(subject: &Subject<'_>, reader: &Reader) -> Opened {
    let lang = subject.lang;
    let selected = subject
        .org
        .ok_or_else(|| Word::PickOrg.get(lang).to_string())?;
    let read = |id| reader.org(id).map_err(read_failed(lang));
    let org = read(selected.id)?.ok_or_else(|| Word::Gone.get(lang).to_string())?;
    let from = match org.parent {
        Some(parent) => read(parent)?.map_or_else(String::new, |p| p.name),
        None => Word::TopLevel.get(lang).to_string(),
    };
    let members = reader
        .org_totals(org.id)
        .map_err(read_failed(lang))?
        .members;
    Ok(Box::new(MovePicker {
        org,
        from,
        members,
        query: Field::text("/", ""),
        found: Vec::new(),
        cursor: 0,
        error: None,
        pending: None,
    }))
}

impl MovePicker {
    fn search(&mut self, env: &Env<'_>) -> Outcome {
        self.cursor = 0;
        let found = env
            .store
            .read()
            .and_then(|reader| self.candidates(&reader, env.lang));
        match found {
            Ok(found) => {
                self.found = found;
                self.error = None;
            }
            Err(e) => self.error = Some(e.message(env.lang)),
        }
        Outcome::Keep
    }

    /// Organisations whose name has a word starting with the query; a whole code finds its
    /// owner first.
    fn candidates(&self, reader: &Reader, lang: Lang) -> Result<Vec<Candidate>, StoreError> {
        let query = self.query_text().trim();
        if query.is_empty() {
            return Ok(Vec::new());
        }
        let mut orgs = reader.search_orgs(query, LIMIT)?;
        if let Some(exact) = reader.org_by_code(query)? {
            orgs.retain(|o| o.id != exact.id);
            orgs.insert(0, exact);
            orgs.truncate(LIMIT);
        }
        orgs.into_iter()
            .map(|org| {
                let refusal = self.refusal(reader, &org, lang)?;
                Ok(Candidate { org, refusal })
            })
            .collect()
    }

    /// Why `target` cannot take the organisation moving, if it cannot.
    fn refusal(
        &self,
        reader: &Reader,
        target: &OrgUnit,
        lang: Lang,
    ) -> Result<Option<String>, StoreError> {
        if self.org.parent == Some(target.id) {
            let already = StoreError::AlreadyUnder(target.name.clone());
            return Ok(Some(already.message(lang)));
        }
        let ancestors = reader.ancestors(target.id)?;
        if let Err(e) = check_move(&self.org, target, &ancestors) {
            return Ok(Some(e.message(lang)));
        }
        let deepest = reader.level_of(target.id)? + reader.height_of(self.org.id)?;
        Ok(check_depth(deepest).err().map(|e| e.message(lang)))
    }

    fn query_text(&self) -> &str {
        match &self.query.input {
            super::field::Input::Text(input) => input.text(),
            _ => "",
        }
    }

    fn move_cursor(&mut self, delta: isize) -> Outcome {
        let next = step(self.cursor, delta, self.found.len());
        if next == self.cursor {
            return Outcome::Ignored;
        }
        self.cursor = next;
        Outcome::Keep
    }

    fn choose(&mut self, lang: Lang) -> Outcome {
        let Some(candidate) = self.found.get(self.cursor) else {
            return Outcome::Ignored;
        };
        if let Some(refusal) = &candidate.refusal {
            return Outcome::Send(Msg::Status(Status {
                text: refusal.clone(),
                error: true,
            }));
        }
        let question = words::move_question(
            lang,
            (&self.org.name, &self.org.code),
            (&self.from, &candidate.org.name),
            self.members,
        );
        let command = Command::MoveOrg {
            org: self.org.id,
            under: candidate.org.id,
        };
        let write = Write::new(command, OrgMoved);
        self.pending = Some(Pending::new(question, write));
        Outcome::Keep
    }

    fn answer(&mut self, action: Option<Action>, env: &Env<'_>) -> Outcome {
        match Pending::answer(action) {
            Answer::Yes => {
                let Some(pending) = self.pending.take() else {
                    return Outcome::Ignored;
                };
                commit(pending.write, env).unwrap_or_else(|refusal| refusal.outcome(env.lang))
            }
            Answer::No => {
                self.pending = None;
                Outcome::Keep
            }
            Answer::Undecided => Outcome::Ignored,
        }
    }

    fn result_line(&self, index: usize, cols: usize, ui: &Ui<'_>) -> Line<'static> {
        let candidate = &self.found[index];
        let selected = index == self.cursor;
        let kind = i18n::kind(ui.lang, candidate.org.kind, false);
        let name_cols = (cols / 2).saturating_sub(3);
        let mut name = safe(&candidate.org.name).into_owned();
        if candidate.org.dissolved.is_some() {
            name = format!("{name} {}", ui.t(Text::Dissolved));
        }
        let rest = format!(" {kind} · {}", safe(&candidate.org.code));
        let room = cols.saturating_sub(3 + name_cols);
        let spans = vec![
            Span::styled(if selected { " › " } else { "   " }, ui.theme.key()),
            Span::raw(pad(&name, name_cols)),
            Span::styled(fit(&rest, room).into_owned(), ui.theme.label()),
        ];
        let line = Line::from(spans);
        match (selected, candidate.refusal.is_some()) {
            (true, _) => line.style(ui.theme.selected(true)),
            (false, true) => line.style(ui.theme.dim()),
            (false, false) => line,
        }
    }

    fn render_results(&self, frame: &mut Frame<'_>, area: Rect, ui: &Ui<'_>) {
        let message = match (&self.error, self.query_text().trim().is_empty()) {
            (Some(error), _) => Some((error.clone(), ui.theme.error())),
            (None, true) => Some((Word::PickerHint.get(ui.lang).to_string(), ui.theme.dim())),
            (None, false) if self.found.is_empty() => {
                Some((ui.t(Text::SearchNoResults).to_string(), ui.theme.dim()))
            }
            _ => None,
        };
        if let Some((text, style)) = message {
            let text = Paragraph::new(format!(" {text}"))
                .style(style)
                .wrap(Wrap { trim: false });
            frame.render_widget(text, area);
            return;
        }
        let [list, note] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
        let rows = usize::from(list.height);
        let offset = self.cursor.saturating_sub(rows.saturating_sub(1));
        let lines: Vec<Line<'static>> = (offset..self.found.len().min(offset + rows))
            .map(|i| self.result_line(i, usize::from(list.width), ui))
            .collect();
        frame.render_widget(Paragraph::new(lines), list);
        // Why the organisation under the cursor cannot take this one, before it is chosen.
        if let Some(refusal) = self.found.get(self.cursor).and_then(|c| c.refusal.as_ref()) {
            let text = fit(&safe(refusal), usize::from(note.width).saturating_sub(3)).into_owned();
            frame.render_widget(
                Paragraph::new(format!(" ✗ {text}")).style(ui.theme.error()),
                note,
            );
        }
    }
}

/// The move done by the store's `move_org`, which checks the rule again on the
/// organisation and its new parent as they are now: the organisation moved, selected.
struct OrgMoved;

impl Reply for OrgMoved {
    fn done(self: Box<Self>, done: store::Done, lang: Lang) -> Result<Done, Refusal> {
        let (org, parent) = done.into_moved()?;
        let message = words::moved(lang, &org.name, &parent.name);
        Ok(Done::new(message).then(Target::Org(org.id)))
    }

    fn refused(&self, e: StoreError, lang: Lang) -> Refusal {
        match e {
            StoreError::AlreadyUnder(_) => Refusal::said(None, &e, lang),
            StoreError::Rule(rule) => Refusal::rule(None, &rule, lang),
            StoreError::OrgGone(_) => Refusal::gone(lang),
            other => other.into(),
        }
    }
}

impl Overlay for MovePicker {
    fn context(&self) -> Context {
        if self.pending.is_some() {
            Context::Confirm
        } else {
            Context::Picker
        }
    }

    fn takes_text(&self) -> bool {
        self.pending.is_none()
    }

    fn on_key(&mut self, key: &KeyEvent, action: Option<Action>, env: &mut Env<'_>) -> Outcome {
        if self.pending.is_some() {
            return self.answer(action, env);
        }
        let page = text_rows(env.area).saturating_sub(4).max(1) as isize;
        match action {
            Some(Action::Accept) => self.choose(env.lang),
            Some(Action::Cancel) => Outcome::Close,
            Some(Action::Up) => self.move_cursor(-1),
            Some(Action::Down) => self.move_cursor(1),
            Some(Action::PageUp) => self.move_cursor(-page),
            Some(Action::PageDown) => self.move_cursor(page),
            Some(other) => {
                let before = self.query_text().to_string();
                if !self.query.apply(other) {
                    return Outcome::Ignored;
                }
                if before == self.query_text() {
                    return Outcome::Keep;
                }
                self.search(env)
            }
            None => match key.code {
                KeyCode::Char(c) if is_text(key) => {
                    self.query.type_char(c);
                    self.search(env)
                }
                _ => Outcome::Ignored,
            },
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, ui: &Ui<'_>) {
        frame.render_widget(Clear, area);
        let title = words::move_title(ui.lang, &self.org.name);
        let title = fit(&safe(&title), usize::from(area.width.saturating_sub(4))).into_owned();
        let block = pane(format!(" {title} "), self.pending.is_none(), ui);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [now, input, rule, results] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(1),
        ])
        .areas(inner);
        let from = format!(" {}: {}", Word::ReportsTo.get(ui.lang), safe(&self.from));
        frame.render_widget(Paragraph::new(from).style(ui.theme.label()), now);
        let focused = self.pending.is_none();
        let prompt_cols = usize::from(input.width).saturating_sub(4);
        let (value, cursor) = self.query.value_spans(prompt_cols, focused, ui);
        let mut spans = vec![Span::styled(" / ", ui.theme.key())];
        spans.extend(value);
        frame.render_widget(Paragraph::new(Line::from(spans)), input);
        if let Some(column) = cursor {
            let x = input.x + 3 + u16::try_from(column).unwrap_or(0);
            if x < input.right() {
                frame.set_cursor_position(Position::new(x, input.y));
            }
        }
        let line = "─".repeat(usize::from(rule.width));
        frame.render_widget(Paragraph::new(line).style(ui.theme.dim()), rule);
        self.render_results(frame, results, ui);
        if let Some(pending) = &self.pending {
            pending.render(frame, area, ui);
        }
    }
}
