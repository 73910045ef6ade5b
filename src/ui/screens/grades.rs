//! A year's classification of an organisation's subtree (`X`): the share of the units it
//! answers for graded good or better against the target, its members by grade, and every
//! organisation graded or to be graded with its grade and score — what `chibo report
//! classification` prints, for the year just graded (`[` and `]` change it).
//!
//! It is read once when it opens and once a year changed (`Reader::classification_report`,
//! one walk of the subtree); scrolling reads nothing.

use chrono::{Datelike, NaiveDate};
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::chrome::Status;
use super::dashboard::graded_year;
use super::{Ui, pane, position};
use crate::domain::{ClassificationConfig, Grade, GradeCounts, OrgUnit};
use crate::store::{ClassificationReport, Reader, StoreError};
use crate::ui::app::Msg;
use crate::ui::cells::{fit, flow, pad, pad_left, safe};
use crate::ui::i18n::{self, Text, dashboard as words};
use crate::ui::keymap::{Action, Context};
use crate::ui::layout::{centered, text_rows};
use crate::ui::overlay::{Env, Outcome, Overlay, scroll_or_close};
use crate::ui::screen::{Cx, Step};

/// `X`: the classification of `org`'s subtree, over the screen.
pub fn open(org: Option<OrgUnit>, cx: &mut Cx<'_>) -> Step {
    let Some(org) = org else {
        cx.error(Text::PickAnOrg);
        return Step::Changed;
    };
    let today = cx.today;
    match cx.read(|r| Grades::read(r, &org, today)) {
        Some(grades) => Step::Open(Box::new(grades)),
        None => Step::Changed,
    }
}

pub struct Grades {
    org: OrgUnit,
    year: i32,
    report: ClassificationReport,
    scroll: usize,
}

impl Grades {
    /// The classification of `org`'s subtree in the year graded last on `today`.
    pub fn read(reader: &Reader, org: &OrgUnit, today: NaiveDate) -> Result<Grades, StoreError> {
        let year = graded_year(today);
        Ok(Grades {
            report: reader.classification_report(org.id, year)?,
            org: org.clone(),
            year,
            scroll: 0,
        })
    }

    /// The year `delta` from the one shown, read anew; never past this year.
    fn change_year(&mut self, delta: i32, env: &Env<'_>) -> Outcome {
        // This year may be graded already, ahead of the year's end; a coming one may not.
        let year = (self.year + delta).min(env.today.year());
        if year == self.year {
            return Outcome::Ignored;
        }
        let read = env
            .store
            .read()
            .and_then(|r| r.classification_report(self.org.id, year));
        match read {
            Ok(report) => {
                self.report = report;
                self.year = year;
                self.scroll = 0;
                Outcome::Keep
            }
            Err(e) => Outcome::Send(Msg::Status(Status {
                text: e.message(env.lang),
                error: true,
            })),
        }
    }

    fn box_in(area: Rect) -> Rect {
        centered(area, 100, area.height)
    }

    /// Rows of organisations the box shows: its text less the summary, the blank line and
    /// the headings.
    fn rows(&self, area: Rect, lang: crate::domain::Lang) -> usize {
        let inner = Grades::box_in(area);
        let cols = usize::from(inner.width.saturating_sub(2));
        text_rows(inner)
            .saturating_sub(self.summary(cols, lang).len() + 2)
            .max(1)
    }

    /// The share of units good or better against the target, then the members by grade.
    fn summary(&self, cols: usize, lang: crate::domain::Lang) -> Vec<Line<'static>> {
        let mut items: Vec<Vec<Span<'static>>> = Vec::new();
        if let Some(tally) = &self.report.tally {
            let counts = &tally.counts;
            let pct = words::percent_tenths(lang, counts.share());
            let share = words::share(
                lang,
                tally.units,
                counts.good_or_better(),
                counts.graded(),
                &pct,
            );
            items.push(vec![Span::raw(share)]);
            let config = ClassificationConfig::default();
            if let Some(met) = counts.meets(&config) {
                items.push(vec![Span::raw(words::target(
                    lang,
                    met,
                    config.target_percent,
                ))]);
            }
            if counts.ungraded > 0 {
                items.push(vec![Span::raw(words::ungraded(lang, counts.ungraded))]);
            }
        }
        let mut lines = flow(items, cols, 2);
        lines.extend(flow(member_items(&self.report.members, lang), cols, 2));
        lines
    }
}

