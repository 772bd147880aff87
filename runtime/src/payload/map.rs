//! [`Map`]: the insertion-ordered map of a [`Payload::Map`](super::Payload::Map).
//!
//! Most maps that travel in messages are small records (`{sender = ..., data = ...}`),
//! so a map of up to [`SMALL`] entries is a vector searched in order: no hashing and one
//! allocation. A larger map switches, once, to an [`IndexMap`] with std's
//! randomly-keyed hasher, which keeps lookups fast and safe against colliding keys from
//! untrusted input (JSON bodies).

use super::{MapKey, Payload};
use indexmap::IndexMap;

/// The most entries a map keeps as a plain vector.
const SMALL: usize = 8;

/// An insertion-ordered map from [`MapKey`] to [`Payload`].
#[derive(Clone, Debug)]
pub struct Map {
    repr: Repr,
}

#[derive(Clone, Debug)]
enum Repr {
    /// At most [`SMALL`] entries, distinct keys, in insertion order.
    Small(Vec<(MapKey, Payload)>),
    Large(IndexMap<MapKey, Payload>),
}

impl Default for Map {
    fn default() -> Map {
        Map {
            repr: Repr::Small(Vec::new()),
        }
    }
}

impl Map {
    /// An empty map.
    pub fn new() -> Map {
        Map::default()
    }

    /// An empty map with room for `capacity` entries.
    pub fn with_capacity(capacity: usize) -> Map {
        Map {
            repr: if capacity <= SMALL {
                Repr::Small(Vec::with_capacity(capacity))
            } else {
                Repr::Large(IndexMap::with_capacity(capacity))
            },
        }
    }

    /// Inserts or replaces; a replaced key keeps its original position. Returns the old value.
    pub fn insert(&mut self, key: impl Into<MapKey>, value: impl Into<Payload>) -> Option<Payload> {
        let (key, value) = (key.into(), value.into());
        match &mut self.repr {
            Repr::Large(map) => map.insert(key, value),
            Repr::Small(entries) => {
                if let Some((_, old)) = entries.iter_mut().find(|(k, _)| *k == key) {
                    return Some(std::mem::replace(old, value));
                }
                if entries.len() < SMALL {
                    entries.push((key, value));
                } else {
                    let mut map: IndexMap<MapKey, Payload> =
                        IndexMap::with_capacity(entries.len() * 2);
                    map.extend(entries.drain(..));
                    map.insert(key, value);
                    self.repr = Repr::Large(map);
                }
                None
            }
        }
    }

    /// Appends an entry whose key the map does not hold (the caller knows it: the keys
    /// of a Lua table, read with `next`, are distinct), without looking for it.
    /// Inserting a key twice this way leaves the map with two entries for it.
    pub fn push_new(&mut self, key: impl Into<MapKey>, value: impl Into<Payload>) {
        let (key, value) = (key.into(), value.into());
        debug_assert!(
            !self.contains_key(&key),
            "push_new of a key already present"
        );
        match &mut self.repr {
            Repr::Large(map) => {
                map.insert(key, value);
            }
            Repr::Small(entries) if entries.len() < SMALL => entries.push((key, value)),
            Repr::Small(_) => {
                self.insert(key, value);
            }
        }
    }

    /// Removes a key, keeping the order of the others. Returns the value.
    pub fn remove(&mut self, key: &MapKey) -> Option<Payload> {
        match &mut self.repr {
            Repr::Large(map) => map.shift_remove(key),
            Repr::Small(entries) => {
                let at = entries.iter().position(|(k, _)| k == key)?;
                Some(entries.remove(at).1)
            }
        }
    }

    /// Looks up a string key.
    pub fn get(&self, key: &str) -> Option<&Payload> {
        self.get_key(&MapKey::from(key))
    }

    /// Looks up any key.
    pub fn get_key(&self, key: &MapKey) -> Option<&Payload> {
        match &self.repr {
            Repr::Large(map) => map.get(key),
            Repr::Small(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
        }
    }

    /// Whether the key is present.
    pub fn contains_key(&self, key: &MapKey) -> bool {
        self.get_key(key).is_some()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Large(map) => map.len(),
            Repr::Small(entries) => entries.len(),
        }
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Entries in insertion order.
    pub fn iter(&self) -> MapIter<'_> {
        MapIter(match &self.repr {
            Repr::Large(map) => IterRepr::Large(map.iter()),
            Repr::Small(entries) => IterRepr::Small(entries.iter()),
        })
    }

    /// Keys in insertion order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &MapKey> + '_ {
        self.iter().map(|(k, _)| k)
    }
}

/// Maps are equal when they hold the same entries, in any order.
impl PartialEq for Map {
    fn eq(&self, other: &Map) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get_key(k) == Some(v))
    }
}

impl<K: Into<MapKey>, V: Into<Payload>> FromIterator<(K, V)> for Map {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Map {
        let mut map = Map::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a MapKey, &'a Payload);
    type IntoIter = MapIter<'a>;

    fn into_iter(self) -> MapIter<'a> {
        self.iter()
    }
}

/// The entries of a [`Map`], in insertion order.
#[derive(Clone, Debug)]
pub struct MapIter<'a>(IterRepr<'a>);

#[derive(Clone, Debug)]
enum IterRepr<'a> {
    Small(std::slice::Iter<'a, (MapKey, Payload)>),
    Large(indexmap::map::Iter<'a, MapKey, Payload>),
}

impl<'a> Iterator for MapIter<'a> {
    type Item = (&'a MapKey, &'a Payload);

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            IterRepr::Small(it) => it.next().map(|(k, v)| (k, v)),
            IterRepr::Large(it) => it.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.0 {
            IterRepr::Small(it) => it.size_hint(),
            IterRepr::Large(it) => it.size_hint(),
        }
    }
}

impl ExactSizeIterator for MapIter<'_> {}
