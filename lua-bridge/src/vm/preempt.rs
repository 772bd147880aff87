//! Preemption of a Lua process that runs past its time slice.
//!
//! The scheduler's watchdog calls [`Preempt::request`] from its own thread while the
//! process runs. That arms a count hook on the coroutine being resumed; the hook yields
//! at the next instruction (when the coroutine can yield there) and removes itself, so a
//! process pays nothing for the hook until its slice has expired.
//!
//! The watchdog never touches the Lua state itself: `lua_sethook` marks every Lua frame
//! of the thread's call chain, which the thread that runs it changes and frees as it
//! goes (a return, an error unwinding, a collection shrinking the chain), so from another
//! thread it could write into a freed frame. It sends [`PREEMPT_SIGNAL`] to the worker
//! thread instead, whose handler arms the hook there: Lua's own use of `lua_sethook`
//! (`lua.c` stops a script on Ctrl+C so), for which the interpreter keeps the hook and
//! the trap flags `volatile`. The driver resumes that
//! coroutine first when the process runs again ([`preempted`]): within a process,
//! coroutines switch only where they block or yield, as in the original (reference
//! §1.4), so preemption lets other processes run without letting the process's other
//! coroutines in between two of this one's instructions.
//!
//! Where the coroutine cannot yield (inside a callback of a C function: a `table.sort`
//! comparator, a `string.gsub` function, a `__tostring` that `tostring` calls), the hook
//! stays armed; once the process has run [`UNPREEMPTIBLE_LIMIT`] there, the hook raises
//! [`UNPREEMPTIBLE_MESSAGE`], which ends the process, so that such a loop cannot hold a
//! worker for good, nor outlive a `terminate`. The script cannot keep it from ending:
//! see `DOOMED`.
//!
//! # The script's own coroutines
//!
//! A coroutine of the script's (`coroutine.create`, `wrap`) runs inside the driver's
//! coroutine that resumed it, through `coroutine.resume` or a wrap function
//! (`modules/coroutine.rs`). While it runs, [`nest`] makes it the coroutine the watchdog
//! arms, and [`unnest`] hands back to its resumer. When the hook yields it, its resumer
//! learns so from [`unnest`] and yields too, with a continuation that resumes it again,
//! so the yield goes up the chain of resumers to the driver: the process gives up its
//! turn and later goes on where it was, and the script sees nothing of it. Where a
//! resumer on the way cannot yield (it resumed from inside a callback of a C function),
//! the coroutine cannot be preempted either and is treated as above.

use mlua::ffi;
use std::cell::Cell;
use std::ffi::c_int;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The preemption state of one process: the coroutine being resumed, and whether the
/// watchdog asked this run to yield.
///
/// # The handshake
///
/// The watchdog's [`request`](Preempt::request) may come at any moment of a run, from its
/// own thread, and must have the coroutine being resumed armed: it signals the thread
/// that resumes it, which must not leave the resume (nor exit) while it does. The driver's [`enter`](Preempt::enter) and [`leave`](Preempt::leave) around
/// each resume and `request` agree by read-modify-writes, as the scheduler's own
/// preemption handshake does (`WorkerMeter` in `wippy-scheduler`, checked by its loom
/// model `loom_preempt`), at one atomic swap per `enter` and per `leave`:
/// - `enter` swaps `running` to the coroutine, then reads `requested`; `request` sets
///   `requested`, then reads `running` with a read-modify-write. Whichever comes second
///   in `running`'s modification order sees the other's write, so a coroutine resumed
///   after a request, or running when it came, is armed (perhaps twice, which is
///   harmless).
/// - `leave` swaps `running` to 0, then waits while `arming` is set; `request` sets
///   `arming` before it reads `running`, and clears it after arming. If `request` read
///   the coroutine, `leave`'s swap reads from that read-modify-write, so `leave` sees
///   `arming` set and waits until the signal is sent; otherwise `request` reads 0 and
///   signals nothing. The handler, on the worker thread, arms what `running` holds when
///   it runs, if `requested` is still set (a late signal finds another run's clear flag).
#[derive(Debug, Default)]
pub(crate) struct Preempt {
    /// The coroutine being resumed (its `lua_State` address), 0 when none.
    running: AtomicUsize,
    /// The coroutine's hook was armed during this resume (so that a resume nobody asked
    /// to preempt ends without a hook call).
    armed: AtomicBool,
    /// A request came in this run; a coroutine resumed later in the run is armed at once
    /// (the watchdog asks once per run, possibly between two resumes, or before the
    /// first).
    requested: AtomicBool,
    /// Set by the watchdog while it reads `running` and signals its thread.
    arming: AtomicBool,
    /// The thread that resumes the coroutine (its `pthread_t`), set by `enter`.
    thread: AtomicUsize,
}

