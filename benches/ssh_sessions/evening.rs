//! The meeting evening: many branches meet at once, while another process imports.
//!
//! ```sh
//! CHIBO_BENCH_EVENING=1 cargo bench --bench ssh_sessions                          # 50 sessions
//! CHIBO_BENCH_EVENING=1 CHIBO_BENCH_SESSIONS=300 cargo bench --bench ssh_sessions
//! ```
//!
//! N sessions over SSH, each signed in as the secretary of its own branch, whose regular
//! meeting is held today. Each opens the meeting's record and, at `CHIBO_BENCH_RATE` keys a
//! second (default 3), goes round: marks the next [`MARKS_PER_ROUND`] members of the roll
//! (present on the first pass through the roll, absent on the second, and so on), `Tab` to
//! section I of the minutes, `Enter` and one numbered line of text, `Shift-Tab` back to the
//! roll. Each session starts at its own point of the round, so that from the first second
//! about one key in six is a mark. `CHIBO_BENCH_IMPORT_AT` seconds after typing starts (default 10), another process runs
//! `chibo import` of a national file of `CHIBO_BENCH_IMPORT_MEMBERS` members (default 800,000:
//! about 150 MB) into the same database file. At a random moment between the import's start
//! and the end of `CHIBO_BENCH_SECONDS` (default 60) — or at `CHIBO_BENCH_KILL_AT` seconds —
//! the server gets `kill -9`. Then the database is opened again and every session's typing
//! is compared with what was kept of it.
//!
//! The import file is generated once into `CHIBO_BENCH_CACHE` (default `chibo-bench` in the
//! user's cache directory) and reused; the database is a new demo in a temporary directory,
//! with one province of its own added for the sessions (their branches, rolls and meetings).
//!
//! Reported: key → screen latency of marks and of typed characters (a mark is shown when the
//! status line names the member and the mark; a character when the line typed so far is on
//! screen); the longest any key waited, counting the keys still not shown when the server was
//! killed; the same while the import ran; `fdatasync` and `fsync` calls of the server a second,
//! counted in the kernel by `perf stat` on the syscall tracepoints, which does not stop the
//! server as `strace` would; typing lost to the kill, in seconds of typing; marks that were on
//! screen and are not in the database; the server's memory.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chibo::demo::names::{NameStyle, full_name};
use chibo::demo::rng::Rng;
use chibo::domain::{Mark, MeetingId, MinutesText, Section, Sex, Standing};
use chibo::store::Store;
use chrono::NaiveDate;

use super::{
    MemoryWatch, P99_TARGET, PHRASES, Server, Session, Settings, TODAY, add_user, chibo, db, met,
    national_lines, open_all, percentile, var,
};

/// Marks made on each round between two lines of minutes.
const MARKS_PER_ROUND: usize = 5;
/// Keys in a round, about: the marks, Tab, Enter, a line of 20 to 26 characters, Shift-Tab.
const ROUND_KEYS: usize = 32;
/// Shift-Tab, as a terminal sends it.
const BACK_TAB: &[u8] = b"\x1b[Z";
/// What the status line says after a mark: `Name: có mặt`.
const PRESENT: &str = "có mặt";
const ABSENT: &str = "vắng không lý do";

/// The default size of the import: about 150 MB of JSON Lines.
const IMPORT_MEMBERS: usize = 800_000;
/// Cards of the imported members and of the sessions' branches: nine digits, clear of the
/// demo's eight-digit cards and of each other.
const IMPORT_CARDS: &str = "9";
const EVENING_CARDS: &str = "7";
const SEED: u64 = 0x6576_656e_696e_6731;

/// `fdatasync` calls per durable commit, as redb 4.6 commits in multi-writer mode: one for
/// the pages, one for the header that points at them (read with `strace` on a single
/// `chibo user add`).
const SYNCS_PER_COMMIT: u64 = 2;

/// Targets from the issue.
const WAIT_TARGET: Duration = Duration::from_millis(100);
const LOSS_PROMISE: Duration = Duration::from_secs(2);

/// What the evening adds to the common settings.
struct Evening {
    import_members: usize,
    import_at: Duration,
    kill_at: Duration,
    cache: PathBuf,
}

impl Evening {
    fn from_env(settings: &Settings) -> Evening {
        let length = settings.seconds as f64;
        let import_at: f64 = var("CHIBO_BENCH_IMPORT_AT", 10.0);
        // Any moment from the import's start to the end: during the import or after it.
        let kill_at = std::env::var("CHIBO_BENCH_KILL_AT")
            .ok()
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or_else(|| rand::random_range(import_at.min(length - 1.0)..length));
        let cache = std::env::var_os("CHIBO_BENCH_CACHE")
            .map(PathBuf::from)
            .or_else(|| dirs::cache_dir().map(|d| d.join("chibo-bench")))
            .unwrap_or_else(|| std::env::temp_dir().join("chibo-bench"));
        Evening {
            import_members: var("CHIBO_BENCH_IMPORT_MEMBERS", IMPORT_MEMBERS),
            import_at: Duration::from_secs_f64(import_at),
            kill_at: Duration::from_secs_f64(kill_at.clamp(1.0, length)),
            cache,
        }
    }
}

