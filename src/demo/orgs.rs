//! The organisations of the demo: two real provinces with a handful of their real communes
//! (from `data/demo-communes.json`, an extract of the 2025 list of administrative units) and
//! the branches of each commune.
//!
//! The tree has the shape it has had since 1 July 2025: commune and ward committees report
//! straight to the provincial committee. The district committees the source articles speak
//! of (Hạ Long, Bình Liêu, Tứ Kỳ) are kept as dissolved nodes for history, with the meeting
//! day they had fixed; the communes that took over their area kept that day, so the rule now
//! sits on those commune committees and their branches inherit it. Codes are stable: a ward
//! coded under Hạ Long (`QN.HL.HG`) keeps its code after Hạ Long is gone.

use chrono::{NaiveDate, Weekday};
use serde::Deserialize;

use super::names::NameStyle;
use super::rng::Rng;
use crate::domain::schedule;
use crate::domain::{BranchType, OrgKind, ScheduleRule};

/// The real communes the demo is built from, with their official codes and names.
const COMMUNES_JSON: &str = include_str!("../../data/demo-communes.json");

/// The day the district level was abolished.
const DISTRICTS_ABOLISHED: (i32, u32, u32) = (2025, 7, 1);

/// Official codes of the communes the source articles describe, each given its own shape.
const HONG_GAI: u32 = 6685;
const BINH_LIEU: u32 = 6838;
const TU_KY: u32 = 11074;
/// Communes that took over the rest of the former Tứ Kỳ district and kept its meeting day.
const TU_KY_SUCCESSORS: &[u32] = &[11113, 11146];

#[derive(Debug, Deserialize)]
struct Province {
    code: u32,
    name: String,
    #[serde(rename = "type")]
    kind: String,
    communes: Vec<Commune>,
}

#[derive(Debug, Deserialize)]
struct Commune {
    code: u32,
    name: String,
    #[serde(rename = "type")]
    kind: String,
}

/// One organisation as the demo writes it.
#[derive(Debug, Clone)]
pub(super) struct Org {
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    pub parent: Option<String>,
    pub branch_type: Option<BranchType>,
    pub rule: Option<ScheduleRule>,
    pub grace: Option<u8>,
    pub founded: Option<NaiveDate>,
    pub dissolved: Option<NaiveDate>,
    /// Set on branches and grassroots branches: how to fill them.
    pub branch: Option<BranchPlan>,
    /// Set on commune committees: how many seats their committee has.
    pub committee: Option<CommitteePlan>,
}

/// How one branch is populated and how it keeps its meeting discipline.
#[derive(Debug, Clone)]
pub(super) struct BranchPlan {
    pub size: usize,
    pub exempt: Exemption,
    pub cells: usize,
    pub population: Population,
    pub style: NameStyle,
    /// The first two digits of the party card numbers issued here.
    pub card_prefix: u32,
    pub discipline: Discipline,
    /// Where the branch meets, for the minutes.
    pub venue: String,
    /// The committee whose members oversee this branch, if any.
    pub overseen_by: Option<String>,
    /// Members here may sit on the committee above (the commune's agencies and forces).
    pub seats_committee: bool,
}

/// Exemption from meetings (miễn sinh hoạt) in a branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Exemption {
    /// Exactly this many, and the roll kept free of any other change (a figure from the press).
    Exactly(usize),
    /// The very old, and now and then someone in poor health.
    ByAge,
    /// Working people: nobody is exempt.
    None,
}

/// Who the members are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Population {
    /// Residents of a quarter or village: many retired, many old.
    Residents,
    /// Staff of a school, an agency, a force or a firm, with this share of women.
    Staff { women: f64 },
}

/// How reliably a branch meets on its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Discipline {
    Exemplary,
    Ordinary,
    Lax,
}

/// The committee of a commune or ward.
#[derive(Debug, Clone)]
pub(super) struct CommitteePlan {
    pub seats: usize,
    /// "phường", "xã" or "đặc khu", for titles such as "Phó Bí thư Đảng ủy phường".
    pub place_word: String,
}

