//! [`LuaProcess`]: a Lua VM as a runtime process body.
//!
//! One step: collect what arrived (events, messages, fired timers, terminal reads),
//! deliver it into the process's channels, then resume ready coroutines one after another
//! until none is ready or the time slice is used up. `main` returning ends the process
//! (and its other coroutines); an error in any coroutine fails it. When every coroutine
//! is blocked and nothing outside can wake one, the process fails with a deadlock error.
//!
//! Coroutines are resumed with `lua_resume` straight from here. A coroutine suspends for
//! one of three reasons, told apart by the state: a blocking call set `blocked_on` (it
//! resumes when that op completes, and the call's continuation answers), the preemption
//! hook yielded (it resumes at once, where it was), or Lua code called
//! `coroutine.yield()` (likewise).

use super::channel::CoId;
use super::channel::{ChanId, Feed};
use super::feed;
use super::instance::{Vm, failure};
use super::lua::{LResult, Lua, Raise, cfn};
use super::preempt::Preempt;
use super::setup::LuaEnv;
use super::slot::Slot;
use super::state::{Co, ProcState, Resume, Upgrade, state};
use crate::compile::CompiledEntry;
use crate::modules::errors::error_from_stack;
use mlua::ffi;
use std::collections::VecDeque;
use std::ffi::{c_int, c_void};
use std::sync::Arc;
use wippy_runtime::Dest;
use wippy_runtime::host::HostKind;
use wippy_runtime::message::Payloads;
use wippy_runtime::message::{Event, Message};
use wippy_runtime::payload::{ErrorKind, ErrorValue, Payload};
use wippy_runtime::pid::Pid;
use wippy_runtime::process::{Flow, ProcessBody, ProcessContext};
use wippy_scheduler::SpawnOptions;

/// A process running a Lua entry.
pub struct LuaProcess {
    env: Arc<LuaEnv>,
    compiled: Arc<CompiledEntry>,
    args: Payloads,
    vm: Option<Vm>,
    main: CoId,
    /// The VM was collected once, the first time the process waited.
    settled: bool,
    preempt: Arc<Preempt>,
    /// A `process.upgrade` seen in the last resume, carried out after the run.
    upgrading: Option<Box<Upgrade>>,
    /// While `main`'s coroutine still runs the entry's chunk (its top level), how many
    /// arguments wait under it on the coroutine's stack: when the chunk returns, the
    /// entry's function starts in the same coroutine with them ([`start_main`]).
    loading: Option<c_int>,
}

/// A process ended from outside (terminated, its host shut down, or it terminated
/// itself) drops its body with the VM still in it: the calls it runs end with it, as
/// when it returns or fails.
impl Drop for LuaProcess {
    fn drop(&mut self) {
        if let Some(vm) = &self.vm {
            end_calls(vm);
        }
    }
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
    /// The chunk ran and the method was found: `main` is about to start (the process has
    /// booted, for its spawner's `BootWatch`).
    Booted,
    Done(Payload),
    Failed(ErrorValue),
    /// The coroutine asked for `process.upgrade`.
    Upgrade(Box<Upgrade>),
    /// The process terminated itself: nothing of it runs any more.
    Halted,
}

/// What `boot_main` needs (passed as a light userdata).
struct Boot<'a> {
    compiled: &'a CompiledEntry,
    args: &'a Payloads,
}

/// What `find_main` needs (passed as a light userdata).
struct FindMain<'a> {
    compiled: &'a CompiledEntry,
    /// `main`'s coroutine, finished: its arguments, the method name, and the chunk's
    /// `returned` values on its stack.
    thread: *mut ffi::lua_State,
    nargs: c_int,
    returned: c_int,
}

impl LuaProcess {
    /// A process that will run `compiled` with `args` (the VM is built at its first step).
    pub fn new(env: Arc<LuaEnv>, compiled: Arc<CompiledEntry>, args: Payloads) -> LuaProcess {
        LuaProcess {
            env,
            compiled,
            args,
            vm: None,
            main: 0,
            settled: false,
            preempt: Arc::new(Preempt::default()),
            upgrading: None,
            loading: None,
        }
    }

