//! Drawing a meeting's record: two summary lines, the tabs on the left, the roll, a
//! section of the minutes or the amendments on the right. Pure: reads only the state.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{MeetingRecord, Tab};
use crate::domain::date::format_clock;
use crate::domain::quorum::Quorum;
use crate::domain::{Mark, MeetingKind, RollEntry, Section, Standing};
use crate::ui::cells::{fit, pad, safe, width};
use crate::ui::i18n::record as words;
use crate::ui::keymap::{Action, Context};
use crate::ui::screens::{Ui, pane, position};

/// Lines above the panes: what the meeting is, and the roll's counts.
const SUMMARY_LINES: u16 = 2;

struct Areas {
    summary: Rect,
    tabs: Rect,
    content: Rect,
}

impl Areas {
    fn of(body: Rect) -> Areas {
        let [summary, panes] =
            Layout::vertical([Constraint::Length(SUMMARY_LINES), Constraint::Fill(1)]).areas(body);
        let tabs_width = (body.width / 3).clamp(16, 26);
        let [tabs, content] =
            Layout::horizontal([Constraint::Length(tabs_width), Constraint::Fill(1)]).areas(panes);
        Areas {
            summary,
            tabs,
            content,
        }
    }
}

/// Rows of the roll that fit on a screen whose body is `body`.
pub(super) fn roll_rows(body: Rect) -> usize {
    rows_in(Areas::of(body).content)
}

/// Rows of the roll inside the content pane: within the border, less the quorum and the
/// guests lines.
fn rows_in(content: Rect) -> usize {
    usize::from(content.height.saturating_sub(4)).max(1)
}

pub fn render(
    frame: &mut Frame<'_>,
    body: Rect,
    record: &MeetingRecord,
    focused: bool,
    ui: &Ui<'_>,
) {
    let areas = Areas::of(body);
    frame.render_widget(Paragraph::new(summary(record, ui)), areas.summary);
    render_tabs(frame, areas.tabs, record, ui);
    match record.tab() {
        Tab::Roll => render_roll(frame, areas.content, record, focused, ui),
        Tab::Section(section) => {
            let title = format!(" {} ", section.heading());
            let room = usize::from(areas.content.width.saturating_sub(2));
            let block = pane(fit(&title, room).into_owned(), focused, ui);
            let inner = block.inner(areas.content);
            frame.render_widget(block, areas.content);
            let facts = fact_panel(record, section, ui);
            // A long assignment wraps rather than being cut; the text keeps half the pane.
            let width = usize::from(inner.width.max(1));
            let rows: usize = facts.iter().map(|l| l.width().max(1).div_ceil(width)).sum();
            let height = (rows as u16).min(inner.height / 2);
            let [panel, text] =
                Layout::vertical([Constraint::Length(height), Constraint::Fill(1)]).areas(inner);
            let panel_text = Paragraph::new(facts).wrap(Wrap { trim: false });
            frame.render_widget(panel_text, panel);
            frame.render_widget(record.editor.area(section), text);
        }
        Tab::Amendments => render_amendments(frame, areas.content, record, focused, ui),
    }
}

