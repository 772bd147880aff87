//! Checks that Lua files written in the dialect strip and compile, as an entry's source
//! does at load (`compile.rs`: annotations stripped, then Lua 5.4's parser).
//!
//! ```text
//! cargo run --release -p wippy-lua --example dialect_check -- FILE.lua ...
//! ```
//!
//! Prints each file that fails, with the stripper's or the parser's message, then how
//! many passed; exits with 1 when any failed. Meant for a corpus of real code, such as
//! the original runtime's repositories (the README's "Dialect" paragraph says which).
use mlua::chunk::ChunkMode;
use mlua::{Lua, LuaOptions, StdLib};
use std::process::ExitCode;

fn main() -> ExitCode {
    let lua = match Lua::new_with(StdLib::NONE, LuaOptions::new()) {
        Ok(lua) => lua,
        Err(error) => {
            eprintln!("cannot make a Lua state: {error}");
            return ExitCode::FAILURE;
        }
    };
    let (mut passed, mut failed) = (0usize, 0usize);
    for path in std::env::args().skip(1) {
        let failure = match std::fs::read_to_string(&path) {
            Err(error) => Some(format!("unreadable: {error}")),
            Ok(source) => match wippy_lua::dialect::strip_annotations(&source) {
                Err(error) => Some(format!("strip: line {}: {}", error.line, error.message)),
                Ok(stripped) => lua
                    .load(&*stripped)
                    .set_name(format!("@{path}"))
                    .set_mode(ChunkMode::Text)
                    .into_function()
                    .err()
                    .map(|error| format!("compile: {error}")),
            },
        };
        match failure {
            None => passed += 1,
            Some(why) => {
                failed += 1;
                println!("{path}: {why}");
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
