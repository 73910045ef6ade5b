//! The full-screen terminal app, over the store's query API (never redb itself).
//!
//! - [`keymap`]: key bindings as data, defaults and the user's keys file;
//! - [`i18n`]: every word on screen, in Vietnamese and English.

pub mod cells;
pub mod i18n;
pub mod keymap;
pub mod layout;
pub mod paged;
pub mod theme;

pub use keymap::{Action, Context, KeyChord, Keymap};
pub use theme::Theme;
