//! Key bindings as data: which keys do what on which screen. The defaults live in
//! [`DEFAULTS`]; a TOML file can rebind any action. The help overlay and the footer are
//! generated from the same table, so what they show is what the keys do.
//!
//! The file names a context, then actions with their keys:
//!
//! ```toml
//! [tree]
//! down = ["j", "down", "ctrl-n"]
//! expand = "l"
//! [global]
//! quit = ["ctrl-q"]
//! ```
//!
//! An action listed in the file gets exactly the keys given (an empty list unbinds it); a key
//! the file gives to one action is taken away from every other action of that context.

use std::fmt;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a binding applies. Global bindings apply on every screen unless the screen's own
/// binding for the same key comes first; in a text field, printable keys are text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    Tree,
    Members,
    Detail,
    Search,
    Help,
    /// An editing form: printable keys are typed into its fields.
    Form,
    /// A yes/no question asked before anything destructive.
    Confirm,
    /// Choosing an organisation by name or code (the new parent of a move).
    Picker,
    /// The meetings of an organisation: a month calendar and its branches' standing.
    Meetings,
    /// Ticking people in a list (guests of a meeting) or choosing one (an overseer).
    Checklist,
    /// Committee members' visits to branches against their quotas.
    Quotas,
    /// A subtree's classification for a year: units and members by grade.
    Grades,
    /// The roll-call of one meeting: a mark per member.
    Roll,
    /// A section of a meeting's minutes, in a text editor: printable keys are text.
    Minutes,
    /// The dashboard of an organisation's month: its numbers, trend and units below.
    Dashboard,
    /// A Markdown document of a meeting's plan, in a text editor: printable keys are text.
    Document,
}

impl Context {
    pub const ALL: &'static [Context] = &[
        Context::Global,
        Context::Tree,
        Context::Members,
        Context::Detail,
        Context::Search,
        Context::Help,
        Context::Form,
        Context::Confirm,
        Context::Picker,
        Context::Meetings,
        Context::Checklist,
        Context::Quotas,
        Context::Grades,
        Context::Roll,
        Context::Minutes,
        Context::Dashboard,
        Context::Document,
    ];

    /// The table name used in the keys file.
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Tree => "tree",
            Context::Members => "members",
            Context::Detail => "detail",
            Context::Search => "search",
            Context::Help => "help",
            Context::Form => "form",
            Context::Confirm => "confirm",
            Context::Picker => "picker",
            Context::Meetings => "meetings",
            Context::Checklist => "checklist",
            Context::Quotas => "quotas",
            Context::Grades => "grades",
            Context::Roll => "roll",
            Context::Minutes => "minutes",
            Context::Dashboard => "dashboard",
            Context::Document => "document",
        }
    }

    pub fn parse(name: &str) -> Option<Context> {
        Context::ALL.iter().copied().find(|c| c.name() == name)
    }
}

/// Declares the actions with the names the keys file uses for them.
macro_rules! actions {
    ($($variant:ident => $name:literal),+ $(,)?) => {
        /// Something a key can ask for. New actions (forms, reports) are added here, given a
        /// name, default keys in [`DEFAULTS`] and a description in `i18n`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action { $($variant),+ }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant),+];

            /// The name used in the keys file.
            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $name),+ }
            }

            pub fn parse(name: &str) -> Option<Action> {
                match name { $($name => Some(Action::$variant),)+ _ => None }
            }
        }
    };
}

