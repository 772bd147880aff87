//! The Lua modules a process can use.

pub mod channel;
pub mod errors;
pub mod io;
pub mod json;
pub mod logger;
pub mod payload;
pub mod process;
pub mod time;
