//! The `process` global (reference §1.2): identity, sending, spawning, links, monitors,
//! cancel/terminate, options, the inbox/events/listen channels and the name registry.
//!
//! Every call acts through the process's own
//! [`ProcessHandle`](wippy_runtime::process::ProcessHandle); failures return `nil, err`
//! (`set_options` returns `false, err`).
//!
//! The table starts empty; its metatable's `__index` answers each name with its function
//! and stores it in the table (see [`cache_method`](crate::vm::lua::cache_method)), so a
//! process pays for the names it reads, not a table of thirty functions; `process.event`
//! and `process.registry` are built on first use and kept.

use super::errors::{fail, fail_false, push_error, push_nil_error, with_traceback};
use crate::factory::PROCESS_KIND;
use crate::modules::channel::{channel_id, new_pinned_channel};
use crate::value::{push_payload, to_payload};
use crate::vm::boot_wait::{BootWait, PendingStart, Started};
use crate::vm::channel::{Cases, Completion, Feed};
use crate::vm::field_names::Field;
use crate::vm::lua::{
    CFn, LResult, LUA_TNIL, LUA_TNONE, LUA_TSTRING, LUA_TTABLE, Lua, Raise, Ret, UserType,
    blocking, cfn, method_index, utf8_lossy,
};
use crate::vm::meta_slots::MetaSlot;
use crate::vm::ops::block;
use crate::vm::slot::Slot;
use crate::vm::state::{ExecWaiter, ProcState, SpawnIds, state};
use std::cell::Cell;
use std::ffi::c_int;
use std::sync::Arc;
use std::time::UNIX_EPOCH;
use wippy_runtime::message::{Event, EventKind, Message, Outcome, Payloads, Topic};
use wippy_runtime::payload::{ErrorKind, ErrorValue, Payload};
use wippy_runtime::pid::Pid;
use wippy_runtime::process::Sent;
use wippy_runtime::{Dest, RuntimeError, SpawnSpec};

/// A message from the inbox (or from `listen(t, {message = true})`), as Lua holds it:
/// plain data, so the userdata needs no finalizer. Its sender and topic are indices into
/// the process's [`Received`](crate::vm::received::Received), turned into strings only by
/// `:from()` and `:topic()`. User value 1 is the payload as [`Held`] says; user values 2
/// and 3 hold the topic and the sender's PID text when they could not be indexed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LuaMessage {
    held: Held,
    topic: TopicAt,
    sender: Sender,
}

/// Where a message's topic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TopicAt {
    /// At this index of the process's received topics.
    Indexed(u16),
    /// In user value 2, as a string.
    Text,
}

/// Who sent a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sender {
    /// Nobody known (sent from outside any process): `:from()` gives `""`.
    Unknown,
    /// The PID with this counter on the process's received host of this index.
    Indexed { host: u8, counter: u64 },
    /// In user value 3, as the PID's text.
    Text,
}

/// How a message's payload is kept in its user value 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Held {
    /// No payload (user value 1 is nil).
    Nothing,
    /// One payload that is a plain Lua value (nil, boolean, number or string), held as
    /// that value: a payload object is made from it when `payload()` asks.
    Value,
    /// One payload held as a payload userdata.
    Payload,
    /// Several payloads, held as an array of payload userdata (copied for each call).
    Many,
}

method_index!(fn message_index {
    b"topic" => cfn(message_topic),
    b"from" => cfn(message_from),
    b"payload" => cfn(message_payload),
});

static MESSAGE: UserType<LuaMessage> = UserType::new(
    c"wippy.message",
    Some(message_index as CFn),
    &[("__tostring", cfn(message_tostring))],
)
.in_slot(MetaSlot::Message);

/// The message at argument 1.
fn message(lua: Lua) -> LResult<LuaMessage> {
    lua.userdata(1, &MESSAGE)
        .map(|m| *m)
        .ok_or_else(|| lua.bad_self("message", "msg"))
}

fn message_topic(lua: Lua) -> LResult<c_int> {
    let m = message(lua)?;
    push_topic(lua, m)?;
    Ok(1)
}

/// Pushes the topic string of message `m` (at argument 1).
fn push_topic(lua: Lua, m: LuaMessage) -> LResult<()> {
    let i = match m.topic {
        TopicAt::Text => {
            lua.push_user_value(1, 2);
            return Ok(());
        }
        TopicAt::Indexed(i) => i,
    };
    let received = state(lua)?.received.as_deref_mut().ok_or_else(|| {
        Raise::from("internal error (bug): a message without its process's topics")
    })?;
    let Some(topic) = received.topic(i).cloned() else {
        return Err(Raise::from(
            "internal error (bug): a message topic out of range",
        ));
    };
    // A topic's text is usually one allocation shared by its sender's messages.
    let slot = Arc::as_ptr(&topic).cast::<u8>() as usize >> 4;
    received
        .topics
        .push(lua, &topic, slot, |lua, t| lua.push_str(t))
}

fn message_from(lua: Lua) -> LResult<c_int> {
    let m = message(lua)?;
    match m.sender {
        Sender::Unknown => lua.push_str(""),
        Sender::Text => lua.push_user_value(1, 3),
        Sender::Indexed { host, counter } => {
            let received = state(lua)?.received.as_deref_mut().ok_or_else(|| {
                Raise::from("internal error (bug): a message without its process's senders")
            })?;
            let Some(pid) = received.pid(host, counter) else {
                return Err(Raise::from(
                    "internal error (bug): a message sender out of range",
                ));
            };
            let slot = usize::try_from(counter).unwrap_or(0);
            received.pids.push(lua, &pid, slot, |lua, pid| {
                lua.push_bytes(pid.to_text().as_bytes());
            })?;
        }
    }
    Ok(1)
}

fn message_payload(lua: Lua) -> LResult<c_int> {
    let m = message(lua)?;
    lua.ensure(4)?;
    match m.held {
        Held::Nothing => lua.push_nil(),
        Held::Payload => lua.push_user_value(1, 1),
        Held::Value => {
            lua.push_user_value(1, 1);
            let p = to_payload(lua, -1).map_err(|e| Raise::from(e.to_string()))?;
            lua.pop(1);
            super::payload::push_payload_userdata(lua, p);
        }
        Held::Many => {
            // A new table each call: the caller may change it.
            lua.push_user_value(1, 1);
            let n = lua.raw_len(-1);
            lua.new_table(c_int::try_from(n).unwrap_or(0), 0);
            for i in 1..=i64::try_from(n).unwrap_or(0) {
                lua.get_index(-2, i);
                lua.set_index(-2, i);
            }
            lua.remove(-2);
        }
    }
    Ok(1)
}

fn message_tostring(lua: Lua) -> LResult<c_int> {
    let m = message(lua)?;
    lua.ensure(3)?;
    push_topic(lua, m)?;
    let topic = lua.string(-1).unwrap_or_default();
    lua.push_str(&format!("process.Message{{topic={topic}}}"));
    Ok(1)
}

/// A bound of the Lua bytes of a Message object besides its topic and payloads: the
/// userdata, its user values, the sender's text, the table of several payloads.
const MESSAGE_OBJECT_BYTES: usize = 1024;
/// A bound of the Lua bytes of one payload object (its userdata, a table slot).
const PAYLOAD_OBJECT_BYTES: usize = 256;

/// Makes sure `bytes` more fit under the process's memory limit (a full collection
/// first if they do not), or returns Lua's memory error, for a receive that owns what
/// it is about to build Lua values of. The usual case is one compare, through the
/// process state (the allocator lookup of `alloc::make_room` costs more).
fn make_room(lua: Lua, bytes: usize) -> LResult<()> {
    if state(lua)?.channels.heap.fits(bytes) {
        return Ok(());
    }
    crate::vm::alloc::make_room(lua, bytes).map_err(|_| Raise::Memory)
}

