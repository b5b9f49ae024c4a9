//! The contracts' notion of "now".
//!
//! On chain this is the block timestamp, nothing more. motsu 0.10 (the native unit-test
//! VM) pins the block timestamp to a constant, which would make commit, reveal, audit and
//! unbonding windows untestable natively; the `test-clock` feature therefore adds a
//! per-thread offset that native tests advance (motsu runs each test on its own thread).
//! The feature needs `std`, so it cannot be compiled into a deployable (no_std, wasm32)
//! program by accident.

use stylus_sdk::prelude::Host;

/// The current block timestamp (plus the test offset in `test-clock` builds).
pub fn now(vm: &dyn Host) -> u64 {
    #[cfg(feature = "test-clock")]
    {
        vm.block_timestamp() + test::offset()
    }
    #[cfg(not(feature = "test-clock"))]
    {
        vm.block_timestamp()
    }
}

#[cfg(feature = "test-clock")]
pub mod test {
    use std::cell::Cell;

    std::thread_local! {
        static OFFSET: Cell<u64> = const { Cell::new(0) };
    }

    /// Seconds added to the block timestamp on this thread.
    pub fn offset() -> u64 {
        OFFSET.with(|o| o.get())
    }

    /// Moves this thread's clock forward.
    pub fn advance(seconds: u64) {
        OFFSET.with(|o| o.set(o.get() + seconds));
    }
}