/// The signal by which the watchdog asks a worker thread to arm the hook of the
/// coroutine it runs: `SIGURG`, ignored by default and otherwise used only for a
/// socket's out-of-band data, as Go's runtime preempts its goroutines with it. A program
/// that embeds this runtime gives up its own `SIGURG` handler.
pub(crate) const PREEMPT_SIGNAL: c_int = libc::SIGURG;

/// Installs the handler of [`PREEMPT_SIGNAL`], once per program, before the first
/// signal is sent.
fn install_signal_handler() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        // SAFETY: a zeroed `sigaction` is a valid value to fill; `on_preempt_signal` is
        // an `extern "C"` function of the signature `sa_sigaction` takes without
        // `SA_SIGINFO`. `SA_RESTART`: a system call the signal interrupts (a terminal
        // write inside a process's step) goes on rather than failing with EINTR.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_preempt_signal as extern "C" fn(c_int) as usize;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&raw mut action.sa_mask);
            let installed =
                libc::sigaction(PREEMPT_SIGNAL, &raw const action, std::ptr::null_mut());
            assert_eq!(installed, 0, "the preemption signal's handler installs");
        }
    });
}

/// The handler of [`PREEMPT_SIGNAL`], on the worker thread the watchdog signalled: arms
/// the coroutine this thread resumes, if its process was asked to yield. The signal may
/// arrive late, when the thread runs another process or none: that process's request
/// flag is clear, and nothing is armed.
///
/// Async-signal-safe: it reads a thread-local set before the thread can be signalled
/// (`ACTIVE`, a constant-initialised `Cell`), lock-free atomics, and calls
/// `lua_sethook`, which Lua lets a signal handler call on the thread it interrupts.
extern "C" fn on_preempt_signal(_signal: c_int) {
    let active = ACTIVE.with(Cell::get);
    // SAFETY: `ACTIVE` is set by `enter` to the `Preempt` of the process being resumed on
    // this thread, held by its driver for the whole resume, and cleared by `leave` before
    // the resume's end; the handler runs on this thread, so in between.
    if let Some(preempt) = unsafe { active.as_ref() } {
        if preempt.requested.load(Ordering::Acquire) {
            preempt.arm_running();
        }
    }
}

unsafe extern "C-unwind" fn yield_hook(state: *mut ffi::lua_State, _debug: *mut ffi::lua_Debug) {
    // SAFETY: Lua calls the hook on the thread `state` it belongs to, during that thread's
    // execution, which is exactly when the hook API may be used on it. Yielding from a
    // count hook with zero results is allowed by the Lua 5.4 manual when the thread is
    // yieldable, which is checked first. From a hook, `lua_yield` returns normally and
    // the thread suspends when the hook returns; the driver removes the hook after the
    // resume. Raising an error from a count hook is allowed too (`lua_Hook`); this
    // frame holds nothing to drop when it does.
    unsafe {
        let doomed = DOOMED.with(Cell::get);
        if !doomed {
            // An allocation passed the memory limit on the strength of charges that
            // garbage may hold: collect, and raise the memory error if still over.
            super::alloc::collect_if_due(state);
        }
        if ffi::lua_isyieldable(state) != 0 && CHAIN_YIELDABLE.with(Cell::get) {
            STUCK_SINCE.with(|s| s.set(None));
            HOOK_YIELDED.with(|y| y.set(true));
            if !doomed {
                ffi::lua_sethook(state, None, 0, 0);
            }
            // A doomed process yields to the driver, which ends it (`take_doomed`).
            ffi::lua_yield(state, 0);
            return;
        }
        if doomed {
            // Stopped already, and the stop was caught (by a `pcall` inside the
            // callback, which passes it on only once it returns): raise it again, until
            // it reaches a point where the process can yield.
            raise_stop(state);
        }
        // Inside a callback of a C function (a `table.sort` comparator, a `gsub`
        // replacement function, a `__tostring` that `tostring` calls, ...), where Lua
        // cannot yield: the hook stays armed and checks again 1000 instructions later
        // (it may have been armed for the next instruction: `arm_running`).
        arm(state, HOOK_COUNT);
        // Past the limit, the process is stopped so that the others on its worker run.
        // The hook stays armed: the process is doomed (see `DOOMED`).
        if doom_if_stuck_too_long() {
            raise_stop(state);
        }
    }
}

