//! [`Lua`]: a handle on a raw `lua_State` (through `mlua::ffi`), and the conventions
//! every Rust function bound into a process VM follows.
//!
//! # Why raw
//!
//! A process VM must cost a few KB. `mlua::Lua` alone costs about 12.7 KB per state (its
//! bookkeeping, reference thread and metatables), so the process VMs are plain
//! `lua_newstate` states driven through `mlua::ffi`; mlua itself only compiles entries
//! (see `compile.rs`).
//!
//! # Who may touch what
//!
//! A [`Lua`] is made by the process driver (for the VM it owns) and by the trampolines
//! below (for the thread Lua called them on); it lives for that call only. All its methods
//! act on the top of that thread's stack; the stack discipline is the C API's.
//!
//! # Errors and yields cross Rust frames only at the edge
//!
//! Lua raises errors and yields with `longjmp`, which must not cross Rust frames that own
//! values. So a bound function is written as a plain Rust function returning
//! [`LResult`], and the trampoline ([`cfn`], [`blocking`]) calls `lua_error` or
//! `lua_yieldk` itself, after that function returned and dropped everything. The one
//! exception is a memory error raised inside an API call (the VM hit its limit): it
//! unwinds straight to the enclosing protected call, and values owned by the Rust frames
//! in between are leaked, never used again. A script may catch that error and go on, so
//! where a function owns Rust data of a size the script chose (a decoded text, a
//! message) while it builds Lua values, the building cannot jump over it:
//!
//! - [`Lua::push_userdata`] hands its value to the VM only once the block is made: when
//!   the block (and the type's metatable, on first use) might not fit, they are made in
//!   a protected call, and on a memory error the value is dropped before the error is
//!   raised again.
//! - `value::push_payload` (every payload that becomes a Lua value: decoded JSON and
//!   YAML, `p:data()`, messages, events, spawn arguments) builds its tables in a
//!   protected call ([`Lua::protected`]) when they might not fit, and returns the memory
//!   error as [`Raise::Memory`], which the trampoline raises after the caller dropped
//!   what it owned.
//!
//! "Might not fit" is a bound of what the building allocates, against what the VM may
//! still allocate ([`Lua::memory_room`]): a protected call costs a `setjmp` and a C
//! call, which the small values of most messages are spared.
//!
//! Lua code runs inside a bound function only where Lua's own library would run it:
//! [`Lua::display`] calls a table's `__tostring` (for `print`, `io.print`, the logger),
//! and `require` runs a library's top level; neither happens while the function holds
//! the process state. Tables are otherwise read and written raw, and user finalizers are
//! refused (`setmetatable` rejects a metatable with `__gc`, and the runtime's metatables
//! are hidden, see `setup.rs`), so a collection step inside an API call runs only our
//! own finalizers, which drop Rust values and touch nothing else.

use super::meta_slots::MetaSlot;
use mlua::ffi;
use std::ffi::{CStr, c_int, c_void};
use std::marker::PhantomData;

/// A Lua C function.
pub(crate) type CFn = ffi::lua_CFunction;

/// The text of Lua's memory error (`LUA_ERRMEM`), which Lua keeps as a fixed string.
const MEMORY_ERROR: &CStr = c"not enough memory";

/// A bound of what a string takes besides its bytes (Lua 5.4's `TString` header: 24
/// bytes on 64 bits, and the closing NUL), rounded up.
pub(crate) const STRING_BYTES: usize = 48;

/// Strings up to this length are interned (Lua's `LUAI_MAXSHORTLEN`): a new one may grow
/// the VM's string table.
pub(crate) const SHORT_STRING: usize = 40;

/// A bound of what a full userdata's block takes besides its value (Lua 5.4's `Udata`
/// header: 40 bytes on 64 bits, rounded up).
const USERDATA_BYTES: usize = 64;

/// What each user value of a userdata adds to its block (a `TValue`).
const USER_VALUE_BYTES: usize = 16;

/// What a VM may still allocate before a memory error ([`Lua::memory_room`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct MemoryRoom {
    /// Bytes the VM may still allocate (`usize::MAX` without a limit; 0 for a VM whose
    /// allocator is not ours, where nothing is known).
    pub(crate) free: usize,
    /// Bytes the VM holds now.
    pub(crate) used: usize,
}

impl MemoryRoom {
    /// `true` if `bytes` more, and some slack for what a collection step may allocate
    /// on the side (a call frame for a finalizer), can be allocated without a memory
    /// error.
    pub(crate) fn fits(self, bytes: usize) -> bool {
        /// A finalizer run by a collection step may need a new `CallInfo`.
        const SLACK: usize = 1024;
        bytes.saturating_add(SLACK) <= self.free
    }
}

/// A protected call's closure and its result ([`Lua::protected`]).
struct Job<F> {
    f: F,
    result: Option<LResult<()>>,
}

/// The C function of [`Lua::protected`]: runs the job whose address is argument 1 and
/// returns what it pushed.
unsafe extern "C-unwind" fn run_job<F: Fn(Lua) -> LResult<()> + Copy>(
    l: *mut ffi::lua_State,
) -> c_int {
    // SAFETY: `protected` passed the address of its live `Job<F>` as argument 1.
    let job = unsafe { ffi::lua_touserdata(l, 1).cast::<Job<F>>() };
    // SAFETY: live thread of this call; drops the argument.
    unsafe { ffi::lua_settop(l, 0) };
    // SAFETY: as above; `F` is `Copy`, so reading it leaves the job as it was.
    let f = unsafe { (*job).f };
    let result = run(l, f);
    let pushed = if result.is_ok() {
        // SAFETY: live thread of this call.
        unsafe { ffi::lua_gettop(l) }
    } else {
        // SAFETY: live thread of this call; drops what `f` pushed before it failed.
        unsafe { ffi::lua_settop(l, 0) };
        0
    };
    // SAFETY: as above; the job's result is `None` until now (nothing to drop).
    unsafe { (*job).result = Some(result) };
    pushed
}

/// The failure of a bound function: Lua raises it when the function returns.
#[derive(Debug)]
pub(crate) enum Raise {
    /// A message; Lua raises it as a string prefixed with the caller's position.
    Message(String),
    /// The value on top of the stack is the error to raise (an error userdata).
    Top,
    /// Lua's memory error: the VM reached its memory limit while the function built a
    /// value in a protected call ([`Lua::protected`]); raised again, as a memory error,
    /// once the function has dropped what it owned.
    Memory,
}

impl From<String> for Raise {
    fn from(message: String) -> Raise {
        Raise::Message(message)
    }
}

impl From<&str> for Raise {
    fn from(message: &str) -> Raise {
        Raise::Message(message.to_owned())
    }
}

/// The result of a bound function: the number of values it left on the stack.
pub(crate) type LResult<T> = Result<T, Raise>;

