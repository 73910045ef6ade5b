//! The App: a stack of screens (`screen.rs`) with a stack of overlays over them, the
//! messages that change it, `update` (the only place state changes, reading the store as
//! it goes) and `view` (a pure function of the state).
//!
//! Keys become actions through the keymap, in the context of whatever has the keys: the
//! overlay on top, else the screen on top. A screen answers an action with a [`Step`]
//! (changed, back, push a screen, open an overlay), which the App follows. `update`
//! returns [`Effect`]s for the host: redraw when something changed, quit. The host — the
//! local terminal, a test, an SSH session — feeds messages in and draws when told.

use std::time::Instant;

use chrono::{NaiveDate, NaiveDateTime};
use crossterm::event::{KeyEvent, KeyEventKind};
use ratatui::Frame;
use ratatui::layout::Rect;

use super::forms;
use super::i18n::Text;
use super::keymap::{Action, Context, Keymap, Resolved};
use super::layout::Regions;
use super::overlay::{Env, Outcome, Overlay};
pub use super::screen::Target;
use super::screen::{CommandInfo, Cx, Later, Screen, ScreenMsg, Step};
use super::screens::Ui;
use super::screens::chrome::{self, Status};
use super::screens::dashboard::DashboardView;
use super::screens::help::Help;
use super::screens::home::Home;
pub use super::screens::home::RightPane;
use super::screens::meetings::MeetingsView;
use super::screens::record::{self, MeetingRecord};
use super::screens::search::Search;
use super::screens::tree::TreeState;
use super::theme::Theme;
use crate::clock::Clock;
use crate::domain::{Lang, MeetingId, Member, OrgUnit, Place, PlaceScreen};
use crate::io::files::Files;
use crate::store::{Command, Store, StoreError};

/// Everything that can change the App.
pub enum Msg {
    /// A key from the terminal.
    Key(KeyEvent),
    /// The terminal's new size.
    Resize { width: u16, height: u16 },
    /// Select an organisation in the tree, or a member in their branch's list.
    JumpTo(Target),
    /// The store changed (a form wrote, another user wrote): read what is shown again.
    DataChanged,
    /// Put an overlay (a form, a confirmation) on top; it takes the keys until it closes.
    Open(Box<dyn Overlay>),
    /// Show a message in the status line.
    Status(Status),
    /// Several messages, handled in order: after a form writes, read again, go to what it
    /// made, say what was done.
    Batch(Vec<Msg>),
    /// Text pasted into the terminal (bracketed paste), whole.
    Paste(String),
    /// Time passes: what is due (autosaving a draft) is done.
    Tick(Instant),
    /// A message for the screen on top from an overlay it opened (the answer to "resume
    /// the draft?").
    ToScreen(ScreenMsg),
}

impl std::fmt::Debug for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Msg::Key(key) => f.debug_tuple("Key").field(key).finish(),
            Msg::Resize { width, height } => write!(f, "Resize({width}×{height})"),
            Msg::JumpTo(target) => f.debug_tuple("JumpTo").field(target).finish(),
            Msg::DataChanged => f.write_str("DataChanged"),
            Msg::Open(overlay) => write!(f, "Open({:?})", overlay.context()),
            Msg::Status(status) => f.debug_tuple("Status").field(status).finish(),
            Msg::Batch(msgs) => f.debug_list().entries(msgs).finish(),
            Msg::Paste(text) => write!(f, "Paste({} chars)", text.chars().count()),
            Msg::Tick(_) => f.write_str("Tick"),
            Msg::ToScreen(msg) => f.debug_tuple("ToScreen").field(msg).finish(),
        }
    }
}

/// What the host must do after an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Something on screen changed: draw.
    Redraw,
    /// The user asked to leave.
    Quit,
}

/// Which screen has the keys when no overlay is open: read from the screen on top, for
/// hosts and tests that ask where the user is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Tree,
    Members,
    Detail,
    /// The meetings of an organisation: a month's calendar and its branches.
    Meetings,
    /// One meeting's roll-call and minutes.
    Record,
    /// An organisation's month at a glance: numbers, trend, units below worst first.
    Dashboard,
}

