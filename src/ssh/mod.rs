//! `chibo serve`: an SSH server holding one `Store` and hosting one `App` per session.
//! Public-key auth against chibo's own `users` table; each session's App runs on its own
//! thread on a ratatui backend that writes to its channel, sized by the client's pty.

mod gate;
mod input;
mod output;
mod sftp;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::NaiveDate;

use crate::clock::Clock;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use russh::MethodKind;
use russh::MethodSet;
use russh::keys::{Algorithm, PrivateKey};
use russh::server::{Auth, Handler, Msg, Session};
use russh::{Channel, ChannelId, ChannelMsg};
use tokio::sync::mpsc;

pub use gate::GateLimits;
use gate::{Gate, Pass};
use input::SessionInput;
pub use input::{Input, KeyParser};
use output::{ChannelWriter, Out, QUEUED_FRAMES, STALL_LIMIT};

use crate::domain::{Lang, PublicKey, User};
use crate::io::files::Files;
use crate::io::space::Spaces;
use crate::store::Store;
use crate::ui::app::{App, Msg as AppMsg, Options, Target};

/// How `chibo serve` was asked to run.
pub struct ServeOptions {
    pub listen: SocketAddr,
    pub host_key: PathBuf,
    pub lang: Lang,
    pub clock: Clock,
    /// How many may be signing in at once, and for how long.
    pub gate: GateLimits,
    /// Every user's inbox and exports, beside the database, also served over SFTP.
    pub spaces: Spaces,
}

/// The host key file used when none is given: beside the database.
pub fn default_host_key(db: &Path) -> PathBuf {
    db.with_file_name("chibo_host_ed25519")
}

/// The open sessions, to be told when the server stops.
type Sessions = Arc<Mutex<HashMap<u64, std::sync::mpsc::Sender<Input>>>>;

/// Runs the server until SIGTERM or Ctrl-C; then every session saves its draft and says
/// goodbye before the process ends. While the disk fails writes it serves on (reads, and
/// sign-ins) as the store reopens the database; only when the store gives up writing does
/// it stop, with an error, so that the service manager starts it again.
pub fn serve(store: Store, options: ServeOptions) -> Result<(), String> {
    // Sign-ins and sessions are logged to the same file as the local app's log.
    let _log = crate::log::start();
    tracing::info!(db = %store.path().display(), listen = %options.listen, "chibo serve starts");
    let key = host_key(&options.host_key)?;
    options.spaces.prepare().map_err(|e| {
        format!(
            "{}: {}",
            options.spaces.root().display(),
            e.message(options.lang)
        )
    })?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(run(store, key, options))
}

