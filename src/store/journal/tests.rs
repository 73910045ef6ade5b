use std::sync::mpsc;

use super::*;
use crate::domain::{Approval, Meeting, MeetingKind, MeetingState, OrgId};
use crate::domain::{Mark, MemberId};
use crate::store::testkit::sample;
use crate::store::{RollChange, RollStep};

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
}

fn draft(text: &str, saved_at: &str, by: &str) -> Draft {
    Draft {
        text: text.into(),
        saved_at: at(saved_at),
        by: by.into(),
    }
}

fn key(meeting: u64, login: &str) -> Key {
    Key::typed(MeetingId(meeting), login)
}

fn lines(records: &[Record]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for record in records {
        record.write_line(&mut bytes);
    }
    bytes
}

/// The texts a log leaves, by (meeting, login, carried).
fn texts(contents: &Contents) -> Vec<(u64, String, bool, String)> {
    contents
        .entries
        .iter()
        .map(|(k, d)| (k.meeting, k.login.clone(), k.carried != 0, d.text.clone()))
        .collect()
}

fn own_log(journal: &Journal) -> Option<PathBuf> {
    lock(&journal.shared.disk)
        .log
        .as_ref()
        .map(|log| log.path.clone())
}

fn read_own_log(journal: &Journal) -> Contents {
    read_log(&fs::read(own_log(journal).expect("a log")).unwrap())
}

/// The names in `dir`, sorted; none when it does not exist.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|listing| {
            listing
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// A held meeting of the sample's branch, with a draft when one is given.
fn meeting_with(store: &Store, stored: Option<&Draft>) -> MeetingId {
    store
        .write(|w| {
            let id = w.new_meeting_id()?;
            // One regular meeting a day: each on a day of its own.
            let day =
                crate::domain::date::parse_iso("2026-10-01").unwrap() + chrono::Days::new(id.0);
            let meeting = Meeting::new(id, OrgId(3), MeetingKind::Regular, day, MeetingState::Held);
            w.put_meeting(&meeting)?;
            if let Some(stored) = stored {
                w.save_draft(id, stored)?;
            }
            Ok::<_, StoreError>(id)
        })
        .unwrap()
}

const TEXTS: &[&str] = &[
    "",
    "a",
    "é",
    "è",
    "ệ",
    "ề",
    "Nghị quyết",
    "Nghị quyết số 12",
    "Nghị quyết số 12-NQ/CB",
    "Nghị quyết số 21-NQ/CB",
    "Ý kiến của đồng chí Phạm Ngọc Đường",
    "Ý kiến của đồng chí Phạm Ngọc Dường",
    "## I. Thời gian, địa điểm\nChủ trì: Lê Thị Hoà\n## II. Thông tin thời sự",
    "## I. Thời gian, địa điểm\nChủ trì: Lê Thị Hoà Bình\n## II. Thông tin thời sự",
    "ưươ",
    "ươư",
];

#[test]
fn diffs_round_trip_on_vietnamese_text() {
    for old in TEXTS {
        for new in TEXTS {
            let (front, back, put) = diff(old, new);
            assert_eq!(
                apply(old, front, back, put).as_deref(),
                Some(*new),
                "{old:?} → {new:?}"
            );
        }
    }
    // Typing: letters of one, two and three bytes put in and taken out anywhere; every
    // diff carries no more than what changed.
    let letters: Vec<char> = "aăâđêôơưạảãáàằẳẵắặệềểễếọỏõóòộồổỗốợờởỡớụủũúùựừửữứ \n"
        .chars()
        .collect();
    let mut text = String::from("Biên bản sinh hoạt Chi bộ tháng 11");
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |below: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % below.max(1) as u64) as usize
    };
    for _ in 0..2000 {
        let chars: Vec<char> = text.chars().collect();
        let place = next(chars.len() + 1);
        let mut edited: Vec<char> = chars.clone();
        let inserted = if next(3) == 0 && place < chars.len() {
            edited.remove(place);
            String::new()
        } else {
            let letter = letters[next(letters.len())];
            edited.insert(place, letter);
            letter.to_string()
        };
        let new: String = edited.into_iter().collect();
        let (front, back, put) = diff(&text, &new);
        assert_eq!(
            apply(&text, front, back, put).as_deref(),
            Some(new.as_str())
        );
        assert!(put.len() <= inserted.len(), "{text:?} → {new:?}: {put:?}");
        text = new;
    }
}