pub(super) async fn run(settings: Settings) -> Result<(), String> {
    let evening = Evening::from_env(&settings);
    let load_at_start = load_average();
    let import_file = import_file(evening.import_members, &evening.cache)?;
    let import_mb = std::fs::metadata(&import_file)
        .map_err(|e| e.to_string())?
        .len() as f64
        / 1e6;

    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let made = chibo(dir.path(), &["demo"]);
    if !made.status.success() {
        return Err(format!("chibo demo: {made:?}"));
    }
    let branches = evening_branches(dir.path(), settings.sessions)?;
    let mut typists = Vec::new();
    for (i, branch) in branches.iter().enumerate() {
        let login = format!("ev{i:03}");
        let key = add_user(dir.path(), &login, "secretary", Some(&branch.code))?;
        typists.push((login, key, branch.roll.clone()));
    }

    let mut server = Server::start(dir.path())?;
    let pid = server.child.id();
    let memory = MemoryWatch::start(pid);
    println!(
        "meeting evening over SSH: {} sessions × {} keys/s, {} marks then a line of minutes a \
         round; import of {import_mb:.0} MB ({} members) from {:.0} s; kill -9 at {:.1} s; \
         load average {load_at_start}",
        settings.sessions,
        settings.rate,
        MARKS_PER_ROUND,
        evening.import_members,
        evening.import_at.as_secs_f64(),
        evening.kill_at.as_secs_f64(),
    );

    let port = server.port;
    let opening_started = Instant::now();
    let cpu_before = (
        cpu_seconds(&format!("/proc/{pid}/stat")),
        cpu_seconds("/proc/self/stat"),
    );
    let opened = open_all(typists, |(login, key, roll)| async move {
        let mut session = Session::open(port, &login, key).await?;
        session.open_record().await?;
        session.settle().await?;
        Ok((session, roll))
    })
    .await;
    let opening = opening_started.elapsed();
    let mut start_errors = Vec::new();
    let mut sessions = Vec::new();
    for (i, session) in opened.into_iter().enumerate() {
        match session {
            Ok((session, roll)) => sessions.push((i, session, roll)),
            Err(e) => start_errors.push(format!("ev{i:03}: {e}")),
        }
    }
    // Counted from here: every session's thread is running.
    let syncs = SyncCount::start(pid, dir.path());

    let start = Instant::now() + Duration::from_secs(1);
    let killed_at = start + evening.kill_at;
    let period = Duration::from_secs_f64(1.0 / settings.rate);
    let count = sessions.len().max(1) as u32;
    let mut typing = Vec::new();
    for (n, (i, session, roll)) in sessions.into_iter().enumerate() {
        // Spread over one period, so that keys do not all arrive in the same instant.
        let offset = period * n as u32 / count;
        let until = killed_at + Duration::from_secs(30);
        typing.push((
            i,
            tokio::spawn(go_round(
                session,
                Script::new(roll, ROUND_KEYS * n / count as usize),
                start + offset,
                period,
                until,
            )),
        ));
    }

    let import_dir = dir.path().to_path_buf();
    let import_path = import_file.clone();
    let import_start = start + evening.import_at;
    let import = tokio::spawn(async move {
        tokio::time::sleep_until(import_start.into()).await;
        tokio::task::spawn_blocking(move || run_import(&import_dir, &import_path)).await
    });

    tokio::time::sleep_until(killed_at.into()).await;
    let load_at_kill = load_average();
    let cpu = Cpu {
        server: cpu_seconds(&format!("/proc/{pid}/stat")).saturating_sub(cpu_before.0),
        clients: cpu_seconds("/proc/self/stat").saturating_sub(cpu_before.1),
        since: opening_started,
    };
    let killed = Instant::now();
    server.child.kill().map_err(|e| e.to_string())?;
    let _ = server.child.wait();
    let (rss_peak, hwm) = memory.stop().await;

    let mut logs = Vec::new();
    for (i, task) in typing {
        match task.await {
            Ok(log) => logs.push((i, log)),
            Err(e) => start_errors.push(format!("ev{i:03}: {e}")),
        }
    }
    let import = import
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    let syncs = syncs.map(SyncCount::finish).unwrap_or_default();
    let kept = after_the_kill(&db(dir.path()), &branches, &logs, killed)?;

    let report = Report {
        sessions: settings.sessions,
        start,
        killed,
        import: &import,
        logs: &logs,
        kept: &kept,
        syncs: &syncs,
    };
    report.print(opening, &start_errors, (rss_peak, hwm), &cpu, &load_at_kill);
    Ok(())
}

