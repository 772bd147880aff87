//! The `io` module (reference §1.6), for processes on a `terminal.host`: `print`,
//! `write`, `eprint`, `flush`, `readline`, `read`, `args`.
//!
//! Reads are served by one stdin thread per OS process; a read suspends only the calling
//! coroutine, and the thread wakes the process through its notifier when the line is in.
//! A CANCEL ends the reads its process waits in with a `Canceled` error
//! (`vm/feed.rs`); what the stdin thread then reads for them goes to the next read.

use super::errors::{fail, push_error};
use crate::vm::lua::{LResult, LUA_TNIL, LUA_TNONE, LUA_TNUMBER, Lua, Raise, Ret, blocking, cfn};
use crate::vm::ops::block;
use crate::vm::state::{PendingRead, state};
use parking_lot::Mutex;
use std::ffi::c_int;
use std::io::{BufRead, Write};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, OnceLock};
use wippy_runtime::payload::{ErrorKind, ErrorValue};
use wippy_scheduler::Notifier;

/// The result of one terminal read: the bytes, or the error (at the end of input,
/// [`end_of_input`]'s).
pub(crate) type ReadResult = Result<Vec<u8>, ErrorValue>;

/// Where the stdin thread puts a read's result. Shared by the stdin thread (which
/// fills it) and the reading process (which takes it, or gives up on it when the
/// process is cancelled).
#[derive(Debug, Default)]
pub(crate) struct ReadSlot {
    state: Mutex<SlotState>,
}

/// Where a read stands: `Waiting`, then `Done` and `Taken`, or `Abandoned`. A slot
/// serves one read.
#[derive(Debug, Default)]
enum SlotState {
    /// The stdin thread has not answered yet.
    #[default]
    Waiting,
    /// The answer, until the process takes it.
    Done(ReadResult),
    /// The process took the answer.
    Taken,
    /// The process gave up (it was cancelled, or it ended): what the stdin thread reads
    /// for this request is kept for the next read instead.
    Abandoned,
}

impl ReadSlot {
    /// The result, once the stdin thread has put it here.
    pub(crate) fn take(&self) -> Option<ReadResult> {
        let mut state = self.state.lock();
        if !matches!(*state, SlotState::Done(_)) {
            return None;
        }
        match std::mem::replace(&mut *state, SlotState::Taken) {
            SlotState::Done(result) => Some(result),
            _ => None,
        }
    }

    /// Gives up on the read unless its result is already in. Returns `false` when the
    /// result is in (the read completes normally).
    pub(crate) fn abandon(&self) -> bool {
        let mut state = self.state.lock();
        match *state {
            SlotState::Waiting => {
                *state = SlotState::Abandoned;
                true
            }
            SlotState::Done(_) | SlotState::Taken | SlotState::Abandoned => false,
        }
    }

    /// Stores the result of the read of `raw` (`kind`'s bytes as read, line end
    /// included) for the process. Gives the bytes back when the process gave up on the
    /// read; an error or the end of input is then dropped (the next read meets it too).
    fn fill(&self, kind: &ReadKind, raw: std::io::Result<Vec<u8>>) -> Option<Vec<u8>> {
        let mut state = self.state.lock();
        if matches!(*state, SlotState::Abandoned) {
            return raw.ok().filter(|bytes| !bytes.is_empty());
        }
        // `Taken` cannot be: the stdin thread answers each request once.
        *state = SlotState::Done(match raw {
            Ok(bytes) if bytes.is_empty() => Err(end_of_input(kind)),
            Ok(mut bytes) => {
                if matches!(kind, ReadKind::Line) {
                    // One `\n`, then one `\r` (a CRLF line end), as the original trims
                    // its line: `a\r\r\n` reads as `a\r`.
                    if bytes.last() == Some(&b'\n') {
                        bytes.pop();
                    }
                    if bytes.last() == Some(&b'\r') {
                        bytes.pop();
                    }
                }
                Ok(bytes)
            }
            Err(e) => {
                Err(ErrorValue::new(ErrorKind::Unavailable, e.to_string()).wrapped(kind.call()))
            }
        });
        None
    }
}

