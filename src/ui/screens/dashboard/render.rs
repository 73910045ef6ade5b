//! Drawing the dashboard: the node's numbers and trend on the left, the units below it (or
//! a branch's months) on the right. Everything is text and symbols, so it reads the same
//! without colour.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Padding, Paragraph};

use super::DashboardView;
use super::data::{Band, Below, Ranked, RowDetail, Shares, graded_year};
use crate::domain::{ClassificationConfig, Compliance, MemberStatus, MonthStats, YearMonth};
use crate::ui::cells::{fit, flow, pad, pad_left, safe, styled_words, width};
use crate::ui::i18n::{self, dashboard as words};
use crate::ui::screens::calendar::{DayMark, status_symbol};
use crate::ui::screens::{Ui, pane, position, selectable};

/// Where the two panes go, from the body's size alone: `update` (paging) and `render`
/// compute it the same way.
pub(super) struct Areas {
    left: Rect,
    right: Rect,
}

impl Areas {
    pub(super) fn of(body: Rect) -> Areas {
        // The numbers need about 36 columns; a wide terminal gives the list the rest.
        let left_width = if body.width >= 120 { 60 } else { 36 };
        let [left, right] =
            Layout::horizontal([Constraint::Length(left_width), Constraint::Min(1)]).areas(body);
        Areas { left, right }
    }

    /// Rows of the list: the pane less its borders and the column headings.
    pub(super) fn list_rows(&self) -> usize {
        usize::from(self.right.height.saturating_sub(3)).max(1)
    }
}

/// Draws the whole screen in `body`.
pub fn render(frame: &mut Frame<'_>, body: Rect, view: &DashboardView, focused: bool, ui: &Ui<'_>) {
    let areas = Areas::of(body);
    render_numbers(frame, areas.left, view, ui);
    render_list(frame, areas.right, view, focused, ui);
}

fn render_numbers(frame: &mut Frame<'_>, area: Rect, view: &DashboardView, ui: &Ui<'_>) {
    let title = format!(
        " {} ",
        words::title(ui.lang, &i18n::month(ui.lang, view.data.month))
    );
    // No padding: the narrowest pane needs every column (the calendar's pane has none
    // either).
    let block = pane(title, false, ui);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let cols = usize::from(inner.width);
    let wide = cols >= 50;
    let bar_height = if inner.height >= 40 { 4 } else { 1 };
    let mut trend = trend_lines(view, cols, bar_height, wide, ui);
    let numbers = number_lines(view, cols, wide, ui);
    // On a short pane the numbers go before the trend's heading (its twelve months are
    // the twelve before the one in the title).
    if numbers.len() + trend.len() > usize::from(inner.height) && !trend.is_empty() {
        trend.remove(0);
    }
    let [top, bottom] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(trend.len() as u16)]).areas(inner);
    frame.render_widget(Paragraph::new(numbers), top);
    frame.render_widget(Paragraph::new(trend), bottom);
}

/// The month's numbers, then the classification and the quotas.
fn number_lines(view: &DashboardView, cols: usize, wide: bool, ui: &Ui<'_>) -> Vec<Line<'static>> {
    let mut lines = match &view.data.stats {
        Some(stats) => month_lines(stats, view.today(), cols, ui),
        None => wrap(words::no_records(ui.lang), ui.theme.dim(), cols),
    };
    lines.extend(grade_lines(view, cols, ui));
    lines.extend(quota_lines(view, cols, wide, ui));
    lines
}

fn month_lines(
    stats: &MonthStats,
    today: NaiveDate,
    cols: usize,
    ui: &Ui<'_>,
) -> Vec<Line<'static>> {
    let lang = ui.lang;
    let mut lines = wrap(
        &words::branches(lang, stats.branches_due(), stats.held()),
        Style::new(),
        cols,
    );
    // On time and overdue always; the others when some branch stands so.
    let shown = |c: Compliance| match c {
        Compliance::OnTime | Compliance::Overdue => true,
        Compliance::NotDue => false,
        other => stats.count(other, today) > 0,
    };
    let statuses: Vec<Vec<Span<'static>>> = Compliance::ALL
        .iter()
        .filter(|c| shown(**c))
        .map(|c| {
            let style = DayMark::of_compliance(*c).map_or(ui.theme.dim(), |m| m.style(ui.theme));
            vec![Span::styled(
                format!(
                    "{} {} {}",
                    status_symbol(*c),
                    i18n::compliance(lang, *c, true),
                    stats.count(*c, today)
                ),
                style,
            )]
        })
        .collect();
    lines.extend(flow(statuses, cols, 2));
    lines.extend(wrap(
        &words::meetings(lang, stats.meetings_held, stats.thematic_held),
        Style::new(),
        cols,
    ));
    let rate = words::percent_tenths(lang, stats.attendance_rate());
    let attendance = match stats.expected() == 0 && stats.meetings_without_roll > 0 {
        true => words::attendance_unrolled(lang).to_string(),
        false => words::attendance(lang, &rate, stats.present, stats.expected()),
    };
    lines.extend(wrap(&attendance, ui.theme.title(), cols));
    let marks = words::marks(lang, stats);
    lines.extend(flow(
        marks.into_iter().map(|m| vec![Span::raw(m)]).collect(),
        cols,
        2,
    ));
    // Preparation and discipline (Guidance 42, Statute art. 8.1): plans sent in time, plans
    // and documents late or missing, and members absent without permission three months
    // this year.
    let prepared = words::preparation(lang, stats, today);
    lines.extend(flow(
        prepared.into_iter().map(|m| vec![Span::raw(m)]).collect(),
        cols,
        2,
    ));
    lines.extend(member_lines(stats, cols, ui));
    lines
}

