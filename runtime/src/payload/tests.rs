use super::*;

#[test]
fn is_send_sync_clone_debug() {
    fn check<T: Send + Sync + Clone + fmt::Debug + 'static>() {}
    check::<Payload>();
    check::<Map>();
    check::<ErrorValue>();
}

#[test]
fn conversions_from_primitives() {
    assert_eq!(Payload::from(true), Payload::Bool(true));
    assert_eq!(Payload::from(7u8), Payload::Int(7));
    assert_eq!(Payload::from(-7i32), Payload::Int(-7));
    assert_eq!(Payload::from(u32::MAX), Payload::Int(i64::from(u32::MAX)));
    assert_eq!(Payload::from(1.5f32), Payload::Float(1.5));
    assert_eq!(Payload::from("hi").as_str(), Some("hi"));
    assert_eq!(
        Payload::from(String::from("hi")).as_bytes(),
        Some(&b"hi"[..])
    );
    assert_eq!(
        Payload::from(vec![0xffu8, 0]).as_bytes(),
        Some(&[0xff, 0][..])
    );
    assert_eq!(Payload::from(vec![0xffu8]).as_str(), None);
    assert_eq!(Payload::from(None::<i64>), Payload::Nil);
    assert_eq!(Payload::from(Some(3)), Payload::Int(3));
    let arr: Payload = (1..=3).map(Payload::from).collect();
    assert_eq!(arr.as_array().map(<[Payload]>::len), Some(3));
}

#[test]
fn accessors_reject_other_types() {
    let p = Payload::from(3);
    assert_eq!(p.as_int(), Some(3));
    assert_eq!(p.as_f64(), Some(3.0));
    assert_eq!(p.as_bool(), None);
    assert_eq!(p.as_str(), None);
    assert!(p.as_map().is_none());
    assert!(p.as_array().is_none());
    assert!(p.as_error().is_none());
    assert_eq!(Payload::Float(2.5).as_int(), None);
    assert_eq!(p.type_name(), "number");
    assert_eq!(Payload::Nil.type_name(), "nil");
    assert!(Payload::default().is_nil());
}

#[test]
fn map_keeps_insertion_order() {
    let mut m = Map::new();
    m.insert("zeta", 1);
    m.insert("alpha", 2);
    m.insert(10, 3);
    m.insert(true, 4);
    let old = m.insert("zeta", 5);
    assert_eq!(old, Some(Payload::Int(1)));
    let keys: Vec<String> = m.keys().map(ToString::to_string).collect();
    assert_eq!(keys, ["\"zeta\"", "\"alpha\"", "10", "true"]);
    assert_eq!(m.get("zeta"), Some(&Payload::Int(5)));
    m.remove(&MapKey::from("alpha"));
    let keys: Vec<String> = m.keys().map(ToString::to_string).collect();
    assert_eq!(keys, ["\"zeta\"", "10", "true"]);
}

#[test]
fn push_new_appends_in_order_small_and_large() {
    let mut m = Map::with_capacity(4);
    for i in 0..20 {
        m.push_new(format!("k{i}").as_str(), i);
    }
    assert_eq!(m.len(), 20);
    for i in 0..20 {
        assert_eq!(m.get(&format!("k{i}")), Some(&Payload::Int(i)));
    }
    let keys: Vec<String> = m.keys().take(3).map(ToString::to_string).collect();
    assert_eq!(keys, ["\"k0\"", "\"k1\"", "\"k2\""]);
}

#[test]
fn float_keys_follow_lua() {
    assert_eq!(MapKey::from_f64(1.0), Some(MapKey::Int(1)));
    assert_eq!(MapKey::from_f64(-0.0), Some(MapKey::Int(0)));
    assert_eq!(MapKey::from_f64(f64::NAN), None);
    let k = MapKey::from_f64(1.5).unwrap();
    assert!(matches!(k, MapKey::Float(f) if f.get() == 1.5));
    // 2^63 does not fit in i64, so it stays a float key.
    assert!(matches!(
        MapKey::from_f64(2f64.powi(63)),
        Some(MapKey::Float(_))
    ));
    assert_eq!(
        MapKey::from_f64(-(2f64.powi(63))),
        Some(MapKey::Int(i64::MIN))
    );
    let mut m = Map::new();
    m.insert(MapKey::from_f64(2.0).unwrap(), "a");
    m.insert(2, "b");
    assert_eq!(m.len(), 1);
    assert_eq!(MapKey::from_payload(&Payload::Nil), None);
    assert_eq!(
        MapKey::from_payload(&Payload::Float(3.0)),
        Some(MapKey::Int(3))
    );
    assert_eq!(
        MapKey::from_payload(&Payload::from("x")).unwrap().as_str(),
        Some("x")
    );
    assert_eq!(MapKey::Int(4).to_payload(), Payload::Int(4));
}

