//! The index rows of many new members or organisations, built apart from the writing thread
//! and handed to it in key order (see `Writer::put_new_members` and `put_new_orgs`): rows
//! inserted in key order go into redb about three times faster than rows in any order.
//!
//! Names repeat: the 563,204 members of the benchmarks' national file at scale 0.1 share
//! 56,694 full names. So each distinct name is collated, folded and cut into its word
//! starts once, and each member then only adds its id to what its name gave. What is sorted
//! is the distinct names and suffixes, and integers, not a string per member and row.
//! Organisations' folded names are grouped the same way; their sibling-order rows, one per
//! organisation and some twenty times fewer than members', are sorted as they are.

use std::collections::HashMap;

use super::tables::child_row;
use crate::domain::text::{fold, folded_suffixes, person_key};
use crate::domain::{Member, OrgUnit};

/// The distinct names, in the order they first come, and each name's index among them.
fn distinct_names<'a>(all: impl Iterator<Item = &'a str>) -> (Vec<&'a str>, Vec<u32>) {
    let mut index: HashMap<&str, u32> = HashMap::new();
    let mut names = Vec::new();
    let of_each = all
        .map(|name| {
            *index.entry(name).or_insert_with(|| {
                names.push(name);
                index_u32(names.len() - 1)
            })
        })
        .collect();
    (names, of_each)
}

fn index_u32(at: usize) -> u32 {
    u32::try_from(at).expect("a bulk of members holds fewer than 4 billion rows")
}

/// The `org_members` rows of new members, one under the branch and one under the cell,
/// sorted by (organisation, roster key, id).
pub(super) struct RosterRows {
    /// The distinct roster keys, ascending.
    keys: Vec<Vec<u8>>,
    /// (organisation, index into `keys`, member id), sorted: ordering by the key's index
    /// orders by the key.
    rows: Vec<(u64, u32, u64)>,
}

impl RosterRows {
    pub(super) fn of(members: &[Member]) -> Self {
        let (names, name_of_member) = distinct_names(members.iter().map(|m| m.name.as_str()));
        let mut keyed: Vec<(Vec<u8>, u32)> = names
            .iter()
            .enumerate()
            .map(|(n, name)| (person_key(name), index_u32(n)))
            .collect();
        keyed.sort_unstable();
        // Names that differ only where the key does not look (case) share a key: one rank.
        let mut keys: Vec<Vec<u8>> = Vec::with_capacity(keyed.len());
        let mut rank_of_name = vec![0u32; names.len()];
        for (key, name) in keyed {
            if keys.last() != Some(&key) {
                keys.push(key);
            }
            rank_of_name[name as usize] = index_u32(keys.len() - 1);
        }
        let mut rows = Vec::with_capacity(members.len() + members.len() / 2);
        for (member, &name) in members.iter().zip(&name_of_member) {
            let rank = rank_of_name[name as usize];
            if let Some(cell) = member.cell {
                rows.push((cell.0, rank, member.id.0));
            }
            rows.push((member.org.0, rank, member.id.0));
        }
        rows.sort_unstable();
        RosterRows { keys, rows }
    }

    /// (organisation, roster key, member id), in key order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (u64, &[u8], u64)> {
        self.rows
            .iter()
            .map(|&(org, rank, id)| (org, self.keys[rank as usize].as_slice(), id))
    }
}

/// The folded-name rows of new members or organisations: each word-start suffix of their
/// folded names once, in order, with the ids of those whose name has it, ascending.
pub(super) struct FoldedGroups {
    /// The distinct folded names.
    folded: Vec<String>,
    /// (index into `folded`, byte offset where the suffix starts, ids), sorted by suffix.
    groups: Vec<(u32, u32, Vec<u64>)>,
}

