//! Lua behaviour tests: one Lua program per behaviour, under `tests/lua/<group>/<name>.lua`.
//!
//! Every program runs in a runtime of its own, built from a registry written to a temp
//! directory: namespace `test`, a `process.host` `test:processes` (2 workers), a
//! `terminal.host` `test:terminal`, the program as `test:<name>` (`method: main`,
//! `modules: [time, json, logger, io, uuid, ctx, security, funcs, registry, events, env, base64, hash, yaml]`, `imports: {wait: test:wait}`:
//! the receive-with-a-timeout helpers of `tests/lua/lib/wait.lua`), the helper workers of
//! `tests/lua/workers/` as `test:<worker>`, and the helper functions of
//! `tests/lua/functions/` as `function.lua` entries `test:<function>`. The program is spawned on `test:processes`; it passes when it
//! returns `true`, and fails when it returns `false, "reason"` or `nil, "reason"`,
//! raises, or does not end within 10 seconds (the convention of the original's runner).
//!
//! Conventions of the programs:
//! - Each starts with a comment saying what behaviour it checks, and checks one.
//! - A program for an API the runtime does not have yet keeps its test, marked
//!   `#[ignore = "absent ..."]`; `cargo test -- --ignored` runs them.
//! - Entry names are file stems, so stems are unique across groups and workers.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use wippy_lua::LuaOptions;
use wippy_runtime::message::Outcome;
use wippy_runtime::payload::Payload;
use wippy_runtime::process::ExitWaiter;
use wippy_runtime::registry::Registry;
use wippy_runtime::{Runtime, SpawnSpec};

/// How long a program may run.
const TIMEOUT: Duration = Duration::from_secs(10);
/// How long processes still running at the end get before they are killed.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(500);
/// Modules every program and worker may `require`.
const MODULES: &[&str] = &[
    "time", "json", "logger", "io", "uuid", "ctx", "security", "funcs", "registry", "events",
    "env", "base64", "hash", "yaml",
];

/// The environment every program's registry declares (`tests/lua/env/`).
const ENVIRONMENT: &str = "  - {name: env_memory, kind: env.storage.memory}\n\
\x20 - {name: env_os, kind: env.storage.os}\n\
\x20 - {name: env_static, kind: env.storage.static, values: {STATIC_GREETING: hello}}\n\
\x20 - {name: env_router, kind: env.storage.router, storages: [env_memory, env_os]}\n\
\x20 - {name: TEST_VAR, kind: env.variable, variable: TEST_VAR, storage: env_memory}\n\
\x20 - {name: TEST_DEFAULT, kind: env.variable, variable: TEST_DEFAULT, storage: env_memory, default: fallback}\n\
\x20 - {name: TEST_LOCKED, kind: env.variable, variable: TEST_LOCKED, storage: env_memory, readonly: true}\n\
\x20 - {name: PATH, kind: env.variable, variable: PATH, storage: env_os}\n\
\x20 - {name: STATIC_GREETING, kind: env.variable, variable: STATIC_GREETING, storage: env_static}\n\
\x20 - {name: ROUTED_VAR, kind: env.variable, variable: ROUTED_VAR, storage: env_router}\n\
\x20 - {name: by_id_only, kind: env.variable, storage: env_memory}\n";

fn lua_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lua")
}

/// A fresh, empty directory for one program's registry.
fn temp_dir(name: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "wippy-lua-programs-{}-{}-{name}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// The `.lua` files of `dir`, sorted.
fn lua_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "lua"))
        .collect();
    files.sort();
    files
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .expect("file name")
        .to_owned()
}

fn lua_entry(yaml: &mut String, name: &str, file: &str) {
    entry_of_kind(yaml, "process.lua", name, file);
}

fn entry_of_kind(yaml: &mut String, kind: &str, name: &str, file: &str) {
    yaml.push_str(&format!(
        "  - name: {name}\n    kind: {kind}\n    source: file://{file}\n    method: main\n    modules: [{}]\n    imports: {{wait: test:wait}}\n",
        MODULES.join(", ")
    ));
}

