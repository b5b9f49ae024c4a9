//! What the four Labelchain contracts share: the internal interfaces they call each other
//! through, the packed task terms the registry hands the verifier, the protocol's fixed
//! limits, and the error wrapper that re-raises a callee's revert unchanged.
//!
//! Keeping these in one crate means the registry's encoder and the verifier's decoder of
//! [`TaskTerms`] cannot drift apart, and every internal call has exactly one declaration.
#![cfg_attr(not(any(test, feature = "test-clock")), no_std)]
extern crate alloc;
// Native unit tests get the `vm_hooks` host functions from motsu's shims.
#[cfg(test)]
extern crate motsu;

pub mod bubble;
pub mod calls;
pub mod clock;
pub mod limits;
pub mod math;
pub mod packing;
pub mod terms;

pub use bubble::Bubbled;
pub use terms::TaskTerms;