/// What a blocking function asks for.
#[derive(Debug)]
pub(crate) enum Ret {
    /// Return the given number of values from the top of the stack now.
    Values(c_int),
    /// Suspend the coroutine until the op completes; then [`crate::vm::ops::answer`]
    /// gives the results.
    Block(usize),
    /// The preemption hook yielded a script coroutine this call resumed: yield too, so
    /// that the process gives up its turn; when the driver resumes this coroutine, the
    /// continuation (made by [`continuation`]) goes on with the call.
    Preempted(ffi::lua_KFunction),
    /// A script coroutine this call resumed blocked (a receive, a sleep): yield too, up
    /// to the process's own coroutine, which then waits on that op; when the driver
    /// resumes it, the continuation resumes the script coroutine, whose blocking call
    /// answers (`coroutine.rs`).
    Waiting(ffi::lua_KFunction),
}

/// A handle on one Lua thread's stack. See the [module docs](self) for who makes one.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Lua(*mut ffi::lua_State);

/// Lua type tags, as the C API numbers them.
pub(crate) use ffi::{
    LUA_TBOOLEAN, LUA_TFUNCTION, LUA_TLIGHTUSERDATA, LUA_TNIL, LUA_TNONE, LUA_TNUMBER, LUA_TSTRING,
    LUA_TTABLE, LUA_TTHREAD, LUA_TUSERDATA,
};

impl Lua {
    /// A handle on `state`.
    ///
    /// # Safety
    ///
    /// `state` is a live Lua thread, used from this OS thread only, for as long as the
    /// handle (and its copies) are used.
    pub(crate) unsafe fn from_raw(state: *mut ffi::lua_State) -> Lua {
        Lua(state)
    }

    /// The raw state.
    pub(crate) fn raw(self) -> *mut ffi::lua_State {
        self.0
    }

    /// The number of values on the stack.
    pub(crate) fn top(self) -> c_int {
        // SAFETY: `self.0` is live (type invariant).
        unsafe { ffi::lua_gettop(self.0) }
    }

    /// Sets the stack top (drops or nil-fills values).
    pub(crate) fn set_top(self, top: c_int) {
        // SAFETY: live state; callers only shrink the stack or grow it within the space
        // `ensure` reserved.
        unsafe { ffi::lua_settop(self.0, top) }
    }

    /// Pops `n` values.
    pub(crate) fn pop(self, n: c_int) {
        self.set_top(-n - 1);
    }

    /// `idx` as an absolute index.
    pub(crate) fn abs(self, idx: c_int) -> c_int {
        // SAFETY: live state; any acceptable index may be made absolute.
        unsafe { ffi::lua_absindex(self.0, idx) }
    }

    /// Makes room for `n` more values.
    pub(crate) fn ensure(self, n: c_int) -> LResult<()> {
        // SAFETY: live state.
        if unsafe { ffi::lua_checkstack(self.0, n) } == 0 {
            return Err(Raise::from("stack overflow"));
        }
        Ok(())
    }

    /// Makes room for `n` more values, in a C call frame: a bound function, or its
    /// continuation after a yield, on the thread Lua called it on.
    ///
    /// Lua gives every C function call `LUA_MINSTACK` free slots past its arguments, and
    /// the frame keeps them (a continuation runs in the same frame), so a frame holding
    /// `top` values has room for `LUA_MINSTACK - top` more without asking. Elsewhere (a
    /// thread stopped in a Lua function, as a coroutine that failed is) there is no such
    /// room: use [`ensure`](Self::ensure).
    pub(crate) fn ensure_in_call(self, n: c_int) -> LResult<()> {
        if self.top().saturating_add(n) <= ffi::LUA_MINSTACK {
            return Ok(());
        }
        self.ensure(n)
    }

    /// The type tag of the value at `idx` (`LUA_TNONE` past the top).
    pub(crate) fn kind(self, idx: c_int) -> c_int {
        // SAFETY: live state; `lua_type` accepts any acceptable index.
        unsafe { ffi::lua_type(self.0, idx) }
    }

    /// `true` for nil or no value.
    pub(crate) fn is_nil(self, idx: c_int) -> bool {
        self.kind(idx) <= LUA_TNIL
    }

    /// The string at argument `idx` of `function`, a number as its text (as Lua's
    /// `luaL_checkstring` and the original's `CheckString` take one); raises Lua's
    /// `bad argument` error for any other type.
    pub(crate) fn check_string(self, idx: c_int, function: &str) -> LResult<String> {
        if self.kind(idx) == LUA_TNUMBER {
            return Ok(self.display(idx));
        }
        if self.kind(idx) != LUA_TSTRING {
            return Err(Raise::from(format!(
                "bad argument #{idx} to '{function}' (string expected, got {})",
                self.type_name(idx)
            )));
        }
        Ok(self.string(idx).unwrap_or_default())
    }

    /// The Lua type name of the value at `idx` (`"no value"` past the top).
    /// The address of the value at `idx` (a table, function, userdata or thread; null for
    /// other values), as `tostring` shows it (`"function: 0x..."`). Never raises.
    pub(crate) fn pointer(self, idx: c_int) -> *const std::ffi::c_void {
        // SAFETY: valid index into a live state; `lua_topointer` only reads the value.
        unsafe { ffi::lua_topointer(self.0, idx) }
    }

