//! Visits from above against their quotas (`v`): for a committee — or the committee above
//! a branch — every role in its subtree that carries a visiting quota, and every member of
//! its own committee besides, with the branches or months visited this year, what is due
//! by now, and the quota. Those behind come first, marked ✗, so the list answers "who is
//! behind?" at a glance.
//!
//! It is read once when it opens (`Reader::quota_standings`, one walk of the subtree and one
//! range scan per branch for the year); scrolling reads nothing.

use chrono::{Datelike, NaiveDate};
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{Ui, pane};
use crate::domain::oversight::{Quota, QuotaConfig, QuotaRule};
use crate::domain::{OrgKind, OrgUnit, RoleKind};
use crate::store::{QuotaRow, Reader, StoreError};
use crate::ui::cells::{fit, pad, safe, width};
use crate::ui::i18n::{self, Text};
use crate::ui::keymap::{Action, Context};
use crate::ui::layout::{centered, text_rows};
use crate::ui::overlay::{Env, Outcome, Overlay, scroll_or_close};

/// One role and how its holder stands; `quota` is `None` for a committee member whose role
/// carries none (counted against zero, only to show the visits made).
struct QuotaLine {
    row: QuotaRow,
    quota: Option<Quota>,
}

impl QuotaLine {
    fn behind(&self) -> bool {
        self.quota.is_some() && self.row.standing.behind
    }

    /// Behind first, then the others with a quota, then those without one.
    fn rank(&self) -> u8 {
        match (self.quota.is_some(), self.row.standing.behind) {
            (true, true) => 0,
            (true, false) => 1,
            (false, _) => 2,
        }
    }
}

pub struct Quotas {
    committee: OrgUnit,
    year: i32,
    lines: Vec<QuotaLine>,
    scroll: usize,
}

/// The committee whose members visit `org`: itself, or the nearest one above a branch or
/// a cell.
fn committee_of(reader: &Reader, org: &OrgUnit) -> Result<OrgUnit, StoreError> {
    if !is_unit_below_committee(org.kind) {
        return Ok(org.clone());
    }
    let above = reader.ancestors(org.id)?;
    Ok(above
        .into_iter()
        .find(|o| !is_unit_below_committee(o.kind))
        .unwrap_or_else(|| org.clone()))
}

fn is_unit_below_committee(kind: OrgKind) -> bool {
    kind.is_branch() || kind == OrgKind::Cell
}

/// The quotas in force, and a quota of nothing for every other committee role, so the
/// store counts the visits of every committee member in one walk.
fn counting_config(real: &QuotaConfig) -> QuotaConfig {
    let mut rules = real.rules.clone();
    for org_kind in OrgKind::ALL
        .iter()
        .filter(|k| !is_unit_below_committee(**k))
    {
        for role in RoleKind::ALL {
            if real.quota_for(*org_kind, *role).is_none() {
                rules.push(QuotaRule {
                    org_kind: *org_kind,
                    role: *role,
                    quota: Quota::BranchesPerYear(0),
                });
            }
        }
    }
    QuotaConfig { rules }
}

impl Quotas {
    pub fn read(reader: &Reader, org: &OrgUnit, today: NaiveDate) -> Result<Quotas, StoreError> {
        let committee = committee_of(reader, org)?;
        let year = today.year();
        let real = QuotaConfig::default();
        let rows = reader.quota_standings(committee.id, year, today, &counting_config(&real))?;
        let mut lines: Vec<QuotaLine> = rows
            .into_iter()
            .map(|row| QuotaLine {
                quota: real.quota_for(row.org.kind, row.role.role),
                row,
            })
            // Every quota in the subtree; of the roles without one, only the committee's own.
            .filter(|line| line.quota.is_some() || line.row.org.id == committee.id)
            .collect();
        // Stable: within a rank the store's order (organisation code, role, card) stays.
        lines.sort_by_key(QuotaLine::rank);
        Ok(Quotas {
            committee,
            year,
            lines,
            scroll: 0,
        })
    }

    /// Party cards in the order shown, for tests.
    pub fn cards(&self) -> Vec<&str> {
        self.lines
            .iter()
            .map(|l| l.row.member.card.as_str())
            .collect()
    }

