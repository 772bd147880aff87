//! The `io` module (reference §1.6), for processes on a `terminal.host`: `print`,
//! `write`, `eprint`, `flush`, `readline`, `read`, `args`.
//!
//! Reads are served by one stdin thread per OS process; a read suspends only the calling
//! coroutine, and the thread wakes the process through its notifier when the line is in.

use super::errors::fail;
use crate::vm;
use mlua::{Lua, Table, Value, Variadic};
use parking_lot::Mutex;
use std::io::{BufRead, Read, Write};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, OnceLock};
use wippy_runtime::payload::ErrorKind;
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

fn terminal(lua: &Lua) -> mlua::Result<bool> {
    Ok(vm::state(lua)?.terminal)
}

fn unavailable(lua: &Lua) -> mlua::Result<(Value, Value)> {
    fail(
        lua,
        ErrorKind::Unavailable,
        "io is only available to processes on a terminal host",
    )
}

fn text_of(values: &Variadic<Value>, sep: &str) -> mlua::Result<Vec<u8>> {
    let mut out = Vec::new();
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(sep.as_bytes());
        }
        match v {
            Value::String(s) => out.extend_from_slice(&s.as_bytes()),
            other => out.extend_from_slice(other.to_string()?.as_bytes()),
        }
    }
    Ok(out)
}

fn write_to(lua: &Lua, bytes: &[u8], stderr: bool) -> mlua::Result<(Value, Value)> {
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
        Ok(()) => Ok((Value::Boolean(true), Value::Nil)),
        Err(e) => fail(lua, ErrorKind::Unavailable, e.to_string()),
    }
}

fn read_try(lua: &Lua, kind: ReadKind) -> mlua::Result<(Value, Value, Value)> {
    if !terminal(lua)? {
        let (a, b) = unavailable(lua)?;
        return Ok((Value::Boolean(true), a, b));
    }
    let slot = Arc::new(ReadSlot::default());
    let mut st = vm::state(lua)?;
    let co = st.current;
    let op = st.channels.block(co, &[], None);
    st.reads.push(vm::state::PendingRead {
        slot: slot.clone(),
        op,
    });
    let notifier = st
        .notifier
        .clone()
        .ok_or_else(|| mlua::Error::runtime("io: no notifier"))?;
    drop(st);
    let sent = reader().lock().send(ReadRequest {
        kind,
        slot: slot.clone(),
        notifier,
    });
    if sent.is_err() {
        *slot.result.lock() = Some(Err("the stdin reader is gone".into()));
    }
    Ok((vm::wait_tag(), Value::Integer(op as i64), Value::Nil))
}

/// The `io` module table.
pub(crate) fn module(lua: &Lua) -> mlua::Result<Table> {
    let wrap = vm::blocking_wrapper(lua)?;
    let io = lua.create_table()?;
    io.raw_set(
        "write",
        lua.create_function(|lua, values: Variadic<Value>| {
            write_to(lua, &text_of(&values, "")?, false)
        })?,
    )?;
    io.raw_set(
        "print",
        lua.create_function(|lua, values: Variadic<Value>| {
            let mut bytes = text_of(&values, "\t")?;
            bytes.push(b'\n');
            write_to(lua, &bytes, false)
        })?,
    )?;
    io.raw_set(
        "eprint",
        lua.create_function(|lua, values: Variadic<Value>| {
            let mut bytes = text_of(&values, "\t")?;
            bytes.push(b'\n');
            write_to(lua, &bytes, true)
        })?,
    )?;
    io.raw_set(
        "flush",
        lua.create_function(|lua, ()| {
            if !terminal(lua)? {
                return unavailable(lua);
            }
            let _ = std::io::stdout().flush();
            Ok((Value::Boolean(true), Value::Nil))
        })?,
    )?;
    io.raw_set(
        "readline",
        wrap.call::<mlua::Function>(lua.create_function(|lua, ()| read_try(lua, ReadKind::Line))?)?,
    )?;
    io.raw_set(
        "read",
        wrap.call::<mlua::Function>(lua.create_function(|lua, n: Option<i64>| {
            let n = usize::try_from(n.unwrap_or(1024))
                .unwrap_or(1024)
                .clamp(1, 1 << 20);
            read_try(lua, ReadKind::Bytes(n))
        })?)?,
    )?;
    io.raw_set(
        "args",
        lua.create_function(|lua, ()| {
            let list = lua.create_table()?;
            for (i, a) in ARGS
                .get()
                .map(Vec::as_slice)
                .unwrap_or(&[])
                .iter()
                .enumerate()
            {
                list.raw_set(i + 1, a.as_str())?;
            }
            Ok(list)
        })?,
    )?;
    Ok(io)
}