/// Pushes a Message userdata for `message`. Runs in a bound function's C call frame
/// (through `Slot::push`).
///
/// # Errors
///
/// No room on the stack. A memory error unwinds to the enclosing protected call.
pub(crate) fn push_message(lua: Lua, message: Message) -> LResult<()> {
    lua.ensure_in_call(6)?;
    let Message {
        from,
        topic,
        mut payloads,
    } = message;
    let held = match payloads.len() {
        0 => Held::Nothing,
        1 if payloads[0].is_scalar() => Held::Value,
        1 => Held::Payload,
        _ => Held::Many,
    };
    // Room first for every object made below and the payloads' charges, so that none of
    // them meets a memory error: that would jump over this frame and leak the message
    // (see `vm/lua.rs`). Without the room, the memory error is returned instead, and
    // the message dropped. (A scalar payload is built by `push_payload`, which returns
    // its own memory error.)
    let charged: usize = match held {
        Held::Payload | Held::Many => payloads.iter().map(super::payload::payload_bytes).sum(),
        Held::Nothing | Held::Value => 0,
    };
    make_room(
        lua,
        MESSAGE_OBJECT_BYTES + topic.len() + payloads.len() * PAYLOAD_OBJECT_BYTES + charged,
    )?;
    let received = state(lua)?.received.get_or_insert_default();
    let topic_at = received
        .topic_index(&topic)
        .map_or(TopicAt::Text, TopicAt::Indexed);
    let sender = match &from {
        None => Sender::Unknown,
        Some(pid) => received
            .host_index(pid)
            .map_or(Sender::Text, |host| Sender::Indexed {
                host,
                counter: pid.counter(),
            }),
    };
    let user_values = if sender == Sender::Text {
        3
    } else if topic_at == TopicAt::Text {
        2
    } else {
        c_int::from(held != Held::Nothing)
    };
    lua.push_userdata_with(
        LuaMessage {
            held,
            topic: topic_at,
            sender,
        },
        &MESSAGE,
        user_values,
    );
    if topic_at == TopicAt::Text {
        lua.push_str(&topic);
        lua.set_user_value(-2, 2);
    }
    if let (Sender::Text, Some(pid)) = (sender, &from) {
        lua.push_bytes(pid.to_text().as_bytes());
        lua.set_user_value(-2, 3);
    }
    match held {
        Held::Nothing => return Ok(()),
        Held::Value => push_payload(lua, &payloads[0])?,
        Held::Payload => {
            let p = payloads.pop().unwrap_or_default();
            super::payload::push_payload_userdata_of(lua, p, charged);
        }
        Held::Many => {
            lua.new_table(c_int::try_from(payloads.len()).unwrap_or(0), 0);
            for (i, p) in (1..).zip(payloads) {
                super::payload::push_payload_userdata(lua, p);
                lua.set_index(-2, i);
            }
        }
    }
    lua.set_user_value(-2, 1);
    Ok(())
}

/// Pushes what a raw `listen` channel delivers of `message`: its payload, a table of
/// its payloads, or nil.
pub(crate) fn push_payloads(lua: Lua, message: &Message) -> LResult<()> {
    match message.payloads.len() {
        0 => lua.push_nil(),
        1 => push_payload(lua, &message.payloads[0])?,
        n => {
            lua.ensure(3)?;
            // Room for the table first: a memory error making it would jump over the
            // caller's frame, which owns the message (see `push_message`).
            make_room(lua, MESSAGE_OBJECT_BYTES + n * PAYLOAD_OBJECT_BYTES)?;
            lua.new_table(c_int::try_from(n).unwrap_or(0), 0);
            for (i, p) in (1..).zip(message.payloads.iter()) {
                push_payload(lua, p)?;
                lua.set_index(-2, i);
            }
        }
    }
    Ok(())
}

/// Pushes an event as the plain table `events()` delivers. Runs in a bound function's C
/// call frame (through `Slot::push`).
pub(crate) fn push_event(lua: Lua, event: &Event) -> LResult<()> {
    lua.ensure_in_call(8)?;
    // Room first for the tables, texts and error object made below, so that none of
    // them meets a memory error, which would jump over the caller's frame and leak the
    // event it owns (see `push_message`). The result's value is built by
    // `push_payload`, which returns its own memory error.
    let error_bytes = match &event.outcome {
        Some(Outcome::Error(error)) => super::errors::error_bytes(error),
        _ => 0,
    };
    make_room(
        lua,
        MESSAGE_OBJECT_BYTES + event.reason.as_ref().map_or(0, |r| r.len()) + error_bytes,
    )?;
    // kind, from, at, and result, error or reason when there is one.
    let fields = 3
        + i32::from(event.outcome.is_some())
        + i32::from(matches!(event.outcome, Some(Outcome::Error(_))))
        + i32::from(event.reason.is_some());
    lua.new_table(0, fields);
    lua.push_field_name(Field::Kind);
    lua.push_cstr(event.kind.topic_c());
    lua.set_named(-3);
    lua.push_field_name(Field::From);
    match &event.from {
        Some(pid) => lua.push_bytes(pid.to_text().as_bytes()),
        None => lua.push_str(""),
    }
    lua.set_named(-3);
    // Whole Unix seconds, as the original.
    let at = event
        .at
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    lua.push_field_name(Field::At);
    lua.push_int(at);
    lua.set_named(-3);
    if let Some(outcome) = &event.outcome {
        lua.push_field_name(Field::Result);
        lua.new_table(0, 1);
        match outcome {
            Outcome::Normal(value) => {
                lua.push_field_name(Field::Value);
                match push_result_value(lua, value)? {
                    None => lua.set_named(-3),
                    Some(missing) => {
                        lua.pop(1);
                        set_result_error(lua, Arc::new(missing));
                    }
                }
            }
            Outcome::Error(error) => set_result_error(lua, error.clone()),
        }
        lua.set_named(-3);
    }
    if let Some(reason) = &event.reason {
        lua.push_field_name(Field::Reason);
        lua.push_str(reason);
        lua.set_named(-3);
    }
    Ok(())
}

/// Sets `error` as the result's error (the table on top) and as the event's (at -3),
/// which the seed's examples read as `event.error`.
fn set_result_error(lua: Lua, error: Arc<ErrorValue>) {
    lua.push_field_name(Field::Error);
    push_error(lua, error);
    lua.push_field_name(Field::Error);
    lua.push_value(-2);
    lua.set_named(-7);
    lua.set_named(-3);
}

/// Pushes `value`, the result another process ended with, as this process receives it
/// (an EXIT event's `result.value`, `process.exec`'s value).
///
/// When the value does not fit in what is left of this process's memory, even after a
/// full collection, nothing is pushed and the error that takes its place is returned:
/// the event or the call still answers, saying why the value is missing, where raising
/// the memory error would lose the event (the receive has taken it).
///
/// # Errors
///
/// As [`push_payload`], except its memory error; [`Raise::Memory`] when not even the
/// error fits.
fn push_result_value(lua: Lua, value: &Payload) -> LResult<Option<ErrorValue>> {
    match push_payload(lua, value) {
        Ok(()) => Ok(None),
        Err(Raise::Memory) => {
            let missing = ErrorValue::new(
                ErrorKind::Internal,
                format!(
                    "memory limit exceeded: the result the process ended with (about {} bytes as a message) does not fit in what is left of this process's memory (--process-memory-mb)",
                    crate::modules::payload::payload_bytes(value)
                ),
            );
            make_room(
                lua,
                MESSAGE_OBJECT_BYTES
                    + super::errors::error_bytes(&missing)
                    + crate::vm::alloc::ARC_HEADER,
            )?;
            Ok(Some(missing))
        }
        Err(other) => Err(other),
    }
}

