//! Spawners (reference §1.2): `process.with_options(t)` and `process.with_context(t)`
//! make an immutable `process.Spawner`; each of its `with_*` methods returns a new one,
//! and its `spawn`, `spawn_monitored`, `spawn_linked` and `spawn_linked_monitored` work as
//! the `process` functions of the same names, with what the spawner carries:
//! - `with_name(name)` registers the name to the child before it runs. When another
//!   process holds the name, nothing is spawned: that process gets the messages and its
//!   PID is returned ("spawn or signal", as the original's hosts do);
//! - `with_message(topic, ...)` queues a message that the child (or the name's holder)
//!   receives right after the spawn, from no sender (`msg:from()` is `""`);
//! - `with_context(t)` adds string-keyed values to the child's context (the spawning
//!   process's own context plus these; the child reads them with the `ctx` module);
//! - `with_actor(a)` and `with_scope(s)` set the child's security actor and scope (made
//!   by the `security` module; read there with `security.actor()`/`scope()`);
//! - `with_options(t)` keeps string-keyed values that change nothing: the original's
//!   lifecycle options (network selection, security) are absent from this runtime.
//!
//! A spawn through a spawner that sets none of the context inherits the spawning
//! process's context as a plain spawn does.
//!
//! A spawner is a userdata owned by the script that made it; it holds Rust values only
//! (dropped by its finalizer) and is never shared with another process.

use super::errors::{fail, push_nil_error};
use crate::factory::PROCESS_KIND;
use crate::value::to_payload;
use crate::vm::lua::{
    CFn, LResult, LUA_TTABLE, Lua, Raise, Ret, UserType, blocking, cfn, method_index,
};
use crate::vm::state::state;
use std::ffi::c_int;
use std::sync::Arc;
use wippy_runtime::message::{Payloads, Topic};
use wippy_runtime::payload::{ErrorKind, Map, Payload};
use wippy_runtime::process::SpawnContext;
use wippy_runtime::{Dest, RuntimeError, SpawnSpec};

/// What a spawner carries into its spawns.
#[derive(Debug, Clone, Default)]
pub(crate) struct Spawner {
    name: Option<String>,
    messages: Vec<(Topic, Payloads)>,
    pub(crate) context: Map,
    pub(crate) actor: Option<Payload>,
    pub(crate) scope: Option<Payload>,
    pub(crate) options: Map,
}

method_index!(fn spawner_index {
    b"with_context" => cfn(with_context),
    b"with_options" => cfn(with_options),
    b"with_name" => cfn(with_name),
    b"with_message" => cfn(with_message),
    b"with_actor" => cfn(with_actor),
    b"with_scope" => cfn(with_scope),
    b"spawn" => blocking(spawn),
    b"spawn_monitored" => blocking(spawn_monitored),
    b"spawn_linked" => blocking(spawn_linked),
    b"spawn_linked_monitored" => blocking(spawn_linked_monitored),
});

static SPAWNER: UserType<Spawner> = UserType::new(
    c"process.Spawner",
    Some(spawner_index as CFn),
    &[("__tostring", cfn(spawner_tostring))],
);

/// `process.with_context(t)`: a spawner carrying the context values of `t`.
pub(crate) fn new_with_context(lua: Lua) -> LResult<c_int> {
    let mut spawner = Spawner::default();
    string_keyed(lua, 1, "context", &mut spawner.context, true)?;
    lua.push_userdata(spawner, &SPAWNER);
    Ok(1)
}

/// `process.with_options(t)`: a spawner carrying the options of `t`.
pub(crate) fn new_with_options(lua: Lua) -> LResult<c_int> {
    let mut spawner = Spawner::default();
    string_keyed(lua, 1, "options", &mut spawner.options, true)?;
    lua.push_userdata(spawner, &SPAWNER);
    Ok(1)
}

/// The spawner at argument 1, cloned (methods return new spawners).
fn this(lua: Lua) -> LResult<Spawner> {
    lua.userdata(1, &SPAWNER)
        .map(|s| s.clone())
        .ok_or_else(|| lua.bad_self("process.Spawner", "spawner"))
}

