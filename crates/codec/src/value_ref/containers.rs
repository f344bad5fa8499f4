//! Views of arrays, maps and decimals, and their iterators (structs: `struct_ref.rs`). They only exist for bytes
//! that [`ValueRef::decode`] checked, so reading them cannot fail; if it somehow did, iteration
//! stops and lookups return `None`.

use std::fmt;

use ferry_data::SchemaRef;
use num_bigint::BigInt;

use super::walk::{read, read_head, skip_n};
use super::ValueRef;
use crate::value::{unscaled_bigint, unscaled_i64};
use crate::varint::Cursor;

/// An array value: `len()` items, read when iterated.
#[derive(Clone, Copy)]
pub struct ArrayRef<'a> {
    pub(crate) len: usize,
    pub(crate) items: Option<&'a SchemaRef>,
    /// Starts at the first item; may run past the last one.
    pub(crate) body: &'a [u8],
}

impl<'a> ArrayRef<'a> {
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The schema of the items, if the array has one.
    pub fn item_schema(&self) -> Option<&'a SchemaRef> {
        self.items
    }

    /// The items, in order.
    #[inline]
    pub fn iter(&self) -> Items<'a> {
        Items {
            c: Cursor::new(self.body),
            left: self.len,
            schema: self.items,
        }
    }

    /// The item at `index` (reads past the ones before it).
    pub fn get(&self, index: usize) -> Option<ValueRef<'a>> {
        if index >= self.len {
            return None;
        }
        let mut c = Cursor::new(self.body);
        skip_n(&mut c, index)?;
        read_head(&mut c, self.items)
    }
}

impl<'a> IntoIterator for ArrayRef<'a> {
    type Item = ValueRef<'a>;
    type IntoIter = Items<'a>;
    fn into_iter(self) -> Items<'a> {
        self.iter()
    }
}

impl fmt::Debug for ArrayRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// The items of an [`ArrayRef`].
pub struct Items<'a> {
    c: Cursor<'a>,
    left: usize,
    schema: Option<&'a SchemaRef>,
}

impl<'a> Iterator for Items<'a> {
    type Item = ValueRef<'a>;

    #[inline(always)]
    fn next(&mut self) -> Option<ValueRef<'a>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let item = read(&mut self.c, self.schema);
        if item.is_none() {
            self.left = 0;
        }
        item
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Items<'_> {}

/// A map value: `len()` entries in their encoded order, read when iterated.
#[derive(Clone, Copy)]
pub struct MapRef<'a> {
    pub(crate) len: usize,
    pub(crate) keys: Option<&'a SchemaRef>,
    pub(crate) values: Option<&'a SchemaRef>,
    /// Starts at the first key; may run past the last value.
    pub(crate) body: &'a [u8],
}

impl<'a> MapRef<'a> {
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The key and value schemas, if the map has them.
    pub fn schemas(&self) -> (Option<&'a SchemaRef>, Option<&'a SchemaRef>) {
        (self.keys, self.values)
    }

    /// The entries, in order.
    #[inline]
    pub fn iter(&self) -> Entries<'a> {
        Entries {
            c: Cursor::new(self.body),
            left: self.len,
            keys: self.keys,
            values: self.values,
        }
    }

    /// The value of the first entry whose key is the string `key`.
    pub fn get_str(&self, key: &str) -> Option<ValueRef<'a>> {
        self.iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }
}

impl<'a> IntoIterator for MapRef<'a> {
    type Item = (ValueRef<'a>, ValueRef<'a>);
    type IntoIter = Entries<'a>;
    fn into_iter(self) -> Entries<'a> {
        self.iter()
    }
}

impl fmt::Debug for MapRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// The entries of a [`MapRef`].
pub struct Entries<'a> {
    c: Cursor<'a>,
    left: usize,
    keys: Option<&'a SchemaRef>,
    values: Option<&'a SchemaRef>,
}

impl<'a> Iterator for Entries<'a> {
    type Item = (ValueRef<'a>, ValueRef<'a>);

    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let entry = read(&mut self.c, self.keys).zip(read(&mut self.c, self.values));
        if entry.is_none() {
            self.left = 0;
        }
        entry
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Entries<'_> {}

/// A decimal value: an unscaled integer (big-endian two's complement bytes) and a scale, as
/// Kafka Connect's `Decimal` logical type stores it. The value is `unscaled × 10^-scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecimalRef<'a> {
    pub(crate) scale: i32,
    pub(crate) unscaled: &'a [u8],
}

impl<'a> DecimalRef<'a> {
    pub fn scale(&self) -> i32 {
        self.scale
    }

    /// The unscaled value's bytes: minimal big-endian two's complement, as Java's
    /// `BigInteger.toByteArray` (what Connect's `Decimal.fromLogical` produces).
    pub fn unscaled_bytes(&self) -> &'a [u8] {
        self.unscaled
    }

    /// The unscaled value when it fits in an `i64` (no allocation).
    #[inline]
    pub fn unscaled_i64(&self) -> Option<i64> {
        match self.unscaled.len() {
            0 => Some(0),
            1..=8 => unscaled_i64(self.unscaled),
            _ => i64::try_from(&self.to_bigint()).ok(),
        }
    }

    /// The unscaled value.
    pub fn to_bigint(&self) -> BigInt {
        unscaled_bigint(self.unscaled)
    }
}