actions! {
    Quit => "quit",
    Help => "help",
    Search => "search",
    Reload => "reload",
    SwitchPane => "switch_pane",
    Up => "up",
    Down => "down",
    PageUp => "page_up",
    PageDown => "page_down",
    Top => "top",
    Bottom => "bottom",
    Expand => "expand",
    Collapse => "collapse",
    Toggle => "toggle",
    Open => "open",
    Back => "back",
    Accept => "accept",
    Cancel => "cancel",
    DeleteBack => "delete_back",
    ClearQuery => "clear",
    Close => "close",
    Add => "add",
    Rename => "rename",
    Move => "move",
    Dissolve => "dissolve",
    Edit => "edit",
    ChangeStatus => "status",
    NextField => "next_field",
    PrevField => "prev_field",
    CursorLeft => "left",
    CursorRight => "right",
    LineStart => "line_start",
    LineEnd => "line_end",
    DeleteForward => "delete_forward",
    Calendar => "calendar",
    Quotas => "quotas",
    PrevMonth => "prev_month",
    NextMonth => "next_month",
    ThisMonth => "this_month",
    Plan => "plan",
    RecordHeld => "held",
    Reschedule => "reschedule",
    CancelMeeting => "cancel_meeting",
    Guests => "guests",
    Assign => "assign",
    MarkPresent => "present",
    MarkExcused => "excused",
    MarkAbsent => "absent",
    Unmark => "unmark",
    RestPresent => "rest_present",
    NextSection => "next_section",
    PrevSection => "prev_section",
    Save => "save",
    Approve => "approve",
    Amend => "amend",
    Export => "export",
    Undo => "undo",
    Redo => "redo",
    Paste => "paste",
    Dashboard => "dashboard",
    Parent => "parent",
    Prepare => "prepare",
    SendPlan => "send_plan",
    Attach => "attach",
    Vote => "vote",
    Facts => "facts",
    AssignTasks => "assign_tasks",
    RemoveDocument => "remove_document",
    WriteDocument => "write_document",
    NextDocument => "next_document",
    Grade => "grade",
    Grades => "grades",
    PrevYear => "prev_year",
    NextYear => "next_year",
}

