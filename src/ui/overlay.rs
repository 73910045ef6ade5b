//! Overlays: things drawn over the screens that take the keys while they are open — search,
//! help, and the editing forms. The App keeps them as a stack: the top one gets every key
//! its keymap context binds (and every unbound key), and can close itself, send the App a
//! [`Msg`], or both.
//!
//! A form is an overlay with its own [`Context`] in the keymap. It reads through
//! `env.store.read()`, writes by sending a `Command` to `env.store.run` (one transaction,
//! all or nothing), and on success returns `Outcome::CloseAndSend` with `Msg::DataChanged` (in a
//! `Msg::Batch` with the status message) so the screens below read the new state; on a
//! refused write it stays open and says why in the status line.

use chrono::NaiveDate;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

use super::app::Msg;
use super::keymap::{Action, Context, Keymap};
use super::screen::CommandInfo;
use super::screens::Ui;
use super::screens::chrome::Status;
use crate::domain::Lang;
use crate::store::Store;

/// What an overlay may use while it handles a key.
pub struct Env<'a> {
    pub store: &'a Store,
    pub lang: Lang,
    pub today: NaiveDate,
    /// Now, on the day chibo runs as: when something is saved.
    pub now: chrono::NaiveDateTime,
    pub keymap: &'a Keymap,
    /// The area the overlay is drawn in (the body of the screen), for paging.
    pub area: Rect,
}

/// What the App does after an overlay handled a key.
pub enum Outcome {
    /// The key did nothing: no redraw.
    Ignored,
    /// The overlay changed: redraw it.
    Keep,
    /// Take the overlay away.
    Close,
    /// Keep the overlay and have the App handle `Msg` (a status message, say).
    Send(Msg),
    /// Take the overlay away, then have the App handle `Msg` (jump somewhere, reload).
    CloseAndSend(Msg),
}

/// What a read-only, scrolling overlay (help, quotas) does with a key: close, or move its
/// first shown line within `lines` of which `rows` fit, redrawing only when it moved.
pub fn scroll_or_close(
    scroll: &mut usize,
    action: Option<Action>,
    rows: usize,
    lines: usize,
) -> Outcome {
    let most = lines.saturating_sub(rows);
    let moved = match action {
        Some(Action::Close) => return Outcome::Close,
        Some(Action::Up) => scroll.saturating_sub(1),
        Some(Action::Down) => *scroll + 1,
        Some(Action::PageUp) => scroll.saturating_sub(rows),
        Some(Action::PageDown) => *scroll + rows,
        Some(Action::Top) => 0,
        Some(Action::Bottom) => most,
        _ => return Outcome::Ignored,
    }
    .min(most);
    if moved == *scroll {
        return Outcome::Ignored;
    }
    *scroll = moved;
    Outcome::Keep
}

pub trait Overlay: Send {
    /// The keymap context whose bindings apply while this overlay is on top.
    fn context(&self) -> Context;

    /// Whether printable keys are text here (so global letters like `q` are typed, not run).
    fn takes_text(&self) -> bool {
        false
    }

    /// One key: `action` is what the keymap binds it to in [`Overlay::context`], if anything.
    fn on_key(&mut self, key: &KeyEvent, action: Option<Action>, env: &mut Env<'_>) -> Outcome;

    /// Text pasted while the overlay is on top; whether it took it (and must be redrawn).
    fn paste(&mut self, _text: &str) -> bool {
        false
    }

    /// A message for the status line when the overlay opens (a warning a form starts with).
    fn notice(&self) -> Option<Status> {
        None
    }

    /// What the overlay offers now, for the footer and the help: by default the keys of
    /// its kind ([`commands_of`]).
    fn commands(&self) -> Vec<CommandInfo> {
        commands_of(self.context())
    }

    /// Draws the overlay over `area`, the body between the breadcrumb and the status line.
    fn render(&self, frame: &mut Frame<'_>, area: Rect, ui: &Ui<'_>);
}

const MOVE: CommandInfo = CommandInfo::new(&[Action::Down, Action::Up]);
const ACCEPT: CommandInfo = CommandInfo::new(&[Action::Accept]);
const CANCEL: CommandInfo = CommandInfo::new(&[Action::Cancel]);

/// The keys an overlay of `context` offers, in the order the footer shows them.
pub fn commands_of(context: Context) -> Vec<CommandInfo> {
    let commands: &[CommandInfo] = match context {
        Context::Search | Context::Picker => &[MOVE, ACCEPT, CANCEL],
        Context::Help | Context::Quotas => &[MOVE, CommandInfo::new(&[Action::Close])],
        Context::Grades => &[
            CommandInfo::new(&[Action::PrevYear, Action::NextYear]),
            MOVE,
            CommandInfo::new(&[Action::Close]),
        ],
        Context::Form => &[
            CommandInfo::new(&[Action::NextField, Action::PrevField]),
            ACCEPT,
            CANCEL,
        ],
        Context::Confirm => &[ACCEPT, CANCEL],
        Context::Checklist => &[MOVE, CommandInfo::new(&[Action::Toggle]), ACCEPT, CANCEL],
        Context::Document => &[
            CommandInfo::new(&[Action::Save]),
            CommandInfo::new(&[Action::NextField]),
            CANCEL,
            CommandInfo::new(&[Action::Undo]),
            CommandInfo::new(&[Action::NextDocument]),
        ],
        _ => &[],
    };
    commands.to_vec()
}
