//! The App: one state, the messages that change it, `update` (the only place state
//! changes, reading the store as it goes) and `view` (a pure function of the state).
//!
//! Keys become actions through the keymap; an action changes the state of the screen that
//! has the keys, or of the overlay on top. `update` returns [`Effect`]s for the host: redraw
//! when something changed, quit. The host — the local terminal, a test, later an SSH session
//! — feeds messages in and draws when told.

use std::time::Instant;

use chrono::{NaiveDate, NaiveDateTime};
use crossterm::event::{KeyEvent, KeyEventKind};
use ratatui::Frame;
use ratatui::layout::Rect;

mod on_record;

use super::forms;
use super::i18n::Text;
use super::keymap::{Action, Context, Keymap, Resolved};
use super::layout::{Regions, list_rows};
use super::overlay::{Env, Outcome, Overlay};
use super::screens::chrome::{self, Status};
use super::screens::dashboard::{self, DashboardView};
use super::screens::help::Help;
use super::screens::meetings::{self, MeetingsView};
use super::screens::member_detail::{self, MemberDetail};
use super::screens::members::{self, Roster};
use super::screens::org_info::{self, OrgInfo};
use super::screens::quotas::Quotas;
use super::screens::record::editor::Command;
use super::screens::record::{self, MeetingRecord, Tab};
use super::screens::search::Search;
use super::screens::tree::{self, TreeState};
use super::screens::{MonthScreen, Ui};
use super::theme::Theme;
use crate::clock::Clock;
use crate::domain::date::year_month;
use crate::domain::{
    Draft, Lang, Mark, MeetingId, Member, MemberId, MinutesError, MinutesText, OrgId, OrgKind,
    OrgUnit,
};
use crate::io::files::Files;
use crate::store::{Reader, Store, StoreError};

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
    /// The answer to "resume the draft?" when a meeting's record opens.
    ResumeDraft(bool),
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
            Msg::ResumeDraft(yes) => write!(f, "ResumeDraft({yes})"),
        }
    }
}

/// Where a jump lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Org(OrgId),
    Member(MemberId),
    /// A meeting on the meetings screen: its organisation, its month, the cursor on it.
    Meeting(MeetingId),
}

/// What the host must do after an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Something on screen changed: draw.
    Redraw,
    /// The user asked to leave.
    Quit,
}

/// Which screen has the keys when no overlay is open.
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

/// The right pane: the roster of a branch or cell, or what a committee is.
#[derive(Debug)]
pub enum RightPane {
    Nothing,
    Info(OrgInfo),
    Roster(Roster),
}