/// Every organisation of the demo, parents before children.
pub(super) fn plan(seed: u64) -> Vec<Org> {
    let provinces: Vec<Province> =
        serde_json::from_str(COMMUNES_JSON).expect("data/demo-communes.json is valid");
    let mut orgs = Vec::new();
    for province in &provinces {
        let Some((prefix, card_prefix)) = province_prefix(province.code) else {
            continue;
        };
        orgs.push(province_committee(province, prefix));
        orgs.extend(historical_districts(prefix));
        if prefix == "QN" {
            orgs.extend(agencies_bloc(prefix, card_prefix));
        }
        for commune in &province.communes {
            let mut rng = Rng::for_key(seed, &commune.code.to_string());
            orgs.extend(commune_tree(&mut rng, prefix, card_prefix, commune));
        }
    }
    orgs
}

/// The code prefix and party card prefix of the provinces the demo knows.
fn province_prefix(code: u32) -> Option<(&'static str, u32)> {
    match code {
        22 => Some(("QN", 48)),
        31 => Some(("HP", 31)),
        _ => None,
    }
}

fn province_committee(province: &Province, prefix: &str) -> Org {
    // "Quảng Ninh" (tỉnh) → Tỉnh ủy Quảng Ninh; "Thành phố Hải Phòng" → Thành ủy Hải Phòng.
    let name = match province.kind.as_str() {
        "tỉnh" => format!("Tỉnh ủy {}", province.name),
        _ => format!(
            "Thành ủy {}",
            province
                .name
                .strip_prefix("Thành phố ")
                .unwrap_or(&province.name)
        ),
    };
    Org::node(prefix, &name, OrgKind::ProvincialCommittee, None)
}

