//! `#[serde(with = "packed_marks")]` for a meeting's attendance, `Vec<(MemberId, Mark)>`.
//!
//! A meeting's marks are most of its stored record, and its members are listed in id
//! order, so compact encodings write each mark as one unsigned varint: the difference from
//! the previous member's id (zigzag, so an unordered list still round trips) shifted past
//! the mark's three bits. A mark then costs one byte where a branch's members have
//! neighbouring ids, and two or three where their ids lie apart (ids follow the cards, which
//! a branch's members got in different years), against the four or five an id and a mark
//! cost on their own.
//! Human-readable encodings keep the plain list of pairs.

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::meeting::Mark;
use super::member::MemberId;
use super::varint::{self, VarintError};

/// The bits of a packed value that hold the mark.
const MARK_BITS: u32 = 3;

pub fn serialize<S: Serializer>(marks: &[(MemberId, Mark)], s: S) -> Result<S::Ok, S::Error> {
    if s.is_human_readable() {
        marks.serialize(s)
    } else {
        s.serialize_bytes(&pack(marks))
    }
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(MemberId, Mark)>, D::Error> {
    if d.is_human_readable() {
        Vec::deserialize(d)
    } else {
        d.deserialize_bytes(PackedVisitor)
    }
}

struct PackedVisitor;

impl Visitor<'_> for PackedVisitor {
    type Value = Vec<(MemberId, Mark)>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("packed attendance marks")
    }

    fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<Self::Value, E> {
        unpack(bytes).map_err(E::custom)
    }
}

/// The marks as a run of varints, one a mark.
pub fn pack(marks: &[(MemberId, Mark)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(marks.len() + 4);
    let mut previous = 0u64;
    for &(MemberId(id), mark) in marks {
        let step = zigzag(id.wrapping_sub(previous) as i64);
        varint::write(
            &mut out,
            (u128::from(step) << MARK_BITS) | u128::from(mark_code(mark)),
        );
        previous = id;
    }
    out
}

/// The marks `pack` wrote, or what is wrong with the bytes.
pub fn unpack(mut bytes: &[u8]) -> Result<Vec<(MemberId, Mark)>, &'static str> {
    let mut marks = Vec::with_capacity(bytes.len());
    let mut previous = 0u64;
    while !bytes.is_empty() {
        let value = read_varint(&mut bytes)?;
        let mark = mark_of(value & ((1 << MARK_BITS) - 1)).ok_or("unknown attendance mark")?;
        let step = u64::try_from(value >> MARK_BITS).map_err(|_| "member id out of range")?;
        let id = previous.wrapping_add(unzigzag(step) as u64);
        marks.push((MemberId(id), mark));
        previous = id;
    }
    Ok(marks)
}

/// A mark's number: its position in `Mark`, as every stored record names it.
fn mark_code(mark: Mark) -> u8 {
    match mark {
        Mark::Present => 0,
        Mark::Excused => 1,
        Mark::Absent => 2,
        Mark::Exempt => 3,
        Mark::ExemptPresent => 4,
    }
}

fn mark_of(code: u128) -> Option<Mark> {
    Some(match code {
        0 => Mark::Present,
        1 => Mark::Excused,
        2 => Mark::Absent,
        3 => Mark::Exempt,
        4 => Mark::ExemptPresent,
        _ => return None,
    })
}

fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

fn unzigzag(n: u64) -> i64 {
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}

fn read_varint(bytes: &mut &[u8]) -> Result<u128, &'static str> {
    varint::read(bytes).map_err(|e| match e {
        VarintError::CutShort => "attendance cut short",
        VarintError::TooLong => "attendance varint too long",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn mark() -> impl Strategy<Value = Mark> {
        prop_oneof![
            Just(Mark::Present),
            Just(Mark::Excused),
            Just(Mark::Absent),
            Just(Mark::Exempt),
            Just(Mark::ExemptPresent),
        ]
    }

    proptest! {
        #[test]
        fn any_marks_in_any_order_round_trip(marks in prop::collection::vec((any::<u64>(), mark()), 0..40)) {
            let marks: Vec<(MemberId, Mark)> = marks.into_iter().map(|(id, m)| (MemberId(id), m)).collect();
            prop_assert_eq!(unpack(&pack(&marks)).unwrap(), marks);
        }
    }

    #[test]
    fn a_branch_of_neighbouring_ids_costs_a_byte_a_member_after_the_first() {
        let marks: Vec<(MemberId, Mark)> = (0..20)
            .map(|i| (MemberId(4_200_000 + i), Mark::ALL[i as usize % 4]))
            .collect();
        let packed = pack(&marks);
        assert_eq!(packed.len(), 4 + 19);
        assert_eq!(unpack(&packed).unwrap(), marks);
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_panic() {
        assert_eq!(unpack(&[0x80]), Err("attendance cut short"));
        assert_eq!(unpack(&[0x07]), Err("unknown attendance mark"));
        assert_eq!(unpack(&[0xff; 20]), Err("attendance varint too long"));
        let too_big = [
            0xf8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x03,
        ];
        assert_eq!(unpack(&too_big), Err("member id out of range"));
    }

    #[test]
    fn records_and_files_differ_only_in_the_compact_encoding() {
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct Holder(#[serde(with = "super")] Vec<(MemberId, Mark)>);
        let held = Holder(vec![
            (MemberId(3), Mark::Absent),
            (MemberId(4), Mark::Present),
        ]);
        let json = serde_json::to_string(&held).unwrap();
        assert_eq!(json, r#"[[3,"Absent"],[4,"Present"]]"#);
        assert_eq!(serde_json::from_str::<Holder>(&json).unwrap(), held);
        let bytes = postcard::to_allocvec(&held).unwrap();
        // The length, then member 3 (zigzag 6) absent, then one on (zigzag 2) present.
        assert_eq!(bytes, [2, (6 << 3) | 2, 2 << 3]);
        assert_eq!(postcard::from_bytes::<Holder>(&bytes).unwrap(), held);
    }
}
