//! `chibo serve` under load, seen from SSH clients: the real release binary serving the demo
//! database on a loopback port, driven by russh clients with a 100×30 pty whose output is
//! parsed by a terminal emulator (`vt100`), as a person's terminal would show it.
//!
//! ```sh
//! cargo bench --bench ssh_sessions                                   # 50 sessions, 30 s
//! CHIBO_BENCH_SESSIONS=5 CHIBO_BENCH_SECONDS=5 cargo bench --bench ssh_sessions   # quick
//! ```
//!
//! `cargo bench` builds the `chibo` binary in the same (release) profile and hands its path
//! to the bench, so nothing needs building first. Other settings: `CHIBO_BENCH_RATE` (keys
//! per second per session, default 10).
//!
//! `CHIBO_BENCH_EVENING=1` runs the meeting evening instead (`ssh_sessions/evening.rs`):
//! sessions marking rolls and typing minutes while another process imports, then `kill -9`.
//!
//! It measures:
//! - bytes the server sends per keystroke, moving in the tree (`j`/`k`) and typing
//!   Vietnamese into the minutes of Chi bộ khu 2's November meeting: the terminal output
//!   (channel data) and everything that crossed the socket (encrypted SSH packets);
//! - key-to-screen latency: every session, signed in as the secretary of its own branch,
//!   opens its branch's meeting to minute and types into the minutes at a steady rate; a
//!   key's latency runs from sending it until the emulated screen shows the typed
//!   character. Errors: a session that could not start, a disconnect, a key whose
//!   character never appeared within [`KEY_TIMEOUT`];
//! - the server's resident memory (VmRSS sampled during the run, and VmHWM).

use std::collections::VecDeque;
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use chibo::domain::Meeting;
use chibo::store::{Store, StoreError};
use chrono::NaiveDate;
use russh::ChannelMsg;
use russh::client::{self, Handle};
use russh::keys::{Algorithm, PrivateKey, PrivateKeyWithHashAlg, PublicKeyOrCertificate};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

#[path = "ssh_sessions/evening.rs"]
mod evening;
// The scale bench reads the parts of the generated file this one leaves aside.
#[allow(dead_code)]
#[path = "support/national_lines.rs"]
mod national_lines;

const BIN: &str = env!("CARGO_BIN_EXE_chibo");
const TODAY: &str = "2026-11-23";
const WIDTH: NonZeroU16 = NonZeroU16::new(100).expect("not zero");
const HEIGHT: NonZeroU16 = NonZeroU16::new(30).expect("not zero");

/// The branch whose minutes are typed for the bytes-per-keystroke figure.
const QUARTER_2: &str = "QN.HL.HG.K2";
/// A key whose character has not appeared by then counts as lost.
const KEY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the screen must stay still for a keystroke's output to count as complete.
const QUIET: Duration = Duration::from_millis(150);
/// Sessions signing in at once: the server's door refuses more than 10 connections signing
/// in from one address (all of the bench's come from 127.0.0.1).
const OPEN_AT_ONCE: usize = 8;

/// Targets from the issue.
const BYTES_TARGET: f64 = 2048.0;
const P99_TARGET: Duration = Duration::from_millis(50);
const MEMORY_TARGET_KB: u64 = 200 * 1024;

/// What is typed: short lines, each numbered so that every prefix of every line is found
/// on the screen only once the key that completes it has been shown. Kept shorter than the
/// editor is wide, so no line wraps.
const PHRASES: [&str; 8] = [
    "Đồng chí Hường chủ trì",
    "thư ký Nguyễn Thị Ánh",
    "họp tại nhà văn hóa khu",
    "có mặt đủ, vắng hai",
    "bàn việc thu đảng phí",
    "kiểm điểm quý bốn",
    "phân công đảng viên",
    "ý kiến của chi ủy viên",
];

struct Settings {
    sessions: usize,
    seconds: u64,
    rate: f64,
}

impl Settings {
    /// From the environment; the meeting evening types more slowly for longer.
    fn from_env(evening: bool) -> Settings {
        let (seconds, rate) = if evening { (60, 3.0) } else { (30, 10.0) };
        Settings {
            sessions: var("CHIBO_BENCH_SESSIONS", 50),
            seconds: var("CHIBO_BENCH_SECONDS", seconds),
            rate: var("CHIBO_BENCH_RATE", rate),
        }
    }
}

