//! Progress of multi-step commands: a spinner per step on a terminal (indicatif), plain
//! lines otherwise, nothing in `--json` mode (the result document says it all).

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// How a step ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Sent and checked on chain.
    Done(String),
    /// Already on chain (found and checked); nothing sent.
    Skipped(String),
    Failed(String),
}

/// Receives step events. The library reports through this; the binary picks the kind.
pub trait Progress: Send + Sync {
    fn start(&self, step: &str);
    fn finish(&self, step: &str, outcome: Outcome);
    fn note(&self, message: &str);
}

/// Silent (tests, `--json`).
pub struct Quiet;

impl Progress for Quiet {
    fn start(&self, _: &str) {}
    fn finish(&self, _: &str, _: Outcome) {}
    fn note(&self, _: &str) {}
}

/// Plain lines on stderr (not a terminal, CI logs).
pub struct Lines;

impl Progress for Lines {
    fn start(&self, step: &str) {
        eprintln!("… {step}");
    }
    fn finish(&self, step: &str, outcome: Outcome) {
        match outcome {
            Outcome::Done(d) => eprintln!("✓ {step}: {d}"),
            Outcome::Skipped(d) => eprintln!("= {step}: {d}"),
            Outcome::Failed(d) => eprintln!("✗ {step}: {d}"),
        }
    }
    fn note(&self, message: &str) {
        eprintln!("  {message}");
    }
}

/// indicatif spinners on stderr.
pub struct Spinners {
    current: Mutex<Option<ProgressBar>>,
}

impl Spinners {
    pub fn new() -> Self {
        Spinners {
            current: Mutex::new(None),
        }
    }
}

impl Default for Spinners {
    fn default() -> Self {
        Self::new()
    }
}

impl Progress for Spinners {
    fn start(&self, step: &str) {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(step.to_owned());
        bar.enable_steady_tick(Duration::from_millis(100));
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = Some(bar);
    }
    fn finish(&self, step: &str, outcome: Outcome) {
        let line = match outcome {
            Outcome::Done(d) => format!("✓ {step}: {d}"),
            Outcome::Skipped(d) => format!("= {step}: {d}"),
            Outcome::Failed(d) => format!("✗ {step}: {d}"),
        };
        match self
            .current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            Some(bar) => bar.finish_with_message(line),
            None => eprintln!("{line}"),
        }
    }
    fn note(&self, message: &str) {
        match &*self.current.lock().unwrap_or_else(|e| e.into_inner()) {
            Some(bar) => bar.println(format!("  {message}")),
            None => eprintln!("  {message}"),
        }
    }
}

/// The reporter for a command: quiet for `--json`, spinners on a terminal, else lines.
pub fn for_output(json: bool) -> Box<dyn Progress> {
    if json {
        Box::new(Quiet)
    } else if std::io::stderr().is_terminal() {
        Box::new(Spinners::new())
    } else {
        Box::new(Lines)
    }
}

/// A bar over the blocks of a paged log read (`dataset list`, the export): blocks done
/// of the total and logs found so far, on a terminal; nothing otherwise (a page's line
/// per request would flood a CI log) and nothing in `--json` mode.
pub struct BlocksBar(Option<ProgressBar>);

impl BlocksBar {
    pub fn new(json: bool, what: &str) -> Self {
        if json || !std::io::stderr().is_terminal() {
            return BlocksBar(None);
        }
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} blocks, {prefix} ({eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message(what.to_owned());
        BlocksBar(Some(bar))
    }

    /// One page read: `done` of `total` blocks, `logs` found so far.
    pub fn page(&self, done: u64, total: u64, logs: usize) {
        if let Some(bar) = &self.0 {
            bar.set_length(total);
            bar.set_position(done);
            bar.set_prefix(format!("{logs} logs"));
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