fn runtime_error(lua: Lua, error: &RuntimeError) -> LResult<c_int> {
    fail(lua, error.kind(), error.to_string())
}

/// `true, nil` (two values, as the original's calls return them), or `nil, err`.
fn ok_or_err(lua: Lua, result: Result<(), RuntimeError>) -> LResult<c_int> {
    match result {
        Ok(()) => {
            lua.push_bool(true);
            lua.push_nil();
            Ok(2)
        }
        Err(error) => runtime_error(lua, &error),
    }
}

/// The string argument `idx` of `function`, as the original's `CheckString` takes it: a
/// string, or a number's text.
///
/// Lua errors: anything else, `nil` included ("bad argument #idx to 'function' (string
/// expected, got T)").
#[inline]
pub(crate) fn check_text<'a>(lua: Lua, idx: c_int, function: &str) -> LResult<&'a [u8]> {
    match lua.bytes_or_number(idx) {
        Some(text) => Ok(text),
        None => Err(not_a_string(lua, idx, function)),
    }
}

/// The error [`check_text`] raises (apart, to keep the check itself small).
#[cold]
#[inline(never)]
fn not_a_string(lua: Lua, idx: c_int, function: &str) -> Raise {
    Raise::from(format!(
        "bad argument #{idx} to '{function}' (string expected, got {})",
        if lua.kind(idx) == LUA_TNONE {
            "no value"
        } else {
            lua.type_name(idx)
        }
    ))
}

/// `nil, err` for a failed `monitor`, `link`, `terminate` or `cancel` of a process that
/// was found: as the original's command results, kind `Internal`, not retryable, with
/// the context `"<function> failed"` (`tostring` gives `"monitor failed: pid not
/// registered"`, `err:message()` the part after it). A destination that names nothing
/// (`could not resolve: <name>`, a malformed PID) keeps its own error, as the original's
/// resolution does.
fn command_failed(lua: Lua, function: &str, error: &RuntimeError) -> LResult<c_int> {
    let message = match error {
        RuntimeError::Unresolved(_) | RuntimeError::InvalidPid(_) => {
            return runtime_error(lua, error);
        }
        // The topology's words for a link or monitor of a process not in its table.
        RuntimeError::ProcessNotFound if matches!(function, "monitor" | "link") => {
            "pid not registered".to_owned()
        }
        other => other.to_string(),
    };
    let e = ErrorValue::new(ErrorKind::Internal, message)
        .with_retryable(false)
        .wrapped(&format!("{function} failed"));
    lua.ensure(6)?;
    let e = with_traceback(lua, e);
    Ok(push_nil_error(lua, e))
}

pub(crate) fn payloads(
    lua: Lua,
    from: c_int,
) -> Result<Payloads, wippy_runtime::payload::ErrorValue> {
    let mut payloads = Payloads::new();
    for i in from..=lua.top() {
        payloads.push(to_payload(lua, i).map_err(|e| e.to_error_value())?);
    }
    Ok(payloads)
}

fn send(lua: Lua) -> LResult<Ret> {
    if lua.top() < 2 {
        return fail(
            lua,
            ErrorKind::Invalid,
            "send requires at least destination and topic arguments",
        )
        .map(Ret::Values);
    }
    // Numbers are taken as their text, as the original's `CheckString` does.
    let dest = check_text(lua, 1, "send")?;
    let topic = check_text(lua, 2, "send")?;
    let payloads = match payloads(lua, 3) {
        Ok(p) => p,
        Err(e) => {
            return Ok(Ret::Values(push_nil_error(lua, e)));
        }
    };
    let st = state(lua)?;
    // A process that sends once (a worker's reply) keeps nothing; from its second send
    // on, the last destination and topic are kept for the next.
    if st.sent.is_none() && !std::mem::replace(&mut st.has_sent, true) {
        let dest = utf8_lossy(dest);
        let topic = Topic::from(utf8_lossy(topic).as_ref());
        let result = st.handle.send(Dest::Str(&dest), topic, payloads);
        return sent(lua, result);
    }
    let handle = &st.handle;
    let cache = st.sent.get_or_insert_default();
    let topic = match &cache.topic {
        Some(last) if last.as_bytes() == topic => last.clone(),
        _ => {
            let new = Topic::from(utf8_lossy(topic).as_ref());
            cache.topic = Some(new.clone());
            new
        }
    };
    // The destination resolved for the last send is kept while it holds (see `Target`).
    if let Some((text, target)) = &cache.target {
        if **text == *dest && handle.target_is_current(target) {
            let result = handle.send_to(target, topic, payloads);
            if result.is_err() {
                cache.target = None;
            }
            return sent(lua, result);
        }
    }
    let dest = utf8_lossy(dest);
    let result = match handle.target(&dest) {
        Ok(target) => {
            let result = handle.send_to(&target, topic, payloads);
            cache.target = result.is_ok().then(|| (dest.as_bytes().into(), target));
            result
        }
        // The plain send gives the error (a reserved topic is reported first).
        Err(_) => handle.send(Dest::Str(&dest), topic, payloads),
    };
    sent(lua, result)
}

/// The results of a send: `true, nil`, or `nil, err`. A message the process sent
/// itself is taken in before the call returns, as the original's send hands it over
/// first (so a `select` with a default right after it finds the message): the call
/// yields with its results on its stack, and the driver collects the process's mail
/// before it resumes the caller (`ProcState::intake_due`). Where the caller cannot
/// yield (a script coroutine, a metamethod), the message is taken in at the process's
/// next wait, as any other.
fn sent(lua: Lua, result: Result<Sent, RuntimeError>) -> LResult<Ret> {
    let sent = match result {
        Ok(sent) => sent,
        Err(error) => return runtime_error(lua, &error).map(Ret::Values),
    };
    lua.push_bool(true);
    lua.push_nil();
    let st = state(lua)?;
    if sent == Sent::ToAnother || st.current_thread != lua.raw() || !lua.yieldable() {
        return Ok(Ret::Values(2));
    }
    let Ret::Block(op) = block(lua, st, Cases::new(), None)? else {
        return Err(Raise::from(
            "internal error (bug): a yielding operation did not block",
        ));
    };
    st.channels.complete(op, Completion::Returns(2));
    st.intake_due = true;
    Ok(Ret::Block(op))
}

/// The entry and host ids at `entry_at` and `entry_at + 1` (strings, else `None`) as
/// shared text: those of the process's last spawn when they repeat.
pub(crate) fn spawn_ids(lua: Lua, entry_at: c_int) -> LResult<Option<(Arc<str>, Arc<str>)>> {
    let (Some(entry), Some(host)) = (lua.bytes(entry_at), lua.bytes(entry_at + 1)) else {
        return Ok(None);
    };
    let st = state(lua)?;
    if let Some(last) = &st.spawn_ids {
        if last.entry.as_bytes() == entry && last.host.as_bytes() == host {
            return Ok(Some((last.entry.clone(), last.host.clone())));
        }
    }
    let ids = SpawnIds {
        entry: utf8_lossy(entry).into(),
        host: utf8_lossy(host).into(),
        spare_boot_wait: st
            .spawn_ids
            .as_mut()
            .and_then(|last| last.spare_boot_wait.take()),
    };
    let shared = (ids.entry.clone(), ids.host.clone());
    st.spawn_ids = Some(Box::new(ids));
    Ok(Some(shared))
}