/// How the App starts.
pub struct Options {
    pub lang: Lang,
    /// Where today's date and the time stamped on what is written come from.
    pub clock: Clock,
    pub keymap: Keymap,
    pub theme: Theme,
    /// A message for the status line at start (a problem with the keys file, say).
    pub notice: Option<Status>,
    /// The login of who is at the keys: named on drafts, approvals and amendments — with
    /// the full name of the chibo user of that login, when there is one.
    pub actor: String,
    /// Where documents to attach come from and exports go: paths and the folder chibo was
    /// started in at the local terminal, the user's own space over SSH.
    pub files: Files,
}

impl Options {
    pub fn new(lang: Lang, clock: Clock) -> Options {
        Options {
            lang,
            clock,
            keymap: Keymap::defaults(),
            theme: Theme::from_env(),
            notice: None,
            actor: crate::store::local_user(),
            files: Files::Local {
                export_dir: std::path::PathBuf::from("."),
            },
        }
    }
}

pub struct App {
    store: Store,
    lang: Lang,
    clock: Clock,
    /// The day the screens were read on: moved on when the clock passes midnight.
    today: NaiveDate,
    keymap: Keymap,
    theme: Theme,
    size: Rect,
    /// The screen at the bottom of the stack, never taken off: the tree and its right pane.
    home: Home,
    /// The screens opened over it, the last on top: going back takes the top one off.
    above: Vec<Box<dyn Screen>>,
    files: Files,
    /// Who is at the keys, as named on drafts, approvals and amendments: `Phạm Ngọc Đường
    /// (bt.khu2)`, or the login alone.
    actor: String,
    /// The place last read or kept for the acting user (see [`App::reopen`]): kept again
    /// only when it has changed.
    kept_place: Option<Place>,
    /// Search, help, forms: the last one is on top and takes the keys.
    overlays: Vec<Box<dyn Overlay>>,
    status: Option<Status>,
    /// This App's id for leases on minutes (see `store::leases`).
    lease_holder: u64,
    /// Writes of closed screens still waiting for the store's answer.
    later: Vec<Later>,
    /// What the store's writing was when last looked at: `None` fine, `Some(false)` failing
    /// (the store reopens the database), `Some(true)` given up. The status line says when
    /// it changes.
    writes: Option<bool>,
}

/// The screens, taken apart from the rest of the App so one can be handed a [`Cx`].
struct Stack<'a> {
    home: &'a mut Home,
    above: &'a mut Vec<Box<dyn Screen>>,
}

impl Stack<'_> {
    fn top(&mut self) -> &mut dyn Screen {
        match self.above.last_mut() {
            Some(screen) => screen.as_mut(),
            None => self.home,
        }
    }

    /// Every screen, the bottom one first.
    fn all(&mut self) -> impl Iterator<Item = &mut dyn Screen> {
        let home: &mut dyn Screen = self.home;
        std::iter::once(home).chain(self.above.iter_mut().map(|s| s.as_mut() as &mut dyn Screen))
    }
}

/// An App that ends (its session closed) lets go of the minutes it was editing at once,
/// rather than when its lease runs out.
impl Drop for App {
    fn drop(&mut self) {
        let _ = self.store.hold_minutes(self.lease_holder, None);
    }
}

impl App {
    /// An App over `store`, reading the top of the tree. Until the first `Resize` it
    /// assumes the smallest terminal it works in.
    pub fn new(store: Store, options: Options) -> App {
        let size = Rect::new(0, 0, super::layout::MIN_WIDTH, super::layout::MIN_HEIGHT);
        let regions = Regions::at_least(size);
        let lease_holder = crate::store::new_holder();
        // A chibo user of the actor's login — the SSH user, or the person at the local
        // terminal when registered — is named in full.
        let actor = match store.user(&options.actor) {
            Ok(Some(user)) => user.signature(),
            _ => options.actor,
        };
        let mut app = App {
            // Every change goes out as this App, so the minutes another App holds refuse it.
            store: store.for_holder(lease_holder),
            lang: options.lang,
            today: options.clock.today(),
            clock: options.clock,
            keymap: options.keymap,
            theme: options.theme,
            size,
            home: Home::empty(regions),
            above: Vec::new(),
            files: options.files,
            actor,
            kept_place: None,
            overlays: Vec::new(),
            status: options.notice,
            lease_holder,
            later: Vec::new(),
            writes: None,
        };
        let (_, mut cx) = app.split();
        let today = cx.today;
        if let Some(home) = cx.read(|r| Home::read(r, regions, today)) {
            app.home = home;
        }
        app
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        let mut effects = self.handle(msg);
        let asked = self.sync_lease() | self.ask_questions();
        if asked && !effects.contains(&Effect::Redraw) {
            effects.push(Effect::Redraw);
        }
        effects
    }