    fn boot(&mut self, cx: &mut ProcessContext<'_, '_>) -> Result<(), ErrorValue> {
        let handle = cx.handle();
        // From the process's own record: no lookup of the host by name (a shared lock).
        let terminal = handle.host_kind() == HostKind::Terminal;
        let mut state = ProcState::new(self.env.clone(), handle, self.compiled.clone(), terminal);
        state.notifier = Some(cx.notifier());
        let vm = super::pool::take(self.env.memory_limit, state)?;
        let mut boot = Boot {
            compiled: &self.compiled,
            args: &self.args,
        };
        vm.protected(
            cfn(boot_main),
            std::ptr::from_mut(&mut boot).cast::<c_void>(),
        )?;
        self.main = 0;
        self.loading = Some(c_int::try_from(self.args.len()).unwrap_or(c_int::MAX));
        self.args = Payloads::new();
        self.vm = Some(vm);
        Ok(())
    }

    /// Resumes coroutine `co`.
    fn resume(&mut self, vm: &Vm, co: CoId, how: Resume) -> Outcome {
        let Some(st) = vm.state() else {
            return Outcome::Failed(ErrorValue::new(ErrorKind::Internal, "no process state"));
        };
        let Some(thread) = st.coroutines.get(co).map(|c| c.thread) else {
            return Outcome::Running;
        };
        st.current = co;
        st.current_thread = thread;
        st.blocked_on = None;
        let nargs = match how {
            Resume::Start(n) => n,
            Resume::Nothing | Resume::Op => 0,
        };
        self.preempt.enter(thread.cast_const().cast());
        if vm.collection_due() {
            // An allocation passed the limit and the hook that decides whether it may
            // stay there did not run before the coroutine stopped (`alloc.rs`): it runs
            // at this resume's first instruction.
            super::preempt::arm_running();
        }
        let mut nres: c_int = 0;
        // SAFETY: `thread` is a live coroutine of this VM (anchored in the registry, or
        // the VM's own), suspended or fresh with its function and `nargs` arguments on
        // its stack; nothing else runs in the VM now.
        let status = unsafe { ffi::lua_resume(thread, vm.lua().raw(), nargs, &mut nres) };
        self.preempt.leave();
        let preempted = super::preempt::preempted();
        if let Some(message) = super::preempt::take_doomed() {
            // Stopped where it could not be preempted (raised as a memory error, or
            // caught on the way out and yielded): the process ends (`preempt.rs`).
            // A failed coroutine keeps its frames.
            let stack = vm.traceback_of(thread).unwrap_or_default();
            return Outcome::Failed(
                ErrorValue::new(ErrorKind::Unknown, message.to_string_lossy()).with_stack(stack),
            );
        }
        let Some(st) = vm.state() else {
            return Outcome::Failed(ErrorValue::new(ErrorKind::Internal, "no process state"));
        };
        st.current_thread = std::ptr::null_mut();
        for new in std::mem::take(&mut st.spawned) {
            let id = st.coroutines.insert(new);
            st.ready.push_back((id, Resume::Nothing));
        }
        if st.occasional.as_deref().is_some_and(|o| o.halted) {
            // It terminated itself: however this resume ended, nothing more of it runs.
            return Outcome::Halted;
        }
        // SAFETY: `thread` is live (see above) and used on this thread only.
        let co_lua = unsafe { Lua::from_raw(thread) };
        match status {
            ffi::LUA_YIELD => {
                co_lua.pop(nres);
                if let Some(upgrade) = st.occasional.as_mut().and_then(|o| o.upgrade.take()) {
                    return Outcome::Upgrade(upgrade);
                }
                match st.blocked_on.take() {
                    Some(op) if st.channels.is_pending(op) => {
                        if let Some(c) = st.coroutines.get_mut(co) {
                            c.blocked = Some(op);
                        }
                    }
                    // Its op completed as it yielded (a call that woke others, or
                    // `coroutine.spawn`): it and what the call woke run after what is
                    // ready, in the original's order: the caller first, except after a
                    // close, whose woken coroutines go first.
                    Some(_) => {
                        let woken_first = std::mem::take(&mut st.woken_go_first);
                        if !woken_first {
                            st.ready.push_back((co, Resume::Op));
                        }
                        while let Some(woken) = st.channels.completed.pop_front() {
                            if let Some(c) = st.coroutines.get_mut(woken) {
                                if c.blocked.take().is_some() {
                                    st.ready.push_back((woken, Resume::Op));
                                }
                            }
                        }
                        if woken_first {
                            st.ready.push_back((co, Resume::Op));
                        }
                    }
                    // Preempted: it goes on before any other coroutine of the process
                    // (which switch only where they block or yield, reference §1.4).
                    None if preempted => st.ready.push_front((co, Resume::Nothing)),
                    None => st.occasional().yielded.push(co),
                }
                Outcome::Running
            }
            ffi::LUA_OK if co == self.main && self.loading.is_some() => {
                let nargs = self.loading.take().unwrap_or(0);
                if !start_main(co_lua, nargs, nres) {
                    // Many arguments, or exports without the method (an error naming
                    // the entry): the general way, protected.
                    let mut find = FindMain {
                        compiled: &self.compiled,
                        thread,
                        nargs,
                        returned: nres,
                    };
                    if let Err(error) = vm.protected(
                        cfn(find_main),
                        std::ptr::from_mut(&mut find).cast::<c_void>(),
                    ) {
                        return Outcome::Failed(error);
                    }
                }
                if let Some(st) = vm.state() {
                    st.ready.push_back((co, Resume::Start(nargs)));
                }
                Outcome::Booted
            }
            ffi::LUA_OK if co == self.main => main_result(co_lua, nres),
            ffi::LUA_OK => {
                // Its return values are dropped: a thread with values on its stack and no
                // frame would read as a suspended coroutine (`coroutine.status`), and
                // `coroutine.resume` would call the first of them.
                co_lua.pop(nres);
                if let Some(Co {
                    anchor: Some(anchor),
                    ..
                }) = st.coroutines.try_remove(co)
                {
                    vm.lua().unref(anchor);
                }
                Outcome::Running
            }
            status => {
                let mut error = failure(co_lua, status, -1);
                if error.stack().is_none() && status != ffi::LUA_ERRMEM {
                    // The stack of a coroutine that failed is not unwound: trace it.
                    if let Some(trace) = vm.traceback_of(thread) {
                        error = error.with_stack(trace);
                    }
                }
                if status == ffi::LUA_ERRRUN
                    && co_lua.kind(-1) == ffi::LUA_TTABLE
                    && error.message() == crate::modules::errors::UNNAMED_TABLE
                {
                    // A table raised without a `message`: its `__tostring` names it, as
                    // Lua's interpreter does (`error_name.rs`). Nothing of the process is
                    // borrowed here.
                    if let Some(text) = super::error_name::name_error_object(vm, thread) {
                        error = error.with_message(text);
                    }
                }
                Outcome::Failed(error)
            }
        }
    }