/// The environment variable `name` read as a `T`, or `default` when unset or unreadable.
fn var<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is taken from the command line.
    let evening = var("CHIBO_BENCH_EVENING", 0) == 1;
    let settings = Settings::from_env(evening);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let outcome = if evening {
        runtime.block_on(evening::run(settings))
    } else {
        runtime.block_on(run(settings))
    };
    if let Err(e) = outcome {
        eprintln!("ssh_sessions: {e}");
        std::process::exit(1);
    }
}

async fn run(settings: Settings) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let made = chibo(dir.path(), &["demo"]);
    if !made.status.success() {
        return Err(format!("chibo demo: {made:?}"));
    }
    let branches = branches_to_minute(&db(dir.path()), settings.sessions)?;
    let tree_key = add_user(dir.path(), "tree", "viewer", Some("QN.HL.HG"))?;
    let k2_key = add_user(dir.path(), "k2", "secretary", Some(QUARTER_2))?;
    let mut typists = Vec::new();
    for (i, code) in branches.iter().enumerate() {
        let login = format!("s{i:02}");
        typists.push((
            login.clone(),
            add_user(dir.path(), &login, "secretary", Some(code))?,
        ));
    }
    let mut server = Server::start(dir.path())?;
    let memory = MemoryWatch::start(server.child.id());

    println!(
        "chibo serve over SSH: {} sessions × {} keys/s × {} s, {WIDTH}×{HEIGHT} pty",
        settings.sessions, settings.rate, settings.seconds
    );
    let tree = bytes_moving_in_tree(server.port, tree_key).await?;
    let editor = bytes_typing_minutes(server.port, k2_key).await?;
    print_bytes("moving in the tree (j/k)", &tree);
    print_bytes("typing in the minutes", &editor);

    let load = typing_load(server.port, typists, &settings).await;
    let (rss_peak, hwm) = memory.stop().await;
    server.stop();
    print_load(&load, rss_peak, hwm, &editor);
    Ok(())
}

// ---- the server -----------------------------------------------------------------------

fn db(dir: &Path) -> PathBuf {
    dir.join("demo.redb")
}

fn chibo(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--db")
        .arg(db(dir))
        .args(["--today", TODAY])
        .args(args)
        .output()
        .expect("the chibo binary runs")
}

/// A new ed25519 key pair for `login`, added as a user with `role` and `scope`.
fn add_user(
    dir: &Path,
    login: &str,
    role: &str,
    scope: Option<&str>,
) -> Result<PrivateKey, String> {
    let key =
        PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519).map_err(|e| e.to_string())?;
    let public = key.public_key().to_openssh().map_err(|e| e.to_string())?;
    let path = dir.join(format!("{login}.pub"));
    std::fs::write(&path, format!("{public} {login}@bench\n")).map_err(|e| e.to_string())?;
    let path = path.display().to_string();
    let mut args = vec!["user", "add", login, "--key", &path, "--role", role];
    if let Some(scope) = scope {
        args.extend(["--scope", scope]);
    }
    let added = chibo(dir, &args);
    if !added.status.success() {
        return Err(format!("chibo user add {login}: {added:?}"));
    }
    Ok(key)
}