#[test]
fn a_diff_against_the_wrong_text_is_refused_not_a_panic() {
    assert_eq!(apply("ệ", 1, 0, "x"), None, "inside a letter");
    assert_eq!(
        apply("ệ", 0, 2, "x"),
        None,
        "inside a letter, from the back"
    );
    assert_eq!(apply("abc", 2, 2, ""), None, "front and back overlap");
    assert_eq!(apply("abc", 0, 4, ""), None, "more kept than there is");
    assert_eq!(apply("abc", 1, 1, "ư").as_deref(), Some("aưc"));
}

#[test]
fn a_torn_last_record_is_ignored_and_damage_is_noticed() {
    let (one, two) = (key(1, "lan"), key(2, "hoa"));
    let first = draft("Nghị quyết", "2026-11-07 20:00:00", "lan");
    let second = draft("Nghị quyết số 12", "2026-11-07 20:00:01", "lan");
    let third = draft("Nghị quyết số 12-NQ/CB", "2026-11-07 20:00:02", "lan");
    let records = [
        Record::full(&one, &first),
        Record::change(&one, &first, &second),
        Record::change(&one, &second, &third),
        Record::full(&two, &draft("Ý kiến", "2026-11-07 20:00:03", "hoa")),
        Record::done(&two),
    ];
    assert!(
        matches!(records[1], Record::Diff { .. }),
        "a diff, not the text"
    );
    let whole = lines(&records);
    let read = read_log(&whole);
    assert_eq!(read.damage, None);
    assert_eq!(texts(&read), [(1, "lan".into(), false, third.text.clone())]);
    assert_eq!(read.entries[&one].saved_at, third.saved_at);

    // Cut anywhere, a log reads as its whole lines say, and a cut is not damage.
    let ends: Vec<usize> = whole
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i + 1)
        .collect();
    for cut in 0..whole.len() {
        let read = read_log(&whole[..cut]);
        assert_eq!(read.damage, None, "cut at {cut}");
        let whole_lines = ends.iter().filter(|end| **end <= cut).count();
        assert_eq!(
            texts(&read),
            texts(&read_log(&lines(&records[..whole_lines]))),
            "cut at {cut}"
        );
    }

    // A line spoilt in the middle: the lines around it are read, the diff after it does
    // not apply to the older text, and the log is said to be damaged.
    let mut spoilt = whole.clone();
    let second_line = ends[0];
    spoilt[second_line + 20] ^= 0x01;
    let read = read_log(&spoilt);
    assert!(read.damage.is_some());
    assert_eq!(texts(&read), [(1, "lan".into(), false, first.text.clone())]);

    // Bytes that are no log at all.
    let read = read_log(&[0xff, 0x00, b'\n', 0xc3, b'\n', 0x00, 0x00]);
    assert!(read.damage.is_some());
    assert!(read.entries.is_empty());
}

#[test]
fn a_rewrite_keeps_only_the_latest_state() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::new(dir.path().join("j.redb.journal"), 4096);
    let mut text = String::from("## I. Thời gian, địa điểm\n");
    let mut sizes = Vec::new();
    for step in 0..150 {
        text.push_str(["Chủ ", "trì: ", "đồng ", "chí ", "Hoà. "][step % 5]);
        journal.record(
            MeetingId(1),
            "lan",
            &draft(&text, "2026-11-07 20:00:00", "lan"),
        );
        journal.record(
            MeetingId(2),
            "hoa",
            &draft(&format!("Ý kiến {step}"), "2026-11-07 20:00:00", "hoa"),
        );
        if step == 100 {
            journal.settle(MeetingId(2), "hoa");
            journal.carry(3, "tu", draft("Phê bình", "2026-11-01 08:00:00", "tu"));
        }
        assert!(journal.shared.flush());
        sizes.push(fs::metadata(own_log(&journal).unwrap()).unwrap().len());
    }
    assert!(
        sizes.windows(2).any(|w| w[1] < w[0]),
        "rewritten at least once: {sizes:?}"
    );
    let live = text.len() as u64 + 400;
    assert!(
        sizes.iter().all(|s| *s < 2 * 4096.max(2 * live) + 1024),
        "bounded: {sizes:?}"
    );
    // The last state, whatever was rewritten when: step 101 on, meeting 2 is typed again.
    let read = read_own_log(&journal);
    assert_eq!(read.damage, None);
    assert_eq!(
        texts(&read),
        [
            (1, "lan".into(), false, text.clone()),
            (2, "hoa".into(), false, "Ý kiến 149".into()),
            (3, "tu".into(), true, "Phê bình".into()),
        ]
    );
    // Still this process's, locked through every rename, with nothing left beside it.
    let other = File::open(own_log(&journal).unwrap()).unwrap();
    assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
    assert_eq!(names(&journal.shared.dir).len(), 1);
}