    /// A question the screen on top has to ask now, asked when nothing else is open.
    fn ask_questions(&mut self) -> bool {
        if !self.overlays.is_empty() {
            return false;
        }
        let (mut stack, mut cx) = self.split();
        let Some(question) = stack.top().question(&mut cx) else {
            return false;
        };
        self.overlays.push(question);
        true
    }

    /// Waits until the store's writer has answered everything handed to it, and shows the
    /// answers: for a host about to end the App, and for tests.
    pub fn settle(&mut self) -> Vec<Effect> {
        self.store.settle();
        let mut answered = self.take_later_answers();
        let (mut stack, mut cx) = self.split();
        for screen in stack.all() {
            answered |= screen.take_answers(&mut cx);
        }
        let asked = self.sync_lease() | self.ask_questions();
        redraw_if(answered || asked)
    }

    /// The closed records whose last roll change is answered: their marks need the
    /// journal no more.
    fn settle_rolls(&self, meetings: Vec<MeetingId>) {
        let login = self.store.access().login.clone();
        for meeting in meetings {
            self.store
                .journal_roll(meeting, &login, &[], self.clock.now());
        }
    }

    /// Answers to writes of closed screens: a refusal is said in the status line. Whether
    /// one came.
    fn take_later_answers(&mut self) -> bool {
        let mut came = false;
        let mut refusals = Vec::new();
        let mut settled = Vec::new();
        self.later.retain(|later| match later.pending.try_take() {
            None => true,
            Some(answer) => {
                came = true;
                if let Err(e) = answer {
                    tracing::warn!(error = %e, "a write of a closed screen was refused");
                    refusals.push((later.refused)(self.lang, &e));
                }
                settled.extend(later.settles_roll);
                false
            }
        });
        self.settle_rolls(settled);
        if let Some(refusal) = refusals.pop() {
            self.split().1.refuse(refusal);
        }
        came
    }

