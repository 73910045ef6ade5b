//! One member's record: personal details, status today and its dated history, committee
//! roles, the branches the member is assigned to oversee, and the yearly classifications.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::members::status_words;
use super::{Ui, pane};
use crate::domain::{
    Classification, Member, MemberId, MemberStatus, OrgId, OrgUnit, Oversight, Role,
};
use crate::store::{Reader, StoreError};
use crate::ui::cells::{pad, safe, width};
use crate::ui::i18n::{self, Text};
use crate::ui::keymap::{Action, Context};
use crate::ui::layout::text_rows;
use crate::ui::screen::{CommandInfo, Cx, Screen, Selection, Step};

#[derive(Debug)]
pub struct MemberDetail {
    pub member: Member,
    branch: Option<OrgUnit>,
    cell: Option<OrgUnit>,
    roles: Vec<(Option<OrgUnit>, Role)>,
    oversight: Vec<(Option<OrgUnit>, Oversight)>,
    classifications: Vec<Classification>,
    scroll: usize,
}

impl MemberDetail {
    /// Reads everything the view shows about `id`; `None` when there is no such member.
    pub fn read(reader: &Reader, id: MemberId) -> Result<Option<MemberDetail>, StoreError> {
        let Some(member) = reader.member(id)? else {
            return Ok(None);
        };
        let org = |id: OrgId| reader.org(id);
        let mut roles = Vec::new();
        for role in reader.roles_of_member(id)? {
            roles.push((org(role.org)?, role));
        }
        let mut oversight = Vec::new();
        for assignment in reader.oversight_of_member(id)? {
            oversight.push((org(assignment.org)?, assignment));
        }
        Ok(Some(MemberDetail {
            branch: org(member.org)?,
            cell: member.cell.map(org).transpose()?.flatten(),
            member,
            roles,
            oversight,
            classifications: reader.member_classifications_of(id)?,
            scroll: 0,
        }))
    }

    /// Scrolls by `delta` lines, within what there is to see in `area`.
    pub fn scroll(&mut self, delta: isize, area: Rect, ui: &Ui<'_>) {
        let most = self.lines(ui).len().saturating_sub(text_rows(area));
        self.scroll = self.scroll.saturating_add_signed(delta).min(most);
    }

    pub fn scroll_to_end(&mut self, area: Rect, ui: &Ui<'_>) {
        self.scroll(isize::MAX, area, ui);
    }

    pub fn scroll_to_top(&mut self) {
        self.scroll = 0;
    }