async fn run(store: Store, key: PrivateKey, options: ServeOptions) -> Result<(), String> {
    match gate::raise_descriptor_limit() {
        Some(limit) => tracing::info!(limit, "open files allowed"),
        None => tracing::warn!("the open-file limit could not be read"),
    }
    let config = Arc::new(russh::server::Config {
        keys: vec![key],
        // Keys only: passwords and keyboard-interactive are never offered, since chibo
        // has no password to check them against.
        methods: MethodSet::from(&[MethodKind::PublicKey][..]),
        auth_rejection_time: Duration::from_millis(300),
        auth_rejection_time_initial: Some(Duration::ZERO),
        max_auth_attempts: 6,
        inactivity_timeout: Some(Duration::from_secs(3600)),
        nodelay: true,
        ..Default::default()
    });
    let sessions: Sessions = Arc::default();
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .map_err(|e| format!("{}: {e}", options.listen))?;
    eprintln!(
        "{} {}",
        options
            .lang
            .pick("chibo đang phục vụ tại", "chibo serving on"),
        options.listen
    );
    let door = Door {
        gate: Gate::new(options.gate),
        config,
        shutdown: tokio::sync::broadcast::channel(1).0,
    };
    let mut server = ChiboServer {
        store,
        lang: options.lang,
        clock: options.clock.clone(),
        spaces: options.spaces.clone(),
        sessions: sessions.clone(),
        next_id: 0,
    };
    let stop = stop_signal();
    tokio::pin!(stop);
    // One throttle per kind of trouble, so a flood at the door never hides running out of
    // descriptors, nor the other way round.
    let (mut crowded, mut exhausted) = (Warned::default(), Warned::default());
    let mut writes = tokio::time::interval(WRITES_LOOKED_AT);
    let mut gave_up = None;
    loop {
        tokio::select! {
            () = &mut stop => break,
            _ = writes.tick() => if server.store.writes_stopped() {
                gave_up = server.store.write_trouble();
                break;
            },
            accepted = listener.accept() => match accepted {
                Ok((socket, peer)) => door.welcome(&mut server, socket, peer, &mut crowded),
                Err(e) if gate::out_of_descriptors(&e) => {
                    exhausted.once_a_while(|| tracing::error!(
                        error = %e,
                        "no file descriptor left: new connections wait until some close"
                    ));
                    // The connection waits in the listen queue; try again shortly.
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "a connection could not be accepted");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
        }
    }
    if let Some(error) = &gave_up {
        tracing::error!(
            error = %error.message(Lang::En),
            "the database cannot be written and the store has given up reopening it: chibo serve exits with an error, for the service manager to start it again"
        );
    }
    stop_sessions(&sessions).await;
    let _ = door.shutdown.send(());
    // Let the farewell reach the clients.
    tokio::time::sleep(Duration::from_millis(200)).await;
    if let Some(error) = gave_up {
        return Err(error.message(options.lang));
    }
    // Stopped while the store was still reopening the database: what sessions handed in
    // since may be lost, and the exit status says so.
    if let Some(error) = server.store.write_trouble() {
        tracing::error!(
            error = %error.message(Lang::En),
            "stopped while the database could not be written: what was typed since may not be saved"
        );
        return Err(error.message(options.lang));
    }
    Ok(())
}

/// How often the server looks whether the store has given up writing.
const WRITES_LOOKED_AT: Duration = Duration::from_secs(1);

/// What every accepted connection goes through before it is a session.
struct Door {
    gate: Gate,
    config: Arc<russh::server::Config>,
    /// Tells the connections the server is stopping.
    shutdown: tokio::sync::broadcast::Sender<()>,
}

impl Door {
    /// Takes a new connection in when there is room for one more signing in, or closes it.
    fn welcome(
        &self,
        server: &mut ChiboServer,
        socket: tokio::net::TcpStream,
        peer: SocketAddr,
        warned: &mut Warned,
    ) {
        let pass = match self.gate.admit(peer.ip()) {
            Ok(pass) => pass,
            Err(why) => {
                warned.once_a_while(
                    || tracing::warn!(%peer, ?why, "too many connections signing in: refused"),
                );
                return;
            }
        };
        let (signed_in, waiting) = tokio::sync::watch::channel(false);
        let handler = server.new_connection(peer, pass, signed_in);
        let config = self.config.clone();
        let grace = self.gate.limits().login_grace;
        let shutdown = self.shutdown.subscribe();
        tokio::spawn(connection(
            socket, config, handler, grace, waiting, shutdown,
        ));
    }
}

/// Runs one connection: it must sign in within `grace` or it is closed, and it ends when
/// the client leaves or the server stops.
async fn connection(
    socket: tokio::net::TcpStream,
    config: Arc<russh::server::Config>,
    handler: Connection,
    grace: Duration,
    mut signed_in: tokio::sync::watch::Receiver<bool>,
    mut shutdown: tokio::sync::broadcast::Receiver<()>,
) {
    let peer = handler.peer;
    let deadline = tokio::time::Instant::now() + grace;
    let started =
        tokio::time::timeout_at(deadline, russh::server::run_stream(config, socket, handler));
    let session = match started.await {
        Ok(Ok(session)) => session,
        Ok(Err(e)) => {
            tracing::debug!(%peer, error = %e, "connection ended before signing in");
            return;
        }
        Err(_) => {
            tracing::info!(%peer, "no sign-in in time: connection closed");
            return;
        }
    };
    let handle = session.handle();
    tokio::pin!(session);
    tokio::select! {
        _ = &mut session => return,
        () = until_signed_in(&mut signed_in) => {}
        () = tokio::time::sleep_until(deadline) => {
            tracing::info!(%peer, "no sign-in in time: connection closed");
            let _ = handle
                .disconnect(russh::Disconnect::ByApplication, "login time is over".into(), String::new())
                .await;
            let _ = tokio::time::timeout(Duration::from_secs(5), &mut session).await;
            return;
        }
    }
    tokio::select! {
        _ = &mut session => {}
        _ = shutdown.recv() => {
            let _ = handle
                .disconnect(russh::Disconnect::ByApplication, "server stopping".into(), String::new())
                .await;
        }
    }
}

/// Ready once the connection has signed in (or its handler is gone, the connection with it).
async fn until_signed_in(signed_in: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = signed_in.wait_for(|yes| *yes).await;
}

/// Keeps a flood from flooding the log as well: a warning at most every ten seconds.
#[derive(Default)]
struct Warned {
    last: Option<std::time::Instant>,
}

impl Warned {
    fn once_a_while(&mut self, warn: impl FnOnce()) {
        let now = std::time::Instant::now();
        if self
            .last
            .is_none_or(|at| now.duration_since(at) >= Duration::from_secs(10))
        {
            self.last = Some(now);
            warn();
        }
    }
}

async fn stop_signal() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(term) => term,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}

