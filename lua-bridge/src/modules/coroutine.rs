//! The `coroutine` library of a process: Lua's, with `coroutine.spawn(fn) -> thread`
//! (reference §1.4), a concurrent coroutine inside the process, run by the process driver
//! next to `main`; it dies when `main` returns.
//!
//! The coroutines the driver runs (`main` and the spawned ones) are the driver's: Lua's
//! `coroutine.resume` and `coroutine.close` refuse them (`false, msg`, and an error),
//! since resuming one while it waits would take it out of its wait and lose what the
//! wait was for.
//!
//! The script's own coroutines (`create`, `wrap`) are preempted like the rest of the
//! process (`vm/preempt.rs`): `resume` and the functions `wrap` makes resume them as
//! Lua's do (`auxresume`, `auxwrap` in `lcorolib.c`), but tell the preemption state
//! which coroutine runs, and when the hook yields one, yield in turn with a
//! continuation that resumes it again, so that the script sees only its own yields. A
//! new one starts without the hook a new Lua thread inherits from its maker (armed for
//! the maker). A blocking call in a script coroutine takes the same path
//! ([`Resumed::Waiting`]): the op is the process coroutine's (`ops::block`), the
//! resumers yield in turn up to it, and once the driver resumes it with the op done,
//! the continuations resume the script coroutine, whose call answers.
//!
//! As in the original, the new coroutine runs first: the call yields, the new coroutine
//! is queued, then the caller behind it, which gets the thread when its turn comes. Where
//! the caller cannot yield (a `coroutine.create` coroutine, a metamethod called from C),
//! the call returns the thread at once and the new coroutine runs at the caller's next
//! wait.

use crate::vm::channel::{Cases, Completion};
use crate::vm::lua::{
    LResult, LUA_TFUNCTION, LUA_TSTRING, Lua, Raise, Ret, blocking, cfn, continuation,
};
use crate::vm::ops::block;
use crate::vm::preempt;
use crate::vm::slot::Slot;
use crate::vm::state::{Co, state};
use mlua::ffi;
use std::ffi::{CStr, c_char, c_int};

pub(crate) fn spawn(lua: Lua) -> LResult<Ret> {
    if lua.kind(1) != LUA_TFUNCTION {
        return Err(Raise::from(format!(
            "bad argument #1 to 'spawn' (function expected, got {})",
            lua.type_name(1)
        )));
    }
    let st = state(lua)?;
    lua.ensure(3)?;
    // SAFETY: live state; pushes a new thread of the same VM.
    let thread = unsafe { ffi::lua_newthread(lua.raw()) };
    lua.push_value(1);
    // SAFETY: both threads belong to this VM; moves the function onto the new one.
    unsafe { ffi::lua_xmove(lua.raw(), thread, 1) };
    lua.push_value(-1);
    let anchor = lua.new_ref();
    st.spawned.push(Co {
        thread,
        anchor: Some(anchor),
        blocked: None,
    });
    if st.current_thread != lua.raw() || !lua.yieldable() {
        return Ok(Ret::Values(1));
    }
    let result = Slot::hold(lua, -1);
    match block(lua, st, Cases::new(), None) {
        Ok(Ret::Block(op)) => {
            st.channels.complete(op, Completion::Value(result));
            Ok(Ret::Block(op))
        }
        other => {
            result.release(lua);
            other
        }
    }
}

/// Opens `coroutine` (pushes it): Lua's library, with `spawn`, and with `create`,
/// `wrap`, `resume`, `close` and `status` of ours, as the module docs say.
pub(crate) fn open(lua: Lua) -> LResult<()> {
    lua.ensure(4)?;
    lua.push_fn(ffi::luaopen_coroutine);
    // SAFETY: live state inside a Lua call; the opener takes nothing and returns the table.
    unsafe { ffi::lua_callk(lua.raw(), 0, 1, 0, None) };
    lua.push_fn(blocking(spawn));
    lua.set_field(-2, c"spawn");
    lua.push_fn(create_entry);
    lua.set_field(-2, c"create");
    lua.push_fn(wrap_entry);
    lua.set_field(-2, c"wrap");
    lua.push_fn(resume_entry);
    lua.set_field(-2, c"resume");
    lua.push_fn(close_entry);
    lua.set_field(-2, c"close");
    lua.get_field(-1, c"status");
    // SAFETY: the library's `status` on top becomes the guard's upvalue 1.
    unsafe { ffi::lua_pushcclosure(lua.raw(), status_entry, 1) };
    lua.set_field(-2, c"status");
    Ok(())
}

