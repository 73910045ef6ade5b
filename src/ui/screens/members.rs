//! The member list (right pane) of the selected branch or cell, in roster order (given
//! name, family name, middle names — the store's order), with each member's status today.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{Ui, pane, position, scroll_to, step};
use crate::domain::{Member, MemberId, MemberStatus, OrgId, OrgTotals, OrgUnit};
use crate::store::{Reader, StoreError};
use crate::ui::cells::{fit, pad, safe, width};
use crate::ui::i18n::{self, Text};
use crate::ui::paged::Paged;
use crate::ui::theme::Theme;

/// Cells of one branch listed by name, so a roster row can say which cell a member is in.
/// A branch has a handful; more than this many is not a branch anyone runs.
const MAX_CELLS: usize = 200;

#[derive(Debug)]
pub struct Roster {
    pub org: OrgUnit,
    pub totals: OrgTotals,
    members: Paged<Member>,
    cursor: usize,
    offset: usize,
    height: usize,
    cells: Vec<(OrgId, String)>,
}

impl Roster {
    pub fn read(
        reader: &Reader,
        org: OrgUnit,
        totals: OrgTotals,
        height: usize,
    ) -> Result<Roster, StoreError> {
        let cells = if org.kind.is_branch() {
            reader
                .children(Some(org.id), 0, MAX_CELLS)?
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect()
        } else {
            Vec::new()
        };
        let mut roster = Roster {
            members: Paged::new(reader.member_count_of(org.id)?),
            org,
            totals,
            cursor: 0,
            offset: 0,
            height: height.max(1),
            cells,
        };
        roster.refresh(reader)?;
        Ok(roster)
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    pub fn selected(&self) -> Option<&Member> {
        self.members.get(self.cursor)
    }

    pub fn page(&self) -> isize {
        self.height as isize
    }

    pub fn set_height(&mut self, reader: &Reader, height: usize) -> Result<(), StoreError> {
        self.height = height.max(1);
        self.refresh(reader)
    }

    pub fn step(&mut self, reader: &Reader, delta: isize) -> Result<(), StoreError> {
        self.cursor = step(self.cursor, delta, self.len());
        self.refresh(reader)
    }

    pub fn to_top(&mut self, reader: &Reader) -> Result<(), StoreError> {
        self.cursor = 0;
        self.refresh(reader)
    }

    pub fn to_bottom(&mut self, reader: &Reader) -> Result<(), StoreError> {
        self.cursor = self.len().saturating_sub(1);
        self.refresh(reader)
    }

    /// Puts the cursor on `member`; `false` when the member is not on this roster.
    pub fn reveal(&mut self, reader: &Reader, member: MemberId) -> Result<bool, StoreError> {
        let org = self.org.id;
        let found = self.members.position(
            |m| m.id == member,
            |skip, limit| reader.members_of(org, skip, limit),
        )?;
        if let Some(at) = found {
            self.cursor = at;
        }
        self.refresh(reader)?;
        Ok(found.is_some())
    }

    /// Reads the members now on screen.
    pub fn refresh(&mut self, reader: &Reader) -> Result<(), StoreError> {
        let org = self.org.id;
        self.cursor = self.cursor.min(self.len().saturating_sub(1));
        self.offset = scroll_to(self.cursor, self.offset, self.height);
        self.offset = self.offset.min(self.len().saturating_sub(self.height));
        let rows = self.offset..self.offset + self.height;
        self.members.ensure(rows.clone(), |skip, limit| {
            reader.members_of(org, skip, limit)
        })?;
        self.members.keep_near(rows);
        Ok(())
    }

    fn cell_name(&self, cell: Option<OrgId>) -> &str {
        cell.and_then(|id| self.cells.iter().find(|(c, _)| *c == id))
            .map_or("", |(_, name)| name.as_str())
    }

    fn visible(&self) -> impl Iterator<Item = (usize, &Member)> {
        (self.offset..(self.offset + self.height).min(self.len()))
            .filter_map(|i| self.members.get(i).map(|m| (i, m)))
    }
}

/// A member's standing on `today` in words — exempt, temporarily exempt until …,
/// probationary — with the style to show it in. Empty for an active full member.
pub fn status_words(
    member: &Member,
    today: NaiveDate,
    short: bool,
    ui: &Ui<'_>,
) -> (String, Style) {
    let status = member.status_on(today);
    let mut parts: Vec<String> = Vec::new();
    if status != MemberStatus::Active {
        let mut words = i18n::status(ui.lang, status, short).to_string();
        if status == MemberStatus::TemporarilyExempt
            && let Some(until) = exemption_end(member, today)
        {
            if !short {
                words.push(' ');
            }
            words.push_str(&i18n::until(ui.lang, until, short));
        }
        parts.push(words);
    }
    if member.probationary_on(today) {
        let word = if short {
            Text::ProbationaryShort
        } else {
            Text::Probationary
        };
        parts.push(ui.t(word).to_string());
    }
    (
        parts.join(" · "),
        status_style(status, member, today, ui.theme),
    )
}

/// When the temporary exemption in force on `today` ends.
fn exemption_end(member: &Member, today: NaiveDate) -> Option<NaiveDate> {
    member
        .history
        .iter()
        .rev()
        .find(|c| c.from <= today)
        .and_then(|c| c.until)
}

fn status_style(status: MemberStatus, member: &Member, today: NaiveDate, theme: Theme) -> Style {
    match status {
        MemberStatus::Exempt | MemberStatus::TemporarilyExempt => theme.exempt(),
        MemberStatus::Active if member.probationary_on(today) => theme.probationary(),
        MemberStatus::Active => Style::new(),
        _ => theme.gone(),
    }
}

/// Draws the roster pane.
pub fn render(frame: &mut Frame<'_>, area: Rect, roster: &Roster, focused: bool, ui: &Ui<'_>) {
    let counts = i18n::roster_counts(
        ui.lang,
        roster.totals.members,
        roster.totals.exempt,
        area.width < 50,
    );
    let block = pane(format!(" {} ", safe(&roster.org.name)), focused, ui)
        .title_bottom(Line::styled(format!(" {counts} "), ui.theme.label()))
        .title_bottom(position(roster.cursor, roster.len(), ui));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if roster.is_empty() {
        frame.render_widget(
            Paragraph::new(ui.t(Text::NoMembers))
                .style(ui.theme.dim())
                .wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let inner_width = usize::from(inner.width);
    let layout = RosterColumns::of(roster, inner_width, ui);
    let mut lines = Vec::with_capacity(roster.height + 1);
    lines.push(Line::styled(layout.heading(ui), ui.theme.column_header()));
    for (i, member) in roster.visible() {
        let selected = i == roster.cursor;
        lines.push(layout.row(roster, member, selected, focused, ui));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Column widths of one render: name and status always; card, year of birth and cell
/// when the pane is wide enough.
struct RosterColumns {
    name: usize,
    wide: bool,
    cell: usize,
    status: usize,
    short: bool,
}

const CARD: usize = 10;
const STATUS_MIN: usize = 13;
const BORN: usize = 8;

impl RosterColumns {
    fn of(roster: &Roster, inner_width: usize, ui: &Ui<'_>) -> RosterColumns {
        let wide = inner_width >= 70;
        let short = inner_width < 50;
        let widest_name = roster
            .visible()
            .map(|(_, m)| width(&safe(&m.name)))
            .max()
            .unwrap_or(0)
            .max(width(ui.t(Text::ColName)));
        let widest_status = roster
            .visible()
            .map(|(_, m)| width(&status_words(m, ui.today, short, ui).0))
            .max()
            .unwrap_or(0)
            .max(width(ui.t(Text::ColStatus)));
        let cell = if wide && !roster.cells.is_empty() {
            roster
                .cells
                .iter()
                .map(|(_, n)| width(&safe(n)))
                .max()
                .unwrap_or(0)
                .max(width(ui.t(Text::ColCell)))
        } else {
            0
        };
        let fixed = if wide { CARD + BORN + cell + 3 } else { 0 };
        // One column of gutter, one space before the status.
        let room = inner_width.saturating_sub(fixed + 2);
        // Names come first; a status gets at least what a short one needs ("tạm→22/02/27").
        let name = widest_name.min(room.saturating_sub(widest_status.min(STATUS_MIN)));
        RosterColumns {
            name,
            wide,
            cell,
            status: room - name,
            short,
        }
    }

    fn heading(&self, ui: &Ui<'_>) -> String {
        let mut text = format!(" {}", pad(ui.t(Text::ColName), self.name));
        if self.wide {
            text.push_str(&format!(
                " {} {}",
                pad(ui.t(Text::ColCard), CARD),
                pad(ui.t(Text::ColBorn), BORN)
            ));
            if self.cell > 0 {
                text.push_str(&format!(" {}", pad(ui.t(Text::ColCell), self.cell)));
            }
        }
        text.push_str(&format!(" {}", ui.t(Text::ColStatus)));
        text
    }

    fn row(
        &self,
        roster: &Roster,
        member: &Member,
        selected: bool,
        focused: bool,
        ui: &Ui<'_>,
    ) -> Line<'static> {
        let (status, status_style) = status_words(member, ui.today, self.short, ui);
        let mut spans = vec![
            Span::styled(if selected { "›" } else { " " }, ui.theme.key()),
            Span::raw(pad(&safe(&member.name), self.name)),
        ];
        if self.wide {
            let born = member.born.map(i18n::year).unwrap_or_default();
            spans.push(Span::styled(
                format!(" {} {}", pad(&safe(&member.card), CARD), pad(&born, BORN)),
                ui.theme.label(),
            ));
            if self.cell > 0 {
                let cell = safe(roster.cell_name(member.cell)).into_owned();
                spans.push(Span::styled(
                    format!(" {}", pad(&cell, self.cell)),
                    ui.theme.label(),
                ));
            }
        }
        spans.push(Span::raw(" "));
        spans.push(Span::styled(
            fit(&status, self.status).into_owned(),
            status_style,
        ));
        let line = Line::from(spans);
        if selected {
            line.style(ui.theme.selected(focused))
        } else {
            line
        }
    }
}