    /// Every line of the record, before scrolling.
    pub fn lines(&self, ui: &Ui<'_>) -> Vec<Line<'static>> {
        let m = &self.member;
        let unknown = || ui.t(Text::Unknown).to_string();
        let date =
            |d: Option<chrono::NaiveDate>| d.map_or_else(unknown, |d| i18n::date(ui.lang, d));
        let (status, status_style) = self.status_today(ui);
        let full_member = match m.full_member {
            Some(d) => i18n::date(ui.lang, d),
            None => format!("{} ({})", unknown(), ui.t(Text::Probationary)),
        };
        let fields: Vec<(Text, String, Style)> = vec![
            (Text::Card, safe(&m.card).into_owned(), Style::new()),
            (
                Text::SexLabel,
                m.sex
                    .map_or_else(unknown, |s| i18n::sex(ui.lang, s).to_string()),
                Style::new(),
            ),
            (Text::Born, date(m.born), Style::new()),
            (Text::Admitted, date(m.admitted), Style::new()),
            (Text::FullMember, full_member, Style::new()),
            (Text::Branch, self.place(), Style::new()),
            (
                Text::Phone,
                m.phone
                    .as_deref()
                    .map_or_else(unknown, |p| safe(p).into_owned()),
                Style::new(),
            ),
            (
                Text::Residence,
                m.residence
                    .as_deref()
                    .map_or_else(unknown, |r| safe(r).into_owned()),
                Style::new(),
            ),
            (Text::StatusToday, status, status_style),
        ];
        let label_width = fields
            .iter()
            .map(|(label, _, _)| width(ui.t(*label)))
            .max()
            .unwrap_or(0);
        let mut lines: Vec<Line<'static>> = fields
            .into_iter()
            .map(|(label, value, style)| {
                Line::from(vec![
                    Span::styled(
                        format!(" {} ", pad(ui.t(label), label_width)),
                        ui.theme.label(),
                    ),
                    Span::styled(value, style),
                ])
            })
            .collect();
        self.push_history(&mut lines, ui);
        self.push_roles(&mut lines, ui);
        self.push_oversight(&mut lines, ui);
        self.push_classifications(&mut lines, ui);
        lines
    }

    fn status_today(&self, ui: &Ui<'_>) -> (String, Style) {
        let (words, style) = status_words(&self.member, ui.today, false, ui);
        if words.is_empty() {
            (
                i18n::status(ui.lang, MemberStatus::Active, false).to_string(),
                style,
            )
        } else {
            (words, style)
        }
    }

    /// "Chi bộ khu 2 › Tổ đảng 1 (QN.HL.HG.K2)".
    fn place(&self) -> String {
        let mut place = self
            .branch
            .as_ref()
            .map(|b| safe(&b.name).into_owned())
            .unwrap_or_default();
        if let Some(cell) = &self.cell {
            place.push_str(" › ");
            place.push_str(&safe(&cell.name));
        }
        if let Some(branch) = &self.branch {
            place.push_str(&format!(" ({})", safe(&branch.code)));
        }
        place
    }

    fn push_history(&self, lines: &mut Vec<Line<'static>>, ui: &Ui<'_>) {
        heading(lines, Text::StatusHistory, ui);
        if self.member.history.is_empty() {
            lines.push(item(ui.t(Text::SinceAdmission).to_string(), ui));
        }
        for change in &self.member.history {
            let mut words = i18n::status(ui.lang, change.status, false).to_string();
            if let Some(until) = change.until {
                words.push(' ');
                words.push_str(&i18n::until(ui.lang, until, false));
            }
            let reason = change
                .reason
                .as_deref()
                .map(|r| format!(" — {}", safe(r)))
                .unwrap_or_default();
            lines.push(item(
                format!("{}  {words}{reason}", i18n::date(ui.lang, change.from)),
                ui,
            ));
        }
    }

    fn push_roles(&self, lines: &mut Vec<Line<'static>>, ui: &Ui<'_>) {
        heading(lines, Text::Roles, ui);
        if self.roles.is_empty() {
            lines.push(item(ui.t(Text::NothingRecorded).to_string(), ui));
        }
        for (org, role) in &self.roles {
            lines.push(item(
                format!(
                    "{} — {}, {}",
                    role.role.title(ui.lang),
                    org_name(org.as_ref(), ui),
                    i18n::span(ui.lang, role.from, role.until)
                ),
                ui,
            ));
        }
    }

    fn push_oversight(&self, lines: &mut Vec<Line<'static>>, ui: &Ui<'_>) {
        heading(lines, Text::Oversight, ui);
        if self.oversight.is_empty() {
            lines.push(item(ui.t(Text::NothingRecorded).to_string(), ui));
        }
        for (org, assignment) in &self.oversight {
            lines.push(item(
                format!(
                    "{}, {}",
                    org_name(org.as_ref(), ui),
                    i18n::span(ui.lang, assignment.from, assignment.until)
                ),
                ui,
            ));
        }
    }
}

impl MemberDetail {
    /// "2025  hoàn thành tốt (82 điểm)", newest first.
    fn push_classifications(&self, lines: &mut Vec<Line<'static>>, ui: &Ui<'_>) {
        heading(lines, Text::Classifications, ui);
        if self.classifications.is_empty() {
            lines.push(item(ui.t(Text::NothingRecorded).to_string(), ui));
        }
        for c in self.classifications.iter().rev() {
            let score = c.score.map_or(String::new(), |s| {
                ui.lang
                    .pick(format!(" ({s} điểm)"), format!(" ({s} points)"))
            });
            lines.push(item(
                format!("{}  {}{score}", c.year, c.grade.label(ui.lang, false)),
                ui,
            ));
        }
    }
}

fn org_name(org: Option<&OrgUnit>, ui: &Ui<'_>) -> String {
    match org {
        Some(org) => format!("{} ({})", safe(&org.name), safe(&org.code)),
        None => ui.t(Text::Unknown).to_string(),
    }
}

fn heading(lines: &mut Vec<Line<'static>>, text: Text, ui: &Ui<'_>) {
    lines.push(Line::default());
    lines.push(Line::styled(format!(" {}", ui.t(text)), ui.theme.title()));
}

fn item(text: String, _ui: &Ui<'_>) -> Line<'static> {
    Line::raw(format!("   {text}"))
}

/// Draws the member's record over the whole body.
pub fn render(frame: &mut Frame<'_>, area: Rect, detail: &MemberDetail, ui: &Ui<'_>) {
    let lines = detail.lines(ui);
    let most = lines.len().saturating_sub(text_rows(area));
    let scroll = detail.scroll.min(most);
    let block = pane(format!(" {} ", safe(&detail.member.name)), true, ui);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0)),
        area,
    );
}

const COMMANDS: &[CommandInfo] = &[
    CommandInfo::new(&[Action::Down, Action::Up]),
    CommandInfo::new(&[Action::Back]),
    CommandInfo::new(&[Action::Search]),
    CommandInfo::new(&[Action::Help]),
    CommandInfo::new(&[Action::Quit]),
    CommandInfo::new(&[Action::Edit]),
    CommandInfo::new(&[Action::ChangeStatus]),
    CommandInfo::new(&[Action::Grade]),
];

impl Screen for MemberDetail {
    fn context(&self) -> Context {
        Context::Detail
    }

    fn commands(&self) -> Vec<CommandInfo> {
        COMMANDS.to_vec()
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx<'_>) -> Step {
        let area = cx.body();
        let ui = cx.ui();
        let page = text_rows(area) as isize;
        match action {
            Action::Back => return Step::Back,
            Action::Up => self.scroll(-1, area, &ui),
            Action::Down => self.scroll(1, area, &ui),
            Action::PageUp => self.scroll(-page, area, &ui),
            Action::PageDown => self.scroll(page, area, &ui),
            Action::Top => self.scroll_to_top(),
            Action::Bottom => self.scroll_to_end(area, &ui),
            _ => return Step::Ignored,
        }
        Step::Changed
    }

    fn render(&self, frame: &mut Frame<'_>, body: Rect, _keys_here: bool, ui: &Ui<'_>) {
        render(frame, body, self, ui);
    }

    /// The breadcrumb of the tree it was opened from, the member's name after it.
    fn path(&self) -> Option<&[OrgUnit]> {
        None
    }

    fn member_name(&self) -> Option<&str> {
        Some(&self.member.name)
    }

    fn selection(&self) -> Selection<'_> {
        Selection {
            member: Some(&self.member),
            ..Selection::default()
        }
    }

    fn reload(&mut self, reader: &Reader) -> Result<bool, StoreError> {
        match MemberDetail::read(reader, self.member.id)? {
            Some(detail) => {
                *self = detail;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
