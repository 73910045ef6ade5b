//! Drawing the meetings screen: the calendar and its legend on the left; on the right the
//! rule and standing, the meetings of the month, and the units below a committee or the
//! details of a branch's meeting under the cursor.

use chrono::{Datelike, NaiveDate};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph, Wrap};

use super::MeetingsView;
use super::month::{MeetingLine, Standing, StatusCounts, Unit};
use crate::domain::compliance::planned_past_grace;
use crate::domain::{Compliance, Flag, Meeting, MeetingKind, MeetingState, Thematic, YearMonth};
use crate::store::{BranchStatus, ComplianceRow};
use crate::ui::cells::{fit, flow, pad, safe, styled_words, width};
use crate::ui::i18n::{self, Text};
use crate::ui::screens::calendar::{self, DayMark, status_symbol};
use crate::ui::screens::prep::PlanMark;
use crate::ui::screens::{Ui, pane, position, selectable};

/// Where each part of the screen goes, from the body's size and what is shown: `update`
/// (paging, scrolling) and `render` compute it the same way.
pub(super) struct Areas {
    calendar: Rect,
    right: Rect,
    summary: Rect,
    meetings: Rect,
    /// A committee's units, or the details of a branch's meeting under the cursor.
    below: Rect,
}

impl Areas {
    pub(super) fn of(body: Rect, view: &MeetingsView) -> Areas {
        // 45% of the width for the month, in whole days of 4 to 12 columns.
        let cell = ((body.width as usize * 45 / 100).saturating_sub(2) / 7).clamp(4, 12);
        let calendar_width = (cell * 7 + 2) as u16;
        let [calendar, right] =
            Layout::horizontal([Constraint::Length(calendar_width), Constraint::Min(1)])
                .areas(body);
        let inner = Rect {
            x: right.x + 2,
            y: right.y + 1,
            width: right.width.saturating_sub(4),
            height: right.height.saturating_sub(2),
        };
        let summary_lines = summary_height(view);
        let has_units = !view.node.kind.is_branch();
        let rest = inner.height.saturating_sub(summary_lines);
        // A committee's units take what its meetings leave; a branch's meetings share the
        // pane with the details of the one under the cursor.
        let most = if has_units {
            (rest / 4).max(3)
        } else {
            (rest.saturating_sub(1) / 2).max(1)
        };
        let meeting_rows = (view.data.own.len() as u16).clamp(1, most);
        let [summary, meetings, below] = Layout::vertical([
            Constraint::Length(summary_lines),
            Constraint::Length(1 + meeting_rows),
            Constraint::Min(0),
        ])
        .areas(inner);
        Areas {
            calendar,
            right,
            summary,
            meetings,
            below,
        }
    }

    pub(super) fn meeting_rows(&self) -> usize {
        usize::from(self.meetings.height.saturating_sub(1))
    }

    /// Rows of units: the pane less its title, the column heading and — when there is
    /// room for a few units besides — the line that tells the plan and flags of the unit
    /// under the cursor.
    pub(super) fn unit_rows(&self) -> usize {
        usize::from(self.below.height.saturating_sub(2)) - self.unit_line_rows()
    }

    /// Rows of the words under the units: two when the pane can spare them (a branch's
    /// flags in words run past one row of a narrow pane), one when it has room for a few
    /// units besides, else none.
    fn unit_line_rows(&self) -> usize {
        let height = self.below.height;
        if height >= 2 + 2 + 2 * MIN_UNIT_ROWS {
            2
        } else if height > 2 + MIN_UNIT_ROWS {
            1
        } else {
            0
        }
    }
}

fn summary_height(view: &MeetingsView) -> u16 {
    if view.node.kind.is_branch() { 5 } else { 2 }
}

