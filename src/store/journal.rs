//! The journal of minutes being typed, kept beside the database the way an editor keeps a
//! swap file. A draft reaches the `drafts` table only through a write transaction, and
//! another process may hold the database's write lock for a minute (an import): until then
//! what was typed would live only in a session's memory, and a process killed then would
//! lose it. The journal takes no lock of the database. A session hands it the text after
//! every key (`Store::journal_minutes`), which only keeps it in memory; a thread of the
//! journal's own appends what changed to this process's log and syncs it within
//! [`SYNC_AFTER`] of the first change, so a process killed at any moment has lost well
//! under two seconds of typing.
//!
//! On disk: `<db file name>.journal/` beside the database, one append-only log per process
//! (`<pid>-<n>.log`), locked by its process for as long as it lives — a log whose lock can
//! be taken belongs to a process that is gone. A record is one line: its CRC-32, a space,
//! and JSON (which escapes newlines), so a line cut short by a crash is told from a whole
//! one and ignored. A key's first record holds its whole text; later ones only what changed
//! since the record before — also after the text was settled (reached the database), as a
//! session autosaves every few seconds and types on. When a log outgrows a bound it is
//! written again from memory — only the latest texts — into a new file that is locked
//! before it is renamed over the old.
//!
//! At `Store::open` the logs of processes that are gone are replayed (`replay`): text still
//! unsettled becomes the meeting's draft through `Store::write`, audited, unless the draft
//! there is newer; what cannot be written is carried into this process's log, never dropped.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::RollChange;
use super::query::Writer;
use super::{Store, StoreError};
use crate::domain::{Draft, MeetingId};

/// How long after the first change not yet on disk the journal writes and syncs: what a
/// process killed at the worst moment loses, plus the time one sync takes.
const SYNC_AFTER: Duration = Duration::from_millis(250);

/// How long after a failed write the journal tries again.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// A log is written again from memory once it is larger than this and than twice what it
/// held after it was last written anew: the diffs of a day's typing stay bounded, and 300
/// sessions' whole texts are not rewritten more often than the typing itself adds up to.
const REWRITE_FLOOR: u64 = 1 << 20;

/// A `.tmp` with no log of its name is left by a process that died while making its log;
/// one this old cannot belong to a process making its log now.
const ORPHAN_AGE: Duration = Duration::from_secs(600);

impl Store {
    /// Keeps `draft` — the whole text of `meeting`'s minutes as typed so far by `login` —
    /// until it reaches the database. Cheap and never waits on the disk nor the database:
    /// called after keys, it only replaces the text kept in memory; the journal's thread
    /// writes and syncs it within a quarter of a second.
    pub fn journal_minutes(&self, meeting: MeetingId, login: &str, draft: &Draft) {
        self.journal.record(meeting, login, draft);
    }

    /// What was journaled for `meeting` by `login` has reached the database (a draft or the
    /// minutes committed), so a crash from now on has nothing of theirs to restore. Call it
    /// with nothing journaled since the text that was committed.
    pub fn journal_settled(&self, meeting: MeetingId, login: &str) {
        self.journal.settle(meeting, login);
    }

    /// Keeps the changes to `meeting`'s roll that `login` made and the database's writer has
    /// not yet committed, all of them, oldest first; none settles them. Like
    /// [`Store::journal_minutes`], never waits.
    pub fn journal_roll(
        &self,
        meeting: MeetingId,
        login: &str,
        steps: &[RollStep],
        at: NaiveDateTime,
    ) {
        let key = Key::roll(meeting, login);
        if steps.is_empty() {
            self.journal.settle_key(key);
            return;
        }
        let Ok(text) = serde_json::to_string(steps) else {
            return;
        };
        let by = login.to_string();
        let draft = Draft {
            text,
            saved_at: at,
            by,
        };
        self.journal.record_key(key, &draft);
    }

    /// Writes and syncs what the journal holds now, without waiting for its thread: for a
    /// server shutting down, and tests. Waits on the disk.
    pub fn journal_flush(&self) {
        self.journal.shared.flush();
    }
}

/// What the journal keeps text under.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Key {
    meeting: u64,
    login: String,
    /// 0 for text typed in this process; otherwise the number of an entry carried over
    /// from the log of a process that is gone, kept apart so that nothing typed here
    /// replaces it and no `journal_settled` clears it.
    carried: u64,
    /// The roll's changes not yet committed (a JSON list of [`RollStep`]), rather than the
    /// minutes' text.
    roll: bool,
}

