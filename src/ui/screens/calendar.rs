//! A month as a grid, Monday first, each day marked with what happens on it: a symbol for
//! every kind of event (so nothing depends on colour), coloured too, with how many when
//! the cells are wide enough; and the legend that explains the symbols.
//!
//! ratatui's `calendar::Monthly` starts its weeks on Sunday, names the days and months in
//! English and gives a day two columns: no room for the symbol each day needs. This grid
//! keeps its idea — a map from days to how they look — and lays the month out the way a
//! Vietnamese wall calendar does.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Ui;
use crate::domain::schedule::WEEKDAYS;
use crate::domain::{Compliance, Lang, YearMonth};
use crate::ui::cells::{pad, width};
use crate::ui::i18n::{self, Text};
use crate::ui::theme::Theme;

/// What happens on a day, most in need of attention first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DayMark {
    /// A committee's planned meeting on a day its branches meet.
    Clash,
    /// A branch's due day passed, grace and all, without its regular meeting.
    Overdue,
    OutOfRule,
    Late,
    Early,
    OnTime,
    Planned,
    /// A branch's due day, nothing held or planned yet: its month is upcoming (its grace
    /// not over), and the legend says so in the same words as the lists.
    Due,
    /// A meeting held that is not a branch's regular meeting of the month.
    OtherHeld,
    Cancelled,
}

impl DayMark {
    pub const ALL: [DayMark; 10] = [
        DayMark::OnTime,
        DayMark::Early,
        DayMark::Late,
        DayMark::OutOfRule,
        DayMark::Overdue,
        DayMark::Due,
        DayMark::Planned,
        DayMark::OtherHeld,
        DayMark::Cancelled,
        DayMark::Clash,
    ];

    /// The mark of a branch's regular meeting of a month, when it has a day to go on.
    pub fn of_compliance(status: Compliance) -> Option<DayMark> {
        match status {
            Compliance::OnTime => Some(DayMark::OnTime),
            Compliance::Early => Some(DayMark::Early),
            Compliance::LateWithinGrace => Some(DayMark::Late),
            Compliance::HeldOutOfRule => Some(DayMark::OutOfRule),
            Compliance::Overdue => Some(DayMark::Overdue),
            Compliance::Upcoming => Some(DayMark::Due),
            Compliance::NotDue => None,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            DayMark::Clash => "▲",
            DayMark::Overdue => "✗",
            DayMark::OutOfRule => "!",
            DayMark::Late => "~",
            DayMark::Early => "«",
            DayMark::OnTime => "✓",
            DayMark::Planned => "○",
            DayMark::Due => "·",
            DayMark::OtherHeld => "●",
            DayMark::Cancelled => "–",
        }
    }

    pub fn style(self, theme: Theme) -> Style {
        match self {
            DayMark::Clash | DayMark::Overdue | DayMark::OutOfRule => theme.bad(),
            DayMark::Late | DayMark::Early => theme.fair(),
            DayMark::OnTime | DayMark::OtherHeld => theme.good(),
            DayMark::Planned => theme.planned(),
            DayMark::Due => theme.label(),
            DayMark::Cancelled => theme.dim(),
        }
    }

    /// What the symbol means, for the legend.
    pub fn words(self, lang: Lang) -> &'static str {
        let status = |c: Compliance| i18n::compliance(lang, c, false);
        match self {
            DayMark::OnTime => status(Compliance::OnTime),
            DayMark::Early => status(Compliance::Early),
            DayMark::Late => status(Compliance::LateWithinGrace),
            DayMark::OutOfRule => status(Compliance::HeldOutOfRule),
            DayMark::Overdue => status(Compliance::Overdue),
            DayMark::Due => status(Compliance::Upcoming),
            DayMark::Planned => Text::MarkPlanned.get(lang),
            DayMark::OtherHeld => Text::MarkOtherHeld.get(lang),
            DayMark::Cancelled => Text::MarkCancelled.get(lang),
            DayMark::Clash => Text::MarkClash.get(lang),
        }
    }
}

/// The symbol of a branch's month in a list; blank when nothing was due.
pub fn status_symbol(status: Compliance) -> &'static str {
    DayMark::of_compliance(status).map_or(" ", DayMark::symbol)
}

/// The marks of every day of a month, each counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DayMarks(BTreeMap<NaiveDate, BTreeMap<DayMark, u32>>);

impl DayMarks {
    pub fn add(&mut self, day: NaiveDate, mark: DayMark) {
        *self.0.entry(day).or_default().entry(mark).or_default() += 1;
    }

    /// Adds every mark of `other`.
    pub fn merge(&mut self, other: &DayMarks) {
        for (day, marks) in &other.0 {
            let mine = self.0.entry(*day).or_default();
            for (mark, count) in marks {
                *mine.entry(*mark).or_default() += count;
            }
        }
    }

    /// The marks of `day`, most urgent first, with how many of each.
    pub fn on(&self, day: NaiveDate) -> Vec<(DayMark, u32)> {
        self.0
            .get(&day)
            .map(|marks| marks.iter().map(|(m, n)| (*m, *n)).collect())
            .unwrap_or_default()
    }

    /// How many of `mark` the month has.
    pub fn count(&self, mark: DayMark) -> u32 {
        self.0.values().filter_map(|marks| marks.get(&mark)).sum()
    }
}

/// Columns each day takes in an area `cols` wide: at least 4 (the day, a symbol, a gap).
pub fn cell_width(cols: u16) -> usize {
    (usize::from(cols) / 7).max(4)
}

