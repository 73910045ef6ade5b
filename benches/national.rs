//! National-scale benchmark: the 34 provinces and 3,321 communes of Vietnam since July 2025
//! (`../shared/data/vn-admin-units-2025.json`) under one national root, about 90 branches
//! per commune (≈ 300,000), about 18.7 members per branch (≈ 5.6 million), and 12 months of
//! meetings with their attendance packed inside — written through the store's writer,
//! which keeps the roll-ups in the same transactions. Then, on that database: its size
//! (also after redb's `compact()`), the reads a dashboard of the root, a province and a
//! commune makes, the meetings screen of each, `chibo check`, the JSON Lines import of one
//! province for comparison, and the same members and attendance in SQLite, where the
//! attendance of a month is counted by a query instead of read from a roll-up.
//!
//! ```sh
//! cargo bench --bench national                                  # the whole country
//! CHIBO_BENCH_SCALE=0.01 cargo bench --bench national           # quick: ~1% of the communes
//! cargo bench --bench national -- --skip-check --skip-sqlite    # leave the long parts out
//! cargo bench --bench national -- --jsonl   # also import, check, compact as chibo processes
//! ```
//!
//! Databases go to a fresh directory under `$CHIBO_BENCH_DIR` (default: `/tmp/chibo-bench`)
//! and are deleted at the end unless `--keep` is given.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chibo::demo::names::{NameStyle, full_name};
use chibo::demo::rng::Rng;
use chibo::domain::YearMonth;
use chibo::domain::date::day_number;
use chibo::domain::{
    BranchType, DEFAULT_GRACE_DAYS, Lang, Mark, Meeting, MeetingId, MeetingKind, MeetingState,
    Member, MemberId, MemberStatus, MonthStats, OrgId, OrgKind, OrgUnit, ScheduleRule, Sex,
    StatusChange,
};
use chibo::store::{Store, StoreError, Writer};
use chibo::ui::{App, KeyChord, Msg, Options, Target};
use chrono::{Datelike, NaiveDate, Weekday};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde::Deserialize;

const SEED: u64 = 0x6e61_7469_6f6e_616c;

/// Members in the whole country, spread over every branch; a smaller scale keeps the
/// members per branch and scales this with the communes kept.
const NATIONAL_MEMBERS: f64 = 5_600_000.0;
const COMMUNES_IN_FILE: f64 = 3_321.0;
/// Branches per commune committee: 60 to 120, about 90 (≈ 300,000 in all).
const BRANCHES_PER_COMMUNE: (i64, i64) = (60, 120);

/// The twelve months of meetings, December 2025 to November 2026, and the day the
/// benchmark stands on: November's meetings due after it are still planned.
fn months() -> impl Iterator<Item = YearMonth> {
    current_month().plus(-11).through(current_month())
}
fn current_month() -> YearMonth {
    YearMonth::of(today())
}
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date")
}

/// Targets of issue 6.
const BUILD_TARGET: Duration = Duration::from_secs(180);
const SIZE_TARGET: u64 = 1_500_000_000;
const DASHBOARD_TARGET: Duration = Duration::from_millis(20);

/// One screen of children on a dashboard.
const SCREEN_CHILDREN: usize = 40;
const DASHBOARD_RUNS: usize = 101;
const FRAMES: usize = 51;