/// The default keys, in the order the help overlay lists them.
pub const DEFAULTS: &[(Context, Action, &[&str])] = &[
    (Context::Global, Action::Help, &["?", "f1"]),
    (Context::Global, Action::Search, &["/"]),
    (Context::Global, Action::Reload, &["ctrl-r", "f5"]),
    (Context::Global, Action::Quit, &["q", "ctrl-c"]),
    (Context::Tree, Action::Up, &["k", "up"]),
    (Context::Tree, Action::Down, &["j", "down"]),
    (Context::Tree, Action::Expand, &["l", "right"]),
    (Context::Tree, Action::Collapse, &["h", "left"]),
    (Context::Tree, Action::Toggle, &["enter", "space"]),
    (Context::Tree, Action::PageUp, &["pageup", "ctrl-b"]),
    (Context::Tree, Action::PageDown, &["pagedown", "ctrl-f"]),
    (Context::Tree, Action::Top, &["g", "home"]),
    (Context::Tree, Action::Bottom, &["G", "end"]),
    (Context::Tree, Action::SwitchPane, &["tab", "backtab"]),
    (Context::Tree, Action::Add, &["a"]),
    (Context::Tree, Action::Rename, &["r"]),
    (Context::Tree, Action::Move, &["m"]),
    (Context::Tree, Action::Dissolve, &["D"]),
    (Context::Tree, Action::Calendar, &["c", "f2"]),
    (Context::Tree, Action::Quotas, &["v"]),
    (Context::Tree, Action::Dashboard, &["b", "f3"]),
    (Context::Tree, Action::Grade, &["x"]),
    (Context::Tree, Action::Grades, &["X"]),
    (Context::Members, Action::Up, &["k", "up"]),
    (Context::Members, Action::Down, &["j", "down"]),
    (Context::Members, Action::Open, &["enter", "l", "right"]),
    (Context::Members, Action::Back, &["h", "left", "esc"]),
    (Context::Members, Action::PageUp, &["pageup", "ctrl-b"]),
    (Context::Members, Action::PageDown, &["pagedown", "ctrl-f"]),
    (Context::Members, Action::Top, &["g", "home"]),
    (Context::Members, Action::Bottom, &["G", "end"]),
    (Context::Members, Action::SwitchPane, &["tab", "backtab"]),
    (Context::Members, Action::Add, &["a"]),
    (Context::Members, Action::Edit, &["e"]),
    (Context::Members, Action::ChangeStatus, &["s"]),
    (Context::Members, Action::Calendar, &["c", "f2"]),
    (Context::Members, Action::Quotas, &["v"]),
    (Context::Members, Action::Dashboard, &["b", "f3"]),
    (Context::Members, Action::Grade, &["x"]),
    (Context::Members, Action::Grades, &["X"]),
    (
        Context::Detail,
        Action::Back,
        &["esc", "h", "left", "backspace"],
    ),
    (Context::Detail, Action::Up, &["k", "up"]),
    (Context::Detail, Action::Down, &["j", "down"]),
    (Context::Detail, Action::PageUp, &["pageup", "ctrl-b"]),
    (Context::Detail, Action::PageDown, &["pagedown", "ctrl-f"]),
    (Context::Detail, Action::Top, &["g", "home"]),
    (Context::Detail, Action::Bottom, &["G", "end"]),
    (Context::Detail, Action::Edit, &["e"]),
    (Context::Detail, Action::ChangeStatus, &["s"]),
    (Context::Detail, Action::Grade, &["x"]),
    (Context::Search, Action::Accept, &["enter"]),
    (Context::Search, Action::Cancel, &["esc"]),
    (Context::Search, Action::Up, &["up", "ctrl-p"]),
    (Context::Search, Action::Down, &["down", "ctrl-n", "tab"]),
    (Context::Search, Action::PageUp, &["pageup"]),
    (Context::Search, Action::PageDown, &["pagedown"]),
    (Context::Search, Action::DeleteBack, &["backspace"]),
    (Context::Search, Action::ClearQuery, &["ctrl-u"]),
    (
        Context::Help,
        Action::Close,
        &["esc", "?", "q", "f1", "enter"],
    ),
    (Context::Help, Action::Up, &["k", "up"]),
    (Context::Help, Action::Down, &["j", "down"]),
    (Context::Help, Action::PageUp, &["pageup", "ctrl-b"]),
    (
        Context::Help,
        Action::PageDown,
        &["pagedown", "ctrl-f", "space"],
    ),
    // Letters and Space are typed into a form's fields, so only other keys are bound here.
    (Context::Form, Action::Accept, &["enter"]),
    (Context::Form, Action::Cancel, &["esc"]),
    (Context::Form, Action::NextField, &["tab", "down"]),
    (Context::Form, Action::PrevField, &["backtab", "up"]),
    (Context::Form, Action::CursorLeft, &["left"]),
    (Context::Form, Action::CursorRight, &["right"]),
    (Context::Form, Action::LineStart, &["home", "ctrl-a"]),
    (Context::Form, Action::LineEnd, &["end", "ctrl-e"]),
    (Context::Form, Action::DeleteBack, &["backspace"]),
    (Context::Form, Action::DeleteForward, &["delete"]),
    (Context::Form, Action::ClearQuery, &["ctrl-u"]),
    (Context::Confirm, Action::Accept, &["y", "Y", "enter"]),
    (Context::Confirm, Action::Cancel, &["n", "N", "esc"]),
    (Context::Picker, Action::Accept, &["enter"]),
    (Context::Picker, Action::Cancel, &["esc"]),
    (Context::Picker, Action::Up, &["up", "ctrl-p"]),
    (Context::Picker, Action::Down, &["down", "ctrl-n", "tab"]),
    (Context::Picker, Action::PageUp, &["pageup"]),
    (Context::Picker, Action::PageDown, &["pagedown"]),
    (Context::Picker, Action::CursorLeft, &["left"]),
    (Context::Picker, Action::CursorRight, &["right"]),
    (Context::Picker, Action::LineStart, &["home", "ctrl-a"]),
    (Context::Picker, Action::LineEnd, &["end", "ctrl-e"]),
    (Context::Picker, Action::DeleteBack, &["backspace"]),
    (Context::Picker, Action::DeleteForward, &["delete"]),
    (Context::Picker, Action::ClearQuery, &["ctrl-u"]),
    (Context::Meetings, Action::PrevMonth, &["["]),
    (Context::Meetings, Action::NextMonth, &["]"]),
    (Context::Meetings, Action::ThisMonth, &["t"]),
    (Context::Meetings, Action::Up, &["k", "up"]),
    (Context::Meetings, Action::Down, &["j", "down"]),
    (Context::Meetings, Action::PageUp, &["pageup", "ctrl-b"]),
    (Context::Meetings, Action::PageDown, &["pagedown", "ctrl-f"]),
    (Context::Meetings, Action::Top, &["g", "home"]),
    (Context::Meetings, Action::Bottom, &["G", "end"]),
    (Context::Meetings, Action::Open, &["enter", "l", "right"]),
    (
        Context::Meetings,
        Action::Back,
        &["esc", "h", "left", "backspace"],
    ),
    (Context::Meetings, Action::Plan, &["p"]),
    (Context::Meetings, Action::RecordHeld, &["d"]),
    (Context::Meetings, Action::Reschedule, &["r"]),
    (Context::Meetings, Action::CancelMeeting, &["x"]),
    (Context::Meetings, Action::Guests, &["i"]),
    (Context::Meetings, Action::Assign, &["o"]),
    (Context::Meetings, Action::Prepare, &["n"]),
    (Context::Meetings, Action::Attach, &["a"]),
    (Context::Meetings, Action::SendPlan, &["s"]),
    (Context::Meetings, Action::RemoveDocument, &["X"]),
    (Context::Meetings, Action::WriteDocument, &["w"]),
    (Context::Meetings, Action::Quotas, &["v"]),
    (Context::Meetings, Action::Dashboard, &["b", "f3"]),
    (Context::Checklist, Action::Accept, &["enter"]),
    (Context::Checklist, Action::Cancel, &["esc"]),
    (Context::Checklist, Action::Toggle, &["space", "x"]),
    (Context::Checklist, Action::Up, &["k", "up"]),
    (Context::Checklist, Action::Down, &["j", "down"]),
    (Context::Checklist, Action::PageUp, &["pageup", "ctrl-b"]),
    (
        Context::Checklist,
        Action::PageDown,
        &["pagedown", "ctrl-f"],
    ),
    (Context::Quotas, Action::Close, &["esc", "v", "q", "enter"]),
    (Context::Quotas, Action::Up, &["k", "up"]),
    (Context::Quotas, Action::Down, &["j", "down"]),
    (Context::Quotas, Action::PageUp, &["pageup", "ctrl-b"]),
    (
        Context::Quotas,
        Action::PageDown,
        &["pagedown", "ctrl-f", "space"],
    ),
    (Context::Quotas, Action::Top, &["g", "home"]),
    (Context::Quotas, Action::Bottom, &["G", "end"]),
    (Context::Grades, Action::Close, &["esc", "X", "q", "enter"]),
    (Context::Grades, Action::Up, &["k", "up"]),
    (Context::Grades, Action::Down, &["j", "down"]),
    (Context::Grades, Action::PageUp, &["pageup", "ctrl-b"]),
    (
        Context::Grades,
        Action::PageDown,
        &["pagedown", "ctrl-f", "space"],
    ),
    (Context::Grades, Action::Top, &["g", "home"]),
    (Context::Grades, Action::Bottom, &["G", "end"]),
    (Context::Grades, Action::PrevYear, &["["]),
    (Context::Grades, Action::NextYear, &["]"]),
    (Context::Roll, Action::Up, &["k", "up"]),
    (Context::Roll, Action::Down, &["j", "down"]),
    (Context::Roll, Action::MarkPresent, &["p", "space"]),
    (Context::Roll, Action::MarkExcused, &["e"]),
    (Context::Roll, Action::MarkAbsent, &["a"]),
    (Context::Roll, Action::Unmark, &["u"]),
    (Context::Roll, Action::RestPresent, &["P"]),
    (Context::Roll, Action::Guests, &["i"]),
    (Context::Roll, Action::NextSection, &["tab"]),
    (Context::Roll, Action::PrevSection, &["backtab"]),
    (Context::Roll, Action::Back, &["esc"]),
    (Context::Roll, Action::PageUp, &["pageup", "ctrl-b"]),
    (Context::Roll, Action::PageDown, &["pagedown", "ctrl-f"]),
    (Context::Roll, Action::Top, &["g", "home"]),
    (Context::Roll, Action::Bottom, &["G", "end"]),
    (Context::Roll, Action::Save, &["ctrl-s"]),
    (Context::Roll, Action::Approve, &["f9"]),
    (Context::Roll, Action::Amend, &["f7"]),
    (Context::Roll, Action::Vote, &["f8"]),
    (Context::Roll, Action::Facts, &["f3"]),
    (Context::Roll, Action::AssignTasks, &["f4"]),
    (Context::Roll, Action::Export, &["f6"]),
    // Letters, digits and Space are text in the minutes, so only other keys are bound here;
    // arrows, Backspace, Enter and the rest of the editing keys belong to the editor.
    (Context::Minutes, Action::NextSection, &["tab"]),
    (Context::Minutes, Action::PrevSection, &["backtab"]),
    (Context::Minutes, Action::Save, &["ctrl-s"]),
    (Context::Minutes, Action::Back, &["esc"]),
    (Context::Minutes, Action::Undo, &["ctrl-z", "ctrl-u"]),
    (Context::Minutes, Action::Redo, &["ctrl-y"]),
    (Context::Minutes, Action::Paste, &["ctrl-v"]),
    (Context::Minutes, Action::Approve, &["f9"]),
    (Context::Minutes, Action::Amend, &["f7"]),
    (Context::Minutes, Action::Vote, &["f8"]),
    (Context::Minutes, Action::Facts, &["f3"]),
    (Context::Minutes, Action::AssignTasks, &["f4"]),
    (Context::Minutes, Action::Export, &["f6"]),
    (Context::Document, Action::Save, &["ctrl-s"]),
    (Context::Document, Action::NextField, &["tab"]),
    (Context::Document, Action::PrevField, &["backtab"]),
    (Context::Document, Action::Cancel, &["esc"]),
    (Context::Document, Action::Undo, &["ctrl-z"]),
    (Context::Document, Action::ClearQuery, &["ctrl-u"]),
    (Context::Document, Action::NextDocument, &["f2"]),
    (Context::Document, Action::Redo, &["ctrl-y"]),
    (Context::Dashboard, Action::PrevMonth, &["["]),
    (Context::Dashboard, Action::NextMonth, &["]"]),
    (Context::Dashboard, Action::ThisMonth, &["t"]),
    (Context::Dashboard, Action::Up, &["k", "up"]),
    (Context::Dashboard, Action::Down, &["j", "down"]),
    (Context::Dashboard, Action::PageUp, &["pageup", "ctrl-b"]),
    (
        Context::Dashboard,
        Action::PageDown,
        &["pagedown", "ctrl-f"],
    ),
    (Context::Dashboard, Action::Top, &["g", "home"]),
    (Context::Dashboard, Action::Bottom, &["G", "end"]),
    (Context::Dashboard, Action::Open, &["enter", "l", "right"]),
    (
        Context::Dashboard,
        Action::Parent,
        &["backspace", "h", "left"],
    ),
    (Context::Dashboard, Action::Back, &["esc"]),
    (Context::Dashboard, Action::Quotas, &["v"]),
    (Context::Dashboard, Action::Export, &["f6", "x"]),
    (Context::Dashboard, Action::Grades, &["X"]),
];