/// The records in a log, in order.
fn records(bytes: &[u8]) -> Vec<Record> {
    bytes
        .split(|b| *b == b'\n')
        .filter(|line| !line.is_empty())
        .map(|line| Record::read_line(line).expect("a whole record"))
        .collect()
}

#[test]
fn typing_on_after_an_autosave_writes_the_change_not_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::new(dir.path().join("j.redb.journal"), REWRITE_FLOOR);
    let long = "Ý kiến thảo luận của các đồng chí đảng viên. ".repeat(200);
    let id = MeetingId(1);
    journal.record(id, "lan", &draft(&long, "2026-11-07 20:00:00", "lan"));
    assert!(journal.shared.flush());
    journal.settle(id, "lan");
    // The session hands the same text in again (the cursor moved): nothing to write.
    journal.record(id, "lan", &draft(&long, "2026-11-07 20:00:01", "lan"));
    assert!(journal.shared.flush());
    let typed_on = format!("{long}Đồng ý.");
    journal.record(id, "lan", &draft(&typed_on, "2026-11-07 20:00:02", "lan"));
    assert!(journal.shared.flush());
    let bytes = fs::read(own_log(&journal).unwrap()).unwrap();
    let kinds: Vec<&str> = records(&bytes)
        .iter()
        .map(|r| match r {
            Record::Full { .. } => "full",
            Record::Diff { .. } => "diff",
            Record::Done { .. } => "done",
        })
        .collect();
    assert_eq!(kinds, ["full", "done", "diff"]);
    assert_eq!(
        texts(&read_log(&bytes)),
        [(1, "lan".into(), false, typed_on)],
        "unsettled again, at the text typed on"
    );
}

/// 300 sessions with minutes of 30 KB each, typing and autosaving: after the first whole
/// texts, a round of one key each adds a few dozen KB to the log, not 9 MB.
#[test]
fn three_hundred_sessions_write_what_they_type_not_their_minutes() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::new(dir.path().join("j.redb.journal"), REWRITE_FLOOR);
    let minutes = "Chi bộ thống nhất nghị quyết, phân công đồng chí thực hiện. ".repeat(500);
    assert!(minutes.len() > 30_000);
    let sessions: Vec<(MeetingId, String)> = (0..300)
        .map(|n| (MeetingId(n), format!("thu-ky-{n}")))
        .collect();
    let mut texts: Vec<String> = vec![minutes; sessions.len()];
    let type_a_key = |texts: &mut Vec<String>, second: u32| {
        for ((id, login), text) in sessions.iter().zip(texts.iter_mut()) {
            let mut middle = text.len() / 2;
            while !text.is_char_boundary(middle) {
                middle -= 1;
            }
            text.insert(middle, 'ư');
            let at = format!("2026-11-07 20:00:{second:02}");
            journal.record(*id, login, &draft(text, &at, login));
        }
        assert!(journal.shared.flush());
    };
    type_a_key(&mut texts, 0);
    let size = || fs::metadata(own_log(&journal).unwrap()).unwrap().len();
    let mut before = size();
    for second in 1..=6 {
        type_a_key(&mut texts, second);
        if second % 2 == 0 {
            // Autosaved: every session's text reached the database.
            for (id, login) in &sessions {
                journal.settle(*id, login);
            }
            assert!(journal.shared.flush());
        }
        let grew = size() - before;
        assert!(grew < 300 * 250, "a round of keys added {grew} bytes");
        before = size();
    }
}

