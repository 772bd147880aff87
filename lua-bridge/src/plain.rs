//! [`LuaVm`]: a plain Lua VM, with no process behind it, for tests, fuzzing and tools
//! (re-exported as `wippy_lua::LuaVm`; see its docs).

use std::ffi::{CStr, c_int, c_void};

use mlua::ffi;
use wippy_runtime::payload::{ErrorValue, Payload};

use crate::modules::errors::message_handler;
use crate::modules::json;
use crate::modules::payload::{LuaPayload, push_lua_payload};
use crate::value::{ValueError, push_payload, to_payload, to_payload_strict};
use crate::vm::instance::{Vm, failure};
use crate::vm::lua::{LResult, Lua, cfn};

/// The chunk name of all source text a [`LuaVm`] runs.
const CHUNK_NAME: &CStr = c"=chunk";

/// A plain Lua VM, with no process behind it, for tests, fuzzing and tools.
///
/// It is the VM a process gets (same sandbox, same lazy globals, same memory accounting),
/// without the process state: the data modules work (`errors`, `payload`, and `json`, which
/// is a global here), while `process`, `channel` and `require` (hence `time`, `io`,
/// `logger`) raise "this function needs a running process". Source text is compiled as it is (no dialect stripping), under the
/// chunk name `=chunk`, so messages read `chunk:LINE: ...`.
///
/// Values cross between Rust and the VM only as copies: a [`Payload`] goes in through the
/// same deep copy as a message ([`crate::value`]) and results come out the same way. The
/// `LuaVm` owns its Lua state; nothing of it is reachable from outside.
///
/// ```
/// use wippy_lua::LuaVm;
/// use wippy_runtime::payload::Payload;
///
/// let vm = LuaVm::new().unwrap();
/// assert_eq!(vm.eval("return 1 + 2").unwrap(), Payload::Int(3));
/// vm.check(&Payload::from("x"), "assert(v == 'x')").unwrap();
/// let err = vm.exec("error(errors.new({message = 'no', kind = errors.NOT_FOUND}))").unwrap_err();
/// assert_eq!(err.message(), "no");
/// ```
///
/// Every method runs to completion (Lua code here cannot block: there is no process to
/// suspend). Errors raised by Lua code come back as an [`ErrorValue`]: an error userdata
/// keeps its kind, anything else has kind `UNKNOWN` and the Lua message; either carries the
/// traceback of the raise as its stack. Running out of memory is kind `INTERNAL`.
#[derive(Debug)]
pub struct LuaVm {
    vm: Vm,
}

/// A value to hand to Lua code.
enum Input<'a> {
    /// Built by the deep copy.
    Copy(&'a Payload),
    /// A payload userdata (moved into the VM when pushed).
    Userdata(Option<LuaPayload>),
}

/// What one protected call into the VM does, and what it found.
enum Task<'a> {
    /// Sets the globals the facade adds (`json`).
    Install,
    /// Runs source text.
    Exec(&'a str),
    /// Runs source text and copies its first result out.
    Eval {
        src: &'a str,
        strict: bool,
        out: Option<Result<Payload, ValueError>>,
    },
    /// Runs `function(v) <body> end` with `v` the input.
    Check { input: Input<'a>, body: &'a str },
    /// Sets a global.
    SetGlobal { name: &'a str, input: Input<'a> },
    /// Copies a payload in and back out.
    RoundTrip {
        value: &'a Payload,
        out: Option<Result<Payload, ValueError>>,
    },
}

/// A task and the error of the Lua code it ran, if any.
struct Job<'a> {
    task: Task<'a>,
    error: Option<ErrorValue>,
}

impl LuaVm {
    /// A VM without a memory limit.
    ///
    /// Errors: the state cannot be made (out of memory).
    pub fn new() -> Result<LuaVm, ErrorValue> {
        LuaVm::with_memory_limit(0)
    }

    /// A VM that may hold at most `bytes` bytes (0 = no limit), as a process's VM.
    ///
    /// Errors: the state cannot be made within the limit.
    pub fn with_memory_limit(bytes: usize) -> Result<LuaVm, ErrorValue> {
        let vm = LuaVm {
            vm: Vm::new(bytes, None)?,
        };
        vm.run(Task::Install)?;
        Ok(vm)
    }