/// `count` branches other than Chi bộ khu 2 (whose minutes are typed first and keep a
/// draft), each with a meeting to minute today and no draft to offer. The demo approves
/// every meeting's minutes but Chi bộ khu 2's November ones, so the approval of these is
/// taken off (through the store's writer, as any change): each session then lands straight
/// in minutes of its own that it may edit.
fn branches_to_minute(db: &Path, count: usize) -> Result<Vec<String>, String> {
    let today = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").map_err(|e| e.to_string())?;
    let store = Store::open(db).map_err(|e| e.to_string())?;
    let reader = store.read().map_err(|e| e.to_string())?;
    let mut found = Vec::new();
    for root in ["QN", "HP"] {
        let Some(root) = reader.org_id(root).map_err(|e| e.to_string())? else {
            continue;
        };
        for branch in reader.branches_under(root).map_err(|e| e.to_string())? {
            let meeting = reader
                .meeting_to_minute(branch.id, today)
                .map_err(|e| e.to_string())?
                .filter(|m| reader.draft(m.id).ok().flatten().is_none());
            if let Some(meeting) = meeting
                && branch.code != QUARTER_2
                && found.len() < count
            {
                found.push((branch.code.clone(), meeting));
            }
        }
    }
    drop(reader);
    if found.len() < count {
        return Err(format!(
            "the demo has {} branches with minutes to take; {count} sessions asked",
            found.len()
        ));
    }
    store
        .write(|w| {
            for (_, meeting) in &found {
                let reopened = Meeting {
                    approval: None,
                    ..meeting.clone()
                };
                w.put_meeting(&reopened)?;
            }
            Ok::<_, StoreError>(())
        })
        .map_err(|e| e.to_string())?;
    Ok(found.into_iter().map(|(code, _)| code).collect())
}

/// `chibo serve` on a free loopback port; stopped with SIGTERM.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(dir: &Path) -> Result<Server, String> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let child = Command::new(BIN)
            .arg("--db")
            .arg(db(dir))
            .args(["--today", TODAY, "serve", "--listen"])
            .arg(format!("127.0.0.1:{port}"))
            .env("XDG_STATE_HOME", dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| e.to_string())?;
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err("chibo serve never listened".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Server { child, port })
    }

    fn stop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The server's resident memory, sampled every 100 ms while the bench runs.
struct MemoryWatch {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<u64>,
    pid: u32,
    /// The kernel's high-water mark (VmHWM) last read: what is known of it once the server
    /// has been killed.
    hwm: Arc<AtomicU64>,
}

impl MemoryWatch {
    fn start(pid: u32) -> MemoryWatch {
        let stop = Arc::new(AtomicBool::new(false));
        let hwm = Arc::new(AtomicU64::new(0));
        let (flag, high) = (stop.clone(), hwm.clone());
        let task = tokio::spawn(async move {
            let mut peak = 0;
            while !flag.load(Ordering::Relaxed) {
                peak = peak.max(status_kb(pid, "VmRSS:").unwrap_or(0));
                high.fetch_max(status_kb(pid, "VmHWM:").unwrap_or(0), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            peak
        });
        MemoryWatch {
            stop,
            task,
            pid,
            hwm,
        }
    }

    /// The highest VmRSS sampled and the kernel's high-water mark (VmHWM), in KB.
    async fn stop(self) -> (u64, u64) {
        self.hwm.fetch_max(
            status_kb(self.pid, "VmHWM:").unwrap_or(0),
            Ordering::Relaxed,
        );
        self.stop.store(true, Ordering::Relaxed);
        let peak = self.task.await.unwrap_or(0);
        (peak, self.hwm.load(Ordering::Relaxed))
    }
}

fn status_kb(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

// ---- one client session ----------------------------------------------------------------

/// Accepts the server's host key: the server was started by this bench a moment ago.
struct Client;

impl client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(&mut self, _: &PublicKeyOrCertificate) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

/// A TCP stream that counts the bytes it reads: the server's output as it crossed the wire.
struct Counted {
    inner: tokio::net::TcpStream,
    read: Arc<AtomicU64>,
}

impl AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        let read = buf.filled().len() - before;
        self.read.fetch_add(read as u64, Ordering::Relaxed);
        polled
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A signed-in session with a pty and a shell, its screen emulated.
struct Session {
    channel: russh::Channel<client::Msg>,
    screen: vt100::Parser,
    /// Terminal output received (channel data).
    data_bytes: u64,
    /// Everything read from the socket.
    wire_bytes: Arc<AtomicU64>,
    _handle: Handle<Client>,
}

impl Session {
    async fn open(port: u16, login: &str, key: PrivateKey) -> Result<Session, String> {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .map_err(|e| e.to_string())?;
        tcp.set_nodelay(true).map_err(|e| e.to_string())?;
        let wire_bytes = Arc::new(AtomicU64::new(0));
        let stream = Counted {
            inner: tcp,
            read: wire_bytes.clone(),
        };
        let config = Arc::new(client::Config {
            nodelay: true,
            ..Default::default()
        });
        let mut handle = client::connect_stream(config, stream, Client)
            .await
            .map_err(|e| e.to_string())?;
        let auth = handle
            .authenticate_publickey(login, PrivateKeyWithHashAlg::new(Arc::new(key), None))
            .await
            .map_err(|e| e.to_string())?;
        if !auth.success() {
            return Err(format!("{login}: key refused"));
        }
        let channel = handle
            .channel_open_session()
            .await
            .map_err(|e| e.to_string())?;
        channel
            .request_pty(
                false,
                "xterm-256color",
                WIDTH.get().into(),
                HEIGHT.get().into(),
                0,
                0,
                &[],
            )
            .await
            .map_err(|e| e.to_string())?;
        channel
            .request_shell(false)
            .await
            .map_err(|e| e.to_string())?;
        Ok(Session {
            channel,
            screen: vt100::Parser::new(HEIGHT, WIDTH, 0),
            data_bytes: 0,
            wire_bytes,
            _handle: handle,
        })
    }

    fn text(&self) -> String {
        self.screen.screen().contents()
    }

    async fn send(&self, bytes: &[u8]) -> Result<(), String> {
        self.channel.data(bytes).await.map_err(|e| e.to_string())
    }

    /// Reads what the server sends for up to `wait`; false when nothing came.
    async fn receive(&mut self, wait: Duration) -> Result<bool, String> {
        match tokio::time::timeout(wait, self.channel.wait()).await {
            Err(_) => Ok(false),
            Ok(Some(ChannelMsg::Data { data })) => {
                self.data_bytes += data.len() as u64;
                self.screen.process(&data);
                Ok(true)
            }
            Ok(Some(ChannelMsg::Eof | ChannelMsg::Close) | None) => {
                Err("the server closed the session".into())
            }
            Ok(Some(_)) => Ok(true),
        }
    }

    /// Waits until the screen contains `wanted`.
    async fn wait_for(&mut self, wanted: &str) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.text().contains(wanted) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(format!("{wanted:?} never showed:\n{}", self.text()));
            }
            self.receive(left).await?;
        }
        Ok(())
    }