/// One key with its modifiers, as the keymap compares them. Shift is part of the character
/// for printable keys (`G`, `?`), so it is not kept as a modifier for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl KeyChord {
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> KeyChord {
        let modifiers = match code {
            KeyCode::Char(_) | KeyCode::BackTab => modifiers - KeyModifiers::SHIFT,
            _ => modifiers,
        };
        // Terminals send Ctrl with a letter the same whatever its case.
        let code = match code {
            KeyCode::Char(c) if modifiers.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            code => code,
        };
        KeyChord {
            code,
            modifiers: modifiers
                & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT),
        }
    }

    pub fn of(event: &KeyEvent) -> KeyChord {
        KeyChord::new(event.code, event.modifiers)
    }

    /// A key event as a terminal would send it (for tests and scripted input).
    pub fn event(self) -> KeyEvent {
        KeyEvent::new(self.code, self.modifiers)
    }

    /// Parses `j`, `G`, `?`, `enter`, `ctrl-c`, `alt-x`, `shift-tab`, `f5`, `pagedown` …
    pub fn parse(text: &str) -> Result<KeyChord, String> {
        let mut rest = text;
        let mut modifiers = KeyModifiers::NONE;
        // A key that is itself "-" or ends in "-" ("ctrl--") keeps its last character.
        while let Some((prefix, tail)) = rest.split_once('-').filter(|(_, t)| !t.is_empty()) {
            modifiers |= match prefix.to_ascii_lowercase().as_str() {
                "ctrl" | "c" => KeyModifiers::CONTROL,
                "alt" | "a" | "meta" | "m" => KeyModifiers::ALT,
                "shift" | "s" => KeyModifiers::SHIFT,
                _ => return Err(format!("unknown modifier {prefix:?}")),
            };
            rest = tail;
        }
        let code = parse_code(rest)?;
        let code = match code {
            // shift-g is G; shift-tab is the back-tab key terminals send.
            KeyCode::Char(c) if modifiers.contains(KeyModifiers::SHIFT) => {
                KeyCode::Char(c.to_uppercase().next().unwrap_or(c))
            }
            KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            code => code,
        };
        Ok(KeyChord::new(code, modifiers))
    }
}

