//! wippy-lua: Wippy processes as isolated Lua 5.4 VMs on the wippy runtime.
//!
//! Each process owns one Lua 5.4 VM: a raw `lua_newstate` state driven through
//! `mlua::ffi` (see `vm/lua.rs` for why not `mlua::Lua`), which moves between worker
//! threads with its process. Nothing is shared between VMs: messages and spawn arguments
//! cross as deep copies through the runtime's payload tree.
//!
//! - [`install`] makes a [`Runtime`](wippy_runtime::Runtime) run `process.lua` entries.
//! - [`dialect`] strips Luau-style type annotations before compiling.
//! - [`value`] converts between Lua values and payloads.
//! - [`modules`] are the Lua-facing modules (`process`, `channel`, `time`, `io`,
//!   `logger`, `json`, `payload`, `errors`).

mod boot_check;
pub mod compile;
pub mod dialect;
mod factory;
pub mod modules;
mod plain;
pub mod rust_alloc;
pub mod value;
mod vm;

pub use factory::{LuaOptions, install};
pub use plain::LuaVm;
pub use vm::chunks::reused_chunks;
pub use vm::driver::LuaProcess;
pub use vm::pool::reused_vms;
pub use vm::setup::{LuaEnv, kept_globals};
pub use vm::spare_thread::reused_threads;
pub use vm::sweep::freed_channels;