/// Tells every session to save and leave, and waits (a few seconds at most) until they have.
async fn stop_sessions(sessions: &Sessions) {
    let senders: Vec<_> = sessions
        .lock()
        .map(|s| s.values().cloned().collect())
        .unwrap_or_default();
    for tx in senders {
        let _ = tx.send(Input::Shutdown);
    }
    for _ in 0..50 {
        if sessions.lock().map(|s| s.is_empty()).unwrap_or(true) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Let the farewell frames reach the clients.
    tokio::time::sleep(Duration::from_millis(200)).await;
}

/// The ed25519 host key at `path`, made on first start (mode 0600) and reused afterwards.
fn host_key(path: &Path) -> Result<PrivateKey, String> {
    if path.exists() {
        return russh::keys::load_secret_key(path, None)
            .map_err(|e| format!("{}: {e}", path.display()));
    }
    let key =
        PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519).map_err(|e| e.to_string())?;
    let text = key
        .to_openssh(russh::keys::ssh_key::LineEnding::LF)
        .map_err(|e| e.to_string())?;
    write_private(path, text.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(key)
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)
}

struct ChiboServer {
    store: Store,
    lang: Lang,
    clock: Clock,
    spaces: Spaces,
    sessions: Sessions,
    next_id: u64,
}

impl ChiboServer {
    fn new_connection(
        &mut self,
        peer: SocketAddr,
        pass: Pass,
        signed_in: tokio::sync::watch::Sender<bool>,
    ) -> Connection {
        self.next_id += 1;
        Connection {
            store: self.store.clone(),
            lang: self.lang,
            clock: self.clock.clone(),
            spaces: self.spaces.clone(),
            sessions: self.sessions.clone(),
            id: self.next_id,
            user: None,
            peer,
            pass: Some(pass),
            signed_in,
            channels: HashMap::new(),
        }
    }
}

/// One client connection.
struct Connection {
    store: Store,
    lang: Lang,
    clock: Clock,
    spaces: Spaces,
    sessions: Sessions,
    id: u64,
    user: Option<User>,
    peer: SocketAddr,
    /// Its place among the connections signing in, given back once signed in.
    pass: Option<Pass>,
    signed_in: tokio::sync::watch::Sender<bool>,
    /// Session channels opened but not yet claimed: a pty, shell or exec request makes one
    /// a terminal session, a subsystem request for `sftp` a file transfer.
    channels: HashMap<ChannelId, Channel<Msg>>,
}

impl Connection {
    /// Starts the terminal session on `channel`, unless something already claimed it. The
    /// request that claims it is already queued on the channel, so the driver reads it.
    fn claim_terminal(&mut self, channel: ChannelId, session: &Session) {
        let (Some(chan), Some(user)) = (self.channels.remove(&channel), self.user.clone()) else {
            return;
        };
        // A broken folder on the server costs the user their files, never their session.
        let files = match self.spaces.of(&user.login) {
            Ok(space) => Files::Space(space),
            Err(e) => {
                tracing::error!(login = %user.login, error = %e.message(Lang::En), "the user's file space cannot be opened");
                Files::Unavailable
            }
        };
        let start = Start {
            store: self.store.as_user(&user),
            files,
            login: user.login,
            lang: self.lang,
            clock: self.clock.clone(),
            sessions: self.sessions.clone(),
            id: self.id,
        };
        tokio::spawn(drive_channel(chan, start, session.handle()));
    }