/// What the meeting's fields put into `section` as the minutes print it — the facts in
/// section I, the vote in VII, the assignments in VIII, the end time in IX — with the key
/// that changes them, above the text written under it. Empty for the other sections.
fn fact_panel(record: &MeetingRecord, section: Section, ui: &Ui<'_>) -> Vec<Line<'static>> {
    let (lang, m) = (ui.lang, &record.meeting);
    let key = |action: Action| {
        let keys = ui.keymap.keys(Context::Minutes, action);
        keys.first().map(ToString::to_string).unwrap_or_default()
    };
    let (facts, action) = match section {
        Section::Opening => (words::opening_facts(lang, m), Action::Facts),
        Section::Resolution if m.kind != MeetingKind::Committee => {
            let vote = m.vote.map(|v| v.verdict(&Quorum::of(&record.roll), lang));
            (vec![words::vote_fact(lang, vote)], Action::Vote)
        }
        Section::Assignments => (
            words::assignment_facts(lang, &m.assignments),
            Action::AssignTasks,
        ),
        Section::Closing => (vec![words::closing_fact(lang, m.end_time)], Action::Facts),
        _ => return Vec::new(),
    };
    let mut lines: Vec<Line<'static>> = facts
        .into_iter()
        .map(|fact| Line::styled(safe(&fact).into_owned(), ui.theme.label()))
        .collect();
    let change = match m.is_approved() || record.editor.is_read_only() {
        true => words::facts_below(lang).to_string(),
        false => words::facts_key(lang, &key(action)),
    };
    lines.push(Line::styled(change, ui.theme.dim()));
    lines
}

/// What the meeting is and whether its minutes are approved, then its times and place:
/// on a narrow screen the end of the line is cut, never who approved.
fn summary(record: &MeetingRecord, ui: &Ui<'_>) -> Vec<Line<'static>> {
    let m = &record.meeting;
    let what = [m.kind.label(ui.lang).to_string(), ui.lang.date(m.date)];
    let mut facts = Vec::new();
    match (m.time, m.end_time) {
        (Some(start), Some(end)) => {
            facts.push(format!("{}–{}", format_clock(start), format_clock(end)))
        }
        (Some(start), None) => facts.push(format_clock(start)),
        _ => {}
    }
    if let Some(place) = &m.place {
        facts.push(safe(place).into_owned());
    }
    let state = match &m.approval {
        Some(a) => words::approved(ui.lang, a.at, a.by.as_deref()),
        None => {
            let mut notes = Vec::new();
            if let Some(login) = &record.held_by {
                notes.push(words::read_only_by(ui.lang, login));
            } else if !record.sent.is_empty() {
                notes.push(words::saving(ui.lang).to_string());
            } else if record.editor.changed {
                notes.push(words::unsaved(ui.lang).to_string());
                notes.extend(record.draft_at.map(|at| words::draft_kept_at(ui.lang, at)));
            } else if let Some(at) = record.saved_at {
                notes.push(words::saved_at(ui.lang, at));
            }
            match notes.is_empty() {
                true => words::not_approved(ui.lang).to_string(),
                false => format!("{} ({})", words::not_approved(ui.lang), notes.join(", ")),
            }
        }
    };
    let state_style = if m.is_approved() {
        ui.theme.good()
    } else {
        ui.theme.fair()
    };
    let mut first = vec![
        Span::styled(format!(" {} · ", what.join(" · ")), ui.theme.title()),
        Span::styled(state, state_style),
    ];
    if !facts.is_empty() {
        first.push(Span::styled(
            format!(" · {}", facts.join(" · ")),
            ui.theme.title(),
        ));
    }
    let first = Line::from(first);
    let counts = Line::styled(
        format!(" {}", words::counts(ui.lang, &record.roll.counts())),
        ui.theme.label(),
    );
    vec![first, counts]
}

fn render_tabs(frame: &mut Frame<'_>, area: Rect, record: &MeetingRecord, ui: &Ui<'_>) {
    let cols = usize::from(area.width.saturating_sub(2));
    let text = record.editor.text();
    let lines: Vec<Line<'static>> = Tab::all()
        .into_iter()
        .map(|tab| {
            let (label, empty) = match tab {
                Tab::Roll => (words::roll_title(ui.lang).to_string(), false),
                Tab::Section(section) => {
                    let number = section.heading().split_once('.').map_or("", |(n, _)| n);
                    let label = format!("{number:>4} {}", section.label(ui.lang));
                    (label, text.section(section).trim().is_empty())
                }
                Tab::Amendments => (
                    words::amendments_title(ui.lang, record.meeting.amendments.len()),
                    record.meeting.amendments.is_empty(),
                ),
            };
            let style = if tab == record.tab() {
                ui.theme.selected(true)
            } else if empty {
                ui.theme.dim()
            } else {
                ui.theme.label()
            };
            Line::styled(pad(&fit(&label, cols), cols), style)
        })
        .collect();
    let title = format!(" {} ", safe(&record.org.name));
    let block = pane(fit(&title, usize::from(area.width)).into_owned(), false, ui);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn render_roll(
    frame: &mut Frame<'_>,
    area: Rect,
    record: &MeetingRecord,
    focused: bool,
    ui: &Ui<'_>,
) {
    let rows = rows_in(area);
    let cols = usize::from(area.width.saturating_sub(2));
    let name_cols = (cols / 2).max(12);
    let mut lines: Vec<Line<'static>> = record
        .roll
        .entries
        .iter()
        .enumerate()
        .skip(record.roll_offset)
        .take(rows)
        .map(|(i, entry)| roll_line(entry, i == record.roll_cursor, name_cols, cols, focused, ui))
        .collect();
    while lines.len() < rows {
        lines.push(Line::default());
    }
    // The roll the chair reads out ends with whether the meeting may go ahead.
    let quorum = Quorum::of(&record.roll);
    let quorum_style = if quorum.met() {
        ui.theme.good()
    } else {
        ui.theme.bad()
    };
    lines.push(Line::styled(
        format!(" {}", fit(&quorum.verdict(ui.lang), cols - 1)),
        quorum_style,
    ));
    lines.push(Line::styled(
        format!(
            " {}",
            fit(&safe(&words::guests(ui.lang, &record.guests)), cols - 1)
        ),
        ui.theme.label(),
    ));
    let block = pane(format!(" {} ", words::roll_title(ui.lang)), focused, ui)
        .title_bottom(position(record.roll_cursor, record.roll.entries.len(), ui));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn roll_line(
    entry: &RollEntry,
    selected: bool,
    name_cols: usize,
    cols: usize,
    focused: bool,
    ui: &Ui<'_>,
) -> Line<'static> {
    let (symbol, state, style) = match entry.standing {
        Standing::Exempt { until } if entry.mark == Some(Mark::Present) => (
            "✓",
            format!(
                "{} · {}",
                words::exempt(ui.lang, until),
                words::mark(ui.lang, entry.mark)
            ),
            ui.theme.exempt(),
        ),
        Standing::Exempt { until } => ("–", words::exempt(ui.lang, until), ui.theme.exempt()),
        Standing::Expected => {
            let symbol = match entry.mark {
                Some(Mark::Present) => "✓",
                Some(Mark::Excused) => "P",
                Some(Mark::Absent) => "✗",
                _ => "·",
            };
            let mut state = words::mark(ui.lang, entry.mark).to_string();
            if let (Some(Mark::Excused), Some(reason)) = (entry.mark, &entry.reason) {
                state = format!("{state}: {}", safe(reason));
            }
            let style = match entry.mark {
                Some(Mark::Present) => ui.theme.good(),
                Some(Mark::Excused) => ui.theme.fair(),
                Some(Mark::Absent) => ui.theme.bad(),
                _ => ui.theme.dim(),
            };
            (symbol, state, style)
        }
    };
    let mut name = safe(&entry.name).into_owned();
    if entry.probationary {
        name = format!("{name} ({})", words::probationary(ui.lang));
    }
    let name = pad(&fit(&name, name_cols), name_cols);
    let rest = cols.saturating_sub(width(&name) + 3);
    let cursor = if selected { "›" } else { " " };
    let line = Line::from(vec![
        Span::styled(format!("{cursor}{symbol} "), style),
        Span::raw(name),
        Span::styled(fit(&state, rest).into_owned(), style),
    ]);
    if selected {
        line.style(ui.theme.selected(focused))
    } else {
        line
    }
}

fn render_amendments(
    frame: &mut Frame<'_>,
    area: Rect,
    record: &MeetingRecord,
    focused: bool,
    ui: &Ui<'_>,
) {
    let m = &record.meeting;
    let mut lines: Vec<Line<'static>> = Vec::new();
    if let Some(approval) = &m.approval {
        lines.push(Line::styled(
            words::approved(ui.lang, approval.at, approval.by.as_deref()),
            ui.theme.good(),
        ));
        if approval.chair.is_some() || approval.secretary.is_some() {
            lines.push(Line::raw(
                safe(&words::signatures(
                    ui.lang,
                    approval.chair.as_deref(),
                    approval.secretary.as_deref(),
                ))
                .into_owned(),
            ));
        }
        lines.push(Line::default());
    }
    if m.amendments.is_empty() {
        lines.push(Line::styled(words::no_amendments(ui.lang), ui.theme.dim()));
    }
    for amendment in &m.amendments {
        lines.push(Line::styled(
            format!(
                "{} · {}",
                words::moment(ui.lang, amendment.at),
                safe(&amendment.by)
            ),
            ui.theme.title(),
        ));
        for text in amendment.text.split('\n') {
            lines.push(Line::raw(safe(text).into_owned()));
        }
        lines.push(Line::default());
    }
    let title = format!(" {} ", words::amendments_title(ui.lang, m.amendments.len()));
    let paragraph = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(pane(title, focused, ui));
    frame.render_widget(paragraph, area);
}
