//! What the dashboard shows of one organisation in one month, read from the roll-ups only:
//! the node's month (one read), its last twelve months (one range scan of `(org, yyyymm)`),
//! and its children ranked worst first (one read per child; their names, grades and twelve
//! months only for the rows on screen). Never a member or a meeting.

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::{Datelike, NaiveDate};

use crate::domain::oversight::QuotaConfig;
use crate::domain::{Classification, MonthStats, OrgId, OrgUnit, YearMonth};
use crate::store::{GradeTally, QuotaRow, Reader, StoreError};
use crate::ui::paged::PAGE;

/// How many months the trend and the heat map show, the month shown last.
pub const TREND_MONTHS: usize = 12;

/// The two shares a month is judged by.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Shares {
    /// Present ÷ expected at regular meetings.
    pub rate: Option<f64>,
    /// Met in time (on the day, early or within grace) ÷ branches whose month is decided
    /// (`MonthStats::in_time_share`).
    pub in_time: Option<f64>,
}

impl Shares {
    pub fn of(stats: &MonthStats, today: NaiveDate) -> Shares {
        Shares {
            rate: stats.attendance_rate(),
            in_time: stats.in_time_share(today),
        }
    }

    /// The worse of the two: a unit is only as good as its weaker side (members who do not
    /// come, or meetings not held on the day). `None` when neither can be judged.
    pub fn worst(self) -> Option<f64> {
        match (self.rate, self.in_time) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// A month in the heat map and the ranking, by the worse of its two shares. Each band has
/// its own symbol, so the map reads without colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    /// 90% and above.
    High,
    /// 75% to 90%.
    Fair,
    /// 50% to 75%.
    Low,
    /// Below 50%.
    Poor,
    /// Recorded, but nothing to judge: no branch due, nobody expected.
    Nothing,
    /// No roll-up kept for the month: no meeting anywhere was recorded in it.
    NoRecords,
}

impl Band {
    pub const ALL: [Band; 6] = [
        Band::High,
        Band::Fair,
        Band::Low,
        Band::Poor,
        Band::Nothing,
        Band::NoRecords,
    ];

    pub fn of(month: Option<&MonthStats>, today: NaiveDate) -> Band {
        let Some(stats) = month else {
            return Band::NoRecords;
        };
        match Shares::of(stats, today).worst() {
            None => Band::Nothing,
            Some(s) if s >= 0.9 => Band::High,
            Some(s) if s >= 0.75 => Band::Fair,
            Some(s) if s >= 0.5 => Band::Low,
            Some(_) => Band::Poor,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Band::High => "█",
            Band::Fair => "▓",
            Band::Low => "▒",
            Band::Poor => "░",
            Band::Nothing => "·",
            Band::NoRecords => " ",
        }
    }
}

/// A child of the node with its month.
#[derive(Debug, Clone)]
pub struct Ranked {
    pub id: OrgId,
    pub stats: MonthStats,
    pub shares: Shares,
}

/// What a row on screen shows besides its month: read only for the rows shown.
#[derive(Debug, Clone)]
pub struct RowDetail {
    pub org: OrgUnit,
    /// The child's last twelve months, the month shown last.
    pub months: Vec<Option<MonthStats>>,
    /// Its grade in the last complete year.
    pub grade: Option<Classification>,
}

/// What the list on the right shows.
#[derive(Debug, Clone)]
pub enum Below {
    /// A committee's children, worst first, with the details of the rows read so far.
    Units {
        ranked: Vec<Ranked>,
        details: BTreeMap<usize, RowDetail>,
    },
    /// A branch's own last twelve months (the trend), newest first: it has nothing below
    /// it but cells, which hold members and no meetings.
    Months,
}

/// One organisation in one month.
#[derive(Debug, Clone)]
pub struct MonthData {
    pub node: OrgId,
    pub month: YearMonth,
    /// `None`: the month is not covered (no meeting anywhere recorded in it).
    pub stats: Option<MonthStats>,
    /// The twelve months up to and including `month`, oldest first.
    pub trend: Vec<(YearMonth, Option<MonthStats>)>,
    pub below: Below,
}

/// The first of the twelve months ending with `month`.
pub fn trend_start(month: YearMonth) -> YearMonth {
    month.plus(1 - TREND_MONTHS as i32)
}

/// The year whose classification a dashboard shows: the last one complete on `today`.
pub fn graded_year(today: NaiveDate) -> i32 {
    today.year() - 1
}

impl MonthData {
    pub fn read(
        reader: &Reader,
        node: &OrgUnit,
        month: YearMonth,
        today: NaiveDate,
    ) -> Result<MonthData, StoreError> {
        let stats = reader.stored_month_stats(node.id, month)?;
        let trend = reader.stored_months(node.id, trend_start(month), month)?;
        let below = if node.kind.is_branch() {
            Below::Months
        } else {
            Below::Units {
                ranked: rank(reader, node.id, month, stats.is_some(), today)?,
                details: BTreeMap::new(),
            }
        };
        Ok(MonthData {
            node: node.id,
            month,
            stats,
            trend,
            below,
        })
    }