/// "Đảng viên 1453: đang SH 1327 · miễn SH 125 …" — the statuses anyone has.
fn member_lines(stats: &MonthStats, cols: usize, ui: &Ui<'_>) -> Vec<Line<'static>> {
    let on_roll: u32 = MemberStatus::ALL
        .iter()
        .filter(|s| s.on_roll())
        .map(|s| stats.members_with(*s))
        .sum();
    let mut items: Vec<Vec<Span<'static>>> = Vec::new();
    for status in MemberStatus::ALL {
        let n = stats.members_with(*status);
        if n == 0 {
            continue;
        }
        let word = match status {
            MemberStatus::Active => words::active(ui.lang),
            other => i18n::status(ui.lang, *other, true),
        };
        items.push(vec![Span::raw(format!("{word} {n}"))]);
    }
    // The total leads the first status, one space apart.
    let total = Span::styled(
        format!("{} ", words::members(ui.lang, on_roll)),
        ui.theme.label(),
    );
    match items.first_mut() {
        Some(first) => first.insert(0, total),
        None => items.push(vec![total]),
    }
    flow(items, cols, 2)
}

/// The node's own grade, and for a committee the share of its units good or better
/// against the target.
fn grade_lines(view: &DashboardView, cols: usize, ui: &Ui<'_>) -> Vec<Line<'static>> {
    let year = graded_year(view.today());
    let facts = &view.facts;
    // The node's own grade comes first, naming the year the share below is of.
    let own = facts.own_grade.map(|c| (c.grade, c.score));
    let short = cols < 50;
    let mut lines = wrap(
        &words::own_grade(ui.lang, year, own, short),
        Style::new(),
        cols,
    );
    let Some(tally) = &facts.grades else {
        return lines;
    };
    let counts = &tally.counts;
    let config = ClassificationConfig::default();
    // Tenths: 11 of 13 is 84.6%, below an 85% target, and must not read as 85%.
    let pct = words::percent_tenths(ui.lang, counts.share());
    let share = words::share(
        ui.lang,
        tally.units,
        counts.good_or_better(),
        counts.graded(),
        &pct,
    );
    let mut items: Vec<Vec<Span<'static>>> = styled_words(&share, Style::new()).collect();
    if let Some(met) = counts.meets(&config) {
        let style = if met { ui.theme.good() } else { ui.theme.bad() };
        items.push(vec![Span::styled(
            words::target(ui.lang, met, config.target_percent),
            style,
        )]);
    }
    if counts.ungraded > 0 {
        items.push(vec![Span::styled(
            words::ungraded(ui.lang, counts.ungraded),
            ui.theme.dim(),
        )]);
    }
    lines.extend(flow_words(items, cols));
    lines
}

/// The node's own committee members' visits against their quotas: a count, and on a wide
/// pane one line each.
fn quota_lines(view: &DashboardView, cols: usize, wide: bool, ui: &Ui<'_>) -> Vec<Line<'static>> {
    let rows = &view.facts.quotas;
    if rows.is_empty() {
        return Vec::new();
    }
    let behind = rows.iter().filter(|r| r.standing.behind).count();
    let style = if behind > 0 {
        ui.theme.bad()
    } else {
        ui.theme.good()
    };
    let mut lines = wrap(&words::quotas(ui.lang, rows.len(), behind), style, cols);
    if wide {
        for row in rows {
            let s = &row.standing;
            let made = match s.quota {
                crate::domain::oversight::Quota::BranchesPerYear(_) => {
                    i18n::branch_count(ui.lang, s.made, Some(s.due_so_far))
                }
                crate::domain::oversight::Quota::EveryMonthAtAssigned => {
                    i18n::months_count(ui.lang, s.made, Some(s.due_so_far))
                }
            };
            let mark = if s.behind { "✗" } else { "✓" };
            let text = format!(
                " {mark} {} ({}) {made}",
                safe(&row.member.name),
                i18n::role_short(ui.lang, row.role.role)
            );
            lines.push(Line::raw(fit(&text, cols).into_owned()));
        }
    }
    lines
}

/// The twelve months of attendance and on-time share as bars, then the heat map's legend.
fn trend_lines(
    view: &DashboardView,
    cols: usize,
    height: usize,
    wide: bool,
    ui: &Ui<'_>,
) -> Vec<Line<'static>> {
    let trend = &view.data.trend;
    let today = view.today();
    let (Some(first), Some(last)) = (trend.first(), trend.last()) else {
        return Vec::new();
    };
    let month = |m: YearMonth| words::month(ui.lang, m);
    let mut lines = vec![Line::styled(
        fit(
            &words::trend(ui.lang, &month(first.0), &month(last.0)),
            cols,
        )
        .into_owned(),
        ui.theme.label(),
    )];
    let shares: Vec<Option<Shares>> = trend
        .iter()
        .map(|(_, s)| s.as_ref().map(|s| Shares::of(s, today)))
        .collect();
    let cell = if wide { 4 } else { 1 };
    let series: [(&str, Vec<Option<f64>>); 2] = [
        (
            words::rate_label(ui.lang),
            shares.iter().map(|s| s.and_then(|s| s.rate)).collect(),
        ),
        (
            words::in_time_label(ui.lang),
            shares.iter().map(|s| s.and_then(|s| s.in_time)).collect(),
        ),
    ];
    let covered: Vec<bool> = trend.iter().map(|(_, s)| s.is_some()).collect();
    for (label, values) in &series {
        lines.extend(series_lines(
            label,
            values,
            &covered,
            (cell, height),
            cols,
            ui,
        ));
    }
    if wide {
        let axis: String = trend
            .iter()
            .map(|(m, _)| pad(&format!("{}", m.month()), cell))
            .collect();
        lines.push(Line::styled(
            format!("{}{axis}", " ".repeat(LABEL)),
            ui.theme.dim(),
        ));
    }
    let legend: Vec<Vec<Span<'static>>> = words::legend(ui.lang)
        .iter()
        .map(|item| vec![Span::raw(*item)])
        .collect();
    lines.extend(flow(legend, cols, 1));
    if wide {
        lines.extend(wrap(words::heat_note(ui.lang), ui.theme.dim(), cols));
    }
    lines
}

/// Columns of a series' label.
const LABEL: usize = 10;

/// One series: `height` rows of bars, `cell` columns a month, its label on the first row,
/// the last month's value and the lowest and highest after the bars when they fit; on a
/// wide pane the value of every month under its bar.
fn series_lines(
    label: &str,
    values: &[Option<f64>],
    covered: &[bool],
    (cell, height): (usize, usize),
    cols: usize,
    ui: &Ui<'_>,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for row in 0..height {
        let bars: String = values
            .iter()
            .zip(covered)
            .map(|(v, covered)| {
                let symbol = bar(*v, *covered, row, height);
                pad(&symbol.repeat(cell.saturating_sub(1).max(1)), cell)
            })
            .collect();
        let head = if row == 0 { label } else { "" };
        let mut text = format!("{}{bars}", pad(head, LABEL));
        if row + 1 == height && cell == 1 {
            let known: Vec<f64> = values.iter().flatten().copied().collect();
            let last = words::percent(values.last().copied().flatten());
            let mut tail = format!(" {last}");
            if let (Some(lo), Some(hi)) = (
                known.iter().copied().reduce(f64::min),
                known.iter().copied().reduce(f64::max),
            ) {
                let range = format!(" ({}–{})", (lo * 100.0).round(), words::percent(Some(hi)));
                if width(&text) + width(&tail) + width(&range) <= cols {
                    tail.push_str(&range);
                }
            }
            text.push_str(&tail);
        }
        lines.push(Line::raw(fit(&text, cols).into_owned()));
    }
    if cell > 1 {
        let numbers: String = values
            .iter()
            .map(|v| {
                let n = v.map_or("—".to_string(), |v| format!("{:.0}", v * 100.0));
                pad(&n, cell)
            })
            .collect();
        lines.push(Line::styled(
            fit(&format!("{}{numbers}", " ".repeat(LABEL)), cols).into_owned(),
            ui.theme.dim(),
        ));
    }
    lines
}

/// The symbol of one row of a bar `height` rows tall for a share: eighths of a block, the
/// bottom row never empty for a share above zero and "_" for a share of zero; "·" for a
/// month with nothing to judge, blank for one without records.
fn bar(value: Option<f64>, covered: bool, row: usize, height: usize) -> &'static str {
    const EIGHTHS: [&str; 9] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];
    let bottom = row + 1 == height;
    let Some(v) = value else {
        return if bottom && covered { "·" } else { " " };
    };
    // A share of nothing is a floor, never a blank: blank is a month without records.
    if v <= 0.0 {
        return if bottom { "_" } else { " " };
    }
    let total = (v.clamp(0.0, 1.0) * (height * 8) as f64).round() as usize;
    let total = total.max(1);
    let below = (height - 1 - row) * 8;
    EIGHTHS[total.saturating_sub(below).min(8)]
}