    /// Carries out `process.upgrade`: the process goes on as `upgrade.compiled`, from its
    /// `main` with `upgrade.args`, in a new VM. The PID, links, monitors and names are the
    /// runtime's and stay; what the old VM took from the mailbox but its code never
    /// received (channel buffers of its inbox and listens, messages waiting for a
    /// subscription, events) goes to the new one, in order, so nothing accepted is lost.
    /// The old VM and everything of its code (channels, timers, coroutines) go.
    fn upgrade(&mut self, vm: Vm, upgrade: Upgrade, cx: &mut ProcessContext<'_, '_>) -> Flow {
        let carried = vm.state().map(carry_over).unwrap_or_default();
        super::pool::give_back(vm, std::ptr::null_mut());
        // As the original's scheduler words an upgrade that could not create or start
        // the new code.
        let compiled = match upgrade.compiled {
            Ok(compiled) => compiled,
            Err(error) => return self.upgrade_failed(cx, error.wrapped("upgrade: create failed")),
        };
        self.compiled = compiled;
        self.args = upgrade.args;
        self.settled = false;
        if let Err(error) = self.boot(cx) {
            return self.upgrade_failed(cx, error.wrapped("upgrade: init failed"));
        }
        if let Some(st) = self.vm.as_ref().and_then(Vm::state) {
            st.incoming = carried.messages;
            st.pending_events = carried
                .events
                .into_iter()
                .map(|e| (super::feed::UNNUMBERED, e))
                .collect();
            if !carried.execs.is_empty() {
                st.occasional().execs = carried
                    .execs
                    .into_iter()
                    .map(|pid| (pid, super::state::ExecWaiter::Call(None)))
                    .collect();
            }
            // The options are the old code's: the new one starts with `trap_links` off,
            // as the original's fresh process does, and a LINK_DOWN still waiting fails
            // it as any untrapped one.
            st.handle.set_trap_links(false);
            crate::modules::process::redeliver_untrapped_link_down(st);
        }
        Flow::Yield
    }