/// The Monday that starts the grid of `month`, and how many weeks it shows.
fn weeks_of(month: YearMonth) -> (NaiveDate, usize) {
    let (first, last) = (month.first_day(), month.last_day());
    let monday = first - Days::new(u64::from(first.weekday().num_days_from_monday()));
    let days = (last - monday).num_days() as usize + 1;
    (monday, days.div_ceil(7))
}

/// Rows the grid of `month` takes: the weekday headings and one row a week, or a blank
/// row after each week when `roomy`.
pub fn grid_height(month: YearMonth, roomy: bool) -> u16 {
    let weeks = weeks_of(month).1 as u16;
    1 + if roomy { weeks * 2 } else { weeks }
}

/// Draws the grid of `month` at the top of `area`; `roomy` leaves a row between weeks.
pub fn render_grid(
    frame: &mut Frame<'_>,
    area: Rect,
    month: YearMonth,
    marks: &DayMarks,
    roomy: bool,
    ui: &Ui<'_>,
) {
    let (monday, weeks) = weeks_of(month);
    let cell = cell_width(area.width);
    let wide = cell >= 10;
    let heading: String = WEEKDAYS
        .iter()
        .map(|w| pad(i18n::weekday_heading(ui.lang, *w, wide), cell))
        .collect();
    let mut lines = vec![Line::styled(heading, ui.theme.column_header())];
    for week in 0..weeks {
        let spans: Vec<Span<'static>> = (0..7)
            .flat_map(|i| {
                let day = monday + Days::new((week * 7 + i) as u64);
                day_cell(day, month, marks, cell, ui)
            })
            .collect();
        lines.push(Line::from(spans));
        if roomy {
            lines.push(Line::default());
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// One day: its number right-aligned in two columns, then its marks as far as they fit
/// (with counts when the cell is wide), a `+` when some do not, and a gap.
fn day_cell(
    day: NaiveDate,
    month: YearMonth,
    marks: &DayMarks,
    cell: usize,
    ui: &Ui<'_>,
) -> Vec<Span<'static>> {
    if !month.contains(day) {
        return vec![Span::raw(" ".repeat(cell))];
    }
    let number_style = if day == ui.today {
        ui.theme.today()
    } else if day.weekday() == Weekday::Sun {
        ui.theme.label()
    } else {
        Style::new()
    };
    let mut spans = vec![Span::styled(format!("{:>2}", day.day()), number_style)];
    let with_counts = cell >= 8;
    // Two columns for the number and one for the gap after the cell.
    let mut room = cell - 3;
    for (mark, count) in marks.on(day) {
        let mut piece = String::new();
        if with_counts {
            piece.push(' ');
        }
        piece.push_str(mark.symbol());
        if with_counts && count > 1 {
            piece.push_str(&count.to_string());
        }
        let cost = width(&piece);
        if cost > room {
            if room > 0 {
                spans.push(Span::styled("+", ui.theme.label()));
                room -= 1;
            }
            break;
        }
        room -= cost;
        spans.push(Span::styled(piece, mark.style(ui.theme)));
    }
    spans.push(Span::raw(" ".repeat(room + 1)));
    spans
}

/// The legend: every mark with its symbol, in as many columns as fit in `cols`.
pub fn legend(cols: usize, ui: &Ui<'_>) -> Vec<Line<'static>> {
    let entries: Vec<(DayMark, String)> = DayMark::ALL
        .iter()
        .map(|m| (*m, format!("{} {}", m.symbol(), m.words(ui.lang))))
        .collect();
    let widest = entries.iter().map(|(_, t)| width(t)).max().unwrap_or(1) + 2;
    let per_line = (cols / widest).max(1);
    let mut lines = vec![Line::styled(
        ui.t(Text::Legend).to_string(),
        ui.theme.label(),
    )];
    for row in entries.chunks(per_line) {
        let spans: Vec<Span<'static>> = row
            .iter()
            .map(|(mark, text)| Span::styled(pad(text, widest), mark.style(ui.theme)))
            .collect();
        lines.push(Line::from(spans));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ym(year: i32, month: u32) -> YearMonth {
        YearMonth::new(year, month).unwrap()
    }

    fn d(text: &str) -> NaiveDate {
        crate::domain::date::parse_iso(text).unwrap()
    }

    #[test]
    fn weeks_start_on_monday() {
        // 1 October 2026 is a Thursday; the 31st a Saturday.
        assert_eq!(weeks_of(ym(2026, 10)), (d("2026-09-28"), 5));
        // February 2021 starts on a Monday and fills exactly four weeks.
        assert_eq!(weeks_of(ym(2021, 2)), (d("2021-02-01"), 4));
        // August 2026 starts on a Saturday and ends on a Monday: six rows.
        assert_eq!(weeks_of(ym(2026, 8)), (d("2026-07-27"), 6));
    }

    #[test]
    fn marks_come_most_urgent_first_and_are_counted() {
        let mut marks = DayMarks::default();
        let day = d("2026-10-05");
        marks.add(day, DayMark::OnTime);
        marks.add(day, DayMark::Overdue);
        marks.add(day, DayMark::OnTime);
        assert_eq!(marks.on(day), [(DayMark::Overdue, 1), (DayMark::OnTime, 2)]);
        assert_eq!(marks.count(DayMark::OnTime), 2);
        assert!(marks.on(d("2026-10-06")).is_empty());
    }

    #[test]
    fn every_status_with_a_day_has_a_symbol_of_its_own() {
        let symbols: std::collections::HashSet<&str> =
            DayMark::ALL.iter().map(|m| m.symbol()).collect();
        assert_eq!(symbols.len(), DayMark::ALL.len());
        assert_eq!(status_symbol(Compliance::NotDue), " ");
        assert_eq!(status_symbol(Compliance::Overdue), "✗");
    }
}