    /// Reads until the server has been silent for [`QUIET`].
    async fn settle(&mut self) -> Result<(), String> {
        while self.receive(QUIET).await? {}
        Ok(())
    }

    /// Server output (terminal bytes, wire bytes) from now until the screen settles after
    /// `key`.
    async fn cost_of(&mut self, key: &[u8]) -> Result<(u64, u64), String> {
        let (data, wire) = (self.data_bytes, self.wire_bytes.load(Ordering::Relaxed));
        self.send(key).await?;
        // The first answer may take longer than the quiet spell.
        self.receive(Duration::from_secs(2)).await?;
        self.settle().await?;
        Ok((
            self.data_bytes - data,
            self.wire_bytes.load(Ordering::Relaxed) - wire,
        ))
    }

    /// From a branch secretary's landing screen (the branch's meetings, this month's
    /// selected) into the meeting's record, on its roll.
    async fn open_record(&mut self) -> Result<(), String> {
        self.wait_for("Lịch họp — ").await?;
        self.send(b"\r").await?;
        self.wait_for("Phải dự").await
    }

    /// From a branch secretary's landing screen into the first section of the minutes,
    /// ready to type.
    async fn open_minutes(&mut self) -> Result<(), String> {
        self.open_record().await?;
        self.send(b"\t").await?;
        self.wait_for("I. Thời gian, địa điểm, chủ trì, thư ký")
            .await?;
        self.send(b"\r").await?;
        self.settle().await
    }
}

// ---- bytes per keystroke ---------------------------------------------------------------

/// Keys pressed and the server's output for them.
struct Bytes {
    keys: u64,
    data: u64,
    wire: u64,
}

impl Bytes {
    fn per_key(&self) -> (f64, f64) {
        let keys = self.keys.max(1) as f64;
        (self.data as f64 / keys, self.wire as f64 / keys)
    }
}