/// CPU time used, as far as the kill.
struct Cpu {
    server: Duration,
    clients: Duration,
    since: Instant,
}

/// User and system time of the process whose `stat` file is at `path`.
fn cpu_seconds(path: &str) -> Duration {
    let stat = std::fs::read_to_string(path).unwrap_or_default();
    // The fields after the command's name, which is in parentheses: utime and stime are the
    // 12th and 13th of them, in clock ticks.
    let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|t| t.parse::<u64>().ok())
        .sum();
    // SAFETY: sysconf only reads a configuration value.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    Duration::from_secs_f64(ticks as f64 / per_second)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

// ---- the data ----------------------------------------------------------------------------

/// The national file the other process imports, generated once into `cache`.
fn import_file(members: usize, cache: &Path) -> Result<PathBuf, String> {
    let path = cache.join(format!("evening-import-{members}.jsonl"));
    if path.exists() {
        return Ok(path);
    }
    std::fs::create_dir_all(cache).map_err(|e| format!("{}: {e}", cache.display()))?;
    println!("generating {} once …", path.display());
    let data = national_lines::generate(members, IMPORT_CARDS);
    let part = path.with_extension("part");
    std::fs::write(&part, data.text).map_err(|e| format!("{}: {e}", part.display()))?;
    std::fs::rename(&part, &path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// A session's branch: its meeting today and the names on its roll, in the roll's order.
struct Branch {
    code: String,
    meeting: MeetingId,
    roll: Vec<String>,
}

/// `count` branches of 12 to 30 members, ten to a commune, in a province of their own
/// ("EV"), each with a regular meeting held today and nothing marked or minuted yet; written
/// as JSON Lines and imported before the server starts. Names are unique within a branch,
/// so that the status line's `Name: mark` tells which member a mark was for.
fn evening_branches(dir: &Path, count: usize) -> Result<Vec<Branch>, String> {
    use serde_json::json;
    let mut rng = Rng::new(SEED);
    let mut lines = vec![
        json!({"type": "org", "code": "EV", "name": "Tỉnh ủy Sông Hồng",
        "kind": "provincial_committee", "parent": null}),
    ];
    let mut codes = Vec::with_capacity(count);
    let mut card = 0;
    for b in 0..count {
        let commune = format!("EV.X{:02}", b / 10 + 1);
        if b % 10 == 0 {
            lines.push(json!({"type": "org", "code": commune,
                "name": format!("Đảng ủy xã số {}", b / 10 + 1),
                "kind": "grassroots_committee", "parent": "EV"}));
        }
        let code = format!("{commune}.B{:02}", b % 10 + 1);
        lines.push(json!({"type": "org", "code": code,
            "name": format!("Chi bộ thôn {}", b % 10 + 1), "kind": "branch",
            "parent": commune}));
        let mut names: Vec<String> = Vec::new();
        for m in 0..rng.between(12, 30) {
            let sex = if rng.chance(0.4) {
                Sex::Female
            } else {
                Sex::Male
            };
            let born = rng.between(1950, 2000) as i32;
            // Nor may one name end another's: the status line's "Lê Văn An: có mặt" would
            // also show "Văn An: có mặt".
            let name = loop {
                let name = full_name(&mut rng, sex, born, NameStyle::Lowland);
                if !names
                    .iter()
                    .any(|n: &String| n.ends_with(&name) || name.ends_with(n.as_str()))
                {
                    names.push(name.clone());
                    break name;
                }
            };
            card += 1;
            let card = format!("{EVENING_CARDS}{card:08}");
            lines.push(json!({"type": "member", "card": card, "name": name,
                "sex": sex.as_str(), "born": format!("{born}-03-02"),
                "admitted": format!("{}-05-19", born + 25),
                "full_member": format!("{}-05-19", born + 26), "org": code}));
            if m == 0 {
                lines.push(json!({"type": "role", "card": card, "org": code,
                    "role": "secretary", "from": "2025-07-01"}));
            }
        }
        lines.push(
            json!({"type": "meeting", "org": code, "kind": "regular", "date": TODAY,
            "time": "19:30", "end_time": "21:30", "place": "Nhà văn hóa thôn"}),
        );
        codes.push(code);
    }
    let path = dir.join("evening.jsonl");
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    let imported = chibo(dir, &["import", &path.display().to_string()]);
    if !imported.status.success() {
        return Err(format!(
            "chibo import of the evening's branches: {imported:?}"
        ));
    }

    let today = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").map_err(|e| e.to_string())?;
    let store = Store::open(&db(dir)).map_err(|e| e.to_string())?;
    let reader = store.read().map_err(|e| e.to_string())?;
    let mut branches = Vec::with_capacity(count);
    for code in codes {
        let id = reader
            .org_id(&code)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("{code} was not imported"))?;
        let meeting = reader
            .meeting_to_minute(id, today)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("{code} has no meeting today"))?;
        let roll = reader.roll_of(&meeting).map_err(|e| e.to_string())?;
        if roll
            .entries
            .iter()
            .any(|e| e.standing != Standing::Expected || e.probationary)
        {
            return Err(format!("{code}: everyone on the roll should be expected"));
        }
        branches.push(Branch {
            code,
            meeting: meeting.id,
            roll: roll.entries.into_iter().map(|e| e.name).collect(),
        });
    }
    Ok(branches)
}