fn main() {
    let options = Settings::from_env().unwrap_or_else(|message| {
        eprintln!("national: {message}");
        std::process::exit(2);
    });
    let geo = read_admin_units(&options.admin_units);
    let plan = Plan::new(&geo, options.scale);
    std::fs::create_dir_all(&options.base).expect("the benchmark directory");
    let dir = tempfile::Builder::new()
        .prefix("national-")
        .tempdir_in(&options.base)
        .expect("a directory for the databases");
    let path = dir.path().join("national.redb");
    let mut report = Report::new();
    report.title(format!(
        "chibo national benchmark: {} provinces, {} communes, {} branches, {} members, 12 months \
         of meetings (scale {}, {} cores)",
        plan.provinces.len(),
        thousands(plan.communes),
        thousands(plan.branches),
        thousands(plan.members),
        options.scale,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    ));

    // --- Generate and write, one province per write transaction.
    reset_peak_memory();
    let store = Store::open(&path).expect("a fresh database");
    let build = build_chibo(&store, &plan, options.per_write);
    let build_peak = peak_memory();
    let file_bytes = store.file_size();
    report.section(&format!(
        "generate and write (the store's writer, {} province(s) per write transaction)",
        options.per_write
    ));
    report.row(
        "generate + write, wall clock",
        seconds(build.wall),
        verdict(build.wall < BUILD_TARGET, "< 3 min"),
    );
    report.row(
        "  generate (names, dates, marks), outside the writes",
        seconds(build.generate),
        String::new(),
    );
    report.row(
        "  write: organisations (put_org)",
        seconds(build.orgs),
        format!("{} orgs", thousands(build.counts.orgs)),
    );
    report.row(
        "  write: members (put_new_members)",
        seconds(build.members),
        format!(
            "{} members/s",
            thousands(rate(build.counts.members, build.members))
        ),
    );
    report.row(
        "  write: meetings (put_meeting)",
        seconds(build.meetings),
        format!(
            "{} meetings, {} marks",
            thousands(build.counts.meetings),
            thousands(build.counts.marks)
        ),
    );
    report.row(
        "  roll-ups, totals and commit (Store::write after the closure)",
        seconds(build.finish),
        format!("{} transactions", build.transactions + 1),
    );
    report.row(
        "  first province's write, its months joining the roll-ups",
        seconds(build.first_write),
        String::new(),
    );
    report.row(
        "database size",
        format!(
            "{} MB, {} bytes/member",
            file_bytes / 1_000_000,
            file_bytes / plan.members.max(1) as u64
        ),
        verdict(file_bytes < SIZE_TARGET, "< 1.5 GB"),
    );
    report.row("peak memory while building", mb(build_peak), String::new());
    report.flush();
    if options.build_only {
        return;
    }

    // --- What a dashboard reads, and the meetings screen, for three nodes.
    let nodes = Nodes::find(&store, &plan);
    report.section("dashboard reads: month + one screen of children + 12-month trend (ms)");
    let mut worst = Duration::ZERO;
    for (label, id) in nodes.all() {
        let (first, p50, max) = dashboard_times(&store, id);
        worst = worst.max(max);
        report.row(
            &format!("{label}: first / p50 / max of {DASHBOARD_RUNS}"),
            format!("{} / {} / {}", millis(first), millis(p50), millis(max)),
            verdict(max < DASHBOARD_TARGET, "< 20 ms"),
        );
    }
    let (in_open, in_fresh) = rollup_read_times(&store, nodes.root);
    report.row(
        "one roll-up read (month_stats of the root), p50",
        format!("{} in a new read transaction", micros(in_fresh)),
        format!("{} in an open one", micros(in_open)),
    );
    report.flush();

    report.section("meetings screen (the dashboard is not built yet), 200×60");
    for (label, id) in nodes.all() {
        let screen = meetings_screen(&store, id);
        report.row(
            &format!("{label}: open (c), reads what it shows"),
            millis(screen.open),
            screen.note,
        );
        report.row(
            &format!("{label}: frame p50 / max of {FRAMES}"),
            format!(
                "{} / {}",
                millis(screen.frame_p50),
                millis(screen.frame_max)
            ),
            verdict(screen.frame_max < DASHBOARD_TARGET, "< 20 ms"),
        );
    }
    report.flush();

    // --- chibo check on everything.
    if options.check {
        report.section("chibo check (store::check::run) on the whole database");
        let before = resident_memory();
        reset_peak_memory();
        let started = Instant::now();
        let reader = store.read().expect("a read transaction");
        let problems = chibo::store::check::run(&reader).expect("check runs");
        let took = started.elapsed();
        drop(reader);
        report.row(
            "check",
            seconds(took),
            format!("{} problems", problems.len()),
        );
        for problem in problems.iter().take(5) {
            report.row("  problem", problem.clone(), String::new());
        }
        report.row(
            "peak memory during check",
            mb(peak_memory()),
            format!("{} resident before", mb(before)),
        );
        report.flush();
    }

    // --- Provinces through the JSON Lines import, for the choice of write path.
    let count = if options.jsonl_all {
        plan.provinces.len()
    } else {
        1
    };
    let jsonl = jsonl_comparison(&store, &plan, dir.path(), count);
    report.section(&format!(
        "the JSON Lines path against the writer path, {} province(s), {} members, each into \
         a fresh database",
        jsonl.provinces,
        thousands(jsonl.members)
    ));
    report.row(
        "export from the national database (jsonl::export)",
        seconds(jsonl.export),
        format!("{} MB of JSON Lines", jsonl.bytes / 1_000_000),
    );
    report.row(
        "import, one transaction per province (jsonl::import)",
        seconds(jsonl.import),
        format!("{} members/s", thousands(rate(jsonl.members, jsonl.import))),
    );
    report.row(
        "the same provinces through the writer (generation not counted)",
        seconds(jsonl.writer),
        format!(
            "import ÷ writer: {:.2}×",
            jsonl.import.as_secs_f64() / jsonl.writer.as_secs_f64()
        ),
    );
    report.flush();

    // --- The national file through the real binaries, as an operator runs them.
    if options.jsonl {
        processes(&store, &plan, dir.path(), &mut report);
    }

    // --- compact().
    drop(store);
    if options.compact {
        report.section("redb compact(), and where the bytes are");
        let started = Instant::now();
        let (before, after, passes) = compact(&path);
        let took = started.elapsed();
        let size = std::fs::metadata(&path).map_or(0, |m| m.len());
        report.row("compact", seconds(took), format!("{passes} passes"));
        report.row(
            "database size after compact",
            format!(
                "{} MB, {} bytes/member",
                size / 1_000_000,
                size / plan.members.max(1) as u64
            ),
            verdict(size < SIZE_TARGET, "< 1.5 GB"),
        );
        report.row(
            "pages in use before / after (the rest of the file is free)",
            format!(
                "{} / {} MB",
                before.allocated / 1_000_000,
                after.allocated / 1_000_000
            ),
            String::new(),
        );
        report.row(
            "table: rows, key+value bytes, pages before / after compact",
            String::new(),
            String::new(),
        );
        for (table, after_table) in before.tables.iter().zip(&after.tables) {
            report.row(
                &format!("  {}", table.name),
                format!(
                    "{:>11} rows {:>6} MB",
                    thousands(table.rows as usize),
                    table.stored / 1_000_000
                ),
                format!(
                    "{:>5} / {:>5} MB",
                    table.pages / 1_000_000,
                    after_table.pages / 1_000_000
                ),
            );
        }
        let store = Store::open(&path).expect("the compacted database");
        for (label, id) in nodes.all() {
            let (first, p50, max) = dashboard_times(&store, id);
            report.row(
                &format!("{label}, after compact: first / p50 / max"),
                format!("{} / {} / {}", millis(first), millis(p50), millis(max)),
                verdict(max < DASHBOARD_TARGET, "< 20 ms"),
            );
        }
        report.flush();
    }

    // --- SQLite.
    if options.sqlite {
        report.section("SQLite baseline (attendance as rows, one per member per meeting)");
        let before = resident_memory();
        reset_peak_memory();
        let sqlite_path = dir.path().join("national.sqlite");
        let baseline = sqlite_build(&sqlite_path, &plan);
        report.row(
            "generate again + load, wall clock",
            seconds(baseline.load + baseline.generate),
            format!(
                "generate {}, load {}",
                seconds(baseline.generate),
                seconds(baseline.load)
            ),
        );
        report.row(
            "create indexes + analyze",
            seconds(baseline.index),
            String::new(),
        );
        report.row(
            "SQLite file",
            format!("{} MB", baseline.bytes / 1_000_000),
            format!("{} attendance rows", thousands(baseline.marks)),
        );
        let store = Store::open(&path).expect("the database");
        let conn = rusqlite::Connection::open(&sqlite_path).expect("the SQLite file");
        let month = current_month().previous();
        for (label, id, runs) in [
            (nodes.province_name.as_str(), nodes.province, 5),
            ("national root", nodes.root, 3),
        ] {
            let chibo_month = store
                .read()
                .and_then(|r| r.month_stats(id, month))
                .expect("a roll-up");
            let (in_open, in_fresh) = rollup_read_times(&store, id);
            let (marks, sqlite_time) = sqlite_attendance(&conn, id, month, runs);
            assert_eq!(
                marks,
                [
                    chibo_month.present,
                    chibo_month.excused,
                    chibo_month.absent,
                    chibo_month.exempt
                ],
                "SQLite and chibo count the same marks"
            );
            report.row(
                &format!("{label}, attendance of October 2026: SQLite (median of {runs})"),
                millis(sqlite_time),
                format!(
                    "{} present of {} expected",
                    thousands(marks[0] as usize),
                    thousands((marks[0] + marks[1] + marks[2]) as usize)
                ),
            );
            report.row(
                &format!("{label}: chibo roll-up, new read transaction / open one (p50)"),
                format!("{} / {}", micros(in_fresh), micros(in_open)),
                format!(
                    "SQLite ÷ chibo: {}× / {}×",
                    thousands((sqlite_time.as_secs_f64() / in_fresh.as_secs_f64()) as usize),
                    thousands((sqlite_time.as_secs_f64() / in_open.as_secs_f64()) as usize)
                ),
            );
        }
        let whole = sqlite_whole_month(&conn, month);
        report.row(
            "national root, SQLite by the month index alone (no subtree)",
            millis(whole),
            String::new(),
        );
        let (trend_months, trend) = sqlite_trend(&conn, nodes.province);
        let chibo_trend = trend_read_time(&store, nodes.province);
        report.row(
            &format!(
                "{}, 12-month trend: SQLite, one GROUP BY month",
                nodes.province_name
            ),
            millis(trend),
            format!("{trend_months} months"),
        );
        report.row(
            "  chibo: 12 roll-up reads in a new read transaction (p50)",
            micros(chibo_trend),
            format!(
                "SQLite ÷ chibo: {}×",
                thousands((trend.as_secs_f64() / chibo_trend.as_secs_f64()) as usize)
            ),
        );
        report.row(
            "peak memory, SQLite part",
            mb(peak_memory()),
            format!("{} resident before", mb(before)),
        );
        report.flush();
    }

    if options.keep {
        let kept = dir.keep();
        println!("kept the databases in {}", kept.display());
    }
}

// ---------------------------------------------------------------------------------------
// Settings

struct Settings {
    scale: f64,
    base: PathBuf,
    admin_units: PathBuf,
    check: bool,
    compact: bool,
    sqlite: bool,
    keep: bool,
    build_only: bool,
    jsonl_all: bool,
    jsonl: bool,
    per_write: usize,
}