/// Draws the whole screen in `body`.
pub fn render(frame: &mut Frame<'_>, body: Rect, view: &MeetingsView, focused: bool, ui: &Ui<'_>) {
    let areas = Areas::of(body, view);
    render_calendar(frame, areas.calendar, view, ui);
    let title = format!(
        " {} — {} ",
        ui.t(Text::MeetingsTitle),
        safe(&view.node.name)
    );
    let block = pane(title, focused, ui)
        .padding(Padding::horizontal(1))
        .title_bottom(position(view.cursor, view.rows(), ui));
    frame.render_widget(block, areas.right);
    let cols = usize::from(areas.summary.width);
    frame.render_widget(Paragraph::new(summary_lines(view, cols, ui)), areas.summary);
    render_meetings(frame, areas.meetings, view, focused, ui);
    if view.node.kind.is_branch() {
        render_details(frame, areas.below, view, ui);
    } else {
        render_units(frame, areas.below, view, focused, ui);
    }
}

fn render_calendar(frame: &mut Frame<'_>, area: Rect, view: &MeetingsView, ui: &Ui<'_>) {
    let title = format!(" {} ", i18n::month(ui.lang, view.data.month));
    let block = pane(title, false, ui);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let legend = calendar::legend(usize::from(inner.width), ui);
    // Said before the legend, which a short pane cuts: the days of which units are marked.
    let covers = if view.data.partial() {
        let (counted, total) = (view.data.counted_units, view.data.units.len());
        i18n::calendar_covers(ui.lang, counted, total).to_vec()
    } else {
        Vec::new()
    };
    // Wrapped to the pane: each line takes as many rows as its width needs.
    let cols = usize::from(inner.width).max(1);
    let covers_height: usize = covers.iter().map(|t| width(t).div_ceil(cols)).sum();
    let legend_height = (covers_height + legend.len()) as u16 + 1;
    let roomy = calendar::grid_height(view.data.month, true) + legend_height <= inner.height;
    let grid_height = calendar::grid_height(view.data.month, roomy);
    let [grid, below] =
        Layout::vertical([Constraint::Length(grid_height), Constraint::Min(0)]).areas(inner);
    calendar::render_grid(frame, grid, view.data.month, &view.data.marks, roomy, ui);
    let mut lines = vec![Line::default()];
    lines.extend(
        covers
            .into_iter()
            .map(|text| Line::styled(text, ui.theme.dim())),
    );
    lines.extend(legend);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), below);
}

/// The rule of the month, then how the organisation stands: a branch's due day, meeting
/// and thematic meeting and who oversees it; a committee's branches counted.
fn summary_lines(view: &MeetingsView, cols: usize, ui: &Ui<'_>) -> Vec<Line<'static>> {
    let data = &view.data;
    let (rule, grace) = data.schedule;
    let rule = i18n::schedule(ui.lang, rule, grace);
    let label = format!("{}: ", ui.t(Text::MeetingDay));
    // The rule matters more than its label when both do not fit.
    let label = if width(&label) + width(&rule) <= cols {
        label
    } else {
        String::new()
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(label, ui.theme.label()),
        Span::raw(rule),
    ])];
    match &data.status {
        Some(row) => {
            lines.push(branch_standing(row, data.due, ui));
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{} {}: ", ui.t(Text::ColThematic), row.quarter),
                    ui.theme.label(),
                ),
                Span::styled(
                    i18n::thematic(ui.lang, row.thematic),
                    thematic_style(row.thematic, ui),
                ),
            ]));
            let overseers = if data.overseers.is_empty() {
                ui.t(Text::NoOverseer).to_string()
            } else {
                safe(&data.overseers.join(", ")).into_owned()
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{}: ", ui.t(Text::Overseers)), ui.theme.label()),
                Span::raw(overseers),
            ]));
            if let Some(prep) = &data.prep {
                lines.push(plan_and_flags(prep, data.month, ui));
            }
        }
        None if view.node.kind.is_branch() => {}
        None => {
            let mut spans = vec![Span::styled(
                i18n::branches_counted(ui.lang, data.counts.branches()),
                ui.theme.label(),
            )];
            spans.extend(count_spans(&data.counts, ui));
            lines.push(Line::from(spans));
        }
    }
    lines
}

