//! Screens: what fills the body under the breadcrumb — the tree with its right pane, a
//! member's details, the meetings of a month, a meeting's record, the dashboard. The App
//! keeps them as a stack: the top one has the keys and is drawn; going back is taking it
//! off. Overlays (`overlay.rs`) are drawn over whichever screen is on top.
//!
//! A key travels: the keymap turns it into an [`Action`] in the top screen's [`Context`];
//! the App offers it to a form first (`forms::open`), then to the screen's
//! [`Screen::on_action`]; the screen reads through [`Cx::read`] or sends a store command,
//! and answers with a [`Step`]; the App redraws.

use std::time::Instant;

use chrono::{NaiveDate, NaiveDateTime};
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;

use super::forms::CalendarSubject;
use super::i18n::Text;
use super::keymap::{Action, Context, Keymap};
use super::layout::Regions;
use super::overlay::Overlay;
use super::screens::Ui;
use super::screens::chrome::Status;
use super::theme::Theme;
use crate::clock::Clock;
use crate::domain::{Lang, MeetingId, Member, OrgUnit};
use crate::io::files::Files;
use crate::store::{HeldBy, Reader, Store, StoreError};

/// What a screen may use while it handles a key or a change: the store, the user's
/// language and day, who is at the keys, and the status line to speak in.
pub struct Cx<'a> {
    pub store: &'a Store,
    pub lang: Lang,
    pub today: NaiveDate,
    pub clock: &'a Clock,
    /// The bands of the terminal: a screen sizes its lists from them.
    pub regions: Regions,
    /// Where documents to attach come from and exports go.
    pub files: &'a Files,
    /// Who is at the keys: named on drafts, approvals and amendments.
    pub actor: &'a str,
    pub theme: Theme,
    pub keymap: &'a Keymap,
    pub status: &'a mut Option<Status>,
    /// Writes of screens that have closed before they were answered: the App reads the
    /// answers and says when one was refused.
    pub later: &'a mut Vec<Later>,
}

/// A write whose screen has closed: how to word a refusal, should it come.
pub struct Later {
    pub pending: crate::store::Pending,
    pub refused: fn(Lang, &StoreError) -> String,
    /// The meeting whose roll changes the journal keeps until this is answered: the last
    /// roll change the screen sent.
    pub settles_roll: Option<MeetingId>,
}

impl Cx<'_> {
    /// Runs `f` on a fresh snapshot of the store; a failure goes to the status line (and
    /// the log) instead of ending the App.
    pub fn read<T>(&mut self, f: impl FnOnce(&Reader) -> Result<T, StoreError>) -> Option<T> {
        match self.store.read().and_then(|reader| f(&reader)) {
            Ok(value) => Some(value),
            Err(e) => {
                tracing::warn!(error = %e, "store read failed");
                self.refuse(e.message(self.lang));
                None
            }
        }
    }

    /// What drawing needs: for a screen that lays out text to scroll it.
    pub fn ui(&self) -> Ui<'_> {
        Ui {
            lang: self.lang,
            today: self.today,
            theme: self.theme,
            keymap: self.keymap,
        }
    }

    /// Now, by the one clock, to the second.
    pub fn now(&self) -> NaiveDateTime {
        self.clock.now()
    }

    /// The body of the screen, between the breadcrumb and the status line.
    pub fn body(&self) -> Rect {
        self.regions.body
    }

    pub fn info(&mut self, text: Text) {
        self.say(text.get(self.lang).to_string());
    }

    pub fn error(&mut self, text: Text) {
        self.refuse(text.get(self.lang).to_string());
    }

    /// A message in the status line.
    pub fn say(&mut self, text: String) {
        *self.status = Some(Status { text, error: false });
    }

    /// A refusal in the status line.
    pub fn refuse(&mut self, text: String) {
        *self.status = Some(Status { text, error: true });
    }
}

/// What the App does after a screen handled an action.
pub enum Step {
    /// Nothing changed: no redraw.
    Ignored,
    /// The screen changed: redraw.
    Changed,
    /// Go back: this screen is taken off the stack.
    Back,
    /// Put `screen` on top of this one.
    Push(Box<dyn Screen>),
    /// Put an overlay (a form, a question) on top of the screens.
    Open(Box<dyn Overlay>),
    /// Several steps, in order.
    Then(Vec<Step>),
}

impl Step {
    /// `Changed` when `changed`, else `Ignored`.
    pub fn changed_if(changed: bool) -> Step {
        if changed {
            Step::Changed
        } else {
            Step::Ignored
        }
    }
}

/// A message for the screen on top, from an overlay it opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreenMsg {
    /// The answer to "resume the draft?" when a meeting's record opens.
    ResumeDraft(bool),
}

/// A command a screen offers now: the actions that run it (shown together in the footer,
/// `↓/↑`) and whether it can run now. The footer and the help are built from these, so
/// what they show is what the screen does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandInfo {
    pub actions: &'static [Action],
    pub enabled: bool,
}

impl CommandInfo {
    pub const fn new(actions: &'static [Action]) -> CommandInfo {
        CommandInfo {
            actions,
            enabled: true,
        }
    }

    /// The same command, offered but not runnable unless `enabled`.
    pub const fn enabled_if(self, enabled: bool) -> CommandInfo {
        CommandInfo { enabled, ..self }
    }
}

