//! [`LuaProcess`]: a Lua VM as a runtime process body.
//!
//! One step: take what arrived (events, messages, fired timers, terminal reads) into the
//! process's channels, then resume ready coroutines one after another until none is ready
//! or the time slice is used up. `main` returning ends the process (and its other
//! coroutines); an error in any coroutine fails it. When every coroutine is blocked and
//! nothing outside can wake one, the process fails with a deadlock error.

use super::channel::CoId;
use super::preempt::Preempt;
use super::setup::{LuaEnv, new_vm};
use super::state::{Co, ProcState, Resume, TimerTarget};
use super::{feed, is_wait_tag};
use crate::compile::CompiledEntry;
use crate::modules::channel::op_answer;
use crate::modules::errors::{as_error, from_lua_error};
use crate::modules::time::LuaTime;
use crate::value::{from_payload, to_payload};
use mlua::chunk::ChunkMode;
use mlua::thread::ThreadStatus;
use mlua::{Function, Lua, MultiValue, Value};
use std::sync::Arc;
use std::time::SystemTime;
use wippy_runtime::host::HostKind;
use wippy_runtime::message::Payloads;
use wippy_runtime::payload::{ErrorKind, ErrorValue, Payload};
use wippy_runtime::process::{Flow, ProcessBody, ProcessContext};
use wippy_runtime::router::{Route, Sink};
use wippy_scheduler::SpawnOptions;

/// A process running a Lua entry.
pub struct LuaProcess {
    env: Arc<LuaEnv>,
    compiled: Arc<CompiledEntry>,
    args: Option<Payloads>,
    lua: Option<Lua>,
    main: CoId,
    preempt: Arc<Preempt>,
}

impl std::fmt::Debug for LuaProcess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LuaProcess")
            .field("entry", &self.compiled.id)
            .finish_non_exhaustive()
    }
}

enum Outcome {
    Running,
    Done(Payload),
    Failed(ErrorValue),
}

impl LuaProcess {
    /// A process that will run `compiled` with `args` (the VM is built at its first step).
    pub fn new(env: Arc<LuaEnv>, compiled: Arc<CompiledEntry>, args: Payloads) -> LuaProcess {
        LuaProcess {
            env,
            compiled,
            args: Some(args),
            lua: None,
            main: 0,
            preempt: Arc::new(Preempt::default()),
        }
    }

    fn boot(&mut self, cx: &mut ProcessContext<'_, '_>) -> Result<(), ErrorValue> {
        let handle = cx.handle();
        let terminal = cx
            .runtime()
            .host(handle.host_id().as_str())
            .is_some_and(|h| h.kind() == HostKind::Terminal);
        let mut state = ProcState::new(handle, self.compiled.clone(), terminal);
        state.notifier = Some(cx.notifier());
        let lua = new_vm(&self.env, &self.compiled, state).map_err(|e| lua_failure(&e))?;
        let chunk = lua
            .load(&self.compiled.bytecode[..])
            .set_mode(ChunkMode::Binary)
            .set_name(format!("@{}", self.compiled.chunk_name))
            .into_function()
            .map_err(|e| lua_failure(&e))?;
        let main = self.entry_function(chunk)?;
        let thread = lua.create_thread(main).map_err(|e| lua_failure(&e))?;
        // Arguments: converted now, passed at the first resume.
        let args = self.args.take().unwrap_or_default();
        let mut values = Vec::with_capacity(args.len());
        for arg in &args {
            values.push(from_payload(&lua, arg).map_err(|e| lua_failure(&e))?);
        }
        {
            let mut st = super::state(&lua).map_err(|e| lua_failure(&e))?;
            self.main = st.coroutines.insert(Co {
                thread,
                blocked: None,
            });
            st.ready
                .push_back((self.main, Resume::Start(MultiValue::from_iter(values))));
        }
        self.lua = Some(lua);
        Ok(())
    }

    /// Runs the chunk (in a coroutine, so that top-level code may block) and finds the
    /// exported function `method`; a chunk without a method is itself the process.
    fn entry_function(&self, chunk: Function) -> Result<Function, ErrorValue> {
        let Some(method) = self.compiled.method.as_deref() else {
            return Ok(chunk);
        };
        let exports: Value = chunk.call(()).map_err(|e| lua_failure(&e))?;
        let function = match &exports {
            Value::Table(t) => t.get::<Value>(method).map_err(|e| lua_failure(&e))?,
            _ => Value::Nil,
        };
        match function {
            Value::Function(f) => Ok(f),
            _ => Err(ErrorValue::new(
                ErrorKind::Invalid,
                format!(
                    "entry {}: the script must return a table with a function {method:?} (method:)",
                    self.compiled.id
                ),
            )),
        }
    }