fn districts_abolished() -> NaiveDate {
    let (y, m, d) = DISTRICTS_ABOLISHED;
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

/// The district committees of the articles, dissolved with the district level.
fn historical_districts(prefix: &str) -> Vec<Org> {
    let dissolved = Some(districts_abolished());
    let district = |code: &str, name: &str, rule: Option<ScheduleRule>, grace: Option<u8>| Org {
        rule,
        grace,
        dissolved,
        ..Org::node(code, name, OrgKind::DistrictCommittee, Some(prefix))
    };
    match prefix {
        "QN" => vec![
            district("QN.HL", "Thành ủy Hạ Long", None, None),
            district(
                "QN.BL",
                "Huyện ủy Bình Liêu",
                Some(ScheduleRule::DayOfMonth(3)),
                None,
            ),
        ],
        "HP" => vec![district(
            "HP.TK",
            "Huyện ủy Tứ Kỳ",
            Some(ScheduleRule::DayOfMonth(7)),
            Some(2),
        )],
        _ => Vec::new(),
    }
}

/// The bloc of the province's party agencies, with two agency branches reporting straight to it.
fn agencies_bloc(prefix: &str, card_prefix: u32) -> Vec<Org> {
    let bloc = format!("{prefix}.CQD");
    let staff = |code: &str, name: &str, size: usize| {
        Org::branch(
            &format!("{bloc}.{code}"),
            name,
            OrgKind::GrassrootsBranch,
            &bloc,
            BranchType::Agency,
            BranchPlan {
                discipline: Discipline::Exemplary,
                venue: "phòng họp cơ quan".into(),
                ..BranchPlan::staff(size, 0.45, card_prefix)
            },
        )
    };
    vec![
        Org {
            rule: Some(ScheduleRule::NthWeekday {
                n: 1,
                weekday: Weekday::Mon,
            }),
            ..Org::node(
                &bloc,
                "Đảng ủy các cơ quan Đảng tỉnh",
                OrgKind::BlocCommittee,
                Some(prefix),
            )
        },
        staff("BTC", "Chi bộ Ban Tổ chức Tỉnh ủy", 21),
        staff("UBKT", "Chi bộ Ủy ban Kiểm tra Tỉnh ủy", 17),
    ]
}

/// A commune or ward committee and its branches.
fn commune_tree(rng: &mut Rng, prefix: &str, card_prefix: u32, commune: &Commune) -> Vec<Org> {
    let place = commune.kind.as_str();
    let proper = proper_name(&commune.name, place);
    let code = match commune.code {
        HONG_GAI => format!("{prefix}.HL.HG"),
        BINH_LIEU => format!("{prefix}.BL.BL"),
        TU_KY => format!("{prefix}.TK.TK"),
        other => format!("{prefix}.{other:05}"),
    };
    let keeps_tu_ky_day = commune.code == TU_KY || TU_KY_SUCCESSORS.contains(&commune.code);
    // The press gives the 3rd for Bình Liêu and the 7th for Tứ Kỳ; for Hồng Gai it names no
    // day, and for other communes the day is the demo's own choice.
    let (rule, grace) = match commune.code {
        HONG_GAI => (ScheduleRule::DayOfMonth(5), None),
        BINH_LIEU => (ScheduleRule::DayOfMonth(3), None),
        _ if keeps_tu_ky_day => (ScheduleRule::DayOfMonth(7), Some(2)),
        _ => (ScheduleRule::DayOfMonth(*rng.pick(&[5, 8, 10, 15])), None),
    };
    let seats = match commune.code {
        HONG_GAI => 13,
        BINH_LIEU | TU_KY => 11,
        _ => 7,
    };
    let committee = Org {
        rule: Some(rule),
        grace,
        committee: Some(CommitteePlan {
            seats,
            place_word: place.to_string(),
        }),
        ..Org::node(
            &code,
            &format!("Đảng ủy {place} {proper}"),
            OrgKind::GrassrootsCommittee,
            Some(prefix),
        )
    };
    let context = CommuneContext {
        code: &code,
        prefix,
        card_prefix,
        place,
        proper,
        style: if commune.code == BINH_LIEU {
            NameStyle::Upland
        } else {
            NameStyle::Lowland
        },
        schools_first_thursday: keeps_tu_ky_day,
    };
    let branches = match commune.code {
        HONG_GAI => hong_gai_branches(&context),
        BINH_LIEU => binh_lieu_branches(rng, &context),
        TU_KY => tu_ky_branches(rng, &context),
        _ => ordinary_branches(rng, &context),
    };
    std::iter::once(committee).chain(branches).collect()
}

/// The commune's name without its type word: "Phường Hồng Gai" → "Hồng Gai".
fn proper_name<'a>(name: &'a str, place: &str) -> &'a str {
    let type_chars = place.chars().count();
    let typed = name
        .chars()
        .take(type_chars)
        .flat_map(char::to_lowercase)
        .eq(place.chars());
    match name.char_indices().nth(type_chars + 1) {
        Some((at, _)) if typed => &name[at..],
        _ => name,
    }
}

/// What every branch of one commune shares.
struct CommuneContext<'a> {
    code: &'a str,
    prefix: &'a str,
    card_prefix: u32,
    /// "phường", "xã", "đặc khu".
    place: &'a str,
    /// The commune's name without its type: "Hồng Gai".
    proper: &'a str,
    style: NameStyle,
    /// Tứ Kỳ's rule: school branches meet on the first Thursday.
    schools_first_thursday: bool,
}