    pub(crate) fn type_name(self, idx: c_int) -> &'static str {
        match self.kind(idx) {
            LUA_TNIL => "nil",
            LUA_TBOOLEAN => "boolean",
            LUA_TLIGHTUSERDATA => "userdata",
            LUA_TNUMBER => "number",
            LUA_TSTRING => "string",
            LUA_TTABLE => "table",
            LUA_TFUNCTION => "function",
            LUA_TUSERDATA => "userdata",
            LUA_TTHREAD => "thread",
            _ => "no value",
        }
    }

    pub(crate) fn push_nil(self) {
        // SAFETY: live state; callers keep within the stack space (LUA_MINSTACK free slots
        // are guaranteed to a C function, `ensure` for more).
        unsafe { ffi::lua_pushnil(self.0) }
    }

    pub(crate) fn push_bool(self, b: bool) {
        // SAFETY: as `push_nil`.
        unsafe { ffi::lua_pushboolean(self.0, c_int::from(b)) }
    }

    pub(crate) fn push_int(self, i: i64) {
        // SAFETY: as `push_nil`.
        unsafe { ffi::lua_pushinteger(self.0, i) }
    }

    pub(crate) fn push_number(self, n: f64) {
        // SAFETY: as `push_nil`.
        unsafe { ffi::lua_pushnumber(self.0, n) }
    }

    /// Pushes a string (bytes, any content).
    pub(crate) fn push_bytes(self, bytes: &[u8]) {
        // SAFETY: as `push_nil`; Lua copies the bytes.
        unsafe { ffi::lua_pushlstring(self.0, bytes.as_ptr().cast(), bytes.len()) };
    }

    pub(crate) fn push_str(self, s: &str) {
        self.push_bytes(s.as_bytes());
    }

    /// [`push_bytes`](Self::push_bytes) for a text the caller owns, of a size the script
    /// chose (an encoded or decoded text, a read): a memory error comes back as
    /// [`Raise::Memory`], so that the caller drops the text (and whatever else it owns)
    /// before the trampoline raises it, instead of jumping over the caller (see the
    /// module docs). The string is made in a protected call only when it might not fit.
    ///
    /// # Errors
    ///
    /// [`Raise::Memory`]: the VM reached its memory limit.
    pub(crate) fn try_push_bytes(self, bytes: &[u8]) -> LResult<()> {
        let room = self.memory_room();
        // A short string is interned, and a new one may grow the VM's string table,
        // which costs under a third of what the VM holds (see `value::Bound::need`).
        let need = if bytes.len() <= SHORT_STRING {
            STRING_BYTES + bytes.len() + room.used / 2
        } else {
            STRING_BYTES + bytes.len()
        };
        if room.fits(need) {
            self.push_bytes(bytes);
            return Ok(());
        }
        self.protected(|lua| {
            lua.push_bytes(bytes);
            Ok(())
        })
    }

    /// Pushes a C function.
    pub(crate) fn push_fn(self, f: CFn) {
        // SAFETY: as `push_nil`; a C function without upvalues allocates nothing.
        unsafe { ffi::lua_pushcclosure(self.0, f, 0) }
    }

    pub(crate) fn push_light(self, p: *const c_void) {
        // SAFETY: as `push_nil`.
        unsafe { ffi::lua_pushlightuserdata(self.0, p.cast_mut()) }
    }

    /// Pushes a copy of the value at `idx`.
    pub(crate) fn push_value(self, idx: c_int) {
        // SAFETY: as `push_nil`; `idx` is an acceptable index.
        unsafe { ffi::lua_pushvalue(self.0, idx) }
    }

    /// Moves the top value to `idx`, shifting the values above up.
    pub(crate) fn insert(self, idx: c_int) {
        // SAFETY: live state; `idx` is a valid index.
        unsafe { ffi::lua_rotate(self.0, idx, 1) }
    }

    /// Removes the value at `idx`.
    pub(crate) fn remove(self, idx: c_int) {
        // SAFETY: live state; `idx` is a valid index.
        unsafe {
            ffi::lua_rotate(self.0, idx, -1);
            ffi::lua_settop(self.0, -2);
        }
    }

    /// The light userdata at `idx` (null for anything else).
    pub(crate) fn light(self, idx: c_int) -> *mut c_void {
        if self.kind(idx) != LUA_TLIGHTUSERDATA {
            return std::ptr::null_mut();
        }
        // SAFETY: live state; the value is a light userdata.
        unsafe { ffi::lua_touserdata(self.0, idx) }
    }

    /// Lua truthiness of the value at `idx`.
    pub(crate) fn truthy(self, idx: c_int) -> bool {
        // SAFETY: live state.
        unsafe { ffi::lua_toboolean(self.0, idx) != 0 }
    }

    /// The value at `idx` if it is an integer (not a float, not a string).
    pub(crate) fn int(self, idx: c_int) -> Option<i64> {
        // SAFETY: live state; no conversion happens for a number.
        unsafe {
            (ffi::lua_isinteger(self.0, idx) != 0)
                .then(|| ffi::lua_tointegerx(self.0, idx, std::ptr::null_mut()))
        }
    }

    /// The value at `idx` if it is a number (integer or float).
    pub(crate) fn number(self, idx: c_int) -> Option<f64> {
        (self.kind(idx) == LUA_TNUMBER).then(|| {
            // SAFETY: live state; the value is a number, so nothing is converted.
            unsafe { ffi::lua_tonumberx(self.0, idx, std::ptr::null_mut()) }
        })
    }

    /// The bytes of the string at `idx` (only for strings: numbers are not converted).
    ///
    /// The slice is valid while the string stays on the stack, which every caller keeps
    /// for the duration of its use (the returned lifetime is not tied to it).
    pub(crate) fn bytes<'a>(self, idx: c_int) -> Option<&'a [u8]> {
        if self.kind(idx) != LUA_TSTRING {
            return None;
        }
        let mut len = 0;
        // SAFETY: the value is a string: `lua_tolstring` returns its bytes without
        // allocating; they live while the string is reachable (see above).
        unsafe {
            let p = ffi::lua_tolstring(self.0, idx, &mut len);
            Some(std::slice::from_raw_parts(p.cast::<u8>(), len))
        }
    }

    /// The bytes of the string or number at `idx`, as Lua's own string functions take
    /// an argument: a number is turned into its string in place (that stack slot then
    /// holds the string).
    pub(crate) fn bytes_or_number<'a>(self, idx: c_int) -> Option<&'a [u8]> {
        let mut len = 0;
        // SAFETY: valid index into a live state. `lua_tolstring` returns null for
        // anything but a string or a number; a number it replaces in its slot with its
        // string. The bytes live while the slot holds the string. Converting may
        // allocate, and raise on memory exhaustion, as every caller's Lua call may.
        // (One call instead of a type check first: two calls fewer on every send.)
        unsafe {
            let p = ffi::lua_tolstring(self.0, idx, &mut len);
            (!p.is_null()).then(|| std::slice::from_raw_parts(p.cast::<u8>(), len))
        }
    }

    /// The string at `idx` as UTF-8 (lossy), only for strings.
    pub(crate) fn string(self, idx: c_int) -> Option<String> {
        self.bytes(idx).map(|b| utf8_lossy(b).into_owned())
    }

    /// [`bytes_or_number`](Self::bytes_or_number) as UTF-8 (lossy).
    pub(crate) fn string_or_number(self, idx: c_int) -> Option<String> {
        self.bytes_or_number(idx)
            .map(|b| utf8_lossy(b).into_owned())
    }

    /// Replaces each value from `from` to the top that is neither a string nor a number
    /// with `tostring` of it, as [`display`](Self::display) makes it. A `__tostring`
    /// may raise; called before the caller owns anything (a buffer, the texts made so
    /// far), Lua's jump then leaves nothing of ours behind, where calling `display`
    /// while filling a buffer would leak the buffer.
    ///
    /// # Errors
    ///
    /// No room for one more value on the stack.
    pub(crate) fn tostring_args_in_place(self, from: c_int) -> LResult<()> {
        self.ensure(1)?;
        for i in from..=self.top() {
            if matches!(self.kind(i), LUA_TSTRING | LUA_TNUMBER) {
                continue;
            }
            // SAFETY: live state with a free slot; `luaL_tolstring` pushes one string
            // (a `__tostring` it calls may raise: nothing of ours is live here), which
            // then replaces the value at `i`.
            unsafe {
                ffi::luaL_tolstring(self.0, i, std::ptr::null_mut());
                ffi::lua_copy(self.0, -1, i);
            }
            self.pop(1);
        }
        Ok(())
    }

    /// `tostring(v)` as Lua's own `tostring` does it (metamethods included), as text.
    /// Calls `__tostring` and `__name` only through `luaL_tolstring`.
    ///
    /// A `__tostring` may raise, which jumps over the caller's frames: a caller that
    /// owns anything while it calls this turns its arguments to text first
    /// ([`tostring_args_in_place`](Self::tostring_args_in_place)).
    pub(crate) fn display(self, idx: c_int) -> String {
        let idx = self.abs(idx);
        if let Some(s) = self.string(idx) {
            return s;
        }
        if self.ensure(1).is_err() {
            return String::new();
        }
        // SAFETY: live state; `luaL_tolstring` pushes one string (it may call a
        // `__tostring` metamethod: only ours exist on userdata, and tables' are plain
        // Lua functions the user set, run here as Lua's own `print` would).
        let text = unsafe {
            let mut len = 0;
            let p = ffi::luaL_tolstring(self.0, idx, &mut len);
            String::from_utf8_lossy(std::slice::from_raw_parts(p.cast::<u8>(), len)).into_owned()
        };
        self.pop(1);
        text
    }

    /// Pushes a new table of the given C functions by name (a module's table); raises
    /// only a memory error.
    pub(crate) fn push_function_table(self, functions: &[(&'static CStr, CFn)]) -> LResult<()> {
        self.ensure(3)?;
        self.new_table(0, c_int::try_from(functions.len()).unwrap_or(0));
        for (name, f) in functions {
            self.push_fn(*f);
            self.set_field(-2, name);
        }
        Ok(())
    }

    /// Pushes a new table with room for `narr` array and `nrec` hash items.
    pub(crate) fn new_table(self, narr: c_int, nrec: c_int) {
        // SAFETY: as `push_nil`.
        unsafe { ffi::lua_createtable(self.0, narr, nrec) }
    }

    /// `t[key] = v` (raw), with `t` at `idx` and `v` popped from the top.
    ///
    /// `key` is a C string (a literal): Lua finds the string of a C pointer it saw
    /// recently in a small cache (`luaS_new`) instead of hashing and interning it again,
    /// which matters for the tables built on every message or event.
    pub(crate) fn set_field(self, idx: c_int, key: &'static CStr) {
        let idx = self.abs(idx);
        self.push_cstr(key);
        self.insert(-2);
        // SAFETY: live state; the value at `idx` is a table (callers made it).
        unsafe { ffi::lua_rawset(self.0, idx) }
    }

    /// [`set_field`](Self::set_field) with a key made at run time.
    pub(crate) fn set_field_str(self, idx: c_int, key: &str) {
        let idx = self.abs(idx);
        self.push_str(key);
        self.insert(-2);
        // SAFETY: live state; the value at `idx` is a table (callers made it).
        unsafe { ffi::lua_rawset(self.0, idx) }
    }

    /// Pushes `t[key]` (raw) for the table at `idx`; returns its type tag.
    pub(crate) fn get_field(self, idx: c_int, key: &'static CStr) -> c_int {
        let idx = self.abs(idx);
        self.push_cstr(key);
        // SAFETY: live state; callers check that `idx` holds a table.
        unsafe { ffi::lua_rawget(self.0, idx) }
    }

    /// [`get_field`](Self::get_field) with a key made at run time.
    pub(crate) fn get_field_str(self, idx: c_int, key: &str) -> c_int {
        let idx = self.abs(idx);
        self.push_str(key);
        // SAFETY: live state; callers check that `idx` holds a table.
        unsafe { ffi::lua_rawget(self.0, idx) }
    }

    /// Pushes the Lua string of the C string `s` (see [`set_field`](Self::set_field)).
    pub(crate) fn push_cstr(self, s: &CStr) {
        // SAFETY: live state; `s` is NUL-terminated. May raise a memory error, which
        // unwinds to the enclosing protected call like every allocation here.
        unsafe { ffi::lua_pushstring(self.0, s.as_ptr()) };
    }

    /// `t[i] = v` (raw), with `t` at `idx` and `v` popped.
    pub(crate) fn set_index(self, idx: c_int, i: i64) {
        // SAFETY: live state; the value at `idx` is a table.
        unsafe { ffi::lua_rawseti(self.0, idx, i) }
    }

    /// Pushes `t[i]` (raw); returns its type tag.
    pub(crate) fn get_index(self, idx: c_int, i: i64) -> c_int {
        // SAFETY: live state; the value at `idx` is a table.
        unsafe { ffi::lua_rawgeti(self.0, idx, i) }
    }

    /// `#t` without metamethods.
    pub(crate) fn raw_len(self, idx: c_int) -> usize {
        // SAFETY: live state.
        unsafe { ffi::lua_rawlen(self.0, idx) }
    }

    /// One step of a table walk: with a key on top, pops it and pushes the next key and
    /// value; `false` (and nothing pushed) at the end.
    pub(crate) fn next(self, idx: c_int) -> bool {
        // SAFETY: live state; the walk never changes the table, so the key on top is one
        // `lua_next` returned (or nil), which is all it needs.
        unsafe { ffi::lua_next(self.0, idx) != 0 }
    }

    /// Pops the top value into the registry; returns its reference.
    pub(crate) fn new_ref(self) -> c_int {
        // SAFETY: live state; a value is on top.
        unsafe { ffi::luaL_ref(self.0, ffi::LUA_REGISTRYINDEX) }
    }

    /// Pushes the value behind a registry reference.
    pub(crate) fn push_ref(self, r: c_int) {
        // SAFETY: live state.
        unsafe { ffi::lua_rawgeti(self.0, ffi::LUA_REGISTRYINDEX, ffi::lua_Integer::from(r)) };
    }

    /// Frees a registry reference.
    pub(crate) fn unref(self, r: c_int) {
        // SAFETY: live state; freeing `LUA_NOREF`/`LUA_REFNIL` does nothing.
        unsafe { ffi::luaL_unref(self.0, ffi::LUA_REGISTRYINDEX, r) }
    }

    /// The traceback of this thread from `level`, as `luaL_traceback` writes it; empty
    /// when it does not fit in the VM's memory. Made in a protected call ([`protected`](
    /// Self::protected)), so that a memory error comes back here rather than jumping
    /// over the caller, which owns the error it is for (`errors::fail`).
    pub(crate) fn traceback(self, level: c_int) -> String {
        if self.ensure(2).is_err() {
            return String::new();
        }
        let written = self.protected(|lua| {
            // SAFETY: live state; pushes one string. Inside the protected call the
            // call's own C function is level 0, so the caller's level is one more.
            unsafe { ffi::luaL_traceback(lua.0, lua.0, std::ptr::null(), level + 1) };
            Ok(())
        });
        if written.is_err() {
            return String::new();
        }
        let text = self.string(-1).unwrap_or_default();
        self.pop(1);
        text
    }

    /// The current line of the function at `level` (1 = the caller of a C function).
    pub(crate) fn current_line(self, level: c_int) -> Option<i64> {
        // SAFETY: live state; `lua_Debug` is plain data filled by Lua.
        unsafe {
            let mut ar: ffi::lua_Debug = std::mem::zeroed();
            if ffi::lua_getstack(self.0, level, &mut ar) == 0 {
                return None;
            }
            if ffi::lua_getinfo(self.0, c"l".as_ptr(), &mut ar) == 0 {
                return None;
            }
            (ar.currentline >= 0).then(|| i64::from(ar.currentline))
        }
    }

    /// The name the running C function was called by, as Lua's own argument errors find
    /// it (`lua_getinfo` "n": `receive` for `ch:receive()` or `ch.receive(x)`); `None`
    /// when the call site gives none (a function passed to `pcall`).
    pub(crate) fn called_as(self) -> Option<String> {
        // SAFETY: live state, inside a C function Lua called (level 0); `lua_Debug` is
        // plain data filled by Lua, and its name points into a live string of the
        // function's prototype or is null.
        unsafe {
            let mut ar: ffi::lua_Debug = std::mem::zeroed();
            if ffi::lua_getstack(self.0, 0, &mut ar) == 0
                || ffi::lua_getinfo(self.0, c"n".as_ptr(), &mut ar) == 0
                || ar.name.is_null()
            {
                return None;
            }
            Some(
                std::ffi::CStr::from_ptr(ar.name)
                    .to_string_lossy()
                    .into_owned(),
            )
        }
    }

    /// The argument error of a method called on something that is not its object:
    /// `bad argument #1 to 'receive' (channel expected, got number; call it as
    /// ch:receive(...))`, named as the call site named the method.
    pub(crate) fn bad_self(self, what: &str, var: &str) -> Raise {
        let name = self.called_as().unwrap_or_else(|| "?".to_owned());
        Raise::from(format!(
            "bad argument #1 to '{name}' ({what} expected, got {}; call it as {var}:{name}(...))",
            self.type_name(1)
        ))
    }

    /// `true` if this thread can yield now.
    pub(crate) fn yieldable(self) -> bool {
        // SAFETY: live state.
        unsafe { ffi::lua_isyieldable(self.0) != 0 }
    }

    /// Pushes a new userdata holding `value`, with the metatable of `ty`.
    pub(crate) fn push_userdata<T: 'static>(self, value: T, ty: &'static UserType<T>) {
        self.push_userdata_with(value, ty, 0);
    }

    /// [`push_userdata`](Self::push_userdata) with `slots` user values (set with
    /// [`set_user_value`](Self::set_user_value)), which keep Lua values alive with it.
    pub(crate) fn push_userdata_with<T: 'static>(
        self,
        value: T,
        ty: &'static UserType<T>,
        slots: c_int,
    ) {
        const {
            assert!(std::mem::align_of::<Tagged<T>>() <= super::alloc::ALIGN);
        }
        let size = std::mem::size_of::<Tagged<T>>();
        // The value is ours until it is written into its block: nothing that may raise
        // happens in between (see the module docs).
        let bytes = USERDATA_BYTES + size + USER_VALUE_BYTES * usize::try_from(slots).unwrap_or(0);
        let mut fast = self.push_made_metatable(ty);
        if fast && !self.memory_room().fits(bytes) {
            self.pop(1);
            fast = false;
        }
        let block = if fast {
            // SAFETY: live state; the block fits in what the VM may still allocate, so
            // making it cannot raise.
            let block = unsafe { ffi::lua_newuserdatauv(self.0, size, slots) };
            // The metatable under the userdata, then on top of it.
            self.insert(-2);
            block
        } else {
            let made = self.protected(|lua| {
                lua.push_metatable(ty);
                // SAFETY: live state; may raise a memory error, inside this protected
                // call, where nothing is owned.
                unsafe { ffi::lua_newuserdatauv(lua.0, size, slots) };
                lua.insert(-2);
                // SAFETY: the userdata at -2, its metatable on top. Its `__gc` cannot
                // run before the value is written: the userdata stays on the stack, and
                // nothing between here and the write allocates.
                unsafe { ffi::lua_setmetatable(lua.0, -2) };
                Ok(())
            });
            if let Err(e) = made {
                drop(value);
                // SAFETY: live state (the thread of the current call, for every caller);
                // nothing of this frame is owned any more.
                unsafe { raise(self.0, e) };
            }
            // SAFETY: the protected call left the new userdata on top.
            let block = unsafe { ffi::lua_touserdata(self.0, -1) };
            // SAFETY: as below; the metatable is already set.
            unsafe {
                block.cast::<Tagged<T>>().write(Tagged {
                    tag: ty.tag(),
                    value,
                });
            }
            return;
        };
        // SAFETY: live state. The block is `size_of::<Tagged<T>>()` bytes aligned to ALIGN
        // (Lua aligns userdata to LUAI_MAXALIGN), so writing a `Tagged<T>` into it is
        // sound; from then on the userdata owns the value, and its `__gc` (set below when
        // `T` needs drop) drops it exactly once.
        unsafe {
            block.cast::<Tagged<T>>().write(Tagged {
                tag: ty.tag(),
                value,
            });
        }
        // SAFETY: the userdata is at -2, its metatable on top.
        unsafe { ffi::lua_setmetatable(self.0, -2) };
    }

    /// Pushes the metatable of `ty` if this VM made it already and returns `true`;
    /// pushes nothing and returns `false` otherwise. Allocates nothing.
    fn push_made_metatable<T: 'static>(self, ty: &'static UserType<T>) -> bool {
        // SAFETY: live state; a raw read of the registry, as in `push_metatable`.
        let found = unsafe {
            match ty.slot {
                Some(slot) => ffi::lua_rawgeti(self.0, ffi::LUA_REGISTRYINDEX, slot.index()),
                None => ffi::lua_rawgetp(
                    self.0,
                    ffi::LUA_REGISTRYINDEX,
                    std::ptr::from_ref(ty).cast::<c_void>(),
                ),
            }
        };
        if found == LUA_TTABLE {
            return true;
        }
        self.pop(1);
        false
    }

    /// What the VM of this thread may still allocate (see [`MemoryRoom`]).
    pub(crate) fn memory_room(self) -> MemoryRoom {
        let mut ud = std::ptr::null_mut();
        // SAFETY: live state; reads the allocator and its data.
        let alloc = unsafe { ffi::lua_getallocf(self.0, &mut ud) };
        let ours: unsafe extern "C" fn(*mut c_void, *mut c_void, usize, usize) -> *mut c_void =
            super::alloc::allocate;
        if alloc as usize != ours as usize || ud.is_null() {
            // Not a process VM: nothing is known, so nothing is taken to fit.
            return MemoryRoom { free: 0, used: 0 };
        }
        // SAFETY: `ud` is the `Heap` of this VM (`vm/instance.rs` gives it to
        // `lua_newstate` with `allocate`), read on the thread that runs the VM.
        let heap = unsafe { &*ud.cast::<super::alloc::Heap>() };
        let free = if heap.limit == 0 {
            usize::MAX
        } else {
            heap.limit.saturating_sub(heap.used)
        };
        MemoryRoom {
            free,
            used: heap.used,
        }
    }

    /// Runs `f` on this thread in a protected call: a Lua error raised inside it (a
    /// memory error, when the VM reaches its limit) ends `f` only, and comes back as
    /// `Err` ([`Raise::Memory`] for a memory error), so that the caller, which may own
    /// Rust values, returns normally and drops them. On success, what `f` pushed is on
    /// the stack; on any error, the stack is as it was.
    ///
    /// `f` must own nothing that needs dropping while it may raise (it is `Copy`: it
    /// borrows what it works on), since a raise jumps out of it.
    ///
    /// On a thread that is not running or suspended in a yield (no call can be made on
    /// it), `f` runs unprotected.
    ///
    /// # Errors
    ///
    /// What `f` returns; [`Raise::Memory`] for a memory error; the error's text for any
    /// other Lua error (none is raised by what the callers build).
    pub(crate) fn protected<F: Fn(Lua) -> LResult<()> + Copy>(self, f: F) -> LResult<()> {
        // SAFETY: live state.
        if unsafe { ffi::lua_status(self.0) } != ffi::LUA_OK {
            return f(self);
        }
        self.ensure(2)?;
        let mut job = Job { f, result: None };
        self.push_fn(run_job::<F>);
        self.push_light((&raw mut job).cast());
        // SAFETY: live thread that can take a call (status OK), with the function and
        // its one argument on top; `run_job` reads `job` through the pointer during the
        // call only, and `job` outlives it.
        let status = unsafe { ffi::lua_pcallk(self.0, 1, ffi::LUA_MULTRET, 0, 0, None) };
        match status {
            ffi::LUA_OK => job.result.unwrap_or(Ok(())),
            ffi::LUA_ERRMEM => {
                self.pop(1);
                Err(Raise::Memory)
            }
            _ => {
                let message = self
                    .string(-1)
                    .unwrap_or_else(|| "error while building a value".to_owned());
                self.pop(1);
                Err(Raise::Message(message))
            }
        }
    }

    /// Pops the top value into user value `n` (from 1) of the userdata at `idx`.
    pub(crate) fn set_user_value(self, idx: c_int, n: c_int) {
        // SAFETY: live state; `idx` holds a full userdata (callers made it).
        unsafe { ffi::lua_setiuservalue(self.0, idx, n) };
    }

    /// Pushes user value `n` of the userdata at `idx`.
    pub(crate) fn push_user_value(self, idx: c_int, n: c_int) {
        // SAFETY: live state; `idx` holds a full userdata.
        unsafe { ffi::lua_getiuservalue(self.0, idx, n) };
    }

    /// Pushes the metatable of `ty`, creating it in this VM on first use.
    ///
    /// Metatables are kept in the registry, in the type's slot (`meta_slots.rs`) or else
    /// under the address of its (static) `UserType`, so finding one allocates nothing
    /// and no Lua code can forge one.
    pub(crate) fn push_metatable<T: 'static>(self, ty: &'static UserType<T>) {
        let key = std::ptr::from_ref(ty).cast::<c_void>();
        // SAFETY: live state; a raw read of the registry by integer (a slot `install`
        // filled) or light userdata key.
        let found = unsafe {
            match ty.slot {
                Some(slot) => ffi::lua_rawgeti(self.0, ffi::LUA_REGISTRYINDEX, slot.index()),
                None => ffi::lua_rawgetp(self.0, ffi::LUA_REGISTRYINDEX, key),
            }
        };
        if found == LUA_TTABLE {
            return;
        }
        self.pop(1);
        self.new_table(0, 5);
        // `__name` is what `tostring` and error messages show; `__metatable` hides the
        // table from Lua code (`getmetatable` gives the name), so no script can add a
        // `__gc` or change a method under the runtime.
        self.push_bytes(ty.name.to_bytes());
        self.push_value(-1);
        self.set_field(-3, c"__name");
        self.set_field(-2, c"__metatable");
        if let Some(index) = ty.index {
            // Method lookups go to `lookup_method`, which asks the type's resolver (kept
            // under a light-userdata key no script can make). After a few lookups in
            // this VM, `__index` becomes a methods table filled as names are looked up,
            // so a hot method costs a table read instead of a C call, while a process
            // that calls a method or two pays no table for it.
            self.push_fn(index);
            // SAFETY: live state; the metatable at -2, the resolver on top.
            unsafe { ffi::lua_rawsetp(self.0, -2, resolver_key()) };
            self.push_fn(lookup_method);
            self.set_field(-2, c"__index");
        }
        if std::mem::needs_drop::<T>() {
            self.push_fn(drop_userdata::<T>);
            self.set_field(-2, c"__gc");
        }
        for (name, f) in ty.meta {
            self.push_fn(*f);
            self.set_field_str(-2, name);
        }
        self.push_value(-1);
        // SAFETY: the registry is a table; the metatable copy on top is stored raw (in
        // the type's slot, which holds `false` until now).
        unsafe {
            match ty.slot {
                Some(slot) => ffi::lua_rawseti(self.0, ffi::LUA_REGISTRYINDEX, slot.index()),
                None => ffi::lua_rawsetp(self.0, ffi::LUA_REGISTRYINDEX, key),
            }
        };
    }

    /// The value of the userdata at `idx` if it is of type `ty`. Allocates nothing and
    /// never raises.
    ///
    /// The reference is valid while the userdata stays on the stack (callers keep it
    /// there); no two references to one userdata are held at once.
    pub(crate) fn userdata<'a, T: 'static>(
        self,
        idx: c_int,
        ty: &'static UserType<T>,
    ) -> Option<&'a mut T> {
        if self.kind(idx) != LUA_TUSERDATA {
            return None;
        }
        // SAFETY: live state; the value is a full userdata.
        let block = unsafe { ffi::lua_touserdata(self.0, idx).cast::<Tagged<T>>() };
        if block.is_null() {
            return None;
        }
        // SAFETY: the block is at least one word, so its first word can be read: every
        // full userdata of these VMs is either made by `push_userdata_with` (a tag word,
        // then the value) or is one of the auxiliary library's string buffers (a heap
        // pointer and a size); scripts cannot make userdata. It is aligned for a
        // `Tagged<T>` (Lua aligns userdata to LUAI_MAXALIGN). A first word equal to `ty`'s
        // address was written by `push_userdata_with::<T>` (one `UserType` per Rust type;
        // a string buffer starts with a heap pointer, never the address of a static): the
        // block is then a `Tagged<T>` whose value is not yet dropped (`__gc` runs only
        // once the userdata is unreachable, and it is on the stack). (No size check: one
        // call fewer on every receive; debug builds check it.)
        unsafe {
            if (*block).tag != ty.tag() {
                return None;
            }
            debug_assert!(ffi::lua_rawlen(self.0, idx) >= std::mem::size_of::<Tagged<T>>());
            Some(&mut (*block).value)
        }
    }
}