/// Counts the time the process being resumed has run where it cannot be preempted
/// (from the first time this is asked since it last could yield); past
/// [`UNPREEMPTIBLE_LIMIT`], dooms it (see `DOOMED`) and returns `true`.
fn doom_if_stuck_too_long() -> bool {
    let now = Instant::now();
    let stuck = STUCK_SINCE.with(|s| match s.get() {
        Some(since) => now.duration_since(since) >= UNPREEMPTIBLE_LIMIT,
        None => {
            s.set(Some(now));
            false
        }
    });
    if stuck {
        STUCK_SINCE.with(|s| s.set(None));
        DOOMED.with(|d| d.set(true));
    }
    stuck
}

/// For a long computation inside one of our C functions (a pattern match, see
/// `pattern.rs`), which the count hook cannot interrupt: `true` once the process has
/// run [`UNPREEMPTIBLE_LIMIT`] past its slice there (the watchdog armed the hook on
/// `state`, the running coroutine), and then it is doomed as the hook dooms a callback
/// that cannot yield. The caller unwinds what it runs and raises the stop
/// ([`raise_stop`]).
///
/// # Safety
///
/// `state` is the running thread, inside a C function.
pub(crate) unsafe fn stuck_in_c_function(state: *mut ffi::lua_State) -> bool {
    if DOOMED.with(Cell::get) {
        return true;
    }
    // SAFETY: the running thread; its hook is set by this thread (the preemption
    // signal's handler, or the driver) and read here.
    if unsafe { ffi::lua_gethook(state) }.is_none() {
        return false;
    }
    doom_if_stuck_too_long()
}

/// Raises the stop of a doomed process on `state`: as a memory error (Lua raises one
/// when the error value is its own "not enough memory" string), because Lua calls no
/// message handler for those. An `xpcall` handler would otherwise run the stop, and an
/// error raised inside a hook runs it with hooks off, where a loop could not be stopped.
/// The driver reports the stop itself ([`take_doomed`]).
///
/// # Safety
///
/// `state` is the running thread, inside a hook or a C function; no Rust frame owning
/// anything is between here and where the error is caught.
pub(crate) unsafe fn raise_stop(state: *mut ffi::lua_State) -> ! {
    // SAFETY: guaranteed by the caller.
    unsafe { super::alloc::raise_memory_error(state) }
}

/// Has the coroutine being resumed on this thread (if any) run its hook at its next
/// instruction ([`Preempt::arm_running`]): the driver resumes a process whose
/// allocator let an allocation pass the memory limit, and the hook runs the collection
/// that decides whether it may stay (`alloc.rs`). The process yields there as from a
/// preemption, which costs it a turn.
pub(crate) fn arm_running() {
    let active = ACTIVE.with(Cell::get);
    // SAFETY: as in `nest`: `ACTIVE` is the `Preempt` of the process being resumed on
    // this thread, held by its driver for the whole resume.
    if let Some(preempt) = unsafe { active.as_ref() } {
        preempt.arm_running();
    }
}

