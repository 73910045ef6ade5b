//! A national-shaped file of JSON Lines, built in memory: the 34 provinces with their real
//! number of commune-level units, branches of about 20 members under them, members with
//! real-looking Vietnamese names. The scale bench imports it into an empty database; the
//! meeting-evening mode of the SSH bench imports it into a served one.

use std::fmt::Write as _;

use chibo::demo::names::{NameStyle, full_name};
use chibo::demo::rng::Rng;
use chibo::domain::Sex;

/// The 34 provinces and centrally-run cities since July 2025, with their official codes and
/// how many commune-level units each has (3,321 in all).
pub const PROVINCES: &[(u32, &str, usize)] = &[
    (1, "Thành ủy Hà Nội", 126),
    (4, "Tỉnh ủy Cao Bằng", 56),
    (8, "Tỉnh ủy Tuyên Quang", 124),
    (11, "Tỉnh ủy Điện Biên", 45),
    (12, "Tỉnh ủy Lai Châu", 38),
    (14, "Tỉnh ủy Sơn La", 75),
    (15, "Tỉnh ủy Lào Cai", 99),
    (19, "Tỉnh ủy Thái Nguyên", 92),
    (20, "Tỉnh ủy Lạng Sơn", 65),
    (22, "Tỉnh ủy Quảng Ninh", 54),
    (24, "Tỉnh ủy Bắc Ninh", 99),
    (25, "Tỉnh ủy Phú Thọ", 148),
    (31, "Thành ủy Hải Phòng", 114),
    (33, "Tỉnh ủy Hưng Yên", 104),
    (37, "Tỉnh ủy Ninh Bình", 129),
    (38, "Tỉnh ủy Thanh Hóa", 166),
    (40, "Tỉnh ủy Nghệ An", 130),
    (42, "Tỉnh ủy Hà Tĩnh", 69),
    (44, "Tỉnh ủy Quảng Trị", 78),
    (46, "Thành ủy Huế", 40),
    (48, "Thành ủy Đà Nẵng", 94),
    (51, "Tỉnh ủy Quảng Ngãi", 96),
    (52, "Tỉnh ủy Gia Lai", 135),
    (56, "Tỉnh ủy Khánh Hòa", 65),
    (66, "Tỉnh ủy Đắk Lắk", 102),
    (68, "Tỉnh ủy Lâm Đồng", 124),
    (75, "Tỉnh ủy Đồng Nai", 95),
    (79, "Thành ủy Thành phố Hồ Chí Minh", 168),
    (80, "Tỉnh ủy Tây Ninh", 96),
    (82, "Tỉnh ủy Đồng Tháp", 102),
    (86, "Tỉnh ủy Vĩnh Long", 124),
    (91, "Tỉnh ủy An Giang", 102),
    (92, "Thành ủy Cần Thơ", 103),
    (96, "Tỉnh ủy Cà Mau", 64),
];

/// Syllables of Vietnamese place names ("Tân Phú", "Vĩnh Lạc"), for commune names that collate
/// and fold like real ones.
const PLACE_SYLLABLES: &[&str] = &[
    "An", "Bình", "Hòa", "Phú", "Tân", "Thành", "Hưng", "Long", "Xuân", "Đông", "Tây", "Nam",
    "Bắc", "Hải", "Sơn", "Quang", "Minh", "Phúc", "Lộc", "Thịnh", "Yên", "Lạc", "Vĩnh", "Trung",
    "Hồng", "Kim", "Ngọc", "Thạch", "Đại", "Cẩm", "Mỹ", "Thuận", "Định", "Đức", "Tiến", "Lợi",
];

pub const SEED: u64 = 0x7363_616c_655f_3031;

/// The generated file and what the readers need to find things in it.
pub struct Data {
    pub text: String,
    pub branch_codes: Vec<String>,
    pub communes: usize,
    /// Every member's card, name and branch number, for the redb floor.
    pub people: Vec<(String, String, u64)>,
}

pub fn province_code(code: u32) -> String {
    format!("{code:02}")
}