impl Key {
    fn typed(meeting: MeetingId, login: &str) -> Key {
        Key {
            meeting: meeting.0,
            login: login.to_string(),
            carried: 0,
            roll: false,
        }
    }

    fn roll(meeting: MeetingId, login: &str) -> Key {
        Key {
            roll: true,
            ..Key::typed(meeting, login)
        }
    }
}

/// A change to a roll handed to the database's writer and not yet committed: kept in the
/// journal, as typed text is, so a mark shown on screen outlives a crash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollStep {
    pub change: RollChange,
    /// The day the change was made on: the day the roll's rules judge it by.
    pub today: NaiveDate,
}

/// One line of a log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "r", rename_all = "lowercase")]
enum Record {
    /// A key's whole text.
    Full {
        m: u64,
        l: String,
        #[serde(default, skip_serializing_if = "is_zero")]
        c: u64,
        #[serde(default, skip_serializing_if = "is_false")]
        o: bool,
        at: NaiveDateTime,
        by: String,
        text: String,
    },
    /// A key's text changed: `front` bytes kept from its start, `back` bytes from its end,
    /// `put` between them. `sum` is the CRC-32 of the text that makes, so a diff applied to
    /// anything but the text it was made from is noticed.
    Diff {
        m: u64,
        l: String,
        #[serde(default, skip_serializing_if = "is_zero")]
        c: u64,
        #[serde(default, skip_serializing_if = "is_false")]
        o: bool,
        at: NaiveDateTime,
        front: usize,
        back: usize,
        put: String,
        sum: u32,
    },
    /// The key's text has reached the database. The text stays what the next diff of
    /// the key applies to.
    Done {
        m: u64,
        l: String,
        #[serde(default, skip_serializing_if = "is_zero")]
        c: u64,
        #[serde(default, skip_serializing_if = "is_false")]
        o: bool,
    },
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Record {
    fn full(key: &Key, draft: &Draft) -> Record {
        Record::Full {
            m: key.meeting,
            l: key.login.clone(),
            c: key.carried,
            o: key.roll,
            at: draft.saved_at,
            by: draft.by.clone(),
            text: draft.text.clone(),
        }
    }

    /// The record that turns `before` into `now`: a diff, unless it would not be much
    /// smaller than the whole text (a paste, another author).
    fn change(key: &Key, before: &Draft, now: &Draft) -> Record {
        let (front, back, put) = diff(&before.text, &now.text);
        if before.by != now.by || put.len() > now.text.len() / 2 {
            return Record::full(key, now);
        }
        Record::Diff {
            m: key.meeting,
            l: key.login.clone(),
            c: key.carried,
            o: key.roll,
            at: now.saved_at,
            front,
            back,
            put: put.to_string(),
            sum: crc32fast::hash(now.text.as_bytes()),
        }
    }

    fn done(key: &Key) -> Record {
        Record::Done {
            m: key.meeting,
            l: key.login.clone(),
            c: key.carried,
            o: key.roll,
        }
    }

    fn key(&self) -> Key {
        let (Record::Full { m, l, c, o, .. }
        | Record::Diff { m, l, c, o, .. }
        | Record::Done { m, l, c, o }) = self;
        Key {
            meeting: *m,
            login: l.clone(),
            carried: *c,
            roll: *o,
        }
    }

    /// The record as a line of a log, appended to `out`.
    fn write_line(&self, out: &mut Vec<u8>) {
        // Serialising plain strings and numbers cannot fail; were it to, the line is left
        // out rather than written half.
        let Ok(json) = serde_json::to_string(self) else {
            return;
        };
        let line = format!("{:08x} {json}\n", crc32fast::hash(json.as_bytes()));
        out.extend_from_slice(line.as_bytes());
    }

    /// A whole line of a log, without its newline; `None` for one damaged or cut short.
    fn read_line(line: &[u8]) -> Option<Record> {
        let line = std::str::from_utf8(line).ok()?;
        let (sum, json) = line.split_once(' ')?;
        let sum = u32::from_str_radix(sum, 16).ok()?;
        (crc32fast::hash(json.as_bytes()) == sum)
            .then(|| serde_json::from_str(json).ok())
            .flatten()
    }
}

/// What turns `old` into `new`: how many bytes are kept from the front of `old`, how many
/// from its back, and the text of `new` between them — cut on character boundaries, so
/// Vietnamese letters of two and three bytes are never split.
fn diff<'n>(old: &str, new: &'n str) -> (usize, usize, &'n str) {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let mut front = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    while !(old.is_char_boundary(front) && new.is_char_boundary(front)) {
        front -= 1;
    }
    let room = a.len().min(b.len()) - front;
    let mut back = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(room)
        .take_while(|(x, y)| x == y)
        .count();
    while !(old.is_char_boundary(a.len() - back) && new.is_char_boundary(b.len() - back)) {
        back -= 1;
    }
    (front, back, &new[front..b.len() - back])
}

