//! Visits from above, from the meetings screen: the guests of a held meeting (`i`) — the
//! members assigned to oversee the branch first, then every other member of the
//! committees above it, ticked with Space — and who oversees a branch (`o`), one committee
//! member above it chosen with Enter. Both lists are the members holding a role, on the
//! day that matters, in an organisation above the branch (`Reader::ancestors`, then
//! `Reader::roles_of_org` on each).

use std::collections::HashMap;

use chrono::NaiveDate;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::words::{self, Word};
use super::{Done, Opened, Refusal, Reply, Subject, Write, commit, read_failed};
use crate::domain::role::span_covers;
use crate::domain::{Lang, MeetingId, MeetingState, MemberId, OrgId, OrgUnit};
use crate::store::{self, Command, Reader, StoreError};
use crate::ui::app::{Msg, Target};
use crate::ui::cells::{fit, pad, safe, width};
use crate::ui::keymap::{Action, Context};
use crate::ui::layout::{centered, text_rows};
use crate::ui::overlay::{Env, Outcome, Overlay};
use crate::ui::screens::chrome::Status;
use crate::ui::screens::{Ui, pane, scroll_to, step};

/// A committee member above the branch, as the list shows them.
#[derive(Debug, Clone)]
struct Person {
    id: MemberId,
    name: String,
    /// Their roles above the branch, in words.
    roles: String,
    /// Assigned to oversee the branch on the day that matters.
    assigned: bool,
    ticked: bool,
}

/// The members holding a role on `day` in an organisation above `branch`: those assigned to
/// oversee it first, then by how near their organisation is, their role and their name.
fn committee_above(
    reader: &Reader,
    branch: &OrgUnit,
    day: NaiveDate,
    lang: Lang,
) -> Result<Vec<Person>, StoreError> {
    let assigned: Vec<MemberId> = reader
        .oversight_of_org(branch.id)?
        .into_iter()
        .filter(|o| span_covers(o.from, o.until, day))
        .map(|o| o.member)
        .collect();
    let mut people: Vec<(bool, usize, crate::domain::RoleKind, Person)> = Vec::new();
    let mut seen: HashMap<MemberId, usize> = HashMap::new();
    for (nearness, org) in reader.ancestors(branch.id)?.iter().enumerate() {
        let mut roles = reader.roles_of_org(org.id)?;
        roles.retain(|r| span_covers(r.from, r.until, day));
        roles.sort_by_key(|r| r.role);
        for role in roles {
            let words = words::role_in(role.role.title(lang), &org.name);
            if let Some(&at) = seen.get(&role.member) {
                let roles = &mut people[at].3.roles;
                roles.push_str("; ");
                roles.push_str(&words);
                continue;
            }
            let Some(member) = reader.member(role.member)? else {
                continue;
            };
            seen.insert(member.id, people.len());
            let is_assigned = assigned.contains(&member.id);
            people.push((
                !is_assigned,
                nearness,
                role.role,
                Person {
                    id: member.id,
                    name: member.name,
                    roles: words,
                    assigned: is_assigned,
                    ticked: false,
                },
            ));
        }
    }
    // Stable: members of one organisation and role stay in the store's order.
    people.sort_by_key(|(not_assigned, nearness, role, _)| (*not_assigned, *nearness, *role));
    Ok(people.into_iter().map(|(.., p)| p).collect())
}

/// What choosing in the list does.
enum Purpose {
    /// Tick the guests of a held meeting; Enter saves them all.
    Guests { meeting: MeetingId },
    /// Choose who oversees a branch from `from` on; Enter writes the one under the cursor.
    Overseer { branch: OrgId, from: NaiveDate },
}

pub struct Chooser {
    title: String,
    purpose: Purpose,
    people: Vec<Person>,
    cursor: usize,
    offset: usize,
}

/// `i`: the guests from above at the held meeting under the cursor.
pub fn guests(subject: &Subject<'_>, reader: &Reader) -> Opened {
    let lang = subject.lang;
    let pick = || Word::PickHeld.get(lang).to_string();
    let selected = subject.calendar.and_then(|c| c.meeting).ok_or_else(pick)?;
    let meeting = reader
        .meeting(selected.id)
        .map_err(read_failed(lang))?
        .ok_or_else(|| Word::Gone.get(lang).to_string())?;
    if meeting.state != MeetingState::Held {
        return Err(StoreError::NotHeld(meeting.id).message(lang));
    }
    let org = reader
        .org(meeting.org)
        .map_err(read_failed(lang))?
        .ok_or_else(|| Word::Gone.get(lang).to_string())?;
    let mut people =
        committee_above(reader, &org, meeting.date, lang).map_err(read_failed(lang))?;
    // Guests recorded before who hold no role above now stay in the list, ticked.
    for member in reader.guests_of(meeting.id).map_err(read_failed(lang))? {
        if !people.iter().any(|p| p.id == member.id) {
            people.push(Person {
                id: member.id,
                name: member.name,
                roles: Word::RecordedGuest.get(lang).to_string(),
                assigned: false,
                ticked: false,
            });
        }
    }
    for person in &mut people {
        person.ticked = meeting.guests.contains(&person.id);
    }
    Ok(Box::new(Chooser {
        title: words::guests_title(lang, &org.name, meeting.date),
        purpose: Purpose::Guests {
            meeting: meeting.id,
        },
        people,
        cursor: 0,
        offset: 0,
    }))
}