/// A screen's footer commands, each enabled when `can` says every one of its actions can
/// run now.
pub fn offered(commands: &[CommandInfo], can: impl Fn(Action) -> bool) -> Vec<CommandInfo> {
    commands
        .iter()
        .map(|c| c.enabled_if(c.actions.iter().all(|a| can(*a))))
        .collect()
}

/// What a screen has selected: what a form opened over it acts on.
#[derive(Default, Clone, Copy)]
pub struct Selection<'a> {
    /// The organisation shown or under the cursor; `None` leaves it to the tree's.
    pub org: Option<&'a OrgUnit>,
    pub member: Option<&'a Member>,
    /// The month and meeting shown, on the meetings screen and a meeting's record.
    pub calendar: Option<CalendarSubject<'a>>,
}

/// Where a jump lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Org(crate::domain::OrgId),
    Member(crate::domain::MemberId),
    /// A meeting on the meetings screen: its organisation, its month, the cursor on it.
    Meeting(MeetingId),
}

pub trait Screen: Send + std::any::Any {
    /// The keymap context whose bindings apply while this screen has the keys.
    fn context(&self) -> Context;

    /// What the screen offers in its footer, in order, each enabled as [`Screen::can`]
    /// says.
    fn commands(&self) -> Vec<CommandInfo>;

    /// Whether `action` can do anything now: the help dims the keys of those that cannot,
    /// and the footer shows them after the ones that can.
    fn can(&self, _action: Action) -> bool {
        true
    }

    /// Why `action` cannot run now, in the user's words, when the screen can say better
    /// than "not now" (someone else holds the minutes, the role only reads).
    fn why_not(&self, _action: Action, _cx: &Cx<'_>) -> Option<String> {
        None
    }

    /// One action of [`Screen::context`].
    fn on_action(&mut self, action: Action, cx: &mut Cx<'_>) -> Step;

    /// Draws the screen over `body`; `keys_here` when no overlay is on top of it.
    fn render(&self, frame: &mut Frame<'_>, body: Rect, keys_here: bool, ui: &Ui<'_>);

    /// The breadcrumb: the organisation shown and those above it. `None` shows the one of
    /// the screen below.
    fn path(&self) -> Option<&[OrgUnit]>;

    /// The member whose details are shown, after the breadcrumb.
    fn member_name(&self) -> Option<&str> {
        None
    }

    /// What a form opened over this screen acts on.
    fn selection(&self) -> Selection<'_>;

    /// Whether printable keys are text here (the minutes).
    fn typing(&self) -> bool {
        false
    }

    /// A key the keymap does not bind while [`Screen::typing`]: typed.
    fn on_text(&mut self, _key: &KeyEvent, _cx: &mut Cx<'_>) -> bool {
        false
    }

    /// Text pasted while the screen has the keys; whether it took it.
    fn paste(&mut self, _text: &str, _cx: &mut Cx<'_>) -> bool {
        false
    }

    /// A message from an overlay this screen opened.
    fn on_msg(&mut self, _msg: ScreenMsg, _cx: &mut Cx<'_>) -> bool {
        false
    }

    /// The data changed: read what is shown again. False when what the screen shows is
    /// gone (the screen is then taken off).
    fn reload(&mut self, reader: &Reader) -> Result<bool, StoreError>;

    /// The terminal changed size.
    fn resize(&mut self, _reader: &Reader, _regions: Regions) -> Result<(), StoreError> {
        Ok(())
    }

    /// The clock passed midnight: judge from `today` on (a reload follows).
    fn set_today(&mut self, _today: NaiveDate) {}

    /// The screen is on top again after the one above it went back.
    fn resumed(&mut self, _cx: &mut Cx<'_>) {}

    /// Shows `target` if this screen can: `Some(found)` when it took the jump.
    fn reveal(&mut self, _target: Target, _cx: &mut Cx<'_>) -> Option<bool> {
        None
    }

    /// The screen is about to be taken off without its own Back (a jump elsewhere, the App
    /// ending): what is typed is kept.
    fn leave(&mut self, _cx: &mut Cx<'_>) {}

    /// When the screen next needs a [`Screen::tick`]: an autosave due.
    fn due_at(&self) -> Option<Instant> {
        None
    }

    /// The store's answers to what this screen handed it, read. Whether any came.
    fn take_answers(&mut self, _cx: &mut Cx<'_>) -> bool {
        false
    }

    /// Time passes: what is due is done. Whether anything shown changed.
    fn tick(&mut self, _now: Instant, _cx: &mut Cx<'_>) -> bool {
        false
    }

    /// A question to ask now (a draft to resume, once this App holds the minutes).
    fn question(&mut self, _cx: &mut Cx<'_>) -> Option<Box<dyn crate::ui::overlay::Overlay>> {
        None
    }

    /// The meeting whose minutes this screen would edit, to hold the lease on.
    fn minutes_wanted(&self, _writes: bool) -> Option<MeetingId> {
        None
    }

    /// What holding the lease answered: who holds it, when someone else does. Whether the
    /// screen changed.
    fn lease_answer(
        &mut self,
        _held: &Result<(), HeldBy>,
        _writes: bool,
        _cx: &mut Cx<'_>,
    ) -> bool {
        false
    }

    /// The screen as `Any`, for tests and hosts that look at a particular screen's state.
    fn as_any(&self) -> &dyn std::any::Any;
}