impl FoldedGroups {
    /// The rows of these (id, name) pairs.
    pub(super) fn of<'a>(named: impl IntoIterator<Item = (u64, &'a str)>) -> Self {
        let named: Vec<(u64, &str)> = named.into_iter().collect();
        let (names, name_of_each) = distinct_names(named.iter().map(|&(_, name)| name));
        // Different names may fold alike ("Lê" and "Le"): those share their suffixes' groups.
        let folded: Vec<String> = names.iter().map(|name| fold(name)).collect();
        let mut group_of: HashMap<&str, u32> = HashMap::new();
        let mut groups: Vec<(u32, u32, Vec<u64>)> = Vec::new();
        let groups_of_name: Vec<Vec<u32>> = folded
            .iter()
            .enumerate()
            .map(|(n, name)| {
                folded_suffixes(name)
                    .into_iter()
                    .map(|suffix| {
                        *group_of.entry(suffix).or_insert_with(|| {
                            let start = index_u32(name.len() - suffix.len());
                            groups.push((index_u32(n), start, Vec::new()));
                            index_u32(groups.len() - 1)
                        })
                    })
                    .collect()
            })
            .collect();
        for (&(id, _), &name) in named.iter().zip(&name_of_each) {
            for &group in &groups_of_name[name as usize] {
                groups[group as usize].2.push(id);
            }
        }
        drop(group_of);
        for (_, _, ids) in &mut groups {
            // Records usually come in id order; a group then needs no sort.
            if !ids.is_sorted() {
                ids.sort_unstable();
            }
            ids.dedup();
        }
        let suffix =
            |&(name, start, _): &(u32, u32, Vec<u64>)| &folded[name as usize][start as usize..];
        groups.sort_unstable_by(|a, b| suffix(a).cmp(suffix(b)));
        FoldedGroups { folded, groups }
    }

    /// (suffix, its ids ascending), by suffix.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&str, &[u64])> {
        self.groups.iter().map(|(name, start, ids)| {
            (
                &self.folded[*name as usize][*start as usize..],
                ids.as_slice(),
            )
        })
    }
}

/// The `org_by_folded` and `org_children` rows of new organisations, sorted.
pub(super) struct OrgRows {
    folded: FoldedGroups,
    /// (parent or 0 for a root, collation key of the name, id), sorted.
    children: Vec<(u64, Vec<u8>, u64)>,
}

impl OrgRows {
    pub(super) fn of(orgs: &[OrgUnit]) -> Self {
        let folded = FoldedGroups::of(orgs.iter().map(|o| (o.id.0, o.name.as_str())));
        let mut children: Vec<(u64, Vec<u8>, u64)> = orgs.iter().map(child_row).collect();
        children.sort_unstable();
        OrgRows { folded, children }
    }

    /// (suffix, id), in key order.
    pub(super) fn folded(&self) -> impl Iterator<Item = (&str, u64)> {
        self.folded
            .iter()
            .flat_map(|(suffix, ids)| ids.iter().map(move |&id| (suffix, id)))
    }

    /// (parent, collation key, id), in key order.
    pub(super) fn children(&self) -> impl Iterator<Item = (u64, &[u8], u64)> {
        self.children
            .iter()
            .map(|(parent, key, id)| (*parent, key.as_slice(), *id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::OrgId;

    fn member(id: u64, org: u64, cell: Option<u64>, name: &str) -> Member {
        let mut member = crate::store::testkit::member(id, &format!("C{id}"), name, org);
        member.cell = cell.map(OrgId);
        member
    }

    type RosterRow = (u64, Vec<u8>, u64);

    /// The rows as one row per member and suffix, sorted: what the groups must equal.
    fn rows_one_by_one(members: &[Member]) -> (Vec<RosterRow>, Vec<(String, u64)>) {
        let mut roster = Vec::new();
        let mut folded = Vec::new();
        for m in members {
            let key = person_key(&m.name);
            if let Some(cell) = m.cell {
                roster.push((cell.0, key.clone(), m.id.0));
            }
            roster.push((m.org.0, key, m.id.0));
            let name = fold(&m.name);
            for suffix in folded_suffixes(&name) {
                folded.push((suffix.to_string(), m.id.0));
            }
        }
        roster.sort();
        folded.sort();
        folded.dedup();
        (roster, folded)
    }

    #[test]
    fn grouped_rows_are_the_rows_of_each_member_in_key_order() {
        let members = vec![
            member(7, 2, None, "Nguyễn Văn An"),
            member(3, 2, Some(9), "Trần Văn An"),
            member(5, 1, None, "NGUYỄN VĂN AN"),
            member(4, 2, None, "Nguyen Van An"),
            member(1, 2, Some(9), "Lê Thị Bích"),
            member(9, 1, None, "Nguyễn Văn An"),
        ];
        let (roster, folded) = rows_one_by_one(&members);
        let grouped: Vec<RosterRow> = RosterRows::of(&members)
            .iter()
            .map(|(org, key, id)| (org, key.to_vec(), id))
            .collect();
        assert_eq!(grouped, roster);
        let groups = FoldedGroups::of(members.iter().map(|m| (m.id.0, m.name.as_str())));
        let pairs: Vec<(String, u64)> = groups
            .iter()
            .flat_map(|(suffix, ids)| ids.iter().map(move |&id| (suffix.to_string(), id)))
            .collect();
        assert_eq!(pairs, folded);
        // Each suffix comes once.
        let suffixes: Vec<&str> = groups.iter().map(|(s, _)| s).collect();
        assert!(suffixes.windows(2).all(|w| w[0] < w[1]), "{suffixes:?}");
    }
}