/// `o`: who oversees the branch under the cursor (or the branch shown), from today.
pub fn assign(subject: &Subject<'_>, reader: &Reader) -> Opened {
    let lang = subject.lang;
    let pick = || Word::PickBranchToOversee.get(lang).to_string();
    let shown = subject.calendar.ok_or_else(pick)?;
    let branch = shown
        .unit
        .filter(|u| u.kind.is_branch())
        .or(Some(shown.node).filter(|n| n.kind.is_branch()))
        .ok_or_else(pick)?;
    let branch = reader
        .org(branch.id)
        .map_err(read_failed(lang))?
        .ok_or_else(|| Word::Gone.get(lang).to_string())?;
    let people =
        committee_above(reader, &branch, subject.today, lang).map_err(read_failed(lang))?;
    Ok(Box::new(Chooser {
        title: words::assign_title(lang, &branch.name),
        purpose: Purpose::Overseer {
            branch: branch.id,
            from: subject.today,
        },
        people,
        cursor: 0,
        offset: 0,
    }))
}

/// The guests ticked, written on the meeting as stored now, which must still be held.
fn guests_write(meeting: MeetingId, guests: Vec<MemberId>) -> Write {
    Write::new(Command::RecordGuests { meeting, guests }, GuestsRecorded)
}

/// How many guests the meeting has now; the meeting selected.
struct GuestsRecorded;

impl Reply for GuestsRecorded {
    fn done(self: Box<Self>, done: store::Done, lang: Lang) -> Result<Done, Refusal> {
        let (stored, org) = done.into_meeting_of()?;
        let message = words::guests_recorded(lang, stored.guests.len(), &org.name, stored.date);
        Ok(Done::new(message).then(Target::Meeting(stored.id)))
    }

    fn refused(&self, e: StoreError, lang: Lang) -> Refusal {
        refused(e, lang)
    }
}

/// `member` assigned to `branch` from `from`, checked again by the store: the branch still
/// a branch, the member not already assigned there, still holding a role above it.
fn overseer_write(branch: OrgId, member: MemberId, from: NaiveDate) -> Write {
    let command = Command::AssignOverseer {
        branch,
        member,
        from,
    };
    Write::new(command, OverseerAssigned { from })
}

/// Who oversees which branch, from when.
struct OverseerAssigned {
    from: NaiveDate,
}

impl Reply for OverseerAssigned {
    fn done(self: Box<Self>, done: store::Done, lang: Lang) -> Result<Done, Refusal> {
        let (person, branch) = done.into_overseer()?;
        let message = words::assigned(lang, &person.name, &branch.name, self.from);
        Ok(Done::new(message))
    }

    fn refused(&self, e: StoreError, lang: Lang) -> Refusal {
        refused(e, lang)
    }
}

/// A refusal of the store's visit commands as the chooser says it: whatever changed under
/// it since it opened reads as gone; the rules in their own words.
fn refused(e: StoreError, lang: Lang) -> Refusal {
    match e {
        StoreError::MeetingGone(_)
        | StoreError::OrgGone(_)
        | StoreError::MemberGone(_)
        | StoreError::NoRoleAbove(_) => Refusal::gone(lang),
        StoreError::NotHeld(_) | StoreError::AlreadyOverseeing | StoreError::Minutes(_) => {
            Refusal::said(None, &e, lang)
        }
        other => other.into(),
    }
}

impl Chooser {
    fn box_in(area: Rect) -> Rect {
        centered(area, area.width.saturating_sub(4).min(100), area.height)
    }

    /// Rows of people the box shows: its text rows less the hint and a blank line.
    fn rows(area: Rect) -> usize {
        text_rows(Chooser::box_in(area)).saturating_sub(2).max(1)
    }

    fn move_cursor(&mut self, delta: isize, rows: usize) -> Outcome {
        let next = step(self.cursor, delta, self.people.len());
        if next == self.cursor {
            return Outcome::Ignored;
        }
        self.cursor = next;
        self.offset = scroll_to(self.cursor, self.offset, rows);
        Outcome::Keep
    }

