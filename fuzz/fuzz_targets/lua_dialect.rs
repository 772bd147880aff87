//! Bytes -> annotated Lua -> stripped -> compiled: neither step may panic, whatever the input,
//! and stripping may only turn annotation bytes into spaces (or the `;` that ends a
//! statement at an annotation's first byte), never moving a line break.
//! Plain Lua is never touched: a source that compiles as it is comes out of the stripper
//! unchanged (no annotation form is valid Lua 5.4, so it holds no annotation), but for
//! the one documented exception, `y as {t}` on one line (a call of a function `as` in
//! plain Lua, a cast in the dialect).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mlua::Lua;
use mlua::chunk::ChunkMode;

thread_local! {
    static LUA: Lua = Lua::new();
}

fn compiles(source: &str) -> bool {
    LUA.with(|lua| {
        lua.load(source)
            .set_mode(ChunkMode::Text)
            .into_function()
            .is_ok()
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(source) = std::str::from_utf8(data) {
        let plain = compiles(source);
        match wippy_lua::dialect::strip_annotations(source) {
            Ok(stripped) => {
                assert_eq!(stripped.len(), source.len());
                for (a, b) in source.bytes().zip(stripped.bytes()) {
                    assert!(a == b || ((b == b' ' || b == b';') && a != b'\n' && a != b'\r'));
                }
                if plain && stripped != source {
                    let first = source
                        .bytes()
                        .zip(stripped.bytes())
                        .position(|(a, b)| a != b)
                        .unwrap_or_default();
                    let word_start = first == 0
                        || !matches!(source.as_bytes()[first - 1], b'_' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z');
                    assert!(
                        word_start && source[first..].starts_with("as"),
                        "plain Lua was changed at byte {first}"
                    );
                } else if !plain {
                    let _ = compiles(&stripped);
                }
            }
            Err(error) => assert!(!plain, "plain Lua was refused: {error}"),
        }
    }
});
