//! Unsigned varints (LEB128: seven bits a byte, low bits first, the high bit saying more
//! follow). The packed id lists of the store — a meeting's marks, the folded-name index —
//! write each number in as few bytes as it needs.

/// Why bytes do not hold a varint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarintError {
    /// The bytes end inside a varint.
    CutShort,
    /// More bytes than any number this reads needs.
    TooLong,
}

pub fn write(out: &mut Vec<u8>, mut value: u128) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// The varint at the front of `bytes`, which are advanced past it.
pub fn read(bytes: &mut &[u8]) -> Result<u128, VarintError> {
    let mut value = 0u128;
    for shift in (0..128).step_by(7) {
        let (&byte, rest) = bytes.split_first().ok_or(VarintError::CutShort)?;
        *bytes = rest;
        value |= u128::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(VarintError::TooLong)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_numbers_take_one_byte_and_all_round_trip() {
        for value in [0, 1, 127, 128, 300, u128::from(u64::MAX), u128::MAX] {
            let mut out = Vec::new();
            write(&mut out, value);
            assert_eq!(out.len() == 1, value < 128);
            let mut bytes = out.as_slice();
            assert_eq!(read(&mut bytes), Ok(value));
            assert!(bytes.is_empty());
        }
    }

    #[test]
    fn bad_bytes_say_what_is_wrong() {
        assert_eq!(read(&mut &[0x80][..]), Err(VarintError::CutShort));
        assert_eq!(read(&mut &[0xff; 20][..]), Err(VarintError::TooLong));
    }
}
