//! The rows of `member_by_folded`: under each word-start suffix of a folded name, the ids of
//! the members whose name has it, packed, one row per suffix and block of ids.
//!
//! A country's members share few suffixes ("an", "van an", "nguyen van an"), so a row per
//! suffix and member repeated each suffix millions of times and gave every member three
//! 8-byte ids. Packed, a block holds each id as a varint step from the one before, most
//! of them one or two bytes. Blocks cover `BLOCK_IDS` ids each, so no row grows beyond a
//! few tens of kilobytes and a new member rewrites only the rows of its own block.
//!
//! Read in key order, the rows give the ids in the order the one-row-a-member index did:
//! by suffix, then by id.

use redb::{ReadableTable, Table};

use super::StoreError;
use crate::domain::varint::{self, VarintError};

/// A folded-name index: (suffix, block) → the block's ids, packed.
pub(super) type FoldedIds<'t> = Table<'t, (&'static str, u64), &'static [u8]>;

/// How many ids share a block: a row never holds more than this many.
const BLOCK_BITS: u32 = 16;

/// The block of ids that `id` belongs to.
pub fn block_of(id: u64) -> u64 {
    id >> BLOCK_BITS
}

/// `ids`, ascending and all of `block`, packed: the first as its distance from the block's
/// start, each next as its step from the one before.
pub fn pack(block: u64, ids: &[u64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ids.len() * 2);
    let mut previous = block << BLOCK_BITS;
    for &id in ids {
        varint::write(&mut out, u128::from(id - previous));
        previous = id;
    }
    out
}

/// The ids `pack` wrote for `block`, or what is wrong with the bytes.
pub(super) fn unpack(block: u64, mut bytes: &[u8]) -> Result<Vec<u64>, &'static str> {
    const OUT_OF_PLACE: &str = "ids out of order or outside their block";
    let start = block.checked_mul(1 << BLOCK_BITS).ok_or(OUT_OF_PLACE)?;
    let end = u128::from(start) + (1 << BLOCK_BITS);
    let mut ids: Vec<u64> = Vec::with_capacity(bytes.len());
    while !bytes.is_empty() {
        let step = varint::read(&mut bytes).map_err(|e| match e {
            VarintError::CutShort => "ids cut short",
            VarintError::TooLong => "id varint too long",
        })?;
        let previous = ids.last().copied();
        let id = u64::try_from(step)
            .ok()
            .and_then(|step| previous.unwrap_or(start).checked_add(step))
            .filter(|&id| previous.is_none_or(|p| id > p) && u128::from(id) < end)
            .ok_or(OUT_OF_PLACE)?;
        ids.push(id);
    }
    Ok(ids)
}

/// A row's ids, or the store's error naming the row.
fn ids_of(suffix: &str, block: u64, bytes: &[u8]) -> Result<Vec<u64>, StoreError> {
    unpack(block, bytes).map_err(|why| {
        StoreError::Corrupt(format!(
            "member_by_folded: row (\"{suffix}\", {block}): {why}"
        ))
    })
}

