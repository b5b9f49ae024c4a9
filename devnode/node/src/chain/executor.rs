//! One long-lived thread that runs every transaction and call of a chain. wasmi's
//! interpreter and revm's nested frames need a deep stack (Stylus→EVM→Stylus reentrancy
//! at the call depth limit), so the thread is started once with a large stack instead
//! of a fresh large-stack thread per call. A job that panics is reported as a failed
//! execution and the thread keeps serving.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};

use super::ChainError;

/// Stack of the execution thread: deep enough for 1024 nested Stylus/EVM frames.
pub(crate) const EXECUTION_STACK: usize = 512 * 1024 * 1024;

type Job = Box<dyn FnOnce() + Send>;

/// Started on first use; shared by a chain's clones.
#[derive(Default)]
pub(crate) struct Executor {
    jobs: OnceLock<Mutex<mpsc::Sender<Job>>>,
}

impl Executor {
    fn sender(&self) -> Result<&Mutex<mpsc::Sender<Job>>, ChainError> {
        if let Some(s) = self.jobs.get() {
            return Ok(s);
        }
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("devnode-exec".into())
            .stack_size(EXECUTION_STACK)
            .spawn(move || {
                // Ends when every sender (the chain and its clones) is gone.
                for job in rx {
                    job();
                }
            })
            .map_err(|e| ChainError::Thread(e.to_string()))?;
        // A racing first use may have set it meanwhile: then this thread just exits.
        let _ = self.jobs.set(Mutex::new(tx));
        self.jobs
            .get()
            .ok_or_else(|| ChainError::Thread("the executor did not start".into()))
    }

    /// Runs `f` on the execution thread and waits for its result.
    pub(crate) fn run<R: Send + 'static>(
        &self,
        f: impl FnOnce() -> R + Send + 'static,
    ) -> Result<R, ChainError> {
        let (done, result) = mpsc::sync_channel(1);
        let job: Job = Box::new(move || {
            let _ = done.send(catch_unwind(AssertUnwindSafe(f)));
        });
        self.sender()?
            .lock()
            .map_err(|_| ChainError::Thread("the executor's queue is poisoned".into()))?
            .send(job)
            .map_err(|_| ChainError::Thread("the execution thread stopped".into()))?;
        match result.recv() {
            Ok(Ok(r)) => Ok(r),
            Ok(Err(_)) => Err(ChainError::Thread("the execution panicked".into())),
            Err(_) => Err(ChainError::Thread("the execution thread stopped".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_run_on_one_thread_and_a_panic_does_not_stop_it() {
        let e = Executor::default();
        let first = e.run(|| std::thread::current().id()).unwrap();
        assert!(matches!(
            e.run(|| panic!("boom")),
            Err(ChainError::Thread(_))
        ));
        let again = e.run(|| std::thread::current().id()).unwrap();
        assert_eq!(first, again);
        assert_ne!(first, std::thread::current().id());
    }
}