/// As [`arm_running`], from the allocator, but only where the coroutine being resumed
/// runs a Lua function (an instruction such as a concatenation or a table's growth
/// allocates), not a C function: the hook then runs at the next instruction of the same
/// function, so a memory error it raises is caught by the same `pcall` as the
/// allocation's would have been. A C function (`string.rep`, a binding) is left to fail
/// at once: the next instruction after it may be outside the `pcall` that called it.
/// `heap` is the allocator's data of the VM that allocates: another VM's allocation
/// (none runs inside a process's resume, but nothing is assumed) is left to fail.
/// Returns whether it armed the coroutine.
pub(crate) fn arm_running_in_lua_function(heap: *mut std::ffi::c_void) -> bool {
    let active = ACTIVE.with(Cell::get);
    // SAFETY: as in `arm_running`.
    let Some(preempt) = (unsafe { active.as_ref() }) else {
        return false;
    };
    let state = preempt.running.load(Ordering::Acquire) as *mut ffi::lua_State;
    if state.is_null() {
        return false;
    }
    // SAFETY: the coroutine being resumed on this very thread, inside an allocator:
    // `lua_getallocf` and `running_c_function` only read it. The allocation may be of
    // its own stack, whose pointers are offsets meanwhile, so nothing here may read
    // through them (`lua_getinfo` did, and crashed: see `call_info.rs`).
    let in_lua = unsafe {
        let mut ud = std::ptr::null_mut();
        ffi::lua_getallocf(state, &mut ud);
        ud == heap && super::call_info::running_c_function(state) == Some(false)
    };
    if in_lua {
        preempt.arm_running();
    }
    in_lua
}

/// How long a process may run past its slice where it cannot be preempted (inside a
/// callback of a C function) before it is stopped with [`UNPREEMPTIBLE_MESSAGE`].
pub(crate) const UNPREEMPTIBLE_LIMIT: Duration = Duration::from_secs(1);

/// The error that stops a process that ran [`UNPREEMPTIBLE_LIMIT`] past its slice where
/// it could not be preempted.
pub(crate) const UNPREEMPTIBLE_MESSAGE: &std::ffi::CStr = c"process ran 1 s past its time slice inside a C function (a long pattern match, or a callback such as a table.sort comparator, a string.gsub function or a __tostring called by tostring), where it cannot be preempted: stopped so that other processes run";

thread_local! {
    /// When the hook, armed on this worker thread's running coroutine, first found it
    /// unable to yield; reset at each resume's start and end, and when it yields.
    static STUCK_SINCE: Cell<Option<Instant>> = const { Cell::new(None) };
    /// The process being resumed ran [`UNPREEMPTIBLE_LIMIT`] where it could not be
    /// preempted and was stopped ([`raise_stop`]): the stop is raised again wherever it
    /// is caught (`pcall`, `xpcall`, `coroutine.resume` and `close` pass it on, and the
    /// hook, left armed, raises it where the process still cannot yield and yields
    /// where it can), and the driver ends the process with [`UNPREEMPTIBLE_MESSAGE`]
    /// when its resume returns. Reset by [`Preempt::enter`].
    static DOOMED: Cell<bool> = const { Cell::new(false) };
    /// The preemption state of the process whose coroutine this worker thread resumes
    /// (set by [`Preempt::enter`], cleared by [`Preempt::leave`]), for [`nest`].
    static ACTIVE: Cell<*const Preempt> = const { Cell::new(std::ptr::null()) };
    /// Whether a yield of the running coroutine reaches the driver: true in the
    /// driver's coroutines; in a script coroutine, whether its resumer could yield
    /// (and its resumer's, up to the driver's).
    static CHAIN_YIELDABLE: Cell<bool> = const { Cell::new(true) };
    /// The hook yielded the running coroutine (read and cleared by [`unnest`]; set
    /// again by a resumer that yields in turn, see [`pass_on`]).
    static HOOK_YIELDED: Cell<bool> = const { Cell::new(false) };
    /// The running script coroutine yielded because it blocked on an op (set by
    /// [`blocked_in_script`], read and cleared by [`take_blocked`]; set again by a
    /// resumer that is itself a script coroutine and yields in turn).
    static OP_YIELDED: Cell<bool> = const { Cell::new(false) };
}

