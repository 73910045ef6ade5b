//! Running the App: one loop generic over any ratatui backend and any source of terminal
//! events, so the same App runs on the local terminal, in a test on `TestBackend`, and —
//! later — in an SSH session that turns its channel's bytes into events.
//!
//! The loop batches input: it handles every event already waiting before it draws, and it
//! draws only when an update said something changed.

use std::io::{self, Stdout};
use std::time::{Duration, Instant};

use crate::clock::Clock;
use crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};

use super::app::{App, Effect, Msg, Options};
use super::i18n;
use super::keymap::Keymap;
use super::screens::chrome::Status;
use super::theme::Theme;
use crate::domain::Lang;
use crate::store::Store;

/// Where terminal events come from.
pub trait InputSource {
    /// The next event. With `Some(timeout)`, `Ok(None)` means nothing came in time; with
    /// `None` it waits for one, and `Ok(None)` means the input has ended (the terminal or
    /// the connection closed, a script ran out).
    fn next_event(&mut self, timeout: Option<Duration>) -> io::Result<Option<Event>>;

    /// How often, at most, the loop asks [`InputSource::changed_elsewhere`]; `None`: never
    /// (a local terminal is the only writer it shows).
    fn watch_every(&self) -> Option<Duration> {
        None
    }

    /// Whether the store changed behind the App since last asked (another session wrote).
    fn changed_elsewhere(&mut self) -> bool {
        false
    }

    /// The size of the terminal the events come from, when the source knows it (an SSH
    /// session's pty); `None` asks the backend (the local terminal).
    fn size(&self) -> Option<(u16, u16)> {
        None
    }
}

/// The local terminal's events, read by crossterm.
pub struct CrosstermInput;

impl InputSource for CrosstermInput {
    fn next_event(&mut self, timeout: Option<Duration>) -> io::Result<Option<Event>> {
        match timeout {
            None => event::read().map(Some),
            Some(wait) if event::poll(wait)? => event::read().map(Some),
            Some(_) => Ok(None),
        }
    }
}

/// Events given in advance, for tests and scripted runs: they come at once, so a wait for
/// more always times out, and the input ends when they run out.
impl InputSource for std::collections::VecDeque<Event> {
    fn next_event(&mut self, _timeout: Option<Duration>) -> io::Result<Option<Event>> {
        Ok(self.pop_front())
    }
}

/// The message a terminal event means to the App, if any.
pub fn message(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) => Some(Msg::Key(key)),
        Event::Resize(width, height) => Some(Msg::Resize { width, height }),
        Event::Paste(text) => Some(Msg::Paste(text)),
        _ => None,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("terminal: {0}")]
    Terminal(String),
    #[error("input: {0}")]
    Input(#[from] io::Error),
}

fn terminal_error(e: impl std::error::Error) -> RunError {
    RunError::Terminal(e.to_string())
}