/// Adds the entries of the table at `idx` to `into` (`what` names the table in errors).
/// A key that is not a string raises when `strict` (the original's `process.with_context`
/// and every `with_options` of a spawner), and is left out otherwise (a spawner's and an
/// executor's `with_context`, an executor's `with_options`), as the original's readers
/// of those tables do.
pub(crate) fn string_keyed(
    lua: Lua,
    idx: c_int,
    what: &str,
    into: &mut Map,
    strict: bool,
) -> LResult<()> {
    if lua.kind(idx) != LUA_TTABLE {
        return Err(Raise::from(format!(
            "bad argument #{idx} to 'with_{what}' ({what} table expected, got {})",
            lua.type_name(idx)
        )));
    }
    let table = match to_payload(lua, idx) {
        Ok(Payload::Map(map)) => map,
        Ok(Payload::Array(items)) if items.is_empty() || !strict => return Ok(()),
        Ok(_) => return Err(Raise::from(format!("{what} keys must be strings"))),
        Err(e) => return Err(Raise::from(format!("{what}: {e}"))),
    };
    for (key, value) in table.iter() {
        match key.as_str() {
            Some(key) => {
                into.insert(key, value.clone());
            }
            None if strict => {
                return Err(Raise::from(format!("{what} keys must be strings")));
            }
            None => {}
        }
    }
    Ok(())
}

fn with_context(lua: Lua) -> LResult<c_int> {
    let mut spawner = this(lua)?;
    string_keyed(lua, 2, "context", &mut spawner.context, false)?;
    lua.push_userdata(spawner, &SPAWNER);
    Ok(1)
}

fn with_options(lua: Lua) -> LResult<c_int> {
    let mut spawner = this(lua)?;
    string_keyed(lua, 2, "options", &mut spawner.options, true)?;
    lua.push_userdata(spawner, &SPAWNER);
    Ok(1)
}

fn with_name(lua: Lua) -> LResult<c_int> {
    let mut spawner = this(lua)?;
    match lua.string_or_number(2) {
        Some(name) if !name.is_empty() => spawner.name = Some(name),
        Some(_) => {
            return Err(Raise::from(
                "bad argument #1 to 'with_name' (name cannot be empty)",
            ));
        }
        None => {
            return Err(Raise::from(format!(
                "bad argument #1 to 'with_name' (string expected, got {})",
                lua.type_name(2)
            )));
        }
    }
    lua.push_userdata(spawner, &SPAWNER);
    Ok(1)
}

fn with_message(lua: Lua) -> LResult<c_int> {
    let mut spawner = this(lua)?;
    let Some(topic) = lua.string_or_number(2) else {
        return Err(Raise::from(format!(
            "bad argument #1 to 'with_message' (string expected, got {})",
            lua.type_name(2)
        )));
    };
    if topic.starts_with('@') {
        return Err(Raise::from(
            "bad argument #1 to 'with_message' (cannot send to @ topics)",
        ));
    }
    let mut payloads = Payloads::new();
    for i in 3..=lua.top() {
        payloads.push(to_payload(lua, i).map_err(|e| Raise::from(format!("with_message: {e}")))?);
    }
    spawner.messages.push((Topic::from(topic), payloads));
    lua.push_userdata(spawner, &SPAWNER);
    Ok(1)
}

fn with_actor(lua: Lua) -> LResult<c_int> {
    let mut spawner = this(lua)?;
    spawner.actor = Some(actor_arg(lua, 2)?);
    lua.push_userdata(spawner, &SPAWNER);
    Ok(1)
}

fn with_scope(lua: Lua) -> LResult<c_int> {
    let mut spawner = this(lua)?;
    spawner.scope = Some(scope_arg(lua, 2)?);
    lua.push_userdata(spawner, &SPAWNER);
    Ok(1)
}

/// The security actor at `idx` (the argument of a `with_actor` method), as a payload;
/// raises for anything else.
pub(crate) fn actor_arg(lua: Lua, idx: c_int) -> LResult<Payload> {
    super::security::actor_payload(lua, idx).ok_or_else(|| {
        Raise::from(format!(
            "bad argument #1 to 'with_actor' (security.Actor expected, got {})",
            lua.type_name(idx)
        ))
    })
}

/// The security scope at `idx` (the argument of a `with_scope` method), as a payload;
/// raises for anything else.
pub(crate) fn scope_arg(lua: Lua, idx: c_int) -> LResult<Payload> {
    super::security::scope_payload(lua, idx).ok_or_else(|| {
        Raise::from(format!(
            "bad argument #1 to 'with_scope' (security.Scope expected, got {})",
            lua.type_name(idx)
        ))
    })
}