// ---- the other process -------------------------------------------------------------------

/// When `chibo import` ran and how it ended.
struct Import {
    started: Instant,
    ended: Instant,
    outcome: String,
}

fn run_import(dir: &Path, file: &Path) -> Import {
    let started = Instant::now();
    let done = chibo(dir, &["import", &file.display().to_string()]);
    let ended = Instant::now();
    let outcome = if done.status.success() {
        "imported".to_string()
    } else {
        let said = String::from_utf8_lossy(&done.stderr);
        format!(
            "FAILED ({}): {}",
            done.status,
            said.lines().next().unwrap_or("")
        )
    };
    Import {
        started,
        ended,
        outcome,
    }
}

/// `perf stat` counting the server's `fdatasync` and `fsync` calls each second, in the kernel
/// (syscall tracepoints): nothing stops the server, as `strace` would at every call.
struct SyncCount {
    child: Child,
    out: PathBuf,
    started: Instant,
}

impl SyncCount {
    /// `None` when perf cannot be run here.
    fn start(pid: u32, dir: &Path) -> Option<SyncCount> {
        let out = dir.join("syncs.csv");
        let child = Command::new("perf")
            .args(["stat", "-I", "1000", "-x", ","])
            .args([
                "-e",
                "syscalls:sys_enter_fdatasync,syscalls:sys_enter_fsync",
            ])
            .args(["-p", &pid.to_string(), "-o"])
            .arg(&out)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        Some(SyncCount {
            child,
            out,
            started: Instant::now(),
        })
    }

    /// Once the server is gone (perf then stops by itself): the calls of each second, with
    /// the end of that second.
    fn finish(mut self) -> Vec<(Instant, u64)> {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(50));
        }
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = Command::new("kill")
                .args(["-INT", &self.child.id().to_string()])
                .status();
            let _ = self.child.wait();
        }
        let text = std::fs::read_to_string(&self.out).unwrap_or_default();
        let mut seconds: Vec<(Instant, u64)> = Vec::new();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let fields: Vec<&str> = line.split(',').collect();
            let (Some(time), Some(count)) = (
                fields.first().and_then(|t| t.trim().parse::<f64>().ok()),
                fields.get(1),
            ) else {
                continue;
            };
            let count = count.trim().parse::<u64>().unwrap_or(0);
            let end = self.started + Duration::from_secs_f64(time);
            match seconds.last_mut() {
                Some((at, n)) if *at == end => *n += count,
                _ => seconds.push((end, count)),
            }
        }
        seconds
    }
}

// ---- one secretary -----------------------------------------------------------------------

/// What a key shows, once the server has handled it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Typing,
    Marking,
}

/// One key of the script.
struct Key {
    bytes: Vec<u8>,
    /// The text on screen that shows the key was handled, and what kind of key it is; `None`
    /// for keys that show nothing of their own (Tab, Enter, `g`) and for the first
    /// character of a line (its digit is on screen already), which are not timed.
    shows: Option<(String, Kind)>,
    /// A character of the minutes (Enter is `\n`).
    typed: Option<char>,
    /// The member (by place on the roll) and the mark.
    mark: Option<(usize, Mark)>,
}

impl Key {
    fn plain(bytes: &[u8]) -> Key {
        Key {
            bytes: bytes.to_vec(),
            shows: None,
            typed: None,
            mark: None,
        }
    }
}

/// The keys one secretary presses, round after round, for ever.
struct Script {
    roll: Vec<String>,
    /// Where the roll's cursor is (the app moves it down after each mark).
    cursor: usize,
    pass: usize,
    line: usize,
    queue: VecDeque<Key>,
}

impl Script {
    /// A script whose first round begins `phase` keys in: fewer marks, or none and a
    /// shorter line. Sessions given phases spread over a round mark and type in the same
    /// proportions from the first second, instead of all marking at once.
    fn new(roll: Vec<String>, phase: usize) -> Script {
        let mut script = Script {
            roll,
            cursor: 0,
            pass: 0,
            line: 1,
            queue: VecDeque::new(),
        };
        // Past the marks, the round's Tab and Enter, then characters of the line.
        let skip = phase.saturating_sub(MARKS_PER_ROUND + 2);
        script.round(MARKS_PER_ROUND.saturating_sub(phase), skip);
        script
    }