/// Writes the registry for `program` into `dir`; returns the program's entry name.
fn write_registry(dir: &Path, program: &Path) -> String {
    let mut yaml = String::from(
        "version: \"1.0\"\nnamespace: test\n\nentries:\n\
         \x20 - name: processes\n    kind: process.host\n    host:\n      workers: 2\n    lifecycle:\n      auto_start: true\n\
         \x20 - name: terminal\n    kind: terminal.host\n    lifecycle:\n      auto_start: true\n",
    );
    yaml.push_str(ENVIRONMENT);
    // The helpers every program and worker imports (`tests/lua/lib/`).
    std::fs::copy(lua_dir().join("lib/wait.lua"), dir.join("wait.lua")).expect("copy lib");
    yaml.push_str(
        "  - name: wait\n    kind: library.lua\n    source: file://wait.lua\n    modules: [time]\n",
    );
    for worker in lua_files(&lua_dir().join("workers")) {
        let name = stem(&worker);
        let file = format!("{name}.lua");
        std::fs::copy(&worker, dir.join(&file)).expect("copy worker");
        lua_entry(&mut yaml, &name, &file);
    }
    for function in lua_files(&lua_dir().join("functions")) {
        let name = stem(&function);
        let file = format!("{name}.lua");
        std::fs::copy(&function, dir.join(&file)).expect("copy function");
        entry_of_kind(&mut yaml, "function.lua", &name, &file);
    }
    let name = stem(program);
    let file = format!("{name}.lua");
    std::fs::copy(program, dir.join(&file))
        .unwrap_or_else(|e| panic!("copy {}: {e}", program.display()));
    lua_entry(&mut yaml, &name, &file);
    std::fs::write(dir.join("_index.yaml"), yaml).expect("write _index.yaml");
    name
}

/// How long the runtime's shutdown may take before the test gives up on it.
const SHUTDOWN_LIMIT: Duration = Duration::from_secs(5);

/// Shuts the runtime down and removes the temp directory, also when a test panics.
struct Cleanup {
    runtime: Runtime,
    dir: PathBuf,
    shut_down: bool,
}

