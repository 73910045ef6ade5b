//! The full-screen terminal app: an organisation tree with member lists, member records,
//! search and help, over the store's query API (never redb itself).
//!
//! - [`app`]: the App state, its messages, `update` and `view`;
//! - [`screen`]: what a screen is to the App — its context, the commands it offers now,
//!   its actions, its drawing — and what it may use ([`screen::Cx`]);
//! - [`keymap`]: key bindings as data, defaults and the user's keys file;
//! - [`i18n`]: every word on screen, in Vietnamese and English;
//! - [`screens`]: each screen's state and rendering;
//! - [`edit_area`]: the text area of the minutes and of written documents, undone by word;
//! - [`overlay`]: search, help and forms drawn over the screens;
//! - [`forms`]: the editing forms, their fields and the confirmation before destructive
//!   changes;
//! - [`terminal`]: the run loop, generic over backend and input, and the local terminal.

pub mod app;
pub mod cells;
pub mod edit_area;
pub mod forms;
pub mod i18n;
pub mod keymap;
pub mod layout;
pub mod overlay;
pub mod paged;
pub mod screen;
pub mod screen_text;
pub mod screens;
pub mod terminal;
pub mod theme;

pub use app::{App, Effect, Focus, Msg, Options, Target};
pub use keymap::{Action, Context, KeyChord, Keymap};
pub use overlay::{Env, Outcome, Overlay};
pub use screen_text::screen_text;
pub use screens::chrome::Status;
pub use theme::Theme;

#[cfg(test)]
pub mod testkit;
#[cfg(test)]
mod tests;
