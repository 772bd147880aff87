//! The `funcs` module (`modules: [funcs]`; reference §1.9, R `runtime/lua/modules/funcs`):
//! calls of `function.lua` entries.
//!
//! - `funcs.call(id, ...)`: runs the function with the arguments and waits for it; its
//!   result value and nil, or nil and its error (a raised error, or the `nil, err` it
//!   returned, keeps its kind).
//! - `funcs.async(id, ...)`: starts the function and returns a `Future` at once:
//!   `future:response()` (alias `channel()`, the same channel on every call) receives
//!   its result once, as a payload object (`:data()`), or its error object;
//!   `is_complete()`, `is_canceled()`; `result()`: the payload and nil once it ended
//!   well, nil and the error once it failed (kind `CANCELED` after `cancel()`), nil and
//!   nil before; `error()`: the error (wrapped as "async call failed", kind Internal, not
//!   retryable, as the original's) and true once it failed, nil and false otherwise;
//!   `cancel()`: stops the running function (its process is terminated) and is true;
//!   false once it has ended.
//! - `funcs.new()`: an `Executor` whose `with_context(t)`, `with_actor(a)`,
//!   `with_scope(s)` and `with_options(t)` return new executors, as a `process.Spawner`'s
//!   do, and whose `call` and `async` work as the module's with that context.
//!
//! An id must be `"namespace:name"` (`nil, err` of kind `INVALID` otherwise, as the
//! original), naming a `function.lua` entry, or a `process.lua` entry called as a
//! function (its result is the call's) (`NOT_FOUND` for an id that names nothing or
//! another kind).
//!
//! Where the original runs functions in pools of VMs, here each call is a short-lived
//! process of the function's entry, started from a reused VM (so a call costs about
//! what a spawn does). It runs on the host its entry's `meta.default_host` names, else
//! on the caller's own host; when the caller is a terminal host's process (a terminal
//! host runs that one process only), on the first `process.host` started
//! (`UNAVAILABLE` when there is none). The caller monitors it and takes its EXIT out of
//! the event stream (`feed::end_exec`), so `events()` never sees it. The function gets
//! the caller's context, as a plain spawn does.

use super::errors::{fail, push_error};
use super::process::{payloads, run_to_end, spawn_error};
use super::spawner::{Spawner, actor_arg, child_context, scope_arg, string_keyed};
use crate::modules::channel::new_channel;
use crate::modules::payload::push_payload_userdata;
use crate::vm::lua::{CFn, LResult, Lua, Raise, Ret, UserType, blocking, cfn, method_index};
use crate::vm::state::{ExecWaiter, FutureState, state};
use std::ffi::c_int;
use wippy_runtime::host::HostKind;
use wippy_runtime::message::Outcome;
use wippy_runtime::payload::{ErrorKind, ErrorValue};
use wippy_runtime::process::ProcessHandle;
use wippy_runtime::registry::{Entry, LuaKind};
use wippy_runtime::{Dest, SpawnSpec};

/// Pushes the `funcs` table.
pub(crate) fn open(lua: Lua) -> LResult<()> {
    lua.push_function_table(&[
        (c"call", blocking(call)),
        (c"async", cfn(start_async)),
        (c"new", cfn(new_executor)),
    ])
}

/// A `funcs.new()` executor: the context its calls give the function (a spawner's
/// context, actor, scope and options; it never names or messages anything).
#[derive(Debug, Clone, Default)]
struct Executor(Spawner);

method_index!(fn executor_index {
    b"with_context" => cfn(with_context),
    b"with_actor" => cfn(with_actor),
    b"with_scope" => cfn(with_scope),
    b"with_options" => cfn(with_options),
    b"call" => blocking(executor_call),
    b"async" => cfn(executor_async),
});

static EXECUTOR: UserType<Executor> = UserType::new(
    c"funcs.Executor",
    Some(executor_index as CFn),
    &[("__tostring", cfn(executor_tostring))],
);

/// A `funcs.async` future (user value 1: its channel). Its state is the process's
/// ([`FutureState`], by the channel's id), so that the driver can record the end.
#[derive(Debug, Clone, Copy)]
struct Future {
    chan: crate::vm::channel::ChanId,
}