/// Whether a yield of the running coroutine reaches the driver: in a script coroutine
/// (`coroutine.create`, `wrap`), whether every resumer up to the process's own coroutine
/// can yield in turn.
pub(crate) fn chain_yieldable() -> bool {
    CHAIN_YIELDABLE.with(Cell::get)
}

/// The running script coroutine is about to yield because it blocked: its resumer
/// yields in turn ([`take_blocked`]).
pub(crate) fn blocked_in_script() {
    OP_YIELDED.with(|y| y.set(true));
}

/// Whether the script coroutine just resumed yielded because it blocked (see
/// [`blocked_in_script`]); clears it.
pub(crate) fn take_blocked() -> bool {
    OP_YIELDED.with(|y| y.replace(false))
}

/// What [`nest`] saved of the resumer, for [`unnest`].
#[derive(Debug)]
pub(crate) struct Nested {
    /// The coroutine the watchdog armed before (0 outside a process's resume).
    resumer: usize,
    /// [`CHAIN_YIELDABLE`] of the resumer.
    chain_yieldable: bool,
}

/// A script coroutine, `child`, is about to be resumed by the running coroutine
/// `resumer` (`coroutine.resume`, a wrap function): from now until [`unnest`], the
/// watchdog arms `child`, and the hook yields it only if every resumer up to the driver
/// can yield. `can_pass_on`: whether the resumer yields in turn when the hook yields
/// `child` (false where it cannot, as for the to-be-closed variables `lua_closethread`
/// runs).
///
/// # Safety
///
/// `resumer` is the running Lua thread (inside a C function) and `child` a thread of the
/// same VM that stays alive until [`unnest`]; the two calls pair up on this thread.
pub(crate) unsafe fn nest(
    resumer: *mut ffi::lua_State,
    child: *mut ffi::lua_State,
    can_pass_on: bool,
) -> Nested {
    let chain_yieldable = CHAIN_YIELDABLE.with(Cell::get);
    // SAFETY: `resumer` is the running thread (guaranteed by the caller).
    let resumer_yieldable = unsafe { ffi::lua_isyieldable(resumer) } != 0;
    CHAIN_YIELDABLE.with(|c| c.set(chain_yieldable && resumer_yieldable && can_pass_on));
    HOOK_YIELDED.with(|y| y.set(false));
    OP_YIELDED.with(|y| y.set(false));
    let active = ACTIVE.with(Cell::get);
    // SAFETY: `ACTIVE` is set by `enter` to the `Preempt` of the process being resumed,
    // which its driver holds for the whole resume, and cleared by `leave`; `nest` runs
    // inside that resume.
    let resumer = match unsafe { active.as_ref() } {
        Some(preempt) => preempt.switch_running(child as usize),
        None => 0,
    };
    Nested {
        resumer,
        chain_yieldable,
    }
}

/// The script coroutine [`nest`] was called for is back (it returned, yielded, failed,
/// or was yielded by the hook): the watchdog arms its resumer again. Returns whether the
/// hook yielded it, in which case its resumer must yield too ([`pass_on`]).
pub(crate) fn unnest(nested: Nested) -> bool {
    CHAIN_YIELDABLE.with(|c| c.set(nested.chain_yieldable));
    let active = ACTIVE.with(Cell::get);
    // SAFETY: as in `nest`: still inside the same resume.
    if let Some(preempt) = unsafe { active.as_ref() } {
        preempt.switch_back(nested.resumer);
    }
    HOOK_YIELDED.with(|y| y.replace(false))
}

/// Whether the process being resumed on this thread was stopped where it could not be
/// preempted (see `DOOMED`): a protected call that caught an error passes it on.
pub(crate) fn doomed() -> bool {
    DOOMED.with(Cell::get)
}

/// Sets whether the code running on this thread is doomed (see `DOOMED`) and returns
/// what it was: `vm/error_name.rs` dooms a `__tostring` that ran past its budget, so
/// that a `pcall` inside it cannot keep it running, and restores the process's own
/// state after it.
pub(crate) fn replace_doomed(doomed: bool) -> bool {
    DOOMED.with(|d| d.replace(doomed))
}