async fn bytes_moving_in_tree(port: u16, key: PrivateKey) -> Result<Bytes, String> {
    let mut session = Session::open(port, "tree", key).await?;
    session.wait_for("Đảng ủy phường Hồng Gai").await?;
    // The ward's 14 branches, opened: moving stays within them.
    session.send(b"\r").await?;
    session.wait_for("Chi bộ khu 2").await?;
    session.settle().await?;
    let mut total = Bytes {
        keys: 0,
        data: 0,
        wire: 0,
    };
    for key in [b"j"; 12].iter().chain([b"k"; 12].iter()) {
        let (data, wire) = session.cost_of(*key).await?;
        total.keys += 1;
        total.data += data;
        total.wire += wire;
    }
    Ok(total)
}

async fn bytes_typing_minutes(port: u16, key: PrivateKey) -> Result<Bytes, String> {
    let mut session = Session::open(port, "k2", key).await?;
    session.open_minutes().await?;
    let mut total = Bytes {
        keys: 0,
        data: 0,
        wire: 0,
    };
    let text = format!("{} {}", PHRASES[0], PHRASES[1]);
    let mut buf = [0; 4];
    for c in text.chars() {
        let (data, wire) = session.cost_of(c.encode_utf8(&mut buf).as_bytes()).await?;
        total.keys += 1;
        total.data += data;
        total.wire += wire;
    }
    session.wait_for(&text).await?;
    Ok(total)
}

fn print_bytes(what: &str, bytes: &Bytes) {
    let (data, wire) = bytes.per_key();
    println!(
        "bytes per keystroke, {what}: {data:.0} terminal, {wire:.0} on the wire ({} keys)",
        bytes.keys
    );
}

// ---- latency under load ----------------------------------------------------------------

/// A key sent and not yet seen: the text whose appearance shows it, and when it left.
struct Pending {
    shows: String,
    sent: Instant,
}

#[derive(Default)]
struct Outcome {
    latencies: Vec<Duration>,
    keys_sent: u64,
    errors: Vec<String>,
}

async fn typing_load(
    port: u16,
    typists: Vec<(String, PrivateKey)>,
    settings: &Settings,
) -> Outcome {
    let mut outcome = Outcome::default();
    // Every session signs in and opens its minutes first; then all type together.
    let opened = open_all(typists, |(login, key)| async move {
        let mut session = Session::open(port, &login, key).await?;
        session.open_minutes().await?;
        Ok(session)
    })
    .await;
    let mut sessions = Vec::new();
    for session in opened {
        match session {
            Ok(session) => sessions.push(session),
            Err(e) => outcome.errors.push(format!("start: {e}")),
        }
    }
    let period = Duration::from_secs_f64(1.0 / settings.rate);
    let length = Duration::from_secs(settings.seconds);
    let count = sessions.len().max(1) as u32;
    let mut typing = Vec::new();
    for (i, session) in sessions.into_iter().enumerate() {
        // Spread over one period, so that keys do not all arrive in the same instant.
        let offset = period * i as u32 / count;
        typing.push(tokio::spawn(type_steadily(session, offset, period, length)));
    }
    for task in typing {
        match task.await {
            Ok(one) => {
                outcome.latencies.extend(one.latencies);
                outcome.keys_sent += one.keys_sent;
                outcome.errors.extend(one.errors);
            }
            Err(e) => outcome.errors.push(format!("session: {e}")),
        }
    }
    outcome
}

/// Runs `open` on every item, at most [`OPEN_AT_ONCE`] at a time; the results in the
/// items' order.
async fn open_all<T, S, F, Fut>(items: Vec<T>, open: F) -> Vec<Result<S, String>>
where
    S: Send + 'static,
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = Result<S, String>> + Send + 'static,
{
    let gate = Arc::new(tokio::sync::Semaphore::new(OPEN_AT_ONCE));
    let tasks: Vec<_> = items
        .into_iter()
        .map(|item| {
            let gate = gate.clone();
            let opening = open(item);
            tokio::spawn(async move {
                let _turn = gate.acquire_owned().await.map_err(|e| e.to_string())?;
                opening.await
            })
        })
        .collect();
    let mut out = Vec::with_capacity(tasks.len());
    for task in tasks {
        out.push(task.await.map_err(|e| e.to_string()).and_then(|r| r));
    }
    out
}