    /// Rows of the list on the right.
    pub fn rows(&self) -> usize {
        match &self.below {
            Below::Units { ranked, .. } => ranked.len(),
            Below::Months => self.trend.len(),
        }
    }

    /// The month of row `i` of a branch's list (newest first).
    pub fn month_at(&self, i: usize) -> Option<YearMonth> {
        match self.below {
            Below::Months => self.trend.iter().rev().nth(i).map(|(m, _)| *m),
            Below::Units { .. } => None,
        }
    }

    /// The child at row `i`.
    pub fn unit_at(&self, i: usize) -> Option<OrgId> {
        match &self.below {
            Below::Units { ranked, .. } => ranked.get(i).map(|r| r.id),
            Below::Months => None,
        }
    }

    /// The row of child `id`.
    pub fn position_of(&self, id: OrgId) -> Option<usize> {
        match &self.below {
            Below::Units { ranked, .. } => ranked.iter().position(|r| r.id == id),
            Below::Months => None,
        }
    }

    /// Reads the details of `rows` not read yet, and drops those far from them: the list
    /// holds a screen of organisation records, whatever the number of children.
    pub fn ensure_details(
        &mut self,
        reader: &Reader,
        rows: Range<usize>,
        today: NaiveDate,
    ) -> Result<(), StoreError> {
        let month = self.month;
        let Below::Units { ranked, details } = &mut self.below else {
            return Ok(());
        };
        let end = rows.end.min(ranked.len());
        for (i, unit) in ranked.iter().enumerate().take(end).skip(rows.start) {
            if details.contains_key(&i) {
                continue;
            }
            let id = unit.id;
            let Some(org) = reader.org(id)? else { continue };
            let months = reader
                .stored_months(id, trend_start(month), month)?
                .into_iter()
                .map(|(_, s)| s)
                .collect();
            let grade = reader.org_classification(id, graded_year(today))?;
            details.insert(i, RowDetail { org, months, grade });
        }
        let (first, last) = (rows.start.saturating_sub(PAGE), end + PAGE);
        details.retain(|i, _| (first..last).contains(i));
        Ok(())
    }