    /// Runs `src` (Lua source text; binary chunks are refused).
    ///
    /// Errors: the source does not compile, or raises (see [`LuaVm`]).
    pub fn exec(&self, src: &str) -> Result<(), ErrorValue> {
        self.run(Task::Exec(src)).map(drop)
    }

    /// Runs `src` and copies its first result into a payload (nil when it returns nothing),
    /// as a message would carry it.
    ///
    /// Errors: as [`exec`](Self::exec), or the result cannot be copied (kind `INVALID`,
    /// see [`ValueError`]).
    pub fn eval(&self, src: &str) -> Result<Payload, ErrorValue> {
        self.try_eval(src)?.map_err(|e| e.to_error_value())
    }

    /// [`eval`](Self::eval) with the encoders' strict copy (functions, threads and foreign
    /// userdata are errors, not nil).
    pub fn eval_strict(&self, src: &str) -> Result<Payload, ErrorValue> {
        self.try_eval_strict(src)?.map_err(|e| e.to_error_value())
    }

    /// [`eval`](Self::eval), keeping the copy's own error apart: the outer `Err` is an
    /// error of the Lua code, the inner one why its result could not be copied.
    pub fn try_eval(&self, src: &str) -> Result<Result<Payload, ValueError>, ErrorValue> {
        self.eval_with(src, false)
    }

    /// [`try_eval`](Self::try_eval) with the strict copy.
    pub fn try_eval_strict(&self, src: &str) -> Result<Result<Payload, ValueError>, ErrorValue> {
        self.eval_with(src, true)
    }

    fn eval_with(
        &self,
        src: &str,
        strict: bool,
    ) -> Result<Result<Payload, ValueError>, ErrorValue> {
        match self.run(Task::Eval {
            src,
            strict,
            out: None,
        })? {
            Task::Eval { out: Some(out), .. } => Ok(out),
            _ => Err(no_result()),
        }
    }

    /// Runs `function(v) <body> end` with `v` a copy of `value` (as a message delivers it).
    /// Checks in Lua are written with `assert`.
    ///
    /// Errors: the body does not compile, `value` cannot be copied in (nested deeper than
    /// [`crate::value::MAX_DEPTH`]), or the body raises.
    pub fn check(&self, value: &Payload, body: &str) -> Result<(), ErrorValue> {
        self.run(Task::Check {
            input: Input::Copy(value),
            body,
        })
        .map(drop)
    }

    /// Sets the global `name` to a copy of `value`.
    ///
    /// Errors: `value` cannot be copied in (nested deeper than [`crate::value::MAX_DEPTH`]).
    pub fn set_global(&self, name: &str, value: &Payload) -> Result<(), ErrorValue> {
        self.run(Task::SetGlobal {
            name,
            input: Input::Copy(value),
        })
        .map(drop)
    }

    /// Sets the global `name` to a payload userdata holding `value` (as `payload.new` and
    /// `msg:payload()` make).
    pub fn set_payload(&self, name: &str, value: LuaPayload) -> Result<(), ErrorValue> {
        self.run(Task::SetGlobal {
            name,
            input: Input::Userdata(Some(value)),
        })
        .map(drop)
    }

    /// Copies `value` into the VM and straight back out: what a message goes through
    /// between two processes. The outer `Err` means the value could not be copied in
    /// (nested deeper than [`crate::value::MAX_DEPTH`]), the inner one that it could not be
    /// copied back out.
    pub fn round_trip(&self, value: &Payload) -> Result<Result<Payload, ValueError>, ErrorValue> {
        match self.run(Task::RoundTrip { value, out: None })? {
            Task::RoundTrip { out: Some(out), .. } => Ok(out),
            _ => Err(no_result()),
        }
    }

    /// Bytes the VM holds now.
    pub fn memory_used(&self) -> usize {
        self.vm.memory_used()
    }

    /// Runs `task` in a protected call on the main thread; gives the task back with what it
    /// found.
    fn run<'a>(&self, task: Task<'a>) -> Result<Task<'a>, ErrorValue> {
        let mut job = Job { task, error: None };
        self.vm
            .protected(cfn(run_job), (&raw mut job).cast::<c_void>())?;
        match job.error {
            Some(e) => Err(e),
            None => Ok(job.task),
        }
    }
}