    /// `marks` marks on the roll, then one line of section I (its phrase without its first
    /// `skip` characters, some always left), and back to the roll.
    fn round(&mut self, marks: usize, skip: usize) {
        for _ in 0..marks {
            if self.cursor == self.roll.len() {
                // Past the last member: back to the top for the next pass.
                self.queue.push_back(Key::plain(b"g"));
                self.cursor = 0;
                self.pass += 1;
            }
            let (key, mark, word) = if self.pass.is_multiple_of(2) {
                (b"p", Mark::Present, PRESENT)
            } else {
                (b"a", Mark::Absent, ABSENT)
            };
            self.queue.push_back(Key {
                bytes: key.to_vec(),
                shows: Some((format!("{}: {word}", self.roll[self.cursor]), Kind::Marking)),
                typed: None,
                mark: Some((self.cursor, mark)),
            });
            self.cursor += 1;
        }
        self.queue.push_back(Key::plain(b"\t"));
        self.queue.push_back(Key {
            typed: Some('\n'),
            ..Key::plain(b"\r")
        });
        let phrase = PHRASES[self.line % PHRASES.len()];
        let skip = skip.min(phrase.chars().count().saturating_sub(3));
        let phrase: String = phrase.chars().skip(skip).collect();
        let line = format!("{:02} {}", self.line, phrase.trim_start());
        let mut so_far = String::from("┃");
        for (i, c) in line.chars().enumerate() {
            so_far.push(c);
            let mut buf = [0; 4];
            self.queue.push_back(Key {
                bytes: c.encode_utf8(&mut buf).as_bytes().to_vec(),
                // The line begins at the left border of the editor, focused (heavy).
                shows: (i > 0).then(|| (so_far.clone(), Kind::Typing)),
                typed: Some(c),
                mark: None,
            });
        }
        self.queue.push_back(Key::plain(BACK_TAB));
        self.line += 1;
    }
}

impl Iterator for Script {
    type Item = Key;

    fn next(&mut self) -> Option<Key> {
        if self.queue.is_empty() {
            self.round(MARKS_PER_ROUND, 0);
        }
        self.queue.pop_front()
    }
}

/// A timed key: when it was sent and when the screen showed it.
struct Sent {
    kind: Kind,
    at: Instant,
    shown: Option<Instant>,
    mark: Option<(usize, Mark)>,
}

/// Everything one session did.
#[derive(Default)]
struct Log {
    keys: Vec<Sent>,
    /// Every character of the minutes sent, and when.
    typed: Vec<(char, Instant)>,
    sent: u64,
    /// Why it stopped: the server closing the connection, normally.
    ended: String,
}

