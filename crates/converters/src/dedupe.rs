//! Map entries with Java `Map.put` semantics: a repeated key keeps its first position and takes
//! the last value.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use ferry_data::Value;

/// Below this many entries duplicates are found by pairwise comparison.
const LINEAR_LIMIT: usize = 16;

/// Collapses entries with equal keys: first position, last value.
pub(crate) fn dedupe_entries(entries: &mut Vec<(Value, Value)>) {
    if !has_duplicate_keys(entries) {
        return;
    }
    let mut index: HashMap<u64, Vec<usize>> = HashMap::with_capacity(entries.len());
    let mut result: Vec<(Value, Value)> = Vec::with_capacity(entries.len());
    for (key, value) in entries.drain(..) {
        let slots = index.entry(fingerprint(&key)).or_default();
        match slots.iter().copied().find(|&i| result[i].0 == key) {
            Some(i) => result[i].1 = value,
            None => {
                slots.push(result.len());
                result.push((key, value));
            }
        }
    }
    *entries = result;
}

fn has_duplicate_keys(entries: &[(Value, Value)]) -> bool {
    if entries.len() <= LINEAR_LIMIT {
        return entries
            .iter()
            .enumerate()
            .any(|(i, (k, _))| entries[i + 1..].iter().any(|(o, _)| o == k));
    }
    let mut prints: Vec<(u64, usize)> = entries
        .iter()
        .enumerate()
        .map(|(i, (k, _))| (fingerprint(k), i))
        .collect();
    prints.sort_unstable();
    prints
        .windows(2)
        .any(|w| w[0].0 == w[1].0 && entries[w[0].1].0 == entries[w[1].1].0)
}

/// A hash of a value consistent with `==` (equal values hash equally).
fn fingerprint(value: &Value) -> u64 {
    let mut hasher = DefaultHasher::new();
    hash_value(value, &mut hasher);
    hasher.finish()
}

fn hash_value(value: &Value, h: &mut DefaultHasher) {
    std::mem::discriminant(value).hash(h);
    match value {
        Value::Null => {}
        Value::Int8(v) => v.hash(h),
        Value::Int16(v) => v.hash(h),
        Value::Int32(v) | Value::Date(v) | Value::Time(v) => v.hash(h),
        Value::Int64(v) | Value::Timestamp(v) => v.hash(h),
        // Equal floats may differ in bits only for zeros (and NaN never equals), so hash zeros alike.
        Value::Float32(v) => (if *v == 0.0 { 0 } else { v.to_bits() }).hash(h),
        Value::Float64(v) => (if *v == 0.0 { 0 } else { v.to_bits() }).hash(h),
        Value::Boolean(v) => v.hash(h),
        Value::String(s) => s.hash(h),
        Value::Bytes(b) => b.hash(h),
        Value::Array(items) => items.iter().for_each(|i| hash_value(i, h)),
        Value::Map(entries) => entries.iter().for_each(|(k, v)| {
            hash_value(k, h);
            hash_value(v, h);
        }),
        Value::Struct(s) => s.values().iter().for_each(|v| hash_value(v, h)),
        Value::Decimal(unscaled, scale) => {
            unscaled.hash(h);
            scale.hash(h);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(pairs: &[(i32, i32)]) -> Vec<(Value, Value)> {
        pairs
            .iter()
            .map(|(k, v)| (Value::Int32(*k), Value::Int32(*v)))
            .collect()
    }

    #[test]
    fn last_value_wins_at_first_position() {
        let mut small = entries(&[(1, 1), (2, 2), (1, 3)]);
        dedupe_entries(&mut small);
        assert_eq!(small, entries(&[(1, 3), (2, 2)]));

        let mut large: Vec<(i32, i32)> = (0..100).map(|i| (i, i)).collect();
        large.push((50, -1));
        large.push((0, -2));
        let mut values = entries(&large);
        dedupe_entries(&mut values);
        assert_eq!(values.len(), 100);
        assert_eq!(values[0], (Value::Int32(0), Value::Int32(-2)));
        assert_eq!(values[50], (Value::Int32(50), Value::Int32(-1)));
    }

    #[test]
    fn distinct_keys_are_untouched() {
        let mut values = entries(&(0..40).map(|i| (i, i)).collect::<Vec<_>>());
        let before = values.clone();
        dedupe_entries(&mut values);
        assert_eq!(values, before);
        let mut mixed = vec![
            (Value::Int8(1), Value::Null),
            (Value::Int16(1), Value::Null),
        ];
        dedupe_entries(&mut mixed);
        assert_eq!(mixed.len(), 2);
    }
}