/// The child's context: the spawning process's own, with the spawner's values on top
/// and its actor and scope in place of the inherited ones; `None` (inherit as it is)
/// when the spawner changes nothing.
pub(crate) fn child_context(
    spawner: &Spawner,
    own: Option<&Arc<SpawnContext>>,
) -> Option<Arc<SpawnContext>> {
    if spawner.context.is_empty() && spawner.actor.is_none() && spawner.scope.is_none() {
        return None;
    }
    let mut context = own.map_or_else(SpawnContext::new, |c| SpawnContext::clone(c));
    for (key, value) in spawner.context.iter() {
        context.values.insert(key.clone(), value.clone());
    }
    if let Some(actor) = &spawner.actor {
        context.actor = Some(actor.clone());
    }
    if let Some(scope) = &spawner.scope {
        context.scope = Some(scope.clone());
    }
    Some(Arc::new(context))
}

fn spawner_tostring(lua: Lua) -> LResult<c_int> {
    let spawner = this(lua)?;
    let name = spawner.name.as_deref().unwrap_or("");
    lua.push_str(&format!("process.Spawner{{name={name}}}"));
    Ok(1)
}

fn spawn(lua: Lua) -> LResult<Ret> {
    spawn_with(lua, false, false)
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

/// `spawner:spawn*(id, host, ...)`: the child's PID (and nil) once it has booted, as
/// `process.spawn*`, or the PID of the process holding the spawner's name; `nil, err`
/// when neither (a host that does not exist is reported first, as the original's
/// manager looks the host up before the name).
///
/// Lua errors: as the original's, fewer than two ids ("spawn requires at least id and
/// host arguments") and an id that is neither a string nor a number.
fn spawn_with(lua: Lua, link: bool, monitor: bool) -> LResult<Ret> {
    let spawner = this(lua)?;
    if lua.top() < 3 {
        return Err(Raise::from("spawn requires at least id and host arguments"));
    }
    let function = super::process::spawn_call_name(link, monitor);
    super::process::check_text(lua, 2, function)?;
    super::process::check_text(lua, 3, function)?;
    let Some((entry, host)) = super::process::spawn_ids(lua, 2)? else {
        return fail(
            lua,
            ErrorKind::Invalid,
            "spawn: entry id and host id must be strings",
        )
        .map(Ret::Values);
    };
    let mut args = Payloads::new();
    for i in 4..=lua.top() {
        match to_payload(lua, i) {
            Ok(p) => args.push(p),
            Err(e) => {
                return Ok(Ret::Values(push_nil_error(lua, e.to_error_value())));
            }
        }
    }
    let st = state(lua)?;
    let runtime = st.handle.runtime().clone();
    let holder = |name: &str| runtime.lookup(name).ok();
    // Spawn or signal: a held name gets the messages instead of a new process (on a host
    // that exists).
    if let Some(existing) = spawner.name.as_deref().and_then(holder) {
        if runtime.host(&host).is_none() {
            let error = RuntimeError::HostNotFound(host.to_string());
            return fail(lua, error.kind(), error.to_string()).map(Ret::Values);
        }
        deliver(&runtime, &existing, spawner.messages);
        lua.push_bytes(existing.to_text().as_bytes());
        lua.push_nil();
        return Ok(Ret::Values(2));
    }
    let mut spec = SpawnSpec::new(entry, host).of_kind(PROCESS_KIND);
    spec.args = args;
    spec.link = link;
    spec.monitor = monitor;
    spec.name.clone_from(&spawner.name);
    spec.context = child_context(&spawner, st.handle.context());
    let messages = spawner.messages;
    super::process::spawn_until_booted(lua, spec, |st, spec| {
        let spawned = match st.handle.spawn(spec) {
            Ok(pid) => (pid, true),
            // Taken between the look and the spawn: signal its holder.
            Err(RuntimeError::NameTaken(name)) => {
                (holder(&name).ok_or(RuntimeError::NameTaken(name))?, false)
            }
            Err(error) => return Err(error),
        };
        // Before the wait for the boot: the child's top level may wait for them.
        deliver(&runtime, &spawned.0, messages);
        Ok(spawned)
    })
}

/// Sends the spawner's messages to `pid`, from no sender. A process that already ended
/// loses them, as any message sent to it would be.
fn deliver(
    runtime: &wippy_runtime::Runtime,
    pid: &wippy_runtime::pid::Pid,
    messages: Vec<(Topic, Payloads)>,
) {
    for (topic, payloads) in messages {
        let _ = runtime.send(Dest::Pid(pid), topic, payloads);
    }
}
