//! Blocking: how a bound function suspends its coroutine on an op, and how the op's
//! completion becomes the call's results when the coroutine resumes.

use super::channel::{Case, Cases, Completion, OpId};
use super::field_names::Field;
use super::lua::{LResult, Lua, Raise, Ret};
use super::slot::Slot;
use super::state::{ProcState, state};
use smallvec::SmallVec;
use std::ffi::c_int;

/// Suspends the running coroutine until an op over `cases` completes (no cases: until
/// the driver completes it, as for a sleep or a read). `select` holds the stack index of
/// each case userdata of a select: the call yields with no values, so its stack is
/// still there when the continuation ([`answer`]) runs.
///
/// # Errors
///
/// Called from a thread the driver does not run (a `coroutine.create` coroutine), or
/// where Lua cannot yield (inside a metamethod called from C, a `table.sort` comparator).
pub(crate) fn block(
    lua: Lua,
    st: &mut ProcState,
    cases: Cases,
    select: Option<SmallVec<[c_int; 4]>>,
) -> LResult<Ret> {
    // In a script coroutine (`coroutine.create`, `wrap`), the wait is the process
    // coroutine's: the script coroutine yields, each resumer up to the process's own
    // coroutine yields in turn (`coroutine.rs`), and the op's answer comes when the
    // driver resumes them, as the original passes such a wait up through `resume`.
    let in_script = st.current_thread != lua.raw();
    if !can_block(lua, st) {
        for case in cases {
            if let Case::Send(_, slot) = case {
                slot.release(lua);
            }
        }
        return Err(Raise::from(if lua.yieldable() {
            "cannot block here (in a coroutine resumed where no yield can pass, such as a to-be-closed variable's __close)"
        } else {
            "cannot block here (inside a C call such as a metamethod or a table.sort comparator)"
        }));
    }
    if in_script {
        super::preempt::blocked_in_script();
    }
    let op = match (select, cases.as_slice()) {
        (None, [Case::Recv(chan)]) => st.channels.block_receive(st.current, *chan),
        (select, _) => st.channels.block(st.current, cases, select),
    };
    st.blocked_on = Some(op);
    Ok(Ret::Block(op))
}

/// Whether the running coroutine can wait here ([`block`] raises where it cannot).
pub(crate) fn can_block(lua: Lua, st: &ProcState) -> bool {
    let in_script = st.current_thread != lua.raw();
    lua.yieldable() && (!in_script || super::preempt::chain_yieldable())
}

/// The results of a blocking call whose op completed (the continuation of every
/// blocking call).
pub(crate) fn answer(lua: Lua, op: OpId) -> LResult<Ret> {
    let st = state(lua)?;
    let Some(op) = st.channels.take(op) else {
        return Err(Raise::from(
            "internal error (bug): resumed before the wait completed",
        ));
    };
    let Some(done) = op.done else {
        return Ok(Ret::Values(0));
    };
    lua.ensure_in_call(6)?;
    let n = match (done, op.select) {
        // As the original: a send (or a select) that waited when its channel was closed
        // returns `nil, err`; only a send on a channel closed already raises.
        (Completion::SendClosed, _) => {
            lua.push_nil();
            crate::modules::errors::push_error(
                lua,
                wippy_runtime::payload::ErrorValue::new(
                    wippy_runtime::payload::ErrorKind::Unknown,
                    "send on closed channel",
                )
                .wrapped("channel update"),
            );
            2
        }
        (Completion::Woke, _) => 0,
        (Completion::Returns(n), _) => n,
        (Completion::Read(result), _) => crate::modules::io::push_read_result(lua, result)?,
        (Completion::Exited(outcome), _) => {
            crate::modules::process::push_exec_result(lua, outcome)?
        }
        (Completion::Started(Ok(pid)), _) => {
            lua.push_bytes(pid.to_text().as_bytes());
            lua.push_nil();
            2
        }
        (Completion::Started(Err(error)), _) => {
            lua.push_nil();
            crate::modules::errors::push_error(
                lua,
                crate::modules::errors::with_traceback(lua, *error),
            );
            2
        }
        (Completion::Value(value), _) => {
            value.push(lua)?;
            1
        }
        (Completion::Received(_, value, ok), None) => {
            value.push(lua)?;
            lua.push_bool(ok);
            2
        }
        (Completion::Sent(_), None) => {
            lua.push_bool(true);
            1
        }
        (Completion::Received(case, value, ok), Some(cases)) => {
            push_case(lua, &cases, case);
            let n = select_result(lua, -1, Some(value), ok)?;
            lua.remove(-2);
            n
        }
        (Completion::Sent(case), Some(cases)) => {
            push_case(lua, &cases, case);
            let n = select_result(lua, -1, None, true)?;
            lua.remove(-2);
            n
        }
    };
    Ok(Ret::Values(n))
}

/// Pushes the case userdata of case `case` (by its stack index), or nil.
fn push_case(lua: Lua, cases: &[c_int], case: usize) {
    match cases.get(case) {
        Some(idx) => lua.push_value(*idx),
        None => lua.push_nil(),
    }
}

/// Pushes a select result `{channel, value, ok}` for the case userdata at `case`
/// (its user value 1 is the channel, 2 the value of a send case). `value` is the value
/// received (`None` for a send: the value sent). Returns 1.
///
/// # Errors
///
/// As [`Slot::push`].
pub(crate) fn select_result(
    lua: Lua,
    case: c_int,
    value: Option<Slot>,
    ok: bool,
) -> LResult<c_int> {
    let case = lua.abs(case);
    lua.new_table(0, 3);
    if lua.kind(case) == super::lua::LUA_TUSERDATA {
        lua.push_field_name(Field::Channel);
        lua.push_user_value(case, 1);
        lua.set_named(-3);
    }
    lua.push_field_name(Field::Value);
    match value {
        Some(v) => v.push(lua)?,
        None if lua.kind(case) == super::lua::LUA_TUSERDATA => lua.push_user_value(case, 2),
        None => lua.push_nil(),
    }
    lua.set_named(-3);
    lua.push_field_name(Field::Ok);
    lua.push_bool(ok);
    lua.set_named(-3);
    Ok(1)
}
