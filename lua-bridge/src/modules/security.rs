//! The `security` module (`modules: [security]`; R `runtime/lua/modules/security`), the
//! part a process's context carries: actors and scopes.
//!
//! - `security.new_actor(id [, meta])`: an Actor, `actor:id()` and `actor:meta()` (a
//!   fresh copy of `meta`, a table of string keys, `{}` when none was given).
//! - `security.new_scope([policies])`: a Scope; `scope:policies()` is the array of its
//!   policies.
//! - `security.actor()`, `security.scope()`: the actor and scope of the running process,
//!   or nil. A process gets them from its spawner (`process.with_context(t)
//!   :with_actor(a):with_scope(s):spawn(...)`), and a plain spawn hands its own on.
//!
//! Absent, because this runtime has no security policies: `security.policy`,
//! `named_scope`, `can`, `token_store`, and a scope's `with`, `without`, `contains` and
//! `evaluate`. So every scope is empty: `new_scope` keeps only policy objects from its
//! table, as the original does, and there are none to give it. Making actors and scopes
//! is always allowed (the original asks the caller's scope, which without policies
//! allows it).
//!
//! Both are userdata holding their payload form (`{id, meta}`, `{policies}`), which is
//! what the context carries to other processes.

use std::ffi::c_int;

use wippy_runtime::payload::{Map, Payload};

use crate::value::{push_payload, to_payload};
use crate::vm::lua::{
    CFn, LResult, LUA_TNIL, LUA_TNONE, LUA_TSTRING, LUA_TTABLE, Lua, Raise, UserType, cfn,
    method_index,
};
use crate::vm::state::state;

/// An actor userdata: its payload form, `{id = string, meta = table}`.
#[derive(Debug)]
pub(crate) struct Actor(Payload);

/// A scope userdata: its payload form, `{policies = array}`.
#[derive(Debug)]
pub(crate) struct Scope(Payload);

method_index!(fn actor_index {
    b"id" => cfn(actor_id),
    b"meta" => cfn(actor_meta),
});

method_index!(fn scope_index {
    b"policies" => cfn(scope_policies),
});

static ACTOR: UserType<Actor> = UserType::new(
    c"security.Actor",
    Some(actor_index as CFn),
    &[("__tostring", cfn(actor_tostring))],
);

static SCOPE: UserType<Scope> = UserType::new(
    c"security.Scope",
    Some(scope_index as CFn),
    &[("__tostring", cfn(scope_tostring))],
);

/// Pushes the `security` table.
pub(crate) fn open(lua: Lua) -> LResult<()> {
    lua.ensure(3)?;
    lua.new_table(0, 4);
    for (name, f) in [
        ("new_actor", cfn(new_actor)),
        ("new_scope", cfn(new_scope)),
        ("actor", cfn(actor)),
        ("scope", cfn(scope)),
    ] {
        lua.push_fn(f);
        lua.set_field_str(-2, name);
    }
    Ok(())
}

/// The payload form of the actor userdata at `idx`, if it is one.
pub(crate) fn actor_payload(lua: Lua, idx: c_int) -> Option<Payload> {
    lua.userdata(idx, &ACTOR).map(|a| a.0.clone())
}

/// The payload form of the scope userdata at `idx`, if it is one.
pub(crate) fn scope_payload(lua: Lua, idx: c_int) -> Option<Payload> {
    lua.userdata(idx, &SCOPE).map(|s| s.0.clone())
}