/// Presses a key of `script` every `period` from `start` until the server goes away (or
/// `until`), reading the screen between keys.
async fn go_round(
    mut session: Session,
    mut script: Script,
    start: Instant,
    period: Duration,
    until: Instant,
) -> Log {
    let mut log = Log::default();
    let mut ticks = tokio::time::interval_at(start.into(), period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Keys not yet seen: what shows each, and its place in `log.keys`.
    let mut pending: VecDeque<(String, usize)> = VecDeque::new();
    loop {
        if Instant::now() > until {
            log.ended = "still connected".into();
            break;
        }
        tokio::select! {
            _ = ticks.tick() => {
                let Some(key) = script.next() else { break };
                let at = Instant::now();
                if let Err(e) = session.send(&key.bytes).await {
                    log.ended = format!("send: {e}");
                    break;
                }
                log.sent += 1;
                if let Some(c) = key.typed {
                    log.typed.push((c, at));
                }
                if let Some((shows, kind)) = key.shows {
                    log.keys.push(Sent { kind, at, shown: None, mark: key.mark });
                    pending.push_back((shows, log.keys.len() - 1));
                }
            }
            received = session.receive(Duration::from_millis(100)) => {
                if let Err(e) = received {
                    log.ended = e;
                    break;
                }
                let screen = session.text();
                // The server handles a session's keys in order: a key seen means every key
                // before it was handled too.
                if let Some(last) = pending.iter().rposition(|(shows, _)| screen.contains(shows.as_str())) {
                    let now = Instant::now();
                    for (_, i) in pending.drain(..=last) {
                        log.keys[i].shown = Some(now);
                    }
                }
            }
        }
    }
    log
}

// ---- after the kill ----------------------------------------------------------------------

/// What one session's meeting kept once the server was killed.
#[derive(Default)]
struct Kept {
    typed: usize,
    lost: usize,
    /// From the first character lost to the kill: the seconds of typing lost.
    lost_for: Duration,
    /// Marks the screen had shown that the database does not hold.
    marks_lost: usize,
    /// How long before the kill the earliest of those was sent.
    marks_lost_for: Duration,
}

/// Opens the database again and compares, for every session, the characters it sent
/// before the kill with section I of its meeting's draft or saved minutes (whichever keeps
/// more), and the marks its screen showed with the roll.
fn after_the_kill(
    db: &Path,
    branches: &[Branch],
    logs: &[(usize, Log)],
    killed: Instant,
) -> Result<Vec<Kept>, String> {
    let store = Store::open(db).map_err(|e| format!("reopening after the kill: {e}"))?;
    let reader = store.read().map_err(|e| e.to_string())?;
    let mut kept = Vec::with_capacity(logs.len());
    for (i, log) in logs {
        let branch = &branches[*i];
        let typed: Vec<(char, Instant)> = log
            .typed
            .iter()
            .copied()
            .filter(|(_, at)| *at < killed)
            .collect();
        let chars: Vec<char> = typed.iter().map(|(c, _)| *c).collect();
        let meeting = reader
            .meeting(branch.meeting)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("{}: the meeting is gone", branch.code))?;
        let draft = reader.draft(branch.meeting).map_err(|e| e.to_string())?;
        let saved = [draft.map(|d| d.text), meeting.minutes.clone()]
            .into_iter()
            .flatten()
            .map(|text| {
                let section = MinutesText::parse(&text)
                    .section(Section::Opening)
                    .to_string();
                kept_prefix(&chars, &section)
            })
            .max()
            .unwrap_or(0);
        let lost_for = typed
            .get(saved)
            .map_or(Duration::ZERO, |(_, at)| killed - *at);

        let roll = reader.roll_of(&meeting).map_err(|e| e.to_string())?;
        let mut marks_lost = 0;
        let mut marks_lost_for = Duration::ZERO;
        for (place, name) in branch.roll.iter().enumerate() {
            let stored = roll
                .entries
                .iter()
                .find(|e| &e.name == name)
                .and_then(|e| e.mark);
            let sent: Vec<&Sent> = log
                .keys
                .iter()
                .filter(|k| k.at < killed && k.mark.is_some_and(|(p, _)| p == place))
                .collect();
            // The last mark seen must be in the database, or one sent after it.
            if let Some(seen) = sent.iter().rposition(|k| k.shown.is_some())
                && !sent[seen..]
                    .iter()
                    .any(|k| k.mark.map(|(_, m)| m) == stored)
            {
                marks_lost += 1;
                marks_lost_for = marks_lost_for.max(killed - sent[seen].at);
            }
        }
        kept.push(Kept {
            typed: chars.len(),
            lost: chars.len() - saved,
            lost_for,
            marks_lost,
            marks_lost_for,
        });
    }
    Ok(kept)
}

/// The most characters from the start of `typed` that `saved` holds, one after another.
fn kept_prefix(typed: &[char], saved: &str) -> usize {
    let holds = |n: usize| saved.contains(&typed[..n].iter().collect::<String>());
    // Holding a prefix means holding every shorter one: the longest is found by halving.
    let (mut low, mut high) = (0, typed.len());
    while low < high {
        let mid = (low + high).div_ceil(2);
        if holds(mid) {
            low = mid;
        } else {
            high = mid - 1;
        }
    }
    low
}

// ---- the report --------------------------------------------------------------------------

struct Report<'a> {
    sessions: usize,
    start: Instant,
    killed: Instant,
    import: &'a Import,
    logs: &'a [(usize, Log)],
    kept: &'a [Kept],
    syncs: &'a [(Instant, u64)],
}

/// Latencies of a set of keys, and the keys still waiting at the kill.
struct Waits {
    shown: usize,
    unshown: usize,
    /// Every key's wait, sorted: until it was shown or, for a key not shown by the kill,
    /// until the kill (so that keys never shown are not left out of the percentiles; their
    /// wait is a lower bound).
    all: Vec<Duration>,
}

impl Waits {
    fn p(&self, p: f64) -> Duration {
        percentile(&self.all, p)
    }

    /// The longest any key waited, shown or not.
    fn longest(&self) -> Duration {
        self.all.last().copied().unwrap_or_default()
    }