/// The error that stops a doomed process, for the driver once the resume returned
/// (`None` when the process is not doomed).
pub(crate) fn take_doomed() -> Option<&'static std::ffi::CStr> {
    DOOMED
        .with(|d| d.replace(false))
        .then_some(UNPREEMPTIBLE_MESSAGE)
}

/// Whether the resume that just returned on this thread (the driver's, between
/// [`Preempt::enter`] and the next one) yielded because the hook yielded it, or a script
/// coroutine it resumed ([`pass_on`]), rather than on its own (`coroutine.yield`) or on
/// an op: the driver then resumes it before any other coroutine of the process, which
/// keeps preemption invisible to the process's cooperative coroutines.
pub(crate) fn preempted() -> bool {
    HOOK_YIELDED.with(Cell::get)
}

/// The running coroutine yields because the hook yielded a script coroutine it resumed:
/// tells its own resumer (if it is a script coroutine too) that this is a preemption.
pub(crate) fn pass_on() {
    HOOK_YIELDED.with(|y| y.set(true));
}

/// Instructions between checks where the coroutine cannot yield (inside a callback of a
/// C function), once preemption is requested.
const HOOK_COUNT: c_int = 1000;

/// Instructions before the first check once preemption is requested: the very next
/// one. Counting more lets a loop that calls a slow C function (a `json.encode` of a
/// large table) make that many calls past its slice: 1000 instructions were some 250
/// calls of a few milliseconds each, and held the worker for seconds.
const FIRST_CHECK: c_int = 1;

impl Preempt {
    /// The process's run (its step) ended: a request made during it is spent.
    ///
    /// Reset at the end, not at the start of the next run: the watchdog may ask as soon
    /// as a run is published, before the step begins (when the worker thread is
    /// descheduled in between), and a request it made then must arm the first resume.
    /// A request that comes after this, for the run just ended, makes the next run yield
    /// once early, which costs nothing but a turn.
    pub(crate) fn end_run(&self) {
        self.requested.store(false, Ordering::Relaxed);
    }

    /// Marks `state` as the coroutine now running (the driver, before each resume).
    pub(crate) fn enter(&self, state: *const std::ffi::c_void) {
        HOOK_YIELDED.with(|y| y.set(false));
        STUCK_SINCE.with(|s| s.set(None));
        DOOMED.with(|d| d.set(false));
        ACTIVE.with(|a| a.set(self));
        CHAIN_YIELDABLE.with(|c| c.set(true));
        // SAFETY: `pthread_self` has no preconditions.
        let thread = unsafe { libc::pthread_self() };
        self.thread.store(thread as usize, Ordering::Relaxed);
        self.running.swap(state as usize, Ordering::AcqRel);
        if self.requested.load(Ordering::Acquire) {
            // SAFETY: `state` is the coroutine the driver is about to resume, on this
            // thread; setting a hook on a suspended thread is ordinary API use.
            unsafe { arm(state as *mut ffi::lua_State, FIRST_CHECK) };
            self.armed.store(true, Ordering::Relaxed);
        }
    }

    /// No coroutine runs any more (the driver, after each resume): waits until the
    /// watchdog is not arming it, then removes its hook if it was armed.
    pub(crate) fn leave(&self) {
        ACTIVE.with(|a| a.set(std::ptr::null()));
        let state = self.running.swap(0, Ordering::AcqRel);
        while self.arming.load(Ordering::Acquire) {
            std::hint::spin_loop();
        }
        // A load and a store, not a swap (a locked instruction on every resume): only
        // this thread sets and clears `armed`, and the signal's handler
        // cannot set it any more (`ACTIVE` is clear).
        if !self.armed.load(Ordering::Relaxed) {
            return;
        }
        self.armed.store(false, Ordering::Relaxed);
        if state != 0 {
            // SAFETY: the coroutine is suspended or dead (its resume returned) and still
            // held by the driver; removing a hook from a thread that is not running is
            // ordinary use of the API from the thread that owns the VM.
            unsafe { ffi::lua_sethook(state as *mut ffi::lua_State, None, 0, 0) };
        }
    }

