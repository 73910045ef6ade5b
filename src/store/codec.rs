//! Record encoding: one version byte, then postcard. The version byte lets a later chibo
//! recognise (and migrate) records written by an earlier one; postcard keeps records small.

use serde::{Serialize, de::DeserializeOwned};

use super::StoreError;

/// The encoding written today.
pub const RECORD_VERSION: u8 = 1;

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = vec![RECORD_VERSION];
    // Writing to a Vec cannot fail, and every chibo record is serialisable.
    postcard::to_io(value, &mut out).expect("chibo records always encode");
    out
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    postcard::from_bytes(body(bytes)?).map_err(undecodable)
}

/// A record's leading fields in the layout `T`, and the bytes of the fields after them: a
/// migration that changes one early field re-encodes the front and keeps the rest as is.
pub fn decode_front<T: DeserializeOwned>(bytes: &[u8]) -> Result<(T, &[u8]), StoreError> {
    postcard::take_from_bytes(body(bytes)?).map_err(undecodable)
}

/// The postcard bytes behind the version byte, when this chibo reads that version.
fn body(bytes: &[u8]) -> Result<&[u8], StoreError> {
    match bytes.split_first() {
        Some((&RECORD_VERSION, body)) => Ok(body),
        Some((version, _)) => Err(StoreError::Corrupt(format!(
            "record written in encoding version {version}, this chibo reads {RECORD_VERSION}"
        ))),
        None => Err(StoreError::Corrupt("empty record".into())),
    }
}

fn undecodable(e: postcard::Error) -> StoreError {
    StoreError::Corrupt(format!("undecodable record: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{OrgId, OrgKind, OrgUnit, ScheduleRule};

    #[test]
    fn records_round_trip_behind_a_version_byte() {
        let org = OrgUnit {
            meeting_rule: Some(ScheduleRule::DayOfMonth(7)),
            grace_days: Some(2),
            founded: crate::domain::date::parse_iso("1975-01-01").ok(),
            ..OrgUnit::new(
                OrgId(7),
                "QN.HL.HG.K2",
                "Chi bộ khu 2",
                OrgKind::Branch,
                Some(OrgId(3)),
            )
        };
        let bytes = encode(&org);
        assert_eq!(bytes[0], RECORD_VERSION);
        assert_eq!(decode::<OrgUnit>(&bytes).unwrap(), org);
        let mut future = bytes.clone();
        future[0] = 9;
        assert!(decode::<OrgUnit>(&future).is_err());
    }
}