    fn handle(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(key) => self.on_key(&key),
            Msg::Resize { width, height } => {
                self.size = Rect::new(0, 0, width, height);
                self.relayout();
                vec![Effect::Redraw]
            }
            Msg::JumpTo(target) => {
                self.jump(target);
                vec![Effect::Redraw]
            }
            Msg::DataChanged => {
                self.reload();
                vec![Effect::Redraw]
            }
            Msg::Open(overlay) => {
                self.overlays.push(overlay);
                vec![Effect::Redraw]
            }
            Msg::Status(status) => {
                self.status = Some(status);
                vec![Effect::Redraw]
            }
            // A paste goes to the overlay on top, else to the screen (the minutes).
            Msg::Paste(text) => {
                let took = match self.overlays.last_mut() {
                    Some(top) => top.paste(&text),
                    None => {
                        let (mut stack, mut cx) = self.split();
                        stack.top().paste(&text, &mut cx)
                    }
                };
                redraw_if(took)
            }
            Msg::Tick(now) => self.tick(now),
            Msg::ToScreen(msg) => {
                let (mut stack, mut cx) = self.split();
                redraw_if(stack.top().on_msg(msg, &mut cx))
            }
            Msg::Batch(msgs) => {
                let mut effects = Vec::new();
                for effect in msgs.into_iter().flat_map(|msg| self.update(msg)) {
                    if !effects.contains(&effect) {
                        effects.push(effect);
                    }
                }
                effects
            }
        }
    }

    /// Draws the whole screen from the state; reads nothing from the store.
    pub fn view(&self, frame: &mut Frame<'_>) {
        let area = frame.area();
        let ui = self.ui();
        let Some(regions) = Regions::of(area) else {
            chrome::too_small(frame, area, &ui);
            return;
        };
        let top = self.top();
        chrome::header(frame, regions.header, self.path(), top.member_name(), &ui);
        top.render(frame, regions.body, self.overlays.is_empty(), &ui);
        for overlay in &self.overlays {
            overlay.render(frame, regions.body, &ui);
        }
        chrome::status(frame, regions.status, self.status.as_ref(), &ui);
        let typing = match self.overlays.last() {
            Some(overlay) => overlay.takes_text(),
            None => top.typing(),
        };
        let keys = (self.context(), typing);
        chrome::footer(frame, regions.footer, keys, &self.commands(), &ui);
    }

    /// The actions of `context` that can do nothing now, when a screen has the keys.
    fn unavailable(&self, context: Context) -> Vec<Action> {
        if !self.overlays.is_empty() {
            return Vec::new();
        }
        let top = self.top();
        self.keymap
            .bindings(context)
            .map(|binding| binding.action)
            .filter(|action| !top.can(*action))
            .collect()
    }

    /// What whatever has the keys offers in the footer now.
    pub fn commands(&self) -> Vec<CommandInfo> {
        match self.overlays.last() {
            Some(overlay) => overlay.commands(),
            None => self.top().commands(),
        }
    }

    /// The keymap context of whatever has the keys.
    pub fn context(&self) -> Context {
        match self.overlays.last() {
            Some(overlay) => overlay.context(),
            None => self.top().context(),
        }
    }

    /// Which screen has the keys.
    pub fn focus(&self) -> Focus {
        match self.top().context() {
            Context::Members => Focus::Members,
            Context::Detail => Focus::Detail,
            Context::Meetings => Focus::Meetings,
            Context::Roll | Context::Minutes => Focus::Record,
            Context::Dashboard => Focus::Dashboard,
            _ => Focus::Tree,
        }
    }

    pub fn tree(&self) -> &TreeState {
        &self.home.tree
    }

    pub fn right(&self) -> &RightPane {
        &self.home.right
    }

    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The meeting whose record (roll-call and minutes) is open.
    pub fn record(&self) -> Option<&MeetingRecord> {
        self.top_as()
    }

    /// The dashboard, while it is open.
    pub fn dashboard(&self) -> Option<&DashboardView> {
        self.top_as()
    }

    /// The meetings screen, while it is open.
    pub fn meetings(&self) -> Option<&MeetingsView> {
        self.top_as()
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    pub fn today(&self) -> NaiveDate {
        self.today
    }

    /// What an org form (add below, rename, move, dissolve) or a meeting form acts on: the
    /// organisation the screen on top shows, or that of the nearest screen below that
    /// shows one — at the bottom, the one selected in the tree.
    pub fn selected_org(&self) -> Option<&OrgUnit> {
        self.screens().rev().find_map(|s| s.selection().org)
    }

    /// The member selected in the list or open in the details: what a member form acts on.
    pub fn selected_member(&self) -> Option<&Member> {
        self.top().selection().member
    }

    fn top(&self) -> &dyn Screen {
        match self.above.last() {
            Some(screen) => screen.as_ref(),
            None => &self.home,
        }
    }

    /// The screen on top as a `T`, when it is one.
    fn top_as<T: 'static>(&self) -> Option<&T> {
        self.top().as_any().downcast_ref()
    }

    /// Every screen, the bottom one first.
    fn screens(&self) -> impl DoubleEndedIterator<Item = &dyn Screen> {
        let home: &dyn Screen = &self.home;
        std::iter::once(home).chain(self.above.iter().map(|s| s.as_ref()))
    }

    /// The breadcrumb: of the screen on top, or of the nearest below that has one.
    fn path(&self) -> &[OrgUnit] {
        self.screens()
            .rev()
            .find_map(|s| s.path())
            .unwrap_or_default()
    }

    fn ui(&self) -> Ui<'_> {
        Ui {
            lang: self.lang,
            today: self.today,
            theme: self.theme,
            keymap: &self.keymap,
        }
    }

    /// The screens, and what one needs to handle a key.
    fn split(&mut self) -> (Stack<'_>, Cx<'_>) {
        let cx = Cx {
            store: &self.store,
            lang: self.lang,
            today: self.today,
            clock: &self.clock,
            regions: Regions::at_least(self.size),
            files: &self.files,
            actor: &self.actor,
            theme: self.theme,
            keymap: &self.keymap,
            status: &mut self.status,
            later: &mut self.later,
        };
        let stack = Stack {
            home: &mut self.home,
            above: &mut self.above,
        };
        (stack, cx)
    }

    fn on_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        let had_status = self.status.take().is_some();
        let mut effects = Vec::new();
        let changed = if Regions::of(self.size).is_none() {
            // Too small to work in: only leaving works.
            let quit = self.keymap.action_in(Context::Global, key) == Some(Action::Quit);
            if quit {
                effects.push(Effect::Quit);
            }
            false
        } else if let Some(top) = self.overlays.last() {
            let context = top.context();
            match self.keymap.resolve(context, key, top.takes_text()) {
                Resolved::Own(action) => self.overlay_key(key, Some(action), &mut effects),
                Resolved::Global(action) => self.global(action, context, &mut effects),
                Resolved::Unbound => self.overlay_key(key, None, &mut effects),
            }
        } else {
            let (context, typing) = (self.top().context(), self.top().typing());
            match self.keymap.resolve(context, key, typing) {
                Resolved::Own(action) => self.screen_action(action),
                Resolved::Global(action) => self.global(action, context, &mut effects),
                Resolved::Unbound if typing => {
                    let (mut stack, mut cx) = self.split();
                    stack.top().on_text(key, &mut cx)
                }
                Resolved::Unbound => false,
            }
        };
        if changed || had_status || self.status.is_some() {
            effects.push(Effect::Redraw);
        }
        effects
    }

    /// Actions bound in the global context: they work on every screen and over overlays.
    fn global(&mut self, action: Action, context: Context, effects: &mut Vec<Effect>) -> bool {
        match action {
            Action::Quit => {
                self.leave_all();
                effects.push(Effect::Quit);
                false
            }
            Action::Help if context != Context::Help => {
                let unavailable = self.unavailable(context);
                let typing = match self.overlays.last() {
                    Some(overlay) => overlay.takes_text(),
                    None => self.top().typing(),
                };
                let help = Help::new(context, unavailable, typing);
                self.overlays.push(Box::new(help));
                true
            }
            Action::Search if self.overlays.is_empty() => {
                self.overlays.push(Box::new(Search::new()));
                true
            }
            Action::Reload => {
                self.reload();
                if self.status.is_none() {
                    self.split().1.info(Text::Reloaded);
                }
                true
            }
            _ => false,
        }
    }

    fn overlay_key(
        &mut self,
        key: &KeyEvent,
        action: Option<Action>,
        effects: &mut Vec<Effect>,
    ) -> bool {
        let Some(mut top) = self.overlays.pop() else {
            return false;
        };
        let mut env = Env {
            store: &self.store,
            lang: self.lang,
            today: self.today,
            now: self.now(),
            keymap: &self.keymap,
            area: Regions::at_least(self.size).body,
        };
        let (keep, changed, then) = match top.on_key(key, action, &mut env) {
            Outcome::Ignored => (true, false, None),
            Outcome::Keep => (true, true, None),
            Outcome::Close => (false, true, None),
            Outcome::Send(msg) => (true, true, Some(msg)),
            Outcome::CloseAndSend(msg) => (false, true, Some(msg)),
        };
        if keep {
            self.overlays.push(top);
        }
        if let Some(msg) = then {
            effects.extend(self.update(msg).into_iter().filter(|e| *e == Effect::Quit));
        }
        changed
    }

    /// An action of the screen that has the keys: the form it opens, if it is an editing
    /// action, else the screen's own.
    fn screen_action(&mut self, action: Action) -> bool {
        // What the screen says cannot run now does not run — neither its own handling nor
        // a form over it — whatever the store would have answered.
        if !self.top().can(action) {
            let (mut stack, mut cx) = self.split();
            match stack.top().why_not(action, &cx) {
                Some(reason) => cx.refuse(reason),
                None => cx.error(Text::NotNow),
            }
            return true;
        }
        match self.form_for(action) {
            Some(Ok(form)) => {
                self.status = form.notice();
                self.overlays.push(form);
                return true;
            }
            Some(Err(refused)) => {
                self.status = Some(refused);
                return true;
            }
            None => {}
        }
        let (mut stack, mut cx) = self.split();
        let step = stack.top().on_action(action, &mut cx);
        self.follow(step)
    }

    /// Does what a screen answered; whether anything changed.
    fn follow(&mut self, step: Step) -> bool {
        match step {
            Step::Ignored => false,
            Step::Changed => true,
            Step::Back => {
                self.back();
                true
            }
            Step::Push(screen) => {
                self.above.push(screen);
                true
            }
            Step::Open(overlay) => {
                self.overlays.push(overlay);
                true
            }
            Step::Then(steps) => {
                let mut changed = false;
                for step in steps {
                    changed |= self.follow(step);
                }
                changed
            }
        }
    }

    /// Takes the top screen off; the one below has the keys again.
    fn back(&mut self) {
        if self.above.pop().is_some() {
            let (mut stack, mut cx) = self.split();
            stack.top().resumed(&mut cx);
        }
    }

    /// The editing form an action opens over the current screen, if it opens one, or why it
    /// cannot open here (no branch selected, say). Forms are overlays (`overlay.rs`) with
    /// their own keymap context; what they act on is what the screen has selected.
    fn form_for(&self, action: Action) -> Option<Result<Box<dyn Overlay>, Status>> {
        let top = self.top();
        let selection = top.selection();
        let subject = forms::Subject {
            context: top.context(),
            lang: self.lang,
            today: self.today,
            now: self.now(),
            org: self.selected_org(),
            member: selection.member,
            calendar: selection.calendar,
            files: &self.files,
        };
        forms::open(action, &subject, &self.store)
    }

    fn relayout(&mut self) {
        let Some(regions) = Regions::of(self.size) else {
            return;
        };
        let (mut stack, mut cx) = self.split();
        for screen in stack.all() {
            cx.read(|r| screen.resize(r, regions));
        }
    }

    /// Shows `target`: the screen that can show it, the ones above it taken off; a meeting
    /// no screen shows gets the meetings screen opened on it.
    fn jump(&mut self, target: Target) {
        let (mut stack, mut cx) = self.split();
        let mut taken = None;
        for (at, screen) in stack
            .all()
            .enumerate()
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
        {
            if let Some(found) = screen.reveal(target, &mut cx) {
                taken = Some((at, found));
                break;
            }
        }
        let found = match taken {
            Some((at, found)) => {
                self.close_above(at);
                found
            }
            None => match target {
                Target::Meeting(id) => self.open_meetings_on(id),
                _ => false,
            },
        };
        if !found {
            self.split().1.error(Text::NotFound);
        }
    }

    /// Takes off every screen above the `depth`-th (the home screen is the 0th), keeping
    /// what is typed in them.
    fn close_above(&mut self, depth: usize) {
        while self.above.len() > depth {
            let (mut stack, mut cx) = self.split();
            stack.top().leave(&mut cx);
            self.above.pop();
        }
    }

    /// The meetings screen on `id`'s organisation and month, the cursor on it, over the
    /// screen on top. False when the meeting is not there.
    fn open_meetings_on(&mut self, id: MeetingId) -> bool {
        let (today, body) = (self.today, Regions::at_least(self.size).body);
        let (_, mut cx) = self.split();
        let opened = cx.read(|r| {
            let Some(meeting) = r.meeting(id)? else {
                return Ok(None);
            };
            let Some(org) = r.org(meeting.org)? else {
                return Ok(None);
            };
            let mut view = MeetingsView::open(r, org, today, body)?;
            let found = view.reveal_meeting(r, &meeting)?;
            Ok(Some((view, found)))
        });
        match opened {
            Some(Some((view, found))) => {
                self.above.push(Box::new(view));
                found
            }
            Some(None) => false,
            None => true,
        }
    }

    /// Opens where the acting user last was when an App of theirs ended (see
    /// [`Store::place`]): the organisation selected in the tree, and over it the screen they
    /// were on — its meetings, its dashboard, or a meeting's record. False, and nothing
    /// changed, when no place was kept or it can no longer be shown (the organisation is
    /// gone or outside the user's scope): the App starts as it would have.
    pub fn reopen(&mut self) -> bool {
        let Ok(Some(place)) = self.store.place() else {
            return false;
        };
        self.kept_place = Some(place);
        let status = self.status.take();
        self.jump(Target::Org(place.org));
        if self.selected_org().map(|o| o.id) != Some(place.org) {
            self.close_above(0);
            self.status = status;
            return false;
        }
        self.status = status;
        match place.screen {
            PlaceScreen::Tree => {}
            PlaceScreen::Meetings => self.open_over_tree(Action::Calendar),
            PlaceScreen::Dashboard => self.open_over_tree(Action::Dashboard),
            PlaceScreen::Record(id) => self.open_minutes(id),
        }
        true
    }

    /// The screen `action` opens from the tree, when it can open there now.
    fn open_over_tree(&mut self, action: Action) {
        if self.above.is_empty() && self.top().can(action) {
            let status = self.status.take();
            self.screen_action(action);
            self.status = status.or(self.status.take());
        }
    }

    /// Where the person at the keys is now, as [`App::reopen`] opens it again.
    pub fn place(&self) -> Option<Place> {
        if let Some(record) = self.record() {
            return Some(Place {
                org: record.org.id,
                screen: PlaceScreen::Record(record.meeting.id),
            });
        }
        let org = self.selected_org()?.id;
        let screen = match self.focus() {
            Focus::Meetings => PlaceScreen::Meetings,
            Focus::Dashboard => PlaceScreen::Dashboard,
            _ => PlaceScreen::Tree,
        };
        Some(Place { org, screen })
    }

    /// Keeps where the person is, for the next App of theirs: one small write when it has
    /// changed, its answer not awaited. A file that cannot be written keeps nothing, and
    /// says nothing: it is a convenience.
    fn keep_place(&mut self) {
        let Some(place) = self.place() else {
            return;
        };
        if self.kept_place == Some(place) || self.store.write_trouble().is_some() {
            return;
        }
        self.kept_place = Some(place);
        drop(self.store.submit(Command::RememberPlace(place)));
    }

    /// Starts on a meeting's record, its month on the meetings screen behind it: the
    /// quick way in for whoever keeps one branch's minutes.
    pub fn open_minutes(&mut self, id: MeetingId) {
        self.jump(Target::Meeting(id));
        let (_, mut cx) = self.split();
        let step = record::open(id, &mut cx);
        self.follow(step);
    }

    /// Moves the screens to the clock's day once it has passed midnight: deadlines,
    /// compliance and the month the screens land on are judged on the new day. Whether
    /// anything was moved.
    pub(super) fn follow_the_day(&mut self) -> bool {
        let today = self.clock.today();
        if today == self.today {
            return false;
        }
        tracing::info!(from = %self.today, to = %today, "the day changes");
        self.today = today;
        let (mut stack, _) = self.split();
        for screen in stack.all() {
            screen.set_today(today);
        }
        self.reload();
        true
    }

    /// Reads everything shown again, keeping the selection where it still exists; a
    /// screen whose subject is gone (a meeting, a member) is taken off.
    fn reload(&mut self) {
        let (stack, mut cx) = self.split();
        cx.read(|r| stack.home.reload(r));
        let mut kept = Vec::new();
        for mut screen in std::mem::take(stack.above) {
            if cx.read(|r| screen.reload(r)) != Some(false) {
                kept.push(screen);
            }
        }
        *stack.above = kept;
    }

    /// Time passes: the day may change, an autosave may be due.
    fn tick(&mut self, now: Instant) -> Vec<Effect> {
        let moved = self.follow_the_day();
        let answered = self.take_later_answers();
        let (mut stack, mut cx) = self.split();
        let mut saved = false;
        for screen in stack.all() {
            saved |= screen.tick(now, &mut cx);
        }
        let told = self.tell_writes();
        redraw_if(moved || saved || answered || told)
    }

    /// Says in the status line when the store starts failing to write, gives up, or writes
    /// again: to everyone, not only to whoever's write failed. Whether it said anything.
    fn tell_writes(&mut self) -> bool {
        let trouble = self.store.write_trouble();
        let writes = trouble
            .as_ref()
            .map(|e| matches!(e, StoreError::WritesStopped { .. }));
        if writes == self.writes {
            return false;
        }
        self.writes = writes;
        let lang = self.lang;
        let (_, mut cx) = self.split();
        match trouble {
            Some(e) => cx.refuse(e.message(lang)),
            None => cx.say(Text::WritesResumed.get(lang).to_string()),
        }
        true
    }

    /// When the host must send the next [`Msg::Tick`]: an autosave's due time, or the
    /// next midnight when the clock's day moves by itself.
    pub fn wake_at(&self) -> Option<Instant> {
        let midnight = self
            .clock
            .until_tomorrow()
            .map(|left| Instant::now() + left);
        // While a closed screen's write is unanswered, look again shortly.
        let answer = (!self.later.is_empty()).then(|| Instant::now() + ANSWER_POLL);
        // While the store cannot write, look now and then whether it can again.
        let writes = self.writes.map(|_| Instant::now() + WRITES_POLL);
        self.screens()
            .filter_map(|s| s.due_at())
            .chain(midnight)
            .chain(answer)
            .chain(writes)
            .min()
    }

    /// Saves what is typed now, whatever the autosave timer says: for a host about to end
    /// the App (a dropped connection, a server shutting down).
    pub fn flush_draft(&mut self) {
        self.leave_all();
        self.store.journal_flush();
        self.store.settle();
        self.take_later_answers();
    }

    /// [`App::flush_draft`], waiting at most `limit` for the store: false when something
    /// handed in is still unanswered then (the disk fails writes, and the store is
    /// reopening the database).
    pub fn flush_within(&mut self, limit: std::time::Duration) -> bool {
        self.leave_all();
        self.store.settle_within(limit)
    }

    /// Once the screens have left ([`App::flush_draft`]): why what was typed may not be in
    /// the database — a write of theirs refused, one still waiting, or the store failing to
    /// write. `None` when everything handed in was written.
    pub fn unsaved(&mut self) -> Option<StoreError> {
        let mut refused = None;
        let mut settled = Vec::new();
        self.later.retain(|later| match later.pending.try_take() {
            None => true,
            Some(answer) => {
                settled.extend(later.settles_roll);
                if let Err(e) = answer {
                    refused = Some(e);
                }
                false
            }
        });
        self.settle_rolls(settled);
        refused.or_else(|| self.store.write_trouble()).or_else(|| {
            (!self.later.is_empty())
                .then(|| StoreError::WriteFailed("still waiting for the database".into()))
        })
    }

    /// What is typed and not yet saved in any screen is kept as a draft, to resume next
    /// time.
    fn leave_all(&mut self) {
        self.keep_place();
        let (mut stack, mut cx) = self.split();
        for screen in stack.all() {
            screen.leave(&mut cx);
        }
    }

    /// Holds the lease on the minutes a screen would edit, or shows them read-only while
    /// another session holds it; lets go of what is no longer open. True when a screen
    /// changed between editable and read-only.
    fn sync_lease(&mut self) -> bool {
        let writes = self.store.access().role.writes_meetings();
        let wanted = self.screens().rev().find_map(|s| s.minutes_wanted(writes));
        let held = self.store.hold_minutes(self.lease_holder, wanted);
        let (mut stack, mut cx) = self.split();
        let mut changed = false;
        for screen in stack.all() {
            changed |= screen.lease_answer(&held, writes, &mut cx);
        }
        changed
    }

    /// Now, by the one clock, to the second.
    fn now(&self) -> NaiveDateTime {
        self.clock.now()
    }
}

