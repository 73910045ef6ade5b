//! National-scale benchmark: N members (default 1,000,000) in branches of about 20 under
//! 3,321 commune committees of the 34 provinces, written as JSON Lines in memory, imported
//! through the one import path into a fresh database, then read back the way screens read.
//!
//! `cargo bench --bench scale -- [--members N]`

#[path = "support/national_lines.rs"]
mod national_lines;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use chibo::demo::rng::Rng;
use chibo::domain::text::{fold, folded_suffixes, person_key};
use chibo::domain::{Lang, Member, MemberId, OrgId, Sex};
use chibo::store::Store;
use chibo::store::folded_ids::{block_of, pack};
use chibo::store::tables::{MEMBER_BY_CARD, MEMBER_BY_FOLDED, MEMBERS, ORG_MEMBERS};
use national_lines::{PROVINCES, SEED, generate, province_code};

const DEFAULT_MEMBERS: usize = 1_000_000;

/// Targets at one million members.
const IMPORT_TARGET_PER_S: f64 = 200_000.0;
const OPEN_TARGET: Duration = Duration::from_millis(50);
const BRANCH_LIST_TARGET: Duration = Duration::from_millis(1);

fn main() {
    let members = members_argument().unwrap_or_else(|message| {
        eprintln!("scale: {message}");
        std::process::exit(2);
    });
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("scale.redb");

    let started = Instant::now();
    let data = generate(members, "");
    let generate_time = started.elapsed();

    let store = Store::open(&path).expect("a fresh database");
    let started = Instant::now();
    let summary = chibo::io::jsonl::import(&store, "scale.jsonl", data.text.as_bytes(), Lang::En)
        .unwrap_or_else(|e| panic!("import failed: {e:?}"));
    let import_time = started.elapsed();
    assert_eq!(summary.members, members);
    drop(store);
    let text_bytes = data.text.len();
    let file_bytes = std::fs::metadata(&path).expect("the database file").len();

    let open_time = median_of(9, || {
        let started = Instant::now();
        let store = Store::open(&path).expect("the database opens");
        let took = started.elapsed();
        drop(store);
        took
    });

    let store = Store::open(&path).expect("the database opens");
    let reader = store.read().expect("a read transaction");
    let read_begin = median_of(101, || {
        let started = Instant::now();
        let r = store.read().expect("a read transaction");
        let took = started.elapsed();
        drop(r);
        took
    });

    let mut rng = Rng::new(SEED ^ 1);
    let branch_ids: Vec<OrgId> = (0..1000)
        .map(|_| {
            let code = rng.pick(&data.branch_codes);
            reader.org_id(code).unwrap().expect("the branch exists")
        })
        .collect();
    let mut listed = 0;
    let mut ids = branch_ids.iter().cycle();
    let branch_list = median_of(branch_ids.len(), || {
        let id = *ids.next().expect("cycle");
        let started = Instant::now();
        let roster = reader.members_of(id, 0, 100).unwrap();
        let took = started.elapsed();
        listed += roster.len();
        took
    });

    let searches = [
        "nguyen van",
        "tran thi h",
        "pham ngoc duong",
        "hoang anh",
        "ly van binh",
    ];
    let search_results: Vec<(&str, usize, Duration)> = searches
        .iter()
        .map(|query| {
            let mut found = 0;
            let took = median_of(21, || {
                let started = Instant::now();
                found = reader.search_members(query, 50).unwrap().len();
                started.elapsed()
            });
            (*query, found, took)
        })
        .collect();

    let (largest_code, largest_name, largest_size) = PROVINCES
        .iter()
        .max_by_key(|p| p.2)
        .map(|p| (province_code(p.0), p.1, p.2))
        .expect("provinces");
    let largest = reader.org_id(&largest_code).unwrap().expect("the province");
    let all_children = median_of(21, || {
        let started = Instant::now();
        let children = reader.children(Some(largest), 0, 1000).unwrap();
        assert_eq!(children.len(), largest_size);
        started.elapsed()
    });
    let first_screen = median_of(101, || {
        let started = Instant::now();
        reader.children(Some(largest), 0, 40).unwrap();
        started.elapsed()
    });
    let roots = median_of(101, || {
        let started = Instant::now();
        reader.children(None, 0, 100).unwrap();
        started.elapsed()
    });

    drop(reader);
    drop(store);
    let floor = redb_floor(&dir.path().join("floor.redb"), &data.people);

    let rate = members as f64 / import_time.as_secs_f64();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "chibo scale benchmark: {} members in {} branches under {} commune committees of {} provinces ({} cores)",
        thousands(members),
        thousands(data.branch_codes.len()),
        thousands(data.communes),
        PROVINCES.len(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );
    let _ = writeln!(out, "{:-<110}", "");
    let mut row = |what: &str, result: String, verdict: String| {
        let _ = writeln!(out, "{what:<52} {result:<34} {verdict}");
    };
    row(
        "generate JSON Lines in memory",
        format!("{} ({} MB)", seconds(generate_time), text_bytes / 1_000_000),
        String::new(),
    );
    row(
        "import (one write transaction)",
        format!(
            "{}, {} members/s",
            seconds(import_time),
            thousands(rate as usize)
        ),
        verdict(
            rate >= IMPORT_TARGET_PER_S,
            &format!("≥ {} /s", thousands(IMPORT_TARGET_PER_S as usize)),
        ),
    );
    row(
        "  redb alone: the same member rows, pre-sorted",
        format!(
            "{}, {} members/s",
            seconds(floor.time),
            thousands((members as f64 / floor.time.as_secs_f64()) as usize)
        ),
        format!("{} rows", thousands(floor.rows)),
    );
    for (table, took) in &floor.steps {
        row(&format!("    {table}"), seconds(*took), String::new());
    }
    row(
        "database size",
        format!(
            "{} MB, {} bytes/member",
            file_bytes / 1_000_000,
            file_bytes / members as u64
        ),
        String::new(),
    );
    row(
        "open the existing database (median of 9)",
        millis(open_time),
        verdict(open_time < OPEN_TARGET, "< 50 ms"),
    );
    row(
        "begin a read transaction (median of 101)",
        micros(read_begin),
        String::new(),
    );
    row(
        "list one branch's members (median of 1,000)",
        format!(
            "{} ({:.1} members each)",
            micros(branch_list),
            listed as f64 / branch_ids.len() as f64
        ),
        verdict(branch_list < BRANCH_LIST_TARGET, "< 1 ms"),
    );
    for (query, found, took) in &search_results {
        row(
            &format!("search \"{query}\", first 50 (median of 21)"),
            format!("{} ({found} found)", micros(*took)),
            String::new(),
        );
    }
    row(
        &format!("children of {largest_name}, all {largest_size}"),
        micros(all_children),
        String::new(),
    );
    row(
        "  its first screen (40 children)",
        micros(first_screen),
        String::new(),
    );
    row("the 34 provinces (the roots)", micros(roots), String::new());
    print!("{out}");
}