/// "Đảng viên: hoàn thành xuất sắc 40", "hoàn thành tốt 350", …, "chưa xếp loại 10".
fn member_items(members: &GradeCounts, lang: crate::domain::Lang) -> Vec<Vec<Span<'static>>> {
    let counts = Grade::ALL
        .iter()
        .map(|grade| (grade.label(lang, false), members.get(*grade)))
        .chain([(i18n::grades::ungraded(lang), members.ungraded)]);
    let mut items: Vec<Vec<Span<'static>>> = counts
        .map(|(label, n)| vec![Span::raw(format!("{label} {n}"))])
        .collect();
    // The heading leads the first count, one space apart.
    let heading = Span::raw(format!("{} ", i18n::grades::members(lang)));
    items[0].insert(0, heading);
    items
}

impl Overlay for Grades {
    fn context(&self) -> Context {
        Context::Grades
    }

    fn on_key(&mut self, _key: &KeyEvent, action: Option<Action>, env: &mut Env<'_>) -> Outcome {
        match action {
            Some(Action::PrevYear) => return self.change_year(-1, env),
            Some(Action::NextYear) => return self.change_year(1, env),
            _ => {}
        }
        let rows = self.rows(env.area, env.lang);
        scroll_or_close(&mut self.scroll, action, rows, self.report.rows.len())
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, ui: &Ui<'_>) {
        let rows = self.rows(area, ui.lang);
        let area = Grades::box_in(area);
        frame.render_widget(Clear, area);
        let title = i18n::grades::title(ui.lang, self.year, &safe(&self.org.name));
        let title = fit(&title, usize::from(area.width.saturating_sub(4))).into_owned();
        // Where the list is scrolled to, out of how many organisations.
        let shown = self.scroll.min(self.report.rows.len().saturating_sub(rows));
        let block = pane(format!(" {title} "), true, ui).title_bottom(position(
            shown,
            self.report.rows.len(),
            ui,
        ));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let cols = usize::from(inner.width);
        let mut lines = self.summary(cols, ui.lang);
        lines.push(Line::default());
        let columns = Columns::of(cols);
        lines.push(Line::styled(
            fit(&columns.heading(ui), cols).into_owned(),
            ui.theme.column_header(),
        ));
        if self.report.rows.is_empty() {
            lines.push(Line::styled(
                i18n::grades::nobody(ui.lang).to_string(),
                ui.theme.dim(),
            ));
        }
        let most = self.report.rows.len().saturating_sub(rows);
        for (org, graded) in self
            .report
            .rows
            .iter()
            .skip(self.scroll.min(most))
            .take(rows)
        {
            let grade = graded.map(|c| c.grade);
            let style = match grade {
                Some(Grade::Excellent | Grade::Good) => ui.theme.good(),
                Some(Grade::NotCompleted) => ui.theme.bad(),
                Some(Grade::Completed) => ui.theme.label(),
                None => ui.theme.dim(),
            };
            let grade = grade.map_or(i18n::grades::ungraded(ui.lang), |g| g.label(ui.lang, false));
            let score = graded
                .and_then(|c| c.score)
                .map_or("—".to_string(), |s| s.to_string());
            lines.push(Line::from(vec![
                Span::raw(pad(&fit(&safe(&org.code), columns.code), columns.code + 1)),
                Span::raw(pad(&fit(&safe(&org.name), columns.name), columns.name + 1)),
                Span::styled(pad(grade, GRADE), style),
                Span::raw(pad_left(&score, SCORE)),
            ]));
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

const GRADE: usize = 20;
const SCORE: usize = 6;

/// Widths of the code and the name: what the grade and the score leave.
struct Columns {
    code: usize,
    name: usize,
}

impl Columns {
    fn of(cols: usize) -> Columns {
        let rest = cols.saturating_sub(GRADE + SCORE + 2);
        let code = (rest / 3).clamp(6, 20);
        Columns {
            code,
            name: rest.saturating_sub(code),
        }
    }

    fn heading(&self, ui: &Ui<'_>) -> String {
        let h = i18n::grades::headings(ui.lang);
        format!(
            "{}{}{}{}",
            pad(h[0], self.code + 1),
            pad(h[1], self.name + 1),
            pad(h[2], GRADE),
            pad_left(h[3], SCORE)
        )
    }
}