/// Runs `app` until it asks to quit or the input ends. Draws once at the start, then after
/// each batch of events that changed something. While the App has something due (a draft
/// to autosave), waiting for input times out when it is due and the App is ticked.
pub fn run<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    input: &mut impl InputSource,
) -> Result<(), RunError> {
    // A session's size is its client's, never that of the terminal the host runs in.
    let (width, height) = match input.size() {
        Some(size) => size,
        None => {
            let size = terminal.size().map_err(terminal_error)?;
            (size.width, size.height)
        }
    };
    app.update(Msg::Resize { width, height });
    terminal
        .draw(|frame| app.view(frame))
        .map_err(terminal_error)?;
    loop {
        let due = app
            .wake_at()
            .map(|at| at.saturating_duration_since(Instant::now()));
        let wait = match (due, input.watch_every()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let first = input.next_event(wait)?;
        let mut redraw = false;
        let Some(first) = first else {
            if wait.is_none() {
                return Ok(());
            }
            // Nothing came before something fell due.
            let mut effects = app.update(Msg::Tick(Instant::now()));
            if input.changed_elsewhere() {
                effects.extend(app.update(Msg::DataChanged));
            }
            if effects.contains(&Effect::Redraw) {
                terminal
                    .draw(|frame| app.view(frame))
                    .map_err(terminal_error)?;
            }
            continue;
        };
        let mut pending = Some(first);
        while let Some(event) = pending {
            // A terminal whose size is fixed by its host (an SSH session's pty) learns a
            // new size only from this event; a local one re-reads it anyway.
            if let Event::Resize(width, height) = event {
                terminal
                    .resize(ratatui::layout::Rect::new(0, 0, width, height))
                    .map_err(terminal_error)?;
            }
            for effect in message(event)
                .map(|msg| app.update(msg))
                .unwrap_or_default()
            {
                match effect {
                    Effect::Redraw => redraw = true,
                    Effect::Quit => return Ok(()),
                }
            }
            pending = input.next_event(Some(Duration::ZERO))?;
        }
        // A steady stream of keys never leaves a pause: what is due is done between batches.
        if app
            .update(Msg::Tick(Instant::now()))
            .contains(&Effect::Redraw)
        {
            redraw = true;
        }
        if redraw {
            terminal
                .draw(|frame| app.view(frame))
                .map_err(terminal_error)?;
        }
    }
}

/// The full-screen app on this process's terminal: raw mode and the alternate screen for as
/// long as it runs, the terminal given back as it was on the way out — also when something
/// panics — and log lines written to a file, never to the screen. It opens where the
/// person at the terminal last was (see [`App::reopen`]).
pub fn run_local(store: Store, lang: Lang, clock: Clock) -> Result<(), String> {
    run_local_from(store, lang, clock, |app| {
        app.reopen();
    })
}

/// [`run_local`], with `start` putting the App on its first screen once it knows its size.
pub fn run_local_from(
    store: Store,
    lang: Lang,
    clock: Clock,
    start: impl FnOnce(&mut App),
) -> Result<(), String> {
    let _log = crate::log::start();
    tracing::info!(db = %store.path().display(), "chibo starts");
    let (keymap, notice) = keymap_from(Keymap::user_file().as_deref(), lang);
    let mut app = App::new(
        store,
        Options {
            lang,
            clock,
            keymap,
            theme: Theme::from_env(),
            notice,
            actor: crate::store::local_user(),
            files: crate::io::files::Files::Local {
                export_dir: std::path::PathBuf::from("."),
            },
        },
    );
    let mut terminal = enter().map_err(|e| e.to_string())?;
    if let Ok(size) = terminal.size() {
        app.update(Msg::Resize {
            width: size.width,
            height: size.height,
        });
    }
    start(&mut app);
    let outcome = run(&mut terminal, &mut app, &mut CrosstermInput);
    drop(terminal);
    let kept = keep_what_was_typed(&mut app, lang);
    tracing::info!(?outcome, "chibo ends");
    outcome.map_err(|e| e.to_string())?;
    kept
}

/// How long an App that ended waits, beyond the first second, for the store to write
/// what it handed in while the disk fails writes: the store may reopen the database
/// meanwhile.
const LAST_WRITES: Duration = Duration::from_secs(15);

/// Hands what is typed to the store and waits for it to be written. Never ends quietly
/// when it was not: the error, for the command line to print and exit non-zero with.
fn keep_what_was_typed(app: &mut App, lang: Lang) -> Result<(), String> {
    if !app.flush_within(Duration::from_secs(1)) {
        eprintln!("{}", i18n::waiting_for_writes(lang, LAST_WRITES));
        app.flush_within(LAST_WRITES);
    }
    match app.unsaved() {
        None => Ok(()),
        Some(error) => {
            tracing::error!(error = %error.message(Lang::En), "chibo ends with what was typed last not saved");
            Err(i18n::unsaved_on_exit(lang, &error))
        }
    }
}

/// The keys file at `path` applied to the defaults, and what the status line should say
/// when the file is bad (the defaults are then used whole).
pub fn keymap_from(path: Option<&std::path::Path>, lang: Lang) -> (Keymap, Option<Status>) {
    let Some(path) = path else {
        return (Keymap::defaults(), None);
    };
    let (keymap, problem) = Keymap::load(path);
    let notice = problem.map(|e| {
        tracing::warn!(path = %path.display(), problem = ?e, "keys file ignored");
        Status {
            text: i18n::keymap_error(lang, &e),
            error: true,
        }
    });
    (keymap, notice)
}

/// The terminal in full-screen mode; dropping it gives the terminal back.
struct LocalTerminal {
    inner: Terminal<CrosstermBackend<Stdout>>,
}

impl std::ops::Deref for LocalTerminal {
    type Target = Terminal<CrosstermBackend<Stdout>>;
    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

impl std::ops::DerefMut for LocalTerminal {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.inner
    }
}

impl Drop for LocalTerminal {
    fn drop(&mut self) {
        restore();
    }
}

fn enter() -> io::Result<LocalTerminal> {
    install_panic_hook();
    enable_raw_mode()?;
    // Bracketed paste: a paste arrives whole, not as keys that could run commands.
    if let Err(e) = execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste) {
        restore();
        return Err(e);
    }
    match Terminal::new(CrosstermBackend::new(io::stdout())) {
        Ok(inner) => Ok(LocalTerminal { inner }),
        Err(e) => {
            restore();
            Err(e)
        }
    }
}

/// Leaves raw mode and the alternate screen and shows the cursor. Safe to call twice.
fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

/// A panic gives the terminal back before its message is printed, so the message is
/// readable and the shell usable.
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            tracing::error!(%info, "panic");
            previous(info);
        }));
    });
}
