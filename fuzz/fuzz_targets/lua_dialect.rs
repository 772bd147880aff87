//! Bytes -> annotated Lua -> stripped -> compiled: neither step may panic, whatever the input,
//! and stripping may only turn annotation bytes into spaces, never moving a line break.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mlua::Lua;
use mlua::chunk::ChunkMode;

thread_local! {
    static LUA: Lua = Lua::new();
}

fuzz_target!(|data: &[u8]| {
    if let Ok(source) = std::str::from_utf8(data) {
        if let Ok(stripped) = wippy_lua::dialect::strip_annotations(source) {
            assert_eq!(stripped.len(), source.len());
            for (a, b) in source.bytes().zip(stripped.bytes()) {
                assert!(a == b || (b == b' ' && a != b'\n' && a != b'\r'));
            }
            LUA.with(|lua| {
                let _ = lua
                    .load(&*stripped)
                    .set_mode(ChunkMode::Text)
                    .into_function();
            });
        }
    }
});