    /// Makes `child` the coroutine the watchdog arms (see [`nest`]); returns the one it
    /// armed before. The same handshake as [`enter`](Self::enter): a request that came
    /// before, or comes meanwhile, arms `child`.
    fn switch_running(&self, child: usize) -> usize {
        let resumer = self.running.swap(child, Ordering::AcqRel);
        if self.requested.load(Ordering::Acquire) {
            // SAFETY: `child` is a live thread of this VM, about to be resumed on this
            // thread (guaranteed by `nest`'s caller).
            unsafe { arm(child as *mut ffi::lua_State, FIRST_CHECK) };
            self.armed.store(true, Ordering::Relaxed);
        }
        resumer
    }

    /// Makes `resumer` the coroutine the watchdog arms again, after a script coroutine
    /// it resumed came back; as [`leave`](Self::leave), waits until the watchdog is not
    /// arming the child. If the child was armed, its hook is removed and the resumer
    /// armed in its place: the request stands, and the resumer yields at its next
    /// instruction where it can.
    fn switch_back(&self, resumer: usize) {
        let child = self.running.swap(resumer, Ordering::AcqRel);
        while self.arming.load(Ordering::Acquire) {
            std::hint::spin_loop();
        }
        if self.armed.load(Ordering::Relaxed) && child != 0 && resumer != 0 {
            // SAFETY: `child` is suspended, dead or yielded, and still alive (its
            // resumer holds it); `resumer` is the running thread. Setting hooks from the
            // thread that runs the VM is ordinary API use.
            unsafe {
                ffi::lua_sethook(child as *mut ffi::lua_State, None, 0, 0);
                arm(resumer as *mut ffi::lua_State, FIRST_CHECK);
            }
        }
    }

    /// Arms the coroutine being resumed, from the thread that resumes it, inside the
    /// resume (see the free function [`arm_running`]); unlike a request, the process's
    /// later resumes in this run are not armed, and the hook runs at the very next
    /// instruction. The preemption signal's handler may arm it at the same moment
    /// (interrupting this): either way the count is 1 ([`FIRST_CHECK`]).
    fn arm_running(&self) {
        let state = self.running.load(Ordering::Acquire);
        if state != 0 {
            // SAFETY: the coroutine being resumed on this very thread, so alive.
            unsafe { arm(state as *mut ffi::lua_State, FIRST_CHECK) };
            self.armed.store(true, Ordering::Relaxed);
        }
    }

    /// Asks the running coroutine to yield soon (called by the watchdog thread): signals
    /// the thread that resumes it, whose handler arms it (see the module docs).
    pub(crate) fn request(&self) {
        install_signal_handler();
        self.arming.swap(true, Ordering::AcqRel);
        self.requested.store(true, Ordering::Release);
        let state = self.running.fetch_add(0, Ordering::AcqRel);
        if state != 0 {
            let thread = self.thread.load(Ordering::Relaxed) as libc::pthread_t;
            // SAFETY: `thread` is the worker thread inside the resume of `state` (stored
            // by `enter` before `running`, which this read-modify-write read), and it
            // cannot end that resume, let alone exit, while `arming` is set (`leave`
            // waits). The handler is installed above.
            unsafe { libc::pthread_kill(thread, PREEMPT_SIGNAL) };
        }
        self.arming.store(false, Ordering::Release);
    }
}

/// Arms the yield hook on `state`, to run after `count` instructions.
///
/// # Safety
///
/// `state` must be a live Lua thread (see the callers).
unsafe fn arm(state: *mut ffi::lua_State, count: c_int) {
    // SAFETY: guaranteed by the caller.
    unsafe { ffi::lua_sethook(state, Some(yield_hook), ffi::LUA_MASKCOUNT, count) };
}

#[cfg(test)]
mod tests {
    use super::Preempt;
    use crate::vm::instance::Vm;
    use mlua::ffi;

    fn hooked(state: *mut ffi::lua_State) -> bool {
        // SAFETY: a live state of the test's VM, on this thread.
        unsafe { ffi::lua_gethook(state).is_some() }
    }

