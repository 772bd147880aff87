//! Whole-runtime shutdown on SIGINT/SIGTERM: the first signal stops gracefully, a
//! second one exits at once.

use crate::pid::Pid;
use crate::runtime::{Dest, Runtime};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// The SIGINT and SIGTERM handlers, installed by [`ShutdownSignals::install`] before the
/// runtime starts (so that a signal during the start is not lost: a process started in
/// the background inherits an ignored SIGINT until a handler is in place), and waited on
/// by [`run_until_signal`](ShutdownSignals::run_until_signal).
#[derive(Debug)]
pub struct ShutdownSignals {
    signals: Signals,
    /// A signal [`arrived`](ShutdownSignals::arrived) saw first: it counts as the first.
    early: Option<i32>,
}

impl ShutdownSignals {
    /// Installs the handlers; signals from now on are kept for `run_until_signal`.
    ///
    /// # Errors
    ///
    /// When the signal handlers cannot be installed.
    pub fn install() -> std::io::Result<ShutdownSignals> {
        Ok(ShutdownSignals {
            signals: Signals::new([SIGINT, SIGTERM])?,
            early: None,
        })
    }

    /// Whether SIGINT or SIGTERM has arrived, without waiting (for a caller that waits on
    /// something else first, such as [`Runtime::start_watching`]). Once it has, it
    /// counts as the first signal for the waits below, which then stop at once.
    pub fn arrived(&mut self) -> bool {
        if self.early.is_none() {
            self.early = self.signals.pending().next();
        }
        self.early.is_some()
    }

    /// Blocks until SIGINT or SIGTERM, then shuts `runtime` down within `grace`
    /// ([`Runtime::shutdown`]). A second signal during that exits the process with
    /// status 1.
    ///
    /// # Errors
    ///
    /// When the watcher thread for the second signal cannot be started.
    pub fn run_until_signal(self, runtime: &Runtime, grace: Duration) -> std::io::Result<()> {
        let mut signals = self.signals;
        let first = match self.early {
            Some(signal) => signal,
            None => signals.forever().next().unwrap_or_default(),
        };
        tracing::info!(
            signal = first,
            "shutting down (a second signal exits at once)"
        );
        shutdown_exiting_on(signals, runtime, grace, "second signal: exiting now")
    }

    /// As [`run_until_signal`](Self::run_until_signal), unless something arrives on
    /// `ended` first (the end of a terminal host's process: the run is over). Then that
    /// comes back with the handlers, the runtime still running, for the caller to report
    /// and to [`shut down`](Self::shutdown_exiting_on_signal). After a signal, what
    /// arrived on `ended` during the shutdown comes back.
    ///
    /// # Errors
    ///
    /// When the watcher of the second signal cannot be started.
    pub fn run_until_signal_or<T>(
        mut self,
        runtime: &Runtime,
        grace: Duration,
        ended: &std::sync::mpsc::Receiver<T>,
    ) -> std::io::Result<RunEnd<T>> {
        use std::sync::mpsc::RecvTimeoutError;
        let signal = loop {
            if self.arrived() {
                break self.early.take().unwrap_or_default();
            }
            match ended.recv_timeout(SIGNAL_POLL) {
                Ok(end) => return Ok(RunEnd::Ended { end, signals: self }),
                Err(RecvTimeoutError::Timeout) => {}
                // Nothing can end any more: only a signal.
                Err(RecvTimeoutError::Disconnected) => {
                    break self.signals.forever().next().unwrap_or_default();
                }
            }
        };
        ShutdownSignals {
            signals: self.signals,
            early: Some(signal),
        }
        .run_until_signal(runtime, grace)?;
        Ok(RunEnd::Signalled {
            late: ended.try_iter().collect(),
        })
    }

    /// Shuts `runtime` down within `grace` for a run that is over by itself (its
    /// terminal process ended): a signal meanwhile exits the process at once, with
    /// status 1, as a second signal does.
    ///
    /// # Errors
    ///
    /// When the watcher thread cannot be started.
    pub fn shutdown_exiting_on_signal(
        self,
        runtime: &Runtime,
        grace: Duration,
    ) -> std::io::Result<()> {
        if self.early.is_some() {
            exit_saying(format_args!("signal during the shutdown: exiting now"));
        }
        shutdown_exiting_on(
            self.signals,
            runtime,
            grace,
            "signal during the shutdown: exiting now",
        )
    }