/// The error of a read at the end of input: `EOF`, kind `UNKNOWN`, retryable unset, with
/// the call as its context (`tostring` gives `"readline: EOF"`), as the original wraps
/// Go's `io.EOF`.
fn end_of_input(kind: &ReadKind) -> ErrorValue {
    ErrorValue::new(ErrorKind::Unknown, "EOF").wrapped(kind.call())
}

/// The longest line `io.readline` returns: a longer one is an error, so that input
/// without line ends cannot grow the node's memory without bound.
const MAX_LINE_BYTES: usize = 16 << 20;

/// The stdin thread's view of its input: bytes read for a read whose process gave up on
/// it come first, so that nothing typed is lost.
struct Input {
    carried: Vec<u8>,
}

impl Input {
    /// The bytes of one read as they came: a line with its end (the last may have
    /// none), or up to `n` bytes; empty at the end of input.
    fn read(&mut self, stdin: &mut impl BufRead, kind: &ReadKind) -> std::io::Result<Vec<u8>> {
        match *kind {
            ReadKind::Line => {
                if let Some(end) = self.carried.iter().position(|b| *b == b'\n') {
                    return Ok(self.carried.drain(..=end).collect());
                }
                let mut line = std::mem::take(&mut self.carried);
                let room = MAX_LINE_BYTES.saturating_sub(line.len()) as u64;
                if let Err(e) = std::io::Read::take(&mut *stdin, room).read_until(b'\n', &mut line)
                {
                    self.carried = line;
                    return Err(e);
                }
                if line.len() >= MAX_LINE_BYTES && line.last() != Some(&b'\n') {
                    // Kept for `io.read(n)`, which can still take it in pieces.
                    self.carried = line;
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("the line is longer than {MAX_LINE_BYTES} bytes"),
                    ));
                }
                Ok(line)
            }
            ReadKind::Bytes(n) => {
                if !self.carried.is_empty() {
                    let k = n.min(self.carried.len());
                    return Ok(self.carried.drain(..k).collect());
                }
                let mut buf = vec![0; n];
                let k = stdin.read(&mut buf)?;
                buf.truncate(k);
                Ok(buf)
            }
        }
    }

    /// Puts `bytes`, just read, back in front of what is still carried.
    fn carry(&mut self, mut bytes: Vec<u8>) {
        bytes.extend_from_slice(&self.carried);
        self.carried = bytes;
    }
}

/// The message of a read that a CANCEL ended.
const CANCELLED_READ: &str = "read cancelled: the process was cancelled";

/// The error a read returns when its process is cancelled while it waits.
pub(crate) fn cancelled_read() -> ReadResult {
    Err(ErrorValue::new(ErrorKind::Canceled, CANCELLED_READ))
}

enum ReadKind {
    Line,
    Bytes(usize),
}

impl ReadKind {
    /// The Lua call that reads so.
    fn call(&self) -> &'static str {
        match self {
            ReadKind::Line => "readline",
            ReadKind::Bytes(_) => "read",
        }
    }
}

struct ReadRequest {
    kind: ReadKind,
    slot: Arc<ReadSlot>,
    notifier: Notifier,
}

