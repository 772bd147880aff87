//! Bytes -> a nested `Payload` -> a Lua VM -> a `Payload` again (`LuaVm::round_trip`, the
//! deep copy of `wippy_lua::value` both ways): the copy must give back the value as Lua sees
//! it, and nothing may panic. The JSON encoder and decoder run on the same value on the way.
//!
//! "As Lua sees it": an empty map and an empty array are both `{}` (and come back as what
//! they were: the VM remembers a table made from an empty map), a map with keys exactly
//! `1..=n`, `n >= 1`, is a sequence (and comes back as an array), and NaN equals NaN here. The decoder never puts `nil` inside a container, where Lua cannot hold it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wippy_lua::LuaVm;
use wippy_lua::modules::json;
use wippy_lua::value::MAX_DEPTH;
use wippy_runtime::payload::{ErrorKind, ErrorValue, Map, MapKey, Payload};

fuzz_target!(|data: &[u8]| {
    let p = Input {
        data,
        at: 0,
        texts: Vec::new(),
    }
    .value(0, false);
    let depth = depth(&p);

    // A VM per input, closed at its end: what the copy leaves in the VM is freed with it,
    // so the leak checker sees real leaks only (the VM's heap is not malloc's, and
    // pointers held there are invisible to it).
    let lua = LuaVm::new().expect("a plain Lua VM");
    match lua.round_trip(&p) {
        Ok(back) => {
            assert!(depth <= MAX_DEPTH, "accepted depth {depth}");
            let back = back.expect("a copied payload copies back");
            let want = canonical(&p);
            assert!(same(&want, &back), "\n want {want}\n got  {back}");
        }
        Err(_) => assert!(depth > MAX_DEPTH, "refused depth {depth}"),
    }
    drop(lua);

    if let Ok(text) = json::encode(&p) {
        assert!(std::str::from_utf8(&text).is_ok());
        // The parser nests 127 levels at most; the encoder writes 128.
        // Keys of different types with the same text (`1.5` and `"1.5"`) are written as
        // the same name twice, which the decoder refuses, as the original's does.
        if json_depth(&p) < MAX_DEPTH {
            if let Err(e) = json::decode(&text) {
                assert!(
                    e.message().contains("duplicate object member name"),
                    "encoded JSON does not decode: {}",
                    e.message()
                );
            }
        }
    }
});

/// A cursor over the fuzzer's bytes; runs out into zeros.
struct Input<'a> {
    data: &'a [u8],
    at: usize,
    /// The texts made so far, so that a value can hold one text several times (the
    /// copy shares a long text it meets again: `value.rs`, `SHARE_STRINGS_FROM`).
    texts: Vec<Payload>,
}