fn parse_code(name: &str) -> Result<KeyCode, String> {
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return Ok(KeyCode::Char(c));
    }
    let lower = name.to_ascii_lowercase();
    let code = match lower.as_str() {
        "" => return Err("empty key".into()),
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "backspace" | "bksp" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        "insert" | "ins" => KeyCode::Insert,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pageup" | "pgup" => KeyCode::PageUp,
        "pagedown" | "pgdn" => KeyCode::PageDown,
        "space" => KeyCode::Char(' '),
        "minus" => KeyCode::Char('-'),
        f if f.starts_with('f') => match f[1..].parse::<u8>() {
            Ok(n @ 1..=24) => KeyCode::F(n),
            _ => return Err(format!("unknown key {name:?}")),
        },
        _ => return Err(format!("unknown key {name:?}")),
    };
    Ok(code)
}

impl fmt::Display for KeyChord {
    /// The short form shown in the footer and the help overlay: `Ctrl-c`, `PgDn`, `↑`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            f.write_str("Ctrl-")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            f.write_str("Alt-")?;
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            f.write_str("Shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::Insert => f.write_str("Ins"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// Where a key's action comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    /// Bound by the screen's own context.
    Own(Action),
    /// Bound globally (quit, help, search …).
    Global(Action),
    Unbound,
}

/// The keys of one action in one context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub context: Context,
    pub action: Action,
    pub keys: Vec<KeyChord>,
}