/// `base` with `front` bytes kept from its start, `back` from its end and `put` between;
/// `None` when those do not fit `base` (a diff read against the wrong text).
fn apply(base: &str, front: usize, back: usize, put: &str) -> Option<String> {
    let tail = base.len().checked_sub(back)?;
    if front > tail {
        return None;
    }
    Some([base.get(..front)?, put, base.get(tail..)?].concat())
}

/// What a log says, read from its first line to its last whole one.
#[derive(Debug, Default)]
struct Contents {
    /// The last state of every key left unsettled.
    entries: BTreeMap<Key, Draft>,
    /// What is wrong with the log beyond a last line cut short, if anything.
    damage: Option<String>,
}

/// Reads a log. A last line without its newline is what a crash during a write leaves,
/// and is ignored; a bad line before it, or a diff that does not apply, is damage: the
/// rest is still read, and a key whose diffs stop applying keeps its last good text.
fn read_log(bytes: &[u8]) -> Contents {
    let mut lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    // The piece after the last newline: empty in a log whose last write was whole.
    lines.pop();
    // Every key's last text, and whether it was settled at it.
    let mut texts: BTreeMap<Key, (Draft, bool)> = BTreeMap::new();
    let mut broken: HashSet<Key> = HashSet::new();
    let (mut bad_lines, mut bad_diffs) = (0usize, 0usize);
    for line in lines {
        let Some(record) = Record::read_line(line) else {
            bad_lines += 1;
            continue;
        };
        let key = record.key();
        match record {
            Record::Full { at, by, text, .. } => {
                broken.remove(&key);
                let saved_at = at;
                texts.insert(key, (Draft { text, saved_at, by }, false));
            }
            Record::Diff {
                at,
                front,
                back,
                put,
                sum,
                ..
            } => {
                if broken.contains(&key) {
                    continue;
                }
                let applied = texts.get_mut(&key).and_then(|base| {
                    let text = apply(&base.0.text, front, back, &put)?;
                    (crc32fast::hash(text.as_bytes()) == sum).then_some((base, text))
                });
                match applied {
                    Some((base, text)) => {
                        base.0.text = text;
                        base.0.saved_at = at;
                        base.1 = false;
                    }
                    None => {
                        bad_diffs += 1;
                        broken.insert(key);
                    }
                }
            }
            Record::Done { .. } => {
                if let Some(last) = texts.get_mut(&key) {
                    last.1 = true;
                }
            }
        }
    }
    let damage = (bad_lines + bad_diffs > 0)
        .then(|| format!("{bad_lines} damaged lines, {bad_diffs} changes that did not apply"));
    let entries = texts
        .into_iter()
        .filter(|(_, (_, settled))| !settled)
        .map(|(key, (draft, _))| (key, draft))
        .collect();
    Contents { entries, damage }
}

/// The journal of one database in this process, shared by every clone of every `Store`
/// opened on it.
pub struct Journal {
    shared: Arc<Shared>,
    /// The thread that writes, started with the first text; `None` inside when it could
    /// not be started (then text is written by `journal_flush` and when the journal closes).
    writer: OnceLock<Option<JoinHandle<()>>>,
    /// Whether the logs of processes that are gone were replayed by this journal yet.
    replayed: AtomicBool,
}

struct Shared {
    dir: PathBuf,
    state: Mutex<State>,
    /// Wakes the writing thread: a first change, or the journal closing.
    wake: Condvar,
    /// The log, held by whoever writes. Taken before `state` when both are taken.
    disk: Mutex<Disk>,
    rewrite_floor: u64,
}

