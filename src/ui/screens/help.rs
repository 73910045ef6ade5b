//! The help overlay (`?`): every key of the screen it was opened on and every global key,
//! generated from the keymap in force — a key rebound in the keys file shows as rebound.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::calendar::DayMark;
use super::{Ui, pane};
use crate::domain::{Lang, OrgKind};
use crate::ui::cells::{pad, safe, width};
use crate::ui::i18n::{self, Text};
use crate::ui::keymap::{Action, Context, KeyChord, Keymap, is_text};
use crate::ui::layout::{centered, text_rows};
use crate::ui::overlay::{Env, Outcome, Overlay, scroll_or_close};

pub struct Help {
    /// The screen whose keys are shown.
    screen: Context,
    /// Actions of that screen that can do nothing now: their keys are dimmed.
    unavailable: Vec<Action>,
    /// Whether the screen takes printable keys as text.
    typing: bool,
    scroll: usize,
}

/// One line of the help text before styling.
enum Entry {
    Heading(&'static str),
    Key {
        keys: String,
        what: &'static str,
        enabled: bool,
    },
    Blank,
}

impl Help {
    /// The keys of `screen`, those of `unavailable` dimmed; when the screen takes `typing`,
    /// the global keys a text field takes as a character (`q`) are not offered.
    pub fn new(screen: Context, unavailable: Vec<Action>, typing: bool) -> Help {
        Help {
            screen,
            unavailable,
            typing,
            scroll: 0,
        }
    }

    fn enabled(&self, action: Action) -> bool {
        !self.unavailable.contains(&action)
    }

    fn entries(&self, keymap: &Keymap, lang: Lang) -> Vec<Entry> {
        let mut entries = Vec::new();
        let mut contexts = vec![self.screen];
        if self.screen != Context::Global {
            contexts.push(Context::Global);
        }
        for context in contexts {
            entries.push(Entry::Heading(i18n::context_title(lang, context)));
            for binding in keymap.bindings(context) {
                let typed = |k: &&KeyChord| {
                    self.typing && context == Context::Global && is_text(&k.event())
                };
                let keys: Vec<String> = (binding.keys.iter())
                    .filter(|k| !typed(k))
                    .map(ToString::to_string)
                    .collect();
                if keys.is_empty() {
                    continue;
                }
                entries.push(Entry::Key {
                    // A keys file may name any character, a control one included.
                    keys: safe(&keys.join("  ")).into_owned(),
                    what: i18n::describe(lang, context, binding.action),
                    enabled: self.enabled(binding.action),
                });
            }
            entries.push(Entry::Blank);
        }
        let legend = Text::Legend.get(lang);
        match self.screen {
            Context::Meetings => {
                let marks = DayMark::ALL.iter().map(|m| (m.symbol(), m.words(lang)));
                push_legend(&mut entries, legend, marks);
                // The plan column's marks mean other things than the calendar's same symbols.
                entries.push(Entry::Blank);
                let plan = i18n::prep::plan_legend(lang);
                push_legend(&mut entries, i18n::prep::plan_legend_heading(lang), plan);
            }
            Context::Dashboard => {
                let unrolled = (
                    i18n::dashboard::UNROLLED,
                    i18n::dashboard::unrolled_note(lang),
                );
                let symbols = i18n::dashboard::heat_symbols(lang).into_iter();
                push_legend(&mut entries, legend, symbols.chain([unrolled]));
            }
            Context::Tree => {
                let kinds = OrgKind::ALL
                    .iter()
                    .map(|k| (i18n::kind(lang, *k, true), i18n::kind(lang, *k, false)));
                push_legend(&mut entries, Text::KindsLegend.get(lang), kinds);
            }
            _ => {}
        }
        entries
    }

    fn box_in(area: Rect) -> Rect {
        centered(area, 90, area.height)
    }
}

/// A legend under the keys: its heading, then each symbol and what it means.
fn push_legend<'a>(
    entries: &mut Vec<Entry>,
    heading: &'static str,
    items: impl IntoIterator<Item = (&'a str, &'static str)>,
) {
    entries.push(Entry::Heading(heading));
    for (symbol, what) in items {
        entries.push(Entry::Key {
            keys: symbol.to_string(),
            what,
            enabled: true,
        });
    }
}

impl Overlay for Help {
    fn context(&self) -> Context {
        Context::Help
    }

    fn on_key(&mut self, _key: &KeyEvent, action: Option<Action>, env: &mut Env<'_>) -> Outcome {
        let rows = text_rows(Help::box_in(env.area));
        let lines = self.entries(env.keymap, env.lang).len();
        scroll_or_close(&mut self.scroll, action, rows, lines)
    }

    fn render(&self, frame: &mut Frame<'_>, area: Rect, ui: &Ui<'_>) {
        let area = Help::box_in(area);
        frame.render_widget(Clear, area);
        let entries = self.entries(ui.keymap, ui.lang);
        let key_width = entries
            .iter()
            .map(|e| match e {
                Entry::Key { keys, .. } => width(keys),
                _ => 0,
            })
            .max()
            .unwrap_or(0)
            .min(30);
        let lines: Vec<Line<'static>> = entries
            .into_iter()
            .map(|entry| match entry {
                Entry::Heading(text) => Line::styled(format!(" {text}"), ui.theme.title()),
                Entry::Key {
                    keys,
                    what,
                    enabled,
                } => {
                    let (key_style, what_style) = match enabled {
                        true => (ui.theme.key(), Style::default()),
                        false => (ui.theme.unavailable(), ui.theme.unavailable()),
                    };
                    Line::from(vec![
                        Span::styled(format!("   {}", pad(&keys, key_width)), key_style),
                        Span::styled(format!("  {what}"), what_style),
                    ])
                }
                Entry::Blank => Line::default(),
            })
            .collect();
        let most = lines.len().saturating_sub(text_rows(area));
        let scroll = self.scroll.min(most);
        let title = format!(
            " {} — {} ",
            ui.t(Text::HelpTitle),
            i18n::context_title(ui.lang, self.screen)
        );
        frame.render_widget(
            Paragraph::new(lines)
                .block(pane(title, true, ui))
                .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0)),
            area,
        );
    }
}