fn reader() -> &'static Mutex<Sender<ReadRequest>> {
    static READER: OnceLock<Mutex<Sender<ReadRequest>>> = OnceLock::new();
    READER.get_or_init(|| {
        let (tx, rx) = channel::<ReadRequest>();
        let spawned = std::thread::Builder::new()
            .name("wippy-stdin".into())
            .spawn(move || {
                let stdin = std::io::stdin();
                let mut input = Input {
                    carried: Vec::new(),
                };
                for request in rx {
                    let raw = input.read(&mut stdin.lock(), &request.kind);
                    match request.slot.fill(&request.kind, raw) {
                        None => request.notifier.notify(),
                        Some(unwanted) => input.carry(unwanted),
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the stdin reader thread");
        }
        Mutex::new(tx)
    })
}
/// The command-line arguments `io.args()` returns to the terminal host's process (set by
/// the `wippy` binary before it starts that process).
static ARGS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();

/// Sets what `io.args()` returns (byte strings: they need not be UTF-8); only the first
/// call counts.
pub fn set_args(args: Vec<Vec<u8>>) {
    let _ = ARGS.set(args);
}

fn terminal(lua: Lua) -> LResult<bool> {
    Ok(state(lua)?.terminal)
}

/// `nil, err` for a process that is not on a terminal host (the original's words: only
/// a terminal host gives its processes a terminal context).
fn unavailable(lua: Lua) -> LResult<c_int> {
    fail(lua, ErrorKind::Unavailable, "no terminal context")
}

/// The arguments as text, joined by `sep` (`tostring` of each; a `__tostring` that
/// raises raises here, before the buffer exists).
fn text_of(lua: Lua, sep: &str) -> LResult<Vec<u8>> {
    lua.tostring_args_in_place(1)?;
    let mut out = Vec::new();
    for i in 1..=lua.top() {
        if i > 1 {
            out.extend_from_slice(sep.as_bytes());
        }
        match lua.bytes(i) {
            Some(b) => out.extend_from_slice(b),
            None => out.extend_from_slice(lua.display(i).as_bytes()),
        }
    }
    Ok(out)
}

/// Writes `bytes` to stdout (or stderr); `true`, or with `report`, `nil, err` when the
/// write fails (kind `INTERNAL`, context `"write stdout"`, as the original's
/// `io.write`). Without `report` a failed write is ignored, as the original's `io.print`
/// and `io.eprint` ignore theirs.
fn write_to(lua: Lua, bytes: &[u8], stderr: bool, report: bool) -> LResult<c_int> {
    if !terminal(lua)? {
        return unavailable(lua);
    }
    let result = if stderr {
        std::io::stderr().write_all(bytes)
    } else {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes).and_then(|()| out.flush())
    };
    match result {
        Err(e) if report => {
            lua.ensure(6)?;
            let error = ErrorValue::new(ErrorKind::Internal, e.to_string()).wrapped("write stdout");
            let error = crate::modules::errors::with_traceback(lua, error);
            lua.push_nil();
            push_error(lua, error);
            Ok(2)
        }
        _ => {
            lua.push_bool(true);
            Ok(1)
        }
    }
}

fn write(lua: Lua) -> LResult<c_int> {
    let bytes = text_of(lua, "")?;
    write_to(lua, &bytes, false, true)
}

fn print(lua: Lua) -> LResult<c_int> {
    let mut bytes = text_of(lua, "\t")?;
    bytes.push(b'\n');
    write_to(lua, &bytes, false, false)
}

fn eprint(lua: Lua) -> LResult<c_int> {
    let mut bytes = text_of(lua, "\t")?;
    bytes.push(b'\n');
    write_to(lua, &bytes, true, false)
}

fn flush(lua: Lua) -> LResult<c_int> {
    if !terminal(lua)? {
        return unavailable(lua);
    }
    let _ = std::io::stdout().flush();
    lua.push_bool(true);
    Ok(1)
}

fn read_op(lua: Lua, kind: ReadKind) -> LResult<Ret> {
    if !terminal(lua)? {
        return unavailable(lua).map(Ret::Values);
    }
    let st = state(lua)?;
    // A CANCEL ends the read it waits in; one that came while no read waited ends the
    // next read at once, as it would have ended it waiting, unless the process took the
    // CANCEL from `events()` meanwhile. So a program that reads on and never looks at
    // its events (the tutorial's client, Ctrl+C before its prompt or while it waits for
    // a reply) sees its read end, instead of waiting for the shutdown to stop the
    // terminal; the read after that one reads again.
    if let Some(occasional) = st.occasional.as_deref_mut().filter(|o| o.unspent_cancel) {
        occasional.unspent_cancel = false;
        return fail(lua, ErrorKind::Canceled, CANCELLED_READ).map(Ret::Values);
    }
    let Some(notifier) = st.notifier.clone() else {
        return fail(lua, ErrorKind::Internal, "io: this process cannot be woken").map(Ret::Values);
    };
    let ret = block(lua, st, crate::vm::channel::Cases::new(), None)?;
    let Ret::Block(op) = ret else {
        return Ok(ret);
    };
    let slot = Arc::new(ReadSlot::default());
    st.occasional().reads.push(PendingRead {
        slot: slot.clone(),
        op,
    });
    let sent = reader().lock().send(ReadRequest {
        kind,
        slot: slot.clone(),
        notifier,
    });
    if sent.is_err() {
        *slot.state.lock() = SlotState::Done(Err(ErrorValue::new(
            ErrorKind::Unavailable,
            "the stdin reader is gone",
        )));
    }
    Ok(ret)
}

fn readline(lua: Lua) -> LResult<Ret> {
    read_op(lua, ReadKind::Line)
}

/// `io.read(n)`: up to `n` bytes, as the original's `OptInt`: no size, or one of 0 or
/// less, is 1024; a fraction is dropped. (Sizes past 1 MiB read 1 MiB.)
///
/// Lua errors: a size that is not a number.
fn read(lua: Lua) -> LResult<Ret> {
    const DEFAULT: usize = 1024;
    let n = match lua.kind(1) {
        LUA_TNIL | LUA_TNONE => DEFAULT,
        LUA_TNUMBER => {
            // Go's `int(n)`: truncated, saturating.
            #[allow(clippy::cast_possible_truncation)]
            let n = lua.number(1).unwrap_or(0.0) as i64;
            usize::try_from(n)
                .ok()
                .filter(|n| *n > 0)
                .unwrap_or(DEFAULT)
        }
        _ => {
            return Err(Raise::from(format!(
                "bad argument #1 to 'read' (number expected, got {})",
                lua.type_name(1)
            )));
        }
    }
    .min(1 << 20);
    read_op(lua, ReadKind::Bytes(n))
}

/// Pushes what a finished read returns: the text, or `nil, err` (at the end of input,
/// [`end_of_input`]'s error), so that `local line, err = io.readline()` tells the end
/// from an empty line.
pub(crate) fn push_read_result(lua: Lua, result: ReadResult) -> LResult<c_int> {
    match result {
        Ok(bytes) => {
            lua.try_push_bytes(&bytes)?;
            Ok(1)
        }
        Err(e) => {
            lua.push_nil();
            push_error(lua, e);
            Ok(2)
        }
    }
}

/// `io.args()`: the command-line arguments of the terminal host's process (what
/// `wippy run -x entry a b` passes after the entry); an empty table elsewhere, as the
/// original's, whose arguments live in the terminal context.
fn args(lua: Lua) -> LResult<c_int> {
    let list = if terminal(lua)? {
        ARGS.get().map(Vec::as_slice).unwrap_or(&[])
    } else {
        &[]
    };
    lua.ensure(3)?;
    lua.new_table(c_int::try_from(list.len()).unwrap_or(0), 0);
    for (i, a) in (1..).zip(list) {
        lua.push_bytes(a);
        lua.set_index(-2, i);
    }
    Ok(1)
}

/// Pushes the `io` module table.
pub(crate) fn open(lua: Lua) -> LResult<()> {
    lua.ensure(3)?;
    lua.new_table(0, 8);
    for (name, f) in [
        ("write", cfn(write)),
        ("print", cfn(print)),
        ("eprint", cfn(eprint)),
        ("flush", cfn(flush)),
        ("readline", blocking(readline)),
        ("read", blocking(read)),
        ("args", cfn(args)),
    ] {
        lua.push_fn(f);
        lua.set_field_str(-2, name);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{Input, MAX_LINE_BYTES, ReadKind, ReadSlot};
    use std::io::Cursor;

    #[test]
    fn a_line_past_the_bound_is_an_error_and_its_bytes_stay_readable() {
        let mut input = Input {
            carried: Vec::new(),
        };
        let mut long = vec![b'x'; MAX_LINE_BYTES + 10];
        long.extend_from_slice(b"\nnext\n");
        let mut stdin = Cursor::new(long);
        let error = input.read(&mut stdin, &ReadKind::Line).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
        assert!(error.to_string().contains("longer than"), "{error}");
        // Nothing more was read than the bound, and what was read is carried.
        assert_eq!(stdin.position(), MAX_LINE_BYTES as u64);
        assert!(input.read(&mut stdin, &ReadKind::Line).is_err());
        let piece = input
            .read(&mut stdin, &ReadKind::Bytes(MAX_LINE_BYTES))
            .unwrap();
        assert_eq!(piece.len(), MAX_LINE_BYTES);
        assert_eq!(
            input.read(&mut stdin, &ReadKind::Line).unwrap(),
            b"xxxxxxxxxx\n"
        );
        assert_eq!(input.read(&mut stdin, &ReadKind::Line).unwrap(), b"next\n");
    }

    #[test]
    fn a_line_loses_one_line_feed_then_one_carriage_return() {
        for (raw, line) in [
            (&b"a\n"[..], &b"a"[..]),
            (b"a\r\n", b"a"),
            (b"a\r\r\n", b"a\r"),
            (b"a\n\n", b"a\n"),
            (b"\r\r\n", b"\r"),
            (b"a", b"a"),
        ] {
            let slot = ReadSlot::default();
            assert!(slot.fill(&ReadKind::Line, Ok(raw.to_vec())).is_none());
            assert_eq!(
                slot.take().map(|r| r.ok()),
                Some(Some(line.to_vec())),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn carried_bytes_come_before_new_input_and_in_their_order() {
        let mut input = Input {
            carried: Vec::new(),
        };
        let mut stdin = Cursor::new(b"first\nsecond\nthird".to_vec());
        let first = input.read(&mut stdin, &ReadKind::Line).unwrap();
        assert_eq!(first, b"first\n");
        let second = input.read(&mut stdin, &ReadKind::Line).unwrap();
        input.carry(second);
        input.carry(first);
        assert_eq!(input.read(&mut stdin, &ReadKind::Bytes(3)).unwrap(), b"fir");
        assert_eq!(input.read(&mut stdin, &ReadKind::Line).unwrap(), b"st\n");
        assert_eq!(
            input.read(&mut stdin, &ReadKind::Line).unwrap(),
            b"second\n"
        );
        // The last line has no end; then the end of input.
        assert_eq!(input.read(&mut stdin, &ReadKind::Line).unwrap(), b"third");
        assert!(input.read(&mut stdin, &ReadKind::Line).unwrap().is_empty());
    }

    #[test]
    fn an_abandoned_or_dropped_read_gives_the_bytes_back_and_a_filled_one_cannot_be_abandoned() {
        let abandoned = ReadSlot::default();
        assert!(abandoned.abandon());
        assert_eq!(
            abandoned.fill(&ReadKind::Line, Ok(b"kept\n".to_vec())),
            Some(b"kept\n".to_vec())
        );
        assert!(abandoned.take().is_none());
        // The end of input is not carried: the next read meets it again.
        let at_end = ReadSlot::default();
        assert!(at_end.abandon());
        assert_eq!(at_end.fill(&ReadKind::Line, Ok(Vec::new())), None);

        // A read its process dropped unanswered (the process ended) gives up its slot.
        let ended = std::sync::Arc::new(ReadSlot::default());
        drop(crate::vm::state::PendingRead {
            slot: ended.clone(),
            op: crate::vm::channel::INLINE,
        });
        assert_eq!(
            ended.fill(&ReadKind::Line, Ok(b"next\n".to_vec())),
            Some(b"next\n".to_vec())
        );

        let filled = ReadSlot::default();
        assert_eq!(filled.fill(&ReadKind::Line, Ok(b"line\r\n".to_vec())), None);
        assert!(!filled.abandon(), "the result is in: the read completes");
        assert_eq!(filled.take().unwrap().unwrap(), b"line".to_vec());

        // The end of input is an error naming the call.
        let ended = ReadSlot::default();
        assert_eq!(ended.fill(&ReadKind::Line, Ok(Vec::new())), None);
        let e = ended.take().unwrap().unwrap_err();
        assert_eq!(e.text(), "readline: EOF");
        assert_eq!(
            (e.kind(), e.retryable()),
            (&wippy_runtime::payload::ErrorKind::Unknown, None)
        );
    }
}