    /// The channel and SFTP session for the signed-in user, read afresh: a user removed
    /// since signing in gets nothing. `None` when the channel cannot be served.
    fn prepare_sftp(&mut self, channel: ChannelId) -> Option<(Channel<Msg>, sftp::Sftp)> {
        let login = self.user.as_ref()?.login.clone();
        if !self.channels.contains_key(&channel) {
            return None;
        }
        let user = self.store.user(&login).ok().flatten()?;
        let handler = sftp::Sftp::new(self.store.as_user(&user), &self.spaces, self.lang)
            .map_err(|e| tracing::warn!(login, error = %e.message(Lang::En), "no sftp"))
            .ok()?;
        Some((self.channels.remove(&channel)?, handler))
    }
}

impl Connection {
    /// The user signing in as `login`. A read the disk failed is tried once more, after the
    /// moment the store takes to reopen the database, so a failing disk does not turn a
    /// good key away; one that still fails is logged as what it is.
    async fn read_user(&self, login: &str) -> Option<User> {
        let first = self.store.user(login);
        let read = match first {
            Err(e) if e.is_storage() => {
                tokio::time::sleep(REREAD_AFTER).await;
                self.store.user(login)
            }
            other => other,
        };
        read.unwrap_or_else(|e| {
            tracing::error!(peer = %self.peer, ?login, error = %e.message(Lang::En), "the users could not be read");
            None
        })
    }
}

/// How long a sign-in waits before reading the users again after the disk failed a read.
const REREAD_AFTER: Duration = Duration::from_millis(250);

impl Handler for Connection {
    type Error = russh::Error;

    /// A key signs in only the login it was added for.
    async fn auth_publickey(
        &mut self,
        login: &str,
        key: russh::server::VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        let offered = key
            .public_key
            .to_openssh()
            .ok()
            .and_then(|line| PublicKey::parse(&line).ok());
        let user = self.read_user(login).await;
        let fingerprint = key
            .public_key
            .fingerprint(russh::keys::HashAlg::Sha256)
            .to_string();
        match (user, offered) {
            (Some(user), Some(offered)) if user.has_key(&offered) => {
                tracing::info!(peer = %self.peer, login, key = %fingerprint, "signed in");
                self.user = Some(user);
                self.pass = None;
                let _ = self.signed_in.send(true);
                Ok(Auth::Accept)
            }
            _ => {
                // The login is the client's text: logged quoted, never raw.
                tracing::warn!(peer = %self.peer, ?login, key = %fingerprint, "sign-in refused");
                Ok(Auth::reject())
            }
        }
    }

    /// Never offered, but a client may try: refused, and logged like any refused sign-in.
    async fn auth_password(&mut self, login: &str, _: &str) -> Result<Auth, Self::Error> {
        tracing::warn!(peer = %self.peer, ?login, method = "password", "sign-in refused");
        Ok(Auth::reject())
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: russh::server::ChannelOpenHandle,
        _: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.user.is_none() {
            return Ok(());
        }
        reply.accept().await;
        // Held until a request says what the channel is for.
        self.channels.insert(channel.id(), channel);
        Ok(())
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let prepared = if name == "sftp" {
            self.prepare_sftp(channel)
        } else {
            None
        };
        match prepared {
            Some((chan, handler)) => {
                // The success goes out before the first SFTP reply can.
                session.channel_success(channel)?;
                tokio::spawn(sftp::serve(chan, handler));
            }
            None => session.channel_failure(channel)?,
        }
        Ok(())
    }

    async fn channel_close(
        &mut self,
        channel: ChannelId,
        _: &mut Session,
    ) -> Result<(), Self::Error> {
        self.channels.remove(&channel);
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: russh::ChannelId,
        _: &str,
        _: u32,
        _: u32,
        _: u32,
        _: u32,
        _: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_success(channel)?;
        self.claim_terminal(channel, session);
        Ok(())
    }

    async fn shell_request(
        &mut self,
        channel: russh::ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_success(channel)?;
        self.claim_terminal(channel, session);
        Ok(())
    }

    async fn exec_request(
        &mut self,
        channel: russh::ChannelId,
        _: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_success(channel)?;
        self.claim_terminal(channel, session);
        Ok(())
    }
}

/// What a session needs to start its App.
struct Start {
    store: Store,
    /// The user's own inbox and exports: a session never names a server path.
    files: Files,
    login: String,
    lang: Lang,
    clock: Clock,
    sessions: Sessions,
    id: u64,
}

