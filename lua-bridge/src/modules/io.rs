//! The `io` module (reference §1.6), for processes on a `terminal.host`: `print`,
//! `write`, `eprint`, `flush`, `readline`, `read`, `args`.
//!
//! Reads are served by one stdin thread per OS process; a read suspends only the calling
//! coroutine, and the thread wakes the process through its notifier when the line is in.

use super::errors::{fail, push_error};
use crate::vm::lua::{LResult, Lua, Ret, blocking, cfn};
use crate::vm::ops::block;
use crate::vm::state::{PendingRead, state};
use parking_lot::Mutex;
use std::ffi::c_int;
use std::io::{BufRead, Read, Write};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, OnceLock};
use wippy_runtime::payload::{ErrorKind, ErrorValue};
use wippy_scheduler::Notifier;

/// The result of one terminal read: `Ok(None)` at end of input.
pub(crate) type ReadResult = Result<Option<Vec<u8>>, String>;

/// Where the stdin thread puts a read's result.
#[derive(Debug, Default)]
pub(crate) struct ReadSlot {
    result: Mutex<Option<ReadResult>>,
}

impl ReadSlot {
    pub(crate) fn take(&self) -> Option<ReadResult> {
        self.result.lock().take()
    }
}

enum ReadKind {
    Line,
    Bytes(usize),
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
                for request in rx {
                    let mut input = stdin.lock();
                    let result = match request.kind {
                        ReadKind::Line => {
                            let mut line = Vec::new();
                            match input.read_until(b'\n', &mut line) {
                                Ok(0) => Ok(None),
                                Ok(_) => {
                                    while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                                        line.pop();
                                    }
                                    Ok(Some(line))
                                }
                                Err(e) => Err(e.to_string()),
                            }
                        }
                        ReadKind::Bytes(n) => {
                            let mut buf = vec![0; n];
                            match input.read(&mut buf) {
                                Ok(0) => Ok(None),
                                Ok(k) => {
                                    buf.truncate(k);
                                    Ok(Some(buf))
                                }
                                Err(e) => Err(e.to_string()),
                            }
                        }
                    };
                    *request.slot.result.lock() = Some(result);
                    request.notifier.notify();
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "cannot start the stdin reader thread");
        }
        Mutex::new(tx)
    })
}

/// The command-line arguments `io.args()` returns (set by the `wippy` binary).
static ARGS: OnceLock<Vec<String>> = OnceLock::new();

/// Sets what `io.args()` returns; only the first call counts.
pub fn set_args(args: Vec<String>) {
    let _ = ARGS.set(args);
}

fn terminal(lua: Lua) -> LResult<bool> {
    Ok(state(lua)?.terminal)
}

fn unavailable(lua: Lua) -> LResult<c_int> {
    fail(
        lua,
        ErrorKind::Unavailable,
        "io is only available to processes on a terminal host",
    )
}

/// The arguments as text, joined by `sep` (`tostring` of each).
fn text_of(lua: Lua, sep: &str) -> Vec<u8> {
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
    out
}

fn write_to(lua: Lua, bytes: &[u8], stderr: bool) -> LResult<c_int> {
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
        Ok(()) => {
            lua.push_bool(true);
            Ok(1)
        }
        Err(e) => fail(lua, ErrorKind::Unavailable, e.to_string()),
    }
}

fn write(lua: Lua) -> LResult<c_int> {
    let bytes = text_of(lua, "");
    write_to(lua, &bytes, false)
}

fn print(lua: Lua) -> LResult<c_int> {
    let mut bytes = text_of(lua, "\t");
    bytes.push(b'\n');
    write_to(lua, &bytes, false)
}

fn eprint(lua: Lua) -> LResult<c_int> {
    let mut bytes = text_of(lua, "\t");
    bytes.push(b'\n');
    write_to(lua, &bytes, true)
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
        *slot.result.lock() = Some(Err("the stdin reader is gone".into()));
    }
    Ok(ret)
}

fn readline(lua: Lua) -> LResult<Ret> {
    read_op(lua, ReadKind::Line)
}

fn read(lua: Lua) -> LResult<Ret> {
    let n = lua
        .integral(1)
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(1024)
        .clamp(1, 1 << 20);
    read_op(lua, ReadKind::Bytes(n))
}

/// Pushes what a finished read returns: the text, `nil` at end of input, or `nil, err`.
pub(crate) fn push_read_result(lua: Lua, result: ReadResult) -> LResult<c_int> {
    match result {
        Ok(Some(bytes)) => {
            lua.push_bytes(&bytes);
            Ok(1)
        }
        Ok(None) => {
            lua.push_nil();
            Ok(1)
        }
        Err(e) => {
            lua.push_nil();
            push_error(lua, ErrorValue::new(ErrorKind::Unavailable, e));
            Ok(2)
        }
    }
}

fn args(lua: Lua) -> LResult<c_int> {
    let list = ARGS.get().map(Vec::as_slice).unwrap_or(&[]);
    lua.ensure(3)?;
    lua.new_table(c_int::try_from(list.len()).unwrap_or(0), 0);
    for (i, a) in (1..).zip(list) {
        lua.push_str(a);
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