    /// Moves what arrived from outside into the channels; arms requested timers.
    fn pump(&self, lua: &Lua, cx: &mut ProcessContext<'_, '_>) -> mlua::Result<()> {
        let mut st = super::state(lua)?;
        let st = &mut *st;
        while let Some(event) = cx.recv_event() {
            st.pending_events.push_back(event);
        }
        if let Some(events_chan) = st.events_chan {
            while let Some(event) = st.pending_events.pop_front() {
                let table = crate::modules::process::event_table(lua, &event)?;
                if let Err(_back) = st.channels.offer(events_chan, Value::Table(table)) {
                    st.pending_events.push_front(event);
                    break;
                }
            }
        }
        let mut sink = ChannelSink {
            lua,
            channels: &mut st.channels,
            feeds: &st.feeds,
        };
        while let Some(message) = cx.recv_message() {
            st.router.route(message, &mut sink);
        }
        if st.router.waiting() > 0 {
            st.router.flush(&mut sink);
        }
        // Timers: arm the new ones, feed the fired ones.
        for token in std::mem::take(&mut st.timers_to_arm) {
            if let Some(slot) = st.timers.get_mut(&token) {
                slot.armed = Some(match slot.period {
                    Some(period) => cx.ticker(period),
                    None => cx.timer(slot.after),
                });
            }
        }
        let mut finished = Vec::new();
        for (token, slot) in st.timers.iter_mut() {
            let Some(timer) = &slot.armed else { continue };
            let ticks = if slot.period.is_some() {
                timer.take_ticks()
            } else {
                u32::from(timer.fired())
            };
            for _ in 0..ticks {
                match slot.target {
                    TimerTarget::Op(op) => {
                        st.channels.complete(
                            op,
                            super::channel::Completion::Received(0, Value::Nil, true),
                        );
                    }
                    TimerTarget::Chan(chan) => {
                        let now = Value::UserData(lua.create_userdata(LuaTime(SystemTime::now()))?);
                        // A slow reader loses ticks (the channel holds 16).
                        let _ = st.channels.offer(chan, now);
                    }
                }
            }
            if ticks > 0 && slot.period.is_none() {
                finished.push(*token);
            }
        }
        for token in finished {
            st.timers.remove(&token);
        }
        // Terminal reads.
        let mut i = 0;
        while i < st.reads.len() {
            if let Some(result) = st.reads[i].slot.take() {
                let read = st.reads.swap_remove(i);
                let (value, error) = match result {
                    Ok(Some(bytes)) => (Value::String(lua.create_string(&bytes)?), Value::Nil),
                    Ok(None) => (Value::Nil, Value::Nil),
                    Err(e) => (
                        Value::Nil,
                        crate::modules::errors::new_error(
                            lua,
                            ErrorValue::new(ErrorKind::Unavailable, e),
                        )?,
                    ),
                };
                st.channels.complete(
                    read.op,
                    super::channel::Completion::Received(0, value, error.is_nil()),
                );
                if !error.is_nil() {
                    st.read_errors.insert(read.op, error);
                }
            } else {
                i += 1;
            }
        }
        // Completed waits make their coroutines ready.
        while let Some(co) = st.channels.completed.pop_front() {
            if let Some(c) = st.coroutines.get_mut(co) {
                if let Some(op) = c.blocked.take() {
                    st.ready.push_back((co, Resume::Op(op)));
                }
            }
        }
        Ok(())
    }

    fn resume(&mut self, lua: &Lua, co: CoId, how: Resume) -> mlua::Result<Outcome> {
        let (thread, args) = {
            let mut st = super::state(lua)?;
            st.current = co;
            let Some(c) = st.coroutines.get(co) else {
                return Ok(Outcome::Running);
            };
            let thread = c.thread.clone();
            let args = match how {
                Resume::Nothing => Ok(MultiValue::new()),
                Resume::Start(values) => Ok(values),
                Resume::Op(op) => Err((st.channels.take(op), st.read_errors.remove(&op))),
            };
            (thread, args)
        };
        let args: MultiValue = match args {
            Ok(values) => values,
            Err((Some(op), read_error)) => {
                let (tag, a, b) = op_answer(lua, op)?;
                match read_error {
                    Some(error) => MultiValue::from_iter([tag, Value::Nil, error]),
                    None => MultiValue::from_iter([tag, a, b]),
                }
            }
            Err((None, _)) => MultiValue::new(),
        };
        self.preempt.enter(thread.to_pointer());
        let result = thread.resume::<MultiValue>(args);
        // A hook yield leaves no values and the thread resumable; anything else settled it.
        let hook_yield = matches!(&result, Ok(values) if values.is_empty())
            && thread.status() == ThreadStatus::Resumable;
        self.preempt.leave(!hook_yield);
        let spawned = std::mem::take(&mut super::state(lua)?.spawned);
        for thread in spawned {
            let mut st = super::state(lua)?;
            let id = st.coroutines.insert(Co {
                thread,
                blocked: None,
            });
            st.ready.push_back((id, Resume::Nothing));
        }
        match result {
            Err(error) => Ok(Outcome::Failed(lua_failure(&error))),
            Ok(values) => {
                if thread.status() == ThreadStatus::Resumable {
                    let mut st = super::state(lua)?;
                    let blocked_on = match values.front() {
                        Some(tag) if is_wait_tag(tag) => values.get(1).and_then(|v| v.as_integer()),
                        _ => None,
                    };
                    match blocked_on {
                        Some(op) => {
                            let op = op as usize;
                            if st.channels.is_pending(op) {
                                if let Some(c) = st.coroutines.get_mut(co) {
                                    c.blocked = Some(op);
                                }
                            } else {
                                // Completed while registering (cannot happen today; safe anyway).
                                st.ready.push_back((co, Resume::Op(op)));
                            }
                        }
                        None => st.ready.push_back((co, Resume::Nothing)),
                    }
                    Ok(Outcome::Running)
                } else if co == self.main {
                    Ok(main_result(values))
                } else {
                    super::state(lua)?.coroutines.remove(co);
                    Ok(Outcome::Running)
                }
            }
        }
    }
}