/// The block of every userdata the process VMs make: the address of its [`UserType`]
/// (which tells the type of `value` without a look at the metatable), then the value.
#[repr(C)]
struct Tagged<T> {
    tag: *const c_void,
    value: T,
}

/// A userdata type of the process VMs: the metatable's registry name, the `__index`
/// function for its methods, and other metamethods. One `UserType` per Rust type `T`.
pub(crate) struct UserType<T> {
    pub(crate) name: &'static CStr,
    pub(crate) index: Option<CFn>,
    pub(crate) meta: &'static [(&'static str, CFn)],
    /// The registry slot of the metatable, for the types made on hot paths.
    pub(crate) slot: Option<MetaSlot>,
    pub(crate) _marker: PhantomData<fn() -> T>,
}

impl<T> UserType<T> {
    /// The tag of this type's userdata blocks.
    fn tag(&'static self) -> *const c_void {
        std::ptr::from_ref(self).cast()
    }

    pub(crate) const fn new(
        name: &'static CStr,
        index: Option<CFn>,
        meta: &'static [(&'static str, CFn)],
    ) -> UserType<T> {
        UserType {
            name,
            index,
            meta,
            slot: None,
            _marker: PhantomData,
        }
    }

    /// The same type, with its metatable kept in registry slot `slot` (one per type).
    pub(crate) const fn in_slot(self, slot: MetaSlot) -> UserType<T> {
        UserType {
            slot: Some(slot),
            ..self
        }
    }
}