fn no_result() -> ErrorValue {
    ErrorValue::new(
        wippy_runtime::payload::ErrorKind::Internal,
        "internal error (bug): the task left no result",
    )
}

/// The protected body of [`LuaVm::run`]: the `Job` is the light userdata at 1.
fn run_job(lua: Lua) -> LResult<c_int> {
    // SAFETY: `LuaVm::run` passes a pointer to its live `Job`, which nothing else touches
    // until this call returns; the reference does not outlive the call.
    let job = unsafe { &mut *lua.light(1).cast::<Job<'_>>() };
    lua.ensure(8)?;
    match &mut job.task {
        Task::Install => {
            push_globals(lua);
            json::open(lua)?;
            lua.set_field(-2, c"json");
            lua.pop(1);
        }
        Task::Exec(src) => {
            if let Err(e) = call_source(lua, src, 0) {
                job.error = Some(e);
            }
        }
        Task::Eval { src, strict, out } => match call_source(lua, src, 1) {
            Ok(()) => {
                *out = Some(if *strict {
                    to_payload_strict(lua, -1)
                } else {
                    to_payload(lua, -1)
                });
                lua.pop(1);
            }
            Err(e) => job.error = Some(e),
        },
        Task::Check { input, body } => {
            let src = format!("return function(v) {body}\nend");
            match call_source(lua, &src, 1) {
                Ok(()) => {
                    push_input(lua, input)?;
                    if let Err(e) = call(lua, 1, 0) {
                        job.error = Some(e);
                    }
                }
                Err(e) => job.error = Some(e),
            }
        }
        Task::SetGlobal { name, input } => {
            push_globals(lua);
            push_input(lua, input)?;
            lua.set_field_str(-2, name);
            lua.pop(1);
        }
        Task::RoundTrip { value, out } => {
            push_payload(lua, value)?;
            *out = Some(to_payload(lua, -1));
            lua.pop(1);
        }
    }
    Ok(0)
}

/// Pushes the globals table.
fn push_globals(lua: Lua) {
    // SAFETY: live state; the registry always holds the globals table.
    unsafe { ffi::lua_rawgeti(lua.raw(), ffi::LUA_REGISTRYINDEX, ffi::LUA_RIDX_GLOBALS) };
}

/// Pushes an input value.
fn push_input(lua: Lua, input: &mut Input<'_>) -> LResult<()> {
    match input {
        Input::Copy(p) => push_payload(lua, p),
        Input::Userdata(p) => {
            match p.take() {
                Some(p) => push_lua_payload(lua, p),
                None => lua.push_nil(),
            }
            Ok(())
        }
    }
}

/// Compiles `src` (text only) and calls it; leaves `nres` results. On failure nothing is
/// left and the error is returned.
fn call_source(lua: Lua, src: &str, nres: c_int) -> Result<(), ErrorValue> {
    // SAFETY: live state with room for the chunk (ensured by `run_job`); the buffer is
    // valid for its length and the names are NUL-terminated. Mode "t" refuses bytecode.
    // The parser runs protected inside `lua_load`: its errors come back as a status.
    let status = unsafe {
        ffi::luaL_loadbufferx(
            lua.raw(),
            src.as_ptr().cast(),
            src.len(),
            CHUNK_NAME.as_ptr(),
            c"t".as_ptr(),
        )
    };
    if status != ffi::LUA_OK {
        let e = failure(lua, status, -1);
        lua.pop(1);
        return Err(e);
    }
    call(lua, 0, nres)
}

/// Calls the function below `nargs` arguments on top with [`message_handler`]; leaves
/// `nres` results. On failure nothing is left and the error is returned.
fn call(lua: Lua, nargs: c_int, nres: c_int) -> Result<(), ErrorValue> {
    let base = lua.top() - nargs;
    lua.push_fn(cfn(message_handler));
    lua.insert(base);
    // SAFETY: live state; the handler at `base`, the function and `nargs` arguments above
    // it. Errors of the callee (memory errors too) are caught and come back as a status.
    let status = unsafe { ffi::lua_pcallk(lua.raw(), nargs, nres, base, 0, None) };
    if status != ffi::LUA_OK {
        let e = failure(lua, status, -1);
        lua.set_top(base - 1);
        return Err(e);
    }
    lua.remove(base);
    Ok(())
}