    /// Details held, for tests that check a long list reads no more than a screen.
    pub fn details_held(&self) -> usize {
        match &self.below {
            Below::Units { details, .. } => details.len(),
            Below::Months => 0,
        }
    }
}

/// The children of `node` with their month, worst first. Their ids come from
/// `org_children` a page at a time (keys alone, no record), and each month is one roll-up
/// read; nothing is read for a month that is not covered. Ranking needs every child's
/// month: a province's 3,321 communes are 3,321 reads (≈ 5 ms), their records are not.
fn rank(
    reader: &Reader,
    node: OrgId,
    month: YearMonth,
    covered: bool,
    today: NaiveDate,
) -> Result<Vec<Ranked>, StoreError> {
    let mut ranked = Vec::new();
    loop {
        let ids = reader.child_ids(node, ranked.len(), PAGE)?;
        for &id in &ids {
            let stats = if covered {
                reader.stored_month_of(id, month)?
            } else {
                MonthStats::default()
            };
            let shares = Shares::of(&stats, today);
            ranked.push(Ranked { id, stats, shares });
        }
        if ids.len() < PAGE {
            break;
        }
    }
    // Stable: equals keep the Vietnamese order of the names.
    ranked.sort_by_cached_key(|unit| weakness(&unit.stats, today));
    Ok(ranked)
}

/// How weak a unit's month is, the key of "weakest first": smaller is weaker.
///
/// A unit is as weak as the worse of two shares, both of what the rules ask and the unit
/// did not do:
/// - *unexcused absence*: members absent **without** permission ÷ members expected at its
///   held regular meetings. A member away with permission was expected and did nothing
///   wrong: it counts in the divisor only, so a branch whose members were all excused is
///   not weak for it;
/// - *missed meetings*: branches overdue or held out of rule ÷ branches whose month is
///   decided (1 − `MonthStats::in_time_share`).
///
/// Ties (most often: none of either) go to more branches missed, then to more meetings
/// held without a roll (`meetings_without_roll`: nothing is known of who came, so they are
/// never read as a full house). Units with nothing to judge — nobody expected and no month
/// decided — come last. The rate shown beside each unit stays present ÷ expected.
pub fn weakness(stats: &MonthStats, today: NaiveDate) -> impl Ord + use<> {
    let expected = stats.expected();
    let unexcused = (expected > 0).then(|| f64::from(stats.absent) / f64::from(expected));
    let missed_share = stats.in_time_share(today).map(|share| 1.0 - share);
    let share = match (unexcused, missed_share) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    let missed = stats.overdue(today) + stats.held_out_of_rule;
    (
        // Nothing to judge sorts after everything judged.
        share.is_none(),
        std::cmp::Reverse(share.map(OrderedShare)),
        std::cmp::Reverse(missed),
        std::cmp::Reverse(stats.meetings_without_roll),
    )
}

/// A share (0 to 1, never NaN) that can be sorted.
#[derive(Debug, Clone, Copy, PartialEq)]
struct OrderedShare(f64);

impl Eq for OrderedShare {}

impl PartialOrd for OrderedShare {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrderedShare {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// What the node is, beyond a month: its grades in the last complete year and its own
/// committee's visits against their quotas (for the year of the month shown). Read once
/// per node (and per year for the quotas).
#[derive(Debug, Clone)]
pub struct NodeFacts {
    pub grades: Option<GradeTally>,
    /// The node's own grade that year.
    pub own_grade: Option<Classification>,
    pub quota_year: i32,
    /// Not a roll-up: the visits of the node's own committee members (`quota_standings`
    /// kept to the one committee), read only when some role there carries a quota.
    pub quotas: Vec<QuotaRow>,
}

impl NodeFacts {
    pub fn read(
        reader: &Reader,
        node: &OrgUnit,
        month: YearMonth,
        today: NaiveDate,
    ) -> Result<NodeFacts, StoreError> {
        let year = graded_year(today);
        let quota_year = month.year();
        Ok(NodeFacts {
            grades: reader.grade_tally(node, year)?,
            own_grade: reader.org_classification(node.id, year)?,
            quota_year,
            quotas: quotas(reader, node, quota_year, today)?,
        })
    }

    /// Reads the quotas again when `month` is in another year.
    pub fn follow_month(
        &mut self,
        reader: &Reader,
        node: &OrgUnit,
        month: YearMonth,
        today: NaiveDate,
    ) -> Result<(), StoreError> {
        let year = month.year();
        if year != self.quota_year {
            self.quotas = quotas(reader, node, year, today)?;
            self.quota_year = year;
        }
        Ok(())
    }
}

fn quotas(
    reader: &Reader,
    node: &OrgUnit,
    year: i32,
    today: NaiveDate,
) -> Result<Vec<QuotaRow>, StoreError> {
    if node.kind.is_branch() {
        return Ok(Vec::new());
    }
    reader.committee_quota_standings(node, year, today, &QuotaConfig::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ym(year: i32, month: u32) -> YearMonth {
        YearMonth::new(year, month).unwrap()
    }

    #[test]
    fn the_worse_share_decides_and_nothing_to_judge_goes_last() {
        let shares = |rate, in_time| Shares { rate, in_time };
        assert_eq!(shares(Some(0.9), Some(0.6)).worst(), Some(0.6));
        assert_eq!(shares(None, Some(0.6)).worst(), Some(0.6));
        assert_eq!(shares(None, None).worst(), None);
    }

    #[test]
    fn weakest_first_counts_unexcused_absence_and_missed_meetings_not_excused() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let month =
            |present, excused, absent, on_time, held_out_of_rule, without_roll| MonthStats {
                present,
                excused,
                absent,
                on_time,
                held_out_of_rule,
                meetings_held: on_time + held_out_of_rule,
                meetings_without_roll: without_roll,
                ..MonthStats::default()
            };
        let excused = month(0, 3, 0, 1, 0, 0);
        let one_absent = month(3, 0, 1, 1, 0, 0);
        let no_roll = month(0, 0, 0, 1, 0, 1);
        let out_of_rule = month(4, 0, 0, 0, 1, 0);
        let nothing = MonthStats::default();
        let mut list = vec![&nothing, &excused, &no_roll, &one_absent, &out_of_rule];
        list.sort_by_cached_key(|s| weakness(s, today));
        assert_eq!(
            list,
            [&out_of_rule, &one_absent, &no_roll, &excused, &nothing]
        );
    }

    #[test]
    fn twelve_months_end_with_the_month_shown() {
        assert_eq!(trend_start(ym(2026, 11)), ym(2025, 12));
        assert_eq!(trend_start(ym(2026, 12)), ym(2026, 1));
    }
}