impl Input<'_> {
    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }

    fn done(&self) -> bool {
        self.at >= self.data.len()
    }

    fn u64(&mut self) -> u64 {
        (0..8).fold(0, |acc, _| (acc << 8) | u64::from(self.byte()))
    }

    fn text(&mut self) -> Vec<u8> {
        let n = usize::from(self.byte() % 16);
        (0..n).map(|_| self.byte()).collect()
    }

    /// A text value: a short one, a long one (past the length from which the copy
    /// shares texts) or one made before, held again.
    fn text_value(&mut self) -> Payload {
        let choice = self.byte();
        let text = match choice % 4 {
            0 | 1 => Payload::from(self.text()),
            2 => {
                let seed = self.text();
                let n = 48 + usize::from(self.byte());
                let fill = if seed.is_empty() { vec![b'x'] } else { seed };
                Payload::from(fill.iter().copied().cycle().take(n).collect::<Vec<u8>>())
            }
            _ => match self.texts.len() {
                0 => Payload::from(self.text()),
                len => {
                    let pick = usize::from(self.byte()) % len;
                    return self.texts[pick].clone();
                }
            },
        };
        self.texts.push(text.clone());
        text
    }

    /// `nested`: inside a container, where `nil` cannot stand.
    fn value(&mut self, depth: usize, nested: bool) -> Payload {
        // Past the input, or too deep to be interesting: a leaf.
        let tag = if self.done() || depth > MAX_DEPTH + 2 {
            1
        } else {
            self.byte() % 8
        };
        match tag {
            0 if !nested => Payload::Nil,
            0 | 1 => Payload::Bool(self.byte() & 1 == 1),
            2 => Payload::Int(self.u64() as i64),
            3 => Payload::Float(f64::from_bits(self.u64())),
            4 => self.text_value(),
            5 => {
                let n = usize::from(self.byte() % 6);
                Payload::array((0..n).map(|_| self.value(depth + 1, true)))
            }
            6 => {
                let n = usize::from(self.byte() % 6);
                let mut map = Map::new();
                for _ in 0..n {
                    let key = self.key();
                    let value = self.value(depth + 1, true);
                    if let Some(key) = key {
                        map.insert(key, value);
                    }
                }
                Payload::from(map)
            }
            _ => {
                let kind =
                    ErrorKind::NAMED[usize::from(self.byte()) % ErrorKind::NAMED.len()].clone();
                let message = String::from_utf8_lossy(&self.text()).into_owned();
                let mut e = ErrorValue::new(kind, message);
                let flags = self.byte();
                if flags & 1 == 1 {
                    e = e.with_retryable(flags & 2 == 2);
                }
                if flags & 4 == 4 {
                    e = e.with_details(self.value(depth + 1, false));
                }
                Payload::from(e)
            }
        }
    }

    fn key(&mut self) -> Option<MapKey> {
        match self.byte() % 4 {
            // Small integers, so sequences 1..=n turn up.
            0 => Some(MapKey::Int(i64::from(self.byte() % 8) - 1)),
            1 => MapKey::from_f64(f64::from_bits(self.u64())),
            2 => Some(MapKey::Bool(self.byte() & 1 == 1)),
            _ => Some(MapKey::from(bytes::Bytes::from(self.text()))),
        }
    }
}

/// Containers nested in `p`, as the copy into Lua counts them (an error is a leaf).
fn depth(p: &Payload) -> usize {
    match p {
        Payload::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Payload::Map(map) => 1 + map.iter().map(|(_, v)| depth(v)).max().unwrap_or(0),
        _ => 0,
    }
}

/// Containers nested in the JSON text of `p` (an error is an object holding its details).
fn json_depth(p: &Payload) -> usize {
    match p {
        Payload::Array(items) => 1 + items.iter().map(json_depth).max().unwrap_or(0),
        Payload::Map(map) => 1 + map.iter().map(|(_, v)| json_depth(v)).max().unwrap_or(0),
        Payload::Error(e) => 1 + e.details().map_or(0, json_depth),
        _ => 0,
    }
}

/// `p` as it comes back from a trip through Lua.
fn canonical(p: &Payload) -> Payload {
    match p {
        Payload::Array(items) => Payload::array(items.iter().map(canonical)),
        Payload::Map(map) => {
            let n = map.len();
            let sequence = n > 0
                && map.keys().all(|k| {
                matches!(k, MapKey::Int(i) if usize::try_from(*i).is_ok_and(|i| (1..=n).contains(&i)))
            });
            if sequence {
                Payload::array((1..=n).map(|i| {
                    canonical(
                        &map.get_key(&MapKey::Int(i as i64))
                            .cloned()
                            .unwrap_or_default(),
                    )
                }))
            } else {
                Payload::from(
                    map.iter()
                        .map(|(k, v)| (k.clone(), canonical(v)))
                        .collect::<Map>(),
                )
            }
        }
        other => other.clone(),
    }
}

/// Structural equality where NaN equals NaN (maps compare regardless of order) and errors
/// are the same `Arc`.
fn same(a: &Payload, b: &Payload) -> bool {
    match (a, b) {
        (Payload::Float(x), Payload::Float(y)) => {
            x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
        }
        (Payload::Array(x), Payload::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(x, y)| same(x, y))
        }
        (Payload::Map(x), Payload::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get_key(k).is_some_and(|w| same(v, w)))
        }
        // The copy shares the error value itself.
        (Payload::Error(x), Payload::Error(y)) => std::sync::Arc::ptr_eq(x, y),
        _ => a == b,
    }
}
