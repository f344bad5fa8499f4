//! The JsonConverter's schema caches (`schemas.cache.size` entries each, least recently used
//! evicted): schema to JSON text when writing, JSON text to schema when reading.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use ferry_data::{Schema, SchemaRef};

/// A small LRU map. Eviction scans the entries, which only happens when the working set of
/// schemas exceeds the capacity.
#[derive(Debug)]
pub(crate) struct Lru<K, V> {
    capacity: usize,
    tick: u64,
    map: HashMap<K, (V, u64)>,
}

impl<K: Hash + Eq, V: Clone> Lru<K, V> {
    pub(crate) fn new(capacity: usize) -> Self {
        Lru {
            capacity,
            tick: 0,
            map: HashMap::new(),
        }
    }

    pub(crate) fn get<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.tick += 1;
        let tick = self.tick;
        self.map.get_mut(key).map(|(value, used)| {
            *used = tick;
            value.clone()
        })
    }

    pub(crate) fn insert(&mut self, key: K, value: V) {
        if self.capacity == 0 {
            return;
        }
        if self.map.len() >= self.capacity && !self.map.contains_key(&key) {
            if let Some(oldest) = self.map.values().map(|(_, used)| *used).min() {
                self.map.retain(|_, (_, used)| *used != oldest);
            }
        }
        self.tick += 1;
        self.map.insert(key, (value, self.tick));
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }
}

/// A schema compared by value (`ConnectSchema.equals`), hashed by its structure.
#[derive(Debug, Clone)]
struct SchemaKey(SchemaRef);

impl PartialEq for SchemaKey {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || *self.0 == *other.0
    }
}

impl Eq for SchemaKey {}

impl Hash for SchemaKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_schema(&self.0, state);
    }
}

/// Hashes everything but default values (equal schemas still hash equally).
fn hash_schema<H: Hasher>(schema: &Schema, h: &mut H) {
    schema.ty.hash(h);
    schema.optional.hash(h);
    schema.name.hash(h);
    schema.version.hash(h);
    schema.doc.hash(h);
    schema.parameters.hash(h);
    for field in &schema.fields {
        field.name.hash(h);
        hash_schema(&field.schema, h);
    }
    for nested in [&schema.key_schema, &schema.value_schema] {
        nested.is_some().hash(h);
        if let Some(s) = nested {
            hash_schema(s, h);
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Schema to its JSON text. The schema of the previous call is checked by pointer first, so a
/// stream of records sharing one schema costs no hashing.
#[derive(Debug)]
pub(crate) struct SchemaTextCache {
    inner: Mutex<TextEntries>,
}

#[derive(Debug)]
struct TextEntries {
    /// The schema of the previous call and its text.
    last: Option<(SchemaRef, Arc<[u8]>)>,
    lru: Lru<SchemaKey, Arc<[u8]>>,
}

impl SchemaTextCache {
    pub(crate) fn new(capacity: usize) -> Self {
        let entries = TextEntries {
            last: None,
            lru: Lru::new(capacity),
        };
        SchemaTextCache {
            inner: Mutex::new(entries),
        }
    }

    /// The cached text of `schema`, or `render`'s result (then cached).
    pub(crate) fn get_or_render<E>(
        &self,
        schema: &SchemaRef,
        render: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<Arc<[u8]>, E> {
        {
            let mut guard = lock(&self.inner);
            let TextEntries { last, lru } = &mut *guard;
            if let Some((_, text)) = last.as_ref().filter(|(s, _)| Arc::ptr_eq(s, schema)) {
                return Ok(text.clone());
            }
            if let Some(text) = lru.get(&SchemaKey(schema.clone())) {
                *last = Some((schema.clone(), text.clone()));
                return Ok(text);
            }
        }
        let text: Arc<[u8]> = render()?.into();
        let mut guard = lock(&self.inner);
        let TextEntries { last, lru } = &mut *guard;
        if lru.capacity > 0 {
            *last = Some((schema.clone(), text.clone()));
        }
        lru.insert(SchemaKey(schema.clone()), text.clone());
        Ok(text)
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        lock(&self.inner).lru.len()
    }
}

/// Schema JSON text (exactly as it appears in the record) to its parsed schema. The text of the
/// previous hit is kept, so that a record repeating it is recognised by comparing bytes, without
/// tokenizing or hashing the schema.
#[derive(Debug)]
pub(crate) struct SchemaParseCache {
    inner: Mutex<ParseEntries>,
}

#[derive(Debug)]
struct ParseEntries {
    last: Option<(Arc<str>, SchemaRef)>,
    lru: Lru<Arc<str>, SchemaRef>,
}

impl SchemaParseCache {
    pub(crate) fn new(capacity: usize) -> Self {
        let entries = ParseEntries {
            last: None,
            lru: Lru::new(capacity),
        };
        SchemaParseCache {
            inner: Mutex::new(entries),
        }
    }

    /// The schema whose text `input` starts with, if it is the last one seen, and that text's
    /// length. A schema is a JSON object, so its text ends the value wherever it appears.
    pub(crate) fn last_prefix_of(&self, input: &str) -> Option<(usize, SchemaRef)> {
        let guard = lock(&self.inner);
        let (text, schema) = guard.last.as_ref()?;
        input
            .starts_with(&**text)
            .then(|| (text.len(), schema.clone()))
    }

    pub(crate) fn get(&self, text: &str) -> Option<SchemaRef> {
        let mut guard = lock(&self.inner);
        let ParseEntries { last, lru } = &mut *guard;
        let schema = lru.get(text)?;
        *last = Some((text.into(), schema.clone()));
        Some(schema)
    }

    pub(crate) fn insert(&self, text: &str, schema: SchemaRef) {
        let mut guard = lock(&self.inner);
        let ParseEntries { last, lru } = &mut *guard;
        if lru.capacity == 0 {
            return;
        }
        let text: Arc<str> = text.into();
        *last = Some((text.clone(), schema.clone()));
        lru.insert(text, schema);
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        lock(&self.inner).lru.len()
    }
}

/// A hash of a schema, for tests of [`SchemaKey`].
#[cfg(test)]
fn schema_hash(schema: &Schema) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    hash_schema(schema, &mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use ferry_data::{Type, Value};

    use super::*;

    #[test]
    fn lru_evicts_least_recently_used() {
        let mut lru = Lru::new(2);
        lru.insert("a", 1);
        lru.insert("b", 2);
        assert_eq!(lru.get("a"), Some(1));
        lru.insert("c", 3);
        assert_eq!(lru.get("b"), None);
        assert_eq!(lru.get("a"), Some(1));
        assert_eq!(lru.get("c"), Some(3));
        let mut none = Lru::new(0);
        none.insert("a", 1);
        assert_eq!(none.len(), 0);
    }

    #[test]
    fn equal_schemas_share_an_entry() {
        let cache = SchemaTextCache::new(10);
        let mut renders = 0;
        for schema in [
            Schema::primitive(Type::Boolean),
            Schema::primitive(Type::Boolean),
            Schema::optional_primitive(Type::Boolean),
        ] {
            cache
                .get_or_render::<()>(&schema, || {
                    renders += 1;
                    Ok(vec![b'x'])
                })
                .unwrap();
        }
        assert_eq!((renders, cache.len()), (2, 2));
        let with_default = Schema::builder(Type::Int32)
            .default_value(Value::Int32(1))
            .build();
        assert_eq!(
            schema_hash(&with_default),
            schema_hash(&Schema::of(Type::Int32))
        );
        assert_ne!(
            SchemaKey(with_default),
            SchemaKey(Schema::primitive(Type::Int32))
        );
    }
}