impl Settings {
    /// `CHIBO_BENCH_SCALE` (0 < s ≤ 1), `CHIBO_BENCH_DIR`, `CHIBO_ADMIN_UNITS`, and the flags
    /// `--skip-check`, `--skip-compact`, `--skip-sqlite`, `--keep`, `--build-only` (stop
    /// after writing: for profiling the build) and `--jsonl-all` (every province through
    /// the JSON Lines import, not one), `--jsonl` (the whole database exported to one
    /// file, then `chibo import`, `chibo check` and `chibo compact` run on it as processes
    /// of their own), and `--provinces-per-write N` (default 1); anything
    /// else cargo passes (such as `--bench`) is ignored.
    fn from_env() -> Result<Settings, String> {
        let scale = match std::env::var("CHIBO_BENCH_SCALE") {
            Ok(text) => text
                .parse::<f64>()
                .ok()
                .filter(|s| *s > 0.0 && *s <= 1.0)
                .ok_or_else(|| format!("CHIBO_BENCH_SCALE must be in (0, 1], found {text:?}"))?,
            Err(_) => 1.0,
        };
        let base = std::env::var_os("CHIBO_BENCH_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| std::env::temp_dir().join("chibo-bench"));
        let admin_units = std::env::var_os("CHIBO_ADMIN_UNITS")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../shared/data/vn-admin-units-2025.json")
            });
        let args: Vec<String> = std::env::args().skip(1).collect();
        let has = |flag: &str| args.iter().any(|a| a == flag);
        let per_write = match args.iter().position(|a| a == "--provinces-per-write") {
            Some(at) => args
                .get(at + 1)
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|n| *n > 0)
                .ok_or("--provinces-per-write needs a positive number")?,
            None => 1,
        };
        Ok(Settings {
            scale,
            base,
            admin_units,
            check: !has("--skip-check"),
            compact: !has("--skip-compact"),
            sqlite: !has("--skip-sqlite"),
            keep: has("--keep"),
            build_only: has("--build-only"),
            jsonl_all: has("--jsonl-all"),
            jsonl: has("--jsonl"),
            per_write,
        })
    }
}

// ---------------------------------------------------------------------------------------
// The plan: which provinces, communes and branches, and how many members each branch has.

#[derive(Deserialize)]
struct GeoProvince {
    code: u32,
    name: String,
    #[serde(rename = "type")]
    kind: String,
    communes: Vec<GeoCommune>,
}

#[derive(Deserialize)]
struct GeoCommune {
    code: u32,
    name: String,
}

fn read_admin_units(path: &Path) -> Vec<GeoProvince> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        eprintln!(
            "national: cannot read {} ({e}); set CHIBO_ADMIN_UNITS to vn-admin-units-2025.json",
            path.display()
        );
        std::process::exit(2);
    });
    serde_json::from_str(&text).expect("the administrative units parse")
}

struct Plan {
    provinces: Vec<ProvincePlan>,
    communes: usize,
    branches: usize,
    members: usize,
}

struct ProvincePlan {
    code: String,
    name: String,
    rule: ScheduleRule,
    grace: u8,
    communes: Vec<CommunePlan>,
}

struct CommunePlan {
    code: String,
    name: String,
    ward: bool,
    /// A commune that sets its own day, overriding the province's.
    rule: Option<ScheduleRule>,
    /// Members of each of its branches.
    branch_sizes: Vec<u8>,
}

/// The rules provinces choose among: "the 3rd", "the 5th", "the 7th", "the 10th", "the
/// first Monday".
const PROVINCE_RULES: [ScheduleRule; 5] = [
    ScheduleRule::DayOfMonth(3),
    ScheduleRule::DayOfMonth(5),
    ScheduleRule::DayOfMonth(7),
    ScheduleRule::DayOfMonth(10),
    ScheduleRule::NthWeekday {
        n: 1,
        weekday: Weekday::Mon,
    },
];

