//! Search (`/`): any part of a member's or an organisation's name, with or without
//! diacritics. Every keystroke asks the store's folded-name indexes (a prefix scan each, never
//! a walk of the tables); Enter jumps to the organisation in the tree, or to the member in
//! their branch's list.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::members::status_words;
use super::{Ui, pane};
use crate::domain::text::fold;
use crate::domain::{Member, OrgId, OrgUnit};
use crate::store::{Reader, StoreError};
use crate::ui::app::{Msg, Target};
use crate::ui::cells::{fit, safe, width};
use crate::ui::i18n::{self, Text};
use crate::ui::keymap::{Action, Context, is_text};
use crate::ui::layout::text_rows;
use crate::ui::overlay::{Env, Outcome, Overlay};

/// Organisations listed at most, above the members, when members match too: few enough that
/// a common word ("đảng") leaves room for the people.
const ORG_LIMIT: usize = 8;
/// Organisations listed at most when no member matches: enough to tell apart the branches
/// that share a name ("Chi bộ khu 2" exists in ward after ward) by the place shown beside
/// each. The list scrolls.
const ORG_LIMIT_ALONE: usize = 20;
/// Members shown at most.
const MEMBER_LIMIT: usize = 100;

#[derive(Default)]
pub struct Search {
    query: String,
    orgs: Vec<OrgUnit>,
    members: Vec<Member>,
    orgs_capped: bool,
    members_capped: bool,
    /// Parents of the organisations and branches of the members found, by id.
    places: HashMap<OrgId, Option<OrgUnit>>,
    cursor: usize,
    error: Option<String>,
}

impl Search {
    pub fn new() -> Search {
        Search::default()
    }

    fn len(&self) -> usize {
        self.orgs.len() + self.members.len()
    }

    /// The result under the cursor.
    pub fn selected(&self) -> Option<Target> {
        if self.cursor < self.orgs.len() {
            return Some(Target::Org(self.orgs[self.cursor].id));
        }
        self.members
            .get(self.cursor - self.orgs.len())
            .map(|m| Target::Member(m.id))
    }

    /// Asks the indexes again for the current query.
    pub fn run(&mut self, reader: &Reader) -> Result<(), StoreError> {
        self.cursor = 0;
        let mut orgs = reader.search_orgs(&self.query, ORG_LIMIT_ALONE + 1)?;
        let mut members = reader.search_members(&self.query, MEMBER_LIMIT + 1)?;
        // A code or a party card typed whole finds its owner first.
        let exact = self.query.trim();
        if let Some(org) = reader.org_by_code(exact)? {
            orgs.retain(|o| o.id != org.id);
            orgs.insert(0, org);
        }
        if let Some(member) = reader.member_by_card(exact)? {
            members.retain(|m| m.id != member.id);
            members.insert(0, member);
        }
        let org_limit = if members.is_empty() {
            ORG_LIMIT_ALONE
        } else {
            ORG_LIMIT
        };
        self.orgs_capped = orgs.len() > org_limit;
        orgs.truncate(org_limit);
        self.members_capped = members.len() > MEMBER_LIMIT;
        members.truncate(MEMBER_LIMIT);
        let wanted: Vec<OrgId> = orgs
            .iter()
            .filter_map(|o| o.parent)
            .chain(members.iter().map(|m| m.org))
            .collect();
        for id in wanted {
            if let std::collections::hash_map::Entry::Vacant(slot) = self.places.entry(id) {
                slot.insert(reader.org(id)?);
            }
        }
        self.orgs = orgs;
        self.members = members;
        Ok(())
    }

    fn edit(&mut self, env: &Env<'_>, change: impl FnOnce(&mut String)) -> Outcome {
        let before = self.query.clone();
        change(&mut self.query);
        if self.query == before {
            return Outcome::Ignored;
        }
        let outcome = env.store.read().and_then(|reader| self.run(&reader));
        self.error = outcome.err().map(|e| e.message(env.lang));
        Outcome::Keep
    }

    fn move_by(&mut self, delta: isize) -> Outcome {
        let next = super::step(self.cursor, delta, self.len());
        if next == self.cursor {
            return Outcome::Ignored;
        }
        self.cursor = next;
        Outcome::Keep
    }

