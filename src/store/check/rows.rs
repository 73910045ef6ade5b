//! An index compared with its records without holding either in memory.
//!
//! Each side is read once into a [`Fingerprint`]: the number of rows and two sums of keyed
//! hashes of them, which do not depend on the order rows come in. Equal fingerprints mean
//! equal sets of rows but for a chance of 2^-128; only when they differ is the index read
//! again, row by row, to name what is missing ([`missing`]: each row a record implies,
//! looked up) and what is stray ([`stray`]: each stored row, its owner's rows recomputed).

use std::fmt::Debug;
use std::hash::{DefaultHasher, Hash, Hasher};

use super::super::StoreError;

/// An order-free summary of a set of rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fingerprint {
    rows: u64,
    sums: [u64; 2],
}

impl Fingerprint {
    pub fn add(&mut self, row: &impl Hash) {
        self.rows += 1;
        for (salt, sum) in self.sums.iter_mut().enumerate() {
            // Within one run the hasher is the same for both sides, which is all a
            // comparison needs.
            let mut hasher = DefaultHasher::new();
            salt.hash(&mut hasher);
            row.hash(&mut hasher);
            *sum = sum.wrapping_add(hasher.finish());
        }
    }

    /// The fingerprint of every row `rows` yields.
    pub fn of<K: Hash>(
        rows: impl IntoIterator<Item = Result<K, StoreError>>,
    ) -> Result<Fingerprint, StoreError> {
        let mut fingerprint = Fingerprint::default();
        for row in rows {
            fingerprint.add(&row?);
        }
        Ok(fingerprint)
    }
}

/// Reports, as "`name`: missing row …", each row of `implied` the index does not hold.
pub fn missing<K: Debug>(
    name: &str,
    implied: impl IntoIterator<Item = Result<K, StoreError>>,
    holds: impl Fn(&K) -> Result<bool, StoreError>,
    problems: &mut Vec<String>,
) -> Result<(), StoreError> {
    for row in implied {
        let row = row?;
        if !holds(&row)? {
            problems.push(format!("{name}: missing row {row:?}"));
        }
    }
    Ok(())
}

/// Reports, as "`name`: stray row …", each stored row that is not among the rows its
/// owner's record implies (`implied_by_owner`: none when the owner is missing).
pub fn stray<K: Debug + PartialEq>(
    name: &str,
    stored: impl IntoIterator<Item = Result<K, StoreError>>,
    implied_by_owner: impl Fn(&K) -> Result<Vec<K>, StoreError>,
    problems: &mut Vec<String>,
) -> Result<(), StoreError> {
    for row in stored {
        let row = row?;
        if !implied_by_owner(&row)?.contains(&row) {
            problems.push(format!("{name}: stray row {row:?}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(rows: &[(&str, u64)]) -> Fingerprint {
        Fingerprint::of(rows.iter().map(Ok)).unwrap()
    }

    #[test]
    fn a_fingerprint_ignores_order_and_tells_sets_apart() {
        assert_eq!(of(&[("a", 1), ("b", 2)]), of(&[("b", 2), ("a", 1)]));
        assert_ne!(of(&[("a", 1), ("b", 2)]), of(&[("a", 1)]));
        assert_ne!(of(&[("a", 1), ("b", 2)]), of(&[("a", 2), ("b", 1)]));
        assert_ne!(of(&[("a", 1)]), of(&[("a", 1), ("a", 1)]));
    }
}
