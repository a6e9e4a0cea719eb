//! Progress on a terminal, silence when piped.
//!
//! Steps are shown as a spinner on stderr only when stderr is a terminal and
//! the user did not ask for `--quiet`; `--verbose` adds one line per finished
//! step with its duration (to stderr, so outputs stay clean).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// How chatty the run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// Reports the steps of a run.
pub struct Progress {
    bar: Option<ProgressBar>,
    verbosity: Verbosity,
    step_started: Instant,
    current: String,
    /// Each finished step with its duration, for the manifest.
    pub timings: Vec<(String, Duration)>,
    /// Work measured apart ([`Progress::record`]), done during the steps
    /// (on another thread, or a part of one step): not added to their total.
    pub parts: Vec<(String, Duration)>,
}

impl Progress {
    pub fn new(verbosity: Verbosity) -> Self {
        let bar = (verbosity != Verbosity::Quiet && std::io::stderr().is_terminal()).then(|| {
            let b = ProgressBar::new_spinner();
            b.set_style(
                ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            b.enable_steady_tick(Duration::from_millis(120));
            b
        });
        Progress {
            bar,
            verbosity,
            step_started: Instant::now(),
            current: String::new(),
            timings: Vec::new(),
            parts: Vec::new(),
        }
    }

    /// Starts a step, finishing the previous one.
    pub fn step(&mut self, what: &str) {
        self.finish_step();
        self.current = what.to_string();
        self.step_started = Instant::now();
        if let Some(b) = &self.bar {
            b.set_message(what.to_string());
        }
    }

    fn finish_step(&mut self) {
        if self.current.is_empty() {
            return;
        }
        let d = self.step_started.elapsed();
        if self.verbosity == Verbosity::Verbose {
            let line = format!("{} : {:.3} s", self.current, d.as_secs_f64());
            match &self.bar {
                Some(b) => b.println(line),
                None => eprintln!("{line}"),
            }
        }
        self.timings.push((std::mem::take(&mut self.current), d));
    }

    /// Records work measured apart, done during the steps (the parts of a
    /// streamed computation summed over its chunks, a computation on another
    /// thread): shown like a step with `--verbose` and kept in `parts`.
    pub fn record(&mut self, what: &str, d: Duration) {
        if self.verbosity == Verbosity::Verbose {
            let line = format!("{what} : {:.3} s", d.as_secs_f64());
            match &self.bar {
                Some(b) => b.println(line),
                None => eprintln!("{line}"),
            }
        }
        self.parts.push((what.to_string(), d));
    }

    /// Ends the last step and clears the spinner.
    pub fn finish(&mut self) {
        self.finish_step();
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
    }

    /// Prints a message to stderr unless quiet, without breaking the spinner.
    pub fn say(&self, msg: &str) {
        if self.verbosity == Verbosity::Quiet {
            return;
        }
        match &self.bar {
            Some(b) => b.println(msg),
            None => eprintln!("{msg}"),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
    }
}
