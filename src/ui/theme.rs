//! Styles. Colours come from the 16 every terminal has; with `NO_COLOR` set only bold, dim
//! and reverse video remain, so nothing depends on colour to be read.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    color: bool,
}

impl Theme {
    /// Colours unless `NO_COLOR` is set to anything but the empty string (no-color.org).
    pub fn from_env() -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme { color: !no_color }
    }

    /// No colours at all, as with `NO_COLOR`: what the snapshot tests draw with.
    pub fn monochrome() -> Theme {
        Theme { color: false }
    }

    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    pub fn header(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn border(self, focused: bool) -> Style {
        if focused {
            self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            self.fg(Color::DarkGray)
        }
    }

    pub fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn column_header(self) -> Style {
        self.fg(Color::Gray).add_modifier(Modifier::UNDERLINED)
    }

    /// The row under the cursor: reversed when its pane has the keys, bold otherwise.
    pub fn selected(self, focused: bool) -> Style {
        if focused {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }

    pub fn dim(self) -> Style {
        self.fg(Color::DarkGray).add_modifier(Modifier::DIM)
    }

    pub fn label(self) -> Style {
        self.fg(Color::Gray)
    }

    pub fn kind(self) -> Style {
        self.fg(Color::Blue)
    }

    pub fn count(self) -> Style {
        Style::new()
    }

    pub fn exempt(self) -> Style {
        self.fg(Color::Yellow)
    }

    pub fn probationary(self) -> Style {
        self.fg(Color::Green)
    }

    pub fn gone(self) -> Style {
        self.dim()
    }

    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// A command offered where it always is but that cannot run now: dimmed, with or
    /// without colours.
    pub fn unavailable(self) -> Style {
        self.fg(Color::DarkGray).add_modifier(Modifier::DIM)
    }

    pub fn info(self) -> Style {
        self.fg(Color::Green)
    }

    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn matched(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    /// A duty met: a meeting held on time, a quota kept.
    pub fn good(self) -> Style {
        self.fg(Color::Green)
    }

    /// Met, but not as the rule says: early, late within grace.
    pub fn fair(self) -> Style {
        self.fg(Color::Yellow)
    }

    /// A duty missed: overdue, held out of rule, behind a quota, a clash.
    pub fn bad(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// Something ahead: a planned meeting.
    pub fn planned(self) -> Style {
        self.fg(Color::Blue).add_modifier(Modifier::BOLD)
    }

    /// Today in the calendar.
    pub fn today(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monochrome_has_no_colours_but_keeps_the_cursor_visible() {
        let theme = Theme::monochrome();
        for style in [
            theme.border(true),
            theme.exempt(),
            theme.error(),
            theme.key(),
        ] {
            assert_eq!(style.fg, None);
        }
        assert!(
            theme
                .selected(true)
                .add_modifier
                .contains(Modifier::REVERSED)
        );
    }
}