method_index!(fn future_index {
    b"response" => cfn(future_channel),
    b"channel" => cfn(future_channel),
    b"is_complete" => cfn(future_is_complete),
    b"is_canceled" => cfn(future_is_canceled),
    b"result" => cfn(future_result),
    b"error" => cfn(future_error),
    b"cancel" => cfn(future_cancel),
});

static FUTURE: UserType<Future> = UserType::new(
    c"Future",
    Some(future_index as CFn),
    &[("__tostring", cfn(future_tostring))],
);

/// Pushes how an async function ended, as its future's channel delivers it.
pub(crate) fn push_outcome(lua: Lua, outcome: Outcome) -> LResult<()> {
    lua.ensure_in_call(4)?;
    // Room first for the object and its charge: a memory error making it would jump
    // over this frame and leak the outcome (see `process::push_message`).
    let bytes = match &outcome {
        Outcome::Normal(value) => crate::modules::payload::payload_bytes(value),
        Outcome::Error(error) => crate::modules::errors::error_bytes(error),
    };
    crate::vm::alloc::make_room(lua, OUTCOME_OBJECT_BYTES + bytes).map_err(|_| Raise::Memory)?;
    match outcome {
        Outcome::Normal(value) => {
            crate::modules::payload::push_payload_userdata_of(lua, value, bytes);
        }
        Outcome::Error(error) => push_error(lua, error),
    }
    Ok(())
}

/// A bound of the Lua bytes of the object [`push_outcome`] makes (a userdata, and its
/// type's metatable on first use).
const OUTCOME_OBJECT_BYTES: usize = 1024;

/// The spawn of a call of the function named at `at` with the arguments after it, or
/// the `nil, err` to return (pushed).
fn call_spec(
    lua: Lua,
    at: c_int,
    executor: Option<&Executor>,
) -> LResult<Result<SpawnSpec, c_int>> {
    let id = match checked_id(lua, at) {
        Ok(id) => id,
        Err((kind, message)) => return fail(lua, kind, message).map(Err),
    };
    let st = state(lua)?;
    let registry = st.env.registry.current();
    let default_host = match registry.get_str(&id) {
        Some(entry) if is_callable(entry) => entry
            .meta()
            .get("default_host")
            .and_then(|h| h.as_str())
            .map(str::to_owned),
        Some(entry) => {
            let message = format!("{id} is not a function (its kind is {})", entry.kind());
            return fail(lua, ErrorKind::NotFound, message).map(Err);
        }
        None => {
            return fail(
                lua,
                ErrorKind::NotFound,
                format!("function not found: {id}"),
            )
            .map(Err);
        }
    };
    let args = match payloads(lua, at + 1) {
        Ok(args) => args,
        Err(e) => {
            lua.push_nil();
            push_error(lua, e);
            return Ok(Err(2));
        }
    };
    let st = state(lua)?;
    let Some(host) = default_host.or_else(|| function_host(&st.handle)) else {
        let message = format!("no process.host is running to run function {id} on");
        return fail(lua, ErrorKind::Unavailable, message).map(Err);
    };
    let mut spec = SpawnSpec::new(id, host);
    spec.args = args;
    if let Some(executor) = executor {
        spec.context = child_context(&executor.0, st.handle.context());
    }
    Ok(Ok(spec))
}

/// Where a call of the caller with `handle` runs: the caller's own host, unless that is
/// a terminal host (which runs its one process only): then the first `process.host`
/// started.
fn function_host(handle: &ProcessHandle) -> Option<String> {
    if handle.host_kind() == HostKind::Process {
        return Some(handle.host_id().to_string());
    }
    handle
        .runtime()
        .hosts()
        .iter()
        .find(|host| host.kind() == HostKind::Process)
        .map(|host| host.id().to_string())
}

/// A `function.lua` entry, or a `process.lua` one (called as a function: its result is
/// the call's, as the original's "process as a function").
fn is_callable(entry: &Entry) -> bool {
    LuaKind::from_kind(entry.kind())
        .is_some_and(|(kind, _)| matches!(kind, LuaKind::Function | LuaKind::Process))
}