/// The keys one session types: numbered lines, Enter between them.
fn script() -> impl Iterator<Item = (char, String)> {
    (1..).flat_map(|n: usize| {
        let line = format!("{n:02} {}", PHRASES[n % PHRASES.len()]);
        let mut typed = String::new();
        let mut keys: Vec<(char, String)> = line
            .chars()
            .map(|c| {
                typed.push(c);
                (c, typed.clone())
            })
            .collect();
        keys.push(('\r', String::new()));
        keys
    })
}

/// Types one key every `period` for `length`, then waits for the last ones to show.
async fn type_steadily(
    mut session: Session,
    offset: Duration,
    period: Duration,
    length: Duration,
) -> Outcome {
    let mut outcome = Outcome::default();
    let start = Instant::now() + offset;
    let end = start + length;
    let mut ticks = tokio::time::interval_at(start.into(), period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut script = script();
    let mut pending: VecDeque<Pending> = VecDeque::new();
    loop {
        let sending = Instant::now() < end;
        if !sending && pending.is_empty() {
            break;
        }
        if let Some(oldest) = pending.front()
            && oldest.sent.elapsed() > KEY_TIMEOUT
        {
            outcome
                .errors
                .push(format!("a key never showed: {:?}", oldest.shows));
            break;
        }
        tokio::select! {
            _ = ticks.tick(), if sending => {
                let Some((key, shows)) = script.next() else { break };
                let mut buf = [0; 4];
                let sent = Instant::now();
                if let Err(e) = session.send(key.encode_utf8(&mut buf).as_bytes()).await {
                    outcome.errors.push(format!("send: {e}"));
                    break;
                }
                outcome.keys_sent += 1;
                // Enter shows nothing of its own; the next line's first character does.
                if key != '\r' {
                    pending.push_back(Pending { shows, sent });
                }
            }
            received = session.receive(Duration::from_millis(100)) => {
                if let Err(e) = received {
                    outcome.errors.push(e);
                    break;
                }
                seen(&session.text(), &mut pending, &mut outcome.latencies);
            }
        }
    }
    outcome
}

/// Takes off `pending` every key whose text is on `screen` now, with all the keys before
/// it, recording how long each took.
fn seen(screen: &str, pending: &mut VecDeque<Pending>, latencies: &mut Vec<Duration>) {
    let Some(last) = pending.iter().rposition(|p| screen.contains(&p.shows)) else {
        return;
    };
    let now = Instant::now();
    for key in pending.drain(..=last) {
        latencies.push(now - key.sent);
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn met(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

fn print_load(load: &Outcome, rss_peak_kb: u64, hwm_kb: u64, editor: &Bytes) {
    let mut sorted = load.latencies.clone();
    sorted.sort();
    let (p50, p99) = (percentile(&sorted, 50.0), percentile(&sorted, 99.0));
    let max = sorted.last().copied().unwrap_or_default();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "keys sent {}, characters seen {}; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        load.keys_sent,
        sorted.len(),
        ms(p50),
        ms(p99),
        ms(max)
    );
    println!("errors: {}", load.errors.len());
    for e in load.errors.iter().take(10) {
        println!("  {e}");
    }
    println!(
        "server memory: VmRSS peak {:.1} MB (sampled every 100 ms), VmHWM {:.1} MB",
        rss_peak_kb as f64 / 1024.0,
        hwm_kb as f64 / 1024.0
    );
    let (typed, _) = editor.per_key();
    println!("targets:");
    println!(
        "  < 2 KB per keystroke in the editor: {typed:.0} B — {}",
        met(typed < BYTES_TARGET)
    );
    println!(
        "  p99 < 50 ms: {:.1} ms — {}",
        ms(p99),
        met(p99 < P99_TARGET && !sorted.is_empty())
    );
    println!(
        "  0 errors: {} — {}",
        load.errors.len(),
        met(load.errors.is_empty())
    );
    println!(
        "  < 200 MB resident: {:.1} MB — {}",
        hwm_kb.max(rss_peak_kb) as f64 / 1024.0,
        met(hwm_kb.max(rss_peak_kb) < MEMORY_TARGET_KB)
    );
}
