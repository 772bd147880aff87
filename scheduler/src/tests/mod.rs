//! loom models of the scheduler's lock-free protocols. Run them with
//! `RUSTFLAGS="--cfg loom -C debug_assertions" cargo test -p wippy-scheduler --lib --release -- loom_`
//! (see `.ci/run`).

mod loom_idle;
mod loom_mailbox;
mod loom_preempt;
mod loom_select;
mod loom_state;