/// The function id at `idx`: a string `"namespace:name"`, checked as the original does.
fn checked_id(lua: Lua, idx: c_int) -> Result<String, (ErrorKind, &'static str)> {
    let id = match lua.string(idx) {
        Some(id) if lua.kind(idx) == crate::vm::lua::LUA_TSTRING => id,
        _ => return Err((ErrorKind::Invalid, "function ID must be a string")),
    };
    if id.is_empty() {
        return Err((ErrorKind::Invalid, "function ID required"));
    }
    match id.rsplit_once(':') {
        None => Err((ErrorKind::Invalid, "namespace required in function ID")),
        Some(("", _)) => Err((ErrorKind::Invalid, "namespace required in function ID")),
        Some((_, "")) => Err((ErrorKind::Invalid, "name required in function ID")),
        Some(_) => Ok(id),
    }
}

/// `funcs.call(id, ...)`.
fn call(lua: Lua) -> LResult<Ret> {
    match call_spec(lua, 1, None)? {
        Ok(spec) => run_to_end(lua, spec, None),
        Err(n) => Ok(Ret::Values(n)),
    }
}

/// `funcs.async(id, ...)`.
fn start_async(lua: Lua) -> LResult<c_int> {
    match call_spec(lua, 1, None)? {
        Ok(spec) => push_future(lua, spec),
        Err(n) => Ok(n),
    }
}

/// Spawns the call and pushes its future; `nil, err` when the spawn fails.
fn push_future(lua: Lua, mut spec: SpawnSpec) -> LResult<c_int> {
    lua.ensure(4)?;
    spec.monitor = true;
    let st = state(lua)?;
    let pid = match st.handle.spawn(spec) {
        Ok(pid) => pid,
        Err(error) => {
            let error = spawn_error(lua, &error);
            lua.push_nil();
            push_error(lua, error);
            return Ok(2);
        }
    };
    // One value ever reaches the channel: room for it, so the driver's offer never waits.
    let chan = new_channel(lua, st, 1)?;
    let occasional = state(lua)?.occasional();
    occasional
        .execs
        .insert(pid.clone(), ExecWaiter::Future(chan));
    occasional.futures.insert(
        chan,
        FutureState {
            pid,
            outcome: None,
            canceled: false,
        },
    );
    lua.push_userdata_with(Future { chan }, &FUTURE, 1);
    lua.insert(-2);
    lua.set_user_value(-2, 1);
    Ok(1)
}

fn new_executor(lua: Lua) -> LResult<c_int> {
    lua.push_userdata(Executor::default(), &EXECUTOR);
    Ok(1)
}

fn this_executor(lua: Lua) -> LResult<Executor> {
    lua.userdata(1, &EXECUTOR)
        .cloned()
        .ok_or_else(|| lua.bad_self("funcs.Executor", "executor"))
}

fn with_context(lua: Lua) -> LResult<c_int> {
    let mut executor = this_executor(lua)?;
    string_keyed(lua, 2, "context", &mut executor.0.context, false)?;
    lua.push_userdata(executor, &EXECUTOR);
    Ok(1)
}

fn with_options(lua: Lua) -> LResult<c_int> {
    let mut executor = this_executor(lua)?;
    string_keyed(lua, 2, "options", &mut executor.0.options, false)?;
    lua.push_userdata(executor, &EXECUTOR);
    Ok(1)
}

fn with_actor(lua: Lua) -> LResult<c_int> {
    let mut executor = this_executor(lua)?;
    executor.0.actor = Some(actor_arg(lua, 2)?);
    lua.push_userdata(executor, &EXECUTOR);
    Ok(1)
}

fn with_scope(lua: Lua) -> LResult<c_int> {
    let mut executor = this_executor(lua)?;
    executor.0.scope = Some(scope_arg(lua, 2)?);
    lua.push_userdata(executor, &EXECUTOR);
    Ok(1)
}

fn executor_call(lua: Lua) -> LResult<Ret> {
    let executor = this_executor(lua)?;
    match call_spec(lua, 2, Some(&executor))? {
        Ok(spec) => run_to_end(lua, spec, None),
        Err(n) => Ok(Ret::Values(n)),
    }
}