#[test]
fn clone_is_shallow() {
    let big = Payload::map([("list", Payload::array((0..1000).map(Payload::from)))]);
    let copy = big.clone();
    match (&big, &copy) {
        (Payload::Map(a), Payload::Map(b)) => assert!(Arc::ptr_eq(a, b)),
        _ => unreachable!("built as a map"),
    }
}

#[test]
fn error_values() {
    let e = ErrorValue::new(ErrorKind::NotFound, "no such entry")
        .with_retryable(false)
        .with_details(Payload::map([("id", "app:x")]));
    assert_eq!(e.kind().as_str(), "NotFound");
    assert_eq!(e.kind().constant_name(), Some("NOT_FOUND"));
    assert_eq!(e.message(), "no such entry");
    assert_eq!(e.retryable(), Some(false));
    assert_eq!(
        e.details()
            .and_then(|d| d.get("id"))
            .and_then(Payload::as_str),
        Some("app:x")
    );
    assert_eq!(e.to_string(), "NotFound: no such entry");
    assert_eq!(
        ErrorValue::new(ErrorKind::Unknown, "plain").to_string(),
        "plain"
    );
    let wrapped = e.clone().wrapped("query").wrapped("load");
    assert_eq!(wrapped.message(), "no such entry");
    assert_eq!(wrapped.context(), Some("load: query"));
    assert_eq!(wrapped.text(), "load: query: no such entry");
    assert_eq!(wrapped.to_string(), "NotFound: load: query: no such entry");
    assert_eq!(wrapped.retryable(), Some(false));
    let p = Payload::from(e);
    assert_eq!(p.type_name(), "error");
    assert!(p.as_error().is_some());
}

#[test]
fn error_kind_names() {
    for kind in ErrorKind::NAMED {
        assert_eq!(ErrorKind::from_name(kind.as_str()), kind);
    }
    assert_eq!(ErrorKind::from_name("RateLimited"), ErrorKind::RateLimited);
    assert_eq!(ErrorKind::from_name(""), ErrorKind::Unknown);
    // The constants' names are not kind strings (as in the original runtime).
    assert_eq!(
        ErrorKind::from_name("NOT_FOUND"),
        ErrorKind::Other("NOT_FOUND".into())
    );
    let other = ErrorKind::from_name("TEAPOT");
    assert_eq!(other, ErrorKind::Other("TEAPOT".into()));
    assert_eq!(other.to_string(), "TEAPOT");
    assert_eq!(ErrorKind::default(), ErrorKind::Unknown);
}

#[test]
fn display_is_json_like() {
    let p = Payload::map([
        (MapKey::from("name"), Payload::from("a \"q\"\n")),
        (MapKey::from("n"), Payload::from(3)),
        (MapKey::from("f"), Payload::from(1.0)),
        (
            MapKey::from("list"),
            Payload::array([Payload::Nil, Payload::Bool(false)]),
        ),
        (MapKey::Int(2), Payload::map::<&str, Payload>([])),
    ]);
    assert_eq!(
        p.to_string(),
        r#"{"name": "a \"q\"\n", "n": 3, "f": 1.0, "list": [null, false], 2: {}}"#
    );
    assert_eq!(Payload::Float(f64::NAN).to_string(), "nan");
    assert_eq!(Payload::Float(f64::NEG_INFINITY).to_string(), "-inf");
    assert_eq!(Payload::Float(0.1).to_string(), "0.1");
    assert_eq!(
        Payload::from(vec![b'a', 0xff, 1]).to_string(),
        r#""a\xff\u0001""#
    );
    let e = Payload::from(ErrorValue::new(ErrorKind::Timeout, "slow").with_retryable(true));
    assert_eq!(
        e.to_string(),
        r#"error{"kind": "Timeout", "message": "slow", "retryable": true}"#
    );
}