/// What is wrong with a keys file. The defaults stay in force when there is any problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeymapError {
    /// The file could not be read.
    Unreadable {
        path: String,
        reason: String,
    },
    /// Not valid TOML (the parser's message names the line).
    Syntax(String),
    UnknownContext(String),
    NotATable(String),
    UnknownAction {
        context: String,
        action: String,
    },
    /// The keys of an action are neither a string nor a list of strings.
    NotKeys {
        context: String,
        action: String,
    },
    BadKey {
        context: String,
        action: String,
        key: String,
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::defaults()
    }
}

impl Keymap {
    pub fn defaults() -> Keymap {
        let bindings = DEFAULTS
            .iter()
            .map(|(context, action, keys)| Binding {
                context: *context,
                action: *action,
                keys: keys
                    .iter()
                    .map(|k| KeyChord::parse(k).expect("default keys parse"))
                    .collect(),
            })
            .collect();
        Keymap { bindings }
    }

    /// Where the user's keys file lives: `keys.toml` in chibo's config directory.
    pub fn user_file() -> Option<std::path::PathBuf> {
        dirs::config_dir().map(|d| d.join("chibo").join("keys.toml"))
    }

    /// The defaults with the file at `path` applied. A missing file is no problem; a bad one
    /// leaves the defaults whole and says what is wrong.
    pub fn load(path: &Path) -> (Keymap, Option<KeymapError>) {
        match std::fs::read_to_string(path) {
            Ok(text) => match Keymap::defaults().with_overrides(&text) {
                Ok(map) => (map, None),
                Err(e) => (Keymap::defaults(), Some(e)),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Keymap::defaults(), None),
            Err(e) => (
                Keymap::defaults(),
                Some(KeymapError::Unreadable {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                }),
            ),
        }
    }

    /// This keymap with the bindings of a keys file applied, or the first problem found.
    pub fn with_overrides(mut self, text: &str) -> Result<Keymap, KeymapError> {
        let table: toml::Table =
            toml::from_str(text).map_err(|e| KeymapError::Syntax(e.to_string().trim().into()))?;
        for (context_name, actions) in &table {
            let context = Context::parse(context_name)
                .ok_or_else(|| KeymapError::UnknownContext(context_name.clone()))?;
            let actions = actions
                .as_table()
                .ok_or_else(|| KeymapError::NotATable(context_name.clone()))?;
            for (action_name, keys) in actions {
                let action =
                    Action::parse(action_name).ok_or_else(|| KeymapError::UnknownAction {
                        context: context_name.clone(),
                        action: action_name.clone(),
                    })?;
                let keys = parse_keys(keys).map_err(|problem| match problem {
                    None => KeymapError::NotKeys {
                        context: context_name.clone(),
                        action: action_name.clone(),
                    },
                    Some((key, reason)) => KeymapError::BadKey {
                        context: context_name.clone(),
                        action: action_name.clone(),
                        key,
                        reason,
                    },
                })?;
                self.rebind(context, action, keys);
            }
        }
        Ok(self)
    }