    fn accept(&mut self, env: &Env<'_>) -> Outcome {
        let lang = env.lang;
        let write = match &self.purpose {
            Purpose::Guests { meeting } => {
                let ticked = self.people.iter().filter(|p| p.ticked).map(|p| p.id);
                guests_write(*meeting, ticked.collect())
            }
            Purpose::Overseer { branch, from } => {
                let Some(person) = self.people.get(self.cursor) else {
                    return Outcome::Ignored;
                };
                if person.assigned {
                    return Outcome::Send(Msg::Status(Status {
                        text: StoreError::AlreadyOverseeing.message(lang),
                        error: true,
                    }));
                }
                overseer_write(*branch, person.id, *from)
            }
        };
        commit(write, env).unwrap_or_else(|refusal| refusal.outcome(lang))
    }

    fn toggle(&mut self) -> Outcome {
        let Purpose::Guests { .. } = self.purpose else {
            return Outcome::Ignored;
        };
        match self.people.get_mut(self.cursor) {
            Some(person) => {
                person.ticked = !person.ticked;
                Outcome::Keep
            }
            None => Outcome::Ignored,
        }
    }

    fn line(&self, index: usize, cols: usize, ui: &Ui<'_>) -> Line<'static> {
        let person = &self.people[index];
        let selected = index == self.cursor;
        let tick = match (&self.purpose, person.ticked) {
            (Purpose::Guests { .. }, true) => "[x] ",
            (Purpose::Guests { .. }, false) => "[ ] ",
            (Purpose::Overseer { .. }, _) => "",
        };
        let widest = self
            .people
            .iter()
            .map(|p| width(&safe(&p.name)))
            .max()
            .unwrap_or(0);
        let name_cols = widest.min(24).min(cols / 3);
        let mut spans = vec![
            Span::styled(if selected { " › " } else { "   " }, ui.theme.key()),
            Span::raw(tick),
            Span::raw(pad(&safe(&person.name), name_cols)),
        ];
        if person.assigned {
            spans.push(Span::styled(
                format!(" ✓ {}", words::overseeing(ui.lang)),
                ui.theme.good(),
            ));
        }
        let used: usize = spans.iter().map(|s| width(&s.content)).sum();
        let roles = format!(" {}", safe(&person.roles));
        spans.push(Span::styled(
            fit(&roles, cols.saturating_sub(used)).into_owned(),
            ui.theme.label(),
        ));
        let line = Line::from(spans);
        if selected {
            line.style(ui.theme.selected(true))
        } else {
            line
        }
    }
}

impl Overlay for Chooser {
    fn context(&self) -> Context {
        Context::Checklist
    }

    fn on_key(&mut self, _key: &KeyEvent, action: Option<Action>, env: &mut Env<'_>) -> Outcome {
        let rows = Chooser::rows(env.area);
        match action {
            Some(Action::Accept) => self.accept(env),
            Some(Action::Cancel) => Outcome::Close,
            Some(Action::Toggle) => self.toggle(),
            Some(Action::Up) => self.move_cursor(-1, rows),
            Some(Action::Down) => self.move_cursor(1, rows),
            Some(Action::PageUp) => self.move_cursor(-(rows as isize), rows),
            Some(Action::PageDown) => self.move_cursor(rows as isize, rows),
            _ => Outcome::Ignored,
        }
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, ui: &Ui<'_>) {
        let area = Chooser::box_in(area);
        frame.render_widget(Clear, area);
        let title = fit(
            &safe(&self.title),
            usize::from(area.width.saturating_sub(4)),
        )
        .into_owned();
        let block = pane(format!(" {title} "), true, ui);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [list, hint] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(2)]).areas(inner);
        let cols = usize::from(list.width);
        let lines: Vec<Line<'static>> = if self.people.is_empty() {
            vec![Line::styled(
                format!(" {}", Word::NoOneAbove.get(ui.lang)),
                ui.theme.dim(),
            )]
        } else {
            let rows = usize::from(list.height);
            let offset = scroll_to(self.cursor, self.offset, rows);
            (offset..self.people.len().min(offset + rows))
                .map(|i| self.line(i, cols, ui))
                .collect()
        };
        frame.render_widget(Paragraph::new(lines), list);
        let hint_word = match self.purpose {
            Purpose::Guests { .. } => Word::ChecklistHint,
            Purpose::Overseer { .. } => Word::ChooserHint,
        };
        let text = fit(hint_word.get(ui.lang), cols.saturating_sub(1)).into_owned();
        frame.render_widget(
            Paragraph::new(vec![
                Line::default(),
                Line::styled(format!(" {text}"), ui.theme.dim()),
            ]),
            hint,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_reads_with_its_organisation() {
        assert_eq!(
            words::role_in(
                crate::domain::RoleKind::Secretary.title(Lang::Vi),
                "Đảng ủy phường Hồng Gai"
            ),
            "Bí thư, Đảng ủy phường Hồng Gai"
        );
    }
}