/// The ids stored under `suffix` in `id`'s block.
fn stored_ids(
    index: &impl ReadableTable<(&'static str, u64), &'static [u8]>,
    suffix: &str,
    block: u64,
) -> Result<Vec<u64>, StoreError> {
    match index.get((suffix, block))? {
        Some(bytes) => ids_of(suffix, block, bytes.value()),
        None => Ok(Vec::new()),
    }
}

/// The block's row holding `ids`, or none when they are none.
fn store_ids(
    index: &mut FoldedIds<'_>,
    suffix: &str,
    block: u64,
    ids: &[u64],
) -> Result<(), StoreError> {
    if ids.is_empty() {
        index.remove((suffix, block))?;
    } else {
        index.insert((suffix, block), pack(block, ids).as_slice())?;
    }
    Ok(())
}

/// Lists `id` under `suffix`.
pub(super) fn add(index: &mut FoldedIds<'_>, suffix: &str, id: u64) -> Result<(), StoreError> {
    let block = block_of(id);
    let mut ids = stored_ids(index, suffix, block)?;
    if let Err(at) = ids.binary_search(&id) {
        ids.insert(at, id);
        store_ids(index, suffix, block, &ids)?;
    }
    Ok(())
}

/// Takes `id` off `suffix`'s list.
pub(super) fn remove(index: &mut FoldedIds<'_>, suffix: &str, id: u64) -> Result<(), StoreError> {
    let block = block_of(id);
    let mut ids = stored_ids(index, suffix, block)?;
    if let Ok(at) = ids.binary_search(&id) {
        ids.remove(at);
        store_ids(index, suffix, block, &ids)?;
    }
    Ok(())
}

/// Lists many (suffix, id) pairs, given in key order (by suffix, then id).
pub(super) fn add_sorted<S: AsRef<str>>(
    index: &mut FoldedIds<'_>,
    pairs: impl Iterator<Item = (S, u64)>,
) -> Result<(), StoreError> {
    let mut pairs = pairs.peekable();
    let mut ids = Vec::new();
    while let Some((suffix, id)) = pairs.next() {
        ids.clear();
        ids.push(id);
        while let Some((_, next)) = pairs.next_if(|(s, _)| s.as_ref() == suffix.as_ref()) {
            ids.push(next);
        }
        add_grouped(index, std::iter::once((suffix.as_ref(), ids.as_slice())))?;
    }
    Ok(())
}

/// Lists each suffix's ids, the suffixes given in order and each one's ids ascending: one
/// read and one write per suffix and block rather than per id.
pub(super) fn add_grouped<'g>(
    index: &mut FoldedIds<'_>,
    groups: impl Iterator<Item = (&'g str, &'g [u64])>,
) -> Result<(), StoreError> {
    for (suffix, ids) in groups {
        for run in ids.chunk_by(|a, b| block_of(*a) == block_of(*b)) {
            let block = block_of(run[0]);
            // New ids mostly open a row of their own: written at once, the insert hands
            // back a row that was there, and only then are the two merged.
            let stored = if run.is_sorted_by(|a, b| a < b) {
                let row = index.insert((suffix, block), pack(block, run).as_slice())?;
                match row {
                    Some(bytes) => ids_of(suffix, block, bytes.value())?,
                    None => continue,
                }
            } else {
                stored_ids(index, suffix, block)?
            };
            let mut merged = stored;
            merged.extend_from_slice(run);
            merged.sort_unstable();
            merged.dedup();
            store_ids(index, suffix, block, &merged)?;
        }
    }
    Ok(())
}

