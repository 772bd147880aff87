//! The machinery of a Lua process: the raw VM layer, its state, channels, the
//! blocking-call protocol and the driver that steps its coroutines.

pub(crate) mod alloc;
pub(crate) mod boot_wait;
pub(crate) mod call_info;
pub(crate) mod channel;
pub(crate) mod chunks;
pub(crate) mod driver;
pub(crate) mod error_name;
pub(crate) mod feed;
pub(crate) mod field_names;
pub(crate) mod instance;
pub(crate) mod lua;
pub(crate) mod meta_slots;
pub(crate) mod ops;
pub(crate) mod pattern;
pub(crate) mod pool;
pub(crate) mod preempt;
pub(crate) mod protected_call;
pub(crate) mod received;
pub(crate) mod setup;
pub(crate) mod slot;
pub(crate) mod spare_thread;
pub(crate) mod state;
pub(crate) mod string_args;
pub(crate) mod string_arith;
pub(crate) mod string_match;
pub(crate) mod string_view;
pub(crate) mod strings;
pub(crate) mod sweep;
pub(crate) mod table_loops;