impl RightPane {
    fn org(&self) -> Option<&OrgUnit> {
        match self {
            RightPane::Nothing => None,
            RightPane::Info(info) => Some(&info.org),
            RightPane::Roster(roster) => Some(&roster.org),
        }
    }
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
    /// Who is at the keys: named on drafts, approvals and amendments.
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
    focus: Focus,
    tree: TreeState,
    right: RightPane,
    detail: Option<MemberDetail>,
    meetings: Option<MeetingsView>,
    /// Where the keys go back to when the meetings screen closes.
    before_meetings: Focus,
    /// The meeting whose roll and minutes are open.
    record: Option<MeetingRecord>,
    dashboard: Option<DashboardView>,
    /// Where the keys go back to when the dashboard closes.
    before_dashboard: Focus,
    files: Files,
    /// A meeting chosen on the meetings screen, to open once the screen is done reading.
    opening: Option<MeetingId>,
    actor: String,
    /// Search, help, forms: the last one is on top and takes the keys.
    overlays: Vec<Box<dyn Overlay>>,
    status: Option<Status>,
    /// This App's id for leases on minutes (see `store::leases`).
    lease_holder: u64,
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
        let mut app = App {
            store,
            lang: options.lang,
            today: options.clock.today(),
            clock: options.clock,
            keymap: options.keymap,
            theme: options.theme,
            size,
            focus: Focus::Tree,
            tree: TreeState::empty(),
            right: RightPane::Nothing,
            detail: None,
            meetings: None,
            before_meetings: Focus::Tree,
            record: None,
            dashboard: None,
            before_dashboard: Focus::Tree,
            files: options.files,
            opening: None,
            actor: options.actor,
            overlays: Vec::new(),
            status: options.notice,
            lease_holder: crate::store::new_holder(),
        };
        let rows = app.tree_rows();
        if let Some(tree) = app.read(|_, r| TreeState::read(r, rows)) {
            app.tree = tree;
            app.read(|app, r| app.show_selection(r));
        }
        app
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        let mut effects = self.handle(msg);
        if self.sync_lease() && !effects.contains(&Effect::Redraw) {
            effects.push(Effect::Redraw);
        }
        effects
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
            // A paste goes to the overlay on top, else to the minutes being edited.
            Msg::Paste(text) => match self.overlays.last_mut() {
                Some(top) => {
                    if top.paste(&text) {
                        vec![Effect::Redraw]
                    } else {
                        Vec::new()
                    }
                }
                None => self.paste(&text),
            },
            Msg::Tick(now) => self.tick(now),
            Msg::ResumeDraft(resume) => {
                self.resume_draft(resume);
                vec![Effect::Redraw]
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
        let member = match (self.focus, &self.detail) {
            (Focus::Detail, Some(detail)) => Some(detail.member.name.as_str()),
            _ => None,
        };
        let path = match (self.focus, &self.meetings, &self.record, &self.dashboard) {
            (Focus::Meetings, Some(view), _, _) => view.path.as_slice(),
            (Focus::Record, _, Some(record), _) => record.path.as_slice(),
            (Focus::Dashboard, _, _, Some(view)) => view.path.as_slice(),
            _ => self.tree.breadcrumb(),
        };
        chrome::header(frame, regions.header, path, member, &ui);
        let keys_here = self.overlays.is_empty();
        match (self.focus, &self.detail, &self.meetings) {
            (Focus::Detail, Some(detail), _) => {
                member_detail::render(frame, regions.body, detail, &ui)
            }
            (Focus::Meetings, _, Some(view)) => {
                meetings::render(frame, regions.body, view, keys_here, &ui)
            }
            (Focus::Dashboard, _, _) if self.dashboard.is_some() => {
                if let Some(view) = &self.dashboard {
                    dashboard::render(frame, regions.body, view, keys_here, &ui);
                }
            }
            (Focus::Record, _, _) if self.record.is_some() => {
                if let Some(record) = &self.record {
                    record::render(frame, regions.body, record, keys_here, &ui);
                }
            }
            _ => {
                let (left, right) = regions.panes();
                tree::render(
                    frame,
                    left,
                    &self.tree,
                    keys_here && self.focus == Focus::Tree,
                    &ui,
                );
                let focused = keys_here && self.focus == Focus::Members;
                match &self.right {
                    RightPane::Roster(roster) => {
                        members::render(frame, right, roster, focused, &ui)
                    }
                    RightPane::Info(info) => org_info::render(frame, right, info, focused, &ui),
                    RightPane::Nothing => {}
                }
            }
        }
        for overlay in &self.overlays {
            overlay.render(frame, regions.body, &ui);
        }
        chrome::status(frame, regions.status, self.status.as_ref(), &ui);
        chrome::footer(frame, regions.footer, self.context(), &ui);
    }

    /// The keymap context of whatever has the keys.
    pub fn context(&self) -> Context {
        match self.overlays.last() {
            Some(overlay) => overlay.context(),
            None => self.screen_context(),
        }
    }

    pub fn focus(&self) -> Focus {
        self.focus
    }

    pub fn tree(&self) -> &TreeState {
        &self.tree
    }

    pub fn right(&self) -> &RightPane {
        &self.right
    }

    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The meeting whose record (roll-call and minutes) is open.
    pub fn record(&self) -> Option<&MeetingRecord> {
        match self.focus {
            Focus::Record => self.record.as_ref(),
            _ => None,
        }
    }