impl CommuneContext<'_> {
    /// A residential branch: "Chi bộ khu 2" in Quảng Ninh's towns, "Chi bộ tổ dân phố 2" in
    /// Hải Phòng's wards, "Chi bộ thôn 2" in the countryside.
    fn residential(&self, n: usize, size: usize, discipline: Discipline) -> Org {
        let (code_part, unit) = match (self.place, self.prefix) {
            ("xã", _) => ("TH", "thôn"),
            (_, "HP") => ("TDP", "tổ dân phố"),
            _ => ("K", "khu"),
        };
        Org::branch(
            &format!("{}.{code_part}{n}", self.code),
            &format!("Chi bộ {unit} {n}"),
            OrgKind::Branch,
            self.code,
            BranchType::Residential,
            BranchPlan {
                discipline,
                venue: format!("nhà văn hóa {unit} {n}"),
                ..BranchPlan::residents(size, self.style, self.card_prefix, self.code)
            },
        )
    }

    /// A branch of the commune's party agency, people's committee, police or military.
    fn agency(&self, code: &str, name: &str, size: usize, forces: bool) -> Org {
        let women = if forces { 0.1 } else { 0.45 };
        let venue = if forces {
            format!(
                "hội trường {}",
                name.trim_start_matches("Chi bộ ").to_lowercase()
            )
        } else {
            "phòng họp cơ quan".to_string()
        };
        Org::branch(
            &format!("{}.{code}", self.code),
            name,
            OrgKind::Branch,
            self.code,
            if forces {
                BranchType::ArmedForces
            } else {
                BranchType::Agency
            },
            BranchPlan {
                seats_committee: true,
                venue,
                style: self.style,
                overseen_by: Some(self.code.to_string()),
                ..BranchPlan::staff(size, women, self.card_prefix)
            },
        )
    }

    fn party_agency(&self, size: usize) -> Org {
        self.agency(
            "CQ",
            &format!("Chi bộ cơ quan Đảng ủy {}", self.place),
            size,
            false,
        )
    }

    fn police(&self, size: usize) -> Org {
        self.agency("CA", &format!("Chi bộ Công an {}", self.place), size, true)
    }

    /// A school branch; in the former Tứ Kỳ district it meets on the first Thursday.
    fn school(&self, code: &str, school: &str, size: usize) -> Org {
        let org = Org::branch(
            &format!("{}.{code}", self.code),
            &format!("Chi bộ Trường {school} {}", self.proper),
            OrgKind::Branch,
            self.code,
            BranchType::School,
            BranchPlan {
                venue: "phòng họp nhà trường".into(),
                style: self.style,
                overseen_by: Some(self.code.to_string()),
                ..BranchPlan::staff(size, 0.75, self.card_prefix)
            },
        );
        Org {
            rule: self
                .schools_first_thursday
                .then_some(ScheduleRule::NthWeekday {
                    n: 1,
                    weekday: Weekday::Thu,
                }),
            ..org
        }
    }
}

/// Hồng Gai ward: Quarter 2 as the press describes it (8 cells, 92 members, 22 exempt), seven
/// more quarters, the ward's agencies and forces, and two schools.
fn hong_gai_branches(c: &CommuneContext) -> Vec<Org> {
    let quarters = [
        (1, 46, 0, Discipline::Ordinary),
        (2, 92, 8, Discipline::Exemplary),
        (3, 58, 0, Discipline::Ordinary),
        (4, 41, 0, Discipline::Ordinary),
        (5, 63, 4, Discipline::Ordinary),
        (6, 37, 0, Discipline::Ordinary),
        (7, 44, 0, Discipline::Ordinary),
        (8, 29, 0, Discipline::Lax),
    ];
    let mut out = Vec::new();
    for (n, size, cells, discipline) in quarters {
        let mut quarter = c.residential(n, size, discipline);
        if let Some(plan) = quarter.branch.as_mut() {
            plan.cells = cells;
            if n == 2 {
                plan.exempt = Exemption::Exactly(22);
            }
        }
        out.push(quarter);
    }
    out.push(c.party_agency(16));
    out.push(c.agency("UB", "Chi bộ Ủy ban nhân dân phường", 24, false));
    out.push(c.police(28));
    out.push(c.agency("QS", "Chi bộ Quân sự phường", 7, true));
    out.push(c.school("TH", "Tiểu học", 13));
    out.push(c.school("THCS", "THCS", 12));
    out
}

/// Bình Liêu: upland villages meeting on the 3rd, as the former district fixed it.
fn binh_lieu_branches(rng: &mut Rng, c: &CommuneContext) -> Vec<Org> {
    let mut out: Vec<Org> = (1..=6)
        .map(|n| {
            let discipline = if n == 5 {
                Discipline::Lax
            } else {
                Discipline::Ordinary
            };
            c.residential(n, rng.between(18, 34) as usize, discipline)
        })
        .collect();
    out.push(c.party_agency(14));
    out.push(c.police(12));
    out.push(c.school("THCS", "THCS", 11));
    out
}