/// The entry and host ids of a call (shared text, see [`spawn_ids`]).
type CallIds = (Arc<str>, Arc<str>);

/// The entry and host ids of a `spawn*` or `exec` call named `function`, as the
/// original reads them: `Err` is the number of values of the failure return pushed when
/// fewer than two arguments were given (`"<function> requires <what>"`).
///
/// Lua errors: an id that is neither a string nor a number (`CheckString`).
fn call_ids(lua: Lua, function: &str, requires: &str) -> LResult<Result<CallIds, c_int>> {
    // The common case first: two strings.
    if let Some(ids) = spawn_ids(lua, 1)? {
        return Ok(Ok(ids));
    }
    if lua.top() < 2 {
        let message = format!("{function} requires {requires}");
        return fail(lua, ErrorKind::Invalid, message).map(Err);
    }
    check_text(lua, 1, function)?;
    check_text(lua, 2, function)?;
    // Both are strings now (a number was turned into its text in its slot).
    match spawn_ids(lua, 1)? {
        Some(ids) => Ok(Ok(ids)),
        None => {
            let message = format!("{function}: id and host must be strings");
            fail(lua, ErrorKind::Invalid, message).map(Err)
        }
    }
}

/// The name of the spawn call that links and monitors as asked.
pub(crate) fn spawn_call_name(link: bool, monitor: bool) -> &'static str {
    match (link, monitor) {
        (false, false) => "spawn",
        (false, true) => "spawn_monitored",
        (true, false) => "spawn_linked",
        (true, true) => "spawn_linked_monitored",
    }
}

fn spawn_with(lua: Lua, link: bool, monitor: bool) -> LResult<Ret> {
    let function = spawn_call_name(link, monitor);
    let (entry, host) = match call_ids(lua, function, "at least id and host arguments")? {
        Ok(ids) => ids,
        Err(n) => return Ok(Ret::Values(n)),
    };
    let args = match payloads(lua, 3) {
        Ok(p) => p,
        Err(e) => {
            return Ok(Ret::Values(push_nil_error(lua, e)));
        }
    };
    let mut spec = SpawnSpec::new(entry, host).of_kind(PROCESS_KIND);
    spec.args = args;
    spec.link = link;
    spec.monitor = monitor;
    spawn_until_booted(lua, spec, |st, spec| {
        st.handle.spawn(spec).map(|pid| (pid, true))
    })
}

/// A `spawn*` call's spawn of `spec` by `spawn` (which says whether it made a process,
/// or gives another's PID): returns the child's PID (and nil) once the child has booted,
/// or nil and the error that ended it before (see `vm/boot_wait.rs`); waits for that
/// where this coroutine can wait (and the child's boot is not done by the time the
/// spawn returns), and otherwise returns at once.
pub(crate) fn spawn_until_booted(
    lua: Lua,
    mut spec: SpawnSpec,
    spawn: impl FnOnce(&mut ProcState, SpawnSpec) -> Result<(Pid, bool), RuntimeError>,
) -> LResult<Ret> {
    let st = state(lua)?;
    let wait = match &st.notifier {
        Some(notifier) if crate::vm::ops::can_block(lua, st) => {
            // The last spawn's watch, when nothing else holds it any more (`get_mut`
            // synchronizes with the runtime's drop of its reference).
            let spare = st
                .spawn_ids
                .as_mut()
                .and_then(|ids| ids.spare_boot_wait.take())
                .and_then(|mut spare| Arc::get_mut(&mut spare).is_some().then_some(spare));
            let wait = match spare {
                Some(spare) => {
                    spare.reset();
                    spare
                }
                None => Arc::new(BootWait::new(notifier.clone(), st.handle.pid().clone())),
            };
            spec.boot_watch = Some(wait.clone());
            Some(wait)
        }
        _ => None,
    };
    let (pid, spawned) = match spawn(st, spec) {
        Ok(spawned) => spawned,
        Err(error) => return runtime_error(lua, &error).map(Ret::Values),
    };
    let started = match wait.filter(|_| spawned) {
        None => Started::Yes,
        Some(wait) => match wait.take_or_wait() {
            Some(started) => {
                if let Some(ids) = st.spawn_ids.as_mut() {
                    ids.spare_boot_wait = Some(wait);
                }
                started
            }
            None => {
                let ret = block(lua, st, Cases::new(), None)?;
                if let Ret::Block(op) = ret {
                    st.occasional().starts.push(PendingStart { wait, op, pid });
                }
                return Ok(ret);
            }
        },
    };
    match started {
        Started::Yes => {
            lua.push_bytes(pid.to_text().as_bytes());
            lua.push_nil();
        }
        Started::No(error) => {
            lua.push_nil();
            push_error(lua, with_traceback(lua, error));
        }
    }
    Ok(Ret::Values(2))
}

fn spawn(lua: Lua) -> LResult<Ret> {
    spawn_with(lua, false, false)
}

/// `process.exec(id, host, ...)`: spawns the process and waits for its end; its result
/// value (and nil), or nil and its error. The wait is on the process's EXIT, which the
/// driver takes out of the event stream (`feed::collect`), so `events()` never sees it.
fn exec(lua: Lua) -> LResult<Ret> {
    let (entry, host) = match call_ids(lua, "exec", "id and host arguments")? {
        Ok(ids) => ids,
        Err(n) => return Ok(Ret::Values(n)),
    };
    // The original's checks, in its order.
    let invalid = if entry.is_empty() {
        Some("process ID required")
    } else if !entry
        .split_once(':')
        .is_some_and(|(ns, name)| !ns.is_empty() && !name.is_empty())
    {
        Some("invalid process ID format (namespace:name required)")
    } else if host.is_empty() {
        Some("host ID required")
    } else {
        None
    };
    if let Some(message) = invalid {
        return fail(lua, ErrorKind::Invalid, message).map(Ret::Values);
    }
    let args = match payloads(lua, 3) {
        Ok(p) => p,
        Err(e) => {
            return Ok(Ret::Values(push_nil_error(lua, e)));
        }
    };
    let mut spec = SpawnSpec::new(entry, host).of_kind(PROCESS_KIND);
    spec.args = args;
    run_to_end(lua, spec, Some("exec"))
}

/// Spawns `spec` monitored and blocks the calling coroutine until that process ends;
/// the call then returns its result value (and nil), or nil and its error (also when
/// the spawn fails). Blocks first (which raises where this coroutine cannot wait), so
/// that nothing is spawned for a call that cannot take its result.
///
/// With `command` (`exec`), a spawn that fails gives the error as the original's command
/// results do: kind `Internal`, with the context `"<command> failed"`.
pub(crate) fn run_to_end(lua: Lua, mut spec: SpawnSpec, command: Option<&str>) -> LResult<Ret> {
    let st = state(lua)?;
    let ret = block(lua, st, Cases::new(), None)?;
    let Ret::Block(op) = ret else {
        return Ok(ret);
    };
    spec.monitor = true;
    match st.handle.spawn(spec) {
        Ok(pid) => {
            st.occasional()
                .execs
                .insert(pid, ExecWaiter::Call(Some(op)));
        }
        Err(error) => {
            let mut error = spawn_error(lua, &error);
            if let Some(command) = command {
                error = error
                    .with_kind(ErrorKind::Internal)
                    .wrapped(&format!("{command} failed"));
            }
            state(lua)?
                .channels
                .complete(op, Completion::Exited(Outcome::Error(Arc::new(error))));
        }
    }
    Ok(ret)
}