/// Branches of 10 to 30 members (about 20), spread evenly over the communes in province
/// order; members get real-looking names and dates, and party card numbers in no
/// particular order: eight digits after `card_prefix`, so that a file meant for a database
/// that already holds members can keep clear of their cards.
pub fn generate(members: usize, card_prefix: &str) -> Data {
    let mut rng = Rng::new(SEED);
    let mut sizes = Vec::new();
    let mut left = members;
    while left > 0 {
        let size = (rng.between(10, 30) as usize).min(left);
        sizes.push(size);
        left -= size;
    }
    let communes: usize = PROVINCES.iter().map(|p| p.2).sum();
    let mut text = String::with_capacity(members * 220 + sizes.len() * 120);
    let mut branch_codes = Vec::with_capacity(sizes.len());
    let mut people = Vec::with_capacity(members);
    let mut commune_index = 0;
    let mut member_index = 0;
    for &(code, name, count) in PROVINCES {
        let province = province_code(code);
        org_line(&mut text, &province, name, "provincial_committee", None);
        for c in 0..count {
            let commune = format!("{province}.{c:04}");
            let commune_name = format!(
                "Đảng ủy xã {} {}",
                rng.pick(PLACE_SYLLABLES),
                rng.pick(PLACE_SYLLABLES)
            );
            org_line(
                &mut text,
                &commune,
                &commune_name,
                "grassroots_committee",
                Some(&province),
            );
            // Branches `first..last` of the whole list belong to this commune.
            let first = commune_index * sizes.len() / communes;
            let last = (commune_index + 1) * sizes.len() / communes;
            commune_index += 1;
            for (b, &size) in sizes[first..last].iter().enumerate() {
                let branch = format!("{commune}.{:03}", b + 1);
                org_line(
                    &mut text,
                    &branch,
                    &format!("Chi bộ thôn {}", b + 1),
                    "branch",
                    Some(&commune),
                );
                for _ in 0..size {
                    let (card, name) =
                        member_lines(&mut text, &mut rng, card_prefix, member_index, &branch);
                    people.push((card, name, branch_codes.len() as u64 + 1));
                    member_index += 1;
                }
                branch_codes.push(branch);
            }
        }
    }
    assert_eq!(member_index, members);
    Data {
        text,
        branch_codes,
        communes,
        people,
    }
}

fn org_line(out: &mut String, code: &str, name: &str, kind: &str, parent: Option<&str>) {
    let parent = parent.map_or("null".to_string(), |p| format!("\"{p}\""));
    let _ = writeln!(
        out,
        r#"{{"type":"org","code":"{code}","name":"{name}","kind":"{kind}","parent":{parent}}}"#
    );
}

/// A member, and for about one in twelve (the old) an exemption from meetings. Returns the
/// card and the name.
fn member_lines(
    out: &mut String,
    rng: &mut Rng,
    card_prefix: &str,
    index: usize,
    branch: &str,
) -> (String, String) {
    // Multiplying by a number prime to 10^8 permutes the 8-digit cards: unique, unordered.
    let card = format!(
        "{card_prefix}{:08}",
        (index as u64 * 48_271 + 12_345) % 100_000_000
    );
    let sex = if rng.chance(0.4) {
        Sex::Female
    } else {
        Sex::Male
    };
    let born_year = rng.between(1935, 2004) as i32;
    let name = full_name(rng, sex, born_year, NameStyle::Lowland);
    let (month, day) = (rng.between(1, 12), rng.between(1, 28));
    // Admitted between 18 and 40, and no later than 2024, so everyone is a full member.
    let admitted_year = born_year + rng.between(18, (2024 - born_year).min(40) as i64) as i32;
    let _ = writeln!(
        out,
        r#"{{"type":"member","card":"{card}","name":"{name}","sex":"{}","born":"{born_year}-{month:02}-{day:02}","admitted":"{admitted_year}-{month:02}-{day:02}","full_member":"{}-{month:02}-{day:02}","org":"{branch}"}}"#,
        sex.as_str(),
        admitted_year + 1,
    );
    if born_year < 1950 && rng.chance(0.6) {
        let _ = writeln!(
            out,
            r#"{{"type":"member_status","card":"{card}","status":"exempt","from":"{}-01-01","reason":"tuổi cao"}}"#,
            born_year + 75
        );
    }
    (card, name)
}