impl Plan {
    fn new(geo: &[GeoProvince], scale: f64) -> Plan {
        let mut rng = Rng::new(SEED);
        let mut provinces = Vec::new();
        let mut branches = 0;
        for (i, p) in geo.iter().enumerate() {
            let keep = ((p.communes.len() as f64 * scale).round() as usize).max(1);
            let communes: Vec<CommunePlan> = p.communes[..keep.min(p.communes.len())]
                .iter()
                .map(|c| {
                    let count = rng.between(BRANCHES_PER_COMMUNE.0, BRANCHES_PER_COMMUNE.1);
                    branches += count as usize;
                    CommunePlan {
                        code: format!("{:02}.{:05}", p.code, c.code),
                        name: format!("Đảng ủy {}", lower_first(&c.name)),
                        ward: c.name.starts_with("Phường"),
                        rule: rng
                            .chance(0.1)
                            .then_some(ScheduleRule::DayOfMonth(rng.between(12, 18) as u8)),
                        branch_sizes: vec![0; count as usize],
                    }
                })
                .collect();
            let name = match p.kind.as_str() {
                "thành phố trung ương" => {
                    format!("Thành ủy {}", p.name.trim_start_matches("Thành phố "))
                }
                _ => format!("Tỉnh ủy {}", p.name),
            };
            provinces.push(ProvincePlan {
                code: format!("{:02}", p.code),
                name,
                rule: PROVINCE_RULES[i % PROVINCE_RULES.len()],
                grace: if i % 4 == 3 { 3 } else { DEFAULT_GRACE_DAYS },
                communes,
            });
        }
        let communes: usize = provinces.iter().map(|p| p.communes.len()).sum();
        let members = (NATIONAL_MEMBERS * communes as f64 / COMMUNES_IN_FILE).round() as usize;
        // Branch sizes from random weights, rounded cumulatively so they add up exactly:
        // from about 9 to about 28 members, 18.7 on average at full scale.
        let weights: Vec<f64> = (0..branches).map(|_| 0.5 + rng.unit()).collect();
        let total: f64 = weights.iter().sum();
        let (mut acc, mut given, mut b) = (0.0, 0usize, 0usize);
        for province in &mut provinces {
            for commune in &mut province.communes {
                for size in &mut commune.branch_sizes {
                    acc += weights[b];
                    let upto = (acc / total * members as f64).round() as usize;
                    *size = u8::try_from(upto - given).expect("a branch of under 256");
                    given = upto;
                    b += 1;
                }
            }
        }
        Plan {
            provinces,
            communes,
            branches,
            members: given,
        }
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------------------------------
// Generation: one province at a time, with the ids the store will hand out.

/// The next ids, as the store hands them out: the benchmark writes into a fresh database
/// alone, so they are known before each write (and checked against the store's own).
#[derive(Clone, Copy)]
struct Ids {
    org: u64,
    member: u64,
    meeting: u64,
}

impl Ids {
    fn fresh() -> Ids {
        Ids {
            org: 1,
            member: 1,
            meeting: 1,
        }
    }

    fn org(&mut self) -> OrgId {
        self.org += 1;
        OrgId(self.org - 1)
    }
}

#[derive(Default)]
struct ProvinceData {
    orgs: Vec<OrgUnit>,
    members: Vec<Member>,
    meetings: Meetings,
}

/// Meetings, and the marks recorded at them.
#[derive(Default)]
struct Meetings {
    list: Vec<Meeting>,
    marks: usize,
}

const TOP_CODE: &str = "TW";

/// The national root. chibo has no kind above a provincial committee; the top of the
/// tree is one, the provincial committees sit under it, and it sets the default rule.
fn national_root(ids: &mut Ids) -> OrgUnit {
    OrgUnit {
        meeting_rule: Some(ScheduleRule::DayOfMonth(7)),
        grace_days: Some(DEFAULT_GRACE_DAYS),
        ..OrgUnit::new(
            ids.org(),
            TOP_CODE,
            "Ban Chấp hành Trung ương Đảng",
            OrgKind::ProvincialCommittee,
            None,
        )
    }
}

const EXCUSES: [&str; 4] = ["ốm", "đi công tác", "việc gia đình", "đi học"];
const PLACE_SYLLABLES: &[&str] = &[
    "An", "Bình", "Hòa", "Phú", "Tân", "Thành", "Hưng", "Long", "Xuân", "Đông", "Tây", "Nam",
    "Bắc", "Hải", "Sơn", "Quang", "Minh", "Phúc", "Lộc", "Thịnh", "Yên", "Lạc", "Vĩnh", "Trung",
];

fn generate_province(p: &ProvincePlan, top: OrgId, ids: &mut Ids) -> ProvinceData {
    let mut rng = Rng::for_key(SEED, &p.code);
    let mut data = ProvinceData::default();
    let province = ids.org();
    data.orgs.push(OrgUnit {
        meeting_rule: Some(p.rule),
        grace_days: Some(p.grace),
        ..OrgUnit::new(
            province,
            p.code.clone(),
            p.name.clone(),
            OrgKind::ProvincialCommittee,
            Some(top),
        )
    });
    let style = if ["04", "08", "11", "12", "14", "15", "20"].contains(&p.code.as_str()) {
        NameStyle::Upland
    } else {
        NameStyle::Lowland
    };
    for c in &p.communes {
        let commune = ids.org();
        data.orgs.push(OrgUnit {
            meeting_rule: c.rule,
            ..OrgUnit::new(
                commune,
                c.code.clone(),
                c.name.clone(),
                OrgKind::GrassrootsCommittee,
                Some(province),
            )
        });
        let inherited = c.rule.unwrap_or(p.rule);
        // A committee member of the commune, who visits its branches' meetings.
        let visitor = MemberId(ids.member);
        for (b, &size) in c.branch_sizes.iter().enumerate() {
            let branch = branch_org(&mut rng, ids.org(), commune, c, b);
            let rule = branch.meeting_rule.unwrap_or(inherited);
            let first = data.members.len();
            for _ in 0..size {
                data.members.push(member(&mut rng, ids, branch.id, style));
            }
            branch_meetings(
                &mut rng,
                ids,
                &branch,
                (rule, p.grace),
                &data.members[first..],
                visitor,
                &mut data.meetings,
            );
            data.orgs.push(branch);
        }
    }
    data
}

fn branch_org(rng: &mut Rng, id: OrgId, commune: OrgId, c: &CommunePlan, b: usize) -> OrgUnit {
    let n = b + 1;
    let (name, branch_type) = match rng.below(100) {
        0..=79 if c.ward => (format!("Chi bộ tổ dân phố {n}"), BranchType::Residential),
        0..=79 => (format!("Chi bộ thôn {n}"), BranchType::Residential),
        80..=89 => (
            format!(
                "Chi bộ Trường {} {}",
                rng.pick(PLACE_SYLLABLES),
                rng.pick(PLACE_SYLLABLES)
            ),
            BranchType::School,
        ),
        90..=96 => (format!("Chi bộ cơ quan số {n}"), BranchType::Agency),
        _ => (
            format!("Chi bộ doanh nghiệp số {n}"),
            BranchType::Enterprise,
        ),
    };
    let mut org = OrgUnit::new(
        id,
        format!("{}.{n:03}", c.code),
        name,
        OrgKind::Branch,
        Some(commune),
    );
    org.branch_type = Some(branch_type);
    if branch_type == BranchType::School {
        // Schools meet on the first Thursday, as Tứ Kỳ's do.
        org.meeting_rule = Some(ScheduleRule::NthWeekday {
            n: 1,
            weekday: Weekday::Thu,
        });
    }
    if rng.chance(0.005) {
        // A branch founded during the year: not due before it existed.
        let month = current_month().plus(rng.between(2, 9) as i32 - 11);
        org.founded = month.first_day().with_day(15);
    }
    org
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

fn member(rng: &mut Rng, ids: &mut Ids, branch: OrgId, style: NameStyle) -> Member {
    let id = MemberId(ids.member);
    ids.member += 1;
    // Multiplying by a number prime to 10^8 permutes the 8-digit cards: unique, unordered.
    let card = format!("{:08}", ((id.0 - 1) * 48_271 + 12_345) % 100_000_000);
    let sex = if rng.chance(0.4) {
        Sex::Female
    } else {
        Sex::Male
    };
    let born_year = rng.between(1940, 2004) as i32;
    let (month, day) = (rng.between(1, 12) as u32, rng.between(1, 28) as u32);
    let admitted_year = born_year + rng.between(18, (2026 - born_year).min(40) as i64) as i32;
    let admitted = date(admitted_year, month, day);
    let full = date(admitted_year + 1, month, day);
    let mut member = Member {
        id,
        card,
        name: full_name(rng, sex, born_year, style),
        sex: Some(sex),
        born: Some(date(born_year, month, day)),
        admitted: Some(admitted),
        // Admitted in the last year: still probationary.
        full_member: (full <= today()).then_some(full),
        org: branch,
        cell: None,
        phone: None,
        residence: None,
        history: Vec::new(),
        former_orgs: Vec::new(),
    };
    // A status begins on or after admission: chibo refuses one that begins before.
    let during =
        |rng: &mut Rng| (date(2025, 12, 1) + chrono::Days::new(rng.below(350))).max(admitted);
    if born_year < 1952 && rng.chance(0.6) {
        // Exempt for age at 75: before the year, or during it for those born in 1951.
        member.record_status(StatusChange {
            status: MemberStatus::Exempt,
            from: date(born_year + 75, 1, 1),
            until: None,
            reason: Some("tuổi cao".into()),
        });
    } else if rng.chance(0.015) {
        let from = during(rng);
        member.record_status(StatusChange {
            status: MemberStatus::TemporarilyExempt,
            from,
            until: Some(from + chrono::Days::new(rng.between(30, 150) as u64)),
            reason: Some("ốm dài ngày".into()),
        });
    } else if rng.chance(0.004) {
        let status = *rng.pick(&[
            MemberStatus::TransferredOut,
            MemberStatus::Deceased,
            MemberStatus::Removed,
        ]);
        member.record_status(StatusChange {
            status,
            from: during(rng),
            until: None,
            reason: None,
        });
    }
    member
}

/// Twelve regular meetings (one of about sixteen not held, a spread of on time, early,
/// late within grace and out of rule), a thematic one each quarter, November's still
/// planned when due after today; every held meeting with every member's mark.
fn branch_meetings(
    rng: &mut Rng,
    ids: &mut Ids,
    branch: &OrgUnit,
    (rule, grace): (ScheduleRule, u8),
    members: &[Member],
    visitor: MemberId,
    out: &mut Meetings,
) {
    for month in months() {
        let last = month.last_day();
        if !branch.exists_on(last) {
            continue;
        }
        let due = rule.due_date(month);
        let roll = rng.below(100);
        let day = match roll {
            0..=5 => None,
            6..=13 if due.day() > 1 => Some(due - chrono::Days::new(1)),
            14..=23 => Some(due + chrono::Days::new(rng.between(1, i64::from(grace)) as u64)),
            24..=27 => Some(due + chrono::Days::new(u64::from(grace) + rng.between(1, 8) as u64)),
            _ => Some(due),
        };
        let day = day.filter(|d| month.contains(*d) && branch.exists_on(*d));
        if let Some(day) = day {
            push_meeting(
                rng,
                ids,
                branch,
                MeetingKind::Regular,
                day,
                members,
                visitor,
                out,
            );
        }
        if month.month() % 3 == 0 {
            let thematic = (due + chrono::Days::new(10)).min(last);
            if branch.exists_on(thematic) {
                let kind = MeetingKind::Thematic;
                push_meeting(rng, ids, branch, kind, thematic, members, visitor, out);
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn push_meeting(
    rng: &mut Rng,
    ids: &mut Ids,
    branch: &OrgUnit,
    kind: MeetingKind,
    day: NaiveDate,
    members: &[Member],
    visitor: MemberId,
    out: &mut Meetings,
) {
    let id = MeetingId(ids.meeting);
    ids.meeting += 1;
    let held = day <= today();
    let state = if held {
        MeetingState::Held
    } else {
        MeetingState::Planned
    };
    let mut meeting = Meeting::new(id, branch.id, kind, day, state);
    if held {
        for member in members {
            let mark = match member.status_on(day) {
                MemberStatus::Active => match rng.below(100) {
                    0..=89 => Mark::Present,
                    90..=95 => Mark::Excused,
                    _ => Mark::Absent,
                },
                MemberStatus::Exempt | MemberStatus::TemporarilyExempt => Mark::Exempt,
                _ => continue,
            };
            if mark == Mark::Excused {
                meeting
                    .excuses
                    .push((member.id, (*rng.pick(&EXCUSES)).to_string()));
            }
            meeting.attendance.push((member.id, mark));
        }
        out.marks += meeting.attendance.len();
        if rng.chance(0.1) {
            meeting.guests.push(visitor);
        }
    }
    out.list.push(meeting);
}

// ---------------------------------------------------------------------------------------
// Writing into chibo

#[derive(Default, Clone, Copy)]
struct Counts {
    orgs: usize,
    members: usize,
    meetings: usize,
    marks: usize,
}

#[derive(Default)]
struct Build {
    wall: Duration,
    generate: Duration,
    orgs: Duration,
    members: Duration,
    meetings: Duration,
    finish: Duration,
    first_write: Duration,
    counts: Counts,
    transactions: usize,
}

/// Time spent inside write transactions: organisations, members and meetings.
#[derive(Default, Clone, Copy)]
struct Inside {
    orgs: Duration,
    members: Duration,
    meetings: Duration,
}

impl Inside {
    fn total(&self) -> Duration {
        self.orgs + self.members + self.meetings
    }
}

/// Writes one province inside a write transaction, through the writer's calls an import
/// makes: `put_org` parents first, `put_new_members` in bulk, `put_meeting` each.
fn write_data(
    w: &mut Writer<'_>,
    data: &ProvinceData,
    inside: &mut Inside,
) -> Result<(), StoreError> {
    let t = Instant::now();
    for org in &data.orgs {
        assert_eq!(w.new_org_id()?, org.id, "ids as the store hands them out");
        w.put_org(org)?;
    }
    inside.orgs += t.elapsed();
    let t = Instant::now();
    for member in &data.members {
        assert_eq!(w.new_member_id()?, member.id);
    }
    w.put_new_members(&data.members)?;
    inside.members += t.elapsed();
    let t = Instant::now();
    for meeting in &data.meetings.list {
        assert_eq!(w.new_meeting_id()?, meeting.id);
        w.put_meeting(meeting)?;
    }
    inside.meetings += t.elapsed();
    Ok(())
}

/// One province in one write transaction; the time of the whole `Store::write`.
fn write_province(store: &Store, data: &ProvinceData) -> Duration {
    let mut inside = Inside::default();
    timed(|| {
        store
            .write(|w| write_data(w, data, &mut inside))
            .expect("a province written");
    })
}

fn write_root(store: &Store, top: &OrgUnit) {
    store
        .write(|w| {
            assert_eq!(w.new_org_id()?, top.id);
            w.put_org(top)
        })
        .expect("the national root");
}

/// Generates the provinces one at a time and writes them, `per_write` provinces to a write
/// transaction: each generated just before it is written and dropped just after, so no
/// more than a province of records is ever held, whatever the transactions hold.
fn build_chibo(store: &Store, plan: &Plan, per_write: usize) -> Build {
    let started = Instant::now();
    let mut build = Build::default();
    let mut ids = Ids::fresh();
    let top = national_root(&mut ids);
    write_root(store, &top);
    build.counts.orgs += 1;
    for (n, chunk) in plan.provinces.chunks(per_write).enumerate() {
        let lap = Instant::now();
        let mut inside = Inside::default();
        let mut generating = Duration::ZERO;
        store
            .write(|w| {
                for p in chunk {
                    let t = Instant::now();
                    let data = generate_province(p, top.id, &mut ids);
                    generating += t.elapsed();
                    write_data(w, &data, &mut inside)?;
                    build.counts.orgs += data.orgs.len();
                    build.counts.members += data.members.len();
                    build.counts.meetings += data.meetings.list.len();
                    build.counts.marks += data.meetings.marks;
                    let t = Instant::now();
                    drop(data);
                    generating += t.elapsed();
                    eprintln!(
                        "  {:>2} {:<34} written  (total {:>6.1} s, peak {})",
                        p.code,
                        p.name,
                        started.elapsed().as_secs_f64(),
                        mb(peak_memory()),
                    );
                }
                Ok::<_, StoreError>(())
            })
            .expect("provinces written");
        let whole = lap.elapsed();
        if n == 0 {
            build.first_write = whole - generating;
        }
        build.generate += generating;
        build.orgs += inside.orgs;
        build.members += inside.members;
        build.meetings += inside.meetings;
        build.finish += whole - generating - inside.total();
        build.transactions += 1;
    }
    assert_eq!(build.counts.members, plan.members);
    build.wall = started.elapsed();
    build
}

// ---------------------------------------------------------------------------------------
// Reads

struct Nodes {
    root: OrgId,
    province: OrgId,
    province_name: String,
    commune: OrgId,
    commune_name: String,
}

impl Nodes {
    /// The root, the province with the most communes and its first commune.
    fn find(store: &Store, plan: &Plan) -> Nodes {
        let reader = store.read().expect("a read transaction");
        let id = |code: &str| {
            reader
                .org_id(code)
                .expect("read")
                .unwrap_or_else(|| panic!("{code} is in the database"))
        };
        let largest = plan
            .provinces
            .iter()
            .max_by_key(|p| p.communes.len())
            .expect("provinces");
        Nodes {
            root: id(TOP_CODE),
            province: id(&largest.code),
            province_name: largest.name.clone(),
            commune: id(&largest.communes[0].code),
            commune_name: largest.communes[0].name.clone(),
        }
    }

    fn all(&self) -> [(String, OrgId); 3] {
        [
            ("national root".to_string(), self.root),
            (self.province_name.clone(), self.province),
            (self.commune_name.clone(), self.commune),
        ]
    }
}

/// What a dashboard of `node` reads, in one fresh read transaction: the node and its
/// totals, its month, one screen of its children with each child's totals and month, and
/// its twelve months for a trend. Returns a number made of what was read, so nothing is
/// optimised away.
fn dashboard_read(store: &Store, node: OrgId) -> u64 {
    let reader = store.read().expect("a read transaction");
    let org = reader.org(node).expect("read").expect("the node");
    let mut sum = u64::from(reader.org_totals(org.id).expect("totals").members);
    let month = reader
        .month_stats(node, current_month())
        .expect("a roll-up");
    sum += u64::from(month.branches_due() + month.overdue(today()));
    for child in reader
        .children(Some(node), 0, SCREEN_CHILDREN)
        .expect("children")
    {
        let stats = reader
            .month_stats(child.id, current_month())
            .expect("a roll-up");
        sum += u64::from(stats.present + stats.upcoming(today()));
        sum += u64::from(reader.org_totals(child.id).expect("totals").members);
    }
    for m in months() {
        let stats: MonthStats = reader.month_stats(node, m).expect("a roll-up");
        sum += stats.attendance_rate().map_or(0, |r| (r * 1000.0) as u64);
    }
    sum
}

/// The first dashboard read on a store just opened, then the median and the slowest of
/// `DASHBOARD_RUNS` more.
fn dashboard_times(store: &Store, node: OrgId) -> (Duration, Duration, Duration) {
    let first = timed(|| {
        std::hint::black_box(dashboard_read(store, node));
    });
    let mut times: Vec<Duration> = (0..DASHBOARD_RUNS)
        .map(|_| {
            timed(|| {
                std::hint::black_box(dashboard_read(store, node));
            })
        })
        .collect();
    times.sort_unstable();
    (first, times[times.len() / 2], times[times.len() - 1])
}

/// One month of one node from the roll-ups: in a read transaction already open, and in a
/// new one each time (begun, read, dropped). Medians of 1,001.
fn rollup_read_times(store: &Store, node: OrgId) -> (Duration, Duration) {
    let last_month = current_month().previous();
    let median = |mut times: Vec<Duration>| {
        times.sort_unstable();
        times[times.len() / 2]
    };
    let reader = store.read().expect("a read transaction");
    let open = (0..1001)
        .map(|_| {
            timed(|| {
                std::hint::black_box(reader.month_stats(node, last_month).expect("read"));
            })
        })
        .collect();
    drop(reader);
    let fresh = (0..1001)
        .map(|_| {
            timed(|| {
                let reader = store.read().expect("a read transaction");
                std::hint::black_box(reader.month_stats(node, last_month).expect("read"));
            })
        })
        .collect();
    (median(open), median(fresh))
}

/// Twelve months of one node from the roll-ups in a new read transaction: median of 101.
fn trend_read_time(store: &Store, node: OrgId) -> Duration {
    let mut times: Vec<Duration> = (0..101)
        .map(|_| {
            timed(|| {
                let reader = store.read().expect("a read transaction");
                for m in months() {
                    std::hint::black_box(reader.month_stats(node, m).expect("read"));
                }
            })
        })
        .collect();
    times.sort_unstable();
    times[times.len() / 2]
}

struct Screen {
    open: Duration,
    frame_p50: Duration,
    frame_max: Duration,
    note: String,
}

/// The meetings screen (`c`) of `node` in the App on a 200×60 terminal: the time to open
/// it (everything it shows is read then) and to build its frame.
fn meetings_screen(store: &Store, node: OrgId) -> Screen {
    let (width, height) = (200, 60);
    let mut app = App::new(
        store.clone(),
        Options::new(Lang::Vi, chibo::clock::Clock::on(today())),
    );
    app.update(Msg::Resize { width, height });
    app.update(Msg::JumpTo(Target::Org(node)));
    assert_eq!(app.selected_org().map(|o| o.id), Some(node));
    let chord = KeyChord::parse("c").expect("a key the keymap knows");
    let open = timed(|| {
        app.update(Msg::Key(chord.event()));
    });
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    let mut times: Vec<Duration> = (0..FRAMES)
        .map(|_| {
            timed(|| {
                terminal.draw(|frame| app.view(frame)).expect("frame drawn");
            })
        })
        .collect();
    times.sort_unstable();
    let text = chibo::ui::screen_text(&app, width, height);
    let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
    Screen {
        open,
        frame_p50: times[times.len() / 2],
        frame_max: times[times.len() - 1],
        note: format!("{lines} lines drawn"),
    }
}

// ---------------------------------------------------------------------------------------
// The JSON Lines path, for the choice of write path

struct JsonlComparison {
    provinces: usize,
    members: usize,
    bytes: usize,
    export: Duration,
    import: Duration,
    writer: Duration,
}

/// The provinces closest to the average size (one, or `count`), each exported from the
/// national database with `jsonl::export` and imported with `jsonl::import` into a fresh
/// database, one file per write transaction (`chibo import` of one file); and, for the same
/// provinces, the writer path of the build above into another fresh database. Both start
/// empty, so the two are timed on equal terms.
fn jsonl_comparison(store: &Store, plan: &Plan, dir: &Path, count: usize) -> JsonlComparison {
    let average = plan.communes / plan.provinces.len();
    let mut order: Vec<usize> = (0..plan.provinces.len()).collect();
    order.sort_by_key(|&i| plan.provinces[i].communes.len().abs_diff(average));
    let chosen: Vec<usize> = {
        let mut chosen = order[..count.min(order.len())].to_vec();
        chosen.sort_unstable();
        chosen
    };
    let mut out = JsonlComparison {
        provinces: chosen.len(),
        members: 0,
        bytes: 0,
        export: Duration::ZERO,
        import: Duration::ZERO,
        writer: Duration::ZERO,
    };
    let imported = Store::open(&dir.join("jsonl.redb")).expect("a fresh database");
    let reader = store.read().expect("a read transaction");
    for &i in &chosen {
        let code = &plan.provinces[i].code;
        let mut text = Vec::new();
        out.export += timed(|| {
            chibo::io::jsonl::export(&reader, Some(code), &mut text, Lang::En)
                .expect("the province exports");
        });
        out.bytes += text.len();
        out.import += timed(|| {
            let summary =
                chibo::io::jsonl::import(&imported, "province.jsonl", text.as_slice(), Lang::En)
                    .unwrap_or_else(|e| panic!("import failed: {e:?}"));
            out.members += summary.members;
        });
    }
    drop(reader);
    drop(imported);
    let _ = std::fs::remove_file(dir.join("jsonl.redb"));

    let written = Store::open(&dir.join("writer.redb")).expect("a fresh database");
    let mut ids = Ids::fresh();
    let top = national_root(&mut ids);
    write_root(&written, &top);
    for &i in &chosen {
        // The same province as exported, with the ids of this database (and so other
        // card numbers): the same records otherwise.
        let data = generate_province(&plan.provinces[i], top.id, &mut ids);
        out.writer += write_province(&written, &data);
    }
    drop(written);
    let _ = std::fs::remove_file(dir.join("writer.redb"));
    out
}

/// What the file holds: the pages in use, and each table's rows, bytes and pages.
struct Layout {
    allocated: u64,
    tables: Vec<TableLayout>,
}

struct TableLayout {
    name: &'static str,
    rows: u64,
    /// Keys and values as stored, without the B-tree's own bytes.
    stored: u64,
    /// Leaf and branch pages.
    pages: u64,
}

fn layout(db: &redb::Database) -> Layout {
    use chibo::store::tables::*;
    use redb::{ReadableDatabase, ReadableTableMetadata};
    let write = db.begin_write().expect("a write transaction");
    let stats = write.stats().expect("database stats");
    let page = stats.page_size() as u64;
    write.abort().expect("abort");
    let txn = db.begin_read().expect("a read transaction");
    let mut tables = Vec::new();
    macro_rules! measure {
        ($($name:literal => $def:expr),* $(,)?) => {$(
            let table = txn.open_table($def).expect("a table");
            let s = table.stats().expect("table stats");
            tables.push(TableLayout {
                name: $name,
                rows: table.len().expect("rows"),
                stored: s.stored_bytes(),
                pages: (s.leaf_pages() + s.branch_pages()) * page,
            });
        )*};
    }
    measure!(
        "orgs" => ORGS, "org_by_code" => ORG_BY_CODE, "org_children" => ORG_CHILDREN,
        "org_by_folded" => ORG_BY_FOLDED, "org_totals" => ORG_TOTALS, "members" => MEMBERS,
        "member_by_card" => MEMBER_BY_CARD, "org_members" => ORG_MEMBERS,
        "member_by_folded" => MEMBER_BY_FOLDED, "meetings" => MEETINGS,
        "org_meetings" => ORG_MEETINGS, "rollups" => ROLLUPS,
    );
    Layout {
        allocated: stats.allocated_pages() * page,
        tables,
    }
}

/// Compacts the file until redb finds nothing more to gain; the layout before and after,
/// and the passes.
fn compact(path: &Path) -> (Layout, Layout, usize) {
    let mut db = redb::Database::builder()
        .set_concurrency_mode(redb::ConcurrencyMode::MultiWriter)
        .open(path)
        .expect("the database opens for compaction");
    let before = layout(&db);
    let mut passes = 0;
    while db.compact().expect("compaction") {
        passes += 1;
        if passes == 10 {
            break;
        }
    }
    (before, layout(&db), passes)
}

// ---------------------------------------------------------------------------------------
// SQLite

struct Baseline {
    generate: Duration,
    load: Duration,
    index: Duration,
    bytes: u64,
    marks: usize,
}

fn kind_number(kind: MeetingKind) -> i64 {
    MeetingKind::ALL
        .iter()
        .position(|k| *k == kind)
        .expect("a kind") as i64
}

fn state_number(state: MeetingState) -> i64 {
    MeetingState::ALL
        .iter()
        .position(|s| *s == state)
        .expect("a state") as i64
}

fn mark_number(mark: Mark) -> i64 {
    Mark::ALL.iter().position(|m| *m == mark).expect("a mark") as i64
}

/// The same organisations, members (with their status history), meetings and marks in
/// SQLite, the way one would lay them out there: a row per attendance mark
/// (`WITHOUT ROWID`, keyed by meeting and member), indexes built after the load, the
/// journal and syncing off while loading, one transaction per province.
fn sqlite_build(path: &Path, plan: &Plan) -> Baseline {
    let mut conn = rusqlite::Connection::open(path).expect("a SQLite file");
    conn.execute_batch(
        "PRAGMA journal_mode = OFF;
         PRAGMA synchronous = OFF;
         PRAGMA cache_size = -262144;
         CREATE TABLE orgs (id INTEGER PRIMARY KEY, parent INTEGER, kind INTEGER NOT NULL,
                            code TEXT NOT NULL, name TEXT NOT NULL);
         CREATE TABLE members (id INTEGER PRIMARY KEY, org INTEGER NOT NULL,
                               card TEXT NOT NULL, name TEXT NOT NULL, sex INTEGER,
                               born INTEGER, admitted INTEGER, full_member INTEGER);
         CREATE TABLE member_status (member INTEGER NOT NULL, status INTEGER NOT NULL,
                                     from_day INTEGER NOT NULL, until_day INTEGER,
                                     reason TEXT);
         CREATE TABLE meetings (id INTEGER PRIMARY KEY, org INTEGER NOT NULL,
                                kind INTEGER NOT NULL, state INTEGER NOT NULL,
                                day INTEGER NOT NULL, month INTEGER NOT NULL);
         CREATE TABLE attendance (meeting INTEGER NOT NULL, member INTEGER NOT NULL,
                                  mark INTEGER NOT NULL, PRIMARY KEY (meeting, member))
                                  WITHOUT ROWID;",
    )
    .expect("the schema");
    let mut baseline = Baseline {
        generate: Duration::ZERO,
        load: Duration::ZERO,
        index: Duration::ZERO,
        bytes: 0,
        marks: 0,
    };
    let mut ids = Ids::fresh();
    let top = national_root(&mut ids);
    let day = |d: Option<NaiveDate>| d.map(day_number);
    let load = |conn: &mut rusqlite::Connection, orgs: &[OrgUnit], data: &ProvinceData| {
        let tx = conn.transaction()?;
        {
            let mut org = tx.prepare_cached("INSERT INTO orgs VALUES (?1, ?2, ?3, ?4, ?5)")?;
            for o in orgs {
                let kind = OrgKind::ALL.iter().position(|k| *k == o.kind).unwrap_or(0) as i64;
                org.execute((
                    o.id.0 as i64,
                    o.parent.map(|p| p.0 as i64),
                    kind,
                    &o.code,
                    &o.name,
                ))?;
            }
            let mut member =
                tx.prepare_cached("INSERT INTO members VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")?;
            let mut status =
                tx.prepare_cached("INSERT INTO member_status VALUES (?1, ?2, ?3, ?4, ?5)")?;
            for m in &data.members {
                let sex = m.sex.map(|s| i64::from(s == Sex::Female));
                member.execute((
                    m.id.0 as i64,
                    m.org.0 as i64,
                    &m.card,
                    &m.name,
                    sex,
                    day(m.born),
                    day(m.admitted),
                    day(m.full_member),
                ))?;
                for change in &m.history {
                    let at = MemberStatus::ALL.iter().position(|s| *s == change.status);
                    status.execute((
                        m.id.0 as i64,
                        at.unwrap_or(0) as i64,
                        day_number(change.from),
                        day(change.until),
                        change.reason.as_deref(),
                    ))?;
                }
            }
            let mut meeting =
                tx.prepare_cached("INSERT INTO meetings VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?;
            let mut mark = tx.prepare_cached("INSERT INTO attendance VALUES (?1, ?2, ?3)")?;
            for m in &data.meetings.list {
                meeting.execute((
                    m.id.0 as i64,
                    m.org.0 as i64,
                    kind_number(m.kind),
                    state_number(m.state),
                    day_number(m.date),
                    i64::from(YearMonth::of(m.date).key()),
                ))?;
                for (member, value) in &m.attendance {
                    mark.execute((m.id.0 as i64, member.0 as i64, mark_number(*value)))?;
                }
            }
        }
        tx.commit()
    };
    load(
        &mut conn,
        std::slice::from_ref(&top),
        &ProvinceData::default(),
    )
    .expect("the root");
    for p in &plan.provinces {
        let lap = Instant::now();
        let data = generate_province(p, top.id, &mut ids);
        baseline.generate += lap.elapsed();
        let lap = Instant::now();
        load(&mut conn, &data.orgs, &data).expect("a province loads");
        baseline.load += lap.elapsed();
        baseline.marks += data.meetings.marks;
    }
    baseline.index = timed(|| {
        conn.execute_batch(
            "CREATE INDEX orgs_parent ON orgs (parent);
             CREATE UNIQUE INDEX orgs_code ON orgs (code);
             CREATE INDEX members_org ON members (org);
             CREATE UNIQUE INDEX members_card ON members (card);
             CREATE INDEX member_status_member ON member_status (member);
             CREATE INDEX meetings_org_month ON meetings (org, month, kind);
             CREATE INDEX meetings_month ON meetings (month, kind);
             ANALYZE;",
        )
        .expect("the indexes");
    });
    drop(conn);
    baseline.bytes = std::fs::metadata(path).map_or(0, |m| m.len());
    baseline
}

/// Marks (present, excused, absent, exempt) at the held regular meetings of `month`
/// in the subtree of `root`, the way SQL counts them: the subtree by a recursive query,
/// its branches' meetings of the month by index, their attendance rows grouped by mark.
/// Median of `runs`.
fn sqlite_attendance(
    conn: &rusqlite::Connection,
    root: OrgId,
    month: YearMonth,
    runs: usize,
) -> ([u32; 4], Duration) {
    let sql = "WITH RECURSIVE subtree(id) AS (
                   SELECT ?1 UNION ALL SELECT o.id FROM orgs o JOIN subtree s ON o.parent = s.id)
               SELECT a.mark, count(*) FROM subtree s
               JOIN meetings m ON m.org = s.id AND m.month = ?2 AND m.kind = ?3 AND m.state = ?4
               JOIN attendance a ON a.meeting = m.id
               GROUP BY a.mark";
    let mut statement = conn.prepare(sql).expect("the query");
    let mut marks = [0u32; 4];
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            let params = (
                root.0 as i64,
                i64::from(month.key()),
                kind_number(MeetingKind::Regular),
                state_number(MeetingState::Held),
            );
            let rows = statement
                .query_map(params, |row| {
                    Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?))
                })
                .expect("the query runs");
            marks = [0; 4];
            for row in rows {
                let (mark, count) = row.expect("a row");
                marks[mark as usize] = count as u32;
            }
            started.elapsed()
        })
        .collect();
    times.sort_unstable();
    (marks, times[times.len() / 2])
}

/// Attendance rate by month over the subtree of `root`: one query for the twelve months.
/// Returns the months found and the median time of 3.
fn sqlite_trend(conn: &rusqlite::Connection, root: OrgId) -> (usize, Duration) {
    let sql = "WITH RECURSIVE subtree(id) AS (
                   SELECT ?1 UNION ALL SELECT o.id FROM orgs o JOIN subtree s ON o.parent = s.id)
               SELECT m.month, sum(a.mark = 0), sum(a.mark < 3) FROM subtree s
               JOIN meetings m ON m.org = s.id AND m.kind = ?2 AND m.state = ?3
               JOIN attendance a ON a.meeting = m.id
               GROUP BY m.month";
    let mut statement = conn.prepare(sql).expect("the query");
    let mut months = 0;
    let mut times: Vec<Duration> = (0..3)
        .map(|_| {
            timed(|| {
                let params = (
                    root.0 as i64,
                    kind_number(MeetingKind::Regular),
                    state_number(MeetingState::Held),
                );
                let rows = statement
                    .query_map(params, |row| row.get::<_, i64>(0))
                    .expect("the query runs");
                months = 0;
                for row in rows {
                    row.expect("a row");
                    months += 1;
                }
            })
        })
        .collect();
    times.sort_unstable();
    (months, times[1])
}

/// The whole country's marks of a month, without walking the tree: the month index alone.
fn sqlite_whole_month(conn: &rusqlite::Connection, month: YearMonth) -> Duration {
    let sql = "SELECT a.mark, count(*) FROM meetings m JOIN attendance a ON a.meeting = m.id
               WHERE m.month = ?1 AND m.kind = ?2 AND m.state = ?3 GROUP BY a.mark";
    let mut statement = conn.prepare(sql).expect("the query");
    let mut times: Vec<Duration> = (0..3)
        .map(|_| {
            timed(|| {
                let params = (
                    i64::from(month.key()),
                    kind_number(MeetingKind::Regular),
                    state_number(MeetingState::Held),
                );
                let rows = statement
                    .query_map(params, |row| row.get::<_, i64>(1))
                    .expect("the query runs");
                std::hint::black_box(rows.map(|r| r.expect("a row")).sum::<i64>());
            })
        })
        .collect();
    times.sort_unstable();
    times[1]
}

// ---------------------------------------------------------------------------------------
// Memory and printing

/// The peak resident set since the last reset (`VmHWM`), in bytes.
/// The whole national database exported to one JSON Lines file, then imported into a fresh
/// database by the real `chibo import`, which `chibo check` and `chibo compact` then run
/// on: each a process of its own, with its wall time and its own peak memory, as an
/// operator would run them (issue: bounded memory for check and import).
fn processes(store: &Store, plan: &Plan, dir: &Path, report: &mut Report) {
    report.section("the national file through the chibo binary, each command a process");
    let file = dir.join("national.jsonl");
    let started = Instant::now();
    {
        let out = std::io::BufWriter::new(std::fs::File::create(&file).expect("the file"));
        let reader = store.read().expect("a read transaction");
        chibo::io::jsonl::export(&reader, None, out, Lang::En).expect("the export");
    }
    let size = std::fs::metadata(&file).map_or(0, |m| m.len());
    report.row(
        "export the whole database (jsonl::export)",
        seconds(started.elapsed()),
        format!("{} MB of JSON Lines", size / 1_000_000),
    );
    report.flush();
    let db = dir.join("imported.redb");
    let members = plan.members.max(1);
    let steps: [(&str, Vec<&std::ffi::OsStr>); 3] = [
        (
            "chibo import national.jsonl",
            vec!["import".as_ref(), file.as_os_str()],
        ),
        ("chibo check", vec!["check".as_ref()]),
        ("chibo compact", vec!["compact".as_ref()]),
    ];
    for (what, args) in steps {
        let before = std::fs::metadata(&db).map_or(0, |m| m.len());
        let run = measured(&db, &args);
        let note = match what {
            "chibo import national.jsonl" => format!(
                "{} members/s, peak {}",
                thousands(rate(members, run.took)),
                mb(run.peak)
            ),
            _ => format!("peak {}", mb(run.peak)),
        };
        report.row(what, seconds(run.took), note);
        if !run.success {
            report.row("  failed", run.said.trim().to_string(), String::new());
        }
        let after = std::fs::metadata(&db).map_or(0, |m| m.len());
        if what != "chibo check" {
            report.row(
                "  database file",
                format!("{} MB → {} MB", before / 1_000_000, after / 1_000_000),
                format!("{} bytes/member", after / members as u64),
            );
        }
        report.flush();
    }
    let _ = std::fs::remove_file(&file);
    let _ = std::fs::remove_file(&db);
}

/// What one run of the chibo binary took.
struct Run {
    took: Duration,
    /// Its own peak resident memory, in bytes.
    peak: u64,
    success: bool,
    said: String,
}

/// Runs the chibo binary on `db` with `args` under `/usr/bin/time`, which reports the
/// process's own peak memory. (The peak `wait4` gives for a child of this benchmark
/// includes the benchmark's own memory, which the child shares for a moment before it
/// starts chibo; `time` is small when it starts chibo.)
fn measured(db: &Path, args: &[&std::ffi::OsStr]) -> Run {
    const PEAK: &str = "chibo peak kB:";
    let started = Instant::now();
    let output = std::process::Command::new("/usr/bin/time")
        .args(["-f", &format!("{PEAK} %M")])
        .arg(env!("CARGO_BIN_EXE_chibo"))
        .arg("--db")
        .arg(db)
        .args(["--lang", "en"])
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .output()
        .expect("/usr/bin/time runs (Debian: apt install time)");
    let took = started.elapsed();
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    let peak = said
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix(PEAK))
        .and_then(|kb| kb.trim().parse::<u64>().ok())
        .unwrap_or(0);
    Run {
        took,
        peak: peak * 1024,
        success: output.status.success(),
        said,
    }
}

fn peak_memory() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// The resident set now (`VmRSS`), in bytes.
fn resident_memory() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Starts a new peak: writing 5 to `clear_refs` resets `VmHWM` to the current RSS.
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The report, printed a section at a time as the benchmark goes on.
struct Report {
    out: String,
}

impl Report {
    fn new() -> Report {
        Report { out: String::new() }
    }

    fn title(&mut self, text: String) {
        let _ = writeln!(self.out, "{text}");
        self.flush();
    }

    fn section(&mut self, name: &str) {
        let _ = writeln!(self.out, "\n{name}\n{:-<118}", "");
    }

    fn row(&mut self, what: &str, result: String, note: String) {
        let _ = writeln!(self.out, "{what:<66} {result:<30} {note}");
    }

    fn flush(&mut self) {
        print!("{}", std::mem::take(&mut self.out));
    }
}

fn timed(f: impl FnOnce()) -> Duration {
    let started = Instant::now();
    f();
    started.elapsed()
}

fn rate(n: usize, d: Duration) -> usize {
    (n as f64 / d.as_secs_f64().max(1e-9)) as usize
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
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn mb(bytes: u64) -> String {
    format!("{} MB", bytes / 1_000_000)
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