/// Reads the channel's messages (pty, shell, data, window changes) and feeds the session;
/// writes the session's frames to the channel, waiting for the client's window.
async fn drive_channel(channel: Channel<Msg>, start: Start, handle: russh::server::Handle) {
    let (mut read, write) = channel.split();
    let (out_tx, mut out_rx) = mpsc::channel::<Out>(QUEUED_FRAMES);
    let lang = start.lang;
    tokio::spawn(async move {
        while let Some(out) = out_rx.recv().await {
            let (bytes, last) = match out {
                Out::Data(bytes) => (bytes, None),
                Out::Close(bytes, status) => (bytes, Some(status)),
            };
            // A client that reads nothing for this long is dropped.
            let sent = tokio::time::timeout(STALL_LIMIT * 2, write.data_bytes(bytes)).await;
            if let Some(status) = last {
                let _ = write.exit_status(status).await;
            }
            if last.is_some() || !matches!(sent, Ok(Ok(()))) {
                let _ = write.eof().await;
                let _ = write.close().await;
                if !matches!(sent, Ok(Ok(()))) {
                    let _ = handle
                        .disconnect(
                            russh::Disconnect::ByApplication,
                            "client stopped reading".into(),
                            String::new(),
                        )
                        .await;
                }
                break;
            }
        }
    });
    let mut size: Option<(u16, u16)> = None;
    let mut input: Option<std::sync::mpsc::Sender<Input>> = None;
    let mut start = Some(start);
    let mut resizes = Resizes::default();
    loop {
        let msg = tokio::select! {
            msg = read.wait() => msg,
            () = resizes.due() => {
                if let (Some(tx), Some((w, h))) = (&input, resizes.take()) {
                    let _ = tx.send(Input::Resize(w, h));
                }
                continue;
            }
        };
        let Some(msg) = msg else { break };
        match msg {
            ChannelMsg::RequestPty {
                col_width,
                row_height,
                ..
            } => size = Some(clamp(col_width, row_height)),
            ChannelMsg::RequestShell { .. } | ChannelMsg::Exec { .. } => {
                let command = match &msg {
                    ChannelMsg::Exec { command, .. } => Some(command.as_slice()),
                    _ => None,
                };
                match (size, start.take()) {
                    (Some(size), Some(start)) => {
                        input = Some(spawn_session(start, size, out_tx.clone()))
                    }
                    (None, Some(_)) => {
                        let line = no_terminal(lang, command);
                        let _ = out_tx.send(Out::Close(line.as_bytes().to_vec(), 1)).await;
                    }
                    _ => {}
                }
            }
            ChannelMsg::WindowChange {
                col_width,
                row_height,
                ..
            } => {
                let (w, h) = clamp(col_width, row_height);
                size = Some((w, h));
                if let (Some(tx), Some((w, h))) = (&input, resizes.offer((w, h))) {
                    let _ = tx.send(Input::Resize(w, h));
                }
            }
            ChannelMsg::Data { data } => {
                if let Some(tx) = &input {
                    let _ = tx.send(Input::Bytes(data.to_vec()));
                }
            }
            ChannelMsg::Eof | ChannelMsg::Close => break,
            _ => {}
        }
    }
    if let Some(tx) = input {
        let _ = tx.send(Input::End);
    }
}

/// What a client that asked for no terminal is told: how to copy files when it is an old
/// `scp` (or `scp -O`), which runs a command instead of SFTP; else how to connect.
fn no_terminal(lang: Lang, command: Option<&[u8]>) -> &'static str {
    if command.is_some_and(|c| c.starts_with(b"scp ")) {
        return lang.pick(
            "chibo chỉ nhận và gửi tệp qua SFTP: hãy dùng sftp, hoặc scp của OpenSSH 9 trở lên, không có -O\r\n",
            "chibo sends and takes files over SFTP only: use sftp, or the scp of OpenSSH 9 or later, without -O\r\n",
        );
    }
    lang.pick(
        "chibo cần một terminal: hãy kết nối bằng `ssh -t`\r\n",
        "chibo needs a terminal: connect with `ssh -t`\r\n",
    )
}

/// The largest terminal a client may ask for: a screen this size is drawn for it, so the
/// size is held to what a real monitor shows, whatever the client claims.
pub const MAX_COLUMNS: u32 = 500;
pub const MAX_ROWS: u32 = 200;