/// Whether `id` is listed under `suffix`.
pub(super) fn holds(
    index: &impl ReadableTable<(&'static str, u64), &'static [u8]>,
    suffix: &str,
    id: u64,
) -> Result<bool, StoreError> {
    Ok(stored_ids(index, suffix, block_of(id))?
        .binary_search(&id)
        .is_ok())
}

/// Up to `limit` different ids listed under a suffix starting with `folded`, in key order.
pub(super) fn prefix_ids(
    index: &impl ReadableTable<(&'static str, u64), &'static [u8]>,
    folded: &str,
    limit: usize,
) -> Result<Vec<u64>, StoreError> {
    let mut found = Vec::new();
    for row in index.range((folded, 0)..)? {
        let (key, bytes) = row?;
        let (suffix, block) = key.value();
        if !suffix.starts_with(folded) {
            break;
        }
        for id in ids_of(suffix, block, bytes.value())? {
            if found.len() == limit {
                return Ok(found);
            }
            if !found.contains(&id) {
                found.push(id);
            }
        }
    }
    Ok(found)
}

/// Every (suffix, id) pair of the index, in key order, for `check`. A row whose bytes do
/// not hold ids gives one pair naming the damage, which no member implies, so it is
/// reported as a row that should not be there.
pub(super) fn pairs<'r>(
    index: &'r impl ReadableTable<(&'static str, u64), &'static [u8]>,
) -> Result<impl Iterator<Item = Result<(String, u64), StoreError>> + 'r, StoreError> {
    Ok(index.iter()?.flat_map(|row| {
        let pairs = row.map_err(StoreError::from).map(|(key, bytes)| {
            let (suffix, block) = key.value();
            match unpack(block, bytes.value()) {
                Ok(ids) => ids.into_iter().map(|id| (suffix.to_string(), id)).collect(),
                Err(why) => vec![(format!("{suffix} [{why}]"), block << BLOCK_BITS)],
            }
        });
        match pairs {
            Ok(pairs) => pairs.into_iter().map(Ok).collect::<Vec<_>>(),
            Err(e) => vec![Err(e)],
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn neighbouring_ids_take_a_byte_each() {
        let ids: Vec<u64> = (3 << BLOCK_BITS..(3 << BLOCK_BITS) + 100).collect();
        let block = block_of(ids[0]);
        let packed = pack(block, &ids);
        assert_eq!(packed.len(), 100);
        assert_eq!(unpack(block, &packed), Ok(ids));
    }

    #[test]
    fn bad_bytes_are_named_never_a_panic() {
        assert_eq!(unpack(0, &[0x80]), Err("ids cut short"));
        assert_eq!(unpack(0, &[0xff; 20]), Err("id varint too long"));
        // A step of 0 after the first id repeats it.
        assert_eq!(
            unpack(0, &[5, 0]),
            Err("ids out of order or outside their block")
        );
        // The first id of block 1 cannot lie in block 2.
        let mut beyond = Vec::new();
        varint::write(&mut beyond, 1 << BLOCK_BITS);
        assert_eq!(
            unpack(1, &beyond),
            Err("ids out of order or outside their block")
        );
        // The last block ends where u64 does; a block beyond it has no ids.
        let last = u64::MAX >> BLOCK_BITS;
        assert_eq!(unpack(last, &pack(last, &[u64::MAX])), Ok(vec![u64::MAX]));
        assert_eq!(
            unpack(last + 1, &[0]),
            Err("ids out of order or outside their block")
        );
    }

    const INDEX: redb::TableDefinition<(&str, u64), &[u8]> =
        redb::TableDefinition::new("member_by_folded");

    /// Every pair the index lists, after `write` on an empty one.
    fn listed(write: impl FnOnce(&mut FoldedIds<'_>)) -> Vec<(String, u64)> {
        let backend = redb::backends::InMemoryBackend::new();
        let db = redb::Database::builder()
            .create_with_backend(backend)
            .unwrap();
        let txn = db.begin_write().unwrap();
        let mut index = txn.open_table(INDEX).unwrap();
        write(&mut index);
        pairs(&index).unwrap().map(Result::unwrap).collect()
    }

    fn pair() -> impl Strategy<Value = (String, u64)> {
        let suffix = prop_oneof![Just("an"), Just("anh"), Just("van an"), Just("b")];
        let id = prop_oneof![
            0u64..5,
            (1u64 << BLOCK_BITS) - 3..(1 << BLOCK_BITS) + 3,
            1u64 << 40..(1 << 40) + 2
        ];
        (suffix.prop_map(String::from), id)
    }

    proptest! {
        #[test]
        fn the_index_lists_what_was_added_and_not_removed(
            bulk in proptest::collection::btree_set(pair(), 0..60),
            singles in proptest::collection::vec((any::<bool>(), pair()), 0..60),
        ) {
            let mut expected: std::collections::BTreeSet<(String, u64)> = bulk.clone();
            for (add, pair) in &singles {
                if *add { expected.insert(pair.clone()); } else { expected.remove(pair); }
            }
            let found = listed(|index| {
                // Two bulks, interleaved: the second one's rows meet the first one's.
                for half in [0, 1] {
                    let pairs = bulk.iter().enumerate().filter(|(i, _)| i % 2 == half);
                    add_sorted(index, pairs.map(|(_, (s, id))| (s.as_str(), *id))).unwrap();
                }
                for (add_it, (suffix, id)) in &singles {
                    if *add_it { add(index, suffix, *id).unwrap() } else { remove(index, suffix, *id).unwrap() }
                }
                for (suffix, id) in &expected {
                    assert!(holds(index, suffix, *id).unwrap());
                }
                let an: Vec<u64> = prefix_ids(index, "an", usize::MAX).unwrap();
                let mut want: Vec<u64> = Vec::new();
                for (suffix, id) in &expected {
                    if suffix.starts_with("an") && !want.contains(id) { want.push(*id); }
                }
                assert_eq!(an, want);
            });
            prop_assert_eq!(found, expected.into_iter().collect::<Vec<_>>());
        }

        #[test]
        fn any_ids_of_a_block_round_trip(block in 0u64..1 << 40, offsets in proptest::collection::btree_set(0u64..1 << BLOCK_BITS, 0..300)) {
            let ids: Vec<u64> = offsets.iter().map(|o| (block << BLOCK_BITS) + o).collect();
            prop_assert_eq!(unpack(block, &pack(block, &ids)), Ok(ids));
        }
    }
}