/// What sessions change: held only for moments, never across I/O, so keys never wait.
#[derive(Default)]
struct State {
    /// The latest text of every key not settled.
    entries: HashMap<Key, Arc<Draft>>,
    /// The text each settled key was settled at, until the log is next written anew: the
    /// same text handed in again (a key that only moved the cursor) is not journaled again.
    settled: HashMap<Key, Arc<Draft>>,
    /// Keys changed or settled since they were last written.
    dirty: HashSet<Key>,
    /// When what is not written yet is to be: [`SYNC_AFTER`] after the first change of it.
    due: Option<Instant>,
    /// The number the last carried entry was given.
    carried: u64,
    stop: bool,
}

#[derive(Default)]
struct Disk {
    log: Option<Log>,
    /// What the log leaves each key at, and whether settled: the text the next diff is
    /// made against.
    written: HashMap<Key, (Arc<Draft>, bool)>,
    /// The log may end in a record written in part: the next write rewrites it whole.
    rewrite: bool,
    /// A warning was given for the failures going on now: one per run of them.
    failing: bool,
}

/// This process's log, open and locked.
struct Log {
    file: File,
    path: PathBuf,
    size: u64,
    /// Its size when it was last written anew.
    rewritten: u64,
}

/// Locks a mutex whatever a panicking holder left: every state here stays consistent
/// between statements, and the journal must not take a session down with it.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The journal directory of the database at `db`: `<file name>.journal` beside it.
pub fn dir_of(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or(db.as_os_str()).to_os_string();
    name.push(".journal");
    db.with_file_name(name)
}

/// This process's journals, by the database they journal for.
fn journals() -> &'static Mutex<HashMap<PathBuf, Weak<Journal>>> {
    static JOURNALS: OnceLock<Mutex<HashMap<PathBuf, Weak<Journal>>>> = OnceLock::new();
    JOURNALS.get_or_init(Mutex::default)
}

impl Journal {
    /// The journal of the database at `db` (which exists): the one this process has for
    /// it already, as every `Store::open` of one file in one process must share one log.
    pub(super) fn of(db: &Path) -> Arc<Journal> {
        let file = fs::canonicalize(db).unwrap_or_else(|_| db.to_path_buf());
        let mut all = lock(journals());
        all.retain(|_, journal| journal.strong_count() > 0);
        if let Some(journal) = all.get(&file).and_then(Weak::upgrade) {
            return journal;
        }
        let journal = Arc::new(Journal::new(dir_of(&file), REWRITE_FLOOR));
        all.insert(file, Arc::downgrade(&journal));
        journal
    }

    fn new(dir: PathBuf, rewrite_floor: u64) -> Journal {
        Journal {
            shared: Arc::new(Shared {
                dir,
                state: Mutex::default(),
                wake: Condvar::new(),
                disk: Mutex::default(),
                rewrite_floor,
            }),
            writer: OnceLock::new(),
            replayed: AtomicBool::new(false),
        }
    }

    fn record(&self, meeting: MeetingId, login: &str, draft: &Draft) {
        self.record_key(Key::typed(meeting, login), draft);
    }

    fn record_key(&self, key: Key, draft: &Draft) {
        let mut state = lock(&self.shared.state);
        // A key that moved the cursor only: nothing to write. Marks are events, not text:
        // the same mark sent again after one like it was settled is a new change to keep.
        let same = |kept: &Arc<Draft>| kept.text == draft.text && kept.by == draft.by;
        let settled = (!key.roll).then(|| state.settled.get(&key)).flatten();
        let last = state.entries.get(&key).or(settled);
        if last.is_some_and(same) {
            return;
        }
        state.settled.remove(&key);
        state.entries.insert(key.clone(), Arc::new(draft.clone()));
        self.changed(state, key);
    }

    fn settle(&self, meeting: MeetingId, login: &str) {
        self.settle_key(Key::typed(meeting, login));
    }

    fn settle_key(&self, key: Key) {
        let mut state = lock(&self.shared.state);
        if let Some(kept) = state.entries.remove(&key) {
            state.settled.insert(key.clone(), kept);
            self.changed(state, key);
        }
    }

    /// Keeps text of a process that is gone, which could not be written into the database.
    /// The same text of the same person carried twice (a replay that was cut short and
    /// done again) is kept once.
    fn carry(&self, meeting: u64, login: &str, draft: Draft) {
        let mut state = lock(&self.shared.state);
        let known = state.entries.iter().any(|(key, kept)| {
            key.carried != 0 && key.meeting == meeting && key.login == login && **kept == draft
        });
        if known {
            return;
        }
        state.carried += 1;
        let key = Key {
            meeting,
            login: login.to_string(),
            carried: state.carried,
            roll: false,
        };
        state.entries.insert(key.clone(), Arc::new(draft));
        self.changed(state, key);
    }