/// `__gc` of a userdata holding a `T`: drops the value.
unsafe extern "C-unwind" fn drop_userdata<T>(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: Lua calls `__gc` once, with the userdata as the only argument; the block
    // holds a `T` written by `push_userdata` (this metatable is only set there). A
    // finalized userdata can be resurrected only by a user `__gc`, which is refused, so
    // the value is never used after this.
    unsafe {
        let p = ffi::lua_touserdata(l, 1).cast::<Tagged<T>>();
        if !p.is_null() {
            std::ptr::drop_in_place(&raw mut (*p).value);
        }
    }
    0
}

/// Builds the `__index` function of a userdata type: method names to functions.
macro_rules! method_index {
    ($vis:vis fn $name:ident { $($key:literal => $f:expr),* $(,)? }) => {
        $vis unsafe extern "C-unwind" fn $name(l: *mut mlua::ffi::lua_State) -> std::ffi::c_int {
            // SAFETY: Lua calls `__index(object, key)` with two values on the stack.
            let lua = unsafe { $crate::vm::lua::Lua::from_raw(l) };
            let f: Option<$crate::vm::lua::CFn> = match lua.bytes(2) {
                $(Some($key) => Some($f),)*
                _ => None,
            };
            match f {
                Some(f) => {
                    lua.push_fn(f);
                    $crate::vm::lua::cache_method(lua);
                }
                None => lua.push_nil(),
            }
            1
        }
    };
}