    /// The dashboard, while it is open.
    pub fn dashboard(&self) -> Option<&DashboardView> {
        match self.focus {
            Focus::Dashboard => self.dashboard.as_ref(),
            _ => None,
        }
    }

    /// The meetings screen, while it is open.
    pub fn meetings(&self) -> Option<&MeetingsView> {
        match self.focus {
            Focus::Meetings => self.meetings.as_ref(),
            _ => None,
        }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    pub fn today(&self) -> NaiveDate {
        self.today
    }

    /// The organisation selected in the tree, or shown on the meetings screen: what an org
    /// form (add below, rename, move, dissolve) or a meeting form acts on.
    pub fn selected_org(&self) -> Option<&OrgUnit> {
        if let Some(view) = self.dashboard() {
            return Some(&view.node);
        }
        match self.meetings() {
            Some(view) => Some(&view.node),
            None => self.tree.selected().map(|node| &node.org),
        }
    }

    /// The member selected in the list or open in the details: what a member form acts on.
    pub fn selected_member(&self) -> Option<&Member> {
        match (self.focus, &self.detail, &self.right) {
            (Focus::Detail, Some(detail), _) => Some(&detail.member),
            (Focus::Members, _, RightPane::Roster(roster)) => roster.selected(),
            _ => None,
        }
    }

    fn ui(&self) -> Ui<'_> {
        Ui {
            lang: self.lang,
            today: self.today,
            theme: self.theme,
            keymap: &self.keymap,
        }
    }

    fn screen_context(&self) -> Context {
        match self.focus {
            Focus::Tree => Context::Tree,
            Focus::Members => Context::Members,
            Focus::Detail => Context::Detail,
            Focus::Meetings => Context::Meetings,
            Focus::Dashboard => Context::Dashboard,
            Focus::Record => match self.record.as_ref().map(MeetingRecord::tab) {
                Some(Tab::Roll) | None => Context::Roll,
                Some(_) => Context::Minutes,
            },
        }
    }

    fn regions(&self) -> Option<Regions> {
        Regions::of(self.size)
    }

    fn tree_rows(&self) -> usize {
        self.regions().map_or(1, |r| list_rows(r.panes().0))
    }

    fn roster_rows(&self) -> usize {
        self.regions().map_or(1, |r| list_rows(r.panes().1))
    }

    fn body(&self) -> Rect {
        self.regions().map_or(self.size, |r| r.body)
    }

    /// Runs `f` on a fresh snapshot of the store; a failure goes to the status line (and the
    /// log) instead of ending the App.
    fn read<T>(&mut self, f: impl FnOnce(&mut App, &Reader) -> Result<T, StoreError>) -> Option<T> {
        let store = self.store.clone();
        match store.read().and_then(|reader| f(self, &reader)) {
            Ok(value) => Some(value),
            Err(e) => {
                tracing::warn!(error = %e, "store read failed");
                self.status = Some(Status {
                    text: e.message(self.lang),
                    error: true,
                });
                None
            }
        }
    }

