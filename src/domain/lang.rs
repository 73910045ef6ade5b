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
