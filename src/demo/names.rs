//! Vietnamese personal names from real name parts: family name first, then one or two middle
//! names, then the given name ("Phạm Ngọc Đường", "Nguyễn Thị Hải Yến"). The middle names
//! "Thị" and "Văn" always agree with the person's sex, as they do in life.

use super::rng::Rng;
use crate::domain::Sex;

/// Which family names are common where the person lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameStyle {
    /// The Kinh majority of the delta and the coast.
    Lowland,
    /// Upland Quảng Ninh (Bình Liêu): Tày, Dao and Sán Chỉ families beside Kinh ones.
    Upland,
}

/// Family names of northern Vietnam, weighted roughly by how often they occur there.
const LOWLAND_FAMILIES: &[(&str, u32)] = &[
    ("Nguyễn", 340),
    ("Trần", 100),
    ("Lê", 80),
    ("Phạm", 80),
    ("Vũ", 60),
    ("Hoàng", 50),
    ("Đỗ", 40),
    ("Bùi", 40),
    ("Phan", 30),
    ("Đặng", 30),
    ("Ngô", 20),
    ("Đinh", 20),
    ("Đào", 20),
    ("Dương", 20),
    ("Lương", 10),
    ("Mai", 10),
    ("Trịnh", 10),
    ("Cao", 10),
    ("Hà", 10),
    ("Lý", 10),
    ("Hồ", 10),
    ("Võ", 8),
    ("Huỳnh", 5),
    ("Đoàn", 10),
    ("Tạ", 5),
];

const UPLAND_FAMILIES: &[(&str, u32)] = &[
    ("Hoàng", 140),
    ("Lý", 100),
    ("Nông", 80),
    ("Vi", 60),
    ("Đặng", 60),
    ("Triệu", 50),
    ("Lục", 40),
    ("Chíu", 30),
    ("Voòng", 30),
    ("Tằng", 30),
    ("Lỷ", 30),
    ("Phùn", 20),
    ("La", 20),
    ("Nguyễn", 60),
    ("Trần", 20),
];

/// Men's middle names; "Văn" dominates among older men and is still the most common.
const MALE_MIDDLE: &[(&str, u32)] = &[
    ("Văn", 400),
    ("Đức", 60),
    ("Minh", 50),
    ("Quang", 40),
    ("Hữu", 40),
    ("Ngọc", 30),
    ("Xuân", 30),
    ("Thanh", 30),
    ("Mạnh", 25),
    ("Tiến", 20),
    ("Công", 30),
    ("Duy", 20),
    ("Trọng", 20),
    ("Đình", 30),
    ("Quốc", 20),
    ("Bá", 15),
    ("Huy", 15),
    ("Việt", 15),
    ("Anh", 15),
    ("Hồng", 10),
];

/// Women's middle names other than "Thị", which is chosen separately.
const FEMALE_MIDDLE: &[(&str, u32)] = &[
    ("Thu", 40),
    ("Ngọc", 40),
    ("Thanh", 40),
    ("Minh", 30),
    ("Thùy", 30),
    ("Phương", 25),
    ("Hồng", 30),
    ("Bích", 20),
    ("Kim", 25),
    ("Hải", 20),
    ("Mai", 15),
    ("Diệu", 10),
    ("Khánh", 10),
    ("Lan", 10),
];

const MALE_GIVEN: &[&str] = &[
    "Hùng",
    "Dũng",
    "Cường",
    "Tuấn",
    "Minh",
    "Hải",
    "Nam",
    "Sơn",
    "Thắng",
    "Long",
    "Quân",
    "Trung",
    "Thành",
    "Bình",
    "Hòa",
    "Phong",
    "Khánh",
    "Huy",
    "Đức",
    "Tùng",
    "Kiên",
    "Toàn",
    "Thịnh",
    "Quang",
    "Hiếu",
    "Việt",
    "Đường",
    "Thước",
    "Hưng",
    "Lâm",
    "Tâm",
    "Tiến",
    "Vinh",
    "Hoàn",
    "Chiến",
    "Lợi",
    "Thanh",
    "Tài",
    "Nghĩa",
    "Đạt",
    "Hiển",
    "Lộc",
    "Phúc",
    "Tú",
    "Quý",
    "Bảo",
    "Khoa",
    "Duy",
    "Thái",
    "Hậu",
    "Công",
    "Định",
    "Thuận",
    "Sáng",
    "Tuyến",
    "Điệp",
    "Trường",
];