    /// How many are behind.
    pub fn behind(&self) -> usize {
        self.lines.iter().filter(|l| l.behind()).count()
    }

    fn box_in(area: Rect) -> Rect {
        centered(area, 120, area.height)
    }

    /// Rows of people the box shows.
    fn rows(area: Rect) -> usize {
        text_rows(Quotas::box_in(area)).saturating_sub(3).max(1)
    }
}

impl Overlay for Quotas {
    fn context(&self) -> Context {
        Context::Quotas
    }

    fn on_key(&mut self, _key: &KeyEvent, action: Option<Action>, env: &mut Env<'_>) -> Outcome {
        let rows = Quotas::rows(env.area);
        scroll_or_close(&mut self.scroll, action, rows, self.lines.len())
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, ui: &Ui<'_>) {
        let area = Quotas::box_in(area);
        frame.render_widget(Clear, area);
        let title = i18n::quotas_title(ui.lang, self.year, &safe(&self.committee.name));
        let title = fit(&title, usize::from(area.width.saturating_sub(4))).into_owned();
        let block = pane(format!(" {title} "), true, ui);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let [table, legend] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(2)]).areas(inner);
        let cols = usize::from(table.width);
        if self.lines.is_empty() {
            let text = format!(" {}", ui.t(Text::NoQuotaRoles));
            frame.render_widget(Paragraph::new(text).style(ui.theme.dim()), table);
        } else {
            let columns = Columns::of(self, cols, ui);
            let mut lines = vec![Line::styled(
                fit(&columns.heading(ui), cols).into_owned(),
                ui.theme.column_header(),
            )];
            let rows = usize::from(table.height.saturating_sub(1));
            let most = self.lines.len().saturating_sub(rows);
            for line in self.lines.iter().skip(self.scroll.min(most)).take(rows) {
                lines.push(columns.row(line, &self.committee, ui));
            }
            frame.render_widget(Paragraph::new(lines), table);
        }
        frame.render_widget(Paragraph::new(legend_lines(ui)), legend);
    }
}

/// The mark of a line: ✗ behind, ✓ on track, · no quota.
fn mark(line: &QuotaLine, ui: &Ui<'_>) -> (&'static str, Style) {
    match (line.quota.is_some(), line.row.standing.behind) {
        (true, true) => ("✗", ui.theme.bad()),
        (true, false) => ("✓", ui.theme.good()),
        (false, _) => ("·", ui.theme.dim()),
    }
}