    /// Gives `action` exactly `keys` in `context`, taking those keys from its other actions.
    pub fn rebind(&mut self, context: Context, action: Action, keys: Vec<KeyChord>) {
        for binding in self.bindings.iter_mut().filter(|b| b.context == context) {
            binding.keys.retain(|k| !keys.contains(k));
        }
        match self
            .bindings
            .iter_mut()
            .find(|b| b.context == context && b.action == action)
        {
            Some(binding) => binding.keys = keys,
            None => self.bindings.push(Binding {
                context,
                action,
                keys,
            }),
        }
    }

    /// The action `key` asks for in `context` alone.
    pub fn action_in(&self, context: Context, key: &KeyEvent) -> Option<Action> {
        let chord = KeyChord::of(key);
        self.bindings
            .iter()
            .find(|b| b.context == context && b.keys.contains(&chord))
            .map(|b| b.action)
    }

    /// What `key` asks for on a screen of `context`: its own bindings first, then the
    /// global ones, unless the screen takes printable keys as text.
    pub fn resolve(&self, context: Context, key: &KeyEvent, takes_text: bool) -> Resolved {
        if let Some(action) = self.action_in(context, key) {
            return Resolved::Own(action);
        }
        if takes_text && is_text(key) {
            return Resolved::Unbound;
        }
        match self.action_in(Context::Global, key) {
            Some(action) => Resolved::Global(action),
            None => Resolved::Unbound,
        }
    }

    /// The action `key` asks for on a screen of `context`, from wherever it is bound.
    pub fn action(&self, context: Context, key: &KeyEvent, takes_text: bool) -> Option<Action> {
        match self.resolve(context, key, takes_text) {
            Resolved::Own(action) | Resolved::Global(action) => Some(action),
            Resolved::Unbound => None,
        }
    }

    /// The keys bound to `action` in `context`, first the one to show.
    pub fn keys(&self, context: Context, action: Action) -> &[KeyChord] {
        self.bindings
            .iter()
            .find(|b| b.context == context && b.action == action)
            .map_or(&[], |b| b.keys.as_slice())
    }

    /// The bindings of one context, in the order they were declared.
    pub fn bindings(&self, context: Context) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(move |b| b.context == context)
    }
}

