//! Plugging Lua into a runtime: the body factory of the `process.lua` and
//! `function.lua` kinds.

use crate::compile::Compiler;
use crate::vm::driver::LuaProcess;
use crate::vm::setup::LuaEnv;
use std::sync::Arc;
use wippy_runtime::Runtime;
use wippy_runtime::message::Payloads;
use wippy_runtime::payload::ErrorValue;
use wippy_runtime::process::{BodyFactory, ProcessBody};
use wippy_runtime::registry::{Entry, EntryConfig};

/// Options for the Lua processes of one runtime.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LuaOptions {
    /// Memory limit per process VM, in bytes (0 = none). Default 64 MiB.
    pub memory_limit: usize,
}

impl Default for LuaOptions {
    fn default() -> LuaOptions {
        LuaOptions {
            memory_limit: 64 << 20,
        }
    }
}

impl LuaOptions {
    /// Sets the per-process memory limit.
    pub fn memory_limit(mut self, bytes: usize) -> LuaOptions {
        self.memory_limit = bytes;
        self
    }
}

/// The kind of the entries a Lua `process.spawn` starts (see `SpawnSpec::kind`).
pub(crate) const PROCESS_KIND: &str = "process.lua";

struct LuaFactory {
    env: Arc<LuaEnv>,
}

impl BodyFactory for LuaFactory {
    fn create(
        &self,
        _runtime: &Runtime,
        entry: &Entry,
        args: Payloads,
    ) -> Result<Box<dyn ProcessBody>, ErrorValue> {
        let compiled = self.env.compiler.get(entry)?;
        Ok(Box::new(LuaProcess::new(self.env.clone(), compiled, args)))
    }
}

/// Makes `runtime` run `process.lua` and `function.lua` entries as Lua processes. Returns the shared
/// environment (its compiler can precompile every entry to report errors early).
pub fn install(runtime: &Runtime, options: LuaOptions) -> Arc<LuaEnv> {
    crate::modules::time::mark_start();
    let env = Arc::new(LuaEnv {
        registry: runtime.registry_versions().clone(),
        compiler: Compiler::default(),
        memory_limit: options.memory_limit,
    });
    let factory = Arc::new(LuaFactory { env: env.clone() });
    runtime.register_kind(PROCESS_KIND, factory.clone());
    // A function runs as a short-lived process of its own (`funcs.call`, `run -x`).
    runtime.register_kind("function.lua", factory);
    // A change set that makes Lua which does not compile is refused at apply, as the
    // original's code manager refuses it, rather than failing at the first spawn; the
    // compiled form stays cached for that spawn.
    let compiling = env.clone();
    runtime.add_entry_check(Arc::new(move |entry: &Entry| {
        if !matches!(entry.config(), EntryConfig::Lua(_)) {
            return Ok(());
        }
        compiling
            .compiler
            .get(entry)
            .map(|_| ())
            .map_err(|error| error.message().to_owned())
    }));
    env
}