    fn upgrade_failed(&mut self, cx: &ProcessContext<'_, '_>, error: ErrorValue) -> Flow {
        tracing::error!(target: "wippy::lua", pid = %cx.pid(), entry = %self.compiled.id, error = %error, "process failed to upgrade");
        Flow::Fail(error)
    }

    fn end(&mut self, flow: Flow) -> Flow {
        // Other coroutines die with main; the VM (and its timers) go now.
        self.vm = None;
        flow
    }
}

/// Terminates the processes still running for calls of this one (`funcs.call`,
/// `funcs.async`, `process.exec`) as it ends: a call lives as long as its caller, as the
/// original's run under a context the caller's end cancels.
fn end_calls(vm: &Vm) {
    let Some(st) = vm.state() else {
        return;
    };
    let Some(occasional) = st.occasional.as_deref() else {
        return;
    };
    for pid in occasional.execs.keys() {
        // One that ended meanwhile is gone already.
        let _ = st.handle.terminate(Dest::Pid(pid));
    }
}

/// What an upgraded process hands from its old VM to its new one.
#[derive(Default)]
struct Carried {
    messages: VecDeque<Message>,
    events: VecDeque<Event>,
    /// Processes run by `exec` and `funcs` calls (and futures) that died with the old
    /// VM: their EXITs are dropped.
    execs: Vec<Pid>,
}

/// Takes out of `st` what its code had not received (see [`LuaProcess::upgrade`]).
fn carry_over(st: &mut ProcState) -> Carried {
    let mut carried = Carried::default();
    let mut fed: Vec<(ChanId, Feed)> = st.feeds.iter().map(|(c, f)| (*c, *f)).collect();
    fed.sort_unstable_by_key(|(chan, _)| *chan);
    for (chan, _) in fed {
        let Some(channel) = st.channels.chans.get_mut(chan) else {
            continue;
        };
        for slot in std::mem::take(&mut channel.buf) {
            match slot {
                Slot::Message(m) | Slot::Payloads(m) => carried.messages.push_back(m),
                Slot::Event(e) => carried.events.push_back(e),
                _ => {}
            }
        }
    }
    carried.messages.extend(st.router.take_waiting());
    carried.messages.extend(st.incoming.drain(..));
    carried
        .events
        .extend(st.pending_events.drain(..).map(|(_, e)| e));
    if let Some(occasional) = st.occasional.as_deref_mut() {
        carried.execs = occasional.execs.drain().map(|(pid, _)| pid).collect();
    }
    carried
}