#[test]
fn the_thread_syncs_soon_after_a_key_without_being_asked() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("j.redb")).unwrap();
    let started = Instant::now();
    store.journal_minutes(
        MeetingId(1),
        "lan",
        &draft("Nghị quyết", "2026-11-07 20:00:00", "lan"),
    );
    assert!(
        started.elapsed() < Duration::from_millis(50),
        "a key waits on nothing"
    );
    loop {
        if own_log(&store.journal).is_some() && texts(&read_own_log(&store.journal)).len() == 1 {
            break;
        }
        assert!(
            started.elapsed() < SYNC_AFTER + Duration::from_secs(2),
            "written by the journal's thread"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn journaling_does_not_wait_for_the_write_lock() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("j.redb")).unwrap();
    let importer = store.clone();
    let (held, holding) = mpsc::channel();
    let import = std::thread::spawn(move || {
        importer.write(|_| {
            held.send(()).unwrap();
            std::thread::sleep(Duration::from_secs(3));
            Ok::<_, StoreError>(())
        })
    });
    holding.recv().unwrap();
    let started = Instant::now();
    let mut text = String::new();
    for letter in "Nghị quyết được thông qua".chars() {
        text.push(letter);
        store.journal_minutes(
            MeetingId(1),
            "lan",
            &draft(&text, "2026-11-07 20:00:00", "lan"),
        );
    }
    store.journal_flush();
    let took = started.elapsed();
    assert!(!import.is_finished(), "the write lock was held throughout");
    assert!(took < Duration::from_secs(2), "journaled in {took:?}");
    assert_eq!(
        texts(&read_own_log(&store.journal)),
        [(1, "lan".into(), false, text)]
    );
    import.join().unwrap().unwrap();
}

#[test]
fn every_open_of_a_file_in_a_process_shares_one_journal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.redb");
    let first = Store::open(&path).unwrap();
    let second = Store::open(&path).unwrap();
    assert!(Arc::ptr_eq(&first.journal, &second.journal));
    let other = Store::open(&dir.path().join("k.redb")).unwrap();
    assert!(!Arc::ptr_eq(&first.journal, &other.journal));
}

#[test]
fn a_settled_journal_leaves_no_log_and_an_unsettled_one_is_replayed() {
    let dir = tempfile::tempdir().unwrap();
    let store = sample(dir.path());
    let db = store.path().to_path_buf();
    let (settled, open) = (meeting_with(&store, None), meeting_with(&store, None));
    let typed = draft("Nghị quyết", "2026-11-07 20:00:00", "lan");
    store.journal_minutes(settled, "lan", &typed);
    store.journal_minutes(open, "lan", &typed);
    store.journal_flush();
    store.journal_settled(settled, "lan");
    drop(store);
    let journal_dir = dir_of(&db);
    assert_eq!(names(&journal_dir).len(), 1, "kept: one entry is unsettled");
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(&journal_dir).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700, "minutes not yet approved are private");

    let store = Store::open(&db).unwrap();
    let reader = store.read().unwrap();
    assert_eq!(reader.draft(open).unwrap(), Some(typed));
    assert_eq!(reader.draft(settled).unwrap(), None);
    drop(reader);
    assert!(names(&journal_dir).is_empty(), "replayed and removed");
    store.journal_minutes(open, "lan", &draft("x", "2026-11-07 20:01:00", "lan"));
    store.journal_flush();
    store.journal_settled(open, "lan");
    drop(store);
    assert!(names(&journal_dir).is_empty(), "all settled: nothing left");
}