    /// Marks `key` to be written, and wakes the writer when it was idle.
    fn changed(&self, mut state: MutexGuard<'_, State>, key: Key) {
        state.dirty.insert(key);
        if state.due.is_none() {
            state.due = Some(Instant::now() + SYNC_AFTER);
            drop(state);
            self.start_writer();
            self.shared.wake.notify_all();
        }
    }

    fn start_writer(&self) {
        self.writer.get_or_init(|| {
            let shared = self.shared.clone();
            std::thread::Builder::new()
                .name("chibo-journal".into())
                .spawn(move || shared.run())
                .map_err(|e| tracing::warn!(error = %e, "journal thread not started"))
                .ok()
        });
    }
}

impl Drop for Journal {
    /// The last `Store` of the file is gone: what is left is written, and the log removed
    /// when nothing in it is unsettled — otherwise it stays for the next open to replay.
    fn drop(&mut self) {
        lock(&self.shared.state).stop = true;
        self.shared.wake.notify_all();
        if let Some(Some(writer)) = self.writer.take() {
            // The thread only writes; a panic there has nothing left to undo.
            let _ = writer.join();
        }
        self.shared.flush();
        self.shared.close();
    }
}

impl Shared {
    /// The writing thread: sleeps until a change, then writes [`SYNC_AFTER`] after it,
    /// so a burst of keys costs one write and one sync.
    fn run(&self) {
        loop {
            {
                let mut state = lock(&self.state);
                loop {
                    if state.stop {
                        return;
                    }
                    let Some(due) = state.due else {
                        state = self
                            .wake
                            .wait(state)
                            .unwrap_or_else(PoisonError::into_inner);
                        continue;
                    };
                    let now = Instant::now();
                    if now >= due {
                        break;
                    }
                    state = self
                        .wake
                        .wait_timeout(state, due - now)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                }
            }
            self.flush();
        }
    }

    /// Writes and syncs every change made so far. Whether all of it is on disk: on a
    /// failure the changes are kept to be written again (the whole log anew), and a
    /// warning is given for the first failure of a run.
    fn flush(&self) -> bool {
        let mut disk = lock(&self.disk);
        let (changes, everything) = {
            let mut state = lock(&self.state);
            let changes: Vec<(Key, Option<Arc<Draft>>)> = std::mem::take(&mut state.dirty)
                .into_iter()
                .map(|key| {
                    let now = state.entries.get(&key).cloned();
                    (key, now)
                })
                .collect();
            state.due = None;
            let anew = disk.log.is_none()
                || disk.rewrite
                || disk
                    .log
                    .as_ref()
                    .is_some_and(|log| log.size > self.rewrite_floor.max(2 * log.rewritten));
            let everything = (anew && !(changes.is_empty() && disk.log.is_some())).then(|| {
                // The new log starts without the settled texts, so neither does memory.
                state.settled.clear();
                state.entries.clone()
            });
            (changes, everything)
        };
        let outcome = match everything {
            Some(entries) => disk.rewrite(&self.dir, entries),
            None => disk.append(&changes),
        };
        match outcome {
            Ok(()) => {
                if std::mem::take(&mut disk.failing) {
                    tracing::info!(dir = %self.dir.display(), "journal written again");
                }
                true
            }
            Err(e) => {
                if !std::mem::replace(&mut disk.failing, true) {
                    tracing::warn!(
                        dir = %self.dir.display(),
                        error = %e,
                        "journal not written: what is typed is kept in memory only"
                    );
                }
                disk.rewrite = true;
                let mut state = lock(&self.state);
                state.dirty.extend(changes.into_iter().map(|(key, _)| key));
                // Tried again a little later, not at every key, while the disk refuses.
                state.due = Some(Instant::now() + RETRY_AFTER);
                false
            }
        }
    }

    /// The journal closes: the log is removed when nothing in it is unsettled, and let go.
    fn close(&self) {
        let mut disk = lock(&self.disk);
        let settled = {
            let state = lock(&self.state);
            state.entries.is_empty() && state.dirty.is_empty()
        };
        if let Some(log) = disk.log.take()
            && settled
            && let Err(e) = fs::remove_file(&log.path)
        {
            tracing::warn!(path = %log.path.display(), error = %e, "settled journal not removed");
        }
    }

