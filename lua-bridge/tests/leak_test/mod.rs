//! What the leak tests share: a global allocator that counts the bytes live, and a
//! runtime over a registry written to a temporary directory.
//!
//! Each leak test is a test binary of its own, so that the count sees that test only;
//! it installs [`Counting`] with `#[global_allocator]` and reads [`live`]. The VMs
//! allocate through mimalloc directly (`vm/alloc.rs`), so the count is of Rust's
//! allocations.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use wippy_runtime::message::Outcome;
use wippy_runtime::payload::Payload;
use wippy_runtime::process::ExitWaiter;
use wippy_runtime::registry::Registry;
use wippy_runtime::{Runtime, SpawnSpec};

/// A started runtime with Lua installed, over the files it was made from; shut down and
/// its directory removed when dropped.
pub(crate) struct App {
    runtime: Runtime,
    dir: PathBuf,
}

impl App {
    /// Writes `files` (name, text; `_index.yaml` among them) to a fresh directory named
    /// after `name` and starts a runtime over them.
    pub(crate) fn start(name: &str, files: &[(&str, &str)], options: wippy_lua::LuaOptions) -> App {
        let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (file, text) in files {
            std::fs::write(dir.join(file), text).unwrap();
        }
        let runtime = Runtime::new(Registry::load_dir(&dir).unwrap());
        wippy_lua::install(&runtime, options);
        runtime.start().unwrap();
        App { runtime, dir }
    }

    /// Runs `entry` on `host` with `args` to its end (`None` past `limit`).
    pub(crate) fn run(
        &self,
        entry: &str,
        host: &str,
        args: Vec<Payload>,
        limit: Duration,
    ) -> Option<Outcome> {
        let waiter = ExitWaiter::new();
        self.runtime
            .spawn(
                SpawnSpec::new(entry, host)
                    .args(args)
                    .waiter(waiter.clone()),
            )
            .unwrap();
        waiter.wait_timeout(limit)
    }
}

impl Drop for App {
    fn drop(&mut self) {
        self.runtime.shutdown(Duration::from_secs(5));
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The system allocator, counting the bytes live.
pub(crate) struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

/// The most bytes live at once since the last [`reset_peak`].
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// Bytes allocated through [`Counting`] and not yet freed.
pub(crate) fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// The most bytes live at once since the last [`reset_peak`] (or the start).
#[allow(dead_code)] // Some leak tests only.
pub(crate) fn peak() -> usize {
    PEAK.load(Ordering::Relaxed)
}

/// Starts [`peak`] over from the bytes live now.
#[allow(dead_code)] // Some leak tests only.
pub(crate) fn reset_peak() {
    PEAK.store(live(), Ordering::Relaxed);
}

/// Counts `size` more bytes live and raises the peak to match.
fn grow(size: usize) {
    let now = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is passed to the system allocator as it came; the counter only
// follows the sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grow(layout.size());
        // SAFETY: the caller's layout, as `GlobalAlloc::alloc` requires.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` or `realloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        grow(new_size);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: as `GlobalAlloc::realloc` requires, passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}
