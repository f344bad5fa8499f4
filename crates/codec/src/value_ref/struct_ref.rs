//! The view of a struct value and the iterator over its fields. Like the other views, it only
//! exists for bytes that [`ValueRef::decode`] checked, so reading it cannot fail.

use std::fmt;

use ferry_data::{Field, SchemaRef, Struct};

use super::walk::{read, read_head, skip_n, KNOWN_STARTS, UNKNOWN_START};
use super::ValueRef;
use crate::short;
use crate::varint::Cursor;

/// A struct value: one value per field of its schema, read when asked for.
#[derive(Clone, Copy)]
pub struct StructRef<'a> {
    pub(crate) schema: &'a SchemaRef,
    /// Starts at the first field's value; may run past the last one.
    pub(crate) body: &'a [u8],
    /// Where fields 1 to [`KNOWN_STARTS`] start in `body` ([`UNKNOWN_START`] if not kept).
    pub(crate) starts: [u16; KNOWN_STARTS],
}

impl<'a> StructRef<'a> {
    /// The struct's schema (field names, types, logical types).
    pub fn schema(&self) -> &'a SchemaRef {
        self.schema
    }

    /// The value of field `name` (`None` if the schema has no such field). The view knows
    /// where the first 9 fields start; a field after those is found by reading past the ones
    /// before it (to read every field of a wide struct, [`fields`](Self::fields) walks the
    /// value once).
    #[inline]
    pub fn field(&self, name: &str) -> Option<ValueRef<'a>> {
        // Field names are short: compared inline, a word at a time, without a `memcmp` call.
        let index = self
            .schema
            .fields
            .iter()
            .position(|f| short::same(f.name.as_bytes(), name.as_bytes()))?;
        self.get(index)
    }

    /// The value of the field at `index`, in schema order.
    #[inline]
    pub fn get(&self, index: usize) -> Option<ValueRef<'a>> {
        let field = self.schema.fields.get(index)?;
        let known = index.min(KNOWN_STARTS);
        let (skip, start) = match known.checked_sub(1).map(|k| self.starts[k]) {
            Some(start) if start != UNKNOWN_START => (index - known, usize::from(start)),
            _ => (index, 0),
        };
        let mut c = Cursor::new(self.body.get(start..)?);
        if skip > 0 {
            skip_n(&mut c, skip)?;
        }
        read_head(&mut c, Some(&field.schema))
    }

    /// Every field with its value, in schema order.
    #[inline]
    pub fn fields(&self) -> Fields<'a> {
        Fields {
            c: Cursor::new(self.body),
            fields: self.schema.fields.iter(),
        }
    }

    /// The owned struct.
    pub fn to_struct(&self) -> Struct {
        let values = self.fields().map(|(_, v)| v.to_value()).collect();
        Struct::from_values_unchecked(self.schema.clone(), values)
    }
}

impl<'a> IntoIterator for StructRef<'a> {
    type Item = (&'a Field, ValueRef<'a>);
    type IntoIter = Fields<'a>;
    fn into_iter(self) -> Fields<'a> {
        self.fields()
    }
}

impl fmt::Debug for StructRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.fields().map(|(field, v)| (&field.name, v)))
            .finish()
    }
}

/// The fields of a [`StructRef`] with their values.
pub struct Fields<'a> {
    c: Cursor<'a>,
    fields: std::slice::Iter<'a, Field>,
}

impl<'a> Iterator for Fields<'a> {
    type Item = (&'a Field, ValueRef<'a>);

    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        let field = self.fields.next()?;
        match read(&mut self.c, Some(&field.schema)) {
            Some(v) => Some((field, v)),
            None => {
                self.fields = Default::default();
                None
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.fields.size_hint()
    }
}

impl ExactSizeIterator for Fields<'_> {}