unsafe extern "C-unwind" {
    /// Lua's own argument error ("bad argument #1 to 'f' (thread expected, got nil)",
    /// naming the function as the caller called it, and the value by its `__name`).
    fn luaL_typeerror(l: *mut ffi::lua_State, arg: c_int, tname: *const c_char) -> c_int;
}

/// Raises Lua's argument error unless argument 1 has type `ty` (`name`), as the library
/// checks its arguments.
///
/// # Safety
///
/// `l` is the running thread inside the C function Lua called; the raise crosses no Rust
/// frame that owns anything.
unsafe fn expect_arg1(l: *mut ffi::lua_State, ty: c_int, name: &CStr) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        if ffi::lua_type(l, 1) != ty {
            luaL_typeerror(l, 1, name.as_ptr());
        }
    }
}

macro_rules! checked_entry {
    ($(#[$doc:meta])* $entry:ident: $ty:expr, $name:literal => $body:expr) => {
        $(#[$doc])*
        unsafe extern "C-unwind" fn $entry(l: *mut ffi::lua_State) -> c_int {
            // SAFETY: Lua calls us on its running thread; the check raises before any
            // Rust frame exists, and the body is the function Lua would have called.
            unsafe {
                expect_arg1(l, $ty, $name);
                ($body)(l)
            }
        }
    };
}

checked_entry!(
    /// `coroutine.create`.
    create_entry: ffi::LUA_TFUNCTION, c"function" => cfn(create)
);
checked_entry!(
    /// `coroutine.wrap`.
    wrap_entry: ffi::LUA_TFUNCTION, c"function" => cfn(wrap)
);
checked_entry!(
    /// `coroutine.resume`.
    resume_entry: ffi::LUA_TTHREAD, c"thread" => blocking(resume)
);
checked_entry!(
    /// `coroutine.close`.
    close_entry: ffi::LUA_TTHREAD, c"thread" => cfn(close)
);
checked_entry!(
    /// `coroutine.status`.
    status_entry: ffi::LUA_TTHREAD, c"thread" => cfn(status)
);

/// The thread at argument 1 (checked by the entry).
fn thread_arg(lua: Lua) -> LResult<*mut ffi::lua_State> {
    // SAFETY: live state; `lua_tothread` accepts any index.
    let thread = unsafe { ffi::lua_tothread(lua.raw(), 1) };
    if thread.is_null() {
        return Err(Raise::from(
            "internal error (bug): no coroutine at argument 1",
        ));
    }
    Ok(thread)
}

/// Removes the preemption hook `thread` inherited from its maker.
fn unhook(thread: *mut ffi::lua_State) {
    // SAFETY: a thread of this VM that has not run yet; removing a hook is plain API use
    // from the thread that owns the VM.
    unsafe { ffi::lua_sethook(thread, None, 0, 0) };
}

/// A new thread of this VM with the function at 1 on it, pushed, without the maker's
/// preemption hook.
fn new_coroutine(lua: Lua) -> LResult<*mut ffi::lua_State> {
    lua.ensure(2)?;
    // SAFETY: live state; pushes a new thread of this VM.
    let thread = unsafe { ffi::lua_newthread(lua.raw()) };
    unhook(thread);
    lua.push_value(1);
    // SAFETY: both threads belong to this VM; moves the function onto the new one.
    unsafe { ffi::lua_xmove(lua.raw(), thread, 1) };
    Ok(thread)
}

/// `coroutine.create(f)`, as Lua's.
fn create(lua: Lua) -> LResult<c_int> {
    new_coroutine(lua)?;
    Ok(1)
}

/// `coroutine.wrap(f)`, as Lua's: a function that resumes a new coroutine
/// ([`call_wrapped`]).
fn wrap(lua: Lua) -> LResult<c_int> {
    lua.set_top(1);
    new_coroutine(lua)?;
    // SAFETY: the thread on top becomes the closure's upvalue 1.
    unsafe { ffi::lua_pushcclosure(lua.raw(), blocking(call_wrapped), 1) };
    Ok(1)
}

/// How resuming a script coroutine ended.
enum Resumed {
    /// It returned or yielded these many values, now on the resumer's stack.
    Values(c_int),
    /// It failed, or could not be resumed: the error value is on the resumer's stack.
    Failed,
    /// The preemption hook yielded it, with no values: the resumer yields too.
    Preempted,
    /// It blocked on an op (a receive, a sleep), with no values: the resumer yields too,
    /// and resumes it once the process coroutine is resumed with the op's completion.
    Waiting,
}

/// Whether `co` is in a resume the preemption hook interrupted (its resumer waits to
/// go on with it): it runs, as far as the script can tell, so nothing else may resume
/// or close it, and its status is "normal".
fn in_preempted_resume(lua: Lua, co: *mut ffi::lua_State) -> bool {
    state(lua).is_ok_and(|st| {
        st.occasional
            .as_ref()
            .is_some_and(|o| o.preempted_resumes.contains(&co))
    })
}

/// Marks `co` as in an interrupted resume, or no longer (see [`in_preempted_resume`]).
fn set_preempted_resume(lua: Lua, co: *mut ffi::lua_State, interrupted: bool) {
    if let Ok(st) = state(lua) {
        let list = &mut st.occasional().preempted_resumes;
        if interrupted {
            list.push(co);
        } else {
            list.retain(|c| *c != co);
        }
    }
}

/// Why `lua_resume` would refuse `co`, as it words it: dead (returned, failed, or never
/// given a function) or running (it resumed the running coroutine, or is it).
fn unresumable(co: *mut ffi::lua_State) -> Option<&'static str> {
    // SAFETY: `co` is a live thread of this VM (see `resume_script`); these calls only
    // read it.
    unsafe {
        match ffi::lua_status(co) {
            ffi::LUA_YIELD => None,
            ffi::LUA_OK => {
                let mut ar: ffi::lua_Debug = std::mem::zeroed();
                if ffi::lua_getstack(co, 0, &mut ar) != 0 {
                    Some("cannot resume non-suspended coroutine")
                } else if ffi::lua_gettop(co) == 0 {
                    Some("cannot resume dead coroutine")
                } else {
                    None
                }
            }
            _ => Some("cannot resume dead coroutine"),
        }
    }
}

/// Resumes script coroutine `co` with the `narg` values on top of `lua`'s stack, as
/// Lua's `auxresume`, telling the preemption state that `co` runs meanwhile.
fn resume_script(lua: Lua, co: *mut ffi::lua_State, narg: c_int) -> Resumed {
    if in_preempted_resume(lua, co) {
        lua.pop(narg);
        lua.push_str("cannot resume non-suspended coroutine");
        return Resumed::Failed;
    }
    // `lua_resume` refuses a dead or running coroutine by allocating its message on
    // `co`, outside any protected call: at the memory limit that aborted the whole
    // program. The same refusals are made here first, as `lcorolib.c`'s `costatus` tells
    // them, with the message made on the running thread (a memory error there is the
    // process's own, raised in its protected resume).
    if let Some(refusal) = unresumable(co) {
        lua.pop(narg);
        lua.push_str(refusal);
        return Resumed::Failed;
    }
    // SAFETY: `co` is a thread of this VM (a Lua value the caller holds on its stack or
    // as an upvalue, so alive throughout), `lua` the running thread inside a C call
    // with `narg` values on top; `lua_resume` runs `co` protected (errors and yields
    // inside it end at this call, never crossing our frames), and nothing else runs in
    // the VM meanwhile. The pushes fit: a C function has `LUA_MINSTACK` free slots and
    // the results were made room for.
    let resumed = unsafe {
        if ffi::lua_checkstack(co, narg) == 0 {
            lua.push_str("too many arguments to resume");
            return Resumed::Failed;
        }
        ffi::lua_xmove(lua.raw(), co, narg);
        let nested = preempt::nest(lua.raw(), co, true);
        let mut nres: c_int = 0;
        let status = ffi::lua_resume(co, lua.raw(), narg, &mut nres);
        let preempted = preempt::unnest(nested);
        let blocked = preempt::take_blocked();
        match status {
            ffi::LUA_YIELD if preempted => {
                ffi::lua_settop(co, -nres - 1);
                Resumed::Preempted
            }
            ffi::LUA_YIELD if blocked => {
                ffi::lua_settop(co, -nres - 1);
                Resumed::Waiting
            }
            ffi::LUA_OK | ffi::LUA_YIELD => {
                if ffi::lua_checkstack(lua.raw(), nres + 1) == 0 {
                    ffi::lua_settop(co, -nres - 1);
                    lua.push_str("too many results to resume");
                    return Resumed::Failed;
                }
                ffi::lua_xmove(co, lua.raw(), nres);
                Resumed::Values(nres)
            }
            _ => {
                ffi::lua_xmove(co, lua.raw(), 1);
                Resumed::Failed
            }
        }
    };
    if matches!(resumed, Resumed::Preempted | Resumed::Waiting) {
        set_preempted_resume(lua, co, true);
    }
    resumed
}

/// The yield of a resumer whose script coroutine blocked ([`Resumed::Waiting`]): a
/// script coroutine itself tells its own resumer so; the process's coroutine yields to
/// the driver, which finds it waiting on the op.
fn pass_the_wait_on(lua: Lua, k: ffi::lua_KFunction) -> LResult<Ret> {
    if state(lua)?.current_thread != lua.raw() {
        preempt::blocked_in_script();
    }
    Ok(Ret::Waiting(k))
}

/// The coroutine of a wrap function (its upvalue 1).
fn wrapped_thread(lua: Lua) -> LResult<*mut ffi::lua_State> {
    // SAFETY: live state inside a C closure call; reads its upvalue 1.
    let co = unsafe { ffi::lua_tothread(lua.raw(), ffi::lua_upvalueindex(1)) };
    if co.is_null() {
        return Err(Raise::from(
            "internal error (bug): a wrap function without its coroutine",
        ));
    }
    Ok(co)
}

/// A function `coroutine.wrap` made: resumes its coroutine with the arguments and
/// returns what it yields or returns; raises its error, as Lua's `auxwrap` does.
fn call_wrapped(lua: Lua) -> LResult<Ret> {
    let co = wrapped_thread(lua)?;
    wrapped_answer(lua, co, lua.top())
}

/// [`call_wrapped`] resumed after a preemption: resumes the coroutine where the hook
/// yielded it.
fn call_wrapped_again(lua: Lua) -> LResult<Ret> {
    let co = wrapped_thread(lua)?;
    set_preempted_resume(lua, co, false);
    wrapped_answer(lua, co, 0)
}

fn wrapped_answer(lua: Lua, co: *mut ffi::lua_State, narg: c_int) -> LResult<Ret> {
    match resume_script(lua, co, narg) {
        Resumed::Values(n) => Ok(Ret::Values(n)),
        Resumed::Preempted => Ok(Ret::Preempted(continuation(call_wrapped_again))),
        Resumed::Waiting => pass_the_wait_on(lua, continuation(call_wrapped_again)),
        Resumed::Failed => {
            // SAFETY: `co` is alive (upvalue 1).
            let status = unsafe { ffi::lua_status(co) };
            let mut closed = status;
            if status != ffi::LUA_OK && status != ffi::LUA_YIELD {
                // It failed: closing it runs its pending to-be-closed variables, and
                // the error that leaves moves to our stack, as Lua's `auxwrap` does.
                closed = close_thread(lua, co);
                // SAFETY: `close_thread` left the error on `co`'s stack.
                unsafe { ffi::lua_xmove(co, lua.raw(), 1) };
            }
            if closed != ffi::LUA_ERRMEM && lua.kind(-1) == LUA_TSTRING {
                lua.ensure(2)?;
                // SAFETY: live state; prefixes the message with the caller's position,
                // as `auxwrap` does.
                unsafe {
                    ffi::luaL_where(lua.raw(), 1);
                    ffi::lua_rotate(lua.raw(), -2, 1);
                    ffi::lua_concat(lua.raw(), 2);
                }
            }
            Err(Raise::Top)
        }
    }
}

/// Closes `co` (`lua_closethread`: its pending to-be-closed variables run), with the
/// watchdog arming it meanwhile: the closing cannot yield, so a loop in a `__close`
/// is stopped as one in a callback of a C function is (`vm/preempt.rs`). Returns the
/// status; an error is left on `co`'s stack.
fn close_thread(lua: Lua, co: *mut ffi::lua_State) -> c_int {
    // SAFETY: `co` is a suspended or dead thread of this VM that the caller holds,
    // `lua` the running thread; `lua_closethread` runs the closing methods protected.
    unsafe {
        let nested = preempt::nest(lua.raw(), co, false);
        let status = ffi::lua_closethread(co, lua.raw());
        preempt::unnest(nested);
        status
    }
}

/// Whether the driver runs `thread` (`main` or a `coroutine.spawn` coroutine); never in
/// a VM without a process (a test's, or the fuzz target's).
fn driver_owned(lua: Lua, thread: *mut ffi::lua_State) -> bool {
    state(lua).is_ok_and(|st| {
        st.coroutines.iter().any(|(_, co)| co.thread == thread)
            || st.spawned.iter().any(|co| co.thread == thread)
    })
}

/// `coroutine.resume(co, ...)`: Lua's, except for the driver's coroutines: `false` and
/// a message, as for any coroutine that cannot be resumed.
fn resume(lua: Lua) -> LResult<Ret> {
    let thread = thread_arg(lua)?;
    if driver_owned(lua, thread) {
        lua.ensure(2)?;
        lua.push_bool(false);
        lua.push_str(
            "cannot resume a coroutine the process runs (main or coroutine.spawn): it resumes when what it waits for comes",
        );
        return Ok(Ret::Values(2));
    }
    resume_answer(lua, thread, lua.top() - 1)
}

/// [`resume`] resumed after a preemption: resumes the coroutine (still at 1) where the
/// hook yielded it.
fn resume_again(lua: Lua) -> LResult<Ret> {
    let thread = thread_arg(lua)?;
    set_preempted_resume(lua, thread, false);
    resume_answer(lua, thread, 0)
}

fn resume_answer(lua: Lua, co: *mut ffi::lua_State, narg: c_int) -> LResult<Ret> {
    match resume_script(lua, co, narg) {
        Resumed::Values(n) => {
            lua.push_bool(true);
            lua.insert(-(n + 1));
            Ok(Ret::Values(n + 1))
        }
        // The process was stopped where it could not be preempted: that is not the
        // coroutine's error to report, it ends the process (`vm/preempt.rs`).
        Resumed::Failed if preempt::doomed() => Err(Raise::Top),
        Resumed::Failed => {
            lua.push_bool(false);
            lua.insert(-2);
            Ok(Ret::Values(2))
        }
        Resumed::Preempted => Ok(Ret::Preempted(continuation(resume_again))),
        Resumed::Waiting => pass_the_wait_on(lua, continuation(resume_again)),
    }
}

/// A coroutine's status as `coroutine.status` names it (Lua's `auxstatus`), for one
/// that is not in an interrupted resume.
fn status_name(lua: Lua, co: *mut ffi::lua_State) -> &'static str {
    if co == lua.raw() {
        return "running";
    }
    // SAFETY: `co` is a thread of this VM held at argument 1; reading its status and
    // whether it has a frame is plain API use.
    unsafe {
        match ffi::lua_status(co) {
            ffi::LUA_YIELD => "suspended",
            ffi::LUA_OK => {
                let mut frame: ffi::lua_Debug = std::mem::zeroed();
                if ffi::lua_getstack(co, 0, &mut frame) != 0 {
                    "normal"
                } else if ffi::lua_gettop(co) == 0 {
                    "dead"
                } else {
                    "suspended"
                }
            }
            _ => "dead",
        }
    }
}