    /// The logs in the journal directory whose processes are gone, each locked by this
    /// process and read. A log another process is replaying is locked, so it is skipped.
    fn dead_logs(&self) -> Vec<DeadLog> {
        let listing = match fs::read_dir(&self.dir) {
            Ok(listing) => listing,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Vec::new(),
            Err(e) => {
                tracing::warn!(dir = %self.dir.display(), error = %e, "journal not read");
                return Vec::new();
            }
        };
        let own = lock(&self.disk).log.as_ref().map(|log| log.path.clone());
        let mut dead = Vec::new();
        for entry in listing.flatten() {
            let path = entry.path();
            if Some(&path) == own.as_ref() {
                continue;
            }
            match path.extension().and_then(|e| e.to_str()) {
                Some("log") => dead.extend(DeadLog::take(path)),
                Some("tmp") => remove_orphan(&path),
                _ => {}
            }
        }
        dead.sort_by(|a, b| a.path.cmp(&b.path));
        dead
    }
}

impl Disk {
    /// Writes `entries`, the whole journal, into a new log that is locked before it takes
    /// the log's name: a process looking for logs of the dead never sees it unlocked.
    fn rewrite(&mut self, dir: &Path, entries: HashMap<Key, Arc<Draft>>) -> io::Result<()> {
        if entries.is_empty() && self.log.is_none() {
            self.written.clear();
            self.rewrite = false;
            return Ok(());
        }
        make_private_dir(dir)?;
        let (path, tmp, mut file) = match &self.log {
            Some(log) => {
                let tmp = log.path.with_extension("tmp");
                let file = OpenOptions::new()
                    .write(true)
                    .create(true)
                    .truncate(true)
                    .open(&tmp)?;
                (log.path.clone(), tmp, file)
            }
            None => fresh_log(dir)?,
        };
        let mut sorted: Vec<(&Key, &Arc<Draft>)> = entries.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        let mut bytes = Vec::new();
        for (key, draft) in sorted {
            Record::full(key, draft).write_line(&mut bytes);
        }
        let written = lock_own(&file)
            .and_then(|()| file.write_all(&bytes))
            .and_then(|()| file.sync_data())
            .and_then(|()| fs::rename(&tmp, &path));
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        let size = bytes.len() as u64;
        // The old log goes with its lock; it has no name any more. The new one is kept
        // (and locked) even if the directory cannot be synced: it holds the log's name.
        self.log = Some(Log {
            file,
            path,
            size,
            rewritten: size,
        });
        self.written = entries
            .into_iter()
            .map(|(key, draft)| (key, (draft, false)))
            .collect();
        self.rewrite = false;
        sync_dir(dir)
    }

    /// Appends what changed for `changes`, each against what the log already says of it.
    fn append(&mut self, changes: &[(Key, Option<Arc<Draft>>)]) -> io::Result<()> {
        let Some(log) = self.log.as_mut() else {
            return Ok(());
        };
        let mut bytes = Vec::new();
        for (key, now) in changes {
            match (now, self.written.get(key)) {
                (Some(now), Some((before, _))) => Record::change(key, before, now),
                (Some(now), None) => Record::full(key, now),
                (None, Some((_, false))) => Record::done(key),
                // Settled before any of it was written, or already said to be.
                (None, _) => continue,
            }
            .write_line(&mut bytes);
        }
        if bytes.is_empty() {
            return Ok(());
        }
        log.file.write_all(&bytes)?;
        log.file.sync_data()?;
        log.size += bytes.len() as u64;
        for (key, now) in changes {
            match (now, self.written.get_mut(key)) {
                (Some(now), _) => {
                    self.written.insert(key.clone(), (now.clone(), false));
                }
                (None, Some(last)) => last.1 = true,
                (None, None) => {}
            }
        }
        Ok(())
    }
}

/// A new log for this process: a `<pid>-<n>.tmp` to be renamed `<pid>-<n>.log`, `n`
/// never used before by this process, and the names free of what a dead process with this
/// pid may have left.
fn fresh_log(dir: &Path) -> io::Result<(PathBuf, PathBuf, File)> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let pid = std::process::id();
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!("{pid}-{n}.log"));
        let tmp = path.with_extension("tmp");
        if path.exists() {
            continue;
        }
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(file) => return Ok((path, tmp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Locks a log this process writes, for as long as the process has it open.
fn lock_own(file: &File) -> io::Result<()> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(TryLockError::WouldBlock) => Err(io::Error::new(
            io::ErrorKind::WouldBlock,
            "a new journal log is locked by another process",
        )),
        Err(TryLockError::Error(e)) => Err(e),
    }
}