/// A failed spawn as the error value a call returns (with the caller's traceback).
pub(crate) fn spawn_error(lua: Lua, error: &RuntimeError) -> ErrorValue {
    with_traceback(
        lua,
        ErrorValue::new(error.kind(), error.to_string()).with_retryable(false),
    )
}

/// `process.upgrade(id_or_nil, ...)`: goes on as entry `id` (nil: the running one) with
/// `main(...)`, in a new VM, keeping the PID, its links, monitors and names, and the
/// messages and events not yet received (see `LuaProcess::upgrade`). Does not return:
/// when `id` names no Lua process entry or does not compile, the process ends with
/// `upgrade: create failed: ...`, as the original's scheduler completes it (no `pcall`
/// catches that).
fn upgrade(lua: Lua) -> LResult<Ret> {
    // As the original, only a string names an entry; anything else is the running one.
    let id = match lua.kind(1) {
        LUA_TSTRING => lua.string(1),
        _ => None,
    };
    let args = match payloads(lua, 2) {
        Ok(p) => p,
        Err(e) => {
            return Ok(Ret::Values(push_nil_error(lua, e)));
        }
    };
    let st = state(lua)?;
    let compiled = match id.as_deref().filter(|id| !id.is_empty()) {
        None => Ok(st.entry.clone()),
        Some(id) => upgrade_target(&st.env, id),
    };
    // Blocks for good (raising where this coroutine cannot yield); the driver sees the
    // request when the coroutine yields and replaces the VM, or ends the process.
    let ret = block(lua, st, Cases::new(), None)?;
    st.occasional().upgrade = Some(Box::new(crate::vm::state::Upgrade { compiled, args }));
    Ok(ret)
}

/// The compiled entry `id` for an upgrade, or why there is none.
fn upgrade_target(
    env: &crate::vm::setup::LuaEnv,
    id: &str,
) -> Result<Arc<crate::compile::CompiledEntry>, ErrorValue> {
    let registry = env.registry.current();
    let Some(entry) = registry.get_str(id) else {
        return Err(ErrorValue::new(
            ErrorKind::NotFound,
            format!("entry {id} is not in the registry"),
        ));
    };
    if entry.kind() != PROCESS_KIND {
        return Err(ErrorValue::new(
            ErrorKind::NotFound,
            format!("entry {id} is a {}, not a {PROCESS_KIND}", entry.kind()),
        ));
    }
    env.compiler.get(entry)
}

/// Pushes what `process.exec` returns for a process that ended with `outcome`.
///
/// # Errors
///
/// As [`push_payload`].
pub(crate) fn push_exec_result(lua: Lua, outcome: Outcome) -> LResult<c_int> {
    match outcome {
        Outcome::Normal(value) => match push_result_value(lua, &value)? {
            None => lua.push_nil(),
            Some(missing) => {
                lua.push_nil();
                push_error(lua, missing);
            }
        },
        Outcome::Error(error) => {
            lua.push_nil();
            push_error(lua, error);
        }
    }
    Ok(2)
}
fn spawn_monitored(lua: Lua) -> LResult<Ret> {
    spawn_with(lua, false, true)
}
fn spawn_linked(lua: Lua) -> LResult<Ret> {
    spawn_with(lua, true, false)
}
fn spawn_linked_monitored(lua: Lua) -> LResult<Ret> {
    spawn_with(lua, true, true)
}

/// The destination argument of `function`, as the original reads it: with no argument
/// at all, `Err` is the failure return `nil, err` (`"<function> requires a destination
/// argument"`, kind `Invalid`); a number is its text.
///
/// Lua errors: a destination that is neither a string nor a number (`CheckString`).
fn dest_arg(lua: Lua, function: &str, missing: &str) -> LResult<Result<String, c_int>> {
    if lua.top() < 1 {
        return fail(lua, ErrorKind::Invalid, missing).map(Err);
    }
    Ok(Ok(utf8_lossy(check_text(lua, 1, function)?).into_owned()))
}