impl Cleanup {
    /// Shuts down; `false` when the shutdown did not finish within [`SHUTDOWN_LIMIT`]
    /// (a process that never yields keeps its worker thread, and the shutdown waits for
    /// it forever). The shutdown thread is then left behind, so the test binary goes on.
    fn shutdown(&mut self) -> bool {
        self.shut_down = true;
        let runtime = self.runtime.clone();
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("lua-programs-shutdown".into())
            .spawn(move || {
                runtime.shutdown(SHUTDOWN_GRACE);
                let _ = done_tx.send(());
            });
        spawned.is_ok() && done_rx.recv_timeout(SHUTDOWN_LIMIT).is_ok()
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if !self.shut_down {
            self.shutdown();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs `tests/lua/<program>.lua` (e.g. `"process/pid_format"`) and checks that it
/// returned `true`.
fn run_program(program: &str, options: LuaOptions) {
    let path = lua_dir().join(format!("{program}.lua"));
    let dir = temp_dir(&program.replace('/', "_"));
    let name = write_registry(&dir, &path);
    let registry = Registry::load_dir(&dir).unwrap_or_else(|errors| {
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        panic!("registry for {program}: {}", text.join("\n"))
    });
    let runtime = Runtime::new(registry);
    let mut cleanup = Cleanup {
        runtime: runtime.clone(),
        dir,
        shut_down: false,
    };
    let env = wippy_lua::install(&runtime, options);
    if let Err(errors) = env.compiler.precompile(&runtime.registry()) {
        let text: Vec<&str> = errors.iter().map(|e| e.message()).collect();
        panic!("{program} does not compile: {}", text.join("\n"));
    }
    runtime
        .start()
        .unwrap_or_else(|e| panic!("runtime start: {e}"));
    let waiter = ExitWaiter::new();
    runtime
        .spawn(SpawnSpec::new(format!("test:{name}"), "test:processes").waiter(waiter.clone()))
        .unwrap_or_else(|e| panic!("spawn {program}: {e}"));
    let outcome = waiter.wait_timeout(TIMEOUT);
    let shut_down = cleanup.shutdown();
    drop(cleanup);
    match outcome {
        Some(Outcome::Normal(Payload::Bool(true))) => {}
        Some(Outcome::Normal(other)) => {
            panic!("{program}: returned {other:?}, expected true")
        }
        Some(Outcome::Error(error)) => panic!(
            "{program} failed: {}\n{}",
            error.message(),
            error.stack().unwrap_or("")
        ),
        None => panic!("{program}: no result within {TIMEOUT:?}"),
    }
    assert!(
        shut_down,
        "{program}: the runtime did not shut down within {SHUTDOWN_LIMIT:?} (a process never yields)"
    );
}

/// One `#[test]` per program; also the list the `every_program_is_listed` check uses.
macro_rules! lua_tests {
    ($($(#[$attr:meta])* $test:ident: $program:literal,)*) => {
        const PROGRAMS: &[&str] = &[$($program),*];
        $(
            $(#[$attr])*
            #[test]
            fn $test() {
                run_program($program, LuaOptions::default());
            }
        )*
    };
}

lua_tests! {
    channel_buffered: "channel/buffered",
    channel_close_drain: "channel/close_drain",
    channel_close_wakes: "channel/close_wakes",
    channel_closed_mail_channels_end_their_subscription: "channel/closed_mail_channels_end_their_subscription",
    channel_errors: "channel/errors",
    channel_select_send_closed: "channel/select_send_closed",
    channel_producer_consumer: "channel/producer_consumer",
    channel_receivers_in_arrival_order: "channel/receivers_in_arrival_order",
    channel_select_closed: "channel/select_closed",
    channel_select_default: "channel/select_default",
    channel_select_order: "channel/select_order",
    channel_select_skips_absent_cases: "channel/select_skips_absent_cases",
    channel_select_result_channel: "channel/select_result_channel",
    channel_select_send: "channel/select_send",
    channel_select_stale_registration: "channel/select_stale_registration",
    channel_select_timeout: "channel/select_timeout",
    channel_send_closed: "channel/send_closed",
    channel_unbuffered: "channel/unbuffered",
    channel_unreachable_channels_freed: "channel/unreachable_channels_freed",
    channel_values: "channel/values",
    channel_worker_pool: "channel/worker_pool",
    coroutine_blocking_in_pcall: "coroutine/blocking_in_pcall",
    coroutine_blocking_inside_create_and_wrap_waits: "coroutine/blocking_inside_create_and_wrap_waits",
    coroutine_concurrent: "coroutine/concurrent",
    coroutine_preemption_keeps_coroutines_cooperative: "coroutine/preemption_keeps_coroutines_cooperative",
    coroutine_channel_wake_order_follows_the_original: "coroutine/channel_wake_order_follows_the_original",
    coroutine_main_returning_after_a_send_ends_the_receiver: "coroutine/main_returning_after_a_send_ends_the_receiver",
    coroutine_deadlock: "coroutine/deadlock",
    coroutine_driver_coroutines_refused: "coroutine/driver_coroutines_refused",
    coroutine_error_fails_process: "coroutine/error_fails_process",
    coroutine_killed_with_main: "coroutine/killed_with_main",
    coroutine_many: "coroutine/many",
    coroutine_no_deadlock_with_timer: "coroutine/no_deadlock_with_timer",
    coroutine_shared_state: "coroutine/shared_state",
    coroutine_spawn_errors: "coroutine/spawn_errors",
    coroutine_spawned_returning_values_is_dead: "coroutine/spawned_returning_values_is_dead",
    coroutine_standard_coroutines: "coroutine/standard_coroutines",
    coroutine_user_coroutines_preempted_transparently: "coroutine/user_coroutines_preempted_transparently",
    coroutine_preempted_resume_goes_on_first: "coroutine/preempted_resume_goes_on_first",
    coroutine_library_error_messages: "coroutine/library_error_messages",
    coroutine_yield_round_robin: "coroutine/yield_round_robin",
    data_json_float_like_original: "data/json_float_like_original",
    data_copy_on_send: "data/copy_on_send",
    data_errors_large_in_message: "data/errors_large_in_message",
    data_errors_constructors_give_one_value: "data/errors_constructors_give_one_value",
    data_errors_call_stack: "data/errors_call_stack",
    data_table_create: "data/table_create",
    data_string_find_plain: "data/string_find_plain",
    data_shared_tables_message: "data/shared_tables_message",
    events_bus: "events/events_bus",
    events_close_drops_backlog: "events/events_close_drops_backlog",
    env_errors: "env/env_errors",
    env_get_set: "env/env_get_set",
    env_router_and_all: "env/env_router_and_all",
    events_errors: "events/events_errors",
    funcs_async: "funcs/funcs_async",
    funcs_call: "funcs/funcs_call",
    funcs_call_errors: "funcs/funcs_call_errors",
    funcs_cancel: "funcs/funcs_cancel",
    funcs_end_with_caller: "funcs/funcs_end_with_caller",
    funcs_end_with_terminated_caller: "funcs/funcs_end_with_terminated_caller",
    funcs_executor: "funcs/funcs_executor",
    data_errors_cross_process: "data/errors_cross_process",
    data_errors_module: "data/errors_module",
    data_json_empty_object_round_trip: "data/json_empty_object_round_trip",
    data_json_errors: "data/json_errors",
    data_json_payload_arrives_decoded: "data/json_payload_arrives_decoded",
    data_json_roundtrip: "data/json_roundtrip",
    data_json_validate: "data/json_validate",
    data_json_validate_empty_table: "data/json_validate_empty_table",
    data_logger_and_print: "data/logger_and_print",
    data_logger_error_clears_the_error_field: "data/logger_error_clears_the_error_field",
    data_logger_argument_checks: "data/logger_argument_checks",
    data_os_module: "data/os_module",
    data_payload_module: "data/payload_module",
    data_payload_new_sent: "data/payload_new_sent",
    data_payload_transcode: "data/payload_transcode",
    data_userdata_in_payload: "data/userdata_in_payload",
    data_uuid_module: "data/uuid_module",
    data_base64_module: "data/base64_module",
    data_hash_module: "data/hash_module",
    data_yaml_module: "data/yaml_module",
    data_table_and_rep_loops_as_the_library: "data/table_and_rep_loops_as_the_library",
    dialect_lua51_compat: "dialect/lua51_compat",
    dialect_annotations: "dialect/annotations",
    dialect_lua54_features: "dialect/lua54_features",
    dialect_string_arithmetic: "dialect/string_arithmetic",
    entry_main_args: "entry/main_args",
    entry_missing_method: "entry/missing_method",
    entry_script_returns_function: "entry/script_returns_function",
    entry_raise: "entry/raise",
    entry_raise_error_object: "entry/raise_error_object",
    entry_return_nil_message: "entry/return_nil_message",
    entry_return_values: "entry/return_values",
    limits_busy_user_coroutines: "limits/busy_user_coroutines",
    limits_fairness: "limits/fairness",
    limits_fairness_with_slow_calls: "limits/fairness_with_slow_calls",
    limits_preempt_after_slow_boot: "limits/preempt_after_slow_boot",
    limits_preempt_transparent: "limits/preempt_transparent",
    limits_unpreemptible_callback_loop: "limits/unpreemptible_callback_loop",
    limits_unpreemptible_table_loops: "limits/unpreemptible_table_loops",
    limits_unpreemptible_stop_not_caught: "limits/unpreemptible_stop_not_caught",
    process_unmonitor_drops_exit_on_its_way: "process/unmonitor_drops_exit_on_its_way",
    process_top_level_code_is_process_code: "process/top_level_code_is_process_code",
    process_cancel: "process/cancel",
    process_pid_shaped_text_is_never_a_name: "process/pid_shaped_text_is_never_a_name",
    process_cancel_and_messages_keep_their_order: "process/cancel_and_messages_keep_their_order",
    process_context_passing: "process/context_passing",
    process_security_context: "process/security_context",
    process_cancel_ignored: "process/cancel_ignored",
    process_cancel_self: "process/cancel_self",
    process_chain_cascade: "process/chain_cascade",
    process_channel_identity: "process/channel_identity",
    process_combined_channels: "process/combined_channels",
    process_exec: "process/exec",
    process_exec_waits_apart: "process/exec_waits_apart",
    process_exit_error: "process/exit_error",
    process_exit_error_table_tostring: "process/exit_error_table_tostring",
    process_exit_normal: "process/exit_normal",
    process_exit_seen_by_new_process: "process/exit_seen_by_new_process",
    process_inbox_fallback: "process/inbox_fallback",
    process_inbox_ordering: "process/inbox_ordering",
    process_inbox_receivers: "process/inbox_receivers",
    process_link_dead: "process/link_dead",
    process_link_down_trapped: "process/link_down_trapped",
    process_link_explicit: "process/link_explicit",
    process_listen_message: "process/listen_message",
    process_listen_message_mode_sticks: "process/listen_message_mode_sticks",
    process_listen_raw: "process/listen_raw",
    process_many_messages: "process/many_messages",
    process_message_methods: "process/message_methods",
    process_message_payloads: "process/message_payloads",
    process_message_strings_asked_late: "process/message_strings_asked_late",
    process_a_polling_loop_sees_new_messages: "process/a_polling_loop_sees_new_messages",
    process_monitor_dead: "process/monitor_dead",
    process_monitor_racing_an_exit_gets_its_exit: "process/monitor_racing_an_exit_gets_its_exit",
    process_monitor_explicit: "process/monitor_explicit",
    process_monitor_twice_refused: "process/monitor_twice_refused",
    process_exit_error_kinds: "process/exit_error_kinds",
    process_command_failures: "process/command_failures",
    process_calls_return_two_values: "process/calls_return_two_values",
    process_registry_scopes: "process/registry_scopes",
    process_exec_checks_its_arguments: "process/exec_checks_its_arguments",
    process_no_link_down_on_normal: "process/no_link_down_on_normal",
    process_normal_exit_keeps_links: "process/normal_exit_keeps_links",
    process_options: "process/options",
    process_pid_format: "process/pid_format",
    process_process_id: "process/process_id",
    process_queued_before_listen: "process/queued_before_listen",
    process_registry_auto_release: "process/registry_auto_release",
    process_registry_basic: "process/registry_basic",
    process_registry_taken: "process/registry_taken",
    process_registry_empty_name: "process/registry_empty_name",
    process_send_bad_args: "process/send_bad_args",
    process_send_number_topic_is_text: "process/send_number_topic_is_text",
    process_send_dead_pid: "process/send_dead_pid",
    process_send_reserved_topic: "process/send_reserved_topic",
    process_send_then_exit: "process/send_then_exit",
    process_send_to_self_is_taken_in_before_send_returns: "process/send_to_self_is_taken_in_before_send_returns",
    process_select_takes_mail_in_arrival_order: "process/select_takes_mail_in_arrival_order",
    process_select_keeps_arrival_order_across_listen_and_inbox: "process/select_keeps_arrival_order_across_listen_and_inbox",
    process_send_to_moved_name: "process/send_to_moved_name",
    process_send_to_pid_and_name: "process/send_to_pid_and_name",
    process_send_to_kept_pid: "process/send_to_kept_pid",
    process_send_to_self_at_start: "process/send_to_self_at_start",
    process_send_unknown_name: "process/send_unknown_name",
    process_spawn_alternating_entries: "process/spawn_alternating_entries",
    process_spawn_args_copy: "process/spawn_args_copy",
    process_spawn_basic: "process/spawn_basic",
    process_spawn_many: "process/spawn_many",
    process_spawn_unknown: "process/spawn_unknown",
    process_spawn_of_a_failing_top_level_returns_nil_err: "process/spawn_of_a_failing_top_level_returns_nil_err",
    process_spawner: "process/spawner",
    process_spawner_details: "process/spawner_details",
    process_star_cascade: "process/star_cascade",
    process_subscribe_details: "process/subscribe_details",
    process_subscribe_global: "process/subscribe_global",
    process_terminate: "process/terminate",
    process_terminate_busy: "process/terminate_busy",
    process_terminate_busy_calls: "process/terminate_busy_calls",
    process_terminate_self: "process/terminate_self",
    process_terminate_self_runs_nothing_after: "process/terminate_self_runs_nothing_after",
    process_trap_links_default: "process/trap_links_default",
    process_untrapped_link_down_fails_when_delivered: "process/untrapped_link_down_fails_when_delivered",
    process_unlisten: "process/unlisten",
    process_unmonitor: "process/unmonitor",
    process_unlisten_of_inbox_and_events: "process/unlisten_of_inbox_and_events",
    process_upgrade: "process/upgrade",
    process_a_failed_upgrade_ends_the_process: "process/a_failed_upgrade_ends_the_process",
    process_spawn_of_a_function_entry_is_refused: "process/spawn_of_a_function_entry_is_refused",
    process_upgrade_keeps_the_process: "process/upgrade_keeps_the_process",
    process_upgrade_starts_a_fresh_process: "process/upgrade_starts_a_fresh_process",
    process_listen_message_flag_must_be_true: "process/listen_message_flag_must_be_true",
    process_spawner_checks_and_results: "process/spawner_checks_and_results",
    time_unix_needs_both_arguments: "time/unix_needs_both_arguments",
    time_method_argument_errors_name_the_method: "time/method_argument_errors_name_the_method",
    process_ctx_get_takes_a_number_as_text: "process/ctx_get_takes_a_number_as_text",
    process_wide_calls: "process/wide_calls",
    sandbox_package_is_the_originals_restricted_one: "sandbox/package_is_the_originals_restricted_one",
    sandbox_os_time_and_date_follow_the_original: "sandbox/os_time_and_date_follow_the_original",
    sandbox_absent_globals: "sandbox/absent_globals",
    sandbox_io_outside_terminal: "sandbox/io_outside_terminal",
    review_after_duration_userdata: "review/after_duration_userdata",
    review_after_read_late: "review/after_read_late",
    review_cancel_event_fields: "review/cancel_event_fields",
    review_channel_send_returns_true: "review/channel_send_returns_true",
    review_deadlock_message: "review/deadlock_message",
    review_dest_ops_return_true: "review/dest_ops_return_true",
    review_dest_ops_unknown_name: "review/dest_ops_unknown_name",
    review_forward_payload_reply: "review/forward_payload_reply",
    review_link_down_event_fields: "review/link_down_event_fields",
    review_link_down_untrapped_message: "review/link_down_untrapped_message",
    review_linked_child_traps_parent_crash: "review/linked_child_traps_parent_crash",
    review_listen_exact_topic_no_glob: "review/listen_exact_topic_no_glob",
    review_no_deadlock_with_subscription: "review/no_deadlock_with_subscription",
    review_process_error_methods: "review/process_error_methods",
    review_register_with_scope: "review/register_with_scope",
    review_set_options_empty_table: "review/set_options_empty_table",
    review_sleep_zero: "review/sleep_zero",
    review_spawn_monitored_unknown_no_exit: "review/spawn_monitored_unknown_no_exit",
    review_spec_inbox_select: "review/spec_inbox_select",
    review_spec_worker_pool: "review/spec_worker_pool",
    review_terminate_linked_kills_terminator: "review/terminate_linked_kills_terminator",
    review_unlink_untrapped_survives: "review/unlink_untrapped_survives",
    review_unmonitor_by_name: "review/unmonitor_by_name",
    sandbox_isolation: "sandbox/isolation",
    sandbox_listed_modules_are_globals: "sandbox/listed_modules_are_globals",
    sandbox_globals_table_is_plain_table: "sandbox/globals_table_is_plain_table",
    sandbox_methods_refuse_another_kind_of_object: "sandbox/methods_refuse_another_kind_of_object",
    sandbox_no_code_loading: "sandbox/no_code_loading",
    sandbox_no_finalizers: "sandbox/no_finalizers",
    sandbox_recycled_vm_is_pristine: "sandbox/recycled_vm_is_pristine",
    sandbox_protected_calls_count_levels_as_lua: "sandbox/protected_calls_count_levels_as_lua",
    sandbox_require_allowed: "sandbox/require_allowed",
    sandbox_string_library_is_plain_table: "sandbox/string_library_is_plain_table",
    time_after: "time/after",
    time_parse_takes_a_zone_named_out_of_season: "time/parse_takes_a_zone_named_out_of_season",
    time_timers_due_together_fire_in_order: "time/timers_due_together_fire_in_order",
    time_numbers_as_string_arguments: "time/numbers_as_string_arguments",
    time_invalid_durations: "time/invalid_durations",
    time_now_and_durations: "time/now_and_durations",
    time_sleep: "time/sleep",
    time_sleep_bad_duration: "time/sleep_bad_duration",
    time_timer_reset_zero: "time/timer_reset_zero",
    time_sleep_blocks_only_caller: "time/sleep_blocks_only_caller",
    time_ticker_has_no_reset: "time/ticker_has_no_reset",
    time_ticker: "time/ticker",
    time_ticker_slow_reader: "time/ticker_slow_reader",
    time_timer: "time/timer",
    time_timer_reset_after_fire: "time/timer_reset_after_fire",
    time_arithmetic: "time/arithmetic",
    time_calendar_constants: "time/calendar_constants",
    time_date_fields: "time/date_fields",
    time_duration_values: "time/duration_values",
    time_format_layouts: "time/format_layouts",
    time_locations: "time/locations",
    time_parse_errors: "time/parse_errors",
    time_parse_layouts: "time/parse_layouts",
    time_round_truncate: "time/round_truncate",
    time_unix_and_zero: "time/unix_and_zero",
    // Conformance with the original Wippy runtime (tests/lua/conformance/).
    conformance_cancel_before_events: "conformance/cancel_before_events",
    conformance_cancel_by_name: "conformance/cancel_by_name",
    conformance_cancel_default_reason: "conformance/cancel_default_reason",
    conformance_cancel_number_reason: "conformance/cancel_number_reason",
    conformance_coroutine_spawn_runs_first: "conformance/coroutine_spawn_runs_first",
    conformance_error_concat_both_sides: "conformance/error_concat_both_sides",
    conformance_error_kind_constant_values: "conformance/error_kind_constant_values",
    conformance_error_new_defaults: "conformance/error_new_defaults",
    conformance_error_string_find: "conformance/error_string_find",
    conformance_error_wrap_keeps_message: "conformance/error_wrap_keeps_message",
    conformance_errors_is_non_error: "conformance/errors_is_non_error",
    conformance_event_and_scope_constants: "conformance/event_and_scope_constants",
    conformance_exit_event_at_seconds: "conformance/exit_event_at_seconds",
    conformance_json_error_kinds: "conformance/json_error_kinds",
    conformance_json_scalars: "conformance/json_scalars",
    conformance_link_unlink_by_name: "conformance/link_unlink_by_name",
    conformance_linked_child_dies_with_parent: "conformance/linked_child_dies_with_parent",
    conformance_listen_empty_topic_error: "conformance/listen_empty_topic_error",
    conformance_listen_reserved_topic_error: "conformance/listen_reserved_topic_error",
    conformance_monitor_terminate_by_name: "conformance/monitor_terminate_by_name",
    conformance_process_errors_not_retryable: "conformance/process_errors_not_retryable",
    conformance_registry_conflict_kind: "conformance/registry_conflict_kind",
    conformance_registry_register_bad_pid: "conformance/registry_register_bad_pid",
    conformance_registry_several_names: "conformance/registry_several_names",
    conformance_select_default_full_send: "conformance/select_default_full_send",
    conformance_select_result_shape: "conformance/select_result_shape",
    conformance_select_wakes_on_close: "conformance/select_wakes_on_close",
    conformance_set_options_not_table: "conformance/set_options_not_table",
    conformance_set_options_applies_what_it_can: "conformance/set_options_applies_what_it_can",
    conformance_set_options_trap_links_not_boolean: "conformance/set_options_trap_links_not_boolean",
    conformance_spawn_linked_monitored_events: "conformance/spawn_linked_monitored_events",
    conformance_time_numeric_durations: "conformance/time_numeric_durations",
    conformance_time_parse_and_format: "conformance/time_parse_and_format",
    conformance_time_parse_duration_error: "conformance/time_parse_duration_error",
    registry_module: "registry/registry_module",
    registry_snapshot_reads_its_version: "registry/snapshot_reads_its_version",
    registry_changes_apply_makes_a_version: "registry/changes_apply_makes_a_version",
    registry_functions_follow_versions: "registry/functions_follow_versions",
    registry_change_errors: "registry/change_errors",
    registry_changes_refuse_lua_that_does_not_compile: "registry/changes_refuse_lua_that_does_not_compile",
    registry_history_navigation: "registry/history_navigation",
    registry_build_delta: "registry/build_delta",
    registry_changes_publish_events: "registry/changes_publish_events",
    registry_changes_run_services: "registry/changes_run_services",
}

/// Under a 32 MiB per-process limit, a worker that allocates without bound fails with
/// "memory limit" while the program itself and other workers carry on.
#[test]
fn limits_memory_limit() {
    run_program(
        "limits/memory_limit",
        LuaOptions::default().memory_limit(32 << 20),
    );
}

/// The Rust memory limit tests: under a 16 MiB per-process limit, a worker keeping Rust
/// memory (channel slots, errors, loggers, payloads, topics, names) fails with "memory
/// limit exceeded" while the program carries on. Also the list `every_program_is_listed`
/// uses.
macro_rules! rust_memory_tests {
    ($($test:ident: $program:literal,)*) => {
        const RUST_MEMORY: &[&str] = &[$($program),*];
        $(
            #[test]
            fn $test() {
                run_program($program, LuaOptions::default().memory_limit(16 << 20));
            }
        )*
    };
}

rust_memory_tests! {
    limits_stack_growth_near_the_limit: "limits/stack_growth_near_the_limit",
    limits_caught_memory_error_releases_the_garbage: "limits/caught_memory_error_releases_the_garbage",
    limits_rust_memory_channel: "limits/rust_memory_channel",
    limits_rust_memory_wrap: "limits/rust_memory_wrap",
    limits_rust_memory_errors: "limits/rust_memory_errors",
    limits_rust_memory_logger: "limits/rust_memory_logger",
    limits_rust_memory_payload: "limits/rust_memory_payload",
    limits_rust_memory_listen: "limits/rust_memory_listen",
    limits_rust_memory_register: "limits/rust_memory_register",
    limits_rust_memory_register_same_name: "limits/rust_memory_register_same_name",
    limits_json_decode_within_the_limit: "limits/json_decode_within_the_limit",
    limits_rust_memory_received: "limits/rust_memory_received",
    limits_garbage_charges_free_room: "limits/garbage_charges_free_room",
    limits_live_charges_keep_the_limit: "limits/live_charges_keep_the_limit",
    limits_error_at_memory_limit: "limits/error_at_memory_limit",
    limits_encoded_text_past_the_limit: "limits/encoded_text_past_the_limit",
    limits_large_exit_value_keeps_the_event: "limits/large_exit_value_keeps_the_event",
}

/// Every program under `tests/lua/` (except the workers, functions and the library in
/// `lib/`) has
/// its `#[test]`, and every file stem (the entry name) is unique.
#[test]
fn every_program_is_listed() {
    let mut missing = Vec::new();
    let mut stems: Vec<String> = lua_files(&lua_dir().join("workers"))
        .iter()
        .chain(&lua_files(&lua_dir().join("functions")))
        .chain(&lua_files(&lua_dir().join("lib")))
        .map(|p| stem(p))
        .collect();
    let mut groups: Vec<PathBuf> = std::fs::read_dir(lua_dir())
        .expect("read tests/lua")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            p.is_dir()
                && !p.ends_with("workers")
                && !p.ends_with("functions")
                && !p.ends_with("lib")
        })
        .collect();
    groups.sort();
    for group in groups {
        let group_name = stem(&group);
        for file in lua_files(&group) {
            stems.push(stem(&file));
            let program = format!("{group_name}/{}", stem(&file));
            if !PROGRAMS.contains(&program.as_str())
                && !SEPARATE.contains(&program.as_str())
                && !RUST_MEMORY.contains(&program.as_str())
            {
                missing.push(program);
            }
        }
    }
    assert!(missing.is_empty(), "programs without a test: {missing:?}");
    let count = stems.len();
    stems.sort();
    stems.dedup();
    assert_eq!(
        stems.len(),
        count,
        "file stems must be unique across tests/lua"
    );
}

/// Programs with a hand-written test (their own options).
const SEPARATE: &[&str] = &["limits/memory_limit"];