/// Makes a new name in `dir` (a log created or renamed) survive a crash.
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Whether `file` no longer has a name: a log replayed and removed, or replaced by its
/// rewrite, between the listing and the lock.
fn unlinked(file: &File) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        file.metadata().is_ok_and(|m| m.nlink() == 0)
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        false
    }
}

/// Removes a `.tmp` left by a process that died while making its log, when it is old
/// and unlocked. A dead process's `.tmp` beside its log goes when the log is replayed.
fn remove_orphan(tmp: &Path) {
    if tmp.with_extension("log").exists() {
        return;
    }
    let old = fs::metadata(tmp)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|at| SystemTime::now().duration_since(at).ok())
        .is_some_and(|age| age > ORPHAN_AGE);
    let Ok(file) = File::open(tmp) else {
        return;
    };
    if old && file.try_lock().is_ok() {
        let _ = fs::remove_file(tmp);
    }
}

/// The journal's directory, readable by chibo's user alone: it holds minutes not yet
/// approved, as private as the database.
fn make_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    match fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// A log of a process that is gone, locked by this one while it is replayed.
struct DeadLog {
    path: PathBuf,
    _lock: File,
    read: Contents,
}

impl DeadLog {
    /// The log at `path` when its process is gone; `None` when it lives, or when the log
    /// was replayed by another process meanwhile.
    fn take(path: PathBuf) -> Option<DeadLog> {
        let mut file = File::open(&path).ok()?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return None,
            Err(TryLockError::Error(e)) => {
                tracing::warn!(path = %path.display(), error = %e, "journal log not locked; left as it is");
                return None;
            }
        }
        if unlinked(&file) {
            return None;
        }
        let mut bytes = Vec::new();
        let read = match file.read_to_end(&mut bytes) {
            Ok(_) => read_log(&bytes),
            Err(e) => Contents {
                damage: Some(format!("unreadable: {e}")),
                ..Contents::default()
            },
        };
        Some(DeadLog {
            path,
            _lock: file,
            read,
        })
    }

    /// Done with: removed, or renamed aside when damaged, so that someone may look into it.
    fn finish(self) {
        let _ = fs::remove_file(self.path.with_extension("tmp"));
        match &self.read.damage {
            None => {
                if let Err(e) = fs::remove_file(&self.path) {
                    tracing::warn!(path = %self.path.display(), error = %e, "replayed journal log not removed");
                }
            }
            Some(damage) => {
                let stamp = SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                let aside = self.path.with_extension(format!("{stamp}.damaged"));
                tracing::warn!(
                    path = %self.path.display(),
                    aside = %aside.display(),
                    damage = %damage,
                    "damaged journal log: what could be read was replayed; the log is kept aside"
                );
                if let Err(e) = fs::rename(&self.path, &aside) {
                    tracing::warn!(path = %self.path.display(), error = %e, "damaged journal log not renamed");
                }
            }
        }
    }
}

/// What replaying one entry came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Written as the meeting's draft.
    Restored,
    /// The draft, or the saved minutes, already hold this text.
    AlreadyThere,
    /// Not written, and carried into this process's log.
    Kept(&'static str),
}

/// Replays the logs of processes that are gone into the database, once per journal (at
/// the first `Store::open` of the file in this process). Never fails: what cannot be
/// written is kept and a warning says why.
pub(super) fn replay(store: &Store) {
    if store.journal.replayed.swap(true, Ordering::AcqRel) {
        return;
    }
    replay_dead(store);
}

impl Store {
    /// Replays now the journals of processes that have gone since this one opened the
    /// file: before someone takes over minutes whose holder vanished, so the draft offered
    /// holds what the holder typed up to their last quarter of a second — and so a draft
    /// discarded next is not brought back by a replay at a later start.
    pub fn replay_journal(&self) {
        replay_dead(self);
    }
}

