use super::*;

#[test]
fn a_map_with_keys_one_to_n_is_a_sequence() {
    let map: Map = [(2, "b"), (1, "a"), (3, "c")]
        .into_iter()
        .map(|(k, v)| (k as i64, v))
        .collect();
    assert_eq!(
        sequence(&map),
        Some(Payload::array(["a", "b", "c"].map(Payload::from)))
    );
}

#[test]
fn a_map_with_a_gap_or_other_keys_is_not_a_sequence() {
    let gap: Map = [(1_i64, 1), (3, 3)].into_iter().collect();
    assert_eq!(sequence(&gap), None);
    let mixed: Map = [(MapKey::Int(1), 1), (MapKey::from("x"), 2)]
        .into_iter()
        .collect();
    assert_eq!(sequence(&mixed), None);
    let negative: Map = [(0_i64, 0), (1, 1)].into_iter().collect();
    assert_eq!(sequence(&negative), None);
    assert_eq!(sequence(&Map::new()), None);
}

#[test]
fn collected_items_keep_their_keys_when_they_become_a_map() {
    let map = items_to_map(vec![Payload::from("a"), Payload::from("b")]);
    assert_eq!(map.get_key(&MapKey::Int(2)), Some(&Payload::from("b")));
    assert_eq!(map.len(), 2);
}

#[test]
fn ptr_hasher_spreads_aligned_addresses() {
    use std::hash::BuildHasher;
    let b = BuildHasherDefault::<PtrHasher>::default();
    let h: Vec<u64> = (0..4usize)
        .map(|i| b.hash_one(0x1000 + i * 16) >> 60)
        .collect();
    // The top bits (what hashbrown uses first) differ for neighbouring 16-byte slots.
    assert!(h.windows(2).any(|w| w[0] != w[1]));
}