fn clamp(width: u32, height: u32) -> (u16, u16) {
    (
        width.clamp(1, MAX_COLUMNS) as u16,
        height.clamp(1, MAX_ROWS) as u16,
    )
}

/// The shortest time between two redraws for a new size: a client sending window
/// changes in a loop gets its last size drawn, not every one of them.
const RESIZE_GAP: Duration = Duration::from_millis(100);

/// Window changes passed on at most once per [`RESIZE_GAP`]; one that comes sooner waits,
/// and a later one replaces it.
#[derive(Default)]
struct Resizes {
    last: Option<tokio::time::Instant>,
    waiting: Option<(u16, u16)>,
}

impl Resizes {
    /// The size to pass on now, or `None` when it must wait for the gap.
    fn offer(&mut self, size: (u16, u16)) -> Option<(u16, u16)> {
        let now = tokio::time::Instant::now();
        if self.last.is_some_and(|at| now < at + RESIZE_GAP) {
            self.waiting = Some(size);
            return None;
        }
        self.last = Some(now);
        self.waiting = None;
        Some(size)
    }

    /// Ready when a waiting size may be passed on; never ready with none waiting.
    async fn due(&self) {
        match (self.waiting, self.last) {
            (Some(_), Some(at)) => tokio::time::sleep_until(at + RESIZE_GAP).await,
            _ => std::future::pending().await,
        }
    }

    fn take(&mut self) -> Option<(u16, u16)> {
        self.last = Some(tokio::time::Instant::now());
        self.waiting.take()
    }
}

/// Starts the session's App on its own thread; returns where its input goes.
fn spawn_session(
    start: Start,
    size: (u16, u16),
    out: mpsc::Sender<Out>,
) -> std::sync::mpsc::Sender<Input> {
    let (tx, rx) = std::sync::mpsc::channel();
    if let Ok(mut sessions) = start.sessions.lock() {
        sessions.insert(start.id, tx.clone());
    }
    std::thread::spawn(move || {
        let sessions = start.sessions.clone();
        let id = start.id;
        // A damaged database can make redb panic in any read: the session ends and the
        // server goes on serving the others.
        let login = start.login.clone();
        if let Err(e) = crate::store::guarded(|| run_session(start, size, rx, out)) {
            tracing::error!(%login, error = %e, "session ended");
        }
        if let Ok(mut sessions) = sessions.lock() {
            sessions.remove(&id);
        }
    });
    tx
}

/// Alternate screen and bracketed paste on the client's terminal, and off again.
const ENTER: &[u8] = b"\x1b[?1049h\x1b[?2004h";
const LEAVE: &[u8] = b"\x1b[?2004l\x1b[?1049l\x1b[?25h";

fn run_session(
    start: Start,
    (width, height): (u16, u16),
    rx: std::sync::mpsc::Receiver<Input>,
    out: mpsc::Sender<Out>,
) {
    let lang = start.lang;
    tracing::info!(login = %start.login, "session starts");
    if ChannelWriter::send(&out, Out::Data(ENTER.to_vec())).is_err() {
        return;
    }
    let viewport = Viewport::Fixed(Rect::new(0, 0, width, height));
    let Ok(mut terminal) = Terminal::with_options(
        CrosstermBackend::new(ChannelWriter::new(out.clone())),
        TerminalOptions { viewport },
    ) else {
        return;
    };
    let today = start.clock.today();
    let mut app = App::new(
        start.store.clone(),
        Options {
            actor: start.login.clone(),
            files: start.files.clone(),
            ..Options::new(lang, start.clock.clone())
        },
    );
    app.update(AppMsg::Resize { width, height });
    go_home(&mut app, &start.store, today);
    let mut input = SessionInput::new(rx, start.store, (width, height));
    let outcome = crate::ui::terminal::run(&mut terminal, &mut app, &mut input);
    // Whatever ended the session, what was typed is kept. While the disk fails writes the
    // wait is cut short, so the client is not held: the draft waits in the writer's queue
    // and is written if the store reopens the database before the server stops.
    app.flush_within(LAST_WRITES);
    let unsaved = app.unsaved();
    drop(terminal);
    tracing::info!(login = %start.login, ?outcome, "session ends");
    let mut last = LEAVE.to_vec();
    match (&unsaved, input.shutdown) {
        (Some(error), _) => {
            tracing::error!(login = %start.login, error = %error.message(Lang::En), "a session ends with what was typed last not saved");
            let line = crate::ui::i18n::unsaved_on_exit(lang, error);
            last.extend_from_slice(format!("{line}\r\n").as_bytes());
        }
        (None, true) => {
            let line = lang.pick(
                "Máy chủ chibo đang dừng; bản nháp đã được lưu.\r\n",
                "The chibo server is stopping; your draft is saved.\r\n",
            );
            last.extend_from_slice(line.as_bytes());
        }
        (None, false) => {}
    }
    let status = u32::from(unsaved.is_some());
    let _ = ChannelWriter::send(&out, Out::Close(last, status));
}

