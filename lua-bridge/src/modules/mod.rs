//! The Lua modules a process can use.

pub(crate) mod base64;
pub(crate) mod casts;
pub(crate) mod channel;
pub(crate) mod coroutine;
pub(crate) mod ctx;
pub(crate) mod env;
pub mod errors;
pub(crate) mod events;
pub(crate) mod funcs;
pub(crate) mod hash;
pub mod io;
pub mod json;
pub(crate) mod json_schema;
pub(crate) mod logger;
pub(crate) mod package;
pub mod payload;
mod payload_formats;
pub(crate) mod process;
pub(crate) mod registry;
pub(crate) mod security;
pub(crate) mod spawner;
pub(crate) mod time;
pub(crate) mod uuid;
pub(crate) mod yaml;