    /// Display lines (section headings and results) and the line the cursor is on.
    fn lines(&self, inner_width: usize, ui: &Ui<'_>) -> (Vec<Line<'static>>, usize) {
        // One name column for both sections, as wide as the longest name found, at most
        // half the box.
        let widest = self
            .orgs
            .iter()
            .map(|o| width(&safe(&o.name)))
            .chain(self.members.iter().map(|m| width(&safe(&m.name))))
            .max()
            .unwrap_or(0);
        let name_width = widest.min((inner_width / 2).saturating_sub(4));
        let mut lines = Vec::new();
        let mut cursor_line = 0;
        if !self.orgs.is_empty() {
            lines.push(section(
                Text::SearchOrgs,
                self.orgs.len(),
                self.orgs_capped,
                ui,
            ));
            for (i, org) in self.orgs.iter().enumerate() {
                if i == self.cursor {
                    cursor_line = lines.len();
                }
                lines.push(self.org_line(org, i == self.cursor, (inner_width, name_width), ui));
            }
        }
        if !self.members.is_empty() {
            lines.push(section(
                Text::SearchMembers,
                self.members.len(),
                self.members_capped,
                ui,
            ));
            for (i, member) in self.members.iter().enumerate() {
                let selected = self.orgs.len() + i == self.cursor;
                if selected {
                    cursor_line = lines.len();
                }
                lines.push(self.member_line(member, selected, (inner_width, name_width), ui));
            }
        }
        (lines, cursor_line)
    }

    fn place(&self, id: Option<OrgId>) -> String {
        id.and_then(|id| self.places.get(&id).cloned().flatten())
            .map(|o| format!("{} ({})", safe(&o.name), safe(&o.code)))
            .unwrap_or_default()
    }

    /// The widths are of the box inside its border and of the name column.
    fn org_line(
        &self,
        org: &OrgUnit,
        selected: bool,
        (inner, name_width): (usize, usize),
        ui: &Ui<'_>,
    ) -> Line<'static> {
        let kind = i18n::kind(ui.lang, org.kind, false);
        let mut spans = vec![Span::styled(
            if selected { " › " } else { "   " },
            ui.theme.key(),
        )];
        spans.extend(highlighted(&org.name, &self.query, name_width, ui));
        spans.push(Span::styled(format!(" {kind}"), ui.theme.kind()));
        let room = inner.saturating_sub(3 + name_width + 1 + width(kind));
        spans.push(Span::styled(
            fit(&format!(" · {}", self.place(org.parent)), room).into_owned(),
            ui.theme.label(),
        ));
        finish(spans, selected, ui)
    }

    fn member_line(
        &self,
        member: &Member,
        selected: bool,
        (inner, name_width): (usize, usize),
        ui: &Ui<'_>,
    ) -> Line<'static> {
        let (status, style) = status_words(member, ui.today, true, ui);
        let mut spans = vec![Span::styled(
            if selected { " › " } else { "   " },
            ui.theme.key(),
        )];
        spans.extend(highlighted(&member.name, &self.query, name_width, ui));
        let mut room = inner.saturating_sub(3 + name_width);
        if !status.is_empty() {
            room = room.saturating_sub(1 + width(&status));
            spans.push(Span::styled(format!(" {status}"), style));
        }
        spans.push(Span::styled(
            fit(&format!(" · {}", self.place(Some(member.org))), room).into_owned(),
            ui.theme.label(),
        ));
        finish(spans, selected, ui)
    }
}

fn finish(spans: Vec<Span<'static>>, selected: bool, ui: &Ui<'_>) -> Line<'static> {
    let line = Line::from(spans);
    if selected {
        line.style(ui.theme.selected(true))
    } else {
        line
    }
}