/// How long a session that ends waits for its last writes: inside the time a stopping
/// server gives its sessions to leave.
const LAST_WRITES: Duration = Duration::from_secs(3);

/// A user lands where they last were, in any session of theirs (see `App::reopen`). The
/// first time, a user held to one branch lands on its meetings, this month's selected:
/// where minutes are kept. Anyone else starts on the tree, at the top of their scope.
fn go_home(app: &mut App, store: &Store, today: NaiveDate) {
    if app.reopen() {
        return;
    }
    let Some(scope) = store.access().scope else {
        return;
    };
    let meeting = store.read().ok().and_then(|r| {
        let branch = r.org(scope).ok().flatten()?.kind.is_branch();
        branch
            .then(|| r.meeting_to_minute(scope, today).ok().flatten())
            .flatten()
    });
    let target = match meeting {
        Some(meeting) => Target::Meeting(meeting.id),
        None => Target::Org(scope),
    };
    app.update(AppMsg::JumpTo(target));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Once the store gives up writing, serve stops with an error — a non-zero exit, for the
    /// service manager to start it again — and not before.
    #[test]
    fn serve_exits_with_an_error_once_the_store_gives_up_writing() {
        let dir = tempfile::tempdir().unwrap();
        let recovery = crate::store::Recovery {
            first_wait: Duration::from_millis(20),
            longest_wait: Duration::from_millis(100),
            give_up_after: Duration::from_millis(500),
        };
        let (store, switch) = crate::store::testkit::sample_on_failing_disk(dir.path(), recovery);
        let options = ServeOptions {
            listen: "127.0.0.1:0".parse().unwrap(),
            host_key: dir.path().join("host_key"),
            lang: Lang::En,
            clock: Clock::vietnam(),
            gate: GateLimits::default(),
            spaces: Spaces::beside(
                &dir.path().join("sample.redb"),
                crate::io::space::SpaceLimits {
                    file_bytes: 1 << 20,
                    user_bytes: 1 << 20,
                },
            ),
        };
        let key = host_key(&options.host_key).unwrap();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let writer = store.clone();
        let started = std::time::Instant::now();
        let ended = runtime.block_on(async move {
            let serving = tokio::spawn(run(store, key, options));
            tokio::time::sleep(Duration::from_millis(100)).await;
            assert!(!serving.is_finished(), "serves while writes work");
            switch.fail(true);
            assert!(writer.write(|w| w.new_meeting_id()).is_err());
            tokio::time::timeout(Duration::from_secs(20), serving).await
        });
        let ended = ended.expect("serve stopped in time").unwrap();
        let error = ended.expect_err("an error, for a non-zero exit");
        assert!(error.contains("stopped writing"), "{error}");
        assert!(started.elapsed() >= Duration::from_millis(500));
    }

    #[test]
    fn a_client_is_held_to_a_screen_a_monitor_shows() {
        assert_eq!(clamp(1000, 1000), (500, 200));
        assert_eq!(clamp(0, 0), (1, 1));
        assert_eq!(clamp(100, 30), (100, 30));
        assert_eq!(clamp(u32::MAX, u32::MAX), (500, 200));
    }

    #[tokio::test]
    async fn window_changes_in_a_burst_are_drawn_once_at_the_last_size() {
        let mut resizes = Resizes::default();
        assert_eq!(resizes.offer((80, 24)), Some((80, 24)));
        // The burst that follows waits, each size replacing the one before.
        for width in 81..=120 {
            assert_eq!(resizes.offer((width, 24)), None);
        }
        let started = tokio::time::Instant::now();
        resizes.due().await;
        assert!(started.elapsed() <= RESIZE_GAP + Duration::from_millis(50));
        assert_eq!(resizes.take(), Some((120, 24)));
        assert_eq!(resizes.take(), None, "nothing waits any more");
    }
}