/// The result of `main`: a string or error as 2nd value fails; else the 1st is the result.
fn main_result(values: MultiValue) -> Outcome {
    let first = values.front().cloned().unwrap_or(Value::Nil);
    match values.get(1) {
        Some(Value::String(s)) => {
            Outcome::Failed(ErrorValue::new(ErrorKind::Unknown, s.to_string_lossy()))
        }
        Some(v @ Value::UserData(_)) if as_error(v).is_some() => Outcome::Failed(
            as_error(v)
                .map(Arc::unwrap_or_clone)
                .unwrap_or_else(|| ErrorValue::new(ErrorKind::Unknown, "error")),
        ),
        _ => match to_payload(&first) {
            Ok(p) => Outcome::Done(p),
            Err(e) => Outcome::Failed(e.to_error_value()),
        },
    }
}

fn lua_failure(error: &mlua::Error) -> ErrorValue {
    if let mlua::Error::MemoryError(message) = error {
        return ErrorValue::new(
            ErrorKind::Internal,
            format!("memory limit exceeded: {message}"),
        );
    }
    from_lua_error(error)
}

/// Delivers routed messages to process channels (only when the channel takes them now).
struct ChannelSink<'a> {
    lua: &'a Lua,
    channels: &'a mut super::channel::Channels,
    feeds: &'a std::collections::HashMap<super::channel::ChanId, super::channel::Feed>,
}

impl Sink<super::channel::ChanId> for ChannelSink<'_> {
    fn offer(
        &mut self,
        route: Route<super::channel::ChanId>,
        message: wippy_runtime::message::Message,
    ) -> Result<(), wippy_runtime::message::Message> {
        let chan = route.target();
        let Some(feed) = self.feeds.get(&chan).copied() else {
            return Err(message);
        };
        // Only convert when the channel can take it.
        let takes = self.channels.has_receiver(chan)
            || self
                .channels
                .chans
                .get(chan)
                .is_some_and(|c| !c.closed && c.buf.len() < c.cap);
        if !takes {
            return Err(message);
        }
        match feed::message_value(self.lua, feed, message.clone()) {
            Ok(value) => self.channels.offer(chan, value).map_err(|_| message),
            Err(_) => Err(message),
        }
    }
}

impl ProcessBody for LuaProcess {
    fn step(&mut self, cx: &mut ProcessContext<'_, '_>) -> Flow {
        self.preempt.new_run();
        if self.lua.is_none() {
            if let Err(error) = self.boot(cx) {
                return Flow::Fail(error);
            }
        }
        let Some(lua) = self.lua.clone() else {
            return Flow::Fail(ErrorValue::new(ErrorKind::Internal, "no VM"));
        };
        loop {
            if let Err(e) = self.pump(&lua, cx) {
                return Flow::Fail(lua_failure(&e));
            }
            let next = match super::state(&lua) {
                Ok(mut st) => st.ready.pop_front(),
                Err(e) => return Flow::Fail(lua_failure(&e)),
            };
            let Some((co, how)) = next else { break };
            match self.resume(&lua, co, how) {
                Ok(Outcome::Running) => {}
                Ok(Outcome::Done(value)) => return self.end(&lua, Flow::Done(value)),
                Ok(Outcome::Failed(error)) => {
                    tracing::error!(target: "wippy::lua", pid = %cx.pid(), entry = %self.compiled.id, error = %error, stack = error.stack().unwrap_or(""), "process failed");
                    return self.end(&lua, Flow::Fail(error));
                }
                Err(e) => return Flow::Fail(lua_failure(&e)),
            }
            if cx.should_yield() {
                return Flow::Yield;
            }
        }
        let deadlocked = match super::state(&lua) {
            Ok(st) => st.ready.is_empty() && !st.has_external_wakers(),
            Err(_) => false,
        };
        if deadlocked {
            return self.end(
                &lua,
                Flow::Fail(ErrorValue::new(
                    ErrorKind::Internal,
                    "deadlock: all coroutines blocked with no pending operations",
                )),
            );
        }
        Flow::Wait
    }

    fn spawn_options(&mut self) -> SpawnOptions {
        let preempt = self.preempt.clone();
        SpawnOptions::new().preempt_hook(Arc::new(move || preempt.request()))
    }
}

impl LuaProcess {
    fn end(&mut self, lua: &Lua, flow: Flow) -> Flow {
        // Other coroutines die with main; drop the state (and its timers) now.
        let _ = lua.remove_app_data::<ProcState>();
        self.lua = None;
        flow
    }
}
