//! The journal's promise against a real crash: a process typing minutes while the
//! database's write lock is held by an import, killed with SIGKILL at a moment it cannot
//! see coming, has its text back as a draft at the next open — all of it but at most the
//! last two seconds.
//!
//! The typing process is this test binary run again: `typist` acts only when
//! [`TYPIST`] names a database, and otherwise passes at once.

use std::fs::File;
use std::io::Write as _;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chibo::clock::Clock;
use chibo::domain::date::parse_iso;
use chibo::domain::{Draft, Meeting, MeetingId, MeetingKind, MeetingState, OrgKind, OrgUnit};
use chibo::store::{Store, StoreError};

/// The database the typist types into; its meeting and where it stamps its keys follow.
const TYPIST: &str = "CHIBO_JOURNAL_TYPIST";
const MEETING: &str = "CHIBO_JOURNAL_MEETING";
const KEYS: &str = "CHIBO_JOURNAL_KEYS";

const LOGIN: &str = "lan";

/// What a process killed at any moment may lose of what it was given to journal.
const PROMISE: Duration = Duration::from_secs(2);

/// How fast the typist types: faster than anyone, so a second lost shows as many keys.
const KEY_EVERY: Duration = Duration::from_millis(25);

/// The minutes after `keys` keys: a Vietnamese passage typed letter by letter, over again.
fn typed(keys: usize) -> String {
    const PASSAGE: &str = "Chi bộ đã thảo luận và thống nhất: tăng cường giáo dục chính trị, \
                           tư tưởng cho đảng viên; đồng chí Phạm Ngọc Đường phụ trách, \
                           báo cáo kết quả tại kỳ sinh hoạt tháng sau.\n";
    PASSAGE.chars().cycle().take(keys).collect()
}

fn wall_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// A random number below `n`, from the clock: each run kills at another moment.
fn random_below(n: u64) -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() as u64);
    nanos.wrapping_mul(0x9e37_79b9_7f4a_7c15) % n
}

/// The typist, run as a process of its own by the test below: holds the write lock from
/// one thread the whole time, as an import would, and from another journals the minutes
/// after every key, stamping each with the wall time once `journal_minutes` returned.
#[test]
fn typist() {
    let Ok(db) = std::env::var(TYPIST) else {
        return;
    };
    let meeting = MeetingId(std::env::var(MEETING).unwrap().parse().unwrap());
    let mut stamps = File::create(std::env::var(KEYS).unwrap()).unwrap();
    let store = Store::open(Path::new(&db)).unwrap();
    let importer = store.clone();
    let (held, holding) = mpsc::channel();
    std::thread::spawn(move || {
        importer.write(|_| {
            held.send(()).unwrap();
            std::thread::sleep(Duration::from_secs(600));
            Ok::<_, StoreError>(())
        })
    });
    holding.recv().unwrap();
    writeln!(stamps, "locked {}", wall_ms()).unwrap();
    let clock = Clock::vietnam();
    for keys in 1.. {
        let draft = Draft {
            text: typed(keys),
            saved_at: clock.now(),
            by: LOGIN.into(),
        };
        let started = Instant::now();
        store.journal_minutes(meeting, LOGIN, &draft);
        let took = started.elapsed().as_micros();
        // Written straight to the file, unbuffered: the kernel keeps it past the kill.
        writeln!(stamps, "{keys} {} {took}", wall_ms()).unwrap();
        std::thread::sleep(KEY_EVERY);
    }
}

/// A province, a grassroots committee, a branch and a held meeting of the branch.
fn a_meeting(db: &Path) -> MeetingId {
    let store = Store::open(db).unwrap();
    store
        .write(|w| {
            let province = w.new_org_id()?;
            let ward = w.new_org_id()?;
            let branch = w.new_org_id()?;
            for org in [
                OrgUnit::new(
                    province,
                    "QN",
                    "Tỉnh ủy Quảng Ninh",
                    OrgKind::ProvincialCommittee,
                    None,
                ),
                OrgUnit::new(
                    ward,
                    "QN.HG",
                    "Đảng ủy phường Hồng Gai",
                    OrgKind::GrassrootsCommittee,
                    Some(province),
                ),
                OrgUnit::new(
                    branch,
                    "QN.HG.K2",
                    "Chi bộ khu 2",
                    OrgKind::Branch,
                    Some(ward),
                ),
            ] {
                w.put_org(&org)?;
            }
            let id = w.new_meeting_id()?;
            let day = parse_iso("2026-11-07").unwrap();
            w.put_meeting(&Meeting::new(
                id,
                branch,
                MeetingKind::Regular,
                day,
                MeetingState::Held,
            ))?;
            Ok::<_, StoreError>(id)
        })
        .unwrap()
}