/// "Kế hoạch 12/2026: ✓ đã gửi 18/11 10:02, đúng hạn  ⚑ chưa gửi tài liệu": a branch's
/// plan of the month and everything the committee above is flagged about.
fn plan_and_flags(prep: &BranchStatus, month: YearMonth, ui: &Ui<'_>) -> Line<'static> {
    let mark = PlanMark::of(prep, ui.today);
    let label = i18n::prep::plan_label(ui.lang, &i18n::dashboard::month(ui.lang, month));
    let mut spans = vec![
        Span::styled(format!("{label}: "), ui.theme.label()),
        Span::styled(
            format!("{} {}", mark.symbol(), i18n::prep::plan(ui.lang, mark)),
            mark.style(ui.theme),
        ),
    ];
    // The plan's own flag is said by its words already.
    let others: Vec<_> = prep
        .flags
        .iter()
        .copied()
        .filter(|f| !matches!(f, Flag::PlanMissing | Flag::PlanLate))
        .collect();
    if !others.is_empty() {
        spans.push(Span::styled(
            // A no-break space: the flag never ends a row apart from its words.
            format!(
                "  {}\u{a0}{}",
                i18n::prep::FLAG,
                safe(&i18n::prep::flags(ui.lang, &others))
            ),
            ui.theme.bad(),
        ));
    }
    Line::from(spans)
}

/// "Hạn 05/10   Đã họp 05/10   ✓ đúng ngày".
fn branch_standing(row: &ComplianceRow, due: Option<NaiveDate>, ui: &Ui<'_>) -> Line<'static> {
    let mut spans = Vec::new();
    if let Some(due) = row.due.or(due) {
        spans.push(Span::styled(
            format!("{} ", ui.t(Text::ColDue)),
            ui.theme.label(),
        ));
        spans.push(Span::raw(format!("{}   ", i18n::day_month(ui.lang, due))));
    }
    if let Some(held) = row.held {
        spans.push(Span::styled(
            format!("{} ", ui.t(Text::ColHeld)),
            ui.theme.label(),
        ));
        spans.push(Span::raw(format!("{}   ", i18n::day_month(ui.lang, held))));
    }
    let style = status_style(row.status, ui);
    spans.push(Span::styled(
        format!(
            "{} {}",
            status_symbol(row.status),
            i18n::compliance(ui.lang, row.status, false)
        ),
        style,
    ));
    Line::from(spans)
}

fn status_style(status: Compliance, ui: &Ui<'_>) -> Style {
    DayMark::of_compliance(status).map_or(ui.theme.dim(), |m| m.style(ui.theme))
}

/// " ✓9 «1 ~3" — every status with branches in it, by its symbol.
fn count_spans(counts: &StatusCounts, ui: &Ui<'_>) -> Vec<Span<'static>> {
    Compliance::ALL
        .iter()
        .filter(|c| **c != Compliance::NotDue && counts.get(**c) > 0)
        .map(|c| {
            Span::styled(
                format!(" {}{}", status_symbol(*c), counts.get(*c)),
                status_style(*c, ui),
            )
        })
        .collect()
}

fn render_meetings(
    frame: &mut Frame<'_>,
    area: Rect,
    view: &MeetingsView,
    focused: bool,
    ui: &Ui<'_>,
) {
    let cols = usize::from(area.width);
    let heading = ui.t(Text::MeetingsOfMonth);
    let mut lines = vec![Line::styled(
        fit(heading, cols).into_owned(),
        ui.theme.title(),
    )];
    if view.data.own.is_empty() {
        lines.push(Line::styled(ui.t(Text::NoMeetings), ui.theme.dim()));
    }
    let rows = usize::from(area.height.saturating_sub(1));
    let counted = view.data.status.as_ref().and_then(|r| r.held);
    let end = (view.meetings_offset + rows).min(view.data.own.len());
    for i in view.meetings_offset..end {
        let line = meeting_line(
            &view.data.own[i],
            counted,
            view.data.status.as_ref(),
            cols,
            ui,
        );
        lines.push(selectable(line, i == view.cursor, focused, ui));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// The symbol of a meeting in the list: a branch's counted regular meeting by its
/// standing, every other one by its state.
fn meeting_symbol(m: &Meeting, counted: Option<NaiveDate>, row: Option<&ComplianceRow>) -> DayMark {
    match m.state {
        MeetingState::Planned => DayMark::Planned,
        MeetingState::Cancelled => DayMark::Cancelled,
        MeetingState::Held => match row {
            Some(row) if m.kind == MeetingKind::Regular && counted == Some(m.date) => {
                DayMark::of_compliance(row.status).unwrap_or(DayMark::OtherHeld)
            }
            _ => DayMark::OtherHeld,
        },
    }
}

/// "05/12 ○ họp cấp ủy, dự kiến ▲ trùng 14 chi bộ 08:00–10:00 · Hội trường · Tổng kết".
fn meeting_line(
    line: &MeetingLine,
    counted: Option<NaiveDate>,
    row: Option<&ComplianceRow>,
    cols: usize,
    ui: &Ui<'_>,
) -> Line<'static> {
    let m = &line.meeting;
    let mark = meeting_symbol(m, counted, row);
    let mut what = i18n::meeting_kind(ui.lang, m.kind, true).to_string();
    if m.state != MeetingState::Held {
        what = format!("{what}, {}", i18n::meeting_state(ui.lang, m.state));
    } else if m.is_held_without_roll() {
        what = format!("{what}, {}", i18n::without_roll(ui.lang));
    }
    let mut spans = vec![
        Span::raw(format!("{} ", i18n::day_month(ui.lang, m.date))),
        Span::styled(mark.symbol(), mark.style(ui.theme)),
        Span::raw(format!(" {what}")),
    ];
    if !line.clashes.is_empty() {
        spans.push(Span::styled(
            format!(
                " {} {}",
                DayMark::Clash.symbol(),
                i18n::clash_count(ui.lang, line.clashes.len())
            ),
            DayMark::Clash.style(ui.theme),
        ));
    }
    let mut rest = String::new();
    if let Some(time) = i18n::time_span(m.time, m.end_time) {
        rest.push(' ');
        rest.push_str(&time);
    }
    for text in [&m.place, &m.topic].into_iter().flatten() {
        rest.push_str(" · ");
        rest.push_str(&safe(text));
    }
    let used: usize = spans.iter().map(|s| width(&s.content)).sum();
    spans.push(Span::styled(
        fit(&rest, cols.saturating_sub(used + 1)).into_owned(),
        ui.theme.label(),
    ));
    Line::from(spans)
}

/// Everything about the meeting under the cursor, a line each: what and in what state,
/// when, where, on what, who came from above, the day first planned, the clashes.
fn render_details(frame: &mut Frame<'_>, area: Rect, view: &MeetingsView, ui: &Ui<'_>) {
    let own = &view.data.own;
    let Some(line) = own.get(view.cursor) else {
        return;
    };
    let m = &line.meeting;
    let cols = usize::from(area.width);
    let label = |text: Text| Span::styled(format!("{}: ", ui.t(text)), ui.theme.label());
    let mut lines = vec![
        Line::default(),
        Line::styled(
            format!(
                "{} — {}",
                m.kind.label(ui.lang),
                i18n::meeting_state(ui.lang, m.state)
            ),
            ui.theme.title(),
        ),
    ];
    let mut when = format!(
        "{} ({})",
        i18n::date(ui.lang, m.date),
        i18n::weekday(ui.lang, m.date.weekday())
    );
    if let Some(time) = i18n::time_span(m.time, m.end_time) {
        when = format!("{when}, {time}");
    }
    lines.push(Line::raw(when));
    if m.first_planned_day() != m.date {
        lines.push(Line::from(vec![
            label(Text::FirstPlanned),
            Span::raw(i18n::date(ui.lang, m.first_planned_day())),
        ]));
    }
    for (text, value) in [(Text::Place, &m.place), (Text::Topic, &m.topic)] {
        if let Some(value) = value {
            lines.push(Line::from(vec![
                label(text),
                Span::raw(safe(value).into_owned()),
            ]));
        }
    }
    lines.extend(plan_lines(line, ui));
    if !line.guests.is_empty() {
        lines.push(Line::from(vec![
            label(Text::Guests),
            Span::raw(safe(&line.guests.join(", ")).into_owned()),
        ]));
    }
    if !line.clashes.is_empty() {
        let names: Vec<String> = line.clashes.iter().map(|c| c.branch.name.clone()).collect();
        lines.push(Line::styled(
            format!(
                "{} {}: {}",
                DayMark::Clash.symbol(),
                i18n::clash_count(ui.lang, names.len()),
                safe(&names.join(", "))
            ),
            DayMark::Clash.style(ui.theme),
        ));
    }
    let lines: Vec<Line<'static>> = lines
        .into_iter()
        .map(|l| {
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            if width(&text) <= cols {
                l
            } else {
                Line::styled(fit(&text, cols).into_owned(), l.style)
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// A meeting's plan beyond its day, place and topic: the agenda, who drafts, when it was
/// sent, its documents.
fn plan_lines(line: &MeetingLine, ui: &Ui<'_>) -> Vec<Line<'static>> {
    let m = &line.meeting;
    let mut lines = Vec::new();
    if !m.agenda.is_empty() {
        lines.push(Line::styled(
            format!("{}:", i18n::prep::agenda_label(ui.lang)),
            ui.theme.label(),
        ));
        for (i, item) in m.agenda.iter().enumerate() {
            lines.push(Line::raw(format!("  {}. {}", i + 1, safe(item))));
        }
    }
    if let Some(name) = &line.drafter {
        lines.push(Line::raw(i18n::prep::drafter_line(ui.lang, &safe(name))));
    }
    if let Some(at) = m.sent_at {
        lines.push(Line::styled(
            i18n::prep::sent_line(ui.lang, at),
            ui.theme.good(),
        ));
    }
    if !m.documents.is_empty() {
        lines.push(Line::styled(
            format!("{}:", i18n::prep::documents_label(ui.lang)),
            ui.theme.label(),
        ));
        for doc in &m.documents {
            lines.push(Line::raw(format!(
                "  {}",
                i18n::prep::document_line(ui.lang, doc.no, &safe(&doc.name), doc.size)
            )));
        }
    }
    lines
}

/// Columns of the list of units.
struct UnitColumns {
    name: usize,
    code: usize,
    thematic: bool,
}

const DAY: usize = 6;
/// Units shown before the line about the one under the cursor takes a row.
const MIN_UNIT_ROWS: u16 = 3;
/// The plan mark and the flag mark of a branch, before its due day: " ✓⚑".
const MARKS: usize = 3;
/// The longest short status words ("out of rule").
const STATUS_SHORT: usize = 11;
/// The longest status words ("họp ngoài quy định").
const STATUS_LONG: usize = 18;

impl UnitColumns {
    fn of(view: &MeetingsView, cols: usize, ui: &Ui<'_>) -> UnitColumns {
        let wide = cols >= 100;
        let code = if wide {
            view.visible_units()
                .map(|u| width(&safe(&u.org.code)))
                .max()
                .unwrap_or(0)
                .max(width(ui.t(Text::Code)))
        } else {
            0
        };
        // Marker, plan and flag marks, due day, held day, the status symbol and its
        // shortest words.
        let branches = view
            .visible_units()
            .any(|u| matches!(u.standing, Standing::Branch(_)));
        let fixed = 1
            + if branches { MARKS } else { 0 }
            + (DAY + 1) * 2
            + 2
            + if wide {
                STATUS_LONG + 2 + code + 1 + 28
            } else {
                STATUS_SHORT
            };
        let widest = view
            .visible_units()
            .map(|u| width(&safe(&u.org.name)))
            .max()
            .unwrap_or(0);
        UnitColumns {
            name: widest.min(cols.saturating_sub(fixed)).max(10),
            code,
            thematic: wide,
        }
    }

    fn heading(&self, view: &MeetingsView, ui: &Ui<'_>) -> String {
        let mut text = format!(" {}", pad(ui.t(Text::ColName), self.name));
        if self.code > 0 {
            text.push_str(&format!(" {}", pad(ui.t(Text::Code), self.code)));
        }
        let branches = view
            .visible_units()
            .any(|u| matches!(u.standing, Standing::Branch(_)));
        if !branches {
            // Only committees below: each with its branches counted.
            text.push_str(&format!(" {}", ui.t(Text::BranchesByStatus)));
            return text;
        }
        text.push_str(&format!(
            " {} {} {} {}",
            pad(i18n::prep::plan_column(ui.lang), MARKS - 1),
            pad(ui.t(Text::ColDue), DAY),
            pad(ui.t(Text::ColHeld), DAY),
            ui.t(Text::ColStatus)
        ));
        if self.thematic
            && let Some(quarter) = view.visible_units().find_map(|u| match &u.standing {
                Standing::Branch(row) => Some(row.quarter),
                Standing::Committee(_) => None,
            })
        {
            // Aligned after the longest status words.
            let shown = width(ui.t(Text::ColStatus));
            text.push_str(&" ".repeat((STATUS_LONG + 3).saturating_sub(shown) + 1));
            text.push_str(&format!("{} {quarter}", ui.t(Text::ColThematic)));
        }
        text
    }

    fn row(&self, unit: &Unit, cols: usize, ui: &Ui<'_>) -> Line<'static> {
        let mut spans = vec![Span::raw(pad(&safe(&unit.org.name), self.name))];
        if self.code > 0 {
            spans.push(Span::styled(
                format!(" {}", pad(&safe(&unit.org.code), self.code)),
                ui.theme.label(),
            ));
        }
        match &unit.standing {
            Standing::Branch(row) => {
                spans.extend(prep_marks(unit.prep.as_ref(), ui));
                let due = row
                    .due
                    .map(|d| i18n::day_month(ui.lang, d))
                    .unwrap_or_default();
                // Still upcoming, but planned for a day past its grace: said, in the
                // colour of a month missed, not left to read as on course.
                let late_plan = row.held.is_none()
                    && row.status == Compliance::Upcoming
                    && row
                        .due
                        .zip(unit.planned_day())
                        .is_some_and(|(due, day)| planned_past_grace(due, row.grace, day));
                let (held, held_style) = match (row.held, unit.planned_day()) {
                    (Some(day), _) => (i18n::day_month(ui.lang, day), Style::new()),
                    (None, Some(day)) => (
                        format!(
                            "{}{}",
                            DayMark::Planned.symbol(),
                            i18n::day_month(ui.lang, day)
                        ),
                        match late_plan {
                            true => ui.theme.bad(),
                            false => DayMark::Planned.style(ui.theme),
                        },
                    ),
                    (None, None) => (String::new(), Style::new()),
                };
                spans.push(Span::raw(format!(" {}", pad(&due, DAY))));
                spans.push(Span::styled(format!(" {}", pad(&held, DAY)), held_style));
                let words = match late_plan {
                    true => i18n::planned_past_grace(ui.lang, !self.thematic),
                    false => i18n::compliance(ui.lang, row.status, !self.thematic),
                };
                let status = format!(" {} {}", status_symbol(row.status), words);
                let style = match late_plan {
                    true => ui.theme.bad(),
                    false => status_style(row.status, ui),
                };
                if self.thematic {
                    spans.push(Span::styled(pad(&status, STATUS_LONG + 4), style));
                    spans.push(Span::styled(
                        i18n::thematic(ui.lang, row.thematic),
                        thematic_style(row.thematic, ui),
                    ));
                } else {
                    let used: usize = 1 + spans.iter().map(|s| width(&s.content)).sum::<usize>();
                    let status = fit(&status, cols.saturating_sub(used)).into_owned();
                    spans.push(Span::styled(status, style));
                }
            }
            Standing::Committee(counts) => {
                spans.push(Span::styled(
                    format!(" {}", i18n::branches_counted(ui.lang, counts.branches())),
                    ui.theme.label(),
                ));
                spans.extend(count_spans(counts, ui));
            }
        }
        Line::from(spans)
    }
}

/// " ✓⚑": the plan of the month by its mark, and a flag when anything is flagged.
fn prep_marks(prep: Option<&BranchStatus>, ui: &Ui<'_>) -> Vec<Span<'static>> {
    let Some(prep) = prep else {
        return vec![Span::raw(" ".repeat(MARKS))];
    };
    let mark = PlanMark::of(prep, ui.today);
    let flag = if prep.flags.is_empty() {
        Span::raw(" ")
    } else {
        Span::styled(i18n::prep::FLAG, ui.theme.bad())
    };
    vec![
        Span::raw(" "),
        Span::styled(mark.symbol(), mark.style(ui.theme)),
        flag,
    ]
}

/// Under the list, in at most `rows` rows: the plan and flags of the branch under the
/// cursor, in words. The branch's name leads when everything fits with it; the cursor's
/// row names it already, so the name goes first when room is short.
fn selected_unit_lines(
    view: &MeetingsView,
    cols: usize,
    rows: usize,
    ui: &Ui<'_>,
) -> Vec<Line<'static>> {
    let Some(unit) = view.selected_unit_full() else {
        return Vec::new();
    };
    let Some(prep) = &unit.prep else {
        return Vec::new();
    };
    let line = plan_and_flags(prep, view.data.month, ui);
    let name = format!("{}  ", safe(&unit.org.name));
    let named =
        std::iter::once(Span::styled(name, ui.theme.title())).chain(line.spans.iter().cloned());
    let lines = flow(words_of(named), cols, 1);
    if lines.len() <= rows {
        return lines;
    }
    let mut lines = flow(words_of(line.spans.into_iter()), cols, 1);
    if lines.len() > rows && rows > 0 {
        // The last row takes the rest, cut with "…", in the flags' colour.
        let rest: Vec<String> = lines
            .drain(rows - 1..)
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        lines.push(Line::styled(
            fit(&rest.join(" "), cols).into_owned(),
            ui.theme.bad(),
        ));
    }
    lines
}

/// Spans broken into their words, each keeping its span's style, to be flowed into rows.
/// Two spaces that set a span apart stay two: an empty word stands for the second.
fn words_of(spans: impl Iterator<Item = Span<'static>>) -> Vec<Vec<Span<'static>>> {
    let mut words = Vec::new();
    for span in spans {
        let style = span.style;
        if span.content.starts_with("  ") {
            words.push(Vec::new());
        }
        words.extend(styled_words(&span.content, style));
        if span.content.ends_with("  ") {
            words.push(Vec::new());
        }
    }
    words
}

fn thematic_style(thematic: Thematic, ui: &Ui<'_>) -> Style {
    match thematic {
        Thematic::Held(_) => ui.theme.good(),
        Thematic::Missed => ui.theme.bad(),
        Thematic::Open | Thematic::NotDue => ui.theme.label(),
    }
}

impl MeetingsView {
    pub(super) fn visible_units(&self) -> impl Iterator<Item = &Unit> {
        let rows = self.areas().unit_rows();
        (self.units_offset..(self.units_offset + rows).min(self.data.units.len()))
            .filter_map(|i| self.data.units.get(i))
    }
}

fn render_units(
    frame: &mut Frame<'_>,
    area: Rect,
    view: &MeetingsView,
    focused: bool,
    ui: &Ui<'_>,
) {
    let cols = usize::from(area.width);
    let title = format!("{} ({})", ui.t(Text::UnitsTitle), view.data.units.len());
    let mut lines = vec![Line::styled(title, ui.theme.title())];
    if view.data.units.is_empty() {
        lines.push(Line::styled(ui.t(Text::NoUnits), ui.theme.dim()));
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    let columns = UnitColumns::of(view, cols, ui);
    lines.push(Line::styled(
        fit(&columns.heading(view, ui), cols).into_owned(),
        ui.theme.column_header(),
    ));
    let own = view.data.own.len();
    for (i, unit) in view.visible_units().enumerate() {
        let index = own + view.units_offset + i;
        lines.push(selectable(
            columns.row(unit, cols, ui),
            index == view.cursor,
            focused,
            ui,
        ));
    }
    let areas = view.areas();
    let line_rows = areas.unit_line_rows();
    if line_rows > 0 {
        lines.resize(2 + areas.unit_rows(), Line::default());
        lines.extend(selected_unit_lines(view, cols, line_rows, ui));
    }
    frame.render_widget(Paragraph::new(lines), area);
}
