//! A small store for the store's own unit tests: province → ward → branch, one member.

use std::path::Path;

use super::{Store, StoreError};
use crate::domain::date::parse_iso;
use crate::domain::{Member, MemberId, OrgId, OrgKind, OrgUnit};

pub fn org(id: u64, code: &str, kind: OrgKind, parent: Option<u64>) -> OrgUnit {
    OrgUnit::new(
        OrgId(id),
        code,
        format!("Tổ chức {code}"),
        kind,
        parent.map(OrgId),
    )
}

pub fn member(id: u64, card: &str, name: &str, branch: u64) -> Member {
    Member {
        id: MemberId(id),
        card: card.into(),
        name: name.into(),
        sex: None,
        born: parse_iso("1958-03-02").ok(),
        admitted: None,
        full_member: None,
        org: OrgId(branch),
        cell: None,
        phone: None,
        residence: None,
        former_orgs: Vec::new(),
        history: vec![],
    }
}

/// Orgs 1 `QN` → 2 `QN.HG` → 3 `QN.HG.K2`; member 1 "Phạm Ngọc Đường" in the branch.
pub fn sample(dir: &Path) -> Store {
    let store = Store::open(&dir.join("sample.redb")).unwrap();
    store
        .write(|w| {
            for o in [
                org(w.new_org_id()?.0, "QN", OrgKind::ProvincialCommittee, None),
                org(
                    w.new_org_id()?.0,
                    "QN.HG",
                    OrgKind::GrassrootsCommittee,
                    Some(1),
                ),
                org(w.new_org_id()?.0, "QN.HG.K2", OrgKind::Branch, Some(2)),
            ] {
                w.put_org(&o)?;
            }
            let id = w.new_member_id()?;
            w.put_member(&member(id.0, "48123456", "Phạm Ngọc Đường", 3))?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
    store
}