#[test]
fn replay_writes_what_is_newer_and_keeps_what_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let store = sample(dir.path());
    let db = store.path().to_path_buf();
    let journaled = "2026-11-07 20:30:00";
    let (earlier, later) = ("2026-11-07 20:00:00", "2026-11-07 21:00:00");
    let nothing = meeting_with(&store, None);
    let own_older = meeting_with(&store, Some(&draft("Nghị", earlier, "lan")));
    let others_older = meeting_with(&store, Some(&draft("Ý kiến của Hoà", earlier, "hoa")));
    let others_newer = meeting_with(&store, Some(&draft("Hoà viết sau", later, "hoa")));
    let own_newer = meeting_with(
        &store,
        Some(&draft("Lan viết tiếp ở nơi khác", later, "lan")),
    );
    let same = meeting_with(&store, Some(&draft("Đã lưu", earlier, "lan")));
    let settled = meeting_with(&store, None);
    let approved = meeting_with(&store, None);
    store
        .write(|w| {
            let mut meeting = w.existing_meeting(approved)?;
            meeting.write_minutes("Biên bản".into(), at(earlier))?;
            meeting.approve(Approval {
                at: Some(at(earlier)),
                by: Some("lan".into()),
                chair: Some("A".into()),
                secretary: Some("B".into()),
            })?;
            w.put_meeting(&meeting)
        })
        .unwrap();
    let gone = MeetingId(999);
    drop(store);

    // The log of a process that is gone: typed by lan everywhere.
    let typed =
        |id: MeetingId, text: &str| Record::full(&key(id.0, "lan"), &draft(text, journaled, "lan"));
    let journal_dir = dir_of(&db);
    fs::create_dir_all(&journal_dir).unwrap();
    fs::write(
        journal_dir.join("4000000-0.log"),
        lines(&[
            typed(nothing, "Nghị quyết"),
            typed(own_older, "Nghị quyết số 12"),
            typed(others_older, "Lan sửa ý kiến"),
            typed(others_newer, "Lan viết trước"),
            typed(own_newer, "Lan viết trước khi máy tắt"),
            typed(same, "Đã lưu"),
            typed(settled, "Đã xong"),
            Record::done(&key(settled.0, "lan")),
            typed(approved, "Sửa sau khi duyệt"),
            typed(gone, "Cuộc họp không có ở đây"),
        ]),
    )
    .unwrap();

    let store = Store::open(&db).unwrap();
    let reader = store.read().unwrap();
    let text = |id| reader.draft(id).unwrap().map(|d| (d.text, d.by));
    let lan = |t: &str| Some((t.to_string(), "lan".to_string()));
    assert_eq!(text(nothing), lan("Nghị quyết"), "no draft");
    assert_eq!(text(own_older), lan("Nghị quyết số 12"), "own older draft");
    assert_eq!(
        text(others_older),
        lan("Lan sửa ý kiến"),
        "the journal is newer"
    );
    assert_eq!(
        text(others_newer),
        Some(("Hoà viết sau".into(), "hoa".into())),
        "someone else's newer draft stays"
    );
    assert_eq!(
        text(own_newer),
        lan("Lan viết tiếp ở nơi khác"),
        "typed on after the crash: stays"
    );
    assert_eq!(text(same), lan("Đã lưu"));
    assert_eq!(text(settled), None, "settled: nothing to restore");
    assert_eq!(text(approved), None);
    drop(reader);

    // The replay's writes are audited as such.
    let trail: Vec<String> = store
        .audit_trail()
        .unwrap()
        .into_iter()
        .map(|e| e.what)
        .collect();
    for id in [nothing, own_older, others_older] {
        let line = format!(
            "journal restored the draft of meeting {} typed by lan",
            id.0
        );
        assert!(
            trail.iter().any(|w| w.starts_with(&line)),
            "{line} in {trail:?}"
        );
    }
    assert_eq!(trail.iter().filter(|w| w.starts_with("journal")).count(), 3);

    // What was not written is carried into this process's log; the dead log is gone.
    let kept = vec![
        (others_newer.0, "lan".into(), true, "Lan viết trước".into()),
        (
            own_newer.0,
            "lan".into(),
            true,
            "Lan viết trước khi máy tắt".into(),
        ),
        (approved.0, "lan".into(), true, "Sửa sau khi duyệt".into()),
        (gone.0, "lan".into(), true, "Cuộc họp không có ở đây".into()),
    ];
    let mut carried = texts(&read_own_log(&store.journal));
    carried.sort();
    assert_eq!(carried, kept);
    let own = own_log(&store.journal).unwrap();
    assert_eq!(
        names(&journal_dir),
        [own.file_name().unwrap().to_string_lossy()]
    );

    // Nothing typed here replaces it, nor does a session's settling clear it.
    store.journal_minutes(others_newer, "lan", &draft("Lan gõ lại", later, "lan"));
    store.journal_settled(others_newer, "lan");
    store.journal_flush();
    drop(store);

    // The next process to open the file meets it again, once.
    let store = Store::open(&db).unwrap();
    let mut carried = texts(&read_own_log(&store.journal));
    carried.sort();
    assert_eq!(carried, kept);
    assert_eq!(names(&journal_dir).len(), 1);
}