    #[test]
    fn a_request_before_the_first_resume_arms_it_and_ends_with_the_run() {
        let vm = Vm::new(1 << 20, None).expect("a VM");
        let state = vm.lua().raw();
        let preempt = Preempt::default();
        // The watchdog asks before the step resumed anything.
        preempt.request();
        assert!(!hooked(state), "nothing runs yet, so nothing is armed");
        preempt.enter(state.cast_const().cast());
        assert!(hooked(state), "the first resume of the run is armed");
        preempt.leave();
        assert!(!hooked(state), "leaving removes the hook");
        preempt.enter(state.cast_const().cast());
        assert!(hooked(state), "a later resume of the same run is armed too");
        preempt.leave();
        preempt.end_run();
        preempt.enter(state.cast_const().cast());
        assert!(!hooked(state), "the next run starts without a request");
        preempt.leave();
    }

    #[test]
    fn a_script_coroutine_is_armed_while_it_runs_and_hands_back_to_its_resumer() {
        let vm = Vm::new(1 << 20, None).expect("a VM");
        let state = vm.lua().raw();
        // SAFETY: live state of the test's VM; the new thread stays on its stack.
        let child = unsafe { ffi::lua_newthread(state) };
        let preempt = Preempt::default();
        preempt.enter(state.cast_const().cast());
        // SAFETY: `state` runs (as far as the handshake goes), `child` is alive.
        let nested = unsafe { super::nest(state, child, true) };
        preempt.request();
        assert!(
            hooked(child),
            "the request arms the script coroutine that runs"
        );
        assert!(!hooked(state), "not its resumer");
        assert!(!super::unnest(nested), "the hook did not yield it");
        assert!(!hooked(child), "back in the resumer, the child is unhooked");
        assert!(
            hooked(state),
            "and the resumer armed, since the request stands"
        );
        // SAFETY: as above.
        let nested = unsafe { super::nest(state, child, true) };
        assert!(
            hooked(child),
            "a later nest of the same run is armed at once"
        );
        super::unnest(nested);
        preempt.leave();
        assert!(!hooked(state) && !hooked(child));
        preempt.end_run();
    }

    /// Blocks (`true`) or unblocks the preemption signal on this thread.
    fn block_preempt_signal(block: bool) {
        // SAFETY: a signal set made by `sigemptyset`/`sigaddset` and handed to
        // `pthread_sigmask`, which changes this thread's mask only.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&raw mut set);
            libc::sigaddset(&raw mut set, super::PREEMPT_SIGNAL);
            let how = if block {
                libc::SIG_BLOCK
            } else {
                libc::SIG_UNBLOCK
            };
            assert_eq!(
                libc::pthread_sigmask(how, &raw const set, std::ptr::null_mut()),
                0
            );
        }
    }

    #[test]
    fn a_request_from_another_thread_is_armed_on_the_thread_that_runs_the_coroutine() {
        let vm = Vm::new(1 << 20, None).expect("a VM");
        let state = vm.lua().raw();
        let preempt = std::sync::Arc::new(Preempt::default());
        block_preempt_signal(true);
        preempt.enter(state.cast_const().cast());
        let watchdog = {
            let preempt = preempt.clone();
            std::thread::spawn(move || preempt.request())
        };
        watchdog.join().expect("the request returns");
        assert!(
            !hooked(state),
            "the watchdog's thread does not touch the Lua state (its frames change under it)"
        );
        // The pending signal is taken as soon as this thread unblocks it.
        block_preempt_signal(false);
        assert!(hooked(state), "the handler armed the running coroutine");
        preempt.leave();
        assert!(!hooked(state), "leaving removes the hook");
        preempt.end_run();
    }

    #[test]
    fn a_request_during_a_resume_arms_the_running_coroutine() {
        let vm = Vm::new(1 << 20, None).expect("a VM");
        let state = vm.lua().raw();
        let preempt = Preempt::default();
        preempt.enter(state.cast_const().cast());
        assert!(!hooked(state));
        preempt.request();
        assert!(hooked(state));
        preempt.leave();
        assert!(!hooked(state));
    }
}