/// A key a text field would take as a character (no Ctrl or Alt).
pub fn is_text(key: &KeyEvent) -> bool {
    matches!(key.code, KeyCode::Char(_))
        && !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

/// Keys from a file: one string or a list of strings. `Err(None)`: not strings at all;
/// `Err(Some((key, reason)))`: a string that names no key.
fn parse_keys(value: &toml::Value) -> Result<Vec<KeyChord>, Option<(String, String)>> {
    let texts: Vec<&str> = match value {
        toml::Value::String(s) => vec![s.as_str()],
        toml::Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().ok_or(None))
            .collect::<Result<_, _>>()?,
        _ => return Err(None),
    };
    texts
        .into_iter()
        .map(|t| KeyChord::parse(t).map_err(|reason| Some((t.to_string(), reason))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> KeyEvent {
        KeyChord::parse(text).unwrap().event()
    }

    #[test]
    fn chords_parse_and_print() {
        assert_eq!(KeyChord::parse("G").unwrap().code, KeyCode::Char('G'));
        assert_eq!(
            KeyChord::parse("shift-g").unwrap(),
            KeyChord::parse("G").unwrap()
        );
        assert_eq!(
            KeyChord::parse("Ctrl-C").unwrap(),
            KeyChord::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
        );
        assert_eq!(KeyChord::parse("shift-tab").unwrap().code, KeyCode::BackTab);
        assert_eq!(KeyChord::parse("-").unwrap().code, KeyCode::Char('-'));
        assert_eq!(KeyChord::parse("f12").unwrap().code, KeyCode::F(12));
        assert!(KeyChord::parse("hyper-x").is_err());
        assert!(KeyChord::parse("pagedwn").is_err());
        assert_eq!(KeyChord::parse("ctrl-c").unwrap().to_string(), "Ctrl-c");
        assert_eq!(KeyChord::parse("pagedown").unwrap().to_string(), "PgDn");
    }

    #[test]
    fn shifted_letters_match_whatever_the_terminal_reports() {
        let map = Keymap::defaults();
        let with_shift = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        let without = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::NONE);
        assert_eq!(
            map.action_in(Context::Tree, &with_shift),
            Some(Action::Bottom)
        );
        assert_eq!(map.action_in(Context::Tree, &without), Some(Action::Bottom));
    }

    #[test]
    fn screen_bindings_come_before_global_ones_and_text_keeps_its_letters() {
        let map = Keymap::defaults();
        assert_eq!(
            map.action(Context::Tree, &key("q"), false),
            Some(Action::Quit)
        );
        assert_eq!(
            map.action(Context::Help, &key("q"), false),
            Some(Action::Close)
        );
        assert_eq!(map.action(Context::Search, &key("q"), true), None);
        assert_eq!(
            map.action(Context::Search, &key("ctrl-c"), true),
            Some(Action::Quit)
        );
    }

    #[test]
    fn a_good_file_rebinds_and_takes_keys_from_other_actions() {
        let text = r#"
            [tree]
            down = ["n", "down"]
            up = "j"
            [global]
            quit = []
        "#;
        let map = Keymap::defaults().with_overrides(text).unwrap();
        assert_eq!(map.action_in(Context::Tree, &key("n")), Some(Action::Down));
        assert_eq!(map.action_in(Context::Tree, &key("j")), Some(Action::Up));
        assert_eq!(map.action_in(Context::Tree, &key("k")), None);
        assert!(map.keys(Context::Global, Action::Quit).is_empty());
        // Untouched contexts keep their defaults.
        assert_eq!(
            map.action_in(Context::Members, &key("j")),
            Some(Action::Down)
        );
    }

    #[test]
    fn a_bad_file_names_its_problem() {
        let err = |text: &str| Keymap::defaults().with_overrides(text).unwrap_err();
        assert!(matches!(err("[tree\n"), KeymapError::Syntax(_)));
        assert_eq!(
            err("[forest]\n"),
            KeymapError::UnknownContext("forest".into())
        );
        assert_eq!(
            err("[tree]\nfly = \"f\"\n"),
            KeymapError::UnknownAction {
                context: "tree".into(),
                action: "fly".into()
            }
        );
        assert!(matches!(
            err("[tree]\ndown = 3\n"),
            KeymapError::NotKeys { .. }
        ));
        assert!(matches!(
            err("[tree]\ndown = [\"ctrl-\"]\n"),
            KeymapError::BadKey { .. }
        ));
        assert!(matches!(err("tree = 1\n"), KeymapError::NotATable(_)));
    }

    #[test]
    fn a_missing_file_means_the_defaults_and_a_bad_one_keeps_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.toml");
        let (map, problem) = Keymap::load(&path);
        assert_eq!((map, problem), (Keymap::defaults(), None));
        std::fs::write(&path, "[tree]\ndown = [\"nope-x\"]\n").unwrap();
        let (map, problem) = Keymap::load(&path);
        assert_eq!(map, Keymap::defaults());
        assert!(matches!(problem, Some(KeymapError::BadKey { .. })));
    }

    #[test]
    fn no_default_key_does_two_things_on_one_screen() {
        let map = Keymap::defaults();
        for context in Context::ALL {
            let mut seen = std::collections::HashSet::new();
            for binding in map.bindings(*context) {
                for key in &binding.keys {
                    assert!(seen.insert(*key), "{key} twice in [{}]", context.name());
                }
            }
        }
    }

    #[test]
    fn a_form_types_letters_and_space_but_ctrl_c_still_quits() {
        let map = Keymap::defaults();
        for text in ["q", "a", "y", "space", "?", "/"] {
            assert_eq!(map.action(Context::Form, &key(text), true), None, "{text}");
        }
        assert_eq!(
            map.action(Context::Form, &key("ctrl-c"), true),
            Some(Action::Quit)
        );
        assert_eq!(
            map.action(Context::Confirm, &key("y"), false),
            Some(Action::Accept)
        );
    }

    #[test]
    fn every_action_name_round_trips() {
        for action in Action::ALL {
            assert_eq!(Action::parse(action.name()), Some(*action));
        }
        for context in Context::ALL {
            assert_eq!(Context::parse(context.name()), Some(*context));
        }
    }
}