/// Replays the logs of processes that are gone, whenever asked.
fn replay_dead(store: &Store) {
    let journal = &store.journal;
    let dead = journal.shared.dead_logs();
    if dead.is_empty() {
        return;
    }
    // Oldest first: of two entries for one meeting, the newer is what the draft ends as.
    let mut pending: Vec<(&Key, &Draft)> = dead.iter().flat_map(|d| &d.read.entries).collect();
    pending.sort_by_key(|(_, draft)| draft.saved_at);
    if pending.is_empty() {
        dead.into_iter().for_each(DeadLog::finish);
        return;
    }
    let verdicts = store.write(|w| {
        pending
            .iter()
            .map(|(key, draft)| restore(w, key, draft))
            .collect::<Result<Vec<_>, StoreError>>()
    });
    let verdicts = verdicts.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "journaled drafts not written");
        vec![Verdict::Kept("the database could not be written"); pending.len()]
    });
    for ((key, draft), verdict) in pending.iter().zip(verdicts) {
        let (meeting, login) = (key.meeting, key.login.as_str());
        match verdict {
            Verdict::Restored => {
                tracing::info!(meeting, login, "draft restored from the journal");
            }
            Verdict::AlreadyThere => {}
            // Marks on a meeting this file does not hold can never be written.
            Verdict::Kept(why) if key.roll => {
                tracing::warn!(meeting, login, why, "journaled marks left out");
            }
            Verdict::Kept(why) => {
                tracing::warn!(
                    meeting,
                    login,
                    why,
                    "journaled text not written as a draft; kept in the journal"
                );
                journal.carry(meeting, login, Draft::clone(draft));
            }
        }
    }
    // A dead log goes only once what was carried from it is on disk in this one.
    if !journal.shared.flush() {
        tracing::warn!("journaled text carried over not yet on disk; the old logs are kept");
        return;
    }
    for log in dead {
        log.finish();
    }
}

/// Writes one journaled text as its meeting's draft when the rules let it: there is no
/// draft, or the journaled text is at least as new. A newer draft is someone's later work
/// — another person's, or this person's own typed on elsewhere after the crash — and is
/// never overwritten by older text.
fn restore(w: &mut Writer<'_>, key: &Key, draft: &Draft) -> Result<Verdict, StoreError> {
    if key.roll {
        return restore_roll(w, key, draft);
    }
    let id = MeetingId(key.meeting);
    let Some(meeting) = w.meeting(id)? else {
        return Ok(Verdict::Kept("no such meeting in this database"));
    };
    if meeting.minutes.as_deref() == Some(draft.text.as_str()) {
        return Ok(Verdict::AlreadyThere);
    }
    if meeting.is_approved() {
        return Ok(Verdict::Kept("the minutes are approved"));
    }
    match w.draft(id)? {
        Some(stored) if stored.text == draft.text => return Ok(Verdict::AlreadyThere),
        Some(stored) if stored.saved_at > draft.saved_at => {
            return Ok(Verdict::Kept("the meeting has a newer draft"));
        }
        _ => {}
    }
    w.save_draft(id, draft)?;
    w.note(
        "journal",
        format!(
            "restored the draft of meeting {} typed by {} at {}",
            id.0, key.login, draft.saved_at
        ),
        Some(meeting.org),
    );
    Ok(Verdict::Restored)
}

/// Makes again the roll changes a process that is gone had shown and not committed. A
/// change the roll's rules refuse now (the member left, the minutes were approved since) is
/// left out with a warning: it could never be written.
fn restore_roll(w: &mut Writer<'_>, key: &Key, kept: &Draft) -> Result<Verdict, StoreError> {
    let id = MeetingId(key.meeting);
    let steps: Vec<RollStep> = match serde_json::from_str(&kept.text) {
        Ok(steps) => steps,
        Err(e) => {
            tracing::warn!(meeting = id.0, error = %e, "journaled roll changes unreadable");
            return Ok(Verdict::AlreadyThere);
        }
    };
    let Some(meeting) = w.meeting(id)? else {
        return Ok(Verdict::Kept("no such meeting in this database"));
    };
    let mut made = 0;
    for step in steps {
        match w.change_roll(id, step.change, step.today) {
            Ok(done) => made += done.changed,
            Err(StoreError::Minutes(e)) => {
                tracing::warn!(meeting = id.0, error = %e.message(crate::domain::Lang::En), "a journaled mark the roll refuses now is left out");
            }
            Err(e) => return Err(e),
        }
    }
    if made == 0 {
        return Ok(Verdict::AlreadyThere);
    }
    w.note(
        "journal",
        format!(
            "restored {made} marks of meeting {} made by {} before {}",
            id.0, key.login, kept.saved_at
        ),
        Some(meeting.org),
    );
    Ok(Verdict::Restored)
}

#[cfg(test)]
mod tests;