fn section(text: Text, shown: usize, capped: bool, ui: &Ui<'_>) -> Line<'static> {
    Line::styled(
        format!(" {}", i18n::search_section(ui.lang, text, shown, capped)),
        ui.theme.title(),
    )
}

/// A name padded to `cols`, with the part the query matched in the match style. Names are
/// stored in NFC, where each Vietnamese letter folds to one character, so a match in the
/// folded name marks the same letters in the name as written.
fn highlighted(name: &str, query: &str, cols: usize, ui: &Ui<'_>) -> Vec<Span<'static>> {
    let name = fit(&safe(name), cols).into_owned();
    let fill = " ".repeat(cols.saturating_sub(width(&name)));
    let chars: Vec<char> = name.chars().collect();
    let folded: Vec<String> = chars.iter().map(|c| fold(&c.to_string())).collect();
    let wanted = fold(query);
    let Some((start, end)) = match_span(&folded, &wanted) else {
        return vec![Span::raw(format!("{name}{fill}"))];
    };
    let part = |range: std::ops::Range<usize>| chars[range].iter().collect::<String>();
    vec![
        Span::raw(part(0..start)),
        Span::styled(part(start..end), ui.theme.matched()),
        Span::raw(format!("{}{fill}", part(end..chars.len()))),
    ]
}

/// Characters `start..end` of the name whose folded forms spell `wanted`, starting at a
/// word, as the index matched it.
fn match_span(folded: &[String], wanted: &str) -> Option<(usize, usize)> {
    if wanted.is_empty() {
        return None;
    }
    let word_starts = (0..folded.len()).filter(|&i| i == 0 || folded[i - 1].trim().is_empty());
    for start in word_starts {
        let mut text = String::new();
        for (end, piece) in folded.iter().enumerate().skip(start) {
            text.push_str(if piece.trim().is_empty() { " " } else { piece });
            if text.len() >= wanted.len() {
                if text.starts_with(wanted) {
                    return Some((start, end + 1));
                }
                break;
            }
        }
    }
    None
}

impl Overlay for Search {
    fn context(&self) -> Context {
        Context::Search
    }

    fn takes_text(&self) -> bool {
        true
    }

    fn on_key(&mut self, key: &KeyEvent, action: Option<Action>, env: &mut Env<'_>) -> Outcome {
        let page = text_rows(env.area).saturating_sub(3).max(1) as isize;
        match action {
            Some(Action::Cancel) => Outcome::Close,
            Some(Action::Accept) => match self.selected() {
                Some(target) => Outcome::CloseAndSend(Msg::JumpTo(target)),
                None => Outcome::Ignored,
            },
            Some(Action::Up) => self.move_by(-1),
            Some(Action::Down) => self.move_by(1),
            Some(Action::PageUp) => self.move_by(-page),
            Some(Action::PageDown) => self.move_by(page),
            Some(Action::DeleteBack) => self.edit(env, |q| {
                q.pop();
            }),
            Some(Action::ClearQuery) => self.edit(env, String::clear),
            Some(_) => Outcome::Ignored,
            None => match key.code {
                KeyCode::Char(c) if is_text(key) && !c.is_control() => {
                    self.edit(env, |q| q.push(c))
                }
                _ => Outcome::Ignored,
            },
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, ui: &Ui<'_>) {
        frame.render_widget(Clear, area);
        let block = pane(format!(" {} ", ui.t(Text::SearchTitle)), true, ui);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let prompt = Line::from(vec![
            Span::styled(" / ", ui.theme.key()),
            Span::raw(safe(&self.query).into_owned()),
            Span::styled("▏", ui.theme.key()),
        ]);
        let [input, rule, results] = ratatui::layout::Layout::vertical([
            ratatui::layout::Constraint::Length(1),
            ratatui::layout::Constraint::Length(1),
            ratatui::layout::Constraint::Min(1),
        ])
        .areas(inner);
        frame.render_widget(Paragraph::new(prompt), input);
        frame.render_widget(
            Paragraph::new("─".repeat(usize::from(rule.width))).style(ui.theme.dim()),
            rule,
        );
        let message = match (&self.error, self.query.trim().is_empty(), self.len()) {
            (Some(error), _, _) => Some((error.clone(), ui.theme.error())),
            (None, true, _) => Some((ui.t(Text::SearchHint).to_string(), ui.theme.dim())),
            (None, false, 0) => Some((ui.t(Text::SearchNoResults).to_string(), ui.theme.dim())),
            _ => None,
        };
        if let Some((text, style)) = message {
            frame.render_widget(
                Paragraph::new(format!(" {text}"))
                    .style(style)
                    .wrap(Wrap { trim: false }),
                results,
            );
            return;
        }
        let (lines, cursor_line) = self.lines(usize::from(results.width), ui);
        let rows = usize::from(results.height);
        let offset = cursor_line.saturating_sub(rows.saturating_sub(1));
        let shown: Vec<Line<'static>> = lines.into_iter().skip(offset).take(rows).collect();
        frame.render_widget(Paragraph::new(shown).style(Style::new()), results);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(name: &str) -> Vec<String> {
        name.chars().map(|c| fold(&c.to_string())).collect()
    }

    #[test]
    fn matches_are_found_at_word_starts_without_diacritics() {
        assert_eq!(match_span(&folded("Đặng Thị Hồng"), "dang"), Some((0, 4)));
        assert_eq!(
            match_span(&folded("Đặng Thị Hồng"), "thi ho"),
            Some((5, 11))
        );
        assert_eq!(
            match_span(&folded("Đảng ủy phường Hồng Gai"), "hong gai"),
            Some((15, 23))
        );
        assert_eq!(match_span(&folded("Nguyễn Văn An"), "guyen"), None);
        assert_eq!(match_span(&folded("Nguyễn Văn An"), ""), None);
    }
}