/// Readies `main`'s coroutine with the entry's chunk, over the arguments and the method's
/// name (run protected on the main thread; argument 1 is the `Boot`). The chunk's top
/// level then runs in that coroutine like any code of the process: preempted when it
/// runs long, able to wait, stopped by a kill; when it returns, [`start_main`] starts
/// the entry's function there.
fn boot_main(lua: Lua) -> LResult<c_int> {
    // SAFETY: `boot` passed a pointer to its `Boot`, alive for this call.
    let boot = unsafe { &*lua.light(1).cast::<Boot<'_>>() };
    let compiled = boot.compiled;
    lua.ensure(8)?;
    super::chunks::push_chunk(lua, compiled)?;
    // The chunk is on top: move it into a thread, the VM's spare (`spare_thread.rs`) or a
    // new one.
    // SAFETY: the main thread's extra space holds this process's state pointer.
    let state_ptr = unsafe { *ffi::lua_getextraspace(lua.raw()).cast::<*mut ProcState>() };
    let thread = match super::spare_thread::take(lua, state_ptr) {
        // SAFETY: a spare thread of this VM with an empty stack; pushes it onto the main
        // thread, where a new one would be.
        Some(spare) => unsafe {
            ffi::lua_pushthread(spare);
            ffi::lua_xmove(spare, lua.raw(), 1);
            spare
        },
        // SAFETY: live state; pushes the new thread.
        None => unsafe { ffi::lua_newthread(lua.raw()) },
    };
    let anchor = lua.new_ref();
    // Under the chunk: the arguments, then the method's name, for `start_main`.
    // SAFETY: `thread` is live (anchored) and runs nothing yet.
    let co = unsafe { Lua::from_raw(thread) };
    co.ensure(
        c_int::try_from(boot.args.len())
            .unwrap_or(c_int::MAX)
            .saturating_add(3),
    )?;
    for arg in boot.args {
        crate::value::push_payload(co, arg)?;
    }
    // Without `method:`, `main`, as the original's process factory.
    co.push_str(compiled.method.as_deref().unwrap_or("main"));
    // SAFETY: both threads belong to this VM; moves the chunk on top of them.
    unsafe { ffi::lua_xmove(lua.raw(), thread, 1) };
    let st = state(lua)?;
    // Most processes only ever run `main`: room for it alone first (collections start
    // with four slots otherwise, paid by every idle process).
    st.coroutines.reserve_exact(1);
    st.ready.reserve_exact(1);
    let main = st.coroutines.insert(Co {
        thread,
        anchor: Some(anchor),
        blocked: None,
    });
    st.ready.push_back((main, Resume::Start(0)));
    Ok(0)
}

/// Starts the entry's function in `main`'s coroutine once its chunk returned, in the
/// common case, without a protected call: the coroutine's stack holds the `nargs`
/// arguments, the method's name and the chunk's `returned` values; when the first of
/// those is a function, or a table holding one under the method's name (read raw), it
/// is left with the arguments on the stack. Nothing here allocates or runs Lua code: the
/// base level of a coroutine always has `LUA_MINSTACK` slots, and these use at most
/// `nargs + 3`. `false` (the stack as it was, but for extra returned values) otherwise.
fn start_main(co: Lua, nargs: c_int, returned: c_int) -> bool {
    let method = nargs + 1;
    let exports = nargs + 2;
    if returned == 0 || exports + 1 > ffi::LUA_MINSTACK {
        return false;
    }
    co.set_top(exports);
    let function = match co.kind(exports) {
        ffi::LUA_TFUNCTION => exports,
        ffi::LUA_TTABLE => {
            co.push_value(method);
            // SAFETY: a table at `exports`, the key on top; a raw read runs no Lua code
            // and allocates nothing.
            if unsafe { ffi::lua_rawget(co.raw(), exports) } != ffi::LUA_TFUNCTION {
                co.set_top(exports);
                return false;
            }
            exports + 1
        }
        _ => return false,
    };
    // [args, method, exports, (function)] -> [function, args]: a rotation, no allocation.
    co.set_top(function);
    // SAFETY: `function` values on the stack; rotating moves the top one to index 1.
    unsafe { ffi::lua_rotate(co.raw(), 1, 1) };
    co.set_top(nargs + 1);
    true
}

/// [`start_main`]'s general case (run protected on the main thread; argument 1 is the
/// `FindMain`): an argument list too long for the coroutine's base slots, or exports
/// without the method, which fail naming the entry.
fn find_main(lua: Lua) -> LResult<c_int> {
    // SAFETY: `resume` passed a pointer to its `FindMain`, alive for this call.
    let find = unsafe { &*lua.light(1).cast::<FindMain<'_>>() };
    let compiled = find.compiled;
    // SAFETY: `main`'s coroutine, finished, with the stack `start_main` describes; it
    // runs nothing now.
    let co = unsafe { Lua::from_raw(find.thread) };
    lua.ensure(4)?;
    let exports = find.nargs + 2;
    if find.returned == 0 {
        lua.push_nil();
    } else {
        co.set_top(exports);
        // SAFETY: both threads belong to this VM; moves the exports.
        unsafe { ffi::lua_xmove(find.thread, lua.raw(), 1) };
    }
    let method = compiled.method.as_deref().unwrap_or("main");
    // A table of exports (its `method` is called), or the function itself (as the
    // original takes it).
    if lua.kind(-1) != ffi::LUA_TFUNCTION {
        let found =
            lua.kind(-1) == ffi::LUA_TTABLE && lua.get_field_str(-1, method) == ffi::LUA_TFUNCTION;
        if !found {
            return Err(Raise::from(format!(
                "entry {}: the script must return a function, or a table with a function {method:?} (the entry's method)",
                compiled.id
            )));
        }
        lua.remove(-2);
    }
    // [args, method] + function -> [function, args].
    co.set_top(find.nargs + 1);
    co.ensure(1)?;
    // SAFETY: both threads belong to this VM; moves the function on top of the coroutine,
    // which has room for it (`ensure`).
    unsafe { ffi::lua_xmove(lua.raw(), find.thread, 1) };
    // SAFETY: the function on top of `nargs + 2` values; rotating moves it to index 1.
    unsafe { ffi::lua_rotate(find.thread, 1, 1) };
    co.set_top(find.nargs + 1);
    Ok(0)
}

/// Releases the registry references dropped from channel queues (run protected on the
/// main thread).
fn release_garbage(lua: Lua) -> LResult<c_int> {
    feed::release_garbage(lua, state(lua)?);
    Ok(0)
}

/// The result of `main` (its `nres` values on top of `co`): a string or error as the
/// second value fails the process; otherwise the first value is the result. A string
/// fails it with an `INTERNAL`, non-retryable error, as the original's script return
/// error (so a service that returns one is not restarted); an error value as it is.
fn main_result(co: Lua, nres: c_int) -> Outcome {
    let base = co.top() - nres;
    let first = base + 1;
    let second = base + 2;
    if nres >= 2 {
        if co.kind(second) == ffi::LUA_TSTRING {
            return Outcome::Failed(
                ErrorValue::new(ErrorKind::Internal, co.string(second).unwrap_or_default())
                    .with_retryable(false),
            );
        }
        if crate::modules::errors::is_error(co, second) {
            return Outcome::Failed(error_from_stack(co, second));
        }
    }
    if nres == 0 {
        return Outcome::Done(Payload::Nil);
    }
    match crate::value::to_payload(co, first) {
        Ok(p) => Outcome::Done(p),
        Err(e) => Outcome::Failed(e.to_error_value()),
    }
}

impl ProcessBody for LuaProcess {
    fn step(&mut self, cx: &mut ProcessContext<'_, '_>) -> Flow {
        let flow = self.run_step(cx);
        self.preempt.end_run();
        match flow {
            // A Lua error of no kind (`error("x")`, `return nil, errors.new("x")`) ends the
            // process with kind `Internal`, as the original's `toAPIError` fills it in.
            Flow::Fail(error) if *error.kind() == ErrorKind::Unknown => {
                Flow::Fail(error.with_kind(ErrorKind::Internal))
            }
            flow => flow,
        }
    }

    fn spawn_options(&mut self) -> SpawnOptions {
        let preempt = self.preempt.clone();
        SpawnOptions::new().preempt_hook(Arc::new(move || preempt.request()))
    }

    /// Booted once the chunk has run and the method is found, as the original's spawn,
    /// which runs both before it returns; at once when the chunk's top level can neither
    /// fail nor wait (`crate::boot_check`).
    fn boots_itself(&self) -> bool {
        !self.compiled.boots_at_once
    }
}

impl LuaProcess {
    /// One step (see the module docs).
    fn run_step(&mut self, cx: &mut ProcessContext<'_, '_>) -> Flow {
        if self.vm.is_none() {
            if let Err(error) = self.boot(cx) {
                tracing::error!(target: "wippy::lua", pid = %cx.pid(), entry = %self.compiled.id, error = %error, "process failed to start");
                return Flow::Fail(error);
            }
        }
        let Some(vm) = self.vm.take() else {
            return Flow::Fail(ErrorValue::new(ErrorKind::Internal, "no VM"));
        };
        let flow = self.run(&vm, cx);
        if let Some(upgrade) = self.upgrading.take() {
            return self.upgrade(vm, *upgrade, cx);
        }
        match flow {
            flow @ (Flow::Wait | Flow::Yield) => {
                if self.loading.is_some() {
                    // The top level waits, or ran a whole slice: a spawner waiting for
                    // the boot goes on (`boot_wait.rs`).
                    cx.boot_delayed();
                }
                if matches!(flow, Flow::Wait) && !self.settled {
                    // Booting leaves garbage (the chunk's top level, its exports); a
                    // process that waits may wait long: collect once, now.
                    self.settled = true;
                    vm.settle();
                }
                self.vm = Some(vm);
                flow
            }
            flow => {
                end_calls(&vm);
                // A `main` that returned leaves a thread as good as new (`spare_thread.rs`).
                let finished_main = match flow {
                    Flow::Done(_) => vm
                        .state()
                        .and_then(|st| st.coroutines.get(self.main))
                        .map_or(std::ptr::null_mut(), |c| c.thread),
                    _ => std::ptr::null_mut(),
                };
                super::pool::give_back(vm, finished_main);
                self.end(flow)
            }
        }
    }

    /// Runs ready coroutines until none is ready, the slice is over, or the process ends.
    /// Inlined into its one caller: called, it cost ping-pong 55 instructions per round
    /// trip (callgrind).
    #[inline(always)]
    fn run(&mut self, vm: &Vm, cx: &mut ProcessContext<'_, '_>) -> Flow {
        let no_state = || Flow::Fail(ErrorValue::new(ErrorKind::Internal, "no process state"));
        let mut collected = false;
        loop {
            let Some(st) = vm.state() else {
                return no_state();
            };
            // After a resume, collect again only when there is something to take (or new
            // timers to arm, or a message the process sent itself to take in before its
            // send returns): a message or event that comes later runs the process again.
            if !collected
                || std::mem::take(&mut st.intake_due)
                || (st.ready.is_empty()
                    && (st
                        .occasional
                        .as_deref()
                        .is_some_and(|o| !o.timers_to_arm.is_empty())
                        || cx.has_pending()))
            {
                if feed::collect(st, cx) {
                    feed::deliver(st);
                }
                collected = true;
                if st.channels.garbage.iter().any(Slot::needs_release) {
                    if let Err(error) = vm.protected(cfn(release_garbage), std::ptr::null_mut()) {
                        return Flow::Fail(error);
                    }
                } else {
                    st.channels.garbage.clear();
                }
            }
            let Some(st) = vm.state() else {
                return no_state();
            };
            while let Some(co) = st.channels.completed.pop_front() {
                if let Some(c) = st.coroutines.get_mut(co) {
                    if c.blocked.take().is_some() {
                        st.ready.push_back((co, Resume::Op));
                    }
                }
            }
            if st.ready.is_empty() {
                if let Some(occasional) = st.occasional.as_deref_mut() {
                    // The next round: what yielded in this one.
                    st.ready
                        .extend(occasional.yielded.drain(..).map(|co| (co, Resume::Nothing)));
                }
            }
            let Some((co, how)) = st.ready.pop_front() else {
                break;
            };
            match self.resume(vm, co, how) {
                Outcome::Running => {}
                Outcome::Booted => cx.booted(),
                Outcome::Upgrade(upgrade) => {
                    self.upgrading = Some(upgrade);
                    return Flow::Yield;
                }
                // The kill is on the process: the scheduler ends it before another step.
                Outcome::Halted => return Flow::Yield,
                Outcome::Done(value) => return Flow::Done(value),
                Outcome::Failed(error) => {
                    tracing::error!(target: "wippy::lua", pid = %cx.pid(), entry = %self.compiled.id, error = %error, stack = error.stack().unwrap_or(""), "process failed");
                    return Flow::Fail(error);
                }
            }
            if cx.should_yield() {
                return Flow::Yield;
            }
        }
        let Some(st) = vm.state() else {
            return no_state();
        };
        if st.ready.is_empty() && st.channels.completed.is_empty() && !st.has_external_wakers() {
            return Flow::Fail(ErrorValue::new(
                ErrorKind::Internal,
                "deadlock: all coroutines blocked with no pending operations",
            ));
        }
        Flow::Wait
    }
}