    fn on_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        let had_status = self.status.take().is_some();
        let mut effects = Vec::new();
        let changed = if self.regions().is_none() {
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
            let context = self.screen_context();
            let typing = context == Context::Minutes;
            match self.keymap.resolve(context, key, typing) {
                Resolved::Own(action) => self.screen_action(action),
                Resolved::Global(action) => self.global(action, context, &mut effects),
                Resolved::Unbound if typing => self.type_key(key),
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
                // What is typed and not yet saved is kept as a draft, to resume next time.
                self.save_draft(Instant::now());
                effects.push(Effect::Quit);
                false
            }
            Action::Help if context != Context::Help => {
                self.overlays.push(Box::new(Help::new(context)));
                true
            }
            Action::Search if self.overlays.is_empty() => {
                self.overlays.push(Box::new(Search::new()));
                true
            }
            Action::Reload => {
                self.reload();
                if self.status.is_none() {
                    self.info(Text::Reloaded);
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
            area: self.body(),
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

    /// An action of the screen that has the keys.
    fn screen_action(&mut self, action: Action) -> bool {
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
        match action {
            Action::Calendar => return self.open_meetings(),
            Action::Quotas => return self.open_quotas(),
            Action::Dashboard => return self.open_dashboard(),
            _ => {}
        }
        match self.focus {
            Focus::Tree => self.tree_action(action),
            Focus::Members => self.members_action(action),
            Focus::Detail => self.detail_action(action),
            Focus::Meetings => self.meetings_action(action),
            Focus::Record => self.record_action(action),
            Focus::Dashboard => self.dashboard_action(action),
        }
    }

    /// The editing form an action opens over the current screen, if it opens one, or why it
    /// cannot open here (no branch selected, say). Forms are overlays (`overlay.rs`) with
    /// their own keymap context; what they act on comes from [`App::selected_org`] and
    /// [`App::selected_member`].
    fn form_for(&self, action: Action) -> Option<Result<Box<dyn Overlay>, Status>> {
        let calendar = match (&self.record, self.meetings()) {
            (Some(record), _) if self.focus == Focus::Record => Some(forms::CalendarSubject {
                node: &record.org,
                month: year_month(record.meeting.date),
                meeting: Some(&record.meeting),
                unit: None,
            }),
            (_, Some(view)) => Some(forms::CalendarSubject {
                node: &view.node,
                month: view.month(),
                meeting: view.selected_meeting(),
                unit: view.selected_unit(),
            }),
            _ => None,
        };
        let subject = forms::Subject {
            context: self.screen_context(),
            lang: self.lang,
            today: self.today,
            now: self.now(),
            org: self.selected_org(),
            member: self.selected_member(),
            calendar,
            files: &self.files,
        };
        forms::open(action, &subject, &self.store)
    }

    /// The organisation the meetings screen and the quotas open on: what is selected in
    /// the tree, or the branch whose members are listed.
    fn org_for_meetings(&self) -> Option<OrgUnit> {
        match (self.focus, &self.right) {
            (Focus::Members, RightPane::Roster(roster)) => Some(roster.org.clone()),
            _ => self.selected_org().cloned(),
        }
    }

    /// `c`: the meetings of the selected organisation, this month.
    fn open_meetings(&mut self) -> bool {
        let Some(org) = self.org_for_meetings() else {
            self.error(Text::PickAnOrg);
            return true;
        };
        let (today, body) = (self.today, self.body());
        if let Some(view) = self.read(|_, r| MeetingsView::open(r, org, today, body)) {
            if self.focus != Focus::Meetings {
                self.before_meetings = self.focus;
            }
            self.meetings = Some(view);
            self.focus = Focus::Meetings;
        }
        true
    }

    /// `v`: committee members' visits against their quotas, for the selected organisation.
    fn open_quotas(&mut self) -> bool {
        let Some(org) = self.org_for_meetings() else {
            self.error(Text::PickAnOrg);
            return true;
        };
        let today = self.today;
        if let Some(quotas) = self.read(|_, r| Quotas::read(r, &org, today)) {
            self.overlays.push(Box::new(quotas));
        }
        true
    }

    /// `b`: the dashboard of the selected organisation — from the meetings screen, of its
    /// organisation and month; elsewhere this month.
    fn open_dashboard(&mut self) -> bool {
        let Some(org) = self.org_for_meetings() else {
            self.error(Text::PickAnOrg);
            return true;
        };
        let month = self
            .meetings()
            .map_or(year_month(self.today), MeetingsView::month);
        let (today, body) = (self.today, self.body());
        if let Some(view) = self.read(|_, r| DashboardView::open(r, org, month, today, body)) {
            self.before_dashboard = self.focus;
            self.dashboard = Some(view);
            self.focus = Focus::Dashboard;
        }
        true
    }

    fn close_dashboard(&mut self) {
        self.dashboard = None;
        self.focus = self.before_dashboard;
        self.leave_right_pane();
    }

    fn dashboard_action(&mut self, action: Action) -> bool {
        if self.dashboard.is_none() {
            self.focus = Focus::Tree;
            return true;
        }
        let page = self.dashboard.as_ref().map_or(1, DashboardView::page);
        let before = self
            .dashboard
            .as_ref()
            .map(|v| (v.node.id, v.month(), v.cursor()));
        let stays = self.read(|app, r| {
            let Some(view) = app.dashboard.as_mut() else {
                return Ok(false);
            };
            if view.navigate(r, action, page)? {
                return Ok(true);
            }
            match action {
                Action::Open => {
                    view.open_selected(r)?;
                }
                Action::Parent => return view.up(r),
                Action::Back => return view.back(r),
                _ => {}
            }
            Ok(true)
        });
        if stays == Some(false) {
            self.close_dashboard();
            return true;
        }
        let after = self
            .dashboard
            .as_ref()
            .map(|v| (v.node.id, v.month(), v.cursor()));
        before != after
    }

    fn close_meetings(&mut self) {
        self.meetings = None;
        self.focus = self.before_meetings;
        self.leave_right_pane();
    }

    fn meetings_action(&mut self, action: Action) -> bool {
        if self.meetings.is_none() {
            self.focus = Focus::Tree;
            return true;
        }
        let page = self.meetings.as_ref().map_or(1, MeetingsView::page);
        let before = self
            .meetings
            .as_ref()
            .map(|v| (v.node.id, v.month(), v.cursor()));
        let went_back = self.read(|app, r| {
            let Some(view) = app.meetings.as_mut() else {
                return Ok(true);
            };
            if view.navigate(r, action, page)? {
                return Ok(false);
            }
            match action {
                Action::Open => {
                    if let Some(id) = view.selected_meeting().map(|m| m.id) {
                        app.opening = Some(id);
                    } else {
                        view.open_unit(r)?;
                    }
                }
                Action::Back => return view.back(r).map(|went| !went),
                _ => {}
            }
            Ok(false)
        });
        if went_back == Some(true) {
            self.close_meetings();
            return true;
        }
        if let Some(id) = self.opening.take() {
            return self.open_record(id);
        }
        let after = self
            .meetings
            .as_ref()
            .map(|v| (v.node.id, v.month(), v.cursor()));
        before != after
    }

    fn tree_action(&mut self, action: Action) -> bool {
        if action == Action::SwitchPane {
            return self.focus_members();
        }
        let before = (self.tree.cursor(), self.tree.len());
        let page = self.tree.page();
        self.read(|app, r| {
            let tree = &mut app.tree;
            match action {
                Action::Up => tree.step(r, -1),
                Action::Down => tree.step(r, 1),
                Action::PageUp => tree.step(r, -page),
                Action::PageDown => tree.step(r, page),
                Action::Top => tree.to_top(r),
                Action::Bottom => tree.to_bottom(r),
                Action::Expand => tree.expand(r),
                Action::Collapse => tree.collapse(r),
                Action::Toggle => tree.toggle(r),
                _ => Ok(()),
            }?;
            app.show_selection(r)
        });
        before != (self.tree.cursor(), self.tree.len())
    }

    fn focus_members(&mut self) -> bool {
        if matches!(self.right, RightPane::Roster(_)) {
            self.focus = Focus::Members;
        } else {
            self.info(Text::PickABranch);
        }
        true
    }

    fn members_action(&mut self, action: Action) -> bool {
        let RightPane::Roster(roster) = &self.right else {
            self.focus = Focus::Tree;
            return true;
        };
        match action {
            Action::Back | Action::SwitchPane => {
                self.focus = Focus::Tree;
                return true;
            }
            Action::Open => {
                let Some(id) = roster.selected().map(|m| m.id) else {
                    return false;
                };
                return self.open_detail(id);
            }
            _ => {}
        }
        let page = roster.page();
        self.read(|app, r| {
            let RightPane::Roster(roster) = &mut app.right else {
                return Ok(false);
            };
            let before = roster.selected().map(|m| m.id);
            match action {
                Action::Up => roster.step(r, -1),
                Action::Down => roster.step(r, 1),
                Action::PageUp => roster.step(r, -page),
                Action::PageDown => roster.step(r, page),
                Action::Top => roster.to_top(r),
                Action::Bottom => roster.to_bottom(r),
                _ => Ok(()),
            }?;
            Ok(before != roster.selected().map(|m| m.id))
        })
        .unwrap_or(true)
    }

    fn open_detail(&mut self, id: MemberId) -> bool {
        match self.read(|_, r| MemberDetail::read(r, id)) {
            Some(Some(detail)) => {
                self.detail = Some(detail);
                self.focus = Focus::Detail;
            }
            Some(None) => self.error(Text::NotFound),
            None => {}
        }
        true
    }

    fn detail_action(&mut self, action: Action) -> bool {
        let area = self.body();
        let ui = Ui {
            lang: self.lang,
            today: self.today,
            theme: self.theme,
            keymap: &self.keymap,
        };
        let Some(detail) = self.detail.as_mut() else {
            self.focus = Focus::Members;
            return true;
        };
        let page = super::layout::text_rows(area) as isize;
        match action {
            Action::Back => {
                self.detail = None;
                self.focus = Focus::Members;
            }
            Action::Up => detail.scroll(-1, area, &ui),
            Action::Down => detail.scroll(1, area, &ui),
            Action::PageUp => detail.scroll(-page, area, &ui),
            Action::PageDown => detail.scroll(page, area, &ui),
            Action::Top => detail.scroll_to_top(),
            Action::Bottom => detail.scroll_to_end(area, &ui),
            _ => return false,
        }
        true
    }

    /// Makes the right pane show the organisation selected in the tree.
    fn show_selection(&mut self, reader: &Reader) -> Result<(), StoreError> {
        let Some(node) = self.tree.selected().cloned() else {
            self.right = RightPane::Nothing;
            self.leave_right_pane();
            return Ok(());
        };
        if self.right.org() == Some(&node.org) {
            return Ok(());
        }
        self.right = if node.org.kind.is_branch() || node.org.kind == OrgKind::Cell {
            RightPane::Roster(Roster::read(
                reader,
                node.org,
                node.totals,
                self.roster_rows(),
            )?)
        } else {
            RightPane::Info(OrgInfo::read(reader, node.org, node.totals)?)
        };
        self.leave_right_pane();
        Ok(())
    }

    /// The keys go back to the tree when the right pane has no list to move in.
    fn leave_right_pane(&mut self) {
        if self.focus == Focus::Members && !matches!(self.right, RightPane::Roster(_)) {
            self.focus = Focus::Tree;
        }
    }

    fn relayout(&mut self) {
        if self.regions().is_none() {
            return;
        }
        let (tree_rows, roster_rows) = (self.tree_rows(), self.roster_rows());
        let body = self.body();
        self.read(|app, r| {
            app.tree.set_height(r, tree_rows)?;
            if let RightPane::Roster(roster) = &mut app.right {
                roster.set_height(r, roster_rows)?;
            }
            if let Some(view) = &mut app.meetings {
                view.set_body(r, body)?;
            }
            if let Some(view) = &mut app.dashboard {
                view.set_body(r, body)?;
            }
            if let Some(record) = &mut app.record {
                record.set_body(body);
            }
            app.show_selection(r)
        });
    }

    fn jump(&mut self, target: Target) {
        let on_record = self.record.as_ref().map(|r| r.meeting.id);
        if self.focus == Focus::Record
            && on_record.is_some_and(|open| target == Target::Meeting(open))
        {
            // A form on the record wrote to its own meeting: stay on the record.
            return;
        }
        if let Target::Meeting(id) = target {
            self.jump_to_meeting(id);
            return;
        }
        self.detail = None;
        if self.focus == Focus::Meetings {
            self.meetings = None;
        }
        if self.focus == Focus::Dashboard {
            self.dashboard = None;
        }
        let found = self.read(|app, r| {
            let (org, member) = match target {
                Target::Meeting(_) => return Ok(false),
                Target::Org(org) => (org, None),
                Target::Member(id) => match r.member(id)? {
                    Some(member) => (member.org, Some(id)),
                    None => return Ok(false),
                },
            };
            if !app.tree.reveal(r, org)? {
                return Ok(false);
            }
            app.show_selection(r)?;
            app.focus = Focus::Tree;
            let Some(member) = member else {
                return Ok(true);
            };
            let RightPane::Roster(roster) = &mut app.right else {
                return Ok(false);
            };
            let found = roster.reveal(r, member)?;
            if found {
                app.focus = Focus::Members;
            }
            Ok(found)
        });
        if found == Some(false) {
            self.error(Text::NotFound);
        }
    }

    /// The meetings screen on `id`'s organisation and month, the cursor on it.
    fn jump_to_meeting(&mut self, id: MeetingId) {
        let (today, body) = (self.today, self.body());
        let found = self.read(|app, r| {
            let Some(meeting) = r.meeting(id)? else {
                return Ok(false);
            };
            if app.meetings.is_none() {
                let Some(org) = r.org(meeting.org)? else {
                    return Ok(false);
                };
                app.meetings = Some(MeetingsView::open(r, org, today, body)?);
            }
            if app.focus != Focus::Meetings {
                app.before_meetings = app.focus;
                app.focus = Focus::Meetings;
            }
            match app.meetings.as_mut() {
                Some(view) => view.reveal_meeting(r, &meeting),
                None => Ok(false),
            }
        });
        if found == Some(false) {
            self.error(Text::NotFound);
        }
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
        if let Some(view) = self.meetings.as_mut() {
            view.set_today(today);
        }
        if let Some(view) = self.dashboard.as_mut() {
            view.set_today(today);
        }
        self.reload();
        true
    }

    /// Reads everything shown again, keeping the selection where it still exists.
    fn reload(&mut self) {
        let member = self.selected_member().map(|m| m.id);
        let detail_open = self.focus == Focus::Detail;
        self.read(|app, r| {
            app.tree.reload(r)?;
            app.right = RightPane::Nothing;
            app.show_selection(r)?;
            if let (Some(id), RightPane::Roster(roster)) = (member, &mut app.right) {
                roster.reveal(r, id)?;
            }
            Ok(())
        });
        self.read(|app, r| match app.meetings.as_mut() {
            Some(view) => view.reload(r),
            None => Ok(()),
        });
        self.read(|app, r| match app.dashboard.as_mut() {
            Some(view) => view.reload(r),
            None => Ok(()),
        });
        let record_gone = self.read(|app, r| match app.record.as_mut() {
            Some(record) => record.reload(r).map(|found| !found),
            None => Ok(false),
        });
        if record_gone == Some(true) {
            self.record = None;
            if self.focus == Focus::Record {
                self.focus = Focus::Meetings;
            }
        }
        if let (true, Some(id)) = (detail_open, member) {
            match self.read(|_, r| MemberDetail::read(r, id)).flatten() {
                Some(detail) => self.detail = Some(detail),
                None => {
                    self.detail = None;
                    self.focus = Focus::Members;
                }
            }
        }
        self.leave_right_pane();
    }

    fn info(&mut self, text: Text) {
        self.status = Some(Status {
            text: text.get(self.lang).to_string(),
            error: false,
        });
    }

    fn error(&mut self, text: Text) {
        self.status = Some(Status {
            text: text.get(self.lang).to_string(),
            error: true,
        });
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
}
