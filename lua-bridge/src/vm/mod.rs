//! The machinery of a Lua process: its state, channels, the blocking-call protocol and
//! the driver that steps its coroutines.

pub(crate) mod channel;
pub(crate) mod driver;
pub(crate) mod feed;
pub(crate) mod preempt;
pub(crate) mod setup;
pub(crate) mod state;

use mlua::{AppDataRefMut, Function, LightUserData, Lua, Value};
use state::ProcState;

/// The first value a blocking Rust function returns when its coroutine must wait.
static WAIT_TAG: u8 = 0;
/// The first value a blocking Rust function returns when the Lua side must raise.
static RAISE_TAG: u8 = 0;

pub(crate) fn wait_tag() -> Value {
    Value::LightUserData(LightUserData(std::ptr::addr_of!(WAIT_TAG) as *mut _))
}

pub(crate) fn raise_tag() -> Value {
    Value::LightUserData(LightUserData(std::ptr::addr_of!(RAISE_TAG) as *mut _))
}

pub(crate) fn is_wait_tag(value: &Value) -> bool {
    matches!(value, Value::LightUserData(p) if std::ptr::eq(p.0 as *const u8, std::ptr::addr_of!(WAIT_TAG)))
}

/// The process state of the VM running this call.
///
/// # Errors
///
/// Outside a process (a plain VM), or when re-entered from a finalizer.
pub(crate) fn state(lua: &Lua) -> mlua::Result<AppDataRefMut<'_, ProcState>> {
    match lua.try_app_data_mut::<ProcState>() {
        Ok(Some(state)) => Ok(state),
        Ok(None) => Err(mlua::Error::runtime(
            "this function needs a running process",
        )),
        Err(_) => Err(mlua::Error::runtime(
            "process functions cannot be called from here (a finalizer?)",
        )),
    }
}

const PRELUDE: &str = include_str!("prelude.lua");

/// The prelude, compiled once per OS process (stripped: it has no user-facing lines).
fn prelude_bytecode() -> &'static [u8] {
    static BYTECODE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTECODE.get_or_init(|| {
        let lua = Lua::new_with(mlua::StdLib::NONE, mlua::LuaOptions::new());
        lua.and_then(|lua| lua.load(PRELUDE).into_function().map(|f| f.dump(true)))
            .unwrap_or_default()
    })
}

/// Installs the blocking-call wrapper; returns it (`wrap(rust_fn) -> lua_fn`).
pub(crate) fn blocking_wrapper(lua: &Lua) -> mlua::Result<Function> {
    if let Ok(wrap) = lua.named_registry_value::<Function>("wippy.wrap") {
        return Ok(wrap);
    }
    let coroutine: mlua::Table = lua.globals().get("coroutine")?;
    let yield_fn: Function = coroutine.get("yield")?;
    let error_fn: Function = lua.globals().get("error")?;
    let wrap: Function = lua
        .load(prelude_bytecode())
        .set_mode(mlua::chunk::ChunkMode::Binary)
        .set_name("=wippy")
        .call((wait_tag(), raise_tag(), yield_fn, error_fn))?;
    lua.set_named_registry_value("wippy.wrap", wrap.clone())?;
    Ok(wrap)
}