/// The key of a type's resolver in its metatable and in its methods table (the address
/// of a static).
fn resolver_key() -> *const c_void {
    static RESOLVER: u8 = 0;
    std::ptr::from_ref(&RESOLVER).cast()
}

/// The key of the lookup count in a metatable (the address of a static).
fn lookups_key() -> *const c_void {
    static LOOKUPS: u8 = 0;
    std::ptr::from_ref(&LOOKUPS).cast()
}

/// The key of the VM's methods-table metatable (the address of a static).
fn methods_metatable_key() -> *const c_void {
    static METHODS_METATABLE: u8 = 0;
    std::ptr::from_ref(&METHODS_METATABLE).cast()
}

/// Lookups through [`lookup_method`] before a type gets its methods table.
const LOOKUPS_BEFORE_TABLE: i64 = 8;

impl Lua {
    /// Pushes the metatable of every methods table of this VM, `{__index =
    /// resolve_method}`, creating it on first use (kept in the registry under a
    /// light-userdata key).
    fn push_methods_metatable(self) {
        // SAFETY: live state; a raw registry read and, the first time, a raw write.
        unsafe {
            if ffi::lua_rawgetp(self.0, ffi::LUA_REGISTRYINDEX, methods_metatable_key())
                == LUA_TTABLE
            {
                return;
            }
            self.pop(1);
            self.new_table(0, 1);
            self.push_fn(resolve_method);
            self.set_field(-2, c"__index");
            self.push_value(-1);
            ffi::lua_rawsetp(self.0, ffi::LUA_REGISTRYINDEX, methods_metatable_key());
        }
    }
}