const FEMALE_GIVEN: &[&str] = &[
    "Lan", "Hương", "Hoa", "Hằng", "Mai", "Linh", "Thảo", "Yến", "Trang", "Hà", "Nga", "Phương",
    "Thủy", "Hạnh", "Huyền", "Loan", "Dung", "Nhung", "Oanh", "Thoa", "Liên", "Ngân", "Vân",
    "Quỳnh", "Hiền", "Tuyết", "Xuân", "Hồng", "Lý", "Nhàn", "Thúy", "Chi", "Anh", "Ánh", "Giang",
    "Hậu", "Lụa", "Luyến", "Mận", "Nguyệt", "Sen", "Tâm", "Thơm", "Uyên", "Vui", "Duyên",
];

/// A full name for a person of `sex` born in `born_year`: older people more often carry the
/// traditional "Văn" and "Thị".
pub fn full_name(rng: &mut Rng, sex: Sex, born_year: i32, style: NameStyle) -> String {
    let families = match style {
        NameStyle::Lowland => LOWLAND_FAMILIES,
        NameStyle::Upland => UPLAND_FAMILIES,
    };
    let family = rng.pick_weighted(families);
    let middle = middle_names(rng, sex, born_year);
    let given = loop {
        let candidate = match sex {
            Sex::Male => rng.pick(MALE_GIVEN),
            Sex::Female => rng.pick(FEMALE_GIVEN),
        };
        // "Minh Minh" and the like do not occur.
        if !middle.ends_with(candidate) {
            break candidate;
        }
    };
    format!("{family} {middle} {given}")
}

fn middle_names(rng: &mut Rng, sex: Sex, born_year: i32) -> String {
    let traditional = if born_year < 1970 { 0.85 } else { 0.55 };
    match sex {
        Sex::Male => {
            if rng.chance(traditional) {
                "Văn".to_string()
            } else {
                loop {
                    let m = *rng.pick_weighted(MALE_MIDDLE);
                    if m != "Văn" {
                        break m.to_string();
                    }
                }
            }
        }
        Sex::Female => {
            if rng.chance(traditional) {
                // "Nguyễn Thị Hải Yến": Thị followed by a second middle name, now and then.
                if rng.chance(0.3) {
                    format!("Thị {}", rng.pick_weighted(FEMALE_MIDDLE))
                } else {
                    "Thị".to_string()
                }
            } else {
                rng.pick_weighted(FEMALE_MIDDLE).to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::member::name_parts;

    #[test]
    fn thi_and_van_agree_with_sex() {
        let mut rng = Rng::new(11);
        for i in 0..2000 {
            let year = 1935 + (i % 70);
            let style = if i % 3 == 0 {
                NameStyle::Upland
            } else {
                NameStyle::Lowland
            };
            let man = full_name(&mut rng, Sex::Male, year, style);
            let woman = full_name(&mut rng, Sex::Female, year, style);
            assert!(!man.contains(" Thị "), "{man}");
            assert!(!woman.contains(" Văn "), "{woman}");
            for name in [&man, &woman] {
                let (family, middle, given) = name_parts(name);
                assert!(!family.is_empty() && !middle.is_empty() && !given.is_empty());
            }
        }
    }

    #[test]
    fn older_women_mostly_carry_thi() {
        let mut rng = Rng::new(5);
        let with_thi = (0..1000)
            .filter(|_| full_name(&mut rng, Sex::Female, 1945, NameStyle::Lowland).contains(" Thị"))
            .count();
        assert!(with_thi > 750, "{with_thi}");
    }
}