/// `--members N` (with `_` or `,` allowed as digit separators); anything else cargo passes
/// (such as `--bench`) is ignored.
fn members_argument() -> Result<usize, String> {
    let mut args = std::env::args().skip(1);
    let mut members = DEFAULT_MEMBERS;
    while let Some(arg) = args.next() {
        let value = match arg.strip_prefix("--members=") {
            Some(value) => value.to_string(),
            None if arg == "--members" => args.next().ok_or("--members needs a number")?,
            None => continue,
        };
        let digits: String = value.chars().filter(|c| !matches!(c, '_' | ',')).collect();
        members = digits
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("--members expects a positive number, found {value:?}"))?;
    }
    Ok(members)
}

/// How long redb alone takes to write the rows a member import writes — the record, the card
/// index, the roster row and the folded-name rows of every member — when they are already
/// built and sorted: the floor under any import into these tables, in one transaction.
struct Floor {
    time: Duration,
    rows: usize,
    /// The time of each table's inserts, and of the commit.
    steps: Vec<(&'static str, Duration)>,
}

fn redb_floor(path: &std::path::Path, people: &[(String, String, u64)]) -> Floor {
    let records: Vec<Vec<u8>> = people
        .iter()
        .enumerate()
        .map(|(i, (card, name, branch))| {
            let member = Member {
                id: MemberId(i as u64 + 1),
                card: card.clone(),
                name: name.clone(),
                sex: Some(Sex::Male),
                born: chrono::NaiveDate::from_ymd_opt(1960, 1, 1),
                admitted: chrono::NaiveDate::from_ymd_opt(1985, 1, 1),
                full_member: chrono::NaiveDate::from_ymd_opt(1986, 1, 1),
                org: OrgId(*branch),
                cell: None,
                phone: None,
                residence: None,
                former_orgs: Vec::new(),
                history: Vec::new(),
            };
            // The store's encoding: a version byte, then postcard.
            let mut bytes = vec![1];
            bytes.extend(postcard::to_allocvec(&member).expect("a member encodes"));
            bytes
        })
        .collect();
    let mut cards: Vec<(&str, u64)> = people
        .iter()
        .enumerate()
        .map(|(i, p)| (p.0.as_str(), i as u64 + 1))
        .collect();
    cards.sort_unstable();
    let mut roster: Vec<(u64, Vec<u8>, u64)> = people
        .iter()
        .enumerate()
        .map(|(i, p)| (p.2, person_key(&p.1), i as u64 + 1))
        .collect();
    roster.sort_unstable();
    let folded_names: Vec<String> = people.iter().map(|p| fold(&p.1)).collect();
    let mut folded: Vec<(&str, u64)> = folded_names
        .iter()
        .enumerate()
        .flat_map(|(i, f)| {
            folded_suffixes(f)
                .into_iter()
                .map(move |s| (s, i as u64 + 1))
        })
        .collect();
    folded.sort_unstable();
    // The index lists each suffix's ids packed, a row per suffix and block of ids.
    let folded: Vec<((&str, u64), Vec<u64>)> = folded
        .chunk_by(|a, b| a.0 == b.0 && block_of(a.1) == block_of(b.1))
        .map(|run| {
            (
                (run[0].0, block_of(run[0].1)),
                run.iter().map(|r| r.1).collect(),
            )
        })
        .collect();

    let db = redb::Database::create(path).expect("a scratch database");
    let started = Instant::now();
    let mut steps = Vec::new();
    let mut lap = Instant::now();
    let mut step = |name: &'static str| {
        steps.push((name, lap.elapsed()));
        lap = Instant::now();
    };
    let txn = db.begin_write().expect("a write transaction");
    {
        let mut table = txn.open_table(MEMBERS).expect("members");
        for (i, record) in records.iter().enumerate() {
            table
                .insert(i as u64 + 1, record.as_slice())
                .expect("insert");
        }
        step("members");
        let mut table = txn.open_table(MEMBER_BY_CARD).expect("cards");
        for (card, id) in &cards {
            table.insert(*card, *id).expect("insert");
        }
        step("member_by_card");
        let mut table = txn.open_table(ORG_MEMBERS).expect("rosters");
        for (org, key, id) in &roster {
            table
                .insert((*org, key.as_slice(), *id), ())
                .expect("insert");
        }
        step("org_members");
        let mut table = txn.open_table(MEMBER_BY_FOLDED).expect("names");
        for ((suffix, block), ids) in &folded {
            table
                .insert((*suffix, *block), pack(*block, ids).as_slice())
                .expect("insert");
        }
        step("member_by_folded");
    }
    txn.commit().expect("commit");
    step("commit");
    Floor {
        time: started.elapsed(),
        rows: records.len() + cards.len() + roster.len() + folded.len(),
        steps,
    }
}

/// The median of `runs` timings.
fn median_of(runs: usize, mut time: impl FnMut() -> Duration) -> Duration {
    let mut times: Vec<Duration> = (0..runs).map(|_| time()).collect();
    times.sort();
    times[times.len() / 2]
}

fn verdict(met: bool, target: &str) -> String {
    if met {
        format!("target {target}: met")
    } else {
        format!("target {target}: MISSED")
    }
}

fn seconds(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn millis(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// 1234567 → "1,234,567".
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
