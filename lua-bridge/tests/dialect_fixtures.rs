//! The dialect stripper on whole annotated files: the http-spawn worker from the reference,
//! and fixtures for generics, casts and type declarations. Each is stripped, compiled with
//! Lua 5.4 and run.

use std::borrow::Cow;

use mlua::{Function, Lua, Table};
use wippy_lua::dialect::strip_annotations;

const WORKER: &str = include_str!("fixtures/dialect/worker.lua");
const GENERICS: &str = include_str!("fixtures/dialect/generics.lua");
const CASTS: &str = include_str!("fixtures/dialect/casts.lua");
const TYPES: &str = include_str!("fixtures/dialect/types.lua");

/// Strips `source`, checks that the lines are the same ones, and loads it as module `name`.
fn load(lua: &Lua, name: &str, source: &str) -> mlua::Result<Table> {
    let stripped = match strip_annotations(source) {
        Ok(Cow::Owned(s)) => s,
        Ok(Cow::Borrowed(_)) => panic!("{name}: annotated fixture came back unchanged"),
        Err(e) => panic!("{name}: {e}"),
    };
    assert_eq!(stripped.len(), source.len());
    for (n, (before, after)) in source.lines().zip(stripped.lines()).enumerate() {
        assert_eq!(
            before.len(),
            after.len(),
            "{name}:{}: line length changed",
            n + 1
        );
    }
    assert_eq!(source.lines().count(), stripped.lines().count());
    lua.load(stripped).set_name(format!("={name}")).eval()
}

#[test]
fn dialect_runs_the_http_spawn_worker() -> mlua::Result<()> {
    let lua = Lua::new();
    lua.load(
        r#"
        logs = {}
        local logger = {}
        function logger:info(message, fields) logs[#logs + 1] = {message = message, fields = fields} end
        local modules = {logger = logger, time = {sleep = function(d) assert(d == "1s") end}}
        function require(name) return assert(modules[name], name) end
        process = {pid = function() return "{app@local|0x00042}" end}
        "#,
    )
    .exec()?;

    let module = load(&lua, "worker.lua", WORKER)?;
    let main: Function = module.get("main")?;
    let task = lua.create_table()?;
    task.set("name", "alpha")?;
    task.set("duration", 3)?;
    let code: i64 = main.call(task)?;
    assert_eq!(code, 0);

    let logs: Table = lua.globals().get("logs")?;
    let messages: Vec<String> = logs
        .sequence_values::<Table>()
        .map(|entry| entry?.get::<String>("message"))
        .collect::<mlua::Result<_>>()?;
    assert_eq!(
        messages,
        [
            "Worker started",
            "Worker progress",
            "Worker progress",
            "Worker progress",
            "Worker done"
        ]
    );
    let last: Table = logs.get(5)?;
    let fields: Table = last.get("fields")?;
    assert_eq!(fields.get::<String>("pid")?, "{app@local|0x00042}");
    Ok(())
}

#[test]
fn dialect_keeps_the_worker_lines() {
    // The signature stays on its line, with the annotations turned into spaces.
    let stripped = strip_annotations(WORKER).unwrap_or_else(|e| panic!("{e}"));
    let line = |text: &str, n: usize| text.lines().nth(n - 1).unwrap_or_default().to_owned();
    assert_eq!(
        line(WORKER, 8),
        "local function main(task: TaskConfig): integer"
    );
    assert_eq!(
        line(&stripped, 8),
        "local function main(task            )         "
    );
    // The type declaration on line 6 becomes the empty statement `;`.
    assert_eq!(line(&stripped, 6).trim(), ";");
    assert_eq!(line(&stripped, 25), line(WORKER, 25));
}

#[test]
fn dialect_generics_fixture() -> mlua::Result<()> {
    let lua = Lua::new();
    let m = load(&lua, "generics.lua", GENERICS)?;
    let result: String = lua
        .load(
            r#"
            local m = ...
            local doubled = m.map({1, 2, 3}, function(v, i) return v * 2 + i end)
            local sum = m.reduce(doubled, function(acc, v) return acc + v end, 0)
            local pairs_ = m.sorted_pairs({b = 2, a = 1})
            local s = m.Stack.new()
            s:push("x"); s:push("y")
            local top = s:pop()
            return table.concat({m.first({7, 8}), sum, pairs_[1].key, pairs_[2].value, top, s:size()}, ",")
            "#,
        )
        .call(m)?;
    assert_eq!(result, "7,18,a,2,y,1");
    Ok(())
}

#[test]
fn dialect_casts_fixture() -> mlua::Result<()> {
    let lua = Lua::new();
    let m = load(&lua, "casts.lua", CASTS)?;
    assert_eq!(m.get::<i64>("number")?, 42);
    assert_eq!(m.get::<String>("kind")?, "exit");
    assert_eq!(m.get::<String>("none")?, "none");
    assert_eq!(m.get::<i64>("even")?, 12);
    assert_eq!(m.get::<i64>("queued")?, 2);
    assert_eq!(m.get::<i64>("checked")?, 5);
    Ok(())
}

#[test]
fn dialect_types_fixture() -> mlua::Result<()> {
    let lua = Lua::new();
    let m = load(&lua, "types.lua", TYPES)?;
    assert_eq!(m.get::<String>("kind")?, "table");
    assert_eq!(m.get::<String>("field")?, "point");
    assert_eq!(m.get::<String>("n")?, "number");
    assert_eq!(m.get::<i64>("area")?, 6);
    assert_eq!(m.get::<i64>("later")?, 2);
    assert_eq!(
        m.get::<String>("s")?,
        "type X = {} :: not a cast -- nor a comment"
    );
    assert_eq!(
        m.get::<String>("long")?,
        "type Y = {} -- text, not code ]]\n"
    );
    Ok(())
}

#[test]
fn dialect_runtime_errors_point_at_the_written_line() -> mlua::Result<()> {
    let lua = Lua::new();
    let m = load(&lua, "casts.lua", CASTS)?;
    assert_eq!(
        CASTS.lines().nth(19 - 1),
        Some("        if v % 2 ~= 0 then goto continue end")
    );
    let sum_even: Function = m.get("sum_even")?;
    let message = match sum_even.call::<i64>(lua.load("{1, 'x'}").eval::<Table>()?) {
        Ok(n) => panic!("expected an arithmetic error, got {n}"),
        Err(e) => e.to_string(),
    };
    assert!(message.contains("casts.lua:19:"), "{message}");
    Ok(())
}