/// Calls the resolver stored under [`resolver_key`] in the table at `holder` with the
/// arguments `(object or methods table, name)` at 1 and 2; returns its result count.
///
/// # Safety
///
/// `l` is a live state inside a Lua call with those two arguments and room for two more
/// values; the resolver, if any, is one of ours (a C function with that contract).
unsafe fn call_resolver(l: *mut ffi::lua_State, holder: c_int) -> c_int {
    // SAFETY: guaranteed by the caller.
    unsafe {
        let lua = Lua::from_raw(l);
        let resolver = if ffi::lua_rawgetp(l, holder, resolver_key()) == ffi::LUA_TFUNCTION {
            ffi::lua_tocfunction(l, -1)
        } else {
            None
        };
        lua.set_top(2);
        match resolver {
            Some(resolver) => resolver(l),
            None => {
                lua.push_nil();
                1
            }
        }
    }
}

/// `__index(object, name)` of a userdata type (or of the `process` table): answers from
/// the type's resolver and counts the lookup; at [`LOOKUPS_BEFORE_TABLE`], gives the type
/// a methods table (see [`Lua::push_metatable`]).
unsafe extern "C-unwind" fn lookup_method(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: Lua calls `__index` with the object and the name at 1 and 2, and room for
    // LUA_MINSTACK values. The object's metatable is one of ours (this function is only
    // ever stored in them), hidden from scripts, holding the resolver and the count under
    // light-userdata keys; everything here is raw access to it and to new tables.
    unsafe {
        let lua = Lua::from_raw(l);
        lua.set_top(2);
        if ffi::lua_getmetatable(l, 1) == 0 {
            lua.push_nil();
            return 1;
        }
        let lookups = match ffi::lua_rawgetp(l, 3, lookups_key()) {
            ffi::LUA_TNUMBER => ffi::lua_tointegerx(l, -1, std::ptr::null_mut()),
            _ => 0,
        } + 1;
        lua.pop(1);
        if lookups >= LOOKUPS_BEFORE_TABLE {
            lua.new_table(0, 4);
            ffi::lua_rawgetp(l, 3, resolver_key());
            ffi::lua_rawsetp(l, -2, resolver_key());
            lua.push_methods_metatable();
            ffi::lua_setmetatable(l, -2);
            lua.set_field(3, c"__index");
        } else {
            lua.push_int(lookups);
            ffi::lua_rawsetp(l, 3, lookups_key());
        }
        call_resolver(l, 3)
    }
}

/// `__index(methods, name)` of a methods table: asks the table's resolver, which stores
/// the method it finds in the table (see [`cache_method`]).
unsafe extern "C-unwind" fn resolve_method(l: *mut ffi::lua_State) -> c_int {
    // SAFETY: Lua calls `__index` with the methods table and the name at 1 and 2 (the
    // methods tables are reachable only through our metatables, so only Lua's lookups
    // call this); the table holds its type's resolver.
    unsafe { call_resolver(l, 1) }
}

/// Inside a type's method resolver, with the object (or the methods table) at 1, the
/// name at 2 and the method just found on top: when 1 is a table (a methods table, or
/// the process's own `process` table), stores the method in it, so the next lookup of
/// that name is a plain table read. The method stays on top.
pub(crate) fn cache_method(lua: Lua) {
    if lua.kind(1) == LUA_TTABLE {
        lua.push_value(2);
        lua.push_value(-2);
        // SAFETY: a plain table at 1 (the methods table has no `__newindex`), key and
        // value on top. Growing the table may raise a memory error, which unwinds this
        // frame: it owns nothing.
        unsafe { ffi::lua_rawset(lua.0, 1) };
    }
}
pub(crate) use method_index;

/// The C function for a bound Rust function `f` (any `fn(Lua) -> LResult<c_int>`).
///
/// `f` must be a function item (a zero-sized type): the trampoline is instantiated per
/// function and calls it without a pointer.
pub(crate) const fn cfn<F: Fn(Lua) -> LResult<c_int> + Copy + 'static>(_f: F) -> CFn {
    const {
        assert!(std::mem::size_of::<F>() == 0);
    }
    trampoline::<F>
}

