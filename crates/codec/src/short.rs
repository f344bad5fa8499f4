//! Byte checks for the short strings of a record (field names, values of a few bytes), written
//! inline: for them a call to the general routine (`is_ascii`, `memcmp`) costs more than the
//! check itself (callgrind on the boundary benchmark: about 20 instructions per call).

const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// `bytes.is_ascii()`.
#[inline(always)]
pub(crate) fn is_ascii(bytes: &[u8]) -> bool {
    let n = bytes.len();
    if (8..=16).contains(&n) {
        // Two overlapping words cover every byte.
        if let (Some(a), Some(b)) = (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
            return (u64::from_le_bytes(*a) | u64::from_le_bytes(*b)) & HIGH_BITS == 0;
        }
    } else if (17..=32).contains(&n) {
        // The first 16 and the last 16 bytes, which overlap.
        if let (Some(a), Some(b)) = (bytes.first_chunk::<16>(), bytes.last_chunk::<16>()) {
            let (a, b) = (u128::from_le_bytes(*a), u128::from_le_bytes(*b));
            return (a | b) & (u128::from(HIGH_BITS) * 0x1_0000_0000_0000_0001) == 0;
        }
    } else if (4..8).contains(&n) {
        if let (Some(a), Some(b)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
            return (u32::from_le_bytes(*a) | u32::from_le_bytes(*b)) & 0x8080_8080 == 0;
        }
    } else if n < 4 {
        return bytes.iter().fold(0, |acc, b| acc | b) < 0x80;
    }
    long_is_ascii(bytes)
}

/// `bytes.is_ascii()` for more than 32 bytes: 16 at a time, the last 16 overlapping (the
/// standard library's version went a byte at a time in the record benchmarks).
fn long_is_ascii(bytes: &[u8]) -> bool {
    const HIGH: u128 = HIGH_BITS as u128 * 0x1_0000_0000_0000_0001;
    let mut acc = 0u128;
    let mut chunks = bytes.chunks_exact(16);
    for c in &mut chunks {
        if let Some(c) = c.first_chunk::<16>() {
            acc |= u128::from_le_bytes(*c);
        }
    }
    if !chunks.remainder().is_empty() {
        match bytes.last_chunk::<16>() {
            Some(c) => acc |= u128::from_le_bytes(*c),
            None => return bytes.is_ascii(),
        }
    }
    acc & HIGH == 0
}

/// `a == b`.
#[inline(always)]
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if (8..=16).contains(&n) {
        if let (Some(a0), Some(a1), Some(b0), Some(b1)) = (
            a.first_chunk::<8>(),
            a.last_chunk::<8>(),
            b.first_chunk::<8>(),
            b.last_chunk::<8>(),
        ) {
            return a0 == b0 && a1 == b1;
        }
    } else if (4..8).contains(&n) {
        if let (Some(a0), Some(a1), Some(b0), Some(b1)) = (
            a.first_chunk::<4>(),
            a.last_chunk::<4>(),
            b.first_chunk::<4>(),
            b.last_chunk::<4>(),
        ) {
            return a0 == b0 && a1 == b1;
        }
    } else if n < 4 {
        return a.iter().zip(b).all(|(x, y)| x == y);
    }
    a == b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agree_with_the_standard_library_for_every_length() {
        for n in (0..40).chain([47, 48, 49, 100, 131]) {
            let text: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
            assert!(is_ascii(&text), "{n}");
            assert!(same(&text, &text.clone()), "{n}");
            for i in 0..n {
                let mut high = text.clone();
                high[i] = 0xc3;
                assert_eq!(is_ascii(&high), high.is_ascii(), "{n} {i}");
                assert!(!is_ascii(&high), "{n} {i}");
                let mut other = text.clone();
                other[i] ^= 1;
                assert!(!same(&text, &other), "{n} {i}");
            }
            assert!(!same(&text, &text[..n.saturating_sub(1)]) || n == 0);
        }
    }
}
