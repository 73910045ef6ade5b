//! The two languages chibo speaks: Vietnamese by default, English with `--lang en`.

use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// Chooses between the Vietnamese and the English form of one message.
    pub fn pick<T>(self, vi: T, en: T) -> T {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

impl Lang {
    /// A date the way each language writes it: 07/11/2026 and 2026-11-07.
    pub fn date(self, day: chrono::NaiveDate) -> String {
        match self {
            Lang::Vi => day.format("%d/%m/%Y").to_string(),
            Lang::En => day.format("%Y-%m-%d").to_string(),
        }
    }

    /// `n` with its noun: a Vietnamese noun stays as it is, an English one takes its plural
    /// form `many` for any number but one ("1 meeting", "2 meetings", "0 meetings").
    pub fn count<N>(self, n: N, vi: &str, one: &str, many: &str) -> String
    where
        N: std::fmt::Display + PartialEq + From<u8>,
    {
        match self {
            Lang::Vi => format!("{n} {vi}"),
            Lang::En if n == N::from(1) => format!("{n} {one}"),
            Lang::En => format!("{n} {many}"),
        }
    }

    /// A month the way each language writes it: 11/2026 and 2026-11.
    pub fn month(self, month: super::YearMonth) -> String {
        match self {
            Lang::Vi => month.slashed(),
            Lang::En => month.to_string(),
        }
    }
}

impl FromStr for Lang {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "vi" => Ok(Lang::Vi),
            "en" => Ok(Lang::En),
            other => Err(format!("unknown language {other:?}: use vi or en")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_nouns_take_the_plural_but_for_one() {
        let meetings = |lang: Lang, n: usize| lang.count(n, "cuộc họp", "meeting", "meetings");
        assert_eq!(meetings(Lang::En, 1), "1 meeting");
        assert_eq!(meetings(Lang::En, 0), "0 meetings");
        assert_eq!(meetings(Lang::En, 2), "2 meetings");
        assert_eq!(meetings(Lang::Vi, 1), "1 cuộc họp");
        assert_eq!(meetings(Lang::Vi, 2), "2 cuộc họp");
        assert_eq!(
            Lang::En.count(1u64, "đảng viên", "member", "members"),
            "1 member"
        );
    }
}