/// `coroutine.status(co)`: Lua's, and "normal" for a coroutine in an interrupted resume
/// (see [`in_preempted_resume`]).
fn status(lua: Lua) -> LResult<c_int> {
    let thread = thread_arg(lua)?;
    if in_preempted_resume(lua, thread) {
        lua.push_str("normal");
        return Ok(1);
    }
    lua.set_top(1);
    lua.ensure(1)?;
    lua.push_value(ffi::lua_upvalueindex(1));
    lua.insert(1);
    // SAFETY: Lua's `status` at 1 and the thread above it; it cannot fail.
    if unsafe { ffi::lua_pcallk(lua.raw(), 1, 1, 0, 0, None) } != ffi::LUA_OK {
        return Err(Raise::Top);
    }
    Ok(1)
}

/// `coroutine.close(co)`: Lua's (`luaB_close`), except for the driver's coroutines,
/// which it refuses with an error, as Lua does for a running coroutine, and for one in
/// an interrupted resume, which is "normal".
fn close(lua: Lua) -> LResult<c_int> {
    let thread = thread_arg(lua)?;
    if driver_owned(lua, thread) {
        return Err(Raise::from(
            "cannot close a coroutine the process runs (main or coroutine.spawn)",
        ));
    }
    let status = if in_preempted_resume(lua, thread) {
        "normal"
    } else {
        status_name(lua, thread)
    };
    if status != "dead" && status != "suspended" {
        return Err(Raise::from(format!("cannot close a {status} coroutine")));
    }
    lua.ensure(2)?;
    if close_thread(lua, thread) == ffi::LUA_OK {
        lua.push_bool(true);
        return Ok(1);
    }
    // SAFETY: `close_thread` left the error on the thread's stack.
    unsafe { ffi::lua_xmove(thread, lua.raw(), 1) };
    if preempt::doomed() {
        return Err(Raise::Top);
    }
    lua.push_bool(false);
    lua.insert(-2);
    Ok(2)
}