/// Tứ Kỳ: villages on the 7th, three schools on the first Thursday, the commune's agencies,
/// and a branch in a garment firm founded during the demo year (the district ran the
/// province's first admission class for private-sector workers).
fn tu_ky_branches(rng: &mut Rng, c: &CommuneContext) -> Vec<Org> {
    let mut out: Vec<Org> = (1..=8)
        .map(|n| {
            let discipline = if n == 6 {
                Discipline::Lax
            } else {
                Discipline::Ordinary
            };
            c.residential(n, rng.between(20, 40) as usize, discipline)
        })
        .collect();
    out.push(c.school("MN", "Mầm non", 9));
    out.push(c.school("TH", "Tiểu học", 12));
    out.push(c.school("THCS", "THCS", 14));
    out.push(c.party_agency(18));
    out.push(c.police(15));
    out.push(c.agency("QS", "Chi bộ Quân sự xã", 8, true));
    out.push(Org::branch(
        &format!("{}.DN", c.code),
        "Chi bộ Công ty TNHH may mặc Tứ Kỳ",
        OrgKind::Branch,
        c.code,
        BranchType::Enterprise,
        BranchPlan {
            venue: "phòng họp công ty".into(),
            overseen_by: Some(c.code.to_string()),
            ..BranchPlan::staff(11, 0.6, c.card_prefix)
        },
    ));
    out
}

/// Any other commune: a few residential branches, the party agency, the police and sometimes
/// a primary school.
fn ordinary_branches(rng: &mut Rng, c: &CommuneContext) -> Vec<Org> {
    let quarters = rng.between(2, 3) as usize;
    let mut out: Vec<Org> = (1..=quarters)
        .map(|n| {
            let discipline = *rng.pick_weighted(&[
                (Discipline::Exemplary, 2),
                (Discipline::Ordinary, 7),
                (Discipline::Lax, 1),
            ]);
            c.residential(n, rng.between(12, 30) as usize, discipline)
        })
        .collect();
    out.push(c.party_agency(rng.between(9, 14) as usize));
    out.push(c.police(rng.between(8, 14) as usize));
    if c.schools_first_thursday || rng.chance(0.5) {
        out.push(c.school("TH", "Tiểu học", rng.between(8, 12) as usize));
    }
    out
}

impl Org {
    /// A committee or other node that holds no members itself.
    fn node(code: &str, name: &str, kind: OrgKind, parent: Option<&str>) -> Org {
        Org {
            code: code.to_string(),
            name: name.to_string(),
            kind,
            parent: parent.map(str::to_string),
            branch_type: None,
            rule: None,
            grace: None,
            founded: None,
            dissolved: None,
            branch: None,
            committee: None,
        }
    }

    fn branch(
        code: &str,
        name: &str,
        kind: OrgKind,
        parent: &str,
        branch_type: BranchType,
        plan: BranchPlan,
    ) -> Org {
        Org {
            branch_type: Some(branch_type),
            branch: Some(plan),
            ..Org::node(code, name, kind, Some(parent))
        }
    }

    /// A cell (tổ đảng) of this branch.
    pub fn cell(&self, n: usize) -> Org {
        Org::node(
            &self.cell_code(n),
            &format!("Tổ đảng {n}"),
            OrgKind::Cell,
            Some(&self.code),
        )
    }

    pub fn cell_code(&self, n: usize) -> String {
        format!("{}.T{n}", self.code)
    }

    /// Whether the organisation existed through the whole of a month starting on `first`.
    pub fn exists_in_month(&self, first: NaiveDate, last: NaiveDate) -> bool {
        self.founded.is_none_or(|f| f <= first) && self.dissolved.is_none_or(|d| last < d)
    }
}

impl BranchPlan {
    fn residents(size: usize, style: NameStyle, card_prefix: u32, committee: &str) -> BranchPlan {
        BranchPlan {
            size,
            exempt: Exemption::ByAge,
            cells: 0,
            population: Population::Residents,
            style,
            card_prefix,
            discipline: Discipline::Ordinary,
            venue: String::new(),
            overseen_by: Some(committee.to_string()),
            seats_committee: false,
        }
    }