/// `monitor`, `unmonitor`, `link`, `unlink` and `cancel`: `true, nil`, or `nil, err`
/// ([`command_failed`]).
fn dest_op(
    lua: Lua,
    function: &str,
    op: impl FnOnce(&wippy_runtime::process::ProcessHandle, Dest<'_>) -> Result<(), RuntimeError>,
) -> LResult<c_int> {
    let missing = format!("{function} requires a destination argument");
    let dest = match dest_arg(lua, function, &missing)? {
        Ok(dest) => dest,
        Err(n) => return Ok(n),
    };
    match op(&state(lua)?.handle, Dest::Str(&dest)) {
        Ok(()) => ok_or_err(lua, Ok(())),
        Err(error) => command_failed(lua, function, &error),
    }
}

/// `process.terminate(dest)`. Terminating this very process ends it here, as in the
/// original (whose scheduler takes the call's yield and ends the process): the calling
/// coroutine blocks for good and the driver ends the step. Where it cannot yield (inside
/// a `coroutine.wrap` function, or a function C calls back: a `__tostring` that
/// `tostring` calls, a `table.sort` comparator), the call returns `true` and the process
/// ends, terminated, as soon as control comes back to the driver (its next wait, its
/// slice's end, or the end of `main`).
fn terminate(lua: Lua) -> LResult<Ret> {
    // The original checks the destination with `CheckString` only (no argument raises).
    let dest = utf8_lossy(check_text(lua, 1, "terminate")?).into_owned();
    let st = state(lua)?;
    match st.handle.terminate_and_tell_self(Dest::Str(&dest)) {
        Ok(true) => {
            st.occasional().halted = true;
            if st.current_thread == lua.raw() && lua.yieldable() {
                block(lua, st, Cases::new(), None)
            } else {
                lua.push_bool(true);
                lua.push_nil();
                Ok(Ret::Values(2))
            }
        }
        Ok(false) => ok_or_err(lua, Ok(())).map(Ret::Values),
        Err(error) => command_failed(lua, "terminate", &error).map(Ret::Values),
    }
}
fn cancel(lua: Lua) -> LResult<c_int> {
    let dest = match dest_arg(
        lua,
        "cancel",
        "cancel requires at least destination argument",
    )? {
        Ok(dest) => dest,
        Err(n) => return Ok(n),
    };
    // No reason is an empty one, as in the original; a given one goes through its
    // `CheckString` (a number is its text; anything else, an explicit nil too, raises).
    let reason = if lua.top() >= 2 {
        utf8_lossy(check_text(lua, 2, "cancel")?).into_owned()
    } else {
        String::new()
    };
    match state(lua)?.handle.cancel(Dest::Str(&dest), &reason) {
        Ok(()) => ok_or_err(lua, Ok(())),
        Err(error) => command_failed(lua, "cancel", &error),
    }
}
fn monitor(lua: Lua) -> LResult<c_int> {
    dest_op(lua, "monitor", |h, d| h.monitor(d))
}
/// `process.unmonitor(pid)`: after it, no EXIT of that process arrives. One on its way
/// is dropped by the runtime as this process takes it; one taken already (waiting for
/// the `events()` channel, or in its buffer) is dropped here.
fn unmonitor(lua: Lua) -> LResult<c_int> {
    let n = dest_op(lua, "unmonitor", |h, d| h.unmonitor(d))?;
    if let Some(pid) = lua.string(1).and_then(|text| text.parse::<Pid>().ok()) {
        drop_exits_from(state(lua)?, &pid);
    }
    Ok(n)
}

/// Drops the EXIT events of `pid` this process took but its code has not received.
fn drop_exits_from(st: &mut ProcState, pid: &Pid) {
    let of_pid = |e: &Event| e.kind == EventKind::Exit && e.from.as_ref() == Some(pid);
    st.pending_events.retain(|(_, e)| !of_pid(e));
    if let Some(channel) = st
        .events
        .and_then(|(chan, _)| st.channels.chans.get_mut(chan))
    {
        channel
            .buf
            .retain(|slot| !matches!(slot, Slot::Event(e) if of_pid(e)));
    }
}
fn link(lua: Lua) -> LResult<c_int> {
    dest_op(lua, "link", |h, d| h.link(d))
}
fn unlink(lua: Lua) -> LResult<c_int> {
    dest_op(lua, "unlink", |h, d| h.unlink(d))
}

fn pid(lua: Lua) -> LResult<c_int> {
    let pid = state(lua)?.handle.pid().to_text();
    lua.push_bytes(pid.as_bytes());
    Ok(1)
}

fn id(lua: Lua) -> LResult<c_int> {
    let id = state(lua)?.handle.entry_id().map(ToString::to_string);
    match id {
        Some(id) => {
            lua.push_str(&id);
            Ok(1)
        }
        None => fail(lua, ErrorKind::NotFound, "process has no registry entry"),
    }
}

/// The channel for a process feed, created on first use and the same afterwards.
pub(crate) fn feed_channel(lua: Lua, feed: Feed, topic: Option<Topic>) -> LResult<c_int> {
    lua.ensure(4)?;
    let st: &mut ProcState = state(lua)?;
    let existing = match (&feed, &topic) {
        (Feed::Inbox, _) => st.inbox,
        (Feed::Events, _) => st.events,
        (_, Some(topic)) => st
            .occasional
            .as_deref()
            .and_then(|o| o.listens.get(topic).copied()),
        _ => None,
    };
    if let Some((id, r)) = existing {
        // As the original, asking for message objects switches an existing listen
        // channel to them; asking for raw payloads leaves it as it is.
        if let Feed::Listen { message: true } = feed {
            st.feeds.insert(id, feed);
        }
        lua.push_ref(r);
        return Ok(1);
    }
    let cap = usize::from(matches!(feed, Feed::Listen { .. }));
    // A topic is Rust memory of this process (its router and listens keep it): charged
    // to the channel, released with it (`vm/channel.rs`); Lua's memory error past the
    // limit.
    let topic_bytes = topic.as_ref().map_or(0, |t| t.len());
    crate::vm::alloc::make_room(lua, topic_bytes).map_err(|_| Raise::Memory)?;
    // The channel's userdata and its reference may raise a memory error: they are made
    // in a protected call, before the process records the feed, so that a failure leaves
    // nothing pinned (the bare channel is swept like any unreachable one, `vm/sweep.rs`)
    // and returns here, where the caller's topic (and an `events` subscription) is
    // dropped rather than jumped over.
    let made = Cell::new(None);
    lua.protected(|lua| {
        let id = new_pinned_channel(lua, state(lua)?, cap)?;
        lua.push_value(-1);
        made.set(Some((id, lua.new_ref())));
        Ok(())
    })?;
    let Some((id, r)) = made.get() else {
        return Err(Raise::from("process: no feed channel was made"));
    };
    let st: &mut ProcState = state(lua)?;
    st.channels.charge(id, topic_bytes);
    st.feeds.insert(id, feed);
    match (feed, topic) {
        (Feed::Inbox, _) => {
            st.inbox = Some((id, r));
            st.router.set_inbox(id);
        }
        (Feed::Events, _) => st.events = Some((id, r)),
        (_, Some(topic)) => {
            st.occasional().listens.insert(topic.clone(), (id, r));
            st.router.subscribe(topic, id);
        }
        _ => {}
    }
    Ok(1)
}

fn inbox(lua: Lua) -> LResult<c_int> {
    feed_channel(lua, Feed::Inbox, None)
}

fn events(lua: Lua) -> LResult<c_int> {
    feed_channel(lua, Feed::Events, None)
}

fn listen(lua: Lua) -> LResult<c_int> {
    let Some(topic) = lua.string_or_number(1) else {
        return Err(Raise::from("process.listen: topic must be a string"));
    };
    // As the original: bad topics are `nil, err`, a non-string one raises (a number is
    // its text).
    if topic.is_empty() {
        return fail(lua, ErrorKind::Invalid, "topic cannot be empty");
    }
    if topic.starts_with('@') {
        return fail(lua, ErrorKind::Invalid, "cannot listen to @ topics");
    }
    // Message objects only for `message = true` itself, as the original compares it.
    let message = lua.kind(2) == LUA_TTABLE && {
        lua.get_field(2, c"message");
        let m = lua.kind(-1) == mlua::ffi::LUA_TBOOLEAN && lua.truthy(-1);
        lua.pop(1);
        m
    };
    feed_channel(lua, Feed::Listen { message }, Some(Topic::from(topic)))
}

fn unlisten(lua: Lua) -> LResult<c_int> {
    let Some(id) = channel_id(lua, 1) else {
        return Err(Raise::from(
            "process.unlisten expects a channel from process.listen",
        ));
    };
    // The inbox and the events are subscriptions too, as in the original: unlisten
    // closes the channel, and what comes next waits for a new `process.inbox()` or
    // `process.events()`.
    let st = state(lua)?;
    let mail = st.inbox.is_some_and(|(inbox, _)| inbox == id)
        || st.events.is_some_and(|(events, _)| events == id);
    if mail {
        // Receivers it wakes (with nil, false) run at their turn; this call goes on.
        st.channels.close(id);
        retire(lua, id, 1, false)?;
        lua.push_bool(true);
        return Ok(1);
    }
    // As the original: `true`, or `false, err` for a channel no topic feeds (one
    // unlistened already, or never listened).
    detach_result(lua, id, "unlisten: channel not found")
}

/// Detaches channel `id` (its userdata at 1) and returns `true`, or `false, err`
/// (NotFound, `message`) when no topic fed it.
fn detach_result(lua: Lua, id: crate::vm::channel::ChanId, message: &str) -> LResult<c_int> {
    if detach(lua, id, 1)? {
        lua.push_bool(true);
        return Ok(1);
    }
    lua.ensure(4)?;
    lua.push_bool(false);
    push_error(
        lua,
        ErrorValue::new(ErrorKind::NotFound, message).with_retryable(false),
    );
    Ok(2)
}

/// Removes the topic subscription of channel `id` (its userdata at stack index `at`) and
/// closes the channel; `false` when it had none.
pub(crate) fn detach(lua: Lua, id: crate::vm::channel::ChanId, at: c_int) -> LResult<bool> {
    let st = state(lua)?;
    let Some(topic) = st.router.topic_of(id).cloned() else {
        return Ok(false);
    };
    if let Some((_, r)) = st
        .occasional
        .as_mut()
        .and_then(|o| o.listens.remove(&topic))
    {
        lua.unref(r);
    }
    st.router.unsubscribe(id);
    st.feeds.remove(&id);
    st.channels.close(id);
    // No feed keeps it now: from here on it lives as long as Lua reaches it.
    lua.ensure(1)?;
    lua.push_value(at);
    crate::vm::sweep::track(lua, st)?;
    lua.pop(1);
    Ok(true)
}

/// Ends the subscription of channel `id` (its userdata at stack index `at`) after the
/// script closed it, when the process's mail feeds it (the inbox, the events, a `listen`
/// or `subscribe` channel), as the original ends it: there, the next value it fails to
/// hand to the closed channel is dropped and the subscription removed. So the first
/// message (or event) waiting for it is dropped; later ones go where the routing sends
/// them now (a listened topic's to the inbox; with no inbox, or for the inbox's and the
/// events' own, they wait for a new `process.inbox()` or `process.events()`, which makes a
/// fresh channel). (Unlike the original, a message that arrives after the close, when
/// none waited, is not dropped.)
///
/// # Errors
///
/// No room on the stack. A memory error unwinds to the enclosing protected call.
pub(crate) fn retire_feed(lua: Lua, id: crate::vm::channel::ChanId, at: c_int) -> LResult<()> {
    retire(lua, id, at, true)
}

/// Ends the feed of channel `id` (its userdata at `at`): [`retire_feed`] when
/// `drop_first`; else, for the inbox and the events (`unlisten` of them), nothing
/// waiting is dropped.
fn retire(lua: Lua, id: crate::vm::channel::ChanId, at: c_int, drop_first: bool) -> LResult<()> {
    let st = state(lua)?;
    let kept = if st.inbox.is_some_and(|(inbox, _)| inbox == id) {
        if drop_first {
            st.router.take_for(id);
        }
        st.router.unsubscribe(id);
        st.inbox.take()
    } else if st.events.is_some_and(|(events, _)| events == id) {
        if drop_first {
            st.pending_events.pop_front();
        }
        st.events.take()
    } else {
        if st.router.has_waiting_for(id) {
            st.router.take_for(id);
        }
        detach(lua, id, at)?;
        return Ok(());
    };
    let Some((_, r)) = kept else {
        return Ok(());
    };
    lua.unref(r);
    st.feeds.remove(&id);
    // No feed keeps it now: from here on it lives as long as Lua reaches it.
    lua.ensure(1)?;
    lua.push_value(at);
    crate::vm::sweep::track(lua, st)?;
    lua.pop(1);
    Ok(())
}

/// The global `subscribe(topic, ch)`: `ch`, a channel of the script's own, receives the
/// raw payloads of messages on `topic`, as a `process.listen(topic)` channel would; pushes
/// `ch`. `nil, err` when another channel has the topic or `ch` is fed already (the
/// inbox, the events, a listen or timer channel, another topic).
pub(crate) fn subscribe(lua: Lua) -> LResult<c_int> {
    let Some(topic) = lua.string_or_number(1) else {
        return Err(Raise::from(format!(
            "bad argument #1 to 'subscribe' (string expected, got {})",
            lua.type_name(1)
        )));
    };
    let Some(id) = channel_id(lua, 2) else {
        return Err(Raise::from(format!(
            "bad argument #2 to 'subscribe' (channel expected, got {})",
            lua.type_name(2)
        )));
    };
    if topic.starts_with('@') {
        return fail(
            lua,
            ErrorKind::Invalid,
            format!("subscribe: topic {topic:?} is reserved"),
        );
    }
    let st = state(lua)?;
    let topic = Topic::from(topic);
    match st.occasional.as_deref().and_then(|o| o.listens.get(&topic)) {
        Some(&(existing, _)) if existing == id => {
            lua.push_value(2);
            return Ok(1);
        }
        Some(_) => {
            return fail(
                lua,
                ErrorKind::AlreadyExists,
                // The original's text (`NewTopicAlreadySubscribedError`).
                format!("subscribe: topic {topic:?} already subscribed"),
            );
        }
        None => {}
    }
    if st.feeds.contains_key(&id) {
        return fail(
            lua,
            ErrorKind::Invalid,
            "subscribe: the channel is fed already (inbox, events, a listen, a timer or another topic)",
        );
    }
    lua.ensure(2)?;
    lua.push_value(2);
    let r = lua.new_ref();
    let st = state(lua)?;
    st.feeds.insert(id, Feed::Listen { message: false });
    st.occasional().listens.insert(topic.clone(), (id, r));
    st.router.subscribe(topic, id);
    lua.push_value(2);
    Ok(1)
}

/// The global `unsubscribe(ch)`: detaches and closes a channel `subscribe` (or
/// `process.listen`) attached; `true`, or `false, err` when it had no topic.
pub(crate) fn unsubscribe(lua: Lua) -> LResult<c_int> {
    let Some(id) = channel_id(lua, 1) else {
        return Err(Raise::from(format!(
            "bad argument #1 to 'unsubscribe' (channel expected, got {})",
            lua.type_name(1)
        )));
    };
    // The original's text (`ErrChannelNotFound`).
    detach_result(lua, id, "unsubscribe: channel not found")
}

fn get_options(lua: Lua) -> LResult<c_int> {
    let trap = state(lua)?.handle.trap_links();
    lua.new_table(0, 1);
    lua.push_bool(trap);
    lua.set_field(-2, c"trap_links");
    Ok(1)
}

/// With links no longer trapped, a LINK_DOWN that arrived while they were and still
/// waits for an `events()` receiver goes back to the runtime, which fails the process
/// with it as with any untrapped LINK_DOWN (reference §1.2, routing rule 1: the
/// original decides when it delivers the event).
pub(crate) fn redeliver_untrapped_link_down(st: &mut ProcState) {
    if st.pending_events.is_empty() || st.handle.trap_links() {
        return;
    }
    let Some(at) = st
        .pending_events
        .iter()
        .position(|(_, e)| e.kind == EventKind::LinkDown)
    else {
        return;
    };
    if let Some((_, event)) = st.pending_events.remove(at) {
        st.handle.redeliver_event(event);
    }
}

fn set_options(lua: Lua) -> LResult<c_int> {
    if lua.kind(1) != LUA_TTABLE {
        return fail_false(lua, ErrorKind::Invalid, "options parameter must be a table");
    }
    lua.ensure(4)?;
    lua.set_top(1);
    lua.push_nil();
    // As the original: keys that are not strings are skipped, a valid `trap_links` is
    // applied whatever else the table holds, and the error names the first unsupported
    // option (a `trap_links` of the wrong type wins).
    let mut problem: Option<String> = None;
    while lua.next(1) {
        if lua.kind(-2) == LUA_TSTRING {
            match lua.string(-2).unwrap_or_default().as_str() {
                "trap_links" if lua.kind(-1) == mlua::ffi::LUA_TBOOLEAN => {
                    let trap = lua.truthy(-1);
                    state(lua)?.handle.set_trap_links(trap);
                }
                "trap_links" => problem = Some("trap_links must be a boolean".into()),
                other => {
                    if problem.is_none() {
                        problem = Some(format!("option {other} is not supported"));
                    }
                }
            }
        }
        lua.pop(1);
    }
    redeliver_untrapped_link_down(state(lua)?);
    match problem {
        Some(message) => fail_false(lua, ErrorKind::Invalid, message),
        None => ok_or_err(lua, Ok(())),
    }
}

/// The registry scope argument at `idx` (`process.registry.LOCAL` and so on), as the
/// original takes it: `Ok(())` for the local registry (no scope, nil, `LOCAL` or a
/// number that names no other scope); `Err` the failure return for the cluster's scopes,
/// whose registries a single node does not have. `strict` refuses a scope that is not a
/// number (`register`; `unregister` takes anything else as local).
fn registry_scope(lua: Lua, idx: c_int, strict: bool) -> LResult<Result<(), c_int>> {
    let scope = match lua.kind(idx) {
        LUA_TNIL | LUA_TNONE => return Ok(Ok(())),
        mlua::ffi::LUA_TNUMBER => lua.number(idx).unwrap_or(0.0),
        _ if strict => {
            return fail(
                lua,
                ErrorKind::Invalid,
                "scope must be a number (process.registry.LOCAL|EVENTUAL|CONSISTENT|STRONG)",
            )
            .map(Err);
        }
        _ => return Ok(Ok(())),
    };
    // Go's `int(num)`: the fraction is dropped (and the cast saturates).
    let unavailable = match scope as i64 {
        1 => "eventual registry not available",
        2 | 3 => "global registry not available",
        _ => return Ok(Ok(())),
    };
    fail(lua, ErrorKind::Internal, unavailable).map(Err)
}

fn register(lua: Lua) -> LResult<c_int> {
    let name = utf8_lossy(check_text(lua, 1, "register")?).into_owned();
    // The second argument is a PID (text), never a name (as in the original).
    let pid = match lua.kind(2) {
        LUA_TNIL | LUA_TNONE => None,
        LUA_TSTRING => match lua.string(2).unwrap_or_default().parse::<Pid>() {
            Ok(pid) => Some(pid),
            Err(e) => return fail(lua, ErrorKind::Invalid, format!("invalid pid: {e}")),
        },
        _ => return fail(lua, ErrorKind::Invalid, "pid must be a string"),
    };
    if let Err(n) = registry_scope(lua, 3, true)? {
        return Ok(n);
    }
    // A name the process registers for itself is kept by the runtime while the process
    // lives: charged to its memory limit (Lua's memory error past it), released by
    // `unregister` (`vm/alloc.rs`). Registering one it holds already succeeds and
    // holds nothing more.
    let held = {
        let handle = &state(lua)?.handle;
        let holds_it = handle.runtime().lookup(&name).ok().as_ref() == Some(handle.pid());
        if pid.is_none() && !holds_it {
            name.len()
        } else {
            0
        }
    };
    crate::vm::alloc::charge_held(lua, held).map_err(|_| Raise::Memory)?;
    let result = state(lua)?
        .handle
        .register(&name, pid.as_ref().map(Dest::Pid));
    if result.is_err() {
        crate::vm::alloc::release_held(lua, held);
    }
    ok_or_err(lua, result)
}

fn lookup(lua: Lua) -> LResult<c_int> {
    let name = utf8_lossy(check_text(lua, 1, "lookup")?).into_owned();
    let found = state(lua)?.handle.runtime().lookup(&name);
    match found {
        Ok(pid) => {
            lua.push_bytes(pid.to_text().as_bytes());
            Ok(1)
        }
        Err(_) => fail(lua, ErrorKind::NotFound, "name not registered"),
    }
}

fn unregister(lua: Lua) -> LResult<c_int> {
    let name = utf8_lossy(check_text(lua, 1, "unregister")?).into_owned();
    if let Err(n) = registry_scope(lua, 2, false)? {
        return Ok(n);
    }
    let st = state(lua)?;
    let own = st.handle.runtime().lookup(&name).ok().as_ref() == Some(st.handle.pid());
    let removed = st.handle.runtime().unregister(&name);
    if removed && own {
        crate::vm::alloc::release_held(lua, name.len());
    }
    lua.push_bool(removed);
    Ok(1)
}

fn push_event_constants(lua: Lua) {
    lua.new_table(0, 3);
    for (name, topic) in [
        ("CANCEL", "pid.cancel"),
        ("EXIT", "pid.exit"),
        ("LINK_DOWN", "pid.link.down"),
    ] {
        lua.push_str(topic);
        lua.set_field_str(-2, name);
    }
}

fn push_registry(lua: Lua) {
    lua.new_table(0, 7);
    for (name, f) in [
        ("register", cfn(register)),
        ("lookup", cfn(lookup)),
        ("unregister", cfn(unregister)),
    ] {
        lua.push_fn(f);
        lua.set_field_str(-2, name);
    }
    for (name, level) in [
        ("LOCAL", 0),
        ("EVENTUAL", 1),
        ("CONSISTENT", 2),
        ("STRONG", 3),
    ] {
        lua.push_int(level);
        lua.set_field_str(-2, name);
    }
}

/// `__index` of the `process` table.
fn process_index(lua: Lua) -> LResult<c_int> {
    let f: CFn = match lua.bytes(2) {
        Some(b"pid") => cfn(pid),
        Some(b"id") => cfn(id),
        Some(b"send") => blocking(send),
        Some(b"spawn") => blocking(spawn),
        Some(b"exec") => blocking(exec),
        Some(b"upgrade") => blocking(upgrade),
        Some(b"with_context") => cfn(super::spawner::new_with_context),
        Some(b"with_options") => cfn(super::spawner::new_with_options),
        Some(b"spawn_monitored") => blocking(spawn_monitored),
        Some(b"spawn_linked") => blocking(spawn_linked),
        Some(b"spawn_linked_monitored") => blocking(spawn_linked_monitored),
        Some(b"terminate") => blocking(terminate),
        Some(b"cancel") => cfn(cancel),
        Some(b"monitor") => cfn(monitor),
        Some(b"unmonitor") => cfn(unmonitor),
        Some(b"link") => cfn(link),
        Some(b"unlink") => cfn(unlink),
        Some(b"get_options") => cfn(get_options),
        Some(b"set_options") => cfn(set_options),
        Some(b"inbox") => cfn(inbox),
        Some(b"events") => cfn(events),
        Some(b"listen") => cfn(listen),
        Some(b"unlisten") => cfn(unlisten),
        Some(key @ (b"event" | b"registry")) => {
            // Tables a script may change: built once per process and kept in its state
            // (not in the methods table, which outlives the process in a reused VM).
            lua.ensure(4)?;
            let st = state(lua)?;
            let kept = if key == b"event" {
                &mut st.event_table
            } else {
                &mut st.registry_table
            };
            match *kept {
                Some(r) => lua.push_ref(r),
                None => {
                    if key == b"event" {
                        push_event_constants(lua);
                    } else {
                        push_registry(lua);
                    }
                    lua.push_value(-1);
                    *kept = Some(lua.new_ref());
                }
            }
            return Ok(1);
        }
        _ => {
            lua.push_nil();
            return Ok(1);
        }
    };
    lua.push_fn(f);
    crate::vm::lua::cache_method(lua);
    Ok(1)
}

static MODULE: UserType<()> = UserType::new(c"wippy.process.module", Some(cfn(process_index)), &[]);

/// `true` if the value at `idx` is a `process` table exactly as [`open`] makes it: an
/// empty table with the module's metatable. Methods looked up through it are cached in
/// the VM's methods table, not in it, once the VM has a methods table; a script's write
/// (a plain `rawset` or assignment: the table has no `__newindex`) leaves an entry.
/// Such a table cannot be told from a new one by the next process in the VM, so the VM
/// scrub (`setup::reset`) keeps it as that process's global instead of making another.
pub(crate) fn is_pristine(lua: Lua, idx: c_int) -> bool {
    let idx = lua.abs(idx);
    if lua.kind(idx) != mlua::ffi::LUA_TTABLE {
        return false;
    }
    lua.push_nil();
    if lua.next(idx) {
        lua.pop(2);
        return false;
    }
    // SAFETY: live state; a table at `idx` (pushes its metatable if it has one).
    if unsafe { mlua::ffi::lua_getmetatable(lua.raw(), idx) } == 0 {
        return false;
    }
    lua.push_metatable(&MODULE);
    // SAFETY: live state; two tables on top, compared raw.
    let same = unsafe { mlua::ffi::lua_rawequal(lua.raw(), -1, -2) } != 0;
    lua.pop(2);
    same
}

/// Pushes the `process` global.
pub(crate) fn open(lua: Lua) -> LResult<()> {
    lua.ensure(3)?;
    lua.new_table(0, 0);
    lua.push_metatable(&MODULE);
    // SAFETY: the table at -2, its metatable on top.
    unsafe { mlua::ffi::lua_setmetatable(lua.raw(), -2) };
    Ok(())
}