#[test]
fn a_damaged_log_never_fails_the_open_and_is_kept_aside() {
    let dir = tempfile::tempdir().unwrap();
    let store = sample(dir.path());
    let db = store.path().to_path_buf();
    let (first, second) = (meeting_with(&store, None), meeting_with(&store, None));
    drop(store);
    let journal_dir = dir_of(&db);
    fs::create_dir_all(&journal_dir).unwrap();
    let mut bytes = lines(&[Record::full(
        &key(first.0, "lan"),
        &draft("Nghị quyết", "2026-11-07 20:00:00", "lan"),
    )]);
    bytes.extend_from_slice(b"0badf00d {\"r\":\"full\"}\n\xff\xfe garbage\n");
    bytes.extend(lines(&[Record::full(
        &key(second.0, "lan"),
        &draft("Ý kiến", "2026-11-07 20:00:00", "lan"),
    )]));
    bytes.extend_from_slice(b"3a5f torn");
    fs::write(journal_dir.join("4000001-0.log"), &bytes).unwrap();
    fs::write(journal_dir.join("4000002-0.log"), b"\x00\x00\x00\x00").unwrap();

    let store = Store::open(&db).expect("a damaged journal does not stop the open");
    let reader = store.read().unwrap();
    assert_eq!(reader.draft(first).unwrap().unwrap().text, "Nghị quyết");
    assert_eq!(reader.draft(second).unwrap().unwrap().text, "Ý kiến");
    drop(reader);
    let left = names(&journal_dir);
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(
        left[0].starts_with("4000001-0.") && left[0].ends_with(".damaged"),
        "{left:?}"
    );
    assert_eq!(
        fs::read(journal_dir.join(&left[0])).unwrap(),
        bytes,
        "as it was"
    );
}

#[test]
fn the_log_of_a_process_still_running_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let store = sample(dir.path());
    let db = store.path().to_path_buf();
    let id = meeting_with(&store, None);
    drop(store);
    // Another process's journal on the file: one not shared through this process's list.
    let running = Journal::new(dir_of(&db), REWRITE_FLOOR);
    let typed = draft("Nghị quyết", "2026-11-07 20:00:00", "lan");
    running.record(id, "lan", &typed);
    assert!(running.shared.flush());

    let store = Store::open(&db).unwrap();
    assert_eq!(
        store.read().unwrap().draft(id).unwrap(),
        None,
        "alive: not replayed"
    );
    drop(store);
    // It ends without settling: its log stays, unlocked, for the next open.
    drop(running);
    let store = Store::open(&db).unwrap();
    assert_eq!(store.read().unwrap().draft(id).unwrap(), Some(typed));
}

/// The sample's member `member` marked present on the day of `meeting_with`'s meetings.
fn present(member: MemberId) -> RollStep {
    RollStep {
        change: RollChange::Mark {
            member,
            mark: Mark::Present,
            reason: None,
        },
        today: crate::domain::date::parse_iso("2026-11-07").unwrap(),
    }
}

/// Roll changes sent and not committed come back, made again, after a crash; settled ones
/// do not.
#[test]
fn marks_not_yet_committed_are_made_again_after_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let store = sample(dir.path());
    let db = store.path().to_path_buf();
    let meeting = meeting_with(&store, None);
    let member = MemberId(1);
    let steps = [present(member)];
    store.journal_roll(meeting, "lan", &steps, at("2026-11-07 20:00:00"));
    store.journal_flush();
    // The process dies here: its log stays, unsettled.
    drop(store);
    let store = Store::open(&db).unwrap();
    let stored = store.read().unwrap().meeting(meeting).unwrap().unwrap();
    assert!(
        stored.attendance.contains(&(member, Mark::Present)),
        "{:?}",
        stored.attendance
    );
    assert!(names(&dir_of(&db)).is_empty(), "replayed and removed");
    let trail = store.audit_trail().unwrap();
    assert!(
        trail.iter().any(|e| e.what.contains("restored 1 marks")),
        "{trail:?}"
    );
}

/// The same mark sent again after one like it reached the database is kept again: the
/// roll may have changed between the two.
#[test]
fn a_mark_like_one_settled_before_is_kept_again() {
    let dir = tempfile::tempdir().unwrap();
    let store = sample(dir.path());
    let db = store.path().to_path_buf();
    let meeting = meeting_with(&store, None);
    let member = MemberId(1);
    let present = [present(member)];
    let when = at("2026-11-07 20:00:00");
    store.journal_roll(meeting, "lan", &present, when);
    store.journal_flush();
    store.journal_roll(meeting, "lan", &[], when);
    store.journal_flush();
    // Meanwhile someone took the mark away; the same mark is sent again, and the process
    // dies before it is committed.
    store.journal_roll(meeting, "lan", &present, when);
    store.journal_flush();
    drop(store);
    let store = Store::open(&db).unwrap();
    let stored = store.read().unwrap().meeting(meeting).unwrap().unwrap();
    assert!(stored.attendance.contains(&(member, Mark::Present)));
}