    /// Watches from a thread of its own, for a caller that waits on something else (the
    /// `-x` process): the first signal sets `signalled`, cancels the process in
    /// `foreground` when it is set (it is what the user interrupted, so it hears first),
    /// and shuts `runtime` down within `grace` (in another thread), exiting the program
    /// with status 1 if the foreground process outlives the shutdown (stuck where it
    /// cannot be stopped); a second signal exits the process with status 1.
    ///
    /// # Errors
    ///
    /// When the watcher thread cannot be started.
    pub fn watch(
        self,
        runtime: Runtime,
        grace: Duration,
        signalled: Arc<AtomicBool>,
        foreground: Arc<OnceLock<Pid>>,
    ) -> std::io::Result<()> {
        let mut signals = self.signals;
        let early = self.early;
        std::thread::Builder::new()
            .name("wippy-signals".into())
            .spawn(move || {
                let mut seen = 0;
                for signal in early.into_iter().chain(signals.forever()) {
                    seen += 1;
                    signalled.store(true, Ordering::SeqCst);
                    if seen > 1 {
                        exit_saying(format_args!("second signal: exiting now"));
                    }
                    tracing::info!(signal, "shutting down (a second signal exits at once)");
                    if let Some(pid) = foreground.get() {
                        // Already gone is fine: the caller is about to see its end.
                        let _ = runtime.cancel(Dest::Pid(pid), "interrupted");
                    }
                    let runtime = runtime.clone();
                    let foreground = foreground.clone();
                    std::thread::spawn(move || {
                        runtime.shutdown(grace);
                        // Still alive after the shutdown: stuck where it cannot be
                        // stopped (the shutdown left it behind), so its caller would wait
                        // for ever.
                        if let Some(pid) = foreground.get().filter(|pid| runtime.is_alive(pid)) {
                            exit_saying(format_args!("error: {pid} did not stop (stuck in code that cannot be interrupted); exiting"));
                        }
                    });
                }
            })?;
        Ok(())
    }
}

/// Shuts `runtime` down within `grace` while a thread watches `signals`: the next signal
/// exits the process at once, with status 1, after writing `note`.
fn shutdown_exiting_on(
    mut signals: Signals,
    runtime: &Runtime,
    grace: Duration,
    note: &'static str,
) -> std::io::Result<()> {
    let handle = signals.handle();
    let watcher = std::thread::Builder::new()
        .name("wippy-signals".into())
        .spawn(move || {
            if signals.forever().next().is_some() {
                exit_saying(format_args!("{note}"));
            }
        })?;
    runtime.shutdown(grace);
    handle.close();
    let _ = watcher.join();
    Ok(())
}

/// How long [`ShutdownSignals::run_until_signal_or`] waits on its channel before it
/// looks for a signal again (so a signal is seen within this).
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// What ended [`ShutdownSignals::run_until_signal_or`].
#[derive(Debug)]
pub enum RunEnd<T> {
    /// A signal: the runtime has been shut down; `late` is what arrived on the channel
    /// meanwhile.
    Signalled {
        /// In order of arrival.
        late: Vec<T>,
    },
    /// `end` arrived first; the runtime still runs, and `signals` are still installed.
    Ended {
        /// What arrived.
        end: T,
        /// The handlers, for the shutdown that follows.
        signals: ShutdownSignals,
    },
}

/// Installs the handlers and waits as [`ShutdownSignals::run_until_signal`] does (for a
/// runtime already started).
///
/// # Errors
///
/// When the signal handlers cannot be installed.
pub fn run_until_signal(runtime: &Runtime, grace: Duration) -> std::io::Result<()> {
    ShutdownSignals::install()?.run_until_signal(runtime, grace)
}

/// Exits at once, with status 1, after writing `note` on stderr. The note is written
/// without `eprintln!`, which panics when stderr is a closed pipe (`wippy run -x ... 2>&1
/// | head`): the panic ended the thread before the exit (a second signal was lost).
fn exit_saying(note: std::fmt::Arguments<'_>) -> ! {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{note}");
    std::process::exit(1);
}