/// How often a store that cannot write is asked whether it can again.
const WRITES_POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// How often a write's answer is looked for while one is awaited: short enough that a
/// mark's confirmation shows at once, long enough to leave the processor alone.
pub(super) const ANSWER_POLL: std::time::Duration = std::time::Duration::from_millis(15);

fn redraw_if(changed: bool) -> Vec<Effect> {
    if changed {
        vec![Effect::Redraw]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_app_can_move_to_another_thread() {
        fn is_send<T: Send>() {}
        is_send::<App>();
    }

    /// Everyone is told in their language when the disk fails the store's writes and when
    /// it takes them again; an App that ends meanwhile knows its text may not be saved.
    #[test]
    fn the_status_line_tells_when_writes_fail_and_when_they_work_again() {
        use std::time::Duration;
        let dir = tempfile::tempdir().unwrap();
        let recovery = crate::store::Recovery {
            first_wait: Duration::from_millis(20),
            longest_wait: Duration::from_millis(100),
            give_up_after: Duration::from_secs(60),
        };
        let (store, switch) = crate::store::testkit::sample_on_failing_disk(dir.path(), recovery);
        let mut app = App::new(store.clone(), Options::new(Lang::Vi, Clock::vietnam()));
        assert!(app.unsaved().is_none());

        switch.fail(true);
        let failed = store.write(|w| w.new_meeting_id());
        assert!(failed.is_err());
        // The writer is told by the failed commit and reopens at once for reading.
        let deadline = Instant::now() + Duration::from_secs(5);
        while store.write_trouble().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(
            app.update(Msg::Tick(Instant::now()))
                .contains(&Effect::Redraw)
        );
        let status = app.status().unwrap();
        assert!(status.error);
        assert!(status.text.contains("vẫn được giữ"), "{}", status.text);
        assert!(app.wake_at().is_some(), "looks again until writes work");
        assert!(app.unsaved().is_some());

        switch.fail(false);
        let deadline = Instant::now() + Duration::from_secs(10);
        while store.write_trouble().is_some() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        app.update(Msg::Tick(Instant::now()));
        let status = app.status().unwrap();
        assert!(!status.error);
        assert_eq!(status.text, Text::WritesResumed.get(Lang::Vi));
        assert!(app.flush_within(Duration::from_secs(5)));
        assert!(app.unsaved().is_none());
    }
}