    fn staff(size: usize, women: f64, card_prefix: u32) -> BranchPlan {
        BranchPlan {
            size,
            exempt: Exemption::None,
            cells: 0,
            population: Population::Staff { women },
            style: NameStyle::Lowland,
            card_prefix,
            discipline: Discipline::Ordinary,
            venue: String::new(),
            overseen_by: None,
            seats_committee: false,
        }
    }
}

/// The meeting rule and grace days in force for `code`: its own, else the nearest
/// ancestor's, the way the store resolves them.
pub(super) fn effective_schedule(orgs: &[Org], code: &str) -> (Option<ScheduleRule>, u8) {
    let mut chain = Vec::new();
    let mut next = orgs.iter().find(|o| o.code == code);
    while let Some(org) = next {
        chain.push((org.rule, org.grace));
        next = org
            .parent
            .as_deref()
            .and_then(|p| orgs.iter().find(|o| o.code == p));
    }
    schedule::effective(chain)
}

/// Marks the firm's branch as founded on `first_of_new` (the first day of a month inside the
/// demo year), so the demo shows a branch that was not yet due in the first months.
pub(super) fn found_new_branches(orgs: &mut [Org], first_of_new: NaiveDate) {
    for org in orgs.iter_mut() {
        if org.branch_type == Some(BranchType::Enterprise) {
            org.founded = Some(first_of_new);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extract_names_real_communes_of_both_provinces() {
        let orgs = plan(1);
        let names: Vec<&str> = orgs.iter().map(|o| o.name.as_str()).collect();
        for expected in [
            "Tỉnh ủy Quảng Ninh",
            "Thành ủy Hải Phòng",
            "Đảng ủy phường Hồng Gai",
            "Đảng ủy xã Bình Liêu",
            "Đảng ủy xã Tứ Kỳ",
            "Đảng ủy đặc khu Vân Đồn",
            "Chi bộ khu 2",
            "Chi bộ Trường THCS Tứ Kỳ",
        ] {
            assert!(names.contains(&expected), "{expected} missing");
        }
    }

    #[test]
    fn proper_names_drop_the_type_word() {
        assert_eq!(proper_name("Phường Hồng Gai", "phường"), "Hồng Gai");
        assert_eq!(proper_name("Đặc khu Vân Đồn", "đặc khu"), "Vân Đồn");
        assert_eq!(proper_name("Xã Tứ Kỳ", "xã"), "Tứ Kỳ");
        assert_eq!(proper_name("Hồng Gai", "phường"), "Hồng Gai");
    }

    #[test]
    fn parents_come_before_children_and_codes_are_unique() {
        let orgs = plan(1);
        let mut seen = std::collections::BTreeSet::new();
        for org in &orgs {
            if let Some(parent) = &org.parent {
                assert!(seen.contains(parent), "{} before its parent", org.code);
            }
            assert!(seen.insert(org.code.clone()), "{} twice", org.code);
        }
    }

    #[test]
    fn tu_ky_schools_meet_on_the_first_thursday_and_villages_on_the_seventh() {
        let orgs = plan(1);
        let thursday = ScheduleRule::NthWeekday {
            n: 1,
            weekday: Weekday::Thu,
        };
        assert_eq!(
            effective_schedule(&orgs, "HP.TK.TK.THCS"),
            (Some(thursday), 2)
        );
        assert_eq!(
            effective_schedule(&orgs, "HP.TK.TK.TH1"),
            (Some(ScheduleRule::DayOfMonth(7)), 2)
        );
        assert_eq!(
            effective_schedule(&orgs, "QN.BL.BL.TH1").0,
            Some(ScheduleRule::DayOfMonth(3))
        );
    }

    #[test]
    fn every_branch_has_a_meeting_rule() {
        let orgs = plan(1);
        for org in orgs.iter().filter(|o| o.branch.is_some()) {
            assert!(
                effective_schedule(&orgs, &org.code).0.is_some(),
                "{}",
                org.code
            );
        }
    }
}