fn new_actor(lua: Lua) -> LResult<c_int> {
    if lua.kind(1) != LUA_TSTRING {
        return Err(Raise::from(format!(
            "bad argument #1 to 'new_actor' (string expected, got {})",
            lua.type_name(1)
        )));
    }
    let id = lua.bytes(1).map(Payload::string).unwrap_or_default();
    let meta = match lua.kind(2) {
        LUA_TNIL | LUA_TNONE => Payload::Map(Map::new().into()),
        LUA_TTABLE => match to_payload(lua, 2) {
            Ok(Payload::Array(items)) if items.is_empty() => Payload::Map(Map::new().into()),
            Ok(meta @ Payload::Map(_)) => meta,
            Ok(_) => return Err(Raise::from("new_actor: meta keys must be strings")),
            Err(e) => return Err(Raise::from(format!("new_actor: meta: {e}"))),
        },
        _ => {
            return Err(Raise::from(format!(
                "bad argument #2 to 'new_actor' (table expected, got {})",
                lua.type_name(2)
            )));
        }
    };
    lua.ensure(4)?;
    lua.push_userdata(Actor(Payload::map([("id", id), ("meta", meta)])), &ACTOR);
    Ok(1)
}

fn new_scope(lua: Lua) -> LResult<c_int> {
    match lua.kind(1) {
        LUA_TNIL | LUA_TNONE | LUA_TTABLE => {}
        _ => {
            return Err(Raise::from(format!(
                "bad argument #1 to 'new_scope' (table expected, got {})",
                lua.type_name(1)
            )));
        }
    }
    // Only policy objects count, and this runtime has none: the scope is empty.
    lua.ensure(4)?;
    lua.push_userdata(Scope(empty_scope()), &SCOPE);
    Ok(1)
}

fn empty_scope() -> Payload {
    Payload::map([("policies", Payload::array([]))])
}

fn actor(lua: Lua) -> LResult<c_int> {
    let found = state(lua)?.handle.context().and_then(|c| c.actor.clone());
    lua.ensure(4)?;
    match found {
        Some(p) => lua.push_userdata(Actor(p), &ACTOR),
        None => lua.push_nil(),
    }
    Ok(1)
}

fn scope(lua: Lua) -> LResult<c_int> {
    let found = state(lua)?.handle.context().and_then(|c| c.scope.clone());
    lua.ensure(4)?;
    match found {
        Some(p) => lua.push_userdata(Scope(p), &SCOPE),
        None => lua.push_nil(),
    }
    Ok(1)
}

fn this_actor<'a>(lua: Lua, method: &str) -> LResult<&'a Actor> {
    match lua.userdata(1, &ACTOR) {
        Some(actor) => Ok(actor),
        None => Err(Raise::from(format!(
            "bad argument #1 to '{method}' (security.Actor expected, got {}); call it as actor:{method}()",
            lua.type_name(1)
        ))),
    }
}

fn actor_id(lua: Lua) -> LResult<c_int> {
    let id = this_actor(lua, "id")?
        .0
        .get("id")
        .cloned()
        .unwrap_or_default();
    push_payload(lua, &id)?;
    Ok(1)
}

fn actor_meta(lua: Lua) -> LResult<c_int> {
    let meta = this_actor(lua, "meta")?
        .0
        .get("meta")
        .cloned()
        .unwrap_or_default();
    push_payload(lua, &meta)?;
    Ok(1)
}

fn actor_tostring(lua: Lua) -> LResult<c_int> {
    let actor = this_actor(lua, "__tostring")?;
    let id = actor.0.get("id").and_then(Payload::as_str).unwrap_or("");
    lua.push_str(&format!("security.Actor{{id={id}}}"));
    Ok(1)
}

fn scope_policies(lua: Lua) -> LResult<c_int> {
    let Some(scope) = lua.userdata(1, &SCOPE) else {
        return Err(Raise::from(format!(
            "bad argument #1 to 'policies' (security.Scope expected, got {}); call it as scope:policies()",
            lua.type_name(1)
        )));
    };
    let policies = scope
        .0
        .get("policies")
        .cloned()
        .unwrap_or_else(|| Payload::array([]));
    push_payload(lua, &policies)?;
    Ok(1)
}

fn scope_tostring(lua: Lua) -> LResult<c_int> {
    lua.push_str("security.Scope{}");
    Ok(1)
}