/// Words laid out as a sentence: one space apart, wrapping between words.
fn flow_words(items: Vec<Vec<Span<'static>>>, cols: usize) -> Vec<Line<'static>> {
    flow(items, cols, 1)
}

/// A sentence in `style`, wrapped between its words.
fn wrap(text: &str, style: Style, cols: usize) -> Vec<Line<'static>> {
    flow_words(styled_words(text, style).collect(), cols)
}

fn render_list(
    frame: &mut Frame<'_>,
    area: Rect,
    view: &DashboardView,
    focused: bool,
    ui: &Ui<'_>,
) {
    let title = match &view.data.below {
        Below::Units { ranked, .. } => words::units_title(ui.lang, ranked.len()),
        Below::Months => words::months_title(ui.lang).to_string(),
    };
    let block = pane(format!(" {title} "), focused, ui)
        .padding(Padding::horizontal(1))
        .title_bottom(position(view.cursor(), view.data.rows(), ui));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let cols = usize::from(inner.width);
    let rows = usize::from(inner.height.saturating_sub(1));
    let end = (view.offset + rows).min(view.data.rows());
    let mut lines = Vec::new();
    match &view.data.below {
        Below::Units { ranked, details } => {
            let columns = UnitColumns::of(cols);
            let months: Vec<YearMonth> = view.data.trend.iter().map(|(m, _)| *m).collect();
            lines.push(columns.heading(&months, ui));
            if ranked.is_empty() {
                lines.push(Line::styled(
                    ui.t(i18n::Text::NoUnits).to_string(),
                    ui.theme.dim(),
                ));
            }
            for (i, unit) in ranked.iter().enumerate().take(end).skip(view.offset) {
                let line = columns.row(unit, details.get(&i), view.today(), ui);
                lines.push(selectable(line, i == view.cursor(), focused, ui));
            }
        }
        Below::Months => {
            let columns = MonthColumns::of(cols);
            lines.push(columns.heading(ui));
            for i in view.offset..end {
                let Some((month, stats)) = view.data.trend.iter().rev().nth(i) else {
                    continue;
                };
                let line = columns.row(*month, stats.as_ref(), view.today(), ui);
                lines.push(selectable(line, i == view.cursor(), focused, ui));
            }
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// A name without the words every sibling shares ("Đảng ủy phường Hồng Gai" →
/// "phường Hồng Gai", "Chi bộ khu 2" → "khu 2"), for a narrow column.
fn short_name(name: &str) -> &str {
    ["Đảng ủy ", "Đảng uỷ ", "Chi bộ "]
        .iter()
        .find_map(|prefix| name.strip_prefix(prefix))
        .filter(|rest| !rest.is_empty())
        .unwrap_or(name)
}

const NAME: usize = 44;
/// Wide enough for "100%?" and a space before it.
const RATE: usize = 6;
const IN_TIME: usize = 6;
const DUE: usize = 9;
const OVERDUE: usize = 8;
const PRESENT: usize = 12;
const GRADE: usize = 11;

/// Columns of the list of units: the wide ones only when the pane has room.
struct UnitColumns {
    name: usize,
    wide: bool,
    /// Columns of a month in the heat map.
    cell: usize,
}

impl UnitColumns {
    fn of(cols: usize) -> UnitColumns {
        let months = super::TREND_MONTHS;
        // One column for the cursor's marker, one before the heat map.
        let fixed = 2 + RATE + IN_TIME + months;
        let wide_fixed = 2 + RATE + IN_TIME + DUE + OVERDUE + PRESENT + GRADE + 3 * months;
        let wide = cols >= wide_fixed + 30;
        // A wide pane's names need no more than this; the rest stays blank.
        let name = cols
            .saturating_sub(if wide { wide_fixed } else { fixed })
            .min(NAME);
        let cell = if wide { 3 } else { 1 };
        UnitColumns { name, wide, cell }
    }

    /// The headings; over a wide heat map, the number of each month.
    fn heading(&self, months: &[YearMonth], ui: &Ui<'_>) -> Line<'static> {
        let h = words::headings(ui.lang);
        let mut text = format!(" {}", pad(h.name, self.name));
        if self.wide {
            text.push_str(&pad_left(h.due, DUE));
            text.push_str(&pad_left(h.overdue, OVERDUE));
            text.push_str(&pad_left(h.present, PRESENT));
        }
        text.push_str(&pad_left(h.rate, RATE));
        text.push_str(&pad_left(h.in_time, IN_TIME));
        if self.wide {
            text.push_str(&format!(" {}", pad(h.grade, GRADE - 1)));
            let numbers: String = months
                .iter()
                .map(|m| pad(&m.month().to_string(), self.cell))
                .collect();
            text.push_str(&format!(" {numbers}"));
        } else {
            text.push_str(&format!(" {}", h.heat));
        }
        Line::styled(text, ui.theme.column_header())
    }

    fn row(
        &self,
        unit: &Ranked,
        detail: Option<&RowDetail>,
        today: NaiveDate,
        ui: &Ui<'_>,
    ) -> Line<'static> {
        let name = detail.map_or("…".to_string(), |d| {
            let name = safe(&d.org.name).into_owned();
            let mut name = match self.wide {
                true => name,
                false => short_name(&name).to_string(),
            };
            // A unit dissolved since still answers for its months before, and says so.
            if d.org.dissolved.is_some() {
                name.push(' ');
                name.push_str(ui.t(i18n::Text::Dissolved));
            }
            name
        });
        let band = Band::of(Some(&unit.stats), today);
        let stats = &unit.stats;
        let mut spans = vec![Span::raw(pad(&name, self.name))];
        if self.wide {
            spans.push(Span::raw(pad_left(&stats.branches_due().to_string(), DUE)));
            spans.push(Span::raw(pad_left(
                &stats.overdue(today).to_string(),
                OVERDUE,
            )));
            spans.push(Span::raw(pad_left(
                &format!("{}/{}", stats.present, stats.expected()),
                PRESENT,
            )));
        }
        spans.push(Span::styled(
            pad_left(&rate_cell(unit.shares.rate, stats), RATE),
            band_style(band, ui),
        ));
        spans.push(Span::styled(
            pad_left(&words::percent(unit.shares.in_time), IN_TIME),
            band_style(band, ui),
        ));
        if self.wide {
            let grade = detail
                .and_then(|d| d.grade)
                .map_or("—", |c| c.grade.label(ui.lang, true));
            spans.push(Span::raw(format!(" {}", pad(grade, GRADE - 1))));
        }
        let heat: String = detail.map_or(String::new(), |d| {
            d.months
                .iter()
                .map(|m| {
                    let symbol = Band::of(m.as_ref(), today).symbol();
                    pad(
                        &symbol.repeat(self.cell.saturating_sub(1).max(1)),
                        self.cell,
                    )
                })
                .collect()
        });
        spans.push(Span::raw(format!(" {heat}")));
        Line::from(spans)
    }
}

/// An attendance rate, "?" after it when a meeting it leaves out was held without a
/// roll-call: "91%?", "—?".
fn rate_cell(rate: Option<f64>, stats: &MonthStats) -> String {
    let mut cell = words::percent(rate);
    if stats.meetings_without_roll > 0 {
        cell.push_str(words::UNROLLED);
    }
    cell
}

/// A band's style: colour only repeats what the symbol and the number say.
fn band_style(band: Band, ui: &Ui<'_>) -> Style {
    match band {
        Band::High => ui.theme.good(),
        Band::Fair => ui.theme.fair(),
        Band::Low | Band::Poor => ui.theme.bad(),
        Band::Nothing | Band::NoRecords => ui.theme.dim(),
    }
}

const MONTH: usize = 9;
const STATUS: usize = 14;
const MONTH_PRESENT: usize = 9;

/// Columns of a branch's months.
struct MonthColumns {
    cols: usize,
}

impl MonthColumns {
    fn of(cols: usize) -> MonthColumns {
        MonthColumns { cols }
    }

    fn heading(&self, ui: &Ui<'_>) -> Line<'static> {
        let h = words::headings(ui.lang);
        let text = format!(
            " {}{}{}{}",
            pad(h.month, MONTH),
            pad(h.status, STATUS),
            pad_left(h.rate, RATE),
            pad_left(h.present, MONTH_PRESENT)
        );
        Line::styled(fit(&text, self.cols).into_owned(), ui.theme.column_header())
    }

    fn row(
        &self,
        month: YearMonth,
        stats: Option<&MonthStats>,
        today: NaiveDate,
        ui: &Ui<'_>,
    ) -> Line<'static> {
        let mut spans = vec![Span::raw(pad(&words::month(ui.lang, month), MONTH))];
        let Some(stats) = stats else {
            spans.push(Span::styled(words::not_covered(ui.lang), ui.theme.dim()));
            return Line::from(spans);
        };
        let status = branch_status(stats, today);
        let style = DayMark::of_compliance(status).map_or(ui.theme.dim(), |m| m.style(ui.theme));
        spans.push(Span::styled(
            pad(
                &format!(
                    "{} {}",
                    status_symbol(status),
                    i18n::compliance(ui.lang, status, true)
                ),
                STATUS,
            ),
            style,
        ));
        spans.push(Span::raw(pad_left(
            &rate_cell(stats.attendance_rate(), stats),
            RATE,
        )));
        spans.push(Span::raw(pad_left(
            &format!("{}/{}", stats.present, stats.expected()),
            MONTH_PRESENT,
        )));
        Line::from(spans)
    }
}

/// How a branch's own month stands: it is due at most once, so its counts say it.
fn branch_status(stats: &MonthStats, today: NaiveDate) -> Compliance {
    Compliance::ALL
        .iter()
        .copied()
        .find(|c| *c != Compliance::NotDue && stats.count(*c, today) > 0)
        .unwrap_or(Compliance::NotDue)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_fill_by_eighths_and_mark_what_has_no_value() {
        assert_eq!(bar(Some(1.0), true, 0, 1), "█");
        assert_eq!(bar(Some(0.5), true, 0, 1), "▄");
        assert_eq!(bar(Some(0.01), true, 0, 1), "▁");
        assert_eq!(bar(Some(0.0), true, 0, 1), "_");
        assert_eq!(bar(Some(0.0), true, 0, 2), " ");
        assert_eq!(bar(Some(0.0), true, 1, 2), "_");
        assert_eq!(bar(None, true, 0, 1), "·");
        assert_eq!(bar(None, false, 0, 1), " ");
        // Two rows: half fills the bottom one.
        assert_eq!(bar(Some(0.5), true, 0, 2), " ");
        assert_eq!(bar(Some(0.5), true, 1, 2), "█");
    }

    #[test]
    fn names_lose_the_words_siblings_share() {
        assert_eq!(short_name("Đảng ủy phường Hồng Gai"), "phường Hồng Gai");
        assert_eq!(short_name("Chi bộ khu 2"), "khu 2");
        assert_eq!(short_name("Tỉnh ủy Quảng Ninh"), "Tỉnh ủy Quảng Ninh");
        assert_eq!(short_name("Chi bộ "), "Chi bộ ");
    }
}