    fn over(&self, limit: Duration) -> usize {
        self.all.iter().filter(|d| **d > limit).count()
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

impl Report<'_> {
    /// The timed keys sent before the kill that `keep` accepts.
    fn waits(&self, keep: impl Fn(&Sent) -> bool) -> Waits {
        let mut waits = Waits {
            shown: 0,
            unshown: 0,
            all: Vec::new(),
        };
        for key in self.logs.iter().flat_map(|(_, log)| &log.keys) {
            if key.at >= self.killed || !keep(key) {
                continue;
            }
            match key.shown {
                Some(shown) if shown <= self.killed => {
                    waits.shown += 1;
                    waits.all.push(shown - key.at);
                }
                _ => {
                    waits.unshown += 1;
                    waits.all.push(self.killed - key.at);
                }
            }
        }
        waits.all.sort();
        waits
    }

    fn during_import(&self, at: Instant) -> bool {
        self.import.started <= at && at < self.import.ended
    }

    /// `fdatasync` and `fsync` calls in the seconds that ended within `from..to`, and how
    /// many seconds those were.
    fn syncs_in(&self, from: Instant, to: Instant) -> (u64, usize) {
        let seconds: Vec<u64> = self
            .syncs
            .iter()
            .filter(|(end, _)| *end > from && *end <= to)
            .map(|(_, n)| *n)
            .collect();
        (seconds.iter().sum(), seconds.len())
    }

    fn commits_a_second(&self, from: Instant, to: Instant) -> String {
        match self.syncs_in(from, to) {
            (_, 0) => "—".into(),
            (calls, seconds) => format!(
                "{:.0}",
                calls as f64 / seconds as f64 / SYNCS_PER_COMMIT as f64
            ),
        }
    }

    fn at(&self, instant: Instant) -> String {
        secs(instant.saturating_duration_since(self.start))
    }

    fn print(
        &self,
        opening: Duration,
        start_errors: &[String],
        (rss_peak_kb, hwm_kb): (u64, u64),
        cpu: &Cpu,
        load_at_kill: &str,
    ) {
        let all = self.waits(|_| true);
        let typing = self.waits(|k| k.kind == Kind::Typing);
        let marking = self.waits(|k| k.kind == Kind::Marking);
        let in_import = self.waits(|k| self.during_import(k.at));
        let import_typing = self.waits(|k| k.kind == Kind::Typing && self.during_import(k.at));
        let import_marking = self.waits(|k| k.kind == Kind::Marking && self.during_import(k.at));
        let sent: u64 = self.logs.iter().map(|(_, l)| l.sent).sum();
        let import_until = self.import.ended.min(self.killed);

        println!(
            "{} sessions signed in and on their rolls in {} ({} could not start); load \
             average at the kill {load_at_kill}",
            self.logs.len(),
            secs(opening),
            self.sessions - self.logs.len()
        );
        for e in start_errors.iter().take(5) {
            println!("  {e}");
        }
        println!(
            "import: from {} to {} ({}), {}; kill -9 at {}, {} the import",
            self.at(self.import.started),
            self.at(self.import.ended),
            secs(self.import.ended - self.import.started),
            self.import.outcome,
            self.at(self.killed),
            if self.killed < self.import.started {
                "before"
            } else if self.killed < self.import.ended {
                "during"
            } else {
                "after"
            }
        );
        println!("keys sent: {sent} (marks, characters, Tab, Enter, g)");
        println!(
            "a key not shown by the kill counts as waiting from when it was sent until the \
             kill: its wait is a lower bound"
        );
        println!();
        println!(
            "{:<46} {:>22} {:>22} {:>22}",
            "", "all timed keys", "typing", "marking"
        );
        let row = |what: &str, f: &dyn Fn(&Waits) -> String, sets: [&Waits; 3]| {
            println!(
                "{what:<46} {:>22} {:>22} {:>22}",
                f(sets[0]),
                f(sets[1]),
                f(sets[2])
            );
        };
        let whole = [&all, &typing, &marking];
        let import = [&in_import, &import_typing, &import_marking];
        row(
            "keys timed: shown / not shown by the kill",
            &|w| format!("{} / {}", w.shown, w.unshown),
            whole,
        );
        row("key → screen p50", &|w| ms(w.p(50.0)), whole);
        row("key → screen p99", &|w| ms(w.p(99.0)), whole);
        row(
            "key → screen max: the longest wait",
            &|w| ms(w.longest()),
            whole,
        );
        row(
            "keys waiting > 100 ms / > 1 s",
            &|w| {
                format!(
                    "{} / {}",
                    w.over(WAIT_TARGET),
                    w.over(Duration::from_secs(1))
                )
            },
            whole,
        );
        row(
            "while the import ran: keys timed",
            &|w| format!("{} / {}", w.shown, w.unshown),
            import,
        );
        row(
            "while the import ran: p50 / p99",
            &|w| format!("{} / {}", ms(w.p(50.0)), ms(w.p(99.0))),
            import,
        );
        row(
            "while the import ran: longest wait",
            &|w| ms(w.longest()),
            import,
        );
        println!();

        let counted = !self.syncs.is_empty();
        if counted {
            let (calls, seconds) = self.syncs_in(self.start, self.killed);
            let busiest = self
                .syncs
                .iter()
                .filter(|(end, _)| *end > self.start && *end <= self.killed)
                .map(|(_, n)| *n)
                .max()
                .unwrap_or(0);
            println!(
                "durable commits a second (fdatasync+fsync ÷ {SYNCS_PER_COMMIT}, perf stat): \
                 {} over the {seconds} s before the kill ({calls} calls), {} while the import \
                 ran, {} without it, {} in the busiest second",
                self.commits_a_second(self.start, self.killed),
                self.commits_a_second(self.import.started, import_until),
                self.commits_a_second(self.start, self.import.started.min(self.killed)),
                busiest / SYNCS_PER_COMMIT,
            );
        } else {
            // Without perf: each mark is one commit; the draft is saved at most every 2 s
            // of typing and at each Tab away from it; the lease is renewed every 5 s.
            let marks = all_marks(self.logs, self.killed);
            let seconds = (self.killed - self.start).as_secs_f64();
            let estimate = marks as f64 / seconds + self.logs.len() as f64 * (0.5 + 0.2);
            println!(
                "durable commits a second: not counted (perf stat could not run); estimated \
                 from the clients' writes: about {estimate:.0}"
            );
        }

        let typed: usize = self.kept.iter().map(|k| k.typed).sum();
        let lost: usize = self.kept.iter().map(|k| k.lost).sum();
        let mut lost_for: Vec<Duration> = self.kept.iter().map(|k| k.lost_for).collect();
        lost_for.sort();
        let over_promise = lost_for.iter().filter(|d| **d > LOSS_PROMISE).count();
        let marks_lost: usize = self.kept.iter().map(|k| k.marks_lost).sum();
        let marks_lost_for = self.kept.iter().map(|k| k.marks_lost_for).max();
        println!(
            "lost to kill -9: {lost} of {typed} characters typed; per session, seconds of \
             typing lost p50 {} / max {}; sessions losing more than 2 s: {over_promise} of {}; \
             marks shown but not stored: {marks_lost}, the earliest sent {} before the kill",
            secs(percentile(&lost_for, 50.0)),
            secs(lost_for.last().copied().unwrap_or_default()),
            self.kept.len(),
            marks_lost_for.map_or_else(
                || "—".to_string(),
                |d| format!("{:.0} ms", d.as_secs_f64() * 1000.0)
            ),
        );
        println!(
            "server memory: VmRSS peak {:.1} MB (sampled every 100 ms), VmHWM {:.1} MB",
            rss_peak_kb as f64 / 1024.0,
            hwm_kb as f64 / 1024.0
        );
        println!(
            "CPU time from the first sign-in to the kill ({}): server {}, the bench's clients {}",
            secs(self.killed - cpu.since),
            secs(cpu.server),
            secs(cpu.clients)
        );
        let mut endings: Vec<&str> = self.logs.iter().map(|(_, l)| l.ended.as_str()).collect();
        endings.sort();
        endings.dedup();
        println!("sessions ended by: {}", endings.join("; "));

        self.print_timeline();

        println!();
        println!("targets:");
        println!(
            "  p99 < 50 ms: {} — {}",
            ms(all.p(99.0)),
            met(all.p(99.0) < P99_TARGET && all.shown > 0)
        );
        println!(
            "  no key waits > 100 ms while the import runs: longest {} — {}",
            ms(in_import.longest()),
            met(in_import.longest() <= WAIT_TARGET && in_import.shown > 0)
        );
        println!(
            "  kill -9 loses at most the last 2 s of typing: longest {} — {}",
            secs(lost_for.last().copied().unwrap_or_default()),
            met(over_promise == 0 && !self.kept.is_empty())
        );
        println!(
            "  0 sessions failing to start: {} — {}",
            self.sessions - self.logs.len(),
            met(self.sessions == self.logs.len())
        );
    }

    /// Five-second windows by the time keys were sent.
    fn print_timeline(&self) {
        println!();
        println!(
            "{:>10} {:>7} {:>10} {:>10} {:>10} {:>9} {:>10}  import",
            "sent at", "keys", "p50", "p99", "longest", "unshown", "commits/s"
        );
        let step = Duration::from_secs(5);
        let mut from = self.start;
        while from < self.killed {
            let to = (from + step).min(self.killed);
            let w = self.waits(|k| k.at >= from && k.at < to);
            let importing = self.import.started < to && from < self.import.ended;
            println!(
                "{:>10} {:>7} {:>10} {:>10} {:>10} {:>9} {:>10}  {}",
                format!(
                    "{:.0}–{:.0} s",
                    (from - self.start).as_secs_f64(),
                    (to - self.start).as_secs_f64()
                ),
                w.all.len(),
                ms(w.p(50.0)),
                ms(w.p(99.0)),
                ms(w.longest()),
                w.unshown,
                self.commits_a_second(from, to),
                if importing { "running" } else { "" }
            );
            from = to;
        }
    }
}

fn all_marks(logs: &[(usize, Log)], killed: Instant) -> usize {
    logs.iter()
        .flat_map(|(_, l)| &l.keys)
        .filter(|k| k.kind == Kind::Marking && k.at < killed)
        .count()
}