/// Keys `0..n` as integers with string values `v0..`.
fn numbered(n: i64) -> Map {
    (0..n)
        .map(|i| (i, Payload::string(format!("v{i}"))))
        .collect()
}

#[test]
fn maps_keep_order_and_replacements_past_the_small_size() {
    for n in [1, 8, 9, 20] {
        let mut m = numbered(n);
        assert_eq!(m.len(), usize::try_from(n).unwrap());
        // A replaced key keeps its position; a new key goes last.
        assert_eq!(m.insert(0, "again"), Some(Payload::from("v0")));
        m.insert("last", true);
        let keys: Vec<MapKey> = m.keys().cloned().collect();
        let mut expected: Vec<MapKey> = (0..n).map(MapKey::Int).collect();
        expected.push(MapKey::from("last"));
        assert_eq!(keys, expected, "{n} entries");
        assert_eq!(m.get_key(&MapKey::Int(0)), Some(&Payload::from("again")));
        assert_eq!(m.iter().len(), m.len());
        // Removal keeps the order of the rest.
        assert_eq!(m.remove(&MapKey::Int(0)), Some(Payload::from("again")));
        assert_eq!(m.remove(&MapKey::Int(0)), None);
        assert!(!m.contains_key(&MapKey::Int(0)));
        let first = if n > 1 {
            MapKey::Int(1)
        } else {
            MapKey::from("last")
        };
        assert_eq!(m.keys().next(), Some(&first));
    }
}

#[test]
fn maps_are_equal_by_content_in_any_order_and_size() {
    let forward = numbered(12);
    let backward: Map = (0..12)
        .rev()
        .map(|i| (i, Payload::string(format!("v{i}"))))
        .collect();
    assert_eq!(forward, backward);
    let small = numbered(3);
    let mut grown = numbered(12);
    for i in 3..12 {
        grown.remove(&MapKey::Int(i));
    }
    // One stayed a vector, the other grew into a hash map: still equal.
    assert_eq!(small, grown);
    grown.insert(2, "other");
    assert_ne!(small, grown);
    assert_ne!(numbered(3), numbered(4));
}

#[test]
fn text_is_inline_up_to_its_limit_and_equal_either_way() {
    use super::Text;
    use std::collections::hash_map::DefaultHasher;
    use std::hash::{Hash, Hasher};
    let hash = |t: &Text| {
        let mut h = DefaultHasher::new();
        t.hash(&mut h);
        h.finish()
    };
    let short = Text::from("x".repeat(Text::INLINE));
    let long = Text::from("x".repeat(Text::INLINE + 1));
    assert!(short.is_inline());
    assert!(!long.is_inline());
    assert_eq!(&short[..], "x".repeat(Text::INLINE).as_bytes());
    assert_eq!(long.len(), Text::INLINE + 1);
    // The same bytes stored either way are one value (map keys rely on it).
    let shared = Text::from(bytes::Bytes::from("x".repeat(Text::INLINE)));
    assert!(shared.is_inline());
    assert_eq!(short, shared);
    assert_eq!(hash(&short), hash(&Text::copy_from_slice(&short)));
    assert!(Text::from("a") < Text::from("b") && Text::from("b") < long);
    assert_eq!(
        format!("{:?}", Text::from(&b"a\"\xff"[..])),
        "b\"a\\\"\\xff\""
    );
    assert_eq!(bytes::Bytes::from(long.clone()).len(), Text::INLINE + 1);
    assert_eq!(&long.to_bytes()[..], &long[..]);
    assert!(Text::default().is_empty());
    let mut m = Map::new();
    m.insert(MapKey::from("sender"), 1);
    assert_eq!(m.get("sender"), Some(&Payload::Int(1)));
    for n in [0, 1, Text::INLINE, Text::INLINE + 1, 1000] {
        let v: Vec<u8> = (0..n).map(|i| (i % 251) as u8).collect();
        assert_eq!(&Text::from(v.clone())[..], &v[..], "{n} bytes");
        assert_eq!(&Text::copy_from_slice(&v)[..], &v[..], "{n} bytes");
    }
}
