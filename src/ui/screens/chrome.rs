//! What surrounds the screens: the breadcrumb line on top, the status line and the key
//! hints at the bottom, and the notice shown instead of everything when the terminal is too
//! small.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::Ui;
use crate::domain::OrgUnit;
use crate::ui::cells::{fit, fit_left, safe, width};
use crate::ui::i18n;
use crate::ui::keymap::{Action, Context, is_text};
use crate::ui::layout::{MIN_HEIGHT, MIN_WIDTH};
use crate::ui::screen::CommandInfo;

/// Actions that live in the global context whatever the screen.
fn home_context(context: Context, action: Action) -> Context {
    match action {
        Action::Quit | Action::Help | Action::Search | Action::Reload
            if context != Context::Help =>
        {
            Context::Global
        }
        _ => context,
    }
}

/// A status-line message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

/// The breadcrumb: the selected organisation's ancestors and itself (and the member whose
/// record is open), joined with ›, cut from the left when the line is too short.
pub fn header(
    frame: &mut Frame<'_>,
    area: Rect,
    path: &[OrgUnit],
    member: Option<&str>,
    ui: &Ui<'_>,
) {
    let date = format!(" {} ", i18n::date(ui.lang, ui.today));
    let mut parts: Vec<String> = path.iter().map(|o| safe(&o.name).into_owned()).collect();
    if let Some(name) = member {
        parts.push(safe(name).into_owned());
    }
    // " chibo │ " before, one blank column and the date after.
    let room = usize::from(area.width).saturating_sub(width(&date) + 10);
    let crumbs = breadcrumb(&parts, room);
    let line = Line::from(vec![Span::raw(" chibo │ "), Span::raw(crumbs)]);
    frame.render_widget(Paragraph::new(line).style(ui.theme.header()), area);
    frame.render_widget(
        Paragraph::new(date)
            .alignment(Alignment::Right)
            .style(ui.theme.header()),
        area,
    );
}

/// Names joined with ›; when they do not fit, the outermost give way to "…" first, so the
/// nearest organisations stay readable.
fn breadcrumb(parts: &[String], room: usize) -> String {
    for skip in 0..parts.len() {
        let mut text = parts[skip..].join(" › ");
        if skip > 0 {
            text = format!("… › {text}");
        }
        if width(&text) <= room {
            return text;
        }
    }
    fit_left(parts.last().map_or("", String::as_str), room).into_owned()
}

pub fn status(frame: &mut Frame<'_>, area: Rect, status: Option<&Status>, ui: &Ui<'_>) {
    let Some(status) = status else {
        return;
    };
    let style = if status.error {
        ui.theme.error()
    } else {
        ui.theme.info()
    };
    let text = fit(
        &safe(&status.text),
        usize::from(area.width).saturating_sub(1),
    )
    .into_owned();
    frame.render_widget(Paragraph::new(format!(" {text}")).style(style), area);
}

/// The keys of what has the keys (in `context`, `typing` when letters are text there)
/// that can run now, in the order it offers them; keys of one command share a word ("j/k
/// move"). What would be refused is not offered (the help lists it, dimmed), and what does
/// not fit the width is left out from the end.
pub fn footer(
    frame: &mut Frame<'_>,
    area: Rect,
    (context, typing): (Context, bool),
    commands: &[CommandInfo],
    ui: &Ui<'_>,
) {
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for command in commands.iter().filter(|c| c.enabled) {
        let group = command.actions;
        let keys: Option<Vec<String>> = group
            .iter()
            .map(|action| {
                let keys = ui.keymap.keys(home_context(context, *action), *action);
                // Where letters are typed (the minutes), `?` is text: name a key that works.
                keys.iter()
                    .find(|key| !(typing && is_text(&key.event())))
                    .or(keys.first())
                    .map(ToString::to_string)
            })
            .collect();
        let Some(keys) = keys else { continue };
        let keys = safe(&keys.join("/")).into_owned();
        let word = i18n::hint(ui.lang, context, group[0]);
        let cost = width(&keys) + 1 + width(word) + 2;
        if used + cost > usize::from(area.width) {
            break;
        }
        used += cost;
        spans.push(Span::styled(keys, ui.theme.key()));
        spans.push(Span::raw(format!(" {word}  ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Shown instead of the app when the terminal is smaller than it can work in.
pub fn too_small(frame: &mut Frame<'_>, area: Rect, ui: &Ui<'_>) {
    let text = i18n::too_small(ui.lang, area.width, area.height, MIN_WIDTH, MIN_HEIGHT);
    let top = area.height.saturating_sub(3) / 2;
    let body = Rect {
        y: area.y + top,
        height: area.height - top,
        ..area
    };
    frame.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true })
            .style(ui.theme.title()),
        body,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_breadcrumb_drops_its_outer_names_first() {
        let parts: Vec<String> = [
            "Tỉnh ủy Quảng Ninh",
            "Đảng ủy phường Hồng Gai",
            "Chi bộ khu 2",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            breadcrumb(&parts, 80),
            "Tỉnh ủy Quảng Ninh › Đảng ủy phường Hồng Gai › Chi bộ khu 2"
        );
        assert_eq!(
            breadcrumb(&parts, 45),
            "… › Đảng ủy phường Hồng Gai › Chi bộ khu 2"
        );
        assert_eq!(breadcrumb(&parts, 10), "… bộ khu 2");
    }
}