fn executor_async(lua: Lua) -> LResult<c_int> {
    let executor = this_executor(lua)?;
    match call_spec(lua, 2, Some(&executor))? {
        Ok(spec) => push_future(lua, spec),
        Err(n) => Ok(n),
    }
}

fn executor_tostring(lua: Lua) -> LResult<c_int> {
    this_executor(lua)?;
    lua.push_str("funcs.Executor");
    Ok(1)
}

fn this_future(lua: Lua) -> LResult<Future> {
    lua.userdata(1, &FUTURE)
        .copied()
        .ok_or_else(|| lua.bad_self("Future", "future"))
}

/// The future's state; `None` when its process state is gone (never while the future's
/// own code runs: a future's channel is reachable from it, so no sweep frees it).
fn with_state<R>(lua: Lua, f: impl FnOnce(&mut FutureState) -> R) -> LResult<Option<R>> {
    let future = this_future(lua)?;
    let st = state(lua)?;
    Ok(st
        .occasional
        .as_deref_mut()
        .and_then(|o| o.futures.get_mut(&future.chan))
        .map(f))
}

fn future_channel(lua: Lua) -> LResult<c_int> {
    this_future(lua)?;
    lua.push_user_value(1, 1);
    Ok(1)
}

fn future_is_complete(lua: Lua) -> LResult<c_int> {
    let complete = with_state(lua, |f| f.outcome.is_some())?.unwrap_or(false);
    lua.push_bool(complete);
    Ok(1)
}

fn future_is_canceled(lua: Lua) -> LResult<c_int> {
    let canceled = with_state(lua, |f| f.canceled)?.unwrap_or(false);
    lua.push_bool(canceled);
    Ok(1)
}

fn future_result(lua: Lua) -> LResult<c_int> {
    lua.ensure(4)?;
    let (canceled, outcome) =
        with_state(lua, |f| (f.canceled, f.outcome.clone()))?.unwrap_or((false, None));
    if canceled {
        return fail(lua, ErrorKind::Canceled, "canceled");
    }
    match outcome {
        Some(Outcome::Normal(value)) => {
            push_payload_userdata(lua, value);
            lua.push_nil();
        }
        Some(Outcome::Error(error)) => {
            lua.push_nil();
            push_error(lua, error);
        }
        None => {
            lua.push_nil();
            lua.push_nil();
        }
    }
    Ok(2)
}

fn future_error(lua: Lua) -> LResult<c_int> {
    lua.ensure(4)?;
    let error = with_state(lua, |f| match &f.outcome {
        Some(Outcome::Error(error)) => Some(error.clone()),
        _ => None,
    })?
    .flatten();
    match error {
        // As the original's `futureError`: the failure wrapped as "async call failed",
        // of kind Internal and not retryable, whatever the function's error was
        // (`result()` gives the error itself).
        Some(error) => {
            push_error(
                lua,
                ErrorValue::clone(&error)
                    .wrapped("async call failed")
                    .with_kind(ErrorKind::Internal)
                    .with_retryable(false),
            );
            lua.push_bool(true);
        }
        None => {
            lua.push_nil();
            lua.push_bool(false);
        }
    }
    Ok(2)
}

/// `future:cancel()`: stops the function while it runs (true), as the original cancels
/// its call's context: its process is terminated, since a function, unlike a service,
/// has no CANCEL handling of its own to wait for. False once it has ended.
fn future_cancel(lua: Lua) -> LResult<c_int> {
    let running = with_state(lua, |f| {
        if f.outcome.is_some() {
            return None;
        }
        f.canceled = true;
        Some(f.pid.clone())
    })?
    .flatten();
    let Some(pid) = running else {
        lua.push_bool(false);
        return Ok(1);
    };
    // A process that ended in the meantime is gone; its EXIT completes the future.
    let _ = state(lua)?.handle.terminate(Dest::Pid(&pid));
    lua.push_bool(true);
    Ok(1)
}

fn future_tostring(lua: Lua) -> LResult<c_int> {
    this_future(lua)?;
    let complete = with_state(lua, |f| f.outcome.is_some())?.unwrap_or(false);
    lua.push_str(if complete {
        "Future{complete}"
    } else {
        "Future{pending}"
    });
    Ok(1)
}