/// The C function for a blocking Rust function (see [`Ret`]).
pub(crate) const fn blocking<F: Fn(Lua) -> LResult<Ret> + Copy + 'static>(_f: F) -> CFn {
    const {
        assert!(std::mem::size_of::<F>() == 0);
    }
    blocking_trampoline::<F>
}

/// The continuation for [`Ret::Preempted`] made of a Rust function `f`, which goes on
/// with the call as a blocking function would (from the same stack).
pub(crate) const fn continuation<F: Fn(Lua) -> LResult<Ret> + Copy + 'static>(
    _f: F,
) -> ffi::lua_KFunction {
    const {
        assert!(std::mem::size_of::<F>() == 0);
    }
    continuation_trampoline::<F>
}

/// Conjures the zero-sized function item `F`.
fn function_item<F: Copy>() -> F {
    const {
        assert!(std::mem::size_of::<F>() == 0);
    }
    // SAFETY: `F` is a zero-sized function item type (checked by `cfn`/`blocking`, the
    // only makers of the trampolines): it has exactly one value and no bytes to
    // initialise.
    unsafe { std::mem::zeroed() }
}

fn run<R>(l: *mut ffi::lua_State, f: impl FnOnce(Lua) -> LResult<R>) -> LResult<R> {
    // SAFETY: Lua called us on its live thread `l`.
    let lua = unsafe { Lua::from_raw(l) };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(lua))) {
        Ok(result) => result,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(Raise::Message(format!("internal error (bug): {what}")))
        }
    }
}

/// Pushes the error of `raise` and raises it. Nothing owned is live in this frame when
/// `lua_error` jumps.
///
/// # Safety
///
/// `l` is the live thread of the current C function call.
unsafe fn raise(l: *mut ffi::lua_State, raise: Raise) -> ! {
    match raise {
        Raise::Message(message) => {
            // SAFETY: live thread; `luaL_where` pushes the position of the caller.
            unsafe { ffi::luaL_where(l, 1) };
            // SAFETY: as above (a memory error here leaks `message`, see the module docs).
            unsafe { ffi::lua_pushlstring(l, message.as_ptr().cast(), message.len()) };
            drop(message);
            // SAFETY: two strings on top.
            unsafe { ffi::lua_concat(l, 2) };
        }
        // SAFETY: live thread. Lua keeps its memory error's message as a fixed string,
        // so pushing that text finds it and allocates nothing; `lua_error` with that
        // very string raises a memory error (as `preempt::raise_stop` does).
        Raise::Memory => unsafe {
            ffi::lua_pushstring(l, MEMORY_ERROR.as_ptr());
        },
        Raise::Top => {}
    }
    // SAFETY: the error value is on top; `lua_error` does not return.
    unsafe { ffi::lua_error(l) }
}

unsafe extern "C-unwind" fn trampoline<F: Fn(Lua) -> LResult<c_int> + Copy + 'static>(
    l: *mut ffi::lua_State,
) -> c_int {
    let result = run(l, |lua| function_item::<F>()(lua));
    match result {
        Ok(n) => n,
        // SAFETY: `l` is the thread Lua called us on.
        Err(e) => unsafe { raise(l, e) },
    }
}

unsafe extern "C-unwind" fn blocking_trampoline<F: Fn(Lua) -> LResult<Ret> + Copy + 'static>(
    l: *mut ffi::lua_State,
) -> c_int {
    let result = run(l, |lua| function_item::<F>()(lua));
    // SAFETY: `l` is the thread Lua called us on.
    unsafe { finish(l, result) }
}

/// Ends a blocking call: returns values, raises, or yields until the op completes.
///
/// # Safety
///
/// `l` is the live thread of the current C function call (or continuation).
unsafe fn finish(l: *mut ffi::lua_State, result: LResult<Ret>) -> c_int {
    match result {
        // A channel send refused for want of memory raises the memory error here
        // (`vm/channel.rs`).
        // SAFETY: `l` is the live thread of this call; nothing owned is live here.
        Ok(Ret::Values(_)) if super::channel::take_memory_error(unsafe { Lua::from_raw(l) }) => unsafe {
            raise(l, Raise::Memory)
        },
        Ok(Ret::Values(n)) => n,
        // SAFETY: guaranteed by the caller. The driver resumes this coroutine only once
        // the op completed, with no values; `resume_op` then answers. `lua_yieldk` from
        // a C function does not return (it jumps to `lua_resume`), and nothing owned is
        // live here.
        Ok(Ret::Block(op)) => unsafe {
            ffi::lua_yieldk(l, 0, op as ffi::lua_KContext, Some(resume_op))
        },
        // SAFETY: guaranteed by the caller; as above, the jump crosses nothing owned.
        Ok(Ret::Preempted(k)) => unsafe {
            super::preempt::pass_on();
            ffi::lua_yieldk(l, 0, 0, Some(k))
        },
        // SAFETY: as for `Preempted`.
        Ok(Ret::Waiting(k)) => unsafe { ffi::lua_yieldk(l, 0, 0, Some(k)) },
        // SAFETY: guaranteed by the caller.
        Err(e) => unsafe { raise(l, e) },
    }
}

unsafe extern "C-unwind" fn continuation_trampoline<F: Fn(Lua) -> LResult<Ret> + Copy + 'static>(
    l: *mut ffi::lua_State,
    _status: c_int,
    _ctx: ffi::lua_KContext,
) -> c_int {
    let result = run(l, |lua| function_item::<F>()(lua));
    // SAFETY: Lua calls the continuation on the resumed thread `l`.
    unsafe { finish(l, result) }
}

/// The continuation of every blocking call: the op completed, answer it.
unsafe extern "C-unwind" fn resume_op(
    l: *mut ffi::lua_State,
    _status: c_int,
    ctx: ffi::lua_KContext,
) -> c_int {
    let result = run(l, |lua| super::ops::answer(lua, ctx as usize));
    // SAFETY: Lua calls the continuation on the resumed thread `l`.
    unsafe { finish(l, result) }
}

/// `bytes` as text, invalid sequences replaced as `String::from_utf8_lossy` does; valid
/// text (nearly all of it) is checked by `str::from_utf8`, whose ASCII fast path is
/// several times quicker on the short ids and topics scripts pass.
pub(crate) fn utf8_lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::utf8_lossy;

    /// The same text as `String::from_utf8_lossy`, borrowed when the bytes are valid.
    #[test]
    fn utf8_lossy_is_from_utf8_lossy() {
        let cases: [&[u8]; 6] = [
            b"",
            b"echo_response",
            "{app:procs|0x00004} ünïcode".as_bytes(),
            b"bad \xff byte",
            b"cut \xe2\x82",
            b"\xc0\x80 overlong",
        ];
        for bytes in cases {
            let ours = utf8_lossy(bytes);
            assert_eq!(ours, String::from_utf8_lossy(bytes), "{bytes:?}");
            let valid = std::str::from_utf8(bytes).is_ok();
            assert_eq!(
                matches!(ours, std::borrow::Cow::Borrowed(_)),
                valid,
                "{bytes:?}"
            );
        }
    }
}
