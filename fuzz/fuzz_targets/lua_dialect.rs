//! Bytes -> annotated Lua -> stripped -> compiled: neither step may panic, whatever the input,
//! and stripping may only turn annotation bytes into spaces, never moving a line break.
//! Plain Lua is never touched: a source that compiles as it is comes out of the stripper
//! unchanged (no annotation form is valid Lua 5.4, so it holds no annotation).
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
                    assert!(a == b || (b == b' ' && a != b'\n' && a != b'\r'));
                }
                if plain {
                    assert_eq!(stripped, source, "plain Lua was changed");
                } else {
                    let _ = compiles(&stripped);
                }
            }
            Err(error) => assert!(!plain, "plain Lua was refused: {error}"),
        }
    }
});