fn legend_lines(ui: &Ui<'_>) -> Vec<Line<'static>> {
    let entries = [
        ("✗", Text::QuotaBehind, ui.theme.bad()),
        ("✓", Text::QuotaOnTrack, ui.theme.good()),
        ("·", Text::QuotaNone, ui.theme.dim()),
    ];
    let mut spans = vec![Span::raw(" ")];
    for (symbol, text, style) in entries {
        spans.push(Span::styled(format!("{symbol} {}   ", ui.t(text)), style));
    }
    vec![Line::default(), Line::from(spans)]
}

/// Column widths of one render: the name, role, visits and what is due always; the
/// organisation when some roles are held below the committee; the quota in words when
/// there is room.
struct Columns {
    name: usize,
    role: usize,
    org: usize,
    made: usize,
    due: usize,
    /// Columns for the quota in words; none when fewer than a few are left.
    quota: usize,
}

impl Columns {
    fn of(quotas: &Quotas, cols: usize, ui: &Ui<'_>) -> Columns {
        let widest = |f: &dyn Fn(&QuotaLine) -> usize, heading: Text| {
            quotas
                .lines
                .iter()
                .map(f)
                .max()
                .unwrap_or(0)
                .max(width(ui.t(heading)))
        };
        let made = widest(&|l| width(&made_words(l, ui)), Text::ColMade);
        let due = widest(&|l| width(&due_words(l, ui)), Text::ColDueSoFar);
        let role = widest(
            &|l| width(i18n::role_short(ui.lang, l.row.role.role)),
            Text::ColRole,
        );
        let name = widest(&|l| width(&safe(&l.row.member.name)), Text::ColName).min(24);
        let quota = widest(&|l| width(&quota_words(l, ui)), Text::ColQuota);
        // The mark, then a space before each column.
        let fixed = 3 + name + 1 + role + 1 + made + 1 + due;
        let others = quotas
            .lines
            .iter()
            .any(|l| l.row.org.id != quotas.committee.id);
        let room = cols.saturating_sub(fixed);
        let org = if others {
            let widest_org = widest(&|l| width(&safe(&l.row.org.name)), Text::Organisation);
            widest_org.min(room.saturating_sub(1)).min(32)
        } else {
            0
        };
        let used = fixed + if org > 0 { org + 1 } else { 0 };
        let left = cols.saturating_sub(used + 1);
        Columns {
            name,
            role,
            org,
            made,
            due,
            quota: if left >= 10 { quota.min(left) } else { 0 },
        }
    }

    fn heading(&self, ui: &Ui<'_>) -> String {
        let mut text = format!(
            "   {} {}",
            pad(ui.t(Text::ColName), self.name),
            pad(ui.t(Text::ColRole), self.role)
        );
        if self.org > 0 {
            text.push_str(&format!(" {}", pad(ui.t(Text::Organisation), self.org)));
        }
        text.push_str(&format!(
            " {} {}",
            pad(ui.t(Text::ColMade), self.made),
            pad(ui.t(Text::ColDueSoFar), self.due),
        ));
        if self.quota > 0 {
            text.push_str(&format!(" {}", ui.t(Text::ColQuota)));
        }
        text
    }

    fn row(&self, line: &QuotaLine, committee: &OrgUnit, ui: &Ui<'_>) -> Line<'static> {
        let (symbol, style) = mark(line, ui);
        let member = &line.row.member;
        let mut spans = vec![
            Span::styled(format!(" {symbol} "), style),
            Span::raw(pad(&safe(&member.name), self.name)),
            Span::styled(
                format!(
                    " {}",
                    pad(i18n::role_short(ui.lang, line.row.role.role), self.role)
                ),
                ui.theme.label(),
            ),
        ];
        if self.org > 0 {
            let org = if line.row.org.id == committee.id {
                String::new()
            } else {
                safe(&line.row.org.name).into_owned()
            };
            spans.push(Span::styled(
                format!(" {}", pad(&org, self.org)),
                ui.theme.label(),
            ));
        }
        spans.push(Span::styled(
            format!(" {}", pad(&made_words(line, ui), self.made)),
            style,
        ));
        spans.push(Span::raw(format!(
            " {}",
            pad(&due_words(line, ui), self.due)
        )));
        if self.quota > 0 {
            let quota = fit(&quota_words(line, ui), self.quota).into_owned();
            spans.push(Span::styled(format!(" {quota}"), ui.theme.label()));
        }
        Line::from(spans)
    }
}

fn quota_words(line: &QuotaLine, ui: &Ui<'_>) -> String {
    line.quota
        .map_or_else(|| ui.t(Text::QuotaNone).to_string(), |q| q.label(ui.lang))
}

/// "9/12 tháng", "2/3 chi bộ", or "2 chi bộ" visited without a quota.
fn made_words(line: &QuotaLine, ui: &Ui<'_>) -> String {
    let s = &line.row.standing;
    match line.quota {
        Some(Quota::EveryMonthAtAssigned) => i18n::months_count(ui.lang, s.made, Some(s.required)),
        Some(Quota::BranchesPerYear(_)) => i18n::branch_count(ui.lang, s.made, Some(s.required)),
        None => i18n::branch_count(ui.lang, s.made, None),
    }
}

fn due_words(line: &QuotaLine, ui: &Ui<'_>) -> String {
    match line.quota {
        Some(_) => line.row.standing.due_so_far.to_string(),
        None => ui.t(Text::Unknown).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counting_keeps_the_real_quotas_and_counts_every_other_committee_role_against_zero() {
        let real = QuotaConfig::default();
        let config = counting_config(&real);
        assert_eq!(
            config.quota_for(OrgKind::DistrictCommittee, RoleKind::Secretary),
            Some(Quota::BranchesPerYear(3))
        );
        assert_eq!(
            config.quota_for(OrgKind::GrassrootsCommittee, RoleKind::CommitteeMember),
            Some(Quota::BranchesPerYear(0))
        );
        assert_eq!(config.quota_for(OrgKind::Branch, RoleKind::Secretary), None);
    }
}