/// One line the typist stamped: the keys typed so far and when that text was journaled.
struct Stamp {
    keys: usize,
    at_ms: u64,
    took_us: u64,
}

fn stamps(path: &Path) -> (Option<u64>, Vec<Stamp>) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut locked = None;
    let mut stamps = Vec::new();
    // The last line may be cut short by the kill: only whole lines count.
    for line in text.lines().take(text.matches('\n').count()) {
        let words: Vec<&str> = line.split(' ').collect();
        match words.as_slice() {
            ["locked", at] => locked = at.parse().ok(),
            [keys, at, took] => stamps.push(Stamp {
                keys: keys.parse().unwrap(),
                at_ms: at.parse().unwrap(),
                took_us: took.parse().unwrap(),
            }),
            _ => panic!("a stamp line: {line:?}"),
        }
    }
    (locked, stamps)
}

#[test]
fn a_typist_killed_while_the_database_is_locked_loses_under_two_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("journal.redb");
    let meeting = a_meeting(&db);
    let keys_file = dir.path().join("keys");
    let errors = dir.path().join("typist.err");
    let mut typist = Command::new(std::env::current_exe().unwrap())
        .args(["typist", "--exact", "--nocapture", "--test-threads=1"])
        .env(TYPIST, &db)
        .env(MEETING, meeting.0.to_string())
        .env(KEYS, &keys_file)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(File::create(&errors).unwrap())
        .spawn()
        .unwrap();
    let said = || std::fs::read_to_string(&errors).unwrap_or_default();

    // Started, holding the lock and typing; then killed at a moment of its typing it cannot
    // foresee, between 1.5 and 4.5 seconds in.
    let started = Instant::now();
    while stamps(&keys_file).1.is_empty() {
        assert!(
            typist.try_wait().unwrap().is_none(),
            "the typist ended: {}",
            said()
        );
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the typist never typed"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(1500 + random_below(3000)));
    assert!(
        typist.try_wait().unwrap().is_none(),
        "the typist ended: {}",
        said()
    );
    let killed_ms = wall_ms();
    typist.kill().unwrap();
    let status = typist.wait().unwrap();
    assert_eq!(status.signal(), Some(9), "killed by SIGKILL");

    let (locked, stamps) = stamps(&keys_file);
    let locked = locked.expect("the typist held the write lock");
    let first = &stamps[0];
    assert!(locked <= first.at_ms, "locked before the first key");
    let last = stamps.last().unwrap();

    // The next open replays the dead typist's journal into the draft.
    let store = Store::open(&db).unwrap();
    let draft = store
        .read()
        .unwrap()
        .draft(meeting)
        .unwrap()
        .expect("a draft restored from the journal");
    assert_eq!(draft.by, LOGIN);
    let kept = draft.text.chars().count();
    assert_eq!(draft.text, typed(kept), "a text the typist had typed");
    // The typist may have journaled one key more than it lived to stamp.
    assert!(
        kept <= last.keys + 1,
        "{kept} keys restored of {}",
        last.keys
    );

    let promised = stamps
        .iter()
        .filter(|s| s.at_ms + PROMISE.as_millis() as u64 <= killed_ms)
        .map(|s| s.keys)
        .max()
        .unwrap_or(0);
    let lost_from = stamps.iter().find(|s| s.keys == kept + 1);
    let lost_ms = lost_from.map_or(0, |s| killed_ms.saturating_sub(s.at_ms));
    let slowest = stamps.iter().map(|s| s.took_us).max().unwrap_or(0);
    println!(
        "killed {} ms after the first key, {} keys typed; restored {kept}; lost {} keys: \
         the typing of the last {lost_ms} ms before the kill (promised: no more than {} ms); \
         journal_minutes took at most {slowest} µs",
        killed_ms - first.at_ms,
        last.keys,
        last.keys.saturating_sub(kept),
        PROMISE.as_millis()
    );
    assert!(
        kept >= promised,
        "restored {kept} keys; everything up to key {promised}, typed 2 s before the kill, \
         was promised; lost the last {lost_ms} ms"
    );
    assert!(
        slowest < 200_000,
        "a key waited {slowest} µs on the journal"
    );
    // The typist's log was replayed and removed; nothing is left to replay.
    let journal = dir.path().join("journal.redb.journal");
    let left: Vec<_> = std::fs::read_dir(&journal)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
