//! Whole-runtime shutdown on SIGINT/SIGTERM: the first signal stops gracefully, a
//! second one exits at once.

use crate::runtime::Runtime;
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use std::time::Duration;

/// Blocks until SIGINT or SIGTERM, then shuts `runtime` down within `grace`
/// ([`Runtime::shutdown`]). A second signal during that exits the process with status 1.
///
/// # Errors
///
/// When the signal handlers cannot be installed.
pub fn run_until_signal(runtime: &Runtime, grace: Duration) -> std::io::Result<()> {
    let mut signals = Signals::new([SIGINT, SIGTERM])?;
    let first = signals.forever().next();
    tracing::info!(signal = ?first, "shutting down (a second signal exits at once)");
    let handle = signals.handle();
    let watcher = std::thread::Builder::new()
        .name("wippy-signals".into())
        .spawn(move || {
            if signals.forever().next().is_some() {
                eprintln!("second signal: exiting now");
                std::process::exit(1);
            }
        })?;
    runtime.shutdown(grace);
    handle.close();
    let _ = watcher.join();
    Ok(())
}
